/**
 * Checkpoints in the safetensors format (src/io/safetensors.ts) against a writer and a reader
 * written here from the format's description (8-byte little-endian header length, JSON header,
 * little-endian data; https://huggingface.co/docs/safetensors), not with the code under test:
 * hand-built files load, shapegrad's files read back byte for byte, nested pytrees of every dtype
 * round-trip, and every malformed file or template mismatch is an error with its message.
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as sg from "../../src/index.js";
import { loadSafetensors, saveSafetensors, tensor } from "../../src/index.js";
import { loadSafetensorsFile, saveSafetensorsFile } from "../../src/io/node.js";

// ---------------------------------------------------------------- an independent writer and reader

type FileDType = "F32" | "F64" | "I32" | "U32" | "BOOL" | "I64" | "F16";
const SIZE: Record<FileDType, number> = { F32: 4, F64: 8, I32: 4, U32: 4, BOOL: 1, I64: 8, F16: 2 };

/** Little-endian bytes of numbers as a file dtype, written with DataView's explicit byte order. */
function encode(dtype: FileDType, values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * SIZE[dtype]);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    if (dtype === "F32") v.setFloat32(4 * i, x, true);
    else if (dtype === "F64") v.setFloat64(8 * i, x, true);
    else if (dtype === "I32") v.setInt32(4 * i, x, true);
    else if (dtype === "U32") v.setUint32(4 * i, x, true);
    else if (dtype === "BOOL") v.setUint8(i, x ? 1 : 0);
    else if (dtype === "I64") v.setBigInt64(8 * i, BigInt(x), true);
    else v.setUint16(2 * i, x, true);
  });
  return out;
}
interface Spec {
  readonly name: string;
  readonly dtype: FileDType;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}
/** A safetensors file from the format's description: tensors in the given order, header padded with spaces to 8 bytes. */
function writeFile(specs: readonly Spec[], extra: Record<string, unknown> = {}): Uint8Array {
  const header: Record<string, unknown> = { ...extra };
  let off = 0;
  for (const s of specs) {
    header[s.name] = { dtype: s.dtype, shape: s.shape, data_offsets: [off, off + s.data.length] };
    off += s.data.length;
  }
  let json = JSON.stringify(header);
  while (json.length % 8 !== 0) json += " ";
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + off);
  const v = new DataView(out.buffer);
  v.setUint32(0, head.length, true);
  v.setUint32(4, 0, true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const s of specs) {
    out.set(s.data, at);
    at += s.data.length;
  }
  return out;
}
/** A safetensors file read from the format's description: header length, JSON, each tensor's bytes. */
function readFile(bytes: Uint8Array): { n: number; header: Record<string, unknown>; tensors: Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }> } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(v.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const tensors = new Map<string, { dtype: string; shape: number[]; bytes: Uint8Array }>();
  for (const [name, e] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const { dtype, shape, data_offsets } = e as { dtype: string; shape: number[]; data_offsets: [number, number] };
    tensors.set(name, { dtype, shape, bytes: bytes.subarray(8 + n + data_offsets[0], 8 + n + data_offsets[1]) });
  }
  return { n, header, tensors };
}
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("nothing thrown");
};

// ---------------------------------------------------------------- files from the independent writer

