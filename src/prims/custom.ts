/**
 * Custom derivatives and rematerialisation, as graph-carrying primitives like the call primitive
 * (prims/call.ts): each equation holds the traced function's graph (and its rules, traced into
 * graphs at the call by transforms/custom.ts) and which output it stands for. The compiler inlines
 * the primal graph (`subgraph`); the transformations use the rules instead of the graph.
 *
 * Input layout of an equation: the function's explicit inputs (`n` leaves), the values its graph
 * closed over (up to `nPrimal`), then the values the rule graphs closed over.
 */
import { isFloat } from "../ir/dtype.js";
import type { BatchDim, Graph } from "../ir/graph.js";
import type { AbstractValue } from "../ir/aval.js";
import type { HostArray } from "../ir/host-array.js";
import { evalGraphHost } from "../ir/interpret.js";
import { traceFlat } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { callP } from "./call.js";
import { broadcastLeading, full, reduceSum, zerosLike } from "./broadcast.js";
import { add } from "./elementwise.js";
import { jvpOfGraph, vjpGraph, vjpOfGraph, vmapGraph, vmapOfGraph } from "./interpreters.js";
import { apply, type Prim } from "./util.js";

type T = AnyTensor;

interface GraphParams {
  /** the primal graph: formals are the equation's first `nPrimal` inputs */
  readonly graph: Graph;
  /** the output of `graph` this equation stands for */
  readonly index: number;
  readonly name: string;
}

const formalsOf = (g: Graph) => [...g.inputs, ...g.captures];
const hostEval = (g: Graph, inputs: readonly HostArray[], index: number) =>
  evalGraphHost(g, [...inputs.slice(0, formalsOf(g).length), ...g.consts.map((c) => c.value.backend.toHostSync(c.value))])[index]!;
const zerosOf = (a: AbstractValue): T => full(a.shape, 0, a.dtype);
const sizeOfBatch = (inputs: readonly T[], dims: readonly BatchDim[]) => inputs[dims.findIndex((d) => d !== null)]!.shape[0]!;
const addOrNull = (a: T | null, b: T | null): T | null => (a === null ? b : b === null ? a : add(a, b));

/**
 * A graph mapped over a leading axis of size b, with every output batched at 0 or, where
 * `batchedOut[i]` is false, summed over the batch (the cotangent of an unbatched input).
 */
function vmapGraphTo(g: Graph, dims: readonly BatchDim[], b: number, batchedOut: readonly boolean[]) {
  const avals = formalsOf(g).map((v, i) => (dims[i] === null ? v.aval : { shape: [b, ...v.aval.shape], dtype: v.aval.dtype }));
  const t = traceFlat((ins) => {
    const [outs, ods] = vmapGraph(g, ins as T[], dims);
    return outs.map((o, i) => {
      if (!batchedOut[i]) return ods[i] === null ? o : reduceSum(o, [0]);
      return ods[i] === null ? broadcastLeading(o, b) : o;
    });
  }, avals);
  return { graph: t.graph, captured: t.captured as readonly T[] };
}

// ---------------------------------------------------------------- customJvp

export interface CustomJvpParams extends GraphParams {
  /** the rule: (primals, tangents of the float explicit inputs, its captures) -> (primal outputs, tangent outputs) */
  readonly rule: Graph;
  readonly n: number;
  readonly nPrimal: number;
}

/** The explicit inputs that have tangents (the float ones), in order. */
const tangentSlots = (p: { graph: Graph; n: number }) =>
  formalsOf(p.graph)
    .slice(0, p.n)
    .flatMap((v, i) => (isFloat(v.aval.dtype) ? [i] : []));

