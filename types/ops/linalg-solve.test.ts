// Compile-time suite for linalg part A: cholesky, triangularSolve, choSolve, lu, solve, inv, det,
// slogdet. Result shapes and dtypes, and misuse (a non-square matrix, a right-hand side that does
// not match, batch dims that do not broadcast) as errors naming the shapes.
import { expectType, type TypeEqual } from "ts-expect";
import { linalg, type Tensor } from "../../src/index.js";

declare const a: Tensor<[3, 3]>;
declare const a64: Tensor<[3, 3], "float64">;
declare const ab: Tensor<[2, 5, 4, 4]>;
declare const ai: Tensor<[3, 3], "int32">;
declare const rect: Tensor<[3, 4]>;
declare const v: Tensor<[3]>;
declare const bm: Tensor<[3, 2]>;
declare const dyn: Tensor<[number, number]>;
declare const dynb: Tensor<[number, 3, 3]>;

// --- cholesky ----------------------------------------------------------------------------------
const c1 = linalg.cholesky(a);
expectType<TypeEqual<typeof c1, Tensor<[3, 3]>>>(true);
const c2 = linalg.cholesky(ab, { upper: true });
expectType<TypeEqual<typeof c2, Tensor<[2, 5, 4, 4]>>>(true);
const c3 = linalg.cholesky(a64);
expectType<TypeEqual<typeof c3, Tensor<[3, 3], "float64">>>(true);
const c4 = linalg.cholesky(ai);
expectType<TypeEqual<typeof c4, Tensor<[3, 3]>>>(true);
const c5 = linalg.cholesky(dyn);
expectType<TypeEqual<typeof c5, Tensor<[number, number]>>>(true);
declare const half: Tensor<[number, 3]>;
const c6 = linalg.cholesky(half);
expectType<TypeEqual<typeof c6, Tensor<[3, 3]>>>(true);
// @ts-expect-error cholesky: expected a square matrix, got [3, 4]
linalg.cholesky(rect);
// @ts-expect-error cholesky: expected a square matrix, got [3]
linalg.cholesky(v);

// --- triangularSolve ---------------------------------------------------------------------------
const t1 = linalg.triangularSolve(a, bm, { leftSide: true, lower: true });
expectType<TypeEqual<typeof t1, Tensor<[3, 2]>>>(true);
declare const br: Tensor<[2, 3]>;
const t2 = linalg.triangularSolve(a, br);
expectType<TypeEqual<typeof t2, Tensor<[2, 3]>>>(true);
declare const bb: Tensor<[5, 4, 2]>;
const t3 = linalg.triangularSolve(ab, bb, { leftSide: true, transposeA: true, unitDiagonal: true });
expectType<TypeEqual<typeof t3, Tensor<[2, 5, 4, 2]>>>(true);
const t4 = linalg.triangularSolve(a64, bm, { leftSide: true });
expectType<TypeEqual<typeof t4, Tensor<[3, 2], "float64">>>(true);
// @ts-expect-error triangularSolve: b of shape [3, 2] does not match a of shape [3, 3]
linalg.triangularSolve(a, bm);
// @ts-expect-error triangularSolve: expected a square matrix, got [3, 4]
linalg.triangularSolve(rect, bm, { leftSide: true });
// @ts-expect-error triangularSolve: b of shape [3] does not match a of shape [3, 3]
linalg.triangularSolve(a, v, { leftSide: true });
declare const bbad: Tensor<[3, 4, 2]>;
// @ts-expect-error triangularSolve: batch dims [2, 5] and [3] do not broadcast, [2, 5, 4, 4] and [3, 4, 2]
linalg.triangularSolve(ab, bbad, { leftSide: true });

// --- solveTriangular (jax.scipy.linalg: b a vector when its rank is one less than a's) ----------
const st1 = linalg.solveTriangular(a, v, { lower: true });
expectType<TypeEqual<typeof st1, Tensor<[3]>>>(true);
const st2 = linalg.solveTriangular(a64, bm, { trans: "T" });
expectType<TypeEqual<typeof st2, Tensor<[3, 2], "float64">>>(true);
declare const bvec: Tensor<[2, 5, 4]>;
const st3 = linalg.solveTriangular(ab, bvec);
expectType<TypeEqual<typeof st3, Tensor<[2, 5, 4]>>>(true);
// @ts-expect-error solveTriangular: b of shape [4] does not match a of shape [3, 3]
linalg.solveTriangular(a, v4);

