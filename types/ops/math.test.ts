// Compile-time suite for the math ops and nn activations: result dtypes (float
// promotion of integers, bool predicates, integer rounding and division kept integer), shapes, and
// misuse as an error at the call carrying the op's name.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import { nn, type Tensor } from "../../src/index.js";

declare const x: Tensor<[2, 3]>;
declare const x64: Tensor<[2, 3], "float64">;
declare const xi: Tensor<[2, 3], "int32">;
declare const xb: Tensor<[2, 3], "bool">;
declare const v4: Tensor<[4]>;
declare const col: Tensor<[2, 1]>;
declare const dyn: Tensor<[number, 3]>;
declare const labels: Tensor<[8, 5], "int32">;

// --- unary math: floats keep their dtype, integers and bools compute in float32 -------------
const e1 = sg.erf(x);
expectType<TypeEqual<typeof e1, Tensor<[2, 3]>>>(true);
const e2 = sg.erf(xi);
expectType<TypeEqual<typeof e2, Tensor<[2, 3], "float32">>>(true);
const e3 = sg.erfc(x64);
expectType<TypeEqual<typeof e3, Tensor<[2, 3], "float64">>>(true);
const e4 = x64.expm1().log2().log10().rsqrt().asin().acos().atan().sinh().cosh().asinh().acosh().atanh();
expectType<TypeEqual<typeof e4, Tensor<[2, 3], "float64">>>(true);
const e5 = xb.erf();
expectType<TypeEqual<typeof e5, Tensor<[2, 3], "float32">>>(true);
const e6 = sg.atanh(dyn);
expectType<TypeEqual<typeof e6, Tensor<[number, 3]>>>(true);

// --- rounding keeps the dtype (integers are returned unchanged) -------------------------------
const r1 = sg.floor(xi);
expectType<TypeEqual<typeof r1, Tensor<[2, 3], "int32">>>(true);
const r2 = sg.round(x64, 2);
expectType<TypeEqual<typeof r2, Tensor<[2, 3], "float64">>>(true);
const r3 = x.ceil().trunc().round();
expectType<TypeEqual<typeof r3, Tensor<[2, 3]>>>(true);

// --- predicates and logical ops are bool --------------------------------------------------------
const p1 = sg.isnan(x);
expectType<TypeEqual<typeof p1, Tensor<[2, 3], "bool">>>(true);
const p2 = xi.isfinite();
expectType<TypeEqual<typeof p2, Tensor<[2, 3], "bool">>>(true);
const p3 = sg.logicalAnd(x, col);
expectType<TypeEqual<typeof p3, Tensor<[2, 3], "bool">>>(true);
const p4 = sg.logicalXor(xb, 1);
expectType<TypeEqual<typeof p4, Tensor<[2, 3], "bool">>>(true);
const p5 = sg.logicalNot(xi);
expectType<TypeEqual<typeof p5, Tensor<[2, 3], "bool">>>(true);
const p6 = sg.nanToNum(x64, { nan: 1 });
expectType<TypeEqual<typeof p6, Tensor<[2, 3], "float64">>>(true);

// --- binary: mod and floorDivide keep int32, atan2 and hypot are float ----------------------------
const b1 = sg.floorDivide(xi, 2);
expectType<TypeEqual<typeof b1, Tensor<[2, 3], "int32">>>(true);
const b2 = sg.mod(xi, col.astype("int32"));
expectType<TypeEqual<typeof b2, Tensor<[2, 3], "int32">>>(true);
const b3 = sg.remainder(x64, 1.5);
expectType<TypeEqual<typeof b3, Tensor<[2, 3], "float64">>>(true);
const b4 = xi.floorDivide(x);
expectType<TypeEqual<typeof b4, Tensor<[2, 3], "float32">>>(true);
const b5 = sg.atan2(xi, xi);
expectType<TypeEqual<typeof b5, Tensor<[2, 3], "float32">>>(true);
const b6 = sg.hypot(x64, col);
expectType<TypeEqual<typeof b6, Tensor<[2, 3], "float64">>>(true);
const b7 = sg.where(sg.isnan(col), x, v4.index(0));
expectType<TypeEqual<typeof b7, Tensor<[2, 3]>>>(true);

// --- nn -----------------------------------------------------------------------------------------
const n1 = nn.gelu(x64, { approximate: false });
expectType<TypeEqual<typeof n1, Tensor<[2, 3], "float64">>>(true);
const n2 = nn.silu(nn.elu(nn.leakyRelu(nn.logSigmoid(nn.softsign(nn.relu6(nn.hardTanh(nn.swish(x))))), 0.2)));
expectType<TypeEqual<typeof n2, Tensor<[2, 3]>>>(true);
const o1 = nn.oneHot(labels, 10);
expectType<TypeEqual<typeof o1, Tensor<[8, 5, 10]>>>(true);
const o2 = nn.oneHot(labels, 3, { axis: 0, dtype: "int32" });
expectType<TypeEqual<typeof o2, Tensor<[3, 8, 5], "int32">>>(true);
const o3 = nn.oneHot(labels, 4, { axis: -2, dtype: "bool" });
expectType<TypeEqual<typeof o3, Tensor<[8, 4, 5], "bool">>>(true);
declare const k: number;
const o4 = nn.oneHot(labels, k);
expectType<TypeEqual<typeof o4, Tensor<[8, 5, number]>>>(true);

// --- misuse ---------------------------------------------------------------------------------------
// @ts-expect-error atan2: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.atan2(x, v4);
// @ts-expect-error hypot: shapes [4] and [2, 3] do not broadcast (4 vs 3 at axis -1)
sg.hypot(v4, x);
// @ts-expect-error floorDivide: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
x.floorDivide(v4);
// @ts-expect-error mod: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.mod(xi, v4);
// @ts-expect-error logicalOr: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.logicalOr(xb, v4);
// @ts-expect-error oneHot: numClasses must be a non-negative integer, got -1
nn.oneHot(labels, -1);
// @ts-expect-error oneHot: axis 3 is out of range for shape [8, 5] (must be in [-3, 2])
nn.oneHot(labels, 4, { axis: 3 });
// @ts-expect-error Argument of type 'Tensor<[2, 3], "float32">' is not assignable to parameter of type 'Tensor<[2, 3], "int32">'.
nn.oneHot(x, 4);
// @ts-expect-error Argument of type 'Tensor<[2, 3], "int32">' is not assignable to parameter of type 'Tensor<[2, 3], FloatDType>'.
nn.gelu(xi);
