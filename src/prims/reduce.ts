/** Reductions over a sorted list of axes (the axes disappear; keepdims is a reshape in the ops). */
import { stridedOffsets, stridesOf, type AbstractValue } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import type { Primitive } from "../ir/primitive.js";
import { bind } from "../ir/trace.js";
import { HostArray } from "../backend/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import * as lax from "../ops/lax.js";
import { nanMax, nanMin } from "./util.js";
import { inversePerm } from "./structural.js";

export interface ReduceParams {
  readonly axes: readonly number[];
}
type T = AnyTensor;

function reducedAval(name: string, x: AbstractValue, axes: readonly number[]): AbstractValue {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= x.shape.length) {
      throw new Error(`internal: ${name} axis ${a} out of range for rank ${x.shape.length}`);
    }
  }
  return { shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype };
}

/** Generic reference reduction: fold every input element into its output slot. */
function reduceImpl(x: HostArray, axes: readonly number[], out: AbstractValue, init: number, f: (acc: number, v: number) => number): HostArray {
  const o = allocate(out.dtype, out.shape.reduce((a, b) => a * b, 1));
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

/** Broadcasts a reduced tensor back over the reduced axes of `shape`. */
export function unreduce(y: T, shape: readonly number[], axes: readonly number[]): T {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return lax.broadcastInDim(y, shape, kept);
}

const shiftAxes = (p: ReduceParams): ReduceParams => ({ axes: p.axes.map((a) => a + 1) });
const showAxes = (p: ReduceParams) => `axes=[${p.axes.join(",")}]`;

export const reduceSumP: Primitive<ReduceParams> = {
  name: "reduce_sum",
  abstractEval: ([x], p) => reducedAval("reduce_sum", x!, p.axes),
  impl: ([x], p, out) => reduceImpl(x!, p.axes, out, 0, (a, v) => a + v),
  jvp: (_x, [t], p) => (t === null ? null : lax.reduceSum(t, p.axes)),
  vjp: (ct, [x], p) => [unreduce(ct, x!.shape, p.axes)],
  batch: ([x], _d, p) => [bind(reduceSumP, [x!], shiftAxes(p)), 0],
  showParams: showAxes,
};

/** max/min: the derivative flows to the elements equal to the result, shared among ties. */
function chooserReduce(name: string, init: number, f: (a: number, v: number) => number, self: () => Primitive<ReduceParams>): Primitive<ReduceParams> {
  const weights = (x: T, out: T, axes: readonly number[]) => {
    const hit = lax.convert(lax.eq(x, unreduce(out, x.shape, axes)), x.dtype);
    return lax.div(hit, unreduce(lax.reduceSum(hit, axes), x.shape, axes));
  };
  return {
    name,
    abstractEval: ([x], p) => reducedAval(name, x!, p.axes),
    impl: ([x], p, out) => reduceImpl(x!, p.axes, out, init, f),
    jvp: ([x], [t], p, out) => (t === null ? null : lax.reduceSum(lax.mul(t, weights(x!, out, p.axes)), p.axes)),
    vjp: (ct, [x], p, out) => [lax.mul(unreduce(ct, x!.shape, p.axes), weights(x!, out, p.axes))],
    batch: ([x], _d, p) => [bind(self(), [x!], shiftAxes(p)), 0],
    showParams: showAxes,
  };
}
export const reduceMaxP: Primitive<ReduceParams> = chooserReduce(
  "reduce_max",
  -Infinity,
  nanMax,
  () => reduceMaxP,
);
export const reduceMinP: Primitive<ReduceParams> = chooserReduce(
  "reduce_min",
  Infinity,
  nanMin,
  () => reduceMinP,
);

/**
 * d prod / d x_i = the product of the OTHER elements. Computed with multiplications only (a
 * pairwise product tree, like JAX's reduce_prod jvp), never as out / x_i: it is exact when
 * elements are zero and its own derivatives (Hessians, higher orders) are right there too.
 */
function prodGrad(x: T, axes: readonly number[]): T {
  const rank = x.shape.length;
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const rows = lax.reshape(lax.transpose(x, perm), [...kept.map((i) => x.shape[i]!), n]);
  const others = lax.reshape(exclusiveProd(rows), perm.map((i) => x.shape[i]!));
  return rank === 0 ? others : lax.transpose(others, inversePerm(perm));
}

/** For each element of the last axis, the product of the other elements of that axis. */
function exclusiveProd(x: T): T {
  const lead = x.shape.slice(0, -1);
  const k = lead.length;
  const n = x.shape[k]!;
  if (n <= 1) return lax.onesLike(x);
  const m = n + (n % 2);
  const even = n % 2 === 0 ? x : lax.concatenate([x, lax.full([...lead, 1], 1, x.dtype)], k);
  const pairs = lax.reshape(even, [...lead, m / 2, 2]);
  const half = (j: number) => lax.reshape(lax.slice(pairs, [...lead.map(() => 0), 0, j], [...lead, m / 2, j + 1]), [...lead, m / 2]);
  const a = half(0);
  const b = half(1);
  const up = exclusiveProd(lax.mul(a, b)); // product outside each pair
  const col = (v: T) => lax.reshape(v, [...lead, m / 2, 1]);
  const both = lax.reshape(lax.concatenate([col(lax.mul(up, b)), col(lax.mul(up, a))], k + 1), [...lead, m]);
  return m === n ? both : lax.slice(both, [...lead.map(() => 0), 0], [...lead, n]);
}

export const reduceProdP: Primitive<ReduceParams> = {
  name: "reduce_prod",
  abstractEval: ([x], p) => reducedAval("reduce_prod", x!, p.axes),
  impl: ([x], p, out) => reduceImpl(x!, p.axes, out, 1, (a, v) => a * v),
  jvp: ([x], [t], p) => (t === null ? null : lax.reduceSum(lax.mul(t, prodGrad(x!, p.axes)), p.axes)),
  vjp: (ct, [x], p) => [lax.mul(unreduce(ct, x!.shape, p.axes), prodGrad(x!, p.axes))],
  batch: ([x], _d, p) => [bind(reduceProdP, [x!], shiftAxes(p)), 0],
  showParams: showAxes,
};
