/**
 * Optimisers in the functional style of optax: `init(params)` makes a state, and
 * `update(grads, state, params)` returns `[updates, newState]`; `applyUpdates(params, updates)`
 * adds them. Gradients, state and parameters are pytrees of the same structure and shapes: the
 * types say so (update reads P from the state and names the grads' or params' leaf that differs), and
 * update checks the same at run time, with the same text. Every piece of
 * state is a tensor (the step count too), so a jitted training step traces once, also with a
 * schedule as the learning rate. Each optimiser is optax's chain of building blocks (see
 * transform.ts) with one flat state: the learning-rate schedule reads the count of updates so far.
 */
import type { Tensor, AnyTensor } from "../tensor/tensor.js";
import { treeMap } from "../transforms/tree.js";
import { add, mul } from "../ops/elementwise.js";
import type { ScalarOrSchedule } from "./schedules.js";
import {
  scaleByAdam, scaleByRms, scaleByStddev, scaleByRss, scaleByLion, trace, scaleAt, decayWeights, checkParams, checkDecay, zeroCount, transformation, checkUpdate,
  type GradientTransformation, type StateFamily, type AdamFamily, type LionFamily, type AdamState, type ScaleByAdamOptions, type Mask,
} from "./transform.js";

export type { AdamState };

type T = AnyTensor;
type Count = Tensor<[], "int32">;
const map = treeMap;

function checkLearningRate(name: string, lr: ScalarOrSchedule): void {
  // 0 is allowed (frozen parameters, a dry run), as optax allows it
  if (typeof lr === "number" ? !(lr >= 0 && Number.isFinite(lr)) : typeof lr !== "function") throw new RangeError(`${name}: learningRate must be a finite number >= 0 or a schedule, got ${String(lr)}`);
}
/** optax's scale_by_learning_rate at the count of updates so far. */
const step = (u: unknown, lr: ScalarOrSchedule, count: Count): unknown => scaleAt(u, lr, count, -1);

// ------------------------------------------------------------------------------------ SGD

export interface SgdState<P> {
  /** The velocity (null without momentum). */
  readonly velocity: P | null;
  /** The number of updates so far (a schedule's argument). */
  readonly count: Tensor<[], "int32">;
}
export interface SgdFamily extends StateFamily {
  readonly state: SgdState<this["params"]>;
}
export interface SgdOptions {
  /** A positive number or a schedule (a function of the step count). */
  readonly learningRate: ScalarOrSchedule;
  /** Heavy-ball momentum in [0, 1); 0 (the default) is plain SGD. */
  readonly momentum?: number;
  readonly nesterov?: boolean;
}
export type Sgd = GradientTransformation<SgdFamily, "sgd">;

/** Stochastic gradient descent, optionally with (Nesterov) momentum, as optax.sgd. */
export function sgd(opts: SgdOptions): Sgd {
  const lr = opts.learningRate;
  const mom = opts.momentum ?? 0;
  checkLearningRate("sgd", lr);
  if (!(mom >= 0 && mom < 1)) throw new RangeError(`sgd: momentum must be in [0, 1), got ${mom}`);
  const tr = trace(mom, opts.nesterov);
  return transformation(
    (params) => {
      checkParams("sgd.init", params);
      return { velocity: mom > 0 ? tr.init(params).trace : null, count: zeroCount() };
    },
    (grads, s: SgdState<unknown>, params) => {
      checkUpdate("sgd", grads, s.velocity, params);
      const [dir, ts] = mom > 0 ? tr.update(grads, { trace: s.velocity }) : [grads, null];
      return [step(dir, lr, s.count), { velocity: ts === null ? null : ts.trace, count: add(s.count, 1) }];
    },
  );
}

// ------------------------------------------------------------------------------------ Adam, AdamW

export interface AdamOptions extends ScaleByAdamOptions {
  /** A positive number or a schedule (a function of the step count). */
  readonly learningRate: ScalarOrSchedule;
}
export type Adam = GradientTransformation<AdamFamily, "adam">;

