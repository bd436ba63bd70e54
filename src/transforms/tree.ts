/**
 * Pytrees: nested arrays and plain objects whose leaves are tensors (model parameters, tuples of
 * arguments). Anything else inside (numbers, strings, null) is static structure.
 */
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import { showShape } from "../ir/aval.js";

export type TreeDef =
  | { readonly kind: "leaf" }
  | { readonly kind: "array"; readonly children: readonly TreeDef[] }
  | { readonly kind: "object"; readonly keys: readonly string[]; readonly children: readonly TreeDef[] }
  | { readonly kind: "static"; readonly value: unknown };

export function flatten(tree: unknown): [AnyTensor[], TreeDef] {
  const leaves: AnyTensor[] = [];
  const go = (t: unknown): TreeDef => {
    if (t instanceof Tensor) {
      leaves.push(t as AnyTensor);
      return { kind: "leaf" };
    }
    if (Array.isArray(t)) return { kind: "array", children: t.map(go) };
    if (isPlainObject(t)) {
      const keys = Object.keys(t).sort();
      return { kind: "object", keys, children: keys.map((k) => go(t[k])) };
    }
    if (t !== null && typeof t === "object") {
      throw new Error(`shapegrad: pytrees hold tensors, arrays and plain objects; got a ${t.constructor?.name ?? "object"}`);
    }
    return { kind: "static", value: t };
  };
  const def = go(tree);
  return [leaves, def];
}

export function unflatten(def: TreeDef, leaves: readonly unknown[]): unknown {
  let i = 0;
  const go = (d: TreeDef): unknown => {
    switch (d.kind) {
      case "leaf":
        return leaves[i++];
      case "array":
        return d.children.map(go);
      case "object": {
        const o: Record<string, unknown> = {};
        d.keys.forEach((k, j) => (o[k] = go(d.children[j]!)));
        return o;
      }
      case "static":
        return d.value;
    }
  };
  const out = go(def);
  if (i !== leaves.length) throw new Error(`internal: tree has ${i} leaves, got ${leaves.length}`);
  return out;
}

