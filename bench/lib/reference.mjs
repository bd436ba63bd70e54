// The reference every peer is checked against: the hand-written loops of
// lib/algorithms.mjs run in float64 on the same float32-rounded inputs.
// The hand-derived derivatives are themselves checked against central finite
// differences in float64 before any reference is used (selfCheck).
// References are cached under bench/.out/ (git-ignored), keyed by a hash of
// the files that define them, so a full run computes each one once.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeAlgorithms } from "./algorithms.mjs";
import { makeCnn } from "./cnn.mjs";
import { makeInputs, blockParams, uniform } from "./data.mjs";
import { makeTransformer } from "./transformer.mjs";

const here = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(here, "..", ".out");

const F64 = makeAlgorithms(Float64Array);
const CNN64 = makeCnn(Float64Array);
const BLOCK64 = makeTransformer(Float64Array);

const f64 = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Float64Array.from(v)]));

/** Compute the float64 reference output of a task (a map name -> Float64Array). */
export function computeReference(task) {
  const inp = makeInputs(task);
  switch (task) {
    case "1":
      return { out: F64.elementwise(Float64Array.from(inp.x1), Float64Array.from(inp.x2)) };
    case "2a":
    case "2b":
      return { out: F64.matmul(Float64Array.from(inp.a), Float64Array.from(inp.b), inp.m) };
    case "3":
    case "5":
      return F64.mlpGrad(f64(inp.params), Float64Array.from(inp.x), inp.batch, inp.inDim, inp.hidden);
    case "4":
      return { out: F64.mlpSecondDerivative(f64(inp.params), Float64Array.from(inp.x), inp.hidden) };
    case "6":
      return F64.softmaxCrossEntropy(Float64Array.from(inp.logits), inp.labels, inp.rows, inp.classes);
    case "7":
      return F64.embedding(Float64Array.from(inp.table), inp.ids, Float64Array.from(inp.w), inp.vocab, inp.dim);
    case "8a":
    case "8b":
      return F64.odeGrad(f64(inp.params), Float64Array.from(inp.y0), inp.batch, inp.hidden, inp.dt, inp.steps);
    case "10":
      return CNN64.cnnStep(f64(inp.params), Float64Array.from(inp.x), inp.labels, inp.batch);
    case "11":
      return F64.linalg(Float64Array.from(inp.a), Float64Array.from(inp.b), Float64Array.from(inp.spd), inp.n);
    case "9":
      return F64.conv2d(Float64Array.from(inp.x), Float64Array.from(inp.kernel), Float64Array.from(inp.ct), inp.n, inp.h, inp.w, inp.c, inp.o, inp.k);
    case "12": {
      const g = BLOCK64.blockStep(f64(inp.params), Float64Array.from(inp.x), inp.batch, inp.seq, inp.dim, inp.heads, inp.ff);
      // d loss / d bk is exactly zero (a key bias adds q·bk to every logit of a query's row, which
      // softmax ignores; the self-check's differences agree): zeros, so its check is absolute
      // (max |peer| <= tol) rather than relative to float64 rounding noise of 1e-19
      return { ...g, bk: new Float64Array(g.bk.length) };
    }
    case "13a":
    case "13b":
    case "13c":
      return { out: F64.mlpLaplacian(f64(inp.params), Float64Array.from(inp.x), inp.n, inp.d, inp.hidden) };
    case "13d":
      return { out: F64.mlpFourthDerivative(f64(inp.params), Float64Array.from(inp.x), Float64Array.from(inp.v), inp.n, inp.d, inp.hidden) };
    default:
      throw new Error(`unknown task ${task}`);
  }
}

