/** linalg.svd: U·S·Vᵀ = A with orthonormal U and V, descending s, closed forms, batching, vmap, jit and derivatives. */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { errorOf, expectClose, fdJacobian, jacfwd, jacrev, jit, vmap } from "../transforms/helpers.js";
import { diag, eye, expectMatClose, mat, mats, matmul, randn, tolOf, transpose, vecs, type T } from "./decomp-helpers.js";
import { eachSeq } from "../harness/read.js";

const svd = sg.linalg.svd as unknown as ((a: T, full?: boolean, uv?: boolean) => [T, T, T]) & ((a: T, full: boolean, uv: false) => T);

async function checkSvd(a: T, full: boolean, tol: number) {
  const [u, s, vh] = svd(a, full);
  const [m, n] = a.shape.slice(-2) as [number, number];
  const k = Math.min(m, n);
  const b = a.shape.slice(0, -2);
  expect(u.shape).toEqual([...b, m, full ? m : k]);
  expect(s.shape).toEqual([...b, k]);
  expect(vh.shape).toEqual([...b, full ? n : k, n]);
  const ss = await vecs(s);
  const vhs = await mats(vh);
  const as = await mats(a);
  (await mats(u)).forEach((um, i) => {
    const uc = um[0]?.length ?? 0;
    const vr = vhs[i]!.length;
    expectMatClose(matmul(matmul(um, diag(ss[i]!, uc, vr)), vhs[i]!), as[i]!, tol, "U·S·Vᵀ = A");
    expectMatClose(matmul(transpose(um), um), eye(uc), tol, "UᵀU = I");
    expectMatClose(matmul(vhs[i]!, transpose(vhs[i]!)), eye(vr), tol, "VᵀV = I");
    ss[i]!.forEach((x, j) => {
      expect(x).toBeGreaterThanOrEqual(0);
      if (j > 0) expect(x, "descending").toBeLessThanOrEqual(ss[i]![j - 1]!);
    });
    // the sign convention: u's columns (the first k) have their entry of largest magnitude positive
    for (let j = 0; j < k; j++) {
      const col = um.map((row) => row[j]!);
      const big = col.reduce((bi, x, r) => (Math.abs(x) > Math.abs(col[bi]!) ? r : bi), 0);
      expect(col[big]!).toBeGreaterThan(0);
    }
  });
}

