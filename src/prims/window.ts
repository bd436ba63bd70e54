/**
 * reduce_window as a composition of existing primitives: each of the window's taps is a strided
 * slice of the input, padded (in output coordinates) with the init value where the tap reads
 * padding or base dilation, and the taps are combined elementwise. So the forward pass is one
 * fused kernel reading the input through masked views (no padded copy), the sum's derivative is
 * a sum of pads (each tap's transpose), and vmap and fusion need nothing new.
 *
 * Max and min are one primitive each, `reduce_window_max` / `reduce_window_min`, whose body is
 * that composition (inlined by the final compile, so it fuses the same) and whose derivative
 * goes to ONE element per window, the first tap (in row-major window order) equal to the
 * result, as XLA's select_and_scatter with `ge` (`le`) does for JAX's max-pool gradient; the
 * elementwise max would share ties instead. Its reverse rule reads the index of that tap and the
 * cotangent through each tap's transposed view: two fused kernels, no scatter.
 */
import { isFloat, type DType } from "../ir/dtype.js";
import type { BatchDim, Graph } from "../ir/graph.js";
import { evalGraphHost } from "../ir/interpret.js";
import { cacheKey } from "../ir/key.js";
import { traceFlat } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastInDim, full, iota, reshape, zerosLike } from "./broadcast.js";
import { add, eq, max, min, mul, select } from "./elementwise.js";
import { pad, slice } from "./structural.js";
import { apply, type Prim } from "./util.js";

type T = AnyTensor;

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

