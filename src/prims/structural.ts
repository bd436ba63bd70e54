/**
 * Primitives that move data without arithmetic: transpose, slice, pad, concatenate, rev (broadcast
 * and reshape are in broadcast.ts). Transposes, slices and revs lower to index maps; pad and
 * concatenate to masked index maps, so none of them is ever a copy of its own.
 */
import { sizeOf, stridesOf, stridedOffsets, showShape } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import { HostArray, affineGather } from "../ir/host-array.js";
import { K, type Expr } from "../ir/kernel.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading, zerosLike } from "./broadcast.js";
import { apply, fail, type Prim } from "./util.js";

type T = AnyTensor;
type Primitive<P extends object = object> = Prim<P>;

// ---------------------------------------------------------------- transpose

export interface TransposeParams {
  /** out axis k is input axis perm[k]. */
  readonly perm: readonly number[];
}
export const transposeP: Primitive<TransposeParams> = {
  name: "transpose",
  jet: "linear",
  abstractEval([x], { perm }) {
    const r = x!.shape.length;
    if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => p < 0 || p >= r)) fail(`transpose perm [${perm}] for rank ${r}`);
    return { shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype };
  },
  impl([x], { perm }, out) {
    const xs = stridesOf(x!.shape);
    return new HostArray(affineGather(x!.data, out.dtype, out.shape, 0, perm.map((p) => xs[p]!)), out.shape, out.dtype);
  },
  jvp: (_x, [t], p) => (t === null ? null : transpose(t, p.perm)),
  vjp: (ct, _x, { perm }) => [transpose(ct, inversePerm(perm))],
  batch: ([x], _d, p) => [apply(transposeP, [x!], { perm: [0, ...p.perm.map((a) => a + 1)] }), 0],
  lower: {
    kind: "view",
    view: (v, { perm }) => ({ shape: perm.map((p) => v.shape[p]!), strides: perm.map((p) => v.strides[p]!), offset: v.offset }),
  },
  showParams: (p) => `perm=[${p.perm.join(",")}]`,
};

export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

// ---------------------------------------------------------------- slice / pad

export interface SliceParams {
  readonly start: readonly number[];
  readonly limit: readonly number[];
  readonly strides: readonly number[];
}
const sliceLen = (start: number, limit: number, stride: number) => Math.max(0, Math.ceil((limit - start) / stride));

export const sliceP: Primitive<SliceParams> = {
  name: "slice",
  jet: "linear",
  abstractEval([x], { start, limit, strides }) {
    const s = x!.shape;
    if (start.length !== s.length || limit.length !== s.length || strides.length !== s.length) fail("slice params rank");
    s.forEach((d, i) => {
      if (start[i]! < 0 || limit[i]! > d || start[i]! > limit[i]! || strides[i]! < 1) fail(`slice [${start}]:[${limit}]:[${strides}] of ${showShape(s)}`);
    });
    return { shape: s.map((_, i) => sliceLen(start[i]!, limit[i]!, strides[i]!)), dtype: x!.dtype };
  },
  impl([x], { start, strides }, out) {
    const xs = stridesOf(x!.shape);
    const base = start.reduce((acc, st, i) => acc + st * xs[i]!, 0);
    return new HostArray(affineGather(x!.data, out.dtype, out.shape, base, xs.map((s, i) => s * strides[i]!)), out.shape, out.dtype);
  },
  jvp: (_x, [t], p) => (t === null ? null : slice(t, p.start, p.limit, p.strides)),
  vjp(ct, [x], { start, strides }) {
    const high = x!.shape.map((d, i) => {
      const n = ct.shape[i]!;
      return n === 0 ? d - start[i]! : d - (start[i]! + (n - 1) * strides[i]! + 1);
    });
    // an empty slice has nothing to pad from: its cotangent is zero
    if (ct.shape.some((d) => d === 0)) return [zerosLike(x!)];
    return [pad(ct, start, high, strides.map((s) => s - 1))];
  },
  batch: ([x], _d, p) => [
    apply(sliceP, [x!], { start: [0, ...p.start], limit: [x!.shape[0]!, ...p.limit], strides: [1, ...p.strides] }),
    0,
  ],
  lower: {
    kind: "view",
    view: (v, { start, strides }, out) => ({
      shape: out.shape,
      strides: v.strides.map((s, i) => s * strides[i]!),
      offset: v.offset + start.reduce((acc, st, i) => acc + st * v.strides[i]!, 0),
    }),
  },
  showParams: (p) => `start=[${p.start}] limit=[${p.limit}] strides=[${p.strides}]`,
};

