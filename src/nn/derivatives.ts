/**
 * Second derivatives of a scalar function (a network's output) with respect to its input, without
 * building the full Hessian.
 *
 * Costs, for f: R^n -> R whose gradient costs G (about 2-3 evaluations of f):
 * - `hessian(f)(x)`: forward-over-reverse, n Hessian-vector products batched by vmap: time n·G,
 *   an n×n result, and n copies of the gradient program's intermediates while it runs.
 * - `hessianDiagonal(f)(x)`: the same n products, each reduced to e_iᵀ H e_i as it is formed, so
 *   the result is n numbers; time n·G and, since the n products run as one vmapped program, the
 *   same n copies of intermediates (and the n×n basis). For n = 1 it is just grad(grad(f)).
 * - `laplacian(f)(x)`: the sum of that diagonal.
 * What they save over `hessian` is the n×n result and its extraction, not time. A Taylor-mode
 * (jet) form would share the forward pass between directions; it is not implemented.
 */
import type { Tensor, AnyTensor } from "../tensor/tensor.js";
import type { Shape } from "../shape/core.js";
import type { FloatDType } from "../ir/dtype.js";
import { vjpImpl, jvpImpl } from "../transforms/grad.js";
import { vmapImpl } from "../transforms/vmap.js";
import { eye } from "../tensor/create.js";
import * as lax from "../prims/lax.js";
import { showShape } from "../ir/aval.js";

type ScalarFn<S extends Shape, D extends FloatDType> = (x: Tensor<S, D>) => Tensor<[], D>;

/** ∇f(x), as a plain function of x (reverse mode). */
function gradOf(f: (x: AnyTensor) => AnyTensor, name: string) {
  return (x: AnyTensor): AnyTensor => {
    const [out, back] = vjpImpl(f as never, [x]);
    const y = out as AnyTensor;
    if (y.shape.length !== 0) throw new Error(`${name}: the function must return a scalar, got shape ${showShape(y.shape)}`);
    return back(lax.onesLike(y))[0] as AnyTensor;
  };
}

/** Hessian-vector product H(x)·v by forward mode over reverse mode. */
export function hvp<S extends Shape, D extends FloatDType>(f: ScalarFn<S, D>, x: Tensor<S, D>, v: Tensor<S, D>): Tensor<S, D> {
  return jvpImpl(gradOf(f as never, "hvp") as never, [x], [v])[1] as Tensor<S, D>;
}

/** The diagonal of the Hessian of f at x (same shape as x), one Hessian-vector product per input. */
export function hessianDiagonal<S extends Shape, D extends FloatDType>(f: ScalarFn<S, D>): (x: Tensor<S, D>) => Tensor<S, D> {
  const g = gradOf(f as never, "hessianDiagonal");
  return (x) => {
    const xt = x as AnyTensor;
    const n = xt.size;
    const basis = lax.reshape(lax.convert(eye(n) as AnyTensor, xt.dtype), [n, ...xt.shape]);
    // e_iᵀ H e_i for every i at once: vmap over the basis of the directional second derivative
    const dirSecond = (e: AnyTensor) => lax.reduceSum(lax.mul(jvpImpl(g as never, [xt], [e])[1] as AnyTensor, e), xt.shape.map((_, i) => i));
    const d = vmapImpl(dirSecond as never, [basis], 0, 0) as AnyTensor; // [n]
    return lax.reshape(d, xt.shape) as Tensor<S, D>;
  };
}

/** The Laplacian Σ_i ∂²f/∂x_i² of f at x. */
export function laplacian<S extends Shape, D extends FloatDType>(f: ScalarFn<S, D>): (x: Tensor<S, D>) => Tensor<[], D> {
  const diag = hessianDiagonal(f);
  return (x) => {
    const d = diag(x) as AnyTensor;
    return lax.reduceSum(d, d.shape.map((_, i) => i)) as Tensor<[], D>;
  };
}
