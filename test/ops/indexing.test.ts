// Indexing with traced indices: take, takeAlongAxis, index with an int32 scalar, dynamicSlice,
// dynamicUpdateSlice and the `.at` updates. Values against plain loops over flat arrays (with the
// JAX rules for out-of-range indices written out here: negative + n, then clamp for reads and
// drop for updates), gradients against float64 central differences, vmap against stacked
// slices, and jit with the indices as an argument.
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { ShapeMismatchError } from "../../src/index.js";
import { ravel, sizeOf, unravel } from "./ref.js";
import { float64OnWasm, float64Suite } from "../harness/backend.js";
import { expectClose, f64, fdJacobian, flat, grad, hessian, jacfwd, jit, makeGraph, randT, rng, scalarize, vmap, type T } from "../transforms/helpers.js";
import { eachSeq } from "../harness/read.js";

const S: any = sg;
const f32 = (data: readonly number[], shape: number[]): T => sg.tensor(Float32Array.from(data), shape) as unknown as T;
const i32 = (data: readonly number[], shape: number[]): T => sg.tensor(Int32Array.from(data), shape, "int32") as unknown as T;
const seq = (n: number, f: (i: number) => number = (i) => i) => Array.from({ length: n }, (_, i) => f(i));
const data = async (t: T) => await flat(t);

/** JAX's read rule: negative counts from the end, then clamp to [0, n - 1]. */
const clampIdx = (k: number, n: number) => Math.min(Math.max(k < 0 ? k + n : k, 0), n - 1);
/** JAX's update rule: negative counts from the end, out of range is dropped (-1). */
const dropIdx = (k: number, n: number) => {
  const j = k < 0 ? k + n : k;
  return j >= 0 && j < n ? j : -1;
};

/** take by loops: out[pre, i, post] = x[pre, clamp(idx[i]), post]. */
function takeRef(x: number[], s: number[], idx: number[], is: number[], axis: number): { shape: number[]; data: number[] } {
  const shape = [...s.slice(0, axis), ...is, ...s.slice(axis + 1)];
  const out = seq(sizeOf(shape), (o) => {
    const m = unravel(o, shape);
    const i = m.slice(axis, axis + is.length);
    const src = [...m.slice(0, axis), clampIdx(idx[ravel(i, is)]!, s[axis]!), ...m.slice(axis + is.length)];
    return x[ravel(src, s)]!;
  });
  return { shape, data: out };
}

type Mode = "set" | "add" | "mul" | "min" | "max";
const apply = (mode: Mode, a: number, b: number) =>
  mode === "set" ? b : mode === "add" ? a + b : mode === "mul" ? a * b : mode === "min" ? Math.min(a, b) : Math.max(a, b);

/** x.at(idx).mode(v) by loops, v already of the region's shape [...is, ...s[1:]]; updates in row-major order. */
function atRef(mode: Mode, x: number[], s: number[], idx: number[], v: number[]): number[] {
  const out = [...x];
  const q = sizeOf(s.slice(1));
  idx.forEach((k, m) => {
    const j = dropIdx(k, s[0]!);
    if (j < 0) return;
    for (let e = 0; e < q; e++) out[j * q + e] = apply(mode, out[j * q + e]!, v[m * q + e]!);
  });
  return out;
}

const expectT = async (t: T, shape: number[], want: number[]) => {
  expect([...t.shape]).toEqual(shape);
  expect(await data(t)).toEqual(want);
};

