/**
 * Run-time errors of the transformations: each names the problem, the argument and the shapes.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { grad, valueAndGrad, vmap, jit, jvp, vjp, hessian, jacfwd, jacrev, errorOf, f64, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

const S: any = sg;
const x3 = f64([1, 2, 3], [3]);
const x2 = f64([1, 2], [2]);

describe("grad, valueAndGrad, hessian", () => {
  it("grad of a non-scalar output says scalar and shows the shape", () => {
    const m = errorOf(() => grad((x: T) => S.mul(x, 2))(x3));
    expect(m).toMatch(/^grad: /);
    expect(m).toMatch(/scalar/);
    expect(m).toContain("[3]");
    expect(m).toMatch(/jacobian/);
    expect(errorOf(() => valueAndGrad((x: T) => S.reshape(x, [3, 1]))(x3))).toMatch(/valueAndGrad: .*scalar.*\[3, 1\]/);
    expect(errorOf(() => hessian((x: T) => x)(x3))).toMatch(/hessian: .*scalar.*\[3\]/);
  });
  it("grad of a pytree output, of an int output, with respect to an int input", () => {
    expect(errorOf(() => grad((x: T) => [S.sum(x)])(x3))).toMatch(/scalar/);
    expect(errorOf(() => grad((x: T) => S.astype(S.sum(x), "int32"))(x3))).toMatch(/float scalar.*int32/);
  });
  // the same texts as the compile-time errors (types/transforms/inputs.test.ts)
  const dtypeMsg = (op: string, at: string, d: string) => `${op}: argument ${at} has dtype ${d}; ${op} requires float inputs (convert it with astype, or leave it out of argnums)`;
  it("with respect to a non-float tensor or leaf: the argument, the leaf's path and its dtype", () => {
    const i2 = sg.tensor([1, 2], "int32");
    const fi = (x: T) => S.sum(S.astype(x, "float32"));
    expect(errorOf(() => grad(fi)(i2))).toBe(dtypeMsg("grad", "0", "int32"));
    expect(errorOf(() => valueAndGrad(fi)(i2))).toBe(dtypeMsg("valueAndGrad", "0", "int32"));
    expect(errorOf(() => hessian(fi)(i2))).toBe(dtypeMsg("hessian", "0", "int32"));
    expect(errorOf(() => jacfwd((x: T) => S.astype(x, "float32"))(i2))).toBe(dtypeMsg("jacfwd", "0", "int32"));
    expect(errorOf(() => jacrev((x: T) => S.astype(x, "float32"))(i2))).toBe(dtypeMsg("jacrev", "0", "int32"));
    // a pytree: the first non-float leaf in the order of its keys
    const lp = (a: T, p: { w: T; n: T; b: [T, T] }) => S.sum(S.mul(a, p.w));
    expect(errorOf(() => grad(lp, { argnums: 1 })(x3, { w: x3, n: x3, b: [x3, i2] }))).toBe(dtypeMsg("grad", "1.b[1]", "int32"));
    // argnum by argnum, in the order given
    expect(errorOf(() => grad((_y: number, x: T) => S.sum(S.astype(x, "float32")), { argnums: [1, 0] })(3, i2))).toBe(dtypeMsg("grad", "1", "int32"));
    // not chosen by argnums: no error
    expect(() => grad(lp)(x3, { w: x3, n: x3, b: [x3, i2] })).not.toThrow();
  });
  it("grad with respect to a number (static) is an error, not the number itself", () => {
    const no = "holds no tensor to differentiate with respect to; pass a float tensor (e.g. tensor(3) for a number)";
    expect(errorOf(() => grad((y: T) => S.mul(y, y))(3))).toBe(`grad: argument 0 ${no}`);
    expect(errorOf(() => grad((y: number, x: T) => S.sum(S.mul(x, y)), { argnums: [1, 0] })(3, x3))).toBe(`grad: argument 0 ${no}`);
  });
  it("argnums out of range names the count", () => {
    expect(errorOf(() => grad((a: T, _b: T) => S.sum(a), { argnums: 2 })(x3, x3))).toMatch(/argnums 2 is out of range for a call with 2 arguments/);
    expect(errorOf(() => grad((a: T) => S.sum(a), { argnums: [] })(x3))).toMatch(/argnums is empty/);
    expect(errorOf(() => jacfwd((a: T) => a, { argnums: 1 })(x3))).toMatch(/argnums 1 is out of range/);
  });
  it("a non-function is refused", () => {
    expect(errorOf(() => grad(3 as never))).toMatch(/grad: expected a function, got number/);
    expect(errorOf(() => vmap(null as never))).toMatch(/vmap: expected a function, got null/);
  });
  it("jacobians need a tensor (or a pytree of them) to differentiate", () => {
    expect(errorOf(() => jacrev((n: number) => S.mul(x3, n))(2))).toMatch(/jacrev: argument 0 holds no tensor/);
  });
});

describe("vmap", () => {
  it("mapped arguments with different batch sizes: names both arguments and sizes", () => {
    const m = errorOf(() => vmap((a: T, b: T) => S.add(a, b))(x3, x2));
    expect(m).toMatch(/^vmap: mapped axes have different sizes/);
    expect(m).toContain("argument 0 has size 3 on axis 0 (shape [3])");
    expect(m).toContain("argument 1 has size 2 on axis 0 (shape [2])");
    // inside a pytree argument, the leaves are named by their path
    const m2 = errorOf(() => vmap((p: { a: T; b: T }) => S.add(p.a, p.b))({ a: x3, b: x2 }));
    expect(m2).toContain("argument 0.a has size 3");
    expect(m2).toContain("argument 0.b has size 2");
    // leaves of one argument: the suggestion that it is not batched
    expect(m2).toMatch(/; if argument 0 is not batched, give it inAxes null \(e\.g\. inAxes: \[null, 0\]\)$/);
    expect(m).not.toMatch(/not batched/);
    const m3 = errorOf(() => vmap((a: T, b: T) => S.add(a, b), { inAxes: [1, 0] })(f64([1, 2, 3, 4, 5, 6], [2, 3]), x2));
    expect(m3).toContain("argument 0 has size 3 on axis 1 (shape [2, 3])");
  });
  it("an axis out of range names the argument, axis and shape", () => {
    const m = errorOf(() => vmap((a: T) => a, { inAxes: 2 })(f64([1, 2, 3, 4], [2, 2])));
    expect(m).toMatch(/inAxes\[0\] = 2 is out of range for argument 0 of shape \[2, 2\] \(rank 2\)/);
    expect(errorOf(() => vmap((a: T) => a, { inAxes: -3 })(f64([1, 2, 3, 4], [2, 2])))).toMatch(/-3 is out of range/);
    expect(errorOf(() => vmap((a: T) => a)(f64([1], [])))).toMatch(/shape \[\] \(rank 0\)/);
    expect(errorOf(() => vmap((a: T) => a, { outAxes: 2 })(x3))).toMatch(/outAxes 2 is out of range for output 0 of shape \[3\]/);
  });
  it("inAxes with the wrong number of entries", () => {
    expect(errorOf(() => vmap((a: T, _b: T) => a, { inAxes: [0] })(x3, x3))).toMatch(/inAxes has 1 entries but the function was called with 2 arguments/);
    expect(errorOf(() => vmap((a: T) => [a, a], { outAxes: [0] })(x3))).toMatch(/outAxes has 1 entries but the function returns 2 tensors/);
  });
  it("nothing mapped", () => {
    expect(errorOf(() => vmap((a: T) => a, { inAxes: [null] })(x3))).toMatch(/no argument is mapped/);
    expect(errorOf(() => vmap((a: T, _b: T) => a, { inAxes: [null, null] })(x3, x3))).toMatch(/no argument is mapped/);
  });
  it("the inner function sees the shape without the mapped axis (its own shape errors say so)", () => {
    const m = errorOf(() => vmap((a: T) => S.matmul(a, f64([1, 2, 3], [3, 1])))(f64([1, 2, 3, 4, 5, 6], [3, 2])));
    expect(m).toMatch(/matmul: inner dims differ, \[2\] @ \[3, 1\]/);
  });
});

describe("vjp and jvp", () => {
  it("vjp with a cotangent of the wrong structure, shape or dtype", () => {
    const [, back] = vjp((a: T) => [a, S.mul(a, 2)], x3);
    expect(errorOf(() => back(x3))).toMatch(/vjp: the cotangent: expected the structure \[Tensor\[3\], Tensor\[3\]\], got Tensor\[3\]/);
    const [, back2] = vjp((a: T) => S.mul(a, 2), x3);
    expect(errorOf(() => back2(x2))).toMatch(/vjp: the cotangent: expected Tensor\[3\], got Tensor\[2\]/);
    expect(errorOf(() => back2({ a: x3 }))).toMatch(/expected the structure Tensor\[3\], got \{ a: Tensor\[3\] \}/);
    expect(errorOf(() => back2(sg.tensor([1, 2, 3])))).toMatch(/vjp: the cotangent of output 0 has dtype float32, the output is float64\[3\]/);
  });
  it("jvp with a tangent of the wrong shape, dtype or count", () => {
    expect(errorOf(() => jvp((a: T) => a, [x3], [x2]))).toMatch(/jvp: tangent 0: expected Tensor\[3\], got Tensor\[2\]/);
    expect(errorOf(() => jvp((a: T) => a, [x3], [sg.tensor([1, 2, 3])]))).toMatch(/jvp: tangent 0 has dtype float32, its primal float64/);
    expect(errorOf(() => jvp((a: T) => a, [x3], []))).toMatch(/jvp: 1 primals but 0 tangents/);
    expect(errorOf(() => jvp((p: { a: T }) => p.a, [{ a: x3 }], [{ b: x3 }]))).toMatch(/jvp: tangent 0: expected the structure \{ a: Tensor\[3\] \}, got \{ b: Tensor\[3\] \}/);
  });
});

describe("escaped tracers", () => {
  const escaped = /traced value was used outside the transformation that created it/;
  it("a traced value stored in an outer variable and used later is a clear error", () => {
    let leaked: T | null = null;
    grad((a: T) => {
      leaked = S.mul(a, 2);
      return S.sum(a);
    })(x3);
    expect(leaked!.isTraced).toBe(true);
    // eagerly
    expect(errorOf(() => S.add(leaked, 1))).toMatch(escaped);
    // in a later transformation
    expect(errorOf(() => grad((b: T) => S.sum(S.mul(b, leaked)))(x3))).toMatch(escaped);
    expect(errorOf(() => vmap((b: T) => S.add(b, leaked))(x3))).toMatch(escaped);
    expect(errorOf(() => jit((b: T) => S.add(b, leaked))(x3))).toMatch(escaped);
    // passed as an argument
    expect(errorOf(() => jit((b: T) => S.add(b, 1))(leaked))).toMatch(escaped);
    expect(errorOf(() => grad((b: T) => S.sum(b))(leaked))).toMatch(escaped);
  });
  it("a value leaked from an inner transformation into its enclosing one", () => {
    let inner: T | null = null;
    const f = (x: T) => {
      grad((y: T) => {
        inner = S.mul(y, x);
        return S.sum(y);
      })(x);
      return S.sum(S.mul(inner, 2));
    };
    expect(errorOf(() => grad(f)(x3))).toMatch(escaped);
  });
  it("reading the value of a traced tensor inside a transformation", () => {
    expect(errorOf(() => grad((a: T) => (a.toArray(), S.sum(a)))(x3))).toMatch(/traced tensor/);
  });
});
