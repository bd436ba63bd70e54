/**
 * lu, solve, inv, det and slogdet (jax.lax.linalg.lu, jnp.linalg.*): compositions of the lu and
 * triangular_solve primitives; solve and inv carry JAX's derivative of a linear solve.
 */
import type { DType, Promote } from "../ir/dtype.js";
import type { AsShape, Check, Shape, ShapeError } from "../shape/core.js";
import type { LuVector, MatrixBatch, Solve, Square } from "../shape/linalg-solve.js";
import type { FloatOf } from "../tensor/types.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { lu as luPacked, luParts, triangularSolve as trsm } from "../prims/decomp.js";
import { mm, eyeLike, permuteRows } from "../prims/matrix.js";
import { customJvp } from "../transforms/custom.js";
import { diag, solveOperands, squareArg } from "./common.js";

type T = AnyTensor;
type RhsCheck<A extends Shape, R> = Square<A, string> extends ShapeError<string> ? never : R;

/**
 * LU decomposition with partial pivoting of square matrices [..., n, n] (jax.lax.linalg.lu):
 * `[lu, pivots, permutation]`, with `lu` holding L below the diagonal (its unit diagonal
 * implied) and U on and above it, `pivots[j]` the row swapped with row j at step j, and
 * `permutation` the rows they bring into order: `a[permutation] = L U`. A singular matrix gives a
 * U with zeros on its diagonal (no error, no NaN), as LAPACK. Square matrices only.
 */
export function lu<S extends Shape, D extends DType>(
  a: Check<Square<S, "lu">, Tensor<S, D>>,
): [Tensor<AsShape<Square<S, "lu">>, FloatOf<D>>, Tensor<AsShape<LuVector<S>>, "int32">, Tensor<AsShape<LuVector<S>>, "int32">] {
  const x = squareArg("lu", a);
  return luParts(luPacked(x)) as [Tensor<AsShape<Square<S, "lu">>, FloatOf<D>>, Tensor<AsShape<LuVector<S>>, "int32">, Tensor<AsShape<LuVector<S>>, "int32">];
}

/** X with A X = B from A's packed LU factors and permutation (B's rows permuted, then two triangular solves on the packed matrix). */
function luSolve(f: T, perm: T, b: T): T {
  const y = trsm(f, permuteRows(b, perm), { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
  return trsm(f, y, { leftSide: true, lower: false, transposeA: false, unitDiagonal: false });
}

/** A X = B for a [..., n, n] and b [..., n, k] of the same batch dims, through LU. */
function luSolveOf(a: T, b: T): T {
  const [f, , perm] = luParts(luPacked(a));
  return luSolve(f, perm, b);
}

/**
 * luSolveOf with the derivative JAX gives solve (its custom linear solve): Ẋ = A⁻¹ (Ḃ - Ȧ X),
 * solved with the same factors, so reverse mode is a transposed solve and an outer product
 * (O(n²) per right-hand side) instead of the derivative of the factorisation (O(n³)). The rule
 * is written with the plain composition, so higher orders differentiate that.
 */
const solveWithRule = customJvp(luSolveOf as (a: Tensor<Shape, DType>, b: Tensor<Shape, DType>) => Tensor<Shape, DType>, ([a, b], [ta, tb]) => {
  const [f, , perm] = luParts(luPacked(a));
  const x = luSolve(f, perm, b);
  return [x, luSolve(f, perm, lax.sub(tb, mm(ta, x)))] as const;
}) as (a: T, b: T) => T;

/**
 * Solves A x = b (jnp.linalg.solve) by LU with partial pivoting: a [..., n, n]; b a vector [n]
 * when it is 1-D (NumPy 2's rule, as current JAX), else matrices [..., n, k]; batch dims
 * broadcast. The derivative is JAX's (Ẋ = A⁻¹ (Ḃ - Ȧ X), with the same factors). A singular
 * matrix gives infinities and NaNs (no error), as JAX.
 */
export function solve<A extends Shape, B extends Shape, D1 extends DType, D2 extends DType>(
  a: Check<Square<A, "solve">, Tensor<A, D1>>,
  b: Check<RhsCheck<A, Solve<A, B, "solve">>, Tensor<B, D2>>,
): Tensor<AsShape<Solve<A, B, "solve">>, FloatOf<Promote<D1, D2>>> {
  const { a: m, b: rhs, vector } = solveOperands("solve", a, b, "1-D");
  const x = solveWithRule(m, rhs);
  return (vector ? lax.reshape(x, x.shape.slice(0, -1)) : x) as Tensor<AsShape<Solve<A, B, "solve">>, FloatOf<Promote<D1, D2>>>;
}

/** The inverse of each matrix of a [..., n, n] (jnp.linalg.inv): solve against the identity. A singular matrix gives infinities and NaNs, as JAX. */
export function inv<S extends Shape, D extends DType>(a: Check<Square<S, "inv">, Tensor<S, D>>): Tensor<AsShape<Square<S, "inv">>, FloatOf<D>> {
  return invFloat(squareArg("inv", a)) as Tensor<AsShape<Square<S, "inv">>, FloatOf<D>>;
}

/** inv on a checked float [..., n, n] tensor (matrixPower's negative powers use it too). */
export const invFloat = (x: T): T => solveWithRule(x, eyeLike(x));

/** diag(U) and the permutation's sign (±1, from the pivots that moved a row) of the LU factors of x. */
function luDiagSign(x: T): [T, T] {
  const [f, piv] = luParts(luPacked(x));
  const moved = lax.ne(piv, lax.iota(piv.shape, piv.shape.length - 1));
  const flips = lax.select(moved, lax.full(piv.shape, -1, x.dtype), lax.full(piv.shape, 1, x.dtype));
  return [diag(f), lax.reduceProd(flips, [piv.shape.length - 1])];
}

/**
 * The determinant of each matrix of a [..., n, n] (jnp.linalg.det): the product of U's diagonal
 * times the sign of the LU permutation; 0 for a singular matrix. The derivative is that of the
 * composition (det · A⁻ᵀ where A is invertible); at a singular matrix it is not defined here.
 */
export function det<S extends Shape, D extends DType>(a: Check<Square<S, "det">, Tensor<S, D>>): Tensor<AsShape<MatrixBatch<S, "det">>, FloatOf<D>> {
  const [d, sign] = luDiagSign(squareArg("det", a));
  return lax.mul(sign, lax.reduceProd(d, [d.shape.length - 1])) as Tensor<AsShape<MatrixBatch<S, "det">>, FloatOf<D>>;
}

/**
 * Sign and natural log of the absolute determinant of each matrix of a [..., n, n]
 * (jnp.linalg.slogdet): `[sign, logabsdet]`, from U's diagonal and the permutation's sign. A
 * singular matrix gives sign 0 and logabsdet -Infinity, as JAX.
 */
export function slogdet<S extends Shape, D extends DType>(
  a: Check<Square<S, "slogdet">, Tensor<S, D>>,
): [Tensor<AsShape<MatrixBatch<S, "slogdet">>, FloatOf<D>>, Tensor<AsShape<MatrixBatch<S, "slogdet">>, FloatOf<D>>] {
  const [d, perm] = luDiagSign(squareArg("slogdet", a));
  const last = [d.shape.length - 1];
  const sign = lax.mul(perm, lax.reduceProd(lax.sign(d), last));
  const logabs = lax.reduceSum(lax.log(lax.abs(d)), last);
  return [sign, logabs] as [Tensor<AsShape<MatrixBatch<S, "slogdet">>, FloatOf<D>>, Tensor<AsShape<MatrixBatch<S, "slogdet">>, FloatOf<D>>];
}
