#!/usr/bin/env node
// Benchmark runner: every (peer × task) cell in its own Node process (cell.mjs),
// median of several runs after warm-up, each result checked against the float64
// reference, tables with ratios to the fastest correct peer.
//
//   node bench/run.mjs                      full run, writes bench/RESULTS.md
//   node bench/run.mjs --quick              fewer repetitions (smoke run)
//   node bench/run.mjs --tasks 1,3 --peers plain,jax-js
//   node bench/run.mjs --passes 3           passes over the whole matrix (default 2, --quick 1);
//                                           each pass's median is shown, the samples are pooled
//   node bench/run.mjs --list               list peers and tasks
// Options: --out FILE (markdown output; default bench/RESULTS.md for a full run,
// bench/.out/RESULTS-partial.md for a filtered or quick one), --timeout SECONDS per cell.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, availableParallelism, totalmem, type, release, arch, loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TASKS, TASK5, TASK8, QUICK, selectTasks, taskById } from "./lib/tasks.mjs";
import { getReference, OUT_DIR } from "./lib/reference.mjs";
import { peers as registry } from "./peers/registry.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

// ---------- arguments ----------
function parseArgs(argv) {
  const a = { quick: false, passes: undefined, timeout: 240 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      const eq = k.indexOf("=");
      if (eq >= 0) return k.slice(eq + 1);
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    const name = k.split("=")[0];
    if (name === "--quick") a.quick = true;
    else if (name === "--tasks") a.tasks = val();
    else if (name === "--peers") a.peers = val();
    else if (name === "--passes") a.passes = Math.max(1, parseInt(val(), 10) || 1);
    else if (name === "--out") a.out = val();
    else if (name === "--timeout") a.timeout = Number(val());
    else if (name === "--list") a.list = true;
    else if (name === "--help" || name === "-h") a.help = true;
    else throw new Error(`unknown argument ${k} (see --help)`);
  }
  return a;
}

function die(msg) {
  process.stderr.write(`bench/run.mjs: ${msg}\n`);
  process.exit(2);
}
let args;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  die(e.message);
}
args.passes ??= args.quick ? 1 : 2; // a full run goes over the whole matrix twice
if (args.help) {
  const src = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
  const end = src.findIndex((l, i) => i > 0 && !l.startsWith("//"));
  console.log(src.slice(1, end).map((l) => l.replace(/^\/\/ ?/, "")).join("\n"));
  process.exit(0);
}
if (args.list) {
  console.log("tasks:");
  for (const t of TASKS) console.log(`  ${t.id.padEnd(4)} ${t.title}`);
  console.log(`  5    ${TASK5.title}`);
  console.log(`  8    ${TASK8.title} (8a and 8b)`);
  console.log("peers (registry order):");
  for (const p of registry) console.log(`  ${p.id.padEnd(26)} ${p.label}${p.tasks ? `  [tasks ${p.tasks.join(",")}]` : ""}`);
  process.exit(0);
}

let taskIds, task5, task8;
try {
  ({ ids: taskIds, task5, task8 } = selectTasks(args.tasks));
} catch (e) {
  die(e.message);
}
const peerFilter = args.peers ? args.peers.split(",").map((s) => s.trim()).filter(Boolean) : null;
const selectedPeers = registry.filter(
  (p) => !peerFilter || peerFilter.some((f) => p.id === f || p.id.startsWith(`${f}-`)),
);
if (peerFilter) {
  for (const f of peerFilter) {
    if (!registry.some((p) => p.id === f || p.id.startsWith(`${f}-`))) {
      die(`--peers: no peer "${f}" (see --list)`);
    }
  }
}
if (!existsSync(join(here, "node_modules"))) {
  log("bench/node_modules is missing: run `npm ci --prefix bench` first (the jax-js and TF.js peers will fail without it)");
}
const fullRun = !args.tasks && !args.peers && !args.quick;
const outPath = args.out ? resolve(args.out) : fullRun ? join(here, "RESULTS.md") : join(OUT_DIR, "RESULTS-partial.md");

const loadAtStart = loadavg()[0];

// ---------- references ----------
for (const id of taskIds) {
  const t = performance.now();
  getReference(id);
  log(`reference for task ${id} ready (${fmt(performance.now() - t)} ms)`);
}

// ---------- cells ----------
const logDir = join(OUT_DIR, "logs");
mkdirSync(logDir, { recursive: true });

