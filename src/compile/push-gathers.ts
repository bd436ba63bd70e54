/**
 * Gathers move towards the graph's leaves: gather(f(a, b)) for an elementwise f is f(gather(a),
 * gather(b)), and a gather of a broadcast along the gathered axis is a smaller broadcast. A loss
 * that reads one entry per row of a computed array (takeAlongAxis(logSoftmax(x), labels)) then
 * computes that entry for the gathered points only, instead of materialising the whole array for
 * a host-side gather (gathers have no kernel lowering yet). Only gathers that shrink their operand
 * move; what the full array's other users need is left as it was (dce drops what nobody reads).
 *
 * The transpose twin: a sum over the scattered axis of a scatter-add into zeros is the sum of the
 * updates (with clamped indices every update lands on that axis), which the gradient of such a
 * loss computes (logSoftmax's vjp sums its cotangent over the row).
 */
import { sizeOf } from "../ir/aval.js";
import { Graph, Var, type Eqn } from "../ir/graph.js";
import { broadcastInDimP, reduceSumP, type BroadcastParams, type ReduceParams } from "../prims/broadcast.js";
import { negP } from "../prims/elementwise.js";
import { gatherP, scatterAddZerosP, type GatherParams, type ScatterAddZerosParams } from "../prims/gather.js";

export function pushGathers(g: Graph): Graph {
  if (!g.eqns.some((e) => e.prim === gatherP || e.prim === scatterAddZerosP)) return g;
  const producer = new Map<Var, Eqn>();
  const eqns: Eqn[] = [];
  const rename = new Map<Var, Var>();
  for (const e of g.eqns) {
    const ins = e.inputs.map((v) => rename.get(v) ?? v);
    const [x, idx] = ins;
    if (e.prim === gatherP && sizeOf(e.out.aval.shape) < sizeOf(x!.aval.shape) && movable(producer.get(x!))) {
      const memo = new Map<Var, Var>();
      const p = e.params as GatherParams;
      const gathered = (v: Var): Var => {
        let r = memo.get(v);
        if (r) return r;
        const src = producer.get(v);
        const shape = gatheredShape(v.aval.shape, idx!.aval.shape, p);
        const out = new Var({ shape, dtype: v.aval.dtype });
        let eqn: Eqn;
        if (src && src.prim.lower?.kind === "elementwise") {
          eqn = { prim: src.prim, inputs: src.inputs.map(gathered), params: src.params, out };
        } else if (src && src.prim === broadcastInDimP && !(src.params as BroadcastParams).dims.includes(p.axis)) {
          // constant along the gathered axis: the indices only reshape the broadcast
          const shift = idx!.aval.shape.length - p.batch - 1;
          const dims = (src.params as BroadcastParams).dims.map((d) => (d < p.axis ? d : d + shift));
          eqn = { prim: broadcastInDimP, inputs: src.inputs, params: { shape, dims }, out };
        } else {
          eqn = { prim: gatherP, inputs: [v, idx!], params: p, out };
        }
        eqns.push(eqn);
        producer.set(out, eqn);
        memo.set(v, out);
        return out;
      };
      rename.set(e.out, gathered(x!));
      continue;
    }
    // (through negations: the vjp of a negated loss has one between the scatter and the sum)
    let negs = 0;
    let scattered = e.prim === reduceSumP ? producer.get(x!) : undefined;
    while (scattered?.prim === negP) {
      negs++;
      scattered = producer.get(scattered.inputs[0]!);
    }
    if (scattered?.prim === scatterAddZerosP) {
      const p = scattered.params as ScatterAddZerosParams;
      const { axes } = e.params as ReduceParams;
      if (p.oob === "clip" && axes.includes(p.axis)) {
        const [idx, upd] = scattered.inputs;
        const n = idx!.aval.shape.length - p.batch;
        const onUpdates = [
          ...axes.filter((a) => a !== p.axis).map((a) => (a < p.axis ? a : a + n - 1)),
          ...Array.from({ length: n }, (_, i) => p.axis + i),
        ].sort((a, b) => a - b);
        let sum = upd!;
        const emit = (prim: Eqn["prim"], params: object, v: Var, out: Var): Var => {
          const eqn: Eqn = { prim, inputs: [v], params, out };
          eqns.push(eqn);
          producer.set(out, eqn);
          return out;
        };
        if (onUpdates.length > 0) sum = emit(reduceSumP, { axes: onUpdates }, sum, negs % 2 === 0 ? e.out : new Var(e.out.aval));
        if (negs % 2 === 1) sum = emit(negP, {}, sum, e.out);
        if (sum !== e.out) rename.set(e.out, sum);
        continue;
      }
    }
    const kept = ins.every((v, i) => v === e.inputs[i]) ? e : { ...e, inputs: ins };
    eqns.push(kept);
    producer.set(e.out, kept);
  }
  return new Graph(g.inputs, g.captures, g.consts, eqns, g.outputs.map((v) => rename.get(v) ?? v));
}

/** Worth moving: the operand is computed elementwise or broadcast (else the gather stays). */
const movable = (src: Eqn | undefined): boolean => !!src && (src.prim.lower?.kind === "elementwise" || src.prim === broadcastInDimP);

/** gather's output shape for an operand of shape `x` (as gatherP.abstractEval). */
function gatheredShape(x: readonly number[], idx: readonly number[], { axis, batch }: GatherParams): number[] {
  return [...x.slice(0, axis), ...idx.slice(batch), ...x.slice(axis + 1)];
}
