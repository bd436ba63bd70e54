/**
 * The shape utilities at the type level: pad, tile, repeat, split, tril/triu, roll, meshgrid.
 * Pure types, no runtime code; each message has its run-time twin in tensor/messages.ts.
 */
import type { Dim, Shape, ShapeError, ShowShape, Dynamic } from "./core.js";
import type { NormalizeAxis, DimAtIndex, ReplaceAt } from "./axis.js";
import type { AxisOutOfRangeMsg } from "./reduce.js";
import type { Abs, Add, DivExact, IsNat, IsNegative, Lt, Mul, NotDivisible, Product, Sub } from "./arith.js";

/** An integer literal, negative or not. */
type IsInt<N extends number> = IsNat<Abs<N>>;
type Pos<N extends number> = IsNegative<N> extends true ? 0 : N;
type Neg<N extends number> = IsNegative<N> extends true ? Abs<N> : 0;

// ---------------------------------------------------------------- pad

/** What `pad` takes as widths: one for every side, one (before, after) pair for every axis, or a pair per axis. */
export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[];

/**
 * The dim after cropping the negative sides (negative if they crop more than D has), or `number`
 * unless all are integer literals; PadLoop then adds the positive sides.
 */
type CropDim<D extends number, B extends number, A extends number> = [IsNat<D>, IsInt<B>, IsInt<A>] extends [true, true, true]
  ? Sub<D, Add<Neg<B>, Neg<A>>>
  : number;

/** `pad: widths [-2, -2] crop more than axis 0 has (size 3, shape [3, 4])`. */
export type PadCropMsg<S extends Shape, K extends number, B extends number, A extends number, Op extends string> =
  `${Op}: widths [${B}, ${A}] crop more than axis ${K} has (size ${DimAtIndex<S, K>}, shape ${ShowShape<S>})`;

type RepeatPair<S extends Shape, P, Acc extends unknown[] = []> = Acc["length"] extends S["length"] ? Acc : RepeatPair<S, P, [...Acc, P]>;

type PadLoop<S extends Shape, Pairs extends readonly unknown[], S0 extends Shape, Op extends string, Acc extends Dim[]> = S extends readonly [
  infer H extends Dim,
  ...infer T extends Shape,
]
  ? Pairs extends readonly [readonly [infer B extends number, infer A extends number], ...infer PT]
    ? CropDim<H, B, A> extends infer C extends number
      ? IsNegative<C> extends true
        ? ShapeError<PadCropMsg<S0, Acc["length"], B, A, Op>>
        : PadLoop<T, PT, S0, Op, [...Acc, Add<Add<C, Pos<B>>, Pos<A>>]>
      : never
    : Acc
  : Acc;

/**
 * The shape after `pad` (NumPy's pad_width forms: a number for every side, a [before, after]
 * pair for every axis, or one pair per axis; a negative width crops). Errors:
 * `pad: padWidth has 3 pairs for shape [2, 3] (rank 2)`,
 * `pad: widths [-2, -2] crop more than axis 0 has (size 3, shape [3, 4])`.
 */
export type Pad<S extends Shape, W, Op extends string = "pad"> = number extends S["length"]
  ? number[]
  : W extends number
    ? PadLoop<S, RepeatPair<S, readonly [W, W]>, S, Op, []>
    : W extends readonly [infer B extends number, infer A extends number]
      ? PadLoop<S, RepeatPair<S, readonly [B, A]>, S, Op, []>
      : W extends readonly (readonly [number, number])[]
        ? number extends W["length"]
          ? Dynamic<S["length"]>
          : W["length"] extends S["length"]
            ? PadLoop<S, W, S, Op, []>
            : W extends readonly [infer P]
              ? PadLoop<S, RepeatPair<S, P>, S, Op, []>
              : ShapeError<`${Op}: padWidth has ${W["length"]} pairs for shape ${ShowShape<S>} (rank ${S["length"]})`>
        : Dynamic<S["length"]>;

// ---------------------------------------------------------------- tile

type Align<A extends Shape, B extends Shape> = A["length"] extends B["length"]
  ? [A, B]
  : Lt<A["length"], B["length"]> extends true
    ? Align<[1, ...A], B>
    : Align<A, [1, ...B]>;

type MulEach<A extends Shape, B extends Shape, Acc extends Dim[] = []> = A extends readonly [infer X extends Dim, ...infer AT extends Shape]
  ? B extends readonly [infer Y extends Dim, ...infer BT extends Shape]
    ? MulEach<AT, BT, [...Acc, Mul<X, Y>]>
    : Acc
  : Acc;

type AllNat<R extends readonly number[]> = R extends readonly [infer H extends number, ...infer T extends readonly number[]]
  ? number extends H ? AllNat<T> : IsNat<H> extends true ? AllNat<T> : false
  : true;

