/** linalg.eigh: V·diag(w)·Vᵀ = A, VᵀV = I, ascending w, closed forms, one triangle, batching, vmap, jit and derivatives. */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { errorOf, expectClose, fdJacobian, jacfwd, jacrev, jit, vmap } from "../transforms/helpers.js";
import { diag, eye, expectMatClose, mat, mats, matmul, randSym, tolOf, transpose, vecs, type T } from "./decomp-helpers.js";

const eigh = sg.linalg.eigh as unknown as (a: T, uplo?: string | null, sym?: boolean) => [T, T];

async function checkEigh(batch: number[], n: number, dtype: "float32" | "float64") {
  if (dtype === "float64") float64OnWasm();
  const a = await randSym(batch, n, 17 * n + batch.length, dtype);
  const [w, v] = eigh(a);
  expect(w.shape).toEqual([...batch, n]);
  expect(v.shape).toEqual([...batch, n, n]);
  expect(w.dtype).toBe(dtype);
  const tol = tolOf(dtype) * n;
  const ws = await vecs(w);
  const as = await mats(a);
  (await mats(v)).forEach((vm, b) => {
    expectMatClose(matmul(matmul(vm, diag(ws[b]!)), transpose(vm)), as[b]!, tol, "V·diag(w)·Vᵀ = A");
    expectMatClose(matmul(transpose(vm), vm), eye(n), tol, "VᵀV = I");
    ws[b]!.forEach((x, i) => i > 0 && expect(x, "ascending").toBeGreaterThanOrEqual(ws[b]![i - 1]!));
    // the sign convention: each column's entry of largest magnitude is positive
    for (let j = 0; j < n; j++) {
      const col = vm.map((row) => row[j]!);
      const big = col.reduce((bi, x, i) => (Math.abs(x) > Math.abs(col[bi]!) ? i : bi), 0);
      expect(col[big]!).toBeGreaterThan(0);
    }
  });
}

describe("linalg.eigh", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const [batch, n] of [[[], 1], [[], 2], [[], 5], [[3], 4], [[2, 2], 3], [[], 12]] as [number[], number][]) {
      it(`${dtype} [${[...batch, n, n].join(", ")}]`, async () => await checkEigh(batch, n, dtype));
    }
  }

  it("a tridiagonal Toeplitz matrix has eigenvalues a + 2b·cos(kπ/(n+1))", async () => {
    float64OnWasm();
    const n = 7;
    const rows = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 2 : Math.abs(i - j) === 1 ? -0.7 : 0)));
    const want = Array.from({ length: n }, (_, k) => 2 - 1.4 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((x, y) => x - y);
    await expectClose(eigh(mat(rows))[0], want, { rtol: 0, atol: 1e-14 });
  });

  it("repeated eigenvalues: the identity and a rank-one update still decompose", async () => {
    float64OnWasm();
    const [w, v] = eigh(mat([[2, 1, 1], [1, 2, 1], [1, 1, 2]]));
    await expectClose(w, [1, 1, 4], { rtol: 0, atol: 1e-14 });
    expectMatClose(matmul(transpose((await mats(v))[0]!), (await mats(v))[0]!), eye(3), 1e-14, "VᵀV = I");
    await expectClose(eigh(mat(eye(3)))[1], eye(3).flat(), { rtol: 0, atol: 0 });
  });

  it("symmetrizeInput false reads one triangle: UPLO L (default) or U", async () => {
    float64OnWasm();
    // lower triangle [[1, ·], [2, 3]], upper [[1, 5], [·, 3]]
    const a = mat([[1, 5], [2, 3]]);
    const ev = (b: number) => [2 - Math.sqrt(1 + b * b), 2 + Math.sqrt(1 + b * b)];
    await expectClose(eigh(a, null, false)[0], ev(2), { rtol: 0, atol: 1e-14 });
    await expectClose(eigh(a, "U", false)[0], ev(5), { rtol: 0, atol: 1e-14 });
    // symmetrised (default): off-diagonal (5 + 2)/2
    await expectClose(eigh(a)[0], ev(3.5), { rtol: 0, atol: 1e-14 });
  });

  it("NaN or infinite input gives NaN; errors", async () => {
    const [w, v] = eigh(mat([[1, NaN], [NaN, 1]], "float32"));
    expect(Array.from(await w.data()).every(Number.isNaN)).toBe(true);
    expect(Array.from(await v.data()).every(Number.isNaN)).toBe(true);
    // infinite input too; a NaN in the triangle not read does not count
    expect(Array.from(await eigh(mat([[1, Infinity], [Infinity, 1]], "float32"))[0].data()).every(Number.isNaN)).toBe(true);
    await expectClose(eigh(mat([[2, NaN], [0, 3]], "float32"), "L", false)[0], [2, 3], { rtol: 0, atol: 0 });
    expect(errorOf(() => eigh(sg.zeros([3, 4]) as unknown as T))).toBe("eigh: needs square matrices, got shape [3, 4]");
    expect(errorOf(() => eigh(sg.zeros([3]) as unknown as T))).toBe("eigh: needs rank >= 2, got shape [3]");
  });

  it("vmap and jit agree with the batched call", async () => {
    const a = await randSym([3], 4, 5, "float32");
    const [w, v] = eigh(a);
    const [vw, vv] = vmap((x: T) => eigh(x))(a) as [T, T];
    await expectClose(vw, w, { rtol: 0, atol: 0 });
    await expectClose(vv, v, { rtol: 0, atol: 0 });
    const [jw, jv] = jit((x: T) => eigh(x))(a) as [T, T];
    await expectClose(jw, w, { rtol: 1e-6, atol: 1e-6 });
    await expectClose(jv, v, { rtol: 1e-6, atol: 1e-6 });
  });
});

