import { defineConfig } from "vitest/config";

// The op and transformation suites run twice: on the compiled default backend (wasm) and on the
// reference interpreter, so every backend is held to the same tests.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    // the memory test collects garbage explicitly
    execArgv: ["--expose-gc"],
    projects: [
      {
        extends: true,
        test: { name: "wasm", include: ["test/**/*.test.ts"], env: { SHAPEGRAD_BACKEND: "wasm" } },
      },
      {
        extends: true,
        test: { name: "ref", include: ["test/ops/**/*.test.ts", "test/transforms/**/*.test.ts"], env: { SHAPEGRAD_BACKEND: "ref" } },
      },
    ],
  },
});
