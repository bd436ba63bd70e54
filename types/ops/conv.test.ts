// Compile-time suite for convolutions: output shapes from the window arithmetic (strides,
// SAME / VALID / explicit pads, dilations, groups, layouts, 1/2/3-D, real image sizes) and the
// errors at the call that name both shapes.
import { expectType, type TypeEqual } from "ts-expect";
import { lax, zeros, type Tensor } from "../../src/index.js";

declare const x: Tensor<[8, 3, 28, 28]>;
declare const k: Tensor<[16, 3, 3, 3]>;
declare const x64: Tensor<[8, 3, 28, 28], "float64">;
declare const k64: Tensor<[16, 3, 3, 3], "float64">;

// --- 2-D, default NCHW / OIHW --------------------------------------------------------------------
const c1 = lax.convGeneralDilated(x, k, [2, 2], "VALID");
expectType<TypeEqual<typeof c1, Tensor<[8, 16, 13, 13]>>>(true);
const c2 = lax.convGeneralDilated(x, k, [1, 1], "SAME");
expectType<TypeEqual<typeof c2, Tensor<[8, 16, 28, 28]>>>(true);
const c3 = lax.convGeneralDilated(x, k, [2, 2], "SAME");
expectType<TypeEqual<typeof c3, Tensor<[8, 16, 14, 14]>>>(true);
const c3b = lax.convGeneralDilated(x, zeros([16, 3, 4, 4]), [2, 2], "SAME_LOWER");
expectType<TypeEqual<typeof c3b, Tensor<[8, 16, 14, 14]>>>(true);
const c4 = lax.convGeneralDilated(x, k, [1, 3], [[1, 1], [2, 0]]);
expectType<TypeEqual<typeof c4, Tensor<[8, 16, 28, 10]>>>(true);
const c5 = lax.convGeneralDilated(x64, k64, [1, 1], "VALID", { rhsDilation: [2, 2] });
expectType<TypeEqual<typeof c5, Tensor<[8, 16, 24, 24], "float64">>>(true);
const c6 = lax.convGeneralDilated(x, k, [1, 1], [[0, 0], [0, 0]], { lhsDilation: [2, 2] });
expectType<TypeEqual<typeof c6, Tensor<[8, 16, 53, 53]>>>(true);
const c7 = lax.conv(x, k, [2, 2], "VALID");
expectType<TypeEqual<typeof c7, Tensor<[8, 16, 13, 13]>>>(true);

// --- layouts ---------------------------------------------------------------------------------------
const n1 = lax.convGeneralDilated(zeros([32, 32, 32, 16]), zeros([3, 3, 16, 32]), [1, 1], "SAME", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] });
expectType<TypeEqual<typeof n1, Tensor<[32, 32, 32, 32]>>>(true);
const n2 = lax.convGeneralDilated(zeros([4, 10, 12, 3]), zeros([5, 3, 3, 2]), [2, 1], "VALID", { dimensionNumbers: ["NHWC", "OIHW", "NCHW"] });
expectType<TypeEqual<typeof n2, Tensor<[4, 5, 4, 11]>>>(true);

