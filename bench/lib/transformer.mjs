// Task 12: one pre-norm transformer block, forward and hand-derived backward, as plain loops
// parameterised by the storage type F (Float32Array for the plain peer, Float64Array for the
// reference). Sizes are arguments so the reference can be checked against finite differences on
// a small instance. Per sequence x [T, D]:
//   a  = layerNorm(x) · s1 + c1                       (epsilon 1e-6, flax's; centred variance;
//                                                      s1, c1, s2, c2 are ln1s, ln1b, ln2s, ln2b)
//   q, k, v = a Wq + bq, a Wk + bk, a Wv + bv          (W [D, D]; column h·Dh + d is head h's d)
//   P_h = softmax(q_h k_hᵀ / sqrt(Dh)), causal (key j > query i dropped)
//   x1 = x + (P_h v_h for every head, concatenated) Wo + bo
//   out = x1 + gelu((layerNorm(x1) · s2 + c2) W1 + b1) W2 + b2   (gelu: the tanh approximation)
//   loss = mean(out²) over all B · T · D entries.
// Outputs: the loss, the gradients of the 16 parameters and of x.

export const BLOCK_PARAMS = Object.freeze(["ln1s", "ln1b", "Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo", "ln2s", "ln2b", "W1", "b1", "W2", "b2"]);

const EPS = 1e-6;
const GC = Math.sqrt(2 / Math.PI);

