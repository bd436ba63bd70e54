// The reductions, scans and sorts (argmax ... topK) and the softmax family: values
// against plain JS loops (ties, NaN, infinities), gradients against float64 central differences,
// vmap against stacked slices, and jit against eager.
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { tensor } from "../../src/index.js";
import { close, rng, sizeOf, strides } from "./ref.js";
import { float64OnWasm } from "../harness/backend.js";
import { expectClose as expectCloseT, f64, fdJacobian, flat, grad, jit, jvp, scalarize, stackAt, take, vmap, type T } from "../transforms/helpers.js";
import { reduceSeq } from "../harness/read.js";

const S: any = sg;
const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 0) => {
  const err = close(actual, expected, tol);
  expect(err, err ?? "").toBeNull();
};
const data = async (t: { data(): Promise<ArrayLike<number>> }) => Array.from(await t.data());
const f32 = (d: readonly number[], shape: readonly number[]) => tensor(Float32Array.from(d), [...shape]) as unknown as T;
const TOL32 = 2e-6;

// ---------------------------------------------------------------- reference loops

/** The flat indices of each line of `shape` along `axis`, lines in row-major order of the other axes. */
function lines(shape: readonly number[], axis: number): number[][] {
  const st = strides(shape);
  const n = shape[axis]!;
  const out: number[][] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    if (Math.floor(i / st[axis]!) % n !== 0) continue;
    out.push(Array.from({ length: n }, (_, j) => i + j * st[axis]!));
  }
  return out;
}
/** Random values from a small set (so ties happen), with NaNs sprinkled in when asked. */
function tiedData(n: number, seed: number, nan = 0): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => (r() < nan ? NaN : Math.floor(r() * 5) - 2));
}
function distinct(n: number, seed: number): number[] {
  const r = rng(seed);
  const vals = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.37 + 0.05 * r());
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [vals[i], vals[j]] = [vals[j]!, vals[i]!];
  }
  return vals;
}
/** JAX's argmax / argmin of one line: the first NaN if any, else the first extreme. */
function argRef(xs: readonly number[], max: boolean): number {
  const nan = xs.findIndex(Number.isNaN);
  if (nan >= 0) return nan;
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (max ? xs[i]! > xs[best]! : xs[i]! < xs[best]!) best = i;
  return best;
}
/** A stable sort's permutation: NaN after every number; descending = JAX's (ties in index order, NaN first). */
function argsortRef(xs: readonly number[], descending: boolean): number[] {
  const key = (v: number) => (Number.isNaN(v) ? Infinity : v);
  const rank = (a: number, b: number) => {
    const an = Number.isNaN(xs[a]!);
    const bn = Number.isNaN(xs[b]!);
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    return key(xs[a]!) - key(xs[b]!);
  };
  const idx = xs.map((_, i) => i);
  // insertion sort: stable by construction, independent of Array.prototype.sort
  for (let i = 1; i < idx.length; i++) {
    for (let j = i; j > 0; j--) {
      const c = descending ? -rank(idx[j - 1]!, idx[j]!) : rank(idx[j - 1]!, idx[j]!);
      if (c > 0) [idx[j - 1], idx[j]] = [idx[j]!, idx[j - 1]!];
      else break;
    }
  }
  return idx;
}
/** Applies `f` to every line along `axis`, writing the line it returns (same length) in place. */
function mapLines(d: readonly number[], shape: readonly number[], axis: number, f: (xs: number[]) => number[]): number[] {
  const out = [...d];
  for (const l of lines(shape, axis)) f(l.map((i) => d[i]!)).forEach((v, j) => (out[l[j]!] = v));
  return out;
}
/** Reduces every line along `axis` to one number (result in row-major order of the other axes). */
const reduceLines = (d: readonly number[], shape: readonly number[], axis: number, f: (xs: number[]) => number) =>
  lines(shape, axis).map((l) => f(l.map((i) => d[i]!)));

function scanRef(xs: readonly number[], f: (a: number, b: number) => number, reverse: boolean): number[] {
  const v = reverse ? [...xs].reverse() : [...xs];
  for (let i = 1; i < v.length; i++) v[i] = f(v[i - 1]!, v[i]!);
  return reverse ? v.reverse() : v;
}
// NaN-propagating max/min, as jnp's
const maxN = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
const minN = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));

// ---------------------------------------------------------------- argmax / argmin

