import { describe, expect, it } from "vitest";
import { gemvF32, gemvTF32 } from "../../src/backend/wasm/gemv.js";

function rand(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 30 - 1;
  });
}

describe("gemv kernels against float64 loops", () => {
  const sizes: [number, number][] = [[1, 1], [1, 7], [3, 5], [4, 4], [5, 9], [17, 33], [1024, 64], [1024, 1], [64, 1024], [7, 2]];
  for (const [rows, cols] of sizes) {
    it(`gemvT and gemv on [${rows}, ${cols}]`, () => {
      const a = rand(rows * cols, rows * 31 + cols);
      const vr = rand(rows, 7 + rows);
      const vc = rand(cols, 11 + cols);
      const yT = new Float32Array(cols);
      const y = new Float32Array(rows);
      gemvTF32(a, vr, yT, rows, cols);
      gemvF32(a, vc, y, rows, cols);
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += a[r * cols + c]! * vr[r]!;
        expect(Math.abs(yT[c]! - s)).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(rows)));
      }
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += a[r * cols + c]! * vc[c]!;
        expect(Math.abs(y[r]! - s)).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(cols)));
      }
    });
  }
  it("rejects buffers that are too small", () => {
    expect(() => gemvF32(new Float32Array(3), new Float32Array(2), new Float32Array(2), 2, 2)).toThrow(/too small/);
  });
});
