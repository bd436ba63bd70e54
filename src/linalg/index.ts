/** The linalg namespace (jnp.linalg, jax.scipy.linalg and jax.lax.linalg's functions). */

// issue 11, part A: the Cholesky and LU families
export { cholesky, triangularSolve, choSolve, type CholeskyOptions, type TriangularSolveOptions } from "./cholesky.js";
export { lu, solve, inv, det, slogdet } from "./lu.js";
