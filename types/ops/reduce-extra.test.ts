// Compile-time suite for the reductions, scans and sorts (ops/reduce-extra.ts) and the softmax family.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import { zeros, type Tensor } from "../../src/index.js";
import type { Cumulative, ShapeError, TopK } from "../../src/shape/index.js";

declare const x: Tensor<[3, 4]>;
declare const t: Tensor<[2, 3, 4]>;
declare const x64: Tensor<[3, 4], "float64">;
declare const xi: Tensor<[3, 4], "int32">;
declare const xb: Tensor<[3, 4], "bool">;
declare const dyn: Tensor<[number, 4]>;
declare const last: Tensor<[3, number]>;
declare const unk: Tensor<number[]>;

// --- argmax / argmin -----------------------------------------------------------------------------
const a1 = sg.argmax(x, 1);
expectType<TypeEqual<typeof a1, Tensor<[3], "int32">>>(true);
const a2 = sg.argmax(x);
expectType<TypeEqual<typeof a2, Tensor<[], "int32">>>(true);
const a3 = sg.argmin(x, 0, true);
expectType<TypeEqual<typeof a3, Tensor<[1, 4], "int32">>>(true);
const a4 = sg.argmax(x, undefined, true);
expectType<TypeEqual<typeof a4, Tensor<[1, 1], "int32">>>(true);
const a5 = x64.argmax(-1);
expectType<TypeEqual<typeof a5, Tensor<[3], "int32">>>(true);
const a6 = t.argmin(1);
expectType<TypeEqual<typeof a6, Tensor<[2, 4], "int32">>>(true);
const a7 = sg.argmax(dyn, 1);
expectType<TypeEqual<typeof a7, Tensor<[number], "int32">>>(true);

// --- any / all -----------------------------------------------------------------------------------
const b1 = sg.any(x);
expectType<TypeEqual<typeof b1, Tensor<[], "bool">>>(true);
const b2 = sg.all(xb, 1);
expectType<TypeEqual<typeof b2, Tensor<[3], "bool">>>(true);
const b3 = t.any([0, 2], true);
expectType<TypeEqual<typeof b3, Tensor<[1, 3, 1], "bool">>>(true);
const b4 = xi.all(0);
expectType<TypeEqual<typeof b4, Tensor<[4], "bool">>>(true);

// --- var / std / norm / logsumexp ----------------------------------------------------------------
const v1 = sg.var(x);
expectType<TypeEqual<typeof v1, Tensor<[]>>>(true);
const v2 = sg.var(t, 1, { ddof: 1 });
expectType<TypeEqual<typeof v2, Tensor<[2, 4]>>>(true);
const v3 = sg.std(x64, 0, { keepdims: true });
expectType<TypeEqual<typeof v3, Tensor<[1, 4], "float64">>>(true);
const v4 = xi.var(1);
expectType<TypeEqual<typeof v4, Tensor<[3], "float32">>>(true);
const v5 = x.std(undefined, { ddof: 1, keepdims: true });
expectType<TypeEqual<typeof v5, Tensor<[1, 1]>>>(true);
const n1 = sg.norm(x);
expectType<TypeEqual<typeof n1, Tensor<[]>>>(true);
const n2 = sg.norm(x64, 1, 1);
expectType<TypeEqual<typeof n2, Tensor<[3], "float64">>>(true);
const n3 = sg.norm(t, "fro", [1, 2], true);
expectType<TypeEqual<typeof n3, Tensor<[2, 1, 1]>>>(true);
const n4 = sg.norm(xi, Infinity);
expectType<TypeEqual<typeof n4, Tensor<[], "float32">>>(true);
const l1 = sg.logsumexp(x, 1);
expectType<TypeEqual<typeof l1, Tensor<[3]>>>(true);
const l2 = sg.logsumexp(x64, -1, true);
expectType<TypeEqual<typeof l2, Tensor<[3, 1], "float64">>>(true);
const l3 = sg.nn.logsumexp(t);
expectType<TypeEqual<typeof l3, Tensor<[]>>>(true);

