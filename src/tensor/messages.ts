/**
 * The text of the shape errors, one builder per shape rule. Each builder is the run-time twin of a
 * type-level message template in src/shape (named in its comment, with the same words in the same
 * order), so a mistake gives the same message whether the compiler catches it (static dims) or the
 * run-time check does (dims typed `number`). test/ops/messages.test.ts compares the two.
 */

type Dims = readonly unknown[];

/** A dim as text (ShowDim in shape/core.ts). */
export const showDim = (d: unknown): string => `${d}`;

/** A shape as text, "[2, 3]" or "[]" (ShowShape in shape/core.ts). */
export const showShape = (s: Dims): string => `[${s.map(showDim).join(", ")}]`;

// ---------------------------------------------------------------- broadcast.ts

/** Broadcast: `add: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)`. */
export const broadcastMsg = (op: string, a: Dims, b: Dims, x: unknown, y: unknown, fromEnd: number): string =>
  `${op}: shapes ${showShape(a)} and ${showShape(b)} do not broadcast (${showDim(x)} vs ${showDim(y)} at axis -${fromEnd})`;

/** BroadcastTo, a dim: `broadcastTo: cannot broadcast [2, 3] to [4, 3] (2 vs 4 at axis -2)`. */
export const broadcastToDimMsg = (op: string, s: Dims, target: Dims, x: unknown, y: unknown, fromEnd: number): string =>
  `${op}: cannot broadcast ${showShape(s)} to ${showShape(target)} (${showDim(x)} vs ${showDim(y)} at axis -${fromEnd})`;

/** BroadcastTo, the rank: `broadcastTo: cannot broadcast [2, 3] to [3] (rank 2 > rank 1)`. */
export const broadcastToRankMsg = (op: string, s: Dims, target: Dims): string =>
  `${op}: cannot broadcast ${showShape(s)} to ${showShape(target)} (rank ${s.length} > rank ${target.length})`;

// ---------------------------------------------------------------- matmul.ts

/** MatMul, RankZeroMsg: `matmul: operands must be at least 1-D, got [] @ [3]`. */
export const matmulRankZeroMsg = (op: string, a: Dims, b: Dims): string =>
  `${op}: operands must be at least 1-D, got ${showShape(a)} @ ${showShape(b)}`;

/** MatMul, InnerErrorMsg: `matmul: inner dims differ, [2, 3] @ [4, 5] (3 vs 4)`. */
export const matmulInnerMsg = (op: string, a: Dims, b: Dims, k1: unknown, k2: unknown): string =>
  `${op}: inner dims differ, ${showShape(a)} @ ${showShape(b)} (${showDim(k1)} vs ${showDim(k2)})`;

/** MatMul, batch dims: `matmul: batch dims [2] and [5] do not broadcast, [2, 3, 4] @ [5, 4, 6]`. */
export const matmulBatchMsg = (op: string, batchA: Dims, batchB: Dims, a: Dims, b: Dims): string =>
  `${op}: batch dims ${showShape(batchA)} and ${showShape(batchB)} do not broadcast, ${showShape(a)} @ ${showShape(b)}`;

/** Outer: `outer: expects 1-D vectors, got [2, 3] and [4]`. */
export const outerMsg = (a: Dims, b: Dims): string => `outer: expects 1-D vectors, got ${showShape(a)} and ${showShape(b)}`;

// ---------------------------------------------------------------- reduce.ts (axes of every op)

/** AxisOutOfRangeMsg: `sum: axis 2 is out of range for shape [3, 4] (rank 2)`. */
export const axisOutOfRangeMsg = (op: string, s: Dims, axis: unknown): string =>
  `${op}: axis ${axis} is out of range for shape ${showShape(s)} (rank ${s.length})`;

/** NormalizeAxes, a repeat: `sum: repeated axis -1 in [1, -1] for shape [3, 4]`. */
export const repeatedAxisMsg = (op: string, axis: unknown, axes: Dims, s: Dims): string =>
  `${op}: repeated axis ${axis} in ${showShape(axes)} for shape ${showShape(s)}`;

// ---------------------------------------------------------------- reshape.ts

/** Reshape, counts: `reshape: cannot reshape [3, 4] (12 elements) into [5, 3] (15 elements)`. */
export const reshapeCountMsg = (op: string, s: Dims, n: number, target: Dims, m: number): string =>
  `${op}: cannot reshape ${showShape(s)} (${n} elements) into ${showShape(target)} (${m} elements)`;

