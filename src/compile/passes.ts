/**
 * Graph-to-graph optimisations, run by jit before a graph reaches a backend: constant folding,
 * algebraic simplification of what differentiation leaves behind (multiplications by one,
 * additions of zero, chains of broadcasts, reshapes and transposes), common subexpressions and
 * dead code.
 */
import { Graph, Var, type Eqn, type GraphConst } from "../ir/graph.js";
import { cacheKey } from "../ir/key.js";
import { sameShape, sizeOf } from "../ir/aval.js";
import type { DeviceArray } from "../ir/device.js";
import type { HostArray } from "../ir/host-array.js";
import { deviceFromHost } from "../ir/trace.js";
import { broadcastInDimP, reshapeP, type BroadcastParams, type ReshapeParams } from "../prims/broadcast.js";
import { transposeP, type TransposeParams } from "../prims/structural.js";
import { inlineCalls } from "./inline.js";
import { mergeScans } from "./merge-scans.js";
import { pushGathers } from "./push-gathers.js";

/** Removes equations whose results nothing uses. */
export function dce(g: Graph): Graph {
  const live = new Set<Var>(g.outputs);
  const kept: Eqn[] = [];
  for (let i = g.eqns.length - 1; i >= 0; i--) {
    const e = g.eqns[i]!;
    if (!live.has(e.out)) continue;
    kept.push(e);
    for (const v of e.inputs) live.add(v);
  }
  kept.reverse();
  return new Graph(g.inputs, g.captures, g.consts.filter((c) => live.has(c.v)), kept, g.outputs);
}

/** Merges equations that apply the same primitive with the same params to the same inputs. */
export function cse(g: Graph): Graph {
  const rename = new Map<Var, Var>();
  const seen = new Map<string, Var>();
  const r = (v: Var) => rename.get(v) ?? v;
  const eqns: Eqn[] = [];
  for (const e of g.eqns) {
    const inputs = e.inputs.map(r);
    const key = `${e.prim.name}|${cacheKey(e.params)}|${inputs.map((v) => v.id).join(",")}`;
    const prev = seen.get(key);
    if (prev) {
      rename.set(e.out, prev);
      continue;
    }
    seen.set(key, e.out);
    eqns.push(inputs.every((v, i) => v === e.inputs[i]) ? e : { ...e, inputs });
  }
  return new Graph(g.inputs, g.captures, g.consts, eqns, g.outputs.map(r));
}

/** A constant's host copy, or null where it can only be read asynchronously (left alone then). */
function hostValue(a: DeviceArray): HostArray | null {
  try {
    return a.backend.toHostSync(a);
  } catch {
    return null;
  }
}

/** Binary primitives with an identity element: x op unit = x (and unit op x = x when they commute). */
const IDENTITY: Record<string, { readonly value: number; readonly commutes: boolean } | undefined> = {
  mul: { value: 1, commutes: true },
  div: { value: 1, commutes: false },
  add: { value: 0, commutes: true },
  sub: { value: 0, commutes: false },
};

/** Constants up to this many elements are folded at compile time. */
const FOLD_LIMIT = 1024;

/**
 * One forward sweep: folds equations whose inputs are all small constants, and rewrites
 * identities. `rename` maps a removed variable to the one that replaces it.
 */
