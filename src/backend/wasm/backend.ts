/**
 * The compiled CPU backend: each kernel of a program (ir/kernel.ts) runs as generated code:
 * elementwise kernels as WebAssembly SIMD (or generated JS for float64, int32, bool, masks and odd
 * layouts), contractions as a packed, register-blocked SIMD GEMM (or matrix-vector kernels, or a
 * JS loop for integers), reductions as strided loops that evaluate their fused producer. Arrays
 * live in host memory, so "device" buffers need no transfer.
 */
import { sizeOf, stridedOffsets, stridesOf, type AbstractValue } from "../../ir/aval.js";
import { cacheKey } from "../../ir/key.js";
import { allocate, type AnyTypedArray } from "../../ir/dtype.js";
import type { KernelBackend } from "../../ir/backend.js";
import { HostArray } from "../../ir/host-array.js";
import { contractionAsReduce, exprKey, freeAxes, isContiguous, mergeDims, type Kernel, type MaskDim, type Operand, type Program } from "../../ir/kernel.js";
import { HostBackedArray, hostOf, hostStorage } from "../host.js";
import { compileElementwise, compileElementwiseJs, compileColumnSumWasm, compileRowReduceWasm, simdSupports, type ElementwiseKernel } from "./elementwise.js";
import { wasmSimdSupported } from "./module.js";
import { matmulF32, matmulF64 } from "./matmul.js";
import { compileReduce } from "./reduce.js";
import { LruCache } from "../cache.js";
import { gemvF32, gemvTF32 } from "./gemv.js";

/** The output array of a kernel: the program's own buffer for an intermediate, a fresh one otherwise. */
type Alloc = (slot: number) => AnyTypedArray;
type Env = HostArray[];
type Runner = (env: Env, alloc: Alloc) => void;

const kernelCache = new LruCache<string, ElementwiseKernel<AnyTypedArray>>(2048);

function elementwiseKernel(k: Extract<Kernel, { kind: "elementwise" }>, out: AbstractValue, buffers: readonly AbstractValue[]) {
  const layouts = k.inputs.map((o) => ({ strides: o.view.strides, offset: o.view.offset, ...(o.view.mask ? { mask: o.view.mask } : {}) }));
  // the SIMD renderer reads float32 buffers only
  const f32 = out.dtype === "float32" && k.inputs.every((o) => buffers[o.buffer]!.dtype === "float32");
  const key = `${out.dtype}|${f32}|${out.shape.join(",")}|${exprKey(k.expr)}|${cacheKey(layouts)}`;
  let kernel = kernelCache.get(key);
  if (!kernel) {
    const spec = { expr: k.expr, outShape: out.shape, inputs: layouts };
    kernel = f32 ? (compileElementwise(spec) as ElementwiseKernel<AnyTypedArray>) : compileElementwiseJs<AnyTypedArray>(spec);
    kernelCache.set(key, kernel);
  }
  return kernel;
}

function compileKernel(k: Kernel, p: Program): Runner {
  const out = p.buffers[k.out]!;
  switch (k.kind) {
    case "elementwise": {
      const only = k.inputs[0];
      // arrays are immutable: a contiguous same-type view of a whole buffer (a reshape) shares it
      if (k.expr.op === "load" && only && k.inputs.length === 1 && aliases(only, p, out)) {
        return (env) => {
          env[k.out] = new HostArray(env[only.buffer]!.data, out.shape, out.dtype);
        };
      }
      if (k.expr.op === "load" && only && k.inputs.length === 1 && p.buffers[only.buffer]!.dtype === out.dtype) {
        const v = only.view;
        const copy = v.mask ? paddedRowCopy(v.shape, v.strides, v.offset, v.mask) : rowCopy(v.shape, v.strides, v.offset);
        if (copy) {
          return (env, alloc) => {
            const o = alloc(k.out);
            copy(env[only.buffer]!.data, o);
            env[k.out] = new HostArray(o, out.shape, out.dtype);
          };
        }
      }
      const kernel = elementwiseKernel(k, out, p.buffers);
      const n = sizeOf(out.shape);
      return (env, alloc) => {
        const ins = k.inputs.map((o) => env[o.buffer]!.data);
        const o = alloc(k.out);
        if (n > 0) kernel(ins, o);
        env[k.out] = new HostArray(o, out.shape, out.dtype);
      };
    }
    case "reduce":
      return reduceRunner(k, p);
    case "contraction":
      return isFloatGemm(k, p) ? dotRunner(k, p) : reduceRunner(contractionAsReduce(k, p.buffers[k.lhs]!, p.buffers[k.rhs]!), p);
    case "opaque":
      return (env) => {
        env[k.out] = k.run(k.inputs.map((i) => env[i]!));
      };
  }
}

