/**
 * The `lax` namespace: control flow as compiled, differentiable primitives (jax.lax's names in
 * camelCase): `scan`, `foriLoop`, `whileLoop`, `cond` and `switch`.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { ScanCarry, ScanCarryError, ScanLength, ScanSlice, ScanStack } from "./types.js";
import { scanImpl } from "./scan.js";
import { foriLoopImpl } from "./fori.js";

export interface ScanOptions<L extends number = number> {
  /** the number of steps: required when `xs` is null, else it must equal xs's leading dim */
  readonly length?: L;
  /** run from the last element of xs to the first (ys still line up with xs) */
  readonly reverse?: boolean;
}

/**
 * What the body must return: its own return type, or the carry error when the carry it returns
 * differs from `init` (so a bad body fails at the call, with the message in the diagnostic's
 * first line; the check sits on the body's return because a check on `init` stops TypeScript
 * from inferring the body's return type).
 */
type CheckBody<Op extends string, C, R, Out> = [ScanCarryError<Op, C, Out>] extends [never] ? R : ScanCarryError<Op, C, Out>;

/**
 * Loops `f(carry, x) -> [carry, y]` over the leading axis of `xs` (jax.lax.scan): returns
 * `[finalCarry, ys]` with the ys stacked on a new leading axis (of xs's leading dim, or `length`).
 * carry, xs and ys are pytrees of tensors; `xs` may be null with `{ length }`; a y may be null.
 * `reverse` runs from the last element (ys still line up with xs). A body whose carry comes out
 * with another structure, shape or dtype than `init` is an error at the call (and at run time),
 * e.g. `scan: the carry goes in as Tensor<[64]> and comes out as Tensor<[1, 64]>`.
 *
 * The body is traced once into a closed graph (the graph's size does not grow with the step
 * count) and runs as one compiled program per step. grad, jvp, vmap and jit transform the loop as
 * one primitive; reverse mode saves the carry of every step (memory O(steps · carry)) and
 * recomputes each step's body in a reverse scan.
 */
export function scan<const C, const X, R extends readonly [unknown, unknown], const L extends number = number>(
  f: (carry: C, x: ScanSlice<X>) => CheckBody<"scan", C, R, R[0]>,
  init: C,
  xs: X,
  opts?: ScanOptions<L>,
): [ScanCarry<C>, ScanStack<R[1], ScanLength<X, L>>] {
  return scanImpl(f as (c: unknown, x: unknown) => unknown, init, xs, opts) as [ScanCarry<C>, ScanStack<R[1], ScanLength<X, L>>];
}

/**
 * `body(i, carry)` for i = lower … upper-1 (jax.lax.fori_loop); `i` is an int32 scalar tensor. With
 * static (number) bounds it is a scan over the indices, so it is reverse-differentiable; a traced
 * bound (an int32 scalar tensor) makes it a whileLoop (forward mode and vmap only, as in JAX).
 */
export function foriLoop<const C, O>(lower: number | Tensor<[], "int32">, upper: number | Tensor<[], "int32">, body: (i: Tensor<[], "int32">, carry: C) => CheckBody<"foriLoop", C, O, O>, init: C): ScanCarry<C> {
  return foriLoopImpl(lower, upper, body as (i: unknown, c: unknown) => unknown, init) as ScanCarry<C>;
}

// ---- whileLoop (lax/while.ts)
export { whileLoop } from "./while.js";
// lax.cond / lax.switch (prims/cond.ts)
export { cond, switch } from "./cond.js";
// issue 11: lax.reduceWindow (lax/window.ts; the window_max/min primitive in prims/window.ts)
export { reduceWindow, type WindowComputation, type WindowPadding, type ReduceWindowOptions } from "./window.js";
// convolutions (lax/conv.ts)
export { convGeneralDilated, conv, convTranspose } from "./conv.js";
export type { ConvGeneralDilatedOptions, ConvPadding, ConvTransposeOptions } from "./conv.js";
