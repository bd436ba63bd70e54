import { expectType, type TypeEqual } from "ts-expect";
import type { Dot, MatMul, Outer, ShapeError } from "../../src/shape/index.js";
import { dot, matmul, outer, tensorOf, type Tensor } from "./standins.js";

// --- MatMul ------------------------------------------------------------------------------------
expectType<TypeEqual<MatMul<[2, 3], [3, 4]>, [2, 4]>>(true);
expectType<TypeEqual<MatMul<readonly [2, 3], readonly [3, 4]>, [2, 4]>>(true);
// 1-D promotion
expectType<TypeEqual<MatMul<[3], [3, 4]>, [4]>>(true);
expectType<TypeEqual<MatMul<[2, 3], [3]>, [2]>>(true);
expectType<TypeEqual<MatMul<[3], [3]>, []>>(true);
expectType<TypeEqual<MatMul<[3], [5, 3, 4]>, [5, 4]>>(true);
expectType<TypeEqual<MatMul<[5, 2, 3], [3]>, [5, 2]>>(true);
// batch broadcasting
expectType<TypeEqual<MatMul<[5, 2, 3], [3, 4]>, [5, 2, 4]>>(true);
expectType<TypeEqual<MatMul<[2, 3], [5, 3, 4]>, [5, 2, 4]>>(true);
expectType<TypeEqual<MatMul<[7, 1, 2, 3], [5, 3, 4]>, [7, 5, 2, 4]>>(true);
expectType<TypeEqual<MatMul<[1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 8, 9]>, [1, 2, 3, 4, 5, 6, 7, 9]>>(true);
// dynamic dims
expectType<TypeEqual<MatMul<[number, 3], [3, 4]>, [number, 4]>>(true);
expectType<TypeEqual<MatMul<[2, number], [3, 4]>, [2, 4]>>(true);
expectType<TypeEqual<MatMul<[2, 3], [number, 4]>, [2, 4]>>(true);
expectType<TypeEqual<MatMul<[number, 2, 3], [5, 3, 4]>, [5, 2, 4]>>(true);
expectType<TypeEqual<MatMul<number[], [3, 4]>, number[]>>(true);
expectType<TypeEqual<MatMul<[2, 3], number[]>, number[]>>(true);
// large dims
expectType<TypeEqual<MatMul<[4096, 1024], [1024, 2]>, [4096, 2]>>(true);
// errors
expectType<TypeEqual<MatMul<[2, 3], [4, 5]>, ShapeError<"matmul: inner dims differ, [2, 3] @ [4, 5] (3 vs 4)">>>(true);
expectType<TypeEqual<MatMul<[3], [4]>, ShapeError<"matmul: inner dims differ, [3] @ [4] (3 vs 4)">>>(true);
expectType<TypeEqual<MatMul<[3], [4, 5]>, ShapeError<"matmul: inner dims differ, [3] @ [4, 5] (3 vs 4)">>>(true);
expectType<TypeEqual<MatMul<[2, 3], [4]>, ShapeError<"matmul: inner dims differ, [2, 3] @ [4] (3 vs 4)">>>(true);
expectType<TypeEqual<MatMul<[], [3]>, ShapeError<"matmul: operands must be at least 1-D, got [] @ [3]">>>(true);
expectType<TypeEqual<MatMul<[3], []>, ShapeError<"matmul: operands must be at least 1-D, got [3] @ []">>>(true);
expectType<
  TypeEqual<MatMul<[2, 3, 4], [5, 4, 6]>, ShapeError<"matmul: batch dims [2] and [5] do not broadcast, [2, 3, 4] @ [5, 4, 6]">>
>(true);

// --- Dot ---------------------------------------------------------------------------------------
expectType<TypeEqual<Dot<[3], [3]>, []>>(true);
expectType<TypeEqual<Dot<[2, 3], [3, 4]>, [2, 4]>>(true);
expectType<TypeEqual<Dot<[number], [3]>, []>>(true);
expectType<TypeEqual<Dot<[3], [4]>, ShapeError<"dot: inner dims differ, [3] @ [4] (3 vs 4)">>>(true);

// --- Outer -------------------------------------------------------------------------------------
expectType<TypeEqual<Outer<[3], [4]>, [3, 4]>>(true);
expectType<TypeEqual<Outer<readonly [number], readonly [4]>, [number, 4]>>(true);
expectType<TypeEqual<Outer<number[], [4]>, [number, 4]>>(true);
expectType<TypeEqual<Outer<[2, 3], [4]>, ShapeError<"outer: expects 1-D vectors, got [2, 3] and [4]">>>(true);
expectType<TypeEqual<Outer<[3], []>, ShapeError<"outer: expects 1-D vectors, got [3] and []">>>(true);

// --- at the call site --------------------------------------------------------------------------
const a = tensorOf([2, 3]);
const m1 = matmul(a, tensorOf([3, 4]));
expectType<TypeEqual<typeof m1, Tensor<[2, 4]>>>(true);
const m2 = matmul(tensorOf([4096, 64]), tensorOf([64, 2]));
expectType<TypeEqual<typeof m2, Tensor<[4096, 2]>>>(true);
const m3 = matmul(tensorOf([3]), tensorOf([3]));
expectType<TypeEqual<typeof m3, Tensor<[]>>>(true);
declare const batch: Tensor<[number, 3]>;
const m4 = matmul(batch, tensorOf([3, 8]));
expectType<TypeEqual<typeof m4, Tensor<[number, 8]>>>(true);
// @ts-expect-error matmul: inner dims differ, [2, 3] @ [4, 5] (3 vs 4)
matmul(a, tensorOf([4, 5]));
// @ts-expect-error matmul: operands must be at least 1-D, got [] @ [3]
matmul(tensorOf([]), tensorOf([3]));
// @ts-expect-error matmul: batch dims [2] and [5] do not broadcast, [2, 3, 4] @ [5, 4, 6]
matmul(tensorOf([2, 3, 4]), tensorOf([5, 4, 6]));

const d1 = dot(tensorOf([3]), tensorOf([3]));
expectType<TypeEqual<typeof d1, Tensor<[]>>>(true);
// @ts-expect-error dot: inner dims differ, [3] @ [4] (3 vs 4)
dot(tensorOf([3]), tensorOf([4]));

const o1 = outer(tensorOf([3]), tensorOf([4]));
expectType<TypeEqual<typeof o1, Tensor<[3, 4]>>>(true);
// @ts-expect-error outer: expects 1-D vectors, got [2, 3] and [4]
outer(a, tensorOf([4]));

// A batch-polymorphic function: a generic leading dim survives 2-D matmul exactly.
export function layer<B extends number>(x: Tensor<[B, 3]>): Tensor<[B, 4]> {
  return matmul(x, tensorOf([3, 4]));
}
