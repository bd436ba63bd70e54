/** linalg.pinv, lstsq, matrixPower and the SVD norms: Moore–Penrose conditions, normal equations, plain products, closed forms, derivatives. */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { errorOf, expectClose, fdJacobian, jacfwd, jacrev, jit, vmap } from "../transforms/helpers.js";
import { eye, expectMatClose, flat, mat, mats, matmul, randn, tolOf, transpose, vecs, type M, type T } from "./decomp-helpers.js";
import { reduceSeq, mapSeq } from "../harness/read.js";

const L = sg.linalg as unknown as {
  pinv(a: T, rtol?: number): T;
  lstsq(a: T, b: T, rcond?: number): [T, T, T, T];
  matrixPower(a: T, n: number): T;
  norm(x: T, ord?: unknown, axis?: unknown, keepdims?: boolean): T;
  svd(a: T, full?: boolean, uv?: boolean): T;
};
const TOL = { rtol: 1e-6, atol: 1e-7 };

describe("linalg.pinv", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const shape of [[3, 3], [5, 3], [3, 5], [2, 4, 3]]) {
      it(`Moore–Penrose conditions, ${dtype} ${JSON.stringify(shape)}`, async () => {
        if (dtype === "float64") float64OnWasm();
        const a = randn(shape, 40 + shape[0]!, dtype);
        const p = L.pinv(a);
        expect(p.shape).toEqual([...shape.slice(0, -2), shape.at(-1), shape.at(-2)]);
        const tol = tolOf(dtype) * 20;
        const ps = await mats(p);
        (await mats(a)).forEach((am, i) => {
          const pm = ps[i]!;
          const ap = matmul(am, pm);
          const pa = matmul(pm, am);
          expectMatClose(matmul(ap, am), am, tol, "A·P·A = A");
          expectMatClose(matmul(pa, pm), pm, tol, "P·A·P = P");
          expectMatClose(transpose(ap), ap, tol, "(A·P)ᵀ = A·P");
          expectMatClose(transpose(pa), pa, tol, "(P·A)ᵀ = P·A");
        });
      });
    }
  }
  it("rank-deficient: the conditions hold with the tiny singular value dropped; zero matrix gives zeros", async () => {
    float64OnWasm();
    const rows: M = [[1, 2, 3], [2, 4, 6], [1, 1, 1], [0, 1, 2]];
    const p = (await mats(L.pinv(mat(rows))))[0]!;
    expectMatClose(matmul(matmul(rows, p), rows), rows, 1e-12, "A·P·A = A");
    expectMatClose(matmul(matmul(p, rows), p), p, 1e-12, "P·A·P = P");
    await expectClose(L.pinv(mat([[0, 0], [0, 0], [0, 0]])), [0, 0, 0, 0, 0, 0], { rtol: 0, atol: 0 });
  });
  it("derivatives (JAX's custom rule) against central differences, jit and vmap", async () => {
    float64OnWasm();
    for (const shape of [[3, 2], [2, 3], [3, 3]]) {
      const a = randn(shape, 50 + shape[0]!);
      const want = await fdJacobian((x: T) => L.pinv(x), [a], 0);
      await expectClose(jacfwd((x: T) => L.pinv(x))(a), want, TOL);
      await expectClose(jacrev((x: T) => L.pinv(x))(a), want, TOL);
    }
    const b = randn([3, 4, 2], 9);
    await expectClose(jit((x: T) => L.pinv(x))(b), L.pinv(b), { rtol: 1e-12, atol: 1e-12 });
    await expectClose(vmap((x: T) => L.pinv(x))(b), L.pinv(b), { rtol: 0, atol: 0 });
  });
});

