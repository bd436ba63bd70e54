/**
 * The while primitive (jax's lax.while_loop): two closed graphs, `cond` (carry, consts -> a bool
 * scalar) and `body` (carry, consts -> carry), run until cond is false. The operands are the n
 * carries (their initial values) then constants; `condArgs`/`bodyArgs` pick each graph's formals
 * from the operands (the carries are always operands 0 … n-1, in order). As with scan, one
 * equation per carry (`index`), and their host step runs the loop once per program run (a memo).
 *
 * jvp: a while loop over (carry, tangent) with the body's jvp graph, cond reading the primal.
 * vjp: an error, as JAX (the trip count is not known when the loop is traced).
 * vmap: an unbatched predicate loops the vmapped body; a batched one runs while any lane's cond
 * holds and updates only the lanes whose cond holds (a select), as JAX's batched while.
 */
import { Graph, type BatchDim, type Var } from "../ir/graph.js";
import { HostArray } from "../ir/host-array.js";
import type { DeviceArray } from "../ir/device.js";
import { deviceFromHost, runNow, traceFlat, type Traced } from "../ir/trace.js";
import { isFloat } from "../ir/dtype.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastInDim, broadcastLeading, scalar, zerosLike } from "./broadcast.js";
import { convert, gt, select } from "./elementwise.js";
import { jvpOfGraph, vmapGraph } from "./interpreters.js";
import { reduceMax } from "./reduce.js";
import { apply, type Prim } from "./util.js";
import { derivedGraph, sharedRun } from "./shared-run.js";

type T = AnyTensor;

export interface WhileParams {
  readonly cond: Graph;
  readonly body: Graph;
  /** the number of carries (operands 0 … n-1) */
  readonly n: number;
  /** the operand index of each formal of cond / body */
  readonly condArgs: readonly number[];
  readonly bodyArgs: readonly number[];
  /** the carry this equation stands for */
  readonly index: number;
  readonly name: string;
}

/** Applies a while loop: the final carries. */
export function whileApply(operands: readonly T[], p: Omit<WhileParams, "index">): T[] {
  return Array.from({ length: p.n }, (_, index) => apply(whileP, operands, { ...p, index }));
}

export const REVERSE_WHILE_MESSAGE =
  "whileLoop: Reverse-mode differentiation does not work for lax.while_loop (the number of steps is not known when it is traced); use lax.scan, or lax.foriLoop with static (number) bounds";

// ---------------------------------------------------------------- the loop
/** What a while loop computes, without the output index (its sibling equations share one loop). */
const runKey = (p: WhileParams) => `${p.cond.id}|${p.body.id}|${p.n}|${p.condArgs.join()}|${p.bodyArgs.join()}`;

/** How many loops have run (tests check that the carries of one loop share one). */
export const whileStats = { loops: 0 };

function runLoop(inputs: readonly HostArray[], p: WhileParams): HostArray[] {
  whileStats.loops++;
  // both graphs run as compiled programs on the default backend; the carry stays there between steps
  const ops: DeviceArray[] = inputs.map((h) => deviceFromHost(h));
  const pick = (idx: readonly number[]) => idx.map((i) => ops[i]!);
  for (;;) {
    const r = runNow(p.cond, pick(p.condArgs))[0]!;
    if (!r.backend.toHostSync(r).data[0]) break;
    runNow(p.body, pick(p.bodyArgs)).forEach((c, i) => (ops[i] = c));
  }
  return ops.slice(0, p.n).map((d) => d.backend.toHostSync(d));
}

// ---------------------------------------------------------------- transformed graphs

/** Which outputs of g depend on a batched formal (an equation none of whose inputs is batched stays unbatched). */
function batchedOutputs(g: Graph, formals: readonly boolean[]): boolean[] {
  const b = new Set<Var>();
  [...g.inputs, ...g.captures].forEach((v, i) => formals[i] && b.add(v));
  for (const e of g.eqns) if (e.inputs.some((v) => b.has(v))) b.add(e.out);
  return g.outputs.map((v) => b.has(v));
}

/** The operands batched where `on` (broadcast where they were not). */
const batchTo = (x: T, d: BatchDim, on: boolean, b: number) => (on && d === null ? broadcastLeading(x, b) : x);

