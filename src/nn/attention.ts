/**
 * flax.linen.MultiHeadDotProductAttention: query, key and value projections to `numHeads` heads of
 * `qkvFeatures / numHeads` features, scaled dot-product attention (queries divided by
 * sqrt(head features)), and an output projection. Parameters have flax's names and shapes
 * (`query.kernel` `[in, heads, headFeatures]`, `out.kernel` `[heads, headFeatures, out]`), so
 * flax checkpoints map onto them.
 */
import type { PRNGKey } from "../random/random.js";
import { bernoulli, split } from "../random/random.js";
import type { DType, FloatDType } from "../ir/dtype.js";
import type { Check, Shape, ShapeError } from "../shape/core.js";
import type { Div } from "../shape/arith.js";
import type { AttentionWeights, FeatureCheck, HeadsCheck, Lead, MaskCheck, SequenceCheck } from "../shape/layers.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { fromHost, zeros } from "../tensor/create.js";
import { iota } from "../prims/broadcast.js";
import type { TypeFn, TypeFnFail, WithTypeFn } from "../transforms/types.js";
import { shapeError } from "../tensor/checks.js";
import { headsMsg, maskMsg, showShape } from "../tensor/messages.js";
import { lecunNormal, type Initializer } from "./init.js";
import { checkSequence, checkSize, o, withTypeFn } from "./common.js";

type T = AnyTensor;

export interface MultiHeadAttentionOptions<H extends number, Q extends number, I extends number, O extends number> {
  readonly numHeads: H;
  /** the features of queries, keys and values together (split over the heads) */
  readonly qkvFeatures: Q;
  /** the inputs' features (default qkvFeatures) */
  readonly inFeatures?: I;
  /** the output's features (default inFeatures) */
  readonly outFeatures?: O;
  /** the kernels' initialiser (default lecunNormal, flax's, on the kernel flattened to [fanIn, fanOut]) */
  readonly kernelInit?: Initializer;
  /** dropout on the attention weights in training (default 0), as flax's dropout_rate */
  readonly dropoutRate?: number;
  /** one dropout mask `[qLength, kvLength]` shared by the batch and the heads (default true, flax's broadcast_dropout), else one per weight */
  readonly broadcastDropout?: boolean;
}

/** One projection of attention: flax's DenseGeneral kernel and bias. */
export interface Projection<K extends Shape, B extends Shape> {
  readonly kernel: Tensor<[...K]>;
  readonly bias: Tensor<[...B]>;
}

/** multiHeadAttention's parameters: I inputs, H heads of Dh features, O outputs. */
export interface AttentionParams<I extends number, H extends number, Dh extends number, O extends number> {
  readonly query: Projection<[I, H, Dh], [H, Dh]>;
  readonly key: Projection<[I, H, Dh], [H, Dh]>;
  readonly value: Projection<[I, H, Dh], [H, Dh]>;
  readonly out: Projection<[H, Dh, O], [O]>;
}

export interface AttentionApplyOptions<D extends FloatDType, KV extends Shape = Shape, M extends Shape = Shape, W extends Shape = number[]> {
  /** the keys' and values' inputs `[..., kvLength, inFeatures]` (default: x itself, self-attention) */
  readonly inputsKV?: Tensor<KV, D>;
  /**
   * broadcastable to `[..., heads, qLength, kvLength]`: a bool mask (false: the key is not attended
   * to; its logit becomes the dtype's lowest value, as flax) or a float one added to the logits
   */
  readonly mask?: Check<MaskCheck<M, W>, Tensor<M, "bool" | FloatDType>>;
  /** query i attends to keys j <= i only (combined with `mask`) */
  readonly causal?: boolean;
  /** the attention-weight dropout's key (needed in training when dropoutRate > 0) */
  readonly key?: PRNGKey;
  /** no dropout (evaluation) */
  readonly deterministic?: boolean;
}

type AttnCheck<S extends Shape, I extends number> = [SequenceCheck<"multiHeadAttention", S>] extends [never]
  ? FeatureCheck<"multiHeadAttention", S, I>
  : SequenceCheck<"multiHeadAttention", S>;

