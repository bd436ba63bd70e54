/** Public shape ops: reshape, transpose, axes, broadcasting, indexing, slicing, joining, diagonals. */
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape, ShapeError } from "../shape/core.js";
import type { ReshapeProbed, ProbeAll, ProbeLead, ProbeBatch, ProbeStatic, ExpandDims, Squeeze, Flatten } from "../shape/reshape.js";
import type { Transpose } from "../shape/transpose.js";
import type { BroadcastTo } from "../shape/broadcast.js";
import type { MoveAxis, AxisInRange } from "../shape/axis.js";
import type { AxisOutOfRangeMsg } from "../shape/reduce.js";
import type { Slice, SliceEntry } from "../shape/indexing.js";
import type { Concat, Stack } from "../shape/concat.js";
import type { Diagonal, Trace } from "../shape/diagonal.js";
import type { IndexAtProbed, IndexProbe } from "../shape/gather.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { sizeOf } from "../ir/aval.js";
import * as lax from "../prims/lax.js";
import { tensorArg, checkBroadcastTo, checkShapeArg, normAxes, normAxis, shapeError } from "../tensor/checks.js";
import * as msg from "../tensor/messages.js";
import { broadcastTo as broadcastToImpl } from "./operand.js";
import { promote } from "../ir/dtype.js";
import { indexTraced } from "./indexing.js";


// ---------------------------------------------------------------- reshape family

/**
 * Reshapes to `shape`; one entry may be -1 (inferred). With a type-parameter dim
 * (`x: Tensor<[B, 3, 4]>`) the count is checked at run time and the result keeps the dims that
 * cancel (`x.reshape([-1, 12])` is `[B, 12]`), `number` elsewhere (see ReshapeProbed).
 */
export function reshape<
  S extends Shape,
  D extends DType,
  const NS extends Shape,
  // probes for type-parameter dims (see ProbeAll): inferred from x, never passed
  All extends ProbeAll<S, NS> = ProbeAll<S, NS>,
  Lead extends ProbeLead<S, NS> = ProbeLead<S, NS>,
  Batch extends ProbeBatch<S, NS> = ProbeBatch<S, NS>,
  Static extends ProbeStatic<NS> = ProbeStatic<NS>,
>(
  x: Tensor<S, D> | Tensor<All, D> | Tensor<Lead, D> | Tensor<Batch, D> | Tensor<Static, D>,
  shape: Check<ReshapeProbed<S, NS, All, Lead, Batch, Static>, NS>,
): Tensor<AsShape<ReshapeProbed<S, NS, All, Lead, Batch, Static>>, D> {
  return reshapeImpl(x, shape as NS) as Tensor<AsShape<ReshapeProbed<S, NS, All, Lead, Batch, Static>>, D>;
}
function reshapeImpl(x: AnyTensor, shape: readonly number[]): AnyTensor {
  tensorArg("reshape", x);
  if (!Array.isArray(shape)) shapeError(`reshape: a shape is an array of non-negative integers (one may be -1), got ${JSON.stringify(shape)}`);
  const bad = shape.findIndex((d) => !Number.isInteger(d) || d < -1);
  if (bad >= 0) shapeError(msg.reshapeInvalidDimMsg("reshape", shape[bad], shape));
  const holes = shape.filter((d) => d === -1).length;
  if (holes > 1) shapeError(msg.reshapeHolesMsg("reshape", shape));
  const n = x.size;
  let out = [...shape];
  if (holes === 1) {
    const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    if (known === 0 || n % known !== 0) shapeError(msg.reshapeDivisibleMsg("reshape", x.shape, n, shape, known));
    out = shape.map((d) => (d === -1 ? n / known : d));
  }
  if (sizeOf(out) !== n) {
    shapeError(msg.reshapeCountMsg("reshape", x.shape, n, shape, sizeOf(out)));
  }
  return lax.reshape(x, out);
}

/** Flattens to one dimension. */
export function flatten<S extends Shape, D extends DType>(x: Tensor<S, D>): Tensor<Flatten<S>, D> {
  const t = tensorArg("flatten", x);
  return lax.reshape(t, [t.size]) as Tensor<Flatten<S>, D>;
}

/** Inserts a size-1 axis at `axis` (negative counts from the end; -1 appends). */
export function expandDims<S extends Shape, D extends DType, const A extends number>(
  x: Tensor<S, D>,
  axis: Check<ExpandDims<S, A>, A>,
): Tensor<AsShape<ExpandDims<S, A>>, D> {
  const t = tensorArg("expandDims", x);
  const r = t.shape.length;
  const a = axis as number;
  if (!Number.isInteger(a) || a < -(r + 1) || a > r) shapeError(msg.insertAxisOutOfRangeMsg("expandDims", t.shape, a));
  return lax.expandDims(t, a < 0 ? a + r + 1 : a) as Tensor<AsShape<ExpandDims<S, A>>, D>;
}

