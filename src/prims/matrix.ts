/**
 * What the matrix-decomposition primitives share (cholesky, triangular_solve, lu): internal ops
 * on the last two axes (transpose, batched product, triangle masks, row permutation) that their
 * rules are written with, and the host-side loop over the matrices of a batch.
 */
import { showShape, type AbstractValue } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { add, eq, ge, le, select } from "./elementwise.js";
import { broadcastInDim, full, iota } from "./broadcast.js";
import { dotGeneral } from "./dot.js";
import { transpose } from "./structural.js";
import { argsort, permute } from "./sort.js";
import { fail } from "./util.js";

type T = AnyTensor;

/** The transpose of the last two axes. */
export function mT(x: T): T {
  const r = x.shape.length;
  return transpose(x, [...x.shape.slice(0, -2).map((_, i) => i), r - 1, r - 2]);
}

/** x @ y over equal leading batch axes: [..., m, k] x [..., k, n] -> [..., m, n]. */
export function bmm(x: T, y: T): T {
  const nb = x.shape.length - 2;
  const b = x.shape.slice(0, nb).map((_, i) => i);
  return dotGeneral(x, y, { contract: [[nb + 1], [nb]], batch: [b, b] });
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

/** The identity matrix broadcast to x's shape [..., n, n]. */
export function eyeLike(x: T): T {
  const n = x.shape[x.shape.length - 1]!;
  const m = [n, n];
  const r = x.shape.length;
  const e = select(eq(iota(m, 0), iota(m, 1)), full(m, 1, x.dtype), full(m, 0, x.dtype));
  return broadcastInDim(e, x.shape, [r - 2, r - 1]);
}

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

/**
 * Runs `f` on each matrix of a batch: its inputs copied to float64 (host loops accumulate in
 * double whatever the dtype), its float64 outputs rounded to the output dtype. `sizes[i]` is the
 * element count of one matrix of input i; `outSizes` likewise, with each output's dtype.
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
