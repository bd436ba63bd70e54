/**
 * vmap(f)(xs) equals stacking f over the slices, for every primitive's batching rule (the case
 * catalogue), with random inAxes (0, 1, -1, null, mixtures) and outAxes, plus batched
 * transformations (vmap of grad, nested vmap), dot_general with either or both sides batched,
 * and pytree arguments.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import * as lax from "../../src/prims/lax.js";
import { CASES, byName, type Instance } from "./cases.js";
import { vmap, grad, jacfwd, expectClose, scalarize, randT, rng, randInt, f64, flat, stackAt, take, type Rnd, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";
import { mapSeq, eachSeq } from "../harness/read.js";

// float64 throughout (helpers.ts: randT, f64): on gpu.js these graphs run on wasm, by design
float64Suite();

const S: any = sg;
const RUNS = Number(process.env.RUNS ?? 20);

/** A new sample with the same shape and sign pattern (zeros stay zero). */
async function perturb(r: Rnd, x: T): Promise<T> {
  return f64((await flat(x)).map((v) => v * (0.8 + 0.4 * r())), x.shape);
}

interface Batched {
  inAxes: (number | null)[] | number | null;
  batched: T[];
  /** Per-slice arguments. */
  slices: T[][];
  b: number;
}

/** Random batching of an instance: each argument mapped over a random axis or not mapped. */
async function batchArgs(r: Rnd, args: readonly T[], b: number): Promise<Batched> {
  let mapped = args.map(() => r() < 0.7);
  if (!mapped.some(Boolean)) {
    const k = randInt(r, 0, args.length - 1);
    mapped = args.map((_, i) => i === k);
  }
  const axes = args.map((a, i) => {
    if (!mapped[i]) return null;
    const rank = a.shape.length + 1;
    const p = randInt(r, 0, rank - 1);
    return r() < 0.3 ? p - rank : p;
  });
  const slices = (await mapSeq(Array.from({ length: b }), async () => (await mapSeq(args, async (a, i) => (mapped[i] ? (await perturb(r, a)) : a)))));
  const batched = args.map((a, i) => (axes[i] === null ? a : stackAt(slices.map((s) => s[i]!), axes[i]!)));
  // sometimes give a single number when every argument uses the same axis
  const same = axes.every((x) => x === axes[0]);
  const inAxes = same && r() < 0.5 ? axes[0]! : axes;
  return { inAxes, batched, slices, b };
}

async function checkVmap(r: Rnd, inst: Instance, label: string): Promise<void> {
  const { args, f } = inst;
  const b = randInt(r, 1, 3);
  const { inAxes, batched, slices } = await batchArgs(r, args, b);
  const outs = slices.map((s) => f(...s));
  const rank = outs[0]!.shape.length + 1;
  const q = randInt(r, -rank, rank - 1);
  const want = stackAt(outs, q);
  const got = vmap(f, { inAxes, outAxes: q })(...batched);
  await expectClose(got, want, { rtol: 1e-12, atol: 1e-12, msg: `${label} inAxes=${JSON.stringify(inAxes)} outAxes=${q} shapes ${JSON.stringify(batched.map((x) => x.shape))}` });
}

