/**
 * Diagonal and Trace at the type level. Pure types, no runtime code.
 */
import type { Dim, Shape, ShapeError, ShowShape, Dynamic } from "./core.js";
import type { NormalizeAxis, DimAtIndex, RemoveAt } from "./axis.js";
import type { AxisOutOfRangeMsg } from "./reduce.js";
import type { Abs, IsNegative, Lt, Max0, Min, Sub } from "./arith.js";

/**
 * NumPy diagonal: removes Axis1 and Axis2 and appends the diagonal's length
 * max(0, min(n - max(0, -Offset), m - max(0, Offset))) (n, m the sizes of the two axes; `number`
 * when either or Offset is dynamic). Errors:
 * `diagonal: needs rank >= 2, got shape [3]`,
 * `diagonal: axis 2 is out of range for shape [3, 3] (rank 2)`,
 * `diagonal: axis1 and axis2 must differ, got 0 and -2 for shape [3, 3]`.
 */
export type Diagonal<
  S extends Shape,
  Offset extends number = 0,
  Axis1 extends number = 0,
  Axis2 extends number = 1,
  Op extends string = "diagonal",
> = DiagonalImpl<S, Offset, Axis1, Axis2, Op, true>;

/** Trace: the sum over the diagonal, i.e. Diagonal without its last dim (same errors, named "trace"). */
export type Trace<
  S extends Shape,
  Offset extends number = 0,
  Axis1 extends number = 0,
  Axis2 extends number = 1,
  Op extends string = "trace",
> = DiagonalImpl<S, Offset, Axis1, Axis2, Op, false>;

type DiagonalImpl<
  S extends Shape,
  Offset extends number,
  Axis1 extends number,
  Axis2 extends number,
  Op extends string,
  Append extends boolean,
> = number extends S["length"]
  ? number[]
  : S extends readonly [] | readonly [Dim]
    ? ShapeError<`${Op}: needs rank >= 2, got shape ${ShowShape<S>}`>
    : [NormalizeAxis<Axis1, S["length"]>, NormalizeAxis<Axis2, S["length"]>] extends [
          infer K1 extends number,
          infer K2 extends number,
        ]
      ? [K1] extends [never]
        ? ShapeError<AxisOutOfRangeMsg<S, Axis1, Op>>
        : [K2] extends [never]
          ? ShapeError<AxisOutOfRangeMsg<S, Axis2, Op>>
          : number extends K1 | K2
            ? Dynamic<Sub<S["length"], Append extends true ? 1 : 2>>
            : K1 extends K2
              ? ShapeError<`${Op}: axis1 and axis2 must differ, got ${Axis1} and ${Axis2} for shape ${ShowShape<S>}`>
              : (Lt<K1, K2> extends true ? RemoveAt<RemoveAt<S, K2>, K1> : RemoveAt<RemoveAt<S, K1>, K2>) extends infer R extends Dim[]
                ? Append extends true
                  ? [...R, DiagLen<DimAtIndex<S, K1>, DimAtIndex<S, K2>, Offset>]
                  : R
                : never
      : never;

/** max(0, min(n - max(0, -o), m - max(0, o))). */
type DiagLen<N extends Dim, M extends Dim, O extends number> = number extends N | M | O
  ? number
  : IsNegative<O> extends true
    ? Max0<Min<Sub<N, Abs<O>>, M>>
    : Max0<Min<N, Sub<M, O>>>;
