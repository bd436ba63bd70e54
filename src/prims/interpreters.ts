/**
 * The transformations as graph interpreters. Each walks a traced graph and re-emits it through
 * `bind` with a primitive's rule applied, so the result is itself traced when an outer
 * transformation is active: that is how they compose to any order.
 */
import type { Graph, Var } from "../ir/graph.js";
import type { BatchDim } from "../ir/graph.js";
import type { AbstractValue } from "../ir/aval.js";
import { bind, concrete, replayGraph, traceFlat } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { isFloat } from "../ir/dtype.js";
import { broadcastLeading, zerosLike } from "./broadcast.js";
import { add } from "./elementwise.js";
import { moveAxis } from "./structural.js";
import type { Prim } from "./util.js";

type T = AnyTensor;

/** Every primitive's rules compute on tensors (the IR types them over its own `Value`). */
const rules = (p: Graph["eqns"][number]["prim"]) => p as unknown as Prim;

/** Forward mode: primal and tangent outputs. `args`/`tangents` cover inputs then captures. */
export function jvpGraph(graph: Graph, args: readonly T[], tangents: readonly (T | null)[]): [T[], (T | null)[]] {
  const pairs = replayGraph<[T, T | null]>(
    graph,
    args.map((a, i) => [a, tangents[i] ?? null]),
    (e, ins) => {
      const primals = ins.map((p) => p[0]);
      const out = bind(e.prim, primals, e.params) as T;
      const ts = ins.map((p) => p[1]);
      const t = ts.some((x) => x !== null) ? rules(e.prim).jvp(primals, ts, e.params, out) : null;
      return [out, t];
    },
    (c) => [concrete(c.value) as T, null],
  );
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

export interface Linearized {
  readonly outputs: T[];
  /** Cotangents of the wanted arguments given the outputs' cotangents (null = zero). */
  backward(cts: readonly (T | null)[]): (T | null)[];
}

/**
 * Reverse mode: runs the forward pass now and returns a function that pulls cotangents back
 * through it. Only the equations that depend on a wanted argument are differentiated.
 */
export function vjpGraph(graph: Graph, args: readonly T[], wanted: readonly boolean[]): Linearized {
  const formals = [...graph.inputs, ...graph.captures];
  const active = new Set<Var>();
  formals.forEach((v, i) => wanted[i] && isFloat(v.aval.dtype) && active.add(v));
  const value = new Map<Var, T>();
  const tape: { e: Graph["eqns"][number]; ins: T[]; out: T }[] = [];
  const outputs = replayGraph<T>(graph, args, (e, ins) => {
    const out = bind(e.prim, ins, e.params) as T;
    if (e.inputs.some((v) => active.has(v)) && isFloat(e.out.aval.dtype)) {
      active.add(e.out);
      tape.push({ e, ins, out });
    }
    value.set(e.out, out);
    return out;
  });
  return {
    outputs,
    backward(cts) {
      const ct = new Map<Var, T>();
      const accum = (v: Var, c: T | null) => {
        if (c === null || !active.has(v)) return;
        const prev = ct.get(v);
        ct.set(v, prev ? add(prev, c) : c);
      };
      graph.outputs.forEach((v, i) => accum(v, cts[i] ?? null));
      for (let k = tape.length - 1; k >= 0; k--) {
        const { e, ins, out } = tape[k]!;
        const c = ct.get(e.out);
        if (!c) continue;
        ct.delete(e.out);
        const gs = rules(e.prim).vjp(c, ins, e.params, out, e.inputs.map((v) => active.has(v)));
        e.inputs.forEach((v, i) => accum(v, gs[i] ?? null));
      }
      return formals.map((v, i) => (wanted[i] ? (ct.get(v) ?? null) : null));
    },
  };
}

/** Batching: every value carries its mapped axis at 0, or none. */
export function vmapGraph(graph: Graph, args: readonly T[], dims: readonly BatchDim[]): [T[], BatchDim[]] {
  const pairs = replayGraph<[T, BatchDim]>(
    graph,
    args.map((a, i) => [a, dims[i] ?? null]),
    (e, ins) => {
      const xs = ins.map((p) => p[0]);
      const ds = ins.map((p) => p[1]);
      if (ds.every((d) => d === null)) return [bind(e.prim, xs, e.params) as T, null];
      const [out, d] = rules(e.prim).batch(xs, ds, e.params);
      return d === null || d === 0 ? [out, d] : [moveAxis(out, d, 0), 0];
    },
    (c) => [concrete(c.value) as T, null],
  );
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

/** Traces `f` over the given avals into a closed graph whose captures become extra inputs. */
function closedGraph(f: (ins: T[]) => T[], avals: readonly AbstractValue[]): { graph: Graph; captured: readonly T[] } {
  const t = traceFlat((ins) => f(ins as T[]), avals);
  return { graph: t.graph, captured: t.captured as readonly T[] };
}

const avalsOf = (g: Graph) => [...g.inputs, ...g.captures].map((v) => v.aval);
const memo = new WeakMap<Graph, Map<string, { graph: Graph; captured: readonly T[] }>>();
function cached(g: Graph, key: string, make: () => { graph: Graph; captured: readonly T[] }) {
  let m = memo.get(g);
  if (!m) memo.set(g, (m = new Map()));
  let r = m.get(key);
  // a transformed graph that closed over tracers of a finished trace cannot be reused
  if (!r || r.captured.length > 0) m.set(key, (r = make()));
  return r;
}

// ---------------------------------------------------------------- graphs to graphs
// The interpreters above, staged: each traces its interpretation of a closed graph into a new
// closed graph (jax's jvp_jaxpr, vmap_jaxpr, and linearize + transpose), cached per graph. The
// call primitive's rules are these; control-flow primitives reuse them for their bodies.

/** jvp of a graph as a graph: (primals, nonzero tangents) -> (primal outputs, output tangents). */
export function jvpOfGraph(g: Graph, nonzero: readonly boolean[]) {
  return cached(g, `jvp|${nonzero.map(Number).join("")}`, () => {
    const formals = avalsOf(g);
    const tanAvals = formals.filter((_, i) => nonzero[i]);
    return closedGraph((ins) => {
      const primals = ins.slice(0, formals.length);
      let k = formals.length;
      const tangents = formals.map((_, i) => (nonzero[i] ? ins[k++]! : null));
      const [outs, touts] = jvpGraph(g, primals, tangents);
      return [...outs, ...touts.map((t, i) => t ?? zerosLike(outs[i]!))];
    }, [...formals, ...tanAvals]);
  });
}

/** vjp of one output as a graph: (primals, cotangent of output `index`) -> cotangents of the wanted inputs. */
export function vjpOfGraph(g: Graph, index: number, wanted: readonly boolean[]) {
  return cached(g, `vjp|${index}|${wanted.map(Number).join("")}`, () => {
    const formals = avalsOf(g);
    return closedGraph((ins) => {
      const lin = vjpGraph(g, ins.slice(0, formals.length), wanted);
      const cts = g.outputs.map((_, i) => (i === index ? ins[formals.length]! : null));
      return lin.backward(cts).flatMap((c, i) => (wanted[i] ? [c ?? zerosLike(ins[i]!)] : []));
    }, [...formals, g.outputs[index]!.aval]);
  });
}

/** The graph mapped over a leading axis of size b on the batched inputs; every output batched at 0. */
export function vmapOfGraph(g: Graph, dims: readonly BatchDim[], b: number) {
  return cached(g, `vmap|${b}|${dims.map((d) => (d === null ? "n" : d)).join(",")}`, () => {
    const formals = avalsOf(g);
    const avals = formals.map((a, i) => (dims[i] === null ? a : { shape: [b, ...a.shape], dtype: a.dtype }));
    return closedGraph((ins) => {
      const [outs, ods] = vmapGraph(g, ins, dims);
      return outs.map((o, i) => (ods[i] === null ? broadcastLeading(o, b) : o));
    }, avals);
  });
}