describe("argmax / argmin", () => {
  it("match a loop over each axis: first index on ties, first NaN wins", async () => {
    for (const [shape, seed] of [[[4, 6], 1], [[3, 5, 2], 2], [[7], 3], [[1, 9], 4]] as const) {
      const d = tiedData(sizeOf(shape), seed, 0.08);
      const x = f32(d, shape);
      for (let axis = 0; axis < shape.length; axis++) {
        expect(await data(S.argmax(x, axis)), `argmax ${shape} axis ${axis}`).toEqual(reduceLines(d, shape, axis, (xs) => argRef(xs, true)));
        expect(await data(S.argmin(x, axis)), `argmin ${shape} axis ${axis}`).toEqual(reduceLines(d, shape, axis, (xs) => argRef(xs, false)));
      }
      // no axis: the flattened tensor
      expect(await data(S.argmax(x))).toEqual([argRef(d, true)]);
      expect(await data(S.argmin(x))).toEqual([argRef(d, false)]);
    }
  });
  it("ties, NaN and infinities, int32 results, keepdims", async () => {
    const x = tensor([[1, 3, 3, 0], [NaN, 2, NaN, 9], [-Infinity, -Infinity, -Infinity, -Infinity]]);
    const a = sg.argmax(x, 1);
    expect(a.dtype).toBe("int32");
    expect(await data(a)).toEqual([1, 0, 0]);
    expect(await data(sg.argmin(x, 1))).toEqual([3, 0, 0]);
    const k = sg.argmax(x, 1, true);
    expect(k.shape).toEqual([3, 1]);
    expect(sg.argmin(x, undefined, true).shape).toEqual([1, 1]);
    expect(await data(sg.argmax(x))).toEqual([4]);
    expect(await data(x.argmin(0))).toEqual([1, 2, 1, 2]);
  });
  it("int32 and bool inputs", async () => {
    expect(await data(sg.argmax(tensor([3, 7, 7, -1], "int32")))).toEqual([1]);
    expect(await data(sg.argmin(tensor([[true, false, false]])))).toEqual([1]);
    expect(await data(sg.argmax(tensor([[false, false], [false, true]]), 1))).toEqual([0, 1]);
  });
  it("errors: axis out of range, zero-size axis", () => {
    expect(() => S.argmax(tensor([[1, 2]]), 2)).toThrow("argmax: axis 2 is out of range for shape [1, 2] (rank 2)");
    expect(() => S.argmin(sg.zeros([2, 0]), 1)).toThrow("argmin: zero-size axis in shape [2, 0] has no minimum");
  });
  it("grad through code that uses the indices (a one-hot pick)", async () => {
    float64OnWasm();
    const f = (x: T) => {
      const i = S.argmax(x, 1, true);
      const hot = S.equal(tensor([[0, 1, 2, 3]], "int32"), i);
      return S.sum(S.mul(S.where(hot, x, 0), x));
    };
    const x = f64([0.5, 2, -1, 1.5, 3, 0.1, 0.2, -2], [2, 4]);
    await expectCloseT(grad(f)(x), [0, 4, 0, 0, 6, 0, 0, 0]);
    await expectCloseT(grad(f)(x), await fdJacobian(f, [x], 0), { rtol: 1e-6 });
  });
});

// ---------------------------------------------------------------- any / all

describe("any / all", () => {
  it("match loops, with NaN truthy and empty axes", async () => {
    const shape = [3, 4, 2];
    const r = rng(5);
    const d = Array.from({ length: 24 }, () => (r() < 0.6 ? 0 : r() < 0.2 ? NaN : 1));
    const x = f32(d, shape);
    for (let axis = 0; axis < 3; axis++) {
      expect(await data(S.any(x, axis))).toEqual(reduceLines(d, shape, axis, (xs) => (xs.some((v) => v !== 0) ? 1 : 0)));
      expect(await data(S.all(x, axis))).toEqual(reduceLines(d, shape, axis, (xs) => (xs.every((v) => v !== 0) ? 1 : 0)));
    }
    expect(await data(sg.any(x))).toEqual([1]);
    expect(await data(sg.all(x))).toEqual([0]);
    const e = sg.zeros([2, 0]);
    expect(await data(sg.any(e, 1))).toEqual([0, 0]);
    expect(await data(sg.all(e, 1))).toEqual([1, 1]);
    expect(sg.any(x, [0, 2], true).shape).toEqual([1, 4, 1]);
    expect(sg.all(x).dtype).toBe("bool");
    expect(await data(tensor([[true, false], [true, true]]).all(1))).toEqual([0, 1]);
    expect(await data(tensor([0, 0, 5], "int32").any())).toEqual([1]);
    expect(await data(sg.all(tensor([NaN])))).toEqual([1]);
  });
});

// ---------------------------------------------------------------- var / std / norm

