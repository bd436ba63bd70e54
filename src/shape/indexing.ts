/**
 * Integer indexing and basic slicing at the type level. Pure types, no runtime code.
 */
import type { Dim, Shape, ShapeError, ShowShape, ShowDim, Dynamic } from "./core.js";
import type { NormalizeAxis, DimAtIndex, RemoveAt } from "./axis.js";
import type { AxisOutOfRangeMsg } from "./reduce.js";
import type { Abs, CeilDiv, IsNat, IsNegative, Lt, Max0, Min, Sub } from "./arith.js";

/**
 * Index S with the integer I along Axis: the axis is dropped. A static I must be in [-n, n) for a
 * static size n. Unknown rank gives `number[]`; a dynamic axis gives r-1 `number`s. Errors:
 * `index: 5 is out of bounds for axis 0 of size 3 (shape [3, 4])`,
 * `index: cannot index a rank-0 tensor (shape [])`,
 * `index: axis 2 is out of range for shape [3, 4] (rank 2)`.
 */
export type Index<S extends Shape, I extends number, Axis extends number = 0, Op extends string = "index"> = number extends S["length"]
  ? number[]
  : S extends readonly []
    ? ShapeError<`${Op}: cannot index a rank-0 tensor (shape [])`>
    : NormalizeAxis<Axis, S["length"]> extends infer K extends number
      ? [K] extends [never]
        ? ShapeError<AxisOutOfRangeMsg<S, Axis, Op>>
        : number extends K
          ? Dynamic<Sub<S["length"], 1>>
          : DimAtIndex<S, K> extends infer N extends Dim
            ? number extends I | N
              ? RemoveAt<S, K>
              : [NormalizeAxis<I, N>] extends [never]
                ? ShapeError<`${Op}: ${I} is out of bounds for axis ${Axis} of size ${N} (shape ${ShowShape<S>})`>
                : RemoveAt<S, K>
            : never
      : never;

/** A start, end or step in a slice spec: a number, or null / undefined for the default. */
export type SliceBound = number | null | undefined;

/**
 * One entry of a slice spec: `null` (the whole axis) or `[start, end?, step?]` with Python
 * semantics (negative start/end count from the end and are clamped; step >= 1).
 */
export type SliceEntry = null | undefined | readonly [SliceBound?, SliceBound?, SliceBound?];

/**
 * Basic slicing: Spec has one entry per leading axis (fewer entries leave the rest unchanged).
 * Each sliced axis gets max(0, ceil((end - start) / step)) after Python's normalisation, exactly
 * when its size and the bounds are static (else `number`). Errors:
 * `slice: too many indices (3) for shape [2, 3]`,
 * `slice: step must be a positive integer, got 0 (axis 0)`.
 */
export type Slice<S extends Shape, Spec extends readonly SliceEntry[], Op extends string = "slice"> = number extends S["length"]
  ? number[]
  : number extends Spec["length"]
    ? Dynamic<S["length"]>
    : SliceLoop<S, Spec, S, Spec, Op, []>;

type SliceLoop<
  S extends Shape,
  Spec extends readonly SliceEntry[],
  S0 extends Shape,
  Spec0 extends readonly SliceEntry[],
  Op extends string,
  Acc extends Dim[],
> = Spec extends readonly [infer E extends SliceEntry, ...infer ET extends readonly SliceEntry[]]
  ? S extends readonly [infer N extends Dim, ...infer ST extends Shape]
    ? E extends null | undefined
      ? SliceLoop<ST, ET, S0, Spec0, Op, [...Acc, N]> // the axis kept whole, also a generic N (which a test on it would defer)
      : SliceDim<N, Parts<E>, Op, Acc["length"]> extends infer L
        ? { d: L } extends { d: infer D extends Dim }
          ? SliceLoop<ST, ET, S0, Spec0, Op, [...Acc, D]>
          : L
        : never
    : ShapeError<`${Op}: too many indices (${Spec0["length"]}) for shape ${ShowShape<S0>}`>
  : [...Acc, ...S];

/** [start, end, step] of an entry, with `undefined` for absent parts. */
type Parts<E extends SliceEntry> = E extends readonly [infer A, infer B, infer C]
  ? [A, B, C]
  : E extends readonly [infer A, infer B]
    ? [A, B, undefined]
    : E extends readonly [infer A]
      ? [A, undefined, undefined]
      : [undefined, undefined, undefined];

/** The length of one sliced axis of size N (a ShapeError for a bad step). */
type SliceDim<N extends Dim, P, Op extends string, Ax extends number> = P extends [infer A, infer B, infer C]
  ? C extends null | undefined
    ? SliceLen<N, A, B, 1>
    : C extends number
      ? number extends C
        ? number
        : IsNat<C> extends true
          ? C extends 0
            ? ShapeError<BadStepMsg<C, Op, Ax>>
            : SliceLen<N, A, B, C>
          : ShapeError<BadStepMsg<C, Op, Ax>>
      : ShapeError<BadStepMsg<number, Op, Ax>>
  : never;

type BadStepMsg<C extends number, Op extends string, Ax extends number> = `${Op}: step must be a positive integer, got ${ShowDim<C>} (axis ${Ax})`;

/** max(0, ceil((end - start) / step)) after normalising start (default 0) and end (default N). */
type SliceLen<N extends Dim, A, B, Step extends number> = A extends null | undefined
  ? B extends null | undefined
    ? Step extends 1 ? N : SliceLen2<N, 0, N, Step>
    : SliceLen2<N, 0, Bound<B, N>, Step>
  : SliceLen2<N, Bound<A, N>, B extends null | undefined ? N : Bound<B, N>, Step>;

type SliceLen2<N extends Dim, Start extends number, End extends number, Step extends number> = number extends
  | N
  | Start
  | End
  ? number
  : Lt<Start, End> extends true
    ? CeilDiv<Sub<End, Start>, Step>
    : 0;

/** A start/end bound normalised against size N: negative counts from the end, then clamped to [0, N]. */
type Bound<X, N extends Dim> = X extends number
  ? number extends X | N
    ? number
    : IsNegative<X> extends true
      ? Max0<Sub<N, Abs<X>>>
      : IsNat<X> extends true
        ? Min<X, N>
        : number
  : number;
