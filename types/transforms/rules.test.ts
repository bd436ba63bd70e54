// Exact result types of every transformation, alone and nested.
import { expectType, type TypeEqual } from "ts-expect";
import {
  vmap, grad, valueAndGrad, vjp, jvp, jacobian, jacfwd, jacrev, hessian, jit, makeGraph,
  sum, mean, mul, add, matmul, index, sin, type Tensor, type Graph,
} from "../../src/index.js";

declare const s: Tensor<[]>;
declare const v2: Tensor<[2]>;
declare const v3: Tensor<[3]>;
declare const m23: Tensor<[2, 3]>;
declare const m32: Tensor<[3, 2]>;
declare const b423: Tensor<[4, 2, 3]>;
declare const dyn: Tensor<[number, 3]>;

// ---- grad: the type of the chosen argument(s)
const f = (x: Tensor<[3]>) => sum(sin(x));
const g = grad(f)(v3);
expectType<TypeEqual<typeof g, Tensor<[3]>>>(true);

const f2 = (x: Tensor<[2]>, y: Tensor<[3]>) => add(sum(x), mean(y));
const g0 = grad(f2)(v2, v3);
expectType<TypeEqual<typeof g0, Tensor<[2]>>>(true);
const g1 = grad(f2, { argnums: 1 })(v2, v3);
expectType<TypeEqual<typeof g1, Tensor<[3]>>>(true);
const g01 = grad(f2, { argnums: [0, 1] })(v2, v3);
expectType<TypeEqual<typeof g01, [Tensor<[2]>, Tensor<[3]>]>>(true);
const g10 = grad(f2, { argnums: [1, 0] })(v2, v3);
expectType<TypeEqual<typeof g10, [Tensor<[3]>, Tensor<[2]>]>>(true);

// ---- valueAndGrad: [value, grad]
const vg = valueAndGrad(f2)(v2, v3);
expectType<TypeEqual<typeof vg, [Tensor<[]>, Tensor<[2]>]>>(true);
const vg01 = valueAndGrad(f2, { argnums: [0, 1] })(v2, v3);
expectType<TypeEqual<typeof vg01, [Tensor<[]>, [Tensor<[2]>, Tensor<[3]>]]>>(true);

// ---- vjp / jvp
const lin = (x: Tensor<[2, 3]>, y: Tensor<[3, 2]>) => matmul(x, y);
const [out, back] = vjp(lin, m23, m32);
expectType<TypeEqual<typeof out, Tensor<[2, 2]>>>(true);
const cts = back(out);
expectType<TypeEqual<typeof cts, [Tensor<[2, 3]>, Tensor<[3, 2]>]>>(true);
expectType<TypeEqual<Parameters<typeof back>, [ct: Tensor<[2, 2]>]>>(true);
const [po, to] = jvp(f, [v3], [v3]);
expectType<TypeEqual<typeof po, Tensor<[]>>>(true);
expectType<TypeEqual<typeof to, Tensor<[]>>>(true);
const [vo, vt] = jvp(vmap(f), [m23.reshape([3, 2]).transpose()], [m23]);
expectType<TypeEqual<typeof vo, Tensor<[2]>>>(true);
expectType<TypeEqual<typeof vt, Tensor<[2]>>>(true);

// ---- jacobian: [...out, ...in], any ranks
const mat = (x: Tensor<[2, 3]>) => matmul(x, x.transpose()); // [2, 2]
const J = jacobian(mat)(m23);
expectType<TypeEqual<typeof J, Tensor<[2, 2, 2, 3]>>>(true);
const Jf = jacfwd(mat)(m23);
expectType<TypeEqual<typeof Jf, Tensor<[2, 2, 2, 3]>>>(true);
const Jr = jacrev((x: Tensor<[3]>) => mul(x, 2))(v3);
expectType<TypeEqual<typeof Jr, Tensor<[3, 3]>>>(true);
const Js = jacobian(f)(v3); // scalar output: the gradient's shape
expectType<TypeEqual<typeof Js, Tensor<[3]>>>(true);
const J1 = jacobian((x: Tensor<[2]>, y: Tensor<[3]>) => mul(y, sum(x)), { argnums: 1 })(v2, v3);
expectType<TypeEqual<typeof J1, Tensor<[3, 3]>>>(true);
const JJ = jacobian(jacobian((x: Tensor<[3]>) => mul(x, x)))(v3);
expectType<TypeEqual<typeof JJ, Tensor<[3, 3, 3]>>>(true);

// ---- hessian: [...in, ...in]
const H = hessian(f)(v3);
expectType<TypeEqual<typeof H, Tensor<[3, 3]>>>(true);
const H2 = hessian((x: Tensor<[2, 3]>) => sum(x))(m23);
expectType<TypeEqual<typeof H2, Tensor<[2, 3, 2, 3]>>>(true);
const Hy = hessian(f2, { argnums: 1 })(v2, v3);
expectType<TypeEqual<typeof Hy, Tensor<[3, 3]>>>(true);

