import type { Backend } from "../ir/backend.js";
import type { DeviceArray } from "../ir/device.js";
import { refBackend } from "../backend/ref/backend.js";
import { wasmBackend } from "../backend/wasm/backend.js";
import { gpujsCpu, gpujsHeadlessgl, gpujsWebasm, gpujsWebgpu } from "../backend/gpujs/backend.js";

/**
 * Backends by name. `ref` is the exact interpreter; `wasm` the compiled CPU backend; `gpujs:*` the
 * gpu.js kernels in each gpu.js mode (float32; see backend/gpujs/backend.ts). `gpujs:webgpu` reads
 * only asynchronously (`await t.data()`).
 */
const BACKENDS: Record<string, () => Backend> = {
  ref: () => refBackend,
  wasm: () => wasmBackend,
  "gpujs:webgpu": () => gpujsWebgpu,
  "gpujs:headlessgl": () => gpujsHeadlessgl,
  "gpujs:webasm": () => gpujsWebasm,
  "gpujs:cpu": () => gpujsCpu,
};

export type BackendName = "ref" | "wasm" | "gpujs:webgpu" | "gpujs:headlessgl" | "gpujs:webasm" | "gpujs:cpu";

let active: Backend | null = null;

/**
 * Picks the default synchronously: SHAPEGRAD_BACKEND when set, else the best backend that is
 * known to work without asking a device: `wasm`. WebGPU needs an asynchronous adapter probe, so it
 * becomes the default only through `await initBackend()` (runtime/init.ts), which probes
 * (time-boxed), picks WebGPU when an adapter answers, and otherwise says in one line why not.
 */
function choose(): Backend {
  const env = typeof process !== "undefined" ? process.env?.["SHAPEGRAD_BACKEND"] : undefined;
  if (env) {
    const make = BACKENDS[env];
    if (make) return make();
    console.warn(`shapegrad: SHAPEGRAD_BACKEND=${env} is not a backend (${Object.keys(BACKENDS).join(", ")}); using the default`);
  }
  if (typeof WebAssembly === "object") return wasmBackend;
  console.warn("shapegrad: WebAssembly is not available here; using the reference interpreter (slow)");
  return refBackend;
}

/** The backend that eager ops and jitted graphs run on. */
export function defaultBackend(): Backend {
  return (active ??= choose());
}

/** Forces a backend, by name or object. */
export function setBackend(b: BackendName | Backend): void {
  if (typeof b === "string") {
    const make = BACKENDS[b];
    if (!make) throw new Error(`setBackend: unknown backend ${JSON.stringify(b)} (available: ${Object.keys(BACKENDS).join(", ")})`);
    active = make();
  } else active = b;
}

/** Moves an array to `backend` (through host memory) when it lives elsewhere. */
export function toBackend(a: DeviceArray, backend: Backend): DeviceArray {
  if (a.backend === backend) return a;
  return backend.fromHost(a.backend.toHostSync(a));
}
