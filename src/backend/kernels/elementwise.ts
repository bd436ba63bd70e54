/**
 * Fused elementwise kernels: an expression tree over broadcast inputs compiled
 * to one loop, either as WebAssembly SIMD (f32x4, polynomial exp/log/tanh) or as
 * JavaScript generated with `new Function` (any rank/stride, float32 or float64).
 *
 *   const k = compileElementwise({
 *     expr: E.add(E.mul(E.sqrt(E.add(E.mul(x1, x1), E.mul(x2, x2))), E.tanh(x1)), E.c(1)),
 *     outShape: [1_000_000],
 *     inputs: [{ shape: [1_000_000] }, { shape: [1_000_000] }],
 *   });
 *   k([a, b], out);
 *
 * Shared sub-trees (the same object used twice) are computed once.
 */
import { ModuleBuilder, OP, SIMD, wasmSimdSupported } from "./wasm.js";
import type { FuncBuilder } from "./wasm.js";
import { emitExp, emitLaneCall, emitLog, emitTanh, expBody, logBody, tanhBody } from "./wasm-math.js";
import { WasmHeap, align64 } from "./heap.js";

export type UnaryOp = "neg" | "exp" | "log" | "sqrt" | "tanh" | "sin" | "cos" | "abs" | "sign" | "recip" | "square";
export type BinaryOp = "add" | "sub" | "mul" | "div" | "max" | "min" | "pow" | "lt" | "le" | "gt" | "ge" | "eq" | "ne";

