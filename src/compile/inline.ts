/**
 * Inlines call equations (nested jits, and the transformed graphs their rules call) into the
 * enclosing graph, so passes and fusion see one flat program. A graph called for several of its
 * outputs is inlined once per call site; CSE then merges the copies. Primitives with custom rules
 * (prims/custom.ts) are inlined only by the `final` inlining of the compile (runtime/execute.ts):
 * before it, a transformation may still apply to the graph and must find them whole.
 */
import { Graph, Var, type Eqn, type GraphConst } from "../ir/graph.js";

export function inlineCalls(g: Graph, final = false): Graph {
  const inlined = (e: Eqn) => e.prim.subgraph !== undefined && (final || !e.prim.customRules);
  if (!g.eqns.some(inlined)) return g;
  const consts: GraphConst[] = [...g.consts];
  const constVar = new Map<GraphConst["value"], Var>();
  for (const c of g.consts) constVar.set(c.value, c.v);
  const eqns: Eqn[] = [];
  const rename = new Map<Var, Var>();
  const r = (v: Var) => rename.get(v) ?? v;
  // nested calls expand recursively: the depth is the nesting of jits, not the program's length
  const expand = (sub: Graph, args: readonly Var[]): Var[] => {
    const env = new Map<Var, Var>();
    [...sub.inputs, ...sub.captures].forEach((v, i) => env.set(v, args[i]!));
    for (const c of sub.consts) {
      let v = constVar.get(c.value);
      if (!v) {
        v = new Var(c.v.aval);
        constVar.set(c.value, v);
        consts.push({ v, value: c.value });
      }
      env.set(c.v, v);
    }
    for (const e of sub.eqns) {
      const ins = e.inputs.map((v) => env.get(v)!);
      if (inlined(e)) {
        const inner = e.prim.subgraph!(e.params as never);
        env.set(e.out, expand(inner.graph, ins)[inner.output]!);
      } else {
        const out = new Var(e.out.aval);
        eqns.push({ prim: e.prim, params: e.params, inputs: ins, out });
        env.set(e.out, out);
      }
    }
    return sub.outputs.map((v) => env.get(v)!);
  };
  for (const e of g.eqns) {
    const ins = e.inputs.map(r);
    if (inlined(e)) {
      const sub = e.prim.subgraph!(e.params as never);
      rename.set(e.out, expand(sub.graph, ins)[sub.output]!);
    } else eqns.push(ins.every((v, i) => v === e.inputs[i]) ? e : { ...e, inputs: ins });
  }
  return new Graph(g.inputs, g.captures, consts, eqns, g.outputs.map(r));
}
