/**
 * The matrix decompositions behind linalg's solve family: cholesky, triangular_solve and lu
 * (as jax.lax.linalg). Each works on a batch of matrices [..., m, n] and runs as a host step
 * (JS loops over row-major float64 copies, contiguous inner loops); everything else (solve, inv,
 * det, slogdet, cho_solve) is a composition of these and existing ops. Their derivative rules
 * are JAX's: cholesky's forward rule L·Φ(L⁻¹ Ȧ L⁻ᵀ) and its transpose, triangular_solve's, and
 * lu's forward rule with its transpose; all written with these primitives and dot_general, so
 * they nest. Batching: the primitives are batched already (the mapped axis becomes a batch axis).
 */
import { showShape, type AbstractValue } from "../ir/aval.js";
import { allocate, type DType } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import { traceFlat } from "../ir/trace.js";
import { HostArray } from "../ir/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastInDim, broadcastLeading, full, reduceSum } from "./broadcast.js";
import { add, mul, ne, neg, select, sub } from "./elementwise.js";
import { concatenate, pad, slice } from "./structural.js";
import { mm, eyeLike, matrixBatch, mT, perMatrix, permuteRows, triangle, unpermuteRows } from "./matrix.js";
import { apply, fail, type Prim } from "./util.js";

type T = AnyTensor;

const count = (batch: readonly number[]) => batch.reduce((p, d) => p * d, 1);

function squareDim(name: string, a: AbstractValue): number {
  const batch = matrixBatch(name, a);
  const n = a.shape[batch.length]!;
  if (a.shape[batch.length + 1] !== n) fail(`${name} of a non-square ${showShape(a.shape)}`);
  return n;
}

// ---------------------------------------------------------------- host kernels

/**
 * Lower Cholesky factor of one n x n matrix (its lower triangle is read), as dot products of rows
 * of L, two rows by two columns at a time: the four dot products share their loads (about 1.5x
 * faster than one at a time at n = 256). A matrix that is not positive definite (a pivot that is
 * not > 0, NaN included) gives a matrix of NaNs, as JAX.
 */
function choleskyHost(a: Float64Array, l: Float64Array, n: number): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r0 = i * n;
    const r1 = r0 + n;
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const q0 = j * n;
      const q1 = q0 + n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < j; k++) {
        const x0 = l[r0 + k]!;
        const x1 = l[r1 + k]!;
        const y0 = l[q0 + k]!;
        const y1 = l[q1 + k]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      const d0 = l[q0 + j]!;
      const c = l[q1 + j]!;
      const d1 = l[q1 + j + 1]!;
      const l00 = (a[r0 + j]! - s00) / d0;
      const l10 = (a[r1 + j]! - s10) / d0;
      l[r0 + j] = l00;
      l[r1 + j] = l10;
      l[r0 + j + 1] = (a[r0 + j + 1]! - s01 - l00 * c) / d1;
      l[r1 + j + 1] = (a[r1 + j + 1]! - s11 - l10 * c) / d1;
    }
    for (; j < i; j++) {
      const q = j * n;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < j; k++) {
        const y = l[q + k]!;
        s0 += l[r0 + k]! * y;
        s1 += l[r1 + k]! * y;
      }
      l[r0 + j] = (a[r0 + j]! - s0) / l[q + j]!;
      l[r1 + j] = (a[r1 + j]! - s1) / l[q + j]!;
    }
    // the 2 x 2 block on the diagonal
    let s00 = 0;
    let s10 = 0;
    let s11 = 0;
    for (let k = 0; k < i; k++) {
      const x0 = l[r0 + k]!;
      const x1 = l[r1 + k]!;
      s00 += x0 * x0;
      s10 += x1 * x0;
      s11 += x1 * x1;
    }
    const d = a[r0 + i]! - s00;
    const lii = Math.sqrt(d);
    const l10 = (a[r1 + i]! - s10) / lii;
    const d1 = a[r1 + i + 1]! - s11 - l10 * l10;
    if (!(d > 0 && d1 > 0)) return void l.fill(NaN);
    l[r0 + i] = lii;
    l[r1 + i] = l10;
    l[r1 + i + 1] = Math.sqrt(d1);
  }
  if (i < n) {
    // the last row of an odd n
    const r0 = i * n;
    for (let j = 0; j <= i; j++) {
      const q = j * n;
      let s = a[r0 + j]!;
      for (let k = 0; k < j; k++) s -= l[r0 + k]! * l[q + k]!;
      if (j < i) l[r0 + j] = s / l[q + j]!;
      else if (s > 0) l[r0 + i] = Math.sqrt(s);
      else return void l.fill(NaN);
    }
  }
}

