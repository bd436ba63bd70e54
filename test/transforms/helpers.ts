/**
 * Shared helpers of the transformation tests: a seeded PRNG, float64 tensors, central differences
 * and tolerant comparisons. The transformations are used through loosely typed handles so that the
 * tests do not depend on the (evolving) transformation types.
 */
import { expect } from "vitest";
import * as sg from "../../src/index.js";
import { Tensor, type AnyTensor } from "../../src/tensor/tensor.js";
import { mapSeq, reduceSeq } from "../harness/read.js";
import { tracked } from "../harness/awaited.js";

export type T = AnyTensor;
type AnyFn = (...a: any[]) => any;

/** The transformations, loosely typed (see the note at the top). */
export const grad = sg.grad as unknown as (f: AnyFn, opts?: { argnums?: number | readonly number[] }) => AnyFn;
export const valueAndGrad = sg.valueAndGrad as unknown as (f: AnyFn, opts?: { argnums?: number | readonly number[] }) => AnyFn;
export const vmap = sg.vmap as unknown as (f: AnyFn, opts?: { inAxes?: unknown; outAxes?: unknown }) => AnyFn;
export const jit = sg.jit as unknown as (f: AnyFn) => AnyFn & { readonly traceCount: number };
export const jacfwd = sg.jacfwd as unknown as (f: AnyFn, opts?: { argnums?: number }) => AnyFn;
export const jacrev = sg.jacrev as unknown as (f: AnyFn, opts?: { argnums?: number }) => AnyFn;
export const jacobian = sg.jacobian as unknown as (f: AnyFn, opts?: { argnums?: number }) => AnyFn;
export const hessian = sg.hessian as unknown as (f: AnyFn, opts?: { argnums?: number }) => AnyFn;
export const jvp = sg.jvp as unknown as (f: AnyFn, primals: unknown[], tangents: unknown[]) => [any, any];
export const vjp = sg.vjp as unknown as (f: AnyFn, ...primals: unknown[]) => [any, (ct: unknown) => any[]];
export const makeGraph = sg.makeGraph as unknown as (f: AnyFn) => (...a: unknown[]) => sg.Graph;
/** One-argument custom derivatives on untyped tensors: the rule gets the primals and tangents as lists. */
export const customJvp = sg.customJvp as unknown as (f: (v: T) => T, rule: (p: T[], t: T[]) => [T, T]) => (v: T) => T;
export const customVjp = sg.customVjp as unknown as (f: (v: T) => T, fwd: (v: T) => [T, T], bwd: (res: T, g: T) => [T]) => (v: T) => T;

