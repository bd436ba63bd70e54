/**
 * einsum at the type level: the subscripts string is parsed by template-literal types and the
 * result shape read off the operands' shapes. Pure types, no runtime code; src/ops/einsum.ts does
 * the same checks in the same order at run time, with the same messages (src/tensor/messages.ts).
 *
 * Every loop here is tail-recursive and walks the subscripts once (the letter map is a union of
 * `[letter, dim, operand]` tuples, so a look-up is one distributive conditional), which keeps a
 * long subscript or many operands far from the instantiation limits.
 */
import type { Dim, Shape, ShapeError, ShowDim, ShowShape } from "./core.js";
import type { Broadcast } from "./broadcast.js";
import type { Lt } from "./arith.js";

/** The subscript letters, in NumPy's sort order for the implicit output (char codes: A-Z, then a-z). */
type Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
type Letter = Chars<Alphabet>[number];
type Chars<S extends string, Acc extends string[] = []> = S extends `${infer C}${infer R}` ? Chars<R, [...Acc, C]> : Acc;

/** A character that is not a letter (nor part of one "..." in a term). */
interface BadChar<C extends string> {
  readonly "bad char": C;
}

/** One parsed term: the letters before "..." and after it (Post false: the term has no "..."). */
interface Term<Pre extends string[] = string[], Post extends string[] | false = string[] | false, Text extends string = string> {
  readonly pre: Pre;
  readonly post: Post;
  readonly text: Text;
}

type Letters<S extends string, Acc extends string[] = []> = S extends `${infer C}${infer R}`
  ? C extends Letter
    ? Letters<R, [...Acc, C]>
    : BadChar<C>
  : Acc;

type ParseTerm<T extends string> = T extends `${infer P}...${infer Q}`
  ? Letters<P> extends infer A
    ? A extends string[]
      ? Letters<Q> extends infer B
        ? B extends string[]
          ? Term<A, B, T>
          : B
        : never
      : A
    : never
  : Letters<T> extends infer A
    ? A extends string[]
      ? Term<A, false, T>
      : A
    : never;

type ParseTerms<S extends string, Acc extends Term[] = []> = S extends `${infer H},${infer R}`
  ? ParseTerm<H> extends infer P
    ? P extends Term
      ? ParseTerms<R, [...Acc, P]>
      : P
    : never
  : ParseTerm<S> extends infer P
    ? P extends Term
      ? [...Acc, P]
      : P
    : never;

/** The letters of a term, before and after its "...". */
type TermLetters<T extends Term> = T extends Term ? T["pre"][number] | (T["post"] extends string[] ? T["post"][number] : never) : never;

/** Implicit output (NumPy): "..." first if any input has one, then the letters that occur once, sorted. */
type ImplicitOut<In extends string, Ts extends Term[]> =
  Singles<In, TermLetters<Ts[number]>> extends infer L extends string[]
    ? true extends (Ts[number]["post"] extends false ? false : true)
      ? Term<[], L, "">
      : Term<L, false, "">
    : never;

type Singles<In extends string, Used, A extends string = Alphabet, Acc extends string[] = []> = A extends `${infer C}${infer R}`
  ? C extends Used
    ? In extends `${string}${C}${string}${C}${string}`
      ? Singles<In, Used, R, Acc>
      : Singles<In, Used, R, [...Acc, C]>
    : Singles<In, Used, R, Acc>
  : Acc;

type CheckOut<Ls extends string[], Used, Text extends string, Seen = never> = Ls extends [infer L extends string, ...infer R extends string[]]
  ? L extends Seen
    ? ShapeError<`einsum: output index ${L} appears more than once in '${Text}'`>
    : L extends Used
      ? CheckOut<R, Used, Text, Seen | L>
      : ShapeError<`einsum: output index ${L} appears in no input`>
  : true;

type AllLetters<T extends Term> = T["post"] extends string[] ? [...T["pre"], ...T["post"]] : T["pre"];

// ---------------------------------------------------------------- binding letters to dims

// (Patterns match dims with `unknown` or `infer`, never `Dim`: a generic dim `B extends number`
// then resolves instead of deferring the whole conditional.)

/** The binding of letter L in the map M (a union of [letter, dim, operand]), or never. */
type Lookup<M, L> = M extends [L, unknown, unknown] ? M : never;
type Unbind<M, L> = M extends [L, unknown, unknown] ? never : M;