describe("take and index with traced indices", () => {
  const s = [3, 4, 5];
  const x = seq(60, (i) => i * 3 - 7);
  it("take along every axis: duplicates, negative and out-of-range indices (clamped)", async () => {
    const xt = f32(x, s);
    const idx = [0, 2, -1, 2, 9, -7];
    for (const axis of [0, 1, 2, -1]) {
      const a = axis < 0 ? axis + 3 : axis;
      for (const is of [[6], [2, 3], [3, 1, 2]]) {
        const want = takeRef(x, s, idx, is, a);
        await expectT(sg.take(xt as any, i32(idx, is) as any, axis) as T, want.shape, want.data);
      }
    }
    // a scalar index removes the axis
    await expectT(sg.take(xt as any, i32([-2], []) as any, 1) as T, [3, 5], takeRef(x, s, [-2], [], 1).data);
    // no axis: x is flattened (clamped into [0, 59])
    await expectT(sg.take(xt as any, i32([59, 0, -1, 100, -100], [5]) as any) as T, [5], [x[59]!, x[0]!, x[59]!, x[59]!, x[0]!]);
    // the method, and an int32 table
    await expectT((xt as any).take(i32([1, 1], [2]), 0), [2, 4, 5], takeRef(x, s, [1, 1], [2], 0).data);
    const it32 = i32(x, s);
    expect((sg.take(it32 as any, i32([2, 0], [2]) as any, 2) as T).dtype).toBe("int32");
    await expectT(sg.take(it32 as any, i32([2, 0], [2]) as any, 2) as T, [3, 4, 2], takeRef(x, s, [2, 0], [2], 2).data);
  });
  it("an embedding lookup: take(table [V, D], ids [B, T], 0) is [B, T, D]", async () => {
    const V = 50, D = 7;
    const table = seq(V * D, (i) => (i % 13) - 6);
    const ids = seq(4 * 6, (i) => (i * 17) % V);
    const want = takeRef(table, [V, D], ids, [4, 6], 0);
    await expectT(sg.take(f32(table, [V, D]) as any, i32(ids, [4, 6]) as any, 0) as T, [4, 6, D], want.data);
  });
  it("index with an int32 scalar tensor is take with a scalar index (clamped)", async () => {
    const xt = f32(x, s);
    for (const [i, axis] of [[1, 0], [-1, 1], [7, 2], [-9, 0]] as const) {
      const want = takeRef(x, s, [i], [], axis);
      await expectT(sg.index(xt as any, i32([i], []) as any, axis) as T, want.shape, want.data);
    }
    await expectT((xt as any).index(i32([2], []), 1), [3, 5], takeRef(x, s, [2], [], 1).data);
  });
  it("errors: non-int32 indices, axis out of range, a non-scalar index tensor", () => {
    const xt = f32(x, s) as any;
    expect(() => sg.take(xt, f32([0], [1]) as any, 0)).toThrow("take: indices must be int32, got float32");
    expect(() => sg.take(xt, i32([0], [1]) as any, 3)).toThrow("take: axis 3 is out of range for shape [3, 4, 5] (rank 3)");
    expect(() => sg.take(xt, i32([0], [1]) as any, 3)).toThrow(ShapeMismatchError);
    expect(() => sg.index(xt, f32([0], []) as any)).toThrow("index: indices must be int32, got float32");
    expect(() => sg.index(xt, i32([0, 1], [2]) as any)).toThrow(/index: a tensor index must be a scalar/);
  });
});

describe("takeAlongAxis", () => {
  it("matches loops on every axis, with broadcasting of the other dims and clamping", async () => {
    const s = [2, 3, 4];
    const x = seq(24, (i) => i * 2 + 1);
    const xt = f32(x, s);
    for (const axis of [0, 1, 2]) {
      for (const bcast of [false, true]) {
        // indices with m entries on the axis; with bcast, the first other axis has size 1
        const m = 5;
        const is = s.map((d, k) => (k === axis ? m : bcast && k === (axis === 0 ? 1 : 0) ? 1 : d));
        const idx = seq(sizeOf(is), (i) => ((i * 7) % 9) - 4);
        const shape = s.map((d, k) => (k === axis ? m : d));
        const want = seq(sizeOf(shape), (o) => {
          const mi = unravel(o, shape);
          const ii = mi.map((v, k) => (is[k] === 1 && k !== axis ? 0 : v));
          const src = mi.map((v, k) => (k === axis ? clampIdx(idx[ravel(ii, is)]!, s[axis]!) : v));
          return x[ravel(src, s)]!;
        });
        await expectT(sg.takeAlongAxis(xt as any, i32(idx, is) as any, axis) as T, shape, want);
      }
    }
  });
  it("errors: rank, axis, broadcasting, dtype", () => {
    const xt = f32(seq(12), [3, 4]) as any;
    expect(() => sg.takeAlongAxis(xt, i32([0], [1]) as any, 0)).toThrow("takeAlongAxis: x [3, 4] and indices [1] differ in rank (2 vs 1)");
    expect(() => sg.takeAlongAxis(xt, i32([0, 0], [2, 1]) as any, 1)).toThrow("takeAlongAxis: x [3, 4] and indices [2, 1] do not broadcast at axis 0 (3 vs 2)");
    expect(() => sg.takeAlongAxis(xt, i32([0, 0, 0], [3, 1]) as any, 2)).toThrow("takeAlongAxis: axis 2 is out of range for shape [3, 4] (rank 2)");
    expect(() => sg.takeAlongAxis(xt, f32([0, 0, 0], [3, 1]) as any, 1)).toThrow("takeAlongAxis: indices must be int32, got float32");
  });
});

