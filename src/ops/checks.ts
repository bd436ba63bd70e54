/** Run-time shape checks of the public ops: errors name the op and the shapes involved. */
import { showShape } from "../ir/aval.js";

export class ShapeMismatchError extends Error {
  override readonly name = "ShapeError";
}

export function shapeError(msg: string): never {
  throw new ShapeMismatchError(msg);
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 1; i <= n; i++) {
    const x = a[a.length - i] ?? 1;
    const y = b[b.length - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      shapeError(`${op}: shapes ${showShape(a)} and ${showShape(b)} do not broadcast (${x} vs ${y} at axis -${i})`);
    }
    out[n - i] = x === 1 ? y : x;
  }
  return out;
}

/** Normalises one axis (negative counts from the end). */
export function normAxis(op: string, axis: number, rank: number, shape: readonly number[]): number {
  if (!Number.isInteger(axis)) shapeError(`${op}: axis must be an integer, got ${axis}`);
  if (axis < -rank || axis >= rank) shapeError(`${op}: axis ${axis} is out of range for shape ${showShape(shape)} (rank ${rank})`);
  return axis < 0 ? axis + rank : axis;
}

/** Normalises an axis list; undefined means all axes. Rejects repeats. */
export function normAxes(op: string, axes: number | readonly number[] | undefined | null, shape: readonly number[]): number[] {
  const r = shape.length;
  if (axes === undefined || axes === null) return shape.map((_, i) => i);
  const list = (typeof axes === "number" ? [axes] : [...axes]).map((a) => normAxis(op, a, r, shape));
  if (new Set(list).size !== list.length) shapeError(`${op}: repeated axis in [${typeof axes === "number" ? axes : axes.join(", ")}] for shape ${showShape(shape)}`);
  return list.sort((x, y) => x - y);
}

export function checkShapeArg(op: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    shapeError(`${op}: a shape is an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape as readonly number[];
}
