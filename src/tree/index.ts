/**
 * The pytree utilities under jax.tree's short names: `tree.map`, `tree.leaves`, `tree.flatten`,
 * `tree.unflatten`, `tree.structure`, `tree.reduce` (the same functions as treeMap, treeLeaves ...).
 */
export { treeMap as map, treeLeaves as leaves, treeFlatten as flatten, treeUnflatten as unflatten, treeStructure as structure, treeReduce as reduce, PyTreeDef, type TreeLeaf } from "../transforms/tree.js";
