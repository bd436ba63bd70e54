/**
 * Kernel source generation for gpu.js: each float32 plan step (compile/fusion.ts) becomes the body
 * of one gpu.js kernel function over a flat 1-D output. The same JavaScript source is what gpu.js
 * translates to WGSL (webgpu), WebAssembly (webasm) or runs as JS (cpu), so the code sticks to the
 * subset all three translate identically:
 *
 * - one thread per output element, `this.thread.x` = the row-major flat index; every input is a
 *   flat Float32Array (or device buffer) indexed with emitted integer index math (strides, offset,
 *   broadcasting as stride 0), so any rank and any view works and output rank is always 1;
 * - index decomposition t -> (i0, i1, ...) by division with an exact fix-up: gpu.js computes `/`
 *   in float32 (WGSL's f32 division is only accurate to 2.5 ulp), so a plain Math.floor(t / d)
 *   can be off by one (or three, near 2^24); the fix-up recomputes the remainder, which is exact
 *   because every index is an integer below 2^24 (see F32_MAX_INDEX);
 * - loops only with literal bounds (the reduced or contracted extents), and the kernel's
 *   loopMaxIterations raised above the largest, so no loop is ever cut;
 * - dims that are contiguous for every operand are merged first, so most kernels need no
 *   division at all.
 */
import { sizeOf, stridesOf } from "../../ir/aval.js";
import type { Step, View } from "../../compile/fusion.js";
import type { Expr } from "../kernels/elementwise.js";
import { freeAxes, type DotGeneralParams } from "../../prims/dot.js";
import type { Var } from "../../ir/graph.js";

export type GpuMode = "cpu" | "webasm" | "webgpu" | "headlessgl";

/** One operand access: argument index, base offset, stride per output dim and per reduced dim. */
interface Access {
  readonly arg: number;
  readonly offset: number;
  readonly out: readonly number[];
  readonly red: readonly number[];
}

type Body =
  | { readonly kind: "expr"; readonly expr: Expr }
  | { readonly kind: "reduce"; readonly op: "sum" | "max" | "min" | "prod"; readonly expr: Expr }
  | { readonly kind: "dot" };

interface LoopSpec {
  readonly outShape: readonly number[];
  readonly redShape: readonly number[];
  /** the distinct buffers the kernel reads, in argument order */
  readonly args: readonly Var[];
  readonly access: readonly Access[];
  readonly body: Body;
}

/** A generated kernel: its gpu.js function body, arguments and settings. */
export interface KernelSource {
  /** argument names a0, a1, ... */
  readonly params: readonly string[];
  readonly body: string;
  /** flat output size */
  readonly size: number;
  /** the buffers to pass, in order */
  readonly args: readonly Var[];
  /** loopMaxIterations to set: above every emitted loop bound */
  readonly loopMax: number;
  /** cache key: mode-independent source plus sizes */
  readonly key: string;
}

export type Generated = { readonly ok: true; readonly kernel: KernelSource } | { readonly ok: false; readonly reason: string };

/**
 * gpu.js declares every kernel variable as float32 on webgpu, webasm and the GL modes (WGSL
 * `var x : f32 = f32(i32(threadGid.x))`; webasm replicates those semantics), so index math is exact
 * only below 2^24: larger arrays are not given to those modes. cpu mode computes in doubles.
 */
export const F32_MAX_INDEX = 2 ** 24;
const CPU_MAX_INDEX = 2 ** 31 - 1;

/** Builds the kernel for a float32 step, or says why it cannot. */
export function generate(step: Step, mode: GpuMode): Generated {
  const spec = loopSpec(step);
  if (!spec) return { ok: false, reason: `step ${step.kind} has no gpu.js kernel form` };
  const limit = mode === "cpu" ? CPU_MAX_INDEX : F32_MAX_INDEX;
  const n = sizeOf(spec.outShape);
  const biggest = Math.max(n, ...spec.args.map((v) => sizeOf(v.aval.shape)));
  if (biggest > limit) {
    return { ok: false, reason: `an array of ${biggest} elements is over gpu.js ${mode}'s exact index range (${limit})` };
  }
  try {
    return { ok: true, kernel: emit(collapse(spec), mode) };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    throw e;
  }
}

