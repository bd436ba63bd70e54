/**
 * nn.sequential: a stack of layers and parameter-free functions applied in order, whose feature
 * sizes chain at compile time (flax.linen.Sequential over shapegrad's `init`/`apply` layers).
 *
 * The contract. A step is either
 *   - a layer `{ init(key): P, apply(params: P, x) }` (mlp, layerNorm, rmsNorm, embed,
 *     multiHeadAttention without a mask, conv, or any other layer with this shape), or
 *   - a function `x => y` (nn.relu, nn.gelu, or a closure such as `(x) => nn.maxPool(x, [2, 2])`),
 *     whose parameters are `[]`, or
 *   - another sequential (a block), whose parameters are its own tuple, or
 *   - nn.dropout (parameters `[]`): the stack's `apply(params, x, { key })` splits the key over its
 *     dropout, multiHeadAttention and nested-stack steps (training); `{ deterministic: true }` turns
 *     all their dropout off.
 * Refused (a compile-time error naming the layer, and a TypeError at run time): layers whose apply
 * needs more than (params, x), and layers without init. batchNorm is refused by name: its running
 * statistics are state, and a stack that threaded them would have to take a state and return
 * `[y, state]` from apply (flax's Sequential does not thread them either: it leans on flax's
 * mutable collections, which shapegrad does not have). Split the stack at the batchNorm and call
 * its `apply(params, state, x, { useRunningAverage })` between the two stacks, where the state is
 * in plain sight.
 *
 * Types. TypeScript cannot apply a generic `apply<S>` signature to a type inside a type (it reads
 * such a signature with S at its constraint), so the result of each step is computed from what the
 * step's type says: mlp gives `[...batch, last size]`, the norms keep x, multiHeadAttention gives
 * `[...batch, length, outFeatures]`, embed `[...ids, features]`, conv its convolution's shape (the
 * window arithmetic of shape/conv.ts, features checked as the others'); a function or other layer that
 * keeps x's shape (checked on the actual input type) keeps it; a function with concrete parameter
 * and result types gives its result; anything else gives its apply's declared result with the
 * shape at its constraint (e.g. `Tensor<number[]>`, still checked at run time).
 */
import type { PRNGKey } from "../random/random.js";
import { split } from "../random/random.js";
import type { DType } from "../ir/dtype.js";
import type { Conv, ConvOut } from "./conv.js";
import type { AsShape, Check, Shape, ShapeError, ShowShape } from "../shape/core.js";
import type { Lead, SequentialMsg } from "../shape/layers.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { shapeError } from "../tensor/checks.js";
import type { TypeFn, WithTypeFn } from "../transforms/types.js";
import { batchNormRefusalMsg, sequentialMsg } from "../tensor/messages.js";
import { withTypeFn } from "./common.js";
import type { AttentionParams } from "./attention.js";

type Fn = (x: never) => unknown;
/** nn.dropout: no parameters, a key per call (from the stack's apply options) */
type DropoutStep = { readonly rate: number; readonly broadcastDims: readonly number[] };
type LastDim<S> = S extends readonly [...number[], infer D extends number] ? D : number;
type LastOf<T> = T extends Tensor<infer S, DType> ? LastDim<S> : number;
type Idx<K extends unknown[]> = K["length"];
type Probe<C extends number> = Tensor<[7, C], "float32">;
/** A nested stack (a Sequential, told apart by its `layers`). */
type Nested<L2 extends readonly unknown[]> = { readonly layers: L2; init(key: PRNGKey): unknown };

/**
 * batchNorm in a stack: its running statistics are state that apply(params, x) cannot thread (the
 * run-time twin is messages.ts's batchNormRefusalMsg).
 */
type BatchNormRefusal<K extends number> =
  `sequential: layer ${K} is a batchNorm, whose running statistics are state that apply(params, x) cannot thread: split the stack there and call its apply(params, state, x, { useRunningAverage }) between the two stacks`;