describe(".at updates", () => {
  const s = [4, 3];
  const x = [5, -2, 7, 1, 0, 3, -4, 8, 2, 6, -1, 9];
  const modes: Mode[] = ["set", "add", "mul", "min", "max"];
  it("int32 indices: duplicates accumulate (set: the last wins), negative count from the end, out of range is dropped", async () => {
    const idx = [1, 3, 1, -1, 4, -5, 0];
    const v = seq(7 * 3, (i) => ((i * 5) % 11) - 5);
    for (const mode of modes) {
      const got = (f32(x, s) as any).at(i32(idx, [7]))[mode](f32(v, [7, 3])) as T;
      await expectT(got, s, atRef(mode, x, s, idx, v));
    }
    // indices of rank 2, a broadcast value, a number
    const idx2 = [2, 0, 2, 2];
    await expectT((f32(x, s) as any).at(i32(idx2, [2, 2])).add(f32([1, 10, 100], [3])), s, atRef("add", x, s, idx2, seq(12, (i) => [1, 10, 100][i % 3]!)));
    await expectT(sg.at(f32(x, s) as any, i32(idx2, [2, 2]) as any).set(0) as T, s, atRef("set", x, s, idx2, seq(12, () => 0)));
    // a scalar index addresses one row; int32 x keeps its dtype
    const xi = (i32(x, s) as any).at(i32([-2], [])).mul(3) as T;
    expect(xi.dtype).toBe("int32");
    await expectT(xi, s, atRef("mul", x, s, [-2], [3, 3, 3]));
  });
  it("get: a gather that clamps", async () => {
    const idx = [3, -1, 7, -9];
    await expectT((f32(x, s) as any).at(i32(idx, [2, 2])).get(), [2, 2, 3], takeRef(x, s, idx, [2, 2], 0).data);
  });
  it("static numbers and slices: every mode and get", async () => {
    const v = [10, 20, 30];
    const cases: [unknown, number[]][] = [
      [2, [2]],
      [-1, [3]],
      [[1, 3], [1, 2]],
      [[null, null, 2], [0, 2]],
      [[-3], [1, 2, 3]],
      [[1, 100, 3], [1]],
      [null, [0, 1, 2, 3]],
      [[3, 1], []],
    ];
    for (const [i, rows] of cases) {
      for (const mode of modes) {
        const got = (f32(x, s) as any).at(i)[mode](f32(v, [3])) as T;
        await expectT(got, s, atRef(mode, x, s, rows, seq(rows.length * 3, (k) => v[k % 3]!)));
      }
      const g = (f32(x, s) as any).at(i).get() as T;
      expect(await data(g)).toEqual(rows.flatMap((r) => x.slice(r * 3, r * 3 + 3)));
    }
  });
  it("errors: static index out of range, update shape, dtype of the indices, rank 0", () => {
    const xt = f32(x, s) as any;
    expect(() => xt.at(4)).toThrow("at: 4 is out of bounds for axis 0 of size 4 (shape [4, 3])");
    expect(() => xt.at(-5)).toThrow(ShapeMismatchError);
    expect(() => xt.at(1).set(f32([1, 2], [2]))).toThrow("at.set: cannot broadcast [2] to [3] (2 vs 3 at axis -1)");
    expect(() => xt.at(i32([0, 1], [2])).add(f32(seq(6), [3, 2]))).toThrow("at.add: cannot broadcast [3, 2] to [2, 3] (2 vs 3 at axis -1)");
    expect(() => xt.at(f32([0], [1]))).toThrow("at: indices must be int32, got float32");
    expect(() => (f32([1], []) as any).at(i32([0], []))).toThrow("at: cannot index a rank-0 tensor (shape [])");
  });
});