// --- cumulative ----------------------------------------------------------------------------------
const c1 = sg.cumsum(x, 1);
expectType<TypeEqual<typeof c1, Tensor<[3, 4]>>>(true);
const c2 = sg.cumsum(x);
expectType<TypeEqual<typeof c2, Tensor<[12]>>>(true);
const c3 = sg.cumprod(xb, 0);
expectType<TypeEqual<typeof c3, Tensor<[3, 4], "int32">>>(true);
const c4 = sg.cummax(xb, -1, { reverse: true });
expectType<TypeEqual<typeof c4, Tensor<[3, 4], "bool">>>(true);
const c5 = sg.cummin(x64, 0);
expectType<TypeEqual<typeof c5, Tensor<[3, 4], "float64">>>(true);
const c6 = t.cumsum(-2, { reverse: true });
expectType<TypeEqual<typeof c6, Tensor<[2, 3, 4]>>>(true);
const c7 = xi.cumprod();
expectType<TypeEqual<typeof c7, Tensor<[12], "int32">>>(true);
const c8 = sg.cumsum(dyn);
expectType<TypeEqual<typeof c8, Tensor<[number]>>>(true);

// --- sort / argsort / topK -----------------------------------------------------------------------
const s1 = sg.sort(x);
expectType<TypeEqual<typeof s1, Tensor<[3, 4]>>>(true);
const s2 = sg.sort(xi, 0, { descending: true });
expectType<TypeEqual<typeof s2, Tensor<[3, 4], "int32">>>(true);
const s3 = sg.argsort(x64, 0);
expectType<TypeEqual<typeof s3, Tensor<[3, 4], "int32">>>(true);
const s4 = t.sort(1);
expectType<TypeEqual<typeof s4, Tensor<[2, 3, 4]>>>(true);
const s5 = x.argsort(undefined, { descending: true });
expectType<TypeEqual<typeof s5, Tensor<[3, 4], "int32">>>(true);
const k1 = sg.topK(x, 2);
expectType<TypeEqual<typeof k1, [Tensor<[3, 2]>, Tensor<[3, 2], "int32">]>>(true);
const [kv, ki] = sg.topK(t, 4);
expectType<TypeEqual<typeof kv, Tensor<[2, 3, 4]>>>(true);
expectType<TypeEqual<typeof ki, Tensor<[2, 3, 4], "int32">>>(true);
const k2 = sg.topK(x64, 0);
expectType<TypeEqual<(typeof k2)[0], Tensor<[3, 0], "float64">>>(true);
const k3 = sg.topK(last, 5);
expectType<TypeEqual<typeof k3, [Tensor<[3, 5]>, Tensor<[3, 5], "int32">]>>(true);
declare const k: number;
const k4 = sg.topK(x, k);
expectType<TypeEqual<(typeof k4)[1], Tensor<[3, number], "int32">>>(true);
const k5 = sg.topK(unk, 2);
expectType<TypeEqual<(typeof k5)[0], Tensor<number[]>>>(true);

// --- the softmax family --------------------------------------------------------------------------
const f1 = sg.nn.softmax(x);
expectType<TypeEqual<typeof f1, Tensor<[3, 4]>>>(true);
const f2 = sg.nn.logSoftmax(x64, 0);
expectType<TypeEqual<typeof f2, Tensor<[3, 4], "float64">>>(true);
const f3 = sg.nn.standardize(t, [1, 2], { epsilon: 1e-6 });
expectType<TypeEqual<typeof f3, Tensor<[2, 3, 4]>>>(true);
const f4 = sg.nn.softmax(xi);
expectType<TypeEqual<typeof f4, Tensor<[3, 4], "float32">>>(true);

