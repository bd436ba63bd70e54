/** Public elementwise ops: NumPy broadcasting, dtype promotion, numbers accepted as scalars. */
import type { DType, FloatDType } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { Broadcast, BroadcastAll } from "../shape/broadcast.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { isFloat } from "../ir/dtype.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { broadcastOperands, broadcastTo } from "./operand.js";
import { tensorArg, broadcastAll, broadcastShapes } from "../tensor/checks.js";
import { checkDType } from "../tensor/create.js";
import type { FloatOf, ArithDType, FloatResultDType, Operand, ResultDType, ResultDType3, ShapeOf } from "../tensor/types.js";

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

function floatUnary(op: string, f: (x: AnyTensor) => AnyTensor): FloatUnary {
  return ((x: AnyTensor) => {
    const t = tensorArg(op, x);
    if (!isFloat(t.dtype)) throw new TypeError(`${op}: expects a float tensor, got ${t.dtype}`);
    return f(t);
  }) as FloatUnary;
}
function unary(op: string, f: (x: AnyTensor) => AnyTensor): Unary {
  return ((x: AnyTensor) => f(tensorArg(op, x))) as Unary;
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
/**
 * log(1 + exp(x)), computed without overflow as max(x, 0) + log1p(exp(-|x|)). -|x| is written
 * min(x, -x): at 0 its tie rule gives the derivative 0 (abs' would give 1), so softplus'(0) is
 * sigmoid(0) = 1/2.
 */
export const softplus: FloatUnary = floatUnary("softplus", (x) =>
  lax.add(lax.log1p(lax.exp(lax.min(x, lax.neg(x)))), lax.max(x, lax.zerosLike(x))),
);
/** The identity, with a zero derivative. */
export const stopGradient: Unary = unary("stopGradient", lax.stopGradient);

/**
 * Converts to another dtype, with JAX's (XLA's convert) rules: float to int32 truncates toward
 * zero and saturates (3e9 gives 2147483647, NaN gives 0); to bool is `x != 0`. (Creating a
 * tensor from a value its dtype cannot hold is an error instead: see tensor.)
 */
export function astype<S extends Shape, D2 extends DType>(x: Tensor<S, DType>, dtype: D2): Tensor<S, D2> {
  const t = tensorArg("astype", x);
  return lax.convert(t, checkDType("astype", dtype)) as Tensor<S, D2>;
}

// ---------------------------------------------------------------- math

type InexactUnary = <S extends Shape, D extends DType>(x: Tensor<S, D>) => Tensor<S, FloatOf<D>>;
type Predicate = <S extends Shape, D extends DType>(x: Tensor<S, D>) => Tensor<S, "bool">;

const toFloat = (x: AnyTensor): AnyTensor => (isFloat(x.dtype) ? x : lax.convert(x, "float32"));
function inexactUnary(op: string, f: (x: AnyTensor) => AnyTensor): InexactUnary {
  return ((x: AnyTensor) => f(toFloat(tensorArg(op, x)))) as InexactUnary;
}
/** Rounding ops: integers (and bools) are returned unchanged, as in JAX. */
function roundingUnary(op: string, f: (x: AnyTensor) => AnyTensor): Unary {
  return ((x: AnyTensor) => {
    const t = tensorArg(op, x);
    return isFloat(t.dtype) ? f(t) : t;
  }) as Unary;
}

/** The error function 2/√π ∫₀ˣ e^{-t²} dt (fdlibm's rational approximations: about 1 ulp in float64). */
export const erf: InexactUnary = inexactUnary("erf", lax.erf);
/** 1 - erf(x), accurate where erf(x) is close to 1 (erfc(10) is 2.1e-45, not 0). */
export const erfc: InexactUnary = inexactUnary("erfc", lax.erfc);
/** e^x - 1, accurate near 0. */
export const expm1: InexactUnary = inexactUnary("expm1", lax.expm1);
/** log base 2, computed as JAX does: log(x) / log(2) in the dtype. */
export const log2: InexactUnary = inexactUnary("log2", lax.log2);
/** log base 10: log(x) / log(10) in the dtype. */
export const log10: InexactUnary = inexactUnary("log10", lax.log10);
/** 1 / sqrt(x). */
export const rsqrt: InexactUnary = inexactUnary("rsqrt", (x) => lax.div(lax.onesLike(x), lax.sqrt(x)));
/** arcsin, in [-π/2, π/2]; NaN outside [-1, 1]. */
export const asin: InexactUnary = inexactUnary("asin", lax.asin);
/** arccos, in [0, π]; NaN outside [-1, 1]. */
export const acos: InexactUnary = inexactUnary("acos", lax.acos);
/** arctan, in (-π/2, π/2). */
export const atan: InexactUnary = inexactUnary("atan", lax.atan);
export const sinh: InexactUnary = inexactUnary("sinh", lax.sinh);
export const cosh: InexactUnary = inexactUnary("cosh", lax.cosh);
export const asinh: InexactUnary = inexactUnary("asinh", lax.asinh);
/** acosh, NaN below 1. */
export const acosh: InexactUnary = inexactUnary("acosh", lax.acosh);
/** atanh, ±Infinity at ±1 and NaN beyond. */
export const atanh: InexactUnary = inexactUnary("atanh", lax.atanh);

/** The largest integer <= x (integers unchanged); its derivative is 0. */
export const floor: Unary = roundingUnary("floor", lax.floor);
/** The smallest integer >= x (integers unchanged); its derivative is 0. */
export const ceil: Unary = roundingUnary("ceil", lax.ceil);
/** x rounded toward zero (integers unchanged); its derivative is 0. */
export const trunc: Unary = roundingUnary("trunc", lax.trunc);
/**
 * x rounded to `decimals` decimal places, halves to even as JAX (round(0.5) is 0, round(1.5) is
 * 2, round(-0.5) is -0); with decimals ≠ 0 it is round(x · 10^d) / 10^d in the dtype. Integers are
 * unchanged (decimals >= 0). Its derivative is 0.
 */
export function round<S extends Shape, D extends DType>(x: Tensor<S, D>, decimals = 0): Tensor<S, D> {
  const t = tensorArg("round", x);
  if (!Number.isInteger(decimals)) throw new TypeError(`round: decimals must be an integer, got ${decimals}`);
  if (!isFloat(t.dtype)) {
    if (decimals < 0) throw new TypeError(`round: decimals < 0 needs a float tensor, got ${t.dtype}`);
    return t as Tensor<S, D>;
  }
  if (decimals === 0) return lax.round(t) as Tensor<S, D>;
  const factor = lax.full(t.shape, 10 ** decimals, t.dtype);
  return lax.div(lax.round(lax.mul(t, factor)), factor) as Tensor<S, D>;
}

/** True where x is NaN (never for integers). */
export const isnan: Predicate = ((x: AnyTensor) => {
  const t = tensorArg("isnan", x);
  return isFloat(t.dtype) ? lax.ne(t, t) : lax.full(t.shape, 0, "bool");
}) as Predicate;
/** True where x is +Infinity or -Infinity. */
export const isinf: Predicate = ((x: AnyTensor) => {
  const t = tensorArg("isinf", x);
  return isFloat(t.dtype) ? lax.gt(lax.abs(t), lax.full(t.shape, lax.maxFinite(t.dtype), t.dtype)) : lax.full(t.shape, 0, "bool");
}) as Predicate;
/** True where x is neither infinite nor NaN (always for integers). */
export const isfinite: Predicate = ((x: AnyTensor) => {
  const t = tensorArg("isfinite", x);
  return isFloat(t.dtype) ? lax.le(lax.abs(t), lax.full(t.shape, lax.maxFinite(t.dtype), t.dtype)) : lax.full(t.shape, 1, "bool");
}) as Predicate;

/** x with NaN, +Infinity and -Infinity replaced (JAX's defaults: 0, the largest and the smallest finite value of the dtype); integers unchanged. */
export function nanToNum<S extends Shape, D extends DType>(x: Tensor<S, D>, options: { nan?: number; posinf?: number; neginf?: number } = {}): Tensor<S, D> {
  const t = tensorArg("nanToNum", x);
  if (!isFloat(t.dtype)) return t as Tensor<S, D>;
  const big = lax.maxFinite(t.dtype);
  const k = (v: number) => lax.full(t.shape, v, t.dtype);
  const { nan = 0, posinf = big, neginf = -big } = options;
  const out = lax.select(lax.ne(t, t), k(nan), lax.select(lax.gt(t, k(big)), k(posinf), lax.select(lax.lt(t, k(-big)), k(neginf), t)));
  return out as Tensor<S, D>;
}

const atan2Impl = floatBinary("atan2", lax.atan2);
const hypotImpl = floatBinary("hypot", lax.hypot);
const remainderImpl = arith("remainder", remainderOp);
const modImpl = arith("mod", remainderOp);
const floorDivideImpl = arith("floorDivide", floorDivideOp);

/** JAX's remainder: lax.rem (C's fmod), moved by y where its sign differs from y's. */
function remainderOp(x: AnyTensor, y: AnyTensor): AnyTensor {
  const zero = lax.zerosLike(x);
  const r = lax.rem(x, y);
  const plus = lax.select(lax.ne(r, zero), lax.ne(lax.lt(r, zero), lax.lt(y, zero)), lax.full(x.shape, 0, "bool"));
  return lax.select(plus, lax.add(r, y), r);
}
/** JAX's floor_divide: the truncated quotient less one where the remainder's sign differs from y's. */
function floorDivideOp(x: AnyTensor, y: AnyTensor): AnyTensor {
  const zero = lax.zerosLike(x);
  const no = lax.full(x.shape, 0, "bool");
  const r = lax.rem(x, y);
  if (!isFloat(x.dtype)) {
    const fix = lax.select(lax.ne(r, zero), lax.ne(lax.lt(r, zero), lax.lt(y, zero)), no);
    const q = lax.div(x, y);
    return lax.select(fix, lax.sub(q, lax.onesLike(q)), q);
  }
  // (x - rem) / y is an integer up to rounding; JAX's _float_divmod rounds it
  const fix = lax.select(lax.ne(r, zero), lax.ne(lax.sign(y), lax.sign(r)), no);
  const q = lax.div(lax.sub(x, r), y);
  return lax.round(lax.select(fix, lax.sub(q, lax.onesLike(q)), q));
}

/** atan2(y, x): the angle of (x, y) in (-π, π], with the signs of zeros as Math.atan2. Note the argument order (y first), as JAX. */
export function atan2<X extends Operand, Y extends Operand>(y: X, x: BinArg<X, Y, "atan2">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "atan2">>, FloatResultDType<X, Y>> {
  return atan2Impl(y, x as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "atan2">>, FloatResultDType<X, Y>>;
}
/** sqrt(x² + y²) without intermediate overflow; Infinity if either is infinite (even with a NaN). */
export function hypot<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "hypot">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "hypot">>, FloatResultDType<X, Y>> {
  return hypotImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "hypot">>, FloatResultDType<X, Y>>;
}
/**
 * x mod y with the sign of y (Python's %, JAX's remainder): remainder(-1, 3) is 2, remainder(1, -3)
 * is -2. int32 stays int32 (a remainder by 0 is 0); floats are exact (from C's fmod) on wasm and
 * ref, while gpu.js computes x - trunc(x / y) · y in float32, exact only while that product is
 * (integers, quotients below about 2^24). The derivative is 1 in x and -floor(x / y) in y.
 */
export function remainder<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "remainder">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "remainder">>, ArithDType<X, Y>> {
  return remainderImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "remainder">>, ArithDType<X, Y>>;
}
/** The same op as `remainder` (jnp.mod is jnp.remainder). */
export function mod<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "mod">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "mod">>, ArithDType<X, Y>> {
  return modImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "mod">>, ArithDType<X, Y>>;
}
/**
 * floor(x / y) (Python's //): floorDivide(-7, 2) is -4. int32 stays int32 (a division by 0 gives
 * 0 here), floats stay floats (JAX's divmod form, so x = floorDivide(x, y) · y + mod(x, y) up to
 * rounding). Its derivative is 0.
 */
export function floorDivide<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "floorDivide">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "floorDivide">>, ArithDType<X, Y>> {
  return floorDivideImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "floorDivide">>, ArithDType<X, Y>>;
}

// logical ops: any dtype, nonzero is true (as jnp.logical_*), a bool result
const truthy = (x: AnyTensor): AnyTensor => (x.dtype === "bool" ? x : lax.ne(x, lax.zerosLike(x)));
function logical(op: string, f: (a: AnyTensor, b: AnyTensor) => AnyTensor) {
  return (x: Operand, y: Operand): AnyTensor => {
    const [a, b] = broadcastOperands(op, [x, y]);
    return f(truthy(a!), truthy(b!));
  };
}
const falses = (a: AnyTensor) => lax.full(a.shape, 0, "bool");
const trues = (a: AnyTensor) => lax.full(a.shape, 1, "bool");
const andImpl = logical("logicalAnd", (a, b) => lax.select(a, b, falses(a)));
const orImpl = logical("logicalOr", (a, b) => lax.select(a, trues(a), b));
const xorImpl = logical("logicalXor", (a, b) => lax.ne(a, b));

/** x AND y, elementwise (nonzero is true). */
export function logicalAnd<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "logicalAnd">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "logicalAnd">>, "bool"> {
  return andImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "logicalAnd">>, "bool">;
}
/** x OR y, elementwise (nonzero is true). */
export function logicalOr<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "logicalOr">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "logicalOr">>, "bool"> {
  return orImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "logicalOr">>, "bool">;
}
/** x XOR y, elementwise (nonzero is true). */
export function logicalXor<X extends Operand, Y extends Operand>(x: X, y: BinArg<X, Y, "logicalXor">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "logicalXor">>, "bool"> {
  return xorImpl(x, y as Operand) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "logicalXor">>, "bool">;
}
/** NOT x, elementwise (nonzero is true). */
export const logicalNot: Predicate = ((x: AnyTensor) => {
  const t = truthy(tensorArg("logicalNot", x));
  return lax.eq(t, falses(t));
}) as Predicate;