/**
 * NumPy tile: the reps and the shape are aligned on the right (the shorter padded with 1s in
 * front) and multiplied. Error: `tile: reps must be non-negative integers, got [2, -1]`.
 */
export type Tile<S extends Shape, Reps extends number | readonly number[], Op extends string = "tile"> = Reps extends number
  ? TileList<S, [Reps], Op>
  : Reps extends readonly number[]
    ? TileList<S, Reps, Op>
    : never;

type TileList<S extends Shape, Reps extends readonly number[], Op extends string> = number extends S["length"] | Reps["length"]
  ? number[]
  : AllNat<Reps> extends false
    ? ShapeError<`${Op}: reps must be non-negative integers, got ${ShowShape<Reps>}`>
    : Align<S, Reps> extends [infer A extends Shape, infer B extends Shape]
      ? MulEach<A, B>
      : never;

// ---------------------------------------------------------------- repeat

type SumDims<R extends readonly number[], Acc extends number = 0> = R extends readonly [infer H extends number, ...infer T extends readonly number[]]
  ? SumDims<T, Add<Acc, H>>
  : Acc;

/**
 * NumPy repeat: each element `Repeats` times along Axis (undefined: of the flattened tensor), or
 * element i `Repeats[i]` times for a list. Errors:
 * `repeat: repeats must be non-negative integers, got -1`,
 * `repeat: 3 repeats for axis 0 of size 2`,
 * `repeat: axis 2 is out of range for shape [2, 3] (rank 2)`.
 */
export type Repeat<S extends Shape, R extends number | readonly number[], Axis extends number | undefined, Op extends string = "repeat"> = R extends number
  ? IsNegative<R> extends true
    ? ShapeError<`${Op}: repeats must be non-negative integers, got ${R}`>
    : Axis extends number
      ? RepeatAxis<S, Axis, Op, R>
      : [Mul<Product<S>, R>]
  : R extends readonly number[]
    ? AllNat<R> extends false
      ? ShapeError<`${Op}: repeats must be non-negative integers, got ${ShowShape<R>}`>
      : Axis extends number
        ? RepeatAxis<S, Axis, Op, R>
        : RepeatList<Product<S>, R, Op, "the flattened tensor", [Product<S>]>
    : never;

type RepeatAxis<S extends Shape, Axis extends number, Op extends string, R extends number | readonly number[]> = number extends S["length"]
  ? number[]
  : NormalizeAxis<Axis, S["length"]> extends infer K extends number
    ? [K] extends [never]
      ? ShapeError<AxisOutOfRangeMsg<S, Axis, Op>>
      : number extends K
        ? Dynamic<S["length"]>
        : R extends number
          ? ReplaceAt<S, K, Mul<DimAtIndex<S, K>, R>>
          : R extends readonly number[]
            ? RepeatList<DimAtIndex<S, K>, R, Op, `axis ${Axis} of size ${DimAtIndex<S, K>}`, S> extends infer L
              ? L extends [infer N extends number] ? ReplaceAt<S, K, N> : L
              : never
            : never
    : never;

type RepeatList<D extends number, R extends readonly number[], Op extends string, Where extends string, _S> = number extends R["length"] | D
  ? [number]
  : R["length"] extends D
    ? [SumDims<R>]
    : ShapeError<`${Op}: ${R["length"]} repeats for ${Where}`>;

// ---------------------------------------------------------------- split

type Copies<T, N extends number, Acc extends unknown[] = []> = Acc["length"] extends N ? Acc : Copies<T, N, [...Acc, T]>;

/**
 * The shapes of NumPy split's parts along axis K (normalised): N equal sections, or the pieces
 * between increasing indices. A tuple with one shape per part (an array when N or the indices are
 * not literals). Errors:
 * `split: 3 sections do not divide axis 0 of size 7 equally`,
 * `split: the number of sections must be a positive integer, got 0`,
 * `split: index 5 is out of range for axis 0 of size 4`,
 * `split: indices must be increasing, got [3, 1]`.
 */
export type Split<S extends Shape, IoS extends number | readonly number[], Axis extends number = 0, Op extends string = "split"> = number extends S["length"]
  ? number[][]
  : NormalizeAxis<Axis, S["length"]> extends infer K extends number
    ? [K] extends [never]
      ? ShapeError<AxisOutOfRangeMsg<S, Axis, Op>>
      : number extends K
        ? Dynamic<S["length"]>[]
        : SplitAt<S, K, Axis, DimAtIndex<S, K>, IoS, Op>
    : never;

