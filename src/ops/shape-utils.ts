/**
 * Shape utilities: pad (constant, edge, reflect), flip, roll, tile, repeat, split, tril/triu,
 * meshgrid, and the *Like constructors. Each is a composition of the structural primitives
 * (slice, pad, concatenate, rev, broadcast_in_dim, reshape, select, iota), so each fuses into the
 * kernels around it and gets its derivatives and batching rules from them.
 */
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape, ShapeError } from "../shape/core.js";
import type { Reduce } from "../shape/reduce.js";
import type { Meshgrid, MeshgridCheck, Pad, PadWidth, Repeat, RollCheck, Split, Tile, TriCheck } from "../shape/shape-utils.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { tensorArg, checkSize, normAxes, normAxis, shapeError } from "../tensor/checks.js";
import * as msg from "../tensor/messages.js";
import { checkDType, checkRange } from "../tensor/create.js";

type T = AnyTensor;


function intArg(op: string, what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) shapeError(`${op}: ${what} must be an integer, got ${String(v)}`);
  return v;
}

/** slice of x along one axis, [start, limit). */
function sliceAxis(x: T, axis: number, start: number, limit: number): T {
  return lax.slice(x, x.shape.map((_, i) => (i === axis ? start : 0)), x.shape.map((d, i) => (i === axis ? limit : d)));
}

// ---------------------------------------------------------------- pad

export type PadMode = "constant" | "edge" | "reflect" | "symmetric" | "wrap";
export interface PadOptions {
  /**
   * "constant" (default), "edge" (repeat the border element), "reflect" (mirror about the border
   * element), "symmetric" (mirror including it) or "wrap" (periodic), as NumPy.
   */
  readonly mode?: PadMode;
  /** The value of constant padding (default 0). */
  readonly constantValues?: number;
}

/**
 * Pads (NumPy / JAX `pad`): `padWidth` is a number for every side, one `[before, after]` pair for
 * every axis, or one pair per axis. A negative width crops that side instead (as `lax.pad`); the
 * crop happens first, then the mode pads what is left. Modes: "constant" (`constantValues`,
 * default 0), "edge", "reflect", "symmetric" and "wrap"; widths past the axis keep reflecting or
 * wrapping, as NumPy (reflect is periodic with period 2·(n - 1), and repeats the element of an
 * axis of size 1).
 */
export function pad<S extends Shape, D extends DType, const W extends PadWidth>(
  x: Tensor<S, D>,
  padWidth: Check<Pad<S, W>, W>,
  options?: PadOptions,
): Tensor<AsShape<Pad<S, W>>, D> {
  const t = tensorArg("pad", x);
  const pairs = padPairs(t.shape, padWidth as PadWidth);
  const mode = options?.mode ?? "constant";
  if (!["constant", "edge", "reflect", "symmetric", "wrap"].includes(mode)) {
    throw new TypeError(`pad: unknown mode ${JSON.stringify(mode)} (use constant, edge, reflect, symmetric or wrap)`);
  }
  pairs.forEach(([b, a], i) => {
    if (t.shape[i]! - Math.max(0, -b) - Math.max(0, -a) < 0) shapeError(msg.padCropMsg("pad", t.shape, i, b, a));
  });
  checkSize("pad", t.shape.map((d, i) => d + pairs[i]![0] + pairs[i]![1]));
  // crop the negative sides
  const cropped = lax.slice(t, pairs.map(([b]) => Math.max(0, -b)), t.shape.map((d, i) => d - Math.max(0, -pairs[i]![1])));
  const lo = pairs.map(([b]) => Math.max(0, b));
  const hi = pairs.map(([, a]) => Math.max(0, a));
  if (mode === "constant") {
    const c = options?.constantValues ?? 0;
    if (typeof c !== "number") throw new TypeError("pad: constantValues must be a number");
    const zero = lo.map(() => 0);
    const padded = lax.pad(cropped, lo, hi, zero);
    if (c === 0 || padded === cropped) return padded as Tensor<AsShape<Pad<S, W>>, D>;
    // the padding is where a padded all-true mask reads false
    const inside = lax.pad(lax.full(cropped.shape, 1, "bool"), lo, hi, zero);
    return lax.select(inside, padded, lax.full(padded.shape, c, t.dtype)) as Tensor<AsShape<Pad<S, W>>, D>;
  }
  let out = cropped;
  lo.forEach((b, axis) => {
    const n = cropped.shape[axis]!;
    const a = hi[axis]!;
    if (b + a === 0) return;
    if (n === 0) shapeError(`pad: cannot ${mode}-pad axis ${axis} of size 0 (shape ${msg.showShape(t.shape)})`);
    // the input index each output position p (0 = the first input element) reads
    const mod = (p: number, m: number) => ((p % m) + m) % m;
    const src = (p: number): number => {
      if (mode === "edge" || (mode === "reflect" && n === 1)) return Math.min(Math.max(p, 0), n - 1);
      if (mode === "wrap") return mod(p, n);
      if (mode === "symmetric") return ((r) => (r < n ? r : 2 * n - 1 - r))(mod(p, 2 * n));
      return ((r) => (r < n ? r : 2 * (n - 1) - r))(mod(p, 2 * (n - 1)));
    };
    out = gatherAxis(out, axis, Array.from({ length: b + n + a }, (_, i) => src(i - b)));
  });
  return out as Tensor<AsShape<Pad<S, W>>, D>;
}