const cells = [];
for (let pass = 1; pass <= args.passes; pass++) {
  for (const id of taskIds) {
    for (const p of selectedPeers) {
      if (!p.tasks || p.tasks.includes(id)) cells.push({ pass, task: id, peer: p });
    }
  }
}

const results = new Map(); // `${peer.id}|${task}` -> [result per pass]
const peerBroken = new Map(); // peer id -> result, when its module failed to load or set up
const peerOutput = new Map(); // peer id -> Set of distinct output lines
const t0 = performance.now();
let n = 0;
for (const c of cells) {
  n++;
  const key = `${c.peer.id}|${c.task}`;
  let r;
  if (peerBroken.has(c.peer.id)) {
    r = { ...peerBroken.get(c.peer.id) };
  } else {
    r = await runCell(c);
    if (r.status === "failed" && (r.stage === "load" || r.stage === "setup")) peerBroken.set(c.peer.id, r);
  }
  if (!results.has(key)) results.set(key, []);
  results.get(key).push(r);
  const what = r.status === "ok" || r.status === "wrong" ? `${fmt(r.median)} ms${r.status === "wrong" ? " WRONG" : ""}` : `${r.status} (${r.reason})`;
  log(`[${n}/${cells.length}] pass ${c.pass} task ${c.task.padEnd(2)} ${c.peer.id.padEnd(24)} ${what}`);
}
const totalS = (performance.now() - t0) / 1000;

function runCell(c) {
  const task = taskById(c.task);
  const reps = args.quick ? QUICK : task.full;
  const spec = { module: c.peer.module, options: c.peer.options ?? {}, task: c.task, tol: task.tol, ...reps };
  const nodeArgs = [];
  if (c.peer.module.endsWith(".ts")) nodeArgs.push("--import", "tsx"); // resolved from the repository root
  nodeArgs.push(...(c.peer.nodeArgs ?? [])); // e.g. a larger stack for one row
  nodeArgs.push(join(here, "cell.mjs"), JSON.stringify(spec));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, args.timeout * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const m = stdout.match(/^@@CELL (.*)$/m);
      const peerText = (stdout.replace(/^@@CELL .*$/m, "") + "\n" + stderr).trim();
      writeFileSync(join(logDir, `${c.peer.id}__${c.task}__pass${c.pass}.log`), `${JSON.stringify(spec)}\n${peerText}\n${m ? m[0] : ""}\n`);
      const lines = peerOutput.get(c.peer.id) ?? new Set();
      for (const l of peerText.split("\n").map((s) => s.trim()).filter((s) => s && !/^=+$/.test(s))) {
        if (lines.size < 12) lines.add(l.slice(0, 200));
      }
      peerOutput.set(c.peer.id, lines);
      if (m) {
        const r = JSON.parse(m[1]);
        if (r.reason) r.reason = r.reason.split(`${root}/`).join(""); // repository-relative paths
        return resolve(r);
      }
      const tail = stderr.trim().split("\n").slice(-1)[0] ?? "";
      resolve({
        status: "failed",
        stage: "process",
        reason: timedOut ? `timed out after ${args.timeout} s` : `process exited ${code ?? signal} without a result${tail ? `: ${tail.slice(0, 200)}` : ""}`,
      });
    });
  });
}

