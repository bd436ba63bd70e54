import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import { tensor, zeros, ones, full, ShapeMismatchError, type Tensor, type DType } from "../../src/index.js";
import { binaryRef, broadcastPairArb, close, f32Tol, randRef, round, sizeOf, toRef, type Ref } from "./ref.js";
import { float64OnWasm, int32RangeOnWasm } from "../harness/backend.js";
import { onShaderBackend, testBackendName } from "../harness/env.js";
import { f32Tolerance } from "../harness/accuracy.js";
import { settled } from "../harness/read.js";

const FLOATS = ["float32", "float64"] as const;

/** A tensor from a Ref with a runtime shape (dims typed as `number`). */
const fromRef = <D extends DType = "float32">(r: Ref, dtype?: D): Tensor<number[], D> =>
  tensor(Float64Array.from(r.data), r.shape as number[], (dtype ?? "float32") as D) as unknown as Tensor<number[], D>;

const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 0) => {
  const err = close(actual, expected, tol);
  expect(err, err ?? "").toBeNull();
};

// A spread of inputs, including values where functions are delicate.
const XS = [-7.5, -3, -1, -0.5, -1e-7, 0, 1e-7, 0.3, 0.5, 1, 2, 3.7, 10];
const POS = [1e-7, 0.01, 0.3, 0.5, 1, 2, 3.7, 10, 1e6];

