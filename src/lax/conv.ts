/**
 * Convolutions (jax.lax.conv_general_dilated, conv, conv_transpose), typed: the output shape is
 * computed by the types (shape/conv.ts) and misuse is a compile-time error naming both shapes;
 * dims typed `number` get the same checks, with the same text, here at run time.
 */
import type { FloatDType } from "../ir/dtype.js";
import { promote } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { ConvGeneralDilated, ConvGeneralDilatedOptions, ConvPadding, ConvTranspose, ConvTransposeOptions } from "../shape/conv.js";
import { conv as convPrim, type ConvDims } from "../prims/conv.js";
import { convert, rev, transpose } from "../prims/lax.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { samePads, shapeError, tensorArg } from "../tensor/checks.js";
import { convBatchGroupsMsg, convDefaultDimsMsg, convFeaturesMsg, convGroupsMsg, convLengthMsg, convRankMsg, convSpecMsg, convStringPadMsg } from "../tensor/messages.js";

export type { ConvGeneralDilatedOptions, ConvPadding, ConvTransposeOptions } from "../shape/conv.js";

const DEFAULT_DIMS: Record<number, readonly [string, string, string]> = {
  3: ["NCH", "OIH", "NCH"],
  4: ["NCHW", "OIHW", "NCHW"],
  5: ["NCDHW", "OIDHW", "NCDHW"],
};
const DEFAULT_T_DIMS: Record<number, readonly [string, string, string]> = {
  3: ["NHC", "HIO", "NHC"],
  4: ["NHWC", "HWIO", "NHWC"],
  5: ["NHWDC", "HWDIO", "NHWDC"],
};

/** Layout strings to axis indices, as jax.lax.conv_dimension_numbers (spatial axes in the kernel's order). */
function dimsOf(op: string, specs: readonly [string, string, string], l: readonly number[], r: readonly number[]): ConvDims {
  const [ls, rs, os] = specs;
  const n = l.length;
  const rSp = [...rs].filter((c) => c !== "O" && c !== "I");
  const fits = (s: string, a: string, b: string) =>
    s.length === n && new Set(s).size === n && s.includes(a) && s.includes(b) && [...s].filter((c) => c !== a && c !== b).every((c) => rSp.includes(c));
  if (!fits(ls, "N", "C") || !fits(rs, "O", "I") || !fits(os, "N", "C")) shapeError(convSpecMsg(op, specs, l, r));
  const perm = (s: string, a: string, b: string) => [s.indexOf(a), s.indexOf(b), ...rSp.map((c) => s.indexOf(c))];
  return { lhs: perm(ls, "N", "C"), rhs: perm(rs, "O", "I"), out: perm(os, "N", "C") };
}

function floatOperands(op: string, a: unknown, b: unknown): [AnyTensor, AnyTensor] {
  const x = tensorArg(op, a);
  const y = tensorArg(op, b);
  const d = promote(x.dtype, y.dtype);
  if (d !== "float32" && d !== "float64") throw new TypeError(`${op}: expects float tensors, got ${x.dtype} and ${y.dtype}`);
  return [convert(x, d), convert(y, d)];
}

const ones = (n: number) => new Array<number>(n).fill(1);

function spatialList(op: string, name: string, v: readonly number[] | undefined, s: number, min: number): number[] {
  const list = v === undefined ? ones(s) : [...v];
  if (list.length !== s) shapeError(convLengthMsg(op, s, name, list.length));
  if (list.some((d) => !Number.isInteger(d) || d < min)) shapeError(`${op}: ${name} must be integers >= ${min}, got ${JSON.stringify(v)}`);
  return list;
}