/**
 * op(A) X = B for one m x m triangular A and m x k B, in place in x (holding B). op(A) = Aᵀ is
 * solved as A' X = B with A' = Aᵀ copied out (m² work, next to the m² k of the solve), so the
 * loops always walk rows: a vector is one dot product per row; matrices take four rows of X per
 * pass (four multiply-adds per load and store of a row: about 3x faster than one at k = 256).
 */
function trsmLeft(a0: Float64Array, x: Float64Array, m: number, k: number, lower0: boolean, trans: boolean, unit: boolean): void {
  let a = a0;
  if (trans) {
    a = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) a[j * m + i] = a0[i * m + j]!;
  }
  const lower = lower0 !== trans;
  const [from, to, step] = lower ? [0, m, 1] : [m - 1, -1, -1];
  for (let i = from; i !== to; i += step) {
    const ai = i * m;
    const ri = i * k;
    // the rows j already solved: j < i (lower) or j > i (upper)
    const [j0, j1] = lower ? [0, i] : [i + 1, m];
    if (k === 1) {
      let s = x[i]!;
      for (let j = j0; j < j1; j++) s -= a[ai + j]! * x[j]!;
      x[i] = unit ? s : s / a[ai + i]!;
      continue;
    }
    let j = j0;
    for (; j + 3 < j1; j += 4) {
      const c0 = a[ai + j]!;
      const c1 = a[ai + j + 1]!;
      const c2 = a[ai + j + 2]!;
      const c3 = a[ai + j + 3]!;
      const r0 = j * k;
      const r1 = r0 + k;
      const r2 = r1 + k;
      const r3 = r2 + k;
      for (let c = 0; c < k; c++) x[ri + c]! -= c0 * x[r0 + c]! + c1 * x[r1 + c]! + c2 * x[r2 + c]! + c3 * x[r3 + c]!;
    }
    for (; j < j1; j++) {
      const cj = a[ai + j]!;
      const rj = j * k;
      for (let c = 0; c < k; c++) x[ri + c]! -= cj * x[rj + c]!;
    }
    if (!unit) {
      const d = a[ai + i]!;
      for (let c = 0; c < k; c++) x[ri + c]! /= d;
    }
  }
}

/**
 * LU with partial pivoting of one n x n matrix, in place in `lu` (holding A). pivots[j] is the
 * row swapped with row j at step j; perm is the permutation they compose (A[perm] = L U). A zero
 * pivot column is left as it is (no division), as LAPACK's getrf: U then has a zero on its
 * diagonal. Blocked right-looking, panels of 4 columns: the panel is factorised on its own
 * columns, the swaps applied across, U12 solved in the panel's rows, then the trailing rows take
 * the 4 pivot rows in one pass, two rows at a time (8 multiply-adds per 4 loads of the pivot rows
 * and a load and store of each row: about 6x faster than the rank-1 loop at n = 256, with the
 * same pivots).
 */
