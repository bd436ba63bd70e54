// The wasm backend's SIMD row reductions (backend/wasm/elementwise.ts compileRowReduceWasm),
// directly and through jit on whatever backend the project runs, against plain loops.
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { compileColumnSumWasm, compileRowReduceWasm } from "../../src/backend/wasm/elementwise.js";
import { K } from "../../src/ir/kernel.js";
import { wasmSimdSupported } from "../../src/backend/wasm/module.js";

const rnd = (n: number, seed = 1) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 4 - 2);
};

describe.skipIf(!wasmSimdSupported())("compileRowReduceWasm", () => {
  const rows = 6, n = 12;
  const x = rnd(rows * n, 3), y = rnd(rows, 5);
  const base = (stride: number) => Int32Array.from({ length: rows }, (_, o) => o * stride);
  it("sums x · y over rows, y one value per row (a splat)", () => {
    const k = compileRowReduceWasm({ expr: K.mul(K.input(0), K.input(1)), base: [base(n), base(1)], step: [1, 0], n, op: "sum" });
    const out = new Float32Array(rows);
    k([x, y], out);
    for (let o = 0; o < rows; o++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += x[o * n + r]! * y[o]!;
      expect(out[o]).toBeCloseTo(s, 5);
    }
  });
  it("max and min propagate NaN, max(-0, 0) is 0", () => {
    const z = x.slice();
    z[2 * n + 7] = NaN;
    const mx = new Float32Array(rows), mn = new Float32Array(rows);
    compileRowReduceWasm({ expr: K.input(0), base: [base(n)], step: [1], n, op: "max" })([z], mx);
    compileRowReduceWasm({ expr: K.input(0), base: [base(n)], step: [1], n, op: "min" })([z], mn);
    for (let o = 0; o < rows; o++) {
      const row = Array.from(z.subarray(o * n, (o + 1) * n));
      expect(mx[o]).toBe(o === 2 ? NaN : Math.fround(Math.max(...row)));
      expect(mn[o]).toBe(o === 2 ? NaN : Math.fround(Math.min(...row)));
    }
    const signed = new Float32Array([-0, -0, 0, -0, -1, -2, -3, -4]);
    const m2 = new Float32Array(2);
    compileRowReduceWasm({ expr: K.input(0), base: [Int32Array.from([0, 4])], step: [1], n: 4, op: "max" })([signed], m2);
    expect(Object.is(m2[0], 0)).toBe(true);
    expect(m2[1]).toBe(-1);
  });
});

describe.skipIf(!wasmSimdSupported())("compileColumnSumWasm", () => {
  it("sums x · y down the rows of a strided view, y one value per row (a splat)", () => {
    // x [rows, 2n] read as its columns 1 .. n (offset 1, row stride 2n); y [rows]
    const rows = 7, n = 8;
    const x = rnd(rows * 2 * n, 9), y = rnd(rows, 11);
    const k = compileColumnSumWasm({ expr: K.mul(K.input(0), K.input(1)), base: [1, 0], rstride: [2 * n, 1], step: [1, 0], rows, n });
    const out = new Float32Array(n);
    k([x, y], out);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += x[r * 2 * n + 1 + j]! * y[r]!;
      expect(out[j]).toBeCloseTo(s, 5);
    }
  });
});

describe("row reductions under jit", () => {
  const x = rnd(8 * 4 * 64, 7);
  const ref = (f: (row: number[]) => number) => Float32Array.from({ length: 32 }, (_, o) => f(Array.from(x.subarray(o * 64, (o + 1) * 64))));
  it("softmax's max and sum of exp, layerNorm's mean of squares", async () => {
    const f = sg.jit((t: sg.Tensor<[8, 4, 64]>) => [sg.max(t, -1), sg.sum(sg.exp(sg.sub(t, sg.max(t, -1, true))), -1), sg.mean(sg.square(t), -1)] as const);
    const [mx, se, ms] = f(sg.tensor(x, [8, 4, 64]));
    const wantMax = ref((r) => Math.max(...r));
    expect(Array.from((await mx.data()) as Float32Array)).toEqual(Array.from(wantMax));
    const gotSe = (await se.data()) as Float32Array, gotMs = (await ms.data()) as Float32Array;
    const wantSe = ref((r) => { const m = Math.max(...r); return r.reduce((a, v) => a + Math.exp(v - m), 0); });
    const wantMs = ref((r) => r.reduce((a, v) => a + v * v, 0) / 64);
    for (let o = 0; o < 32; o++) {
      expect(Math.abs(gotSe[o]! - wantSe[o]!)).toBeLessThan(1e-5 * wantSe[o]!);
      expect(Math.abs(gotMs[o]! - wantMs[o]!)).toBeLessThan(1e-5 * wantMs[o]!);
    }
  });
  it("a scale gradient: sum over the batch and rows of x · g", async () => {
    const g = rnd(8 * 4 * 64, 13);
    const f = sg.jit((a: sg.Tensor<[8, 4, 64]>, b: sg.Tensor<[8, 4, 64]>) => sg.sum(sg.mul(a, b), [0, 1]));
    const got = (await f(sg.tensor(x, [8, 4, 64]), sg.tensor(g, [8, 4, 64])).data()) as Float32Array;
    for (let j = 0; j < 64; j++) {
      let s = 0, scale = 0;
      for (let r = 0; r < 32; r++) (s += x[r * 64 + j]! * g[r * 64 + j]!), (scale += Math.abs(x[r * 64 + j]! * g[r * 64 + j]!));
      expect(Math.abs(got[j]! - s)).toBeLessThan(1e-5 * scale);
    }
  });
});
