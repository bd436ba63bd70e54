/**
 * Output shapes of lax.reduceWindow and of nn.maxPool / nn.avgPool, one dim at a time through
 * the window arithmetic of window.ts (`WindowDim`, `SamePads`). The run-time twins are in
 * src/tensor/messages.ts (the messages) and src/lax/window.ts (the checks). Pure types.
 */
import type { Add } from "./arith.js";
import type { Dynamic, Shape, ShapeError, ShowShape } from "./core.js";
import type { PaddedWindowDim } from "./window.js";

/** Padding of a window op: "SAME", "VALID", or one [lo, hi] pair per windowed dim. */
export type WindowPadding = "SAME" | "VALID" | readonly (readonly [number, number])[];

/** Entry I of a list of numbers, or 1 when the list is absent (strides and dilations default to 1). */
type At<L, I extends number> = L extends readonly number[] ? (L[I] extends infer X extends number ? X : number) : 1;

/** One output dim: input H, window K, stride St, dilations BD (input) and WD (window). */
type OutDim<H extends number, K extends number, St extends number, P, I extends number, BD extends number, WD extends number> = PaddedWindowDim<H, K, St, P, I, WD, BD>;

/** The output dims of windowed dims S (lists W, St, P, BD, WD line up with S). */
type WindowDims<S extends Shape, W, St, P, BD, WD, Acc extends number[] = []> = Acc["length"] extends S["length"]
  ? Acc
  : WindowDims<S, W, St, P, BD, WD, [...Acc, OutDim<S[Acc["length"]] & number, At<W, Acc["length"]>, At<St, Acc["length"]>, P, Acc["length"], At<BD, Acc["length"]>, At<WD, Acc["length"]>>]>;

/** `reduceWindow: windowStrides [1, 1] (length 2) does not match shape [4, 4, 3] (rank 3)`. */
export type WindowLengthMsg<Op extends string, What extends string, L extends readonly number[], S extends Shape> =
  `${Op}: ${What} ${ShowShape<L>} (length ${L["length"]}) does not match shape ${ShowShape<S>} (rank ${S["length"]})`;

/** `reduceWindow: padding has 2 pairs for shape [4, 4, 3] (rank 3)`. */
export type WindowPadPairsMsg<Op extends string, N extends number, Of extends string> = `${Op}: padding has ${N} pairs for ${Of}`;

/** The first list of `Ls` (named by `Names`) whose known length is not N, as a message; never when all fit. */
type LengthError<Op extends string, Ls extends readonly unknown[], Names extends readonly string[], S extends Shape> = Ls extends readonly [infer L, ...infer Rest]
  ? Names extends readonly [infer Nm extends string, ...infer NRest extends readonly string[]]
    ? L extends readonly number[]
      ? number extends L["length"]
        ? LengthError<Op, Rest, NRest, S>
        : L["length"] extends S["length"]
          ? LengthError<Op, Rest, NRest, S>
          : WindowLengthMsg<Op, Nm, L, S>
      : LengthError<Op, Rest, NRest, S>
    : never
  : never;

type PadError<P, N extends number, Of extends string, Op extends string> = P extends readonly (readonly [number, number])[]
  ? number extends P["length"]
    ? never
    : P["length"] extends N
      ? never
      : WindowPadPairsMsg<Op, P["length"], Of>
  : never;

/**
 * The result shape of `reduceWindow(operand: S, ..., W, St, P, { baseDilation: BD, windowDilation: WD })`
 * (BD, WD: undefined for 1s), or a ShapeError naming the list whose length is not S's rank.
 */
export type ReduceWindowShape<S extends Shape, W extends readonly number[], St extends readonly number[], P, BD = undefined, WD = undefined, Op extends string = "reduceWindow"> =
  number extends S["length"]
    ? number extends W["length"]
      ? number[]
      : Dynamic<W["length"]>
    : ErrorOr<
        LengthError<Op, [W, St, BD, WD], ["windowDimensions", "windowStrides", "baseDilation", "windowDilation"], S>,
        ErrorOr<PadError<P, S["length"], `shape ${ShowShape<S>} (rank ${S["length"]})`, Op>, WindowDims<S, W, St, P, BD, WD>>
      >;

/** The ShapeError of message M, or R when there is none (M is never). */
type ErrorOr<M, R> = [M] extends [never] ? R : ShapeError<M & string>;

/** `maxPool: a 2-D window [2, 2] needs an input of rank 3 or more ([...batch, ...spatial, features]), got [28, 28]`. */
export type PoolRankMsg<Op extends string, W extends readonly number[], S extends Shape> =
  `${Op}: a ${W["length"]}-D window ${ShowShape<W>} needs an input of rank ${Add<W["length"], 1>} or more ([...batch, ...spatial, features]), got ${ShowShape<S>}`;

/** `maxPool: strides [2] (length 1) do not match window [2, 2] (length 2)`. */
export type PoolStridesMsg<Op extends string, St extends readonly number[], W extends readonly number[]> =
  `${Op}: strides ${ShowShape<St>} (length ${St["length"]}) do not match window ${ShowShape<W>} (length ${W["length"]})`;

/** The last N dims of S and the ones before them (false when S is shorter). */
type SplitLast<S extends Shape, N extends number, Acc extends number[] = []> = Acc["length"] extends N
  ? [S, Acc]
  : S extends readonly [...infer R extends Shape, infer L extends number]
    ? SplitLast<R, N, [L, ...Acc]>
    : false;

/**
 * The result shape of `nn.maxPool(x: S, W, { strides: St, padding: P })` as flax: x is
 * [...batch, ...spatial, features] with one spatial dim per window dim; spatial dims shrink
 * by the window arithmetic, the others are kept. A ShapeError for a rank below W's + 1, strides
 * of another length than W, or another number of padding pairs.
 */
export type PoolShape<S extends Shape, W extends readonly number[], St, P, Op extends string = "pool"> = number extends S["length"]
  ? number[]
  : number extends W["length"]
    ? number[]
    : S extends readonly [...infer Front extends Shape, infer C extends number]
      ? SplitLast<Front, W["length"]> extends [infer B extends Shape, infer Sp extends Shape]
        ? St extends readonly number[]
          ? number extends St["length"]
            ? [...B, ...WindowDims<Sp, W, St, P, undefined, undefined>, C]
            : St["length"] extends W["length"]
              ? PoolTail<B, Sp, W, St, P, C, Op>
              : ShapeError<PoolStridesMsg<Op, St, W>>
          : PoolTail<B, Sp, W, St, P, C, Op>
        : ShapeError<PoolRankMsg<Op, W, S>>
      : ShapeError<PoolRankMsg<Op, W, S>>;

type PoolTail<B extends Shape, Sp extends Shape, W extends readonly number[], St, P, C extends number, Op extends string> = ErrorOr<
  PadError<P, W["length"], `window ${ShowShape<W>} (length ${W["length"]})`, Op>,
  [...B, ...WindowDims<Sp, W, St, P, undefined, undefined>, C]
>;
