// Builds dist/: JavaScript by esbuild, declarations by tsc. One .js per source file (not one
// bundle), so that an app's bundler sees the modules and leaves out what the app does not use;
// in particular the gpu.js backends (and gpu.js itself) are reached only through the dynamic
// import in runtime/registry.ts, which bundlers split into a chunk loaded on demand: an app that
// computes only on the CPU never carries them. Entries (package.json `exports`): dist/index.js
// (browsers and bundlers) and dist/node.js (Node: the gpu.js backends loaded up front).
// package.json `sideEffects` names the modules that do something when loaded (install the Tensor
// methods and the runtime, announce the gpu.js backends), so that bundlers may drop any other
// module whose exports an app does not use; a new module with load-time effects must be listed
// there (scripts/check-bundle.mjs runs the bundles, and the browser suites run from one).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const sources = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );

// --js-only: the JavaScript alone, over what is there (scripts/check-bundle.mjs)
const jsOnly = process.argv.includes("--js-only");
if (!jsOnly) rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: sources("src"),
  outdir: "dist",
  outbase: "src",
  bundle: false,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  sourcemap: true,
  logLevel: "warning",
});
if (jsOnly) process.exit(0);
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
console.log("built dist/ (one module per source file; entries dist/index.js and dist/node.js) and dist/*.d.ts");