/** Removes size-1 axes: the given ones (each must have size 1), or all of them. */
export function squeeze<S extends Shape, D extends DType, const Ax extends number | readonly number[] | undefined = undefined>(
  x: Tensor<S, D>,
  axis?: Check<Squeeze<S, Ax>, Ax>,
): Tensor<AsShape<Squeeze<S, Ax>>, D> {
  const t = tensorArg("squeeze", x);
  const ax = axis as number | readonly number[] | undefined;
  const axes = ax === undefined ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normAxes("squeeze", ax, t.shape);
  for (const a of typeof ax === "number" ? [ax] : (ax ?? [])) {
    const k = a < 0 ? a + t.shape.length : a;
    if (t.shape[k] !== 1) shapeError(msg.squeezeSizeMsg("squeeze", a, t.shape[k], t.shape));
  }
  return lax.reshape(t, t.shape.filter((_, i) => !axes.includes(i))) as Tensor<AsShape<Squeeze<S, Ax>>, D>;
}

/** Permutes the axes (default: reverses them). */
export function transpose<S extends Shape, D extends DType, const P extends readonly number[] | undefined = undefined>(
  x: Tensor<S, D>,
  perm?: Check<Transpose<S, P>, P>,
): Tensor<AsShape<Transpose<S, P>>, D> {
  const t = tensorArg("transpose", x);
  const r = t.shape.length;
  const p = perm as readonly number[] | undefined;
  const full = p === undefined ? t.shape.map((_, i) => r - 1 - i) : p.map((a) => (Number.isInteger(a) && a >= -r && a < r ? (a < 0 ? a + r : a) : -1));
  if (full.length !== r || full.includes(-1) || new Set(full).size !== r) {
    shapeError(msg.notAPermutationMsg("transpose", p ?? [], t.shape));
  }
  return lax.transpose(t, full) as Tensor<AsShape<Transpose<S, P>>, D>;
}

/** A ShapeError for an axis out of range (AxisInRange alone gives `false`, which Check ignores); per member of a union. */
type AxisCheck<S extends Shape, A extends number> = A extends number ? (AxisInRange<S, A> extends false ? ShapeError<AxisOutOfRangeMsg<S, A, "moveAxis">> : A) : never;

/** Moves one axis to a new position. */
export function moveAxis<S extends Shape, D extends DType, const F extends number, const To extends number>(
  x: Tensor<S, D>,
  from: Check<AxisCheck<S, F>, F>,
  to: Check<AxisCheck<S, To>, To>,
): Tensor<AsShape<MoveAxis<S, F, To>>, D> {
  const t = tensorArg("moveAxis", x);
  const r = t.shape.length;
  return lax.moveAxis(t, normAxis("moveAxis", from as number, r, t.shape), normAxis("moveAxis", to as number, r, t.shape)) as Tensor<AsShape<MoveAxis<S, F, To>>, D>;
}

/** Broadcasts to `shape` by NumPy rules. */
export function broadcastTo<S extends Shape, D extends DType, const NS extends Shape>(
  x: Tensor<S, D>,
  shape: Check<BroadcastTo<S, NS>, NS>,
): Tensor<AsShape<BroadcastTo<S, NS>>, D> {
  const t = tensorArg("broadcastTo", x);
  const target = checkShapeArg("broadcastTo", shape);
  checkBroadcastTo("broadcastTo", t.shape, target);
  return broadcastToImpl(t, target) as Tensor<AsShape<BroadcastTo<S, NS>>, D>;
}

// ---------------------------------------------------------------- indexing

/**
 * Takes element `i` along `axis` (default 0), dropping that axis. Negative i counts from the end.
 * `i` is a static number (checked: out of range is an error) or a traced int32 scalar tensor,
 * which follows JAX's `x[i]`: negative counts from the end, then out-of-range indices clamp.
 * Along a type-parameter dim (`index(x, 0)` for `x: Tensor<[B, 3, 4]>`) a static i is checked
 * at run time.
 */
