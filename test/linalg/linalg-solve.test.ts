// linalg, part A: solve, inv, det, slogdet and choSolve (compositions of lu, cholesky and
// triangular_solve). Values against plain JS (residuals A·x - b, A·inv(A) = I, det by cofactor
// expansion), float32 and float64, batched with broadcasting; singular input as JAX; derivatives
// against float64 central differences; vmap against stacked slices; jit.
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { linalg } from "../../src/index.js";
import { float64Suite } from "../harness/backend.js";
import { expectClose, f64, fdJacobian, flat, grad, hessian, jit, stackAt, take, vmap, type T } from "../transforms/helpers.js";
import { checkDerivatives, close, f32, mat, mm, randData, spd } from "./linalg-ref.js";

// float64 cases throughout (float32 ones too): on gpu.js the float64 graphs run on wasm, by design
float64Suite();

const L: any = linalg;

/** The determinant by cofactor expansion along the first row. */
function cofactorDet(a: readonly number[], n: number): number {
  if (n === 1) return a[0]!;
  let s = 0;
  for (let j = 0; j < n; j++) {
    const minor: number[] = [];
    for (let r = 1; r < n; r++) for (let c = 0; c < n; c++) if (c !== j) minor.push(a[r * n + c]!);
    s += (j % 2 === 0 ? 1 : -1) * a[j]! * cofactorDet(minor, n - 1);
  }
  return s;
}
const eye = (n: number) => Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? 1 : 0));
/** Random matrices with a dominant-enough diagonal to be well conditioned, but still pivoting. */
const general = (seed: number, batch: number, n: number) => randData(seed, batch * n * n).map((v, i) => v + ((i % (n * n)) % (n + 1) === 0 ? 0.5 : 0));

describe("solve", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const mk = dtype === "float32" ? f32 : f64;
    const tol = dtype === "float32" ? 1e-4 : 1e-11;
    it(`A·x = b for a vector b and for matrices, batched (${dtype})`, async () => {
      const [B, n, k] = [3, 5, 2];
      const a = general(1, B, n);
      const bv = randData(2, n);
      const x = L.solve(mk(a, [B, n, n]), mk(bv, [n]));
      expect(x.shape).toEqual([B, n]);
      expect(x.dtype).toBe(dtype);
      for (let i = 0; i < B; i++) close(mm(mat(a, i, n, n), mat(await x.data(), i, n, 1), n, n, 1), bv, tol, `vector, batch ${i}`);
      const bm = randData(3, B * n * k);
      const xm = L.solve(mk(a, [B, n, n]), mk(bm, [B, n, k]));
      expect(xm.shape).toEqual([B, n, k]);
      for (let i = 0; i < B; i++) close(mm(mat(a, i, n, n), mat(await xm.data(), i, n, k), n, n, k), mat(bm, i, n, k), tol, `matrix, batch ${i}`);
    });
  }

  it("broadcasts batch dims: a [2, 1, n, n] with b [3, n, 1] gives [2, 3, n, 1]", async () => {
    const n = 4;
    const a = general(4, 2, n);
    const b = randData(5, 3 * n);
    const x = L.solve(f64(a, [2, 1, n, n]), f64(b, [3, n, 1]));
    expect(x.shape).toEqual([2, 3, n, 1]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) close(mm(mat(a, i, n, n), mat(await x.data(), i * 3 + j, n, 1), n, n, 1), mat(b, j, n, 1), 1e-11);
  });

  it("a singular matrix gives non-finite values (no error, no hang), as JAX", async () => {
    const x = await flat(L.solve(f64([1, 2, 2, 4], [2, 2]), f64([1, 1], [2])));
    expect(x.some((v) => !Number.isFinite(v))).toBe(true);
  });

  it("vmap matches stacked slices (a mapped, b not; both mapped); jit matches eager", async () => {
    const n = 3;
    const a = f64(general(6, 4, n), [4, n, n]);
    const b = f64(randData(7, 4 * n), [4, n]);
    const want = stackAt([0, 1, 2, 3].map((i) => L.solve(take(a, i, 0), take(b, 0, 0))), 0);
    await expectClose(vmap((x: T, y: T) => L.solve(x, y), { inAxes: [0, null] })(a, take(b, 0, 0)), want, { rtol: 1e-13, atol: 1e-13 });
    const want2 = stackAt([0, 1, 2, 3].map((i) => L.solve(take(a, i, 0), take(b, i, 0))), 0);
    await expectClose(vmap((x: T, y: T) => L.solve(x, y))(a, b), want2, { rtol: 1e-13, atol: 1e-13 });
    await expectClose(vmap((x: T, y: T) => L.solve(x, y), { inAxes: [null, 0] })(take(a, 1, 0), b), stackAt([0, 1, 2, 3].map((i) => L.solve(take(a, 1, 0), take(b, i, 0))), 0), { rtol: 1e-13, atol: 1e-13 });
    await expectClose(jit((x: T, y: T) => L.solve(x, y))(a, sg.expandDims(b as never, -1) as unknown as T), sg.expandDims(want2 as never, -1) as unknown as T, { rtol: 1e-13, atol: 1e-13 });
  });
});

