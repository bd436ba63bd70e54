/** Run-time shape checks of the public ops: errors name the op and the shapes involved. */
import { Tensor, type AnyTensor } from "./tensor.js";
import { axisOutOfRangeMsg, broadcastMsg, broadcastToDimMsg, broadcastToRankMsg, repeatedAxisMsg, tooLargeMsg } from "./messages.js";

export class ShapeMismatchError extends Error {
  override readonly name = "ShapeError";
}

export function shapeError(msg: string): never {
  throw new ShapeMismatchError(msg);
}

/** NumPy broadcasting of two shapes; `message` words a failure (default: Broadcast's message). */
export function broadcastShapes(
  op: string,
  a: readonly number[],
  b: readonly number[],
  message: (x: number, y: number, fromEnd: number) => string = (x, y, i) => broadcastMsg(op, a, b, x, y, i),
): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 1; i <= n; i++) {
    const x = a[a.length - i] ?? 1;
    const y = b[b.length - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      shapeError(message(x, y, i));
    }
    out[n - i] = x === 1 ? y : x;
  }
  checkSize(op, out);
  return out;
}

/** Broadcasting of several shapes, folded from the left as BroadcastAll folds them (so a mismatch names the same pair). */
export function broadcastAll(op: string, shapes: readonly (readonly number[])[]): number[] {
  return shapes.reduce<number[]>((acc, s) => broadcastShapes(op, acc, s), []);
}

/** One-directional broadcast (BroadcastTo): trailing axis first, then the rank. */
export function checkBroadcastTo(op: string, s: readonly number[], target: readonly number[]): void {
  checkSize(op, target);
  for (let i = 1; i <= s.length; i++) {
    if (i > target.length) shapeError(broadcastToRankMsg(op, s, target));
    const x = s[s.length - i]!;
    const y = target[target.length - i]!;
    if (x !== 1 && x !== y) shapeError(broadcastToDimMsg(op, s, target, x, y, i));
  }
}

/** Normalises one axis (negative counts from the end). */
export function normAxis(op: string, axis: number, rank: number, shape: readonly number[]): number {
  if (!Number.isInteger(axis)) shapeError(`${op}: axis must be an integer, got ${axis}`);
  if (axis < -rank || axis >= rank) shapeError(axisOutOfRangeMsg(op, shape, axis));
  return axis < 0 ? axis + rank : axis;
}

/** Normalises an axis list; undefined means all axes. Rejects repeats (axis by axis, as NormalizeAxes). */
export function normAxes(op: string, axes: number | readonly number[] | undefined | null, shape: readonly number[]): number[] {
  const r = shape.length;
  if (axes === undefined || axes === null) return shape.map((_, i) => i);
  const given = typeof axes === "number" ? [axes] : [...axes];
  const list: number[] = [];
  for (const a of given) {
    const k = normAxis(op, a, r, shape);
    if (list.includes(k)) shapeError(repeatedAxisMsg(op, a, given, shape));
    list.push(k);
  }
  return list.sort((x, y) => x - y);
}

export function checkShapeArg(op: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    shapeError(`${op}: a shape is an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  checkSize(op, shape as readonly number[]);
  return shape as readonly number[];
}

/**
 * The most elements a tensor may have: kernels index their buffers with int32 (wasm addresses,
 * gpu.js thread ids), so 2^31 - 1. Every creation function and every shape check of a public op
 * that makes a bigger shape (broadcastTo, reshape, broadcasting, pad, tile, repeat) asks here.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Throws when `shape` has more elements than a tensor can hold, naming the op and the shape. */
export function checkSize(op: string, shape: readonly number[]): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > MAX_ELEMENTS) shapeError(tooLargeMsg(op, shape, n));
}

/** A public op's tensor argument (a TypeError naming the op for anything else). */
export function tensorArg(op: string, x: unknown): AnyTensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a tensor, got ${x === null ? "null" : typeof x}`);
  return x as AnyTensor;
}

/**
 * One output dim of a window op (convolution, pooling): the runtime twin of `WindowDim` in
 * src/shape/window.ts, the same formula. 0 when the window does not fit, as XLA.
 */
export function windowDim(h: number, k: number, s = 1, lo = 0, hi = 0, d = 1, ld = 1): number {
  const dilated = (n: number, r: number) => (n === 0 ? 0 : (n - 1) * r + 1);
  const span = dilated(h, ld) + lo + hi - dilated(k, d);
  return span < 0 ? 0 : Math.floor(span / s) + 1;
}

/** SAME's [lo, hi] pads for one dim, from the undilated size (as jax.lax.padtype_to_pads); twin of `SamePads`. */
export function samePads(h: number, k: number, s = 1, d = 1): [number, number] {
  const out = Math.ceil(h / s);
  const total = Math.max(0, (out - 1) * s + (k === 0 ? 0 : (k - 1) * d + 1) - h);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}