describe("linalg.svd", () => {
  for (const dtype of ["float64", "float32"] as const) {
    for (const shape of [[3, 3], [5, 3], [3, 5], [2, 4, 3], [2, 1, 2, 4], [1, 1], [1, 4], [6, 1], [9, 9]]) {
      for (const full of [true, false]) {
        it(`${dtype} ${JSON.stringify(shape)} fullMatrices ${full}`, async () => {
          if (dtype === "float64") float64OnWasm();
          await checkSvd(randn(shape, shape.length * 31 + shape[0]!, dtype), full, tolOf(dtype) * 10);
        });
      }
    }
  }

  it("closed form of a 2 × 2 matrix: s² = (t ± √(t² − 4d²))/2 with t = ‖A‖²_F, d = det A", async () => {
    float64OnWasm();
    const rows = [[3, -1], [2, 0.5]];
    const t = rows.flat().reduce((p, x) => p + x * x, 0);
    const d = rows[0]![0]! * rows[1]![1]! - rows[0]![1]! * rows[1]![0]!;
    const r = Math.sqrt(t * t - 4 * d * d);
    await expectClose(svd(mat(rows), true, false), [Math.sqrt((t + r) / 2), Math.sqrt((t - r) / 2)], { rtol: 1e-14, atol: 0 });
  });

  it("rank-deficient and zero matrices still give orthonormal U and V (completed)", async () => {
    float64OnWasm();
    // rank one: u vᵀ with |u| = 3, |v| = 5
    const rank1 = mat([[3 * 0.6, 3 * 0.8, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    await checkSvd(rank1, true, 1e-13);
    await expectClose(svd(rank1, false, false), [3, 0, 0], { rtol: 0, atol: 1e-15 });
    await checkSvd(mat([[0, 0, 0], [0, 0, 0]]), true, 0);
    await checkSvd(mat([[1, 2, 3], [2, 4, 6], [1, 1, 1]]), false, 1e-13);
  });

  it("NaN or infinite input gives NaN; rank error", async () => {
    const [u, s, vh] = svd(mat([[1, NaN], [0, 1]], "float32"));
    for (const x of [u, s, vh]) expect(Array.from(await x.data()).every(Number.isNaN)).toBe(true);
    expect(Array.from(await svd(mat([[1, -Infinity], [0, 1]], "float32"), true, false).data()).every(Number.isNaN)).toBe(true);
    expect(errorOf(() => svd(sg.zeros([3]) as unknown as T))).toBe("svd: needs rank >= 2, got shape [3]");
  });

  it("vmap and jit agree with the batched call", async () => {
    const a = randn([3, 4, 2], 4, "float32");
    const r = svd(a, false);
    const v = vmap((x: T) => svd(x, false))(a) as T[];
    const j = jit((x: T) => svd(x, false))(a) as T[];
    await eachSeq(r, async (x, i) => {
      await expectClose(v[i]!, x, { rtol: 0, atol: 0 });
      await expectClose(j[i]!, x, { rtol: 1e-6, atol: 1e-6 });
    });
  });
});

describe("linalg.svd derivatives (float64, against central differences)", () => {
  // gauge-invariant: s, and u², vh² (a pair's common sign drops out) for distinct singular values
  const fs = (x: T) => svd(x, false, false);
  const fu2 = (x: T) => sg.square(svd(x, false)[0] as never) as unknown as T;
  const fv2 = (x: T) => sg.square(svd(x, false)[2] as never) as unknown as T;
  for (const shape of [[3, 3], [4, 2], [2, 4], [2, 3, 2]]) {
    it(`${JSON.stringify(shape)}: s, u², vh², jacfwd and jacrev`, async () => {
      float64OnWasm();
      const a = randn(shape, 7 + shape[0]! * 3 + shape[1]!);
      for (const f of [fs, fu2, fv2]) {
        const want = await fdJacobian(f, [a], 0);
        await expectClose(jacfwd(f)(a), want, { rtol: 1e-6, atol: 1e-7 });
        await expectClose(jacrev(f)(a), want, { rtol: 1e-6, atol: 1e-7 });
      }
    });
  }
  it("s of fullMatrices (the default) differentiates; u of a square full one too; non-square full u is an error, as JAX", async () => {
    float64OnWasm();
    const a = randn([3, 2], 3);
    const s = (x: T) => svd(x)[1];
    await expectClose(jacrev(s)(a), await fdJacobian(s, [a], 0), { rtol: 1e-6, atol: 1e-7 });
    const sq = randn([3, 3], 4);
    const u2 = (x: T) => sg.square(svd(x)[0] as never) as unknown as T;
    await expectClose(jacrev(u2)(sq), await fdJacobian(u2, [sq], 0), { rtol: 1e-6, atol: 1e-7 });
    expect(errorOf(() => jacrev((x: T) => svd(x)[0])(a))).toBe(
      "svd: the derivative of u and vh is not implemented with fullMatrices for shape [3, 2] (not square), as in JAX; pass fullMatrices false",
    );
  });
  it("float32 derivatives agree with float64 ones", async () => {
    float64OnWasm();
    const a = randn([4, 3], 33);
    const a32 = sg.astype(a as never, "float32") as unknown as T;
    for (const f of [fs, fu2, fv2]) {
      const j32 = jacrev(f)(a32) as T;
      expect(j32.dtype).toBe("float32");
      await expectClose(j32, jacrev(f)(a) as T, { rtol: 1e-3, atol: 1e-4 });
      await expectClose(jacfwd(f)(a32), jacfwd(f)(a) as T, { rtol: 1e-3, atol: 1e-4 });
    }
  });
  it("second order: the Hessian of the nuclear norm", async () => {
    float64OnWasm();
    const a = randn([3, 2], 12);
    const g = (x: T) => jacrev((y: T) => sg.sum(fs(y) as never) as unknown as T)(x) as T;
    await expectClose(jacfwd(g)(a), await fdJacobian(g, [a], 0), { rtol: 1e-5, atol: 1e-6 });
  });
  it("vmap of the gradient equals the per-matrix gradients", async () => {
    float64OnWasm();
    const a = randn([3, 3, 2], 13);
    const g = (x: T) => jacrev((y: T) => sg.sum(sg.mul(fu2(y) as never, y as never) as never) as unknown as T)(x) as T;
    const each = [0, 1, 2].map((i) => g(sg.index(a as never, i as never) as unknown as T));
    await expectClose(vmap(g)(a) as T, sg.stack(each as never) as unknown as T, { rtol: 1e-12, atol: 1e-12 });
  });
});
