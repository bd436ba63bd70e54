/**
 * lax.cond and lax.switch: the public side of the cond primitive (prims/cond.ts). Each branch is
 * traced once into a closed graph; only the chosen one runs (a batched predicate under vmap runs
 * them all and selects, as jax).
 */
import { showShape } from "../ir/aval.js";
import type { DType } from "../ir/dtype.js";
import { callGraph, currentBuilder, traceFlat } from "../ir/trace.js";
import { optimize } from "../compile/passes.js";
import { condApply, unifyBranches } from "../prims/cond.js";
import { convert, max, min, ne } from "../prims/elementwise.js";
import { full } from "../prims/broadcast.js";
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import { flatten, isPlainObject, treeKey, unflatten, type TreeDef } from "../transforms/tree.js";
import { showTensorType } from "./messages.js";
import type { BranchError, BranchesError, SelectorError } from "./cond-types.js";
import type { Check } from "../shape/core.js";

type T = AnyTensor;

/** How a branch result reads in messages (the twin of ShowValue in lax/cond-types.ts). */
const describeValue = (x: unknown): string =>
  x instanceof Tensor ? showTensorType(x.shape, x.dtype) : x === null || x === undefined ? "nothing" : typeof x === "object" ? "a pytree" : "a non-tensor value";

/** `cond: the branches return Tensor<[3]> and Tensor<[4]>` (` (at .s)` for a leaf of a pytree); the twin of BranchError. */
export const branchMessage = (op: string, a: unknown, b: unknown, path: string): string =>
  `${op}: the branches return ${describeValue(a)} and ${describeValue(b)}${path === "" ? "" : ` (at ${path})`}`;

/** `cond: the predicate must be a scalar bool or int32, got Tensor<[3], bool>`; the twin of SelectorError. */
export const selectorMessage = (op: string, shape: readonly number[], dtype: DType): string =>
  op === "switch"
    ? `switch: the index must be a scalar int32, got ${showTensorType(shape, dtype)}`
    : `${op}: the predicate must be a scalar bool or int32, got ${showTensorType(shape, dtype)}`;

