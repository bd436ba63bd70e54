// Peer: shapegrad (this repository's library, ../../src), run under tsx.
// options.mode: "jit" (each task wrapped in jit: traced once, fused, compiled) or "eager"
// (op by op, each op a cached one-node kernel); options.backend: a shapegrad backend name.
import * as sg from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

type Options = { mode?: "jit" | "eager"; backend?: string; laplacian?: "forward" | "hvp" | "hessian"; deriv4?: "jet" | "nested" };
type Result = Float32Array | Record<string, Float32Array>; // tasks 3, 6, 7: named outputs
type Prepared = { run: () => Result | Promise<Result> };
type Inputs = Record<string, any>;
type Prepare = (inputs: Inputs, options: Options) => Prepared;

export const meta = { library: "shapegrad", version: "" };
let useJit = true;

export async function setup(options: Options): Promise<void> {
  // useBackend: loads gpu.js for a gpu.js name, and refuses one that cannot run here (no numbers from a fallback)
  await sg.useBackend((options.backend ?? "wasm") as sg.BackendName);
  useJit = options.mode !== "eager";
  meta.version = `${sg.defaultBackend().name} ${useJit ? "jit" : "eager"}`;
}

const maybeJit = <F extends (...a: never[]) => unknown>(f: F): F => (useJit ? sg.jit(f) : f);
const t = (data: Float32Array | number[], shape: readonly number[]) => sg.tensor(Float32Array.from(data), shape);

async function read(out: unknown): Promise<Result> {
  if (out instanceof sg.Tensor) return (await out.data()) as Float32Array;
  const res: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(out as Record<string, sg.AnyTensor>)) res[k] = (await v.data()) as Float32Array;
  return res;
}

