/**
 * jit(f) equals f on every case of the catalogue, and traces once per input signature (shapes,
 * dtypes, pytree structure), retracing only for a new one.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import { CASES } from "./cases.js";
import { jit, grad, vmap, expectClose, randT, rng, f64, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

const S: any = sg;
const RUNS = Number(process.env.RUNS ?? 15);

describe("jit(f) equals f", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const r = rng(seed);
          const { args, f } = c.gen(r);
          const jf = jit(f);
          const want = f(...args);
          const got = jf(...args);
          expect(got.dtype).toBe(want.dtype);
          await expectClose(got, want, { rtol: 0, atol: 0, msg: `${c.name} seed=${seed}` });
          // a second call reuses the plan and gives the same answer
          await expectClose(jf(...args), want, { rtol: 0, atol: 0 });
          expect(jf.traceCount).toBe(1);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("jit tracing cache", () => {
  it("traces once per signature and retraces for a new shape, dtype or structure", async () => {
    let calls = 0;
    const f = jit((x: T, y: T) => {
      calls++;
      return S.add(S.mul(x, y), 1);
    });
    const a = f64([1, 2, 3], [3]);
    const b = f64([4, 5, 6], [3]);
    await expectClose(f(a, b), [5, 11, 19]);
    await expectClose(f(b, a), [5, 11, 19]);
    await expectClose(f(b, b), [17, 26, 37]);
    expect(f.traceCount).toBe(1);
    expect(calls).toBe(1);
    // new shape
    await expectClose(f(f64([2], [1]), f64([3], [1])), [7]);
    expect(f.traceCount).toBe(2);
    // new dtype
    await expectClose(f(sg.tensor([1, 2, 3]) as unknown as T, sg.tensor([1, 1, 1]) as unknown as T), [2, 3, 4]);
    expect(f.traceCount).toBe(3);
    // old signatures are still cached
    f(a, b);
    f(f64([2], [1]), f64([3], [1]));
    expect(f.traceCount).toBe(3);
    expect(calls).toBe(3);
  });

  it("pytree structure and static leaves are part of the signature", async () => {
    const f = jit((p: { w: T; s: number }, x: T) => S.mul(S.add(x, p.w), p.s));
    const x = f64([1, 2], [2]);
    const w = f64([1, 1], [2]);
    await expectClose(f({ w, s: 2 }, x), [4, 6]);
    await expectClose(f({ w, s: 2 }, x), [4, 6]);
    expect(f.traceCount).toBe(1);
    await expectClose(f({ w, s: 3 }, x), [6, 9]);
    expect(f.traceCount).toBe(2);
    const g = jit((xs: T[]) => xs.reduce((a: T, b: T) => S.add(a, b)));
    g([x, x]);
    g([x, w]);
    expect(g.traceCount).toBe(1);
    await expectClose(g([x, x, x]), [3, 6]);
    expect(g.traceCount).toBe(2);
  });

  it("a closed-over concrete tensor becomes a constant of the plan", async () => {
    const w = f64([2, 3], [2]);
    const f = jit((x: T) => S.mul(x, w));
    await expectClose(f(f64([1, 1], [2])), [2, 3]);
    await expectClose(f(f64([2, 0], [2])), [4, 0]);
    expect(f.traceCount).toBe(1);
  });

  it("jit inside and around other transformations", async () => {
    const h = (x: T) => S.sum(S.mul(S.sin(x), x));
    const x = randT(rng(1), [4]);
    const jh = jit(h);
    // grad of jit, jit of grad, vmap of jit of grad
    const g1 = grad(jh)(x);
    const jg = jit(grad(h));
    await expectClose(jg(x), g1, { rtol: 1e-12 });
    await expectClose(g1, S.add(S.mul(S.cos(x), x), S.sin(x)), { rtol: 1e-12 });
    const xs = randT(rng(2), [3, 4]);
    const vg = vmap(jit(grad(h)))(xs);
    await expectClose(vg, S.add(S.mul(S.cos(xs), xs), S.sin(xs)), { rtol: 1e-12 });
    // calling a jitted function inside a trace does not add to its cache
    expect(jh.traceCount).toBe(0);
    jh(x);
    expect(jh.traceCount).toBe(1);
    expect(jg.traceCount).toBe(1);
  });
});