describe("linalg.eigh derivatives (float64, against central differences)", () => {
  // gauge-invariant functions: the eigenvalues, and v² (each eigenvector's sign drops out)
  const fw = (x: T) => eigh(x)[0];
  const fv2 = (x: T) => sg.square(eigh(x)[1] as never) as unknown as T;
  for (const [name, batch, n] of [["3 × 3", [], 3], ["batched", [2], 3], ["5 × 5", [], 5]] as [string, number[], number][]) {
    it(`${name}: eigenvalues and v², jacfwd and jacrev`, async () => {
      float64OnWasm();
      const a = await randSym(batch, n, 3 + n);
      for (const f of [fw, fv2]) {
        const want = await fdJacobian(f, [a], 0);
        await expectClose(jacfwd(f)(a), want, { rtol: 1e-6, atol: 1e-7 });
        await expectClose(jacrev(f)(a), want, { rtol: 1e-6, atol: 1e-7 });
      }
    });
  }
  it("float32 derivatives agree with float64 ones", async () => {
    float64OnWasm();
    const a = await randSym([], 4, 32);
    const a32 = sg.astype(a as never, "float32") as unknown as T;
    for (const f of [fw, fv2]) {
      const j32 = jacrev(f)(a32) as T;
      expect(j32.dtype).toBe("float32");
      await expectClose(j32, jacrev(f)(a) as T, { rtol: 1e-3, atol: 1e-4 });
      await expectClose(jacfwd(f)(a32), jacfwd(f)(a) as T, { rtol: 1e-3, atol: 1e-4 });
    }
  });
  it("second order: the Hessian of the largest eigenvalue", async () => {
    float64OnWasm();
    const a = await randSym([], 3, 9);
    const top = (x: T) => sg.index(eigh(x)[0] as never, 2 as never) as unknown as T;
    const g = (x: T) => jacrev(top)(x) as T;
    await expectClose(jacfwd(g)(a), await fdJacobian(g, [a], 0), { rtol: 1e-5, atol: 1e-6 });
  });
  it("vmap of the gradient equals the per-matrix gradients", async () => {
    float64OnWasm();
    const a = await randSym([3], 4, 21);
    const g = (x: T) => jacrev((y: T) => sg.sum(sg.mul(fv2(y) as never, y as never) as never) as unknown as T)(x) as T;
    const each = [0, 1, 2].map((i) => g(sg.index(a as never, i as never) as unknown as T));
    await expectClose(vmap(g)(a) as T, sg.stack(each as never) as unknown as T, { rtol: 1e-12, atol: 1e-12 });
  });
});
