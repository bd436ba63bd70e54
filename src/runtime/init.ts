/**
 * Choosing the backend with the asynchronous device probes.
 *
 * `defaultBackend()` must answer synchronously (eager ops call it), and a WebGPU adapter can only
 * be asked for asynchronously (and gpu.js is loaded on demand), so the automatic choice of a GPU
 * is an explicit step:
 *
 *   await initBackend();   // Node: WebGPU, else wasm; a browser: WebGPU, else WebGL2, else wasm
 *
 * It says in one line what it chose when it skipped something (and why), and in a browser also
 * when the first choice answered. Without it the default is SHAPEGRAD_BACKEND or `wasm`, exactly
 * as before. SHAPEGRAD_BACKEND still wins here; a forced backend that cannot run falls back to
 * `wasm` with one line saying why.
 */
import type { Backend } from "../ir/backend.js";
import { defaultBackend, isGpuBackendName, loadGpuJs, setBackend, type BackendName, type GpuBackendName } from "./registry.js";

export interface InitOptions {
  /** how long to wait for a WebGPU adapter (default 4000 ms) */
  readonly timeoutMs?: number;
  /** the backend to prefer instead of the automatic order (SHAPEGRAD_BACKEND still wins) */
  readonly prefer?: BackendName;
  /**
   * take a software WebGPU adapter (SwiftShader, llvmpipe: 30-200x slower than wasm) as a GPU;
   * by default one is skipped for wasm, unless SHAPEGRAD_BACKEND=gpujs:webgpu asks for it
   */
  readonly allowSoftwareAdapter?: boolean;
}

let told = false;
function tell(line: string, skipped: boolean): void {
  if (told) return;
  told = true;
  if (skipped) console.warn(line);
  else console.info(line);
}

const inBrowser = (): boolean => typeof window === "object" && typeof document === "object";

/** The automatic order: a browser has WebGL2 where WebGPU is missing; Node's GL is the optional `gl` package, never chosen unasked. */
const autoOrder = (): readonly GpuBackendName[] => (inBrowser() ? ["gpujs:webgpu", "gpujs:webgl2"] : ["gpujs:webgpu"]);

/**
 * Why a gpu.js backend cannot be the default here, or null. A software WebGPU adapter
 * (SwiftShader, llvmpipe: 30-200x slower than wasm) counts as unusable unless the caller allows
 * it or SHAPEGRAD_BACKEND names gpujs:webgpu (`forced`).
 */
async function unusable(name: GpuBackendName, opts: InitOptions, forced: boolean): Promise<string | null> {
  let table;
  try {
    table = await loadGpuJs();
  } catch (e) {
    return `gpu.js did not load (${String((e as Error)?.message ?? e).split("\n")[0]})`;
  }
  const no = await table[name]!.ready(opts.timeoutMs);
  if (no || name !== "gpujs:webgpu" || forced || opts.allowSoftwareAdapter) return no;
  // loaded with gpu.js (on demand), so a CPU-only bundle does not carry the probe either
  const { probeWebGPU } = await import("../backend/gpujs/webgpu-node.js");
  const p = await probeWebGPU(opts.timeoutMs);
  return p.ok && p.software ? `the WebGPU adapter (${p.adapter}) is a software one, slower than wasm (initBackend({ allowSoftwareAdapter: true }) or SHAPEGRAD_BACKEND=gpujs:webgpu takes it)` : null;
}

/** Probes the devices and sets the default backend; resolves to it. Safe to call more than once. */
export async function initBackend(opts: InitOptions = {}): Promise<Backend> {
  const env = typeof process !== "undefined" ? process.env?.["SHAPEGRAD_BACKEND"] : undefined;
  const asked = (env || opts.prefer) as BackendName | undefined;
  const why = env ? ` (SHAPEGRAD_BACKEND=${env})` : opts.prefer ? ` (prefer ${opts.prefer})` : "";
  if (asked && !isGpuBackendName(asked)) {
    try {
      setBackend(asked);
    } catch (e) {
      tell(`shapegrad: ${(e as Error).message}; using wasm`, true);
      setBackend("wasm");
    }
    return defaultBackend();
  }
  const skipped: string[] = [];
  for (const name of asked ? [asked] : autoOrder()) {
    const no = await unusable(name, opts, env === name);
    if (no) {
      skipped.push(asked ? no : `${name}: ${no}`);
      continue;
    }
    setBackend(name);
    if (skipped.length) tell(`shapegrad: using ${name}; skipped ${skipped.join("; ")}`, true);
    else if (inBrowser()) tell(`shapegrad: using ${name}${why}`, false);
    return defaultBackend();
  }
  tell(`shapegrad: ${skipped.join("; ")}; using wasm${why}`, true);
  setBackend("wasm");
  return defaultBackend();
}