// --- messages pinned -----------------------------------------------------------------------------
expectType<TypeEqual<TopK<[3, 4], 5>, ShapeError<"topK: k = 5 is larger than the last axis (size 4) of shape [3, 4]">>>(true);
expectType<TypeEqual<TopK<[], 1>, ShapeError<"topK: needs rank >= 1, got shape []">>>(true);
expectType<TypeEqual<TopK<[3, 4], -1>, ShapeError<"topK: k must be a non-negative integer, got -1">>>(true);
expectType<TypeEqual<Cumulative<[3, 4], 2, "cumsum">, ShapeError<"cumsum: axis 2 is out of range for shape [3, 4] (rank 2)">>>(true);

// --- misuse --------------------------------------------------------------------------------------
// @ts-expect-error argmax: axis 2 is out of range for shape [3, 4] (rank 2)
sg.argmax(x, 2);
// @ts-expect-error argmin: axis -3 is out of range for shape [3, 4] (rank 2)
x.argmin(-3);
// @ts-expect-error any: axis 3 is out of range for shape [3, 4] (rank 2)
sg.any(x, [0, 3]);
// @ts-expect-error all: repeated axis -1 in [1, -1] for shape [3, 4]
xb.all([1, -1]);
// @ts-expect-error var: axis 2 is out of range for shape [3, 4] (rank 2)
sg.var(x, 2);
// @ts-expect-error std: axis 5 is out of range for shape [3, 4] (rank 2)
x.std(5, { ddof: 1 });
// @ts-expect-error norm: axis 2 is out of range for shape [3, 4] (rank 2)
sg.norm(x, 2, 2);
// @ts-expect-error logsumexp: axis 2 is out of range for shape [3, 4] (rank 2)
sg.logsumexp(x, 2);
// @ts-expect-error cumsum: axis 2 is out of range for shape [3, 4] (rank 2)
sg.cumsum(x, 2);
// @ts-expect-error cumprod: axis -3 is out of range for shape [3, 4] (rank 2)
x.cumprod(-3);
// @ts-expect-error cummax: axis 0 is out of range for shape [] (rank 0)
sg.cummax(zeros([]), 0);
// @ts-expect-error sort: axis 2 is out of range for shape [3, 4] (rank 2)
sg.sort(x, 2);
// @ts-expect-error argsort: axis 3 is out of range for shape [2, 3, 4] (rank 3)
t.argsort(3);
// @ts-expect-error topK: k = 5 is larger than the last axis (size 4) of shape [3, 4]
sg.topK(x, 5);
// @ts-expect-error topK: k = 7 is larger than the last axis (size 4) of shape [number, 4]
sg.topK(dyn, 7);
// @ts-expect-error topK: needs rank >= 1, got shape []
sg.topK(zeros([]), 1);
// @ts-expect-error topK: k must be a non-negative integer, got -1
sg.topK(x, -1);
// @ts-expect-error softmax: axis 2 is out of range for shape [3, 4] (rank 2)
sg.nn.softmax(x, 2);
// @ts-expect-error logSoftmax: axis -3 is out of range for shape [3, 4] (rank 2)
sg.nn.logSoftmax(x, -3);
// @ts-expect-error standardize: axis 2 is out of range for shape [3, 4] (rank 2)
sg.nn.standardize(x, 2);

// --- batch-polymorphic code: a generic dim goes through ------------------------------------------
export function classify<B extends number>(logits: Tensor<[B, 10]>): Tensor<[B], "int32"> {
  const p = sg.nn.logSoftmax(logits);
  expectType<TypeEqual<typeof p, Tensor<[B, 10], "float32">>>(true);
  const [v, i] = sg.topK(logits, 3);
  expectType<TypeEqual<typeof v, Tensor<[B, 3]>>>(true);
  expectType<TypeEqual<typeof i, Tensor<[B, 3], "int32">>>(true);
  const c = sg.cumsum(logits, 1);
  expectType<TypeEqual<typeof c, Tensor<[B, 10]>>>(true);
  const l = sg.logsumexp(logits, -1);
  expectType<TypeEqual<typeof l, Tensor<[B]>>>(true);
  return sg.argmax(p, 1);
}