/**
 * A view copy whose innermost (merged) axis is contiguous and at least ROW long, such as the
 * windows of a convolution's im2col: one block copy (TypedArray.set) per row.
 */
const ROW = 16;
function rowCopy(shape: readonly number[], strides: readonly number[], offset: number): ((src: AnyTypedArray, dst: AnyTypedArray) => void) | null {
  const m = mergeDims(shape, [strides, stridesOf(shape)]);
  const r = m.shape.length;
  const len = m.shape[r - 1] ?? 0;
  if (r < 1 || m.strides[0]![r - 1] !== 1 || len < ROW) return null;
  const rows = stridedOffsets(m.shape.slice(0, -1), m.strides[0]!.slice(0, -1), offset);
  return (src, dst) => {
    for (let i = 0; i < rows.length; i++) dst.set(src.subarray(rows[i]!, rows[i]! + len), i * len);
  };
}

/**
 * A padded copy (a masked view with unit steps whose last axis is contiguous, such as the padded
 * input of a convolution): zeros, then one block copy per row of the unmasked box.
 */
function paddedRowCopy(shape: readonly number[], strides: readonly number[], offset: number, mask: readonly MaskDim[]): ((src: AnyTypedArray, dst: AnyTypedArray) => void) | null {
  const r = shape.length;
  const last = mask[r - 1];
  if (r < 1 || !last || strides[r - 1] !== 1 || mask.some((m) => m.step !== 1 || m.hi <= m.lo) || last.hi - last.lo < ROW) return null;
  const len = last.hi - last.lo;
  const box = mask.slice(0, -1).map((m) => m.hi - m.lo);
  const src = stridedOffsets(box, strides.slice(0, -1), offset);
  const dst = stridedOffsets(box, stridesOf(shape).slice(0, -1), mask.reduce((a, m, i) => a + m.lo * stridesOf(shape)[i]!, 0));
  return (x, o) => {
    o.fill(0);
    for (let i = 0; i < src.length; i++) o.set(x.subarray(src[i]!, src[i]! + len), dst[i]!);
  };
}

const aliases = (o: Operand, p: Program, out: AbstractValue) =>
  isContiguous(o.view) && sizeOf(o.view.shape) === sizeOf(p.buffers[o.buffer]!.shape) && p.buffers[o.buffer]!.dtype === out.dtype;

const isFloatGemm = (k: Extract<Kernel, { kind: "contraction" }>, p: Program) => {
  const d = p.buffers[k.out]!.dtype;
  return (d === "float32" || d === "float64") && p.buffers[k.lhs]!.dtype === d && p.buffers[k.rhs]!.dtype === d;
};

/**
 * Reductions: a plain sum over the leading axes of a contiguous array walks rows in memory order
 * (bias gradients, means over a batch); everything else runs a generated loop that evaluates the
 * fused elementwise producer and folds it.
 */
function reduceRunner(k: Extract<Kernel, { kind: "reduce" }>, p: Program): Runner {
  const { out, op, expr, inputs, shape, axes } = k;
  const aval = p.buffers[out]!;
  const nk = sizeOf(aval.shape);
  const v = inputs[0];
  const bare = expr.op === "load" && v !== undefined && inputs.length === 1 && p.buffers[v.buffer]!.dtype === aval.dtype;
  if (bare && op === "sum" && axes.every((a, i) => a === i) && isContiguous(v.view) && (aval.dtype === "float32" || aval.dtype === "float64")) {
    const nr = sizeOf(shape) / Math.max(nk, 1);
    if (aval.dtype === "float32" && nk >= 4 && nr > 0 && nr <= 4096) {
      // column sums as a matrix-vector product with ones, in SIMD; it accumulates in float32 like
      // a matrix product's inner dimension, so long sums keep the double-precision loop below
      const ones = new Float32Array(nr).fill(1);
      return (env, alloc) => {
        const o = alloc(out) as Float32Array;
        gemvTF32(env[v.buffer]!.data as Float32Array, ones, o, nr, nk);
        env[out] = new HostArray(o, aval.shape, aval.dtype);
      };
    }
    return (env, alloc) => {
      const x = env[v.buffer]!.data;
      const acc = new Float64Array(nk);
      for (let r = 0; r < nr; r++) {
        const row = r * nk;
        for (let j = 0; j < nk; j++) acc[j]! += x[row + j]!;
      }
      const o = alloc(out);
      o.set(acc);
      env[out] = new HostArray(o, aval.shape, aval.dtype);
    };
  }
  const rows = rowReduceSimd(k, p);
  if (rows) {
    return (env, alloc) => {
      const o = alloc(out) as Float32Array;
      rows(inputs.map((i) => env[i.buffer]!.data as Float32Array), o);
      env[out] = new HostArray(o, aval.shape, aval.dtype);
    };
  }
  const kernel = compileReduce({ expr, inputs: inputs.map((o) => o.view), shape, axes, op });
  return (env, alloc) => {
    const o = alloc(out);
    kernel(
      inputs.map((i) => env[i.buffer]!.data),
      o,
    );
    env[out] = new HostArray(o, aval.shape, aval.dtype);
  };
}

