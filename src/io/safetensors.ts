/**
 * Checkpoints in the safetensors format (https://huggingface.co/docs/safetensors), which
 * PyTorch and JAX/flax read and write (the `safetensors` package) and jax-js's loaders read: an 8-byte
 * little-endian header length N, N bytes of JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: { key: "value" } }`,
 * then the raw little-endian tensor data, each tensor's bytes at [begin, end) of that section.
 *
 * Tensor names are the pytree paths joined by "/": object keys and array indices from the root,
 * so `{ layers: [{ w, b }], scale }` has the names "layers/0/b", "layers/0/w" and "scale"
 * (keys in sorted order, as the pytree functions visit them). Values in the tree that are not
 * tensors (numbers, strings, null) are structure, not data: they are not saved, and a load
 * returns the template's.
 *
 * This module works on bytes only (no file system), so it runs in browsers; io/node.ts has the
 * file helpers for Node.
 */
import { flatten, unflatten, isPlainObject } from "../transforms/tree.js";
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import { fromHost } from "../tensor/create.js";
import { allocate, type DType } from "../ir/dtype.js";

type T = AnyTensor;

/** shapegrad's dtypes and their safetensors names. */
const TO_FILE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32", uint32: "U32", bool: "BOOL" };
/** Bytes per element of every dtype the format defines (to check byte counts of all entries). */
const ITEM_SIZE: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
/** The reference implementation's limit on the header (100 MB). */
const MAX_HEADER = 100_000_000;

/** saveSafetensors' options: string-to-string `metadata`, stored as the header's "__metadata__". */
export interface SaveSafetensorsOptions {
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The tensors of a tree with their "/"-joined paths, in the pytree functions' order. */
function namedLeaves(op: string, tree: unknown): [string, T][] {
  flatten(tree); // rejects what is not a pytree, with its message
  if (tree instanceof Tensor) throw new Error(`${op}: the tree is a single tensor, which has no name; put it in an object ({ w: tensor })`);
  const out: [string, T][] = [];
  const seen = new Set<string>();
  const go = (t: unknown, path: readonly string[]): void => {
    if (t instanceof Tensor) {
      const name = path.join("/");
      if (name === "__metadata__") throw new Error(`${op}: "__metadata__" is reserved by the format and cannot name a tensor`);
      if (seen.has(name)) throw new Error(`${op}: two tensors have the name "${name}" (a key with "/" in it clashes with a nested path)`);
      seen.add(name);
      out.push([name, t as T]);
    } else if (Array.isArray(t)) t.forEach((c, i) => go(c, [...path, String(i)]));
    else if (isPlainObject(t)) for (const k of Object.keys(t).sort()) go(t[k], [...path, k]);
  };
  go(tree, []);
  return out;
}

const showShape = (s: readonly number[]) => `[${s.join(", ")}]`;
const sizeOf = (s: readonly number[]) => s.reduce((p, d) => p * d, 1);

/** Writes the elements of a typed array as little-endian bytes at `at`. */
function writeData(view: DataView, at: number, dtype: DType, data: ArrayLike<number>): void {
  const n = data.length;
  switch (dtype) {
    case "float32":
      for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, data[i]!, true);
      return;
    case "float64":
      for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, data[i]!, true);
      return;
    case "int32":
      for (let i = 0; i < n; i++) view.setInt32(at + 4 * i, data[i]!, true);
      return;
    case "uint32":
      for (let i = 0; i < n; i++) view.setUint32(at + 4 * i, data[i]!, true);
      return;
    case "bool":
      for (let i = 0; i < n; i++) view.setUint8(at + i, data[i] ? 1 : 0);
      return;
  }
}

/**
 * The tensors of a pytree as a safetensors file: names are "/"-joined paths ("layers/0/w"), the
 * dtypes F32, F64, I32, U32 and BOOL. As the reference writer, tensors are laid out by element
 * size (largest first) and then by name, so every tensor starts at a multiple of its element
 * size, and the header is padded with spaces to a multiple of 8 bytes. The tensors are read
 * synchronously (`dataSync`), so this is for concrete tensors, not inside a transformation.
 */
