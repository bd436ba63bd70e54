/**
 * The kernel IR: everything a backend ever sees. A compiled program is a list of kernels over
 * numbered buffers; a kernel is an expression over a closed set of scalar ALU ops, read through
 * index maps (views), possibly folded over some axes (reduce), or a contraction (dot_general on
 * buffers), or an opaque host step. Primitives lower to this (their `lower` rule), the fusion pass
 * (compile/fusion.ts) builds it, and every backend renders it with one table per target
 * (`satisfies Record<AluOp, ...>`), so an op a renderer lacks is a compile error.
 *
 * Expressions are immutable DAGs of `Expr` nodes; shared nodes are computed once. Everything that
 * walks them does so iteratively (`topo`), so a chain of 10,000 ops never nests a call stack.
 */
import { stridesOf, type AbstractValue } from "./aval.js";
import type { DType } from "./dtype.js";
import type { HostArray } from "./host-array.js";
import type { DeviceArray } from "./device.js";

// ---------------------------------------------------------------------------------------------
// the closed ALU op set (the one list: tinygrad's Ops/GroupOp)

/**
 * Binary math ops: `atan2` (y, x) as Math.atan2, the one inverse-trigonometric op (asin, acos and
 * atan are compositions over it), and `rem`, C's fmod (the result has the dividend's sign; exact
 * for floats on the CPU renderers, truncating for int32, 0 for an int32 division by zero; gpu.js
 * has no fmod and computes a - trunc(a / b) · b, exact only while that product is): both must
 * match Math in float64, which no composition of the ops above does.
 */
export const MATH_BINARY_OPS = ["atan2", "rem"] as const;

/**
 * Unary ops. log1p and tan are ALU ops rather than compositions because their float64 kernels
 * must give Math's results exactly (the op tests hold them to that); cbrt shows the other route.
 */
export const UNARY_OPS = ["neg", "recip", "sqrt", "exp", "log", "log1p", "sin", "cos", "tan", "tanh", "abs", "sign", "floor"] as const;
/** Binary ops; `div` truncates for int32 (C semantics), `max`/`min` propagate NaN. */
export const BINARY_OPS = ["add", "sub", "mul", "div", "max", "min", "pow", ...MATH_BINARY_OPS] as const;
/** Comparisons, with a bool result (gt/ge are lt/le with the operands swapped). */
export const COMPARE_OPS = ["lt", "le", "eq", "ne"] as const;

export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type CompareOp = (typeof COMPARE_OPS)[number];
/**
 * Every node kind. `load i` reads input i at the current point, `valid i` is true where input
 * i's (masked) view has an element, `cast` converts to the node's dtype, `where` selects.
 */
export type AluOp = "load" | "valid" | "const" | "cast" | "where" | UnaryOp | BinaryOp | CompareOp | BitwiseOp;

const UNARY = new Set<AluOp>(UNARY_OPS);
const BINARY = new Set<AluOp>(BINARY_OPS);
export const isUnary = (op: AluOp): op is UnaryOp => UNARY.has(op);
export const isBinary = (op: AluOp): op is BinaryOp => BINARY.has(op);

// bitwise ops (random bits: Threefry), on int32 and uint32 operands of one dtype
/**
 * Bitwise binary ops: `shl` shifts left, `shr` shifts right (logical for uint32, arithmetic for
 * int32); a shift by 32 or more gives 0 (-1 for a negative int32 `shr`), as XLA. uint32 `add`,
 * `sub` and `mul` wrap modulo 2^32 (the arithmetic ops above, at dtype uint32).
 */
export const BITWISE_OPS = ["xor", "and", "or", "shl", "shr"] as const;
export type BitwiseOp = (typeof BITWISE_OPS)[number];
const BITWISE = new Set<AluOp>(BITWISE_OPS);
export const isBitwise = (op: AluOp): op is BitwiseOp => BITWISE.has(op);

