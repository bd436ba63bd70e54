/**
 * jacobian / jacfwd / jacrev / hessian with respect to a pytree, and of a pytree output (issue 14):
 * as JAX, a tree like the output whose leaves are trees like the input, each block of shape
 * [...out leaf, ...in leaf]. Checked against central differences and hand formulas.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { jacobian, jacfwd, jacrev, hessian, jit, expectClose, fdJacobian, randT, rng, flat, f64, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

const S: any = sg;
interface Params {
  w: T;
  b: T;
}
const r = rng(7);
const params: Params = { w: randT(r, [2, 3]), b: randT(r, [3]) };
const x = randT(r, [4, 2]);
const model = (p: Params, xb: T): T => S.tanh(S.add(S.matmul(xb, p.w), p.b));

/** Central-difference blocks of model with respect to each leaf of params. */
const fdBlocks = async () => ({
  w: await fdJacobian((w: T) => model({ ...params, w }, x), [params.w], 0),
  b: await fdJacobian((b: T) => model({ ...params, b }, x), [params.b], 0),
});

describe("jacobians of and with respect to pytrees", () => {
  for (const [name, jac] of [["jacobian", jacobian], ["jacfwd", jacfwd], ["jacrev", jacrev]] as const) {
    it(`${name} with respect to {w, b}: {w: [4, 3, 2, 3], b: [4, 3, 3]} against central differences`, async () => {
      const j = jac(model)(params, x) as Params;
      expect(Object.keys(j).sort()).toEqual(["b", "w"]);
      expect(j.w.shape).toEqual([4, 3, 2, 3]);
      expect(j.b.shape).toEqual([4, 3, 3]);
      const fd = await fdBlocks();
      await expectClose(j.w, fd.w, { rtol: 1e-6, atol: 1e-8 });
      await expectClose(j.b, fd.b, { rtol: 1e-6, atol: 1e-8 });
    });
  }

  it("a pytree output: a tree like it, each leaf the Jacobian of that output", async () => {
    const v = f64([0.5, -1, 2], [3]);
    const both = (a: T) => ({ sq: S.mul(a, a), total: S.sum(a) });
    for (const jac of [jacobian, jacfwd]) {
      const j = jac(both)(v) as { sq: T; total: T };
      // d(a*a)/da = diag(2a); d(sum a)/da = ones
      await expectClose(j.sq, [1, 0, 0, 0, -2, 0, 0, 0, 4]);
      await expectClose(j.total, [1, 1, 1]);
    }
  });

  it("output tree outside, input tree inside (jacrev of {y, s} with respect to {w, b})", async () => {
    const f = (p: Params) => ({ y: model(p, x), s: S.sum(p.b) });
    const j = jacrev(f)(params) as { y: Params; s: Params };
    const fd = await fdBlocks();
    await expectClose(j.y.w, fd.w, { rtol: 1e-6, atol: 1e-8 });
    await expectClose(j.y.b, fd.b, { rtol: 1e-6, atol: 1e-8 });
    await expectClose(j.s.w, new Array(6).fill(0));
    await expectClose(j.s.b, [1, 1, 1]);
  });

  it("hessian with respect to a tuple [v, M] of v·(M v): the four blocks by hand", async () => {
    const v = f64([0.5, -1, 2], [3]);
    const m = randT(r, [3, 3]);
    const f = (p: [T, T]) => S.sum(S.mul(p[0], S.matmul(p[1], p[0])));
    const h = hessian(f)([v, m]) as [[T, T], [T, T]];
    const vs = await flat(v);
    const ms = await flat(m);
    const n = 3;
    // d²/dv dv = M + Mᵀ; d²/dv_i dM_jk = δij v_k + δik v_j; d²/dM dM = 0
    const hvv = Array.from({ length: n * n }, (_, t) => ms[t]! + ms[(t % n) * n + Math.floor(t / n)]!);
    const hvm: number[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) hvm.push((i === j ? vs[k]! : 0) + (i === k ? vs[j]! : 0));
    // the [M][v] block is the transpose arrangement: [j, k, i]
    const hmv: number[] = [];
    for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) hmv.push((i === j ? vs[k]! : 0) + (i === k ? vs[j]! : 0));
    expect(h[0][1].shape).toEqual([3, 3, 3]);
    expect(h[1][1].shape).toEqual([3, 3, 3, 3]);
    await expectClose(h[0][0], hvv, { rtol: 1e-9, atol: 1e-9 });
    await expectClose(h[0][1], hvm, { rtol: 1e-9, atol: 1e-9 });
    await expectClose(h[1][0], hmv, { rtol: 1e-9, atol: 1e-9 });
    await expectClose(h[1][1], new Array(81).fill(0));
  });

  it("hessian with respect to {w, b}: each block against central differences of the gradient's leaves", async () => {
    const loss = (p: Params) => S.sum(model(p, x));
    const h = hessian(loss)(params) as { w: Params; b: Params };
    // an independent gradient: central differences of the loss, leaf by leaf
    const fdGrad = (p: Params, leaf: "w" | "b"): Promise<T> => fdJacobian((t: T) => loss({ ...p, [leaf]: t }), [p[leaf]], 0, 1e-4);
    const blocks = { w: h.w, b: h.b };
    for (const outer of ["w", "b"] as const) {
      for (const inner of ["w", "b"] as const) {
        // d/d inner of (d loss/d outer), by differences of differences: column k of the block is
        // (fdGrad at inner_k + s) - (fdGrad at inner_k - s) over 2s, s as fdJacobian steps
        const x0 = await flat(params[inner]);
        const n = x0.length;
        const m = params[outer].shape.reduce((a, b) => a * b, 1);
        const fd = new Float64Array(m * n);
        for (let k = 0; k < n; k++) {
          const step = 1e-3 * Math.max(1, Math.abs(x0[k]!));
          const at = async (dv: number) => {
            const d = Float64Array.from(x0);
            d[k]! += dv;
            return flat(await fdGrad({ ...params, [inner]: f64(d, params[inner].shape) }, outer));
          };
          const gp = await at(step);
          const gm = await at(-step);
          for (let o = 0; o < m; o++) fd[o * n + k] = (gp[o]! - gm[o]!) / (2 * step);
        }
        await expectClose(blocks[outer][inner], f64(fd, [...params[outer].shape, ...params[inner].shape]), { rtol: 1e-4, atol: 1e-6 });
      }
    }
  });

  it("under jit, the same blocks", async () => {
    const j = jit((p: Params, xb: T) => jacobian(model)(p, xb))(params, x) as Params;
    const fd = await fdBlocks();
    await expectClose(j.w, fd.w, { rtol: 1e-6, atol: 1e-8 });
    await expectClose(j.b, fd.b, { rtol: 1e-6, atol: 1e-8 });
  });

  it("a non-float leaf is refused, named by its path", () => {
    const ix = sg.tensor([1, 2, 3], [3], "int32") as unknown as T;
    expect(() => jacobian((p: [T, T]) => p[0])([f64([1, 2, 3], [3]), ix])).toThrow(
      "jacobian: argument 0[1] has dtype int32; jacobian requires float inputs (convert it with astype, or leave it out of argnums)",
    );
  });
});
