/**
 * The singular value decomposition A = U·diag(s)·Vᴴ by one-sided Jacobi (Hestenes) rotations, in
 * float64 on the host (at most 64 sweeps): the columns of A (of Aᵀ when m < n) are rotated until
 * orthogonal, their norms are the singular values (descending), and U's columns are the
 * normalised columns. Columns for zero singular values, and the extra ones of full matrices, are
 * completed to an orthonormal basis (from a Householder QR of the others). Each pair (u_i, v_i) is signed so that u_i's entry of
 * largest magnitude is positive. One equation per output (s, U, Vᴴ) sharing one host run.
 *
 * Derivatives as JAX's _svd_jvp_rule (reduced matrices; full ones only when square), with
 * F_ij = 1/(s_j² − s_i²) (0 on the diagonal) and dS = Uᵀ dA V: ds = diag(dS),
 * dU = U (F ∘ (dS·S + S·dSᵀ)) [+ (I − UUᵀ) dA V S⁻¹ when m > n],
 * dV = V (F ∘ (S·dS + dSᵀ·S)) [+ (I − VVᵀ) dAᵀ U S⁻¹ when n > m]. The vjp is that map transposed.
 */
import { showShape, type AbstractValue } from "../ir/aval.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastInDim } from "./broadcast.js";
import { add, div, integerPow, mul, sub } from "./elementwise.js";
import { diagEmbed, diagPart, eyeT, nonFinite, mm, mT, perMatrixOf, scaleCols, type Mat } from "./matrix.js";
import { sharedRun } from "./shared-run.js";
import { qrHost } from "./qr.js";
import { apply, fail, requireFloat, type Prim } from "./util.js";

type T = AnyTensor;

export interface SvdParams {
  /** U [..., m, m] and Vᴴ [..., n, n] (else [..., m, k] and [..., k, n], k = min(m, n)) */
  readonly fullMatrices: boolean;
  /** 0: s [..., k], 1: U, 2: Vᴴ */
  readonly index: number;
}

const MAX_SWEEPS = 64;

export function svdAvals(x: AbstractValue, full: boolean): AbstractValue[] {
  const [m, n] = x.shape.slice(-2) as [number, number];
  const k = Math.min(m, n);
  const b = x.shape.slice(0, -2);
  const dtype = x.dtype;
  return [
    { shape: [...b, k], dtype },
    { shape: [...b, m, full ? m : k], dtype },
    { shape: [...b, full ? n : k, n], dtype },
  ];
}

/**
 * Fills the columns `todo` of the rows × cols row-major `q` (its other columns orthonormal) with
 * an orthonormal basis of the complement of the others: the trailing columns of the complete Q of
 * their Householder QR (O(rows² · done), not a Gram–Schmidt search).
 */
function complete(q: Float64Array, rows: number, cols: number, todo: readonly number[]): void {
  if (todo.length === 0) return;
  const done = Array.from({ length: cols }, (_, j) => j).filter((j) => !todo.includes(j));
  const d = new Float64Array(rows * done.length);
  done.forEach((c, j) => {
    for (let i = 0; i < rows; i++) d[i * done.length + j] = q[i * cols + c]!;
  });
  const [full] = qrHost({ rows, cols: done.length, data: d }, true);
  todo.forEach((c, t) => {
    for (let i = 0; i < rows; i++) q[i * cols + c] = full[i * rows + done.length + t]!;
  });
}