/** One node of an expression; `dtype` is its result's element type. */
export interface Expr {
  readonly op: AluOp;
  readonly dtype: DType;
  readonly args: readonly Expr[];
  /** const: the value; load / valid: the input index */
  readonly value: number;
  /** @internal fusion's handle on what a load reads, before inputs are numbered */
  readonly source?: unknown;
}

const node = (op: AluOp, dtype: DType, args: readonly Expr[], value = 0, source?: unknown): Expr =>
  source === undefined ? { op, dtype, args, value } : { op, dtype, args, value, source };

const un = (op: UnaryOp) => (x: Expr): Expr => node(op, x.dtype, [x]);
const bin = (op: BinaryOp) => (a: Expr, b: Expr): Expr => node(op, a.dtype, [a, b]);
const cmp = (op: CompareOp) => (a: Expr, b: Expr): Expr => node(op, "bool", [a, b]);

/**
 * Expression builders, what lowering rules are written with. Compositions (logistic, cbrt,
 * integer powers, ...) are built from these in the primitives' files, so a renderer only ever
 * meets the closed set.
 */
export const K = {
  input: (index: number, dtype: DType = "float32"): Expr => node("load", dtype, [], index),
  /** @internal a load whose input is numbered later (fusion) */
  leaf: (source: unknown, dtype: DType): Expr => node("load", dtype, [], -1, source),
  /** @internal `valid` of a load numbered later */
  leafValid: (source: unknown): Expr => node("valid", "bool", [], -1, source),
  valid: (index: number): Expr => node("valid", "bool", [], index),
  c: (value: number, dtype: DType = "float32"): Expr => node("const", dtype, [], value),
  cast: (x: Expr, dtype: DType): Expr => (x.dtype === dtype ? x : node("cast", dtype, [x])),
  where: (cond: Expr, a: Expr, b: Expr): Expr => node("where", a.dtype, [cond, a, b]),
  neg: un("neg"), recip: un("recip"), sqrt: un("sqrt"), exp: un("exp"), log: un("log"), log1p: un("log1p"), sin: un("sin"),
  cos: un("cos"), tan: un("tan"), tanh: un("tanh"), abs: un("abs"), sign: un("sign"), floor: un("floor"),
  add: bin("add"), sub: bin("sub"), mul: bin("mul"), div: bin("div"), max: bin("max"), min: bin("min"), pow: bin("pow"),
  lt: cmp("lt"), le: cmp("le"), eq: cmp("eq"), ne: cmp("ne"),
  gt: (a: Expr, b: Expr): Expr => node("lt", "bool", [b, a]),
  ge: (a: Expr, b: Expr): Expr => node("le", "bool", [b, a]),
  square: (x: Expr): Expr => node("mul", x.dtype, [x, x]),
  // bitwise
  xor: (a: Expr, b: Expr): Expr => node("xor", a.dtype, [a, b]),
  and: (a: Expr, b: Expr): Expr => node("and", a.dtype, [a, b]),
  or: (a: Expr, b: Expr): Expr => node("or", a.dtype, [a, b]),
  shl: (a: Expr, b: Expr): Expr => node("shl", a.dtype, [a, b]),
  shr: (a: Expr, b: Expr): Expr => node("shr", a.dtype, [a, b]),
  // math
  atan2: bin("atan2"), rem: bin("rem"),
} as const;

// ---------------------------------------------------------------------------------------------
// walking expressions without recursion

const topoCache = new WeakMap<Expr, readonly Expr[]>();

/** The distinct nodes of `root`, children before parents (root last); expressions are immutable, so it is computed once per root. */
export function topo(root: Expr): readonly Expr[] {
  const hit = topoCache.get(root);
  if (hit) return hit;
  const order: Expr[] = [];
  const seen = new Set<Expr>();
  const stack: [Expr, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [e, i] = top;
    if (i < e.args.length) {
      top[1] = i + 1;
      const c = e.args[i]!;
      if (!seen.has(c)) {
        seen.add(c);
        stack.push([c, 0]);
      }
    } else {
      stack.pop();
      order.push(e);
    }
  }
  topoCache.set(root, order);
  return order;
}

