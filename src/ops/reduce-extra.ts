/**
 * Public reductions beyond sum/mean/max (argmax, any, var, norm, logsumexp, ...), the cumulative
 * scans (cumsum, cumprod, cummax, cummin) and sorting (sort, argsort, topK). Compositions of
 * internal ops wherever that is exact (so they fuse and differentiate for free); sorting uses the
 * argsort and permute primitives of prims/sort.ts.
 */
import type { FloatOf } from "../tensor/types.js";
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { Reduce } from "../shape/reduce.js";
import type { AxisShape, Cumulative, TopK } from "../shape/reduce-extra.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import type { AxisArg, CountDType } from "../tensor/types.js";
import { isFloat } from "../ir/dtype.js";
import * as lax from "../prims/lax.js";
import { cumulative, type ScanOp } from "../prims/scan.js";
import { argsort as argsortP, permute } from "../prims/sort.js";
import { svd as svdValues } from "../prims/svd.js";
import { tensorArg, normAxes, normAxis, shapeError } from "../tensor/checks.js";
import * as msg from "../tensor/messages.js";

type T = AnyTensor;
/** Integers and bools compute in float32 (as jnp's var, norm, logsumexp). */

const toFloat = (x: T): T => (isFloat(x.dtype) ? x : lax.convert(x, "float32"));
/** `r`, a reduction of x over `axes`, with the reduced axes kept as 1 when asked. */
const keep = (r: T, shape: readonly number[], axes: readonly number[], keepdims: boolean | undefined): T =>
  keepdims ? lax.reshape(r, shape.map((d, i) => (axes.includes(i) ? 1 : d))) : r;
const scalarLike = (x: T, v: number): T => lax.full(x.shape, v, x.dtype);
/** True where v is finite: v - v is 0 exactly then (NaN for ±inf and NaN); no infinite constant in the kernel (gpu.js reads those from a buffer, backend/gpujs/specials.ts). */
const isFinite = (v: T): T => lax.eq(lax.sub(v, v), lax.zerosLike(v));
const noEmptyAxis = (op: string, x: T, axes: readonly number[]) => {
  if (axes.some((a) => x.shape[a] === 0)) throw new Error(`${op}: zero-size axis in shape [${x.shape.join(", ")}] has no ${op === "argmin" ? "minimum" : "maximum"}`);
};

// ---------------------------------------------------------------- argmax / argmin

function argReduce(op: "argmax" | "argmin") {
  return (x: T, axis: number | undefined, keepdims: boolean | undefined): T => {
    const x0 = tensorArg(op, x);
    let t = x0.dtype === "bool" ? lax.convert(x0, "int32") : x0;
    let ax: number;
    if (axis === undefined || axis === null) {
      t = lax.reshape(t, [t.size]);
      ax = 0;
    } else {
      ax = normAxis(op, axis, t.shape.length, t.shape);
    }
    noEmptyAxis(op, t, [ax]);
    // the indices are constants for differentiation (stop_gradient on the reduction's single-use input, so it fuses)
    const held = lax.stopGradient(t);
    const best = lax.unreduce(op === "argmax" ? lax.reduceMax(held, [ax]) : lax.reduceMin(held, [ax]), t.shape, [ax]);
    let hit = lax.eq(t, best);
    // NaN is the extreme for both (JAX's comparator picks NaN); max/min propagate it, so no x equals `best` then
    if (isFloat(t.dtype)) hit = lax.select(lax.ne(t, t), lax.full(t.shape, 1, "bool"), hit);
    const first = lax.reduceMin(lax.select(hit, lax.iota(t.shape, ax), lax.full(t.shape, t.shape[ax]!, "int32")), [ax]);
    if (!keepdims) return first;
    return lax.reshape(first, axis === undefined || axis === null ? x0.shape.map(() => 1) : x0.shape.map((d, i) => (i === ax ? 1 : d)));
  };
}
const argmaxImpl = argReduce("argmax");
const argminImpl = argReduce("argmin");

/**
 * Index of the largest element along `axis` (the flattened tensor when no axis is given, as
 * jnp.argmax), as int32. Ties give the first index; NaN counts as the maximum, so a line holding
 * NaN gives the index of its first NaN (JAX's comparator). A zero-size axis is an error. No
 * derivative (the indices are constants for grad, so code that uses them differentiates fine).
 */