/** mulberry32, seeded: every property run is reproducible from its seed (one home: test/ops/ref.ts). */
export { rng } from "../ops/ref.js";
export type Rnd = () => number;
export const randInt = (r: Rnd, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <X>(r: Rnd, xs: readonly X[]): X => xs[Math.floor(r() * xs.length)]!;
export const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
export function randShape(r: Rnd, minRank = 0, maxRank = 3, maxDim = 3): number[] {
  const rank = randInt(r, minRank, maxRank);
  return Array.from({ length: rank }, () => randInt(r, 1, maxDim));
}
export function shuffle<X>(r: Rnd, xs: readonly X[]): X[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Value domains: where a function is smooth and finite differences are reliable. */
export type Domain = "any" | "pos" | "unit" | "nonzero" | "near1";
export function sample(r: Rnd, d: Domain): number {
  switch (d) {
    case "any":
      return -2 + 4 * r();
    case "pos":
      return 0.3 + 1.7 * r();
    case "unit":
      return -0.9 + 1.8 * r();
    case "nonzero":
      return (r() < 0.5 ? -1 : 1) * (0.3 + 1.7 * r());
    case "near1":
      return (r() < 0.5 ? -1 : 1) * (0.6 + 0.8 * r());
  }
}
export function randT(r: Rnd, shape: readonly number[], d: Domain = "any"): T {
  const data = Float64Array.from({ length: size(shape) }, () => sample(r, d));
  return sg.tensor(data, [...shape], "float64") as unknown as T;
}
/** Values that are pairwise at least `gap` apart (for max/min away from ties). */
export function distinctT(r: Rnd, shape: readonly number[], gap = 0.05): T {
  const n = size(shape);
  const vals = shuffle(r, Array.from({ length: n }, (_, i) => (i - n / 2) * (gap * 2) + gap * r() * 0.5));
  return sg.tensor(Float64Array.from(vals), [...shape], "float64") as unknown as T;
}
export const f64 = (data: ArrayLike<number>, shape: readonly number[]): T =>
  sg.tensor(Float64Array.from(data as ArrayLike<number>), [...shape], "float64") as unknown as T;
export const scalar64 = (v: number): T => f64([v], []);

// the async helpers register their promises (harness/awaited.ts): a test that does not await one fails
export const flat = tracked("flat", async (t: T): Promise<number[]> => Array.from((await t.data()) as ArrayLike<number>));

/** Same shape and values within rtol/atol (NaN-aware). */
export const expectClose = tracked("expectClose", async (actual: T, expected: T | readonly number[], opts: { rtol?: number; atol?: number; msg?: string } = {}): Promise<void> => {
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-8;
  const msg = opts.msg ?? "";
  expect(actual, msg).toBeInstanceOf(Tensor);
  expect(actual.isTraced, msg).toBe(false);
  let want: number[];
  if (expected instanceof Tensor) {
    expect([...actual.shape], `${msg} shape`).toEqual([...expected.shape]);
    want = (await flat(expected as T));
  } else {
    want = [...expected];
  }
  const got = await flat(actual);
  expect(got.length, `${msg} size`).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    const ok = Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) {
      expect.fail(`${msg} element ${i}: got ${g}, expected ${w} (|diff| ${Math.abs(g - w)})\n got ${JSON.stringify(got)}\nwant ${JSON.stringify(want)}`);
    }
  }
});

/** Replaces the leaf at `i` of a flat list of float64 tensors, with element `k` moved by `dv`. */
async function bumped(xs: readonly T[], i: number, k: number, dv: number): Promise<T[]> {
  return (await mapSeq(xs, async (x, j) => {
    if (j !== i) return x;
    const d = Float64Array.from(await flat(x));
    d[k]! += dv;
    return f64(d, x.shape);
  }));
}

/**
 * Central-difference Jacobian of `f` (tensors in, one tensor out) with respect to argument `i`:
 * shape [...out, ...in], like jacfwd/jacrev.
 */
export const fdJacobian = tracked("fdJacobian", async (f: (...xs: T[]) => T, xs: readonly T[], i: number, h: number = 1e-5): Promise<T> => {
  const x = xs[i]!;
  const n = size(x.shape);
  const y0 = f(...xs);
  const m = size(y0.shape);
  const J = new Float64Array(m * n);
  for (let k = 0; k < n; k++) {
    const step = h * Math.max(1, Math.abs((await flat(x))[k]!));
    const yp = await flat(f(...await bumped(xs, i, k, step)));
    const ym = await flat(f(...await bumped(xs, i, k, -step)));
    for (let o = 0; o < m; o++) J[o * n + k] = (yp[o]! - ym[o]!) / (2 * step);
  }
  return f64(J, [...y0.shape, ...x.shape]);
});

/** sum(f(...xs) * w): a scalar whose gradient sees every output element with a distinct weight. */
export function scalarize(f: (...xs: T[]) => T, w: T): (...xs: T[]) => T {
  return (...xs) => sg.sum(sg.mul(f(...xs) as never, w as never) as never) as unknown as T;
}

export const sum = (x: T): T => sg.sum(x as never) as unknown as T;
export const dotv = tracked("dotv", async (a: T, b: T): Promise<number> => (await reduceSeq((await flat(a)), async (s, v, i) => s + v * (await flat(b))[i]!, 0)));

/** Stacks tensors along a new axis (eagerly). */
export function stackAt(ts: readonly T[], axis: number): T {
  return sg.stack(ts as never, axis as never) as unknown as T;
}
/** Slice i of x along axis (eagerly). */
export function take(x: T, i: number, axis: number): T {
  return sg.index(x as never, i as never, axis as never) as unknown as T;
}

/** Runs `fn` and returns the message of the error it throws (fails when nothing is thrown). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  expect.fail("expected an error, nothing was thrown");
}