export function index<S extends Shape, D extends DType, const I extends number | Tensor<[], DType>, const A extends number = 0, G extends IndexProbe<S, A> = IndexProbe<S, A>>(
  x: Tensor<S, D> | Tensor<G, D>,
  i: Check<IndexAtProbed<S, I, A, G>, I>,
  axis?: A,
): Tensor<AsShape<IndexAtProbed<S, I, A, G>>, D> {
  const t = tensorArg("index", x);
  if (t.shape.length === 0) shapeError(msg.indexRankZeroMsg("index"));
  const ax = normAxis("index", axis ?? 0, t.shape.length, t.shape);
  if (i instanceof TensorClass) return indexTraced(t, i, ax) as Tensor<AsShape<IndexAtProbed<S, I, A, G>>, D>;
  const n = t.shape[ax]!;
  const k = i as number;
  if (!Number.isInteger(k)) shapeError(`index: the index must be an integer, got ${k}`);
  if (k < -n || k >= n) shapeError(msg.indexOutOfBoundsMsg("index", k, axis ?? 0, n, t.shape));
  const at = k < 0 ? k + n : k;
  const s = lax.slice(t, t.shape.map((_, a) => (a === ax ? at : 0)), t.shape.map((d, a) => (a === ax ? at + 1 : d)));
  return lax.reshape(s, t.shape.filter((_, a) => a !== ax)) as Tensor<AsShape<IndexAtProbed<S, I, A, G>>, D>;
}

/**
 * Basic slicing, one entry per leading axis: `null` keeps the axis, `[start, end?, step?]` takes a
 * Python-style range (negative bounds count from the end and are clamped; step >= 1).
 */
export function slice<S extends Shape, D extends DType, const Spec extends readonly SliceEntry[]>(
  x: Tensor<S, D>,
  spec: Check<Slice<S, Spec>, Spec>,
): Tensor<AsShape<Slice<S, Spec>>, D> {
  const t = tensorArg("slice", x);
  const sp = spec as readonly SliceEntry[];
  if (!Array.isArray(sp)) shapeError("slice: the spec is an array with one entry per leading axis");
  const start: number[] = [];
  const limit: number[] = [];
  const strides: number[] = [];
  t.shape.forEach((n, a) => {
    const e = sp[a];
    if (e === null || e === undefined) {
      start.push(0);
      limit.push(n);
      strides.push(1);
      return;
    }
    const [s0, e0, st0] = e;
    const step = st0 ?? 1;
    if (!Number.isInteger(step) || step < 1) shapeError(msg.sliceStepMsg("slice", step, a));
    const clampIdx = (v: number | null | undefined, dflt: number) => {
      if (v === null || v === undefined) return dflt;
      if (!Number.isInteger(v)) shapeError(`slice: bounds must be integers, got ${v} on axis ${a}`);
      const w = v < 0 ? v + n : v;
      return Math.min(Math.max(w, 0), n);
    };
    const s = clampIdx(s0, 0);
    const en = Math.max(clampIdx(e0, n), s);
    start.push(s);
    limit.push(en);
    strides.push(step);
  });
  // after the entries' own checks, as in the type-level walk
  if (sp.length > t.shape.length) shapeError(msg.sliceTooManyMsg("slice", sp.length, t.shape));
  return lax.slice(t, start, limit, strides) as Tensor<AsShape<Slice<S, Spec>>, D>;
}

// ---------------------------------------------------------------- joining

type ShapesOf<Ts extends readonly Tensor<Shape, DType>[]> = { [K in keyof Ts]: Ts[K] extends Tensor<infer S, DType> ? S : never };
/** The tensors' dtype, read from their `dtype` member (so that it also resolves for shapes holding a generic dim). */
type DTypeOfList<Ts extends readonly Tensor<Shape, DType>[]> = Ts[number] extends { readonly dtype: infer D extends DType } ? D : never;

function joinArgs(op: string, xs: readonly AnyTensor[]): AnyTensor[] {
  if (!Array.isArray(xs) || xs.length === 0) shapeError(msg.joinEmptyMsg(op));
  xs.forEach((x) => tensorArg(op, x));
  const dtype = xs.map((x) => x.dtype).reduce(promote);
  return xs.map((x) => lax.convert(x, dtype));
}

/** Joins tensors along an existing axis. */
export function concatenate<const Ts extends readonly Tensor<Shape, DType>[], const A extends number = 0>(
  xs: Check<Concat<ShapesOf<Ts>, A, "concatenate">, Ts>,
  axis?: A,
): Tensor<AsShape<Concat<ShapesOf<Ts>, A, "concatenate">>, DTypeOfList<Ts>> {
  const ts = joinArgs("concatenate", xs as readonly AnyTensor[]);
  const r = ts[0]!.shape.length;
  if (r === 0) shapeError(msg.concatRankZeroMsg("concatenate"));
  const ax = normAxis("concatenate", axis ?? 0, r, ts[0]!.shape);
  ts.slice(1).forEach((t, j) => {
    const prev = ts[j]!.shape; // each shape against the one before it, as Concat
    if (t.shape.length !== r) shapeError(msg.concatRankMsg("concatenate", prev, t.shape));
    const at = t.shape.findIndex((d, i) => i !== ax && d !== prev[i]);
    if (at >= 0) shapeError(msg.concatDimMsg("concatenate", prev, t.shape, at, prev[at], t.shape[at], axis ?? 0));
  });
  return lax.concatenate(ts, ax) as Tensor<AsShape<Concat<ShapesOf<Ts>, A, "concatenate">>, DTypeOfList<Ts>>;
}