/** Why step L (at index K) cannot be in a sequential, or never. */
type Refused<L, K extends number> = L extends Fn | DropoutStep
  ? never
  : L extends { apply: unknown; init: unknown }
    ? L extends { apply: (params: never, x: never) => unknown }
      ? never
      : L extends { initState(): unknown }
        ? ShapeError<BatchNormRefusal<K>>
        : ShapeError<`sequential: layer ${K}'s apply needs more than (params, x), as batchNorm's state: apply it outside the stack`>
    : L extends { apply: unknown }
      ? ShapeError<`sequential: layer ${K} has no init: a layer in a stack needs init and apply(params, x)`>
      : ShapeError<`sequential: layer ${K} is neither a layer (init and apply) nor a function`>;

/** The features (last dim) step L takes, number when not known from its type. */
type Takes<L> = L extends Fn
  ? LastOf<Parameters<L>[0]>
  : L extends { readonly sizes: infer Sz extends readonly number[] }
    ? Sz[0]
    : L extends { readonly numHeads: number; init(key: PRNGKey): AttentionParams<infer I, number, number, number> }
      ? I
      : L extends Conv<infer I, infer _O, infer _K, infer _Op>
        ? I
      : L extends { readonly numEmbeddings: number } | Nested<readonly unknown[]>
        ? number
        : L extends { readonly features: infer F extends number }
          ? F
          : number;

type GivesAll<L extends readonly unknown[], C extends number> = L extends readonly [infer A, ...infer R] ? GivesAll<R, Gives<A, C>> : C;

/** The features step L gives when it is given C (number: not known from its type). */
type Gives<L, C extends number> = L extends DropoutStep
  ? C
  : L extends Fn
    ? L extends (x: Probe<C>) => Probe<C>
      ? C
      : LastOf<ReturnType<L>>
    : L extends Nested<infer L2>
      ? GivesAll<L2, C>
      : L extends { readonly sizes: readonly [...number[], infer O extends number] }
        ? O
        : L extends { readonly numHeads: number; init(key: PRNGKey): AttentionParams<number, number, number, infer O> }
          ? O
          : L extends Conv<infer _I, infer O, infer _K, infer _Op>
            ? O
          : L extends { readonly features: infer F extends number }
            ? F
            : L extends { apply: (p: never, x: Probe<C>) => Probe<C> }
              ? C
              : number;

/**
 * never when the steps chain (each one's features are what the one before gives, where both are
 * known), else the first misfit's error; C is what comes in (number: unknown). A nested stack is
 * checked with its own indices, as its apply checks at run time.
 */
export type SequentialCheck<L extends readonly unknown[], C extends number = number, K extends unknown[] = []> = L extends readonly [infer A, ...infer R]
  ? [Refused<A, Idx<K>>] extends [never]
    ? A extends Nested<infer L2>
      ? [SequentialCheck<L2, C>] extends [never]
        ? SequentialCheck<R, Gives<A, C>, [...K, 0]>
        : SequentialCheck<L2, C>
      : number extends C | Takes<A>
        ? SequentialCheck<R, Gives<A, C>, [...K, 0]>
        : C extends Takes<A>
          ? SequentialCheck<R, Gives<A, C>, [...K, 0]>
          : ShapeError<SequentialMsg<Idx<K>, Takes<A>, C>>
    : Refused<A, Idx<K>>
  : never;

/** [index, error] of the first step whose check fails (checking the steps up to it), or never. */
type SequentialErrorAt<L extends readonly unknown[], Pre extends unknown[] = []> = L extends readonly [infer A, ...infer R]
  ? [SequentialCheck<[...Pre, A]>] extends [never]
    ? SequentialErrorAt<R, [...Pre, A]>
    : [`${Pre["length"]}`, SequentialCheck<[...Pre, A]>]
  : never;