/** x padded with `v` (also between elements, `interior`). */
function padWith(x: T, v: number, lo: readonly number[], hi: readonly number[], interior: readonly number[]): T {
  const y = pad(x, lo, hi, interior);
  if (y === x || v === 0) return y;
  return select(pad(full(x.shape, 1, "bool"), lo, hi, interior), y, full(y.shape, v, x.dtype));
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

/** windowDim on the padded, base-dilated input (an empty window spans nothing). */
function outShapeOf(shape: readonly number[], p: WindowParams): number[] {
  return shape.map((h, i) => {
    const span = (h === 0 ? 0 : (h - 1) * p.baseDilation[i]! + 1) + p.padding[i]![0] + p.padding[i]![1] - (p.window[i] === 0 ? 0 : (p.window[i]! - 1) * p.windowDilation[i]! + 1);
    return span < 0 ? 0 : Math.floor(span / p.strides[i]!) + 1;
  });
}

function reduceWindowOnce(x: T, init: number, op: WindowOp, p: WindowParams): T {
  const outShape = outShapeOf(x.shape, p);
  if (outShape.some((d) => d === 0) || p.window.some((k) => k === 0)) return full(outShape, init, x.dtype);
  if (op === "max" || op === "min") return chooser(op, x, init, p);
  return combine(x, init, op, p, outShape);
}

/** The taps combined elementwise (init first when it is not the identity). */
function combine(x: T, init: number, op: WindowOp, p: WindowParams, outShape: readonly number[]): T {
  const taps = tapGeoms(x.shape, p, outShape).map((g) => (g === null ? full(outShape, init, x.dtype) : tap(x, init, g, outShape)));
  const all = isIdentity(op, init, x.dtype) ? taps : [full(outShape, init, x.dtype), ...taps];
  const f = op === "add" ? add : op === "mul" ? mul : op === "max" ? max : min;
  return all.slice(1).reduce((a, b) => f(a, b), all[0]!);
}

// ---------------------------------------------------------------- the taps as views

/**
 * Where one tap reads, per dim: outputs o = o0 + j·m (j < n) read input element h0 + j·r; the
 * other outputs read padding or base dilation. null: the tap reads no element of the input.
 */
interface TapDim {
  readonly o0: number;
  readonly m: number;
  readonly h0: number;
  readonly r: number;
  readonly n: number;
}
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Output o of the tap at window offset `off` (already times the window dilation) reads the
 * padded, base-dilated input at q = o·s + off - lo, which is input element q / ld when ld
 * divides q and 0 <= q / ld < H: o steps by m = ld / gcd(s, ld), the element by r = s / gcd.
 */
function tapDim(h: number, outN: number, s: number, ld: number, a: number): TapDim | null {
  const g = gcd(s, ld);
  const m = ld / g;
  // the first o whose position is in range and a multiple of ld (positions repeat mod ld every m steps)
  let o0 = a >= 0 ? 0 : Math.ceil(-a / s);
  for (let tries = 1; (o0 * s + a) % ld !== 0; tries++, o0++) if (tries === m) return null;
  const h0 = (o0 * s + a) / ld;
  if (o0 > outN - 1 || h0 > h - 1) return null;
  return { o0, m, h0, r: s / g, n: Math.min(Math.floor((outN - 1 - o0) / m), Math.floor((h - 1 - h0) / (s / g))) + 1 };
}

/** Every tap's geometry, in row-major window order (the last dim fastest). */
function tapGeoms(shape: readonly number[], p: WindowParams, outShape: readonly number[]): (TapDim[] | null)[] {
  const { window, windowDilation: wd } = p;
  const total = window.reduce((a, b) => a * b, 1);
  const taps: (TapDim[] | null)[] = [];
  for (let t = 0; t < total; t++) {
    const dims: TapDim[] = new Array(window.length);
    let empty = false;
    for (let i = window.length - 1, rest = t; i >= 0; i--) {
      const off = (rest % window[i]!) * wd[i]!;
      rest = Math.floor(rest / window[i]!);
      const d = tapDim(shape[i]!, outShape[i]!, p.strides[i]!, p.baseDilation[i]!, off - p.padding[i]![0]);
      if (d === null) empty = true;
      else dims[i] = d;
    }
    taps.push(empty ? null : dims);
  }
  return taps;
}

/** A tap: a strided slice of x, spread over the output with `init` where it reads no element. */
function tap(x: T, init: number, g: readonly TapDim[], outShape: readonly number[]): T {
  const v = slice(
    x,
    g.map((d) => d.h0),
    g.map((d) => d.h0 + (d.n - 1) * d.r + 1),
    g.map((d) => d.r),
  );
  return padWith(
    v,
    init,
    g.map((d) => d.o0),
    g.map((d, i) => outShape[i]! - 1 - (d.o0 + (d.n - 1) * d.m)),
    g.map((d) => d.m - 1),
  );
}

/** A tap's transpose: an output-shaped y back onto the input's positions (0 where the tap reads none). */
function tapT(y: T, g: readonly TapDim[], shape: readonly number[]): T {
  const v = slice(
    y,
    g.map((d) => d.o0),
    g.map((d) => d.o0 + (d.n - 1) * d.m + 1),
    g.map((d) => d.m),
  );
  return pad(
    v,
    g.map((d) => d.h0),
    g.map((d, i) => shape[i]! - 1 - (d.h0 + (d.n - 1) * d.r)),
    g.map((d) => d.r - 1),
  );
}

// ---------------------------------------------------------------- reduce_window_max / reduce_window_min

export interface ChooserParams {
  /** the forward composition (x -> the window maxima), what the compiler inlines */
  readonly graph: Graph;
  readonly init: number;
  readonly window: WindowParams;
}

/**
 * Which candidate each window's result is: the index of the first tap equal to it (in x's float
 * dtype, exact for any window, so the kernels stay float for the SIMD renderer), -1
 * for a non-identity init (the first candidate, as XLA folds it first: it takes no derivative),
 * the tap count when none is equal (a NaN result: no derivative either).
 */
function firstHit(op: "max" | "min", x: T, out: T, init: number, geoms: readonly (TapDim[] | null)[]): T {
  let acc = full(out.shape, geoms.length, x.dtype);
  for (let k = geoms.length - 1; k >= 0; k--) {
    const g = geoms[k]!;
    const v = g === null ? full(out.shape, init, x.dtype) : tap(x, init, g, out.shape);
    acc = select(eq(v, out), full(out.shape, k, x.dtype), acc);
  }
  if (!isIdentity(op, init, x.dtype)) acc = select(eq(full(out.shape, init, x.dtype), out), full(out.shape, -1, x.dtype), acc);
  return acc;
}

function chooserPrim(op: "max" | "min"): Prim<ChooserParams> {
  const name = `reduce_window_${op}`;
  const self: Prim<ChooserParams> = {
    name,
    jet: "linear",
    abstractEval: (_ins, { graph }) => graph.outputs[0]!.aval,
    impl: ([x], { graph }) => evalGraphHost(graph, [x!, ...graph.consts.map((c) => c.value.backend.toHostSync(c.value))])[0]!,
    jvp([x], [t], { init, window }, out) {
      if (t === null || t === undefined || !isFloat(out.dtype)) return null;
      const geoms = tapGeoms(x!.shape, window, out.shape);
      const hit = firstHit(op, x!, out, init, geoms);
      // the tangent of the chosen tap, gathered through the same views (padding has tangent 0)
      let acc = zerosLike(out);
      geoms.forEach((g, k) => {
        if (g !== null) acc = select(eq(hit, full(out.shape, k, hit.dtype)), tap(t, 0, g, out.shape), acc);
      });
      return acc;
    },
    vjp(ct, [x], { init, window }, out, wanted) {
      if (!wanted[0] || !isFloat(out.dtype)) return [null];
      const geoms = tapGeoms(x!.shape, window, out.shape);
      const hit = firstHit(op, x!, out, init, geoms);
      if (tiles(window)) return [tiledGrad(hit, ct, window.window, x!.shape)];
      // each input element collects the cotangent of every window whose chosen tap it is: the
      // chosen index and the cotangent read through each tap's transposed view (one kernel)
      let acc: T | null = null;
      geoms.forEach((g, k) => {
        if (g === null) return;
        const part = select(eq(tapT(hit, g, x!.shape), full(x!.shape, k, hit.dtype)), tapT(ct, g, x!.shape), zerosLike(x!));
        acc = acc === null ? part : add(acc, part);
      });
      return [acc ?? zerosLike(x!)];
    },
    batch([x], _dims, { init, window }): [T, BatchDim] {
      const w: WindowParams = {
        window: [1, ...window.window],
        strides: [1, ...window.strides],
        padding: [[0, 0], ...window.padding],
        baseDilation: [1, ...window.baseDilation],
        windowDilation: [1, ...window.windowDilation],
      };
      return [chooser(op, x!, init, w), 0];
    },
    subgraph: (p) => ({ graph: p.graph, output: 0 }),
    customRules: true,
    showParams: (p) => `window=[${p.window.window}] strides=[${p.window.strides}] padding=[${p.window.padding.map((q) => `(${q})`)}] init=${p.init}`,
  };
  return self;
}
/** Windows that tile the input (stride = window, no padding or dilation): each element is in at most one. */
const tiles = (p: WindowParams) =>
  p.window.every((k, i) => p.strides[i] === k && p.baseDilation[i] === 1 && p.windowDilation[i] === 1 && p.padding[i]![0] === 0 && p.padding[i]![1] === 0);

/**
 * The gradient when windows tile the input: x seen as [..., O_i, K_i, ...] (a reshape), where an
 * element gets its window's cotangent when its offset in the window is the chosen one. Plain
 * broadcast views, no masks: one kernel, SIMD on wasm; dims past the last whole window get 0.
 */
function tiledGrad(hit: T, ct: T, window: readonly number[], shape: readonly number[]): T {
  const split = hit.shape.flatMap((o, i) => [o, window[i]!]);
  const outer = hit.shape.map((_, i) => 2 * i);
  // the flat (row-major) window offset of every position of the split shape
  let offset: T | null = null;
  let stride = 1;
  for (let i = window.length - 1; i >= 0; i--) {
    if (window[i]! > 1) {
      const term = mul(iota(split, 2 * i + 1, hit.dtype), full(split, stride, hit.dtype));
      offset = offset === null ? term : add(offset, term);
    }
    stride *= window[i]!;
  }
  const chosen = eq(broadcastInDim(hit, split, outer), offset ?? full(split, 0, hit.dtype));
  const g = reshape(select(chosen, broadcastInDim(ct, split, outer), full(split, 0, ct.dtype)), hit.shape.map((o, i) => o * window[i]!));
  return pad(g, shape.map(() => 0), shape.map((h, i) => h - g.shape[i]!), shape.map(() => 0));
}

export const reduceWindowMaxP = chooserPrim("max");
export const reduceWindowMinP = chooserPrim("min");

/** The traced forward compositions, per op, input aval, init and window (kept small). */
const bodies = new Map<string, Graph>();

function chooser(op: "max" | "min", x: T, init: number, p: WindowParams): T {
  const key = cacheKey([op, x.dtype, x.shape, init, p]);
  let graph = bodies.get(key);
  if (!graph) {
    const outShape = outShapeOf(x.shape, p);
    graph = traceFlat(([v]) => [combine(v as T, init, op, p, outShape)], [{ shape: x.shape, dtype: x.dtype }]).graph;
    if (bodies.size >= 512) bodies.clear();
    bodies.set(key, graph);
  }
  return apply(op === "max" ? reduceWindowMaxP : reduceWindowMinP, [x], { graph, init, window: p });
}
