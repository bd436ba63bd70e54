/**
 * Kernel source generation for gpu.js, the gpu.js renderer of the kernel IR: each kernel of a
 * program (ir/kernel.ts) becomes the body of one gpu.js kernel function over a flat 1-D output. The same JavaScript source is what gpu.js
 * translates to WGSL (webgpu), WebAssembly (webasm) or runs as JS (cpu), so the code sticks to the
 * subset all three translate identically:
 *
 * - one thread per output element, `this.thread.x` = the row-major flat index; every input is a
 *   flat Float32Array (or device buffer) indexed with emitted integer index math (strides, offset,
 *   broadcasting as stride 0), so any rank and any view works and output rank is always 1; on
 *   webgpu, an elementwise kernel of up to three dims whose innermost is a multiple of 4
 *   computes 4 neighbouring outputs per thread instead (`emitBlocked`), and on the modes with
 *   Array(n) buffers a contraction computes a block of outputs (contraction.ts);
 * - index decomposition t -> (i0, i1, ...) by division with an exact fix-up: gpu.js computes `/`
 *   in float32 (WGSL's f32 division is only accurate to 2.5 ulp), so a plain Math.floor(t / d)
 *   can be off by one (or three, near 2^24); the fix-up recomputes the remainder, which is exact
 *   because every index is an integer below 2^24 (see F32_MAX_INDEX);
 * - loops only with literal bounds (the reduced or contracted extents), and the kernel's
 *   loopMaxIterations raised above the largest, so no loop is ever cut;
 * - dims that are contiguous for every operand are merged first, so most kernels need no
 *   division at all.
 */
import { sizeOf } from "../../ir/aval.js";
import { BLOCKED_MODES, blockedContraction, fitsWebGpuGrid, type BlockedSource, type ContractionParts } from "./contraction.js";
import { JsWgslError } from "./js-wgsl.js";
import { contractionAsReduce, isBinary, isUnary, mergeDims, topo, type AluOp, type Expr, type Kernel, type MaskDim, type Operand, type Program, type ReduceOp } from "../../ir/kernel.js";

export type GpuMode = "cpu" | "webasm" | "webgpu" | "headlessgl" | "webgl2" | "webgl";

/**
 * One operand access: argument index, base offset, stride per output dim and per reduced dim, and
 * for a masked view (pad, concatenate) the valid range per output dim.
 */
export interface Access {
  readonly arg: number;
  readonly offset: number;
  readonly out: readonly number[];
  readonly red: readonly number[];
  readonly mask?: readonly MaskDim[];
}

export type Body =
  | { readonly kind: "expr"; readonly expr: Expr }
  | { readonly kind: "reduce"; readonly op: ReduceOp; readonly expr: Expr }
  | { readonly kind: "dot" };

export interface LoopSpec {
  readonly outShape: readonly number[];
  readonly redShape: readonly number[];
  /** the distinct buffers the kernel reads, in argument order */
  readonly args: readonly number[];
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
  readonly args: readonly number[];
  /** loopMaxIterations to set: above every emitted loop bound */
  readonly loopMax: number;
  /** cache key: mode-independent source plus sizes */
  readonly key: string;
  /** gpu.js output dims (x, y, z) where not the flat [size] (blocked contractions) */
  readonly output?: readonly number[];
  /** outputs per thread, stored at t·components + c (the flat row-major result) */
  readonly components?: number;
}

export type Generated = { readonly ok: true; readonly kernel: KernelSource } | { readonly ok: false; readonly reason: string };

/**
 * gpu.js declares every kernel variable as float32 on webgpu, webasm and the GL modes (WGSL
 * `var x : f32 = f32(i32(threadGid.x))`; webasm replicates those semantics), so index math is exact
 * only below 2^24: larger arrays are not given to those modes. cpu mode computes in doubles.
 */
export const F32_MAX_INDEX = 2 ** 24;
const CPU_MAX_INDEX = 2 ** 31 - 1;

/**
 * Builds the gpu.js kernel for a kernel of a program, or says why it cannot. Every value is an
 * f32 on the device: bools are 0/1 and int32 values are exact integers below 2^24 (gpu.js has no
 * integer buffers), with integer division and casts fixed up to C semantics.
 */
export function generate(kernel: Kernel, program: Program, mode: GpuMode): Generated {
  const spec = loopSpec(kernel, program);
  if (!spec) return { ok: false, reason: `a ${kernel.kind} kernel has no gpu.js form` };
  const limit = mode === "cpu" ? CPU_MAX_INDEX : F32_MAX_INDEX;
  const n = sizeOf(spec.outShape);
  const biggest = Math.max(n, ...spec.args.map((b) => sizeOf(program.buffers[b]!.shape)));
  if (biggest > limit) {
    return { ok: false, reason: `an array of ${biggest} elements is over gpu.js ${mode}'s exact index range (${limit})` };
  }
  try {
    if (kernel.kind === "contraction" && BLOCKED_MODES.has(mode)) {
      const b = blockedContraction(kernel, program, epilogueEmitter(mode));
      if (b) return { ok: true, kernel: blockedSource(b, program, n) };
    }
    return { ok: true, kernel: emit(collapse(spec), program, mode) };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    throw e;
  }
}

class Unsupported extends Error {}

// ---------------------------------------------------------------------------------------------
// kernels -> loop specs

function argIndex(args: number[], b: number): number {
  let i = args.indexOf(b);
  if (i < 0) {
    i = args.length;
    args.push(b);
  }
  return i;
}