/**
 * The layers, with the first misfit replaced by its error: TypeScript reports an error in a list
 * written inline at that element, with the message first (under 5.9 too), not after the list's type.
 */
type SequentialLayers<L extends readonly unknown[]> = SequentialErrorAt<L> extends [infer I, infer E] ? { readonly [K in keyof L]: K extends I ? E : L[K] } : L;

/** false when shapes A and B cannot be the same (known ranks differ, or two known dims differ) */
type Fits<A extends Shape, B extends Shape> = number extends A["length"] | B["length"]
  ? true
  : A extends readonly [infer a extends number, ...infer AR extends number[]]
    ? B extends readonly [infer b extends number, ...infer BR extends number[]]
      ? number extends a | b
        ? Fits<AR, BR>
        : a extends b
          ? Fits<AR, BR>
          : false
      : false
    : B extends readonly []
      ? true
      : false;
type Who<K extends unknown[]> = K extends [unknown, ...infer R] ? `layer ${R["length"]}` : "the input";

/**
 * never when each function step with a concrete parameter type can take what comes to it (X,
 * threaded through the steps), else `sequential: layer 1 takes [8, 30, 30, 16] but layer 0 gives
 * [8, 28, 28, 16]`. Compile time only: a function's parameter type does not exist at run time.
 */
export type SequentialInputCheck<L extends readonly unknown[], X, K extends unknown[] = []> = L extends readonly [infer A, ...infer R]
  ? A extends Nested<infer L2>
    ? [SequentialInputCheck<L2, X>] extends [never]
      ? SequentialInputCheck<R, Step<A, X>, [...K, 0]>
      : SequentialInputCheck<L2, X>
    : A extends Fn
      ? Parameters<A>[0] extends Tensor<infer P, DType>
        ? X extends Tensor<infer XS, DType>
          ? Fits<XS, P> extends true
            ? SequentialInputCheck<R, Step<A, X>, [...K, 0]>
            : ShapeError<`sequential: layer ${Idx<K>} takes ${ShowShape<P>} but ${Who<K>} gives ${ShowShape<XS>}`>
          : SequentialInputCheck<R, Step<A, X>, [...K, 0]>
        : SequentialInputCheck<R, Step<A, X>, [...K, 0]>
      : SequentialInputCheck<R, Step<A, X>, [...K, 0]>
  : never;

/** The parameters of each step: its init's result, `[]` for a function or dropout. */
export type SequentialParams<L extends readonly unknown[]> = { -readonly [K in keyof L]: L[K] extends Fn | DropoutStep ? [] : L[K] extends { init(key: PRNGKey): infer P } ? P : never };

type Step<L, X> = L extends DropoutStep
  ? X
  : L extends Fn
    ? L extends (x: X) => X
      ? X
      : ReturnType<L>
    : L extends Nested<infer L2>
      ? SequentialOut<L2, X>
      : L extends { readonly sizes: infer Sz extends readonly number[] }
        ? X extends Tensor<infer S, DType>
          ? Tensor<[...Lead<S>, Sz extends readonly [...number[], infer O extends number] ? O : number]>
          : never
        : L extends { readonly numEmbeddings: number; readonly features: infer F extends number }
          ? X extends Tensor<infer S, DType>
            ? Tensor<[...S, F]>
            : never
          : L extends { readonly numHeads: number; init(key: PRNGKey): AttentionParams<number, number, number, infer O> }
            ? X extends Tensor<infer S, infer D>
              ? Tensor<[...Lead<S>, O], D>
              : never
            : L extends Conv<infer I, infer O, infer K, infer Op>
              ? X extends Tensor<infer S, infer D>
                ? Tensor<AsShape<ConvOut<S, K, I, O, Op>>, D>
                : never
            : L extends { apply: (p: never, x: X) => X }
              ? X
              : L extends { apply: (...a: never) => infer Y }
                ? Y
                : never;

