// Compile-time contract of src/nn: parameter types carry every layer's exact shape, applying a
// model keeps the batch dims, layers that do not chain are errors with the sizes in the message.
import { expectType, type TypeEqual } from "ts-expect";
import { nn, random, type Tensor } from "../../src/index.js";
import type { ShapeError } from "../../src/shape/core.js";

const model = nn.mlp([1, 64, 64, 1]);
const params = model.init(random.key(0));
expectType<TypeEqual<typeof params, [nn.Dense<1, 64>, nn.Dense<64, 64>, nn.Dense<64, 1>]>>(true);
expectType<TypeEqual<(typeof params)[1]["w"], Tensor<[64, 64]>>>(true);

declare const batch: Tensor<[4096, 1]>;
const out = model.apply(params, batch);
expectType<TypeEqual<typeof out, Tensor<[4096, 1]>>>(true);

declare const one: Tensor<[1]>;
expectType<TypeEqual<ReturnType<typeof model.apply<[1]>>, Tensor<[1]>>>(true);
void model.apply(params, one);

declare const dyn: Tensor<[number, 1]>;
expectType<TypeEqual<ReturnType<typeof model.apply<[number, 1]>>, Tensor<[number, 1]>>>(true);
void model.apply(params, dyn);

declare const wide: Tensor<[8, 3]>;
// @ts-expect-error mlp: the input has shape [8, 3] but the first layer takes 1 inputs
model.apply(params, wide);
expectType<TypeEqual<nn.InputCheck<typeof params, [8, 3]>, ShapeError<"mlp: the input has shape [8, 3] but the first layer takes 1 inputs">>>(true);

// hand-built layers that chain
const [k1, k2] = random.split(random.key(1));
const good = [nn.dense(k1, 2, 16), nn.dense(k2, 16, 3)] as const;
const y = nn.applyLayers(good, wide.slice([null, [0, 2]]));
expectType<TypeEqual<typeof y, Tensor<[8, 3]>>>(true);

// hand-built layers that do not chain: 16 outputs feed a layer that takes 32
const bad = [nn.dense(k1, 2, 16), nn.dense(k2, 32, 1)] as const;
// @ts-expect-error mlp: layer 0 gives 16 outputs but layer 1 takes 32 inputs
nn.applyLayers(bad, wide);
expectType<TypeEqual<nn.ChainCheck<typeof bad>, ShapeError<"mlp: layer 0 gives 16 outputs but layer 1 takes 32 inputs">>>(true);

// optimiser state mirrors the parameters; gradients must have the parameters' structure
const opt = nn.adam({ learningRate: 1e-3 });
const state = opt.init(params);
expectType<TypeEqual<typeof state.mu, typeof params>>(true);
declare const grads: typeof params;
const [updates, next] = opt.update(grads, state, params);
expectType<TypeEqual<typeof updates, typeof params>>(true);
expectType<TypeEqual<typeof next, nn.AdamState<typeof params>>>(true);
declare const otherGrads: [nn.Dense<1, 32>, nn.Dense<32, 1>];
// @ts-expect-error (gradients of another model do not fit this state)
opt.update(otherGrads, state, params);
