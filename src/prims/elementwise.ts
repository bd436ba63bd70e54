/**
 * Elementwise primitives. Operands have equal shapes and dtypes (the public ops broadcast and
 * promote before binding), so the reference implementation is a flat loop.
 */
import { bind } from "../ir/trace.js";
import { allocate, castScalar, isFloat, type DType } from "../ir/dtype.js";
import type { Primitive } from "../ir/primitive.js";
import { HostArray } from "../backend/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import * as lax from "../ops/lax.js";
import { batchElementwise, nanMax, nanMin, requireFloat, sameAvals } from "./util.js";

type T = AnyTensor;

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

/** Division and friends on int32 must truncate like C, not produce fractions. */
const roundTo = (dtype: DType, f: (a: number, b: number) => number) =>
  dtype === "int32" || dtype === "bool" ? (a: number, b: number) => castScalar(dtype, f(a, b)) : f;

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
        return lax.mul(t, spec.deriv(x!, out));
      }),
    vjp:
      spec.vjp ??
      ((ct, [x], _p, out) => {
        if (!spec.deriv) return [null];
        return [lax.mul(ct, spec.deriv(x!, out))];
      }),
    batch: (ins, dims) => [bind(prim, [ins[0]!], {}), dims[0]!],
  };
  return prim;
}

// one object: a spread copy with replaced rules would batch into the original (zero-derivative) neg
export const negP: Primitive = unary({
  name: "neg",
  f: (x) => -x,
  deriv: null,
  jvp: (_x, [t]) => (t === null ? null : lax.neg(t)),
  vjp: (ct) => [lax.neg(ct)],
});
export const expP = unary({ name: "exp", f: Math.exp, deriv: (_x, out) => out, floatOnly: true });
export const logP = unary({ name: "log", f: Math.log, deriv: (x) => lax.div(lax.onesLike(x), x), floatOnly: true });
export const log1pP = unary({
  name: "log1p",
  f: Math.log1p,
  deriv: (x) => lax.div(lax.onesLike(x), lax.add(x, lax.onesLike(x))),
  floatOnly: true,
});
export const sinP = unary({ name: "sin", f: Math.sin, deriv: (x) => lax.cos(x), floatOnly: true });
export const cosP = unary({ name: "cos", f: Math.cos, deriv: (x) => lax.neg(lax.sin(x)), floatOnly: true });
export const tanP = unary({
  name: "tan",
  f: Math.tan,
  deriv: (_x, out) => lax.add(lax.onesLike(out), lax.integerPow(out, 2)),
  floatOnly: true,
});
export const tanhP = unary({
  name: "tanh",
  f: Math.tanh,
  deriv: (_x, out) => lax.sub(lax.onesLike(out), lax.integerPow(out, 2)),
  floatOnly: true,
});
export const sqrtP = unary({
  name: "sqrt",
  f: Math.sqrt,
  deriv: (_x, out) => lax.div(lax.full(out.shape, 0.5, out.dtype), out),
  floatOnly: true,
});
export const logisticP = unary({
  name: "logistic",
  f: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  deriv: (_x, out) => lax.mul(out, lax.sub(lax.onesLike(out), out)),
  floatOnly: true,
});
export const absP = unary({ name: "abs", f: Math.abs, deriv: (x) => lax.sign(x) });
export const signP = unary({ name: "sign", f: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), deriv: null });

/** Blocks differentiation: the identity whose derivative is zero. */
export const stopGradientP = unary({ name: "stop_gradient", f: (x) => x, deriv: null });

export interface IntegerPowParams {
  readonly y: number;
}
export const integerPowP: Primitive<IntegerPowParams> = {
  name: "integer_pow",
  abstractEval: ([x]) => x!,
  impl: ([x], { y }, out) => map1(x!, out.dtype, (a) => a ** y),
  jvp: ([x], [t], { y }) => (t === null ? null : lax.mul(t, powDeriv(x!, y))),
  vjp: (ct, [x], { y }) => [lax.mul(ct, powDeriv(x!, y))],
  batch: (ins, dims, p) => [bind(integerPowP, [ins[0]!], p), dims[0]!],
  showParams: (p) => `y=${p.y}`,
};
const powDeriv = (x: T, y: number): T =>
  y === 0 ? lax.zerosLike(x) : lax.mulScalar(y === 1 ? lax.onesLike(x) : lax.integerPow(x, y - 1), y);

