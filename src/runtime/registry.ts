import type { Backend } from "../ir/backend.js";
import type { DeviceArray } from "../ir/device.js";
import type { HostArray } from "../ir/host-array.js";
import { refBackend } from "../backend/ref/backend.js";
import { wasmBackend } from "../backend/wasm/backend.js";
import { GPU_BACKEND_NAMES, loadedGpuJs, type GpuBackendName, type GpuJsTable } from "../backend/gpujs/loaded.js";

/** The backends that are part of every bundle: the exact interpreter and the compiled CPU backend. */
export type CpuBackendName = "ref" | "wasm";
/**
 * The gpu.js backends, one per gpu.js mode (float32; see backend/gpujs/backend.ts): `webgpu`,
 * `webgl2` and `webgl` (browsers), `headlessgl` (Node, with the optional `gl` package), `webasm`
 * and `cpu` (everywhere; mostly for testing). gpu.js is loaded on demand, the first time one of
 * them is asked for (`await useBackend(name)` or `await initBackend()`), so an app that computes
 * only on the CPU never downloads it. `gpujs:webgpu` reads only asynchronously (`await t.data()`).
 */
export type { GpuBackendName };
export type BackendName = CpuBackendName | GpuBackendName;

const CPU: Readonly<Record<CpuBackendName, Backend>> = { ref: refBackend, wasm: wasmBackend };
const GPU_NAMES: readonly GpuBackendName[] = GPU_BACKEND_NAMES;
/** Every backend name, the CPU ones first (whether each can run here: `await backendAvailable(name)`). */
export const backendNames: readonly BackendName[] = ["ref", "wasm", ...GPU_NAMES];
const NAMES = backendNames;

const isCpuName = (s: string): s is CpuBackendName => s === "ref" || s === "wasm";
export const isGpuBackendName = (s: string): s is GpuBackendName => (GPU_NAMES as readonly string[]).includes(s);

/**
 * Loads the gpu.js backends (once). The literal specifier is what lets bundlers (vite, rollup,
 * webpack; esbuild with `--splitting`) put gpu.js and its kernels in a chunk of their own that
 * is fetched only here. In Node the package's entry (src/node.ts) loads them up front instead.
 */
export async function loadGpuJs(): Promise<GpuJsTable> {
  const loaded = loadedGpuJs();
  if (loaded) return loaded;
  await import("../backend/gpujs/backend.js");
  return loadedGpuJs()!;
}

const notLoaded = (name: string) =>
  `${name}: gpu.js is loaded on demand and is not loaded yet: \`await useBackend(${JSON.stringify(name)})\` or \`await initBackend()\` first`;

function byName(name: string, who: string): Backend {
  if (isCpuName(name)) return CPU[name];
  if (!isGpuBackendName(name)) throw new Error(`${who}: unknown backend ${JSON.stringify(name)} (available: ${NAMES.join(", ")})`);
  const table = loadedGpuJs();
  if (!table) throw new Error(`${who}: ${notLoaded(name)}`);
  return table[name];
}

let active: Backend | null = null;
/**
 * Counts the choices made (setBackend, and useBackend / initBackend as they finish), so that an
 * asynchronous choice that finishes after a later one leaves the later one in place.
 */
let generation = 0;

/** For useBackend / initBackend: a token for the choice that starts now. */
export function beginChoice(): number {
  return generation;
}

/** Sets the default unless another choice was made since `token`; whether it did. */
export function finishChoice(token: number, b: Backend): boolean {
  if (token !== generation) return false;
  active = b;
  generation++;
  return true;
}

/**
 * Picks the default synchronously: SHAPEGRAD_BACKEND when set, else the best backend that is
 * known to work without asking a device: `wasm`. WebGPU needs an asynchronous adapter probe, so it
 * becomes the default only through `await initBackend()` (runtime/init.ts), which probes
 * (time-boxed), picks WebGPU when an adapter answers, and otherwise says in one line why not.
 */
function choose(): Backend {
  const env = typeof process !== "undefined" ? process.env?.["SHAPEGRAD_BACKEND"] : undefined;
  if (env) {
    try {
      return byName(env, `SHAPEGRAD_BACKEND=${env}`);
    } catch (e) {
      console.warn(`shapegrad: ${(e as Error).message}; using the default`);
    }
  }
  if (typeof WebAssembly === "object") return wasmBackend;
  console.warn("shapegrad: WebAssembly is not available here; using the reference interpreter (slow)");
  return refBackend;
}

/** The backend that eager ops and jitted graphs run on. */
export function defaultBackend(): Backend {
  return (active ??= choose());
}

/**
 * Choosing the backend, three ways (the last choice made wins, whichever way it was made):
 * - `setBackend(name)`: synchronous, no checks: this one, now. A gpu.js name needs gpu.js loaded:
 *   always so in Node; in a browser after the first `await useBackend(name)` or
 *   `await initBackend()` (else this throws, saying so).
 * - `await useBackend(name)`: this one, once it is known to run here (loads gpu.js, probes the
 *   device); rejects with the reason, leaving the default as it was.
 * - `await initBackend(opts)` (runtime/init.ts): the best one that runs here (WebGPU, then WebGL2 in
 *   a browser, then wasm; software GPUs skipped unless allowed), saying in one line what it skipped.
 */
export function setBackend(b: BackendName | Backend): void {
  active = typeof b === "string" ? byName(b, "setBackend") : b;
  generation++;
}

/**
 * Makes a backend the default once it can run here (see setBackend for the three ways), loading
 * gpu.js first for a gpu.js name; resolves to it. Rejects with the reason in one line, leaving the
 * default as it was, when the backend cannot run here (no WebGPU adapter, no WebGL2, no `gl`
 * package in Node). A backend object is checked the same way (its `ready()`, when it has one). A
 * choice made while this one waits (a `setBackend("wasm")`) wins: this one then leaves it in place.
 */
export async function useBackend(b: BackendName | Backend): Promise<Backend> {
  const token = beginChoice();
  const backend = typeof b !== "string" ? b : isGpuBackendName(b) ? (await loadGpuJs())[b] : byName(b, "useBackend");
  const ready = (backend as { ready?: () => Promise<string | null> }).ready;
  const unusable = ready ? await ready.call(backend) : null;
  if (unusable) throw new Error(`useBackend: ${backend.name} cannot run here: ${unusable}`);
  finishChoice(token, backend);
  return backend;
}

/** What a backend that reads asynchronously (gpujs:webgpu) offers for moving its arrays (backend/gpujs/backend.ts). */
interface AsyncReads {
  readonly asyncOnly: boolean;
  hostIfReady(a: DeviceArray): HostArray | null;
}

/**
 * Moves an array to `backend` (through host memory) when it lives elsewhere. An array computed on
 * an asynchronous backend (gpujs:webgpu) moves once it has been read; before that the error says
 * what happened and what to do (it is not a dataSync() the caller never wrote).
 */
export function toBackend(a: DeviceArray, backend: Backend): DeviceArray {
  if (a.backend === backend) return a;
  const from = a.backend as Partial<AsyncReads>;
  if (from.asyncOnly && from.hostIfReady) {
    const h = from.hostIfReady(a);
    if (h) return backend.fromHost(h);
    throw new Error(
      `shapegrad: an array computed on ${a.backend.name}, which reads results asynchronously, was used on ${backend.name}: \`await t.data()\` on it first (then it moves), or compute it on ${backend.name}`,
    );
  }
  return backend.fromHost(a.backend.toHostSync(a));
}
