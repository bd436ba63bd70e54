/**
 * Custom derivatives (JAX's custom_jvp / custom_vjp), rematerialisation (jax.checkpoint) and
 * linearize. A custom function called inside a transformation traces itself and its rules into
 * graphs and binds one primitive per output (prims/custom.ts), which every transformation treats
 * as a unit; called with no transformation active, it just runs `f`.
 */
import { flatten, unflatten, treeKey, showTree, isPlainObject, type TreeDef } from "./tree.js";
import { traceTree, type TreeFn } from "./trace-tree.js";
import { callGraph, currentBuilder, traceFlat } from "../ir/trace.js";
import { showShape, type AbstractValue } from "../ir/aval.js";
import { isFloat } from "../ir/dtype.js";
import { Graph } from "../ir/graph.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { customJvpP, customVjpP, rematP } from "../prims/custom.js";
import { jvpOfGraph } from "../prims/interpreters.js";
import { apply } from "../prims/util.js";
import { dce, optimize } from "../compile/passes.js";
import * as lax from "../prims/lax.js";
import type { Shape, ShapeError, ShowShape } from "../shape/core.js";
import type { Tensor } from "../tensor/tensor.js";
import type { CheckCall, DeclaredOut, DeclaredParams, Fn, Out, RecipeOf, ShowValue } from "./types.js";

type T = AnyTensor;

function checkFn(name: string, f: unknown, what = "a function"): TreeFn {
  if (typeof f !== "function") throw new TypeError(`${name}: expected ${what}, got ${f === null ? "null" : typeof f}`);
  return f as TreeFn;
}
const fnName = (f: TreeFn, dflt: string): string => (f as { name?: string }).name || dflt;
const call = (f: TreeFn, args: readonly unknown[]): unknown => (f as (...a: unknown[]) => unknown)(...args);
const eager = (leaves: readonly T[]) => currentBuilder() === null && leaves.every((l) => !l.isTraced);

/** The leaves of `tree`, checked against the structure `def` and the avals `like`. */
function leavesLike(what: string, tree: unknown, def: TreeDef, like: readonly AbstractValue[]): T[] {
  const [leaves, d] = flatten(tree);
  if (treeKey(d) !== treeKey(def)) throw new Error(`${what} has the structure ${showTree(tree)}, expected ${showTree(unflatten(def, like.map((a) => `Tensor${showShape(a.shape)}`)))}`);
  leaves.forEach((l, i) => {
    const a = like[i]!;
    if (l.shape.length !== a.shape.length || l.shape.some((x, k) => x !== a.shape[k])) {
      throw new Error(`${what}: leaf ${i} has shape ${showShape(l.shape)}, expected ${showShape(a.shape)}`);
    }
    if (l.dtype !== a.dtype) throw new Error(`${what}: leaf ${i} has dtype ${l.dtype}, expected ${a.dtype}`);
  });
  return leaves;
}

interface Staged {
  readonly graph: Graph;
  readonly rule: Graph;
  readonly outDef: TreeDef;
  readonly captured: readonly T[];
  readonly nPrimal: number;
}
/**
 * Traces `f` on `args`, and its rule (`rule(inputs, ...)` over `ruleAvals`), both at the call:
 * rules that close over values of an enclosing trace then capture them like `f` does. Nothing is
 * cached across calls (a closed-over tensor may change between them; jit caches the whole).
 */
function stage(
  f: TreeFn,
  args: readonly unknown[],
  ruleAvals: (leaves: readonly T[], out: readonly AbstractValue[]) => AbstractValue[],
  rule: (ins: T[], inDef: TreeDef, outDef: TreeDef, outAvals: readonly AbstractValue[]) => T[],
): Staged {
  const [leaves, inDef] = flatten(args);
  const t = traceTree(f, args);
  const outAvals = t.graph.outputs.map((v) => v.aval);
  const r = traceFlat((ins) => rule(ins as T[], inDef, t.outDef, outAvals), ruleAvals(leaves, outAvals));
  return { graph: t.graph, rule: r.graph, outDef: t.outDef, captured: [...t.captured, ...(r.captured as T[])], nPrimal: leaves.length + t.captured.length };
}

