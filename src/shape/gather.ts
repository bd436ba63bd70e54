/**
 * Gathers and scatters at the type level: take, takeAlongAxis, dynamicSlice, dynamicUpdateSlice,
 * `.at` regions, and `index` with a traced scalar. Pure types, no runtime code. Index tensors are
 * matched structurally (`{ shape, dtype }`), so this layer does not import the Tensor class.
 */
import type { DType } from "../ir/dtype.js";
import type { Dim, Shape, ShapeError, ShowShape, ShowDim, Dynamic, GenericMark, HasGenericDim } from "./core.js";
import type { NormalizeAxis, RemoveAt } from "./axis.js";
import type { AxisOutOfRangeMsg } from "./reduce.js";
import type { BroadcastDim } from "./broadcast.js";
import type { Index, Slice, SliceEntry } from "./indexing.js";
import type { Lte } from "./arith.js";

/** Something with a shape and a dtype: a tensor, seen from the type level. */
export interface Shaped {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** A ShapeError for index tensors that are not int32: `take: indices must be int32, got float32` (never when fine). */
export type IntIndices<D extends DType, Op extends string> = [D] extends ["int32"] ? never : ShapeError<`${Op}: indices must be int32, got ${D}`>;

/** The first K dims of S and the dims after index K (K a normalised literal). */
type Before<S extends Shape, K extends number, Acc extends Dim[] = []> = Acc["length"] extends K
  ? Acc
  : S extends readonly [infer H extends Dim, ...infer T extends Shape]
    ? Before<T, K, [...Acc, H]>
    : Acc;
type After<S extends Shape, K extends number, I extends 0[] = []> = S extends readonly [Dim, ...infer T extends Shape]
  ? I["length"] extends K
    ? [...T]
    : After<T, K, [...I, 0]>
  : [];

/**
 * take(x, indices, axis): S with the dim at Axis replaced by the whole index shape IS; without
 * an axis, x is flattened and the result is IS. Error:
 * `take: axis 2 is out of range for shape [3, 4] (rank 2)`.
 */
export type Take<S extends Shape, IS extends Shape, A extends number | undefined, Op extends string = "take"> = A extends number
  ? number extends S["length"]
    ? number[]
    : NormalizeAxis<A, S["length"]> extends infer K extends number
      ? [K] extends [never]
        ? ShapeError<AxisOutOfRangeMsg<S, A, Op>>
        : number extends K | IS["length"]
          ? number[]
          : [...Before<S, K>, ...IS, ...After<S, K>]
      : never
  : [...IS];

/**
 * takeAlongAxis(x, indices, axis): indices have the rank of x; the other dims broadcast (NumPy)
 * and the axis takes the indices' size. Errors:
 * `takeAlongAxis: x [2, 3] and indices [3] differ in rank (2 vs 1)`,
 * `takeAlongAxis: axis 2 is out of range for shape [2, 3] (rank 2)`,
 * `takeAlongAxis: x [2, 3] and indices [4, 1] do not broadcast at axis 0 (2 vs 4)`.
 */
export type TakeAlongAxis<S extends Shape, IS extends Shape, A extends number, Op extends string = "takeAlongAxis"> = number extends
  | S["length"]
  | IS["length"]
  ? number[]
  : S["length"] extends IS["length"]
    ? NormalizeAxis<A, S["length"]> extends infer K extends number
      ? [K] extends [never]
        ? ShapeError<AxisOutOfRangeMsg<S, A, Op>>
        : number extends K
          ? Dynamic<S["length"]>
          : AlongLoop<S, IS, K, S, IS, Op, []>
      : never
    : ShapeError<`${Op}: x ${ShowShape<S>} and indices ${ShowShape<IS>} differ in rank (${S["length"]} vs ${IS["length"]})`>;

type AlongLoop<S extends Shape, IS extends Shape, K extends number, S0 extends Shape, IS0 extends Shape, Op extends string, Acc extends Dim[]> = S extends readonly [
  infer X extends Dim,
  ...infer ST extends Shape,
]
  ? IS extends readonly [infer Y extends Dim, ...infer IT extends Shape]
    ? Acc["length"] extends K
      ? AlongLoop<ST, IT, K, S0, IS0, Op, [...Acc, Y]>
      : { d: BroadcastDim<X, Y> } extends { d: infer D extends Dim }
        ? AlongLoop<ST, IT, K, S0, IS0, Op, [...Acc, D]>
        : ShapeError<`${Op}: x ${ShowShape<S0>} and indices ${ShowShape<IS0>} do not broadcast at axis ${Acc["length"]} (${ShowDim<X>} vs ${ShowDim<Y>})`>
    : Acc
  : Acc;

/** A list with one entry per axis of S: `dynamicSlice: 1 start indices for shape [3, 4] (rank 2)` (never when fine). */
export type StartsCheck<S extends Shape, N extends number, Op extends string> = number extends S["length"] | N
  ? never
  : N extends S["length"]
    ? never
    : ShapeError<`${Op}: ${N} start indices for shape ${ShowShape<S>} (rank ${S["length"]})`>;

/**
 * dynamicSlice(x, starts, sizes): the result shape is Sizes, one per axis, each at most the dim.
 * Errors: `dynamicSlice: sizes [5, 2] do not fit in shape [3, 4] (5 > 3 at axis 0)`,
 * `dynamicSlice: 1 sizes for shape [3, 4] (rank 2)`.
 */
export type DynamicSlice<S extends Shape, Z extends Shape, Op extends string = "dynamicSlice"> = number extends S["length"] | Z["length"]
  ? [...Z]
  : Z["length"] extends S["length"]
    ? FitLoop<Z, S, Z, `${Op}: sizes ${ShowShape<Z>} do not fit in shape ${ShowShape<S>}`, []>
    : ShapeError<`${Op}: ${Z["length"]} sizes for shape ${ShowShape<S>} (rank ${S["length"]})`>;

/**
 * dynamicUpdateSlice(x, update, starts): x's shape; the update has x's rank and fits in it. Errors:
 * `dynamicUpdateSlice: update [5, 2] does not fit in [3, 4] (5 > 3 at axis 0)`,
 * `dynamicUpdateSlice: update [2] and x [3, 4] differ in rank (1 vs 2)`.
 */
export type DynamicUpdateSlice<S extends Shape, U extends Shape, Op extends string = "dynamicUpdateSlice"> = number extends
  | S["length"]
  | U["length"]
  ? [...S]
  : U["length"] extends S["length"]
    ? FitLoop<U, S, S, `${Op}: update ${ShowShape<U>} does not fit in ${ShowShape<S>}`, []>
    : ShapeError<`${Op}: update ${ShowShape<U>} and x ${ShowShape<S>} differ in rank (${U["length"]} vs ${S["length"]})`>;

/** Every dim of Z at most the dim of S; the result is R, or an error `${Msg} (5 > 3 at axis 0)`. */
type FitLoop<Z extends Shape, S extends Shape, R extends Shape, Msg extends string, I extends 0[]> = Z extends readonly [
  infer A extends Dim,
  ...infer ZT extends Shape,
]
  ? S extends readonly [infer B extends Dim, ...infer ST extends Shape]
    ? Lte<A, B> extends false
      ? ShapeError<`${Msg} (${ShowDim<A>} > ${ShowDim<B>} at axis ${I["length"]})`>
      : FitLoop<ZT, ST, R, Msg, [...I, 0]>
    : [...R]
  : [...R];

/** What `.at(...)` accepts: int32 indices on axis 0, a static index, or a slice entry as in `slice`. */
export type AtIndex = Shaped | number | SliceEntry;

/**
 * The region `x.at(i)` addresses: for int32 indices of shape IS, [...IS, ...S[1:]]; for a static
 * number, S without axis 0; for a slice entry, the sliced shape. Errors:
 * `at: 5 is out of bounds for axis 0 of size 3 (shape [3, 4])`, `at: indices must be int32, got float32`,
 * `at: cannot index a rank-0 tensor (shape [])`.
 */
export type AtRegion<S extends Shape, I> = I extends Shaped
  ? IntIndices<I["dtype"], "at"> extends infer E
    ? [E] extends [never]
      ? number extends S["length"]
        ? number[]
        : S extends readonly [unknown, ...infer R extends Shape]
          ? [...I["shape"], ...R]
          : ShapeError<"at: cannot index a rank-0 tensor (shape [])">
      : E
    : never
  : I extends number
    ? Index<S, I, 0, "at">
    : I extends SliceEntry
      ? Slice<S, [I], "at">
      : never;

/**
 * index(x, i, axis) for a static i (Index) or a traced int32 scalar (the same shape, no bounds to
 * check): `index: indices must be int32, got float32`.
 */
export type IndexAt<S extends Shape, I, A extends number> = I extends number
  ? Index<S, I, A>
  : I extends Shaped
    ? IntIndices<I["dtype"], "index"> extends infer E
      ? [E] extends [never]
        ? Index<S, number, A>
        : E
      : never
    : never;

// ---------------------------------------------------------------- index along a generic dim (issue 14)

/** S with only the dim at axis A written as in `Resolved`: the probe for `index`, which tests only that dim. */
type ResolvedAt<S extends Shape, A extends number> = NormalizeAxis<A, S["length"]> extends infer K extends number
  ? { [P in keyof S]: P extends `${K}` ? (S[P] extends number ? S[P] : never) : S[P] }
  : S;

/** The probe's constraint for `index` (see `Probe` in core.ts). */
export type IndexProbe<S extends Shape, A extends number> = ResolvedAt<S, A> | GenericMark;

/**
 * IndexAt, where G (the probe, inferred from x) tells whether the indexed dim is a type parameter
 * (`index(x, 0)` for `x: Tensor<[B, 3, 4]>`): then the index is not checked (run time does) and
 * the result is S without that axis.
 */
export type IndexAtProbed<S extends Shape, I, A extends number, G> = HasGenericDim<G> extends true
  ? (I extends Shaped ? IntIndices<I["dtype"], "index"> : never) extends infer E
    ? [E] extends [never]
      ? NormalizeAxis<A, S["length"]> extends infer K extends number
        ? RemoveAt<S, K>
        : never
      : E
    : never
  : IndexAt<S, I, A>;
