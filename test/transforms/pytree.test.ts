/**
 * Pytrees: gradients with respect to objects and arrays of parameters come back in the same
 * structure and shapes; argnums lists; valueAndGrad.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { grad, valueAndGrad, vmap, jit, hessian, expectClose, fdJacobian, randT, rng, f64, flat, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

const S: any = sg;

interface Params {
  w: T;
  b: T;
}
const r = rng(42);
const params: Params = { w: randT(r, [3, 2]), b: randT(r, [2]) };
const x = randT(r, [4, 3]);
const y = randT(r, [4, 2]);
const loss = (p: Params, x: T, y: T) => S.mean(S.square(S.sub(S.tanh(S.add(S.matmul(x, p.w), p.b)), y)));

describe("pytrees", () => {
  it("grad with respect to {w, b} returns {w, b} with the same shapes", async () => {
    const g = grad(loss)(params, x, y) as Params;
    expect(Object.keys(g).sort()).toEqual(["b", "w"]);
    expect(g.w.shape).toEqual([3, 2]);
    expect(g.b.shape).toEqual([2]);
    expect(g.w.dtype).toBe("float64");
    // against finite differences, leaf by leaf
    await expectClose(g.w, await fdJacobian((w: T) => loss({ w, b: params.b }, x, y), [params.w], 0), { rtol: 1e-6, atol: 1e-8 });
    await expectClose(g.b, await fdJacobian((b: T) => loss({ w: params.w, b }, x, y), [params.b], 0), { rtol: 1e-6, atol: 1e-8 });
  });

  it("argnums [0, 1] returns a list of gradients; argnums 1 a single one", async () => {
    const [gp, gx] = grad(loss, { argnums: [0, 1] })(params, x, y) as [Params, T];
    expect(Object.keys(gp).sort()).toEqual(["b", "w"]);
    expect(gx.shape).toEqual([4, 3]);
    await expectClose(gx, await fdJacobian((xx: T) => loss(params, xx, y), [x], 0), { rtol: 1e-6, atol: 1e-8 });
    await expectClose(grad(loss, { argnums: 1 })(params, x, y), gx, { rtol: 1e-14 });
    const [gy, gp2] = grad(loss, { argnums: [2, 0] })(params, x, y) as [T, Params];
    expect(gy.shape).toEqual([4, 2]);
    await expectClose(gp2.w, gp.w, { rtol: 1e-14 });
  });

  it("valueAndGrad returns [value, grad] in one pass", async () => {
    const [v, g] = valueAndGrad(loss)(params, x, y) as [T, Params];
    expect(v.shape).toEqual([]);
    await expectClose(v, loss(params, x, y), { rtol: 1e-14 });
    await expectClose(g.w, (grad(loss)(params, x, y) as Params).w, { rtol: 1e-14 });
    const [v2, [g0, g1]] = valueAndGrad(loss, { argnums: [0, 1] })(params, x, y) as [T, [Params, T]];
    await expectClose(v2, v, { rtol: 1e-14 });
    expect(g0.b.shape).toEqual([2]);
    expect(g1.shape).toEqual([4, 3]);
  });

  it("nested arrays and objects, with static leaves kept as they are", async () => {
    const tree = { layers: [{ w: f64([1, 2], [2]) }, { w: f64([3], [1]) }], scale: 2, name: "net" };
    const f = (t: typeof tree) => S.mul(S.add(S.sum(S.square(t.layers[0]!.w)), S.sum(S.pow(t.layers[1]!.w, 3))), t.scale);
    const g = grad(f)(tree) as typeof tree;
    expect(g.layers.length).toBe(2);
    await expectClose(g.layers[0]!.w, [4, 8]);
    await expectClose(g.layers[1]!.w, [54]);
    expect(g.scale).toBe(2);
    expect(g.name).toBe("net");
  });

  it("a training step: jit(valueAndGrad) over params, then a tree update", async () => {
    const step = jit((p: Params, x: T, y: T) => {
      const [l, g] = valueAndGrad(loss)(p, x, y) as [T, Params];
      return { loss: l, p: { w: S.sub(p.w, S.mul(g.w, 0.5)), b: S.sub(p.b, S.mul(g.b, 0.5)) } };
    });
    let p = params;
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const out = step(p, x, y) as { loss: T; p: Params };
      losses.push((await flat(out.loss))[0]!);
      p = out.p;
    }
    expect(step.traceCount).toBe(1);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
  });

  it("per-example gradients: vmap(grad) with params unmapped", async () => {
    const one = (p: Params, xi: T, yi: T) => loss(p, S.expandDims(xi, 0), S.expandDims(yi, 0));
    const per = vmap(grad(one), { inAxes: [null, 0, 0] })(params, x, y) as Params;
    expect(per.w.shape).toEqual([4, 3, 2]);
    expect(per.b.shape).toEqual([4, 2]);
    // their mean is the full-batch gradient (loss is a mean over examples)
    const full = grad(loss)(params, x, y) as Params;
    await expectClose(S.mean(per.w, 0), full.w, { rtol: 1e-12, atol: 1e-14 });
    await expectClose(S.mean(per.b, 0), full.b, { rtol: 1e-12, atol: 1e-14 });
  });

  it("hessian with respect to one argument of several", async () => {
    const f = (a: T, b: T) => S.sum(S.mul(S.pow(a, 3), b));
    const a = f64([1, 2], [2]);
    const b = f64([3, 5], [2]);
    await expectClose(hessian(f)(a, b), [18, 0, 0, 60]);
    await expectClose(hessian(f, { argnums: 1 })(a, b), [0, 0, 0, 0]);
  });
});
