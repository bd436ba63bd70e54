/**
 * flax.linen.Conv and ConvTranspose: 1-, 2- or 3-D convolution layers over channels-last inputs
 * [...batch, ...spatial, features] (NHWC for 2-D) with an HWIO kernel, on lax.convGeneralDilated
 * and lax.convTranspose.
 */
import type { PRNGKey } from "../random/random.js";
import type { FloatDType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { ConvPadding } from "../shape/conv.js";
import type { ConvGroupsCheck, ConvKernel, ConvLayerCheck, ConvLayerShape, ConvTransposeLayerShape } from "../shape/conv-layer.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { convGeneralDilated, convTranspose as laxConvTranspose } from "../lax/conv.js";
import { zeros } from "../tensor/create.js";
import type { TypeFn, WithTypeFn } from "../transforms/types.js";
import { shapeError } from "../tensor/checks.js";
import { convLayerGroupsMsg, convLayerRankMsg, featuresMsg } from "../tensor/messages.js";
import { lecunNormal, type Initializer } from "./init.js";
import { checkSize, floatInput, o, withTypeFn } from "./common.js";

export interface ConvOptions {
  /** the step per spatial dim (default 1s) */
  readonly strides?: readonly number[];
  /** "SAME" (default, as flax), "SAME_LOWER", "VALID" or one [lo, hi] pair per spatial dim */
  readonly padding?: ConvPadding;
  /** input dilation per spatial dim (flax's input_dilation; needs explicit pads, as JAX) */
  readonly inputDilation?: readonly number[];
  /** kernel (atrous) dilation per spatial dim (flax's kernel_dilation) */
  readonly kernelDilation?: readonly number[];
  /** split the features into groups (depthwise: as many groups as inFeatures); default 1 */
  readonly featureGroupCount?: number;
  /** learn a bias (default true) */
  readonly useBias?: boolean;
  /** the kernel's initialiser (default lecunNormal, flax's; fans as variance_scaling's for a conv kernel) */
  readonly kernelInit?: Initializer;
}

type Get<Op, K extends string, Dflt> = Op extends { readonly [P in K]: infer V } ? V : Dflt;
type Groups<Op> = Get<Op, "featureGroupCount", 1> extends infer G extends number ? G : 1;

/**
 * The parameters of a conv layer: the HWIO kernel and, unless `useBias: false`, the bias (both
 * cases written out, so that hovers show the object, not a helper alias).
 */
export type ConvParams<K extends readonly number[], I extends number, O extends number, Op = {}> = Op extends { readonly useBias: false }
  ? { readonly kernel: Tensor<ConvKernel<K, I, O, Groups<Op>>> }
  : { readonly kernel: Tensor<ConvKernel<K, I, O, Groups<Op>>>; readonly bias: Tensor<[O]> };

/** A conv layer of I input and O output features with a kernel of spatial size K. */
export interface Conv<I extends number, O extends number, K extends readonly number[], Op = {}> {
  readonly inFeatures: I;
  readonly outFeatures: O;
  readonly kernelSize: K;
  /** The kernel from the initialiser, the bias zeros. */
  init(key: PRNGKey): ConvParams<K, I, O, Op>;
  /**
   * The convolution of x ([...batch, ...spatial, I]; no batch dims works too) plus the bias:
   * `[...batch, ...outSpatial, O]`, the spatial dims as lax.convGeneralDilated computes them.
   */
  readonly apply: ConvApply<I, O, K, Op>;
}
/** ConvApply's call signature alone (what nn.withTypeFn takes). */
export interface ConvCall<I extends number, O extends number, K extends readonly number[], Op> {
  /**
   * The convolution of x ([...batch, ...spatial, I]; no batch dims works too) plus the bias:
   * `[...batch, ...outSpatial, O]`, the spatial dims as lax.convGeneralDilated computes them.
   */
  <S extends Shape, D extends FloatDType = "float32">(
    params: ConvParams<K, I, O, Op>,
    x: Check<[ConvLayerCheck<S, K, I>] extends [never] ? ConvOut<S, K, I, O, Op> : ConvLayerCheck<S, K, I>, Tensor<S, D>>,
  ): Tensor<AsShape<ConvOut<S, K, I, O, Op>>, D>;
}
/** conv's apply, carrying its type-level twin for vmap (transforms/types.ts's TypeFn). */
export interface ConvApply<I extends number, O extends number, K extends readonly number[], Op> extends ConvCall<I, O, K, Op>, WithTypeFn<ConvApplyFn<I, O, K, Op>, ConvCall<I, O, K, Op>> {}
export interface ConvApplyFn<I extends number, O extends number, K extends readonly number[], Op> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, Tensor<infer S, infer D>, ...unknown[]]
    ? Check<[ConvLayerCheck<S, K, I>] extends [never] ? ConvOut<S, K, I, O, Op> : ConvLayerCheck<S, K, I>, Tensor<AsShape<ConvOut<S, K, I, O, Op>>, D>>
    : unknown;
}