export function saveSafetensors(tree: unknown, options: SaveSafetensorsOptions = {}): Uint8Array {
  const op = "saveSafetensors";
  const leaves = namedLeaves(op, tree);
  const itemSize = (t: T) => ITEM_SIZE[TO_FILE[t.dtype]]!;
  leaves.sort(([na, a], [nb, b]) => itemSize(b) - itemSize(a) || (na < nb ? -1 : na > nb ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (options.metadata !== undefined) {
    const m = options.metadata;
    if (!isPlainObject(m) || Object.values(m).some((v) => typeof v !== "string")) throw new TypeError(`${op}: metadata must be an object of strings`);
    header.__metadata__ = m;
  }
  let offset = 0;
  for (const [name, t] of leaves) {
    const bytes = t.size * itemSize(t);
    header[name] = { dtype: TO_FILE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const n = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true); // the high word of the u64 stays 0: n < 2^32
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  for (const [name, t] of leaves) {
    const [begin] = (header[name] as { data_offsets: [number, number] }).data_offsets;
    writeData(view, 8 + n + begin, t.dtype, t.dataSync());
  }
  return out;
}

/** One entry of a parsed header. */
interface Entry {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** The header of a safetensors file, validated against the format: entries and the data section's start. */
function parseHeader(op: string, bytes: Uint8Array): { entries: Map<string, Entry>; start: number } {
  const bad = (why: string): never => {
    throw new Error(`${op}: not a valid safetensors file: ${why}`);
  };
  if (bytes.length < 8) bad(`it has ${bytes.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER) bad(`the header length ${n} is more than ${MAX_HEADER} bytes`);
  if (8 + n > bytes.length) bad(`the header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return bad("the header is not UTF-8");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return bad(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(json)) return bad("the header is not a JSON object");
  const dataLength = bytes.length - 8 - n;
  const entries = new Map<string, Entry>();
  for (const [name, v] of Object.entries(json)) {
    if (name === "__metadata__") {
      if (!isPlainObject(v) || Object.values(v).some((x) => typeof x !== "string")) bad(`"__metadata__" is not an object of strings`);
      continue;
    }
    if (!isPlainObject(v)) return bad(`the entry "${name}" is not an object`);
    const { dtype, shape, data_offsets: offs } = v;
    if (typeof dtype !== "string" || ITEM_SIZE[dtype] === undefined) bad(`"${name}" has an unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad(`"${name}" has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0) || offs[0] > offs[1]) {
      bad(`"${name}" has invalid data_offsets ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    if (end > dataLength) bad(`"${name}" has data_offsets [${begin}, ${end}] past the end of the data (${dataLength} bytes)`);
    const want = sizeOf(shape as number[]) * ITEM_SIZE[dtype as string]!;
    if (end - begin !== want) bad(`"${name}" has ${end - begin} bytes of data, but ${dtype} ${showShape(shape as number[])} needs ${want}`);
    entries.set(name, { dtype: dtype as string, shape: shape as number[], begin, end });
  }
  // as the reference reader: the tensors tile the data section, with no overlap, gap or excess
  const sorted = [...entries].sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev = "";
  for (const [name, e] of sorted) {
    if (e.begin < at) bad(`the data of "${name}" [${e.begin}, ${e.end}) overlaps that of "${prev}"`);
    if (e.begin > at) bad(`bytes [${at}, ${e.begin}) of the data belong to no tensor`);
    at = e.end;
    prev = name;
  }
  if (at !== dataLength) bad(`the data section has ${dataLength} bytes but the tensors cover ${at}`);
  return { entries, start: 8 + n };
}

/** Reads the little-endian elements of one tensor. */
function readData(view: DataView, at: number, dtype: DType, n: number) {
  const out = allocate(dtype, n);
  switch (dtype) {
    case "float32":
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
      break;
    case "float64":
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, true);
      break;
    case "int32":
      for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, true);
      break;
    case "uint32":
      for (let i = 0; i < n; i++) out[i] = view.getUint32(at + 4 * i, true);
      break;
    case "bool":
      for (let i = 0; i < n; i++) out[i] = view.getUint8(at + i) !== 0 ? 1 : 0;
      break;
  }
  return out;
}

/**
 * The tensors of a safetensors file, as a pytree with the structure, shapes and dtypes of
 * `template` (a tree of tensors such as freshly initialised parameters; its type is the
 * result's). Every name the template has ("/"-joined paths, as saveSafetensors writes) must be
 * in the file with the template's dtype and shape, and the file may hold no other tensors; each
 * difference is named in the error (`loadSafetensors: "layers/0/w" has shape [3, 4] in the
 * file, [4, 3] in the template`). A malformed or truncated file (header length, JSON, dtypes,
 * shapes, offsets out of range or overlapping, byte counts) is an error too. Everything is
 * checked before any tensor is made: a load is whole or not at all. "__metadata__" is accepted
 * and ignored.
 */
export function loadSafetensors<Tree>(bytes: Uint8Array | ArrayBuffer, template: Tree): Tree {
  const op = "loadSafetensors";
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) throw new TypeError(`${op}: expected the file's bytes (a Uint8Array or ArrayBuffer)`);
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const leaves = namedLeaves(op, template);
  const [, def] = flatten(template);
  const { entries, start } = parseHeader(op, u8);
  const problems: string[] = [];
  for (const [name, t] of leaves) {
    const e = entries.get(name);
    if (e === undefined) {
      problems.push(`"${name}" is in the template but not in the file`);
      continue;
    }
    if (e.dtype !== TO_FILE[t.dtype]) problems.push(`"${name}" has dtype ${e.dtype} in the file, ${TO_FILE[t.dtype]} (${t.dtype}) in the template`);
    if (e.shape.length !== t.shape.length || e.shape.some((d, i) => d !== t.shape[i])) {
      problems.push(`"${name}" has shape ${showShape(e.shape)} in the file, ${showShape(t.shape)} in the template`);
    }
  }
  const names = new Set(leaves.map(([name]) => name));
  for (const name of entries.keys()) if (!names.has(name)) problems.push(`"${name}" is in the file but not in the template`);
  if (problems.length > 0) throw new Error(`${op}: ${problems.join("; ")}`);
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  const loaded = leaves.map(([name, t]) => fromHost(readData(view, start + entries.get(name)!.begin, t.dtype, t.size), t.shape, t.dtype));
  return unflatten(def, loaded) as Tree;
}
