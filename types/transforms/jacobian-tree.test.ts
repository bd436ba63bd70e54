// jacobian / jacfwd / jacrev / hessian with respect to a pytree, and of a pytree output (issue 14):
// as JAX, a tree like the output whose leaves are trees like the input, each block [...out, ...in].
import { expectType, type TypeEqual } from "ts-expect";
import { jacobian, jacfwd, jacrev, hessian, sum, mul, matmul, tanh, add, type Tensor } from "../../src/index.js";

type Params = { w: Tensor<[2, 3]>; b: Tensor<[3]> };
declare const params: Params;
declare const x: Tensor<[4, 2]>;
declare const v: Tensor<[3]>;
declare const m: Tensor<[3, 3]>;
declare const ix: Tensor<[3], "int32">;

const model = (p: Params, xb: Tensor<[4, 2]>) => tanh(add(matmul(xb, p.w), p.b));
const loss = (p: Params, xb: Tensor<[4, 2]>) => sum(model(p, xb));

// with respect to a pytree: a tree like it, each leaf [...out, ...leaf]
const jp = jacobian(model)(params, x);
expectType<TypeEqual<typeof jp, { w: Tensor<[4, 3, 2, 3]>; b: Tensor<[4, 3, 3]> }>>(true);
const jf = jacfwd(model)(params, x);
expectType<TypeEqual<typeof jf, { w: Tensor<[4, 3, 2, 3]>; b: Tensor<[4, 3, 3]> }>>(true);
const jr = jacrev(model)(params, x);
expectType<TypeEqual<typeof jr, { w: Tensor<[4, 3, 2, 3]>; b: Tensor<[4, 3, 3]> }>>(true);

// hessian with respect to a pytree: block [i][k] is [...leaf i, ...leaf k]
const hp = hessian(loss)(params, x);
expectType<TypeEqual<typeof hp, { w: { w: Tensor<[2, 3, 2, 3]>; b: Tensor<[2, 3, 3]> }; b: { w: Tensor<[3, 2, 3]>; b: Tensor<[3, 3]> } }>>(true);

// a tuple pytree, inline
const pair = (p: [Tensor<[3]>, Tensor<[3, 3]>]) => sum(mul(p[0], matmul(p[1], p[0])));
const ht = hessian(pair)([v, m]);
// (readonly: the structure is the inline argument's, as for grad)
expectType<TypeEqual<typeof ht, readonly [readonly [Tensor<[3, 3]>, Tensor<[3, 3, 3]>], readonly [Tensor<[3, 3, 3]>, Tensor<[3, 3, 3, 3]>]]>>(true);

// a pytree output: a tree like the output, each leaf a Jacobian
const both = (a: Tensor<[3]>) => ({ sq: mul(a, a), total: sum(a) });
const jo = jacobian(both)(v);
expectType<TypeEqual<typeof jo, { sq: Tensor<[3, 3]>; total: Tensor<[3]> }>>(true);
const jo2 = jacfwd((a: Tensor<[3]>) => [mul(a, 2), sum(a)] as const)(v);
expectType<TypeEqual<typeof jo2, readonly [Tensor<[3, 3]>, Tensor<[3]>]>>(true);

// both: output tree outside, input tree inside
const jb = jacrev((p: Params) => ({ y: model(p, x), s: sum(p.b) }))(params);
expectType<TypeEqual<typeof jb, { y: { w: Tensor<[4, 3, 2, 3]>; b: Tensor<[4, 3, 3]> }; s: { w: Tensor<[2, 3]>; b: Tensor<[3]> } }>>(true);

// single tensors are as before
const js = jacobian((a: Tensor<[3]>) => mul(a, a))(v);
expectType<TypeEqual<typeof js, Tensor<[3, 3]>>>(true);

// what is differentiated must be float
// @ts-expect-error jacobian: argument 0[1] has dtype int32; jacobian requires float inputs (convert it with astype, or leave it out of argnums)
jacobian((p: [Tensor<[3]>, Tensor<[3], "int32">]) => p[0])([v, ix]);
