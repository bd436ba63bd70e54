// Bundles the built package for the browser the way an app would, and checks the weight:
// - a CPU-only app (a jit on wasm), bundled with esbuild `--bundle --minify --format=esm
//   --platform=browser`, is at most 50 KB min+gzip: gpu.js (and the gpu.js backends) are not in it;
// - an app that asks for a GPU (`await initBackend()`), bundled the same way with `--splitting`
//   (vite, rollup and webpack split dynamic imports by default), loads gpu.js as a chunk of its own;
// - no bundle holds a literal `import("webgpu")` / `require("webgpu")` (Node's Dawn loader,
//   src/backend/gpujs/webgpu-node.ts, stays behind a Node-only boundary).
// The CPU-only bundle is also run (in Node: it computes on wasm, which Node has too).
// Usage: node scripts/check-bundle.mjs [--keep DIR] (builds dist/'s JavaScript first).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const LIMIT_CPU = 50 * 1024;
const root = resolve(".");
execFileSync(process.execPath, ["scripts/build.mjs", "--js-only"], { stdio: "inherit" });

const keep = process.argv.indexOf("--keep");
const dir = keep > 0 ? resolve(process.argv[keep + 1]) : mkdtempSync(join(tmpdir(), "shapegrad-bundle-"));
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const failures = [];

try {
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  rmSync(join(dir, "node_modules", "shapegrad"), { force: true });
  symlinkSync(root, join(dir, "node_modules", "shapegrad"), "dir");
  writeFileSync(
    join(dir, "cpu.js"),
    `import { tensor, jit, sum, mul, setBackend } from "shapegrad";
setBackend("wasm");
const f = jit((x) => sum(mul(x, x)));
f(tensor([1, 2, 3])).data().then((d) => console.log("cpu app:", d[0]));
`,
  );
  writeFileSync(
    join(dir, "gpu.js"),
    `import { tensor, jit, sum, mul, initBackend } from "shapegrad";
const b = await initBackend();
const f = jit((x) => sum(mul(x, x)));
console.log(b.name, (await f(tensor([1, 2, 3])).data())[0]);
`,
  );
  const opts = { bundle: true, minify: true, format: "esm", platform: "browser", absWorkingDir: dir, logLevel: "warning" };
  await build({ ...opts, entryPoints: ["cpu.js"], outfile: "out-cpu/cpu.mjs" });
  await build({ ...opts, entryPoints: ["gpu.js"], outdir: "out-gpu", splitting: true });

  const cpuSize = gz(join(dir, "out-cpu/cpu.mjs"));
  const gpuFiles = readdirSync(join(dir, "out-gpu")).filter((f) => f.endsWith(".js"));
  const gpuSizes = Object.fromEntries(gpuFiles.map((f) => [f, gz(join(dir, "out-gpu", f))]));
  const gpuTotal = Object.values(gpuSizes).reduce((a, b) => a + b, 0);
  const gpuInitial = gpuSizes["gpu.js"] + gpuFiles.filter((f) => f.startsWith("chunk-")).reduce((a, f) => a + gpuSizes[f], 0);
  console.log(`check-bundle: CPU-only app ${kb(cpuSize)} min+gzip (limit ${kb(LIMIT_CPU)})`);
  console.log(`check-bundle: GPU app ${kb(gpuTotal)} min+gzip in all, ${kb(gpuInitial)} before gpu.js is asked for (${gpuFiles.map((f) => `${f} ${kb(gpuSizes[f])}`).join(", ")})`);
  if (cpuSize > LIMIT_CPU) failures.push(`the CPU-only bundle is ${kb(cpuSize)}, over ${kb(LIMIT_CPU)}`);
  const cpuText = readFileSync(join(dir, "out-cpu/cpu.mjs"), "utf8");
  if (/GPU\.isWebGL2Supported|isHeadlessGLSupported|gpu-browser/.test(cpuText)) failures.push("the CPU-only bundle carries gpu.js");
  // the GPU chunk must be its own file, fetched on demand: the entry and its shared chunks stay small
  if (gpuInitial > LIMIT_CPU + 8 * 1024) failures.push(`the GPU app loads ${kb(gpuInitial)} before asking for gpu.js: is gpu.js still imported statically?`);
  for (const [name, text] of [["cpu", cpuText], ...gpuFiles.map((f) => [f, readFileSync(join(dir, "out-gpu", f), "utf8")])]) {
    if (/import\(\s*["'`]webgpu["'`]\s*\)|require\(\s*["'`]webgpu["'`]\s*\)/.test(text)) failures.push(`${name}: a literal import("webgpu") reached a browser bundle`);
  }
  const out = execFileSync(process.execPath, [join(dir, "out-cpu/cpu.mjs")], { encoding: "utf8" });
  if (out.trim() !== "cpu app: 14") failures.push(`the CPU-only bundle printed ${JSON.stringify(out)}, not "cpu app: 14"`);
} finally {
  if (keep < 0) rmSync(dir, { recursive: true, force: true });
}
if (failures.length) {
  for (const f of failures) console.error(`check-bundle: ${f}`);
  process.exit(1);
}
console.log("check-bundle: ok");
