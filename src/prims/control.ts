/**
 * The scan primitive (jax's lax.scan): a closed body graph run `length` times, threading a carry
 * and slicing / stacking along a leading axis. Like the call primitive, a graph equation has one
 * output, so a scan with n outputs is n equations with the same params except `index`; their
 * host step runs the loop once per program run (a memo keyed by the input arrays of that run).
 *
 * The body's formals (its inputs, then its captures) are the scan's operands, each with a role:
 * "c" a carry (its initial value), "x" a stacked input (sliced per step), "k" a constant (passed
 * whole to every step). Its outputs are "c" (the i-th "c" output feeds the i-th "c" input) or
 * "y" (stacked on a new leading axis). The rules transform the body into a body:
 * jvp scans jvpOfGraph(body); vmap scans vmapOfGraph(body) with the batch axis of xs and ys at 1;
 * vjp runs a forward scan that also stacks each step's input carry, then a reverse scan whose body
 * recomputes that step from the saved carry and pulls (ct carry, ct y) back through it
 * (checkpointing per step: memory O(length · carry)), accumulating the constants' cotangents.
 * Those are scans too, so derivatives of any order follow by the same rules.
 */
import type { AbstractValue } from "../ir/aval.js";
import { sizeOf } from "../ir/aval.js";
import { isFloat } from "../ir/dtype.js";
import { Graph, type BatchDim } from "../ir/graph.js";
import { HostArray } from "../ir/host-array.js";
import type { DeviceArray } from "../ir/device.js";
import { deviceFromHost, runNow, traceFlat } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading, full, zerosLike } from "./broadcast.js";
import { add } from "./elementwise.js";
import { jvpOfGraph, vjpGraph, vmapOfGraph } from "./interpreters.js";
import { moveAxis } from "./structural.js";
import { apply, type Prim } from "./util.js";
import { derivedGraph, sharedRun } from "./shared-run.js";

type T = AnyTensor;
export type ScanRole = "c" | "x" | "k";

export interface ScanParams {
  readonly body: Graph;
  /** the role of each operand (= each formal of the body) */
  readonly roles: readonly ScanRole[];
  /** the role of each body output */
  readonly outs: readonly ("c" | "y")[];
  /** the output this equation stands for */
  readonly index: number;
  readonly length: number;
  readonly reverse: boolean;
  /** shown by the printer */
  readonly name: string;
  /**
   * Set on reverse-mode scans: the operands every output is jointly linear in (the cotangent
   * seeds). Two such scans that differ only there can be added as one (compile/merge-scans.ts).
   */
  readonly linear?: readonly boolean[];
}

/** Applies a scan: one tensor per body output (final carries and stacked ys, in the body's order). */
export function scanApply(operands: readonly T[], p: Omit<ScanParams, "index">): T[] {
  return p.outs.map((_, index) => apply(scanP, operands, { ...p, index }));
}

const stackedAval = (a: AbstractValue, n: number): AbstractValue => ({ shape: [n, ...a.shape], dtype: a.dtype });

// ---------------------------------------------------------------- the loop
/** The outputs of the last run, keyed by its first operand: sibling equations share one loop. */
/** What a scan computes, without the output index (its sibling equations share one loop). */
const runKey = (p: ScanParams) => `${p.body.id}|${p.length}|${p.reverse}|${p.roles.join("")}|${p.outs.join("")}`;

/** How many loops have run (tests check that the outputs of one scan share one). */
export const scanStats = { loops: 0 };

function runLoop(inputs: readonly HostArray[], p: ScanParams): HostArray[] {
  scanStats.loops++;
  const { body, roles, outs, length } = p;
  // the body runs as its compiled program on the default backend; the carry stays there between steps
  // (run directly, not through callGraph: constant folding may evaluate a scan inside a trace)
  let carry: DeviceArray[] = [];
  const consts = new Map<number, DeviceArray>();
  roles.forEach((r, i) => {
    if (r === "c") carry.push(deviceFromHost(inputs[i]!));
    else if (r === "k") consts.set(i, deviceFromHost(inputs[i]!));
  });
  const ys = body.outputs.map((v, i) => (outs[i] === "y" ? HostArray.zeros(stackedAval(v.aval, length)) : null));
  for (let s = 0; s < length; s++) {
    const t = p.reverse ? length - 1 - s : s;
    let c = 0;
    const args = roles.map((r, i) => {
      if (r === "c") return carry[c++]!;
      if (r === "k") return consts.get(i)!;
      const x = inputs[i]!;
      const n = sizeOf(x.shape) / x.shape[0]!;
      return deviceFromHost(new HostArray(x.data.subarray(t * n, (t + 1) * n), x.shape.slice(1), x.dtype));
    });
    const res = runNow(body, args);
    carry = res.filter((_, i) => outs[i] === "c");
    res.forEach((r, i) => {
      const y = ys[i];
      if (!y) return;
      const h = r.backend.toHostSync(r);
      y.data.set(h.data as never, t * h.data.length);
    });
  }
  let c = 0;
  const hostCarry = carry.map((d) => d.backend.toHostSync(d));
  const initCarry = inputs.filter((_, i) => roles[i] === "c");
  return body.outputs.map((_, i) => ys[i] ?? (length === 0 ? initCarry[c++]! : hostCarry[c++]!));
}

