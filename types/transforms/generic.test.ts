// A user's batch-polymorphic functions (`<B extends number>`) under every transformation.
// TypeScript erases a generic base function's type parameters to their constraints when a type
// computes its result, so a dim that only the base function's return type carries becomes
// `number`; dims the transformations take from the actual arguments stay exact.
import { expectType, type TypeEqual } from "ts-expect";
import { vmap, grad, valueAndGrad, vjp, jvp, jacobian, hessian, jit, matmul, sum, square, index, add, pow, tanh, div, type Tensor } from "../../src/index.js";

declare const w: Tensor<[2, 4]>;
declare const x42: Tensor<[4, 2]>;
declare const x342: Tensor<[3, 4, 2]>;
declare const v2: Tensor<[2]>;

function layer<B extends number>(x: Tensor<[B, 2]>): Tensor<[B, 4]> {
  return matmul(x, w);
}
function norm2<B extends number>(x: Tensor<[B, 2]>): Tensor<[]> {
  return sum(square(x));
}
function rowNorms<B extends number>(x: Tensor<[B, 2]>): Tensor<[B]> {
  return sum(square(x), 1);
}

// called directly: exact, as usual
const direct = layer(x42);
expectType<TypeEqual<typeof direct, Tensor<[4, 4]>>>(true);

// grad: the result is the argument's type, so it is exact
const g = grad(norm2)(x42);
expectType<TypeEqual<typeof g, Tensor<[4, 2]>>>(true);
const [val, vg] = valueAndGrad(norm2)(x42);
expectType<TypeEqual<typeof val, Tensor<[]>>>(true);
expectType<TypeEqual<typeof vg, Tensor<[4, 2]>>>(true);
const gg = grad((x: Tensor<[4, 2]>) => sum(grad(norm2)(x)))(x42);
expectType<TypeEqual<typeof gg, Tensor<[4, 2]>>>(true);

// hessian: [...arg, ...arg], exact
const h = hessian(norm2)(x42);
expectType<TypeEqual<typeof h, Tensor<[4, 2, 4, 2]>>>(true);

// vmap: the batch dim is exact; the base function's own B reads `number`
const vl = vmap(layer)(x342);
expectType<TypeEqual<typeof vl, Tensor<[3, number, 4]>>>(true);
const vg2 = vmap(grad(norm2))(x342);
expectType<TypeEqual<typeof vg2, Tensor<[3, 4, 2]>>>(true);
const vn = vmap(rowNorms)(x342);
expectType<TypeEqual<typeof vn, Tensor<[3, number]>>>(true);
const vh = vmap(hessian(norm2))(x342);
expectType<TypeEqual<typeof vh, Tensor<[3, 4, 2, 4, 2]>>>(true);

// jacobian: output dims from the base return type, input dims exact
const j = jacobian(rowNorms)(x42);
expectType<TypeEqual<typeof j, Tensor<[number, 4, 2]>>>(true);

// jit keeps the generic signature itself
const jl = jit(layer)(x42);
expectType<TypeEqual<typeof jl, Tensor<[4, 4]>>>(true);
const vjl = vmap(jit(layer))(x342);
expectType<TypeEqual<typeof vjl, Tensor<[3, number, 4]>>>(true);
const gjl = grad(jit(norm2))(x42);
expectType<TypeEqual<typeof gjl, Tensor<[4, 2]>>>(true);

// vjp / jvp
const [o, back] = vjp(layer, x42);
expectType<TypeEqual<typeof o, Tensor<[number, 4]>>>(true);
const ct = back(o);
expectType<TypeEqual<typeof ct, [Tensor<[4, 2]>]>>(true);
const [po, pt] = jvp(norm2, [x42], [x42]);
expectType<TypeEqual<typeof po, Tensor<[]>>>(true);
expectType<TypeEqual<typeof pt, Tensor<[]>>>(true);

// a generic function still rejects a wrong shape at the call
// @ts-expect-error grad: argument 0 has shape [2], but the function expects [number, 2]
grad(norm2)(v2);
// @ts-expect-error vmap: argument 0 has shape [4, 2]; removing axis 0 gives [2], but the function expects [number, 2]
vmap(layer)(x42);

