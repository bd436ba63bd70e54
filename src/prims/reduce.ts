/** The reductions other than reduce_sum (which lives with its transpose in broadcast.ts): max, min, prod. */
import type { ReduceOp } from "../ir/kernel.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { full, onesLike, reduceImpl, reducedAval, reduceSum, reshape, shiftAxes, showAxes, unreduce, type ReduceParams } from "./broadcast.js";
import { convert, div, eq, mul } from "./elementwise.js";
import { concatenate, inversePerm, slice, transpose } from "./structural.js";
import { apply, type Prim } from "./util.js";

type T = AnyTensor;
type Primitive<P extends object = object> = Prim<P>;

/** max/min: the derivative flows to the elements equal to the result, shared among ties. */
function chooserReduce(name: string, op: ReduceOp, init: number, f: (a: number, v: number) => number, self: () => Primitive<ReduceParams>): Primitive<ReduceParams> {
  const weights = (x: T, out: T, axes: readonly number[]) => {
    const hit = convert(eq(x, unreduce(out, x.shape, axes)), x.dtype);
    return div(hit, unreduce(reduceSum(hit, axes), x.shape, axes));
  };
  return {
    name,
    abstractEval: ([x], p) => reducedAval(name, x!, p.axes),
    impl: ([x], p, out) => reduceImpl(x!, p.axes, out, init, f),
    jet: "linear",
    jvp: ([x], [t], p, out) => (t === null ? null : reduceSum(mul(t, weights(x!, out, p.axes)), p.axes)),
    vjp: (ct, [x], p, out) => [mul(unreduce(ct, x!.shape, p.axes), weights(x!, out, p.axes))],
    batch: ([x], _d, p) => [apply(self(), [x!], shiftAxes(p)), 0],
    lower: { kind: "reduce", op, axes: (p) => p.axes },
    showParams: showAxes,
  };
}
export const reduceMaxP: Primitive<ReduceParams> = chooserReduce(
  "reduce_max",
  "max",
  -Infinity,
  Math.max,
  () => reduceMaxP,
);
export const reduceMinP: Primitive<ReduceParams> = chooserReduce(
  "reduce_min",
  "min",
  Infinity,
  Math.min,
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
  const rows = reshape(transpose(x, perm), [...kept.map((i) => x.shape[i]!), n]);
  const others = reshape(exclusiveProd(rows), perm.map((i) => x.shape[i]!));
  return rank === 0 ? others : transpose(others, inversePerm(perm));
}

/** For each element of the last axis, the product of the other elements of that axis. */
function exclusiveProd(x: T): T {
  const lead = x.shape.slice(0, -1);
  const k = lead.length;
  const n = x.shape[k]!;
  if (n <= 1) return onesLike(x);
  const m = n + (n % 2);
  const even = n % 2 === 0 ? x : concatenate([x, full([...lead, 1], 1, x.dtype)], k);
  const pairs = reshape(even, [...lead, m / 2, 2]);
  const half = (j: number) => reshape(slice(pairs, [...lead.map(() => 0), 0, j], [...lead, m / 2, j + 1]), [...lead, m / 2]);
  const a = half(0);
  const b = half(1);
  const up = exclusiveProd(mul(a, b)); // product outside each pair
  const col = (v: T) => reshape(v, [...lead, m / 2, 1]);
  const both = reshape(concatenate([col(mul(up, b)), col(mul(up, a))], k + 1), [...lead, m]);
  return m === n ? both : slice(both, [...lead.map(() => 0), 0], [...lead, n]);
}

export const reduceProdP: Primitive<ReduceParams> = {
  name: "reduce_prod",
  abstractEval: ([x], p) => reducedAval("reduce_prod", x!, p.axes),
  impl: ([x], p, out) => reduceImpl(x!, p.axes, out, 1, (a, v) => a * v),
  jvp: ([x], [t], p) => (t === null ? null : reduceSum(mul(t, prodGrad(x!, p.axes)), p.axes)),
  vjp: (ct, [x], p) => [mul(unreduce(ct, x!.shape, p.axes), prodGrad(x!, p.axes))],
  batch: ([x], _d, p) => [apply(reduceProdP, [x!], shiftAxes(p)), 0],
  lower: { kind: "reduce", op: "prod", axes: (p) => p.axes },
  showParams: showAxes,
};

// ---------------------------------------------------------------- internal ops

const norm = (axes: readonly number[]) => [...axes].sort((a, b) => a - b);
export const reduceMax = (x: T, axes: readonly number[]) => (axes.length === 0 ? x : apply(reduceMaxP, [x], { axes: norm(axes) }));
export const reduceMin = (x: T, axes: readonly number[]) => (axes.length === 0 ? x : apply(reduceMinP, [x], { axes: norm(axes) }));
export const reduceProd = (x: T, axes: readonly number[]) => (axes.length === 0 ? x : apply(reduceProdP, [x], { axes: norm(axes) }));
