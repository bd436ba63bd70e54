// hasAux: f returns [loss, aux]; grad gives [grads, aux], valueAndGrad [[value, aux], grads],
// vjpWithAux [output, vjpFn, aux]. Misuse fails at the transformation's call.
import { expectType, type TypeEqual } from "ts-expect";
import { grad, valueAndGrad, vjpWithAux, vmap, jit, sum, mul, sin, square, type Tensor } from "../../src/index.js";
import type { CheckAux } from "../../src/transforms/types.js";
import type { ShapeError } from "../../src/index.js";

declare const x3: Tensor<[3]>;
declare const s: Tensor<[]>;
declare const xs: Tensor<[5, 3]>;
type Params = { w: Tensor<[3]>; b: Tensor<[]> };
declare const params: Params;

const f = (x: Tensor<[3]>) => [sum(square(x)), { sq: square(x), n: 3 }] as const;

// ---- grad, valueAndGrad
const [g, aux] = grad(f, { hasAux: true })(x3);
expectType<TypeEqual<typeof g, Tensor<[3]>>>(true);
expectType<TypeEqual<typeof aux, { readonly sq: Tensor<[3]>; readonly n: 3 }>>(true);
const [[v, aux2], g2] = valueAndGrad(f, { hasAux: true })(x3);
expectType<TypeEqual<typeof v, Tensor<[]>>>(true);
expectType<TypeEqual<typeof aux2, { readonly sq: Tensor<[3]>; readonly n: 3 }>>(true);
expectType<TypeEqual<typeof g2, Tensor<[3]>>>(true);
// hasAux: false is the plain transformation
const gp = grad((x: Tensor<[3]>) => sum(x), { hasAux: false })(x3);
expectType<TypeEqual<typeof gp, Tensor<[3]>>>(true);

// argnums with a pytree: grads keep the chosen arguments' types
const loss = (p: Params, x: Tensor<[3]>) => [sum(mul(p.w, x)), p.b] as const;
const [gps, bAux] = grad(loss, { argnums: [0, 1], hasAux: true })(params, x3);
expectType<TypeEqual<typeof gps, [Params, Tensor<[3]>]>>(true);
expectType<TypeEqual<typeof bAux, Tensor<[]>>>(true);

// ---- vjpWithAux
const h = (x: Tensor<[3]>) => [sin(x), sum(x)] as const;
const [out, back, hAux] = vjpWithAux(h, x3);
expectType<TypeEqual<typeof out, Tensor<[3]>>>(true);
expectType<TypeEqual<typeof hAux, Tensor<[]>>>(true);
const [ct] = back(x3);
expectType<TypeEqual<typeof ct, Tensor<[3]>>>(true);

// ---- nested: grad of grad with hasAux on the outer, under vmap and jit
const inner = (x: Tensor<[3]>) => sum(sin(x));
const outer = (x: Tensor<[3]>) => [sum(grad(inner)(x)), grad(inner)(x)] as const;
const [gg, ggAux] = grad(outer, { hasAux: true })(x3);
expectType<TypeEqual<typeof gg, Tensor<[3]>>>(true);
expectType<TypeEqual<typeof ggAux, Tensor<[3]>>>(true);
const [vg, vAux] = vmap(grad(outer, { hasAux: true }))(xs);
expectType<TypeEqual<typeof vg, Tensor<[5, 3]>>>(true);
expectType<TypeEqual<typeof vAux, Tensor<[5, 3]>>>(true);
const [[jv, jAux], jg] = jit(valueAndGrad(f, { hasAux: true }))(x3);
expectType<TypeEqual<typeof jv, Tensor<[]>>>(true);
expectType<TypeEqual<typeof jAux, { readonly sq: Tensor<[3]>; readonly n: 3 }>>(true);
expectType<TypeEqual<typeof jg, Tensor<[3]>>>(true);
const [jvg] = vmap(jit(grad(outer, { hasAux: true })))(xs);
expectType<TypeEqual<typeof jvg, Tensor<[5, 3]>>>(true);

// ---- misuse
// @ts-expect-error grad: with hasAux the function must return a pair [loss, aux], but it returns Tensor<[]>
grad((x: Tensor<[3]>) => sum(x), { hasAux: true });
expectType<TypeEqual<CheckAux<(x: Tensor<[3]>) => Tensor<[]>, "grad">, ShapeError<"grad: with hasAux the function must return a pair [loss, aux], but it returns Tensor<[]>">>>(true);
// @ts-expect-error grad: with hasAux the function must return a pair [loss, aux], but it returns an array of unknown length (return [loss, aux] as const)
grad((x: Tensor<[3]>) => [sum(x), x], { hasAux: true });
// @ts-expect-error valueAndGrad: with hasAux the function must return a pair [loss, aux], but it returns an array of 3
valueAndGrad((x: Tensor<[3]>) => [sum(x), x, x] as const, { hasAux: true });
// @ts-expect-error grad: with hasAux the loss (the first element of [loss, aux]) must be a scalar Tensor<[]>, but it is Tensor<[3]>; reduce it with sum/mean
grad((x: Tensor<[3]>) => [sin(x), x] as const, { hasAux: true });
// @ts-expect-error valueAndGrad: with hasAux the loss (the first element of [loss, aux]) must be a scalar Tensor<[]>, but it is Tensor<[], int32>; reduce it with sum/mean
valueAndGrad((x: Tensor<[3], "int32">) => [sum(x), x] as const, { hasAux: true });
// @ts-expect-error vjp: with hasAux the function must return a pair [output, aux], but it returns Tensor<[3]>
vjpWithAux((x: Tensor<[3]>) => sin(x), x3);
// without hasAux, a pair is not a scalar output
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns a pytree; use jacobian(f), or reduce the output with sum/mean
grad(f);
// a call with the wrong shape names grad
// @ts-expect-error grad: argument 0 has shape [5, 3], but the function expects [3]
grad(f, { hasAux: true })(xs);
