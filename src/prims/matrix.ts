/**
 * What the matrix primitives share (cholesky, triangular_solve, lu in decomp.ts; qr.ts, eigh.ts,
 * svd.ts): internal ops on the last two axes of [...batch, m, n] tensors (transpose, batched
 * product, triangles, diagonals, the identity, row permutations) that their derivative rules are
 * written with, so the rules nest; and the host loop that runs a float64 routine on every matrix
 * of a batch.
 */
import { showShape, type AbstractValue } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastInDim, full, iota, reduceSum } from "./broadcast.js";
import { dotGeneral } from "./dot.js";
import { add, eq, ge, le, mul, select } from "./elementwise.js";
import { argsort, permute } from "./sort.js";
import { transpose } from "./structural.js";
import { fail } from "./util.js";

type T = AnyTensor;

const lead = (r: number) => Array.from({ length: r }, (_, i) => i);

/** The last two axes swapped. */
export const mT = (x: T): T => {
  const r = x.shape.length;
  return transpose(x, [...lead(r - 2), r - 1, r - 2]);
};

/** a @ b over equal leading batch dims ([..., m, k] @ [..., k, n]). */
export function mm(a: T, b: T): T {
  const r = a.shape.length;
  if (b.shape.length !== r) fail(`mm of rank ${r} and ${b.shape.length}`);
  const bd = lead(r - 2);
  return dotGeneral(a, b, { contract: [[r - 1], [r - 2]], batch: [bd, bd] });
}

/** The lower (j <= i + k) or upper (j >= i + k) triangle of the last two axes, zero elsewhere. */
export function triangle(x: T, lower: boolean, k = 0): T {
  const r = x.shape.length;
  const m = x.shape.slice(-2);
  const rows = add(iota(m, 0), full(m, k, "int32"));
  const cols = iota(m, 1);
  const keep = broadcastInDim(lower ? ge(rows, cols) : le(rows, cols), x.shape, [r - 2, r - 1]);
  return select(keep, x, full(x.shape, 0, x.dtype));
}

/** The entries of x on and below diagonal k (k < 0: strictly below), zero elsewhere. */
export const trilT = (x: T, k = 0): T => triangle(x, true, k);

/** The entries of x on and above the diagonal. */
export const triuT = (x: T): T => triangle(x, false);

/** True on the diagonal of [..., m, n] (a bool mask of that shape). */
function diagMask(shape: readonly number[]): T {
  const r = shape.length;
  const [m, n] = shape.slice(-2) as [number, number];
  return broadcastInDim(eq(iota([m, n], 0), iota([m, n], 1)), shape, [r - 2, r - 1]);
}

/** The diagonal of [..., k, k] as [..., k]. */
export const diagPart = (x: T): T => reduceSum(select(diagMask(x.shape), x, full(x.shape, 0, x.dtype)), [x.shape.length - 1]);

/** [..., k] -> the diagonal matrices [..., k, k]. */
export function diagEmbed(v: T): T {
  const r = v.shape.length;
  const k = v.shape[r - 1]!;
  const shape = [...v.shape, k];
  return select(diagMask(shape), broadcastInDim(v, shape, [...lead(r - 1), r]), full(shape, 0, v.dtype));
}

/** x with column j scaled by s[..., j] (x [..., m, k], s [..., k]): x · diag(s). */
export const scaleCols = (x: T, s: T): T => {
  const r = x.shape.length;
  return mul(x, broadcastInDim(s, x.shape, [...lead(r - 2), r - 1]));
};
/** x with row i scaled by s[..., i] (x [..., k, n], s [..., k]): diag(s) · x. */
export const scaleRows = (x: T, s: T): T => {
  const r = x.shape.length;
  return mul(x, broadcastInDim(s, x.shape, [...lead(r - 2), r - 2]));
};

/** The identity [..., n, n] in `dtype`, broadcast over `batch`. */
export function eyeT(batch: readonly number[], n: number, dtype: T["dtype"]): T {
  const shape = [...batch, n, n];
  return select(diagMask(shape), full(shape, 1, dtype), full(shape, 0, dtype));
}

