/**
 * Scans that can share a loop are made to, for reverse mode's sake. A scan primitive has one
 * output per equation, and sibling equations with the same body and operands run one loop.
 * - The forward scan and its residual twin: reverse mode runs the forward again with a body
 *   that also stacks each step's input carry (prims/control.ts withResiduals); where the
 *   program also reads the plain forward's outputs (a loss value, a carry's own cotangent),
 *   those are read from the twin, whose first outputs are the same.
 * - Reverse scans added together: the vjp of a scan whose outputs both reach the loss (the
 *   final carry and the stacked ys) is one reverse scan per output, each seeded with that
 *   output's cotangent and zeros for the others, and their results are added. The reverse
 *   body is linear in those seeds (scan params `linear`), so when two scans share the body and
 *   every other operand, scan(a) + scan(b) = scan(a + b). Sibling outputs of the merged scan
 *   get the same summed operands, so they still share one loop at run time.
 */
import { Graph, Var, type Eqn } from "../ir/graph.js";
import { cacheKey } from "../ir/key.js";
import { scanP, withResiduals, type ScanParams } from "../prims/control.js";
import { addP } from "../prims/elementwise.js";

const linearScan = (e: Eqn | undefined): e is Eqn => e !== undefined && e.prim === scanP && (e.params as ScanParams).linear !== undefined;

/** Whether two linear scans differ only in their linear operands (and compute the same output). */
function mergeable(a: Eqn, b: Eqn): boolean {
  const pa = a.params as ScanParams;
  const pb = b.params as ScanParams;
  if (a === b || pa.body !== pb.body || pa.index !== pb.index || pa.length !== pb.length || pa.reverse !== pb.reverse) return false;
  if (cacheKey(pa.linear) !== cacheKey(pb.linear) || cacheKey(pa.roles) !== cacheKey(pb.roles) || a.inputs.length !== b.inputs.length) return false;
  return a.inputs.every((v, i) => pa.linear![i] || v === b.inputs[i]);
}

export function mergeScans(g: Graph): Graph {
  const scans = g.eqns.filter((e) => e.prim === scanP);
  if (scans.length < 2) return g;
  return mergeLinear(fromResiduals(g, scans));
}

const operandsKey = (e: Eqn) => {
  const p = e.params as ScanParams;
  return `${e.inputs.map((v) => v.id).join(",")}|${p.length}|${p.reverse}|${p.roles.join("")}`;
};

/** Plain forward scans read from their residual twin where the graph has one. */
function fromResiduals(g: Graph, scans: readonly Eqn[]): Graph {
  const byOperands = new Map<string, Eqn[]>();
  for (const e of scans) byOperands.set(operandsKey(e), [...(byOperands.get(operandsKey(e)) ?? []), e]);
  const twin = new Map<Eqn, Eqn>();
  for (const group of byOperands.values()) {
    if (group.length < 2 || group.every((e) => (e.params as ScanParams).body === (group[0]!.params as ScanParams).body)) continue;
    for (const e of group) {
      const p = e.params as ScanParams;
      if (p.linear) continue;
      const res = withResiduals(p);
      const r = group.find((q) => (q.params as ScanParams).body === res);
      if (r) twin.set(e, r);
    }
  }
  if (twin.size === 0) return g;
  const eqns = g.eqns.map((e) => {
    const r = twin.get(e);
    return r ? { ...e, params: { ...(r.params as ScanParams), index: (e.params as ScanParams).index } } : e;
  });
  return new Graph(g.inputs, g.captures, g.consts, eqns, g.outputs);
}

/** Reverse scans added together become one scan of the summed seeds. */
function mergeLinear(g: Graph): Graph {
  if (!g.eqns.some(linearScan)) return g;
  const producer = new Map<Var, Eqn>();
  const rename = new Map<Var, Var>();
  const r = (v: Var) => rename.get(v) ?? v;
  // the summed operands of a pair of operand lists, shared by the pair's sibling outputs
  const summed = new Map<string, Var[]>();
  const eqns: Eqn[] = [];
  let changed = false;
  const emit = (e: Eqn) => {
    eqns.push(e);
    producer.set(e.out, e);
  };
  for (const e0 of g.eqns) {
    const inputs = e0.inputs.map(r);
    const e: Eqn = inputs.every((v, i) => v === e0.inputs[i]) ? e0 : { ...e0, inputs };
    const [x, y] = inputs;
    const px = e.prim === addP ? producer.get(x!) : undefined;
    const py = e.prim === addP ? producer.get(y!) : undefined;
    if (linearScan(px) && linearScan(py) && mergeable(px, py)) {
      // a canonical order, so that add(s1, s2) and add(s2, s1) sum the same way
      const ids = (q: Eqn) => q.inputs.map((v) => v.id).join(",");
      const [a, b] = ids(px) <= ids(py) ? [px, py] : [py, px];
      const key = `${ids(a)}|${ids(b)}`;
      let ops = summed.get(key);
      if (!ops) {
        const lin = (a.params as ScanParams).linear!;
        ops = a.inputs.map((v, i) => {
          if (!lin[i]) return v;
          const out = new Var(v.aval);
          emit({ prim: addP, inputs: [v, b.inputs[i]!], params: {}, out });
          return out;
        });
        summed.set(key, ops);
      }
      emit({ prim: scanP, inputs: ops, params: a.params, out: e.out });
      changed = true;
      continue;
    }
    emit(e);
  }
  return changed ? new Graph(g.inputs, g.captures, g.consts, eqns, g.outputs.map(r)) : g;
}
