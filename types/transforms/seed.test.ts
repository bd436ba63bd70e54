// The seed case: the right forms type-check with every static dim kept.
import { expectType, type TypeEqual } from "ts-expect";
import { vmap, grad, jacobian, jacfwd, hessian, jit, diagonal, div, index, square, pow, add, type Tensor } from "../../src/index.js";

declare const x: Tensor<[2, 2]>;

const F1 = (a: Tensor<[]>) => div(1, a);
const F2 = (v: Tensor<[2]>) => add(square(index(v, 0)), pow(index(v, 1), 3));

// first and second derivative of F1, elementwise over the [2, 2] batch
const d1 = vmap(vmap(grad(F1)))(x);
expectType<TypeEqual<typeof d1, Tensor<[2, 2]>>>(true);
const d2 = vmap(vmap(grad(grad(F1))))(x);
expectType<TypeEqual<typeof d2, Tensor<[2, 2]>>>(true);

// row-wise Jacobian of F2: one [2] gradient per row
const j = vmap(jacobian(F2))(x);
expectType<TypeEqual<typeof j, Tensor<[2, 2]>>>(true);
const jf = vmap(jacfwd(F2))(x);
expectType<TypeEqual<typeof jf, Tensor<[2, 2]>>>(true);

// second derivatives of F2: the diagonal of the Hessian of each row
const h = vmap((v: Tensor<[2]>) => diagonal(hessian(F2)(v)))(x);
expectType<TypeEqual<typeof h, Tensor<[2, 2]>>>(true);
const hv = hessian(F2)(index(x, 0));
expectType<TypeEqual<typeof hv, Tensor<[2, 2]>>>(true);

// the full Hessians of each row, under jit
const jh = jit(vmap(hessian(F2)))(x);
expectType<TypeEqual<typeof jh, Tensor<[2, 2, 2]>>>(true);

// the building blocks
const g1 = grad(F1);
expectType<TypeEqual<ReturnType<typeof F1>, Tensor<[]>>>(true);
declare const s: Tensor<[]>;
expectType<TypeEqual<typeof g1 extends (x: Tensor<[]>) => Tensor<[]> ? true : false, true>>(true);
const g1s = g1(s);
expectType<TypeEqual<typeof g1s, Tensor<[]>>>(true);
const v1 = vmap(grad(F1))(index(x, 0));
expectType<TypeEqual<typeof v1, Tensor<[2]>>>(true);
const g2 = grad(F2)(index(x, 1));
expectType<TypeEqual<typeof g2, Tensor<[2]>>>(true);
