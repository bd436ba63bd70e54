/**
 * Elementwise primitives. Operands have equal shapes and dtypes (the public ops broadcast and
 * promote before binding), so the reference implementation is a flat loop, and each one lowers
 * to an expression over the ALU ops of ir/kernel.ts (`K`): it fuses wherever its operands do.
 */
import { allocate, castScalar, isFloat, type DType } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import { K, type Expr } from "../ir/kernel.js";
import type { BatchDim, Lowering } from "../ir/graph.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading, full, onesLike, zerosLike } from "./broadcast.js";
import { apply, requireFloat, sameAvals, type Prim } from "./util.js";

type T = AnyTensor;
type Primitive<P extends object = object> = Prim<P>;

/** An elementwise lowering from a function of the operands' expressions. */
const ew = <P extends object = object>(expr: (args: readonly Expr[], params: P) => Expr): Lowering<P> => ({ kind: "elementwise", expr });

/** Batching rule for primitives that act elementwise: give every operand the mapped axis. */
function batchElementwise(prim: Primitive, params: object) {
  return (inputs: readonly T[], dims: readonly BatchDim[]): [T, BatchDim] => {
    const bi = dims.findIndex((d) => d !== null);
    const b = inputs[bi]!.shape[0]!;
    const aligned = inputs.map((x, i) => (dims[i] === null ? broadcastLeading(x, b) : x));
    return [apply(prim, aligned, params), 0];
  };
}

function map1(x: HostArray, dtype: DType, f: (a: number) => number): HostArray {
  const out = allocate(dtype, x.size);
  const d = x.data;
  // a bool result is 0 or 1 whatever the arithmetic gave (neg(true) is true, not 255)
  if (dtype === "bool") for (let i = 0; i < out.length; i++) out[i] = f(d[i]!) ? 1 : 0;
  else for (let i = 0; i < out.length; i++) out[i] = f(d[i]!);
  return new HostArray(out, x.shape, dtype);
}

function map2(x: HostArray, y: HostArray, dtype: DType, f: (a: number, b: number) => number): HostArray {
  const out = allocate(dtype, x.size);
  const a = x.data;
  const b = y.data;
  for (let i = 0; i < out.length; i++) out[i] = f(a[i]!, b[i]!);
  return new HostArray(out, x.shape, dtype);
}

/**
 * Division and friends on int32 must truncate like C, not produce fractions; int32 arithmetic
 * wraps to 32 bits (`| 0`), as the kernels' (only conversions saturate, castScalar).
 */
const roundTo = (dtype: DType, f: (a: number, b: number) => number) =>
  dtype === "int32" ? (a: number, b: number) => f(a, b) | 0 : dtype === "bool" ? (a: number, b: number) => castScalar(dtype, f(a, b)) : f;

/**
 * x^n exactly as the kernels compute it (powExpr): repeated squaring, each product rounded to the
 * dtype (int32 products wrap exactly, as Math.imul), so the reference and the kernels agree bit for bit.
 */
function intPow(dtype: DType, a: number, n: number): number {
  const mul = dtype === "int32" ? Math.imul : (p: number, q: number) => castScalar(dtype, p * q);
  const go = (k: number): number => {
    if (k === 0) return 1;
    if (k < 0) return dtype === "int32" ? (1 / go(-k)) | 0 : castScalar(dtype, 1 / go(-k));
    if (k === 1) return a;
    const h = go(Math.floor(k / 2));
    const sq = mul(h, h);
    return k % 2 === 0 ? sq : mul(sq, a);
  };
  return go(n);
}

// ---------------------------------------------------------------- unary

interface UnarySpec {
  name: string;
  f: (x: number) => number;
  /** d out / d x, as a tensor, given x and out. */
  deriv: ((x: T, out: T) => T) | null;
  floatOnly?: boolean;
  /** Rules that replace the deriv-based ones (on the same object, so batching keeps them). */
  jvp?: Primitive["jvp"];
  vjp?: Primitive["vjp"];
  /** The kernel expression of f. */
  lower: (x: Expr) => Expr;
}