function loopSpec(k: Kernel, p: Program): LoopSpec | null {
  switch (k.kind) {
    case "elementwise": {
      const args: number[] = [];
      const access = k.inputs.map((o) => viewAccess(args, o));
      return { outShape: p.buffers[k.out]!.shape, redShape: [], args, access, body: { kind: "expr", expr: k.expr } };
    }
    case "reduce": {
      // the fused elementwise producer is evaluated inside the reduction loop
      const kept = k.shape.map((_, i) => i).filter((i) => !k.axes.includes(i));
      const args: number[] = [];
      const access = k.inputs.map((o) => ({
        arg: argIndex(args, o.buffer),
        offset: o.view.offset,
        out: kept.map((a) => o.view.strides[a]!),
        red: k.axes.map((a) => o.view.strides[a]!),
      }));
      return {
        outShape: kept.map((a) => k.shape[a]!),
        redShape: k.axes.map((a) => k.shape[a]!),
        args,
        access,
        body: { kind: "reduce", op: k.op, expr: k.expr },
      };
    }
    case "contraction":
      // the reduce over [batch, lhs free, rhs free, contracted] of lhs · rhs, with a plain product body
      return { ...loopSpec(contractionAsReduce(k, p.buffers[k.lhs]!, p.buffers[k.rhs]!), p)!, body: { kind: "dot" } };
    case "opaque":
      return null;
  }
}

function viewAccess(args: number[], o: Operand): Access {
  const a = { arg: argIndex(args, o.buffer), offset: o.view.offset, out: o.view.strides, red: [] };
  return o.view.mask ? { ...a, mask: o.view.mask } : a;
}

// ---------------------------------------------------------------------------------------------
// dim merging

/** Drops size-1 dims and merges neighbours that are contiguous for every access (masked kernels keep theirs). */
function collapse(s: LoopSpec): LoopSpec {
  if (s.access.some((a) => a.mask)) return s;
  const o = mergeDims(s.outShape, s.access.map((a) => a.out));
  const r = mergeDims(s.redShape, s.access.map((a) => a.red));
  return {
    ...s,
    outShape: o.shape,
    redShape: r.shape,
    access: s.access.map((a, j) => ({ arg: a.arg, offset: a.offset, out: o.strides[j]!, red: r.strides[j]! })),
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

/**
 * Each access's element index at the output point `idx` (per dim, innermost last), as constants
 * `p<j><suffix>`, and for a masked view (pad, concatenate) its validity `v<j><suffix>`.
 */
function pointers(s: LoopSpec, idx: readonly string[], lines: string[], suffix: string): { base: string[]; valid: (string | null)[] } {
  const valid: (string | null)[] = [];
  const base = s.access.map((a, j) => {
    const name = `p${j}${suffix}`;
    if (!a.mask) {
      lines.push(`const ${name} = ${affine(a.offset, idx, a.out)};`);
      valid.push(null);
      return name;
    }
    // a masked view: element (i - lo) / step where i is in range and on the step, else 0
    const conds: string[] = [];
    const terms: string[] = a.offset !== 0 ? [String(a.offset)] : [];
    a.mask.forEach((m, d) => {
      const i = idx[d] ?? "0";
      if (m.lo > 0) conds.push(`${i} >= ${m.lo}`);
      conds.push(`${i} < ${m.hi}`);
      const k = m.lo === 0 ? i : `(${i} - ${m.lo})`;
      if (m.step === 1) {
        if (a.out[d] !== 0) terms.push(`${k} * ${a.out[d]}`);
      } else {
        // exact: the quotient is rounded, then checked (f32 division may be off by an ulp)
        lines.push(`const q${j}_${d}${suffix} = Math.floor(${k} / ${m.step} + 0.5);`);
        conds.push(`q${j}_${d}${suffix} * ${m.step} === ${k}`);
        if (a.out[d] !== 0) terms.push(`q${j}_${d}${suffix} * ${a.out[d]}`);
      }
    });
    const v = `v${j}${suffix}`;
    lines.push(`const ${v} = ${conds.length ? conds.map((c) => `(${c})`).join(" && ") : "true"};`);
    lines.push(`const ${name} = ${v} ? ${terms.length ? terms.join(" + ") : "0"} : 0;`);
    valid.push(v);
    return name;
  });
  return { base, valid };
}

/** Operand j read at `at(j)`, zero where its masked view has no element. */
const access = (at: (j: number) => string, valid: readonly (string | null)[]): GpuAccess => ({
  load: (j) => (valid[j] ? `(${valid[j]} ? ${at(j)} : ${ZERO})` : at(j)),
  valid: (j) => (valid[j] ? `(${valid[j]} ? ${ONE} : ${ZERO})` : ONE),
});

/** Outputs per thread of a blocked elementwise kernel. */
const ELEMENTWISE_BLOCK = 4;
/**
 * The modes that take blocked elementwise kernels: webgpu, where an Array(4) result is the flat
 * buffer itself. On webasm and cpu it comes back as one small array per thread, copied into one
 * (backend.ts `flatResult`): elementwise 1M on gpujs:webasm took 2x longer blocked.
 */
const ELEMENTWISE_BLOCKED_MODES: ReadonlySet<GpuMode> = new Set<GpuMode>(["webgpu"]);

/**
 * An elementwise kernel with 4 neighbouring outputs per thread, returned as Array(4) (stored at
 * t·4 + c: the row-major result, as blocked contractions are), or null where it does not apply:
 * a mode other than webgpu (`ELEMENTWISE_BLOCKED_MODES`), more than three dims, an innermost dim that
 * is not a multiple of 4, a grid gpu.js cannot dispatch (`fitsWebGpuGrid`). The output
 * dims are the thread axes (x counting blocks), so no index needs a division. On SwiftShader
 * elementwise kernels ran in 1.6-2x less time this way (fewer invocations, one index computation
 * per 4 elements; bench/gpu-check.ts task 1, 1M elements: 38 -> 24 ms); an operand constant
 * along the innermost dim is loaded once.
 */
function emitBlocked(s: LoopSpec, program: Program, mode: GpuMode): KernelSource | null {
  const B = ELEMENTWISE_BLOCK;
  const rank = s.outShape.length;
  if (s.body.kind !== "expr" || !ELEMENTWISE_BLOCKED_MODES.has(mode) || rank === 0 || rank > 3) return null;
  const inner = s.outShape[rank - 1]!;
  if (inner % B !== 0) return null;
  const output = [inner / B, ...s.outShape.slice(0, -1).reverse()];
  if (!fitsWebGpuGrid(output)) return null;
  const lines: string[] = [`const tx = this.thread.x * ${B};`];
  const idx = ["tz", "ty", "tx"].slice(3 - rank);
  if (rank > 1) lines.push("const ty = this.thread.y;");
  if (rank > 2) lines.push("const tz = this.thread.z;");
  const expr = s.body.expr;
  const values: string[] = [];
  for (let c = 0; c < B; c++) {
    const at = [...idx.slice(0, -1), c === 0 ? "tx" : `(tx + ${c})`];
    const { base, valid } = pointers(s, at, lines, `_${c}`);
    // an unmasked operand constant along the innermost dim: component 0's value
    const shared = (j: number) => c > 0 && !valid[j] && s.access[j]!.out[rank - 1] === 0;
    const code = emitExpr(expr, access((j) => (shared(j) ? `c0_x${j}` : `a${s.access[j]!.arg}[${base[j]}]`), valid), mode, `c${c}_`);
    lines.push(...code.slice(0, -1));
    values.push(code[code.length - 1]!.replace(/^return (.*);$/, "$1"));
  }
  lines.push(`return [${values.join(", ")}];`);
  const params = s.args.map((_, i) => `a${i}`);
  return blockedSource({ params, body: lines.join("\n"), output, components: B, args: s.args, loopMax: 1000 }, program, sizeOf(s.outShape));
}

function emit(s: LoopSpec, program: Program, mode: GpuMode): KernelSource {
  const blocked = emitBlocked(s, program, mode);
  if (blocked) return blocked;
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
  const { base, valid } = pointers(s, idx, lines, "");
  const arg = (j: number) => `a${s.access[j]!.arg}`;
  const io = (at: (j: number) => string): GpuAccess => access(at, valid);
  let loopMax = 1000;
  switch (s.body.kind) {
    case "expr":
      lines.push(...emitExpr(s.body.expr, io((i) => `${arg(i)}[${base[i]}]`), mode, ""));
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
        const first = emitExpr((body as { expr: Expr }).expr, io((j) => at(j, false)), mode, "z");
        lines.push(...first.slice(0, -1), `let acc = ${first[first.length - 1]!.replace(/^return (.*);$/, "$1")};`);
      } else lines.push(`let acc = ${op === "prod" ? "1" : "0"};`);
      s.redShape.forEach((K, d) => lines.push(`${"  ".repeat(d)}for (let ${ks[d]} = 0; ${ks[d]} < ${K}; ${ks[d]}++) {`));
      let value: string;
      if (body.kind === "dot") value = `${at(0, true)} * ${at(1, true)}`;
      else {
        const code = emitExpr(body.expr, io((j) => at(j, true)), mode, "");
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
          lines.push(`${ind}acc = ${minMaxCode(op, "acc", value, mode)};`);
          break;
      }
      for (let d = s.redShape.length - 1; d >= 0; d--) lines.push(`${"  ".repeat(d)}}`);
      lines.push("return acc;");
      break;
    }
  }
  const params = s.args.map((_, i) => `a${i}`);
  const body = lines.join("\n");
  const sizes = s.args.map((b) => sizeOf(program.buffers[b]!.shape)).join(",");
  return { params, body, size: n, args: s.args, loopMax, key: `${n}|${sizes}|${body}` };
}

