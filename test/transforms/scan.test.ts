/**
 * lax.scan and lax.foriLoop: values against JavaScript loops, derivatives (jvp, vjp, second
 * order) against float64 central differences, vmap against stacking, jit, an RK4 integration of
 * a damped oscillator, and the graph size independent of the step count.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { expectClose, fdJacobian, f64, flat, grad, jit, jvp, makeGraph, vjp, vmap, type T } from "./helpers.js";
import { mapSeq } from "../harness/read.js";

const S: any = sg;
const lax: any = sg.lax;
const f32 = (data: number[], shape: number[]): T => sg.tensor(Float32Array.from(data), shape, "float32") as unknown as T;

/** carry' = carry * a + x, y = sin(carry') * b: a body with a closed-over tensor and two outputs */
const step = (a: T, b: T) => (c: T, x: T): [T, T] => {
  const c2 = S.add(S.mul(c, a), x);
  return [c2, S.mul(S.sin(c2), b)];
};
function jsScan(c0: number[], xs: number[][], a: number[], b: number[]): [number[], number[][]] {
  let c = [...c0];
  const ys: number[][] = [];
  for (const x of xs) {
    c = c.map((v, i) => v * a[i]! + x[i]!);
    ys.push(c.map((v, i) => Math.sin(v) * b[i]!));
  }
  return [c, ys];
}