/** Reshape, the -1: `reshape: cannot reshape [3, 4] (12 elements) into [5, -1] (12 is not divisible by 5)`. */
export const reshapeDivisibleMsg = (op: string, s: Dims, n: number, target: Dims, known: number): string =>
  `${op}: cannot reshape ${showShape(s)} (${n} elements) into ${showShape(target)} (${n} is not divisible by ${known})`;

/** Reshape, two -1s: `reshape: can only specify one unknown dimension (-1), got [-1, -1]`. */
export const reshapeHolesMsg = (op: string, target: Dims): string =>
  `${op}: can only specify one unknown dimension (-1), got ${showShape(target)}`;

/** Reshape, ScanNew: `reshape: invalid dim -2 in [-2, 6]`. */
export const reshapeInvalidDimMsg = (op: string, d: unknown, target: Dims): string => `${op}: invalid dim ${showDim(d)} in ${showShape(target)}`;

/** InsertAxisOutOfRangeMsg (expandDims, stack): `expandDims: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])`. */
export const insertAxisOutOfRangeMsg = (op: string, s: Dims, axis: unknown): string =>
  `${op}: axis ${axis} is out of range for shape ${showShape(s)} (must be in [-${s.length + 1}, ${s.length}])`;

/** Squeeze, SqueezeCheck: `squeeze: axis 1 has size 3, not 1 (shape [2, 3])` (the axis as given). */
export const squeezeSizeMsg = (op: string, axis: unknown, d: unknown, s: Dims): string =>
  `${op}: axis ${axis} has size ${showDim(d)}, not 1 (shape ${showShape(s)})`;

// ---------------------------------------------------------------- transpose.ts

/** NotAPermutationMsg: `transpose: [0, 0] is not a permutation of the axes of [2, 3]`. */
export const notAPermutationMsg = (op: string, perm: Dims, s: Dims): string =>
  `${op}: ${showShape(perm)} is not a permutation of the axes of ${showShape(s)}`;

// ---------------------------------------------------------------- indexing.ts

/** Index, rank 0: `index: cannot index a rank-0 tensor (shape [])`. */
export const indexRankZeroMsg = (op: string): string => `${op}: cannot index a rank-0 tensor (shape [])`;

/** Index, bounds: `index: 5 is out of bounds for axis 0 of size 3 (shape [3, 4])` (the axis as given). */
export const indexOutOfBoundsMsg = (op: string, i: unknown, axis: unknown, n: unknown, s: Dims): string =>
  `${op}: ${i} is out of bounds for axis ${axis} of size ${showDim(n)} (shape ${showShape(s)})`;

/** Slice, too many entries: `slice: too many indices (3) for shape [2, 3]`. */
export const sliceTooManyMsg = (op: string, entries: number, s: Dims): string => `${op}: too many indices (${entries}) for shape ${showShape(s)}`;

/** Slice, BadStepMsg: `slice: step must be a positive integer, got 0 (axis 0)`. */
export const sliceStepMsg = (op: string, step: unknown, axis: number): string => `${op}: step must be a positive integer, got ${showDim(step)} (axis ${axis})`;

// ---------------------------------------------------------------- concat.ts

/** Concat / Stack of no tensors: `concatenate: needs a non-empty array of tensors`. */
export const joinEmptyMsg = (op: string): string => `${op}: needs a non-empty array of tensors`;

/** Concat of scalars: `concatenate: cannot concatenate rank-0 tensors (use stack)`. */
export const concatRankZeroMsg = (op: string): string => `${op}: cannot concatenate rank-0 tensors (use stack)`;

/** Concat, ranks: `concatenate: shapes [2, 3] and [2] differ in rank (2 vs 1)`. */
export const concatRankMsg = (op: string, a: Dims, b: Dims): string =>
  `${op}: shapes ${showShape(a)} and ${showShape(b)} differ in rank (${a.length} vs ${b.length})`;

/** Concat, a dim: `concatenate: shapes [2, 3] and [4, 3] differ at axis 0 (2 vs 4); only axis 1 may differ` (the axis as given). */
export const concatDimMsg = (op: string, a: Dims, b: Dims, at: number, x: unknown, y: unknown, axis: unknown): string =>
  `${op}: shapes ${showShape(a)} and ${showShape(b)} differ at axis ${at} (${showDim(x)} vs ${showDim(y)}); only axis ${axis} may differ`;

