/**
 * Fused elementwise kernels for the wasm backend: a kernel-IR expression (ir/kernel.ts) over
 * strided, broadcast or masked inputs compiled to one loop, either as WebAssembly SIMD (f32x4,
 * polynomial exp/log/tanh inlined) or as JavaScript generated with `new Function` (any rank,
 * stride, mask and dtype). Each renderer is one table over the ALU ops (`satisfies
 * Record<AluOp, ...>`), and both walk the expression without recursion, so a chain of 10,000 ops
 * compiles.
 *
 *   const k = compileElementwise({
 *     expr: K.add(K.mul(K.sqrt(K.add(K.mul(x1, x1), K.mul(x2, x2))), K.tanh(x1)), K.c(1)),
 *     outShape: [1_000_000],
 *     inputs: [{ shape: [1_000_000] }, { shape: [1_000_000] }],
 *   });
 *   k([a, b], out);
 */
import { ModuleBuilder, OP, SIMD, wasmSimdSupported } from "./module.js";
import type { FuncBuilder } from "./module.js";
import { emitLaneCall, expBody, logBody, tanhBody } from "./wasm-math.js";
import { WasmHeap, align64 } from "./heap.js";
import { isBinary, isBitwise, isUnary, maxInput, mergeDims, topo, useCounts, type AluOp, type Expr, type MaskDim } from "../../ir/kernel.js";
import { isFloat, type AnyTypedArray } from "../../ir/dtype.js";

export type { Expr } from "../../ir/kernel.js";

/**
 * How an input is indexed for each output position. `shape`: numpy broadcasting
 * (right-aligned, size-1 dims repeat). `strides` (+ `offset`): an explicit index
 * map in elements, one stride per output dim (0 = broadcast), for views such as
 * transposes.
 */
export type InputLayout =
  | { readonly shape: readonly number[] }
  | { readonly strides: readonly number[]; readonly offset?: number; readonly mask?: readonly MaskDim[] };

export interface ElementwiseSpec {
  readonly expr: Expr;
  readonly outShape: readonly number[];
  readonly inputs: readonly InputLayout[];
}

export type ElementwiseBackend = "wasm-simd" | "js";

export interface ElementwiseKernel<A extends AnyTypedArray = Float32Array> {
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
  /** per input: the valid range on this dim (masked inputs only) */
  masks: (MaskDim | null)[];
}

interface Plan {
  readonly n: number;
  readonly dims: Dim[]; // collapsed, outermost first; at least one
  readonly offsets: number[];
  /** elements each input must hold (max index + 1) */
  readonly extents: number[];
  /** inputs that are masked (their loads are guarded) */
  readonly masked: boolean[];
  /** masked inputs that have no element anywhere (a size-1 axis outside their range) */
  readonly empty: boolean[];
}

const inRange = (m: MaskDim, i: number) => i >= m.lo && i < m.hi && (i - m.lo) % m.step === 0;

function analyze(spec: ElementwiseSpec): Plan {
  const out = spec.outShape;
  const rank = out.length;
  const nIn = spec.inputs.length;
  const strides: number[][] = [];
  const offsets: number[] = [];
  const masks: (readonly MaskDim[] | null)[] = [];
  for (const layout of spec.inputs) {
    if ("strides" in layout) {
      if (layout.strides.length !== rank) throw new Error(`elementwise: strides length ${layout.strides.length} != output rank ${rank}`);
      strides.push([...layout.strides]);
      offsets.push(layout.offset ?? 0);
      masks.push(layout.mask ?? null);
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
      masks.push(null);
    }
  }
  const masked = masks.map((m) => m !== null);
  const empty = masks.map(() => false);
  let dims: Dim[] = [];
  for (let d = 0; d < rank; d++) {
    if (out[d] === 1) {
      // a size-1 axis: a masked input either has its one element there or none at all
      masks.forEach((m, i) => {
        if (m && !inRange(m[d]!, 0)) empty[i] = true;
        else if (m) offsets[i]! += ((0 - m[d]!.lo) / m[d]!.step) * strides[i]![d]!;
      });
      continue;
    }
    dims.push({ size: out[d]!, strides: strides.map((s) => s[d]!), masks: masks.map((m) => (m ? m[d]! : null)) });
  }
  // merge neighbours that are contiguous for every input (masked dims never merge)
  if (masks.every((m) => m === null)) {
    const merged = mergeDims(
      dims.map((d) => d.size),
      strides.map((_, i) => dims.map((d) => d.strides[i]!)),
    );
    dims = merged.shape.map((size, k) => ({ size, strides: merged.strides.map((st) => st[k]!), masks: new Array<MaskDim | null>(nIn).fill(null) }));
  }
  if (dims.length === 0) dims = [{ size: 1, strides: new Array<number>(nIn).fill(0), masks: new Array<MaskDim | null>(nIn).fill(null) }];
  const n = out.reduce((a, b) => a * b, 1);
  const extents = offsets.map((off, i) => {
    if (n === 0 || empty[i]) return 0;
    let hi = off;
    for (const dim of dims) {
      const m = dim.masks[i];
      const count = m ? Math.max(0, Math.ceil((Math.min(m.hi, dim.size) - Math.max(m.lo, 0)) / m.step)) : dim.size;
      if (count === 0) return 0; // never read
      hi += (count - 1) * Math.max(0, dim.strides[i]!);
    }
    return hi + 1;
  });
  return { n, dims, offsets, extents, masked, empty };
}

