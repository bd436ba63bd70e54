/**
 * Edge values where a compiled backend used to disagree with the reference interpreter: each case
 * runs on `ref` and on the project's backend and must agree bit for bit (NaN and -0 included).
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { defaultBackend, setBackend } from "../../src/runtime/registry.js";
import { float64OnWasm, int32RangeOnWasm } from "../harness/backend.js";
import { testBackendName } from "../harness/env.js";
import { f32Tolerance } from "../harness/accuracy.js";
import * as lax from "../../src/prims/lax.js";

const S: any = sg;
type V = { dtype: string; shape: number[]; data: number[] };

const vals = async (r: any): Promise<any> => (Array.isArray(r) ? Promise.all(r.map(vals)) : ({ dtype: r.dtype, shape: [...r.shape], data: Array.from((await r.data()) as ArrayLike<number>) } satisfies V));

function onRef<R>(f: () => R): R {
  const saved = defaultBackend();
  setBackend("ref");
  try {
    return f();
  } finally {
    setBackend(saved);
  }
}

const show = (v: number) => (Object.is(v, -0) ? "-0" : String(v));
function diff(got: any, want: any, path = "", tol = 0): string[] {
  if (Array.isArray(want)) return want.flatMap((w, i) => diff(got[i], w, `${path}[${i}]`, tol));
  if (got.dtype !== want.dtype || got.shape.join() !== want.shape.join()) return [`${path}: ${got.dtype}[${got.shape}] != ${want.dtype}[${want.shape}]`];
  const ok = (g: number, w: number) => Object.is(g, w) || (tol > 0 && Number.isFinite(w) && w !== 0 && Math.abs(g - w) <= tol * Math.abs(w));
  return want.data.flatMap((w: number, i: number) => (ok(got.data[i], w) ? [] : [`${path}[${i}]: got ${show(got.data[i])}, want ${show(w)}`]));
}

/**
 * f on the reference backend and on this project's backend, bit for bit; with `tol` (an accuracy
 * the README states for the backend, test/harness/accuracy.ts), finite nonzero values within it relatively.
 */
async function agree(f: () => unknown, tol = 0): Promise<void> {
  const want = await vals(onRef(f));
  const d = diff(await vals(f()), want, "", tol);
  expect(d, d.slice(0, 8).join("\n")).toEqual([]);
}

const rep = (xs: number[], n = 64) => Array.from({ length: n }, (_, i) => xs[i % xs.length]!);
const t32 = (xs: number[]) => sg.tensor(xs, [xs.length], "float32");
const ti = (xs: number[]) => sg.tensor(xs, [xs.length], "int32");
const backend = testBackendName();
// gpu.js holds int32 as floats, exact below 2^24 only (past it a call runs on wasm)
const gpujs = backend?.startsWith("gpujs") ?? false;

// small arrays take the JS renderer, 64 elements the SIMD one
for (const n of [5, 64]) {
  describe(`elementwise edge values, ${n} elements`, () => {
    // the special values bit for bit everywhere; pow(2, 0.5) within the backend's stated pow accuracy
    it("pow(x, 0.5) at -0 and -Infinity is Math.pow's", async () => await agree(() => S.jit((x: any) => S.pow(x, 0.5))(t32(rep([-0, -Infinity, 4, 2, -1], n))), f32Tolerance("pow")));
    it("sign keeps -0", async () => await agree(() => S.jit(S.sign)(t32(rep([-0, 0, NaN, -3, 2], n)))));
    it("maximum / minimum order -0 below +0, either way round", async () =>
      await agree(() => S.jit((x: any) => [S.maximum(x, 0), S.maximum(0, x), S.maximum(x, -0), S.minimum(x, 0), S.minimum(-0, x)])(t32(rep([-0, 0, NaN, -1, 1], n)))));
    it("neg of a bool is the bool", async () => await agree(() => S.jit((x: any) => [S.astype(S.neg(S.greater(x, 0)), "float32"), S.where(S.neg(S.greater(x, 0)), x, 7)])(t32(rep([-1, 2, 0, NaN, 3], n)))));
    it("log1p at +Infinity and past 2^24", async () => await agree(() => S.jit(S.log1p)(t32(rep([Infinity, 3e38, 2e7, -1, -0], n)))));
    it("astype int32 saturates (±Infinity and 3e9 clamp, NaN is 0), also inside a kernel", async () => {
      // gpu.js: a cast from float can be as large as 2^31, so arithmetic on it runs on wasm
      if (gpujs) int32RangeOnWasm();
      await agree(() => [S.astype(t32(rep([NaN, Infinity, -Infinity, 2.7, -2.7, 3e9, -3e9, 1e30], n)), "int32"), S.jit((x: any) => S.add(S.astype(x, "int32"), 1))(t32(rep([NaN, Infinity, -Infinity, 2.7, -2.7], n)))]);
    });
    it("float32 results are rounded after every op", async () =>
      await agree(() => S.jit((x: any) => [S.div(S.mul(x, 10), 10), S.equal(S.add(x, 1e-8), x)])(t32(rep([3e38, 1, 2], n)))));
  });
}

