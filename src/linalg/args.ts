/** The argument checks the decompositions share (the run-time twins of shape/linalg-decomp.ts). */
import { isFloat } from "../ir/dtype.js";
import * as lax from "../prims/lax.js";
import { shapeError, tensorArg } from "../tensor/checks.js";
import { linalgRankMsg, linalgSquareMsg } from "../tensor/messages.js";
import type { AnyTensor } from "../tensor/tensor.js";

/** x as a float batch of matrices (integers and bools compute in float32, as jnp.linalg). */
export function matrixArg(op: string, x: unknown): AnyTensor {
  const t = tensorArg(op, x);
  if (t.shape.length < 2) shapeError(linalgRankMsg(op, t.shape));
  return isFloat(t.dtype) ? t : lax.convert(t, "float32");
}

/** x as a float batch of square matrices. */
export function squareArg(op: string, x: unknown): AnyTensor {
  const t = matrixArg(op, x);
  if (t.shape.at(-1) !== t.shape.at(-2)) shapeError(linalgSquareMsg(op, t.shape));
  return t;
}
