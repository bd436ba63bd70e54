/** linalg.qr: identities (Q·R = A, QᵀQ = I, R upper), modes, batching, vmap, jit and derivatives against finite differences. */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { errorOf, expectClose, fdJacobian, jacfwd, jacrev, jit, vmap } from "../transforms/helpers.js";
import { eye, expectMatClose, mat, mats, matmul, randn, tolOf, transpose, type T } from "./decomp-helpers.js";

const qr = sg.linalg.qr as unknown as (a: T, mode?: string) => [T, T] & T;

async function checkQr(shape: number[], dtype: "float32" | "float64", mode: "reduced" | "complete") {
  if (dtype === "float64") float64OnWasm();
  const a = randn(shape, shape.reduce((p, d) => p * 7 + d, 3), dtype);
  const [q, r] = qr(a, mode);
  const [m, n] = shape.slice(-2) as [number, number];
  const k = mode === "complete" ? m : Math.min(m, n);
  expect(q.shape).toEqual([...shape.slice(0, -2), m, k]);
  expect(r.shape).toEqual([...shape.slice(0, -2), k, n]);
  expect(q.dtype).toBe(dtype);
  const tol = tolOf(dtype);
  const as = await mats(a);
  const rs = await mats(r);
  (await mats(q)).forEach((qm, b) => {
    expectMatClose(matmul(qm, rs[b]!), as[b]!, tol, "Q·R = A");
    expectMatClose(matmul(transpose(qm), qm), eye(k), tol, "QᵀQ = I");
    rs[b]!.forEach((row, i) => row.forEach((v, j) => j < i && expect(v, "R upper").toBe(0)));
  });
}

describe("linalg.qr", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const shape of [[3, 3], [5, 3], [3, 5], [2, 4, 3], [2, 1, 3, 4], [1, 1], [6, 1]]) {
      it(`reduced ${dtype} ${JSON.stringify(shape)}`, async () => await checkQr(shape, dtype, "reduced"));
      it(`complete ${dtype} ${JSON.stringify(shape)}`, async () => await checkQr(shape, dtype, "complete"));
    }
  }

  it('mode "r" is R of the reduced decomposition; R\'s diagonal has LAPACK\'s signs', async () => {
    float64OnWasm();
    const a = mat([[1, 2], [3, 4], [5, 6]], "float64");
    const r = qr(a, "r");
    await expectClose(r, qr(a)[1]);
    // Householder on the first column (1, 3, 5): R₀₀ = −|(1, 3, 5)| = −√35 (minus the sign of the pivot 1)
    expect((await r.data())[0]).toBeCloseTo(-Math.sqrt(35), 12);
  });

  it("an already triangular matrix keeps its signs (no reflection where nothing lies below the pivot)", async () => {
    float64OnWasm();
    const a = mat([[-2, 1], [0, 3]], "float64");
    const [q, r] = qr(a);
    await expectClose(q, [1, 0, 0, 1]);
    await expectClose(r, [-2, 1, 0, 3]);
  });

  it("a rank-deficient matrix: still Q·R = A with orthonormal Q", async () => {
    float64OnWasm();
    const a = mat([[1, 2, 3], [2, 4, 6], [1, 1, 1]], "float64");
    const [q, r] = qr(a);
    expectMatClose(matmul((await mats(q))[0]!, (await mats(r))[0]!), (await mats(a))[0]!, 1e-12, "Q·R = A");
    expectMatClose(matmul(transpose((await mats(q))[0]!), (await mats(q))[0]!), eye(3), 1e-12, "QᵀQ = I");
  });

  it("NaN input gives NaN; integer input computes in float32", async () => {
    const [q, r] = qr(mat([[1, NaN], [0, 1]], "float32"));
    expect(Array.from(await q.data()).every(Number.isNaN)).toBe(true);
    expect(Array.from(await r.data()).every(Number.isNaN)).toBe(true);
    expect(qr(mat([[1, 2], [3, 4]], "int32"), "r").dtype).toBe("float32");
  });

  it("vmap and jit agree with the batched call", async () => {
    const a = randn([3, 4, 3], 11, "float32");
    const [q, r] = qr(a);
    const [vq, vr] = vmap((x: T) => qr(x))(a) as [T, T];
    await expectClose(vq, q, { rtol: 0, atol: 0 });
    await expectClose(vr, r, { rtol: 0, atol: 0 });
    const [jq, jr] = jit((x: T) => qr(x))(a) as [T, T];
    await expectClose(jq, q, { rtol: 1e-6, atol: 1e-6 });
    await expectClose(jr, r, { rtol: 1e-6, atol: 1e-6 });
  });

  it("rank and mode errors", () => {
    expect(errorOf(() => qr(sg.zeros([3]) as unknown as T))).toBe("qr: needs rank >= 2, got shape [3]");
    expect(errorOf(() => qr(sg.zeros([3, 3]) as unknown as T, "full"))).toMatch(/^qr: mode must be/);
  });
});

