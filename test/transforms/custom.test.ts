/**
 * customJvp, customVjp, checkpoint and linearize: values against closed forms and plain JS,
 * derivatives against float64 central differences, under every transformation they compose with.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { cse, dce, optimize } from "../../src/compile/passes.js";
import { inlineCalls } from "../../src/compile/inline.js";
import type { Graph, Var } from "../../src/ir/graph.js";
import {
  grad,
  valueAndGrad,
  vmap,
  jit,
  jvp,
  vjp,
  hessian,
  makeGraph,
  expectClose,
  fdJacobian,
  errorOf,
  randT,
  rng,
  f64,
  flat,
  scalar64,
  stackAt,
  take,
  type T,
} from "./helpers.js";
import { float64Suite } from "../harness/backend.js";
import { settled, mapSeq } from "../harness/read.js";

// mostly float64 (on gpu.js those graphs run on wasm, by design); the overflow cases are float32
float64Suite();

type AnyFn = (...a: any[]) => any;
const S: any = sg;
const customJvp = sg.customJvp as unknown as (f: AnyFn, rule: AnyFn) => AnyFn;
const customVjp = sg.customVjp as unknown as (f: AnyFn, fwd: AnyFn, bwd: AnyFn) => AnyFn;
const checkpoint = sg.checkpoint as unknown as (f: AnyFn) => AnyFn;
const linearize = sg.linearize as unknown as (f: AnyFn, ...p: unknown[]) => [any, AnyFn];
const TOL = { rtol: 1e-6, atol: 1e-7 };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// ---------------------------------------------------------------- customJvp

// JAX's example: log(1 + exp(x)) differentiated naively is exp(x) / (1 + exp(x)) = inf / inf at
// x = 100 in float32; the rule's form 1 - 1 / (1 + exp(x)) stays finite
const log1pexpNaive = (x: T): T => S.log(S.add(1, S.exp(x)));
const log1pexp = customJvp(log1pexpNaive, ([x]: T[], [t]: T[]) => [log1pexpNaive(x), S.mul(t, S.sub(1, S.div(1, S.add(1, S.exp(x)))))]);

describe("customJvp", () => {
  it("log1pexp: finite gradients at x = 100 where the naive form gives NaN (float32)", async () => {
    const x = sg.tensor(100) as unknown as T;
    expect(Number.isNaN((await flat(grad(log1pexpNaive)(x)))[0])).toBe(true);
    await expectClose(grad(log1pexp)(x), [1]);
    await expectClose(jit(grad(log1pexp))(x), [1]);
    await expectClose(grad(jit(log1pexp))(x), [1]);
    // a jit plan made by a plain call keeps the rule for a later grad of the same jitted function
    const jf = jit(log1pexp);
    await expectClose(jf(sg.tensor(2) as unknown as T), [Math.log1p(Math.exp(2))], { rtol: 1e-6 }); // same signature as x
    await expectClose(grad(jf)(x), [1]);
    const xs = [-5, 0, 0.5, 3, 100];
    await expectClose(vmap(grad(log1pexp))(sg.tensor(xs) as unknown as T), xs.map(sigmoid), { rtol: 1e-6, atol: 1e-7 });
    // the primal value is f's own
    await expectClose(log1pexp(sg.tensor([0, 2]) as unknown as T), [Math.log(2), Math.log1p(Math.exp(2))], { rtol: 1e-6 });
  });

  it("jvp, grad, grad of grad and hessian use the rule (float64, against closed forms)", async () => {
    const r = rng(3);
    const x = randT(r, [4]);
    const xs = await flat(x);
    const [y, t] = jvp(log1pexp, [x], [f64([1, 2, 3, 4], [4])]);
    await expectClose(y, xs.map((v) => Math.log1p(Math.exp(v))), TOL);
    await expectClose(t, xs.map((v, i) => (i + 1) * sigmoid(v)), TOL);
    const s = (v: T) => S.sum(log1pexp(v));
    await expectClose(grad(s)(x), xs.map(sigmoid), TOL);
    // second order differentiates the rule: sigmoid' = s (1 - s)
    const d2 = xs.map((v) => sigmoid(v) * (1 - sigmoid(v)));
    await expectClose(grad((v: T) => S.sum(grad(s)(v)))(x), d2, TOL);
    const H = hessian(s)(x);
    await expectClose(H, xs.flatMap((_, i) => xs.map((_, j) => (i === j ? d2[i]! : 0))), TOL);
    // and against central differences of the naive (equal, and here finite) function
    await expectClose(grad(s)(x), await fdJacobian((v) => S.sum(log1pexpNaive(v)), [x], 0), { rtol: 1e-6, atol: 1e-8 });
  });

  it("reverse mode transposes the rule, not f: a rule with a different tangent is what grad sees", async () => {
    // f = x^2 with the (deliberately different) rule t -> 3t + x t
    const f = customJvp((x: T) => S.mul(x, x), ([x]: T[], [t]: T[]) => [S.mul(x, x), S.add(S.mul(3, t), S.mul(x, t))]);
    const x = f64([1, -2], [2]);
    await expectClose(grad((v: T) => S.sum(f(v)))(x), [4, 1]);
    await expectClose(jvp(f, [x], [f64([1, 1], [2])])[1], [4, 1]);
    const [, back] = vjp(f, x);
    await expectClose(back(f64([2, 10], [2]))[0], [8, 10]);
  });

  it("pytree arguments, several outputs, an int argument, vmap and jit", async () => {
    // f(x, { a, k }) = [sin(x) * a, x + a], with k an int32 scale that has no tangent
    const f = customJvp(
      (x: T, p: { a: T; k: T }) => [S.mul(S.mul(S.sin(x), p.a), S.astype(p.k, "float64")), S.add(x, p.a)],
      ([x, p]: [T, { a: T; k: T }], [tx, tp]: [T, { a: T; k: T }]) => {
        const k = S.astype(p.k, "float64");
        const y0 = S.mul(S.mul(S.sin(x), p.a), k);
        const t0 = S.mul(S.add(S.mul(S.mul(S.cos(x), p.a), tx), S.mul(S.sin(x), tp.a)), k);
        return [[y0, S.add(x, p.a)], [t0, S.add(tx, tp.a)]];
      },
    );
    const r = rng(7);
    const x = randT(r, [3]);
    const a = randT(r, [3]);
    const k = sg.tensor([2, 2, 2], [3], "int32") as unknown as T;
    const loss = (x: T, a: T) => {
      const [y0, y1] = f(x, { a, k });
      return S.sum(S.add(S.mul(y0, y0), y1));
    };
    const naive = (x: T, a: T) => {
      const y0 = S.mul(S.mul(S.sin(x), a), 2);
      return S.sum(S.add(S.mul(y0, y0), S.add(x, a)));
    };
    for (const i of [0, 1]) {
      const want = await fdJacobian(naive, [x, a], i);
      await expectClose(grad(loss, { argnums: i })(x, a), want, TOL);
      await expectClose(jit(grad(loss, { argnums: i }))(x, a), want, TOL);
    }
    // vmap of grad against the stacked per-slice gradients
    const xs = randT(r, [2, 3]);
    const per = [0, 1].map((b) => grad(loss)(take(xs, b, 0), a));
    await expectClose(vmap(grad(loss), { inAxes: [0, null] })(xs, a), stackAt(per, 0), TOL);
    // vmap of the function and of its jvp
    const ys = vmap((x: T) => f(x, { a, k })[0])(xs);
    await expectClose(ys, stackAt([0, 1].map((b) => f(take(xs, b, 0), { a, k })[0]), 0), TOL);
    const tv = vmap((x: T) => jvp((u: T) => f(u, { a, k })[0], [x], [S.onesLike(x)])[1])(xs);
    await expectClose(tv, (await mapSeq((await flat(xs)), async (v, i) => 2 * Math.cos(v) * (await flat(a))[i % 3]!)), TOL);
  });

  it("a value the function closes over gets its derivative from the function", async () => {
    const x = f64([0.5, -1], [2]);
    const loss = (p: T) => {
      const g = customJvp((u: T) => S.mul(S.sin(u), p), ([u]: T[], [t]: T[]) => [S.mul(S.sin(u), p), S.mul(S.mul(S.cos(u), p), t)]);
      return S.sum(S.mul(g(x), g(x)));
    };
    const p = scalar64(1.5);
    await expectClose(grad(loss)(p), await fdJacobian(loss, [p], 0), TOL);
    await expectClose(jvp(loss, [p], [scalar64(1)])[1], await fdJacobian(loss, [p], 0), TOL);
  });

  it("the rule's output structure is checked", () => {
    const bad = customJvp((x: T) => S.sin(x), ([x]: T[], [t]: T[]) => [S.sin(x), S.reshape(t, [1, 2])]);
    expect(errorOf(() => grad((v: T) => S.sum(bad(v)))(f64([1, 2], [2])))).toBe("customJvp: the jvp rule's tangent output: leaf 0 has shape [1, 2], expected [2]");
  });
});

// ---------------------------------------------------------------- customVjp

// the identity whose backward pass clips the cotangent to [-1, 1]
const clipGradient = customVjp(
  (x: T) => x,
  (x: T) => [x, null],
  (_res: null, g: T) => [S.clip(g, -1, 1)],
);
// sin with cos(x) saved as the residual
const sinV = customVjp(
  (x: T) => S.sin(x),
  (x: T) => [S.sin(x), S.cos(x)],
  (c: T, g: T) => [S.mul(g, c)],
);

describe("customVjp", () => {
  it("gradient clipping: grad, vjp, vmap and jit use bwd", async () => {
    const x = f64([1, -2, 3], [3]);
    const loss = (v: T) => S.sum(S.mul(clipGradient(v), f64([5, 0.5, -4], [3])));
    await expectClose(clipGradient(x), x);
    await expectClose(grad(loss)(x), [1, 0.5, -1]);
    await expectClose(jit(grad(loss))(x), [1, 0.5, -1]);
    await expectClose(grad(jit(loss))(x), [1, 0.5, -1]);
    const jl = jit(loss);
    jl(x);
    await expectClose(grad(jl)(x), [1, 0.5, -1]);
    await expectClose(vmap(grad((v: T) => S.mul(clipGradient(v), 7)))(x), [1, 1, 1]);
    const [, back] = vjp(clipGradient, x);
    await expectClose(back(f64([3, -0.25, -9], [3]))[0], [1, -0.25, -1]);
  });

  it("residuals, reverse over reverse and vmap with an unbatched argument (float64)", async () => {
    const x = randT(rng(11), [4]);
    const xs = await flat(x);
    const s = (v: T) => S.sum(sinV(v));
    await expectClose(sinV(x), xs.map(Math.sin), TOL);
    await expectClose(grad(s)(x), xs.map(Math.cos), TOL);
    // grad of grad differentiates fwd and bwd: d/dx cos(x) = -sin(x)
    await expectClose(grad((v: T) => S.sum(grad(s)(v)))(x), xs.map((v) => -Math.sin(v)), TOL);
    // f(w, x) = w * x with bwd [g x, g w]; w is not mapped, so its cotangent sums over the batch
    const wx = customVjp(
      (w: T, u: T) => S.mul(w, u),
      (w: T, u: T) => [S.mul(w, u), [w, u]],
      ([w, u]: [T, T], g: T) => [S.mul(g, u), S.mul(g, w)],
    );
    const w = scalar64(1.5);
    const batched = (w: T, x: T) => S.sum(vmap((u: T) => wx(w, u), { inAxes: 0 })(x));
    const both = grad(batched, { argnums: [0, 1] })(w, x) as T[];
    await expectClose(both[0]!, [xs.reduce((a, b) => a + b, 0)], TOL);
    await expectClose(both[1]!, xs.map(() => 1.5), TOL);
    await expectClose(vmap(grad((w: T, u: T) => wx(w, u)), { inAxes: [null, 0] })(w, x), xs, TOL);
    await expectClose(jit(grad(batched))(w, x), [xs.reduce((a, b) => a + b, 0)], TOL);
  });

  it("forward mode is an error, as JAX's custom_vjp", () => {
    const msg = "customVjp: can't apply forward-mode autodiff (jvp) to a customVjp function (custom_vjp), as JAX's custom_vjp; use customJvp for forward mode";
    expect(errorOf(() => jvp(sinV, [scalar64(1)], [scalar64(1)]))).toBe(msg);
    expect(errorOf(() => hessian((v: T) => S.sum(sinV(v)))(f64([1, 2], [2])))).toBe(msg);
  });

  it("bwd's cotangents are checked against the primals", () => {
    const bad = customVjp(
      (x: T) => S.sin(x),
      (x: T) => [S.sin(x), x],
      (_x: T, g: T) => [S.reshape(g, [2, 1])],
    );
    expect(errorOf(() => grad((v: T) => S.sum(bad(v)))(f64([1, 2], [2])))).toBe("customVjp: bwd returns a cotangent of shape [2, 1] for argument 0, which has shape [2]");
  });
});

// ---------------------------------------------------------------- checkpoint

/** An MLP of tanh layers on x, parameters w: [layers, 3, 3]. */
const LAYERS = 4;
function mlp(w: T, x: T): T {
  let h = x;
  for (let i = 0; i < LAYERS; i++) h = S.tanh(S.matmul(h, S.index(w, i, 0)));
  return S.sum(S.mul(h, h));
}

