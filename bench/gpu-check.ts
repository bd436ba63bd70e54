/**
 * GPU check: the benchmark tasks on a gpu.js backend (gpujs:webgpu by default), each result checked
 * against the wasm backend, with timings. Exits 1 on a wrong result, 2 when the requested backend
 * cannot run here (so a silent fallback is never mistaken for a GPU result), 0 otherwise.
 *
 *   npx tsx bench/gpu-check.ts                          # gpujs:webgpu (needs an adapter)
 *   npx tsx bench/gpu-check.ts --backend gpujs:webasm   # the same checks on this CPU machine
 *   options: --backend NAME  --tasks 1,2,3,4  --reps N (default 7)  --quick (small sizes only)
 *            --max-matmul S (skip larger matmuls: gpujs:cpu takes seconds per 1024 product)
 *            --no-wgsl (gpujs:webgpu: contractions as gpu.js kernels, not WGSL shaders: the comparison)
 *            --gpu-tiles (gpujs:webgpu on a software adapter: the WGSL contractions' GPU tiles, 8x4, not 16x8)
 *
 * Tasks (float32): 1. sqrt(x1² + x2²)·tanh(x1) + 1 over 16M and 1M elements; 2. matmul 512, 1024,
 * 2048; 3. grad of mean(out²) for an MLP 2-64-64-1 (tanh), batch 1024, w.r.t. all parameters;
 * 4. vmap(grad(grad(u))) for an MLP 1-64-64-1 (tanh), 4096 inputs. Each runs through `jit`, with its
 * inputs created on the backend (so they are uploaded once, on the first call, and stay on the
 * device). A timing is one call plus `await out.data()` for every output: it includes the readback.
 * "cpu ms/call" is the process's CPU time per call over all its threads (a software adapter such
 * as SwiftShader computes on them): on a loaded machine it moves less than the wall time.
 * "first" is the first call alone (trace, fusion, kernel generation and build, upload, run, read).
 *
 * On the GPU machine (see ../shared/device/README.md; the device has no Node.js and no registry):
 *   1. here, once: node_modules/webgpu must be 0.6.2 (gpu.js pulls 0.2.9, which needs glibc 2.38):
 *        npm install --no-save webgpu@0.6.2     (or the optionalDependency "webgpu": "0.6.2")
 *   2. here: ../shared/device/pack.sh bench/gpu-check.ts
 *        bundles this script with gpu.js into .device/gpu-check.mjs (webgpu stays external and is
 *        copied with its Dawn binary), adds Node.js, the Vulkan loader and run.sh
 *   3. here, first: node .device/gpu-check.mjs --backend gpujs:webasm --quick   (must pass)
 *   4. device tool `run`, kind "nvidia-h100-x1" (the H200 kind has shown "Found no drivers"),
 *        carry [".device"], timeout_s ~300, command:
 *        bash .device/run.sh .device/gpu-check.mjs
 *      then give the machine back. The first output line names the backend and the adapter; an
 *      exit status of 2 means no adapter answered (nothing was measured on the GPU).
 */
import * as sg from "../src/index.js";
import { setBackend } from "../src/runtime/registry.js";
import { GpuJsBackend, gpujsCpu, gpujsHeadlessgl, gpujsWebasm, gpujsWebgpu } from "../src/backend/gpujs/backend.js";
import { probeWebGPU } from "../src/backend/gpujs/webgpu-node.js";
import { HARDWARE_TILES } from "../src/backend/gpujs/wgsl-matmul.js";

const S: any = sg;
const { add, mul, sqrt, square, tanh, matmul, mean, grad, vmap, jit, dot, tensor } = S;

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
};
const backendName = opt("backend", "gpujs:webgpu");
const tasks = new Set(opt("tasks", "1,2,3,4").split(",").map(Number));
const REPS = Number(opt("reps", "7"));
const quick = argv.includes("--quick");
const maxMatmul = Number(opt("max-matmul", "2048"));
gpujsWebgpu.wgslContractions = !argv.includes("--no-wgsl");
const gpuTiles = argv.includes("--gpu-tiles");

