/**
 * The public transformations. Each returns a function that traces its argument when called and
 * runs the transformed program (see interpreters.ts); their types live in ./types.ts.
 */
import { valueAndGradImpl, vjpImpl, jvpImpl, type Argnums } from "./grad.js";
import { vmapImpl, type InAxes, type OutAxes } from "./vmap.js";
import { jacfwdImpl, jacrevImpl } from "./jacobian.js";
import { jitCall, newJitCache } from "./jit.js";
import { traceTree, type TreeFn } from "./trace-tree.js";
import type {
  Fn,
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
  CheckStaticArgnums,
  CheckStaticArgnames,
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

/** The Jacobian by forward mode: shape [...output, ...input]; for pytrees, a tree like the output of trees like the input (as JAX). */
export function jacfwd<F extends Fn, const A extends number = 0>(f: F, opts?: JacOptions<CheckArgnums<F, A, "jacfwd">>): JacobianFn<F, A, "jacfwd"> {
  const fn = checkFn("jacfwd", f);
  return ((...args: unknown[]) => jacfwdImpl(fn, args, (opts?.argnums ?? 0) as number)) as unknown as JacobianFn<F, A, "jacfwd">;
}

/** The Jacobian by reverse mode: shape [...output, ...input]; for pytrees, a tree like the output of trees like the input (as JAX). */
export function jacrev<F extends Fn, const A extends number = 0>(f: F, opts?: JacOptions<CheckArgnums<F, A, "jacrev">>): JacobianFn<F, A, "jacrev"> {
  const fn = checkFn("jacrev", f);
  return ((...args: unknown[]) => jacrevImpl(fn, args, (opts?.argnums ?? 0) as number, "jacrev")) as unknown as JacobianFn<F, A, "jacrev">;
}

/** The Jacobian (reverse mode, like JAX's `jacobian`): shape [...output, ...input]; for pytrees, a tree like the output of trees like the input. */
export function jacobian<F extends Fn, const A extends number = 0>(f: F, opts?: JacOptions<CheckArgnums<F, A, "jacobian">>): JacobianFn<F, A> {
  const fn = checkFn("jacobian", f);
  return ((...args: unknown[]) => jacrevImpl(fn, args, (opts?.argnums ?? 0) as number, "jacobian")) as unknown as JacobianFn<F, A>;
}

/** The Hessian of a scalar function, forward-over-reverse: shape [...input, ...input]; for a pytree input, a tree like it of trees like it (block [i][k] of shape [...leaf i, ...leaf k], as JAX). */
export function hessian<F extends Fn, const A extends number = 0>(
  f: CheckScalar<F, "hessian">,
  opts?: JacOptions<CheckArgnums<F, A, "hessian">>,
): HessianFn<F, A> {
  const fn = checkFn("hessian", f);
  const argnum = (opts?.argnums ?? 0) as number;
  const g = (...args: unknown[]) => valueAndGradImpl("hessian", fn, args, argnum)[1];
  return ((...args: unknown[]) => jacfwdImpl(g as TreeFn, args, argnum, "hessian")) as unknown as HessianFn<F, A>;
}

/** A jitted function: staged once per input signature, optimised, and run as one program. */
export interface Jitted<F extends Fn> {
  /** How many times the function has been traced (once per new input signature). */
  readonly traceCount: number;
  /** How many plans (traced, optimised graphs) it holds now: at most PLAN_CACHE_SIZE (64). */
  readonly planCount: number;
}

/** jit's options: arguments to treat as static on purpose (compared by value, never traced). */
export interface JitOptions<N = number | readonly number[], K = string | readonly string[]> {
  /** Positions of arguments that are static: any JS value (strings, config objects, class instances). */
  readonly staticArgnums?: N;
  /** Keys of the options object f takes as its LAST argument whose values are static (JS has no keyword arguments). */
  readonly staticArgnames?: K;
}

/**
 * Stages `f`: traced once per input signature (pytree structure, shapes, dtypes, and the values of
 * its static leaves), optimised, and run as one program.
 *
 * - A plain JavaScript number (or string, boolean) in the arguments is a static value, as it must
 *   be: f may do JS arithmetic on it, which a tracer cannot see. Each new value traces and
 *   compiles f again, so a value that changes every call (a learning rate, a step count) should
 *   be passed as a scalar tensor. One function keeps at most `PLAN_CACHE_SIZE` = 64 plans (least
 *   recently used out first), and when it has been traced more than `RETRACE_WARNING` = 32 times
 *   jit warns once (console.warn), naming the argument (and pytree path) that keeps changing.
 * - `staticArgnums`: arguments at these positions are static whatever they hold (strings, config
 *   objects, class instances, functions): compared by value (primitives; arrays and plain objects
 *   by their contents) or by identity (anything else). A tensor in a primitive, array or plain
 *   object there is an error; one inside a class instance is not seen: it is baked into the plan
 *   as a constant, and mutating the instance does not retrace (as JAX's hash-keyed static
 *   arguments). They are passed to f as they are, not as pytrees; under an outer transformation
 *   (grad of a jitted function) the argument is still a pytree of that transformation, so a class
 *   instance cannot pass through one.
 * - `staticArgnames`: JavaScript functions have no parameter names at run time (minified or
 *   destructured code loses them), so the names are keys of an options object that f takes as its
 *   last argument, the JS form of keyword arguments: `jit(f, { staticArgnames: ["mode"] })` with
 *   `f(x, { mode: "train", scale })` keeps `mode` static and traces `scale`.
 * - The call's arity is checked: `jit(f): f takes 2 arguments, got 1`. `f.length` counts the
 *   parameters before the first default or rest parameter, which is the least number of arguments;
 *   the most comes from f's parameter list (defaults allow more, a rest parameter any number). For
 *   a function whose source is not readable (native, bound) only the least is checked.
 */
export function jit<F extends Fn, const N extends number | readonly number[] = never, const K extends string | readonly string[] = never>(
  f: F,
  opts?: JitOptions<CheckStaticArgnums<F, N>, CheckStaticArgnames<F, K>>,
): F & Jitted<F> {
  const fn = checkFn("jit", f);
  const list = (v: number | string | readonly (number | string)[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? [...v] : [v]);
  const cache = newJitCache(fn, { nums: list(opts?.staticArgnums) as number[], names: list(opts?.staticArgnames) as string[] });
  const jitted = (...args: unknown[]) => jitCall(cache, fn, args);
  Object.defineProperty(jitted, "traceCount", { get: () => cache.traces });
  Object.defineProperty(jitted, "planCount", { get: () => cache.plans.size });
  return jitted as unknown as F & Jitted<F>;
}

/** Traces `f` on the given arguments and returns its graph; `String(graph)` prints it. */
export function makeGraph<F extends Fn>(f: F): GraphFn<F> {
  const fn = checkFn("makeGraph", f);
  return ((...args: unknown[]) => traceTree(fn, args).graph) as unknown as GraphFn<F>;
}
