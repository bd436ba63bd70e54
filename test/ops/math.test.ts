/**
 * The math ops against independent references: Math.* where JavaScript has the function
 * (float64 within 2 ulp; float32 within 2 float32 ulp of the double result rounded), erf and erfc
 * against a 2700-bit BigInt Taylor series computed here, rounding and integer division against
 * plain JS formulas; derivatives against float64 central differences of the references (and JAX's
 * values at the awkward points); vmap against stacked slices; jit, and fusion into one kernel.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { tensor, type Tensor } from "../../src/index.js";
import { fuse } from "../../src/compile/fusion.js";
import { optimize } from "../../src/compile/passes.js";
import { float64OnWasm, gpujsUnderTest } from "../harness/backend.js";
import { onShaderBackend, testBackendName } from "../harness/env.js";
import { f32Ulps } from "../harness/accuracy.js";
import { settled, mapSeq } from "../harness/read.js";

type F = "float32" | "float64";
type T1 = Tensor<number[], F>;
const FLOATS = ["float32", "float64"] as const;
const data = async (t: { data(): Promise<ArrayLike<number>> }) => Array.from(await t.data());
const vec = <D extends F>(xs: readonly number[], dtype: D) => tensor(Float64Array.from(xs), [xs.length], dtype) as unknown as Tensor<number[], D>;
const r32 = (v: number, dtype: F) => (dtype === "float32" ? Math.fround(v) : v);

/** |a - e| in units in the last place of e (of the dtype); 0 when both are the same NaN/inf. */
function ulps(a: number, e: number, dtype: F): number {
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a) ? 0 : Infinity;
  if (a === e) return 0;
  if (!Number.isFinite(e) || !Number.isFinite(a)) return Infinity;
  const bits = dtype === "float32" ? 23 : 52;
  const tiny = dtype === "float32" ? 2 ** -149 : 2 ** -1074;
  const ae = Math.abs(e);
  const ulp = ae === 0 ? tiny : Math.max(tiny, 2 ** (Math.floor(Math.log2(ae)) - bits));
  return Math.abs(a - e) / ulp;
}
function expectUlps(got: readonly number[], want: readonly number[], xs: readonly number[], dtype: F, tol: number, what: string) {
  got.forEach((g, i) => {
    const u = ulps(g, want[i]!, dtype);
    if (!(u <= tol)) expect.fail(`${what} ${dtype} at x = ${xs[i]}: got ${g}, expected ${want[i]} (${u.toPrecision(3)} ulp > ${tol})`);
  });
}

/** Edge cases, then a sweep (past 64 elements, so the wasm backend's SIMD kernels run too). */
const EDGES = [0, -0, Infinity, -Infinity, NaN, 1e-300, -1e-300, 1e-30, -1e-8, 1e-8, 0.1, -0.25, 0.5, -0.5, 1, -1, 2, -3, 10, -27.5, 100, -700, 1e10, 3e38, 1e300];
const sweep = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * (i + 0.37)) / n);
const XS = [...EDGES, ...sweep(-6, 6, 90)];
const UNIT = [0, -0, 1, -1, 1 - 2 ** -30, -1 + 2 ** -30, 1e-20, 0.5, -0.7, 1.5, -2, NaN, Infinity, ...sweep(-1, 1, 80)];
const POS = [0, -0, 1e-300, 1e-30, 1e-8, 0.5, 1, 2, 8, 1024, 1e10, 1e300, -1, Infinity, NaN, ...sweep(0.01, 20, 80)];
const ACOSH = [1, 1 + 2 ** -40, 1.5, 2, 2.5, 1e5, 2 ** 29, 1e300, Infinity, 0.5, -3, NaN, ...sweep(1, 30, 80)];

// [name, op, Math reference, inputs, float64 ulp, float32 ulp]
const UNARY: [string, (x: T1) => { data(): Promise<ArrayLike<number>> }, (x: number) => number, number[], number, number][] = [
  ["expm1", (x) => sg.expm1(x), Math.expm1, XS, 2, 2],
  ["log2", (x) => sg.log2(x), Math.log2, POS, 2, 2],
  ["log10", (x) => sg.log10(x), Math.log10, POS, 2, 2],
  ["rsqrt", (x) => sg.rsqrt(x), (v) => 1 / Math.sqrt(v), POS, 1, 1],
  ["sinh", (x) => sg.sinh(x), Math.sinh, XS, 2, 2],
  ["cosh", (x) => sg.cosh(x), Math.cosh, XS, 2, 2],
  ["asinh", (x) => sg.asinh(x), Math.asinh, XS, 2, 2],
  ["acosh", (x) => sg.acosh(x), Math.acosh, ACOSH, 2, 2],
  ["atanh", (x) => sg.atanh(x), Math.atanh, UNIT, 2, 2],
  ["asin", (x) => sg.asin(x), Math.asin, UNIT, 2, 2],
  ["acos", (x) => sg.acos(x), Math.acos, UNIT, 2, 2],
  ["atan", (x) => sg.atan(x), Math.atan, XS, 1, 1],
];