describe("dynamicSlice and dynamicUpdateSlice", () => {
  const s = [4, 5];
  const x = seq(20, (i) => i * i - 30);
  /** JAX's start rule: negative from the end, then clamp so that the block fits. */
  const startFor = (st: number, n: number, z: number) => Math.min(Math.max(st < 0 ? st + n : st, 0), n - z);
  const sliceRef = (st: number[], z: number[]) => seq(sizeOf(z), (o) => {
    const m = unravel(o, z);
    return x[ravel(m.map((v, k) => v + startFor(st[k]!, s[k]!, z[k]!)), s)]!;
  });
  const updateRef = (u: number[], us: number[], st: number[]) => {
    const out = [...x];
    const at = st.map((v, k) => startFor(v, s[k]!, us[k]!));
    for (let o = 0; o < u.length; o++) {
      const m = unravel(o, us);
      out[ravel(m.map((v, k) => v + at[k]!), s)] = u[o]!;
    }
    return out;
  };
  const starts: number[][] = [[1, 2], [3, 4], [-1, -2], [-9, 1], [0, 0]];
  it("traced and static starts, clamped so the block fits", async () => {
    const xt = f32(x, s) as any;
    for (const st of starts) {
      for (const z of [[2, 3], [4, 1], [0, 2]]) {
        const want = sliceRef(st, z);
        await expectT(sg.dynamicSlice(xt, st as any, z as any) as T, z, want);
        await expectT(sg.dynamicSlice(xt, [i32([st[0]!], []), i32([st[1]!], [])] as any, z as any) as T, z, want);
        await expectT(sg.dynamicSlice(xt, [st[0]!, i32([st[1]!], [])] as any, z as any) as T, z, want);
      }
    }
  });
  it("dynamicUpdateSlice writes the update where it fits (converted to x's dtype)", async () => {
    const xt = f32(x, s) as any;
    const us = [2, 3];
    const u = seq(6, (i) => 100 + i);
    for (const st of starts) {
      const want = updateRef(u, us, st);
      await expectT(sg.dynamicUpdateSlice(xt, f32(u, us) as any, st as any) as T, s, want);
      await expectT(sg.dynamicUpdateSlice(xt, f32(u, us) as any, [i32([st[0]!], []), i32([st[1]!], [])] as any) as T, s, want);
      await expectT(sg.dynamicUpdateSlice(xt, i32(u, us) as any, [st[0]!, i32([st[1]!], [])] as any) as T, s, want);
    }
    // a row written at a traced position (a cache update): one gather, the full axis needs none
    for (const st of [2, -1, 9]) {
      const row = f32([1, 2, 3, 4, 5], [1, 5]);
      const want = updateRef([1, 2, 3, 4, 5], [1, 5], [st, 0]);
      await expectT(sg.dynamicUpdateSlice(xt, row as any, [i32([st], []), 0] as any) as T, s, want);
      await expectT(sg.dynamicUpdateSlice(xt, f32(seq(20, (i) => -i), [4, 5]) as any, [i32([st], []), 0] as any) as T, s, seq(20, (i) => -i));
    }
    const g = makeGraph((a: T, i: T) => S.dynamicUpdateSlice(a, f32(seq(5), [1, 5]), [i, 0]))(xt, i32([1], [])).toString();
    expect(g.match(/gather/g)?.length).toBe(1);
    // an empty update leaves x as it is
    await expectT(sg.dynamicUpdateSlice(xt, f32([], [0, 2]) as any, [i32([1], []), 1] as any) as T, s, x);
  });
  it("errors name the shapes", () => {
    const xt = f32(x, s) as any;
    expect(() => sg.dynamicSlice(xt, [0, 0] as any, [5, 1] as any)).toThrow("dynamicSlice: sizes [5, 1] do not fit in shape [4, 5] (5 > 4 at axis 0)");
    expect(() => sg.dynamicSlice(xt, [0] as any, [1, 1] as any)).toThrow("dynamicSlice: 1 start indices for shape [4, 5] (rank 2)");
    expect(() => sg.dynamicSlice(xt, [0, 0] as any, [1] as any)).toThrow("dynamicSlice: 1 sizes for shape [4, 5] (rank 2)");
    expect(() => sg.dynamicSlice(xt, [f32([0], []), 0] as any, [1, 1] as any)).toThrow("dynamicSlice: indices must be int32, got float32");
    expect(() => sg.dynamicUpdateSlice(xt, f32(seq(6), [1, 6]) as any, [0, 0] as any)).toThrow("dynamicUpdateSlice: update [1, 6] does not fit in [4, 5] (6 > 5 at axis 1)");
    expect(() => sg.dynamicUpdateSlice(xt, f32(seq(5), [5]) as any, [0, 0] as any)).toThrow("dynamicUpdateSlice: update [5] and x [4, 5] differ in rank (1 vs 2)");
  });
});

