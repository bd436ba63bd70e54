/**
 * lax.reduceWindow, nn.maxPool and nn.avgPool: values against a plain loop over output indices
 * and window taps (XLA's ReduceWindow semantics: init pads, fills base dilation and starts each
 * fold), gradients against float64 central differences, JAX's max-pool tie rule (the first
 * maximum in row-major window order gets the whole cotangent), vmap against stacking, jit, and
 * what the forward pass compiles to.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { ShapeMismatchError } from "../../src/index.js";
import { optimize } from "../../src/compile/passes.js";
import { fuse } from "../../src/compile/fusion.js";
import type { Graph } from "../../src/ir/graph.js";
import { float64OnWasm, int32RangeOnWasm } from "../harness/backend.js";
import { sizeOf, unravel, type Ref } from "./ref.js";
import { distinctT, expectClose, f64, fdJacobian, flat, rng, scalarize, stackAt, take, type T } from "../transforms/helpers.js";

type Fn = (...a: any[]) => any;
type Op = "add" | "mul" | "max" | "min";
const lax = sg.lax as unknown as { reduceWindow: Fn };
const nn = sg.nn as unknown as { maxPool: Fn; avgPool: Fn };
const grad = sg.grad as unknown as (f: Fn) => Fn;
const jvp = sg.jvp as unknown as (f: Fn, p: unknown[], t: unknown[]) => [T, T];
const vmap = sg.vmap as unknown as (f: Fn, opts?: { inAxes?: unknown }) => Fn;
const jit = sg.jit as unknown as (f: Fn) => Fn;
const jacfwd = sg.jacfwd as unknown as (f: Fn) => Fn;

const OPS: Record<Op, (a: number, b: number) => number> = { add: (a, b) => a + b, mul: (a, b) => a * b, max: Math.max, min: Math.min };

interface Cfg {
  window: number[];
  strides: number[];
  padding: "SAME" | "VALID" | [number, number][];
  baseDilation?: number[];
  windowDilation?: number[];
}

/** SAME's [lo, hi] for one dim, written out from jax.lax.padtype_to_pads (not the library's samePads). */
function samePads(h: number, k: number, s: number, d: number): [number, number] {
  const total = Math.max(0, (Math.ceil(h / s) - 1) * s + (k - 1) * d + 1 - h);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** The [lo, hi] pairs of a config, SAME as jax.lax.padtype_to_pads (undilated input, dilated window). */
function pairsOf(shape: readonly number[], c: Cfg): [number, number][] {
  if (c.padding === "VALID") return shape.map(() => [0, 0]);
  if (c.padding === "SAME") return shape.map((h, i) => samePads(h, c.window[i]!, c.strides[i]!, c.windowDilation?.[i] ?? 1));
  return c.padding;
}

/**
 * XLA's ReduceWindow by loops: output o, tap k reads the base-dilated, padded input at
 * o·s + k·d - lo, which is element p / ld of x when p is a multiple of ld in range, else `init`.
 * Also returns, per output, the flat input index of the first tap equal to the result (JAX's
 * max/min gradient target; -1 when that tap is padding or none is).
 */
function reduceWindowRef(x: Ref, init: number, op: Op, c: Cfg): { out: Ref; first: number[] } {
  const r = x.shape.length;
  const ld = c.baseDilation ?? x.shape.map(() => 1);
  const wd = c.windowDilation ?? x.shape.map(() => 1);
  const pads = pairsOf(x.shape, c);
  const shape = x.shape.map((h, i) => {
    const hp = (h === 0 ? 0 : (h - 1) * ld[i]! + 1) + pads[i]![0] + pads[i]![1];
    const span = hp - (c.window[i] === 0 ? 0 : (c.window[i]! - 1) * wd[i]! + 1);
    return span < 0 ? 0 : Math.floor(span / c.strides[i]!) + 1;
  });
  const taps = sizeOf(c.window);
  const data: number[] = [];
  const first: number[] = [];
  for (let o = 0; o < sizeOf(shape); o++) {
    const oi = unravel(o, shape);
    const vals: { v: number; at: number }[] = [];
    for (let t = 0; t < taps; t++) {
      const k = unravel(t, c.window);
      let at = 0;
      for (let i = 0; i < r && at >= 0; i++) {
        const p = oi[i]! * c.strides[i]! + k[i]! * wd[i]! - pads[i]![0];
        if (p < 0 || p % ld[i]! !== 0 || p / ld[i]! >= x.shape[i]!) at = -1;
        else at = at * x.shape[i]! + p / ld[i]!;
      }
      vals.push({ v: at < 0 ? init : x.data[at]!, at });
    }
    const acc = vals.reduce((a, { v }) => OPS[op](a, v), init);
    data.push(acc);
    const hit = vals.find(({ v }) => v === acc);
    first.push(hit ? hit.at : -1);
  }
  return { out: { shape, data }, first };
}

/** A pool's config over all dims of x: window 1 on the batch and feature dims, as flax. */
function poolCfg(xShape: readonly number[], window: number[], strides: number[] | undefined, padding: Cfg["padding"]): Cfg {
  const nb = xShape.length - window.length - 1;
  const around = <V>(a: V[], v: V): V[] => [...Array.from({ length: nb }, () => v), ...a, v];
  return { window: around(window, 1), strides: around(strides ?? window.map(() => 1), 1), padding: Array.isArray(padding) ? around(padding, [0, 0]) : padding };
}

const ints = (shape: number[], seed: number, lo = -5, hi = 5): Ref => {
  const r = rng(seed);
  return { shape, data: Array.from({ length: sizeOf(shape) }, () => lo + Math.floor((hi - lo + 1) * r())) };
};
const t32 = (x: Ref): T => sg.tensor(Float32Array.from(x.data), x.shape) as unknown as T;
const opts = (c: Cfg) => ({ baseDilation: c.baseDilation, windowDilation: c.windowDilation });
// compiled as the runtime compiles (the final optimisation inlines the pooling primitives' bodies)
const kinds = (f: Fn, ...xs: unknown[]) => fuse(optimize((sg.makeGraph as unknown as (f: Fn) => Fn)(f)(...xs) as Graph, true)).kernels.map((k) => k.kind);

// strides, paddings and dilations over ranks 1, 2 and 3
const CASES: [string, number[], Cfg][] = [
  ["1-D, window 3, VALID", [7], { window: [3], strides: [1], padding: "VALID" }],
  ["1-D, stride 2, SAME", [7], { window: [3], strides: [2], padding: "SAME" }],
  ["1-D, explicit and negative pads", [8], { window: [2], strides: [3], padding: [[2, -1]] }],
  ["1-D, window dilation 2", [9], { window: [3], strides: [1], padding: "VALID", windowDilation: [2] }],
  ["1-D, base dilation 2, padded", [5], { window: [2], strides: [1], padding: [[1, 1]], baseDilation: [2] }],
  ["1-D, stride 3 over base dilation 2", [7], { window: [3], strides: [3], padding: [[2, 1]], baseDilation: [2] }],
  ["2-D, base dilation 3 with stride 2, window dilation 2", [4, 5], { window: [2, 3], strides: [2, 2], padding: [[1, 2], [3, 0]], baseDilation: [3, 2], windowDilation: [2, 1] }],
  ["2-D, 2x2 stride 2", [6, 4], { window: [2, 2], strides: [2, 2], padding: "VALID" }],
  ["2-D, 3x3 SAME, stride 2", [7, 6], { window: [3, 3], strides: [2, 2], padding: "SAME" }],
  ["2-D, 3x2 overlapping, explicit pads", [5, 5], { window: [3, 2], strides: [1, 2], padding: [[1, 2], [0, 1]] }],
  ["2-D, both dilations, SAME", [5, 6], { window: [2, 3], strides: [2, 1], padding: "SAME", baseDilation: [2, 1], windowDilation: [1, 2] }],
  ["2-D, window larger than the input", [3, 2], { window: [4, 2], strides: [1, 1], padding: "VALID" }],
  ["3-D, 2x2x2", [4, 4, 3], { window: [2, 2, 2], strides: [2, 1, 1], padding: "VALID" }],
  ["3-D, SAME with dilation", [3, 5, 4], { window: [2, 3, 2], strides: [1, 2, 2], padding: "SAME", windowDilation: [1, 2, 1] }],
  ["3-D, a big window (separable)", [6, 7, 5], { window: [4, 5, 3], strides: [1, 2, 1], padding: [[1, 1], [2, 2], [0, 1]] }],
];

describe("lax.reduceWindow against a loop over windows", () => {
  const identity: Record<Op, number> = { add: 0, mul: 1, max: -Infinity, min: Infinity };
  CASES.forEach(([name, shape, c], n) => {
    for (const op of ["add", "max", "min", "mul"] as const) {
      it(`${name}: ${op}`, async () => {
        const x = op === "mul" ? ints(shape, 10 + n, -1, 2) : ints(shape, 10 + n);
        const y = lax.reduceWindow(t32(x), identity[op], op, c.window, c.strides, c.padding, opts(c)) as T;
        const { out } = reduceWindowRef(x, identity[op], op, c);
        expect([...y.shape]).toEqual(out.shape);
        expect(await flat(y)).toEqual(out.data);
      });
    }
  });
  it("an init value that is not the identity counts once per window and pads", async () => {
    const x = ints([6, 5], 3);
    const c: Cfg = { window: [2, 3], strides: [1, 2], padding: "SAME" };
    for (const [op, init] of [["add", 1.5], ["max", 2], ["min", -1]] as const) {
      const y = lax.reduceWindow(t32(x), init, op, c.window, c.strides, c.padding) as T;
      expect(await flat(y)).toEqual(reduceWindowRef(x, init, op, c).out.data);
    }
  });
  it("int32 operands, and an empty output", async () => {
    // the padding is int32's lowest value, past what gpu.js holds in float32
    int32RangeOnWasm();
    const x = ints([5, 4], 4, -50, 50);
    const c: Cfg = { window: [2, 2], strides: [1, 1], padding: "SAME" };
    const xi = sg.tensor(Int32Array.from(x.data), x.shape, "int32") as unknown as T;
    const y = lax.reduceWindow(xi, -2147483648, "max", c.window, c.strides, c.padding) as T;
    expect(y.dtype).toBe("int32");
    expect(await flat(y)).toEqual(reduceWindowRef(x, -Infinity, "max", c).out.data);
    const e = lax.reduceWindow(t32(x), 0, "add", [6, 1], [1, 1], "VALID") as T;
    expect([...e.shape]).toEqual([0, 4]);
  });
});

describe("nn.maxPool and nn.avgPool (flax's layout and defaults)", () => {
  const POOLS: [string, number[], number[], number[] | undefined, Cfg["padding"]][] = [
    ["NHWC 2x2 stride 2", [2, 6, 6, 3], [2, 2], [2, 2], "VALID"],
    ["NHWC 3x3 stride 2 SAME", [2, 7, 5, 2], [3, 3], [2, 2], "SAME"],
    ["NHWC, explicit pads, default strides", [1, 5, 4, 2], [2, 3], undefined, [[1, 0], [1, 1]]],
    ["NWC 1-D", [3, 9, 2], [3], [2], "SAME"],
    ["NDHWC 3-D", [1, 4, 5, 4, 2], [2, 3, 2], [2, 1, 2], "VALID"],
    ["unbatched HWC", [6, 5, 3], [2, 2], [1, 2], "SAME"],
    ["two batch dims", [2, 2, 5, 5, 1], [3, 3], [2, 2], [[1, 1], [1, 1]]],
  ];
  POOLS.forEach(([name, shape, window, strides, padding], n) => {
    it(name, async () => {
      const x = ints(shape, 40 + n);
      const o = { strides, padding };
      const c = poolCfg(shape, window, strides, padding);
      const mx = nn.maxPool(t32(x), window, o) as T;
      expect([...mx.shape]).toEqual(reduceWindowRef(x, -Infinity, "max", c).out.shape);
      expect(await flat(mx)).toEqual(reduceWindowRef(x, -Infinity, "max", c).out.data);
      // avgPool: window sums over the window size, or over the input elements each window covers
      const sum = reduceWindowRef(x, 0, "add", c).out.data;
      const ones: Ref = { shape, data: x.data.map(() => 1) };
      const count = reduceWindowRef(ones, 0, "add", c).out.data;
      const k = window.reduce((a, b) => a * b, 1);
      await expectClose(nn.avgPool(t32(x), window, o) as T, sum.map((s) => Math.fround(s / k)), { rtol: 1e-6 });
      await expectClose(nn.avgPool(t32(x), window, { ...o, countIncludePad: false }) as T, sum.map((s, i) => Math.fround(s / count[i]!)), { rtol: 1e-6 });
    });
  });
  it("maxPool of a [8, 28, 28, 16] batch is [8, 14, 14, 16]", () => {
    const y = sg.nn.maxPool(sg.zeros([8, 28, 28, 16]), [2, 2], { strides: [2, 2] });
    expect(y.shape).toEqual([8, 14, 14, 16]);
  });
  it("errors name the op and the shapes", () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ShapeMismatchError);
        return (e as Error).message;
      }
      return "nothing thrown";
    };
    const x = sg.zeros([28, 28]) as unknown as T;
    expect(err(() => nn.maxPool(x, [2, 2]))).toBe("maxPool: a 2-D window [2, 2] needs an input of rank 3 or more ([...batch, ...spatial, features]), got [28, 28]");
    expect(err(() => nn.avgPool(sg.zeros([1, 4, 4, 1]), [2, 2], { strides: [2] }))).toBe("avgPool: strides [2] (length 1) do not match window [2, 2] (length 2)");
    expect(err(() => nn.maxPool(sg.zeros([1, 4, 4, 1]), [2, 2], { padding: [[1, 1]] }))).toBe("maxPool: padding has 1 pairs for window [2, 2] (length 2)");
    expect(err(() => lax.reduceWindow(x, 0, "add", [2, 2, 1], [1, 1, 1], "VALID"))).toBe(
      "reduceWindow: windowDimensions [2, 2, 1] (length 3) does not match shape [28, 28] (rank 2)",
    );
    expect(err(() => lax.reduceWindow(x, 0, "add", [2, 2], [1, 1], "VALID", { windowDilation: [1] }))).toBe(
      "reduceWindow: windowDilation [1] (length 1) does not match shape [28, 28] (rank 2)",
    );
    expect(err(() => lax.reduceWindow(x, 0, "add", [2, 2], [0, 1], "VALID"))).toBe("reduceWindow: windowStrides must be a list of positive integers, got [0, 1]");
    expect(err(() => lax.reduceWindow(x, 0, "add", [2, 2], [1, 1], [[0, 0], [-20, -9]]))).toBe("reduceWindow: padding [-20, -9] crops more than axis 1 has (size 28, shape [28, 28])");
    expect(() => lax.reduceWindow(x, 0, "pow", [2, 2], [1, 1], "VALID")).toThrow(/computation must be/);
  });
});

