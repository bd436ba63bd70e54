// nn.sequential against the same layers composed by hand (and the dense + relu + layerNorm path
// against plain float64 loops), its params tuple from split keys, gradients through apply against
// float64 central differences, jit, and the run-time twins of its compile-time errors.
import { describe, expect, it } from "vitest";
import { nn, grad, jit, valueAndGrad, random, tensor, treeMap, astype, sum, mul, reshape, ShapeMismatchError, type AnyTensor } from "../../src/index.js";
import { flatten, unflatten } from "../../src/transforms/tree.js";
import { rng } from "../ops/ref.js";
import { float64Suite, uint32Suite } from "../harness/backend.js";
import { settled, eachSeq } from "../harness/read.js";

// the values are float64 (gpu.js runs those graphs on wasm); init draws uint32 words (wasm too)
float64Suite();
uint32Suite();

type T = AnyTensor;
type Arr = number[];
const f64 = <P>(p: P): P => treeMap((t: AnyTensor) => astype(t, "float64") as AnyTensor, p);
const flat = async (t: T): Promise<Arr> => Array.from((await t.data()) as ArrayLike<number>, Number);
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const rand64 = (shape: number[], r = rng(7), scale = 1): T => tensor(Float64Array.from({ length: size(shape) }, () => (r() * 2 - 1) * scale), shape, "float64") as T;
function close(got: Arr, want: Arr, tol = 1e-12, msg = ""): void {
  expect(got.length, msg).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) expect.fail(`${msg} element ${i}: got ${g}, want ${want[i]}`);
  });
}
// untyped views of the typed API, for float64 parameters built in the test
const applyOf = (m: unknown) => (m as { apply: (p: unknown, x: T, opts?: object) => T }).apply;
const valueAndGradAux = <F extends (...a: never[]) => readonly [T, unknown]>(f: F) =>
  valueAndGrad(f as never, { hasAux: true }) as unknown as (...a: Parameters<F>) => [[T, ReturnType<F>[1]], Parameters<F>[0]];

const layers = () => [nn.mlp([4, 6]), nn.relu, nn.layerNorm(6), nn.mlp([6, 3])] as const;

