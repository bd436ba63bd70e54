/**
 * f32x4 transcendental functions, emitted inline into a kernel's loop (a wasm call per quad costs
 * about 2x here). Cephes-style range reduction + minimax polynomials; accuracy is tested against
 * Math.* rounded to float32 in test/kernels/elementwise.test.ts.
 */
import { SIMD } from "./module.js";
import type { FuncBuilder, ModuleBuilder } from "./module.js";

/** Horner on the stack: expects nothing, leaves p(x) where x is in local `x`. */
function horner(f: FuncBuilder, x: number, coeffs: readonly number[]): void {
  f.f32x4(coeffs[0]!);
  for (let i = 1; i < coeffs.length; i++) {
    f.get(x).simd(SIMD.f32x4Mul).f32x4(coeffs[i]!).simd(SIMD.f32x4Add);
  }
}

/**
 * exp(x): n = round(x·log2e), r = x − n·ln2 (two parts), degree-6 poly, 2^n applied in two halves
 * (covers gradual underflow). `x` is a v128 local owned by the caller (clobbered); leaves exp(x)
 * on the stack. `inRange`: the caller knows x is in [-104, 89] (skips the clamp). Cheap x86
 * lowerings only: pmin/pmax for the clamp (wasm's min/max handle NaN and signed zeros in several
 * instructions each) and the round-to-integer by adding 1.5·2^23, whose low mantissa bits are
 * then n as an integer (no nearest, no float-to-int conversion).
 */
export function expBody(f: FuncBuilder, x: number, inRange = false): void {
  const n = f.local("v128");
  const r = f.local("v128");
  const ni = f.local("v128");
  const n1 = f.local("v128");
  // clamp to [-104, 89]: exp overflows past 88.72 and underflows to 0 below -103.97; x first, so a
  // NaN passes through both (pmin(a, b) = b < a ? b : a)
  if (!inRange) f.get(x).f32x4(89).simd(SIMD.f32x4Pmin).f32x4(-104).simd(SIMD.f32x4Pmax).set(x);
  // t = x·log2e + 1.5·2^23 rounds to an integer (|x·log2e| < 2^22); n = t − 1.5·2^23 exactly,
  // and t's bits minus 1.5·2^23's bits are n as an i32
  f.get(x).f32x4(Math.LOG2E).simd(SIMD.f32x4Mul).f32x4(12582912).simd(SIMD.f32x4Add).tee(ni)
    .f32x4(12582912).simd(SIMD.f32x4Sub).set(n);
  f.get(ni).i32x4(0x4b400000).simd(SIMD.i32x4Sub).set(ni);
  f.get(x).get(n).f32x4(0.693359375).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub)
    .get(n).f32x4(-2.12194440e-4).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub).set(r);
  // p = ((((( c0 r + c1) r + c2) r + c3) r + c4) r + c5) r² + r + 1
  horner(f, r, [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]);
  f.get(r).simd(SIMD.f32x4Mul).get(r).simd(SIMD.f32x4Mul).get(r).simd(SIMD.f32x4Add).f32x4(1).simd(SIMD.f32x4Add);
  // scale: n1 = n >> 1, n2 = n - n1; result * 2^n1 * 2^n2
  f.get(ni).i32(1).simd(SIMD.i32x4ShrS).set(n1);
  f.get(n1).i32x4(127).simd(SIMD.i32x4Add).i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul);
  f.get(ni).get(n1).simd(SIMD.i32x4Sub).i32x4(127).simd(SIMD.i32x4Add).i32(23).simd(SIMD.i32x4Shl).simd(SIMD.f32x4Mul);
}

/**
 * log(x): frexp by bits (denormals pre-scaled), Cephes logf polynomial, special cases by select.
 * `x` is a v128 local; leaves log(x) on the stack.
 */
