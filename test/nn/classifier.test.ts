// A small softmax classifier written as model code: integer labels, dropout drawn from a key that
// is a jit argument, a takeAlongAxis cross-entropy; trained with one jitted step, and its gradient
// checked against float64 central differences with the same dropout mask.
import { describe, expect, it } from "vitest";
import { settled } from "../harness/read.js";
import {
  nn, random, jit, grad, valueAndGrad, matmul, add, sub, mul, div, where, tanh, mean, neg, takeAlongAxis, expandDims, argmax,
  astype, equal, treeMap, tensor, type Tensor, type PRNGKey, type AnyTensor,
} from "../../src/index.js";
import { float64Suite, uint32Suite } from "../harness/backend.js";

// on gpu.js, the float64 references and the random draws (uint32) run on wasm, by design
float64Suite();
uint32Suite();

const N = 64, D = 4, H = 16, C = 3;
const KEEP = 0.9;

type Params<F extends "float32" | "float64"> = { w1: Tensor<[4, 16], F>; b1: Tensor<[16], F>; w2: Tensor<[16, 3], F>; b2: Tensor<[3], F> };

/** logits of the MLP, with inverted dropout on the hidden layer when a key is given. */
function logits<F extends "float32" | "float64">(p: Params<F>, x: Tensor<[64, 4], F>, key: PRNGKey | null): Tensor<[64, 3], F> {
  // the ops' types cannot resolve a generic dtype: the body computes with F widened, the result is F
  const q: Params<"float32" | "float64"> = p, xw: Tensor<[64, 4], "float32" | "float64"> = x;
  let h = tanh(add(matmul(xw, q.w1), q.b1));
  if (key !== null) h = where(random.bernoulli(key, KEEP, [N, H]), div(h, KEEP), 0);
  return add(matmul(h, q.w2), q.b2) as Tensor<[64, 3], F>;
}

/** mean over rows of -log softmax(logits)[row, label[row]] */
function loss<F extends "float32" | "float64">(p: Params<F>, x: Tensor<[64, 4], F>, labels: Tensor<[64], "int32">, key: PRNGKey | null) {
  const logp = nn.logSoftmax(logits(p, x, key), -1);
  return neg(mean(takeAlongAxis(logp, expandDims(labels, 1), 1)));
}

function data<F extends "float32" | "float64">(f: F): { x: Tensor<[64, 4], F>; labels: Tensor<[64], "int32">; p: Params<F> } {
  const dtype: "float32" | "float64" = f;
  const [kx, kw, kp] = random.split(random.key(7), 3);
  const x = random.normal(kx, [N, D], dtype) as Tensor<[64, 4], F>;
  // labels: the class a fixed linear map prefers (a separable problem)
  const labels = argmax(matmul(x, random.normal(kw, [D, C], dtype)), 1) as Tensor<[64], "int32">;
  const [k1, k2] = random.split(kp);
  const p = {
    w1: mul(random.normal(k1, [D, H], dtype), 0.5),
    b1: astype(random.uniform(k2, [H], { minval: -0.1, maxval: 0.1 }), dtype),
    w2: mul(random.normal(k2, [H, C], dtype), 0.5),
    b2: astype(random.uniform(k1, [C], { minval: -0.1, maxval: 0.1 }), dtype),
  } as Params<F>;
  return { x, labels, p };
}

const accuracy = async (p: Params<"float32">, x: Tensor<[64, 4]>, labels: Tensor<[64], "int32">) =>
  (await settled(mean(astype(equal(argmax(logits(p, x, null), 1), labels), "float32")))).item();

describe("a softmax classifier with integer labels and dropout, jitted", () => {
  it("trains: one trace, fresh dropout noise every step, loss falls, accuracy rises", async () => {
    const { x, labels, p: p0 } = data("float32");
    const step = jit((p: Params<"float32">, key: PRNGKey, x: Tensor<[64, 4]>, labels: Tensor<[64], "int32">) => {
      const [l, g] = valueAndGrad(loss<"float32">)(p, x, labels, key);
      return [l, treeMap((w: AnyTensor, gw: AnyTensor) => sub(w, mul(gw, 0.5)) as AnyTensor, p, g)] as const;
    });
    const start = (await settled(loss(p0, x, labels, null))).item();
    const acc0 = await accuracy(p0, x, labels);
    let p = p0;
    const base = random.key(1);
    for (let i = 0; i < 300; i++) p = step(p, random.foldIn(base, i), x, labels)[1] as Params<"float32">;
    expect(step.traceCount).toBe(1);
    expect((await settled(loss(p, x, labels, null))).item()).toBeLessThan(0.5 * start);
    expect(await accuracy(p, x, labels)).toBeGreaterThan(Math.max(0.9, acc0));

    // the key is an argument, not a constant: two keys give two masks (two losses), one key one
    const [la] = step(p, random.key(100), x, labels);
    const [lb] = step(p, random.key(101), x, labels);
    const [la2] = step(p, random.key(100), x, labels);
    expect((await settled(la)).item()).not.toBe((await settled(lb)).item());
    expect((await settled(la2)).item()).toBe((await settled(la)).item());
    // and the jitted loss is the eager loss with the same key
    expect((await settled(la)).item()).toBeCloseTo((await settled(loss(p, x, labels, random.key(100)))).item(), 5);
  });

  it("its gradient (dropout mask included) matches float64 central differences", async () => {
    const { x, labels, p } = data("float64");
    const key = random.key(5);
    const g = jit(grad(loss<"float64">))(p, x, labels, key) as Params<"float64">;
    const f = async (q: Params<"float64">) => (await settled(loss(q, x, labels, key))).item();
    const eps = 1e-6;
    for (const name of ["w1", "b1", "w2", "b2"] as const) {
      const w = (await p[name].data()) as Float64Array;
      const gw = (await g[name].data()) as Float64Array;
      for (let i = 0; i < w.length; i++) {
        const at = async (d: number) => {
          const v = Float64Array.from(w);
          v[i]! += d;
          return await f({ ...p, [name]: tensor(v, [...p[name].shape]) });
        };
        const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
        expect(Math.abs(gw[i]! - fd), `${name}[${i}]`).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});