// ---- vmap: the batch dim at outAxes
const row = (x: Tensor<[3]>) => mul(x, 2);
const vm0 = vmap(row)(m23);
expectType<TypeEqual<typeof vm0, Tensor<[2, 3]>>>(true);
const vm1 = vmap(row, { inAxes: 1 })(m32);
expectType<TypeEqual<typeof vm1, Tensor<[2, 3]>>>(true);
const vmNeg = vmap(row, { inAxes: -1 })(m32);
expectType<TypeEqual<typeof vmNeg, Tensor<[2, 3]>>>(true);
const vmOut = vmap(row, { outAxes: 1 })(m23);
expectType<TypeEqual<typeof vmOut, Tensor<[3, 2]>>>(true);
const vmOutNeg = vmap(row, { outAxes: -1 })(m23);
expectType<TypeEqual<typeof vmOutNeg, Tensor<[3, 2]>>>(true);
const vmPair = vmap((a: Tensor<[2, 3]>, b: Tensor<[3]>) => matmul(a, b), { inAxes: [0, null] })(b423, v3);
expectType<TypeEqual<typeof vmPair, Tensor<[4, 2]>>>(true);
const vmTwo = vmap((a: Tensor<[3]>, b: Tensor<[3]>) => mul(a, b))(m23, m23);
expectType<TypeEqual<typeof vmTwo, Tensor<[2, 3]>>>(true);
const vmTuple = vmap((a: Tensor<[3]>) => [a, sum(a)] as [Tensor<[3]>, Tensor<[]>], { outAxes: [1, 0] })(m23);
expectType<TypeEqual<typeof vmTuple, [Tensor<[3, 2]>, Tensor<[2]>]>>(true);
const vmObj = vmap((a: Tensor<[3]>) => ({ a, s: sum(a) }))(m23);
expectType<TypeEqual<typeof vmObj, { a: Tensor<[2, 3]>; s: Tensor<[2]> }>>(true);
// a dynamic batch stays `number`
const vmDyn = vmap(row)(dyn);
expectType<TypeEqual<typeof vmDyn, Tensor<[number, 3]>>>(true);
// a dynamic and a static mapped size: the static one is the batch size
const vmMix = vmap((a: Tensor<[3]>, b: Tensor<[3]>) => add(a, b))(dyn, m23);
expectType<TypeEqual<typeof vmMix, Tensor<[2, 3]>>>(true);

// vmap(grad(f), inAxes [0, null]) with a second, unmapped parameter
const loss = (w: Tensor<[3]>, t: Tensor<[]>) => sum(mul(w, t));
const perRow = vmap(grad(loss), { inAxes: [0, null] })(m23, s);
expectType<TypeEqual<typeof perRow, Tensor<[2, 3]>>>(true);
const perRowT = vmap(grad(loss, { argnums: 1 }), { inAxes: [0, null] })(m23, s);
expectType<TypeEqual<typeof perRowT, Tensor<[2]>>>(true);

// ---- nesting
const g4 = grad(grad(grad(grad((x: Tensor<[]>) => mul(mul(x, x), mul(x, x))))))(s);
expectType<TypeEqual<typeof g4, Tensor<[]>>>(true);
const vg4 = vmap(vmap(grad(grad(grad(grad((x: Tensor<[]>) => sin(x)))))))(m23);
expectType<TypeEqual<typeof vg4, Tensor<[2, 3]>>>(true);
const gv = grad((x: Tensor<[2, 3]>) => sum(vmap(f)(x)))(m23); // grad of vmap
expectType<TypeEqual<typeof gv, Tensor<[2, 3]>>>(true);
const vjv = vmap(jacobian(vmap(row)))(b423);
expectType<TypeEqual<typeof vjv, Tensor<[4, 2, 3, 2, 3]>>>(true);
const hv = vmap(hessian(f), { outAxes: 2 })(m23);
expectType<TypeEqual<typeof hv, Tensor<[3, 3, 2]>>>(true);
const vv = vmap(vmap(row), { inAxes: 2, outAxes: 1 })(b423.transpose([1, 2, 0]));
expectType<TypeEqual<typeof vv, Tensor<[2, 4, 3]>>>(true);

// ---- jit keeps the signature (plus traceCount)
const jf = jit(f);
const jr = jf(v3);
expectType<TypeEqual<typeof jr, Tensor<[]>>>(true);
expectType<number>(jf.traceCount);
const jg = jit(grad(f))(v3);
expectType<TypeEqual<typeof jg, Tensor<[3]>>>(true);
const jvh = jit(vmap(hessian(f)))(m23);
expectType<TypeEqual<typeof jvh, Tensor<[2, 3, 3]>>>(true);
const vjg = vmap(jit(grad(f)))(m23);
expectType<TypeEqual<typeof vjg, Tensor<[2, 3]>>>(true);
const gj = grad(jit(f))(v3);
expectType<TypeEqual<typeof gj, Tensor<[3]>>>(true);

// ---- makeGraph
const gr = makeGraph(vmap(grad(f)))(m23);
expectType<TypeEqual<typeof gr, Graph>>(true);

// ---- a transformed function is a function
const asFn: (x: Tensor<[3]>) => Tensor<[3]> = grad(f);
void asFn;