function convImpl(op: string, lhs: unknown, rhs: unknown, windowStrides: readonly number[], padding: ConvPadding, o: ConvGeneralDilatedOptions): AnyTensor {
  const [x, y] = floatOperands(op, lhs, rhs);
  const l = x.shape;
  const r = y.shape;
  if (l.length !== r.length) shapeError(convRankMsg(op, l, r));
  const specs = o.dimensionNumbers ?? DEFAULT_DIMS[l.length] ?? shapeError(convDefaultDimsMsg(op, l));
  const dims = dimsOf(op, specs, l, r);
  const s = l.length - 2;
  const G = o.featureGroupCount ?? 1;
  const B = o.batchGroupCount ?? 1;
  if (!Number.isInteger(G) || G < 1 || !Number.isInteger(B) || B < 1 || (G > 1 && B > 1)) {
    shapeError(`${op}: featureGroupCount and batchGroupCount are positive integers, at most one above 1, got ${G} and ${B}`);
  }
  const C = l[dims.lhs[1]!]!;
  const I = r[dims.rhs[1]!]!;
  const O = r[dims.rhs[0]!]!;
  if (C !== I * G) shapeError(convFeaturesMsg(op, l, r, C, I, G));
  if (O % G !== 0) shapeError(convGroupsMsg(op, "featureGroupCount", G, O, l, r));
  if (O % B !== 0) shapeError(convGroupsMsg(op, "batchGroupCount", B, O, l, r));
  if (l[dims.lhs[0]!]! % B !== 0) shapeError(convBatchGroupsMsg(op, B, l[dims.lhs[0]!]!, l, r));
  const strides = spatialList(op, "windowStrides", windowStrides, s, 1);
  const lhsDilation = spatialList(op, "lhsDilation", o.lhsDilation, s, 1);
  const rhsDilation = spatialList(op, "rhsDilation", o.rhsDilation, s, 1);
  if (typeof padding === "string" && lhsDilation.some((d) => d !== 1)) shapeError(convStringPadMsg(op, padding, lhsDilation));
  let pads: [number, number][];
  if (padding === "VALID") pads = strides.map(() => [0, 0]);
  else if (padding === "SAME" || padding === "SAME_LOWER") {
    pads = strides.map((st, i) => samePads(l[dims.lhs[2 + i]!]!, r[dims.rhs[2 + i]!]!, st, rhsDilation[i]));
    if (padding === "SAME_LOWER") pads = pads.map(([lo, hi]) => [hi, lo]);
  }
  else {
    if (Array.isArray(padding) && padding.length !== s) shapeError(convLengthMsg(op, s, "padding", padding.length));
    if (!Array.isArray(padding) || padding.some((p) => !Array.isArray(p) || p.length !== 2 || !p.every(Number.isInteger))) {
      shapeError(`${op}: padding must be "SAME", "SAME_LOWER", "VALID" or ${s} [lo, hi] integer pairs, got ${JSON.stringify(padding)}`);
    }
    pads = padding.map(([lo, hi]) => [lo, hi]);
  }
  return convPrim(x, y, { strides, padding: pads, lhsDilation, rhsDilation, dims, featureGroupCount: G, batchGroupCount: B });
}

/**
 * A general N-d convolution (jax.lax.conv_general_dilated), 1-D, 2-D or 3-D: `windowStrides` and
 * `padding` ("SAME", "SAME_LOWER", "VALID" or one [lo, hi] pair per spatial dim; SAME puts an odd
 * unit of padding at the end, SAME_LOWER at the start; negative pads crop) per spatial
 * dim; `lhsDilation` dilates the input (a transposed convolution), `rhsDilation` the window
 * (atrous); `dimensionNumbers` [lhs, rhs, out] layouts such as ["NCHW", "OIHW", "NCHW"] (the
 * default) or ["NHWC", "HWIO", "NHWC"], spatial letters matched by name; `featureGroupCount`
 * splits the features into groups (depthwise: as many groups as input features);
 * `batchGroupCount` splits the batch (lhs batch index g · N/B + n feeds output features of group
 * g, as XLA). "SAME" pads are computed from the input and the dilated window, as JAX, which
 * refuses string padding with `lhsDilation` (so does this: give pads, or use convTranspose).
 * Like jax.lax, it is a cross-correlation (the kernel is not flipped). Float operands, promoted
 * to a common dtype.
 */
export function convGeneralDilated<
  L extends Shape,
  R extends Shape,
  D extends FloatDType,
  const S extends readonly number[],
  const P extends ConvPadding,
  const O extends ConvGeneralDilatedOptions = {},
>(
  lhs: Tensor<L, D>,
  rhs: Check<ConvGeneralDilated<L, R, S, P, O>, Tensor<R, D>>,
  windowStrides: S,
  padding: P,
  options?: O,
): Tensor<AsShape<ConvGeneralDilated<L, R, S, P, O>>, D> {
  return convImpl("convGeneralDilated", lhs, rhs, windowStrides, padding, options ?? {}) as Tensor<AsShape<ConvGeneralDilated<L, R, S, P, O>>, D>;
}