/** The identity matrix broadcast to x's shape [..., n, n]. */
export const eyeLike = (x: T): T => eyeT(x.shape.slice(0, -2), x.shape[x.shape.length - 1]!, x.dtype);

/** Rows of x [..., n, k] reordered by perm [..., n] (int32): out[..., i, :] = x[..., perm[i], :]. */
export function permuteRows(x: T, perm: T): T {
  const r = x.shape.length;
  const p = broadcastInDim(perm, x.shape, [...perm.shape.map((_, i) => i)]);
  return permute(x, p, r - 2);
}

/** Rows of x put back where permuteRows(·, perm) took them from (the inverse permutation). */
export function unpermuteRows(x: T, perm: T): T {
  return permuteRows(x, argsort(perm, perm.shape.length - 1, false, "first"));
}

/** Checks a [..., m, n] operand of a linalg primitive (float, rank >= 2) and returns its batch dims. */
export function matrixBatch(name: string, x: AbstractValue): readonly number[] {
  if (x.shape.length < 2 || (x.dtype !== "float32" && x.dtype !== "float64")) fail(`${name} of ${x.dtype}${showShape(x.shape)}`);
  return x.shape.slice(0, -2);
}

// ---------------------------------------------------------------- host loop

/**
 * Runs `f` on each matrix of a batch: its inputs copied to float64 (host loops accumulate in
 * double whatever the dtype), its float64 outputs (zeroed first) rounded to the output dtype.
 * `sizes[i]` is the element count of one matrix of input i; `outSizes` likewise for the outputs.
 */
export function perMatrix(
  inputs: readonly HostArray[],
  sizes: readonly number[],
  outs: readonly AbstractValue[],
  outSizes: readonly number[],
  count: number,
  f: (ins: Float64Array[], outs: Float64Array[]) => void,
): HostArray[] {
  const bufs = outs.map((o) => allocate(o.dtype, o.shape.reduce((p, d) => p * d, 1)));
  const ins = sizes.map((s) => new Float64Array(s));
  const res = outSizes.map((s) => new Float64Array(s));
  for (let b = 0; b < count; b++) {
    inputs.forEach((h, i) => ins[i]!.set(h.data.subarray(b * sizes[i]!, (b + 1) * sizes[i]!)));
    res.forEach((r) => r.fill(0));
    f(ins, res);
    res.forEach((r, i) => bufs[i]!.set(r, b * outSizes[i]!));
  }
  return bufs.map((d, i) => new HostArray(d, outs[i]!.shape, outs[i]!.dtype));
}

/** A row-major matrix in float64 (what the decomposition routines compute on). */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * perMatrix for routines that take and return whole matrices: `f` gets each input's matrix of one
 * batch entry (inputs [...batch, m, n]) and returns one float64 array per output aval.
 */
export function perMatrixOf(inputs: readonly HostArray[], outs: readonly AbstractValue[], f: (ms: Mat[]) => Float64Array[]): HostArray[] {
  const r = inputs[0]!.shape.length;
  const count = inputs[0]!.shape.slice(0, r - 2).reduce((p, d) => p * d, 1);
  const dims = inputs.map((h) => h.shape.slice(-2) as [number, number]);
  const outSizes = outs.map((o) => o.shape.slice(r - 2).reduce((p, d) => p * d, 1));
  return perMatrix(inputs, dims.map(([m, n]) => m * n), outs, outSizes, count, (ins, res) => {
    const ms = ins.map((data, i) => ({ rows: dims[i]![0], cols: dims[i]![1], data: Float64Array.from(data) }));
    f(ms).forEach((a, i) => res[i]!.set(a));
  });
}

/**
 * True when a matrix holds a NaN or an infinity: the decompositions then return NaN throughout
 * (LAPACK's results in JAX are NaN there too), which also spares Jacobi sweeps that cannot converge.
 */
export const nonFinite = (m: Mat): boolean => m.data.some((v) => !Number.isFinite(v));
