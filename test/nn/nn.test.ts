import { beforeEach, describe, expect, it } from "vitest";
import { nn, grad, jit, vmap, mean, square, sub, tensor, random, astype, treeMap, index, reshape, sin, type Tensor, type AnyTensor } from "../../src/index.js";
import { settled, eachSeq } from "../harness/read.js";
import { float64Suite, uint32Suite } from "../harness/backend.js";

// on gpu.js, the float64 references and the random draws (uint32) run on wasm, by design
float64Suite();
uint32Suite();

const f64 = <P>(p: P): P => treeMap((t: AnyTensor) => astype(t, "float64") as AnyTensor, p);

describe("mlp", () => {
  it("initialises exactly the layer shapes and applies to batches", async () => {
    const model = nn.mlp([3, 5, 2]);
    const p = model.init(random.key(0));
    expect(p.map((l) => [l.w.shape, l.b.shape])).toEqual([
      [[3, 5], [5]],
      [[5, 2], [2]],
    ]);
    const x = random.normal(random.key(1), [4, 3]);
    const y = model.apply(p, x);
    expect(y.shape).toEqual([4, 2]);
    // independent check: the same network written with loops
    const X = (await settled(x)).toArray();
    const [l0, l1] = p;
    const W0 = (await settled(l0.w)).toArray(), B0 = (await settled(l0.b)).toArray(), W1 = (await settled(l1.w)).toArray(), B1 = (await settled(l1.b)).toArray();
    const Y = (await settled(y)).toArray();
    for (let r = 0; r < 4; r++) {
      const h = B0.map((b, j) => Math.tanh(b + X[r]!.reduce((s, xi, i) => s + xi * W0[i]![j]!, 0)));
      for (let k = 0; k < 2; k++) expect(Y[r]![k]).toBeCloseTo(B1[k]! + h.reduce((s, hj, j) => s + hj * W1[j]![k]!, 0), 5);
    }
  });

  it("vmap(model.apply, { inAxes: [null, 0] }): each example through the network, typed exactly (issue 14)", async () => {
    const model = nn.mlp([2, 3, 1]);
    const p = model.init(random.key(2));
    const xs = random.normal(random.key(3), [5, 2]) as Tensor<[5, 2]>;
    const ys: Tensor<[5, 1]> = vmap(model.apply, { inAxes: [null, 0] })(p, xs);
    const yss: Tensor<[5, 1]> = jit(vmap(model.apply, { inAxes: [null, 0] }))(p, xs);
    expect(ys.shape).toEqual([5, 1]);
    // independent check: the network written with loops, one example at a time
    const X = (await settled(xs)).toArray();
    const [l0, l1] = p;
    const W0 = (await settled(l0.w)).toArray(), B0 = (await settled(l0.b)).toArray(), W1 = (await settled(l1.w)).toArray(), B1 = (await settled(l1.b)).toArray();
    const Y = (await settled(ys)).toArray(), YJ = (await settled(yss)).toArray();
    for (let r = 0; r < 5; r++) {
      const h = B0.map((b, j) => Math.tanh(b + X[r]!.reduce((s, xi, i) => s + xi * W0[i]![j]!, 0)));
      const want = B1[0]! + h.reduce((s, hj, j) => s + hj * W1[j]![0]!, 0);
      expect(Y[r]![0]).toBeCloseTo(want, 5);
      expect(YJ[r]![0]).toBeCloseTo(want, 5);
    }
    // a wrong feature size: the layer's message for one example (the compile-time text too)
    const bad = random.normal(random.key(4), [5, 3]) as Tensor<[number, number]>;
    expect(() => vmap(model.apply, { inAxes: [null, 0] })(p, bad as never)).toThrow("mlp: the input has shape [3] but the first layer takes 2 inputs");
  });

  it("vmap(cell.apply) with the batched carry left unmapped: the cell's carry message, as at compile time", () => {
    const lstm = nn.lstmCell(2, 8);
    const xs = random.normal(random.key(5), [16, 2]);
    expect(() => vmap(lstm.apply, { inAxes: [null, null, 0] })(lstm.init(random.key(6)), lstm.initCarry([16]), xs as never)).toThrow(
      "lstmCell: the carry has shape [16, 8] but an input of shape [2] needs [8]",
    );
  });

  it("Glorot uniform stays within its bound", async () => {
    const w = nn.glorotUniform(random.key(3), [40, 60]);
    const a = Math.sqrt(6 / 100);
    const v = Array.from(await w.data());
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.9 * a);
  });

  it("rejects an input whose width is not the first layer's", () => {
    const model = nn.mlp([3, 2]);
    const p = model.init(random.key(0));
    const bad = random.normal(random.key(1), [4, 5]) as Tensor<[number, number]>;
    expect(() => model.apply(p, bad as never)).toThrow(/mlp: the input has shape \[4, 5\] but the first layer takes 3 inputs/);
  });

  it("training reduces the loss on a fixed seed", async () => {
    const model = nn.mlp([1, 16, 1]);
    type P = ReturnType<typeof model.init>;
    let p = model.init(random.key(42));
    const x = reshape(random.uniform(random.key(5), [64], { minval: -2, maxval: 2 }), [64, 1]);
    const y = sin(x);
    const loss = (p: P) => mean(square(sub(model.apply(p, x), y)));
    const opt = nn.adam({ learningRate: 1e-2 });
    let s = opt.init(p);
    const step = jit((p: P, s: typeof opt extends nn.Adam ? nn.AdamState<P> : never) => {
      const [u, s2] = opt.update(grad(loss)(p), s, p);
      return [nn.applyUpdates(p, u), s2] as const;
    });
    const before = (await settled(loss(p))).item();
    for (let i = 0; i < 300; i++) [p, s] = step(p, s) as [P, nn.AdamState<P>];
    const after = (await settled(loss(p))).item();
    expect(after).toBeLessThan(before / 20);
    expect(step.traceCount).toBe(1);
  });
});

