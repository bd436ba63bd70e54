import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import { tensor, zeros, ones, ShapeMismatchError, type Tensor, type DType } from "../../src/index.js";
import { broadcastShape, close, matmulRef, randRef, reduceRef, toRef, type Ref } from "./ref.js";
import { float64OnWasm } from "../harness/backend.js";
import { settled } from "../harness/read.js";

const fromRef = <D extends DType = "float64">(r: Ref, dtype?: D): Tensor<number[], D> =>
  tensor(Float64Array.from(r.data), r.shape as number[], (dtype ?? "float64") as D) as unknown as Tensor<number[], D>;
const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 0) => {
  const err = close(actual, expected, tol);
  expect(err, err ?? "").toBeNull();
};
const TOL = 1e-13;

describe("matmul", () => {
  const check = async (sa: number[], sb: number[], expectedShape: number[], seed = 1) => {
    float64OnWasm();
    const a = randRef(sa, seed);
    const b = randRef(sb, seed + 7);
    // promote vectors like NumPy, then drop the added axes
    const a2 = sa.length === 1 ? { shape: [1, sa[0]!], data: a.data } : a;
    const b2 = sb.length === 1 ? { shape: [sb[0]!, 1], data: b.data } : b;
    const ref = matmulRef(a2, b2);
    const out = sg.matmul(fromRef(a), fromRef(b) as never);
    expect(out.shape).toEqual(expectedShape);
    expect(out.dtype).toBe("float64");
    expectClose(await out.data(), ref.data, TOL);
  };

  it("matrix @ matrix", async () => await check([3, 4], [4, 5], [3, 5]));
  it("vector @ matrix", async () => await check([4], [4, 5], [5]));
  it("matrix @ vector", async () => await check([3, 4], [4], [3]));
  it("vector @ vector", async () => await check([4], [4], []));
  it("[B, m, k] @ [k, n]", async () => await check([2, 3, 4], [4, 5], [2, 3, 5]));
  it("[m, k] @ [B, k, n]", async () => await check([3, 4], [2, 4, 5], [2, 3, 5]));
  it("batched with equal batch dims", async () => await check([2, 3, 4], [2, 4, 5], [2, 3, 5]));
  it("batched with broadcast batch dims", async () => {
    await check([2, 1, 3, 4], [5, 4, 2], [2, 5, 3, 2]);
    await check([1, 3, 4], [6, 4, 2], [6, 3, 2]);
    await check([7, 1, 2, 3], [1, 4, 3, 2], [7, 4, 2, 2]);
  });
  it("[B, m, k] @ [k] and [k] @ [B, k, n]", async () => {
    await check([2, 3, 4], [4], [2, 3]);
    await check([4], [2, 4, 5], [2, 5]);
  });
  it("zero-size dims: k = 0 gives zeros, m = 0 gives empty", async () => {
    const z = sg.matmul(zeros([2, 0]), zeros([0, 3]));
    expect(z.shape).toEqual([2, 3]);
    expect(Array.from(await z.data())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(sg.matmul(zeros([0, 4]), ones([4, 3])).shape).toEqual([0, 3]);
    expect(sg.matmul(zeros([0, 2, 4]), ones([4, 3])).shape).toEqual([0, 2, 3]);
  });
  it("random batched shapes (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
        fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
        fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 4 })),
        fc.nat(2),
        async (batch, onesA, onesB, [m, k, n], drop) => {
          const ba = batch.map((d, i) => (onesA[i] ? 1 : d)).slice(Math.min(drop, batch.length));
          const bb = batch.map((d, i) => (onesB[i] ? 1 : d));
          await check([...ba, m, k], [...bb, k, n], [...broadcastShape(ba, bb)!, m, n], m * 31 + k);
        },
      ),
      { numRuns: 80 },
    );
  });
  it("float32: accumulates in double, rounds once", async () => {
    const a = randRef([3, 50], 4);
    const b = randRef([50, 2], 5);
    const fa = { shape: a.shape, data: a.data.map(Math.fround) };
    const fb = { shape: b.shape, data: b.data.map(Math.fround) };
    const out = sg.matmul(fromRef(a, "float32"), fromRef(b, "float32") as never);
    expect(out.dtype).toBe("float32");
    expectClose(await out.data(), matmulRef(fa, fb).data.map(Math.fround), 1e-6);
  });
  it("the method form and int32", async () => {
    const x = tensor([[1, 2], [3, 4]], "int32");
    const w = tensor([[5], [6]], "int32");
    const r = x.matmul(w);
    expect(r.dtype).toBe("int32");
    expect((await settled(r)).toArray()).toEqual([[17], [39]]);
  });
  it("mixed dtypes promote", async () => {
    float64OnWasm();
    const r = sg.matmul(tensor([[1, 2]]) as never, tensor([[0.1], [0.2]], "float64") as never) as Tensor<number[], DType>;
    expect(r.dtype).toBe("float64");
    expectClose(await r.data(), [1 * 0.1 + 2 * 0.2], 1e-15);
  });
  it("inner-dim mismatch and rank 0 are errors naming both shapes", () => {
    const f = (a: Tensor<[number, number]>, b: Tensor<[number, number]>) => sg.matmul(a, b);
    expect(() => f(zeros([2, 3]), zeros([4, 5]))).toThrow(ShapeMismatchError);
    expect(() => f(zeros([2, 3]), zeros([4, 5]))).toThrow("matmul: inner dims differ, [2, 3] @ [4, 5] (3 vs 4)");
    const g = (a: Tensor<number[]>, b: Tensor<number[]>) => sg.matmul(a, b);
    expect(() => g(zeros([3]), zeros([4]))).toThrow("matmul: inner dims differ, [3] @ [4] (3 vs 4)");
    expect(() => g(zeros([2, 3, 4]), zeros([3, 4, 5]))).toThrow("matmul: batch dims [2] and [3] do not broadcast, [2, 3, 4] @ [3, 4, 5]");
    expect(() => g(zeros([]), zeros([3]))).toThrow("matmul: operands must be at least 1-D, got [] @ [3]");
    expect(() => sg.matmul(zeros([2]), 3 as never)).toThrow(/matmul: expected two tensors/);
  });
});

