/**
 * Types of jax.random's keys: a key is a `Tensor<[2], "uint32">` (JAX's raw key), a batch of keys
 * `Tensor<[B, 2], "uint32">` (map over it with vmap). Pure types, no runtime code.
 */
import type { DType } from "../ir/dtype.js";
import type { Shape, ShapeError, ShowShape } from "./core.js";

/** Whether a shape can be a key's ([2], or a dim only known at run time). */
type KeyShapeOk<S extends Shape> = number extends S["length"] ? true : S extends readonly [infer A] ? (number extends A ? true : A extends 2 ? true : false) : false;

/**
 * The error for a value passed where a key goes, or never: `random.normal: expected a key (a
 * uint32 tensor of shape [2], from random.key), got float32 [3]` (keyMsg in tensor/messages.ts).
 */
export type KeyError<K, Op extends string> = K extends { readonly shape: infer S extends Shape; readonly dtype: infer D extends DType }
  ? [D] extends ["uint32"]
    ? KeyShapeOk<S> extends true
      ? never
      : ShapeError<`${Op}: expected a key (a uint32 tensor of shape [2], from random.key), got ${D} ${ShowShape<S>}`>
    : ShapeError<`${Op}: expected a key (a uint32 tensor of shape [2], from random.key), got ${D} ${ShowShape<S>}`>
  : ShapeError<`${Op}: expected a key (a uint32 tensor of shape [2], from random.key), got a non-tensor value`>;

/** `N` copies of `K` as a tuple (a list past 64, or for a count typed `number`): what split returns. */
export type TupleOf<K, N extends number, Acc extends K[] = []> = number extends N
  ? K[]
  : Acc["length"] extends N
    ? Acc
    : Acc["length"] extends 64
      ? K[]
      : TupleOf<K, N, [...Acc, K]>;
