/**
 * Counter-based random numbers in the style of JAX: a key is explicit state, `split` derives new
 * independent keys, and the same key always gives the same numbers. The generator is Threefry-2x32
 * (20 rounds), the one JAX uses.
 */
import { allocate, type DType, type FloatDType } from "../ir/dtype.js";
import { sizeOf } from "../ir/aval.js";
import type { Shape } from "../shape/core.js";
import type { Tensor } from "./tensor.js";
import { fromHost } from "./create.js";
import { checkShapeArg } from "./checks.js";

/** A PRNG key: two 32-bit words. Immutable; derive new keys with `split` or `foldIn`. */
export class PRNGKey {
  /** @internal */
  constructor(
    readonly k0: number,
    readonly k1: number,
  ) {
    Object.freeze(this);
  }
  toString(): string {
    return `PRNGKey(${this.k0}, ${this.k1})`;
  }
}

const ROT = [13, 15, 26, 6, 17, 29, 16, 24];
const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;

/** Threefry-2x32 block: encrypts the counter (c0, c1) with the key. */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  const ks = [k0 >>> 0, k1 >>> 0, (0x1bd11bda ^ k0 ^ k1) >>> 0];
  let x0 = (c0 + ks[0]!) >>> 0;
  let x1 = (c1 + ks[1]!) >>> 0;
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 4; j++) {
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, ROT[(i % 2) * 4 + j]!) ^ x0;
    }
    x0 = (x0 + ks[(i + 1) % 3]!) >>> 0;
    x1 = (x1 + ks[(i + 2) % 3]! + i + 1) >>> 0;
  }
  return [x0, x1];
}

function checkKey(op: string, key: unknown): PRNGKey {
  if (!(key instanceof PRNGKey)) throw new TypeError(`random.${op}: expected a PRNGKey (from random.key(seed)), got ${typeof key}`);
  return key;
}

/** n 32-bit random words from a key. */
function bits(key: PRNGKey, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i += 2) {
    const [a, b] = threefry2x32(key.k0, key.k1, i >>> 0, 0x9e3779b9 ^ (i / 2 ** 32));
    out[i] = a;
    if (i + 1 < n) out[i + 1] = b;
  }
  return out;
}

/** A key from an integer seed. */
export function key(seed: number): PRNGKey {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`random.key: seed must be a safe integer, got ${seed}`);
  return new PRNGKey(Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0);
}

/** Splits a key into `n` new independent keys (default 2). */
export function split(k: PRNGKey): [PRNGKey, PRNGKey];
export function split<const N extends number>(k: PRNGKey, n: N): PRNGKey[];
export function split(k: PRNGKey, n = 2): PRNGKey[] {
  checkKey("split", k);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`random.split: n must be a positive integer, got ${n}`);
  const keys: PRNGKey[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b] = threefry2x32(k.k0, k.k1, i, 0x5bd1e995);
    keys.push(new PRNGKey(a, b));
  }
  return keys;
}

/** A new key derived from a key and an integer (e.g. a step number). */
export function foldIn(k: PRNGKey, data: number): PRNGKey {
  checkKey("foldIn", k);
  const [a, b] = threefry2x32(k.k0, k.k1, data >>> 0, 0x27d4eb2f);
  return new PRNGKey(a, b);
}

function checkShape(op: string, shape: unknown): number[] {
  return [...checkShapeArg(`random.${op}`, shape)];
}

/** Uniform in [0, 1) with 24 (float32) or 53 (float64) random bits. */
function unitUniform(k: PRNGKey, n: number, dtype: FloatDType): Float64Array {
  const out = new Float64Array(n);
  if (dtype === "float32") {
    const b = bits(k, n);
    for (let i = 0; i < n; i++) out[i] = (b[i]! >>> 8) / 2 ** 24;
  } else {
    const b = bits(k, 2 * n);
    for (let i = 0; i < n; i++) out[i] = ((b[2 * i]! >>> 5) * 2 ** 26 + (b[2 * i + 1]! >>> 6)) / 2 ** 53;
  }
  return out;
}

/** Uniform samples in [minval, maxval). */
export function uniform<const S extends Shape, D extends FloatDType = "float32">(
  k: PRNGKey,
  shape: S,
  opts: { minval?: number; maxval?: number; dtype?: D } = {},
): Tensor<[...S], D> {
  checkKey("uniform", k);
  const s = checkShape("uniform", shape);
  const dtype = (opts.dtype ?? "float32") as FloatDType;
  const lo = opts.minval ?? 0;
  const hi = opts.maxval ?? 1;
  if (!(hi > lo)) throw new RangeError(`random.uniform: maxval (${hi}) must exceed minval (${lo})`);
  const u = unitUniform(k, sizeOf(s), dtype);
  const out = allocate(dtype, u.length);
  for (let i = 0; i < u.length; i++) out[i] = Math.min(lo + (hi - lo) * u[i]!, dtype === "float32" ? prevFloat32(hi) : hi);
  return fromHost(out, s, dtype as DType) as Tensor<[...S], D>;
}

const prevFloat32 = (x: number) => {
  const f = new Float32Array([x]);
  const i = new Int32Array(f.buffer);
  i[0]! += x > 0 ? -1 : 1;
  return f[0]!;
};

/** Standard normal samples (Box-Muller on pairs of uniforms). */
export function normal<const S extends Shape, D extends FloatDType = "float32">(k: PRNGKey, shape: S, dtype?: D): Tensor<[...S], D> {
  checkKey("normal", k);
  const s = checkShape("normal", shape);
  const d = (dtype ?? "float32") as FloatDType;
  const n = sizeOf(s);
  const u = unitUniform(k, n + (n % 2), "float64");
  const out = allocate(d, n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u[i]!));
    const th = 2 * Math.PI * u[i + 1]!;
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return fromHost(out, s, d) as Tensor<[...S], D>;
}
