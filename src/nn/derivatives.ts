/**
 * Second derivatives of a scalar function (a network's output) with respect to its input, without
 * building the full Hessian.
 *
 * Costs, for f: R^n -> R whose gradient costs G (about 2-3 evaluations of f):
 * - `hessian(f)(x)`: forward-over-reverse, n Hessian-vector products batched by vmap: time n·G,
 *   an n×n result, and n copies of the gradient program's intermediates while it runs.
 * - `{ method: "hvp" }`: `hessianDiagonal` is the same n products, each reduced to e_iᵀ H e_i as
 *   it is formed (n numbers: it saves the n×n result, not time), `laplacian` their sum.
 * - the default, one forward pass in Taylor mode (src/prims/taylor.ts): `laplacian` carries the
 *   value, its n first derivatives and the summed second derivative through f (the forward
 *   Laplacian: for a dense layer of width W, n·W² + W² multiply-adds against about 2·n·W² for the
 *   n products, so about half the time); `hessianDiagonal` keeps the n second derivatives
 *   apart (about the work of the hvp form, with no reverse pass).
 *
 * The forward pass, like `jet` (and JAX's jet), expands a `customJvp` or `customVjp` function
 * inside f: it differentiates the function itself, its custom rules aside. The hvp form goes
 * through grad and jvp, so it uses a customJvp function's rule (and a customVjp's is an error).
 */