describe("inv, det, slogdet", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const mk = dtype === "float32" ? f32 : f64;
    it(`A·inv(A) = I; det against cofactor expansion; slogdet against det (${dtype})`, async () => {
      const [B, n] = [4, 4];
      const a = general(8, B, n);
      const tol = dtype === "float32" ? 1e-4 : 1e-11;
      const ai = L.inv(mk(a, [B, n, n]));
      expect(ai.shape).toEqual([B, n, n]);
      for (let i = 0; i < B; i++) close(mm(mat(a, i, n, n), mat(await ai.data(), i, n, n), n, n, n), eye(n), tol, `inv batch ${i}`);
      const d = L.det(mk(a, [B, n, n]));
      expect(d.shape).toEqual([B]);
      const want = [0, 1, 2, 3].map((i) => cofactorDet(mat(a, i, n, n), n));
      close(await flat(d), want, tol);
      const [sign, logabs] = L.slogdet(mk(a, [B, n, n]));
      expect([sign.shape, logabs.shape, sign.dtype]).toEqual([[B], [B], dtype]);
      close(await flat(sign), want.map(Math.sign), 0);
      close(await flat(logabs), want.map((v) => Math.log(Math.abs(v))), tol);
    });
  }

  it("det of permutation-heavy matrices (every pivot moves a row) and of 1 x 1 and 6 x 6", async () => {
    const p = [0, 0, 1, 0, 1, 0, 1, 0, 0]; // anti-diagonal: det -1
    expect(await flat(L.det(f64(p, [3, 3])))).toEqual([-1]);
    expect(await flat(L.det(f64([-2.5], [1, 1])))).toEqual([-2.5]);
    const a = general(9, 1, 6);
    close(await flat(L.det(f64(a, [6, 6]))), [cofactorDet(a, 6)], 1e-12);
  });

  it("singular input: det 0, slogdet [0, -Infinity], as JAX", async () => {
    const s = f64([1, 2, 3, 2, 4, 6, 1, 0, 1], [3, 3]);
    expect(Math.abs((await flat(L.det(s)))[0]!)).toBeLessThan(1e-14);
    const z = f64([1, 2, 0, 0], [2, 2]);
    const [sign, logabs] = L.slogdet(z);
    expect([(await flat(sign))[0], (await flat(logabs))[0]]).toEqual([0, -Infinity]);
  });

  it("vmap and jit", async () => {
    const a = f64(general(10, 3, 3), [3, 3, 3]);
    for (const f of [(x: T) => L.inv(x), (x: T) => L.det(x), (x: T) => L.slogdet(x)[1]]) {
      const want = stackAt([0, 1, 2].map((i) => f(take(a, i, 0))), 0);
      await expectClose(vmap(f)(a), want, { rtol: 1e-13, atol: 1e-13 });
      await expectClose(jit(f)(a), want, { rtol: 1e-13, atol: 1e-13 });
    }
  });
});