describe("unary math against Math.*", () => {
  for (const [name, op, f, xs, tol64, tol32] of UNARY) {
    it(`${name}: eager and jitted, float64 and float32`, async () => {
      float64OnWasm();
      for (const dtype of FLOATS) {
        const x = vec(xs, dtype);
        const want = xs.map((v) => r32(f(r32(v, dtype)), dtype));
        // float32 on gpujs:webgpu: the accuracy the README states there (test/harness/accuracy.ts)
        const tol = dtype === "float64" ? tol64 : f32Ulps(name, tol32);
        expectUlps(await data(op(x)), want, xs, dtype, tol, name);
        expectUlps(await data(sg.jit(op)(x)), want, xs, dtype, tol, `jit ${name}`);
      }
    });
  }

  it("odd functions keep the sign of zero; methods agree with the functions", async () => {
    float64OnWasm();
    const z = vec([0, -0], "float64");
    for (const op of [sg.expm1, sg.sinh, sg.asinh, sg.atanh, sg.asin, sg.atan, sg.erf]) {
      const [p, n] = await data(sg.jit(op)(z));
      expect(Object.is(p, 0) && Object.is(n, -0), op.name).toBe(true);
    }
    const x = vec([0.25, 0.5], "float64");
    const viaMethods = x.expm1().log2().neg().log10().rsqrt().asin().acos().atan().sinh().cosh().asinh().acosh().atanh().erf().erfc();
    const viaFns = sg.erfc(sg.erf(sg.atanh(sg.acosh(sg.asinh(sg.cosh(sg.sinh(sg.atan(sg.acos(sg.asin(sg.rsqrt(sg.log10(sg.neg(sg.log2(sg.expm1(x)))))))))))))));
    expect(await data(viaMethods)).toEqual(await data(viaFns));
  });

  it("integer and bool inputs compute in float32 (JAX's inexact promotion)", async () => {
    const i = tensor([0, 1, -2], "int32");
    const e = sg.erf(i);
    expect(e.dtype).toBe("float32");
    expectUlps(await data(e), [0, 0.8427007929497149, -0.9953222650189527].map(Math.fround), [0, 1, -2], "float32", 2, "erf(int32)");
    expect(sg.log2(tensor([true, false])).dtype).toBe("float32");
    expect(await data(sg.atan2(tensor([1], "int32"), tensor([0], "int32")))).toEqual([Math.fround(Math.PI / 2)]);
  });
});

// ------------------------------------------------------------------ erf against a BigInt series

