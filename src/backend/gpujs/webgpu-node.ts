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
export type Probe = { readonly ok: true; readonly adapter: string } | { readonly ok: false; readonly reason: string };

let probe: Promise<Probe> | null = null;

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
    if (g.navigator) Object.defineProperty(g.navigator, "gpu", { value: gpu, configurable: true });
    else g.navigator = { gpu };
  } catch (e) {
    return `the \`webgpu\` package failed to start: ${(e as Error).message}`;
  }
  return null;
}

async function doProbe(timeoutMs: number): Promise<Probe> {
  const missing = await ensureNavigatorGpu();
  if (missing) return { ok: false, reason: missing };
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(o?: object): Promise<unknown> } } }).navigator!.gpu!;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
    (timer as { unref?: () => void }).unref?.();
  });
  try {
    const adapter = await Promise.race([gpu.requestAdapter({ powerPreference: "high-performance" }), timeout]);
    if (adapter === "timeout") return { ok: false, reason: `no WebGPU adapter answered within ${timeoutMs} ms` };
    if (!adapter) return { ok: false, reason: "no WebGPU adapter (requestAdapter() returned null)" };
    const info = (adapter as { info?: { vendor?: string; architecture?: string; description?: string } }).info;
    const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" ") || "WebGPU adapter";
    return { ok: true, adapter: name };
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