/** Stack: `stack: all shapes must be equal, got [2, 3] and [3, 2]`. */
export const stackUnequalMsg = (op: string, a: Dims, b: Dims): string => `${op}: all shapes must be equal, got ${showShape(a)} and ${showShape(b)}`;

// ---------------------------------------------------------------- diagonal.ts

/** Diagonal / Trace, rank: `diagonal: needs rank >= 2, got shape [3]`. */
export const diagonalRankMsg = (op: string, s: Dims): string => `${op}: needs rank >= 2, got shape ${showShape(s)}`;

/** Diagonal / Trace, the axes: `diagonal: axis1 and axis2 must differ, got 0 and -2 for shape [3, 3]` (as given). */
export const diagonalAxesMsg = (op: string, axis1: unknown, axis2: unknown, s: Dims): string =>
  `${op}: axis1 and axis2 must differ, got ${axis1} and ${axis2} for shape ${showShape(s)}`;

// ---------------------------------------------------------------- tensor/create.ts (RaggedAt)

const at = (path: string) => path || "the data";

/** A row of the wrong length: `tensor: ragged nested array: [1] has length 1 where length 2 was expected`. */
export const raggedLengthMsg = (path: string, length: number, expected: number): string =>
  `tensor: ragged nested array: ${at(path)} has length ${length} where length ${expected} was expected`;

/** A number where a row was expected: `tensor: ragged nested array: [1] has a scalar where length 2 was expected`. */
export const raggedScalarMsg = (path: string, expected: number): string =>
  `tensor: ragged nested array: ${at(path)} has a scalar where length ${expected} was expected`;

/** A row where a number was expected: `tensor: ragged nested array: [1] is an array where a number was expected`. */
export const raggedArrayMsg = (path: string): string => `tensor: ragged nested array: ${at(path)} is an array where a number was expected`;

// ---------------------------------------------------------------- nn/mlp.ts (InputCheck, ChainCheck)

/** InputCheck: `mlp: the input has shape [8, 3] but the first layer takes 1 inputs`. */
export const mlpInputMsg = (s: Dims, inputs: unknown): string => `mlp: the input has shape ${showShape(s)} but the first layer takes ${inputs} inputs`;

/** ChainCheck: `mlp: layer 0 gives 16 outputs but layer 1 takes 32 inputs`. */
export const mlpChainMsg = (layer: number, outputs: unknown, inputs: unknown): string =>
  `mlp: layer ${layer} gives ${outputs} outputs but layer ${layer + 1} takes ${inputs} inputs`;

// ---------------------------------------------------------------- reduce-extra.ts (reductions, scans, sorting)

/** TopKRankMsg: `topK: needs rank >= 1, got shape []`. */
export const topKRankMsg = (): string => `topK: needs rank >= 1, got shape []`;

/** TopKTooLargeMsg: `topK: k = 5 is larger than the last axis (size 4) of shape [3, 4]`. */
export const topKTooLargeMsg = (s: Dims, k: unknown, n: unknown): string =>
  `topK: k = ${k} is larger than the last axis (size ${showDim(n)}) of shape ${showShape(s)}`;

/** TopKBadKMsg: `topK: k must be a non-negative integer, got -1`. */
export const topKBadKMsg = (k: unknown): string => `topK: k must be a non-negative integer, got ${k}`;
// ---------------------------------------------------------------- einsum.ts (Einsum)

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

/** A character that is no letter: `einsum: invalid character '1' in subscripts 'i1,jk'`. */
export const einsumCharMsg = (c: string, sub: string): string => `einsum: invalid character '${c}' in subscripts '${sub}'`;

/** CheckOut, a repeat: `einsum: output index i appears more than once in 'ii'`. */
export const einsumOutRepeatMsg = (l: string, out: string): string => `einsum: output index ${l} appears more than once in '${out}'`;

/** CheckOut, unknown: `einsum: output index z appears in no input`. */
export const einsumOutUnknownMsg = (l: string): string => `einsum: output index ${l} appears in no input`;

/** Operand count: `einsum: 'ij,jk->ik' names 2 operands, got 3`. */
export const einsumCountMsg = (sub: string, named: number, got: number): string => `einsum: '${sub}' names ${plural(named, "operand")}, got ${got}`;