describe("unary ops against Math (float64 exact, float32 = fround of the double result)", () => {
  const cases: [string, (x: Tensor<[number], "float64"> | Tensor<[number], "float32">) => { data(): Promise<ArrayLike<number>> }, (x: number) => number, number[]][] = [
    ["neg", (x) => sg.neg(x), (x) => -x, XS],
    ["abs", (x) => sg.abs(x), Math.abs, XS],
    ["sign", (x) => sg.sign(x), Math.sign, XS],
    ["square", (x) => sg.square(x), (x) => x * x, XS],
    ["exp", (x) => sg.exp(x), Math.exp, XS],
    ["log", (x) => sg.log(x), Math.log, POS],
    ["log1p", (x) => sg.log1p(x), Math.log1p, [...POS, -0.5, -1e-9]],
    ["sin", (x) => sg.sin(x), Math.sin, XS],
    ["cos", (x) => sg.cos(x), Math.cos, XS],
    ["tan", (x) => sg.tan(x), Math.tan, XS],
    ["tanh", (x) => sg.tanh(x), Math.tanh, XS],
    ["sqrt", (x) => sg.sqrt(x), Math.sqrt, [0, ...POS]],
    ["reciprocal", (x) => sg.reciprocal(x), (x) => 1 / x, XS.filter((x) => x !== 0)],
    ["relu", (x) => sg.relu(x), (x) => (x > 0 ? x : 0), XS],
  ];
  for (const [name, op, f, xs] of cases) {
    it(name, async () => {
      float64OnWasm();
      for (const dtype of FLOATS) {
        const r = round(dtype);
        const x = tensor(xs, [xs.length], dtype);
        const expected = xs.map((v) => r(f(r(v))));
        // gpu.js webasm computes log1p in float32 on the device (fused, log(u)·x/(u−1)): 2 ulp, not correctly rounded
        const deviceF32 = name === "log1p" && dtype === "float32" && testBackendName() === "gpujs:webasm";
        // float32 on gpujs:webgpu: the accuracy the README states there (test/harness/accuracy.ts)
        expectClose(await op(x as never).data(), expected, dtype === "float32" ? f32Tolerance(name, deviceF32 ? f32Tol() : 0) : 0);
      }
    });
  }

  it("methods agree with the free functions", async () => {
    float64OnWasm();
    const x = tensor([0.3, 0.7, 2], "float64");
    expectClose(await x.exp().data(), [0.3, 0.7, 2].map(Math.exp));
    expectClose(await x.log().data(), [0.3, 0.7, 2].map(Math.log));
    expectClose(await x.sqrt().neg().abs().data(), [0.3, 0.7, 2].map(Math.sqrt));
    expectClose(await x.tanh().data(), [0.3, 0.7, 2].map(Math.tanh));
    expectClose(await x.square().data(), [0.09, 0.49, 4].map((v, i) => [0.3, 0.7, 2][i]! ** 2));
    expectClose(await x.reciprocal().data(), [1 / 0.3, 1 / 0.7, 0.5]);
    expectClose(await x.sin().data(), [0.3, 0.7, 2].map(Math.sin));
    expectClose(await x.cos().data(), [0.3, 0.7, 2].map(Math.cos));
    expectClose(await x.tan().data(), [0.3, 0.7, 2].map(Math.tan));
    expectClose(await x.log1p().data(), [0.3, 0.7, 2].map(Math.log1p));
    expectClose(await x.sign().data(), [1, 1, 1]);
    expectClose(await x.relu().data(), [0.3, 0.7, 2]);
  });

  it("sigmoid matches 1 / (1 + e^-x) and saturates without NaN", async () => {
    float64OnWasm();
    const xs = [-800, -50, -5, -1, 0, 1, 5, 50, 800];
    const s = await sg.sigmoid(tensor(xs, "float64")).data();
    xs.forEach((x, i) => {
      const e = 1 / (1 + Math.exp(-x));
      expect(Math.abs(s[i]! - e)).toBeLessThanOrEqual(1e-15 * Math.max(1, e) + 1e-300);
    });
    expect(s[0]).toBeGreaterThanOrEqual(0);
    expect(s[8]).toBe(1);
    expect(Array.from(s).every(Number.isFinite)).toBe(true);
    const s32 = await sg.sigmoid(tensor(xs)).data();
    expect(Array.from(s32).every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(s32[4]).toBe(0.5);
  });

  it("softplus = log(1 + e^x), no overflow for large |x|", async () => {
    float64OnWasm();
    const xs = [-1000, -100, -20, -1, -1e-3, 0, 1e-3, 1, 20, 100, 1000, 1e30];
    const sp = await sg.softplus(tensor(xs, "float64")).data();
    xs.forEach((x, i) => {
      // stable closed form: log1p(e^-|x|) + max(x, 0)
      const e = x > 30 ? x + Math.exp(-x) : Math.log(1 + Math.exp(x));
      expect(Math.abs(sp[i]! - e)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(e)) + (x < -30 ? Math.exp(x) * 1e-10 : 0));
      expect(Number.isFinite(sp[i]!)).toBe(true);
    });
    expect(sp[0]).toBeGreaterThanOrEqual(0);
    expect(sp[10]).toBe(1000);
    const sp32 = await sg.softplus(tensor([1000, -1000, 0])).data();
    expect(Array.from(sp32)).toEqual([1000, 0, Math.fround(Math.LN2)]);
  });

  it("float-only ops reject integer tensors with a clear error", () => {
    const i = tensor([1, 2], "int32");
    expect(() => sg.exp(i as never)).toThrow(/exp: expects a float tensor, got int32/);
    expect(() => sg.sqrt(tensor([true]) as never)).toThrow(/sqrt: expects a float tensor, got bool/);
    expect(() => sg.neg(3 as never)).toThrow(/neg: expected a tensor, got number/);
  });

  it("integer unary ops stay integer", async () => {
    const i = tensor([-3, 0, 4], "int32");
    expect(sg.neg(i).dtype).toBe("int32");
    expect(Array.from(await sg.abs(i).data())).toEqual([3, 0, 4]);
    expect(Array.from(await sg.relu(i).data())).toEqual([0, 0, 4]);
    expect(Array.from(await sg.square(i).data())).toEqual([9, 0, 16]);
    expect(Array.from(await sg.sign(i).data())).toEqual([-1, 0, 1]);
  });
});