function unary(spec: UnarySpec): Primitive {
  const prim: Primitive = {
    name: spec.name,
    abstractEval([x]) {
      if (spec.floatOnly) requireFloat(spec.name, x!);
      return x!;
    },
    impl([x], _p, out) {
      return map1(x!, out.dtype, spec.f);
    },
    jvp:
      spec.jvp ??
      (([x], [t], _p, out) => {
        if (t === null || !spec.deriv) return null;
        return mul(t, spec.deriv(x!, out));
      }),
    vjp:
      spec.vjp ??
      ((ct, [x], _p, out) => {
        if (!spec.deriv) return [null];
        return [mul(ct, spec.deriv(x!, out))];
      }),
    batch: (ins, dims) => [apply(prim, [ins[0]!], {}), dims[0]!],
    lower: ew(([x]) => spec.lower(x!)),
  };
  return prim;
}

const c = (x: Expr, v: number): Expr => K.c(v, x.dtype);

// one object: a spread copy with replaced rules would batch into the original (zero-derivative) neg
export const negP: Primitive = unary({
  name: "neg",
  f: (x) => -x,
  deriv: null,
  jvp: (_x, [t]) => (t === null ? null : neg(t)),
  vjp: (ct) => [neg(ct)],
  lower: K.neg,
});
export const expP = unary({ name: "exp", f: Math.exp, deriv: (_x, out) => out, floatOnly: true, lower: K.exp });
export const logP = unary({ name: "log", f: Math.log, deriv: (x) => div(onesLike(x), x), floatOnly: true, lower: K.log });
export const log1pP = unary({
  name: "log1p",
  f: Math.log1p,
  deriv: (x) => div(onesLike(x), add(x, onesLike(x))),
  floatOnly: true,
  lower: K.log1p,
});
export const sinP = unary({ name: "sin", f: Math.sin, deriv: (x) => cos(x), floatOnly: true, lower: K.sin });
export const cosP = unary({ name: "cos", f: Math.cos, deriv: (x) => neg(sin(x)), floatOnly: true, lower: K.cos });
export const tanP = unary({
  name: "tan",
  f: Math.tan,
  deriv: (_x, out) => add(onesLike(out), integerPow(out, 2)),
  floatOnly: true,
  lower: K.tan,
});
export const tanhP = unary({
  name: "tanh",
  f: Math.tanh,
  deriv: (_x, out) => sub(onesLike(out), integerPow(out, 2)),
  floatOnly: true,
  lower: K.tanh,
});
export const sqrtP = unary({
  name: "sqrt",
  f: Math.sqrt,
  deriv: (_x, out) => div(full(out.shape, 0.5, out.dtype), out),
  floatOnly: true,
  lower: K.sqrt,
});
export const logisticP = unary({
  name: "logistic",
  f: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  deriv: (_x, out) => mul(out, sub(onesLike(out), out)),
  floatOnly: true,
  // 1 / (1 + exp(-x)): exp overflows to inf for very negative x and the result is then 0
  lower: (x) => K.div(c(x, 1), K.add(c(x, 1), K.exp(K.neg(x)))),
});
/**
 * The real cube root: sign(x) · |x|^(1/3), with d/dx = 1 / (3 · cbrt(x)²). Compiled as
 * y0 = sign(x) · exp(log|x| / 3), then one Newton step for y³ = x, y = (2·y0 + x / y0²) / 3, which
 * brings y0's few ulp down to about one; ±0, ±Infinity and NaN pass through y0 unchanged.
 */
export const cbrtP = unary({
  name: "cbrt",
  f: Math.cbrt,
  deriv: (_x, out) => div(onesLike(out), mulScalar(integerPow(out, 2), 3)),
  floatOnly: true,
  lower: (x) => {
    const y0 = K.mul(K.sign(x), K.exp(K.div(K.log(K.abs(x)), c(x, 3))));
    const y1 = K.div(K.add(K.add(y0, y0), K.div(x, K.mul(y0, y0))), c(x, 3));
    // finite and nonzero (no infinite constant: gpu.js kernels cannot hold one)
    const biggest = x.dtype === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
    const refine = K.where(K.le(K.abs(y0), c(x, biggest)), K.ne(y0, c(x, 0)), K.c(0, "bool"));
    return K.where(refine, y1, y0);
  },
});
export const absP = unary({ name: "abs", f: Math.abs, deriv: (x) => sign(x), lower: K.abs });
export const signP = unary({ name: "sign", f: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), deriv: null, lower: K.sign });

