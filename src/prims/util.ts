import type { AbstractValue } from "../ir/aval.js";
import { showAval } from "../ir/aval.js";
import type { Primitive } from "../ir/graph.js";
import { bind } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";

/** The rules' view of a primitive: they compute on tensors. */
export type Prim<P extends object = object> = Primitive<P, AnyTensor>;

/** Applies a primitive to tensors (the internal ops of every family are this). */
export const apply = (prim: Prim<never> | Prim, inputs: readonly AnyTensor[], params: object): AnyTensor =>
  bind(prim as Primitive, inputs, params) as AnyTensor;

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

export const fail = (msg: string): never => {
  throw new Error(`internal: ${msg}`);
};
