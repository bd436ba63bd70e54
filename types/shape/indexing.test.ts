import { expectType, type TypeEqual } from "ts-expect";
import type { Index, ShapeError, Slice } from "../../src/shape/index.js";
import { index, slice, tensorOf, type Tensor } from "./standins.js";

// --- Index -------------------------------------------------------------------------------------
expectType<TypeEqual<Index<[3, 4], 0>, [4]>>(true);
expectType<TypeEqual<Index<readonly [3, 4], 2>, [4]>>(true);
expectType<TypeEqual<Index<[3, 4], -3>, [4]>>(true);
expectType<TypeEqual<Index<[3, 4], 3, 1>, [3]>>(true);
expectType<TypeEqual<Index<[3, 4], 0, -1>, [3]>>(true);
expectType<TypeEqual<Index<[3], 1>, []>>(true);
expectType<TypeEqual<Index<[3, 4], number>, [4]>>(true);
expectType<TypeEqual<Index<[number, 4], 100>, [4]>>(true);
expectType<TypeEqual<Index<[3, 4], 0, number>, [number]>>(true);
expectType<TypeEqual<Index<number[], 0>, number[]>>(true);
expectType<TypeEqual<Index<[1, 2, 3, 4, 5, 6, 7, 8], 5, -1>, [1, 2, 3, 4, 5, 6, 7]>>(true);
expectType<TypeEqual<Index<[3, 4], 5>, ShapeError<"index: 5 is out of bounds for axis 0 of size 3 (shape [3, 4])">>>(true);
expectType<TypeEqual<Index<[3, 4], -4>, ShapeError<"index: -4 is out of bounds for axis 0 of size 3 (shape [3, 4])">>>(true);
expectType<TypeEqual<Index<[3, 4], 4, 1>, ShapeError<"index: 4 is out of bounds for axis 1 of size 4 (shape [3, 4])">>>(true);
expectType<TypeEqual<Index<[], 0>, ShapeError<"index: cannot index a rank-0 tensor (shape [])">>>(true);
expectType<TypeEqual<Index<[3, 4], 0, 2>, ShapeError<"index: axis 2 is out of range for shape [3, 4] (rank 2)">>>(true);
expectType<TypeEqual<Index<[0], 0>, ShapeError<"index: 0 is out of bounds for axis 0 of size 0 (shape [0])">>>(true);

// --- Slice -------------------------------------------------------------------------------------
expectType<TypeEqual<Slice<[10, 4], [[2, 5]]>, [3, 4]>>(true);
expectType<TypeEqual<Slice<readonly [10, 4], readonly [readonly [2, 5]]>, [3, 4]>>(true);
expectType<TypeEqual<Slice<[10, 4], []>, [10, 4]>>(true);
expectType<TypeEqual<Slice<[10, 4], [null, [1]]>, [10, 3]>>(true);
expectType<TypeEqual<Slice<[10, 4], [[0, 10, 3]]>, [4, 4]>>(true);
expectType<TypeEqual<Slice<[10], [[1, 10, 3]]>, [3]>>(true);
expectType<TypeEqual<Slice<[10], [[null, null, 2]]>, [5]>>(true);
expectType<TypeEqual<Slice<[10], [[undefined, undefined, 4]]>, [3]>>(true);
expectType<TypeEqual<Slice<[10], [[-3]]>, [3]>>(true);
expectType<TypeEqual<Slice<[10], [[-3, -1]]>, [2]>>(true);
expectType<TypeEqual<Slice<[10], [[0, -1]]>, [9]>>(true);
expectType<TypeEqual<Slice<[10], [[-100, 100]]>, [10]>>(true);
expectType<TypeEqual<Slice<[10], [[5, 2]]>, [0]>>(true);
expectType<TypeEqual<Slice<[10], [[12, 20]]>, [0]>>(true);
expectType<TypeEqual<Slice<[10], [[]]>, [10]>>(true);
expectType<TypeEqual<Slice<[150528], [[1, 150000, 7]]>, [21429]>>(true);
expectType<TypeEqual<Slice<[1, 2, 3, 4, 5, 6, 7, 8], [null, null, null, null, null, null, null, [1, 7, 2]]>, [1, 2, 3, 4, 5, 6, 7, 3]>>(
  true,
);
// dynamic
expectType<TypeEqual<Slice<[number, 4], [[0, 2], [1, 3]]>, [number, 2]>>(true);
expectType<TypeEqual<Slice<[number, 4], [null]>, [number, 4]>>(true);
expectType<TypeEqual<Slice<[10], [[number, 5]]>, [number]>>(true);
expectType<TypeEqual<Slice<[10], [[0, 5, number]]>, [number]>>(true);
expectType<TypeEqual<Slice<number[], [[0, 2]]>, number[]>>(true);
expectType<TypeEqual<Slice<[10, 4], readonly [number, number][]>, [number, number]>>(true);
// errors
expectType<TypeEqual<Slice<[10], [[0, 5, 0]]>, ShapeError<"slice: step must be a positive integer, got 0 (axis 0)">>>(true);
expectType<TypeEqual<Slice<[10, 4], [null, [0, 5, -1]]>, ShapeError<"slice: step must be a positive integer, got -1 (axis 1)">>>(true);
expectType<TypeEqual<Slice<[number], [[0, 5, 0]]>, ShapeError<"slice: step must be a positive integer, got 0 (axis 0)">>>(true);
expectType<TypeEqual<Slice<[2, 3], [null, null, null]>, ShapeError<"slice: too many indices (3) for shape [2, 3]">>>(true);

// --- at the call site --------------------------------------------------------------------------
const x = tensorOf([3, 4]);
const i1 = index(x, 1);
expectType<TypeEqual<typeof i1, Tensor<[4]>>>(true);
const i2 = index(x, -1, 1);
expectType<TypeEqual<typeof i2, Tensor<[3]>>>(true);
// @ts-expect-error index: 5 is out of bounds for axis 0 of size 3 (shape [3, 4])
index(x, 5);
// @ts-expect-error index: 4 is out of bounds for axis 1 of size 4 (shape [3, 4])
index(x, 4, 1);
// @ts-expect-error index: cannot index a rank-0 tensor (shape [])
index(tensorOf([]), 0);

const s1 = slice(tensorOf([10, 4]), [[2, 8, 2]]);
expectType<TypeEqual<typeof s1, Tensor<[3, 4]>>>(true);
const s2 = slice(tensorOf([10, 4]), [null, [-2]]);
expectType<TypeEqual<typeof s2, Tensor<[10, 2]>>>(true);
// @ts-expect-error slice: step must be a positive integer, got 0 (axis 0)
slice(tensorOf([10, 4]), [[0, 5, 0]]);
// @ts-expect-error slice: too many indices (3) for shape [2, 3]
slice(tensorOf([2, 3]), [null, null, null]);
