/**
 * Concatenate and stack at the type level. Pure types, no runtime code.
 */
import type { Dim, Shape, ShapeError, ShowShape, ShowDim, Dynamic } from "./core.js";
import type { NormalizeAxis, NormalizeInsertAxis, ReplaceAt, InsertAt } from "./axis.js";
import type { AxisOutOfRangeMsg } from "./reduce.js";
import type { Add } from "./arith.js";
import type { InsertAxisOutOfRangeMsg } from "./reshape.js";

/** Two dims that must be equal: the static one when one is dynamic; DimMismatch if they differ. */
type MergeDim<X extends Dim, Y extends Dim> = { a: X; b: Y } extends { a: Y; b: X } ? X : number extends X ? Y : number extends Y ? X : X extends Y ? X : DimMismatch;

interface DimMismatch {
  readonly "dim mismatch": true;
}

/**
 * Concatenate along Axis (negative allowed): all shapes have the same rank and equal dims outside
 * Axis (a dynamic dim matches anything); the Axis dims are added. A list of unknown length gives the
 * element shape with a `number` at Axis; an unknown rank gives `number[]`. Errors:
 * `concat: needs a non-empty array of tensors`,
 * `concat: cannot concatenate rank-0 tensors (use stack)`,
 * `concat: axis 2 is out of range for shape [2, 3] (rank 2)`,
 * `concat: shapes [2, 3] and [2] differ in rank (2 vs 1)`,
 * `concat: shapes [2, 3] and [4, 3] differ at axis 0 (2 vs 4); only axis 1 may differ`.
 */
export type Concat<Shapes extends readonly Shape[], Axis extends number = 0, Op extends string = "concat"> = number extends Shapes["length"]
  ? WithAxis<Shapes[number], Axis, Op, false>
  : Shapes extends readonly [infer F extends Shape, ...infer T extends readonly Shape[]]
    ? AnyUnknownRank<Shapes> extends true
      ? number[]
      : F extends readonly []
        ? ShapeError<ConcatRankZeroMsg<Op>>
        : NormalizeAxis<Axis, F["length"]> extends infer K extends number
          ? [K] extends [never]
            ? ShapeError<AxisOutOfRangeMsg<F, Axis, Op>>
            : number extends K
              ? Dynamic<F["length"]>
              : ConcatLoop<T, K, Axis, Op, F, [...F]>
          : never
    : ShapeError<JoinEmptyMsg<Op>>;

type JoinEmptyMsg<Op extends string> = `${Op}: needs a non-empty array of tensors`;
type ConcatRankZeroMsg<Op extends string> = `${Op}: cannot concatenate rank-0 tensors (use stack)`;

type ConcatLoop<
  Shapes extends readonly Shape[],
  K extends number,
  Axis extends number,
  Op extends string,
  Prev extends Shape,
  Acc extends Dim[],
> = Shapes extends readonly [infer X extends Shape, ...infer T extends readonly Shape[]]
  ? X["length"] extends Acc["length"]
    ? MergeShapes<Acc, X, K, []> extends infer M
      ? M extends Mismatch<infer At, infer D1, infer D2>
        ? ShapeError<`${Op}: shapes ${ShowShape<Prev>} and ${ShowShape<X>} differ at axis ${At} (${ShowDim<D1>} vs ${ShowDim<D2>}); only axis ${Axis} may differ`>
        : M extends [...infer MT extends Dim[]]
          ? ConcatLoop<T, K, Axis, Op, X, MT>
          : never
      : never
    : ShapeError<`${Op}: shapes ${ShowShape<Prev>} and ${ShowShape<X>} differ in rank (${Prev["length"]} vs ${X["length"]})`>
  : Acc;

/**
 * Merge two shapes of the same rank: dims at index K are added (K = -1: none), the others must
 * agree. Gives the merged tuple, or a Mismatch naming the index and the two dims.
 */