export const customJvpP: Prim<CustomJvpParams> = {
  name: "custom_jvp_call",
  abstractEval: (_ins, { graph, index }) => graph.outputs[index]!.aval,
  impl: (inputs, { graph, index }) => hostEval(graph, inputs, index),
  jvp(primals, tangents, p, out) {
    if (!isFloat(out.dtype)) return null;
    const k = p.graph.outputs.length;
    const slots = tangentSlots(p);
    let t: T | null = null;
    if (slots.some((i) => tangents[i] !== null)) {
      // the rule's tangent output; absent tangents are zeros, as JAX instantiates them
      const ts = slots.map((i) => tangents[i] ?? zerosLike(primals[i]!));
      const args = [...primals.slice(0, p.n), ...ts, ...primals.slice(p.nPrimal)];
      t = apply(callP, args, { graph: p.rule, index: k + p.index, name: `jvp(${p.name})` });
    }
    // values f closed over get their tangents by differentiating f itself (the rule does not see them)
    const nonzero = formalsOf(p.graph).map((v, i) => i >= p.n && tangents[i] !== null && isFloat(v.aval.dtype));
    if (nonzero.some((x) => x)) {
      const j = jvpOfGraph(p.graph, nonzero);
      const args = [...primals.slice(0, p.nPrimal), ...tangents.slice(0, p.nPrimal).filter((_, i) => nonzero[i]).map((x) => x!), ...j.captured];
      t = addOrNull(t, apply(callP, args, { graph: j.graph, index: k + p.index, name: `jvp(${p.name})` }));
    }
    return t;
  },
  vjp(ct, primals, p, _out, wanted) {
    const slots = tangentSlots(p);
    const res: (T | null)[] = primals.map(() => null);
    // reverse mode transposes the rule's tangent output, which is linear in the tangents: the vjp
    // of the rule with respect to its tangent inputs, at zero tangents
    const w = slots.map((i) => wanted[i]!);
    if (w.some((x) => x)) {
      const nf = p.n + slots.length;
      const mask = formalsOf(p.rule).map((_, i) => i >= p.n && i < nf && w[i - p.n]!);
      const v = vjpOfGraph(p.rule, p.graph.outputs.length + p.index, mask);
      const args = [...primals.slice(0, p.n), ...slots.map((i) => zerosLike(primals[i]!)), ...primals.slice(p.nPrimal), ct, ...v.captured];
      let q = 0;
      slots.forEach((i, s) => {
        if (w[s]) res[i] = apply(callP, args, { graph: v.graph, index: q++, name: `vjp(${p.name})` });
      });
    }
    const cw = formalsOf(p.graph).map((v, i) => i >= p.n && wanted[i]! && isFloat(v.aval.dtype));
    if (cw.some((x) => x)) {
      const v = vjpOfGraph(p.graph, p.index, cw);
      const args = [...primals.slice(0, p.nPrimal), ct, ...v.captured];
      let q = 0;
      cw.forEach((x, i) => {
        if (x) res[i] = apply(callP, args, { graph: v.graph, index: q++, name: `vjp(${p.name})` });
      });
    }
    return res;
  },
  batch(inputs, dims, p): [T, BatchDim] {
    // JAX batches the function and its rule alike
    const b = sizeOfBatch(inputs, dims);
    const g = vmapOfGraph(p.graph, dims.slice(0, p.nPrimal), b);
    const slots = tangentSlots(p);
    const r = vmapOfGraph(p.rule, [...dims.slice(0, p.n), ...slots.map((i) => dims[i]!), ...dims.slice(p.nPrimal)], b);
    const args = [...inputs.slice(0, p.nPrimal), ...g.captured, ...inputs.slice(p.nPrimal), ...r.captured];
    const params: CustomJvpParams = { ...p, graph: g.graph, rule: r.graph, nPrimal: p.nPrimal + g.captured.length, name: `vmap(${p.name})` };
    return [apply(customJvpP, args, params), 0];
  },
  // Taylor mode (jet, the forward Laplacian) expands the function itself, not its jvp rule: JAX's
  // jet drops the rule and runs the function (JetTrace.process_custom_jvp_call)
  jet: "expand",
  subgraph: (p) => ({ graph: p.graph, output: p.index }),
  customRules: true,
  showParams: (p) => `name=${p.name} out=${p.index} eqns=${p.graph.eqns.length} jvp_eqns=${p.rule.eqns.length}`,
};

// ---------------------------------------------------------------- customVjp

export interface CustomVjpParams extends GraphParams {
  /** fwd then bwd: (primals, one cotangent per output, its captures) -> one cotangent per explicit input */
  readonly bwd: Graph;
  readonly n: number;
  readonly nPrimal: number;
}

export const customVjpP: Prim<CustomVjpParams> = {
  name: "custom_vjp_call",
  abstractEval: (_ins, { graph, index }) => graph.outputs[index]!.aval,
  impl: (inputs, { graph, index }) => hostEval(graph, inputs, index),
  jvp(_primals, _tangents, p) {
    throw new Error(`customVjp: can't apply forward-mode autodiff (jvp) to a customVjp function (${p.name}), as JAX's custom_vjp; use customJvp for forward mode`);
  },
  vjp(ct, primals, p, _out, wanted) {
    if (wanted.slice(p.n, p.nPrimal).some((x) => x)) {
      throw new Error(
        `customVjp: ${p.name} closes over a traced value that is being differentiated, and bwd returns no cotangent for it; pass the value as an argument (JAX: closure_convert)`,
      );
    }
    // the other outputs' cotangents are zeros here: each output's equation pulls back its own
    const cts = p.graph.outputs.map((v, i) => (i === p.index ? ct : zerosOf(v.aval)));
    const args = [...primals.slice(0, p.n), ...cts, ...primals.slice(p.nPrimal)];
    return primals.map((x, i) => (i < p.n && wanted[i] && isFloat(x.dtype) ? apply(callP, args, { graph: p.bwd, index: i, name: `bwd(${p.name})` }) : null));
  },
  batch(inputs, dims, p): [T, BatchDim] {
    const b = sizeOfBatch(inputs, dims);
    const g = vmapOfGraph(p.graph, dims.slice(0, p.nPrimal), b);
    const k = p.graph.outputs.length;
    // every output of the batched function is batched, so are their cotangents; an unbatched
    // input's cotangent is the sum of the per-example ones
    const bw = vmapGraphTo(p.bwd, [...dims.slice(0, p.n), ...Array.from({ length: k }, () => 0), ...dims.slice(p.nPrimal)], b, dims.slice(0, p.n).map((d) => d !== null));
    const args = [...inputs.slice(0, p.nPrimal), ...g.captured, ...inputs.slice(p.nPrimal), ...bw.captured];
    const params: CustomVjpParams = { ...p, graph: g.graph, bwd: bw.graph, nPrimal: p.nPrimal + g.captured.length, name: `vmap(${p.name})` };
    return [apply(customVjpP, args, params), 0];
  },
  // Taylor mode expands the function itself, its custom reverse rule aside (as JAX's jet)
  jet: "expand",
  subgraph: (p) => ({ graph: p.graph, output: p.index }),
  customRules: true,
  showParams: (p) => `name=${p.name} out=${p.index} eqns=${p.graph.eqns.length} bwd_eqns=${p.bwd.eqns.length}`,
};

