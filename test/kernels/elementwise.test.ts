import { describe, expect, it } from "vitest";
import { compileElementwise, compileElementwiseF64, compileElementwiseJs } from "../../src/backend/wasm/elementwise.js";
import type { ElementwiseSpec } from "../../src/backend/wasm/elementwise.js";
import { K as E, type Expr } from "../../src/ir/kernel.js";
import { wasmSimdSupported } from "../../src/backend/wasm/module.js";

const bits = new Int32Array(1);
const fl = new Float32Array(bits.buffer);
/** Ordered integer image of a float32, so ulp distance is a subtraction. */
function ord(x: number): number {
  fl[0] = x;
  const b = bits[0]!;
  return b < 0 ? -0x80000000 - b : b;
}
function ulps(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  if (got === want) return 0;
  return Math.abs(ord(got) - ord(want));
}

function unaryMaxUlp(op: "exp" | "log" | "tanh", xs: Float32Array): { max: number; at: number } {
  const k = compileElementwise({ expr: E[op](E.input(0)), outShape: [xs.length], inputs: [{ shape: [xs.length] }] }, { backend: "wasm-simd" });
  const out = new Float32Array(xs.length);
  k([xs], out);
  let max = 0, at = 0;
  for (let i = 0; i < xs.length; i++) {
    const u = ulps(out[i]!, Math.fround(Math[op](xs[i]!)));
    if (u > max) { max = u; at = xs[i]!; }
  }
  return { max, at };
}

function sweep(lo: number, hi: number, n: number, extra: number[] = []): Float32Array {
  const xs = new Float32Array(n + extra.length);
  for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
  xs.set(extra, n);
  return xs;
}

describe.skipIf(!wasmSimdSupported())("wasm f32x4 math accuracy (ulp vs Math rounded to f32)", () => {
  it("exp", () => {
    const r = unaryMaxUlp("exp", sweep(-103, 88.7, 400_000, [0, -0, 88.72, 88.73, 100, -100, -104, -1e9, 1e9, Infinity, -Infinity, NaN, 1e-8, -1e-8]));
    expect(r.max, `at ${r.at}`).toBeLessThanOrEqual(2);
  });
  it("log", () => {
    const xs: number[] = [0, -0, -1, Infinity, -Infinity, NaN, 1, 1e-45, 1e-40, 1.1754943508222875e-38, 3.4e38];
    for (let e = -149; e < 128; e++) for (let t = 0; t < 200; t++) xs.push(2 ** e * (1 + t / 200));
    const r = unaryMaxUlp("log", Float32Array.from(xs.concat(Array.from(sweep(0.5, 2, 100_000)))));
    expect(r.max, `at ${r.at}`).toBeLessThanOrEqual(2);
  });
  it("tanh", () => {
    const r = unaryMaxUlp("tanh", sweep(-12, 12, 400_000, [0, -0, 0.625, -0.625, 0.6249, 1e-20, -1e-30, 50, -50, Infinity, -Infinity, NaN]));
    expect(r.max, `at ${r.at}`).toBeLessThanOrEqual(2);
  });
  it("tanh near zero", () => {
    const r = unaryMaxUlp("tanh", sweep(-0.7, 0.7, 200_000));
    expect(r.max, `at ${r.at}`).toBeLessThanOrEqual(2);
  });
});

// reference interpreter (float64, rounded to f32 on store)
function evalRef(e: Expr, v: (i: number) => number): number {
  const g = (i: number): number => evalRef(e.args[i]!, v);
  switch (e.op) {
    case "load": return v(e.value);
    case "valid": return 1;
    case "const": return e.value;
    case "cast": return g(0);
    case "neg": return -g(0);
    case "exp": case "log": case "log1p": case "sqrt": case "tanh": case "sin": case "cos": case "tan": case "abs": case "sign": case "floor": return Math[e.op](g(0));
    case "recip": return 1 / g(0);
    case "add": return g(0) + g(1);
    case "sub": return g(0) - g(1);
    case "mul": return g(0) * g(1);
    case "div": return g(0) / g(1);
    case "max": return Math.max(g(0), g(1));
    case "min": return Math.min(g(0), g(1));
    case "pow": return Math.pow(g(0), g(1));
    case "lt": return g(0) < g(1) ? 1 : 0;
    case "le": return g(0) <= g(1) ? 1 : 0;
    case "eq": return g(0) === g(1) ? 1 : 0;
    case "ne": return g(0) !== g(1) ? 1 : 0;
    case "where": return g(0) !== 0 ? g(1) : g(2);
    default: throw new Error(`evalRef: no reference for op ${e.op}`);
  }
}

function numpyStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const st = new Array<number>(outShape.length).fill(0);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = outShape.length - shape.length + d;
    st[od] = shape[d] === 1 ? 0 : acc;
    acc *= shape[d]!;
  }
  return st;
}

function reference(spec: ElementwiseSpec, inputs: Float32Array[]): Float32Array {
  const n = spec.outShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const strides = spec.inputs.map((l) => ("strides" in l ? [...l.strides] : numpyStrides(l.shape, spec.outShape)));
  const offs = spec.inputs.map((l) => ("strides" in l ? l.offset ?? 0 : 0));
  const idx = new Array<number>(spec.outShape.length).fill(0);
  for (let o = 0; o < n; o++) {
    let r = o;
    for (let d = spec.outShape.length - 1; d >= 0; d--) { idx[d] = r % spec.outShape[d]!; r = Math.floor(r / spec.outShape[d]!); }
    out[o] = evalRef(spec.expr, (i) => inputs[i]![offs[i]! + idx.reduce((s, x, d) => s + x * strides[i]![d]!, 0)]!);
  }
  return out;
}

