/** The carry check shared by scan, foriLoop and whileLoop: the body's carry has init's structure, shapes and dtypes. */
import { showShape } from "../ir/aval.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { leafPaths, treeKey, showTree, type TreeDef } from "../transforms/tree.js";
import { scanCarryMessage } from "./messages.js";

type T = AnyTensor;

export function checkCarry(op: string, init: unknown, ins: readonly T[], inDef: TreeDef, out: unknown, outs: readonly T[], outDef: TreeDef): void {
  if (treeKey(inDef) !== treeKey(outDef)) {
    throw new Error(`${op}: the carry goes in as ${showTree(init)} and comes out as ${showTree(out)}`);
  }
  const paths = leafPaths(init);
  ins.forEach((a, i) => {
    const b = outs[i]!;
    if (a.dtype !== b.dtype || showShape(a.shape) !== showShape(b.shape)) throw new Error(scanCarryMessage(op, paths[i]!, a.shape, a.dtype, b.shape, b.dtype));
  });
}
