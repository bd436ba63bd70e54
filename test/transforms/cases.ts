/**
 * A catalogue of small functions, each exercising one primitive (or one public op lowered to
 * primitives) on random shapes and values drawn from a seed. The gradient checks, the jvp/vjp
 * agreement, the vmap and jit suites all run over this one list, so a primitive that gains a case
 * here is checked by every transformation.
 */
import * as sg from "../../src/index.js";
import * as lax from "../../src/prims/lax.js";
import { type Rnd, type T, type Domain, randT, randShape, randInt, pick, shuffle, distinctT, f64, size, sample } from "./helpers.js";

const S: any = sg;

export interface Instance {
  readonly args: T[];
  readonly f: (...xs: T[]) => T;
}
export interface Case {
  readonly name: string;
  readonly gen: (r: Rnd) => Instance;
  /** Skip the finite-difference Hessian (too many elements to be quick). */
  readonly noHessian?: boolean;
}

/** A shape that broadcasts to `s`: some axes set to 1, some leading axes dropped. */
function broadcastable(r: Rnd, s: readonly number[]): number[] {
  const drop = randInt(r, 0, s.length);
  return s.slice(drop).map((d) => (r() < 0.35 ? 1 : d));
}
/** Two operands whose shapes broadcast together (either may be the smaller one). */
function twoShapes(r: Rnd): [number[], number[]] {
  const s = randShape(r, 0, 3);
  const t = broadcastable(r, s);
  return r() < 0.5 ? [s, t] : [t, s];
}
/** Values on two interleaved grids, so that x and y never come within 0.05 of each other. */
function gridT(r: Rnd, shape: readonly number[], offset: number): T {
  return f64(Array.from({ length: size(shape) }, () => 0.2 * randInt(r, -8, 8) + offset + 0.05 * r()), shape);
}

/** Values 0.05 to 0.2 past a multiple of 1/4: away from the integers and halves where floor, round and the kinked activations jump. */
const kinkFree = (name: string, f: (x: T) => T): Case => ({
  name,
  gen: (r) => {
    const s = randShape(r);
    return { args: [f64(Array.from({ length: size(s) }, () => 0.25 * randInt(r, -8, 7) + 0.05 + 0.15 * r()), s)], f };
  },
});
const unary = (name: string, f: (x: T) => T, d: Domain = "any"): Case => ({
  name,
  gen: (r) => ({ args: [randT(r, randShape(r), d)], f }),
});
const binary = (name: string, f: (x: T, y: T) => T, dx: Domain = "any", dy: Domain = "any"): Case => ({
  name,
  gen: (r) => {
    const [a, b] = twoShapes(r);
    return { args: [randT(r, a, dx), randT(r, b, dy)], f };
  },
});

/** A random subset of the axes of a rank-r tensor, or undefined (all axes), for reductions. */
function axesArg(r: Rnd, rank: number): number | number[] | undefined {
  const u = r();
  if (rank === 0 || u < 0.25) return undefined;
  if (u < 0.5) return randInt(r, -rank, rank - 1);
  return shuffle(r, Array.from({ length: rank }, (_, i) => i)).slice(0, randInt(r, 1, rank));
}

function reduction(name: string, op: (x: T, ax: unknown, k: boolean) => T, values: (r: Rnd, s: number[]) => T): Case {
  return {
    name,
    gen: (r) => {
      const s = randShape(r, 0, 3);
      const ax = axesArg(r, s.length);
      const keep = r() < 0.5;
      return { args: [values(r, s)], f: (x) => op(x, ax, keep) };
    },
  };
}

/** A product with one element (or two) set to zero. */
function withZeros(r: Rnd, s: number[], zeros: number): T {
  const n = Math.max(size(s), 1);
  const d = Array.from({ length: size(s) }, () => sample(r, "near1"));
  for (let k = 0; k < zeros; k++) d[randInt(r, 0, n - 1)] = 0;
  return f64(d, s);
}

