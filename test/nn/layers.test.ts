// The layers of src/nn against plain-loop float64 references written here, their gradients against
// float64 central differences, batchNorm's running statistics over several steps, dropout's rate,
// the recurrent cells inside lax.scan, and jit.
import { describe, expect, it } from "vitest";
import { nn, grad, jit, vmap, stack, lax, random, tensor, treeMap, astype, sum, mul, type AnyTensor, type Tensor } from "../../src/index.js";
import { flatten, unflatten } from "../../src/transforms/tree.js";
import { rng } from "../ops/ref.js";
import { float64Suite, uint32Suite } from "../harness/backend.js";
import { settled, eachSeq, mapSeq } from "../harness/read.js";

// the references are float64 (gpu.js runs those graphs on wasm), and initialisers, dropout and
// keys draw uint32 words (wasm too, on gpu.js); nothing else may fall back
float64Suite();
uint32Suite();

type T = AnyTensor;
type Arr = number[];
const f64 = <P>(p: P): P => treeMap((t: AnyTensor) => astype(t, "float64") as AnyTensor, p);
const flat = async (t: T): Promise<Arr> => Array.from((await t.data()) as ArrayLike<number>, Number);
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const r0 = rng(7);
const rand64 = (shape: number[], r = r0, scale = 1): T => tensor(Float64Array.from({ length: size(shape) }, () => (r() * 2 - 1) * scale), shape, "float64") as T;
function close(got: Arr, want: Arr, tol = 1e-9, msg = ""): void {
  expect(got.length, msg).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) expect.fail(`${msg} element ${i}: got ${g}, want ${want[i]}`);
  });
}
/** rows of the last axis: a list of vectors */
const rows = async (t: T): Promise<Arr[]> => {
  const d = await flat(t);
  const n = t.shape[t.shape.length - 1]!;
  return Array.from({ length: d.length / n }, (_, i) => d.slice(i * n, (i + 1) * n));
};
const sigm = (v: number) => 1 / (1 + Math.exp(-v));
const vecMat = (v: Arr, w: Arr, cols: number): Arr => Array.from({ length: cols }, (_, j) => v.reduce((s, x, i) => s + x * w[i * cols + j]!, 0));

/**
 * The gradient of loss (a float64 scalar) with respect to every leaf of args, against central
 * differences at a few elements of each leaf.
 */
async function gradcheck(loss: (...args: never[]) => T, args: unknown[], picks = 3, tol = 1e-6): Promise<void> {
  const g = (grad as unknown as (f: unknown, o: unknown) => (...a: unknown[]) => unknown[])(loss, { argnums: args.map((_, i) => i) })(...args);
  const [leaves, def] = flatten(args);
  const [gl] = flatten(g);
  expect(gl.length).toBe(leaves.length);
  const at = async (ls: T[]) => (await settled((loss as (...a: unknown[]) => Tensor<[], "float64">)(...(unflatten(def, ls) as unknown[])))).item();
  await eachSeq(leaves, async (leaf, li) => {
    if (leaf.dtype !== "float64") return;
    const d = await flat(leaf);
    const gd = await flat(gl[li]!);
    const r = rng(li + 1);
    for (let p = 0; p < Math.min(picks, d.length); p++) {
      const k = Math.floor(r() * d.length);
      const h = 1e-5 * Math.max(1, Math.abs(d[k]!));
      const bump = (dv: number) => leaves.map((x, j) => (j === li ? (tensor(Float64Array.from(d, (v, i) => (i === k ? v + dv : v)), [...x.shape], "float64") as T) : x));
      const fd = ((await at(bump(h))) - (await at(bump(-h)))) / (2 * h);
      if (!(Math.abs(gd[k]! - fd) <= tol * (1 + Math.abs(fd)))) expect.fail(`leaf ${li} element ${k}: grad ${gd[k]}, finite difference ${fd}`);
    }
  });
}
/** sum(y · w) for a fixed float64 weight of y's shape: a scalar that sees every output */
const weighted = (y: T, seed = 3) => sum(mul(y, rand64([...y.shape], rng(seed))) as T) as Tensor<[], "float64">;