describe("lax.scan values", () => {
  it("matches a JavaScript loop (carry, stacked ys, closed-over tensors)", async () => {
    const xs = [[0.1, -0.2, 0.3], [0.5, 0.4, -0.1], [-0.3, 0.2, 0.2], [0.0, 0.1, -0.4]];
    const a = [0.9, 1.1, -0.5], b = [2, -1, 0.5], c0 = [1, 0.5, -1];
    const [c, ys] = lax.scan(step(f32(a, [3]), f32(b, [3])), f32(c0, [3]), f32(xs.flat(), [4, 3]));
    const [wc, wys] = jsScan(c0, xs, a, b);
    await expectClose(c, wc, { rtol: 1e-5, atol: 1e-6 });
    expect([...ys.shape]).toEqual([4, 3]);
    await expectClose(ys, wys.flat(), { rtol: 1e-5, atol: 1e-6 });
  });
  it("reverse runs from the last element and keeps ys aligned with xs", async () => {
    const xs = [1, 2, 3, 4];
    const [c, ys] = lax.scan((c: T, x: T) => { const n = S.add(S.mul(c, 2), x); return [n, n]; }, f32([0], []), f32(xs, [4]), { reverse: true });
    let acc = 0;
    const want: number[] = [];
    for (let t = 3; t >= 0; t--) want[t] = acc = acc * 2 + xs[t]!;
    await expectClose(c, [acc]);
    await expectClose(ys, want);
  });
  it("pytrees: an object carry, a list of xs, null xs with length, no ys", async () => {
    const [c, ys] = lax.scan(
      (c: { s: T; n: T }, [x, w]: [T, T]) => [{ s: S.add(c.s, S.mul(x, w)), n: S.add(c.n, f32([1], [])) }, { p: S.mul(x, w) }],
      { s: f32([0, 0], [2]), n: f32([0], []) },
      [f32([1, 2, 3, 4, 5, 6], [3, 2]), f32([1, 1, 2, 2, 3, 3], [3, 2])],
    );
    await expectClose(c.s, [1 + 6 + 15, 2 + 8 + 18]);
    await expectClose(c.n, [3]);
    await expectClose(ys.p, [1, 2, 6, 8, 15, 18]);
    const [c2, none] = lax.scan((c: T) => [S.mul(c, 3), null], f32([1], []), null, { length: 5 });
    await expectClose(c2, [243]);
    expect(none).toBe(null);
  });
  it("a carry that changes shape is an error naming both types", () => {
    expect(() => lax.scan((c: T, x: T) => [S.expandDims(S.add(c, x), 0), x], f32([0, 0], [2]), f32([1, 2, 3, 4], [2, 2]))).toThrow(
      "scan: the carry goes in as Tensor<[2]> and comes out as Tensor<[1, 2]>",
    );
    // the same texts as the compile-time errors (types/lax/scan.test.ts)
    const h0 = f32(Array(64).fill(0), [64]);
    const xs = f32(Array(128).fill(1), [2, 64]);
    expect(() => lax.scan((h: T) => [S.astype(h, "int32"), h], h0, xs)).toThrow("scan: the carry goes in as Tensor<[64]> and comes out as Tensor<[64], int32>");
    expect(() => lax.scan((c: any) => [{ s: S.sum(c.s), n: c.n }, null], { s: h0, n: S.sum(h0) }, xs)).toThrow("scan: the carry.s goes in as Tensor<[64]> and comes out as Tensor<[]>");
    expect(() => lax.scan(([p, q]: T[], x: T) => [[S.add(p, x), S.mul(q, x)], null], [h0, S.sum(h0)], xs)).toThrow("scan: the carry[1] goes in as Tensor<[]> and comes out as Tensor<[64]>");
    expect(() => lax.foriLoop(0, 3, (_i: T, c: T) => S.mul(h0, c), S.sum(h0))).toThrow("foriLoop: the carry goes in as Tensor<[]> and comes out as Tensor<[64]>");
  });
  it("a length that disagrees with xs, and no xs without a length, are errors", () => {
    const body = (c: T, x: T) => [S.add(c, x), null];
    expect(() => lax.scan(body, f32([0], []), f32([1, 2, 3], [3]), { length: 4 })).toThrow("scan: every leaf of xs must have leading dim 4, got 3");
    expect(() => lax.scan(body, f32([0], []), null)).toThrow("scan: give xs or the length option");
  });
  it("a scan over constants inside a nested jit (folded while a trace is active)", async () => {
    const c0 = f32([1], []);
    const f = jit((x: T) => S.mul(x, lax.scan((c: T) => [S.mul(c, 3), null], c0, null, { length: 4 })[0]));
    await expectClose(grad((x: T) => S.sum(f(x)))(f32([2], [])), [81]);
  });
  it("foriLoop with static bounds", async () => {
    // sum of i^2 for i in 3..9, and the loop index as an int32 scalar
    const r = lax.foriLoop(3, 10, (i: T, c: T) => S.add(c, S.square(S.astype(i, "float32"))), f32([0], []));
    let want = 0;
    for (let i = 3; i < 10; i++) want += i * i;
    await expectClose(r, [want]);
  });
  it("jit of a scan, and a 10-step and a 10,000-step scan have graphs of the same size", async () => {
    const run = (n: number) => (c: T) => lax.scan((c: T) => [S.add(S.mul(c, 0.5), 1), null], c, null, { length: n })[0];
    const f = jit(run(50));
    let want = 0;
    for (let t = 0; t < 50; t++) want = want * 0.5 + 1;
    await expectClose(f(f32([0], [])), [want], { rtol: 1e-6 });
    const count = (g: sg.Graph) => String(g).split("\n").filter((l) => l.includes(" = ")).length;
    const g10 = makeGraph(run(10))(f32([0], []));
    const g10k = makeGraph(run(10_000))(f32([0], []));
    expect(count(g10)).toBe(count(g10k));
    expect(String(g10)).toContain("scan[length=10");
  });
});

