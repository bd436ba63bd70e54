// customJvp, customVjp, checkpoint and linearize: typed like the function; bwd's cotangents checked.
import { expectType, type TypeEqual } from "ts-expect";
import {
  customJvp, customVjp, checkpoint, linearize, grad, vmap, jit, jvp,
  sum, mul, add, sub, div, exp, log, sin, cos, clip, matmul, tanh, type Tensor,
} from "../../src/index.js";

declare const s: Tensor<[]>;
declare const v3: Tensor<[3]>;
declare const m23: Tensor<[2, 3]>;
declare const m33: Tensor<[3, 3]>;

// ---- customJvp: the result is typed like f; the rule sees the argument list twice
const naive = (x: Tensor<[3]>) => log(add(exp(x), 1));
const log1pexp = customJvp(naive, ([x], [t]) => {
  expectType<TypeEqual<typeof x, Tensor<[3]>>>(true);
  return [naive(x), mul(t, sub(1, div(1, add(exp(x), 1))))];
});
const y = log1pexp(v3);
expectType<TypeEqual<typeof y, Tensor<[3]>>>(true);
const g = grad((x: Tensor<[3]>) => sum(log1pexp(x)))(v3);
expectType<TypeEqual<typeof g, Tensor<[3]>>>(true);
const vy = vmap(log1pexp)(m23.reshape([3, 2]).transpose().reshape([2, 3]));
expectType<TypeEqual<typeof vy, Tensor<[2, 3]>>>(true);
const [, ty] = jvp(log1pexp, [v3], [v3]);
expectType<TypeEqual<typeof ty, Tensor<[3]>>>(true);
// a rule whose tangent has the wrong shape does not compile
// @ts-expect-error (the rule's tangent output is Tensor<[1, 3]>, f returns Tensor<[3]>)
customJvp(naive, ([x], [t]) => [naive(x), t.reshape([1, 3])]);

// ---- customVjp: fwd returns [out, residuals], bwd(residuals, ct) one cotangent per argument
const f2 = (w: Tensor<[3, 3]>, x: Tensor<[2, 3]>) => tanh(matmul(x, w));
const cv = customVjp(
  f2,
  (w, x) => [f2(w, x), { w, x }],
  (res, ct) => {
    expectType<TypeEqual<typeof res, { w: Tensor<[3, 3]>; x: Tensor<[2, 3]> }>>(true);
    expectType<TypeEqual<typeof ct, Tensor<[2, 3]>>>(true);
    return [matmul(res.x.transpose(), ct), matmul(ct, res.w.transpose())];
  },
);
const co = cv(m33, m23);
expectType<TypeEqual<typeof co, Tensor<[2, 3]>>>(true);
const gw = grad((w: Tensor<[3, 3]>) => sum(cv(w, m23)))(m33);
expectType<TypeEqual<typeof gw, Tensor<[3, 3]>>>(true);
const clipGradient = customVjp(
  (x: Tensor<[3]>) => x,
  (x) => [x, null],
  (_r, ct) => [clip(ct, -1, 1)],
);
expectType<TypeEqual<typeof clipGradient, (x: Tensor<[3]>) => Tensor<[3]>>>(true);

// bwd's cotangents must be shaped like the primals
customVjp(
  f2,
  (w, x) => [f2(w, x), x],
  // @ts-expect-error customVjp: bwd returns a cotangent of shape [2, 3] for argument 0, which has shape [3, 3]
  (x, ct) => [ct, x],
);
customVjp(
  (x: Tensor<[3]>) => sin(x),
  (x) => [sin(x), cos(x)],
  // @ts-expect-error customVjp: bwd returns 2 cotangents, but the function takes 1 arguments
  (c, ct) => [mul(c, ct), c],
);

// ---- checkpoint: typed like f, through jit and grad
const ck = checkpoint(f2);
const ko = jit(ck)(m33, m23);
expectType<TypeEqual<typeof ko, Tensor<[2, 3]>>>(true);
const kg = grad((w: Tensor<[3, 3]>) => sum(ck(w, m23)))(m33);
expectType<TypeEqual<typeof kg, Tensor<[3, 3]>>>(true);

// ---- linearize: [out, jvpFn] with jvpFn taking tangents shaped like the primals
const [lo, lf] = linearize(f2, m33, m23);
expectType<TypeEqual<typeof lo, Tensor<[2, 3]>>>(true);
const lt = lf(m33, m23);
expectType<TypeEqual<typeof lt, Tensor<[2, 3]>>>(true);
// @ts-expect-error (a tangent of the wrong shape)
lf(m23, m23);
const [so] = linearize((x: Tensor<[]>) => sin(x), s);
expectType<TypeEqual<typeof so, Tensor<[]>>>(true);
