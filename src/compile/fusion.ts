/**
 * Fusion: turns a graph into a kernel program (ir/kernel.ts). It asks each primitive how it
 * lowers (`prim.lower`) and never looks at names: elementwise equations merge into one expression
 * per kernel; views (broadcast, transpose, slice, reshape) and gathers (pad, concatenate) become
 * index maps on the kernels' inputs instead of copies; reductions evaluate their single-use
 * elementwise producer in the same loop; contractions read their operands where they lie; a
 * primitive without a lowering is an opaque host step. Call equations must be inlined first
 * (compile/inline.ts).
 */
import { Graph, type Eqn, type Var } from "../ir/graph.js";
import type { DeviceArray } from "../ir/device.js";
import { K, contiguousView, mapExpr, topo, type Expr, type Kernel, type Operand, type Program, type View } from "../ir/kernel.js";

/** What fusion knows of a variable: a buffer, a view of one, or a pending expression. */
type State = { readonly k: "mat" } | { readonly k: "view"; readonly base: Var; readonly view: View } | { readonly k: "expr"; readonly expr: Expr };

/** What a pending load reads. */
interface Leaf {
  readonly base: Var;
  readonly view: View;
}

/** A bool expression this small (a comparison) is recomputed by each consumer rather than stored. */
const RECOMPUTE_BOOL = 8;

/**
 * Where each elementwise result ends up: the variable whose kernel computes it. A result read
 * several times stays an expression when all its readers end up in the same elementwise kernel
 * (softplus reads its operand twice, and softplus(cbrt(x)) is one kernel); otherwise it is stored
 * once. A reduction takes only a single-use producer chain into its loop (the loop runs as plain
 * JavaScript on the wasm backend: a shared result is cheaper computed once by a SIMD kernel).
 */
function sinks(graph: Graph, outputs: ReadonlySet<Var>): Map<Var, Var> {
  const readers = new Map<Var, Eqn[]>();
  for (const e of graph.eqns) {
    for (const v of e.inputs) {
      const rs = readers.get(v);
      if (rs) rs.push(e);
      else readers.set(v, [e]);
    }
  }
  const reduced = new Set<Var>();
  const sink = new Map<Var, Var>();
  for (let i = graph.eqns.length - 1; i >= 0; i--) {
    const e = graph.eqns[i]!;
    const v = e.out;
    if (e.prim.lower?.kind === "reduce") reduced.add(v);
    const rs = readers.get(v) ?? [];
    let s: Var | null = outputs.has(v) || rs.length === 0 ? v : null;
    for (const r of rs) {
      if (s === v) break;
      const kind = r.prim.lower?.kind;
      const to = kind === "elementwise" ? sink.get(r.out)! : kind === "reduce" && rs.length === 1 ? r.out : v;
      s = s === null || s === to ? to : v;
    }
    if (s !== null && s !== v && rs.length > 1 && reduced.has(s)) s = v;
    sink.set(v, s ?? v);
  }
  return sink;
}

/** Builds the kernel program for a graph. */
/** The constants of every graph in a host step's params (a loop's body, cond's branches), nested ones included. */
function nestedConsts(params: unknown): DeviceArray[] {
  const out = new Set<DeviceArray>();
  const seen = new Set<unknown>();
  const walk = (p: unknown): void => {
    if (p === null || typeof p !== "object" || seen.has(p)) return;
    seen.add(p);
    if (p instanceof Graph) {
      for (const c of p.consts) out.add(c.value);
      for (const e of p.eqns) walk(e.params);
    } else if (Array.isArray(p)) p.forEach(walk);
    else if (Object.getPrototypeOf(p) === Object.prototype) Object.values(p).forEach(walk);
  };
  walk(params);
  return [...out];
}