/** How a kernel reads operand j, and whether it has an element at this point. */
interface GpuAccess {
  load(j: number): string;
  valid(j: number): string;
}

// an integral literal alone would make gpu.js type the value as an integer
const ONE = "(1.5 - 0.5)";
const ZERO = "(0.5 - 0.5)";
// -0 is -(+0): `(-0.0) + 0.5 - 0.5` would be +0
const fnum = (v: number) => (Object.is(v, -0) ? `(-${ZERO})` : Number.isInteger(v) ? `(${lit(v)} + 0.5 - 0.5)` : lit(v));
const cmp = (op: string) => (_e: Expr, [a, b]: readonly string[]) => `(${a} ${op} ${b} ? ${ONE} : ${ZERO})`;
const math = (fn: string) => (_e: Expr, [x]: readonly string[]) => `Math.${fn}(${x})`;
/** The modes whose kernels are shaders (WGSL, GLSL): a NaN operand is passed through explicitly there. */
export const SHADER: ReadonlySet<GpuMode> = new Set<GpuMode>(["webgpu", "webgl2", "webgl", "headlessgl"]);
/**
 * WGSL may assume no NaNs: its max/min return the other operand of a NaN, sign(NaN) is 0 and `!=` is
 * an ordered compare (false for NaN) on SwiftShader. `x === x` (false only for NaN) does hold, so
 * on webgpu a NaN operand is passed through explicitly, as JavaScript (and the wasm backend) do.
 * GLSL (the GL modes) loses NaN the same way and keeps `x == x` too.
 */
const keepNaN = (mode: GpuMode, x: string, value: string) => (SHADER.has(mode) ? `(${x} === ${x} ? ${value} : ${x})` : value);
/** max/min that propagate NaN on every mode. */
/**
 * shaders: WGSL's and GLSL's max/min may return either zero for ±0; with both zero, max is a + b (-0 only for
 * -0, -0) and min is -(-a - b) (+0 only for +0, +0), as JavaScript's.
 */
const zeros = (fn: "max" | "min", a: string, b: string, mode: GpuMode, value: string) =>
  SHADER.has(mode) ? `(${a} === 0 && ${b} === 0 ? ${fn === "max" ? `${a} + ${b}` : `-(-${a} - ${b})`} : ${value})` : value;
const minMaxCode = (fn: "max" | "min", a: string, b: string, mode: GpuMode) => keepNaN(mode, a, keepNaN(mode, b, zeros(fn, a, b, mode, `Math.${fn}(${a}, ${b})`)));
/**
 * shaders, against a literal zero: the answer for two zeros is known without arithmetic (SwiftShader
 * folds zeros' x + 0 to x, so maximum(-0, 0) was -0): max(±0, +0) is the +0, max(x, -0) x; min(x, +0) x,
 * min(±0, -0) the -0.
 */