export function argmax<S extends Shape, D extends DType, const Ax extends number | undefined = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "argmax">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "argmax">>, "int32"> {
  return argmaxImpl(x, axis as number | undefined, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "argmax">>, "int32">;
}
/** Index of the smallest element: as argmax (first index on ties; NaN counts as the minimum, as in JAX). */
export function argmin<S extends Shape, D extends DType, const Ax extends number | undefined = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "argmin">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "argmin">>, "int32"> {
  return argminImpl(x, axis as number | undefined, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "argmin">>, "int32">;
}

// ---------------------------------------------------------------- any / all

function truthReduce(op: "any" | "all") {
  return (x: T, axis: AxisArg, keepdims: boolean | undefined): T => {
    const t = tensorArg(op, x);
    const axes = normAxes(op, axis, t.shape);
    // count the deciding elements in float32: a sum of 0/1 is 0 exactly when none is there, at any size
    const flag = op === "any" ? lax.ne(t, lax.zerosLike(t)) : lax.eq(t, lax.zerosLike(t));
    const count = lax.reduceSum(lax.convert(flag, "float32"), axes);
    const zero = lax.zerosLike(count);
    return keep(op === "any" ? lax.gt(count, zero) : lax.eq(count, zero), t.shape, axes, keepdims);
  };
}
const anyImpl = truthReduce("any");
const allImpl = truthReduce("all");

/** True where some element along the axes is nonzero (NaN counts as true; empty gives false). */
export function any<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "any">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "any">>, "bool"> {
  return anyImpl(x, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "any">>, "bool">;
}
/** True where every element along the axes is nonzero (NaN counts as true; empty gives true). */
export function all<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "all">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "all">>, "bool"> {
  return allImpl(x, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "all">>, "bool">;
}

// ---------------------------------------------------------------- var / std

/** var's and std's options: `ddof` (delta degrees of freedom, default 0) and `keepdims`. */
export interface VarOptions<K extends boolean = boolean> {
  readonly ddof?: number;
  readonly keepdims?: K;
}

function varianceImpl(op: "var" | "std", x: T, axis: AxisArg, opts: VarOptions | undefined): T {
  const t = toFloat(tensorArg(op, x));
  const axes = normAxes(op, axis, t.shape);
  const n = axes.reduce((p, a) => p * t.shape[a]!, 1);
  const total = lax.reduceSum(t, axes);
  const mean = lax.div(total, scalarLike(total, n));
  const centered = lax.sub(t, lax.unreduce(mean, t.shape, axes));
  const ss = lax.reduceSum(lax.mul(centered, centered), axes);
  const v = lax.div(ss, scalarLike(ss, n - (opts?.ddof ?? 0)));
  return keep(op === "std" ? lax.sqrt(v) : v, t.shape, axes, opts?.keepdims);
}

/**
 * Variance over the axes (all by default): sum((x - mean)²) / (n - ddof), as jnp.var (exported
 * as `var`; the method is `x.var()`). Integers give float32; n - ddof <= 0 gives inf or NaN, as JAX.
 */
export function variance<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "var">, Ax>,
  opts?: VarOptions<K>,
): Tensor<AsShape<Reduce<S, Ax, K, "var">>, FloatOf<D>> {
  return varianceImpl("var", x, axis as AxisArg, opts) as Tensor<AsShape<Reduce<S, Ax, K, "var">>, FloatOf<D>>;
}
/** Standard deviation, sqrt(var) (same options). Its gradient where all elements are equal is NaN, as in JAX. */
export function std<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "std">, Ax>,
  opts?: VarOptions<K>,
): Tensor<AsShape<Reduce<S, Ax, K, "std">>, FloatOf<D>> {
  return varianceImpl("std", x, axis as AxisArg, opts) as Tensor<AsShape<Reduce<S, Ax, K, "std">>, FloatOf<D>>;
}

// ---------------------------------------------------------------- norm

/** norm's `ord`: a number (vector p-norms, ±Infinity, 0; matrix 1, -1, 2, -2, ±Infinity), "fro", "nuc", or null / undefined for the default. */
export type NormOrd = number | "fro" | "nuc" | null | undefined;

function normImpl(x: T, ord: NormOrd, axis: AxisArg | null, keepdims: boolean | undefined): T {
  const t = toFloat(tensorArg("norm", x));
  const r = t.shape.length;
  const sq = (v: T) => lax.mul(v, v);
  const absX = lax.abs(t);
  if (axis === undefined || axis === null) {
    // the 2-norm of the flattened tensor, unless an ord asks for a vector or matrix norm of a 1-D / 2-D one
    if (ord === undefined || ord === null || (ord === "fro" && r === 2) || (ord === 2 && r === 1)) {
      const all = t.shape.map((_, i) => i);
      return keep(lax.sqrt(lax.reduceSum(sq(t), all)), t.shape, all, keepdims);
    }
    if (r !== 1 && r !== 2) throw new Error(`norm: ord ${ord} needs a 1-D or 2-D tensor or an axis, got shape [${t.shape.join(", ")}]`);
    axis = r === 1 ? [0] : [0, 1];
  }
  const given = typeof axis === "number" ? [axis] : [...axis];
  const axes = normAxes("norm", given, t.shape);
  const done = (v: T) => (keepdims ? v : lax.reshape(v, t.shape.filter((_, i) => !axes.includes(i))));
  // reductions that keep every axis (as size 1), so the matrix norms can reduce twice by axis number
  const sumK = (v: T, a: number[]) => lax.reshape(lax.reduceSum(v, a), v.shape.map((d, i) => (a.includes(i) ? 1 : d)));
  const maxK = (v: T, a: number[]) => lax.reshape(lax.reduceMax(v, a), v.shape.map((d, i) => (a.includes(i) ? 1 : d)));
  const minK = (v: T, a: number[]) => lax.reshape(lax.reduceMin(v, a), v.shape.map((d, i) => (a.includes(i) ? 1 : d)));
  if (axes.length === 1) {
    if (ord === undefined || ord === null || ord === 2) return done(lax.sqrt(sumK(sq(t), axes)));
    if (ord === "fro" || ord === "nuc") throw new Error(`norm: ord "${ord}" is a matrix norm; axis ${given[0]} asks for a vector norm`);
    if (ord === Infinity) return done(maxK(absX, axes));
    if (ord === -Infinity) return done(minK(absX, axes));
    if (ord === 0) return done(sumK(lax.convert(lax.ne(t, lax.zerosLike(t)), t.dtype), axes));
    if (ord === 1) return done(sumK(absX, axes));
    const p = scalarLike(absX, ord);
    const s = sumK(lax.pow(absX, p), axes);
    return done(lax.pow(s, scalarLike(s, 1 / ord)));
  }
  if (axes.length === 2) {
    const [row, col] = given.map((a) => normAxis("norm", a, r, t.shape)) as [number, number];
    if (ord === undefined || ord === null || ord === "fro") return done(lax.sqrt(sumK(sq(t), axes)));
    // ord 1: the largest column sum of |x| (sum over rows, then max over columns); Infinity: the largest row sum
    if (ord === 1) return done(maxK(sumK(absX, [row]), [col]));
    if (ord === -1) return done(minK(sumK(absX, [row]), [col]));
    if (ord === Infinity) return done(maxK(sumK(absX, [col]), [row]));
    if (ord === -Infinity) return done(minK(sumK(absX, [col]), [row]));
    if (ord === 2 || ord === -2 || ord === "nuc") {
      // from the singular values (prims/svd.ts) of the matrices, moved to the last two axes
      const rest = t.shape.map((_, i) => i).filter((i) => i !== row && i !== col);
      const s = svdValues(lax.transpose(t, [...rest, row, col]), false, 0);
      const last = [s.shape.length - 1];
      const v = ord === 2 ? lax.reduceMax(s, last) : ord === -2 ? lax.reduceMin(s, last) : lax.reduceSum(s, last);
      return done(lax.reshape(v, t.shape.map((d, i) => (axes.includes(i) ? 1 : d))));
    }
    throw new Error(`norm: matrix ord ${ord} is not supported (1, -1, 2, -2, Infinity, -Infinity, "fro" and "nuc" are)`);
  }
  throw new Error(`norm: takes one axis (a vector norm) or two (a matrix norm), got [${given.join(", ")}]`);
}

/**
 * The vector or matrix norm, as jnp.linalg.norm(x, ord, axis, keepdims). With no axis: the 2-norm
 * of the flattened tensor (Frobenius for a matrix), or for a 1-D / 2-D tensor the norm `ord`
 * names. One axis: vector norms (2 by default, 1, ±Infinity, 0 = the count of nonzeros, any p).
 * Two axes [row, col]: "fro" (default), 1 / -1 (max / min column sum of |x|), ±Infinity (row sums),
 * 2 / -2 (the largest / smallest singular value) and "nuc" (their sum), from linalg.svd's
 * singular values (whose derivative, as JAX's, is defined for repeated values too).
 * Integers give float32. The gradient of the 2-norm at x = 0 is NaN, as in JAX (0 · 1/0).
 */
export function norm<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  ord?: NormOrd,
  axis?: Check<Reduce<S, Ax, K, "norm">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "norm">>, FloatOf<D>> {
  return normImpl(x, ord, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "norm">>, FloatOf<D>>;
}

// ---------------------------------------------------------------- logsumexp

/** log(sum(exp(x))) over `axes`, shifted by the (finite part of the) max; the shift is a constant for grad. */
export function logsumexpAxes(t: T, axes: readonly number[]): T {
  if (axes.some((a) => t.shape[a] === 0)) return lax.full(t.shape.filter((_, i) => !axes.includes(i)), -Infinity, t.dtype);
  const m = lax.reduceMax(lax.stopGradient(t), axes);
  const shift = lax.select(isFinite(m), m, lax.zerosLike(m));
  const s = lax.reduceSum(lax.exp(lax.sub(t, lax.unreduce(shift, t.shape, axes))), axes);
  return lax.add(lax.log(s), shift);
}

/**
 * log(sum(exp(x))) over the axes (all by default), computed stably as JAX does: shifted by the
 * max, so logsumexp([1000, 1000]) is 1000 + log 2. Its gradient is softmax. -Infinity entries
 * contribute nothing; a line of only -Infinity gives -Infinity (no NaN); +Infinity gives
 * +Infinity; NaN propagates. An empty reduction gives -Infinity.
 */
export function logsumexp<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "logsumexp">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "logsumexp">>, FloatOf<D>> {
  const t = toFloat(tensorArg("logsumexp", x));
  const axes = normAxes("logsumexp", axis as AxisArg, t.shape);
  return keep(logsumexpAxes(t, axes), t.shape, axes, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "logsumexp">>, FloatOf<D>>;
}

// ---------------------------------------------------------------- cumulative reductions

/** The scans' option: `reverse` accumulates from the end of the axis (as jax.lax.cumsum). */
export interface CumulativeOptions {
  readonly reverse?: boolean;
}

function cumImpl(op: string, scan: ScanOp) {
  return (x: T, axis: number | undefined, opts: CumulativeOptions | undefined): T => {
    let t = tensorArg(op, x);
    let ax: number;
    if (axis === undefined || axis === null) {
      t = lax.reshape(t, [t.size]);
      ax = 0;
    } else {
      ax = normAxis(op, axis, t.shape.length, t.shape);
    }
    const isBool = t.dtype === "bool";
    const y = cumulative(isBool ? lax.convert(t, "int32") : t, ax, scan, opts?.reverse ?? false);
    // sums and products of bools count in int32; max and min of bools stay bool
    return isBool && (scan === "max" || scan === "min") ? lax.convert(y, "bool") : y;
  };
}
const cumsumImpl = cumImpl("cumsum", "sum");
const cumprodImpl = cumImpl("cumprod", "prod");
const cummaxImpl = cumImpl("cummax", "max");
const cumminImpl = cumImpl("cummin", "min");

/**
 * Running sum along `axis` (the flattened tensor when none is given, as jnp.cumsum); `reverse`
 * runs from the end (jax.lax.cumsum). Bools count in int32. Computed as an associative scan of
 * fused elementwise kernels (log2 n of them); its transpose is the reverse running sum.
 */
export function cumsum<S extends Shape, D extends DType, const Ax extends number | undefined = undefined>(
  x: Tensor<S, D>,
  axis?: Check<Cumulative<S, Ax, "cumsum">, Ax>,
  opts?: CumulativeOptions,
): Tensor<AsShape<Cumulative<S, Ax, "cumsum">>, CountDType<D>> {
  return cumsumImpl(x, axis as number | undefined, opts) as Tensor<AsShape<Cumulative<S, Ax, "cumsum">>, CountDType<D>>;
}
/** Running product (as cumsum). Its derivative uses multiplications only, so it is exact where x has zeros. */
export function cumprod<S extends Shape, D extends DType, const Ax extends number | undefined = undefined>(
  x: Tensor<S, D>,
  axis?: Check<Cumulative<S, Ax, "cumprod">, Ax>,
  opts?: CumulativeOptions,
): Tensor<AsShape<Cumulative<S, Ax, "cumprod">>, CountDType<D>> {
  return cumprodImpl(x, axis as number | undefined, opts) as Tensor<AsShape<Cumulative<S, Ax, "cumprod">>, CountDType<D>>;
}
/** Running maximum (as cumsum; NaN propagates). The derivative flows to the element that holds the maximum (shared at ties). */
export function cummax<S extends Shape, D extends DType, const Ax extends number | undefined = undefined>(
  x: Tensor<S, D>,
  axis?: Check<Cumulative<S, Ax, "cummax">, Ax>,
  opts?: CumulativeOptions,
): Tensor<AsShape<Cumulative<S, Ax, "cummax">>, D> {
  return cummaxImpl(x, axis as number | undefined, opts) as Tensor<AsShape<Cumulative<S, Ax, "cummax">>, D>;
}
/** Running minimum (as cummax). */
export function cummin<S extends Shape, D extends DType, const Ax extends number | undefined = undefined>(
  x: Tensor<S, D>,
  axis?: Check<Cumulative<S, Ax, "cummin">, Ax>,
  opts?: CumulativeOptions,
): Tensor<AsShape<Cumulative<S, Ax, "cummin">>, D> {
  return cumminImpl(x, axis as number | undefined, opts) as Tensor<AsShape<Cumulative<S, Ax, "cummin">>, D>;
}

// ---------------------------------------------------------------- sort / argsort / topK

/** sort's and argsort's option: `descending` (as jnp.sort / jnp.argsort). */
export interface SortOptions {
  readonly descending?: boolean;
}

function sortAxis(op: string, x: T, axis: number | undefined): number {
  return normAxis(op, axis ?? -1, x.shape.length, x.shape);
}

/**
 * Sorts along `axis` (default -1), as jnp.sort: stable, NaN after every number, -0 equal to 0
 * (kept in input order); `descending` is the ascending result reversed. The derivative follows
 * the permutation (the gradient goes back to each element's original position). Runs as a host
 * step between kernels.
 */
export function sort<S extends Shape, D extends DType, const A extends number = -1>(
  x: Tensor<S, D>,
  axis?: Check<AxisShape<S, A, "sort">, A>,
  opts?: SortOptions,
): Tensor<S, D> {
  const t = tensorArg("sort", x);
  const ax = sortAxis("sort", t, axis as number | undefined);
  // descending is the ascending order reversed, equal elements included (jnp.sort's lax.rev)
  const descending = opts?.descending ?? false;
  return permute(t, argsortP(t, ax, descending, descending ? "last" : "first"), ax) as Tensor<S, D>;
}
/**
 * The int32 indices that sort `axis` (default -1), as jnp.argsort: stable (equal elements keep
 * their order, also when `descending`), NaN last (first when descending).
 */
export function argsort<S extends Shape, D extends DType, const A extends number = -1>(
  x: Tensor<S, D>,
  axis?: Check<AxisShape<S, A, "argsort">, A>,
  opts?: SortOptions,
): Tensor<S, "int32"> {
  const t = tensorArg("argsort", x);
  return argsortP(t, sortAxis("argsort", t, axis as number | undefined), opts?.descending ?? false, "first") as Tensor<S, "int32">;
}

/**
 * The k largest elements along the last axis and their int32 indices, largest first, as
 * jax.lax.top_k: equal elements come in index order, NaN counts as larger than every number.
 * k larger than the axis is a compile-time error (a run-time one for dynamic dims). The values'
 * derivative flows back to the chosen positions.
 */
export function topK<S extends Shape, D extends DType, const K extends number>(
  x: Tensor<S, D>,
  k: Check<TopK<S, K>, K>,
): [Tensor<AsShape<TopK<S, K>>, D>, Tensor<AsShape<TopK<S, K>>, "int32">] {
  const t = tensorArg("topK", x);
  const kk = k as number;
  const r = t.shape.length;
  if (r === 0) shapeError(msg.topKRankMsg());
  if (!Number.isInteger(kk) || kk < 0) shapeError(msg.topKBadKMsg(kk));
  const n = t.shape[r - 1]!;
  if (kk > n) shapeError(msg.topKTooLargeMsg(t.shape, kk, n));
  const perm = argsortP(t, r - 1, true, "first");
  const start = t.shape.map(() => 0);
  const limit = t.shape.map((d, i) => (i === r - 1 ? kk : d));
  const values = lax.slice(permute(t, perm, r - 1), start, limit);
  return [values, lax.slice(perm, start, limit)] as [Tensor<AsShape<TopK<S, K>>, D>, Tensor<AsShape<TopK<S, K>>, "int32">];
}
