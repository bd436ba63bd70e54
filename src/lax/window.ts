/**
 * lax.reduceWindow: the public side of prims/window.ts, with the run-time twins of the checks in
 * shape/pool.ts. nn.maxPool and nn.avgPool (nn/pool.ts) resolve their arguments here too.
 */
import { isFloat, type DType } from "../ir/dtype.js";
import { reduceWindow as reduceWindowOp, type WindowOp, type WindowParams } from "../prims/window.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { ReduceWindowShape, WindowPadding } from "../shape/pool.js";
import { checkSize, samePads, shapeError, tensorArg } from "../tensor/checks.js";
import { showShape, windowLengthMsg, windowPadPairsMsg } from "../tensor/messages.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";

/** The reductions reduceWindow knows (JAX takes the function: lax.add, lax.mul, lax.max, lax.min). */
export type WindowComputation = WindowOp;
export type { WindowPadding } from "../shape/pool.js";

export interface ReduceWindowOptions<BD extends readonly number[] | undefined = undefined, WD extends readonly number[] | undefined = undefined> {
  /** input dilation: `d - 1` init values between neighbouring elements (default 1s) */
  readonly baseDilation?: BD;
  /** window dilation: the window's taps `d` apart (default 1s) */
  readonly windowDilation?: WD;
}

const COMPUTATIONS: readonly string[] = ["add", "mul", "max", "min"];

/** A list of integers of one length (a ShapeError naming the op and the list otherwise). */
export function intList(op: string, what: string, v: unknown, min: number): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < min)) {
    const got = Array.isArray(v) && v.every((d) => typeof d === "number") ? showShape(v) : JSON.stringify(v);
    shapeError(`${op}: ${what} must be a list of ${min === 0 ? "non-negative" : "positive"} integers, got ${got}`);
  }
  return v as number[];
}

/**
 * Window, strides, padding pairs and dilations for the dims of `shape` (all windowed), checked as
 * ReduceWindowShape checks them. "SAME" pads as jax.lax.padtype_to_pads: from the undilated input
 * and the dilated window, so the output is ceil(H / s) without base dilation.
 */
export function windowParams(
  op: string,
  shape: readonly number[],
  window: unknown,
  strides: unknown,
  padding: unknown,
  baseDilation?: unknown,
  windowDilation?: unknown,
): WindowParams {
  const names = ["windowDimensions", "windowStrides", "baseDilation", "windowDilation"];
  const ones = shape.map(() => 1);
  const lists = [intList(op, names[0]!, window, 0), intList(op, names[1]!, strides, 1)];
  lists.push(baseDilation === undefined ? ones : intList(op, names[2]!, baseDilation, 1));
  lists.push(windowDilation === undefined ? ones : intList(op, names[3]!, windowDilation, 1));
  lists.forEach((l, i) => {
    if (l.length !== shape.length) shapeError(windowLengthMsg(op, names[i]!, l, shape));
  });
  const [w, st, ld, wd] = lists as [number[], number[], number[], number[]];
  let pads: [number, number][];
  if (padding === "VALID") pads = shape.map(() => [0, 0]);
  else if (padding === "SAME") pads = shape.map((h, i) => samePads(h, w[i]!, st[i]!, wd[i]!));
  else if (Array.isArray(padding) && padding.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v)))) {
    pads = (padding as [number, number][]).map(([lo, hi]) => [lo, hi]);
    if (pads.length !== shape.length) shapeError(windowPadPairsMsg(op, pads.length, `shape ${showShape(shape)} (rank ${shape.length})`));
  } else {
    throw new TypeError(`${op}: padding must be "SAME", "VALID" or a list of [lo, hi] integer pairs, got ${JSON.stringify(padding)}`);
  }
  return { window: w, strides: st, padding: pads, baseDilation: ld, windowDilation: wd };
}

/** Checks the computation, the init value and the dtype, then reduces (the shared tail of reduceWindow and the pools). */
export function reduceWindowChecked(op: string, x: AnyTensor, init: unknown, computation: unknown, p: WindowParams): AnyTensor {
  if (typeof computation !== "string" || !COMPUTATIONS.includes(computation)) {
    throw new TypeError(`${op}: computation must be "add", "mul", "max" or "min", got ${JSON.stringify(computation)}`);
  }
  if (typeof init !== "number") throw new TypeError(`${op}: initValue must be a number, got ${typeof init}`);
  if (x.dtype === "bool") throw new TypeError(`${op}: expects a numeric tensor, got bool`);
  const padded = x.shape.map((h, i) => (h === 0 ? 0 : (h - 1) * p.baseDilation[i]! + 1) + p.padding[i]![0] + p.padding[i]![1]);
  padded.forEach((h, i) => {
    if (h < 0) shapeError(`${op}: padding ${showShape(p.padding[i]!)} crops more than axis ${i} has (size ${x.shape[i]}, shape ${showShape(x.shape)})`);
  });
  checkSize(op, padded);
  return reduceWindowOp(x, init, computation as WindowOp, p);
}

/**
 * Reduces each window of `operand` (jax.lax.reduce_window, XLA's ReduceWindow): `computation` is
 * "add", "mul", "max" or "min" (the function JAX takes, named), `initValue` fills the padding
 * and the base dilation and starts each window's fold (so 0 for add, -Infinity for max leave
 * the result alone; another value counts once per window, as XLA). `windowDimensions`,
 * `windowStrides`, `padding` ("SAME", "VALID" or one [lo, hi] pair per dim, negative crops) and
 * the dilations cover every dim of the operand; the output dims are
 * floor((H' + lo + hi - d·(k - 1) - 1) / s) + 1 with H' the base-dilated size, computed by the
 * types (a list of the wrong length is an error at the call).
 *
 * Derivatives: add's is a sum of pads (each tap's slice transposed); max's and min's go to ONE
 * element of each window, the first in row-major window order that equals the result, as JAX's
 * (XLA's select_and_scatter with ge / le; a window whose result is NaN passes none, and padding
 * competes as the init value, where XLA never selects it: this only differs for windows whose
 * maximum is -Infinity). Unlike JAX this also holds with dilations. The forward pass is one fused
 * kernel reading the input through one masked view per tap (no padded copy); the max/min
 * gradient is two (the chosen tap, then a gather of the cotangents); it vmaps over any axis.
 */
export function reduceWindow<
  S extends Shape,
  D extends DType,
  const W extends readonly number[],
  const St extends readonly number[],
  const P extends WindowPadding,
  const BD extends readonly number[] | undefined = undefined,
  const WD extends readonly number[] | undefined = undefined,
>(
  operand: Tensor<S, D>,
  initValue: number,
  computation: WindowComputation,
  windowDimensions: Check<ReduceWindowShape<S, W, St, P, BD, WD>, W>,
  windowStrides: St,
  padding: P,
  options?: ReduceWindowOptions<BD, WD>,
): Tensor<AsShape<ReduceWindowShape<S, W, St, P, BD, WD>>, D> {
  const op = "reduceWindow";
  const x = tensorArg(op, operand);
  const p = windowParams(op, x.shape, windowDimensions, windowStrides, padding, options?.baseDilation, options?.windowDilation);
  return reduceWindowChecked(op, x, initValue, computation, p) as Tensor<AsShape<ReduceWindowShape<S, W, St, P, BD, WD>>, D>;
}

/** Whether a dtype is a float (avgPool's requirement). */
export const floatArg = (op: string, x: AnyTensor): void => {
  if (!isFloat(x.dtype)) throw new TypeError(`${op}: expects a float tensor, got ${x.dtype}`);
};
