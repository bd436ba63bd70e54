/**
 * Convolution shapes at the type level (lax.convGeneralDilated, conv, convTranspose): dimension
 * numbers are layout strings ("NCHW", "OIHW", "NHWC", "HWIO", ...; N and C name the batch and
 * feature axes of lhs and out, O and I the kernel's output and input features, every other letter
 * a spatial axis, matched by letter and taken in the kernel's order, as JAX). Every output dim is
 * WindowDim (shape/window.ts). Pure types, no runtime code; the run-time twins are in
 * src/lax/conv.ts and src/tensor/messages.ts.
 */
import type { Shape, ShapeError, ShowShape, ShowDim } from "./core.js";
import type { Add, CeilDiv, Div, Lt, Max0, Mod, Mul, Sub } from "./arith.js";
import type { Dilated, PaddedWindowDim } from "./window.js";

/** Padding: "SAME" (the odd unit at the end), "SAME_LOWER" (at the start), "VALID" or one [lo, hi] pair per spatial dim. */
export type ConvPadding = "SAME" | "SAME_LOWER" | "VALID" | readonly (readonly [number, number])[];

/** lax.convGeneralDilated's options. */
export interface ConvGeneralDilatedOptions {
  /** input dilation per spatial dim (a transposed convolution's stride); default 1 */
  readonly lhsDilation?: readonly number[];
  /** window (atrous) dilation per spatial dim; default 1 */
  readonly rhsDilation?: readonly number[];
  /** [lhs, rhs, out] layouts; default NCHW / OIHW / NCHW (NCH..., NCDHW... by rank) */
  readonly dimensionNumbers?: readonly [string, string, string];
  readonly featureGroupCount?: number;
  readonly batchGroupCount?: number;
}

/** The default dimension numbers by rank, as JAX's (NC + spatial, OI + spatial). */
export type DefaultConvDims<R extends number> = R extends 3
  ? ["NCH", "OIH", "NCH"]
  : R extends 4
    ? ["NCHW", "OIHW", "NCHW"]
    : R extends 5
      ? ["NCDHW", "OIDHW", "NCDHW"]
      : never;

type Chars<S extends string, Acc extends string[] = []> = S extends `${infer H}${infer T}` ? Chars<T, [...Acc, H]> : Acc;
type IndexOf<T extends readonly string[], C extends string, Acc extends 0[] = []> = T extends readonly [infer H, ...infer R extends string[]]
  ? H extends C
    ? Acc["length"]
    : IndexOf<R, C, [...Acc, 0]>
  : never;
/** The dim of `Sh` that layout `Spec` names with letter `C`. */
type At<Sh extends Shape, Spec extends string, C extends string> = IndexOf<Chars<Spec>, C> extends infer I extends number ? ([I] extends [never] ? number : Sh[I]) : number;
type SpatialList<T extends readonly string[], Acc extends string[] = []> = T extends readonly [infer H extends string, ...infer R extends string[]]
  ? SpatialList<R, H extends "O" | "I" ? Acc : [...Acc, H]>
  : Acc;

type Opt<O, K extends string, Dflt extends number> = O extends { readonly [P in K]: infer V extends number } ? V : Dflt;
type Nth<L, I extends number> = L extends readonly number[] ? (L[I] extends infer V extends number ? ([V] extends [undefined] ? 1 : V) : 1) : 1;

/** One output spatial dim: the window arithmetic with the padding named by P. */
type OutSpatial<H extends number, K extends number, S extends number, P, D extends number, LD extends number, I extends number> = PaddedWindowDim<H, K, S, P, I, D, LD>;

type Agree<X extends number, Y extends number> = number extends X ? true : number extends Y ? true : X extends Y ? true : false;
// (one group first: it divides everything, a generic dim included)
type Divides<G extends number, N extends number> = G extends 1 ? true : number extends G | N ? true : Mod<N, G> extends 0 ? true : false;

type DimsOf<L extends Shape, O> = O extends { readonly dimensionNumbers: readonly [infer A extends string, infer B extends string, infer C extends string] } ? [A, B, C] : DefaultConvDims<L["length"]>;

/**
 * The output shape of convGeneralDilated, or the error: lhs and rhs of different ranks, layouts
 * that do not fit them, lhs features that are not the kernel's in-features × featureGroupCount,
 * group counts that do not divide the kernel's out-features (or the batch).
 */
