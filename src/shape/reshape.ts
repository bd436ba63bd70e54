/**
 * Reshape, Flatten, ExpandDims and Squeeze at the type level. Element counts use the digit-string
 * arithmetic of arith.ts, so large products (3 * 224 * 224, 1024 * 1024) are exact. Pure types.
 */
import type { Dim, Shape, ShapeError, ShowShape, ShowDim, Dynamic, HasGenericDim, Probe, Resolved, Settled } from "./core.js";
import type { IsNat, Product, DivExact, Add, Sub } from "./arith.js";
import type { NormalizeInsertAxis, InsertAt, DimAtIndex } from "./axis.js";
import type { NormalizeAxes } from "./reduce.js";

/**
 * The shape of reshaping S into NewShape. NewShape may hold one -1, inferred from the element
 * count. With every dim static the counts must agree (and the -1 must divide exactly); with any
 * dynamic dim (or an unknown rank) nothing is checked and -1 becomes `number`. Errors:
 * `reshape: cannot reshape [3, 4] (12 elements) into [5, 3] (15 elements)`,
 * `reshape: cannot reshape [3, 4] (12 elements) into [5, -1] (12 is not divisible by 5)`,
 * `reshape: can only specify one unknown dimension (-1), got [-1, -1]`,
 * `reshape: invalid dim -2 in [-2, 6]`.
 */
export type Reshape<S extends Shape, NewShape extends Shape, Op extends string = "reshape"> = number extends NewShape["length"]
  ? number[]
  : ScanNew<NewShape, Op, NewShape, 0, false, 1> extends infer Scan
    ? Scan extends [infer Holes extends number, infer Dyn extends boolean, infer Known extends number]
      ? Holes extends 2
        ? ShapeError<`${Op}: can only specify one unknown dimension (-1), got ${ShowShape<NewShape>}`>
        : Dyn extends true
          ? FillHole<NewShape, number>
          : Product<S> extends infer P extends number
            ? number extends P
              ? FillHole<NewShape, number>
              : Holes extends 0
                ? P extends Known
                  ? [...NewShape]
                  : ShapeError<`${Op}: cannot reshape ${ShowShape<S>} (${P} elements) into ${ShowShape<NewShape>} (${Known} elements)`>
                : DivExact<P, Known> extends infer Q
                  ? Q extends number
                    ? FillHole<NewShape, Q>
                    : ShapeError<`${Op}: cannot reshape ${ShowShape<S>} (${P} elements) into ${ShowShape<NewShape>} (${P} is not divisible by ${Known})`>
                  : never
            : never
      : Scan
    : never;

/**
 * Walk NewShape: [number of -1s (0, 1, or 2 meaning "more than one"), any dynamic dim, product of
 * the static dims (`number` if too large)], or a ShapeError for an invalid dim.
 */
type ScanNew<
  S extends Shape,
  Op extends string,
  S0 extends Shape,
  Holes extends number,
  Dyn extends boolean,
  Known extends number,
> = S extends readonly [infer H extends Dim, ...infer T extends Shape]
  ? number extends H
    ? ScanNew<T, Op, S0, Holes, true, Known>
    : H extends -1
      ? ScanNew<T, Op, S0, Holes extends 0 ? 1 : 2, Dyn, Known>
      : IsNat<H> extends true
        ? ScanNew<T, Op, S0, Holes, Dyn, Product<[Known, H]>>
        : ShapeError<`${Op}: invalid dim ${ShowDim<H>} in ${ShowShape<S0>}`>
  : [Holes, number extends Known ? true : Dyn, Known];

/** NewShape with -1 replaced by D, as a plain tuple. */
type FillHole<S extends Shape, D extends Dim, Acc extends Dim[] = []> = S extends readonly [
  infer H extends Dim,
  ...infer T extends Shape,
]
  ? FillHole<T, D, [...Acc, number extends H ? H : H extends -1 ? D : H]>
  : Acc;

/** [product of the dims]; [number] when a dim is dynamic or the rank unknown. */
export type Flatten<S extends Shape> = [Product<S>];

/**
 * S with a 1 inserted at Axis, an insertion point in [-(r+1), r] (-1 appends). Unknown rank gives
 * `number[]`; a dynamic axis gives r+1 `number`s. Error:
 * `expandDims: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])`.
 */
export type ExpandDims<S extends Shape, Axis extends number, Op extends string = "expandDims"> = number extends S["length"]
  ? number[]
  : NormalizeInsertAxis<Axis, S["length"]> extends infer K extends number
    ? [K] extends [never]
      ? ShapeError<InsertAxisOutOfRangeMsg<S, Axis, Op>>
      : number extends K
        ? Dynamic<Add<S["length"], 1>>
        : InsertAt<S, K, 1>
    : never;

/** The message `${Op}: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])` (ExpandDims, Stack). */
export type InsertAxisOutOfRangeMsg<S extends Shape, Axis extends number, Op extends string> = `${Op}: axis ${Axis} is out of range for shape ${ShowShape<S>} (must be in [-${Add<S["length"], 1>}, ${S["length"]}])`;

