// Compile-time suite for the shape ops: reshape family, transpose, broadcastTo, indexing, joining,
// diagonals; and hover readability.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import { zeros, type Tensor } from "../../src/index.js";
import type { Concat, Diagonal, ExpandDims, Index, Reshape, ShapeError, Slice, Squeeze, Stack, Transpose, BroadcastTo } from "../../src/shape/index.js";

declare const x: Tensor<[2, 3]>;
declare const t: Tensor<[2, 3, 4]>;
declare const x64: Tensor<[2, 3], "float64">;
declare const dyn: Tensor<[number, 3]>;

// --- reshape -----------------------------------------------------------------------------------
const rs1 = sg.reshape(zeros([1024, 1024]), [1048576]);
expectType<TypeEqual<typeof rs1, Tensor<[1048576]>>>(true);
const rs2 = sg.reshape(zeros([3, 224, 224]), [3, -1]);
expectType<TypeEqual<typeof rs2, Tensor<[3, 50176]>>>(true);
const rs3 = t.reshape([-1]);
expectType<TypeEqual<typeof rs3, Tensor<[24]>>>(true);
const rs4 = t.reshape([4, 3, 2]);
expectType<TypeEqual<typeof rs4, Tensor<[4, 3, 2]>>>(true);
const rs5 = sg.reshape(x64, [6, 1]);
expectType<TypeEqual<typeof rs5, Tensor<[6, 1], "float64">>>(true);
const rs6 = sg.reshape(dyn, [-1]);
expectType<TypeEqual<typeof rs6, Tensor<[number]>>>(true);
const rs7 = sg.reshape(zeros([1]), []);
expectType<TypeEqual<typeof rs7, Tensor<[]>>>(true);
const fl = t.flatten();
expectType<TypeEqual<typeof fl, Tensor<[24]>>>(true);
const fl2 = sg.flatten(zeros([3, 224, 224]));
expectType<TypeEqual<typeof fl2, Tensor<[150528]>>>(true);

// --- expandDims / squeeze ----------------------------------------------------------------------
const ex1 = sg.expandDims(x, 0);
expectType<TypeEqual<typeof ex1, Tensor<[1, 2, 3]>>>(true);
const ex2 = x.expandDims(-1);
expectType<TypeEqual<typeof ex2, Tensor<[2, 3, 1]>>>(true);
const ex3 = sg.expandDims(x, 1);
expectType<TypeEqual<typeof ex3, Tensor<[2, 1, 3]>>>(true);
declare const s1: Tensor<[1, 3, 1, 2]>;
const sq1 = sg.squeeze(s1);
expectType<TypeEqual<typeof sq1, Tensor<[3, 2]>>>(true);
const sq2 = sg.squeeze(s1, 0);
expectType<TypeEqual<typeof sq2, Tensor<[3, 1, 2]>>>(true);
const sq3 = s1.squeeze([0, -2]);
expectType<TypeEqual<typeof sq3, Tensor<[3, 2]>>>(true);

// --- transpose / moveAxis / broadcastTo --------------------------------------------------------
const tr1 = sg.transpose(t);
expectType<TypeEqual<typeof tr1, Tensor<[4, 3, 2]>>>(true);
const tr2 = sg.transpose(t, [1, 0, 2]);
expectType<TypeEqual<typeof tr2, Tensor<[3, 2, 4]>>>(true);
const tr3 = t.transpose([-1, 0, 1]);
expectType<TypeEqual<typeof tr3, Tensor<[4, 2, 3]>>>(true);
const tr4 = x64.transpose();
expectType<TypeEqual<typeof tr4, Tensor<[3, 2], "float64">>>(true);
const mv1 = sg.moveAxis(t, 0, -1);
expectType<TypeEqual<typeof mv1, Tensor<[3, 4, 2]>>>(true);
const mv2 = sg.moveAxis(t, 2, 0);
expectType<TypeEqual<typeof mv2, Tensor<[4, 2, 3]>>>(true);
const bt1 = sg.broadcastTo(zeros([3, 1]), [2, 3, 4]);
expectType<TypeEqual<typeof bt1, Tensor<[2, 3, 4]>>>(true);
const bt2 = x.broadcastTo([5, 2, 3]);
expectType<TypeEqual<typeof bt2, Tensor<[5, 2, 3]>>>(true);