/** Blocks differentiation: the identity whose derivative is zero. */
export const stopGradientP = unary({ name: "stop_gradient", f: (x) => x, deriv: null, lower: (x) => x });

export interface IntegerPowParams {
  readonly y: number;
}
export const integerPowP: Primitive<IntegerPowParams> = {
  name: "integer_pow",
  abstractEval: ([x]) => x!,
  impl: ([x], { y }, out) => map1(x!, out.dtype, (a) => intPow(out.dtype, a, y)),
  jvp: ([x], [t], { y }) => (t === null ? null : mul(t, powDeriv(x!, y))),
  vjp: (ct, [x], { y }) => [mul(ct, powDeriv(x!, y))],
  batch: (ins, dims, p) => [apply(integerPowP, [ins[0]!], p), dims[0]!],
  lower: ew(([x], { y }) => powExpr(x!, y)),
  showParams: (p) => `y=${p.y}`,
};
const powDeriv = (x: T, y: number): T =>
  y === 0 ? zerosLike(x) : mulScalar(y === 1 ? onesLike(x) : integerPow(x, y - 1), y);

/** x^n by repeated squaring (shared nodes are computed once by the kernels). */
function powExpr(x: Expr, n: number): Expr {
  if (n === 0) return c(x, 1);
  if (n < 0) return K.div(c(x, 1), powExpr(x, -n));
  if (n === 1) return x;
  const half = powExpr(x, Math.floor(n / 2));
  const sq = K.mul(half, half);
  return n % 2 === 0 ? sq : K.mul(sq, x);
}

export interface ConvertParams {
  readonly dtype: DType;
}
export const convertP: Primitive<ConvertParams> = {
  name: "convert_element_type",
  abstractEval: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
  impl: ([x], { dtype }) => map1(x!, dtype, (a) => castScalar(dtype, a)),
  jvp: ([x], [t], { dtype }) => (t === null || !isFloat(dtype) || !isFloat(x!.dtype) ? null : convert(t, dtype)),
  vjp: (ct, [x]) => [isFloat(x!.dtype) && isFloat(ct.dtype) ? convert(ct, x!.dtype) : null],
  batch: (ins, dims, p) => [apply(convertP, [ins[0]!], p), dims[0]!],
  lower: ew(([x], { dtype }) => K.cast(x!, dtype)),
  showParams: (p) => `dtype=${p.dtype}`,
};

// ---------------------------------------------------------------- binary

interface BinarySpec {
  name: string;
  f: (a: number, b: number) => number;
  jvp: (x: T, y: T, tx: T | null, ty: T | null, out: T) => T | null;
  vjp: (ct: T, x: T, y: T, out: T, wanted: readonly boolean[]) => (T | null)[];
  outDtype?: DType;
  /** the int32 version, where `f` in double would lose bits */
  fInt?: (a: number, b: number) => number;
  lower: (a: Expr, b: Expr) => Expr;
}

function binary(spec: BinarySpec): Primitive {
  const prim: Primitive = {
    name: spec.name,
    abstractEval(ins) {
      const a = sameAvals(spec.name, ins);
      return spec.outDtype ? { shape: a.shape, dtype: spec.outDtype } : a;
    },
    impl([x, y], _p, out) {
      return map2(x!, y!, out.dtype, out.dtype === "int32" && spec.fInt ? spec.fInt : roundTo(out.dtype, spec.f));
    },
    jvp: ([x, y], [tx, ty], _p, out) => (tx === null && ty === null ? null : spec.jvp(x!, y!, tx!, ty!, out)),
    vjp: (ct, [x, y], _p, out, wanted) => spec.vjp(ct, x!, y!, out, wanted),
    batch: (ins, dims) => batchElementwise(prim, {})(ins, dims),
    lower: ew(([a, b]) => spec.lower(a!, b!)),
  };
  return prim;
}

const when = <R>(w: boolean, f: () => R): R | null => (w ? f() : null);

