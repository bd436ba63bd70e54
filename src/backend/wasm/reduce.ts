/**
 * Fused reductions: an elementwise expression over strided inputs, folded over some axes in the
 * same loop (sum(x * y), mean(square(r)), max(abs(x)) never materialize the elementwise part).
 * Generated JS, accumulating in double precision.
 */
import { jsExpr, JS_PRELUDE } from "./elementwise.js";
import { stridedOffsets as offsets } from "../../ir/aval.js";
import { mergeDims, type Expr, type ReduceOp } from "../../ir/kernel.js";

export interface ReduceSpec {
  readonly expr: Expr;
  /** Each input's index map over the full (pre-reduction) shape. */
  readonly inputs: readonly { readonly strides: readonly number[]; readonly offset: number }[];
  readonly shape: readonly number[];
  /** Reduced axes, increasing. */
  readonly axes: readonly number[];
  readonly op: ReduceOp;
}

export type ReduceKernel = (inputs: readonly ArrayLike<number>[], out: { [i: number]: number; length: number }) => void;

export function compileReduce(spec: ReduceSpec): ReduceKernel {
  const kept = spec.shape.map((_, i) => i).filter((i) => !spec.axes.includes(i));
  const kShape = kept.map((a) => spec.shape[a]!);
  const rShape = spec.axes.map((a) => spec.shape[a]!);
  const tables = spec.inputs.flatMap((v) => [
    offsets(kShape, kept.map((a) => v.strides[a]!)).map((o) => o + v.offset),
    offsets(rShape, spec.axes.map((a) => v.strides[a]!)),
  ]);
  const nIn = spec.inputs.length;
  const nr = rShape.reduce((a, b) => a * b, 1);
  // when the reduced axes merge into one strided run for every input (rows of a matrix, the
  // common case), the reads are b + r·stride, which the JS engine keeps in registers, instead of
  // a second table lookup per element
  const run = mergeDims(rShape, spec.inputs.map((v) => spec.axes.map((a) => v.strides[a]!)));
  const step = run.shape.length <= 1 ? run.strides.map((st) => st[0] ?? 0) : null;
  const at = (i: number) => (step === null ? `b${i} + ro${i}[r]` : step[i] === 0 ? `b${i}` : step[i] === 1 ? `b${i} + r` : `b${i} + r * ${step[i]}`);
  // fusion never gives a reduction masked inputs (it stores a pad or concatenate first); the
  // producer is evaluated in double, like the accumulator (its float32 rounding would only cost time)
  const { pre, value } = jsExpr(spec.expr, { load: (i) => `in${i}[${at(i)}]`, valid: () => "1" }, { roundF32: false });
  const init = { sum: "0", prod: "1", max: "-Infinity", min: "Infinity" }[spec.op];
  const fold = {
    sum: "acc += v;",
    prod: "acc *= v;",
    // NaN wins, as in the reference implementation
    // (Math.max/min: NaN-propagating, and max(-0, 0) is 0 whatever the order)
    max: "acc = max_(acc, v); if (acc !== acc) break;",
    min: "acc = min_(acc, v); if (acc !== acc) break;",
  }[spec.op];
  const lines: string[] = [];
  for (let i = 0; i < nIn; i++) lines.push(`const in${i} = inputs[${i}], kb${i} = tables[${2 * i}], ro${i} = tables[${2 * i + 1}];`);
  lines.push("for (let o = 0; o < out.length; o++) {");
  for (let i = 0; i < nIn; i++) lines.push(`  const b${i} = kb${i}[o];`);
  lines.push(`  let acc = ${init};`);
  lines.push(`  for (let r = 0; r < ${nr}; r++) {`);
  for (const p of pre) lines.push("    " + p);
  lines.push(`    const v = ${value};`);
  lines.push(`    ${fold}`);
  lines.push("  }");
  lines.push("  out[o] = acc;");
  lines.push("}");
  const factory = new Function("tables", `${JS_PRELUDE}\nreturn function reduce(inputs, out) {\n${lines.join("\n")}\n};`) as (t: Int32Array[]) => ReduceKernel;
  return factory(tables);
}
