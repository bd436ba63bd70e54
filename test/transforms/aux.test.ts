/**
 * hasAux: grad / valueAndGrad with `hasAux: true` and vjpWithAux. The gradients are checked
 * against float64 central differences of the loss alone, aux against plain JS loops; aux is
 * returned as it is (static leaves too), not differentiated, and composes with vmap and jit.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { vmap, jit, expectClose, fdJacobian, randT, rng, flat, f64, errorOf, stackAt, take, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";
import { reduceSeq, mapSeq } from "../harness/read.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

type AnyFn = (...a: any[]) => any;
const S: any = sg;
const grad = sg.grad as unknown as (f: AnyFn, opts?: { argnums?: number | readonly number[]; hasAux?: boolean }) => AnyFn;
const valueAndGrad = sg.valueAndGrad as unknown as (f: AnyFn, opts?: { argnums?: number | readonly number[]; hasAux?: boolean }) => AnyFn;
const vjpWithAux = sg.vjpWithAux as unknown as (f: AnyFn, ...primals: unknown[]) => [any, (ct: unknown) => any[], any];
const TOL = { rtol: 1e-6, atol: 1e-8 };

// loss(x, y) = Σ sin(x)·y; aux = { sq: x², k: 2 } (k a static leaf)
const lossOnly = (x: T, y: T): T => S.sum(S.mul(S.sin(x), y));
const withAux = (x: T, y: T) => [lossOnly(x, y), { sq: S.mul(x, x), k: 2 }];
const jsLoss = async (x: T, y: T) => (await reduceSeq((await flat(x)), async (s, v, i) => s + Math.sin(v) * (await flat(y))[i]!, 0));
const jsSq = async (x: T) => (await flat(x)).map((v) => v * v);

describe("hasAux", () => {
  const r = rng(7);
  const x = randT(r, [2, 3]);
  const y = randT(r, [2, 3]);

  it("grad returns [grads, aux]", async () => {
    const [g, aux] = grad(withAux, { hasAux: true })(x, y);
    await expectClose(g, await fdJacobian(lossOnly, [x, y], 0), TOL);
    await expectClose(aux.sq, await jsSq(x), { rtol: 1e-15 });
    expect(aux.k).toBe(2);
    // with argnums as a list
    const [gs, aux2] = grad(withAux, { argnums: [0, 1], hasAux: true })(x, y);
    await expectClose(gs[0], await fdJacobian(lossOnly, [x, y], 0), TOL);
    await expectClose(gs[1], await fdJacobian(lossOnly, [x, y], 1), TOL);
    await expectClose(aux2.sq, await jsSq(x), { rtol: 1e-15 });
  });

  it("valueAndGrad returns [[value, aux], grads]", async () => {
    const [[v, aux], g] = valueAndGrad(withAux, { hasAux: true })(x, y);
    await expectClose(v, [await jsLoss(x, y)], { rtol: 1e-12 });
    await expectClose(aux.sq, await jsSq(x), { rtol: 1e-15 });
    await expectClose(g, await fdJacobian(lossOnly, [x, y], 0), TOL);
  });

  it("aux gets no cotangent: the gradient is the loss's alone", async () => {
    // aux depends on x strongly; grads must not change when it is returned
    const [g] = grad((a: T) => [S.sum(S.sin(a)), S.mul(S.exp(a), 100)], { hasAux: true })(x);
    await expectClose(g, await fdJacobian((a: T) => S.sum(S.sin(a)), [x], 0), TOL);
  });

  it("vjpWithAux returns [output, vjpFn, aux]", async () => {
    const f = (a: T, b: T) => S.mul(S.sin(a), b);
    const [out, back, aux] = vjpWithAux((a: T, b: T) => [f(a, b), { s: S.sum(a) }], x, y);
    await expectClose(out, (await mapSeq((await flat(x)), async (v, i) => Math.sin(v) * (await flat(y))[i]!)), { rtol: 1e-12 });
    await expectClose(aux.s, [(await flat(x)).reduce((s, v) => s + v, 0)], { rtol: 1e-12 });
    const ct = randT(r, [2, 3]);
    const [ca, cb] = back(ct);
    // vjp = Jᵀ·ct, with J from central differences
    const Ja = await flat(await fdJacobian(f, [x, y], 0));
    const Jb = await flat(await fdJacobian(f, [x, y], 1));
    const n = 6;
    const jt = async (J: number[]) => (await mapSeq(Array.from({ length: n }), async (_, k) => (await flat(ct)).reduce((s, c, o) => s + c * J[o * n + k]!, 0)));
    await expectClose(ca, await jt(Ja), TOL);
    await expectClose(cb, await jt(Jb), TOL);
  });

  // outer(x) = [Σ w·grad(inner)(x), grad(inner)(x)] with inner = Σ sin: loss Σ w·cos(x), aux cos(x)
  const w = randT(rng(3), [3]);
  const inner = (a: T) => S.sum(S.sin(a));
  const outer = (a: T) => {
    const gi = grad(inner)(a);
    return [S.sum(S.mul(w, gi)), gi];
  };
  const outerLoss = (a: T) => S.sum(S.mul(w, S.cos(a)));

  it("grad of grad with hasAux on the outer", async () => {
    const a = randT(rng(4), [3]);
    const [g, aux] = grad(outer, { hasAux: true })(a);
    await expectClose(g, await fdJacobian(outerLoss, [a], 0), TOL);
    await expectClose(aux, (await flat(a)).map(Math.cos), { rtol: 1e-12 });
  });

  it("under vmap and jit", async () => {
    const as = randT(rng(5), [4, 3]);
    const g = grad(outer, { hasAux: true });
    const [vg, vaux] = vmap(g)(as);
    const slices = [0, 1, 2, 3].map((i) => g(take(as, i, 0)));
    await expectClose(vg, stackAt(slices.map((s) => s[0]), 0), { rtol: 1e-12 });
    await expectClose(vaux, stackAt(slices.map((s) => s[1]), 0), { rtol: 1e-12 });
    const jg = jit(valueAndGrad(outer, { hasAux: true }));
    const a = take(as, 0, 0);
    const [[v, aux], gr] = jg(a);
    await expectClose(v, [(await reduceSeq((await flat(a)), async (s, t, i) => s + (await flat(w))[i]! * Math.cos(t), 0))], { rtol: 1e-12 });
    await expectClose(aux, (await flat(a)).map(Math.cos), { rtol: 1e-12 });
    await expectClose(gr, await fdJacobian(outerLoss, [a], 0), TOL);
    const [vj] = vmap(jit(g))(as);
    await expectClose(vj, vg, { rtol: 1e-12 });
  });

  it("an outer transformation differentiates aux as an ordinary output", async () => {
    // d/dx Σ aux where aux = x² inside an inner grad with hasAux: 2x
    const a = randT(rng(6), [3]);
    const h = (t: T) => S.sum(grad((u: T) => [S.sum(u), S.mul(u, u)], { hasAux: true })(t)[1]);
    await expectClose(grad(h)(a), await fdJacobian(h, [a], 0), TOL);
  });

  it("errors name the problem", () => {
    const a = f64([1, 2, 3], [3]);
    expect(errorOf(() => grad((t: T) => S.sum(t), { hasAux: true })(a))).toBe(
      "grad: with hasAux the function must return a pair [loss, aux], but it returns Tensor<[], float64>",
    );
    expect(errorOf(() => valueAndGrad((t: T) => [S.sum(t), t, t], { hasAux: true })(a))).toBe(
      "valueAndGrad: with hasAux the function must return a pair [loss, aux], but it returns an array of 3",
    );
    expect(errorOf(() => grad((t: T) => [S.sin(t), t], { hasAux: true })(a))).toBe(
      "grad: with hasAux the loss (the first element of [loss, aux]) must be a scalar Tensor<[]>, but it is Tensor<[3], float64>; reduce it with sum/mean",
    );
    expect(errorOf(() => vjpWithAux((t: T) => S.sin(t), a))).toBe(
      "vjp: with hasAux the function must return a pair [output, aux], but it returns Tensor<[3], float64>",
    );
  });
});
