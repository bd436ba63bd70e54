import type { AbstractValue } from "./aval.js";
import type { HostArray } from "../backend/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";

/** A batched value inside vmap: the tensor and the axis that is mapped (null = not mapped). */
export type BatchDim = number | null;

/**
 * A primitive is the unit the graph is made of. Every rule a transformation or a backend needs
 * lives on the primitive itself, so adding an op means writing one object in src/prims/.
 *
 * Rules are written with the internal ops of src/ops/lax.ts, so they work on concrete tensors
 * and on tracers alike: that is what lets transformations nest to any order.
 */
export interface Primitive<P extends object = object> {
  readonly name: string;
  /** Output shape and dtype; throws a clear error on invalid inputs (shapes are already known). */
  abstractEval(inputs: readonly AbstractValue[], params: P): AbstractValue;
  /** Reference implementation on host arrays (row-major), rounding to the output dtype. */
  impl(inputs: readonly HostArray[], params: P, out: AbstractValue): HostArray;
  /**
   * Forward mode: the output tangent given primal inputs, their tangents (null = zero) and the
   * primal output. Returns null when the tangent is identically zero.
   */
  jvp(primals: readonly AnyTensor[], tangents: readonly (AnyTensor | null)[], params: P, out: AnyTensor): AnyTensor | null;
  /**
   * Reverse mode: cotangents of the inputs given the output cotangent. `wanted[i]` says whether
   * input i needs one; return null for inputs that are not wanted or get a zero cotangent.
   */
  vjp(ct: AnyTensor, primals: readonly AnyTensor[], params: P, out: AnyTensor, wanted: readonly boolean[]): (AnyTensor | null)[];
  /**
   * Batching: inputs carry a mapped axis at `dims[i]` (0 or null; vmap moves mapped axes to the
   * front before calling). Returns the output and where its mapped axis is.
   */
  batch(inputs: readonly AnyTensor[], dims: readonly BatchDim[], params: P): [AnyTensor, BatchDim];
  /** Parameters as shown by the graph printer. */
  showParams?(params: P): string;
}

export type AnyPrimitive = Primitive<never> | Primitive<object>;
