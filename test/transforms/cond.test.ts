/**
 * lax.cond and lax.switch: values against JavaScript if/else, derivatives (grad of both branches,
 * jvp, grad of grad) against float64 central differences, vmap with a batched and an unbatched
 * predicate against stacking, jit with a traced predicate, switch's clamping, and the errors.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { condStats } from "../../src/prims/cond.js";
import { float64OnWasm } from "../harness/backend.js";
import { errorOf, expectClose, fdJacobian, f64, flat, grad, jit, jvp, makeGraph, vmap, type T } from "./helpers.js";
import { mapSeq, reduceSeq } from "../harness/read.js";

const S: any = sg;
const lax: any = sg.lax;
const f32 = (data: number[], shape: number[]): T => sg.tensor(Float32Array.from(data), shape, "float32") as unknown as T;
const i32 = (v: number): T => sg.tensor([v], [], "int32") as unknown as T;
const bool = (v: boolean): T => S.greater(f32([v ? 1 : -1], []), f32([0], []));

// the branches: true -> sin(x) * y, false -> x * x + y
const tb = (x: T, y: T) => S.mul(S.sin(x), y);
const fb = (x: T, y: T) => S.add(S.mul(x, x), y);
const jsT = (x: number[], y: number[]) => x.map((v, i) => Math.sin(v) * y[i]!);
const jsF = (x: number[], y: number[]) => x.map((v, i) => v * v + y[i]!);
const X = [0.3, -1.2, 2.0], Y = [1.5, 0.5, -2];

describe("lax.cond values", () => {
  it("matches if/else for a traced bool predicate, an int32 one and a JS boolean", async () => {
    for (const p of [true, false]) {
      const want = p ? jsT(X, Y) : jsF(X, Y);
      await expectClose(lax.cond(bool(p), tb, fb, f32(X, [3]), f32(Y, [3])), want, { rtol: 1e-5, atol: 1e-6 });
      await expectClose(lax.cond(i32(p ? 5 : 0), tb, fb, f32(X, [3]), f32(Y, [3])), want, { rtol: 1e-5, atol: 1e-6 });
      await expectClose(lax.cond(p, tb, fb, f32(X, [3]), f32(Y, [3])), want, { rtol: 1e-5, atol: 1e-6 });
    }
  });
  it("pytree operands and results; the outputs of one cond share one branch run", async () => {
    const f = (p: { a: T; b: T }) => ({ s: S.sum(p.a), v: [S.mul(p.a, p.b)] });
    const g = (p: { a: T; b: T }) => ({ s: S.sum(p.b), v: [S.sub(p.a, p.b)] });
    const before = condStats.runs;
    const r = lax.cond(bool(false), f, g, { a: f32(X, [3]), b: f32(Y, [3]) });
    await expectClose(r.s, [Y.reduce((s, v) => s + v, 0)], { rtol: 1e-6 });
    await expectClose(r.v[0], X.map((v, i) => v - Y[i]!), { rtol: 1e-6 });
    // counted once the results are read: on an asynchronous backend (WebGPU) the branch runs when its inputs arrive
    expect(condStats.runs - before).toBe(1);
  });
  it("is one cond equation holding both branches", () => {
    const g = makeGraph((p: T, x: T, y: T) => lax.cond(p, tb, fb, x, y))(bool(true), f32(X, [3]), f32(Y, [3]));
    expect(String(g)).toContain("cond[");
    expect(String(g)).toContain("sin");
  });
});

describe("lax.cond derivatives (float64)", () => {
  const loss = (p: T) => (x: T, y: T) => S.sum(S.mul(lax.cond(p, tb, fb, x, y), lax.cond(p, fb, tb, y, x)));
  const xs = () => [f64(X, [3]), f64(Y, [3])];
  it("grad of both branches against central differences", async () => {
    float64OnWasm();
    for (const p of [true, false]) {
      const f = loss(bool(p));
      const g = grad(f, { argnums: [0, 1] })(...xs());
      await expectClose(g[0], await fdJacobian(f, xs(), 0), { rtol: 1e-6, atol: 1e-8, msg: `pred ${p} x` });
      await expectClose(g[1], await fdJacobian(f, xs(), 1), { rtol: 1e-6, atol: 1e-8, msg: `pred ${p} y` });
    }
  });
  it("grad and vmap with respect to tensors the branches close over", async () => {
    float64OnWasm();
    const x = f64(X, [3]);
    for (const p of [true, false]) {
      const f = (w: T) => S.sum(lax.cond(bool(p), (z: T) => S.mul(S.sin(z), w), (z: T) => S.add(z, S.mul(w, w)), x));
      const w = f64([0.5, -1, 2], [3]);
      await expectClose(grad(f)(w), await fdJacobian(f, [w], 0), { rtol: 1e-6, atol: 1e-8, msg: `pred ${p}` });
      const bw = f64([0.5, -1, 2, 1, 2, 3], [2, 3]);
      await expectClose(vmap(f)(bw), (await mapSeq([0, 1], async (i) => (await flat(f(S.index(bw, i))))[0]!)), { rtol: 1e-12 });
    }
  });
  it("jvp and grad of grad", async () => {
    float64OnWasm();
    for (const p of [true, false]) {
      const f = (x: T) => lax.cond(bool(p), tb, fb, x, f64(Y, [3]));
      const t = f64([1, -0.5, 2], [3]);
      const [out, tout] = jvp(f, [f64(X, [3])], [t]);
      await expectClose(out, p ? jsT(X, Y) : jsF(X, Y), { rtol: 1e-12 });
      const J = await flat(await fdJacobian(f, [f64(X, [3])], 0));
      await expectClose(tout, (await mapSeq([0, 1, 2], async (o) => (await reduceSeq([0, 1, 2], async (s, k) => s + J[o * 3 + k]! * (await flat(t))[k]!, 0)))), { rtol: 1e-6, atol: 1e-8 });
      const gs = (x: T) => S.sum(S.mul(grad((z: T) => S.sum(f(z)))(x), f64([1, 2, 3], [3])));
      await expectClose(grad(gs)(f64(X, [3])), await fdJacobian(gs, [f64(X, [3])], 0, 1e-4), { rtol: 1e-5, atol: 1e-7 });
    }
  });
});

describe("lax.cond under vmap and jit", () => {
  it("a batched predicate selects per example; an unbatched one stays a cond", async () => {
    const px = f32([1, -1, 2, -3], [4]);
    const bx = f32([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2], [4, 3]);
    const f = (p: T, x: T) => lax.cond(S.greater(p, 0), tb, fb, x, f32(Y, [3]));
    const r = vmap(f)(px, bx);
    const want = (await mapSeq([0, 1, 2, 3], async (i) => await flat(f(S.index(px, i), S.index(bx, i))))).flat();
    await expectClose(r, want, { rtol: 1e-5, atol: 1e-6 });
    // every branch runs under a batched predicate: no cond equation is left
    expect(String(makeGraph(vmap(f))(px, bx))).not.toContain("cond[");
    for (const p of [true, false]) {
      const r2 = vmap((x: T) => lax.cond(bool(p), tb, fb, x, f32(Y, [3])))(bx);
      await expectClose(r2, (await mapSeq([0, 1, 2, 3], async (i) => await flat(lax.cond(p, tb, fb, S.index(bx, i), f32(Y, [3]))))).flat(), { rtol: 1e-5, atol: 1e-6 });
    }
    // operands mapped over axis 1
    const bxT = S.transpose(bx);
    const r3 = vmap(f, { inAxes: [0, 1] })(px, bxT);
    await expectClose(r3, want, { rtol: 1e-5, atol: 1e-6 });
    const r4 = vmap((x: T) => lax.cond(bool(false), tb, fb, x, f32(Y, [3])), { inAxes: [1] })(bxT);
    await expectClose(r4, (await mapSeq([0, 1, 2, 3], async (i) => jsF(await flat(S.index(bx, i)), Y))).flat(), { rtol: 1e-5, atol: 1e-6 });
    const g = makeGraph(vmap((x: T) => lax.cond(bool(true), tb, fb, x, f32(Y, [3]))))(bx);
    expect(String(g)).toContain("cond[");
  });
  it("jit with the predicate as a traced argument: one trace, both branches", async () => {
    const f = jit((p: T, x: T, y: T) => lax.cond(p, tb, fb, x, y));
    await expectClose(f(bool(true), f32(X, [3]), f32(Y, [3])), jsT(X, Y), { rtol: 1e-5, atol: 1e-6 });
    await expectClose(f(bool(false), f32(X, [3]), f32(Y, [3])), jsF(X, Y), { rtol: 1e-5, atol: 1e-6 });
    expect(f.traceCount).toBe(1);
    const g = jit(grad((p: T, x: T) => S.sum(lax.cond(p, tb, fb, x, f32(Y, [3]))), { argnums: 1 }));
    for (const p of [true, false]) {
      const want = X.map((v, i) => (p ? Math.cos(v) * Y[i]! : 2 * v));
      await expectClose(g(bool(p), f32(X, [3])), want, { rtol: 1e-5, atol: 1e-6 });
    }
    expect(g.traceCount).toBe(1);
  });
});

describe("lax.switch", () => {
  const bs = [(x: T) => S.mul(x, 2), (x: T) => S.neg(x), (x: T) => S.exp(x)];
  const js = [(v: number) => v * 2, (v: number) => -v, (v: number) => Math.exp(v)];
  it("picks the branch, clamping the index to [0, n-1] as jax", async () => {
    const f = jit((i: T, x: T) => lax.switch(i, bs, x));
    for (const i of [-3, 0, 1, 2, 7]) {
      const k = Math.min(Math.max(i, 0), 2);
      await expectClose(f(i32(i), f32(X, [3])), X.map(js[k]!), { rtol: 1e-5, atol: 1e-6, msg: `index ${i}` });
      await expectClose(lax.switch(i, bs, f32(X, [3])), X.map(js[k]!), { rtol: 1e-5, atol: 1e-6 });
    }
    expect(f.traceCount).toBe(1);
  });
  it("grad and a batched index", async () => {
    float64OnWasm();
    const g = grad((x: T) => S.sum(lax.switch(i32(2), bs, x)))(f64(X, [3]));
    await expectClose(g, X.map(Math.exp), { rtol: 1e-12 });
    const idx = sg.tensor([2, -1, 1, 9], [4], "int32") as unknown as T;
    const bx = f64([0.1, 0.2, 0.3, 0.4], [4]);
    const r = vmap((i: T, x: T) => lax.switch(i, bs, x))(idx, bx);
    await expectClose(r, (await mapSeq([2, 0, 1, 2], async (k, j) => js[k]!((await flat(bx))[j]!))), { rtol: 1e-12 });
  });
});

describe("lax.cond errors", () => {
  it("branches with different types, a bad predicate or index", () => {
    expect(errorOf(() => lax.cond(bool(true), (x: T) => x, (x: T) => S.sum(x), f32(X, [3])))).toBe("cond: the branches return Tensor<[3]> and Tensor<[]>");
    expect(errorOf(() => lax.cond(bool(true), (x: T) => ({ a: x }), (x: T) => ({ a: S.astype(x, "int32") }), f32(X, [3])))).toBe(
      "cond: the branches return Tensor<[3]> and Tensor<[3], int32> (at .a)",
    );
    expect(errorOf(() => lax.switch(i32(0), [(x: T) => x, (x: T) => x, (x: T) => [x]], f32(X, [3])))).toBe("switch: the branches return Tensor<[3]> and a pytree");
    expect(errorOf(() => lax.cond(S.greater(f32(X, [3]), 0), tb, fb, f32(X, [3]), f32(Y, [3])))).toBe("cond: the predicate must be a scalar bool or int32, got Tensor<[3], bool>");
    expect(errorOf(() => lax.cond(f32([1], []), tb, fb, f32(X, [3]), f32(Y, [3])))).toBe("cond: the predicate must be a scalar bool or int32, got Tensor<[]>");
    expect(errorOf(() => lax.switch(bool(true), [tb, fb], f32(X, [3]), f32(Y, [3])))).toBe("switch: the index must be a scalar int32, got Tensor<[], bool>");
  });
});
