// Peer: TensorFlow.js 4.22 (the @tensorflow/tfjs union package, needed in Node for
// gradients to be registered), with the `cpu` backend or the `wasm` backend
// (@tensorflow/tfjs-backend-wasm), chosen by options.backend.
// TF.js has no jit, no vmap and no fusion: every op runs eagerly.
//
// Task 4 (d²u/dx² of a scalar MLP for 4096 inputs) is nested tf.grad through the
// sum: each output depends only on its own input, so grad(sum(u)) is u' per input
// and grad(sum(u')) is u'' per input. options.tanh picks how tanh is written:
//   "native"   tf.tanh (the natural form; its gradient uses the saved output, and
//              a second tf.grad through it throws, tfjs issue 3252)
//   "exp"      1 - 2 / (exp(2z) + 1) (exp's gradient also uses its saved output)
//   "sinhcosh" sinh(z) / cosh(z) (gradients of sinh, cosh and div use only their
//              inputs, so a second tf.grad goes through them)

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const meta = {
  library: "TensorFlow.js",
  version: require("@tensorflow/tfjs/package.json").version,
};

export async function setup(options) {
  const backend = options.backend ?? "cpu";
  const ok = await tf.setBackend(backend);
  await tf.ready();
  if (!ok || tf.getBackend() !== backend) throw new Error(`TF.js backend ${backend} did not start (got ${tf.getBackend()})`);
  meta.version += ` ${backend}`;
}

const tanhForms = {
  native: (z) => tf.tanh(z),
  exp: (z) => tf.sub(1, tf.div(2, tf.add(tf.exp(tf.mul(z, 2)), 1))),
  sinhcosh: (z) => tf.div(tf.sinh(z), tf.cosh(z)),
};

/** Run fn inside tf.tidy, read every returned tensor back to a Float32Array, dispose them. */
async function readBack(fn) {
  const res = tf.tidy(fn);
  if (res instanceof tf.Tensor) {
    const out = await res.data();
    res.dispose();
    return out;
  }
  const out = {};
  for (const [k, t] of Object.entries(res)) {
    out[k] = await t.data();
    t.dispose();
  }
  return out;
}

function params(p, shapes) {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tf.tensor(v, shapes[k], "float32")]));
}