/** The result of the steps on X, step by step. */
export type SequentialOut<L extends readonly unknown[], X> = L extends readonly [infer A, ...infer R] ? SequentialOut<R, Step<A, X>> : X;

/** The stack's apply options, for its dropout steps (and those of its attention steps and nested stacks). */
export interface SequentialApplyOptions {
  /** training: split over the dropout, attention and nested-stack steps, one key each in order */
  readonly key?: PRNGKey;
  /** evaluation: every dropout step is the identity */
  readonly deterministic?: boolean;
}

export interface Sequential<L extends readonly unknown[]> {
  readonly layers: L;
  /** One key per step (split from key); `[]` for the functions and dropout. */
  init(key: PRNGKey): SequentialParams<L>;
  /**
   * x through each step in turn; the result's type is computed step by step. x's features must
   * be what the first layer takes (`sequential: layer 0 takes [..., 3] but the input gives [..., 4]`),
   * and a function step with a concrete parameter type must take what comes to it (checked at
   * compile time only). `opts` feeds the dropout steps: `{ key }` in training (split over them),
   * `{ deterministic: true }` in evaluation; a stack with dropout and neither is a TypeError.
   */
  readonly apply: SequentialApply<L>;
}
/** SequentialApply's call signature alone (what nn.withTypeFn takes). */
export interface SequentialCall<L extends readonly unknown[]> {
  /**
   * x through each step in turn; the result's type is computed step by step. x's features must
   * be what the first layer takes (`sequential: layer 0 takes [..., 3] but the input gives [..., 4]`),
   * and a function step with a concrete parameter type must take what comes to it (checked at
   * compile time only). `opts` feeds the dropout steps: `{ key }` in training (split over them),
   * `{ deterministic: true }` in evaluation; a stack with dropout and neither is a TypeError.
   */
  <S extends Shape, D extends DType = "float32">(
    params: SequentialParams<L>,
    x: Check<[SequentialCheck<L, LastDim<S>>] extends [never] ? SequentialInputCheck<L, Tensor<S, D>> : SequentialCheck<L, LastDim<S>>, Tensor<S, D>>,
    opts?: SequentialApplyOptions,
  ): SequentialOut<L, Tensor<S, D>>;
}
/** A stack's apply, carrying its type-level twin for vmap (transforms/types.ts's TypeFn). */
export interface SequentialApply<L extends readonly unknown[]> extends SequentialCall<L>, WithTypeFn<SequentialApplyFn<L>, SequentialCall<L>> {}
export interface SequentialApplyFn<L extends readonly unknown[]> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, Tensor<infer S, infer D>, ...unknown[]]
    ? Check<[SequentialCheck<L, LastDim<S>>] extends [never] ? SequentialInputCheck<L, Tensor<S, D>> : SequentialCheck<L, LastDim<S>>, SequentialOut<L, Tensor<S, D>>>
    : unknown;
}

const isDropout = (l: Untyped): boolean => typeof l.rate === "number" && Array.isArray(l.broadcastDims) && typeof l.init !== "function";

type Untyped = { init?(key: PRNGKey): unknown; apply?(...a: unknown[]): unknown; initState?: unknown } & Record<string, unknown>;

// the features a layer takes and gives, as its type says (Takes, Gives); undefined when unknown
function takesOf(l: Untyped, p: unknown): number | undefined {
  if (Array.isArray(l.sizes)) return l.sizes[0] as number;
  if ("numEmbeddings" in l) return undefined;
  if ("numHeads" in l) return ((p as { query?: { kernel?: AnyTensor } })?.query?.kernel?.shape[0]) as number | undefined;
  return typeof l.features === "number" ? l.features : undefined;
}
function givesOf(l: Untyped): number | undefined {
  if (Array.isArray(l.sizes)) return l.sizes[l.sizes.length - 1] as number;
  return "numHeads" in l || typeof l.features !== "number" ? undefined : l.features;
}

