/**
 * lax.whileLoop and foriLoop with traced bounds: values against JavaScript loops, jvp against
 * float64 central differences, the reverse-mode error, vmap (an unbatched and a batched
 * predicate) against stacking, and jit with traced bounds (one trace, different trip counts).
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { whileStats } from "../../src/prims/while.js";
import { expectClose, fdJacobian, f64, flat, grad, jacfwd, jit, jvp, vmap, type T } from "./helpers.js";
import { eachSeq, mapSeq } from "../harness/read.js";

const S: any = sg;
const lax: any = sg.lax;
const i32 = (data: number[], shape: number[]): T => sg.tensor(Int32Array.from(data), shape, "int32") as unknown as T;
const f32 = (data: number[], shape: number[]): T => sg.tensor(Float32Array.from(data), shape, "float32") as unknown as T;

/** Collatz: [n, steps] until n is 1 (n in float32, exact for these integers, so that gpu.js runs it) */
const collatz = (n: T) =>
  lax.whileLoop(
    ([m]: [T, T]) => S.notEqual(m, 1),
    ([m, k]: [T, T]) => [S.where(S.equal(S.remainder(m, 2), 0), S.div(m, 2), S.add(S.mul(m, 3), 1)), S.add(k, 1)],
    [n, S.zerosLike(S.astype(n, "int32"))],
  );
function jsCollatz(n: number): number {
  let k = 0;
  for (; n !== 1; k++) n = n % 2 === 0 ? n / 2 : 3 * n + 1;
  return k;
}
/** Newton's iteration for sqrt(a) until |x² - a| <= tol; returns { x, k } */
const newton = (a: T, tol: number) =>
  lax.whileLoop(
    (c: { x: T; k: T }) => S.greater(S.abs(S.sub(S.mul(c.x, c.x), a)), tol),
    (c: { x: T; k: T }) => ({ x: S.mul(S.add(c.x, S.div(a, c.x)), 0.5), k: S.add(c.k, 1) }),
    { x: a, k: i32([0], []) },
  );

describe("lax.whileLoop values", () => {
  it("Collatz step counts match a JavaScript loop", async () => {
    for (const n of [1, 6, 7, 27]) {
      const [m, k] = collatz(f32([n], []));
      expect(await flat(m)).toEqual([1]);
      expect(await flat(k)).toEqual([jsCollatz(n)]);
    }
  });
  it("Newton's iteration to a tolerance (a pytree carry)", async () => {
    const { x, k } = newton(f32([10], []), 1e-4);
    let v = Math.fround(10), n = 0;
    while (Math.abs(Math.fround(v * v) - 10) > 1e-4) {
      v = Math.fround(Math.fround(v + Math.fround(10 / v)) * 0.5);
      n++;
    }
    await expectClose(x, [v], { rtol: 1e-6 });
    expect(await flat(k)).toEqual([n]);
  });
  it("a cond that is false at once returns init; closed-over tensors in cond and body", async () => {
    const lim = f32([5], []), step = f32([1.5], []);
    const r = lax.whileLoop((c: T) => S.less(c, lim), (c: T) => S.add(c, step), f32([0], []));
    let v = 0;
    while (v < 5) v += 1.5;
    await expectClose(r, [v]);
    await expectClose(lax.whileLoop((c: T) => S.less(c, lim), (c: T) => S.add(c, step), f32([9], [])), [9]);
  });
  it("checks the carry and the predicate at run time", () => {
    const x = f32([1, 2, 3], [3]);
    expect(() => lax.whileLoop(() => S.less(S.sum(x), 0), (c: T) => S.sum(c), x)).toThrow("whileLoop: the carry goes in as Tensor<[3]> and comes out as Tensor<[]>");
    expect(() => lax.whileLoop((c: T) => S.less(c, 0), (c: T) => c, x)).toThrow("whileLoop: condFun must return a bool scalar (Tensor<[], bool>), got Tensor<[3], bool>");
  });
});

