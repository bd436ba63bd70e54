import { defineConfig } from "vitest/config";

// The op and transformation suites run on every backend that works on a machine without a GPU:
// the compiled default (wasm, which also runs everything else), the reference interpreter, and
// gpu.js in its cpu and webasm modes (float32; their float64 cases run on wasm by design).
const everywhere = ["test/ops/**/*.test.ts", "test/transforms/**/*.test.ts", "test/backend/memory.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    // the memory test collects garbage explicitly
    execArgv: ["--expose-gc"],
    projects: [
      { extends: true, test: { name: "wasm", include: ["test/**/*.test.ts"], env: { SHAPEGRAD_BACKEND: "wasm" } } },
      { extends: true, test: { name: "ref", include: everywhere, env: { SHAPEGRAD_BACKEND: "ref" } } },
      { extends: true, test: { name: "gpujs-cpu", include: everywhere, env: { SHAPEGRAD_BACKEND: "gpujs:cpu" } } },
      { extends: true, test: { name: "gpujs-webasm", include: everywhere, env: { SHAPEGRAD_BACKEND: "gpujs:webasm" } } },
    ],
  },
});
