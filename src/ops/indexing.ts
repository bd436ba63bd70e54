/**
 * Public indexing with traced indices: take, takeAlongAxis, dynamicSlice, dynamicUpdateSlice,
 * `index` with an int32 scalar tensor, and the `.at` functional updates.
 *
 * Out-of-range traced indices follow JAX: negative indices count from the end (i + n); then a
 * read (gather: take, takeAlongAxis, index, `.at(...).get()`) clamps to [0, n - 1], and an update
 * (scatter: `.at(...).set/add/mul/min/max`) whose index is out of range is dropped. (jnp.take's own
 * default mode is "fill", NaN for out-of-range floats; shapegrad's take clamps, as `x[i]` and
 * `x.at[i].get()` do in JAX.) Static indices are checked: out of range is a compile-time error.
 *
 * Traced indices run as opaque host steps (src/prims/gather.ts: the kernel IR has no indexed
 * load yet); static numbers and slices in `.at` lower to pad and select, which fuse.
 */
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { SliceEntry } from "../shape/indexing.js";
import type { AtIndex, AtRegion, DynamicSlice, DynamicUpdateSlice, IntIndices, StartsCheck, Take, TakeAlongAxis } from "../shape/gather.js";
import type { AtIndexer } from "../tensor/at.js";
import { Tensor as TensorClass, type AnyTensor, type Tensor } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { gather, scatter, type ScatterMode } from "../prims/gather.js";
import { tensorArg, checkBroadcastTo, normAxis, shapeError } from "../tensor/checks.js";
import * as msg from "../tensor/messages.js";
import { broadcastTo } from "./operand.js";

type T = AnyTensor;

function indicesArg(op: string, i: unknown): T {
  const t = tensorArg(op, i);
  if (t.dtype !== "int32") shapeError(msg.intIndicesMsg(op, t.dtype));
  return t;
}

// ---------------------------------------------------------------- take / takeAlongAxis

/**
 * Elements of x at `indices` (int32, any rank) along `axis`: the axis is replaced by the indices'
 * shape, so `take(Tensor<[V, D]>, Tensor<[B, T], "int32">, 0)` is `Tensor<[B, T, D]>` (an
 * embedding lookup). Without an axis, x is flattened first (as JAX). Out-of-range indices clamp
 * (negative ones count from the end first), JAX's rule for gathers and `x[i]`; note that
 * `jnp.take`'s own default, mode "fill", gives NaN there instead. The gradient is a scatter-add,
 * so repeated indices accumulate.
 */
export function take<S extends Shape, D extends DType, IS extends Shape, DI extends DType, const A extends number | undefined = undefined>(
  x: Tensor<S, D>,
  indices: Check<IntIndices<DI, "take">, Tensor<IS, DI>>,
  axis?: Check<Take<S, IS, A>, A>,
): Tensor<AsShape<Take<S, IS, A>>, D> {
  const t = tensorArg("take", x);
  const idx = indicesArg("take", indices);
  const a = axis as number | undefined;
  if (a === undefined) return gather(lax.reshape(t, [t.size]), idx, { axis: 0, batch: 0, oob: "clip" }) as Tensor<AsShape<Take<S, IS, A>>, D>;
  const ax = normAxis("take", a, t.shape.length, t.shape);
  return gather(t, idx, { axis: ax, batch: 0, oob: "clip" }) as Tensor<AsShape<Take<S, IS, A>>, D>;
}

/**
 * NumPy's take_along_axis: `out[..., j, ...] = x[..., indices[..., j, ...], ...]` along `axis`,
 * with indices of x's rank whose other dims broadcast against x's. The loss of a classifier with
 * integer labels is `takeAlongAxis(logp, labels[:, None], 1)`. Out-of-range indices clamp as in take.
 */
export function takeAlongAxis<S extends Shape, D extends DType, IS extends Shape, DI extends DType, const A extends number>(
  x: Tensor<S, D>,
  indices: Check<IntIndices<DI, "takeAlongAxis">, Tensor<IS, DI>>,
  axis: Check<TakeAlongAxis<S, IS, A>, A>,
): Tensor<AsShape<TakeAlongAxis<S, IS, A>>, D> {
  const op = "takeAlongAxis";
  const t = tensorArg(op, x);
  const idx = indicesArg(op, indices);
  const r = t.shape.length;
  if (idx.shape.length !== r) shapeError(msg.takeAlongRankMsg(op, t.shape, idx.shape));
  const a = normAxis(op, axis as number, r, t.shape);
  const common = t.shape.map((d, k) => {
    const e = idx.shape[k]!;
    if (k !== a && d !== e && d !== 1 && e !== 1) shapeError(msg.takeAlongBroadcastMsg(op, t.shape, idx.shape, k, d, e));
    return d === 1 ? e : d;
  });
  const dims = t.shape.map((_, k) => k);
  const xb = lax.broadcastInDim(t, common.map((d, k) => (k === a ? t.shape[a]! : d)), dims);
  const ib = lax.broadcastInDim(idx, common.map((d, k) => (k === a ? idx.shape[a]! : d)), dims);
  // the axis goes last, every other axis is a batch dim shared by x and the indices
  const out = gather(lax.moveAxis(xb, a, r - 1), lax.moveAxis(ib, a, r - 1), { axis: r - 1, batch: r - 1, oob: "clip" });
  return lax.moveAxis(out, r - 1, a) as Tensor<AsShape<TakeAlongAxis<S, IS, A>>, D>;
}

