/**
 * Where the gpu.js backends announce themselves once their module has loaded. The registry
 * (runtime/registry.ts) imports backend.ts only on demand, by a dynamic import that bundlers split
 * into its own chunk (gpu.js is most of a browser bundle's weight), and reads the backends here;
 * anything that imports backend.ts directly (the Node entry src/node.ts, tests, benchmarks)
 * makes them available synchronously. This module has no dependencies, so importing it costs nothing.
 */
import type { KernelBackend } from "../../ir/backend.js";

/**
 * The gpu.js backends, one per gpu.js mode (float32; see backend.ts): `webgpu`, `webgl2` and
 * `webgl` (browsers), `headlessgl` (Node, with the optional `gl` package), `webasm` and `cpu`
 * (everywhere; mostly for testing).
 */
export const GPU_BACKEND_NAMES = ["gpujs:webgpu", "gpujs:webgl2", "gpujs:webgl", "gpujs:headlessgl", "gpujs:webasm", "gpujs:cpu"] as const;
export type GpuBackendName = (typeof GPU_BACKEND_NAMES)[number];

/** What the runtime needs of a gpu.js backend (backend.ts's GpuJsBackend), without importing it. */
export interface LoadedGpuJsBackend extends KernelBackend {
  /** resolves once the mode is known to work here, or with the reason it does not */
  ready(timeoutMs?: number): Promise<string | null>;
}

/** The gpu.js backends by name. */
export type GpuJsTable = Readonly<Record<GpuBackendName, LoadedGpuJsBackend>>;

let table: GpuJsTable | null = null;

/** Called once by backend.ts as it loads. */
export function provideGpuJs(t: GpuJsTable): void {
  table = t;
}

/** The gpu.js backends, or null while their module has not been loaded. */
export function loadedGpuJs(): GpuJsTable | null {
  return table;
}