export const tasks: Record<string, Prepare> = {
  "1": ({ x1, x2 }) => {
    const a = t(x1, [x1.length]);
    const b = t(x2, [x2.length]);
    const f = maybeJit((a: Tensor<[number]>, b: Tensor<[number]>) => sg.add(sg.mul(sg.sqrt(sg.add(sg.square(a), sg.square(b))), sg.tanh(a)), 1));
    return { run: () => read(f(a, b)) };
  },
  "2a": matmulTask,
  "2b": matmulTask,
  "3": ({ params: p, x, batch, inDim, hidden: H }) => {
    const P = {
      W1: t(p.W1, [inDim, H]),
      b1: t(p.b1, [H]),
      W2: t(p.W2, [H, H]),
      b2: t(p.b2, [H]),
      W3: t(p.W3, [H, 1]),
      b3: t(p.b3, [1]),
    };
    const X = t(x, [batch, inDim]);
    type Params = typeof P;
    const loss = (p: Params, x: typeof X) => {
      const h1 = sg.tanh(sg.add(sg.matmul(x, p.W1), p.b1));
      const h2 = sg.tanh(sg.add(sg.matmul(h1, p.W2), p.b2));
      return sg.mean(sg.square(sg.add(sg.matmul(h2, p.W3), p.b3)));
    };
    const g = maybeJit(sg.grad(loss));
    return { run: () => read(g(P, X)) };
  },
  "4": ({ params: p, x, n, hidden: H }) => {
    // u takes one scalar x; W1 and W3 are vectors [H], b3 a scalar (the same layout as the other peers)
    const P = { W1: t(p.W1, [H]), b1: t(p.b1, [H]), W2: t(p.W2, [H, H]), b2: t(p.b2, [H]), W3: t(p.W3, [H]), b3: t(p.b3, []) };
    const X = t(x, [n]);
    type Params = typeof P;
    const u = (p: Params, x: Tensor<[]>) => {
      const h1 = sg.tanh(sg.add(sg.mul(p.W1, x), p.b1));
      const h2 = sg.tanh(sg.add(sg.matmul(h1, p.W2), p.b2));
      return sg.add(sg.dot(h2, p.W3), p.b3);
    };
    const d2 = sg.grad(sg.grad(u, { argnums: 1 }), { argnums: 1 });
    const f = maybeJit(sg.vmap(d2, { inAxes: [null, 0] }));
    return { run: () => read(f(P, X)) };
  },
  "6": ({ logits, labels, rows, classes }) => {
    const L = sg.tensor(Float32Array.from(logits), [rows, classes] as [number, number]);
    const Y = sg.tensor(Int32Array.from(labels), [rows] as [number]); // int32, not differentiated
    const loss = (logits: typeof L, labels: typeof Y) =>
      sg.neg(sg.mean(sg.takeAlongAxis(sg.nn.logSoftmax(logits, -1), sg.expandDims(labels, 1), 1)));
    const f = maybeJit(sg.valueAndGrad(loss)); // argnums 0: with respect to the logits
    return {
      run: async () => {
        const [l, g] = f(L, Y);
        return { loss: (await l.data()) as Float32Array, dlogits: (await g.data()) as Float32Array };
      },
    };
  },
  "7": ({ table, ids, w, vocab, dim, batch, seq }) => {
    const T = sg.tensor(Float32Array.from(table), [vocab, dim] as [number, number]);
    const I = sg.tensor(Int32Array.from(ids), [batch, seq] as [number, number]);
    const W = sg.tensor(Float32Array.from(w), [batch, seq, dim] as [number, number, number]);
    const lookup = maybeJit((table: typeof T, ids: typeof I) => sg.take(table, ids, 0));
    // ids and w are arguments (not constants baked into the jitted graph); argnums 0: the table
    const g = maybeJit(sg.grad((table: typeof T, ids: typeof I, w: typeof W) => sg.sum(sg.mul(sg.take(table, ids, 0), w))));
    return {
      run: async () => ({ out: (await lookup(T, I).data()) as Float32Array, dtable: (await g(T, I, W).data()) as Float32Array }),
    };
  },
  "8a": odeTask,
  "8b": odeTask,
  "10": ({ params: p, x, labels, batch }) => {
    const N = batch as 64;
    const P = {
      K1: t(p.K1, [3, 3, 1, 8]) as Tensor<[3, 3, 1, 8]>,
      b1: t(p.b1, [8]) as Tensor<[8]>,
      K2: t(p.K2, [3, 3, 8, 16]) as Tensor<[3, 3, 8, 16]>,
      b2: t(p.b2, [16]) as Tensor<[16]>,
      W3: t(p.W3, [784, 10]) as Tensor<[784, 10]>,
      b3: t(p.b3, [10]) as Tensor<[10]>,
    };
    const X = t(x, [N, 28, 28, 1]) as Tensor<[64, 28, 28, 1]>;
    const Y = sg.tensor(Int32Array.from(labels), [N] as [64]);
    type Params = typeof P;
    const dn = { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] } as const;
    // conv 3×3 SAME + bias, relu, max-pool 2×2 stride 2 (flax's nn.max_pool, NHWC)
    const pool = (h: Tensor<[64, number, number, number]>) => sg.nn.maxPool(sg.nn.relu(h), [2, 2], { strides: [2, 2] });
    const loss = (p: Params, x: typeof X, y: typeof Y) => {
      const h1 = pool(sg.add(sg.lax.convGeneralDilated(x, p.K1, [1, 1], "SAME", dn), p.b1));
      const h2 = pool(sg.add(sg.lax.convGeneralDilated(h1, p.K2, [1, 1], "SAME", dn), p.b2));
      const logits = sg.add(sg.matmul(sg.reshape(h2, [N, 784]), p.W3), p.b3);
      return sg.mean(sg.nn.softmaxCrossEntropyWithIntegerLabels(logits, y));
    };
    const f = maybeJit(sg.valueAndGrad(loss));
    return {
      run: async () => {
        const [l, g] = f(P, X, Y);
        const out: Record<string, Float32Array> = { loss: (await l.data()) as Float32Array };
        for (const [k, v] of Object.entries(g)) out[k] = (await (v as sg.AnyTensor).data()) as Float32Array;
        return out;
      },
    };
  },
  "11": ({ a, b, spd, n }) => {
    const A = sg.tensor(Float32Array.from(a), [n, n] as [number, number]);
    const B = sg.tensor(Float32Array.from(b), [n] as [number]);
    const S = sg.tensor(Float32Array.from(spd), [n, n] as [number, number]);
    const solve = maybeJit((a: typeof A, b: typeof B) => sg.linalg.solve(a, b));
    const chol = maybeJit((s: typeof S) => sg.linalg.cholesky(s));
    return { run: async () => ({ x: (await solve(A, B).data()) as Float32Array, L: (await chol(S).data()) as Float32Array }) };
  },
  "9": ({ n, h, w, c, o, k, x, kernel, ct }) => {
    const X = sg.tensor(Float32Array.from(x), [n, h, w, c] as [number, number, number, number]);
    const Kn = sg.tensor(Float32Array.from(kernel), [k, k, c, o] as [number, number, number, number]);
    const W = sg.tensor(Float32Array.from(ct), [n, h, w, o] as [number, number, number, number]);
    const conv = (x: typeof X, k: typeof Kn) => sg.lax.convGeneralDilated(x, k, [1, 1], "SAME", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] });
    // the output and its vjp at W: one forward, two transposed convolutions
    const f = maybeJit((x: typeof X, k: typeof Kn, w: typeof W) => {
      const [out, back] = sg.vjp(conv, x, k);
      const [dx, dk] = back(w);
      return [out, dx, dk] as const;
    });
    return {
      run: async () => {
        const [out, dx, dk] = f(X, Kn, W);
        return { out: (await out.data()) as Float32Array, dx: (await dx.data()) as Float32Array, dkernel: (await dk.data()) as Float32Array };
      },
    };
  },
  // Task 12: a pre-norm transformer block with the nn layers (nn.layerNorm, nn.multiHeadAttention
  // with causal: true, nn.gelu: its default tanh form) and matmuls for the MLP, under
  // jit(valueAndGrad(loss, { argnums: [0, 1] })): the gradients of the params tree and of x.
  // The flat [D, D] weights of the other peers are flax's [D, H, Dh] / [H, Dh, D] kernels reshaped.
  "12": ({ params: p, x, batch, seq, dim, heads, ff }) => {
    type D = 256;
    const [B, T, Dm, H, F] = [batch as 8, seq as 128, dim as D, heads as 4, ff as 1024];
    const Dh = (Dm / H) as 64;
    const ln1 = sg.nn.layerNorm(Dm);
    const ln2 = sg.nn.layerNorm(Dm);
    const mha = sg.nn.multiHeadAttention({ numHeads: H, qkvFeatures: Dm });
    const proj = (w: Float32Array, b: Float32Array) => ({ kernel: t(w, [Dm, H, Dh]) as Tensor<[D, 4, 64]>, bias: t(b, [H, Dh]) as Tensor<[4, 64]> });
    const P = {
      ln1: { scale: t(p.ln1s, [Dm]) as Tensor<[D]>, bias: t(p.ln1b, [Dm]) as Tensor<[D]> },
      attn: {
        query: proj(p.Wq, p.bq),
        key: proj(p.Wk, p.bk),
        value: proj(p.Wv, p.bv),
        out: { kernel: t(p.Wo, [H, Dh, Dm]) as Tensor<[4, 64, D]>, bias: t(p.bo, [Dm]) as Tensor<[D]> },
      },
      ln2: { scale: t(p.ln2s, [Dm]) as Tensor<[D]>, bias: t(p.ln2b, [Dm]) as Tensor<[D]> },
      mlp: { w1: t(p.W1, [Dm, F]) as Tensor<[D, 1024]>, b1: t(p.b1, [F]) as Tensor<[1024]>, w2: t(p.W2, [F, Dm]) as Tensor<[1024, D]>, b2: t(p.b2, [Dm]) as Tensor<[D]> },
    };
    const X = t(x, [B, T, Dm]) as Tensor<[8, 128, D]>;
    type Params = typeof P;
    const loss = (p: Params, x: typeof X) => {
      const x1 = sg.add(x, mha.apply(p.attn, ln1.apply(p.ln1, x), { causal: true }));
      const h = sg.nn.gelu(sg.add(sg.matmul(ln2.apply(p.ln2, x1), p.mlp.w1), p.mlp.b1));
      const out = sg.add(x1, sg.add(sg.matmul(h, p.mlp.w2), p.mlp.b2));
      return sg.mean(sg.square(out));
    };
    const f = maybeJit(sg.valueAndGrad(loss, { argnums: [0, 1] }));
    return {
      run: async () => {
        const [l, [g, dx]] = f(P, X);
        const a = g.attn;
        const pairs: [string, sg.AnyTensor][] = [
          ["loss", l], ["ln1s", g.ln1.scale], ["ln1b", g.ln1.bias],
          ["Wq", a.query.kernel], ["bq", a.query.bias], ["Wk", a.key.kernel], ["bk", a.key.bias],
          ["Wv", a.value.kernel], ["bv", a.value.bias], ["Wo", a.out.kernel], ["bo", a.out.bias],
          ["ln2s", g.ln2.scale], ["ln2b", g.ln2.bias], ["W1", g.mlp.w1], ["b1", g.mlp.b1], ["W2", g.mlp.w2], ["b2", g.mlp.b2], ["x", dx],
        ];
        const out: Record<string, Float32Array> = {};
        for (const [k, v] of pairs) out[k] = (await v.data()) as Float32Array;
        return out;
      },
    };
  },
  "13a": laplacianTask,
  "13b": laplacianTask,
  "13c": laplacianTask,
  "13d": ({ params: p, x, v, n, d, hidden: H }, options) => {
    const { P, X, u } = mlp13(p, x, n, d, H);
    const V = t(v, [d]);
    type Point = Tensor<[number]>;
    // options.deriv4: "jet" (default, nn.higherDerivative: one Taylor pass) or "nested" (four nested jvps)
    const nested = (p: typeof P, x: Point, v: Point) => {
      let g = (y: Point) => u(p, y);
      for (let k = 0; k < 4; k++) {
        const inner = g;
        g = (y: Point) => sg.jvp(inner, [y], [v])[1];
      }
      return g(x);
    };
    const d4 = options.deriv4 === "nested" ? nested : (p: typeof P, x: Point, v: Point) => sg.nn.higherDerivative((y: Point) => u(p, y), 4)(x, v);
    const f = maybeJit(sg.vmap(d4, { inAxes: [null, 0, null] }));
    return { run: () => read(f(P, X, V)) };
  },
};