/**
 * A float32 reduction whose reduced axes are one run, contiguous or broadcast for every input
 * (softmax's row max and sum, layerNorm's means, a row of x · y), as a SIMD loop over rows; or a
 * sum whose kept axes are one such run (a bias or scale gradient) as a SIMD loop accumulating the
 * outputs. Sums up to ROW_SUM long only (longer ones keep the double-precision accumulator).
 */
const ROW_SUM = 4096;
function rowReduceSimd(k: Extract<Kernel, { kind: "reduce" }>, p: Program): ReturnType<typeof compileRowReduceWasm> | null {
  const { op, expr, inputs, shape, axes } = k;
  if (op === "prod" || p.buffers[k.out]!.dtype !== "float32" || !inputs.every((i) => p.buffers[i.buffer]!.dtype === "float32" && !i.view.mask)) return null;
  if (!wasmSimdSupported() || !simdSupports(expr) || inputs.length === 0) return null;
  const rShape = axes.map((a) => shape[a]!);
  const n = sizeOf(rShape);
  if (n < 4 || (op === "sum" && n > ROW_SUM)) return null;
  const run = mergeDims(rShape, inputs.map((i) => axes.map((a) => i.view.strides[a]!)));
  if (run.shape.length !== 1) return null;
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const unit = (st: number[]) => st.every((s) => s === 0 || s === 1) && st.includes(1);
  const step = run.strides.map((st) => st[0]!);
  if (!unit(step) || n % 4 !== 0) {
    // a sum over rows into a contiguous run of outputs (a bias gradient): accumulate the outputs
    const cols = mergeDims(kept.map((a) => shape[a]!), inputs.map((i) => kept.map((a) => i.view.strides[a]!)));
    const nk = sizeOf(kept.map((a) => shape[a]!));
    const cstep = cols.strides.map((st) => st[0] ?? 0);
    if (op !== "sum" || cols.shape.length !== 1 || nk % 4 !== 0 || !unit(cstep)) return null;
    return compileColumnSumWasm({ expr, base: inputs.map((i) => i.view.offset), rstride: step, step: cstep as (0 | 1)[], rows: n, n: nk });
  }
  const base = inputs.map((i) => stridedOffsets(kept.map((a) => shape[a]!), kept.map((a) => i.view.strides[a]!), i.view.offset));
  return compileRowReduceWasm({ expr, base, step: step as (0 | 1)[], n, op });
}

/**
 * dot_general as a batched GEMM: each operand is read as [batch, rows, cols] in place when its
 * axes are already grouped that way (possibly transposed), else through one transposing copy.
 */
