/**
 * What the decomposition primitives (qr.ts, eigh.ts, svd.ts) share: batched matrix helpers on
 * tensors of shape [...batch, m, n] (for their derivative rules, written with internal ops so
 * they nest), and the host loop that runs a float64 routine on every matrix of a batch.
 */
import type { AbstractValue } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastInDim, full, iota, reduceSum } from "./broadcast.js";
import { dotGeneral } from "./dot.js";
import { add, eq, le, mul, select } from "./elementwise.js";
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

/** The entries of x on and below diagonal k (k < 0: strictly below), zero elsewhere. */
export function trilT(x: T, k = 0): T {
  const r = x.shape.length;
  const [m, n] = x.shape.slice(-2) as [number, number];
  const row = iota([m, n], 0);
  const col = iota([m, n], 1);
  const keep = le(col, add(row, full([m, n], k, "int32")));
  return select(broadcastInDim(keep, x.shape, [r - 2, r - 1]), x, full(x.shape, 0, x.dtype));
}

/** The entries of x on and above the diagonal. */
export const triuT = (x: T): T => mT(trilT(mT(x)));

/** True on the diagonal of [..., m, n] (a bool mask of x's shape). */
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

/** The identity [..., n, n] in x's dtype, broadcast over `batch`. */
export function eyeT(batch: readonly number[], n: number, dtype: T["dtype"]): T {
  const shape = [...batch, n, n];
  return select(diagMask(shape), full(shape, 1, dtype), full(shape, 0, dtype));
}

// ---------------------------------------------------------------- host loop

/** A row-major matrix in float64 (what the host routines compute on). */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Runs `f` on each matrix of x ([...batch, m, n], read as float64) and gathers its results, one
 * per output aval (each [...batch, ...]), rounded to the output dtypes.
 */
export function perMatrix(inputs: readonly HostArray[], outs: readonly AbstractValue[], f: (ms: Mat[]) => Float64Array[]): HostArray[] {
  const x = inputs[0]!;
  const r = x.shape.length;
  const nb = x.shape.slice(0, r - 2).reduce((p, d) => p * d, 1);
  const sizes = outs.map((o) => o.shape.slice(r - 2).reduce((p, d) => p * d, 1));
  const data = outs.map((o, i) => allocate(o.dtype, nb * sizes[i]!));
  const ins = inputs.map((h) => {
    const [rows, cols] = h.shape.slice(-2) as [number, number];
    return { rows, cols, size: rows * cols, data: h.data };
  });
  for (let b = 0; b < nb; b++) {
    const ms = ins.map((h) => ({ rows: h.rows, cols: h.cols, data: Float64Array.from(h.data.subarray(b * h.size, (b + 1) * h.size)) }));
    f(ms).forEach((res, i) => data[i]!.set(res, b * sizes[i]!));
  }
  return outs.map((o, i) => new HostArray(data[i]!, o.shape, o.dtype));
}

/**
 * True when a matrix holds a NaN or an infinity: the decompositions then return NaN throughout
 * (LAPACK's results in JAX are NaN there too), which also spares Jacobi sweeps that cannot converge.
 */
export const nonFinite = (m: Mat): boolean => m.data.some((v) => !Number.isFinite(v));