describe("var / std / norm", () => {
  const shape = [3, 5];
  const d = distinct(15, 9);
  const varRef = (xs: number[], ddof: number) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - ddof);
  };
  it("var and std with ddof against loops (float64)", async () => {
    float64OnWasm();
    const x = f64(d, shape);
    for (const ddof of [0, 1]) {
      for (const axis of [0, 1]) {
        expectClose(await data(S.var(x, axis, { ddof })), reduceLines(d, shape, axis, (xs) => varRef(xs, ddof)), 1e-13);
        expectClose(await data(S.std(x, axis, { ddof })), reduceLines(d, shape, axis, (xs) => Math.sqrt(varRef(xs, ddof))), 1e-13);
      }
      expectClose(await data(S.var(x, undefined, { ddof })), [varRef(d, ddof)], 1e-13);
    }
    expect(S.std(x, 1, { keepdims: true }).shape).toEqual([3, 1]);
    expect(x.var([0, 1], { keepdims: true }).shape).toEqual([1, 1]);
  });
  it("var of integers is float32; n - ddof = 0 gives inf / NaN", async () => {
    const v = sg.var(tensor([1, 2, 3, 4], "int32"));
    expect(v.dtype).toBe("float32");
    expectClose(await data(v), [1.25], TOL32);
    expect(await data(sg.var(tensor([1, 2]), undefined, { ddof: 2 }))).toEqual([Infinity]);
    expect(Number.isNaN((await data(sg.var(tensor([3, 3]), undefined, { ddof: 2 })))[0])).toBe(true);
  });
  it("vector norms: 2 (default), 1, ±Infinity, 0, p", async () => {
    const v = [3, -4, 0, 1.5, -0.5];
    const x = f32(v, [5]);
    const abs = v.map(Math.abs);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expectClose(await data(sg.norm(x)), [Math.sqrt(sum(v.map((a) => a * a)))], TOL32);
    expectClose(await data(sg.norm(x, 2)), [Math.sqrt(sum(v.map((a) => a * a)))], TOL32);
    expectClose(await data(sg.norm(x, 1)), [sum(abs)], TOL32);
    expectClose(await data(sg.norm(x, Infinity)), [4], 0);
    expectClose(await data(sg.norm(x, -Infinity)), [0], 0);
    expectClose(await data(sg.norm(x, 0)), [4], 0);
    expectClose(await data(sg.norm(x, 3)), [sum(abs.map((a) => a ** 3)) ** (1 / 3)], 1e-5);
    expect(() => sg.norm(x, "fro")).toThrow('norm: ord "fro" is a matrix norm');
  });
  it("matrix norms: Frobenius, 1, -1, ±Infinity, over an axis pair, keepdims", async () => {
    float64OnWasm();
    const m = f64(d, shape);
    const rows = reduceLines(d, shape, 1, (xs) => xs.reduce((a, b) => a + Math.abs(b), 0));
    const cols = reduceLines(d, shape, 0, (xs) => xs.reduce((a, b) => a + Math.abs(b), 0));
    expectClose(await data(sg.norm(m)), [Math.sqrt(d.reduce((a, b) => a + b * b, 0))], 1e-14);
    expectClose(await data(sg.norm(m, "fro")), [Math.sqrt(d.reduce((a, b) => a + b * b, 0))], 1e-14);
    expectClose(await data(sg.norm(m, 1)), [Math.max(...cols)], 1e-14);
    expectClose(await data(sg.norm(m, -1)), [Math.min(...cols)], 1e-14);
    expectClose(await data(sg.norm(m, Infinity)), [Math.max(...rows)], 1e-14);
    expectClose(await data(sg.norm(m, -Infinity)), [Math.min(...rows)], 1e-14);
    // the axis order names rows and columns: [1, 0] is the transpose
    expectClose(await data(S.norm(m, 1, [1, 0])), [Math.max(...rows)], 1e-14);
    expectClose(await data(S.norm(m, 2, 1)), reduceLines(d, shape, 1, (xs) => Math.sqrt(xs.reduce((a, b) => a + b * b, 0))), 1e-14);
    const t = f64([...d, ...d.map((v) => 2 * v)], [2, 3, 5]);
    const k = S.norm(t, Infinity, [1, 2], true);
    expect(k.shape).toEqual([2, 1, 1]);
    expectClose(await data(k), [Math.max(...rows), 2 * Math.max(...rows)], 1e-14);
    expect(() => sg.norm(m, 3)).toThrow("norm: matrix ord 3 is not supported");
    expect(() => sg.norm(t, 1)).toThrow("norm: ord 1 needs a 1-D or 2-D tensor or an axis, got shape [2, 3, 5]");
  });
});

