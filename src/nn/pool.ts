/**
 * Pooling as flax.linen: maxPool and avgPool over the spatial dims of [...batch, ...spatial,
 * features] inputs (NHWC for 2-D), on top of lax.reduceWindow (prims/window.ts).
 */
import type { DType, FloatDType } from "../ir/dtype.js";
import { floatArg, intList, reduceWindowChecked, windowParams } from "../lax/window.js";
import * as lax from "../prims/lax.js";
import { windowIdentity } from "../prims/window.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { PoolShape, WindowPadding } from "../shape/pool.js";
import { shapeError, tensorArg } from "../tensor/checks.js";
import { poolRankMsg, poolStridesMsg, showShape, windowPadPairsMsg } from "../tensor/messages.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";

export interface PoolOptions<St extends readonly number[] | undefined = undefined, P extends WindowPadding = "VALID"> {
  /** the step between windows, one per window dim (default 1s) */
  readonly strides?: St;
  /** "VALID" (default), "SAME", or one [lo, hi] pair per window dim */
  readonly padding?: P;
}

export interface AvgPoolOptions<St extends readonly number[] | undefined = undefined, P extends WindowPadding = "VALID"> extends PoolOptions<St, P> {
  /** divide by the full window size (default true, as flax) rather than by the elements inside the input */
  readonly countIncludePad?: boolean;
}

/** The window over every dim of x (1 on batch and feature dims), checked as PoolShape checks it. */
function poolParams(op: string, x: AnyTensor, window: unknown, strides: unknown, padding: unknown) {
  const w = intList(op, "windowShape", window, 0);
  if (x.shape.length < w.length + 1) shapeError(poolRankMsg(op, w, x.shape));
  const st = strides === undefined ? w.map(() => 1) : intList(op, "strides", strides, 1);
  if (st.length !== w.length) shapeError(poolStridesMsg(op, st, w));
  const nb = x.shape.length - w.length - 1;
  const around = <V>(a: readonly V[], v: V): V[] => [...Array.from({ length: nb }, () => v), ...a, v];
  const pad = padding ?? "VALID";
  const pairs = Array.isArray(pad) ? around(pad as unknown[], [0, 0]) : pad;
  if (Array.isArray(pad) && pad.length !== w.length) shapeError(windowPadPairsMsg(op, pad.length, `window ${showShape(w)} (length ${w.length})`));
  return { params: windowParams(op, x.shape, around(w, 1), around(st, 1), pairs), nb };
}

/**
 * Max pooling (flax.linen.max_pool): the max over each window of the spatial dims of x, which is
 * [...batch, ...spatial, features] with one spatial dim per entry of `windowShape` (NHWC for a
 * 2-D window; an unbatched [H, W, C] works too). `strides` default to 1s, `padding` to "VALID"
 * ("SAME" gives ceil(H / s); padding reads -Infinity). Output dims are computed by the types:
 * `maxPool(Tensor<[8, 28, 28, 16]>, [2, 2], { strides: [2, 2] })` is `Tensor<[8, 14, 14, 16]>`.
 * The gradient goes to one element per window, the first maximum in row-major window order, as
 * JAX's (see lax.reduceWindow).
 */
export function maxPool<
  S extends Shape,
  D extends DType,
  const W extends readonly number[],
  const St extends readonly number[] | undefined = undefined,
  const P extends WindowPadding = "VALID",
>(x: Tensor<S, D>, windowShape: Check<PoolShape<S, W, St, P, "maxPool">, W>, options?: PoolOptions<St, P>): Tensor<AsShape<PoolShape<S, W, St, P, "maxPool">>, D> {
  const op = "maxPool";
  const t = tensorArg(op, x);
  const { params } = poolParams(op, t, windowShape, options?.strides, options?.padding);
  return reduceWindowChecked(op, t, windowIdentity("max", t.dtype), "max", params) as Tensor<AsShape<PoolShape<S, W, St, P, "maxPool">>, D>;
}

/**
 * Average pooling (flax.linen.avg_pool): the window sums of x ([...batch, ...spatial, features],
 * as maxPool) divided by the window size, or with `countIncludePad: false` by the number of
 * elements of x each window covers (padding does not count). Float tensors only.
 */
export function avgPool<
  S extends Shape,
  D extends FloatDType,
  const W extends readonly number[],
  const St extends readonly number[] | undefined = undefined,
  const P extends WindowPadding = "VALID",
>(x: Tensor<S, D>, windowShape: Check<PoolShape<S, W, St, P, "avgPool">, W>, options?: AvgPoolOptions<St, P>): Tensor<AsShape<PoolShape<S, W, St, P, "avgPool">>, D> {
  const op = "avgPool";
  const t = tensorArg(op, x);
  floatArg(op, t);
  const { params, nb } = poolParams(op, t, windowShape, options?.strides, options?.padding);
  const sum = reduceWindowChecked(op, t, 0, "add", params);
  let counts: AnyTensor;
  if (options?.countIncludePad ?? true) {
    counts = lax.full(sum.shape, params.window.reduce((a, b) => a * b, 1), t.dtype);
  } else {
    // the same windows over ones of the spatial shape: how many input elements each one covers
    const sp = (a: readonly unknown[]) => a.slice(nb, -1);
    const ones = lax.full(sp(t.shape) as number[], 1, t.dtype);
    const c = reduceWindowChecked(op, ones, 0, "add", {
      window: sp(params.window) as number[],
      strides: sp(params.strides) as number[],
      padding: sp(params.padding) as [number, number][],
      baseDilation: sp(params.baseDilation) as number[],
      windowDilation: sp(params.windowDilation) as number[],
    });
    counts = lax.broadcastInDim(c, sum.shape, c.shape.map((_, i) => nb + i));
  }
  return lax.div(sum, counts) as Tensor<AsShape<PoolShape<S, W, St, P, "avgPool">>, D>;
}