// ---------------------------------------------------------------- customJvp

/** The tangent of every argument of F: the same types as the arguments. */
type ParamsOf<F> = DeclaredParams<RecipeOf<F>>;
type OutOf<F> = DeclaredOut<RecipeOf<F>>;

/**
 * `f` with a custom forward-mode rule, as JAX's `custom_jvp`: `jvpRule(primals, tangents)` gets
 * the argument list and a tangent per argument (zeros where a tangent is absent, and 0 for a
 * number argument, which is a constant) and returns
 * `[f(...primals), tangentOut]`; the tangent output must be linear in the tangents. Reverse mode
 * transposes that linear map (the vjp of the rule's tangent output with respect to the tangents),
 * so grad, vjp, jvp, hessian and derivatives of any order all use the rule (higher orders
 * differentiate the rule). Under vmap both `f` and the rule are batched; under jit `f` is
 * compiled. Values `f` closes over get their derivatives from `f` itself.
 */
export function customJvp<F extends Fn>(f: F, jvpRule: (primals: ParamsOf<F>, tangents: ParamsOf<F>) => readonly [OutOf<F>, OutOf<F>]): F {
  const fn = checkFn("customJvp", f);
  const rule = checkFn("customJvp", jvpRule, "a jvp rule function");
  const name = fnName(fn, "custom_jvp");
  const g = (...args: unknown[]): unknown => {
    const [leaves] = flatten(args);
    if (eager(leaves)) return call(fn, args);
    const n = leaves.length;
    const slots = leaves.flatMap((l, i) => (isFloat(l.dtype) ? [i] : []));
    const s = stage(
      fn,
      args,
      (ls) => [...ls.map((l) => l.aval), ...slots.map((i) => ls[i]!.aval)],
      (ins, inDef, outDef, outAvals) => {
        const ps = ins.slice(0, n);
        const ts = ps.map((p, i) => (slots.includes(i) ? ins[n + slots.indexOf(i)]! : lax.zerosLike(p)));
        const res = call(rule, [unflatten(inDef, ps), zeroStatics(unflatten(inDef, ts))]);
        if (!Array.isArray(res) || res.length !== 2) throw new Error(`customJvp: the jvp rule must return [primalOut, tangentOut], got ${showTree(res)}`);
        const po = leavesLike("customJvp: the jvp rule's primal output", res[0], outDef, outAvals);
        const to = leavesLike("customJvp: the jvp rule's tangent output", res[1], outDef, outAvals);
        return [...po, ...to];
      },
    );
    const ins = [...leaves, ...s.captured];
    const outs = s.graph.outputs.map((_, index) => apply(customJvpP, ins, { graph: s.graph, rule: s.rule, n, nPrimal: s.nPrimal, index, name }));
    return unflatten(s.outDef, outs);
  };
  return named(g, name) as unknown as F;
}

/** A tangent tree: the tensors as they are, every static number 0 (a constant argument has a zero tangent). */
function zeroStatics(t: unknown): unknown {
  if (typeof t === "number") return 0;
  if (Array.isArray(t)) return t.map(zeroStatics);
  if (isPlainObject(t)) return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, zeroStatics(v)]));
  return t;
}

// ---------------------------------------------------------------- customVjp

/** The run-time twin of the type-level message (BwdShapeMessage below). */
export const bwdShapeMessage = (i: number, got: readonly number[], want: readonly number[]) =>
  `customVjp: bwd returns a cotangent of shape ${showShape(got)} for argument ${i}, which has shape ${showShape(want)}`;

/**
 * `f` with a custom reverse-mode rule, as JAX's `custom_vjp`: `fwd(...args)` returns
 * `[f(...args), residuals]` (residuals: any pytree) and `bwd(residuals, ct)` returns one
 * cotangent per argument, shaped like the argument (null: zeros). grad, vjp, vmap (both rules
 * batched), jit and reverse-over-reverse use them; forward mode (jvp, jacfwd, hessian) is an
 * error, as in JAX. Under reverse mode the primal output comes from `f` and the residuals are
 * recomputed by `fwd` in the backward pass (the compiler merges what the two share).
 */