describe("safetensors: files written by hand load", () => {
  it("literal bytes: F32 [1, -2] and I32 [7] (header, padding, data spelt out)", () => {
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}';
    const padded = json + " ".repeat((8 - (json.length % 8)) % 8);
    const bytes = new Uint8Array([
      padded.length, 0, 0, 0, 0, 0, 0, 0,
      ...Array.from(padded, (c) => c.charCodeAt(0)),
      0x00, 0x00, 0x80, 0x3f, // 1.0f
      0x00, 0x00, 0x00, 0xc0, // -2.0f
      0x07, 0x00, 0x00, 0x00, // 7
    ]);
    const got = loadSafetensors(bytes, { a: sg.zeros([2]), b: sg.zeros([1], "int32") });
    expect(got.a.dtype).toBe("float32");
    expect(Array.from(got.a.dataSync())).toEqual([1, -2]);
    expect(Array.from(got.b.dataSync())).toEqual([7]);
  });
  it("a nested tree of every dtype, tensors in an arbitrary order, with metadata; an ArrayBuffer too", () => {
    const w0 = [0.5, -1.25, 3, 1e-7, -0, 65504];
    const w1 = [Math.PI, -Math.E, 1e300, -1e-300];
    const specs: Spec[] = [
      { name: "step", dtype: "I32", shape: [], data: encode("I32", [-123456789]) },
      { name: "layers/1/w", dtype: "F64", shape: [2, 2], data: encode("F64", w1) },
      { name: "mask", dtype: "BOOL", shape: [3], data: encode("BOOL", [1, 0, 1]) },
      { name: "layers/0/w", dtype: "F32", shape: [2, 3], data: encode("F32", w0) },
      { name: "key", dtype: "U32", shape: [2], data: encode("U32", [0, 4294967295]) },
      { name: "layers/0/b", dtype: "F32", shape: [0], data: encode("F32", []) },
    ];
    const file = writeFile(specs, { __metadata__: { format: "pt", note: "hand-built" } });
    const template = {
      layers: [{ w: sg.zeros([2, 3]), b: sg.zeros([0]) }, { w: sg.zeros([2, 2], "float64") }] as const,
      step: sg.zeros([], "int32"),
      mask: sg.zeros([3], "bool"),
      key: sg.zeros([2], "uint32"),
      lr: 0.1,
    };
    for (const input of [file, file.slice().buffer]) {
      const got = loadSafetensors(input, template);
      expect(Array.from(got.layers[0]!.w.dataSync())).toEqual(w0.map(Math.fround));
      expect(got.layers[0]!.b.shape).toEqual([0]);
      expect(Array.from(got.layers[1]!.w.dataSync())).toEqual(w1);
      expect(got.step.item()).toBe(-123456789);
      expect(got.mask.toArray()).toEqual([true, false, true]);
      expect(Array.from(got.key.dataSync())).toEqual([0, 4294967295]);
      expect(got.lr).toBe(0.1);
    }
    // a view into a larger buffer (a Node Buffer, a slice of a download)
    const big = new Uint8Array(file.length + 13);
    big.set(file, 5);
    expect(Array.from(loadSafetensors(big.subarray(5, 5 + file.length), template).layers[1]!.w.dataSync())).toEqual(w1);
  });
});

// ---------------------------------------------------------------- shapegrad's files, read independently