/** How many parents each node has (plus one for the root): nodes used twice are kept in a temporary. */
export function useCounts(order: readonly Expr[]): Map<Expr, number> {
  const uses = new Map<Expr, number>();
  for (const e of order) for (const a of e.args) uses.set(a, (uses.get(a) ?? 0) + 1);
  const root = order[order.length - 1];
  if (root) uses.set(root, (uses.get(root) ?? 0) + 1);
  return uses;
}

/** A cache key for an expression (flat, so deep chains serialise without recursion). */
export function exprKey(root: Expr): string {
  const order = topo(root);
  const id = new Map<Expr, number>();
  const parts: string[] = [];
  order.forEach((e, i) => {
    id.set(e, i);
    const v = e.op === "const" ? numKey(e.value) : e.op === "load" || e.op === "valid" ? String(e.value) : "";
    parts.push(`${e.op}:${e.dtype}:${v}:${e.args.map((a) => id.get(a)).join(",")}`);
  });
  return parts.join(";");
}

function numKey(v: number): string {
  return Object.is(v, -0) ? "-0" : String(v);
}

/** The largest input index an expression loads (-1 for none). */
export function maxInput(root: Expr): number {
  let m = -1;
  for (const e of topo(root)) if (e.op === "load" || e.op === "valid") m = Math.max(m, e.value);
  return m;
}

/** Rebuilds an expression bottom-up with `f` applied to every node (children already rebuilt). */
export function mapExpr(root: Expr, f: (e: Expr, args: Expr[]) => Expr): Expr {
  const done = new Map<Expr, Expr>();
  for (const e of topo(root)) done.set(e, f(e, e.args.map((a) => done.get(a)!)));
  return done.get(root)!;
}

// ---------------------------------------------------------------------------------------------
// index maps

/**
 * Valid range of an output axis of a masked view: the view has an element at output index i
 * when lo <= i < hi and (i - lo) % step == 0, namely element (i - lo) / step along that axis.
 */
export interface MaskDim {
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
}

/**
 * How a kernel reads a buffer: the element at output index (i0, i1, ...) is
 * `buffer[offset + Σ i_k · strides[k]]` (stride 0 broadcasts). With a mask, index i_k counts
 * (i_k - lo) / step instead, and outside the mask the view reads 0 (padding).
 */
export interface View {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly mask?: readonly MaskDim[];
}

export const contiguousView = (shape: readonly number[]): View => ({ shape, strides: stridesOf(shape), offset: 0 });

/** True when the view reads its elements in row-major order from offset 0 (a reshape of its buffer). */
export function isContiguous(view: View): boolean {
  if (view.mask) return false;
  const st = stridesOf(view.shape);
  return view.offset === 0 && view.shape.every((d, i) => d === 1 || st[i] === view.strides[i]);
}

/**
 * Drops size-1 axes and merges neighbouring axes that are contiguous for every operand
 * (`strides[j][d] == strides[j][d + 1] · shape[d + 1]`), so a kernel loops over as few axes as
 * possible (most elementwise kernels become one flat loop). `strides[j]` is operand j's stride
 * per axis. The one dim-merging routine of every renderer.
 */
export function mergeDims(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const dims: number[] = [];
  const st: number[][] = strides.map(() => []);
  shape.forEach((d, i) => {
    if (d === 1) return;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, j) => st[j]![last] === s[i]! * d)) {
      dims[last]! *= d;
      strides.forEach((s, j) => (st[j]![last] = s[i]!));
    } else {
      dims.push(d);
      strides.forEach((s, j) => st[j]!.push(s[i]!));
    }
  });
  return { shape: dims, strides: st };
}

/** An input of a kernel: a buffer read through a view. */
export interface Operand {
  readonly buffer: number;
  readonly view: View;
}

// ---------------------------------------------------------------------------------------------
// kernels and programs