// --- lu ------------------------------------------------------------------------------------------
const [lu1, piv1, perm1] = linalg.lu(ab);
expectType<TypeEqual<typeof lu1, Tensor<[2, 5, 4, 4]>>>(true);
expectType<TypeEqual<typeof piv1, Tensor<[2, 5, 4], "int32">>>(true);
expectType<TypeEqual<typeof perm1, Tensor<[2, 5, 4], "int32">>>(true);
const [lu2] = linalg.lu(a64);
expectType<TypeEqual<typeof lu2, Tensor<[3, 3], "float64">>>(true);
// @ts-expect-error lu: expected a square matrix, got [3, 4]
linalg.lu(rect);

// --- solve ---------------------------------------------------------------------------------------
const s1 = linalg.solve(a, v);
expectType<TypeEqual<typeof s1, Tensor<[3]>>>(true);
const s2 = linalg.solve(a, bm);
expectType<TypeEqual<typeof s2, Tensor<[3, 2]>>>(true);
declare const v4: Tensor<[4]>;
const s3 = linalg.solve(ab, v4);
expectType<TypeEqual<typeof s3, Tensor<[2, 5, 4]>>>(true);
declare const b3: Tensor<[3, 4, 1]>;
declare const a3: Tensor<[2, 1, 4, 4]>;
const s4 = linalg.solve(a3, b3);
expectType<TypeEqual<typeof s4, Tensor<[2, 3, 4, 1]>>>(true);
const s5 = linalg.solve(a64, bm);
expectType<TypeEqual<typeof s5, Tensor<[3, 2], "float64">>>(true);
const s6 = linalg.solve(dynb, v);
expectType<TypeEqual<typeof s6, Tensor<[number, 3]>>>(true);
// @ts-expect-error solve: expected a square matrix, got [3, 4]
linalg.solve(rect, v);
// @ts-expect-error solve: b of shape [4] does not match a of shape [3, 3]
linalg.solve(a, v4);
declare const b43: Tensor<[4, 3]>;
// @ts-expect-error solve: b of shape [4, 3] does not match a of shape [3, 3]
linalg.solve(a, b43);
declare const scalar: Tensor<[]>;
// @ts-expect-error solve: b of shape [] does not match a of shape [3, 3]
linalg.solve(a, scalar);
declare const b7: Tensor<[7, 4, 1]>;
// @ts-expect-error solve: batch dims [2, 5] and [7] do not broadcast, [2, 5, 4, 4] and [7, 4, 1]
linalg.solve(ab, b7);

// --- choSolve ------------------------------------------------------------------------------------
declare const bv: Tensor<[2, 5, 4]>;
const cs1 = linalg.choSolve([ab, true], bv);
expectType<TypeEqual<typeof cs1, Tensor<[2, 5, 4]>>>(true);
const cs2 = linalg.choSolve([a, false], bm);
expectType<TypeEqual<typeof cs2, Tensor<[3, 2]>>>(true);
const cs3 = linalg.choSolve([a, true], v);
expectType<TypeEqual<typeof cs3, Tensor<[3]>>>(true);
// @ts-expect-error choSolve: b of shape [4] does not match a of shape [3, 3]
linalg.choSolve([a, true], v4);

// --- inv, det, slogdet ---------------------------------------------------------------------------
const i1 = linalg.inv(ab);
expectType<TypeEqual<typeof i1, Tensor<[2, 5, 4, 4]>>>(true);
const d1 = linalg.det(ab);
expectType<TypeEqual<typeof d1, Tensor<[2, 5]>>>(true);
const d2 = linalg.det(a64);
expectType<TypeEqual<typeof d2, Tensor<[], "float64">>>(true);
const [sg1, ld1] = linalg.slogdet(ab);
expectType<TypeEqual<typeof sg1, Tensor<[2, 5]>>>(true);
expectType<TypeEqual<typeof ld1, Tensor<[2, 5]>>>(true);
const d3 = linalg.det(dynb);
expectType<TypeEqual<typeof d3, Tensor<[number]>>>(true);
// @ts-expect-error inv: expected a square matrix, got [3, 4]
linalg.inv(rect);
// @ts-expect-error det: expected a square matrix, got [3, 4]
linalg.det(rect);
// @ts-expect-error slogdet: expected a square matrix, got [3]
linalg.slogdet(v);
