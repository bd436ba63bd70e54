/**
 * optax's losses (optax.losses), camelCase: each returns the loss per example, unreduced, as
 * optax does (take `mean` for a training objective). Every one is a composition of fused
 * elementwise ops and reductions, written in the forms that stay finite at extreme inputs
 * (shifted log-sum-exp, log-sigmoid), with `where`-guards placed so that the gradients stay
 * finite too (no 0 · ∞ in a backward pass).
 *
 * Operands must agree in shape (no broadcasting; optax checks this for the regression losses and
 * it catches swapped or unbatched labels): a mismatch is a compile-time error at the call, and the
 * same message at run time for dims typed `number`. The second operand is cast to the first
 * one's dtype, which is the result's dtype.
 */
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { RemoveAxis } from "../shape/axis.js";
import type { Reduce } from "../shape/reduce.js";
import type { IntLabels, LossAxis, LossFloat, LossPair } from "../shape/losses.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { isFloat } from "../ir/dtype.js";
import * as lax from "../prims/lax.js";
import { normAxes, normAxis, shapeError, tensorArg } from "../tensor/checks.js";
import * as msg from "../tensor/messages.js";

type T = AnyTensor;
/** The axis or axes a loss reduces over (default -1, the last). */
export type LossAxes = number | readonly number[];

function floatArg(op: string, name: string, x: unknown): T {
  const t = tensorArg(op, x);
  if (!isFloat(t.dtype)) shapeError(msg.lossFloatMsg(op, name, t.dtype));
  return t;
}
/** The second operand, checked against the first's shape and cast to its dtype. */
function pairArg(op: string, a: T, na: string, y: unknown, nb: string): T {
  const b = tensorArg(op, y);
  if (b.shape.length !== a.shape.length || b.shape.some((d, i) => d !== a.shape[i])) shapeError(msg.lossShapesMsg(op, na, a.shape, nb, b.shape));
  return lax.convert(b, a.dtype);
}
const k = (x: T, v: number) => lax.full(x.shape, v, x.dtype);
const isZero = (x: T) => lax.eq(x, lax.zerosLike(x));

/** x minus its max over `axes` (the max a constant for grad): the shift of every log-sum-exp here. */
function shifted(t: T, axes: readonly number[]): T {
  return lax.sub(t, lax.unreduce(lax.reduceMax(lax.stopGradient(t), axes), t.shape, axes));
}
/** log(sum(exp(s))) of shifted logits s: at least 0, exact for a dominant logit. */
const lseOfShifted = (s: T, axes: readonly number[]) => lax.log(lax.reduceSum(lax.exp(s), axes));

// ---------------------------------------------------------------- classification

/**
 * The cross entropy -Σ labels · logSoftmax(logits) over `axis` (default -1, the classes; a list
 * of axes as in optax), for labels that are probabilities (one-hot or soft) of the logits' shape:
 * `Tensor<[B, C]>` logits give `Tensor<[B]>`. Computed from shifted logits, so logits of ±1e4
 * give exact finite losses and gradients (softmax(logits) · Σ labels - labels). A class with
 * label 0 contributes 0 even where its logit is -Infinity (the 0 · log 0 = 0 convention of
 * optax's safe_softmax_cross_entropy; plain optax gives NaN there); a +Infinity logit gives NaN,
 * as in optax.
 */
export function softmaxCrossEntropy<S extends Shape, D extends DType, L extends Shape, DL extends DType, const Ax extends LossAxes = -1>(
  logits: Check<LossFloat<D, "softmaxCrossEntropy", "logits">, Tensor<S, D>>,
  labels: Check<LossPair<S, L, "softmaxCrossEntropy", "logits", "labels">, Tensor<L, DL>>,
  axis?: Check<Reduce<S, Ax, false, "softmaxCrossEntropy">, Ax>,
): Tensor<AsShape<Reduce<S, Ax, false, "softmaxCrossEntropy">>, D> {
  const op = "softmaxCrossEntropy";
  const t = floatArg(op, "logits", logits);
  const y = pairArg(op, t, "logits", labels, "labels");
  const axes = normAxes(op, (axis ?? -1) as LossAxes, t.shape);
  const s = shifted(t, axes);
  const logp = lax.sub(s, lax.unreduce(lseOfShifted(s, axes), t.shape, axes));
  // 0 for a -Infinity log-probability with label 0, inside the product, so that no 0 · ∞ is formed
  // forward or backward; elsewhere the derivative in a zero label stays logp
  const finite = lax.select(lax.eq(logp, k(logp, -Infinity)), lax.zerosLike(logp), logp);
  const terms = lax.mul(y, lax.select(isZero(y), finite, logp));
  return lax.neg(lax.reduceSum(terms, axes)) as Tensor<AsShape<Reduce<S, Ax, false, "softmaxCrossEntropy">>, D>;
}

