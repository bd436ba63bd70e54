// linalg, part A: cholesky, triangularSolve and lu. Values against identities checked with plain
// JS loops (L·Lᵀ = A, op(A)·X = B, A[perm] = L·U), float32 and float64, batched; derivatives
// (jvp, vjp, and a Hessian) against float64 central differences; vmap against stacked slices; jit.
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { linalg } from "../../src/index.js";
import { float64Suite } from "../harness/backend.js";
import { optimize } from "../../src/compile/passes.js";
import { expectClose, f64, fdJacobian, flat, grad, hessian, jit, stackAt, take, vmap, type T } from "../transforms/helpers.js";
import { checkDerivatives, close, f32, mat, mm, randData, spd, tr, triangular } from "./linalg-ref.js";

// float64 cases throughout (float32 ones too): on gpu.js the float64 graphs run on wasm, by design
float64Suite();

const L: any = linalg;

// ---------------------------------------------------------------- cholesky

describe("cholesky", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`L·Lᵀ = A, L lower with a positive diagonal, batched (${dtype})`, async () => {
      const [B, n] = [3, 5];
      const a = spd(1, B, n);
      const at = dtype === "float32" ? f32(a, [B, n, n]) : f64(a, [B, n, n]);
      const l = L.cholesky(at);
      expect(l.shape).toEqual([B, n, n]);
      expect(l.dtype).toBe(dtype);
      const tol = dtype === "float32" ? 1e-5 : 1e-12;
      for (let b = 0; b < B; b++) {
        const lm = mat(await l.data(), b, n, n);
        for (let i = 0; i < n; i++) {
          expect(lm[i * n + i]).toBeGreaterThan(0);
          for (let j = i + 1; j < n; j++) expect(lm[i * n + j]).toBe(0);
        }
        close(mm(lm, tr(lm, n, n), n, n, n), mat(a, b, n, n), tol, `batch ${b}`);
      }
      // upper: U = Lᵀ
      const u = L.cholesky(at, { upper: true });
      close(await flat(u), await flat(sg.transpose(l as never, [0, 2, 1] as never) as unknown as T), 0);
    });
  }

  it("a 100 x 100 matrix (float64)", async () => {
    const n = 100;
    const a = spd(7, 1, n);
    const lm = await flat(L.cholesky(f64(a, [n, n])));
    close(mm(lm, tr(lm, n, n), n, n, n), a, 1e-12);
  });

  it("above 512 the factor is blocked (a GEMM for the trailing update): 600 x 600, and a batch of 530 x 530", async () => {
    for (const [B, n] of [[1, 600], [2, 530]] as const) {
      const a = spd(11, B, n);
      const l = await flat(L.cholesky(f64(a, [B, n, n])));
      for (let b = 0; b < B; b++) {
        const lm = mat(l, b, n, n);
        for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(lm[i * n + j]).toBe(0);
        close(mm(lm, tr(lm, n, n), n, n, n), mat(a, b, n, n), 1e-12, `batch ${b} of ${n} x ${n}`);
      }
    }
    // compiled, the 600 x 600 factor is a 256 block on the host, a solve, a matrix product, the rest on the host
    const compiled = optimize(sg.makeGraph((a: T) => L.cholesky(a))(f64(spd(13, 1, 600), [600, 600])), true).eqns.map((e) => e.prim.name);
    expect(compiled.filter((n) => n === "cholesky_host")).toHaveLength(2);
    expect(compiled).toContain("dot_general");
    expect(compiled).not.toContain("cholesky");
    // float32 (the GEMM in float32): within float32 rounding of the float64 factor
    const a = spd(12, 1, 600);
    close(await flat(L.cholesky(f32(a, [600, 600]))), await flat(L.cholesky(f64(a, [600, 600]))), 1e-4);
  });

  it("blocked: a trailing block that is not positive definite gives NaNs throughout, as unblocked", async () => {
    const n = 600;
    const a: number[] = Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
    a[n * n - 1] = -1; // the last pivot fails, in the trailing block
    expect((await flat(L.cholesky(f64(a, [n, n])))).every(Number.isNaN)).toBe(true);
  });

  it("symmetrizes its input by default; symmetrizeInput: false reads the lower triangle", async () => {
    const a = spd(3, 1, 4);
    const skew = a.map((v, i) => v + (Math.floor(i / 4) < i % 4 ? 0.5 : Math.floor(i / 4) > i % 4 ? -0.5 : 0));
    close(await flat(L.cholesky(f64(skew, [4, 4]))), await flat(L.cholesky(f64(a, [4, 4]))), 1e-14);
    const lowerOnly = a.map((v, i) => (i % 4 > Math.floor(i / 4) ? 99 : v));
    close(await flat(L.cholesky(f64(lowerOnly, [4, 4]), { symmetrizeInput: false })), await flat(L.cholesky(f64(a, [4, 4]))), 1e-14);
  });

  it("a matrix that is not positive definite gives NaNs (that matrix only), as JAX", async () => {
    const good = spd(2, 1, 2);
    const l = await flat(L.cholesky(f64([1, 2, 2, 1, ...good], [2, 2, 2])));
    expect(l.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(l.slice(4).every(Number.isFinite)).toBe(true);
    // the failing pivot in the last row of an odd size, and in the second of a 2 x 2 block
    expect((await flat(L.cholesky(f64([1, 0, 0, 0, 1, 0, 0, 0, -1], [3, 3])))).every(Number.isNaN)).toBe(true);
    expect((await flat(L.cholesky(f64([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 0, 0, 2, 1], [4, 4])))).every(Number.isNaN)).toBe(true);
  });

  it("vmap matches stacked slices; jit matches eager", async () => {
    const a = f64(spd(5, 4, 3), [4, 3, 3]);
    const want = stackAt([0, 1, 2, 3].map((i) => L.cholesky(take(a, i, 0))), 0);
    await expectClose(vmap((x: T) => L.cholesky(x))(a), want, { rtol: 1e-14, atol: 1e-14 });
    await expectClose(vmap((x: T) => L.cholesky(x), { inAxes: 2, outAxes: 1 })(sg.moveAxis(a as never, 0, 2) as unknown as T), sg.moveAxis(want as never, 0, 1) as unknown as T, { rtol: 1e-14, atol: 1e-14 });
    await expectClose(jit((x: T) => L.cholesky(x))(a), want, { rtol: 1e-14, atol: 1e-14 });
  });
});