describe("optimisers equal hand computations", () => {
  const g1 = [0.5, -1.5, 2];
  const g2 = [-0.25, 1, 0.75];
  const p0 = [1, 2, -3];
  const T = (v: number[]) => tensor(v, [3], "float64");

  it("SGD with momentum and Nesterov", async () => {
    for (const nesterov of [false, true]) {
      const opt = nn.sgd({ learningRate: 0.1, momentum: 0.9, nesterov });
      let p = { w: T(p0) };
      let s = opt.init(p);
      const v = [0, 0, 0];
      const q = [...p0];
      for (const g of [g1, g2]) {
        const [u, s2] = opt.update({ w: T(g) }, s, p);
        p = nn.applyUpdates(p, u);
        s = s2;
        for (let i = 0; i < 3; i++) {
          v[i] = 0.9 * v[i]! + g[i]!;
          q[i]! -= 0.1 * (nesterov ? 0.9 * v[i]! + g[i]! : v[i]!);
        }
      }
      Array.from(await p.w.data()).forEach((x, i) => expect(x).toBeCloseTo(q[i]!, 12));
    }
  });

  it("plain SGD", async () => {
    const opt = nn.sgd({ learningRate: 0.5 });
    const p = { w: T(p0) };
    const [u] = opt.update({ w: T(g1) }, opt.init(p), p);
    Array.from(await nn.applyUpdates(p, u).w.data()).forEach((x, i) => expect(x).toBeCloseTo(p0[i]! - 0.5 * g1[i]!, 12));
  });

  it("Adam with bias correction", async () => {
    const lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const opt = nn.adam({ learningRate: lr, b1, b2, eps });
    let p = [T(p0)];
    let s = opt.init(p);
    const m = [0, 0, 0], v = [0, 0, 0], q = [...p0];
    [g1, g2, g1].forEach((g, t) => {
      const [u, s2] = opt.update([T(g)], s, p);
      p = nn.applyUpdates(p, u);
      s = s2;
      for (let i = 0; i < 3; i++) {
        m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
        v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
        const mh = m[i]! / (1 - b1 ** (t + 1));
        const vh = v[i]! / (1 - b2 ** (t + 1));
        q[i]! -= (lr * mh) / (Math.sqrt(vh) + eps);
      }
    });
    expect((await settled(s.count)).item()).toBe(3);
    Array.from(await p[0]!.data()).forEach((x, i) => expect(x).toBeCloseTo(q[i]!, 10));
  });

  it("rejects bad settings and mismatched trees", () => {
    expect(() => nn.adam({ learningRate: -1 })).toThrow(/learningRate/);
    expect(() => nn.sgd({ learningRate: 0.1, momentum: 1 })).toThrow(/momentum/);
    const opt = nn.sgd({ learningRate: 0.1, momentum: 0.5 });
    const s = opt.init({ w: T(p0) });
    expect(() => opt.update({ w: tensor([1, 2], [2], "float64") } as never, s as never)).toThrow(/structure|shape/);
  });
});

