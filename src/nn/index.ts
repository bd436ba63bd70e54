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
// issue 11: pooling (flax's max_pool / avg_pool, on lax.reduceWindow)
export { maxPool, avgPool, type PoolOptions, type AvgPoolOptions } from "./pool.js";
// losses (optax.losses): per-example values, no reduction
export { softmaxCrossEntropy, softmaxCrossEntropyWithIntegerLabels, sigmoidBinaryCrossEntropy, klDivergence, squaredError, l2Loss, huberLoss, cosineSimilarity, cosineDistance, type LossAxes, type HuberOptions, type CosineOptions } from "./losses.js";
