/** Public reductions: over all axes, one axis or a list, with keepdims. */
import type { DType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { Reduce } from "../shape/reduce.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import type { AxisArg, CountDType } from "../tensor/types.js";
export type { AxisArg } from "../tensor/types.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { isFloat } from "../ir/dtype.js";
import * as lax from "../prims/lax.js";
import { normAxes } from "../tensor/checks.js";


/**
 * `accumulate`: "float" for mean (ints and bools average in float32), "count" for sum and prod
 * (bools are counted in int32, as in JAX), "same" for max and min.
 */
function reduction(op: string, f: (x: AnyTensor, axes: number[]) => AnyTensor, accumulate: "float" | "count" | "same" = "same") {
  return (x: AnyTensor, axis: AxisArg, keepdims: boolean | undefined): AnyTensor => {
    if (!(x instanceof TensorClass)) throw new TypeError(`${op}: expected a tensor`);
    const axes = normAxes(op, axis, x.shape);
    const t =
      accumulate === "float" && !isFloat(x.dtype)
        ? lax.convert(x, "float32")
        : accumulate === "count" && x.dtype === "bool"
          ? lax.convert(x, "int32")
          : x;
    const r = f(t, axes);
    return keepdims ? lax.reshape(r, x.shape.map((d, i) => (axes.includes(i) ? 1 : d))) : r;
  };
}

const sumImpl = reduction("sum", lax.reduceSum, "count");
const prodImpl = reduction("prod", lax.reduceProd, "count");
const maxImpl = reduction("max", (x, axes) => {
  if (axes.some((a) => x.shape[a] === 0)) throw new Error(`max: zero-size axis in shape [${x.shape.join(", ")}] has no maximum`);
  return lax.reduceMax(x, axes);
});
const minImpl = reduction("min", (x, axes) => {
  if (axes.some((a) => x.shape[a] === 0)) throw new Error(`min: zero-size axis in shape [${x.shape.join(", ")}] has no minimum`);
  return lax.reduceMin(x, axes);
});
const meanImpl = reduction(
  "mean",
  (x, axes) => {
    const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
    const s = lax.reduceSum(x, axes);
    return lax.div(s, lax.full(s.shape, n, s.dtype));
  },
  "float",
);

/** Bools are counted in int32 by sum and prod. */

export function sum<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "sum">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "sum">>, CountDType<D>> {
  return sumImpl(x, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "sum">>, CountDType<D>>;
}
export function prod<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "prod">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "prod">>, CountDType<D>> {
  return prodImpl(x, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "prod">>, CountDType<D>>;
}
export function max<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "max">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "max">>, D> {
  return maxImpl(x, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "max">>, D>;
}
export function min<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "min">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "min">>, D> {
  return minImpl(x, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "min">>, D>;
}
/** Arithmetic mean; integer tensors give float32. */
export function mean<S extends Shape, D extends DType, const Ax extends AxisArg = undefined, K extends boolean = false>(
  x: Tensor<S, D>,
  axis?: Check<Reduce<S, Ax, K, "mean">, Ax>,
  keepdims?: K,
): Tensor<AsShape<Reduce<S, Ax, K, "mean">>, D extends "float64" ? "float64" : "float32"> {
  return meanImpl(x, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<S, Ax, K, "mean">>, D extends "float64" ? "float64" : "float32">;
}
