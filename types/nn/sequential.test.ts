// Compile-time contract of nn.sequential: the parameters' tuple, the result type step by step,
// and each misfit or refused layer with its message.
import { expectType, type TypeEqual } from "ts-expect";
import { nn, reshape, type Tensor, type PRNGKey, type Shape } from "../../src/index.js";

declare const key: PRNGKey;
declare const x: Tensor<[8, 784]>;

// ---- dense (a one-layer mlp) + activation + layerNorm: params are a tuple, one entry per step
const model = nn.sequential([nn.mlp([784, 128]), nn.relu, nn.layerNorm(128), nn.mlp([128, 10])]);
const params = model.init(key);
expectType<TypeEqual<typeof params, [[nn.Dense<784, 128>], [], nn.NormParams<128, {}>, [nn.Dense<128, 10>]]>>(true);
const y = model.apply(params, x);
expectType<TypeEqual<typeof y, Tensor<[8, 10]>>>(true);
// any batch dims; a float64 input through a dtype-keeping stack keeps its dtype
const norms = nn.sequential([nn.layerNorm(16), nn.gelu, nn.rmsNorm(16)]);
const yn = norms.apply(norms.init(key), null! as Tensor<[2, 3, 16], "float64">);
expectType<TypeEqual<typeof yn, Tensor<[2, 3, 16], "float64">>>(true);
// dims typed number compile (checked at run time)
const dyn = nn.sequential([nn.mlp([784 as number, 32]), nn.layerNorm(32)]);
const yd = dyn.apply(dyn.init(key), null! as Tensor<[number, number]>);
expectType<TypeEqual<typeof yd, Tensor<[number, 32]>>>(true);

// ---- embed, attention, a norm: ids in, features out
const lm = nn.sequential([nn.embed(100, 16), nn.multiHeadAttention({ numHeads: 2, qkvFeatures: 16 }), nn.layerNorm(16), nn.mlp([16, 100])]);
const ylm = lm.apply(lm.init(key), null! as Tensor<[4, 12], "int32">);
expectType<TypeEqual<typeof ylm, Tensor<[4, 12, 100]>>>(true);

// ---- closures with concrete types: pooling and a flatten
const cnn = nn.sequential([
  (x: Tensor<[8, 28, 28, 16]>) => nn.maxPool(x, [2, 2], { strides: [2, 2] }),
  nn.relu,
  (x: Tensor<[8, 14, 14, 16]>) => reshape(x, [8, 3136]),
  nn.mlp([3136, 10]),
]);
const yc = cnn.apply(cnn.init(key), null! as Tensor<[8, 28, 28, 16]>);
expectType<TypeEqual<typeof yc, Tensor<[8, 10]>>>(true);

// ---- any other layer with init/apply (a conv, say): a shape-keeping one keeps x's type; one whose
// result type TypeScript cannot compute from a generic apply gives that apply's declared result
declare const keeps: { init(key: PRNGKey): { w: Tensor<[3]> }; apply<S extends Shape>(p: { w: Tensor<[3]> }, x: Tensor<S>): Tensor<S> };
declare const other: { init(key: PRNGKey): { w: Tensor<[3, 3, 16, 32]> }; apply<S extends Shape>(p: { w: Tensor<[3, 3, 16, 32]> }, x: Tensor<S>): Tensor<[...S, 2]> };
const g = nn.sequential([keeps, other]);
expectType<TypeEqual<ReturnType<typeof g.init>, [{ w: Tensor<[3]> }, { w: Tensor<[3, 3, 16, 32]> }]>>(true);
const yg = g.apply(g.init(key), null! as Tensor<[8, 5]>);
expectType<TypeEqual<typeof yg, Tensor<[...Shape, 2]>>>(true);

// ---- stacks nest: a block is a step; its params are its own tuple
const block = nn.sequential([nn.layerNorm(128), nn.mlp([128, 128]), nn.gelu]);
const deep = nn.sequential([nn.mlp([784, 128]), block, block, nn.mlp([128, 10])]);
const dp = deep.init(key);
expectType<TypeEqual<typeof dp[1], [nn.NormParams<128, {}>, [nn.Dense<128, 128>], []]>>(true);
const yb = deep.apply(dp, x);
expectType<TypeEqual<typeof yb, Tensor<[8, 10]>>>(true);