function luHost(lu: Float64Array, piv: Float64Array, perm: Float64Array, n: number): void {
  const B = 4;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let j0 = 0; j0 < n; j0 += B) {
    const je = Math.min(j0 + B, n);
    for (let j = j0; j < je; j++) {
      let best = Math.abs(lu[j * n + j]!);
      let p = j;
      for (let i = j + 1; i < n; i++) {
        const v = Math.abs(lu[i * n + j]!);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      piv[j] = p;
      const rj = j * n;
      if (p !== j) {
        const rp = p * n;
        for (let c = 0; c < n; c++) {
          const t = lu[rj + c]!;
          lu[rj + c] = lu[rp + c]!;
          lu[rp + c] = t;
        }
        const t = perm[j]!;
        perm[j] = perm[p]!;
        perm[p] = t;
      }
      const d = lu[rj + j]!;
      if (d === 0) continue;
      for (let i = j + 1; i < n; i++) {
        const ri = i * n;
        const f = lu[ri + j]! / d;
        lu[ri + j] = f;
        for (let c = j + 1; c < je; c++) lu[ri + c]! -= f * lu[rj + c]!;
      }
    }
    if (je === n) break;
    // U12 (the panel's rows, the columns after it): forward substitution with the panel's unit L11
    for (let j = j0 + 1; j < je; j++) {
      const rj = j * n;
      for (let k = j0; k < j; k++) {
        const f = lu[rj + k]!;
        const rk = k * n;
        for (let c = je; c < n; c++) lu[rj + c]! -= f * lu[rk + c]!;
      }
    }
    // A22 -= L21 U12
    if (je - j0 === 4) {
      const r0 = j0 * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let i = je;
      // two rows at a time: the four pivot rows' elements are loaded once for both
      for (; i + 1 < n; i += 2) {
        const ri = i * n;
        const rk = ri + n;
        const f0 = lu[ri + j0]!;
        const f1 = lu[ri + j0 + 1]!;
        const f2 = lu[ri + j0 + 2]!;
        const f3 = lu[ri + j0 + 3]!;
        const g0 = lu[rk + j0]!;
        const g1 = lu[rk + j0 + 1]!;
        const g2 = lu[rk + j0 + 2]!;
        const g3 = lu[rk + j0 + 3]!;
        for (let c = je; c < n; c++) {
          const u0 = lu[r0 + c]!;
          const u1 = lu[r1 + c]!;
          const u2 = lu[r2 + c]!;
          const u3 = lu[r3 + c]!;
          lu[ri + c]! -= f0 * u0 + f1 * u1 + f2 * u2 + f3 * u3;
          lu[rk + c]! -= g0 * u0 + g1 * u1 + g2 * u2 + g3 * u3;
        }
      }
      if (i < n) {
        const ri = i * n;
        const f0 = lu[ri + j0]!;
        const f1 = lu[ri + j0 + 1]!;
        const f2 = lu[ri + j0 + 2]!;
        const f3 = lu[ri + j0 + 3]!;
        for (let c = je; c < n; c++) lu[ri + c]! -= f0 * lu[r0 + c]! + f1 * lu[r1 + c]! + f2 * lu[r2 + c]! + f3 * lu[r3 + c]!;
      }
    } else {
      for (let i = je; i < n; i++) {
        const ri = i * n;
        for (let k = j0; k < je; k++) {
          const f = lu[ri + k]!;
          const rk = k * n;
          for (let c = je; c < n; c++) lu[ri + c]! -= f * lu[rk + c]!;
        }
      }
    }
  }
}

// ---------------------------------------------------------------- cholesky

/** Φ(X): the lower triangle of X with its diagonal halved (the forward rule's projection). */
function phi(x: T): T {
  const e = eyeLike(x);
  return mul(triangle(x, true), sub(full(x.shape, 1, x.dtype), mul(e, full(x.shape, 0.5, x.dtype))));
}

