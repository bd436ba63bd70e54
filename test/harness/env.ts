/** The backend named by the vitest project (SHAPEGRAD_BACKEND); no library import, so test/ops/ref.ts stays independent. */
import type { BackendName } from "../../src/runtime/registry.js";

/**
 * The backend this vitest project runs every suite on (SHAPEGRAD_BACKEND), or null if unset. In the
 * browser job (no `process`) it is the page's backend, which test/browser/run.mjs sets as
 * `globalThis.SHAPEGRAD_TEST_BACKEND` before the suites load, so they expect there what they expect in Node.
 */
export function testBackendName(): BackendName | null {
  const b = typeof process !== "undefined" ? process.env["SHAPEGRAD_BACKEND"] : (globalThis as { SHAPEGRAD_TEST_BACKEND?: string }).SHAPEGRAD_TEST_BACKEND;
  return b ? (b as BackendName) : null;
}

/**
 * The suite runs on a gpu.js shader mode (WGSL on gpujs:webgpu, GLSL on the GL modes), whose builtins
 * and shapegrad's forms for them have the float32 accuracy the README states (test/harness/accuracy.ts).
 */
export function onShaderBackend(): boolean {
  const b = testBackendName();
  return b === "gpujs:webgpu" || b === "gpujs:webgl2" || b === "gpujs:webgl" || b === "gpujs:headlessgl";
}