describe("lax.scan derivatives (float64)", () => {
  const a = f64([0.9, 1.1, -0.5], [3]);
  const b = f64([2, -1, 0.5], [3]);
  const loss = (c0: T, xs: T, a: T, b: T) => {
    const [c, ys] = lax.scan(step(a, b), c0, xs);
    return S.add(S.sum(S.mul(c, c)), S.sum(S.mul(ys, ys)));
  };
  const args = () => [f64([1, 0.5, -1], [3]), f64([0.1, -0.2, 0.3, 0.5, 0.4, -0.1, -0.3, 0.2, 0.2, 0, 0.1, -0.4], [4, 3]), a, b];
  it("grad with respect to the init, the xs and closed-over tensors", async () => {
    float64OnWasm();
    const xs = args();
    const g = grad(loss, { argnums: [0, 1, 2, 3] })(...xs);
    for (let i = 0; i < 4; i++) await expectClose(g[i], await fdJacobian(loss, xs, i), { rtol: 1e-6, atol: 1e-8, msg: `arg ${i}` });
  });
  it("jvp of the carry and the ys", async () => {
    float64OnWasm();
    const xs = args();
    const f = (c0: T, xsT: T) => S.concatenate([lax.scan(step(a, b), c0, xsT)[0], S.reshape(lax.scan(step(a, b), c0, xsT)[1], [12])], 0);
    const t0 = f64([0.3, -0.1, 0.2], [3]), t1 = f64(Array.from({ length: 12 }, (_, i) => Math.cos(i)), [4, 3]);
    const [, tout] = jvp(f, [xs[0], xs[1]], [t0, t1]);
    const J0 = await fdJacobian(f, [xs[0]!, xs[1]!], 0), J1 = await fdJacobian(f, [xs[0]!, xs[1]!], 1);
    const j0 = await flat(J0), j1 = await flat(J1), v0 = await flat(t0), v1 = await flat(t1);
    const expected = Array.from({ length: 15 }, (_, o) => {
      let s = 0;
      for (let k = 0; k < 3; k++) s += j0[o * 3 + k]! * v0[k]!;
      for (let k = 0; k < 12; k++) s += j1[o * 12 + k]! * v1[k]!;
      return s;
    });
    await expectClose(tout, expected, { rtol: 1e-6, atol: 1e-8 });
  });
  it("vjp with a cotangent on every output", async () => {
    float64OnWasm();
    const xs = args();
    const [[c, ys], back] = vjp((c0: T, x: T) => lax.scan(step(a, b), c0, x), xs[0], xs[1]);
    const [g0, g1] = back([f64([1, 2, 3], [3]), f64(Array.from({ length: 12 }, (_, i) => i - 5), [4, 3])]);
    const f = (c0: T, x: T) => { const [c, ys] = lax.scan(step(a, b), c0, x); return S.add(S.sum(S.mul(c, f64([1, 2, 3], [3]))), S.sum(S.mul(ys, f64(Array.from({ length: 12 }, (_, i) => i - 5), [4, 3])))); };
    await expectClose(c, lax.scan(step(a, b), xs[0], xs[1])[0]);
    expect([...ys.shape]).toEqual([4, 3]);
    await expectClose(g0, await fdJacobian(f, [xs[0]!, xs[1]!], 0), { rtol: 1e-6, atol: 1e-8 });
    await expectClose(g1, await fdJacobian(f, [xs[0]!, xs[1]!], 1), { rtol: 1e-6, atol: 1e-8 });
  });
  it("second order: the Hessian-vector product through a scan and grad of grad", async () => {
    float64OnWasm();
    const xs = args();
    const l0 = (c0: T) => loss(c0, xs[1]!, a, b);
    const g = (c0: T) => grad(l0)(c0);
    const gg = (c0: T) => S.sum(S.mul(g(c0), f64([1, -1, 0.5], [3])));
    await expectClose(grad(gg)(xs[0]), await fdJacobian(gg, [xs[0]!], 0, 1e-4), { rtol: 1e-5, atol: 1e-7 });
    const [, hv] = jvp(g, [xs[0]], [f64([1, -1, 0.5], [3])]);
    await expectClose(hv, await flat(grad(gg)(xs[0])), { rtol: 1e-8, atol: 1e-10 });
  });
  it("the Hessian with respect to a closed-over tensor (reverse over reverse and forward over reverse)", async () => {
    float64OnWasm();
    const xs = args();
    const l = (a: T) => loss(xs[0]!, xs[1]!, a, b);
    const H = S.hessian(l)(a);
    const fdH = await fdJacobian((a: T) => grad(l)(a), [a], 0, 1e-4);
    await expectClose(H, fdH, { rtol: 1e-5, atol: 1e-6 });
    await expectClose(S.jacrev(grad(l))(a), await flat(H), { rtol: 1e-8, atol: 1e-10 });
  });
  it("foriLoop and an int32 carry: grad, jvp and vmap", async () => {
    float64OnWasm();
    // c <- c * (1 + 0.1 i) + sin(c), with an int32 counter carried alongside
    const body = (i: T, [c, n]: T[]) => [S.add(S.mul(c, S.add(S.mul(S.astype(i, "float64"), 0.1), 1)), S.sin(c)), S.add(n, S.astype(i, "int32"))];
    const f = (c0: T) => { const [c, n] = lax.foriLoop(1, 6, body, [c0, sg.tensor([0], [], "int32")]); return S.add(S.sum(c), S.astype(n, "float64")); };
    const c0 = f64([0.3, -0.2], [2]);
    let want = 0;
    for (const v of [0.3, -0.2]) { let c = v; for (let i = 1; i < 6; i++) c = c * (1 + 0.1 * i) + Math.sin(c); want += c; }
    await expectClose(f(c0), [want + 15], { rtol: 1e-10 });
    const fd = await fdJacobian(f, [c0], 0);
    await expectClose(grad(f)(c0), fd, { rtol: 1e-6, atol: 1e-8 });
    const [, t] = jvp(f, [c0], [f64([1, 0], [2])]);
    await expectClose(t, [(await flat(fd))[0]!], { rtol: 1e-6, atol: 1e-8 });
    const bc = f64([0.3, -0.2, 0.5, 0.1], [2, 2]);
    await expectClose(vmap(f)(bc), (await mapSeq([0, 1], async (i) => (await flat(f(S.index(bc, i))))[0]!)), { rtol: 1e-10 });
  });
  it("vmap over the xs and the init matches stacking", async () => {
    float64OnWasm();
    const xs = args();
    const f = (c0: T, x: T) => { const [c, ys] = lax.scan(step(a, b), c0, x); return S.add(S.sum(c), S.sum(ys)); };
    const bx = S.stack([xs[1], S.mul(xs[1], 2), S.neg(xs[1])], 0);
    const r = vmap(f, { inAxes: [null, 0] })(xs[0], bx);
    await expectClose(r, (await mapSeq([0, 1, 2], async (i) => (await flat(f(xs[0]!, S.index(bx, i))))[0]!)));
    const bc = S.stack([xs[0], S.mul(xs[0], 3)], 0);
    const r2 = vmap((c0: T) => lax.scan(step(a, b), c0, xs[1])[1], { inAxes: [0] })(bc);
    await expectClose(r2, S.stack([0, 1].map((i) => lax.scan(step(a, b), S.index(bc, i), xs[1])[1]), 0), { rtol: 1e-10 });
    // a batched closed-over tensor (a scan operand) and an unbatched init
    const ba = S.stack([a, S.mul(a, 0.5)], 0);
    const r3 = vmap((a: T) => lax.scan(step(a, b), xs[0], xs[1])[0], { inAxes: [0] })(ba);
    await expectClose(r3, S.stack([0, 1].map((i) => lax.scan(step(S.index(ba, i), b), xs[0], xs[1])[0]), 0), { rtol: 1e-10 });
    // grad under vmap
    const gv = vmap(grad(f), { inAxes: [null, 0] })(xs[0], bx);
    await expectClose(gv, S.stack([0, 1, 2].map((i) => grad(f)(xs[0], S.index(bx, i))), 0), { rtol: 1e-10 });
  });
});

