/**
 * Counter-based random numbers, as jax.random: a key is explicit state, a `Tensor<[2], "uint32">`
 * (JAX's raw key), `split` and `foldIn` derive new keys, and the same key always gives the same
 * numbers. The generator is Threefry-2x32 with 20 rounds, JAX's, with JAX's counters
 * (`jax_threefry_partitionable`, the default since JAX 0.5): `bits`, `split` and `foldIn` give
 * JAX's words bit for bit, `uniform` JAX's values, and `bernoulli`, `randint`, `permutation`,
 * `categorical`, `gumbel` and float32 `normal` follow JAX's algorithms on those bits.
 *
 * Keys are ordinary tensors, so they enter `jit`, `vmap` (a batch of keys `Tensor<[B, 2],
 * "uint32">`: `vmap((k) => random.normal(k, [3]))(keys)` is `[B, 3]`) and `grad` (an integer
 * input: it gets no cotangent). Every draw is a small staged program (Threefry is a primitive that
 * compiles to a fused kernel over iota counters): inside `jit` it is part of the compiled program,
 * so each call with a new key gives new numbers, and eagerly (the same staged program, run alone)
 * and jitted the same key gives the same numbers. On gpu.js (float32 only) programs with uint32
 * values run on the wasm backend.
 */
import { sizeOf, stridesOf } from "../ir/aval.js";
import { castScalar, type DType, type FloatDType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { RemoveAxis } from "../shape/axis.js";
import type { KeyError, TupleOf } from "../shape/random.js";
import type { ShapeOf } from "../tensor/types.js";
import * as lax from "../prims/lax.js";
import { shiftRight } from "../prims/bitwise.js";
import { sortKeyVal, threefry, type ThreefryWord } from "../prims/random.js";
import { erfHost as erf } from "../prims/elementwise.js";
import { gather } from "../prims/gather.js";
import { cumulative } from "../prims/scan.js";
import { jitCall, newJitCache } from "../transforms/jit.js";
import { argmax as argmaxOp } from "../ops/reduce-extra.js";
import type { TreeFn } from "../transforms/trace-tree.js";
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import { fromHost } from "../tensor/create.js";
import { checkShapeArg, normAxis, shapeError } from "../tensor/checks.js";
import { keyMsg, showShape } from "../tensor/messages.js";

type T = AnyTensor;

/** A PRNG key: two uint32 words, JAX's raw key. Derive new keys with `split` or `foldIn`. */
export type PRNGKey = Tensor<[2], "uint32">;

/** A key argument: `K` itself, or the error naming what was passed instead (KeyError). */
type KeyArg<K, Op extends string> = Check<KeyError<K, Op>, K>;


// ---------------------------------------------------------------------------------------------
// checks

function checkKey(op: string, key: unknown): T {
  if (!(key instanceof Tensor)) shapeError(keyMsg(`random.${op}`, null));
  const k = key as T;
  if (k.dtype !== "uint32" || k.shape.length !== 1 || k.shape[0] !== 2) shapeError(keyMsg(`random.${op}`, k));
  return k;
}

const checkShape = (op: string, shape: unknown): number[] => [...checkShapeArg(`random.${op}`, shape)];

function checkFloat(op: string, dtype: unknown): FloatDType {
  if (dtype !== "float32" && dtype !== "float64") throw new TypeError(`random.${op}: dtype must be float32 or float64, got ${String(dtype)}`);
  return dtype;
}

/**
 * `f` as a staged program, traced once per signature (shapes, dtypes, and the static numbers and
 * options of its arguments) and cached: eagerly one compiled program, inside a transformation a
 * call equation that the enclosing program inlines.
 */
function staged<A extends unknown[], R>(name: string, f: (...args: A) => R): (...args: A) => R {
  const cache = newJitCache();
  Object.defineProperty(f, "name", { value: `random.${name}` });
  return (...args: A) => jitCall(cache, f as unknown as TreeFn, args) as R;
}

// ---------------------------------------------------------------------------------------------
// the cipher over counters (jax/_src/prng.py: iota_2x32_shape, threefry_random_bits)

const u32 = (shape: readonly number[], v: number): T => lax.full(shape, v, "uint32");

/** The key's two words, as scalars. */
function words(k: T): [T, T] {
  return [lax.reshape(lax.slice(k, [0], [1]), []), lax.reshape(lax.slice(k, [1], [2]), [])];
}

/** The low word of the 64-bit row-major counter of every element: Σ iota_d · stride_d, fused. */
function counter(shape: readonly number[]): T {
  if (sizeOf(shape) > 2 ** 32) throw new RangeError(`random: ${sizeOf(shape)} numbers in one draw is over 2^32`);
  const st = stridesOf(shape);
  let acc: T | null = null;
  shape.forEach((d, i) => {
    if (d === 1) return;
    const t = st[i] === 1 ? lax.iota(shape, i, "uint32") : lax.mul(lax.iota(shape, i, "uint32"), u32(shape, st[i]!));
    acc = acc ? lax.add(acc, t) : t;
  });
  return acc ?? u32(shape, 0);
}

/** One word of Threefry(key, counter) for every element of `shape` (counters below 2^32: high word 0). */
function cipher(k: T, shape: readonly number[], word: ThreefryWord): T {
  const [k0, k1] = words(k);
  return threefry(lax.broadcastInDim(k0, shape, []), lax.broadcastInDim(k1, shape, []), u32(shape, 0), counter(shape), word);
}

/** n keys [n, 2]: JAX's `_threefry_split_foldlike` (key i is the cipher of counter i). */
function splitKeys(k: T, n: number): T {
  const col = (w: 0 | 1) => lax.reshape(cipher(k, [n], w), [n, 1]);
  return lax.concatenate([col(0), col(1)], 1);
}
const row = (keys: T, i: number): T => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]);
const split2 = (k: T): [T, T] => {
  const ks = splitKeys(k, 2);
  return [row(ks, 0), row(ks, 1)];
};

