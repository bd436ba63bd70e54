/**
 * Normalisation layers, as flax.linen's LayerNorm, RMSNorm and BatchNorm: each normalises over the
 * features (the last axis) or the batch, then applies a learnt per-feature scale (init 1) and
 * bias (init 0). The variance is the centred mean((x - mean)²), not flax's default "fast"
 * mean(x²) - mean², which cancels in float32 when the mean is large against the spread.
 */
import type { PRNGKey } from "../random/random.js";
import type { FloatDType } from "../ir/dtype.js";
import type { Check, Shape } from "../shape/core.js";
import type { FeatureCheck } from "../shape/layers.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { ones, zeros } from "../tensor/create.js";
import type { TypeFn, WithTypeFn } from "../transforms/types.js";
import { checkFeatures, checkSize, o, withTypeFn } from "./common.js";

type T = AnyTensor;

export interface NormOptions {
  /** added to the variance (flax's defaults: 1e-6 for layerNorm and rmsNorm, 1e-5 for batchNorm) */
  readonly epsilon?: number;
  /** learn a per-feature bias (default true) */
  readonly useBias?: boolean;
  /** learn a per-feature scale (default true) */
  readonly useScale?: boolean;
}

/**
 * The parameters of a norm layer of F features: `scale` and `bias` unless the options turn them off.
 * (Each case is written out, so that hovers show `{ readonly scale: Tensor<[16]>; ... }`, not a
 * helper alias around an intersection.)
 */
export type NormParams<F extends number, O> = O extends { readonly useScale: false }
  ? O extends { readonly useBias: false }
    ? {}
    : { readonly bias: Tensor<[F]> }
  : O extends { readonly useBias: false }
    ? { readonly scale: Tensor<[F]> }
    : { readonly scale: Tensor<[F]>; readonly bias: Tensor<[F]> };

/** A normalisation layer of F features whose apply keeps x's shape and dtype. */
export interface Norm<Op extends string, F extends number, P> {
  readonly features: F;
  /** The parameters: scale ones, bias zeros (the key is unused; taken for a uniform init). */
  init(key?: PRNGKey): P;
  readonly apply: NormApply<Op, F, P>;
}
/** NormApply's call signature alone (what nn.withTypeFn takes). */
export interface NormCall<Op extends string, F extends number, P> {
  /** x normalised over its last (features) axis, then scaled (and shifted): the same shape and dtype. */
  <S extends Shape, D extends FloatDType = "float32">(params: P, x: Check<FeatureCheck<Op, S, F>, Tensor<S, D>>): Tensor<S, D>;
}
/** A norm's apply (x's shape and dtype kept), carrying its type-level twin for vmap (transforms/types.ts's TypeFn). */
export interface NormApply<Op extends string, F extends number, P> extends NormCall<Op, F, P>, WithTypeFn<NormApplyFn<Op, F>, NormCall<Op, F, P>> {}
export interface NormApplyFn<Op extends string, F extends number> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, Tensor<infer S, infer D>, ...unknown[]] ? Check<FeatureCheck<Op, S, F>, Tensor<S, D>> : unknown;
}

function normParams(f: number, useScale: boolean, useBias: boolean): Record<string, T> {
  const p: Record<string, T> = {};
  if (useScale) p.scale = ones([f]) as T;
  if (useBias) p.bias = zeros([f]) as T;
  return p;
}

function epsilonOf(op: string, e: number | undefined, dflt: number): number {
  const v = e ?? dflt;
  if (!(v >= 0)) throw new RangeError(`${op}: epsilon must be non-negative, got ${v}`);
  return v;
}

/** y · scale + bias for the parameters present. */
function affine(y: T, p: Record<string, T | undefined>): T {
  if (p.scale) y = o.mul(y, p.scale);
  if (p.bias) y = o.add(y, p.bias);
  return y;
}

/**
 * flax.linen.LayerNorm over the last axis: `(x - mean) / sqrt(var + epsilon) · scale + bias`, with
 * mean and variance over the features of each position. x: `[..., features]`, any leading dims.
 */
export function layerNorm<const F extends number, const O extends NormOptions = {}>(features: F, opts?: O): Norm<"layerNorm", F, NormParams<F, O>> {
  checkSize("layerNorm", "features", features);
  const eps = epsilonOf("layerNorm", opts?.epsilon, 1e-6);
  const useScale = opts?.useScale ?? true, useBias = opts?.useBias ?? true;
  return {
    features,
    init: () => normParams(features, useScale, useBias) as NormParams<F, O>,
    apply: withTypeFn(function (params, x) {
      const t = checkFeatures("layerNorm", x, features);
      const mu = o.mean(t, -1, true);
      const c = o.sub(t, mu);
      const y = o.mul(c, o.rsqrt(o.add(o.mean(o.square(c), -1, true), eps)));
      return affine(y, params as Record<string, T>) as never;
    }),
  };
}

