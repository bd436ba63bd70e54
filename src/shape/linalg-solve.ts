/**
 * Shapes of the square-matrix linalg functions (cholesky, lu, triangularSolve, solve, choSolve,
 * inv, det, slogdet) at the type level. Pure types, no runtime code; the run-time twins of the
 * messages are in src/tensor/messages.ts (squareMatrixMsg, rhsMismatchMsg, linalgBatchMsg).
 */
import type { Broadcast } from "./broadcast.js";
import type { Dim, Shape, ShapeError, ShowShape } from "./core.js";

/** Two dims that may be equal (equal literals, or either dynamic). */
type Agree<X extends Dim, Y extends Dim> = number extends X ? true : number extends Y ? true : [X] extends [Y] ? ([Y] extends [X] ? true : false) : false;
/** Of two agreeing dims, the literal one. */
type Known<X extends Dim, Y extends Dim> = number extends X ? Y : X;

/** `cholesky: expected a square matrix, got [3, 4]` (also for rank < 2). */
type SquareMsg<Op extends string, S extends Shape> = `${Op}: expected a square matrix, got ${ShowShape<S>}`;
/** `solve: b of shape [4] does not match a of shape [3, 3]`. */
type RhsMsg<Op extends string, A extends Shape, B extends Shape> = `${Op}: b of shape ${ShowShape<B>} does not match a of shape ${ShowShape<A>}`;
/** `solve: batch dims [2] and [5] do not broadcast, [2, 3, 3] and [5, 3, 1]`. */
type BatchMsg<Op extends string, BA extends Shape, BB extends Shape, A extends Shape, B extends Shape> =
  `${Op}: batch dims ${ShowShape<BA>} and ${ShowShape<BB>} do not broadcast, ${ShowShape<A>} and ${ShowShape<B>}`;

/**
 * A stack of square matrices [...batch, n, n]: the shape with the dims of the matrix made
 * literal where either is, or the error. Unknown rank passes (checked at run time).
 */
export type Square<S extends Shape, Op extends string> = number extends S["length"]
  ? S
  : S extends readonly [...infer B extends Shape, infer M extends Dim, infer N extends Dim]
    ? Agree<M, N> extends true
      ? [...B, Known<M, N>, Known<M, N>]
      : ShapeError<SquareMsg<Op, S>>
    : ShapeError<SquareMsg<Op, S>>;

/** The batch dims of a stack of square matrices (det, slogdet), or Square's error. */
export type MatrixBatch<S extends Shape, Op extends string> = Square<S, Op> extends infer Q
  ? Q extends readonly [...infer B extends Shape, Dim, Dim]
    ? B
    : number extends S["length"]
      ? number[]
      : Q
  : never;

/** The pivots and permutation of lu: [...batch, n] (or Square's error). */
export type LuVector<S extends Shape> = Square<S, "lu"> extends infer Q
  ? Q extends readonly [...infer B extends Shape, infer N extends Dim, Dim]
    ? [...B, N]
    : number extends S["length"]
      ? number[]
      : Q
  : never;

/** Broadcast batch dims then the matrix dims R, or the batch error. */
type WithBatch<Op extends string, BA extends Shape, BB extends Shape, A extends Shape, B extends Shape, R extends Shape> =
  Broadcast<BA, BB> extends infer C ? (C extends readonly [...infer X extends Shape] ? [...X, ...R] : ShapeError<BatchMsg<Op, BA, BB, A, B>>) : never;

/**
 * X with A X = B, for a of shape [...batch, n, n]: b is a vector when `Vector` says so (`"1-D"`:
 * b of rank 1, jnp.linalg.solve's rule; `"rank-1"`: b of rank one less than a's, cho_solve's),
 * else a matrix [..., n, k]. Batch dims broadcast. Errors: Square's, RhsMsg, BatchMsg.
 */
export type Solve<A extends Shape, B extends Shape, Op extends string, Vector extends "1-D" | "rank-1" = "1-D"> =
  Square<A, Op> extends infer Q
    ? Q extends ShapeError<string>
      ? Q
      : number extends A["length"] | B["length"]
        ? number[]
        : Q extends readonly [...infer BA extends Shape, infer N extends Dim, Dim]
          ? (Vector extends "1-D" ? B["length"] extends 1 ? true : false : [...B, 0]["length"] extends A["length"] ? true : false) extends true
            ? B extends readonly [...infer BB extends Shape, infer K extends Dim]
              ? Agree<K, N> extends true
                ? WithBatch<Op, BA, BB, A, B, [Known<N, K>]>
                : ShapeError<RhsMsg<Op, A, B>>
              : ShapeError<RhsMsg<Op, A, B>>
            : B extends readonly [...infer BB extends Shape, infer K extends Dim, infer M extends Dim]
              ? Agree<K, N> extends true
                ? WithBatch<Op, BA, BB, A, B, [Known<N, K>, M]>
                : ShapeError<RhsMsg<Op, A, B>>
              : ShapeError<RhsMsg<Op, A, B>>
          : never
    : never;

/**
 * X with op(A) X = B (`Left` true) or X op(A) = B: a [...batch, n, n], b [..., n, k] (left) or
 * [..., k, n] (right); batch dims broadcast. Errors: Square's, RhsMsg, BatchMsg.
 */
export type TriangularSolve<A extends Shape, B extends Shape, Left extends boolean> =
  Square<A, "triangularSolve"> extends infer Q
    ? Q extends ShapeError<string>
      ? Q
      : number extends A["length"] | B["length"]
        ? number[]
        : Q extends readonly [...infer BA extends Shape, infer N extends Dim, Dim]
          ? B extends readonly [...infer BB extends Shape, infer R extends Dim, infer C extends Dim]
            ? Agree<boolean extends Left ? N : Left extends true ? R : C, N> extends true
              ? WithBatch<"triangularSolve", BA, BB, A, B, boolean extends Left ? [R, C] : Left extends true ? [Known<N, R>, C] : [R, Known<N, C>]>
              : ShapeError<RhsMsg<"triangularSolve", A, B>>
            : ShapeError<RhsMsg<"triangularSolve", A, B>>
          : never
    : never;
