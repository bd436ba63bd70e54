/** linalg.qr (jnp.linalg.qr): Householder QR, batched over leading dims (primitive in prims/qr.ts). */
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { QrShapes } from "../shape/linalg-decomp.js";
import type { Tensor } from "../tensor/tensor.js";
import type { FloatOf } from "../tensor/types.js";
import { qr as qrOp } from "../prims/qr.js";
import { matrixArg } from "./args.js";

export type QrMode = "reduced" | "complete" | "r";

/** What qr returns for a mode: [Q, R], or R alone for "r". */
export type QrResult<S extends Shape, D extends DType, M extends QrMode> =
  QrShapes<S, M extends "complete" ? true : false> extends [infer Q, infer R]
    ? M extends "r"
      ? Tensor<AsShape<R>, FloatOf<D>>
      : [Tensor<AsShape<Q>, FloatOf<D>>, Tensor<AsShape<R>, FloatOf<D>>]
    : never;

/**
 * The QR decomposition a = Q·R of each matrix of a [..., m, n], as jnp.linalg.qr: mode "reduced"
 * (default) gives Q [..., m, k] with orthonormal columns and R [..., k, n] upper triangular,
 * k = min(m, n); "complete" gives Q [..., m, m] and R [..., m, n]; "r" gives R alone (reduced).
 * Householder reflections as LAPACK: R's diagonal entry j is minus the sign of the pivot
 * column's leading entry (kept when nothing lies below it), so it can be negative, as in JAX.
 * NaN or infinite input gives NaN. Derivatives as JAX's qr_jvp_rule: for m >= n only (and
 * "complete" only when square); elsewhere an error, as in JAX. Integers and bools compute in
 * float32.
 */
export function qr<S extends Shape, D extends DType, const M extends QrMode = "reduced">(
  a: Check<QrShapes<S, false>, Tensor<S, D>>,
  mode?: M,
): QrResult<S, D, M> {
  const x = matrixArg("qr", a);
  const m = mode ?? "reduced";
  if (m !== "reduced" && m !== "complete" && m !== "r") throw new Error(`qr: mode must be "reduced", "complete" or "r", got ${String(m)}`);
  const complete = m === "complete";
  const r = qrOp(x, complete, 1);
  return (m === "r" ? r : [qrOp(x, complete, 0), r]) as QrResult<S, D, M>;
}
