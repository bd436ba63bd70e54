/**
 * reduce_window as a composition of existing primitives: the input is padded with the init value
 * (and base-dilated), each of the window's taps is a strided slice of it, and the taps are
 * combined elementwise, so the forward pass is one fused kernel, the sum's derivative is a sum of
 * pads (the slices' transposes) and vmap, jit and fusion need nothing new.
 *
 * The one primitive is `window_max` / `window_min`: the n-ary max (min) of the taps, whose
 * derivative goes to ONE operand, the first one (in window order) that equals the result, as
 * XLA's select_and_scatter with `ge` (`le`) does for JAX's max-pool gradient. The elementwise
 * max would share ties instead.
 */
import { allocate, isFloat, type DType } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import { K } from "../ir/kernel.js";
import type { BatchDim } from "../ir/graph.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading, full, zerosLike } from "./broadcast.js";
import { add, eq, mul, select } from "./elementwise.js";
import { pad, slice } from "./structural.js";
import { apply, sameAvals, type Prim } from "./util.js";

type T = AnyTensor;

// ---------------------------------------------------------------- window_max / window_min

export interface WindowChoiceParams {
  readonly op: "max" | "min";
}

/**
 * For each operand, where it is the one the derivative goes to: equal to the result, and no
 * earlier operand is (a result no operand equals, NaN, routes nowhere).
 */
function firstHits(xs: readonly T[], out: T): T[] {
  const no = full(out.shape, 0, "bool");
  const yes = full(out.shape, 1, "bool");
  let taken: T | null = null;
  return xs.map((x) => {
    const hit = eq(x, out);
    const m: T = taken === null ? hit : select(taken, no, hit);
    taken = taken === null ? hit : select(taken, yes, hit);
    return m;
  });
}

export const windowChoiceP: Prim<WindowChoiceParams> = {
  name: "window_choice",
  abstractEval: (ins) => sameAvals("window_choice", ins),
  impl(ins, { op }, out) {
    const o = allocate(out.dtype, ins[0]!.size);
    const f = op === "max" ? Math.max : Math.min;
    for (let i = 0; i < o.length; i++) {
      let v = ins[0]!.data[i]!;
      for (let k = 1; k < ins.length; k++) v = f(v, ins[k]!.data[i]!);
      o[i] = v;
    }
    return new HostArray(o, out.shape, out.dtype);
  },
  jvp(xs, ts, _p, out) {
    if (!isFloat(out.dtype) || ts.every((t) => t === null)) return null;
    // the tangent of the first operand equal to the result: selects from the last one back
    let acc = zerosLike(out);
    for (let k = xs.length - 1; k >= 0; k--) acc = select(eq(xs[k]!, out), ts[k] ?? zerosLike(out), acc);
    return acc;
  },
  vjp(ct, xs, _p, out, wanted) {
    if (!isFloat(out.dtype)) return xs.map(() => null);
    const zero = zerosLike(ct);
    return firstHits(xs, out).map((m, k) => (wanted[k] ? select(m, ct, zero) : null));
  },
  batch(ins, dims, p): [T, BatchDim] {
    const b = ins[dims.findIndex((d) => d !== null)]!.shape[0]!;
    return [apply(windowChoiceP, ins.map((x, i) => (dims[i] === null ? broadcastLeading(x, b) : x)), p), 0];
  },
  lower: {
    kind: "elementwise",
    expr: (args, { op }) => args.slice(1).reduce((a, b) => (op === "max" ? K.max(a, b) : K.min(a, b)), args[0]!),
  },
  showParams: (p) => `op=${p.op}`,
};

/** The max (min) of equal-shaped operands, its derivative routed to the first that attains it. */
export const windowChoice = (xs: readonly T[], op: "max" | "min"): T => (xs.length === 1 ? xs[0]! : apply(windowChoiceP, xs, { op }));

// ---------------------------------------------------------------- reduce_window

export type WindowOp = "add" | "mul" | "max" | "min";

export interface WindowParams {
  readonly window: readonly number[];
  readonly strides: readonly number[];
  /** [lo, hi] per dim, in the (base-dilated) input's coordinates; negative crops */
  readonly padding: readonly (readonly [number, number])[];
  readonly baseDilation: readonly number[];
  readonly windowDilation: readonly number[];
}

const INT_LOWEST: Partial<Record<DType, number>> = { int32: -2147483648, uint32: 0, bool: 0 };
const INT_HIGHEST: Partial<Record<DType, number>> = { int32: 2147483647, uint32: 4294967295, bool: 1 };

/** Whether `init` leaves `op` unchanged, so it need not be folded in (only the padding reads it). */
export function isIdentity(op: WindowOp, init: number, dtype: DType): boolean {
  switch (op) {
    case "add":
      return init === 0;
    case "mul":
      return init === 1;
    case "max":
      return init === -Infinity || (!isFloat(dtype) && init <= INT_LOWEST[dtype]!);
    case "min":
      return init === Infinity || (!isFloat(dtype) && init >= INT_HIGHEST[dtype]!);
  }
}

/** The identity of a reduction for a dtype (max: -inf, or the lowest integer). */
export function windowIdentity(op: WindowOp, dtype: DType): number {
  if (op === "add") return 0;
  if (op === "mul") return 1;
  if (isFloat(dtype)) return op === "max" ? -Infinity : Infinity;
  return op === "max" ? INT_LOWEST[dtype]! : INT_HIGHEST[dtype]!;
}