// ---------------------------------------------------------------- the primitive
export const whileP: Prim<WhileParams> = {
  name: "while",
  abstractEval(_ins, { body, index }) {
    return body.outputs[index]!.aval;
  },
  impl(inputs, p) {
    return sharedRun(inputs, runKey(p), p.index, () => runLoop(inputs, p));
  },
  jvp(primals, tangents, p) {
    const { n } = p;
    // every carry gets a tangent; a constant one where it has a nonzero float tangent
    const nz = primals.map((x, i) => i < n || (tangents[i] !== null && isFloat(x.dtype)));
    const bodyNz = p.bodyArgs.map((i) => nz[i]!);
    const j = jvpOfGraph(p.body, bodyNz);
    // new operands: [carries, carry tangents, constants, constant tangents, captures]
    const constTan = primals.flatMap((_, i) => (i >= n && nz[i] ? [i] : []));
    const shift = (i: number) => (i < n ? i : i + n);
    const tanAt = (i: number) => (i < n ? n + i : 2 * n + (primals.length - n) + constTan.indexOf(i));
    const base = primals.length + n + constTan.length;
    const operands = [
      ...primals.slice(0, n),
      ...primals.slice(0, n).map((x, i) => tangents[i] ?? zerosLike(x)),
      ...primals.slice(n),
      ...constTan.map((i) => tangents[i]!),
      ...j.captured,
    ];
    const bodyArgs = [...p.bodyArgs.map(shift), ...p.bodyArgs.filter((i) => nz[i]).map(tanAt), ...j.captured.map((_, k) => base + k)];
    const q = { cond: p.cond, body: j.graph, n: 2 * n, condArgs: p.condArgs.map(shift), bodyArgs, index: n + p.index, name: `jvp(${p.name})` };
    return apply(whileP, operands, q);
  },
  vjp() {
    throw new Error(REVERSE_WHILE_MESSAGE);
  },
  batch(inputs, dims, p): [T, BatchDim] {
    const { n } = p;
    const b = inputs[dims.findIndex((d) => d !== null)]!.shape[0]!;
    const opB = dims.map((d) => d !== null);
    // the batched carries: those batched in, and those the body makes batched (to a fixed point)
    for (let changed = true; changed; ) {
      changed = false;
      batchedOutputs(p.body, p.bodyArgs.map((i) => opB[i]!)).forEach((o, i) => o && !opB[i] && (opB[i] = changed = true));
    }
    const predB = batchedOutputs(p.cond, p.condArgs.map((i) => opB[i]!))[0]!;
    if (predB) for (let i = 0; i < n; i++) opB[i] = true;
    const ops = inputs.map((x, i) => batchTo(x, dims[i] ?? null, opB[i]!, b));
    const avals = ops.map((x) => x.aval);
    const dimsOf = (idx: readonly number[]) => idx.map((i) => (opB[i] ? 0 : null));
    const key = `vmap|${p.cond.id}|${b}|${opB.map(Number).join("")}|${p.condArgs.join()}|${p.bodyArgs.join()}`;
    const stepOf = (ins: readonly T[]) => {
      const [outs, ods] = vmapGraph(p.body, p.bodyArgs.map((i) => ins[i]!), dimsOf(p.bodyArgs));
      return outs.map((o, i) => batchTo(o, ods[i] ?? null, opB[i]!, b));
    };
    const predOf = (ins: readonly T[]) => vmapGraph(p.cond, p.condArgs.map((i) => ins[i]!), dimsOf(p.condArgs))[0][0]!;
    const all = avals.map((_, i) => i);
    let cond: Traced, body: Traced;
    if (!predB) {
      cond = derivedGraph(p.body, `${key}|cond`, () => traceFlat((ins) => [predOf(ins as T[])], avals));
      body = derivedGraph(p.body, `${key}|body`, () => traceFlat((ins) => stepOf(ins as T[]), avals));
    } else {
      // run while any lane's cond holds (any = max over float32 0/1, which gpu.js runs exactly); a finished lane keeps its carry
      cond = derivedGraph(p.body, `${key}|anycond`, () => traceFlat((ins) => [gt(reduceMax(convert(predOf(ins as T[]), "float32"), [0]), scalar(0, "float32"))], avals));
      body = derivedGraph(p.body, `${key}|masked`, () =>
        traceFlat((insV) => {
          const ins = insV as T[];
          const pred = predOf(ins);
          return stepOf(ins).map((o, i) => select(broadcastInDim(pred, o.shape, [0]), o, ins[i]!));
        }, avals),
      );
    }
    const operands = [...ops, ...(cond.captured as T[]), ...(body.captured as T[])];
    const capIdx = (t: Traced, at: number) => t.captured.map((_, k) => at + k);
    const q = {
      cond: cond.graph,
      body: body.graph,
      n,
      condArgs: [...all, ...capIdx(cond, ops.length)],
      bodyArgs: [...all, ...capIdx(body, ops.length + cond.captured.length)],
      index: p.index,
      name: `vmap(${p.name})`,
    };
    return [apply(whileP, operands, q), opB[p.index] ? 0 : null];
  },
  showParams: (p) =>
    `carries=${p.n} out=${p.index} cond=[${p.condArgs.join(",")}] body=[${p.bodyArgs.join(",")}] name=${p.name} cond=${indent(p.cond.toString())} body=${indent(p.body.toString())}`,
};

const indent = (s: string) => s.replace(/\n/g, "\n      ");