// ---------------------------------------------------------------- logsumexp and the softmax family

describe("logsumexp / softmax / logSoftmax / standardize", () => {
  it("logsumexp is stable and handles infinities as JAX", async () => {
    float64OnWasm();
    expectClose(await data(sg.logsumexp(tensor([1000, 1000]))), [Math.fround(1000 + Math.log(2))], TOL32);
    expectClose(await data(sg.logsumexp(tensor([-1000, -1000], [2], "float64"))), [-1000 + Math.log(2)], 1e-15);
    const x = tensor([[-Infinity, -Infinity], [0, -Infinity], [Infinity, 1], [NaN, 1]]);
    expect(await data(sg.logsumexp(x, 1))).toEqual([-Infinity, 0, Infinity, NaN]);
    expect(sg.logsumexp(x, 1, true).shape).toEqual([4, 1]);
    expect(await data(sg.logsumexp(sg.zeros([2, 0]), 1))).toEqual([-Infinity, -Infinity]);
  });
  it("logsumexp, softmax, logSoftmax, standardize against loops (float64, several axes)", async () => {
    float64OnWasm();
    const shape = [3, 4];
    const d = distinct(12, 4).map((v) => v * 3);
    const x = f64(d, shape);
    const lse = (xs: number[]) => {
      const m = Math.max(...xs);
      return m + Math.log(xs.reduce((a, v) => a + Math.exp(v - m), 0));
    };
    for (const axis of [0, 1]) {
      expectClose(await data(S.logsumexp(x, axis)), reduceLines(d, shape, axis, lse), 1e-14);
      expectClose(await data(S.nn.softmax(x, axis)), mapLines(d, shape, axis, (xs) => xs.map((v) => Math.exp(v - lse(xs)))), 1e-14);
      expectClose(await data(S.nn.logSoftmax(x, axis)), mapLines(d, shape, axis, (xs) => xs.map((v) => v - lse(xs))), 1e-14);
      const stdz = (xs: number[]) => {
        const m = xs.reduce((a, b) => a + b, 0) / xs.length;
        const v = xs.reduce((a, b) => a + b * b, 0) / xs.length - m * m;
        return xs.map((a) => (a - m) / Math.sqrt(v + 1e-5));
      };
      expectClose(await data(S.nn.standardize(x, axis)), mapLines(d, shape, axis, stdz), 1e-12);
    }
    expectClose(await data(sg.logsumexp(x)), [lse(d)], 1e-14);
    // a list of axes: softmax over the whole matrix
    expectClose(await data(S.nn.softmax(x, [0, 1])), d.map((v) => Math.exp(v - lse(d))), 1e-14);
    expectClose((await data(S.nn.standardize(x, -1, { epsilon: 0 }))).slice(0, 4), mapLines(d, shape, 1, (xs) => {
      const m = xs.reduce((a, b) => a + b, 0) / 4;
      const s = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / 4);
      return xs.map((v) => (v - m) / s);
    }).slice(0, 4), 1e-12);
  });
  it("standardize in float32 of values with a large mean and a small spread (no cancellation)", async () => {
    // centred variance: (x - 30001) is exact here, so the result is ±sqrt(3/2) to float32 precision
    const z = await data(sg.nn.standardize(tensor([30000, 30001, 30002]), -1, { epsilon: 0 }));
    expectClose(z, [-Math.sqrt(1.5), 0, Math.sqrt(1.5)], 1e-6);
  });
  it("large logits: logSoftmax([1000, 0]) is [0, -1000] exactly; softmax has no overflow", async () => {
    expect(await data(sg.nn.logSoftmax(tensor([1000, 0])))).toEqual([0, -1000]);
    expect(await data(sg.nn.softmax(tensor([1000, 0])))).toEqual([1, 0]);
    const s = sg.nn.softmax(tensor([[1, 2, 3], [1001, 1002, 1003]]));
    const e = [1, 2, 3].map((v) => Math.exp(v - 3));
    const want = e.map((v) => v / (e[0]! + e[1]! + e[2]!));
    expectClose(await data(s), [...want, ...want], 1e-6);
    expect(sg.nn.softmax(tensor([1, 2], "int32")).dtype).toBe("float32");
  });
});

// ---------------------------------------------------------------- cumulative reductions

