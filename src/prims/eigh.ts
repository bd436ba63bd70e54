/**
 * The symmetric eigendecomposition A = V·diag(w)·Vᵀ by cyclic Jacobi rotations (in float64 on the
 * host; accurate to a few ulps of ‖A‖, at most 64 sweeps), reading one triangle of A as LAPACK's
 * syevd does. One equation per output (w, V) sharing one host run. Eigenvalues ascending (equal
 * ones keep Jacobi's order); each eigenvector is signed so that its entry of largest magnitude
 * (the first such) is positive.
 *
 * Derivatives as JAX's eigh_jvp_rule (distinct eigenvalues; the tangent is used as given, so the
 * public eigh symmetrises it first): with F_ij = 1/(w_j − w_i) off the diagonal and 0 on it and
 * C = Vᵀ dA V, dw = diag(C) and dV = V (F ∘ C). The vjp is that map transposed:
 * Ā = V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ.
 */
import { showShape, type AbstractValue } from "../ir/aval.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastInDim } from "./broadcast.js";
import { add, integerPow, mul, sub } from "./elementwise.js";
import { diagEmbed, diagPart, eyeT, nonFinite, mm, mT, perMatrixOf, type Mat } from "./matrix.js";
import { sharedRun } from "./shared-run.js";
import { apply, fail, requireFloat, type Prim } from "./util.js";

type T = AnyTensor;

export interface EighParams {
  /** read the lower triangle (else the upper) */
  readonly lower: boolean;
  /** 0: the eigenvalues w [..., n], 1: the eigenvectors V [..., n, n] (columns) */
  readonly index: number;
}

const MAX_SWEEPS = 64;

/** Makes the entry of largest magnitude of column j of the n × n row-major `v` positive. */
function signColumn(v: Float64Array, rows: number, cols: number, j: number): void {
  let best = 0;
  for (let i = 1; i < rows; i++) if (Math.abs(v[i * cols + j]!) > Math.abs(v[best * cols + j]!)) best = i;
  if (v[best * cols + j]! < 0) for (let i = 0; i < rows; i++) v[i * cols + j] = -v[i * cols + j]!;
}

/** [w, V] of one symmetric matrix (the chosen triangle of `m`). */
export function eighHost(m: Mat, lower: boolean): [Float64Array, Float64Array] {
  const n = m.rows;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const [r, c] = (i >= j) === lower ? [i, j] : [j, i];
      a[i * n + j] = m.data[r * n + c]!;
    }
  }
  // only the triangle read counts
  if (nonFinite({ rows: n, cols: n, data: a })) return [new Float64Array(n).fill(NaN), new Float64Array(n * n).fill(NaN)];
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        // negligible against both diagonal entries (relative accuracy, as Demmel–Veselić)
        if (apq === 0 || Math.abs(apq) <= 1e-17 * Math.sqrt(Math.abs(app * aqq))) continue;
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.abs(theta) > 1e150 ? 1 / (2 * theta) : (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.hypot(theta, 1));
        const c = 1 / Math.hypot(t, 1);
        const s = t * c;
        // A ← Jᵀ A J, V ← V J with J the rotation in the (p, q) plane
        for (let k = 0; k < n; k++) {
          const kp = a[k * n + p]!;
          const kq = a[k * n + q]!;
          a[k * n + p] = c * kp - s * kq;
          a[k * n + q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = a[p * n + k]!;
          const qk = a[q * n + k]!;
          a[p * n + k] = c * pk - s * qk;
          a[q * n + k] = s * pk + c * qk;
        }
        a[p * n + q] = a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const kp = v[k * n + p]!;
          const kq = v[k * n + q]!;
          v[k * n + p] = c * kp - s * kq;
          v[k * n + q] = s * kp + c * kq;
        }
      }
    }
    if (!rotated) break;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]! || i - j);
  const w = Float64Array.from(order, (i) => a[i * n + i]!);
  const vs = new Float64Array(n * n);
  order.forEach((src, j) => {
    for (let i = 0; i < n; i++) vs[i * n + j] = v[i * n + src]!;
    signColumn(vs, n, n, j);
  });
  return [w, vs];
}

function eighAvals(x: AbstractValue): [AbstractValue, AbstractValue] {
  return [{ shape: x.shape.slice(0, -1), dtype: x.dtype }, x];
}

/** F_ij = 1/(w_j − w_i) off the diagonal, 0 on it, as JAX builds it: (I + w_j − w_i)⁻¹ − I. */
function fMatrix(w: T): T {
  const r = w.shape.length;
  const n = w.shape[r - 1]!;
  const shape = [...w.shape, n];
  const lead = Array.from({ length: r - 1 }, (_, i) => i);
  const wj = broadcastInDim(w, shape, [...lead, r]);
  const wi = broadcastInDim(w, shape, [...lead, r - 1]);
  const eye = eyeT(w.shape.slice(0, -1), n, w.dtype);
  return sub(integerPow(add(eye, sub(wj, wi)), -1), eye);
}

export const eighP: Prim<EighParams> = {
  name: "eigh",
  abstractEval([x], { index }) {
    requireFloat("eigh", x!);
    if (x!.shape.length < 2 || x!.shape.at(-1) !== x!.shape.at(-2)) fail(`eigh of ${showShape(x!.shape)}`);
    return eighAvals(x!)[index]!;
  },
  impl(inputs, p) {
    return sharedRun(inputs, `eigh|${p.lower}`, p.index, () => perMatrixOf(inputs, eighAvals(inputs[0]!), ([m]) => eighHost(m!, p.lower)));
  },
  jvp([x], [dx], { lower, index }) {
    if (dx === null) return null;
    const w = eigh(x!, lower, 0);
    const v = eigh(x!, lower, 1);
    const c = mm(mm(mT(v), dx), v);
    return index === 0 ? diagPart(c) : mm(v, mul(fMatrix(w), c));
  },
  vjp(ct, [x], { lower, index }, _out, wanted) {
    if (!wanted[0]) return [null];
    const v = eigh(x!, lower, 1);
    const inner = index === 0 ? diagEmbed(ct) : mul(fMatrix(eigh(x!, lower, 0)), mm(mT(v), ct));
    return [mm(mm(v, inner), mT(v))];
  },
  batch: ([x], _d, p) => [apply(eighP, [x!], p), 0],
  showParams: (p) => `lower=${p.lower} out=${p.index === 0 ? "w" : "v"}`,
};

/** The eigenvalues (index 0) or eigenvectors (index 1) of the symmetric matrices x (one triangle read). */
export const eigh = (x: T, lower: boolean, index: 0 | 1): T => apply(eighP, [x], { lower, index });