/** jax.lax.conv: convGeneralDilated in the default layouts (NCHW / OIHW) with no dilation and no groups. */
export function conv<L extends Shape, R extends Shape, D extends FloatDType, const S extends readonly number[], const P extends ConvPadding>(
  lhs: Tensor<L, D>,
  rhs: Check<ConvGeneralDilated<L, R, S, P, {}, "conv">, Tensor<R, D>>,
  windowStrides: S,
  padding: P,
): Tensor<AsShape<ConvGeneralDilated<L, R, S, P, {}, "conv">>, D> {
  return convImpl("conv", lhs, rhs, windowStrides, padding, {}) as Tensor<AsShape<ConvGeneralDilated<L, R, S, P, {}, "conv">>, D>;
}

/** JAX's _conv_transpose_padding: the pads of a transposed convolution for a dilated window k. */
function transposePads(k: number, s: number, padding: "SAME" | "VALID"): [number, number] {
  const len = padding === "SAME" ? k + s - 2 : k + s - 2 + Math.max(k - s, 0);
  const a = padding === "SAME" && s <= k - 1 ? Math.ceil(len / 2) : k - 1;
  return [a, len - a];
}

/**
 * A transposed convolution (jax.lax.conv_transpose): the gradient of a strided convolution with
 * respect to its input, as a convolution with input dilation `strides`. "SAME" gives H · stride,
 * "VALID" H · stride + max(k - stride, 0); explicit pads are used as given. Default layouts
 * NHWC / HWIO / NHWC (channels last, as JAX). `transposeKernel` flips the kernel's spatial axes
 * and swaps its I and O axes, which makes it exactly the transpose of `convGeneralDilated` with
 * that kernel.
 */
export function convTranspose<
  L extends Shape,
  R extends Shape,
  D extends FloatDType,
  const S extends readonly number[],
  const P extends Exclude<ConvPadding, "SAME_LOWER">,
  const O extends ConvTransposeOptions = {},
>(
  lhs: Tensor<L, D>,
  rhs: Check<ConvTranspose<L, R, S, P, O>, Tensor<R, D>>,
  strides: S,
  padding: P,
  options?: O,
): Tensor<AsShape<ConvTranspose<L, R, S, P, O>>, D> {
  const op = "convTranspose";
  const o: ConvTransposeOptions = options ?? {};
  const [x, y0] = floatOperands(op, lhs, rhs);
  if (x.shape.length !== y0.shape.length) shapeError(convRankMsg(op, x.shape, y0.shape));
  const specs = o.dimensionNumbers ?? DEFAULT_T_DIMS[x.shape.length] ?? shapeError(convDefaultDimsMsg(op, x.shape));
  const dims = dimsOf(op, specs, x.shape, y0.shape);
  const s = x.shape.length - 2;
  const st = spatialList(op, "strides", strides, s, 1);
  const rd = spatialList(op, "rhsDilation", o.rhsDilation, s, 1);
  if (typeof padding === "string" && padding !== "SAME" && padding !== "VALID") shapeError(`${op}: padding must be "SAME", "VALID" or [lo, hi] pairs, got ${JSON.stringify(padding)}`);
  const pads =
    padding === "SAME" || padding === "VALID"
      ? st.map((v, i) => {
          const k = y0.shape[dims.rhs[2 + i]!]!;
          return transposePads(k === 0 ? 0 : (k - 1) * rd[i]! + 1, v, padding);
        })
      : padding;
  let y = y0;
  if (o.transposeKernel) {
    const perm = y.shape.map((_, i) => i);
    perm[dims.rhs[0]!] = dims.rhs[1]!;
    perm[dims.rhs[1]!] = dims.rhs[0]!;
    y = transpose(rev(y, dims.rhs.slice(2)), perm);
  }
  return convImpl(op, x, y, ones(s), pads, { lhsDilation: st, rhsDilation: rd, dimensionNumbers: specs }) as Tensor<AsShape<ConvTranspose<L, R, S, P, O>>, D>;
}