describe("cumsum / cumprod / cummax / cummin", () => {
  const ops = [
    ["cumsum", (a: number, b: number) => a + b],
    ["cumprod", (a: number, b: number) => a * b],
    ["cummax", maxN],
    ["cummin", minN],
  ] as const;
  it("match a sequential loop on every axis, forward and reverse, lengths 1 to 9 (float64)", async () => {
    float64OnWasm();
    for (const [shape, seed] of [[[9], 1], [[2, 5], 2], [[3, 2, 4], 3], [[1, 7, 1], 4], [[6, 3], 5], [[8, 1], 6]] as const) {
      const d = distinct(sizeOf(shape), seed).map((v) => v + 0.2);
      const x = f64(d, shape);
      for (const [name, f] of ops) {
        for (let axis = 0; axis < shape.length; axis++) {
          for (const reverse of [false, true]) {
            const got = await data(S[name](x, axis, { reverse }));
            expectClose(got, mapLines(d, shape, axis, (xs) => scanRef(xs, f, reverse)), 1e-13);
          }
        }
        // no axis: the flattened tensor
        const flatGot = S[name](x);
        expect(flatGot.shape).toEqual([sizeOf(shape)]);
        expectClose(await data(flatGot), scanRef(d, f, false), 1e-13);
      }
    }
  });
  it("float32 kernels, NaN through cummax, bools and ints", async () => {
    const d = [1, 3, 2, 5, 4, 0, -1, 6, 2, 2, 7];
    const x = f32(d, [11]);
    expectClose(await data(sg.cumsum(x)), scanRef(d, (a, b) => a + b, false), 0);
    expectClose(await data(sg.cummax(x, 0)), scanRef(d, maxN, false), 0);
    expectClose(await data(sg.cummin(x, 0, { reverse: true })), scanRef(d, minN, true), 0);
    expectClose(await data(sg.cumprod(f32(d.slice(0, 5), [5]))), [1, 3, 6, 30, 120], 0);
    expect(await data(sg.cummax(tensor([1, NaN, 3, 2]), 0))).toEqual([1, NaN, NaN, NaN]);
    const b = tensor([[true, false, true], [false, false, true]]);
    const cs = sg.cumsum(b, 1);
    expect(cs.dtype).toBe("int32");
    expect(await data(cs)).toEqual([1, 1, 2, 0, 0, 1]);
    const cm = sg.cummax(b, 1);
    expect(cm.dtype).toBe("bool");
    expect(await data(cm)).toEqual([1, 1, 1, 0, 0, 1]);
    expect(await data(sg.cumprod(tensor([2, -3, 4], "int32")))).toEqual([2, -6, -24]);
    expect(await data(tensor([[1, 2], [3, 4]]).cumsum(0, { reverse: true }))).toEqual([4, 6, 3, 4]);
    expect(await data(tensor([[1, 2], [3, 4]]).cumprod())).toEqual([1, 2, 6, 24]);
    expect(sg.cumsum(sg.zeros([2, 0]), 1).shape).toEqual([2, 0]);
  });
  it("errors name the op", () => {
    expect(() => S.cumsum(tensor([1, 2]), 1)).toThrow("cumsum: axis 1 is out of range for shape [2] (rank 1)");
    expect(() => S.cummin(tensor(3), 0)).toThrow("cummin: axis 0 is out of range for shape [] (rank 0)");
  });
});

// ---------------------------------------------------------------- sort / argsort / topK

