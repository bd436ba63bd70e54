// Compile-time contract of the optimisers: the state is tied to the parameters' type, gradients of
// another tree do not fit it, chain's state is the tuple of its parts' states, and schedules are
// learning rates.
import { expectType, type TypeEqual } from "ts-expect";
import { nn, tensor, treeLeaves, treeFlatten, treeUnflatten, treeStructure, treeReduce, tree, type Tensor, type PyTreeDef } from "../../src/index.js";

type P = { w: Tensor<[2, 3]>; b: Tensor<[3]> };
declare const params: P;
declare const grads: P;

const opt = nn.adamw({ learningRate: 1e-3, weightDecay: 0.01, mask: { w: true, b: false } });
const state = opt.init(params);
expectType<TypeEqual<typeof state, nn.AdamState<P>>>(true);
expectType<TypeEqual<typeof state.count, Tensor<[], "int32">>>(true);
const [updates, next] = opt.update(grads, state, params);
expectType<TypeEqual<typeof updates, P>>(true);
expectType<TypeEqual<typeof next, nn.AdamState<P>>>(true);

// gradients of another tree do not fit this state
declare const wide: { w: Tensor<[2, 4]>; b: Tensor<[3]> };
// (the state carries the params type: the grads are blamed, with the leaf and both shapes)
// @ts-expect-error adamw.update: grads.w has shape [2, 4], but the state was built for params.w of shape [2, 3]
opt.update(wide, state, params);
// nor do parameters of another tree
// @ts-expect-error adamw.update: params.w has shape [2, 4], but the state was built for params.w of shape [2, 3]
opt.update(grads, state, wide);
// one leaf that differs, deeper in the tree, and a dtype
type Deep = { enc: { w: Tensor<[4, 3]>; b: Tensor<[3]> }; head: [Tensor<[3, 2]>, Tensor<[2]>] };
declare const deep: Deep;
type DeepT = { enc: { w: Tensor<[3, 4]>; b: Tensor<[3]> }; head: [Tensor<[3, 2]>, Tensor<[2]>] };
type DeepH = { enc: { w: Tensor<[4, 3]>; b: Tensor<[3]> }; head: [Tensor<[3, 2]>, Tensor<[2], "float64">] };
declare const deepT: DeepT;
declare const deepH: DeepH;
const adam = nn.adam({ learningRate: 1e-3 });
const ds = adam.init(deep);
const [du, dn] = adam.update(deep, ds);
expectType<TypeEqual<typeof du, Deep>>(true);
expectType<TypeEqual<typeof dn, nn.AdamState<Deep>>>(true);
// @ts-expect-error adam.update: grads.enc.w has shape [3, 4], but the state was built for params.enc.w of shape [4, 3]
adam.update(deepT, ds);
// @ts-expect-error adam.update: grads.head[1] has shape [2] (float64), but the state was built for params.head[1] of shape [2]
adam.update(deepH, ds);
// a state built for other params: the grads (of the model at hand) are what differ from it
const otherState = adam.init(wide);
// @ts-expect-error adam.update: grads.w has shape [2, 3], but the state was built for params.w of shape [2, 4]
adam.update(grads, otherState);
// every optimiser names itself (one leaf differs: where several do, TS 7 and 5.9 may name different ones)
const sgdM = nn.sgd({ learningRate: 0.1, momentum: 0.9 });
const [su] = sgdM.update(grads, sgdM.init(params));
expectType<TypeEqual<typeof su, P>>(true);
// @ts-expect-error sgd.update: grads.w has shape [2, 4], but the state was built for params.w of shape [2, 3]
sgdM.update(wide, sgdM.init(params));
const rms = nn.rmsprop({ learningRate: 0.1 });
// @ts-expect-error rmsprop.update: grads.w has shape [2, 4], but the state was built for params.w of shape [2, 3]
rms.update(wide, rms.init(params));
const ada = nn.adagrad({ learningRate: 0.1 });
// @ts-expect-error adagrad.update: grads.w has shape [2, 4], but the state was built for params.w of shape [2, 3]
ada.update(wide, ada.init(params));
const lion = nn.lion({ learningRate: 0.1 });
// @ts-expect-error lion.update: params.w has shape [2, 4], but the state was built for params.w of shape [2, 3]
lion.update(grads, lion.init(params), wide);