/** Uniform in [0, 1): JAX's mantissa fill (`(bits >> 9) | 1.0` as a float, minus 1, exactly m · 2^-23). */
function unit(k: T, shape: readonly number[], dtype: FloatDType): T {
  if (dtype === "float32") {
    const m = lax.convert(shiftRight(cipher(k, shape, "xor"), u32(shape, 9)), "float32");
    return lax.mul(m, lax.full(shape, 2 ** -23, "float32"));
  }
  // 64 bits (x0 << 32 | x1), the top 52 as the mantissa
  const hi = lax.convert(cipher(k, shape, 0), "float64");
  const lo = lax.convert(shiftRight(cipher(k, shape, 1), u32(shape, 12)), "float64");
  return lax.mul(lax.add(lax.mul(hi, lax.full(shape, 2 ** 20, "float64")), lo), lax.full(shape, 2 ** -52, "float64"));
}

/** JAX's `_uniform`: floats · (maxval - minval) + minval, then max with minval, in the dtype. */
function uniformIn(k: T, shape: readonly number[], dtype: FloatDType, minval: number, maxval: number): T {
  const u = unit(k, shape, dtype);
  if (minval === 0 && maxval === 1) return u;
  const lo = castScalar(dtype, minval);
  const span = castScalar(dtype, castScalar(dtype, maxval) - lo);
  const c = (v: number) => lax.full(shape, v, dtype);
  return lax.max(c(lo), lax.add(lax.mul(u, c(span)), c(lo)));
}

// XLA's ErfInv for float32 (Giles, "Approximating the erfinv function", 2010)
const ERFINV_LT5 = [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const ERFINV_GE5 = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];

/** erf⁻¹ in float32, as XLA computes it (±1 gives ±Infinity). */
function erfInv32(x: T): T {
  const c = (v: number) => lax.full(x.shape, v, x.dtype);
  const w = lax.neg(lax.log1p(lax.neg(lax.mul(x, x))));
  const poly = (cs: readonly number[], t: T) => cs.slice(1).reduce((p, ci) => lax.add(c(ci), lax.mul(p, t)), c(cs[0]!));
  const p = lax.select(lax.lt(w, c(5)), poly(ERFINV_LT5, lax.sub(w, c(2.5))), poly(ERFINV_GE5, lax.sub(lax.sqrt(w), c(3))));
  return lax.select(lax.eq(lax.abs(x), c(1)), lax.mul(x, c(Infinity)), lax.mul(p, x));
}

/** The float32 next to x toward `dir`. */
function nextAfter32(x: number, dir: number): number {
  const f = new Float32Array([x]);
  if (Number.isNaN(x) || f[0] === dir) return f[0]!;
  const i = new Int32Array(f.buffer);
  if (f[0] === 0) {
    i[0] = 1;
    return dir > 0 ? f[0]! : -f[0]!;
  }
  i[0]! += (dir > f[0]!) === (f[0]! > 0) ? 1 : -1;
  return f[0]!;
}