describe("input derivatives equal float64 finite differences", () => {
  const model = nn.mlp([2, 8, 8, 1]);
  // drawn before the first test (a random draw outside a test would be an unexplained fallback on gpu.js)
  let p: ReturnType<typeof model.init> | undefined;
  beforeEach(() => void (p ??= f64(model.init(random.key(11)))));
  // mlp is typed float32 (its params, f64's result, keep that type); here it runs in float64
  const u = (x: Tensor<[2], "float64">) => index(model.apply(p!, x as unknown as Tensor<[2]>), 0) as unknown as Tensor<[], "float64">;
  const x0 = [0.3, -0.7];
  const at = async (v: number[]) => (await settled(u(tensor(v, [2], "float64")))).item();
  const h = 1e-4;
  const fd2 = async (i: number) => {
    const e = [0, 0];
    e[i] = h;
    return ((await at([x0[0]! + e[0]!, x0[1]! + e[1]!])) - 2 * (await at(x0)) + (await at([x0[0]! - e[0]!, x0[1]! - e[1]!]))) / (h * h);
  };

  it("Hessian diagonal and Laplacian", async () => {
    const x = tensor(x0, [2], "float64");
    const d = await nn.hessianDiagonal(u)(x).data();
    expect(d[0]).toBeCloseTo(await fd2(0), 5);
    expect(d[1]).toBeCloseTo(await fd2(1), 5);
    expect((await settled(nn.laplacian(u)(x))).item()).toBeCloseTo((await fd2(0)) + (await fd2(1)), 5);
  });

  it("vmap(grad(grad(u))) of a scalar network over a batch", async () => {
    const m1 = nn.mlp([1, 8, 1]);
    const p1 = f64(m1.init(random.key(12)));
    const u1 = (x: Tensor<[], "float64">) => index(m1.apply(p1, reshape(x, [1]) as unknown as Tensor<[1]>), 0) as unknown as Tensor<[], "float64">;
    const xs = tensor([-0.5, 0.1, 0.9], [3], "float64");
    const d2 = await vmap(grad(grad(u1)))(xs).data();
    const f = async (v: number) => (await settled(u1(tensor([v], [], "float64")))).item();
    await eachSeq(Array.from(await xs.data()), async (v, i) => expect(d2[i]).toBeCloseTo(((await f(v + h)) - 2 * (await f(v)) + (await f(v - h))) / (h * h), 5));
    // and the hvp form agrees with the Hessian diagonal
    const x = tensor(x0, [2], "float64");
    const hv = await nn.hvp(u, x, tensor([1, 0], [2], "float64")).data();
    expect(hv[0]).toBeCloseTo((await nn.hessianDiagonal(u)(x).data())[0]!, 10);
  });
});