describe("nn.sequential", () => {
  it("init: one entry per step, from split keys; [] for a function step", async () => {
    const [l0, , l2, l3] = layers();
    const model = nn.sequential(layers());
    const key = random.key(3);
    const p = model.init(key);
    expect(p.length).toBe(4);
    expect(p[1]).toEqual([]);
    const keys = random.split(key, 4);
    const [w0, w3] = [l0.init(keys[0]), l3.init(keys[3])];
    expect(await flat(p[0][0].w as T)).toEqual(await flat(w0[0].w as T));
    expect(await flat(p[3][0].w as T)).toEqual(await flat(w3[0].w as T));
    expect(p[0][0].w.shape).toEqual([4, 6]);
    expect(await flat(p[2].scale as T)).toEqual(await flat(l2.init().scale as T));
    expect(await flat(p[2].bias as T)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("apply: the layers composed by hand, and the first three steps against plain loops", async () => {
    const [l0, l1, l2, l3] = layers();
    const model = nn.sequential(layers());
    const p = f64(model.init(random.key(1)));
    const x = rand64([5, 4]);
    const want = applyOf(l3)(p[3], applyOf(l2)(p[2], l1(applyOf(l0)(p[0], x) as never) as T));
    const got = applyOf(model)(p, x);
    expect(got.shape).toEqual([5, 3]);
    expect(got.dtype).toBe("float64");
    close(await flat(got), await flat(want), 0);
    // dense -> relu -> layerNorm (scale 1, bias 0) in plain loops
    const [w, b] = [await flat(p[0][0].w as T), await flat(p[0][0].b as T)];
    const xs = await flat(x);
    const ref: Arr = [];
    for (let i = 0; i < 5; i++) {
      const h = Array.from({ length: 6 }, (_, j) => Math.max(0, xs.slice(i * 4, i * 4 + 4).reduce((s, v, k) => s + v * w[k * 6 + j]!, b[j]!)));
      const m = h.reduce((s, v) => s + v, 0) / 6;
      const v = h.reduce((s, u) => s + (u - m) ** 2, 0) / 6;
      ref.push(...h.map((u) => (u - m) / Math.sqrt(v + 1e-6)));
    }
    const front = nn.sequential([l0, l1, l2]);
    close(await flat(applyOf(front)([p[0], p[1], p[2]], x)), ref, 1e-12, "dense-relu-layerNorm");
  });

  it("conv layers: the stack equals the convolutions applied by hand", async () => {
    const c0 = nn.conv(2, 3, [3, 3]);
    const c1 = nn.conv(3, 2, [3, 3], { strides: [2, 2], padding: "VALID" });
    const model = nn.sequential([c0, nn.relu, c1]);
    const p = f64(model.init(random.key(5)));
    const x = rand64([2, 9, 9, 2]);
    const y = model.apply(p, x as never) as unknown as T;
    const want = c1.apply(p[2], nn.relu(c0.apply(p[0], x as never)) as never) as unknown as T;
    expect(y.shape).toEqual([2, 4, 4, 2]);
    expect(await flat(y)).toEqual(await flat(want));
  });

  it("closures with concrete types: pooling and a flatten, then a dense", async () => {
    const model = nn.sequential([
      (x: ReturnType<typeof rand64>) => nn.maxPool(x, [2, 2], { strides: [2, 2] }) as T,
      (x: T) => reshape(x, [2, 8]) as T,
      nn.mlp([8, 3]),
    ]);
    const p = f64(model.init(random.key(2)));
    const x = rand64([2, 4, 4, 2]);
    const d = await flat(x);
    const pooled: Arr = [];
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++)
          for (let c = 0; c < 2; c++) {
            const at = (a: number, b: number) => d[((n * 4 + 2 * i + a) * 4 + 2 * j + b) * 2 + c]!;
            pooled.push(Math.max(at(0, 0), at(0, 1), at(1, 0), at(1, 1)));
          }
    const [w, b] = [await flat(p[2][0].w as T), await flat(p[2][0].b as T)];
    const ref = Array.from({ length: 6 }, (_, k) => {
      const [n, j] = [Math.floor(k / 3), k % 3];
      return pooled.slice(n * 8, n * 8 + 8).reduce((s, v, i) => s + v * w[i * 3 + j]!, b[j]!);
    });
    close(await flat(applyOf(model)(p, x)), ref, 1e-12);
  });

  it("stacks nest: a block is one step, with its own params tuple", async () => {
    const block = nn.sequential([nn.layerNorm(6), nn.mlp([6, 6]), nn.relu]);
    const model = nn.sequential([nn.mlp([4, 6]), block, nn.mlp([6, 2])]);
    const p = f64(model.init(random.key(5)));
    expect(p[1].length).toBe(3);
    const x = rand64([3, 4], rng(4));
    const [a, , c] = model.layers;
    const want = applyOf(c)(p[2], applyOf(block)(p[1], applyOf(a)(p[0], x)));
    close(await flat(applyOf(model)(p, x)), await flat(want), 0);
  });

  it("dropout: the stack's key split over its dropout steps in order; deterministic is the identity", async () => {
    const [d1, d2] = [nn.dropout(0.5), nn.dropout(0.25)];
    const [l0, l2] = [nn.mlp([4, 6]), nn.layerNorm(6)];
    const model = nn.sequential([l0, d1, l2, d2]);
    const p = f64(model.init(random.key(6)));
    expect(p[1]).toEqual([]);
    const x = rand64([16, 4], rng(3));
    const key = random.key(9);
    const [k1, k2] = random.split(key, 2);
    const want = d2.apply(applyOf(l2)(p[2], d1.apply(applyOf(l0)(p[0], x) as never, { key: k1 }) as T) as never, { key: k2 }) as T;
    const got = applyOf(model)(p, x, { key } as never);
    close(await flat(got), await flat(want), 0);
    expect((await flat(got)).filter((v) => v === 0).length).toBeGreaterThan(0);
    const evalWant = applyOf(l2)(p[2], applyOf(l0)(p[0], x));
    close(await flat((model.apply as (p: unknown, x: T, o: unknown) => T)(p, x, { deterministic: true })), await flat(evalWant), 0);
  });

  it("grad through apply: parameters and input against float64 central differences", async () => {
    const model = nn.sequential([nn.mlp([3, 5]), nn.gelu, nn.layerNorm(5), nn.mlp([5, 2])]);
    const p = f64(model.init(random.key(4)));
    // a non-trivial scale and bias for the norm
    const p2 = [p[0], p[1], { scale: rand64([5], rng(11)), bias: rand64([5], rng(12)) }, p[3]] as const;
    const x = rand64([4, 3], rng(5));
    const wy = rand64([4, 2], rng(6));
    const loss = (ps: unknown, xs: T) => sum(mul(applyOf(model)(ps, xs), wy) as T) as T;
    const [gp, gx] = (grad as unknown as (f: unknown, o: unknown) => (...a: unknown[]) => [unknown, T])(loss, { argnums: [0, 1] })(p2, x);
    const at = async (ps: unknown, xs: T) => (await settled(loss(ps, xs))).item() as number;
    const bump = async (t: T, k: number, h: number) => tensor(Float64Array.from(await flat(t), (v, i) => (i === k ? v + h : v)), [...t.shape], "float64") as T;
    const h = 1e-6;
    // the input
    await eachSeq((await flat(gx)), async (g, k) => close([g], [((await at(p2, await bump(x, k, h))) - (await at(p2, await bump(x, k, -h)))) / (2 * h)], 1e-6, `dx ${k}`));
    // every parameter leaf, a few elements each
    const [pl, def] = flatten(p2);
    const [gl] = flatten(gp);
    expect(gl.length).toBe(6);
    await eachSeq(pl, async (leaf, li) => {
      const swap = (t: T) => unflatten(def, pl.map((u, j) => (j === li ? t : u)));
      const gd = await flat(gl[li]!);
      for (const k of [0, Math.floor(gd.length / 2), gd.length - 1]) {
        const fd = ((await at(swap(await bump(leaf, k, h)), x)) - (await at(swap(await bump(leaf, k, -h)), x))) / (2 * h);
        close([gd[k]!], [fd], 1e-6, `leaf ${li} element ${k}`);
      }
    });
  });

  it("jit: the same values as eager, and the same params tuple through the trace", async () => {
    const model = nn.sequential(layers());
    const p = f64(model.init(random.key(8)));
    const x = rand64([7, 4], rng(9));
    const f = jit((ps: unknown, xs: T) => applyOf(model)(ps, xs));
    close(await flat(f(p, x)), await flat(applyOf(model)(p, x)), 1e-12);
    close(await flat(f(p, rand64([7, 4], rng(10)))), await flat(applyOf(model)(p, rand64([7, 4], rng(10)))), 1e-12, "second call");
  });

  it("run-time errors: the compile-time texts for dims typed number, and the refused layers", () => {
    const n = (k: number): number => k;
    const err = (f: () => unknown, msg: string) => {
      expect(f).toThrow(ShapeMismatchError);
      expect(f).toThrow(msg);
    };
    // known from the layers alone: at construction
    err(() => nn.sequential([nn.mlp([n(784), n(32)]), nn.layerNorm(n(64))]), "sequential: layer 1 takes [..., 64] but layer 0 gives [..., 32]");
    // through a function step (run-time code cannot see that gelu keeps the features): at apply
    const thru = nn.sequential([nn.mlp([n(784), n(32)]), nn.gelu, nn.layerNorm(n(64))]);
    err(() => thru.apply(thru.init(random.key(0)), tensor(new Float32Array(784), [1, 784]) as never), "sequential: layer 2 takes [..., 64] but layer 1 gives [..., 32]");
    const model = nn.sequential([nn.mlp([n(4), n(6)]), nn.relu, nn.layerNorm(n(6))]);
    const p = model.init(random.key(0));
    err(() => model.apply(p, tensor(new Float32Array(10), [2, 5]) as never), "sequential: layer 0 takes [..., 4] but the input gives [..., 5]");
    // after a function step the check uses what actually came out of it
    const cut = nn.sequential([(x: T) => reshape(x, [4, 3]) as T, nn.layerNorm(n(6))]);
    err(() => cut.apply(cut.init(random.key(0)), tensor(new Float32Array(12), [2, 6]) as never), "sequential: layer 1 takes [..., 6] but layer 0 gives [..., 3]");
    // attention: what it takes is read from its params
    const att = nn.sequential([nn.layerNorm(n(8)), nn.multiHeadAttention({ numHeads: n(2), qkvFeatures: n(4) })]);
    err(() => att.apply(att.init(random.key(0)), tensor(new Float32Array(16), [2, 8]) as never), "sequential: layer 1 takes [..., 4] but layer 0 gives [..., 8]");
    // a nested stack checks with its own indices
    const inner = nn.sequential([nn.layerNorm(n(8))]);
    const outer = nn.sequential([nn.mlp([n(4), n(6)]), inner]);
    err(() => outer.apply(outer.init(random.key(0)), tensor(new Float32Array(8), [2, 4]) as never), "sequential: layer 0 takes [..., 8] but the input gives [..., 6]");
    const un = nn.sequential as unknown as (l: unknown[]) => unknown;
    expect(() => un([nn.mlp([4, 6]), nn.batchNorm(6)])).toThrow(
      "sequential: layer 1 is a batchNorm, whose running statistics are state that apply(params, x) cannot thread: split the stack there and call its apply(params, state, x, { useRunningAverage }) between the two stacks",
    );
    expect(() => un([nn.mlp([4, 6]), { init: () => [], apply: (p: unknown, s: unknown, x: T) => x }])).toThrow("sequential: layer 1's apply needs more than (params, x), as batchNorm's state: apply it outside the stack");
    expect(() => un([{ apply: (p: unknown, x: T) => x }])).toThrow("sequential: layer 0 has no init: a layer in a stack needs init and apply(params, x)");
    const drop = nn.sequential([nn.mlp([4, 6]), nn.dropout(0.5)]);
    expect(() => drop.apply(drop.init(random.key(0)), tensor(new Float32Array(8), [2, 4]) as never)).toThrow("sequential: a stack with dropout needs apply(params, x, { key }) in training, or { deterministic: true }");
    expect(() => un([])).toThrow("sequential: needs a list of at least one layer");
    expect(() => un([3])).toThrow("sequential: layer 0 is neither a layer (init and apply) nor a function");
  });
});

describe("batchNorm between two stacks (what the refusal asks for)", () => {
  it("trains with the state threaded by hand (jit, valueAndGrad with aux) and evaluates with the running statistics", async () => {
    const front = nn.sequential([nn.mlp([3, 4]), nn.relu]);
    const bn = nn.batchNorm(4, { momentum: 0.9 });
    const back = nn.sequential([nn.mlp([4, 2])]);
    const params = f64({ front: front.init(random.key(0)), bn: bn.init(), back: back.init(random.key(1)) });
    const state0 = f64(bn.initState());
    const x = rand64([8, 3]);
    type P = typeof params;
    type S = typeof state0;
    const forward = (p: P, s: S, x: T, useRunningAverage: boolean) => {
      const [h, s2] = (bn.apply as unknown as (p: unknown, s: S, x: T, o: object) => [T, S])(p.bn, s, applyOf(front)(p.front, x), { useRunningAverage });
      return [applyOf(back)(p.back, h), s2] as const;
    };
    const step = jit(
      valueAndGradAux((p: P, s: S, x: T) => {
        const [y, s2] = forward(p, s, x, false);
        return [sum(mul(y, y)) as T, s2] as const;
      }),
    );
    const [[, s1], g] = step(params, state0, x);
    // plain loops: the front's output, its batch statistics, the running ones after one step
    const [w, b] = [await flat(params.front[0][0].w), await flat(params.front[0][0].b)];
    const xs = await flat(x);
    const h = Array.from({ length: 32 }, (_, k) => {
      const [r, j] = [Math.floor(k / 4), k % 4];
      let v = b[j]!;
      for (let i = 0; i < 3; i++) v += xs[r * 3 + i]! * w[i * 4 + j]!;
      return Math.max(v, 0);
    });
    const mean = [0, 1, 2, 3].map((j) => h.filter((_, k) => k % 4 === j).reduce((a, v) => a + v, 0) / 8);
    const vari = [0, 1, 2, 3].map((j) => h.filter((_, k) => k % 4 === j).reduce((a, v) => a + (v - mean[j]!) ** 2, 0) / 8);
    close(await flat(s1.mean), mean.map((m) => 0.1 * m), 1e-12, "running mean");
    close(await flat(s1.var), vari.map((v) => 0.9 + 0.1 * v), 1e-12, "running var");
    // the gradient reaches the parameters on both sides of the batchNorm
    expect((await flat(g.front[0][0].w)).some((v) => v !== 0)).toBe(true);
    expect((await flat(g.bn.scale)).some((v) => v !== 0)).toBe(true);
    // evaluation normalises with the running statistics and leaves them as they are
    const [yEval, sEval] = forward(params, s1, x, true);
    expect(sEval).toBe(s1);
    const [w2, b2] = [await flat(params.back[0][0].w), await flat(params.back[0][0].b)];
    const want = Array.from({ length: 16 }, (_, k) => {
      const [r, o] = [Math.floor(k / 2), k % 2];
      let v = b2[o]!;
      for (let j = 0; j < 4; j++) v += ((h[r * 4 + j]! - 0.1 * mean[j]!) / Math.sqrt(0.9 + 0.1 * vari[j]! + 1e-5)) * w2[j * 2 + o]!;
      return v;
    });
    close(await flat(yEval), want, 1e-12, "evaluation");
  });
});
