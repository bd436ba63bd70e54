// Compile-time suite for matmul / dot / outer and the reductions.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import { zeros, type Tensor } from "../../src/index.js";
import type { MatMul, Outer, Reduce, ShapeError } from "../../src/shape/index.js";

declare const x: Tensor<[2, 3]>;
declare const w: Tensor<[3, 4]>;
declare const v3: Tensor<[3]>;
declare const v4: Tensor<[4]>;
declare const bx: Tensor<[5, 2, 3]>;
declare const bw: Tensor<[5, 3, 4]>;
declare const x64: Tensor<[2, 3], "float64">;
declare const xi: Tensor<[2, 3], "int32">;
declare const dyn: Tensor<[number, 3]>;
declare const unk: Tensor<number[]>;

// --- matmul ------------------------------------------------------------------------------------
const m1 = sg.matmul(x, w);
expectType<TypeEqual<typeof m1, Tensor<[2, 4]>>>(true);
const m2 = x.matmul(w);
expectType<TypeEqual<typeof m2, Tensor<[2, 4]>>>(true);
const m3 = sg.matmul(v3, w);
expectType<TypeEqual<typeof m3, Tensor<[4]>>>(true);
const m4 = sg.matmul(x, v3);
expectType<TypeEqual<typeof m4, Tensor<[2]>>>(true);
const m5 = sg.matmul(v3, v3);
expectType<TypeEqual<typeof m5, Tensor<[]>>>(true);
const m6 = sg.matmul(bx, w);
expectType<TypeEqual<typeof m6, Tensor<[5, 2, 4]>>>(true);
const m7 = sg.matmul(x, bw);
expectType<TypeEqual<typeof m7, Tensor<[5, 2, 4]>>>(true);
const m8 = sg.matmul(bx, bw);
expectType<TypeEqual<typeof m8, Tensor<[5, 2, 4]>>>(true);
const m9 = sg.matmul(zeros([7, 1, 2, 3]), zeros([6, 3, 4]));
expectType<TypeEqual<typeof m9, Tensor<[7, 6, 2, 4]>>>(true);
const m10 = sg.matmul(zeros([4096, 1024]), zeros([1024, 2]));
expectType<TypeEqual<typeof m10, Tensor<[4096, 2]>>>(true);
const m11 = sg.matmul(dyn, w);
expectType<TypeEqual<typeof m11, Tensor<[number, 4]>>>(true);
const m12 = sg.matmul(unk, w);
expectType<TypeEqual<typeof m12, Tensor<number[]>>>(true);
// dtypes promote, as at run time
const m13 = sg.matmul(x, zeros([3, 2], "float64"));
expectType<TypeEqual<typeof m13, Tensor<[2, 2], "float64">>>(true);
const m14 = x64.matmul(w);
expectType<TypeEqual<typeof m14, Tensor<[2, 4], "float64">>>(true);
const m15 = sg.matmul(xi, zeros([3, 1], "int32"));
expectType<TypeEqual<typeof m15, Tensor<[2, 1], "int32">>>(true);

// --- dot / outer -------------------------------------------------------------------------------
const d1 = sg.dot(v3, v3);
expectType<TypeEqual<typeof d1, Tensor<[]>>>(true);
const d2 = sg.dot(x, w);
expectType<TypeEqual<typeof d2, Tensor<[2, 4]>>>(true);
const o1 = sg.outer(v3, v4);
expectType<TypeEqual<typeof o1, Tensor<[3, 4]>>>(true);
const o2 = sg.outer(v3, zeros([4], "float64"));
expectType<TypeEqual<typeof o2, Tensor<[3, 4], "float64">>>(true);