export type Expr =
  | { readonly op: "input"; readonly index: number }
  | { readonly op: "const"; readonly value: number }
  | { readonly op: UnaryOp; readonly x: Expr }
  | { readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  /** cond != 0 (NaN counts as true) ? a : b */
  | { readonly op: "where"; readonly cond: Expr; readonly a: Expr; readonly b: Expr };

const un = (op: UnaryOp) => (x: Expr): Expr => ({ op, x });
const bin = (op: BinaryOp) => (a: Expr, b: Expr): Expr => ({ op, a, b });

/** Expression builders. */
export const E = {
  input: (index: number): Expr => ({ op: "input", index }),
  c: (value: number): Expr => ({ op: "const", value }),
  neg: un("neg"), exp: un("exp"), log: un("log"), sqrt: un("sqrt"), tanh: un("tanh"), sin: un("sin"),
  cos: un("cos"), abs: un("abs"), sign: un("sign"), recip: un("recip"), square: un("square"),
  add: bin("add"), sub: bin("sub"), mul: bin("mul"), div: bin("div"), max: bin("max"), min: bin("min"),
  pow: bin("pow"), lt: bin("lt"), le: bin("le"), gt: bin("gt"), ge: bin("ge"), eq: bin("eq"), ne: bin("ne"),
  where: (cond: Expr, a: Expr, b: Expr): Expr => ({ op: "where", cond, a, b }),
} as const;

/**
 * How an input is indexed for each output position. `shape`: numpy broadcasting
 * (right-aligned, size-1 dims repeat). `strides` (+ `offset`): an explicit index
 * map in elements, one stride per output dim (0 = broadcast), for views such as
 * transposes.
 */
export type InputLayout =
  | { readonly shape: readonly number[] }
  | { readonly strides: readonly number[]; readonly offset?: number };

export interface ElementwiseSpec {
  readonly expr: Expr;
  readonly outShape: readonly number[];
  readonly inputs: readonly InputLayout[];
}

export type ElementwiseBackend = "wasm-simd" | "js";

export interface ElementwiseKernel<A extends Float32Array | Float64Array = Float32Array> {
  (inputs: readonly A[], out: A): void;
  readonly backend: ElementwiseBackend;
  /** Generated JS source (js backend) or byte length of the wasm module. */
  readonly source: string;
}

export interface CompileOptions {
  /** "auto" (default): wasm-simd when available and the layout suits it, else js. */
  readonly backend?: "auto" | ElementwiseBackend;
}

// ---------------------------------------------------------------------------------------------
// layout analysis

interface Dim {
  size: number;
  strides: number[]; // per input
}

interface Plan {
  readonly n: number;
  readonly dims: Dim[]; // collapsed, outermost first; at least one
  readonly offsets: number[];
  /** elements each input must hold (max index + 1) */
  readonly extents: number[];
}

function analyze(spec: ElementwiseSpec): Plan {
  const out = spec.outShape;
  const rank = out.length;
  const nIn = spec.inputs.length;
  const strides: number[][] = [];
  const offsets: number[] = [];
  for (const layout of spec.inputs) {
    if ("strides" in layout) {
      if (layout.strides.length !== rank) throw new Error(`elementwise: strides length ${layout.strides.length} != output rank ${rank}`);
      strides.push([...layout.strides]);
      offsets.push(layout.offset ?? 0);
    } else {
      const shp = layout.shape;
      if (shp.length > rank) throw new Error(`elementwise: input shape [${shp.join(",")}] has higher rank than output [${out.join(",")}]`);
      const st = new Array<number>(rank).fill(0);
      let acc = 1;
      for (let d = shp.length - 1; d >= 0; d--) {
        const od = rank - shp.length + d;
        const sz = shp[d]!;
        if (sz !== 1 && sz !== out[od]) throw new Error(`elementwise: cannot broadcast [${shp.join(",")}] to [${out.join(",")}]`);
        st[od] = sz === 1 ? 0 : acc;
        acc *= sz;
      }
      strides.push(st);
      offsets.push(0);
    }
  }
  let dims: Dim[] = [];
  for (let d = 0; d < rank; d++) {
    if (out[d] === 1) continue;
    dims.push({ size: out[d]!, strides: strides.map((s) => s[d]!) });
  }
  // merge d into d+1 when every input is "contiguous across" the pair
  const merged: Dim[] = [];
  for (const dim of dims) {
    const prev = merged[merged.length - 1];
    if (prev && prev.strides.every((s, i) => s === dim.strides[i]! * dim.size)) {
      prev.size *= dim.size;
      prev.strides = dim.strides.slice();
    } else {
      merged.push({ size: dim.size, strides: dim.strides.slice() });
    }
  }
  dims = merged.length > 0 ? merged : [{ size: 1, strides: new Array<number>(nIn).fill(0) }];
  const n = out.reduce((a, b) => a * b, 1);
  const extents = offsets.map((off, i) => {
    let hi = off;
    for (const dim of dims) hi += (dim.size - 1) * Math.max(0, dim.strides[i]!);
    return n === 0 ? 0 : hi + 1;
  });
  return { n, dims, offsets, extents };
}

/** @internal How often each sub-expression is used (shared ones are computed once). */
export function countUses(expr: Expr): Map<Expr, number> {
  const uses = new Map<Expr, number>();
  const visit = (e: Expr): void => {
    const c = uses.get(e) ?? 0;
    uses.set(e, c + 1);
    if (c > 0) return;
    for (const child of children(e)) visit(child);
  };
  visit(expr);
  return uses;
}

function children(e: Expr): Expr[] {
  if ("cond" in e) return [e.cond, e.a, e.b];
  if ("a" in e) return [e.a, e.b];
  if ("x" in e) return [e.x];
  return [];
}

function maxInput(e: Expr): number {
  let m = -1;
  const seen = new Set<Expr>();
  const visit = (x: Expr): void => {
    if (seen.has(x)) return;
    seen.add(x);
    if (x.op === "input") m = Math.max(m, x.index);
    for (const c of children(x)) visit(c);
  };
  visit(e);
  return m;
}

// ---------------------------------------------------------------------------------------------
// JS backend

/** @internal JS source for an expression: statements for shared sub-expressions, and the value. */
export function jsExpr(expr: Expr, uses: Map<Expr, number>, load: (i: number) => string): { pre: string[]; value: string } {
  const names = new Map<Expr, string>();
  const pre: string[] = [];
  let tmp = 0;
  const go = (e: Expr): string => {
    const named = names.get(e);
    if (named) return named;
    let s: string;
    switch (e.op) {
      case "input": s = load(e.index); break;
      case "const": s = Number.isNaN(e.value) ? "NaN" : e.value === Infinity ? "Infinity" : e.value === -Infinity ? "-Infinity" : `(${e.value})`; break;
      case "neg": s = `(-${go(e.x)})`; break;
      case "exp": case "log": case "sqrt": case "tanh": case "sin": case "cos": case "abs": case "sign":
        s = `${e.op}_(${go(e.x)})`; break;
      case "recip": s = `(1 / ${go(e.x)})`; break;
      case "square": { const v = go(e.x); s = `(${v} * ${v})`; break; }
      case "add": s = `(${go(e.a)} + ${go(e.b)})`; break;
      case "sub": s = `(${go(e.a)} - ${go(e.b)})`; break;
      case "mul": s = `(${go(e.a)} * ${go(e.b)})`; break;
      case "div": s = `(${go(e.a)} / ${go(e.b)})`; break;
      case "max": s = `max_(${go(e.a)}, ${go(e.b)})`; break;
      case "min": s = `min_(${go(e.a)}, ${go(e.b)})`; break;
      case "pow": s = `pow_(${go(e.a)}, ${go(e.b)})`; break;
      case "lt": s = `(${go(e.a)} < ${go(e.b)} ? 1 : 0)`; break;
      case "le": s = `(${go(e.a)} <= ${go(e.b)} ? 1 : 0)`; break;
      case "gt": s = `(${go(e.a)} > ${go(e.b)} ? 1 : 0)`; break;
      case "ge": s = `(${go(e.a)} >= ${go(e.b)} ? 1 : 0)`; break;
      case "eq": s = `(${go(e.a)} === ${go(e.b)} ? 1 : 0)`; break;
      case "ne": s = `(${go(e.a)} !== ${go(e.b)} ? 1 : 0)`; break;
      case "where": s = `(${go(e.cond)} !== 0 ? ${go(e.a)} : ${go(e.b)})`; break;
    }
    if ((uses.get(e) ?? 0) > 1 && e.op !== "const") {
      const name = `t${tmp++}`;
      pre.push(`const ${name} = ${s};`);
      names.set(e, name);
      return name;
    }
    return s;
  };
  const value = go(expr);
  return { pre, value };
}

/** @internal The Math aliases that generated JS refers to. */
export const JS_PRELUDE =
  "const exp_ = Math.exp, log_ = Math.log, sqrt_ = Math.sqrt, tanh_ = Math.tanh, sin_ = Math.sin, cos_ = Math.cos, " +
  "abs_ = Math.abs, sign_ = Math.sign, max_ = Math.max, min_ = Math.min, pow_ = Math.pow;";

/** JS code generation: works for any layout and for Float64Array. */
export function compileElementwiseJs<A extends Float32Array | Float64Array = Float32Array>(spec: ElementwiseSpec): ElementwiseKernel<A> {
  const plan = analyze(spec);
  const nIn = spec.inputs.length;
  if (maxInput(spec.expr) >= nIn) throw new Error(`elementwise: expression reads input ${maxInput(spec.expr)} but only ${nIn} inputs are declared`);
  const uses = countUses(spec.expr);
  const R = plan.dims.length;
  const lines: string[] = [];
  for (let i = 0; i < nIn; i++) lines.push(`const in${i} = inputs[${i}];`);
  lines.push(`if (inputs.length < ${nIn}) throw new Error("elementwise: expected ${nIn} inputs");`);
  lines.push(`if (out.length < ${plan.n}) throw new Error("elementwise: output too small (" + out.length + " < ${plan.n})");`);
  for (let i = 0; i < nIn; i++) lines.push(`if (in${i}.length < ${plan.extents[i]}) throw new Error("elementwise: input ${i} too small (" + in${i}.length + " < ${plan.extents[i]})");`);
  // loop nest; innermost index `j`, per-input base b{d}_{i}
  const inner = plan.dims[R - 1]!;
  for (let i = 0; i < nIn; i++) lines.push(`let b0_${i} = ${plan.offsets[i]};`);
  lines.push("let o = 0;");
  const open: string[] = [];
  for (let d = 0; d < R - 1; d++) {
    const dim = plan.dims[d]!;
    lines.push(`for (let i${d} = 0; i${d} < ${dim.size}; i${d}++) {`);
    for (let i = 0; i < nIn; i++) lines.push(`const b${d + 1}_${i} = b${d}_${i} + i${d} * ${dim.strides[i]};`);
    open.push("}");
  }
  const load = (i: number): string => {
    const s = inner.strides[i]!;
    const base = `b${R - 1}_${i}`;
    return s === 0 ? `in${i}[${base}]` : s === 1 ? `in${i}[${base} + j]` : `in${i}[${base} + j * ${s}]`;
  };
  // hoist inner-loop-invariant (broadcast) loads
  const hoisted: string[] = [];
  const loadH = (i: number): string => {
    if (inner.strides[i] === 0) {
      const name = `h${i}`;
      if (!hoisted.includes(name)) hoisted.push(name);
      return name;
    }
    return load(i);
  };
  const { pre, value } = jsExpr(spec.expr, uses, loadH);
  for (const h of hoisted) lines.push(`const ${h} = ${load(Number(h.slice(1)))};`);
  lines.push(`for (let j = 0; j < ${inner.size}; j++) {`);
  for (const p of pre) lines.push("  " + p);
  lines.push(`  out[o++] = ${value};`);
  lines.push("}");
  lines.push(...open);
  const body = lines.join("\n");
  const factory = new Function(`${JS_PRELUDE}\nreturn function elementwise(inputs, out) {\n${body}\n};`) as () => (inputs: readonly A[], out: A) => void;
  const fn = factory();
  return Object.assign((inputs: readonly A[], out: A) => fn(inputs, out), { backend: "js" as const, source: body });
}

// ---------------------------------------------------------------------------------------------
// WASM SIMD backend

let sharedHeap: WasmHeap | null = null;
function heap(): WasmHeap {
  if (!sharedHeap) sharedHeap = new WasmHeap(16);
  return sharedHeap;
}

/** Inline exp/log/tanh into the row loop instead of calling helper functions. */
const INLINE_MATH = true;

interface WasmFns {
  exp?: number;
  log?: number;
  tanh?: number;
  lane: Map<string, number>;
}

/**
 * Emits `row(n, out, p0, p1, ...)`: processes ceil(n/4) quads; input i is a
 * vector (stride 1) or a scalar splat (stride 0). Over-reads/-writes up to 3
 * elements past n (regions carry 16 bytes of slack).
 */
function buildWasm(spec: ElementwiseSpec, vecInputs: boolean[]): { row: (...args: number[]) => void; bytes: number } {
  const nIn = spec.inputs.length;
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: heap().maximumPages });
  // decide which helpers are needed
  const ops = new Set<string>();
  const seen = new Set<Expr>();
  const walk = (e: Expr): void => {
    if (seen.has(e)) return;
    seen.add(e);
    ops.add(e.op);
    for (const c of children(e)) walk(c);
  };
  walk(spec.expr);
  const importIdx = new Map<string, number>();
  for (const name of ["sin", "cos", "pow"]) {
    if (ops.has(name)) importIdx.set(name, m.importFunc("env", name, name === "pow" ? ["f32", "f32"] : ["f32"], ["f32"]));
  }
  const fns: WasmFns = { lane: new Map() };
  if (!INLINE_MATH && (ops.has("exp") || ops.has("tanh"))) fns.exp = m.indexOf(emitExp(m));
  if (!INLINE_MATH && ops.has("log")) fns.log = m.indexOf(emitLog(m));
  if (!INLINE_MATH && ops.has("tanh")) fns.tanh = m.indexOf(emitTanh(m));
  for (const [name, idx] of importIdx) fns.lane.set(name, m.indexOf(emitLaneCall(m, `${name}_v`, idx, name === "pow" ? 2 : 1)));

  const params: Array<"i32"> = ["i32", "i32"];
  for (let i = 0; i < nIn; i++) params.push("i32");
  const f = m.func("row", params, []);
  const N = 0, OUT = 1;
  const P = (i: number): number => 2 + i;
  const splat: number[] = [];
  for (let i = 0; i < nIn; i++) {
    if (!vecInputs[i]) {
      const l = f.local("v128");
      f.get(P(i)).load32Splat().set(l);
      splat[i] = l;
    }
  }
  const end = f.local("i32");
  // end = out + n*4
  f.get(OUT).get(N).i32(2).op(OP.i32Shl).op(OP.i32Add).set(end);
  const uses = countUses(spec.expr);
  f.get(N).i32(0).op(OP.i32GtS).if_();
  f.loop();
  f.get(OUT);
  const cache = new Map<Expr, number>();
  emitV(f, spec.expr, uses, cache, (i) => {
    if (vecInputs[i]) f.get(P(i)).v128Load();
    else f.get(splat[i]!);
  }, fns);
  f.v128Store();
  for (let i = 0; i < nIn; i++) if (vecInputs[i]) f.get(P(i)).i32(16).op(OP.i32Add).set(P(i));
  f.get(OUT).i32(16).op(OP.i32Add).tee(OUT).get(end).op(OP.i32LtU).brIf(0);
  f.end();
  f.end();
  const bytes = m.toBytes();
  const mod = new WebAssembly.Module(bytes as BufferSource);
  const env: Record<string, WebAssembly.Memory | ((...a: number[]) => number)> = { memory: heap().memory };
  if (importIdx.has("sin")) env["sin"] = Math.sin;
  if (importIdx.has("cos")) env["cos"] = Math.cos;
  if (importIdx.has("pow")) env["pow"] = Math.pow;
  const inst = new WebAssembly.Instance(mod, { env });
  return { row: inst.exports["row"] as (...args: number[]) => void, bytes: bytes.length };
}

