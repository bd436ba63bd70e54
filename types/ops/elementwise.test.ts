// Compile-time suite for the elementwise ops: result shapes and dtypes, methods, dynamic dims, and
// every shape misuse as an error at the call whose first line carries the message.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import { tensor, zeros, type Tensor } from "../../src/index.js";
import type { Broadcast, BroadcastAll, ShapeError } from "../../src/shape/index.js";

/** True if every element type of the tuple T is identical to E. */
type AllEqual<T extends readonly unknown[], E> = { [K in keyof T]: TypeEqual<T[K], E> }[number] extends true ? true : false;

declare const x: Tensor<[2, 3]>;
declare const row: Tensor<[1, 3]>;
declare const col: Tensor<[2, 1]>;
declare const v4: Tensor<[4]>;
declare const s: Tensor<[]>;
declare const x3: Tensor<[5, 2, 3]>;
declare const x64: Tensor<[2, 3], "float64">;
declare const xi: Tensor<[2, 3], "int32">;
declare const xb: Tensor<[2, 3], "bool">;
declare const dyn: Tensor<[number, 3]>;
declare const unk: Tensor<number[]>;

// --- broadcasting ------------------------------------------------------------------------------
const a1 = sg.add(x, 1);
expectType<TypeEqual<typeof a1, Tensor<[2, 3]>>>(true);
const a2 = sg.add(1, x);
expectType<TypeEqual<typeof a2, Tensor<[2, 3]>>>(true);
const a3 = sg.add(x, s);
expectType<TypeEqual<typeof a3, Tensor<[2, 3]>>>(true);
const a4 = sg.mul(s, x3);
expectType<TypeEqual<typeof a4, Tensor<[5, 2, 3]>>>(true);
const a5 = sg.sub(col, row);
expectType<TypeEqual<typeof a5, Tensor<[2, 3]>>>(true);
const a6 = sg.add(tensor([[1], [2], [3]]), zeros([1, 4]));
expectType<TypeEqual<typeof a6, Tensor<[3, 4]>>>(true);
const a7 = sg.add(x3, row);
expectType<TypeEqual<typeof a7, Tensor<[5, 2, 3]>>>(true);
const a8 = sg.add(zeros([0, 3]), zeros([1, 3]));
expectType<TypeEqual<typeof a8, Tensor<[0, 3]>>>(true);
const a9 = sg.add(1, 2);
expectType<TypeEqual<typeof a9, Tensor<[]>>>(true);
const a10 = sg.maximum(zeros([8, 1, 6, 1]), zeros([7, 1, 5]));
expectType<TypeEqual<typeof a10, Tensor<[8, 7, 6, 5]>>>(true);
const a11 = sg.add(zeros([2, 1, 3, 1, 4, 1, 5, 1]), zeros([1, 6, 1, 7, 1, 8, 1, 9]));
expectType<TypeEqual<typeof a11, Tensor<[2, 6, 3, 7, 4, 8, 5, 9]>>>(true);

// --- dtypes ------------------------------------------------------------------------------------
const d1 = sg.add(x, x64);
expectType<TypeEqual<typeof d1, Tensor<[2, 3], "float64">>>(true);
const d2 = sg.mul(xi, 2);
expectType<TypeEqual<typeof d2, Tensor<[2, 3], "int32">>>(true);
const d3 = sg.add(xi, x);
expectType<TypeEqual<typeof d3, Tensor<[2, 3], "float32">>>(true);
const d4 = sg.add(xb, xi);
expectType<TypeEqual<typeof d4, Tensor<[2, 3], "int32">>>(true);
const d5 = sg.add(x64, 0.5);
expectType<TypeEqual<typeof d5, Tensor<[2, 3], "float64">>>(true);
// div and pow give floats for integer inputs (as at run time)
const d6 = sg.div(xi, 2);
expectType<TypeEqual<typeof d6, Tensor<[2, 3], "float32">>>(true);
const d7 = sg.pow(xi, 2);
expectType<TypeEqual<typeof d7, Tensor<[2, 3], "float32">>>(true);
const d8 = sg.div(x64, xi);
expectType<TypeEqual<typeof d8, Tensor<[2, 3], "float64">>>(true);
const d9 = sg.div(1, x);
expectType<TypeEqual<typeof d9, Tensor<[2, 3]>>>(true);

