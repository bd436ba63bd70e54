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
