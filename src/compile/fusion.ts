/**
 * Fusion: turns a graph into a plan of kernels. Elementwise equations are merged into one
 * expression per kernel; broadcasts, transposes, slices and contiguous reshapes become index maps
 * (views) on the kernels' inputs instead of copies; matrix products and reductions are their own
 * kernels and read their operands where they lie. Anything else runs through the primitive's
 * reference implementation. The plan is backend-neutral: a backend compiles each step.
 */
import type { Eqn, Graph, Var } from "../ir/graph.js";
import { stridesOf } from "../ir/aval.js";
import { isFloat, type DType } from "../ir/dtype.js";
import type { Expr, UnaryOp, BinaryOp } from "../backend/kernels/elementwise.js";
import type { DotGeneralParams } from "../prims/dot.js";
import type { BroadcastParams, ReshapeParams, SliceParams, TransposeParams } from "../prims/structural.js";
import type { ReduceParams } from "../prims/reduce.js";

/** An index map onto a materialized buffer: element i of the view is base[offset + i·strides]. */
export interface View {
  readonly base: Var;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

export type Step =
  /** out = expr(inputs), elementwise over out's shape. */
  | { readonly kind: "fused"; readonly out: Var; readonly expr: Expr; readonly inputs: readonly View[] }
  /** out = the view, copied into its own buffer. */
  | { readonly kind: "copy"; readonly out: Var; readonly input: View }
  /** out = fold over `axes` of expr(inputs), evaluated over `shape` (the elementwise part is never stored). */
  | {
      readonly kind: "reduce";
      readonly out: Var;
      readonly op: ReduceOp;
      readonly expr: Expr;
      readonly inputs: readonly View[];
      readonly shape: readonly number[];
      readonly axes: readonly number[];
    }
  | { readonly kind: "dot"; readonly out: Var; readonly lhs: Var; readonly rhs: Var; readonly params: DotGeneralParams }
  /** Anything else: the primitive's reference implementation on materialized inputs. */
  | { readonly kind: "eqn"; readonly eqn: Eqn };

export type ReduceOp = "sum" | "max" | "min" | "prod";

export interface Plan {
  readonly graph: Graph;
  readonly steps: readonly Step[];
}

const UNARY: Record<string, UnaryOp | undefined> = {
  neg: "neg",
  exp: "exp",
  log: "log",
  sqrt: "sqrt",
  tanh: "tanh",
  sin: "sin",
  cos: "cos",
  abs: "abs",
  sign: "sign",
};
const BINARY: Record<string, BinaryOp | undefined> = {
  add: "add",
  sub: "sub",
  mul: "mul",
  div: "div",
  pow: "pow",
  max: "max",
  min: "min",
};
const COMPARE: Record<string, BinaryOp | undefined> = { lt: "lt", le: "le", gt: "gt", ge: "ge", eq: "eq", ne: "ne" };
const REDUCE: Record<string, ReduceOp | undefined> = { reduce_sum: "sum", reduce_max: "max", reduce_min: "min", reduce_prod: "prod" };

/** An expression under construction: leaves are views. */
type PExpr =
  | { readonly op: "leaf"; readonly view: View }
  | { readonly op: "const"; readonly value: number }
  | { readonly op: UnaryOp; readonly x: PExpr }
  | { readonly op: BinaryOp; readonly a: PExpr; readonly b: PExpr }
  | { readonly op: "where"; readonly cond: PExpr; readonly a: PExpr; readonly b: PExpr };

type State = { readonly k: "mat" } | { readonly k: "view"; readonly view: View } | { readonly k: "expr"; readonly expr: PExpr };

const contiguous = (v: Var): View => ({ base: v, shape: v.aval.shape, strides: stridesOf(v.aval.shape), offset: 0 });

/** True when the view reads its elements in row-major order from offset 0 (a reshape of its base). */
export function isContiguous(view: View): boolean {
  const st = stridesOf(view.shape);
  return view.offset === 0 && view.shape.every((d, i) => d === 1 || st[i] === view.strides[i]);
}

/** The view after a view-like primitive, or null when it needs a copy first. */
function applyView(e: Eqn, v: View): View | null {
  switch (e.prim.name) {
    case "broadcast_in_dim": {
      const { shape, dims } = e.params as BroadcastParams;
      const strides = shape.map(() => 0);
      dims.forEach((d, i) => {
        if (v.shape[i] !== 1) strides[d] = v.strides[i]!;
      });
      return { base: v.base, shape, strides, offset: v.offset };
    }
    case "transpose": {
      const { perm } = e.params as TransposeParams;
      return { base: v.base, shape: perm.map((p) => v.shape[p]!), strides: perm.map((p) => v.strides[p]!), offset: v.offset };
    }
    case "reshape": {
      if (!isContiguous(v)) return null;
      const { shape } = e.params as ReshapeParams;
      return { base: v.base, shape, strides: stridesOf(shape), offset: v.offset };
    }
    case "slice": {
      const { start, strides } = e.params as SliceParams;
      return {
        base: v.base,
        shape: e.out.aval.shape,
        strides: v.strides.map((s, i) => s * strides[i]!),
        offset: v.offset + start.reduce((acc, st, i) => acc + st * v.strides[i]!, 0),
      };
    }
    default:
      return null;
  }
}

const VIEW_PRIMS = new Set(["broadcast_in_dim", "transpose", "reshape", "slice"]);

/** Builds the plan for a graph. */
export function fuse(graph: Graph): Plan {
  const uses = new Map<Var, number>();
  const consumers = new Map<Var, Eqn[]>();
  const producer = new Map<Var, Eqn>();
  for (const e of graph.eqns) {
    producer.set(e.out, e);
    for (const v of e.inputs) {
      uses.set(v, (uses.get(v) ?? 0) + 1);
      const list = consumers.get(v);
      if (list) list.push(e);
      else consumers.set(v, [e]);
    }
  }
  for (const v of graph.outputs) uses.set(v, (uses.get(v) ?? 0) + 1);
  const singleUse = (v: Var) => uses.get(v) === 1 && !graph.outputs.includes(v);

  // scalar constants are inlined into expressions instead of being read as inputs
  const scalars = new Map<Var, number>();
  for (const c of graph.consts) {
    if (c.v.aval.shape.length !== 0 || !isFloat(c.v.aval.dtype)) continue;
    try {
      scalars.set(c.v, c.value.backend.toHostSync(c.value).data[0]!);
    } catch {
      // an asynchronous backend: read it as an input like any other
    }
  }
  const state = new Map<Var, State>();
  for (const v of [...graph.inputs, ...graph.captures, ...graph.consts.map((c) => c.v)]) state.set(v, { k: "mat" });
  const steps: Step[] = [];

  const materialize = (v: Var): void => {
    const s = state.get(v);
    if (!s) throw new Error("internal: fusion met an unbound variable");
    if (s.k === "mat") return;
    if (s.k === "view") steps.push({ kind: "copy", out: v, input: s.view });
    else {
      const { expr, inputs } = finishExpr(s.expr);
      steps.push({ kind: "fused", out: v, expr, inputs });
    }
    state.set(v, { k: "mat" });
  };
  const viewOf = (v: Var): View => {
    const s = state.get(v)!;
    if (s.k === "view") return s.view;
    materialize(v);
    return contiguous(v);
  };
  const exprOf = (v: Var): PExpr => {
    const s = state.get(v)!;
    if (s.k === "expr") return s.expr;
    const view = s.k === "view" ? s.view : contiguous(v);
    const c = scalars.get(view.base);
    if (c !== undefined) return { op: "const", value: c };
    return { op: "leaf", view };
  };

  // a comparison is fused only into the select that consumes it
  // (the kernel computes in the select's dtype, so the compared values must have that dtype too:
  // float64 operands compared inside a float32 kernel would be rounded first)
  const fusableCompare = (e: Eqn): boolean => {
    if (COMPARE[e.prim.name] === undefined || !singleUse(e.out)) return false;
    const sel = consumers.get(e.out)![0]!;
    return sel.prim.name === "select" && sel.inputs[0] === e.out && sameFloat(e.inputs, sel.out.aval.dtype);
  };

  const fusableElementwise = (e: Eqn): boolean => {
    const d = e.out.aval.dtype;
    const name = e.prim.name;
    if (COMPARE[name]) return fusableCompare(e);
    if (!isFloat(d)) return false;
    if (name === "select") {
      const p = e.inputs[0]!;
      const pe = producer.get(p);
      return pe !== undefined && fusableCompare(pe) && sameFloat(e.inputs.slice(1), d);
    }
    if (name === "convert_element_type") return e.inputs[0]!.aval.dtype === d;
    const known = UNARY[name] || BINARY[name] || name === "integer_pow" || name === "logistic" || name === "stop_gradient";
    return Boolean(known) && sameFloat(e.inputs, d);
  };

  for (const e of graph.eqns) {
    const name = e.prim.name;
    if (VIEW_PRIMS.has(name)) {
      const src = e.inputs[0]!;
      let v = applyView(e, viewOf(src));
      if (v === null) {
        materialize(src);
        // a view that could not be composed: copy it, then view the copy
        const sv = state.get(src)!;
        if (sv.k !== "mat") throw new Error("internal: fusion could not materialize");
        v = applyView(e, contiguous(src));
      }
      if (v === null) {
        steps.push({ kind: "eqn", eqn: e });
        state.set(e.out, { k: "mat" });
      } else state.set(e.out, { k: "view", view: v });
      continue;
    }
    if (fusableElementwise(e)) {
      const xs = e.inputs.map(exprOf);
      state.set(e.out, { k: "expr", expr: toExpr(e, xs) });
      if (!singleUse(e.out) && !COMPARE[name]) materialize(e.out);
      continue;
    }
    const red = REDUCE[name];
    if (red && isFloat(e.out.aval.dtype)) {
      // a single-use elementwise producer is evaluated inside the reduction's loop
      const src = e.inputs[0]!;
      const { expr, inputs } = finishExpr(exprOf(src));
      steps.push({ kind: "reduce", out: e.out, op: red, expr, inputs, shape: src.aval.shape, axes: (e.params as ReduceParams).axes });
      state.set(e.out, { k: "mat" });
      continue;
    }
    if (name === "dot_general" && isFloat(e.out.aval.dtype)) {
      e.inputs.forEach(materialize);
      steps.push({ kind: "dot", out: e.out, lhs: e.inputs[0]!, rhs: e.inputs[1]!, params: e.params as DotGeneralParams });
      state.set(e.out, { k: "mat" });
      continue;
    }
    e.inputs.forEach(materialize);
    steps.push({ kind: "eqn", eqn: e });
    state.set(e.out, { k: "mat" });
  }
  for (const v of graph.outputs) materialize(v);
  return { graph, steps };
}

function sameFloat(vs: readonly Var[], d: DType): boolean {
  return isFloat(d) && vs.every((v) => v.aval.dtype === d);
}

function toExpr(e: Eqn, xs: PExpr[]): PExpr {
  const name = e.prim.name;
  const u = UNARY[name];
  if (u) return { op: u, x: xs[0]! };
  const b = BINARY[name] ?? COMPARE[name];
  if (b) return { op: b, a: xs[0]!, b: xs[1]! };
  switch (name) {
    case "select":
      return { op: "where", cond: xs[0]!, a: xs[1]!, b: xs[2]! };
    case "convert_element_type":
    case "stop_gradient":
      return xs[0]!;
    case "logistic": {
      // 1 / (1 + exp(-x)): exp overflows to inf for very negative x and the result is then 0
      return { op: "div", a: { op: "const", value: 1 }, b: { op: "add", a: { op: "const", value: 1 }, b: { op: "exp", x: { op: "neg", x: xs[0]! } } } };
    }
    case "integer_pow":
      return powExpr(xs[0]!, (e.params as { y: number }).y);
  }
  throw new Error(`internal: no fused form for ${name}`);
}

/** x^n by repeated squaring; shared sub-trees are computed once by the kernels. */
function powExpr(x: PExpr, n: number): PExpr {
  if (n === 0) return { op: "const", value: 1 };
  if (n < 0) return { op: "div", a: { op: "const", value: 1 }, b: powExpr(x, -n) };
  if (n === 1) return x;
  const half = powExpr(x, Math.floor(n / 2));
  const sq: PExpr = { op: "mul", a: half, b: half };
  return n % 2 === 0 ? sq : { op: "mul", a: sq, b: x };
}

/** Replaces view leaves by numbered inputs (equal views share one input). */
function finishExpr(p: PExpr): { expr: Expr; inputs: View[] } {
  const inputs: View[] = [];
  const keys = new Map<string, number>();
  const memo = new Map<PExpr, Expr>();
  const go = (q: PExpr): Expr => {
    const hit = memo.get(q);
    if (hit) return hit;
    let r: Expr;
    switch (q.op) {
      case "leaf": {
        const v = q.view;
        const key = `${v.base.id}|${v.offset}|${v.strides.join(",")}|${v.shape.join(",")}`;
        let i = keys.get(key);
        if (i === undefined) {
          i = inputs.length;
          inputs.push(v);
          keys.set(key, i);
        }
        r = { op: "input", index: i };
        break;
      }
      case "const":
        r = q;
        break;
      case "where":
        r = { op: "where", cond: go(q.cond), a: go(q.a), b: go(q.b) };
        break;
      default:
        r = "x" in q ? { op: q.op, x: go(q.x) } : { op: q.op, a: go(q.a), b: go(q.b) };
    }
    memo.set(q, r);
    return r;
  };
  return { expr: go(p), inputs };
}