function padPairs(shape: readonly number[], w: PadWidth): [number, number][] {
  const r = shape.length;
  const int = (v: unknown) => intArg("pad", "a pad width", v);
  if (typeof w === "number") return shape.map(() => [int(w), int(w)]);
  if (!Array.isArray(w)) throw new TypeError("pad: padWidth is a number, a [before, after] pair or one pair per axis");
  if (w.length === 2 && w.every((v) => typeof v === "number")) return shape.map(() => [int(w[0]), int(w[1])]);
  const list = w as readonly (readonly [number, number])[];
  if (list.length !== r && list.length !== 1) shapeError(msg.padPairsMsg("pad", list.length, shape));
  return shape.map((_, i) => {
    const p = list[list.length === 1 ? 0 : i];
    if (!Array.isArray(p) || p.length !== 2) throw new TypeError("pad: padWidth is a number, a [before, after] pair or one pair per axis");
    return [int(p[0]), int(p[1])];
  });
}

/**
 * x gathered along one axis at static indices: the runs of consecutive indices become slices
 * (reversed for a descending run, broadcast for a repeated index) joined by one concatenate, so
 * it is a single fused kernel whatever the pattern.
 */
function gatherAxis(x: T, axis: number, idx: readonly number[]): T {
  const parts: T[] = [];
  for (let i = 0; i < idx.length; ) {
    const first = idx[i]!;
    const step = i + 1 < idx.length && Math.abs(idx[i + 1]! - first) <= 1 ? idx[i + 1]! - first : 1;
    let j = i + 1;
    while (j < idx.length && idx[j]! - idx[j - 1]! === step) j++;
    const last = idx[j - 1]!;
    if (step === 1) parts.push(sliceAxis(x, axis, first, last + 1));
    else if (step === -1) parts.push(lax.rev(sliceAxis(x, axis, last, first + 1), [axis]));
    else {
      const s = x.shape.map((d, k) => (k === axis ? j - i : d));
      parts.push(lax.broadcastInDim(sliceAxis(x, axis, first, first + 1), s, s.map((_, k) => k)));
    }
    i = j;
  }
  return lax.concatenate(parts, axis);
}

// ---------------------------------------------------------------- flip, roll

type AxesArg = number | readonly number[] | undefined;

/** Reverses the order of elements along `axis` (one, several, or all when omitted), as jnp.flip. A view: it fuses. */
export function flip<S extends Shape, D extends DType, const Ax extends AxesArg = undefined>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, false, "flip">, Ax>,
): Tensor<S, D> {
  const t = tensorArg("flip", x);
  return lax.rev(t, normAxes("flip", axis as AxesArg, t.shape)) as Tensor<S, D>;
}

/**
 * Rolls elements along `axis` by `shift` (jnp.roll): element i moves to (i + shift) mod n, so a
 * negative shift rolls the other way. Without `axis` the tensor is rolled as if flattened.
 * `shift` and `axis` may be equal-length lists (one shift per axis).
 */
export function roll<S extends Shape, D extends DType, const Sh extends number | readonly number[], const Ax extends AxesArg = undefined>(
  x: Tensor<S, D>,
  shift: Check<RollCheck<Sh, Ax>, Sh>,
  axis?: Check<Reduce<S, Ax, false, "roll">, Ax>,
): Tensor<S, D> {
  const t = tensorArg("roll", x);
  const ax = axis as AxesArg;
  const sh = shift as number | readonly number[];
  if (ax === undefined) {
    if (typeof sh !== "number") shapeError(msg.rollListMsg());
    return lax.reshape(rollAxis(lax.reshape(t, [t.size]), 0, intArg("roll", "shift", sh)), t.shape) as Tensor<S, D>;
  }
  const axes = typeof ax === "number" ? [ax] : [...ax];
  const shifts = typeof sh === "number" ? axes.map(() => sh) : [...sh];
  if (typeof sh !== "number" && shifts.length !== axes.length) shapeError(msg.rollCountMsg(shifts.length, axes.length));
  normAxes("roll", axes, t.shape);
  let out = t;
  axes.forEach((a, i) => (out = rollAxis(out, normAxis("roll", a, t.shape.length, t.shape), intArg("roll", "shift", shifts[i]))));
  return out as Tensor<S, D>;
}