type Same<X, Y> = { a: X; b: Y } extends { a: Y; b: X } ? true : false;

/**
 * Binds letter L to dim D of operand K. The first static dim wins; a later static dim must agree
 * (a dynamic dim always may: the run-time check decides).
 */
type Bind<M, L extends string, D extends Dim, K extends number> = [Lookup<M, L>] extends [never]
  ? M | [L, D, K]
  : Lookup<M, L> extends [L, infer D0 extends Dim, infer K0 extends number]
    ? Same<D0, D> extends true
      ? M
      : number extends D
        ? M
        : number extends D0
          ? Unbind<M, L> | [L, D, K]
          : D0 extends D
            ? M
            : ShapeError<
                K0 extends K
                  ? `einsum: index ${L} is ${ShowDim<D0>} and ${ShowDim<D>} in operand ${K}`
                  : `einsum: index ${L} is ${ShowDim<D0>} in operand ${K0} and ${ShowDim<D>} in operand ${K}`
              >
    : never;

type Zip<Ls extends string[], S extends Shape, K extends number, M> = Ls extends [infer L extends string, ...infer LR extends string[]]
  ? S extends readonly [infer D extends Dim, ...infer SR extends Shape]
    ? Bind<M, L, D, K> extends infer M2
      ? [M2] extends [ShapeError<string>]
        ? M2
        : Zip<LR, SR, K, M2>
      : never
    : Zip<LR, [], K, Bind<M, L, number, K>> // unknown rank: every letter is dynamic
  : { m: M; rest: S };

/** [the dims before the last Ls.length, those last dims]. */
type SplitTail<Ls extends string[], S extends Shape, Tail extends Dim[] = []> = Ls extends [...infer LR extends string[], string]
  ? S extends readonly [...infer SR extends Shape, infer D extends Dim]
    ? SplitTail<LR, SR, [D, ...Tail]>
    : never
  : [S, Tail];

type Plural<N extends number, W extends string> = N extends 1 ? `${N} ${W}` : `${N} ${W}s`;
type AxesWord<N extends number> = N extends 1 ? "axis" : "axes";

/** Rank check, then the bindings of one operand: { m, ell } (ell: its "..." dims, or false). */
type BindOperand<T extends Term, S extends Shape, K extends number, M> = number extends S["length"]
  ? Zip<AllLetters<T>, [], K, M> extends infer Z
    ? Z extends { m: infer M2 }
      ? { m: M2; ell: T["post"] extends false ? false : number[] }
      : Z
    : never
  : T["post"] extends string[]
    ? [...T["pre"], ...T["post"]]["length"] extends infer N extends number
      ? Lt<S["length"], N> extends true
        ? ShapeError<`einsum: operand ${K} has rank ${S["length"]} but subscripts '${T["text"]}' name at least ${N} ${AxesWord<N>}`>
        : Zip<T["pre"], S, K, M> extends infer Z
          ? Z extends { m: infer M2; rest: infer R extends Shape }
            ? SplitTail<T["post"], R> extends [infer Mid extends Shape, infer Tail extends Shape]
              ? Zip<T["post"], Tail, K, M2> extends infer Z2
                ? Z2 extends { m: infer M3 }
                  ? { m: M3; ell: Mid }
                  : Z2
                : never
              : never
            : Z
          : never
      : never
    : S["length"] extends T["pre"]["length"]
      ? Zip<T["pre"], S, K, M> extends infer Z
        ? Z extends { m: infer M2 }
          ? { m: M2; ell: false }
          : Z
        : never
      : ShapeError<`einsum: operand ${K} has rank ${S["length"]} but subscripts '${T["text"]}' name ${T["pre"]["length"]} ${AxesWord<T["pre"]["length"]>}`>;

/** Binds every operand in order; { m, ells } with ells the "..." dims of each operand that has one. */
type BindAll<Ts extends Term[], Ss extends readonly Shape[], M = never, Ells extends [Shape, number][] = [], Ks extends 0[] = []> = Ts extends [
  infer T extends Term,
  ...infer TR extends Term[],
]
  ? Ss extends readonly [infer S extends Shape, ...infer SR extends readonly Shape[]]
    ? BindOperand<T, S, Ks["length"], M> extends infer B
      ? B extends { m: infer M2; ell: infer E }
        ? BindAll<TR, SR, M2, E extends readonly [...infer ES extends Shape] ? [...Ells, [ES, Ks["length"]]] : Ells, [...Ks, 0]>
        : B
      : never
    : never
  : { m: M; ells: Ells };

