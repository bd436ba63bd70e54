/**
 * The forward Laplacian and the forward Hessian diagonal (nn.laplacian, nn.hessianDiagonal) against
 * the trace and diagonal of `hessian` (forward over reverse), for MLPs with tanh, sin and gelu in
 * d = 1..32, under vmap over a batch and inside jit; nn.higherDerivative against nested jvp.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { expectClose, randT, rng, jvp, vmap, jit, grad, hessian, customJvp, customVjp, scalar64, f64, type Rnd, type T } from "../transforms/helpers.js";
import { float64Suite } from "../harness/backend.js";
import { mapSeq, settled } from "../harness/read.js";

float64Suite();

const S: any = sg;
const nn: any = sg.nn;
type Act = "tanh" | "sin" | "gelu";
const act = (a: Act, x: T): T => (a === "gelu" ? nn.gelu(x) : S[a](x));

/** u(x) = w3 · act(act(x W1 + b1) W2 + b2), a scalar of x: [d]. */
function mlp(r: Rnd, d: number, a: Act, w = 8): (x: T) => T {
  const W1 = S.mul(randT(r, [d, w]), 1 / Math.sqrt(d));
  const b1 = randT(r, [w]);
  const W2 = S.mul(randT(r, [w, w]), 1 / Math.sqrt(w));
  const b2 = randT(r, [w]);
  const w3 = randT(r, [w]);
  return (x) => S.sum(S.mul(act(a, S.add(S.matmul(act(a, S.add(S.matmul(x, W1), b1)), W2), b2)), w3));
}
const trace = (h: T): T => S.trace(h);
const diagonal = (h: T): T => S.diagonal(h);

