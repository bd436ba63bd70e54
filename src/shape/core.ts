/**
 * Core shape types: dims, shapes, the error type that carries a message, and small helpers.
 * Pure types, no runtime code.
 */

/** A dimension: a literal (`3`) is static, `number` is dynamic (checked at run time). */
export type Dim = number;

/** A shape: a (usually readonly) tuple of dims. `number[]` is a shape of unknown rank. */
export type Shape = readonly Dim[];

declare const shapeError: unique symbol;

/**
 * A shape error. Op signatures use it as the type of the offending parameter (through `Check`),
 * so a bad call fails at the call with the message in the first line of the diagnostic. The
 * message is the one property's NAME: TypeScript 7 reports a Tensor, tuple or pytree passed there
 * as ``Property '"<message>"' is missing in type …`` (the message first), TypeScript 5.9 as
 * ``Argument of type … is not assignable to parameter of type 'ShapeError<"<message>">'``.
 */
export type ShapeError<M extends string> = { readonly [K in M]: typeof shapeError };

/** True if T is a ShapeError (false for `never`, and for `{}`, which has no message). */
export type IsShapeError<T> = [T] extends [never] ? false : [T] extends [ShapeError<infer M>] ? ([M] extends [never] ? false : true) : false;

/**
 * The parameter type of the offending argument: R (the result of a shape function) when it is a
 * ShapeError, otherwise T (the argument's own type). `never` (which no shape function returns)
 * is treated as no error.
 */
export type Check<R, T> = [R] extends [never] ? T : R extends ShapeError<string> ? R : T;

/**
 * R if it is a Shape (a shape function's success), else `number[]` (unknown rank). Written with
 * `infer ... extends Shape` rather than `R extends Shape ? R : ...` so that a result holding a
 * generic dim (`[B, 4]` inside `<B extends number>` code) resolves instead of being deferred.
 */
export type AsShape<R> = [R] extends [never]
  ? number[]
  : R extends ShapeError<string>
    ? number[]
    : R extends readonly [...infer S extends Shape]
      ? S
      : number[];

/** Normalise a (readonly) tuple into a plain mutable one. */
export type Mutable<S extends Shape> = [...S];

/** True for a literal dim, false for `number`. */
export type IsStatic<D extends Dim> = number extends D ? false : true;

/** True if S has a known rank (a tuple without a rest element). */
export type IsKnownRank<S extends Shape> = number extends S["length"] ? false : true;

/** The rank of S (`number` if unknown). */
export type Rank<S extends Shape> = S["length"];

/** One dim as text: a literal shows its digits, `number` shows "number". */
export type ShowDim<D> = D extends number ? (number extends D ? "number" : `${D}`) : "?";

/** A shape as text: "[2, 3]"; a dynamic dim shows as "number"; rank 0 shows "[]"; unknown rank "number[]". */
export type ShowShape<S extends Shape> = number extends S["length"] ? "number[]" : `[${JoinDims<S>}]`;

// no test on the text built so far: a generic dim (`ShowDim<B>`) would defer it, and the message
// would print as a page of conditional types instead of `[${ShowDim<B>}, 3, 4]`
type JoinDims<S extends Shape, Sep extends string = ""> = S extends readonly [infer H, ...infer T extends Shape] ? `${Sep}${ShowDim<H>}${JoinDims<T, ", ">}` : "";

/** A tuple of N `number`s (N a small literal; `number[]` if N is `number`). */
export type Dynamic<N extends number, Acc extends number[] = []> = number extends N
  ? number[]
  : Acc["length"] extends N
    ? Acc
    : Dynamic<N, [...Acc, number]>;

// ---------------------------------------------------------------- generic dims (issue 14)
// TypeScript defers every conditional type that tests a type parameter (`B` in
// `<B extends number>(x: Tensor<[B, 3, 4]>)`), so a shape function that looks at such a dim
// stays a page of unresolved types. The one eager test is inference: a type parameter G inferred
// from the shape whose candidate fails its constraint `Resolved<S> | GenericMark` falls back to
// that constraint, and `HasGenericDim<G>` then reads the fallback. Ops use it to skip the checks
// that would need the generic dim's value (run time checks them) and give a simpler result.

declare const genericDim: unique symbol;

/** The marker in a probe's constraint (no real shape has it). */
export type GenericMark = readonly [number & { readonly [genericDim]: true }];

/** S itself, unless a dim is a type parameter: that dim's conditional stays unresolved, so S is not assignable. */
export type Resolved<S extends Shape> = { [K in keyof S]: S[K] extends number ? S[K] : never };

/** A probe's constraint: `G extends Probe<C>`, inferred from x (`Tensor<S> | Tensor<G>`), falls back to it unless S is assignable to C. */
export type Probe<C> = C | GenericMark;

/**
 * C for a shape T without type-parameter dims, else a conditional that stays unresolved (nothing
 * is assignable to it): a probe's constraint on another shape than the one it is inferred from.
 * (Not `C & …`: TypeScript simplifies that intersection away.)
 */
export type Settled<T extends Shape, C = Shape> = T extends Resolved<T> ? C : never;

/** True when the probe G fell back to its constraint (S was not assignable to it: for `Probe<Resolved<S>>`, S has a type-parameter dim). */
export type HasGenericDim<G> = { g: GenericMark } extends { g: G } ? true : false;