/** The first difference between two branch results, as its message (null when they agree). */
function branchDiff(op: string, a: unknown, b: unknown, path = ""): string | null {
  if (a instanceof Tensor || b instanceof Tensor) {
    if (a instanceof Tensor && b instanceof Tensor && a.dtype === b.dtype && showShape(a.shape) === showShape(b.shape)) return null;
    return branchMessage(op, a, b, path);
  }
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null) ? null : branchMessage(op, a, b, path);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return branchMessage(op, a, b, path);
    for (let i = 0; i < a.length; i++) {
      const d = branchDiff(op, a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return branchMessage(op, a, b, path);
    for (const k of ka) {
      const d = branchDiff(op, a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return typeof a === "object" || typeof b === "object" ? branchMessage(op, a, b, path) : null;
}

/** The untyped switch: `branches[clamp(index)](...operands)`; cond is a switch over [falseFun, trueFun]. */
export function switchImpl(op: string, selector: unknown, branches: readonly ((...a: unknown[]) => unknown)[], operands: readonly unknown[]): unknown {
  const n = branches.length;
  if (n === 0) throw new Error(`switch: give at least one branch`);
  if (!(selector instanceof Tensor)) {
    // a JS value is static: just call the branch (jax does the same for a concrete Python value)
    const k = op === "switch" ? Math.min(Math.max(Math.trunc(Number(selector)), 0), n - 1) : selector ? 1 : 0;
    return branches[k]!(...operands);
  }
  const sel = selector as T;
  const ok = op === "switch" ? sel.dtype === "int32" : sel.dtype === "bool" || sel.dtype === "int32";
  if (sel.shape.length !== 0 || !ok) throw new Error(selectorMessage(op, sel.shape, sel.dtype));
  // the selector as an int32 in [0, n-1] (jax clamps a switch index)
  const index =
    op === "switch"
      ? n === 1
        ? full([], 0, "int32")
        : min(max(sel, full([], 0, "int32")), full([], n - 1, "int32"))
      : convert(sel.dtype === "bool" ? sel : ne(sel, full([], 0, "int32")), "int32");
  const [leaves, inDef] = flatten(operands);
  const results: unknown[] = [];
  const outDefs: TreeDef[] = [];
  const traced = branches.map((f, k) =>
    traceFlat((ins) => {
      const r = f(...(unflatten(inDef, ins) as unknown[]));
      const [outs, def] = flatten(r);
      results[k] = r;
      outDefs[k] = def;
      return outs;
    }, leaves.map((l) => l.aval)),
  );
  // messages name the branches in the order the user wrote them (cond: true then false)
  const order = op === "switch" ? branches.map((_, k) => k) : [1, 0];
  for (const k of order.slice(1)) {
    const [a, b] = [order[0]!, k];
    const d = branchDiff(op, results[a], results[b]) ?? (treeKey(outDefs[a]!) !== treeKey(outDefs[b]!) ? branchMessage(op, results[a], results[b], "") : null);
    if (d) throw new Error(d);
  }
  const u = unifyBranches(
    traced.map((t) => ({ graph: optimize(t.graph), captured: t.captured as readonly T[] })),
    leaves.length,
  );
  const p = { branches: u.branches, name: op };
  const args = [...leaves, ...u.extra];
  // run outside a trace as one program, so that the outputs share one branch run
  const res = currentBuilder()
    ? condApply(index, args, p)
    : (callGraph(traceFlat((ins) => condApply(ins[0] as T, ins.slice(1) as T[], p), [index, ...args].map((o) => o.aval)).graph, [index, ...args]) as T[]);
  return unflatten(outDefs[0]!, res);
}

/**
 * `pred ? trueFun(...operands) : falseFun(...operands)` (jax.lax.cond) with a traced predicate:
 * both branches are traced (they must return the same structure, shapes and dtypes, checked at
 * the call: `cond: the branches return Tensor<[3]> and Tensor<[4]>`) and only the chosen one runs.
 * `pred` is a scalar bool tensor (an int32 one counts nonzero as true); a JS boolean or number
 * just calls the branch. grad, jvp, vmap and jit go through it; under vmap with a batched
 * predicate both branches run and the results are selected per example (as jax), so a branch's
 * side conditions (a log of a negative number) do not guard the other.
 */
export function cond<const P, const Ops extends readonly unknown[], R1, R2>(
  pred: Check<SelectorError<"cond", "predicate", P, "bool" | "int32">, P>,
  trueFun: (...operands: Ops) => R1,
  falseFun: (...operands: Ops) => [BranchError<"cond", R1, R2>] extends [never] ? R2 : BranchError<"cond", R1, R2>,
  ...operands: Ops
): R1 {
  return switchImpl("cond", pred, [falseFun, trueFun] as unknown as ((...a: unknown[]) => unknown)[], operands) as R1;
}

type Returns<B extends readonly unknown[]> = { [K in keyof B]: B[K] extends (...a: never[]) => infer R ? R : never };

/**
 * `branches[index](...operands)` (jax.lax.switch): `index` an int32 scalar tensor (or a JS
 * number), clamped to [0, branches.length - 1] as jax does; the branches must return the same
 * structure, shapes and dtypes (`switch: the branches return Tensor<[3]> and Tensor<[4]>`), and
 * only the chosen one runs (under vmap with a batched index all run and the results are selected).
 */
function switch_<const I, const Ops extends readonly unknown[], const B extends readonly ((...operands: Ops) => unknown)[]>(
  index: Check<SelectorError<"switch", "index", I, "int32">, I>,
  branches: Check<BranchesError<"switch", Returns<B>>, B>,
  ...operands: Ops
): Returns<B>[0] {
  return switchImpl("switch", index, branches as unknown as readonly ((...a: unknown[]) => unknown)[], operands) as Returns<B>[0];
}
export { switch_ as switch };
