/** lax.foriLoop: a scan over the indices for static bounds, a while loop for traced ones. */
import { add } from "../prims/elementwise.js";
import { full, iota } from "../prims/broadcast.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { scanImpl } from "./scan.js";
import { foriLoopWhile } from "./while.js";

type T = AnyTensor;

/** foriLoop: with static bounds a scan over the indices lower … upper-1 (int32 scalars); a traced bound makes it a while loop. */
export function foriLoopImpl(lower: number | T, upper: number | T, body: (i: unknown, carry: unknown) => unknown, init: unknown): unknown {
  if (typeof lower !== "number" || typeof upper !== "number") return foriLoopWhile(lower, upper, body, init);
  if (!Number.isInteger(lower) || !Number.isInteger(upper)) throw new Error(`foriLoop: the bounds must be integers, got ${lower} and ${upper}`);
  const n = Math.max(0, upper - lower);
  const is = add(iota([n], 0, "int32"), full([n], lower, "int32"));
  return scanImpl((c, i) => [body(i, c), null], init, is, {}, "foriLoop")[0];
}