describe("choSolve", () => {
  it("A·x = b from the lower and the upper factor; vectors by rank (as cho_solve), matrices; float32 and float64", async () => {
    const [B, n] = [2, 4];
    const a = spd(11, B, n);
    for (const dtype of ["float32", "float64"] as const) {
      const mk = dtype === "float32" ? f32 : f64;
      const tol = dtype === "float32" ? 1e-4 : 1e-11;
      for (const lower of [true, false]) {
        const c = L.cholesky(mk(a, [B, n, n]), { upper: !lower });
        const bv = randData(12, B * n);
        const x = L.choSolve([c, lower], mk(bv, [B, n]));
        expect(x.shape).toEqual([B, n]);
        for (let i = 0; i < B; i++) close(mm(mat(a, i, n, n), mat(await x.data(), i, n, 1), n, n, 1), mat(bv, i, n, 1), tol);
        const xm = L.choSolve([c, lower], mk(randData(13, B * n * 3), [B, n, 3]));
        expect(xm.shape).toEqual([B, n, 3]);
        for (let i = 0; i < B; i++) close(mm(mat(a, i, n, n), mat(await xm.data(), i, n, 3), n, n, 3), mat(randData(13, B * n * 3), i, n, 3), tol);
      }
    }
  });

  it("vmap and jit", async () => {
    const n = 3;
    const c = L.cholesky(f64(spd(14, 3, n), [3, n, n]));
    const b = f64(randData(15, 3 * n), [3, n]);
    const f = (x: T, y: T) => L.choSolve([x, true], y);
    const want = stackAt([0, 1, 2].map((i) => f(take(c, i, 0), take(b, i, 0))), 0);
    await expectClose(vmap(f)(c, b), want, { rtol: 1e-13, atol: 1e-13 });
    await expectClose(jit(f)(c, b), want, { rtol: 1e-13, atol: 1e-13 });
  });
});

describe("derivatives against central differences (float64)", () => {
  const a = f64(general(20, 2, 3), [2, 3, 3]);
  it("solve, in a and in b (vector and matrix right-hand sides)", async () => {
    await checkDerivatives("solve vector", (x, y) => L.solve(x, y), [take(a, 0, 0), f64(randData(21, 3), [3])]);
    await checkDerivatives("solve matrix", (x, y) => L.solve(x, y), [a, f64(randData(22, 12), [2, 3, 2])]);
  });
  it("inv, det, slogdet", async () => {
    await checkDerivatives("inv", (x) => L.inv(x), [a]);
    await checkDerivatives("det", (x) => L.det(x), [a]);
    await checkDerivatives("slogdet", (x) => L.slogdet(x)[1], [a]);
  });
  it("second order through lu: the Hessian of logabsdet and of a weighted sum of solve(a, b)", async () => {
    const a0 = take(a, 0, 0);
    const b0 = f64(randData(26, 3), [3]);
    const w = f64(randData(27, 3), [3]);
    for (const g of [(x: T) => L.slogdet(x)[1], (x: T) => sg.sum(sg.mul(L.solve(x, b0), w as never) as never) as unknown as T]) {
      const gi = (x: T): T => grad(g)(x);
      await expectClose(hessian(g)(a0), await fdJacobian(gi, [a0], 0), { rtol: 1e-5, atol: 1e-6 });
    }
  });
  it("jit of grad and vmap of grad match eager grad (slogdet, solve, cholesky)", async () => {
    const b0 = f64(randData(28, 3), [3]);
    const fs = [(x: T) => L.slogdet(x)[1], (x: T) => sg.sum(L.solve(x, b0) as never) as unknown as T, (x: T) => sg.sum(L.cholesky(sg.matmul(x as never, sg.transpose(x as never) as never)) as never) as unknown as T];
    for (const f of fs) {
      const g = sg.grad(f as never) as unknown as (x: T) => T;
      const want = stackAt([0, 1].map((i) => g(take(a, i, 0))), 0);
      await expectClose(vmap(g)(a), want, { rtol: 1e-12, atol: 1e-12 });
      await expectClose(jit(vmap(g))(a), want, { rtol: 1e-12, atol: 1e-12 });
      await expectClose(jit(g)(take(a, 1, 0)), take(want, 1, 0), { rtol: 1e-12, atol: 1e-12 });
    }
  });
  it("choSolve, in the factor and in b", async () => {
    const c = L.cholesky(f64(spd(23, 2, 3), [2, 3, 3]));
    await checkDerivatives("choSolve", (x, y) => L.choSolve([x, true], y), [c, f64(randData(24, 6), [2, 3])]);
  });
  it("a Gaussian log-likelihood through cholesky: grad of -½ bᵀA⁻¹b - Σ log diag(L) w.r.t. A", async () => {
    const f = (x: T) => {
      const l = L.cholesky(x);
      const b = f64([0.3, -1, 0.5], [3]);
      const alpha = L.choSolve([l, true], b);
      const quad = sg.sum(sg.mul(b as never, alpha as never) as never);
      const logdet = sg.sum(sg.log(sg.diagonal(l as never) as never) as never);
      return sg.add(sg.mul(quad as never, -0.5 as never) as never, sg.neg(logdet as never) as never) as unknown as T;
    };
    await checkDerivatives("gp", f, [take(f64(spd(25, 1, 3), [1, 3, 3]), 0, 0)]);
  });
});