const minMax = (fn: "max" | "min") => (e: Expr, [a, b]: readonly string[], c: GpuCtx) => {
  const k = e.args.findIndex((x) => x.op === "const" && x.value === 0);
  if (!SHADER.has(c.mode) || k < 0) return minMaxCode(fn, a!, b!, c.mode);
  const [zero, other] = k === 0 ? [a!, b!] : [b!, a!];
  const both = (fn === "max") === !Object.is(e.args[k]!.value, -0) ? zero : other;
  return keepNaN(c.mode, other, `(${other} === 0 ? ${both} : Math.${fn}(${a}, ${b}))`);
};
const noF64 = (e: Expr) => {
  if (e.dtype === "float64") throw new Unsupported("gpu.js computes in float32");
};

const noBitwise = (e: Expr): never => {
  throw new Unsupported(`gpu.js computes in float32, which has no ${e.op} of 32-bit words`);
};

interface GpuCtx {
  readonly io: GpuAccess;
  readonly mode: GpuMode;
  /** statements to emit before the node's value */
  readonly pre: string[];
  readonly name: string;
}

/**
 * The gpu.js renderer: one entry per ALU op, in the JavaScript subset gpu.js translates alike to
 * WGSL, WebAssembly and JS. Values are f32: bools 0/1, int32 exact integers.
 */
const GPU_ALU = {
  load: (e, _a, c) => c.io.load(e.value),
  valid: (e, _a, c) => c.io.valid(e.value),
  const: (e) => fnum(e.value),
  cast: (e, [x], c) => {
    const from = e.args[0]!.dtype;
    if (e.dtype === "bool") return `((${x} < 0 ? ${ONE} : ${ZERO}) + (${x} > 0 ? ${ONE} : ${ZERO}))`;
    // truncation, saturating at the int32 range and NaN giving 0, as XLA's convert (castScalar);
    // the comparisons are false for NaN. 2147483647 is 2^31 in float32: the download clamps it.
    if (e.dtype === "int32" && (from === "float32" || from === "float64")) {
      const n = c.name;
      c.pre.push(`const t${n} = ${x} >= 2147483647.0 ? 2147483647.0 : (${x} <= (-2147483648.0) ? (-2147483648.0) : (${x} < 0 ? Math.ceil(${x}) : (${x} > 0 ? Math.floor(${x}) : ${ZERO})));`);
      return `t${n}`;
    }
    return x!;
  },
  where: (_e, [c, x, y]) => `(${c} !== 0 ? ${x} : ${y})`,
  // neg(true) is true
  neg: (e, [x]) => (e.dtype === "bool" ? x! : `-${x}`),
  recip: (_e, [x]) => `1 / ${x}`,
  sqrt: math("sqrt"),
  // shaders: exp(NaN) is Infinity on SwiftShader; log's domain is explicit in shader-forms.ts, NaN here
  exp: (_e, [x], c) => keepNaN(c.mode, x!, SHADER.has(c.mode) ? expCode(x!, c) : `Math.exp(${x})`),
  // shaders: WGSL bounds log only to 2^-21 absolute on [0.5, 2], so there log(x) is log1p(x - 1) (x - 1 exact)
  log: (_e, [x], c) => keepNaN(c.mode, x!, SHADER.has(c.mode) ? `(${x} > 0.5 && ${x} < 2 ? ${log1pSeries(`${x} - 1`, c)} : Math.log(${x}))` : `Math.log(${x})`),
  // the shader modes: range-reduced here, to the largest float (reduceTrig); SwiftShader's tan was 1e-4 relative off near 2
  sin: (_e, [x], c) => (SHADER.has(c.mode) ? sinCos("sin", x!, c) : `Math.sin(${x})`),
  cos: (_e, [x], c) => (SHADER.has(c.mode) ? sinCos("cos", x!, c) : `Math.cos(${x})`),
  tan: (_e, [x], c) => (SHADER.has(c.mode) ? tanCode(x!, c) : `Math.tan(${x})`),
  // log(u) · x / (u − 1) with u = 1 + x cancels the rounding of u (Goldberg); exact where u = 1
  log1p: (_e, [x], c) => {
    // cpu mode runs JavaScript, which has it exactly
    if (c.mode === "cpu") return `Math.log1p(${x})`;
    // shader compilers (WGSL's, GLSL's) simplify (1 + x) - 1 to x, so Goldberg's correction below is lost:
    // for 1 + x in (0.5, 2), where WGSL's log is only 2^-21 absolute, log1pSeries; the builtin past that
    // ±0 is its own log1p (in SwiftShader's GLSL, -0 / 2 is +0)
    if (SHADER.has(c.mode)) return keepNaN(c.mode, x!, `(${x} === 0 ? ${x} : (${x} > (-0.5) && ${x} < 1 ? ${log1pSeries(x!, c)} : Math.log(1 + ${x})))`);
    c.pre.push(`const u${c.name} = 1 + ${x};`);
    const u = `u${c.name}`;
    // where u - 1 == u (x past 2^24, or +Infinity) the rounding of u is nothing next to log(u)
    return `(${u} === 1 ? ${x} : ${u} - 1 === ${u} ? Math.log(${u}) : Math.log(${u}) * (${x} / (${u} - 1)))`;
  },
  // a series near 0 (no cancelling 1 - 2/(e^2x + 1)), and no overflow of WGSL's tanh past |x| ~ 45
  tanh: (_e, [x], c) => (SHADER.has(c.mode) ? tanhCode(x!, c) : `Math.tanh(${x})`),
  abs: math("abs"),
  // shaders: WGSL's (and ANGLE's GLSL) sign(-0) is +0; a zero is its own sign, as in JavaScript
  sign: (_e, [x], c) => keepNaN(c.mode, x!, SHADER.has(c.mode) ? `(${x} === 0 ? ${x} : Math.sign(${x}))` : `Math.sign(${x})`),
  floor: math("floor"),
  add: (_e, [a, b]) => `${a} + ${b}`,
  sub: (_e, [a, b]) => `${a} - ${b}`,
  mul: (_e, [a, b]) => `${a} * ${b}`,
  div: (e, [a, b], c) => {
    if (e.dtype !== "int32") return `${a} / ${b}`;
    // C division on exact integers: the f32 quotient truncated, then corrected by its remainder
    const n = c.name;
    c.pre.push(
      `const d${n} = ${a} / ${b};`,
      `let q${n} = Math.floor(Math.abs(d${n})) * Math.sign(d${n});`,
      `const s${n} = Math.sign(${a}) * Math.sign(${b});`,
      `const r${n} = ${a} - q${n} * ${b};`,
      `if (Math.abs(r${n}) >= Math.abs(${b})) { q${n} = q${n} + s${n}; }`,
      `if (r${n} * ${a} < 0) { q${n} = q${n} - s${n}; }`,
    );
    return `(${b} === 0 ? ${ZERO} : q${n})`;
  },
  max: minMax("max"),
  min: minMax("min"),
  pow: (e, [a, b]) => {
    if (e.dtype === "int32") throw new Unsupported("int32 pow on gpu.js");
    return `Math.pow(${a}, ${b})`;
  },
  lt: cmp("<"),
  le: cmp("<="),
  eq: cmp("==="),
  // not (a === b): true for NaN also where `!==` is an ordered compare (WGSL on SwiftShader)
  ne: (_e, [a, b]) => `(${a} === ${b} ? ${ZERO} : ${ONE})`,
  // bitwise ops: float32 values hold no 32-bit words (programs with uint32 values run on wasm)
  xor: noBitwise,
  and: noBitwise,
  or: noBitwise,
  shl: noBitwise,
  shr: noBitwise,
  // math
  // shaders: SwiftShader's atan2 is π at y = 0 (so asin(0) and atan(0) were π) and loses NaN: y = 0
  // explicit (±0 for x ≥ 0, π for x < 0; a shader cannot tell -0 from +0, so atan2(±0, -0) is ±0, atan2(-0, x < 0) π)
  atan2: (_e, [a, b], c) =>
    SHADER.has(c.mode) ? keepNaN(c.mode, a!, keepNaN(c.mode, b!, `(${a} === 0 ? (${b} < 0 ? 3.141592653589793 : ${a}) : Math.atan2(${a}, ${b}))`)) : `Math.atan2(${a}, ${b})`,
  // fmod as a - trunc(a / b) · b, the quotient fixed up by the remainder's sign and size (the f32
  // quotient may be off by one); exact where trunc(a / b) · b is (integers, small quotients)
  rem: (e, [a, b], c) => {
    const n = c.name;
    c.pre.push(
      `const d${n} = ${a} / ${b};`,
      `const q${n} = Math.floor(Math.abs(d${n})) * Math.sign(d${n});`,
      // a zero quotient leaves a itself (also for an infinite b, where 0 · b would be NaN)
      `let r${n} = q${n} === 0 ? ${a} : ${a} - q${n} * ${b};`,
      `if (Math.abs(r${n}) >= Math.abs(${b})) { r${n} = r${n} - Math.sign(r${n}) * Math.abs(${b}); }`,
      `if (r${n} * ${a} < 0) { r${n} = r${n} + Math.sign(${a}) * Math.abs(${b}); }`,
    );
    // an int32 remainder by zero is 0, as in the other backends
    return e.dtype === "int32" ? `(${b} === 0 ? ${ZERO} : r${n})` : `r${n}`;
  },
} satisfies Record<AluOp, (e: Expr, args: readonly string[], c: GpuCtx) => string>;

