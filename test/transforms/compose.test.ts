/**
 * Composition to any order: fourth derivatives against closed forms, Hessians by every mode,
 * vmap/jit/grad in every nesting, closures over outer traced values, perturbation confusion.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import { grad, valueAndGrad, vmap, jit, jvp, vjp, jacfwd, jacrev, hessian, expectClose, fdJacobian, randT, rng, f64, scalar64, flat, take, stackAt, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

const S: any = sg;

const nth = (f: (x: T) => T, n: number, d: (g: any) => any = grad) => {
  let g: any = f;
  for (let i = 0; i < n; i++) g = d(g);
  return g as (x: T) => T;
};

describe("higher derivatives against closed forms", () => {
  const xs = [-1.3, -0.4, 0, 0.7, 2.1];
  const cases: [string, (x: T) => T, (x: number) => number[]][] = [
    ["sin", (x) => S.sin(x), (x) => [Math.sin(x), Math.cos(x), -Math.sin(x), -Math.cos(x), Math.sin(x)]],
    ["exp", (x) => S.exp(x), (x) => [0, 1, 2, 3, 4].map(() => Math.exp(x))],
    ["x^5", (x) => S.pow(x, 5), (x) => [x ** 5, 5 * x ** 4, 20 * x ** 3, 60 * x ** 2, 120 * x]],
    ["x^5 (tensor exponent, x > 0)", (x) => S.pow(S.abs(x), f64([5], [])), (x) => [5, 4, 3, 2, 1].map((_, k) => [1, 5, 20, 60, 120][k]! * Math.abs(x) ** (5 - k) * (k % 2 === 1 && x < 0 ? -1 : 1))],
    ["1/x", (x) => S.reciprocal(S.add(x, 3)), (x) => [1, -1, 2, -6, 24].map((c, k) => c / (x + 3) ** (k + 1))],
  ];
  for (const [name, f, want] of cases) {
    it(`derivatives 1-4 of ${name}: grad^n, jacfwd^n, jacrev^n and mixed`, async () => {
      for (const x0 of xs) {
        if (name.includes("tensor exponent") && x0 === 0) continue;
        const x = scalar64(x0);
        const w = want(x0);
        for (let n = 1; n <= 4; n++) {
          await expectClose(nth(f, n)(x), [w[n]!], { rtol: 1e-10, atol: 1e-10, msg: `${name} grad^${n} at ${x0}` });
          await expectClose(nth(f, n, jacfwd)(x), [w[n]!], { rtol: 1e-10, atol: 1e-10, msg: `${name} jacfwd^${n} at ${x0}` });
          await expectClose(nth(f, n, jacrev)(x), [w[n]!], { rtol: 1e-10, atol: 1e-10, msg: `${name} jacrev^${n} at ${x0}` });
        }
        // mixed: forward over reverse over forward over reverse
        const mixed = jacfwd(grad(jacfwd(grad(f))));
        await expectClose(mixed(x), [w[4]!], { rtol: 1e-10, atol: 1e-10, msg: `${name} mixed 4th at ${x0}` });
        // hessian of the hessian's entry
        await expectClose(hessian((z: T) => hessian(f)(z))(x), [w[4]!], { rtol: 1e-10, atol: 1e-10 });
      }
    });
  }

  it("fourth derivatives elementwise under vmap(vmap(grad^4))", async () => {
    const x = f64([0.1, 0.5, -0.7, 1.2], [2, 2]);
    const g4 = vmap(vmap(nth((z) => S.sin(z), 4)));
    await expectClose(g4(x), (await flat(x)).map(Math.sin), { rtol: 1e-12 });
    const p4 = vmap(vmap(nth((z) => S.pow(z, 5), 4)));
    await expectClose(p4(x), (await flat(x)).map((v) => 120 * v), { rtol: 1e-12 });
  });

  it("third-order tensor of a multivariate function: jacfwd(jacrev(grad)) vs finite differences", async () => {
    const f = (x: T) => S.sum(S.mul(S.exp(S.mul(x, 0.5)), S.prod(x)));
    const x = f64([0.3, -0.8, 1.1], [3]);
    const t3 = jacfwd(jacrev(grad(f)))(x);
    expect(t3.shape).toEqual([3, 3, 3]);
    await expectClose(t3, await fdJacobian((z: T) => hessian(f)(z), [x], 0), { rtol: 1e-6, atol: 1e-7 });
  });
});

describe("Hessians by every mode agree", () => {
  const fns: [string, (x: T) => T][] = [
    ["quartic with cross terms", (x) => S.sum(S.mul(S.square(x), S.sum(S.pow(x, 3))))],
    ["log-sum-exp of a matrix product", (x) => S.log(S.sum(S.exp(S.matmul(S.reshape(x, [2, 2]), S.reshape(x, [2, 2])))))],
    ["softplus network", (x) => S.sum(S.softplus(S.matmul(S.tanh(S.outer(x, x)), x)))],
    ["prod and max", (x) => S.add(S.prod(x), S.mul(S.max(x), S.sum(S.sin(x))))],
  ];
  for (const [name, f] of fns) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const x = randT(rng(seed), [4]);
          const h = hessian(f)(x); // forward over reverse
          expect(h.shape).toEqual([4, 4]);
          const tol = { rtol: 1e-9, atol: 1e-10, msg: `${name} seed=${seed}` };
          await expectClose(jacrev(grad(f))(x), h, tol); // reverse over reverse
          await expectClose(jacfwd(jacfwd(f))(x), h, tol); // forward over forward
          await expectClose(jacrev(jacfwd(f))(x), h, tol); // reverse over forward
          await expectClose(jacrev(jacrev(f))(x), h, tol);
          await expectClose(h, S.transpose(h), tol);
          await expectClose(h, await fdJacobian(grad(f) as (x: T) => T, [x], 0), { rtol: 1e-5, atol: 1e-6, msg: `${name} seed=${seed} vs FD` });
        }),
        { numRuns: 10 },
      );
    });
  }
});

describe("transformations nest in every order", () => {
  const f = (x: T) => S.sum(S.mul(S.sin(x), S.exp(S.mul(x, 0.3))));
  const df = (x: T) => S.mul(S.exp(S.mul(x, 0.3)), S.add(S.cos(x), S.mul(S.sin(x), 0.3)));
  const xs = randT(rng(21), [3, 4]);

  it("vmap of jit of grad", async () => {
    await expectClose(vmap(jit(grad(f)))(xs), df(xs), { rtol: 1e-12 });
  });
  it("grad of vmap", async () => {
    const g = grad((b: T) => S.sum(vmap(f)(b)))(xs);
    await expectClose(g, df(xs), { rtol: 1e-12 });
    await expectClose(grad((b: T) => S.sum(vmap(f, { inAxes: 1 })(b)))(xs), df(xs), { rtol: 1e-12 });
  });
  it("grad of jit, jit of grad of jit", async () => {
    await expectClose(grad(jit(f))(take(xs, 0, 0)), df(take(xs, 0, 0)), { rtol: 1e-12 });
    await expectClose(jit(grad(jit(f)))(take(xs, 1, 0)), df(take(xs, 1, 0)), { rtol: 1e-12 });
  });
  it("jit(vmap(hessian(f))) equals the per-row Hessians", async () => {
    const hs = jit(vmap(hessian(f)))(xs);
    expect(hs.shape).toEqual([3, 4, 4]);
    for (let i = 0; i < 3; i++) await expectClose(take(hs, i, 0), hessian(f)(take(xs, i, 0)), { rtol: 1e-12 });
  });
  it("vmap of jacfwd/jacrev, jacobian of vmap", async () => {
    const g = (x: T) => S.mul(S.sin(x), S.sum(x));
    const j1 = vmap(jacfwd(g))(xs);
    const j2 = vmap(jacrev(g))(xs);
    expect(j1.shape).toEqual([3, 4, 4]);
    await expectClose(j1, j2, { rtol: 1e-12 });
    // the Jacobian of the batched map is block diagonal
    const big = jacrev(vmap(g))(xs);
    expect(big.shape).toEqual([3, 4, 3, 4]);
    for (let i = 0; i < 3; i++) await expectClose(take(take(big, i, 0), i, 1), take(j1, i, 0), { rtol: 1e-12 });
  });
  it("jvp of vmap, vmap of jvp, vjp of vmap", async () => {
    const v = randT(rng(5), [3, 4]);
    const g = (x: T) => S.tanh(S.mul(x, S.sum(x)));
    const [, t1] = jvp(vmap(g), [xs], [v]);
    const t2 = vmap((x: T, t: T) => jvp(g, [x], [t])[1])(xs, v);
    await expectClose(t1, t2, { rtol: 1e-12 });
    const [, back] = vjp(vmap(g), xs);
    const c1 = back(v)[0];
    const c2 = vmap((x: T, u: T) => vjp(g, x)[1](u)[0])(xs, v);
    await expectClose(c1, c2, { rtol: 1e-12 });
  });
  it("grad of grad of vmap of grad", async () => {
    const h = (x: T) => S.sum(S.pow(x, 4));
    const x = f64([0.5, -1, 2], [3]);
    // d/dx sum_i 4 x_i^3 -> 12 x^2; the grad of sum(12 x^2) is 24 x
    const g = grad((z: T) => S.sum(grad((w: T) => S.sum(vmap(grad(h))(w)))(z)));
    await expectClose(g(x), (await flat(x)).map((v) => 24 * v), { rtol: 1e-12 });
  });
});

describe("closures over outer traced values", () => {
  const x0 = scalar64(1.5);
  it("d/dx [x * d/dy (x * y)] = 2x", async () => {
    const f = (x: T) => S.mul(x, grad((y: T) => S.mul(x, y))(scalar64(0.7)));
    await expectClose(grad(f)(x0), [3]);
    await expectClose(jacfwd(f)(x0), [3]);
    await expectClose(grad(grad(f))(x0), [2]);
  });
  it("perturbation confusion: grad(x => x * grad(y => x + y)(1))(x) = 1", async () => {
    const f = (x: T) => S.mul(x, grad((y: T) => S.add(x, y))(scalar64(1)));
    await expectClose(grad(f)(x0), [1]);
    await expectClose(grad(f)(scalar64(-4)), [1]);
    await expectClose(jacfwd(f)(x0), [1]);
    const [, t] = jvp(f, [x0], [scalar64(1)]);
    await expectClose(t, [1]);
  });
  it("perturbation confusion in forward mode: jvp inside jvp", async () => {
    const f = (x: T) => S.mul(x, jvp((y: T) => S.add(x, y), [scalar64(1)], [scalar64(1)])[1]);
    const [, t] = jvp(f, [x0], [scalar64(1)]);
    await expectClose(t, [1]);
    await expectClose(jacfwd(jacfwd(f))(x0), [0]);
  });
  it("the inner derivative with respect to y at y = x treats x as a constant", async () => {
    // d/dx [ d/dy (x * y^2) at y = x ] = d/dx [2 x^2] = 4x
    const f = (x: T) => grad((y: T) => S.mul(x, S.square(y)))(x);
    await expectClose(grad(f)(x0), [6]);
    // the same with forward mode inside reverse mode
    const g = (x: T) => jvp((y: T) => S.mul(x, S.square(y)), [x], [scalar64(1)])[1];
    await expectClose(grad(g)(x0), [6]);
    await expectClose(jacfwd(g)(x0), [6]);
  });
  it("vmap over a closure that captures an outer grad tracer", async () => {
    const ys = f64([1, 2, 3], [3]);
    // d/dx sum_i sin(x * y_i) = sum_i y_i cos(x y_i)
    const f = (x: T) => S.sum(vmap((y: T) => S.sin(S.mul(x, y)))(ys));
    const want = [1, 2, 3].reduce((s, y) => s + y * Math.cos(1.5 * y), 0);
    await expectClose(grad(f)(x0), [want], { rtol: 1e-12 });
    const inner = (x: T) => vmap((y: T) => grad((z: T) => S.mul(S.mul(x, z), z))(y))(ys); // 2 x y
    await expectClose(inner(x0), [3, 6, 9]);
    await expectClose(jacrev(inner)(x0), [2, 4, 6]);
  });
  it("three nested grads, each closing over the outer ones", async () => {
    // F(x) = d/dy [ d/dz (x^2 y^3 z^4) at z = x ] at y = x = 12 x^7
    const F = (x: T) => grad((y: T) => grad((z: T) => S.mul(S.mul(S.square(x), S.pow(y, 3)), S.pow(z, 4)))(x))(x);
    const v = 1.1;
    await expectClose(F(scalar64(v)), [12 * v ** 7], { rtol: 1e-12 });
    await expectClose(grad(F)(scalar64(v)), [84 * v ** 6], { rtol: 1e-12 });
    await expectClose(jacfwd(F)(scalar64(v)), [84 * v ** 6], { rtol: 1e-12 });
    await expectClose(jit(grad(grad(F)))(scalar64(v)), [504 * v ** 5], { rtol: 1e-12 });
    await expectClose(vmap(grad(F))(f64([v, 0.5], [2])), [84 * v ** 6, 84 * 0.5 ** 6], { rtol: 1e-12 });
  });
  it("valueAndGrad inside grad", async () => {
    const f = (x: T) => {
      const [v, g] = valueAndGrad((y: T) => S.mul(S.square(y), x))(x);
      return S.add(v, g); // x^3 + 2 x^2
    };
    await expectClose(grad(f)(x0), [3 * 1.5 ** 2 + 4 * 1.5]);
  });
  it("stacked results of nested closures", async () => {
    const xs = f64([0.5, 1, 2], [3]);
    const f = (x: T) => S.mul(x, grad((y: T) => S.mul(S.square(x), S.sin(y)))(x)); // x^3 cos(x)
    const got = vmap(grad(f))(xs);
    await expectClose(got, (await flat(xs)).map((v) => 3 * v * v * Math.cos(v) - v ** 3 * Math.sin(v)), { rtol: 1e-12 });
    await expectClose(got, stackAt((await flat(xs)).map((v) => grad(f)(scalar64(v))), 0), { rtol: 1e-12 });
  });
});
