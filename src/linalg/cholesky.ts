/** cholesky, triangularSolve, solveTriangular and choSolve (jnp.linalg.cholesky, jax.lax.linalg.triangular_solve, jax.scipy.linalg.solve_triangular and cho_solve). */
import type { DType, Promote } from "../ir/dtype.js";
import type { AsShape, Check, Shape, ShapeError } from "../shape/core.js";
import type { Solve, Square, TriangularSolve } from "../shape/linalg-solve.js";
import type { FloatOf } from "../tensor/types.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { cholesky as choleskyPrim, triangularSolve as trsm } from "../prims/decomp.js";
import { mT } from "../prims/matrix.js";
import { solveOperands, squareArg, triangularOperands } from "./common.js";

type T = AnyTensor;
/** The error a misuse of b reports, once a itself is fine (a's own error is reported at a). */
type RhsCheck<A extends Shape, R> = Square<A, string> extends ShapeError<string> ? never : R;

export interface CholeskyOptions {
  /** Return the upper factor U = Lᵀ (A = Uᵀ U) instead of L (default false). */
  readonly upper?: boolean;
  /**
   * Use (A + Aᵀ) / 2 (default true, as jnp.linalg.cholesky); false reads A's lower triangle only,
   * and then, as in JAX, the derivative is still that of a symmetric input (right for symmetric
   * perturbations only).
   */
  readonly symmetrizeInput?: boolean;
}

/**
 * The Cholesky factor of each symmetric positive-definite matrix of a [..., n, n]
 * (jnp.linalg.cholesky): lower L with A = L Lᵀ, or upper U = Lᵀ with `upper`. As JAX, the input
 * is symmetrized first ((A + Aᵀ) / 2, so the derivative is that of a symmetric input); a matrix
 * that is not positive definite gives a matrix of NaNs (no error). Integer input computes in float32.
 */
export function cholesky<S extends Shape, D extends DType>(a: Check<Square<S, "cholesky">, Tensor<S, D>>, options?: CholeskyOptions): Tensor<AsShape<Square<S, "cholesky">>, FloatOf<D>> {
  let x = squareArg("cholesky", a);
  if (options?.symmetrizeInput ?? true) x = lax.mul(lax.add(x, mT(x)), lax.full(x.shape, 0.5, x.dtype));
  const l = choleskyPrim(x);
  return (options?.upper ? mT(l) : l) as Tensor<AsShape<Square<S, "cholesky">>, FloatOf<D>>;
}

export interface TriangularSolveOptions<L extends boolean = boolean> {
  /** Solve op(A) X = B when true; X op(A) = B when false (the default, as JAX). */
  readonly leftSide?: L;
  /** Read A's lower triangle (default false: the upper one); the other triangle is ignored. */
  readonly lower?: boolean;
  /** op(A) = Aᵀ (default false: A). */
  readonly transposeA?: boolean;
  /** Take A's diagonal to be ones without reading it (default false). */
  readonly unitDiagonal?: boolean;
}

/**
 * Solves a triangular system (jax.lax.linalg.triangular_solve): X with op(A) X = B (`leftSide`)
 * or X op(A) = B (the default), A [..., n, n] triangular (only the triangle `lower` names is
 * read), B [..., n, k] (left) or [..., k, n] (right). Unlike lax, batch dims broadcast. A zero on
 * the diagonal gives infinities and NaNs, as JAX.
 */
export function triangularSolve<A extends Shape, B extends Shape, D1 extends DType, D2 extends DType, const L extends boolean = false>(
  a: Check<Square<A, "triangularSolve">, Tensor<A, D1>>,
  b: Check<RhsCheck<A, TriangularSolve<A, B, L>>, Tensor<B, D2>>,
  options?: TriangularSolveOptions<L>,
): Tensor<AsShape<TriangularSolve<A, B, L>>, FloatOf<Promote<D1, D2>>> {
  const left = options?.leftSide ?? false;
  const [x, y] = triangularOperands("triangularSolve", a, b, left);
  const p = { leftSide: left, lower: options?.lower ?? false, transposeA: options?.transposeA ?? false, unitDiagonal: options?.unitDiagonal ?? false };
  return trsm(x, y, p) as Tensor<AsShape<TriangularSolve<A, B, L>>, FloatOf<Promote<D1, D2>>>;
}

export interface SolveTriangularOptions {
  /** 0 or "N": solve A x = b (default); 1 or "T", and 2 or "C" (the same for real input): Aᵀ x = b. */
  readonly trans?: 0 | 1 | 2 | "N" | "T" | "C";
  /** Read A's lower triangle (default false: the upper one). */
  readonly lower?: boolean;
  /** Take A's diagonal to be ones without reading it (default false). */
  readonly unitDiagonal?: boolean;
}

/**
 * Solves op(A) x = b for triangular A [..., n, n] (jax.scipy.linalg.solve_triangular): b is a
 * vector when its rank is one less than a's ([..., n]), else matrices [..., n, k]; batch dims
 * broadcast. A zero on the diagonal gives infinities and NaNs, as JAX.
 */
export function solveTriangular<A extends Shape, B extends Shape, D1 extends DType, D2 extends DType>(
  a: Check<Square<A, "solveTriangular">, Tensor<A, D1>>,
  b: Check<RhsCheck<A, Solve<A, B, "solveTriangular", "rank-1">>, Tensor<B, D2>>,
  options?: SolveTriangularOptions,
): Tensor<AsShape<Solve<A, B, "solveTriangular", "rank-1">>, FloatOf<Promote<D1, D2>>> {
  const { a: m, b: y, vector } = solveOperands("solveTriangular", a, b, "rank-1");
  const trans = options?.trans ?? 0;
  const p = { leftSide: true, lower: options?.lower ?? false, transposeA: trans !== 0 && trans !== "N", unitDiagonal: options?.unitDiagonal ?? false };
  const x = trsm(m, y, p);
  return (vector ? lax.reshape(x, x.shape.slice(0, -1)) : x) as Tensor<AsShape<Solve<A, B, "solveTriangular", "rank-1">>, FloatOf<Promote<D1, D2>>>;
}

/**
 * Solves A x = b given A's Cholesky factor (jax.scipy.linalg.cho_solve): `cAndLower` is
 * [c, lower], c the factor of A = c cᵀ (lower) or cᵀ c (upper). As JAX, b is a vector when its
 * rank is one less than c's ([..., n]), else matrices [..., n, k]; batch dims broadcast.
 */
export function choSolve<A extends Shape, B extends Shape, D1 extends DType, D2 extends DType>(
  cAndLower: readonly [Check<Square<A, "choSolve">, Tensor<A, D1>>, boolean],
  b: Check<RhsCheck<A, Solve<A, B, "choSolve", "rank-1">>, Tensor<B, D2>>,
): Tensor<AsShape<Solve<A, B, "choSolve", "rank-1">>, FloatOf<Promote<D1, D2>>> {
  const [c0, lower] = cAndLower;
  const { a: c, b: y0, vector } = solveOperands("choSolve", c0, b, "rank-1");
  const solve = (y: T, transposeA: boolean) => trsm(c, y, { leftSide: true, lower, transposeA, unitDiagonal: false });
  const x = solve(solve(y0, !lower), lower);
  return (vector ? lax.reshape(x, x.shape.slice(0, -1)) : x) as Tensor<AsShape<Solve<A, B, "choSolve", "rank-1">>, FloatOf<Promote<D1, D2>>>;
}
