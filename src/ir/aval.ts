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