/** Random dot_general: batch, contracting and free axes in random positions of both operands. */
function dotGeneralCase(r: Rnd): Instance {
  const nb = randInt(r, 0, 2);
  const nc = randInt(r, 0, 2);
  const lf = randInt(r, 0, 2);
  const rf = randInt(r, 0, 2);
  const dim = () => randInt(r, 1, 3);
  const bd = Array.from({ length: nb }, dim);
  const cd = Array.from({ length: nc }, dim);
  const lfd = Array.from({ length: lf }, dim);
  const rfd = Array.from({ length: rf }, dim);
  // logical axis lists, then a random placement in each operand
  const lhsRoles = [...bd.map((_, i) => ["b", i]), ...cd.map((_, i) => ["c", i]), ...lfd.map((_, i) => ["f", i])] as [string, number][];
  const rhsRoles = [...bd.map((_, i) => ["b", i]), ...cd.map((_, i) => ["c", i]), ...rfd.map((_, i) => ["f", i])] as [string, number][];
  const lhs = shuffle(r, lhsRoles);
  const rhs = shuffle(r, rhsRoles);
  const dimOf = (side: "l" | "r", [k, i]: [string, number]) => (k === "b" ? bd[i]! : k === "c" ? cd[i]! : side === "l" ? lfd[i]! : rfd[i]!);
  const find = (roles: [string, number][], k: string, i: number) => roles.findIndex(([a, b]) => a === k && b === i);
  const params = {
    contract: [cd.map((_, i) => find(lhs, "c", i)), cd.map((_, i) => find(rhs, "c", i))] as [number[], number[]],
    batch: [bd.map((_, i) => find(lhs, "b", i)), bd.map((_, i) => find(rhs, "b", i))] as [number[], number[]],
  };
  const x = randT(r, lhs.map((ro) => dimOf("l", ro)));
  const y = randT(r, rhs.map((ro) => dimOf("r", ro)));
  return { args: [x, y], f: (a, b) => lax.dotGeneral(a, b, params) };
}

function matmulCase(r: Rnd): Instance {
  const m = randInt(r, 1, 3);
  const k = randInt(r, 1, 3);
  const n = randInt(r, 1, 3);
  const b = randInt(r, 1, 3);
  const c = randInt(r, 2, 3);
  const shapes: [number[], number[]][] = [
    [[k], [k]],
    [[m, k], [k]],
    [[k], [k, n]],
    [[m, k], [k, n]],
    [[b, m, k], [k, n]],
    [[m, k], [b, k, n]],
    [[b, m, k], [b, k, n]],
    [[b, 1, m, k], [c, k, n]],
    [[k], [b, k, n]],
    [[b, m, k], [k]],
  ];
  const [sa, sb] = pick(r, shapes);
  return { args: [randT(r, sa), randT(r, sb)], f: (x, y) => S.matmul(x, y) };
}

function sliceCase(r: Rnd): Instance {
  const s = randShape(r, 1, 3, 5);
  const spec = s.map((d) => {
    const u = r();
    if (u < 0.25) return null;
    const start = randInt(r, -d, d - 1);
    const s0 = start < 0 ? start + d : start;
    const end = r() < 0.3 ? null : randInt(r, s0 + 1, d);
    return [start, end, randInt(r, 1, 3)];
  });
  return { args: [randT(r, s)], f: (x) => S.slice(x, spec) };
}

function padCase(r: Rnd): Instance {
  const s = randShape(r, 1, 3);
  const low = s.map(() => randInt(r, 0, 2));
  const high = s.map(() => randInt(r, 0, 2));
  const interior = s.map(() => randInt(r, 0, 2));
  return { args: [randT(r, s)], f: (x) => lax.pad(x, low, high, interior) };
}

function concatCase(r: Rnd): Instance {
  const s = randShape(r, 1, 3);
  const axis = randInt(r, 0, s.length - 1);
  const k = randInt(r, 2, 3);
  const args = Array.from({ length: k }, () => randT(r, s.map((d, i) => (i === axis ? randInt(r, 1, 3) : d))));
  const neg = r() < 0.5;
  return { args, f: (...xs) => S.concatenate(xs, neg ? axis - s.length : axis) };
}

function stackCase(r: Rnd): Instance {
  const s = randShape(r, 0, 2);
  const k = randInt(r, 1, 3);
  const axis = randInt(r, -(s.length + 1), s.length);
  return { args: Array.from({ length: k }, () => randT(r, s)), f: (...xs) => S.stack(xs, axis) };
}

