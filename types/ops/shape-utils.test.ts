// Compile-time suite for the shape utilities: pad, flip, roll, tile, repeat, split, tril/triu,
// meshgrid, arange with a dtype, the *Like constructors; result shapes and each misuse's message.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { Pad, Split, Tile } from "../../src/shape/index.js";

declare const x: Tensor<[2, 3]>;
declare const t: Tensor<[2, 3, 4]>;
declare const v: Tensor<[3]>;
declare const i32: Tensor<[4, 4], "int32">;
declare const dyn: Tensor<[number, 3]>;
declare const s62: Tensor<[6, 2]>;

// --- pad ---------------------------------------------------------------------------------------
const p1 = sg.pad(x, 1);
expectType<TypeEqual<typeof p1, Tensor<[4, 5]>>>(true);
const p2 = sg.pad(x, [1, 2]);
expectType<TypeEqual<typeof p2, Tensor<[5, 6]>>>(true);
const p3 = sg.pad(x, [[0, 1], [2, 3]], { mode: "reflect" });
expectType<TypeEqual<typeof p3, Tensor<[3, 8]>>>(true);
const p4 = sg.pad(x, [[-1, 0], [-1, -1]]);
expectType<TypeEqual<typeof p4, Tensor<[1, 1]>>>(true);
const p5 = sg.pad(i32, [[1, 1]], { mode: "edge" });
expectType<TypeEqual<typeof p5, Tensor<[6, 6], "int32">>>(true);
const p6 = sg.pad(dyn, 2);
expectType<TypeEqual<typeof p6, Tensor<[number, 7]>>>(true);
const p7 = sg.pad(x, [[-2, 0], [0, -3]]);
expectType<TypeEqual<typeof p7, Tensor<[0, 0]>>>(true);
declare const w: number;
const p8 = sg.pad(x, w);
expectType<TypeEqual<typeof p8, Tensor<[number, number]>>>(true);
expectType<TypeEqual<Pad<[3, 4], [-1, 5]>, [7, 8]>>(true);
// @ts-expect-error pad: padWidth has 3 pairs for shape [2, 3] (rank 2)
sg.pad(x, [[1, 1], [1, 1], [1, 1]]);
// @ts-expect-error pad: widths [-2, -1] crop more than axis 0 has (size 2, shape [2, 3])
sg.pad(x, [[-2, -1], [0, 0]]);
// @ts-expect-error pad: widths [-2, -2] crop more than axis 0 has (size 2, shape [2, 3])
sg.pad(x, -2);
// @ts-expect-error pad: widths [-4, 2] crop more than axis 1 has (size 3, shape [2, 3])
sg.pad(x, [[0, 0], [-4, 2]]);

// --- flip / roll -------------------------------------------------------------------------------
const f1 = sg.flip(t);
expectType<TypeEqual<typeof f1, Tensor<[2, 3, 4]>>>(true);
const f2 = sg.flip(t, [0, -1]);
expectType<TypeEqual<typeof f2, Tensor<[2, 3, 4]>>>(true);
const f3 = sg.flip(i32, 1);
expectType<TypeEqual<typeof f3, Tensor<[4, 4], "int32">>>(true);
// @ts-expect-error flip: axis 3 is out of range for shape [2, 3, 4] (rank 3)
sg.flip(t, 3);
// @ts-expect-error flip: repeated axis -2 in [1, -2] for shape [2, 3, 4]
sg.flip(t, [1, -2]);
const r1 = sg.roll(x, 1);
expectType<TypeEqual<typeof r1, Tensor<[2, 3]>>>(true);
const r2 = sg.roll(t, [1, -2], [0, 2]);
expectType<TypeEqual<typeof r2, Tensor<[2, 3, 4]>>>(true);
// @ts-expect-error roll: axis 2 is out of range for shape [2, 3] (rank 2)
sg.roll(x, 1, 2);
// @ts-expect-error roll: 2 shifts for 1 axes
sg.roll(x, [1, 2], [0]);
// @ts-expect-error roll: a list of shifts needs a list of axes
sg.roll(x, [1, 2]);

// --- tile / repeat -----------------------------------------------------------------------------
const t1 = sg.tile(x, 2);
expectType<TypeEqual<typeof t1, Tensor<[2, 6]>>>(true);
const t2 = sg.tile(x, [2, 1, 3]);
expectType<TypeEqual<typeof t2, Tensor<[2, 2, 9]>>>(true);
const t3 = sg.tile(v, [4, 2]);
expectType<TypeEqual<typeof t3, Tensor<[4, 6]>>>(true);
expectType<TypeEqual<Tile<[number, 3], [2, 2]>, [number, 6]>>(true);
// @ts-expect-error tile: reps must be non-negative integers, got [2, -1]
sg.tile(x, [2, -1]);
const rp1 = sg.repeat(x, 2);
expectType<TypeEqual<typeof rp1, Tensor<[12]>>>(true);
const rp2 = sg.repeat(x, 3, 1);
expectType<TypeEqual<typeof rp2, Tensor<[2, 9]>>>(true);
const rp3 = sg.repeat(x, [1, 0, 2], -1);
expectType<TypeEqual<typeof rp3, Tensor<[2, 3]>>>(true);
const rp4 = sg.repeat(v, [2, 2, 2]);
expectType<TypeEqual<typeof rp4, Tensor<[6]>>>(true);
const rp5 = x.repeat(2, 0);
expectType<TypeEqual<typeof rp5, Tensor<[4, 3]>>>(true);
// @ts-expect-error repeat: 4 repeats for axis 1 of size 3
x.repeat([1, 1, 1, 1], 1);
// @ts-expect-error repeat: repeats must be non-negative integers, got -1
sg.repeat(x, -1, 0);
// @ts-expect-error repeat: 3 repeats for axis 0 of size 2
sg.repeat(x, [1, 2, 3], 0);
// @ts-expect-error repeat: axis 2 is out of range for shape [2, 3] (rank 2)
sg.repeat(x, 2, 2);