export const tasks = {
  "1": ({ x1, x2, n }) => {
    const a = tf.tensor1d(x1, "float32");
    const b = tf.tensor1d(x2, "float32");
    return {
      run: () => readBack(() => tf.add(tf.mul(tf.sqrt(tf.add(tf.square(a), tf.square(b))), tf.tanh(a)), 1)),
      dispose: () => tf.dispose([a, b]),
    };
  },
  "2a": matmulTask,
  "2b": matmulTask,
  "3": ({ params: p, x, batch, inDim, hidden: H }) => {
    const P = params(p, { W1: [inDim, H], b1: [H], W2: [H, H], b2: [H], W3: [H, 1], b3: [1] });
    const X = tf.tensor2d(x, [batch, inDim], "float32");
    const names = ["W1", "b1", "W2", "b2", "W3", "b3"];
    const loss = (W1, b1, W2, b2, W3, b3) => {
      const h1 = tf.tanh(tf.add(tf.matMul(X, W1), b1));
      const h2 = tf.tanh(tf.add(tf.matMul(h1, W2), b2));
      const out = tf.add(tf.matMul(h2, W3), b3);
      return tf.mean(tf.square(out));
    };
    const g = tf.grads(loss);
    return {
      run: () =>
        readBack(() => {
          const gs = g(names.map((k) => P[k]));
          return Object.fromEntries(names.map((k, i) => [k, gs[i]]));
        }),
      dispose: () => tf.dispose([X, ...Object.values(P)]),
    };
  },
  "4": ({ params: p, x, n, hidden: H }, options) => {
    const form = options.tanh ?? "native";
    const tanh = tanhForms[form];
    if (!tanh) throw new Error(`unknown tanh form ${form}`);
    const P = params(p, { W1: [1, H], b1: [H], W2: [H, H], b2: [H], W3: [H, 1], b3: [1] });
    const X = tf.tensor2d(x, [n, 1], "float32");
    const u = (xs) => {
      const h1 = tanh(tf.add(tf.matMul(xs, P.W1), P.b1));
      const h2 = tanh(tf.add(tf.matMul(h1, P.W2), P.b2));
      return tf.add(tf.matMul(h2, P.W3), P.b3); // [n, 1]
    };
    const du = tf.grad((xs) => tf.sum(u(xs))); // u'(x_i) for each i
    const d2u = tf.grad((xs) => tf.sum(du(xs))); // u''(x_i) for each i
    return {
      run: () => readBack(() => d2u(X)),
      dispose: () => tf.dispose([X, ...Object.values(P)]),
    };
  },
  // Task 6, the TF.js way: tf.losses.softmaxCrossEntropy takes one-hot labels (tf.oneHot of the
  // int32 labels, cast to float32), mean over rows by default; tf.valueAndGrad w.r.t. the logits.
  "6": ({ logits, labels, rows, classes }) => {
    const L = tf.tensor2d(logits, [rows, classes], "float32");
    const Y = tf.tensor1d(labels, "int32");
    const f = tf.valueAndGrad((l) => tf.losses.softmaxCrossEntropy(tf.cast(tf.oneHot(Y, classes), "float32"), l));
    return {
      run: () =>
        readBack(() => {
          const { value, grad } = f(L);
          return { loss: value, dlogits: grad };
        }),
      dispose: () => tf.dispose([L, Y]),
    };
  },
  // Task 7: out = tf.gather(table, ids, 0). Its gradient, options.gatherGrad:
  //   "scatterND" (default) tf.customGrad around the gather whose gradient is
  //                tf.scatterND(ids, dy, [V, D]) (dense, duplicates summed)
  //   "tf.grad"    tf.grad through tf.gather as it is: its gradient is UnsortedSegmentSum, which
  //                the wasm backend does not register (throws) and the cpu backend runs as one
  //                mask-and-sum pass over [B·T, D] per table row (50,000 passes: a first
  //                call had not finished after 10 minutes here)
  "7": ({ table, ids, w, vocab, dim, batch, seq }, options) => {
    const form = options.gatherGrad ?? "scatterND";
    const T = tf.tensor2d(table, [vocab, dim], "float32");
    const I = tf.tensor2d(ids, [batch, seq], "int32");
    const W = tf.tensor3d(w, [batch, seq, dim], "float32");
    const idx = tf.reshape(I, [batch * seq, 1]);
    const lookups = {
      scatterND: tf.customGrad((t) => ({
        value: tf.gather(t, I, 0),
        gradFunc: (dy) => tf.scatterND(idx, tf.reshape(dy, [batch * seq, dim]), [vocab, dim]),
      })),
      "tf.grad": (t) => tf.gather(t, I, 0),
    };
    const lookup = lookups[form];
    if (!lookup) throw new Error(`unknown gatherGrad form ${form}`);
    const g = tf.grad((t) => tf.sum(tf.mul(lookup(t), W)));
    return {
      run: () => readBack(() => ({ out: tf.gather(T, I, 0), dtable: g(T) })),
      dispose: () => tf.dispose([T, I, W, idx]),
    };
  },
  "8a": odeTask,
  "8b": odeTask,
  // Task 10: tf.conv2d (NHWC, HWIO kernels), tf.relu, tf.maxPool, tf.matMul, and
  // tf.losses.softmaxCrossEntropy of one-hot labels; tf.valueAndGrads w.r.t. the six parameters.
  "10": ({ params: p, x, labels, batch }) => {
    const P = params(p, { K1: [3, 3, 1, 8], b1: [8], K2: [3, 3, 8, 16], b2: [16], W3: [784, 10], b3: [10] });
    const X = tf.tensor4d(x, [batch, 28, 28, 1], "float32");
    const Y = tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), 10), "float32");
    const names = ["K1", "b1", "K2", "b2", "W3", "b3"];
    const block = (h, K, b) => tf.maxPool(tf.relu(tf.add(tf.conv2d(h, K, 1, "same"), b)), 2, 2, "valid");
    const loss = (K1, b1, K2, b2, W3, b3) => {
      const h = block(block(X, K1, b1), K2, b2);
      return tf.losses.softmaxCrossEntropy(Y, tf.add(tf.matMul(tf.reshape(h, [batch, 784]), W3), b3));
    };
    const f = tf.valueAndGrads(loss);
    return {
      run: () =>
        readBack(() => {
          const { value, grads } = f(names.map((k) => P[k]));
          return { loss: value, ...Object.fromEntries(names.map((k, i) => [k, grads[i]])) };
        }),
      dispose: () => tf.dispose([X, Y, ...Object.values(P)]),
    };
  },
  "11": () => {
    throw new Error("not implemented: tf.linalg has no solve and no cholesky (only bandPart, gramSchmidt, qr)");
  },
  // task 9: tf.conv2d (NHWC input, [fh, fw, in, out] filter: HWIO) and its output; options.convGrad:
  //   "tf.grads" (default) tf.grads of sum(conv2d · W) with respect to the input and the filter
  //                (the filter's gradient is Conv2DBackpropFilter, which the wasm backend does
  //                not register: it throws there)
  //   "conv2d"     the backward written by hand with kernels wasm has: dx = tf.conv2dTranspose(W,
  //                filter) (Conv2DBackpropInput), dfilter = a conv2d of the input read as
  //                [C, H, W, N] with W read as a [H, W, N, O] filter, padded by the SAME pads
  "9": ({ n, h, w, c, o, k, x, kernel, ct }, options) => {
    const X = tf.tensor4d(x, [n, h, w, c], "float32");
    const K = tf.tensor4d(kernel, [k, k, c, o], "float32");
    const W = tf.tensor4d(ct, [n, h, w, o], "float32");
    const conv = (x, k) => tf.conv2d(x, k, 1, "same");
    const lo = Math.floor((k - 1) / 2);
    const pads = [[0, 0], [lo, k - 1 - lo], [lo, k - 1 - lo], [0, 0]];
    const forms = {
      "tf.grads": () => {
        const g = tf.grads((x, k) => tf.sum(tf.mul(conv(x, k), W)));
        return () => g([X, K]);
      },
      conv2d: () => () => [
        tf.conv2dTranspose(W, K, [n, h, w, c], 1, "same"),
        tf.transpose(tf.conv2d(tf.transpose(X, [3, 1, 2, 0]), tf.transpose(W, [1, 2, 0, 3]), 1, pads), [1, 2, 0, 3]),
      ],
    };
    const form = forms[options.convGrad ?? "tf.grads"];
    if (!form) throw new Error(`unknown convGrad form ${options.convGrad}`);
    const back = form();
    return {
      run: () =>
        readBack(() => {
          const [dx, dkernel] = back();
          return { out: conv(X, K), dx, dkernel };
        }),
      dispose: () => tf.dispose([X, K, W]),
    };
  },
  // Task 12: the transformer block from eager ops (TF.js has no layerNorm, attention or gelu op):
  // tf.moments for the layerNorms, heads as [B, H, T, Dh] (reshape + transpose), tf.matMul with
  // transposeB for the logits, an additive causal mask (0 / -1e9) before tf.softmax, gelu written
  // in its tanh form; tf.valueAndGrads with respect to x and the 16 parameters.
  "12": ({ params: p, x, batch: B, seq: T, dim: D, heads: H, ff }) => {
    const Dh = D / H;
    const names = ["ln1s", "ln1b", "Wq", "bq", "Wk", "bk", "Wv", "bv", "Wo", "bo", "ln2s", "ln2b", "W1", "b1", "W2", "b2"];
    const v1 = [D], m = [D, D];
    const P = params(p, { ln1s: v1, ln1b: v1, Wq: m, bq: v1, Wk: m, bk: v1, Wv: m, bv: v1, Wo: m, bo: v1, ln2s: v1, ln2b: v1, W1: [D, ff], b1: [ff], W2: [ff, D], b2: v1 });
    const X = tf.tensor2d(x, [B * T, D], "float32"); // rows of the [B, T, D] input
    const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9));
    const c = Math.sqrt(2 / Math.PI);
    const ln = (h, s, b) => {
      const { mean, variance } = tf.moments(h, -1, true);
      return tf.add(tf.mul(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, 1e-6))), s), b);
    };
    const heads = (a, W, b) => tf.transpose(tf.reshape(tf.add(tf.matMul(a, W), b), [B, T, H, Dh]), [0, 2, 1, 3]);
    const loss = (x, ln1s, ln1b, Wq, bq, Wk, bk, Wv, bv, Wo, bo, ln2s, ln2b, W1, b1, W2, b2) => {
      const a = ln(x, ln1s, ln1b);
      const logits = tf.add(tf.mul(tf.matMul(heads(a, Wq, bq), heads(a, Wk, bk), false, true), 1 / Math.sqrt(Dh)), mask);
      const att = tf.reshape(tf.transpose(tf.matMul(tf.softmax(logits), heads(a, Wv, bv)), [0, 2, 1, 3]), [B * T, D]);
      const x1 = tf.add(x, tf.add(tf.matMul(att, Wo), bo));
      const z = tf.add(tf.matMul(ln(x1, ln2s, ln2b), W1), b1);
      const g = tf.mul(tf.mul(z, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(z, tf.mul(tf.mul(tf.mul(z, z), z), 0.044715)), c))));
      return tf.mean(tf.square(tf.add(x1, tf.add(tf.matMul(g, W2), b2))));
    };
    const vg = tf.valueAndGrads(loss);
    return {
      run: () =>
        readBack(() => {
          const { value, grads } = vg([X, ...names.map((k) => P[k])]);
          return { loss: value, x: grads[0], ...Object.fromEntries(names.map((k, i) => [k, grads[i + 1]])) };
        }),
      dispose: () => tf.dispose([X, mask, ...Object.values(P)]),
    };
  },
};

