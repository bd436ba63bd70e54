// Part A: what gpu.js 2.24.1 webasm / cpu modes cost for shapegrad's tasks.
// Run: node bench/proto/gpujs-probe.mjs [--quick]
import gpujs from 'gpu.js';
const { GPU } = gpujs;

const quick = process.argv.includes('--quick');
const N = 1_000_000;
const REPS = quick ? 5 : 15;

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; }
function time(fn, reps = REPS, warm = 2) {
  for (let i = 0; i < warm; i++) fn();
  const t = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); fn(); t.push(performance.now() - t0); }
  return median(t);
}
async function timeAsync(fn, reps = REPS, warm = 2) {
  for (let i = 0; i < warm; i++) await fn();
  const t = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); await fn(); t.push(performance.now() - t0); }
  return median(t);
}
const rows = [];
function row(name, ms, extra = '') { rows.push([name, ms]); console.log(`${name.padEnd(58)} ${ms.toFixed(2).padStart(9)} ms ${extra}`); }

const x1 = new Float32Array(N), x2 = new Float32Array(N);
for (let i = 0; i < N; i++) { x1[i] = Math.random() * 4 - 2; x2[i] = Math.random() * 4 - 2; }
const ref = new Float32Array(N);
function plain() { for (let i = 0; i < N; i++) { const a = x1[i], b = x2[i]; ref[i] = Math.sqrt(a * a + b * b) * Math.tanh(a) + 1; } }
const plainMs = time(plain);
row('task1 plain JS loop (Float32Array)', plainMs);

function maxErr(out) { let e = 0; for (let i = 0; i < N; i++) e = Math.max(e, Math.abs(out[i] - ref[i])); return e; }

const task1 = function (a, b) {
  const x = a[this.thread.x], y = b[this.thread.x];
  return Math.sqrt(x * x + y * y) * Math.tanh(x) + 1;
};

for (const mode of ['webasm', 'cpu']) {
  for (const variant of ['plain', 'pipeline', 'pipeline+immutable']) {
    const gpu = new GPU({ mode });
    const settings = { output: [N] };
    if (variant !== 'plain') settings.pipeline = true;
    if (variant === 'pipeline+immutable') settings.immutable = true;
    const k = gpu.createKernel(task1, settings);
    const t0 = performance.now();
    let out = k(x1, x2);
    const first = performance.now() - t0;
    const ms = time(() => { out = k(x1, x2); });
    const arr = out.toArray ? out.toArray() : out;
    row(`task1 gpu.js ${mode} ${variant}`, ms, `(first call incl. build ${first.toFixed(0)} ms, maxErr ${maxErr(arr).toExponential(1)}, path ${k.kernel._lastRunPath ?? '-'}, out ${out.constructor.name})`);
    gpu.destroy();
  }
}

// async contract: webasm worker-pool threads
{
  const gpu = new GPU({ mode: 'webasm' });
  const k = gpu.createKernel(task1, { output: [N], asyncMode: true });
  const t0 = performance.now();
  let out = await k(x1, x2);
  const first = performance.now() - t0;
  const ms = await timeAsync(async () => { out = await k(x1, x2); });
  row('task1 gpu.js webasm asyncMode (threads)', ms, `(first ${first.toFixed(0)} ms, maxErr ${maxErr(out).toExponential(1)}, path ${k.kernel._lastRunPath})`);
  gpu.destroy();
}

// chain of 3 kernels: per-kernel vs createPipeline fused (intermediates resident)
{
  const gpu = new GPU({ mode: 'webasm' });
  const sq = gpu.createKernel(function (a, b) { const x = a[this.thread.x], y = b[this.thread.x]; return Math.sqrt(x * x + y * y); }, { output: [N] });
  const th = gpu.createKernel(function (a) { return Math.tanh(a[this.thread.x]); }, { output: [N] });
  const fin = gpu.createKernel(function (r, t) { return r[this.thread.x] * t[this.thread.x] + 1; }, { output: [N] });
  const chain = () => fin(sq(x1, x2), th(x1));
  let out = chain();
  row('task1 webasm 3 unfused kernels (sync, readback each)', time(() => { out = chain(); }), `(maxErr ${maxErr(out).toExponential(1)})`);
  for (const threads of [false, true]) {
    const p = gpu.createPipeline(function (a, b) { return fin(sq(a, b), th(a)); }, { threads });
    const t0 = performance.now();
    out = await p(x1, x2);
    const first = performance.now() - t0;
    const ms = await timeAsync(async () => { out = await p(x1, x2); });
    row(`task1 webasm createPipeline 3 kernels threads=${threads}`, ms, `(first ${first.toFixed(0)} ms, executor ${p.executorKind}, maxErr ${maxErr(out).toExponential(1)})`);
  }
  const p1 = gpu.createPipeline(function (a, b) { return fin(sq(a, b), th(a)); }, { threads: false });
  gpu.destroy();
}

