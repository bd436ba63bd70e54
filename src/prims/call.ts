/**
 * The call primitive: a closed graph run as one step (a `jit` nested inside another
 * transformation). Its params carry the graph and which of its outputs this equation is (one
 * equation per output; the compiler inlines them all and merges the shared work). Its rules
 * transform the graph into a graph (jvp, vjp, batching: prims/interpreters.ts) and call that, so
 * the nested program stays one unit through every transformation.
 */
import { isFloat } from "../ir/dtype.js";
import type { BatchDim, Graph } from "../ir/graph.js";
import { evalGraphHost } from "../ir/interpret.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { jvpOfGraph, vjpOfGraph, vmapOfGraph } from "./interpreters.js";
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

export const callP: Prim<CallParams> = {
  name: "call",
  abstractEval: (_ins, { graph, index }) => graph.outputs[index]!.aval,
  impl(inputs, { graph, index }) {
    return evalGraphHost(graph, [...inputs, ...graph.consts.map((c) => c.value.backend.toHostSync(c.value))])[index]!;
  },
  jvp(primals, tangents, { graph, index, name }) {
    const nonzero = tangents.map((t, i) => t !== null && isFloat(primals[i]!.dtype));
    const j = jvpOfGraph(graph, nonzero);
    const args = [...primals, ...tangents.filter((_, i) => nonzero[i]).map((t) => t!), ...j.captured];
    return apply(callP, args, { graph: j.graph, index: graph.outputs.length + index, name: `jvp(${name})` });
  },
  vjp(ct, primals, { graph, index, name }, _out, wanted) {
    const w = wanted.map((x, i) => x && isFloat(primals[i]!.dtype));
    const v = vjpOfGraph(graph, index, w);
    const args = [...primals, ct, ...v.captured];
    let k = 0;
    return w.map((x) => (x ? apply(callP, args, { graph: v.graph, index: k++, name: `vjp(${name})` }) : null));
  },
  batch(inputs, dims, { graph, index, name }): [T, BatchDim] {
    const b = inputs[dims.findIndex((d) => d !== null)]!.shape[0]!;
    const m = vmapOfGraph(graph, dims, b);
    return [apply(callP, [...inputs, ...m.captured], { graph: m.graph, index, name: `vmap(${name})` }), 0];
  },
  subgraph: (p) => ({ graph: p.graph, output: p.index }),
  showParams: (p) => `name=${p.name} out=${p.index} eqns=${p.graph.eqns.length}`,
};