describe("RK4 through lax.scan: a damped oscillator x'' + 2ζωx' + ω²x = 0 (float64)", () => {
  const dt = 0.01;
  const N = 1000;
  // state [x, v]; params [ω, ζ]; 1,000 RK4 steps to t = 10
  const rk4 = (p: T, s0: T) => {
    const w = S.index(p, 0), z = S.index(p, 1);
    const field = (s: T) => {
      const x = S.index(s, 0), v = S.index(s, 1);
      const a = S.neg(S.add(S.mul(S.mul(S.mul(z, w), 2), v), S.mul(S.mul(w, w), x)));
      return S.stack([v, a], 0);
    };
    const step = (s: T): [T, null] => {
      const k1 = field(s);
      const k2 = field(S.add(s, S.mul(k1, dt / 2)));
      const k3 = field(S.add(s, S.mul(k2, dt / 2)));
      const k4 = field(S.add(s, S.mul(k3, dt)));
      return [S.add(s, S.mul(S.add(S.add(k1, S.mul(S.add(k2, k3), 2)), k4), dt / 6)), null];
    };
    return lax.scan(step, s0, null, { length: N })[0];
  };
  /** the closed form (underdamped): x(t) = e^{-ζωt}(x0 cos ω_d t + (v0 + ζω x0)/ω_d sin ω_d t) */
  const exact = (w: number, z: number, x0: number, v0: number, t: number) => {
    const wd = w * Math.sqrt(1 - z * z);
    return Math.exp(-z * w * t) * (x0 * Math.cos(wd * t) + ((v0 + z * w * x0) / wd) * Math.sin(wd * t));
  };
  it("the final position matches the closed form, and its gradient in (ω, ζ) the closed form's", async () => {
    float64OnWasm();
    const p = f64([2, 0.1], [2]);
    const s0 = f64([1, 0], [2]);
    const xT = (p: T) => S.index(rk4(p, s0), 0);
    await expectClose(xT(p), [exact(2, 0.1, 1, 0, N * dt)], { rtol: 1e-7, atol: 1e-9 });
    const g = grad(xT)(p);
    const h = 1e-6;
    const dw = (exact(2 + h, 0.1, 1, 0, 10) - exact(2 - h, 0.1, 1, 0, 10)) / (2 * h);
    const dz = (exact(2, 0.1 + h, 1, 0, 10) - exact(2, 0.1 - h, 1, 0, 10)) / (2 * h);
    await expectClose(g, [dw, dz], { rtol: 1e-5, atol: 1e-7 });
    // and under jit, the same gradient
    await expectClose(jit(grad(xT))(p), await flat(g), { rtol: 1e-10, atol: 1e-12 });
  });
});

