/**
 * The losses (src/nn/losses.ts) against plain-loop float64 references written here: values on
 * random inputs (eager and jitted, float64 and float32), extreme logits (±1e4, -Infinity) with
 * finite values and gradients, optax's edge rules (label 0 against -Infinity, out-of-range
 * integer labels), gradients against central differences, vmap against per-row calls, and the
 * run-time checks' messages.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { nn, ShapeMismatchError } from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { expectClose, f64, fdJacobian, flat, grad, jit, makeGraph, randT, rng, scalarize, valueAndGrad, vmap, type T } from "../transforms/helpers.js";
import { eachSeq } from "../harness/read.js";

type Rows = number[][];
const rows = async (t: T): Promise<Rows> => {
  const d = await flat(t);
  const c = t.shape[t.shape.length - 1]!;
  return Array.from({ length: d.length / c }, (_, i) => d.slice(i * c, (i + 1) * c));
};
const f32 = (data: readonly number[], shape: readonly number[]): T => sg.tensor(Float32Array.from(data), [...shape]) as unknown as T;
const i32 = (data: readonly number[], shape: readonly number[] = [data.length]): T => sg.tensor(Int32Array.from(data), [...shape]) as unknown as T;
const L: Record<string, (...a: unknown[]) => T> = nn as never;

// ---------------------------------------------------------------- float64 references (plain loops)

/** log Σ exp(x - max) of a row: the log-sum-exp less the max (no cancellation against the max later). */
function lseShifted(row: readonly number[]): number {
  const m = Math.max(...row);
  let s = 0;
  for (const x of row) s += Math.exp(x - m);
  return Math.log(s);
}
const lse = (row: readonly number[]) => Math.max(...row) + lseShifted(row);
const logSoftmaxRef = (r: readonly number[], j: number) => r[j]! - Math.max(...r) - lseShifted(r);
const refCE = (x: Rows, y: Rows) => x.map((r, i) => -r.reduce((s, _, j) => s + (y[i]![j] === 0 ? 0 : y[i]![j]! * logSoftmaxRef(r, j)), 0));
const refCEInt = (x: Rows, labels: readonly number[]) => x.map((r, i) => -logSoftmaxRef(r, labels[i]!));
// max(x, 0) - x y + log(1 + e^-|x|): the textbook stable form, not the code's log-sigmoid one
const refBCE = (x: number, y: number) => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x)));
const refKL = (lp: Rows, t: Rows) => lp.map((r, i) => r.reduce((s, v, j) => s + (t[i]![j] === 0 ? 0 : t[i]![j]! * (Math.log(t[i]![j]!) - v)), 0));
const refHuber = (e: number, d: number) => (Math.abs(e) <= d ? 0.5 * e * e : d * (Math.abs(e) - 0.5 * d));
function refCos(a: Rows, b: Rows, eps = 0): number[] {
  return a.map((r, i) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    r.forEach((v, j) => {
      dot += v * b[i]![j]!;
      na += v * v;
      nb += b[i]![j]! ** 2;
    });
    return dot / (Math.sqrt(Math.max(na, eps)) * Math.sqrt(Math.max(nb, eps)));
  });
}
/** Random probability rows (some exact zeros). */
function probRows(r: () => number, b: number, c: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < b; i++) {
    const w = Array.from({ length: c }, () => (r() < 0.25 ? 0 : r()));
    w[Math.floor(r() * c)] = 1;
    const s = w.reduce((p, v) => p + v, 0);
    out.push(...w.map((v) => v / s));
  }
  return out;
}
/** One element of a tensor's data differs from the reference by more than tol (relative), or null. */
function mismatch(got: readonly number[], want: readonly number[], tol: number): string | null {
  if (got.length !== want.length) return `length ${got.length} vs ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)))) return `element ${i}: ${got[i]} vs ${want[i]}`;
  }
  return null;
}

// ---------------------------------------------------------------- values

describe("losses: values against float64 loops (eager and jitted float64, jitted float32)", () => {
  const B = 5;
  const C = 4;
  const r = rng(7);
  const x = Array.from({ length: B * C }, () => -3 + 6 * r());
  const y = probRows(r, B, C);
  const t = Array.from({ length: B * C }, () => -2 + 4 * r());
  const labels = [0, 3, 1, 2, 3];
  // the rows of the [B, C] inputs (plain arrays: a describe body cannot await a read)
  const rowsOf = (d: number[]): Rows => Array.from({ length: B }, (_, i) => d.slice(i * C, (i + 1) * C));
  const xr = rowsOf(x);
  const yr = rowsOf(y);
  const tr = rowsOf(t);
  const cases: [string, (a: T, b: T) => T, T, number[]][] = [
    ["softmaxCrossEntropy", (a, b) => L.softmaxCrossEntropy!(a, b), f64(y, [B, C]), refCE(xr, yr)],
    ["softmaxCrossEntropyWithIntegerLabels", (a, b) => L.softmaxCrossEntropyWithIntegerLabels!(a, b), i32(labels), refCEInt(xr, labels)],
    ["sigmoidBinaryCrossEntropy", (a, b) => L.sigmoidBinaryCrossEntropy!(a, b), f64(y, [B, C]), x.map((v, i) => refBCE(v, y[i]!))],
    ["klDivergence", (a, b) => L.klDivergence!(a, b), f64(y, [B, C]), refKL(xr, yr)],
    ["squaredError", (a, b) => L.squaredError!(a, b), f64(t, [B, C]), x.map((v, i) => (v - t[i]!) ** 2)],
    ["l2Loss", (a, b) => L.l2Loss!(a, b), f64(t, [B, C]), x.map((v, i) => 0.5 * (v - t[i]!) ** 2)],
    ["huberLoss", (a, b) => L.huberLoss!(a, b), f64(t, [B, C]), x.map((v, i) => refHuber(v - t[i]!, 1))],
    ["huberLoss delta 2.5", (a, b) => L.huberLoss!(a, b, { delta: 2.5 }), f64(t, [B, C]), x.map((v, i) => refHuber(v - t[i]!, 2.5))],
    ["cosineSimilarity", (a, b) => L.cosineSimilarity!(a, b), f64(t, [B, C]), refCos(xr, tr)],
    ["cosineDistance", (a, b) => L.cosineDistance!(a, b), f64(t, [B, C]), refCos(xr, tr).map((c) => 1 - c)],
  ];
  for (const [name, f, second, want] of cases) {
    it(name, async () => {
      float64OnWasm();
      const a = f64(x, [B, C]);
      expect(mismatch(await flat(f(a, second)), want, 1e-13), `${name} eager`).toBeNull();
      expect(mismatch(await flat(jit(f)(a, second)), want, 1e-13), `${name} jitted`).toBeNull();
      const s32 = second.dtype === "float64" ? f32(await flat(second), second.shape) : second;
      const g32 = jit(f)(f32(x, [B, C]), s32);
      expect(g32.dtype).toBe("float32");
      expect(mismatch(await flat(g32), want, 2e-6), `${name} float32`).toBeNull();
    });
  }
  it("targets are optional for the regression losses (optax: zeros)", async () => {
    float64OnWasm();
    const a = f64(x, [B, C]);
    expect(mismatch(await flat(L.squaredError!(a)), x.map((v) => v * v), 1e-15)).toBeNull();
    expect(mismatch(await flat(L.l2Loss!(a, null)), x.map((v) => 0.5 * v * v), 1e-15)).toBeNull();
    expect(mismatch(await flat(L.huberLoss!(a, undefined, { delta: 0.5 })), x.map((v) => refHuber(v, 0.5)), 1e-15)).toBeNull();
  });
  it("labels of another dtype are cast to the logits' (int32 0/1 labels, float64 labels for float32 logits)", async () => {
    float64OnWasm();
    const a = f32(x, [B, C]);
    const bits = y.map((v) => (v > 0.2 ? 1 : 0));
    const want = await flat(L.sigmoidBinaryCrossEntropy!(a, f32(bits, [B, C])));
    const got = L.sigmoidBinaryCrossEntropy!(a, i32(bits, [B, C]));
    expect(got.dtype).toBe("float32");
    expect(await flat(got)).toEqual(want);
    const ce = L.softmaxCrossEntropy!(a, f64(y, [B, C]));
    expect(ce.dtype).toBe("float32");
    expect(await flat(ce)).toEqual(await flat(L.softmaxCrossEntropy!(a, f32(y, [B, C]))));
  });
  it("the class axis elsewhere: integer labels along axis 1 of [2, 3, 4], probabilities over axes [1, 2]", async () => {
    float64OnWasm();
    const v = Array.from({ length: 24 }, () => -2 + 4 * r());
    const at = (i: number, c: number, k: number) => v[i * 12 + c * 4 + k]!;
    const lab = [0, 2, 1, 2, 1, 0, 0, 1];
    const want: number[] = [];
    for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) want.push(lse([0, 1, 2].map((c) => at(i, c, k))) - at(i, lab[i * 4 + k]!, k));
    const got = L.softmaxCrossEntropyWithIntegerLabels!(f64(v, [2, 3, 4]), i32(lab, [2, 4]), 1);
    expect(got.shape).toEqual([2, 4]);
    expect(mismatch(await flat(got), want, 1e-13)).toBeNull();
    // over two axes: each [3, 4] block is one distribution
    const p = probRows(r, 2, 12);
    const blocks = await rows(f64(v, [2, 12]));
    const got2 = L.softmaxCrossEntropy!(f64(v, [2, 3, 4]), f64(p, [2, 3, 4]), [1, 2]);
    expect(got2.shape).toEqual([2]);
    expect(mismatch(await flat(got2), refCE(blocks, await rows(f64(p, [2, 12]))), 1e-13)).toBeNull();
  });
});

// ---------------------------------------------------------------- extreme inputs

describe("losses at extreme logits: finite values and gradients", () => {
  const X = [1e4, -1e4, 0, -1e4, 1e4, 1e4, 30, -30, 1e4];
  const shape = [3, 3];
  const onehot = [0, 1, 0, 0, 1, 0, 0, 0, 1];
  const labels = [1, 1, 2];
  for (const dtype of ["float64", "float32"] as const) {
    const mk = (d: readonly number[], s: readonly number[]) => (dtype === "float64" ? f64(d, s) : f32(d, s));
    it(`softmax cross entropy, both kinds of labels (${dtype})`, async () => {
      if (dtype === "float64") float64OnWasm();
      const xr = await rows(f64(X, shape));
      const want = refCEInt(xr, labels);
      expect(mismatch(want, [2e4, Math.LN2, 0], 1e-15)).toBeNull();
      const tol = dtype === "float64" ? 1e-15 : 1e-7;
      for (const f of [(a: T) => L.softmaxCrossEntropy!(a, mk(onehot, shape)), (a: T) => L.softmaxCrossEntropyWithIntegerLabels!(a, i32(labels))]) {
        expect(mismatch(await flat(f(mk(X, shape))), want, tol)).toBeNull();
        expect(mismatch(await flat(jit(f)(mk(X, shape))), want, tol)).toBeNull();
        // d/dx mean = (softmax - onehot) / B
        const g = await flat(grad((a: T) => sg.mean(f(a) as never) as never)(mk(X, shape)));
        const sm = xr.flatMap((r) => r.map((_, j) => Math.exp(logSoftmaxRef(r, j))));
        const wantG = sm.map((p, i) => (p - onehot[i]!) / 3);
        expect(g.every(Number.isFinite)).toBe(true);
        expect(mismatch(g, wantG, tol)).toBeNull();
      }
    });
    it(`sigmoid binary cross entropy (${dtype})`, async () => {
      if (dtype === "float64") float64OnWasm();
      const xs = [1e4, -1e4, 1e4, -1e4, 40, -40];
      const ys = [1, 0, 0.3, 0.3, 0, 1];
      const want = xs.map((v, i) => refBCE(v, ys[i]!));
      const f = (a: T) => L.sigmoidBinaryCrossEntropy!(a, mk(ys, [6]));
      const got = await flat(jit(f)(mk(xs, [6])));
      expect(mismatch(got, want, dtype === "float64" ? 1e-15 : 1e-7)).toBeNull();
      const g = await flat(grad((a: T) => sg.sum(f(a) as never) as never)(mk(xs, [6])));
      const wantG = xs.map((v, i) => 1 / (1 + Math.exp(-v)) - ys[i]!);
      expect(g.every(Number.isFinite)).toBe(true);
      expect(mismatch(g, wantG, 1e-7)).toBeNull();
    });
  }
  it("-Infinity logits: a class with label 0 contributes nothing, to the value or the gradient", async () => {
    float64OnWasm();
    const x = f64([-Infinity, 2, 1, 0, -Infinity, -Infinity], [2, 3]);
    const y = f64([0, 1, 0, 1, 0, 0], [2, 3]);
    const want = [lse([2, 1]) - 2, 0];
    const ce = (a: T) => L.softmaxCrossEntropy!(a, y);
    const cei = (a: T) => L.softmaxCrossEntropyWithIntegerLabels!(a, i32([1, 0]));
    for (const f of [ce, cei]) {
      expect(mismatch(await flat(f(x)), want, 1e-15)).toBeNull();
      const g = await flat(grad((a: T) => sg.sum(f(a) as never) as never)(x));
      const p = Math.exp(2 - lse([2, 1]));
      expect(mismatch(g, [0, p - 1, 1 - p, 0, 0, 0], 1e-15)).toBeNull();
    }
    // the label's own logit at -Infinity: an infinite loss, as it should be
    expect((await flat(L.softmaxCrossEntropyWithIntegerLabels!(x, i32([0, 0]))))[0]).toBe(Infinity);
  });
  it("klDivergence: a target of 0 against a log-prediction of -Infinity contributes 0, with finite gradients", async () => {
    float64OnWasm();
    const lp = f64([-Infinity, Math.log(0.25), Math.log(0.75)], [3]);
    const t = f64([0, 0.5, 0.5], [3]);
    const want = 0.5 * (Math.log(0.5) - Math.log(0.25)) + 0.5 * (Math.log(0.5) - Math.log(0.75));
    expect((await flat(L.klDivergence!(lp, t)))[0]).toBeCloseTo(want, 14);
    const [gp, gt] = grad((a: T, b: T) => L.klDivergence!(a, b), { argnums: [0, 1] })(lp, t) as T[];
    expect(await flat(gp!)).toEqual([0, -0.5, -0.5]);
    expect((await flat(gt!)).every(Number.isFinite)).toBe(true);
  });
  it("integer labels as optax: negative ones count from the end, ones outside [-C, C) give NaN", async () => {
    float64OnWasm();
    const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 1], [4, 3]);
    const got = await flat(L.softmaxCrossEntropyWithIntegerLabels!(x, i32([-1, 3, -4, -3])));
    const xr = await rows(x);
    expect(got[0]).toBeCloseTo(lse(xr[0]!) - 3, 14);
    expect(got[1]).toBeNaN();
    expect(got[2]).toBeNaN();
    expect(got[3]).toBeCloseTo(lse(xr[3]!) - 1, 14);
  });
  it("cosine similarity: epsilon bounds the squared norms; a zero vector with epsilon 0 is NaN (optax)", async () => {
    float64OnWasm();
    const a = f64([0, 0, 3, 4], [2, 2]);
    const b = f64([1, 0, 4, 3], [2, 2]);
    const plain = await flat(L.cosineSimilarity!(a, b));
    expect(plain[0]).toBeNaN();
    expect(plain[1]).toBeCloseTo(24 / 25, 15);
    const eps = await flat(L.cosineSimilarity!(a, b, { epsilon: 1e-6 }));
    expect(eps).toEqual(refCos(await rows(a), await rows(b), 1e-6));
    const g = await flat(grad((p: T) => sg.sum(L.cosineSimilarity!(p, b, { epsilon: 1e-6 }) as never) as never)(a));
    expect(g.every(Number.isFinite)).toBe(true);
  });
});

// ---------------------------------------------------------------- gradients, vmap

describe("losses: gradients against float64 central differences", () => {
  const B = 3;
  const C = 4;
  const cases: [string, (r: () => number) => [(...a: T[]) => T, T[]]][] = [
    ["softmaxCrossEntropy (logits and labels)", (r) => [(a, b) => L.softmaxCrossEntropy!(a, b), [randT(r, [B, C]), f64(probRows(r, B, C), [B, C])]]],
    ["softmaxCrossEntropyWithIntegerLabels", (r) => [(a) => L.softmaxCrossEntropyWithIntegerLabels!(a, i32([2, 0, 3])), [randT(r, [B, C])]]],
    ["sigmoidBinaryCrossEntropy (logits and labels)", (r) => [(a, b) => L.sigmoidBinaryCrossEntropy!(a, b), [randT(r, [B, C]), randT(r, [B, C], "unit")]]],
    ["klDivergence (both)", (r) => [(a, b) => L.klDivergence!(a, b), [randT(r, [B, C]), randT(r, [B, C], "pos")]]],
    ["squaredError", (r) => [(a, b) => L.squaredError!(a, b), [randT(r, [B, C]), randT(r, [B, C])]]],
    ["l2Loss", (r) => [(a, b) => L.l2Loss!(a, b), [randT(r, [B, C]), randT(r, [B, C])]]],
    ["huberLoss", (r) => [(a, b) => L.huberLoss!(a, b, { delta: 0.7 }), [randT(r, [B, C]), randT(r, [B, C])]]],
    ["cosineSimilarity", (r) => [(a, b) => L.cosineSimilarity!(a, b), [randT(r, [B, C]), randT(r, [B, C])]]],
    ["cosineDistance along axis 0", (r) => [(a, b) => L.cosineDistance!(a, b, { axis: 0 }), [randT(r, [B, C]), randT(r, [B, C])]]],
  ];
  for (const [name, gen] of cases) {
    it(name, async () => {
      float64OnWasm();
      for (const seed of [1, 2, 3]) {
        const r = rng(seed);
        const [f, args] = gen(r);
        const w = randT(r, f(...args).shape);
        const g = scalarize(f, w);
        const grads = grad(g, { argnums: args.map((_, i) => i) })(...args) as T[];
        await eachSeq(args, async (_, i) => await expectClose(grads[i]!, await fdJacobian(g, args, i), { rtol: 1e-6, atol: 1e-7, msg: `${name} seed ${seed} arg ${i}` }));
      }
    });
  }
});

describe("losses under vmap", () => {
  it("integer-label cross entropy of one row at a time, vmapped, is the batched call", async () => {
    float64OnWasm();
    const r = rng(11);
    const x = randT(r, [6, 5]);
    const labels = i32([0, 4, 2, 1, 3, 4]);
    const perRow = (a: T, l: T) => L.softmaxCrossEntropyWithIntegerLabels!(a, l);
    const v = vmap(perRow)(x, labels) as T;
    expect(v.shape).toEqual([6]);
    await expectClose(v, L.softmaxCrossEntropyWithIntegerLabels!(x, labels), { rtol: 1e-15, atol: 0 });
    const y = f64(probRows(r, 6, 5), [6, 5]);
    await expectClose(vmap((a: T, b: T) => L.softmaxCrossEntropy!(a, b))(x, y) as T, L.softmaxCrossEntropy!(x, y), { rtol: 1e-15, atol: 0 });
  });
});

// ---------------------------------------------------------------- run-time checks

describe("losses: run-time checks (dims typed number) say what the compiler says", () => {
  const thrown = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error("nothing thrown");
  };
  it("shapes, labels and dtypes", () => {
    const a = f32([0, 0, 0, 0, 0, 0], [2, 3]);
    const cases: [() => unknown, string][] = [
      [() => L.softmaxCrossEntropy!(a, f32([0, 0, 0], [3])), "softmaxCrossEntropy: logits [2, 3] and labels [3] must have the same shape"],
      [() => L.sigmoidBinaryCrossEntropy!(a, f32([0, 0, 0, 0, 0, 0], [3, 2])), "sigmoidBinaryCrossEntropy: logits [2, 3] and labels [3, 2] must have the same shape"],
      [() => L.huberLoss!(a, f32([0, 0], [2])), "huberLoss: predictions [2, 3] and targets [2] must have the same shape"],
      [() => L.softmaxCrossEntropyWithIntegerLabels!(a, i32([0, 0, 0])), "softmaxCrossEntropyWithIntegerLabels: labels [3] must have the shape of logits [2, 3] without axis -1, [2]"],
      [() => L.softmaxCrossEntropyWithIntegerLabels!(a, f32([0, 0], [2])), "softmaxCrossEntropyWithIntegerLabels: labels must be int32, got float32"],
      [() => L.softmaxCrossEntropyWithIntegerLabels!(a, i32([0, 0]), 2), "softmaxCrossEntropyWithIntegerLabels: axis 2 is out of range for shape [2, 3] (rank 2)"],
      [() => L.softmaxCrossEntropy!(i32([0, 0]), i32([0, 0])), "softmaxCrossEntropy: logits must be float32 or float64, got int32"],
      [() => L.klDivergence!(i32([0, 0]), a), "klDivergence: logPredictions must be float32 or float64, got int32"],
    ];
    for (const [f, m] of cases) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(ShapeMismatchError);
      expect(e.message).toBe(m);
    }
    // labels that fit axis 0 are accepted
    expect(L.softmaxCrossEntropyWithIntegerLabels!(a, i32([0, 1, 0]), 0).shape).toEqual([3]);
  });
});

describe("losses fuse", () => {
  it("each loss and its gradient compile to kernels only (no opaque host steps)", async () => {
    const { programOf } = await import("../../src/runtime/execute.js");
    const { optimize } = await import("../../src/compile/passes.js");
    const x = f32([0.5, -1, 2, 0, 1, 3], [2, 3]);
    const p = f32([0.2, 0.3, 0.5, 1, 0, 0], [2, 3]);
    const fs: [string, (a: T) => T][] = [
      ["softmaxCrossEntropy", (a) => L.softmaxCrossEntropy!(a, p)],
      ["softmaxCrossEntropyWithIntegerLabels", (a) => L.softmaxCrossEntropyWithIntegerLabels!(a, i32([2, 0]))],
      ["sigmoidBinaryCrossEntropy", (a) => L.sigmoidBinaryCrossEntropy!(a, p)],
      ["klDivergence", (a) => L.klDivergence!(a, p)],
      ["huberLoss", (a) => L.huberLoss!(a, p)],
      ["cosineSimilarity", (a) => L.cosineSimilarity!(a, p)],
    ];
    for (const [name, f] of fs) {
      const g = optimize(makeGraph(valueAndGrad((a: T) => sg.mean(f(a) as never)))(x));
      const kinds = programOf(g).kernels.map((k) => k.kind);
      expect(kinds.length, name).toBeGreaterThan(0);
      expect(kinds.filter((k) => k === "opaque"), name).toEqual([]);
    }
  });
});
