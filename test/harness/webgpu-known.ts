/**
 * Tests that fail on gpujs:webgpu (SwiftShader in Node) today, by cause. They are NOT skipped: the
 * gpujs-webgpu project runs each of them and requires it to fail (test/harness/webgpu.ts): a known
 * failure that fails is reported as passed, its cause in the note and one line in the log; a known
 * failure that passes fails the run with "FIXED: remove from webgpu-known.ts". So this list can only
 * shrink and nothing on it is hidden. Each entry is a defect to fix, then to delete from this list.
 * Keys are "file > describe > test" as vitest names them. Found on 2026-12-01 (issue 13).
 */
export const KNOWN_WEBGPU_FAILURES: Record<string, readonly string[]> = {
  "nn: random draws at a describe's top level fall back (uint32) outside any test; a float64 AdamW step 1.5e-9 off (not yet diagnosed)": [
  ],
  "cond and scan: still failing after their host steps moved to wasm (not yet diagnosed)": [
  ],
  "library code reads a device result synchronously (a concrete predicate of cond, a graph constant made on the device)": [
  ],
  "values on SwiftShader: not the correctly rounded float32 the test asks for (sin, cos, exp, tan, tanh, log1p, pow: a few ulp), signed zeros, atan2/asin/atan at 0, erfc/sinh/cosh/asinh ulps, round's ties, cbrt; a message and a random-key test not yet diagnosed": [
    "test/ops/backend-edges.test.ts > elementwise edge values, 5 elements > float32 results are rounded after every op",
    "test/ops/backend-edges.test.ts > elementwise edge values, 5 elements > maximum / minimum order -0 below +0, either way round",
    "test/ops/backend-edges.test.ts > elementwise edge values, 5 elements > pow(x, 0.5) at -0 and -Infinity is Math.pow's",
    "test/ops/backend-edges.test.ts > elementwise edge values, 64 elements > float32 results are rounded after every op",
    "test/ops/backend-edges.test.ts > elementwise edge values, 64 elements > maximum / minimum order -0 below +0, either way round",
    "test/ops/backend-edges.test.ts > elementwise edge values, 64 elements > pow(x, 0.5) at -0 and -Infinity is Math.pow's",
    "test/ops/elementwise.test.ts > float32 rounding of single ops > each single op result equals Math.fround of the double result (property)",
    "test/ops/math.test.ts > floor, ceil, trunc, round > exact, including the sign of zero and ties to even",
  ],
  "library code reads a device result synchronously (nn.initializers.orthogonal's dataSync, and the cases below it)": [
  ],
};