export interface ConvertParams {
  readonly dtype: DType;
}
export const convertP: Primitive<ConvertParams> = {
  name: "convert_element_type",
  abstractEval: ([x], { dtype }) => ({ shape: x!.shape, dtype }),
  impl: ([x], { dtype }) => map1(x!, dtype, (a) => castScalar(dtype, a)),
  jvp: ([x], [t], { dtype }) => (t === null || !isFloat(dtype) || !isFloat(x!.dtype) ? null : lax.convert(t, dtype)),
  vjp: (ct, [x]) => [isFloat(x!.dtype) && isFloat(ct.dtype) ? lax.convert(ct, x!.dtype) : null],
  batch: (ins, dims, p) => [bind(convertP, [ins[0]!], p), dims[0]!],
  showParams: (p) => `dtype=${p.dtype}`,
};

// ---------------------------------------------------------------- binary

interface BinarySpec {
  name: string;
  f: (a: number, b: number) => number;
  jvp: (x: T, y: T, tx: T | null, ty: T | null, out: T) => T | null;
  vjp: (ct: T, x: T, y: T, out: T, wanted: readonly boolean[]) => (T | null)[];
  outDtype?: DType;
}

function binary(spec: BinarySpec): Primitive {
  const prim: Primitive = {
    name: spec.name,
    abstractEval(ins) {
      const a = sameAvals(spec.name, ins);
      return spec.outDtype ? { shape: a.shape, dtype: spec.outDtype } : a;
    },
    impl([x, y], _p, out) {
      return map2(x!, y!, out.dtype, roundTo(out.dtype, spec.f));
    },
    jvp: ([x, y], [tx, ty], _p, out) => (tx === null && ty === null ? null : spec.jvp(x!, y!, tx!, ty!, out)),
    vjp: (ct, [x, y], _p, out, wanted) => spec.vjp(ct, x!, y!, out, wanted),
    batch: (ins, dims) => batchElementwise(prim, {})(ins, dims),
  };
  return prim;
}

const when = <R>(w: boolean, f: () => R): R | null => (w ? f() : null);

export const addP = binary({
  name: "add",
  f: (a, b) => a + b,
  jvp: (_x, _y, tx, ty) => lax.addAny(tx, ty),
  vjp: (ct) => [ct, ct],
});
export const subP = binary({
  name: "sub",
  f: (a, b) => a - b,
  jvp: (_x, _y, tx, ty) => (ty === null ? tx : tx === null ? lax.neg(ty) : lax.sub(tx, ty)),
  vjp: (ct, _x, _y, _o, w) => [ct, when(w[1]!, () => lax.neg(ct))],
});
export const mulP = binary({
  name: "mul",
  f: (a, b) => a * b,
  jvp: (x, y, tx, ty) => lax.addAny(tx && lax.mul(tx, y), ty && lax.mul(x, ty)),
  vjp: (ct, x, y, _o, w) => [when(w[0]!, () => lax.mul(ct, y)), when(w[1]!, () => lax.mul(x, ct))],
});
export const divP = binary({
  name: "div",
  f: (a, b) => a / b,
  // d(x/y) = dx/y - out*dy/y
  jvp: (_x, y, tx, ty, out) =>
    lax.addAny(tx && lax.div(tx, y), ty && lax.neg(lax.div(lax.mul(out, ty), y))),
  vjp: (ct, _x, y, out, w) => [
    when(w[0]!, () => lax.div(ct, y)),
    when(w[1]!, () => lax.neg(lax.div(lax.mul(ct, out), y))),
  ],
});