// ---------------------------------------------------------------- dynamic slices

/** A start index of dynamicSlice / dynamicUpdateSlice: a number or a traced int32 scalar. */
export type StartIndex = number | Tensor<[], "int32">;

/** The start on one axis, normalised (negative counts from the end) and clamped so that `size` fits. */
function clampStart(op: string, s: StartIndex, n: number, size: number): number | T {
  if (typeof s === "number") {
    if (!Number.isInteger(s)) shapeError(`${op}: start indices must be integers, got ${s}`);
    return Math.min(Math.max(s < 0 ? s + n : s, 0), n - size);
  }
  const t = indicesArg(op, s);
  if (t.shape.length !== 0) shapeError(`${op}: start indices must be scalars, got shape ${msg.showShape(t.shape)}`);
  const c = (v: number) => lax.scalar(v, "int32");
  const wrapped = lax.select(lax.lt(t, c(0)), lax.add(t, c(n)), t);
  return lax.max(lax.min(wrapped, c(n - size)), c(0));
}

function startsArg(op: string, starts: unknown, s: readonly number[]): readonly StartIndex[] {
  if (!Array.isArray(starts)) shapeError(`${op}: start indices are an array with one entry per axis`);
  if (starts.length !== s.length) shapeError(msg.startsCountMsg(op, starts.length, s));
  return starts as readonly StartIndex[];
}

/**
 * The block of shape `sizes` starting at `starts` (JAX's lax.dynamic_slice): starts are numbers
 * or traced int32 scalars (so the block can move inside jit and vmap), sizes are static. As JAX,
 * negative starts count from the end and every start is clamped so that the block fits.
 */
export function dynamicSlice<S extends Shape, D extends DType, const St extends readonly StartIndex[], const Z extends Shape>(
  x: Tensor<S, D>,
  starts: Check<StartsCheck<S, St["length"], "dynamicSlice">, St>,
  sizes: Check<DynamicSlice<S, Z>, Z>,
): Tensor<AsShape<DynamicSlice<S, Z>>, D> {
  const op = "dynamicSlice";
  const t = tensorArg(op, x);
  const st = startsArg(op, starts, t.shape);
  const z = sizes as readonly number[];
  if (!Array.isArray(z)) shapeError(`${op}: sizes are an array with one entry per axis`);
  if (z.length !== t.shape.length) shapeError(msg.sizesCountMsg(op, z.length, t.shape));
  z.forEach((d, k) => {
    if (!Number.isInteger(d) || d < 0) shapeError(`${op}: sizes must be non-negative integers, got ${msg.showShape(z)}`);
    if (d > t.shape[k]!) shapeError(msg.sizesFitMsg(op, z, t.shape, k));
  });
  const at = st.map((s, k) => clampStart(op, s, t.shape[k]!, z[k]!));
  // static starts are one slice (a view); each traced one is a gather of `size` consecutive rows
  let out = lax.slice(
    t,
    at.map((s) => (typeof s === "number" ? s : 0)),
    at.map((s, k) => (typeof s === "number" ? s + z[k]! : t.shape[k]!)),
  );
  at.forEach((s, k) => {
    if (typeof s === "number") return;
    const rows = lax.add(lax.broadcastInDim(s, [z[k]!], []), lax.iota([z[k]!], 0));
    out = gather(out, rows, { axis: k, batch: 0, oob: "clip" });
  });
  return out as Tensor<AsShape<DynamicSlice<S, Z>>, D>;
}

/**
 * x with `update` written at `starts` (JAX's lax.dynamic_update_slice): starts as in
 * dynamicSlice (negative from the end, clamped so the update fits). The update is converted to
 * x's dtype. With static starts it is a pad and a select (fused); with traced ones the update is
 * gathered into place and selected by a mask, so the gradient of each side is exact.
 */