describe("sort / argsort / topK", () => {
  it("argsort and sort match a stable reference sort on every axis, with ties and NaN, both directions", async () => {
    for (const [shape, seed] of [[[4, 7], 1], [[3, 2, 5], 2], [[12], 3]] as const) {
      const d = tiedData(sizeOf(shape), seed, 0.1);
      const x = f32(d, shape);
      for (let axis = 0; axis < shape.length; axis++) {
        for (const descending of [false, true]) {
          const perm = mapLines(d, shape, axis, (xs) => argsortRef(xs, descending));
          expect(await data(S.argsort(x, axis, { descending })), `argsort ${shape} axis ${axis} ${descending}`).toEqual(perm);
          // jnp.sort's descending order is the ascending one reversed
          const sorted = mapLines(d, shape, axis, (xs) => argsortRef(xs, false).map((i) => xs[i]!));
          expectClose(await data(S.sort(x, axis, { descending })), descending ? mapLines(sorted, shape, axis, (xs) => xs.reverse()) : sorted, 0);
        }
      }
    }
  });
  it("defaults: the last axis, ascending; -0 equals 0 (stable), infinities; ints and bools", async () => {
    const x = tensor([[0, -0, -Infinity, NaN, Infinity, -1]]);
    expect(await data(sg.argsort(x))).toEqual([2, 5, 0, 1, 4, 3]);
    expect(await data(sg.argsort(x, -1, { descending: true }))).toEqual([3, 4, 0, 1, 5, 2]);
    const up = await data(x.sort());
    expect(up).toEqual([-Infinity, -1, 0, -0, Infinity, NaN]);
    expect([Object.is(up[2], 0), Object.is(up[3], -0)]).toEqual([true, true]);
    const down = await data(x.sort(-1, { descending: true }));
    expect(down).toEqual([NaN, Infinity, -0, 0, -1, -Infinity]);
    expect([Object.is(down[2], -0), Object.is(down[3], 0)]).toEqual([true, true]);
    expect(await data(sg.sort(tensor([3, -7, 2], "int32")))).toEqual([-7, 2, 3]);
    expect(sg.sort(tensor([3, -7, 2], "int32")).dtype).toBe("int32");
    expect(await data(sg.argsort(tensor([true, false, true, false])))).toEqual([1, 3, 0, 2]);
    expect(await data(tensor([[5, 1], [0, 2]]).argsort(0))).toEqual([1, 0, 0, 1]);
  });
  it("topK: the k largest along the last axis, ties in index order, NaN largest", async () => {
    const shape = [5, 6];
    const d = tiedData(30, 7, 0.1);
    const x = f32(d, shape);
    for (const k of [0, 1, 3, 6]) {
      const [v, i] = S.topK(x, k);
      expect(v.shape).toEqual([5, k]);
      expect(i.dtype).toBe("int32");
      const want = lines(shape, 1).map((l) => argsortRef(l.map((j) => d[j]!), true).slice(0, k));
      expect(await data(i)).toEqual(want.flat());
      expectClose(await data(v), want.flatMap((p, r) => p.map((j) => d[r * 6 + j]!)), 0);
    }
    const [v1, i1] = sg.topK(tensor([1, 3, 3, 2]), 2);
    expect([await data(v1), await data(i1)]).toEqual([[3, 3], [1, 2]]);
  });
  it("errors: axis, rank, k", () => {
    expect(() => S.sort(tensor([[1]]), 2)).toThrow("sort: axis 2 is out of range for shape [1, 1] (rank 2)");
    expect(() => S.argsort(tensor(1))).toThrow("argsort: axis -1 is out of range for shape [] (rank 0)");
    expect(() => S.topK(tensor([[1, 2]]), 3)).toThrow("topK: k = 3 is larger than the last axis (size 2) of shape [1, 2]");
    expect(() => S.topK(tensor(1), 1)).toThrow("topK: needs rank >= 1, got shape []");
    expect(() => S.topK(tensor([1, 2]), 1.5)).toThrow("topK: k must be a non-negative integer, got 1.5");
  });
});

// ---------------------------------------------------------------- gradients (float64 central differences)

