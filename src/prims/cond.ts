/**
 * The cond primitive (jax's lax.cond / lax.switch): n closed branch graphs with the same formals
 * and the same output types; operands [selector, ...formals], the selector an int32 scalar
 * (clamped to [0, n-1] by the caller and again here). Like scan, a graph equation has one output,
 * so a cond with m outputs is m equations that differ only in `index`; their host step runs the
 * chosen branch once per program run (a memo keyed by the input arrays of that run) as its
 * compiled program on the default backend. Only that branch runs.
 *
 * Rules: jvp is a cond over the branches' jvp graphs, vjp a cond over their vjp graphs (the
 * selector gets no cotangent), vmap with an unbatched selector a cond over the vmapped branches;
 * with a batched selector every branch runs (vmapped) and the results are selected elementwise.
 * Branch graphs that come out of a transformation with captures get them as extra formals, so
 * every branch keeps the same formals.
 */
import type { AbstractValue } from "../ir/aval.js";
import type { BatchDim, Graph } from "../ir/graph.js";
import type { HostArray } from "../ir/host-array.js";
import { isFloat } from "../ir/dtype.js";
import { callGraph, deviceFromHost, runNow, traceFlat } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastInDim, full, zerosLike } from "./broadcast.js";
import { eq, select } from "./elementwise.js";
import { call } from "./call.js";
import { jvpOfGraph, vjpOfGraph, vmapOfGraph } from "./interpreters.js";
import { moveAxis } from "./structural.js";
import { apply, type Prim } from "./util.js";
import { sharedRun } from "./shared-run.js";

type T = AnyTensor;

export interface CondParams {
  /** the branches, all with the same formals (inputs, then captures) and output types */
  readonly branches: readonly Graph[];
  /** the output this equation stands for */
  readonly index: number;
  /** shown by the printer */
  readonly name: string;
}

/** Applies a cond: one tensor per branch output. */
export function condApply(selector: T, operands: readonly T[], p: Omit<CondParams, "index">): T[] {
  return p.branches[0]!.outputs.map((_, index) => apply(condP, [selector, ...operands], { ...p, index }));
}

const formalAvals = (g: Graph): AbstractValue[] => [...g.inputs, ...g.captures].map((v) => v.aval);

/**
 * Branch graphs with their own captured tensors made into graphs with one set of formals:
 * [the `n` shared formals, every branch's captured, in branch order]. Returns the graphs and the
 * extra operands.
 */
export function unifyBranches(bs: readonly { graph: Graph; captured: readonly T[] }[], n: number): { branches: Graph[]; extra: T[] } {
  if (bs.every((b) => b.captured.length === 0)) return { branches: bs.map((b) => b.graph), extra: [] };
  const extra = bs.flatMap((b) => b.captured);
  const shared = formalAvals(bs[0]!.graph).slice(0, n);
  const avals = [...shared, ...extra.map((t) => t.aval)];
  let off = n;
  const branches = bs.map((b) => {
    const start = off;
    off += b.captured.length;
    const t = traceFlat((ins) => callGraph(b.graph, [...ins.slice(0, n), ...ins.slice(start, start + b.captured.length)]), avals);
    if (t.captured.length > 0) throw new Error("internal: a cond branch still captures after unification");
    return t.graph;
  });
  return { branches, extra };
}

// ---------------------------------------------------------------- the host step

/** How many branch runs there have been (tests check that the outputs of one cond share one). */
export const condStats = { runs: 0 };

function runBranch(inputs: readonly HostArray[], branches: readonly Graph[]): HostArray[] {
  condStats.runs++;
  const k = Math.min(Math.max(Math.trunc(Number(inputs[0]!.data[0])), 0), branches.length - 1);
  const res = runNow(branches[k]!, inputs.slice(1).map(deviceFromHost));
  return res.map((d) => d.backend.toHostSync(d));
}

// ---------------------------------------------------------------- the primitive
export const condP: Prim<CondParams> = {
  name: "cond",
  abstractEval: (_ins, { branches, index }) => branches[0]!.outputs[index]!.aval,
  impl(inputs, p) {
    // sibling equations (one per output) share one branch run
    return sharedRun(inputs, p.branches.map((g) => g.id).join(","), p.index, () => runBranch(inputs, p.branches));
  },
  jvp(primals, tangents, p) {
    const [sel, ...ops] = primals;
    const nonzero = ops.map((x, i) => tangents[i + 1] !== null && isFloat(x.dtype));
    const js = p.branches.map((g) => jvpOfGraph(g, nonzero));
    const ts = ops.flatMap((x, i) => (nonzero[i] ? [tangents[i + 1] ?? zerosLike(x)] : []));
    const u = unifyBranches(js, ops.length + ts.length);
    const nOut = p.branches[0]!.outputs.length;
    return apply(condP, [sel!, ...ops, ...ts, ...u.extra], { branches: u.branches, index: nOut + p.index, name: `jvp(${p.name})` });
  },
  vjp(ct, primals, p, _out, wanted) {
    const [sel, ...ops] = primals;
    const w = ops.map((x, i) => wanted[i + 1]! && isFloat(x.dtype));
    if (!w.some((x) => x)) return primals.map(() => null);
    const vs = p.branches.map((g) => vjpOfGraph(g, p.index, w));
    const u = unifyBranches(vs, ops.length + 1);
    const args = [...ops, ct, ...u.extra];
    const rp = { branches: u.branches, name: `vjp(${p.name})` };
    let k = 0;
    return [null, ...w.map((x) => (x ? apply(condP, [sel!, ...args], { ...rp, index: k++ }) : null))];
  },
  batch(inputs, dims, p): [T, BatchDim] {
    const b = inputs[dims.findIndex((d) => d !== null)]!.shape[0]!;
    const sel = inputs[0]!;
    // the branches take batched operands at axis 0
    const ops = inputs.slice(1).map((x, i) => (dims[i + 1] ? moveAxis(x, dims[i + 1]!, 0) : x));
    const opDims = dims.slice(1).map((d) => (d === null ? null : 0));
    const ms = p.branches.map((g) => vmapOfGraph(g, opDims, b));
    if (dims[0] === null) {
      const u = unifyBranches(ms, ops.length);
      return [apply(condP, [sel, ...ops, ...u.extra], { branches: u.branches, index: p.index, name: `vmap(${p.name})` }), 0];
    }
    // a batched selector: every branch runs, and each example takes its branch's result (as jax)
    const outs = ms.map((m) => call(m.graph, [...ops, ...m.captured], `vmap(${p.name})`)[p.index]!);
    const shape = outs[0]!.shape;
    const s = broadcastInDim(sel, shape, [0]);
    let r = outs[0]!;
    for (let k = 1; k < outs.length; k++) r = select(eq(s, full(shape, k, "int32")), outs[k]!, r);
    return [r, 0];
  },
  showParams: (p) => `name=${p.name} out=${p.index} branches=[${p.branches.map((g) => indent(g.toString())).join(",\n      ")}]`,
};

const indent = (s: string) => s.replace(/\n/g, "\n      ");
