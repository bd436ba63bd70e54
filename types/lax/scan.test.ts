// lax.scan / lax.foriLoop types: the stacked ys, the per-step slice, and the carry check.
import { expectType, type TypeEqual } from "ts-expect";
import { lax, add, mul, sum, expandDims, tanh, matmul, astype, type Tensor } from "../../src/index.js";

declare const h0: Tensor<[64]>;
declare const W: Tensor<[64, 64]>;
declare const xs: Tensor<[100, 64]>;
declare const i32: Tensor<[5], "int32">;

// an RNN: ys stacked on xs's leading dim
const [hT, hs] = lax.scan((h, x) => {
  expectType<TypeEqual<typeof x, Tensor<[64]>>>(true);
  const n = tanh(add(matmul(W, h), x));
  return [n, n];
}, h0, xs);
expectType<TypeEqual<typeof hT, Tensor<[64]>>>(true);
expectType<TypeEqual<typeof hs, Tensor<[100, 64]>>>(true);

// pytrees, null xs with a literal length, null ys
const [c, ys] = lax.scan((c: { s: Tensor<[64]>; n: Tensor<[]> }) => [{ s: mul(c.s, 2), n: add(c.n, 1) }, { t: sum(c.s) }], { s: h0, n: sum(h0) }, null, { length: 7 });
expectType<TypeEqual<typeof c, { s: Tensor<[64]>; n: Tensor<[]> }>>(true);
expectType<TypeEqual<typeof ys.t, Tensor<[7]>>>(true);
expectType<TypeEqual<keyof typeof ys, "t">>(true);
const [, none] = lax.scan((c) => [mul(c, 2), null], h0, null, { length: 3 });
expectType<TypeEqual<typeof none, null>>(true);
// a list of xs
const [, zs] = lax.scan((c, [a, b]) => [c, add(a, astype(b, "float32"))], sum(h0), [i32, i32] as const);
expectType<TypeEqual<typeof zs, Tensor<[5]>>>(true);

// foriLoop
const r = lax.foriLoop(0, 10, (i, c) => add(c, astype(i, "float32")), sum(h0));
expectType<TypeEqual<typeof r, Tensor<[]>>>(true);

// ---- misuse: the carry comes out different
// @ts-expect-error scan: the carry goes in as Tensor<[64]> and comes out as Tensor<[1, 64]>
lax.scan((h, x) => [expandDims(add(h, x), 0), x], h0, xs);
// @ts-expect-error scan: the carry goes in as Tensor<[64]> and comes out as Tensor<[64], int32>
lax.scan((h) => [astype(h, "int32"), h], h0, xs);
// buried: a body with annotated parameters is reported whole (TypeScript elaborates into the returned value only when they are not)
// @ts-expect-error scan: the carry.s goes in as Tensor<[64]> and comes out as Tensor<[]>
lax.scan((c: { s: Tensor<[64]>; n: Tensor<[]> }) => [{ s: sum(c.s), n: c.n }, null], { s: h0, n: sum(h0) }, xs);
// @ts-expect-error foriLoop: the carry goes in as Tensor<[]> and comes out as Tensor<[64]>
lax.foriLoop(0, 3, (_i, c) => mul(h0, c), sum(h0));

// a tuple carry: the body returns its nested tuple `as const` (TypeScript types a nested [a, b] as an array)
const [[p, q]] = lax.scan(([p, q], x) => [[add(p, x), mul(q, 2)] as const, null], [h0, sum(h0)], xs);
expectType<TypeEqual<typeof p, Tensor<[64]>>>(true);
expectType<TypeEqual<typeof q, Tensor<[]>>>(true);
// dims typed number are checked at run time
declare const hn: Tensor<[number]>;
const [hm] = lax.scan((h, x) => [add(h, x), null], hn, xs);
expectType<TypeEqual<typeof hm, Tensor<[number]>>>(true);
// reverse keeps the types
const [, rs] = lax.scan((h, x) => [h, mul(x, 2)], h0, xs, { reverse: true });
expectType<TypeEqual<typeof rs, Tensor<[100, 64]>>>(true);
// @ts-expect-error scan: the carry[1] goes in as Tensor<[]> and comes out as Tensor<[64]>
lax.scan(([p, q], x) => [[add(p, x), mul(q, x)] as const, null], [h0, sum(h0)], xs);
