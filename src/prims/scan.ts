/**
 * Cumulative reductions (cumsum, cumprod, cummax, cummin) as an associative scan built from
 * existing primitives (Hillis–Steele: ceil(log2 n) steps, step k combining each element with the
 * one 2^k before it). No new primitive: each step is a slice, a pad, a comparison with an iota
 * and the combining op, so it fuses into one elementwise kernel per step on every backend, and
 * jvp, vjp and vmap come from the pieces. The derivatives are exact: cumprod's goes through
 * multiplications only (never a division by x, so zeros in the input are fine); cumsum's
 * transpose comes out as the reverse scan.
 */
import type { AnyTensor } from "../tensor/tensor.js";
import { full, iota } from "./broadcast.js";
import { add, ge, lt, max, min, mul, select } from "./elementwise.js";
import { pad, slice } from "./structural.js";

type T = AnyTensor;

export type ScanOp = "sum" | "prod" | "max" | "min";
const COMBINE: Record<ScanOp, (a: T, b: T) => T> = { sum: add, prod: mul, max, min };

/** The inclusive scan of `op` along `axis`; `reverse` scans from the end (as lax.cumsum's reverse). */
export function cumulative(x: T, axis: number, op: ScanOp, reverse = false): T {
  const shape = x.shape;
  const n = shape[axis]!;
  const zeros = shape.map(() => 0);
  const combine = COMBINE[op];
  let y = x;
  for (let s = 1; s < n; s *= 2) {
    // y shifted by s along the axis (zeros where nothing is s before / after)
    const onAxis = (v: number, other: (i: number) => number) => shape.map((_, i) => (i === axis ? v : other(i)));
    const part = reverse ? slice(y, onAxis(s, () => 0), shape) : slice(y, zeros, onAxis(n - s, (i) => shape[i]!));
    const shifted = pad(part, onAxis(reverse ? 0 : s, () => 0), onAxis(reverse ? s : 0, () => 0), zeros);
    if (op === "sum") {
      y = add(y, shifted); // the padding is 0, the identity
    } else {
      const idx = iota(shape, axis);
      const has = reverse ? lt(idx, full(shape, n - s, "int32")) : ge(idx, full(shape, s, "int32"));
      y = select(has, combine(y, shifted), y);
    }
  }
  return y;
}