const SQRT2 = Math.SQRT2;

function normalImpl(k: T, shape: readonly number[], dtype: FloatDType): T {
  if (dtype === "float32") {
    // JAX: sqrt(2) · erf⁻¹(u), u uniform in (-1, 1)
    const u = uniformIn(k, shape, "float32", nextAfter32(-1, 0), 1);
    return lax.mul(lax.full(shape, SQRT2, "float32"), erfInv32(u));
  }
  // float64: Box-Muller (no float64 erf⁻¹ here), so these are not JAX's float64 normals
  const [ka, kb] = split2(k);
  const c = (v: number) => lax.full(shape, v, "float64");
  const r = lax.sqrt(lax.mul(c(-2), lax.log1p(lax.neg(unit(ka, shape, "float64")))));
  return lax.mul(r, lax.cos(lax.mul(c(2 * Math.PI), unit(kb, shape, "float64"))));
}

function gumbelImpl(k: T, shape: readonly number[], dtype: FloatDType): T {
  const tiny = dtype === "float32" ? 2 ** -126 : 2 ** -1022;
  return lax.neg(lax.log(lax.neg(lax.log(uniformIn(k, shape, dtype, tiny, 1)))));
}

/** Broadcasts (right-aligned) to `shape`, a broadcast of x's shape (checked by the caller). */
const bcast = (x: T, shape: readonly number[]): T => lax.broadcastInDim(x, shape, x.shape.map((_, i) => i + shape.length - x.shape.length));

function checkBroadcastsTo(op: string, from: readonly number[], to: readonly number[]): void {
  const off = to.length - from.length;
  if (off < 0 || from.some((d, i) => d !== 1 && d !== to[i + off])) {
    shapeError(`random.${op}: shape ${showShape(to)} is not a broadcast of ${showShape(from)}`);
  }
}

/** jnp.argmax along `axis` (ties to the lower index, NaN wins), on an untyped tensor. */
const argmax = (x: T, axis: number): T => argmaxOp(x as never, axis as never) as T;

// ---------------------------------------------------------------------------------------------
// keys

/**
 * A key from an integer seed: `[seed >> 32, seed & 0xFFFFFFFF]` (JAX's `PRNGKey`, so seeds below
 * 2^32 give JAX's keys; negative seeds as JAX with 64-bit integers).
 */
export function key(seed: number): PRNGKey {
  if (!Number.isSafeInteger(seed)) throw new TypeError(`random.key: seed must be a safe integer, got ${seed}`);
  const data = new Uint32Array([Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0]);
  return fromHost(data, [2], "uint32") as PRNGKey;
}

const splitStaged = staged("split", (k: T, n: number): T[] => {
  const ks = splitKeys(k, n);
  return Array.from({ length: n }, (_, i) => row(ks, i));
});

/**
 * Splits a key into `n` new independent keys (default 2): a tuple of `n` keys, JAX's
 * `random.split` (key i is Threefry of counter i, `jax_threefry_partitionable`).
 */
export function split<K>(key: KeyArg<K, "random.split">): [PRNGKey, PRNGKey];
export function split<K, const N extends number>(key: KeyArg<K, "random.split">, n: N): TupleOf<PRNGKey, N>;
export function split(key: unknown, n = 2): PRNGKey[] {
  const k = checkKey("split", key);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`random.split: n must be a positive integer, got ${n}`);
  return splitStaged(k, n) as PRNGKey[];
}

const foldInStaged = staged("foldIn", (k: T, d: T): T => {
  const [k0, k1] = words(k);
  const w = (word: 0 | 1) => lax.reshape(threefry(k0, k1, u32([], 0), d, word), [1]);
  return lax.concatenate([w(0), w(1)], 0);
});

/**
 * A new key from a key and an integer (a step number, a layer index): JAX's `fold_in`, Threefry
 * of the counter (0, data). `data` is a number (taken modulo 2^32, as a uint32) or an int32 or
 * uint32 scalar tensor (traced data works inside jit).
 */
