/** oneHot at the type level (nn.oneHot). Pure types. */
import type { Shape, ShapeError } from "./core.js";
import type { IsNat } from "./arith.js";
import type { InsertAxis } from "./axis.js";
import type { ExpandDims } from "./reshape.js";

/** numClasses, or `oneHot: numClasses must be a non-negative integer, got -1`. */
export type OneHotClasses<N extends number> = number extends N
  ? N
  : IsNat<N> extends true
    ? N
    : ShapeError<`oneHot: numClasses must be a non-negative integer, got ${N}`>;

/**
 * The shape of oneHot(labels of shape S, N, { axis }): S with N inserted at Axis (default -1,
 * appended). Error: the axis out of range, as expandDims
 * (`oneHot: axis 3 is out of range for shape [2] (must be in [-2, 1])`).
 */
export type OneHot<S extends Shape, N extends number, Axis extends number = -1> =
  ExpandDims<S, Axis, "oneHot"> extends infer R ? (R extends ShapeError<string> ? R : InsertAxis<S, Axis, N>) : never;