// ---------------------------------------------------------------- transformed bodies
const formalsOf = (g: Graph) => [...g.inputs, ...g.captures];
const rolesKey = (p: ScanParams) => `${p.roles.join("")}:${p.outs.join("")}`;

/**
 * The body with each step's input carries as extra "y" outputs (the residuals of reverse mode);
 * its first outputs are the body's own, which compile/merge-scans.ts relies on.
 */
export const withResiduals = (p: ScanParams): Graph =>
  derivedGraph(p.body, `res|${rolesKey(p)}`, () => {
    const carries = formalsOf(p.body).filter((_, i) => p.roles[i] === "c");
    return { graph: new Graph(p.body.inputs, p.body.captures, p.body.consts, p.body.eqns, [...p.body.outputs, ...carries]), captured: [] };
  }).graph;

/**
 * One reverse step: formals [ct of each float carry ("c"), accumulated ct of each wanted float
 * constant ("c"), the saved input carry of every carry ("x"), every x ("x"), ct of each float y
 * ("x"), every constant ("k")]; outputs [ct of the float carries, the accumulators, ct of each
 * wanted float x ("y")].
 */
function reverseBody(p: ScanParams, wanted: readonly boolean[]) {
  const { body, roles, outs } = p;
  const formals = formalsOf(body);
  const fl = formals.map((v) => isFloat(v.aval.dtype));
  const idx = (f: (r: ScanRole, i: number) => boolean) => roles.flatMap((r, i) => (f(r, i) ? [i] : []));
  const fc = idx((r, i) => r === "c" && fl[i]!);
  const wk = idx((r, i) => r === "k" && fl[i]! && wanted[i]!);
  const wx = idx((r, i) => r === "x" && fl[i]! && wanted[i]!);
  const allC = idx((r) => r === "c");
  const allX = idx((r) => r === "x");
  const allK = idx((r) => r === "k");
  const fy = outs.flatMap((r, i) => (r === "y" && isFloat(body.outputs[i]!.aval.dtype) ? [i] : []));
  const key = `rev|${rolesKey(p)}|${wanted.map(Number).join("")}`;
  const t = derivedGraph(body, key, () => {
    const av = (i: number) => formals[i]!.aval;
    const avals = [...fc.map(av), ...wk.map(av), ...allC.map(av), ...allX.map(av), ...fy.map((i) => body.outputs[i]!.aval), ...allK.map(av)];
    return traceFlat((insV) => {
      const ins = insV as T[];
      let o = 0;
      const take = (n: number) => ins.slice(o, (o += n));
      const [ctc, acc, savedC, xs, cty, ks] = [take(fc.length), take(wk.length), take(allC.length), take(allX.length), take(fy.length), take(allK.length)];
      const args: T[] = [];
      allC.forEach((i, j) => (args[i] = savedC[j]!));
      allX.forEach((i, j) => (args[i] = xs[j]!));
      allK.forEach((i, j) => (args[i] = ks[j]!));
      const lin = vjpGraph(body, args, formals.map((_, i) => fl[i]! && (roles[i] === "c" || wanted[i]!)));
      // the ct of the carry outputs, in carry order
      let c = 0;
      const cts = outs.map((r, i) => {
        if (r === "c") {
          const ci = allC[c++]!;
          const j = fc.indexOf(ci);
          return j < 0 ? null : ctc[j]!;
        }
        const j = fy.indexOf(i);
        return j < 0 ? null : cty[j]!;
      });
      const g = lin.backward(cts);
      return [
        ...fc.map((i) => g[i] ?? zerosLike(args[i]!)),
        ...wk.map((i, j) => (g[i] ? add(acc[j]!, g[i]!) : acc[j]!)),
        ...wx.map((i) => g[i] ?? zerosLike(args[i]!)),
      ];
    }, avals);
  });
  const outRoles = [...fc.map(() => "c" as const), ...wk.map(() => "c" as const), ...wx.map(() => "y" as const)];
  return { graph: t.graph, captured: t.captured as readonly T[], fc, wk, wx, allC, allX, allK, fy, outRoles };
}

