import { flatten, unflatten, treeKey, type TreeDef } from "./tree.js";
import { traceTree, type TreeFn } from "./trace-tree.js";
import { callGraph, currentBuilder, escapedTracer } from "../ir/trace.js";
import { call } from "../prims/call.js";
import { showAval } from "../ir/aval.js";
import type { Graph } from "../ir/graph.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { optimize } from "../compile/passes.js";

interface Plan {
  readonly graph: Graph;
  readonly outDef: TreeDef;
}

/** What jit keeps for one function: one plan per input signature. */
export interface JitCache {
  readonly plans: Map<string, Plan>;
  /** graphs traced inside another transformation (they do not count as the function's traces) */
  readonly nested: Map<string, Plan>;
  traces: number;
}

export function newJitCache(): JitCache {
  return { plans: new Map(), nested: new Map(), traces: 0 };
}

/**
 * Runs `f` staged: traced once per signature (pytree structure, shapes, dtypes), optimised, and
 * run as one graph. Inside another transformation, the same kind of graph becomes a call equation
 * (prims/call.ts) of the enclosing trace: the transformations transform it as one graph (their
 * transformed graphs are cached per graph, so a reused graph serves them too), and the compiler
 * inlines it into the enclosing program.
 */
export function jitCall(cache: JitCache, f: TreeFn, args: readonly unknown[]): unknown {
  const [leaves, def] = flatten(args);
  const key = `${treeKey(def)}|${leaves.map((l: AnyTensor) => showAval(l.aval)).join(";")}`;
  if (currentBuilder()) {
    let plan = cache.plans.get(key) ?? cache.nested.get(key);
    let captured: readonly AnyTensor[] = [];
    if (!plan) {
      const t = traceTree(f, args);
      captured = t.captured;
      plan = { graph: optimize(t.graph), outDef: t.outDef };
      // a graph that closed over tracers of the enclosing trace is good for this call only
      if (captured.length === 0) cache.nested.set(key, plan);
    }
    return unflatten(plan.outDef, call(plan.graph, [...leaves, ...captured], fnName(f)));
  }
  if (leaves.some((l) => l.isTraced)) throw escapedTracer();
  let plan = cache.plans.get(key);
  if (!plan) {
    const t = traceTree(f, args);
    cache.traces++;
    plan = { graph: optimize(t.graph), outDef: t.outDef };
    cache.plans.set(key, plan);
  }
  return unflatten(plan.outDef, callGraph(plan.graph, leaves));
}

const fnName = (f: TreeFn): string => (f as { name?: string }).name || "jit";
