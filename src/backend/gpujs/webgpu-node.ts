/**
 * Finding a WebGPU adapter without ever crashing or hanging a machine that has none.
 *
 * In a browser `navigator.gpu` is the API. In Node it comes from the `webgpu` npm package (Dawn):
 * version 0.6.2 loads on Debian 12 / Ubuntu 24.04 (glibc 2.34+); the 0.2.9 that gpu.js itself
 * depends on needs glibc 2.38 and fails to load on older systems, which is reported, not thrown.
 * The package is imported only here, only when a probe is asked for, and by a specifier bundlers
 * leave alone (it is native code and must stay external).
 *
 * The probe is time-boxed: requestAdapter() on a broken driver stack can take long or never answer;
 * after `timeoutMs` the answer is "no adapter" and the timer does not keep the process alive.
 */
export type Probe =
  /**
   * `software`: a CPU implementation (SwiftShader, llvmpipe, WARP), not a GPU; `subgroups`: the
   * adapter has WebGPU's "subgroups" feature (which the devices made from it then ask for)
   */
  | { readonly ok: true; readonly adapter: string; readonly software: boolean; readonly maxStorageBuffers: number; readonly subgroups: boolean }
  | { readonly ok: false; readonly reason: string };

/** Adapter names of the software implementations, for drivers that do not set isFallbackAdapter. */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|microsoft basic render/i;
/** Whether an adapter's or a WebGL renderer's name is one of a software implementation. */
export const isSoftwareName = (name: string): boolean => SOFTWARE.test(name);

let probe: Promise<Probe> | null = null;
/** Whether `navigator.gpu` is the `webgpu` package's, installed here. */
let fromPackage = false;

/** Installs `navigator.gpu` in Node from the `webgpu` package when it is missing. */
async function ensureNavigatorGpu(): Promise<string | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return null;
  if (typeof process === "undefined" || !process.versions?.node) return "navigator.gpu is missing (this browser has no WebGPU)";
  let mod: { create(flags: string[]): unknown; globals: object };
  try {
    // computed, so that no bundler follows it into a browser bundle (nor folds it into a literal)
    const spec = ["web", "gpu"].join("");
    mod = (await import(/* @vite-ignore */ spec)) as typeof mod;
    if (typeof mod.create !== "function" && (mod as { default?: typeof mod }).default) mod = (mod as unknown as { default: typeof mod }).default;
  } catch (e) {
    const msg = String((e as Error)?.message ?? e).split("\n")[0]!;
    return `the \`webgpu\` package (0.6.2) does not load here: ${msg.length > 160 ? `${msg.slice(0, 160)}…` : msg}`;
  }
  try {
    Object.assign(globalThis, mod.globals);
    const gpu = mod.create([]);
    fromPackage = true;
    if (g.navigator) Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
    else g.navigator = { gpu };
  } catch (e) {
    return `the \`webgpu\` package failed to start: ${(e as Error).message}`;
  }
  return null;
}

/**
 * How long a wait of the `webgpu` package polls at once before its polls wait for a timer
 * (`calmPolling`): short waits (a small kernel, a read of a few values) keep their latency.
 */
const POLL_SPIN_MS = 0.25;
let calmed = false;

/**
 * Whether `f` is a poll of the `webgpu` package: a function it makes with N-API (unnamed, with a
 * prototype of its own, its source native). Bound functions, promises' resolve functions and
 * builtins are named or have no prototype of their own.
 */
const isPoll = (f: unknown): boolean =>
  typeof f === "function" && f.name === "" && Object.hasOwn(f, "prototype") && Function.prototype.toString.call(f) === "function () { [native code] }";

/**
 * The `webgpu` package (dawn.node 0.6.2) waits for its promises (mapAsync, onSubmittedWorkDone,
 * pipelines) by calling setImmediate again and again while one is pending (its AsyncRunner), a busy
 * loop that holds the main thread's core. A software adapter computes on the other cores, so on
 * 2 cores SwiftShader had one: a matmul 256 dispatch took 9-11 ms instead of 4.6-4.7, matmul 512
 * 66 instead of 38-45 (a standalone Dawn script, medians of 40). Here a poll that the package
 * schedules from within its own poll waits for a timer (1 ms in Node) once that chain of polls
 * has lasted POLL_SPIN_MS; clearImmediate clears such a timer. Other callbacks of setImmediate,
 * and the polls of a chain's first POLL_SPIN_MS, run as before. Installed once an adapter of the
 * package answers (doProbe).
 */