/** The output shape of a conv layer with options Op (ConvLayerShape with the options' defaults). */
export type ConvOut<S extends Shape, K extends readonly number[], I extends number, O extends number, Op> = ConvLayerShape<
  S, K, I, O, Groups<Op>, Get<Op, "strides", undefined>, Get<Op, "padding", "SAME">, Get<Op, "inputDilation", undefined>, Get<Op, "kernelDilation", undefined>
>;

const LAYOUTS: Record<number, readonly [string, string, string]> = {
  1: ["NHC", "HIO", "NHC"],
  2: ["NHWC", "HWIO", "NHWC"],
  3: ["NDHWC", "DHWIO", "NDHWC"],
};

/**
 * A convolution layer (flax.linen.Conv): `conv(inFeatures, outFeatures, kernelSize, options)`, 1-D,
 * 2-D or 3-D by kernelSize's length. The kernel is [...kernelSize, inFeatures / featureGroupCount,
 * outFeatures], initialised lecunNormal, the bias zeros; padding defaults to "SAME" (output
 * ceil(H / stride), the odd unit at the end, as flax). Like flax (and lax), a cross-correlation:
 * the kernel is not flipped.
 */
export function conv<const I extends number, const O extends number, const K extends readonly number[], const Op extends ConvOptions = {}>(
  inFeatures: I,
  outFeatures: O,
  kernelSize: K,
  opts?: Check<ConvGroupsCheck<I, O, Get<Op, "featureGroupCount", 1>>, Op>,
): Conv<I, O, K, Op> {
  checkSize("conv", "inFeatures", inFeatures);
  checkSize("conv", "outFeatures", outFeatures);
  const n = kernelSize.length;
  const layout = LAYOUTS[n];
  if (!layout) throw new RangeError(`conv: kernelSize must have 1, 2 or 3 dims, got ${JSON.stringify(kernelSize)}`);
  kernelSize.forEach((k) => checkSize("conv", "kernelSize", k));
  const op = opts as ConvOptions | undefined;
  const g = checkSize("conv", "featureGroupCount", op?.featureGroupCount ?? 1);
  if (inFeatures % g !== 0 || outFeatures % g !== 0) shapeError(convLayerGroupsMsg(g, inFeatures, outFeatures));
  const useBias = op?.useBias ?? true;
  const kinit = op?.kernelInit ?? lecunNormal;
  return {
    inFeatures,
    outFeatures,
    kernelSize,
    init(key) {
      const kernel = kinit(key, [...kernelSize, inFeatures / g, outFeatures]);
      return (useBias ? { kernel, bias: zeros([outFeatures]) } : { kernel }) as never;
    },
    apply: withTypeFn(function (params, x) {
      const t = floatInput("conv", x);
      const s = t.shape;
      if (s.length < n + 1) shapeError(convLayerRankMsg(n, s));
      if (s[s.length - 1] !== inFeatures) shapeError(featuresMsg("conv", s, inFeatures));
      const batch = s.slice(0, s.length - n - 1);
      const img = o.reshape(t, [batch.reduce((a, b) => a * b, 1), ...s.slice(batch.length)]);
      const p = params as { kernel: AnyTensor; bias?: AnyTensor };
      const conv4 = convGeneralDilated as unknown as (l: AnyTensor, r: AnyTensor, st: readonly number[], pd: ConvPadding, op: object) => AnyTensor;
      let y = conv4(img, p.kernel, op?.strides ?? kernelSize.map(() => 1), op?.padding ?? "SAME", {
        dimensionNumbers: layout,
        lhsDilation: op?.inputDilation,
        rhsDilation: op?.kernelDilation,
        featureGroupCount: g,
      });
      if (p.bias) y = o.add(y, p.bias);
      return o.reshape(y, [...batch, ...y.shape.slice(1)]) as never;
    }),
  };
}