function rollAxis(x: T, axis: number, shift: number): T {
  const n = x.shape[axis]!;
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  return s === 0 ? x : gatherAxis(x, axis, Array.from({ length: n }, (_, i) => (i - s + n) % n));
}

// ---------------------------------------------------------------- tile, repeat

/**
 * Repeats the whole tensor `reps` times along each axis (jnp.tile): reps and shape are aligned on
 * the right, the shorter padded with 1s in front (`tile(Tensor<[2, 3]>, 2)` is `Tensor<[2, 6]>`).
 */
export function tile<S extends Shape, D extends DType, const R extends number | readonly number[]>(
  x: Tensor<S, D>,
  reps: Check<Tile<S, R>, R>,
): Tensor<AsShape<Tile<S, R>>, D> {
  const t = tensorArg("tile", x);
  const rs = typeof reps === "number" ? [reps] : [...(reps as readonly number[])];
  if (!rs.every((v) => Number.isInteger(v) && v >= 0)) shapeError(msg.tileRepsMsg("tile", rs));
  const r = Math.max(rs.length, t.shape.length);
  const s = [...new Array<number>(r - t.shape.length).fill(1), ...t.shape];
  const reps2 = [...new Array<number>(r - rs.length).fill(1), ...rs];
  const out = s.map((d, i) => d * reps2[i]!);
  checkSize("tile", out);
  // [r0, d0, r1, d1, ...]: each dim broadcast under its repeat count, then merged
  const wide = lax.broadcastInDim(lax.reshape(t, s), s.flatMap((d, i) => [reps2[i]!, d]), s.map((_, i) => 2 * i + 1));
  return lax.reshape(wide, out) as Tensor<AsShape<Tile<S, R>>, D>;
}

/**
 * Repeats each element along `axis` (jnp.repeat; without `axis`, of the flattened tensor):
 * `repeats` times, or element i `repeats[i]` times for a list (static counts, so the result shape
 * is known at compile time).
 */
export function repeat<S extends Shape, D extends DType, const R extends number | readonly number[], const A extends number | undefined = undefined>(
  x: Tensor<S, D>,
  repeats: Check<Repeat<S, R, A>, R>,
  axis?: A,
): Tensor<AsShape<Repeat<S, R, A>>, D> {
  let t = tensorArg("repeat", x);
  const rep = repeats as number | readonly number[];
  const neg = typeof rep === "number" ? !(Number.isInteger(rep) && rep >= 0) : !rep.every((v) => Number.isInteger(v) && v >= 0);
  if (neg) shapeError(msg.repeatNegMsg("repeat", rep));
  if (axis === undefined) t = lax.reshape(t, [t.size]);
  const ax = axis === undefined ? 0 : normAxis("repeat", axis, t.shape.length, t.shape);
  const n = t.shape[ax]!;
  if (typeof rep !== "number" && rep.length !== n) {
    shapeError(msg.repeatCountMsg("repeat", rep.length, axis === undefined ? "the flattened tensor" : `axis ${axis} of size ${n}`));
  }
  const total = typeof rep === "number" ? n * rep : rep.reduce((p, v) => p + v, 0);
  const out = t.shape.map((d, i) => (i === ax ? total : d));
  checkSize("repeat", out);
  if (typeof rep === "number") {
    // [.., n, rep, ..]: each element broadcast rep times, then merged
    const wide = [...t.shape.slice(0, ax + 1), rep, ...t.shape.slice(ax + 1)];
    const dims = t.shape.map((_, i) => (i <= ax ? i : i + 1));
    return lax.reshape(lax.broadcastInDim(t, wide, dims), out) as Tensor<AsShape<Repeat<S, R, A>>, D>;
  }
  if (total === 0) return lax.full(out, 0, t.dtype) as Tensor<AsShape<Repeat<S, R, A>>, D>;
  const parts = rep.flatMap((k, i) => {
    if (k === 0) return [];
    const s = t.shape.map((d, j) => (j === ax ? k : d));
    return [lax.broadcastInDim(sliceAxis(t, ax, i, i + 1), s, s.map((_, j) => j))];
  });
  return lax.concatenate(parts, ax) as Tensor<AsShape<Repeat<S, R, A>>, D>;
}