// ---- misfits: the layers' positions and both feature sizes
// @ts-expect-error sequential: layer 2 takes [..., 64] but layer 1 gives [..., 32]
nn.sequential([nn.mlp([784, 32]), nn.gelu, nn.layerNorm(64)]);
// @ts-expect-error sequential: layer 1 takes [..., 16] but layer 0 gives [..., 32]
nn.sequential([nn.mlp([784, 32]), nn.mlp([16, 10])]);
// @ts-expect-error sequential: layer 2 takes [..., 8] but layer 1 gives [..., 16]
nn.sequential([nn.embed(100, 16), nn.multiHeadAttention({ numHeads: 2, qkvFeatures: 16 }), nn.rmsNorm(8)]);
// @ts-expect-error sequential: layer 0 takes [..., 784] but the input gives [..., 780]
model.apply(params, null! as Tensor<[8, 780]>);
// a function step with concrete types must take what comes to it (compile time only: its parameter type does not exist at run time)
// @ts-expect-error sequential: layer 0 takes [8, 28, 28, 16] but the input gives [8, 30, 30, 16]
cnn.apply(cnn.init(key), null! as Tensor<[8, 30, 30, 16]>);
const pooled = nn.sequential([nn.layerNorm(16), (x: Tensor<[8, 30, 30, 16]>) => nn.maxPool(x, [2, 2], { strides: [2, 2] })]);
// @ts-expect-error sequential: layer 1 takes [8, 30, 30, 16] but layer 0 gives [8, 28, 28, 16]
pooled.apply(pooled.init(key), null! as Tensor<[8, 28, 28, 16]>);
// dims typed number compile
void pooled.apply(pooled.init(key), null! as Tensor<[number, 30, 30, 16]>);
// inside a nested stack, with the stack's own indices (as its apply says at run time)
// @ts-expect-error sequential: layer 0 takes [..., 128] but the input gives [..., 64]
nn.sequential([nn.mlp([784, 64]), block]);

// ---- refused: layers that need more than (params, x), or have no init (but dropout)
// @ts-expect-error sequential: layer 1 is a batchNorm, whose running statistics are state that apply(params, x) cannot thread: split the stack there and call its apply(params, state, x, { useRunningAverage }) between the two stacks
nn.sequential([nn.mlp([784, 32]), nn.batchNorm(32)]);
// @ts-expect-error sequential: layer 2 is a batchNorm, whose running statistics are state that apply(params, x) cannot thread: split the stack there and call its apply(params, state, x, { useRunningAverage }) between the two stacks
nn.sequential([nn.conv(1, 8, [3, 3]), nn.relu, nn.batchNorm(8, { momentum: 0.9 })]);
// another layer whose apply takes more than (params, x)
// @ts-expect-error sequential: layer 1's apply needs more than (params, x), as batchNorm's state: apply it outside the stack
nn.sequential([nn.mlp([784, 32]), { init: () => [], apply: (p: [], s: [], x: Tensor<[8, 32]>) => x }]);
// what to do instead: two stacks with the batchNorm between them, its state in plain sight
const front = nn.sequential([nn.conv(1, 8, [3, 3]), nn.relu]);
const bn = nn.batchNorm(8);
const back = nn.sequential([nn.relu, (x: Tensor<[2, 28, 28, 8]>) => nn.maxPool(x, [2, 2], { strides: [2, 2] })]);
declare const imgs: Tensor<[2, 28, 28, 1]>;
const [hbn, statsBn] = bn.apply(bn.init(), bn.initState(), front.apply(front.init(key), imgs), { useRunningAverage: false });
const ybn = back.apply(back.init(key), hbn);
expectType<TypeEqual<typeof ybn, Tensor<[2, 14, 14, 8]>>>(true);
expectType<TypeEqual<typeof statsBn, nn.BatchStats<8>>>(true);
// @ts-expect-error sequential: layer 1 has no init: a layer in a stack needs init and apply(params, x)
nn.sequential([nn.mlp([784, 32]), { apply: (p: unknown, x: Tensor<[8, 32]>) => x }]);

// ---- dropout: no parameters, a key from the stack's apply options (or deterministic)
const drop = nn.sequential([nn.mlp([784, 32]), nn.dropout(0.1), nn.layerNorm(32)]);
const dpp = drop.init(key);
expectType<TypeEqual<typeof dpp[1], []>>(true);
const ydr = drop.apply(dpp, x, { key });
expectType<TypeEqual<typeof ydr, Tensor<[8, 32]>>>(true);
void drop.apply(dpp, x, { deterministic: true });
// @ts-expect-error sequential: layer 2 takes [..., 64] but layer 1 gives [..., 32]
nn.sequential([nn.mlp([784, 32]), nn.dropout(0.1), nn.layerNorm(64)]);

// ---- conv layers: exact output shapes through the stack, and their features checked
declare const img: Tensor<[2, 28, 28, 1]>;
const convs = nn.sequential([nn.conv(1, 8, [3, 3]), nn.relu, nn.conv(8, 4, [3, 3], { strides: [2, 2], padding: "VALID" })]);
const ycnn = convs.apply(convs.init(key), img);
expectType<TypeEqual<typeof ycnn, Tensor<[2, 13, 13, 4]>>>(true);
// @ts-expect-error sequential: layer 1 takes [..., 4] but layer 0 gives [..., 8]
nn.sequential([nn.conv(1, 8, [3, 3]), nn.conv(4, 2, [3, 3])]);
