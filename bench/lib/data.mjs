// Deterministic inputs shared by every peer and by the reference.
// Every array is generated in float64 by a seeded PRNG (mulberry32), then
// rounded to float32 (Float32Array); the float64 reference reads the same
// rounded values, so every peer and the reference compute on identical data.

export const SIZES = Object.freeze({
  N1: 1_000_000, // task 1 elements
  M2A: 512, // task 2a matmul size
  M2B: 1024, // task 2b matmul size
  B3: 1024, // task 3 batch
  H: 64, // hidden width (tasks 3 and 4)
  N4: 4096, // task 4 scalar inputs
  R6: 4096, // task 6 rows (examples)
  C6: 512, // task 6 classes
  V7: 50000, // task 7 vocabulary (table rows)
  D7: 128, // task 7 embedding width
  B7: 64, // task 7 batch
  T7: 256, // task 7 sequence length
  B8: 32, // task 8 batch of initial states
  DT8: 0.01, // task 8 RK4 step
  STEPS8A: 100, // task 8a steps
  STEPS8B: 1000, // task 8b steps
  N10: 64, // task 10 batch of 28×28×1 images
  N11: 256, // task 11 matrix size (solve, cholesky)
  // task 9: 2-D convolution, NHWC input [N9, H9, H9, C9], HWIO kernel [K9, K9, C9, O9], SAME, stride 1
  N9: 32,
  H9: 32,
  C9: 16,
  O9: 32,
  K9: 3,
  // task 12: a transformer block on [B12, T12, D12], H12 heads, MLP D12-F12-D12
  B12: 8,
  T12: 128,
  D12: 256,
  H12: 4,
  F12: 1024,
  // task 13: Laplacian (13a-c, d = 2, 8, 32) and 4th directional derivative (13d, d = 32) of an MLP d-H13-H13-1 (tanh)
  N13: 1024,
  H13: 128,
  D13: Object.freeze({ "13a": 2, "13b": 8, "13c": 32, "13d": 32 }),
});

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n float32 values uniform in [lo, hi), from the given seed. */
export function uniform(n, lo, hi, seed) {
  const rnd = mulberry32(seed);
  const out = new Float32Array(n);
  const span = hi - lo;
  for (let i = 0; i < n; i++) out[i] = lo + span * rnd();
  return out;
}

/** n int32 values uniform in [0, hi), from the given seed. */
export function randint(n, hi, seed) {
  const rnd = mulberry32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(hi * rnd());
  return out;
}

/**
 * Task 7 ids: n int32 values in [0, vocab), skewed like word frequencies (id = floor(vocab·u²), so
 * small ids repeat: about 70 copies of id 0 in 16,384), with the first and last ids forced to 0
 * and vocab - 1 so both ends of the table are read.
 */
export function embeddingIds(n, vocab, seed) {
  const rnd = mulberry32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rnd();
    out[i] = Math.min(vocab - 1, Math.floor(vocab * u * u));
  }
  out[0] = 0;
  out[n - 1] = vocab - 1;
  return out;
}

/** Glorot-uniform weights [fanIn, fanOut] (row-major) and small non-zero biases. */
function layer(fanIn, fanOut, seed) {
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return {
    W: uniform(fanIn * fanOut, -lim, lim, seed),
    b: uniform(fanOut, -0.1, 0.1, seed + 1000),
  };
}

/** MLP params {W1,b1,W2,b2,W3,b3} for sizes [d0, h, h, 1]; W_k is [in, out] row-major. */
export function mlpParams(d0, h, seed) {
  const l1 = layer(d0, h, seed + 1);
  const l2 = layer(h, h, seed + 2);
  const l3 = layer(h, 1, seed + 3);
  return { W1: l1.W, b1: l1.b, W2: l2.W, b2: l2.b, W3: l3.W, b3: l3.b };
}

/** Task 8's neural ODE field params {W1,b1,W2,b2,W3,b3} for 2-h-h-2: W1 [2,h], W2 [h,h], W3 [h,2]. */
export function odeParams(h, seed) {
  const l1 = layer(2, h, seed + 1);
  const l2 = layer(h, h, seed + 2);
  const l3 = layer(h, 2, seed + 3);
  return { W1: l1.W, b1: l1.b, W2: l2.W, b2: l2.b, W3: l3.W, b3: l3.b };
}

export const PARAM_NAMES = Object.freeze(["W1", "b1", "W2", "b2", "W3", "b3"]);

/** Shapes of the MLP params, for libraries that need them. */
export function paramShapes(d0, h) {
  return { W1: [d0, h], b1: [h], W2: [h, h], b2: [h], W3: [h, 1], b3: [1] };
}

/**
 * Task 12's block parameters for width D and MLP width Dff (names: lib/transformer.mjs): Glorot-uniform
 * [D, D], [D, Dff] and [Dff, D] weights, biases uniform in ±0.1, layerNorm scales 1 ± 0.1 and
 * biases ±0.1 (not the init's ones and zeros, so that their gradients are tested).
 */
export function blockParams(D, Dff, seed) {
  const w = (r, c, s) => uniform(r * c, -Math.sqrt(6 / (r + c)), Math.sqrt(6 / (r + c)), seed + s);
  const b = (n, s) => uniform(n, -0.1, 0.1, seed + s);
  return {
    ln1s: uniform(D, 0.9, 1.1, seed + 1), ln1b: b(D, 2),
    Wq: w(D, D, 3), bq: b(D, 4), Wk: w(D, D, 5), bk: b(D, 6), Wv: w(D, D, 7), bv: b(D, 8), Wo: w(D, D, 9), bo: b(D, 10),
    ln2s: uniform(D, 0.9, 1.1, seed + 11), ln2b: b(D, 12),
    W1: w(D, Dff, 13), b1: b(Dff, 14), W2: w(Dff, D, 15), b2: b(D, 16),
  };
}