describe("derivatives against float64 central differences", () => {
  const FNS: [string, number[], Fn][] = [
    ["reduceWindow add, dilations and pads", [5, 4], (x: T) => lax.reduceWindow(x, 0, "add", [2, 2], [1, 2], [[1, 0], [1, 1]], { baseDilation: [2, 1], windowDilation: [1, 2] })],
    ["reduceWindow max, SAME", [5, 6], (x: T) => lax.reduceWindow(x, -Infinity, "max", [3, 2], [2, 1], "SAME")],
    // some windows read only padding and holes: a finite init keeps the loss finite (and is folded in)
    ["reduceWindow max, base dilation 3 with stride 2", [4, 5], (x: T) => lax.reduceWindow(x, -50, "max", [2, 3], [2, 2], [[1, 2], [3, 0]], { baseDilation: [3, 2], windowDilation: [2, 1] })],
    ["reduceWindow min, window dilation", [7], (x: T) => lax.reduceWindow(x, Infinity, "min", [3], [1], "VALID", { windowDilation: [2] })],
    ["reduceWindow mul", [6], (x: T) => lax.reduceWindow(x, 1, "mul", [3], [1], [[1, 1]])],
    ["maxPool NHWC, overlapping", [2, 5, 5, 2], (x: T) => nn.maxPool(x, [3, 3], { strides: [2, 2], padding: "SAME" })],
    ["maxPool, windows that tile the input (a remainder row and column)", [2, 7, 8, 2], (x: T) => nn.maxPool(x, [2, 3], { strides: [2, 3] })],
    ["maxPool 3-D, a big window", [1, 5, 6, 5, 1], (x: T) => nn.maxPool(x, [4, 4, 3], { strides: [1, 2, 2] })],
    ["avgPool, countIncludePad false", [1, 5, 4, 2], (x: T) => nn.avgPool(x, [2, 3], { padding: "SAME", countIncludePad: false })],
    ["avgPool 1-D", [2, 7, 1], (x: T) => nn.avgPool(x, [3], { strides: [2] })],
  ];
  for (const [name, shape, f] of FNS) {
    it(name, async () => {
      float64OnWasm();
      const r = rng(9);
      // distinct values keep every max and min away from ties (finite differences need that)
      const x = distinctT(r, shape);
      const y = f(x) as T;
      const w = f64(Array.from({ length: sizeOf([...y.shape]) }, () => 2 * r() - 1), [...y.shape]);
      const loss = scalarize(f, w);
      const fd = await flat(await fdJacobian(loss, [x], 0));
      await expectClose(grad(loss)(x), fd, { rtol: 1e-6, atol: 1e-8 });
      await expectClose(jit(grad(loss))(x), fd, { rtol: 1e-6, atol: 1e-8 });
      // forward mode: the directional derivative along a random tangent
      const t = f64(Array.from({ length: sizeOf(shape) }, () => 2 * r() - 1), shape);
      const [, dy] = jvp(f, [x], [t]);
      const fdDir = await flat(await fdJacobian((s: T) => f(sg.add(x as never, sg.mul(s as never, t as never) as never)), [f64([0], [])], 0));
      await expectClose(dy, fdDir, { rtol: 1e-6, atol: 1e-8 });
    });
  }
  it("second order: the Hessian of a loss through maxPool and avgPool", async () => {
    float64OnWasm();
    const r = rng(11);
    const x = distinctT(r, [1, 4, 4, 1]);
    const f = (v: T) => sg.sum(sg.sin(sg.mul(nn.maxPool(v, [2, 2], { strides: [1, 1] }), nn.avgPool(v, [2, 2], { strides: [1, 1] })) as never) as never);
    const g = grad(f);
    const h = jacfwd(g)(x) as T;
    await expectClose(h, await flat(await fdJacobian(g as (v: T) => T, [x], 0)), { rtol: 1e-5, atol: 1e-7 });
    await expectClose(grad((v: T) => sg.sum(sg.mul(g(v), v as never) as never))(x), await flat(await fdJacobian((v: T) => sg.sum(sg.mul(g(v), v as never) as never) as unknown as T, [x], 0)), { rtol: 1e-5, atol: 1e-7 });
  });
});

