// Compile-time suite for linalg's decompositions and what is built on them (qr, eigh, svd, pinv, lstsq, matrixPower, norm).
import { expectType, type TypeEqual } from "ts-expect";
import { linalg, type Tensor } from "../../src/index.js";

declare const sq: Tensor<[4, 4]>;
declare const tall: Tensor<[5, 3], "float64">;
declare const wide: Tensor<[2, 3, 6]>;
declare const ints: Tensor<[3, 3], "int32">;
declare const dyn: Tensor<[number, number]>;
declare const unk: Tensor<number[]>;
declare const vec: Tensor<[5]>;
declare const rect: Tensor<[3, 4]>;

// --- qr ------------------------------------------------------------------------------------------
const q1 = linalg.qr(tall);
expectType<TypeEqual<typeof q1, [Tensor<[5, 3], "float64">, Tensor<[3, 3], "float64">]>>(true);
const q2 = linalg.qr(tall, "complete");
expectType<TypeEqual<typeof q2, [Tensor<[5, 5], "float64">, Tensor<[5, 3], "float64">]>>(true);
const q3 = linalg.qr(wide, "r");
expectType<TypeEqual<typeof q3, Tensor<[2, 3, 6], "float32">>>(true);
const q4 = linalg.qr(wide);
expectType<TypeEqual<typeof q4, [Tensor<[2, 3, 3], "float32">, Tensor<[2, 3, 6], "float32">]>>(true);
const q5 = linalg.qr(ints);
expectType<TypeEqual<(typeof q5)[0], Tensor<[3, 3], "float32">>>(true);
const q6 = linalg.qr(dyn);
// dynamic dims: compared element by element (a tuple of such tensors trips TypeEqual's identity check)
expectType<TypeEqual<(typeof q6)[0], Tensor<[number, number], "float32">>>(true);
expectType<TypeEqual<(typeof q6)[1], Tensor<[number, number], "float32">>>(true);
const q7 = linalg.qr(unk, "r");
expectType<TypeEqual<typeof q7, Tensor<number[], "float32">>>(true);
// @ts-expect-error qr: needs rank >= 2, got shape [5]
linalg.qr(vec);

// --- eigh ----------------------------------------------------------------------------------------
const e1 = linalg.eigh(sq);
expectType<TypeEqual<typeof e1, [Tensor<[4], "float32">, Tensor<[4, 4], "float32">]>>(true);
declare const batchSq: Tensor<[7, 3, 3], "float64">;
const e2 = linalg.eigh(batchSq, "U", false);
expectType<TypeEqual<typeof e2, [Tensor<[7, 3], "float64">, Tensor<[7, 3, 3], "float64">]>>(true);
const e3 = linalg.eigh(dyn);
expectType<TypeEqual<(typeof e3)[0], Tensor<[number], "float32">>>(true);
expectType<TypeEqual<(typeof e3)[1], Tensor<[number, number], "float32">>>(true);
// @ts-expect-error eigh: needs square matrices, got shape [3, 4]
linalg.eigh(rect);
// @ts-expect-error eigh: needs rank >= 2, got shape [5]
linalg.eigh(vec);

// --- svd -----------------------------------------------------------------------------------------
const s1 = linalg.svd(tall);
expectType<TypeEqual<typeof s1, [Tensor<[5, 5], "float64">, Tensor<[3], "float64">, Tensor<[3, 3], "float64">]>>(true);
const s2 = linalg.svd(wide, false);
expectType<TypeEqual<typeof s2, [Tensor<[2, 3, 3], "float32">, Tensor<[2, 3], "float32">, Tensor<[2, 3, 6], "float32">]>>(true);
const s3 = linalg.svd(wide, true, false);
expectType<TypeEqual<typeof s3, Tensor<[2, 3], "float32">>>(true);
const s4 = linalg.svd(unk, false);
expectType<TypeEqual<(typeof s4)[0], Tensor<number[], "float32">>>(true);
expectType<TypeEqual<(typeof s4)[2], Tensor<number[], "float32">>>(true);
// @ts-expect-error svd: needs rank >= 2, got shape [5]
linalg.svd(vec);

// --- pinv, lstsq, matrixPower, norm --------------------------------------------------------------
const p1 = linalg.pinv(wide);
expectType<TypeEqual<typeof p1, Tensor<[2, 6, 3], "float32">>>(true);
const p2 = linalg.pinv(tall, 1e-10);
expectType<TypeEqual<typeof p2, Tensor<[3, 5], "float64">>>(true);
// @ts-expect-error pinv: needs rank >= 2, got shape [5]
linalg.pinv(vec);

declare const b1: Tensor<[5], "float64">;
declare const b2: Tensor<[5, 2], "float64">;
const l1 = linalg.lstsq(tall, b1);
expectType<TypeEqual<typeof l1, [Tensor<[3], "float64">, Tensor<[1], "float64">, Tensor<[], "int32">, Tensor<[3], "float64">]>>(true);
const l2 = linalg.lstsq(tall, b2);
expectType<TypeEqual<typeof l2, [Tensor<[3, 2], "float64">, Tensor<[2], "float64">, Tensor<[], "int32">, Tensor<[3], "float64">]>>(true);
const l3 = linalg.lstsq(rect, vec.reshape([5]) as unknown as Tensor<[3]>);
expectType<TypeEqual<typeof l3, [Tensor<[4], "float32">, Tensor<[1], "float32">, Tensor<[], "int32">, Tensor<[3], "float32">]>>(true);
// mixed dtypes promote, as matmul
declare const b32: Tensor<[5]>;
const l4 = linalg.lstsq(tall, b32);
expectType<TypeEqual<(typeof l4)[0], Tensor<[3], "float64">>>(true);
// @ts-expect-error lstsq: leading dims differ, a [3, 4] and b [5] (3 vs 5)
linalg.lstsq(rect, vec);
// @ts-expect-error lstsq: a must be 2-D, got shape [2, 3, 6]
linalg.lstsq(wide, vec);
declare const b3: Tensor<[5, 2, 2]>;
// @ts-expect-error lstsq: b must be 1-D or 2-D, got shape [5, 2, 2]
linalg.lstsq(tall, b3);

const m1 = linalg.matrixPower(sq, 3);
expectType<TypeEqual<typeof m1, Tensor<[4, 4], "float32">>>(true);
const m2 = linalg.matrixPower(ints, 2);
expectType<TypeEqual<typeof m2, Tensor<[3, 3], "int32">>>(true);
const m3 = linalg.matrixPower(dyn, -1);
expectType<TypeEqual<typeof m3, Tensor<[number, number], "float32">>>(true);
// @ts-expect-error matrixPower: needs square matrices, got shape [3, 4]
linalg.matrixPower(rect, 2);
// @ts-expect-error matrixPower: needs rank >= 2, got shape [5]
linalg.matrixPower(vec, 2);

const n1 = linalg.norm(wide, "nuc", [1, 2]);
expectType<TypeEqual<typeof n1, Tensor<[2], "float32">>>(true);
const n2 = linalg.norm(rect, 2);
expectType<TypeEqual<typeof n2, Tensor<[], "float32">>>(true);
