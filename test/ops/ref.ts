/**
 * Independent reference computations for the op tests: plain JS loops over flat row-major arrays.
 * Nothing here calls the library (except `toRef`, which only reads a tensor's shape and data).
 */
import fc from "fast-check";
import { testBackendName } from "../harness/env.js";
import { awaited } from "../harness/awaited.js";

/** A plain row-major array: flat data and a shape. */
export interface Ref {
  readonly shape: number[];
  readonly data: number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

export function strides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i]!;
  }
  return st;
}

/** The multi-index of flat position i in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = i % shape[a]!;
    i = Math.floor(i / shape[a]!);
  }
  return idx;
}

export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let off = 0;
  for (let a = 0; a < shape.length; a++) off = off * shape[a]! + idx[a]!;
  return off;
}

/** Deterministic pseudo-random numbers (mulberry32), independent of the library's PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random data of a shape: values in [lo, hi), or small integers when `ints`. */
export function randRef(shape: readonly number[], seed: number, lo = -2, hi = 2, ints = false): Ref {
  const r = rng(seed);
  const data = Array.from({ length: sizeOf(shape) }, () => (ints ? Math.floor(lo + (hi - lo) * r()) : lo + (hi - lo) * r()));
  return { shape: [...shape], data };
}

/** Rounds to float32 (a no-op for float64). */
export const round = (dtype: string) => (dtype === "float32" ? Math.fround : (x: number) => x);

/** NumPy broadcast of two shapes, or null if they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Element of `r` read at output multi-index `idx` under broadcasting (right-aligned). */
export function readBroadcast(r: Ref, idx: readonly number[]): number {
  const off = idx.length - r.shape.length;
  let k = 0;
  for (let a = 0; a < r.shape.length; a++) k = k * r.shape[a]! + (r.shape[a] === 1 ? 0 : idx[a + off]!);
  return r.data[k]!;
}

/** Elementwise binary op with broadcasting, by an explicit loop over the output. */
export function binaryRef(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  if (!shape) throw new Error("reference: shapes do not broadcast");
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    data.push(f(readBroadcast(a, idx), readBroadcast(b, idx)));
  }
  return { shape, data };
}

/** Reduction over `axes` (sorted, non-negative), with keepdims. */
export function reduceRef(a: Ref, axes: readonly number[], init: number, f: (acc: number, v: number) => number, keepdims = false): Ref {
  const outShape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Array<number>(sizeOf(outShape)).fill(init);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape).map((v, ax) => (axes.includes(ax) ? 0 : v));
    const o = ravel(idx, outShape);
    acc[o] = f(acc[o]!, a.data[i]!);
  }
  return { shape: keepdims ? outShape : a.shape.filter((_, i) => !axes.includes(i)), data: acc };
}

/** Batched matrix product of [..., m, k] and [..., k, n] with broadcast batch dims (both rank >= 2). */
export function matmulRef(a: Ref, b: Ref): Ref {
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) throw new Error("reference: inner dims");
  const batch = broadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2))!;
  const shape = [...batch, m, n];
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    const bi = idx.slice(0, -2);
    const [r, c] = idx.slice(-2) as [number, number];
    let s = 0;
    for (let t = 0; t < k; t++) s += readBroadcast(a, [...bi, r, t]) * readBroadcast(b, [...bi, t, c]);
    data.push(s);
  }
  return { shape, data };
}

/** Transpose by a permutation (out axis i is input axis perm[i]). */
export function transposeRef(a: Ref, perm: readonly number[]): Ref {
  const shape = perm.map((p) => a.shape[p]!);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    const src = new Array<number>(a.shape.length);
    perm.forEach((p, j) => (src[p] = idx[j]!));
    data.push(a.data[ravel(src, a.shape)]!);
  }
  return { shape, data };
}

/** Nested JS arrays of flat data (for comparing with `toArray()`). */
export function nest(r: Ref): unknown {
  if (r.shape.length === 0) return r.data[0];
  const inner = r.shape.slice(1);
  const n = sizeOf(inner);
  return Array.from({ length: r.shape[0]! }, (_, i) => nest({ shape: inner, data: r.data.slice(i * n, (i + 1) * n) }));
}

/** Reads a tensor into a Ref (shape and plain numbers); a test that does not await it fails (harness/awaited.ts). */
export function toRef(t: { shape: readonly number[]; data(): Promise<ArrayLike<number>> }): Promise<Ref> {
  return awaited("toRef", t.data().then((d) => ({ shape: [...t.shape], data: Array.from(d) })));
}

/** fast-check: a shape of rank 0..maxRank with dims 0..maxDim. */
export const shapeArb = (maxRank = 4, maxDim = 4) => fc.array(fc.integer({ min: 0, max: maxDim }), { maxLength: maxRank });

/**
 * fast-check: a pair of broadcast-compatible shapes: start from an output shape, then for each
 * operand drop some leading axes and replace some dims by 1 (with minDim 0, zero-size dims occur;
 * an operand then has 0 or 1 there).
 */
export const broadcastPairArb = (maxRank = 4, maxDim = 4, minDim = 1) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: minDim, max: maxDim }), { maxLength: maxRank }),
      fc.nat(maxRank),
      fc.nat(maxRank),
      fc.array(fc.boolean(), { minLength: maxRank, maxLength: maxRank }),
      fc.array(fc.boolean(), { minLength: maxRank, maxLength: maxRank }),
    )
    .map(([out, da, db, ones1, ones2]) => {
      const a = out.slice(Math.min(da, out.length)).map((d, i) => (ones1[i] ? 1 : d));
      const b = out.slice(Math.min(db, out.length)).map((d, i) => (ones2[i] ? 1 : d));
      return [a, b] as [number[], number[]];
    });

/** Expects two flat arrays to agree within a relative+absolute tolerance (exact when tol = 0). */
export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 0): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) ? !Number.isNaN(a) : tol === 0 ? !Object.is(a, e) && a !== e : !(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
      return `element ${i}: got ${a}, expected ${e}`;
    }
  }
  return null;
}

/**
 * Only the reference backend promises correctly rounded float32 results for transcendental
 * functions (fround of the double result); compiled backends get a relative tolerance of 2 ulp.
 * The backend is the one the vitest project names (SHAPEGRAD_BACKEND; see test/harness/env.ts).
 */
export const f32Tol = (): number => (testBackendName() === "ref" ? 0 : 2 ** -22);