/** What a Cholesky equation's compiled body is traced from: its operand. */
export interface CholeskyParams {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** The host loop on whole matrices: the Cholesky of a block, or of a matrix too small to block. */
export const choleskyHostP: Prim = {
  name: "cholesky_host",
  abstractEval([a]) {
    squareDim("cholesky", a!);
    return a!;
  },
  impl([a], _p, out) {
    const n = squareDim("cholesky", a!);
    return perMatrix([a!], [n * n], [out], [n * n], count(a!.shape.slice(0, -2)), ([x], [l]) => choleskyHost(x!, l!, n))[0]!;
  },
  jvp: () => fail("cholesky_host is only compiled, never differentiated"),
  vjp: () => fail("cholesky_host is only compiled, never differentiated"),
  batch: () => fail("cholesky_host is only compiled, never batched"),
};

/**
 * Matrices up to CHOLESKY_HOST_MAX are factored by one host loop; larger ones in leading blocks of
 * CHOLESKY_BLOCK (measured on wasm, 2-core EPYC: the blocked form is slower at 256 and 512, where
 * the host loop's cache-friendly pairs of rows win, and 27% faster at 1024: 69 ms against 94).
 */
export const CHOLESKY_HOST_MAX = 512;
export const CHOLESKY_BLOCK = 256;

/**
 * The blocked (right-looking) Cholesky: the leading block by the host loop, the panel below it by
 * a triangular solve (X L11ᵀ = A21), the trailing update A22 − L21 L21ᵀ as a matrix product (the
 * backend's GEMM: the O(n³) part), then the trailing block the same way. As the host loop, a
 * matrix that is not positive definite gives NaNs throughout.
 */
function blockedCholesky(a: T): T {
  const n = a.shape.at(-1)!;
  if (n <= CHOLESKY_HOST_MAX) return apply(choleskyHostP, [a], {});
  const r = a.shape.length;
  const batch = a.shape.slice(0, -2);
  const b = CHOLESKY_BLOCK;
  const block = (r0: number, r1: number, c0: number, c1: number) => slice(a, [...batch.map(() => 0), r0, c0], [...batch, r1, c1]);
  const l11 = apply(choleskyHostP, [block(0, b, 0, b)], {});
  const l21 = triangularSolve(l11, block(b, n, 0, b), { leftSide: false, lower: true, transposeA: true, unitDiagonal: false });
  const l22 = blockedCholesky(sub(block(b, n, b, n), mm(l21, mT(l21))));
  const l = concatenate([concatenate([l11, full([...batch, b, n - b], 0, a.dtype)], r - 1), concatenate([l21, l22], r - 1)], r - 2);
  // a failure in the trailing block leaves L11 and L21 finite: NaN them too
  const s22 = reduceSum(l22, [r - 2, r - 1]);
  const failed = broadcastInDim(ne(s22, s22), a.shape, batch.map((_, i) => i));
  return select(failed, full(a.shape, NaN, a.dtype), l);
}

const choleskyBodies = new Map<string, Graph>();

/**
 * The lower Cholesky factor L (A = L Lᵀ) of each [..., n, n] matrix, from its lower triangle; NaNs
 * where A is not positive definite. Its derivative rules are JAX's; compiled, it is its body
 * (`subgraph`): the host loop up to CHOLESKY_HOST_MAX, blocked onto the GEMM above.
 */
export const choleskyP: Prim<CholeskyParams> = {
  name: "cholesky",
  abstractEval([a]) {
    squareDim("cholesky", a!);
    return a!;
  },
  impl: (ins, p, out) => choleskyHostP.impl(ins, {}, out),
  // L̇ = L Φ(L⁻¹ Ȧ L⁻ᵀ) (Murray 2016, as JAX)
  jvp(_a, [t], _p, l) {
    if (t === null) return null;
    const tmp = triangularSolve(l, t!, { leftSide: false, lower: true, transposeA: true, unitDiagonal: false });
    return mm(l, phi(triangularSolve(l, tmp, { leftSide: true, lower: true, transposeA: false, unitDiagonal: false })));
  },
  // the transpose of the forward rule: Ā = L⁻ᵀ Φ(Lᵀ L̄) L⁻¹
  vjp(ct, _a, _p, l) {
    const x = triangularSolve(l, phi(mm(mT(l), ct)), { leftSide: true, lower: true, transposeA: true, unitDiagonal: false });
    return [triangularSolve(l, x, { leftSide: false, lower: true, transposeA: false, unitDiagonal: false })];
  },
  batch: ([a]) => [cholesky(a!), 0],
  subgraph(p) {
    const key = `${p.dtype}[${p.shape}]`;
    let g = choleskyBodies.get(key);
    if (!g) {
      g = traceFlat(([a]) => [blockedCholesky(a as T)], [{ shape: p.shape, dtype: p.dtype }]).graph;
      if (choleskyBodies.size > 256) choleskyBodies.clear();
      choleskyBodies.set(key, g);
    }
    return { graph: g, output: 0 };
  },
  customRules: true,
};

// ---------------------------------------------------------------- triangular_solve

export interface TriangularSolveParams {
  /** op(A) X = B when true, X op(A) = B when false */
  readonly leftSide: boolean;
  /** A's lower triangle is read (else its upper one) */
  readonly lower: boolean;
  /** op(A) = Aᵀ (else A) */
  readonly transposeA: boolean;
  /** A's diagonal is taken to be ones (and not read) */
  readonly unitDiagonal: boolean;
}

/** The triangle of A that the solve reads, as a mask for A's cotangent and tangent. */
const readTriangle = (x: T, p: TriangularSolveParams): T => triangle(x, p.lower, p.unitDiagonal ? (p.lower ? -1 : 1) : 0);

/** X with op(A) X = B (leftSide) or X op(A) = B: a [..., m, m], b [..., m, k] or [..., k, m] with the same batch dims. */
export const triangularSolveP: Prim<TriangularSolveParams> = {
  name: "triangular_solve",
  abstractEval([a, b], p) {
    const m = squareDim("triangular_solve", a!);
    const nb = a!.shape.length - 2;
    const bm = b!.shape[p.leftSide ? nb : nb + 1];
    if (b!.dtype !== a!.dtype || b!.shape.length !== nb + 2 || bm !== m || a!.shape.slice(0, nb).some((d, i) => d !== b!.shape[i])) {
      fail(`triangular_solve of ${showShape(a!.shape)} and ${b!.dtype}${showShape(b!.shape)}`);
    }
    return b!;
  },
  impl([a, b], p, out) {
    const nb = a!.shape.length - 2;
    const m = a!.shape[nb]!;
    const [r, c] = [b!.shape[nb]!, b!.shape[nb + 1]!];
    return perMatrix([a!, b!], [m * m, r * c], [out], [r * c], count(a!.shape.slice(0, nb)), ([am, bm], [x]) => {
      if (p.leftSide) {
        x!.set(bm!);
        trsmLeft(am!, x!, m, c, p.lower, p.transposeA, p.unitDiagonal);
        return;
      }
      // X op(A) = B is op(A)ᵀ Xᵀ = Bᵀ: solve on the transposed right-hand side
      const bt = new Float64Array(r * c);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) bt[j * r + i] = bm![i * c + j]!;
      trsmLeft(am!, bt, m, r, p.lower, !p.transposeA, p.unitDiagonal);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) x![i * c + j] = bt[j * r + i]!;
    })[0]!;
  },
  jvp([a], [ta, tb], p, x) {
    let dx: T | null = tb && triangularSolve(a!, tb, p);
    if (ta !== null) {
      // d(op(A)⁻¹ B) = -op(A)⁻¹ op(dA) X (left), -X op(dA) op(A)⁻¹ (right)
      const g = neg(readTriangle(ta, p));
      const og = p.transposeA ? mT(g) : g;
      const da = triangularSolve(a!, p.leftSide ? mm(og, x) : mm(x, og), p);
      dx = dx === null ? da : add(dx, da);
    }
    return dx;
  },
  vjp(ct, [a], p, x, wanted) {
    // B̄ = op(A)⁻ᵀ X̄ (left) or X̄ op(A)⁻ᵀ (right); op(A)'s cotangent is -B̄ Xᵀ or -Xᵀ B̄
    const bbar = triangularSolve(a!, ct, { ...p, transposeA: !p.transposeA });
    let abar: T | null = null;
    if (wanted[0]) {
      const g = neg(p.leftSide ? mm(bbar, mT(x)) : mm(mT(x), bbar));
      abar = readTriangle(p.transposeA ? mT(g) : g, p);
    }
    return [abar, wanted[1] ? bbar : null];
  },
  batch([a, b], dims, p) {
    const n = (dims[0] !== null ? a! : b!).shape[0]!;
    const ab = dims[0] === null ? broadcastLeading(a!, n) : a!;
    const bb = dims[1] === null ? broadcastLeading(b!, n) : b!;
    return [triangularSolve(ab, bb, p), 0];
  },
  showParams: (p) => `left_side=${p.leftSide} lower=${p.lower} transpose_a=${p.transposeA} unit_diagonal=${p.unitDiagonal}`,
};