describe("forward Laplacian = trace of the Hessian (float64)", () => {
  for (const a of ["tanh", "sin", "gelu"] as const) {
    for (const d of [1, 3, 8, 32]) {
      it(`${a}, d = ${d}`, async () => {
        const r = rng(d * 7 + a.length);
        const u = mlp(r, d, a);
        const x = randT(r, [d]);
        const H = hessian(u)(x);
        await expectClose(nn.laplacian(u)(x), trace(H), { rtol: 1e-10, atol: 1e-12 });
        await expectClose(nn.hessianDiagonal(u)(x), diagonal(H), { rtol: 1e-10, atol: 1e-12 });
        if (d <= 8) {
          await expectClose(nn.laplacian(u, { method: "hvp" })(x), trace(H), { rtol: 1e-10, atol: 1e-12 });
          await expectClose(nn.hessianDiagonal(u, { method: "hvp" })(x), diagonal(H), { rtol: 1e-10, atol: 1e-12 });
        }
      });
    }
  }

  it("functions beyond an MLP: products of x-dependent values, div, pow, max, a reduction, a nested jit", async () => {
    const r = rng(5);
    const A = randT(r, [4, 4]);
    const inner = jit((v: T) => S.sin(S.mul(v, v)));
    const fns: [string, (x: T) => T][] = [
      ["x·x and x ⊗ x (bilinear cross terms)", (x) => S.add(S.sum(S.mul(S.tanh(x), S.exp(x))), S.sum(S.matmul(S.matmul(x, A), x)))],
      ["div and pow", (x) => S.sum(S.div(S.sin(x), S.pow(S.add(S.mul(x, x), 1.5), S.add(S.cos(x), 2))))],
      ["max and logsumexp", (x) => S.add(S.max(S.mul(x, x)), S.logsumexp(S.tanh(S.matmul(A, x))))],
      ["a nested jit", (x) => S.sum(S.mul(inner(x), S.sqrt(S.add(S.mul(x, x), 1))))],
      ["prod", (x) => S.prod(S.add(S.tanh(x), 2))],
    ];
    const x = randT(r, [4]);
    for (const [name, u] of fns) {
      const H = hessian(u)(x);
      await expectClose(nn.laplacian(u)(x), trace(H), { rtol: 1e-9, atol: 1e-11, msg: name });
      await expectClose(nn.hessianDiagonal(u)(x), diagonal(H), { rtol: 1e-9, atol: 1e-11, msg: name });
    }
  });

  it("a customVjp function is expanded (as by jet; hessian of it is an error, so the reference is the plain function)", async () => {
    const sinV = customVjp((v) => S.sin(v), (v) => [S.sin(v), S.cos(v)], (c, g) => [S.mul(g, c)]);
    const x = randT(rng(6), [3]);
    const H = hessian((v: T) => S.sum(S.mul(S.sin(v), v)))(x);
    const u = (v: T) => S.sum(S.mul(sinV(v), v));
    await expectClose(nn.laplacian(u)(x), trace(H), { rtol: 1e-10, atol: 1e-12 });
    await expectClose(nn.hessianDiagonal(u)(x), diagonal(H), { rtol: 1e-10, atol: 1e-12 });
  });

  it("a customJvp function is expanded too, its jvp rule aside (as JAX's jet)", async () => {
    // a deliberately different rule (the derivative of sin as 2·cos): the forward pass ignores it
    const sinJ = customJvp((v) => S.sin(v), ([v], [t]) => [S.sin(v!), S.mul(S.mul(S.cos(v!), t!), 2)]);
    const x = randT(rng(6), [3]);
    const H = hessian((v: T) => S.sum(S.mul(S.sin(v), v)))(x);
    const u = (v: T) => S.sum(S.mul(sinJ(v), v));
    await expectClose(nn.laplacian(u)(x), trace(H), { rtol: 1e-10, atol: 1e-12 });
    await expectClose(nn.hessianDiagonal(u)(x), diagonal(H), { rtol: 1e-10, atol: 1e-12 });
  });

  it("a function linear in x has Laplacian 0", async () => {
    const x = f64([1, 2], [2]);
    await expectClose(nn.laplacian((v: T) => S.sum(S.mul(v, 3)))(x), [0]);
    await expectClose(nn.hessianDiagonal((v: T) => S.sum(S.mul(v, 3)))(x), [0, 0]);
  });

  it("under vmap over a batch, and inside jit", async () => {
    const r = rng(9);
    const u = mlp(r, 3, "tanh");
    const xs = randT(r, [5, 3]);
    const want = await mapSeq([0, 1, 2, 3, 4], async (i) => (await settled(trace(hessian(u)(S.index(xs, i, 0))))).item() as number);
    await expectClose(vmap(nn.laplacian(u))(xs), want, { rtol: 1e-10 });
    const j = jit(vmap(nn.laplacian(u)));
    await expectClose(j(xs), want, { rtol: 1e-10 });
    await expectClose(j(S.add(xs, 0)), want, { rtol: 1e-10 });
    expect(j.traceCount).toBe(1);
    const wantDiag = S.stack([0, 1, 2, 3, 4].map((i) => diagonal(hessian(u)(S.index(xs, i, 0)))), 0);
    await expectClose(jit(vmap(nn.hessianDiagonal(u)))(xs), wantDiag, { rtol: 1e-10 });
  });

  it("grad of the forward Laplacian (a PINN's loss) equals grad of the hvp form", async () => {
    const r = rng(10);
    const W = randT(r, [2, 6]);
    const w2 = randT(r, [6]);
    const x = randT(r, [2]);
    const loss = (method: string) => (w: T) => nn.laplacian((v: T) => S.sum(S.mul(S.tanh(S.matmul(v, w)), w2)), { method })(x);
    await expectClose(grad(loss("forward"))(W) as T, grad(loss("hvp"))(W) as T, { rtol: 1e-10 });
  });

  it("checks its method", () => {
    expect(() => nn.laplacian(S.sum, { method: "jet" })).toThrow('laplacian: method must be "forward" or "hvp", got "jet"');
    expect(() => nn.laplacian((x: T) => x)(f64([1, 2], [2]))).toThrow("laplacian: the function must return a scalar, got shape [2]");
    const two = (x: T) => [S.sum(x), S.sum(x)];
    expect(() => nn.laplacian(two)(f64([1, 2], [2]))).toThrow("laplacian: the function must return a scalar, got 2 tensors in a pytree");
    expect(() => nn.laplacian(two, { method: "hvp" })(f64([1, 2], [2]))).toThrow("laplacian: the function must return a scalar, got 2 tensors in a pytree");
    expect(() => nn.hessianDiagonal((x: T) => ({ s: S.sum(x) }))(f64([1, 2], [2]))).toThrow("hessianDiagonal: the function must return a scalar, got 1 tensor in a pytree");
  });
});

