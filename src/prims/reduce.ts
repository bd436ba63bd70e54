/** Reductions over a sorted list of axes (the axes disappear; keepdims is a reshape in the ops). */
import { stridesOf, type AbstractValue } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import type { Primitive } from "../ir/primitive.js";
import { bind } from "../ir/trace.js";
import { HostArray } from "../backend/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import * as lax from "../ops/lax.js";

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
  const idx = new Array<number>(rank).fill(0);
  const d = x.data;
  let oi = 0;
  for (let i = 0; i < d.length; i++) {
    acc[oi] = f(acc[oi]!, d[i]!);
    // advance the multi-index and the output offset together
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]!++;
      oi += map[ax]!;
      if (idx[ax]! < x.shape[ax]!) break;
      oi -= map[ax]! * idx[ax]!;
      idx[ax] = 0;
    }
  }
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
  (a, v) => (a !== a || v !== v ? NaN : a > v ? a : v),
  () => reduceMaxP,
);
export const reduceMinP: Primitive<ReduceParams> = chooserReduce(
  "reduce_min",
  Infinity,
  (a, v) => (a !== a || v !== v ? NaN : a < v ? a : v),
  () => reduceMinP,
);

/**
 * d prod / d x_i = product of the other elements, computed without dividing by zero:
 * with no zero it is out / x_i; with one zero only that element gets the product of the rest.
 */
function prodGrad(x: T, axes: readonly number[]): T {
  const zero = lax.zerosLike(x);
  const one = lax.onesLike(x);
  const isZero = lax.eq(x, zero);
  const nonzero = lax.select(isZero, one, x);
  const pnz = unreduce(lax.reduceProd(nonzero, axes), x.shape, axes);
  const zeros = unreduce(lax.reduceSum(lax.convert(isZero, x.dtype), axes), x.shape, axes);
  const noZero = lax.eq(zeros, zero);
  const oneZero = lax.eq(zeros, one);
  return lax.select(isZero, lax.select(oneZero, pnz, zero), lax.select(noZero, lax.div(pnz, nonzero), zero));
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
