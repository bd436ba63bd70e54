/**
 * Type-level arithmetic on non-negative integer literals, by decimal digit strings.
 *
 * Tuple-length arithmetic (`[...A, ...B]["length"]`) dies near 10,000 elements, which is far too
 * small for tensor sizes (3 * 224 * 224 = 150528, 1024 * 1024 = 1048576). Here a number literal
 * is turned into its decimal string, reversed (least significant digit first), and added,
 * subtracted, multiplied and divided digit by digit through small lookup tables. Every recursion
 * is tail-recursive (TypeScript allows 1000 levels for those) and its depth is bounded by the
 * number of digits, so the cost is a few hundred instantiations per operation.
 *
 * Conventions for every exported type here:
 * - inputs are `number` types; a non-literal (`number`) input gives `number`;
 * - "natural" means a literal whose decimal form is all digits (0, 1, 2, ...); a negative,
 *   fractional or exponent-form literal where a natural is expected gives `number` (never an
 *   error: these are helpers, the shape types decide what is an error);
 * - results beyond 2^53 cannot round-trip through a number literal and give `number`.
 *
 * Pure types, no runtime code.
 */

/** One decimal digit as a character. */
type Digit = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";

// Generated tables. AddTab[a][b][c] = `${carry}${digit}` of a + b + c (c = incoming carry 0 | 1);
// SubTab[a][b][c] = `${borrow}${digit}` of a - b - c (c = incoming borrow 0 | 1).
type AddTab = {
  "0": { "0": ["00", "01"], "1": ["01", "02"], "2": ["02", "03"], "3": ["03", "04"], "4": ["04", "05"], "5": ["05", "06"], "6": ["06", "07"], "7": ["07", "08"], "8": ["08", "09"], "9": ["09", "10"] };
  "1": { "0": ["01", "02"], "1": ["02", "03"], "2": ["03", "04"], "3": ["04", "05"], "4": ["05", "06"], "5": ["06", "07"], "6": ["07", "08"], "7": ["08", "09"], "8": ["09", "10"], "9": ["10", "11"] };
  "2": { "0": ["02", "03"], "1": ["03", "04"], "2": ["04", "05"], "3": ["05", "06"], "4": ["06", "07"], "5": ["07", "08"], "6": ["08", "09"], "7": ["09", "10"], "8": ["10", "11"], "9": ["11", "12"] };
  "3": { "0": ["03", "04"], "1": ["04", "05"], "2": ["05", "06"], "3": ["06", "07"], "4": ["07", "08"], "5": ["08", "09"], "6": ["09", "10"], "7": ["10", "11"], "8": ["11", "12"], "9": ["12", "13"] };
  "4": { "0": ["04", "05"], "1": ["05", "06"], "2": ["06", "07"], "3": ["07", "08"], "4": ["08", "09"], "5": ["09", "10"], "6": ["10", "11"], "7": ["11", "12"], "8": ["12", "13"], "9": ["13", "14"] };
  "5": { "0": ["05", "06"], "1": ["06", "07"], "2": ["07", "08"], "3": ["08", "09"], "4": ["09", "10"], "5": ["10", "11"], "6": ["11", "12"], "7": ["12", "13"], "8": ["13", "14"], "9": ["14", "15"] };
  "6": { "0": ["06", "07"], "1": ["07", "08"], "2": ["08", "09"], "3": ["09", "10"], "4": ["10", "11"], "5": ["11", "12"], "6": ["12", "13"], "7": ["13", "14"], "8": ["14", "15"], "9": ["15", "16"] };
  "7": { "0": ["07", "08"], "1": ["08", "09"], "2": ["09", "10"], "3": ["10", "11"], "4": ["11", "12"], "5": ["12", "13"], "6": ["13", "14"], "7": ["14", "15"], "8": ["15", "16"], "9": ["16", "17"] };
  "8": { "0": ["08", "09"], "1": ["09", "10"], "2": ["10", "11"], "3": ["11", "12"], "4": ["12", "13"], "5": ["13", "14"], "6": ["14", "15"], "7": ["15", "16"], "8": ["16", "17"], "9": ["17", "18"] };
  "9": { "0": ["09", "10"], "1": ["10", "11"], "2": ["11", "12"], "3": ["12", "13"], "4": ["13", "14"], "5": ["14", "15"], "6": ["15", "16"], "7": ["16", "17"], "8": ["17", "18"], "9": ["18", "19"] };
};

