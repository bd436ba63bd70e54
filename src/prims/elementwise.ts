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
  /** Its Taylor rule (a function of x's full series, see `Ser`); zero-derivative ones are "linear" (all zero). */
  jet?: ((u: Ser, out: T, K: number) => Ser) | "linear";
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
    jet: spec.jet === "linear" || (!spec.jet && !spec.deriv) ? "linear" : spec.jet ? unaryJet(spec.jet) : undefined,
    lower: ew(([x]) => spec.lower(x!)),
  };
  return prim;
}

const c = (x: Expr, v: number): Expr => K.c(v, x.dtype);

// one object: a spread copy with replaced rules would batch into the original (zero-derivative) neg
export const negP: Primitive = unary({
  name: "neg",
  jet: "linear",
  f: (x) => -x,
  deriv: null,
  jvp: (_x, [t]) => (t === null ? null : neg(t)),
  vjp: (ct) => [neg(ct)],
  lower: K.neg,
});
export const expP = unary({ name: "exp", jet: (u, out, K) => ode(u, out, K, (y, m) => y[m]!), f: Math.exp, deriv: (_x, out) => out, floatOnly: true, lower: K.exp });
export const logP = unary({ name: "log", jet: (u, out, K) => ode(u, out, K, logDeriv(u, K)), f: Math.log, deriv: (x) => div(onesLike(x), x), floatOnly: true, lower: K.log });
export const log1pP = unary({
  name: "log1p",
  jet: (u, out, K) => ode(u, out, K, logDeriv([add(u[0]!, one(u[0]!)), ...u.slice(1)], K)),
  f: Math.log1p,
  deriv: (x) => div(onesLike(x), add(x, onesLike(x))),
  floatOnly: true,
  lower: K.log1p,
});
export const sinP = unary({ name: "sin", jet: (u, out, K) => odePair(u, out, cos(u[0]!), K, -1)[0], f: Math.sin, deriv: (x) => cos(x), floatOnly: true, lower: K.sin });
export const cosP = unary({ name: "cos", jet: (u, out, K) => odePair(u, sin(u[0]!), out, K, -1)[1], f: Math.cos, deriv: (x) => neg(sin(x)), floatOnly: true, lower: K.cos });
export const tanP = unary({
  name: "tan",
  jet: (u, out, K) => ode(u, out, K, (y, m) => addAny(m === 0 ? one(out) : null, cauchy(y, y, m))),
  f: Math.tan,
  deriv: (_x, out) => add(onesLike(out), integerPow(out, 2)),
  floatOnly: true,
  lower: K.tan,
});
export const tanhP = unary({
  name: "tanh",
  jet: (u, out, K) => ode(u, out, K, (y, m) => subAny(m === 0 ? one(out) : null, cauchy(y, y, m))),
  f: Math.tanh,
  deriv: (_x, out) => sub(onesLike(out), integerPow(out, 2)),
  floatOnly: true,
  lower: K.tanh,
});
export const sqrtP = unary({
  name: "sqrt",
  jet: sqrtJet,
  f: Math.sqrt,
  deriv: (_x, out) => div(full(out.shape, 0.5, out.dtype), out),
  floatOnly: true,
  lower: K.sqrt,
});
export const logisticP = unary({
  name: "logistic",
  jet: (u, out, K) => ode(u, out, K, (y, m) => subAny(y[m]!, cauchy(y, y, m))),
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
  jet: (u, out, K) => powSeries(u, out, 1 / 3, K),
  f: Math.cbrt,
  deriv: (_x, out) => div(onesLike(out), mulScalar(integerPow(out, 2), 3)),
  floatOnly: true,
  lower: (x) => {
    const y0 = K.mul(K.sign(x), K.exp(K.div(K.log(K.abs(x)), c(x, 3))));
    const y1 = K.div(K.add(K.add(y0, y0), K.div(x, K.mul(y0, y0))), c(x, 3));
    // finite and nonzero (no infinite constant, which gpu.js reads from a buffer: backend/gpujs/specials.ts)
    const biggest = x.dtype === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
    const refine = K.where(K.le(K.abs(y0), c(x, biggest)), K.ne(y0, c(x, 0)), K.c(0, "bool"));
    return K.where(refine, y1, y0);
  },
});
// d|x|/dx = 1 at x = 0 (and -0), as JAX's select(x >= 0, 1, -1)
export const absP = unary({ name: "abs", jet: "linear", f: Math.abs, deriv: (x) => select(ge(x, zerosLike(x)), onesLike(x), neg(onesLike(x))), lower: K.abs });
export const signP = unary({ name: "sign", f: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), deriv: null, lower: K.sign });

/** Blocks differentiation: the identity whose derivative is zero. */
export const stopGradientP = unary({ name: "stop_gradient", f: (x) => x, deriv: null, lower: (x) => x });

