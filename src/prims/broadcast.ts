/**
 * The primitives every other rule leans on: broadcast_in_dim and its transpose reduce_sum, and
 * reshape (they live together because each one's derivative is the other), plus the constants
 * built from them. The families above (elementwise, structural, reduce, dot) import this one.
 */
import { sameShape, showShape, sizeOf, stridedOffsets, stridesOf, type AbstractValue } from "../ir/aval.js";
import { allocate, castScalar, type DType } from "../ir/dtype.js";
import { HostArray, affineGather } from "../ir/host-array.js";
import { contiguousView, isContiguous, type View } from "../ir/kernel.js";
import { fromHost } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { apply, fail, type Prim } from "./util.js";

type T = AnyTensor;

// ---------------------------------------------------------------- broadcast_in_dim

export interface BroadcastParams {
  readonly shape: readonly number[];
  /** dims[i]: the output axis that input axis i becomes (increasing). */
  readonly dims: readonly number[];
}
export const broadcastInDimP: Prim<BroadcastParams> = {
  name: "broadcast_in_dim",
  jet: "linear",
  abstractEval([x], { shape, dims }) {
    if (dims.length !== x!.shape.length) fail(`broadcast_in_dim dims ${dims} for rank ${x!.shape.length}`);
    dims.forEach((d, i) => {
      const s = x!.shape[i]!;
      if (d < 0 || d >= shape.length || (s !== 1 && s !== shape[d]) || (i > 0 && d <= dims[i - 1]!)) {
        fail(`broadcast_in_dim of ${showShape(x!.shape)} to ${showShape(shape)} with dims [${dims}]`);
      }
    });
    return { shape, dtype: x!.dtype };
  },
  impl([x], { shape, dims }, out) {
    const xs = stridesOf(x!.shape);
    const strides = shape.map(() => 0);
    dims.forEach((d, i) => {
      if (x!.shape[i] !== 1) strides[d] = xs[i]!;
    });
    return new HostArray(affineGather(x!.data, out.dtype, shape, 0, strides), shape, out.dtype);
  },
  jvp: (_x, [t], p) => (t === null ? null : broadcastInDim(t, p.shape, p.dims)),
  vjp(ct, [x], { shape, dims }) {
    // sum over the new axes and over the size-1 axes that were stretched, then restore x's shape
    const summed = shape.map((_, i) => i).filter((i) => !dims.includes(i) || (x!.shape[dims.indexOf(i)] === 1 && shape[i] !== 1));
    return [reshape(reduceSum(ct, summed), x!.shape)];
  },
  batch: ([x], _d, p) => [apply(broadcastInDimP, [x!], { shape: [x!.shape[0]!, ...p.shape], dims: [0, ...p.dims.map((d) => d + 1)] }), 0],
  lower: {
    kind: "view",
    view(v, { shape, dims }) {
      // new axes and stretched size-1 axes read with stride 0
      const strides = shape.map(() => 0);
      dims.forEach((d, i) => {
        if (v.shape[i] !== 1) strides[d] = v.strides[i]!;
      });
      return { shape, strides, offset: v.offset };
    },
  },
  showParams: (p) => `shape=${showShape(p.shape)} dims=[${p.dims.join(",")}]`,
};

// ---------------------------------------------------------------- reshape

export interface ReshapeParams {
  readonly shape: readonly number[];
}
export const reshapeP: Prim<ReshapeParams> = {
  name: "reshape",
  jet: "linear",
  abstractEval([x], { shape }) {
    if (sizeOf(shape) !== sizeOf(x!.shape)) fail(`reshape ${showShape(x!.shape)} to ${showShape(shape)}`);
    return { shape, dtype: x!.dtype };
  },
  impl: ([x], { shape }) => new HostArray(x!.data, shape, x!.dtype),
  jvp: (_x, [t], p) => (t === null ? null : reshape(t, p.shape)),
  vjp: (ct, [x]) => [reshape(ct, x!.shape)],
  batch: ([x], _d, p) => [apply(reshapeP, [x!], { shape: [x!.shape[0]!, ...p.shape] }), 0],
  lower: { kind: "view", view: (v, { shape }) => reshapeView(v, shape) },
  showParams: (p) => `shape=${showShape(p.shape)}`,
};

/**
 * A reshape as an index map: free for a contiguous view, and for any view whose axes split or
 * merge without crossing a stride break (a transposed matrix reshaped [m, n] -> [m, n, 1], a
 * broadcast row split in two). Otherwise null: the operand is copied first.
 */
function reshapeView(v: View, shape: readonly number[]): View | null {
  if (isContiguous(v)) return { ...contiguousView(shape), offset: v.offset };
  // drop size-1 axes, then match groups of old axes to groups of new axes with equal products
  const old = v.shape.map((d, i) => [d, v.strides[i]!] as const).filter(([d]) => d !== 1);
  const strides = new Array<number>(shape.length).fill(0);
  let j = 0;
  let i = 0;
  while (j < shape.length) {
    if (shape[j] === 1) {
      j++;
      continue;
    }
    if (i >= old.length) return null;
    // one group: old axes i..i2 whose strides chain, covering new axes j..j2
    let oldProd = old[i]![0];
    let i2 = i;
    let newProd = shape[j]!;
    let j2 = j;
    while (oldProd !== newProd) {
      if (oldProd < newProd) {
        i2++;
        if (i2 >= old.length || old[i2 - 1]![1] !== old[i2]![1] * old[i2]![0]) return null;
        oldProd *= old[i2]![0];
      } else {
        j2++;
        if (j2 >= shape.length) return null;
        newProd *= shape[j2]!;
      }
    }
    // the group is contiguous in its innermost stride: lay the new axes out on it
    let st = old[i2]![1];
    for (let k = j2; k >= j; k--) {
      strides[k] = shape[k] === 1 ? 0 : st;
      st *= shape[k]!;
    }
    i = i2 + 1;
    j = j2 + 1;
  }
  if (i !== old.length) return null;
  return { shape, strides, offset: v.offset };
}