describe("gradients against float64 central differences", () => {
  float64Suite();
  const TOL = { rtol: 1e-6, atol: 1e-7 };
  /** grad of a random weighting of f's output, and jacfwd, against central differences, for argument 0 (and 1). */
  async function check(f: (...xs: T[]) => T, args: T[], argnums: number[] = [0], seed = 1) {
    const y = f(...args);
    const w = randT(rng(seed), y.shape);
    const g = scalarize(f, w);
    const grads = grad(g, { argnums })(...args) as T[];
    await eachSeq(argnums, async (i, k) => {
      await expectClose(grads[k]!, await fdJacobian(g, args, i), { ...TOL, msg: `grad arg ${i}` });
      await expectClose(jacfwd(f, { argnums: i })(...args) as T, await fdJacobian(f, args, i), { ...TOL, msg: `jacfwd arg ${i}` });
    });
  }
  const r = rng(7);
  it("take with duplicate, negative and out-of-range indices (a scatter-add of the cotangent)", async () => {
    const idx = i32([1, 1, -1, 0, 1, 5, -8], [7]);
    await check((x) => S.take(x, idx, 0), [randT(r, [3, 2])]);
    await check((x) => S.take(x, i32([2, 2, 0, 2], [2, 2]), 1), [randT(r, [2, 3, 2])]);
    await check((x) => S.take(x, i32([4, 4, 1], [3])), [randT(r, [2, 3])]);
    // the gradient by hand: each row gets the cotangent once per time it is taken
    const g = grad((x: T) => S.sum(S.take(x, idx, 0)))(f64(seq(6), [3, 2])) as T;
    await expectClose(g, [2, 2, 3, 3, 2, 2]);
  });
  it("takeAlongAxis and index with a traced scalar", async () => {
    await check((x) => S.takeAlongAxis(x, i32([2, 2, 0, 1, 1, 1], [2, 3]), 1), [randT(r, [2, 4])]);
    await check((x) => S.takeAlongAxis(x, i32([0, 2, 2], [1, 3]), 0), [randT(r, [3, 3])]);
    await check((x) => S.index(x, i32([-1], []), 1), [randT(r, [2, 3])]);
  });
  it(".at updates with tensor indices, with respect to x and the values (duplicates included)", async () => {
    const idx = i32([2, 0, 2, -1, 7], [5]);
    for (const mode of ["set", "add", "mul", "min", "max"] as const) {
      // distinct values, so min/max have no ties and finite differences are smooth
      const x = f64(seq(8, (i) => ((i * 5) % 8) * 0.37 - 1.1), [4, 2]);
      const v = f64(seq(10, (i) => ((i * 3) % 10) * 0.29 - 1.3 + 0.013 * i), [5, 2]);
      await check((a, b) => (S.at(a, idx) as any)[mode](b), [x, v], [0, 1]);
    }
    // mul with a zero update: d/dv of the other update of the slot stays exact
    const x = f64([1.5, -2, 0.7, 3], [4]);
    await check((a, b) => (S.at(a, i32([1, 1, 2], [3])) as any).mul(b), [x, f64([0, 1.3, -0.6], [3])], [0, 1]);
    await check((a, b) => (S.at(a, i32([1, 1, 2], [3])) as any).mul(b), [x, f64([0, 0, 2], [3])], [0, 1]);
    await check((a) => (S.at(a, i32([3, 0], [2])) as any).get(), [randT(r, [4, 2])]);
  });
  it(".at with static numbers and slices", async () => {
    for (const mode of ["set", "add", "mul", "min", "max"] as const) {
      const x = f64(seq(8, (i) => ((i * 3) % 8) * 0.41 - 1.2), [4, 2]);
      const v = f64([0.33, -0.71], [2]);
      await check((a, b) => (S.at(a, 1) as any)[mode](b), [x, v], [0, 1]);
      await check((a, b) => (S.at(a, [0, 4, 2]) as any)[mode](b), [x, v], [0, 1]);
    }
  });
  it("dynamicSlice and dynamicUpdateSlice with traced starts", async () => {
    const st = [i32([-1], []), i32([1], [])];
    await check((x) => S.dynamicSlice(x, st, [2, 2]), [randT(r, [3, 4])]);
    await check((x, u) => S.dynamicUpdateSlice(x, u, st), [randT(r, [3, 4]), randT(r, [2, 2])], [0, 1]);
    await check((x, u) => S.dynamicUpdateSlice(x, u, [1, 0]), [randT(r, [3, 4]), randT(r, [2, 2])], [0, 1]);
    await check((x, u) => S.dynamicUpdateSlice(x, u, [i32([-1], []), 0]), [randT(r, [3, 4]), randT(r, [2, 4])], [0, 1]);
    await check((x, u) => S.dynamicUpdateSlice(x, u, [1, i32([3], [])]), [randT(r, [3, 4]), randT(r, [2, 2])], [0, 1]);
  });
  it("second order: the Hessian through take and a scatter-mul with repeated indices", async () => {
    const idx = i32([1, 1, 0], [3]);
    const f = (x: T) => S.sum(S.mul(S.take(x, idx, 0), (S.at(x, idx) as any).mul(S.take(x, idx, 0))));
    const x = f64([0.7, -1.3, 0.4], [3]);
    const g = (a: T) => grad(f)(a) as T;
    await expectClose(hessian(f)(x) as T, await fdJacobian(g, [x], 0), { rtol: 1e-5, atol: 1e-6 });
  });
  it("grad of a cross-entropy written with takeAlongAxis is softmax minus one-hot", async () => {
    const B = 5, C = 4;
    const logits = randT(r, [B, C]);
    const labels = [3, 0, 1, 1, 2];
    const loss = (z: T) => {
      const logp = S.sub(z, S.log(S.sum(S.exp(z), 1, true)));
      return S.neg(S.mean(S.takeAlongAxis(logp, i32(labels, [B, 1]), 1)));
    };
    const z = await flat(logits);
    const want = seq(B * C, (o) => {
      const b = Math.floor(o / C);
      const row = z.slice(b * C, b * C + C);
      const den = row.reduce((s, v) => s + Math.exp(v), 0);
      return (Math.exp(z[o]!) / den - (labels[b] === o % C ? 1 : 0)) / B;
    });
    await expectClose(grad(loss)(logits) as T, want, TOL);
    await expectClose(jit(grad(loss))(logits) as T, want, TOL);
  });
});

