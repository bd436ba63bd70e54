/**
 * jet (Taylor mode) against nested jvp: for random series x_i(t) = x_i + Σ_k t^k/k! · s_ik, term k
 * of jet(f, xs, series) is d^k/dt^k f(x(t)) at t = 0, which four nested jvps in t compute
 * independently. Every case of the catalogue, plus the primitives it does not reach, to order 4
 * in float64; vmap(jet), jit(jet) and jet(jit); and every primitive has a Taylor rule.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import * as sg from "../../src/index.js";
import { CASES, type Instance } from "./cases.js";
import { jvp, vmap, jit, customJvp, customVjp, expectClose, randT, rng, f64, scalar64, makeGraph, type Rnd, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";
import { mapSeq, settled } from "../harness/read.js";

float64Suite();

const S: any = sg;
const jet = sg.jet as unknown as (f: (...a: any[]) => any, primals: unknown[], series: unknown[][]) => [T, T[]];
const ORDER = 4;
const SEEDS = Number(process.env.JET_SEEDS ?? 3);
const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
const isFloat = (x: T) => x.dtype === "float32" || x.dtype === "float64";

/** The k-th derivative in t of g at t = 0, by k nested jvps. */
function nestedJvp(g: (t: T) => T, k: number): T {
  let h = g;
  for (let i = 0; i < k; i++) {
    const inner = h;
    h = (t: T) => jvp(inner, [t], [scalar64(1)])[1];
  }
  return h(scalar64(0));
}

/** The curve through the primals whose derivative terms are `series`. */
const curve = (args: readonly T[], series: readonly T[][]) => (t: T) =>
  args.map((a, i) => (isFloat(a) ? series[i]!.reduce((acc, s, k) => S.add(acc, S.mul(S.div(S.pow(t, k + 1), fact(k + 1)), s)), a) : a));

async function checkJet(r: Rnd, { args, f }: Instance, label: string, order = ORDER, rtol = 1e-7): Promise<void> {
  const series = args.map((a) => Array.from({ length: order }, () => (isFloat(a) ? S.mul(randT(r, a.shape), 0.5) : a)));
  const [y, terms] = jet(f, args, series);
  await expectClose(y, f(...args), { rtol: 1e-12, msg: `${label} primal` });
  expect(terms.length).toBe(order);
  const x = curve(args, series);
  for (let k = 1; k <= order; k++) {
    const want = nestedJvp((t) => f(...x(t)), k);
    await expectClose(terms[k - 1]!, want, { rtol, atol: 1e-8, msg: `${label} term ${k}` });
  }
}

describe("jet equals nested jvp along a random curve, to order 4 (float64)", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      for (let seed = 0; seed < SEEDS; seed++) {
        const r = rng(seed);
        await checkJet(r, c.gen(r), `${c.name} seed=${seed}`);
      }
    });
  }
});