/** Finite-difference check of the hand-derived derivatives (tasks 3, 4, 6, 7, 8), float64. Throws on mismatch. */
export function selfCheck(task) {
  if (task === "3" || task === "5") {
    const inp = makeInputs("3");
    const p = f64(inp.params);
    const x = Float64Array.from(inp.x);
    const { batch: B, inDim: d0, hidden: H } = inp;
    const g = F64.mlpGrad(p, x, B, d0, H);
    const loss = () => F64.mlpForward(p, x, B, d0, H).loss;
    const picks = { W1: [0, 77], b1: [3, 63], W2: [0, 1000, 4095], b2: [10], W3: [5, 60], b3: [0] };
    for (const [name, idxs] of Object.entries(picks)) {
      for (const i of idxs) {
        const h = 1e-6;
        const v = p[name][i];
        p[name][i] = v + h;
        const lp = loss();
        p[name][i] = v - h;
        const lm = loss();
        p[name][i] = v;
        const fd = (lp - lm) / (2 * h);
        const scale = Math.max(...g[name].map(Math.abs), 1e-12);
        if (Math.abs(fd - g[name][i]) > 1e-6 * scale + 1e-9) {
          throw new Error(`self-check: task 3 d/d${name}[${i}] hand ${g[name][i]} vs finite difference ${fd}`);
        }
      }
    }
  } else if (task === "4") {
    const inp = makeInputs("4");
    const p = f64(inp.params);
    const xs = Float64Array.from(inp.x).slice(0, 16);
    const d2 = F64.mlpSecondDerivative(p, xs, inp.hidden);
    const scale = Math.max(...d2.map(Math.abs));
    for (let r = 0; r < xs.length; r++) {
      const h = 1e-3;
      const u = (x) => F64.mlpScalar(p, x, inp.hidden);
      const fd = (u(xs[r] + h) - 2 * u(xs[r]) + u(xs[r] - h)) / (h * h);
      if (Math.abs(fd - d2[r]) > 1e-5 * scale) {
        throw new Error(`self-check: task 4 x[${r}] hand ${d2[r]} vs finite difference ${fd}`);
      }
    }
  } else if (task === "10") {
    // central differences of the loss at a few entries of every parameter (8 images keep it quick)
    const inp = makeInputs("10");
    const N = 8;
    const p = f64(inp.params);
    const x = Float64Array.from(inp.x).slice(0, N * 784);
    const labels = inp.labels.slice(0, N);
    const g = CNN64.cnnStep(p, x, labels, N);
    const picks = { K1: [0, 40, 71], b1: [2, 7], K2: [0, 500, 1151], b2: [3, 15], W3: [0, 3333, 7839], b3: [0, 9] };
    for (const [name, idxs] of Object.entries(picks)) {
      const scale = Math.max(...g[name].map(Math.abs), 1e-12);
      for (const i of idxs) {
        const h = 1e-6;
        const v = p[name][i];
        p[name][i] = v + h;
        const lp = CNN64.cnnLoss(p, x, labels, N);
        p[name][i] = v - h;
        const lm = CNN64.cnnLoss(p, x, labels, N);
        p[name][i] = v;
        const fd = (lp - lm) / (2 * h);
        if (Math.abs(fd - g[name][i]) > 1e-6 * scale + 1e-9) {
          throw new Error(`self-check: task 10 d/d${name}[${i}] hand ${g[name][i]} vs finite difference ${fd}`);
        }
      }
    }
  } else if (task === "6" || task === "7") {
    // Central differences of the scalar objective at a few entries: for task 6 labelled and
    // unlabelled logits; for task 7 id 0 (about 70 duplicates), the last id, an unused row.
    const inp = makeInputs(task);
    let x, g, objective, picks;
    if (task === "6") {
      const { rows: R, classes: C, labels } = inp;
      x = Float64Array.from(inp.logits);
      g = F64.softmaxCrossEntropy(x, labels, R, C).dlogits;
      objective = () => F64.softmaxCrossEntropyLoss(x, labels, R, C);
      picks = [labels[0], 1, 7 * C + labels[7], 7 * C + ((labels[7] + 1) % C), (R - 1) * C + labels[R - 1], R * C - 1];
    } else {
      const { vocab: V, dim: D, ids } = inp;
      const w = Float64Array.from(inp.w);
      x = Float64Array.from(inp.table);
      g = F64.embedding(x, ids, w, V, D).dtable;
      objective = () => F64.embeddingObjective(x, ids, w, D);
      const used = new Set(ids);
      let unused = 1;
      while (used.has(unused)) unused++;
      picks = [0, D - 1, ids[5] * D + 3, (V - 1) * D + 17, unused * D + 2];
    }
    let scale = 0;
    for (const v of g) scale = Math.max(scale, Math.abs(v));
    for (const i of picks) {
      const h = 1e-4;
      const v = x[i];
      x[i] = v + h;
      const lp = objective();
      x[i] = v - h;
      const lm = objective();
      x[i] = v;
      const fd = (lp - lm) / (2 * h);
      if (Math.abs(fd - g[i]) > 1e-6 * scale) {
        throw new Error(`self-check: task ${task} entry ${i}: hand ${g[i]} vs finite difference ${fd}`);
      }
    }
  } else if (task === "8a" || task === "8b") {
    // The discrete adjoint of RK4 against central differences of the float64 loss, over the same
    // step count (two entries of each parameter: each difference is two full integrations).
    const inp = makeInputs(task);
    const p = f64(inp.params);
    const y0 = Float64Array.from(inp.y0);
    const { batch: B, hidden: H, dt, steps } = inp;
    const g = F64.odeGrad(p, y0, B, H, dt, steps);
    const loss = () => F64.odeLoss(p, y0, B, H, dt, steps);
    const picks = { W1: [0, 2 * H - 1], b1: [5], W2: [0, 2080], b2: [63], W3: [1, 100], b3: [0, 1] };
    for (const [name, idxs] of Object.entries(picks)) {
      let scale = 0;
      for (const v of g[name]) scale = Math.max(scale, Math.abs(v));
      for (const i of idxs) {
        const h = 1e-5;
        const v = p[name][i];
        p[name][i] = v + h;
        const lp = loss();
        p[name][i] = v - h;
        const lm = loss();
        p[name][i] = v;
        const fd = (lp - lm) / (2 * h);
        if (Math.abs(fd - g[name][i]) > 1e-6 * scale) {
          throw new Error(`self-check: task ${task} d/d${name}[${i}] hand ${g[name][i]} vs finite difference ${fd}`);
        }
      }
    }
  } else if (task === "12") {
    // central differences of the loss at a few entries of every parameter and of x, on a small
    // block (2 sequences of 6, width 8, 2 heads, MLP 8-16-8): the same code, smaller sizes
    const [B, T, D, H, Dff] = [2, 6, 8, 2, 16];
    const p = f64(blockParams(D, Dff, 1290));
    p.x = Float64Array.from(uniform(B * T * D, -1, 1, 1291));
    const { x, ...params } = p;
    const g = BLOCK64.blockStep(params, x, B, T, D, H, Dff);
    const loss = () => BLOCK64.blockLoss(params, x, B, T, D, H, Dff);
    for (const [name, arr] of Object.entries(p)) {
      const scale = Math.max(...g[name].map(Math.abs), 1e-12);
      for (const i of [0, (arr.length >> 1) + 1, arr.length - 1]) {
        const h = 1e-5;
        const v = arr[i];
        arr[i] = v + h;
        const lp = loss();
        arr[i] = v - h;
        const lm = loss();
        arr[i] = v;
        const fd = (lp - lm) / (2 * h);
        if (Math.abs(fd - g[name][i]) > 1e-6 * scale + 1e-10) {
          throw new Error(`self-check: task 12 d/d${name}[${i}] hand ${g[name][i]} vs finite difference ${fd}`);
        }
      }
    }
  } else if (task === "9") {
    // Central differences of sum(conv(x, kernel) · ct) at a corner, an interior and the last
    // input element (padding touches the corners) and at a few kernel entries. Its objective is
    // linear in each operand, so the differences are exact up to rounding.
    const inp = makeInputs("9");
    const { n: N, h: H, w: W, c: C, o: O, k: K } = inp;
    const x = Float64Array.from(inp.x);
    const kernel = Float64Array.from(inp.kernel);
    const ct = Float64Array.from(inp.ct);
    const g = F64.conv2d(x, kernel, ct, N, H, W, C, O, K);
    const objective = () => F64.conv2dObjective(x, kernel, ct, N, H, W, C, O, K);
    const picks = [
      [x, g.dx, [0, ((3 * H + 5) * W + 7) * C + 2, x.length - 1]],
      [kernel, g.dkernel, [0, kernel.length - 1]],
    ];
    for (const [arr, grad, idxs] of picks) {
      let scale = 0;
      for (const v of grad) scale = Math.max(scale, Math.abs(v));
      for (const i of idxs) {
        const h = 1e-3;
        const v = arr[i];
        arr[i] = v + h;
        const lp = objective();
        arr[i] = v - h;
        const lm = objective();
        arr[i] = v;
        const fd = (lp - lm) / (2 * h);
        if (Math.abs(fd - grad[i]) > 1e-8 * scale) throw new Error(`self-check: task 9 entry ${i}: hand ${grad[i]} vs finite difference ${fd}`);
      }
    }
  } else if (task.startsWith("13")) {
    // 13a-c: Σ_i central second differences along e_i; 13d: the five-point 4th difference along v
    const inp = makeInputs(task);
    const p = f64(inp.params);
    const { d, hidden: H } = inp;
    const xs = Float64Array.from(inp.x).slice(0, 4 * d);
    const v = Float64Array.from(inp.v);
    const got = task === "13d" ? F64.mlpFourthDerivative(p, xs, v, 4, d, H) : F64.mlpLaplacian(p, xs, 4, d, H);
    for (let r = 0; r < 4; r++) {
      const x = xs.slice(r * d, (r + 1) * d);
      const at = (dir, h) => F64.mlpPoint(p, x.map((xi, i) => xi + h * dir[i]), d, H);
      let fd = 0;
      if (task === "13d") {
        const h = 2e-2;
        fd = (at(v, 2 * h) - 4 * at(v, h) + 6 * at(v, 0) - 4 * at(v, -h) + at(v, -2 * h)) / h ** 4;
      } else {
        const h = 1e-4;
        for (let i = 0; i < d; i++) {
          const e = new Float64Array(d);
          e[i] = 1;
          fd += (at(e, h) - 2 * at(e, 0) + at(e, -h)) / (h * h);
        }
      }
      if (Math.abs(fd - got[r]) > 2e-3 * Math.max(1, Math.abs(got[r]))) throw new Error(`self-check: task ${task} point ${r}: hand ${got[r]} vs finite difference ${fd}`);
    }
  }
}

