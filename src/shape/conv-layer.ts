/**
 * Types of nn.conv and nn.convTranspose (flax.linen.Conv, ConvTranspose): x is
 * [...batch, ...spatial, features] with one spatial dim per kernel dim; the spatial output dims
 * are lax.convGeneralDilated's or lax.convTranspose's (shape/conv.ts) in the NHWC / HWIO layouts,
 * so the window arithmetic has one home. Pure types; the run-time twins of
 * the messages are featuresMsg and convLayerRankMsg in tensor/messages.ts.
 */
import type { Shape, ShapeError, ShowShape } from "./core.js";
import type { Add, Div, Lt, Mod, Sub } from "./arith.js";
import type { ConvGeneralDilated, ConvTranspose } from "./conv.js";

// Only lengths and indexed access below (no `S extends [...infer H, infer L]`), so that a shape with
// a generic dim ([N, 16, 16, 1] inside `<N extends number>` code) resolves instead of being deferred.
/** S[From], S[From + 1], ... up to N elements. */
type Take<S extends readonly number[], N extends number, From extends number = 0, Acc extends number[] = []> = Acc["length"] extends N
  ? Acc
  : Take<S, N, From, [...Acc, S[Add<From, Acc["length"]>]]>;

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
 * never when featureGroupCount G divides both I and O (or one of them is not known), else
 * `conv: featureGroupCount 4 must divide inFeatures 4 and outFeatures 6` (convLayerGroupsMsg's twin).
 */
export type ConvGroupsCheck<I extends number, O extends number, G> = G extends number
  ? number extends I | O | G
    ? never
    : G extends 0
      ? never
      : [Mod<I, G>, Mod<O, G>] extends [0, 0]
        ? never
        : ShapeError<`conv: featureGroupCount ${G} must divide inFeatures ${I} and outFeatures ${O}`>
  : never;

/**
 * never when x fits a conv layer of I features with K's spatial rank, else the error:
 * `conv: the input must be [...batch, ...spatial, features] with 2 spatial dims, got shape [4, 3]`
 * or featuresMsg's `conv: the input has shape [8, 28, 28, 3] but the layer takes 1 features`.
 */
export type ConvLayerCheck<S extends Shape, K extends readonly number[], I extends number, Op extends string = "conv"> = number extends S["length"] | K["length"]
  ? never
  : Lt<S["length"], Add<K["length"], 1>> extends true
    ? ShapeError<`${Op}: the input must be [...batch, ...spatial, features] with ${K["length"]} spatial dims, got shape ${ShowShape<S>}`>
    : S[Sub<S["length"], 1>] extends infer D extends number
      ? number extends D | I
        ? never
        : D extends I
          ? never
          : ShapeError<`${Op}: the input has shape ${ShowShape<S>} but the layer takes ${I} features`>
      : never;

/**
 * nn.conv's output shape: x's batch dims, the spatial dims of convGeneralDilated over one
 * [1, ...spatial, I] image, then O features; or convGeneralDilated's error (strides or padding of
 * the wrong length, string padding with input dilation).
 */
export type ConvLayerShape<S extends Shape, K extends readonly number[], I extends number, O extends number, G extends number, St, P, LD, KD> = number extends
  | S["length"]
  | K["length"]
  ? number[]
  : Lt<S["length"], Add<K["length"], 1>> extends true
    ? number[]
    : [Sub<S["length"], Add<K["length"], 1>>, Take<S, K["length"], Sub<S["length"], Add<K["length"], 1>>>] extends [infer BR extends number, infer Sp extends number[]]
    ? ConvGeneralDilated<
          [1, ...Sp, I],
          ConvKernel<K, I, O, G>,
          St,
          P,
          { dimensionNumbers: ChannelsLast<K["length"]>; lhsDilation: LD; rhsDilation: KD; featureGroupCount: G }
        > extends infer R
      ? R extends readonly [number, ...infer Out extends number[]]
        ? [...Take<S, BR>, ...Out]
        : R
      : never
    : never;

/**
 * nn.convTranspose's output shape: x's batch dims, the spatial dims of lax.convTranspose over one
 * [1, ...spatial, I] image with a [...K, I, O] kernel ([...K, O, I] with transposeKernel, as
 * flax), then O features; or convTranspose's error.
 */
export type ConvTransposeLayerShape<S extends Shape, K extends readonly number[], I extends number, O extends number, St, P, KD, TK> = number extends
  | S["length"]
  | K["length"]
  ? number[]
  : Lt<S["length"], Add<K["length"], 1>> extends true
    ? number[]
    : [Sub<S["length"], Add<K["length"], 1>>, Take<S, K["length"], Sub<S["length"], Add<K["length"], 1>>>] extends [infer BR extends number, infer Sp extends number[]]
      ? ConvTranspose<
            [1, ...Sp, I],
            TK extends true ? [...K, O, I] : [...K, I, O],
            St,
            P,
            { dimensionNumbers: ChannelsLast<K["length"]>; rhsDilation: KD; transposeKernel: TK extends true ? true : false }
          > extends infer R
        ? R extends readonly [number, ...infer Out extends number[]]
          ? [...Take<S, BR>, ...Out]
          : R
        : never
      : never;