/**
 * The values the backward pass of vjp(f) reads from the forward pass: traced intermediates (not
 * inputs, not constants) that the cotangent's computation uses without depending on it.
 */
function residualCount(f: AnyFn, ...args: T[]): number {
  const g: Graph = makeGraph((...a: T[]) => {
    const [, back] = vjp(f, ...a.slice(0, -1));
    return back(a[a.length - 1]!);
  })(...args, scalar64(1));
  const ct = g.inputs[g.inputs.length - 1]!;
  const backward = new Set<Var>([ct]);
  for (const e of g.eqns) if (e.inputs.some((v) => backward.has(v))) backward.add(e.out);
  const outside = new Set<Var>([...g.inputs, ...g.consts.map((c) => c.v)]);
  const saved = new Set<Var>();
  for (const e of g.eqns) if (backward.has(e.out)) for (const v of e.inputs) if (!backward.has(v) && !outside.has(v)) saved.add(v);
  return saved.size;
}

describe("checkpoint", () => {
  const r = rng(5);
  const w = randT(r, [LAYERS, 3, 3], "unit");
  const x = randT(r, [2, 3]);
  const cm = checkpoint(mlp);

  it("the same values and gradients, against central differences (float64)", async () => {
    await expectClose(cm(w, x), mlp(w, x), { rtol: 0, atol: 0 });
    for (const i of [0, 1]) {
      const want = await fdJacobian(mlp, [w, x], i);
      await expectClose(grad(cm, { argnums: i })(w, x), want, TOL);
      await expectClose(grad(mlp, { argnums: i })(w, x), want, TOL);
      await expectClose(jit(grad(cm, { argnums: i }))(w, x), want, TOL);
    }
    await expectClose(jvp(cm, [w, x], [S.onesLike(w), S.onesLike(x)])[1], jvp(mlp, [w, x], [S.onesLike(w), S.onesLike(x)])[1], TOL);
    // second order and vmap
    const small = (v: T) => cm(w, S.reshape(v, [2, 3]));
    await expectClose(hessian(small)(S.reshape(x, [6])), hessian((v: T) => mlp(w, S.reshape(v, [2, 3])))(S.reshape(x, [6])), TOL);
    const xs = randT(r, [2, 2, 3]);
    await expectClose(vmap(grad(cm), { inAxes: [null, 0] })(w, xs), stackAt([0, 1].map((b) => grad(mlp)(w, take(xs, b, 0))), 0), TOL);
  });

  it("reverse mode keeps only the inputs: fewer residuals than without checkpoint", async () => {
    const without = residualCount(mlp, w, x);
    const withCp = residualCount(cm, w, x);
    // without: at least each layer's activation; with: none besides the inputs themselves
    expect(without).toBeGreaterThanOrEqual(LAYERS);
    expect(withCp).toBe(0);
    // checkpointing one layer at a time keeps one value per layer boundary
    const layer = checkpoint((h: T, wi: T) => S.tanh(S.matmul(h, wi)));
    const perLayer = (w: T, x: T) => {
      let h = x;
      for (let i = 0; i < LAYERS; i++) h = layer(h, S.index(w, i, 0));
      return S.sum(S.mul(h, h));
    };
    expect(residualCount(perLayer, w, x)).toBeLessThan(without);
    await expectClose(grad(perLayer)(w, x), grad(mlp)(w, x), TOL);
  });

  it("the optimiser keeps the recomputation (an optimisation barrier stops CSE merging it)", () => {
    // optimised as jit does, then inlined as the compile does, then CSE again
    const tanhs = (f: AnyFn) => dce(cse(inlineCalls(optimize(makeGraph(valueAndGrad(f))(w, x)), true))).eqns.filter((e) => e.prim.name === "tanh").length;
    expect(tanhs(mlp)).toBe(LAYERS);
    expect(tanhs(cm)).toBe(2 * LAYERS);
  });
});