describe("linalg.lstsq", () => {
  it("a tall full-rank system satisfies the normal equations AᵀA·x = Aᵀb; residuals and rank", async () => {
    float64OnWasm();
    const a = randn([6, 3], 1);
    const b = randn([6, 2], 2);
    const [x, res, rank, s] = L.lstsq(a, b);
    expect(x.shape).toEqual([3, 2]);
    expect(res.shape).toEqual([2]);
    expect(rank.dtype).toBe("int32");
    expect(await flat(rank)).toEqual([3]);
    const am = (await mats(a))[0]!;
    const bm = (await mats(b))[0]!;
    const xm = (await mats(x))[0]!;
    expectMatClose(matmul(matmul(transpose(am), am), xm), matmul(transpose(am), bm), 1e-12, "normal equations");
    const r = matmul(am, xm).map((row, i) => row.map((v, j) => bm[i]![j]! - v));
    await expectClose(res, [0, 1].map((j) => r.reduce((p, row) => p + row[j]! ** 2, 0)), { rtol: 1e-10, atol: 1e-12 });
    await expectClose(s, L.svd(a, false, false), { rtol: 0, atol: 0 });
  });
  it("a 1-D b gives x [n] and residuals [1]; a wide system the minimum-norm solution pinv(A)·b", async () => {
    float64OnWasm();
    const a = randn([2, 4], 3);
    const b = randn([2], 4);
    const [x, res, rank] = L.lstsq(a, b);
    expect(x.shape).toEqual([4]);
    expect(res.shape).toEqual([1]);
    expect(await flat(rank)).toEqual([2]);
    const p = (await mats(L.pinv(a)))[0]!;
    await expectClose(x, (await mapSeq(p, async (row) => (await reduceSeq(row, async (acc, v, j) => acc + v * (await flat(b))[j]!, 0)))), { rtol: 1e-10, atol: 1e-12 });
    await expectClose(res, [0], { rtol: 0, atol: 1e-24 });
  });
  it("rank deficiency lowers the rank; float32; errors", async () => {
    float64OnWasm();
    const [, , rank] = L.lstsq(mat([[1, 2], [2, 4], [3, 6]]), mat([[1], [2], [3]]));
    expect(await flat(rank)).toEqual([1]);
    const [x32] = L.lstsq(randn([5, 2], 6, "float32"), randn([5], 7, "float32"));
    expect(x32.dtype).toBe("float32");
    expect(L.lstsq(randn([5, 2], 6), randn([5], 7, "float32"))[0].dtype).toBe("float64");
    expect(errorOf(() => L.lstsq(sg.zeros([2, 3, 4]) as unknown as T, sg.zeros([3]) as unknown as T))).toBe("lstsq: a must be 2-D, got shape [2, 3, 4]");
    expect(errorOf(() => L.lstsq(sg.zeros([3, 2]) as unknown as T, sg.zeros([4]) as unknown as T))).toBe("lstsq: leading dims differ, a [3, 2] and b [4] (3 vs 4)");
    expect(errorOf(() => L.lstsq(sg.zeros([3, 2]) as unknown as T, sg.zeros([]) as unknown as T))).toBe("lstsq: b must be 1-D or 2-D, got shape []");
  });
  it("derivatives of x in a and b against central differences; vmap", async () => {
    float64OnWasm();
    const a = randn([4, 2], 8);
    const b = randn([4], 9);
    const f = (x: T, y: T) => L.lstsq(x, y)[0];
    for (const i of [0, 1]) {
      const want = await fdJacobian(f, [a, b], i);
      await expectClose(jacfwd(f, { argnums: i })(a, b), want, TOL);
      await expectClose(jacrev(f, { argnums: i })(a, b), want, TOL);
    }
    const bs = randn([3, 4], 10);
    const v = vmap((y: T) => f(a, y))(bs) as T;
    const each = [0, 1, 2].map((i) => f(a, sg.index(bs as never, i as never) as unknown as T));
    await expectClose(v, sg.stack(each as never) as unknown as T, { rtol: 1e-12, atol: 1e-12 });
  });
});

