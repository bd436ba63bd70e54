/** Neural-network pieces: typed MLPs, initialisers, optax-style optimisers, input derivatives. */
export { dense, mlp, applyLayers, type Dense, type Layers, type MLP, type Activation, type ChainCheck, type InputCheck, type ApplyOut } from "./mlp.js";
export { glorotUniform, glorotNormal, heNormal, heUniform, type Initializer } from "./init.js";
export { sgd, adam, applyUpdates, treeScale, type Sgd, type SgdState, type SgdOptions, type Adam, type AdamState, type AdamOptions } from "./optim.js";
export { hvp, hessianDiagonal, laplacian } from "./derivatives.js";
// the softmax family
export { softmax, logSoftmax, standardize, type StandardizeOptions } from "./softmax.js";
export { logsumexp } from "../ops/reduce-extra.js";
export { gelu, silu, swish, elu, leakyRelu, logSigmoid, softsign, relu6, hardTanh, oneHot } from "./activations.js";
export { relu, sigmoid, softplus } from "../ops/elementwise.js";
// issue 12: layers and initialisers
export type { MLPOptions, HiddenActivations } from "./mlp.js";
export { varianceScaling, computeFans, lecunNormal, lecunUniform, truncatedNormal, orthogonal } from "./init.js";
export type { FanMode, Distribution, FanAxes } from "./init.js";
export { embed, type Embed, type EmbedParams } from "./embed.js";
export { layerNorm, rmsNorm, batchNorm, type Norm, type NormOptions, type NormParams, type BatchNorm, type BatchNormOptions, type BatchNormApplyOptions, type BatchStats } from "./norm.js";
export { dropout, type Dropout, type DropoutOptions, type DropoutLayerOptions } from "./dropout.js";
export { multiHeadAttention, type MultiHeadAttention, type MultiHeadAttentionOptions, type AttentionParams, type AttentionApplyOptions, type Projection } from "./attention.js";
export { lstmCell, gruCell, type LSTMCell, type LSTMParams, type LSTMCarry, type GRUCell, type GRUParams, type CellOptions } from "./recurrent.js";