// --- index / slice -----------------------------------------------------------------------------
const ix1 = sg.index(t, 1);
expectType<TypeEqual<typeof ix1, Tensor<[3, 4]>>>(true);
const ix2 = sg.index(t, -1, 2);
expectType<TypeEqual<typeof ix2, Tensor<[2, 3]>>>(true);
const ix3 = t.index(2, 1);
expectType<TypeEqual<typeof ix3, Tensor<[2, 4]>>>(true);
const ix4 = sg.index(zeros([3]), 0);
expectType<TypeEqual<typeof ix4, Tensor<[]>>>(true);
const ix5 = sg.index(dyn, 100);
expectType<TypeEqual<typeof ix5, Tensor<[3]>>>(true);
const sl1 = sg.slice(t, [[0, 1]]);
expectType<TypeEqual<typeof sl1, Tensor<[1, 3, 4]>>>(true);
const sl2 = sg.slice(t, [null, [-2, null]]);
expectType<TypeEqual<typeof sl2, Tensor<[2, 2, 4]>>>(true);
const sl3 = sg.slice(t, [null, null, [0, 4, 3]]);
expectType<TypeEqual<typeof sl3, Tensor<[2, 3, 2]>>>(true);
const sl4 = t.slice([[5, 10]]);
expectType<TypeEqual<typeof sl4, Tensor<[0, 3, 4]>>>(true);
const sl5 = sg.slice(zeros([10]), [[-100, 100, 4]]);
expectType<TypeEqual<typeof sl5, Tensor<[3]>>>(true);

// --- concatenate / stack -----------------------------------------------------------------------
const cc1 = sg.concatenate([x, zeros([4, 3])]);
expectType<TypeEqual<typeof cc1, Tensor<[6, 3]>>>(true);
const cc2 = sg.concatenate([x, x, zeros([2, 1])], 1);
expectType<TypeEqual<typeof cc2, Tensor<[2, 7]>>>(true);
const cc3 = sg.concatenate([x, x], -1);
expectType<TypeEqual<typeof cc3, Tensor<[2, 6]>>>(true);
const st1 = sg.stack([x, x, x]);
expectType<TypeEqual<typeof st1, Tensor<[3, 2, 3]>>>(true);
const st2 = sg.stack([x, x], -1);
expectType<TypeEqual<typeof st2, Tensor<[2, 3, 2]>>>(true);
const st3 = sg.stack([x64, x64], 1);
expectType<TypeEqual<typeof st3, Tensor<[2, 2, 3], "float64">>>(true);

// --- diagonal / trace --------------------------------------------------------------------------
const dg1 = sg.diagonal(zeros([3, 3]));
expectType<TypeEqual<typeof dg1, Tensor<[3]>>>(true);
const dg2 = sg.diagonal(x, 1);
expectType<TypeEqual<typeof dg2, Tensor<[2]>>>(true);
const dg3 = sg.diagonal(x, -1);
expectType<TypeEqual<typeof dg3, Tensor<[1]>>>(true);
const dg4 = sg.diagonal(t, 0, 1, 2);
expectType<TypeEqual<typeof dg4, Tensor<[2, 3]>>>(true);
const dg5 = sg.diagonal(t, -1, 2, 0);
expectType<TypeEqual<typeof dg5, Tensor<[3, 2]>>>(true);
const dg6 = x.diagonal(5);
expectType<TypeEqual<typeof dg6, Tensor<[0]>>>(true);
const tc1 = sg.trace(zeros([3, 3]));
expectType<TypeEqual<typeof tc1, Tensor<[]>>>(true);
const tc2 = sg.trace(t, 0, -1, -2);
expectType<TypeEqual<typeof tc2, Tensor<[2]>>>(true);
const tc3 = sg.trace(x64, 1);
expectType<TypeEqual<typeof tc3, Tensor<[], "float64">>>(true);

// --- messages pinned ---------------------------------------------------------------------------
expectType<TypeEqual<Reshape<[2, 3], [5, 3]>, ShapeError<"reshape: cannot reshape [2, 3] (6 elements) into [5, 3] (15 elements)">>>(true);
expectType<TypeEqual<Reshape<[2, 3], [4, -1]>, ShapeError<"reshape: cannot reshape [2, 3] (6 elements) into [4, -1] (6 is not divisible by 4)">>>(true);
expectType<TypeEqual<Transpose<[2, 3], [0, 0]>, ShapeError<"transpose: [0, 0] is not a permutation of the axes of [2, 3]">>>(true);
expectType<TypeEqual<ExpandDims<[2, 3], 3>, ShapeError<"expandDims: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])">>>(true);
expectType<TypeEqual<Squeeze<[2, 3], 1>, ShapeError<"squeeze: axis 1 has size 3, not 1 (shape [2, 3])">>>(true);
expectType<TypeEqual<BroadcastTo<[2, 3], [4, 3]>, ShapeError<"broadcastTo: cannot broadcast [2, 3] to [4, 3] (2 vs 4 at axis -2)">>>(true);
expectType<TypeEqual<Index<[2, 3], 2>, ShapeError<"index: 2 is out of bounds for axis 0 of size 2 (shape [2, 3])">>>(true);
expectType<TypeEqual<Slice<[2, 3], [null, null, null]>, ShapeError<"slice: too many indices (3) for shape [2, 3]">>>(true);
expectType<TypeEqual<Concat<[[2, 3], [2, 4]], 0, "concatenate">, ShapeError<"concatenate: shapes [2, 3] and [2, 4] differ at axis 1 (3 vs 4); only axis 0 may differ">>>(true);
expectType<TypeEqual<Stack<[[2, 3], [3, 2]]>, ShapeError<"stack: all shapes must be equal, got [2, 3] and [3, 2]">>>(true);
expectType<TypeEqual<Diagonal<[4]>, ShapeError<"diagonal: needs rank >= 2, got shape [4]">>>(true);

