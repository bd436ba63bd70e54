// Limits: rank 8 shapes and four nested transformations stay exact (no TS2589).
import { expectType, type TypeEqual } from "ts-expect";
import { vmap, grad, jacobian, hessian, jit, sum, sin, mul, type Tensor } from "../../src/index.js";

declare const r8: Tensor<[2, 3, 4, 5, 6, 7, 8, 9]>;
declare const s: Tensor<[]>;
declare const v3: Tensor<[3]>;
declare const b4: Tensor<[2, 3, 4, 5]>;

// rank 8 through grad, vmap and jacobian
const f8 = (x: Tensor<[3, 4, 5, 6, 7, 8, 9]>) => sum(sin(x));
const g8 = vmap(grad(f8))(r8);
expectType<TypeEqual<typeof g8, Tensor<[2, 3, 4, 5, 6, 7, 8, 9]>>>(true);
const m8 = vmap((x: Tensor<[2, 3, 4, 5, 6, 7, 8]>) => sin(x), { inAxes: -1, outAxes: 3 })(r8);
expectType<TypeEqual<typeof m8, Tensor<[2, 3, 4, 9, 5, 6, 7, 8]>>>(true);
const j8 = jacobian((x: Tensor<[2, 3, 4, 5]>) => mul(x, 2))(b4); // a rank 8 result
expectType<TypeEqual<typeof j8, Tensor<[2, 3, 4, 5, 2, 3, 4, 5]>>>(true);
const h8 = vmap(hessian((x: Tensor<[3, 4, 5, 6]>) => sum(sin(x))))(r8.reshape([2, 3, 4, 5, 6, 504]).slice([null, null, null, null, null, [0, 1]]).reshape([2, 3, 4, 5, 6]));
expectType<TypeEqual<typeof h8, Tensor<[2, 3, 4, 5, 6, 3, 4, 5, 6]>>>(true);

// four nested transformations
const g4 = grad(grad(grad(grad((x: Tensor<[]>) => sin(x)))))(s);
expectType<TypeEqual<typeof g4, Tensor<[]>>>(true);
const v4 = vmap(vmap(vmap(vmap((x: Tensor<[]>) => sin(x)))))(b4);
expectType<TypeEqual<typeof v4, Tensor<[2, 3, 4, 5]>>>(true);
const vvvg = vmap(vmap(vmap(grad((x: Tensor<[5]>) => sum(sin(x))))))(b4);
expectType<TypeEqual<typeof vvvg, Tensor<[2, 3, 4, 5]>>>(true);
const mixed = jit(vmap(vmap(hessian((x: Tensor<[4, 5]>) => sum(sin(x))), { outAxes: 2 })))(b4);
expectType<TypeEqual<typeof mixed, Tensor<[2, 4, 5, 3, 4, 5]>>>(true);
const jjjj = jacobian(jacobian(jacobian(jacobian((x: Tensor<[3]>) => sin(x)))))(v3);
expectType<TypeEqual<typeof jjjj, Tensor<[3, 3, 3, 3, 3]>>>(true);
const vg4 = vmap(grad(grad(grad(grad((x: Tensor<[]>) => mul(sin(x), x))))))(v3);
expectType<TypeEqual<typeof vg4, Tensor<[3]>>>(true);
