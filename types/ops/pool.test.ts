// Compile-time suite for pooling: lax.reduceWindow, nn.maxPool and nn.avgPool; result shapes
// (through the window arithmetic) and each misuse's message.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { PoolShape, ReduceWindowShape, ShapeError } from "../../src/shape/index.js";

declare const img: Tensor<[8, 28, 28, 16]>;
declare const big: Tensor<[2, 224, 224, 3], "float64">;
declare const huge: Tensor<[1, 1024, 1024, 1]>;
declare const hwc: Tensor<[28, 28, 3]>;
declare const seq: Tensor<[4, 100, 8]>;
declare const vol: Tensor<[2, 16, 16, 16, 4]>;
declare const dyn: Tensor<[number, 28, number, 16]>;
declare const i32: Tensor<[6, 6], "int32">;
declare const m: Tensor<[5, 6]>;

// --- nn.maxPool / nn.avgPool -------------------------------------------------------------------
const a1 = sg.nn.maxPool(img, [2, 2], { strides: [2, 2] });
expectType<TypeEqual<typeof a1, Tensor<[8, 14, 14, 16]>>>(true);
const a2 = sg.nn.maxPool(img, [3, 3], { strides: [2, 2], padding: "SAME" });
expectType<TypeEqual<typeof a2, Tensor<[8, 14, 14, 16]>>>(true);
const a3 = sg.nn.maxPool(img, [3, 3]);
expectType<TypeEqual<typeof a3, Tensor<[8, 26, 26, 16]>>>(true);
const a4 = sg.nn.avgPool(big, [3, 3], { strides: [2, 2], padding: "SAME" });
expectType<TypeEqual<typeof a4, Tensor<[2, 112, 112, 3], "float64">>>(true);
const a5 = sg.nn.avgPool(huge, [2, 2], { strides: [2, 2], countIncludePad: false });
expectType<TypeEqual<typeof a5, Tensor<[1, 512, 512, 1]>>>(true);
const a6 = sg.nn.maxPool(hwc, [2, 2], { strides: [2, 2] });
expectType<TypeEqual<typeof a6, Tensor<[14, 14, 3]>>>(true);
const a7 = sg.nn.maxPool(seq, [3], { strides: [2], padding: [[1, 1]] });
expectType<TypeEqual<typeof a7, Tensor<[4, 50, 8]>>>(true);
const a8 = sg.nn.avgPool(vol, [2, 2, 2], { strides: [2, 2, 2] });
expectType<TypeEqual<typeof a8, Tensor<[2, 8, 8, 8, 4]>>>(true);
const a9 = sg.nn.maxPool(dyn, [2, 2], { strides: [2, 2] });
expectType<TypeEqual<typeof a9, Tensor<[number, 14, number, 16]>>>(true);
const a10 = sg.nn.maxPool(i32.reshape([1, 6, 6, 1]), [3, 3], { strides: [3, 3] });
expectType<TypeEqual<typeof a10, Tensor<[1, 2, 2, 1], "int32">>>(true);
const a11 = sg.nn.maxPool(huge, [3, 3], { padding: "SAME" });
expectType<TypeEqual<typeof a11, Tensor<[1, 1024, 1024, 1]>>>(true);
declare const w: number[];
const a12 = sg.nn.maxPool(img, w);
expectType<TypeEqual<typeof a12, Tensor<number[]>>>(true);

// misuse
// @ts-expect-error maxPool: a 2-D window [2, 2] needs an input of rank 3 or more ([...batch, ...spatial, features]), got [5, 6]
sg.nn.maxPool(m, [2, 2]);
// @ts-expect-error avgPool: a 3-D window [2, 2, 2] needs an input of rank 4 or more ([...batch, ...spatial, features]), got [28, 28, 3]
sg.nn.avgPool(hwc, [2, 2, 2]);
// @ts-expect-error maxPool: strides [2] (length 1) do not match window [2, 2] (length 2)
sg.nn.maxPool(img, [2, 2], { strides: [2] });
// @ts-expect-error avgPool: padding has 1 pairs for window [2, 2] (length 2)
sg.nn.avgPool(img, [2, 2], { padding: [[1, 1]] });
// @ts-expect-error (avgPool takes float tensors)
sg.nn.avgPool(i32.reshape([1, 6, 6, 1]), [2, 2]);