export function simplify(g: Graph): Graph {
  const rename = new Map<Var, Var>();
  const r = (v: Var): Var => rename.get(v) ?? v;
  const constVal = new Map<Var, DeviceArray>();
  for (const c of g.consts) constVal.set(c.v, c.value);
  const consts: GraphConst[] = [...g.consts];
  const producer = new Map<Var, Eqn>();
  const eqns: Eqn[] = [];

  /** The number every element of v equals, if v is a known constant of that kind. */
  const uniform = (v: Var): number | null => {
    const val = constVal.get(v);
    if (val) {
      const n = sizeOf(val.aval.shape);
      if (n === 0 || n > FOLD_LIMIT) return null;
      const h = hostValue(val);
      if (!h) return null;
      const x = h.data[0]!;
      for (let i = 1; i < h.size; i++) if (h.data[i] !== x) return null;
      return x;
    }
    const p = producer.get(v);
    return p && p.prim.name === "broadcast_in_dim" ? uniform(p.inputs[0]!) : null;
  };

  const emit = (e: Eqn): void => {
    eqns.push(e);
    producer.set(e.out, e);
  };

  for (const e0 of g.eqns) {
    const inputs = e0.inputs.map(r);
    const e: Eqn = inputs.every((v, i) => v === e0.inputs[i]) ? e0 : { ...e0, inputs };
    const out = e.out;
    const [a, b] = inputs;
    const same = (v: Var | undefined) => v !== undefined && sameShape(v.aval.shape, out.aval.shape) && v.aval.dtype === out.aval.dtype;

    // constant folding
    // (never a broadcast: a constant that grows is better left to the kernels that read it)
    const outSize = sizeOf(out.aval.shape);
    const foldable = outSize <= FOLD_LIMIT && inputs.every((v) => sizeOf(v.aval.shape) >= outSize || outSize === 1);
    const hosts = inputs.length > 0 && foldable && inputs.every((v) => constVal.has(v)) ? inputs.map((v) => hostValue(constVal.get(v)!)) : [];
    if (hosts.length > 0 && hosts.every((h) => h !== null)) {
      const ins = hosts as HostArray[];
      const value = deviceFromHost(e.prim.impl(ins, e.params, out.aval));
      constVal.set(out, value);
      consts.push({ v: out, value });
      continue;
    }

    // x * 1, 1 * x, x / 1, x + 0, 0 + x, x - 0 are x (when x already has the result's shape)
    const unit = IDENTITY[e.prim.name];
    if (unit) {
      if (same(a) && uniform(b!) === unit.value) {
        rename.set(out, a!);
        continue;
      }
      if (unit.commutes && same(b) && uniform(a!) === unit.value) {
        rename.set(out, b!);
        continue;
      }
    }

    switch (e.prim.name) {
      case "neg": {
        const p = producer.get(a!);
        if (p && p.prim.name === "neg") {
          rename.set(out, p.inputs[0]!);
          continue;
        }
        break;
      }
      case "convert_element_type":
        if (a!.aval.dtype === out.aval.dtype) {
          rename.set(out, a!);
          continue;
        }
        break;
      case "broadcast_in_dim": {
        const p = producer.get(a!);
        if (p && p.prim.name === "broadcast_in_dim") {
          // broadcast of a broadcast: one broadcast from the original input
          const inner = p.params as BroadcastParams;
          const outer = e.params as BroadcastParams;
          emit({ prim: broadcastInDimP, inputs: [p.inputs[0]!], params: { shape: outer.shape, dims: inner.dims.map((d) => outer.dims[d]!) }, out });
          continue;
        }
        break;
      }
      case "reshape": {
        if (sameShape(a!.aval.shape, out.aval.shape)) {
          rename.set(out, a!);
          continue;
        }
        const p = producer.get(a!);
        if (p && p.prim.name === "reshape") {
          const src = p.inputs[0]!;
          if (sameShape(src.aval.shape, (e.params as ReshapeParams).shape)) rename.set(out, src);
          else emit({ prim: reshapeP, inputs: [src], params: e.params, out });
          continue;
        }
        break;
      }
      case "transpose": {
        const p = producer.get(a!);
        if (p && p.prim.name === "transpose") {
          const inner = (p.params as TransposeParams).perm;
          const perm = (e.params as TransposeParams).perm.map((q) => inner[q]!);
          if (perm.every((q, i) => q === i)) rename.set(out, p.inputs[0]!);
          else emit({ prim: transposeP, inputs: [p.inputs[0]!], params: { perm }, out });
          continue;
        }
        break;
      }
    }
    emit(e);
  }
  return new Graph(g.inputs, g.captures, consts, eqns, g.outputs.map(r));
}

/** The pipeline jit runs; `final` (the last compile, runtime/execute.ts) also inlines the custom-rule primitives that jit keeps whole. */
export function optimize(g: Graph, final = false): Graph {
  const g1 = cse(pushGathers(simplify(inlineCalls(g, final))));
  // merging needs the shared operands already merged (cse), and leaves sums with zeros (simplify)
  const g2 = mergeScans(g1);
  return dce(g2 === g1 ? g1 : cse(simplify(g2)));
}
