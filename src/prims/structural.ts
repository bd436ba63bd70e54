/** Primitives that move data without arithmetic: broadcast, reshape, transpose, slice, pad, concatenate. */
import { sizeOf, stridesOf, stridedOffsets, showShape, type AbstractValue } from "../ir/aval.js";
import { allocate, type AnyTypedArray } from "../ir/dtype.js";
import type { Primitive } from "../ir/primitive.js";
import { bind } from "../ir/trace.js";
import { HostArray } from "../backend/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import * as lax from "../ops/lax.js";

/**
 * out[i0..ik] = x[base + sum_k i_k * strides[k]]: broadcasts, transposes and slices are all this
 * one affine gather.
 */
export function affineGather(x: AnyTypedArray, dtype: AbstractValue["dtype"], outShape: readonly number[], base: number, strides: readonly number[]): AnyTypedArray {
  const offs = stridedOffsets(outShape, strides, base);
  const o = allocate(dtype, offs.length);
  for (let i = 0; i < offs.length; i++) o[i] = x[offs[i]!]!;
  return o;
}

const fail = (msg: string): never => {
  throw new Error(`internal: ${msg}`);
};

// ---------------------------------------------------------------- broadcast_in_dim

export interface BroadcastParams {
  readonly shape: readonly number[];
  /** dims[i]: the output axis that input axis i becomes (increasing). */
  readonly dims: readonly number[];
}
export const broadcastInDimP: Primitive<BroadcastParams> = {
  name: "broadcast_in_dim",
  abstractEval([x], { shape, dims }) {
    if (dims.length !== x!.shape.length) fail(`broadcast_in_dim dims ${dims} for rank ${x!.shape.length}`);
    dims.forEach((d, i) => {
      const s = x!.shape[i]!;
      if (d < 0 || d >= shape.length || (s !== 1 && s !== shape[d]) || (i > 0 && d <= dims[i - 1]!)) {
        fail(`broadcast_in_dim of ${showShape(x!.shape)} to ${showShape(shape)} with dims [${dims}]`);
      }
    });
    return { shape, dtype: x!.dtype };
  },
  impl([x], { shape, dims }, out) {
    const xs = stridesOf(x!.shape);
    const strides = shape.map(() => 0);
    dims.forEach((d, i) => {
      if (x!.shape[i] !== 1) strides[d] = xs[i]!;
    });
    return new HostArray(affineGather(x!.data, out.dtype, shape, 0, strides), shape, out.dtype);
  },
  jvp: (_x, [t], p) => (t === null ? null : lax.broadcastInDim(t, p.shape, p.dims)),
  vjp(ct, [x], { shape, dims }) {
    // sum over the new axes and over the size-1 axes that were stretched, then restore x's shape
    const summed = shape.map((_, i) => i).filter((i) => !dims.includes(i) || (x!.shape[dims.indexOf(i)] === 1 && shape[i] !== 1));
    return [lax.reshape(lax.reduceSum(ct, summed), x!.shape)];
  },
  batch: ([x], _d, p) => [bind(broadcastInDimP, [x!], { shape: [x!.shape[0]!, ...p.shape], dims: [0, ...p.dims.map((d) => d + 1)] }), 0],
  showParams: (p) => `shape=${showShape(p.shape)} dims=[${p.dims.join(",")}]`,
};

// ---------------------------------------------------------------- reshape

export interface ReshapeParams {
  readonly shape: readonly number[];
}
export const reshapeP: Primitive<ReshapeParams> = {
  name: "reshape",
  abstractEval([x], { shape }) {
    if (sizeOf(shape) !== sizeOf(x!.shape)) fail(`reshape ${showShape(x!.shape)} to ${showShape(shape)}`);
    return { shape, dtype: x!.dtype };
  },
  impl: ([x], { shape }) => new HostArray(x!.data, shape, x!.dtype),
  jvp: (_x, [t], p) => (t === null ? null : lax.reshape(t, p.shape)),
  vjp: (ct, [x]) => [lax.reshape(ct, x!.shape)],
  batch: ([x], _d, p) => [bind(reshapeP, [x!], { shape: [x!.shape[0]!, ...p.shape] }), 0],
  showParams: (p) => `shape=${showShape(p.shape)}`,
};