describe("vmap(f) equals f stacked over slices, for every primitive", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const r = rng(seed);
          await checkVmap(r, c.gen(r), `${c.name} seed=${seed}`);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("vmap of derivatives (batching rules of the rules)", () => {
  for (const c of CASES) {
    it(`vmap(grad) and vmap(jacfwd): ${c.name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const r = rng(seed);
          const { args, f } = c.gen(r);
          const w = randT(r, f(...args).shape);
          const g = scalarize(f, w);
          const all = args.map((_, i) => i);
          // grad with respect to every argument returns a list: vmap stacks each entry
          const gradAll = (...xs: T[]) => grad(g, { argnums: all })(...xs);
          const b = randInt(r, 1, 3);
          const { inAxes, batched, slices } = await batchArgs(r, args, b);
          const per = slices.map((s) => gradAll(...s) as T[]);
          const got = vmap(gradAll, { inAxes })(...batched) as T[];
          expect(got.length).toBe(args.length);
          await eachSeq(got, async (gi, i) => await expectClose(gi, stackAt(per.map((p) => p[i]!), 0), { rtol: 1e-10, atol: 1e-10, msg: `${c.name} seed=${seed} vmap(grad) arg ${i}` }));
          // forward mode under vmap (jvp rules batched), with respect to the first argument
          const jf = (...xs: T[]) => jacfwd(f)(...xs);
          await expectClose(vmap(jf, { inAxes })(...batched), stackAt(slices.map((s) => jf(...s)), 0), { rtol: 1e-10, atol: 1e-10, msg: `${c.name} seed=${seed} vmap(jacfwd)` });
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 2)) },
      );
    });
  }
});

describe("derivatives of vmap (rules of the batched primitives)", () => {
  for (const c of CASES) {
    it(`grad(vmap) and jacfwd(vmap) equal the derivatives of the unrolled loop: ${c.name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
          const r = rng(seed);
          const { args, f } = c.gen(r);
          const b = randInt(r, 1, 3);
          const { inAxes, batched } = await batchArgs(r, args, b);
          const axes = Array.isArray(inAxes) ? inAxes : args.map(() => inAxes);
          const w = randT(r, [b, ...f(...args).shape]);
          const viaVmap = (...bs: T[]) => S.sum(S.mul(vmap(f, { inAxes })(...bs), w));
          const unrolled = (...bs: T[]) => {
            let acc: T | null = null;
            for (let j = 0; j < b; j++) {
              const y = f(...bs.map((x, i) => (axes[i] === null ? x : take(x, j, axes[i]! < 0 ? axes[i]! + x.shape.length : axes[i]!))));
              const term = S.sum(S.mul(y, take(w, j, 0)));
              acc = acc === null ? term : S.add(acc, term);
            }
            return acc!;
          };
          const all = args.map((_, i) => i);
          const g1 = grad(viaVmap, { argnums: all })(...batched) as T[];
          const g2 = grad(unrolled, { argnums: all })(...batched) as T[];
          await eachSeq(g1, async (g, i) => await expectClose(g, g2[i]!, { rtol: 1e-10, atol: 1e-10, msg: `${c.name} seed=${seed} grad(vmap) arg ${i}` }));
          await expectClose(jacfwd(viaVmap)(...batched), jacfwd(unrolled)(...batched), { rtol: 1e-10, atol: 1e-10, msg: `${c.name} seed=${seed} jacfwd(vmap)` });
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 2)) },
      );
    });
  }
});

