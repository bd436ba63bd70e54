// What a call to a transformed function accepts (issue 14): inline tuple pytrees (`grad(f)([w, M])`,
// with or without `as const`, and vmap over them), inAxes held in a variable, and what is
// differentiated: a non-float tensor or an argument without tensors is an error at the call.
import { expectType, type TypeEqual } from "ts-expect";
import { grad, valueAndGrad, vmap, jacfwd, jacrev, hessian, sum, matmul, mul, add, sub, astype, type Tensor, type PRNGKey } from "../../src/index.js";

declare const w: Tensor<[3]>;
declare const M: Tensor<[3, 3]>;
declare const xs: Tensor<[5, 3]>;
declare const Ms: Tensor<[5, 3, 3]>;
declare const i3: Tensor<[3], "int32">;
declare const key: PRNGKey;
declare const x8: Tensor<[8]>;

// ---- inline tuple pytrees
const f = (p: [Tensor<[3]>, Tensor<[3, 3]>]) => sum(matmul(p[1], p[0]));
// the gradient has the argument's type: an inline list is a readonly tuple (TypeScript's const inference)
const g1 = grad(f)([w, M]);
expectType<TypeEqual<typeof g1, readonly [Tensor<[3]>, Tensor<[3, 3]>]>>(true);
const g2 = grad(f)([w, M] as const);
expectType<TypeEqual<typeof g2, readonly [Tensor<[3]>, Tensor<[3, 3]>]>>(true);
const vg = valueAndGrad(f)([w, M]);
expectType<TypeEqual<typeof vg, [Tensor<[]>, readonly [Tensor<[3]>, Tensor<[3, 3]>]]>>(true);
const v1 = vmap(f)([xs, Ms]);
expectType<TypeEqual<typeof v1, Tensor<[5]>>>(true);
const vgr = vmap(grad(f))([xs, Ms]);
expectType<TypeEqual<typeof vgr, readonly [Tensor<[5, 3]>, Tensor<[5, 3, 3]>]>>(true);
// an object pytree written inline, and nested tuples
const lo = (p: { w: Tensor<[3]>; b: [Tensor<[]>, Tensor<[3]>] }) => sum(mul(p.w, p.b[1]));
const g3 = grad(lo)({ w, b: [sum(w), w] });
expectType<TypeEqual<typeof g3["b"], readonly [Tensor<[]>, Tensor<[3]>]>>(true);
// still checked: the offending leaf named
// @ts-expect-error grad: argument 0[1] has shape [3], but the function expects [3, 3]
grad(f)([w, w]);
// @ts-expect-error vmap: argument 0[1] has shape [5, 3]; removing axis 0 gives [3], but the function expects [3, 3]
vmap(f)([xs, xs]);

// ---- inAxes held in a variable: only known at run time, so the shapes are `number[]`
const h = (a: Tensor<[3]>, b: Tensor<[3]>) => sum(mul(a, b));
const ax = [null, 0];
const v2 = vmap(h, { inAxes: ax })(w, xs);
expectType<TypeEqual<typeof v2, Tensor<number[]>>>(true);
const axc = [null, 0] as const;
const v3 = vmap(h, { inAxes: axc })(w, xs);
expectType<TypeEqual<typeof v3, Tensor<[5]>>>(true);

// ---- what is differentiated: float tensors only
const fi = (a: Tensor<[3], "int32">) => sum(astype(a, "float32"));
// @ts-expect-error grad: argument 0 has dtype int32; grad requires float inputs (convert it with astype, or leave it out of argnums)
grad(fi)(i3);
// @ts-expect-error valueAndGrad: argument 0 has dtype int32; valueAndGrad requires float inputs (convert it with astype, or leave it out of argnums)
valueAndGrad(fi)(i3);
const fn = (a: number, b: Tensor<[3]>) => sum(mul(b, a));
// @ts-expect-error grad: argument 0 holds no tensor to differentiate with respect to; pass a float tensor (e.g. tensor(3) for a number)
grad(fn)(3, w);
// @ts-expect-error grad: argument 0 holds no tensor to differentiate with respect to; pass a float tensor (e.g. tensor(3) for a number)
grad(fn, { argnums: [1, 0] })(3, w);
const fni = (a: number, b: Tensor<[3], "int32">) => sum(astype(b, "float32"));
// @ts-expect-error grad: argument 1 has dtype int32; grad requires float inputs (convert it with astype, or leave it out of argnums)
grad(fni, { argnums: [1, 0] })(3, i3);
const gb = grad(fn, { argnums: 1 })(3, w);
expectType<TypeEqual<typeof gb, Tensor<[3]>>>(true);
// a pytree with a key in it: the leaf is named
const lk = (p: { x: Tensor<[8]>; k: PRNGKey }) => sum(p.x);
// @ts-expect-error grad: argument 0.k has dtype uint32; grad requires float inputs (convert it with astype, or leave it out of argnums)
grad(lk)({ x: x8, k: key });
const ji = (a: Tensor<[3], "int32">) => astype(a, "float32");
// @ts-expect-error jacfwd: argument 0 has dtype int32; jacfwd requires float inputs (convert it with astype, or leave it out of argnums)
jacfwd(ji)(i3);
// @ts-expect-error jacrev: argument 0 has dtype int32; jacrev requires float inputs (convert it with astype, or leave it out of argnums)
jacrev(ji)(i3);
// @ts-expect-error hessian: argument 0 has dtype int32; hessian requires float inputs (convert it with astype, or leave it out of argnums)
hessian(fi)(i3);
// generic dtype: not known here, checked at run time
export function anyFloat<D extends "float32" | "float64">(x: Tensor<[3], D>) {
  return grad((a: Tensor<[3], D>) => sum(astype(a, "float32")))(x);
}

// ---- outAxes with the wrong number of entries: caught at vmap, before any call
const pair = (a: Tensor<[3]>) => [mul(a, 2), sum(a)] as const;
// @ts-expect-error vmap: outAxes has 3 entries but the function returns 2 outputs
vmap(pair, { outAxes: [0, 0, 0] });
// @ts-expect-error vmap: outAxes has 2 entries but the function returns 1 tensor
vmap(h, { outAxes: [0, 0] });
const pv = vmap(pair, { outAxes: [1, 0] })(xs);
expectType<TypeEqual<typeof pv, [Tensor<[3, 5]>, Tensor<[5]>]>>(true);

// ---- vmap(grad(loss)) without inAxes: the parameters' leaves differ in size, and null is suggested
const mse = (p: { w: Tensor<[3, 2]>; b: Tensor<[2]> }, x: Tensor<[3]>, y: Tensor<[2]>) => {
  const e = sub(add(matmul(x, p.w), p.b), y);
  return sum(mul(e, e));
};
declare const params: { w: Tensor<[3, 2]>; b: Tensor<[2]> };
declare const xb: Tensor<[5, 3]>;
declare const yb: Tensor<[5, 2]>;
// @ts-expect-error vmap: mapped axes have different sizes: argument 0.b has size 2 on axis 0 (shape [2]), but argument 0.w has size 3 on axis 0 (shape [3, 2]); if argument 0 is not batched, give it inAxes null (e.g. inAxes: [null, 0])
vmap(grad(mse))(params, xb, yb);
const pg = vmap(grad(mse), { inAxes: [null, 0, 0] })(params, xb, yb);
expectType<TypeEqual<typeof pg["w"], Tensor<[5, 3, 2]>>>(true);
expectType<TypeEqual<typeof pg["b"], Tensor<[5, 2]>>>(true);