/**
 * Inputs for a task id ("1", "2a", "2b", "3", "4", "6", "7", "8a", "8b"); task "5" reuses task 3.
 * Inputs for a task id ("1", "2a", "2b", "3", "4", "6", "7", "9"); task "5" reuses task 3.
 * Returned arrays are fresh copies each call, so a peer may keep or mutate them.
 */
export function makeInputs(task) {
  const S = SIZES;
  switch (task) {
    case "1":
      return { n: S.N1, x1: uniform(S.N1, -2, 2, 101), x2: uniform(S.N1, -2, 2, 102) };
    case "2a":
    case "2b": {
      const m = task === "2a" ? S.M2A : S.M2B;
      return { m, a: uniform(m * m, -1, 1, 201), b: uniform(m * m, -1, 1, 202) };
    }
    case "3":
    case "5":
      return {
        batch: S.B3,
        hidden: S.H,
        inDim: 2,
        x: uniform(S.B3 * 2, -1, 1, 301), // [B, 2] row-major
        params: mlpParams(2, S.H, 310),
      };
    case "4":
      return {
        n: S.N4,
        hidden: S.H,
        x: uniform(S.N4, -2, 2, 401), // [N] scalar inputs
        params: mlpParams(1, S.H, 410),
      };
    case "6":
      return {
        rows: S.R6,
        classes: S.C6,
        logits: uniform(S.R6 * S.C6, -4, 4, 601), // [R, C] row-major
        labels: randint(S.R6, S.C6, 602), // [R] int32 in [0, C)
      };
    case "7":
      return {
        vocab: S.V7,
        dim: S.D7,
        batch: S.B7,
        seq: S.T7,
        table: uniform(S.V7 * S.D7, -1, 1, 701), // [V, D] row-major
        ids: embeddingIds(S.B7 * S.T7, S.V7, 702), // [B, T] int32, with duplicates
        w: uniform(S.B7 * S.T7 * S.D7, -1, 1, 703), // [B, T, D]: the cotangent of the lookup
      };
    case "8a":
    case "8b":
      // the same states and weights for both; only the step count differs
      return {
        batch: S.B8,
        hidden: S.H,
        dt: S.DT8,
        steps: task === "8a" ? S.STEPS8A : S.STEPS8B,
        y0: uniform(S.B8 * 2, -1, 1, 801), // [B, 2] row-major
        params: odeParams(S.H, 810),
      };
    case "10": {
      // a CNN on [64, 28, 28, 1] NHWC images, 10 classes; He-uniform conv kernels (HWIO),
      // Glorot-uniform dense weights, small biases
      const he = (n, fanIn, seed) => uniform(n, -Math.sqrt(6 / fanIn), Math.sqrt(6 / fanIn), seed);
      const lim = Math.sqrt(6 / (784 + 10));
      return {
        batch: S.N10,
        x: uniform(S.N10 * 28 * 28, 0, 1, 1001),
        labels: randint(S.N10, 10, 1002),
        params: {
          K1: he(3 * 3 * 1 * 8, 9, 1003),
          b1: uniform(8, -0.1, 0.1, 1004),
          K2: he(3 * 3 * 8 * 16, 72, 1005),
          b2: uniform(16, -0.1, 0.1, 1006),
          W3: uniform(784 * 10, -lim, lim, 1007),
          b3: uniform(10, -0.1, 0.1, 1008),
        },
      };
    }
    case "11": {
      // A: uniform ±1 plus 16 (= sqrt(n)) on the diagonal: well conditioned, yet rows still pivot;
      // S = M Mᵀ / n + I (symmetric positive definite, condition number about 2), rounded to float32
      const n = S.N11;
      const a = uniform(n * n, -1, 1, 1101);
      for (let i = 0; i < n; i++) a[i * n + i] += Math.sqrt(n);
      const m = uniform(n * n, -1, 1, 1103);
      const spd = new Float32Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += m[i * n + k] * m[j * n + k];
          spd[i * n + j] = spd[j * n + i] = s / n + (i === j ? 1 : 0);
        }
      }
      return { n, a, b: uniform(n, -1, 1, 1102), spd };
    }
    case "9": {
      const { N9: n, H9: h, C9: c, O9: o, K9: k } = S;
      const lim = Math.sqrt(6 / (k * k * (c + o)));
      return {
        n,
        h,
        w: h,
        c,
        o,
        k,
        x: uniform(n * h * h * c, -1, 1, 901), // [N, H, W, C]
        kernel: uniform(k * k * c * o, -lim, lim, 902), // [K, K, C, O] (HWIO), Glorot
        ct: uniform(n * h * h * o, -1, 1, 903), // [N, H, W, O]: the cotangent W of sum(out · W)
      };
    }
    case "12": {
      const { B12: batch, T12: seq, D12: dim, H12: heads, F12: ff } = S;
      return { batch, seq, dim, heads, ff, x: uniform(batch * seq * dim, -1, 1, 1201), params: blockParams(dim, ff, 1210) };
    }
    case "13a":
    case "13b":
    case "13c":
    case "13d": {
      // u(x) = W3 · tanh(tanh(x·W1 + b1)·W2 + b2) + b3 at n points x in [-1, 1]^d; 13d's direction v in [-1, 1]^d
      const d = S.D13[task];
      return { n: S.N13, d, hidden: S.H13, x: uniform(S.N13 * d, -1, 1, 1301 + d), v: uniform(d, -1, 1, 1302), params: mlpParams(d, S.H13, 1310 + d) };
    }
    default:
      throw new Error(`unknown task ${task}`);
  }
}