import type { Tensor, AnyTensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import type { Shape, ShapeError, ShowShape } from "../shape/core.js";
import type { DType, FloatDType } from "../ir/dtype.js";
import type { ShowValue } from "../transforms/types.js";
import { vjpImpl, jvpImpl } from "../transforms/grad.js";
import { vmapImpl } from "../transforms/vmap.js";
import { eye } from "../tensor/create.js";
import * as lax from "../prims/lax.js";
import { showShape } from "../ir/aval.js";
import { traceTree } from "../transforms/trace-tree.js";
import { jetCoeffsFlat } from "../transforms/jet.js";
import { flatten, unflatten } from "../transforms/tree.js";
import { forwardLaplacianGraph } from "../prims/taylor.js";

type ScalarFn<S extends Shape, D extends FloatDType> = (x: Tensor<S, D>) => Tensor<[], D>;
type OneArg = (x: never) => unknown;
type InOf<F> = F extends (x: infer X) => unknown ? X : never;
type DTypeOf<F> = InOf<F> extends Tensor<Shape, infer D> ? D : never;
/** What a function returns in place of a scalar (the run-time checks' text). */
type ShowOut<O> = [O] extends [Tensor<infer S, DType>]
  ? `shape ${ShowShape<S>}`
  : O extends readonly unknown[]
    ? `${O["length"]} ${O["length"] extends 1 ? "tensor" : "tensors"} in a pytree`
    : ShowValue<O>;
/**
 * F when it maps one float tensor to a scalar tensor of its dtype, else a ShapeError with the
 * message that the run-time check gives (laplacian, hessianDiagonal).
 */
type CheckScalarFn<F, Name extends string> = OneArg extends F
  ? unknown // F not inferred yet (a contextual type)
  : F extends (x: infer X) => infer O
    ? X extends Tensor<Shape, FloatDType>
      ? [O] extends [Tensor<[], DType>]
        ? F
        : ShapeError<`${Name}: the function must return a scalar, got ${ShowOut<O>}`>
      : ShapeError<`${Name}: the function must take one float tensor, got ${ShowValue<X>}`>
    : F;

/** What a function returned in place of one tensor: its number of tensors. */
const showOutputs = (n: number) => `${n} ${n === 1 ? "tensor" : "tensors"} in a pytree`;

/** ∇f(x), as a plain function of x (reverse mode). */
function gradOf(f: (x: AnyTensor) => AnyTensor, name: string) {
  return (x: AnyTensor): AnyTensor => {
    const [out, back] = vjpImpl(f as never, [x]);
    const y = out as AnyTensor;
    if (!(out instanceof TensorClass)) throw new Error(`${name}: the function must return a scalar, got ${showOutputs(flatten(out)[0].length)}`);
    if (y.shape.length !== 0) throw new Error(`${name}: the function must return a scalar, got shape ${showShape(y.shape)}`);
    return back(lax.onesLike(y))[0] as AnyTensor;
  };
}

/** Hessian-vector product H(x)·v by forward mode over reverse mode. */
export function hvp<S extends Shape, D extends FloatDType>(f: ScalarFn<S, D>, x: Tensor<S, D>, v: Tensor<S, D>): Tensor<S, D> {
  return jvpImpl(gradOf(f as never, "hvp") as never, [x], [v])[1] as Tensor<S, D>;
}

/** How `hessianDiagonal` and `laplacian` compute: the forward-Laplacian pass (default) or n Hessian-vector products. */
export interface SecondDerivativeOptions {
  readonly method?: "forward" | "hvp";
}

function checkMethod(name: string, opts: SecondDerivativeOptions | undefined): "forward" | "hvp" {
  const m = opts?.method ?? "forward";
  if (m !== "forward" && m !== "hvp") throw new Error(`${name}: method must be "forward" or "hvp", got ${JSON.stringify(m)}`);
  return m;
}

/** The n coordinate directions e_i, stacked: [n, ...shape]. */
const basisOf = (x: AnyTensor, n: number) => lax.reshape(lax.convert(eye(n) as AnyTensor, x.dtype), [n, ...x.shape]);

/**
 * The forward-Laplacian pass of f at x along the n coordinate directions: the Laplacian (a scalar),
 * or with `diag` the n second derivatives ∂²f/∂x_i².
 */
function forwardPass(f: (x: AnyTensor) => AnyTensor, name: string, x: AnyTensor, diag: boolean): AnyTensor {
  const t = traceTree(f as never, [x]);
  const o = t.graph.outputs[0]!.aval;
  if (t.outDef.kind !== "leaf") throw new Error(`${name}: the function must return a scalar, got ${showOutputs(t.graph.outputs.length)}`);
  if (o.shape.length !== 0) throw new Error(`${name}: the function must return a scalar, got shape ${showShape(o.shape)}`);
  const n = x.size;
  const basis = basisOf(x, n);
  const args = [{ v: x, g: basis, l: null }, ...t.captured.map((c) => ({ v: c, g: null, l: null }))];
  const [r] = forwardLaplacianGraph(t.graph, args, diag);
  // f linear in x: no second derivative reached the output
  return r!.l ?? lax.full(diag ? [n] : [], 0, x.dtype);
}

/**
 * The diagonal of the Hessian of f at x (same shape as x). By default one forward pass carries the
 * value, its n first derivatives and n second derivatives along the coordinate directions (Taylor
 * mode, sharing the forward computation); `{ method: "hvp" }` forms n Hessian-vector products
 * (forward over reverse) instead.
 */
export function hessianDiagonal<F extends OneArg>(f: CheckScalarFn<F, "hessianDiagonal">, opts?: SecondDerivativeOptions): (x: InOf<F>) => InOf<F> {
  if (checkMethod("hessianDiagonal", opts) === "forward") {
    return (x) => {
      const xt = x as AnyTensor;
      return lax.reshape(forwardPass(f as never, "hessianDiagonal", xt, true), xt.shape) as InOf<F>;
    };
  }
  return diagByHvp(f as never, "hessianDiagonal") as never;
}

/** The Hessian's diagonal by n Hessian-vector products; `name` is the caller's, for errors. */
function diagByHvp(f: (x: AnyTensor) => AnyTensor, name: string): (x: AnyTensor) => AnyTensor {
  const g = gradOf(f, name);
  return (xt) => {
    const n = xt.size;
    const basis = basisOf(xt, n);
    // e_iᵀ H e_i for every i at once: vmap over the basis of the directional second derivative
    const dirSecond = (e: AnyTensor) => lax.reduceSum(lax.mul(jvpImpl(g as never, [xt], [e])[1] as AnyTensor, e), xt.shape.map((_, i) => i));
    const d = vmapImpl(dirSecond as never, [basis], 0, 0) as AnyTensor; // [n]
    return lax.reshape(d, xt.shape);
  };
}

/**
 * The Laplacian Σ_i ∂²f/∂x_i² of f at x. By default by the forward Laplacian (Li et al. 2023,
 * microsoft's folx): one pass carries the value, its gradient along the n coordinates and the
 * Laplacian itself, so a dense layer costs n·W² + W² multiply-adds against about 2·n·W² for n
 * Hessian-vector products; `{ method: "hvp" }` is the forward-over-reverse form.
 */
export function laplacian<F extends OneArg>(f: CheckScalarFn<F, "laplacian">, opts?: SecondDerivativeOptions): (x: InOf<F>) => Tensor<[], DTypeOf<F>> {
  if (checkMethod("laplacian", opts) === "forward") return (x) => forwardPass(f as never, "laplacian", x as AnyTensor, false) as Tensor<[], DTypeOf<F>>;
  const diag = diagByHvp(f as never, "laplacian");
  return (x) => {
    const d = diag(x as AnyTensor);
    return lax.reduceSum(d, d.shape.map((_, i) => i)) as Tensor<[], DTypeOf<F>>;
  };
}

/** higherDerivative's v: V when shaped like x, else a ShapeError with the run-time check's text. */
type CheckDirection<V, S extends Shape, D extends DType> = [V] extends [Tensor<infer VS, infer VD>]
  ? [V] extends [Tensor<S, D>]
    ? V
    : [VS] extends [S]
      ? ShapeError<`higherDerivative: v has dtype ${VD & string}, but x has dtype ${D & string}`>
      : ShapeError<`higherDerivative: v has shape ${ShowShape<VS>}, but x has shape ${ShowShape<S>}`>
  : Tensor<S, D>;

/**
 * The k-th derivative of f at x along v, ∂^k f(x)[v, ..., v] = d^k/dt^k f(x + t·v) at t = 0, by
 * Taylor mode (`jet` with series [v, 0, ..., 0]): O(k) passes through f's linear layers, against
 * O(2^k) for k nested jvps. Shaped like f's output; for a pytree output (as `jet`), the same
 * pytree with each tensor leaf replaced by its k-th derivative. v must have x's shape and dtype.
 */
export function higherDerivative<S extends Shape, D extends FloatDType, O>(f: (x: Tensor<S, D>) => O, k: number): <V>(x: Tensor<S, D>, v: CheckDirection<V, S, D>) => O {
  if (!Number.isInteger(k) || k < 1) throw new Error(`higherDerivative: the order k must be a positive integer, got ${k}`);
  return (x, v) => {
    const xt = x as AnyTensor;
    const vt = v as AnyTensor;
    if (!(vt instanceof TensorClass)) throw new Error(`higherDerivative: v must be a tensor shaped like x ${showShape(xt.shape)}, got ${typeof vt}`);
    if (vt.shape.length !== xt.shape.length || vt.shape.some((d, i) => d !== xt.shape[i])) {
      throw new Error(`higherDerivative: v has shape ${showShape(vt.shape)}, but x has shape ${showShape(xt.shape)}`);
    }
    if (vt.dtype !== xt.dtype) throw new Error(`higherDerivative: v has dtype ${vt.dtype}, but x has dtype ${xt.dtype}`);
    // the curve x + t·v: its terms past the first are known zeros, which the Taylor rules skip
    const [, terms, def] = jetCoeffsFlat(f as never, [xt], [[vt, ...Array.from({ length: k - 1 }, () => null)]], k);
    return unflatten(def, terms.map((t) => t[k - 1]!)) as O;
  };
}
