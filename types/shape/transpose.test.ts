import { expectType, type TypeEqual } from "ts-expect";
import type { Permute, ShapeError, Transpose } from "../../src/shape/index.js";
import { tensorOf, transpose, type Tensor } from "./standins.js";

expectType<TypeEqual<Transpose<[2, 3]>, [3, 2]>>(true);
expectType<TypeEqual<Transpose<readonly [2, 3, 4]>, [4, 3, 2]>>(true);
expectType<TypeEqual<Transpose<[]>, []>>(true);
expectType<TypeEqual<Transpose<[5]>, [5]>>(true);
expectType<TypeEqual<Transpose<[2, 3, 4], [1, 0, 2]>, [3, 2, 4]>>(true);
expectType<TypeEqual<Transpose<[2, 3, 4], readonly [-1, 0, 1]>, [4, 2, 3]>>(true);
expectType<TypeEqual<Transpose<[1, 2, 3, 4, 5, 6, 7, 8], [7, 6, 5, 4, 3, 2, 1, 0]>, [8, 7, 6, 5, 4, 3, 2, 1]>>(true);
expectType<TypeEqual<Transpose<[1, 2, 3, 4, 5, 6, 7, 8]>, [8, 7, 6, 5, 4, 3, 2, 1]>>(true);
expectType<TypeEqual<Permute<[2, 3, 4], [2, 0, 1]>, [4, 2, 3]>>(true);
// dynamic
expectType<TypeEqual<Transpose<[number, 3]>, [3, number]>>(true);
expectType<TypeEqual<Transpose<[2, 3], [number, number]>, [number, number]>>(true);
expectType<TypeEqual<Transpose<[2, 3], readonly number[]>, [number, number]>>(true);
expectType<TypeEqual<Transpose<number[]>, number[]>>(true);
expectType<TypeEqual<Transpose<number[], [1, 0]>, [number, number]>>(true);
// errors
expectType<TypeEqual<Transpose<[2, 3], [0, 0]>, ShapeError<"transpose: [0, 0] is not a permutation of the axes of [2, 3]">>>(true);
expectType<TypeEqual<Transpose<[2, 3], [0, -2]>, ShapeError<"transpose: [0, -2] is not a permutation of the axes of [2, 3]">>>(true);
expectType<TypeEqual<Transpose<[2, 3], [0]>, ShapeError<"transpose: [0] is not a permutation of the axes of [2, 3]">>>(true);
expectType<TypeEqual<Transpose<[2, 3], [0, 2]>, ShapeError<"transpose: [0, 2] is not a permutation of the axes of [2, 3]">>>(true);
expectType<TypeEqual<Permute<[2, 3], [1, 1]>, ShapeError<"permute: [1, 1] is not a permutation of the axes of [2, 3]">>>(true);

const x = tensorOf([2, 3, 4]);
const t1 = transpose(x);
expectType<TypeEqual<typeof t1, Tensor<[4, 3, 2]>>>(true);
const t2 = transpose(x, [0, 2, 1]);
expectType<TypeEqual<typeof t2, Tensor<[2, 4, 3]>>>(true);
const t3 = transpose(x, [-1, -3, -2]);
expectType<TypeEqual<typeof t3, Tensor<[4, 2, 3]>>>(true);
// @ts-expect-error transpose: [0, 0] is not a permutation of the axes of [2, 3]
transpose(tensorOf([2, 3]), [0, 0]);
// @ts-expect-error transpose: [0, 1] is not a permutation of the axes of [2, 3, 4]
transpose(x, [0, 1]);