type SubTab = {
  "0": { "0": ["00", "19"], "1": ["19", "18"], "2": ["18", "17"], "3": ["17", "16"], "4": ["16", "15"], "5": ["15", "14"], "6": ["14", "13"], "7": ["13", "12"], "8": ["12", "11"], "9": ["11", "10"] };
  "1": { "0": ["01", "00"], "1": ["00", "19"], "2": ["19", "18"], "3": ["18", "17"], "4": ["17", "16"], "5": ["16", "15"], "6": ["15", "14"], "7": ["14", "13"], "8": ["13", "12"], "9": ["12", "11"] };
  "2": { "0": ["02", "01"], "1": ["01", "00"], "2": ["00", "19"], "3": ["19", "18"], "4": ["18", "17"], "5": ["17", "16"], "6": ["16", "15"], "7": ["15", "14"], "8": ["14", "13"], "9": ["13", "12"] };
  "3": { "0": ["03", "02"], "1": ["02", "01"], "2": ["01", "00"], "3": ["00", "19"], "4": ["19", "18"], "5": ["18", "17"], "6": ["17", "16"], "7": ["16", "15"], "8": ["15", "14"], "9": ["14", "13"] };
  "4": { "0": ["04", "03"], "1": ["03", "02"], "2": ["02", "01"], "3": ["01", "00"], "4": ["00", "19"], "5": ["19", "18"], "6": ["18", "17"], "7": ["17", "16"], "8": ["16", "15"], "9": ["15", "14"] };
  "5": { "0": ["05", "04"], "1": ["04", "03"], "2": ["03", "02"], "3": ["02", "01"], "4": ["01", "00"], "5": ["00", "19"], "6": ["19", "18"], "7": ["18", "17"], "8": ["17", "16"], "9": ["16", "15"] };
  "6": { "0": ["06", "05"], "1": ["05", "04"], "2": ["04", "03"], "3": ["03", "02"], "4": ["02", "01"], "5": ["01", "00"], "6": ["00", "19"], "7": ["19", "18"], "8": ["18", "17"], "9": ["17", "16"] };
  "7": { "0": ["07", "06"], "1": ["06", "05"], "2": ["05", "04"], "3": ["04", "03"], "4": ["03", "02"], "5": ["02", "01"], "6": ["01", "00"], "7": ["00", "19"], "8": ["19", "18"], "9": ["18", "17"] };
  "8": { "0": ["08", "07"], "1": ["07", "06"], "2": ["06", "05"], "3": ["05", "04"], "4": ["04", "03"], "5": ["03", "02"], "6": ["02", "01"], "7": ["01", "00"], "8": ["00", "19"], "9": ["19", "18"] };
  "9": { "0": ["09", "08"], "1": ["08", "07"], "2": ["07", "06"], "3": ["06", "05"], "4": ["05", "04"], "5": ["04", "03"], "6": ["03", "02"], "7": ["02", "01"], "8": ["01", "00"], "9": ["00", "19"] };
};

/** Index of a digit character into a 10-element tuple. */
type DigitIndex = { "0": 0; "1": 1; "2": 2; "3": 3; "4": 4; "5": 5; "6": 6; "7": 7; "8": 8; "9": 9 };

// ---------------------------------------------------------------------------------------------
// Digit strings. "R" strings are reversed: least significant digit first ("123" is 321).

/** Reverse a string. */
type Reverse<S extends string, Acc extends string = ""> = S extends `${infer H}${infer T}`
  ? Reverse<T, `${H}${Acc}`>
  : Acc;

/** True if S is a non-empty string of decimal digits. */
type AllDigits<S extends string> = S extends `${Digit}${infer T}` ? (T extends "" ? true : AllDigits<T>) : false;

/** True if N is a natural-number literal (0, 1, 2, ...), false for `number`, negatives, fractions. */
export type IsNat<N extends number> = number extends N ? false : N extends number ? AllDigits<`${N}`> : false;

/** True if N is a negative literal. */
export type IsNegative<N extends number> = number extends N ? false : `${N}` extends `-${string}` ? true : false;

/** Drop the most significant zeros of an R string ("0" stays "0"). */
type TrimR<S extends string> = S extends `${infer R}0` ? (R extends "" ? "0" : TrimR<R>) : S extends "" ? "0" : S;

/** A natural literal as an R string. */
type ToR<N extends number> = Reverse<`${N}`>;

/** An R string back to a number literal (`number` if it cannot round-trip, i.e. beyond 2^53). */
type FromR<S extends string> = Reverse<TrimR<S>> extends `${infer N extends number}` ? N : number;

