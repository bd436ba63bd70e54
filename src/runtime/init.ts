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
 * when the first choice answered. A software GPU (a WebGPU adapter or, in a browser, a WebGL
 * renderer such as SwiftShader) is skipped unless `allowSoftwareAdapter` (the same option and the
 * same kind of line for both). Without it the default is SHAPEGRAD_BACKEND or `wasm`, exactly
 * as before. SHAPEGRAD_BACKEND still wins here; a forced backend that cannot run falls back to
 * `wasm` with one line saying why. The three ways to choose, side by side: setBackend
 * (runtime/registry.ts).
 */
import type { Backend } from "../ir/backend.js";
import {
  beginChoice,
  defaultBackend,
  finishChoice,
  isGpuBackendName,
  loadGpuJs,
  backendNames,
  type BackendName,
  type GpuBackendName,
} from "./registry.js";
import { loadedGpuJs } from "../backend/gpujs/loaded.js";
import { refBackend } from "../backend/ref/backend.js";
import { wasmBackend } from "../backend/wasm/backend.js";

export interface InitOptions {
  /** how long to wait for a WebGPU adapter (default 4000 ms) */
  readonly timeoutMs?: number;
  /**
   * the backend to try first; when it cannot run here, the automatic order follows (one line
   * says why it was skipped). SHAPEGRAD_BACKEND still wins, and does not fall through.
   */
  readonly prefer?: BackendName;
  /**
   * take a software GPU (a WebGPU adapter or a WebGL2 renderer such as SwiftShader or llvmpipe:
   * 30-200x slower than wasm) as a GPU; by default one is skipped, unless SHAPEGRAD_BACKEND names it
   */
  readonly allowSoftwareAdapter?: boolean;
}

/** Each distinct line once per process (a second, different fallback is told; a repeated one is not). */
const told = new Set<string>();
function tell(line: string, skipped: boolean): void {
  if (told.has(line)) return;
  told.add(line);
  if (skipped) console.warn(line);
  else console.info(line);
}

const inBrowser = (): boolean => typeof window === "object" && typeof document === "object";

/** The automatic order: a browser has WebGL2 where WebGPU is missing; Node's GL is the optional `gl` package, never chosen unasked. */
const autoOrder = (): readonly GpuBackendName[] => (inBrowser() ? ["gpujs:webgpu", "gpujs:webgl2"] : ["gpujs:webgpu"]);

const SOFTWARE_HINT = "initBackend({ allowSoftwareAdapter: true })";

/** A browser's WebGL renderer when it is a software one (SwiftShader through ANGLE, llvmpipe), else null. */
async function softwareRenderer(kind: "webgl2" | "webgl"): Promise<string | null> {
  if (!inBrowser()) return null;
  const gl = document.createElement("canvas").getContext(kind) as WebGLRenderingContext | null;
  if (!gl) return null;
  try {
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    const { isSoftwareName } = await import("../backend/gpujs/webgpu-node.js");
    return isSoftwareName(renderer) ? renderer : null;
  } finally {
    gl.getExtension("WEBGL_lose_context")?.loseContext();
  }
}

/**
 * Why a backend cannot be the default here, or null. A software GPU (a WebGPU adapter or a WebGL
 * renderer such as SwiftShader: 30-200x slower than wasm) counts as unusable unless the caller
 * allows it or SHAPEGRAD_BACKEND names that backend (`forced`).
 */
async function unusable(name: BackendName, opts: InitOptions, forced: boolean): Promise<string | null> {
  if (name === "ref") return null;
  if (name === "wasm") return typeof WebAssembly === "object" ? null : "WebAssembly is not available here";
  if (!isGpuBackendName(name)) return `unknown backend ${JSON.stringify(name)} (available: ${backendNames.join(", ")})`;
  let table;
  try {
    table = await loadGpuJs();
  } catch (e) {
    return `gpu.js did not load (${String((e as Error)?.message ?? e).split("\n")[0]})`;
  }
  const no = await table[name].ready(opts.timeoutMs);
  if (no || forced || opts.allowSoftwareAdapter) return no;
  if (name === "gpujs:webgl2" || name === "gpujs:webgl") {
    const soft = await softwareRenderer(name === "gpujs:webgl2" ? "webgl2" : "webgl");
    return soft ? `the ${name === "gpujs:webgl2" ? "WebGL2" : "WebGL"} renderer (${soft}) is a software one, slower than wasm (${SOFTWARE_HINT} takes it)` : null;
  }
  if (name !== "gpujs:webgpu") return null;
  // loaded with gpu.js (on demand), so a CPU-only bundle does not carry the probe either
  const { probeWebGPU } = await import("../backend/gpujs/webgpu-node.js");
  const p = await probeWebGPU(opts.timeoutMs);
  return p.ok && p.software ? `the WebGPU adapter (${p.adapter}) is a software one, slower than wasm (${SOFTWARE_HINT} or SHAPEGRAD_BACKEND=gpujs:webgpu takes it)` : null;
}

const envBackend = (): string | undefined => (typeof process !== "undefined" ? process.env?.["SHAPEGRAD_BACKEND"] : undefined) || undefined;

/**
 * Whether `initBackend` would take this backend here: null when it can run, else the reason in
 * one line (no WebGPU adapter, no WebGL2, a software GPU without `allowSoftwareAdapter`, no `gl`
 * package in Node). Loads gpu.js for a gpu.js name; never changes the default backend.
 */
export function backendAvailable(name: BackendName, opts: InitOptions = {}): Promise<string | null> {
  return unusable(name, opts, envBackend() === name);
}

/**
 * Probes the devices and sets the default backend; resolves to it. Safe to call more than once.
 * The three ways to choose (setBackend, useBackend, initBackend) are side by side at setBackend
 * (runtime/registry.ts); a choice made while this one probes (a `setBackend("wasm")`) wins.
 */
export async function initBackend(opts: InitOptions = {}): Promise<Backend> {
  const token = beginChoice();
  const env = envBackend();
  const skipped: string[] = [];
  const why = env ? ` (SHAPEGRAD_BACKEND=${env})` : "";
  let order: readonly BackendName[];
  if (env) order = [env as BackendName];
  else if (opts.prefer) order = [opts.prefer, ...autoOrder().filter((n) => n !== opts.prefer)];
  else order = autoOrder();
  for (const name of order) {
    const no = await unusable(name, opts, env === name);
    if (no) {
      skipped.push(env ? no : `${name}${opts.prefer === name ? " (preferred)" : ""}: ${no}`);
      continue;
    }
    if (!choose(token, name)) return defaultBackend();
    if (skipped.length) tell(`shapegrad: using ${name}; skipped ${skipped.join("; ")}`, true);
    else if (inBrowser() && isGpuBackendName(name)) tell(`shapegrad: using ${name}${why}`, false);
    return defaultBackend();
  }
  if (!choose(token, "wasm")) return defaultBackend();
  tell(`shapegrad: ${skipped.join("; ")}; using wasm${why}`, true);
  return defaultBackend();
}

/** Makes `name` the default unless a choice was made since `token` (a gpu.js one is loaded by now: unusable() loaded it). */
function choose(token: number, name: BackendName): boolean {
  const b = name === "ref" ? refBackend : name === "wasm" ? wasmBackend : loadedGpuJs()![name];
  return finishChoice(token, b);
}
