import { defineConfig } from "vitest/config";

// The op and transformation suites run on every backend that works on a machine without a GPU:
// the compiled default (wasm, which also runs everything else), the reference interpreter, and
// gpu.js in its cpu and webasm modes (float32; their float64 cases run on wasm by design).
// Each project names its backend in SHAPEGRAD_BACKEND, the library's default; no suite picks
// another. test/harness/setup.ts checks after every test that the backend is still that one and,
// on gpu.js, that nothing ran on wasm except float64 graphs the test declares (float64OnWasm).
const everywhere = ["test/ops/**/*.test.ts", "test/transforms/**/*.test.ts", "test/backend/memory.test.ts", "test/linalg/**/*.test.ts", "test/nn/**/*.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    // the memory test collects garbage explicitly
    execArgv: ["--expose-gc"],
    setupFiles: ["test/harness/setup.ts"],
    projects: [
      { extends: true, test: { name: "wasm", include: ["test/**/*.test.ts"], env: { SHAPEGRAD_BACKEND: "wasm" } } },
      { extends: true, test: { name: "ref", include: everywhere, env: { SHAPEGRAD_BACKEND: "ref" } } },
      { extends: true, test: { name: "gpujs-cpu", include: everywhere, env: { SHAPEGRAD_BACKEND: "gpujs:cpu" } } },
      { extends: true, test: { name: "gpujs-webasm", include: everywhere, env: { SHAPEGRAD_BACKEND: "gpujs:webasm" } } },
    ],
  },
});
