import { expectType, type TypeEqual } from "ts-expect";
import type { Concat, ShapeError, Stack } from "../../src/shape/index.js";
import { concat, stack, tensorOf, type Tensor } from "./standins.js";

// --- Concat ------------------------------------------------------------------------------------
expectType<TypeEqual<Concat<[[2, 3], [4, 3]]>, [6, 3]>>(true);
expectType<TypeEqual<Concat<[[2, 3], [2, 5]], 1>, [2, 8]>>(true);
expectType<TypeEqual<Concat<[[2, 3], [2, 5], [2, 1]], -1>, [2, 9]>>(true);
expectType<TypeEqual<Concat<readonly [readonly [2, 3]]>, [2, 3]>>(true);
expectType<TypeEqual<Concat<[[1024, 3], [1048576, 3]]>, [1049600, 3]>>(true);
expectType<TypeEqual<Concat<[[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8]], 7>, [1, 2, 3, 4, 5, 6, 7, 16]>>(true);
// dynamic
expectType<TypeEqual<Concat<[[number, 3], [4, 3]]>, [number, 3]>>(true);
expectType<TypeEqual<Concat<[[2, number], [4, 3]]>, [6, 3]>>(true);
expectType<TypeEqual<Concat<[[2, 3], [4, 3]], number>, [number, number]>>(true);
expectType<TypeEqual<Concat<[2, 3][]>, [number, 3]>>(true);
expectType<TypeEqual<Concat<[2, 3][], 1>, [2, number]>>(true);
expectType<TypeEqual<Concat<[[2, 3], number[]]>, number[]>>(true);
// errors
expectType<TypeEqual<Concat<[]>, ShapeError<"concat: needs a non-empty array of tensors">>>(true);
expectType<
  TypeEqual<Concat<[[2, 3], [4, 3]], 1>, ShapeError<"concat: shapes [2, 3] and [4, 3] differ at axis 0 (2 vs 4); only axis 1 may differ">>
>(true);
expectType<TypeEqual<Concat<[[2, 3], [2]]>, ShapeError<"concat: shapes [2, 3] and [2] differ in rank (2 vs 1)">>>(true);
expectType<TypeEqual<Concat<[[2, 3], [2, 3]], 2>, ShapeError<"concat: axis 2 is out of range for shape [2, 3] (rank 2)">>>(true);
expectType<TypeEqual<Concat<[[]]>, ShapeError<"concat: cannot concatenate rank-0 tensors (use stack)">>>(true);

// --- Stack -------------------------------------------------------------------------------------
expectType<TypeEqual<Stack<[[2, 3], [2, 3]]>, [2, 2, 3]>>(true);
expectType<TypeEqual<Stack<[[2, 3], [2, 3], [2, 3]], 1>, [2, 3, 3]>>(true);
expectType<TypeEqual<Stack<[[2, 3], [2, 3], [2, 3]], -1>, [2, 3, 3]>>(true);
expectType<TypeEqual<Stack<[[], []]>, [2]>>(true);
expectType<TypeEqual<Stack<[[number, 3], [2, number]]>, [2, 2, 3]>>(true);
expectType<TypeEqual<Stack<[2, 3][]>, [number, 2, 3]>>(true);
expectType<TypeEqual<Stack<[2, 3][], -1>, [2, 3, number]>>(true);
expectType<TypeEqual<Stack<[[2, 3], [2, 3]], number>, [number, number, number]>>(true);
expectType<TypeEqual<Stack<[]>, ShapeError<"stack: needs a non-empty array of tensors">>>(true);
expectType<TypeEqual<Stack<[[2, 3], [3, 2]]>, ShapeError<"stack: all shapes must be equal, got [2, 3] and [3, 2]">>>(true);
expectType<TypeEqual<Stack<[[2, 3], [2, 3, 1]]>, ShapeError<"stack: all shapes must be equal, got [2, 3] and [2, 3, 1]">>>(true);
expectType<TypeEqual<Stack<[[2, 3]], 3>, ShapeError<"stack: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])">>>(true);

// --- at the call site --------------------------------------------------------------------------
const a = tensorOf([2, 3]);
const c1 = concat([a, tensorOf([4, 3])]);
expectType<TypeEqual<typeof c1, Tensor<[6, 3]>>>(true);
const c2 = concat([a, tensorOf([2, 5])], 1);
expectType<TypeEqual<typeof c2, Tensor<[2, 8]>>>(true);
// @ts-expect-error concat: shapes [2, 3] and [4, 3] differ at axis 0 (2 vs 4); only axis 1 may differ
concat([a, tensorOf([4, 3])], 1);
const s1 = stack([a, a, a], 1);
expectType<TypeEqual<typeof s1, Tensor<[2, 3, 3]>>>(true);
// @ts-expect-error stack: all shapes must be equal, got [2, 3] and [3, 2]
stack([a, tensorOf([3, 2])]);