// ---------------------------------------------------------------- the primitive
export const scanP: Prim<ScanParams> = {
  name: "scan",
  abstractEval(_ins, { body, outs, index, length }) {
    const a = body.outputs[index]!.aval;
    return outs[index] === "c" ? a : stackedAval(a, length);
  },
  impl(inputs, p) {
    return sharedRun(inputs, runKey(p), p.index, () => runLoop(inputs, p));
  },
  jvp(primals, tangents, p) {
    // every carry gets a tangent (a zero one becomes nonzero after a step that reads a nonzero x)
    const nonzero = p.roles.map((r, i) => r === "c" || (tangents[i] !== null && isFloat(primals[i]!.dtype)));
    const j = jvpOfGraph(p.body, nonzero);
    const ts = primals.flatMap((x, i) => (nonzero[i] ? [tangents[i] ?? zerosLike(x)] : []));
    const roles = [...p.roles, ...p.roles.filter((_, i) => nonzero[i]), ...j.captured.map(() => "k" as const)];
    const outs = [...p.outs, ...p.outs];
    const index = p.outs.length + p.index;
    const { linear: _linear, ...rest } = p; // the tangent scan is not linear in the seeds alone
    return apply(scanP, [...primals, ...ts, ...j.captured], { ...rest, body: j.graph, roles, outs, index, name: `jvp(${p.name})` });
  },
  vjp(ct, primals, p, _out, wanted) {
    const { roles, outs, length } = p;
    // the forward pass again, stacking each step's input carry
    const res = withResiduals(p);
    const resOuts = [...outs, ...roles.filter((r) => r === "c").map(() => "y" as const)];
    const saved = roles
      .filter((r) => r === "c")
      .map((_, j) => apply(scanP, primals, { ...p, body: res, outs: resOuts, index: outs.length + j, name: `fwd(${p.name})` }));
    const rb = reverseBody(p, wanted);
    // the cotangent of this output, zero for the others
    let c = 0;
    const carryOut = outs.map((r) => (r === "c" ? c++ : -1));
    const ctc = rb.fc.map((i) => (carryOut[p.index] === rb.allC.indexOf(i) ? ct : zerosLike(primals[i]!)));
    const cty = rb.fy.map((i) => (i === p.index ? ct : full(stackedAval(p.body.outputs[i]!.aval, length).shape, 0, p.body.outputs[i]!.aval.dtype)));
    const operands = [
      ...ctc,
      ...rb.wk.map((i) => zerosLike(primals[i]!)),
      ...saved,
      ...rb.allX.map((i) => primals[i]!),
      ...cty,
      ...rb.allK.map((i) => primals[i]!),
      ...rb.captured,
    ];
    const rroles: ScanRole[] = [
      ...rb.fc.map(() => "c" as const),
      ...rb.wk.map(() => "c" as const),
      ...rb.allC.map(() => "x" as const),
      ...rb.allX.map(() => "x" as const),
      ...rb.fy.map(() => "x" as const),
      ...rb.allK.map(() => "k" as const),
      ...rb.captured.map(() => "k" as const),
    ];
    const linear = [
      ...rb.fc.map(() => true),
      ...rb.wk.map(() => true),
      ...rb.allC.map(() => false),
      ...rb.allX.map(() => false),
      ...rb.fy.map(() => true),
      ...rb.allK.map(() => false),
      ...rb.captured.map(() => false),
    ];
    const rp = { body: rb.graph, roles: rroles, outs: rb.outRoles, length, reverse: !p.reverse, name: `vjp(${p.name})`, linear };
    const result: (T | null)[] = primals.map(() => null);
    const emit = (k: number) => apply(scanP, operands, { ...rp, index: k });
    rb.fc.forEach((i, k) => wanted[i] && (result[i] = emit(k)));
    rb.wk.forEach((i, k) => (result[i] = emit(rb.fc.length + k)));
    rb.wx.forEach((i, k) => (result[i] = emit(rb.fc.length + rb.wk.length + k)));
    return result;
  },
  batch(inputs, dims, p): [T, BatchDim] {
    const b = inputs[dims.findIndex((d) => d !== null)]!.shape[0]!;
    // every carry is batched (an unbatched one would become batched after a step that reads a batched value)
    const ops = inputs.map((x, i) => {
      if (p.roles[i] === "c") return dims[i] === null ? broadcastLeading(x, b) : x;
      return p.roles[i] === "x" && dims[i] !== null ? moveAxis(x, 0, 1) : x;
    });
    const bodyDims = p.roles.map((r, i) => (r === "c" ? 0 : dims[i] ?? null));
    const m = vmapOfGraph(p.body, bodyDims, b);
    const roles = [...p.roles, ...m.captured.map(() => "k" as const)];
    // batching keeps a reverse scan linear in its (batched) seeds
    const linear = p.linear && [...p.linear, ...m.captured.map(() => false)];
    const out = apply(scanP, [...ops, ...m.captured], { ...p, body: m.graph, roles, name: `vmap(${p.name})`, ...(linear ? { linear } : {}) });
    return [out, p.outs[p.index] === "c" ? 0 : 1];
  },
  showParams: (p) =>
    `length=${p.length}${p.reverse ? " reverse" : ""} out=${p.index} roles=${p.roles.join("")}:${p.outs.join("")} name=${p.name} body=${indent(p.body.toString())}`,
};

const indent = (s: string) => s.replace(/\n/g, "\n      ");
