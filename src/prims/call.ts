/**
 * The call primitive: a closed graph run as one step (a `jit` nested inside another
 * transformation). Its params carry the graph and which of its outputs this equation is (one
 * equation per output; the compiler inlines them all and merges the shared work). Its rules
 * transform the graph into a graph (jvp, vjp, batching) and call that, so the nested program stays
 * one unit through every transformation: the rules the control-flow primitives will reuse.
 */
import type { AbstractValue } from "../ir/aval.js";
import { isFloat } from "../ir/dtype.js";
import type { Graph } from "../ir/graph.js";
import { evalGraphHost } from "../ir/interpret.js";
import type { BatchDim } from "../ir/graph.js";
import { traceFlat } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading, zerosLike } from "./broadcast.js";
import { jvpGraph, vjpGraph, vmapGraph } from "./interpreters.js";
import { apply, type Prim } from "./util.js";

type T = AnyTensor;

export interface CallParams {
  readonly graph: Graph;
  /** the output of `graph` this equation stands for */
  readonly index: number;
  /** shown by the printer */
  readonly name: string;
}

/** Calls a closed graph on `args` (its inputs, then its captures): one tensor per output. */
export function call(graph: Graph, args: readonly T[], name: string): T[] {
  return graph.outputs.map((_, index) => apply(callP, args, { graph, index, name }));
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

/** jvp of a graph as a graph: (primals, nonzero tangents) -> (primal outputs, output tangents). */
function jvpOf(g: Graph, nonzero: readonly boolean[]) {
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
function vjpOf(g: Graph, index: number, wanted: readonly boolean[]) {
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
function vmapOf(g: Graph, dims: readonly BatchDim[], b: number) {
  return cached(g, `vmap|${b}|${dims.map((d) => (d === null ? "n" : d)).join(",")}`, () => {
    const formals = avalsOf(g);
    const avals = formals.map((a, i) => (dims[i] === null ? a : { shape: [b, ...a.shape], dtype: a.dtype }));
    return closedGraph((ins) => {
      const [outs, ods] = vmapGraph(g, ins, dims);
      return outs.map((o, i) => (ods[i] === null ? broadcastLeading(o, b) : o));
    }, avals);
  });
}

export const callP: Prim<CallParams> = {
  name: "call",
  abstractEval: (_ins, { graph, index }) => graph.outputs[index]!.aval,
  impl(inputs, { graph, index }) {
    return evalGraphHost(graph, [...inputs, ...graph.consts.map((c) => c.value.backend.toHostSync(c.value))])[index]!;
  },
  jvp(primals, tangents, { graph, index, name }) {
    const nonzero = tangents.map((t, i) => t !== null && isFloat(primals[i]!.dtype));
    const j = jvpOf(graph, nonzero);
    const args = [...primals, ...tangents.filter((_, i) => nonzero[i]).map((t) => t!), ...j.captured];
    return apply(callP, args, { graph: j.graph, index: graph.outputs.length + index, name: `jvp(${name})` });
  },
  vjp(ct, primals, { graph, index, name }, _out, wanted) {
    const w = wanted.map((x, i) => x && isFloat(primals[i]!.dtype));
    const v = vjpOf(graph, index, w);
    const args = [...primals, ct, ...v.captured];
    let k = 0;
    return w.map((x) => (x ? apply(callP, args, { graph: v.graph, index: k++, name: `vjp(${name})` }) : null));
  },
  batch(inputs, dims, { graph, index, name }): [T, BatchDim] {
    const b = inputs[dims.findIndex((d) => d !== null)]!.shape[0]!;
    const m = vmapOf(graph, dims, b);
    return [apply(callP, [...inputs, ...m.captured], { graph: m.graph, index, name: `vmap(${name})` }), 0];
  },
  subgraph: (p) => ({ graph: p.graph, output: p.index }),
  showParams: (p) => `name=${p.name} out=${p.index} eqns=${p.graph.eqns.length}`,
};
