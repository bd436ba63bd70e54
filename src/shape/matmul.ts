/**
 * Matrix products at the type level: MatMul (NumPy matmul), Dot, Outer. Pure types, no runtime code.
 */
import type { Dim, Shape, ShapeError, ShowShape, ShowDim } from "./core.js";
import type { Broadcast } from "./broadcast.js";

/** True if two contracted dims can agree (equal, or either dynamic). */
type DimsAgree<X extends Dim, Y extends Dim> = { a: X; b: Y } extends { a: Y; b: X } ? true : number extends X ? true : number extends Y ? true : X extends Y ? true : false;

/**
 * NumPy matmul. Rank 0 operands are an error; a 1-D operand is promoted (a vector on the left
 * contracts with the second-to-last axis on the right, and the added axis is dropped again; the
 * same on the right); batch dims broadcast; the inner dims must agree. Unknown rank gives
 * `number[]`. Op names the op in messages. Errors:
 * `matmul: inner dims differ, [2, 3] @ [4, 5] (3 vs 4)`,
 * `matmul: batch dims [2] and [5] do not broadcast, [2, 3, 4] @ [5, 4, 6]`,
 * `matmul: operands must be at least 1-D, got [] @ [3]`.
 */
export type MatMul<A extends Shape, B extends Shape, Op extends string = "matmul"> = number extends
  | A["length"]
  | B["length"]
  ? number[]
  : A extends readonly []
    ? ShapeError<RankZeroMsg<A, B, Op>>
    : B extends readonly []
      ? ShapeError<RankZeroMsg<A, B, Op>>
      : A extends readonly [infer K1 extends Dim]
        ? B extends readonly [infer K2 extends Dim]
          ? Inner<A, B, K1, K2, Op, []>
          : B extends readonly [...infer BB extends Shape, infer K2 extends Dim, infer N extends Dim]
            ? Inner<A, B, K1, K2, Op, [...BB, N]>
            : never
        : A extends readonly [...infer AB extends Shape, infer M extends Dim, infer K1 extends Dim]
          ? B extends readonly [infer K2 extends Dim]
            ? Inner<A, B, K1, K2, Op, [...AB, M]>
            : B extends readonly [...infer BB extends Shape, infer K2 extends Dim, infer N extends Dim]
              ? DimsAgree<K1, K2> extends true
                ? Broadcast<AB, BB> extends infer Batch
                  ? Batch extends readonly [...infer BT extends Shape]
                    ? [...BT, M, N]
                    : ShapeError<`${Op}: batch dims ${ShowShape<AB>} and ${ShowShape<BB>} do not broadcast, ${ShowShape<A>} @ ${ShowShape<B>}`>
                  : never
                : ShapeError<InnerErrorMsg<A, B, K1, K2, Op>>
              : never
          : never;

type RankZeroMsg<A extends Shape, B extends Shape, Op extends string> = `${Op}: operands must be at least 1-D, got ${ShowShape<A>} @ ${ShowShape<B>}`;

type InnerErrorMsg<A extends Shape, B extends Shape, K1 extends Dim, K2 extends Dim, Op extends string> = `${Op}: inner dims differ, ${ShowShape<A>} @ ${ShowShape<B>} (${ShowDim<K1>} vs ${ShowDim<K2>})`;

type Inner<A extends Shape, B extends Shape, K1 extends Dim, K2 extends Dim, Op extends string, R extends Dim[]> =
  DimsAgree<K1, K2> extends true ? R : ShapeError<InnerErrorMsg<A, B, K1, K2, Op>>;

/** Dot product: two 1-D vectors give [] (their lengths must agree); otherwise MatMul named "dot". */
export type Dot<A extends Shape, B extends Shape> = MatMul<A, B, "dot">;

/**
 * Outer product of two 1-D vectors: [A0, B0]. An operand of unknown rank counts as a vector of
 * unknown length. Error: `outer: expects 1-D vectors, got [2, 3] and [4]`.
 */
export type Outer<A extends Shape, B extends Shape> = [VectorLength<A>, VectorLength<B>] extends [
  infer M extends Dim,
  infer N extends Dim,
]
  ? [M, N]
  : ShapeError<`outer: expects 1-D vectors, got ${ShowShape<A>} and ${ShowShape<B>}`>;

type VectorLength<S extends Shape> = number extends S["length"] ? number : S extends readonly [infer N extends Dim] ? N : false;
