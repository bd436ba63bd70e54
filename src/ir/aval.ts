import type { DType } from "./dtype.js";

/** What is known about a value while tracing: its shape and dtype. */
export interface AbstractValue {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function showShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

export function showAval(a: AbstractValue): string {
  return `${a.dtype}${showShape(a.shape)}`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i]!;
  }
  return st;
}

/**
 * The offset `base + Σ i_k · strides[k]` of every point of `shape`, in row-major order: the one
 * index walk behind gathers, scatters, reductions and products over strided data.
 */
export function stridedOffsets(shape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  const n = sizeOf(shape);
  const out = new Int32Array(n);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]!++;
      off += strides[ax]!;
      if (idx[ax]! < shape[ax]!) break;
      off -= strides[ax]! * idx[ax]!;
      idx[ax] = 0;
    }
  }
  return out;
}