export function foldIn<K>(key: KeyArg<K, "random.foldIn">, data: number | Tensor<[], "int32"> | Tensor<[], "uint32">): PRNGKey {
  const k = checkKey("foldIn", key);
  let d: T;
  if (typeof data === "number") {
    if (!Number.isInteger(data)) throw new TypeError(`random.foldIn: data must be an integer, got ${data}`);
    d = lax.scalar(data >>> 0, "uint32");
  } else if (data instanceof Tensor && data.shape.length === 0 && (data.dtype === "int32" || data.dtype === "uint32")) {
    d = lax.convert(data as T, "uint32");
  } else {
    throw new TypeError(`random.foldIn: data must be an integer or an int32 or uint32 scalar tensor`);
  }
  return foldInStaged(k, d) as PRNGKey;
}

// ---------------------------------------------------------------------------------------------
// draws

const bitsStaged = staged("bits", (k: T, shape: number[]): T => cipher(k, shape, "xor"));

/** Uniform random uint32 words of the given shape: JAX's `random.bits` (x0 ^ x1 of Threefry of each counter). */
export function bits<K, const S extends Shape = []>(key: KeyArg<K, "random.bits">, shape?: S): Tensor<[...S], "uint32"> {
  return bitsStaged(checkKey("bits", key), checkShape("bits", shape ?? [])) as Tensor<[...S], "uint32">;
}

const uniformStaged = staged("uniform", (k: T, shape: number[], dtype: FloatDType, lo: number, hi: number): T => uniformIn(k, shape, dtype, lo, hi));

/**
 * Uniform samples in [minval, maxval) (defaults 0 and 1), as JAX computes them: 23 (float32) or
 * 52 (float64) random mantissa bits u in [0, 1), then `max(minval, u · (maxval - minval) + minval)`
 * in the dtype (so rounding can give maxval itself for some ranges, as in JAX).
 */
export function uniform<K, const S extends Shape, D extends FloatDType = "float32">(
  key: KeyArg<K, "random.uniform">,
  shape: S,
  opts: { minval?: number; maxval?: number; dtype?: D } = {},
): Tensor<[...S], D> {
  const k = checkKey("uniform", key);
  const s = checkShape("uniform", shape);
  const dtype = checkFloat("uniform", opts.dtype ?? "float32");
  const lo = opts.minval ?? 0;
  const hi = opts.maxval ?? 1;
  if (!(hi > lo)) throw new RangeError(`random.uniform: maxval (${hi}) must exceed minval (${lo})`);
  return uniformStaged(k, s, dtype, lo, hi) as Tensor<[...S], D>;
}

const normalStaged = staged("normal", (k: T, shape: number[], dtype: FloatDType): T => normalImpl(k, shape, dtype));

/**
 * Standard normal samples. float32: JAX's `sqrt(2) · erf⁻¹(u)` with u uniform in (-1, 1) and
 * XLA's float32 erf⁻¹ polynomial; float64: Box-Muller on two float64 uniforms (not JAX's values).
 */
export function normal<K, const S extends Shape, D extends FloatDType = "float32">(key: KeyArg<K, "random.normal">, shape: S, dtype?: D): Tensor<[...S], D> {
  return normalStaged(checkKey("normal", key), checkShape("normal", shape), checkFloat("normal", dtype ?? "float32")) as Tensor<[...S], D>;
}

const gumbelStaged = staged("gumbel", (k: T, shape: number[], dtype: FloatDType): T => gumbelImpl(k, shape, dtype));

/** Standard Gumbel samples: `-log(-log(u))`, u uniform in [tiny, 1), as JAX. */
export function gumbel<K, const S extends Shape, D extends FloatDType = "float32">(key: KeyArg<K, "random.gumbel">, shape: S, dtype?: D): Tensor<[...S], D> {
  return gumbelStaged(checkKey("gumbel", key), checkShape("gumbel", shape), checkFloat("gumbel", dtype ?? "float32")) as Tensor<[...S], D>;
}

const bernoulliStaged = staged("bernoulli", (k: T, p: T | number, shape: number[]): T => {
  const dtype = typeof p === "number" ? "float32" : (p.dtype as FloatDType);
  const pt = typeof p === "number" ? lax.full(shape, p, "float32") : bcast(p, shape);
  return lax.lt(uniformIn(k, shape, dtype, 0, 1), pt);
});

type PShape<P> = P extends number ? [] : ShapeOf<P>;

/**
 * True with probability p (default 0.5): JAX's `uniform(key, shape, p.dtype) < p`. `shape`
 * defaults to p's shape and must be a broadcast of it.
 */