/** NumPy broadcasting of the operands' "..." dims, folded from the left. */
type BroadcastEllipses<Es extends [Shape, number][], Acc extends Shape = []> = Es extends [
  [infer E extends Shape, infer K extends number],
  ...infer R extends [Shape, number][],
]
  ? Broadcast<Acc, E> extends infer B
    ? B extends readonly [...infer BS extends Shape]
      ? BroadcastEllipses<R, BS>
      : ShapeError<`einsum: ellipsis dims ${ShowShape<E>} of operand ${K} do not broadcast with ${ShowShape<Acc>}`>
    : never
  : Acc;

type DimsOf<Ls extends string[], M, Acc extends Dim[] = []> = Ls extends [infer L extends string, ...infer R extends string[]]
  ? DimsOf<R, M, [...Acc, Lookup<M, L> extends [string, infer D extends Dim, number] ? D : number]>
  : Acc;

type OutShape<O extends Term, M, E extends Shape> = O["post"] extends string[]
  ? number extends E["length"]
    ? number[]
    : [...DimsOf<O["pre"], M>, ...E, ...DimsOf<O["post"], M>]
  : DimsOf<O["pre"], M>;

type Shaped<Sub extends string, In extends string, Ts extends Term[], O extends Term, Shapes extends readonly Shape[]> =
  Ts["length"] extends Shapes["length"]
    ? BindAll<Ts, Shapes> extends infer B
      ? B extends { m: infer M; ells: infer Es extends [Shape, number][] }
        ? BroadcastEllipses<Es> extends infer E
          ? E extends Shape
            ? OutShape<O, M, E>
            : E
          : never
        : B
      : never
    : ShapeError<`einsum: '${Sub}' names ${Plural<Ts["length"], "operand">}, got ${Shapes["length"]}`>;

/** Spaces are ignored, as NumPy and JAX ignore them. */
type NoSpaces<S extends string> = S extends `${infer A} ${infer B}` ? NoSpaces<`${A}${B}`> : S;

/**
 * The result shape of `einsum(Sub, ...operands)` with operand shapes Shapes (NumPy / JAX einsum):
 * letters name axes; a letter repeated in one operand takes its diagonal; a letter absent from
 * the output is summed; "..." stands for batch dims, broadcast between operands. Without "->"
 * the output is "..." (if any input has one) then the letters that occur once, sorted (A-Z before
 * a-z). Spaces are ignored. A `string` subscript or an operand list of unknown length gives
 * `number[]`; an operand of unknown rank gives its letters dynamic dims. Errors, in the order they
 * are checked:
 * `einsum: invalid character '1' in subscripts 'i1,jk'`,
 * `einsum: output index i appears more than once in 'ii'`,
 * `einsum: output index z appears in no input`,
 * `einsum: 'ij,jk->ik' names 2 operands, got 3`,
 * `einsum: operand 1 has rank 2 but subscripts 'ijk' name 3 axes` (with "...": `name at least 3 axes`),
 * `einsum: index j is 3 in operand 0 and 4 in operand 1` (in one operand: `index i is 3 and 4 in operand 0`),
 * `einsum: ellipsis dims [3] of operand 1 do not broadcast with [2]`.
 */
export type Einsum<Sub extends string, Shapes extends readonly Shape[]> = string extends Sub
  ? number[]
  : number extends Shapes["length"]
    ? number[]
    : (NoSpaces<Sub> extends `${infer In}->${infer Out}` ? [In, Out] : [NoSpaces<Sub>, false]) extends [infer In extends string, infer Out extends string | false]
      ? ParseTerms<In> extends infer Ts
        ? Ts extends Term[]
          ? (Out extends string ? ParseTerm<Out> : ImplicitOut<In, Ts>) extends infer O
            ? O extends Term
              ? CheckOut<AllLetters<O>, TermLetters<Ts[number]>, O["text"]> extends infer C
                ? C extends true
                  ? Shaped<Sub, In, Ts, O, Shapes>
                  : C
                : never
              : O extends BadChar<infer Ch>
                ? ShapeError<`einsum: invalid character '${Ch}' in subscripts '${Sub}'`>
                : never
            : never
          : Ts extends BadChar<infer Ch>
            ? ShapeError<`einsum: invalid character '${Ch}' in subscripts '${Sub}'`>
            : never
        : never
      : never;
