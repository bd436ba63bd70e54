// Large ranks and large numbers: no TS2589 and exact results.
import { expectType, type TypeEqual } from "ts-expect";
import type { Broadcast, Concat, MatMul, Product, Reduce, Reshape, Slice, Transpose } from "../../src/shape/index.js";

type S16 = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
expectType<TypeEqual<Reshape<S16, [-1]>, [65536]>>(true);
expectType<TypeEqual<Broadcast<S16, [1]>, S16>>(true);
expectType<TypeEqual<Transpose<S16>, S16>>(true);
expectType<TypeEqual<Reduce<S16, [0, 15], false, "sum">, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]>>(true);
expectType<TypeEqual<Product<[4096, 4096, 512]>, 8589934592>>(true);
expectType<TypeEqual<Reshape<[4096, 4096, 512], [-1, 512]>, [16777216, 512]>>(true);
expectType<TypeEqual<Slice<[1000000], [[-999999, 999999, 3]]>, [333333]>>(true);
expectType<TypeEqual<MatMul<[2, 2, 2, 2, 2, 2, 2, 3, 4], [2, 2, 2, 2, 2, 2, 2, 4, 5]>, [2, 2, 2, 2, 2, 2, 2, 3, 5]>>(true);
expectType<TypeEqual<Concat<[[1, 2], [3, 2], [4, 2], [5, 2], [6, 2], [7, 2], [8, 2], [9, 2]]>, [43, 2]>>(true);
// beyond 2^53 a product cannot be a literal: it becomes `number` (and reshape does not check)
expectType<TypeEqual<Product<[4294967296, 4294967296]>, number>>(true);
expectType<TypeEqual<Reshape<[4294967296, 4294967296], [-1, 2]>, [number, 2]>>(true);
