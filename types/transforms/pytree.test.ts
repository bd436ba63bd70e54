// Pytrees: grads keep the structure and shapes of the chosen argument; vmap maps every leaf.
import { expectType, type TypeEqual } from "ts-expect";
import { vmap, grad, valueAndGrad, vjp, matmul, add, sum, mean, square, sub, type Tensor } from "../../src/index.js";

type Params = { w: Tensor<[2, 3]>; b: Tensor<[3]> };
declare const params: Params;
declare const x: Tensor<[2]>;
declare const xs: Tensor<[8, 2]>;
declare const y: Tensor<[3]>;
declare const ys: Tensor<[8, 3]>;

const loss = (p: Params, x: Tensor<[2]>) => sum(add(matmul(x, p.w), p.b));
const g = grad(loss)(params, x);
expectType<TypeEqual<typeof g, Params>>(true);
expectType<TypeEqual<typeof g, { w: Tensor<[2, 3]>; b: Tensor<[3]> }>>(true);

const [val, g2] = valueAndGrad(loss)(params, x);
expectType<TypeEqual<typeof val, Tensor<[]>>>(true);
expectType<TypeEqual<typeof g2, Params>>(true);

// per-example gradients: params unmapped, data mapped
const perEx = vmap(grad(loss), { inAxes: [null, 0] })(params, xs);
expectType<TypeEqual<typeof perEx, { w: Tensor<[8, 2, 3]>; b: Tensor<[8, 3]> }>>(true);

// a batch of parameter sets: every leaf loses its mapped axis
type Batched = { w: Tensor<[5, 2, 3]>; b: Tensor<[5, 3]> };
declare const many: Batched;
const perParams = vmap(loss, { inAxes: [0, null] })(many, x);
expectType<TypeEqual<typeof perParams, Tensor<[5]>>>(true);
const perParamsGrad = vmap(grad(loss), { inAxes: [0, null] })(many, x);
expectType<TypeEqual<typeof perParamsGrad, Batched>>(true);

// arrays and nested objects
type Layers = [{ w: Tensor<[2, 4]> }, { w: Tensor<[4, 3]> }];
declare const layers: Layers;
const mlp = (ls: Layers, x: Tensor<[2]>) => sum(matmul(matmul(x, ls[0].w), ls[1].w));
const gl = grad(mlp)(layers, x);
expectType<TypeEqual<typeof gl, Layers>>(true);

// mean squared error over a batch, grad w.r.t. the params (argnums 0) and the data (argnums [0, 1])
const mse = (p: Params, xs: Tensor<[8, 2]>, ys: Tensor<[8, 3]>) => mean(square(sub(add(matmul(xs, p.w), p.b), ys)));
const gp = grad(mse)(params, xs, ys);
expectType<TypeEqual<typeof gp, Params>>(true);
const gpx = grad(mse, { argnums: [0, 1] })(params, xs, ys);
expectType<TypeEqual<typeof gpx, [Params, Tensor<[8, 2]>]>>(true);

// vjp on pytrees: one cotangent per argument
const [o, back] = vjp(loss, params, x);
expectType<TypeEqual<typeof o, Tensor<[]>>>(true);
const cts = back(o);
expectType<TypeEqual<typeof cts, [Params, Tensor<[2]>]>>(true);

