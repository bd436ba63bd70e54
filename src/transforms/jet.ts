/**
 * jet: Taylor-mode automatic differentiation (JAX's `jax.experimental.jet`, Bettencourt, Johnson &
 * Duvenaud 2019). The interpreter is src/prims/taylor.ts; this is the public entry point.
 */
import { flatten, unflatten, checkSameTree, type TreeDef } from "./tree.js";
import { traceTree, type TreeFn } from "./trace-tree.js";
import { jetGraph, type Coeffs } from "../prims/taylor.js";
import { mulScalar } from "../prims/elementwise.js";
import { zerosLike } from "../prims/broadcast.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { isFloat } from "../ir/dtype.js";
import type { Fn, CheckCall, JvpResult } from "./types.js";

/** JAX's convention (derivatives) to the interpreter's (derivatives over k!), and back. */
const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));

/** jet on pytrees (see `jet`). */
export function jetImpl(f: TreeFn, primals: readonly unknown[], series: readonly unknown[]): [unknown, unknown] {
  if (!Array.isArray(primals) || !Array.isArray(series)) throw new Error("jet: primals and series must be arrays (one entry per argument)");
  if (primals.length !== series.length) throw new Error(`jet: ${primals.length} primals but ${series.length} series`);
  let K: number | undefined;
  const coeffs: Coeffs[] = [];
  primals.forEach((p, i) => {
    const terms = series[i];
    if (!Array.isArray(terms)) throw new Error(`jet: series ${i} must be an array of Taylor terms (one per order), got ${typeof terms}`);
    if (K === undefined) K = terms.length;
    else if (terms.length !== K) throw new Error(`jet: series 0 has ${K} terms but series ${i} has ${terms.length}; every primal needs the same number`);
    if (typeof p === "number") throw new Error(`jet: primal ${i} is a number; pass a tensor (e.g. tensor(${p}))`);
    const pl = flatten(p)[0];
    const per: AnyTensor[][] = terms.map((term, k) => {
      const tl = checkSameTree(`jet: term ${k} of series ${i}`, term, p);
      tl.forEach((tt, j) => {
        const want = pl[j]!;
        if (tt.dtype !== want.dtype) throw new Error(`jet: term ${k} of series ${i} has dtype ${tt.dtype}, its primal ${want.dtype}`);
      });
      return tl;
    });
    // integer leaves (indices) are constant along the curve
    pl.forEach((l, j) => coeffs.push(per.map((leaves, k) => (isFloat(l.dtype) ? mulScalar(leaves[j]!, 1 / factorial(k + 1)) : null))));
  });
  return jetCoeffs(f, primals, coeffs, K ?? 0);
}

/**
 * jet with the input coefficients given directly (normalized, one list per primal leaf, null = a
 * term known to be zero, which the rules then skip): the output and its K terms (JAX's convention).
 */
export function jetCoeffs(f: TreeFn, primals: readonly unknown[], coeffs: readonly Coeffs[], order: number): [unknown, unknown] {
  const [outs, outSeries, def] = jetCoeffsFlat(f, primals, coeffs, order);
  return [unflatten(def, outs), unflatten(def, outSeries)];
}

/** jetCoeffs on the flat output: its leaves, each leaf's K terms, and the output's structure. */
export function jetCoeffsFlat(f: TreeFn, primals: readonly unknown[], coeffs: readonly Coeffs[], order: number): [AnyTensor[], AnyTensor[][], TreeDef] {
  const t = traceTree(f, primals);
  const leaves = flatten(primals)[0];
  const [outs, oc] = jetGraph(t.graph, [...leaves, ...t.captured], [...coeffs, ...t.captured.map(() => Array.from({ length: order }, () => null))], order);
  const outSeries = oc.map((cs, i) => cs.map((c, k) => (c ? mulScalar(c, factorial(k + 1)) : zerosLike(outs[i]!))));
  return [outs, outSeries, t.outDef];
}

/** Each tensor leaf of an output replaced by its list of Taylor terms (JAX's series_out). */
export type SeriesOut<O> = O extends { readonly shape: readonly number[]; readonly dtype: string }
  ? O[]
  : O extends readonly unknown[]
    ? { [K in keyof O]: SeriesOut<O[K]> }
    : O extends object
      ? { [K in keyof O]: SeriesOut<O[K]> }
      : O;
/** jet's result: the primal output and its Taylor terms. */
export type JetResult<F, P extends readonly unknown[]> = [JvpResult<F, P>[0], SeriesOut<JvpResult<F, P>[0]>];

/**
 * Taylor-mode AD, as JAX's `jax.experimental.jet.jet(fun, primals, series)`: propagates a
 * truncated Taylor series through `f` in one pass. `series[i]` is the list of K terms of primal
 * i, each shaped like it; returns `[f(...primals), seriesOut]`, seriesOut the K terms of the
 * output (for a pytree output, each tensor leaf replaced by its list of terms, as JAX).
 *
 * The convention is JAX's: terms are derivatives, not Taylor coefficients. The input curve is
 * x(t) = x₀ + Σ_k x_k t^k / k!, and term k of the output is d^k/dt^k f(x(t)) at t = 0. So with
 * series [[v, 0, 0, 0]], term k is the k-th directional derivative ∂^k f(x)[v, ..., v], and
 * with [[1, 0, 0]] on a scalar, the terms are f'(x), f''(x), f'''(x).
 *
 * Each primitive maps coefficients by its own Taylor rule (the elementwise functions by their
 * recurrences, O(k²) elementwise work for K terms; linear ones term by term; dot_general and mul as
 * Cauchy products), so the K-th derivative costs O(K) linear-layer work, against O(2^K) for K
 * nested jvps. It composes with vmap, jit and grad. As JAX's jet, a `customJvp` or `customVjp`
 * function inside f is expanded (the series of the function itself), its custom rules aside.
 */
export function jet<F extends Fn, const P extends readonly unknown[]>(
  f: F,
  primals: CheckCall<F, P, "jet">,
  series: NoInfer<{ [K in keyof P]: readonly P[K][] }>,
): JetResult<F, P> {
  if (typeof f !== "function") throw new TypeError(`jet: expected a function, got ${f === null ? "null" : typeof f}`);
  return jetImpl(f as TreeFn, primals, series as readonly unknown[]) as unknown as JetResult<F, P>;
}