/**
 * Task 8: RK4 of the neural ODE as a JavaScript loop of eager ops (TF.js has no scan or jit), under
 * tf.valueAndGrads with respect to the six params (the tape records 4 · steps field evaluations).
 * yT is kept out of the gradient's scope with tf.keep, and disposed with the other outputs.
 */
function odeTask({ params: p, y0, batch, hidden: H, dt, steps }) {
  const names = ["W1", "b1", "W2", "b2", "W3", "b3"];
  const P = params(p, { W1: [2, H], b1: [H], W2: [H, H], b2: [H], W3: [H, 2], b3: [2] });
  const Y0 = tf.tensor2d(y0, [batch, 2], "float32");
  let yT;
  const loss = (W1, b1, W2, b2, W3, b3) => {
    const field = (y) => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(y, W1), b1)), W2), b2)), W3), b3);
    let y = Y0;
    for (let n = 0; n < steps; n++) {
      const k1 = field(y);
      const k2 = field(tf.add(y, tf.mul(k1, dt / 2)));
      const k3 = field(tf.add(y, tf.mul(k2, dt / 2)));
      const k4 = field(tf.add(y, tf.mul(k3, dt)));
      y = tf.add(y, tf.mul(tf.add(tf.add(k1, tf.mul(tf.add(k2, k3), 2)), k4), dt / 6));
    }
    yT = tf.keep(y);
    return tf.mean(tf.square(y));
  };
  const vg = tf.valueAndGrads(loss);
  return {
    run: () =>
      readBack(() => {
        const { grads } = vg(names.map((k) => P[k]));
        return { yT, ...Object.fromEntries(names.map((k, i) => [k, grads[i]])) };
      }),
    dispose: () => tf.dispose([Y0, ...Object.values(P)]),
  };
}

function matmulTask({ a, b, m }) {
  const A = tf.tensor2d(a, [m, m], "float32");
  const B = tf.tensor2d(b, [m, m], "float32");
  return { run: () => readBack(() => tf.matMul(A, B)), dispose: () => tf.dispose([A, B]) };
}
