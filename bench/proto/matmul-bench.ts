// matmul 512² / 1024²: shapegrad wasm GEMM vs plain JS vs TF.js-wasm (same process).
// Run: npx tsx bench/proto/matmul-bench.ts [--no-tf]
import { matmulF32 } from "../../src/backend/wasm/matmul.js";

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; }
function time(fn: () => void, reps: number, warm = 2): number {
  for (let i = 0; i < warm; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); }
  return median(t);
}
function randMat(n: number): Float32Array { const m = new Float32Array(n); for (let i = 0; i < n; i++) m[i] = Math.random() - 0.5; return m; }

let tf: typeof import("@tensorflow/tfjs") | null = null;
if (!process.argv.includes("--no-tf")) {
  tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-wasm");
  await tf.setBackend("wasm");
  await tf.ready();
}

for (const S of [512, 1024]) {
  const A = randMat(S * S), B = randMat(S * S);
  const reps = S >= 1024 ? 7 : 15;
  const C = new Float32Array(S * S);
  const plain = () => {
    C.fill(0);
    for (let i = 0; i < S; i++) for (let p = 0; p < S; p++) { const av = A[i * S + p]!; const r = p * S, o = i * S; for (let j = 0; j < S; j++) C[o + j]! += av * B[r + j]!; }
  };
  const plainMs = time(plain, S >= 1024 ? 3 : 5, 1);
  const ref = C.slice();
  const ours = new Float32Array(S * S);
  const oursMs = time(() => matmulF32(A, B, ours, S, S, S), reps);
  let err = 0; for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(ours[i]! - ref[i]!));
  console.log(`matmul ${S}: plain JS ${plainMs.toFixed(1)} ms | shapegrad wasm ${oursMs.toFixed(2)} ms (${(2 * S ** 3 / oursMs / 1e6).toFixed(1)} GFLOP/s, x${(plainMs / oursMs).toFixed(1)} vs plain, maxErr ${err.toExponential(1)})`);
  if (tf) {
    const ta = tf.tensor2d(A, [S, S]), tb = tf.tensor2d(B, [S, S]);
    const tfMs = time(() => { const c = tf!.matMul(ta, tb); c.dataSync(); c.dispose(); }, reps);
    // with upload each call (comparable: our call takes JS arrays in and writes JS array out)
    const tfUpMs = time(() => { const a = tf!.tensor2d(A, [S, S]), b = tf!.tensor2d(B, [S, S]); const c = tf!.matMul(a, b); c.dataSync(); a.dispose(); b.dispose(); c.dispose(); }, reps);
    console.log(`matmul ${S}: TF.js-wasm resident ${tfMs.toFixed(2)} ms, with upload ${tfUpMs.toFixed(2)} ms -> shapegrad/TF ratio ${(oursMs / tfMs).toFixed(2)}`);
  }
}