function calmPolling(): void {
  type SetImmediate = (f: (...a: unknown[]) => void, ...a: unknown[]) => unknown;
  const g = globalThis as { setImmediate?: SetImmediate; clearImmediate?: (h: unknown) => void };
  const real = g.setImmediate;
  const clear = g.clearImmediate;
  if (calmed || typeof real !== "function" || typeof clear !== "function") return;
  calmed = true;
  // the start of the chain whose poll is running, or null outside the package's polls
  let chain: number | null = null;
  const timers = new WeakSet<object>();
  const calm: SetImmediate = (f, ...a) => {
    if (!isPoll(f)) return real(f, ...a);
    const start = chain ?? performance.now();
    const run = () => {
      const outer = chain;
      chain = start;
      try {
        f(...a);
      } finally {
        chain = outer;
      }
    };
    if (chain === null || performance.now() - start <= POLL_SPIN_MS) return real(run);
    const t = setTimeout(run, 0);
    timers.add(t);
    return t;
  };
  // (its own properties too: util.promisify's custom form)
  g.setImmediate = Object.assign(calm, real);
  g.clearImmediate = Object.assign((h: unknown) => (typeof h === "object" && h !== null && timers.has(h) ? clearTimeout(h as ReturnType<typeof setTimeout>) : clear(h)), clear);
}

interface Gpu {
  requestAdapter(o?: object): Promise<unknown>;
}
interface Adapter {
  readonly limits: { readonly maxStorageBuffersPerShaderStage: number };
  readonly features?: { has(f: string): boolean };
  requestDevice(d?: { requiredLimits?: Record<string, number>; requiredFeatures?: readonly string[] }): Promise<unknown>;
}
const raised = new WeakSet<object>();
const hasSubgroups = (a: Adapter): boolean => a.features?.has("subgroups") === true;

/**
 * Devices made from this `navigator.gpu` (gpu.js makes its own) ask for the adapter's storage
 * buffers per stage, not WebGPU's default 8, so that kernels reading many buffers need fewer
 * splits (split.ts), and for its "subgroups" feature where it has one (the WGSL contractions'
 * quads on a software adapter: wgsl-matmul.ts).
 */
function raiseLimits(gpu: Gpu): void {
  if (raised.has(gpu)) return;
  raised.add(gpu);
  const request = gpu.requestAdapter.bind(gpu);
  try {
    gpu.requestAdapter = async (o?: object) => {
      const a = (await request(o)) as Adapter | null;
      if (a && !raised.has(a)) {
        raised.add(a);
        const device = a.requestDevice.bind(a);
        const features = hasSubgroups(a) ? ["subgroups"] : [];
        a.requestDevice = (d = {}) =>
          device({
            ...d,
            requiredLimits: { ...d.requiredLimits, maxStorageBuffersPerShaderStage: a.limits.maxStorageBuffersPerShaderStage },
            requiredFeatures: [...new Set([...(d.requiredFeatures ?? []), ...features])],
          });
      }
      return a;
    };
  } catch {
    // a frozen implementation: its devices keep the default limits, and kernels split to those
  }
}

async function doProbe(timeoutMs: number): Promise<Probe> {
  const missing = await ensureNavigatorGpu();
  if (missing) return { ok: false, reason: missing };
  const gpu = (globalThis as { navigator?: { gpu?: Gpu } }).navigator!.gpu!;
  raiseLimits(gpu);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
    (timer as { unref?: () => void }).unref?.();
  });
  try {
    const adapter = await Promise.race([gpu.requestAdapter({ powerPreference: "high-performance" }), timeout]);
    if (adapter === "timeout") return { ok: false, reason: `no WebGPU adapter answered within ${timeoutMs} ms` };
    if (!adapter) return { ok: false, reason: "no WebGPU adapter (requestAdapter() returned null)" };
    if (fromPackage) calmPolling();
    const a = adapter as { isFallbackAdapter?: boolean; info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean } };
    const info = a.info;
    const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" ") || "WebGPU adapter";
    // Dawn 0.6.2 sets info.isFallbackAdapter for SwiftShader; older implementations had it on the adapter
    const software = info?.isFallbackAdapter === true || a.isFallbackAdapter === true || SOFTWARE.test(name);
    const maxStorageBuffers = (adapter as { limits?: { maxStorageBuffersPerShaderStage?: number } }).limits?.maxStorageBuffersPerShaderStage ?? 8;
    return { ok: true, adapter: name, software, maxStorageBuffers, subgroups: hasSubgroups(adapter as Adapter) };
  } catch (e) {
    return { ok: false, reason: `requestAdapter() failed: ${(e as Error)?.message ?? e}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a WebGPU adapter answers here (memoised: the first probe decides for the process). */
export function probeWebGPU(timeoutMs = 4000): Promise<Probe> {
  return (probe ??= doProbe(timeoutMs));
}

/** For tests: forget the memoised probe. */
export function resetWebGPUProbe(): void {
  probe = null;
}