// ---------------------------------------------------------------- transpose

export interface TransposeParams {
  /** out axis k is input axis perm[k]. */
  readonly perm: readonly number[];
}
export const transposeP: Primitive<TransposeParams> = {
  name: "transpose",
  abstractEval([x], { perm }) {
    const r = x!.shape.length;
    if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => p < 0 || p >= r)) fail(`transpose perm [${perm}] for rank ${r}`);
    return { shape: perm.map((p) => x!.shape[p]!), dtype: x!.dtype };
  },
  impl([x], { perm }, out) {
    const xs = stridesOf(x!.shape);
    return new HostArray(affineGather(x!.data, out.dtype, out.shape, 0, perm.map((p) => xs[p]!)), out.shape, out.dtype);
  },
  jvp: (_x, [t], p) => (t === null ? null : lax.transpose(t, p.perm)),
  vjp: (ct, _x, { perm }) => [lax.transpose(ct, inversePerm(perm))],
  batch: ([x], _d, p) => [bind(transposeP, [x!], { perm: [0, ...p.perm.map((a) => a + 1)] }), 0],
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
  jvp: (_x, [t], p) => (t === null ? null : lax.slice(t, p.start, p.limit, p.strides)),
  vjp(ct, [x], { start, strides }) {
    const high = x!.shape.map((d, i) => {
      const n = ct.shape[i]!;
      return n === 0 ? d - start[i]! : d - (start[i]! + (n - 1) * strides[i]! + 1);
    });
    // an empty slice has nothing to pad from: its cotangent is zero
    if (ct.shape.some((d) => d === 0)) return [lax.zerosLike(x!)];
    return [lax.pad(ct, start, high, strides.map((s) => s - 1))];
  },
  batch: ([x], _d, p) => [
    bind(sliceP, [x!], { start: [0, ...p.start], limit: [x!.shape[0]!, ...p.limit], strides: [1, ...p.strides] }),
    0,
  ],
  showParams: (p) => `start=[${p.start}] limit=[${p.limit}] strides=[${p.strides}]`,
};

export interface PadParams {
  readonly low: readonly number[];
  readonly high: readonly number[];
  readonly interior: readonly number[];
}
export const padP: Primitive<PadParams> = {
  name: "pad",
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
  jvp: (_x, [t], p) => (t === null ? null : lax.pad(t, p.low, p.high, p.interior)),
  vjp(ct, [x], { low, interior }) {
    const s = x!.shape;
    if (s.some((d) => d === 0)) return [lax.zerosLike(x!)];
    const limit = s.map((d, i) => low[i]! + (d - 1) * (interior[i]! + 1) + 1);
    return [lax.slice(ct, low, limit, interior.map((v) => v + 1))];
  },
  batch: ([x], _d, p) => [bind(padP, [x!], { low: [0, ...p.low], high: [0, ...p.high], interior: [0, ...p.interior] }), 0],
  showParams: (p) => `low=[${p.low}] high=[${p.high}] interior=[${p.interior}]`,
};

// ---------------------------------------------------------------- concatenate

export interface ConcatParams {
  readonly axis: number;
}
export const concatenateP: Primitive<ConcatParams> = {
  name: "concatenate",
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
    return lax.concatenate(ts.map((t, i) => t ?? lax.zerosLike(xs[i]!)), p.axis);
  },
  vjp(ct, xs, { axis }, _out, wanted) {
    let at = 0;
    return xs.map((x, i) => {
      const start = ct.shape.map((_, k) => (k === axis ? at : 0));
      const limit = ct.shape.map((d, k) => (k === axis ? at + x.shape[axis]! : d));
      at += x.shape[axis]!;
      return wanted[i] ? lax.slice(ct, start, limit) : null;
    });
  },
  batch(xs, dims, { axis }) {
    const b = xs[dims.findIndex((d) => d !== null)]!.shape[0]!;
    const aligned = xs.map((x, i) => (dims[i] === null ? lax.broadcastLeading(x, b) : x));
    return [bind(concatenateP, aligned, { axis: axis + 1 }), 0];
  },
  showParams: (p) => `axis=${p.axis}`,
};
