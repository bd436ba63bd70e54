/**
 * Learning-rate schedules, as optax's: functions of the step count. The count is a scalar tensor
 * (optimisers keep it in their state), so a schedule inside a jitted training step is part of the
 * traced program and the step traces once, whatever the count.
 */
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { add, sub, mul, div, pow, cos, floor, where, less, lessEqual, minimum, maximum, clip, astype } from "../ops/elementwise.js";

/** A step count: a scalar int32 (or float32) tensor, or a number outside a trace. */
export type Count = number | Tensor<[], "int32"> | Tensor<[], "float32">;
/** A schedule: the value (a float32 scalar tensor) at a step count. */
export type Schedule = (count: Count) => Tensor<[]>;
/**
 * What optimisers take as a learning rate (optax's ScalarOrSchedule): a number, or a function of
 * the count (an int32 scalar tensor, the number of updates so far) to a scalar.
 */
export type ScalarOrSchedule = number | ((count: Tensor<[], "int32">) => Tensor<[]> | Tensor<[], "float64"> | number);

type F = Tensor<[]>;
const asFloat = (count: Count): F => (typeof count === "number" ? tensor(count) : astype(count, "float32"));
const finite = (name: string, what: string, v: number): number => {
  if (!Number.isFinite(v)) throw new RangeError(`${name}: ${what} must be a finite number, got ${v}`);
  return v;
};

/** A schedule that is `value` at every step (optax.constant_schedule). */
export function constantSchedule(value: number): Schedule {
  finite("constantSchedule", "value", value);
  return () => tensor(value);
}

export interface PolynomialScheduleOptions {
  readonly initValue: number;
  readonly endValue: number;
  readonly power: number;
  /** Steps from initValue to endValue; optax treats a value <= 0 as "stay at initValue". */
  readonly transitionSteps: number;
  /** Steps at initValue before the transition starts (default 0; a negative value counts as 0). */
  readonly transitionBegin?: number;
}

/**
 * optax.polynomial_schedule: initValue for the first transitionBegin steps, then
 * (initValue - endValue) · (1 - k / transitionSteps)^power + endValue with k the steps since
 * transitionBegin, clipped to [0, transitionSteps], so endValue from transitionBegin + transitionSteps on.
 * As optax, transitionSteps <= 0 gives the constant initValue.
 */
export function polynomialSchedule(opts: PolynomialScheduleOptions): Schedule {
  const { initValue, endValue, power, transitionSteps } = opts;
  const begin = Math.max(0, opts.transitionBegin ?? 0);
  if (!(transitionSteps > 0)) return constantSchedule(initValue);
  return (count) => {
    const k = clip(sub(asFloat(count), begin), 0, transitionSteps);
    const frac = sub(1, div(k, transitionSteps));
    return add(mul(pow(frac, power), initValue - endValue), endValue);
  };
}

export interface LinearScheduleOptions {
  readonly initValue: number;
  readonly endValue: number;
  readonly transitionSteps: number;
  readonly transitionBegin?: number;
}

/**
 * optax.linear_schedule: from initValue to endValue linearly over transitionSteps steps, starting
 * at transitionBegin (default 0); constant before and after. transitionSteps <= 0 gives the
 * constant initValue.
 */
export function linearSchedule(opts: LinearScheduleOptions): Schedule {
  return polynomialSchedule({ ...opts, power: 1 });
}

export interface CosineDecayScheduleOptions {
  readonly initValue: number;
  /** Steps to decay over; the value stays at alpha · initValue after. Must be positive. */
  readonly decaySteps: number;
  /** The final value as a fraction of initValue (default 0). */
  readonly alpha?: number;
  /** The power of the cosine factor (default 1). */
  readonly exponent?: number;
}

/**
 * optax.cosine_decay_schedule: initValue · ((1 - alpha) · c^exponent + alpha) with
 * c = (1 + cos(π · min(count, decaySteps) / decaySteps)) / 2.
 */