describe("vmap: batched operand, batched indices, both", () => {
  const stack = (ts: T[]) => S.stack(ts) as T;
  it("take and takeAlongAxis", async () => {
    const xs = f32(seq(2 * 3 * 4, (i) => i - 5), [2, 3, 4]);
    const is = i32([2, -1, 0, 7, 1, 1], [2, 3]);
    const x0 = S.index(xs, 0);
    const i0 = S.index(is, 0);
    const per = (x: T, i: T) => S.take(x, i, 1);
    const cases: [unknown, T, T, (b: number) => T][] = [
      [[0, 0], xs, is, (b) => per(S.index(xs, b), S.index(is, b))],
      [[0, null], xs, i0, (b) => per(S.index(xs, b), i0)],
      [[null, 0], x0, is, (b) => per(x0, S.index(is, b))],
    ];
    for (const [inAxes, a, b, slice] of cases) {
      await expectClose(vmap(per, { inAxes })(a, b) as T, stack([slice(0), slice(1)]));
      const along = (x: T, i: T) => S.takeAlongAxis(x, S.reshape(i, [3, 1]), 1);
      const alongSlice = (k: number) => along(inAxes !== null && (inAxes as unknown[])[0] === 0 ? S.index(xs, k) : x0, (inAxes as unknown[])[1] === 0 ? S.index(is, k) : i0);
      await expectClose(vmap(along, { inAxes })(a, b) as T, stack([alongSlice(0), alongSlice(1)]));
    }
    // per-example take from a shared table (an embedding lookup per example)
    const table = f32(seq(20, (i) => i * 0.5), [5, 4]);
    const ids = i32([4, 0, 0, 3, -1, 9], [3, 2]);
    await expectClose(vmap((i: T) => S.take(table, i, 0))(ids) as T, stack([0, 1, 2].map((k) => S.take(table, S.index(ids, k), 0))));
    // a vmap over an inner axis of the indices
    await expectClose(vmap((i: T) => S.take(table, i, 0), { inAxes: 1 })(ids) as T, stack([0, 1].map((k) => S.take(table, S.index(ids, k, 1), 0))));
  });
  it(".at updates, dynamicSlice and index with a traced scalar", async () => {
    const xs = f32(seq(2 * 4 * 2, (i) => (i * 7) % 11), [2, 4, 2]);
    const is = i32([1, 1, 3, 0, -1, 9], [2, 3]);
    const vs = f32(seq(2 * 3 * 2, (i) => i + 1), [2, 3, 2]);
    for (const mode of ["set", "add", "mul", "min", "max"]) {
      const per = (x: T, i: T, v: T) => (S.at(x, i) as any)[mode](v) as T;
      for (const inAxes of [[0, 0, 0], [0, null, null], [null, 0, null], [null, null, 0], [0, 0, null], [null, 0, 0]]) {
        const arg = (k: number, all: T, b: number) => (inAxes[k] === 0 ? S.index(all, b) : S.index(all, 0));
        const args = [xs, is, vs].map((a, k) => (inAxes[k] === 0 ? a : S.index(a, 0)));
        const want = stack([0, 1].map((b) => per(arg(0, xs, b), arg(1, is, b), arg(2, vs, b))));
        await expectClose(vmap(per, { inAxes })(...args) as T, want, { msg: `${mode} ${JSON.stringify(inAxes)}` });
      }
    }
    const starts = i32([2, -1, 0], [3]);
    const x = f32(seq(20), [4, 5]);
    const ds = (s: T) => S.dynamicSlice(x, [s, 1], [2, 3]);
    await expectClose(vmap(ds)(starts) as T, stack([0, 1, 2].map((k) => ds(S.index(starts, k)))));
    const du = (s: T, u: T) => S.dynamicUpdateSlice(x, u, [1, s]);
    const us = f32(seq(3 * 2 * 2, (i) => -i), [3, 2, 2]);
    await expectClose(vmap(du)(starts, us) as T, stack([0, 1, 2].map((k) => du(S.index(starts, k), S.index(us, k)))));
    const ix = (s: T) => S.index(x, s, 1);
    await expectClose(vmap(ix)(starts) as T, stack([0, 1, 2].map((k) => ix(S.index(starts, k)))));
  });
  it("gradients of batched gathers and scatters", async () => {
    float64OnWasm();
    const xs = f64(seq(2 * 3 * 2, (i) => i * 0.1), [2, 3, 2]);
    const is = i32([2, 2, 0, 1, -1, 1], [2, 3]);
    const loss = (x: T, i: T) => S.sum(S.mul(S.take(x, i, 0), S.take(x, i, 0)));
    const g = vmap(grad(loss), { inAxes: [0, 0] })(xs, is) as T;
    await expectClose(g, stack([0, 1].map((b) => grad(loss)(S.index(xs, b), S.index(is, b)) as T)));
    // the derivative rules of every update mode, batched over x, the indices and the values
    const vs = f64(seq(2 * 3 * 2, (i) => ((i * 5) % 12) * 0.21 - 1.1), [2, 3, 2]);
    for (const mode of ["set", "add", "mul", "min", "max"]) {
      const f = (x: T, i: T, v: T) => S.sum(S.mul((S.at(x, i) as any)[mode](v), S.add(x, 1)));
      const per = (b: number) => grad(f, { argnums: [0, 2] })(S.index(xs, b), S.index(is, b), S.index(vs, b)) as T[];
      const got = vmap(grad(f, { argnums: [0, 2] }))(xs, is, vs) as T[];
      await eachSeq([0, 1], async (k) => await expectClose(got[k]!, stack([per(0)[k]!, per(1)[k]!]), { msg: `${mode} grad ${k}` }));
    }
    // a static row under vmap (pad and select)
    const rowAdd = (x: T) => (S.at(x, 1) as any).add(S.index(x, 0));
    await expectClose(vmap(rowAdd)(xs) as T, stack([0, 1].map((b) => rowAdd(S.index(xs, b)))));
  });
});

