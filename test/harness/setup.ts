/**
 * vitest setupFiles entry (vitest.config.ts): every suite runs on the backend its project names,
 * and on gpu.js nothing silently falls back to wasm. See harness/backend.ts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { defaultBackend } from "../../src/runtime/registry.js";
import { beginTest, endFile, endTest } from "./awaited.js";
import { INT32_RANGE_REASON, UINT32_REASON, gpujsUnderTest, recordFallbacks, state, testBackendName, type Fallback } from "./backend.js";

// Async assertion helpers left unawaited (harness/awaited.ts): their checks never ran in the test.
// Registered first, so these after-hooks run last (hooks run in reverse): a failure here skips no other check.
beforeEach(() => beginTest());
afterEach(async (ctx) => {
  const unawaited = await endTest(ctx.task.name, ctx.task.result?.state === "fail");
  if (unawaited) expect.fail(unawaited);
});
afterAll(async () => {
  const unawaited = await endFile();
  if (unawaited) expect.fail(unawaited);
});

let hostGraphs = 0;

function expectBackend(when: string): void {
  const want = testBackendName();
  if (want === null) return;
  expect(defaultBackend().name, `${when}: the active backend is not the one SHAPEGRAD_BACKEND names`).toBe(want);
}

const show = (fs: readonly Fallback[]) => fs.map((f) => `  - ${f.why}\n    ${f.graph.replace(/\n/g, "\n    ")}`).join("\n");

/**
 * Checks the graphs that ran whole on wasm since the last check (in `what`: a test, or the file
 * outside its tests) against what it declared.
 */
function checkFallbacks(what: string, float64 = state.float64, uint32 = state.uint32): void {
  const b = gpujsUnderTest();
  if (!b) return;
  const grew = b.stats.hostGraphs - hostGraphs;
  const { fallbacks } = state;
  hostGraphs = b.stats.hostGraphs;
  state.fallbacks = [];
  expect(fallbacks.length, `${what}: ${b.name} ran ${grew} graph(s) on wasm, but only ${fallbacks.length} went through the recorded fallback (update test/harness/backend.ts)`).toBe(grew);
  const other = fallbacks.filter((f) => !f.float64 && !(state.int32Range && INT32_RANGE_REASON.test(f.why)) && !(uint32 && UINT32_REASON.test(f.why)));
  if (other.length) expect.fail(`${what}: ${b.name} fell back to the wasm backend for ${other.length} graph(s):\n${show(other)}`);
  const f64 = fallbacks.filter((f) => f.float64);
  if (f64.length && !float64) {
    expect.fail(`${what}: ${b.name} ran ${f64.length} float64 graph(s) on wasm; a test that computes in float64 says so with float64OnWasm() (or float64Suite()):\n${show(f64.slice(0, 3))}`);
  }
}

// before the test file is even collected: work in describe bodies and at module level counts too
{
  const b = gpujsUnderTest();
  if (b) {
    recordFallbacks(b);
    hostGraphs = b.stats.hostGraphs;
  }
}

beforeAll(() => expectBackend("before the suite"));

beforeEach(() => {
  // what ran since the last test (while collecting the file, in beforeAll hooks) counts for the file
  checkFallbacks("outside its tests", state.fileFloat64, state.fileUint32);
  state.float64 = false;
  state.int32Range = false;
  state.uint32 = false;
  state.inTest = true;
});

afterEach((ctx) => {
  try {
    expectBackend(ctx.task.name);
    checkFallbacks(ctx.task.name);
  } finally {
    state.inTest = false;
    state.float64 = false;
    state.fallbacks = [];
  }
});

afterAll(() => {
  checkFallbacks("outside its tests", state.fileFloat64, state.fileUint32);
  expectBackend("after the suite");
});