/**
 * The cross entropy of logits against int32 class labels, log Σ exp(logits) - logits[label]
 * along `axis` (default -1): labels have the logits' shape without that axis (`Tensor<[B, C]>`
 * logits and `Tensor<[B], "int32">` labels give `Tensor<[B]>`). As optax (whose
 * take_along_axis fills out-of-range gathers with NaN), a label in [-C, 0) counts from the end
 * and a label outside [-C, C) gives NaN. Computed from shifted logits (exact and finite at ±1e4;
 * -Infinity logits of other classes are fine), with the label's logit picked by an iota compare
 * that fuses. optax's tuple of axes is not supported.
 */
export function softmaxCrossEntropyWithIntegerLabels<S extends Shape, D extends DType, L extends Shape, DL extends DType, const A extends number = -1>(
  logits: Check<LossFloat<D, "softmaxCrossEntropyWithIntegerLabels", "logits">, Tensor<S, D>>,
  labels: Check<IntLabels<S, L, A, DL, "softmaxCrossEntropyWithIntegerLabels">, Tensor<L, DL>>,
  axis?: Check<LossAxis<S, A, "softmaxCrossEntropyWithIntegerLabels">, A>,
): Tensor<AsShape<RemoveAxis<S, A>>, D> {
  const op = "softmaxCrossEntropyWithIntegerLabels";
  const t = floatArg(op, "logits", logits);
  const l = tensorArg(op, labels);
  const a = (axis ?? -1) as number;
  const ax = normAxis(op, a, t.shape.length, t.shape);
  if (l.dtype !== "int32") shapeError(msg.lossIntLabelsMsg(op, l.dtype));
  const want = t.shape.filter((_, i) => i !== ax);
  if (l.shape.length !== want.length || l.shape.some((d, i) => d !== want[i])) shapeError(msg.lossLabelsShapeMsg(op, l.shape, t.shape, a, want));
  const n = t.shape[ax]!;
  const s = shifted(t, [ax]);
  const idx = lax.select(lax.lt(l, lax.zerosLike(l)), lax.add(l, k(l, n)), l);
  const hit = lax.eq(lax.iota(t.shape, ax, "int32"), lax.unreduce(idx, t.shape, [ax]));
  const picked = lax.reduceSum(lax.select(hit, s, lax.zerosLike(s)), [ax]);
  const nan = k(picked, NaN);
  const labelLogit = lax.select(lax.lt(idx, lax.zerosLike(idx)), nan, lax.select(lax.ge(idx, k(idx, n)), nan, picked));
  return lax.sub(lseOfShifted(s, [ax]), labelLogit) as Tensor<AsShape<RemoveAxis<S, A>>, D>;
}

/**
 * Elementwise binary cross entropy -labels · log σ(logits) - (1 - labels) · log σ(-logits), as
 * optax, with labels (0/1 or probabilities) of the logits' shape. log σ is the stable
 * -softplus(-x) form: logits of ±1e4 give exact finite losses and gradients σ(logits) - labels.
 * Infinite logits give Infinity or NaN, as in optax.
 */
