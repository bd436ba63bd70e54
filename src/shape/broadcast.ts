/**
 * NumPy broadcasting at the type level. Pure types, no runtime code.
 */
import type { Dim, Shape, ShapeError, ShowShape, ShowDim } from "./core.js";

/** Marker for two dims that cannot broadcast. */
interface DimMismatch {
  readonly "dim mismatch": true;
}

/**
 * Broadcast two dims. Equal literals give the literal; a 1 gives the other; `number` with a literal
 * X gives X (unless X is 1, then `number`): a dynamic dim may be valid and runtime checks it.
 */
export type BroadcastDim<X extends Dim, Y extends Dim> = { a: X; b: Y } extends { a: Y; b: X }
  ? X // identical (also resolves for the same generic dim on both sides)
  : number extends X
  ? number extends Y
    ? number
    : Y extends 1 ? X : Y
  : number extends Y
    ? X extends 1 ? Y : X
    : X extends Y
      ? X
      : X extends 1
        ? Y
        : Y extends 1
          ? X
          : DimMismatch;

/**
 * NumPy broadcasting of two shapes (aligned at the trailing axis). The result is a plain tuple;
 * an unknown rank on either side gives `number[]`. Error:
 * `${Op}: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)`.
 */
export type Broadcast<A extends Shape, B extends Shape, Op extends string = "broadcast"> = number extends
  | A["length"]
  | B["length"]
  ? number[]
  : BroadcastLoop<A, B, A, B, Op, []>;

type BroadcastLoop<
  A extends Shape,
  B extends Shape,
  A0 extends Shape,
  B0 extends Shape,
  Op extends string,
  Acc extends Dim[],
> = A extends readonly [...infer AR extends Shape, infer AL extends Dim]
  ? B extends readonly [...infer BR extends Shape, infer BL extends Dim]
    ? { d: BroadcastDim<AL, BL> } extends { d: infer D extends Dim }
      ? BroadcastLoop<AR, BR, A0, B0, Op, [D, ...Acc]>
      : ShapeError<`${Op}: shapes ${ShowShape<A0>} and ${ShowShape<B0>} do not broadcast (${ShowDim<AL>} vs ${ShowDim<BL>} at axis -${[...Acc, 0]["length"]})`>
    : [...A, ...Acc]
  : [...B, ...Acc];

/**
 * Broadcast of any number of shapes (left fold of Broadcast); [] for an empty list; an array of
 * shapes of unknown length gives `number[]`.
 */
export type BroadcastAll<Shapes extends readonly Shape[], Op extends string = "broadcast"> = number extends Shapes["length"]
  ? number[]
  : BroadcastAllLoop<Shapes, Op, []>;

type BroadcastAllLoop<Shapes extends readonly Shape[], Op extends string, Acc extends Shape> = Shapes extends readonly [
  infer H extends Shape,
  ...infer T extends readonly Shape[],
]
  ? Broadcast<Acc, H, Op> extends infer R
    ? R extends readonly [...infer X extends Shape]
      ? BroadcastAllLoop<T, Op, X>
      : R
    : never
  : Acc;

/**
 * One-directional broadcast (NumPy broadcast_to): every dim of S, aligned at the trailing axis, is
 * 1 or equal to the dim of Target; S has at most the rank of Target. The result is Target as a
 * plain tuple. Errors name both shapes:
 * `${Op}: cannot broadcast [2, 3] to [4, 3] (2 vs 4 at axis -2)`,
 * `${Op}: cannot broadcast [2, 3] to [3] (rank 2 > rank 1)`.
 */
export type BroadcastTo<S extends Shape, Target extends Shape, Op extends string = "broadcastTo"> = number extends
  | S["length"]
  | Target["length"]
  ? [...Target]
  : BroadcastToLoop<S, Target, S, Target, Op, []>;

type BroadcastToLoop<
  S extends Shape,
  T extends Shape,
  S0 extends Shape,
  T0 extends Shape,
  Op extends string,
  Ax extends 0[],
> = S extends readonly [...infer SR extends Shape, infer SL extends Dim]
  ? T extends readonly [...infer TR extends Shape, infer TL extends Dim]
    ? DimBroadcastsTo<SL, TL> extends true
      ? BroadcastToLoop<SR, TR, S0, T0, Op, [...Ax, 0]>
      : ShapeError<`${Op}: cannot broadcast ${ShowShape<S0>} to ${ShowShape<T0>} (${ShowDim<SL>} vs ${ShowDim<TL>} at axis -${[...Ax, 0]["length"]})`>
    : ShapeError<`${Op}: cannot broadcast ${ShowShape<S0>} to ${ShowShape<T0>} (rank ${S0["length"]} > rank ${T0["length"]})`>
  : [...T0];

/** True if dim X can be broadcast to dim Y (X is 1, equal, or either is dynamic). */
type DimBroadcastsTo<X extends Dim, Y extends Dim> = { a: X; b: Y } extends { a: Y; b: X }
  ? true
  : number extends X
  ? true
  : number extends Y
    ? true
    : X extends 1
      ? true
      : X extends Y
        ? true
        : false;
