/**
 * Forward and reverse mode agree: <u, J v> computed with jvp (J v) and with vjp (u^T J), for
 * random u and v, on every case of the catalogue and on composite functions (ones that contain
 * transformations themselves).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import { CASES, type Instance } from "./cases.js";
import { jvp, vjp, grad, vmap, jit, hessian, expectClose, randT, rng, randInt, dotv, flat, type Rnd, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";
import { reduceSeq } from "../harness/read.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

const S: any = sg;
const RUNS = Number(process.env.RUNS ?? 20);

async function checkDuality(r: Rnd, { args, f }: Instance, label: string): Promise<void> {
  const vs = args.map((a) => randT(r, a.shape));
  const [y1, jv] = jvp(f, args, vs);
  const [y2, back] = vjp(f, ...args);
  const y = f(...args);
  await expectClose(y1, y, { rtol: 1e-12, msg: `${label} jvp primal` });
  await expectClose(y2, y, { rtol: 1e-12, msg: `${label} vjp primal` });
  expect([...jv.shape]).toEqual([...y.shape]);
  const u = randT(r, y.shape);
  const cts = back(u);
  expect(cts.length).toBe(args.length);
  cts.forEach((c: T, i: number) => expect([...c.shape], `${label} cotangent ${i} shape`).toEqual([...args[i]!.shape]));
  const lhs = await dotv(u, jv);
  const rhs = (await reduceSeq(cts, async (s: number, c: T, i: number) => s + (await dotv(c, vs[i]!)), 0));
  const scale = Math.max(1, Math.abs(lhs), Math.abs(rhs));
  expect(Math.abs(lhs - rhs) / scale, `${label}: <u, Jv> = ${lhs}, <u^T J, v> = ${rhs}`).toBeLessThan(1e-10);
}

describe("<u, J v> by jvp equals <u^T J, v> by vjp", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const r = rng(seed);
          await checkDuality(r, c.gen(r), `${c.name} seed=${seed}`);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

/** Composite functions, several of which contain transformations. */
const COMPOSITES: { name: string; gen: (r: Rnd) => Instance }[] = [
  {
    name: "two-layer MLP with softplus and a logsumexp head",
    gen: (r) => {
      const [b, i, h, o] = [randInt(r, 1, 3), randInt(r, 1, 3), randInt(r, 1, 4), randInt(r, 2, 3)];
      return {
        args: [randT(r, [b, i]), randT(r, [i, h]), randT(r, [h, o])],
        f: (x, w1, w2) => {
          const z = S.matmul(S.softplus(S.matmul(x, w1)), w2);
          return S.log(S.sum(S.exp(z), -1));
        },
      };
    },
  },
  {
    name: "attention: softmax(q k^T) v",
    gen: (r) => {
      const [n, d] = [randInt(r, 1, 3), randInt(r, 1, 3)];
      return {
        args: [randT(r, [n, d]), randT(r, [n, d]), randT(r, [n, d])],
        f: (q, k, v) => {
          const s = S.matmul(q, S.transpose(k));
          const e = S.exp(S.sub(s, S.max(s, -1, true)));
          return S.matmul(S.div(e, S.sum(e, -1, true)), v);
        },
      };
    },
  },
  {
    name: "a function containing grad (x * grad(h)(x))",
    gen: (r) => ({
      args: [randT(r, [randInt(r, 1, 4)])],
      f: (x) => S.mul(x, grad((z: T) => S.sum(S.mul(S.sin(z), S.square(z))))(x)),
    }),
  },
  {
    name: "a function containing vmap and jit",
    gen: (r) => {
      const n = randInt(r, 1, 3);
      return {
        args: [randT(r, [n, 3]), randT(r, [3])],
        f: (xs, w) => vmap(jit((x: T) => S.tanh(S.dot(x, S.mul(w, x)))))(xs),
      };
    },
  },
  {
    name: "a function containing hessian",
    gen: (r) => ({
      args: [randT(r, [randInt(r, 1, 3)])],
      f: (x) => S.trace(hessian((z: T) => S.sum(S.mul(S.exp(z), S.prod(z))))(x)),
    }),
  },
  {
    name: "slices, pads and concatenation",
    gen: (r) => ({
      args: [randT(r, [randInt(r, 2, 5), 2])],
      f: (x) => S.concatenate([S.slice(x, [[0, null, 2]]), S.mul(S.slice(x, [[1, null, 2]]), S.cos(S.slice(x, [[-1]])))]),
    }),
  },
];

describe("jvp and vjp agree on composite functions", () => {
  for (const c of COMPOSITES) {
    it(c.name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const r = rng(seed);
          await checkDuality(r, c.gen(r), `${c.name} seed=${seed}`);
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 2)) },
      );
    });
  }

  it("jvp of grad equals the Hessian-vector product", async () => {
    const r = rng(4);
    const x = randT(r, [3]);
    const v = randT(r, [3]);
    const f = (z: T) => S.sum(S.mul(S.sin(z), S.prod(z)));
    const [, hv] = jvp(grad(f), [x], [v]);
    await expectClose(hv, S.matmul(hessian(f)(x), v), { rtol: 1e-10 });
  });

  it("vjp pytrees: cotangents come back in the arguments' structure", async () => {
    const r = rng(9);
    const p = { w: randT(r, [2, 3]), b: randT(r, [3]) };
    const x = randT(r, [4, 2]);
    const f = (p: { w: T; b: T }, x: T) => ({ out: S.add(S.matmul(x, p.w), p.b), norm: S.sum(S.square(p.w)) });
    const [y, back] = vjp(f, p, x);
    const u = { out: randT(r, [4, 3]), norm: randT(r, []) };
    const [cp, cx] = back(u) as [{ w: T; b: T }, T];
    expect(Object.keys(cp).sort()).toEqual(["b", "w"]);
    expect(cp.w.shape).toEqual([2, 3]);
    expect(cx.shape).toEqual([4, 2]);
    const [, t] = jvp(f, [p, x], [{ w: randT(rng(1), [2, 3]), b: randT(rng(2), [3]) }, randT(rng(3), [4, 2])]);
    const lhs = (await dotv(u.out, t.out)) + (await flat(u.norm))[0]! * (await flat(t.norm))[0]!;
    const rhs = (await dotv(cp.w, randT(rng(1), [2, 3]))) + (await dotv(cp.b, randT(rng(2), [3]))) + (await dotv(cx, randT(rng(3), [4, 2])));
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10);
    expect(Object.keys(y).sort()).toEqual(["norm", "out"]);
  });
});