// ---------------------------------------------------------------------------------------------
// JS renderer

/** How generated JS reads input i (its load, and whether it has an element here). */
export interface JsAccess {
  load(i: number): string;
  valid(i: number): string;
}

const jsNum = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : Object.is(v, -0) ? "-0" : `(${v})`);
/**
 * The JavaScript renderer: one entry per ALU op, computing in double; jsExpr brings each
 * arithmetic result to its dtype (float32 rounded, int32 wrapped, bool 0/1).
 */
export const JS_ALU = {
  load: (e, _a, io) => io.load(e.value),
  valid: (e, _a, io) => io.valid(e.value),
  const: (e) => jsNum(e.value),
  // to uint32 as castU32; float -> int32 saturates (NaN gives 0), as XLA's convert and castScalar (`| 0` alone would wrap)
  cast: (e, [x]) =>
    e.dtype === "uint32" ? castU32(e, x!) : e.dtype === "int32" && isFloat(e.args[0]!.dtype) ? `(max_(min_(${x}, 2147483647), -2147483648) | 0)` : inDType(e, x!, true),
  where: (_e, [c, x, y]) => `(${c} !== 0 ? ${x} : ${y})`,
  neg: (_e, [x]) => `-${x}`,
  recip: (_e, [x]) => `1 / ${x}`,
  sqrt: (_e, [x]) => `sqrt_(${x})`,
  exp: (_e, [x]) => `exp_(${x})`,
  log: (_e, [x]) => `log_(${x})`,
  log1p: (_e, [x]) => `log1p_(${x})`,
  tan: (_e, [x]) => `tan_(${x})`,
  sin: (_e, [x]) => `sin_(${x})`,
  cos: (_e, [x]) => `cos_(${x})`,
  tanh: (_e, [x]) => `tanh_(${x})`,
  abs: (_e, [x]) => `abs_(${x})`,
  sign: (_e, [x]) => `sign_(${x})`,
  floor: (_e, [x]) => `floor_(${x})`,
  add: (_e, [a, b]) => `${a} + ${b}`,
  sub: (_e, [a, b]) => `${a} - ${b}`,
  // int32: the exact low 32 bits (a double product loses them past 2^53)
  mul: (e, [a, b]) => (e.dtype === "int32" || e.dtype === "uint32" ? `imul_(${a}, ${b})` : `${a} * ${b}`),
  div: (_e, [a, b]) => `${a} / ${b}`,
  max: (_e, [a, b]) => `max_(${a}, ${b})`,
  min: (_e, [a, b]) => `min_(${a}, ${b})`,
  pow: (_e, [a, b]) => `pow_(${a}, ${b})`,
  lt: (_e, [a, b]) => `(${a} < ${b} ? 1 : 0)`,
  le: (_e, [a, b]) => `(${a} <= ${b} ? 1 : 0)`,
  eq: (_e, [a, b]) => `(${a} === ${b} ? 1 : 0)`,
  ne: (_e, [a, b]) => `(${a} !== ${b} ? 1 : 0)`,
  // bitwise: JS's operators give int32 results, `>>> 0` reads them as uint32
  xor: (e, [a, b]) => asWord(e, `${a} ^ ${b}`),
  and: (e, [a, b]) => asWord(e, `${a} & ${b}`),
  or: (e, [a, b]) => asWord(e, `${a} | ${b}`),
  shl: (e, [a, b]) => shift(e, b!, asWord(e, `${a} << ${b}`), "0"),
  shr: (e, [a, b]) => shift(e, b!, e.dtype === "uint32" ? `${a} >>> ${b}` : `${a} >> ${b}`, e.dtype === "uint32" ? "0" : `(${a} < 0 ? -1 : 0)`),
  // math; `%` is C's fmod on doubles, exact, and truncating on int32 values
  atan2: (_e, [a, b]) => `Math.atan2(${a}, ${b})`,
  rem: (_e, [a, b]) => `${a} % ${b}`,
} satisfies Record<AluOp, (e: Expr, args: readonly string[], io: JsAccess) => string>;

// ---- uint32 and bitwise helpers of the JS renderer
const asWord = (e: Expr, code: string) => (e.dtype === "uint32" ? `((${code}) >>> 0)` : `(${code})`);
/** JS shifts by the count mod 32; XLA's shift by 32 or more gives `big` (a constant count below 32 needs no test). */
const shift = (e: Expr, count: string, code: string, big: string) => {
  const n = e.args[1]!;
  return n.op === "const" && n.value >= 0 && n.value < 32 ? code : `(${count} >= 32 ? ${big} : ${code})`;
};
/** To uint32: integers wrap modulo 2^32, floats truncate and saturate (NaN is 0), as XLA converts. */
const castU32 = (e: Expr, x: string) => {
  const from = e.args[0]!.dtype;
  if (from === "int32" || from === "bool") return `((${x}) >>> 0)`;
  return `(${x} > 0 ? (${x} >= 4294967295 ? 4294967295 : Math.trunc(${x})) : 0)`;
};