// ------------------------------------------------------------------------------------ convTranspose

export interface ConvTransposeOptions {
  /** the input dilation per spatial dim (the upsampling factor; default 1s) */
  readonly strides?: readonly number[];
  /** "SAME" (default, as flax: output H · stride), "VALID" (H · stride + max(k - stride, 0)) or [lo, hi] pairs */
  readonly padding?: Exclude<ConvPadding, "SAME_LOWER">;
  /** kernel dilation per spatial dim */
  readonly kernelDilation?: readonly number[];
  /** flip the kernel's spatial axes and read it as [...kernelSize, outFeatures, inFeatures] (the gradient of a conv; flax's transpose_kernel) */
  readonly transposeKernel?: boolean;
  /** learn a bias (default true) */
  readonly useBias?: boolean;
  /** the kernel's initialiser (default lecunNormal, flax's) */
  readonly kernelInit?: Initializer;
}

/** The parameters of a convTranspose layer: the kernel ([...K, I, O], or [...K, O, I] with transposeKernel) and, unless `useBias: false`, the bias. */
export type ConvTransposeParams<K extends readonly number[], I extends number, O extends number, Op = {}> = Op extends { readonly useBias: false }
  ? { readonly kernel: Tensor<Op extends { readonly transposeKernel: true } ? [...K, O, I] : [...K, I, O]> }
  : { readonly kernel: Tensor<Op extends { readonly transposeKernel: true } ? [...K, O, I] : [...K, I, O]>; readonly bias: Tensor<[O]> };

/** The output shape of a convTranspose layer with options Op. */
export type ConvTransposeOut<S extends Shape, K extends readonly number[], I extends number, O extends number, Op> = ConvTransposeLayerShape<
  S, K, I, O, Get<Op, "strides", undefined>, Get<Op, "padding", "SAME">, Get<Op, "kernelDilation", undefined>, Get<Op, "transposeKernel", false>
>;

/** A transposed-convolution layer of I input and O output features with a kernel of spatial size K. */
export interface ConvTransposeLayer<I extends number, O extends number, K extends readonly number[], Op = {}> {
  readonly inFeatures: I;
  readonly outFeatures: O;
  readonly kernelSize: K;
  /** The kernel from the initialiser, the bias zeros. */
  init(key: PRNGKey): ConvTransposeParams<K, I, O, Op>;
  /** lax.convTranspose of x ([...batch, ...spatial, I]) plus the bias: `[...batch, ...outSpatial, O]`. */
  readonly apply: ConvTransposeApply<I, O, K, Op>;
}
/** ConvTransposeApply's call signature alone (what nn.withTypeFn takes). */
export interface ConvTransposeCall<I extends number, O extends number, K extends readonly number[], Op> {
  /** lax.convTranspose of x ([...batch, ...spatial, I]) plus the bias: `[...batch, ...outSpatial, O]`. */
  <S extends Shape, D extends FloatDType = "float32">(
    params: ConvTransposeParams<K, I, O, Op>,
    x: Check<[ConvLayerCheck<S, K, I, "convTranspose">] extends [never] ? ConvTransposeOut<S, K, I, O, Op> : ConvLayerCheck<S, K, I, "convTranspose">, Tensor<S, D>>,
  ): Tensor<AsShape<ConvTransposeOut<S, K, I, O, Op>>, D>;
}
/** convTranspose's apply, carrying its type-level twin for vmap (transforms/types.ts's TypeFn). */
export interface ConvTransposeApply<I extends number, O extends number, K extends readonly number[], Op> extends ConvTransposeCall<I, O, K, Op>, WithTypeFn<ConvTransposeApplyFn<I, O, K, Op>, ConvTransposeCall<I, O, K, Op>> {}
export interface ConvTransposeApplyFn<I extends number, O extends number, K extends readonly number[], Op> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, Tensor<infer S, infer D>, ...unknown[]]
    ? Check<
        [ConvLayerCheck<S, K, I, "convTranspose">] extends [never] ? ConvTransposeOut<S, K, I, O, Op> : ConvLayerCheck<S, K, I, "convTranspose">,
        Tensor<AsShape<ConvTransposeOut<S, K, I, O, Op>>, D>
      >
    : unknown;
}