export interface MultiHeadAttention<I extends number, H extends number, Dh extends number, O extends number> {
  readonly numHeads: H;
  readonly headFeatures: Dh;
  /** Kernels from the initialiser, zero biases. */
  init(key: PRNGKey): AttentionParams<I, H, Dh, O>;
  /** Attention of x `[..., length, inFeatures]` over itself (or `inputsKV`): `[..., length, outFeatures]`. */
  readonly apply: AttentionApply<I, H, Dh, O>;
}
/** AttentionApply's call signature alone (what nn.withTypeFn takes). */
export interface AttentionCall<I extends number, H extends number, Dh extends number, O extends number> {
  /** Attention of x `[..., length, inFeatures]` over itself (or `inputsKV`): `[..., length, outFeatures]`. */
  <S extends Shape, D extends FloatDType = "float32", KV extends Shape = S, M extends Shape = []>(
    params: AttentionParams<I, H, Dh, O>,
    x: Check<AttnCheck<S, I>, Tensor<S, D>>,
    opts?: AttentionApplyOptions<D, KV, M, AttentionWeights<S, KV, H>>,
  ): Tensor<[...Lead<S>, O], D>;
}
/** multiHeadAttention's apply, carrying its type-level twin for vmap (transforms/types.ts's TypeFn). */
export interface AttentionApply<I extends number, H extends number, Dh extends number, O extends number> extends AttentionCall<I, H, Dh, O>, WithTypeFn<AttentionApplyFn<I, H, O>, AttentionCall<I, H, Dh, O>> {}
/** The twin: x checked as the declared signature checks it, then the options' mask against the weights (blamed on the options). */
export interface AttentionApplyFn<I extends number, H extends number, O extends number> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, Tensor<infer S, infer D>, ...infer R]
    ? Check<AttnCheck<S, I>, [OptionsCheck<S, H, R>] extends [never] ? Tensor<[...Lead<S>, O], D> : OptionsCheck<S, H, R>>
    : unknown;
}
/** never, or TypeFnFail on argument 2 with MaskCheck's message for the options' mask. */
type OptionsCheck<S extends Shape, H extends number, R> = R extends readonly [{ readonly mask: Tensor<infer M, DType> }, ...unknown[]]
  ? MaskCheck<M, AttentionWeights<S, R[0] extends { readonly inputsKV: Tensor<infer KV, DType> } ? KV : S, H>> extends infer C
    ? [C] extends [never]
      ? never
      : [C] extends [ShapeError<infer Msg>]
        ? TypeFnFail<2, Msg>
        : never
    : never
  : never;

const LOWEST = { float32: -3.4028234663852886e38, float64: -Number.MAX_VALUE } as const;

/**
 * Multi-head dot-product attention (flax's MultiHeadDotProductAttention; `dropoutRate` drops
 * attention weights in training, given a `key` in apply's options, as flax's dropout_rng):
 * `multiHeadAttention({ numHeads: 4, qkvFeatures: 256 })` attends `[B, T, 256]` to `[B, T, 256]`.
 * numHeads must divide qkvFeatures (a compile-time error naming both otherwise). A fully masked
 * query row attends uniformly to every key, as in flax.
 */
