/** The `linalg` namespace: jnp.linalg, jax.scipy.linalg and jax.lax.linalg's functions in camelCase. */

// linalg part B: decompositions (qr, eigh, svd) and what is built on them
export { qr, type QrMode, type QrResult } from "./qr.js";
export { eigh, type EighResult } from "./eigh.js";
export { svd, type SvdResult } from "./svd.js";
export { pinv, lstsq, type LstsqResult } from "./pinv.js";
export { matrixPower } from "./matrix-power.js";
export { norm } from "../ops/reduce-extra.js";
// issue 11, part A: the Cholesky and LU families
export { cholesky, triangularSolve, solveTriangular, choSolve, type CholeskyOptions, type TriangularSolveOptions, type SolveTriangularOptions } from "./cholesky.js";
export { lu, solve, inv, det, slogdet } from "./lu.js";