// --- reductions --------------------------------------------------------------------------------
declare const t: Tensor<[2, 3, 4]>;
const r1 = sg.sum(t);
expectType<TypeEqual<typeof r1, Tensor<[]>>>(true);
const r2 = sg.sum(t, 0);
expectType<TypeEqual<typeof r2, Tensor<[3, 4]>>>(true);
const r3 = sg.sum(t, -1);
expectType<TypeEqual<typeof r3, Tensor<[2, 3]>>>(true);
const r4 = sg.sum(t, [0, 2]);
expectType<TypeEqual<typeof r4, Tensor<[3]>>>(true);
const r5 = sg.sum(t, [-1, 0], true);
expectType<TypeEqual<typeof r5, Tensor<[1, 3, 1]>>>(true);
const r6 = sg.sum(t, undefined, true);
expectType<TypeEqual<typeof r6, Tensor<[1, 1, 1]>>>(true);
const r7 = sg.mean(t, 1);
expectType<TypeEqual<typeof r7, Tensor<[2, 4]>>>(true);
const r8 = sg.max(t, [1, 2]);
expectType<TypeEqual<typeof r8, Tensor<[2]>>>(true);
const r9 = sg.min(t, 1, true);
expectType<TypeEqual<typeof r9, Tensor<[2, 1, 4]>>>(true);
const r10 = sg.prod(t, []);
expectType<TypeEqual<typeof r10, Tensor<[2, 3, 4]>>>(true);
const rm = [t.sum(1), t.mean(1), t.max(1), t.min(-2), t.prod(1)] as const;
expectType<TypeEqual<(typeof rm)[0], Tensor<[2, 4]>>>(true);
expectType<TypeEqual<(typeof rm)[1], Tensor<[2, 4]>>>(true);
expectType<TypeEqual<(typeof rm)[2], Tensor<[2, 4]>>>(true);
expectType<TypeEqual<(typeof rm)[3], Tensor<[2, 4]>>>(true);
expectType<TypeEqual<(typeof rm)[4], Tensor<[2, 4]>>>(true);
const r11 = t.sum([0, 1], true);
expectType<TypeEqual<typeof r11, Tensor<[1, 1, 4]>>>(true);
const r12 = x.sum();
expectType<TypeEqual<typeof r12, Tensor<[]>>>(true);
// dtypes: sums keep the dtype, mean of integers is float32
const r13 = sg.sum(xi, 0);
expectType<TypeEqual<typeof r13, Tensor<[3], "int32">>>(true);
const r14 = sg.mean(xi);
expectType<TypeEqual<typeof r14, Tensor<[], "float32">>>(true);
const r15 = x64.mean(0);
expectType<TypeEqual<typeof r15, Tensor<[3], "float64">>>(true);
// dynamic dims and axes
const r16 = sg.sum(dyn, 1);
expectType<TypeEqual<typeof r16, Tensor<[number]>>>(true);
declare const ax: number;
const r17 = sg.sum(t, ax);
expectType<TypeEqual<typeof r17, Tensor<[number, number]>>>(true);
const r18 = sg.sum(unk, 0);
expectType<TypeEqual<typeof r18, Tensor<number[]>>>(true);
// rank 8
const r19 = sg.sum(zeros([1, 2, 3, 4, 5, 6, 7, 8]), [1, 3, 5, 7]);
expectType<TypeEqual<typeof r19, Tensor<[1, 3, 5, 7]>>>(true);

// --- messages pinned -----------------------------------------------------------------------------
expectType<TypeEqual<MatMul<[2, 3], [4, 5]>, ShapeError<"matmul: inner dims differ, [2, 3] @ [4, 5] (3 vs 4)">>>(true);
expectType<TypeEqual<MatMul<[3], [4], "dot">, ShapeError<"dot: inner dims differ, [3] @ [4] (3 vs 4)">>>(true);
expectType<TypeEqual<Outer<[2, 3], [4]>, ShapeError<"outer: expects 1-D vectors, got [2, 3] and [4]">>>(true);
expectType<TypeEqual<Reduce<[2, 3], 2, false, "sum">, ShapeError<"sum: axis 2 is out of range for shape [2, 3] (rank 2)">>>(true);
expectType<TypeEqual<Reduce<[2, 3], [1, -1], false, "min">, ShapeError<"min: repeated axis -1 in [1, -1] for shape [2, 3]">>>(true);

// --- misuse ------------------------------------------------------------------------------------
// @ts-expect-error matmul: inner dims differ, [2, 3] @ [4, 5] (3 vs 4)
sg.matmul(x, zeros([4, 5]));
// @ts-expect-error matmul: inner dims differ, [2, 3] @ [4, 5] (3 vs 4)
x.matmul(zeros([4, 5]));
// @ts-expect-error matmul: inner dims differ, [3] @ [4] (3 vs 4)
sg.matmul(v3, v4);
// @ts-expect-error matmul: inner dims differ, [5, 2, 3] @ [4] (3 vs 4)
sg.matmul(bx, v4);
// @ts-expect-error matmul: batch dims [2] and [5] do not broadcast, [2, 3, 4] @ [5, 4, 6]
sg.matmul(zeros([2, 3, 4]), zeros([5, 4, 6]));
// @ts-expect-error matmul: operands must be at least 1-D, got [] @ [3]
sg.matmul(zeros([]), v3);
// @ts-expect-error matmul: inner dims differ, [number, 3] @ [4, 5] (3 vs 4)
sg.matmul(dyn, zeros([4, 5]));
// @ts-expect-error dot: inner dims differ, [3] @ [4] (3 vs 4)
sg.dot(v3, v4);
// @ts-expect-error outer: expects 1-D vectors, got [2, 3] and [4]
sg.outer(x, v4);
// @ts-expect-error sum: axis 3 is out of range for shape [2, 3, 4] (rank 3)
sg.sum(t, 3);
// @ts-expect-error sum: axis 2 is out of range for shape [2, 3] (rank 2)
x.sum(2);
// @ts-expect-error mean: axis -3 is out of range for shape [2, 3] (rank 2)
sg.mean(x, -3);
// @ts-expect-error max: axis 2 is out of range for shape [2, 3] (rank 2)
sg.max(x, [0, 2]);
// @ts-expect-error min: repeated axis -1 in [1, -1] for shape [2, 3]
x.min([1, -1]);
// @ts-expect-error prod: axis 5 is out of range for shape [2, 3] (rank 2)
sg.prod(x, 5, true);
// @ts-expect-error sum: axis 0 is out of range for shape [] (rank 0)
sg.sum(zeros([]), 0);
