/** linalg.pinv and linalg.lstsq (jnp.linalg's), compositions of the SVD (prims/svd.ts). */
import type { DType, FloatDType, Promote } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { LstsqAError, LstsqShapes, PinvShape } from "../shape/linalg-decomp.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import type { FloatOf } from "../tensor/types.js";
import { promote, isFloat } from "../ir/dtype.js";
import * as lax from "../prims/lax.js";
import { mm, mT, scaleRows } from "../prims/matrix.js";
import { svd } from "../prims/svd.js";
import { customJvp } from "../transforms/custom.js";
import { shapeError, tensorArg } from "../tensor/checks.js";
import { lstsqARankMsg, lstsqBRankMsg, lstsqRowsMsg } from "../tensor/messages.js";
import { matrixArg } from "./args.js";

type T = AnyTensor;

/** The machine epsilon of a float dtype (jnp.finfo(dtype).eps). */
export const epsOf = (d: FloatDType): number => (d === "float32" ? 2 ** -23 : 2 ** -52);

/** s[..., 0:1] broadcast back to s's shape (the largest singular value of each matrix). */
const largest = (s: T): T => {
  const r = s.shape.length;
  const s0 = lax.slice(s, s.shape.map(() => 0), [...s.shape.slice(0, -1), 1]);
  return lax.broadcastInDim(lax.reshape(s0, s.shape.slice(0, -1)), s.shape, Array.from({ length: r - 1 }, (_, i) => i));
};

/** pinv without its custom rule: V·diag(1/s)·Uᵀ with s ≤ rtol·s₀ dropped (as 1/∞). */
function pinvPlain(x: T, rtol: number): T {
  const [m, n] = x.shape.slice(-2) as [number, number];
  if (m === 0 || n === 0) return lax.full([...x.shape.slice(0, -2), n, m], 0, x.dtype);
  const s = svd(x, false, 0);
  const kept = lax.select(lax.gt(s, lax.mulScalar(largest(s), rtol)), s, lax.full(s.shape, Infinity, s.dtype));
  return mm(mT(svd(x, false, 2)), scaleRows(mT(svd(x, false, 1)), lax.div(lax.full(s.shape, 1, s.dtype), kept)));
}

/** Golub and Pereyra's derivative of the pseudo-inverse p of a, as JAX's _pinv_jvp. */
function pinvJvp(a: T, da: T, p: T): T {
  const [m, n] = a.shape.slice(-2) as [number, number];
  // m >= n: s = p pᵀ daᵀ, t = daᵀ pᵀ p (else the same products associated the other way)
  const s = m >= n ? mm(mm(p, mT(p)), mT(da)) : mm(p, mm(mT(p), mT(da)));
  const t = m >= n ? mm(mm(mT(da), mT(p)), p) : mm(mT(da), mm(mT(p), p));
  const first = m >= n ? mm(mm(p, da), p) : mm(p, mm(da, p));
  const sap = m >= n ? mm(mm(s, a), p) : mm(s, mm(a, p));
  // −p·da·p + s − s·a·p + t − p·a·t
  return lax.sub(lax.add(lax.sub(lax.add(lax.neg(first), s), sap), t), mm(mm(p, a), t));
}

/**
 * The Moore–Penrose pseudo-inverse of each matrix of a [..., m, n] (result [..., n, m]), as
 * jnp.linalg.pinv(a, rtol): singular values at or below rtol·s₀ (s₀ the largest) count as zero;
 * rtol defaults to 10·max(m, n)·eps of the dtype, as JAX. From the SVD, with JAX's custom
 * derivative (Golub and Pereyra's formula, exact where the rank is locally constant). Integers and
 * bools compute in float32.
 */