const PREC = 2700n;
const ONE = 1n << PREC;
/** A double as an exact fixed-point BigInt (value · 2^PREC). */
function fixed(x: number): bigint {
  let m = x;
  let e = 0n;
  while (!Number.isInteger(m)) {
    m *= 2;
    e++;
  }
  return (BigInt(m) << PREC) >> e;
}
const fmul = (a: bigint, b: bigint) => (a * b) >> PREC;
function atanInv(k: bigint): bigint {
  // Σ (-1)^n / ((2n+1) k^(2n+1))
  let pow = ONE / k;
  let sum = 0n;
  for (let n = 0n; pow !== 0n; n++) {
    sum += (n % 2n === 0n ? 1n : -1n) * (pow / (2n * n + 1n));
    pow /= k * k;
  }
  return sum;
}
function isqrt(v: bigint): bigint {
  let x = 1n << (BigInt(v.toString(2).length) / 2n + 1n);
  for (;;) {
    const y = (x + v / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}
const PI = 16n * atanInv(5n) - 4n * atanInv(239n);
const TWO_OVER_SQRT_PI = (2n * ONE * ONE) / isqrt(PI * ONE);
/** erf(x) · 2^PREC for x >= 0 by the Taylor series 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1)). */
function erfFixed(x: number): bigint {
  const xf = fixed(x);
  const x2 = fmul(xf, xf);
  let term = xf;
  let sum = xf;
  for (let n = 1n; ; n++) {
    term = -fmul(term, x2) / n;
    const t = term / (2n * n + 1n);
    sum += t;
    if (t === 0n && n > 4n * BigInt(Math.ceil(x * x))) break;
  }
  return fmul(TWO_OVER_SQRT_PI, sum);
}
/** A fixed-point value as the nearest double (its top 64 bits, then scaled in two steps so no factor underflows). */
function toNumber(v: bigint): number {
  if (v < 0n) return -toNumber(-v);
  const len = BigInt(v.toString(2).length);
  const shift = len > 64n ? len - 64n : 0n;
  const e = Number(shift - PREC);
  const half = Math.trunc(e / 2);
  return Number(v >> shift) * 2 ** half * 2 ** (e - half);
}
function erfRef(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return Math.sign(x);
  return Math.sign(x) * toNumber(erfFixed(Math.abs(x))) || x;
}
function erfcRef(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return x > 0 ? 0 : 2;
  // past 28 erfc is below the smallest subnormal (and the series would need more bits)
  if (Math.abs(x) >= 28) return x > 0 ? 0 : 2;
  const e = erfFixed(Math.abs(x));
  return toNumber(x >= 0 ? ONE - e : ONE + e);
}

/** float32 points over the whole finite range, for sin, cos and tan (Payne-Hanek past 8192 on the shader modes) */
function trigPoints(): number[] {
  const xs: number[] = [];
  for (let e = -120; e <= 154; e++) xs.push(10 ** (e / 4), -(10 ** (e / 4)));
  // the float32 neighbours of multiples of π/2, from 1 to 2^120 of them
  const bits = new Float32Array(1);
  const word = new Int32Array(bits.buffer);
  const step = (x: number, by: number) => ((bits[0] = x), (word[0]! += by), bits[0]!);
  for (let k = 1; k < 2 ** 120; k = Math.ceil(k * 1.37)) {
    const x = Math.fround((k * Math.PI) / 2);
    xs.push(x, step(x, 1), step(x, -1), -x);
  }
  // the Cody-Waite limit, the defect's 1e30, the largest floats, and 16367173 · 2^72, the float32
  // closest to a multiple of π/2 (1.03e-9 of π/2 from one)
  xs.push(8191.999, 8192, 8192.0009765625, -8192.0009765625, 1e30, -1e30, 3e38, -3.4028234663852886e38, 3.4028234663852886e38, 16367173 * 2 ** 72);
  // random float32 words: every exponent from 2^-30 to the top
  let seed = 12345;
  for (let i = 0; i < 600; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    word[0] = (((seed >>> 1) % (254 - 97)) + 97) * 2 ** 23 + (Math.imul(seed, 69069) >>> 9);
    xs.push(i % 2 ? -bits[0]! : bits[0]!);
  }
  return xs.map(Math.fround);
}

describe("sin, cos and tan over the whole float32 range, in ulps of float64 Math.* of the float32 input", () => {
  // the shader modes reduce and evaluate in float32 (codegen.ts, reduceTrig; the README's bounds:
  // 3 ulp, tan 4, as sn / cs); elsewhere Math.* in double, rounded
  const mode = gpujsUnderTest()?.mode;
  const shader = mode === "webgpu" || mode === "webgl2" || mode === "webgl" || mode === "headlessgl";
  const xs = trigPoints();
  const trig = [["sin", sg.sin, Math.sin, 3], ["cos", sg.cos, Math.cos, 3], ["tan", sg.tan, Math.tan, 4]] as const;
  for (const [name, op, ref, onShader] of trig) {
    const bound = shader ? onShader : 1;
    it(`${name}: within ${bound} ulp at ${xs.length} points from 1e-30 to 3.4e38 and next to multiples of π/2; NaN at ±Infinity and NaN`, async () => {
      const x = vec(xs, "float32");
      const want = xs.map(ref);
      for (const [how, out] of [["eager", op(x)], ["jit", sg.jit((t: T1) => op(t))(x)]] as const) {
        const got = await data(out);
        let at = 0;
        got.forEach((g, i) => {
          if (!(ulps(g, want[i]!, "float32") <= ulps(got[at]!, want[at]!, "float32"))) at = i;
        });
        expectUlps([got[at]!], [want[at]!], [xs[at]!], "float32", bound, `${name} (${how}, the worst point)`);
      }
      const special = await data(op(vec([Infinity, -Infinity, NaN, 0], "float32")));
      expect(special.slice(0, 3).every(Number.isNaN), `${name} at ±Infinity, NaN: ${special}`).toBe(true);
      expect(special[3]).toBe(ref(0));
    });
  }
});

describe("erf and erfc against a high-precision series", () => {
  const ERF_XS = [0, -0, 1e-300, 1e-20, -1e-9, 0.01, 0.2, 0.25, 0.5, 0.84, 0.85, 1, 1.24, 1.26, 2, 2.85, 2.86, -3, 4, 5.9, 6.1, 10, 27, 30, -30, Infinity, -Infinity, NaN, ...sweep(-7, 7, 90)];

  it("the reference is right where erf is known in closed form", () => {
    expect(erfRef(1)).toBe(0.8427007929497149);
    expect(erfcRef(10) / 2.088487583762544e-45).toBeCloseTo(1, 14);
    expect(erfRef(0.5)).toBe(0.5204998778130465);
  });

  for (const [name, op, ref] of [
    ["erf", sg.erf, erfRef],
    ["erfc", sg.erfc, erfcRef],
  ] as const) {
    it(`${name}: float64 within 1-2 ulp, float32 within a few, eager and jitted`, async () => {
      float64OnWasm();
      for (const dtype of FLOATS) {
        // float32 erfc underflows past 9.19 (ulps there are of float32's subnormals)
        const xs = dtype === "float32" && name === "erfc" ? ERF_XS.filter((v) => !(v > 9)) : ERF_XS;
        const x = vec(xs, dtype);
        const want = xs.map((v) => r32(ref(r32(v, dtype)), dtype));
        // fdlibm's erfc has 2 ulp near 0.84 (0.5 - r with r ≈ 0.27)
        const tol = dtype === "float64" ? (name === "erf" ? 1.5 : 2) : f32Ulps(name, 2);
        expectUlps(await data(op(x)), want, xs, dtype, tol, name);
        expectUlps(await data(sg.jit((t: typeof x) => op(t))(x)), want, xs, dtype, tol, `jit ${name}`);
      }
    });
  }
});

// ------------------------------------------------------------------ rounding and integer division

function roundHalfEvenRef(x: number): number {
  const r = Math.round(x); // halves up
  const tie = r - x === 0.5;
  const v = tie && r % 2 !== 0 ? r - 1 : r;
  return v === 0 ? (Object.is(x, -0) || x < 0 ? -0 : 0) : v;
}

describe("floor, ceil, trunc, round", () => {
  const xs = [-2.5, -1.5, -0.5, -0.49999997, -0.3, -0, 0, 0.3, 0.5, 1.5, 2.5, 3.5, 2.6, -2.6, 4503599627370495.5, 2 ** 53, -(2 ** 60), 1e300, 7, Infinity, -Infinity, NaN];
  it("exact, including the sign of zero and ties to even", async () => {
    float64OnWasm();
    for (const dtype of FLOATS) {
      const v = xs.map((a) => r32(a, dtype));
      const x = vec(xs, dtype);
      const check = (got: number[], f: (a: number) => number, what: string) =>
        got.forEach((g, i) => expect(Object.is(g, r32(f(v[i]!), dtype)), `${what} ${dtype} of ${v[i]}: ${g}`).toBe(true));
      check(await data(sg.floor(x)), Math.floor, "floor");
      check(await data(sg.ceil(x)), Math.ceil, "ceil");
      check(await data(sg.trunc(x)), Math.trunc, "trunc");
      check(await data(sg.round(x)), roundHalfEvenRef, "round");
      check(await data(sg.jit((t: typeof x) => sg.round(t))(x)), roundHalfEvenRef, "jit round");
      check(await data(x.floor()), Math.floor, "floor method");
    }
  });
  it("integers are returned unchanged; decimals round in the dtype", async () => {
    float64OnWasm();
    const i = tensor([-3, 0, 5], "int32");
    for (const op of [sg.floor, sg.ceil, sg.trunc, sg.round]) {
      const r = op(i);
      expect(r.dtype).toBe("int32");
      expect(await data(r)).toEqual([-3, 0, 5]);
    }
    const d = sg.round(vec([1.2345, -2.5, 0.125], "float64"), 2);
    expect(await data(d)).toEqual([1.2345, -2.5, 0.125].map((v) => roundHalfEvenRef(v * 100) / 100));
    expect(() => sg.round(i, -1)).toThrow(/round: decimals < 0 needs a float tensor, got int32/);
  });
});

/** Python's %: the sign of the divisor. */
const pyMod = (a: number, b: number) => {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
};

describe("remainder / mod and floorDivide (JAX: the sign of the divisor, floor division)", () => {
  const A = [-7, 7, -7, 7, -6, 6, 0, 1, -1, 13, -13, 1234567, -1234567];
  const B = [2, -2, -2, 2, 3, -3, 5, 5, 5, -4, 4, 7, 7];
  it("int32 stays int32, every sign combination", async () => {
    const a = tensor(A, "int32");
    const b = tensor(B, "int32");
    const m = sg.mod(a, b);
    const q = sg.floorDivide(a, b);
    expect(m.dtype).toBe("int32");
    expect(q.dtype).toBe("int32");
    expect(await data(m)).toEqual(A.map((x, i) => pyMod(x, B[i]!) + 0));
    expect(await data(sg.remainder(a, b))).toEqual(await data(m));
    expect(await data(q)).toEqual(A.map((x, i) => Math.floor(x / B[i]!) + 0));
    expect(await data(sg.jit((x: typeof a, y: typeof b) => sg.add(sg.mul(sg.floorDivide(x, y), y), sg.mod(x, y)))(a, b))).toEqual(A);
    // a scalar divisor and methods; division by zero gives 0 (documented)
    expect(await data(a.mod(3))).toEqual(A.map((x) => pyMod(x, 3) + 0));
    expect(await data(a.floorDivide(-3))).toEqual(A.map((x) => Math.floor(x / -3) + 0));
    expect(await data(sg.floorDivide(tensor([5, -5], "int32"), 0))).toEqual([0, 0]);
    expect(await data(sg.mod(tensor([5, -5], "int32"), 0))).toEqual([0, 0]);
  });
  it("floats: exact (from fmod), float32 and float64", async () => {
    float64OnWasm();
    const fa = [-7, 7, -7, 7, 5.5, -5.5, 0.75, -0.75, 1e3, 3, 0, -4];
    const fb = [3, -3, -3, 3, 2, 2, -0.5, 0.25, 0.375, 1.5, 2, 2];
    for (const dtype of FLOATS) {
      const m = await data(sg.remainder(vec(fa, dtype), vec(fb, dtype)));
      m.forEach((v, i) => expect(Object.is(v + 0, pyMod(fa[i]!, fb[i]!) + 0), `mod(${fa[i]}, ${fb[i]}) = ${v}`).toBe(true));
      expect(await data(sg.floorDivide(vec(fa, dtype), vec(fb, dtype)))).toEqual(fa.map((x, i) => Math.floor(x / fb[i]!)));
    }
    // a quotient of 3e16: fmod is exact where x - y·floor(x/y) in doubles is not
    expect(await data(sg.mod(vec([1e17, -1e17], "float64"), 3))).toEqual([Number(10n ** 17n % 3n), 3 - Number(10n ** 17n % 3n)]);
    // an infinite divisor (Python: 5.5 % inf is 5.5, -5.5 % inf is inf), in float32 too
    for (const dtype of FLOATS) expect(await data(sg.mod(vec([5.5, -5.5, 0], dtype), vec([Infinity, Infinity, -Infinity], dtype)))).toEqual([5.5, Infinity, 0]);
    // a NaN or infinite dividend, a zero divisor: NaN, as fmod
    expect((await data(sg.mod(vec([NaN, 1, 2], "float64"), vec([1, 0, NaN], "float64")))).every(Number.isNaN)).toBe(true);
  });
});

// ------------------------------------------------------------------ binary float ops

describe("atan2 and hypot", () => {
  const Y = [0, -0, 0, -0, 1, -1, 1, -1, Infinity, -Infinity, Infinity, 3, NaN, 0.5, -2, 1e-300];
  const X = [0, 0, -0, -0, 0, 0, -Infinity, Infinity, Infinity, -Infinity, 1, -4, 1, 2, -0.1, 1e300];
  it("atan2 is Math.atan2 (signed zeros and infinities) in float64, 1 ulp in float32", async () => {
    float64OnWasm();
    for (const dtype of FLOATS) {
      const got = await data(sg.atan2(vec(Y, dtype), vec(X, dtype)));
      // gpu.js shader modes (README): a shader cannot tell -0 from +0, so y = ±0 gives ±0 for x = -0 and π for x < 0
      const zeroY = (y: number, x: number) => (x < 0 ? Math.fround(Math.PI) : y);
      const shader = dtype === "float32" && onShaderBackend();
      const want = Y.map((y, i) => (shader && y === 0 ? zeroY(y, X[i]!) : r32(Math.atan2(r32(y, dtype), r32(X[i]!, dtype)), dtype)));
      if (dtype === "float64") got.forEach((g, i) => expect(Object.is(g, want[i]), `atan2(${Y[i]}, ${X[i]})`).toBe(true));
      else expectUlps(got, want, Y, dtype, 1, "atan2");
    }
  });
  it("hypot: 2 ulp, no overflow, Infinity wins over NaN", async () => {
    float64OnWasm();
    const a = [3, 0, 1e300, 1e-300, -5, Infinity, NaN, -Infinity, 1, 0.1, ...sweep(-9, 9, 70)];
    const b = [4, 0, 1e300, 1e-300, 12, NaN, Infinity, 3, NaN, -0.2, ...sweep(5, -5, 70)];
    for (const dtype of FLOATS) {
      const got = await data(sg.jit((p: T1, q: T1) => sg.hypot(p, q))(vec(a, dtype), vec(b, dtype)));
      expectUlps(got, a.map((x, i) => r32(Math.hypot(r32(x, dtype), r32(b[i]!, dtype)), dtype)), a, dtype, 2, "hypot");
    }
  });
});

// ------------------------------------------------------------------ predicates, logic, nanToNum

describe("isnan, isinf, isfinite, logical ops, nanToNum, where", () => {
  it("where broadcasts all three operands", async () => {
    const cond = sg.isnan(tensor([[NaN], [0]]));
    const w = sg.where(cond, tensor([1, 2, 3]), tensor(-1));
    expect(w.shape).toEqual([2, 3]);
    expect(await data(w)).toEqual([1, 2, 3, -1, -1, -1]);
  });
  const xs = [0, -1.5, Infinity, -Infinity, NaN, 3e38, 1e300];
  it("predicates are bool", async () => {
    float64OnWasm();
    for (const dtype of FLOATS) {
      const x = vec(xs, dtype);
      const v = xs.map((a) => r32(a, dtype));
      expect(sg.isnan(x).dtype).toBe("bool");
      expect(await data(sg.isnan(x))).toEqual(v.map((a) => +Number.isNaN(a)));
      expect(await data(sg.isinf(x))).toEqual(v.map((a) => +(Math.abs(a) === Infinity)));
      expect(await data(x.isfinite())).toEqual(v.map((a) => +Number.isFinite(a)));
    }
    const i = tensor([1, 2], "int32");
    expect(await data(sg.isnan(i))).toEqual([0, 0]);
    expect(await data(sg.isfinite(i))).toEqual([1, 1]);
  });
  it("logical ops treat nonzero as true and broadcast", async () => {
    const a = tensor([[0], [2]], "int32");
    const b = tensor([0, -1, 0.5]);
    const A = [0, 2];
    const B = [0, -1, 0.5];
    const table = (f: (p: boolean, q: boolean) => boolean) => A.flatMap((p) => B.map((q) => +f(p !== 0, q !== 0)));
    const and = sg.logicalAnd(a, b);
    expect(and.dtype).toBe("bool");
    expect(and.shape).toEqual([2, 3]);
    expect(await data(and)).toEqual(table((p, q) => p && q));
    expect(await data(sg.logicalOr(a, b))).toEqual(table((p, q) => p || q));
    expect(await data(sg.logicalXor(a, b))).toEqual(table((p, q) => p !== q));
    expect(await data(sg.logicalNot(b))).toEqual(B.map((q) => +(q === 0)));
    expect(await data(sg.jit((p: typeof a, q: typeof b) => sg.logicalOr(sg.logicalNot(p), q))(a, b))).toEqual(table((p, q) => !p || q));
  });
  it("nanToNum: JAX's defaults (0, the largest and smallest finite) and given values", async () => {
    float64OnWasm();
    for (const dtype of FLOATS) {
      const big = dtype === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
      const x = vec([NaN, Infinity, -Infinity, -2], dtype);
      expect(await data(sg.nanToNum(x))).toEqual([0, big, -big, -2]);
      expect(await data(sg.jit((t: typeof x) => t.nanToNum({ nan: 7, posinf: 1, neginf: -1 }))(x))).toEqual([7, 1, -1, -2]);
    }
    expect(await data(sg.nanToNum(tensor([3], "int32")))).toEqual([3]);
  });
});

// ------------------------------------------------------------------ derivatives

/** d/dx of each op at x, by float64 central differences of the reference. */
const fd = (f: (x: number) => number, x: number) => {
  const h = 1e-6 * Math.max(1, Math.abs(x));
  return (f(x + h) - f(x - h)) / (2 * h);
};
const gradOf = async (op: (x: Tensor<number[], "float64">) => Tensor<number[], "float64">, xs: number[]) =>
  await data(sg.grad((x: Tensor<number[], "float64">) => sg.sum(op(x)))(vec(xs, "float64")));

describe("derivatives (float64) against finite differences", () => {
  const cases: [string, (x: Tensor<number[], "float64">) => Tensor<number[], "float64">, (x: number) => number, number[]][] = [
    ["expm1", sg.expm1, Math.expm1, [-3, -1e-3, 0.5, 4]],
    ["log2", sg.log2, Math.log2, [0.1, 1, 7]],
    ["log10", sg.log10, Math.log10, [0.1, 1, 7]],
    ["rsqrt", sg.rsqrt, (v) => 1 / Math.sqrt(v), [0.2, 1, 9]],
    ["sinh", sg.sinh, Math.sinh, [-3, -0.2, 0, 0.7, 25]],
    ["cosh", sg.cosh, Math.cosh, [-3, -0.2, 0, 0.7, 25]],
    ["asinh", sg.asinh, Math.asinh, [-3, -0.2, 0, 0.7, 1e3]],
    ["acosh", sg.acosh, Math.acosh, [1.1, 2, 1e3]],
    ["atanh", sg.atanh, Math.atanh, [-0.9, 0, 0.4, 0.6]],
    ["asin", sg.asin, Math.asin, [-0.9, 0, 0.4]],
    ["acos", sg.acos, Math.acos, [-0.9, 0, 0.4]],
    ["atan", sg.atan, Math.atan, [-5, 0, 0.4]],
    ["erf", sg.erf, erfRef, [-2, -0.3, 0, 0.9, 1.1, 3]],
    ["erfc", sg.erfc, erfcRef, [-2, -0.3, 0, 0.9, 1.1, 3]],
  ];
  for (const [name, op, f, xs] of cases) {
    it(name, async () => {
      float64OnWasm();
      const got = await gradOf(op, xs);
      got.forEach((g, i) => expect(Math.abs(g - fd(f, xs[i]!)), `${name}' at ${xs[i]}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(g))));
    });
  }
  it("binary: atan2, hypot, remainder, in both operands", async () => {
    float64OnWasm();
    const pts: [number, number][] = [[0.5, 2], [-1, 0.3], [3, -4], [-2.5, -0.7]];
    const ops: [string, (a: Tensor<[], "float64">, b: Tensor<[], "float64">) => Tensor<[], "float64">, (a: number, b: number) => number][] = [
      ["atan2", sg.atan2, Math.atan2],
      ["hypot", sg.hypot, Math.hypot],
      ["remainder", sg.remainder, pyMod],
    ];
    for (const [name, op, f] of ops) {
      for (const [a, b] of pts) {
        const [ga, gb] = (await mapSeq(sg.grad(op, { argnums: [0, 1] })(tensor(a, "float64"), tensor(b, "float64")), async (t) => (await settled(t)).item()));
        expect(Math.abs(ga! - fd((v) => f(v, b), a)), `${name} d/da at ${a}, ${b}`).toBeLessThan(1e-7);
        expect(Math.abs(gb! - fd((v) => f(a, v), b)), `${name} d/db at ${a}, ${b}`).toBeLessThan(1e-7);
      }
    }
  });
  it("second derivatives: sinh'' = sinh, erf'' = -2x erf'", async () => {
    float64OnWasm();
    const x = tensor(0.7, "float64");
    expect((await settled(sg.grad(sg.grad(sg.sinh))(x))).item()).toBeCloseTo(Math.sinh(0.7), 13);
    expect((await settled(sg.grad(sg.grad(sg.erf))(x))).item()).toBeCloseTo(-2 * 0.7 * (2 / Math.sqrt(Math.PI)) * Math.exp(-0.49), 13);
  });
});

describe("derivatives at the awkward points, as JAX defines them", () => {
  it("abs'(0) = 1 (JAX: select(x >= 0, 1, -1)); sqrt'(0) = inf", async () => {
    float64OnWasm();
    expect(await gradOf(sg.abs, [-2, -0, 0, 3])).toEqual([-1, 1, 1, 1]);
    expect(await gradOf(sg.sqrt, [0])).toEqual([Infinity]);
  });
  it("maximum / minimum at ties give each operand half", async () => {
    float64OnWasm();
    const [a, b] = sg.grad((x: Tensor<[], "float64">, y: Tensor<[], "float64">) => sg.maximum(x, y), { argnums: [0, 1] })(tensor(2, "float64"), tensor(2, "float64"));
    expect([(await settled(a)).item(), (await settled(b)).item()]).toEqual([0.5, 0.5]);
    const [c, d] = sg.grad((x: Tensor<[], "float64">, y: Tensor<[], "float64">) => sg.minimum(x, y), { argnums: [0, 1] })(tensor(-1, "float64"), tensor(-1, "float64"));
    expect([(await settled(c)).item(), (await settled(d)).item()]).toEqual([0.5, 0.5]);
  });
  it("floor, ceil, round, trunc, sign and floorDivide have zero derivatives", async () => {
    float64OnWasm();
    const xs = [-1.5, -0.5, 0, 0.3, 2];
    for (const op of [sg.floor, sg.ceil, sg.round, sg.trunc, sg.sign]) expect(await gradOf(op as never, xs)).toEqual([0, 0, 0, 0, 0]);
    expect(await gradOf((x) => sg.floorDivide(x, 0.7), xs)).toEqual([0, 0, 0, 0, 0]);
  });
});

// ------------------------------------------------------------------ vmap, jit, fusion

describe("vmap and fusion", () => {
  it("vmap agrees with stacking the per-row results (batched and unbatched operands)", async () => {
    float64OnWasm();
    const rows = [
      [0.3, -1.2, 2.5, 4],
      [-0.8, 0.1, 1.7, -3],
      [2, -2, 0.6, 9],
    ];
    const x = tensor(rows, "float64") as unknown as Tensor<[3, 4], "float64">;
    const y = tensor([1.5, -0.4, 2, 3], "float64") as unknown as Tensor<[4], "float64">;
    const f = (r: Tensor<[4], "float64">) => sg.add(sg.mul(sg.erf(r), sg.atan2(r, y)), sg.sub(sg.mod(r, y), sg.asinh(sg.floorDivide(r, y))));
    const batched = await data(sg.vmap(f)(x));
    const stacked = (await mapSeq(rows, async (r) => await data(f(tensor(r, "float64") as Tensor<[4], "float64">)))).flat();
    expect(batched).toEqual(stacked);
    const g = (a: Tensor<[4], "float64">, b: Tensor<[4], "float64">) => sg.hypot(sg.remainder(a, b), sg.cosh(b));
    expect(await data(sg.vmap(g)(x, x))).toEqual((await mapSeq(rows, async (r) => await data(g(tensor(r, "float64") as Tensor<[4], "float64">, tensor(r, "float64") as Tensor<[4], "float64">)))).flat());
  });

  const mix = (x: Tensor<[256]>) =>
    sg.add(sg.mul(sg.erf(x), sg.atan2(x, 2)), sg.add(sg.mod(x, 1.5), sg.add(sg.expm1(sg.mul(x, 0.1)), sg.where(sg.isfinite(x), sg.round(x), sg.sinh(x)))));
  const xs = () => tensor(Float32Array.from({ length: 256 }, (_, i) => (i - 128) / 11 + 0.03), [256]);
  const mixRef = (v: number) => erfRef(v) * Math.atan2(v, 2) + pyMod(v, 1.5) + Math.expm1(Math.fround(v * 0.1)) + roundHalfEvenRef(v);

  it("an expression of several new ops is one elementwise kernel", () => {
    const g = sg.makeGraph(mix)(xs());
    expect(fuse(optimize(g)).kernels.map((k) => k.kind)).toEqual(["elementwise"]);
  });
  it("jitted, it agrees with the references on this backend (on gpu.js: one launch, no host step)", async () => {
    const f = sg.jit(mix);
    const x = xs();
    const b = gpujsUnderTest();
    const before = b ? { ...b.stats } : null;
    const out = await data(f(x));
    if (b && before) {
      expect(b.stats.launches - before.launches).toBe(1);
      expect(b.stats.hostSteps - before.hostSteps).toBe(0);
    }
    (await data(x)).forEach((v, i) => expect(Math.abs(out[i]! - mixRef(v)), `at ${v} on ${testBackendName()}`).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(mixRef(v)))));
  });
});