/**
 * An arithmetic result in its node's dtype: a float32 rounded as the reference and the SIMD
 * renderer round it (unless the caller keeps double, as reductions do), an int32 wrapped to 32
 * bits, a bool 0 or 1.
 */
function inDType(e: Expr, code: string, roundF32: boolean): string {
  switch (e.dtype) {
    case "float32":
      return roundF32 ? `fround_(${code})` : `(${code})`;
    case "float64":
      return `(${code})`;
    case "int32":
      return `((${code}) | 0)`;
    case "bool":
      return `((${code}) ? 1 : 0)`;
    case "uint32":
      return `((${code}) >>> 0)`;
  }
}

/**
 * JS source for an expression: one statement per node that is not a leaf (in dependency order,
 * never nested, so its length does not grow the parser's stack), and the root's value.
 */
export function jsExpr(expr: Expr, io: JsAccess, { roundF32 = true, prefix = "t" } = {}): { pre: string[]; value: string } {
  const order = topo(expr);
  const code = new Map<Expr, string>();
  const pre: string[] = [];
  for (const e of order) {
    let s = (JS_ALU[e.op] as (e: Expr, a: readonly string[], io: JsAccess) => string)(e, e.args.map((a) => code.get(a)!), io);
    if (isUnary(e.op) || isBinary(e.op)) s = inDType(e, s, roundF32);
    if (e.args.length === 0) code.set(e, s);
    else {
      const name = `${prefix}${pre.length}`;
      pre.push(`const ${name} = ${s};`);
      code.set(e, name);
    }
  }
  return { pre, value: code.get(expr)! };
}

/** @internal The Math aliases that generated JS refers to. */
export const JS_PRELUDE =
  "const exp_ = Math.exp, log_ = Math.log, sqrt_ = Math.sqrt, tanh_ = Math.tanh, sin_ = Math.sin, cos_ = Math.cos, " +
  "abs_ = Math.abs, sign_ = Math.sign, max_ = Math.max, min_ = Math.min, pow_ = Math.pow, floor_ = Math.floor, fround_ = Math.fround, log1p_ = Math.log1p, tan_ = Math.tan, imul_ = Math.imul;";