/** BindOperand, the rank: `einsum: operand 1 has rank 2 but subscripts 'ijk' name 3 axes` (`name at least` with "..."). */
export const einsumRankMsg = (k: number, rank: number, term: string, n: number, ellipsis: boolean): string =>
  `einsum: operand ${k} has rank ${rank} but subscripts '${term}' name ${ellipsis ? "at least " : ""}${n} ${n === 1 ? "axis" : "axes"}`;

/** Bind: `einsum: index j is 3 in operand 0 and 4 in operand 1` (one operand: `index i is 3 and 4 in operand 0`). */
export const einsumDimMsg = (l: string, d0: unknown, k0: number, d: unknown, k: number): string =>
  k0 === k
    ? `einsum: index ${l} is ${showDim(d0)} and ${showDim(d)} in operand ${k}`
    : `einsum: index ${l} is ${showDim(d0)} in operand ${k0} and ${showDim(d)} in operand ${k}`;

/** BroadcastEllipses: `einsum: ellipsis dims [3] of operand 1 do not broadcast with [2]`. */
export const einsumEllipsisMsg = (e: Dims, k: number, acc: Dims): string =>
  `einsum: ellipsis dims ${showShape(e)} of operand ${k} do not broadcast with ${showShape(acc)}`;
// ---------------------------------------------------------------- random.ts (keys)

/** KeyError: `random.normal: expected a key (a uint32 tensor of shape [2], from random.key), got float32 [3]`. */
export const keyMsg = (op: string, got: { dtype: string; shape: Dims } | null): string =>
  `${op}: expected a key (a uint32 tensor of shape [2], from random.key), got ${got ? `${got.dtype} ${showShape(got.shape)}` : "a non-tensor value"}`;
// ---------------------------------------------------------------- math

/** OneHotClasses (shape/onehot.ts): `oneHot: numClasses must be a non-negative integer, got -1`. */
export const oneHotClassesMsg = (n: unknown): string => `oneHot: numClasses must be a non-negative integer, got ${n}`;
// ---------------------------------------------------------------- gather.ts (take, takeAlongAxis, dynamicSlice, at)

/** IntIndices: `take: indices must be int32, got float32`. */
export const intIndicesMsg = (op: string, dtype: unknown): string => `${op}: indices must be int32, got ${dtype}`;

/** TakeAlongAxis, ranks: `takeAlongAxis: x [2, 3] and indices [3] differ in rank (2 vs 1)`. */
export const takeAlongRankMsg = (op: string, s: Dims, is: Dims): string =>
  `${op}: x ${showShape(s)} and indices ${showShape(is)} differ in rank (${s.length} vs ${is.length})`;

/** TakeAlongAxis, a dim: `takeAlongAxis: x [2, 3] and indices [4, 1] do not broadcast at axis 0 (2 vs 4)`. */
export const takeAlongBroadcastMsg = (op: string, s: Dims, is: Dims, axis: number, x: unknown, y: unknown): string =>
  `${op}: x ${showShape(s)} and indices ${showShape(is)} do not broadcast at axis ${axis} (${showDim(x)} vs ${showDim(y)})`;

/** StartsCheck: `dynamicSlice: 1 start indices for shape [3, 4] (rank 2)`. */
export const startsCountMsg = (op: string, n: number, s: Dims): string => `${op}: ${n} start indices for shape ${showShape(s)} (rank ${s.length})`;

/** DynamicSlice, count: `dynamicSlice: 1 sizes for shape [3, 4] (rank 2)`. */
export const sizesCountMsg = (op: string, n: number, s: Dims): string => `${op}: ${n} sizes for shape ${showShape(s)} (rank ${s.length})`;

/** DynamicSlice, FitLoop: `dynamicSlice: sizes [5, 2] do not fit in shape [3, 4] (5 > 3 at axis 0)`. */
export const sizesFitMsg = (op: string, z: Dims, s: Dims, axis: number): string =>
  `${op}: sizes ${showShape(z)} do not fit in shape ${showShape(s)} (${showDim(z[axis])} > ${showDim(s[axis])} at axis ${axis})`;

/** DynamicUpdateSlice, FitLoop: `dynamicUpdateSlice: update [5, 2] does not fit in [3, 4] (5 > 3 at axis 0)`. */
export const updateFitMsg = (op: string, u: Dims, s: Dims, axis: number): string =>
  `${op}: update ${showShape(u)} does not fit in ${showShape(s)} (${showDim(u[axis])} > ${showDim(s[axis])} at axis ${axis})`;