describe("initialisers", () => {
  const stats = async (t: T) => {
    const v = await flat(t);
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return { m, v: v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length, max: Math.max(...v.map(Math.abs)) };
  };
  it("computeFans follows JAX: receptive field × channels, inAxis/outAxis", () => {
    expect(nn.computeFans([3, 3, 16, 32])).toEqual([144, 288]);
    expect(nn.computeFans([5, 7])).toEqual([5, 7]);
    expect(nn.computeFans([2, 10, 4], { inAxis: 0, outAxis: 2 })).toEqual([20, 40]);
    expect(nn.computeFans([8, 3, 5, 6], { batchAxis: 0 })).toEqual([15, 18]);
    expect(() => nn.computeFans([4])).toThrow(/rank >= 2/);
  });
  it("variance scaling: mean 0 and the variance of each mode and distribution (a conv kernel)", async () => {
    const shape = [3, 3, 32, 64]; // fanIn 288, fanOut 576
    const cases: [nn.Initializer, number, number | null][] = [
      [nn.heNormal, 2 / 288, 2 * Math.sqrt(2 / 288) / 0.87962566103423978],
      [nn.heUniform, 2 / 288, Math.sqrt(6 / 288)],
      [nn.lecunNormal, 1 / 288, 2 * Math.sqrt(1 / 288) / 0.87962566103423978],
      [nn.lecunUniform, 1 / 288, Math.sqrt(3 / 288)],
      [nn.glorotNormal, 2 / 864, 2 * Math.sqrt(2 / 864) / 0.87962566103423978],
      [nn.glorotUniform, 2 / 864, Math.sqrt(6 / 864)],
      [nn.varianceScaling(3, "fanOut", "normal"), 3 / 576, null],
      [nn.varianceScaling(0.5, "fanAvg", "truncatedNormal", { inAxis: 0, outAxis: 1 }), 0.5 / (((3 * 32 * 64) + (3 * 32 * 64)) / 2), null],
    ];
    await eachSeq(cases, async ([init, variance, bound], i) => {
      const s = await stats(init(random.key(i), shape) as T);
      expect(Math.abs(s.m)).toBeLessThan(4 * Math.sqrt(variance / size(shape)));
      expect(s.v / variance).toBeGreaterThan(0.95);
      expect(s.v / variance).toBeLessThan(1.05);
      if (bound !== null) expect(s.max).toBeLessThanOrEqual(bound * (1 + 1e-6));
    });
  });
  it("truncatedNormal(stddev) is stddev times a standard normal cut at ±2 (uncorrected, as JAX)", async () => {
    const s = await stats(nn.truncatedNormal(0.1)(random.key(5), [200, 100]) as T);
    expect(s.max).toBeLessThanOrEqual(0.2 * (1 + 1e-6));
    expect(Math.sqrt(s.v) / (0.1 * 0.87962566103423978)).toBeGreaterThan(0.97);
    expect(Math.sqrt(s.v) / (0.1 * 0.87962566103423978)).toBeLessThan(1.03);
  });
  it("orthogonal: QᵀQ = I (tall), QQᵀ = I (wide), for rank > 2 over the column axis, scaled", async () => {
    const gram = (d: Arr, r: number, c: number, byCols: boolean) => {
      const n = byCols ? c : r;
      return Array.from({ length: n * n }, (_, k) => {
        const [a, b] = [Math.floor(k / n), k % n];
        let s = 0;
        for (let i = 0; i < (byCols ? r : c); i++) s += byCols ? d[i * c + a]! * d[i * c + b]! : d[a * c + i]! * d[b * c + i]!;
        return s;
      });
    };
    const eye = (n: number, s = 1) => Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? s : 0));
    close(gram(await flat(nn.orthogonal()(random.key(1), [7, 4]) as T), 7, 4, true), eye(4), 1e-5, "tall");
    close(gram(await flat(nn.orthogonal()(random.key(2), [3, 6]) as T), 3, 6, false), eye(3), 1e-5, "wide");
    close(gram(await flat(nn.orthogonal(2)(random.key(3), [2, 3, 4, 8]) as T), 24, 8, true), eye(8, 4), 1e-5, "rank 4");
    // columnAxis 0: the columns are axis 0's slices, rows the rest flattened
    const q = await flat(nn.orthogonal(1, 0)(random.key(4), [3, 2, 5]) as T);
    const m = Array.from({ length: 10 * 3 }, (_, k) => q[(k % 3) * 10 + Math.floor(k / 3)]!); // [10, 3]
    close(gram(m, 10, 3, true), eye(3), 1e-5, "column axis 0");
    // uniformly distributed: the mean of an entry over many draws is near 0 (the sign fix)
    const mean00 = (await mapSeq(Array.from({ length: 200 }), async (_, i) => (await flat(nn.orthogonal()(random.key(100 + i), [3, 3]) as T))[0]!)).reduce((s, v) => s + v, 0) / 200;
    expect(Math.abs(mean00)).toBeLessThan(0.15);
  });
});

describe("mlp", () => {
  it("per-layer activations and an output activation, against loops", async () => {
    const model = nn.mlp([3, 5, 4, 2], { activation: ["relu", "tanh"], outputActivation: "sigmoid" });
    const p = f64(model.init(random.key(0)));
    const x = rand64([6, 3]);
    const y = await rows(model.apply(p, x as never) as T);
    const W = (await mapSeq(p, async (l) => [await flat(l.w as T), await flat(l.b as T)] as const));
    const acts = [(v: number) => Math.max(v, 0), Math.tanh, sigm];
    (await rows(x)).forEach((xr, r) => {
      let h = xr;
      W.forEach(([w, b], i) => (h = vecMat(h, w, b.length).map((v, j) => acts[i]!(v + b[j]!))));
      close(y[r]!, h, 1e-12);
    });
    expect(() => nn.mlp([3, 5, 4, 2], { activation: ["relu"] as never })).toThrow("mlp: 1 activations for 2 hidden layers");
  });
});

