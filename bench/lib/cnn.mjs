// Task 10: one training step of a small CNN (forward and hand-derived backward), NHWC, as plain
// loops parameterised by the storage type F (Float32Array for the plain peer, Float64Array for the
// reference). conv 3×3 SAME + bias → relu → max-pool 2×2/2, twice, then dense → softmax
// cross-entropy with integer labels (mean over the batch). Pool windows never straddle the edge
// (28 → 14 → 7); the pool gradient goes to the first maximum of each window (ties only happen
// between relu zeros, whose gradient is zero anyway).

export function makeCnn(F) {
  /** out[n,h,w,o] = b[o] + Σ x[n, h+kh-1, w+kw-1, c] · K[kh, kw, c, o] (3×3, stride 1, SAME). */
  function conv3(x, K, b, N, H, W, C, O) {
    const out = new F(N * H * W * O);
    const acc = new Float64Array(O);
    for (let n = 0; n < N; n++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          for (let o = 0; o < O; o++) acc[o] = b[o];
          for (let kh = 0; kh < 3; kh++) {
            const y = h + kh - 1;
            if (y < 0 || y >= H) continue;
            for (let kw = 0; kw < 3; kw++) {
              const xx = w + kw - 1;
              if (xx < 0 || xx >= W) continue;
              const xo = ((n * H + y) * W + xx) * C;
              const ko = (kh * 3 + kw) * C * O;
              for (let c = 0; c < C; c++) {
                const v = x[xo + c];
                const kc = ko + c * O;
                for (let o = 0; o < O; o++) acc[o] += v * K[kc + o];
              }
            }
          }
          const oo = ((n * H + h) * W + w) * O;
          for (let o = 0; o < O; o++) out[oo + o] = acc[o];
        }
    return out;
  }

  /** relu then 2×2/2 max-pool; returns the pooled array and, per pooled entry, its source index. */
  function reluPool(z, N, H, W, C) {
    const Ho = H / 2, Wo = W / 2;
    const out = new F(N * Ho * Wo * C);
    const arg = new Int32Array(out.length);
    for (let n = 0; n < N; n++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++)
          for (let c = 0; c < C; c++) {
            let best = -Infinity, at = -1;
            for (let di = 0; di < 2; di++)
              for (let dj = 0; dj < 2; dj++) {
                const s = ((n * H + 2 * i + di) * W + 2 * j + dj) * C + c;
                const v = Math.max(z[s], 0);
                if (v > best) (best = v), (at = s);
              }
            const o = ((n * Ho + i) * Wo + j) * C + c;
            out[o] = best;
            arg[o] = at;
          }
    return { out, arg };
  }

  function forward(p, x, labels, N) {
    const z1 = conv3(x, p.K1, p.b1, N, 28, 28, 1, 8);
    const a1 = reluPool(z1, N, 28, 28, 8);
    const z2 = conv3(a1.out, p.K2, p.b2, N, 14, 14, 8, 16);
    const a2 = reluPool(z2, N, 14, 14, 16);
    const D = 7 * 7 * 16, L = 10;
    const logits = new F(N * L);
    let loss = 0;
    for (let n = 0; n < N; n++) {
      for (let l = 0; l < L; l++) {
        let s = p.b3[l];
        for (let d = 0; d < D; d++) s += a2.out[n * D + d] * p.W3[d * L + l];
        logits[n * L + l] = s;
      }
      let m = -Infinity;
      for (let l = 0; l < L; l++) m = Math.max(m, logits[n * L + l]);
      let se = 0;
      for (let l = 0; l < L; l++) se += Math.exp(logits[n * L + l] - m);
      loss += m + Math.log(se) - logits[n * L + labels[n]];
    }
    return { z1, a1, z2, a2, logits, loss: loss / N };
  }

  /** The backward of conv3: the kernel and bias gradients, and (if wanted) the input gradient. */
  function conv3Back(x, K, dz, N, H, W, C, O, wantDx) {
    const dK = new F(9 * C * O), db = new F(O);
    const dx = wantDx ? new F(N * H * W * C) : null;
    const gK = new Float64Array(9 * C * O), gb = new Float64Array(O);
    for (let n = 0; n < N; n++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          const zo = ((n * H + h) * W + w) * O;
          for (let o = 0; o < O; o++) gb[o] += dz[zo + o];
          for (let kh = 0; kh < 3; kh++) {
            const y = h + kh - 1;
            if (y < 0 || y >= H) continue;
            for (let kw = 0; kw < 3; kw++) {
              const xx = w + kw - 1;
              if (xx < 0 || xx >= W) continue;
              const xo = ((n * H + y) * W + xx) * C;
              const ko = (kh * 3 + kw) * C * O;
              for (let c = 0; c < C; c++) {
                const v = x[xo + c];
                const kc = ko + c * O;
                let s = 0;
                for (let o = 0; o < O; o++) {
                  const g = dz[zo + o];
                  gK[kc + o] += v * g;
                  s += K[kc + o] * g;
                }
                if (dx) dx[xo + c] += s;
              }
            }
          }
        }
    dK.set(gK);
    db.set(gb);
    return { dK, db, dx };
  }

  /** The pool's cotangent sent to each window's maximum, times relu' (z > 0). */
  function unpool(dp, arg, z, size) {
    const dz = new F(size);
    for (let i = 0; i < dp.length; i++) if (z[arg[i]] > 0) dz[arg[i]] += dp[i];
    return dz;
  }

  /** Task 10: the loss and the gradients of K1, b1, K2, b2, W3, b3. */
  function cnnStep(p, x, labels, N) {
    const f = forward(p, x, labels, N);
    const D = 7 * 7 * 16, L = 10;
    const dlogits = new F(N * L);
    for (let n = 0; n < N; n++) {
      let m = -Infinity;
      for (let l = 0; l < L; l++) m = Math.max(m, f.logits[n * L + l]);
      let se = 0;
      for (let l = 0; l < L; l++) se += Math.exp(f.logits[n * L + l] - m);
      for (let l = 0; l < L; l++) dlogits[n * L + l] = (Math.exp(f.logits[n * L + l] - m) / se - (l === labels[n] ? 1 : 0)) / N;
    }
    const dW3 = new F(D * L), db3 = new F(L), dflat = new F(N * D);
    for (let n = 0; n < N; n++)
      for (let d = 0; d < D; d++) {
        const a = f.a2.out[n * D + d];
        let s = 0;
        for (let l = 0; l < L; l++) {
          const g = dlogits[n * L + l];
          dW3[d * L + l] += a * g;
          s += p.W3[d * L + l] * g;
        }
        dflat[n * D + d] = s;
      }
    for (let n = 0; n < N; n++) for (let l = 0; l < L; l++) db3[l] += dlogits[n * L + l];
    const dz2 = unpool(dflat, f.a2.arg, f.z2, f.z2.length);
    const g2 = conv3Back(f.a1.out, p.K2, dz2, N, 14, 14, 8, 16, true);
    const dz1 = unpool(g2.dx, f.a1.arg, f.z1, f.z1.length);
    const g1 = conv3Back(x, p.K1, dz1, N, 28, 28, 1, 8, false);
    const loss = new F(1);
    loss[0] = f.loss;
    return { loss, K1: g1.dK, b1: g1.db, K2: g2.dK, b2: g2.db, W3: dW3, b3: db3 };
  }

  const cnnLoss = (p, x, labels, N) => forward(p, x, labels, N).loss;

  return { cnnStep, cnnLoss };
}
