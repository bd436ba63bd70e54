/**
 * The softmax family (jax.nn.softmax, log_softmax, standardize): compositions of max, exp, sum
 * and log with the max shift as a constant for differentiation (stop_gradient), the JAX way, so
 * the gradients are the cheap closed forms and everything fuses.
 */
import type { FloatOf } from "../tensor/types.js";
import type { DType } from "../ir/dtype.js";
import type { Check, Shape } from "../shape/core.js";
import type { Reduce } from "../shape/reduce.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import type { AxisArg } from "../tensor/types.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { isFloat } from "../ir/dtype.js";
import * as lax from "../prims/lax.js";
import { normAxes } from "../tensor/checks.js";

type T = AnyTensor;

/** The float tensor and the normalised axes (integers compute in float32, as in JAX). */
function prepare(op: string, x: unknown, axis: AxisArg): [T, number[]] {
  if (!(x instanceof TensorClass)) throw new TypeError(`${op}: expected a tensor, got ${x === null ? "null" : typeof x}`);
  const t = isFloat(x.dtype) ? (x as T) : lax.convert(x as T, "float32");
  return [t, normAxes(op, axis ?? -1, t.shape)];
}

/** x minus its max over the axes, the max held constant for grad. */
function shifted(t: T, axes: readonly number[]): T {
  const m = lax.reduceMax(lax.stopGradient(t), axes);
  return lax.sub(t, lax.unreduce(m, t.shape, axes));
}

/**
 * exp(x) / sum(exp(x)) over `axis` (default -1; a list of axes too), shifted by the max so large
 * logits do not overflow. As in JAX, a line of only -Infinity gives NaN.
 */
export function softmax<S extends Shape, D extends DType, const Ax extends AxisArg = -1>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, false, "softmax">, Ax>,
): Tensor<S, FloatOf<D>> {
  const [t, axes] = prepare("softmax", x, axis as AxisArg);
  const e = lax.exp(shifted(t, axes));
  return lax.div(e, lax.unreduce(lax.reduceSum(e, axes), t.shape, axes)) as Tensor<S, FloatOf<D>>;
}

/**
 * log(softmax(x)) computed stably as (x - max) - log(sum(exp(x - max))): logits [1000, 0] give
 * [0, -1000] exactly. Its gradient is ct - softmax · sum(ct). A line of only -Infinity gives NaN, as in JAX.
 */
export function logSoftmax<S extends Shape, D extends DType, const Ax extends AxisArg = -1>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, false, "logSoftmax">, Ax>,
): Tensor<S, FloatOf<D>> {
  const [t, axes] = prepare("logSoftmax", x, axis as AxisArg);
  const s = shifted(t, axes);
  const lse = lax.log(lax.reduceSum(lax.exp(s), axes));
  return lax.sub(s, lax.unreduce(lse, t.shape, axes)) as Tensor<S, FloatOf<D>>;
}

/** standardize's options: `epsilon` added to the variance (default 1e-5). */
export interface StandardizeOptions {
  readonly epsilon?: number;
}

/**
 * (x - mean) / sqrt(variance + epsilon) over `axis` (default -1), as jax.nn.standardize. The
 * variance is the centred mean((x - mean)²), not JAX's mean(x²) - mean(x)², which cancels in
 * float32 when the mean is large against the spread (standardize([30000, 30001, 30002]) would
 * be NaN).
 */
export function standardize<S extends Shape, D extends DType, const Ax extends AxisArg = -1>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, false, "standardize">, Ax>,
  opts?: StandardizeOptions,
): Tensor<S, FloatOf<D>> {
  const [t, axes] = prepare("standardize", x, axis as AxisArg);
  const n = axes.reduce((p, a) => p * t.shape[a]!, 1);
  const mean = (v: T) => {
    const s = lax.reduceSum(v, axes);
    return lax.unreduce(lax.div(s, lax.full(s.shape, n, s.dtype)), t.shape, axes);
  };
  const mu = mean(t);
  const d = lax.sub(t, mu);
  const variance = mean(lax.mul(d, d));
  const eps = lax.full(t.shape, opts?.epsilon ?? 1e-5, t.dtype);
  return lax.div(d, lax.sqrt(lax.add(variance, eps))) as Tensor<S, FloatOf<D>>;
}
