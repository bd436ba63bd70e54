/**
 * Types of src/nn's layers: the feature checks that every layer applies to its input, and the
 * head arithmetic of attention. Pure types, no runtime code; the run-time twins of the messages
 * are in tensor/messages.ts (the nn layers block).
 */
import type { Shape, ShapeError, ShowShape } from "./core.js";
import type { Mod } from "./arith.js";

/** All dims of S but the last (the batch dims of a features-last input). */
export type Lead<S extends Shape> = S extends readonly [...infer H extends number[], number] ? H : number[];

/**
 * never when x's last dim can be the layer's F features, else the error (featuresMsg):
 * `layerNorm: the input has shape [8, 3] but the layer takes 4 features`.
 */
export type FeatureCheck<Op extends string, S extends Shape, F extends number> = number extends S["length"]
  ? never
  : S extends readonly [...number[], infer D extends number]
    ? number extends D | F
      ? never
      : D extends F
        ? never
        : ShapeError<`${Op}: the input has shape ${ShowShape<S>} but the layer takes ${F} features`>
    : ShapeError<`${Op}: the input has shape ${ShowShape<S>} but the layer takes ${F} features`>;

/** never when S has a length axis before the features, else `multiHeadAttention: the input must be [..., length, features], got shape [4]` (sequenceRankMsg). */
export type SequenceCheck<Op extends string, S extends Shape> = number extends S["length"]
  ? never
  : S extends readonly [...number[], number, number]
    ? never
    : ShapeError<`${Op}: the input must be [..., length, features], got shape ${ShowShape<S>}`>;

/** never when H heads divide Q features, else `multiHeadAttention: numHeads 3 does not divide qkvFeatures 256` (headsMsg). */
export type HeadsCheck<H extends number, Q extends number> = number extends H | Q
  ? never
  : Mod<Q, H> extends 0
    ? never
    : ShapeError<`multiHeadAttention: numHeads ${H} does not divide qkvFeatures ${Q}`>;

type Fits<M extends Shape, W extends Shape> = M extends readonly [...infer MH extends number[], infer ML extends number]
  ? W extends readonly [...infer WH extends number[], infer WL extends number]
    ? number extends ML | WL
      ? Fits<MH, WH>
      : ML extends 1
        ? Fits<MH, WH>
        : ML extends WL
          ? Fits<MH, WH>
          : false
    : false
  : true;

/**
 * The attention weights' shape `[..., heads, qLength, kvLength]` for queries S and keys KV, or
 * `number[]` when a rank is unknown.
 */
export type AttentionWeights<S extends Shape, KV extends Shape, H extends number> = S extends readonly [...infer B extends number[], infer Tq extends number, number]
  ? KV extends readonly [...number[], infer Tk extends number, number]
    ? [...B, H, Tq, Tk]
    : number[]
  : number[];

/** never when a mask of shape M broadcasts to the weights W, else `multiHeadAttention: the mask has shape [3] but the attention weights have shape [2, 2, 4, 4]` (maskMsg). */
export type MaskCheck<M extends Shape, W extends Shape> = number extends M["length"] | W["length"]
  ? never
  : Fits<M, W> extends true
    ? never
    : ShapeError<`multiHeadAttention: the mask has shape ${ShowShape<M>} but the attention weights have shape ${ShowShape<W>}`>;

/** sequential's chain error's text (sequentialMsg): `sequential: layer 2 takes [..., 64] but layer 1 gives [..., 32]`. */
export type SequentialMsg<K extends number, T extends number, G extends number> = `sequential: layer ${K} takes [..., ${T}] but ${K extends 0 ? "the input" : `layer ${Prev<K>}`} gives [..., ${G}]`;
type Prev<K extends number, C extends unknown[] = []> = [...C, 0]["length"] extends K ? C["length"] : Prev<K, [...C, 0]>;
