/**
 * Graphs (like jaxprs) and the primitives they are made of: the two refer to each other (an
 * equation applies a primitive; a call primitive's params hold a graph), so they share a file.
 */
import { showAval, type AbstractValue } from "./aval.js";
import type { DeviceArray } from "./device.js";
import type { HostArray } from "./host-array.js";
import type { ContractionDims, Expr, ReduceOp, View } from "./kernel.js";

let nextVarId = 0;

/** A value in a graph: produced by one equation, or an input, capture or constant of the graph. */
export class Var {
  readonly id = nextVarId++;
  constructor(readonly aval: AbstractValue) {}
}

/** One primitive application: `out = prim[params](...inputs)`. */
export interface Eqn {
  readonly prim: Primitive;
  readonly inputs: readonly Var[];
  readonly params: object;
  readonly out: Var;
}

/** A constant baked into a graph (a concrete tensor that the traced function used). */
export interface GraphConst {
  readonly v: Var;
  readonly value: DeviceArray;
}

/**
 * A traced program in A-normal form, like a jaxpr. `captures` are values of an enclosing trace
 * that the function closed over; the caller binds them when it runs or inlines the graph.
 */
let nextGraphId = 0;

export class Graph {
  /** Identifies the graph in cache keys (a call equation's params hold one). */
  readonly id = nextGraphId++;
  constructor(
    readonly inputs: readonly Var[],
    readonly captures: readonly Var[],
    readonly consts: readonly GraphConst[],
    readonly eqns: readonly Eqn[],
    readonly outputs: readonly Var[],
  ) {}

  toString(): string {
    const names = new Map<Var, string>();
    const name = (v: Var): string => {
      let n = names.get(v);
      if (n === undefined) {
        n = varName(names.size);
        names.set(v, n);
      }
      return n;
    };
    const decl = (v: Var) => `${name(v)}:${showAval(v.aval)}`;
    const head = [
      ...this.consts.map((c) => decl(c.v) + scalarText(c.value)),
      ...this.captures.map(decl),
    ].join(" ");
    const ins = this.inputs.map(decl).join(" ");
    const lines = [`{ lambda ${head ? head + " ; " : ""}${ins} . let`];
    for (const e of this.eqns) {
      const p = e.prim.showParams ? e.prim.showParams(e.params as never) : "";
      lines.push(`    ${decl(e.out)} = ${e.prim.name}${p ? `[${p}]` : ""} ${e.inputs.map(name).join(" ")}`);
    }
    lines.push(`  in (${this.outputs.map(name).join(", ")}) }`);
    return lines.join("\n");
  }
}

/** A scalar constant's value, for the printer ("" when it is not a readable scalar). */
function scalarText(a: DeviceArray): string {
  if (a.aval.shape.length !== 0) return "";
  try {
    return `=${a.backend.toHostSync(a).data[0]}`;
  } catch {
    return "";
  }
}

function varName(i: number): string {
  let s = "";
  do {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26) - 1;
  } while (i >= 0);
  return s;
}

/** A batched value inside vmap: the tensor and the axis that is mapped (null = not mapped). */
export type BatchDim = number | null;

/**
 * How a primitive compiles: the one thing the fusion pass asks of it.
 * - `elementwise`: an expression over the ALU ops of ir/kernel.ts, given its operands' expressions
 *   (it fuses wherever its operands fuse, on every backend);
 * - `view`: an index map on its single operand (broadcast, transpose, reshape, slice), or null
 *   when the operand's view cannot be composed (fusion then copies the operand first);
 * - `gather`: views of its operands and an expression that combines their (masked) loads
 *   (pad, concatenate): still fused, no copy;
 * - `reduce`: a fold over axes; `contraction`: dot_general; no rule: an opaque host step.
 */
export type Lowering<P> =
  | { readonly kind: "elementwise"; expr(args: readonly Expr[], params: P, out: AbstractValue): Expr }
  | { readonly kind: "view"; view(v: View, params: P, out: AbstractValue): View | null }
  | {
      readonly kind: "gather";
      views(vs: readonly View[], params: P, out: AbstractValue): View[];
      /** `loads[i]` reads operand i (0 where its view is masked out), `valid[i]` says where it has an element */
      expr(loads: readonly Expr[], valid: readonly Expr[], params: P, out: AbstractValue): Expr;
    }
  | { readonly kind: "reduce"; readonly op: ReduceOp; axes(params: P): readonly number[] }
  | { readonly kind: "contraction"; dims(params: P): ContractionDims };

