/**
 * Kernels within the device's storage-buffer limit (WebGPU's maxStorageBuffersPerShaderStage: 8
 * by default, what the adapter allows when the device asks for it, webgpu-node.ts). gpu.js binds
 * one storage buffer per distinct input and one for the result, so a fused elementwise or
 * reduction kernel reading more buffers than that would not build. Such a kernel gives its
 * widest subexpression that fits to a kernel of its own (its result materialised in a new
 * buffer, read back at the same points), until what is left fits.
 */
import { K, contiguousView, mapExpr, topo, type Expr, type Kernel, type Operand, type Program } from "../../ir/kernel.js";
import type { AbstractValue } from "../../ir/aval.js";

type Fused = Extract<Kernel, { kind: "elementwise" | "reduce" }>;

/** The program with every kernel reading at most `maxInputs` distinct buffers (the same program when all do). */
export function splitWide(p: Program, maxInputs: number): Program {
  if (!p.kernels.some((k) => wide(k, maxInputs))) return p;
  const buffers: AbstractValue[] = [...p.buffers];
  const kernels: Kernel[] = [];
  for (const k of p.kernels) {
    let cur = k;
    while (wide(cur, maxInputs)) {
      const f = cur as Fused;
      const part = widestFitting(f, maxInputs);
      if (!part) break; // no subexpression fits: left to fail to build (and run on wasm)
      const shape = f.kind === "reduce" ? f.shape : p.buffers[f.out]!.shape;
      const b = buffers.length;
      buffers.push({ shape, dtype: part.dtype });
      kernels.push(sub(f, part, b));
      cur = replace(f, part, b, shape);
    }
    kernels.push(cur);
  }
  return { ...p, buffers, kernels };
}

const distinct = (k: Kernel): number => (k.kind === "elementwise" || k.kind === "reduce" ? new Set(k.inputs.map((o) => o.buffer)).size : 0);
const wide = (k: Kernel, max: number): boolean => distinct(k) > max;
const leafOf = (e: Expr) => e.op === "load" || e.op === "valid";

/** The non-leaf node reading the most distinct buffers, at least two and at most `max`. */
function widestFitting(k: Fused, max: number): Expr | null {
  const reads = new Map<Expr, Set<number>>();
  let best: Expr | null = null;
  let bestSize = 1;
  for (const e of topo(k.expr)) {
    const s = new Set<number>();
    if (leafOf(e)) s.add(k.inputs[e.value]!.buffer);
    for (const a of e.args) for (const b of reads.get(a)!) s.add(b);
    reads.set(e, s);
    if (e !== k.expr && !leafOf(e) && s.size <= max && s.size > bestSize) {
      best = e;
      bestSize = s.size;
    }
  }
  return best;
}

/** The kernel computing `part` of `k` at every point of k's index space, into buffer `out`. */
function sub(k: Fused, part: Expr, out: number): Kernel {
  const inputs: Operand[] = [];
  const index = new Map<number, number>();
  const expr = mapExpr(part, (e, args) => {
    if (leafOf(e)) {
      let i = index.get(e.value);
      if (i === undefined) {
        i = inputs.length;
        index.set(e.value, i);
        inputs.push(k.inputs[e.value]!);
      }
      return { ...e, value: i };
    }
    return args.every((a, j) => a === e.args[j]) ? e : { ...e, args };
  });
  return { kind: "elementwise", out, expr, inputs };
}

/** `k` with `part` read from buffer `b` (laid out over `shape`), its unused inputs dropped. */
function replace(k: Fused, part: Expr, b: number, shape: readonly number[]): Fused {
  const extra = k.inputs.length;
  const swapped = mapExpr(k.expr, (e, args) => (e === part ? K.input(extra, part.dtype) : args.every((a, j) => a === e.args[j]) ? e : { ...e, args }));
  const all = [...k.inputs, { buffer: b, view: contiguousView(shape) }];
  const inputs: Operand[] = [];
  const index = new Map<number, number>();
  const expr = mapExpr(swapped, (e, args) => {
    if (leafOf(e)) {
      let i = index.get(e.value);
      if (i === undefined) {
        i = inputs.length;
        index.set(e.value, i);
        inputs.push(all[e.value]!);
      }
      return { ...e, value: i };
    }
    return args.every((a, j) => a === e.args[j]) ? e : { ...e, args };
  });
  return { ...k, expr, inputs };
}
