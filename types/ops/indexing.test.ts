// Compile-time suite for indexing with traced indices: take, takeAlongAxis, dynamicSlice,
// dynamicUpdateSlice, index with an int32 scalar, and the `.at` updates.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import { type Tensor } from "../../src/index.js";

declare const table: Tensor<[50000, 128]>;
declare const ids: Tensor<[64, 256], "int32">;
declare const x: Tensor<[3, 4]>;
declare const x64: Tensor<[3, 4], "float64">;
declare const xi: Tensor<[3, 4], "int32">;
declare const t3: Tensor<[2, 3, 4]>;
declare const v: Tensor<[5], "int32">;
declare const fidx: Tensor<[5]>;
declare const i0: Tensor<[], "int32">;
declare const f0: Tensor<[]>;
declare const dyn: Tensor<[number, 4]>;
declare const dynIdx: Tensor<[number], "int32">;

// --- take ----------------------------------------------------------------------------------------
const tk1 = sg.take(table, ids, 0);
expectType<TypeEqual<typeof tk1, Tensor<[64, 256, 128]>>>(true);
const tk2 = sg.take(x, v, 1);
expectType<TypeEqual<typeof tk2, Tensor<[3, 5]>>>(true);
const tk3 = sg.take(x, v, -1);
expectType<TypeEqual<typeof tk3, Tensor<[3, 5]>>>(true);
const tk4 = sg.take(t3, ids, 1);
expectType<TypeEqual<typeof tk4, Tensor<[2, 64, 256, 4]>>>(true);
const tk5 = sg.take(x, v);
expectType<TypeEqual<typeof tk5, Tensor<[5]>>>(true);
const tk6 = sg.take(x64, i0, 0);
expectType<TypeEqual<typeof tk6, Tensor<[4], "float64">>>(true);
const tk7 = table.take(ids, 0);
expectType<TypeEqual<typeof tk7, Tensor<[64, 256, 128]>>>(true);
const tk8 = sg.take(dyn, dynIdx, 0);
expectType<TypeEqual<typeof tk8, Tensor<[number, 4]>>>(true);
const tk9 = sg.take(xi, v, 0);
expectType<TypeEqual<typeof tk9, Tensor<[5, 4], "int32">>>(true);
// @ts-expect-error take: indices must be int32, got float32
sg.take(x, fidx, 0);
// @ts-expect-error take: axis 2 is out of range for shape [3, 4] (rank 2)
sg.take(x, v, 2);
// @ts-expect-error take: axis -3 is out of range for shape [3, 4] (rank 2)
x.take(v, -3);
// @ts-expect-error take: indices must be int32, got float64
x.take(sg.zeros([2], "float64"));

// --- takeAlongAxis -------------------------------------------------------------------------------
declare const labels: Tensor<[3, 1], "int32">;
const ta1 = sg.takeAlongAxis(x, labels, 1);
expectType<TypeEqual<typeof ta1, Tensor<[3, 1]>>>(true);
declare const perm: Tensor<[1, 4], "int32">;
const ta2 = sg.takeAlongAxis(x, perm, 1);
expectType<TypeEqual<typeof ta2, Tensor<[3, 4]>>>(true);
declare const rows: Tensor<[2, 4], "int32">;
const ta3 = sg.takeAlongAxis(x64, rows, 0);
expectType<TypeEqual<typeof ta3, Tensor<[2, 4], "float64">>>(true);
declare const colIdx: Tensor<[2, 3, 1], "int32">;
const ta4 = sg.takeAlongAxis(t3, colIdx, -1);
expectType<TypeEqual<typeof ta4, Tensor<[2, 3, 1]>>>(true);
declare const lab1: Tensor<[4], "int32">;
// @ts-expect-error takeAlongAxis: x [3, 4] and indices [4] differ in rank (2 vs 1)
sg.takeAlongAxis(x, lab1, 1);
// @ts-expect-error takeAlongAxis: axis 2 is out of range for shape [3, 4] (rank 2)
sg.takeAlongAxis(x, labels, 2);
declare const bad: Tensor<[5, 1], "int32">;
// @ts-expect-error takeAlongAxis: x [3, 4] and indices [5, 1] do not broadcast at axis 0 (3 vs 5)
sg.takeAlongAxis(x, bad, 1);
declare const fl: Tensor<[3, 1]>;
// @ts-expect-error takeAlongAxis: indices must be int32, got float32
sg.takeAlongAxis(x, fl, 1);

