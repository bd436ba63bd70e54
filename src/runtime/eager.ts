/**
 * Eager ops reach a backend as one-equation graphs, shared by every backend and cached by
 * primitive, params and input signature, so a backend's per-graph plan cache also serves eager
 * calls and a loop of eager ops compiles each kernel once.
 */
import { Graph, Var } from "../ir/graph.js";
import type { AbstractValue } from "../ir/aval.js";
import type { Primitive } from "../ir/graph.js";
import { cacheKey } from "../ir/key.js";
import { LruCache } from "../backend/cache.js";

const graphs = new LruCache<string, Graph>(4096);

export function eqnGraph(prim: Primitive, params: object, inputs: readonly AbstractValue[], out: AbstractValue): Graph {
  const key = `${prim.name}|${cacheKey(params)}|${inputs.map((a) => `${a.dtype}[${a.shape}]`).join(";")}`;
  let g = graphs.get(key);
  if (!g) {
    const ins = inputs.map((a) => new Var(a));
    const o = new Var(out);
    g = new Graph(ins, [], [], [{ prim, inputs: ins, params, out: o }], [o]);
    graphs.set(key, g);
  }
  return g;
}
