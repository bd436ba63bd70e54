/**
 * Taylor mode (jet) as a graph interpreter: every value carries its truncated Taylor series
 * x(t) = Σ_{k=0..K} x_k t^k in normalized coefficients (x_k = k-th derivative / k!), and each
 * equation maps its inputs' series through its primitive's `jet` rule (src/ir/graph.ts). Like the
 * other interpreters it re-emits through `bind`, so it composes with vmap, jit and grad.
 */
import type { Graph, Primitive } from "../ir/graph.js";
import { bind, concrete, replayGraph, traceFlat } from "../ir/trace.js";
import { isFloat } from "../ir/dtype.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading, onesLike, reduceSum, zerosLike } from "./broadcast.js";
import { addAny, mul, mulScalar, type Ser } from "./elementwise.js";
import { vmapGraph } from "./interpreters.js";
import { apply, type Prim } from "./util.js";

type T = AnyTensor;
/** Coefficients 1..K of one value (null = zero). */
export type Coeffs = (T | null)[];

const rules = (p: Primitive) => p as unknown as Prim;
const nulls = (K: number): Coeffs => Array.from({ length: K }, () => null);

/** Taylor mode over a graph: primal outputs and their coefficients 1..K. `args`/`series` cover inputs then captures. */
export function jetGraph(graph: Graph, args: readonly T[], series: readonly Coeffs[], K: number): [T[], Coeffs[]] {
  const pairs = replayGraph<[T, Coeffs]>(
    graph,
    args.map((a, i) => [a, series[i] ?? nulls(K)]),
    (e, ins) => {
      const primals = ins.map((p) => p[0]);
      const ss = ins.map((p) => p[1]);
      const out = bind(e.prim, primals, e.params) as T;
      if (K === 0 || !isFloat(out.dtype) || ss.every((s) => s.every((c) => c === null))) return [out, nulls(K)];
      return [out, jetRule(e.prim, primals, ss, e.params, out, K)];
    },
    (c) => [concrete(c.value) as T, nulls(K)],
  );
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

/**
 * The graph that Taylor mode interprets in place of the equation: a nested jit's, or a custom-rule
 * function's own (`jet: "expand"`); `n` its inputs and captures. Traced only for those.
 */
function inlined(p: Prim, params: object): { graph: Graph; output: number; n: number } | undefined {
  const sub = p.customRules && p.jet !== "expand" ? undefined : p.subgraph?.(params);
  return sub && { graph: sub.graph, output: sub.output, n: sub.graph.inputs.length + sub.graph.captures.length };
}

/** The output coefficients of one equation by its primitive's rule (see Primitive.jet). */
export function jetRule(prim: Primitive, primals: readonly T[], series: readonly Coeffs[], params: object, out: T, K: number): Coeffs {
  const p = rules(prim);
  const sub = inlined(p, params);
  if (sub) return jetGraph(sub.graph, primals.slice(0, sub.n), series.slice(0, sub.n), K)[1][sub.output]!;
  if (p.jet === "linear") {
    return Array.from({ length: K }, (_, k) => p.jvp(primals, series.map((s) => s[k] ?? null), params, out));
  }
  if (p.jet === "bilinear") {
    const a: Ser = [primals[0]!, ...series[0]!];
    const b: Ser = [primals[1]!, ...series[1]!];
    const f = (x: T, y: T) => apply(p, [x, y], params);
    return Array.from({ length: K }, (_, k) => {
      let acc: T | null = null;
      for (let j = 0; j <= k + 1; j++) {
        const x = a[j] ?? null;
        const y = b[k + 1 - j] ?? null;
        if (x && y) acc = addAny(acc, f(x, y));
      }
      return acc;
    });
  }
  if (typeof p.jet === "function") return p.jet(primals, series, params, out);
  return jetFromJvp(p, primals, series, params, K);
}

/**
 * The rule of a primitive without one: y = p(z) has y' = jvp_p(z, z'), so the coefficients of y
 * follow from the series of h(z, dz) = jvp_p(z, dz) one order lower: y_k = h_{k-1} / k, with
 * z'(t) = Σ_m (m+1) z_{m+1} t^m. The jet of h uses the rules of the primitives its jvp is made
 * of (this one too, at one order lower), so it is exact at any order, and as costly as nesting.
 */
function jetFromJvp(p: Prim, primals: readonly T[], series: readonly Coeffs[], params: object, K: number): Coeffs {
  const n = primals.length;
  const active = series.map((s, i) => isFloat(primals[i]!.dtype) && s.some((c) => c !== null));
  let zero = false;
  const h = (ins: T[]): T[] => {
    const z = ins.slice(0, n);
    let k = n;
    const dz = z.map((_, i) => (active[i] ? ins[k++]! : null));
    const out = apply(p, z, params);
    const t = p.jvp(z, dz, params, out);
    if (t === null) zero = true;
    return [t ?? zerosLike(out)];
  };
  const avals = [...primals.map((x) => x.aval), ...primals.filter((_, i) => active[i]).map((x) => x.aval)];
  const t = traceFlat((ins) => h(ins as T[]), avals);
  if (zero) return nulls(K);
  const dz0 = primals.flatMap((x, i) => (active[i] ? [series[i]![0] ?? zerosLike(x)] : []));
  // z's coefficients 1..K-1, and dz's: (m+1)·z_{m+1}
  const zs = series.map((s) => s.slice(0, K - 1));
  const dzs = series.flatMap((s, i) => (active[i] ? [Array.from({ length: K - 1 }, (_, m) => (s[m + 1] ? mulScalar(s[m + 1]!, m + 2) : null))] : []));
  const captured = t.captured as readonly T[];
  const [[g0], [gs]] = jetGraph(t.graph, [...primals, ...dz0, ...captured], [...zs, ...dzs, ...captured.map(() => nulls(K - 1))], K - 1);
  return [g0!, ...gs!.map((g, m) => (g ? mulScalar(g, 1 / (m + 2)) : null))];
}

// ---------------------------------------------------------------- the forward Laplacian

/**
 * A value in the forward-Laplacian pass (Li et al. 2023, "Forward Laplacian"; microsoft's folx):
 * the value, its derivatives along the n input directions (`g`, shape [n, ...shape]) and the sum
 * of its second derivatives along them (`l`, shape [...shape]; with `diag`, each one: [n, ...shape]).
 * null = zero.
 */
export interface LapValue {
  readonly v: T;
  readonly g: T | null;
  readonly l: T | null;
}

/**
 * `fn` mapped over the leading axis (size n) of every `xs` (vmap's interpreter on a traced graph);
 * a null result (a zero tangent) comes back null.
 */
function mapLeading(fn: (xs: T[]) => (T | null)[], xs: readonly T[]): (T | null)[] {
  const n = xs[0]!.shape[0]!;
  let isNull: boolean[] = [];
  const t = traceFlat((ins) => {
    const r = fn(ins as T[]);
    isNull = r.map((o) => o === null);
    // a zero stands in for null (never read)
    return r.map((o) => o ?? zerosLike(ins[0] as T));
  }, xs.map((x) => ({ shape: x.shape.slice(1), dtype: x.dtype })));
  const captured = t.captured as readonly T[];
  const [outs, dims] = vmapGraph(t.graph, [...xs, ...captured], [...xs.map(() => 0), ...captured.map(() => null)]);
  return outs.map((o, i) => (isNull[i] ? null : dims[i] === null ? broadcastLeading(o, n) : o));
}

/** Σ over the direction axis (0). */
const sumDirs = (x: T) => reduceSum(x, [0]);

/**
 * The forward-Laplacian pass over a graph. Each equation propagates (value, n first derivatives,
 * Laplacian) in one pass: linear primitives map the n derivatives (batched) and the Laplacian once
 * (for a dense layer: n·W² + W² multiply-adds, against about 2·n·W² for n Hessian-vector
 * products); bilinear ones add the cross term 2·Σ_i ∂_i a ∂_i b; elementwise functions f use
 * f'·l + f''·Σ_i (∂_i x)², with f', f'' from their Taylor rule; anything else goes through its
 * order-2 Taylor rule along each direction. With `diag` the second derivatives are kept per
 * direction (the Hessian's diagonal) instead of summed.
 */
export function forwardLaplacianGraph(graph: Graph, args: readonly LapValue[], diag: boolean): LapValue[] {
  return replayGraph<LapValue>(
    graph,
    args,
    (e, ins) => {
      const vs = ins.map((x) => x.v);
      const out = bind(e.prim, vs, e.params) as T;
      if (!isFloat(out.dtype) || ins.every((x) => x.g === null && x.l === null)) return { v: out, g: null, l: null };
      return lapRule(e.prim, ins, e.params, out, diag);
    },
    (c) => ({ v: concrete(c.value) as T, g: null, l: null }),
  );
}

function lapRule(prim: Primitive, ins: readonly LapValue[], params: object, out: T, diag: boolean): LapValue {
  const p = rules(prim);
  const vs = ins.map((x) => x.v);
  const sub = inlined(p, params);
  if (sub) return forwardLaplacianGraph(sub.graph, ins.slice(0, sub.n), diag)[sub.output]!;
  const gi = ins.flatMap((x, i) => (x.g ? [i] : []));
  const li = ins.flatMap((x, i) => (x.l ? [i] : []));
  // the tangents of the inputs that have them, from the mapped ones
  const spread = (idx: number[], xs: readonly T[]) => ins.map((_, i) => (idx.includes(i) ? xs[idx.indexOf(i)]! : null));
  // the first-order term along the given tangents: the order-1 Taylor rule (the jvp)
  const jvpAlong = (idx: number[], xs: readonly T[]) => jetRule(prim, vs, spread(idx, xs).map((t) => [t]), params, out, 1)[0] ?? null;
  const mapJvp = (idx: number[], xs: readonly T[]) => (idx.length ? mapLeading((ys) => [jvpAlong(idx, ys)], xs)[0]! : null);
  const gsOf = gi.map((i) => ins[i]!.g!);
  const lsOf = li.map((i) => ins[i]!.l!);
  // the Laplacian's first-order part: the jvp along l (per direction when diag)
  const lFirst = () => (li.length === 0 ? null : diag ? mapJvp(li, lsOf) : jvpAlong(li, lsOf));

  if (p.jet === "linear") return { v: out, g: mapJvp(gi, gsOf), l: lFirst() };

  if (p.jet === "bilinear") {
    const [a, b] = ins as [LapValue, LapValue];
    const f = (x: T, y: T) => apply(p, [x, y], params);
    const g = mapJvp(gi, gsOf);
    let cross: T | null = null;
    if (a.g && b.g) {
      const c = mapLeading(([ga, gb]) => [mulScalar(f(ga!, gb!), 2)], [a.g, b.g])[0]!;
      cross = diag ? c : sumDirs(c);
    }
    return { v: out, g, l: addAny(lFirst(), cross) };
  }

  if (typeof p.jet === "function" && ins.length === 1 && p.lower?.kind === "elementwise") {
    // f' and f''/2 elementwise: the Taylor rule along the unit curve x + t
    const x = ins[0]!;
    const [c1, c2] = p.jet(vs, [[onesLike(x.v), null]], params, out);
    const n = (x.g ?? x.l)!.shape[0]!;
    const each = (c: T | null) => (c === null ? null : broadcastLeading(c, n));
    const g = x.g && c1 ? mul(each(c1)!, x.g) : null;
    let l: T | null = x.l && c1 ? mul(diag ? each(c1)! : c1, x.l) : null;
    if (x.g && c2) {
      const sq = mul(x.g, x.g);
      l = addAny(l, mulScalar(diag ? mul(each(c2)!, sq) : mul(c2, sumDirs(sq)), 2));
    }
    return { v: out, g, l };
  }

  // anything else: the order-2 Taylor rule along each direction gives ∂_i and ∂_i² / 2
  let g: T | null = null;
  let second: T | null = null;
  if (gi.length) {
    [g, second] = mapLeading((ys) => {
      const ser = ins.map((_, i) => (gi.includes(i) ? [ys[gi.indexOf(i)]!, null] : [null, null]));
      const [z1, z2] = jetRule(prim, vs, ser, params, out, 2);
      return [z1 ?? null, z2 ? mulScalar(z2, 2) : null];
    }, gsOf) as [T | null, T | null];
    if (second && !diag) second = sumDirs(second);
  }
  return { v: out, g, l: addAny(lFirst(), second) };
}
