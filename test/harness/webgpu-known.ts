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
    "test/nn/optim-extra.test.ts > a jitted training step with a schedule > AdamW with a warmup-cosine schedule and clipping under jit traces once",
  ],
  "cond and scan: still failing after their host steps moved to wasm (not yet diagnosed)": [
    "test/transforms/cond.test.ts > lax.cond values > pytree operands and results; the outputs of one cond share one branch run",
  ],
  "library code reads a device result synchronously (a concrete predicate of cond, a graph constant made on the device)": [
    "test/transforms/scan.test.ts > one loop per evaluation > the carry and the ys of one scan share one loop",
  ],
  "values on SwiftShader: not the correctly rounded float32 the test asks for (sin, cos, exp, tan, tanh, log1p, pow: a few ulp), signed zeros, atan2/asin/atan at 0, erfc/sinh/cosh/asinh ulps, round's ties, cbrt; a message and a random-key test not yet diagnosed": [
    "test/ops/backend-edges.test.ts > elementwise edge values, 5 elements > float32 results are rounded after every op",
    "test/ops/backend-edges.test.ts > elementwise edge values, 5 elements > maximum / minimum order -0 below +0, either way round",
    "test/ops/backend-edges.test.ts > elementwise edge values, 5 elements > pow(x, 0.5) at -0 and -Infinity is Math.pow's",
    "test/ops/backend-edges.test.ts > elementwise edge values, 5 elements > sign keeps -0",
    "test/ops/backend-edges.test.ts > elementwise edge values, 64 elements > float32 results are rounded after every op",
    "test/ops/backend-edges.test.ts > elementwise edge values, 64 elements > maximum / minimum order -0 below +0, either way round",
    "test/ops/backend-edges.test.ts > elementwise edge values, 64 elements > pow(x, 0.5) at -0 and -Infinity is Math.pow's",
    "test/ops/backend-edges.test.ts > elementwise edge values, 64 elements > sign keeps -0",
    "test/ops/backend-edges.test.ts > reductions and dtypes > cbrt is within one ulp of Math.cbrt (float64 and float32), exact on cubes, ±0, ±Infinity and NaN",
    "test/ops/backend-edges.test.ts > reductions and dtypes > max / min over ±0 do not depend on the order",
    "test/ops/creation.test.ts > random > split is deterministic and gives distinct, independent keys",
    "test/ops/elementwise.test.ts > binary ops: values, float32 rounding, broadcasting > pow: float32 result is fround of the double result of the float32 inputs",
    "test/ops/elementwise.test.ts > float32 rounding of single ops > each single op result equals Math.fround of the double result (property)",
    "test/ops/elementwise.test.ts > unary ops against Math (float64 exact, float32 = fround of the double result) > cos",
    "test/ops/elementwise.test.ts > unary ops against Math (float64 exact, float32 = fround of the double result) > exp",
    "test/ops/elementwise.test.ts > unary ops against Math (float64 exact, float32 = fround of the double result) > log1p",
    "test/ops/elementwise.test.ts > unary ops against Math (float64 exact, float32 = fround of the double result) > sin",
    "test/ops/elementwise.test.ts > unary ops against Math (float64 exact, float32 = fround of the double result) > tan",
    "test/ops/elementwise.test.ts > unary ops against Math (float64 exact, float32 = fround of the double result) > tanh",
    "test/ops/math.test.ts > atan2 and hypot > atan2 is Math.atan2 (signed zeros and infinities) in float64, 1 ulp in float32",
    "test/ops/math.test.ts > erf and erfc against a high-precision series > erfc: float64 within 1-2 ulp, float32 within a few, eager and jitted",
    "test/ops/math.test.ts > floor, ceil, trunc, round > exact, including the sign of zero and ties to even",
    "test/ops/math.test.ts > unary math against Math.* > acos: eager and jitted, float64 and float32",
    "test/ops/math.test.ts > unary math against Math.* > asin: eager and jitted, float64 and float32",
    "test/ops/math.test.ts > unary math against Math.* > asinh: eager and jitted, float64 and float32",
    "test/ops/math.test.ts > unary math against Math.* > atan: eager and jitted, float64 and float32",
    "test/ops/math.test.ts > unary math against Math.* > cosh: eager and jitted, float64 and float32",
    "test/ops/math.test.ts > unary math against Math.* > sinh: eager and jitted, float64 and float32",
    "test/ops/messages.test.ts > one message per shape rule: the run-time check says what the compiler says > lstmCell input features: sg.nn.lstmCell(n(3), n(4)).apply(sg.nn.lstmCell(n(3), n(4)).init(sg.random.key(0)), sg.nn.lstmCell(n(3), n(4)).initCarry(dims([2])), $([2, 5]))",
  ],
  "library code reads a device result synchronously (nn.initializers.orthogonal's dataSync, and the cases below it)": [
    "test/nn/layers.test.ts > float32 (the kernels every backend compiles, gpu.js's own included) > each layer in float32 agrees with its float64 run",
    "test/nn/layers.test.ts > recurrent cells > gruCell in lax.scan equals flax's gate equations step by step",
    "test/nn/layers.test.ts > recurrent cells > lstmCell in lax.scan equals flax's gate equations step by step",
  ],
};