describe("max-pool ties: the first maximum in row-major window order gets the cotangent (JAX)", () => {
  /** The input cotangent of sum(ct · reduceWindow max) by JAX's rule, from the reference's first hits. */
  function tieGrad(x: Ref, c: Cfg, ct: number[], op: Op = "max"): number[] {
    const { first } = reduceWindowRef(x, op === "max" ? -Infinity : Infinity, op, c);
    const g = x.data.map(() => 0);
    first.forEach((at, o) => {
      if (at >= 0) g[at]! += ct[o]!;
    });
    return g;
  }
  const TIES: [string, number[], Cfg][] = [
    ["2x2 stride 2, all equal", [4, 4], { window: [2, 2], strides: [2, 2], padding: "VALID" }],
    ["3x3 overlapping SAME, plateaus", [5, 6], { window: [3, 3], strides: [1, 2], padding: "SAME" }],
    ["dilated, 1-D", [9], { window: [3], strides: [2], padding: "VALID", windowDilation: [2] }],
    ["a big window (separable)", [7, 8], { window: [6, 7], strides: [1, 1], padding: [[1, 1], [1, 0]] }],
    ["windows that tile the input, with a remainder", [5, 7], { window: [2, 3], strides: [2, 3], padding: "VALID" }],
  ];
  TIES.forEach(([name, shape, c], n) => {
    it(name, async () => {
      // few distinct values: most windows tie
      const x: Ref = n === 0 ? { shape, data: new Array<number>(sizeOf(shape)).fill(1) } : ints(shape, 60 + n, 0, 2);
      const y = reduceWindowRef(x, -Infinity, "max", c).out;
      const ct = y.data.map((_, i) => 1 + (i % 5));
      const f = (v: T) => sg.sum(sg.mul(lax.reduceWindow(v, -Infinity, "max", c.window, c.strides, c.padding, opts(c)), t32({ shape: y.shape, data: ct }) as never) as never);
      expect(await flat(grad(f)(t32(x)))).toEqual(tieGrad(x, c, ct));
      expect(await flat(jit(grad(f))(t32(x)))).toEqual(tieGrad(x, c, ct));
      // min follows the same rule (with le)
      const fm = (v: T) => sg.sum(sg.mul(lax.reduceWindow(v, Infinity, "min", c.window, c.strides, c.padding, opts(c)), t32({ shape: y.shape, data: ct }) as never) as never);
      expect(await flat(grad(fm)(t32(x)))).toEqual(tieGrad(x, c, ct, "min"));
      // forward mode picks the same element: the tangent at each window's first maximum
      const tan = x.data.map((_, i) => i + 1);
      const { first } = reduceWindowRef(x, -Infinity, "max", c);
      const [, dy] = jvp((v: T) => lax.reduceWindow(v, -Infinity, "max", c.window, c.strides, c.padding, opts(c)), [t32(x)], [t32({ shape, data: tan })]);
      expect(await flat(dy)).toEqual(first.map((at) => (at >= 0 ? tan[at]! : 0)));
    });
  });
  it("NaN: the window's max is NaN and no element of it gets a gradient", async () => {
    const x = sg.tensor([1, NaN, 3, 2, 5, 4], [1, 6, 1]);
    const f = (v: T) => nn.maxPool(v, [2], { strides: [2] });
    expect(await flat(f(x as unknown as T))).toEqual([NaN, 3, 5]);
    expect(await flat(grad((v: T) => sg.sum(f(v) as never))(x))).toEqual([0, 0, 1, 0, 1, 0]);
  });
  it("maxPool of a [1, 2, 2, 1] plateau: the top-left element", async () => {
    const g = grad((v: T) => sg.sum(nn.maxPool(v, [2, 2]) as never))(sg.ones([1, 2, 2, 1])) as T;
    expect(await flat(g)).toEqual([1, 0, 0, 0]);
  });
});

