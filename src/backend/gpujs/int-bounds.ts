/**
 * Exactness of int32 work on gpu.js. gpu.js computes in float32, so an int32 value is exact only
 * while its magnitude stays at or below 2^24. Before a kernel that reads or computes int32 values
 * runs, its result's magnitude is bounded from its inputs' actual bounds; where an input, an add,
 * product, sum or division could pass 2^24 the call runs on the wasm backend instead (int32
 * wrap-around included), so a rounded integer never comes back. Comparisons, selects, casts, max/min and
 * negation cannot grow a value and need no bound.
 */
import { topo, type Expr, type Kernel, type Program } from "../../ir/kernel.js";
import { sizeOf } from "../../ir/aval.js";

/** The largest integer magnitude a float32 holds exactly, with every integer below it. */
export const F32_EXACT = 2 ** 24;

/** A bound on |value| for int32 and bool buffers (Infinity: unknown). */
export type BufferBound = (buffer: number) => number;

/** Whether a kernel computes int32 values at all (only those need a bound). */
export function hasInt32(k: Kernel, p: Program): boolean {
  if (p.buffers[k.out]!.dtype === "int32") return true;
  if (k.kind === "elementwise" || k.kind === "reduce") return topo(k.expr).some((e) => e.dtype === "int32");
  return false;
}

/**
 * The bound of a kernel's result, or null where an int32 step could pass 2^24 (inexact on the
 * device). Float values are not bounded (Infinity).
 */
export function resultBound(k: Kernel, p: Program, input: BufferBound): number | null {
  switch (k.kind) {
    case "elementwise":
      return exprBound(k.expr, (i) => input(k.inputs[i]!.buffer));
    case "reduce": {
      const b = exprBound(k.expr, (i) => input(k.inputs[i]!.buffer));
      if (b === null || p.buffers[k.out]!.dtype !== "int32") return b;
      const n = k.axes.reduce((acc, a) => acc * k.shape[a]!, 1);
      const r = k.op === "sum" ? n * b : k.op === "prod" ? b ** n : b;
      return r <= F32_EXACT ? r : null;
    }
    case "contraction": {
      if (p.buffers[k.out]!.dtype !== "int32") return Infinity;
      const n = k.dims.contract[0].reduce((acc, a) => acc * p.buffers[k.lhs]!.shape[a]!, 1);
      const r = n * input(k.lhs) * input(k.rhs);
      return r <= F32_EXACT || sizeOf(p.buffers[k.out]!.shape) === 0 ? r : null;
    }
    case "opaque":
      return Infinity;
  }
}

function exprBound(root: Expr, load: (input: number) => number): number | null {
  const b = new Map<Expr, number>();
  for (const e of topo(root)) {
    const a = e.args.map((x) => b.get(x)!);
    let r: number;
    switch (e.op) {
      case "load":
        r = e.dtype === "bool" ? 1 : e.dtype === "int32" ? load(e.value) : Infinity;
        // an input past 2^24 cannot even be uploaded exactly
        if (e.dtype === "int32" && !(r <= F32_EXACT)) return null;
        break;
      case "valid":
        r = 1;
        break;
      case "const":
        r = Math.abs(e.value);
        break;
      case "cast":
        // float -> int32 saturates at the int32 range (exact, but no longer small)
        r = e.dtype === "bool" ? 1 : e.dtype === "int32" ? (e.args[0]!.dtype === "bool" ? 1 : e.args[0]!.dtype === "int32" ? a[0]! : 2 ** 31) : Infinity;
        break;
      case "add":
      case "sub":
        r = a[0]! + a[1]!;
        break;
      case "mul":
        r = a[0]! * a[1]!;
        break;
      case "div":
        // |a / b| <= |a|, and the fix-up's remainder a - q·b is exact while |a| is
        r = e.dtype === "int32" && a[0]! > F32_EXACT ? Infinity : a[0]!;
        break;
      case "where":
        r = Math.max(a[1]!, a[2]!);
        break;
      case "max":
      case "min":
        r = Math.max(a[0]!, a[1]!);
        break;
      case "sign":
      case "lt":
      case "le":
      case "eq":
      case "ne":
        r = 1;
        break;
      default:
        r = e.dtype === "int32" || e.dtype === "bool" ? Math.max(0, ...a) : Infinity;
    }
    if (e.dtype === "bool") r = 1;
    if (e.dtype === "int32" && (e.op === "add" || e.op === "sub" || e.op === "mul" || e.op === "div" || e.op === "pow") && !(r <= F32_EXACT)) return null;
    b.set(e, r);
  }
  return b.get(root)!;
}