function dotRunner(k: Extract<Kernel, { kind: "contraction" }>, p: Program): Runner {
  const { out, lhs, rhs } = k;
  const la = p.buffers[lhs]!;
  const ra = p.buffers[rhs]!;
  const [lc, rc] = k.dims.contract;
  const [lb, rb] = k.dims.batch;
  const lf = freeAxes(la.shape.length, lc, lb);
  const rf = freeAxes(ra.shape.length, rc, rb);
  const prod = (s: readonly number[], axes: readonly number[]) => axes.reduce((a, i) => a * s[i]!, 1);
  const B = prod(la.shape, lb);
  const M = prod(la.shape, lf);
  const K = prod(la.shape, lc);
  const N = prod(ra.shape, rf);
  const ident = (perm: readonly number[]) => perm.every((q, i) => q === i);
  // lhs as [B, M, K] or, transposed, [B, K, M]
  // an operand read in neither order is copied into the one that keeps its last axis last (a
  // copy of rows, attention's [b, t, h, d] as [b, h, d, t] read transposed), else into the normal one
  const layout = (normal: number[], trans: number[], rank: number) => {
    if (ident(normal)) return { trans: false, perm: null };
    if (ident(trans)) return { trans: true, perm: null };
    const t = trans[rank - 1] === rank - 1 && normal[rank - 1] !== rank - 1;
    return { trans: t, perm: t ? trans : normal };
  };
  const lo = layout([...lb, ...lf, ...lc], [...lb, ...lc, ...lf], la.shape.length);
  const ro = layout([...rb, ...rc, ...rf], [...rb, ...rf, ...rc], ra.shape.length);
  const [transA, lPerm, transB, rPerm] = [lo.trans, lo.perm, ro.trans, ro.perm];
  const lGather = lPerm ? permuter(la, lPerm) : null;
  const rGather = rPerm ? permuter(ra, rPerm) : null;
  const aval = p.buffers[out]!;
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
    const a = lGather ? lGather(env[lhs]!.data) : env[lhs]!.data;
    const b = rGather ? rGather(env[rhs]!.data) : env[rhs]!.data;
    const o = alloc(out);
    if (B * M * N > 0) {
      if (gemv) gemv(a as Float32Array, b as Float32Array, o as Float32Array);
      else if (f64) matmulF64(a as Float64Array, b as Float64Array, o as Float64Array, M, K, N, { transA, transB, batch: B });
      else matmulF32(a as Float32Array, b as Float32Array, o as Float32Array, M, K, N, { transA, transB, batch: B });
    }
    env[out] = new HostArray(o, aval.shape, aval.dtype);
  };
}

/**
 * The transposing copy of a GEMM operand into `perm`'s axis order, planned once per kernel: block
 * copies of rows where the last axis stays contiguous (attention's heads, [b, t, h, d] read as
 * [b, h, t, d]), else an index table built once; into one scratch buffer per kernel, which the
 * GEMM reads at once (runs never overlap).
 */
function permuter(a: AbstractValue, perm: readonly number[]): (src: AnyTypedArray) => AnyTypedArray {
  const st = stridesOf(a.shape);
  const shape = perm.map((i) => a.shape[i]!);
  const strides = perm.map((i) => st[i]!);
  const n = sizeOf(shape);
  const out = allocate(a.dtype, n);
  const rows = rowCopy(shape, strides, 0);
  if (rows) {
    return (src) => {
      rows(src, out);
      return out;
    };
  }
  const offs = stridedOffsets(shape, strides, 0);
  return (src) => {
    for (let i = 0; i < n; i++) out[i] = src[offs[i]!]!;
    return out;
  };
}

interface Compiled {
  readonly runners: readonly Runner[];
  /** Buffers that leave the program (outputs and what they alias): always fresh arrays. */
  readonly escaping: ReadonlySet<number>;
  /** The program's own buffers for its intermediates, reused by every run (runs never overlap). */
  readonly owned: Map<number, AnyTypedArray>;
}
const compiled = new WeakMap<Program, Compiled>();

/** Program outputs, and the buffers they may share memory with (aliasing copies, opaque steps). */
function escapingBuffers(p: Program): Set<number> {
  const out = new Set<number>(p.outputs);
  for (let i = p.kernels.length - 1; i >= 0; i--) {
    const k = p.kernels[i]!;
    if (!out.has(k.out)) continue;
    if (k.kind === "elementwise" && k.expr.op === "load" && k.inputs.length === 1) out.add(k.inputs[0]!.buffer);
    if (k.kind === "opaque") for (const b of k.inputs) out.add(b);
  }
  return out;
}

function compile(p: Program): Compiled {
  let c = compiled.get(p);
  if (!c) {
    c = { runners: p.kernels.map((k) => compileKernel(k, p)), escaping: escapingBuffers(p), owned: new Map() };
    compiled.set(p, c);
  }
  return c;
}

function runProgram(p: Program, inputs: readonly HostArray[]): HostArray[] {
  const { runners, escaping, owned } = compile(p);
  const alloc: Alloc = (slot) => {
    const aval = p.buffers[slot]!;
    const n = sizeOf(aval.shape);
    if (escaping.has(slot)) return allocate(aval.dtype, n);
    let b = owned.get(slot);
    if (!b) owned.set(slot, (b = allocate(aval.dtype, n)));
    return b;
  };
  const env: Env = new Array<HostArray>(p.buffers.length);
  p.inputs.forEach((slot, i) => (env[slot] = inputs[i]!));
  for (const r of runners) r(env, alloc);
  return p.outputs.map((slot) => env[slot]!);
}

export const wasmBackend: KernelBackend = {
  name: "wasm",
  kind: "kernels",
  ...hostStorage(() => wasmBackend),
  run: (program, inputs) => runProgram(program, inputs.map(hostOf)).map((h) => new HostBackedArray(h, wasmBackend)),
};