export function logBody(f: FuncBuilder, x: number): void {
  const xs = f.local("v128");
  const e = f.local("v128");
  const mm = f.local("v128");
  const z = f.local("v128");
  const small = f.local("v128");
  const lt = f.local("v128");
  // denormal inputs: scale by 2^23
  f.get(x).f32x4(1.1754943508222875e-38).simd(SIMD.f32x4Lt).set(small);
  f.get(x).f32x4(8388608).simd(SIMD.f32x4Mul).get(x).get(small).simd(SIMD.bitselect).set(xs);
  // e = ((bits >> 23) & 0xff) - 126, m = bits & 0x807fffff | 0x3f000000  (m in [0.5, 1))
  f.get(xs).i32(23).simd(SIMD.i32x4ShrU).i32x4(0xff).simd(SIMD.and).i32x4(126).simd(SIMD.i32x4Sub)
    .simd(SIMD.f32x4ConvertI32x4S)
    .get(small).f32x4(23).simd(SIMD.and).simd(SIMD.f32x4Sub).set(e);
  f.get(xs).i32x4(0x007fffff).simd(SIMD.and).i32x4(0x3f000000).simd(SIMD.or).set(mm);
  // if m < sqrt(0.5): e -= 1, m = m + m - 1  else m = m - 1
  f.get(mm).f32x4(0.707106781186547524).simd(SIMD.f32x4Lt).set(lt);
  f.get(e).get(lt).f32x4(1).simd(SIMD.and).simd(SIMD.f32x4Sub).set(e);
  f.get(mm).get(mm).get(lt).simd(SIMD.and).simd(SIMD.f32x4Add).f32x4(1).simd(SIMD.f32x4Sub).set(mm);
  f.get(mm).get(mm).simd(SIMD.f32x4Mul).set(z);
  horner(f, mm, [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
    -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1]);
  f.get(mm).simd(SIMD.f32x4Mul).get(z).simd(SIMD.f32x4Mul); // y = m z P(m)
  f.get(e).f32x4(-2.12194440e-4).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  f.get(z).f32x4(0.5).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Sub);
  f.get(mm).simd(SIMD.f32x4Add);
  f.get(e).f32x4(0.693359375).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
  // specials: x == 0 -> -inf; x < 0 or NaN -> NaN; x == inf -> inf
  // bitselect(a, b, mask) = mask ? a : b with a = value already on the stack, so each mask is "keep value"
  f.f32x4(-Infinity).get(x).f32x4(0).simd(SIMD.f32x4Ne).simd(SIMD.bitselect);
  f.f32x4(NaN).get(x).f32x4(0).simd(SIMD.f32x4Ge).simd(SIMD.bitselect); // not(x >= 0) covers NaN
  f.f32x4(Infinity).get(x).f32x4(Infinity).simd(SIMD.f32x4Ne).simd(SIMD.bitselect);
}

/**
 * tanh(x): odd polynomial for |x| < 0.625, 1 − 2/(exp(2|x|)+1) beyond, sign restored. `x` is a
 * v128 local (not clobbered); leaves tanh(x) on the stack.
 */
export function tanhBody(f: FuncBuilder, x: number): void {
  const e2 = f.local("v128");
  const ax = f.local("v128");
  const z = f.local("v128");
  const big = f.local("v128");
  f.get(x).simd(SIMD.f32x4Abs).set(ax);
  // big branch: 1 - 2 / (exp(2|x|) + 1), with copysign
  f.f32x4(1).f32x4(2)
    .get(ax).get(ax).simd(SIMD.f32x4Add).f32x4(20).simd(SIMD.f32x4Pmin).set(e2);
  expBody(f, e2, true);
  f.f32x4(1).simd(SIMD.f32x4Add)
    .simd(SIMD.f32x4Div).simd(SIMD.f32x4Sub);
  // copysign: (big & 0x7fffffff) | (x & 0x80000000)
  f.i32x4(0x7fffffff).simd(SIMD.and).get(x).i32x4(-0x80000000).simd(SIMD.and).simd(SIMD.or).set(big);
  // small branch
  f.get(x).get(x).simd(SIMD.f32x4Mul).set(z);
  horner(f, z, [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1]);
  f.get(z).simd(SIMD.f32x4Mul).get(x).simd(SIMD.f32x4Mul).get(x).simd(SIMD.f32x4Add);
  // select: |x| < 0.625 ? small : big   (stack: small)
  f.set(z);
  f.get(z).get(big).get(ax).f32x4(0.625).simd(SIMD.f32x4Lt).simd(SIMD.bitselect);
  // NaN: ax < 0.625 false -> big; big = 1 - 2/(NaN) = NaN: propagates
}

/** Applies a (f64)->f64 or (f64,f64)->f64 JS import lane by lane. Stack in: 1 or 2 v128 (in locals). */
export function emitLaneCall(m: ModuleBuilder, name: string, importIdx: number, arity: 1 | 2): FuncBuilder {
  const params: Array<"v128"> = arity === 1 ? ["v128"] : ["v128", "v128"];
  const f = m.func(name, params, ["v128"], false);
  f.get(0);
  for (let lane = 0; lane < 4; lane++) {
    f.get(0).lane(SIMD.f32x4ExtractLane, lane);
    if (arity === 2) f.get(1).lane(SIMD.f32x4ExtractLane, lane);
    f.call(importIdx);
    f.lane(SIMD.f32x4ReplaceLane, lane);
  }
  return f;
}
