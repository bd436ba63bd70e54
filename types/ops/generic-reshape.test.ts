// Batch-polymorphic code (issue 14): `index` along a generic dim and `reshape` of a shape with
// generic dims. The element count or the index bound is then known only at run time (which checks
// it); the result keeps every dim that passes through or cancels, and is `number` elsewhere.
import { expectType, type TypeEqual } from "ts-expect";
import { index, reshape, type Tensor } from "../../src/index.js";

export function issueSnippets<B extends number>(x: Tensor<[B, 3, 4]>, b: number) {
  // the issue's snippets
  const i0 = index(x, 0);
  expectType<TypeEqual<typeof i0, Tensor<[3, 4]>>>(true);
  const i01 = index(x, 0, 1);
  expectType<TypeEqual<typeof i01, Tensor<[B, 4]>>>(true);
  const r1 = x.reshape([-1, 12]);
  expectType<TypeEqual<typeof r1, Tensor<[B, 12]>>>(true);
  const r2 = reshape(x, [b as B, -1]);
  expectType<TypeEqual<typeof r2, Tensor<[B, 12]>>>(true);
  return [i0, i01, r1, r2] as const;
}

export function indexing<B extends number, N extends number>(x: Tensor<[B, 3, 4]>, y: Tensor<[2, N]>, k: Tensor<[], "int32">, f: Tensor<[]>) {
  // methods and free functions agree
  const m0 = x.index(0);
  expectType<TypeEqual<typeof m0, Tensor<[3, 4]>>>(true);
  const neg = index(x, -1);
  expectType<TypeEqual<typeof neg, Tensor<[3, 4]>>>(true);
  const big = index(x, 1000); // checked at run time against B
  expectType<TypeEqual<typeof big, Tensor<[3, 4]>>>(true);
  const last = index(y, 5, -1);
  expectType<TypeEqual<typeof last, Tensor<[2]>>>(true);
  const traced = index(x, k);
  expectType<TypeEqual<typeof traced, Tensor<[3, 4]>>>(true);
  const m1 = y.index(1);
  expectType<TypeEqual<typeof m1, Tensor<[N]>>>(true);
  // the static dims are still checked
  // @ts-expect-error index: 2 is out of bounds for axis 0 of size 2 (shape [2, ${ShowDim<N>}])
  index(y, 2);
  // @ts-expect-error index: axis 3 is out of range for shape [${ShowDim<B>}, 3, 4] (rank 3)
  index(x, 0, 3);
  // @ts-expect-error index: indices must be int32, got float32
  index(x, f);
  return [m0, neg, big, last, traced, m1] as const;
}

export function reshaping<B extends number, C extends number>(x: Tensor<[B, 3, 4]>, z: Tensor<[2, B, 3]>, y: Tensor<[3, 4]>, b: number) {
  const flat = reshape(x, [-1]);
  expectType<TypeEqual<typeof flat, Tensor<[number]>>>(true);
  const split = x.reshape([-1, 3, 2, 2]);
  expectType<TypeEqual<typeof split, Tensor<[B, 3, 2, 2]>>>(true);
  const kept = reshape(x, [b as B, 3, 2, 2]);
  expectType<TypeEqual<typeof kept, Tensor<[B, 3, 2, 2]>>>(true);
  const lead = reshape(x, [b as B, 2, -1]);
  expectType<TypeEqual<typeof lead, Tensor<[B, 2, 6]>>>(true);
  // -1 that is not the batch dim: B * 12 / 6 elements, known only at run time
  const pairs = reshape(x, [-1, 6]);
  expectType<TypeEqual<typeof pairs, Tensor<[number, 6]>>>(true);
  // a generic dim not in front
  const mid = reshape(z, [6, -1]);
  expectType<TypeEqual<typeof mid, Tensor<[6, number]>>>(true);
  // another type parameter in the new shape: no dim cancels
  const other = reshape(x, [b as C, -1]);
  expectType<TypeEqual<typeof other, Tensor<[number, number]>>>(true);
  const fromStatic = reshape(y, [b as B, -1]);
  expectType<TypeEqual<typeof fromStatic, Tensor<[number, number]>>>(true);
  // all-static shapes are checked as before
  const s = y.reshape([2, -1]);
  expectType<TypeEqual<typeof s, Tensor<[2, 6]>>>(true);
  // @ts-expect-error reshape: cannot reshape [3, 4] (12 elements) into [5, -1] (12 is not divisible by 5)
  reshape(y, [5, -1]);
  // @ts-expect-error reshape: cannot reshape [3, 4] (12 elements) into [5, 3] (15 elements)
  y.reshape([5, 3]);
  return [flat, split, kept, lead, pairs, mid, other, fromStatic, s] as const;
}