// ---------------------------------------------------------------- linearize

describe("linearize", () => {
  it("equals jvp at the primals, for several tangents, pytrees and under jit", async () => {
    const r = rng(9);
    const f = (x: T, p: { a: T }) => [S.mul(S.sin(x), p.a), S.sum(S.exp(x))];
    const x = randT(r, [3]);
    const a = randT(r, [3]);
    const [out, jf] = linearize(f, x, { a });
    const want = f(x, { a });
    await expectClose(out[0], want[0], { rtol: 0, atol: 0 });
    await expectClose(out[1], want[1], { rtol: 0, atol: 0 });
    for (let k = 0; k < 3; k++) {
      const tx = randT(r, [3]);
      const ta = randT(r, [3]);
      const [, tw] = jvp(f, [x, { a }], [tx, { a: ta }]);
      const tg = jf(tx, { a: ta });
      await expectClose(tg[0], tw[0], TOL);
      await expectClose(tg[1], tw[1], TOL);
    }
    // inside jit and grad
    const g = jit((x: T, t: T) => linearize((u: T) => S.sin(S.mul(u, u)), x)[1](t));
    await expectClose(g(x, S.onesLike(x)), (await flat(x)).map((v) => 2 * v * Math.cos(v * v)), TOL);
    const d = grad((x: T) => S.sum(linearize((u: T) => S.sin(u), x)[1](S.onesLike(x))))(x);
    await expectClose(d, (await flat(x)).map((v) => -Math.sin(v)), TOL);
    expect(errorOf(() => jf(x))).toBe("linearize: the jvp function takes 2 tangents (one per primal), got 1");
  });
});

