/**
 * lax.scan and lax.foriLoop (static bounds): the public side of the scan primitive
 * (prims/control.ts). The body is traced once into a closed graph, whatever the step count.
 */
import { callGraph, currentBuilder, traceFlat } from "../ir/trace.js";
import { optimize } from "../compile/passes.js";
import { scanApply, type ScanRole } from "../prims/control.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { flatten, unflatten, showTree, type TreeDef } from "../transforms/tree.js";
import { traceTree } from "../transforms/trace-tree.js";
import { checkCarry } from "./carry.js";

type T = AnyTensor;

export interface ScanOptions {
  /** the number of steps; required when `xs` is null, else it must equal xs's leading dim */
  readonly length?: number;
  /** run from the last element of xs to the first (ys still line up with xs) */
  readonly reverse?: boolean;
}

/** The untyped scan (the typed overloads are in lax/index.ts). */
export function scanImpl(f: (carry: unknown, x: unknown) => unknown, init: unknown, xs: unknown, opts: ScanOptions = {}, op = "scan"): [unknown, unknown] {
  const [carry, carryDef] = flatten(init);
  const [xl] = flatten(xs ?? null);
  const lens = xl.map((x) => {
    if (x.shape.length === 0) throw new Error(`scan: xs must have a leading axis to scan over, got a scalar`);
    return x.shape[0]!;
  });
  const length = opts.length ?? lens[0];
  if (length === undefined) throw new Error(`scan: give xs or the length option`);
  if (!Number.isInteger(length) || length < 0) throw new Error(`scan: length must be a non-negative integer, got ${length}`);
  lens.forEach((n) => {
    if (n !== length) throw new Error(`scan: every leaf of xs must have leading dim ${length}, got ${n}`);
  });
  let outCarryDef: TreeDef | undefined;
  let yDef: TreeDef | undefined;
  let nCarryOut = 0;
  const t = traceTree(
    (c: unknown, x: unknown) => {
      const r = f(c, x);
      if (!Array.isArray(r) || r.length !== 2) throw new Error(`scan: the body must return [carry, y], got ${showTree(r)}`);
      const [cl, cd] = flatten(r[0]);
      const [yl, yd] = flatten(r[1]);
      checkCarry(op, init, carry, carryDef, r[0], cl, cd);
      outCarryDef = cd;
      yDef = yd;
      nCarryOut = cl.length;
      // a body with nothing to return still gives the tracer one output (ys may be empty)
      return [...cl, ...yl];
    },
    [init, xs ?? null],
    [...carry.map((c) => c.aval), ...xl.map((x) => ({ shape: x.shape.slice(1), dtype: x.dtype }))],
  );
  const body = optimize(t.graph);
  const roles: ScanRole[] = [...carry.map(() => "c" as const), ...xl.map(() => "x" as const), ...t.captured.map(() => "k" as const)];
  const outs = body.outputs.map((_, i) => (i < nCarryOut ? ("c" as const) : ("y" as const)));
  const operands = [...carry, ...xl, ...t.captured];
  const p = { body, roles, outs, length, reverse: opts.reverse ?? false, name: fnName(f) };
  // run outside a trace as one program, so that the outputs share one loop
  const res = currentBuilder()
    ? scanApply(operands, p)
    : (callGraph(traceFlat((ins) => scanApply(ins as T[], p), operands.map((o) => o.aval)).graph, operands) as T[]);
  return [unflatten(outCarryDef!, res.slice(0, nCarryOut)), unflatten(yDef!, res.slice(nCarryOut))];
}


const fnName = (f: unknown): string => (f as { name?: string }).name || "scan";

