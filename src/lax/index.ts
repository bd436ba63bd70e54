/**
 * The `lax` namespace: control flow as compiled, differentiable primitives (jax.lax's names in
 * camelCase). `scan` and `foriLoop` (static bounds) are here.
 */
import { foriLoopImpl, scanImpl, type ScanOptions } from "./scan.js";

export type { ScanOptions };

/**
 * Loops `f(carry, x) -> [carry, y]` over the leading axis of `xs` (jax.lax.scan): returns
 * `[finalCarry, ys]` with the ys stacked on a new leading axis. carry, xs and ys are pytrees;
 * `xs` may be null with `{ length }`. `reverse` runs from the last element (ys still line up
 * with xs). The body is traced once and runs as one compiled program per step; grad, jvp, vmap
 * and jit transform the loop as one primitive (reverse mode saves each step's carry).
 */
export function scan(f: (carry: any, x: any) => [unknown, unknown], init: unknown, xs: unknown, opts?: ScanOptions): [any, any] {
  return scanImpl(f as (c: unknown, x: unknown) => unknown, init, xs, opts) as [any, any];
}

/**
 * `body(i, carry)` for i = lower … upper-1 (jax.lax.fori_loop) with static (number) bounds,
 * lowered to a scan, so it is reverse-differentiable; `i` is an int32 scalar tensor.
 */
export function foriLoop(lower: number, upper: number, body: (i: any, carry: any) => unknown, init: unknown): any {
  return foriLoopImpl(lower, upper, body, init);
}