// --- every binary op and its method ------------------------------------------------------------
const b1 = sg.sub(x, row);
const b2 = sg.div(x, col);
const b3 = sg.pow(x, 3);
const b4 = sg.maximum(x, 0);
const b5 = sg.minimum(x, s);
expectType<AllEqual<[typeof b1, typeof b2, typeof b3, typeof b4, typeof b5], Tensor<[2, 3]>>>(true);
const m1 = x.add(1);
const m2 = col.sub(row);
const m3 = x.mul(x64);
const m4 = x.div(2);
const m5 = x.pow(3);
const m6 = x.maximum(row);
const m7 = x.minimum(0);
expectType<TypeEqual<typeof m1, Tensor<[2, 3]>>>(true);
expectType<TypeEqual<typeof m2, Tensor<[2, 3]>>>(true);
expectType<TypeEqual<typeof m3, Tensor<[2, 3], "float64">>>(true);
expectType<TypeEqual<typeof m4, Tensor<[2, 3]>>>(true);
expectType<TypeEqual<typeof m5, Tensor<[2, 3]>>>(true);
expectType<TypeEqual<typeof m6, Tensor<[2, 3]>>>(true);
expectType<TypeEqual<typeof m7, Tensor<[2, 3]>>>(true);
const m8 = xi.div(2);
expectType<TypeEqual<typeof m8, Tensor<[2, 3], "float32">>>(true);

// --- comparisons, where, clip ------------------------------------------------------------------
const c1 = sg.less(x, 1);
const c2 = sg.lessEqual(col, row);
const c3 = sg.greater(x, x64);
const c4 = sg.greaterEqual(s, x3);
const c5 = sg.equal(x, row);
const c6 = sg.notEqual(1, x);
expectType<TypeEqual<typeof c1, Tensor<[2, 3], "bool">>>(true);
expectType<TypeEqual<typeof c2, Tensor<[2, 3], "bool">>>(true);
expectType<TypeEqual<typeof c3, Tensor<[2, 3], "bool">>>(true);
expectType<TypeEqual<typeof c4, Tensor<[5, 2, 3], "bool">>>(true);
expectType<TypeEqual<typeof c5, Tensor<[2, 3], "bool">>>(true);
expectType<TypeEqual<typeof c6, Tensor<[2, 3], "bool">>>(true);
const cm = [x.less(1), x.lessEqual(1), x.greater(row), x.greaterEqual(col), x.equal(0), x.notEqual(s)] as const;
expectType<AllEqual<typeof cm, Tensor<[2, 3], "bool">>>(true);
const w1 = sg.where(sg.less(col, 0), row, 0);
expectType<TypeEqual<typeof w1, Tensor<[2, 3]>>>(true);
const w2 = sg.where(sg.less(x, 0), x64, x);
expectType<TypeEqual<typeof w2, Tensor<[2, 3], "float64">>>(true);
const w3 = sg.where(sg.less(s, 0), 1, x3);
expectType<TypeEqual<typeof w3, Tensor<[5, 2, 3]>>>(true);
const cl1 = sg.clip(x, 0, 1);
expectType<TypeEqual<typeof cl1, Tensor<[2, 3]>>>(true);
const cl2 = sg.clip(row, col, 1);
expectType<TypeEqual<typeof cl2, Tensor<[2, 3]>>>(true);
const cl3 = sg.clip(xi, 0, 1);
expectType<TypeEqual<typeof cl3, Tensor<[2, 3], "int32">>>(true);

