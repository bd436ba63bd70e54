// Peer: jax-js (npm @jax-js/jax) on its `wasm` device (init("wasm"); init() with no
// argument throws on Node 20). options.jit (default true) wraps each task in jit().
// Memory model: every op consumes (decrements the refcount of) its array arguments;
// `.ref` keeps one alive. The inputs made in prepare() are passed as `.ref` on each
// call, so they survive; `await out.data()` consumes the output.

import { init, defaultDevice, numpy as np, nn, lax, jit, grad, valueAndGrad, vmap, jvp, hessian } from "@jax-js/jax";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let useJit = true;

export const meta = { library: "jax-js", version: "" };

export async function setup(options) {
  const { version } = JSON.parse(
    (await import("node:fs")).readFileSync(require.resolve("@jax-js/jax").replace(/dist[\\/].*$/, "package.json"), "utf8"),
  );
  await init("wasm");
  defaultDevice("wasm");
  useJit = options.jit !== false;
  meta.version = `${version} wasm${useJit ? " jit" : " eager"}`;
}

const maybeJit = (f) => (useJit ? jit(f) : f);
const refs = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.ref]));
const arr = (data, shape) => np.array(data).reshape(shape);

async function readTree(out) {
  if (out instanceof np.Array) return await out.data();
  const res = {};
  for (const [k, v] of Object.entries(out)) res[k] = await v.data();
  return res;
}

function params(p, shapes) {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, arr(v, shapes[k])]));
}