describe("customJvp with a number argument", () => {
  float64Suite();
  it("a number is a constant: its tangent in the rule is 0, so jvp, jacfwd and grad agree", async () => {
    const f = customJvp(
      (a: T, k: number) => S.mul(a, k),
      ([a, k]: [T, number], [ta, tk]: [T, number]) => [S.mul(a, k), S.add(S.mul(ta, k), S.mul(a, tk))],
    );
    const x = sg.tensor([1, 2, 3], "float64");
    expect(Array.from(await jvp((a: T) => f(a, 2), [x], [S.onesLike(x)])[1].data())).toEqual([2, 2, 2]);
    expect((await settled(S.jacfwd((a: T) => f(a, 2))(x))).toArray()).toEqual([[2, 0, 0], [0, 2, 0], [0, 0, 2]]);
    expect(Array.from(await S.grad((a: T) => S.sum(f(a, 2)))(x).data())).toEqual([2, 2, 2]);
  });
});

describe("the final compile optimises custom functions with their surroundings", () => {
  it("valueAndGrad of a customVjp computes the forward's exp once", async () => {
    const { programOf } = await import("../../src/runtime/execute.js");
    const { topo } = await import("../../src/ir/kernel.js");
    const f = customVjp(
      (x: T) => S.sin(S.exp(x)),
      (x: T) => [S.sin(S.exp(x)), x],
      (x: T, ct: T) => [S.mul(ct, S.mul(S.cos(S.exp(x)), S.exp(x)))],
    );
    const g = optimize(sg.makeGraph(sg.valueAndGrad((x: T) => S.sum(f(x))) as AnyFn)(sg.tensor([0.5, 1, 2])));
    const exps = programOf(g).kernels.flatMap((k) => ("expr" in k ? topo(k.expr).filter((e) => e.op === "exp") : []));
    // f's exp and bwd's exp of the same x: one value, computed in one kernel
    expect(exps.length).toBe(1);
  });
});