export const addP = binary({
  name: "add",
  lower: K.add,
  f: (a, b) => a + b,
  jvp: (_x, _y, tx, ty) => addAny(tx, ty),
  vjp: (ct) => [ct, ct],
});
export const subP = binary({
  name: "sub",
  lower: K.sub,
  f: (a, b) => a - b,
  jvp: (_x, _y, tx, ty) => (ty === null ? tx : tx === null ? neg(ty) : sub(tx, ty)),
  vjp: (ct, _x, _y, _o, w) => [ct, when(w[1]!, () => neg(ct))],
});
export const mulP = binary({
  name: "mul",
  lower: K.mul,
  f: (a, b) => a * b,
  fInt: Math.imul,
  jvp: (x, y, tx, ty) => addAny(tx && mul(tx, y), ty && mul(x, ty)),
  vjp: (ct, x, y, _o, w) => [when(w[0]!, () => mul(ct, y)), when(w[1]!, () => mul(x, ct))],
});
export const divP = binary({
  name: "div",
  lower: K.div,
  f: (a, b) => a / b,
  // d(x/y) = dx/y - out*dy/y
  jvp: (_x, y, tx, ty, out) =>
    addAny(tx && div(tx, y), ty && neg(div(mul(out, ty), y))),
  vjp: (ct, _x, y, out, w) => [
    when(w[0]!, () => div(ct, y)),
    when(w[1]!, () => neg(div(mul(ct, out), y))),
  ],
});

/** log(x) where x > 0, else 0: the factor in d(x^y)/dy, safe where x^y does not depend on y. */
const safeLog = (x: T) => {
  // JAX's rule: log(x) with x = 0 replaced by 1, so the factor is 0 there; NaN for x < 0
  const isZero = eq(x, zerosLike(x));
  return log(select(isZero, onesLike(x), x));
};
/** y * x^(y-1), and 0 where y == 0 (not 0 * x^-1 = NaN at x = 0), as JAX does. */
const powDx = (x: T, y: T) => {
  const zero = zerosLike(y);
  return select(eq(y, zero), zero, mul(y, pow(x, sub(y, onesLike(y)))));
};
export const powP = binary({
  name: "pow",
  lower: K.pow,
  f: (a, b) => a ** b,
  jvp: (x, y, tx, ty, out) =>
    addAny(tx && mul(tx, powDx(x, y)), ty && mul(ty, mul(out, safeLog(x)))),
  vjp: (ct, x, y, out, w) => [
    when(w[0]!, () => mul(ct, powDx(x, y))),
    when(w[1]!, () => mul(ct, mul(out, safeLog(x)))),
  ],
});

/** Where x and y tie, max/min share the derivative equally, as JAX does. */
function chooserWeights(x: T, y: T, pick: (x: T, y: T) => T): [T, T] {
  const half = full(x.shape, 0.5, x.dtype);
  const one = onesLike(x);
  const zero = zerosLike(x);
  const wx = select(eq(x, y), half, select(pick(x, y), one, zero));
  return [wx, sub(one, wx)];
}
function chooser(name: string, f: (a: number, b: number) => number, pick: (x: T, y: T) => T, lower: (a: Expr, b: Expr) => Expr): Primitive {
  return binary({
    name,
    f,
    lower,
    jvp: (x, y, tx, ty) => {
      const [wx, wy] = chooserWeights(x, y, pick);
      return addAny(tx && mul(tx, wx), ty && mul(ty, wy));
    },
    vjp: (ct, x, y) => {
      const [wx, wy] = chooserWeights(x, y, pick);
      return [mul(ct, wx), mul(ct, wy)];
    },
  });
}
// Math.max/min propagate NaN and order -0 below +0 (as f32x4.max/min and XLA do)
export const maxP = chooser("max", Math.max, (x, y) => gt(x, y), K.max);
export const minP = chooser("min", Math.min, (x, y) => lt(x, y), K.min);

function compare(name: string, f: (a: number, b: number) => boolean, lower: (a: Expr, b: Expr) => Expr): Primitive {
  return binary({
    name,
    lower,
    f: (a, b) => (f(a, b) ? 1 : 0),
    jvp: () => null,
    vjp: () => [null, null],
    outDtype: "bool",
  });
}
export const ltP = compare("lt", (a, b) => a < b, K.lt);
export const leP = compare("le", (a, b) => a <= b, K.le);
export const gtP = compare("gt", (a, b) => a > b, K.gt);
export const geP = compare("ge", (a, b) => a >= b, K.ge);
export const eqP = compare("eq", (a, b) => a === b, K.eq);
export const neP = compare("ne", (a, b) => a !== b, K.ne);