/** [s, U (m × uc), Vᵀ (vr × n)] of one matrix; uc = m and vr = n for full matrices, else k. */
function svdHost(a: Mat, full: boolean): [Float64Array, Float64Array, Float64Array] {
  const { rows: m, cols: n } = a;
  const k = Math.min(m, n);
  const uc = full ? m : k;
  const vr = full ? n : k;
  if (nonFinite(a)) return [new Float64Array(k).fill(NaN), new Float64Array(m * uc).fill(NaN), new Float64Array(vr * n).fill(NaN)];
  // rotate the columns of w (p × q, p >= q: A, or Aᵀ when m < n); z accumulates the rotations
  const tall = m >= n;
  const p = tall ? m : n;
  const q = tall ? n : m;
  const w = new Float64Array(p * q);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[tall ? i * q + j : j * q + i] = a.data[i * n + j]!;
  const z = new Float64Array(q * q);
  for (let i = 0; i < q; i++) z[i * q + i] = 1;
  const tol = Number.EPSILON * p;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let i = 0; i < q - 1; i++) {
      for (let j = i + 1; j < q; j++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < p; r++) {
          const x = w[r * q + i]!;
          const y = w[r * q + j]!;
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.abs(zeta) > 1e150 ? 1 / (2 * zeta) : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.hypot(zeta, 1));
        const c = 1 / Math.hypot(t, 1);
        const s = c * t;
        for (const [mat, rows] of [[w, p], [z, q]] as const) {
          for (let r = 0; r < rows; r++) {
            const x = mat[r * q + i]!;
            const y = mat[r * q + j]!;
            mat[r * q + i] = c * x - s * y;
            mat[r * q + j] = s * x + c * y;
          }
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: q }, (_, j) => {
    let s = 0;
    for (let r = 0; r < p; r++) s += w[r * q + j]! ** 2;
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((i, j) => norms[j]! - norms[i]! || i - j);
  const sv = Float64Array.from(order, (j) => norms[j]!);
  // the left vectors of w (p × p or p × q) and its right ones z (q × q), in descending order
  const lc = full ? p : q;
  const left = new Float64Array(p * lc);
  const right = new Float64Array(q * q);
  const todo: number[] = [];
  order.forEach((src, j) => {
    const nrm = norms[src]!;
    for (let r = 0; r < p; r++) left[r * lc + j] = nrm > 0 ? w[r * q + src]! / nrm : 0;
    for (let r = 0; r < q; r++) right[r * q + j] = z[r * q + src]!;
    if (!(nrm > 0)) todo.push(j);
  });
  for (let j = q; j < lc; j++) todo.push(j);
  complete(left, p, lc, todo);
  // the sign convention on U's columns (the first k), the partner column of V flipped alike
  const [uMat, uCols] = tall ? [left, lc] : [right, q];
  for (let j = 0; j < k; j++) {
    let big = 0;
    for (let r = 1; r < m; r++) if (Math.abs(uMat[r * uCols + j]!) > Math.abs(uMat[big * uCols + j]!)) big = r;
    if (uMat[big * uCols + j]! < 0) {
      for (let r = 0; r < p; r++) left[r * lc + j] = -left[r * lc + j]!;
      for (let r = 0; r < q; r++) right[r * q + j] = -right[r * q + j]!;
    }
  }
  // U = left, V = right (tall) or U = right, V = left (wide); return U (m × uc) and Vᵀ (vr × n)
  const u = new Float64Array(m * uc);
  const vt = new Float64Array(vr * n);
  const [uSrc, uSrcCols, vSrc, vSrcCols] = tall ? [left, lc, right, q] : [right, q, left, lc];
  for (let r = 0; r < m; r++) for (let c = 0; c < uc; c++) u[r * uc + c] = uSrc[r * uSrcCols + c]!;
  for (let r = 0; r < vr; r++) for (let c = 0; c < n; c++) vt[r * n + c] = vSrc[c * vSrcCols + r]!;
  return [sv, u, vt];
}

/** F_ij = 1/(s_j² − s_i²) off the diagonal, 0 on it (as JAX: 1/(s_diffs + I) − I). */
function fMatrix(s: T): T {
  const r = s.shape.length;
  const k = s.shape[r - 1]!;
  const shape = [...s.shape, k];
  const lead = Array.from({ length: r - 1 }, (_, i) => i);
  const sj = broadcastInDim(s, shape, [...lead, r]);
  const si = broadcastInDim(s, shape, [...lead, r - 1]);
  const eye = eyeT(s.shape.slice(0, -1), k, s.dtype);
  return sub(integerPow(add(eye, mul(add(sj, si), sub(sj, si))), -1), eye);
}

function checkDiff(x: T, full: boolean, index: number): void {
  const [m, n] = x.shape.slice(-2) as [number, number];
  if (full && index > 0 && m !== n) {
    throw new Error(`svd: the derivative of u and vh is not implemented with fullMatrices for shape ${showShape(x.shape)} (not square), as in JAX; pass fullMatrices false`);
  }
}

/** s, U, V of the reduced decomposition (what the rules use). */
const parts = (x: T): [T, T, T] => [svd(x, false, 0), svd(x, false, 1), mT(svd(x, false, 2))];

export const svdP: Prim<SvdParams> = {
  name: "svd",
  abstractEval([x], { fullMatrices, index }) {
    requireFloat("svd", x!);
    if (x!.shape.length < 2) fail(`svd of ${showShape(x!.shape)}`);
    return svdAvals(x!, fullMatrices)[index]!;
  },
  impl(inputs, p) {
    return sharedRun(inputs, `svd|${p.fullMatrices}`, p.index, () => perMatrixOf(inputs, svdAvals(inputs[0]!, p.fullMatrices), ([a]) => svdHost(a!, p.fullMatrices)));
  },
  jvp([x], [dx], { fullMatrices, index }) {
    if (dx === null) return null;
    checkDiff(x!, fullMatrices, index);
    const [s, u, v] = parts(x!);
    const ds = mm(mm(mT(u), dx), v);
    if (index === 0) return diagPart(ds);
    const [m, n] = x!.shape.slice(-2) as [number, number];
    const f = fMatrix(s);
    if (index === 1) {
      const dss = scaleCols(ds, s);
      let du = mm(u, mul(f, add(dss, mT(dss))));
      if (m > n) {
        const dav = mm(dx, v);
        du = add(du, divCols(sub(dav, mm(u, mm(mT(u), dav))), s));
      }
      return du;
    }
    const sds = mT(scaleCols(mT(ds), s)); // S·dS
    let dv = mm(v, mul(f, add(sds, mT(sds))));
    if (n > m) {
      const dau = mm(mT(dx), u);
      dv = add(dv, divCols(sub(dau, mm(v, mm(mT(v), dau))), s));
    }
    return mT(dv);
  },
  vjp(ct, [x], { fullMatrices, index }, _out, wanted) {
    if (!wanted[0]) return [null];
    checkDiff(x!, fullMatrices, index);
    const [s, u, v] = parts(x!);
    const [m, n] = x!.shape.slice(-2) as [number, number];
    // the cotangent of dS, then Ā = U dS̄ Vᵀ plus the projections' terms
    let gds: T;
    let extra: T | null = null;
    if (index === 0) gds = diagEmbed(ct);
    else if (index === 1) {
      const j = mul(fMatrix(s), mm(mT(u), ct));
      gds = scaleCols(add(j, mT(j)), s); // (J + Jᵀ) S
      if (m > n) extra = mm(divCols(sub(ct, mm(u, mm(mT(u), ct))), s), mT(v));
    } else {
      const gv = mT(ct);
      const kk = mul(fMatrix(s), mm(mT(v), gv));
      gds = mT(scaleCols(mT(add(kk, mT(kk))), s)); // S (K + Kᵀ)
      if (n > m) extra = mm(u, mT(divCols(sub(gv, mm(v, mm(mT(v), gv))), s)));
    }
    const ga = mm(mm(u, gds), mT(v));
    return [extra === null ? ga : add(ga, extra)];
  },
  batch: ([x], _d, p) => [apply(svdP, [x!], p), 0],
  showParams: (p) => `full_matrices=${p.fullMatrices} out=${["s", "u", "vh"][p.index]}`,
};

/** x with column j divided by s[..., j] (no guard for s = 0: JAX's rule has none either). */
function divCols(x: T, s: T): T {
  const r = x.shape.length;
  return div(x, broadcastInDim(s, x.shape, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1]));
}

/** s (index 0), U (1) or Vᴴ (2) of the SVD of x. */
export const svd = (x: T, fullMatrices: boolean, index: 0 | 1 | 2): T => apply(svdP, [x], { fullMatrices, index });