// ---------------------------------------------------------------- checkpoint (remat)

/**
 * The identity, opaque to the optimiser: the recomputation in a checkpoint's backward pass reads
 * its inputs through it, so CSE cannot merge that recomputation with the forward pass (JAX's
 * optimization_barrier). It lowers to a plain elementwise copy, so it fuses like any other op.
 */
export const optimizationBarrierP: Prim = {
  name: "optimization_barrier",
  jet: "linear",
  abstractEval: ([x]) => x!,
  impl: ([x]) => x!,
  jvp: (_x, [t]) => t ?? null,
  vjp: (ct) => [ct],
  batch: ([x], [d]) => [optimizationBarrier(x!), d!],
  lower: { kind: "elementwise", expr: ([a]) => a! },
};
export const optimizationBarrier = (x: T): T => apply(optimizationBarrierP, [x], {});

const rematVjps = new WeakMap<Graph, Map<string, { graph: Graph; captured: readonly T[] }>>();

/**
 * A checkpoint's backward pass as a graph: (primals, cotangent of output `index`) -> cotangents
 * of the wanted inputs, recomputing the forward pass from the primals behind a barrier. Its only
 * residuals are the primals.
 */
function rematVjpGraph(g: Graph, index: number, wanted: readonly boolean[]) {
  let m = rematVjps.get(g);
  if (!m) rematVjps.set(g, (m = new Map()));
  const key = `${index}|${wanted.map(Number).join("")}`;
  let r = m.get(key);
  if (!r || r.captured.length > 0) {
    const formals = formalsOf(g);
    const t = traceFlat((ins) => {
      const xs = (ins.slice(0, formals.length) as T[]).map(optimizationBarrier);
      const lin = vjpGraph(g, xs, wanted);
      const cts = g.outputs.map((_, i) => (i === index ? (ins[formals.length] as T) : null));
      return lin.backward(cts).flatMap((c, i) => (wanted[i] ? [c ?? zerosLike(xs[i]!)] : []));
    }, [...formals.map((v) => v.aval), g.outputs[index]!.aval]);
    m.set(key, (r = { graph: t.graph, captured: t.captured as readonly T[] }));
  }
  return r;
}

export const rematP: Prim<GraphParams> = {
  name: "checkpoint",
  abstractEval: (_ins, { graph, index }) => graph.outputs[index]!.aval,
  impl: (inputs, { graph, index }) => hostEval(graph, inputs, index),
  jvp(primals, tangents, { graph, index, name }) {
    // the jvp of a checkpoint is checkpointed too (a later reverse pass over it still recomputes)
    const nonzero = tangents.map((t, i) => t !== null && isFloat(primals[i]!.dtype));
    const j = jvpOfGraph(graph, nonzero);
    const args = [...primals, ...tangents.filter((_, i) => nonzero[i]).map((t) => t!), ...j.captured];
    return apply(rematP, args, { graph: j.graph, index: graph.outputs.length + index, name: `jvp(${name})` });
  },
  vjp(ct, primals, { graph, index, name }, _out, wanted) {
    const w = wanted.map((x, i) => x && isFloat(primals[i]!.dtype));
    const v = rematVjpGraph(graph, index, w);
    const args = [...primals, ct, ...v.captured];
    let k = 0;
    return w.map((x) => (x ? apply(callP, args, { graph: v.graph, index: k++, name: `remat_vjp(${name})` }) : null));
  },
  batch(inputs, dims, { graph, index, name }): [T, BatchDim] {
    const m = vmapOfGraph(graph, dims, sizeOfBatch(inputs, dims));
    return [apply(rematP, [...inputs, ...m.captured], { graph: m.graph, index, name: `vmap(${name})` }), 0];
  },
  subgraph: (p) => ({ graph: p.graph, output: p.index }),
  customRules: true,
  showParams: (p) => `name=${p.name} out=${p.index} eqns=${p.graph.eqns.length}`,
};