// ---------------------------------------------------------------- split

type AxisError<S extends Shape, A extends number, Op extends string> = Split<S, 1, A, Op> extends infer R ? (R extends ShapeError<string> ? R : A) : never;
type Parts<Ss, D extends DType> = Ss extends readonly Shape[] ? { -readonly [K in keyof Ss]: Tensor<Ss[K] extends Shape ? Ss[K] : never, D> } : never;

/**
 * Splits along `axis` (default 0) into `n` equal sections, or at increasing indices (jnp.split):
 * a tuple with one tensor per part and its exact shape (`split(Tensor<[6, 2]>, 3)` is three
 * `Tensor<[2, 2]>`). Sections that do not divide the axis and indices past it are errors (not
 * clamped).
 */
export function split<S extends Shape, D extends DType, const IoS extends number | readonly number[], const A extends number = 0>(
  x: Tensor<S, D>,
  indicesOrSections: Check<Split<S, IoS, A>, IoS>,
  axis?: Check<AxisError<S, A, "split">, A>,
): Parts<Split<S, IoS, A>, D> {
  const t = tensorArg("split", x);
  const a = (axis as number | undefined) ?? 0;
  if (t.shape.length === 0) shapeError(msg.axisOutOfRangeMsg("split", t.shape, a));
  const ax = normAxis("split", a, t.shape.length, t.shape);
  const n = t.shape[ax]!;
  const ios = indicesOrSections as number | readonly number[];
  let bounds: number[];
  if (typeof ios === "number") {
    if (!Number.isInteger(ios) || ios < 1) shapeError(msg.splitCountMsg("split", ios));
    if (n % ios !== 0) shapeError(msg.splitSectionsMsg("split", ios, a, n));
    bounds = Array.from({ length: ios - 1 }, (_, i) => ((i + 1) * n) / ios);
  } else {
    bounds = [...ios];
    bounds.forEach((i, k) => {
      if (!Number.isInteger(i) || i < 0 || i > n) shapeError(msg.splitIndexMsg("split", i, a, n));
      if (k > 0 && i < bounds[k - 1]!) shapeError(msg.splitOrderMsg("split", bounds));
    });
  }
  const edges = [0, ...bounds, n];
  return edges.slice(1).map((e, i) => sliceAxis(t, ax, edges[i]!, e)) as Parts<Split<S, IoS, A>, D>;
}

// ---------------------------------------------------------------- tril, triu

/**
 * The lower triangle of the last two axes (jnp.tril): element (i, j) is kept where j <= i + k,
 * else 0. k > 0 keeps diagonals above the main one, k < 0 drops some below it.
 */
export function tril<S extends Shape, D extends DType>(x: Check<TriCheck<S, "tril">, Tensor<S, D>>, k = 0): Tensor<S, D> {
  return triangle("tril", x as AnyTensor, k, true) as Tensor<S, D>;
}

/** The upper triangle of the last two axes (jnp.triu): element (i, j) is kept where j >= i + k, else 0. */
export function triu<S extends Shape, D extends DType>(x: Check<TriCheck<S, "triu">, Tensor<S, D>>, k = 0): Tensor<S, D> {
  return triangle("triu", x as AnyTensor, k, false) as Tensor<S, D>;
}

function triangle(op: string, x: unknown, k: number, lower: boolean): T {
  const t = tensorArg(op, x);
  const r = t.shape.length;
  if (r < 2) shapeError(msg.diagonalRankMsg(op, t.shape));
  intArg(op, "k", k);
  const m = t.shape.slice(-2);
  // row + k against column: an int32 comparison of two iotas, broadcast over the batch axes
  const rows = lax.add(lax.iota(m, 0), lax.full(m, k, "int32"));
  const cols = lax.iota(m, 1);
  const keep = lower ? lax.ge(rows, cols) : lax.le(rows, cols);
  const mask = lax.broadcastInDim(keep, t.shape, [r - 2, r - 1]);
  return lax.select(mask, t, lax.full(t.shape, 0, t.dtype));
}

// ---------------------------------------------------------------- meshgrid