describe("binary ops: values, float32 rounding, broadcasting", () => {
  const ops: [string, (x: never, y: never) => Tensor<number[], DType>, (a: number, b: number) => number][] = [
    ["add", sg.add as never, (a, b) => a + b],
    ["sub", sg.sub as never, (a, b) => a - b],
    ["mul", sg.mul as never, (a, b) => a * b],
    ["div", sg.div as never, (a, b) => a / b],
    ["maximum", sg.maximum as never, (a, b) => Math.max(a, b)],
    ["minimum", sg.minimum as never, (a, b) => Math.min(a, b)],
    ["pow", sg.pow as never, (a, b) => a ** b],
  ];

  for (const [name, op, f] of ops) {
    it(`${name}: float32 result is fround of the double result of the float32 inputs`, async () => {
      float64OnWasm();
      const a = randRef([4, 5], 1, name === "pow" ? 0.1 : -3, 3);
      const b = randRef([4, 5], 2, -3, 3);
      for (const dtype of FLOATS) {
        const r = round(dtype);
        const out = op(fromRef(a, dtype) as never, fromRef(b, dtype) as never);
        expect(out.dtype).toBe(dtype);
        expect(out.shape).toEqual([4, 5]);
        expectClose(await out.data(), a.data.map((x, i) => r(f(r(x), r(b.data[i]!)))), dtype === "float32" ? f32Tolerance(name) : 0);
      }
    });
  }

  it("broadcasts random compatible shape pairs like a plain loop (property)", async () => {
    float64OnWasm();
    await fc.assert(
      fc.asyncProperty(broadcastPairArb(4, 4), fc.integer({ min: 0, max: ops.length - 1 }), fc.integer(), async ([sa, sb], k, seed) => {
        const [, op, f] = ops[k]!;
        const a = randRef(sa, seed, 0.5, 3);
        const b = randRef(sb, seed + 1, -2, 2);
        const out = op(fromRef(a, "float64") as never, fromRef(b, "float64") as never);
        const ref = binaryRef(a, b, f);
        expect(out.shape).toEqual(ref.shape);
        expectClose(await out.data(), ref.data);
      }),
      { numRuns: 200 },
    );
  });

  it("broadcasts shapes with zero-size dims (property)", async () => {
    float64OnWasm();
    await fc.assert(
      fc.asyncProperty(broadcastPairArb(4, 3, 0), async ([sa, sb]) => {
        const a = randRef(sa, 1);
        const b = randRef(sb, 2);
        const ref = binaryRef(a, b, (x, y) => x * y);
        const out = sg.mul(fromRef(a, "float64"), fromRef(b, "float64") as never);
        expect(out.shape).toEqual(ref.shape);
        expectClose(await out.data(), ref.data);
      }),
      { numRuns: 200 },
    );
  });

  it("edge cases: rank 0 with rank 3, [3,1]+[1,4], different ranks, zero-size dims", async () => {
    float64OnWasm();
    const s = tensor(2.5, "float64");
    const x3 = fromRef(randRef([2, 3, 4], 3), "float64");
    const r = sg.add(s, x3);
    expect(r.shape).toEqual([2, 3, 4]);
    expectClose(await r.data(), (await toRef(x3)).data.map((v) => v + 2.5));
    expectClose(await sg.sub(x3, s).data(), (await toRef(x3)).data.map((v) => v - 2.5));

    const col = tensor([[1], [2], [3]], "float64");
    const row = tensor([[10, 20, 30, 40]], "float64");
    const o = sg.mul(col, row);
    expect(o.shape).toEqual([3, 4]);
    expect((await settled(o)).toArray()).toEqual([1, 2, 3].map((i) => [10, 20, 30, 40].map((j) => i * j)));
    expect((await settled(sg.add(row, col))).toArray()).toEqual([1, 2, 3].map((i) => [10, 20, 30, 40].map((j) => i + j)));

    const v = tensor([1, 2, 3, 4], "float64");
    const m = fromRef(randRef([5, 3, 4], 4), "float64");
    expectClose(await sg.add(m, v).data(), binaryRef(await toRef(m), await toRef(v), (a, b) => a + b).data);
    expect(sg.add(v, m).shape).toEqual([5, 3, 4]);

    expect(sg.add(zeros([0, 3]), ones([1, 3])).shape).toEqual([0, 3]);
    expect(sg.add(zeros([2, 0]), ones([2, 1])).shape).toEqual([2, 0]);
    expect(sg.add(zeros([0]), tensor(1)).shape).toEqual([0]);
    expect(sg.add(zeros([1, 0]), zeros([3, 1])).shape).toEqual([3, 0]);
    expect((await settled(sg.add(zeros([4, 0, 2]), zeros([2])))).toArray()).toEqual([[], [], [], []]);
    expect(sg.add(tensor(1), tensor(2)).shape).toEqual([]);
    expect((await settled(sg.add(tensor(1), tensor(2)))).item()).toBe(3);
  });

  it("numbers are accepted on either side and are weakly typed", async () => {
    float64OnWasm();
    const x = tensor([0.5, 1.5], "float64");
    // a number does not pull a float64 tensor down to float32
    expect(sg.add(x, 0.1).dtype).toBe("float64");
    expectClose(await sg.add(x, 0.1).data(), [0.5 + 0.1, 1.5 + 0.1]);
    expectClose(await sg.div(1, x).data(), [2, 1 / 1.5]);
    expectClose(await sg.sub(3, x).data(), [2.5, 1.5]);
    expectClose(await x.pow(3).data(), [0.125, 3.375]);
    expectClose(await x.mul(2).data(), [1, 3]);
    // with float32, the number is rounded to float32 and the result too
    const y = tensor([0.5, 1.5]);
    expect(sg.add(y, 0.1).dtype).toBe("float32");
    expectClose(await sg.add(y, 0.1).data(), [0.5, 1.5].map((v) => Math.fround(v + Math.fround(0.1))));
    // int32 stays int32 with an integer number
    const i = tensor([1, 2], "int32");
    expect(sg.add(i, 3).dtype).toBe("int32");
    expect(Array.from(await sg.mul(i, 3).data())).toEqual([3, 6]);
    // two numbers: a float32 scalar
    const n = sg.add(1, 2);
    expect(n.shape).toEqual([]);
    expect(n.dtype).toBe("float32");
    expect((await settled(n)).item()).toBe(3);
  });

  it("promotes dtypes: float32+float64 -> float64 computed in double, int+float -> float, bool+int -> int", async () => {
    float64OnWasm();
    const a = tensor([0.1, 0.2]);
    const b = tensor([0.1, 0.2], "float64");
    const c = sg.add(a, b);
    expect(c.dtype).toBe("float64");
    expectClose(await c.data(), [Math.fround(0.1) + 0.1, Math.fround(0.2) + 0.2]);
    expect(sg.add(b, a).dtype).toBe("float64");
    expect(sg.mul(tensor([1, 2], "int32"), tensor([0.5, 0.5])).dtype).toBe("float32");
    expectClose(await sg.mul(tensor([1, 2], "int32"), tensor([0.5, 0.5])).data(), [0.5, 1]);
    expect(sg.add(tensor([true, false]), tensor([1, 2], "int32")).dtype).toBe("int32");
    expect(Array.from(await sg.add(tensor([true, false]), tensor([1, 2], "int32")).data())).toEqual([2, 2]);
    expect(sg.add(tensor([1], "int32"), tensor([1], "float64")).dtype).toBe("float64");
  });

  it("div and pow on integers give floats (no truncation)", async () => {
    const i = tensor([1, 7, -7], "int32");
    const d = sg.div(i, 2);
    expect(d.dtype).toBe("float32");
    expectClose(await d.data(), [0.5, 3.5, -3.5]);
    expect(sg.div(i, tensor([2, 2, 2], "int32")).dtype).toBe("float32");
    expectClose(await sg.pow(i, 2).data(), [1, 49, 49]);
  });

  it("pow: integer exponents are exact for negative bases, fractional and tensor exponents", async () => {
    float64OnWasm();
    const x = tensor([-2, -0.5, 0, 3], "float64");
    expectClose(await x.pow(3).data(), [-8, -0.125, 0, 27]);
    expectClose(await sg.pow(x, 0).data(), [1, 1, 1, 1]);
    expectClose(await sg.pow(tensor([-2, 4], "float64"), -2).data(), [0.25, 1 / 16]);
    expectClose(await sg.pow(tensor([4, 9], "float64"), 0.5).data(), [2, 3]);
    expect(Number.isNaN((await settled(sg.pow(tensor([-4], "float64"), 0.5))).item())).toBe(true);
    expectClose(await sg.pow(2, tensor([0, 1, 10, -1], "float64")).data(), [1, 2, 1024, 0.5]);
    expectClose(await sg.pow(tensor([2, 3], "float64"), tensor([[2], [3]], "float64")).data(), [4, 9, 8, 27]);
  });

  it("maximum / minimum propagate NaN", async () => {
    float64OnWasm();
    const m = await sg.maximum(tensor([NaN, 1], "float64"), tensor([0, NaN], "float64")).data();
    expect(Array.from(m).every(Number.isNaN)).toBe(true);
    const n = await sg.minimum(tensor([NaN, 1, 2], "float64"), 1.5).data();
    expect(Number.isNaN(n[0])).toBe(true);
    expect([n[1], n[2]]).toEqual([1, 1.5]);
  });

  it("int32 arithmetic wraps like int32", async () => {
    int32RangeOnWasm();
    const big = tensor([2 ** 31 - 1], "int32");
    expect((await settled(sg.add(big, 1))).item()).toBe(-(2 ** 31));
  });

  it("non-broadcastable dynamic shapes fail at run time naming op and both shapes", () => {
    const f = (a: Tensor<[number, number]>, b: Tensor<[number, number]>) => sg.add(a, b);
    expect(() => f(zeros([2, 3]), zeros([2, 4]))).toThrow(ShapeMismatchError);
    expect(() => f(zeros([2, 3]), zeros([2, 4]))).toThrow("add: shapes [2, 3] and [2, 4] do not broadcast (3 vs 4 at axis -1)");
    const g = (a: Tensor<number[]>, b: Tensor<number[]>) => [
      () => sg.sub(a, b),
      () => sg.mul(a, b),
      () => sg.div(a, b),
      () => sg.pow(a, b),
      () => sg.maximum(a, b),
      () => sg.minimum(a, b),
      () => sg.less(a, b),
      () => sg.equal(a, b),
      () => a.add(b),
    ];
    const names = ["sub", "mul", "div", "pow", "maximum", "minimum", "less", "equal", "add"];
    g(zeros([3, 2]), zeros([4, 3, 3])).forEach((h, i) =>
      expect(h).toThrow(`${names[i]}: shapes [3, 2] and [4, 3, 3] do not broadcast (2 vs 3 at axis -1)`),
    );
    const h = (a: Tensor<[number]>) => sg.add(a, zeros([2, 3]));
    expect(() => h(zeros([2]))).toThrow(/add: shapes \[2\] and \[2, 3\] do not broadcast/);
    expect(() => sg.add(zeros([0]) as Tensor<number[]>, zeros([2]) as Tensor<number[]>)).toThrow(/\[0\] and \[2\]/);
  });

  it("non-tensors are rejected", () => {
    expect(() => sg.add("a" as never, 1)).toThrow(/add: expected a tensor or a number, got string/);
    expect(() => sg.mul(tensor([1]), null as never)).toThrow(/mul: expected a tensor or a number, got null/);
  });
});

