// The browser test job: the op and transformation suites, bundled from the built package (dist/)
// with `vitest` aliased to a small shim (test/browser/vitest-shim.ts), run in headless Chromium
// (Debian's /usr/bin/chromium, driven by puppeteer-core) on wasm, WebGPU and WebGL2.
//
// Per backend a fresh page asks for the backend with `await useBackend(name)`: a backend that is
// not obtained fails the run (no silent fallback to wasm). The harness (test/harness/setup.ts)
// runs around every test as in vitest, so a gpu.js graph that silently ran on wasm fails its test;
// after each test the page checks the backend is still the one asked for.
//
// Usage: node test/browser/run.mjs [--backends wasm,gpujs:webgpu,gpujs:webgl2] [--files SUBSTR]
//        [--keep DIR] [--verbose]. Exits 1 on any failure. Needs Chromium (apt-get install chromium;
// CHROMIUM=/path overrides).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { CHROMIUM, haveChromium, launchChromium } from "./chromium.mjs";
import { EXPECTED_FAILURES, LEFT_OUT, SUITES, SYNC_READS, firstLine, sameFailure } from "./suites.mjs";

const root = resolve(dirname(new URL(import.meta.url).pathname), "../..");
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const backends = (arg("--backends") ?? "wasm,gpujs:webgpu,gpujs:webgl2").split(",");
const only = arg("--files");
const verbose = process.argv.includes("--verbose");
if (!haveChromium()) {
  console.error(`test:browser: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or CHROMIUM=/path)`);
  process.exit(1);
}

const started = performance.now();
execFileSync(process.execPath, [join(root, "scripts/build.mjs"), "--js-only"], { stdio: "inherit", cwd: root });
const dir = arg("--keep") ? resolve(arg("--keep")) : mkdtempSync(join(tmpdir(), "shapegrad-browser-"));
mkdirSync(dir, { recursive: true });

const files = SUITES.filter((f) => !only || f.includes(only));
const entry = `
import { runFile, afterEach } from "./test/browser/vitest-shim.ts";
import { defaultBackend, useBackend } from "./src/runtime/registry.js";
import { state } from "./test/harness/backend.ts";
import fc from "fast-check";
// one seed for the property tests, so that a run is reproducible (and the known failures stay put)
fc.configureGlobal({ seed: ${Number(arg("--seed") ?? 20261201)} });
import { initBackend } from "./src/runtime/init.js";
window.__init = async (opts) => (await initBackend(opts)).name;
const FILES = [${files.map((f) => `[${JSON.stringify(f)}, () => import(${JSON.stringify(`./${f}`)})]`).join(",\n  ")}];
window.__run = async (name) => {
  const results = [];
  const report = (r) => { results.push(r); window.__report?.(JSON.stringify(r)); };
  const b = await useBackend(name);
  if (b.name !== name) throw new Error("asked for " + name + ", got " + b.name);
  // the harness's testBackendName() (test/harness/env.ts): what SHAPEGRAD_BACKEND is to a vitest project
  globalThis.SHAPEGRAD_TEST_BACKEND = name;
  await import("./test/harness/setup.ts");
  afterEach(() => {
    if (defaultBackend().name !== name) throw new Error("after the test the backend is " + defaultBackend().name + ", not " + name);
  });
  for (const [file, load] of FILES) {
    state.fileFloat64 = false;
    await runFile(file, load, report);
  }
  return results;
};
`;
// the suites import ../../src/*.js: they get the built package's modules (dist/*.js) instead
const fromDist = {
  name: "src-to-dist",
  setup(b) {
    b.onResolve({ filter: /\/src\/.*\.js$|^\.\/src\// }, (a) => {
      const abs = resolve(a.resolveDir, a.path);
      const rel = relative(join(root, "src"), abs);
      if (rel.startsWith("..")) return undefined;
      return { path: join(root, "dist", rel) };
    });
  },
};
await build({
  stdin: { contents: entry, resolveDir: root, sourcefile: "browser-entry.js", loader: "js" },
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outfile: join(dir, "suites.js"),
  alias: { vitest: join(root, "test/browser/vitest-shim.ts") },
  define: { "process.env.RUNS": "undefined" },
  plugins: [fromDist],
  logLevel: "warning",
});
writeFileSync(join(dir, "index.html"), `<!doctype html><meta charset="utf-8"><title>shapegrad suites</title><script type="module" src="suites.js"></script>`);