// every optimiser's state is named and tied to P
expectType<TypeEqual<ReturnType<typeof nn.sgd>["init"] extends (p: P) => infer S ? S : never, nn.SgdState<unknown>>>(true);
expectType<TypeEqual<nn.OptState<nn.Sgd, P>, nn.SgdState<P>>>(true);
expectType<TypeEqual<nn.OptState<nn.Rmsprop, P>, nn.RmspropState<P>>>(true);
expectType<TypeEqual<nn.OptState<nn.Adagrad, P>, nn.AdagradState<P>>>(true);
expectType<TypeEqual<nn.OptState<nn.Lion, P>, nn.LionState<P>>>(true);
const rs = nn.rmsprop({ learningRate: 0.1, centered: true }).init(params);
expectType<TypeEqual<typeof rs.mu, P | null>>(true);

// chain: the tuple of states, in order
const chained = nn.chain(nn.clipByGlobalNorm(1), nn.adamw({ learningRate: 1e-3 }), nn.scaleByLearningRate(nn.constantSchedule(1)));
const cs = chained.init(params);
expectType<TypeEqual<typeof cs, [nn.EmptyState, nn.AdamState<P>, nn.CountState]>>(true);
expectType<TypeEqual<nn.OptState<typeof chained, P>, [nn.EmptyState, nn.AdamState<P>, nn.CountState]>>(true);
const [cu, cs2] = chained.update(grads, cs, params);
expectType<TypeEqual<typeof cu, P>>(true);
expectType<TypeEqual<typeof cs2, typeof cs>>(true);
// @ts-expect-error chain.update: grads.w has shape [2, 4], but the state was built for params.w of shape [2, 3]
chained.update(wide, cs, params);
// @ts-expect-error chain.update: params.w has shape [2, 4], but the state was built for params.w of shape [2, 3]
chained.update(grads, cs, wide);
// a stateless transformation takes the params type from the grads
const [clipped] = nn.clip(1).update(grads, nn.clip(1).init(params));
expectType<TypeEqual<typeof clipped, P>>(true);
// @ts-expect-error (the state of one optimiser is not another's: TS 7 and 5.9 word it differently)
nn.sgd({ learningRate: 0.1 }).update(grads, state, params);

// scaleByLearningRate keeps a count only for a schedule
declare const lr: nn.ScalarOrSchedule;
const either = nn.scaleByLearningRate(lr);
expectType<TypeEqual<nn.OptState<typeof either, P>, nn.EmptyState | nn.CountState>>(true);
const fixed = nn.scaleByLearningRate(0.1).init(params);
expectType<TypeEqual<typeof fixed, nn.EmptyState>>(true);
const counted = nn.scaleByLearningRate(nn.linearSchedule({ initValue: 1, endValue: 0, transitionSteps: 10 })).init(params);
expectType<TypeEqual<typeof counted, nn.CountState>>(true);

// schedules: functions of a scalar count tensor (or a number) to a float32 scalar
const sched = nn.warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-3, warmupSteps: 100, decaySteps: 1000 });
expectType<TypeEqual<ReturnType<typeof sched>, Tensor<[]>>>(true);
void sched(tensor(3, "int32"));
void sched(3);
void nn.adam({ learningRate: sched });
void nn.sgd({ learningRate: (count) => nn.exponentialDecay({ initValue: 1, transitionSteps: 10, decayRate: 0.5 })(count) });
void nn.lion({ learningRate: () => 1e-4 });
// @ts-expect-error Type 'string' is not assignable to type 'ScalarOrSchedule'.
void nn.adam({ learningRate: "1e-3" });
// a count is a scalar: a vector is not one
// @ts-expect-error Argument of type 'Tensor<[3], "int32">' is not assignable to parameter of type 'Count'.
void sched(tensor([1, 2, 3], "int32"));

// tree utilities
const leaves = treeLeaves(params);
expectType<TypeEqual<typeof leaves, (Tensor<[2, 3]> | Tensor<[3]>)[]>>(true);
const [flat, def] = treeFlatten(params);
expectType<TypeEqual<typeof def, PyTreeDef<P>>>(true);
const rebuilt = treeUnflatten(def, flat);
expectType<TypeEqual<typeof rebuilt, P>>(true);
expectType<TypeEqual<typeof treeStructure<P>, (t: P) => PyTreeDef<P>>>(true);
const n = treeReduce((acc: number, l) => acc + l.size, params, 0);
expectType<TypeEqual<typeof n, number>>(true);
const mixed = treeLeaves({ a: [tensor([1], "int32"), { b: tensor(2) }], c: 3, d: null });
expectType<TypeEqual<typeof mixed, (Tensor<[1], "int32"> | Tensor<[], "float32">)[]>>(true);
expectType<TypeEqual<typeof tree.map, typeof import("../../src/index.js").treeMap>>(true);
const s2 = tree.structure(params);
expectType<TypeEqual<typeof s2, PyTreeDef<P>>>(true);