export function customVjp<F extends Fn, R, C extends readonly unknown[] | []>(
  f: F,
  fwd: (...args: ParamsOf<F>) => readonly [OutOf<F>, R],
  bwd: (res: R, ct: OutOf<F>) => CheckBwd<ParamsOf<F>, C>,
): F {
  const fn = checkFn("customVjp", f);
  const fw = checkFn("customVjp", fwd, "a fwd function");
  const bw = checkFn("customVjp", bwd, "a bwd function");
  const name = fnName(fn, "custom_vjp");
  const g = (...args: unknown[]): unknown => {
    const [leaves] = flatten(args);
    if (eager(leaves)) return call(fn, args);
    const n = leaves.length;
    const s = stage(
      fn,
      args,
      (ls, outs) => [...ls.map((l) => l.aval), ...outs],
      (ins, inDef, outDef, outAvals) => {
        const ps = ins.slice(0, n);
        const primals = unflatten(inDef, ps) as unknown[];
        const fr = call(fw, primals);
        if (!Array.isArray(fr) || fr.length !== 2) throw new Error(`customVjp: fwd must return [out, residuals], got ${showTree(fr)}`);
        leavesLike("customVjp: fwd's output", fr[0], outDef, outAvals);
        const cts = call(bw, [fr[1], unflatten(outDef, ins.slice(n))]);
        if (!Array.isArray(cts) || cts.length !== primals.length) {
          throw new Error(`customVjp: bwd must return one cotangent per argument (${primals.length}), got ${showTree(cts)}`);
        }
        return primals.flatMap((p, i) => {
          const [pl, pd] = flatten(p);
          if (cts[i] === null || cts[i] === undefined) return pl.map((l) => lax.zerosLike(l));
          const [cl, cd] = flatten(cts[i]);
          if (pd.kind === "leaf" && cd.kind === "leaf" && pl[0]!.shape.join() !== cl[0]!.shape.join()) {
            throw new Error(bwdShapeMessage(i, cl[0]!.shape, pl[0]!.shape));
          }
          return leavesLike(`customVjp: bwd's cotangent of argument ${i}`, cts[i], pd, pl.map((l) => l.aval));
        });
      },
    );
    const ins = [...leaves, ...s.captured];
    const outs = s.graph.outputs.map((_, index) => apply(customVjpP, ins, { graph: s.graph, bwd: s.rule, n, nPrimal: s.nPrimal, index, name }));
    return unflatten(s.outDef, outs);
  };
  return named(g, name) as unknown as F;
}

// ---- bwd's type: its cotangents must be shaped like the primals

type ShowLeaf<T> = [T] extends [Tensor<infer S, infer _D>] ? ShowShape<S> : ShowValue<T>;
type BwdShapeMessage<I extends number, Got, Want> = `customVjp: bwd returns a cotangent of shape ${ShowLeaf<Got>} for argument ${I}, which has shape ${ShowLeaf<Want>}`;
type SameShape<A extends Shape, B extends Shape> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type BwdLeaf<C, P, I extends number> = [C] extends [null | undefined]
  ? never
  : [P] extends [Tensor<infer SP, infer _DP>]
    ? [C] extends [Tensor<infer SC, infer _DC>]
      ? SameShape<SC, SP> extends true
        ? never
        : BwdShapeMessage<I, C, P>
      : BwdShapeMessage<I, C, P>
    : [C] extends [P]
      ? never
      : `customVjp: bwd returns ${ShowValue<C>} for argument ${I}, which is ${ShowValue<P>}`;
type BwdCheck<P extends readonly unknown[], C, Acc extends unknown[] = []> = C extends readonly unknown[]
  ? number extends C["length"]
    ? never
    : C["length"] extends P["length"]
      ? Acc["length"] extends P["length"]
        ? never
        : BwdLeaf<C[Acc["length"]], P[Acc["length"]], Acc["length"]> extends infer M
          ? [M] extends [never]
            ? BwdCheck<P, C, [...Acc, unknown]>
            : M
          : never
      : `customVjp: bwd returns ${C["length"]} cotangents, but the function takes ${P["length"]} arguments`
  : `customVjp: bwd must return a tuple of cotangents (one per argument), got ${ShowValue<C>}`;