export function bernoulli<K, P extends number | Tensor<Shape, FloatDType> = number, const S extends Shape = PShape<P>>(
  key: KeyArg<K, "random.bernoulli">,
  p?: P,
  shape?: S,
): Tensor<[...S], "bool"> {
  const k = checkKey("bernoulli", key);
  const pv = (p ?? 0.5) as number | T;
  if (typeof pv !== "number" && !(pv instanceof Tensor && (pv.dtype === "float32" || pv.dtype === "float64"))) {
    throw new TypeError("random.bernoulli: p must be a number or a float tensor");
  }
  const pShape = typeof pv === "number" ? [] : [...pv.shape];
  const s = shape === undefined ? pShape : checkShape("bernoulli", shape);
  checkBroadcastsTo("bernoulli", pShape, s);
  return bernoulliStaged(k, pv, s) as Tensor<[...S], "bool">;
}

const categoricalStaged = staged("categorical", (k: T, logits: T, axis: number, shape: number[]): T => {
  const batch = logits.shape.filter((_, i) => i !== axis);
  const prefix = shape.slice(0, shape.length - batch.length);
  const full = [...shape.slice(prefix.length)];
  full.splice(axis, 0, logits.shape[axis]!);
  const gshape = [...prefix, ...full];
  const g = gumbelImpl(k, gshape, logits.dtype as FloatDType);
  return argmax(lax.add(g, bcast(logits, gshape)), prefix.length + axis);
});

/**
 * Samples category indices (int32) from unnormalised log-probabilities along `axis` (default -1),
 * by the Gumbel-max trick as JAX: `argmax(gumbel(...) + logits, axis)`. `shape` defaults to the
 * logits' shape without `axis` and must end in a broadcast of it (extra leading dims draw more).
 */
export function categorical<K, L extends Tensor<Shape, FloatDType>, const A extends number = -1, const S extends Shape | undefined = undefined>(
  key: KeyArg<K, "random.categorical">,
  logits: L,
  opts: { axis?: A; shape?: S } = {},
): Tensor<S extends Shape ? [...S] : AsShape<RemoveAxis<ShapeOf<L>, A>>, "int32"> {
  const k = checkKey("categorical", key);
  if (!(logits instanceof Tensor) || (logits.dtype !== "float32" && logits.dtype !== "float64")) throw new TypeError("random.categorical: logits must be a float tensor");
  const ls = logits.shape as readonly number[];
  if (ls.length === 0) shapeError("random.categorical: logits must have at least one axis, got shape []");
  const axis = normAxis("random.categorical", opts.axis ?? -1, ls.length, ls);
  const batch = ls.filter((_, i) => i !== axis);
  const s = opts.shape === undefined ? batch : checkShape("categorical", opts.shape);
  checkBroadcastsTo("categorical", batch, s);
  return categoricalStaged(k, logits as T, axis, s) as Tensor<S extends Shape ? [...S] : AsShape<RemoveAxis<ShapeOf<L>, A>>, "int32">;
}

type IntDType = "int32" | "uint32";
const INT_RANGE: Record<IntDType, [number, number]> = { int32: [-(2 ** 31), 2 ** 31 - 1], uint32: [0, 2 ** 32 - 1] };

const randintStaged = staged("randint", (k: T, shape: number[], minval: number, maxval: number, dtype: IntDType): T => {
  // JAX's `_randint`: two words per element, reduced modulo the span with the identity
  // (a · 2^32 + b) mod n = ((a mod n) · (2^32 mod n) + b mod n) mod n, in wrapping uint32
  const [lo, hi] = INT_RANGE[dtype];
  const outOfRange = maxval > hi;
  const a = Math.min(Math.max(minval, lo), hi);
  const b = Math.min(Math.max(maxval, lo), hi);
  let span = b <= a ? 1 : (b - a) >>> 0;
  if (outOfRange && b > a) span = (span + 1) >>> 0;
  const [k1, k2] = split2(k);
  const higher = cipher(k1, shape, "xor");
  const lower = cipher(k2, shape, "xor");
  const c = (v: number) => u32(shape, v);
  const rem = (x: T, n: number) => (n === 0 ? x : lax.sub(x, lax.mul(lax.div(x, c(n)), c(n))));
  let offset: T;
  if (span === 0) offset = lower; // the whole 2^32 range: XLA's x mod 0 is x
  else {
    const m0 = 2 ** 16 % span;
    const mult = ((m0 * m0) >>> 0) % span; // uint32 arithmetic, as JAX: 2^16 · 2^16 wraps to 0
    offset = rem(lax.add(lax.mul(rem(higher, span), c(mult)), rem(lower, span)), span);
  }
  return lax.add(lax.full(shape, a, dtype), lax.convert(offset, dtype));
});