export interface PadParams {
  readonly low: readonly number[];
  readonly high: readonly number[];
  readonly interior: readonly number[];
}
export const padP: Primitive<PadParams> = {
  name: "pad",
  jet: "linear",
  abstractEval([x], { low, high, interior }) {
    const s = x!.shape;
    if ([...low, ...high, ...interior].some((v) => v < 0)) fail("pad with negative widths");
    return {
      shape: s.map((d, i) => low[i]! + high[i]! + d + Math.max(0, d - 1) * interior[i]!),
      dtype: x!.dtype,
    };
  },
  impl([x], { low, interior }, out) {
    // scatter: input element i lands at low + i·(interior + 1) along every axis
    const o = allocate(out.dtype, sizeOf(out.shape));
    const os = stridesOf(out.shape);
    const step = os.map((st, i) => st * (interior[i]! + 1));
    const offs = stridedOffsets(x!.shape, step, low.reduce((acc, l, i) => acc + l * os[i]!, 0));
    const d = x!.data;
    for (let i = 0; i < d.length; i++) o[offs[i]!] = d[i]!;
    return new HostArray(o, out.shape, out.dtype);
  },
  jvp: (_x, [t], p) => (t === null ? null : pad(t, p.low, p.high, p.interior)),
  vjp(ct, [x], { low, interior }) {
    const s = x!.shape;
    if (s.some((d) => d === 0)) return [zerosLike(x!)];
    const limit = s.map((d, i) => low[i]! + (d - 1) * (interior[i]! + 1) + 1);
    return [slice(ct, low, limit, interior.map((v) => v + 1))];
  },
  batch: ([x], _d, p) => [apply(padP, [x!], { low: [0, ...p.low], high: [0, ...p.high], interior: [0, ...p.interior] }), 0],
  lower: {
    kind: "gather",
    // element i lands at low + i·(interior + 1); everything else reads 0
    views: ([v], { low, interior }, out) => [
      {
        shape: out.shape,
        strides: v!.strides,
        offset: v!.offset,
        mask: v!.shape.map((d, i) => ({ lo: low[i]!, hi: d === 0 ? low[i]! : low[i]! + (d - 1) * (interior[i]! + 1) + 1, step: interior[i]! + 1 })),
      },
    ],
    expr: ([x]) => x!,
  },
  showParams: (p) => `low=[${p.low}] high=[${p.high}] interior=[${p.interior}]`,
};

// ---------------------------------------------------------------- concatenate

export interface ConcatParams {
  readonly axis: number;
}
export const concatenateP: Primitive<ConcatParams> = {
  name: "concatenate",
  jet: "linear",
  abstractEval(xs, { axis }) {
    const a = xs[0]!;
    let total = 0;
    for (const x of xs) {
      if (x.dtype !== a.dtype || x.shape.length !== a.shape.length || x.shape.some((d, i) => i !== axis && d !== a.shape[i])) {
        fail(`concatenate of ${xs.map((v) => showShape(v.shape)).join(", ")} on axis ${axis}`);
      }
      total += x.shape[axis]!;
    }
    const shape = [...a.shape];
    shape[axis] = total;
    return { shape, dtype: a.dtype };
  },
  impl(xs, { axis }, out) {
    const o = allocate(out.dtype, sizeOf(out.shape));
    const outer = out.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const inner = out.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
    const rowOut = out.shape[axis]! * inner;
    let col = 0;
    for (const x of xs) {
      const row = x.shape[axis]! * inner;
      for (let r = 0; r < outer; r++) o.set(x.data.subarray(r * row, (r + 1) * row), r * rowOut + col);
      col += row;
    }
    return new HostArray(o, out.shape, out.dtype);
  },
  jvp(xs, ts, p) {
    if (ts.every((t) => t === null)) return null;
    return concatenate(ts.map((t, i) => t ?? zerosLike(xs[i]!)), p.axis);
  },
  vjp(ct, xs, { axis }, _out, wanted) {
    let at = 0;
    return xs.map((x, i) => {
      const start = ct.shape.map((_, k) => (k === axis ? at : 0));
      const limit = ct.shape.map((d, k) => (k === axis ? at + x.shape[axis]! : d));
      at += x.shape[axis]!;
      return wanted[i] ? slice(ct, start, limit) : null;
    });
  },
  batch(xs, dims, { axis }) {
    const b = xs[dims.findIndex((d) => d !== null)]!.shape[0]!;
    const aligned = xs.map((x, i) => (dims[i] === null ? broadcastLeading(x, b) : x));
    return [apply(concatenateP, aligned, { axis: axis + 1 }), 0];
  },
  lower: {
    kind: "gather",
    // operand j owns the positions [at_j, at_j + n_j) of the axis
    views(vs, { axis }, out) {
      let at = 0;
      return vs.map((v) => {
        const n = v.shape[axis]!;
        const mask = out.shape.map((d, k) => (k === axis ? { lo: at, hi: at + n, step: 1 } : { lo: 0, hi: d, step: 1 }));
        at += n;
        return { shape: out.shape, strides: v.strides, offset: v.offset, mask };
      });
    },
    expr(loads, valid) {
      let e: Expr = loads[loads.length - 1]!;
      for (let j = loads.length - 2; j >= 0; j--) e = K.where(valid[j]!, loads[j]!, e);
      return e;
    },
  },
  showParams: (p) => `axis=${p.axis}`,
};