export function pinv<S extends Shape, D extends DType>(a: Check<PinvShape<S>, Tensor<S, D>>, rtol?: number): Tensor<AsShape<PinvShape<S>>, FloatOf<D>> {
  const x = matrixArg("pinv", a);
  const [m, n] = x.shape.slice(-2) as [number, number];
  const tol = rtol ?? 10 * Math.max(m, n) * epsOf(x.dtype as FloatDType);
  const f = customJvp(
    (y: T) => pinvPlain(y, tol),
    ([y]: [T], [dy]: [T]) => {
      const p = pinvPlain(y, tol);
      return [p, pinvJvp(y, dy, p)] as const;
    },
  ) as unknown as (y: T) => T;
  return f(x) as Tensor<AsShape<PinvShape<S>>, FloatOf<D>>;
}

/** What lstsq returns: [x, residuals, rank, s]. */
export type LstsqResult<A extends Shape, B extends Shape, D extends DType> =
  LstsqShapes<A, B> extends [infer X, infer R, infer K, infer Sv]
    ? [Tensor<AsShape<X>, FloatOf<D>>, Tensor<AsShape<R>, FloatOf<D>>, Tensor<AsShape<K>, "int32">, Tensor<AsShape<Sv>, FloatOf<D>>]
    : never;

/**
 * The least-squares solution of a·x = b, as jnp.linalg.lstsq(a, b, rcond): a [m, n], b [m] or
 * [m, k]; returns [x ([n] or [n, k]), residuals (the squared 2-norm of each column of b − a·x,
 * [1] or [k], always computed, as JAX's default numpy_resid=False), rank (int32, the number of
 * singular values ≥ rcond·s₀), s (the singular values of a)]. rcond defaults to eps·max(m, n) (a
 * negative one means eps), as JAX. From the SVD, so it differentiates through it.
 */
export function lstsq<A extends Shape, B extends Shape, D extends DType, D2 extends DType>(
  a: Check<LstsqAError<A>, Tensor<A, D>>,
  b: Check<LstsqShapes<A, B>, Tensor<B, D2>>,
  rcond?: number,
): LstsqResult<A, B, Promote<D, D2>> {
  const a0 = tensorArg("lstsq", a);
  const b0 = tensorArg("lstsq", b);
  if (a0.shape.length !== 2) shapeError(lstsqARankMsg(a0.shape));
  if (b0.shape.length !== 1 && b0.shape.length !== 2) shapeError(lstsqBRankMsg(b0.shape));
  if (a0.shape[0] !== b0.shape[0]) shapeError(lstsqRowsMsg(a0.shape, b0.shape));
  const d0 = promote(a0.dtype, b0.dtype);
  const dt = (isFloat(d0) ? d0 : "float32") as FloatDType;
  const x = lax.convert(a0, dt);
  const bb = lax.convert(b0, dt);
  const vec = bb.shape.length === 1;
  const b2 = vec ? lax.reshape(bb, [bb.shape[0]!, 1]) : bb;
  const [m, n] = x.shape as [number, number];
  const k = b2.shape[1]!;
  let sol: T, s: T, rank: T;
  if (m === 0 || n === 0) {
    sol = lax.full([n, k], 0, dt);
    s = lax.full([0], 0, dt);
    rank = lax.scalar(0, "int32");
  } else {
    const eps = epsOf(dt);
    const rc = rcond === undefined ? eps * Math.max(m, n) : rcond < 0 ? eps : rcond;
    s = svd(x, false, 0);
    const mask = lax.ge(s, lax.mulScalar(largest(s), rc));
    rank = lax.reduceSum(lax.convert(mask, "int32"), [0]);
    const sInv = lax.select(mask, lax.div(lax.full(s.shape, 1, dt), lax.select(mask, s, lax.full(s.shape, 1, dt))), lax.full(s.shape, 0, dt));
    sol = mm(mT(svd(x, false, 2)), scaleRows(mm(mT(svd(x, false, 1)), b2), sInv));
  }
  const r = lax.sub(b2, mm(x, sol));
  const resid = lax.reduceSum(lax.mul(r, r), [0]);
  return [vec ? lax.reshape(sol, [n]) : sol, resid, rank, s] as LstsqResult<A, B, Promote<D, D2>>;
}
