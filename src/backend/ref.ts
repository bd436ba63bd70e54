import type { Graph, Var } from "../ir/graph.js";
import type { AbstractValue } from "../ir/aval.js";
import type { Primitive } from "../ir/primitive.js";
import type { Backend } from "./backend.js";
import { hostBackend, hostOf, type HostArray } from "./host-array.js";

/**
 * The reference backend: a plain TypeScript interpreter of graphs. Exact by construction (each op
 * computes in double and rounds to its dtype), slow, and the source of truth for the others.
 */
export const refBackend: Backend = hostBackend("ref", (graph, inputs) => evalGraphHost(graph, inputs));

function runPrim(prim: Primitive, params: object, inputs: readonly HostArray[], out: AbstractValue): HostArray {
  const r = prim.impl(inputs, params, out);
  if (r.dtype !== out.dtype || r.shape.length !== out.shape.length || r.shape.some((d, i) => d !== out.shape[i])) {
    throw new Error(`internal: ${prim.name} produced ${r.dtype}[${r.shape}] but its abstract value is ${out.dtype}[${out.shape}]`);
  }
  return r;
}

/** Interprets a graph on host arrays; `inputs` are the graph's inputs then its captures. */
export function evalGraphHost(graph: Graph, inputs: readonly HostArray[]): HostArray[] {
  const env = new Map<Var, HostArray>();
  const formals = [...graph.inputs, ...graph.captures];
  if (formals.length !== inputs.length) {
    throw new Error(`internal: graph takes ${formals.length} inputs, got ${inputs.length}`);
  }
  formals.forEach((v, i) => env.set(v, inputs[i]!));
  for (const c of graph.consts) env.set(c.v, hostOf(c.value));
  for (const e of graph.eqns) {
    const ins = e.inputs.map((v) => {
      const h = env.get(v);
      if (!h) throw new Error(`internal: unbound variable in graph`);
      return h;
    });
    env.set(e.out, runPrim(e.prim, e.params, ins, e.out.aval));
  }
  return graph.outputs.map((v) => env.get(v)!);
}
