// Special values, accuracy and buffer lifetimes, in float32, on every backend: the defects found
// on gpujs:webgpu (SwiftShader) by differential testing against float64 (issue 13). WGSL leaves
// its builtins undefined outside their domain, may drop NaN in max/min/sign, allows 2^-11 absolute
// error for sin/cos and had tanh cancel for small |x|; the gpu.js renderer makes those explicit.
// Every expected value is JavaScript's Math.* on the float32 inputs (or a plain loop in float64).
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";

const S: any = sg;
const f32 = (v: number[]) => S.tensor(Float32Array.from(v), [v.length]);
const r32 = Math.fround;
const read = async (t: any): Promise<number[]> => Array.from((await t.data()) as Float32Array);

/** Same NaN-ness, same infinities, else within `rtol` relative (and `atol` absolute). */
function expectValues(got: number[], want: number[], what: string, rtol = 2 ** -22, atol = 0): void {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) expect.fail(`${what}: element ${i}: got ${g}, expected ${w}`);
  });
}

/** An op eager and jitted, against `ref` at the float32 inputs. */
async function check(what: string, op: (...t: any[]) => any, ref: (...x: number[]) => number, inputs: number[][], rtol?: number, atol?: number): Promise<void> {
  const args = inputs.map(f32);
  const want = inputs[0]!.map((_, i) => ref(...inputs.map((col) => r32(col[i]!))));
  expectValues(await read(op(...args)), want, `${what} (eager)`, rtol, atol);
  expectValues(await read(S.jit(op)(...args)), want, `${what} (jit)`, rtol, atol);
}

describe("pow: the sign of a negative base, NaN off the domain (JavaScript's Math.pow)", () => {
  it("integer exponents are exact in sign; non-integer exponents of a negative base are NaN", async () => {
    const a = [-2, -2, -1, -8, 2, 0, 0, -3, -Infinity, -Infinity, 3, 1, 4, -0.5, 1.5];
    const b = [3, 2, 0.5, 1 / 3, 0.5, -1, 0.5, -3, 3, 2, 2.5, Infinity, -0.5, 5, 7];
    await check("pow", (x: any, y: any) => S.pow(x, y), Math.pow, [a, b], 2 ** -20);
    await check("pow by a constant", (x: any) => S.pow(x, 3), (x) => x ** 3, [[-2, -0.5, 3, -1.25]], 2 ** -20);
  });

  it("its derivative: d/da a² at -3 is -6, d/da a³ at -2 is 12 (eager and jitted)", async () => {
    for (const g of [S.grad((a: any) => S.sum(S.pow(a, 2))), S.jit(S.grad((a: any) => S.sum(S.pow(a, 2))))]) {
      expectValues(await read(g(f32([-3, 2, -0.5]))), [-6, 4, -1], "grad a²");
    }
    expectValues(await read(S.grad((a: any) => S.sum(S.pow(a, 3)))(f32([-2, 1.5]))), [12, 6.75], "grad a³");
  });
});

describe("NaN propagates, as on the CPU", () => {
  const nan = [NaN, 1, -2];
  it("unary ops", async () => {
    await check("tanh", S.tanh, Math.tanh, [nan], 2 ** -21);
    await check("sigmoid", S.sigmoid, (x) => 1 / (1 + Math.exp(-x)), [nan], 2 ** -21);
    await check("sign", S.sign, Math.sign, [nan]);
    await check("exp", S.exp, Math.exp, [nan], 2 ** -21);
    await check("log", S.log, Math.log, [[NaN, 1, 2]], 2 ** -21);
    await check("softplus", S.softplus, (x) => Math.log1p(Math.exp(x)), [nan], 2 ** -21);
    await check("abs", S.abs, Math.abs, [nan]);
  });

  it("max, min, maximum, minimum, clip and division", async () => {
    expectValues(await read(S.max(f32([1, NaN, 2]))), [NaN], "max");
    expectValues(await read(S.min(f32([1, NaN, 2]))), [NaN], "min");
    expectValues(await read(S.jit((x: any) => S.max(x))(f32([NaN, 1, 2]))), [NaN], "jit max");
    await check("maximum", (x: any, y: any) => S.maximum(x, y), (x, y) => Math.max(x, y), [[NaN, 1, 3], [1, NaN, 2]]);
    await check("minimum", (x: any, y: any) => S.minimum(x, y), (x, y) => Math.min(x, y), [[NaN, 1, 3], [1, NaN, 2]]);
    await check("clip", (x: any) => S.clip(x, 0, 1), (x) => (Number.isNaN(x) ? NaN : Math.min(Math.max(x, 0), 1)), [[NaN, -1, 0.5, 2]]);
    await check("div", (x: any, y: any) => S.div(x, y), (x, y) => x / y, [[0, 1, -1, NaN, 0], [0, 0, 0, 1, 2]]);
    await check("0 / x", (x: any) => S.div(0, x), (x) => 0 / x, [[0, 1, NaN, -2]]);
  });
});

describe("the poles and the domain of log", () => {
  it("log(0) = -Infinity, log of a negative number is NaN, log1p(-1) = -Infinity", async () => {
    await check("log", S.log, Math.log, [[0, -1, -0.5, 1, 2, Infinity]], 2 ** -21);
    await check("log1p", S.log1p, Math.log1p, [[-1, -2, 0, 1e-7, 1, Infinity]], 2 ** -21);
  });
});

