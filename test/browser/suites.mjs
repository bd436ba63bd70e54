import { readFileSync } from "node:fs";

// Which suites the browser job runs (test/browser/run.mjs), and which it leaves out and why.
export const SUITES = [
  "test/ops/activations.test.ts",
  "test/ops/backend-edges.test.ts",
  "test/ops/conv.test.ts",
  "test/ops/creation.test.ts",
  "test/ops/einsum.test.ts",
  "test/ops/elementwise.test.ts",
  "test/ops/indexing.test.ts",
  "test/ops/linalg-reduce.test.ts",
  "test/ops/losses.test.ts",
  "test/ops/math.test.ts",
  "test/ops/pool.test.ts",
  "test/ops/random.test.ts",
  "test/ops/reduce-extra.test.ts",
  "test/ops/shape-utils.test.ts",
  "test/ops/shape.test.ts",
  "test/ops/weak-numbers.test.ts",
  "test/transforms/aux.test.ts",
  "test/transforms/compose.test.ts",
  "test/transforms/cond.test.ts",
  "test/transforms/custom.test.ts",
  "test/transforms/errors.test.ts",
  "test/transforms/gradcheck.test.ts",
  "test/transforms/jit.test.ts",
  "test/transforms/jvp-vjp.test.ts",
  "test/transforms/pytree.test.ts",
  "test/transforms/scan.test.ts",
  "test/transforms/seed.test.ts",
  "test/transforms/tree-utils.test.ts",
  "test/transforms/vmap.test.ts",
  "test/transforms/while.test.ts",
];

/** Suites of the op and transformation directories that need Node, with the reason. */
export const LEFT_OUT = {
  "test/ops/messages.test.ts": "reads the type-level sources with node:path / node:url (a compile-time check, not a backend one)",
  "test/transforms/jit-retrace.test.ts": "measures the heap with process.memoryUsage() and global.gc()",
};

/**
 * What is known not to pass yet, in expected.json (rewritten by `node test/browser/run.mjs
 * --update-expected` after a full run; review the diff):
 * - `failures`: per backend, the tests known to fail (with the property tests' seed fixed by
 *   run.mjs), each with the first line of its failure. The job fails on any other failure and
 *   tells of a listed test that passes now (the list only shrinks). On gpujs:webgl2 (GLSL on
 *   ANGLE/SwiftShader): -0 and ±Infinity are lost (log(0) is -88, sign(-0) is +0), NaN is lost
 *   by the ops that do not pass it through explicitly (expm1, cosh, atanh; max/min/sign/tanh do),
 *   the GLSL builtins (exp, log, pow) are less accurate than the suites' 2 ulp (sin, cos and tan,
 *   shapegrad's own there, are 1 ulp off the exact rounding the elementwise suite asks for), and
 *   atan2's signed zeros go wrong (atan and asin of 0 come out as π). On gpujs:webgpu (Chromium's
 *   WebGPU on SwiftShader): the same kind of builtin accuracy (exp, log1p, sin, cos, tan, tanh,
 *   pow, sinh, cosh, asinh, erfc past the suites' ulps), asin/acos/atan/atan2 at 0 and ±Infinity,
 *   -0 and ±Infinity edge values, int32 kernels that fall back (their afterEach hooks), lax.cond and
 *   lax.scan counting their runs before the asynchronous launches, and two float64 scan tests that
 *   move a WebGPU array nobody read to wasm (toBackend's error; an open defect).
 * - `syncReads`: per asynchronous backend, the tests (by name) that may still stop at a
 *   synchronous read (dataSync/toArray/item) of its results; any other one fails the job, a listed
 *   one that no longer does is told.
 * A known failure is matched by the test's name AND the first line of its error with the numbers
 * normalised (`sameFailure`): a listed test that fails differently is a new failure. A failing
 * afterEach hook (the harness's check that no gpu.js graph ran on wasm) is a result of its own,
 * "<test> (afterEach)", never hidden behind the test's own error.
 */
const expected = JSON.parse(readFileSync(new URL("./expected.json", import.meta.url), "utf8"));
export const EXPECTED_FAILURES = expected.failures;
export const SYNC_READS = expected.syncReads;

/** The first line of a failure as expected.json stores it. */
export const firstLine = (error) => String(error ?? "").split("\n")[0].slice(0, 160);
/** A first line with its numbers (values, counts, ulps) replaced, so that a float's last digits do not matter. */
const normalise = (line) => line.replace(/[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/gi, "#").replace(/\s+/g, " ").trim();
/** Whether a failure is the one listed (`listed`: the stored first line, cut at 160 characters; undefined when not listed). */
export const sameFailure = (listed, error) =>
  listed !== undefined && normalise(String(error ?? "").split("\n")[0]).startsWith(normalise(listed));
