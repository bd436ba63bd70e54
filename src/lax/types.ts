/**
 * lax.scan at the type level: the per-step slice of xs, the stacked ys, and the carry check.
 * Pure types, no runtime code.
 */
import type { DType } from "../ir/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Shape, ShapeError, ShowShape } from "../shape/core.js";

/** One step's x: each leaf of xs without its leading axis (null/undefined stay). */
export type ScanSlice<X> = [X] extends [Tensor<infer S, infer D>]
  ? S extends readonly [number, ...infer R extends Shape]
    ? Tensor<R, D>
    : number extends S["length"]
      ? Tensor<number[], D>
      : never
  : X extends null | undefined
    ? X
    : X extends readonly unknown[]
      ? { [K in keyof X]: ScanSlice<X[K]> }
      : X extends object
        ? { [K in keyof X]: ScanSlice<X[K]> }
        : X;

/** The leading dim of the first leaf of xs (`number` when unknown); `L` when xs has no leaves. */
export type ScanLength<X, L extends number> = [X] extends [Tensor<infer S, infer _D>]
  ? S extends readonly [infer N extends number, ...Shape]
    ? N
    : number
  : X extends null | undefined
    ? L
    : X extends readonly [infer H, ...infer _T]
      ? ScanLength<H, L>
      : X extends readonly (infer E)[]
        ? ScanLength<E, L>
        : X extends object
          ? ScanLength<X[keyof X], L>
          : L;

/** The ys stacked on a new leading axis of length N. */
export type ScanStack<Y, N extends number> = [Y] extends [Tensor<infer S, infer D>]
  ? Tensor<[N, ...S], D>
  : Y extends readonly unknown[]
    ? { -readonly [K in keyof Y]: ScanStack<Y[K], N> }
    : Y extends object
      ? { [K in keyof Y]: ScanStack<Y[K], N> }
      : Y;

type ShowDType<D> = [D] extends ["float32"] ? "" : `, ${D & string}`;
export type ShowTensor<T> = [T] extends [Tensor<infer S, infer D>] ? `Tensor<${ShowShape<S>}${ShowDType<D>}>` : T extends null | undefined ? "nothing" : T extends object ? "a pytree" : "a non-tensor value";

export type DimsMatch<A extends Shape, B extends Shape> = number extends A["length"] | B["length"]
  ? true
  : A["length"] extends B["length"]
    ? A extends readonly [infer HA extends number, ...infer TA extends Shape]
      ? B extends readonly [infer HB extends number, ...infer TB extends Shape]
        ? number extends HA | HB
          ? DimsMatch<TA, TB>
          : [HA] extends [HB]
            ? DimsMatch<TA, TB>
            : false
        : false
      : true
    : false;
export type SameDType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : DType extends A | B ? true : false) : DType extends A | B ? true : false;


/**
 * never when the carry that comes out of the body has the structure, shapes and dtypes of the one
 * that goes in; else the error for the first leaf that differs (its path after "carry" in a pytree):
 * `scan: the carry goes in as Tensor<[64]> and comes out as Tensor<[1, 64]>`.
 */
export type ScanCarryError<Op extends string, In, Out, P extends string = ""> = [In] extends [Tensor<infer S1, infer D1>]
  ? [Out] extends [Tensor<infer S2, infer D2>]
    ? DimsMatch<S1, S2> extends true
      ? SameDType<D1, D2> extends true
        ? never
        : ShapeError<`${Op}: the carry${P} goes in as ${ShowTensor<In>} and comes out as ${ShowTensor<Out>}`>
      : ShapeError<`${Op}: the carry${P} goes in as ${ShowTensor<In>} and comes out as ${ShowTensor<Out>}`>
    : ShapeError<`${Op}: the carry${P} goes in as ${ShowTensor<In>} and comes out as ${ShowTensor<Out>}`>
  : In extends readonly unknown[]
    ? Out extends readonly unknown[]
      ? In["length"] extends Out["length"]
        ? TupleError<Op, In, Out, P>
        : ShapeError<`${Op}: the carry${P} goes in as ${ShowTensor<In>} and comes out as ${ShowTensor<Out>}`>
      : ShapeError<`${Op}: the carry${P} goes in as ${ShowTensor<In>} and comes out as ${ShowTensor<Out>}`>
    : In extends object
      ? Out extends object
        ? [keyof In] extends [keyof Out]
          ? [keyof Out] extends [keyof In]
            ? FirstError<{ [K in keyof In & string]: ScanCarryError<Op, In[K], Out[K & keyof Out], `${P}.${K}`> }[keyof In & string]>
            : ShapeError<`${Op}: the carry${P} goes in as ${ShowTensor<In>} and comes out as ${ShowTensor<Out>}`>
          : ShapeError<`${Op}: the carry${P} goes in as ${ShowTensor<In>} and comes out as ${ShowTensor<Out>}`>
        : ShapeError<`${Op}: the carry${P} goes in as ${ShowTensor<In>} and comes out as ${ShowTensor<Out>}`>
      : never;

type TupleError<Op extends string, In extends readonly unknown[], Out extends readonly unknown[], P extends string, Acc extends unknown[] = []> = In extends readonly [
  infer H,
  ...infer T,
]
  ? ScanCarryError<Op, H, Out[Acc["length"]], `${P}[${Acc["length"]}]`> extends infer E
    ? [E] extends [never]
      ? TupleError<Op, T, Out, P, [...Acc, H]>
      : E
    : never
  : never;

/** One member of a union of errors (the last one TypeScript lists). */
export type FirstError<U> = (U extends unknown ? (x: () => U) => void : never) extends (x: infer I) => void ? (I extends () => infer L ? L : never) : never;

/** The carry as it comes back: `init`'s type without the readonly that a `const` inference adds. */
export type ScanCarry<C> = [C] extends [Tensor<infer _S, infer _D>] ? C : C extends object ? { -readonly [K in keyof C]: ScanCarry<C[K]> } : C;
