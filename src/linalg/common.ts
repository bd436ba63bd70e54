/**
 * The run-time checks and operand handling of the square-matrix linalg functions: the twins of
 * src/shape/linalg-solve.ts (same messages, for dims typed `number`).
 */
import { isFloat, promote } from "../ir/dtype.js";
import * as lax from "../prims/lax.js";
import { broadcastTo } from "../ops/operand.js";
import { broadcastShapes, shapeError, tensorArg } from "../tensor/checks.js";
import { linalgBatchMsg, rhsMismatchMsg, squareMatrixMsg } from "../tensor/messages.js";
import type { AnyTensor } from "../tensor/tensor.js";

type T = AnyTensor;

/** A float tensor (integers and bools computed in float32, as JAX's inexact promotion). */
export const floatOf = (t: T): T => (isFloat(t.dtype) ? t : lax.convert(t, "float32"));

/** A stack of square matrices [..., n, n] (Square's run-time twin), as a float tensor. */
export function squareArg(op: string, x: unknown): T {
  const t = tensorArg(op, x);
  const r = t.shape.length;
  if (r < 2 || t.shape[r - 1] !== t.shape[r - 2]) shapeError(squareMatrixMsg(op, t.shape));
  return floatOf(t);
}

/** The two operands in their common float dtype. */
function promoted(a: T, b: T): [T, T] {
  const d = promote(a.dtype, b.dtype);
  const dt = isFloat(d) ? d : "float32";
  return [lax.convert(a, dt), lax.convert(b, dt)];
}

export interface SolveOperands {
  /** a broadcast to [...batch, n, n] */
  readonly a: T;
  /** b as matrices broadcast to [...batch, n, k] (a vector is [..., n, 1]) */
  readonly b: T;
  /** b was a vector: the result drops the last axis again */
  readonly vector: boolean;
}

/**
 * The operands of a solve (Solve's run-time twin): a square, b a vector (by `rule`: "1-D" for
 * rank 1, "rank-1" for one rank less than a) or a matrix whose rows match a, batch dims broadcast.
 */
export function solveOperands(op: string, a0: unknown, b0: unknown, rule: "1-D" | "rank-1"): SolveOperands {
  const sa = squareArg(op, a0);
  const sb = tensorArg(op, b0);
  const [a, b] = promoted(sa, sb);
  const n = a.shape[a.shape.length - 1]!;
  const vector = rule === "1-D" ? b.shape.length === 1 : b.shape.length === a.shape.length - 1;
  const rows = b.shape.length - (vector ? 1 : 2);
  if (rows < 0 || b.shape[rows] !== n) shapeError(rhsMismatchMsg(op, a.shape, b.shape));
  const bm = vector ? lax.reshape(b, [...b.shape, 1]) : b;
  const [ab, bb] = batched(op, a, bm, [a.shape, b.shape]);
  return { a: ab, b: bb, vector };
}

/** a [..., n, n] and b [..., r, c] broadcast to common batch dims (`shown`: the shapes as given, for the message). */
function batched(op: string, a: T, b: T, shown: readonly [readonly number[], readonly number[]]): [T, T] {
  const ba = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const batch = broadcastShapes(op, ba, bb, () => linalgBatchMsg(op, ba, bb, shown[0], shown[1]));
  return [broadcastTo(a, [...batch, ...a.shape.slice(-2)]), broadcastTo(b, [...batch, ...b.shape.slice(-2)])];
}

/** The operands of triangularSolve (TriangularSolve's run-time twin). */
export function triangularOperands(op: string, a0: unknown, b0: unknown, left: boolean): [T, T] {
  const sa = squareArg(op, a0);
  const [a, b] = promoted(sa, tensorArg(op, b0));
  const n = a.shape[a.shape.length - 1]!;
  const r = b.shape.length;
  if (r < 2 || b.shape[left ? r - 2 : r - 1] !== n) shapeError(rhsMismatchMsg(op, a.shape, b.shape));
  return batched(op, a, b, [a.shape, b.shape]);
}

/** The diagonal of the last two axes [..., n, n] -> [..., n] (a strided slice of the flattened matrix). */
export function diag(x: T): T {
  const lead = x.shape.slice(0, -2);
  const n = x.shape[x.shape.length - 1]!;
  const flat = lax.reshape(x, [...lead, n * n]);
  return lax.slice(flat, [...lead.map(() => 0), 0], [...lead, n * n], [...lead.map(() => 1), n + 1]);
}