describe("one loop per evaluation", () => {
  it("the carry and the ys of one scan share one loop", async () => {
    const { scanStats } = await import("../../src/prims/control.js");
    const a = f32([0.5, 2], [2]);
    const f = (c: T, xs: T) => lax.scan((c: T, x: T) => { const n = S.add(S.mul(c, a), x); return [n, S.sin(n)]; }, c, xs);
    const c0 = f32([1, 1], [2]), xs = f32([1, 2, 3, 4, 5, 6], [3, 2]);
    // counted once the results are read: on an asynchronous backend (WebGPU) the loop runs when its inputs arrive
    let l0 = scanStats.loops;
    await Promise.all(f(c0, xs).map((t: T) => t.data()));
    expect(scanStats.loops - l0).toBe(1);
    const j = jit((c: T, xs: T) => { const [c1, ys] = f(c, xs); return S.add(S.sum(c1), S.sum(ys)); });
    const xs2 = S.mul(xs, 2);
    await xs2.data();
    l0 = scanStats.loops;
    await j(c0, xs2).data();
    expect(scanStats.loops - l0).toBe(1);
    // a second run on the same arrays runs the loop again (nothing is remembered across runs)
    await j(c0, xs2).data();
    expect(scanStats.loops - l0).toBe(2);
  });
  it("a jitted gradient through the carry and the ys runs one reverse loop (float64 differences)", async () => {
    float64OnWasm();
    const { scanStats } = await import("../../src/prims/control.js");
    const a = f64([0.5, -1.2, 0.8], [3]);
    // the loss reads the final carry and every y: two outputs, whose reverse scans are added as one
    const loss = (c: T, xs: T) => {
      const [c1, ys] = lax.scan((c: T, x: T) => { const n = S.sin(S.add(S.mul(c, a), x)); return [n, S.mul(S.cos(n), n)]; }, c, xs);
      return S.add(S.sum(S.mul(c1, c1)), S.sum(ys));
    };
    const c0 = f64([0.3, -0.4, 0.9], [3]);
    const xs = f64(Array.from({ length: 30 }, (_, i) => Math.sin(i * 0.7) * 0.5), [10, 3]);
    const g = jit(grad(loss, { argnums: [0, 1] }));
    const l0 = scanStats.loops;
    const [gc, gx] = g(c0, xs) as unknown as [T, T];
    expect(scanStats.loops - l0).toBe(2); // the forward that saves each step's carry, one reverse
    await expectClose(gc, await flat(await fdJacobian(loss, [c0, xs], 0)), { rtol: 1e-7, atol: 1e-9 });
    await expectClose(gx, await flat(await fdJacobian(loss, [c0, xs], 1)), { rtol: 1e-7, atol: 1e-9 });
  });
});