export function cosineDecaySchedule(opts: CosineDecayScheduleOptions): Schedule {
  const { initValue, decaySteps } = opts;
  const alpha = opts.alpha ?? 0;
  const exponent = opts.exponent ?? 1;
  if (!(decaySteps > 0)) throw new RangeError(`cosineDecaySchedule: decaySteps must be positive, got ${decaySteps}`);
  return (count) => {
    const t = minimum(asFloat(count), decaySteps);
    const c = mul(add(cos(mul(t, Math.PI / decaySteps)), 1), 0.5);
    return mul(add(mul(pow(c, exponent), 1 - alpha), alpha), initValue);
  };
}

/**
 * optax.join_schedules: schedules[0] before boundaries[0], then schedules[i + 1] at count -
 * boundaries[i] from boundaries[i] on (each later schedule restarts its count at its boundary).
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (schedules.length !== boundaries.length + 1) {
    throw new RangeError(`joinSchedules: ${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${boundaries.length}`);
  }
  return (count) => {
    const c = asFloat(count);
    let out = schedules[0]!(c);
    boundaries.forEach((b, i) => (out = where(less(c, b), out, schedules[i + 1]!(sub(c, b)))));
    return out;
  };
}

export interface WarmupCosineDecayScheduleOptions {
  readonly initValue: number;
  readonly peakValue: number;
  readonly warmupSteps: number;
  /** All the steps, warmup included: the cosine part lasts decaySteps - warmupSteps (> 0). */
  readonly decaySteps: number;
  readonly endValue?: number;
  readonly exponent?: number;
}

/**
 * optax.warmup_cosine_decay_schedule: linear from initValue to peakValue over warmupSteps, then a
 * cosine decay from peakValue to endValue (default 0) that ends at decaySteps (counted from 0,
 * warmup included), and endValue after.
 */
export function warmupCosineDecaySchedule(opts: WarmupCosineDecayScheduleOptions): Schedule {
  const { initValue, peakValue, warmupSteps, decaySteps } = opts;
  const endValue = opts.endValue ?? 0;
  const alpha = peakValue === 0 ? 0 : endValue / peakValue;
  if (!(decaySteps - warmupSteps > 0)) {
    throw new RangeError(`warmupCosineDecaySchedule: decaySteps (${decaySteps}) must be larger than warmupSteps (${warmupSteps})`);
  }
  return joinSchedules(
    [
      linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps }),
      cosineDecaySchedule({ initValue: peakValue, decaySteps: decaySteps - warmupSteps, alpha, exponent: opts.exponent ?? 1 }),
    ],
    [warmupSteps],
  );
}

export interface ExponentialDecayOptions {
  readonly initValue: number;
  /** Steps per factor of decayRate; optax treats a value <= 0 as "stay at initValue". */
  readonly transitionSteps: number;
  /** The factor per transitionSteps; 0 gives the constant initValue (as optax). */
  readonly decayRate: number;
  /** Steps at initValue before the decay starts (default 0; negative counts as 0). */
  readonly transitionBegin?: number;
  /** Decay in whole steps of transitionSteps (default false). */
  readonly staircase?: boolean;
  /** A bound the value does not pass: a floor when decayRate < 1, a ceiling when it is > 1. */
  readonly endValue?: number;
}

/**
 * optax.exponential_decay: initValue · decayRate^((count - transitionBegin) / transitionSteps)
 * (the exponent floored with staircase), initValue up to transitionBegin, bounded by endValue.
 */
export function exponentialDecay(opts: ExponentialDecayOptions): Schedule {
  const { initValue, transitionSteps, decayRate, endValue } = opts;
  const begin = Math.max(0, opts.transitionBegin ?? 0);
  if (!(transitionSteps > 0) || decayRate === 0) return constantSchedule(initValue);
  return (count) => {
    const k = sub(asFloat(count), begin);
    const p = opts.staircase ? floor(div(k, transitionSteps)) : div(k, transitionSteps);
    const v = where(lessEqual(k, 0), tensor(initValue), mul(pow(decayRate, p), initValue));
    if (endValue === undefined) return v;
    return decayRate < 1 ? maximum(v, endValue) : minimum(v, endValue);
  };
}
