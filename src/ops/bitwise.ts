/**
 * Bitwise ops on integer tensors (int32, uint32), as jax.numpy: NumPy broadcasting, numbers as
 * weak scalars. `rightShift` is arithmetic for int32 and logical for uint32; a shift by 32 or
 * more gives 0 (or -1 for a negative int32 shifted right), as XLA.
 */
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { Broadcast } from "../shape/broadcast.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import type { ResultDType, ShapeOf } from "../tensor/types.js";
import { bitAnd, bitOr, bitXor, shiftLeft, shiftRight } from "../prims/bitwise.js";
import { broadcastOperands } from "./operand.js";

type IntOperand = Tensor<Shape, "int32" | "uint32"> | number;
type Result<X, Y, Op extends string> = Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, Op>>, ResultDType<X, Y> extends "float32" ? "int32" : ResultDType<X, Y>>;
type Arg<X, Y, Op extends string> = Check<Broadcast<ShapeOf<X>, ShapeOf<Y>, Op>, Y>;

function integerOp(op: string, f: (x: AnyTensor, y: AnyTensor) => AnyTensor) {
  return (x: IntOperand, y: IntOperand): AnyTensor => {
    // two numbers are int32 (the float32 default of other ops has no bits to combine)
    const [a, b] = typeof x === "number" && typeof y === "number" ? broadcastOperands(op, [x, y], "int32") : broadcastOperands(op, [x, y]);
    if (a!.dtype !== "int32" && a!.dtype !== "uint32") throw new TypeError(`${op}: expects int32 or uint32 tensors, got ${a!.dtype}`);
    return f(a!, b!);
  };
}
const xorImpl = integerOp("bitwiseXor", bitXor);
const andImpl = integerOp("bitwiseAnd", bitAnd);
const orImpl = integerOp("bitwiseOr", bitOr);
const shlImpl = integerOp("leftShift", shiftLeft);
const shrImpl = integerOp("rightShift", shiftRight);

/** Elementwise x ^ y on int32 or uint32 tensors. */
export function bitwiseXor<X extends IntOperand, Y extends IntOperand>(x: X, y: Arg<X, Y, "bitwiseXor">): Result<X, Y, "bitwiseXor"> {
  return xorImpl(x, y as IntOperand) as Result<X, Y, "bitwiseXor">;
}
/** Elementwise x & y on int32 or uint32 tensors. */
export function bitwiseAnd<X extends IntOperand, Y extends IntOperand>(x: X, y: Arg<X, Y, "bitwiseAnd">): Result<X, Y, "bitwiseAnd"> {
  return andImpl(x, y as IntOperand) as Result<X, Y, "bitwiseAnd">;
}
/** Elementwise x | y on int32 or uint32 tensors. */
export function bitwiseOr<X extends IntOperand, Y extends IntOperand>(x: X, y: Arg<X, Y, "bitwiseOr">): Result<X, Y, "bitwiseOr"> {
  return orImpl(x, y as IntOperand) as Result<X, Y, "bitwiseOr">;
}
/** x << y elementwise (0 for shifts of 32 or more, as XLA). */
export function leftShift<X extends IntOperand, Y extends IntOperand>(x: X, y: Arg<X, Y, "leftShift">): Result<X, Y, "leftShift"> {
  return shlImpl(x, y as IntOperand) as Result<X, Y, "leftShift">;
}
/** x >> y elementwise: arithmetic for int32, logical for uint32 (shifts of 32 or more give 0, or -1 for negative int32). */
export function rightShift<X extends IntOperand, Y extends IntOperand>(x: X, y: Arg<X, Y, "rightShift">): Result<X, Y, "rightShift"> {
  return shrImpl(x, y as IntOperand) as Result<X, Y, "rightShift">;
}