describe("linalg.qr derivatives (float64, against central differences)", () => {
  // Q and R are smooth functions of a full-rank A (the signs are locally constant), so no gauge to fix
  const cases: [string, number[]][] = [
    ["square", [3, 3]],
    ["tall", [4, 2]],
    ["batched", [2, 3, 2]],
  ];
  for (const [name, shape] of cases) {
    for (const out of [0, 1]) {
      it(`${name} ${out === 0 ? "Q" : "R"}: jacfwd and jacrev`, async () => {
        float64OnWasm();
        const a = randn(shape, 5 + shape.length);
        const f = (x: T) => qr(x)[out]!;
        const want = await fdJacobian(f, [a], 0);
        await expectClose(jacfwd(f)(a), want, { rtol: 1e-6, atol: 1e-7 });
        await expectClose(jacrev(f)(a), want, { rtol: 1e-6, atol: 1e-7 });
      });
    }
  }
  it("complete mode of a square matrix; second order (jacfwd of jacrev) of Q", async () => {
    float64OnWasm();
    const a = randn([3, 3], 2);
    const f = (x: T) => qr(x, "complete")[0]!;
    await expectClose(jacrev(f)(a), await fdJacobian(f, [a], 0), { rtol: 1e-6, atol: 1e-7 });
    const s = (x: T) => sg.sum(sg.mul(qr(x)[0] as never, mat([[1, 2, 3], [4, 5, 6], [7, 8, 9]], "float64") as never) as never) as unknown as T;
    const g = (x: T) => jacrev(s)(x) as T;
    await expectClose(jacfwd(g)(a), await fdJacobian(g, [a], 0), { rtol: 1e-5, atol: 1e-6 });
  });
  it("vmap of the gradient equals the per-matrix gradients", async () => {
    float64OnWasm();
    const a = randn([3, 4, 3], 8);
    const g = (x: T) => jacrev((y: T) => sg.sum(qr(y)[0] as never) as unknown as T)(x) as T;
    const v = vmap(g)(a) as T;
    const each = [0, 1, 2].map((i) => g(sg.index(a as never, i as never) as unknown as T));
    await expectClose(v, sg.stack(each as never) as unknown as T, { rtol: 1e-12, atol: 1e-12 });
  });
  it("float32 derivatives agree with float64 ones", async () => {
    float64OnWasm();
    const a = randn([4, 3], 31);
    const a32 = sg.astype(a as never, "float32") as unknown as T;
    for (const out of [0, 1]) {
      const f = (x: T) => qr(x)[out]!;
      const j32 = jacrev(f)(a32) as T;
      expect(j32.dtype).toBe("float32");
      await expectClose(j32, jacrev(f)(a) as T, { rtol: 1e-3, atol: 1e-4 });
      await expectClose(jacfwd(f)(a32), jacfwd(f)(a) as T, { rtol: 1e-3, atol: 1e-4 });
    }
  });
  it("m < n, and complete with m > n: an error, as in JAX", () => {
    float64OnWasm();
    expect(errorOf(() => jacrev((x: T) => qr(x)[1]!)(randn([2, 3], 1)))).toBe("qr: the derivative is not implemented for shape [2, 3] (m < n), as in JAX");
    expect(errorOf(() => jacfwd((x: T) => qr(x, "complete")[0]!)(randn([3, 2], 1)))).toBe('qr: the derivative is not implemented for shape [3, 2] in mode "complete" (m > n), as in JAX');
  });
});
