// The public pytree utilities (jax.tree_util's): leaves in a fixed order, flatten/unflatten
// round trips, structures, folds and maps over several trees.
import { describe, expect, it } from "vitest";
import { tensor, add, mul, sum, treeLeaves, treeFlatten, treeUnflatten, treeStructure, treeReduce, treeMap, tree, PyTreeDef, type AnyTensor } from "../../src/index.js";
import { settled, mapSeq } from "../harness/read.js";

const t = (v: number[]) => tensor(v, [v.length]);
const vals = async (x: AnyTensor) => Array.from((await x.data()) as Float32Array);

describe("tree utilities", () => {
  const p = { z: t([1]), a: [t([2, 3]), { c: t([4]), b: t([5, 6]) }] as const, s: "static", n: null, k: 7 };

  it("treeLeaves: arrays by index, objects by sorted key; other values are structure", async () => {
    expect(await Promise.all(treeLeaves(p).map(vals))).toEqual([[2, 3], [5, 6], [4], [1]]);
    expect(await Promise.all(treeLeaves(t([9])).map(vals))).toEqual([[9]]);
    expect(treeLeaves({ a: 1, b: [null] })).toEqual([]);
    expect(tree.leaves).toBe(treeLeaves);
  });

  it("treeFlatten and treeUnflatten round-trip, keeping the static values", async () => {
    const [leaves, def] = treeFlatten(p);
    expect(def).toBeInstanceOf(PyTreeDef);
    expect(def.numLeaves).toBe(4);
    expect(String(def)).toBe('PyTreeDef({ a: [*, { b: *, c: * }], k: 7, n: null, s: "static", z: * })');
    const back = treeUnflatten(def, leaves);
    expect(back.s).toBe("static");
    expect(back.k).toBe(7);
    expect(back.n).toBe(null);
    expect(await vals(back.a[1].b)).toEqual([5, 6]);
    expect(treeLeaves(back)).toEqual(leaves);
    // new leaves in the same places
    const doubled = treeUnflatten(def, leaves.map((l) => mul(l, 2)));
    expect(await vals(doubled.z)).toEqual([2]);
    expect(await vals(doubled.a[0])).toEqual([4, 6]);
    expect(() => treeUnflatten(def, leaves.slice(1))).toThrow('treeUnflatten: PyTreeDef({ a: [*, { b: *, c: * }], k: 7, n: null, s: "static", z: * }) has 4 leaves, got 3');
  });

  it("treeStructure: equal for equal structures, whatever the leaves", () => {
    const a = treeStructure({ w: t([1, 2]), b: [t([3])] });
    const b = treeStructure({ b: [t([7, 8, 9])], w: t([0]) });
    const c = treeStructure({ w: t([1, 2]), b: [t([3]), t([4])] });
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
    expect(tree.structure({ w: t([1]) }).numLeaves).toBe(1);
  });

  it("treeReduce folds in flatten order, with or without an initializer", async () => {
    const leaves: AnyTensor[] = [];
    const total = treeReduce((acc: number, l) => (leaves.push(l), acc + l.size), p, 100);
    const order = await Promise.all((await mapSeq(leaves, async (l) => (await vals(l))[0]!)));
    expect(total).toBe(106);
    expect(order).toEqual([2, 5, 4, 1]);
    const q = { a: t([1, 2]), b: t([10, 20]) };
    expect(await vals(treeReduce((x, y) => add(x, y), q))).toEqual([11, 22]);
    expect((await settled(sum(tree.reduce((x, y) => add(x, y), q)))).item()).toBe(33);
    const empty: { a: number; b: AnyTensor[] } = { a: 1, b: [] };
    expect(() => treeReduce((x, y) => add(x, y) as AnyTensor, empty)).toThrow("treeReduce: the tree has no leaves and there is no initializer");
    expect(treeReduce((n: number) => n + 1, [], 5)).toBe(5);
  });

  it("treeMap over several trees: the first gives the structure, the others must match it", async () => {
    const x = { w: t([1, 2]), b: [t([3])] };
    const y = { w: t([10, 20]), b: [t([30])] };
    const z = { w: t([100, 200]), b: [t([300])] };
    const r = treeMap((a, b, c) => add(add(a, b), c), x, y, z);
    expect(await vals(r.w)).toEqual([111, 222]);
    expect(await vals(r.b[0]!)).toEqual([333]);
    expect(tree.map).toBe(treeMap);
    expect(() => treeMap((a, b) => add(a, b), x, { w: t([1, 2]), b: [t([3]), t([4])] } as never)).toThrow(/treeMap: tree 1: expected the structure/);
  });
});
