import { stridesOf } from "../../src/ir/aval.js";
import type { View } from "../../src/ir/kernel.js";

/** Inputs for the kernel tests: n uniform values in [-0.5, 0.5) from a 32-bit LCG, the same for a seed on every run. */
export function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

export const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The row-major view of a whole buffer of this shape. */
export const plain = (shape: readonly number[]): View => ({ shape, strides: stridesOf(shape), offset: 0 });

/** The element a view reads at output point `idx`, or undefined outside its mask (a kernel reads 0 there). */
export function viewAt(v: View, data: ArrayLike<number>, idx: readonly number[]): number | undefined {
  let at = v.offset;
  for (let d = 0; d < idx.length; d++) {
    let i = idx[d]!;
    const m = v.mask?.[d];
    if (m) {
      if (i < m.lo || i >= m.hi || (i - m.lo) % m.step !== 0) return undefined;
      i = (i - m.lo) / m.step;
    }
    at += i * v.strides[d]!;
  }
  return data[at]!;
}
