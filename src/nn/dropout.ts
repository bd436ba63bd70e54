/** flax.linen.Dropout: zeroes a random fraction `rate` of the inputs in training, identity in evaluation. */
import type { PRNGKey } from "../random/random.js";
import { bernoulli } from "../random/random.js";
import type { FloatDType } from "../ir/dtype.js";
import type { Shape } from "../shape/core.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { zerosLike } from "../ops/shape-utils.js";
import { normAxis } from "../tensor/checks.js";
import { floatInput, o } from "./common.js";

/** dropout's apply options: a key in training, or `deterministic: true` (evaluation: the identity). */
export type DropoutOptions = { readonly deterministic: true; readonly key?: PRNGKey } | { readonly deterministic?: false; readonly key: PRNGKey };

export interface Dropout {
  readonly rate: number;
  /**
   * Training: each element is kept with probability 1 - rate and divided by 1 - rate (inverted
   * dropout, so the expectation is x), else zeroed, from `key`'s draws (the same key, the same
   * mask). `deterministic: true`: x itself. rate 0 is the identity and rate 1 gives zeros, as flax.
   */
  apply<S extends Shape, D extends FloatDType = "float32">(x: Tensor<S, D>, opts: DropoutOptions): Tensor<S, D>;
  readonly broadcastDims: readonly number[];
}

export interface DropoutLayerOptions {
  /** axes along which the mask is shared (flax's broadcast_dims): [-2] drops whole rows of features alike */
  readonly broadcastDims?: readonly number[];
}

/** A dropout layer (flax.linen.Dropout) of the given rate in [0, 1]; it has no parameters. */
export function dropout(rate: number, opts: DropoutLayerOptions = {}): Dropout {
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) throw new RangeError(`dropout: rate must be in [0, 1], got ${String(rate)}`);
  const bdims = opts.broadcastDims ?? [];
  return {
    rate,
    broadcastDims: bdims,
    apply(x, opts) {
      const t = floatInput("dropout", x);
      if (opts?.deterministic === true || rate === 0) return x;
      if (opts?.key === undefined) throw new TypeError("dropout: needs a key unless deterministic");
      if (rate === 1) return zerosLike(t) as never;
      const keep = 1 - rate;
      // flax: the mask has size 1 along the broadcast dims (then broadcasts over them)
      const ms = t.shape.map((d, i) => (bdims.some((b) => normAxis("dropout", b, t.shape.length, t.shape) === i) ? 1 : d));
      const mask = o.broadcastTo(bernoulli(opts.key, keep, ms) as AnyTensor, t.shape);
      return o.where(mask, o.div(t, keep), zerosLike(t)) as never;
    },
  };
}
