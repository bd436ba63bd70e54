/** Graph-to-graph optimisations. jit runs them before a graph reaches a backend. */
import { Graph, type Eqn, type Var } from "../ir/graph.js";

/** Removes equations whose results nothing uses. */
export function dce(g: Graph): Graph {
  const live = new Set<Var>(g.outputs);
  const kept: Eqn[] = [];
  for (let i = g.eqns.length - 1; i >= 0; i--) {
    const e = g.eqns[i]!;
    if (!live.has(e.out)) continue;
    kept.push(e);
    for (const v of e.inputs) live.add(v);
  }
  kept.reverse();
  return new Graph(g.inputs, g.captures, g.consts.filter((c) => live.has(c.v)), kept, g.outputs);
}

/** Merges equations that apply the same primitive with the same params to the same inputs. */
export function cse(g: Graph): Graph {
  const rename = new Map<Var, Var>();
  const seen = new Map<string, Var>();
  const r = (v: Var) => rename.get(v) ?? v;
  const eqns: Eqn[] = [];
  for (const e of g.eqns) {
    const inputs = e.inputs.map(r);
    const key = `${e.prim.name}|${JSON.stringify(e.params)}|${inputs.map((v) => v.id).join(",")}`;
    const prev = seen.get(key);
    if (prev) {
      rename.set(e.out, prev);
      continue;
    }
    seen.set(key, e.out);
    eqns.push(inputs.every((v, i) => v === e.inputs[i]) ? e : { ...e, inputs });
  }
  return new Graph(g.inputs, g.captures, g.consts, eqns, g.outputs.map(r));
}

export function optimize(g: Graph): Graph {
  return dce(cse(g));
}