/** DynamicUpdateSlice, ranks: `dynamicUpdateSlice: update [2] and x [3, 4] differ in rank (1 vs 2)`. */
export const updateRankMsg = (op: string, u: Dims, s: Dims): string =>
  `${op}: update ${showShape(u)} and x ${showShape(s)} differ in rank (${u.length} vs ${s.length})`;
// ---------------------------------------------------------------- shape-utils.ts (pad, tile, repeat, split, roll, meshgrid)

/** Pad, pairs: `pad: padWidth has 3 pairs for shape [2, 3] (rank 2)`. */
export const padPairsMsg = (op: string, n: number, s: Dims): string => `${op}: padWidth has ${n} pairs for shape ${showShape(s)} (rank ${s.length})`;

/** PadCropMsg: `pad: widths [-2, -2] crop more than axis 0 has (size 3, shape [3, 4])`. */
export const padCropMsg = (op: string, s: Dims, axis: number, before: number, after: number): string =>
  `${op}: widths [${before}, ${after}] crop more than axis ${axis} has (size ${showDim(s[axis])}, shape ${showShape(s)})`;

/** Tile: `tile: reps must be non-negative integers, got [2, -1]`. */
export const tileRepsMsg = (op: string, reps: Dims): string => `${op}: reps must be non-negative integers, got ${showShape(reps)}`;

/** Repeat, a count: `repeat: repeats must be non-negative integers, got -1` (a list shows as [1, -1]). */
export const repeatNegMsg = (op: string, r: number | Dims): string =>
  `${op}: repeats must be non-negative integers, got ${typeof r === "number" ? r : showShape(r)}`;

/** RepeatList: `repeat: 3 repeats for axis 0 of size 2` (or `for the flattened tensor`). */
export const repeatCountMsg = (op: string, n: number, where: string): string => `${op}: ${n} repeats for ${where}`;

/** Split, sections: `split: 3 sections do not divide axis 0 of size 7 equally` (the axis as given). */
export const splitSectionsMsg = (op: string, n: number, axis: unknown, d: unknown): string =>
  `${op}: ${n} sections do not divide axis ${axis} of size ${showDim(d)} equally`;

/** Split, the count: `split: the number of sections must be a positive integer, got 0`. */
export const splitCountMsg = (op: string, n: unknown): string => `${op}: the number of sections must be a positive integer, got ${n}`;

/** Split, an index: `split: index 5 is out of range for axis 0 of size 4`. */
export const splitIndexMsg = (op: string, i: unknown, axis: unknown, d: unknown): string =>
  `${op}: index ${i} is out of range for axis ${axis} of size ${showDim(d)}`;

/** Split, the order: `split: indices must be increasing, got [3, 1]`. */
export const splitOrderMsg = (op: string, indices: Dims): string => `${op}: indices must be increasing, got ${showShape(indices)}`;

/** RollCheck: `roll: 2 shifts for 1 axes`. */
export const rollCountMsg = (shifts: number, axes: number): string => `roll: ${shifts} shifts for ${axes} axes`;

/** RollCheck, a list of shifts without axes: `roll: a list of shifts needs a list of axes`. */
export const rollListMsg = (): string => "roll: a list of shifts needs a list of axes";

/** MeshgridCheck: `meshgrid: inputs must be 1-D, got shape [2, 3] for input 1`. */
export const meshgridRankMsg = (s: Dims, i: number): string => `meshgrid: inputs must be 1-D, got shape ${showShape(s)} for input ${i}`;

/** A size past the int32 index range: `zeros: shape [1000000, 1000000] has 1e12 elements, more than a tensor can hold (2^31 - 1)`. */
export const tooLargeMsg = (op: string, s: Dims, n: number): string =>
  `${op}: shape ${showShape(s)} has ${n} elements, more than a tensor can hold (2^31 - 1)`;

// ---------------------------------------------------------------- linalg-decomp.ts (qr, eigh, svd, pinv, lstsq, matrixPower)

/** LinalgRankMsg: `qr: needs rank >= 2, got shape [3]`. */
export const linalgRankMsg = (op: string, s: Dims): string => `${op}: needs rank >= 2, got shape ${showShape(s)}`;

/** LinalgSquareMsg: `eigh: needs square matrices, got shape [3, 4]`. */
export const linalgSquareMsg = (op: string, s: Dims): string => `${op}: needs square matrices, got shape ${showShape(s)}`;

/** LstsqARankMsg: `lstsq: a must be 2-D, got shape [2, 3, 4]`. */
export const lstsqARankMsg = (a: Dims): string => `lstsq: a must be 2-D, got shape ${showShape(a)}`;