class Unsupported extends Error {}

// ---------------------------------------------------------------------------------------------
// steps -> loop specs

function argIndex(args: Var[], v: Var): number {
  let i = args.indexOf(v);
  if (i < 0) {
    i = args.length;
    args.push(v);
  }
  return i;
}

function loopSpec(step: Step): LoopSpec | null {
  switch (step.kind) {
    case "fused": {
      const args: Var[] = [];
      const access = step.inputs.map((v) => viewAccess(args, v, []));
      return { outShape: step.out.aval.shape, redShape: [], args, access, body: { kind: "expr", expr: step.expr } };
    }
    case "copy": {
      const args: Var[] = [];
      return { outShape: step.out.aval.shape, redShape: [], args, access: [viewAccess(args, step.input, [])], body: { kind: "expr", expr: { op: "input", index: 0 } } };
    }
    case "reduce": {
      // the fused elementwise producer is evaluated inside the reduction loop
      const kept = step.shape.map((_, i) => i).filter((i) => !step.axes.includes(i));
      const args: Var[] = [];
      const access = step.inputs.map((v) => ({
        arg: argIndex(args, v.base),
        offset: v.offset,
        out: kept.map((a) => v.strides[a]!),
        red: step.axes.map((a) => v.strides[a]!),
      }));
      return {
        outShape: kept.map((a) => step.shape[a]!),
        redShape: step.axes.map((a) => step.shape[a]!),
        args,
        access,
        body: { kind: "reduce", op: step.op, expr: step.expr },
      };
    }
    case "dot":
      return dotSpec(step.lhs, step.rhs, step.params);
    case "eqn":
      return null;
  }
}

function viewAccess(args: Var[], v: View, red: number[]): Access {
  return { arg: argIndex(args, v.base), offset: v.offset, out: v.strides, red };
}

function dotSpec(lhs: Var, rhs: Var, p: DotGeneralParams): LoopSpec {
  const xs = lhs.aval.shape;
  const ys = rhs.aval.shape;
  const xst = stridesOf(xs);
  const yst = stridesOf(ys);
  const [lc, rc] = p.contract;
  const [lb, rb] = p.batch;
  const lf = freeAxes(xs.length, lc, lb);
  const rf = freeAxes(ys.length, rc, rb);
  const args: Var[] = [];
  const a = argIndex(args, lhs);
  const b = argIndex(args, rhs);
  const outShape = [...lb.map((i) => xs[i]!), ...lf.map((i) => xs[i]!), ...rf.map((i) => ys[i]!)];
  const access: Access[] = [
    { arg: a, offset: 0, out: [...lb.map((i) => xst[i]!), ...lf.map((i) => xst[i]!), ...rf.map(() => 0)], red: lc.map((i) => xst[i]!) },
    { arg: b, offset: 0, out: [...rb.map((i) => yst[i]!), ...lf.map(() => 0), ...rf.map((i) => yst[i]!)], red: rc.map((i) => yst[i]!) },
  ];
  return { outShape, redShape: lc.map((i) => xs[i]!), args, access, body: { kind: "dot" } };
}

// ---------------------------------------------------------------------------------------------
// dim merging

/** Drops size-1 dims and merges neighbours that are contiguous for every access. */
function collapse(s: LoopSpec): LoopSpec {
  const merge = (shape: readonly number[], strides: (a: Access) => readonly number[]) => {
    const keep = shape.map((_, i) => i).filter((i) => shape[i] !== 1);
    const dims: number[] = [];
    const st: number[][] = s.access.map(() => []);
    for (const i of keep) {
      const last = dims.length - 1;
      const d = shape[i]!;
      if (last >= 0 && s.access.every((a, j) => st[j]![last] === strides(a)[i]! * d)) {
        dims[last]! *= d;
        s.access.forEach((a, j) => (st[j]![last] = strides(a)[i]!));
      } else {
        dims.push(d);
        s.access.forEach((a, j) => st[j]!.push(strides(a)[i]!));
      }
    }
    return { dims, st };
  };
  const o = merge(s.outShape, (a) => a.out);
  const r = merge(s.redShape, (a) => a.red);
  return {
    ...s,
    outShape: o.dims,
    redShape: r.dims,
    access: s.access.map((a, j) => ({ arg: a.arg, offset: a.offset, out: o.st[j]!, red: r.st[j]! })),
  };
}