// --- misuse ------------------------------------------------------------------------------------
// @ts-expect-error reshape: cannot reshape [2, 3] (6 elements) into [5, 3] (15 elements)
sg.reshape(x, [5, 3]);
// @ts-expect-error reshape: cannot reshape [2, 3] (6 elements) into [4, -1] (6 is not divisible by 4)
x.reshape([4, -1]);
// @ts-expect-error reshape: cannot reshape [3, 224, 224] (150528 elements) into [3, 224, 225] (151200 elements)
sg.reshape(zeros([3, 224, 224]), [3, 224, 225]);
// @ts-expect-error reshape: can only specify one unknown dimension (-1), got [-1, -1]
sg.reshape(x, [-1, -1]);
// @ts-expect-error reshape: invalid dim -2 in [-2, 3]
sg.reshape(x, [-2, 3]);
// @ts-expect-error transpose: [0, 0] is not a permutation of the axes of [2, 3]
sg.transpose(x, [0, 0]);
// @ts-expect-error transpose: [1, 0, 2] is not a permutation of the axes of [2, 3]
x.transpose([1, 0, 2]);
// @ts-expect-error expandDims: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])
sg.expandDims(x, 3);
// @ts-expect-error squeeze: axis 1 has size 3, not 1 (shape [2, 3])
sg.squeeze(x, 1);
// @ts-expect-error squeeze: axis 2 is out of range for shape [2, 3] (rank 2)
x.squeeze(2);
// @ts-expect-error squeeze: axis -1 has size 3, not 1 (shape [2, 3])
sg.squeeze(x, -1);
// @ts-expect-error broadcastTo: cannot broadcast [2, 3] to [4, 3] (2 vs 4 at axis -2)
sg.broadcastTo(x, [4, 3]);
// @ts-expect-error broadcastTo: cannot broadcast [2, 3] to [3] (rank 2 > rank 1)
x.broadcastTo([3]);
// @ts-expect-error moveAxis: axis 2 is out of range for shape [2, 3] (rank 2)
sg.moveAxis(x, 2, 0);
// @ts-expect-error moveAxis: axis -3 is out of range for shape [2, 3] (rank 2)
sg.moveAxis(x, 0, -3);
// @ts-expect-error index: 2 is out of bounds for axis 0 of size 2 (shape [2, 3])
sg.index(x, 2);
// @ts-expect-error index: 3 is out of bounds for axis 1 of size 3 (shape [2, 3])
x.index(3, 1);
// @ts-expect-error index: -3 is out of bounds for axis 0 of size 2 (shape [2, 3])
sg.index(x, -3);
// @ts-expect-error index: axis 2 is out of range for shape [2, 3] (rank 2)
sg.index(x, 0, 2);
// @ts-expect-error index: cannot index a rank-0 tensor (shape [])
sg.index(zeros([]), 0);
// @ts-expect-error slice: too many indices (3) for shape [2, 3]
sg.slice(x, [null, null, null]);
// @ts-expect-error slice: step must be a positive integer, got 0 (axis 0)
x.slice([[0, 2, 0]]);
// @ts-expect-error concatenate: shapes [2, 3] and [2, 4] differ at axis 1 (3 vs 4); only axis 0 may differ
sg.concatenate([x, zeros([2, 4])]);
// @ts-expect-error concatenate: shapes [2, 3] and [3] differ in rank (2 vs 1)
sg.concatenate([x, zeros([3])]);
// @ts-expect-error concatenate: axis 2 is out of range for shape [2, 3] (rank 2)
sg.concatenate([x, x], 2);
// @ts-expect-error concatenate: cannot concatenate rank-0 tensors (use stack)
sg.concatenate([zeros([]), zeros([])]);
// @ts-expect-error concatenate: needs a non-empty array of tensors
sg.concatenate([]);
// @ts-expect-error stack: all shapes must be equal, got [2, 3] and [3, 2]
sg.stack([x, zeros([3, 2])]);
// @ts-expect-error stack: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])
sg.stack([x, x], 3);
// @ts-expect-error diagonal: needs rank >= 2, got shape [4]
sg.diagonal(zeros([4]));
// @ts-expect-error diagonal: needs rank >= 2, got shape [4]
zeros([4]).diagonal();
// @ts-expect-error diagonal: axis 2 is out of range for shape [2, 3] (rank 2)
sg.diagonal(x, 0, 0, 2);
// @ts-expect-error diagonal: axis1 and axis2 must differ, got 1 and 1 for shape [2, 3]
sg.diagonal(x, 0, 1, 1);
// @ts-expect-error trace: needs rank >= 2, got shape [4]
sg.trace(zeros([4]));
// @ts-expect-error trace: axis1 and axis2 must differ, got 0 and -2 for shape [2, 3]
sg.trace(x, 0, 0, -2);