/** A + B + C on R strings. */
type AddR<A extends string, B extends string, C extends 0 | 1 = 0, Acc extends string = ""> =
  A extends `${infer a extends Digit}${infer AT}`
    ? B extends `${infer b extends Digit}${infer BT}`
      ? AddTab[a][b][C] extends `${infer c extends 0 | 1}${infer d}` ? AddR<AT, BT, c, `${Acc}${d}`> : never
      : AddTab[a]["0"][C] extends `${infer c extends 0 | 1}${infer d}` ? AddR<AT, "", c, `${Acc}${d}`> : never
    : B extends `${infer b extends Digit}${infer BT}`
      ? AddTab["0"][b][C] extends `${infer c extends 0 | 1}${infer d}` ? AddR<"", BT, c, `${Acc}${d}`> : never
      : C extends 1 ? `${Acc}1` : Acc;

/** Marker for a subtraction that went below zero. */
type Underflow = "underflow";

/** A - B on R strings, or Underflow when A < B. The result is trimmed. */
type SubR<A extends string, B extends string, C extends 0 | 1 = 0, Acc extends string = ""> =
  A extends `${infer a extends Digit}${infer AT}`
    ? B extends `${infer b extends Digit}${infer BT}`
      ? SubTab[a][b][C] extends `${infer c extends 0 | 1}${infer d}` ? SubR<AT, BT, c, `${Acc}${d}`> : never
      : SubTab[a]["0"][C] extends `${infer c extends 0 | 1}${infer d}` ? SubR<AT, "", c, `${Acc}${d}`> : never
    : B extends `${Digit}${string}`
      ? TrimR<B> extends "0" ? (C extends 1 ? Underflow : TrimR<Acc>) : Underflow
      : C extends 1 ? Underflow : TrimR<Acc>;

/** [0*A, 1*A, ..., 9*A] as R strings. */
type MultiplesR<A extends string> = A extends string ? MultiplesLoop<A, ["0", A]> : never;

// (The `A extends string` guard above keeps a generic A from being expanded: without it,
// checking the declarations alone hits TS2589 through the constraints of the nested AddR.)
type MultiplesLoop<A extends string, Acc extends string[]> = Acc["length"] extends 10
  ? Acc
  : Acc extends [...string[], infer L extends string] ? MultiplesLoop<A, [...Acc, AddR<L, A>]> : never;

/** A * B on R strings: shift-and-add over the digits of B. */
type MulR<A extends string, B extends string> = MulLoop<MultiplesR<A>, B>;

type MulLoop<M extends string[], B extends string, Shift extends string = "", Acc extends string = "0"> =
  B extends `${infer b extends Digit}${infer BT}`
    ? MulLoop<M, BT, `${Shift}0`, b extends "0" ? Acc : AddR<Acc, `${Shift}${M[DigitIndex[b]]}`>>
    : TrimR<Acc>;

/** The largest q in 0..9 with q*B <= Rem (M = multiples of B); gives [q, Rem - q*B]. */
type QuotDigit<Rem extends string, M extends string[], Q extends Digit[] = ["9", "8", "7", "6", "5", "4", "3", "2", "1"]> =
  Q extends [infer q extends Digit, ...infer QT extends Digit[]]
    ? SubR<Rem, M[DigitIndex[q]]> extends infer D extends string
      ? D extends Underflow ? QuotDigit<Rem, M, QT> : [q, D]
      : never
    : ["0", Rem];

/**
 * Long division. A is a normal (most significant first) digit string, M the multiples of the
 * divisor; gives [quotient as a normal string, remainder as an R string].
 */
type DivModS<A extends string, M extends string[], Q extends string = "", Rem extends string = "0"> =
  A extends `${infer a extends Digit}${infer AT}`
    ? QuotDigit<TrimR<`${a}${Rem}`>, M> extends [infer q extends string, infer R extends string]
      ? DivModS<AT, M, Q extends "" ? (q extends "0" ? "" : q) : `${Q}${q}`, R>
      : never
    : [Q extends "" ? "0" : Q, Rem];

/** [floor(A / B), A mod B] as number literals, for naturals A, B with B > 0. */
type DivModN<A extends number, B extends number> = DivModS<`${A}`, MultiplesR<ToR<B>>> extends [
  infer Q extends string,
  infer R extends string,
]
  ? [Q extends `${infer N extends number}` ? N : number, FromR<R>]
  : never;