/**
 * A primitive is the unit the graph is made of. Every rule a transformation or the compiler needs
 * lives on the primitive itself, in one file of src/prims/: adding an op means writing one object.
 *
 * Rules are written with the internal ops of src/prims/lax.ts, so they work on concrete tensors
 * and on tracers alike: that is what lets transformations nest to any order. `T` is the value
 * type the rules see (the Tensor class, in prims/); the IR itself never calls a rule.
 */
export interface Primitive<P extends object = object, T = unknown> {
  readonly name: string;
  /** Output shape and dtype; throws a clear error on invalid inputs (shapes are already known). */
  abstractEval(inputs: readonly AbstractValue[], params: P): AbstractValue;
  /** Reference implementation on host arrays (row-major), rounding to the output dtype. */
  impl(inputs: readonly HostArray[], params: P, out: AbstractValue): HostArray;
  /**
   * Forward mode: the output tangent given primal inputs, their tangents (null = zero) and the
   * primal output. Returns null when the tangent is identically zero.
   */
  jvp(primals: readonly T[], tangents: readonly (T | null)[], params: P, out: T): T | null;
  /**
   * Reverse mode: cotangents of the inputs given the output cotangent. `wanted[i]` says whether
   * input i needs one; return null for inputs that are not wanted or get a zero cotangent.
   */
  vjp(ct: T, primals: readonly T[], params: P, out: T, wanted: readonly boolean[]): (T | null)[];
  /**
   * Batching: inputs carry a mapped axis at `dims[i]` (0 or null; vmap moves mapped axes to the
   * front before calling). Returns the output and where its mapped axis is.
   */
  batch(inputs: readonly T[], dims: readonly BatchDim[], params: P): [T, BatchDim];
  /**
   * Taylor mode (jet, src/prims/taylor.ts). Coefficients here are normalized, x(t) = Σ_k x_k t^k
   * (x_k is the k-th derivative over k!; the public `jet` converts from JAX's derivative
   * convention). `"linear"`: linear, or locally linear (piecewise linear: max, abs, select, gather),
   * in its float inputs, so coefficient k maps through `jvp` at the primal point; `"bilinear"`:
   * linear in each of two operands (mul, dot_general, conv), a Cauchy product; a function: the
   * coefficients 1..K of the output given each input's (null = zero); `"expand"`: a call-like
   * primitive with custom rules (customJvp, customVjp) whose Taylor series is its function's, its
   * `subgraph` interpreted inline (as JAX's jet, which drops custom rules and runs the function).
   * Without one, the rule is derived from `jvp` (y' = jvp(x, x'), whose series is jet one order
   * lower); a nested jit (a `subgraph` without customRules) is always interpreted inline.
   */
  readonly jet?: "linear" | "bilinear" | "expand" | JetRule<P, T>;
  /** How it compiles (ir/kernel.ts); without one it runs `impl` on the host. */
  readonly lower?: Lowering<P>;
  /** For call-like primitives: the graph its params carry (a nested jit) and which output this is. */
  subgraph?(params: P): { readonly graph: Graph; readonly output: number };
  /**
   * For call-like primitives whose derivative or batching rules are not those of their graph
   * (custom derivatives, remat): the optimiser keeps them whole, since an optimised graph (a jit
   * plan) may still be transformed; only the final compile inlines them.
   */
  readonly customRules?: boolean;
  /** Parameters as shown by the graph printer. */
  showParams?(params: P): string;
}

/** A Taylor rule: `series[i][k-1]` is coefficient k of input i (null = zero); returns the output's K coefficients. */
export type JetRule<P, T> = {
  // method syntax: checked bivariantly, like the other rules (which are methods of Primitive)
  rule(primals: readonly T[], series: readonly (readonly (T | null)[])[], params: P, out: T): (T | null)[];
}["rule"];

export type AnyPrimitive = Primitive<never> | Primitive<object>;