/** JS code generation: works for any layout, mask and dtype. */
export function compileElementwiseJs<A extends AnyTypedArray = Float32Array>(spec: ElementwiseSpec): ElementwiseKernel<A> {
  const plan = analyze(spec);
  const nIn = spec.inputs.length;
  if (maxInput(spec.expr) >= nIn) throw new Error(`elementwise: expression reads input ${maxInput(spec.expr)} but only ${nIn} inputs are declared`);
  const R = plan.dims.length;
  const lines: string[] = [];
  for (let i = 0; i < nIn; i++) lines.push(`const in${i} = inputs[${i}];`);
  lines.push(`if (inputs.length < ${nIn}) throw new Error("elementwise: expected ${nIn} inputs");`);
  lines.push(`if (out.length < ${plan.n}) throw new Error("elementwise: output too small (" + out.length + " < ${plan.n})");`);
  for (let i = 0; i < nIn; i++) lines.push(`if (in${i}.length < ${plan.extents[i]}) throw new Error("elementwise: input ${i} too small (" + in${i}.length + " < ${plan.extents[i]})");`);
  // loop nest; innermost index `j`; per-input base b{d}_{i} and, for masked inputs, validity m{d}_{i}
  const inner = plan.dims[R - 1]!;
  const term = (d: number, i: number, idx: string): string => {
    const dim = plan.dims[d]!;
    const m = dim.masks[i];
    const st = dim.strides[i]!;
    if (!m) return `${idx} * ${st}`;
    const k = m.lo === 0 ? idx : `(${idx} - ${m.lo})`;
    return m.step === 1 ? `${k} * ${st}` : `((${k} / ${m.step}) | 0) * ${st}`;
  };
  const check = (d: number, i: number, idx: string): string | null => {
    const m = plan.dims[d]!.masks[i];
    if (!m) return null;
    const parts = [`${idx} >= ${m.lo}`, `${idx} < ${m.hi}`];
    if (m.step !== 1) parts.push(`(${idx} - ${m.lo}) % ${m.step} === 0`);
    return parts.join(" && ");
  };
  for (let i = 0; i < nIn; i++) {
    lines.push(`let b0_${i} = ${plan.offsets[i]};`);
    if (plan.masked[i]) lines.push(`let m0_${i} = ${!plan.empty[i]};`);
  }
  lines.push("let o = 0;");
  const open: string[] = [];
  for (let d = 0; d < R - 1; d++) {
    const dim = plan.dims[d]!;
    lines.push(`for (let i${d} = 0; i${d} < ${dim.size}; i${d}++) {`);
    for (let i = 0; i < nIn; i++) {
      lines.push(`const b${d + 1}_${i} = b${d}_${i} + ${term(d, i, `i${d}`)};`);
      if (plan.masked[i]) {
        const c = check(d, i, `i${d}`);
        lines.push(`const m${d + 1}_${i} = m${d}_${i}${c ? ` && ${c}` : ""};`);
      }
    }
    open.push("}");
  }
  const address = (i: number): string => {
    const s = inner.strides[i]!;
    const base = `b${R - 1}_${i}`;
    if (plan.masked[i]) return `${base} + ${term(R - 1, i, "j")}`;
    return s === 0 ? base : s === 1 ? `${base} + j` : `${base} + j * ${s}`;
  };
  const validCode = (i: number): string => {
    const c = check(R - 1, i, "j");
    return c ? `(m${R - 1}_${i} && ${c})` : `m${R - 1}_${i}`;
  };
  // hoist inner-loop-invariant (broadcast) loads
  const hoisted = new Set<number>();
  const io: JsAccess = {
    load(i) {
      if (plan.masked[i]) return `(${validCode(i)} ? in${i}[${address(i)}] : 0)`;
      if (inner.strides[i] === 0) {
        hoisted.add(i);
        return `h${i}`;
      }
      return `in${i}[${address(i)}]`;
    },
    valid: (i) => (plan.masked[i] ? `(${validCode(i)} ? 1 : 0)` : "1"),
  };
  const { pre, value } = jsExpr(spec.expr, io);
  for (const h of hoisted) lines.push(`const h${h} = in${h}[${address(h)}];`);
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

let sharedHeap: WasmHeap | null = null;
function heap(): WasmHeap {
  if (!sharedHeap) sharedHeap = new WasmHeap(16);
  return sharedHeap;
}

/** What the SIMD renderer's entries may use: the function, its math helpers, and a temp local. */
interface SimdCtx {
  readonly f: FuncBuilder;
  readonly lane: ReadonlyMap<string, number>;
  load(i: number): void;
}

/** Pops a value into a fresh v128 local and returns it. */
const stash = (c: SimdCtx): number => {
  const t = c.f.local("v128");
  c.f.set(t);
  return t;
};
const op = (code: number) => (c: SimdCtx) => void c.f.simd(code);
const compare = (code: number) => (c: SimdCtx) => void c.f.simd(code).f32x4(1).simd(SIMD.and);
const notSimd = (what: string) => () => {
  throw new Error(`internal: ${what} reached the SIMD renderer (simdSupports excludes it)`);
};

/**
 * The SIMD renderer: one entry per ALU op. Operands are already on the stack (in order); an entry
 * leaves the result there. Values are f32 lanes; bools are 0.0 / 1.0.
 */
const SIMD_ALU = {
  load: (c, e) => c.load(e.value),
  valid: notSimd("a masked load"),
  const: (c, e) => void c.f.f32x4(e.value),
  // casts among float32 and bool only (simdSupports): to bool is x != 0, without NaN (bool(NaN) is false)
  cast: (c, e) => {
    if (e.dtype !== "bool" || e.args[0]!.dtype === "bool") return;
    const t = stash(c);
    c.f.get(t).f32x4(0).simd(SIMD.f32x4Lt).get(t).f32x4(0).simd(SIMD.f32x4Gt).simd(SIMD.or).f32x4(1).simd(SIMD.and);
  },
  where: (c) => {
    // stack: cond, a, b -> bitselect(a, b, cond != 0)
    const b = stash(c);
    const a = stash(c);
    const cond = stash(c);
    c.f.get(a).get(b).get(cond).f32x4(0).simd(SIMD.f32x4Ne).simd(SIMD.bitselect);
  },
  // neg(true) is true (a bool is 0.0 / 1.0 here)
  neg: (c, e) => void (e.dtype === "bool" || c.f.simd(SIMD.f32x4Neg)),
  recip: (c) => {
    const t = stash(c);
    c.f.f32x4(1).get(t).simd(SIMD.f32x4Div);
  },
  sqrt: op(SIMD.f32x4Sqrt),
  // transcendental bodies are inlined into the loop (a wasm call per quad costs ~2x here)
  exp: (c) => expBody(c.f, stash(c)),
  log: (c) => logBody(c.f, stash(c)),
  tanh: (c) => tanhBody(c.f, stash(c)),
  sin: (c) => void c.f.call(c.lane.get("sin")!),
  tan: (c) => void c.f.call(c.lane.get("tan")!),
  log1p: (c) => void c.f.call(c.lane.get("log1p")!),
  cos: (c) => void c.f.call(c.lane.get("cos")!),
  abs: op(SIMD.f32x4Abs),
  sign: (c) => {
    // (x > 0) - (x < 0), NaN -> NaN
    const t = stash(c);
    const f = c.f;
    f.get(t).f32x4(0).simd(SIMD.f32x4Gt).f32x4(1).simd(SIMD.and);
    f.get(t).f32x4(0).simd(SIMD.f32x4Lt).f32x4(1).simd(SIMD.and);
    f.simd(SIMD.f32x4Sub);
    // bitselect(value, x, x < 0 | x > 0): x itself for ±0 and NaN
    f.get(t).get(t).f32x4(0).simd(SIMD.f32x4Lt).get(t).f32x4(0).simd(SIMD.f32x4Gt).simd(SIMD.or).simd(SIMD.bitselect);
  },
  floor: op(SIMD.f32x4Floor),
  add: op(SIMD.f32x4Add),
  sub: op(SIMD.f32x4Sub),
  mul: op(SIMD.f32x4Mul),
  div: op(SIMD.f32x4Div),
  max: op(SIMD.f32x4Max),
  min: op(SIMD.f32x4Min),
  pow: (c) => void c.f.call(c.lane.get("pow")!),
  lt: compare(SIMD.f32x4Lt),
  le: compare(SIMD.f32x4Le),
  eq: compare(SIMD.f32x4Eq),
  ne: compare(SIMD.f32x4Ne),
  // bitwise ops act on integer words: the JS renderer's (simdSupports excludes them)
  xor: notSimd("a bitwise op"),
  and: notSimd("a bitwise op"),
  or: notSimd("a bitwise op"),
  shl: notSimd("a bitwise op"),
  shr: notSimd("a bitwise op"),
  // math: lane calls (fmod of two float32 values is a float32, so `%` in double is exact)
  atan2: (c) => void c.f.call(c.lane.get("atan2")!),
  rem: (c) => void c.f.call(c.lane.get("rem")!),
} satisfies Record<AluOp, (c: SimdCtx, e: Expr) => void>;

/** Whether the SIMD renderer takes an expression: f32 lanes only (float32 values and bools). */
export function simdSupports(expr: Expr): boolean {
  return topo(expr).every((e) => {
    if (e.dtype !== "float32" && e.dtype !== "bool") return false;
    if (e.op === "valid" || isBitwise(e.op)) return false;
    if (e.op === "load") return e.dtype === "float32";
    if (e.op === "cast") return e.args[0]!.dtype === "float32" || e.args[0]!.dtype === "bool";
    return e.args.every((a) => a.dtype === "float32" || a.dtype === "bool");
  });
}

/** pow by a constant 2, 0.5 or 1 is a multiply, a square root or nothing (no lane call). */
function simplifyPow(root: Expr): Expr {
  const done = new Map<Expr, Expr>();
  for (const e of topo(root)) {
    const args = e.args.map((a) => done.get(a)!);
    let r: Expr = args.every((a, i) => a === e.args[i]) ? e : { ...e, args };
    const b = args[1];
    if (e.op === "pow" && b && b.op === "const") {
      if (b.value === 2) r = { op: "mul", dtype: e.dtype, args: [args[0]!, args[0]!], value: 0 };
      // Math.pow(x, 0.5) is +0 at -0 and +Infinity at -Infinity, where sqrt gives -0 and NaN
      else if (b.value === 0.5) {
        const x = args[0]!;
        const inf: Expr = { op: "const", dtype: e.dtype, args: [], value: Infinity };
        const ninf: Expr = { op: "const", dtype: e.dtype, args: [], value: -Infinity };
        const zero: Expr = { op: "const", dtype: e.dtype, args: [], value: 0 };
        const sq: Expr = { op: "add", dtype: e.dtype, args: [{ op: "sqrt", dtype: e.dtype, args: [x], value: 0 }, zero], value: 0 };
        r = { op: "where", dtype: e.dtype, args: [{ op: "eq", dtype: "bool", args: [x, ninf], value: 0 }, inf, sq], value: 0 };
      }
      else if (b.value === 1) r = args[0]!;
    }
    done.set(e, r);
  }
  return done.get(root)!;
}

/**
 * Emits the expression on the operand stack, iteratively: each node's operands are pushed in
 * order (a shared node is computed once into a local and read back after), then its entry runs.
 */
function emitSimd(c: SimdCtx, root: Expr): void {
  const uses = useCounts(topo(root));
  const saved = new Map<Expr, number>();
  const stack: [Expr, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [e, i] = top;
    if (i === 0 && saved.has(e)) {
      c.f.get(saved.get(e)!);
      stack.pop();
      continue;
    }
    if (i < e.args.length) {
      top[1] = i + 1;
      stack.push([e.args[i]!, 0]);
      continue;
    }
    stack.pop();
    (SIMD_ALU[e.op] as (c: SimdCtx, e: Expr) => void)(c, e);
    // a bool computed by arithmetic (true + true, true - false) is 1.0 wherever it is not 0
    if (e.dtype === "bool" && e.op !== "neg" && (isUnary(e.op) || isBinary(e.op))) c.f.f32x4(0).simd(SIMD.f32x4Ne).f32x4(1).simd(SIMD.and);
    if ((uses.get(e) ?? 0) > 1 && e.op !== "const" && e.op !== "load") {
      const l = c.f.local("v128");
      c.f.tee(l);
      saved.set(e, l);
    }
  }
}

/**
 * Emits `row(rows, n, out, p0, s0, p1, s1, ...)`: `rows` rows of ceil(n/4) quads each, row r
 * written at out + r·n·4 and reading input i from p_i + r·s_i (bytes); input i is a vector
 * (stride 1) or a scalar splat (stride 0) along the row. Over-reads/-writes up to 3 elements past
 * a row (the next row rewrites them; regions carry 16 bytes of slack). The outer loop runs here, not
 * in JS: broadcasts along rows (softmax's x − max) called it once per row of 128.
 */
function buildWasm(spec: ElementwiseSpec, vecInputs: boolean[]): { row: (...args: number[]) => void; bytes: number } {
  const nIn = spec.inputs.length;
  const expr = simplifyPow(spec.expr);
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: heap().maximumPages });
  const ops = new Set<string>(topo(expr).map((e) => e.op));
  const importIdx = new Map<string, number>();
  // per-lane calls to Math for the functions without an inlined polynomial
  const binaryLane = (name: string) => name === "pow" || name === "atan2" || name === "rem";
  for (const name of ["sin", "cos", "tan", "log1p", "pow", "atan2", "rem"]) {
    if (ops.has(name)) importIdx.set(name, m.importFunc("env", name, binaryLane(name) ? ["f32", "f32"] : ["f32"], ["f32"]));
  }
  const lane = new Map<string, number>();
  for (const [name, idx] of importIdx) lane.set(name, m.indexOf(emitLaneCall(m, `${name}_v`, idx, binaryLane(name) ? 2 : 1)));

  const params: Array<"i32"> = ["i32", "i32", "i32"];
  for (let i = 0; i < nIn; i++) params.push("i32", "i32");
  const f = m.func("row", params, []);
  const ROWS = 0, N = 1, OUT0 = 2;
  const B = (i: number): number => 3 + 2 * i; // input i's row start
  const S = (i: number): number => 4 + 2 * i; // its step from row to row
  const P: number[] = [];
  for (let i = 0; i < nIn; i++) P.push(f.local("i32"));
  const OUT = f.local("i32");
  const splat: number[] = [];
  for (let i = 0; i < nIn; i++) if (!vecInputs[i]) splat[i] = f.local("v128");
  const end = f.local("i32");
  f.get(N).i32(0).op(OP.i32GtS).if_();
  f.block().loop();
  f.get(ROWS).i32(1).op(OP.i32LtS).brIf(1);
  f.get(OUT0).set(OUT);
  for (let i = 0; i < nIn; i++) {
    f.get(B(i)).set(P[i]!);
    if (!vecInputs[i]) f.get(B(i)).load32Splat().set(splat[i]!);
  }
  // end = out + n*4
  f.get(OUT).get(N).i32(2).op(OP.i32Shl).op(OP.i32Add).tee(end).set(OUT0);
  f.loop();
  f.get(OUT);
  emitSimd(
    {
      f,
      lane,
      load: (i) => {
        if (vecInputs[i]) f.get(P[i]!).v128Load();
        else f.get(splat[i]!);
      },
    },
    expr,
  );
  f.v128Store();
  for (let i = 0; i < nIn; i++) if (vecInputs[i]) f.get(P[i]!).i32(16).op(OP.i32Add).set(P[i]!);
  f.get(OUT).i32(16).op(OP.i32Add).tee(OUT).get(end).op(OP.i32LtU).brIf(0);
  f.end();
  for (let i = 0; i < nIn; i++) f.get(B(i)).get(S(i)).op(OP.i32Add).set(B(i));
  f.get(ROWS).i32(1).op(OP.i32Sub).set(ROWS);
  f.br(0);
  f.end().end();
  f.end();
  const bytes = m.toBytes();
  const mod = new WebAssembly.Module(bytes as BufferSource);
  const env: Record<string, WebAssembly.Memory | ((...a: number[]) => number)> = { memory: heap().memory };
  const math: Record<string, (...a: number[]) => number> = { sin: Math.sin, cos: Math.cos, tan: Math.tan, log1p: Math.log1p, pow: Math.pow, atan2: Math.atan2, rem: (a, b) => a! % b! };
  for (const name of importIdx.keys()) env[name] = math[name]!;
  const inst = new WebAssembly.Instance(mod, { env });
  return { row: inst.exports["row"] as (...args: number[]) => void, bytes: bytes.length };
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
  if (plan.masked.some(Boolean) || !simdSupports(spec.expr)) throw new Error("elementwise: the SIMD renderer takes float32 expressions over unmasked inputs");
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
  const args = new Array<number>(3 + 2 * nIn).fill(0);
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
    // the last outer dim loops in wasm; an odometer over the ones above it
    const rowDim = outer[outer.length - 1];
    const rows = rowDim?.size ?? 1;
    const above = outer.slice(0, -1);
    const calls = outerCount / rows;
    const idx = new Array<number>(above.length).fill(0);
    const base = plan.offsets.slice();
    args[0] = rows;
    args[1] = inner.size;
    for (let i = 0; i < nIn; i++) args[4 + 2 * i] = (rowDim?.strides[i] ?? 0) * 4;
    let o = outAt;
    for (let r = 0; r < calls; r++) {
      args[2] = o;
      for (let i = 0; i < nIn; i++) args[3 + 2 * i] = regions[i]! + base[i]! * 4;
      row(...args);
      o += rows * inner.size * 4;
      for (let d = above.length - 1; d >= 0; d--) {
        const dim = above[d]!;
        idx[d]!++;
        for (let i = 0; i < nIn; i++) base[i]! += dim.strides[i]!;
        if (idx[d]! < dim.size) break;
        idx[d] = 0;
        for (let i = 0; i < nIn; i++) base[i]! -= dim.strides[i]! * dim.size;
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
  if (wasmSimdSupported() && simdSupports(spec.expr)) {
    const plan = analyze(spec);
    const inner = plan.dims[plan.dims.length - 1]!;
    if (plan.masked.some(Boolean)) return compileElementwiseJs<Float32Array>(spec);
    const ok = inner.strides.every((s) => s === 0 || s === 1) && (inner.size >= 16 || plan.dims.length === 1) && plan.n >= 64;
    if (ok) return compileElementwiseWasm(spec);
  }
  return compileElementwiseJs<Float32Array>(spec);
}

/** float64 kernels (JS codegen). */
export function compileElementwiseF64(spec: ElementwiseSpec): ElementwiseKernel<Float64Array> {
  return compileElementwiseJs<Float64Array>(spec);
}

/**
 * A float32 sum, max or min of a SIMD-renderable expression along rows: output o folds `n` values
 * (n a multiple of 4) that input i reads from `base[i][o]` on, stepping by `step[i]` (1: a vector,
 * 0: the row's one value splat). The rows' base offsets travel as i32 tables in the heap; the
 * fold runs in f32 lanes (four partial sums, as a GEMM's inner dimension; callers keep long sums
 * on the double-precision path); f32x4.max/min propagate NaN as the JS fold does.
 */
export function compileRowReduceWasm(spec: {
  readonly expr: Expr;
  readonly base: readonly Int32Array[];
  readonly step: readonly (0 | 1)[];
  readonly n: number;
  readonly op: "sum" | "max" | "min";
}): (inputs: readonly Float32Array[], out: Float32Array) => void {
  const nIn = spec.base.length;
  const rows = spec.base[0]?.length ?? 0;
  const expr = simplifyPow(spec.expr);
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: heap().maximumPages });
  const params: Array<"i32"> = ["i32", "i32"];
  for (let i = 0; i < nIn; i++) params.push("i32", "i32");
  const f = m.func("rows", params, []);
  const ROWS = 0, OUT = 1;
  const REGION = (i: number) => 2 + 2 * i; // input i's region start (bytes)
  const TABLE = (i: number) => 3 + 2 * i; // input i's table of row offsets (bytes)
  const ptr = spec.step.map(() => f.local("i32"));
  const splat = spec.step.map((s) => (s === 0 ? f.local("v128") : -1));
  const acc = f.local("v128");
  const q = f.local("i32");
  const o = f.local("i32");
  const [init, vfold, fold] = { sum: [0, SIMD.f32x4Add, OP.f32Add], max: [-Infinity, SIMD.f32x4Max, OP.f32Max], min: [Infinity, SIMD.f32x4Min, OP.f32Min] }[spec.op];
  f.i32(0).set(o);
  f.block().loop();
  f.get(o).get(ROWS).op(OP.i32GeS).brIf(1);
  for (let i = 0; i < nIn; i++) {
    f.get(REGION(i)).get(TABLE(i)).mem(OP.i32Load).i32(2).op(OP.i32Shl).op(OP.i32Add).set(ptr[i]!);
    f.get(TABLE(i)).i32(4).op(OP.i32Add).set(TABLE(i));
    if (spec.step[i] === 0) f.get(ptr[i]!).load32Splat().set(splat[i]!);
  }
  f.f32x4(init).set(acc);
  f.i32(spec.n / 4).set(q);
  f.loop();
  f.get(acc);
  emitSimd({ f, lane: new Map(), load: (i) => void (spec.step[i] === 1 ? f.get(ptr[i]!).v128Load() : f.get(splat[i]!)) }, expr);
  f.simd(vfold).set(acc);
  for (let i = 0; i < nIn; i++) if (spec.step[i] === 1) f.get(ptr[i]!).i32(16).op(OP.i32Add).set(ptr[i]!);
  f.get(q).i32(1).op(OP.i32Sub).tee(q).brIf(0);
  f.end();
  // out[o] = the four lanes folded
  f.get(OUT).get(o).i32(2).op(OP.i32Shl).op(OP.i32Add);
  f.get(acc).lane(SIMD.f32x4ExtractLane, 0);
  for (let l = 1; l < 4; l++) f.get(acc).lane(SIMD.f32x4ExtractLane, l).op(fold);
  f.mem(OP.f32Store);
  f.get(o).i32(1).op(OP.i32Add).set(o);
  f.br(0);
  f.end().end();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(m.toBytes() as BufferSource), { env: { memory: heap().memory } });
  const run = inst.exports["rows"] as (...args: number[]) => void;
  // heap layout per call: the row tables, the output, then each input whole
  const tableAt: number[] = [];
  let at = 0;
  for (let i = 0; i < nIn; i++) {
    tableAt.push(at);
    at = align64(at + rows * 4);
  }
  const outAt = at;
  at = align64(outAt + rows * 4);
  const args = new Array<number>(2 + 2 * nIn).fill(0);
  return (inputs, out) => {
    const { regions, end } = inputRegions(at, inputs);
    const h = heap();
    h.ensure(end);
    const i32 = new Int32Array(h.memory.buffer);
    for (let i = 0; i < nIn; i++) {
      i32.set(spec.base[i]!, tableAt[i]! >> 2);
      h.f32.set(inputs[i]!, regions[i]! >> 2);
      args[2 + 2 * i] = regions[i]!;
      args[3 + 2 * i] = tableAt[i]!;
    }
    args[0] = rows;
    args[1] = outAt;
    run(...args);
    out.set(h.f32.subarray(outAt >> 2, (outAt >> 2) + rows));
  };
}

