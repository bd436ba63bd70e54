import type { Graph, Var } from "./graph.js";
import type { HostArray } from "./host-array.js";

/**
 * Interprets a graph on host arrays with every primitive's reference implementation; `inputs`
 * are the graph's inputs, then its captures, then its constants' values.
 */
export function evalGraphHost(graph: Graph, inputs: readonly HostArray[]): HostArray[] {
  const env = new Map<Var, HostArray>();
  const formals = [...graph.inputs, ...graph.captures, ...graph.consts.map((c) => c.v)];
  if (formals.length !== inputs.length) {
    throw new Error(`internal: graph takes ${formals.length} inputs, got ${inputs.length}`);
  }
  formals.forEach((v, i) => env.set(v, inputs[i]!));
  for (const e of graph.eqns) {
    const ins = e.inputs.map((v) => {
      const h = env.get(v);
      if (!h) throw new Error(`internal: unbound variable in graph`);
      return h;
    });
    const out = e.out.aval;
    const r = e.prim.impl(ins, e.params, out);
    if (r.dtype !== out.dtype || r.shape.length !== out.shape.length || r.shape.some((d, i) => d !== out.shape[i])) {
      throw new Error(`internal: ${e.prim.name} produced ${r.dtype}[${r.shape}] but its abstract value is ${out.dtype}[${out.shape}]`);
    }
    env.set(e.out, r);
  }
  return graph.outputs.map((v) => env.get(v)!);
}