describe("normalisation layers", () => {
  const x = rand64([3, 4, 6], rng(1), 3);
  const withParams = (p: Record<string, T>) => ({ scale: p.scale && rand64([6], rng(2)), bias: p.bias && rand64([6], rng(3)) });
  it("layerNorm over the last axis, with and without scale and bias", async () => {
    for (const opts of [{}, { useBias: false }, { useScale: false, epsilon: 1e-3 }] as const) {
      const ln = nn.layerNorm(6, opts);
      const p0 = ln.init() as Record<string, T>;
      expect("scale" in p0).toBe(!("useScale" in opts));
      expect("bias" in p0).toBe(!("useBias" in opts));
      const p = Object.fromEntries(Object.entries(withParams(p0)).filter(([, v]) => v));
      const eps = (opts as { epsilon?: number }).epsilon ?? 1e-6;
      const y = await rows(ln.apply(p as never, x as never) as T);
      await eachSeq((await rows(x)), async (v, r) => {
        const m = v.reduce((s, a) => s + a, 0) / 6;
        const va = v.reduce((s, a) => s + (a - m) ** 2, 0) / 6;
        close(y[r]!, (await mapSeq(v, async (a, j) => ((a - m) / Math.sqrt(va + eps)) * (p.scale ? (await flat(p.scale))[j]! : 1) + (p.bias ? (await flat(p.bias))[j]! : 0))), 1e-10);
      });
    }
  });
  it("rmsNorm: x / sqrt(mean(x²) + eps) · scale", async () => {
    const rn = nn.rmsNorm(6);
    const p = { scale: rand64([6], rng(4)) };
    expect(Object.keys(rn.init())).toEqual(["scale"]);
    const y = await rows(rn.apply(p as never, x as never) as T);
    await eachSeq((await rows(x)), async (v, r) => {
      const ms = v.reduce((s, a) => s + a * a, 0) / 6;
      close(y[r]!, (await mapSeq(v, async (a, j) => (a / Math.sqrt(ms + 1e-6)) * (await flat(p.scale))[j]!)), 1e-10);
    });
  });
  it("batchNorm: batch statistics in training, running statistics over several steps, eval with them", async () => {
    const bn = nn.batchNorm(6, { momentum: 0.9 });
    const p = { scale: rand64([6], rng(5)), bias: rand64([6], rng(6)) };
    let state = f64(bn.initState());
    let ra = { m: new Array(6).fill(0), v: new Array(6).fill(1) };
    for (let step = 0; step < 3; step++) {
      const xs = rand64([5, 2, 6], rng(10 + step), 2 + step);
      const [y, next] = bn.apply(p as never, state, xs as never, { useRunningAverage: false });
      const rs = await rows(xs);
      const m = Array.from({ length: 6 }, (_, j) => rs.reduce((s, v) => s + v[j]!, 0) / rs.length);
      const v = Array.from({ length: 6 }, (_, j) => rs.reduce((s, r) => s + (r[j]! - m[j]!) ** 2, 0) / rs.length);
      const ys = await rows(y as T);
      await eachSeq(rs, async (r, i) => close(ys[i]!, (await mapSeq(r, async (a, j) => ((a - m[j]!) / Math.sqrt(v[j]! + 1e-5)) * (await flat(p.scale))[j]! + (await flat(p.bias))[j]!)), 1e-10));
      ra = { m: ra.m.map((a, j) => 0.9 * a + 0.1 * m[j]!), v: ra.v.map((a, j) => 0.9 * a + 0.1 * v[j]!) };
      close(await flat(next.mean as T), ra.m, 1e-12, "running mean");
      close(await flat(next.var as T), ra.v, 1e-12, "running var");
      state = next;
    }
    const [ye, same] = bn.apply(p as never, state, x as never, { useRunningAverage: true });
    expect(same).toBe(state);
    await eachSeq((await rows(x)), async (r, i) => close((await rows(ye as T))[i]!, (await mapSeq(r, async (a, j) => ((a - ra.m[j]!) / Math.sqrt(ra.v[j]! + 1e-5)) * (await flat(p.scale))[j]! + (await flat(p.bias))[j]!)), 1e-10));
    expect(() => bn.apply(p as never, state, x as never, undefined as never)).toThrow(/useRunningAverage/);
  });
  it("gradients of layerNorm, rmsNorm and batchNorm (params and input) equal finite differences", async () => {
    const ln = nn.layerNorm(6), rn = nn.rmsNorm(6), bn = nn.batchNorm(6);
    const pl = { scale: rand64([6], rng(2)), bias: rand64([6], rng(3)) };
    await gradcheck(((p: never, xx: never) => weighted(ln.apply(p, xx) as T)) as never, [pl, x]);
    await gradcheck(((p: never, xx: never) => weighted(rn.apply(p, xx) as T)) as never, [{ scale: pl.scale }, x]);
    const st = f64(bn.initState());
    await gradcheck(((p: never, xx: never) => weighted(bn.apply(p, st, xx, { useRunningAverage: false })[0] as T)) as never, [pl, x]);
  });
});

