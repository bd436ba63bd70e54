/** Neural-network pieces: typed MLPs, initialisers, optax-style optimisers, input derivatives. */
export { dense, mlp, applyLayers, type Dense, type Layers, type MLP, type Activation, type ChainCheck, type InputCheck, type ApplyOut } from "./mlp.js";
export { glorotUniform, glorotNormal, heNormal, heUniform, type Initializer } from "./init.js";
export { sgd, adam, applyUpdates, treeScale, type Sgd, type SgdState, type SgdOptions, type Adam, type AdamState, type AdamOptions } from "./optim.js";
export { hvp, hessianDiagonal, laplacian, higherDerivative, type SecondDerivativeOptions } from "./derivatives.js";
// the softmax family
export { softmax, logSoftmax, standardize, type StandardizeOptions } from "./softmax.js";
export { logsumexp } from "../ops/reduce-extra.js";
export { gelu, silu, swish, elu, leakyRelu, logSigmoid, softsign, relu6, hardTanh, oneHot } from "./activations.js";
export { relu, sigmoid, softplus } from "../ops/elementwise.js";
// issue 11: pooling (flax's max_pool / avg_pool, on lax.reduceWindow)
export { maxPool, avgPool, type PoolOptions, type AvgPoolOptions } from "./pool.js";
// losses (optax.losses): per-example values, no reduction
export { softmaxCrossEntropy, softmaxCrossEntropyWithIntegerLabels, sigmoidBinaryCrossEntropy, klDivergence, squaredError, l2Loss, huberLoss, cosineSimilarity, cosineDistance, type LossAxes, type HuberOptions, type CosineOptions } from "./losses.js";
// optimisers, gradient transformations and schedules (optax's)
export { adamw, rmsprop, adagrad, lion, type AdamW, type AdamWOptions, type Rmsprop, type RmspropOptions, type RmspropState, type Adagrad, type AdagradOptions, type AdagradState, type Lion, type LionOptions, type SgdFamily, type RmspropFamily, type AdagradFamily } from "./optim.js";
export {
  chain, clip, clipByGlobalNorm, globalNorm, scale, scaleByLearningRate, scaleBySchedule, scaleByAdam, scaleByRms, scaleByStddev, scaleByRss, scaleByLion, trace, addDecayedWeights,
  type GradientTransformation, type StateFamily, type StateOf, type OptState, type EmptyState, type EmptyFamily, type CountState, type CountFamily, type ChainFamily,
  type AdamFamily, type ScaleByAdamOptions, type ScaleByRmsState, type ScaleByRmsFamily, type ScaleByStddevState, type ScaleByStddevFamily, type ScaleByRmsOptions,
  type ScaleByRssState, type ScaleByRssFamily, type ScaleByRssOptions, type LionState, type LionFamily, type ScaleByLionOptions, type TraceState, type TraceFamily, type Mask, type MaskTree,
} from "./transform.js";
export {
  constantSchedule, linearSchedule, polynomialSchedule, cosineDecaySchedule, warmupCosineDecaySchedule, exponentialDecay, joinSchedules,
  type Schedule, type ScalarOrSchedule, type Count, type LinearScheduleOptions, type PolynomialScheduleOptions, type CosineDecayScheduleOptions, type WarmupCosineDecayScheduleOptions, type ExponentialDecayOptions,
} from "./schedules.js";
// issue 12: layers and initialisers
export type { MLPOptions, HiddenActivations } from "./mlp.js";
export { varianceScaling, computeFans, lecunNormal, lecunUniform, truncatedNormal, orthogonal } from "./init.js";
export type { FanMode, Distribution, FanAxes } from "./init.js";
export { embed, type Embed, type EmbedParams } from "./embed.js";
export { layerNorm, rmsNorm, batchNorm, type Norm, type NormOptions, type NormParams, type BatchNorm, type BatchNormOptions, type BatchNormApplyOptions, type BatchStats } from "./norm.js";
export { dropout, type Dropout, type DropoutOptions, type DropoutLayerOptions } from "./dropout.js";
export { multiHeadAttention, type MultiHeadAttention, type MultiHeadAttentionOptions, type AttentionParams, type AttentionApplyOptions, type Projection } from "./attention.js";
export { lstmCell, gruCell, type LSTMCell, type LSTMParams, type LSTMCarry, type GRUCell, type GRUParams, type CellOptions } from "./recurrent.js";
// issue 12: the conv layers (flax.linen.Conv, ConvTranspose)
export { conv, convTranspose, type Conv, type ConvOptions, type ConvParams, type ConvOut, type ConvTransposeLayer, type ConvTransposeOptions, type ConvTransposeParams, type ConvTransposeOut } from "./conv.js";
// issue 12: sequential stacks
export { sequential, type Sequential, type SequentialParams, type SequentialCheck, type SequentialInputCheck, type SequentialOut, type SequentialApplyOptions } from "./sequential.js";
// issue 14: the layers' apply, each carrying its type-level twin (vmap(layer.apply) keeps the shapes)
export type { MLPApply, MLPApplyFn } from "./mlp.js";
export type { NormApply, NormApplyFn } from "./norm.js";
export type { ConvApply, ConvApplyFn, ConvTransposeApply, ConvTransposeApplyFn } from "./conv.js";
export type { EmbedApply, EmbedApplyFn } from "./embed.js";
export type { AttentionApply, AttentionApplyFn } from "./attention.js";
export type { SequentialApply, SequentialApplyFn } from "./sequential.js";
export type { LSTMApply, LSTMApplyFn, GRUApply, GRUApplyFn } from "./recurrent.js";
// a layer interface's apply written outside the library: nn.withTypeFn(function ...), checked against its call signature
export { withTypeFn } from "./common.js";
export type { MLPCall } from "./mlp.js";
export type { NormCall } from "./norm.js";
export type { ConvCall, ConvTransposeCall } from "./conv.js";
export type { EmbedCall } from "./embed.js";
export type { AttentionCall } from "./attention.js";
export type { SequentialCall } from "./sequential.js";
export type { LSTMCall, GRUCall } from "./recurrent.js";