// ---------------------------------------------------------------- lu

/**
 * One n x n matrix's LU run into one packed row-major block of n rows of n + 2: the factors
 * (columns 0..n-1), then pivots[i] and perm[i] as numbers (exact in float32 for n < 2^24).
 */
function luRun(x: Float64Array, out: Float64Array, n: number): void {
  const lu = x.slice();
  const piv = new Float64Array(n);
  const perm = new Float64Array(n);
  luHost(lu, piv, perm, n);
  for (let i = 0; i < n; i++) {
    out.set(lu.subarray(i * n, (i + 1) * n), i * (n + 2));
    out[i * (n + 2) + n] = piv[i]!;
    out[i * (n + 2) + n + 1] = perm[i]!;
  }
}

/** Columns [from, to) of the last axis. */
function columns(x: T, from: number, to: number): T {
  const r = x.shape.length;
  return slice(x, x.shape.map((_, i) => (i === r - 1 ? from : 0)), x.shape.map((d, i) => (i === r - 1 ? to : d)));
}

/**
 * The pivots (`column` 0) or the permutation (1) of lu's packed output, as int32 [..., n]: a host
 * step of its own (a float-to-int convert kernel would have no bound on its values, which gpu.js
 * needs for exact int32 work; read from the host, they are bounded by their data).
 */