// --- lax.reduceWindow --------------------------------------------------------------------------
const r1 = sg.lax.reduceWindow(img, -Infinity, "max", [1, 2, 2, 1], [1, 2, 2, 1], "VALID");
expectType<TypeEqual<typeof r1, Tensor<[8, 14, 14, 16]>>>(true);
const r2 = sg.lax.reduceWindow(m, 0, "add", [3, 3], [1, 1], "SAME");
expectType<TypeEqual<typeof r2, Tensor<[5, 6]>>>(true);
const r3 = sg.lax.reduceWindow(m, 0, "add", [2, 2], [1, 2], [[1, 0], [0, 1]], { baseDilation: [2, 1], windowDilation: [1, 2] });
expectType<TypeEqual<typeof r3, Tensor<[9, 3]>>>(true);
const r4 = sg.lax.reduceWindow(i32, 0, "min", [2, 2], [2, 2], "VALID");
expectType<TypeEqual<typeof r4, Tensor<[3, 3], "int32">>>(true);
const r5 = sg.lax.reduceWindow(huge, 0, "add", [1, 3, 3, 1], [1, 2, 2, 1], "SAME", { windowDilation: [1, 2, 2, 1] });
expectType<TypeEqual<typeof r5, Tensor<[1, 512, 512, 1]>>>(true);

// misuse
// @ts-expect-error reduceWindow: windowDimensions [2, 2] (length 2) does not match shape [8, 28, 28, 16] (rank 4)
sg.lax.reduceWindow(img, 0, "add", [2, 2], [1, 1, 1, 1], "VALID");
// @ts-expect-error reduceWindow: windowStrides [2, 2, 2] (length 3) does not match shape [5, 6] (rank 2)
sg.lax.reduceWindow(m, 0, "add", [2, 2], [2, 2, 2], "VALID");
// @ts-expect-error reduceWindow: padding has 1 pairs for shape [5, 6] (rank 2)
sg.lax.reduceWindow(m, 0, "add", [2, 2], [1, 1], [[1, 1]]);
// @ts-expect-error reduceWindow: windowDilation [2] (length 1) does not match shape [5, 6] (rank 2)
sg.lax.reduceWindow(m, 0, "max", [2, 2], [1, 1], "VALID", { windowDilation: [2] });
// @ts-expect-error (an unknown computation)
sg.lax.reduceWindow(m, 0, "pow", [2, 2], [1, 1], "VALID");

// --- the shape types directly --------------------------------------------------------------------
expectType<TypeEqual<PoolShape<[8, 224, 224, 64], [3, 3], [2, 2], "SAME">, [8, 112, 112, 64]>>(true);
expectType<TypeEqual<PoolShape<[8, 512, 512, 3], [2, 2], [2, 2], "VALID">, [8, 256, 256, 3]>>(true);
expectType<TypeEqual<PoolShape<number[], [2, 2], [2, 2], "VALID">, number[]>>(true);
expectType<TypeEqual<ReduceWindowShape<[1024, 1024], [3, 3], [1, 1], "SAME", [2, 2], [2, 2]>, [2047, 2047]>>(true);
expectType<TypeEqual<ReduceWindowShape<number[], [3, 3], [1, 1], "SAME">, [number, number]>>(true);
expectType<TypeEqual<ReduceWindowShape<[4, 4], [2], [1], "VALID">, ShapeError<"reduceWindow: windowDimensions [2] (length 1) does not match shape [4, 4] (rank 2)">>>(true);