export type ConvGeneralDilated<L extends Shape, R extends Shape, S, P, O, Op extends string = "convGeneralDilated"> = number extends L["length"] | R["length"]
  ? number[]
  : L["length"] extends R["length"]
    ? DimsOf<L, O> extends [infer LS extends string, infer RS extends string, infer OS extends string]
      ? [Chars<LS>["length"], Chars<RS>["length"], Chars<OS>["length"]] extends [L["length"], L["length"], L["length"]]
        ? (CheckLength<S, Sub<L["length"], 2>, "windowStrides", Op> | CheckLength<P, Sub<L["length"], 2>, "padding", Op> | CheckStringPad<P, O, Op> | CheckGroups<L, R, LS, RS, Opt<O, "featureGroupCount", 1>, Opt<O, "batchGroupCount", 1>, Op>) extends infer E extends string
          ? [E] extends [never]
            ? OutShape<L, R, S, P, O, LS, RS, Chars<OS>, SpatialList<Chars<RS>>>
            : ShapeError<E>
          : never
        : ShapeError<`${Op}: dimension numbers ${LS}, ${RS}, ${OS} do not fit lhs ${ShowShape<L>} and rhs ${ShowShape<R>}`>
      : ShapeError<`${Op}: no default dimension numbers for lhs ${ShowShape<L>} (rank ${L["length"]})`>
    : ShapeError<`${Op}: lhs ${ShowShape<L>} and rhs ${ShowShape<R>} differ in rank (${L["length"]} vs ${R["length"]})`>;

/** A per-spatial-dim list of the wrong length: `conv: 2 spatial dims but windowStrides has length 1`. */
type CheckLength<X, N extends number, Name extends string, Op extends string> = X extends readonly unknown[]
  ? number extends X["length"]
    ? never
    : X["length"] extends N
      ? never
      : `${Op}: ${N} spatial dims but ${Name} has length ${X["length"]}`
  : never;

/**
 * String padding with input dilation, which JAX refuses (the pads of a transposed convolution are
 * not SAME's): `conv: string padding SAME needs lhsDilation 1, got [2, 1] (give explicit pads, or use convTranspose)`.
 */
type CheckStringPad<P, O, Op extends string> = P extends string
  ? O extends { readonly lhsDilation: infer LD extends readonly number[] }
    ? number extends LD[number]
      ? never
      : [Exclude<LD[number], 1>] extends [never]
        ? never
        : `${Op}: string padding ${P} needs lhsDilation 1, got ${ShowShape<LD>} (give explicit pads, or use convTranspose)`
    : never
  : never;

type CheckGroups<L extends Shape, R extends Shape, LS extends string, RS extends string, G extends number, B extends number, Op extends string> =
  Agree<At<L, LS, "C">, Mul<At<R, RS, "I">, G>> extends false
    ? `${Op}: lhs ${ShowShape<L>} has ${ShowDim<At<L, LS, "C">>} input features, rhs ${ShowShape<R>} expects ${ShowDim<At<R, RS, "I">>} × ${G} feature groups`
    : Divides<G, At<R, RS, "O">> extends false
      ? `${Op}: featureGroupCount ${G} does not divide the ${ShowDim<At<R, RS, "O">>} output features of rhs ${ShowShape<R>} (lhs ${ShowShape<L>})`
      : Divides<B, At<R, RS, "O">> extends false
        ? `${Op}: batchGroupCount ${B} does not divide the ${ShowDim<At<R, RS, "O">>} output features of rhs ${ShowShape<R>} (lhs ${ShowShape<L>})`
        : Divides<B, At<L, LS, "N">> extends false
          ? `${Op}: batchGroupCount ${B} does not divide the batch ${ShowDim<At<L, LS, "N">>} of lhs ${ShowShape<L>} (rhs ${ShowShape<R>})`
          : never;

type OutShape<L extends Shape, R extends Shape, S, P, O, LS extends string, RS extends string, OC extends readonly string[], SP extends string[]> = {
  [K in keyof OC]: OC[K] extends "N"
    ? Opt<O, "batchGroupCount", 1> extends 1
      ? At<L, LS, "N">
      : Div<At<L, LS, "N">, Opt<O, "batchGroupCount", 1>>
    : OC[K] extends "C"
      ? At<R, RS, "O">
      : OC[K] extends infer Ch extends string
        ? IndexOf<SP, Ch> extends infer I extends number
          ? OutSpatial<
              At<L, LS, Ch>,
              At<R, RS, Ch>,
              Nth<S, I>,
              P,
              Nth<O extends { readonly rhsDilation: infer D } ? D : [], I>,
              Nth<O extends { readonly lhsDilation: infer D } ? D : [], I>,
              I
            >
          : number
        : number;
};

