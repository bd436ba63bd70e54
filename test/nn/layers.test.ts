// The layers of src/nn against plain-loop float64 references written here, their gradients against
// float64 central differences, batchNorm's running statistics over several steps, dropout's rate,
// the recurrent cells inside lax.scan, and jit.
import { describe, expect, it } from "vitest";
import { nn, grad, jit, lax, random, tensor, treeMap, astype, sum, mul, type AnyTensor, type Tensor } from "../../src/index.js";
import { flatten, unflatten } from "../../src/transforms/tree.js";
import { rng } from "../ops/ref.js";

type T = AnyTensor;
type Arr = number[];
const f64 = <P>(p: P): P => treeMap((t: AnyTensor) => astype(t, "float64") as AnyTensor, p);
const flat = (t: T): Arr => Array.from(t.dataSync() as ArrayLike<number>, Number);
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
const rows = (t: T): Arr[] => {
  const d = flat(t);
  const n = t.shape[t.shape.length - 1]!;
  return Array.from({ length: d.length / n }, (_, i) => d.slice(i * n, (i + 1) * n));
};
const sigm = (v: number) => 1 / (1 + Math.exp(-v));
const vecMat = (v: Arr, w: Arr, cols: number): Arr => Array.from({ length: cols }, (_, j) => v.reduce((s, x, i) => s + x * w[i * cols + j]!, 0));

/**
 * The gradient of loss (a float64 scalar) with respect to every leaf of args, against central
 * differences at a few elements of each leaf.
 */
function gradcheck(loss: (...args: never[]) => T, args: unknown[], picks = 3, tol = 1e-6): void {
  const g = (grad as unknown as (f: unknown, o: unknown) => (...a: unknown[]) => unknown[])(loss, { argnums: args.map((_, i) => i) })(...args);
  const [leaves, def] = flatten(args);
  const [gl] = flatten(g);
  expect(gl.length).toBe(leaves.length);
  const at = (ls: T[]) => (loss as (...a: unknown[]) => T)(...(unflatten(def, ls) as unknown[])).item();
  leaves.forEach((leaf, li) => {
    if (leaf.dtype !== "float64") return;
    const d = flat(leaf);
    const gd = flat(gl[li]!);
    const r = rng(li + 1);
    for (let p = 0; p < Math.min(picks, d.length); p++) {
      const k = Math.floor(r() * d.length);
      const h = 1e-5 * Math.max(1, Math.abs(d[k]!));
      const bump = (dv: number) => leaves.map((x, j) => (j === li ? (tensor(Float64Array.from(d, (v, i) => (i === k ? v + dv : v)), [...x.shape], "float64") as T) : x));
      const fd = (at(bump(h)) - at(bump(-h))) / (2 * h);
      if (!(Math.abs(gd[k]! - fd) <= tol * (1 + Math.abs(fd)))) expect.fail(`leaf ${li} element ${k}: grad ${gd[k]}, finite difference ${fd}`);
    }
  });
}
/** sum(y · w) for a fixed float64 weight of y's shape: a scalar that sees every output */
const weighted = (y: T, seed = 3): T => sum(mul(y, rand64([...y.shape], rng(seed))) as T) as T;

