/**
 * Transpose / Permute at the type level. Pure types, no runtime code.
 */
import type { Dim, Shape, ShapeError, ShowShape, Dynamic } from "./core.js";
import type { NormalizeAxis, DimAtIndex } from "./axis.js";

/**
 * Permute the axes of S. Without Perm the axes are reversed. Perm must be a permutation of the
 * axes (length = rank, each axis once, negatives allowed). Unknown rank S gives `number[]` (or
 * Perm's length of `number`s); a Perm of unknown length or with a dynamic axis gives r `number`s.
 * Error: `transpose: [0, 0] is not a permutation of the axes of [2, 3]`.
 */
export type Transpose<
  S extends Shape,
  Perm extends readonly number[] | undefined = undefined,
  Op extends string = "transpose",
> = Perm extends readonly number[]
  ? number extends S["length"]
    ? Dynamic<Perm["length"]>
    : number extends Perm["length"]
      ? Dynamic<S["length"]>
      : Perm["length"] extends S["length"]
        ? PermuteLoop<S, Perm, Perm, Op, [], []>
        : ShapeError<NotAPermutationMsg<S, Perm, Op>>
  : number extends S["length"]
    ? number[]
    : Reverse<S>;

/** Alias of Transpose. */
export type Permute<
  S extends Shape,
  Perm extends readonly number[] | undefined = undefined,
  Op extends string = "permute",
> = Transpose<S, Perm, Op>;

type NotAPermutationMsg<S extends Shape, Perm extends readonly number[], Op extends string> = `${Op}: ${ShowShape<Perm>} is not a permutation of the axes of ${ShowShape<S>}`;

type PermuteLoop<
  S extends Shape,
  P extends readonly number[],
  P0 extends readonly number[],
  Op extends string,
  Seen extends number[],
  Acc extends Dim[],
> = P extends readonly [infer A extends number, ...infer T extends readonly number[]]
  ? NormalizeAxis<A, S["length"]> extends infer K extends number
    ? [K] extends [never]
      ? ShapeError<NotAPermutationMsg<S, P0, Op>>
      : number extends K
        ? PermuteLoop<S, T, P0, Op, Seen, [...Acc, number]>
        : K extends Seen[number]
          ? ShapeError<NotAPermutationMsg<S, P0, Op>>
          : PermuteLoop<S, T, P0, Op, [...Seen, K], [...Acc, DimAtIndex<S, K>]>
    : never
  : Acc;

type Reverse<S extends Shape, Acc extends Dim[] = []> = S extends readonly [infer H extends Dim, ...infer T extends Shape]
  ? Reverse<T, [H, ...Acc]>
  : Acc;