export interface IntegerPowParams {
  readonly y: number;
}
export const integerPowP: Primitive<IntegerPowParams> = {
  name: "integer_pow",
  jet: integerPowJet,
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
  jet: "linear",
  abstractEval: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
  // integers wrap between int32 and uint32 (-1 is 2^32 - 1 and back), as XLA; floats saturate (castScalar)
  impl: ([x], { dtype }) =>
    map1(x!, dtype, isFloat(x!.dtype) ? (a) => castScalar(dtype, a) : dtype === "uint32" ? (a) => a >>> 0 : dtype === "int32" ? (a) => a | 0 : (a) => castScalar(dtype, a)),
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
  /** the Taylor rule (absent: derived from jvp) */
  jet?: Primitive["jet"];
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
      // (uint32 too: the typed array keeps the low 32 bits of the int32 product)
      return map2(x!, y!, out.dtype, (out.dtype === "int32" || out.dtype === "uint32") && spec.fInt ? spec.fInt : roundTo(out.dtype, spec.f));
    },
    jvp: ([x, y], [tx, ty], _p, out) => (tx === null && ty === null ? null : spec.jvp(x!, y!, tx!, ty!, out)),
    vjp: (ct, [x, y], _p, out, wanted) => spec.vjp(ct, x!, y!, out, wanted),
    batch: (ins, dims) => batchElementwise(prim, {})(ins, dims),
    ...(spec.jet ? { jet: spec.jet } : {}),
    lower: ew(([a, b]) => spec.lower(a!, b!)),
  };
  return prim;
}

const when = <R>(w: boolean, f: () => R): R | null => (w ? f() : null);

