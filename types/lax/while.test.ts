// lax.whileLoop / foriLoop with traced bounds: the carry's type and the carry check.
import { expectType, type TypeEqual } from "ts-expect";
import { lax, add, mul, sum, less, astype, expandDims, type Tensor } from "../../src/index.js";

declare const x: Tensor<[3]>;
declare const n: Tensor<[], "int32">;

// a pytree carry comes back with init's type
const c = lax.whileLoop((c: { x: Tensor<[3]>; k: Tensor<[], "int32"> }) => less(c.k, 10), (c) => ({ x: mul(c.x, 2), k: add(c.k, 1) }), { x, k: n });
expectType<TypeEqual<typeof c, { x: Tensor<[3]>; k: Tensor<[], "int32"> }>>(true);
const s = lax.whileLoop((v) => less(sum(v), 100), (v) => mul(v, 2), x);
expectType<TypeEqual<typeof s, Tensor<[3]>>>(true);

// foriLoop with a traced bound
const r = lax.foriLoop(0, n, (i, acc) => add(acc, astype(i, "float32")), sum(x));
expectType<TypeEqual<typeof r, Tensor<[]>>>(true);

// ---- misuse
// @ts-expect-error whileLoop: the carry goes in as Tensor<[3]> and comes out as Tensor<[]>
lax.whileLoop((v) => less(sum(v), 100), (v) => sum(v), x);
// @ts-expect-error whileLoop: the carry goes in as Tensor<[3]> and comes out as Tensor<[1, 3]>
lax.whileLoop((v) => less(sum(v), 100), (v) => expandDims(v, 0), x);
// @ts-expect-error whileLoop: the carry.k goes in as Tensor<[], int32> and comes out as Tensor<[]>
lax.whileLoop((c: { x: Tensor<[3]>; k: Tensor<[], "int32"> }) => less(c.k, 10), (c) => ({ x: c.x, k: astype(c.k, "float32") }), { x, k: n });
// @ts-expect-error foriLoop: the carry goes in as Tensor<[]> and comes out as Tensor<[3]>
lax.foriLoop(0, n, (_i, acc) => mul(x, acc), sum(x));