describe("vmap details", () => {
  it("dot_general with the lhs only, the rhs only, or both batched", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const r = rng(seed);
        const { args, f } = byName("dot_general (random dimension numbers)").gen(r);
        for (const mode of ["lhs", "rhs", "both"] as const) {
          const b = randInt(r, 2, 3);
          const mapped = [mode !== "rhs", mode !== "lhs"];
          const axes = args.map((a, i) => (mapped[i] ? randInt(r, 0, a.shape.length) : null));
          const slices = (await mapSeq(Array.from({ length: b }), async () => (await mapSeq(args, async (a, i) => (mapped[i] ? (await perturb(r, a)) : a)))));
          const batched = args.map((a, i) => (axes[i] === null ? a : stackAt(slices.map((s) => s[i]!), axes[i]!)));
          const want = stackAt(slices.map((s) => f(...s)), 0);
          await expectClose(vmap(f, { inAxes: axes })(...batched), want, { rtol: 1e-12, msg: `${mode} seed=${seed}` });
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("matmul batched on one side is the same as the broadcast product", async () => {
    const r = rng(7);
    const a = randT(r, [4, 2, 3]);
    const w = randT(r, [3, 5]);
    await expectClose(vmap((x: T) => S.matmul(x, w))(a), S.matmul(a, w), { rtol: 1e-12 });
    // the rhs batched on its last axis, the lhs not batched
    const bs = randT(r, [3, 5, 4]);
    const got = vmap((x: T, y: T) => S.matmul(x, y), { inAxes: [null, -1] })(randT(rng(8), [2, 3]), bs);
    await expectClose(got, S.matmul(randT(rng(8), [2, 3]), S.moveAxis(bs, -1, 0)), { rtol: 1e-12 });
  });

  it("nested vmap over two axes equals a double loop", async () => {
    const r = rng(3);
    const x = randT(r, [2, 3, 4]);
    const y = randT(r, [4, 3]);
    const f = (a: T, b: T) => S.sum(S.mul(S.sin(a), b));
    // outer maps x's axis 1 and y's axis 1; inner maps x's axis 0 only
    const got = vmap(vmap(f, { inAxes: [0, null] }), { inAxes: [1, 1], outAxes: 1 })(x, y);
    const want = stackAt(
      [0, 1, 2].map((j) => stackAt([0, 1].map((i) => f(take(take(x, j, 1), i, 0), take(y, j, 1))), 0)),
      1,
    );
    await expectClose(got, want, { rtol: 1e-12 });
    expect(got.shape).toEqual([2, 3]);
  });

  it("pytree arguments and results: every leaf of an argument maps over its axis", async () => {
    const r = rng(11);
    const params = { w: randT(r, [3, 2]), b: randT(r, [2]) };
    const xs = randT(r, [5, 3]);
    const f = (p: { w: T; b: T }, x: T) => ({ y: S.add(S.matmul(x, p.w), p.b), n: [S.sum(x)] });
    const out = vmap(f, { inAxes: [null, 0] })(params, xs) as { y: T; n: T[] };
    expect(Object.keys(out).sort()).toEqual(["n", "y"]);
    await expectClose(out.y, S.add(S.matmul(xs, params.w), params.b), { rtol: 1e-12 });
    await expectClose(out.n[0]!, S.sum(xs, 1), { rtol: 1e-12 });
    // both leaves of a mapped pytree argument carry the batch
    const ps = { w: randT(r, [4, 3, 2]), b: randT(r, [4, 2]) };
    const out2 = vmap(f, { inAxes: [0, null] })(ps, xs) as { y: T; n: T[] };
    expect(out2.y.shape).toEqual([4, 5, 2]);
    for (let i = 0; i < 4; i++) {
      await expectClose(take(out2.y, i, 0), S.add(S.matmul(xs, take(ps.w, i, 0)), take(ps.b, i, 0)), { rtol: 1e-12 });
    }
    await expectClose(out2.n[0]!, S.broadcastTo(S.sum(xs), [4]), { rtol: 1e-12 });
    // outAxes per output leaf
    const o3 = vmap((x: T) => [x, S.sum(x)], { outAxes: [1, 0] })(randT(r, [4, 3])) as T[];
    expect(o3[0]!.shape).toEqual([3, 4]);
    expect(o3[1]!.shape).toEqual([4]);
  });

  it("an unmapped output is broadcast over the batch", async () => {
    const x = randT(rng(1), [3, 2]);
    const c = f64([1, 2], [2]);
    const out = vmap((_x: T) => c)(x);
    await expectClose(out, [1, 2, 1, 2, 1, 2]);
    await expectClose(vmap((_x: T) => c, { outAxes: 1 })(x), [1, 1, 1, 2, 2, 2]);
  });

  it("a closed-over tensor is not mapped", async () => {
    const r = rng(2);
    const w = randT(r, [3]);
    const xs = randT(r, [4, 3]);
    await expectClose(vmap((x: T) => S.dot(x, w))(xs), S.matmul(xs, w), { rtol: 1e-12 });
  });

  it("select with only the predicate batched, or only one branch", async () => {
    const xs = f64([-1, 2, -3, 4], [4]);
    const a = f64([10], [1]);
    const b = f64([20], [1]);
    await expectClose(vmap((x: T) => S.where(S.greater(x, 0), a, b))(xs), [20, 10, 20, 10]);
    await expectClose(vmap((x: T) => S.where(S.greater(a, 15), a, x))(xs), [-1, 2, -3, 4]);
    await expectClose(vmap((x: T) => S.where(S.greater(b, 15), S.mul(x, 2), b), { outAxes: -1 })(S.reshape(xs, [2, 2])), [-2, -6, 4, 8]);
  });

  it("works with lax.pad, select and concatenate when only some operands are batched", async () => {
    const r = rng(5);
    const xs = randT(r, [3, 2]);
    const y = randT(r, [2]);
    const f = (x: T, z: T) => S.concatenate([lax.pad(x, [1], [0], [1]), z, S.where(S.less(x, z), x, z)]);
    const got = vmap(f, { inAxes: [0, null] })(xs, y);
    await expectClose(got, stackAt([0, 1, 2].map((i) => f(take(xs, i, 0), y)), 0), { rtol: 1e-12 });
    const got2 = vmap(f, { inAxes: [null, 0] })(y, xs);
    await expectClose(got2, stackAt([0, 1, 2].map((i) => f(y, take(xs, i, 0))), 0), { rtol: 1e-12 });
  });
});
