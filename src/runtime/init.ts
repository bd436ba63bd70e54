/**
 * Choosing the backend with the asynchronous WebGPU probe.
 *
 * `defaultBackend()` must answer synchronously (eager ops call it), and a WebGPU adapter can only
 * be asked for asynchronously, so the automatic choice of WebGPU is an explicit step:
 *
 *   await initBackend();   // WebGPU when a hardware adapter answers, else wasm (says why, once)
 *
 * Without it the default is SHAPEGRAD_BACKEND or `wasm`, exactly as before. SHAPEGRAD_BACKEND
 * still wins here; a forced `gpujs:webgpu` (or `gpujs:headlessgl`) that cannot run falls back to
 * `wasm` with one line saying why.
 */
import type { Backend } from "../ir/backend.js";
import { defaultBackend, setBackend, type BackendName } from "./registry.js";
import { gpujsHeadlessgl, gpujsWebgpu, type GpuJsBackend } from "../backend/gpujs/backend.js";
import { probeWebGPU } from "../backend/gpujs/webgpu-node.js";

export interface InitOptions {
  /** how long to wait for a WebGPU adapter (default 4000 ms) */
  readonly timeoutMs?: number;
  /** the backend to prefer instead of WebGPU-then-wasm (SHAPEGRAD_BACKEND still wins) */
  readonly prefer?: BackendName;
  /**
   * take a software WebGPU adapter (SwiftShader, llvmpipe: 30-200x slower than wasm) as a GPU;
   * by default one is skipped for wasm, unless SHAPEGRAD_BACKEND=gpujs:webgpu asks for it
   */
  readonly allowSoftwareAdapter?: boolean;
}

let told = false;
function tell(line: string): void {
  if (told) return;
  told = true;
  console.warn(line);
}

/** Probes the devices and sets the default backend; resolves to it. Safe to call more than once. */
export async function initBackend(opts: InitOptions = {}): Promise<Backend> {
  const env = typeof process !== "undefined" ? process.env?.["SHAPEGRAD_BACKEND"] : undefined;
  const wanted = (env || opts.prefer || "gpujs:webgpu") as BackendName;
  const why = env ? `SHAPEGRAD_BACKEND=${env}` : opts.prefer ? `prefer ${opts.prefer}` : "auto";
  const device: Record<string, GpuJsBackend> = { "gpujs:webgpu": gpujsWebgpu, "gpujs:headlessgl": gpujsHeadlessgl };
  const dev = device[wanted];
  if (dev) {
    const unusable = await dev.ready(opts.timeoutMs);
    if (unusable) {
      tell(`shapegrad: ${unusable}; using wasm${why === "auto" ? "" : ` (${why})`}`);
      setBackend("wasm");
      return defaultBackend();
    }
    if (wanted === "gpujs:webgpu" && !env && !opts.allowSoftwareAdapter) {
      const p = await probeWebGPU(opts.timeoutMs);
      if (p.ok && p.software) {
        tell(`shapegrad: the WebGPU adapter (${p.adapter}) is a software one, slower than wasm; using wasm (initBackend({ allowSoftwareAdapter: true }) or SHAPEGRAD_BACKEND=gpujs:webgpu takes it)`);
        setBackend("wasm");
        return defaultBackend();
      }
    }
    setBackend(wanted);
    return defaultBackend();
  }
  try {
    setBackend(wanted);
  } catch (e) {
    tell(`shapegrad: ${(e as Error).message}; using wasm`);
    setBackend("wasm");
  }
  return defaultBackend();
}
