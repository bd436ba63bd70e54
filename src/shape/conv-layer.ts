/**
 * Types of nn.conv (flax.linen.Conv): x is [...batch, ...spatial, features] with one spatial dim
 * per kernel dim; the spatial output dims are lax.convGeneralDilated's (shape/conv.ts) in the
 * NHWC / HWIO layouts, so the window arithmetic has one home. Pure types; the run-time twins of
 * the messages are featuresMsg and convLayerRankMsg in tensor/messages.ts.
 */
import type { Shape, ShapeError, ShowShape } from "./core.js";
import type { Div } from "./arith.js";
import type { ConvGeneralDilated } from "./conv.js";
import type { FeatureCheck } from "./layers.js";

/** Whether S has at least N's length. */
type AtLeast<S extends readonly number[], N extends readonly unknown[]> = N extends readonly [unknown, ...infer R] ? (S extends readonly [number, ...infer T extends number[]] ? AtLeast<T, R> : false) : true;
type TakeLast<S extends readonly number[], N extends number, Acc extends number[] = []> = Acc["length"] extends N
  ? Acc
  : S extends readonly [...infer H extends number[], infer L extends number]
    ? TakeLast<H, N, [L, ...Acc]>
    : Acc;
type DropLast<S extends readonly number[], N extends number, Acc extends unknown[] = []> = Acc["length"] extends N
  ? S
  : S extends readonly [...infer H extends number[], number]
    ? DropLast<H, N, [...Acc, 0]>
    : S;
type Init<S extends Shape> = S extends readonly [...infer H extends number[], number] ? H : number[];

/** The layouts of an n-d channels-last convolution: NHC / NHWC / NDHWC with HIO / HWIO / DHWIO. */
export type ChannelsLast<N extends number> = N extends 1
  ? ["NHC", "HIO", "NHC"]
  : N extends 2
    ? ["NHWC", "HWIO", "NHWC"]
    : N extends 3
      ? ["NDHWC", "DHWIO", "NDHWC"]
      : never;

/** The kernel of nn.conv: [...kernelSize, inFeatures / featureGroupCount, outFeatures] (HWIO). */
export type ConvKernel<K extends readonly number[], I extends number, O extends number, G extends number> = [...K, G extends 1 ? I : Div<I, G>, O];

/**
 * never when x fits a conv layer of I features with K's spatial rank, else the error:
 * `conv: the input must be [...batch, ...spatial, features] with 2 spatial dims, got shape [4, 3]`
 * or featuresMsg's `conv: the input has shape [8, 28, 28, 3] but the layer takes 1 features`.
 */
export type ConvLayerCheck<S extends Shape, K extends readonly number[], I extends number> = number extends S["length"] | K["length"]
  ? never
  : AtLeast<S, [0, ...K]> extends false
    ? ShapeError<`conv: the input must be [...batch, ...spatial, features] with ${K["length"]} spatial dims, got shape ${ShowShape<S>}`>
    : FeatureCheck<"conv", S, I>;

/**
 * nn.conv's output shape: x's batch dims, the spatial dims of convGeneralDilated over one
 * [1, ...spatial, I] image, then O features; or convGeneralDilated's error (strides or padding of
 * the wrong length, string padding with input dilation).
 */
export type ConvLayerShape<S extends Shape, K extends readonly number[], I extends number, O extends number, G extends number, St, P, LD, KD> = number extends
  | S["length"]
  | K["length"]
  ? number[]
  : ConvGeneralDilated<
        [1, ...TakeLast<Init<S>, K["length"]>, I],
        ConvKernel<K, I, O, G>,
        St,
        P,
        { dimensionNumbers: ChannelsLast<K["length"]>; lhsDilation: LD; rhsDilation: KD; featureGroupCount: G }
      > extends infer R
    ? R extends readonly [number, ...infer Out extends number[]]
      ? [...DropLast<Init<S>, K["length"]>, ...Out]
      : R
    : never;