describe("vmap against stacking the per-slice results", () => {
  const f = (v: T) => nn.maxPool(v, [2, 2], { strides: [2, 1], padding: "SAME" });
  const a = (v: T) => nn.avgPool(v, [3, 2], { countIncludePad: false, padding: [[1, 1], [0, 1]] });
  const r = (v: T) => lax.reduceWindow(v, 0, "add", [2, 1, 2], [1, 1, 2], "SAME", { windowDilation: [1, 1, 2] });
  for (const [name, g] of [["maxPool", f], ["avgPool", a], ["reduceWindow", r]] as const) {
    it(`${name}, over axis 0 and axis 2`, async () => {
      const xs = t32(ints([3, 5, 4, 2], 80));
      const want = stackAt(Array.from({ length: 3 }, (_, i) => g(take(xs, i, 0)) as T), 0);
      await expectClose(vmap(g)(xs) as T, want, { rtol: 1e-6, atol: 0 });
      const moved = sg.moveAxis(xs as never, 0, 2) as unknown as T;
      await expectClose(vmap(g, { inAxes: 2 })(moved) as T, want, { rtol: 1e-6, atol: 0 });
    });
  }
  it("vmap of the max-pool gradient (ties included) and jit of vmap", async () => {
    const xs = t32(ints([3, 4, 4, 1], 81, 0, 1));
    const gf = grad((v: T) => sg.sum(f(v) as never));
    const want = stackAt(Array.from({ length: 3 }, (_, i) => gf(take(xs, i, 0)) as T), 0);
    expect(await flat(vmap(gf)(xs))).toEqual(await flat(want));
    expect(await flat(jit(vmap(gf))(xs))).toEqual(await flat(want));
  });
});