export const tasks = {
  "1": ({ x1, x2 }) => {
    const a = np.array(x1);
    const b = np.array(x2);
    const f = maybeJit((a, b) => np.sqrt(np.square(a.ref).add(np.square(b))).mul(np.tanh(a)).add(1));
    return { run: () => readTree(f(a.ref, b.ref)), dispose: () => (a.dispose(), b.dispose()) };
  },
  "2a": matmulTask,
  "2b": matmulTask,
  "3": ({ params: p, x, batch, inDim, hidden: H }) => {
    const P = params(p, { W1: [inDim, H], b1: [H], W2: [H, H], b2: [H], W3: [H, 1], b3: [1] });
    const X = arr(x, [batch, inDim]);
    const loss = (p, x) => {
      const h1 = np.tanh(np.matmul(x, p.W1).add(p.b1));
      const h2 = np.tanh(np.matmul(h1, p.W2).add(p.b2));
      const out = np.matmul(h2, p.W3).add(p.b3);
      return np.square(out).mean();
    };
    const g = maybeJit(grad(loss)); // gradient with respect to the params tree
    return { run: () => readTree(g(refs(P), X.ref)) };
  },
  "4": ({ params: p, x, n, hidden: H }) => {
    // u takes one scalar x; W1 and W3 are stored as vectors [H], b3 as a scalar.
    const P = params(p, { W1: [H], b1: [H], W2: [H, H], b2: [H], W3: [H], b3: [] });
    const X = arr(x, [n]);
    const u = (p, x) => {
      const h1 = np.tanh(p.W1.mul(x).add(p.b1));
      const h2 = np.tanh(np.matmul(h1, p.W2).add(p.b2));
      return np.dot(h2, p.W3).add(p.b3);
    };
    const d2 = grad(grad(u, { argnums: 1 }), { argnums: 1 });
    const f = maybeJit(vmap(d2, [null, 0])); // jit(vmap(grad(grad(u))))
    return { run: () => readTree(f(refs(P), X.ref)) };
  },
  // Task 6, options.xent:
  //   "takeAlongAxis" (default) -mean(takeAlongAxis(logSoftmax(logits), labels[:, None], 1)), as
  //                   jax.numpy code picks the labelled entries; under jit, valueAndGrad of it
  //                   throws "jit: routine primitive scatter input is not imm" (jax-js 0.1.25: the
  //                   gather's transpose is a scatter of a broadcast constant cotangent)
  //   "oneHot"        -mean(sum(oneHot(labels, C) · logSoftmax(logits), -1)), which jits
  "6": ({ logits, labels, rows, classes }, options) => {
    const L = arr(logits, [rows, classes]);
    const Y = np.array(labels, { dtype: np.int32 }); // [R] int32, not differentiated (argnums 0)
    const forms = {
      takeAlongAxis: (logits, labels) =>
        np.negative(np.mean(np.takeAlongAxis(nn.logSoftmax(logits, -1), np.expandDims(labels, 1), 1))),
      oneHot: (logits, labels) =>
        np.negative(np.mean(np.sum(nn.oneHot(labels, classes).mul(nn.logSoftmax(logits, -1)), -1))),
    };
    const loss = forms[options.xent ?? "takeAlongAxis"];
    if (!loss) throw new Error(`unknown xent form ${options.xent}`);
    const f = maybeJit(valueAndGrad(loss));
    return {
      run: async () => {
        const [l, g] = f(L.ref, Y.ref);
        return { loss: await l.data(), dlogits: await g.data() };
      },
    };
  },
  "7": ({ table, ids, w, vocab, dim, batch, seq }) => {
    const Tb = arr(table, [vocab, dim]);
    const I = np.array(ids, { dtype: np.int32, shape: [batch, seq] });
    const W = arr(w, [batch, seq, dim]);
    const lookup = maybeJit((t, i) => np.take(t, i, 0));
    // grad of the take is jax-js's scatter-add into a dense [V, D] zeros array
    const g = maybeJit(grad((t, i, w) => np.sum(np.take(t, i, 0).mul(w))));
    return {
      run: async () => ({ out: await lookup(Tb.ref, I.ref).data(), dtable: await g(Tb.ref, I.ref, W.ref).data() }),
    };
  },
  "8a": odeTask,
  "8b": odeTask,
  // Task 10: jax-js's lax.conv is NCHW / OIHW only (no dimension numbers), so the images and
  // kernels are laid out that way in prepare (untimed); max-pool is lax.reduceWindow with np.max;
  // the pooled [N, 16, 7, 7] goes back to NHWC before the dense layer (the same weights as the
  // other peers), and the kernel gradients back to HWIO (part of the timed call, 1,224 numbers).
  "10": ({ params: p, x, labels, batch }) => {
    const hwioToOihw = (k, shape) => np.transpose(arr(k, shape), [3, 2, 0, 1]);
    const P = {
      K1: hwioToOihw(p.K1, [3, 3, 1, 8]),
      b1: arr(p.b1, [8, 1, 1]),
      K2: hwioToOihw(p.K2, [3, 3, 8, 16]),
      b2: arr(p.b2, [16, 1, 1]),
      W3: arr(p.W3, [784, 10]),
      b3: arr(p.b3, [10]),
    };
    const X = np.transpose(arr(x, [batch, 28, 28, 1]), [0, 3, 1, 2]);
    const Y = np.array(labels, { dtype: np.int32 });
    const block = (h, K, b) =>
      lax.reduceWindow(nn.relu(lax.conv(h, K, [1, 1], "SAME").add(b)), (w) => np.max(w), [2, 2], [2, 2]);
    const loss = (p, x, y) => {
      const h = block(block(x, p.K1, p.b1), p.K2, p.b2);
      const logits = np.matmul(np.transpose(h, [0, 2, 3, 1]).reshape([batch, 784]), p.W3).add(p.b3);
      return np.negative(np.mean(np.sum(nn.oneHot(y, 10).mul(nn.logSoftmax(logits, -1)), -1)));
    };
    const f = jit(valueAndGrad(loss));
    const hwio = (k) => np.transpose(k, [2, 3, 1, 0]);
    return {
      run: async () => {
        const [l, g] = f(refs(P), X.ref, Y.ref);
        return {
          loss: await l.data(),
          K1: await hwio(g.K1).data(),
          b1: await g.b1.data(),
          K2: await hwio(g.K2).data(),
          b2: await g.b2.data(),
          W3: await g.W3.data(),
          b3: await g.b3.data(),
        };
      },
    };
  },
  "11": ({ a, b, spd, n }) => {
    const A = arr(a, [n, n]);
    const B = np.array(b);
    const S = arr(spd, [n, n]);
    const solve = maybeJit((a, b) => np.linalg.solve(a, b));
    const chol = maybeJit((s) => np.linalg.cholesky(s));
    return { run: async () => ({ x: await solve(A.ref, B.ref).data(), L: await chol(S.ref).data() }) };
  },
  // task 9: jax-js's lax.convGeneralDilated takes NCHW / OIHW only (no dimension numbers), so the
  // NHWC input and HWIO kernel are transposed inside the jitted function, and the results back
  "9": ({ n, h, w, c, o, k, x, kernel, ct }) => {
    const X = arr(x, [n, h, w, c]);
    const K = arr(kernel, [k, k, c, o]);
    const W = arr(ct, [n, h, w, o]);
    const conv = (x, k) => np.transpose(lax.convGeneralDilated(np.transpose(x, [0, 3, 1, 2]), np.transpose(k, [3, 2, 0, 1]), [1, 1], "SAME"), [0, 2, 3, 1]);
    const fwd = maybeJit(conv);
    const g = maybeJit(grad((x, k, w) => np.sum(conv(x, k).mul(w)), { argnums: [0, 1] }));
    return {
      run: async () => {
        const out = await fwd(X.ref, K.ref).data();
        const [dx, dk] = g(X.ref, K.ref, W.ref);
        return { out, dx: await dx.data(), dkernel: await dk.data() };
      },
    };
  },
  // Task 12: the transformer block in jax.numpy style: nn.standardize for the layerNorms (jax's
  // variance mean(x²) - mean²), attention by matmuls on [B, H, T, Dh] with a causal additive mask
  // (0 / -1e9, an argument: nn.dotProductAttention throws "expr.split(...)[0].matchAll(...).map is
  // not a function" on Node 20, its einsum uses iterator helpers), nn.softmax, nn.gelu (its default
  // tanh form); jit(valueAndGrad(loss, { argnums: [0, 1] })). A value used twice is passed as
  // `.ref` the first time (ops consume their inputs, traced ones too).
  "12": ({ params: p, x, batch: B, seq: T, dim: D, heads: H, ff }) => {
    const Dh = D / H;
    const v1 = [D], m = [D, D];
    const P = params(p, { ln1s: v1, ln1b: v1, Wq: m, bq: v1, Wk: m, bk: v1, Wv: m, bv: v1, Wo: m, bo: v1, ln2s: v1, ln2b: v1, W1: [D, ff], b1: [ff], W2: [ff, D], b2: v1 });
    const X = arr(x, [B, T, D]);
    const maskData = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskData[i * T + j] = -1e9;
    const mask = arr(maskData, [T, T]);
    const ln = (h, s, b) => nn.standardize(h, -1, { epsilon: 1e-6 }).mul(s).add(b);
    const heads = (a, W, b) => np.transpose(np.matmul(a, W).add(b).reshape([B, T, H, Dh]), [0, 2, 1, 3]);
    const loss = (p, x, mask) => {
      const a = ln(x.ref, p.ln1s, p.ln1b);
      const q = heads(a.ref, p.Wq, p.bq), k = heads(a.ref, p.Wk, p.bk), v = heads(a, p.Wv, p.bv);
      const w = nn.softmax(np.matmul(q, np.transpose(k, [0, 1, 3, 2])).mul(1 / Math.sqrt(Dh)).add(mask), -1);
      const att = np.transpose(np.matmul(w, v), [0, 2, 1, 3]).reshape([B, T, D]);
      const x1 = x.add(np.matmul(att, p.Wo).add(p.bo));
      const h = nn.gelu(np.matmul(ln(x1.ref, p.ln2s, p.ln2b), p.W1).add(p.b1));
      return np.square(x1.add(np.matmul(h, p.W2).add(p.b2))).mean();
    };
    const f = jit(valueAndGrad(loss, { argnums: [0, 1] }));
    return {
      run: async () => {
        const [l, [g, dx]] = f(refs(P), X.ref, mask.ref);
        return { loss: await l.data(), ...(await readTree(g)), x: await dx.data() };
      },
    };
  },
  // Task 13: jax-js has no Taylor mode: the Laplacian as the trace of hessian (forward over
  // reverse), the 4th derivative as four nested jvps
  "13a": laplacianTask,
  "13b": laplacianTask,
  "13c": laplacianTask,
  "13d": ({ params: p, x, v, n, d, hidden: H }) => {
    const P = params(p, { W1: [d, H], b1: [H], W2: [H, H], b2: [H], W3: [H], b3: [] });
    const X = arr(x, [n, d]);
    const V = arr(v, [d]);
    const d4 = (p, x, v) => {
      let g = (y) => mlp13(p, y);
      for (let k = 0; k < 4; k++) {
        const inner = g;
        g = (y) => jvp(inner, [y], [v.ref])[1];
      }
      return g(x);
    };
    const f = maybeJit(vmap(d4, [null, 0, null]));
    return { run: () => readTree(f(refs(P), X.ref, V.ref)) };
  },
};

