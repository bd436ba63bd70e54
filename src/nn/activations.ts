/**
 * jax.nn's activations (softmax and its family live with the reductions), each a composition of
 * the elementwise ops, so it fuses and differentiates like them; and oneHot.
 */
import type { DType, FloatDType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { OneHot, OneHotClasses } from "../shape/onehot.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { shapeError } from "../tensor/checks.js";
import { insertAxisOutOfRangeMsg, oneHotClassesMsg } from "../tensor/messages.js";

type Activation = <S extends Shape, D extends FloatDType>(x: Tensor<S, D>) => Tensor<S, D>;

function floatArg(op: string, x: unknown): AnyTensor {
  if (!(x instanceof TensorClass)) throw new TypeError(`${op}: expected a tensor, got ${x === null ? "null" : typeof x}`);
  const t = x as AnyTensor;
  if (t.dtype !== "float32" && t.dtype !== "float64") throw new TypeError(`${op}: expects a float tensor, got ${t.dtype}`);
  return t;
}
function activation(op: string, f: (x: AnyTensor) => AnyTensor): Activation {
  return ((x: AnyTensor) => f(floatArg(op, x))) as Activation;
}
const k = (x: AnyTensor, v: number) => lax.full(x.shape, v, x.dtype);

/**
 * The Gaussian error linear unit. As in JAX, the default is the tanh approximation
 * x/2 · (1 + tanh(√(2/π) (x + 0.044715 x³))); `{ approximate: false }` is the exact
 * x/2 · (1 + erf(x/√2)).
 */
export function gelu<S extends Shape, D extends FloatDType>(x: Tensor<S, D>, options: { approximate?: boolean } = {}): Tensor<S, D> {
  const t = floatArg("gelu", x);
  const half = lax.mul(t, k(t, 0.5));
  if (options.approximate === false) {
    return lax.mul(half, lax.add(k(t, 1), lax.erf(lax.mul(t, k(t, Math.SQRT1_2))))) as Tensor<S, D>;
  }
  const inner = lax.mul(k(t, Math.sqrt(2 / Math.PI)), lax.add(t, lax.mul(k(t, 0.044715), lax.integerPow(t, 3))));
  return lax.mul(half, lax.add(k(t, 1), lax.tanh(inner))) as Tensor<S, D>;
}

/** x · sigmoid(x). */
export const silu: Activation = activation("silu", (x) => lax.mul(x, lax.logistic(x)));
/** The same as silu. */
export const swish: Activation = activation("swish", (x) => lax.mul(x, lax.logistic(x)));

/** x for x > 0, alpha · (e^x - 1) otherwise (JAX's default alpha = 1). */
export function elu<S extends Shape, D extends FloatDType>(x: Tensor<S, D>, alpha = 1): Tensor<S, D> {
  const t = floatArg("elu", x);
  const pos = lax.gt(t, lax.zerosLike(t));
  // expm1 of 0 where x > 0: a large x in the unused branch must not give an infinite derivative
  const negPart = lax.mul(k(t, alpha), lax.expm1(lax.select(pos, lax.zerosLike(t), t)));
  return lax.select(pos, t, negPart) as Tensor<S, D>;
}

/** x for x >= 0, negativeSlope · x otherwise (JAX's default 0.01). */
export function leakyRelu<S extends Shape, D extends FloatDType>(x: Tensor<S, D>, negativeSlope = 0.01): Tensor<S, D> {
  const t = floatArg("leakyRelu", x);
  return lax.select(lax.ge(t, lax.zerosLike(t)), t, lax.mul(t, k(t, negativeSlope))) as Tensor<S, D>;
}

/** log(sigmoid(x)) = -softplus(-x), finite for every finite x (logSigmoid(-1000) is -1000). */
export const logSigmoid: Activation = activation("logSigmoid", (x) => {
  // -(log1p(e^-|x|) + max(-x, 0)); -|x| as min(x, -x), whose tie rule keeps logSigmoid'(0) = 1/2
  const sp = lax.add(lax.log1p(lax.exp(lax.min(x, lax.neg(x)))), lax.max(lax.neg(x), lax.zerosLike(x)));
  return lax.neg(sp);
});

/** x / (|x| + 1). */
export const softsign: Activation = activation("softsign", (x) => lax.div(x, lax.add(lax.abs(x), k(x, 1))));

/** min(max(x, 0), 6), with derivative 0 at 0 and at 6 (as JAX's custom rule). */
export const relu6: Activation = activation("relu6", (x) =>
  lax.select(lax.le(x, lax.zerosLike(x)), lax.zerosLike(x), lax.select(lax.ge(x, k(x, 6)), k(x, 6), x)),
);

/** -1 below -1, 1 above 1, x between (derivative 1 at ±1, as JAX's where form). */
export const hardTanh: Activation = activation("hardTanh", (x) =>
  lax.select(lax.gt(x, k(x, 1)), k(x, 1), lax.select(lax.lt(x, k(x, -1)), k(x, -1), x)),
);

/**
 * One-hot encoding of int32 labels: out[..., c] = (labels[...] == c) for c < numClasses, as a
 * new axis (last by default; `axis` places it as expandDims does). As in JAX, a label outside
 * [0, numClasses) gives a row of zeros. The result is float32 unless `dtype` says otherwise.
 */
export function oneHot<S extends Shape, const N extends number, D extends DType = "float32", const A extends number = -1>(
  labels: Tensor<S, "int32">,
  numClasses: Check<OneHotClasses<N>, N>,
  options: { dtype?: D; axis?: Check<OneHot<S, N, A>, A> } = {},
): Tensor<AsShape<OneHot<S, N, A>>, D> {
  if (!(labels instanceof TensorClass) || labels.dtype !== "int32") {
    throw new TypeError(`oneHot: labels must be an int32 tensor, got ${labels instanceof TensorClass ? (labels as AnyTensor).dtype : typeof labels}`);
  }
  const t = labels as AnyTensor;
  const n = numClasses as number;
  if (!Number.isInteger(n) || n < 0) shapeError(oneHotClassesMsg(n));
  const a = (options.axis ?? -1) as number;
  const r = t.shape.length;
  if (!Number.isInteger(a) || a < -(r + 1) || a > r) shapeError(insertAxisOutOfRangeMsg("oneHot", t.shape, a));
  const ax = a < 0 ? a + r + 1 : a;
  const shape = [...t.shape.slice(0, ax), n, ...t.shape.slice(ax)];
  const dims = t.shape.map((_, i) => (i < ax ? i : i + 1));
  const hot = lax.eq(lax.broadcastInDim(t, shape, dims), lax.iota(shape, ax, "int32"));
  return lax.convert(hot, options.dtype ?? "float32") as Tensor<AsShape<OneHot<S, N, A>>, D>;
}
