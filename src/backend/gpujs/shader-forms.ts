/**
 * IEEE special cases made explicit for gpu.js's shader modes (WGSL on webgpu, GLSL on the GL modes).
 *
 * WGSL and GLSL leave the builtins undefined outside their domain, and SwiftShader (and GPUs) use that:
 * `log(-1)` is `log(1)`, `log(0)` is -88, `pow(x, y)` is `exp2(y · log2(|x|))` whatever the sign of x
 * (so `pow(-2, 3)` was 8), `pow(0, -1)` is 1.7e38, and a literal `0 / x` is folded to 0. Those ops are rewritten here, in the kernel IR,
 * into the builtin on its domain and explicit answers elsewhere, with JavaScript's semantics (the
 * wasm backend's): NaN outside the domain, ±Infinity at the poles, the sign of a negative base
 * from the parity of an integer exponent. The NaN and Infinity constants this needs are then read
 * from buffers (specials.ts), as neither language has such literals. NaN inputs are handled in the renderer
 * (codegen.ts, `keepNaN`), where no constant is needed.
 */
import { K, mapExpr, topo, type Expr, type Kernel, type Program } from "../../ir/kernel.js";

const f = (v: number): Expr => K.c(v, "float32");
const isNaN_ = (x: Expr): Expr => K.ne(x, x);
/** floor(b) == b: false for NaN, true for ±Infinity (an even integer, as in JavaScript) */
const isInt = (b: Expr): Expr => K.eq(K.floor(b), b);
/** an odd integer: b / 2 is exact, so its floor differs from it exactly for odd b */
const isOdd = (b: Expr): Expr => {
  const h = K.mul(b, f(0.5));
  return K.where(isInt(b), K.ne(K.floor(h), h), K.lt(f(1), f(0)));
};

/** log with log(0) = -Infinity and NaN below 0 (and for NaN). */
function log(x: Expr, inner: Expr): Expr {
  return K.where(K.lt(f(0), x), inner, K.where(K.eq(x, f(0)), f(-Infinity), f(NaN)));
}

/** log1p with log1p(-1) = -Infinity and NaN below -1. */
function log1p(x: Expr, inner: Expr): Expr {
  return K.where(K.lt(f(-1), x), inner, K.where(K.eq(x, f(-1)), f(-Infinity), f(NaN)));
}

/** Math.pow: the builtin only on a finite positive base; zero and infinite bases, signs and NaN explicit. */
function pow(a: Expr, b: Expr): Expr {
  const m = K.abs(a);
  const pos = K.lt(f(0), b);
  const mag = K.where(
    K.eq(m, f(0)),
    K.where(pos, f(0), f(Infinity)),
    K.where(K.eq(m, f(Infinity)), K.where(pos, f(Infinity), f(0)), K.where(K.eq(m, f(1)), f(1), K.pow(m, b))),
  );
  // a negative base with a non-integer exponent is NaN, except -Infinity (Math.pow(-Infinity, 0.5) is Infinity)
  const signed = K.where(K.lt(a, f(0)), K.where(isInt(b), K.where(isOdd(b), K.neg(mag), mag), K.where(K.eq(m, f(Infinity)), mag, f(NaN))), mag);
  // 1 ** ±Infinity is NaN in JavaScript
  const unit = K.where(K.eq(m, f(1)), K.where(K.eq(K.abs(b), f(Infinity)), f(NaN), signed), signed);
  return K.where(K.eq(b, f(0)), f(1), K.where(isNaN_(a), a, K.where(isNaN_(b), b, unit)));
}

function rewrite(e: Expr, args: Expr[]): Expr {
  const same = args.every((a, j) => a === e.args[j]);
  const node = same ? e : { ...e, args };
  if (e.dtype !== "float32") return node;
  switch (e.op) {
    case "log":
      return log(args[0]!, node);
    case "log1p":
      return log1p(args[0]!, node);
    case "pow":
      return pow(args[0]!, args[1]!);
    case "sqrt":
      // WGSL leaves sqrt undefined below 0 (SwiftShader's sqrt(-Infinity) is Infinity: acos(Infinity) was 3π/4)
      return K.where(K.lt(args[0]!, f(0)), f(NaN), node);
    case "div":
      // the shader compiler folds a literal 0 / x to 0, as if x could not be 0 or NaN
      return isZero(args[0]!) ? K.where(K.eq(args[1]!, f(0)), f(NaN), K.where(isNaN_(args[1]!), args[1]!, node)) : node;
    default:
      return node;
  }
}

const isZero = (e: Expr): boolean => e.op === "const" && e.value === 0;
const needs = (e: Expr): boolean => e.dtype === "float32" && (e.op === "log" || e.op === "log1p" || e.op === "pow" || e.op === "sqrt" || (e.op === "div" && isZero(e.args[0]!)));

/** The program with log, log1p, pow and 0 / x in explicit form (the same program when it has none). */
export function shaderForms(p: Program): Program {
  let changed = false;
  const kernels = p.kernels.map((k): Kernel => {
    if (k.kind !== "elementwise" && k.kind !== "reduce") return k;
    if (!topo(k.expr).some(needs)) return k;
    changed = true;
    return { ...k, expr: mapExpr(k.expr, rewrite) };
  });
  return changed ? { ...p, kernels } : p;
}