type SplitAt<S extends Shape, K extends number, Axis extends number, D extends number, IoS, Op extends string> = IoS extends number
  ? number extends IoS
    ? ReplaceAt<S, K, number>[]
    : IsNat<IoS> extends false
      ? ShapeError<`${Op}: the number of sections must be a positive integer, got ${IoS}`>
      : IoS extends 0
        ? ShapeError<`${Op}: the number of sections must be a positive integer, got ${IoS}`>
        : DivExact<D, IoS> extends infer Q
          ? Q extends NotDivisible
            ? ShapeError<`${Op}: ${IoS} sections do not divide axis ${Axis} of size ${D} equally`>
            : Q extends number
              ? Copies<ReplaceAt<S, K, Q>, IoS>
              : never
          : never
  : IoS extends readonly number[]
    ? number extends IoS["length"]
      ? ReplaceAt<S, K, number>[]
      : SplitPieces<S, K, Axis, D, IoS, IoS, 0, Op, []>
    : never;

type SplitPieces<
  S extends Shape,
  K extends number,
  Axis extends number,
  D extends number,
  Is extends readonly number[],
  Is0 extends readonly number[],
  Prev extends number,
  Op extends string,
  Acc extends Shape[],
> = Is extends readonly [infer I extends number, ...infer T extends readonly number[]]
  ? number extends I
    ? SplitPieces<S, K, Axis, D, T, Is0, number, Op, [...Acc, ReplaceAt<S, K, number>]>
    : IsNat<I> extends false
      ? ShapeError<`${Op}: index ${I} is out of range for axis ${Axis} of size ${D}`>
      : number extends D
        ? SplitPieces<S, K, Axis, D, T, Is0, I, Op, [...Acc, ReplaceAt<S, K, number extends Prev ? number : Sub<I, Prev>>]>
        : Lt<D, I> extends true
          ? ShapeError<`${Op}: index ${I} is out of range for axis ${Axis} of size ${D}`>
          : number extends Prev
            ? SplitPieces<S, K, Axis, D, T, Is0, I, Op, [...Acc, ReplaceAt<S, K, number>]>
            : Lt<I, Prev> extends true
              ? ShapeError<`${Op}: indices must be increasing, got ${ShowShape<Is0>}`>
              : SplitPieces<S, K, Axis, D, T, Is0, I, Op, [...Acc, ReplaceAt<S, K, Sub<I, Prev>>]>
  : [...Acc, ReplaceAt<S, K, number extends D | Prev ? number : Sub<D, Prev>>];

// ---------------------------------------------------------------- tril / triu, roll, meshgrid

/** tril / triu need a matrix (or a batch of them): `tril: needs rank >= 2, got shape [3]`. */
export type TriCheck<S extends Shape, Op extends string> = number extends S["length"]
  ? S
  : S extends readonly [] | readonly [Dim]
    ? ShapeError<`${Op}: needs rank >= 2, got shape ${ShowShape<S>}`>
    : S;

/** roll's shifts and axes pair up: `roll: 2 shifts for 1 axes`. */
export type RollCheck<Shift, Ax> = Shift extends readonly number[]
  ? Ax extends readonly number[]
    ? number extends Shift["length"] | Ax["length"]
      ? Shift
      : Shift["length"] extends Ax["length"]
        ? Shift
        : ShapeError<`roll: ${Shift["length"]} shifts for ${Ax["length"]} axes`>
    : Ax extends number
      ? Shift["length"] extends 1
        ? Shift
        : ShapeError<`roll: ${Shift["length"]} shifts for 1 axes`>
      : ShapeError<`roll: a list of shifts needs a list of axes`>
  : Shift;

/** The first input of meshgrid that is not 1-D: `meshgrid: inputs must be 1-D, got shape [2, 3] for input 1`. */
export type MeshgridCheck<Shapes extends readonly Shape[], I extends unknown[] = []> = Shapes extends readonly [
  infer H extends Shape,
  ...infer T extends readonly Shape[],
]
  ? number extends H["length"]
    ? MeshgridCheck<T, [...I, 0]>
    : H extends readonly [Dim]
      ? MeshgridCheck<T, [...I, 0]>
      : ShapeError<`meshgrid: inputs must be 1-D, got shape ${ShowShape<H>} for input ${I["length"]}`>
  : true;

type Lengths<Shapes extends readonly Shape[]> = { [K in keyof Shapes]: Shapes[K] extends readonly [infer N extends Dim] ? N : number };

/** The common shape of meshgrid's outputs: the inputs' lengths, the first two swapped for "xy" indexing. */
export type Meshgrid<Shapes extends readonly Shape[], Indexing extends "xy" | "ij"> = number extends Shapes["length"]
  ? number[]
  : Lengths<Shapes> extends readonly [...infer L extends Dim[]]
    ? Indexing extends "xy"
      ? L extends [infer A extends Dim, infer B extends Dim, ...infer R extends Dim[]]
        ? [B, A, ...R]
        : L
      : L
    : never;