export type ReduceOp = "sum" | "max" | "min" | "prod";

/** dot_general's axes: `contract` pairs are summed over, `batch` pairs mapped over. */
export interface ContractionDims {
  readonly contract: readonly [readonly number[], readonly number[]];
  readonly batch: readonly [readonly number[], readonly number[]];
}

export type Kernel =
  /** out = expr(inputs) at every point of out's shape (a view copy is `load 0`). */
  | { readonly kind: "elementwise"; readonly out: number; readonly expr: Expr; readonly inputs: readonly Operand[] }
  /** out = fold `op` over `axes` of expr(inputs), evaluated over `shape` (views index `shape`). */
  | {
      readonly kind: "reduce";
      readonly out: number;
      readonly op: ReduceOp;
      readonly expr: Expr;
      readonly inputs: readonly Operand[];
      readonly shape: readonly number[];
      readonly axes: readonly number[];
    }
  /** out = dot_general(lhs, rhs) on whole buffers; output axes [batch, lhs free, rhs free]. */
  | { readonly kind: "contraction"; readonly out: number; readonly lhs: number; readonly rhs: number; readonly dims: ContractionDims }
  /** A step the IR cannot express: a host function on whole buffers (`name` for messages). */
  | {
      readonly kind: "opaque";
      readonly out: number;
      readonly name: string;
      readonly inputs: readonly number[];
      readonly run: (inputs: readonly HostArray[]) => HostArray;
      /** the constants of the graphs it runs (a loop body's): a backend that reads asynchronously has them on the host first */
      readonly consts?: readonly DeviceArray[];
    };

/** A compiled graph: buffers 0..n-1 with their avals, filled by `inputs`, computed by `kernels`. */
export interface Program {
  readonly buffers: readonly AbstractValue[];
  readonly inputs: readonly number[];
  readonly kernels: readonly Kernel[];
  readonly outputs: readonly number[];
}

export function freeAxes(rank: number, ...used: (readonly number[])[]): number[] {
  const all = used.flat();
  return Array.from({ length: rank }, (_, i) => i).filter((i) => !all.includes(i));
}

/**
 * A contraction as a reduction: over the index space [batch, lhs free, rhs free, contracted],
 * the product of the two operands, summed over the contracted axes: the wasm backend runs integer
 * contractions through its reduce kernel, and the gpu.js renderer loops over the same index space.
 */
export function contractionAsReduce(k: Extract<Kernel, { kind: "contraction" }>, lhs: AbstractValue, rhs: AbstractValue): Extract<Kernel, { kind: "reduce" }> {
  const [lc, rc] = k.dims.contract;
  const [lb, rb] = k.dims.batch;
  const xs = lhs.shape;
  const ys = rhs.shape;
  const xst = stridesOf(xs);
  const yst = stridesOf(ys);
  const lf = freeAxes(xs.length, lc, lb);
  const rf = freeAxes(ys.length, rc, rb);
  const shape = [...lb.map((i) => xs[i]!), ...lf.map((i) => xs[i]!), ...rf.map((i) => ys[i]!), ...lc.map((i) => xs[i]!)];
  const nOut = lb.length + lf.length + rf.length;
  const lv: View = { shape, offset: 0, strides: [...lb.map((i) => xst[i]!), ...lf.map((i) => xst[i]!), ...rf.map(() => 0), ...lc.map((i) => xst[i]!)] };
  const rv: View = { shape, offset: 0, strides: [...rb.map((i) => yst[i]!), ...lf.map(() => 0), ...rf.map((i) => yst[i]!), ...rc.map((i) => yst[i]!)] };
  return {
    kind: "reduce",
    out: k.out,
    op: "sum",
    expr: K.mul(K.input(0, lhs.dtype), K.input(1, rhs.dtype)),
    inputs: [
      { buffer: k.lhs, view: lv },
      { buffer: k.rhs, view: rv },
    ],
    shape,
    axes: lc.map((_, i) => nOut + i),
  };
}
