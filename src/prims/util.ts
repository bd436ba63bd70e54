import type { AbstractValue } from "../ir/aval.js";
import { showAval } from "../ir/aval.js";
import type { DType } from "../ir/dtype.js";
import type { AnyTensor } from "../tensor/tensor.js";
import type { BatchDim, Primitive } from "../ir/primitive.js";
import { bind } from "../ir/trace.js";
import * as lax from "../ops/lax.js";

/** Checks that the operands of an elementwise primitive agree in shape and dtype. */
export function sameAvals(name: string, ins: readonly AbstractValue[]): AbstractValue {
  const a = ins[0]!;
  for (const b of ins.slice(1)) {
    if (b.dtype !== a.dtype || b.shape.length !== a.shape.length || b.shape.some((d, i) => d !== a.shape[i])) {
      throw new Error(`internal: ${name} operands differ: ${ins.map(showAval).join(", ")}`);
    }
  }
  return a;
}

export function requireFloat(name: string, a: AbstractValue): void {
  if (a.dtype !== "float32" && a.dtype !== "float64") {
    throw new Error(`${name}: expects a float tensor, got ${a.dtype}`);
  }
}

/** Batching rule for primitives that act elementwise: give every operand the mapped axis. */
export function batchElementwise(prim: Primitive, params: object) {
  return (inputs: readonly AnyTensor[], dims: readonly BatchDim[]): [AnyTensor, BatchDim] => {
    const bi = dims.findIndex((d) => d !== null);
    const b = inputs[bi]!.shape[0]!;
    const aligned = inputs.map((x, i) => (dims[i] === null ? lax.broadcastLeading(x, b) : x));
    return [bind(prim, aligned, params), 0];
  };
}

/** Batching rule for primitives that act on one operand, with params rewritten for the new axis. */
export function batchUnary<P extends object>(prim: Primitive<P>, shift: (p: P, b: number) => P) {
  return (inputs: readonly AnyTensor[], _dims: readonly BatchDim[], params: P): [AnyTensor, BatchDim] => {
    const x = inputs[0]!;
    return [bind(prim as Primitive, [x], shift(params, x.shape[0]!)), 0];
  };
}

export const outDtype = (a: AbstractValue, dtype: DType): AbstractValue => ({ shape: a.shape, dtype });

/** max and min that return NaN when either side is NaN (the reference semantics everywhere). */
export const nanMax = (a: number, b: number) => (a !== a || b !== b ? NaN : a > b ? a : b);
export const nanMin = (a: number, b: number) => (a !== a || b !== b ? NaN : a < b ? a : b);