describe("embed", () => {
  it("looks rows up by int32 ids of any shape, and attends", async () => {
    const e = nn.embed(7, 3);
    const p = e.init(random.key(1));
    expect(p.embedding.shape).toEqual([7, 3]);
    const table = await rows(p.embedding as T);
    const ids = tensor([[0, 6, 2], [3, 3, 1]], "int32");
    const y = e.apply(p, ids);
    expect(y.shape).toEqual([2, 3, 3]);
    close(await flat(y as T), [0, 6, 2, 3, 3, 1].flatMap((i) => table[i]!), 0);
    const q = rand64([2, 3]);
    const a = await rows(e.attend(f64(p), q as never) as T);
    (await rows(q)).forEach((v, r) => close(a[r]!, table.map((t) => t.reduce((s, x, j) => s + x * v[j]!, 0)), 1e-6));
    expect(() => e.apply(p, tensor([1.5]) as never)).toThrow("embed: indices must be int32, got float32");
    // flax's default table: normal with variance 1 / features
    const big = await flat(nn.embed(1000, 16).init(random.key(2)).embedding as T);
    const v = big.reduce((s, x) => s + x * x, 0) / big.length;
    expect(v * 16).toBeGreaterThan(0.93);
    expect(v * 16).toBeLessThan(1.07);
  });
  it("the gradient of the table is a scatter-add of the ids' cotangents", async () => {
    const e = nn.embed(5, 2);
    const p = f64(e.init(random.key(3)));
    const ids = tensor([4, 1, 4], "int32");
    await gradcheck(((pp: never) => weighted(e.apply(pp, ids) as T)) as never, [p], 6);
  });
});

describe("dropout", () => {
  it("zeroes the rate, scales the rest by 1 / (1 - rate), identity in eval", async () => {
    const x = tensor(Float32Array.from({ length: 20000 }, (_, i) => 1 + (i % 7)), [200, 100]);
    const d = nn.dropout(0.3);
    const y = await flat(d.apply(x, { key: random.key(9) }) as T);
    const xs = await flat(x as T);
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / y.length));
    y.forEach((v, i) => {
      if (v !== 0) expect(v).toBeCloseTo(xs[i]! / 0.7, 5);
    });
    // the same key, the same mask; another key, another
    expect(await flat(d.apply(x, { key: random.key(9) }) as T)).toEqual(y);
    expect(await flat(d.apply(x, { key: random.key(10) }) as T)).not.toEqual(y);
    expect(d.apply(x, { deterministic: true })).toBe(x);
    expect(nn.dropout(0).apply(x, { key: random.key(1) })).toBe(x);
    expect((await flat(nn.dropout(1).apply(x, { key: random.key(1) }) as T)).every((v) => v === 0)).toBe(true);
    expect(() => d.apply(x, {} as never)).toThrow("dropout: needs a key unless deterministic");
    expect(() => nn.dropout(1.5)).toThrow(/rate/);
  });
  it("broadcastDims shares the mask along those axes", async () => {
    const x = tensor(Float32Array.from({ length: 40 * 30 }, (_, i) => 1 + (i % 5)), [40, 30]);
    const y = await rows(nn.dropout(0.5, { broadcastDims: [-1] }).apply(x, { key: random.key(3) }) as T);
    const dropped = y.map((r) => r.every((v) => v === 0));
    y.forEach((r, i) => expect(dropped[i] || r.every((v) => v !== 0)).toBe(true));
    expect(dropped.some(Boolean) && !dropped.every(Boolean)).toBe(true);
  });
  it("under jit a new key gives a new mask without retracing; its gradient is the mask over 1 - rate", async () => {
    const d = nn.dropout(0.5);
    const x = rand64([50]);
    const f = jit((k: Tensor<[2], "uint32">, xx: Tensor<[50], "float64">) => d.apply(xx, { key: k }));
    const a = await flat(f(random.key(1), x as never) as T), b = await flat(f(random.key(2), x as never) as T);
    expect(a).not.toEqual(b);
    expect(f.traceCount).toBe(1);
    close(a, await flat(d.apply(x as never, { key: random.key(1) }) as T), 1e-12);
    const g = await flat(grad((xx: Tensor<[50], "float64">) => sum(d.apply(xx, { key: random.key(1) })))(x as never) as T);
    g.forEach((v, i) => expect(v).toBeCloseTo(a[i] === 0 ? 0 : 2, 12));
  });
});