export function makeTransformer(F) {
  /** C[M, N] = A[M, K] · B[K, N] (+ bias[N]). */
  function mm(A, B, M, K, N, bias) {
    const C = new F(M * N);
    const acc = new Float64Array(N);
    for (let i = 0; i < M; i++) {
      if (bias) for (let j = 0; j < N; j++) acc[j] = bias[j];
      else acc.fill(0);
      for (let k = 0; k < K; k++) {
        const a = A[i * K + k];
        const bo = k * N;
        for (let j = 0; j < N; j++) acc[j] += a * B[bo + j];
      }
      for (let j = 0; j < N; j++) C[i * N + j] = acc[j];
    }
    return C;
  }
  /** C[M, K] = G[M, N] · B[K, N]ᵀ (the input gradient of a product by B). */
  function mmT(G, B, M, K, N) {
    const C = new F(M * K);
    for (let i = 0; i < M; i++)
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let j = 0; j < N; j++) s += G[i * N + j] * B[k * N + j];
        C[i * K + k] = s;
      }
    return C;
  }
  /** dB[K, N] = A[M, K]ᵀ · G[M, N] and db[N] = Σ_i G[i, :] (the weight and bias gradients). */
  function wgrad(A, G, M, K, N) {
    const dB = new Float64Array(K * N), db = new Float64Array(N);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) db[j] += G[i * N + j];
      for (let k = 0; k < K; k++) {
        const a = A[i * K + k];
        const bo = k * N;
        for (let j = 0; j < N; j++) dB[bo + j] += a * G[i * N + j];
      }
    }
    return { dW: F.from(dB), db: F.from(db) };
  }

  /** layerNorm over rows of X [M, D]: y = n · s + c, n = (x - mean) · rs; keeps n and rs. */
  function ln(X, s, c, M, D) {
    const y = new F(M * D), n = new Float64Array(M * D), rs = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      let mu = 0;
      for (let d = 0; d < D; d++) mu += X[i * D + d];
      mu /= D;
      let v = 0;
      for (let d = 0; d < D; d++) v += (X[i * D + d] - mu) ** 2;
      rs[i] = 1 / Math.sqrt(v / D + EPS);
      for (let d = 0; d < D; d++) {
        n[i * D + d] = (X[i * D + d] - mu) * rs[i];
        y[i * D + d] = n[i * D + d] * s[d] + c[d];
      }
    }
    return { y, n, rs };
  }
  /** layerNorm's backward: dx, ds, dc from dy. */
  function lnBack(f, s, dy, M, D) {
    const dx = new F(M * D), ds = new Float64Array(D), dc = new Float64Array(D);
    const dn = new Float64Array(D);
    for (let i = 0; i < M; i++) {
      let m1 = 0, m2 = 0;
      for (let d = 0; d < D; d++) {
        const g = dy[i * D + d];
        ds[d] += g * f.n[i * D + d];
        dc[d] += g;
        dn[d] = g * s[d];
        m1 += dn[d];
        m2 += dn[d] * f.n[i * D + d];
      }
      m1 /= D;
      m2 /= D;
      for (let d = 0; d < D; d++) dx[i * D + d] = f.rs[i] * (dn[d] - m1 - f.n[i * D + d] * m2);
    }
    return { dx, ds: F.from(ds), dc: F.from(dc) };
  }

  function forward(p, x, B, T, D, H, Dff) {
    const M = B * T, Dh = D / H, sc = 1 / Math.sqrt(Dh);
    const l1 = ln(x, p.ln1s, p.ln1b, M, D);
    const q = mm(l1.y, p.Wq, M, D, D, p.bq), k = mm(l1.y, p.Wk, M, D, D, p.bk), v = mm(l1.y, p.Wv, M, D, D, p.bv);
    const P = new F(B * H * T * T); // [B, H, Tq, Tk], zero above the diagonal
    const att = new F(M * D);
    const row = new Float64Array(T);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const po = (b * H + h) * T * T;
        for (let i = 0; i < T; i++) {
          const qo = (b * T + i) * D + h * Dh;
          let mx = -Infinity;
          for (let j = 0; j <= i; j++) {
            const ko = (b * T + j) * D + h * Dh;
            let s = 0;
            for (let d = 0; d < Dh; d++) s += q[qo + d] * k[ko + d];
            row[j] = s * sc;
            if (row[j] > mx) mx = row[j];
          }
          let se = 0;
          for (let j = 0; j <= i; j++) se += row[j] = Math.exp(row[j] - mx);
          for (let j = 0; j <= i; j++) P[po + i * T + j] = row[j] / se;
          for (let d = 0; d < Dh; d++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += P[po + i * T + j] * v[(b * T + j) * D + h * Dh + d];
            att[qo + d] = s;
          }
        }
      }
    const proj = mm(att, p.Wo, M, D, D, p.bo);
    const x1 = new F(M * D);
    for (let i = 0; i < M * D; i++) x1[i] = x[i] + proj[i];
    const l2 = ln(x1, p.ln2s, p.ln2b, M, D);
    const z = mm(l2.y, p.W1, M, D, Dff, p.b1);
    const g = new F(M * Dff);
    for (let i = 0; i < M * Dff; i++) {
      const u = z[i];
      g[i] = 0.5 * u * (1 + Math.tanh(GC * (u + 0.044715 * u * u * u)));
    }
    const m = mm(g, p.W2, M, Dff, D, p.b2);
    const out = new F(M * D);
    let loss = 0;
    for (let i = 0; i < M * D; i++) {
      out[i] = x1[i] + m[i];
      loss += out[i] * out[i];
    }
    return { l1, q, k, v, P, att, x1, l2, z, g, out, loss: loss / (M * D) };
  }

  /** Task 12: the loss and the gradients of every parameter and of x. */
  function blockStep(p, x, B, T, D, H, Dff) {
    const M = B * T, Dh = D / H, sc = 1 / Math.sqrt(Dh);
    const f = forward(p, x, B, T, D, H, Dff);
    const dout = new F(M * D);
    for (let i = 0; i < M * D; i++) dout[i] = (2 * f.out[i]) / (M * D);
    // MLP
    const g2 = wgrad(f.g, dout, M, Dff, D);
    const dg = mmT(dout, p.W2, M, Dff, D);
    for (let i = 0; i < M * Dff; i++) {
      const u = f.z[i];
      const t = Math.tanh(GC * (u + 0.044715 * u * u * u));
      dg[i] *= 0.5 * (1 + t) + 0.5 * u * (1 - t * t) * GC * (1 + 3 * 0.044715 * u * u);
    }
    const g1 = wgrad(f.l2.y, dg, M, D, Dff);
    const n2 = lnBack(f.l2, p.ln2s, mmT(dg, p.W1, M, D, Dff), M, D);
    const dx1 = new F(M * D);
    for (let i = 0; i < M * D; i++) dx1[i] = dout[i] + n2.dx[i];
    // attention
    const go = wgrad(f.att, dx1, M, D, D);
    const datt = mmT(dx1, p.Wo, M, D, D);
    const dq = new F(M * D), dk = new F(M * D), dv = new F(M * D);
    const dP = new Float64Array(T);
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const po = (b * H + h) * T * T;
        for (let i = 0; i < T; i++) {
          const qo = (b * T + i) * D + h * Dh;
          let dot = 0;
          for (let j = 0; j <= i; j++) {
            const vo = (b * T + j) * D + h * Dh;
            const pij = f.P[po + i * T + j];
            let s = 0;
            for (let d = 0; d < Dh; d++) {
              s += datt[qo + d] * f.v[vo + d];
              dv[vo + d] += pij * datt[qo + d];
            }
            dP[j] = s;
            dot += pij * s;
          }
          for (let j = 0; j <= i; j++) {
            const ds = f.P[po + i * T + j] * (dP[j] - dot) * sc; // d loss / d (q·k) of the pair
            const ko = (b * T + j) * D + h * Dh;
            for (let d = 0; d < Dh; d++) {
              dq[qo + d] += ds * f.k[ko + d];
              dk[ko + d] += ds * f.q[qo + d];
            }
          }
        }
      }
    const gq = wgrad(f.l1.y, dq, M, D, D), gk = wgrad(f.l1.y, dk, M, D, D), gv = wgrad(f.l1.y, dv, M, D, D);
    const da = mmT(dq, p.Wq, M, D, D);
    const dak = mmT(dk, p.Wk, M, D, D), dav = mmT(dv, p.Wv, M, D, D);
    for (let i = 0; i < M * D; i++) da[i] += dak[i] + dav[i];
    const n1 = lnBack(f.l1, p.ln1s, da, M, D);
    const dx = new F(M * D);
    for (let i = 0; i < M * D; i++) dx[i] = dx1[i] + n1.dx[i];
    const loss = new F(1);
    loss[0] = f.loss;
    return {
      loss,
      ln1s: n1.ds, ln1b: n1.dc, Wq: gq.dW, bq: gq.db, Wk: gk.dW, bk: gk.db, Wv: gv.dW, bv: gv.db, Wo: go.dW, bo: go.db,
      ln2s: n2.ds, ln2b: n2.dc, W1: g1.dW, b1: g1.db, W2: g2.dW, b2: g2.db,
      x: dx,
    };
  }

  const blockLoss = (p, x, B, T, D, H, Dff) => forward(p, x, B, T, D, H, Dff).loss;

  return { blockStep, blockLoss };
}
