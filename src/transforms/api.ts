/**
 * The public transformations. Each returns a function that traces its argument when called and
 * runs the transformed program (see interpreters.ts); their types live in ./types.ts.
 */
import type { Graph } from "../ir/graph.js";
import { valueAndGradImpl, vjpImpl, jvpImpl, type Argnums } from "./grad.js";
import { vmapImpl, type InAxes, type OutAxes } from "./vmap.js";
import { jacfwdImpl, jacrevImpl } from "./jacobian.js";
import { jitCall, newJitCache } from "./jit.js";
import { traceTree, type TreeFn } from "./trace-tree.js";
import type {
  Fn,
  GradFn,
  ValueAndGradFn,
  VmapFn,
  JacobianFn,
  HessianFn,
  CheckScalar,
  CheckGradFn,
  CheckAux,
  GradFnOf,
  ValueAndGradFnOf,
  VjpAuxResult,
  CheckArgnums,
  CheckInAxes,
  CheckOutAxes,
  CheckCall,
  VjpResult,
  JvpResult,
  GraphFn,
  GradOptions,
  VmapOptions,
  JacOptions,
  ArgnumsArg,
  InAxesArg,
  OutAxesArg,
} from "./types.js";

function checkFn(name: string, f: unknown): TreeFn {
  if (typeof f !== "function") throw new TypeError(`${name}: expected a function, got ${f === null ? "null" : typeof f}`);
  return f as TreeFn;
}

/**
 * The gradient of a scalar-valued function with respect to argument `argnums` (default 0). With
 * `hasAux: true` (JAX's has_aux), f returns `[loss, aux]`, aux any pytree that is returned as it
 * is, not differentiated, and the result is `[grads, aux]`.
 */
export function grad<F extends Fn, const A extends ArgnumsArg = 0, const H extends boolean = false>(
  f: CheckGradFn<F, "grad", H>,
  opts?: GradOptions<CheckArgnums<F, A, "grad">, H>,
): GradFnOf<F, A, H> {
  const fn = checkFn("grad", f);
  const argnums = (opts?.argnums ?? 0) as Argnums;
  const aux = opts?.hasAux === true;
  return ((...args: unknown[]) => {
    const r = valueAndGradImpl("grad", fn, args, argnums, aux);
    return aux ? [r[1], r[2]] : r[1];
  }) as unknown as GradFnOf<F, A, H>;
}

/** `[f(x), grad(f)(x)]` in one pass; with `hasAux: true`, `[[loss, aux], grads]` (as JAX). */
export function valueAndGrad<F extends Fn, const A extends ArgnumsArg = 0, const H extends boolean = false>(
  f: CheckGradFn<F, "valueAndGrad", H>,
  opts?: GradOptions<CheckArgnums<F, A, "valueAndGrad">, H>,
): ValueAndGradFnOf<F, A, H> {
  const fn = checkFn("valueAndGrad", f);
  const argnums = (opts?.argnums ?? 0) as Argnums;
  const aux = opts?.hasAux === true;
  return ((...args: unknown[]) => {
    const r = valueAndGradImpl("valueAndGrad", fn, args, argnums, aux);
    return aux ? [[r[0], r[2]], r[1]] : r;
  }) as unknown as ValueAndGradFnOf<F, A, H>;
}

/** Reverse mode: `[f(...primals), vjpFn]`; `vjpFn(ct)` returns one cotangent per argument. */
export function vjp<F extends Fn, P extends readonly unknown[]>(f: F, ...primals: CheckCall<F, P, "vjp">): VjpResult<F, P> {
  return vjpImpl(checkFn("vjp", f), primals) as unknown as VjpResult<F, P>;
}

/**
 * vjp of a function returning `[output, aux]` (JAX's `vjp(f, *primals, has_aux=True)`): returns
 * `[output, vjpFn, aux]`; aux is any pytree, not differentiated, and vjpFn takes the cotangent
 * of the output only. A separate function because vjp's primals are a rest parameter.
 */
export function vjpWithAux<F extends Fn, P extends readonly unknown[]>(f: CheckAux<F, "vjp", "output">, ...primals: CheckCall<F, P, "vjp">): VjpAuxResult<F, P> {
  return vjpImpl(checkFn("vjp", f), primals, true) as unknown as VjpAuxResult<F, P>;
}

