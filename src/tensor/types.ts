/** Type helpers shared by the op signatures. */
import type { DType, Promote } from "../ir/dtype.js";
import type { Shape } from "../shape/core.js";
import type { Tensor } from "./tensor.js";

/** What an elementwise op accepts: a tensor, or a plain number where a scalar makes sense. */
export type Operand = Tensor<Shape, DType> | number;

/** The shape of an operand (a number is a scalar). */
export type ShapeOf<X> = X extends Tensor<infer S, DType> ? S : [];
/** The dtype of an operand; numbers are weakly typed and have none. */
// Matched on the dtype property alone (wrapped in a tuple), so it resolves inside generic code
// such as `<B extends number>(x: Tensor<[B, 2]>) => mul(x, x)`.
export type DTypeOf<X> = [X] extends [{ readonly dtype: infer D extends DType }] ? D : never;

/** The dtype of a binary op's result: numbers take the tensor's dtype; two numbers give float32. */
export type ResultDType<X, Y> = [DTypeOf<X>] extends [never]
  ? [DTypeOf<Y>] extends [never]
    ? "float32"
    : DTypeOf<Y>
  : [DTypeOf<Y>] extends [never]
    ? DTypeOf<X>
    : Promote<DTypeOf<X>, DTypeOf<Y>>;

/** The dtype of add, sub and mul: as ResultDType, except that bools count as int32 (1 + 1 is 2). */
export type ArithDType<X, Y> = ResultDType<X, Y> extends "bool" ? "int32" : ResultDType<X, Y>;

/** The dtype of a three-operand op (clip): numbers are weak, so only the tensors' dtypes count. */
export type ResultDType3<X, Y, Z> = [DTypeOf<Y>] extends [never]
  ? ResultDType<X, Z>
  : [DTypeOf<Z>] extends [never]
    ? ResultDType<X, Y>
    : ResultDType<X, Tensor<[], Promote<DTypeOf<Y>, DTypeOf<Z>>>>;

/** The dtype of div and pow: integers and bools are promoted to float32 (as at run time). */
export type FloatResultDType<X, Y> = ResultDType<X, Y> extends "float64" ? "float64" : "float32";

/** The axes a reduction takes: one, several, or all (undefined). */
export type AxisArg = number | readonly number[] | undefined;
/** Sums and products of bools count in int32. */
export type CountDType<D extends DType> = D extends "bool" ? "int32" : D;

/** The float dtype an op that promotes integers computes in: float64 stays, the rest is float32. */
export type FloatOf<D extends DType> = D extends "float64" ? "float64" : "float32";