/** log(x) where x > 0, else 0: the factor in d(x^y)/dy, safe where x^y does not depend on y. */
const safeLog = (x: T) => {
  // JAX's rule: log(x) with x = 0 replaced by 1, so the factor is 0 there; NaN for x < 0
  const isZero = lax.eq(x, lax.zerosLike(x));
  return lax.log(lax.select(isZero, lax.onesLike(x), x));
};
/** y * x^(y-1), and 0 where y == 0 (not 0 * x^-1 = NaN at x = 0), as JAX does. */
const powDx = (x: T, y: T) => {
  const zero = lax.zerosLike(y);
  return lax.select(lax.eq(y, zero), zero, lax.mul(y, lax.pow(x, lax.sub(y, lax.onesLike(y)))));
};
export const powP = binary({
  name: "pow",
  f: (a, b) => a ** b,
  jvp: (x, y, tx, ty, out) =>
    lax.addAny(tx && lax.mul(tx, powDx(x, y)), ty && lax.mul(ty, lax.mul(out, safeLog(x)))),
  vjp: (ct, x, y, out, w) => [
    when(w[0]!, () => lax.mul(ct, powDx(x, y))),
    when(w[1]!, () => lax.mul(ct, lax.mul(out, safeLog(x)))),
  ],
});

/** Where x and y tie, max/min share the derivative equally, as JAX does. */
function chooserWeights(x: T, y: T, pick: (x: T, y: T) => T): [T, T] {
  const half = lax.full(x.shape, 0.5, x.dtype);
  const one = lax.onesLike(x);
  const zero = lax.zerosLike(x);
  const wx = lax.select(lax.eq(x, y), half, lax.select(pick(x, y), one, zero));
  return [wx, lax.sub(one, wx)];
}
function chooser(name: string, f: (a: number, b: number) => number, pick: (x: T, y: T) => T): Primitive {
  return binary({
    name,
    f,
    jvp: (x, y, tx, ty) => {
      const [wx, wy] = chooserWeights(x, y, pick);
      return lax.addAny(tx && lax.mul(tx, wx), ty && lax.mul(ty, wy));
    },
    vjp: (ct, x, y) => {
      const [wx, wy] = chooserWeights(x, y, pick);
      return [lax.mul(ct, wx), lax.mul(ct, wy)];
    },
  });
}
export const maxP = chooser("max", nanMax, (x, y) => lax.gt(x, y));
export const minP = chooser("min", nanMin, (x, y) => lax.lt(x, y));

function compare(name: string, f: (a: number, b: number) => boolean): Primitive {
  return binary({
    name,
    f: (a, b) => (f(a, b) ? 1 : 0),
    jvp: () => null,
    vjp: () => [null, null],
    outDtype: "bool",
  });
}
export const ltP = compare("lt", (a, b) => a < b);
export const leP = compare("le", (a, b) => a <= b);
export const gtP = compare("gt", (a, b) => a > b);
export const geP = compare("ge", (a, b) => a >= b);
export const eqP = compare("eq", (a, b) => a === b);
export const neP = compare("ne", (a, b) => a !== b);

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
    return lax.select(p!, tx ?? lax.zerosLike(x!), ty ?? lax.zerosLike(y!));
  },
  vjp(ct, [p], _params, _out, w) {
    const zero = lax.zerosLike(ct);
    return [null, when(w[1]!, () => lax.select(p!, ct, zero)), when(w[2]!, () => lax.select(p!, zero, ct))];
  },
  batch: (ins, dims) => batchElementwise(selectP, {})(ins, dims),
};

export function isElementwise(name: string): boolean {
  return ELEMENTWISE.has(name);
}
const ELEMENTWISE = new Set<string>();
for (const p of [negP, expP, logP, log1pP, sinP, cosP, tanP, tanhP, sqrtP, logisticP, absP, signP, stopGradientP,
  integerPowP, convertP, addP, subP, mulP, divP, powP, maxP, minP, ltP, leP, gtP, geP, eqP, neP, selectP] as const) {
  ELEMENTWISE.add(p.name);
}
