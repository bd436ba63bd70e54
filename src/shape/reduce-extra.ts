/**
 * Shapes of the scans and sorts (cumsum, sort, topK, ...). Pure types, no runtime code. The
 * arg-reductions, any/all, var/std, norm and logsumexp use Reduce (reduce.ts).
 */
import type { Shape, ShapeError, ShowShape } from "./core.js";
import type { AxisInRange } from "./axis.js";
import type { AxisOutOfRangeMsg } from "./reduce.js";
import type { Flatten } from "./reshape.js";
import type { IsNat, Lt } from "./arith.js";

/** S when Axis is an axis of S (or dynamic), else the ShapeError AxisOutOfRangeMsg. */
export type AxisShape<S extends Shape, Axis extends number, Op extends string> = AxisInRange<S, Axis> extends false
  ? ShapeError<AxisOutOfRangeMsg<S, Axis, Op>>
  : S;

/**
 * A cumulative reduction along Axis keeps the shape; with no axis (`undefined`, as jnp.cumsum's
 * axis=None) the input is flattened first.
 */
export type Cumulative<S extends Shape, Axis extends number | undefined, Op extends string> = Axis extends number
  ? AxisShape<S, Axis, Op>
  : Flatten<S>;

/** The message `topK: needs rank >= 1, got shape []`. */
export type TopKRankMsg = `topK: needs rank >= 1, got shape []`;
/** The message `topK: k = 5 is larger than the last axis (size 4) of shape [3, 4]`. */
export type TopKTooLargeMsg<S extends Shape, K extends number, N extends number> = `topK: k = ${K} is larger than the last axis (size ${N}) of shape ${ShowShape<S>}`;
/** The message `topK: k must be a non-negative integer, got -1`. */
export type TopKBadKMsg<K extends number> = `topK: k must be a non-negative integer, got ${K}`;

/**
 * The shape of topK's two results: S with its last dim replaced by K. Errors: rank 0, K not a
 * non-negative integer, K larger than the last dim (static dims; dynamic ones are checked at run
 * time with the same messages).
 */
export type TopK<S extends Shape, K extends number> = number extends S["length"]
  ? number[]
  : S extends readonly [...infer H extends Shape, infer N extends number]
    ? number extends K
      ? [...H, K]
      : IsNat<K> extends false
        ? ShapeError<TopKBadKMsg<K>>
        : Lt<N, K> extends true
          ? ShapeError<TopKTooLargeMsg<S, K, N>>
          : [...H, K]
    : ShapeError<TopKRankMsg>;
