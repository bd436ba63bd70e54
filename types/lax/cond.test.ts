// lax.cond / lax.switch types: the result type, the branch check and the predicate check.
import { expectType, type TypeEqual } from "ts-expect";
import { lax, add, mul, sum, sin, greater, astype, type Tensor } from "../../src/index.js";

declare const x: Tensor<[3]>;
declare const y: Tensor<[4]>;
declare const p: Tensor<[], "bool">;
declare const pi: Tensor<[], "int32">;
declare const pv: Tensor<[3], "bool">;
declare const pf: Tensor<[]>;

// the result is the branches' type; operands type the branches' parameters
const r = lax.cond(p, (a, b) => mul(sin(a), b), (a, b) => add(a, b), x, x);
expectType<TypeEqual<typeof r, Tensor<[3]>>>(true);
const r2 = lax.cond(pi, (a) => ({ s: sum(a), v: a }), (a) => ({ s: sum(mul(a, a)), v: sin(a) }), x);
expectType<TypeEqual<typeof r2, { s: Tensor<[]>; v: Tensor<[3]> }>>(true);
const r3 = lax.cond(true, (a) => a, (a) => sin(a), x);
expectType<TypeEqual<typeof r3, Tensor<[3]>>>(true);
const s = lax.switch(pi, [(a: Tensor<[3]>) => a, (a: Tensor<[3]>) => sin(a), (a: Tensor<[3]>) => mul(a, 2)], x);
expectType<TypeEqual<typeof s, Tensor<[3]>>>(true);

// ---- misuse
// @ts-expect-error cond: the branches return Tensor<[3]> and Tensor<[4]>
lax.cond(p, () => x, () => y);
// @ts-expect-error cond: the branches return Tensor<[3]> and Tensor<[3], int32>
lax.cond(p, (a) => a, (a) => astype(a, "int32"), x);
// @ts-expect-error cond: the branches return Tensor<[3]> and Tensor<[]> (at .v)
lax.cond(p, () => ({ v: x }), () => ({ v: sum(x) }));
// @ts-expect-error cond: the predicate must be a scalar bool or int32, got Tensor<[3], bool>
lax.cond(pv, (a: Tensor<[3]>) => a, (a: Tensor<[3]>) => a, x);
// @ts-expect-error cond: the predicate must be a scalar bool or int32, got Tensor<[]>
lax.cond(pf, (a: Tensor<[3]>) => a, (a: Tensor<[3]>) => a, x);
// @ts-expect-error switch: the branches return Tensor<[3]> and Tensor<[4]>
lax.switch(pi, [() => x, () => x, () => y]);
// @ts-expect-error switch: the index must be a scalar int32, got Tensor<[], bool>
lax.switch(greater(sum(x), 0), [() => x, () => x]);

// switch branches typed from the operands
const s2 = lax.switch(pi, [(a) => a, (a) => sin(a)], x);
expectType<TypeEqual<typeof s2, Tensor<[3]>>>(true);
// the same check with annotated parameters
// @ts-expect-error cond: the branches return Tensor<[3]> and Tensor<[3], int32>
lax.cond(p, (a: Tensor<[3]>) => a, (a: Tensor<[3]>) => astype(a, "int32"), x);

// dims typed number compile (checked at run time with the same text)
declare const xd: Tensor<[number]>;
const rd = lax.cond(p, () => xd, () => x);
expectType<TypeEqual<typeof rd, Tensor<[number]>>>(true);