// a pytree with a wrong leaf fails at the call
declare const wrong: { w: Tensor<[3, 3]>; b: Tensor<[3]> };
// @ts-expect-error grad: argument 0.w has shape [3, 3], but the function expects [2, 3]
grad(loss)(wrong, x);
// leaves of a mapped pytree must agree on the batch size
declare const ragged: { w: Tensor<[5, 2, 3]>; b: Tensor<[4, 3]> };
// @ts-expect-error vmap: mapped axes have different sizes: argument 0.b has size 4 on axis 0 (shape [4, 3]), but argument 0.w has size 5 on axis 0 (shape [5, 2, 3]); if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap(loss, { inAxes: [0, null] })(ragged, x);
// the leaves in flatten's order (tuples by index, objects by sorted key, as JS sorts: "Alpha" < "a_b" < "ab" < "zeta"),
// the first static size and the first leaf that differs named by their paths, as at run time
declare const keyed: [{ zeta: Tensor<[7, 2]>; Alpha: Tensor<[7]>; a_b: Tensor<[7]>; ab: Tensor<[6]> }];
// @ts-expect-error vmap: mapped axes have different sizes: argument 0[0].Alpha has size 7 on axis 0 (shape [7]), but argument 0[0].ab has size 6 on axis 0 (shape [6]); if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap((p: [{ zeta: Tensor<[2]>; Alpha: Tensor<[]>; a_b: Tensor<[]>; ab: Tensor<[]> }]) => sum(p[0].ab))(keyed);
declare const pairLeaves: [Tensor<[5, 2]>, Tensor<[4]>];
// @ts-expect-error vmap: mapped axes have different sizes: argument 0[0] has size 5 on axis 0 (shape [5, 2]), but argument 0[1] has size 4 on axis 0 (shape [4]); if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap((p: [Tensor<[2]>, Tensor<[]>]) => sum(p[0]))(pairLeaves);
// a negative axis, normalised per leaf
declare const lastAxis: { w: Tensor<[3, 5]>; b: Tensor<[4]> };
// @ts-expect-error vmap: mapped axes have different sizes: argument 0.b has size 4 on axis 0 (shape [4]), but argument 0.w has size 5 on axis 1 (shape [3, 5]); if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap((p: { w: Tensor<[3]>; b: Tensor<[]> }) => p.b, { inAxes: -1 })(lastAxis);
// leaves of two arguments: no hint (each argument is consistent, they disagree with each other)
declare const five: { w: Tensor<[5, 2]>; b: Tensor<[5]> };
declare const four: Tensor<[4, 2]>;
// @ts-expect-error vmap: mapped axes have different sizes: argument 0.b has size 5 on axis 0 (shape [5]), but argument 1 has size 4 on axis 0 (shape [4, 2])
vmap((p: { w: Tensor<[2]>; b: Tensor<[]> }, v: Tensor<[2]>) => sum(v))(five, four);
// keys past ASCII sort by code unit as at run time ("a" < "é" < "ü"); keys that differ first at
// characters past U+00FF are not ordered here: the short text (no leaf named that the run time would not)
declare const accents: { "ü": Tensor<[4, 2]>; "é": Tensor<[3, 2]>; a: Tensor<[3]> };
// @ts-expect-error vmap: mapped axes have different sizes: argument 0.a has size 3 on axis 0 (shape [3]), but argument 0.ü has size 4 on axis 0 (shape [4, 2]); if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap((p: { "ü": Tensor<[2]>; "é": Tensor<[2]>; a: Tensor<[]> }) => p.a)(accents);
// a numeric key is a string key at run time ("1" < "a")
declare const numKey: { a: Tensor<[3]>; 1: Tensor<[3, 2]>; b: Tensor<[4]> };
// @ts-expect-error vmap: mapped axes have different sizes: argument 0.1 has size 3 on axis 0 (shape [3, 2]), but argument 0.b has size 4 on axis 0 (shape [4]); if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap((p: { a: Tensor<[]>; 1: Tensor<[2]>; b: Tensor<[]> }) => p.a)(numKey);
declare const cjk: { "一": Tensor<[3, 2]>; "二": Tensor<[4, 2]> };
// @ts-expect-error vmap: the leaves of argument 0 differ in size on axis 0; if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap((p: { "一": Tensor<[2]>; "二": Tensor<[2]> }) => p["一"])(cjk);
// a dynamic size before the leaf that differs: the run time may name it, so the short text
declare const dyn: Tensor<[number, 2]>;
declare const three: Tensor<[3, 2]>;
declare const fourB: Tensor<[4, 2]>;
const f3 = (a: Tensor<[2]>, b: Tensor<[2]>, c: Tensor<[2]>) => a;
// @ts-expect-error vmap: mapped axes differ in size: argument 1 has 3 on axis 0, argument 2 has 4 on axis 0
vmap(f3)(dyn, three, fourB);
// @ts-expect-error vmap: mapped axes differ in size: argument 0 has 3 on axis 0, argument 2 has 4 on axis 0
vmap(f3)(three, dyn, fourB);
// a dynamic dim in a shape the message would print: the short text
declare const fourDyn: Tensor<[4, number]>;
// @ts-expect-error vmap: mapped axes differ in size: argument 0 has 3 on axis 0, argument 1 has 4 on axis 0
vmap(f3)(three, fourDyn, fourB);
// an array of unknown length has no known leaf order: the short text
declare const ragList: (Tensor<[3]> | Tensor<[4]>)[];
// @ts-expect-error vmap: the leaves of argument 0 differ in size on axis 0; if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap((p: Tensor<[]>[]) => p[0]!)(ragList);
void y;
void ys;
// the offending leaf is named, also under vmap and for arrays of parameters
declare const wrongMany: { w: Tensor<[5, 3, 3]>; b: Tensor<[5, 3]> };
// @ts-expect-error vmap: argument 0.w has shape [5, 3, 3]; removing axis 0 gives [3, 3], but the function expects [2, 3]
vmap(loss, { inAxes: [0, null] })(wrongMany, x);
declare const wrongLayers: [{ w: Tensor<[2, 4]> }, { w: Tensor<[5, 3]> }];
// @ts-expect-error grad: argument 0[1].w has shape [5, 3], but the function expects [4, 3]
grad(mlp)(wrongLayers, x);
