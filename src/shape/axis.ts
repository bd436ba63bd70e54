/**
 * Axis helpers: normalising (negative axes count from the end), range checks, and the error-free
 * remove / insert / move helpers that vmap typing builds on. Pure types, no runtime code.
 */
import type { Dim, Shape, Dynamic } from "./core.js";
import type { Abs, IsNat, IsNegative, Lt, Lte, Sub, Add } from "./arith.js";

/**
 * Axis normalised against a rank: for Axis in [-Rank, Rank) the index in [0, Rank); `never` if out
 * of range or not an integer; `number` if Axis is `number` (or negative with an unknown Rank).
 */
export type NormalizeAxis<Axis extends number, Rank extends number> = number extends Axis
  ? number
  : IsNegative<Axis> extends true
    ? number extends Rank
      ? number
      : IsNat<Abs<Axis>> extends true
        ? Lte<Abs<Axis>, Rank> extends true ? Sub<Rank, Abs<Axis>> : never
        : never
    : IsNat<Axis> extends true
      ? number extends Rank ? Axis : Lt<Axis, Rank> extends true ? Axis : never
      : never;

/**
 * Insertion point normalised against a rank: Axis in [-(Rank+1), Rank] gives an index in
 * [0, Rank] (-1 appends, as in expand_dims); `never` if out of range; `number` if dynamic.
 */
export type NormalizeInsertAxis<Axis extends number, Rank extends number> = number extends Rank
  ? IsNegative<Axis> extends true ? number : NormalizeAxis<Axis, number>
  : NormalizeAxis<Axis, Add<Rank, 1>>;

/** True if Axis is a valid axis of S ([-r, r)); also true when Axis or the rank is dynamic. */
export type AxisInRange<S extends Shape, Axis extends number> = [NormalizeAxis<Axis, S["length"]>] extends [never]
  ? false
  : true;

/** True if Axis is a valid insertion point in S ([-(r+1), r]); also true when dynamic. */
export type InsertAxisInRange<S extends Shape, Axis extends number> = [NormalizeInsertAxis<Axis, S["length"]>] extends [
  never,
]
  ? false
  : true;

/** The dim of S at Axis (negative allowed); `number` if the axis or rank is dynamic or out of range. */
export type DimAt<S extends Shape, Axis extends number> = NormalizeAxis<Axis, S["length"]> extends infer K extends number
  ? number extends K ? number : DimAtIndex<S, K>
  : number;

/** S[K] for a normalised index (a small literal). */
export type DimAtIndex<S extends Shape, K extends number, Acc extends unknown[] = []> = S extends readonly [
  infer H extends Dim,
  ...infer T extends Shape,
]
  ? Acc["length"] extends K ? H : DimAtIndex<T, K, [...Acc, H]>
  : number;

/** S without the dim at normalised index K (a plain tuple). */
export type RemoveAt<S extends Shape, K extends number, Acc extends Dim[] = []> = S extends readonly [
  infer H extends Dim,
  ...infer T extends Shape,
]
  ? Acc["length"] extends K ? [...Acc, ...T] : RemoveAt<T, K, [...Acc, H]>
  : Acc;

/** S with D inserted before normalised index K (K = rank appends). */
export type InsertAt<S extends Shape, K extends number, D extends Dim, Acc extends Dim[] = []> = Acc["length"] extends K
  ? [...Acc, D, ...S]
  : S extends readonly [infer H extends Dim, ...infer T extends Shape]
    ? InsertAt<T, K, D, [...Acc, H]>
    : [...Acc, D];

/** S with the dim at normalised index K replaced by D. */
export type ReplaceAt<S extends Shape, K extends number, D extends Dim, Acc extends Dim[] = []> = S extends readonly [
  infer H extends Dim,
  ...infer T extends Shape,
]
  ? Acc["length"] extends K ? [...Acc, D, ...T] : ReplaceAt<T, K, D, [...Acc, H]>
  : Acc;

/**
 * S without the axis Axis (negative counts from the end). Error-free: an out-of-range axis, an
 * unknown rank or a dynamic axis gives a general result (`number[]`, or r-1 `number`s when only the
 * axis is dynamic). Check validity separately with AxisInRange.
 */
export type RemoveAxis<S extends Shape, Axis extends number> = number extends S["length"]
  ? number[]
  : NormalizeAxis<Axis, S["length"]> extends infer K extends number
    ? [K] extends [never]
      ? number[]
      : number extends K
        ? Dynamic<Sub<S["length"], 1>>
        : RemoveAt<S, K>
    : number[];

/**
 * S with dim D inserted at Axis, an insertion point in [-(r+1), r] (-1 appends, as in expand_dims).
 * Error-free like RemoveAxis; check validity with InsertAxisInRange.
 */
export type InsertAxis<S extends Shape, Axis extends number, D extends Dim> = number extends S["length"]
  ? number[]
  : NormalizeInsertAxis<Axis, S["length"]> extends infer K extends number
    ? [K] extends [never]
      ? number[]
      : number extends K
        ? Dynamic<Add<S["length"], 1>>
        : InsertAt<S, K, D>
    : number[];

/**
 * NumPy moveaxis for one axis: the dim at From moves so that it ends at To (both in [-r, r)); the
 * other dims keep their order. Error-free; check both axes with AxisInRange.
 */
export type MoveAxis<S extends Shape, From extends number, To extends number> = number extends S["length"]
  ? number[]
  : [NormalizeAxis<From, S["length"]>, NormalizeAxis<To, S["length"]>] extends [
        infer F extends number,
        infer T extends number,
      ]
    ? [F] extends [never]
      ? number[]
      : [T] extends [never]
        ? number[]
        : number extends F | T
          ? Dynamic<S["length"]>
          : InsertAt<RemoveAt<S, F>, T, DimAtIndex<S, F>>
    : number[];