/** Adam (Kingma and Ba), with bias correction, as optax.adam: chain(scaleByAdam, scaleByLearningRate). */
export function adam(opts: AdamOptions): Adam {
  checkLearningRate("adam", opts.learningRate);
  const inner = scaleByAdam(opts, "adam");
  return transformation(inner.init, (grads, s: AdamState<unknown>, params) => {
    checkUpdate("adam", grads, s.mu, params);
    const [u, s2] = inner.update(grads, s);
    return [step(u, opts.learningRate, s.count), s2];
  });
}

export interface AdamWOptions extends AdamOptions {
  /** The decoupled weight decay (default 1e-4, as optax). */
  readonly weightDecay?: number;
  /** Which parameters decay: a tree of booleans (or a prefix of one), or a function of the params to one. */
  readonly mask?: Mask;
}
export type AdamW = GradientTransformation<AdamFamily, "adamw">;

/**
 * AdamW (Loshchilov and Hutter), as optax.adamw: chain(scaleByAdam, addDecayedWeights(weightDecay,
 * mask), scaleByLearningRate): the decay weightDecay · params is added to Adam's direction (not to
 * the gradient) and scaled by the learning rate. update needs the params.
 */
export function adamw(opts: AdamWOptions): AdamW {
  checkLearningRate("adamw", opts.learningRate);
  const inner = scaleByAdam(opts, "adamw");
  const wd = opts.weightDecay ?? 1e-4;
  return transformation(inner.init, (grads, s: AdamState<unknown>, params) => {
    checkUpdate("adamw", grads, s.mu, params);
    const [u, s2] = inner.update(grads, s);
    return [step(decayWeights("adamw", wd, opts.mask, u, params), opts.learningRate, s.count), s2];
  });
}

// ------------------------------------------------------------------------------------ RMSProp

export interface RmspropState<P> {
  /** The decaying mean of g². */
  readonly nu: P;
  /** The decaying mean of g (centered only, else null). */
  readonly mu: P | null;
  /** The momentum's velocity (with momentum only, else null). */
  readonly trace: P | null;
  /** The number of updates so far. */
  readonly count: Tensor<[], "int32">;
}
export interface RmspropFamily extends StateFamily {
  readonly state: RmspropState<this["params"]>;
}
export interface RmspropOptions {
  readonly learningRate: ScalarOrSchedule;
  /** The decay of the moving averages (default 0.9). */
  readonly decay?: number;
  /** Added to the second moment inside the square root (default 1e-8). */
  readonly eps?: number;
  /** The second moment's initial value (default 0). */
  readonly initialScale?: number;
  /** Divide by the standard deviation (√(E[g²] - E[g]²)) rather than the RMS (default false). */
  readonly centered?: boolean;
  /** Momentum applied after the learning rate, as optax (default: none). */
  readonly momentum?: number;
  readonly nesterov?: boolean;
}
export type Rmsprop = GradientTransformation<RmspropFamily, "rmsprop">;

/**
 * RMSProp, as optax.rmsprop: chain(scaleByRms (scaleByStddev when centered),
 * scaleByLearningRate, trace(momentum, nesterov) when momentum is given).
 */
export function rmsprop(opts: RmspropOptions): Rmsprop {
  const lr = opts.learningRate;
  const mom = opts.momentum ?? 0;
  checkLearningRate("rmsprop", lr);
  checkDecay("rmsprop", "decay", opts.decay ?? 0.9);
  if (!(mom >= 0 && mom < 1)) throw new RangeError(`rmsprop: momentum must be in [0, 1), got ${mom}`);
  const rms = scaleByRms(opts), std = scaleByStddev(opts), tr = trace(mom, opts.nesterov);
  return transformation(
    (params) => {
      checkParams("rmsprop.init", params);
      const { mu, nu } = opts.centered ? std.init(params) : { mu: null, ...rms.init(params) };
      return { nu, mu, trace: mom > 0 ? tr.init(params).trace : null, count: zeroCount() };
    },
    (grads, s: RmspropState<unknown>, params) => {
      checkUpdate("rmsprop", grads, s.nu, params);
      const [u, { mu, nu }] = opts.centered ? std.update(grads, { mu: s.mu, nu: s.nu }) : withMu(rms.update(grads, { nu: s.nu }));
      const scaled = step(u, lr, s.count);
      const [out, ts] = mom > 0 ? tr.update(scaled, { trace: s.trace }) : [scaled, { trace: null }];
      return [out, { nu, mu, trace: ts.trace, count: add(s.count, 1) }];
    },
  );
}
const withMu = <U, N>([u, { nu }]: [U, { nu: N }]): [U, { mu: null; nu: N }] => [u, { mu: null, nu }];