/**
 * Remove size-1 dims. Without Axes: every static 1 (a dynamic dim makes the result `number[]`,
 * since it may or may not be 1). With Axes (one or a tuple, negatives allowed): exactly those, each
 * of which must be 1 or dynamic. Errors: out of range / repeated (see NormalizeAxes) and
 * `squeeze: axis 1 has size 3, not 1 (shape [2, 3])`.
 */
export type Squeeze<
  S extends Shape,
  Axes extends number | readonly number[] | undefined = undefined,
  Op extends string = "squeeze",
> = number extends S["length"]
  ? number[]
  : Axes extends undefined
    ? SqueezeAll<S, []>
    : Axes extends number
      ? SqueezeList<S, [Axes], Op>
      : Axes extends readonly number[]
        ? number extends Axes["length"]
          ? number[]
          : SqueezeList<S, Axes, Op>
        : never;

type SqueezeAll<S extends Shape, Acc extends Dim[]> = S extends readonly [infer H extends Dim, ...infer T extends Shape]
  ? number extends H
    ? number[]
    : SqueezeAll<T, H extends 1 ? Acc : [...Acc, H]>
  : Acc;

type SqueezeList<S extends Shape, Axes extends readonly number[], Op extends string> = NormalizeAxes<S, Axes, Op> extends infer Ks
  ? Ks extends number[]
    ? number extends Ks[number]
      ? Dynamic<Sub<S["length"], Ks["length"]>>
      : SqueezeCheck<S, Axes, Ks, Op> extends infer E
        ? [E] extends [never]
          ? SqueezeKeep<S, Ks[number], []>
          : E
        : never
    : Ks
  : never;

/** The first squeezed axis whose size is a static dim other than 1, as a ShapeError; never if none. */
type SqueezeCheck<S extends Shape, Axes extends readonly number[], Ks extends number[], Op extends string> = Axes extends readonly [
  infer A extends number,
  ...infer AT extends readonly number[],
]
  ? Ks extends [infer K extends number, ...infer KT extends number[]]
    ? DimAtIndex<S, K> extends infer D extends Dim
      ? number extends D
        ? SqueezeCheck<S, AT, KT, Op>
        : D extends 1
          ? SqueezeCheck<S, AT, KT, Op>
          : ShapeError<`${Op}: axis ${A} has size ${D}, not 1 (shape ${ShowShape<S>})`>
      : never
    : never
  : never;

type SqueezeKeep<S extends Shape, Ks extends number, Acc extends Dim[], I extends 0[] = []> = S extends readonly [
  infer H extends Dim,
  ...infer T extends Shape,
]
  ? SqueezeKeep<T, Ks, I["length"] extends Ks ? Acc : [...Acc, H], [...I, 0]>
  : Acc;

type Head<S extends Shape> = S extends readonly [infer H extends Dim, ...unknown[]] ? H : never;
// `unknown`, not Dim, for the first: a generic first dim tested against Dim would defer
type Tail<S extends Shape> = S extends readonly [unknown, ...infer T extends Shape] ? T : [];

/*
 * The four probes of `reshape` (see `Probe` in core.ts), each inferred from x's shape S:
 * all: S and NS have no type-parameter dim (then `Reshape` checks everything);
 * lead: NS = [S's first dim, ...] and the rest of both is static (`reshape(x, [b as B, -1])`);
 * batch: only S's first dim is generic and NS is static (`x.reshape([-1, 12])`);
 * static: NS is static.
 */
export type ProbeAll<S extends Shape, NS extends Shape> = Probe<Settled<NS, Resolved<S>>>;
export type ProbeLead<S extends Shape, NS extends Shape> = Probe<Settled<Tail<NS>, readonly [Head<NS>, ...Resolved<Tail<S>>]>>;
export type ProbeBatch<S extends Shape, NS extends Shape> = Probe<Settled<NS, readonly [Head<S>, ...Resolved<Tail<S>>]>>;
export type ProbeStatic<NS extends Shape> = Probe<Settled<NS>>;

/**
 * Reshape with type-parameter dims (`<B extends number>(x: Tensor<[B, 3, 4]>)`), read from the
 * probes: without one, `Reshape`. Otherwise the element count is known only at run time, which
 * checks it, and the result keeps what cancels: a shared leading dim (`reshape(x, [b as B, -1])`
 * gives `[B, 12]`), or a -1 in front of static dims whose product is the static rest of S
 * (`x.reshape([-1, 12])` gives `[B, 12]`); any other -1 becomes `number`, and a shape NS with
 * its own type-parameter dims becomes `number`s.
 */
export type ReshapeProbed<S extends Shape, NS extends Shape, All, Lead, Batch, Static, Op extends string = "reshape"> = HasGenericDim<All> extends false
  ? Reshape<S, NS, Op>
  : HasGenericDim<Lead> extends false
    ? [Head<NS>, ...(Reshape<Tail<S>, Tail<NS>, Op> extends readonly [...infer R extends Shape] ? R : FillHole<Tail<NS>, number>)]
    : HasGenericDim<Batch> extends false
      ? Head<NS> extends -1
        ? Reshape<Tail<S>, Tail<NS>, Op> extends readonly [...infer R extends Shape] ? [Head<S>, ...R] : FillHole<NS, number>
        : FillHole<NS, number>
      : HasGenericDim<Static> extends false
        ? FillHole<NS, number>
        : { -readonly [K in keyof NS]: number };