// ---------- report ----------
function fmt(ms) {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return "—";
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}
const fmtErr = (e) => (e === Infinity ? "∞" : e === 0 ? "0" : e.toExponential(1));
function log(s) {
  process.stderr.write(`${s}\n`);
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Merge the passes of one cell: pooled samples; the worst correctness; any failure wins. */
function merge(rs) {
  const bad = rs.find((r) => r.status === "failed") ?? rs.find((r) => r.status === "n/a");
  if (bad) return bad;
  const samples = rs.flatMap((r) => r.samples);
  return {
    status: rs.some((r) => r.status === "wrong") ? "wrong" : "ok",
    median: median(samples),
    min: Math.min(...samples),
    firstMs: median(rs.map((r) => r.firstMs)),
    runs: samples.length,
    passMedians: rs.map((r) => r.median),
    passFirsts: rs.map((r) => r.firstMs),
    err: Math.max(...rs.map((r) => r.err)),
    perOutput: rs[0].perOutput,
    tol: rs[0].tol,
    version: rs[0].version,
  };
}

function versions() {
  const v = (name) => {
    try {
      return JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version;
    } catch {
      return "not installed";
    }
  };
  return [
    `@jax-js/jax ${v("@jax-js/jax")}`,
    `@tensorflow/tfjs ${v("@tensorflow/tfjs")}`,
    `@tensorflow/tfjs-backend-wasm ${v("@tensorflow/tfjs-backend-wasm")}`,
  ].join(", ");
}

const cpu = cpus();
const lines = [];
const out = (s = "") => lines.push(s);
out("# shapegrad benchmarks");
out();
out(`- date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`);
out(`- machine: ${cpu[0]?.model ?? "unknown cpu"}, ${cpu.length} logical cores (availableParallelism ${availableParallelism()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${type()} ${release()} ${arch()}; load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end`);
out(`- node: ${process.version}; peers: ${versions()}`);
out(`- command: \`node bench/run.mjs${process.argv.slice(2).length ? " " + process.argv.slice(2).join(" ") : ""}\`${args.quick ? " (quick: 1 warm-up call, 3 timed runs: indicative only)" : ""}; ${args.passes} pass(es); ${cells.length} cells in ${totalS.toFixed(0)} s`);
out();
out("Method: each cell (peer × task) runs in its own Node process. Inputs are fixed pseudo-random");
out("float32 arrays (same seeds for every peer, lib/data.mjs), uploaded before timing. A timed run is");
out("one call that computes and reads the result back into a host Float32Array. The first call is");
out("timed on its own (it includes tracing, compiling and JIT warm-up), then more warm-up calls, then");
out("the timed runs (up to a count and a time budget per task); the tables give their median and");
out("minimum. Ratio = median / the fastest correct peer's median. Check = max over outputs of");
out("max |peer − ref| / max |ref|, where ref is the same hand-written loops run in float64 on the same");
out("inputs (their derivatives checked against finite differences); a result over the task's");
out("tolerance is WRONG and gets no ratio. Task 3 checks each of the six gradients, task 6 the loss");
out("and the gradient, task 7 the lookup and the table gradient, task 8 yT and the six gradients.");
out();

function taskTable(task) {
  out(`## ${task.title}`);
  out();
  out(`Tolerance: ${task.tol.toExponential(0)} relative to max |ref|.`);
  out();
  const rows = [];
  for (const p of selectedPeers) {
    const rs = results.get(`${p.id}|${task.id}`);
    if (rs) rows.push({ p, r: merge(rs) });
  }
  const okMedians = rows.filter((x) => x.r.status === "ok").map((x) => x.r.median);
  const best = okMedians.length ? Math.min(...okMedians) : undefined;
  const perPass = args.passes > 1;
  out(`| peer | median ms | min ms | ratio | first call ms | runs | check |${perPass ? " pass medians |" : ""}`);
  out(`|---|--:|--:|--:|--:|--:|---|${perPass ? "---|" : ""}`);
  for (const { p, r } of rows) {
    if (r.status === "ok" || r.status === "wrong") {
      const ratio = r.status === "ok" ? `${(r.median / best).toFixed(2)}×` : "—";
      const check = r.status === "ok" ? `ok (${fmtErr(r.err)})` : `**WRONG** (${fmtErr(r.err)} > ${r.tol.toExponential(0)})`;
      const runs = r.runs ?? r.samples.length;
      out(`| ${p.label} | ${fmt(r.median)} | ${fmt(r.min)} | ${ratio} | ${fmt(r.firstMs)} | ${runs} | ${check} |${perPass ? ` ${r.passMedians.map(fmt).join(" / ")} |` : ""}`);
    } else {
      const label = r.status === "n/a" ? `n/a (${r.reason})` : `**FAILED** (${r.reason})`;
      out(`| ${p.label} | — | — | — | — | — | ${label.replace(/\|/g, "\\|")} |${perPass ? " |" : ""}`);
    }
  }
  out();
}

for (const id of taskIds) taskTable(taskById(id));

if (task5) {
  out(`## ${TASK5.title}`);
  out();
  out("First call = the first run() in a fresh process (trace + compile + run, and V8's own warm-up);");
  out("steady = the task 3 median.");
  out();
  const perPass = args.passes > 1;
  out(`| peer | first call ms | steady median ms | first / steady |${perPass ? " first calls per pass |" : ""}`);
  out(`|---|--:|--:|--:|${perPass ? "---|" : ""}`);
  for (const p of selectedPeers) {
    const rs = results.get(`${p.id}|3`);
    if (!rs) continue;
    const r = merge(rs);
    const passes = perPass ? ` ${(r.passFirsts ?? []).map(fmt).join(" / ")} |` : "";
    if (r.status === "ok") out(`| ${p.label} | ${fmt(r.firstMs)} | ${fmt(r.median)} | ${(r.firstMs / r.median).toFixed(1)}× |${passes}`);
    else if (r.status === "wrong") out(`| ${p.label} | ${fmt(r.firstMs)} | ${fmt(r.median)} | **WRONG** |${passes}`);
    else out(`| ${p.label} | — | — | ${r.status === "n/a" ? "n/a" : "**FAILED**"} (${r.reason.replace(/\|/g, "\\|")}) |${passes}`);
  }
  out();
}

if (task8) {
  out(`## ${TASK8.title}`);
  out();
  out("First call = the first run() in a fresh process: trace + compile + run of the whole 100- or");
  out("1,000-step integration with its gradient. A library that unrolls the JavaScript loop into its");
  out("graph traces (and compiles) ten times more at 1,000 steps; a scan traces one step either way.");
  out("first − median = what the first call costs beyond a steady run (tracing, compiling, warm-up).");
  out();
  const perPass = args.passes > 1;
  out(`| peer | first call ms, 100 steps | first call ms, 1,000 steps | 1,000 / 100 | first − median ms, 100 | first − median ms, 1,000 | median ms, 100 | median ms, 1,000 |${perPass ? " first calls per pass (100; 1,000) |" : ""}`);
  out(`|---|--:|--:|--:|--:|--:|--:|--:|${perPass ? "---|" : ""}`);
  for (const p of selectedPeers) {
    const a = results.get(`${p.id}|8a`);
    const b = results.get(`${p.id}|8b`);
    if (!a && !b) continue;
    const [ra, rb] = [a, b].map((rs) => (rs ? merge(rs) : { status: "not run", reason: "not in this row's tasks" }));
    const timed = (r) => r.status === "ok" || r.status === "wrong";
    const cell = (r, v, signed) => (timed(r) ? `${signed && v < 0 ? `−${fmt(-v)}` : fmt(v)}${r.status === "wrong" ? " (WRONG)" : ""}` : "—");
    const ratio = timed(ra) && timed(rb) ? `${(rb.firstMs / ra.firstMs).toFixed(1)}×` : "—";
    const why = [[ra, "100"], [rb, "1,000"]].filter(([r]) => !timed(r)).map(([r, n]) => `${n} steps ${r.status === "failed" ? "**FAILED**" : r.status} (${r.reason.replace(/\|/g, "\\|")})`);
    const passes = perPass ? ` ${[ra, rb].map((r) => (r.passFirsts ?? []).map(fmt).join(" / ") || "—").join("; ")} |` : "";
    out(`| ${p.label} | ${cell(ra, ra.firstMs)} | ${cell(rb, rb.firstMs)} | ${why.length ? why.join("; ") : ratio} | ${cell(ra, ra.firstMs - ra.median, true)} | ${cell(rb, rb.firstMs - rb.median, true)} | ${cell(ra, ra.median)} | ${cell(rb, rb.median)} |${passes}`);
  }
  out();
}

out("## Peers");
out();
for (const p of selectedPeers) {
  const rs = [...results].filter(([k]) => k.startsWith(`${p.id}|`)).flatMap(([, v]) => v);
  if (!rs.length) continue;
  const version = rs.find((r) => r.version)?.version;
  out(`- **${p.label}** (\`${p.id}\`${version ? `, ran as ${version}` : ""})${p.note ? `: ${p.note}` : ""}`);
}
out();

// What the peers printed (deduplicated), so warnings are not lost.
const printed = [...peerOutput].filter(([, s]) => s.size > 0);
if (printed.length) {
  out("## Peer output (deduplicated, first lines)");
  out();
  for (const [id, s] of printed) out(`- ${id}: ${[...s].slice(0, 4).map((l) => `\`${l.replace(/`/g, "'")}\``).join("; ")}`);
  out();
}
out(`Logs of every cell: \`${relative(root, logDir)}/\` (git-ignored).`);

const md = lines.join("\n") + "\n";
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, md);
writeFileSync(join(OUT_DIR, "results.json"), JSON.stringify({ args, cells: Object.fromEntries(results) }, null, 1));
process.stdout.write(md);
log(`wrote ${relative(process.cwd(), outPath)}`);