describe("dot and outer", () => {
  it("dot of vectors is the inner product; otherwise matmul", async () => {
    float64OnWasm();
    const a = randRef([6], 1);
    const b = randRef([6], 2);
    const d = sg.dot(fromRef(a), fromRef(b) as never);
    expect(d.shape).toEqual([]);
    expect((await settled(d)).item()).toBeCloseTo(a.data.reduce((s, v, i) => s + v * b.data[i]!, 0), 13);
    const m = sg.dot(fromRef(randRef([2, 3], 3)), fromRef(randRef([3, 4], 4)) as never);
    expectClose(await m.data(), matmulRef(randRef([2, 3], 3), randRef([3, 4], 4)).data, TOL);
    const f = (x: Tensor<[number]>, y: Tensor<[number]>) => sg.dot(x, y);
    expect(() => f(zeros([3]), zeros([4]))).toThrow(/dot: inner dims differ, \[3\] @ \[4\] \(3 vs 4\)/);
  });
  it("outer of vectors", async () => {
    float64OnWasm();
    const a = [1, 2, 3];
    const b = [0.5, -1];
    const o = sg.outer(tensor(a, "float64"), tensor(b, "float64"));
    expect(o.shape).toEqual([3, 2]);
    expect((await settled(o)).toArray()).toEqual(a.map((x) => b.map((y) => x * y)));
    expect(sg.outer(zeros([0]), zeros([2])).shape).toEqual([0, 2]);
    const f = (x: Tensor<number[]>, y: Tensor<number[]>) => sg.outer(x, y);
    expect(() => f(zeros([2, 3]), zeros([4]))).toThrow(/outer: expects 1-D vectors, got \[2, 3\] and \[4\]/);
  });
});

