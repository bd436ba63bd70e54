/**
 * The compiled CPU backend: graphs are fused (compile/fusion.ts) and each step runs as a
 * generated kernel: fused elementwise loops as WebAssembly SIMD (or generated JS for float64 and
 * odd layouts), matrix products as a packed, register-blocked SIMD GEMM, reductions as strided
 * loops. Arrays live in host memory, so "device" buffers need no transfer.
 */
import { sizeOf, stridesOf, type AbstractValue } from "../ir/aval.js";
import { cacheKey } from "../ir/key.js";
import { allocate, type AnyTypedArray } from "../ir/dtype.js";
import type { Backend } from "./backend.js";
import { HostArray, hostBackend, hostOf } from "./host-array.js";
import { fuse, isContiguous, type Plan, type Step, type View } from "../compile/fusion.js";
import { freeAxes, type DotGeneralParams } from "../prims/dot.js";
import { affineGather } from "../prims/structural.js";
import { compileElementwise, compileElementwiseF64, type ElementwiseKernel, type Expr } from "./kernels/elementwise.js";
import { matmulF32, matmulF64 } from "./kernels/matmul.js";
import { compileReduce } from "./kernels/reduce.js";
import { LruCache } from "./cache.js";
import { gemvF32, gemvTF32 } from "./kernels/gemv.js";
import { Var, Graph } from "../ir/graph.js";

/** The output array of a step: the plan's own buffer for an intermediate, a fresh one otherwise. */
type Alloc = (v: Var) => AnyTypedArray;
type Runner = (env: Map<Var, HostArray>, alloc: Alloc) => void;

const kernelCache = new LruCache<string, ElementwiseKernel<Float32Array> | ElementwiseKernel<Float64Array>>(2048);

function elementwiseKernel(expr: Expr, out: AbstractValue, inputs: readonly View[]) {
  const layouts = inputs.map((v) => ({ strides: v.strides, offset: v.offset }));
  const key = `${out.dtype}|${out.shape.join(",")}|${cacheKey(expr)}|${cacheKey(layouts)}`;
  let k = kernelCache.get(key);
  if (!k) {
    const spec = { expr, outShape: out.shape, inputs: layouts };
    k = out.dtype === "float64" ? compileElementwiseF64(spec) : compileElementwise(spec);
    kernelCache.set(key, k);
  }
  return k;
}

function compileStep(step: Step): Runner {
  switch (step.kind) {
    case "fused": {
      const out = step.out.aval;
      const kernel = elementwiseKernel(step.expr, out, step.inputs) as (ins: readonly AnyTypedArray[], o: AnyTypedArray) => void;
      const n = sizeOf(out.shape);
      return (env, alloc) => {
        const ins = step.inputs.map((v) => env.get(v.base)!.data);
        const o = alloc(step.out);
        if (n > 0) kernel(ins, o);
        env.set(step.out, new HostArray(o, out.shape, out.dtype));
      };
    }
    case "copy": {
      const out = step.out.aval;
      const v = step.input;
      // arrays are immutable: a contiguous view of a whole buffer (a reshape) shares it
      const alias = isContiguous(v) && sizeOf(v.shape) === sizeOf(v.base.aval.shape);
      return (env) => {
        const src = env.get(v.base)!.data;
        const data = alias ? src : affineGather(src, out.dtype, out.shape, v.offset, v.strides);
        env.set(step.out, new HostArray(data, out.shape, out.dtype));
      };
    }
    case "reduce":
      return reduceRunner(step);
    case "dot":
      return dotRunner(step.out, step.lhs, step.rhs, step.params);
    case "eqn": {
      const e = step.eqn;
      return (env) => env.set(e.out, e.prim.impl(e.inputs.map((v) => env.get(v)!), e.params, e.out.aval));
    }
  }
}

/**
 * Reductions: a plain sum over the leading axes of a contiguous array walks rows in memory order
 * (bias gradients, means over a batch); everything else runs a generated loop that evaluates the
 * fused elementwise producer and folds it.
 */
function reduceRunner(step: Extract<Step, { kind: "reduce" }>): Runner {
  const { out, op, expr, inputs, shape, axes } = step;
  const aval = out.aval;
  const nk = sizeOf(aval.shape);
  const v = inputs[0];
  const bare = expr.op === "input" && v !== undefined;
  if (bare && op === "sum" && axes.every((a, i) => a === i) && isContiguous(v)) {
    const nr = sizeOf(shape) / Math.max(nk, 1);
    if (aval.dtype === "float32" && nk >= 4 && nr > 0 && nr <= 4096) {
      // column sums as a matrix-vector product with ones, in SIMD; it accumulates in float32 like
      // a matrix product's inner dimension, so long sums keep the double-precision loop below
      const ones = new Float32Array(nr).fill(1);
      return (env, alloc) => {
        const o = alloc(out) as Float32Array;
        gemvTF32(env.get(v.base)!.data as Float32Array, ones, o, nr, nk);
        env.set(out, new HostArray(o, aval.shape, aval.dtype));
      };
    }
    return (env, alloc) => {
      const x = env.get(v.base)!.data;
      const acc = new Float64Array(nk);
      for (let r = 0; r < nr; r++) {
        const row = r * nk;
        for (let j = 0; j < nk; j++) acc[j]! += x[row + j]!;
      }
      const o = alloc(out);
      o.set(acc);
      env.set(out, new HostArray(o, aval.shape, aval.dtype));
    };
  }
  const kernel = compileReduce({ expr, inputs, shape, axes, op });
  return (env, alloc) => {
    const o = alloc(out);
    kernel(
      inputs.map((i) => env.get(i.base)!.data),
      o,
    );
    env.set(out, new HostArray(o, aval.shape, aval.dtype));
  };
}