export const addP = binary({
  name: "add",
  jet: "linear",
  lower: K.add,
  f: (a, b) => a + b,
  jvp: (_x, _y, tx, ty) => addAny(tx, ty),
  vjp: (ct) => [ct, ct],
});
export const subP = binary({
  name: "sub",
  jet: "linear",
  lower: K.sub,
  f: (a, b) => a - b,
  jvp: (_x, _y, tx, ty) => (ty === null ? tx : tx === null ? neg(ty) : sub(tx, ty)),
  vjp: (ct, _x, _y, _o, w) => [ct, when(w[1]!, () => neg(ct))],
});
export const mulP = binary({
  name: "mul",
  jet: "bilinear",
  lower: K.mul,
  f: (a, b) => a * b,
  fInt: Math.imul,
  jvp: (x, y, tx, ty) => addAny(tx && mul(tx, y), ty && mul(x, ty)),
  vjp: (ct, x, y, _o, w) => [when(w[0]!, () => mul(ct, y)), when(w[1]!, () => mul(x, ct))],
});
export const divP = binary({
  name: "div",
  jet: divJet,
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
    // locally linear: each coefficient goes where the primal choice sends the tangent
    jet: "linear",
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
    jet: "linear",
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
  jet: "linear",
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

// ---------------------------------------------------------------- math
//
// Each op below is one primitive: its host implementation (the reference backend's result) is
// Math's function where JavaScript has one, except log2/log10 (log(x)/log(b), as JAX and the
// kernels) and erf/erfc (the kernels' algorithm in double); so in float64 the compiled expm1,
// sinh, cosh, asin and acos can differ from the reference by an ulp or two. Its derivative is
// JAX's, and its kernel is a composition over the ALU ops
// (fdlibm's formulas, evaluated branch-free: every branch is computed and `where` picks), so it
// fuses with its neighbours and runs on every backend. atan2 and rem are ALU ops (ir/kernel.ts).

/** The largest finite value of a float dtype (no infinite constant, which gpu.js reads from a buffer: backend/gpujs/specials.ts). */
export const maxFinite = (dtype: DType): number => (dtype === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE);
const MAXF = (x: Expr) => c(x, maxFinite(x.dtype));
/** y where x > 0, -y where x < 0, x itself at ±0 and NaN (odd functions keep the sign of zero). */
const oddSign = (x: Expr, y: Expr) => K.where(K.lt(x, c(x, 0)), K.neg(y), K.where(K.gt(x, c(x, 0)), y, x));
const one = (x: T) => onesLike(x);
const recipT = (x: T) => div(one(x), x);

/** expm1 by Kahan's formula (u - 1) · x / log(u), u = e^x: the rounding of u cancels. */
function expm1Expr(x: Expr): Expr {
  const u = K.exp(x);
  const um1 = K.sub(u, c(x, 1));
  const general = K.where(K.lt(MAXF(x), u), u, K.mul(um1, K.div(x, K.log(u))));
  return K.where(K.eq(u, c(x, 1)), x, K.where(K.eq(um1, c(x, -1)), c(x, -1), general));
}

/** x to the nearest integer from floor(x) and the (exact) fraction x - floor(x): ties to even, the sign of zero kept (JAX's round_to_nearest_even). */
function roundExpr(x: Expr): Expr {
  const f = K.floor(x);
  const d = K.sub(x, f); // exact
  const odd = K.eq(K.sub(f, K.mul(c(x, 2), K.floor(K.mul(f, c(x, 0.5))))), c(x, 1));
  const up = K.where(K.lt(c(x, 0.5), d), K.c(1, "bool"), K.where(K.eq(d, c(x, 0.5)), odd, K.c(0, "bool")));
  const r = K.where(up, K.add(f, c(x, 1)), f);
  // a zero result has x's sign, chosen by comparisons (x · 0 would be folded to +0 by a shader
  // compiler that treats float arithmetic as real arithmetic, as SwiftShader's does)
  return K.where(K.eq(r, c(x, 0)), K.where(K.lt(x, c(x, 0)), c(x, -0), K.where(K.lt(c(x, 0), x), c(x, 0), x)), r);
}
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  const r = d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
  return r === 0 ? x * 0 : r;
}

/** The algebra erf is written over once: host numbers (the reference) and kernel expressions. */
interface Alg<V> {
  c(v: number): V;
  add(a: V, b: V): V;
  sub(a: V, b: V): V;
  mul(a: V, b: V): V;
  div(a: V, b: V): V;
  lt(a: V, b: V): V;
  where(p: V, a: V, b: V): V;
  exp(a: V): V;
  abs(a: V): V;
  floor(a: V): V;
}
const numAlg: Alg<number> = {
  c: (v) => v, add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
  lt: (a, b) => (a < b ? 1 : 0), where: (p, a, b) => (p ? a : b), exp: Math.exp, abs: Math.abs, floor: Math.floor,
};
const exprAlg = (dtype: DType): Alg<Expr> => ({
  c: (v) => K.c(v, dtype), add: K.add, sub: K.sub, mul: K.mul, div: K.div, lt: K.lt, where: K.where, exp: K.exp, abs: K.abs, floor: K.floor,
});

// Rational approximations of erf and erfc on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35) and
// [1/0.35, 28): the coefficients of fdlibm's s_erf.c (Copyright (C) 1993 by Sun Microsystems,
// Inc. All rights reserved. Permission to use, copy, modify, and distribute this software is
// freely granted, provided that this notice is preserved.), lowest degree first.
const ERX = 8.45062911510467529297e-1;
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
const PA = [-2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.16637559486879084300e-3];
const QA = [1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
const RA = [-9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592];
const SA = [1, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2];
const RB = [-9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2];
const SB = [1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1];

/**
 * erf and erfc of x, branch-free. `keepBits` is how many fraction bits of |x| (< 28) survive in
 * the split |x| = z + (|x| - z) that makes z² exact (fdlibm clears the low word: e^{-x²} is
 * e^{-z²} · e^{(z-x)(z+x)}, so the rounding of x² does not grow into the exponential).
 */
function erfPair<V>(A: Alg<V>, x: V, keepBits: number): { erf: V; erfc: V } {
  const poly = (z: V, cs: readonly number[]) => cs.slice(0, -1).reduceRight((acc, k) => A.add(A.c(k), A.mul(z, acc)), A.c(cs[cs.length - 1]!));
  const k = (v: number) => A.c(v);
  const a = A.abs(x);
  const neg = A.lt(x, k(0));
  // [0, 0.84375): erf = x + x·R(x²)
  const z2 = A.mul(x, x);
  const xy = A.mul(x, A.div(poly(z2, PP), poly(z2, QQ)));
  const erfA = A.add(x, xy);
  const erfcA = A.where(A.lt(x, k(0.25)), A.sub(k(1), erfA), A.sub(k(0.5), A.add(xy, A.sub(x, k(0.5)))));
  // [0.84375, 1.25): erf = erx + P(s)/Q(s), s = |x| - 1
  const s = A.sub(a, k(1));
  const pq = A.div(poly(s, PA), poly(s, QA));
  const erfB = A.where(neg, A.sub(k(-ERX), pq), A.add(k(ERX), pq));
  const erfcB = A.where(neg, A.add(k(1), A.add(k(ERX), pq)), A.sub(k(1 - ERX), pq));
  // [1.25, 28): erfc = e^{-x² - 0.5625 + R(1/x²)/S(1/x²)} / |x|
  const w = A.div(k(1), A.mul(a, a));
  const near = A.lt(a, k(1 / 0.35));
  const rs = A.where(near, A.div(poly(w, RA), poly(w, SA)), A.div(poly(w, RB), poly(w, SB)));
  const scale = 2 ** keepBits;
  const z = A.div(A.floor(A.mul(a, k(scale))), k(scale));
  const r = A.mul(A.exp(A.sub(A.mul(A.sub(k(0), z), z), k(0.5625))), A.exp(A.add(A.mul(A.sub(z, a), A.add(z, a)), rs)));
  const q = A.div(r, a);
  const erfC = A.where(neg, A.sub(q, k(1)), A.sub(k(1), q));
  const erfcC = A.where(neg, A.sub(k(2), q), q);
  // |x| >= 28 (and ±inf): ±1, and erfc 0 or 2
  const erfD = A.where(neg, k(-1), k(1));
  const erfcD = A.where(neg, k(2), k(0));
  const pick = (pa: V, pb: V, pc: V, pd: V) =>
    A.where(A.lt(a, k(0.84375)), pa, A.where(A.lt(a, k(1.25)), pb, A.where(A.lt(a, k(28)), pc, pd)));
  return { erf: pick(erfA, erfB, erfC, erfD), erfc: pick(erfcA, erfcB, erfcC, erfcD) };
}
/** erf on the host (double), as the kernels compute it. */
export const erfHost = (x: number): number => (Number.isNaN(x) ? x : erfPair(numAlg, x, 21).erf);
const erfcHost = (x: number): number => (Number.isNaN(x) ? x : erfPair(numAlg, x, 21).erfc);
function erfLower(which: "erf" | "erfc") {
  return (x: Expr): Expr => {
    // z keeps 26 significant bits in double (z² exact), 12 in float32
    const v = erfPair(exprAlg(x.dtype), x, x.dtype === "float32" ? 7 : 21)[which];
    return K.where(K.ne(x, x), x, v);
  };
}
/** 2/√π · e^{-x²}, the derivative of erf. */
const erfDeriv = (x: T) => mulScalar(exp(neg(integerPow(x, 2))), 2 / Math.sqrt(Math.PI));

export const floorP = unary({ name: "floor", f: Math.floor, deriv: null, floatOnly: true, lower: K.floor });
export const ceilP = unary({ name: "ceil", f: Math.ceil, deriv: null, floatOnly: true, lower: (x) => K.neg(K.floor(K.neg(x))) });
export const roundP = unary({ name: "round", f: roundHalfEven, deriv: null, floatOnly: true, lower: roundExpr });
export const truncP = unary({
  name: "trunc",
  f: Math.trunc,
  deriv: null,
  floatOnly: true,
  lower: (x) => K.where(K.lt(x, c(x, 0)), K.neg(K.floor(K.neg(x))), K.floor(x)),
});
export const expm1P = unary({ name: "expm1", jet: (u, out, K) => ode(u, out, K, (y, m) => (m === 0 ? add(y[0]!, one(out)) : y[m]!)), f: Math.expm1, deriv: (_x, out) => add(out, one(out)), floatOnly: true, lower: expm1Expr });
// log(x) / log(b) in the dtype, as JAX computes them (on the host too, so every backend agrees)
export const log2P = unary({ name: "log2", jet: (u, out, K) => ode(u, out, K, logDeriv(u, K, 1 / Math.LN2)), f: (v) => Math.log(v) / Math.LN2, deriv: (x) => recipT(mulScalar(x, Math.LN2)), floatOnly: true, lower: (x) => K.div(K.log(x), c(x, Math.LN2)) });
export const log10P = unary({ name: "log10", jet: (u, out, K) => ode(u, out, K, logDeriv(u, K, 1 / Math.LN10)), f: (v) => Math.log(v) / Math.LN10, deriv: (x) => recipT(mulScalar(x, Math.LN10)), floatOnly: true, lower: (x) => K.div(K.log(x), c(x, Math.LN10)) });

/** The threshold past which e^|x| overflows the dtype (fdlibm's sinh/cosh switch to e^{|x|/2}²). */
const expLimit = (x: Expr) => c(x, x.dtype === "float32" ? 88 : 709);
/** e^a / 2 for a >= 0, without overflowing before the result does. */
const halfExp = (a: Expr) => {
  const w = K.exp(K.mul(a, c(a, 0.5)));
  return K.where(K.lt(a, expLimit(a)), K.mul(c(a, 0.5), K.exp(a)), K.mul(K.mul(c(a, 0.5), w), w));
};
export const sinhP: Primitive = unary({
  name: "sinh",
  jet: (u, out, K) => odePair(u, out, cosh(u[0]!), K, 1)[0],
  f: Math.sinh,
  deriv: (x) => cosh(x),
  floatOnly: true,
  lower: (x) => {
    // fdlibm: t = expm1|x|; (2t - t²/(t+1))/2 below 1, (t + t/(t+1))/2 below 22, e^|x|/2 beyond
    const a = K.abs(x);
    const t = expm1Expr(a);
    const t1 = K.add(t, c(x, 1));
    const small = K.mul(c(x, 0.5), K.sub(K.add(t, t), K.div(K.mul(t, t), t1)));
    const mid = K.mul(c(x, 0.5), K.add(t, K.div(t, t1)));
    return oddSign(x, K.where(K.lt(a, c(x, 1)), small, K.where(K.lt(a, c(x, 22)), mid, halfExp(a))));
  },
});
export const coshP: Primitive = unary({
  name: "cosh",
  jet: (u, out, K) => odePair(u, sinh(u[0]!), out, K, 1)[1],
  f: Math.cosh,
  deriv: (x) => sinh(x),
  floatOnly: true,
  lower: (x) => {
    // fdlibm: 1 + t²/(2(1+t)) with t = expm1|x| below ln2/2, (e + 1/e)/2 below 22, e^|x|/2 beyond
    const a = K.abs(x);
    const t = expm1Expr(a);
    const small = K.add(c(x, 1), K.div(K.mul(t, t), K.mul(c(x, 2), K.add(c(x, 1), t))));
    const e = K.exp(a);
    const mid = K.add(K.mul(c(x, 0.5), e), K.div(c(x, 0.5), e));
    return K.where(K.lt(a, c(x, 0.5 * Math.LN2)), small, K.where(K.lt(a, c(x, 22)), mid, halfExp(a)));
  },
});
export const asinhP = unary({
  name: "asinh",
  jet: (u, out, K) => ode(u, out, K, powSeries(onePlusSquare(u, 1, K), recipT(sqrt(add(integerPow(u[0]!, 2), one(out)))), -0.5, K - 1)),
  f: Math.asinh,
  // 1 / sqrt(x² + 1)
  deriv: (x) => recipT(sqrt(add(integerPow(x, 2), one(x)))),
  floatOnly: true,
  lower: (x) => {
    // fdlibm: log(|x|) + ln2 past 2^28, log(2|x| + 1/(sqrt(x²+1) + |x|)) past 2, else log1p(|x| + x²/(1 + sqrt(1 + x²)))
    const a = K.abs(x);
    const s = K.sqrt(K.add(K.mul(a, a), c(x, 1)));
    const big = K.add(K.log(a), c(x, Math.LN2));
    const mid = K.log(K.add(K.add(a, a), K.div(c(x, 1), K.add(s, a))));
    const small = K.log1p(K.add(a, K.div(K.mul(a, a), K.add(c(x, 1), s))));
    return oddSign(x, K.where(K.lt(c(x, 2 ** 28), a), big, K.where(K.lt(c(x, 2), a), mid, small)));
  },
});
export const acoshP = unary({
  name: "acosh",
  jet: (u, out, K) => { const w = onePlusSquare(u, -1, K, true); return ode(u, out, K, powSeries(w, recipT(sqrt(mul(sub(u[0]!, one(out)), add(u[0]!, one(out))))), -0.5, K - 1)); },
  f: Math.acosh,
  // 1 / sqrt((x - 1)(x + 1))
  deriv: (x) => recipT(sqrt(mul(sub(x, one(x)), add(x, one(x))))),
  floatOnly: true,
  lower: (x) => {
    // fdlibm: log(x) + ln2 past 2^28, log(2x - 1/(x + sqrt(x² - 1))) past 2, else log1p(t + sqrt(2t + t²)), t = x - 1
    const big = K.add(K.log(x), c(x, Math.LN2));
    const mid = K.log(K.sub(K.add(x, x), K.div(c(x, 1), K.add(x, K.sqrt(K.sub(K.mul(x, x), c(x, 1)))))));
    const t = K.sub(x, c(x, 1));
    const small = K.log1p(K.add(t, K.sqrt(K.add(K.add(t, t), K.mul(t, t)))));
    // below 1: NaN (sqrt(x - 1) is one there, with no NaN constant)
    return K.where(K.lt(x, c(x, 1)), K.sqrt(t), K.where(K.lt(c(x, 2 ** 28), x), big, K.where(K.lt(c(x, 2), x), mid, small)));
  },
});
export const atanhP = unary({
  name: "atanh",
  jet: (u, out, K) => ode(u, out, K, recipSeries(onePlusSquare(u, -1, K), K - 1)),
  f: Math.atanh,
  // 1 / ((1 - x)(1 + x))
  deriv: (x) => recipT(mul(sub(one(x), x), add(one(x), x))),
  floatOnly: true,
  lower: (x) => {
    // fdlibm: log1p(2a + 2a²/(1 - a)) / 2 below 1/2, log1p(2a/(1 - a)) / 2 above; NaN past 1 (log1p < -1)
    const a = K.abs(x);
    const a2 = K.add(a, a);
    const d = K.sub(c(x, 1), a);
    const small = K.log1p(K.add(a2, K.div(K.mul(a2, a), d)));
    const big = K.log1p(K.div(a2, d));
    return oddSign(x, K.mul(c(x, 0.5), K.where(K.lt(a, c(x, 0.5)), small, big)));
  },
});
/** sqrt((1 - x)(1 + x)): sqrt(1 - x²) without the cancellation near |x| = 1. */
const cosOfAsin = (x: Expr) => K.sqrt(K.mul(K.sub(c(x, 1), x), K.add(c(x, 1), x)));
const cosOfAsinT = (x: T) => sqrt(mul(sub(one(x), x), add(one(x), x)));
export const asinP = unary({ name: "asin", jet: (u, out, K) => ode(u, out, K, asinDeriv(u, K, 1)), f: Math.asin, deriv: (x) => recipT(cosOfAsinT(x)), floatOnly: true, lower: (x) => K.atan2(x, cosOfAsin(x)) });
export const acosP = unary({ name: "acos", jet: (u, out, K) => ode(u, out, K, asinDeriv(u, K, -1)), f: Math.acos, deriv: (x) => neg(recipT(cosOfAsinT(x))), floatOnly: true, lower: (x) => K.atan2(cosOfAsin(x), x) });
export const atanP = unary({ name: "atan", jet: (u, out, K) => ode(u, out, K, recipSeries(onePlusSquare(u, 1, K), K - 1)), f: Math.atan, deriv: (x) => recipT(add(one(x), integerPow(x, 2))), floatOnly: true, lower: (x) => K.atan2(x, c(x, 1)) });
export const erfP = unary({ name: "erf", jet: (u, out, K) => ode(u, out, K, erfDerivSeries(u, K, 1)), f: erfHost, deriv: erfDeriv, floatOnly: true, lower: erfLower("erf") });
export const erfcP = unary({ name: "erfc", jet: (u, out, K) => ode(u, out, K, erfDerivSeries(u, K, -1)), f: erfcHost, deriv: (x) => neg(erfDeriv(x)), floatOnly: true, lower: erfLower("erfc") });

/** atan2(y, x): d/dy = x / (x² + y²), d/dx = -y / (x² + y²). */
export const atan2P = binary({
  name: "atan2",
  f: Math.atan2,
  lower: K.atan2,
  jet: atan2Jet,
  jvp: (y, x, ty, tx) => {
    const d = add(integerPow(x, 2), integerPow(y, 2));
    return addAny(ty && mul(ty, div(x, d)), tx && neg(mul(tx, div(y, d))));
  },
  vjp: (ct, y, x, _o, w) => {
    const d = add(integerPow(x, 2), integerPow(y, 2));
    return [when(w[0]!, () => mul(ct, div(x, d))), when(w[1]!, () => neg(mul(ct, div(y, d))))];
  },
});
/** C's fmod (lax.rem): the sign of the dividend; d/dx = 1, d/dy = -trunc(x / y), as JAX. */
export const remP = binary({
  name: "rem",
  f: (a, b) => a % b,
  lower: K.rem,
  jvp: (x, y, tx, ty) => addAny(tx, ty && neg(mul(ty, trunc(div(x, y))))),
  vjp: (ct, x, y, _o, w) => [ct, when(w[1]!, () => neg(mul(ct, trunc(div(x, y)))))],
});
/** sqrt(x² + y²) without overflow: max · sqrt(1 + (min/max)²) (JAX's form); ∞ if either is. */
export const hypotP = binary({
  name: "hypot",
  f: Math.hypot,
  lower: (x, y) => {
    const ax = K.abs(x);
    const ay = K.abs(y);
    const hi = K.max(ax, ay);
    const lo = K.min(ax, ay);
    const zero = K.eq(hi, c(x, 0));
    const q = K.div(lo, K.where(zero, c(x, 1), hi));
    const r = K.where(zero, hi, K.mul(hi, K.sqrt(K.add(c(x, 1), K.mul(q, q)))));
    return K.where(K.lt(MAXF(x), ax), ax, K.where(K.lt(MAXF(x), ay), ay, r));
  },
  // x / hypot and y / hypot, 0 at the origin
  jvp: (x, y, tx, ty, out) => {
    const o = safeDen(out);
    return addAny(tx && mul(tx, div(x, o)), ty && mul(ty, div(y, o)));
  },
  vjp: (ct, x, y, out, w) => {
    const o = safeDen(out);
    return [when(w[0]!, () => mul(ct, div(x, o))), when(w[1]!, () => mul(ct, div(y, o)))];
  },
});
const safeDen = (d: T) => select(eq(d, zerosLike(d)), onesLike(d), d);

export const floor = (x: T) => apply(floorP, [x], {});
export const ceil = (x: T) => apply(ceilP, [x], {});
export const round = (x: T) => apply(roundP, [x], {});
export const trunc = (x: T) => apply(truncP, [x], {});
export const expm1 = (x: T) => apply(expm1P, [x], {});
export const log2 = (x: T) => apply(log2P, [x], {});
export const log10 = (x: T) => apply(log10P, [x], {});
export const sinh = (x: T) => apply(sinhP, [x], {});
export const cosh = (x: T) => apply(coshP, [x], {});
export const asinh = (x: T) => apply(asinhP, [x], {});
export const acosh = (x: T) => apply(acoshP, [x], {});
export const atanh = (x: T) => apply(atanhP, [x], {});
export const asin = (x: T) => apply(asinP, [x], {});
export const acos = (x: T) => apply(acosP, [x], {});
export const atan = (x: T) => apply(atanP, [x], {});
export const erf = (x: T) => apply(erfP, [x], {});
export const erfc = (x: T) => apply(erfcP, [x], {});
export const atan2 = (y: T, x: T) => apply(atan2P, [y, x], {});
export const rem = (x: T, y: T) => apply(remP, [x, y], {});
export const hypot = (x: T, y: T) => apply(hypotP, [x, y], {});

// ---------------------------------------------------------------- Taylor rules (jet)
//
// Series of normalized coefficients, x(t) = Σ_k x_k t^k: `Ser` is [x_0, x_1, ..., x_K] with the
// primal first and null for a zero coefficient. The functions follow their differential equations
// (y' = g(x, y)·x', solved order by order), so each coefficient costs O(k) products: the standard
// recurrences of Taylor-mode AD (Griewank & Walther, ch. 13).

/** A series: the primal first, then coefficients 1..K (null = zero). */
export type Ser = (T | null)[];

const tmul = (a: T | null, b: T | null): T | null => (a === null || b === null ? null : mul(a, b));
const tscale = (a: T | null, c: number): T | null => (a === null ? null : mulScalar(a, c));
function subAny(a: T | null, b: T | null): T | null {
  if (b === null) return a;
  return a === null ? neg(b) : sub(a, b);
}
function tsum(ts: readonly (T | null)[]): T | null {
  let acc: T | null = null;
  for (const t of ts) acc = addAny(acc, t);
  return acc;
}
/** Coefficient m of the product of two series. */
export function cauchy(a: Ser, b: Ser, m: number): T | null {
  const ts: (T | null)[] = [];
  for (let j = 0; j <= m; j++) ts.push(tmul(a[j] ?? null, b[m - j] ?? null));
  return tsum(ts);
}
const seriesMul = (a: Ser, b: Ser, K: number): Ser => Array.from({ length: K + 1 }, (_, m) => cauchy(a, b, m));

/**
 * y' = g·x', y_0 given: k·y_k = Σ_{j=1..k} j·x_j·g_{k-j}. `g` is a series, or a function giving
 * g_m from y_0..y_m (tanh: g = 1 - y²).
 */
function ode(u: Ser, y0: T, K: number, g: Ser | ((y: Ser, m: number) => T | null)): Ser {
  const y: Ser = [y0];
  const gs: Ser = [];
  for (let k = 1; k <= K; k++) {
    gs.push(typeof g === "function" ? g(y, k - 1) : (g[k - 1] ?? null));
    const ts: (T | null)[] = [];
    for (let j = 1; j <= k; j++) ts.push(tscale(tmul(u[j] ?? null, gs[k - j]!), j / k));
    y.push(tsum(ts));
  }
  return y;
}
/** s' = c·x' and c' = sign·s·x' together (sin/cos: sign -1; sinh/cosh: +1). */
function odePair(u: Ser, s0: T, c0: T, K: number, sign: 1 | -1): [Ser, Ser] {
  const s: Ser = [s0];
  const c: Ser = [c0];
  for (let k = 1; k <= K; k++) {
    const ts: (T | null)[] = [];
    const tc: (T | null)[] = [];
    for (let j = 1; j <= k; j++) {
      ts.push(tscale(tmul(u[j] ?? null, c[k - j]!), j / k));
      tc.push(tscale(tmul(u[j] ?? null, s[k - j]!), (sign * j) / k));
    }
    s.push(tsum(ts));
    c.push(tsum(tc));
  }
  return [s, c];
}
/** 1/w to order K (w_0 ≠ 0): r_m = -r_0 · Σ_{j=1..m} w_j r_{m-j}. */
function recipSeries(w: Ser, K: number): Ser {
  const r: Ser = [recipT(w[0]!)];
  for (let m = 1; m <= K; m++) {
    const ts: (T | null)[] = [];
    for (let j = 1; j <= m; j++) ts.push(tmul(w[j] ?? null, r[m - j]!));
    const acc = tsum(ts);
    r.push(acc && neg(mul(acc, r[0]!)));
  }
  return r;
}
/** w^α to order K from y_0 = w_0^α (w_0 ≠ 0): k·w_0·y_k = Σ_{j=1..k} (α·j - (k - j))·w_j·y_{k-j}. */
function powSeries(w: Ser, y0: T, alpha: number, K: number): Ser {
  const y: Ser = [y0];
  for (let k = 1; k <= K; k++) {
    const ts: (T | null)[] = [];
    for (let j = 1; j <= k; j++) ts.push(tscale(tmul(w[j] ?? null, y[k - j]!), (alpha * j - (k - j)) / k));
    const acc = tsum(ts);
    y.push(acc && div(acc, w[0]!));
  }
  return y;
}
/** 1 + sign·x² as a series (acosh: x² - 1, flip). Order K-1 is all a derivative needs. */
function onePlusSquare(u: Ser, sign: 1 | -1, K: number, flip = false): Ser {
  const x0 = u[0]!;
  const sq = seriesMul(u, u, K - 1);
  // the primal in the cancellation-free form (1 - x)(1 + x), (x - 1)(x + 1)
  const w0 = flip ? mul(sub(x0, one(x0)), add(x0, one(x0))) : sign === 1 ? add(one(x0), integerPow(x0, 2)) : mul(sub(one(x0), x0), add(one(x0), x0));
  const s = flip || sign === 1 ? 1 : -1;
  return [w0, ...sq.slice(1).map((t) => tscale(t, s))];
}
/** The series of 1/x (times c): log's derivative. */
const logDeriv = (w: Ser, K: number, c = 1): Ser => recipSeries(w, K - 1).map((t) => tscale(t, c));
/** sign / sqrt(1 - x²): asin's (sign 1) and acos's (-1) derivative. */
function asinDeriv(u: Ser, K: number, sign: 1 | -1): Ser {
  const w = onePlusSquare(u, -1, K);
  return powSeries(w, recipT(sqrt(w[0]!)), -0.5, K - 1).map((t) => tscale(t, sign));
}
/** sign · 2/√π · exp(-x²): erf's derivative as a series. */
function erfDerivSeries(u: Ser, K: number, sign: 1 | -1): Ser {
  const w = seriesMul(u, u, K - 1).map((t) => t && neg(t));
  return ode(w, exp(w[0]!), K - 1, (y, m) => y[m]!).map((t) => tscale(t, (sign * 2) / Math.sqrt(Math.PI)));
}
function sqrtJet(u: Ser, out: T, K: number): Ser {
  // y² = x: 2·y_0·y_k = x_k - Σ_{j=1..k-1} y_j y_{k-j}
  const y: Ser = [out];
  const twice = mulScalar(out, 2);
  for (let k = 1; k <= K; k++) {
    const ts: (T | null)[] = [];
    for (let j = 1; j < k; j++) ts.push(tmul(y[j]!, y[k - j]!));
    const r = subAny(u[k] ?? null, tsum(ts));
    y.push(r && div(r, twice));
  }
  return y;
}
/**
 * atan2(y, x): z' = (x·y' - y·x') / (x² + y²), so z_k = q_{k-1} / k for the series q of that
 * quotient (the derivative series u'(t) = Σ_m (m+1)·u_{m+1} t^m); singular at the origin, as its jvp.
 */
function atan2Jet([y, x]: readonly T[], [sy, sx]: readonly (readonly (T | null)[])[]): (T | null)[] {
  const K = sy!.length;
  const Y: Ser = [y!, ...sy!];
  const X: Ser = [x!, ...sx!];
  const d = (u: Ser): Ser => Array.from({ length: K }, (_, m) => tscale(u[m + 1] ?? null, m + 1));
  const [dy, dx] = [d(Y), d(X)];
  const w: Ser = Array.from({ length: K }, (_, m) => subAny(cauchy(X, dy, m), cauchy(Y, dx, m)));
  const r: Ser = Array.from({ length: K }, (_, m) => addAny(cauchy(X, X, m), cauchy(Y, Y, m)));
  return seriesMul(w, recipSeries(r, K - 1), K - 1).map((t, m) => tscale(t, 1 / (m + 1)));
}
/** A unary function's series rule as a primitive's jet rule. */
function unaryJet(f: (u: Ser, out: T, K: number) => Ser): Prim["jet"] {
  return ([x], [s], _p, out) => f([x!, ...s!], out, s!.length).slice(1);
}
/** x^n: products of series by repeated squaring (exact at x = 0); 1/x first for n < 0. */
function integerPowJet([x]: readonly T[], [s]: readonly (readonly (T | null)[])[], { y: n }: IntegerPowParams): (T | null)[] {
  const K = s!.length;
  if (n === 0) return s!.map(() => null);
  const u: Ser = [x!, ...s!];
  const go = (b: Ser, k: number): Ser => {
    if (k === 1) return b;
    const h = go(b, Math.floor(k / 2));
    const sq = seriesMul(h, h, K);
    return k % 2 === 0 ? sq : seriesMul(sq, b, K);
  };
  return go(n < 0 ? recipSeries(u, K) : u, Math.abs(n)).slice(1);
}
/** x / y: y·q = x, so q_k = (x_k - Σ_{j=1..k} y_j q_{k-j}) / y_0. */
function divJet([, y]: readonly T[], [sx, sy]: readonly (readonly (T | null)[])[], _p: object, out: T): (T | null)[] {
  const K = sx!.length;
  const q: Ser = [out];
  for (let k = 1; k <= K; k++) {
    const ts: (T | null)[] = [];
    for (let j = 1; j <= k; j++) ts.push(tmul(sy![j - 1] ?? null, q[k - j]!));
    const r = subAny(sx![k - 1] ?? null, tsum(ts));
    q.push(r && div(r, y!));
  }
  return q.slice(1);
}
