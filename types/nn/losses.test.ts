// Compile-time contract of the losses (src/nn/losses.ts): per-example result shapes, logits and
// labels that must agree in shape (or in leading shape for integer labels), float operands.
import { expectType, type TypeEqual } from "ts-expect";
import { nn, type Tensor } from "../../src/index.js";

declare const logits: Tensor<[32, 10]>;
declare const probs: Tensor<[32, 10]>;
declare const labels: Tensor<[32], "int32">;
declare const logits64: Tensor<[4, 3], "float64">;

// classification: [B, C] gives [B]
const ce = nn.softmaxCrossEntropy(logits, probs);
expectType<TypeEqual<typeof ce, Tensor<[32], "float32">>>(true);
const ceI = nn.softmaxCrossEntropyWithIntegerLabels(logits, labels);
expectType<TypeEqual<typeof ceI, Tensor<[32], "float32">>>(true);
declare const labels4: Tensor<[4], "int32">;
const ceI64 = nn.softmaxCrossEntropyWithIntegerLabels(logits64, labels4);
expectType<TypeEqual<typeof ceI64, Tensor<[4], "float64">>>(true);
const bce = nn.sigmoidBinaryCrossEntropy(logits, probs);
expectType<TypeEqual<typeof bce, Tensor<[32, 10], "float32">>>(true);
const kl = nn.klDivergence(logits, probs);
expectType<TypeEqual<typeof kl, Tensor<[32], "float32">>>(true);

// the class axis elsewhere: [B, C, T] logits with classes on axis 1, labels [B, T]
declare const seq: Tensor<[8, 5, 16]>;
declare const seqLabels: Tensor<[8, 16], "int32">;
const ceAx = nn.softmaxCrossEntropyWithIntegerLabels(seq, seqLabels, 1);
expectType<TypeEqual<typeof ceAx, Tensor<[8, 16], "float32">>>(true);
declare const seqProbs: Tensor<[8, 5, 16]>;
const ceAxes = nn.softmaxCrossEntropy(seq, seqProbs, [1, 2]);
expectType<TypeEqual<typeof ceAxes, Tensor<[8], "float32">>>(true);

// regression: elementwise, targets optional; cosine reduces the last axis
declare const pred: Tensor<[16, 3]>;
declare const target: Tensor<[16, 3]>;
expectType<TypeEqual<ReturnType<typeof nn.squaredError<[16, 3], "float32">>, Tensor<[16, 3], "float32">>>(true);
const se = nn.squaredError(pred, target);
expectType<TypeEqual<typeof se, Tensor<[16, 3], "float32">>>(true);
const l2 = nn.l2Loss(pred);
expectType<TypeEqual<typeof l2, Tensor<[16, 3], "float32">>>(true);
const hub = nn.huberLoss(pred, null, { delta: 2 });
expectType<TypeEqual<typeof hub, Tensor<[16, 3], "float32">>>(true);
const cos = nn.cosineSimilarity(pred, target);
expectType<TypeEqual<typeof cos, Tensor<[16], "float32">>>(true);
const cosD = nn.cosineDistance(pred, target, { axis: 0, epsilon: 1e-12 });
expectType<TypeEqual<typeof cosD, Tensor<[3], "float32">>>(true);

// dims typed `number` compile (checked at run time); a generic batch dim resolves
declare const dynLogits: Tensor<[number, 10]>;
declare const dynLabels: Tensor<[number], "int32">;
const ceDyn = nn.softmaxCrossEntropyWithIntegerLabels(dynLogits, dynLabels);
expectType<TypeEqual<typeof ceDyn, Tensor<[number], "float32">>>(true);
void nn.softmaxCrossEntropy(dynLogits, probs);
export function batchLoss<B extends number>(x: Tensor<[B, 10]>, y: Tensor<[B], "int32">, p: Tensor<[B, 10]>): Tensor<[B]> {
  const a = nn.softmaxCrossEntropyWithIntegerLabels(x, y);
  expectType<TypeEqual<typeof a, Tensor<[B], "float32">>>(true);
  const b = nn.softmaxCrossEntropy(x, p);
  expectType<TypeEqual<typeof b, Tensor<[B], "float32">>>(true);
  return a;
}

// misuse: shapes that disagree name both shapes
declare const probs9: Tensor<[32, 9]>;
// @ts-expect-error softmaxCrossEntropy: logits [32, 10] and labels [32, 9] must have the same shape
nn.softmaxCrossEntropy(logits, probs9);
// @ts-expect-error sigmoidBinaryCrossEntropy: logits [32, 10] and labels [32] must have the same shape
nn.sigmoidBinaryCrossEntropy(logits, labels);
// @ts-expect-error squaredError: predictions [16, 3] and targets [32, 10] must have the same shape
nn.squaredError(pred, logits);
// @ts-expect-error huberLoss: predictions [16, 3] and targets [3] must have the same shape
nn.huberLoss(pred, target.index(0));
// @ts-expect-error cosineSimilarity: predictions [16, 3] and targets [3, 16] must have the same shape
nn.cosineSimilarity(pred, target.transpose());
// @ts-expect-error klDivergence: logPredictions [32, 10] and targets [32, 9] must have the same shape
nn.klDivergence(logits, probs9);

// misuse: integer labels
declare const labels31: Tensor<[31], "int32">;
// @ts-expect-error softmaxCrossEntropyWithIntegerLabels: labels [31] must have the shape of logits [32, 10] without axis -1, [32]
nn.softmaxCrossEntropyWithIntegerLabels(logits, labels31);
// @ts-expect-error softmaxCrossEntropyWithIntegerLabels: labels [8, 16] must have the shape of logits [8, 5, 16] without axis -1, [8, 5]
nn.softmaxCrossEntropyWithIntegerLabels(seq, seqLabels);
declare const floatLabels: Tensor<[32]>;
// @ts-expect-error softmaxCrossEntropyWithIntegerLabels: labels must be int32, got float32
nn.softmaxCrossEntropyWithIntegerLabels(logits, floatLabels);
// @ts-expect-error softmaxCrossEntropyWithIntegerLabels: axis 2 is out of range for shape [32, 10] (rank 2)
nn.softmaxCrossEntropyWithIntegerLabels(logits, labels, 2);
// @ts-expect-error softmaxCrossEntropy: axis -3 is out of range for shape [32, 10] (rank 2)
nn.softmaxCrossEntropy(logits, probs, -3);

// misuse: integer logits
declare const intLogits: Tensor<[32, 10], "int32">;
// @ts-expect-error softmaxCrossEntropy: logits must be float32 or float64, got int32
nn.softmaxCrossEntropy(intLogits, probs);
// @ts-expect-error squaredError: predictions must be float32 or float64, got int32
nn.squaredError(intLogits);

// misuse: reduction axes of the other losses
// @ts-expect-error cosineSimilarity: axis 2 is out of range for shape [16, 3] (rank 2)
nn.cosineSimilarity(pred, target, { axis: 2 });
// @ts-expect-error klDivergence: repeated axis -1 in [1, -1] for shape [32, 10]
nn.klDivergence(logits, probs, [1, -1]);
