// The peer list: the runner reads this file and nothing else to know who runs.
// Each entry is one row in the tables:
//   id       short name for --peers (a filter "x" selects id "x" and every id "x-...")
//   label    what the table shows
//   module   file in bench/peers/ exporting `tasks` (and optionally `meta`, `setup(options)`);
//            a .ts module runs under tsx (node --import tsx, from the repository root)
//   options  passed to setup(options) and to each task's prepare(inputs, options)
//   tasks    optional: the task ids this row runs (default: every task)
//   note     optional: one line for the "Peers" section of RESULTS.md
//   nodeArgs optional: extra node flags for this row's cell processes (e.g. ["--stack-size=7000"])
//
// A peer module's contract (see bench/README.md):
//   export const tasks = { "1": prepare, "2a": prepare, ... }
//   prepare(inputs, options) -> { run(): result | Promise<result>, dispose?() }  (may be async)
// where inputs come from lib/data.mjs makeInputs(task), prepare does the untimed work
// (upload inputs, build functions), and run() is timed: it computes and returns the result
// on the host as a Float32Array (tasks 1, 2, 4) or { W1, b1, W2, b2, W3, b3 } of Float32Array
// (task 3), { loss, dlogits } (task 6), { out, dtable } (task 7). A task missing from `tasks`,
// or a prepare/run that throws an error whose message starts with "not implemented", is
// reported as "n/a (reason)".

import { TASKS } from "../lib/tasks.mjs";

/**
 * shapegrad's rows (backends: src/runtime/registry.ts): jit on every backend that runs on this
 * kind of machine, and eager on the default one. gpujs:webgpu needs a GPU: bench/gpu-check.ts.
 */
const SHAPEGRAD_ROWS = [
  { mode: "jit", backend: "wasm", note: "the default backend: fused WebAssembly SIMD kernels and a packed SIMD GEMM" },
  { mode: "eager", backend: "wasm", note: "op by op (each op a cached one-node kernel), no jit" },
  { mode: "jit", backend: "gpujs:webasm", note: "gpu.js 2.24.1 kernels in its webasm mode (what gpu.js picks on a machine without a GPU)" },
  {
    mode: "jit",
    backend: "gpujs:cpu",
    tasks: TASKS.map((t) => t.id).filter((id) => id !== "12"),
    note: "gpu.js 2.24.1 kernels in its cpu mode; not run on task 12 (its first call had not finished when the cell timed out at 240 s here)",
  },
  { mode: "jit", backend: "ref", tasks: ["1", "2a", "3", "4", "8a"], note: "the reference interpreter (exact per-op float32 rounding, no compilation)" },
];

