/**
 * The internal op layer: one function per primitive, on untyped tensors, with no broadcasting or
 * dtype promotion (operands already agree). Primitive rules and the public ops are written with
 * these, so they work unchanged on concrete tensors and inside any trace.
 */
import { bind } from "../ir/trace.js";
import type { DType } from "../ir/dtype.js";
import { sameShape } from "../ir/aval.js";
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import { HostArray } from "../backend/host-array.js";
import { allocate, castScalar } from "../ir/dtype.js";
import { defaultBackend } from "../backend/registry.js";
import * as E from "../prims/elementwise.js";
import * as R from "../prims/reduce.js";
import * as S from "../prims/structural.js";
import { dotGeneralP, type DotGeneralParams } from "../prims/dot.js";

type T = AnyTensor;

/** A concrete scalar (becomes a graph constant when used inside a trace). */
export function scalar(v: number, dtype: DType): T {
  const data = allocate(dtype, 1);
  data[0] = castScalar(dtype, v);
  return Tensor._fromDevice(defaultBackend().fromHost(new HostArray(data, [], dtype)));
}

/** `v` broadcast to a shape: a scalar constant plus a broadcast, which fusion makes free. */
export function full(shape: readonly number[], v: number, dtype: DType): T {
  const s = scalar(v, dtype);
  return shape.length === 0 ? s : broadcastInDim(s, shape, []);
}

export const zerosLike = (x: T): T => full(x.shape, 0, x.dtype);
export const onesLike = (x: T): T => full(x.shape, 1, x.dtype);

// elementwise
export const neg = (x: T) => bind(E.negP, [x], {});
export const exp = (x: T) => bind(E.expP, [x], {});
export const log = (x: T) => bind(E.logP, [x], {});
export const log1p = (x: T) => bind(E.log1pP, [x], {});
export const sin = (x: T) => bind(E.sinP, [x], {});
export const cos = (x: T) => bind(E.cosP, [x], {});
export const tan = (x: T) => bind(E.tanP, [x], {});
export const tanh = (x: T) => bind(E.tanhP, [x], {});
export const sqrt = (x: T) => bind(E.sqrtP, [x], {});
export const abs = (x: T) => bind(E.absP, [x], {});
export const sign = (x: T) => bind(E.signP, [x], {});
export const logistic = (x: T) => bind(E.logisticP, [x], {});
export const integerPow = (x: T, y: number) => (y === 1 ? x : bind(E.integerPowP, [x], { y }));
export const stopGradient = (x: T) => bind(E.stopGradientP, [x], {});
export const convert = (x: T, dtype: DType) => (x.dtype === dtype ? x : bind(E.convertP, [x], { dtype }));

export const add = (x: T, y: T) => bind(E.addP, [x, y], {});
export const sub = (x: T, y: T) => bind(E.subP, [x, y], {});
export const mul = (x: T, y: T) => bind(E.mulP, [x, y], {});
export const div = (x: T, y: T) => bind(E.divP, [x, y], {});
export const pow = (x: T, y: T) => bind(E.powP, [x, y], {});
export const max = (x: T, y: T) => bind(E.maxP, [x, y], {});
export const min = (x: T, y: T) => bind(E.minP, [x, y], {});
export const lt = (x: T, y: T) => bind(E.ltP, [x, y], {});
export const le = (x: T, y: T) => bind(E.leP, [x, y], {});
export const gt = (x: T, y: T) => bind(E.gtP, [x, y], {});
export const ge = (x: T, y: T) => bind(E.geP, [x, y], {});
export const eq = (x: T, y: T) => bind(E.eqP, [x, y], {});
export const ne = (x: T, y: T) => bind(E.neP, [x, y], {});
export const select = (pred: T, x: T, y: T) => bind(E.selectP, [pred, x, y], {});

/** x * c for a number c, skipping the multiply by one. */
export const mulScalar = (x: T, c: number) => (c === 1 ? x : mul(x, full(x.shape, c, x.dtype)));

/** Adds two possibly-zero (null) tangents. */
export function addAny(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return add(a, b);
}

// reductions
export const reduceSum = (x: T, axes: readonly number[]) => (axes.length === 0 ? x : bind(R.reduceSumP, [x], { axes: norm(axes) }));
export const reduceMax = (x: T, axes: readonly number[]) => (axes.length === 0 ? x : bind(R.reduceMaxP, [x], { axes: norm(axes) }));
export const reduceMin = (x: T, axes: readonly number[]) => (axes.length === 0 ? x : bind(R.reduceMinP, [x], { axes: norm(axes) }));
export const reduceProd = (x: T, axes: readonly number[]) => (axes.length === 0 ? x : bind(R.reduceProdP, [x], { axes: norm(axes) }));
const norm = (axes: readonly number[]) => [...axes].sort((a, b) => a - b);

// structure
export function broadcastInDim(x: T, shape: readonly number[], dims: readonly number[]): T {
  if (sameShape(x.shape, shape) && dims.every((d, i) => d === i)) return x;
  return bind(S.broadcastInDimP, [x], { shape: [...shape], dims: [...dims] });
}
export function reshape(x: T, shape: readonly number[]): T {
  return sameShape(x.shape, shape) ? x : bind(S.reshapeP, [x], { shape: [...shape] });
}
export function transpose(x: T, perm: readonly number[]): T {
  return perm.every((p, i) => p === i) ? x : bind(S.transposeP, [x], { perm: [...perm] });
}
export function slice(x: T, start: readonly number[], limit: readonly number[], strides?: readonly number[]): T {
  const st = strides ? [...strides] : start.map(() => 1);
  if (start.every((s, i) => s === 0 && limit[i] === x.shape[i] && st[i] === 1)) return x;
  return bind(S.sliceP, [x], { start: [...start], limit: [...limit], strides: st });
}
export function pad(x: T, low: readonly number[], high: readonly number[], interior: readonly number[]): T {
  if (low.every((l, i) => l === 0 && high[i] === 0 && interior[i] === 0)) return x;
  return bind(S.padP, [x], { low: [...low], high: [...high], interior: [...interior] });
}
export function concatenate(xs: readonly T[], axis: number): T {
  return xs.length === 1 ? xs[0]! : bind(S.concatenateP, xs, { axis });
}
export function dotGeneral(x: T, y: T, params: DotGeneralParams): T {
  return bind(dotGeneralP, [x, y], params);
}

/** Moves axis `from` to position `to`. */
export function moveAxis(x: T, from: number, to: number): T {
  if (from === to) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return transpose(x, perm);
}

/** Inserts a size-1 axis at `axis`. */
export function expandDims(x: T, axis: number): T {
  const s = [...x.shape];
  s.splice(axis, 0, 1);
  return reshape(x, s);
}

/** Broadcasts x to [b, ...x.shape] (a new leading axis). */
export function broadcastLeading(x: T, b: number): T {
  return broadcastInDim(x, [b, ...x.shape], x.shape.map((_, i) => i + 1));
}
