/** linalg.matrixPower (jnp.linalg.matrix_power): repeated squaring of matrix products. */
import type { DType } from "../ir/dtype.js";
import type { Check, Shape } from "../shape/core.js";
import type { SquareMatrices } from "../shape/linalg-decomp.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { eyeT, mm } from "../prims/matrix.js";
import { invFloat } from "./lu.js";
import { tensorArg, shapeError } from "../tensor/checks.js";
import { linalgRankMsg, linalgSquareMsg } from "../tensor/messages.js";

type T = AnyTensor;

/**
 * a raised to the integer power n for each square matrix of a [..., m, m], as
 * jnp.linalg.matrix_power: n = 0 gives the identity, n > 0 repeated squaring (JAX's order of
 * products), n < 0 the power −n of the inverse (`linalg.inv`, so a singular matrix gives
 * infinities or NaN). Keeps a's dtype (integers too,
 * for n >= 0, as JAX). n must be an integer.
 */
export function matrixPower<S extends Shape, D extends DType>(a: Check<SquareMatrices<S, "matrixPower">, Tensor<S, D>>, n: number): Tensor<S, D> {
  let x = tensorArg("matrixPower", a);
  if (x.shape.length < 2) shapeError(linalgRankMsg("matrixPower", x.shape));
  if (x.shape.at(-1) !== x.shape.at(-2)) shapeError(linalgSquareMsg("matrixPower", x.shape));
  if (!Number.isInteger(n)) throw new TypeError(`matrixPower: n must be an integer, got ${n}`);
  if (n === 0) return eyeT(x.shape.slice(0, -2), x.shape.at(-1)!, x.dtype) as Tensor<S, D>;
  if (n < 0) {
    if (x.dtype !== "float32" && x.dtype !== "float64") throw new TypeError(`matrixPower: a negative power needs a float tensor, got ${x.dtype}`);
    x = invFloat(x);
    n = -n;
  }
  let z: T | null = null;
  let result: T | null = null;
  while (n > 0) {
    z = z === null ? x : mm(z, z);
    const bit = n % 2;
    n = Math.floor(n / 2);
    if (bit) result = result === null ? z : mm(result, z);
  }
  return result as Tensor<S, D>;
}