// --- split -------------------------------------------------------------------------------------
const sp1 = sg.split(s62, 3);
expectType<TypeEqual<typeof sp1, [Tensor<[2, 2]>, Tensor<[2, 2]>, Tensor<[2, 2]>]>>(true);
const sp2 = sg.split(t, [1, 3], 2);
expectType<TypeEqual<typeof sp2, [Tensor<[2, 3, 1]>, Tensor<[2, 3, 2]>, Tensor<[2, 3, 1]>]>>(true);
const sp3 = sg.split(i32, 2, -1);
expectType<TypeEqual<typeof sp3, [Tensor<[4, 2], "int32">, Tensor<[4, 2], "int32">]>>(true);
const sp4 = sg.split(dyn, 2);
expectType<TypeEqual<typeof sp4, [Tensor<[number, 3]>, Tensor<[number, 3]>]>>(true);
const sp5 = sg.split(x, [0, 2], 1);
expectType<TypeEqual<typeof sp5, [Tensor<[2, 0]>, Tensor<[2, 2]>, Tensor<[2, 1]>]>>(true);
expectType<TypeEqual<Split<[7], [2, 2]>, [[2], [0], [5]]>>(true);
const [a0, a1] = sg.split(s62, 2);
expectType<TypeEqual<typeof a0 | typeof a1, Tensor<[3, 2]>>>(true);
// @ts-expect-error split: 4 sections do not divide axis 0 of size 6 equally
sg.split(s62, 4);
// @ts-expect-error split: the number of sections must be a positive integer, got 0
sg.split(s62, 0);
// @ts-expect-error split: index 5 is out of range for axis 1 of size 3
sg.split(x, [1, 5], 1);
// @ts-expect-error split: indices must be increasing, got [3, 1]
sg.split(s62, [3, 1]);
// @ts-expect-error split: axis 2 is out of range for shape [6, 2] (rank 2)
sg.split(s62, 2, 2);

// --- tril / triu -------------------------------------------------------------------------------
const tl = sg.tril(t, -1);
expectType<TypeEqual<typeof tl, Tensor<[2, 3, 4]>>>(true);
const tu = sg.triu(i32);
expectType<TypeEqual<typeof tu, Tensor<[4, 4], "int32">>>(true);
// @ts-expect-error tril: needs rank >= 2, got shape [3]
sg.tril(v);
// @ts-expect-error triu: needs rank >= 2, got shape [3]
sg.triu(v, 1);

// --- meshgrid ----------------------------------------------------------------------------------
declare const a4: Tensor<[4], "int32">;
const m1 = sg.meshgrid(v, a4);
expectType<TypeEqual<typeof m1, [Tensor<[4, 3]>, Tensor<[4, 3], "int32">]>>(true);
const m2 = sg.meshgrid(v, a4, { indexing: "ij" });
expectType<TypeEqual<typeof m2, [Tensor<[3, 4]>, Tensor<[3, 4], "int32">]>>(true);
declare const c5: Tensor<[5]>;
const m3 = sg.meshgrid(v, a4, c5);
expectType<TypeEqual<typeof m3, [Tensor<[4, 3, 5]>, Tensor<[4, 3, 5], "int32">, Tensor<[4, 3, 5]>]>>(true);
// @ts-expect-error meshgrid: inputs must be 1-D, got shape [2, 3] for input 1
sg.meshgrid(v, x);

// --- arange with a dtype, *Like ----------------------------------------------------------------
const ar1 = sg.arange(10, "int32");
expectType<TypeEqual<typeof ar1, Tensor<[10], "int32">>>(true);
const ar2 = sg.arange(2, 10, 2, "float64");
expectType<TypeEqual<typeof ar2, Tensor<[4], "float64">>>(true);
const ar3 = sg.arange(5);
expectType<TypeEqual<typeof ar3, Tensor<[5]>>>(true);
const zl = sg.zerosLike(i32);
expectType<TypeEqual<typeof zl, Tensor<[4, 4], "int32">>>(true);
const ol = sg.onesLike(x, "bool");
expectType<TypeEqual<typeof ol, Tensor<[2, 3], "bool">>>(true);
const fl = sg.fullLike(x, 7, "int32");
expectType<TypeEqual<typeof fl, Tensor<[2, 3], "int32">>>(true);
const fl2 = sg.fullLike(t, 0.5);
expectType<TypeEqual<typeof fl2, Tensor<[2, 3, 4]>>>(true);