export function leafCount(def: TreeDef): number {
  switch (def.kind) {
    case "leaf":
      return 1;
    case "static":
      return 0;
    default:
      return def.children.reduce((n, c) => n + leafCount(c), 0);
  }
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

/**
 * A key for a static (non-tensor) value: numbers keep NaN, ±Infinity and -0 apart, and functions
 * and other objects are keyed by identity (two closures with the same source are different).
 */
function staticKey(v: unknown): string {
  switch (typeof v) {
    case "number":
      return Object.is(v, -0) ? "n:-0" : `n:${String(v)}`;
    case "string":
      return `s:${JSON.stringify(v)}`;
    case "boolean":
    case "undefined":
    case "bigint":
      return `${typeof v}:${String(v)}`;
    case "symbol":
      return `symbol:${String(v.description)}`;
    default: {
      if (v === null) return "null";
      const o = v as object;
      let id = identities.get(o);
      if (id === undefined) identities.set(o, (id = nextIdentity++));
      return `ref:${id}`;
    }
  }
}

/** A string that is equal for equal structures: part of jit's cache key. */
export function treeKey(def: TreeDef): string {
  switch (def.kind) {
    case "leaf":
      return "T";
    case "static":
      return staticKey(def.value);
    case "array":
      return `[${def.children.map(treeKey).join(",")}]`;
    case "object":
      return `{${def.keys.map((k, i) => `${JSON.stringify(k)}:${treeKey(def.children[i]!)}`).join(",")}}`;
  }
}

/** Describes a structure for error messages: tensors show their shapes. */
export function showTree(tree: unknown): string {
  if (tree instanceof Tensor) return `Tensor${showShape(tree.shape)}`;
  if (Array.isArray(tree)) return `[${tree.map(showTree).join(", ")}]`;
  if (isPlainObject(tree)) return `{ ${Object.keys(tree).sort().map((k) => `${k}: ${showTree(tree[k])}`).join(", ")} }`;
  return String(tree);
}

export function isPlainObject(t: unknown): t is Record<string, unknown> {
  if (t === null || typeof t !== "object") return false;
  const proto = Object.getPrototypeOf(t);
  return proto === Object.prototype || proto === null;
}

/** Checks that `tree` has the structure `def` and the leaf shapes of `like`; names `what` on failure. */
export function checkSameTree(what: string, tree: unknown, like: unknown): AnyTensor[] {
  const [leaves, def] = flatten(tree);
  const [likeLeaves, likeDef] = flatten(like);
  if (treeKey(def) !== treeKey(likeDef)) {
    throw new Error(`${what}: expected the structure ${showTree(like)}, got ${showTree(tree)}`);
  }
  leaves.forEach((l, i) => {
    const m = likeLeaves[i]!;
    if (l.shape.length !== m.shape.length || l.shape.some((d, k) => d !== m.shape[k])) {
      throw new Error(`${what}: expected ${showTree(like)}, got ${showTree(tree)} (leaf ${i}: shape ${showShape(l.shape)} vs ${showShape(m.shape)})`);
    }
  });
  return leaves;
}

/**
 * Applies `f` leaf by leaf to trees of the same structure (the first tree gives the structure),
 * like jax.tree_util.tree_map.
 */
export function treeMap<T>(f: (...leaves: AnyTensor[]) => AnyTensor, tree: T, ...rest: readonly T[]): T {
  const [leaves, def] = flatten(tree);
  const others = rest.map((r, i) => checkSameTree(`treeMap: tree ${i + 1}`, r, tree));
  return unflatten(
    def,
    leaves.map((l, k) => f(l, ...others.map((o) => o[k]!))),
  ) as T;
}

/** Where each leaf sits in `tree`, in flatten order, for error messages: "", ".w", "[1].b". */
export function leafPaths(tree: unknown): string[] {
  const paths: string[] = [];
  const go = (t: unknown, path: string): void => {
    if (t instanceof Tensor) paths.push(path);
    else if (Array.isArray(t)) t.forEach((c, i) => go(c, `${path}[${i}]`));
    else if (isPlainObject(t)) for (const k of Object.keys(t).sort()) go(t[k], `${path}.${k}`);
  };
  go(tree, "");
  return paths;
}

// ------------------------------------------------------------------------------------ public API

/**
 * The tensor types among a pytree's leaves: `TreeLeaf<{ w: Tensor<[2, 3]>; b: Tensor<[3]> }>` is
 * `Tensor<[2, 3]> | Tensor<[3]>`. Numbers, strings and null are structure, not leaves.
 */
export type TreeLeaf<T> = T extends AnyTensor
  ? T
  : T extends readonly (infer E)[]
    ? TreeLeaf<E>
    : T extends (...args: never[]) => unknown
      ? never
      : T extends object
        ? { [K in keyof T]-?: TreeLeaf<T[K]> }[keyof T]
        : never;

/**
 * A pytree's structure without its leaves (jax's PyTreeDef): what treeFlatten and treeStructure
 * return and treeUnflatten takes. Two trees have the same structure when their `key`s are equal.
 */
export class PyTreeDef<T = unknown> {
  /** Type-level only: the tree type this structure rebuilds. */
  declare readonly "~tree"?: T;
  /** @internal */ readonly _def: TreeDef;
  /** The number of leaves (tensors). */
  readonly numLeaves: number;
  /** @internal */
  constructor(def: TreeDef) {
    this._def = def;
    this.numLeaves = leafCount(def);
  }
  /** A string equal for equal structures. */
  get key(): string {
    return treeKey(this._def);
  }
  /** The structure with `*` for each leaf: `PyTreeDef({ b: *, w: * })`. */
  toString(): string {
    const show = (d: TreeDef): string => {
      switch (d.kind) {
        case "leaf":
          return "*";
        case "static":
          return typeof d.value === "string" ? JSON.stringify(d.value) : String(d.value);
        case "array":
          return `[${d.children.map(show).join(", ")}]`;
        case "object":
          return `{ ${d.keys.map((k, i) => `${k}: ${show(d.children[i]!)}`).join(", ")} }`;
      }
    };
    return `PyTreeDef(${show(this._def)})`;
  }
}

/**
 * The leaves of a pytree in a fixed order (jax.tree_util.tree_leaves): arrays by index, objects by
 * sorted key; the order treeFlatten and treeUnflatten use.
 */
export function treeLeaves<T>(tree: T): TreeLeaf<T>[] {
  return flatten(tree)[0] as TreeLeaf<T>[];
}

/** The structure of a pytree (jax.tree_util.tree_structure). */
export function treeStructure<T>(tree: T): PyTreeDef<T> {
  return new PyTreeDef<T>(flatten(tree)[1]);
}

/**
 * The leaves and the structure of a pytree (jax.tree_util.tree_flatten); treeUnflatten(def,
 * leaves) rebuilds it.
 */
export function treeFlatten<T>(tree: T): [TreeLeaf<T>[], PyTreeDef<T>] {
  const [leaves, def] = flatten(tree);
  return [leaves as TreeLeaf<T>[], new PyTreeDef<T>(def)];
}

/**
 * Rebuilds a tree of structure `def` from its leaves in flatten order (jax.tree_util.tree_unflatten).
 * The number of leaves must be def.numLeaves; the leaves may be any tensors (the result is typed
 * as the tree that was flattened).
 */
export function treeUnflatten<T>(def: PyTreeDef<T>, leaves: readonly AnyTensor[]): T {
  if (!(def instanceof PyTreeDef)) throw new TypeError("treeUnflatten: the structure must come from treeFlatten or treeStructure");
  if (leaves.length !== def.numLeaves) throw new Error(`treeUnflatten: ${def} has ${def.numLeaves} leaves, got ${leaves.length}`);
  return unflatten(def._def, leaves) as T;
}

/**
 * Folds f over the leaves in flatten order (jax.tree_util.tree_reduce): f(...f(f(initializer,
 * l0), l1)..., ln). Without an initializer the first leaf starts the fold, and an empty tree is an error.
 */
export function treeReduce<T, A>(f: (acc: A, leaf: TreeLeaf<T>) => A, tree: T, initializer: A): A;
export function treeReduce<T>(f: (acc: TreeLeaf<T>, leaf: TreeLeaf<T>) => TreeLeaf<T>, tree: T): TreeLeaf<T>;
export function treeReduce(f: (acc: unknown, leaf: AnyTensor) => unknown, tree: unknown, ...init: unknown[]): unknown {
  const leaves = flatten(tree)[0];
  if (init.length > 0) return leaves.reduce((acc, l) => f(acc, l), init[0]);
  if (leaves.length === 0) throw new Error("treeReduce: the tree has no leaves and there is no initializer");
  return leaves.slice(1).reduce<unknown>((acc, l) => f(acc, l), leaves[0]);
}