/**
 * Integers in [minval, maxval) (int32 by default), JAX's algorithm and values: minval and maxval
 * are clipped to the dtype's range (maxval = 2^31 reaches int32's largest value), an empty range
 * gives minval, and the modulo bias is that of JAX (two 32-bit words per number).
 */
export function randint<K, const S extends Shape, D extends IntDType = "int32">(
  key: KeyArg<K, "random.randint">,
  shape: S,
  minval: number,
  maxval: number,
  dtype?: D,
): Tensor<[...S], D> {
  const k = checkKey("randint", key);
  const s = checkShape("randint", shape);
  const d = dtype ?? "int32";
  if (d !== "int32" && d !== "uint32") throw new TypeError(`random.randint: dtype must be int32 or uint32, got ${String(d)}`);
  if (!Number.isSafeInteger(minval) || !Number.isSafeInteger(maxval)) throw new TypeError(`random.randint: minval and maxval must be integers, got ${minval} and ${maxval}`);
  return randintStaged(k, s, minval, maxval, d) as Tensor<[...S], D>;
}

/** Permutes the leading axis of `x` (or, for a number, arange(n)) as JAX's `_shuffle`: rounds of stable sorts by random bits. */
function shuffle(k: T, x: T): T {
  const n = x.shape[0]!;
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(2 ** 32 - 1));
  let key = k;
  let out = x;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split2(key);
    key = next;
    out = sortKeyVal(cipher(sub, [n], "xor"), out);
  }
  return out;
}

const permutationStaged = staged("permutation", (k: T, x: T | number, axis: number): T => {
  if (typeof x === "number") return shuffle(k, lax.iota([x], 0, "int32"));
  return lax.moveAxis(shuffle(k, lax.moveAxis(x, axis, 0)), 0, axis);
});

/**
 * A random permutation: of arange(n) (int32) for a number, or of `x` along `axis` (default 0),
 * JAX's values (a stable sort by random bits; one round below 1626 elements, more above).
 */
export function permutation<K, const N extends number>(key: KeyArg<K, "random.permutation">, x: N): Tensor<[N], "int32">;
export function permutation<K, X extends Tensor<Shape, DType>>(key: KeyArg<K, "random.permutation">, x: X, axis?: number): X;
export function permutation(key: unknown, x: number | T, axis = 0): T {
  const k = checkKey("permutation", key);
  if (typeof x === "number") {
    if (!Number.isInteger(x) || x < 0) throw new RangeError(`random.permutation: n must be a non-negative integer, got ${x}`);
    return permutationStaged(k, x, 0);
  }
  if (!(x instanceof Tensor) || x.shape.length === 0) throw new TypeError("random.permutation: x must be a number or a tensor of rank at least 1");
  return permutationStaged(k, x, normAxis("random.permutation", axis, x.shape.length, x.shape));
}

const truncatedNormalStaged = staged("truncatedNormal", (k: T, lower: number, upper: number, shape: number[]): T => {
  const f = Math.fround;
  const s2 = f(SQRT2);
  const a = f(erf(f(f(lower) / s2)));
  const b = f(erf(f(f(upper) / s2)));
  const out = lax.mul(lax.full(shape, s2, "float32"), erfInv32(uniformIn(k, shape, "float32", a, b)));
  // clamped to the open interval (lower, upper): rounding, or u = a, cannot leave it
  const lo = lax.full(shape, nextAfter32(lower, Infinity), "float32");
  const hi = lax.full(shape, nextAfter32(upper, -Infinity), "float32");
  return lax.min(lax.max(out, lo), hi);
});

/**
 * Standard normal samples truncated to (lower, upper), float32, as JAX: `sqrt(2) · erf⁻¹(u)` with
 * u uniform in [erf(lower/√2), erf(upper/√2)), clamped into the open interval. (erf of the bounds
 * is computed on the host in double and rounded, so it can differ from XLA's by an ulp.)
 */