// ------------------------------------------------------------------------------------ Adagrad

export interface AdagradState<P> {
  /** The running sum of g². */
  readonly sumOfSquares: P;
  /** The number of updates so far. */
  readonly count: Tensor<[], "int32">;
}
export interface AdagradFamily extends StateFamily {
  readonly state: AdagradState<this["params"]>;
}
export interface AdagradOptions {
  readonly learningRate: ScalarOrSchedule;
  /** The sum's initial value (default 0.1, as optax). */
  readonly initialAccumulatorValue?: number;
  readonly eps?: number;
}
export type Adagrad = GradientTransformation<AdagradFamily, "adagrad">;

/** Adagrad, as optax.adagrad: chain(scaleByRss, scaleByLearningRate). */
export function adagrad(opts: AdagradOptions): Adagrad {
  checkLearningRate("adagrad", opts.learningRate);
  const rss = scaleByRss(opts);
  return transformation(
    (params) => {
      checkParams("adagrad.init", params);
      return { ...rss.init(params), count: zeroCount() };
    },
    (grads, s: AdagradState<unknown>, params) => {
      checkUpdate("adagrad", grads, s.sumOfSquares, params);
      const [u, r] = rss.update(grads, { sumOfSquares: s.sumOfSquares });
      return [step(u, opts.learningRate, s.count), { ...r, count: add(s.count, 1) }];
    },
  );
}

// ------------------------------------------------------------------------------------ Lion

export interface LionOptions {
  readonly learningRate: ScalarOrSchedule;
  /** The interpolation of the update direction (default 0.9). */
  readonly b1?: number;
  /** The decay of the momentum (default 0.99). */
  readonly b2?: number;
  /** The decoupled weight decay (default 1e-3, as optax). */
  readonly weightDecay?: number;
  /** Which parameters decay, as adamw's mask. */
  readonly mask?: Mask;
}
export type Lion = GradientTransformation<LionFamily, "lion">;

/**
 * Lion (Chen et al.), as optax.lion: chain(scaleByLion, addDecayedWeights(weightDecay, mask),
 * scaleByLearningRate): the update is sign((1 - b1) · g + b1 · mu), plus the decay. update needs
 * the params unless weightDecay is 0.
 */
export function lion(opts: LionOptions): Lion {
  checkLearningRate("lion", opts.learningRate);
  const inner = scaleByLion(opts, "lion");
  const wd = opts.weightDecay ?? 1e-3;
  return transformation(inner.init, (grads, s: { count: Count; mu?: unknown }, params) => {
    checkUpdate("lion", grads, s.mu, params);
    const [u, s2] = inner.update(grads, s as never);
    return [step(decayWeights("lion", wd, opts.mask, u, params), opts.learningRate, s.count), s2];
  });
}

// ------------------------------------------------------------------------------------ helpers

/** params + updates, leaf by leaf (optax.apply_updates). */
export function applyUpdates<P>(params: P, updates: NoInfer<P>): P {
  return map((p: T, u: T) => add(p, u), params, updates);
}

/** updates * s, leaf by leaf (s a number or a scalar tensor: a learning-rate schedule under jit). */
export function treeScale<P>(updates: P, s: number | Tensor<[]>): P {
  return map((u: T) => mul(u, s as T) as T, updates);
}