// ---------------------------------------------------------------- reduce_sum

export interface ReduceParams {
  readonly axes: readonly number[];
}

export function reducedAval(name: string, x: AbstractValue, axes: readonly number[]): AbstractValue {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= x.shape.length) {
      throw new Error(`internal: ${name} axis ${a} out of range for rank ${x.shape.length}`);
    }
  }
  return { shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype };
}

/** Generic reference reduction: fold every input element into its output slot (in double). */
export function reduceImpl(x: HostArray, axes: readonly number[], out: AbstractValue, init: number, f: (acc: number, v: number) => number): HostArray {
  const o = allocate(out.dtype, sizeOf(out.shape));
  const acc = new Float64Array(o.length).fill(init);
  const rank = x.shape.length;
  const outStrides = stridesOf(out.shape);
  // stride in the output of each input axis (0 for reduced axes)
  const map = new Array<number>(rank).fill(0);
  let k = 0;
  for (let i = 0; i < rank; i++) if (!axes.includes(i)) map[i] = outStrides[k++]!;
  const slot = stridedOffsets(x.shape, map);
  const d = x.data;
  for (let i = 0; i < d.length; i++) acc[slot[i]!] = f(acc[slot[i]!]!, d[i]!);
  for (let i = 0; i < o.length; i++) o[i] = acc[i]!;
  return new HostArray(o, out.shape, out.dtype);
}

export const shiftAxes = (p: ReduceParams): ReduceParams => ({ axes: p.axes.map((a) => a + 1) });
export const showAxes = (p: ReduceParams) => `axes=[${p.axes.join(",")}]`;

export const reduceSumP: Prim<ReduceParams> = {
  name: "reduce_sum",
  jet: "linear",
  abstractEval: ([x], p) => reducedAval("reduce_sum", x!, p.axes),
  impl: ([x], p, out) => reduceImpl(x!, p.axes, out, 0, (a, v) => a + v),
  jvp: (_x, [t], p) => (t === null ? null : reduceSum(t, p.axes)),
  vjp: (ct, [x], p) => [unreduce(ct, x!.shape, p.axes)],
  batch: ([x], _d, p) => [apply(reduceSumP, [x!], shiftAxes(p)), 0],
  lower: { kind: "reduce", op: "sum", axes: (p) => p.axes },
  showParams: showAxes,
};

// ---------------------------------------------------------------- internal ops

/** A concrete scalar (becomes a graph constant when used inside a trace). */
export function scalar(v: number, dtype: DType): T {
  const data = allocate(dtype, 1);
  data[0] = castScalar(dtype, v);
  return fromHost(new HostArray(data, [], dtype)) as T;
}

/** `v` broadcast to a shape: a scalar constant plus a broadcast, which fusion makes free. */
export function full(shape: readonly number[], v: number, dtype: DType): T {
  const s = scalar(v, dtype);
  return shape.length === 0 ? s : broadcastInDim(s, shape, []);
}

/**
 * 0, 1, ..., shape[dim] - 1 along axis `dim` of `shape` (XLA's iota): a constant of shape[dim]
 * elements broadcast to the shape, so in a compiled program it is a small buffer read through a
 * view (fused, never materialised at full size). Constants have no derivative and no batch axis.
 */
export function iota(shape: readonly number[], dim: number, dtype: DType = "int32"): T {
  const n = shape[dim];
  if (n === undefined) throw new Error(`internal: iota axis ${dim} of rank ${shape.length}`);
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = castScalar(dtype, i);
  const v = fromHost(new HostArray(data, [n], dtype)) as T;
  return broadcastInDim(v, shape, [dim]);
}

export const zerosLike = (x: T): T => full(x.shape, 0, x.dtype);
export const onesLike = (x: T): T => full(x.shape, 1, x.dtype);

export function broadcastInDim(x: T, shape: readonly number[], dims: readonly number[]): T {
  if (sameShape(x.shape, shape) && dims.every((d, i) => d === i)) return x;
  return apply(broadcastInDimP, [x], { shape: [...shape], dims: [...dims] });
}
export function reshape(x: T, shape: readonly number[]): T {
  return sameShape(x.shape, shape) ? x : apply(reshapeP, [x], { shape: [...shape] });
}
const norm = (axes: readonly number[]) => [...axes].sort((a, b) => a - b);
export const reduceSum = (x: T, axes: readonly number[]) => (axes.length === 0 ? x : apply(reduceSumP, [x], { axes: norm(axes) }));

/** Broadcasts a reduced tensor back over the reduced axes of `shape`. */
export function unreduce(y: T, shape: readonly number[], axes: readonly number[]): T {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return broadcastInDim(y, shape, kept);
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