describe("compiled kernels", () => {
  it("a max pool is one elementwise kernel, SAME padding included; with relu before it, two", () => {
    const x = sg.zeros([2, 8, 8, 3]);
    expect(kinds((v: T) => nn.maxPool(v, [2, 2], { strides: [2, 2] }), x)).toEqual(["elementwise"]);
    // padding is a mask on each tap's view, not a padded copy
    expect(kinds((v: T) => nn.maxPool(v, [3, 3], { strides: [2, 2], padding: "SAME" }), x)).toEqual(["elementwise"]);
    expect(kinds((v: T) => nn.maxPool(sg.nn.relu(v as never), [3, 3], { strides: [2, 2], padding: "SAME" }), x)).toEqual(["elementwise", "elementwise"]);
    // the backward pass: which tap each window chose, then every input element gathers the
    // cotangents of the windows that chose it (two kernels, no host step, no scatter)
    const g = (v: T) => grad((u: T) => sg.sum(nn.maxPool(u, [3, 3], { strides: [2, 2], padding: "SAME" }) as never))(v);
    expect(kinds(g, x)).toEqual(["elementwise", "elementwise"]);
    // windows that tile the input: the chosen index, then one broadcast select in [..., O, K, ...]
    // (plus the copy that returns that reshaped buffer as the graph's output)
    const gt = (v: T) => grad((u: T) => sg.sum(nn.maxPool(u, [2, 2], { strides: [2, 2] }) as never))(v);
    expect(kinds(gt, x)).toEqual(["elementwise", "elementwise", "elementwise"]);
    const ga = (v: T) => grad((u: T) => sg.sum(nn.avgPool(u, [2, 2], { strides: [2, 2] }) as never))(v);
    expect(kinds(ga, x).every((k) => k !== "opaque")).toBe(true);
  });
  it("a jitted CNN-style block: conv-free relu, pool, dense", async () => {
    const x = t32(ints([2, 4, 4, 2], 90));
    const w = t32(ints([8, 3], 91));
    const step = (v: T, m: T) => sg.sum(sg.matmul(sg.reshape(nn.maxPool(sg.nn.relu(v as never), [2, 2], { strides: [2, 2] }), [2, 8]) as never, m as never) as never);
    const eager = grad(step)(x, w) as T;
    expect(await flat(jit(grad(step))(x, w))).toEqual(await flat(eager));
  });
});

// a sanity check of the reference itself on a case worked by hand
describe("the reference", () => {
  it("XLA's reduce_window with init 1 and a low pad", () => {
    const { out } = reduceWindowRef({ shape: [5], data: [0, 1, 2, 3, 4] }, 1, "add", { window: [2], strides: [1], padding: [[1, 0]] });
    expect(out.data).toEqual([2, 2, 4, 6, 8]);
  });
});