/** Forward mode: `[f(...primals), J·tangents]`. */
export function jvp<F extends Fn, const P extends readonly unknown[]>(f: F, primals: CheckCall<F, P, "jvp">, tangents: NoInfer<P>): JvpResult<F, P> {
  return jvpImpl(checkFn("jvp", f), primals, tangents) as unknown as JvpResult<F, P>;
}

/** Maps `f` over an axis of its arguments (`inAxes`) and stacks the results at `outAxes`. */
export function vmap<F extends Fn, const I extends InAxesArg = 0, const O extends OutAxesArg = 0>(
  f: F,
  opts?: VmapOptions<CheckInAxes<F, I>, CheckOutAxes<F, I, O>>,
): VmapFn<F, I, O> {
  const fn = checkFn("vmap", f);
  // null is a real setting (no argument mapped), so only a missing inAxes defaults to 0
  const inAxes = (opts?.inAxes === undefined ? 0 : opts.inAxes) as InAxes;
  const outAxes = (opts?.outAxes ?? 0) as OutAxes;
  return ((...args: unknown[]) => vmapImpl(fn, args, inAxes, outAxes)) as unknown as VmapFn<F, I, O>;
}

/** The Jacobian by forward mode: shape [...output, ...input]. */
export function jacfwd<F extends Fn, const A extends number = 0>(f: F, opts?: JacOptions<CheckArgnums<F, A, "jacfwd">>): JacobianFn<F, A, "jacfwd"> {
  const fn = checkFn("jacfwd", f);
  return ((...args: unknown[]) => jacfwdImpl(fn, args, (opts?.argnums ?? 0) as number)) as unknown as JacobianFn<F, A, "jacfwd">;
}

/** The Jacobian by reverse mode: shape [...output, ...input]. */
export function jacrev<F extends Fn, const A extends number = 0>(f: F, opts?: JacOptions<CheckArgnums<F, A, "jacrev">>): JacobianFn<F, A, "jacrev"> {
  const fn = checkFn("jacrev", f);
  return ((...args: unknown[]) => jacrevImpl(fn, args, (opts?.argnums ?? 0) as number, "jacrev")) as unknown as JacobianFn<F, A, "jacrev">;
}

/** The Jacobian (reverse mode, like JAX's `jacobian`): shape [...output, ...input]. */
export function jacobian<F extends Fn, const A extends number = 0>(f: F, opts?: JacOptions<CheckArgnums<F, A, "jacobian">>): JacobianFn<F, A> {
  const fn = checkFn("jacobian", f);
  return ((...args: unknown[]) => jacrevImpl(fn, args, (opts?.argnums ?? 0) as number, "jacobian")) as unknown as JacobianFn<F, A>;
}

/** The Hessian of a scalar function, forward-over-reverse: shape [...input, ...input]. */
export function hessian<F extends Fn, const A extends number = 0>(
  f: CheckScalar<F, "hessian">,
  opts?: JacOptions<CheckArgnums<F, A, "hessian">>,
): HessianFn<F, A> {
  const fn = checkFn("hessian", f);
  const argnum = (opts?.argnums ?? 0) as number;
  const g = (...args: unknown[]) => valueAndGradImpl("hessian", fn, args, argnum)[1];
  return ((...args: unknown[]) => jacfwdImpl(g as TreeFn, args, argnum)) as unknown as HessianFn<F, A>;
}

/** A jitted function: staged once per input signature, optimised, and run as one program. */
export interface Jitted<F extends Fn> {
  /** How many times the function has been traced (once per new input signature). */
  readonly traceCount: number;
}
export function jit<F extends Fn>(f: F): F & Jitted<F> {
  const fn = checkFn("jit", f);
  const cache = newJitCache();
  const jitted = (...args: unknown[]) => jitCall(cache, fn, args);
  Object.defineProperty(jitted, "traceCount", { get: () => cache.traces });
  return jitted as unknown as F & Jitted<F>;
}

/** Traces `f` on the given arguments and returns its graph; `String(graph)` prints it. */
export function makeGraph<F extends Fn>(f: F): GraphFn<F> {
  const fn = checkFn("makeGraph", f);
  return ((...args: unknown[]) => traceTree(fn, args).graph) as unknown as GraphFn<F>;
}
