// Tries register-block shapes for the wasm GEMM. Run: npx tsx bench/proto/matmul-variants.ts
import { buildGemmModule } from "../../src/backend/wasm/matmul.js";
import { align64 } from "../../src/backend/wasm/heap.js";

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; }
for (const S of (process.argv[2] ? [Number(process.argv[2])] : [512, 1024])) {
  for (const [mr, nr, kc] of (process.argv[3] ? JSON.parse(process.argv[3]) : [[4, 8, 256], [6, 8, 256], [4, 12, 256], [3, 16, 256], [5, 8, 256], [5, 8, 128], [5, 8, 512], [4, 16, 256], [8, 8, 256]]) as [number, number, number][]) {
    const mod = buildGemmModule(mr, nr, kc);
    const m = S, k = S, n = S;
    const mp = Math.ceil(m / mr), np = Math.ceil(n / nr), ldc = np * nr;
    const apOff = 0, bpOff = align64(mp * mr * k * 4), cpOff = align64(bpOff + np * nr * k * 4);
    mod.heap.ensure(cpOff + mp * mr * ldc * 4);
    const f = mod.heap.f32; for (let i = 0; i < cpOff / 4; i++) f[i] = Math.random();
    const ts: number[] = [];
    for (let r = 0; r < (S > 512 ? 5 : 9); r++) { const t0 = performance.now(); mod.gemm(apOff, bpOff, cpOff, mp, np, k, ldc * 4); ts.push(performance.now() - t0); }
    const ms = median(ts.slice(1));
    console.log(`S=${S} mr=${mr} nr=${nr} kc=${kc}: gemm core ${ms.toFixed(2)} ms  ${(2 * S ** 3 / ms / 1e6).toFixed(1)} GFLOP/s`);
  }
}