export function multiHeadAttention<const H extends number, const Q extends number, const I extends number = Q, const O extends number = I>(
  opts: Check<HeadsCheck<H, Q>, MultiHeadAttentionOptions<H, Q, I, O>>,
): MultiHeadAttention<I, H, Div<Q, H>, O> {
  const op = opts as MultiHeadAttentionOptions<number, number, number, number>;
  const h = checkSize("multiHeadAttention", "numHeads", op.numHeads);
  const q = checkSize("multiHeadAttention", "qkvFeatures", op.qkvFeatures);
  if (q % h !== 0) shapeError(headsMsg(h, q));
  const inF = checkSize("multiHeadAttention", "inFeatures", op.inFeatures ?? q);
  const outF = checkSize("multiHeadAttention", "outFeatures", op.outFeatures ?? inF);
  const dh = q / h;
  const rate = op.dropoutRate ?? 0;
  const broadcastDropout = op.broadcastDropout ?? true;
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`multiHeadAttention: dropoutRate must be in [0, 1), got ${rate}`);
  const kinit = op.kernelInit ?? lecunNormal;
  const proj = (key: PRNGKey, rows: number, cols: number, shape: number[], bias: number[]) => ({
    kernel: o.reshape(kinit(key, [rows, cols]), shape),
    bias: zeros(bias),
  });
  return {
    numHeads: h as H,
    headFeatures: dh as Div<Q, H>,
    init(key) {
      const [kq, kk, kv, ko] = split(key, 4);
      return {
        query: proj(kq, inF, q, [inF, h, dh], [h, dh]),
        key: proj(kk, inF, q, [inF, h, dh], [h, dh]),
        value: proj(kv, inF, q, [inF, h, dh], [h, dh]),
        out: proj(ko, q, outF, [h, dh, outF], [outF]),
      } as never;
    },
    apply: withTypeFn(function (params, x, aopts = {}) {
      const p = params as unknown as Record<"query" | "key" | "value" | "out", { kernel: T; bias: T }>;
      const xq = checkSequence("multiHeadAttention", x, inF);
      const xkv = aopts.inputsKV === undefined ? xq : checkSequence("multiHeadAttention", aopts.inputsKV, inF);
      if (showShape(xkv.shape.slice(0, -2)) !== showShape(xq.shape.slice(0, -2))) {
        shapeError(`multiHeadAttention: inputsKV has shape ${showShape(xkv.shape)} but the queries have shape ${showShape(xq.shape)} (batch dims differ)`);
      }
      const project = (t: T, w: { kernel: T; bias: T }) => o.add(o.einsum("...ti,ihd->...thd", t, w.kernel), w.bias);
      const qh = o.div(project(xq, p.query), Math.sqrt(dh));
      const kh = project(xkv, p.key);
      const vh = project(xkv, p.value);
      let logits = o.einsum("...qhd,...khd->...hqk", qh, kh);
      const wshape = logits.shape;
      const [tq, tk] = wshape.slice(-2) as [number, number];
      let keep: T | undefined;
      const m = aopts.mask;
      if (m !== undefined) {
        if (!(m instanceof TensorClass)) throw new TypeError("multiHeadAttention: mask must be a tensor");
        const mt = m as T;
        const fits = mt.shape.length <= wshape.length && mt.shape.every((d, i) => d === 1 || d === wshape[wshape.length - mt.shape.length + i]);
        if (!fits) shapeError(maskMsg(mt.shape, wshape));
        if (mt.dtype === "bool") keep = mt;
        else logits = o.add(logits, mt);
      }
      if (aopts.causal) {
        if (m === undefined) {
          // causal alone: the same logits as the select below (a finite logit plus the lowest
          // value rounds to the lowest value; every row keeps its diagonal) as a float mask added
          // to them, built on the host (a constant of the trace, not a kernel per call): the add
          // fuses as float arithmetic, and its backward is the identity
          const dt = logits.dtype as FloatDType;
          const add = dt === "float64" ? new Float64Array(tq * tk) : new Float32Array(tq * tk);
          for (let i = 0; i < tq; i++) add.fill(LOWEST[dt], i * tk + i + 1, (i + 1) * tk);
          logits = o.add(logits, fromHost(add, [tq, tk], dt));
        } else {
          const causal = o.greaterEqual(iota([tq, tk], 0), iota([tq, tk], 1));
          keep = keep === undefined ? causal : o.logicalAnd(keep, causal);
        }
      }
      if (keep !== undefined) logits = o.where(keep, logits, LOWEST[logits.dtype as FloatDType]);
      let weights = o.softmax(logits, -1);
      if (rate > 0 && !aopts.deterministic) {
        // flax: weights · bernoulli(key, 1 - rate, shape) / (1 - rate), shape [1, ..., 1, q, k] when broadcast
        if (aopts.key === undefined) throw new TypeError("multiHeadAttention: dropoutRate > 0 needs a key unless deterministic");
        const ws = weights.shape;
        const keep = bernoulli(aopts.key, 1 - rate, broadcastDropout ? [...ws.slice(0, -2).map(() => 1), ...ws.slice(-2)] : ws) as T;
        weights = o.mul(weights, o.div(o.astype(keep, weights.dtype), 1 - rate));
      }
      const attended = o.einsum("...hqk,...khd->...qhd", weights, vh);
      return o.add(o.einsum("...qhd,hdo->...qo", attended, p.out.kernel), p.out.bias) as never;
    }),
  };
}
