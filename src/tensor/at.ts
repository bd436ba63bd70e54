/**
 * The object `x.at(i)` returns (JAX's `x.at[i]`): functional updates of the region that `i`
 * addresses on axis 0, each returning a new tensor of x's shape and dtype, and `get()` for the
 * region itself. Implemented in ops/indexing.ts.
 */
import type { DType } from "../ir/dtype.js";
import type { Check, Shape } from "../shape/core.js";
import type { BroadcastTo } from "../shape/broadcast.js";
import type { Tensor } from "./tensor.js";
import type { Operand, ShapeOf } from "./types.js";

/** An update value: a number or a tensor that broadcasts to the region R (converted to x's dtype). */
type UpdateArg<V, R extends Shape, Op extends string> = Check<BroadcastTo<ShapeOf<V>, R, Op>, V>;

export interface AtIndexer<S extends Shape, D extends DType, R extends Shape> {
  /** x with the region replaced by v (for duplicate indices, the last update wins). */
  set<V extends Operand>(v: UpdateArg<V, R, "at.set">): Tensor<S, D>;
  /** x with v added to the region (duplicate indices accumulate). */
  add<V extends Operand>(v: UpdateArg<V, R, "at.add">): Tensor<S, D>;
  /** x with the region multiplied by v (duplicate indices accumulate). */
  mul<V extends Operand>(v: UpdateArg<V, R, "at.mul">): Tensor<S, D>;
  /** x with the region replaced by its minimum with v. */
  min<V extends Operand>(v: UpdateArg<V, R, "at.min">): Tensor<S, D>;
  /** x with the region replaced by its maximum with v. */
  max<V extends Operand>(v: UpdateArg<V, R, "at.max">): Tensor<S, D>;
  /** The region itself (out-of-range traced indices clamp, as a gather). */
  get(): Tensor<R, D>;
}