/** The primitives the catalogue does not reach: functions, linear algebra, control flow. */
const spd = (r: Rnd, n: number): T => {
  const a = randT(r, [n, n]);
  return S.add(S.matmul(a, S.transpose(a)), S.mul(S.eye(n, n, "float64"), n));
};
const EXTRA: { name: string; gen: (r: Rnd) => Instance }[] = [
  ...(["sinh", "cosh", "asinh", "sigmoid", "log2", "log10"] as const).map((n) => ({ name: n, gen: (r: Rnd) => ({ args: [randT(r, [3])], f: (x: T) => S[n](n.startsWith("log") ? S.add(S.abs(x), 0.5) : x) }) })),
  { name: "asin / acos", gen: (r) => ({ args: [randT(r, [3], "unit")], f: (x) => S.add(S.asin(x), S.mul(S.acos(x), 0.7)) }) },
  { name: "pow (both operands)", gen: (r) => ({ args: [randT(r, [3], "pos"), randT(r, [3])], f: (x, y) => S.pow(x, y) }) },
  { name: "integer_pow -2", gen: (r) => ({ args: [randT(r, [3], "nonzero")], f: (x) => S.pow(x, -2) }) },
  { name: "scatter (at.set, at.mul)", gen: (r) => ({ args: [randT(r, [4]), randT(r, [2])], f: (x, u) => S.mul(x.at(sg.tensor(new Int32Array([1, 3]), [2], "int32")).mul(u), x.at(sg.tensor(new Int32Array([0, 2]), [2], "int32")).set(S.sin(u))) }) },
  { name: "conv", gen: (r) => ({ args: [randT(r, [1, 2, 5]), randT(r, [3, 2, 2])], f: (x, w) => S.lax.conv(x, w, [1], "SAME") }) },
  { name: "reduce_window max", gen: (r) => ({ args: [randT(r, [6])], f: (x) => S.lax.reduceWindow(S.sin(x), -Infinity, "max", [2], [1], "VALID") }) },
  { name: "cond", gen: (r) => ({ args: [randT(r, [3])], f: (x) => S.lax.cond(S.greater(S.sum(x), -100), (v: T) => S.tanh(S.mul(v, v)), (v: T) => v, x) }) },
  { name: "scan", gen: (r) => ({ args: [randT(r, [2]), randT(r, [3, 2])], f: (c0, xs) => S.lax.scan((c: T, x: T) => [S.sin(S.mul(c, x)), S.cos(c)], c0, xs)[1] }) },
  { name: "while", gen: (r) => ({ args: [randT(r, [2])], f: (x) => S.lax.whileLoop((c: T[]) => S.less(c[1], 3), (c: T[]) => [S.tanh(S.add(S.mul(c[0], c[0]), 0.3)), S.add(c[1], 1)], [x, sg.tensor(new Int32Array([0]), [], "int32")])[0] }) },
  { name: "cholesky / triangular_solve", gen: (r) => ({ args: [spd(r, 3), randT(r, [3, 1])], f: (a, b) => S.linalg.solveTriangular(S.linalg.cholesky(a), b, { lower: true }) }) },
  { name: "lu", gen: (r) => ({ args: [spd(r, 3)], f: (a) => S.linalg.lu(a)[0] }) },
  { name: "qr", gen: (r) => ({ args: [randT(r, [3, 3])], f: (a) => S.linalg.qr(a)[1] }) },
  { name: "eigh (eigenvalues)", gen: (r) => ({ args: [spd(r, 3)], f: (a) => S.linalg.eigh(a)[0] }) },
  { name: "svd (singular values)", gen: (r) => ({ args: [spd(r, 3)], f: (a) => S.linalg.svd(a, false, false) }) },
  {
    name: "customJvp (a correct rule: jet expands the function, nested jvp uses the rule)",
    gen: (r) => {
      const sq = customJvp((x) => S.mul(x, x), ([x], [t]) => [S.mul(x, x), S.mul(S.mul(x, t), 2)]);
      return { args: [randT(r, [3])], f: (x) => S.sin(sq(x)) };
    },
  },
  { name: "checkpoint", gen: (r) => ({ args: [randT(r, [3])], f: (x) => S.exp(sg.checkpoint((v: any) => S.sin(S.mul(v, v)))(x as never) as never) }) },
  { name: "jit inside (call)", gen: (r) => { const g = jit((v: T) => S.tanh(S.mul(v, v))); return { args: [randT(r, [3])], f: (x) => S.mul(g(x), x) }; } },
];

describe("jet on the primitives outside the catalogue", () => {
  for (const c of EXTRA) {
    it(c.name, async () => {
      const r = rng(7);
      await checkJet(r, c.gen(r), c.name, ORDER, 1e-6);
    });
  }
});

describe("jet of a customVjp function expands the function (as JAX's jet; its jvp is an error)", () => {
  it("equals jet of the plain function", async () => {
    const sinV = customVjp((x) => S.sin(x), (x) => [S.sin(x), S.cos(x)], (c, g) => [S.mul(g, c)]);
    const r = rng(8);
    const x = randT(r, [3]);
    const series = [[randT(r, [3]), randT(r, [3]), randT(r, [3])]];
    const [y, got] = jet((v: T) => S.exp(sinV(v)), [x], series);
    const [y0, want] = jet((v: T) => S.exp(S.sin(v)), [x], series);
    await expectClose(y, y0, { rtol: 1e-14 });
    for (const [k, t] of got.entries()) await expectClose(t, want[k]!, { rtol: 1e-12, msg: `term ${k + 1}` });
    const g = makeGraph((v: T) => sinV(v))(x);
    expect(g.eqns.some((e) => e.prim.name === "custom_vjp_call")).toBe(true);
  });
});