// ---------------------------------------------------------------------------------------------
// Public arithmetic.

/** |N| for a literal (`number` stays `number`). */
export type Abs<N extends number> = number extends N ? number : `${N}` extends `-${infer P extends number}` ? P : N;

/** A + B for naturals; `number` otherwise. */
export type Add<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true]
  ? FromR<AddR<ToR<A>, ToR<B>>>
  : number;

/**
 * A - B for naturals. When B > A the result is the negative literal (Sub<2, 5> = -3); clamp with
 * Max0 where a size is wanted. `number` if an input is not a natural literal.
 */
export type Sub<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true]
  ? SubR<ToR<A>, ToR<B>> extends infer D extends string
    ? D extends Underflow
      ? SubR<ToR<B>, ToR<A>> extends infer E extends string
        ? Reverse<E> extends infer F extends string
          ? `-${F}` extends `${infer N extends number}` ? N : number
          : never
        : never
      : FromR<D>
    : never
  : number;

/** max(0, N): negative literals become 0; `number` stays `number`. */
export type Max0<N extends number> = number extends N ? number : IsNegative<N> extends true ? 0 : N;

/** A * B for naturals; `number` otherwise. */
export type Mul<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true]
  ? FromR<MulR<ToR<A>, ToR<B>>>
  : number;

/** Marker returned by DivExact when B does not divide A (or B is 0). */
export interface NotDivisible<A extends number = number, B extends number = number> {
  readonly "not divisible": [A, B];
}

/** A / B when B divides A exactly (naturals, B > 0); NotDivisible<A, B> otherwise; `number` if an input is `number`. */
export type DivExact<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true]
  ? B extends 0
    ? NotDivisible<A, B>
    : DivModN<A, B> extends [infer Q extends number, infer R extends number]
      ? R extends 0 ? Q : NotDivisible<A, B>
      : never
  : number;

/** floor(A / B) for naturals, B > 0 (`number` for B = 0 or non-literals). */
export type Div<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true]
  ? B extends 0 ? number : DivModN<A, B>[0]
  : number;

/** A mod B for naturals, B > 0 (`number` for B = 0 or non-literals). */
export type Mod<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true]
  ? B extends 0 ? number : DivModN<A, B>[1]
  : number;

/** ceil(A / B) for naturals, B > 0 (`number` for B = 0 or non-literals). */
export type CeilDiv<A extends number, B extends number> = [IsNat<A>, IsNat<B>] extends [true, true]
  ? B extends 0
    ? number
    : DivModN<A, B> extends [infer Q extends number, infer R extends number]
      ? R extends 0 ? Q : Add<Q, 1>
      : never
  : number;

/** A < B for integer literals (negatives allowed); `boolean` if an input is `number` or not an integer. */
export type Lt<A extends number, B extends number> = [IsInt<A>, IsInt<B>] extends [true, true]
  ? IsNegative<A> extends true
    ? IsNegative<B> extends true ? NatLt<Abs<B>, Abs<A>> : true
    : IsNegative<B> extends true ? false : NatLt<A, B>
  : boolean;

/** A <= B (see Lt). */
export type Lte<A extends number, B extends number> = Lt<B, A> extends infer L extends boolean
  ? boolean extends L ? boolean : L extends true ? false : true
  : never;

/** min(A, B) for integer literals; `number` if an input is not a literal. */
export type Min<A extends number, B extends number> = Lt<A, B> extends infer L extends boolean
  ? boolean extends L ? number : L extends true ? A : B
  : never;

/** max(A, B) for integer literals; `number` if an input is not a literal. */
export type Max<A extends number, B extends number> = Lt<A, B> extends infer L extends boolean
  ? boolean extends L ? number : L extends true ? B : A
  : never;

/** Product of the dims of a shape; 1 for []; `number` if a dim is not a natural literal or the rank is unknown. */
export type Product<S extends readonly number[]> = number extends S["length"] ? number : ProductR<S>;

type ProductR<S extends readonly number[], Acc extends string = "1"> = S extends readonly [
  infer H extends number,
  ...infer T extends readonly number[],
]
  ? IsNat<H> extends true ? ProductR<T, MulR<Acc, ToR<H>>> : number
  : FromR<Acc>;

/** True for an integer literal (natural or negative natural). */
type IsInt<N extends number> = IsNat<Abs<N>>;

/** A < B for naturals. */
type NatLt<A extends number, B extends number> = SubR<ToR<A>, ToR<B>> extends Underflow ? true : false;