// ---------------------------------------------------------------- select

/** select(pred, x, y): x where pred, else y. */
export const selectP: Primitive = {
  name: "select",
  abstractEval([p, x, y]) {
    const a = sameAvals("select", [x!, y!]);
    if (p!.dtype !== "bool" || p!.shape.length !== a.shape.length || p!.shape.some((d, i) => d !== a.shape[i])) {
      throw new Error(`internal: select predicate must be bool of shape [${a.shape}]`);
    }
    return a;
  },
  impl([p, x, y], _params, out) {
    const o = allocate(out.dtype, x!.size);
    const pd = p!.data;
    const xd = x!.data;
    const yd = y!.data;
    for (let i = 0; i < o.length; i++) o[i] = pd[i] ? xd[i]! : yd[i]!;
    return new HostArray(o, x!.shape, out.dtype);
  },
  jvp([p, x, y], [, tx, ty]) {
    if (tx === null && ty === null) return null;
    return select(p!, tx ?? zerosLike(x!), ty ?? zerosLike(y!));
  },
  vjp(ct, [p], _params, _out, w) {
    const zero = zerosLike(ct);
    return [null, when(w[1]!, () => select(p!, ct, zero)), when(w[2]!, () => select(p!, zero, ct))];
  },
  batch: (ins, dims) => batchElementwise(selectP, {})(ins, dims),
  lower: ew(([p, x, y]) => K.where(p!, x!, y!)),
};

// ---------------------------------------------------------------- internal ops

export const neg = (x: T) => apply(negP, [x], {});
export const exp = (x: T) => apply(expP, [x], {});
export const log = (x: T) => apply(logP, [x], {});
export const log1p = (x: T) => apply(log1pP, [x], {});
export const sin = (x: T) => apply(sinP, [x], {});
export const cos = (x: T) => apply(cosP, [x], {});
export const tan = (x: T) => apply(tanP, [x], {});
export const tanh = (x: T) => apply(tanhP, [x], {});
export const sqrt = (x: T) => apply(sqrtP, [x], {});
export const cbrt = (x: T) => apply(cbrtP, [x], {});
export const abs = (x: T) => apply(absP, [x], {});
export const sign = (x: T) => apply(signP, [x], {});
export const logistic = (x: T) => apply(logisticP, [x], {});
export const integerPow = (x: T, y: number) => (y === 1 ? x : apply(integerPowP, [x], { y }));
export const stopGradient = (x: T) => apply(stopGradientP, [x], {});
export const convert = (x: T, dtype: DType) => (x.dtype === dtype ? x : apply(convertP, [x], { dtype }));

export const add = (x: T, y: T) => apply(addP, [x, y], {});
export const sub = (x: T, y: T) => apply(subP, [x, y], {});
export const mul = (x: T, y: T) => apply(mulP, [x, y], {});
export const div = (x: T, y: T) => apply(divP, [x, y], {});
export const pow = (x: T, y: T) => apply(powP, [x, y], {});
export const max = (x: T, y: T) => apply(maxP, [x, y], {});
export const min = (x: T, y: T) => apply(minP, [x, y], {});
export const lt = (x: T, y: T) => apply(ltP, [x, y], {});
export const le = (x: T, y: T) => apply(leP, [x, y], {});
export const gt = (x: T, y: T) => apply(gtP, [x, y], {});
export const ge = (x: T, y: T) => apply(geP, [x, y], {});
export const eq = (x: T, y: T) => apply(eqP, [x, y], {});
export const ne = (x: T, y: T) => apply(neP, [x, y], {});
export const select = (pred: T, x: T, y: T) => apply(selectP, [pred, x, y], {});

/** x * c for a number c, skipping the multiply by one. */
export const mulScalar = (x: T, c: number) => (c === 1 ? x : mul(x, full(x.shape, c, x.dtype)));

/** Adds two possibly-zero (null) tangents. */
export function addAny(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return add(a, b);
}