describe("gradients against central differences (float64)", () => {
  const check = async (name: string, f: (x: T) => T, d: number[], shape: number[], opts: { rtol?: number; atol?: number } = { rtol: 1e-6, atol: 1e-7 }) => {
    const x = f64(d, shape);
    const y = f(x);
    const w = f64(distinct(sizeOf(y.shape), 77).map((v) => v + 0.3), y.shape);
    const g = scalarize(f, w);
    await expectCloseT(grad(g)(x), await fdJacobian(g, [x], 0), { ...opts, msg: `${name} grad` });
    // forward mode agrees with reverse mode
    const t = f64(distinct(sizeOf(shape), 78), shape);
    const [, tan] = jvp(g, [x], [t]);
    expect((await flat(tan))[0]!, `${name} jvp`).toBeCloseTo((await reduceSeq((await flat(grad(g)(x))), async (a, v, i) => a + v * (await flat(t))[i]!, 0)), 8);
  };
  const d = distinct(12, 21);
  const shape = [3, 4];
  it("var, std, norm", async () => {
    float64OnWasm();
    await check("var", (x) => S.var(x, 1, { ddof: 1 }), d, shape);
    await check("std", (x) => S.std(x, 0), d, shape);
    await check("norm 2", (x) => S.norm(x, 2, 1), d, shape);
    await check("norm 1", (x) => S.norm(x, 1, 1), d, shape);
    await check("norm inf", (x) => S.norm(x, Infinity, 0), d, shape);
    await check("norm fro", (x) => S.norm(x), d, shape);
    await check("norm matrix 1", (x) => S.norm(x, 1), d, shape);
    await check("norm p=3", (x) => S.norm(x, 3, 1), d, shape);
  });
  it("the 2-norm's gradient at 0 is NaN, as in JAX", async () => {
    float64OnWasm();
    expect((await flat(grad((x: T) => S.norm(x))(f64([0, 0], [2])))).every(Number.isNaN)).toBe(true);
  });
  it("logsumexp (its gradient is softmax), softmax, logSoftmax, standardize", async () => {
    float64OnWasm();
    const x = f64(d, shape);
    await expectCloseT(grad((z: T) => S.logsumexp(z))(x), S.nn.softmax(S.reshape(x, [12]), 0).reshape(shape), { rtol: 1e-13 });
    await expectCloseT(grad((z: T) => S.sum(S.logsumexp(z, 1)))(x), S.nn.softmax(x), { rtol: 1e-13 });
    await check("logsumexp", (z) => S.logsumexp(z, 0), d, shape);
    await check("softmax", (z) => S.nn.softmax(z), d, shape);
    await check("softmax axis 0", (z) => S.nn.softmax(z, 0), d, shape);
    await check("logSoftmax", (z) => S.nn.logSoftmax(z), d, shape);
    await check("standardize", (z) => S.nn.standardize(z), d, shape);
    // -Infinity entries: no NaN in logsumexp's gradient, zero weight on them
    const g = grad((z: T) => S.logsumexp(z))(f64([0, -Infinity, Math.log(3)], [3]));
    await expectCloseT(g, [0.25, 0, 0.75], { rtol: 1e-14 });
  });
  it("cumsum, cummax, cummin, cumprod", async () => {
    float64OnWasm();
    for (const reverse of [false, true]) {
      await check("cumsum", (x) => S.cumsum(x, 1, { reverse }), d, shape);
      await check("cummax", (x) => S.cummax(x, 1, { reverse }), d, shape);
      await check("cummin", (x) => S.cummin(x, 0, { reverse }), d, shape);
      await check("cumprod", (x) => S.cumprod(x, 1, { reverse }), d, shape);
    }
    await check("cumsum flat", (x) => S.cumsum(x), d, shape);
  });
  it("cumprod is exact at zeros (closed form: the product of the other prefix elements)", async () => {
    float64OnWasm();
    const v = [2, 0, 3, 0.5, 0, 4, 1.5];
    const n = v.length;
    const w = [0.3, -1.2, 0.7, 2, -0.4, 1.1, 0.9];
    // d/dx_k sum_i w_i prod_{j<=i} x_j = sum_{i>=k} w_i prod_{j<=i, j!=k} x_j
    const want = v.map((_, k) => {
      let s = 0;
      for (let i = k; i < n; i++) {
        let p = w[i]!;
        for (let j = 0; j <= i; j++) if (j !== k) p *= v[j]!;
        s += p;
      }
      return s;
    });
    const f = (x: T) => S.sum(S.mul(S.cumprod(x), f64(w, [n])));
    await expectCloseT(grad(f)(f64(v, [n])), want, { rtol: 1e-14, atol: 0 });
    const rev = (x: T) => S.sum(S.mul(S.cumprod(x, 0, { reverse: true }), f64(w, [n])));
    const wantRev = v.map((_, k) => {
      let s = 0;
      for (let i = 0; i <= k; i++) {
        let p = w[i]!;
        for (let j = i; j < n; j++) if (j !== k) p *= v[j]!;
        s += p;
      }
      return s;
    });
    await expectCloseT(grad(rev)(f64(v, [n])), wantRev, { rtol: 1e-14, atol: 0 });
  });
  it("sort and topK differentiate through the permutation", async () => {
    float64OnWasm();
    await check("sort", (x) => S.sort(x), d, shape);
    await check("sort axis 0 descending", (x) => S.sort(x, 0, { descending: true }), d, shape);
    await check("topK values", (x) => S.topK(x, 2)[0], d, shape);
    // the gradient lands on the chosen positions
    const x = f64([0.1, 0.9, 0.5, 0.7], [4]);
    await expectCloseT(grad((z: T) => S.sum(S.mul(S.topK(z, 2)[0], f64([10, 1], [2]))))(x), [0, 10, 0, 1]);
    // jvp: the tangent, permuted
    const [, t] = jvp((z: T) => S.sort(z), [x], [f64([1, 2, 3, 4], [4])]);
    await expectCloseT(t, [1, 3, 4, 2]);
    // at ties, descending sort is ascending reversed (the tangents too), argsort keeps index order
    const [, td] = jvp((z: T) => S.sort(z, 0, { descending: true }), [f64([1, 1, 0], [3])], [f64([1, 2, 3], [3])]);
    await expectCloseT(td, [2, 1, 3]);
    expect(await data(S.argsort(f64([1, 1, 0], [3]), 0, { descending: true }))).toEqual([0, 1, 2]);
  });
  it("second order through sort and cumprod (hessian-vector product)", async () => {
    float64OnWasm();
    const f = (z: T) => S.sum(S.mul(S.cumprod(S.sort(z)), S.sort(z)));
    const x = f64([0.4, -0.8, 1.3, 0.6], [4]);
    const g = (z: T) => grad(f)(z);
    const H = await fdJacobian(g, [x], 0);
    const hv = jvp(g, [x], [f64([1, 0, 0, 0], [4])])[1];
    await expectCloseT(hv, (await flat(H)).filter((_, i) => i % 4 === 0), { rtol: 1e-6, atol: 1e-7 });
  });
});