export function fuse(graph: Graph): Program {
  const uses = new Map<Var, number>();
  for (const e of graph.eqns) for (const v of e.inputs) uses.set(v, (uses.get(v) ?? 0) + 1);
  const outputs = new Set(graph.outputs);
  const sink = sinks(graph, outputs);
  for (const v of graph.outputs) uses.set(v, (uses.get(v) ?? 0) + 1);
  const singleUse = (v: Var) => uses.get(v) === 1 && !outputs.has(v);

  const slots = new Map<Var, number>();
  const buffers: Program["buffers"][number][] = [];
  const slot = (v: Var): number => {
    let s = slots.get(v);
    if (s === undefined) {
      s = buffers.length;
      slots.set(v, s);
      buffers.push(v.aval);
    }
    return s;
  };
  const formals = [...graph.inputs, ...graph.captures, ...graph.consts.map((c) => c.v)];
  const inputs = formals.map(slot);

  // scalar constants are inlined into expressions instead of being read as inputs
  const scalars = new Map<Var, number>();
  for (const c of graph.consts) {
    if (c.v.aval.shape.length !== 0) continue;
    try {
      scalars.set(c.v, c.value.backend.toHostSync(c.value).data[0]!);
    } catch {
      // an asynchronous backend: read it as an input like any other
    }
  }

  const state = new Map<Var, State>();
  for (const v of formals) state.set(v, { k: "mat" });
  const kernels: Kernel[] = [];

  const materialize = (v: Var): void => {
    const s = state.get(v);
    if (!s) throw new Error("internal: fusion met an unbound variable");
    if (s.k === "mat") return;
    const expr = s.k === "view" ? K.leaf({ base: s.base, view: s.view } satisfies Leaf, v.aval.dtype) : s.expr;
    const { expr: e, operands } = finishExpr(expr, slot);
    kernels.push({ kind: "elementwise", out: slot(v), expr: e, inputs: operands });
    state.set(v, { k: "mat" });
  };
  /**
   * v as a view of a buffer (materializing a pending expression). Views never carry masks: pad and
   * concatenate results are pending expressions, so a masked view only ever appears as a leaf.
   */
  const viewOf = (v: Var): Leaf => {
    const s = state.get(v)!;
    if (s.k === "view") return { base: s.base, view: s.view };
    materialize(v);
    return { base: v, view: contiguousView(v.aval.shape) };
  };
  const exprOf = (v: Var): Expr => {
    const s = state.get(v)!;
    if (s.k === "expr") return s.expr;
    const leaf: Leaf = s.k === "view" ? { base: s.base, view: s.view } : { base: v, view: contiguousView(v.aval.shape) };
    // a view of a scalar constant (a broadcast number) is the number
    const c = scalars.get(leaf.base);
    if (c !== undefined) return K.c(c, v.aval.dtype);
    return K.leaf(leaf, v.aval.dtype);
  };
  const pending = (e: Eqn, expr: Expr): void => {
    state.set(e.out, { k: "expr", expr });
    if (singleUse(e.out)) return;
    if (sink.get(e.out) !== e.out) return;
    if (e.out.aval.dtype === "bool" && !outputs.has(e.out) && topo(expr).length <= RECOMPUTE_BOOL) return;
    materialize(e.out);
  };
  const opaque = (e: Eqn): void => {
    e.inputs.forEach(materialize);
    const { prim, params } = e;
    const aval = e.out.aval;
    const consts = nestedConsts(params);
    kernels.push({ kind: "opaque", out: slot(e.out), name: prim.name, inputs: e.inputs.map(slot), run: (hs) => prim.impl(hs, params, aval), ...(consts.length ? { consts } : {}) });
    state.set(e.out, { k: "mat" });
  };

  for (const e of graph.eqns) {
    const low = e.prim.lower;
    if (!low || e.prim.subgraph) {
      opaque(e);
      continue;
    }
    switch (low.kind) {
      case "view": {
        const src = e.inputs[0]!;
        let from = viewOf(src);
        let v = low.view(from.view, e.params, e.out.aval);
        if (v === null) {
          // a view that could not be composed: copy the operand, then view the copy
          materialize(src);
          from = { base: src, view: contiguousView(src.aval.shape) };
          v = low.view(from.view, e.params, e.out.aval);
        }
        if (v === null) opaque(e);
        else state.set(e.out, { k: "view", base: from.base, view: v });
        break;
      }
      case "elementwise":
        pending(e, low.expr(e.inputs.map(exprOf), e.params, e.out.aval));
        break;
      case "gather": {
        const from = e.inputs.map((v) => viewOf(v));
        const views = low.views(
          from.map((f) => f.view),
          e.params,
          e.out.aval,
        );
        const leaves = views.map((view, i): Leaf => ({ base: from[i]!.base, view }));
        const loads = leaves.map((l, i) => K.leaf(l, e.inputs[i]!.aval.dtype));
        const valid = leaves.map((l) => K.leafValid(l));
        pending(e, low.expr(loads, valid, e.params, e.out.aval));
        break;
      }
      case "reduce": {
        // a single-use elementwise producer is evaluated inside the reduction's loop
        // (a masked producer, a pad or concatenate, is stored first: reductions read plain views)
        const src = e.inputs[0]!;
        if (topo(exprOf(src)).some((x) => x.source !== undefined && (x.source as Leaf).view.mask)) materialize(src);
        const { expr, operands } = finishExpr(exprOf(src), slot);
        kernels.push({ kind: "reduce", out: slot(e.out), op: low.op, expr, inputs: operands, shape: src.aval.shape, axes: low.axes(e.params) });
        state.set(e.out, { k: "mat" });
        break;
      }
      case "contraction":
        e.inputs.forEach(materialize);
        kernels.push({ kind: "contraction", out: slot(e.out), lhs: slot(e.inputs[0]!), rhs: slot(e.inputs[1]!), dims: low.dims(e.params) });
        state.set(e.out, { k: "mat" });
        break;
    }
  }
  for (const v of graph.outputs) materialize(v);
  return { buffers, inputs, kernels, outputs: graph.outputs.map(slot) };
}

/** Numbers the leaves of an expression as kernel inputs (equal views of a buffer share one). */
function finishExpr(root: Expr, slot: (v: Var) => number): { expr: Expr; operands: Operand[] } {
  const operands: Operand[] = [];
  const keys = new Map<string, number>();
  const index = (l: Leaf): number => {
    const v = l.view;
    const mask = v.mask ? v.mask.map((m) => `${m.lo}:${m.hi}:${m.step}`).join(",") : "";
    const key = `${l.base.id}|${v.offset}|${v.strides.join(",")}|${v.shape.join(",")}|${mask}`;
    let i = keys.get(key);
    if (i === undefined) {
      i = operands.length;
      operands.push({ buffer: slot(l.base), view: v });
      keys.set(key, i);
    }
    return i;
  };
  const expr = mapExpr(root, (e, args) => {
    if (e.source === undefined) return args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
    const i = index(e.source as Leaf);
    return e.op === "valid" ? K.valid(i) : K.input(i, e.dtype);
  });
  return { expr, operands };
}