describe("reductions", () => {
  type Red = (x: never, axis?: never, keepdims?: boolean) => Tensor<number[], DType>;
  const reds: [string, Red, number, (a: number, v: number) => number, boolean][] = [
    ["sum", sg.sum as never, 0, (a, v) => a + v, false],
    ["prod", sg.prod as never, 1, (a, v) => a * v, false],
    ["max", sg.max as never, -Infinity, (a, v) => Math.max(a, v), false],
    ["min", sg.min as never, Infinity, (a, v) => Math.min(a, v), false],
    ["mean", sg.mean as never, 0, (a, v) => a + v, true],
  ];
  const refReduce = (r: Ref, axes: number[], init: number, f: (a: number, v: number) => number, isMean: boolean, keep: boolean) => {
    const norm = [...new Set(axes.map((a) => (a < 0 ? a + r.shape.length : a)))].sort((x, y) => x - y);
    const out = reduceRef(r, norm, init, f, keep);
    if (!isMean) return out;
    const n = norm.reduce((p, a) => p * r.shape[a]!, 1);
    return { shape: out.shape, data: out.data.map((v) => v / n) };
  };

  for (const [name, op, init, f, isMean] of reds) {
    it(`${name} over all, one, many and negative axes, with keepdims`, async () => {
      float64OnWasm();
      const r = randRef([2, 3, 4], 9, 0.5, 1.5);
      const x = fromRef(r);
      const cases: (number | number[] | undefined)[] = [undefined, 0, 1, 2, -1, -3, [0, 2], [2, 0], [-1, 1], [0, 1, 2], []];
      for (const axis of cases) {
        for (const keep of [false, true]) {
          const axes = axis === undefined ? [0, 1, 2] : typeof axis === "number" ? [axis] : axis;
          const ref = refReduce(r, axes, init, f, isMean, keep);
          const out = op(x as never, axis as never, keep);
          expect(out.shape, `${name}(${JSON.stringify(axis)}, ${keep})`).toEqual(ref.shape);
          expectClose(await out.data(), ref.data, TOL);
        }
      }
    });
  }

  it("the method forms", async () => {
    float64OnWasm();
    const x = tensor([[1, 2, 3], [4, 5, 6]], "float64");
    expect((await settled(x.sum())).item()).toBe(21);
    expect((await settled(x.sum(0))).toArray()).toEqual([5, 7, 9]);
    expect((await settled(x.sum(1, true))).toArray()).toEqual([[6], [15]]);
    expect((await settled(x.mean(-1))).toArray()).toEqual([2, 5]);
    expect((await settled(x.max([0, 1]))).item()).toBe(6);
    expect((await settled(x.min(0))).toArray()).toEqual([1, 2, 3]);
    expect((await settled(x.prod(1))).toArray()).toEqual([6, 120]);
  });

  it("dtypes: sums keep the dtype, mean of ints is float32, float32 rounds once", async () => {
    float64OnWasm();
    const i = tensor([[1, 2], [3, 4]], "int32");
    expect(sg.sum(i).dtype).toBe("int32");
    expect((await settled(sg.sum(i))).item()).toBe(10);
    expect(sg.mean(i).dtype).toBe("float32");
    expect((await settled(sg.mean(i, 0))).toArray()).toEqual([2, 3]);
    expect(sg.mean(tensor([1, 2], "float64")).dtype).toBe("float64");
    const r = randRef([1000], 3);
    const s = (await settled(sg.sum(fromRef(r, "float32")))).item();
    const exact = r.data.map(Math.fround).reduce((a, v) => a + v, 0);
    expect(Math.abs(s - Math.fround(exact))).toBeLessThanOrEqual(Math.abs(exact) * 2 ** -22);
    expect((await settled(sg.max(tensor([true, false])))).item()).toBe(true);
  });

  it("empty reductions: sum 0, prod 1, mean NaN; max/min of a zero-size axis is an error", async () => {
    expect((await settled(sg.sum(zeros([0])))).item()).toBe(0);
    expect((await settled(sg.prod(zeros([2, 0]), 1))).toArray()).toEqual([1, 1]);
    expect(Number.isNaN((await settled(sg.mean(zeros([0])))).item())).toBe(true);
    expect((await settled(sg.sum(zeros([0, 3]), 0))).toArray()).toEqual([0, 0, 0]);
    expect(sg.max(zeros([0, 3]), 1).shape).toEqual([0]);
    expect(() => sg.max(zeros([0, 3]), 0)).toThrow(/max: zero-size axis/);
    expect(() => sg.min(zeros([0]))).toThrow(/min: zero-size axis/);
  });

  it("max/min with NaN and infinities", async () => {
    float64OnWasm();
    expect(Number.isNaN((await settled(sg.max(tensor([1, NaN, 3], "float64")))).item())).toBe(true);
    expect((await settled(sg.min(tensor([Infinity, -Infinity], "float64")))).item()).toBe(-Infinity);
  });

  it("axes out of range, repeated or non-integer are clear errors", () => {
    const x = zeros([2, 3]) as Tensor<number[]>;
    for (const [name, op] of reds) {
      expect(() => op(x as never, 2 as never)).toThrow(`${name}: axis 2 is out of range for shape [2, 3] (rank 2)`);
      expect(() => op(x as never, -3 as never)).toThrow(/out of range/);
    }
    expect(() => sg.sum(x, [0, -2] as number[])).toThrow("sum: repeated axis -2 in [0, -2] for shape [2, 3]");
    expect(() => sg.sum(x, 0.5 as number)).toThrow(/sum: axis must be an integer/);
    expect(() => sg.sum(tensor(1) as Tensor<number[]>, 0 as number)).toThrow(/sum: axis 0 is out of range for shape \[\] \(rank 0\)/);
    expect(() => sg.sum(3 as never)).toThrow(/sum: expected a tensor/);
  });

  it("random shapes and axis sets (property)", async () => {
    float64OnWasm();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        async (shape, pick, keep) => {
          const axes = shape.map((_, i) => i).filter((i) => pick[i]);
          const r = randRef(shape, shape.length);
          const out = sg.sum(fromRef(r), axes as number[], keep);
          const ref = reduceRef(r, axes, 0, (a, v) => a + v, keep);
          expect(out.shape).toEqual(ref.shape);
          expectClose(await out.data(), ref.data, TOL);
        },
      ),
      { numRuns: 100 },
    );
  });
});

// toRef is used by other files; keep the import list honest
void toRef;