// --- dynamicSlice / dynamicUpdateSlice -----------------------------------------------------------
const ds1 = sg.dynamicSlice(x, [i0, 1], [2, 3]);
expectType<TypeEqual<typeof ds1, Tensor<[2, 3]>>>(true);
const ds2 = sg.dynamicSlice(t3, [0, i0, i0], [1, 3, 1]);
expectType<TypeEqual<typeof ds2, Tensor<[1, 3, 1]>>>(true);
const ds3 = sg.dynamicSlice(dyn, [i0, 0], [2, 2]);
expectType<TypeEqual<typeof ds3, Tensor<[2, 2]>>>(true);
// @ts-expect-error dynamicSlice: sizes [5, 2] do not fit in shape [3, 4] (5 > 3 at axis 0)
sg.dynamicSlice(x, [0, 0], [5, 2]);
// @ts-expect-error dynamicSlice: sizes [3, 5] do not fit in shape [3, 4] (5 > 4 at axis 1)
sg.dynamicSlice(x, [i0, i0], [3, 5]);
// @ts-expect-error dynamicSlice: 1 sizes for shape [3, 4] (rank 2)
sg.dynamicSlice(x, [0, 0], [2]);
// @ts-expect-error dynamicSlice: 1 start indices for shape [3, 4] (rank 2)
sg.dynamicSlice(x, [i0], [2, 2]);
declare const upd: Tensor<[2, 2]>;
const du1 = sg.dynamicUpdateSlice(x, upd, [i0, 2]);
expectType<TypeEqual<typeof du1, Tensor<[3, 4]>>>(true);
const du2 = sg.dynamicUpdateSlice(xi, upd, [0, 0]);
expectType<TypeEqual<typeof du2, Tensor<[3, 4], "int32">>>(true);
declare const big: Tensor<[5, 2]>;
// @ts-expect-error dynamicUpdateSlice: update [5, 2] does not fit in [3, 4] (5 > 3 at axis 0)
sg.dynamicUpdateSlice(x, big, [0, 0]);
declare const flatU: Tensor<[2]>;
// @ts-expect-error dynamicUpdateSlice: update [2] and x [3, 4] differ in rank (1 vs 2)
sg.dynamicUpdateSlice(x, flatU, [0, 0]);
// @ts-expect-error dynamicUpdateSlice: 3 start indices for shape [3, 4] (rank 2)
sg.dynamicUpdateSlice(x, upd, [0, 0, 0]);

// --- index with a traced scalar ------------------------------------------------------------------
const ix1 = sg.index(x, i0);
expectType<TypeEqual<typeof ix1, Tensor<[4]>>>(true);
const ix2 = sg.index(t3, i0, 2);
expectType<TypeEqual<typeof ix2, Tensor<[2, 3]>>>(true);
const ix3 = x.index(i0, 1);
expectType<TypeEqual<typeof ix3, Tensor<[3]>>>(true);
const ix4 = sg.index(x, 2);
expectType<TypeEqual<typeof ix4, Tensor<[4]>>>(true);
// @ts-expect-error index: indices must be int32, got float32
sg.index(x, f0);
// @ts-expect-error index: 3 is out of bounds for axis 0 of size 3 (shape [3, 4])
sg.index(x, 3);
// @ts-expect-error index: axis 2 is out of range for shape [3, 4] (rank 2)
sg.index(x, i0, 2);