export function truncatedNormal<K, const S extends Shape = []>(key: KeyArg<K, "random.truncatedNormal">, lower: number, upper: number, shape?: S): Tensor<[...S]> {
  const k = checkKey("truncatedNormal", key);
  const s = checkShape("truncatedNormal", shape ?? []);
  if (!(upper > lower)) throw new RangeError(`random.truncatedNormal: upper (${upper}) must exceed lower (${lower})`);
  return truncatedNormalStaged(k, lower, upper, s) as Tensor<[...S]>;
}

/** rows `idx` of `a` (idx: int32 of any shape S, a: [N, ...R]): [...S, ...R] (the indices are in range). */
const takeRows = (a: T, idx: T): T => gather(a, idx, { axis: 0, batch: 0, oob: "clip" });

const choiceStaged = staged("choice", (k: T, a: T | number, shape: number[], replace: boolean, p: T | undefined): T => {
  const n = typeof a === "number" ? a : a.shape[0]!;
  const m = sizeOf(shape);
  let ind: T;
  if (p === undefined) {
    if (replace) ind = randintStaged(k, shape, 0, n, "int32");
    else ind = lax.reshape(lax.slice(shuffle(k, lax.iota([n], 0, "int32")), [0], [m]), shape);
  } else if (replace) {
    // inverse CDF: the first i with cumsum(p)[i] >= r, r = total · (1 - u)
    const pc = cumulative(p, 0, "sum");
    const total = lax.broadcastInDim(lax.reshape(lax.slice(pc, [n - 1], [n]), []), shape, []);
    const one = lax.full(shape, 1, p.dtype);
    const r = lax.mul(total, lax.sub(one, uniformIn(k, shape, p.dtype as FloatDType, 0, 1)));
    const both = [...shape, n];
    const below = lax.lt(lax.broadcastInDim(pc, both, [shape.length]), lax.broadcastInDim(r, both, shape.map((_, i) => i)));
    ind = lax.reduceSum(lax.convert(below, "int32"), [shape.length]);
  } else {
    // Gumbel top-k: the m largest of gumbel + log p, largest first
    const g = lax.add(gumbelImpl(k, [n], p.dtype as FloatDType), lax.log(p));
    ind = lax.reshape(lax.slice(sortKeyVal(lax.neg(g), lax.iota([n], 0, "int32")), [0], [m]), shape);
  }
  return typeof a === "number" ? ind : takeRows(a, ind);
});

type Rows<X> = X extends Tensor<readonly [number, ...infer R extends Shape], DType> ? R : number[];

/**
 * Random elements of `a`: of arange(a) (int32) for a number, or rows (axis 0) of a tensor, with
 * `shape` draws (default []), with replacement (default) or without, uniformly or with weights `p`
 * (a float vector, one per element; normalised, as JAX). JAX's algorithms: randint, a permutation,
 * inverse-CDF search, and the Gumbel top-k trick.
 */
export function choice<K, A extends number | Tensor<Shape, DType>, const S extends Shape = []>(
  key: KeyArg<K, "random.choice">,
  a: A,
  opts: { shape?: S; replace?: boolean; p?: Tensor<[number], FloatDType> | Tensor<Shape, FloatDType> } = {},
): A extends number ? Tensor<[...S], "int32"> : A extends Tensor<Shape, infer D> ? Tensor<[...S, ...Rows<A>], D> : never {
  const k = checkKey("choice", key);
  const s = checkShape("choice", opts.shape ?? []);
  const replace = opts.replace ?? true;
  let n: number;
  if (typeof a === "number") {
    if (!Number.isInteger(a) || a < 1) throw new RangeError(`random.choice: a must be a positive integer or a tensor, got ${a}`);
    n = a;
  } else if (a instanceof Tensor && a.shape.length > 0 && a.dtype !== "bool") n = a.shape[0]!;
  else throw new TypeError("random.choice: a must be a positive integer or a tensor (not bool) of rank at least 1");
  const p = opts.p as T | undefined;
  if (p !== undefined && (!(p instanceof Tensor) || (p.dtype !== "float32" && p.dtype !== "float64") || p.shape.length !== 1 || p.shape[0] !== n)) {
    shapeError(`random.choice: p must be a float vector of shape [${n}], one weight per element`);
  }
  if (!replace && sizeOf(s) > n) throw new RangeError(`random.choice: cannot take ${sizeOf(s)} samples from ${n} elements without replacement`);
  return choiceStaged(k, a as T | number, s, replace, p) as never;
}
