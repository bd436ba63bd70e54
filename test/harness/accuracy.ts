/**
 * The float32 accuracy the README states per backend ("Accuracy and tests per backend"), for the
 * tests that otherwise ask for correctly rounded (or 1-2 ulp) float32 results. On the gpu.js shader
 * modes (`gpujs:webgpu`, `gpujs:webgl2`) the WGSL and GLSL builtins and shapegrad's own forms for them
 * are a few ulp off, as the README says; the tests check that stated bound there instead of being
 * skipped. Everywhere else a test keeps its own.
 */
import { onShaderBackend } from "./env.js";

/**
 * gpu.js shader modes, float32, relative (README): exp (shapegrad's own, codegen.ts) within 2^-22; tanh,
 * log1p, sin and cos within 2^-21 (sin/cos: 3 ulp over the whole range, test/ops/math.test.ts), tan
 * (sin/cos of one range reduction) and pow within 2^-20; division within 2.5 ulp (WGSL's own bound;
 * subnormal results flushed to zero, inside `close`'s absolute part).
 */
export const SHADER_F32_RELATIVE: Readonly<Record<string, number>> = { div: 2 ** -21, tanh: 2 ** -21, log1p: 2 ** -21, sin: 2 ** -21, cos: 2 ** -21, tan: 2 ** -20, exp: 2 ** -22, pow: 2 ** -20 };

/** gpu.js shader modes, float32, in ulp (README): sinh, cosh, asinh and erfc (through exp and log1p) within 3. */
export const SHADER_F32_ULPS: Readonly<Record<string, number>> = { sinh: 3, cosh: 3, asinh: 3, erfc: 3 };

/** The tolerance for ref.ts's `close` (|a - e| ≤ tol · (1 + |e|)) of a float32 `op`: the backend's stated bound, else `otherwise`. */
export function f32Tolerance(op: string, otherwise = 0): number {
  const t = onShaderBackend() ? SHADER_F32_RELATIVE[op] : undefined;
  return t === undefined ? otherwise : Math.max(t, otherwise);
}

/** The float32 ulp bound of `op`: the backend's stated bound, else `otherwise`. */
export function f32Ulps(op: string, otherwise: number): number {
  const t = onShaderBackend() ? SHADER_F32_ULPS[op] : undefined;
  return t === undefined ? otherwise : Math.max(t, otherwise);
}