/**
 * A transposed-convolution layer (flax.linen.ConvTranspose) on lax.convTranspose, channels last:
 * `convTranspose(inFeatures, outFeatures, kernelSize, options)`, 1-, 2- or 3-D. The kernel is
 * [...kernelSize, inFeatures, outFeatures] ([..., outFeatures, inFeatures] with transposeKernel),
 * lecunNormal, the bias zeros; padding "SAME" by default, which gives H · stride.
 */
export function convTranspose<const I extends number, const O extends number, const K extends readonly number[], const Op extends ConvTransposeOptions = {}>(
  inFeatures: I,
  outFeatures: O,
  kernelSize: K,
  opts?: Op,
): ConvTransposeLayer<I, O, K, Op> {
  const op = "convTranspose";
  checkSize(op, "inFeatures", inFeatures);
  checkSize(op, "outFeatures", outFeatures);
  const n = kernelSize.length;
  const layout = LAYOUTS[n];
  if (!layout) throw new RangeError(`${op}: kernelSize must have 1, 2 or 3 dims, got ${JSON.stringify(kernelSize)}`);
  kernelSize.forEach((k) => checkSize(op, "kernelSize", k));
  const useBias = opts?.useBias ?? true;
  const tk = opts?.transposeKernel ?? false;
  const kinit = opts?.kernelInit ?? lecunNormal;
  return {
    inFeatures,
    outFeatures,
    kernelSize,
    init(key) {
      const kernel = kinit(key, tk ? [...kernelSize, outFeatures, inFeatures] : [...kernelSize, inFeatures, outFeatures]);
      return (useBias ? { kernel, bias: zeros([outFeatures]) } : { kernel }) as never;
    },
    apply: withTypeFn(function (params, x) {
      const t = floatInput(op, x);
      const s = t.shape;
      if (s.length < n + 1) shapeError(convLayerRankMsg(n, s, op));
      if (s[s.length - 1] !== inFeatures) shapeError(featuresMsg(op, s, inFeatures));
      const batch = s.slice(0, s.length - n - 1);
      const img = o.reshape(t, [batch.reduce((a, b) => a * b, 1), ...s.slice(batch.length)]);
      const p = params as { kernel: AnyTensor; bias?: AnyTensor };
      const ct = laxConvTranspose as unknown as (l: AnyTensor, r: AnyTensor, st: readonly number[], pd: ConvPadding, op: object) => AnyTensor;
      let y = ct(img, p.kernel, opts?.strides ?? kernelSize.map(() => 1), opts?.padding ?? "SAME", {
        dimensionNumbers: layout,
        rhsDilation: opts?.kernelDilation,
        transposeKernel: tk,
      });
      if (p.bias) y = o.add(y, p.bias);
      return o.reshape(y, [...batch, ...y.shape.slice(1)]) as never;
    }),
  };
}
