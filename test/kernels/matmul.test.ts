import { describe, expect, it } from "vitest";
import { matmulF32, matmulF64 } from "../../src/backend/wasm/matmul.js";
import type { MatmulOptions } from "../../src/backend/wasm/matmul.js";
import { rand } from "./data.js";


/** Naive float64 reference honouring the same options. */
function reference(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, o: MatmulOptions): Float64Array {
  const batch = o.batch ?? 1;
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = o.aBroadcast ? 0 : t * m * k;
    const bo = o.bBroadcast ? 0 : t * k * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const av = o.transA ? a[ao + p * m + i]! : a[ao + i * k + p]!;
          const bv = o.transB ? b[bo + j * k + p]! : b[bo + p * n + j]!;
          s += av * bv;
        }
        out[t * m * n + i * n + j] = s;
      }
  }
  return out;
}

function maxRelErr(got: ArrayLike<number>, want: Float64Array, k: number): number {
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i]! - want[i]!) / Math.sqrt(k));
  return e;
}

const sizes: Array<[number, number, number]> = [
  [1, 1, 1], [3, 5, 7], [7, 3, 5], [16, 16, 16], [17, 31, 9], [65, 33, 17], [33, 65, 129], [100, 1, 100], [1, 300, 1], [128, 257, 64],
];

describe("matmulF32", () => {
  for (const [m, k, n] of sizes) {
    for (const o of [{}, { transA: true }, { transB: true }, { transA: true, transB: true }] as MatmulOptions[]) {
      it(`${m}x${k}x${n} ${JSON.stringify(o)}`, () => {
        const a = rand(m * k, m + 1), b = rand(k * n, n + 7);
        const out = new Float32Array(m * n);
        matmulF32(a, b, out, m, k, n, o);
        expect(maxRelErr(out, reference(a, b, m, k, n, o), k)).toBeLessThan(2e-6);
      });
    }
  }
  it("1024x1024x1024", () => {
    const S = 1024;
    const a = rand(S * S, 1), b = rand(S * S, 2);
    const out = new Float32Array(S * S);
    matmulF32(a, b, out, S, S, S);
    // spot-check 2000 entries against float64
    let e = 0;
    for (let t = 0; t < 2000; t++) {
      const i = (t * 7919) % S, j = (t * 104729) % S;
      let s = 0;
      for (let p = 0; p < S; p++) s += a[i * S + p]! * b[p * S + j]!;
      e = Math.max(e, Math.abs(out[i * S + j]! - s));
    }
    expect(e).toBeLessThan(1e-4);
  });
  it("batch, broadcast B, accumulate", () => {
    const m = 9, k = 13, n = 21, batch = 3;
    const a = rand(batch * m * k, 3), b = rand(k * n, 4);
    const out = new Float32Array(batch * m * n).fill(1);
    matmulF32(a, b, out, m, k, n, { batch, bBroadcast: true, accumulate: true });
    const ref = reference(a, b, m, k, n, { batch, bBroadcast: true });
    for (let i = 0; i < ref.length; i++) ref[i]! += 1;
    expect(maxRelErr(out, ref, k)).toBeLessThan(2e-6);
    const a2 = rand(batch * 40 * 50, 5), b2 = rand(batch * 50 * 30, 6);
    const out2 = new Float32Array(batch * 40 * 30);
    matmulF32(a2, b2, out2, 40, 50, 30, { batch });
    expect(maxRelErr(out2, reference(a2, b2, 40, 50, 30, { batch }), 50)).toBeLessThan(2e-6);
  });
  it("propagates NaN and Inf", () => {
    const a = new Float32Array(32 * 32), b = new Float32Array(32 * 32);
    a[0] = Infinity;
    const out = new Float32Array(32 * 32);
    matmulF32(a, b, out, 32, 32, 32);
    expect(Number.isNaN(out[0])).toBe(true); // inf * 0
  });
  it("rejects short buffers", () => {
    expect(() => matmulF32(new Float32Array(3), new Float32Array(4), new Float32Array(4), 2, 2, 2)).toThrow(/too small/);
  });
});

describe("matmulF64", () => {
  for (const [m, k, n] of sizes) {
    it(`${m}x${k}x${n}`, () => {
      const a = Float64Array.from(rand(m * k, 11)), b = Float64Array.from(rand(k * n, 12));
      const out = new Float64Array(m * n);
      matmulF64(a, b, out, m, k, n, { transB: true });
      expect(maxRelErr(out, reference(a, b, m, k, n, { transB: true }), k)).toBeLessThan(1e-14);
    });
  }
});