// ---------------------------------------------------------------------------------------------
// emission

function lit(v: number): string {
  if (!Number.isFinite(v)) throw new Unsupported(`constant ${v} in a kernel`);
  const s = String(v);
  return v < 0 || Object.is(v, -0) ? `(${Object.is(v, -0) ? "-0.0" : s})` : s;
}

/** `base + i*s + ...` with zero strides dropped. */
function affine(offset: number, idx: readonly string[], strides: readonly number[]): string {
  const terms: string[] = offset !== 0 ? [String(offset)] : [];
  idx.forEach((name, d) => {
    const s = strides[d]!;
    if (s === 1) terms.push(name);
    else if (s !== 0) terms.push(`${name} * ${s}`);
  });
  return terms.length ? terms.join(" + ") : "0";
}

function emit(s: LoopSpec, mode: GpuMode): KernelSource {
  const n = Math.max(1, sizeOf(s.outShape));
  const lines: string[] = [];
  // thread index -> per-dim indices, innermost first
  const rank = s.outShape.length;
  const idx: string[] = new Array(rank);
  if (rank > 0) {
    lines.push("const t = this.thread.x;");
    let rest = "t";
    const big = n > 2 ** 22; // float32 quotient estimate may be off by more than one: refine once more
    for (let d = rank - 1; d >= 1; d--) {
      const D = s.outShape[d]!;
      const q = `q${d}`;
      const r = `i${d}`;
      lines.push(`let ${q} = (${rest} / ${D}) | 0;`);
      lines.push(`let ${r} = ${rest} - ${q} * ${D};`);
      if (big) {
        lines.push(`${q} = ${q} + ((${r} / ${D}) | 0);`);
        lines.push(`${r} = ${rest} - ${q} * ${D};`);
      }
      lines.push(`if (${r} < 0) { ${q} = ${q} - 1; ${r} = ${r} + ${D}; }`);
      lines.push(`if (${r} >= ${D}) { ${q} = ${q} + 1; ${r} = ${r} - ${D}; }`);
      idx[d] = r;
      rest = q;
    }
    idx[0] = rest;
  }
  const base = s.access.map((a, j) => {
    const name = `p${j}`;
    lines.push(`const ${name} = ${affine(a.offset, idx, a.out)};`);
    return name;
  });
  const arg = (j: number) => `a${s.access[j]!.arg}`;
  let loopMax = 1000;
  switch (s.body.kind) {
    case "expr":
      lines.push(...emitExpr(s.body.expr, (i) => `${arg(i)}[${base[i]}]`, mode, ""));
      break;
    case "reduce":
    case "dot": {
      const ks = s.redShape.map((_, d) => `k${d}`);
      loopMax = Math.max(loopMax, ...s.redShape.map((k) => k + 1));
      const at = (j: number, inLoop: boolean) => {
        const off = inLoop ? affine(0, ks, s.access[j]!.red) : "0";
        return `${arg(j)}[${off === "0" ? base[j] : `${base[j]} + ${off}`}]`;
      };
      const body = s.body;
      const ind = "  ".repeat(s.redShape.length);
      const op = body.kind === "dot" ? "dot" : body.op;
      if (op === "max" || op === "min") {
        // start from the first element (no infinities in kernel source)
        const first = emitExpr((body as { expr: Expr }).expr, (j) => at(j, false), mode, "z");
        lines.push(...first.slice(0, -1), `let acc = ${first[first.length - 1]!.replace(/^return (.*);$/, "$1")};`);
      } else lines.push(`let acc = ${op === "prod" ? "1" : "0"};`);
      s.redShape.forEach((K, d) => lines.push(`${"  ".repeat(d)}for (let ${ks[d]} = 0; ${ks[d]} < ${K}; ${ks[d]}++) {`));
      let value: string;
      if (body.kind === "dot") value = `${at(0, true)} * ${at(1, true)}`;
      else {
        const code = emitExpr(body.expr, (j) => at(j, true), mode, "");
        lines.push(...code.slice(0, -1).map((l) => ind + l));
        value = code[code.length - 1]!.replace(/^return (.*);$/, "$1");
      }
      switch (op) {
        case "dot":
        case "sum":
          lines.push(`${ind}acc += ${value};`);
          break;
        case "prod":
          lines.push(`${ind}acc *= ${value};`);
          break;
        case "max":
        case "min":
          lines.push(`${ind}acc = Math.${op}(acc, ${value});`);
          break;
      }
      for (let d = s.redShape.length - 1; d >= 0; d--) lines.push(`${"  ".repeat(d)}}`);
      lines.push("return acc;");
      break;
    }
  }
  const params = s.args.map((_, i) => `a${i}`);
  const body = lines.join("\n");
  const sizes = s.args.map((v) => sizeOf(v.aval.shape)).join(",");
  return { params, body, size: n, args: s.args, loopMax, key: `${n}|${sizes}|${body}` };
}