// --- unary ops ---------------------------------------------------------------------------------
const u = [sg.neg(x), sg.abs(x), sg.sign(x), sg.square(x), sg.exp(x), sg.log(x), sg.log1p(x), sg.sin(x), sg.cos(x), sg.tan(x), sg.tanh(x), sg.sqrt(x), sg.reciprocal(x), sg.sigmoid(x), sg.relu(x), sg.softplus(x)] as const;
expectType<AllEqual<typeof u, Tensor<[2, 3]>>>(true);
const um = [x.neg(), x.abs(), x.sign(), x.square(), x.exp(), x.log(), x.log1p(), x.sin(), x.cos(), x.tan(), x.tanh(), x.sqrt(), x.reciprocal(), x.sigmoid(), x.relu(), x.softplus()] as const;
expectType<AllEqual<typeof um, Tensor<[2, 3]>>>(true);
const u64 = sg.softplus(x64);
expectType<TypeEqual<typeof u64, Tensor<[2, 3], "float64">>>(true);
const ui = [sg.neg(xi), sg.abs(xi), sg.relu(xi), sg.square(xi), sg.sign(xi)] as const;
expectType<AllEqual<typeof ui, Tensor<[2, 3], "int32">>>(true);
const at = sg.astype(x, "int32");
expectType<TypeEqual<typeof at, Tensor<[2, 3], "int32">>>(true);
const atm = x.astype("float64");
expectType<TypeEqual<typeof atm, Tensor<[2, 3], "float64">>>(true);

// --- dynamic dims: pass at compile time, checked at run time -----------------------------------
const y1 = sg.add(dyn, x);
expectType<TypeEqual<typeof y1, Tensor<[2, 3]>>>(true);
const y2 = sg.add(dyn, dyn);
expectType<TypeEqual<typeof y2, Tensor<[number, 3]>>>(true);
const y3 = sg.add(dyn, v4.reshape([4, 1]));
expectType<TypeEqual<typeof y3, Tensor<[4, 3]>>>(true);
const y4 = sg.mul(unk, x);
expectType<TypeEqual<typeof y4, Tensor<number[]>>>(true);
const y5 = dyn.add(row);
expectType<TypeEqual<typeof y5, Tensor<[number, 3]>>>(true);

// --- the messages, pinned at the shape-function level ------------------------------------------
expectType<TypeEqual<Broadcast<[2, 3], [4], "add">, ShapeError<"add: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)">>>(true);
expectType<TypeEqual<Broadcast<[2, 3], [3, 3], "mul">, ShapeError<"mul: shapes [2, 3] and [3, 3] do not broadcast (2 vs 3 at axis -2)">>>(true);
expectType<TypeEqual<Broadcast<[number, 3], [number, 4], "sub">, ShapeError<"sub: shapes [number, 3] and [number, 4] do not broadcast (3 vs 4 at axis -1)">>>(true);
expectType<TypeEqual<BroadcastAll<[[2, 3], [2, 3], [4]], "where">, ShapeError<"where: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)">>>(true);

// --- misuse: each an error at the call ---------------------------------------------------------
// @ts-expect-error add: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.add(x, v4);
// @ts-expect-error add: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
x.add(v4);
// @ts-expect-error sub: shapes [2, 3] and [3, 2] do not broadcast (3 vs 2 at axis -1)
sg.sub(x, zeros([3, 2]));
// @ts-expect-error mul: shapes [4] and [2, 3] do not broadcast (4 vs 3 at axis -1)
sg.mul(v4, x);
// @ts-expect-error div: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.div(x, v4);
// @ts-expect-error pow: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
x.pow(v4);
// @ts-expect-error maximum: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.maximum(x, v4);
// @ts-expect-error minimum: shapes [5, 2, 3] and [3, 3] do not broadcast (2 vs 3 at axis -2)
sg.minimum(x3, zeros([3, 3]));
// @ts-expect-error less: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.less(x, v4);
// @ts-expect-error equal: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
x.equal(v4);
// @ts-expect-error greaterEqual: shapes [4] and [2, 3] do not broadcast (4 vs 3 at axis -1)
v4.greaterEqual(x);
// @ts-expect-error where: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.where(sg.less(x, 0), x, v4);
// @ts-expect-error where: shapes [4] and [2, 3] do not broadcast (4 vs 3 at axis -1)
sg.where(sg.less(v4, 0), x, 0);
// @ts-expect-error clip: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
sg.clip(x, 0, v4);
// @ts-expect-error add: shapes [number, 3] and [2, 4] do not broadcast (3 vs 4 at axis -1)
sg.add(dyn, zeros([2, 4]));
// @ts-expect-error (exp needs a float tensor)
sg.exp(xi);
// @ts-expect-error (sqrt needs a float tensor)
xi.sqrt();
// @ts-expect-error (where needs a bool condition)
sg.where(x, x, 0);