function emitV(
  f: FuncBuilder,
  e: Expr,
  uses: Map<Expr, number>,
  cache: Map<Expr, number>,
  load: (i: number) => void,
  fns: WasmFns,
): void {
  const cached = cache.get(e);
  if (cached !== undefined) {
    f.get(cached);
    return;
  }
  const go = (x: Expr): void => emitV(f, x, uses, cache, load, fns);
  const s = (op: number): void => void f.simd(op);
  const cmp = (op: number, a: Expr, b: Expr): void => {
    go(a); go(b); s(op); f.f32x4(1); s(SIMD.and);
  };
  switch (e.op) {
    case "input": load(e.index); break;
    case "const": f.f32x4(e.value); break;
    case "neg": go(e.x); s(SIMD.f32x4Neg); break;
    case "abs": go(e.x); s(SIMD.f32x4Abs); break;
    case "sqrt": go(e.x); s(SIMD.f32x4Sqrt); break;
    case "recip": f.f32x4(1); go(e.x); s(SIMD.f32x4Div); break;
    case "square": {
      go(e.x);
      const t = f.local("v128");
      f.tee(t).get(t);
      s(SIMD.f32x4Mul);
      break;
    }
    // transcendental bodies are inlined into the loop (a wasm call per quad costs ~2x here)
    case "exp": case "log": case "tanh": {
      go(e.x);
      const t = f.local("v128");
      f.set(t);
      if (INLINE_MATH) {
        if (e.op === "exp") expBody(f, t);
        else if (e.op === "log") logBody(f, t);
        else tanhBody(f, t);
      } else {
        f.get(t).call(fns[e.op]!);
      }
      break;
    }
    case "sin": case "cos": go(e.x); f.call(fns.lane.get(e.op)!); break;
    case "sign": {
      // (x > 0) - (x < 0), NaN -> NaN
      go(e.x);
      const t = f.local("v128");
      f.set(t);
      f.get(t).f32x4(0).simd(SIMD.f32x4Gt).f32x4(1).simd(SIMD.and);
      f.get(t).f32x4(0).simd(SIMD.f32x4Lt).f32x4(1).simd(SIMD.and);
      s(SIMD.f32x4Sub);
      // bitselect(value, x, x == x)
      f.get(t).get(t).get(t).simd(SIMD.f32x4Eq).simd(SIMD.bitselect);
      break;
    }
    case "add": go(e.a); go(e.b); s(SIMD.f32x4Add); break;
    case "sub": go(e.a); go(e.b); s(SIMD.f32x4Sub); break;
    case "mul": go(e.a); go(e.b); s(SIMD.f32x4Mul); break;
    case "div": go(e.a); go(e.b); s(SIMD.f32x4Div); break;
    case "max": go(e.a); go(e.b); s(SIMD.f32x4Max); break;
    case "min": go(e.a); go(e.b); s(SIMD.f32x4Min); break;
    case "pow": {
      const b = e.b;
      if (b.op === "const" && b.value === 2) {
        emitV(f, { op: "square", x: e.a }, uses, cache, load, fns);
      } else if (b.op === "const" && b.value === 0.5) {
        go(e.a); s(SIMD.f32x4Sqrt);
      } else if (b.op === "const" && b.value === 1) {
        go(e.a);
      } else {
        go(e.a); go(e.b); f.call(fns.lane.get("pow")!);
      }
      break;
    }
    case "lt": cmp(SIMD.f32x4Lt, e.a, e.b); break;
    case "le": cmp(SIMD.f32x4Le, e.a, e.b); break;
    case "gt": cmp(SIMD.f32x4Gt, e.a, e.b); break;
    case "ge": cmp(SIMD.f32x4Ge, e.a, e.b); break;
    case "eq": cmp(SIMD.f32x4Eq, e.a, e.b); break;
    case "ne": cmp(SIMD.f32x4Ne, e.a, e.b); break;
    case "where": go(e.a); go(e.b); go(e.cond); f.f32x4(0); s(SIMD.f32x4Ne); s(SIMD.bitselect); break;
  }
  if ((uses.get(e) ?? 0) > 1 && e.op !== "const" && e.op !== "input") {
    const l = f.local("v128");
    f.tee(l);
    cache.set(e, l);
  }
}