function reshapeCase(r: Rnd): Instance {
  const s = randShape(r, 0, 3);
  const n = size(s);
  // a random factorisation of n, possibly with a -1 and size-1 axes
  const dims: number[] = [];
  let rest = n;
  for (let p = 2; p <= rest; p++) while (rest % p === 0 && r() < 0.8) (dims.push(p), (rest /= p));
  if (rest > 1) dims.push(rest);
  if (r() < 0.4) dims.splice(randInt(r, 0, dims.length), 0, 1);
  const target = shuffle(r, dims);
  if (target.length > 0 && r() < 0.4) target[randInt(r, 0, target.length - 1)] = -1;
  return { args: [randT(r, s)], f: (x) => S.reshape(x, target) };
}

function transposeCase(r: Rnd): Instance {
  const s = randShape(r, 0, 4);
  const perm = r() < 0.2 ? undefined : shuffle(r, s.map((_, i) => i)).map((a) => (r() < 0.3 ? a - s.length : a));
  return { args: [randT(r, s)], f: (x) => S.transpose(x, perm) };
}

function moveAxisCase(r: Rnd): Instance {
  const s = randShape(r, 1, 4);
  const from = randInt(r, -s.length, s.length - 1);
  const to = randInt(r, -s.length, s.length - 1);
  return { args: [randT(r, s)], f: (x) => S.moveAxis(x, from, to) };
}

function broadcastCase(r: Rnd): Instance {
  const target = randShape(r, 0, 3);
  const s = broadcastable(r, target);
  const lead = randShape(r, 0, 1);
  return { args: [randT(r, s)], f: (x) => S.broadcastTo(x, [...lead, ...target]) };
}

function expandSqueezeCase(r: Rnd): Instance {
  const s = randShape(r, 0, 3);
  const a = randInt(r, -(s.length + 1), s.length);
  return { args: [randT(r, s)], f: (x) => S.squeeze(S.mul(S.expandDims(x, a), S.expandDims(S.squeeze(S.expandDims(x, a), a), a)), a) };
}

function indexCase(r: Rnd): Instance {
  const s = randShape(r, 1, 3);
  const axis = randInt(r, 0, s.length - 1);
  const i = randInt(r, -s[axis]!, s[axis]! - 1);
  return { args: [randT(r, s)], f: (x) => S.index(x, i, axis) };
}

function diagonalCase(r: Rnd): Instance {
  const s = randShape(r, 2, 4);
  const a1 = randInt(r, 0, s.length - 1);
  let a2 = randInt(r, 0, s.length - 2);
  if (a2 >= a1) a2++;
  const off = randInt(r, -(s[a1]! - 1), s[a2]! - 1);
  const useTrace = r() < 0.4;
  return { args: [randT(r, s)], f: (x) => (useTrace ? S.trace(x, off, a1, a2) : S.diagonal(x, off, a1 - s.length, a2)) };
}

function whereCase(cmp: "less" | "lessEqual" | "greater" | "greaterEqual"): Case {
  return {
    name: `where(${cmp})`,
    gen: (r) => {
      const [a, b] = twoShapes(r);
      return {
        args: [gridT(r, a, 0), gridT(r, b, 0.1)],
        f: (x, y) => S.where(S[cmp](x, y), S.mul(x, y), S.sin(S.add(x, y))),
      };
    },
  };
}

