// Peer: jax-js (npm @jax-js/jax) on its `wasm` device (init("wasm"); init() with no
// argument throws on Node 20). options.jit (default true) wraps each task in jit().
// Memory model: every op consumes (decrements the refcount of) its array arguments;
// `.ref` keeps one alive. The inputs made in prepare() are passed as `.ref` on each
// call, so they survive; `await out.data()` consumes the output.

import { init, defaultDevice, numpy as np, nn, jit, grad, valueAndGrad, vmap } from "@jax-js/jax";
import { lax as convLax } from "@jax-js/jax"; // task 9
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
  // task 9: jax-js's lax.convGeneralDilated takes NCHW / OIHW only (no dimension numbers), so the
  // NHWC input and HWIO kernel are transposed inside the jitted function, and the results back
  "9": ({ n, h, w, c, o, k, x, kernel, ct }) => {
    const X = arr(x, [n, h, w, c]);
    const K = arr(kernel, [k, k, c, o]);
    const W = arr(ct, [n, h, w, o]);
    const conv = (x, k) => np.transpose(convLax.convGeneralDilated(np.transpose(x, [0, 3, 1, 2]), np.transpose(k, [3, 2, 0, 1]), [1, 1], "SAME"), [0, 2, 3, 1]);
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
};

function matmulTask({ a, b, m }) {
  const A = arr(a, [m, m]);
  const B = arr(b, [m, m]);
  const f = maybeJit((a, b) => np.matmul(a, b));
  return { run: () => readTree(f(A.ref, B.ref)) };
}
