// One benchmark cell (one peer × one task) in its own Node process.
// Usage (the runner does this): node bench/cell.mjs '<json spec>'
// Spec: { module, options, task, warmup, reps, minReps, budgetMs, tol }.
// Prints one line "@@CELL <json>" with the result on stdout; everything else on
// stdout/stderr is the peer's own output (kept in the log by the runner).
//
// Timed: run() only, i.e. compute on inputs already resident in the library
// (uploaded in prepare) and read the result back to a host Float32Array.
// The first call is timed separately (it includes tracing/compiling/JIT warm-up);
// it counts as the first of the `warmup` untimed-for-the-median calls.

import { pathToFileURL } from "node:url";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { makeInputs } from "./lib/data.mjs";
import { getReference } from "./lib/reference.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(process.argv[2]);
const result = { status: "failed", stage: "load" };

function emit() {
  process.stdout.write(`\n@@CELL ${JSON.stringify(result)}\n`);
}

const isNotAvailable = (e) => e && (e.name === "NotAvailable" || /^not implemented/i.test(String(e.message ?? e)));
const firstLine = (e) => String(e?.message ?? e).split("\n")[0].slice(0, 300);

/** max over outputs of max|out - ref| / max|ref|; NaN, missing or mis-sized outputs count as Infinity. */
function compare(out, ref) {
  const o = out instanceof Float32Array || out instanceof Float64Array ? { out } : out;
  const perOutput = {};
  let worst = 0;
  for (const [name, r] of Object.entries(ref)) {
    const a = o?.[name];
    let err;
    if (!a || typeof a.length !== "number" || a.length !== r.length) {
      err = Infinity;
    } else {
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < r.length; i++) {
        const ri = Math.abs(r[i]);
        if (ri > scale) scale = ri;
        const d = Math.abs(a[i] - r[i]);
        if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
      }
      err = diff / (scale || 1);
    }
    perOutput[name] = err;
    if (!(err <= worst)) worst = err;
  }
  return { err: worst, perOutput };
}

async function main() {
  const t0 = performance.now();
  const peer = await import(pathToFileURL(join(here, "peers", spec.module)).href);
  result.stage = "setup";
  if (typeof peer.setup === "function") await peer.setup(spec.options ?? {});
  result.version = peer.meta ? `${peer.meta.library} ${peer.meta.version}`.trim() : undefined;
  result.setupMs = performance.now() - t0;

  result.stage = "prepare";
  const prepare = peer.tasks?.[spec.task];
  if (typeof prepare !== "function") {
    result.status = "n/a";
    result.reason = `task ${spec.task} not implemented by this peer`;
    return;
  }
  const inputs = makeInputs(spec.task);
  const ref = getReference(spec.task);
  const cell = await prepare(inputs, spec.options ?? {});

  result.stage = "first call";
  let t = performance.now();
  let out = await cell.run();
  result.firstMs = performance.now() - t;
  const firstCheck = compare(out, ref);
  out = undefined;

  result.stage = "warm-up";
  for (let i = 1; i < spec.warmup; i++) await cell.run();

  result.stage = "timed runs";
  const samples = [];
  const start = performance.now();
  let last;
  while (samples.length < spec.reps && (samples.length < spec.minReps || performance.now() - start < spec.budgetMs)) {
    t = performance.now();
    last = await cell.run();
    samples.push(performance.now() - t);
  }
  const lastCheck = last === undefined ? firstCheck : compare(last, ref);
  if (typeof cell.dispose === "function") cell.dispose();

  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  result.samples = samples;
  result.median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  result.min = sorted[0];
  const check = lastCheck.err >= firstCheck.err ? lastCheck : firstCheck;
  result.err = check.err;
  result.perOutput = check.perOutput;
  result.tol = spec.tol;
  result.status = check.err <= spec.tol ? "ok" : "wrong";
  result.stage = "done";
}

try {
  await main();
} catch (e) {
  if (isNotAvailable(e)) {
    result.status = "n/a";
    result.reason = firstLine(e);
  } else {
    result.status = "failed";
    result.reason = `${result.stage}: ${firstLine(e)}`;
  }
}
emit();
// Some backends keep handles (worker threads, timers) alive; the cell is done.
process.exit(0);