export const CASES: readonly Case[] = [
  // unary elementwise
  unary("neg", (x) => S.neg(x)),
  unary("exp", (x) => S.exp(x)),
  unary("log", (x) => S.log(x), "pos"),
  unary("log1p", (x) => S.log1p(x), "pos"),
  unary("sin", (x) => S.sin(x)),
  unary("cos", (x) => S.cos(x)),
  unary("tan", (x) => S.tan(x), "unit"),
  unary("cbrt", (x) => S.cbrt(x), "pos"),
  unary("tanh", (x) => S.tanh(x)),
  unary("sqrt", (x) => S.sqrt(x), "pos"),
  unary("sigmoid (logistic)", (x) => S.sigmoid(x)),
  unary("abs", (x) => S.abs(x), "nonzero"),
  unary("sign", (x) => S.mul(S.sign(x), S.exp(x)), "nonzero"),
  unary("square (integer_pow 2)", (x) => S.square(x)),
  unary("integer_pow 3", (x) => S.pow(x, 3)),
  unary("integer_pow 5", (x) => S.pow(x, 5)),
  unary("integer_pow -2", (x) => S.pow(x, -2), "nonzero"),
  unary("integer_pow 0", (x) => S.add(S.pow(x, 0), x)),
  unary("reciprocal", (x) => S.reciprocal(x), "nonzero"),
  unary("softplus", (x) => S.softplus(x), "nonzero"),
  unary("relu", (x) => S.relu(x), "nonzero"),
  unary("clip", (x) => S.clip(x, -0.95, 1.05), "any"),
  // binary elementwise with broadcasting
  binary("add", (x, y) => S.add(x, y)),
  binary("sub", (x, y) => S.sub(x, y)),
  binary("mul", (x, y) => S.mul(x, y)),
  binary("div", (x, y) => S.div(x, y), "any", "nonzero"),
  binary("pow (tensor exponent)", (x, y) => S.pow(x, y), "pos", "any"),
  binary("scalar operands", (x, y) => S.add(S.mul(2.5, x), S.sub(y, 1))),
  {
    name: "maximum",
    gen: (r) => {
      const [a, b] = twoShapes(r);
      return { args: [gridT(r, a, 0), gridT(r, b, 0.1)], f: (x, y) => S.maximum(x, y) };
    },
  },
  {
    name: "minimum",
    gen: (r) => {
      const [a, b] = twoShapes(r);
      return { args: [gridT(r, a, 0), gridT(r, b, 0.1)], f: (x, y) => S.minimum(x, y) };
    },
  },
  whereCase("less"),
  whereCase("lessEqual"),
  whereCase("greater"),
  whereCase("greaterEqual"),
  {
    name: "where(equal / notEqual) with broadcast condition",
    gen: (r) => {
      const s = randShape(r, 1, 3);
      const cs = broadcastable(r, s);
      const a = f64(Array.from({ length: size(cs) }, () => randInt(r, 0, 1)), cs);
      const b = f64(Array.from({ length: size(cs) }, () => randInt(r, 0, 1)), cs);
      return {
        args: [randT(r, s), randT(r, s)],
        f: (x, y) => S.add(S.where(S.equal(a, b), x, S.exp(y)), S.where(S.notEqual(x, x), y, S.mul(x, y))),
      };
    },
  },
  // reductions
  reduction("sum", (x, ax, k) => S.sum(x, ax, k), (r, s) => randT(r, s)),
  reduction("mean", (x, ax, k) => S.mean(x, ax, k), (r, s) => randT(r, s)),
  reduction("max", (x, ax, k) => S.max(x, ax, k), (r, s) => distinctT(r, s)),
  reduction("min", (x, ax, k) => S.min(x, ax, k), (r, s) => distinctT(r, s)),
  reduction("prod", (x, ax, k) => S.prod(x, ax, k), (r, s) => randT(r, s, "near1")),
  reduction("prod with a zero element", (x, ax, k) => S.prod(x, ax, k), (r, s) => withZeros(r, s, 1)),
  reduction("prod with two zeros", (x, ax, k) => S.prod(x, ax, k), (r, s) => withZeros(r, s, 2)),
  // structure
  { name: "broadcast_in_dim (broadcastTo)", gen: broadcastCase },
  { name: "reshape", gen: reshapeCase },
  { name: "expandDims / squeeze", gen: expandSqueezeCase },
  { name: "transpose", gen: transposeCase },
  { name: "moveAxis", gen: moveAxisCase },
  { name: "slice (strided)", gen: sliceCase },
  { name: "index", gen: indexCase },
  { name: "pad (lax)", gen: padCase },
  { name: "concatenate", gen: concatCase },
  { name: "stack", gen: stackCase },
  { name: "diagonal / trace", gen: diagonalCase },
  // products
  { name: "matmul (batched, broadcast batch)", gen: matmulCase },
  {
    name: "dot / outer",
    gen: (r) => {
      const n = randInt(r, 1, 4);
      const m = randInt(r, 1, 4);
      const useOuter = r() < 0.5;
      return useOuter
        ? { args: [randT(r, [n]), randT(r, [m])], f: (x, y) => S.outer(x, y) }
        : { args: [randT(r, [n]), randT(r, [n, m])], f: (x, y) => S.dot(x, y) };
    },
  },
  { name: "dot_general (random dimension numbers)", gen: dotGeneralCase },
  // composites
  {
    name: "mlp layer",
    gen: (r) => {
      const b = randInt(r, 1, 3);
      const i = randInt(r, 1, 3);
      const o = randInt(r, 1, 3);
      return {
        args: [randT(r, [b, i]), randT(r, [i, o]), randT(r, [o])],
        f: (x, w, bias) => S.tanh(S.add(S.matmul(x, w), bias)),
      };
    },
  },
  {
    name: "logsumexp",
    gen: (r) => {
      const s = randShape(r, 1, 2);
      return {
        args: [randT(r, s)],
        f: (x) => {
          const m = S.stopGradient(S.max(x, -1, true));
          return S.add(S.log(S.sum(S.exp(S.sub(x, m)), -1, true)), m);
        },
      };
    },
  },
  // math and activations
  unary("erf", (x) => S.erf(x)),
  unary("erfc", (x) => S.erfc(x)),
  unary("expm1", (x) => S.expm1(x)),
  unary("log2 / log10", (x) => S.add(S.log2(x), S.log10(x)), "pos"),
  unary("rsqrt", (x) => S.rsqrt(x), "pos"),
  unary("asin / acos", (x) => S.add(S.asin(x), S.mul(S.acos(x), 0.5)), "unit"),
  unary("atan", (x) => S.atan(x)),
  unary("sinh / cosh", (x) => S.add(S.sinh(x), S.mul(S.cosh(x), 0.5))),
  unary("asinh", (x) => S.asinh(x)),
  unary("acosh", (x) => S.acosh(S.add(x, 1)), "pos"),
  unary("atanh", (x) => S.atanh(x), "unit"),
  kinkFree("floor / ceil / round / trunc (zero derivative)", (x) => S.add(S.mul(S.floor(x), x), S.add(S.round(x), S.mul(S.ceil(x), S.trunc(S.mul(x, 2)))))),
  unary("gelu (tanh and erf forms)", (x) => S.add(S.nn.gelu(x), S.nn.gelu(x, { approximate: false }))),
  unary("silu, softsign, logSigmoid", (x) => S.add(S.nn.silu(x), S.mul(S.nn.softsign(x), S.nn.logSigmoid(x)))),
  kinkFree("elu, leakyRelu", (x) => S.add(S.nn.elu(x), S.nn.leakyRelu(x, 0.2))),
  kinkFree("relu6, hardTanh", (x) => S.add(S.nn.relu6(S.mul(x, 4)), S.nn.hardTanh(S.mul(x, 2)))),
  binary("atan2", (x, y) => S.atan2(x, y), "any", "nonzero"),
  binary("hypot", (x, y) => S.hypot(x, y), "nonzero", "nonzero"),
  {
    // x / y at least a quarter away from an integer (where remainder jumps)
    name: "remainder",
    gen: (r) => {
      const sh = randShape(r);
      const y = Array.from({ length: size(sh) }, () => sample(r, "nonzero"));
      const x = y.map((v) => v * (randInt(r, -3, 3) + 0.25 + 0.5 * r()));
      return { args: [f64(x, sh), f64(y, sh)], f: (a, b) => S.remainder(a, b) };
    },
  },
  // indexing, gather and scatter: random index tensors with repeats, negative and out-of-range entries
  {
    name: "take (gather along a random axis)",
    gen: (r) => {
      const s = randShape(r, 1, 3);
      const axis = randInt(r, 0, s.length - 1);
      const n = s[axis]!;
      const is = randShape(r, 0, 2);
      const idx = indexT(r, is, n);
      return { args: [randT(r, s)], f: (x) => S.take(x, idx, axis) };
    },
  },
  {
    name: "takeAlongAxis",
    gen: (r) => {
      const s = randShape(r, 1, 3);
      const axis = randInt(r, 0, s.length - 1);
      const is = s.map((d, k) => (k === axis ? randInt(r, 1, 3) : r() < 0.3 ? 1 : d));
      const idx = indexT(r, is, s[axis]!);
      return { args: [randT(r, s)], f: (x) => S.takeAlongAxis(x, idx, axis) };
    },
  },
  ...(["set", "add", "mul", "min", "max"] as const).map(
    (mode): Case => ({
      name: `at(indices).${mode} (scatter)`,
      gen: (r) => {
        const s = [randInt(r, 1, 4), ...randShape(r, 0, 1)];
        const is = randShape(r, 0, 2);
        const idx = indexT(r, is, s[0]!);
        // x and the values on one set of distinct values, so min/max have no ties
        const both = distinctT(r, [size(s) + size([...is, ...s.slice(1)])]);
        // made from host data just above: read synchronously on every backend
        const all = Array.from(both.dataSync() as Float64Array);
        const x = f64(all.slice(0, size(s)), s);
        const v = f64(all.slice(size(s)), [...is, ...s.slice(1)]);
        return { args: [x, v], f: (a, b) => S.at(a, idx)[mode](b) };
      },
    }),
  ),
  {
    name: "dynamicUpdateSlice (traced starts)",
    gen: (r) => {
      const s = randShape(r, 1, 2);
      const us = s.map((d) => randInt(r, 1, d));
      const starts = s.map((d) => sg.tensor(new Int32Array([randInt(r, -d, d)]), [], "int32"));
      return { args: [randT(r, s), randT(r, us)], f: (x, u) => S.dynamicUpdateSlice(x, u, starts) };
    },
  },
  // sorting and scans (sort and topK on distinct values: the permutation is locally constant)
  {
    name: "sort / argsort / topK (argsort and permute)",
    gen: (r) => {
      const s = randShape(r, 1, 3);
      const axis = randInt(r, 0, s.length - 1);
      const k = randInt(r, 1, s[s.length - 1]!);
      const descending = r() < 0.5;
      const fs: ((x: T) => T)[] = [
        (v) => S.mul(S.sort(v, axis, { descending }), S.exp(v)),
        (v) => S.sin(S.topK(v, k)[0]),
      ];
      const f = pick(r, fs);
      return { args: [distinctT(r, s)], f };
    },
  },
  {
    name: "cumsum / cumprod / cummax (reverse)",
    gen: (r) => {
      const s = randShape(r, 1, 3);
      const axis = randInt(r, 0, s.length - 1);
      const reverse = r() < 0.5;
      const fs: ((x: T) => T)[] = [
        (v) => S.cumsum(S.mul(v, v), axis, { reverse }),
        (v) => S.cumprod(v, axis, { reverse }),
        (v) => S.cummax(v, axis, { reverse }),
      ];
      return { args: [distinctT(r, s)], f: pick(r, fs) };
    },
  },
  // shape utilities
  {
    name: "flip (rev)",
    gen: (r) => {
      const s = randShape(r, 1, 3);
      const axes = s.map((_, i) => i).filter(() => r() < 0.6);
      return { args: [randT(r, s)], f: (x) => S.mul(S.flip(x, axes.length ? axes : undefined), S.exp(x)) };
    },
  },
  {
    name: "pad (edge / reflect / crop), roll, tile, repeat, tril",
    gen: (r) => {
      const s = randShape(r, 1, 3);
      const x = randT(r, s);
      const w = s.map((d) => [randInt(r, -Math.min(1, d - 1), 3), randInt(r, 0, 2)]);
      // every random choice is drawn here, so f is the same function at every call
      const shift = randInt(r, -4, 4);
      const axis = randInt(r, 0, s.length - 1);
      const reps = s.map(() => randInt(r, 1, 2));
      const count = randInt(r, 1, 2);
      const k = randInt(r, -1, 1);
      const fs: ((x: T) => T)[] = [
        (v) => S.pad(v, w, { mode: "edge" }),
        (v) => S.pad(v, w, { mode: "reflect" }),
        (v) => S.roll(v, shift, axis),
        (v) => S.tile(v, reps),
        (v) => S.repeat(v, count, axis),
        (v) => (s.length >= 2 ? S.tril(v, k) : S.flip(v)),
      ];
      const f = pick(r, fs);
      return { args: [x], f: (v) => S.sin(f(S.mul(v, v))) };
    },
  },
];

/** int32 indices into an axis of size n: repeats, negative ones and (one in five) out of range. */
function indexT(r: Rnd, shape: readonly number[], n: number): T {
  const v = Array.from({ length: size(shape) }, () => (r() < 0.2 ? randInt(r, n, n + 2) * (r() < 0.5 ? -1 : 1) : randInt(r, -n, n - 1)));
  return sg.tensor(Int32Array.from(v), [...shape], "int32") as unknown as T;
}

export const byName = (name: string): Case => {
  const c = CASES.find((k) => k.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
};
