/**
 * Gradient checks for every primitive against central differences in float64, over random shapes
 * and values (fast-check drives the seed from which each case draws its shapes and values):
 * grad of a random weighting of the output, jacfwd and jacrev, and the Hessian (forward over
 * reverse) against finite differences of grad.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import * as lax from "../../src/prims/lax.js";
import * as E from "../../src/prims/elementwise.js";
import * as R from "../../src/prims/reduce.js";
import * as St from "../../src/prims/structural.js";
import * as D from "../../src/prims/dot.js";
import * as G from "../../src/prims/gather.js";
import * as So from "../../src/prims/sort.js";
import { CASES } from "./cases.js";
import {
  grad,
  hessian,
  jacfwd,
  jacrev,
  makeGraph,
  expectClose,
  fdJacobian,
  scalarize,
  randT,
  rng,
  size,
  f64,
  flat,
  type T,
} from "./helpers.js";
import { float64Suite } from "../harness/backend.js";
import { eachSeq } from "../harness/read.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

const S: any = sg;
const RUNS = Number(process.env.RUNS ?? 20);
const TOL = { rtol: 1e-5, atol: 1e-6 };

describe("gradient checks against central differences (float64)", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const r = rng(seed);
          const { args, f } = c.gen(r);
          const y = f(...args);
          const w = randT(r, y.shape);
          const g = scalarize(f, w);
          const all = args.map((_, i) => i);
          const msg = (what: string, i: number) => `${c.name} seed=${seed} ${what} arg ${i} shapes ${JSON.stringify(args.map((a) => a.shape))}`;

          // grad with respect to every argument at once
          const grads = grad(g, { argnums: all })(...args) as T[];
          expect(grads.length).toBe(args.length);
          await eachSeq(args, async (a, i) => {
            await expectClose(grads[i]!, await fdJacobian(g, args, i), { ...TOL, msg: msg("grad", i) });
            expect(grads[i]!.dtype).toBe(a.dtype);
          });

          // full Jacobians, both modes
          await eachSeq(args, async (_, i) => {
            const want = await fdJacobian(f, args, i);
            await expectClose(jacfwd(f, { argnums: i })(...args), want, { ...TOL, msg: msg("jacfwd", i) });
            await expectClose(jacrev(f, { argnums: i })(...args), want, { ...TOL, msg: msg("jacrev", i) });
          });

          // second derivatives: hessian (forward over reverse) vs finite differences of grad
          if (!c.noHessian) {
            await eachSeq(args, async (a, i) => {
              if (size(a.shape) > 24) return;
              const gi = (...xs: T[]) => grad(g, { argnums: i })(...xs) as T;
              const want = await fdJacobian(gi, args, i);
              await expectClose(hessian(g, { argnums: i })(...args), want, { rtol: 1e-5, atol: 1e-5, msg: msg("hessian", i) });
            });
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("derivatives that finite differences cannot see", () => {
  it("stopGradient has a zero derivative", async () => {
    const x = f64([0.5, -1, 2], [3]);
    const g = grad((x: T) => S.sum(S.mul(S.stopGradient(x), x)))(x);
    await expectClose(g, x);
    await expectClose(hessian((x: T) => S.sum(S.mul(S.stopGradient(x), S.square(x))))(x), (await flat(S.mul(2, S.stopGradient(x)))).flatMap((v, i) => [0, 1, 2].map((j) => (i === j ? v : 0))));
  });

  it("convert_element_type: float32 <-> float64 passes derivatives, int32 blocks them", async () => {
    const x = f64([0.5, -1.25, 2], [3]);
    // to float32 and back: the derivative is exact for these representable values
    const g = grad((x: T) => S.sum(S.astype(S.mul(S.astype(x, "float32"), S.astype(x, "float32")), "float64")))(x);
    expect(g.dtype).toBe("float64");
    await expectClose(g, [1, -2.5, 4]);
    const x32 = sg.tensor([0.5, -1.25, 2]);
    const g32 = grad((x: T) => S.sum(S.mul(S.astype(x, "float64"), 3)))(x32);
    expect(g32.dtype).toBe("float32");
    await expectClose(g32, [3, 3, 3]);
    // through int32: zero derivative, not an error
    const gi = grad((x: T) => S.sum(S.add(S.astype(S.astype(x, "int32"), "float64"), x)))(x);
    await expectClose(gi, [1, 1, 1]);
    const [, t] = sg.jvp(((x: T) => S.astype(S.astype(x, "int32"), "float64")) as never, [x] as never, [x] as never) as unknown as [T, T];
    await expectClose(t, [0, 0, 0]);
  });

  it("sign has a zero derivative; abs'(0) is 1 (JAX: select(x >= 0, 1, -1))", async () => {
    const x = f64([-2, 0, 3], [3]);
    await expectClose(grad((x: T) => S.sum(S.sign(x)))(x), [0, 0, 0]);
    await expectClose(grad((x: T) => S.sum(S.abs(x)))(x), [-1, 1, 1]);
  });

  it("max/min at ties share the derivative equally (JAX convention)", async () => {
    const x = f64([1, 3, 3, 2], [4]);
    await expectClose(grad((x: T) => S.max(x))(x), [0, 0.5, 0.5, 0]);
    await expectClose(grad((x: T) => S.min(S.neg(x)))(x), [0, -0.5, -0.5, 0]);
    const y = f64([1, 3, 0, 2], [4]);
    await expectClose(grad((x: T, y: T) => S.sum(S.maximum(x, y)), { argnums: [0, 1] })(x, y)[0], [0.5, 0.5, 1, 0.5]);
  });

  it("prod: exact derivatives of every order with zeros (no 0/0)", async () => {
    const x = f64([0.5, 0, 2], [3]);
    const f = (x: T) => S.prod(x);
    await expectClose(grad(f)(x), [0, 1, 0]);
    const H = [0, 2, 0, 2, 0, 0.5, 0, 0.5, 0];
    await expectClose(hessian(f)(x), H);
    await expectClose(jacrev(grad(f))(x), H);
    // third derivative: d3 prod / dx0 dx1 dx2 = 1
    await expectClose(jacfwd(hessian(f))(x), [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    const two = f64([0, 3, 0, 2], [4]);
    await expectClose(grad(f)(two), [0, 0, 0, 0]);
    // two zeros: the Hessian entry between them is the product of the rest
    const h2 = await flat(hessian(f)(two));
    expect(h2[0 * 4 + 2]).toBe(6);
    expect(h2[2 * 4 + 0]).toBe(6);
  });

  it("pow: derivative at x = 0 and y = 0 is a number, like JAX", async () => {
    const zero = f64([0, 0], [2]);
    const ys = f64([0, 2], [2]);
    const [gx, gy] = grad((x: T, y: T) => S.sum(S.pow(x, y)), { argnums: [0, 1] })(zero, ys) as T[];
    await expectClose(gx, [0, 0]);
    await expectClose(gy, [0, 0]);
    // x ** 1 at 0 has derivative 1
    await expectClose(grad((x: T) => S.sum(S.pow(x, f64([1, 1], [2]))))(zero), [1, 1]);
  });

  it("integer_pow with x = 0", async () => {
    const x = f64([0], [1]);
    await expectClose(grad((x: T) => S.sum(S.pow(x, 1)))(x), [1]);
    await expectClose(grad((x: T) => S.sum(S.pow(x, 2)))(x), [0]);
    await expectClose(grad(grad((x: T) => S.sum(S.pow(x, 2))) as never)(f64([0], [])), [2]);
  });

  it("softplus and sigmoid stay finite for large inputs", async () => {
    const x = f64([-800, -30, 0, 30, 800], [5]);
    const g = await flat(grad((x: T) => S.sum(S.softplus(x)))(x));
    g.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    await expectClose(f64(g, [5]), await flat(S.sigmoid(x)), { atol: 1e-12 });
    const h = await flat(grad((x: T) => S.sum(S.sigmoid(x)))(x));
    h.forEach((v) => expect(Number.isFinite(v)).toBe(true));
  });
});

describe("every primitive has a gradient-check case", () => {
  it("the cases' graphs and the special tests together use every primitive", () => {
    const prims = new Set<string>();
    for (const mod of [E, R, St, D]) {
      for (const v of Object.values(mod)) {
        if (v && typeof v === "object" && "abstractEval" in v && "name" in v) prims.add((v as { name: string }).name);
      }
    }
    const used = new Set<string>(["stop_gradient", "convert_element_type", "sign"]); // special tests above
    for (const c of CASES) {
      for (let seed = 0; seed < 12; seed++) {
        const { args, f } = c.gen(rng(seed));
        for (const e of makeGraph(f)(...args).eqns) used.add(e.prim.name);
      }
    }
    // pad is also what slice's vjp emits
    for (const e of makeGraph(grad((x: T) => S.sum(S.slice(x, [[1, null, 2]]))))(f64([1, 2, 3, 4], [4])).eqns) used.add(e.prim.name);
    // indexing, gather and scatter (scatter_add_zeros, take's transpose, is in gradient graphs only)
    for (const v of Object.values(G)) if (v && typeof v === "object" && "abstractEval" in v && "name" in v) prims.add((v as { name: string }).name);
    const ids = sg.tensor(new Int32Array([1, 1]), [2], "int32");
    for (const e of makeGraph(grad((x: T) => S.sum(S.take(x, ids, 0))))(f64([1, 2], [2])).eqns) used.add(e.prim.name);
    // sorting: argsort and permute (the cases above); the integer-valued primitives of random and
    // bitwise (threefry2x32, shifts, xor, ...) have no derivative to check, and sort_key_val's is
    // checked through random.permutation in test/ops/random.test.ts
    for (const v of Object.values(So)) if (v && typeof v === "object" && "abstractEval" in v && "name" in v) prims.add((v as { name: string }).name);
    const missing = [...prims].filter((p) => !used.has(p));
    expect(missing).toEqual([]);
    expect(lax).toBeDefined();
  });
});
