/** Type helpers shared by the op signatures. */
import type { DType, Promote } from "../ir/dtype.js";
import type { Shape } from "../shape/core.js";
import type { Tensor } from "../tensor/tensor.js";

/** What an elementwise op accepts: a tensor, or a plain number where a scalar makes sense. */
export type Operand = Tensor<Shape, DType> | number;

/** The shape of an operand (a number is a scalar). */
export type ShapeOf<X> = X extends Tensor<infer S, DType> ? S : [];
/** The dtype of an operand; numbers are weakly typed and have none. */
export type DTypeOf<X> = X extends Tensor<Shape, infer D> ? D : never;

/** The dtype of a binary op's result: numbers take the tensor's dtype; two numbers give float32. */
export type ResultDType<X, Y> = [DTypeOf<X>] extends [never]
  ? [DTypeOf<Y>] extends [never]
    ? "float32"
    : DTypeOf<Y>
  : [DTypeOf<Y>] extends [never]
    ? DTypeOf<X>
    : Promote<DTypeOf<X>, DTypeOf<Y>>;

export type ResultDType3<X, Y, Z> = ResultDType<X, Tensor<[], ResultDType<Y, Z>>>;