/**
 * shaders: log1p(t) for t in (-0.5, 1) as 2 atanh(s), s = t / (2 + t), |s| < 1/3, by its series to s^13
 * (the next term is below 2^-26 relative).
 */
function log1pSeries(t: string, c: GpuCtx): string {
  const n = c.name;
  c.pre.push(`const s${n} = (${t}) / (2 + (${t}));`, `const z${n} = s${n} * s${n};`);
  return `2 * (s${n} + s${n} * z${n} * (0.3333333333333333 + z${n} * (0.2 + z${n} * (0.14285714285714285 + z${n} * (0.1111111111111111 + z${n} * (0.09090909090909091 + z${n} * 0.07692307692307693))))))`;
}

/**
 * shaders: exp without the builtin, which WGSL bounds only to 3 + 2|x| ulp (SwiftShader's is
 * exp2(x · log2 e), whose rounded argument made exp(-72) 59 ulp off and sinh, cosh, erfc with it).
 * Cephes' expf: k = round(x / ln 2), r = x - k ln 2 in two parts (k · 0.693359375 is exact for
 * |k| < 2^15), a degree-7 polynomial for e^r on [-ln2/2, ln2/2], then times 2^k as 2^(k - 2h) · q · q
 * with q = 2^h, h = floor(k / 2) (so 2^128 and 2^-150 need no single power; pow(2, integer) is exact
 * where exp2 of an integer is, as on SwiftShader for every exponent). x is clamped to [-104, 89], past
 * which the result is 0 or Infinity anyway (and r would not be small).
 */
function expCode(x: string, c: GpuCtx): string {
  const n = c.name;
  c.pre.push(
    `const x${n} = Math.min(Math.max(${x}, (-104.0)), 89.0);`,
    `const k${n} = Math.floor(x${n} * 1.4426950408889634 + 0.5);`,
    `const r${n} = (x${n} - k${n} * 0.693359375) - k${n} * (-0.00021219444005469057);`,
    `const p${n} = ((((((0.00019875691500 * r${n} + 0.0013981999507) * r${n} + 0.0083334519073) * r${n} + 0.041665795894) * r${n} + 0.16666665459) * r${n} + 0.50000001201) * r${n} * r${n} + r${n}) + 1;`,
    `const h${n} = Math.floor(k${n} * 0.5);`,
    `const q${n} = Math.pow(2, h${n});`,
  );
  // the odd factor first: p · 2^-126 alone may be subnormal (flushed) where the result is not
  return `p${n} * (1 + (k${n} - 2 * h${n})) * q${n} * q${n}`;
}

