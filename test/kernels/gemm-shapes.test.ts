// The GEMM's paths for the shapes convolutions give it: a tall A times a narrow B (A panels
// outermost, slices up to the module's depth, several slices past it), A and B stored either way,
// partial panels and depths that are not a multiple of 4; against a float64 loop.
import { describe, expect, it } from "vitest";
import { matmulF32, type MatmulOptions } from "../../src/backend/wasm/matmul.js";
import { rand } from "./data.js";


describe("matmulF32 on im2col shapes", () => {
  const shapes: [number, number, number][] = [
    [2048, 144, 32],
    [1003, 288, 16],
    [301, 700, 8],
    [96, 1300, 20],
    [144, 4099, 32],
  ];
  for (const [m, k, n] of shapes) {
    for (const o of [{}, { transA: true }, { transB: true }, { transA: true, transB: true }] as MatmulOptions[]) {
      it(`${m}x${k}x${n} ${JSON.stringify(o)}`, () => {
        const a = rand(m * k, m + k);
        const b = rand(k * n, n + 3);
        const out = new Float32Array(m * n);
        matmulF32(a, b, out, m, k, n, o);
        let err = 0;
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += (o.transA ? a[p * m + i]! : a[i * k + p]!) * (o.transB ? b[j * k + p]! : b[p * n + j]!);
            err = Math.max(err, Math.abs(out[i * n + j]! - s) / Math.sqrt(k));
          }
        expect(err).toBeLessThan(2e-6);
      });
    }
  }
});