/** LstsqBRankMsg: `lstsq: b must be 1-D or 2-D, got shape []`. */
export const lstsqBRankMsg = (b: Dims): string => `lstsq: b must be 1-D or 2-D, got shape ${showShape(b)}`;

/** LstsqRowsMsg: `lstsq: leading dims differ, a [3, 2] and b [4] (3 vs 4)`. */
export const lstsqRowsMsg = (a: Dims, b: Dims): string =>
  `lstsq: leading dims differ, a ${showShape(a)} and b ${showShape(b)} (${showDim(a[0])} vs ${showDim(b[0])})`;
// ---------------------------------------------------------------- pool.ts (reduceWindow, maxPool, avgPool)

/** WindowLengthMsg: `reduceWindow: windowStrides [1, 1] (length 2) does not match shape [4, 4, 3] (rank 3)`. */
export const windowLengthMsg = (op: string, what: string, l: Dims, s: Dims): string =>
  `${op}: ${what} ${showShape(l)} (length ${l.length}) does not match shape ${showShape(s)} (rank ${s.length})`;

/** WindowPadPairsMsg: `reduceWindow: padding has 2 pairs for shape [4, 4, 3] (rank 3)` (or `for window [2, 2] (length 2)`). */
export const windowPadPairsMsg = (op: string, n: number, of: string): string => `${op}: padding has ${n} pairs for ${of}`;

/** PoolRankMsg: `maxPool: a 2-D window [2, 2] needs an input of rank 3 or more ([...batch, ...spatial, features]), got [28, 28]`. */
export const poolRankMsg = (op: string, w: Dims, s: Dims): string =>
  `${op}: a ${w.length}-D window ${showShape(w)} needs an input of rank ${w.length + 1} or more ([...batch, ...spatial, features]), got ${showShape(s)}`;

/** PoolStridesMsg: `maxPool: strides [2] (length 1) do not match window [2, 2] (length 2)`. */
export const poolStridesMsg = (op: string, st: Dims, w: Dims): string =>
  `${op}: strides ${showShape(st)} (length ${st.length}) do not match window ${showShape(w)} (length ${w.length})`;
// ---------------------------------------------------------------- losses.ts (nn losses)

/** LossPair: `softmaxCrossEntropy: logits [2, 3] and labels [2, 4] must have the same shape`. */
export const lossShapesMsg = (op: string, na: string, a: Dims, nb: string, b: Dims): string =>
  `${op}: ${na} ${showShape(a)} and ${nb} ${showShape(b)} must have the same shape`;

/** IntLabels, the shape: `softmaxCrossEntropyWithIntegerLabels: labels [3] must have the shape of logits [2, 5] without axis -1, [2]`. */
export const lossLabelsShapeMsg = (op: string, l: Dims, s: Dims, axis: unknown, expected: Dims): string =>
  `${op}: labels ${showShape(l)} must have the shape of logits ${showShape(s)} without axis ${axis}, ${showShape(expected)}`;

/** IntLabels, the dtype: `softmaxCrossEntropyWithIntegerLabels: labels must be int32, got float32`. */
export const lossIntLabelsMsg = (op: string, dtype: unknown): string => `${op}: labels must be int32, got ${dtype}`;

/** LossFloat: `softmaxCrossEntropy: logits must be float32 or float64, got int32`. */
export const lossFloatMsg = (op: string, name: string, dtype: unknown): string => `${op}: ${name} must be float32 or float64, got ${dtype}`;
// ---------------------------------------------------------------- linalg-solve.ts (issue 11: cholesky, lu, solve, ...)

/** Square: `cholesky: expected a square matrix, got [3, 4]`. */
export const squareMatrixMsg = (op: string, s: Dims): string => `${op}: expected a square matrix, got ${showShape(s)}`;

/** Solve, RhsMsg: `solve: b of shape [4] does not match a of shape [3, 3]`. */
export const rhsMismatchMsg = (op: string, a: Dims, b: Dims): string => `${op}: b of shape ${showShape(b)} does not match a of shape ${showShape(a)}`;

/** Solve, BatchMsg: `solve: batch dims [2] and [5] do not broadcast, [2, 3, 3] and [5, 3, 1]`. */
export const linalgBatchMsg = (op: string, ba: Dims, bb: Dims, a: Dims, b: Dims): string =>
  `${op}: batch dims ${showShape(ba)} and ${showShape(bb)} do not broadcast, ${showShape(a)} and ${showShape(b)}`;