/** Joins equal-shaped tensors along a new axis. */
export function stack<const Ts extends readonly Tensor<Shape, DType>[], const A extends number = 0>(
  xs: Check<Stack<ShapesOf<Ts>, A>, Ts>,
  axis?: A,
): Tensor<AsShape<Stack<ShapesOf<Ts>, A>>, DTypeOfList<Ts>> {
  const ts = joinArgs("stack", xs as readonly AnyTensor[]);
  const s0 = ts[0]!.shape;
  ts.slice(1).forEach((t, j) => {
    const prev = ts[j]!.shape;
    if (t.shape.length !== s0.length || t.shape.some((d, i) => d !== s0[i])) shapeError(msg.stackUnequalMsg("stack", prev, t.shape));
  });
  const r = s0.length + 1;
  const a = axis ?? 0;
  if (!Number.isInteger(a) || a < -r || a >= r) shapeError(msg.insertAxisOutOfRangeMsg("stack", s0, a));
  const ax = a < 0 ? a + r : a;
  return lax.concatenate(ts.map((t) => lax.expandDims(t, ax)), ax) as Tensor<AsShape<Stack<ShapesOf<Ts>, A>>, DTypeOfList<Ts>>;
}

// ---------------------------------------------------------------- diagonals

/**
 * The diagonal over two axes (NumPy semantics): those axes are removed and the diagonal is the
 * last axis. A strided slice of the flattened pair of axes, so every transformation handles it.
 */
export function diagonal<S extends Shape, D extends DType, const O extends number = 0, const A1 extends number = 0, const A2 extends number = 1>(
  x: Check<Diagonal<S, O, A1, A2>, Tensor<S, D>>,
  offset?: O,
  axis1?: A1,
  axis2?: A2,
): Tensor<AsShape<Diagonal<S, O, A1, A2>>, D> {
  return diagonalImpl("diagonal", tensorArg("diagonal", x), (offset as number | undefined) ?? 0, axis1 ?? 0, axis2 ?? 1) as Tensor<AsShape<Diagonal<S, O, A1, A2>>, D>;
}

function diagonalImpl(op: string, t: AnyTensor, offset: number, axis1: number, axis2: number): AnyTensor {
  const r = t.shape.length;
  if (r < 2) shapeError(msg.diagonalRankMsg(op, t.shape));
  if (!Number.isInteger(offset)) shapeError(`${op}: offset must be an integer, got ${offset}`);
  const a1 = normAxis(op, axis1, r, t.shape);
  const a2 = normAxis(op, axis2, r, t.shape);
  if (a1 === a2) shapeError(msg.diagonalAxesMsg(op, axis1, axis2, t.shape));
  const rest = t.shape.map((_, i) => i).filter((i) => i !== a1 && i !== a2);
  const moved = lax.transpose(t, [...rest, a1, a2]);
  const n = t.shape[a1]!;
  const m = t.shape[a2]!;
  const len = Math.max(0, Math.min(n - Math.max(0, -offset), m - Math.max(0, offset)));
  const lead = rest.map((i) => t.shape[i]!);
  if (len === 0) return lax.full([...lead, 0], 0, t.dtype);
  // element (i, i + offset) of an n x m block sits at flat position i*(m+1) + offset (offset >= 0)
  const first = offset >= 0 ? offset : -offset * m;
  const flat = lax.reshape(moved, [...lead, n * m]);
  const start = [...lead.map(() => 0), first];
  const limit = [...lead, first + (len - 1) * (m + 1) + 1];
  return lax.slice(flat, start, limit, [...lead.map(() => 1), m + 1]);
}

/** Sum of the diagonal over two axes. */
export function trace<S extends Shape, D extends DType, const O extends number = 0, const A1 extends number = 0, const A2 extends number = 1>(
  x: Check<Trace<S, O, A1, A2>, Tensor<S, D>>,
  offset?: O,
  axis1?: A1,
  axis2?: A2,
): Tensor<AsShape<Trace<S, O, A1, A2>>, D> {
  const d = diagonalImpl("trace", tensorArg("trace", x), (offset as number | undefined) ?? 0, axis1 ?? 0, axis2 ?? 1);
  return lax.reduceSum(d, [d.shape.length - 1]) as Tensor<AsShape<Trace<S, O, A1, A2>>, D>;
}