type ShapesOf<Ts extends readonly Tensor<Shape, DType>[]> = { [K in keyof Ts]: Ts[K] extends Tensor<infer S, DType> ? S : never };
type Grids<Ts extends readonly Tensor<Shape, DType>[], I extends "xy" | "ij"> = {
  -readonly [K in keyof Ts]: Ts[K] extends Tensor<Shape, infer D> ? Tensor<AsShape<Meshgrid<ShapesOf<Ts>, I>>, D> : never;
};
type AnyT = Tensor<Shape, DType>;
/** The tensors of meshgrid's arguments (a trailing options object dropped). */
type MeshTensors<Args extends readonly unknown[]> = Args extends readonly [...infer Ts extends readonly AnyT[], MeshgridOptions] ? Ts : Args extends readonly AnyT[] ? Args : never;
type MeshIndexing<Args extends readonly unknown[]> = Args extends readonly [...AnyT[], { readonly indexing: infer I extends "xy" | "ij" }] ? I : "xy";
/** The arguments as given, or every one of them the first misuse's ShapeError. */
type MeshArgs<Args extends readonly unknown[]> = (ShapesOf<MeshTensors<Args>> extends infer Ss extends readonly Shape[] ? MeshgridCheck<Ss> : never) extends infer E
  ? E extends ShapeError<string>
    ? { [K in keyof Args]: E }
    : Args
  : never;

export interface MeshgridOptions<I extends "xy" | "ij" = "xy" | "ij"> {
  /** "xy" (default, Cartesian: the first two axes swapped) or "ij" (matrix indexing). */
  readonly indexing?: I;
}

/**
 * Coordinate grids from 1-D tensors (jnp.meshgrid): a tuple with one tensor per input, each of the
 * common shape and its input's dtype. With "xy" indexing (the default) the first two axes are
 * swapped: inputs of lengths 3 and 4 give [4, 3] grids; with "ij" they give [3, 4].
 */
export function meshgrid<const Args extends readonly (AnyT | MeshgridOptions)[]>(...args: MeshArgs<Args>): Grids<MeshTensors<Args>, MeshIndexing<Args>>;
export function meshgrid(...args: unknown[]): AnyTensor[] {
  const last = args[args.length - 1];
  const opts = last !== undefined && !(last instanceof TensorClass) && typeof last === "object" ? (last as MeshgridOptions) : undefined;
  const xs = (opts ? args.slice(0, -1) : args).map((x) => tensorArg("meshgrid", x));
  const indexing = opts?.indexing ?? "xy";
  if (indexing !== "xy" && indexing !== "ij") throw new TypeError(`meshgrid: indexing is "xy" or "ij", got ${JSON.stringify(indexing)}`);
  xs.forEach((x, i) => {
    if (x.shape.length !== 1) shapeError(msg.meshgridRankMsg(x.shape, i));
  });
  const pos = xs.map((_, i) => (indexing === "xy" && xs.length >= 2 && i < 2 ? 1 - i : i));
  const shape = xs.map((_, i) => xs[pos.indexOf(i)]!.shape[0]!);
  checkSize("meshgrid", shape);
  return xs.map((x, i) => lax.broadcastInDim(x, shape, [pos[i]!]));
}

// ---------------------------------------------------------------- *Like

/** Zeros of x's shape and dtype (or `dtype`); a constant, so it is free inside jit. */
export function zerosLike<S extends Shape, D extends DType, D2 extends DType = D>(x: Tensor<S, D>, dtype?: D2): Tensor<S, D2> {
  return fullLikeImpl("zerosLike", x, 0, dtype) as Tensor<S, D2>;
}

/** Ones of x's shape and dtype (or `dtype`). */
export function onesLike<S extends Shape, D extends DType, D2 extends DType = D>(x: Tensor<S, D>, dtype?: D2): Tensor<S, D2> {
  return fullLikeImpl("onesLike", x, 1, dtype) as Tensor<S, D2>;
}

/** `value` in x's shape, with x's dtype or `dtype` (creation's rule: a value out of an integer dtype's range is an error, as `full`). */
export function fullLike<S extends Shape, D extends DType, D2 extends DType = D>(x: Tensor<S, D>, value: number, dtype?: D2): Tensor<S, D2> {
  return fullLikeImpl("fullLike", x, value, dtype) as Tensor<S, D2>;
}

function fullLikeImpl(op: string, x: unknown, value: number, dtype: unknown): T {
  const t = tensorArg(op, x);
  const d = checkDType(op, dtype ?? t.dtype);
  if (typeof value !== "number") throw new TypeError(`${op}: value must be a number`);
  checkRange(op, d, value);
  return lax.full(t.shape, value, d);
}