/** x padded with `v` (base-dilated with `v` between elements); negative pads crop. */
function padWith(x: T, v: number, lo: readonly number[], hi: readonly number[], interior: readonly number[]): T {
  const pos = (a: readonly number[]) => a.map((p) => Math.max(0, p));
  let y = pad(x, pos(lo), pos(hi), interior);
  if (y !== x && v !== 0) y = select(pad(full(x.shape, 1, "bool"), pos(lo), pos(hi), interior), y, full(y.shape, v, x.dtype));
  if (lo.some((p) => p < 0) || hi.some((p) => p < 0)) {
    y = slice(y, lo.map((p) => Math.max(0, -p)), y.shape.map((d, i) => d - Math.max(0, -hi[i]!)));
  }
  return y;
}

/** Taps past this many are reduced one window dim at a time (max, min and add are separable). */
const SEPARABLE_AFTER = 32;

/**
 * XLA's ReduceWindow for one of the monoids: `init` pads the input (and fills base dilation) and
 * starts the fold, so a non-identity init counts once per window. Output dims as `windowDim`.
 */
export function reduceWindow(x: T, init: number, op: WindowOp, p: WindowParams): T {
  const taps = p.window.reduce((a, b) => a * b, 1);
  const dims = p.window.filter((k) => k > 1).length;
  if (taps > SEPARABLE_AFTER && dims > 1 && op !== "mul" && isIdentity(op, init, x.dtype)) {
    // the last dim first: the first tap of the last dim, then of the one before, ... is the first
    // tap in row-major window order, so max-pool ties still go to the first element
    let y = x;
    for (let j = p.window.length - 1; j >= 0; j--) {
      const only = <V>(a: readonly V[], dflt: V) => a.map((v, i) => (i === j ? v : dflt));
      y = reduceWindowOnce(y, init, op, {
        window: only(p.window, 1),
        strides: only(p.strides, 1),
        padding: only(p.padding, [0, 0] as const),
        baseDilation: only(p.baseDilation, 1),
        windowDilation: only(p.windowDilation, 1),
      });
    }
    return y;
  }
  return reduceWindowOnce(x, init, op, p);
}

function reduceWindowOnce(x: T, init: number, op: WindowOp, p: WindowParams): T {
  const { window, strides, padding, baseDilation: ld, windowDilation: wd } = p;
  // windowDim on the padded, dilated input (an empty window spans nothing)
  const outShape = x.shape.map((h, i) => {
    const span = (h === 0 ? 0 : (h - 1) * ld[i]! + 1) + padding[i]![0] + padding[i]![1] - (window[i] === 0 ? 0 : (window[i]! - 1) * wd[i]! + 1);
    return span < 0 ? 0 : Math.floor(span / strides[i]!) + 1;
  });
  if (outShape.some((d) => d === 0) || window.some((k) => k === 0)) return full(outShape, init, x.dtype);
  // with base dilation the taps are slices of a padded, dilated copy; without, each tap reads x
  // itself through a strided slice and a pad, so padding costs no copy (one fused kernel)
  const dilated = ld.some((d) => d !== 1);
  const xp = dilated
    ? padWith(
        x,
        init,
        padding.map(([lo]) => lo),
        padding.map(([, hi]) => hi),
        ld.map((d) => d - 1),
      )
    : x;
  // the taps in row-major window order
  const taps: T[] = [];
  const n = window.reduce((a, b) => a * b, 1);
  for (let t = 0; t < n; t++) {
    // tap t's offset in the window, digit by digit (the last dim fastest)
    const off = new Array<number>(window.length);
    for (let i = window.length - 1, r = t; i >= 0; i--) {
      off[i] = (r % window[i]!) * wd[i]!;
      r = Math.floor(r / window[i]!);
    }
    taps.push(dilated ? slice(xp, off, off.map((s, i) => s + (outShape[i]! - 1) * strides[i]! + 1), strides) : tap(x, init, off, p, outShape));
  }
  const all = isIdentity(op, init, x.dtype) ? taps : [full(outShape, init, x.dtype), ...taps];
  if (op === "max" || op === "min") return windowChoice(all, op);
  const f = op === "add" ? add : mul;
  return all.slice(1).reduce((a, b) => f(a, b), all[0]!);
}

/**
 * One tap of an undilated input: output o reads x at o·s + off - lo, which is in range for
 * o0 <= o <= o1 (a strided slice of x), and `init` elsewhere (a pad of that slice).
 */
function tap(x: T, init: number, off: readonly number[], p: WindowParams, outShape: readonly number[]): T {
  const start: number[] = [];
  const limit: number[] = [];
  const low: number[] = [];
  const high: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const a = off[i]! - p.padding[i]![0];
    const s = p.strides[i]!;
    const o0 = a >= 0 ? 0 : Math.ceil(-a / s);
    const o1 = Math.min(outShape[i]! - 1, Math.floor((x.shape[i]! - 1 - a) / s));
    if (o1 < o0) return full(outShape, init, x.dtype); // the tap reads padding only
    start.push(a + o0 * s);
    limit.push(a + o1 * s + 1);
    low.push(o0);
    high.push(outShape[i]! - 1 - o1);
  }
  return padWith(slice(x, start, limit, p.strides), init, low, high, low.map(() => 0));
}
