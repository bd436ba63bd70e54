/**
 * The size arithmetic of windowed ops (convolution, pooling, reduceWindow), one spatial dim at a
 * time, at the type level. The runtime twin is `windowDim` in src/tensor/checks.ts: keep the two
 * the same formula. Pure types, no runtime code.
 *
 * For an input of size H, dilated by `lhsDilation` ld to (H - 1)·ld + 1, padded by lo and hi, and
 * a window of size K dilated by `rhsDilation` d to d·(K - 1) + 1, with stride S:
 *   out = floor((H' + lo + hi - K') / S) + 1, or 0 when the window does not fit (as XLA).
 * "SAME" padding gives ceil(H / S) and "VALID" is lo = hi = 0 (`SamePads` gives SAME's pairs).
 */
import type { Add, CeilDiv, Div, IsNegative, Max0, Mul, Sub } from "./arith.js";

/** The size of a dilated extent: (N - 1)·d + 1 (0 stays 0). */
export type Dilated<N extends number, D extends number> = N extends 0 ? 0 : Add<Mul<Sub<N, 1>, D>, 1>;

/** One output dim of a window op with explicit padding; `number` when any input is `number`. */
export type WindowDim<
  H extends number,
  K extends number,
  S extends number = 1,
  Lo extends number = 0,
  Hi extends number = 0,
  D extends number = 1,
  LD extends number = 1,
> = Sub<Add<Add<Dilated<H, LD>, Lo>, Hi>, Dilated<K, D>> extends infer Span extends number
  ? number extends Span
    ? number
    : IsNegative<Span> extends true
      ? 0
      : Add<Div<Span, S>, 1>
  : never;

/**
 * One output dim with "SAME" padding and no input dilation: ceil(H / S). With input dilation,
 * JAX computes SAME's pads from the undilated size (`SamePads`) and the output by `WindowDim`.
 */
export type SameDim<H extends number, S extends number = 1> = CeilDiv<H, S>;

/**
 * The [lo, hi] padding "SAME" uses for one dim: the total max(0, (out - 1)·S + K' - H'), split with
 * the extra unit at the end (as jax.lax.padtype_to_pads).
 */
export type SamePads<H extends number, K extends number, S extends number = 1, D extends number = 1> =
  Max0<Sub<Add<Mul<Sub<SameDim<H, S>, 1>, S>, Dilated<K, D>>, H>> extends infer P extends number
    ? number extends P
      ? [number, number]
      : [Div<P, 2>, Sub<P, Div<P, 2>>]
    : never;

/**
 * One output dim for a padding spec, the I-th spatial dim: "VALID", "SAME" (or "SAME_LOWER",
 * the same size with the odd unit at the start), or the I-th [lo, hi] pair of a list.
 */
export type PaddedWindowDim<H extends number, K extends number, S extends number, P, I extends number, D extends number = 1, LD extends number = 1> = P extends "VALID"
  ? WindowDim<H, K, S, 0, 0, D, LD>
  : P extends "SAME" | "SAME_LOWER"
    ? SamePads<H, K, S, D> extends [infer Lo extends number, infer Hi extends number]
      ? WindowDim<H, K, S, Lo, Hi, D, LD>
      : number
    : P extends readonly (readonly [number, number])[]
      ? P[I] extends readonly [infer Lo extends number, infer Hi extends number]
        ? WindowDim<H, K, S, Lo, Hi, D, LD>
        : number
      : number;
