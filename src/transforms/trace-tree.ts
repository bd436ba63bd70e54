import type { AbstractValue } from "../ir/aval.js";
import type { Graph } from "../ir/graph.js";
import { traceFlat } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { flatten, unflatten, type TreeDef } from "./tree.js";

export interface TracedTree {
  readonly graph: Graph;
  readonly captured: readonly AnyTensor[];
  readonly inDef: TreeDef;
  readonly outDef: TreeDef;
}

/** A user function as seen by the interpreters: flat tensors in, flat tensors out. */
export type TreeFn = (...args: never[]) => unknown;

/**
 * Traces `f` on symbolic stand-ins for `args` (a list of pytrees). `avals` overrides the abstract
 * value of each leaf (vmap traces with the mapped axis removed).
 */
export function traceTree(f: TreeFn, args: readonly unknown[], avals?: readonly AbstractValue[]): TracedTree {
  const [leaves, inDef] = flatten(args);
  let outDef: TreeDef | undefined;
  const { graph, captured } = traceFlat(
    (ins) => {
      const call = unflatten(inDef, ins) as unknown[];
      const out = (f as (...a: unknown[]) => unknown)(...call);
      const [outLeaves, def] = flatten(out);
      if (def.kind === "static" || outLeaves.length === 0) {
        throw new Error(`shapegrad: a transformed function must return tensors (a tensor or a pytree of them), got ${String(out)}`);
      }
      outDef = def;
      return outLeaves;
    },
    avals ?? leaves.map((l) => l.aval),
  );
  return { graph, captured: captured as readonly AnyTensor[], inDef, outDef: outDef! };
}
