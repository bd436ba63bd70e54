/**
 * lax.cond / lax.switch at the type level: the predicate check and the check that every branch
 * returns the same types. Pure types, no runtime code.
 */
import type { DType } from "../ir/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import type { ShapeError } from "../shape/core.js";
import type { DimsMatch, FirstError, SameDType, ShowTensor as ShowValue } from "./types.js";

type MismatchText<Op extends string, A, B, P extends string> = `${Op}: the branches return ${ShowValue<A>} and ${ShowValue<B>}${P extends "" ? "" : ` (at ${P})`}`;

/**
 * never when two branch results have the same structure, shapes and dtypes; else the error for
 * the first leaf that differs: `cond: the branches return Tensor<[3]> and Tensor<[4]>`.
 */
export type BranchError<Op extends string, A, B, P extends string = ""> = [A] extends [Tensor<infer S1, infer D1>]
  ? [B] extends [Tensor<infer S2, infer D2>]
    ? DimsMatch<S1, S2> extends true
      ? SameDType<D1, D2> extends true
        ? never
        : ShapeError<MismatchText<Op, A, B, P>>
      : ShapeError<MismatchText<Op, A, B, P>>
    : ShapeError<MismatchText<Op, A, B, P>>
  : [B] extends [Tensor<infer _S, infer _D>]
    ? ShapeError<MismatchText<Op, A, B, P>>
    : A extends null | undefined
      ? B extends null | undefined
        ? never
        : ShapeError<MismatchText<Op, A, B, P>>
      : A extends readonly unknown[]
        ? B extends readonly unknown[]
          ? A["length"] extends B["length"]
            ? TupleError<Op, A, B, P>
            : ShapeError<MismatchText<Op, A, B, P>>
          : ShapeError<MismatchText<Op, A, B, P>>
        : A extends object
          ? B extends object
            ? [keyof A] extends [keyof B]
              ? [keyof B] extends [keyof A]
                ? FirstError<{ [K in keyof A & string]: BranchError<Op, A[K], B[K & keyof B], `${P}.${K}`> }[keyof A & string]>
                : ShapeError<MismatchText<Op, A, B, P>>
              : ShapeError<MismatchText<Op, A, B, P>>
            : ShapeError<MismatchText<Op, A, B, P>>
          : never;

type TupleError<Op extends string, A extends readonly unknown[], B extends readonly unknown[], P extends string, Acc extends unknown[] = []> = A extends readonly [infer H, ...infer T]
  ? BranchError<Op, H, B[Acc["length"]], `${P}[${Acc["length"]}]`> extends infer E
    ? [E] extends [never]
      ? TupleError<Op, T, B, P, [...Acc, H]>
      : E
    : never
  : never;


/** The first branch (after the first) whose result differs from the first branch's, as its error. */
export type BranchesError<Op extends string, Rs extends readonly unknown[]> = Rs extends readonly [infer R0, ...infer Rest]
  ? FirstOf<{ [K in keyof Rest]: BranchError<Op, R0, Rest[K]> }>
  : never;
type FirstOf<Es extends readonly unknown[]> = Es extends readonly [infer E, ...infer Rest] ? ([E] extends [never] ? FirstOf<Rest> : E) : never;

/**
 * never for a selector the op takes (a scalar tensor of an allowed dtype, or a JS boolean/number);
 * else `cond: the predicate must be a scalar bool or int32, got Tensor<[3], bool>`.
 */
export type SelectorError<Op extends string, What extends string, P, Ok extends DType> = [P] extends [Tensor<infer S, infer D>]
  ? number extends S["length"]
    ? [D] extends [Ok] ? never : DType extends D ? never : ShapeError<`${Op}: the ${What} must be a scalar ${OkText<Ok>}, got ${ShowValue<P>}`>
    : S extends readonly []
      ? [D] extends [Ok]
        ? never
        : DType extends D
          ? never
          : ShapeError<`${Op}: the ${What} must be a scalar ${OkText<Ok>}, got ${ShowValue<P>}`>
      : ShapeError<`${Op}: the ${What} must be a scalar ${OkText<Ok>}, got ${ShowValue<P>}`>
  : never;
type OkText<Ok> = [Ok] extends ["int32"] ? "int32" : "bool or int32";