const BACKENDS: Record<string, GpuJsBackend> = {
  "gpujs:webgpu": gpujsWebgpu,
  "gpujs:webasm": gpujsWebasm,
  "gpujs:cpu": gpujsCpu,
  "gpujs:headlessgl": gpujsHeadlessgl,
};
const backend = BACKENDS[backendName];
if (!backend) {
  console.error(`unknown backend ${backendName} (${Object.keys(BACKENDS).join(", ")})`);
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------

/** Deterministic uniform data in [-1, 1). */
function data(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return a;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface Task {
  readonly name: string;
  /** host inputs: [data, shape] */
  readonly inputs: () => [Float32Array, number[]][];
  readonly fn: (...xs: any[]) => any;
  /** float32 tolerance against the wasm backend (relative, plus this times the largest value) */
  readonly rtol: number;
  readonly atol: number;
}

async function runAll(out: any): Promise<Float32Array[]> {
  const leaves: any[] = Array.isArray(out) ? out : out instanceof sg.Tensor ? [out] : Object.values(out);
  return Promise.all(leaves.map((t) => t.data()));
}

interface Timing {
  first: number;
  median: number;
  /** median CPU time of the process per call (every thread: a software adapter's work), less load-dependent than wall time */
  cpu: number;
  reps: number;
  result: Float32Array[];
}

async function time(name: string, t: Task): Promise<Timing> {
  setBackend(name as any);
  const args = t.inputs().map(([d, shape]) => tensor(d, shape));
  const f = jit(t.fn);
  let t0 = performance.now();
  const result = await runAll(f(...args));
  const first = performance.now() - t0;
  const slow = first > 2000;
  for (let i = 0; i < (slow ? 1 : 2); i++) await runAll(f(...args));
  const ts: number[] = [];
  const cpu: number[] = [];
  const reps = slow ? Math.min(REPS, 3) : REPS;
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    t0 = performance.now();
    await runAll(f(...args));
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { first, median: median(ts), cpu: median(cpu), reps, result };
}

function compare(got: Float32Array[], want: Float32Array[], t: Task): { err: number; ok: boolean } {
  let worst = 0;
  let ok = got.length === want.length;
  got.forEach((g, k) => {
    const w = want[k]!;
    if (g.length !== w.length) ok = false;
    let scale = 0;
    for (let i = 0; i < w.length; i++) scale = Math.max(scale, Math.abs(w[i]!));
    for (let i = 0; i < w.length; i++) {
      const e = Math.abs(g[i]! - w[i]!);
      const tol = t.atol * scale + t.rtol * Math.abs(w[i]!);
      if (!(e <= tol)) ok = false;
      worst = Math.max(worst, e / Math.max(scale, 1e-30));
    }
  });
  return { err: worst, ok };
}

// ---------------------------------------------------------------------------------------------
// the tasks

const TASKS: Task[] = [];
if (tasks.has(1)) {
  for (const n of quick ? [1 << 20] : [1 << 24, 1 << 20]) {
    TASKS.push({
      name: `1. elementwise ${n === 1 << 24 ? "16M" : "1M"}`,
      inputs: () => [
        [data(n, 1), [n]],
        [data(n, 2), [n]],
      ],
      fn: (x1: any, x2: any) => add(mul(sqrt(add(square(x1), square(x2))), tanh(x1)), 1),
      rtol: 1e-5,
      atol: 1e-6,
    });
  }
}
if (tasks.has(2)) {
  for (const s of (quick ? [256, 512] : [512, 1024, 2048]).filter((s) => s <= maxMatmul)) {
    TASKS.push({
      name: `2. matmul ${s}`,
      inputs: () => [
        [data(s * s, 3), [s, s]],
        [data(s * s, 4), [s, s]],
      ],
      fn: (a: any, b: any) => matmul(a, b),
      rtol: 1e-3,
      atol: 1e-4,
    });
  }
}
if (tasks.has(3)) {
  const loss = (p: any, x: any) => {
    const h1 = tanh(add(matmul(x, p.W1), p.b1));
    const h2 = tanh(add(matmul(h1, p.W2), p.b2));
    return mean(square(add(matmul(h2, p.W3), p.b3)));
  };
  TASKS.push({
    name: "3. MLP 2-64-64-1 grad, batch 1024",
    inputs: () => [
      [data(1024 * 2, 5), [1024, 2]],
      [data(2 * 64, 6).map((v) => v * 0.7), [2, 64]],
      [data(64, 7).map((v) => v * 0.1), [64]],
      [data(64 * 64, 8).map((v) => v * 0.2), [64, 64]],
      [data(64, 9).map((v) => v * 0.1), [64]],
      [data(64, 10).map((v) => v * 0.2), [64, 1]],
      [data(1, 11), [1]],
    ],
    fn: (x: any, W1: any, b1: any, W2: any, b2: any, W3: any, b3: any) => {
      const g = grad(loss)({ W1, b1, W2, b2, W3, b3 }, x);
      return [g.W1, g.b1, g.W2, g.b2, g.W3, g.b3];
    },
    rtol: 1e-3,
    atol: 1e-4,
  });
}
if (tasks.has(4)) {
  TASKS.push({
    name: "4. vmap(grad(grad(u))) 1-64-64-1, 4096",
    inputs: () => [
      [data(4096, 12), [4096]],
      [data(64, 13), [64]],
      [data(64, 14).map((v) => v * 0.5), [64]],
      [data(64 * 64, 15).map((v) => v * 0.2), [64, 64]],
      [data(64, 16).map((v) => v * 0.1), [64]],
      [data(64, 17).map((v) => v * 0.2), [64]],
    ],
    fn: (xs: any, W1: any, b1: any, W2: any, b2: any, W3: any) => {
      const u = (x: any) => dot(tanh(add(matmul(tanh(add(mul(W1, x), b1)), W2), b2)), W3);
      return vmap(grad(grad(u)))(xs);
    },
    rtol: 1e-3,
    atol: 1e-4,
  });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const unusable = await backend!.ready(15_000);
  if (gpuTiles) gpujsWebgpu.wgslTiles = HARDWARE_TILES;
  const probe = backendName === "gpujs:webgpu" ? await probeWebGPU() : null;
  const where = probe?.ok ? `adapter: ${probe.adapter}` : `node ${process.version}, ${process.platform}/${process.arch}`;
  console.log(`gpu-check on ${backendName} (${unusable ? `UNUSABLE: ${unusable}` : where})`);
  if (unusable) {
    console.log("nothing measured: the requested backend cannot run here (its graphs would run on the wasm backend)");
    return 2;
  }
  const rows: string[][] = [["task", `${backendName} first ms`, `${backendName} median ms`, "wasm median ms", "ratio", "cpu ms/call", "wasm cpu ms", "cpu ratio", "max err / max|x|", "kernels run", "check"]];
  let bad = 0;
  for (const t of TASKS) {
    const before = { ...backend!.stats };
    const g = await time(backendName, t);
    const launches = backend!.stats.launches - before.launches;
    const hostGraphs = backend!.stats.hostGraphs - before.hostGraphs;
    const hostSteps = backend!.stats.hostSteps - before.hostSteps;
    const w = await time("wasm", t);
    const { err, ok } = compare(g.result, w.result, t);
    // a graph that ran on the wasm backend is not a result of this backend
    const fell = hostGraphs > 0 || launches === 0;
    if (!ok || fell) bad++;
    const calls = g.reps + 3;
    rows.push([
      t.name,
      g.first.toFixed(1),
      g.median.toFixed(2),
      w.median.toFixed(2),
      `${(g.median / w.median).toFixed(2)}x`,
      g.cpu.toFixed(1),
      w.cpu.toFixed(2),
      `${(g.cpu / w.cpu).toFixed(1)}x`,
      err.toExponential(1),
      `${Math.round(launches / calls)}/call${hostSteps ? `, ${Math.round(hostSteps / calls)} host steps/call` : ""}`,
      fell ? "FELL BACK TO WASM" : ok ? "ok" : "WRONG",
    ]);
    console.log(`  done: ${t.name}`);
  }
  const width = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => `| ${r.map((c, j) => c.padEnd(width[j]!)).join(" | ")} |`;
  console.log(line(rows[0]!));
  console.log(`|${width.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  console.log(`stats: ${JSON.stringify(backend!.stats)}`);
  console.log(bad ? `FAILED: ${bad} task(s) wrong or not run on ${backendName}` : `all ${TASKS.length} checks passed on ${backendName}`);
  return bad ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