// ---------------------------------------------------------------- nn layers (shape/layers.ts)

/** FeatureCheck: `layerNorm: the input has shape [8, 3] but the layer takes 4 features`. */
export const featuresMsg = (op: string, s: Dims, features: unknown): string => `${op}: the input has shape ${showShape(s)} but the layer takes ${features} features`;

/** SequenceCheck: `multiHeadAttention: the input must be [..., length, features], got shape [4]`. */
export const sequenceRankMsg = (op: string, s: Dims): string => `${op}: the input must be [..., length, features], got shape ${showShape(s)}`;

/** HeadsCheck: `multiHeadAttention: numHeads 3 does not divide qkvFeatures 256`. */
export const headsMsg = (heads: unknown, features: unknown): string => `multiHeadAttention: numHeads ${heads} does not divide qkvFeatures ${features}`;

/** MaskCheck: `multiHeadAttention: the mask has shape [3] but the attention weights have shape [2, 2, 4, 4]`. */
export const maskMsg = (m: Dims, w: Dims): string => `multiHeadAttention: the mask has shape ${showShape(m)} but the attention weights have shape ${showShape(w)}`;
// ---------------------------------------------------------------- conv.ts (convolution)

/** ConvGeneralDilated, ranks: `convGeneralDilated: lhs [8, 3, 28] and rhs [16, 3, 3, 3] differ in rank (3 vs 4)`. */
export const convRankMsg = (op: string, l: Dims, r: Dims): string => `${op}: lhs ${showShape(l)} and rhs ${showShape(r)} differ in rank (${l.length} vs ${r.length})`;

/** ConvGeneralDilated, layouts: `convGeneralDilated: dimension numbers NCHW, OIHW, NCHW do not fit lhs [8, 3, 28] and rhs [16, 3, 3]`. */
export const convSpecMsg = (op: string, specs: readonly string[], l: Dims, r: Dims): string =>
  `${op}: dimension numbers ${specs.join(", ")} do not fit lhs ${showShape(l)} and rhs ${showShape(r)}`;

/** ConvGeneralDilated, default layouts: `convGeneralDilated: no default dimension numbers for lhs [3, 4] (rank 2)`. */
export const convDefaultDimsMsg = (op: string, l: Dims): string => `${op}: no default dimension numbers for lhs ${showShape(l)} (rank ${l.length})`;

/** CheckGroups, features: `convGeneralDilated: lhs [8, 3, 28, 28] has 3 input features, rhs [16, 4, 3, 3] expects 4 × 1 feature groups`. */
export const convFeaturesMsg = (op: string, l: Dims, r: Dims, c: unknown, i: unknown, g: number): string =>
  `${op}: lhs ${showShape(l)} has ${showDim(c)} input features, rhs ${showShape(r)} expects ${showDim(i)} × ${g} feature groups`;

/** CheckGroups, groups and out-features: `convGeneralDilated: featureGroupCount 2 does not divide the 15 output features of rhs [15, 3, 3, 3] (lhs [8, 6, 28, 28])`. */
export const convGroupsMsg = (op: string, which: "featureGroupCount" | "batchGroupCount", g: number, o: unknown, l: Dims, r: Dims): string =>
  `${op}: ${which} ${g} does not divide the ${showDim(o)} output features of rhs ${showShape(r)} (lhs ${showShape(l)})`;

/** CheckGroups, batch groups and the batch: `convGeneralDilated: batchGroupCount 3 does not divide the batch 8 of lhs [8, 3, 5, 5] (rhs [6, 3, 3, 3])`. */
export const convBatchGroupsMsg = (op: string, g: number, n: unknown, l: Dims, r: Dims): string =>
  `${op}: batchGroupCount ${g} does not divide the batch ${showDim(n)} of lhs ${showShape(l)} (rhs ${showShape(r)})`;

/** CheckLength: `conv: 2 spatial dims but windowStrides has length 1`. */
export const convLengthMsg = (op: string, s: number, name: string, n: number): string => `${op}: ${s} spatial dims but ${name} has length ${n}`;

/** CheckStringPad: `conv: string padding SAME needs lhsDilation 1, got [2, 1] (give explicit pads, or use convTranspose)`. */
export const convStringPadMsg = (op: string, padding: string, ld: Dims): string =>
  `${op}: string padding ${padding} needs lhsDilation 1, got ${showShape(ld)} (give explicit pads, or use convTranspose)`;