export function sigmoidBinaryCrossEntropy<S extends Shape, D extends DType, L extends Shape, DL extends DType>(
  logits: Check<LossFloat<D, "sigmoidBinaryCrossEntropy", "logits">, Tensor<S, D>>,
  labels: Check<LossPair<S, L, "sigmoidBinaryCrossEntropy", "logits", "labels">, Tensor<L, DL>>,
): Tensor<S, D> {
  const op = "sigmoidBinaryCrossEntropy";
  const x = floatArg(op, "logits", logits);
  const y = pairArg(op, x, "logits", labels, "labels");
  const logP = logSigmoid(x);
  const logNotP = logSigmoid(lax.neg(x));
  return lax.sub(lax.neg(lax.mul(y, logP)), lax.mul(lax.sub(k(y, 1), y), logNotP)) as Tensor<S, D>;
}

/** log σ(x) = -(log1p(e^-|x|) + max(-x, 0)), as nn.logSigmoid: finite for every finite x. */
function logSigmoid(x: T): T {
  return lax.neg(lax.add(lax.log1p(lax.exp(lax.min(x, lax.neg(x)))), lax.max(lax.neg(x), lax.zerosLike(x))));
}

/**
 * The Kullback-Leibler divergence Σ targets · (log targets - logPredictions) over `axis`
 * (default -1), as optax's kl_divergence: predictions in log space, targets probabilities of the
 * same shape. A target of 0 contributes 0 (0 · log 0 = 0), also where its log-prediction is
 * -Infinity (optax gives NaN there), and the gradients stay finite there.
 */
export function klDivergence<S extends Shape, D extends DType, L extends Shape, DL extends DType, const Ax extends LossAxes = -1>(
  logPredictions: Check<LossFloat<D, "klDivergence", "logPredictions">, Tensor<S, D>>,
  targets: Check<LossPair<S, L, "klDivergence", "logPredictions", "targets">, Tensor<L, DL>>,
  axis?: Check<Reduce<S, Ax, false, "klDivergence">, Ax>,
): Tensor<AsShape<Reduce<S, Ax, false, "klDivergence">>, D> {
  const op = "klDivergence";
  const lp = floatArg(op, "logPredictions", logPredictions);
  const p = pairArg(op, lp, "logPredictions", targets, "targets");
  const axes = normAxes(op, (axis ?? -1) as LossAxes, lp.shape);
  const z = isZero(p);
  // both factors guarded where the target is 0, so the product is 0 there and so are its partials
  const logP = lax.log(lax.select(z, lax.onesLike(p), p));
  const logQ = lax.select(z, lax.zerosLike(lp), lp);
  return lax.reduceSum(lax.mul(p, lax.sub(logP, logQ)), axes) as Tensor<AsShape<Reduce<S, Ax, false, "klDivergence">>, D>;
}

// ---------------------------------------------------------------- regression

/** The error predictions - targets (predictions alone without targets, as optax). */
function errors(op: string, predictions: unknown, targets: unknown): T {
  const p = floatArg(op, "predictions", predictions);
  return targets === undefined || targets === null ? p : lax.sub(p, pairArg(op, p, "predictions", targets, "targets"));
}

/** Elementwise (predictions - targets)², or predictions² without targets, as optax's squared_error. */
export function squaredError<S extends Shape, D extends DType, L extends Shape = S, DL extends DType = D>(
  predictions: Check<LossFloat<D, "squaredError", "predictions">, Tensor<S, D>>,
  targets?: Check<LossPair<S, L, "squaredError", "predictions", "targets">, Tensor<L, DL>> | null,
): Tensor<S, D> {
  return lax.integerPow(errors("squaredError", predictions, targets), 2) as Tensor<S, D>;
}

/** Elementwise ½ (predictions - targets)² (optax's l2_loss: half the squared error). */
export function l2Loss<S extends Shape, D extends DType, L extends Shape = S, DL extends DType = D>(
  predictions: Check<LossFloat<D, "l2Loss", "predictions">, Tensor<S, D>>,
  targets?: Check<LossPair<S, L, "l2Loss", "predictions", "targets">, Tensor<L, DL>> | null,
): Tensor<S, D> {
  const e = errors("l2Loss", predictions, targets);
  return lax.mul(k(e, 0.5), lax.integerPow(e, 2)) as Tensor<S, D>;
}

/** huberLoss's option: `delta`, where the loss turns from quadratic to linear (default 1). */
export interface HuberOptions {
  readonly delta?: number;
}