describe("reductions and dtypes", () => {
  it("max / min over ±0 do not depend on the order", async () => await agree(() => [S.max(t32([-0, 0])), S.max(t32([0, -0])), S.min(t32([0, -0])), S.min(t32([-0, 0]))]));
  it("astype float64 of a float32 product is the float32 product", async () => {
    float64OnWasm();
    await agree(() => S.jit((x: any) => S.astype(S.mul(x, 0.1), "float64"))(t32([3, 7])));
  });
  it("cbrt is within one ulp of Math.cbrt (float64 and float32), exact on cubes, ±0, ±Infinity and NaN", async () => {
    float64OnWasm();
    const xs = [8, 27, -1000, 1e30, 1e300, -0, 0, 5e-324, 1e-300, Infinity, -Infinity, NaN, 2, -3, 0.001, 12345.678];
    for (let i = 0; i < 300; i++) xs.push(Math.sinh(i / 7 - 20) * (i % 2 ? 1 : -1));
    for (const dtype of ["float64", "float32"] as const) {
      const x = sg.tensor(xs, [xs.length], dtype);
      const got = Array.from((await S.jit(S.cbrt)(x).data()) as ArrayLike<number>);
      const xr = Array.from((await x.data()) as ArrayLike<number>);
      const round = dtype === "float32" ? Math.fround : (v: number) => v;
      const ulp = (v: number) => (dtype === "float32" ? 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23) : 2 ** (Math.floor(Math.log2(Math.abs(v))) - 52));
      xr.forEach((v, i) => {
        const want = round(Math.cbrt(v));
        if (!Number.isFinite(want) || want === 0 || [8, 27, -1000].includes(v)) expect(Object.is(got[i], want), `cbrt(${v}) = ${got[i]}, want ${want}`).toBe(true);
        else expect(Math.abs(got[i]! - want), `cbrt(${v}) in ${dtype}`).toBeLessThanOrEqual(ulp(want) * (testBackendName()?.startsWith("gpujs") ? 4 : 1));
      });
    }
  });
  it("int32 products wrap exactly (Math.imul), in kernels and in the reference (gpu.js: on wasm)", async () => {
    if (gpujs) int32RangeOnWasm();
    const x = ti([5001, 46341, 2 ** 31 - 1, -123456789]);
    await agree(() => [S.mul(x, x), S.square(x), S.sum(S.mul(x, x)), S.matmul(S.reshape(x, [1, 4]), S.reshape(x, [4, 1]))]);
    // pow of an int32 is float32, rounded after each product
    await agree(() => S.pow(x, 3));
    expect(Array.from(await S.mul(ti([2 ** 31 - 1]), ti([2 ** 31 - 1])).data())).toEqual([1]);
  });
});

describe("gpu.js falls back per call, not per program, for int32 values past 2^24", () => {
  it("one large input", async () => {
    int32RangeOnWasm();
    expect(Array.from(await S.add(ti([2 ** 30, 1]), ti([1, 1])).data())).toEqual([2 ** 30 + 1, 2]);
  });
  it("then the same op on small values runs on the device again", async () => await agree(() => S.add(ti([5, 1]), ti([1, 1]))));
  it("a product that could pass 2^24 (5001²) is exact", async () => {
    if (gpujs) int32RangeOnWasm();
    expect(Array.from(await S.mul(ti([5001, 3]), ti([5001, 3])).data())).toEqual([25010001, 9]);
  });
  it("int32 division truncates like C (negative operands, division by zero gives 0, as the reference)", async () =>
    await agree(() => [
      lax.div(ti([7, -7, 7, -7, 0, 5, 16777215, -16777215]), ti([2, 2, -2, -2, 3, 0, 3, 7])),
      S.jit((a: any, b: any) => lax.add(lax.div(a, b), b))(ti([9, -9, 1]), ti([4, 4, -1])),
    ]));
  it("a sum of bools, and small int arithmetic, stay on the device", async () =>
    await agree(() => [S.sum(S.greater(t32(rep([1, -1, 2], 300)), 0)), S.add(S.mul(ti([7, -3]), ti([2, 5])), 1)]));
});