describe("lax.whileLoop transforms", () => {
  // five Newton steps for the root of x³ = a (the trip count depends only on the int counter)
  const cubeRoot = (a: T, x0: T) =>
    lax.whileLoop(
      ([k]: [T, T]) => S.less(k, 5),
      ([k, x]: [T, T]) => [S.add(k, 1), S.sub(x, S.div(S.sub(S.mul(S.mul(x, x), x), a), S.mul(S.mul(x, x), 3)))],
      [i32([0], []), x0],
    )[1];
  it("jvp matches float64 central differences (a carry and a closed-over tensor)", async () => {
    float64OnWasm();
    const a = f64([2, 5], [2]), x0 = f64([1.5, 1.2], [2]);
    const [y, t] = jvp(cubeRoot, [a, x0], [f64([1, -0.5], [2]), f64([0.2, 0.3], [2])]);
    const J0 = await fdJacobian(cubeRoot, [a, x0], 0), J1 = await fdJacobian(cubeRoot, [a, x0], 1);
    const j0 = await flat(J0), j1 = await flat(J1);
    await expectClose(y, await flat(cubeRoot(a, x0)));
    await expectClose(t, [j0[0]! * 1 + j1[0]! * 0.2, j0[3]! * -0.5 + j1[3]! * 0.3], { rtol: 1e-6, atol: 1e-9 });
  });
  it("reverse mode is an error that points to scan and foriLoop with static bounds", () => {
    const f = (a: T) => S.sum(cubeRoot(a, f32([1, 1], [2])));
    expect(() => grad(f)(f32([2, 3], [2]))).toThrow(
      "whileLoop: Reverse-mode differentiation does not work for lax.while_loop (the number of steps is not known when it is traced); use lax.scan, or lax.foriLoop with static (number) bounds",
    );
  });
  it("vmap with a batched predicate (different trip counts per lane) matches stacking", async () => {
    const ns = [6, 7, 1, 27, 3];
    const [m, k] = vmap(collatz)(f32(ns, [5]));
    expect(await flat(m)).toEqual([1, 1, 1, 1, 1]);
    expect(await flat(k)).toEqual(ns.map(jsCollatz));
    const as = [2, 10, 0.5];
    const r = vmap((a: T) => newton(a, 1e-4))(f32(as, [3]));
    await eachSeq(as, async (a, i) => {
      const one = newton(f32([a], []), 1e-4);
      expect((await flat(r.k))[i]).toBe((await flat(one.k))[0]);
      expect((await flat(r.x))[i]).toBeCloseTo((await flat(one.x))[0]!, 6);
    });
  });
  it("vmap with an unbatched predicate matches stacking", async () => {
    const xs = f32([1.5, 1.2, 2, 1], [4]);
    const r = vmap((x: T) => cubeRoot(f32([3], []), x))(xs);
    await expectClose(r, (await mapSeq((await flat(xs)), async (x) => (await flat(cubeRoot(f32([3], []), f32([x], []))))[0]!)), { rtol: 1e-6 });
  });
  it("jvp of vmap and vmap of jvp agree", async () => {
    const x0 = f32([1.5, 1.2], [2]), a = f32([2, 5], [2]), ta = f32([1, 1], [2]), tx = f32([0, 0], [2]);
    const [, t1] = jvp(vmap(cubeRoot), [a, x0], [ta, tx]);
    const t2 = vmap((a: T, x: T, s: T, u: T) => jvp(cubeRoot, [a, x], [s, u])[1])(a, x0, ta, tx);
    await expectClose(t1, await flat(t2), { rtol: 1e-5 });
  });
});

describe("lax.whileLoop composition", () => {
  it("the carries of one loop share one run; jit with a data-dependent trip count traces once", async () => {
    const before = whileStats.loops;
    const [m, k] = collatz(f32([7], []));
    expect(await flat(k)).toEqual([jsCollatz(7)]);
    expect(await flat(m)).toEqual([1]);
    expect(whileStats.loops - before).toBe(1);
    const f = jit((n: T) => collatz(n)[1]);
    for (const n of [3, 27, 1]) expect(await flat(f(f32([n], [])))).toEqual([jsCollatz(n)]);
    expect(f.traceCount).toBe(1);
  });
  it("vmap of vmap with batched predicates, and a second-order jvp", async () => {
    const ns = [6, 7, 1, 27, 3, 9];
    const [, k] = vmap(vmap(collatz))(f32(ns, [2, 3]));
    expect(await flat(k)).toEqual(ns.map(jsCollatz));
    float64OnWasm();
    const a = f64([2], []);
    const f = (x0: T) => cubeRoot3(a, x0);
    const h = jacfwd(jacfwd(f))(f64([1.5], []));
    const fd = await fdJacobian((x: T) => jacfwd(f)(x), [f64([1.5], [])], 0, 1e-4);
    await expectClose(h, await flat(fd), { rtol: 1e-5, atol: 1e-7 });
  });
});

/** three Newton steps for x³ = a (few enough steps that the result still depends on x0) */
const cubeRoot3 = (a: T, x0: T) =>
  lax.whileLoop(
    ([k]: [T, T]) => S.less(k, 3),
    ([k, x]: [T, T]) => [S.add(k, 1), S.sub(x, S.div(S.sub(S.mul(S.mul(x, x), x), a), S.mul(S.mul(x, x), 3)))],
    [sg.tensor(Int32Array.from([0]), [], "int32") as unknown as T, x0],
  )[1];

describe("lax.foriLoop with traced bounds", () => {
  const body = (i: T, c: T) => S.add(S.mul(c, 2), S.astype(i, "float32"));
  const js = (lo: number, hi: number, c: number) => {
    for (let i = lo; i < hi; i++) c = c * 2 + i;
    return c;
  };
  it("jit: one trace, different trip counts", async () => {
    const f = jit((n: T, x: T) => lax.foriLoop(0, n, body, x));
    for (const n of [0, 3, 7]) await expectClose(f(i32([n], []), f32([1], [])), [js(0, n, 1)]);
    expect(f.traceCount).toBe(1);
    await expectClose(lax.foriLoop(i32([2], []), 6, body, f32([0.5], [])), [js(2, 6, 0.5)]);
  });
  it("jvp, vmap over the bound, and grad's error", async () => {
    const [, t] = jvp((x: T) => lax.foriLoop(0, i32([4], []), body, x), [f32([1], [])], [f32([1], [])]);
    await expectClose(t, [16]);
    const r = vmap((n: T) => lax.foriLoop(0, n, body, f32([1], [])))(i32([0, 2, 5], [3]));
    await expectClose(r, [0, 2, 5].map((n) => js(0, n, 1)));
    expect(() => grad((x: T) => lax.foriLoop(0, i32([3], []), body, x))(f32([1], []))).toThrow("Reverse-mode differentiation does not work for lax.while_loop");
    expect(() => lax.foriLoop(0, i32([3], []), (_i: T, c: T) => S.sum(c), f32([1, 2], [2]))).toThrow("foriLoop: the carry goes in as Tensor<[2]> and comes out as Tensor<[]>");
  });
});
