/**
 * Shapes of the decompositions and what is built on them (linalg.qr, eigh, svd, pinv, lstsq,
 * matrixPower). Pure types, no runtime code; the run-time twins of the messages are in
 * tensor/messages.ts. A matrix argument is [...batch, m, n]; unknown rank gives `number[]`.
 */
import type { Dim, Shape, ShapeError, ShowShape } from "./core.js";
import type { Min } from "./arith.js";

/** The message `qr: needs rank >= 2, got shape [3]`. */
export type LinalgRankMsg<Op extends string, S extends Shape> = `${Op}: needs rank >= 2, got shape ${ShowShape<S>}`;
/** The message `eigh: needs square matrices, got shape [3, 4]`. */
export type LinalgSquareMsg<Op extends string, S extends Shape> = `${Op}: needs square matrices, got shape ${ShowShape<S>}`;

/** [batch, m, n] of a matrix shape, or the rank error. */
type Split<S extends Shape, Op extends string> = S extends readonly [...infer B extends Dim[], infer M extends Dim, infer N extends Dim]
  ? [B, M, N]
  : ShapeError<LinalgRankMsg<Op, S>>;

/** Static dims that differ (a dynamic one is checked at run time). */
type Differ<M extends Dim, N extends Dim> = number extends M | N ? false : M extends N ? false : true;

/** S when it is a batch of square matrices, else the rank or square error. */
export type SquareMatrices<S extends Shape, Op extends string> = number extends S["length"]
  ? S
  : Split<S, Op> extends [Shape, infer M extends Dim, infer N extends Dim]
    ? Differ<M, N> extends true
      ? ShapeError<LinalgSquareMsg<Op, S>>
      : S
    : Split<S, Op>;

/** [Q, R] of qr: Q [..., m, k], R [..., k, n], with k = min(m, n) (reduced) or m (complete). */
export type QrShapes<S extends Shape, Complete extends boolean> = number extends S["length"]
  ? [number[], number[]]
  : Split<S, "qr"> extends [infer B extends Shape, infer M extends Dim, infer N extends Dim]
    ? (Complete extends true ? M : Min<M, N>) extends infer K extends Dim
      ? [[...B, M, K], [...B, K, N]]
      : never
    : Split<S, "qr">;

/** [w, v] of eigh: w [..., n], v [..., n, n]. */
export type EighShapes<S extends Shape> = number extends S["length"]
  ? [number[], number[]]
  : SquareMatrices<S, "eigh"> extends infer E
    ? E extends ShapeError<string>
      ? E
      : S extends readonly [...infer B extends Dim[], Dim, infer N extends Dim]
        ? [[...B, N], [...B, N, N]]
        : never
    : never;

/** [u, s, vh] of svd: s [..., k]; u [..., m, m] and vh [..., n, n] (full) or u [..., m, k] and vh [..., k, n]. */
export type SvdShapes<S extends Shape, Full extends boolean> = number extends S["length"]
  ? [number[], number[], number[]]
  : Split<S, "svd"> extends [infer B extends Shape, infer M extends Dim, infer N extends Dim]
    ? Min<M, N> extends infer K extends Dim
      ? Full extends true
        ? [[...B, M, M], [...B, K], [...B, N, N]]
        : [[...B, M, K], [...B, K], [...B, K, N]]
      : never
    : Split<S, "svd">;

/** pinv: [..., m, n] -> [..., n, m]. */
export type PinvShape<S extends Shape> = number extends S["length"]
  ? number[]
  : Split<S, "pinv"> extends [infer B extends Shape, infer M extends Dim, infer N extends Dim]
    ? [...B, N, M]
    : Split<S, "pinv">;

/** The message `lstsq: a must be 2-D, got shape [2, 3, 4]`. */
export type LstsqARankMsg<A extends Shape> = `lstsq: a must be 2-D, got shape ${ShowShape<A>}`;
/** The message `lstsq: b must be 1-D or 2-D, got shape []`. */
export type LstsqBRankMsg<B extends Shape> = `lstsq: b must be 1-D or 2-D, got shape ${ShowShape<B>}`;
/** The message `lstsq: leading dims differ, a [3, 2] and b [4] (3 vs 4)`. */
export type LstsqRowsMsg<A extends Shape, B extends Shape, M extends Dim, M2 extends Dim> =
  `lstsq: leading dims differ, a ${ShowShape<A>} and b ${ShowShape<B>} (${M} vs ${M2})`;

/** The error of a bad `a` for lstsq (never when it is fine). */
export type LstsqAError<A extends Shape> = number extends A["length"] ? never : A extends readonly [Dim, Dim] ? never : ShapeError<LstsqARankMsg<A>>;

/**
 * [x, residuals, rank, s] of lstsq (a [m, n], b [m] or [m, k]): x [n] or [n, k], residuals [1]
 * or [k] (always computed, as jnp's default numpy_resid=False), rank [], s [min(m, n)].
 */
export type LstsqShapes<A extends Shape, B extends Shape> = number extends A["length"] | B["length"]
  ? [number[], number[], [], number[]]
  : A extends readonly [infer M extends Dim, infer N extends Dim]
    ? B extends readonly [infer M2 extends Dim, ...infer K extends Dim[]]
      ? K extends [] | [Dim]
        ? Differ<M, M2> extends true
          ? ShapeError<LstsqRowsMsg<A, B, M, M2>>
          : [[N, ...K], K extends [] ? [1] : K, [], [Min<M, N>]]
        : ShapeError<LstsqBRankMsg<B>>
      : ShapeError<LstsqBRankMsg<B>>
    : ShapeError<LstsqARankMsg<A>>;
