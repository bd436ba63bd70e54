/**
 * The case that started the project, with exact values: F1(x) = 1/x elementwise and
 * F2(x) = x0^2 + x1^3 row-wise, over the batch [[1, 2], [3, 4]].
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { grad, vmap, jit, jacobian, jacfwd, hessian, expectClose, flat, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";

const S: any = sg;
const F1 = (x: T) => S.div(1, x);
const F2 = (x: T) => S.add(S.square(S.index(x, 0)), S.pow(S.index(x, 1), 3));

for (const dtype of ["float32", "float64"] as const) {
  describe(`the seed case in ${dtype}`, () => {
    // gpu.js is float32-only: the float64 case runs on wasm there, by design; float32 may not fall back
    if (dtype === "float64") float64Suite();
    const x = sg.tensor([[1, 2], [3, 4]], dtype) as unknown as T;
    const xs = [1, 2, 3, 4]; // x's elements
    const tol = dtype === "float32" ? { rtol: 2e-7, atol: 0 } : { rtol: 1e-15, atol: 0 };

    it("F1' = -1/x^2 by vmap(vmap(grad(F1)))", async () => {
      const d1 = vmap(vmap(grad(F1)))(x);
      expect(d1.shape).toEqual([2, 2]);
      expect(d1.dtype).toBe(dtype);
      await expectClose(d1, xs.map((v) => -1 / v ** 2), tol);
    });

    it("F1'' = 2/x^3 by vmap(vmap(grad(grad(F1))))", async () => {
      const d2 = vmap(vmap(grad(grad(F1))))(x);
      expect(d2.shape).toEqual([2, 2]);
      await expectClose(d2, xs.map((v) => 2 / v ** 3), tol);
      // and by forward over reverse, and under jit
      await expectClose(vmap(vmap(jacfwd(grad(F1))))(x), xs.map((v) => 2 / v ** 3), tol);
      await expectClose(jit(vmap(vmap(grad(grad(F1)))))(x), xs.map((v) => 2 / v ** 3), tol);
    });

    it("F2's row-wise Jacobian [2 x0, 3 x1^2] by vmap(jacobian(F2))", async () => {
      const j = vmap(jacobian(F2))(x);
      expect(j.shape).toEqual([2, 2]);
      await expectClose(j, [2 * 1, 3 * 2 ** 2, 2 * 3, 3 * 4 ** 2], tol);
      await expectClose(vmap(grad(F2))(x), [2, 12, 6, 48], tol);
    });

    it("F2's second derivatives [2, 6 x1] by vmap(x => diagonal(hessian(F2)(x)))", async () => {
      const h = vmap((r: T) => S.diagonal(hessian(F2)(r)))(x);
      expect(h.shape).toEqual([2, 2]);
      await expectClose(h, [2, 6 * 2, 2, 6 * 4], tol);
      // the full Hessians are diagonal
      const full = vmap(hessian(F2))(x);
      expect(full.shape).toEqual([2, 2, 2]);
      await expectClose(full, [2, 0, 0, 12, 2, 0, 0, 24], tol);
    });

    it("the wrong form from the original report computes something else (gradient of output 0)", async () => {
      // grad(a => F1(a)[0]) is the gradient of the first element with respect to the whole row
      const wrong = vmap(grad((a: T) => S.index(F1(a), 0)))(x);
      await expectClose(wrong, [-1, 0, -1 / 9, 0], tol);
    });
  });
}