const types = { ".html": "text/html", ".js": "text/javascript" };
const server = createServer((req, res) => {
  const path = join(dir, new URL(req.url, "http://x").pathname);
  if (req.url === "/favicon.ico") return void res.writeHead(204).end();
  if (!path.startsWith(dir) || !existsSync(path)) return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": types[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream" }).end(readFileSync(path));
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}/index.html`;

// WebGPU is on SwiftShader (Vulkan on the CPU) without a GPU, WebGL2 on ANGLE's SwiftShader
const browser = await launchChromium({ protocolTimeout: 900_000 });

// the tests listed by name (a count, as expected.json had before, lists none)
const syncAllowed = (name) => (Array.isArray(SYNC_READS[name]) ? SYNC_READS[name] : []);
const summary = [];
const allSaid = [];
const failuresOut = {};
const syncOut = {};
let failed = false;
try {
  // the backends run side by side, each in a page of its own (--serial: one after the other)
  async function runBackend(name) {
    const t0 = performance.now();
    const page = await browser.newPage();
    const warnings = [];
    page.on("console", (m) => {
      if (m.type() === "warn" || m.type() === "error") warnings.push(m.text());
    });
    page.on("pageerror", (e) => warnings.push(`page error: ${e.message}`));
    await page.exposeFunction("__report", (s) => {
      const r = JSON.parse(s);
      const known = !r.ok && (r.syncRead ? syncAllowed(name).includes(r.name) : sameFailure((EXPECTED_FAILURES[name] ?? {})[r.name], r.error));
      if (verbose || (!r.ok && !known)) console.log(`  ${r.ok ? "ok  " : known ? "known" : "FAIL"} [${name}] ${r.name}${r.ok ? "" : `\n       ${r.error.replace(/\n/g, "\n       ")}`}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => typeof window.__run === "function");
    let results;
    try {
      results = await page.evaluate((n) => window.__run(n), name);
    } catch (e) {
      console.error(`test:browser: ${name}: ${String(e.message).split("\n")[0]}`);
      summary.push({ name, passed: 0, failed: 1, expected: 0, s: (performance.now() - t0) / 1000, fatal: true });
      failed = true;
      await page.close();
      return;
    }
    const syncReads = results.filter((r) => !r.ok && r.syncRead);
    const real = results.filter((r) => !r.ok && !r.syncRead);
    if (arg("--write-failures") || process.argv.includes("--update-expected")) {
      failuresOut[name] = Object.fromEntries(real.map((r) => [r.name, firstLine(r.error)]));
      syncOut[name] = syncReads.map((r) => r.name);
    }
    // a known failure is the same test failing with the same first line (numbers aside)
    const expected = EXPECTED_FAILURES[name] ?? {};
    const bad = real.filter((r) => !sameFailure(expected[r.name], r.error));
    const xfail = real.filter((r) => sameFailure(expected[r.name], r.error));
    for (const r of bad.filter((r) => expected[r.name] !== undefined)) console.log(`  CHANGED [${name}] ${r.name}: listed as failing with\n       ${expected[r.name]}\n     now fails with\n       ${firstLine(r.error)}`);
    const fixed = results.filter((r) => r.ok && expected[r.name] !== undefined);
    for (const r of fixed) console.log(`  FIXED [${name}] ${r.name}: it no longer fails; remove it from test/browser/expected.json (--update-expected)`);
    const missing = Object.keys(expected).filter((k) => !results.some((r) => r.name === k));
    if (!only) for (const k of missing) console.log(`  GONE [${name}] ${k}: listed in test/browser/expected.json but not run`);
    // the tests that may still stop at a synchronous read (dataSync/toArray/item), by name
    const allowed = syncAllowed(name);
    const newSync = syncReads.filter((r) => !allowed.includes(r.name));
    for (const r of newSync) console.log(`  SYNC [${name}] ${r.name}: stopped at a synchronous read (dataSync/toArray/item); read with \`await t.data()\``);
    const syncFixed = allowed.filter((k) => results.some((r) => r.name === k && !r.syncRead));
    for (const k of syncFixed) console.log(`  FIXED [${name}] ${k}: no longer stops at a synchronous read; remove it from syncReads in test/browser/expected.json`);
    // a listed test that passes now is told (so the lists shrink), not failed
    if (bad.length || (!only && missing.length) || newSync.length) failed = true;
    const hooks = real.filter((r) => r.hook);
    summary.push({
      name,
      passed: results.filter((r) => r.ok).length,
      failed: bad.length,
      expected: xfail.length,
      hookFailed: hooks.length,
      hookNew: hooks.filter((r) => bad.includes(r)).length,
      syncReads: syncReads.length,
      s: (performance.now() - t0) / 1000,
    });
    allSaid.push(...warnings);
    const said = [...new Set(warnings)].filter((w) => !/^shapegrad: using /.test(w));
    if (said.length) console.log(`  [${name}] the page said (${said.length} distinct):\n    ${said.slice(0, 8).map((w) => w.split("\n")[0].slice(0, 200)).join("\n    ")}`);
    await page.close();
  }
  if (process.argv.includes("--serial")) for (const name of backends) await runBackend(name);
  else await Promise.all(backends.map(runBackend));
  summary.sort((x, y) => backends.indexOf(x.name) - backends.indexOf(y.name));
  // initBackend in a browser: WebGPU, then WebGL2, then wasm, told in one line (a fresh page
  // each; WebGPU and then WebGL2 taken away before anything loads, to see it skip them)
  // By the rule (runtime/init.ts): a software GPU (SwiftShader's WebGPU adapter, ANGLE's
  // SwiftShader WebGL2) is skipped unless allowSoftwareAdapter; with it, WebGPU when it is visible.
  const soft = "is a software one, slower than wasm \\(initBackend\\(\\{ allowSoftwareAdapter: true \\}\\)";
  const noGpu = "gpujs:webgpu: navigator\\.gpu is missing \\(this browser has no WebGPU\\)";
  const scenarios = [
    { hide: [], allow: true, want: "gpujs:webgpu", line: /^shapegrad: using gpujs:webgpu$/ },
    { hide: ["gpu"], allow: true, want: "gpujs:webgl2", line: new RegExp(`^shapegrad: using gpujs:webgl2; skipped ${noGpu}$`) },
    { hide: ["gpu", "webgl2"], allow: true, want: "wasm", line: new RegExp(`^shapegrad: ${noGpu}; gpujs:webgl2: this browser has no WebGL2; using wasm$`) },
    {
      hide: [],
      allow: false,
      want: "wasm",
      line: new RegExp(`^shapegrad: gpujs:webgpu: the WebGPU adapter \\(.*\\) ${soft} or SHAPEGRAD_BACKEND=gpujs:webgpu takes it\\); gpujs:webgl2: the WebGL2 renderer \\(.*SwiftShader.*\\) ${soft} takes it\\); using wasm$`),
    },
    { hide: ["gpu"], allow: false, want: "wasm", line: new RegExp(`^shapegrad: ${noGpu}; gpujs:webgl2: the WebGL2 renderer \\(.*SwiftShader.*\\) ${soft} takes it\\); using wasm$`) },
  ];
  for (const { hide, allow, want, line } of scenarios) {
    const page = await browser.newPage();
    const lines = [];
    page.on("console", (m) => lines.push(m.text()));
    await page.evaluateOnNewDocument((hide) => {
      if (hide.includes("gpu")) Object.defineProperty(Navigator.prototype, "gpu", { get: () => undefined, configurable: true });
      if (hide.includes("webgl2")) {
        const get = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
          return kind === "webgl2" ? null : get.call(this, kind, ...rest);
        };
      }
    }, hide);
    await page.goto(url);
    await page.waitForFunction(() => typeof window.__init === "function");
    const chose = await page.evaluate((allow) => window.__init(allow ? { allowSoftwareAdapter: true } : {}), allow);
    const told = lines.filter((l) => l.startsWith("shapegrad:"));
    allSaid.push(...lines);
    const ok = chose === want && told.length === 1 && line.test(told[0]);
    if (!ok) failed = true;
    console.log(`  ${ok ? "ok  " : "FAIL"} initBackend(${allow ? "{ allowSoftwareAdapter: true }" : ""}) without ${hide.join(", ") || "nothing"} hidden chose ${chose} and said ${JSON.stringify(told)}`);
    await page.close();
  }
  const nodeAdvice = allSaid.filter((l) => /`gl`|install gl|headless GL is not|`webgpu` package/.test(l));
  if (nodeAdvice.length) (failed = true), console.log(`  FAIL a page printed Node-only advice: ${nodeAdvice[0]}`);
} finally {
  await browser.close();
  server.close();
  if (!arg("--keep")) rmSync(dir, { recursive: true, force: true });
}