// --- .at -----------------------------------------------------------------------------------------
const at1 = x.at(v).set(0);
expectType<TypeEqual<typeof at1, Tensor<[3, 4]>>>(true);
const at2 = x.at(v).add(sg.ones([5, 4]));
expectType<TypeEqual<typeof at2, Tensor<[3, 4]>>>(true);
const at3 = x.at(v).get();
expectType<TypeEqual<typeof at3, Tensor<[5, 4]>>>(true);
const at4 = x.at(1).mul(sg.ones([4]));
expectType<TypeEqual<typeof at4, Tensor<[3, 4]>>>(true);
const at5 = x.at(-1).get();
expectType<TypeEqual<typeof at5, Tensor<[4]>>>(true);
const at6 = x.at([0, 2]).get();
expectType<TypeEqual<typeof at6, Tensor<[2, 4]>>>(true);
const at7 = x.at([null, null, 2]).max(sg.ones([2, 1]));
expectType<TypeEqual<typeof at7, Tensor<[3, 4]>>>(true);
const at8 = xi.at(i0).min(3);
expectType<TypeEqual<typeof at8, Tensor<[3, 4], "int32">>>(true);
const at9 = sg.at(table, ids).get();
expectType<TypeEqual<typeof at9, Tensor<[64, 256, 128]>>>(true);
const at10 = x.at(null).get();
expectType<TypeEqual<typeof at10, Tensor<[3, 4]>>>(true);
// @ts-expect-error at: 5 is out of bounds for axis 0 of size 3 (shape [3, 4])
x.at(5);
// @ts-expect-error at: -4 is out of bounds for axis 0 of size 3 (shape [3, 4])
sg.at(x, -4);
// @ts-expect-error at: indices must be int32, got float32
x.at(fidx);
// @ts-expect-error at: cannot index a rank-0 tensor (shape [])
f0.at(i0);
// @ts-expect-error at: step must be a positive integer, got 0 (axis 0)
x.at([0, 3, 0]);
// @ts-expect-error at.set: cannot broadcast [3] to [5, 4] (3 vs 4 at axis -1)
x.at(v).set(sg.ones([3]));
// @ts-expect-error at.add: cannot broadcast [2, 4] to [4] (rank 2 > rank 1)
x.at(0).add(sg.ones([2, 4]));
// @ts-expect-error at.max: cannot broadcast [3, 4] to [2, 4] (3 vs 2 at axis -2)
x.at([1]).max(x);

// --- batch-polymorphic code: a generic dim goes through take, takeAlongAxis and .at with indices -
export function embed<B extends number>(ids: Tensor<[B, 8], "int32">, tbl: Tensor<[100, 16]>) {
  const r = sg.take(tbl, ids, 0);
  expectType<TypeEqual<typeof r, Tensor<[B, 8, 16]>>>(true);
  return r;
}
export function pick<B extends number>(logp: Tensor<[B, 10]>, labels: Tensor<[B, 1], "int32">) {
  const r = sg.takeAlongAxis(logp, labels, 1);
  expectType<TypeEqual<typeof r, Tensor<[B, 1]>>>(true);
  return r;
}
export function bump<B extends number>(x: Tensor<[B, 4]>, i: Tensor<[3], "int32">) {
  const r = x.at(i).add(sg.ones([3, 4]));
  expectType<TypeEqual<typeof r, Tensor<[B, 4]>>>(true);
  const g = x.at(i).get();
  expectType<TypeEqual<typeof g, Tensor<[3, 4]>>>(true);
  return r;
}
const perExample = sg.vmap((row: Tensor<[8], "int32">) => sg.take(table, row, 0));
const pe = perExample(ids.slice([null, [0, 8]]));
expectType<TypeEqual<typeof pe, Tensor<[64, 8, 128]>>>(true);