// ---------------------------------------------------------------- rev

export interface RevParams {
  /** the axes to reverse */
  readonly axes: readonly number[];
}
/**
 * Reverses the order of elements along `axes` (XLA's rev): a view with negative strides, so
 * flip fuses like a transpose. Its own transpose, jvp and batch are rev again.
 */
export const revP: Primitive<RevParams> = {
  name: "rev",
  jet: "linear",
  abstractEval([x], { axes }) {
    if (axes.some((a) => a < 0 || a >= x!.shape.length)) fail(`rev axes [${axes}] for rank ${x!.shape.length}`);
    return x!;
  },
  impl([x], { axes }, out) {
    const xs = stridesOf(x!.shape);
    const base = axes.reduce((acc, a) => acc + Math.max(0, x!.shape[a]! - 1) * xs[a]!, 0);
    const st = xs.map((s, i) => (axes.includes(i) ? -s : s));
    return new HostArray(affineGather(x!.data, out.dtype, out.shape, base, st), out.shape, out.dtype);
  },
  jvp: (_x, [t], p) => (t === null ? null : rev(t, p.axes)),
  vjp: (ct, _x, p) => [rev(ct, p.axes)],
  batch: ([x], _d, p) => [apply(revP, [x!], { axes: p.axes.map((a) => a + 1) }), 0],
  lower: {
    kind: "view",
    // index i of a reversed axis reads element n - 1 - i: start at the end, step backwards
    view: (v, { axes }) => ({
      shape: v.shape,
      strides: v.strides.map((s, i) => (axes.includes(i) ? -s : s)),
      offset: v.offset + axes.reduce((acc, a) => acc + Math.max(0, v.shape[a]! - 1) * v.strides[a]!, 0),
    }),
  },
  showParams: (p) => `axes=[${p.axes.join(",")}]`,
};

// ---------------------------------------------------------------- internal ops

export function transpose(x: T, perm: readonly number[]): T {
  return perm.every((p, i) => p === i) ? x : apply(transposeP, [x], { perm: [...perm] });
}
export function slice(x: T, start: readonly number[], limit: readonly number[], strides?: readonly number[]): T {
  const st = strides ? [...strides] : start.map(() => 1);
  if (start.every((s, i) => s === 0 && limit[i] === x.shape[i] && st[i] === 1)) return x;
  return apply(sliceP, [x], { start: [...start], limit: [...limit], strides: st });
}
export function pad(x: T, low: readonly number[], high: readonly number[], interior: readonly number[]): T {
  if (low.every((l, i) => l === 0 && high[i] === 0 && interior[i] === 0)) return x;
  return apply(padP, [x], { low: [...low], high: [...high], interior: [...interior] });
}
export function rev(x: T, axes: readonly number[]): T {
  const ax = axes.filter((a) => x.shape[a]! > 1);
  return ax.length === 0 ? x : apply(revP, [x], { axes: [...ax].sort((a, b) => a - b) });
}
export function concatenate(xs: readonly T[], axis: number): T {
  return xs.length === 1 ? xs[0]! : apply(concatenateP, xs, { axis });
}

/** Moves axis `from` to position `to`. */
export function moveAxis(x: T, from: number, to: number): T {
  if (from === to) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return transpose(x, perm);
}