describe("jet of a customJvp function expands the function, its jvp rule aside (as JAX's jet)", () => {
  it("equals jet of the plain function, not the rule's derivatives", async () => {
    // a deliberately different rule (the derivative of sin as 2·cos): jvp uses it, jet does not
    const sinJ = customJvp((x) => S.sin(x), ([x], [t]) => [S.sin(x!), S.mul(S.mul(S.cos(x!), t!), 2)]);
    const x = f64([0.3, -1.2], [2]);
    const one = f64([1, 1], [2]);
    const zero = f64([0, 0], [2]);
    const [y, got] = jet((v: T) => sinJ(v), [x], [[one, zero, zero]]);
    await expectClose(y, [Math.sin(0.3), Math.sin(-1.2)], { rtol: 1e-14 });
    for (const [k, d] of [Math.cos, (v: number) => -Math.sin(v), (v: number) => -Math.cos(v)].entries()) await expectClose(got[k]!, [d(0.3), d(-1.2)], { rtol: 1e-13, msg: `term ${k + 1}` });
    await expectClose(jvp((v: T) => sinJ(v), [x], [one])[1], [2 * Math.cos(0.3), 2 * Math.cos(-1.2)], { rtol: 1e-14 });
  });
});

describe("jet follows JAX's convention", () => {
  it("terms are derivatives: exp and sin along [1, 0, 0]", async () => {
    const x = f64([0.3], [1]);
    const one = f64([1], [1]);
    const zero = f64([0], [1]);
    const [, e] = jet(S.exp, [x], [[one, zero, zero]]);
    for (const t of e) await expectClose(t, [Math.exp(0.3)], { rtol: 1e-13 });
    const [, s] = jet(S.sin, [x], [[one, zero, zero, zero]]);
    for (const [k, v] of [Math.cos(0.3), -Math.sin(0.3), -Math.cos(0.3), Math.sin(0.3)].entries()) await expectClose(s[k]!, [v], { rtol: 1e-13 });
    // x(t) = x + t·v + t²/2·w: (f∘x)'' = f''·v² + f'·w
    const [, q] = jet(S.exp, [x], [[f64([2], [1]), f64([3], [1])]]);
    await expectClose(q[1]!, [Math.exp(0.3) * (4 + 3)], { rtol: 1e-13 });
  });
  it("checks its arguments", () => {
    const x = f64([0.3], [1]);
    expect(() => jet(S.exp, [x], [[x], [x]] as never)).toThrow("jet: 1 primals but 2 series");
    expect(() => jet((a: T, b: T) => S.add(a, b), [x, x], [[x], [x, x]])).toThrow("jet: series 0 has 1 terms but series 1 has 2");
    expect(() => jet(S.sin, [0.7] as never, [[1, 0]] as never)).toThrow("jet: primal 0 is a number; pass a tensor (e.g. tensor(0.7))");
  });
});

describe("jet composes", () => {
  const f = (x: T) => S.sum(S.tanh(S.matmul(S.sin(x), f64([0.5, -1, 2, 0.25, 1, -0.5], [2, 3]))));
  const single = (x: T, v: T) => jet(f, [x], [[v, S.zerosLike(v), S.zerosLike(v)]])[1][2]!;
  it("vmap(jet) equals jet per slice", async () => {
    const r = rng(3);
    const xs = randT(r, [4, 2]);
    const vs = randT(r, [4, 2]);
    const got = vmap(single)(xs, vs);
    const want = await mapSeq([0, 1, 2, 3], async (i) => (await settled(single(S.index(xs, i, 0), S.index(vs, i, 0)))).item() as number);
    await expectClose(got, want, { rtol: 1e-10 });
  });
  it("jit(jet) equals jet, traced once", async () => {
    const r = rng(4);
    const x = randT(r, [2]);
    const v = randT(r, [2]);
    const j = jit(single);
    await expectClose(j(x, v), single(x, v), { rtol: 1e-12 });
    await expectClose(j(S.add(x, 1), v), single(S.add(x, 1), v), { rtol: 1e-12 });
    expect(j.traceCount).toBe(1);
  });
  it("the third derivative along v matches nested jvp", async () => {
    const r = rng(5);
    const x = randT(r, [2]);
    const v = randT(r, [2]);
    const want = nestedJvp((t) => f(S.add(x, S.mul(t, v))), 3);
    await expectClose(single(x, v), want, { rtol: 1e-9 });
  });
});