/**
 * flax.linen.RMSNorm over the last axis: `x / sqrt(mean(x²) + epsilon) · scale` (no centring, no
 * bias; `useScale` only).
 */
export function rmsNorm<const F extends number, const O extends Omit<NormOptions, "useBias"> = {}>(
  features: F,
  opts?: O,
): Norm<"rmsNorm", F, NormParams<F, O & { readonly useBias: false }>> {
  checkSize("rmsNorm", "features", features);
  const eps = epsilonOf("rmsNorm", opts?.epsilon, 1e-6);
  const useScale = opts?.useScale ?? true;
  return {
    features,
    init: () => normParams(features, useScale, false) as NormParams<F, O & { readonly useBias: false }>,
    apply: withTypeFn(function (params, x) {
      const t = checkFeatures("rmsNorm", x, features);
      const y = o.mul(t, o.rsqrt(o.add(o.mean(o.square(t), -1, true), eps)));
      return affine(y, params as Record<string, T>) as never;
    }),
  };
}

/** batchNorm's running statistics: explicit state, returned updated by apply in training. */
export interface BatchStats<F extends number> {
  readonly mean: Tensor<[F]>;
  readonly var: Tensor<[F]>;
}

export interface BatchNormOptions extends NormOptions {
  /** the running statistics' decay: `ra = momentum · ra + (1 - momentum) · batch` (default 0.99, flax's) */
  readonly momentum?: number;
}

export interface BatchNormApplyOptions {
  /** true (evaluation): normalise with the running statistics and leave them; false (training): with the batch's, and update them */
  readonly useRunningAverage: boolean;
}

/** A batch-norm layer of F features (the last axis). */
export interface BatchNorm<F extends number, P> {
  readonly features: F;
  /** The parameters: scale ones, bias zeros. */
  init(key?: PRNGKey): P;
  /** The running statistics to start from: mean zeros, var ones (flax's). */
  initState(): BatchStats<F>;
  /**
   * Training (`useRunningAverage: false`): normalises with the mean and (biased) variance over all
   * axes but the last, and returns the running statistics moved towards them; evaluation
   * (`useRunningAverage: true`): normalises with the running statistics and returns them as they are.
   */
  apply<S extends Shape, D extends FloatDType = "float32">(
    params: P,
    state: BatchStats<F>,
    x: Check<FeatureCheck<"batchNorm", S, F>, Tensor<S, D>>,
    opts: BatchNormApplyOptions,
  ): [Tensor<S, D>, BatchStats<F>];
}

/** flax.linen.BatchNorm over the last axis (features), with flax's momentum (0.99) and epsilon (1e-5). */
export function batchNorm<const F extends number, const O extends BatchNormOptions = {}>(features: F, opts?: O): BatchNorm<F, NormParams<F, O>> {
  checkSize("batchNorm", "features", features);
  const eps = epsilonOf("batchNorm", opts?.epsilon, 1e-5);
  const m = opts?.momentum ?? 0.99;
  if (!(m >= 0 && m <= 1)) throw new RangeError(`batchNorm: momentum must be in [0, 1], got ${m}`);
  const useScale = opts?.useScale ?? true, useBias = opts?.useBias ?? true;
  return {
    features,
    init: () => normParams(features, useScale, useBias) as NormParams<F, O>,
    initState: () => ({ mean: zeros([features]), var: ones([features]) }),
    apply(params, state, x, aopts) {
      const t = checkFeatures("batchNorm", x, features);
      if (typeof aopts?.useRunningAverage !== "boolean") throw new TypeError("batchNorm: apply needs { useRunningAverage: true (evaluation) or false (training) }");
      const s = state as { mean: T; var: T };
      let mean: T, v: T, next: { mean: T; var: T };
      if (aopts.useRunningAverage) {
        [mean, v, next] = [s.mean, s.var, s];
      } else {
        const axes = t.shape.slice(0, -1).map((_, i) => i);
        mean = o.mean(t, axes);
        v = o.mean(o.square(o.sub(t, mean)), axes);
        const mix = (ra: T, b: T) => o.add(o.mul(ra, m), o.mul(o.astype(b, ra.dtype), 1 - m));
        next = { mean: mix(s.mean, mean), var: mix(s.var, v) };
      }
      const y = o.mul(o.sub(t, mean), o.rsqrt(o.add(v, eps)));
      return [affine(y, params as Record<string, T>), next] as never;
    },
  };
}