function randArr(n: number, lo = -3, hi = 3): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.random() * (hi - lo);
  return a;
}

const x = E.input(0), y = E.input(1), z = E.input(2);
// comparisons are bool in the kernel IR: counted as numbers they are cast first
const f32 = (b: Expr) => E.cast(b, "float32");
const exprs: Array<[string, Expr]> = [
  ["task1", E.add(E.mul(E.sqrt(E.add(E.mul(x, x), E.mul(y, y))), E.tanh(x)), E.c(1))],
  ["arith", E.div(E.sub(E.neg(x), E.mul(y, E.c(2.5))), E.add(E.abs(y), E.c(0.5)))],
  ["exp-log", E.add(E.exp(E.mul(x, E.c(0.3))), E.log(E.add(E.abs(y), E.c(1e-3))))],
  ["trig", E.add(E.sin(x), E.cos(y))],
  ["minmax-sign", E.mul(E.max(x, y), E.sub(E.min(x, E.c(0)), E.sign(y)))],
  ["pow", E.add(E.pow(E.abs(x), y), E.pow(x, E.c(2)))],
  ["where-cmp", E.where(E.gt(x, y), E.add(f32(E.lt(x, E.c(0))), f32(E.le(y, E.c(1)))), E.sub(f32(E.ge(x, E.c(1))), E.add(f32(E.eq(x, x)), f32(E.ne(y, E.c(0))))))],
  ["recip-square", E.add(E.recip(E.add(E.square(x), E.c(1))), E.mul(z, z))],
];

function relClose(got: Float32Array, want: Float32Array, tol: number): string | null {
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!, g = got[i]!;
    if ((Number.isNaN(w) && Number.isNaN(g)) || g === w) continue;
    if (!(Math.abs(g - w) <= tol * Math.max(1, Math.abs(w)))) return `index ${i}: got ${g}, want ${w}`;
  }
  return null;
}

describe("compileElementwise matches a float64 interpreter", () => {
  const layouts: Array<[string, number[], number[][]]> = [
    ["flat odd", [1003], [[1003], [1003], [1003]]],
    ["flat tiny", [3], [[3], [3], [3]]],
    ["scalar broadcast", [257], [[257], [1], [257]]],
    ["row broadcast", [37, 65], [[37, 65], [65], [37, 1]]],
    ["3d broadcast", [4, 5, 33], [[4, 1, 33], [5, 1], [1]]],
    ["rank 0", [], [[], [], []]],
  ];
  for (const [lname, outShape, shapes] of layouts) {
    for (const [ename, expr] of exprs) {
      for (const backend of ["js", "wasm-simd", "auto"] as const) {
        if (backend === "wasm-simd" && !wasmSimdSupported()) continue;
        it(`${lname} / ${ename} / ${backend}`, () => {
          const spec: ElementwiseSpec = { expr, outShape, inputs: shapes.map((shape) => ({ shape })) };
          const inputs = shapes.map((s) => randArr(s.reduce((a, b) => a * b, 1)));
          inputs[0]![0] = 0; // hit sign(0), log near 0 paths etc.
          const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
          const k = compileElementwise(spec, { backend });
          k(inputs, out);
          expect(relClose(out, reference(spec, inputs), 2e-6)).toBeNull();
        });
      }
    }
  }
  it("explicit strides (transpose view) with offset", () => {
    const a = randArr(6 * 4 + 2);
    const spec: ElementwiseSpec = { expr: E.mul(x, E.c(2)), outShape: [4, 6], inputs: [{ strides: [1, 4], offset: 2 }] };
    const out = new Float32Array(24);
    compileElementwise(spec)([a], out);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) expect(out[i * 6 + j]).toBe(Math.fround(a[2 + j * 4 + i]! * 2));
  });
  it("shared sub-expressions are computed once (js source)", () => {
    const s = E.tanh(x);
    const k = compileElementwiseJs({ expr: E.add(E.mul(s, s), s), outShape: [8], inputs: [{ shape: [8] }] });
    expect(k.source.match(/tanh_/g)?.length).toBe(1);
  });
  it("float64", () => {
    // the expression itself is float64 (a float32 one is rounded after every op)
    const a64 = E.input(0, "float64"), b64 = E.input(1, "float64");
    const expr = E.add(E.mul(E.sqrt(E.add(E.mul(a64, a64), E.mul(b64, b64))), E.tanh(a64)), E.c(1, "float64"));
    const spec: ElementwiseSpec = { expr, outShape: [10], inputs: [{ shape: [10] }, { shape: [10] }] };
    const a = Float64Array.from(randArr(10)), b = Float64Array.from(randArr(10));
    const out = new Float64Array(10);
    compileElementwiseF64(spec)([a, b], out);
    for (let i = 0; i < 10; i++) expect(out[i]).toBe(Math.sqrt(a[i]! * a[i]! + b[i]! * b[i]!) * Math.tanh(a[i]!) + 1);
  });
  it("errors name the problem", () => {
    expect(() => compileElementwise({ expr: x, outShape: [3, 4], inputs: [{ shape: [5] }] })).toThrow(/cannot broadcast \[5\] to \[3,4\]/);
    expect(() => compileElementwise({ expr: y, outShape: [3], inputs: [{ shape: [3] }] })).toThrow(/reads input 1/);
    const k = compileElementwise({ expr: x, outShape: [100], inputs: [{ shape: [100] }] });
    expect(() => k([new Float32Array(10)], new Float32Array(100))).toThrow(/input 0 too small/);
  });
});
