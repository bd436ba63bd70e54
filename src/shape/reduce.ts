/**
 * Reductions (sum, mean, max, ...) at the type level. Pure types, no runtime code.
 */
import type { Dim, Shape, ShapeError, ShowShape, Dynamic } from "./core.js";
import type { NormalizeAxis } from "./axis.js";
import type { Sub } from "./arith.js";

/**
 * Normalise a list of axes against S: a tuple of indexes in [0, r) (`number` for a dynamic axis),
 * or a ShapeError for an axis out of range or a repeated axis. Messages:
 * `${Op}: axis 2 is out of range for shape [3, 4] (rank 2)`,
 * `${Op}: repeated axis 1 in [1, -1] for shape [3, 4]`.
 */
export type NormalizeAxes<S extends Shape, Axes extends readonly number[], Op extends string> = NormalizeAxesLoop<
  S,
  Axes,
  Axes,
  Op,
  []
>;

type NormalizeAxesLoop<
  S extends Shape,
  Axes extends readonly number[],
  Axes0 extends readonly number[],
  Op extends string,
  Acc extends number[],
> = Axes extends readonly [infer A extends number, ...infer T extends readonly number[]]
  ? NormalizeAxis<A, S["length"]> extends infer K extends number
    ? [K] extends [never]
      ? ShapeError<AxisOutOfRangeMsg<S, A, Op>>
      : number extends K
        ? NormalizeAxesLoop<S, T, Axes0, Op, [...Acc, K]>
        : K extends Acc[number]
          ? ShapeError<`${Op}: repeated axis ${A} in ${ShowShape<Axes0>} for shape ${ShowShape<S>}`>
          : NormalizeAxesLoop<S, T, Axes0, Op, [...Acc, K]>
    : never
  : Acc;

/** The message `${Op}: axis 2 is out of range for shape [3, 4] (rank 2)`. */
export type AxisOutOfRangeMsg<S extends Shape, A extends number, Op extends string> = `${Op}: axis ${A} is out of range for shape ${ShowShape<S>} (rank ${S["length"]})`;

/**
 * The shape of a reduction over Axes: `undefined` (all axes), one axis, or a tuple of axes
 * (negative counts from the end). Reduced dims are dropped, or kept as 1 with KeepDims. An unknown
 * rank gives `number[]` (or [] for a full reduction); a dynamic axis gives dims of `number` of the
 * right rank. Errors: out of range, repeated axis (see NormalizeAxes).
 */
export type Reduce<
  S extends Shape,
  Axes extends number | readonly number[] | undefined,
  KeepDims extends boolean = false,
  Op extends string = "reduce",
> = Axes extends undefined
  ? KeepDims extends true
    ? number extends S["length"] ? number[] : Ones<S>
    : []
  : number extends S["length"]
    ? number[]
    : Axes extends number
      ? ReduceList<S, [Axes], KeepDims, Op>
      : Axes extends readonly number[]
        ? number extends Axes["length"]
          ? KeepDims extends true ? Dynamic<S["length"]> : number[]
          : ReduceList<S, Axes, KeepDims, Op>
        : never;

type ReduceList<S extends Shape, Axes extends readonly number[], KeepDims extends boolean, Op extends string> =
  NormalizeAxes<S, Axes, Op> extends infer Ks
    ? Ks extends number[]
      ? number extends Ks[number]
        ? KeepDims extends true ? Dynamic<S["length"]> : Dynamic<Sub<S["length"], Ks["length"]>>
        : ReduceKeep<S, Ks[number], KeepDims, []>
      : Ks
    : never;

type ReduceKeep<S extends Shape, Ks extends number, KeepDims extends boolean, Acc extends Dim[], I extends 0[] = []> = S extends readonly [
  infer H extends Dim,
  ...infer T extends Shape,
]
  ? I["length"] extends Ks
    ? ReduceKeep<T, Ks, KeepDims, KeepDims extends true ? [...Acc, 1] : Acc, [...I, 0]>
    : ReduceKeep<T, Ks, KeepDims, [...Acc, H], [...I, 0]>
  : Acc;

/** S with every dim replaced by 1. */
type Ones<S extends Shape, Acc extends 1[] = []> = S extends readonly [Dim, ...infer T extends Shape] ? Ones<T, [...Acc, 1]> : Acc;
