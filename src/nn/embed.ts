/** flax.linen.Embed: a table of `numEmbeddings` vectors of `features`, looked up by int32 ids. */
import type { PRNGKey } from "../random/random.js";
import type { DType, FloatDType } from "../ir/dtype.js";
import type { Check, Shape } from "../shape/core.js";
import type { IntIndices } from "../shape/gather.js";
import type { FeatureCheck, Lead } from "../shape/layers.js";
import { Tensor as TensorClass, type AnyTensor, type Tensor } from "../tensor/tensor.js";
import { take } from "../ops/indexing.js";
import type { TypeFn, WithTypeFn } from "../transforms/types.js";
import { shapeError } from "../tensor/checks.js";
import { intIndicesMsg } from "../tensor/messages.js";
import { varianceScaling, type Initializer } from "./init.js";
import { checkFeatures, checkSize, o, withTypeFn } from "./common.js";

export interface EmbedParams<N extends number, F extends number> {
  readonly embedding: Tensor<[N, F]>;
}

export interface Embed<N extends number, F extends number> {
  readonly numEmbeddings: N;
  readonly features: F;
  /** The table, from the initialiser (default flax's: normal with variance 1 / features). */
  init(key: PRNGKey): EmbedParams<N, F>;
  /**
   * The rows at `ids` (int32, any shape I): `Tensor<[...I, F]>`. Out-of-range ids clamp to the
   * table (shapegrad's gather rule; flax's jnp.take gives NaN there).
   */
  readonly apply: EmbedApply<N, F>;
  /** flax's Embed.attend: `query @ embedding.T`, `[..., F]` -> `[..., N]` (tied output weights). */
  attend<S extends Shape, D extends FloatDType = "float32">(params: EmbedParams<N, F>, query: Check<FeatureCheck<"embed.attend", S, F>, Tensor<S, D>>): Tensor<[...Lead<S>, N], D>;
}

/** EmbedApply's call signature alone (what nn.withTypeFn takes). */
export interface EmbedCall<N extends number, F extends number> {
  /**
   * The rows at `ids` (int32, any shape I): `Tensor<[...I, F]>`. Out-of-range ids clamp to the
   * table (shapegrad's gather rule; flax's jnp.take gives NaN there).
   */
  <I extends Shape, DI extends DType>(params: EmbedParams<N, F>, ids: Check<IntIndices<DI, "embed">, Tensor<I, DI>>): Tensor<[...I, F]>;
}
/** embed's apply, carrying its type-level twin for vmap (transforms/types.ts's TypeFn). */
export interface EmbedApply<N extends number, F extends number> extends EmbedCall<N, F>, WithTypeFn<EmbedApplyFn<F>, EmbedCall<N, F>> {}
export interface EmbedApplyFn<F extends number> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, Tensor<infer I, infer DI>, ...unknown[]] ? Check<IntIndices<DI, "embed">, Tensor<[...I, F]>> : unknown;
}

/** An embedding layer (flax.linen.Embed): `embed(vocab, features)`; options: `init` for the table. */
export function embed<const N extends number, const F extends number>(numEmbeddings: N, features: F, opts: { readonly init?: Initializer } = {}): Embed<N, F> {
  checkSize("embed", "numEmbeddings", numEmbeddings);
  checkSize("embed", "features", features);
  // flax's default: variance_scaling(1.0, "fan_in", "normal", out_axis=0), i.e. variance 1 / features
  const init = opts.init ?? varianceScaling(1, "fanIn", "normal", { outAxis: 0 });
  return {
    numEmbeddings,
    features,
    init: (key) => ({ embedding: init(key, [numEmbeddings, features]) }),
    apply: withTypeFn(function (params, ids) {
      if (!(ids instanceof TensorClass)) throw new TypeError("embed: ids must be an int32 tensor");
      const i = ids as AnyTensor;
      if (i.dtype !== "int32") shapeError(intIndicesMsg("embed", i.dtype));
      return take(params.embedding as AnyTensor, i as Tensor<Shape, "int32">, 0) as never;
    }),
    attend(params, query) {
      const q = checkFeatures("embed.attend", query, features);
      return o.einsum("...f,nf->...n", q, params.embedding) as never;
    },
  };
}