/**
 * webgpu: tanh without the builtin, which SwiftShader computes by a formula that cancels for small
 * |x| (tanh(1e-6) was 1.3% off) and that overflows to NaN on some drivers. |x| < 0.4: the Taylor
 * series to x^13 (the next term is below 4e-9 relative); else 1 - 2 / (e^2|x| + 1), which has no
 * cancellation there and is ±1 where e^2|x| overflows.
 */
function tanhCode(x: string, c: GpuCtx): string {
  const n = c.name;
  c.pre.push(
    `const a${n} = Math.abs(${x});`,
    `const s${n} = ${x} * ${x};`,
    `const p${n} = ${x} + ${x} * s${n} * ((-0.3333333333333333) + s${n} * (0.13333333333333333 + s${n} * ((-0.05396825396825397) + s${n} * (0.021869488536155203 + s${n} * ((-0.008863235529902197) + s${n} * 0.003592128036572481)))));`,
    `const b${n} = 1 - 2 / (Math.exp(2 * a${n}) + 1);`,
  );
  return keepNaN(c.mode, x, `(a${n} < 0.4 ? p${n} : (${x} < 0 ? -b${n} : b${n}))`);
}

/**
 * The shader modes: sin and cos range-reduced here, as the builtins are not accurate enough (WGSL
 * only holds them to 2^-11 absolute: SwiftShader's sin(-1.2) was off in the 4th digit, its
 * cos(1e30) was 1; WebGL2's sin was 1e-4 off at -7.5). The argument is reduced to r in [-π/4, π/4]
 * and a quadrant j (x = j·π/2 + r), then Cephes' minimax polynomials on r. |x| ≤ 8192: Cody-Waite
 * reduction by π/2 in three parts (Cephes' sinf: the first two have few enough bits that j · part
 * is exact). Past 8192 (to the largest float), and near the multiples of π/2: Payne-Hanek
 * (paynehanek below). Infinity and NaN go to the builtin (NaN). A GPU skips the Payne-Hanek block
 * where no thread of a group needs it; SwiftShader runs it masked for every element (a 1M-element
 * sin took 2-3x the time of the Cody-Waite-only form there).
 */
function reduceTrig(x: string, c: GpuCtx): Reduced {
  // one reduction per operand and kernel: sin(x) and cos(x) together (as in derivatives) share it
  let done = reductions.get(c.pre);
  if (!done) reductions.set(c.pre, (done = new Map()));
  const seen = done.get(x);
  if (seen) return seen;
  const n = c.name;
  c.pre.push(
    `let j${n} = Math.floor(${x} * 0.6366197723675814 + 0.5);`,
    `let r${n} = ((${x} - j${n} * 1.5703125) - j${n} * 0.0004837512969970703) - j${n} * 7.549789954891886e-8;`,
    `const wa${n} = Math.abs(${x});`,
    // Payne-Hanek past 8192, and where x is near a nonzero multiple of π/2 (|r| < 2^-10, where the
    // three parts' absolute error, 2^-48.7 per unit of j, would be more than an ulp of r)
    `if ((wa${n} > 8192 || (Math.abs(r${n}) < ${lit(2 ** -10)} && Math.abs(j${n}) > 0.5)) && wa${n} <= 3.4028234663852886e38) {`,
    ...paynehanek(x, n).map((l) => `  ${l}`),
    `}`,
    `const z${n} = r${n} * r${n};`,
    `const sn${n} = r${n} + r${n} * z${n} * ((-0.16666654611) + z${n} * (0.0083321608736 + z${n} * (-0.00019515295891)));`,
    `const cs${n} = 1 - 0.5 * z${n} + z${n} * z${n} * (0.041666645683 + z${n} * ((-0.0013887316255) + z${n} * 0.000024433157118));`,
    // the quadrant, j mod 4 in 0..3 (j is an exact integer here)
    `const q${n} = j${n} - 4 * Math.floor(j${n} * 0.25);`,
  );
  const reduced = { sn: `sn${n}`, cs: `cs${n}`, q: `q${n}`, finite: `wa${n} <= 3.4028234663852886e38` };
  done.set(x, reduced);
  return reduced;
}
interface Reduced {
  readonly sn: string;
  readonly cs: string;
  readonly q: string;
  readonly finite: string;
}
/** the reductions emitted into a kernel's statements, by operand */
const reductions = new WeakMap<string[], Map<string, Reduced>>();

/**
 * 2/π in 11-bit digits, 2/π = Σ_t TWO_OVER_PI[t] · 2^(-11 (t + 1)) (from a 480-bit BigInt of
 * Machin's formula); the first 18 are all that a float32 argument reads.
 */
const TWO_OVER_PI = [1303, 1632, 1756, 1252, 522, 1191, 1924, 1879, 1679, 1357, 443, 1037, 1457, 598, 807, 1091, 1154, 127];

/**
 * Payne-Hanek reduction of |x| in [π/4, 3.4e38] by π/2, exact up to its last 2^-63: sets reduceTrig's
 * j and r. Everything exact is integer arithmetic on float values below 2^24 (products of 11- and
 * 12-bit integers, sums of three, splits by power-of-two scaling and floor), so a shader compiler
 * that reassociates or contracts cannot change it; gpu.js kernels have no float bit casts, so the
 * exponent comes from comparisons. With a = |x|, N = a · 2^(10 - 11q) is an integer in
 * [2^23, 2^34) for one q in -2..10, and a · 2/π = N · Σ_u C_(q+u) 2^(-10 - 11(u+1)): N's three
 * 11-bit limbs times the 2/π digits C_(q-2) .. C_(q+7), summed by columns d = -1..6 of weight
 * 2^(-10 - 11d) with carries. Column -1 gives the integer part's bit 1 (weight 2; bigger ones are
 * multiples of 4), column 0 its bit 0 and the fraction's first 10 bits, columns 1..6 the rest.
 * The fraction rounds to the nearest quadrant; past 1/2 its complement is taken digit by digit, so
 * |f| ≤ 1/2 comes out without cancellation, to about 1 ulp however close x is to a multiple of π/2.
 */