describe("multiHeadAttention", () => {
  const [B, Tq, Tk, D, H, Q, O] = [2, 4, 3, 6, 2, 8, 5];
  const mha = nn.multiHeadAttention({ numHeads: H, qkvFeatures: Q, inFeatures: D, outFeatures: O });
  let cached: ReturnType<typeof mha.init> | undefined;
  // initialised in the first test that needs it (a draw outside a test would be unaccounted for on gpu.js)
  const params = () => (cached ??= f64(mha.init(random.key(4))));
  const Dh = Q / H;
  const x = rand64([B, Tq, D], rng(21));
  const kvx = rand64([B, Tk, D], rng(22));
  /** flax's attention written with loops: mask(b, h, i, j) is true/false/an additive number */
  async function reference(
    xq: T,
    xkv: T,
    mask: (b: number, h: number, i: number, j: number) => boolean | number = () => true,
    factor: (b: number, h: number, i: number, j: number) => number = () => 1,
  ): Promise<number[]> {
    const p = params();
    const P = async (w: { kernel: T; bias: T }) => [await flat(w.kernel), await flat(w.bias)] as const;
    const [wq, bq] = await P(p.query as never), [wk, bk] = await P(p.key as never), [wv, bv] = await P(p.value as never), [wo, bo] = await P(p.out as never);
    const xa = await flat(xq), xb = await flat(xkv);
    const tq = xq.shape[1]!, tk = xkv.shape[1]!;
    const out: number[] = [];
    for (let b = 0; b < B; b++) {
      const head = Array.from({ length: tq }, () => new Array<number>(H * Dh).fill(0));
      for (let h = 0; h < H; h++) {
        const pr = (xs: Arr, t: number, pos: number, w: Arr, bias: Arr) =>
          Array.from({ length: Dh }, (_, d) => {
            let s = bias[h * Dh + d]!;
            for (let i = 0; i < D; i++) s += xs[(b * t + pos) * D + i]! * w[(i * H + h) * Dh + d]!;
            return s;
          });
        const qs = Array.from({ length: tq }, (_, i) => pr(xa, tq, i, wq, bq).map((v) => v / Math.sqrt(Dh)));
        const ks = Array.from({ length: tk }, (_, j) => pr(xb, tk, j, wk, bk));
        const vs = Array.from({ length: tk }, (_, j) => pr(xb, tk, j, wv, bv));
        for (let i = 0; i < tq; i++) {
          const logits = ks.map((k, j) => {
            const l = k.reduce((s, kv, d) => s + kv * qs[i]![d]!, 0);
            const m = mask(b, h, i, j);
            return m === true ? l : m === false ? -3.4028234663852886e38 : l + m;
          });
          const mx = Math.max(...logits);
          const e = logits.map((l) => Math.exp(l - mx));
          const z = e.reduce((s, v) => s + v, 0);
          for (let d = 0; d < Dh; d++) head[i]![h * Dh + d] = e.reduce((s, w, j) => s + (w / z) * factor(b, h, i, j) * vs[j]![d]!, 0);
        }
      }
      for (let i = 0; i < tq; i++) out.push(...vecMat(head[i]!, wo, O).map((v, k) => v + bo[k]!));
    }
    return out;
  }
  it("has flax's parameter shapes", () => {
    const p = params();
    expect(mha.headFeatures).toBe(4);
    expect([p.query.kernel.shape, p.query.bias.shape, p.key.kernel.shape, p.value.bias.shape, p.out.kernel.shape, p.out.bias.shape]).toEqual([[6, 2, 4], [2, 4], [6, 2, 4], [2, 4], [2, 4, 5], [5]]);
  });
  it("self-attention and cross-attention, against loops", async () => {
    const p = params();
    close(await flat(mha.apply(p, x as never) as T), await reference(x, x), 1e-10, "self");
    const y = mha.apply(p, x as never, { inputsKV: kvx as never });
    expect(y.shape).toEqual([B, Tq, O]);
    close(await flat(y as T), await reference(x, kvx), 1e-10, "cross");
  });
  it("a bool mask, an additive mask, causal, and causal with a mask", async () => {
    const p = params();
    // a [B, 1, Tq, Tk] bool mask (broadcast over the heads), one query row fully masked (uniform, as flax)
    const bm = (b: number, _h: number, i: number, j: number) => (i === 2 ? false : (b + i + j) % 3 !== 0);
    const mask = tensor(Array.from({ length: B * Tq * Tk }, (_, k) => bm(Math.floor(k / (Tq * Tk)), 0, Math.floor(k / Tk) % Tq, k % Tk)).map(Number), [B, 1, Tq, Tk]);
    const boolMask = astype(mask, "bool");
    close(await flat(mha.apply(p, x as never, { inputsKV: kvx as never, mask: boolMask }) as T), await reference(x, kvx, bm), 1e-10, "bool");
    // an additive [H, Tq, Tk] mask
    const add = rand64([H, Tq, Tk], rng(30), 2);
    const ad = await flat(add);
    close(await flat(mha.apply(p, x as never, { inputsKV: kvx as never, mask: add as never }) as T), await reference(x, kvx, (_b, h, i, j) => ad[(h * Tq + i) * Tk + j]!), 1e-10, "additive");
    close(await flat(mha.apply(p, x as never, { causal: true }) as T), await reference(x, x, (_b, _h, i, j) => j <= i), 1e-10, "causal");
    // causal over keys of another length (query i sees keys j <= i)
    close(await flat(mha.apply(p, x as never, { inputsKV: kvx as never, causal: true }) as T), await reference(x, kvx, (_b, _h, i, j) => j <= i), 1e-10, "causal, cross");
    const bm2 = (b: number, _h: number, i: number, j: number) => (b + i + j) % 3 !== 0 || j === 0;
    const m2 = astype(tensor(Array.from({ length: B * Tq * Tq }, (_, k) => bm2(Math.floor(k / (Tq * Tq)), 0, Math.floor(k / Tq) % Tq, k % Tq)).map(Number), [B, 1, Tq, Tq]), "bool");
    close(await flat(mha.apply(p, x as never, { causal: true, mask: m2 }) as T), await reference(x, x, (b, h, i, j) => j <= i && bm2(b, h, i, j)), 1e-10, "causal and mask");
    expect(() => mha.apply(p, x as never, { mask: astype(tensor([1, 0, 1], [3]), "bool") as never })).toThrow(
      "multiHeadAttention: the mask has shape [3] but the attention weights have shape [2, 2, 4, 4]",
    );
  });
  it("dropoutRate drops attention weights with flax's mask: one [q, k] mask for the batch and heads, or one per weight", async () => {
    const p = params();
    const key = random.key(31);
    for (const broadcastDropout of [true, false]) {
      const drop = nn.multiHeadAttention({ numHeads: H, qkvFeatures: Q, inFeatures: D, outFeatures: O, dropoutRate: 0.4, broadcastDropout });
      const keep = await flat(astype(random.bernoulli(key, 0.6, broadcastDropout ? [1, 1, Tq, Tq] : [B, H, Tq, Tq]), "float64") as T);
      const at = (b: number, h: number, i: number, j: number) => (broadcastDropout ? keep[i * Tq + j]! : keep[((b * H + h) * Tq + i) * Tq + j]!);
      const y = await flat(drop.apply(p, x as never, { key, causal: true }) as T);
      close(y, await reference(x, x, (_b, _h, i, j) => j <= i, (b, h, i, j) => at(b, h, i, j) / 0.6), 1e-10, `dropped, broadcast ${broadcastDropout}`);
      expect(keep.some((k) => k === 0)).toBe(true);
      close(await flat(drop.apply(p, x as never, { deterministic: true }) as T), await reference(x, x), 1e-10, "deterministic");
      expect(() => drop.apply(p, x as never)).toThrow("multiHeadAttention: dropoutRate > 0 needs a key unless deterministic");
    }
  });
  it("gradients (every projection and the input) equal finite differences, causal", async () => {
    const p = params();
    await gradcheck(((pp: never, xx: never) => weighted(mha.apply(pp, xx, { causal: true }) as T)) as never, [p, x], 2);
  });
  it("jit: the same values, one trace", async () => {
    const p = params();
    const f = jit((pp: typeof p, xx: Tensor<[2, 4, 6], "float64">) => mha.apply(pp, xx, { causal: true }));
    close(await flat(f(p, x as never) as T), await reference(x, x, (_b, _h, i, j) => j <= i), 1e-10);
    f(p, rand64([B, Tq, D], rng(40)) as never);
    expect(f.traceCount).toBe(1);
  });
  it("checks heads and shapes at run time with the compile-time texts", () => {
    const p = params();
    const n = (v: number) => v as number;
    expect(() => nn.multiHeadAttention({ numHeads: n(3), qkvFeatures: n(8) })).toThrow("multiHeadAttention: numHeads 3 does not divide qkvFeatures 8");
    expect(() => mha.apply(p, rand64([B, Tq, 5]) as never)).toThrow("multiHeadAttention: the input has shape [2, 4, 5] but the layer takes 6 features");
    expect(() => mha.apply(p, rand64([6]) as never)).toThrow("multiHeadAttention: the input must be [..., length, features], got shape [6]");
  });
});