// --- groups ------------------------------------------------------------------------------------------
const g1 = lax.convGeneralDilated(zeros([2, 6, 9, 9]), zeros([4, 3, 3, 3]), [1, 1], "VALID", { featureGroupCount: 2 });
expectType<TypeEqual<typeof g1, Tensor<[2, 4, 7, 7]>>>(true);
const g2 = lax.convGeneralDilated(zeros([1, 9, 9, 8]), zeros([3, 3, 1, 16]), [1, 1], "SAME", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"], featureGroupCount: 8 });
expectType<TypeEqual<typeof g2, Tensor<[1, 9, 9, 16]>>>(true);
const g3 = lax.convGeneralDilated(zeros([6, 3, 5, 5]), zeros([4, 3, 2, 2]), [1, 1], "VALID", { batchGroupCount: 2 });
expectType<TypeEqual<typeof g3, Tensor<[3, 4, 4, 4]>>>(true);

// --- 1-D and 3-D ------------------------------------------------------------------------------------
const d1 = lax.convGeneralDilated(zeros([2, 3, 100]), zeros([8, 3, 5]), [2], "SAME");
expectType<TypeEqual<typeof d1, Tensor<[2, 8, 50]>>>(true);
const d2 = lax.convGeneralDilated(zeros([2, 100, 3]), zeros([5, 3, 8]), [3], "VALID", { dimensionNumbers: ["NHC", "HIO", "NHC"] });
expectType<TypeEqual<typeof d2, Tensor<[2, 32, 8]>>>(true);
const d3 = lax.convGeneralDilated(zeros([1, 2, 16, 16, 16]), zeros([4, 2, 3, 3, 3]), [2, 2, 2], "VALID");
expectType<TypeEqual<typeof d3, Tensor<[1, 4, 7, 7, 7]>>>(true);
const d4 = lax.convGeneralDilated(zeros([1, 9, 16, 16, 2]), zeros([3, 3, 3, 2, 4]), [1, 2, 2], "SAME", { dimensionNumbers: ["NDHWC", "DHWIO", "NDHWC"] });
expectType<TypeEqual<typeof d4, Tensor<[1, 9, 8, 8, 4]>>>(true);

// --- real image sizes, no TS2589 -------------------------------------------------------------------------
const big1 = lax.convGeneralDilated(zeros([1, 3, 224, 224]), zeros([64, 3, 7, 7]), [2, 2], "SAME");
expectType<TypeEqual<typeof big1, Tensor<[1, 64, 112, 112]>>>(true);
const big2 = lax.convGeneralDilated(zeros([1, 3, 224, 224]), zeros([64, 3, 7, 7]), [2, 2], [[3, 3], [3, 3]]);
expectType<TypeEqual<typeof big2, Tensor<[1, 64, 112, 112]>>>(true);
const big3 = lax.convGeneralDilated(zeros([2, 512, 512, 3]), zeros([3, 3, 3, 32]), [2, 2], "VALID", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] });
expectType<TypeEqual<typeof big3, Tensor<[2, 255, 255, 32]>>>(true);
const big4 = lax.convGeneralDilated(zeros([1, 1, 1024, 1024]), zeros([1, 1, 5, 5]), [3, 3], "SAME", { rhsDilation: [4, 4] });
expectType<TypeEqual<typeof big4, Tensor<[1, 1, 342, 342]>>>(true);
const big5 = lax.convGeneralDilated(zeros([1, 1, 1024, 1024]), zeros([1, 1, 5, 5]), [1, 1], [[0, 0], [0, 0]], { lhsDilation: [2, 2], rhsDilation: [3, 3] });
expectType<TypeEqual<typeof big5, Tensor<[1, 1, 2035, 2035]>>>(true);

// --- dynamic dims give number, checked at run time -----------------------------------------------------
declare const dynX: Tensor<[number, 3, number, 28]>;
const dy1 = lax.convGeneralDilated(dynX, k, [2, 2], "VALID");
expectType<TypeEqual<typeof dy1, Tensor<[number, 16, number, 13]>>>(true);
declare const anyX: Tensor<number[]>;
const dy2 = lax.convGeneralDilated(anyX, k, [1, 1], "SAME");
expectType<TypeEqual<typeof dy2, Tensor<number[]>>>(true);

// --- convTranspose ------------------------------------------------------------------------------------------
const t1 = lax.convTranspose(zeros([2, 14, 14, 16]), zeros([3, 3, 16, 8]), [2, 2], "SAME");
expectType<TypeEqual<typeof t1, Tensor<[2, 28, 28, 8]>>>(true);
const t2 = lax.convTranspose(zeros([2, 14, 14, 16]), zeros([3, 3, 16, 8]), [2, 2], "VALID");
expectType<TypeEqual<typeof t2, Tensor<[2, 29, 29, 8]>>>(true);
const t3 = lax.convTranspose(zeros([2, 14, 14, 16]), zeros([3, 3, 8, 16]), [2, 2], "SAME", { transposeKernel: true });
expectType<TypeEqual<typeof t3, Tensor<[2, 28, 28, 8]>>>(true);
const t4 = lax.convTranspose(zeros([2, 112, 112, 64]), zeros([4, 4, 64, 3]), [2, 2], "SAME");
expectType<TypeEqual<typeof t4, Tensor<[2, 224, 224, 3]>>>(true);