function sourceHash() {
  const h = createHash("sha256");
  for (const f of ["algorithms.mjs", "cnn.mjs", "data.mjs", "reference.mjs", "transformer.mjs"]) h.update(readFileSync(join(here, f)));
  return h.digest("hex").slice(0, 12);
}

// Cache file format: 4-byte little-endian header length, JSON header
// [{name, length}], then the float64 data of each array in order.
function refPath(task) {
  return join(OUT_DIR, `ref-${task === "5" ? "3" : task}-${sourceHash()}.bin`);
}

function save(path, ref) {
  const names = Object.keys(ref);
  const header = Buffer.from(JSON.stringify(names.map((name) => ({ name, length: ref[name].length }))));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const bufs = [len, header, ...names.map((n) => Buffer.from(ref[n].buffer, ref[n].byteOffset, ref[n].byteLength))];
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat(bufs));
  renameSync(tmp, path);
}

function load(path) {
  const buf = readFileSync(path);
  const hlen = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + hlen).toString());
  let off = 4 + hlen;
  const out = {};
  for (const { name, length } of header) {
    const bytes = buf.subarray(off, off + length * 8);
    out[name] = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    off += length * 8;
  }
  return out;
}

/** The reference of a task: from the cache, or computed (self-checked first) and cached. */
export function getReference(task) {
  const path = refPath(task);
  if (existsSync(path)) return load(path);
  selfCheck(task);
  const ref = computeReference(task);
  save(path, ref);
  return ref;
}