/** Task 13's MLP d-H-H-1 (tanh) on one point x [d]: W3 a vector [H], b3 a scalar. */
function mlp13(p: Inputs, x: number[] | Float32Array, n: number, d: number, H: number) {
  const P = { W1: t(p.W1, [d, H]), b1: t(p.b1, [H]), W2: t(p.W2, [H, H]), b2: t(p.b2, [H]), W3: t(p.W3, [H]), b3: t(p.b3, []) };
  const X = t(x, [n, d]) as Tensor<[number, number]>;
  const u = (p: typeof P, x: Tensor<[number]>) => sg.add(sg.dot(sg.tanh(sg.add(sg.matmul(sg.tanh(sg.add(sg.matmul(x, p.W1), p.b1)), p.W2), p.b2)), p.W3), p.b3);
  return { P, X, u };
}

/**
 * Task 13a-c: the Laplacian of u at each point. options.laplacian: "forward" (default,
 * nn.laplacian: the forward-Laplacian pass), "hvp" (nn.laplacian(u, { method: "hvp" }): d
 * Hessian-vector products) or "hessian" (sum(diagonal(hessian(u)))).
 */
function laplacianTask({ params: p, x, n, d, hidden: H }: Inputs, options: Options): Prepared {
  const { P, X, u } = mlp13(p, x, n, d, H);
  type Point = Tensor<[number]>;
  const lap =
    options.laplacian === "hessian"
      ? (p: typeof P, x: Point) => sg.sum(sg.diagonal(sg.hessian((y: Point) => u(p, y))(x)))
      : (p: typeof P, x: Point) => sg.nn.laplacian((y: Point) => u(p, y), { method: options.laplacian === "hvp" ? "hvp" : "forward" })(x);
  const f = maybeJit(sg.vmap(lap, { inAxes: [null, 0] }));
  return { run: () => read(f(P, X)) };
}