// --- errors at the call, naming both shapes ------------------------------------------------------------------
// @ts-expect-error convGeneralDilated: lhs [8, 3, 28, 28] has 3 input features, rhs [16, 4, 3, 3] expects 4 × 1 feature groups
lax.convGeneralDilated(x, zeros([16, 4, 3, 3]), [1, 1], "VALID");
// @ts-expect-error convGeneralDilated: lhs [8, 6, 28, 28] has 6 input features, rhs [16, 3, 3, 3] expects 3 × 3 feature groups
lax.convGeneralDilated(zeros([8, 6, 28, 28]), k, [1, 1], "VALID", { featureGroupCount: 3 });
// @ts-expect-error convGeneralDilated: featureGroupCount 2 does not divide the 15 output features of rhs [15, 3, 3, 3] (lhs [8, 6, 28, 28])
lax.convGeneralDilated(zeros([8, 6, 28, 28]), zeros([15, 3, 3, 3]), [1, 1], "VALID", { featureGroupCount: 2 });
// @ts-expect-error convGeneralDilated: batchGroupCount 3 does not divide the batch 8 of lhs [8, 3, 5, 5] (rhs [6, 3, 3, 3])
lax.convGeneralDilated(zeros([8, 3, 5, 5]), zeros([6, 3, 3, 3]), [1, 1], "VALID", { batchGroupCount: 3 });
// @ts-expect-error convGeneralDilated: batchGroupCount 4 does not divide the 6 output features of rhs [6, 3, 3, 3] (lhs [8, 3, 5, 5])
lax.convGeneralDilated(zeros([8, 3, 5, 5]), zeros([6, 3, 3, 3]), [1, 1], "VALID", { batchGroupCount: 4 });
// @ts-expect-error convGeneralDilated: lhs [8, 3, 28] and rhs [16, 3, 3, 3] differ in rank (3 vs 4)
lax.convGeneralDilated(zeros([8, 3, 28]), k, [1], "VALID");
// @ts-expect-error convGeneralDilated: dimension numbers NHWC, HWIO, NHW do not fit lhs [8, 3, 28, 28] and rhs [16, 3, 3, 3]
lax.convGeneralDilated(x, k, [1, 1], "VALID", { dimensionNumbers: ["NHWC", "HWIO", "NHW"] });
// @ts-expect-error convGeneralDilated: lhs [32, 32, 32, 16] has 32 input features, rhs [3, 3, 16, 32] expects 16 × 1 feature groups
lax.convGeneralDilated(zeros([32, 32, 32, 16]), zeros([3, 3, 16, 32]), [1, 1], "SAME", { dimensionNumbers: ["NCHW", "HWIO", "NHWC"] });
// @ts-expect-error conv: lhs [8, 3, 28, 28] has 3 input features, rhs [16, 4, 3, 3] expects 4 × 1 feature groups
lax.conv(x, zeros([16, 4, 3, 3]), [1, 1], "VALID");
// @ts-expect-error convTranspose: lhs [2, 14, 14, 16] has 16 input features, rhs [3, 3, 8, 16] expects 8 × 1 feature groups
lax.convTranspose(zeros([2, 14, 14, 16]), zeros([3, 3, 8, 16]), [2, 2], "SAME");
// @ts-expect-error convGeneralDilated: 2 spatial dims but windowStrides has length 1
lax.convGeneralDilated(x, k, [1], "VALID");
// @ts-expect-error conv: 2 spatial dims but padding has length 3
lax.conv(x, k, [1, 1], [[0, 0], [1, 1], [1, 1]]);
// @ts-expect-error convTranspose: 2 spatial dims but strides has length 3
lax.convTranspose(zeros([2, 14, 14, 16]), zeros([3, 3, 16, 8]), [2, 2, 2], "SAME");

// --- a generic batch dim stays generic ---------------------------------------------------------------------
export function genericBatch<B extends number>(xb: Tensor<[B, 3, 28, 28]>, xh: Tensor<[B, 28, 28, 3]>) {
  const y1 = lax.convGeneralDilated(xb, k, [2, 2], "VALID");
  expectType<TypeEqual<typeof y1, Tensor<[B, 16, 13, 13]>>>(true);
  const y2 = lax.convGeneralDilated(xh, zeros([3, 3, 3, 8]), [1, 1], "SAME", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] });
  expectType<TypeEqual<typeof y2, Tensor<[B, 28, 28, 8]>>>(true);
  return [y1, y2];
}
// @ts-expect-error convGeneralDilated: string padding SAME needs lhsDilation 1, got [2, 1] (give explicit pads, or use convTranspose)
lax.convGeneralDilated(x, k, [1, 1], "SAME", { lhsDilation: [2, 1] });