export function dynamicUpdateSlice<S extends Shape, D extends DType, U extends Shape, DU extends DType, const St extends readonly StartIndex[]>(
  x: Tensor<S, D>,
  update: Check<DynamicUpdateSlice<S, U>, Tensor<U, DU>>,
  starts: Check<StartsCheck<S, St["length"], "dynamicUpdateSlice">, St>,
): Tensor<S, D> {
  const op = "dynamicUpdateSlice";
  const t = tensorArg(op, x);
  const u0 = tensorArg(op, update);
  const s = t.shape;
  if (u0.shape.length !== s.length) shapeError(msg.updateRankMsg(op, u0.shape, s));
  u0.shape.forEach((d, k) => d > s[k]! && shapeError(msg.updateFitMsg(op, u0.shape, s, k)));
  const st = startsArg(op, starts, s);
  const u = lax.convert(u0, t.dtype);
  const at = st.map((v, k) => clampStart(op, v, s[k]!, u.shape[k]!));
  if (u.size === 0) return t as Tensor<S, D>;
  if (at.every((v) => typeof v === "number")) {
    const low = at as number[];
    const high = s.map((d, k) => d - low[k]! - u.shape[k]!);
    const zero = s.map(() => 0);
    const mask = lax.pad(lax.full(u.shape, 1, "bool"), low, high, zero);
    return lax.select(mask, lax.pad(u, low, high, zero), t) as Tensor<S, D>;
  }
  // per axis: the update row each position reads (clamped) and whether it lies inside the block;
  // a static start places by a pad, and an axis the update covers whole needs neither
  let placed = u;
  let inside: T | null = null;
  s.forEach((n, k) => {
    const m = u.shape[k]!;
    const start = at[k]!;
    if (m === n) return;
    if (typeof start === "number") {
      const lo = s.map((_, j) => (j === k ? start : 0));
      const hi = s.map((_, j) => (j === k ? n - start - m : 0));
      placed = lax.pad(placed, lo, hi, s.map(() => 0));
    }
    const pos = lax.sub(lax.iota([n], 0), typeof start === "number" ? lax.full([n], start, "int32") : lax.broadcastInDim(start, [n], []));
    const ok = lax.select(lax.ge(pos, lax.full([n], 0, "int32")), lax.lt(pos, lax.full([n], m, "int32")), lax.full([n], 0, "bool"));
    if (typeof start !== "number") {
      const rows = lax.max(lax.min(pos, lax.full([n], m - 1, "int32")), lax.full([n], 0, "int32"));
      placed = gather(placed, rows, { axis: k, batch: 0, oob: "clip" });
    }
    const okb = lax.broadcastInDim(ok, s, [k]);
    inside = inside === null ? okb : lax.select(inside, okb, lax.full(s, 0, "bool"));
  });
  return (inside === null ? placed : lax.select(inside, placed, t)) as Tensor<S, D>;
}

// ---------------------------------------------------------------- index with a traced scalar

/** index(x, i, axis) for an int32 scalar tensor i: a gather that clamps (ops/shape.ts checks the rest). */
export function indexTraced(x: T, i: unknown, axis: number): T {
  const idx = indicesArg("index", i);
  if (idx.shape.length !== 0) shapeError(`index: a tensor index must be a scalar, got shape ${msg.showShape(idx.shape)}`);
  return gather(x, idx, { axis, batch: 0, oob: "clip" });
}

// ---------------------------------------------------------------- .at

/** The region `i` addresses on axis 0: int32 indices, or a static range (start, count, step). */
type Region = { readonly kind: "indices"; readonly idx: T } | { readonly kind: "range"; readonly start: number; readonly count: number; readonly step: number; readonly drop: boolean };

function region(x: T, i: unknown): Region {
  const s = x.shape;
  if (i instanceof TensorClass) {
    const idx = indicesArg("at", i);
    if (s.length === 0) shapeError(msg.indexRankZeroMsg("at"));
    return { kind: "indices", idx };
  }
  if (typeof i === "number") {
    if (s.length === 0) shapeError(msg.indexRankZeroMsg("at"));
    const n = s[0]!;
    if (!Number.isInteger(i)) shapeError(`at: the index must be an integer, got ${i}`);
    if (i < -n || i >= n) shapeError(msg.indexOutOfBoundsMsg("at", i, 0, n, s));
    return { kind: "range", start: i < 0 ? i + n : i, count: 1, step: 1, drop: true };
  }
  if (i !== null && i !== undefined && !Array.isArray(i)) throw new TypeError("at: expects int32 indices, a number, or a slice entry [start?, end?, step?] (null: the whole axis)");
  if (s.length === 0) shapeError(msg.sliceTooManyMsg("at", 1, s));
  const n = s[0]!;
  const [s0, e0, st0] = (i ?? []) as readonly (number | null | undefined)[];
  const step = st0 ?? 1;
  if (!Number.isInteger(step) || step < 1) shapeError(msg.sliceStepMsg("at", step, 0));
  const bound = (v: number | null | undefined, dflt: number) => {
    if (v === null || v === undefined) return dflt;
    if (!Number.isInteger(v)) shapeError(`at: bounds must be integers, got ${v} on axis 0`);
    return Math.min(Math.max(v < 0 ? v + n : v, 0), n);
  };
  const start = bound(s0, 0);
  const end = Math.max(bound(e0, n), start);
  return { kind: "range", start, count: Math.ceil((end - start) / step), step, drop: false };
}

