// A user's batch-polymorphic functions (`<B extends number>`) under every transformation.
// TypeScript erases a generic base function's type parameters to their constraints when a type
// computes its result, so a dim that only the base function's return type carries becomes
// `number`; dims the transformations take from the actual arguments stay exact.
import { expectType, type TypeEqual } from "ts-expect";
import { vmap, grad, valueAndGrad, vjp, jvp, jacobian, hessian, jit, matmul, sum, square, type Tensor } from "../../src/index.js";

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