describe("recurrent cells", () => {
  const [I, Hd, Tn, B] = [3, 4, 5, 2] as const;
  const xs = rand64([Tn, B, I], rng(50));
  it("lstmCell in lax.scan equals flax's gate equations step by step", async () => {
    const cell = nn.lstmCell(I, Hd);
    const p = f64(cell.init(random.key(6)));
    expect([p.wi.shape, p.wh.shape, p.bh.shape]).toEqual([[3, 16], [4, 16], [16]]);
    const pb = { ...p, bh: rand64([16], rng(51)) as typeof p.bh };
    const [[cT, hT], ys] = lax.scan((c, x) => cell.apply(pb, c, x), cell.initCarry([B], "float64"), xs as Tensor<[5, 2, 3], "float64">);
    expect(ys.shape).toEqual([Tn, B, Hd]);
    const wi = await flat(pb.wi as T), wh = await flat(pb.wh as T), bh = await flat(pb.bh as T), xa = await flat(xs);
    const want: number[] = [];
    const c = Array.from({ length: B }, () => new Array<number>(Hd).fill(0));
    const h = Array.from({ length: B }, () => new Array<number>(Hd).fill(0));
    for (let t = 0; t < Tn; t++) {
      for (let b = 0; b < B; b++) {
        const xv = xa.slice((t * B + b) * I, (t * B + b + 1) * I);
        const z = vecMat(xv, wi, 16).map((v, j) => v + vecMat(h[b]!, wh, 16)[j]! + bh[j]!);
        const gi = (k: number) => z[k]!, gf = (k: number) => z[Hd + k]!, gg = (k: number) => z[2 * Hd + k]!, go = (k: number) => z[3 * Hd + k]!;
        for (let k = 0; k < Hd; k++) {
          c[b]![k] = sigm(gf(k)) * c[b]![k]! + sigm(gi(k)) * Math.tanh(gg(k));
          h[b]![k] = sigm(go(k)) * Math.tanh(c[b]![k]!);
        }
      }
      want.push(...h.flat());
    }
    close(await flat(ys as T), want, 1e-10, "ys");
    close(await flat(hT as T), h.flat(), 1e-10, "h");
    close(await flat(cT as T), c.flat(), 1e-10, "c");
  });
  it("gruCell in lax.scan equals flax's gate equations step by step", async () => {
    const cell = nn.gruCell(I, Hd);
    const p0 = f64(cell.init(random.key(7)));
    expect([p0.wi.shape, p0.bi.shape, p0.wh.shape, p0.bhn.shape]).toEqual([[3, 12], [12], [4, 12], [4]]);
    const p = { ...p0, bi: rand64([12], rng(52)) as typeof p0.bi, bhn: rand64([4], rng(53)) as typeof p0.bhn };
    const [hT, ys] = lax.scan((c, x) => cell.apply(p, c, x), cell.initCarry([B], "float64"), xs as Tensor<[5, 2, 3], "float64">);
    const wi = await flat(p.wi as T), bi = await flat(p.bi as T), wh = await flat(p.wh as T), bhn = await flat(p.bhn as T), xa = await flat(xs);
    const want: number[] = [];
    const h = Array.from({ length: B }, () => new Array<number>(Hd).fill(0));
    for (let t = 0; t < Tn; t++) {
      for (let b = 0; b < B; b++) {
        const xv = xa.slice((t * B + b) * I, (t * B + b + 1) * I);
        const zi = vecMat(xv, wi, 12).map((v, j) => v + bi[j]!);
        const zh = vecMat(h[b]!, wh, 12);
        h[b] = h[b]!.map((hv, k) => {
          const r = sigm(zi[k]! + zh[k]!);
          const z = sigm(zi[Hd + k]! + zh[Hd + k]!);
          const n = Math.tanh(zi[2 * Hd + k]! + r * (zh[2 * Hd + k]! + bhn[k]!));
          return (1 - z) * n + z * hv;
        });
      }
      want.push(...h.flat());
    }
    close(await flat(ys as T), want, 1e-10, "ys");
    close(await flat(hT as T), h.flat(), 1e-10, "h");
  });
  it("gradients through the scanned cells equal finite differences; jit gives the same and traces once", async () => {
    const lstm = nn.lstmCell(I, Hd), gru = nn.gruCell(I, Hd);
    const pl = f64(lstm.init(random.key(8))), pg = f64(gru.init(random.key(9)));
    const lossL = (p: typeof pl, x: Tensor<[5, 2, 3], "float64">) => weighted(lax.scan((c, xt) => lstm.apply(p, c, xt), lstm.initCarry([B], "float64"), x)[1] as T);
    const lossG = (p: typeof pg, x: Tensor<[5, 2, 3], "float64">) => weighted(lax.scan((c, xt) => gru.apply(p, c, xt), gru.initCarry([B], "float64"), x)[1] as T);
    await gradcheck(lossL as never, [pl, xs], 2);
    await gradcheck(lossG as never, [pg, xs], 2);
    const j = jit(lossL);
    expect((await settled(j(pl, xs as never))).item()).toBeCloseTo((await settled(lossL(pl, xs as never))).item(), 10);
    j(pl, rand64([Tn, B, I], rng(60)) as never);
    expect(j.traceCount).toBe(1);
  });
  it("checks the input's features and the carry's shape", () => {
    const cell = nn.lstmCell(I, Hd);
    const p = cell.init(random.key(1));
    expect(() => cell.apply(p, cell.initCarry([2]), random.normal(random.key(2), [2, 5]) as never)).toThrow("lstmCell: the input has shape [2, 5] but the layer takes 3 features");
    expect(() => cell.apply(p, cell.initCarry([3]) as never, random.normal(random.key(2), [2, 3]))).toThrow("lstmCell: the carry has shape [3, 4] but an input of shape [2, 3] needs [2, 4]");
  });
});