describe("higherDerivative: the k-th derivative along a direction by jet", () => {
  it("equals k nested jvps, k = 1..4", async () => {
    const r = rng(12);
    const u = mlp(r, 3, "tanh");
    const x = randT(r, [3]);
    const v = randT(r, [3]);
    for (let k = 1; k <= 4; k++) {
      let h = (t: T) => u(S.add(x, S.mul(t, v)));
      for (let i = 0; i < k; i++) {
        const inner = h;
        h = (t: T) => jvp(inner, [t], [scalar64(1)])[1];
      }
      await expectClose(nn.higherDerivative(u, k)(x, v), h(scalar64(0)), { rtol: 1e-10, atol: 1e-12, msg: `k = ${k}` });
    }
    expect(() => nn.higherDerivative(u, 0)).toThrow("higherDerivative: the order k must be a positive integer, got 0");
  });
  it("a pytree output: each leaf's k-th derivative (hand values)", async () => {
    const f = (x: T) => ({ e: S.exp(x), c: [S.mul(S.mul(x, x), x)] });
    const x = f64([0.4, -1.5], [2]);
    const v = f64([1, 2], [2]);
    const e = Math.exp;
    // d^k/dt^k exp(x + t·v) = v^k e^x; (x + t·v)³: 3x²v, 6x·v², 6v³, 0
    const want = [
      [[e(0.4), 2 * e(-1.5)], [3 * 0.16, 3 * 2.25 * 2]],
      [[e(0.4), 4 * e(-1.5)], [6 * 0.4, 6 * -1.5 * 4]],
      [[e(0.4), 8 * e(-1.5)], [6, 48]],
      [[e(0.4), 16 * e(-1.5)], [0, 0]],
    ];
    for (const [i, [we, wc]] of want.entries()) {
      const got = nn.higherDerivative(f, i + 1)(x, v);
      await expectClose(got.e, we!, { rtol: 1e-13, msg: `exp, k = ${i + 1}` });
      await expectClose(got.c[0], wc!, { rtol: 1e-13, atol: 1e-13, msg: `cube, k = ${i + 1}` });
    }
    const [a, b] = nn.higherDerivative((x: T) => [S.exp(x), S.mul(S.mul(x, x), x)], 2)(scalar64(0.4), scalar64(1));
    await expectClose(a, [e(0.4)], { rtol: 1e-13 });
    await expectClose(b, [2.4], { rtol: 1e-13 });
  });
  it("checks v against x", () => {
    const h = nn.higherDerivative(S.sin, 2);
    expect(() => h(f64([1, 2, 3], [3]), f64([1, 2], [2]))).toThrow("higherDerivative: v has shape [2], but x has shape [3]");
    expect(() => h(f64([1, 2], [2]), sg.tensor([1, 2], [2]))).toThrow("higherDerivative: v has dtype float32, but x has dtype float64");
    expect(() => h(f64([1, 2], [2]), 1)).toThrow("higherDerivative: v must be a tensor shaped like x [2], got number");
    expect(() => nn.higherDerivative(() => 1, 2)(f64([1], [1]), f64([1], [1]))).toThrow("shapegrad: a transformed function must return tensors");
  });
});