const regionShape = (x: T, r: Region): number[] =>
  r.kind === "indices" ? [...r.idx.shape, ...x.shape.slice(1)] : r.drop ? x.shape.slice(1) : [r.count, ...x.shape.slice(1)];

function combine(mode: ScatterMode, x: T, v: T): T {
  switch (mode) {
    case "set":
      return v;
    case "add":
      return lax.add(x, v);
    case "mul":
      return lax.mul(x, v);
    case "min":
      return lax.min(x, v);
    case "max":
      return lax.max(x, v);
  }
}

function atUpdate(x: T, r: Region, mode: ScatterMode, value: unknown): T {
  const op = `at.${mode}`;
  if (!(value instanceof TensorClass) && typeof value !== "number") throw new TypeError(`${op}: expected a tensor or a number, got ${value === null ? "null" : typeof value}`);
  const v = typeof value === "number" ? lax.scalar(value, x.dtype) : lax.convert(value as T, x.dtype);
  const shape = regionShape(x, r);
  checkBroadcastTo(op, v.shape, shape);
  const vb = broadcastTo(v, shape);
  if (r.kind === "indices") return scatter(x, r.idx, vb, { axis: 0, batch: 0, oob: "drop", mode });
  if (r.count === 0) return x;
  // a static range: the updates padded into place and a mask of the rows they cover (fused)
  const n = x.shape[0]!;
  const rows = r.drop ? lax.expandDims(vb, 0) : vb;
  const high = n - (r.start + (r.count - 1) * r.step + 1);
  const zeros = x.shape.map(() => 0);
  const placed = lax.pad(rows, [r.start, ...zeros.slice(1)], [high, ...zeros.slice(1)], [r.step - 1, ...zeros.slice(1)]);
  const mask = lax.broadcastInDim(lax.pad(lax.full([r.count], 1, "bool"), [r.start], [high], [r.step - 1]), x.shape, [0]);
  return lax.select(mask, combine(mode, x, placed), x);
}

function atGet(x: T, r: Region): T {
  if (r.kind === "indices") return gather(x, r.idx, { axis: 0, batch: 0, oob: "clip" });
  const s = x.shape;
  const end = r.count === 0 ? r.start : r.start + (r.count - 1) * r.step + 1;
  const out = lax.slice(x, s.map((_, k) => (k === 0 ? r.start : 0)), s.map((d, k) => (k === 0 ? end : d)), s.map((_, k) => (k === 0 ? r.step : 1)));
  return r.drop ? lax.reshape(out, s.slice(1)) : out;
}

/**
 * JAX's `x.at[i]`: functional updates of the region `i` addresses on axis 0, which is int32
 * indices of any rank (traced: a scatter, out-of-range updates dropped), a static number (a
 * compile-time error when out of range, unlike JAX's silent clamp), or a static slice entry as in
 * `slice` (`[start?, end?, step?]`, `null` for the whole axis). The value broadcasts to the region
 * and is converted to x's dtype. `add` with repeated indices accumulates (its gradient is a
 * gather); with `set`, the last repeated index wins and only it gets a gradient; `mul`'s gradient
 * is exact at zero updates; `min`/`max` share the gradient among ties, as the max/min reductions.
 */
export function at<S extends Shape, D extends DType, const I extends AtIndex>(
  x: Tensor<S, D>,
  indices: Check<AtRegion<S, I>, I>,
): AtIndexer<S, D, AsShape<AtRegion<S, I>>> {
  const t = tensorArg("at", x);
  const r = region(t, indices);
  const up = (mode: ScatterMode) => (v: unknown) => atUpdate(t, r, mode, v);
  return { set: up("set"), add: up("add"), mul: up("mul"), min: up("min"), max: up("max"), get: () => atGet(t, r) } as unknown as AtIndexer<S, D, AsShape<AtRegion<S, I>>>;
}

export type { AtIndexer, SliceEntry };