describe("static regions lower to views, pads and selects (no gather or scatter)", () => {
  it(".at with a number or a slice, dynamicSlice and dynamicUpdateSlice with static starts", () => {
    const x = f32(seq(12), [4, 3]);
    const fs = [
      (a: T) => (S.at(a, 1) as any).add(f32([1, 2, 3], [3])),
      (a: T) => (S.at(a, [0, 4, 2]) as any).set(0),
      (a: T) => (S.at(a, -1) as any).get(),
      (a: T) => S.dynamicSlice(a, [1, -2], [2, 2]),
      (a: T) => S.dynamicUpdateSlice(a, f32([7, 8], [1, 2]), [2, 1]),
    ];
    for (const f of fs) expect(makeGraph(f)(x).toString()).not.toMatch(/gather|scatter/);
    expect(makeGraph((a: T) => (S.at(a, i32([1], [1])) as any).add(1))(x).toString()).toMatch(/scatter\[mode=add/);
  });
});

describe("jit: the indices are an argument of the compiled function", () => {
  it("one trace, different results for different indices", async () => {
    const table = f32(seq(12, (i) => i * 10), [4, 3]);
    const lookup = jit((t: T, i: T) => S.mul(S.take(t, i, 0), 2));
    const a = lookup(table, i32([3, 0], [2])) as T;
    const b = lookup(table, i32([1, 1], [2])) as T;
    expect(await data(a)).toEqual([180, 200, 220, 0, 20, 40]);
    expect(await data(b)).toEqual([60, 80, 100, 60, 80, 100]);
    const upd = jit((t: T, i: T) => (S.at(t, i) as any).add(1));
    expect(await data(upd(table, i32([0, 0], [2])) as T)).toEqual(atRef("add", await flat(table), [4, 3], [0, 0], seq(6, () => 1)));
    expect(await data(upd(table, i32([3, 9], [2])) as T)).toEqual(atRef("add", await flat(table), [4, 3], [3, 9], seq(6, () => 1)));
    const ds = jit((t: T, s: T) => S.dynamicSlice(t, [s, 0], [2, 3]));
    expect(await data(ds(table, i32([1], [])) as T)).toEqual((await flat(table)).slice(3, 9));
    expect(await data(ds(table, i32([3], [])) as T)).toEqual((await flat(table)).slice(6, 12));
    expect([lookup.traceCount, upd.traceCount, ds.traceCount]).toEqual([1, 1, 1]);
  });
  it("a jitted embedding gradient (scatter-add) with repeated ids", async () => {
    const table = f32(seq(15, (i) => i), [5, 3]);
    const ids = i32([4, 1, 4, 4], [2, 2]);
    const g = jit(grad((t: T, i: T) => S.sum(S.take(t, i, 0)))) as (t: T, i: T) => T;
    expect(await data(g(table, ids))).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 3, 3, 3]);
    expect(await data(g(table, i32([0, 0, 0, 2], [2, 2])))).toEqual([3, 3, 3, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });
});

