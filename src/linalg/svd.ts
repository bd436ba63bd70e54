/** linalg.svd (jnp.linalg.svd): one-sided Jacobi SVD, batched (primitive in prims/svd.ts). */
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { SvdShapes } from "../shape/linalg-decomp.js";
import type { Tensor } from "../tensor/tensor.js";
import type { FloatOf } from "../tensor/types.js";
import { svd as svdOp } from "../prims/svd.js";
import { matrixArg } from "./args.js";

/** What svd returns: [u, s, vh], or s alone when computeUv is false. */
export type SvdResult<S extends Shape, D extends DType, Full extends boolean, Uv extends boolean> =
  SvdShapes<S, Full> extends [infer U, infer Sv, infer Vh]
    ? Uv extends false
      ? Tensor<AsShape<Sv>, FloatOf<D>>
      : [Tensor<AsShape<U>, FloatOf<D>>, Tensor<AsShape<Sv>, FloatOf<D>>, Tensor<AsShape<Vh>, FloatOf<D>>]
    : never;

/**
 * The singular value decomposition a = u·diag(s)·vh of each matrix of a [..., m, n], as
 * jnp.linalg.svd(a, full_matrices, compute_uv): s [..., k] descending (k = min(m, n)); u
 * [..., m, m] and vh [..., n, n] with `fullMatrices` (the default, as JAX), else [..., m, k] and
 * [..., k, n]; s alone when `computeUv` is false. One-sided Jacobi in float64 (float32 rounds the
 * result). Each pair of singular vectors is signed so that u's column has its entry of largest
 * magnitude positive. Derivatives as JAX's _svd_jvp_rule: of s always; of u and vh for distinct
 * nonzero singular values and without fullMatrices (an error otherwise, as JAX, except for square
 * matrices, where full and reduced agree). NaN or infinite input gives NaN.
 */
export function svd<S extends Shape, D extends DType, const Full extends boolean = true, const Uv extends boolean = true>(
  a: Check<SvdShapes<S, Full>, Tensor<S, D>>,
  fullMatrices?: Full,
  computeUv?: Uv,
): SvdResult<S, D, Full, Uv> {
  const x = matrixArg("svd", a);
  const full = fullMatrices ?? true;
  const s = svdOp(x, full, 0);
  return (computeUv === false ? s : [svdOp(x, full, 1), s, svdOp(x, full, 2)]) as SvdResult<S, D, Full, Uv>;
}