/**
 * Task 8: RK4 of the neural ODE dy/dt = f(y) as one lax.scan over the steps (the body traced once,
 * whatever the step count), under jit(valueAndGrad(loss, { hasAux: true })): loss = mean(yT²),
 * aux = yT. Reverse mode goes back through the scan (a reverse scan over the saved carries).
 */
function odeTask({ params: p, y0, batch, hidden: H, dt, steps }: Inputs): Prepared {
  const P = { W1: t(p.W1, [2, H]), b1: t(p.b1, [H]), W2: t(p.W2, [H, H]), b2: t(p.b2, [H]), W3: t(p.W3, [H, 2]), b3: t(p.b3, [2]) };
  const Y0 = t(y0, [batch, 2]);
  type Params = typeof P;
  type State = typeof Y0;
  const field = (p: Params, y: State): State =>
    sg.add(sg.matmul(sg.tanh(sg.add(sg.matmul(sg.tanh(sg.add(sg.matmul(y, p.W1), p.b1)), p.W2), p.b2)), p.W3), p.b3);
  const loss = (p: Params, y0: State) => {
    const [yT] = sg.lax.scan(
      (y: State) => {
        const k1 = field(p, y);
        const k2 = field(p, sg.add(y, sg.mul(k1, dt / 2)));
        const k3 = field(p, sg.add(y, sg.mul(k2, dt / 2)));
        const k4 = field(p, sg.add(y, sg.mul(k3, dt)));
        return [sg.add(y, sg.mul(sg.add(sg.add(k1, sg.mul(sg.add(k2, k3), 2)), k4), dt / 6)), null] as const;
      },
      y0,
      null,
      { length: steps as number },
    );
    return [sg.mean(sg.square(yT)), yT] as const;
  };
  const f = maybeJit(sg.valueAndGrad(loss, { hasAux: true }));
  return {
    run: async () => {
      const [[, yT], g] = f(P, Y0);
      return { yT: (await yT.data()) as Float32Array, ...(await read(g)) };
    },
  };
}

function matmulTask({ a, b, m }: Inputs): Prepared {
  const A = t(a, [m, m]);
  const B = t(b, [m, m]);
  const f = maybeJit((a: typeof A, b: typeof B) => sg.matmul(a, b));
  return { run: () => read(f(A, B)) };
}