/** C (bwd's cotangents) when they are shaped like the primals P, else a ShapeError naming the argument and both shapes. */
export type CheckBwd<P extends readonly unknown[], C> = BwdCheck<P, C> extends infer M extends string ? ([M] extends [never] ? C : ShapeError<M>) : C;

// ---------------------------------------------------------------- checkpoint

/**
 * `f` rematerialised, as `jax.checkpoint` (remat): the same values and derivatives, but reverse
 * mode keeps only its inputs and recomputes its forward pass in the backward pass, instead of
 * keeping its intermediate values. The recomputation reads the inputs through an optimisation
 * barrier, so the compiler's CSE cannot merge it back into the forward pass.
 */
export function checkpoint<F extends Fn>(f: F): F {
  const fn = checkFn("checkpoint", f);
  const name = fnName(fn, "checkpoint");
  const g = (...args: unknown[]): unknown => {
    const [leaves] = flatten(args);
    if (eager(leaves)) return call(fn, args);
    const { graph, captured, outDef } = traceTree(fn, args);
    const outs = graph.outputs.map((_, index) => apply(rematP, [...leaves, ...captured], { graph, index, name }));
    return unflatten(outDef, outs);
  };
  return named(g, name) as unknown as F;
}

// ---------------------------------------------------------------- linearize

/** linearize's result: the output, and the jvp at the primals as a function of the tangents. */
export type LinearizeResult<F, P extends readonly unknown[]> = [Out<RecipeOf<F>, P>, (...tangents: { -readonly [K in keyof P]: P[K] }) => Out<RecipeOf<F>, P>];

/**
 * `[f(...primals), jvpFn]`, as `jax.linearize`: `jvpFn(...tangents)` is the jvp of `f` at the
 * primals (one tangent per argument, shaped like it). There is no partial evaluation here:
 * `jvpFn` runs one compiled graph of the jvp that recomputes the primal intermediates the
 * tangents need (`f` is traced once, at the linearize call).
 */
export function linearize<F extends Fn, const P extends readonly unknown[]>(f: F, ...primals: CheckCall<F, P, "linearize">): LinearizeResult<F, P> {
  const fn = checkFn("linearize", f);
  const ps = primals as readonly unknown[];
  const t = traceTree(fn, ps);
  const [leaves] = flatten(ps);
  const args = [...leaves, ...t.captured];
  const outs = callGraph(t.graph, args) as T[];
  const nonzero = [...leaves.map((l) => isFloat(l.dtype)), ...t.captured.map(() => false)];
  const j = jvpOfGraph(t.graph, nonzero);
  const k = outs.length;
  // the tangent outputs only: the primal outputs are dead code there
  const tg = optimize(dce(new Graph(j.graph.inputs, j.graph.captures, j.graph.consts, j.graph.eqns, j.graph.outputs.slice(k))));
  const jvpFn = (...tangents: unknown[]): unknown => {
    if (tangents.length !== ps.length) throw new Error(`linearize: the jvp function takes ${ps.length} tangents (one per primal), got ${tangents.length}`);
    const ts = tangents.flatMap((tt, i) => {
      const [pl, pd] = flatten(ps[i]);
      return leavesLike(`linearize: tangent ${i}`, tt, pd, pl.map((l) => l.aval));
    });
    const tOut = callGraph(tg, [...args, ...ts.filter((_, i) => nonzero[i]), ...j.captured]) as T[];
    return unflatten(t.outDef, tOut);
  };
  return [unflatten(t.outDef, outs), jvpFn] as unknown as LinearizeResult<F, P>;
}

/** The wrapper carries f's name, so messages about it (jit's, for one) name f. */
const named = <G extends (...args: never[]) => unknown>(g: G, name: string): G => Object.defineProperty(g, "name", { value: name });