export const peers = [
  {
    id: "plain",
    label: "plain JS loops (Float32Array)",
    module: "plain.mjs",
    note: "single thread; float32 storage, arithmetic in JS numbers; hand-derived gradients (3, 6: the closed form (softmax - onehot)/R, 7: a scatter-add loop, 10: the CNN's backward pass, lib/cnn.mjs; 12: the transformer block's, lib/transformer.mjs) and forward-mode second derivatives (4)",
  },
  {
    id: "jax-js",
    label: "jax-js 0.1.25 wasm, jit",
    module: "jax-js.mjs",
    options: { jit: true, xent: "oneHot" },
    note: "init(\"wasm\"), single thread in Node; every task wrapped in jit; task 3 jit(grad(loss)), task 4 jit(vmap(grad(grad(u)))), task 6 jit(valueAndGrad) of -mean(sum(nn.oneHot(labels) · nn.logSoftmax(logits))) (the takeAlongAxis form does not jit: row jax-js-takealong), task 7 jit(np.take(table, ids, 0)) and jit(grad(sum(take · w))) (a dense scatter-add), task 8 jit(valueAndGrad(loss, { hasAux: true })) of the RK4 loop in JavaScript, unrolled (see jax-js-bigstack, jax-js-stepjit), task 10 jit(valueAndGrad) with lax.conv (NCHW/OIHW: its only layout, data transposed in prepare) and lax.reduceWindow(np.max) pooling, task 12 jit(valueAndGrad) of the block with nn.standardize, batched np.matmul attention with an additive causal mask, nn.softmax and nn.gelu (nn.dotProductAttention throws on Node 20)",
  },
  {
    id: "jax-js-eager",
    label: "jax-js 0.1.25 wasm, no jit",
    module: "jax-js.mjs",
    options: { jit: false },
    tasks: ["1", "3", "4", "6", "7", "11"],
    note: "the same code without jit (jax-js still evaluates lazily), to show what jit buys; not run on task 8 (valueAndGrad of the loop without jit took 2.2 s at 10 steps and 7.8 s at 20 here, quadratic in the steps, and overflows the stack at 100); task 6 in the takeAlongAxis form (np.takeAlongAxis(nn.logSoftmax(logits), labels[:, None], 1)), which works without jit",
  },
  {
    id: "jax-js-takealong",
    label: "jax-js 0.1.25 wasm, jit, takeAlongAxis loss",
    module: "jax-js.mjs",
    options: { jit: true, xent: "takeAlongAxis" },
    tasks: ["6"],
    note: "kept to show a failure: jit(valueAndGrad) of the takeAlongAxis loss throws \"jit: routine primitive scatter input is not imm\" (the transpose of the gather scatters a broadcast constant; jit(grad) of sum(take(x, i)) fails the same way, sum(take(x, i) · w) works)",
  },
  {
    id: "jax-js-bigstack",
    label: "jax-js 0.1.25 wasm, jit, node --stack-size=7000",
    module: "jax-js.mjs",
    options: { jit: true },
    nodeArgs: ["--stack-size=7000"],
    tasks: ["8a"],
    note: "task 8 at 100 steps with a 7 MB JavaScript stack (under the 8 MB thread stack of Linux's default ulimit): with Node's default (~1 MB) jax-js's jit(valueAndGrad) of the unrolled RK4 loop throws \"Maximum call stack size exceeded\" from 50 steps on (PartialEvalTracer.dispose frees the linearized graph recursively, one frame chain per equation of the unrolled loop); 1,000 steps would need a stack ten times deeper",
  },
  {
    id: "jax-js-stepjit",
    label: "jax-js 0.1.25 wasm, jit per RK4 step, adjoint chained in JS",
    module: "jax-js.mjs",
    options: { jit: true, ode: "stepjit" },
    tasks: ["8a"],
    note: "task 8 without unrolling: jit of one RK4 step called `steps` times (every state kept), then jit of that step's gradient called backwards, the state cotangent chained and the params' accumulated in JavaScript: the discrete adjoint a scan derives, written by hand around jit; each function traces once (counted), yet the first call grows with the steps (2.9 s at 20 steps, 5.5 to 11.5 s at 100 here, with the load of the machine); run at 100 steps only (at 1,000 the cell had not finished after 240 s)",
  },
  {
    id: "tfjs-cpu",
    label: "TF.js 4.22 cpu",
    module: "tfjs.mjs",
    options: { backend: "cpu", tanh: "native" },
    note: "@tensorflow/tfjs union package, plain-JS kernels; eager ops, tf.grads (3), nested tf.grad through tf.tanh (4), tf.valueAndGrad of tf.losses.softmaxCrossEntropy(tf.oneHot(labels), logits) (6), tf.gather with a tf.customGrad whose gradient is tf.scatterND (7: tf.grad through tf.gather itself is UnsortedSegmentSum, which this backend runs as one mask-and-sum pass per table row: 50,000 passes, a first call had not finished after 10 minutes here), tf.valueAndGrads of the RK4 loop in JavaScript (8), tf.valueAndGrads of tf.conv2d / tf.relu / tf.maxPool / tf.losses.softmaxCrossEntropy (10), tf.valueAndGrads of the block from tf.moments, batched tf.matMul, tf.softmax and gelu written out (12)",
  },
  {
    id: "tfjs-wasm",
    label: "TF.js 4.22 wasm",
    module: "tfjs.mjs",
    options: { backend: "wasm", tanh: "native" },
    note: "@tensorflow/tfjs-backend-wasm, SIMD, 1 thread in Node (no multithread support detected); tasks 6, 7 and 10 as on cpu (7: tf.customGrad + tf.scatterND, see tfjs-wasm-gathergrad; 10 fails: the wasm backend registers no Conv2DBackpropFilter kernel)",
  },
  {
    id: "tfjs-wasm-gathergrad",
    label: "TF.js 4.22 wasm, tf.grad through tf.gather",
    module: "tfjs.mjs",
    options: { backend: "wasm", gatherGrad: "tf.grad" },
    tasks: ["7"],
    note: "kept to show a failure: the gradient of tf.gather is UnsortedSegmentSum, which the wasm backend does not register",
  },
  // Task 4 with tanh written another way (tf.tanh's second tf.grad throws, see peers/tfjs.mjs).
  {
    id: "tfjs-cpu-sinhcosh",
    label: "TF.js 4.22 cpu, tanh = sinh/cosh",
    module: "tfjs.mjs",
    options: { backend: "cpu", tanh: "sinhcosh" },
    tasks: ["4"],
    note: "tanh(z) = sinh(z)/cosh(z): the gradients of sinh, cosh and div use their inputs, so a second tf.grad goes through",
  },
  {
    id: "tfjs-wasm-sinhcosh",
    label: "TF.js 4.22 wasm, tanh = sinh/cosh",
    module: "tfjs.mjs",
    options: { backend: "wasm", tanh: "sinhcosh" },
    tasks: ["4"],
    note: "the same sinh/cosh form on the wasm backend",
  },
  {
    id: "tfjs-wasm-exp",
    label: "TF.js 4.22 wasm, tanh = 1 - 2/(exp(2z)+1)",
    module: "tfjs.mjs",
    options: { backend: "wasm", tanh: "exp" },
    tasks: ["4"],
    note: "kept to show a silently wrong result: exp's gradient uses its saved output, which the second tf.grad treats as a constant",
  },
  // task 9 (convolution): TF.js wasm has no Conv2DBackpropFilter, so a row with the backward by hand
  {
    id: "tfjs-wasm-convgrad",
    label: "TF.js 4.22 wasm, conv backward by hand",
    module: "tfjs.mjs",
    options: { backend: "wasm", convGrad: "conv2d" },
    tasks: ["9"],
    note: "tf.grads through tf.conv2d needs Conv2DBackpropFilter, which the wasm backend does not register (row tfjs-wasm fails on task 9); here the input gradient is tf.conv2dTranspose and the filter gradient a tf.conv2d of the transposed input and cotangent",
  },
  ...SHAPEGRAD_ROWS.map(({ mode, backend, tasks, note }) => ({
    id: `shapegrad-${mode}-${backend.replace(":", "-")}`,
    label: `shapegrad ${mode}, ${backend}`,
    module: "shapegrad.ts",
    options: { mode, backend },
    ...(tasks ? { tasks } : {}),
    note: `this repository's library (src/), run under tsx; ${note}`,
  })),
  // issue 15, task 13: the other ways shapegrad computes the same derivatives
  {
    id: "shapegrad-jit-wasm-hvp",
    label: "shapegrad jit, wasm, Laplacian by hvp",
    module: "shapegrad.ts",
    options: { mode: "jit", backend: "wasm", laplacian: "hvp" },
    tasks: ["13a", "13b", "13c"],
    note: "nn.laplacian(u, { method: \"hvp\" }): d Hessian-vector products (forward over reverse) sharing one vmapped program, against the default forward-Laplacian pass",
  },
  {
    id: "shapegrad-jit-wasm-hessian",
    label: "shapegrad jit, wasm, sum(diagonal(hessian(u)))",
    module: "shapegrad.ts",
    options: { mode: "jit", backend: "wasm", laplacian: "hessian" },
    tasks: ["13a", "13b", "13c"],
    note: "the full Hessian (jacfwd of grad), then its trace",
  },
  {
    id: "shapegrad-jit-wasm-nestedjvp",
    label: "shapegrad jit, wasm, four nested jvps",
    module: "shapegrad.ts",
    options: { mode: "jit", backend: "wasm", deriv4: "nested" },
    tasks: ["13d"],
    note: "the 4th directional derivative as jvp(jvp(jvp(jvp(u)))), against nn.higherDerivative (jet)",
  },
];