function paynehanek(x: string, n: string): string[] {
  const v = (s: string) => `w${s}${n}`;
  const C = (t: number) => fnum(TWO_OVER_PI[t] ?? 0);
  // N into [2^23, 2^34): q = 8 at once past 2^101 (a · 2^10 would overflow past 2^118), then up by
  // 2^11 (twice at most: |x| ≥ π/4 here), or down by 2^(11k) for k = 4, 2, 1 where N is at least 2^(34 + 11(k - 1))
  const big = `wa${n} >= ${lit(2 ** 101)}`;
  const lines = [`let ${v("N")} = ${big} ? wa${n} * ${lit(2 ** -78)} : wa${n} * 1024;`, `let ${v("q")} = ${big} ? ${fnum(8)} : ${ZERO};`];
  for (let i = 0; i < 2; i++) lines.push(`if (${v("N")} < ${lit(2 ** 23)}) { ${v("N")} = ${v("N")} * 2048; ${v("q")} = ${v("q")} - 1; }`);
  for (const k of [4, 2, 1]) lines.push(`if (${v("N")} >= ${lit(2 ** (34 + 11 * (k - 1)))}) { ${v("N")} = ${v("N")} * ${lit(2 ** (-11 * k))}; ${v("q")} = ${v("q")} + ${k}; }`);
  // the ten 2/π digits C_(q-2+i), i = 0..9, this q reads (those before the first are 0): a barrel
  // shifter of selects by the bits of u = q + 2 in 0..12 (shader compilers that run every branch
  // masked, as SwiftShader does, then pay for 51 selects, not for 13 branches of 10 stores)
  lines.push(`let ${v("u")} = ${v("q")} + 2;`);
  // stage b keeps 10 + b - 1 entries of the 10 + 2b - 1 it reads: C_(-4) .. C_(20) at the start
  let window = Array.from({ length: 25 }, (_, k) => (k < 4 ? ZERO : C(k - 4)));
  for (const b of [8, 4, 2, 1]) {
    const bit = v(`u${b}_`);
    lines.push(`const ${bit} = ${v("u")} > ${b - 0.5} ? ${ONE} : ${ZERO};`, `${v("u")} = ${v("u")} - ${b} * ${bit};`);
    const width = 10 + b - 1;
    window = Array.from({ length: width }, (_, k) => {
      const name = v(`s${b}_${k}`);
      lines.push(`const ${name} = ${bit} > 0.5 ? ${window[k + b]} : ${window[k]};`);
      return name;
    });
  }
  const cname = (i: number) => window[i]!;
  lines.push(
    // limbs: N = n0 + 2^11 n1 + 2^22 n2, n0 and n1 below 2^11, n2 below 2^12
    `const ${v("m")} = Math.floor(${v("N")} * ${lit(2 ** -11)});`,
    `const ${v("n2")} = Math.floor(${v("N")} * ${lit(2 ** -22)});`,
    `const ${v("n1")} = ${v("m")} - ${v("n2")} * 2048;`,
    `const ${v("n0")} = ${v("N")} - ${v("m")} * 2048;`,
  );
  // column d: n0 C_(q+d-1) + n1 C_(q+d) + n2 C_(q+d+1) + carry, below 2^24; digit d = its low 11 bits
  for (let d = 6; d >= -1; d--) {
    const carry = d === 6 ? "" : ` + ${v(`k${d + 1}`)}`;
    lines.push(`const ${v(`t${d + 1}`)} = ${v("n0")} * ${cname(d + 1)} + ${v("n1")} * ${cname(d + 2)} + ${v("n2")} * ${cname(d + 3)}${carry};`);
    if (d >= 0) lines.push(`const ${v(`k${d}`)} = Math.floor(${v(`t${d + 1}`)} * ${lit(2 ** -11)});`, `const ${v(`d${d}`)} = ${v(`t${d + 1}`)} - ${v(`k${d}`)} * 2048;`);
  }
  lines.push(
    // the integer part's bits 1 and 0, the fraction's first 10 bits (f0), and s = 1 where the fraction is 1/2 or more
    `const ${v("b1")} = ${v("t0")} - 2 * Math.floor(${v("t0")} * 0.5);`,
    `const ${v("b0")} = Math.floor(${v("d0")} * ${lit(2 ** -10)});`,
    `const ${v("f0")} = ${v("d0")} - ${v("b0")} * 1024;`,
    `const ${v("s")} = Math.floor(${v("f0")} * ${lit(2 ** -9)});`,
  );
  // the fraction (or 1 - it where s = 1: digits 2047 - d, the last 2048 - d, the first 1023 - f0) by Horner from its last digit
  const digit = (d: number) => (d === 0 ? v("f0") : v(`d${d}`));
  const top = (d: number) => (d === 0 ? 1023 : d === 6 ? 2048 : 2047);
  const psi = (d: number) => `(${digit(d)} + ${v("s")} * (${top(d)} - 2 * ${digit(d)}))`;
  lines.push(`let ${v("h")} = ${psi(6)};`);
  for (let d = 5; d >= 0; d--) lines.push(`${v("h")} = ${v("h")} * ${lit(2 ** -11)} + ${psi(d)};`);
  lines.push(
    `const ${v("f")} = ${v("h")} * ${lit(2 ** -10)};`,
    `const ${v("x")} = ${x} < 0 ? ${fnum(-1)} : ${ONE};`,
    // r = ±f · π/2 (π/2 in two parts), j = ±(the integer part + s), signed as x
    `r${n} = ${v("x")} * (1 - 2 * ${v("s")}) * (${v("f")} * 1.5707963705062866 + ${v("f")} * (-4.371139000186241e-8));`,
    `j${n} = ${v("x")} * (2 * ${v("b1")} + ${v("b0")} + ${v("s")});`,
  );
  return lines;
}