/**
 * Task 8: RK4 of the neural ODE with a JavaScript loop (jax-js has no scan). options.ode:
 *   "unrolled" (default) valueAndGrad (hasAux: the loss mean(yT²) and yT) of the whole loop, under
 *              jit when options.jit: the loop is unrolled into one traced program of 4 · steps
 *              field evaluations
 *   "stepjit"  what a user writes instead of a scan: one jitted RK4 step run `steps` times forward
 *              (keeping every state), then one jitted step vjp run backwards, chaining the state's
 *              cotangent and accumulating the params' (the adjoint written by hand around jit)
 * Every use of a value but its last takes `.ref` (ops consume their inputs).
 */
function odeTask({ params: p, y0, batch, hidden: H, dt, steps }, options) {
  const P = params(p, { W1: [2, H], b1: [H], W2: [H, H], b2: [H], W3: [H, 2], b3: [2] });
  const Y0 = arr(y0, [batch, 2]);
  // consumes y; borrows the params
  const field = (p, y) =>
    np.matmul(np.tanh(np.matmul(np.tanh(np.matmul(y, p.W1.ref).add(p.b1.ref)), p.W2.ref).add(p.b2.ref)), p.W3.ref).add(p.b3.ref);
  const rk4 = (p, y) => {
    const k1 = field(p, y.ref);
    const k2 = field(p, y.ref.add(k1.ref.mul(dt / 2)));
    const k3 = field(p, y.ref.add(k2.ref.mul(dt / 2)));
    const k4 = field(p, y.ref.add(k3.ref.mul(dt)));
    return y.add(k1.add(k2.add(k3).mul(2)).add(k4).mul(dt / 6));
  };
  const dispose = (p) => Object.values(p).forEach((v) => v.dispose());
  const form = options.ode ?? "unrolled";
  if (form === "unrolled") {
    const loss = (p, y0) => {
      let y = y0;
      for (let n = 0; n < steps; n++) y = rk4(p, y);
      dispose(p);
      return [np.square(y.ref).mean(), y];
    };
    const f = maybeJit(valueAndGrad(loss, { hasAux: true }));
    return {
      run: async () => {
        const [[l, yT], g] = f(refs(P), Y0.ref);
        l.dispose();
        return { yT: await yT.data(), ...(await readTree(g)) };
      },
    };
  }
  if (form !== "stepjit") throw new Error(`unknown ode form ${form}`);
  const step = jit((p, y) => {
    const out = rk4(p, y);
    dispose(p);
    return out;
  });
  // [acc + d<step(p, y) · ybar>/dp, d<step(p, y) · ybar>/dy]
  const back = jit((p, y, ybar, acc) => {
    const [gp, gy] = grad((p, y) => {
      const out = rk4(p, y);
      dispose(p);
      return np.sum(out.mul(ybar.ref));
    }, { argnums: [0, 1] })(p, y);
    ybar.dispose();
    return [Object.fromEntries(Object.entries(acc).map(([k, a]) => [k, a.add(gp[k])])), gy];
  });
  return {
    run: async () => {
      const ys = [Y0.ref];
      for (let n = 0; n < steps; n++) ys.push(step(refs(P), ys[n].ref));
      const yT = ys[steps];
      let ybar = yT.ref.mul(1 / batch); // d mean(yT²) / d yT = 2 yT / (2B)
      let acc = Object.fromEntries(Object.entries(P).map(([k, v]) => [k, np.zeros(v.shape)]));
      for (let n = steps - 1; n >= 0; n--) [acc, ybar] = back(refs(P), ys[n], ybar, acc);
      ybar.dispose();
      return { yT: await yT.data(), ...(await readTree(acc)) };
    },
  };
}

function matmulTask({ a, b, m }) {
  const A = arr(a, [m, m]);
  const B = arr(b, [m, m]);
  const f = maybeJit((a, b) => np.matmul(a, b));
  return { run: () => readTree(f(A.ref, B.ref)) };
}

/** Task 13's MLP d-H-H-1 (tanh) on one point x [d]. */
const mlp13 = (p, x) => np.dot(np.tanh(np.matmul(np.tanh(np.matmul(x, p.W1).add(p.b1)), p.W2).add(p.b2)), p.W3).add(p.b3);

/** Task 13a-c: jit(vmap(x => trace(hessian(u)(x)))), jax-js's hessian (jacfwd of grad). */
function laplacianTask({ params: p, x, n, d, hidden: H }) {
  const P = params(p, { W1: [d, H], b1: [H], W2: [H, H], b2: [H], W3: [H], b3: [] });
  const X = arr(x, [n, d]);
  const lap = (p, x) => np.trace(hessian((y) => mlp13(p, y))(x));
  const f = maybeJit(vmap(lap, [null, 0]));
  return { run: () => readTree(f(refs(P), X.ref)) };
}