/**
 * Primitives whose Taylor rule is derived from their jvp (Primitive.jet absent): y' = jvp(x, x')
 * has its series one order lower. Exact at every order, and as costly as nested jvp, so it is kept
 * for what a direct recurrence is not worth: rare functions, linear algebra, control flow.
 */
const FROM_JVP: Record<string, string> = {
  pow: "x^y with its x = 0 and y = 0 conventions: exp(y·log x) is wrong at x = 0",
  hypot: "rare; its jvp guards the origin",
  rem: "piecewise, d/dy = -trunc(x/y)",
  reduce_prod: "its jvp is the exact zero-safe product tree",
  scatter: "mode mul is not linear (add and set are)",
  cholesky: "linear algebra: the jvp solves triangular systems",
  triangular_solve: "linear algebra",
  lu: "linear algebra",
  qr: "linear algebra",
  eigh: "linear algebra",
  svd: "linear algebra",
  cond: "control flow: the jvp is a cond of jvp'd branches",
  scan: "control flow: the jvp is a scan of the jvp'd body",
  while: "control flow: the jvp is a loop of the jvp'd body",
  checkpoint: "remat: the derivative of its graph",
  call: "nested jit: the interpreter inlines its graph (src/prims/taylor.ts)",
};

/** Primitives outside Taylor mode's reach, and why. */
const NO_RULE: Record<string, string> = {
  cholesky_host: "only inside cholesky's compiled body (cholesky has custom rules, so jet never enters it)",
  lu_panel: "only inside lu's compiled body",
  lu_host: "only inside lu's compiled body",
};

describe("every primitive has a Taylor rule", () => {
  const dir = new URL("../../src/prims/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
  it("each primitive has `jet`, or is derived from its jvp (or has none) for a stated reason", async () => {
    const mods = await Promise.all(files.map((f) => import(/* @vite-ignore */ `../../src/prims/${f}`)));
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const m of mods) {
      for (const v of Object.values(m as object)) {
        if (!v || typeof v !== "object" || !("abstractEval" in v)) continue;
        const p = v as { name: string; jet?: unknown };
        if (seen.has(p.name)) continue;
        seen.add(p.name);
        const listed = p.name in FROM_JVP || p.name in NO_RULE;
        if (p.jet === undefined && !listed) missing.push(p.name);
        if (p.jet !== undefined && listed) missing.push(`${p.name} (listed but has a rule)`);
      }
    }
    expect(seen.size).toBeGreaterThan(80);
    expect(missing).toEqual([]);
    expect([...Object.keys(FROM_JVP), ...Object.keys(NO_RULE)].filter((n) => !seen.has(n))).toEqual([]);
  });
  it("every primitive object in src/prims is exported (so the test above sees it)", () => {
    // a primitive is a `Prim` object literal (or one built by a factory, which returns it)
    const hidden = files.flatMap((f) => [...readFileSync(new URL(f, dir), "utf8").matchAll(/^const (\w+): Prim\b/gm)].map((m) => `${f}: ${m[1]}`));
    expect(hidden).toEqual([]);
  });
  it("the cases reach the primitives derived from jvp", () => {
    const used = new Set<string>();
    const r = rng(1);
    for (const c of [...EXTRA, ...CASES]) {
      const { args, f } = c.gen(r);
      const walk = (g: sg.Graph) => g.eqns.forEach((e) => used.add(e.prim.name));
      walk(makeGraph(f)(...args));
    }
    const unreached = Object.keys(FROM_JVP).filter((n) => !used.has(n));
    expect(unreached).toEqual([]);
  });
});