/** WASM SIMD backend: float32 only; the innermost collapsed dim must be unit-stride or broadcast for every input. */
export function compileElementwiseWasm(spec: ElementwiseSpec): ElementwiseKernel<Float32Array> {
  if (!wasmSimdSupported()) throw new Error("elementwise: WebAssembly SIMD not available");
  const plan = analyze(spec);
  const nIn = spec.inputs.length;
  if (maxInput(spec.expr) >= nIn) throw new Error(`elementwise: expression reads input ${maxInput(spec.expr)} but only ${nIn} inputs are declared`);
  const R = plan.dims.length;
  const inner = plan.dims[R - 1]!;
  if (!inner.strides.every((s) => s === 0 || s === 1)) throw new Error("elementwise: wasm backend needs unit or zero inner strides");
  const vec = inner.strides.map((s) => s === 1);
  const { row, bytes } = buildWasm(spec, vec);
  const h = heap();
  // regions: inputs (their extents) then output, each 64-byte aligned with 16 bytes slack
  const regions: number[] = [];
  let at = 0;
  for (let i = 0; i < nIn; i++) {
    regions.push(at);
    at = align64(at + plan.extents[i]! * 4 + 16);
  }
  const outAt = at;
  const total = align64(outAt + plan.n * 4 + 16);
  const outer = plan.dims.slice(0, R - 1);
  const outerCount = outer.reduce((a, d) => a * d.size, 1);
  const args = new Array<number>(2 + nIn).fill(0);
  const run = (inputs: readonly Float32Array[], out: Float32Array): void => {
    if (inputs.length < nIn) throw new Error(`elementwise: expected ${nIn} inputs`);
    if (out.length < plan.n) throw new Error(`elementwise: output too small (${out.length} < ${plan.n})`);
    h.ensure(total);
    const f32 = h.f32;
    for (let i = 0; i < nIn; i++) {
      const src = inputs[i]!;
      const ext = plan.extents[i]!;
      if (src.length < ext) throw new Error(`elementwise: input ${i} too small (${src.length} < ${ext})`);
      f32.set(ext === src.length ? src : src.subarray(0, ext), regions[i]! >> 2);
    }
    if (plan.n === 0) return;
    if (outerCount === 1) {
      args[0] = inner.size;
      args[1] = outAt;
      for (let i = 0; i < nIn; i++) args[2 + i] = regions[i]! + plan.offsets[i]! * 4;
      row(...args);
    } else {
      // odometer over the outer dims
      const idx = new Array<number>(outer.length).fill(0);
      const base = plan.offsets.slice();
      let o = outAt;
      for (let r = 0; r < outerCount; r++) {
        args[0] = inner.size;
        args[1] = o;
        for (let i = 0; i < nIn; i++) args[2 + i] = regions[i]! + base[i]! * 4;
        row(...args);
        o += inner.size * 4;
        for (let d = outer.length - 1; d >= 0; d--) {
          const dim = outer[d]!;
          idx[d]!++;
          for (let i = 0; i < nIn; i++) base[i]! += dim.strides[i]!;
          if (idx[d]! < dim.size) break;
          idx[d] = 0;
          for (let i = 0; i < nIn; i++) base[i]! -= dim.strides[i]! * dim.size;
        }
      }
    }
    out.set(f32.subarray(outAt >> 2, (outAt >> 2) + plan.n));
  };
  return Object.assign(run, { backend: "wasm-simd" as const, source: `wasm module, ${bytes} bytes` });
}

/** Picks the backend: wasm-simd for float32 layouts with unit/zero inner strides and rows ≥ 16, else js. */
export function compileElementwise(spec: ElementwiseSpec, opts: CompileOptions = {}): ElementwiseKernel<Float32Array> {
  const want = opts.backend ?? "auto";
  if (want === "js") return compileElementwiseJs<Float32Array>(spec);
  if (want === "wasm-simd") return compileElementwiseWasm(spec);
  if (wasmSimdSupported()) {
    const plan = analyze(spec);
    const inner = plan.dims[plan.dims.length - 1]!;
    const ok = inner.strides.every((s) => s === 0 || s === 1) && (inner.size >= 16 || plan.dims.length === 1) && plan.n >= 64;
    if (ok) return compileElementwiseWasm(spec);
  }
  return compileElementwiseJs<Float32Array>(spec);
}

/** float64 kernels (JS codegen). */
export function compileElementwiseF64(spec: ElementwiseSpec): ElementwiseKernel<Float64Array> {
  return compileElementwiseJs<Float64Array>(spec);
}