// build time for a fresh kernel (size change => rebuild)
{
  const gpu = new GPU({ mode: 'webasm' });
  const ts = [];
  for (let i = 0; i < 5; i++) {
    const n = 1000 + i * 4;
    const a = new Float32Array(n), b = new Float32Array(n);
    const k = gpu.createKernel(task1, { output: [n] });
    const t0 = performance.now(); k(a, b); ts.push(performance.now() - t0);
  }
  row('webasm kernel build+first call (n=1000, fresh kernel)', median(ts));
  gpu.destroy();
}

// matmul
function randMat(n) { const m = new Float32Array(n * n); for (let i = 0; i < m.length; i++) m[i] = Math.random() - 0.5; return m; }
for (const S of quick ? [512] : [512, 1024]) {
  const A = randMat(S), B = randMat(S);
  const gpu = new GPU({ mode: 'webasm' });
  const naive = gpu.createKernel(function (a, b) {
    let sum = 0;
    for (let i = 0; i < this.constants.S; i++) sum += a[this.thread.y * this.constants.S + i] * b[i * this.constants.S + this.thread.x];
    return sum;
  }, { output: [S, S], constants: { S }, loopMaxIterations: S });
  // "tiled": each thread computes 4 consecutive k-partial sums with unrolled loop; row of A reused from cache
  const unrolled = gpu.createKernel(function (a, b) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const S = this.constants.S;
    const ra = this.thread.y * S;
    for (let i = 0; i < this.constants.S; i += 4) {
      s0 += a[ra + i] * b[i * S + this.thread.x];
      s1 += a[ra + i + 1] * b[(i + 1) * S + this.thread.x];
      s2 += a[ra + i + 2] * b[(i + 2) * S + this.thread.x];
      s3 += a[ra + i + 3] * b[(i + 3) * S + this.thread.x];
    }
    return (s0 + s1) + (s2 + s3);
  }, { output: [S, S], constants: { S }, loopMaxIterations: S });
  // B pre-transposed so the inner loop is contiguous in both operands (a "blocked" layout a gpu.js kernel can express)
  const bt = gpu.createKernel(function (a, bT) {
    let sum = 0;
    const S = this.constants.S;
    for (let i = 0; i < this.constants.S; i++) sum += a[this.thread.y * S + i] * bT[this.thread.x * S + i];
    return sum;
  }, { output: [S, S], constants: { S }, loopMaxIterations: S });
  const BT = new Float32Array(S * S); for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) BT[j * S + i] = B[i * S + j];
  const refC = new Float64Array(S * S);
  for (let i = 0; i < S; i++) for (let p = 0; p < S; p++) { const av = A[i * S + p]; for (let j = 0; j < S; j++) refC[i * S + j] += av * B[p * S + j]; }
  const chk = (C) => { let e = 0; for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) e = Math.max(e, Math.abs(C[i][j] - refC[i * S + j])); return e; };
  const reps = S >= 1024 ? 3 : 5;
  for (const [name, k, args] of [['naive', naive, [A, B]], ['unrolled x4', unrolled, [A, B]], ['B transposed', bt, [A, BT]]]) {
    const t0 = performance.now(); let C = k(...args); const first = performance.now() - t0;
    const ms = time(() => { C = k(...args); }, reps, 1);
    row(`matmul ${S} gpu.js webasm ${name}`, ms, `(first ${first.toFixed(0)} ms, maxErr ${chk(C).toExponential(1)}, path ${k.kernel._lastRunPath})`);
  }
  const ka = gpu.createKernel(function (a, b) {
    let sum = 0;
    for (let i = 0; i < this.constants.S; i++) sum += a[this.thread.y * this.constants.S + i] * b[i * this.constants.S + this.thread.x];
    return sum;
  }, { output: [S, S], constants: { S }, loopMaxIterations: S, asyncMode: true });
  let C = await ka(A, B);
  const ms = await timeAsync(async () => { C = await ka(A, B); }, reps, 1);
  row(`matmul ${S} gpu.js webasm naive asyncMode (threads)`, ms, `(maxErr ${chk(C).toExponential(1)}, path ${ka.kernel._lastRunPath})`);
  gpu.destroy();
}
process.exit(0);
