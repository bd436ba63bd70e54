import { flatten, unflatten, leafPaths } from "./tree.js";
import { traceTree, type TreeFn } from "./trace-tree.js";
import { vmapGraph } from "../prims/interpreters.js";
import { showShape, type AbstractValue } from "../ir/aval.js";
import type { BatchDim } from "../ir/graph.js";
import type { AnyTensor } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { shapeError } from "../tensor/checks.js";
import { vmapLeafSize, vmapSizesMsg } from "../tensor/messages.js";

export type InAxes = number | null | readonly (number | null)[];
export type OutAxes = number | readonly number[];

/** vmap on pytrees: maps `f` over axis `inAxes[i]` of argument i and stacks results at `outAxes`. */
export function vmapImpl(f: TreeFn, args: readonly unknown[], inAxes: InAxes, outAxes: OutAxes): unknown {
  const axes = Array.isArray(inAxes) ? (inAxes as readonly (number | null)[]) : args.map(() => inAxes as number | null);
  if (axes.length !== args.length) {
    throw new Error(`vmap: inAxes has ${axes.length} entries but the function was called with ${args.length} arguments`);
  }
  // every leaf of argument i is mapped over axes[i]
  let size: number | undefined;
  let sizeFrom = "";
  let sizeArg = -1;
  const moved: AnyTensor[] = [];
  const dims: BatchDim[] = [];
  const avals: AbstractValue[] = [];
  args.forEach((a, i) => {
    const ax = axes[i]!;
    const paths = leafPaths(a);
    flatten(a)[0].forEach((leaf, k) => {
      const name = `argument ${i}${paths[k]}`;
      if (ax === null) {
        moved.push(leaf);
        dims.push(null);
        avals.push(leaf.aval);
        return;
      }
      const r = leaf.shape.length;
      if (!Number.isInteger(ax) || ax < -r || ax >= r) {
        throw new Error(`vmap: inAxes[${i}] = ${ax} is out of range for ${name} of shape ${showShape(leaf.shape)} (rank ${r})`);
      }
      const a0 = ax < 0 ? ax + r : ax;
      const n = leaf.shape[a0]!;
      if (size === undefined) {
        size = n;
        sizeArg = i;
        sizeFrom = vmapLeafSize(name, n, a0, leaf.shape);
      } else if (n !== size) {
        // leaves of one argument that differ (a model's parameters, say) usually mean it is not batched
        shapeError(vmapSizesMsg(sizeFrom, vmapLeafSize(name, n, a0, leaf.shape), sizeArg === i ? i : undefined));
      }
      moved.push(lax.moveAxis(leaf, a0, 0));
      dims.push(0);
      avals.push({ shape: leaf.shape.filter((_, j) => j !== a0), dtype: leaf.dtype });
    });
  });
  if (size === undefined) throw new Error("vmap: no argument is mapped (every inAxes entry is null)");
  const t = traceTree(f, args, avals);
  const [outs, outDims] = vmapGraph(t.graph, [...moved, ...t.captured], [...dims, ...t.captured.map(() => null)]);
  const oAxes = Array.isArray(outAxes) ? (outAxes as readonly number[]) : outs.map(() => outAxes as number);
  if (oAxes.length !== outs.length) {
    throw new Error(`vmap: outAxes has ${oAxes.length} entries but the function returns ${outs.length} tensors`);
  }
  const b = size;
  const res = outs.map((o, i) => {
    const full = outDims[i] === null ? lax.broadcastLeading(o, b) : o;
    const r = full.shape.length;
    const ax = oAxes[i]!;
    if (!Number.isInteger(ax) || ax < -r || ax >= r) {
      throw new Error(`vmap: outAxes ${ax} is out of range for output ${i} of shape ${showShape(full.shape)} (rank ${r})`);
    }
    return lax.moveAxis(full, 0, ax < 0 ? ax + r : ax);
  });
  return unflatten(t.outDef, res);
}
