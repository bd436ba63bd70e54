/**
 * QR by Householder reflections (as LAPACK's geqrf/orgqr, so R's diagonal has LAPACK's signs),
 * one equation per output (Q, R) sharing one host run (a host step); its derivative rules solve
 * X · op(R) = B with the triangular solve of decomp.ts.
 *
 * Derivatives follow JAX's qr_jvp_rule (m >= n; complete mode only when square): with
 * Y = dA R⁻¹, C = Qᵀ Y, Ω = tril(C, -1) − tril(C, -1)ᵀ: dQ = Q (Ω − C) + Y, dR = (C − Ω) R. The
 * vjp is that map transposed: with M = Qᵀ Q̄ − R̄ Rᵀ, Ā = (Q̄ + Q (tril(M − Mᵀ, -1) − M)) R⁻ᵀ.
 */
import { showShape, type AbstractValue } from "../ir/aval.js";
import { sharedRun } from "../prims/shared-run.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { zerosLike } from "./broadcast.js";
import { add, sub } from "./elementwise.js";
import { triangularSolve } from "./decomp.js";
import { nonFinite, mm, mT, perMatrixOf, trilT, type Mat } from "./matrix.js";
import { apply, fail, requireFloat, type Prim } from "./util.js";

type T = AnyTensor;

/** X with X · R = B (or X · Rᵀ = B), R [..., n, n] upper triangular: the solve the QR rules need. */
const triSolve = (r: T, b: T, transposeR = false): T =>
  triangularSolve(r, b, { leftSide: false, lower: false, transposeA: transposeR, unitDiagonal: false });

// ---------------------------------------------------------------- QR

export interface QrParams {
  /** Q is [m, m] and R [m, n] (complete) or Q [m, k] and R [k, n], k = min(m, n) (reduced) */
  readonly complete: boolean;
  /** 0: Q, 1: R */
  readonly index: number;
}

export function qrAvals(x: AbstractValue, complete: boolean): [AbstractValue, AbstractValue] {
  const [m, n] = x.shape.slice(-2) as [number, number];
  const k = complete ? m : Math.min(m, n);
  const batch = x.shape.slice(0, -2);
  return [
    { shape: [...batch, m, k], dtype: x.dtype },
    { shape: [...batch, k, n], dtype: x.dtype },
  ];
}

/** Householder QR of one matrix: [Q (m × cols), R (cols × n)] with cols = m (complete) or min(m, n). */
export function qrHost(a: Mat, complete: boolean): [Float64Array, Float64Array] {
  const { rows: m, cols: n } = a;
  const k = Math.min(m, n);
  const qc = complete ? m : k;
  const w = Float64Array.from(a.data);
  if (nonFinite(a)) return [new Float64Array(m * qc).fill(NaN), new Float64Array(qc * n).fill(NaN)];
  const vs: (Float64Array | null)[] = [];
  for (let j = 0; j < k; j++) {
    let below = 0;
    for (let i = j + 1; i < m; i++) below += w[i * n + j]! ** 2;
    // nothing below the pivot: H = I (LAPACK's tau = 0), R keeps the pivot's sign
    if (below === 0) {
      vs.push(null);
      continue;
    }
    const x0 = w[j * n + j]!;
    const alpha = -(x0 >= 0 ? 1 : -1) * Math.sqrt(x0 * x0 + below);
    const v = new Float64Array(m - j);
    v[0] = x0 - alpha;
    for (let i = j + 1; i < m; i++) v[i - j] = w[i * n + j]!;
    const vv = v[0]! * v[0]! + below;
    // w[j:, j:] -= 2 v (vᵀ w) / vᵀv
    for (let c = j; c < n; c++) {
      let d = 0;
      for (let i = j; i < m; i++) d += v[i - j]! * w[i * n + c]!;
      const f = (2 * d) / vv;
      for (let i = j; i < m; i++) w[i * n + c]! -= f * v[i - j]!;
    }
    for (let i = j + 1; i < m; i++) w[i * n + j] = 0;
    w[j * n + j] = alpha;
    for (let i = 0; i < m - j; i++) v[i]! /= Math.sqrt(vv / 2); // now H = I − v vᵀ
    vs.push(v);
  }
  // Q = H_0 ⋯ H_{k−1} applied to the first qc columns of the identity, last reflection first
  const q = new Float64Array(m * qc);
  for (let i = 0; i < Math.min(m, qc); i++) q[i * qc + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j];
    if (!v) continue;
    for (let c = 0; c < qc; c++) {
      let d = 0;
      for (let i = j; i < m; i++) d += v[i - j]! * q[i * qc + c]!;
      for (let i = j; i < m; i++) q[i * qc + c]! -= d * v[i - j]!;
    }
  }
  const r = new Float64Array(qc * n);
  for (let i = 0; i < Math.min(qc, m); i++) for (let c = i; c < n; c++) r[i * n + c] = w[i * n + c]!;
  return [q, r];
}

/** The derivative's preconditions, as JAX's qr_jvp_rule. */
function checkDiff(x: T, complete: boolean): void {
  const [m, n] = x.shape.slice(-2) as [number, number];
  if (m < n || (complete && m !== n)) {
    throw new Error(`qr: the derivative is not implemented for shape ${showShape(x.shape)}${m < n ? " (m < n)" : ' in mode "complete" (m > n)'}, as in JAX`);
  }
}

/** Q and R of the reduced decomposition (what the derivative rules use; complete equals it when square). */
const qrBoth = (x: T): [T, T] => [qr(x, false, 0), qr(x, false, 1)];

export const qrP: Prim<QrParams> = {
  name: "qr",
  abstractEval([x], { complete, index }) {
    requireFloat("qr", x!);
    if (x!.shape.length < 2) fail(`qr of ${showShape(x!.shape)}`);
    return qrAvals(x!, complete)[index]!;
  },
  impl(inputs, p) {
    const avals = qrAvals(inputs[0]!, p.complete);
    return sharedRun(inputs, `qr|${p.complete}`, p.index, () => perMatrixOf(inputs, avals, ([a]) => qrHost(a!, p.complete)));
  },
  jvp([x], [dx], { complete, index }) {
    if (dx === null) return null;
    checkDiff(x!, complete);
    const [q, r] = qrBoth(x!);
    const y = triSolve(r, dx);
    const c = mm(mT(q), y);
    const low = trilT(c, -1);
    const omega = sub(low, mT(low));
    return index === 0 ? add(mm(q, sub(omega, c)), y) : mm(sub(c, omega), r);
  },
  vjp(ct, [x], { complete, index }, _out, wanted) {
    if (!wanted[0]) return [null];
    checkDiff(x!, complete);
    const [q, r] = qrBoth(x!);
    const qbar = index === 0 ? ct : zerosLike(q);
    const rbar = index === 1 ? ct : zerosLike(r);
    const mmat = sub(mm(mT(q), qbar), mm(rbar, mT(r)));
    const g = sub(trilT(sub(mmat, mT(mmat)), -1), mmat);
    return [triSolve(r, add(qbar, mm(q, g)), true)];
  },
  batch: ([x], _d, p) => [apply(qrP, [x!], p), 0],
  showParams: (p) => `complete=${p.complete} out=${p.index === 0 ? "q" : "r"}`,
};

/** Q (index 0) or R (index 1) of x's QR decomposition. */
export const qr = (x: T, complete: boolean, index: 0 | 1): T => apply(qrP, [x], { complete, index });