/**
 * Elementwise Huber loss of the error e = predictions - targets (predictions alone without
 * targets): ½ e² for |e| ≤ delta, delta · (|e| - ½ delta) beyond, as optax (its gradient is the
 * error clipped to [-delta, delta]).
 */
export function huberLoss<S extends Shape, D extends DType, L extends Shape = S, DL extends DType = D>(
  predictions: Check<LossFloat<D, "huberLoss", "predictions">, Tensor<S, D>>,
  targets?: Check<LossPair<S, L, "huberLoss", "predictions", "targets">, Tensor<L, DL>> | null,
  options: HuberOptions = {},
): Tensor<S, D> {
  const e = errors("huberLoss", predictions, targets);
  const delta = options.delta ?? 1;
  const ae = lax.abs(e);
  const quadratic = lax.min(ae, k(e, delta));
  const linear = lax.sub(ae, quadratic);
  return lax.add(lax.mul(k(e, 0.5), lax.integerPow(quadratic, 2)), lax.mul(k(e, delta), linear)) as Tensor<S, D>;
}

/** cosineSimilarity's options: `epsilon`, a lower bound on each squared norm (default 0), and the `axis` (default -1). */
export interface CosineOptions<Ax> {
  readonly epsilon?: number;
  readonly axis?: Ax;
}

/**
 * The cosine of the angle between predictions and targets along `axis` (default -1), as optax:
 * Σ (a / ‖a‖)(b / ‖b‖) with ‖a‖ = sqrt(max(Σ a², epsilon)), so `epsilon` bounds the squared
 * norms from below (optax's code). With the default epsilon 0 a zero vector gives NaN, as in optax.
 */
export function cosineSimilarity<S extends Shape, D extends DType, L extends Shape, DL extends DType, const Ax extends LossAxes = -1>(
  predictions: Check<LossFloat<D, "cosineSimilarity", "predictions">, Tensor<S, D>>,
  targets: Check<LossPair<S, L, "cosineSimilarity", "predictions", "targets">, Tensor<L, DL>>,
  options?: CosineOptions<Check<Reduce<S, Ax, false, "cosineSimilarity">, Ax>>,
): Tensor<AsShape<Reduce<S, Ax, false, "cosineSimilarity">>, D> {
  return cosine("cosineSimilarity", predictions, targets, options as CosineOptions<LossAxes> | undefined) as Tensor<AsShape<Reduce<S, Ax, false, "cosineSimilarity">>, D>;
}

/** 1 - cosineSimilarity (optax's cosine_distance), with the same options. */
export function cosineDistance<S extends Shape, D extends DType, L extends Shape, DL extends DType, const Ax extends LossAxes = -1>(
  predictions: Check<LossFloat<D, "cosineDistance", "predictions">, Tensor<S, D>>,
  targets: Check<LossPair<S, L, "cosineDistance", "predictions", "targets">, Tensor<L, DL>>,
  options?: CosineOptions<Check<Reduce<S, Ax, false, "cosineDistance">, Ax>>,
): Tensor<AsShape<Reduce<S, Ax, false, "cosineDistance">>, D> {
  const c = cosine("cosineDistance", predictions, targets, options as CosineOptions<LossAxes> | undefined);
  return lax.sub(k(c, 1), c) as Tensor<AsShape<Reduce<S, Ax, false, "cosineDistance">>, D>;
}

function cosine(op: string, predictions: unknown, targets: unknown, options: CosineOptions<LossAxes> | undefined): T {
  const a = floatArg(op, "predictions", predictions);
  const b = pairArg(op, a, "predictions", targets, "targets");
  const axes = normAxes(op, options?.axis ?? -1, a.shape);
  const eps = options?.epsilon ?? 0;
  const unit = (x: T) => {
    const n2 = lax.reduceSum(lax.integerPow(x, 2), axes);
    return lax.div(x, lax.unreduce(lax.sqrt(lax.max(n2, k(n2, eps))), x.shape, axes));
  };
  return lax.reduceSum(lax.mul(unit(a), unit(b)), axes);
}
