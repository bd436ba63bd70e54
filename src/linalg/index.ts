/** The linalg namespace (jnp.linalg, jax.scipy.linalg and jax.lax.linalg's functions). */

// issue 11, part A: the Cholesky and LU families
export { cholesky, triangularSolve, solveTriangular, choSolve, type CholeskyOptions, type TriangularSolveOptions, type SolveTriangularOptions } from "./cholesky.js";
export { lu, solve, inv, det, slogdet } from "./lu.js";