/** lax.convTranspose's options. */
export interface ConvTransposeOptions {
  readonly rhsDilation?: readonly number[];
  /** default NHWC / HWIO / NHWC (NHC..., NHWDC... by rank), as JAX */
  readonly dimensionNumbers?: readonly [string, string, string];
  /** flip the kernel's spatial axes and swap its I and O axes (the gradient of a convolution) */
  readonly transposeKernel?: boolean;
}

/** convTranspose's default layouts by rank (channels last, as JAX). */
export type DefaultConvTransposeDims<R extends number> = R extends 3
  ? ["NHC", "HIO", "NHC"]
  : R extends 4
    ? ["NHWC", "HWIO", "NHWC"]
    : R extends 5
      ? ["NHWDC", "HWDIO", "NHWDC"]
      : never;

type TDimsOf<L extends Shape, O> = O extends { readonly dimensionNumbers: readonly [infer A extends string, infer B extends string, infer C extends string] } ? [A, B, C] : DefaultConvTransposeDims<L["length"]>;

/** convTranspose's pads for "SAME" / "VALID" (JAX's _conv_transpose_padding), of a dilated window K. */
type TransposePads<K extends number, S extends number, P> = P extends "SAME"
  ? Sub<Add<K, S>, 2> extends infer Len extends number
    ? (Lt<Sub<K, 1>, S> extends true ? Sub<K, 1> : CeilDiv<Len, 2>) extends infer Lo extends number
      ? [Lo, Sub<Len, Lo>]
      : [number, number]
    : [number, number]
  : P extends "VALID"
    ? [Sub<K, 1>, Sub<Add<Sub<Add<K, S>, 2>, Max0<Sub<K, S>>>, Sub<K, 1>>]
    : [number, number];

/** Explicit pads for convTranspose: "SAME"/"VALID" turned into pairs (per spatial dim, in the kernel's order). */
type TPadsList<R extends Shape, RS extends string, SP extends string[], S, P, O> = P extends "SAME" | "VALID"
  ? { [I in keyof SP]: I extends `${infer N extends number}` ? TransposePads<Dilated<At<R, RS, SP[I]>, Nth<O extends { readonly rhsDilation: infer D } ? D : [], N>>, Nth<S, N>, P> : never }
  : P;

/**
 * The output shape of convTranspose: a convolution with unit strides, input dilation `strides`
 * and JAX's transpose padding; with `transposeKernel` the kernel's I and O swap.
 */
export type ConvTranspose<L extends Shape, R extends Shape, S, P, O> = number extends L["length"] | R["length"]
  ? number[]
  : CheckLength<S, Sub<L["length"], 2>, "strides", "convTranspose"> extends infer E extends string
    ? [E] extends [never]
      ? TransposeShape<L, R, S, P, O>
      : ShapeError<E>
    : never;

type TransposeShape<L extends Shape, R extends Shape, S, P, O> = TDimsOf<L, O> extends [infer LS extends string, infer RS0 extends string, infer OS extends string]
  ? (O extends { readonly transposeKernel: true } ? SwapOI<RS0> : RS0) extends infer RS extends string
    ? ConvGeneralDilated<
        L,
        R,
        { [K in keyof SpatialList<Chars<RS>>]: 1 },
        TPadsList<R, RS, SpatialList<Chars<RS>>, S, P, O>,
        { dimensionNumbers: [LS, RS, OS]; lhsDilation: S; rhsDilation: O extends { readonly rhsDilation: infer D } ? D : [] },
        "convTranspose"
      >
    : never
  : ShapeError<`convTranspose: no default dimension numbers for lhs ${ShowShape<L>} (rank ${L["length"]})`>;

/** A layout with its O and I letters swapped (the kernel read transposed). */
type SwapOI<S extends string> = S extends `${infer H}${infer T}` ? `${H extends "O" ? "I" : H extends "I" ? "O" : H}${SwapOI<T>}` : "";
