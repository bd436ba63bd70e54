// The wasm GEMM's transposing copy of an operand whose batch and free axes are out of order
// (src/backend/wasm/backend.ts's permuter): attention's scores einsum("bthd,bshd->bhts"), with
// rows long enough for block copies (d = 16) and short rows (d = 3, the index table), under jit,
// each called twice with fresh inputs (the copy's scratch buffer is reused), against plain loops.
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { rand } from "./data.js";


/** out[b, h, t, s] = Σ_d q[b, t, h, d] · k[b, s, h, d]. */
function scores(q: Float32Array, k: Float32Array, B: number, T: number, S: number, H: number, D: number): Float64Array {
  const out = new Float64Array(B * H * T * S);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++)
        for (let s = 0; s < S; s++) {
          let acc = 0;
          for (let d = 0; d < D; d++) acc += q[((b * T + t) * H + h) * D + d]! * k[((b * S + s) * H + h) * D + d]!;
          out[((b * H + h) * T + t) * S + s] = acc;
        }
  return out;
}

describe("wasm GEMM of permuted operands (attention's scores)", () => {
  for (const D of [16, 3]) {
    it(`einsum("bthd,bshd->bhts"), d = ${D}${D < 16 ? " (short rows)" : " (rows contiguous)"}`, () => {
      const [B, T, S, H] = [2, 3, 5, 4];
      const f = sg.jit((q: sg.Tensor<number[]>, k: sg.Tensor<number[]>) => sg.einsum("bthd,bshd->bhts", q, k));
      for (const seed of [1, 2]) {
        const q = rand(B * T * H * D, seed);
        const k = rand(B * S * H * D, seed + 10);
        const got = f(sg.tensor(q, [B, T, H, D]), sg.tensor(k, [B, S, H, D]));
        expect(got.shape).toEqual([B, H, T, S]);
        const want = scores(q, k, B, T, S, H, D);
        const data = got.dataSync() as Float32Array;
        let err = 0;
        for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(data[i]! - want[i]!));
        expect(err, `call ${seed}`).toBeLessThan(1e-5);
      }
      expect(f.traceCount).toBe(1);
    });
  }
});