// ---------------------------------------------------------------- vmap and jit

describe("vmap against stacked slices, jit against eager", () => {
  const d = tiedData(30, 31, 0.05);
  const x = f32(d, [3, 2, 5]) as T;
  const cases: [string, (z: T) => T][] = [
    ["argmax", (z) => S.argmax(z, 1)],
    ["argmin flat", (z) => S.argmin(z)],
    ["any", (z) => S.any(z, 0)],
    ["var", (z) => S.var(z, 1, { ddof: 1 })],
    ["norm", (z) => S.norm(z, Infinity, 1)],
    ["logsumexp", (z) => S.logsumexp(z, 0)],
    ["cumsum", (z) => S.cumsum(z, 1, { reverse: true })],
    ["cumprod flat", (z) => S.cumprod(z)],
    ["cummax", (z) => S.cummax(z, 0)],
    ["sort", (z) => S.sort(z, 0)],
    ["argsort", (z) => S.argsort(z, -1, { descending: true })],
    ["topK values", (z) => S.topK(z, 2)[0]],
    ["topK indices", (z) => S.topK(z, 2)[1]],
    ["softmax", (z) => S.nn.softmax(z)],
    ["logSoftmax", (z) => S.nn.logSoftmax(z, 0)],
    ["standardize", (z) => S.nn.standardize(z)],
  ];
  const nonNaN = f32(d.map((v) => (Number.isNaN(v) ? 0.5 : v)), [3, 2, 5]) as T;
  for (const [name, f] of cases) {
    it(name, async () => {
      const input = name === "argmax" || name === "argmin flat" || name === "sort" || name === "argsort" || name.startsWith("topK") ? x : nonNaN;
      for (const axis of [0, 2]) {
        const slices = Array.from({ length: input.shape[axis]! }, (_, i) => f(take(input, i, axis)));
        const want = stackAt(slices, 0);
        const got = vmap(f, { inAxes: axis })(input);
        expect(got.shape, `${name} vmap axis ${axis}`).toEqual(want.shape);
        expectClose(await flat(got), await flat(want), TOL32);
      }
      const j = jit(f);
      expectClose(await flat(j(input)), await flat(f(input)), TOL32);
      expectClose(await flat(j(input)), await flat(f(input)), TOL32);
      expect(j.traceCount).toBe(1);
    });
  }
  it("vmap of sort's vjp over cotangents (a batched tangent, an unbatched permutation)", async () => {
    const x = f32([0.3, -1, 2, 0.5], [4]);
    const cts = f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
    const pull = (ct: T) => S.vjp((z: T) => S.sort(z), x)[1](ct)[0];
    const got = vmap(pull)(cts);
    expectClose(await flat(got), [...await flat(pull(take(cts, 0, 0))), ...await flat(pull(take(cts, 1, 0)))], 0);
    // sort order of x is [1, 0, 3, 2]: the cotangent of output i goes to input perm[i]
    expectClose(await flat(got), [2, 1, 4, 3, 6, 5, 8, 7], 0);
  });
  it("long float32 scans (many steps) against a float64 loop", async () => {
    const n = 1000;
    const d = Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 0.5));
    const got = await data(S.cumsum(f32(d, [2, 500]), 1, { reverse: true }));
    expectClose(got, mapLines(d, [2, 500], 1, (xs) => scanRef(xs, (a, b) => a + b, true)), 1e-5);
    expectClose(await data(S.cummax(f32(d, [n]))), scanRef(d, maxN, false), 0);
  });
  it("jit of a gradient through sort, topK and cumsum", async () => {
    float64OnWasm();
    const f = (z: T) => S.sum(S.mul(S.cumsum(S.sort(z, 1), 1), S.topK(z, 4)[0]));
    const z = f64(distinct(8, 5), [2, 4]);
    await expectCloseT(jit(grad(f))(z), grad(f)(z), { rtol: 1e-12 });
    await expectCloseT(grad(f)(z), await fdJacobian(f, [z], 0), { rtol: 1e-6, atol: 1e-7 });
  });
});