describe("jit", () => {
  it("layerNorm, batchNorm training steps and embed under jit equal eager", async () => {
    const ln = nn.layerNorm(6), bn = nn.batchNorm(6), e = nn.embed(9, 6);
    const pe = e.init(random.key(1)), pl = ln.init(), pb = bn.init();
    const step = jit((s: nn.BatchStats<6>, ids: Tensor<[2, 3], "int32">) => {
      const h = ln.apply(pl, e.apply(pe, ids));
      return bn.apply(pb, s, h, { useRunningAverage: false });
    });
    let s = bn.initState(), s2 = bn.initState();
    for (let i = 0; i < 3; i++) {
      const ids = random.randint(random.key(10 + i), [2, 3], 0, 9);
      const [yj, nj] = step(s, ids);
      const [ye, ne] = bn.apply(pb, s2, ln.apply(pl, e.apply(pe, ids)), { useRunningAverage: false });
      close(await flat(yj as T), await flat(ye as T), 1e-5);
      close(await flat(nj.var as T), await flat(ne.var as T), 1e-6);
      [s, s2] = [nj, ne];
    }
    expect(step.traceCount).toBe(1);
  });
});

describe("float32 (the kernels every backend compiles, gpu.js's own included)", () => {
  it("each layer in float32 agrees with its float64 run", async () => {
    const x32 = random.normal(random.key(70), [2, 4, 6]);
    const x = astype(x32, "float64");
    const near = async (a: T, b: T) => close(await flat(a), await flat(b), 2e-4);
    const ln = nn.layerNorm(6), rn = nn.rmsNorm(6), bn = nn.batchNorm(6);
    await near(ln.apply(ln.init(), x32) as T, ln.apply(f64(ln.init()), x as never) as T);
    await near(rn.apply(rn.init(), x32) as T, rn.apply(f64(rn.init()), x as never) as T);
    await near(bn.apply(bn.init(), bn.initState(), x32, { useRunningAverage: false })[0] as T, bn.apply(f64(bn.init()), f64(bn.initState()), x as never, { useRunningAverage: false })[0] as T);
    const mha = nn.multiHeadAttention({ numHeads: 2, qkvFeatures: 6 });
    const pm = mha.init(random.key(71));
    await near(mha.apply(pm, x32, { causal: true }) as T, mha.apply(f64(pm), x as never, { causal: true }) as T);
    const cell = nn.lstmCell(6, 3);
    const pc = cell.init(random.key(72));
    const xs32 = random.normal(random.key(73), [5, 2, 6]);
    const run = (p: typeof pc, xs: Tensor<[5, 2, 6]>, d: "float32" | "float64") => lax.scan((c, xt) => cell.apply(p, c, xt), cell.initCarry([2], d as "float32"), xs)[1] as T;
    await near(run(pc, xs32, "float32"), run(f64(pc), astype(xs32, "float64") as never, "float64"));
    const e = nn.embed(9, 6);
    const pe = e.init(random.key(74));
    await near(e.attend(pe, x32) as T, e.attend(f64(pe), x as never) as T);
  });
});

