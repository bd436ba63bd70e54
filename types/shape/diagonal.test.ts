import { expectType, type TypeEqual } from "ts-expect";
import type { Diagonal, ShapeError, Trace } from "../../src/shape/index.js";
import { diagonal, tensorOf, trace, type Tensor } from "./standins.js";

expectType<TypeEqual<Diagonal<[3, 3]>, [3]>>(true);
expectType<TypeEqual<Diagonal<readonly [3, 5]>, [3]>>(true);
expectType<TypeEqual<Diagonal<[5, 3]>, [3]>>(true);
expectType<TypeEqual<Diagonal<[3, 5], 1>, [3]>>(true);
expectType<TypeEqual<Diagonal<[3, 5], 3>, [2]>>(true);
expectType<TypeEqual<Diagonal<[3, 5], 6>, [0]>>(true);
expectType<TypeEqual<Diagonal<[3, 5], -1>, [2]>>(true);
expectType<TypeEqual<Diagonal<[3, 5], -4>, [0]>>(true);
expectType<TypeEqual<Diagonal<[2, 3, 4], 0, 1, 2>, [2, 3]>>(true);
expectType<TypeEqual<Diagonal<[2, 3, 4], 0, -1, 0>, [3, 2]>>(true);
expectType<TypeEqual<Diagonal<[2, 3, 4], 0, 2, 0>, [3, 2]>>(true);
expectType<TypeEqual<Diagonal<[1, 2, 3, 4, 5, 6, 7, 8], 0, 0, 7>, [2, 3, 4, 5, 6, 7, 1]>>(true);
// dynamic
expectType<TypeEqual<Diagonal<[number, 3]>, [number]>>(true);
expectType<TypeEqual<Diagonal<[3, 3], number>, [number]>>(true);
expectType<TypeEqual<Diagonal<[2, 3, 4], 0, number, 1>, [number, number]>>(true);
expectType<TypeEqual<Diagonal<number[]>, number[]>>(true);
// errors
expectType<TypeEqual<Diagonal<[3]>, ShapeError<"diagonal: needs rank >= 2, got shape [3]">>>(true);
expectType<TypeEqual<Diagonal<[3, 3], 0, 0, 2>, ShapeError<"diagonal: axis 2 is out of range for shape [3, 3] (rank 2)">>>(true);
expectType<TypeEqual<Diagonal<[3, 3], 0, 0, -2>, ShapeError<"diagonal: axis1 and axis2 must differ, got 0 and -2 for shape [3, 3]">>>(
  true,
);

// Trace
expectType<TypeEqual<Trace<[3, 3]>, []>>(true);
expectType<TypeEqual<Trace<[2, 3, 4], 0, 1, 2>, [2]>>(true);
expectType<TypeEqual<Trace<[3]>, ShapeError<"trace: needs rank >= 2, got shape [3]">>>(true);
expectType<TypeEqual<Trace<[3, 3], 0, 1, 1>, ShapeError<"trace: axis1 and axis2 must differ, got 1 and 1 for shape [3, 3]">>>(true);

const d1 = diagonal(tensorOf([4, 4]));
expectType<TypeEqual<typeof d1, Tensor<[4]>>>(true);
const d2 = diagonal(tensorOf([2, 4, 4]), 0, 1, 2);
expectType<TypeEqual<typeof d2, Tensor<[2, 4]>>>(true);
// @ts-expect-error diagonal: needs rank >= 2, got shape [3]
diagonal(tensorOf([3]));
const t1 = trace(tensorOf([4, 4]));
expectType<TypeEqual<typeof t1, Tensor<[]>>>(true);
// @ts-expect-error trace: needs rank >= 2, got shape [3]
trace(tensorOf([3]));
