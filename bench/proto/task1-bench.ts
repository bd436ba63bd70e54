// Task 1: sqrt(x1² + x2²)·tanh(x1) + 1 on 1e6 float32, all approaches in one process.
// Run: npx tsx bench/proto/task1-bench.ts [--no-tf] [--no-gpujs]
import { compileElementwise } from "../../src/backend/wasm/elementwise.js";
import { K as E } from "../../src/ir/kernel.js";
import { createRequire } from "node:module";

const N = 1_000_000, REPS = 21;
function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; }
function time(fn: () => void, reps = REPS, warm = 3): number {
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); }
  return median(t);
}
const x1 = new Float32Array(N), x2 = new Float32Array(N);
for (let i = 0; i < N; i++) { x1[i] = Math.random() * 4 - 2; x2[i] = Math.random() * 4 - 2; }
const ref = new Float32Array(N);
const plainMs = time(() => { for (let i = 0; i < N; i++) { const a = x1[i]!, b = x2[i]!; ref[i] = Math.sqrt(a * a + b * b) * Math.tanh(a) + 1; } });
const results: Array<[string, number, string]> = [["plain JS loop", plainMs, ""]];
const err = (o: ArrayLike<number>): string => { let e = 0; for (let i = 0; i < N; i++) e = Math.max(e, Math.abs(o[i]! - ref[i]!)); return `maxAbsErr ${e.toExponential(1)}`; };

const a = E.input(0), b = E.input(1);
const spec = { expr: E.add(E.mul(E.sqrt(E.add(E.mul(a, a), E.mul(b, b))), E.tanh(a)), E.c(1)), outShape: [N], inputs: [{ shape: [N] }, { shape: [N] }] };
for (const backend of ["js", "wasm-simd"] as const) {
  const t0 = performance.now();
  const k = compileElementwise(spec, { backend });
  const build = performance.now() - t0;
  const out = new Float32Array(N);
  results.push([`shapegrad compileElementwise ${backend}`, time(() => k([x1, x2], out)), `build ${build.toFixed(2)} ms, ${err(out)}`]);
}

if (!process.argv.includes("--no-gpujs")) {
  const require = createRequire(import.meta.url);
  const { GPU } = require("gpu.js") as { GPU: new (o: { mode: string }) => { createKernel: (f: unknown, s: unknown) => ((...a: unknown[]) => Float32Array); destroy: () => void } };
  for (const mode of ["webasm", "cpu"]) {
    const gpu = new GPU({ mode });
    const k = gpu.createKernel(function (this: { thread: { x: number } }, p: Float32Array, q: Float32Array) {
      const x = p[this.thread.x]!, y = q[this.thread.x]!;
      return Math.sqrt(x * x + y * y) * Math.tanh(x) + 1;
    }, { output: [N] });
    let out = k(x1, x2);
    results.push([`gpu.js ${mode}`, time(() => { out = k(x1, x2); }), err(out)]);
    gpu.destroy();
  }
}

if (!process.argv.includes("--no-tf")) {
  const tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("wasm");
  await tf.ready();
  const t1 = tf.tensor1d(x1), t2 = tf.tensor1d(x2);
  let out: Float32Array = new Float32Array(0);
  const ms = time(() => {
    const r = tf.tidy(() => tf.add(tf.mul(tf.sqrt(tf.add(tf.square(t1), tf.square(t2))), tf.tanh(t1)), 1));
    out = r.dataSync() as Float32Array; r.dispose();
  });
  results.push(["TF.js 4.22 wasm (inputs resident)", ms, err(out)]);
}

for (const [name, ms, note] of results) console.log(`${name.padEnd(42)} ${ms.toFixed(2).padStart(8)} ms  x${(plainMs / ms).toFixed(2)} vs plain  ${note}`);