describe("comparisons, where, clip, astype", () => {
  const cmps: [string, (x: never, y: never) => Tensor<number[], "bool">, (a: number, b: number) => boolean][] = [
    ["less", sg.less as never, (a, b) => a < b],
    ["lessEqual", sg.lessEqual as never, (a, b) => a <= b],
    ["greater", sg.greater as never, (a, b) => a > b],
    ["greaterEqual", sg.greaterEqual as never, (a, b) => a >= b],
    ["equal", sg.equal as never, (a, b) => a === b],
    ["notEqual", sg.notEqual as never, (a, b) => a !== b],
  ];
  for (const [name, op, f] of cmps) {
    it(`${name}: bool result with broadcasting and NaN semantics`, async () => {
      float64OnWasm();
      const a = { shape: [3, 1], data: [1, 2, NaN] };
      const b = { shape: [4], data: [2, 1, 2, NaN] };
      const out = op(fromRef(a, "float64") as never, fromRef(b, "float64") as never);
      expect(out.dtype).toBe("bool");
      expect(out.shape).toEqual([3, 4]);
      expectClose(await out.data(), binaryRef(a, b, (x, y) => (f(x, y) ? 1 : 0)).data);
      // with a number
      expectClose(await op(tensor([1, 2, 3]) as never, 2 as never).data(), [1, 2, 3].map((x) => (f(x, 2) ? 1 : 0)));
    });
  }

  it("comparison methods", async () => {
    const x = tensor([1, 2, 3]);
    expect((await settled(x.less(2))).toArray()).toEqual([true, false, false]);
    expect((await settled(x.lessEqual(2))).toArray()).toEqual([true, true, false]);
    expect((await settled(x.greater(2))).toArray()).toEqual([false, false, true]);
    expect((await settled(x.greaterEqual(2))).toArray()).toEqual([false, true, true]);
    expect((await settled(x.equal(2))).toArray()).toEqual([false, true, false]);
    expect((await settled(x.notEqual(2))).toArray()).toEqual([true, false, true]);
  });

  it("comparisons promote across dtypes", async () => {
    float64OnWasm();
    // 0.1 as float32 differs from 0.1 as float64
    expect((await settled(sg.equal(tensor([0.1]), tensor([0.1], "float64")))).item()).toBe(false);
    expect((await settled(sg.equal(tensor([1], "int32"), tensor([1.0])))).item()).toBe(true);
  });

  it("where broadcasts condition, x and y together", async () => {
    float64OnWasm();
    const c = tensor([[true], [false], [true]]);
    const x = tensor([[1, 2, 3, 4]], "float64");
    const y = tensor(-1, "float64");
    const w = sg.where(c, x, y);
    expect(w.shape).toEqual([3, 4]);
    expect((await settled(w)).toArray()).toEqual([[1, 2, 3, 4], [-1, -1, -1, -1], [1, 2, 3, 4]]);
    // numbers for x and y
    const v = tensor([3, -1, 2]);
    expect((await settled(sg.where(v.greater(0), v, 0))).toArray()).toEqual([3, 0, 2]);
    expect((await settled(sg.where(v.greater(0), 1, tensor([7, 8, 9])))).toArray()).toEqual([1, 8, 1]);
    // dtype promotion between x and y
    expect(sg.where(tensor([true]), tensor([1]), tensor([2], "float64")).dtype).toBe("float64");
    // cond is the one that stretches
    expect((await settled(sg.where(tensor(true), zeros([2, 2]), ones([2, 2])))).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(() => sg.where(tensor([1, 0]) as never, 1, 2)).toThrow(/where: the condition must be a bool tensor/);
    const dyn = (c: Tensor<[number], "bool">, a: Tensor<[number]>) => sg.where(c, a, 0);
    expect(() => dyn(tensor([true, false, true]), zeros([2]))).toThrow(/where: shapes \[3\] and \[2\] do not broadcast/);
  });

  it("clip limits to [lo, hi] with numbers and tensors", async () => {
    float64OnWasm();
    const xs = [-3, -0.5, 0, 0.25, 1, 7];
    const x = tensor(xs, "float64");
    expectClose(await sg.clip(x, 0, 1).data(), xs.map((v) => Math.min(Math.max(v, 0), 1)));
    const lo = tensor([[-1], [0.5]], "float64");
    const c = sg.clip(x, lo, 2);
    expect(c.shape).toEqual([2, 6]);
    expectClose(await c.data(), [-1, 0.5].flatMap((l) => xs.map((v) => Math.min(Math.max(v, l), 2))));
    expect((await settled(sg.clip(tensor([5, -5], "int32"), -2, 2))).toArray()).toEqual([2, -2]);
  });

  it("astype converts values", async () => {
    float64OnWasm();
    const x = tensor([1.7, -1.7, 0, 2.5], "float64");
    expect((await settled(x.astype("int32"))).toArray()).toEqual([1, -1, 0, 2]);
    expect((await settled(sg.astype(x, "bool"))).toArray()).toEqual([true, true, false, true]);
    expect((await settled(sg.astype(tensor([true, false]), "float32"))).toArray()).toEqual([1, 0]);
    expect((await settled(sg.astype(tensor([0.1], "float64"), "float32"))).item()).toBe(Math.fround(0.1));
    expect((await settled(sg.astype(tensor([0.1]), "float64"))).item()).toBe(Math.fround(0.1));
    expect(sg.astype(tensor([3], "int32"), "float64").dtype).toBe("float64");
    expect(sg.astype(x, "float64")).toBeDefined();
  });
});

describe("float32 rounding of single ops", () => {
  it("each single op result equals Math.fround of the double result (property)", async () => {
    const fns: [string, (a: never, b: never) => Tensor<number[]>, (a: number, b: number) => number][] = [
      ["add", sg.add as never, (a, b) => a + b],
      ["sub", sg.sub as never, (a, b) => a - b],
      ["mul", sg.mul as never, (a, b) => a * b],
      ["div", sg.div as never, (a, b) => a / b],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.double({ noNaN: true, min: -1e6, max: 1e6 })), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: fns.length - 1 }),
        async (pairs, k) => {
          const [, op, f] = fns[k]!;
          const a = pairs.map((p) => Math.fround(p[0]));
          const b = pairs.map((p) => Math.fround(p[1]));
          const out = await op(tensor(a, [a.length]) as never, tensor(b, [b.length]) as never).data();
          const tol = f32Tolerance(fns[k]![0]);
          const want = a.map((x, i) => Math.fround(f(x, b[i]!)));
          if (!onShaderBackend()) return expectClose(out, want, tol);
          // gpu.js shader modes (README): subnormal inputs and results may be flushed to zero
          const ftz = (v: number) => (Math.abs(v) < 2 ** -126 ? 0 : v);
          Array.from(out).forEach((g, i) => {
            const flushed = ftz(Math.fround(f(ftz(a[i]!), ftz(b[i]!))));
            // (close's tolerance is relative, so equal infinities are compared first)
            const same = (x: number, w: number) => x === w || (Number.isNaN(x) && Number.isNaN(w));
            const err = same(g, want[i]!) || same(ftz(g), flushed) ? null : close([g], [want[i]!], tol) && close([ftz(g)], [flushed], tol);
            expect(err, `${fns[k]![0]}(${a[i]}, ${b[i]}): ${err}`).toBeNull();
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it("full-size check on a few thousand random values", async () => {
    const a = randRef([4096], 11, -100, 100);
    const x = fromRef(a);
    const fx = a.data.map(Math.fround);
    expectClose(await sg.exp(sg.div(x, 50)).data(), fx.map((v) => Math.fround(Math.exp(Math.fround(v / 50)))), f32Tol());
    expect(sizeOf([4096])).toBe(4096);
  });
});

// keep `full` referenced for the type-only check that it takes a dtype
void full;