export const luIndicesP: Prim<{ readonly column: 0 | 1 }> = {
  name: "lu_indices",
  jet: "linear",
  abstractEval([x]) {
    matrixBatch("lu_indices", x!);
    return { shape: x!.shape.slice(0, -1), dtype: "int32" };
  },
  impl([x], { column }, out) {
    const w = x!.shape[x!.shape.length - 1]!;
    const o = allocate("int32", x!.size / w);
    for (let i = 0; i < o.length; i++) o[i] = x!.data[i * w + w - 2 + column]!;
    return new HostArray(o, out.shape, "int32");
  },
  jvp: () => null,
  vjp: () => [null],
  batch: ([x], _d, p) => [apply(luIndicesP, [x!], p), 0],
  showParams: (p) => `column=${p.column === 0 ? "pivots" : "permutation"}`,
};

/** The parts of lu's packed output [..., n, n + 2]: the factors [..., n, n], the pivots and the permutation [..., n] (int32). */
export function luParts(packed: T): [T, T, T] {
  const n = packed.shape[packed.shape.length - 2]!;
  return [columns(packed, 0, n), apply(luIndicesP, [packed], { column: 0 }), apply(luIndicesP, [packed], { column: 1 })];
}

/** L and U of the packed factors (L with its unit diagonal). */
function luFactors(lu: T): [T, T] {
  return [add(triangle(lu, true, -1), eyeLike(lu)), triangle(lu, false)];
}

/**
 * The LU of a tall n x b panel with partial pivoting over its n rows, packed as lu's output is:
 * n rows of b + 2 (the factors: unit-lower L11 and U11 in the first b rows, L21 below; then the
 * pivot of row i for i < b, 0 below; then the permutation of the n rows).
 */
function luPanelRun(x: Float64Array, out: Float64Array, n: number, b: number): void {
  const a = x.slice();
  const perm = new Float64Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const w = b + 2;
  for (let j = 0; j < b; j++) {
    let p = j;
    let best = Math.abs(a[j * b + j]!);
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(a[i * b + j]!);
      if (v > best) (best = v), (p = i);
    }
    out[j * w + b] = p;
    if (p !== j) {
      for (let c = 0; c < b; c++) {
        const t = a[j * b + c]!;
        a[j * b + c] = a[p * b + c]!;
        a[p * b + c] = t;
      }
      const t = perm[j]!;
      perm[j] = perm[p]!;
      perm[p] = t;
    }
    const d = a[j * b + j]!;
    if (d === 0) continue;
    for (let i = j + 1; i < n; i++) {
      const f = a[i * b + j]! / d;
      a[i * b + j] = f;
      for (let c = j + 1; c < b; c++) a[i * b + c]! -= f * a[j * b + c]!;
    }
  }
  for (let i = 0; i < n; i++) {
    out.set(a.subarray(i * b, (i + 1) * b), i * w);
    out[i * w + b + 1] = perm[i]!;
  }
}