describe("vmap and jit of the pieces", () => {
  it("vmap of attention and of an LSTM step over examples equals stacking the per-example results", async () => {
    const mha = nn.multiHeadAttention({ numHeads: 2, qkvFeatures: 4 });
    const p = f64(mha.init(random.key(80)));
    const xb = rand64([3, 5, 4], rng(81));
    const per = (xx: Tensor<[5, 4], "float64">) => mha.apply(p, xx, { causal: true });
    const v = vmap(per)(xb as never);
    const s = stack([0, 1, 2].map((i) => per(xb.index(i) as never)) as never);
    close(await flat(v as T), await flat(s as T), 1e-12);
    const cell = nn.lstmCell(4, 2);
    const pc = f64(cell.init(random.key(82)));
    const carry = [rand64([3, 2], rng(83)), rand64([3, 2], rng(84))] as const;
    const step = (c: T, h: T, xx: T) => cell.apply(pc, [c, h] as never, xx as never)[1];
    const vs = vmap(step)(carry[0] as never, carry[1] as never, xb.index(0, 1) as never);
    const ss = stack([0, 1, 2].map((i) => step(carry[0].index(i) as T, carry[1].index(i) as T, (xb.index(i) as T).index(0) as T)) as never);
    close(await flat(vs as T), await flat(ss as T), 1e-12);
  });
  it("the variance-scaling initialisers trace: under jit the same numbers for the same key", async () => {
    const f = jit((k: Tensor<[2], "uint32">) => nn.heNormal(k, [3, 3, 4, 8]));
    close(await flat(f(random.key(5)) as T), await flat(nn.heNormal(random.key(5), [3, 3, 4, 8]) as T), 1e-6);
    const g = jit((k: Tensor<[2], "uint32">) => nn.glorotUniform(k, [16, 8]));
    close(await flat(g(random.key(6)) as T), await flat(nn.glorotUniform(random.key(6), [16, 8]) as T), 1e-6);
  });
});
