/** Turning op arguments into tensors: numbers become scalars of the other operand's dtype. */
import { isFloat, promote, type DType } from "../ir/dtype.js";
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { broadcastShapes } from "../tensor/checks.js";

export type Operand = AnyTensor | number;

function dtypeOf(xs: readonly Operand[]): DType {
  let d: DType | null = null;
  for (const x of xs) if (x instanceof Tensor) d = d === null ? x.dtype : promote(d, x.dtype);
  // numbers alone (add(1, 2)) are float32, like a Python float under JAX's default
  return d ?? "float32";
}

function check(op: string, x: unknown): void {
  if (!(x instanceof Tensor) && typeof x !== "number") {
    throw new TypeError(`${op}: expected a tensor or a number, got ${x === null ? "null" : typeof x}`);
  }
}

/**
 * Promotes operands to a common dtype (numbers are weakly typed: they take the tensors' dtype)
 * and broadcasts them to a common shape with explicit broadcasts, so primitives see equal shapes.
 */
export function broadcastOperands(op: string, xs: readonly Operand[], minDtype?: DType): AnyTensor[] {
  xs.forEach((x) => check(op, x));
  let dtype = dtypeOf(xs);
  // (uint32 already counts in integers: arith's int32 minimum is for bools)
  if (minDtype && !(dtype === "uint32" && minDtype === "int32")) dtype = promote(dtype, minDtype);
  let shape: number[] = [];
  for (const x of xs) if (x instanceof Tensor) shape = broadcastShapes(op, shape, x.shape);
  if (!isFloat(dtype)) {
    // a weak number takes an integer tensor's dtype only when that loses nothing
    const bad = xs.find((x) => typeof x === "number" && !(Number.isInteger(x) && (dtype === "bool" ? x === 0 || x === 1 : dtype === "uint32" ? x >= 0 && x < 2 ** 32 : x >= -(2 ** 31) && x < 2 ** 31)));
    if (bad !== undefined) {
      throw new TypeError(`${op}: the number ${bad} does not fit the ${dtype} operand; convert it first, e.g. astype(x, "float32")`);
    }
  }
  return xs.map((x) => {
    const t = typeof x === "number" ? lax.scalar(x, dtype) : lax.convert(x, dtype);
    return broadcastTo(t, shape);
  });
}

/** Broadcasts to a shape already known to be compatible (right-aligned NumPy rules). */
export function broadcastTo(t: AnyTensor, shape: readonly number[]): AnyTensor {
  const off = shape.length - t.shape.length;
  return lax.broadcastInDim(t, shape, t.shape.map((_, i) => i + off));
}
