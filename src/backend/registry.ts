import type { Backend, DeviceArray } from "./backend.js";
import { refBackend } from "./ref.js";
import { wasmBackend } from "./wasm.js";

/** Backends by name. `ref` is the exact interpreter; `wasm` the compiled CPU backend. */
const BACKENDS: Record<string, () => Backend> = {
  ref: () => refBackend,
  wasm: () => wasmBackend,
};

export type BackendName = "ref" | "wasm";

let active: Backend | null = null;

/** Picks the default: SHAPEGRAD_BACKEND when set, else the best backend that works here. */
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