describe("initialisers", () => {
  const stats = (t: T) => {
    const v = flat(t);
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
  it("variance scaling: mean 0 and the variance of each mode and distribution (a conv kernel)", () => {
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
    cases.forEach(([init, variance, bound], i) => {
      const s = stats(init(random.key(i), shape) as T);
      expect(Math.abs(s.m)).toBeLessThan(4 * Math.sqrt(variance / size(shape)));
      expect(s.v / variance).toBeGreaterThan(0.95);
      expect(s.v / variance).toBeLessThan(1.05);
      if (bound !== null) expect(s.max).toBeLessThanOrEqual(bound * (1 + 1e-6));
    });
  });
  it("truncatedNormal(stddev) is stddev times a standard normal cut at ±2 (uncorrected, as JAX)", () => {
    const s = stats(nn.truncatedNormal(0.1)(random.key(5), [200, 100]) as T);
    expect(s.max).toBeLessThanOrEqual(0.2 * (1 + 1e-6));
    expect(Math.sqrt(s.v) / (0.1 * 0.87962566103423978)).toBeGreaterThan(0.97);
    expect(Math.sqrt(s.v) / (0.1 * 0.87962566103423978)).toBeLessThan(1.03);
  });
  it("orthogonal: QᵀQ = I (tall), QQᵀ = I (wide), for rank > 2 over the column axis, scaled", () => {
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
    close(gram(flat(nn.orthogonal()(random.key(1), [7, 4]) as T), 7, 4, true), eye(4), 1e-5, "tall");
    close(gram(flat(nn.orthogonal()(random.key(2), [3, 6]) as T), 3, 6, false), eye(3), 1e-5, "wide");
    close(gram(flat(nn.orthogonal(2)(random.key(3), [2, 3, 4, 8]) as T), 24, 8, true), eye(8, 4), 1e-5, "rank 4");
    // columnAxis 0: the columns are axis 0's slices, rows the rest flattened
    const q = flat(nn.orthogonal(1, 0)(random.key(4), [3, 2, 5]) as T);
    const m = Array.from({ length: 10 * 3 }, (_, k) => q[(k % 3) * 10 + Math.floor(k / 3)]!); // [10, 3]
    close(gram(m, 10, 3, true), eye(3), 1e-5, "column axis 0");
    // uniformly distributed: the mean of an entry over many draws is near 0 (the sign fix)
    const mean00 = Array.from({ length: 200 }, (_, i) => flat(nn.orthogonal()(random.key(100 + i), [3, 3]) as T)[0]!).reduce((s, v) => s + v, 0) / 200;
    expect(Math.abs(mean00)).toBeLessThan(0.15);
  });
});

describe("mlp", () => {
  it("per-layer activations and an output activation, against loops", () => {
    const model = nn.mlp([3, 5, 4, 2], { activation: ["relu", "tanh"], outputActivation: "sigmoid" });
    const p = f64(model.init(random.key(0)));
    const x = rand64([6, 3]);
    const y = rows(model.apply(p, x as never) as T);
    const W = p.map((l) => [flat(l.w as T), flat(l.b as T)] as const);
    const acts = [(v: number) => Math.max(v, 0), Math.tanh, sigm];
    rows(x).forEach((xr, r) => {
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
  it("layerNorm over the last axis, with and without scale and bias", () => {
    for (const opts of [{}, { useBias: false }, { useScale: false, epsilon: 1e-3 }] as const) {
      const ln = nn.layerNorm(6, opts);
      const p0 = ln.init() as Record<string, T>;
      expect("scale" in p0).toBe(!("useScale" in opts));
      expect("bias" in p0).toBe(!("useBias" in opts));
      const p = Object.fromEntries(Object.entries(withParams(p0)).filter(([, v]) => v));
      const eps = "epsilon" in opts ? opts.epsilon : 1e-6;
      const y = rows(ln.apply(p as never, x as never) as T);
      rows(x).forEach((v, r) => {
        const m = v.reduce((s, a) => s + a, 0) / 6;
        const va = v.reduce((s, a) => s + (a - m) ** 2, 0) / 6;
        close(y[r]!, v.map((a, j) => ((a - m) / Math.sqrt(va + eps)) * (p.scale ? flat(p.scale)[j]! : 1) + (p.bias ? flat(p.bias)[j]! : 0)), 1e-10);
      });
    }
  });
  it("rmsNorm: x / sqrt(mean(x²) + eps) · scale", () => {
    const rn = nn.rmsNorm(6);
    const p = { scale: rand64([6], rng(4)) };
    expect(Object.keys(rn.init())).toEqual(["scale"]);
    const y = rows(rn.apply(p as never, x as never) as T);
    rows(x).forEach((v, r) => {
      const ms = v.reduce((s, a) => s + a * a, 0) / 6;
      close(y[r]!, v.map((a, j) => (a / Math.sqrt(ms + 1e-6)) * flat(p.scale)[j]!), 1e-10);
    });
  });
  it("batchNorm: batch statistics in training, running statistics over several steps, eval with them", () => {
    const bn = nn.batchNorm(6, { momentum: 0.9 });
    const p = { scale: rand64([6], rng(5)), bias: rand64([6], rng(6)) };
    let state = f64(bn.initState());
    let ra = { m: new Array(6).fill(0), v: new Array(6).fill(1) };
    for (let step = 0; step < 3; step++) {
      const xs = rand64([5, 2, 6], rng(10 + step), 2 + step);
      const [y, next] = bn.apply(p as never, state, xs as never, { useRunningAverage: false });
      const rs = rows(xs);
      const m = Array.from({ length: 6 }, (_, j) => rs.reduce((s, v) => s + v[j]!, 0) / rs.length);
      const v = Array.from({ length: 6 }, (_, j) => rs.reduce((s, r) => s + (r[j]! - m[j]!) ** 2, 0) / rs.length);
      const ys = rows(y as T);
      rs.forEach((r, i) => close(ys[i]!, r.map((a, j) => ((a - m[j]!) / Math.sqrt(v[j]! + 1e-5)) * flat(p.scale)[j]! + flat(p.bias)[j]!), 1e-10));
      ra = { m: ra.m.map((a, j) => 0.9 * a + 0.1 * m[j]!), v: ra.v.map((a, j) => 0.9 * a + 0.1 * v[j]!) };
      close(flat(next.mean as T), ra.m, 1e-12, "running mean");
      close(flat(next.var as T), ra.v, 1e-12, "running var");
      state = next;
    }
    const [ye, same] = bn.apply(p as never, state, x as never, { useRunningAverage: true });
    expect(same).toBe(state);
    rows(x).forEach((r, i) => close(rows(ye as T)[i]!, r.map((a, j) => ((a - ra.m[j]!) / Math.sqrt(ra.v[j]! + 1e-5)) * flat(p.scale)[j]! + flat(p.bias)[j]!), 1e-10));
    expect(() => bn.apply(p as never, state, x as never, undefined as never)).toThrow(/useRunningAverage/);
  });
  it("gradients of layerNorm, rmsNorm and batchNorm (params and input) equal finite differences", () => {
    const ln = nn.layerNorm(6), rn = nn.rmsNorm(6), bn = nn.batchNorm(6);
    const pl = { scale: rand64([6], rng(2)), bias: rand64([6], rng(3)) };
    gradcheck(((p: never, xx: never) => weighted(ln.apply(p, xx) as T)) as never, [pl, x]);
    gradcheck(((p: never, xx: never) => weighted(rn.apply(p, xx) as T)) as never, [{ scale: pl.scale }, x]);
    const st = f64(bn.initState());
    gradcheck(((p: never, xx: never) => weighted(bn.apply(p, st, xx, { useRunningAverage: false })[0] as T)) as never, [pl, x]);
  });
});

describe("embed", () => {
  it("looks rows up by int32 ids of any shape, and attends", () => {
    const e = nn.embed(7, 3);
    const p = e.init(random.key(1));
    expect(p.embedding.shape).toEqual([7, 3]);
    const table = rows(p.embedding as T);
    const ids = tensor([[0, 6, 2], [3, 3, 1]], "int32");
    const y = e.apply(p, ids);
    expect(y.shape).toEqual([2, 3, 3]);
    close(flat(y as T), [0, 6, 2, 3, 3, 1].flatMap((i) => table[i]!), 0);
    const q = rand64([2, 3]);
    const a = rows(e.attend(f64(p), q as never) as T);
    rows(q).forEach((v, r) => close(a[r]!, table.map((t) => t.reduce((s, x, j) => s + x * v[j]!, 0)), 1e-6));
    expect(() => e.apply(p, tensor([1.5]) as never)).toThrow("embed: indices must be int32, got float32");
    // flax's default table: normal with variance 1 / features
    const big = flat(nn.embed(1000, 16).init(random.key(2)).embedding as T);
    const v = big.reduce((s, x) => s + x * x, 0) / big.length;
    expect(v * 16).toBeGreaterThan(0.93);
    expect(v * 16).toBeLessThan(1.07);
  });
  it("the gradient of the table is a scatter-add of the ids' cotangents", () => {
    const e = nn.embed(5, 2);
    const p = f64(e.init(random.key(3)));
    const ids = tensor([4, 1, 4], "int32");
    gradcheck(((pp: never) => weighted(e.apply(pp, ids) as T)) as never, [p], 6);
  });
});

describe("dropout", () => {
  it("zeroes the rate, scales the rest by 1 / (1 - rate), identity in eval", () => {
    const x = tensor(Float32Array.from({ length: 20000 }, (_, i) => 1 + (i % 7)), [200, 100]);
    const d = nn.dropout(0.3);
    const y = flat(d.apply(x, { key: random.key(9) }) as T);
    const xs = flat(x as T);
    const zeros = y.filter((v) => v === 0).length / y.length;
    expect(Math.abs(zeros - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / y.length));
    y.forEach((v, i) => {
      if (v !== 0) expect(v).toBeCloseTo(xs[i]! / 0.7, 5);
    });
    // the same key, the same mask; another key, another
    expect(flat(d.apply(x, { key: random.key(9) }) as T)).toEqual(y);
    expect(flat(d.apply(x, { key: random.key(10) }) as T)).not.toEqual(y);
    expect(d.apply(x, { deterministic: true })).toBe(x);
    expect(nn.dropout(0).apply(x, { key: random.key(1) })).toBe(x);
    expect(flat(nn.dropout(1).apply(x, { key: random.key(1) }) as T).every((v) => v === 0)).toBe(true);
    expect(() => d.apply(x, {} as never)).toThrow("dropout: needs a key unless deterministic");
    expect(() => nn.dropout(1.5)).toThrow(/rate/);
  });
  it("under jit a new key gives a new mask without retracing; its gradient is the mask over 1 - rate", () => {
    const d = nn.dropout(0.5);
    const x = rand64([50]);
    const f = jit((k: Tensor<[2], "uint32">, xx: Tensor<[50], "float64">) => d.apply(xx, { key: k }));
    const a = flat(f(random.key(1), x as never) as T), b = flat(f(random.key(2), x as never) as T);
    expect(a).not.toEqual(b);
    expect(f.traceCount).toBe(1);
    close(a, flat(d.apply(x as never, { key: random.key(1) }) as T), 1e-12);
    const g = flat(grad((xx: Tensor<[50], "float64">) => sum(d.apply(xx, { key: random.key(1) })))(x as never) as T);
    g.forEach((v, i) => expect(v).toBeCloseTo(a[i] === 0 ? 0 : 2, 12));
  });
});