export const luPanelP: Prim = {
  name: "lu_panel",
  abstractEval([a]) {
    const [n, b] = a!.shape.slice(-2) as [number, number];
    return { shape: [...a!.shape.slice(0, -2), n, b + 2], dtype: a!.dtype };
  },
  impl([a], _p, out) {
    const [n, b] = a!.shape.slice(-2) as [number, number];
    return perMatrix([a!], [n * b], [out], [n * (b + 2)], count(a!.shape.slice(0, -2)), ([x], [o]) => luPanelRun(x!, o!, n, b))[0]!;
  },
  jvp: () => fail("lu_panel is only compiled, never differentiated"),
  vjp: () => fail("lu_panel is only compiled, never differentiated"),
  batch: () => fail("lu_panel is only compiled, never batched"),
};

/**
 * Matrices up to LU_HOST_MAX are factored by one host loop; larger ones a panel of LU_BLOCK columns
 * at a time (measured on wasm, 2-core EPYC, float32: 1024 x 1024 in 130 ms against 165 unblocked,
 * 1536 in 356 against 518; at 512 the two are even; panels of 256 were slower at 768).
 */
export const LU_HOST_MAX = 512;
export const LU_BLOCK = 128;

/**
 * The blocked (right-looking) LU, packed as lu's output: the first LU_BLOCK columns factored as a
 * panel on the host (pivoting over every row), the rest of those rows permuted alike, U12 by a
 * unit-lower triangular solve, the trailing update A22 − L21 U12 as a matrix product (the
 * backend's GEMM: the O(n³) part), and the trailing block the same way; its row swaps reorder
 * L21, and the pivots and the permutation compose.
 */