function sinCos(fn: "sin" | "cos", x: string, c: GpuCtx): string {
  const { sn, cs, q, finite } = reduceTrig(x, c);
  const [q0, q1, q2, q3] = fn === "sin" ? [sn, cs, `-${sn}`, `-${cs}`] : [cs, `-${sn}`, `-${cs}`, sn];
  const reduced = `(${q} < 0.5 ? ${q0} : (${q} < 1.5 ? ${q1} : (${q} < 2.5 ? ${q2} : ${q3})))`;
  return keepNaN(c.mode, x, `(${finite} ? ${reduced} : Math.${fn}(${x}))`);
}

/** tan on the shader modes: sn / cs of sinCos's reduction (−cs / sn in odd quadrants). */
function tanCode(x: string, c: GpuCtx): string {
  const { sn, cs, q, finite } = reduceTrig(x, c);
  const odd = `(${q} - 2 * Math.floor(${q} * 0.5) > 0.5)`;
  return keepNaN(c.mode, x, `(${finite} ? (${odd} ? -${cs} / ${sn} : ${sn} / ${cs}) : Math.tan(${x}))`);
}

/** Straight-line code for an expression DAG: one `const` per node, shared nodes computed once. */
function emitExpr(root: Expr, io: GpuAccess, mode: GpuMode, prefix: string): string[] {
  const lines: string[] = [];
  const names = new Map<Expr, string>();
  const loads = new Map<string, string>();
  for (const e of topo(root)) {
    noF64(e);
    if (e.op === "load" || e.op === "valid") {
      const key = `${e.op}${e.value}`;
      let name = loads.get(key);
      if (!name) {
        name = `${prefix}${e.op === "load" ? "x" : "m"}${e.value}`;
        lines.push(`const ${name} = ${(GPU_ALU[e.op] as (e: Expr, a: readonly string[], c: GpuCtx) => string)(e, [], { io, mode, pre: lines, name })};`);
        loads.set(key, name);
      }
      names.set(e, name);
      continue;
    }
    if (e.op === "const") {
      names.set(e, fnum(e.value));
      continue;
    }
    const name = `${prefix}e${names.size}`;
    let code = (GPU_ALU[e.op] as (e: Expr, a: readonly string[], c: GpuCtx) => string)(e, e.args.map((a) => names.get(a)!), { io, mode, pre: lines, name });
    // a bool computed by arithmetic (true + true) is 1 wherever it is not 0
    if (e.dtype === "bool" && e.op !== "neg" && (isUnary(e.op) || isBinary(e.op))) code = `((${code}) !== 0 ? ${ONE} : ${ZERO})`;
    // cpu mode runs the kernel as JavaScript, in double: round each float32 result as the device modes do
    if (mode === "cpu" && e.dtype === "float32" && (isUnary(e.op) || isBinary(e.op))) code = `Math.fround(${code})`;
    lines.push(`const ${name} = ${code};`);
    names.set(e, name);
  }
  lines.push(`return ${names.get(root)!};`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// blocked contractions (contraction.ts) and their epilogues

/** emitExpr for an epilogue: its loads are given, and it reads no masked view. */
const epilogueEmitter = (mode: GpuMode) => (root: Expr, load: (j: number) => string, prefix: string) => emitExpr(root, { load, valid: () => ONE }, mode, prefix);

/**
 * For WGSL kernels of the webgpu mode (wgsl-elementwise.ts): a kernel's loop spec with its dims
 * merged (null for an opaque kernel), and the webgpu renderer's statements for an expression whose
 * loads are given (no masked view), ending in `return value;`; they throw where the renderer does.
 */
export const webgpuSpec = (k: Kernel, p: Program): LoopSpec | null => {
  const s = loopSpec(k, p);
  return s && collapse(s);
};
export const webgpuExpr = epilogueEmitter("webgpu");
/** Whether an error says the webgpu renderer or js-wgsl.ts has no form for an expression (then the WGSL kernel is not made). */
export const refused = (e: unknown): boolean => e instanceof Unsupported || e instanceof JsWgslError;
/** The webgpu renderer's step of a reduction: `acc` combined with the next `value`, as emit() does it. */
export const webgpuAccumulate = (op: ReduceOp, acc: string, value: string): string =>
  op === "sum" ? `${acc} = ${acc} + ${value};` : op === "prod" ? `${acc} = ${acc} * ${value};` : `${acc} = ${minMaxCode(op, acc, value, "webgpu")};`;

/** A blocked kernel (a contraction here, an elementwise kernel in emitBlocked) with its size and cache key. */
function blockedSource(b: BlockedSource, program: Program, n: number): KernelSource {
  const sizes = b.args.map((a) => sizeOf(program.buffers[a]!.shape)).join(",");
  return { ...b, size: n, key: `${n}|${sizes}|${b.output.join("x")}|${b.components}|${b.body}` };
}

/**
 * The blocked kernel for a contraction built from parts (operands read through views, an
 * epilogue: see contraction.ts) whose result is buffer `out`, or why there is none.
 */
export function generateContraction(contraction: Extract<Kernel, { kind: "contraction" }>, parts: ContractionParts, out: number, program: Program, mode: GpuMode): Generated {
  if (!BLOCKED_MODES.has(mode)) return { ok: false, reason: `no blocked contractions on gpu.js ${mode}` };
  const n = sizeOf(program.buffers[out]!.shape);
  const limit = mode === "cpu" ? CPU_MAX_INDEX : F32_MAX_INDEX;
  const bufs = [parts.lhs?.buffer ?? contraction.lhs, parts.rhs?.buffer ?? contraction.rhs, ...(parts.epilogue?.inputs.map((o) => o.buffer) ?? [])];
  if (Math.max(n, ...bufs.map((b) => sizeOf(program.buffers[b]!.shape))) > limit) return { ok: false, reason: `an array is over gpu.js ${mode}'s exact index range (${limit})` };
  try {
    const b = blockedContraction(contraction, program, epilogueEmitter(mode), parts);
    return b ? { ok: true, kernel: blockedSource(b, program, n) } : { ok: false, reason: "the contraction has no blocked form" };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    throw e;
  }
}