const CMP: Record<string, string> = { lt: "<", le: "<=", gt: ">", ge: ">=", eq: "===", ne: "!==" };

/** Straight-line code for an expression DAG: one `const` per node, shared nodes computed once. */
function emitExpr(root: Expr, load: (i: number) => string, mode: GpuMode, prefix: string): string[] {
  const lines: string[] = [];
  const names = new Map<Expr, string>();
  const inputs = new Map<number, string>();
  const go = (e: Expr): string => {
    const hit = names.get(e);
    if (hit) return hit;
    let code: string;
    switch (e.op) {
      case "input": {
        const seen = inputs.get(e.index);
        if (seen) return seen;
        const name = `${prefix}x${e.index}`;
        lines.push(`const ${name} = ${load(e.index)};`);
        inputs.set(e.index, name);
        return name;
      }
      case "const":
        // an integral literal alone would make gpu.js type the value as an integer
        return Number.isInteger(e.value) ? `(${lit(e.value)} + 0.5 - 0.5)` : lit(e.value);
      case "where": {
        const c = e.cond;
        const a = go(e.a);
        const b = go(e.b);
        if (c.op in CMP && "a" in c) code = `(${go(c.a)} ${CMP[c.op]} ${go(c.b)} ? ${a} : ${b})`;
        else code = `(${go(c)} !== 0 ? ${a} : ${b})`;
        break;
      }
      case "neg":
        code = `-${go(e.x)}`;
        break;
      case "exp":
      case "log":
      case "sqrt":
      case "sin":
      case "cos":
      case "abs":
      case "sign":
        code = `Math.${e.op}(${go(e.x)})`;
        break;
      case "tanh":
        // WGSL's tanh overflows to NaN past |x| ~ 45 on some drivers; tanh(±15) is ±1 in float32
        code = mode === "webgpu" ? `Math.tanh(Math.min(Math.max(${go(e.x)}, -15), 15))` : `Math.tanh(${go(e.x)})`;
        break;
      case "recip":
        code = `1 / ${go(e.x)}`;
        break;
      case "square": {
        const x = go(e.x);
        code = `${x} * ${x}`;
        break;
      }
      case "add":
        code = `${go(e.a)} + ${go(e.b)}`;
        break;
      case "sub":
        code = `${go(e.a)} - ${go(e.b)}`;
        break;
      case "mul":
        code = `${go(e.a)} * ${go(e.b)}`;
        break;
      case "div":
        code = `${go(e.a)} / ${go(e.b)}`;
        break;
      case "max":
      case "min":
      case "pow":
        code = `Math.${e.op}(${go(e.a)}, ${go(e.b)})`;
        break;
      default:
        // a comparison outside a select: fusion never builds one
        throw new Unsupported(`a bare ${e.op} in a kernel`);
    }
    const name = `${prefix}e${names.size}`;
    lines.push(`const ${name} = ${code};`);
    names.set(e, name);
    return name;
  };
  const r = go(root);
  lines.push(`return ${r};`);
  return lines;
}
