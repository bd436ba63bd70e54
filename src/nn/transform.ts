/**
 * Gradient transformations, optax's building blocks: each is `{ init, update }` on pytrees, and
 * `chain` composes them (`chain(clipByGlobalNorm(1), adamw({ learningRate }))`). A
 * transformation's state depends on the parameters' type; `StateFamily` says how, so that
 * `init(params)` and `update(grads, state, params)` tie grads, state and params to one pytree type.
 */
import type { Tensor, AnyTensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { treeMap, flatten, unflatten, isPlainObject, showTree, leafPaths, treeKey } from "../transforms/tree.js";
import { ShapeMismatchError } from "../tensor/checks.js";
import { optimUpdateMsg } from "../tensor/messages.js";
import { add, sub, mul, div, sqrt, rsqrt, pow, sign, where, less, greater, clip as clipValues, astype, square } from "../ops/elementwise.js";
import { sum } from "../ops/reduce.js";
import { tensor } from "../tensor/create.js";
import { fullLike } from "../ops/shape-utils.js";
import { zerosLike } from "../prims/lax.js";
import type { ScalarOrSchedule } from "./schedules.js";
import type { Check, ShapeError } from "../shape/core.js";
import type { LeafPath, AtPath, ShowPath, ShowShapeOf } from "../transforms/types.js";

type T = AnyTensor;
const map = treeMap;

// ------------------------------------------------------------------------------------ types

/**
 * How a transformation's state depends on the parameters' type P (a type-level function, as
 * `interface AdamFamily extends StateFamily { readonly state: AdamState<this["params"]> }`).
 */
export interface StateFamily {
  readonly params: unknown;
  readonly state: unknown;
}
/** The state of family F for parameters of type P. */
export type StateOf<F extends StateFamily, P> = (F & { readonly params: P })["state"];

/**
 * optax's GradientTransformation: `init(params)` makes the state; `update(updates, state, params?)`
 * returns the transformed updates and the next state. Updates, state and params have one pytree
 * type P: gradients of another model do not fit the state. N names the transformation in messages.
 */
export interface GradientTransformation<F extends StateFamily = StateFamily, N extends string = "transformation"> {
  init<P>(params: P): StateOf<F, P>;
  /**
   * The params type P is read from the state (the state carries it); the grads and the params are
   * checked against it leaf by leaf, and a leaf that differs is a ShapeError naming the argument,
   * the leaf and both shapes. A state that does not carry P (a stateless transformation's, a
   * chain's) takes it from the grads.
   */
  update<P, G, Q = StateParams<P, G>>(
    updates: Check<UpdateMismatch<N, "grads", G, P>, G>,
    state: StateOf<F, P>,
    params?: Check<UpdateMismatch<N, "params", Q, StateParams<P, G>>, Q>,
  ): [StateParams<P, G>, StateOf<F, StateParams<P, G>>];
  /** Type-level only (never set): the state family. */
  readonly "~family"?: F;
}
/** The params type an update works on: the one read from the state, else the grads'. */
export type StateParams<P, G> = unknown extends P ? G : P;
/**
 * `adam.update: grads.w has shape [2, 4], but the state was built for params.w of shape [2, 3]`
 * when Got (argument What) differs from the state's params Want (never when it fits); the run-time
 * twin is messages.ts's optimUpdateMsg.
 */
export type UpdateMismatch<N extends string, What extends string, Got, Want> = unknown extends Want
  ? never
  : [Got] extends [Want]
    ? never
    : LeafPath<Got, Want> extends infer Path extends readonly PropertyKey[]
      ? ShapeError<`${N}.update: ${What}${ShowPath<Path>} has shape ${ShowShapeOf<AtPath<Got, Path>>}, but the state was built for params${ShowPath<Path>} of shape ${ShowShapeOf<AtPath<Want, Path>>}`>
      : never;
/** The state that optimiser O keeps for parameters P: `OptState<typeof opt, typeof params>`. */
export type OptState<O, P> = O extends GradientTransformation<infer F, string> ? StateOf<F, P> : never;

/** The state of stateless transformations (clip, scale ...). */
export type EmptyState = Record<never, never>;
export interface EmptyFamily extends StateFamily {
  readonly state: EmptyState;
}
/** A step count, the number of updates so far (optax's count: int32). */
export interface CountState {
  readonly count: Tensor<[], "int32">;
}
export interface CountFamily extends StateFamily {
  readonly state: CountState;
}

/** Builds a transformation from untyped init/update (the types are checked at its signature). */
export function transformation<F extends StateFamily, N extends string = "transformation">(init: (params: unknown) => unknown, update: (u: unknown, s: never, p: unknown) => [unknown, unknown]): GradientTransformation<F, N> {
  return { init, update } as unknown as GradientTransformation<F, N>;
}

/**
 * The run-time twin of UpdateMismatch: grads (and params, when given) against `like`, a tree of
 * the state's that has the params' structure and shapes (null when the state holds none).
 */
export function checkUpdate(name: string, grads: unknown, like: unknown, params: unknown): void {
  if (like === null || like === undefined) return;
  const [want, wantDef] = flatten(like);
  const paths = leafPaths(like);
  for (const [what, tree] of [["grads", grads], ["params", params]] as const) {
    if (what === "params" && params === undefined) continue;
    const [got, def] = flatten(tree);
    if (treeKey(def) !== treeKey(wantDef)) throw new Error(`${name}.update: ${what} ${showTree(tree)} do not have the structure of the state's params ${showTree(like)}`);
    got.forEach((g, i) => {
      const w = want[i]!;
      if (g.dtype !== w.dtype || g.shape.length !== w.shape.length || g.shape.some((d, k) => d !== w.shape[k]))
        throw new ShapeMismatchError(optimUpdateMsg(name, what, paths[i]!, g.shape, g.dtype, w.shape, w.dtype));
    });
  }
}
const stateless = (f: (u: unknown, p: unknown) => unknown): GradientTransformation<EmptyFamily> =>
  transformation(() => ({}), (u, s, p) => [f(u, p), s]);

/** A fresh step count, 0 as int32. */
export const zeroCount = (): Tensor<[], "int32"> => tensor(0, "int32");
const increment = (c: Tensor<[], "int32">): Tensor<[], "int32"> => add(c, 1);

/** `checkParams(name, params)`: the parameters hold at least one tensor. */
export function checkParams(name: string, params: unknown): void {
  const [leaves] = flatten(params);
  if (leaves.length === 0) throw new Error(`${name}: params must be a tensor or a pytree of tensors`);
}

// ------------------------------------------------------------------------------------ combinators

type ChainStates<Ts extends readonly GradientTransformation<StateFamily, string>[], P> = {
  -readonly [K in keyof Ts]: Ts[K] extends GradientTransformation<infer F, string> ? StateOf<F, P> : never;
};
export interface ChainFamily<Ts extends readonly GradientTransformation<StateFamily, string>[]> extends StateFamily {
  readonly state: ChainStates<Ts, this["params"]>;
}

/**
 * optax.chain: applies the transformations in order (the first sees the gradients); the state is
 * the tuple of their states.
 */
export function chain<const Ts extends readonly GradientTransformation<StateFamily, string>[]>(...transforms: Ts): GradientTransformation<ChainFamily<Ts>, "chain"> {
  const ts = transforms as readonly GradientTransformation<StateFamily, string>[];
  return transformation(
    (params) => ts.map((t) => t.init(params)),
    (updates, state, params) => {
      const states = state as readonly unknown[];
      if (!Array.isArray(states) || states.length !== ts.length) throw new Error(`chain: the state must hold ${ts.length} states, got ${showTree(state)}`);
      const next: unknown[] = [];
      let u = updates;
      ts.forEach((t, i) => {
        const [u2, s2] = t.update(u, states[i], params);
        u = u2;
        next.push(s2);
      });
      return [u, next];
    },
  );
}

// ------------------------------------------------------------------------------------ clipping

/** optax.global_norm: the l2 norm of all the leaves together, √(Σ x²). */
export function globalNorm(tree: unknown): Tensor<[]> {
  const [leaves] = flatten(tree);
  if (leaves.length === 0) throw new Error("globalNorm: the tree has no tensors");
  return sqrt(leaves.map((l) => sum(square(l)) as T).reduce((a, b) => add(a, b) as T) as Tensor<[]>);
}

/**
 * optax.clip_by_global_norm: scales all updates by maxNorm / globalNorm(updates) when the global
 * norm is at least maxNorm (the updates are unchanged below it).
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<EmptyFamily> {
  if (!(maxNorm > 0)) throw new RangeError(`clipByGlobalNorm: maxNorm must be positive, got ${maxNorm}`);
  return stateless((u) => {
    const norm = globalNorm(u);
    const keep = less(norm, maxNorm);
    return map((g: T) => where(keep, g, mul(div(g, astype(norm, g.dtype)), maxNorm)) as T, u);
  });
}

/** optax.clip: limits each update element to [-maxDelta, maxDelta]. */
export function clip(maxDelta: number): GradientTransformation<EmptyFamily> {
  if (!(maxDelta >= 0)) throw new RangeError(`clip: maxDelta must be >= 0, got ${maxDelta}`);
  return stateless((u) => map((g: T) => clipValues(g, -maxDelta, maxDelta) as T, u));
}

// ------------------------------------------------------------------------------------ scaling

/** optax.scale: multiplies the updates by `step`. */
export function scale(step: number): GradientTransformation<EmptyFamily> {
  return stateless((u) => map((g: T) => mul(g, step) as T, u));
}

/** `updates · step(count)`, the step cast to each leaf's dtype (as optax). */
export function scaleAt(updates: unknown, step: ScalarOrSchedule, count: Tensor<[], "int32">, factor = 1): unknown {
  if (typeof step === "number") return map((g: T) => mul(g, step * factor) as T, updates);
  const s = step(count);
  return map((g: T) => mul(g, typeof s === "number" ? s * factor : astype(mul(s, factor), g.dtype)) as T, updates);
}

/** optax.scale_by_schedule (times `factor`, default 1): multiplies the updates by schedule(count); the state is the count. */
export function scaleBySchedule(schedule: Exclude<ScalarOrSchedule, number>, factor = 1): GradientTransformation<CountFamily> {
  return transformation(
    () => ({ count: zeroCount() }),
    (u, s) => {
      const { count } = s as CountState;
      return [scaleAt(u, schedule, count, factor), { count: increment(count) }];
    },
  );
}

/**
 * optax.scale_by_learning_rate: multiplies by -learningRate (by +learningRate with flipSign
 * false); a schedule keeps the count in the state, a number needs no state.
 */
export function scaleByLearningRate(learningRate: number, flipSign?: boolean): GradientTransformation<EmptyFamily>;
export function scaleByLearningRate(learningRate: Exclude<ScalarOrSchedule, number>, flipSign?: boolean): GradientTransformation<CountFamily>;
export function scaleByLearningRate(learningRate: ScalarOrSchedule, flipSign?: boolean): GradientTransformation<EmptyFamily> | GradientTransformation<CountFamily>;
export function scaleByLearningRate(learningRate: ScalarOrSchedule, flipSign = true): GradientTransformation<EmptyFamily> | GradientTransformation<CountFamily> {
  const m = flipSign ? -1 : 1;
  if (typeof learningRate === "number") return scale(m * learningRate);
  return scaleBySchedule(learningRate, m);
}

// ------------------------------------------------------------------------------------ Adam

export interface AdamState<P> {
  /** The first moment (the mean of the gradients). */
  readonly mu: P;
  /** The second moment (the mean of their squares). */
  readonly nu: P;
  /** The number of updates so far. */
  readonly count: Tensor<[], "int32">;
}
export interface AdamFamily extends StateFamily {
  readonly state: AdamState<this["params"]>;
}
export interface ScaleByAdamOptions {
  readonly b1?: number;
  readonly b2?: number;
  readonly eps?: number;
  /** Added to the second moment inside the square root (default 0). */
  readonly epsRoot?: number;
  /** Nesterov momentum on the first moment (NAdam), as optax's `nesterov` (default false). */
  readonly nesterov?: boolean;
}

const moment = (g: T, m: T, decay: number): T => add(mul(m, decay), mul(g, 1 - decay)) as T;
const moment2 = (g: T, m: T, decay: number): T => add(mul(m, decay), mul(square(g), 1 - decay)) as T;
/** m / (1 - decay^count), in m's precision. */
const biasCorrected = (m: T, decay: number, count: Tensor<[], "int32">): T => div(m, sub(1, pow(decay, astype(count, m.dtype)))) as T;

/** A decay rate in [0, 1), or an error naming the option. */
export function checkDecay(name: string, what: string, b: number): void {
  if (!(b >= 0 && b < 1)) throw new RangeError(`${name}: ${what} must be in [0, 1), got ${b}`);
}

/**
 * optax.scale_by_adam: mu and nu, the decaying means of g and g², and the update
 * mû / (√(nû + epsRoot) + eps) with the bias corrections mû = mu / (1 - b1^t), nû = nu / (1 - b2^t).
 */
export function scaleByAdam(opts: ScaleByAdamOptions = {}, name = "scaleByAdam"): GradientTransformation<AdamFamily> {
  const b1 = opts.b1 ?? 0.9, b2 = opts.b2 ?? 0.999, eps = opts.eps ?? 1e-8, epsRoot = opts.epsRoot ?? 0;
  checkDecay(name, "b1", b1);
  checkDecay(name, "b2", b2);
  return transformation(
    (params) => {
      checkParams(`${name}.init`, params);
      return { mu: map(zerosLike, params), nu: map(zerosLike, params), count: zeroCount() };
    },
    (u, s) => {
      const state = s as AdamState<unknown>;
      const mu = map((g: T, m: T) => moment(g, m, b1), u, state.mu);
      const nu = map((g: T, n: T) => moment2(g, n, b2), u, state.nu);
      const count = increment(state.count);
      const muHat = opts.nesterov
        ? map((m: T, g: T) => add(mul(biasCorrected(m, b1, add(count, 1)), b1), mul(biasCorrected(g, b1, count), 1 - b1)) as T, mu, u)
        : map((m: T) => biasCorrected(m, b1, count), mu);
      const updates = map((m: T, n: T) => div(m, add(sqrt(add(biasCorrected(n, b2, count), epsRoot) as Tensor<number[]>), eps)) as T, muHat, nu);
      return [updates, { mu, nu, count }];
    },
  );
}

// ------------------------------------------------------------------------------------ RMS and friends

export interface ScaleByRmsState<P> {
  /** The decaying mean of g². */
  readonly nu: P;
}
export interface ScaleByRmsFamily extends StateFamily {
  readonly state: ScaleByRmsState<this["params"]>;
}
export interface ScaleByStddevState<P> {
  /** The decaying mean of g. */
  readonly mu: P;
  /** The decaying mean of g². */
  readonly nu: P;
}
export interface ScaleByStddevFamily extends StateFamily {
  readonly state: ScaleByStddevState<this["params"]>;
}
export interface ScaleByRmsOptions {
  readonly decay?: number;
  readonly eps?: number;
  /** nu's initial value (default 0). */
  readonly initialScale?: number;
}

/** optax.scale_by_rms: nu = decay · nu + (1 - decay) · g², and the update g / √(nu + eps). */
export function scaleByRms(opts: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsFamily> {
  const decay = opts.decay ?? 0.9, eps = opts.eps ?? 1e-8, init = opts.initialScale ?? 0;
  return transformation(
    (params) => ({ nu: map((p: T) => fullLike(p, init), params) }),
    (u, s) => {
      const nu = map((g: T, n: T) => moment2(g, n, decay), u, (s as ScaleByRmsState<unknown>).nu);
      return [map((g: T, n: T) => mul(g, rsqrt(add(n, eps) as T)) as T, u, nu), { nu }];
    },
  );
}

/**
 * optax.scale_by_stddev (centred RMSProp): mu and nu, the decaying means of g and g², and the
 * update g / √(nu - mu² + eps).
 */
export function scaleByStddev(opts: ScaleByRmsOptions = {}): GradientTransformation<ScaleByStddevFamily> {
  const decay = opts.decay ?? 0.9, eps = opts.eps ?? 1e-8, init = opts.initialScale ?? 0;
  return transformation(
    (params) => ({ mu: map(zerosLike, params), nu: map((p: T) => fullLike(p, init), params) }),
    (u, s) => {
      const state = s as ScaleByStddevState<unknown>;
      const mu = map((g: T, m: T) => moment(g, m, decay), u, state.mu);
      const nu = map((g: T, n: T) => moment2(g, n, decay), u, state.nu);
      return [map((g: T, m: T, n: T) => mul(g, rsqrt(add(sub(n, square(m)), eps) as T)) as T, u, mu, nu), { mu, nu }];
    },
  );
}

export interface ScaleByRssState<P> {
  /** The running sum of g². */
  readonly sumOfSquares: P;
}
export interface ScaleByRssFamily extends StateFamily {
  readonly state: ScaleByRssState<this["params"]>;
}
export interface ScaleByRssOptions {
  readonly initialAccumulatorValue?: number;
  readonly eps?: number;
}

/**
 * optax.scale_by_rss (Adagrad's scaling): sumOfSquares += g², and the update g / √(sumOfSquares
 * + eps), 0 where sumOfSquares is 0.
 */
export function scaleByRss(opts: ScaleByRssOptions = {}): GradientTransformation<ScaleByRssFamily> {
  const init = opts.initialAccumulatorValue ?? 0.1, eps = opts.eps ?? 1e-7;
  return transformation(
    (params) => ({ sumOfSquares: map((p: T) => fullLike(p, init), params) }),
    (u, s) => {
      const sumOfSquares = map((g: T, a: T) => add(a, square(g)) as T, u, (s as ScaleByRssState<unknown>).sumOfSquares);
      const updates = map((g: T, a: T) => where(greater(a, 0), mul(g, rsqrt(add(a, eps) as T)), zerosLike(g)) as T, u, sumOfSquares);
      return [updates, { sumOfSquares }];
    },
  );
}

export interface LionState<P> {
  /** The decaying mean of g (with rate b2). */
  readonly mu: P;
  /** The number of updates so far. */
  readonly count: Tensor<[], "int32">;
}
export interface LionFamily extends StateFamily {
  readonly state: LionState<this["params"]>;
}
export interface ScaleByLionOptions {
  readonly b1?: number;
  readonly b2?: number;
}

/**
 * optax.scale_by_lion: the update sign((1 - b1) · g + b1 · mu), then mu = b2 · mu + (1 - b2) · g.
 */
export function scaleByLion(opts: ScaleByLionOptions = {}, name = "scaleByLion"): GradientTransformation<LionFamily> {
  const b1 = opts.b1 ?? 0.9, b2 = opts.b2 ?? 0.99;
  checkDecay(name, "b1", b1);
  checkDecay(name, "b2", b2);
  return transformation(
    (params) => {
      checkParams(`${name}.init`, params);
      return { mu: map(zerosLike, params), count: zeroCount() };
    },
    (u, s) => {
      const state = s as LionState<unknown>;
      const updates = map((g: T, m: T) => sign(moment(g, m, b1)) as T, u, state.mu);
      return [updates, { mu: map((g: T, m: T) => moment(g, m, b2), u, state.mu), count: increment(state.count) }];
    },
  );
}

// ------------------------------------------------------------------------------------ momentum

export interface TraceState<P> {
  /** The velocity. */
  readonly trace: P;
}
export interface TraceFamily extends StateFamily {
  readonly state: TraceState<this["params"]>;
}

/**
 * optax.trace (heavy-ball momentum): trace = g + decay · trace, and the update is the trace, or
 * g + decay · trace with nesterov.
 */
export function trace(decay: number, nesterov = false): GradientTransformation<TraceFamily> {
  return transformation(
    (params) => ({ trace: map(zerosLike, params) }),
    (u, s) => {
      const f = (g: T, t: T): T => add(g, mul(t, decay)) as T;
      const tr = map(f, u, (s as TraceState<unknown>).trace);
      return [nesterov ? map(f, u, tr) : tr, { trace: tr }];
    },
  );
}

// ------------------------------------------------------------------------------------ weight decay

/** A pytree of booleans shaped like the parameters, or a prefix of it (one boolean for a subtree). */
export type MaskTree = boolean | readonly MaskTree[] | { readonly [key: string]: MaskTree };
/** optax's mask: a tree of booleans, or a function of the parameters that returns one. */
export type Mask = MaskTree | { bivariant(params: unknown): MaskTree }["bivariant"];

/** The mask's boolean for each leaf of params, in flatten order; a mask that does not fit is an error naming both. */
export function maskLeaves(name: string, mask: Mask, params: unknown): boolean[] {
  const m0 = typeof mask === "function" ? mask(params) : mask;
  const out: boolean[] = [];
  const fail = (): never => {
    throw new Error(`${name}: the mask ${showTree(m0)} does not fit the parameters ${showTree(params)}`);
  };
  const go = (m: unknown, p: unknown): void => {
    if (typeof m === "boolean") out.push(...flatten(p)[0].map(() => m));
    else if (p instanceof TensorClass) fail();
    else if (Array.isArray(m)) {
      if (!Array.isArray(p) || p.length !== m.length) fail();
      m.forEach((mi, i) => go(mi, (p as unknown[])[i]));
    } else if (isPlainObject(m)) {
      const keys = Object.keys(m).sort();
      if (!isPlainObject(p) || keys.join() !== Object.keys(p).sort().join()) fail();
      keys.forEach((k) => go(m[k], (p as Record<string, unknown>)[k]));
    } else fail();
  };
  go(m0, params);
  return out;
}

/** Applies f to the leaves where the mask is true, and leaves the others as they are. */
export function masked(name: string, mask: Mask | undefined, f: (u: T, p: T) => T, updates: unknown, params: unknown): unknown {
  if (params === undefined) throw new Error(`${name}: update needs the params (for the weight decay)`);
  if (mask === undefined) return map(f, updates, params);
  const on = maskLeaves(name, mask, params);
  const [us, def] = flatten(updates);
  const [ps] = flatten(params);
  if (us.length !== on.length) throw new Error(`${name}: the updates ${showTree(updates)} do not fit the parameters ${showTree(params)}`);
  return unflatten(def, us.map((u, i) => (on[i] ? f(u, ps[i]!) : u)));
}

/**
 * optax.add_decayed_weights: updates + weightDecay · params, on the leaves where `mask` is true
 * (all of them without a mask). Needs the params.
 */
export function addDecayedWeights(weightDecay = 0, mask?: Mask): GradientTransformation<EmptyFamily> {
  return stateless((u, p) => decayWeights("addDecayedWeights", weightDecay, mask, u, p));
}

/** updates + weightDecay · params on the masked leaves (nothing to do, and no params needed, for 0). */
export function decayWeights(name: string, weightDecay: number, mask: Mask | undefined, updates: unknown, params: unknown): unknown {
  return weightDecay === 0 ? updates : masked(name, mask, (g, w) => add(g, mul(w, weightDecay)) as T, updates, params);
}
