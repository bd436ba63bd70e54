/** Public elementwise ops: NumPy broadcasting, dtype promotion, numbers accepted as scalars. */
import type { DType, FloatDType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { Broadcast, BroadcastAll } from "../shape/broadcast.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { isFloat } from "../ir/dtype.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { broadcastOperands, broadcastTo } from "./operand.js";
import { broadcastAll, broadcastShapes } from "../tensor/checks.js";
import { checkDType } from "../tensor/create.js";
import type { ArithDType, FloatResultDType, Operand, ResultDType, ResultDType3, ShapeOf } from "../tensor/types.js";

// ---------------------------------------------------------------- binary arithmetic

// Result types are written out in each signature (not through an alias) so that hovers show the
// resolved `Tensor<[2, 3], "float32">` rather than the alias applied to its arguments.
type BinArg<X, Y, Op extends string> = Check<Broadcast<ShapeOf<X>, ShapeOf<Y>, Op>, Y>;

function binary(op: string, f: (x: AnyTensor, y: AnyTensor) => AnyTensor) {
  return (x: Operand, y: Operand): AnyTensor => {
    const [a, b] = broadcastOperands(op, [x, y]);
    return f(a!, b!);
  };
}
/** Like `binary`, for ops that only make sense on floats (div, pow): ints are promoted to float32. */
function floatBinary(op: string, f: (x: AnyTensor, y: AnyTensor) => AnyTensor) {
  return (x: Operand, y: Operand): AnyTensor => {
    const [a, b] = broadcastOperands(op, [x, y], "float32");
    return f(a!, b!);
  };
}

/** add, sub and mul count in int32 when both operands are bool (true + true is 2, not true). */
function arith(op: string, f: (x: AnyTensor, y: AnyTensor) => AnyTensor) {
  return (x: Operand, y: Operand): AnyTensor => {
    const [a, b] = broadcastOperands(op, [x, y], "int32");
    return f(a!, b!);
  };
}
const addImpl = arith("add", lax.add);
const subImpl = arith("sub", lax.sub);
const mulImpl = arith("mul", lax.mul);
const divImpl = floatBinary("div", lax.div);
const maximumImpl = binary("maximum", lax.max);
const minimumImpl = binary("minimum", lax.min);
// clip's two halves, named "clip" in their messages as in the type-level check
const clipLoImpl = binary("clip", lax.max);
const clipHiImpl = binary("clip", lax.min);

export function add<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "add">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "add">>, ArithDType<X, Y>> {
  return addImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "add">>, ArithDType<X, Y>>;
}
export function sub<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "sub">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "sub">>, ArithDType<X, Y>> {
  return subImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "sub">>, ArithDType<X, Y>>;
}
export function mul<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "mul">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "mul">>, ArithDType<X, Y>> {
  return mulImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "mul">>, ArithDType<X, Y>>;
}
export function div<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "div">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "div">>, FloatResultDType<X, Y>> {
  return divImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "div">>, FloatResultDType<X, Y>>;
}
export function maximum<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "maximum">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "maximum">>, ResultDType<X, Y>> {
  return maximumImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "maximum">>, ResultDType<X, Y>>;
}
export function minimum<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "minimum">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "minimum">>, ResultDType<X, Y>> {
  return minimumImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "minimum">>, ResultDType<X, Y>>;
}

/**
 * x ** y. An integer number exponent (`pow(x, 3)`) is an exact repeated product that is
 * differentiable for negative x; a tensor or fractional exponent uses exp/log semantics.
 */
export function pow<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "pow">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "pow">>, FloatResultDType<X, Y>> {
  return powImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "pow">>, FloatResultDType<X, Y>>;
}
function powImpl(x: Operand, y: Operand): AnyTensor {
  if (x instanceof TensorClass && typeof y === "number" && Number.isInteger(y) && Math.abs(y) <= 64) {
    const t = isFloat(x.dtype) ? (x as AnyTensor) : lax.convert(x as AnyTensor, "float32");
    if (y === 0) return lax.onesLike(t);
    return y > 0 ? lax.integerPow(t, y) : lax.integerPow(lax.div(lax.onesLike(t), t), -y);
  }
  const [a, b] = broadcastOperands("pow", [x, y], "float32");
  return lax.pow(a!, b!);
}

// ---------------------------------------------------------------- comparisons

const cmp = (op: string, f: (x: AnyTensor, y: AnyTensor) => AnyTensor) => binary(op, f);
const ltImpl = cmp("less", lax.lt);
const leImpl = cmp("lessEqual", lax.le);
const gtImpl = cmp("greater", lax.gt);
const geImpl = cmp("greaterEqual", lax.ge);
const eqImpl = cmp("equal", lax.eq);
const neImpl = cmp("notEqual", lax.ne);

export function less<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "less">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "less">>, "bool"> {
  return ltImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "less">>, "bool">;
}
export function lessEqual<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "lessEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "lessEqual">>, "bool"> {
  return leImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "lessEqual">>, "bool">;
}
export function greater<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "greater">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greater">>, "bool"> {
  return gtImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greater">>, "bool">;
}
export function greaterEqual<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "greaterEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greaterEqual">>, "bool"> {
  return geImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greaterEqual">>, "bool">;
}
export function equal<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "equal">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "equal">>, "bool"> {
  return eqImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "equal">>, "bool">;
}
export function notEqual<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "notEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "notEqual">>, "bool"> {
  return neImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "notEqual">>, "bool">;
}

// ---------------------------------------------------------------- where / clip

