/**
 * Optimisers in the functional style of optax: `init(params)` makes a state, and
 * `update(grads, state, params)` returns `[updates, newState]`; `applyUpdates(params, updates)`
 * adds them. Gradients, state and parameters are pytrees of the same structure and shapes: the
 * types say so, and a mismatch at run time is an error that names the structures. Every piece of
 * state is a tensor (the step count too), so a jitted training step traces once.
 */
import type { Tensor, AnyTensor } from "../tensor/tensor.js";
import { treeMap, flatten } from "../transforms/tree.js";
import { add, sub, mul, div, sqrt, pow, astype } from "../ops/elementwise.js";
import { tensor } from "../tensor/create.js";
import { zerosLike } from "../prims/lax.js";

type T = AnyTensor;
const map = treeMap;

function checkParams(name: string, params: unknown): void {
  const [leaves] = flatten(params);
  if (leaves.length === 0) throw new Error(`${name}: params must be a tensor or a pytree of tensors`);
}

// ------------------------------------------------------------------------------------ SGD

export interface SgdState<P> {
  /** The velocity (null without momentum). */
  readonly velocity: P | null;
}
export interface SgdOptions {
  readonly learningRate: number;
  /** Heavy-ball momentum in [0, 1); 0 (the default) is plain SGD. */
  readonly momentum?: number;
  readonly nesterov?: boolean;
}
export interface Sgd {
  init<P>(params: P): SgdState<P>;
  update<P>(grads: P, state: SgdState<NoInfer<P>>, params?: NoInfer<P>): [P, SgdState<P>];
}

/** Stochastic gradient descent, optionally with (Nesterov) momentum. */
export function sgd(opts: SgdOptions): Sgd {
  const lr = opts.learningRate;
  const mom = opts.momentum ?? 0;
  if (!(lr > 0)) throw new RangeError(`sgd: learningRate must be positive, got ${lr}`);
  if (!(mom >= 0 && mom < 1)) throw new RangeError(`sgd: momentum must be in [0, 1), got ${mom}`);
  return {
    init(params) {
      checkParams("sgd.init", params);
      return { velocity: mom > 0 ? map(zerosLike, params) : null };
    },
    update(grads, state) {
      if (mom === 0) return [map((g: T) => mul(g, -lr), grads), state];
      const v = map((vi: T, g: T) => add(mul(vi, mom), g), state.velocity as typeof grads, grads);
      const dir = opts.nesterov ? map((vi: T, g: T) => add(mul(vi, mom), g), v, grads) : v;
      return [map((d: T) => mul(d, -lr), dir), { velocity: v }];
    },
  };
}

// ------------------------------------------------------------------------------------ Adam

export interface AdamState<P> {
  readonly mu: P;
  readonly nu: P;
  readonly count: Tensor<[]>;
}
export interface AdamOptions {
  readonly learningRate: number;
  readonly b1?: number;
  readonly b2?: number;
  readonly eps?: number;
}
export interface Adam {
  init<P>(params: P): AdamState<P>;
  update<P>(grads: P, state: AdamState<NoInfer<P>>, params?: NoInfer<P>): [P, AdamState<P>];
}

/** Adam (Kingma and Ba), with bias correction, as optax.adam. */
export function adam(opts: AdamOptions): Adam {
  const lr = opts.learningRate;
  const b1 = opts.b1 ?? 0.9;
  const b2 = opts.b2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  if (!(lr > 0)) throw new RangeError(`adam: learningRate must be positive, got ${lr}`);
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new RangeError(`adam: b1 and b2 must be in [0, 1), got ${b1} and ${b2}`);
  return {
    init(params) {
      checkParams("adam.init", params);
      return { mu: map(zerosLike, params), nu: map(zerosLike, params), count: tensor(0) };
    },
    update(grads, state) {
      const mu = map((m: T, g: T) => add(mul(m, b1), mul(g, 1 - b1)), state.mu as typeof grads, grads);
      const nu = map((n: T, g: T) => add(mul(n, b2), mul(mul(g, g), 1 - b2)), state.nu as typeof grads, grads);
      const count = add(state.count, 1);
      // bias corrections in each leaf's own precision (the count itself is a float32 scalar)
      const corrected = (b: number, t: T) => sub(1, pow(b, astype(count, t.dtype))) as T;
      const updates = map((m: T, n: T) => mul(div(div(m, corrected(b1, m)), add(sqrt(div(n, corrected(b2, n))), eps)), -lr), mu, nu);
      return [updates, { mu, nu, count }];
    },
  };
}

/** params + updates, leaf by leaf. */
export function applyUpdates<P>(params: P, updates: NoInfer<P>): P {
  return map((p: T, u: T) => add(p, u), params, updates);
}

/** updates * s, leaf by leaf (s a number or a scalar tensor: a learning-rate schedule under jit). */
export function treeScale<P>(updates: P, s: number | Tensor<[]>): P {
  return map((u: T) => mul(u, s as T) as T, updates);
}