describe("accuracy of the transcendental functions (float32, against Math.* in double)", () => {
  it("tanh is accurate for small |x| (no cancelling formula) and saturates", async () => {
    const xs = [1e-6, -1e-6, 1e-4, 1e-3, 0.01, 0.1, 0.3, 0.39, 0.41, 0.7, 1, 3, 10, 50, -50, 0];
    await check("tanh", S.tanh, Math.tanh, [xs], 2 ** -21);
  });

  it("sin and cos are range-reduced: float32 accuracy for |x| up to 8192", async () => {
    const xs = [-1.2, 0.5, 1e-20, 1, 2, 3, 3.14159265, 10, -33.3, 100, 1000, 4096.5, 8000, -8191];
    // an argument of 8000 is known to ~1e-12 in float32's ulp there; the result to ~1e-7 absolute
    await check("sin", S.sin, Math.sin, [xs], 2 ** -21, 2 ** -23);
    await check("cos", S.cos, Math.cos, [xs], 2 ** -21, 2 ** -23);
  });

  // WGSL bounds exp(x) only to 3 + 2|x| ulp (SwiftShader's exp(-72) was 59 ulp off, sinh(88) and erfc(9)
  // 55 with it) and log only to 2^-21 absolute on [0.5, 2] (expm1(-0.005), through log(e^x), 49 ulp)
  it("exp over its whole float32 range, and log near 1, to a few ulp", async () => {
    const sweep = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * (i + 0.37)) / n);
    await check("exp", S.exp, Math.exp, [[...sweep(-87, 88.5, 400), -86.65, 88.7]], 2 ** -22);
    await check("sinh", S.sinh, Math.sinh, [sweep(-88, 88, 400)], 2 ** -21);
    await check("cosh", S.cosh, Math.cosh, [sweep(-88, 88, 400)], 2 ** -21);
    await check("log", S.log, Math.log, [sweep(0.5, 2, 400)], 2 ** -21);
    await check("expm1", S.expm1, Math.expm1, [sweep(-0.05, 0.05, 400)], 2 ** -21);
  });
});

describe("buffer lifetimes: intermediates are freed only once every kernel reading them has run", () => {
  // f(a) = Σ_ij sin((a aᵀ)_ij) · exp(Σ_k a_ik), and its gradient by float64 central differences
  const a0 = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
  const f = (a: number[]): number => {
    let s = 0;
    for (let i = 0; i < 2; i++) {
      const row = a[i * 3]! + a[i * 3 + 1]! + a[i * 3 + 2]!;
      for (let j = 0; j < 2; j++) {
        let d = 0;
        for (let k = 0; k < 3; k++) d += a[i * 3 + k]! * a[j * 3 + k]!;
        s += Math.sin(d) * Math.exp(row);
      }
    }
    return s;
  };
  const h = 1e-6;
  const want = a0.map((_, q) => (f(a0.map((v, i) => (i === q ? v + h : v))) - f(a0.map((v, i) => (i === q ? v - h : v)))) / (2 * h));

  it("jit(grad(sum(sin(a aᵀ) · exp(sum(a, 1))))) three times on one input", async () => {
    const g = S.jit(S.grad((a: any) => S.sum(S.mul(S.sin(S.matmul(a, S.transpose(a))), S.exp(S.sum(a, 1, true))))));
    const a = S.tensor(Float32Array.from(a0), [2, 3]);
    for (let i = 0; i < 3; i++) expectValues(await read(g(a)), want, `call ${i}`, 1e-5);
  });

  it("one intermediate read by two reductions: add(sum(e, 0), sum(e, 1, true)) with e = exp(a)", async () => {
    const a = S.tensor(Float32Array.from(a0), [2, 3]);
    const e = a0.map(Math.exp);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) expected.push(e[j]! + e[3 + j]! + (e[i * 3]! + e[i * 3 + 1]! + e[i * 3 + 2]!));
    const g = S.jit((x: any) => {
      const ex = S.exp(x);
      return S.add(S.sum(ex, 0), S.sum(ex, 1, true));
    });
    for (let i = 0; i < 2; i++) expectValues(await read(g(a)), expected, `call ${i}`, 1e-6);
  });
});

describe("a fused kernel reading more buffers than a WebGPU stage may bind", () => {
  it("14 inputs in one elementwise expression (split to the device's limit on WebGPU)", async () => {
    const n = 14;
    const xs = Array.from({ length: n }, (_, i) => [i + 0.5, -i, 2 * i + 1]);
    const f = S.jit((...ts: any[]) => ts.reduce((acc: any, t: any, i: number) => S.add(acc, S.mul(t, i + 1)), S.zerosLike(ts[0])));
    const want = [0, 1, 2].map((j) => xs.reduce((s, x, i) => s + r32(x[j]!) * (i + 1), 0));
    expectValues(await read(f(...xs.map(f32))), want, "weighted sum", 1e-6);
    // the same inputs into a reduction
    const g = S.jit((...ts: any[]) => S.sum(ts.reduce((acc: any, t: any) => S.mul(acc, S.add(t, 1)), S.onesLike(ts[0]))));
    const prod = [0, 1, 2].map((j) => xs.reduce((p, x) => p * (r32(x[j]!) + 1), 1));
    expectValues(await read(g(...xs.map(f32))), [prod.reduce((s, v) => s + v, 0)], "sum of products", 1e-5);
  });
});