// ---------------------------------------------------------------- triangularSolve

const FLAGS = [false, true].flatMap((leftSide) => [false, true].flatMap((lower) => [false, true].flatMap((transposeA) => [false, true].map((unitDiagonal) => ({ leftSide, lower, transposeA, unitDiagonal })))));
const show = (o: object) => JSON.stringify(o).replace(/"/g, "");

/** op(A) from A as the solve reads it: the named triangle, a unit diagonal if asked, transposed if asked. */
function opA(a: readonly number[], n: number, o: { lower: boolean; transposeA: boolean; unitDiagonal: boolean }): number[] {
  const t = a.map((v, i) => {
    const [r, c] = [Math.floor(i / n), i % n];
    if (r === c) return o.unitDiagonal ? 1 : v;
    return (o.lower ? c < r : c > r) ? v : 0;
  });
  return o.transposeA ? tr(t, n, n) : t;
}

describe("triangularSolve", () => {
  for (const o of FLAGS) {
    it(`op(A)·X = B or X·op(A) = B, batched, float32 and float64, one and three right-hand sides: ${show(o)}`, async () => {
      for (const k of [3, 1]) {
        const [B, n] = [2, 7];
        const a = [0, 1].flatMap((b) => triangular(10 + b, n, o.lower));
        const bShape = o.leftSide ? [B, n, k] : [B, k, n];
        const b = randData(20, B * n * k);
        for (const dtype of ["float32", "float64"] as const) {
          const mk = dtype === "float32" ? f32 : f64;
          const x = L.triangularSolve(mk(a, [B, n, n]), mk(b, bShape), o);
          expect(x.shape).toEqual(bShape);
          for (let i = 0; i < B; i++) {
            const op = opA(mat(a, i, n, n), n, o);
            const xm = mat(await x.data(), i, bShape[1]!, bShape[2]!);
            const got = o.leftSide ? mm(op, xm, n, n, k) : mm(xm, op, k, n, n);
            close(got, mat(b, i, bShape[1]!, bShape[2]!), dtype === "float32" ? 2e-5 : 1e-12, `${dtype} batch ${i} k ${k}`);
          }
        }
      }
    });
  }

  it("broadcasts batch dims; vmap with an unbatched a matches stacked slices", async () => {
    const n = 3;
    const a = f64(triangular(4, n, true), [n, n]);
    const b = f64(randData(5, 4 * n * 2), [4, n, 2]);
    const o = { leftSide: true, lower: true };
    const want = stackAt([0, 1, 2, 3].map((i) => L.triangularSolve(a, take(b, i, 0), o)), 0);
    await expectClose(L.triangularSolve(a, b, o), want, { rtol: 1e-14, atol: 1e-14 });
    await expectClose(vmap((x: T, y: T) => L.triangularSolve(x, y, o), { inAxes: [null, 0] })(a, b), want, { rtol: 1e-14, atol: 1e-14 });
    const as = f64([0, 1, 2, 3].flatMap((i) => triangular(30 + i, n, true)), [4, n, n]);
    const want2 = stackAt([0, 1, 2, 3].map((i) => L.triangularSolve(take(as, i, 0), take(b, 0, 0), o)), 0);
    await expectClose(vmap((x: T, y: T) => L.triangularSolve(x, y, o), { inAxes: [0, null] })(as, take(b, 0, 0)), want2, { rtol: 1e-14, atol: 1e-14 });
    await expectClose(jit((x: T, y: T) => L.triangularSolve(x, y, o))(a, b), want, { rtol: 1e-14, atol: 1e-14 });
  });
});

describe("solveTriangular (jax.scipy.linalg)", () => {
  it("op(A)·x = b for batched vectors (rank one less than a) and matrices, trans 0 / 1 / \"T\", unit diagonal", async () => {
    const [B, n] = [2, 4];
    for (const o of [{ lower: true }, { lower: false, trans: 1 }, { lower: true, trans: "T", unitDiagonal: true }, { lower: false, trans: "N" }] as const) {
      const a = [0, 1].flatMap((b) => triangular(70 + b, n, o.lower));
      const want = { lower: o.lower, transposeA: "trans" in o && o.trans !== "N", unitDiagonal: "unitDiagonal" in o };
      const bv = randData(71, B * n);
      const x = L.solveTriangular(f64(a, [B, n, n]), f64(bv, [B, n]), o);
      expect(x.shape).toEqual([B, n]);
      for (let i = 0; i < B; i++) close(mm(opA(mat(a, i, n, n), n, want), mat(await x.data(), i, n, 1), n, n, 1), mat(bv, i, n, 1), 1e-12, show(o));
      const bm = randData(72, B * n * 3);
      const xm = L.solveTriangular(f64(a, [B, n, n]), f64(bm, [B, n, 3]), o);
      for (let i = 0; i < B; i++) close(mm(opA(mat(a, i, n, n), n, want), mat(await xm.data(), i, n, 3), n, n, 3), mat(bm, i, n, 3), 1e-12, show(o));
    }
  });
});

// ---------------------------------------------------------------- lu

describe("lu", () => {
  for (const dtype of ["float32", "float64"] as const) {
    it(`A[perm] = L·U, |L| <= 1, pivots compose to perm, batched (${dtype})`, async () => {
      const [B, n] = [3, 6];
      const a = randData(40, B * n * n);
      const [f, piv, perm] = L.lu((dtype === "float32" ? f32 : f64)(a, [B, n, n]));
      expect([f.shape, piv.shape, perm.shape]).toEqual([[B, n, n], [B, n], [B, n]]);
      expect([f.dtype, piv.dtype, perm.dtype]).toEqual([dtype, "int32", "int32"]);
      for (let b = 0; b < B; b++) {
        const fm = mat(await f.data(), b, n, n);
        const l = fm.map((v, i) => (i % n < Math.floor(i / n) ? v : i % n === Math.floor(i / n) ? 1 : 0));
        const u = fm.map((v, i) => (i % n >= Math.floor(i / n) ? v : 0));
        l.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(1));
        const p = mat(await perm.data(), b, 1, n);
        const pv = mat(await piv.data(), b, 1, n);
        const q = Array.from({ length: n }, (_, i) => i);
        pv.forEach((r, j) => ([q[j], q[r]] = [q[r]!, q[j]!]));
        expect(p).toEqual(q);
        const am = mat(a, b, n, n);
        const permuted = p.flatMap((r) => am.slice(r * n, (r + 1) * n));
        close(mm(l, u, n, n, n), permuted, dtype === "float32" ? 1e-5 : 1e-13, `batch ${b}`);
      }
    });
  }

  it("71 x 71 matrices (blocks of the blocked factorisation, a partial last one, an odd row left in each update): A[perm] = L·U, |L| <= 1, float64", async () => {
    const n = 71;
    const a = randData(42, n * n);
    const [f, , perm] = L.lu(f64(a, [n, n]));
    const fm = await flat(f);
    const l = fm.map((v, i) => (i % n < Math.floor(i / n) ? v : i % n === Math.floor(i / n) ? 1 : 0));
    const u = fm.map((v, i) => (i % n >= Math.floor(i / n) ? v : 0));
    l.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(1));
    const permuted = (await flat(perm)).flatMap((r) => a.slice(r * n, (r + 1) * n));
    close(mm(l, u, n, n, n), permuted, 1e-12);
  });

  it("above 512 the factorisation is blocked (a GEMM for the trailing update): A[perm] = L·U, |L| <= 1, pivots that compose to perm, batched", async () => {
    for (const [B, n] of [[1, 700], [2, 530]] as const) {
      const a = randData(43 + n, B * n * n);
      const [f, piv, perm] = L.lu(f64(a, [B, n, n]));
      for (let b = 0; b < B; b++) {
        const fm = mat(await flat(f), b, n, n);
        const l = fm.map((v, i) => (i % n < Math.floor(i / n) ? v : i % n === Math.floor(i / n) ? 1 : 0));
        const u = fm.map((v, i) => (i % n >= Math.floor(i / n) ? v : 0));
        l.forEach((v) => expect(Math.abs(v)).toBeLessThanOrEqual(1));
        const ab = mat(a, b, n, n);
        const pm = mat(await flat(perm), b, n, 1);
        close(mm(l, u, n, n, n), pm.flatMap((r) => ab.slice(r * n, (r + 1) * n)), 1e-11, `batch ${b} of ${n} x ${n}`);
        // the pivots, applied as row swaps in order, give the permutation
        const rows = Array.from({ length: n }, (_, i) => i);
        mat(await flat(piv), b, n, 1).forEach((p, i) => ([rows[i], rows[p]] = [rows[p]!, rows[i]!]));
        expect(rows).toEqual(pm);
      }
    }
    // compiled, the 700 x 700 factorisation is 128-column panels, a solve, a matrix product, the rest on the host
    const compiled = optimize(sg.makeGraph((a: T) => L.lu(a)[0])(f64(randData(1, 700 * 700), [700, 700])), true).eqns.map((e) => e.prim.name);
    expect(compiled).toContain("lu_panel");
    expect(compiled).toContain("lu_host");
    expect(compiled).toContain("dot_general");
    expect(compiled).not.toContain("lu");
    // solve through the blocked factors: a residual within float64 rounding
    const n = 600;
    const a = randData(5, n * n).map((v, i) => v + (i % (n + 1) === 0 ? 8 : 0));
    const rhs = randData(6, n);
    const x = await flat(L.solve(f64(a, [n, n]), f64(rhs, [n])));
    close(mm(a, x, n, n, 1), rhs, 1e-10);
  });

  it("a singular matrix gives a zero on U's diagonal, no NaN", async () => {
    const [f] = L.lu(f64([1, 2, 3, 2, 4, 6, 1, 0, 1], [3, 3]));
    const d = await flat(f);
    expect(d.every(Number.isFinite)).toBe(true);
    expect(Math.min(...[0, 4, 8].map((i) => Math.abs(d[i]!)))).toBeLessThan(1e-15);
  });

  it("vmap matches stacked slices; jit matches eager", async () => {
    const a = f64(randData(41, 4 * 9), [4, 3, 3]);
    for (const k of [0, 1, 2]) {
      const want = stackAt([0, 1, 2, 3].map((i) => L.lu(take(a, i, 0))[k]), 0);
      await expectClose(vmap((x: T) => L.lu(x)[k])(a), want, { rtol: 1e-14, atol: 1e-14 });
      await expectClose(jit((x: T) => L.lu(x)[k])(a), want, { rtol: 1e-14, atol: 1e-14 });
    }
  });
});

