// Hand-written loops for every task, parameterised by the storage type F
// (Float32Array for the "plain JS" peer, Float64Array for the reference).
// Arithmetic in JS is float64; storing into a Float32Array rounds each
// intermediate array to float32, which is what "float32 via Float32Array" means here.
// Gradients (tasks 3, 6, 7) and second derivatives (task 4) are derived by hand;
// lib/reference.mjs checks them against finite differences in float64.

export function makeAlgorithms(F) {
  /** Task 1: y = sqrt(x1² + x2²) · tanh(x1) + 1, elementwise. */
  function elementwise(x1, x2) {
    const n = x1.length;
    const y = new F(n);
    for (let i = 0; i < n; i++) {
      const a = x1[i];
      const b = x2[i];
      y[i] = Math.sqrt(a * a + b * b) * Math.tanh(a) + 1;
    }
    return y;
  }

  /**
   * Task 2: C = A·B, square m×m, row-major. B is transposed first (part of the timed call), then
   * each C[i][j] is a dot product of two contiguous rows, summed in a JS number (float64) and
   * stored once: the fastest of the plain loop orders tried here (i-k-j, i-k-j with a row
   * accumulator, transpose + dot).
   */
  function matmul(a, b, m) {
    const bt = new F(m * m);
    for (let k = 0; k < m; k++) {
      const bk = k * m;
      for (let j = 0; j < m; j++) bt[j * m + k] = b[bk + j];
    }
    const c = new F(m * m);
    for (let i = 0; i < m; i++) {
      const ai = i * m;
      for (let j = 0; j < m; j++) {
        const bj = j * m;
        let s = 0;
        for (let k = 0; k < m; k++) s += a[ai + k] * bt[bj + k];
        c[ai + j] = s;
      }
    }
    return c;
  }

  /** Task 3 forward: returns activations and mean(out²). x is [B, d0], W1 [d0,H], W2 [H,H], W3 [H,1]. */
  function mlpForward(p, x, B, d0, H) {
    const h1 = new F(B * H);
    const h2 = new F(B * H);
    const out = new F(B);
    for (let r = 0; r < B; r++) {
      const o = r * H;
      for (let j = 0; j < H; j++) {
        let s = p.b1[j];
        for (let i = 0; i < d0; i++) s += x[r * d0 + i] * p.W1[i * H + j];
        h1[o + j] = Math.tanh(s);
      }
    }
    const acc = new F(H);
    for (let r = 0; r < B; r++) {
      const o = r * H;
      acc.fill(0);
      for (let j = 0; j < H; j++) {
        const v = h1[o + j];
        const wj = j * H;
        for (let k = 0; k < H; k++) acc[k] += v * p.W2[wj + k];
      }
      for (let k = 0; k < H; k++) h2[o + k] = Math.tanh(acc[k] + p.b2[k]);
    }
    let loss = 0;
    for (let r = 0; r < B; r++) {
      const o = r * H;
      let s = p.b3[0];
      for (let k = 0; k < H; k++) s += h2[o + k] * p.W3[k];
      out[r] = s;
      loss += s * s;
    }
    return { h1, h2, out, loss: loss / B };
  }

  /** Task 3: gradient of mean(out²) with respect to W1,b1,W2,b2,W3,b3 (hand-derived backprop). */
  function mlpGrad(p, x, B, d0, H) {
    const { h1, h2, out } = mlpForward(p, x, B, d0, H);
    const gW1 = new F(d0 * H), gb1 = new F(H), gW2 = new F(H * H), gb2 = new F(H);
    const gW3 = new F(H), gb3 = new F(1);
    const dz2 = new F(H);
    const dz1 = new F(H);
    for (let r = 0; r < B; r++) {
      const o = r * H;
      const dout = (2 * out[r]) / B; // d mean(out²) / d out_r
      gb3[0] += dout;
      for (let k = 0; k < H; k++) {
        const h = h2[o + k];
        gW3[k] += h * dout;
        dz2[k] = dout * p.W3[k] * (1 - h * h); // tanh' = 1 - tanh²
        gb2[k] += dz2[k];
      }
      for (let j = 0; j < H; j++) {
        const h = h1[o + j];
        const wj = j * H;
        let s = 0;
        for (let k = 0; k < H; k++) {
          gW2[wj + k] += h * dz2[k];
          s += p.W2[wj + k] * dz2[k];
        }
        dz1[j] = s * (1 - h * h);
        gb1[j] += dz1[j];
      }
      for (let i = 0; i < d0; i++) {
        const xi = x[r * d0 + i];
        const wi = i * H;
        for (let j = 0; j < H; j++) gW1[wi + j] += xi * dz1[j];
      }
    }
    return { W1: gW1, b1: gb1, W2: gW2, b2: gb2, W3: gW3, b3: gb3 };
  }

  /** Task 4 helper: u(x) for one scalar x (network 1-H-H-1, tanh, linear output). */
  function mlpScalar(p, x, H) {
    const h1 = new F(H);
    for (let j = 0; j < H; j++) h1[j] = Math.tanh(p.W1[j] * x + p.b1[j]);
    let u = p.b3[0];
    for (let k = 0; k < H; k++) {
      let s = p.b2[k];
      for (let j = 0; j < H; j++) s += h1[j] * p.W2[j * H + k];
      u += Math.tanh(s) * p.W3[k];
    }
    return u;
  }

  /**
   * Task 4: d²u/dx² for each scalar input, by hand-derived forward mode (value, first and second
   * derivative carried together). For t = tanh(z): t' = (1-t²) z', t'' = (1-t²) z'' - 2 t (1-t²) z'².
   */
  function mlpSecondDerivative(p, xs, H) {
    const n = xs.length;
    const out = new F(n);
    const d1 = new F(H), dd1 = new F(H), v1 = new F(H); // layer 1: h1', h1'', h1
    const z = new F(H), zd = new F(H), zdd = new F(H); // layer 2 pre-activations
    for (let r = 0; r < n; r++) {
      const x = xs[r];
      for (let j = 0; j < H; j++) {
        const w = p.W1[j];
        const t = Math.tanh(w * x + p.b1[j]);
        const s = 1 - t * t;
        v1[j] = t;
        d1[j] = s * w; // z1' = w, z1'' = 0
        dd1[j] = -2 * t * s * w * w;
      }
      for (let k = 0; k < H; k++) {
        z[k] = p.b2[k];
        zd[k] = 0;
        zdd[k] = 0;
      }
      for (let j = 0; j < H; j++) {
        const a = v1[j], b = d1[j], c = dd1[j];
        const wj = j * H;
        for (let k = 0; k < H; k++) {
          const w = p.W2[wj + k];
          z[k] += a * w;
          zd[k] += b * w;
          zdd[k] += c * w;
        }
      }
      let u2 = 0;
      for (let k = 0; k < H; k++) {
        const t = Math.tanh(z[k]);
        const s = 1 - t * t;
        const zk = zd[k];
        u2 += (s * zdd[k] - 2 * t * s * zk * zk) * p.W3[k];
      }
      out[r] = u2;
    }
    return out;
  }

  /**
   * Task 6: loss = mean over rows of -log_softmax(logits)[r, labels[r]] and its gradient
   * (softmax - onehot) / R (the closed form), logits [R, C] row-major, labels int32 [R].
   * Each row is shifted by its max first (stable for large logits).
   */
  function softmaxCrossEntropy(logits, labels, R, C) {
    const dlogits = new F(R * C);
    let total = 0;
    for (let r = 0; r < R; r++) {
      const o = r * C;
      let m = -Infinity;
      for (let j = 0; j < C; j++) if (logits[o + j] > m) m = logits[o + j];
      let s = 0;
      for (let j = 0; j < C; j++) s += Math.exp(logits[o + j] - m);
      const label = labels[r];
      total += m + Math.log(s) - logits[o + label];
      for (let j = 0; j < C; j++) dlogits[o + j] = Math.exp(logits[o + j] - m) / s / R;
      dlogits[o + label] -= 1 / R;
    }
    const loss = new F(1);
    loss[0] = total / R;
    return { loss, dlogits };
  }

  /** Task 6 loss alone (for the finite-difference self-check). */
  function softmaxCrossEntropyLoss(logits, labels, R, C) {
    return softmaxCrossEntropy(logits, labels, R, C).loss[0];
  }

  /**
   * Task 7: out = table[ids] ([...ids, D]: rows of the [V, D] table) and the gradient of
   * sum(out · w) with respect to the table: the scatter-add of the rows of w into [V, D]
   * (a duplicated id accumulates all of its rows; an id never looked up gets zeros).
   */
  function embedding(table, ids, w, V, D) {
    const n = ids.length;
    const out = new F(n * D);
    const dtable = new F(V * D);
    for (let i = 0; i < n; i++) {
      const src = ids[i] * D;
      const o = i * D;
      for (let k = 0; k < D; k++) out[o + k] = table[src + k];
      for (let k = 0; k < D; k++) dtable[src + k] += w[o + k];
    }
    return { out, dtable };
  }

  /** Task 7's scalar sum(table[ids] · w) (for the finite-difference self-check). */
  function embeddingObjective(table, ids, w, D) {
    let s = 0;
    for (let i = 0; i < ids.length; i++) {
      const src = ids[i] * D;
      const o = i * D;
      for (let k = 0; k < D; k++) s += table[src + k] * w[o + k];
    }
    return s;
  }

  /**
   * Task 8: the neural ODE field f(y) = tanh(tanh(y·W1 + b1)·W2 + b2)·W3 + b3 for one state y
   * (2 values), network 2-H-H-2. Writes f into out (2) and keeps h1, h2 (H each) for the vjp.
   */
  function odeField(p, y0, y1, H, h1, h2, out) {
    for (let j = 0; j < H; j++) h1[j] = Math.tanh(y0 * p.W1[j] + y1 * p.W1[H + j] + p.b1[j]);
    for (let k = 0; k < H; k++) {
      let s = p.b2[k];
      for (let j = 0; j < H; j++) s += h1[j] * p.W2[j * H + k];
      h2[k] = Math.tanh(s);
    }
    let o0 = p.b3[0], o1 = p.b3[1];
    for (let k = 0; k < H; k++) {
      o0 += h2[k] * p.W3[2 * k];
      o1 += h2[k] * p.W3[2 * k + 1];
    }
    out[0] = o0;
    out[1] = o1;
  }

  /**
   * Task 8 vjp of f at the state whose h1, h2 are given, for the cotangent (c0, c1) of f:
   * accumulates the parameter gradients into g and writes the state's cotangent into zbar (2).
   */
  function odeFieldVjp(p, y0, y1, H, h1, h2, c0, c1, g, a2, zbar) {
    g.b3[0] += c0;
    g.b3[1] += c1;
    for (let k = 0; k < H; k++) {
      const h = h2[k];
      g.W3[2 * k] += h * c0;
      g.W3[2 * k + 1] += h * c1;
      const a = (c0 * p.W3[2 * k] + c1 * p.W3[2 * k + 1]) * (1 - h * h); // tanh' = 1 - tanh²
      a2[k] = a;
      g.b2[k] += a;
    }
    let z0 = 0, z1 = 0;
    for (let j = 0; j < H; j++) {
      const h = h1[j];
      const wj = j * H;
      let s = 0;
      for (let k = 0; k < H; k++) {
        g.W2[wj + k] += h * a2[k];
        s += p.W2[wj + k] * a2[k];
      }
      const a1 = s * (1 - h * h);
      g.b1[j] += a1;
      g.W1[j] += y0 * a1;
      g.W1[H + j] += y1 * a1;
      z0 += a1 * p.W1[j];
      z1 += a1 * p.W1[H + j];
    }
    zbar[0] = z0;
    zbar[1] = z1;
  }

  /**
   * Task 8 forward: RK4 with step dt over `steps` steps from each row of y0 ([B, 2]); returns the
   * final states yT ([B, 2]) and the states before every step (states[r][n] = y_n of row r, for
   * the backward pass). The rows are independent ODEs sharing the parameters.
   */
  function odeForward(p, y0, B, H, dt, steps) {
    const h1 = new F(H), h2 = new F(H), k = new F(2);
    const yT = new F(B * 2);
    const states = [];
    for (let r = 0; r < B; r++) {
      const ys = new F(2 * (steps + 1));
      let a = y0[2 * r], b = y0[2 * r + 1];
      for (let n = 0; n < steps; n++) {
        ys[2 * n] = a;
        ys[2 * n + 1] = b;
        odeField(p, a, b, H, h1, h2, k);
        const k10 = k[0], k11 = k[1];
        odeField(p, a + (dt / 2) * k10, b + (dt / 2) * k11, H, h1, h2, k);
        const k20 = k[0], k21 = k[1];
        odeField(p, a + (dt / 2) * k20, b + (dt / 2) * k21, H, h1, h2, k);
        const k30 = k[0], k31 = k[1];
        odeField(p, a + dt * k30, b + dt * k31, H, h1, h2, k);
        ys[2 * n + 2] = a + (dt / 6) * (k10 + 2 * k20 + 2 * k30 + k[0]);
        ys[2 * n + 3] = b + (dt / 6) * (k11 + 2 * k21 + 2 * k31 + k[1]);
        a = ys[2 * n + 2];
        b = ys[2 * n + 3];
      }
      yT[2 * r] = a;
      yT[2 * r + 1] = b;
      states.push(ys);
    }
    let loss = 0;
    for (let i = 0; i < 2 * B; i++) loss += yT[i] * yT[i];
    return { yT, states, loss: loss / (2 * B) };
  }

  /**
   * Task 8: yT and the gradient of loss = mean(yT²) w.r.t. W1,b1,W2,b2,W3,b3, by the discrete
   * adjoint of RK4 (hand-derived backprop through each step: the stored state y_n, the four stages
   * recomputed from it, their vjps in reverse order). Per step, with s = ȳ_{n+1}:
   *   k̄4 = dt/6 s, k̄3 = dt/3 s + dt·z̄4, k̄2 = dt/3 s + dt/2·z̄3, k̄1 = dt/6 s + dt/2·z̄2,
   *   ȳ_n = s + z̄1 + z̄2 + z̄3 + z̄4, where z̄i = vjp of f at stage i's input for k̄i.
   */
  function odeGrad(p, y0, B, H, dt, steps) {
    const { yT, states } = odeForward(p, y0, B, H, dt, steps);
    const g = { W1: new F(2 * H), b1: new F(H), W2: new F(H * H), b2: new F(H), W3: new F(H * 2), b3: new F(2) };
    const st = [0, 1, 2, 3].map(() => ({ h1: new F(H), h2: new F(H), z: new F(2) })); // the four stages
    const k = new F(2), a2 = new F(H), zb = new F(2);
    for (let r = 0; r < B; r++) {
      const ys = states[r];
      let s0 = (2 * yT[2 * r]) / (2 * B), s1 = (2 * yT[2 * r + 1]) / (2 * B); // d mean(yT²) / d yT
      for (let n = steps - 1; n >= 0; n--) {
        const a = ys[2 * n], b = ys[2 * n + 1];
        // recompute the four stages (inputs z and activations h1, h2)
        st[0].z[0] = a;
        st[0].z[1] = b;
        for (let i = 0; i < 4; i++) {
          const S = st[i];
          odeField(p, S.z[0], S.z[1], H, S.h1, S.h2, k);
          if (i < 3) {
            const c = i < 2 ? dt / 2 : dt;
            st[i + 1].z[0] = a + c * k[0];
            st[i + 1].z[1] = b + c * k[1];
          }
        }
        let n0 = s0, n1 = s1; // ȳ_n, accumulated
        let c0 = (dt / 6) * s0, c1 = (dt / 6) * s1; // k̄4
        for (let i = 3; i >= 0; i--) {
          const S = st[i];
          odeFieldVjp(p, S.z[0], S.z[1], H, S.h1, S.h2, c0, c1, g, a2, zb);
          n0 += zb[0];
          n1 += zb[1];
          if (i > 0) {
            const w = i === 1 ? dt / 6 : dt / 3; // the direct weight of k_{i} in the update
            const c = i === 3 ? dt : dt / 2; // how stage i's input depends on k_{i}
            c0 = w * s0 + c * zb[0];
            c1 = w * s1 + c * zb[1];
          }
        }
        s0 = n0;
        s1 = n1;
      }
    }
    return { yT, ...g };
  }

  /** Task 8's loss mean(yT²) (for the finite-difference self-check). */
  function odeLoss(p, y0, B, H, dt, steps) {
    return odeForward(p, y0, B, H, dt, steps).loss;
  }

  /**
   * Task 11, solve: x with A x = b by LU with partial pivoting (row-major, right-looking: the
   * rank-1 update runs along contiguous rows), then forward and back substitution.
   */
  function solve(a0, b0, n) {
    const a = new F(a0);
    const x = new F(b0);
    for (let j = 0; j < n; j++) {
      let p = j;
      for (let i = j + 1; i < n; i++) if (Math.abs(a[i * n + j]) > Math.abs(a[p * n + j])) p = i;
      if (p !== j) {
        for (let c = 0; c < n; c++) [a[j * n + c], a[p * n + c]] = [a[p * n + c], a[j * n + c]];
        [x[j], x[p]] = [x[p], x[j]];
      }
      const d = a[j * n + j];
      for (let i = j + 1; i < n; i++) {
        const f = a[i * n + j] / d;
        a[i * n + j] = f;
        for (let c = j + 1; c < n; c++) a[i * n + c] -= f * a[j * n + c];
      }
    }
    for (let i = 0; i < n; i++) {
      let s = x[i];
      for (let k = 0; k < i; k++) s -= a[i * n + k] * x[k];
      x[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = x[i];
      for (let k = i + 1; k < n; k++) s -= a[i * n + k] * x[k];
      x[i] = s / a[i * n + i];
    }
    return x;
  }

  /** Task 11, cholesky: the lower factor L (A = L Lᵀ), each entry a dot product of two contiguous rows of L. */
  function cholesky(a, n) {
    const l = new F(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a[i * n + j];
        for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
        l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j];
      }
    }
    return l;
  }

  /** Task 11: both outputs. */
  function linalg(a, b, spd, n) {
    return { x: solve(a, b, n), L: cholesky(spd, n) };
  }

  /**
   * Task 9: a 2-D convolution, NHWC input [N, H, W, C], HWIO kernel [K, K, C, O], SAME padding
   * (lo = (K - 1) / 2 rounded down, as JAX), stride 1: out[n, h, w, o] = Σ x[n, h + i - lo,
   * w + j - lo, c] · kernel[i, j, c, o]; and the gradients of sum(out · ct) with respect to x and
   * the kernel, accumulated in the same loop (each product x · kernel feeds dx and dkernel).
   */
  function conv2d(x, kernel, ct, N, H, W, C, O, K) {
    const out = new F(N * H * W * O);
    const dx = new F(N * H * W * C);
    const dkernel = new F(K * K * C * O);
    const lo = Math.floor((K - 1) / 2);
    for (let n = 0; n < N; n++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) {
          const ob = ((n * H + h) * W + w) * O;
          for (let i = 0; i < K; i++) {
            const ih = h + i - lo;
            if (ih < 0 || ih >= H) continue;
            for (let j = 0; j < K; j++) {
              const iw = w + j - lo;
              if (iw < 0 || iw >= W) continue;
              const xb = ((n * H + ih) * W + iw) * C;
              for (let c = 0; c < C; c++) {
                const kb = ((i * K + j) * C + c) * O;
                const xv = x[xb + c];
                let g = 0;
                for (let o = 0; o < O; o++) {
                  out[ob + o] += xv * kernel[kb + o];
                  g += ct[ob + o] * kernel[kb + o];
                  dkernel[kb + o] += xv * ct[ob + o];
                }
                dx[xb + c] += g;
              }
            }
          }
        }
    return { out, dx, dkernel };
  }

  /** Task 9's scalar sum(conv(x, kernel) · ct) (for the finite-difference self-check). */
  function conv2dObjective(x, kernel, ct, N, H, W, C, O, K) {
    const { out } = conv2d(x, kernel, new F(ct.length), N, H, W, C, O, K);
    let s = 0;
    for (let i = 0; i < out.length; i++) s += out[i] * ct[i];
    return s;
  }

  /** Task 13: u(x) = W3 · tanh(tanh(x·W1 + b1)·W2 + b2) + b3 for one point x [d] (W3 [H], b3 [1]). */
  function mlpPoint(p, x, d, H) {
    const h1 = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      let z = p.b1[j];
      for (let i = 0; i < d; i++) z += x[i] * p.W1[i * H + j];
      h1[j] = Math.tanh(z);
    }
    let u = p.b3[0];
    for (let k = 0; k < H; k++) {
      let z = p.b2[k];
      for (let j = 0; j < H; j++) z += h1[j] * p.W2[j * H + k];
      u += Math.tanh(z) * p.W3[k];
    }
    return u;
  }

  /**
   * Task 13a-c: the Laplacian of u at each of n points, by the forward Laplacian: every layer
   * carries its value, its d derivatives ∂_i and its Laplacian Δ. A linear layer maps all three;
   * tanh gives ∂_i t = s·∂_i z and Δt = s·Δz - 2·t·s·Σ_i (∂_i z)², s = 1 - t².
   */
  function mlpLaplacian(p, xs, n, d, H) {
    const out = new F(n);
    // layer 1: ∂_i z1 = W1[i, :], Δz1 = 0, so Σ_i (∂_i z1)² is the column norm of W1
    const col = new F(H);
    for (let j = 0; j < H; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += p.W1[i * H + j] ** 2;
      col[j] = s;
    }
    const t1 = new F(H), g1 = new F(d * H), l1 = new F(H);
    const z2 = new F(H), g2 = new F(d * H), l2 = new F(H);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < H; j++) {
        let z = p.b1[j];
        for (let i = 0; i < d; i++) z += xs[r * d + i] * p.W1[i * H + j];
        const t = Math.tanh(z);
        const s = 1 - t * t;
        t1[j] = t;
        for (let i = 0; i < d; i++) g1[i * H + j] = s * p.W1[i * H + j];
        l1[j] = -2 * t * s * col[j];
      }
      z2.set(p.b2);
      l2.fill(0);
      g2.fill(0);
      for (let j = 0; j < H; j++) {
        const a = t1[j], c = l1[j], wj = j * H;
        for (let k = 0; k < H; k++) {
          z2[k] += a * p.W2[wj + k];
          l2[k] += c * p.W2[wj + k];
        }
        for (let i = 0; i < d; i++) {
          const b = g1[i * H + j], gi = i * H;
          for (let k = 0; k < H; k++) g2[gi + k] += b * p.W2[wj + k];
        }
      }
      let lap = 0;
      for (let k = 0; k < H; k++) {
        const t = Math.tanh(z2[k]);
        const s = 1 - t * t;
        let sq = 0;
        for (let i = 0; i < d; i++) sq += g2[i * H + k] ** 2;
        lap += (s * l2[k] - 2 * t * s * sq) * p.W3[k];
      }
      out[r] = lap;
    }
    return out;
  }

  /** Taylor coefficients y_0..y_K of tanh(z(t)) from z's (normalized): y' = (1 - y²)·z'. */
  function tanhSeries(z, K) {
    const y = [Math.tanh(z[0])];
    const g = [];
    for (let k = 1; k <= K; k++) {
      let sq = 0;
      for (let i = 0; i < k; i++) sq += y[i] * y[k - 1 - i];
      g.push((k === 1 ? 1 : 0) - sq);
      let s = 0;
      for (let j = 1; j <= k; j++) s += j * z[j] * g[k - j];
      y.push(s / k);
    }
    return y;
  }

  /**
   * Task 13d: ∂⁴u(x)[v, v, v, v] at each of n points: the Taylor coefficients of u(x + t·v) to
   * order 4 through the layers (tanh by its recurrence), times 4!.
   */
  function mlpFourthDerivative(p, xs, v, n, d, H) {
    const K = 4;
    const out = new F(n);
    const y1 = Array.from({ length: K + 1 }, () => new F(H));
    const z2 = Array.from({ length: K + 1 }, () => new F(H));
    const dv = new F(H);
    for (let j = 0; j < H; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += v[i] * p.W1[i * H + j];
      dv[j] = s;
    }
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < H; j++) {
        let z = p.b1[j];
        for (let i = 0; i < d; i++) z += xs[r * d + i] * p.W1[i * H + j];
        const y = tanhSeries([z, dv[j], 0, 0, 0], K);
        for (let k = 0; k <= K; k++) y1[k][j] = y[k];
      }
      for (let k = 0; k <= K; k++) (k === 0 ? z2[k].set(p.b2) : z2[k].fill(0));
      for (let j = 0; j < H; j++) {
        const wj = j * H;
        for (let k = 0; k <= K; k++) {
          const a = y1[k][j], zk = z2[k];
          for (let m = 0; m < H; m++) zk[m] += a * p.W2[wj + m];
        }
      }
      let u4 = 0;
      for (let m = 0; m < H; m++) u4 += tanhSeries([z2[0][m], z2[1][m], z2[2][m], z2[3][m], z2[4][m]], K)[K] * p.W3[m];
      out[r] = 24 * u4;
    }
    return out;
  }

  return {
    mlpPoint,
    mlpLaplacian,
    mlpFourthDerivative,
    elementwise,
    matmul,
    mlpForward,
    mlpGrad,
    mlpScalar,
    mlpSecondDerivative,
    softmaxCrossEntropy,
    softmaxCrossEntropyLoss,
    embedding,
    embeddingObjective,
    odeForward,
    odeGrad,
    odeLoss,
    solve,
    cholesky,
    linalg,
    conv2d,
    conv2dObjective,
  };
}