/**
 * A float32 sum of a SIMD-renderable expression over `rows` rows into `n` outputs (n a multiple
 * of 4): output j adds the values input i reads at base[i] + r·rstride[i] + j·step[i] (step 1: a
 * vector along the outputs, 0: the row's one value splat), for r < rows: a bias gradient or a
 * layerNorm scale gradient, sum over the batch of x · y. The outputs stay in L1 as f32
 * accumulators (callers keep long sums on the double-precision path).
 */
export function compileColumnSumWasm(spec: {
  readonly expr: Expr;
  readonly base: readonly number[];
  readonly rstride: readonly number[];
  readonly step: readonly (0 | 1)[];
  readonly rows: number;
  readonly n: number;
}): (inputs: readonly Float32Array[], out: Float32Array) => void {
  const nIn = spec.base.length;
  const expr = simplifyPow(spec.expr);
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 1, maximum: heap().maximumPages });
  const params: Array<"i32"> = ["i32"];
  for (let i = 0; i < nIn; i++) params.push("i32");
  const f = m.func("cols", params, []);
  const OUT = 0;
  const ROW = (i: number) => 1 + i; // input i's current row start (bytes)
  const ptr = spec.step.map(() => f.local("i32"));
  const splat = spec.step.map((s) => (s === 0 ? f.local("v128") : -1));
  const o = f.local("i32");
  const q = f.local("i32");
  const r = f.local("i32");
  f.i32(spec.rows).set(r);
  f.loop();
  for (let i = 0; i < nIn; i++) {
    f.get(ROW(i)).set(ptr[i]!);
    if (spec.step[i] === 0) f.get(ptr[i]!).load32Splat().set(splat[i]!);
  }
  f.get(OUT).set(o);
  f.i32(spec.n / 4).set(q);
  f.loop();
  f.get(o).get(o).v128Load();
  emitSimd({ f, lane: new Map(), load: (i) => void (spec.step[i] === 1 ? f.get(ptr[i]!).v128Load() : f.get(splat[i]!)) }, expr);
  f.simd(SIMD.f32x4Add).v128Store();
  for (let i = 0; i < nIn; i++) if (spec.step[i] === 1) f.get(ptr[i]!).i32(16).op(OP.i32Add).set(ptr[i]!);
  f.get(o).i32(16).op(OP.i32Add).set(o);
  f.get(q).i32(1).op(OP.i32Sub).tee(q).brIf(0);
  f.end();
  for (let i = 0; i < nIn; i++) f.get(ROW(i)).i32(spec.rstride[i]! * 4).op(OP.i32Add).set(ROW(i));
  f.get(r).i32(1).op(OP.i32Sub).tee(r).brIf(0);
  f.end();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(m.toBytes() as BufferSource), { env: { memory: heap().memory } });
  const run = inst.exports["cols"] as (...args: number[]) => void;
  const args = new Array<number>(1 + nIn).fill(0);
  return (inputs, out) => {
    const { regions, end } = inputRegions(align64(spec.n * 4), inputs);
    const h = heap();
    h.ensure(end);
    h.f32.fill(0, 0, spec.n);
    for (let i = 0; i < nIn; i++) {
      h.f32.set(inputs[i]!, regions[i]! >> 2);
      args[1 + i] = regions[i]! + spec.base[i]! * 4;
    }
    args[0] = 0;
    if (spec.rows > 0) run(...args);
    out.set(h.f32.subarray(0, spec.n));
  };
}

/** Byte offsets for copying `inputs` into the heap from `start` on (each 64-aligned, 16 bytes of slack for SIMD tails), and the end. */
function inputRegions(start: number, inputs: readonly Float32Array[]): { regions: number[]; end: number } {
  let end = start;
  const regions = inputs.map((x) => {
    const at = end;
    end = align64(end + x.length * 4 + 16);
    return at;
  });
  return { regions, end };
}
