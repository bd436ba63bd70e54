/**
 * Which backend a suite runs on, and the check that it really ran there.
 *
 * Every vitest project names its backend in SHAPEGRAD_BACKEND (vitest.config.ts) and the library
 * picks it up as its default (src/runtime/registry.ts), so no suite chooses a backend itself.
 * `setup.ts` (a vitest setupFiles entry, so every suite gets it) checks after each test that:
 *
 * - the active backend is the one SHAPEGRAD_BACKEND names (nothing switched it and left it so);
 * - on a gpu.js backend, no graph ran whole on the wasm backend instead (`stats.hostGraphs`, with
 *   the reason the backend gave) — except float64 graphs in a test that says it runs them:
 *   gpu.js computes in float32 and runs float64 graphs on wasm by design (src/backend/gpujs/backend.ts),
 *   int32 calls whose values could pass 2^24 (`int32RangeOnWasm()`), and graphs with uint32 values
 *   or bitwise ops, random draws among them (`uint32OnWasm()`). Opaque steps the backend
 *   runs on the host *between* its kernels (`stats.hostSteps`: primitives without a lowering: gather,
 *   scatter and the sorts today) are not a fallback and are not checked here.
 *
 * A test that runs float64 graphs says so with `float64OnWasm()` in its body, or, for a suite
 * whose dtype is float64 throughout, `float64Suite()` at the top of the file or of a `describe`.
 * That allows its float64 graphs (and only those: the backend's float64 reason) to run on wasm
 * on gpu.js; any other fallback still fails. Both are no-ops on the other backends. (They allow
 * rather than require a fallback, so a test can mix float64 and float32 work.)
 */
import { beforeEach } from "vitest";
import { defaultBackend } from "../../src/runtime/registry.js";
import { GpuJsBackend } from "../../src/backend/gpujs/backend.js";
import type { Program } from "../../src/ir/kernel.js";

export { testBackendName } from "./env.js";

/** The gpu.js backend the suites run on, or null on any other backend. */
export function gpujsUnderTest(): GpuJsBackend | null {
  const b = defaultBackend();
  return b instanceof GpuJsBackend ? b : null;
}

/** The reason gpu.js gives for running a float64 graph on wasm (src/backend/gpujs/backend.ts). */
export const FLOAT64_REASON = /^gpu\.js computes in float32; float64 graphs run on the wasm backend$/;

/** One graph that a gpu.js backend ran whole on wasm. */
export interface Fallback {
  readonly why: string;
  readonly graph: string;
  readonly float64: boolean;
}

/** What the current test (or, outside tests, the current file) declared and what fell back. */
export const state = {
  /** between setup.ts's beforeEach and afterEach */
  inTest: false,
  /** float64OnWasm() in the test, or float64Suite() around it */
  float64: false,
  /** float64Suite() somewhere in the file: its float64 graphs outside tests are allowed too */
  fileFloat64: false,
  /** uint32Suite() somewhere in the file: its uint32 graphs outside tests (random draws in a describe body) are allowed too */
  fileUint32: false,
  /** int32RangeOnWasm() in the test */
  int32Range: false,
  /** uint32OnWasm() in the test */
  uint32: false,
  fallbacks: [] as Fallback[],
};

/**
 * In a test: it computes in float64, whose graphs run on the wasm backend when the suite runs on
 * gpu.js (float32 only), by design. Any other fallback still fails the test.
 */
/** The reason gpu.js gives for an int32 value it cannot hold exactly in float32 (by design). */
export const INT32_RANGE_REASON = /an int32 value could pass 2\^24/;

/**
 * In a test: it computes with int32 values (inputs or results) past 2^24, which gpu.js cannot hold
 * exactly, so those calls run on the wasm backend (allowed for that reason only).
 */
export function int32RangeOnWasm(): void {
  if (!state.inTest) throw new Error("int32RangeOnWasm() belongs in a test");
  state.int32Range = true;
}

/** The reason gpu.js gives for a graph with uint32 values or bitwise ops (random keys and bits), by design. */
export const UINT32_REASON = /^gpu\.js computes in float32, which cannot hold 32-bit words \(uint32 values, bitwise ops: random keys and bits\); such graphs run on the wasm backend$/;

/**
 * In a test: it computes with uint32 values or bitwise ops (random keys, Threefry bits), which
 * gpu.js cannot hold in float32, so those graphs run on the wasm backend (allowed for that reason only).
 */
export function uint32OnWasm(): void {
  if (!state.inTest) throw new Error("uint32OnWasm() belongs in a test");
  state.uint32 = true;
}

/** At the top of a file or a describe whose tests draw random numbers (uint32): uint32OnWasm() in each. */
export function uint32Suite(): void {
  state.fileUint32 = true;
  beforeEach(() => {
    state.uint32 = true;
  });
}

export function float64OnWasm(): void {
  if (!state.inTest) throw new Error("float64OnWasm() belongs in a test (or a helper it calls); around tests, use float64Suite()");
  state.float64 = true;
}

/** At the top of a file or a describe whose tests compute in float64: float64OnWasm() in each. */
export function float64Suite(): void {
  state.fileFloat64 = true;
  beforeEach(() => {
    state.float64 = true;
  });
}

const hooked = new WeakSet<GpuJsBackend>();

/**
 * Records every graph `b` runs whole on wasm, with the reason it gives. The count itself comes
 * from the public `stats.hostGraphs`; the reason from the backend's (private) `hostRun`, which
 * every such graph goes through. If that ever changes, `setup.ts` reports fallbacks it cannot
 * explain instead of missing them.
 */
export function recordFallbacks(b: GpuJsBackend): void {
  if (hooked.has(b)) return;
  hooked.add(b);
  const inner = b as unknown as { hostRun?: (program: Program, ins: unknown, why: string) => unknown };
  const hostRun = inner.hostRun;
  if (typeof hostRun !== "function") return;
  inner.hostRun = function (this: unknown, program: Program, ins: unknown, why: string) {
    state.fallbacks.push({ why, graph: summary(program), float64: FLOAT64_REASON.test(why) });
    return hostRun.call(this, program, ins, why);
  };
}

function summary(p: Program): string {
  const s = p.kernels.map((k) => `${k.kind} -> ${p.buffers[k.out]!.dtype}[${p.buffers[k.out]!.shape}]`).join("\n");
  return s.length > 400 ? `${s.slice(0, 400)} ...` : s;
}