type Where3<C, X, Y> = BroadcastAll<[ShapeOf<C>, ShapeOf<X>, ShapeOf<Y>], "where">;

/** where(cond, x, y): x where cond is true, else y (all three broadcast together). */
export function where<C extends Tensor<Shape, "bool">, X extends Operand, Y extends Operand>(
  cond: C,
  x: X,
  y: Check<Where3<C, X, Y>, Y>,
): Tensor<AsShape<Where3<C, X, Y>>, ResultDType<X, Y>> {
  return whereImpl(cond, x, y as Operand) as Tensor<AsShape<Where3<C, X, Y>>, ResultDType<X, Y>>;
}
function whereImpl(cond: AnyTensor, x: Operand, y: Operand): AnyTensor {
  if (!(cond instanceof TensorClass) || cond.dtype !== "bool") {
    throw new TypeError(`where: the condition must be a bool tensor (from a comparison), got ${cond instanceof TensorClass ? cond.dtype : typeof cond}`);
  }
  // in the order of the type-level fold (cond, x, y), so a mismatch names the same pair of shapes
  broadcastAll("where", [cond, x, y].map((v) => (v instanceof TensorClass ? v.shape : [])));
  const [a, b] = broadcastOperands("where", [x, y]);
  const shape = broadcastShapes("where", cond.shape, a!.shape);
  return lax.select(broadcastTo(cond, shape), broadcastTo(a!, shape), broadcastTo(b!, shape));
}

type Clip3<X, L, H> = BroadcastAll<[ShapeOf<X>, ShapeOf<L>, ShapeOf<H>], "clip">;
/** Limits x to [lo, hi]. */
export function clip<X extends Tensor<Shape, DType>, L extends Operand, H extends Operand>(
  x: X,
  lo: L,
  hi: Check<Clip3<X, L, H>, H>,
): Tensor<AsShape<Clip3<X, L, H>>, ResultDType3<X, L, H>> {
  return clipHiImpl(clipLoImpl(x, lo), hi as Operand) as Tensor<AsShape<Clip3<X, L, H>>, ResultDType3<X, L, H>>;
}

// ---------------------------------------------------------------- unary

type Unary = <S extends Shape, D extends DType>(x: Tensor<S, D>) => Tensor<S, D>;
type FloatUnary = <S extends Shape, D extends FloatDType>(x: Tensor<S, D>) => Tensor<S, D>;

function checkTensor(op: string, x: unknown): AnyTensor {
  if (!(x instanceof TensorClass)) throw new TypeError(`${op}: expected a tensor, got ${x === null ? "null" : typeof x}`);
  return x as AnyTensor;
}
function floatUnary(op: string, f: (x: AnyTensor) => AnyTensor): FloatUnary {
  return ((x: AnyTensor) => {
    const t = checkTensor(op, x);
    if (!isFloat(t.dtype)) throw new TypeError(`${op}: expects a float tensor, got ${t.dtype}`);
    return f(t);
  }) as FloatUnary;
}
function unary(op: string, f: (x: AnyTensor) => AnyTensor): Unary {
  return ((x: AnyTensor) => f(checkTensor(op, x))) as Unary;
}

export const neg: Unary = unary("neg", lax.neg);
export const abs: Unary = unary("abs", lax.abs);
export const sign: Unary = unary("sign", lax.sign);
export const square: Unary = unary("square", (x) => lax.integerPow(x, 2));
export const exp: FloatUnary = floatUnary("exp", lax.exp);
export const log: FloatUnary = floatUnary("log", lax.log);
export const log1p: FloatUnary = floatUnary("log1p", lax.log1p);
export const sin: FloatUnary = floatUnary("sin", lax.sin);
export const cos: FloatUnary = floatUnary("cos", lax.cos);
export const tan: FloatUnary = floatUnary("tan", lax.tan);
export const tanh: FloatUnary = floatUnary("tanh", lax.tanh);
export const sqrt: FloatUnary = floatUnary("sqrt", lax.sqrt);
/** The real cube root (negative for negative x, unlike `pow(x, 1/3)`). */
export const cbrt: FloatUnary = floatUnary("cbrt", lax.cbrt);
export const reciprocal: FloatUnary = floatUnary("reciprocal", (x) => lax.div(lax.onesLike(x), x));
export const sigmoid: FloatUnary = floatUnary("sigmoid", lax.logistic);
/** max(x, 0), with derivative 0 at x = 0 (as JAX; max's tie rule would give 0.5); NaN stays NaN. */
export const relu: Unary = unary("relu", (x) => {
  const zero = lax.zerosLike(x);
  return lax.select(lax.le(x, zero), zero, x);
});
/** log(1 + exp(x)), computed without overflow. */
export const softplus: FloatUnary = floatUnary("softplus", (x) =>
  lax.add(lax.log1p(lax.exp(lax.neg(lax.abs(x)))), lax.max(x, lax.zerosLike(x))),
);
/** The identity, with a zero derivative. */
export const stopGradient: Unary = unary("stopGradient", lax.stopGradient);

/**
 * Converts to another dtype, with JAX's (XLA's convert) rules: float to int32 truncates toward
 * zero and saturates (3e9 gives 2147483647, NaN gives 0); to bool is `x != 0`. (Creating a
 * tensor from a value its dtype cannot hold is an error instead: see tensor.)
 */
export function astype<S extends Shape, D2 extends DType>(x: Tensor<S, DType>, dtype: D2): Tensor<S, D2> {
  const t = checkTensor("astype", x);
  return lax.convert(t, checkDType("astype", dtype)) as Tensor<S, D2>;
}