// ---- nn.conv, nn.convTranspose (issue 12): the twins of shape/conv-layer.ts
/** ConvLayerCheck: `conv: the input must be [...batch, ...spatial, features] with 2 spatial dims, got shape [4, 3]`. */
export const convLayerRankMsg = (n: number, s: Dims, op = "conv"): string => `${op}: the input must be [...batch, ...spatial, features] with ${n} spatial dims, got shape ${showShape(s)}`;
// ---------------------------------------------------------------- nn.sequential (nn/sequential.ts, shape/layers.ts's SequentialMsg)

/** `sequential: layer 2 takes [..., 64] but layer 1 gives [..., 32]` (layer 0: "but the input gives"). */
export const sequentialMsg = (layer: number, takes: unknown, gives: unknown): string =>
  `sequential: layer ${layer} takes [..., ${takes}] but ${layer === 0 ? "the input" : `layer ${layer - 1}`} gives [..., ${gives}]`;
// ---------------------------------------------------------------- nn.conv feature groups (nn/conv.ts, shape/conv-layer.ts's ConvGroupsCheck)

/** `conv: featureGroupCount 4 must divide inFeatures 4 and outFeatures 6`. */
export const convLayerGroupsMsg = (groups: unknown, inFeatures: unknown, outFeatures: unknown): string =>
  `conv: featureGroupCount ${groups} must divide inFeatures ${inFeatures} and outFeatures ${outFeatures}`;

// ---- what is differentiated (issue 14; transforms/types.ts's DiffDTypeMessage, DiffNoTensorMessage)
/** `grad: argument 0.k has dtype uint32; grad requires float inputs (convert it with astype, or leave it out of argnums)`. */
export const diffDTypeMsg = (op: string, at: string, dtype: string): string =>
  `${op}: argument ${at} has dtype ${dtype}; ${op} requires float inputs (convert it with astype, or leave it out of argnums)`;
/** `grad: argument 0 holds no tensor to differentiate with respect to; pass a float tensor (e.g. tensor(3) for a number)`. */
export const diffNoTensorMsg = (op: string, argnum: number): string =>
  `${op}: argument ${argnum} holds no tensor to differentiate with respect to; pass a float tensor (e.g. tensor(3) for a number)`;

// ---- nn.sequential's batchNorm refusal (nn/sequential.ts's BatchNormRefusal)
/** `sequential: layer 1 is a batchNorm, whose running statistics are state that apply(params, x) cannot thread: ...`. */
export const batchNormRefusalMsg = (layer: number): string =>
  `sequential: layer ${layer} is a batchNorm, whose running statistics are state that apply(params, x) cannot thread: split the stack there and call its apply(params, state, x, { useRunningAverage }) between the two stacks`;

// ---- optimiser updates (issue 14; nn/transform.ts's UpdateMismatch)
/** `adam.update: grads.w has shape [2, 4], but the state was built for params.w of shape [2, 3]` (a dtype other than float32 in parentheses). */
export const optimUpdateMsg = (op: string, what: string, path: string, got: Dims, gotDType: string, want: Dims, wantDType: string): string => {
  const show = (s: Dims, d: string): string => `${showShape(s)}${d === "float32" ? "" : ` (${d})`}`;
  return `${op}.update: ${what}${path} has shape ${show(got, gotDType)}, but the state was built for params${path} of shape ${show(want, wantDType)}`;
};

// ---- vmap: mapped sizes that differ (issue 14; transforms/vmap.ts, transforms/types.ts's SizesMessage)
/** `argument 0.b has size 2 on axis 0 (shape [2])`: a mapped leaf, named by its pytree path. */
export const vmapLeafSize = (name: string, size: number, axis: number, s: Dims): string => `${name} has size ${size} on axis ${axis} (shape ${showShape(s)})`;
/**
 * `vmap: mapped axes have different sizes: <first mapped leaf>, but <first leaf that differs>`, and
 * when both are leaves of one argument (a model's parameters, say) the hint that it is not batched.
 */
export const vmapSizesMsg = (first: string, other: string, sameArg: number | undefined): string =>
  `vmap: mapped axes have different sizes: ${first}, but ${other}${sameArg === undefined ? "" : `; if argument ${sameArg} is not batched, give it inAxes null (e.g. inAxes: [null, 0])`}`;