describe("linalg.matrixPower", () => {
  it("n = 0 … 5 against repeated plain products, batched, float32 and int32", async () => {
    float64OnWasm();
    const a = randn([2, 3, 3], 11);
    const as = await mats(a);
    for (let n = 0; n <= 5; n++) {
      const got = await mats(L.matrixPower(a, n));
      as.forEach((am, i) => {
        let want = eye(3);
        for (let k = 0; k < n; k++) want = matmul(want, am);
        expectMatClose(got[i]!, want, 1e-12, `n = ${n}`);
      });
    }
    const ai = mat([[1, 2], [3, 4]], "int32");
    const p3 = L.matrixPower(ai, 3);
    expect(p3.dtype).toBe("int32");
    expect(await flat(p3)).toEqual([37, 54, 81, 118]);
    expect(L.matrixPower(randn([3, 3], 1, "float32"), 2).dtype).toBe("float32");
  });
  it("negative n: the power of the inverse (A⁻²·A² = I)", async () => {
    float64OnWasm();
    const a = randn([3, 3], 12);
    expectMatClose(matmul((await mats(L.matrixPower(a, -2)))[0]!, (await mats(L.matrixPower(a, 2)))[0]!), eye(3), 1e-10, "A⁻²·A² = I");
    expectMatClose(matmul((await mats(L.matrixPower(a, -1)))[0]!, (await mats(a))[0]!), eye(3), 1e-12, "A⁻¹·A = I");
  });
  it("derivatives against central differences (n = 3 and n = -1); errors", async () => {
    float64OnWasm();
    const a = randn([3, 3], 13);
    for (const n of [3, -1]) {
      const f = (x: T) => L.matrixPower(x, n);
      const want = await fdJacobian(f, [a], 0);
      await expectClose(jacfwd(f)(a), want, TOL);
      await expectClose(jacrev(f)(a), want, TOL);
    }
    expect(errorOf(() => L.matrixPower(sg.zeros([2, 3]) as unknown as T, 2))).toBe("matrixPower: needs square matrices, got shape [2, 3]");
    expect(errorOf(() => L.matrixPower(sg.zeros([2, 2]) as unknown as T, 1.5))).toBe("matrixPower: n must be an integer, got 1.5");
  });
});

describe("linalg.norm: ord 2, -2 and nuc from the singular values", () => {
  it("a 2 × 2 closed form, batched over an axis pair with keepdims, and the derivative", async () => {
    float64OnWasm();
    const rows = [[3, -1], [2, 0.5]];
    const t = rows.flat().reduce((p, x) => p + x * x, 0);
    const d = rows[0]![0]! * rows[1]![1]! - rows[0]![1]! * rows[1]![0]!;
    const r = Math.sqrt(t * t - 4 * d * d);
    const [s1, s2] = [Math.sqrt((t + r) / 2), Math.sqrt((t - r) / 2)];
    const a = mat(rows);
    await expectClose(L.norm(a, 2), [s1], { rtol: 1e-14, atol: 0 });
    await expectClose(L.norm(a, -2), [s2], { rtol: 1e-14, atol: 0 });
    await expectClose(L.norm(a, "nuc"), [s1 + s2], { rtol: 1e-14, atol: 0 });
    await expectClose(sg.norm(a as never, 2) as unknown as T, [s1], { rtol: 1e-14, atol: 0 });
    // [2, 2, 3] with the matrices on axes [0, 2]: three slices along axis 1
    const b = randn([2, 3, 2], 14);
    const k = L.norm(b, "nuc", [0, 2], true);
    expect(k.shape).toEqual([1, 3, 1]);
    const sl = (j: number) => sg.index(b as never, j as never, 1 as never) as unknown as T;
    await expectClose(k, (await mapSeq([0, 1, 2], async (j) => (await vecs(L.svd(sl(j), false, false)))[0]!.reduce((p, x) => p + x, 0))), { rtol: 1e-14, atol: 1e-15 });
    const f = (x: T) => L.norm(x, 2);
    const c = randn([3, 2], 15);
    await expectClose(jacrev(f)(c), await fdJacobian(f, [c], 0), TOL);
    await expectClose(jacfwd(f)(c), await fdJacobian(f, [c], 0), TOL);
    expect(errorOf(() => L.norm(randn([3], 1), "nuc"))).toBe('norm: ord "nuc" is a matrix norm; axis 0 asks for a vector norm');
  });
});