describe("safetensors: shapegrad's files read back in the independent reader, byte for byte", () => {
  const tree = {
    layers: [
      { w: tensor([[1.5, -2], [3, 4.25], [0.1, 1e-30]]), b: tensor([0.5, -0.5]) },
      { w: tensor(Float64Array.from([Math.PI, 1e-310, -Infinity]), [3]), b: tensor([9]) },
    ],
    step: tensor(Int32Array.from([-7]), []),
    mask: tensor([true, false, false, true]),
    key: tensor(Uint32Array.from([1, 4000000000]), [2]),
    name: "mlp",
  };
  it("names are /-joined paths, dtypes and shapes as in the tree, data little-endian", () => {
    const file = saveSafetensors(tree);
    const { n, header, tensors } = readFile(file);
    expect([...tensors.keys()].sort()).toEqual(["key", "layers/0/b", "layers/0/w", "layers/1/b", "layers/1/w", "mask", "step"]);
    expect(header.__metadata__).toBeUndefined();
    const want: [string, FileDType, number[], number[]][] = [
      ["layers/0/w", "F32", [3, 2], [1.5, -2, 3, 4.25, 0.1, 1e-30]],
      ["layers/0/b", "F32", [2], [0.5, -0.5]],
      ["layers/1/w", "F64", [3], [Math.PI, 1e-310, -Infinity]],
      ["layers/1/b", "F32", [1], [9]],
      ["step", "I32", [], [-7]],
      ["mask", "BOOL", [4], [1, 0, 0, 1]],
      ["key", "U32", [2], [1, 4000000000]],
    ];
    for (const [name, dtype, shape, values] of want) {
      const t = tensors.get(name)!;
      expect(t.dtype, name).toBe(dtype);
      expect(t.shape, name).toEqual(shape);
      expect(Array.from(t.bytes), name).toEqual(Array.from(encode(dtype, values)));
    }
    // the reference writer's layout: header padded with spaces to 8 bytes, each tensor aligned to its element size,
    // and the tensors tile the data section exactly
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(file.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeGreaterThan(n - 8);
    expect(text.slice(text.trimEnd().length)).toMatch(/^ *$/);
    const offs = Object.entries(header).map(([, e]) => (e as { dtype: FileDType; data_offsets: [number, number] }));
    for (const e of offs) expect(e.data_offsets[0] % SIZE[e.dtype]).toBe(0);
    const total = offs.reduce((s, e) => s + e.data_offsets[1] - e.data_offsets[0], 0);
    expect(file.length).toBe(8 + n + total);
  });
  it("metadata is written as __metadata__", () => {
    const { header } = readFile(saveSafetensors({ w: tensor([1]) }, { metadata: { format: "np", epoch: "3" } }));
    expect(header.__metadata__).toEqual({ format: "np", epoch: "3" });
  });
  it("a round trip keeps every value, dtype, shape and the template's static values", () => {
    const template = sg.treeMap((t) => sg.zerosLike(t as never) as never, tree);
    const back = loadSafetensors(saveSafetensors(tree), { ...template, name: "mlp" });
    expect(back.name).toBe("mlp");
    const pairs: [sg.AnyTensor, sg.AnyTensor][] = [
      [back.layers[0]!.w, tree.layers[0]!.w],
      [back.layers[0]!.b, tree.layers[0]!.b],
      [back.layers[1]!.w, tree.layers[1]!.w],
      [back.layers[1]!.b, tree.layers[1]!.b],
      [back.step, tree.step],
      [back.mask, tree.mask],
      [back.key, tree.key],
    ];
    for (const [a, b] of pairs) {
      expect(a.dtype).toBe(b.dtype);
      expect(a.shape).toEqual(b.shape);
      expect(Array.from(a.dataSync() as ArrayLike<number>)).toEqual(Array.from(b.dataSync() as ArrayLike<number>));
    }
  });
  it("Node helpers write and read files", () => {
    const dir = mkdtempSync(join(tmpdir(), "shapegrad-st-"));
    try {
      const path = join(dir, "model.safetensors");
      saveSafetensorsFile(path, tree);
      const back = loadSafetensorsFile(path, tree);
      expect(Array.from(back.layers[1]!.w.dataSync())).toEqual([Math.PI, 1e-310, -Infinity]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("what cannot be saved is an error", () => {
    expect(errorOf(() => saveSafetensors(tensor([1])))).toBe("saveSafetensors: the tree is a single tensor, which has no name; put it in an object ({ w: tensor })");
    expect(errorOf(() => saveSafetensors({ "a/b": tensor([1]), a: { b: tensor([2]) } }))).toBe(
      'saveSafetensors: two tensors have the name "a/b" (a key with "/" in it clashes with a nested path)',
    );
    expect(errorOf(() => saveSafetensors({ __metadata__: tensor([1]) }))).toBe('saveSafetensors: "__metadata__" is reserved by the format and cannot name a tensor');
    expect(errorOf(() => saveSafetensors({ w: tensor([1]) }, { metadata: { n: 3 as never } }))).toBe("saveSafetensors: metadata must be an object of strings");
  });
});

// ---------------------------------------------------------------- malformed files and mismatches

describe("safetensors: malformed files and template mismatches are errors, never partial loads", () => {
  const template = { a: sg.zeros([2]), b: sg.zeros([1], "int32") };
  const good = () => writeFile([
    { name: "a", dtype: "F32", shape: [2], data: encode("F32", [1, 2]) },
    { name: "b", dtype: "I32", shape: [1], data: encode("I32", [3]) },
  ]);
  /** A file with a header given as text (padded) and `data` bytes. */
  const raw = (json: string, data: number, lengthOverride?: [number, number]): Uint8Array => {
    const head = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + head.length + data);
    const v = new DataView(out.buffer);
    v.setUint32(0, lengthOverride?.[0] ?? head.length, true);
    v.setUint32(4, lengthOverride?.[1] ?? 0, true);
    out.set(head, 8);
    return out;
  };
  const entry = (dtype: string, shape: unknown, offs: unknown) => JSON.stringify({ dtype, shape, data_offsets: offs });
  const P = "loadSafetensors: not a valid safetensors file: ";
  const cases: [string, Uint8Array, string][] = [
    ["fewer than 8 bytes", new Uint8Array(5), "it has 5 bytes, fewer than the 8 of the header length"],
    ["truncated inside the header", good().subarray(0, 40), "the header length 112 runs past the end of the file (40 bytes)"],
    ["truncated inside the data", good().subarray(0, good().length - 2), '"b" has data_offsets [8, 12] past the end of the data (10 bytes)'],
    ["a header length past 2^32", raw("{}", 0, [8, 1]), "the header length 4294967304 is more than 100000000 bytes"],
    ["a header that is not UTF-8", (() => { const f = raw('{"a": 1}', 0); f[9] = 0xff; return f; })(), "the header is not UTF-8"],
    ["a header that is not JSON", raw('{"a": {"dtype": "F32",', 0), "the header is not valid JSON"],
    ["a header that is not an object", raw("[1, 2]", 0), "the header is not a JSON object"],
    ["an entry that is not an object", raw('{"a": 3}', 0), 'the entry "a" is not an object'],
    ["an unknown dtype", raw(`{"a": ${entry("F31", [2], [0, 8])}}`, 8), '"a" has an unknown dtype "F31"'],
    ["a negative dim", raw(`{"a": ${entry("F32", [-2], [0, 8])}}`, 8), '"a" has an invalid shape [-2]'],
    ["a fractional dim", raw(`{"a": ${entry("F32", [1.5], [0, 8])}}`, 8), '"a" has an invalid shape [1.5]'],
    ["offsets reversed", raw(`{"a": ${entry("F32", [2], [8, 0])}}`, 8), '"a" has invalid data_offsets [8,0]'],
    ["one offset", raw(`{"a": ${entry("F32", [2], [0])}}`, 8), '"a" has invalid data_offsets [0]'],
    ["offsets past the data", raw(`{"a": ${entry("F32", [2], [4, 12])}}`, 8), '"a" has data_offsets [4, 12] past the end of the data (8 bytes)'],
    ["a wrong byte count", raw(`{"a": ${entry("F32", [3], [0, 8])}}`, 8), '"a" has 8 bytes of data, but F32 [3] needs 12'],
    ["overlapping tensors", raw(`{"a": ${entry("F32", [2], [0, 8])}, "b": ${entry("I32", [1], [4, 8])}}`, 8), 'the data of "b" [4, 8) overlaps that of "a"'],
    ["a gap between tensors", raw(`{"a": ${entry("F32", [1], [0, 4])}, "b": ${entry("I32", [1], [8, 12])}}`, 12), "bytes [4, 8) of the data belong to no tensor"],
    ["bytes past the last tensor", raw(`{"a": ${entry("F32", [2], [0, 8])}, "b": ${entry("I32", [1], [8, 12])}}`, 16), "the data section has 16 bytes but the tensors cover 12"],
    ["metadata that is not strings", raw(`{"__metadata__": {"n": 3}}`, 0), '"__metadata__" is not an object of strings'],
  ];
  for (const [what, bytes, why] of cases) {
    it(what, () => {
      const m = errorOf(() => loadSafetensors(bytes, template));
      expect(m.startsWith(P + why), m).toBe(true);
    });
  }
  it("the hand-built good file loads (the cases above differ from it in one thing)", () => {
    expect(Array.from(loadSafetensors(good(), template).a.dataSync())).toEqual([1, 2]);
    expect(readFile(good()).n).toBe(112);
  });
  it("each tensor is checked against the template: dtype, shape, missing and extra names, all named", () => {
    const file = writeFile([
      { name: "a", dtype: "F64", shape: [2], data: encode("F64", [1, 2]) },
      { name: "b", dtype: "I32", shape: [1, 1], data: encode("I32", [3]) },
      { name: "c", dtype: "I64", shape: [1], data: encode("I64", [3]) },
    ]);
    expect(errorOf(() => loadSafetensors(file, { ...template, d: sg.zeros([1]) }))).toBe(
      'loadSafetensors: "a" has dtype F64 in the file, F32 (float32) in the template; "b" has shape [1, 1] in the file, [1] in the template; ' +
        '"d" is in the template but not in the file; "c" is in the file but not in the template',
    );
    const f16 = writeFile([{ name: "layers/0/w", dtype: "F16", shape: [2], data: encode("F16", [0x3c00, 0]) }]);
    expect(errorOf(() => loadSafetensors(f16, { layers: [{ w: sg.zeros([2]) }] }))).toBe('loadSafetensors: "layers/0/w" has dtype F16 in the file, F32 (float32) in the template');
  });
});