if (arg("--write-failures")) writeFileSync(resolve(arg("--write-failures")), `${JSON.stringify(failuresOut, null, 2)}\n`);
if (process.argv.includes("--update-expected")) {
  if (only) throw new Error("--update-expected needs a full run (no --files)");
  const file = join(root, "test/browser/expected.json");
  const old = JSON.parse(readFileSync(file, "utf8"));
  for (const s of summary) {
    if (s.fatal) continue;
    old.failures[s.name] = failuresOut[s.name];
    if (syncOut[s.name].length) old.syncReads[s.name] = syncOut[s.name];
    else delete old.syncReads[s.name];
  }
  writeFileSync(file, `${JSON.stringify(old, null, 2)}\n`);
  console.log(`test:browser: wrote ${relative(root, file)}; review the diff`);
}
console.log(`test:browser: ${files.length} suite files in Chromium (left out: ${Object.keys(LEFT_OUT).length}, see test/browser/suites.mjs)`);
for (const s of summary) {
  console.log(`  ${s.name.padEnd(13)} ${s.fatal ? "NOT OBTAINED" : `${s.passed} passed, ${s.failed} failed${s.expected ? `, ${s.expected} known failures` : ""}${s.hookFailed ? ` (of the failures, ${s.hookFailed} in hooks, ${s.hookNew} of them new)` : ""}${s.syncReads ? `, ${s.syncReads} stopped at a synchronous read` : ""}`} (${s.s.toFixed(1)} s)`);
}
console.log(`test:browser: ${((performance.now() - started) / 1000).toFixed(1)} s in all`);
process.exit(failed ? 1 : 0);