// inside the user's own generic code: grad / hessian on generic shapes resolve
export function gradsIn<N extends number>(x: Tensor<[N, 2]>): Tensor<[N, 2]> {
  const r = grad(norm2)(x);
  expectType<TypeEqual<typeof r, Tensor<[N, 2]>>>(true);
  return r;
}
const gi = gradsIn(x42);
expectType<TypeEqual<typeof gi, Tensor<[4, 2]>>>(true);

// inside the user's own generic code: vmap on a generic batch dim (N) keeps N, under every
// transformation (the recipe is evaluated with N itself, and also with N stripped of its
// constraint, which TypeScript does in generic code)
const F1 = (a: Tensor<[]>) => div(1, a);
const F2 = (v: Tensor<[2]>) => add(square(index(v, 0)), pow(index(v, 1), 3));
const G = (v: Tensor<[2]>) => tanh(v);
type Params = { w: Tensor<[2, 3]>; b: Tensor<[3]> };
const loss = (p: Params, x: Tensor<[2]>) => sum(add(matmul(x, p.w), p.b));

export function vmapIn<N extends number>(xs: Tensor<[N, 2]>): Tensor<[N]> {
  return vmap(F2)(xs);
}
export function vmapSameShape<N extends number>(xs: Tensor<[N, 2]>): Tensor<[N, 2]> {
  return vmap(G)(xs);
}
export function vmapGradIn<N extends number>(xs: Tensor<[N, 2]>): Tensor<[N, 2]> {
  return vmap(grad(F2))(xs);
}
export function vmapVmapGradIn<N extends number, M extends number>(x: Tensor<[N, M]>): Tensor<[N, M]> {
  return vmap(vmap(grad(F1)))(x);
}
export function vmapJacobianIn<N extends number>(xs: Tensor<[N, 2]>): Tensor<[N, 2]> {
  return vmap(jacobian(F2))(xs);
}
export function vmapMoreIn<N extends number, M extends number>(xs: Tensor<[N, 2]>, xss: Tensor<[N, M, 2]>, p: Params): void {
  const a = vmap(F2)(xs);
  expectType<TypeEqual<typeof a, Tensor<[N]>>>(true);
  const c = vmap(grad(F2))(xs);
  expectType<TypeEqual<typeof c, Tensor<[N, 2]>>>(true);
  const [v, vg] = vmap(valueAndGrad(F2))(xs);
  expectType<TypeEqual<typeof v, Tensor<[N]>>>(true);
  expectType<TypeEqual<typeof vg, Tensor<[N, 2]>>>(true);
  const hs = vmap(hessian(F2))(xs);
  expectType<TypeEqual<typeof hs, Tensor<[N, 2, 2]>>>(true);
  const js = vmap(jacobian(G))(xs);
  expectType<TypeEqual<typeof js, Tensor<[N, 2, 2]>>>(true);
  const out1 = vmap(G, { outAxes: 1 })(xs);
  expectType<TypeEqual<typeof out1, Tensor<[2, N]>>>(true);
  const jg = vmap(jit(grad(F2)))(xs);
  expectType<TypeEqual<typeof jg, Tensor<[N, 2]>>>(true);
  const nested = vmap(vmap(grad(F2)))(xss);
  expectType<TypeEqual<typeof nested, Tensor<[N, M, 2]>>>(true);
  const swapped = vmap(vmap(F2), { inAxes: 1 })(xss);
  expectType<TypeEqual<typeof swapped, Tensor<[M, N]>>>(true);
  const perEx = vmap(grad(loss), { inAxes: [null, 0] })(p, xs);
  expectType<TypeEqual<typeof perEx.w, Tensor<[N, 2, 3]>>>(true);
  expectType<TypeEqual<typeof perEx.b, Tensor<[N, 3]>>>(true);
  // @ts-expect-error (a wrong shape is still rejected; the message's generic dim is not rendered as text)
  vmap(F2)(null! as Tensor<[N, 3]>);
}
const vi = vmapVmapGradIn(null! as Tensor<[4, 3]>);
expectType<TypeEqual<typeof vi, Tensor<[4, 3]>>>(true);