function blockedLu(a: T): T {
  const n = a.shape.at(-1)!;
  if (n <= LU_HOST_MAX) return apply(luHostP, [a], {});
  const b = LU_BLOCK;
  const r = a.shape.length;
  const batch = a.shape.slice(0, -2);
  const part = (x: T, r0: number, r1: number, c0: number, c1: number) => slice(x, [...batch.map(() => 0), r0, c0], [...batch, r1, c1]);
  const panel = apply(luPanelP, [part(a, 0, n, 0, b)], {});
  const panelPerm = apply(luIndicesP, [panel], { column: 1 });
  const rest = permuteRows(part(a, 0, n, b, n), panelPerm);
  const l11 = part(panel, 0, b, 0, b);
  const u12 = triangularSolve(l11, part(rest, 0, b, 0, n - b), { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
  const l21 = part(panel, b, n, 0, b);
  const trailing = blockedLu(sub(part(rest, b, n, 0, n - b), mm(l21, u12)));
  const perm22 = apply(luIndicesP, [trailing], { column: 1 });
  const factors = concatenate(
    [concatenate([l11, u12], r - 1), concatenate([permuteRows(l21, perm22), part(trailing, 0, n - b, 0, n - b)], r - 1)],
    r - 2,
  );
  const pivots = concatenate([part(panel, 0, b, b, b + 1), add(part(trailing, 0, n - b, n - b, n - b + 1), full([...batch, n - b, 1], b, a.dtype))], r - 2);
  const permutation = concatenate([part(panel, 0, b, b + 1, b + 2), permuteRows(part(panel, b, n, b + 1, b + 2), perm22)], r - 2);
  return concatenate([factors, pivots, permutation], r - 1);
}

const luBodies = new Map<string, Graph>();

/** What an LU equation's compiled body is traced from: its operand. */
export interface LuParams {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** The host loop on whole square matrices: the LU of a matrix too small to block (or of the last block). */
export const luHostP: Prim = {
  name: "lu_host",
  abstractEval([a]) {
    const n = squareDim("lu", a!);
    return { shape: [...a!.shape.slice(0, -2), n, n + 2], dtype: a!.dtype };
  },
  impl([a], _p, out) {
    const n = squareDim("lu", a!);
    return perMatrix([a!], [n * n], [out], [n * (n + 2)], count(a!.shape.slice(0, -2)), ([x], [o]) => luRun(x!, o!, n))[0]!;
  },
  jvp: () => fail("lu_host is only compiled, never differentiated"),
  vjp: () => fail("lu_host is only compiled, never differentiated"),
  batch: () => fail("lu_host is only compiled, never batched"),
};

/**
 * LU decomposition with partial pivoting of square [..., n, n] matrices (jax.lax.linalg.lu),
 * A[perm] = L U. One output, so that one run computes it once: [..., n, n + 2], the packed
 * factors and then the pivots and the permutation as two columns of numbers (luParts splits it).
 */
export const luP: Prim<LuParams> = {
  name: "lu",
  abstractEval([a]) {
    const n = squareDim("lu", a!);
    return { shape: [...a!.shape.slice(0, -2), n, n + 2], dtype: a!.dtype };
  },
  impl: (ins, _p, out) => luHostP.impl(ins, {}, out),
  // JAX's rule: X = L⁻¹ P Ȧ U⁻¹, then L̇ U + L U̇ = L tril(X, -1) + triu(X) U (the pivot columns have no tangent)
  jvp(_a, [t], _p, packed) {
    if (t === null) return null;
    const [lu, , perm] = luParts(packed);
    const [l, u] = luFactors(lu);
    const la = triangularSolve(l, permuteRows(t, perm), { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
    const x = triangularSolve(u, la, { leftSide: false, lower: false, transposeA: false, unitDiagonal: false });
    const dlu = add(mm(l, triangle(x, true, -1)), mm(triangle(x, false), u));
    const r = dlu.shape.length;
    return pad(dlu, dlu.shape.map(() => 0), dlu.shape.map((_, i) => (i === r - 1 ? 2 : 0)), dlu.shape.map(() => 0));
  },
  // the transpose of the forward rule, step by step in reverse (the pivot columns' cotangent is dropped)
  vjp(ct, _a, _p, packed) {
    const [lu, , perm] = luParts(packed);
    const c = columns(ct, 0, lu.shape[lu.shape.length - 1]!);
    const [l, u] = luFactors(lu);
    const xbar = add(triangle(mm(mT(l), c), true, -1), triangle(mm(c, mT(u)), false));
    const labar = triangularSolve(u, xbar, { leftSide: false, lower: false, transposeA: true, unitDiagonal: false });
    const pbar = triangularSolve(l, labar, { leftSide: true, lower: true, transposeA: true, unitDiagonal: true });
    return [unpermuteRows(pbar, perm)];
  },
  batch: ([a]) => [lu(a!), 0],
  // compiled: the host loop up to LU_HOST_MAX, blocked onto the GEMM above
  subgraph(p) {
    const key = `${p.dtype}[${p.shape}]`;
    let g = luBodies.get(key);
    if (!g) {
      g = traceFlat(([a]) => [blockedLu(a as T)], [{ shape: p.shape, dtype: p.dtype }]).graph;
      if (luBodies.size > 256) luBodies.clear();
      luBodies.set(key, g);
    }
    return { graph: g, output: 0 };
  },
  customRules: true,
};

// ---------------------------------------------------------------- internal ops

export const cholesky = (a: T): T => apply(choleskyP, [a], { shape: a.shape, dtype: a.dtype });
export const triangularSolve = (a: T, b: T, p: TriangularSolveParams): T => apply(triangularSolveP, [a, b], p);
/** lu's packed output [..., n, n + 2] (luParts splits it). */
export const lu = (a: T): T => apply(luP, [a], { shape: a.shape, dtype: a.dtype });
