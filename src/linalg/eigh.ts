/** linalg.eigh (jnp.linalg.eigh): the symmetric eigendecomposition, batched (primitive in prims/eigh.ts). */
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { EighShapes } from "../shape/linalg-decomp.js";
import type { Tensor } from "../tensor/tensor.js";
import type { FloatOf } from "../tensor/types.js";
import * as lax from "../prims/lax.js";
import { eigh as eighOp } from "../prims/eigh.js";
import { mT } from "../prims/matrix.js";
import { squareArg } from "./args.js";

/** [w, v] of eigh: the eigenvalues [..., n] (ascending) and the eigenvectors [..., n, n] (columns). */
export type EighResult<S extends Shape, D extends DType> =
  EighShapes<S> extends [infer W, infer V] ? [Tensor<AsShape<W>, FloatOf<D>>, Tensor<AsShape<V>, FloatOf<D>>] : never;

/**
 * The eigenvalues and eigenvectors of the symmetric matrices a [..., n, n], as
 * jnp.linalg.eigh(a, UPLO, symmetrize_input): `[w, v]` with w ascending and a = v·diag(w)·vᵀ,
 * vᵀv = I. With `symmetrizeInput` (default true, as JAX) a is replaced by (a + aᵀ)/2 first,
 * which also makes the derivative that of a symmetric perturbation; without it only the triangle
 * `UPLO` names is read ("L", the default, or "U"). Cyclic Jacobi in float64 (float32 rounds the
 * result). Each eigenvector is signed so that its entry of largest magnitude is positive (JAX
 * leaves the sign to LAPACK). Derivatives as JAX's eigh_jvp_rule, for distinct eigenvalues (a
 * repeated one gives infinities, as in JAX). NaN or infinite input gives NaN. A non-square shape
 * is an error (at compile time for static dims).
 */
export function eigh<S extends Shape, D extends DType>(
  a: Check<EighShapes<S>, Tensor<S, D>>,
  UPLO?: "L" | "U" | null,
  symmetrizeInput = true,
): EighResult<S, D> {
  let x = squareArg("eigh", a);
  if (UPLO !== undefined && UPLO !== null && UPLO !== "L" && UPLO !== "U") throw new Error(`eigh: UPLO must be "L" or "U", got ${String(UPLO)}`);
  const lower = UPLO !== "U";
  if (symmetrizeInput) x = lax.mulScalar(lax.add(x, mT(x)), 0.5);
  return [eighOp(x, lower, 0), eighOp(x, lower, 1)] as EighResult<S, D>;
}