/**
 * A stack of steps applied in order (see the module comment for what a step is):
 * `nn.sequential([nn.mlp([784, 128]), nn.relu, nn.layerNorm(128), nn.mlp([128, 10])])` maps
 * `Tensor<[B, 784]>` to `Tensor<[B, 10]>`. A step whose features do not match what the step before
 * gives is a compile-time error naming both: `sequential: layer 2 takes [..., 64] but layer 1
 * gives [..., 32]` (the same text at run time for dims typed `number`).
 */
export function sequential<const L extends readonly unknown[]>(layers: SequentialLayers<L>): Sequential<L> {
  const ls = layers as unknown as readonly (Untyped | ((x: AnyTensor) => AnyTensor))[];
  if (!Array.isArray(ls) || ls.length === 0) throw new TypeError("sequential: needs a list of at least one layer");
  let c: number | undefined;
  ls.forEach((l, k) => {
    if (typeof l === "function") return void (c = undefined);
    if (l === null || typeof l !== "object" || typeof l.apply !== "function") throw new TypeError(`sequential: layer ${k} is neither a layer (init and apply) nor a function`);
    if (isDropout(l)) return;
    if (typeof l.init !== "function") throw new TypeError(`sequential: layer ${k} has no init: a layer in a stack needs init and apply(params, x)`);
    if ("initState" in l) throw new TypeError(batchNormRefusalMsg(k));
    if (l.apply.length > 2 && !("layers" in l)) throw new TypeError(`sequential: layer ${k}'s apply needs more than (params, x), as batchNorm's state: apply it outside the stack`);
    const t = takesOf(l, undefined);
    if (c !== undefined && t !== undefined && c !== t) shapeError(sequentialMsg(k, t, c));
    c = givesOf(l);
  });
  return {
    layers: layers as L,
    init(key) {
      const keys = split(key, ls.length);
      return ls.map((l, k) => (typeof l === "function" || isDropout(l) ? [] : l.init!(keys[k]!))) as SequentialParams<L>;
    },
    // annotated: typing this body from SequentialCall's generic signature crashes TypeScript 7's checker
    apply: withTypeFn(function (params: unknown, x: unknown, opts?: SequentialApplyOptions) {
      const ps = params as readonly unknown[];
      if (!Array.isArray(ps) || ps.length !== ls.length) throw new TypeError(`sequential: params must be a list of ${ls.length} entries, one per layer (from init)`);
      // one key for each dropout, attention or nested-stack step, in order
      const keyed = ls.filter((l) => typeof l !== "function" && (isDropout(l) || "numHeads" in l || "layers" in l)).length;
      const deterministic = opts?.deterministic === true;
      if (ls.some((l) => typeof l !== "function" && isDropout(l)) && !deterministic && opts?.key === undefined) {
        throw new TypeError("sequential: a stack with dropout needs apply(params, x, { key }) in training, or { deterministic: true }");
      }
      const keys = opts?.key !== undefined && !deterministic && keyed > 0 ? split(opts.key, keyed) : [];
      let used = 0;
      const stepOpts = () => (deterministic ? { deterministic: true } : keys.length ? { key: keys[used++]! } : {});
      let h = x as AnyTensor;
      ls.forEach((l, k) => {
        if (typeof l === "function") return void (h = l(h));
        if (isDropout(l)) return void (h = l.apply!(h, stepOpts()) as AnyTensor);
        const t = takesOf(l, ps[k]);
        const d = h.shape[h.shape.length - 1];
        if (t !== undefined && d !== undefined && d !== t) shapeError(sequentialMsg(k, t, d));
        // attention and nested stacks take the key (or deterministic) for their own dropout
        h = ("numHeads" in l || "layers" in l ? l.apply!(ps[k], h, stepOpts()) : l.apply!(ps[k], h)) as AnyTensor;
      });
      return h as never;
    }),
  };
}