// ---------------------------------------------------------------- derivatives

describe("derivatives against central differences (float64)", () => {
  it("cholesky: jvp and vjp, batched; and a Hessian", async () => {
    const a = f64(spd(50, 2, 3), [2, 3, 3]);
    await checkDerivatives("cholesky", (x) => L.cholesky(x), [a]);
    await checkDerivatives("cholesky upper", (x) => L.cholesky(x, { upper: true }), [a]);
    const a1 = take(a, 0, 0);
    const g = (x: T) => sg.sum(sg.mul(L.cholesky(x), f64(randData(3, 9), [3, 3]) as never) as never) as unknown as T;
    const gi = (x: T): T => grad(g)(x);
    await expectClose(hessian(g)(a1), await fdJacobian(gi, [a1], 0), { rtol: 1e-5, atol: 1e-6 });
  });

  for (const o of FLAGS) {
    it(`triangularSolve: jvp and vjp in a and b: ${show(o)}`, async () => {
      const n = 3;
      const a = f64(triangular(60, n, o.lower), [n, n]);
      const b = f64(randData(61, n * 2), o.leftSide ? [n, 2] : [2, n]);
      await checkDerivatives("triangularSolve", (x, y) => L.triangularSolve(x, y, o), [a, b]);
    });
  }

  it("lu: jvp and vjp of the packed factors, batched", async () => {
    // pivots well separated, so the permutation does not change under the differences
    const a = f64([0.3, 2, -1, 4, 0.5, 1, 1, 1.5, 3, 1, 0.2, 0.1, 0.4, -2, 1, -0.3, 0.6, 3], [2, 3, 3]);
    await checkDerivatives("lu", (x) => L.lu(x)[0], [a]);
  });
});