type MergeShapes<A extends Shape, B extends Shape, K extends number, Acc extends Dim[]> = A extends readonly [
  infer HA extends Dim,
  ...infer TA extends Shape,
]
  ? B extends readonly [infer HB extends Dim, ...infer TB extends Shape]
    ? Acc["length"] extends K
      ? MergeShapes<TA, TB, K, [...Acc, Add<HA, HB>]>
      : { d: MergeDim<HA, HB> } extends { d: infer D extends Dim }
        ? MergeShapes<TA, TB, K, [...Acc, D]>
        : Mismatch<Acc["length"], HA, HB>
    : Acc
  : Acc;

/** A mismatch report (not a Dim[], so ConcatLoop can tell it apart). */
interface Mismatch<At extends number, D1 extends Dim, D2 extends Dim> {
  readonly mismatch: [At, D1, D2];
}

type AnyUnknownRank<Shapes extends readonly Shape[]> = Shapes extends readonly [
  infer H extends Shape,
  ...infer T extends readonly Shape[],
]
  ? number extends H["length"] ? true : AnyUnknownRank<T>
  : false;

/**
 * For a list of unknown length (an array type): the element shape with `number` at Axis (Concat),
 * or `number` inserted at Axis (Stack).
 */
type WithAxis<E extends Shape, Axis extends number, Op extends string, Insert extends boolean> = number extends E["length"]
  ? number[]
  : Insert extends true
    ? NormalizeInsertAxis<Axis, E["length"]> extends infer K extends number
      ? [K] extends [never]
        ? ShapeError<InsertAxisOutOfRangeMsg<E, Axis, Op>>
        : number extends K
          ? Dynamic<Add<E["length"], 1>>
          : InsertAt<E, K, number>
      : never
    : NormalizeAxis<Axis, E["length"]> extends infer K extends number
      ? [K] extends [never]
        ? ShapeError<E extends readonly [] ? ConcatRankZeroMsg<Op> : AxisOutOfRangeMsg<E, Axis, Op>>
        : number extends K
          ? Dynamic<E["length"]>
          : ReplaceAt<E, K, number>
      : never;

/**
 * Stack along a new axis at Axis (an insertion point in [-(r+1), r]): all shapes must be equal (a
 * dynamic dim matches anything); the new dim is the number of shapes (`number` for a list of
 * unknown length). Errors:
 * `stack: needs a non-empty array of tensors`,
 * `stack: all shapes must be equal, got [2, 3] and [3, 2]`,
 * `stack: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])`.
 */
export type Stack<Shapes extends readonly Shape[], Axis extends number = 0, Op extends string = "stack"> = number extends Shapes["length"]
  ? WithAxis<Shapes[number], Axis, Op, true>
  : Shapes extends readonly [infer F extends Shape, ...infer T extends readonly Shape[]]
    ? AnyUnknownRank<Shapes> extends true
      ? number[]
      : StackLoop<T, Op, F, [...F]> extends infer M
        ? M extends [...infer MT extends Dim[]]
          ? NormalizeInsertAxis<Axis, MT["length"]> extends infer K extends number
            ? [K] extends [never]
              ? ShapeError<InsertAxisOutOfRangeMsg<MT, Axis, Op>>
              : number extends K
                ? Dynamic<Add<MT["length"], 1>>
                : InsertAt<MT, K, Shapes["length"]>
            : never
          : M
        : never
    : ShapeError<JoinEmptyMsg<Op>>;

type StackLoop<Shapes extends readonly Shape[], Op extends string, Prev extends Shape, Acc extends Dim[]> = Shapes extends readonly [
  infer X extends Shape,
  ...infer T extends readonly Shape[],
]
  ? X["length"] extends Acc["length"]
    ? MergeShapes<Acc, X, -1, []> extends infer M
      ? M extends [...infer MT extends Dim[]]
        ? StackLoop<T, Op, X, MT>
        : ShapeError<`${Op}: all shapes must be equal, got ${ShowShape<Prev>} and ${ShowShape<X>}`>
      : never
    : ShapeError<`${Op}: all shapes must be equal, got ${ShowShape<Prev>} and ${ShowShape<X>}`>
  : Acc;
