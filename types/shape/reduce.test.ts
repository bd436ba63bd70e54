import { expectType, type TypeEqual } from "ts-expect";
import type { NormalizeAxes, Reduce, ShapeError } from "../../src/shape/index.js";
import { mean, sum, tensorOf, type Tensor } from "./standins.js";

// all axes
expectType<TypeEqual<Reduce<[3, 4], undefined, false, "sum">, []>>(true);
expectType<TypeEqual<Reduce<[3, 4], undefined, true, "sum">, [1, 1]>>(true);
expectType<TypeEqual<Reduce<[], undefined, false, "sum">, []>>(true);
// one axis, negatives
expectType<TypeEqual<Reduce<[3, 4], 0, false, "sum">, [4]>>(true);
expectType<TypeEqual<Reduce<readonly [3, 4], 1, false, "sum">, [3]>>(true);
expectType<TypeEqual<Reduce<[3, 4], -1, false, "sum">, [3]>>(true);
expectType<TypeEqual<Reduce<[3, 4], -2, true, "sum">, [1, 4]>>(true);
// several axes
expectType<TypeEqual<Reduce<[2, 3, 4], [0, 2], false, "sum">, [3]>>(true);
expectType<TypeEqual<Reduce<[2, 3, 4], readonly [-1, 0], true, "sum">, [1, 3, 1]>>(true);
expectType<TypeEqual<Reduce<[2, 3, 4], [], false, "sum">, [2, 3, 4]>>(true);
// rank 8
expectType<TypeEqual<Reduce<[1, 2, 3, 4, 5, 6, 7, 8], [1, -1, 3], false, "sum">, [1, 3, 5, 6, 7]>>(true);
expectType<TypeEqual<Reduce<[1, 2, 3, 4, 5, 6, 7, 8], -8, true, "sum">, [1, 2, 3, 4, 5, 6, 7, 8]>>(true);
// dynamic
expectType<TypeEqual<Reduce<[number, 4], 0, false, "sum">, [4]>>(true);
expectType<TypeEqual<Reduce<[number, 4], 1, false, "sum">, [number]>>(true);
expectType<TypeEqual<Reduce<[2, 3, 4], number, false, "sum">, [number, number]>>(true);
expectType<TypeEqual<Reduce<[2, 3, 4], number, true, "sum">, [number, number, number]>>(true);
expectType<TypeEqual<Reduce<[2, 3, 4], readonly number[], false, "sum">, number[]>>(true);
expectType<TypeEqual<Reduce<number[], 1, false, "sum">, number[]>>(true);
expectType<TypeEqual<Reduce<number[], undefined, false, "sum">, []>>(true);
expectType<TypeEqual<Reduce<number[], undefined, true, "sum">, number[]>>(true);
expectType<TypeEqual<Reduce<number[], -1, false, "sum">, number[]>>(true);
// errors
expectType<TypeEqual<Reduce<[3, 4], 2, false, "sum">, ShapeError<"sum: axis 2 is out of range for shape [3, 4] (rank 2)">>>(true);
expectType<TypeEqual<Reduce<[3, 4], -3, false, "sum">, ShapeError<"sum: axis -3 is out of range for shape [3, 4] (rank 2)">>>(true);
expectType<TypeEqual<Reduce<[], 0, false, "max">, ShapeError<"max: axis 0 is out of range for shape [] (rank 0)">>>(true);
expectType<TypeEqual<Reduce<[3, 4], [1, -1], false, "sum">, ShapeError<"sum: repeated axis -1 in [1, -1] for shape [3, 4]">>>(true);
expectType<TypeEqual<Reduce<[3, 4], [0, 5], true, "mean">, ShapeError<"mean: axis 5 is out of range for shape [3, 4] (rank 2)">>>(true);
expectType<TypeEqual<NormalizeAxes<[2, 3, 4], [-1, 0], "sum">, [2, 0]>>(true);

// at the call site
const x = tensorOf([3, 4]);
const a = sum(x);
expectType<TypeEqual<typeof a, Tensor<[]>>>(true);
const b = sum(x, 0);
expectType<TypeEqual<typeof b, Tensor<[4]>>>(true);
const c = sum(x, -1);
expectType<TypeEqual<typeof c, Tensor<[3]>>>(true);
const d = sum(tensorOf([2, 3, 4]), [0, 2]);
expectType<TypeEqual<typeof d, Tensor<[3]>>>(true);
const e = mean(x, 1, true);
expectType<TypeEqual<typeof e, Tensor<[3, 1]>>>(true);
const f = mean(x, undefined, true);
expectType<TypeEqual<typeof f, Tensor<[1, 1]>>>(true);
// @ts-expect-error sum: axis 2 is out of range for shape [3, 4] (rank 2)
sum(x, 2);
// @ts-expect-error sum: axis -3 is out of range for shape [3, 4] (rank 2)
sum(x, -3);
// @ts-expect-error sum: repeated axis -1 in [1, -1] for shape [3, 4]
sum(x, [1, -1]);
// @ts-expect-error mean: axis 5 is out of range for shape [3, 4] (rank 2)
mean(x, 5, false);
