/**
 * The shape rules of the losses (nn/losses.ts): two operands of the same shape, or integer labels
 * with the shape of the logits less the class axis. Pure types, no runtime code; the run-time
 * twins are lossShapesMsg, lossLabelsShapeMsg, lossFloatMsg and lossIntLabelsMsg in
 * tensor/messages.ts.
 */
import type { Dim, Shape, ShapeError, ShowShape } from "./core.js";
import type { NormalizeAxis, RemoveAxis } from "./axis.js";
import type { AxisOutOfRangeMsg } from "./reduce.js";
import type { DType } from "../ir/dtype.js";

/** True if A and B can be the same shape: equal dims, a `number` dim matching any dim, an unknown rank any shape. */
export type SameShape<A extends Shape, B extends Shape> = number extends A["length"]
  ? true
  : number extends B["length"]
    ? true
    : A["length"] extends B["length"]
      ? SameDims<A, B>
      : false;

type SameDims<A extends Shape, B extends Shape> = A extends readonly [infer HA extends Dim, ...infer TA extends Shape]
  ? B extends readonly [infer HB extends Dim, ...infer TB extends Shape]
    ? { a: HA; b: HB } extends { a: HB; b: HA } // identical, also the same generic dim on both sides
      ? SameDims<TA, TB>
      : number extends HA
        ? SameDims<TA, TB>
        : number extends HB
          ? SameDims<TA, TB>
          : false
    : true
  : true;

/**
 * Two operands of a loss that must have the same shape (A named NA, B named NB): B's shape when
 * they agree, else `${Op}: logits [2, 3] and labels [2, 4] must have the same shape`.
 */
export type LossPair<A extends Shape, B extends Shape, Op extends string, NA extends string, NB extends string> =
  SameShape<A, B> extends true ? B : ShapeError<`${Op}: ${NA} ${ShowShape<A>} and ${NB} ${ShowShape<B>} must have the same shape`>;

/** A float operand: `${Op}: logits must be float32 or float64, got int32`. */
export type LossFloat<D extends DType, Op extends string, Name extends string> = D extends "float32" | "float64"
  ? D
  : ShapeError<`${Op}: ${Name} must be float32 or float64, got ${D}`>;

/** The class axis of integer labels, in range for the logits' shape S. */
export type LossAxis<S extends Shape, A extends number, Op extends string> = [NormalizeAxis<A, S["length"]>] extends [never]
  ? ShapeError<AxisOutOfRangeMsg<S, A, Op>>
  : A;

/**
 * Integer labels for logits of shape S with classes along axis A: int32, of S's shape without A.
 * Errors: `${Op}: labels must be int32, got float32`,
 * `${Op}: labels [3] must have the shape of logits [2, 5] without axis -1, [2]`.
 */
export type IntLabels<S extends Shape, L extends Shape, A extends number, DL extends DType, Op extends string> = DL extends "int32"
  ? SameShape<RemoveAxis<S, A>, L> extends true
    ? L
    : ShapeError<`${Op}: labels ${ShowShape<L>} must have the shape of logits ${ShowShape<S>} without axis ${A}, ${ShowShape<RemoveAxis<S, A>>}`>
  : ShapeError<`${Op}: labels must be int32, got ${DL}`>;