/**
 * dot_general as a batched GEMM: each operand is read as [batch, rows, cols] in place when its
 * axes are already grouped that way (possibly transposed), else through one transposing copy.
 */
function dotRunner(out: Var, lhs: Var, rhs: Var, p: DotGeneralParams): Runner {
  const [lc, rc] = p.contract;
  const [lb, rb] = p.batch;
  const lf = freeAxes(lhs.aval.shape.length, lc, lb);
  const rf = freeAxes(rhs.aval.shape.length, rc, rb);
  const prod = (s: readonly number[], axes: readonly number[]) => axes.reduce((a, i) => a * s[i]!, 1);
  const B = prod(lhs.aval.shape, lb);
  const M = prod(lhs.aval.shape, lf);
  const K = prod(lhs.aval.shape, lc);
  const N = prod(rhs.aval.shape, rf);
  const ident = (perm: readonly number[]) => perm.every((q, i) => q === i);
  // lhs as [B, M, K] or, transposed, [B, K, M]
  const lNormal = [...lb, ...lf, ...lc];
  const lTrans = [...lb, ...lc, ...lf];
  const transA = !ident(lNormal) && ident(lTrans);
  const lPerm = transA || ident(lNormal) ? null : lNormal;
  const rNormal = [...rb, ...rc, ...rf];
  const rTrans = [...rb, ...rf, ...rc];
  const transB = !ident(rNormal) && ident(rTrans);
  const rPerm = transB || ident(rNormal) ? null : rNormal;
  const gather = (h: HostArray, perm: readonly number[] | null): AnyTypedArray => {
    if (!perm) return h.data;
    const st = stridesOf(h.shape);
    return affineGather(h.data, h.dtype, perm.map((a) => h.shape[a]!), 0, perm.map((a) => st[a]!));
  };
  const aval = out.aval;
  const f64 = aval.dtype === "float64";
  // a matrix times a vector (a layer of width 1, a bias's cotangent): a GEMM would pad it to a
  // full register tile, so it goes to the matrix-vector kernels
  type Gemv = (a: Float32Array, b: Float32Array, o: Float32Array) => void;
  let gemv: Gemv | null = null;
  if (!f64 && B === 1 && K > 0 && (N === 1 || M === 1)) {
    if (N === 1) gemv = transA ? (a, b, o) => gemvTF32(a, b, o, K, M) : (a, b, o) => gemvF32(a, b, o, M, K);
    else gemv = transB ? (a, b, o) => gemvF32(b, a, o, N, K) : (a, b, o) => gemvTF32(b, a, o, K, N);
  }
  return (env, alloc) => {
    const a = gather(env.get(lhs)!, lPerm);
    const b = gather(env.get(rhs)!, rPerm);
    const o = alloc(out);
    if (B * M * N > 0) {
      if (gemv) gemv(a as Float32Array, b as Float32Array, o as Float32Array);
      else if (f64) matmulF64(a as Float64Array, b as Float64Array, o as Float64Array, M, K, N, { transA, transB, batch: B });
      else matmulF32(a as Float32Array, b as Float32Array, o as Float32Array, M, K, N, { transA, transB, batch: B });
    }
    env.set(out, new HostArray(o, aval.shape, aval.dtype));
  };
}

interface Compiled {
  readonly plan: Plan;
  readonly runners: readonly Runner[];
  /** Step outputs that leave the plan (graph outputs and what they alias): always fresh arrays. */
  readonly escaping: ReadonlySet<Var>;
  /** The plan's own buffers for its intermediates, reused by every run (runs never overlap). */
  readonly owned: Map<Var, AnyTypedArray>;
}
const planCache = new WeakMap<Graph, Compiled>();

/** Graph outputs, and the step outputs they may share memory with (reshape copies, fallbacks). */
function escapingVars(plan: Plan): Set<Var> {
  const out = new Set<Var>(plan.graph.outputs);
  for (let i = plan.steps.length - 1; i >= 0; i--) {
    const st = plan.steps[i]!;
    if (st.kind === "copy" && out.has(st.out)) out.add(st.input.base);
    if (st.kind === "eqn" && out.has(st.eqn.out)) for (const v of st.eqn.inputs) out.add(v);
  }
  return out;
}

function compile(graph: Graph): Compiled {
  let c = planCache.get(graph);
  if (!c) {
    const plan = fuse(graph);
    c = { plan, runners: plan.steps.map(compileStep), escaping: escapingVars(plan), owned: new Map() };
    planCache.set(graph, c);
  }
  return c;
}

function runCompiled(graph: Graph, inputs: readonly HostArray[]): HostArray[] {
  const { runners, escaping, owned } = compile(graph);
  const alloc: Alloc = (v) => {
    const n = sizeOf(v.aval.shape);
    if (escaping.has(v)) return allocate(v.aval.dtype, n);
    let b = owned.get(v);
    if (!b) owned.set(v, (b = allocate(v.aval.dtype, n)));
    return b;
  };
  const env = new Map<Var, HostArray>();
  [...graph.inputs, ...graph.captures].forEach((v, i) => env.set(v, inputs[i]!));
  for (const c of graph.consts) env.set(c.v, hostOf(c.value));
  for (const r of runners) r(env, alloc);
  return graph.outputs.map((v) => env.get(v)!);
}

export const wasmBackend: Backend = hostBackend("wasm", runCompiled);
