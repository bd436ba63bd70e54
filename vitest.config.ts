import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

// The op and transformation suites run on every backend that works on a machine without a GPU:
// the compiled default (wasm, which also runs everything else), the reference interpreter,
// gpu.js in its cpu and webasm modes (float32; their float64 cases run on wasm by design), and
// gpu.js's WebGPU on SwiftShader, the Vulkan implementation on the CPU that Debian's chromium
// package ships (test/harness/webgpu.ts: under CI=true a missing adapter fails the run).
// Each project names its backend in SHAPEGRAD_BACKEND, the library's default; no suite picks
// another. test/harness/setup.ts checks after every test that the backend is still that one and,
// on gpu.js, that nothing ran on wasm except float64 graphs the test declares (float64OnWasm).
const everywhere = ["test/ops/**/*.test.ts", "test/transforms/**/*.test.ts", "test/backend/memory.test.ts", "test/linalg/**/*.test.ts", "test/nn/**/*.test.ts"];
const backends = ["wasm", "ref", "gpujs:cpu", "gpujs:webasm", "gpujs:webgpu", "gpujs:headlessgl"];

// Dawn (the `webgpu` package) finds the Vulkan loader only through LD_LIBRARY_PATH as it was
// when the process started, so it is set here, before vitest forks its workers (which inherit it).
const swiftshader = "/usr/lib/chromium";
if (existsSync(`${swiftshader}/vk_swiftshader_icd.json`)) {
  process.env["VK_ICD_FILENAMES"] ??= `${swiftshader}/vk_swiftshader_icd.json`;
  const ld = process.env["LD_LIBRARY_PATH"];
  if (!ld?.split(":").includes(swiftshader)) process.env["LD_LIBRARY_PATH"] = ld ? `${ld}:${swiftshader}` : swiftshader;
}

// SHAPEGRAD_BACKEND on the command line asks for one backend: then it is the only project (the
// wasm project's files on wasm, the suites that run everywhere on any other), instead of each
// project quietly putting back its own.
const asked = process.env["SHAPEGRAD_BACKEND"];
if (asked && !backends.includes(asked)) throw new Error(`SHAPEGRAD_BACKEND=${asked} is not a backend (${backends.join(", ")})`);

const project = (name: string, backend: string, include: string[], setup: string[] = []) => ({
  extends: true as const,
  test: { name, include, env: { SHAPEGRAD_BACKEND: backend }, setupFiles: [...setup, "test/harness/setup.ts"] },
});
const webgpu = (name: string) => project(name, "gpujs:webgpu", everywhere, ["test/harness/webgpu.ts"]);

export default defineConfig({
  test: {
    testTimeout: 120_000,
    // the memory test collects garbage explicitly
    execArgv: ["--expose-gc"],
    projects: asked
      ? [asked === "gpujs:webgpu" ? webgpu(asked) : project(asked, asked, asked === "wasm" ? ["test/**/*.test.ts"] : everywhere)]
      : [
          project("wasm", "wasm", ["test/**/*.test.ts"]),
          project("ref", "ref", everywhere),
          project("gpujs-cpu", "gpujs:cpu", everywhere),
          project("gpujs-webasm", "gpujs:webasm", everywhere),
          webgpu("gpujs-webgpu"),
        ],
  },
});
