import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import { tensor, zeros, ShapeMismatchError, type Tensor, type DType } from "../../src/index.js";
import { randRef, ravel, readBroadcast, sizeOf, transposeRef, unravel, type Ref } from "./ref.js";
import { float64OnWasm } from "../harness/backend.js";
import { settled } from "../harness/read.js";

/** A float64 tensor of shape `shape` holding 0, 1, 2, ... (row-major), typed with dynamic dims. */
const iota = (shape: number[]): Tensor<number[], "float64"> =>
  tensor(Float64Array.from({ length: sizeOf(shape) }, (_, i) => i), shape, "float64") as unknown as Tensor<number[], "float64">;
const iotaRef = (shape: number[]): Ref => ({ shape, data: Array.from({ length: sizeOf(shape) }, (_, i) => i) });
const data = async (t: { data(): Promise<ArrayLike<number>> }) => Array.from(await t.data());
/** Loop reference: for each output index, the input flat position given by `src`. */
const gather = (inp: Ref, outShape: number[], src: (idx: number[]) => number[]): Ref => ({
  shape: outShape,
  data: Array.from({ length: sizeOf(outShape) }, (_, i) => inp.data[ravel(src(unravel(i, outShape)), inp.shape)]!),
});
const expectRef = async (t: { shape: readonly number[]; data(): Promise<ArrayLike<number>> }, r: Ref) => {
  expect([...t.shape]).toEqual(r.shape);
  expect(await data(t)).toEqual(r.data);
};

describe("reshape, flatten, expandDims, squeeze", () => {
  it("reshape keeps row-major order; -1 is inferred", async () => {
    float64OnWasm();
    const x = iota([2, 3, 4]);
    await expectRef(sg.reshape(x, [6, 4]), iotaRef([6, 4]));
    await expectRef(sg.reshape(x, [4, -1]), iotaRef([4, 6]));
    await expectRef(sg.reshape(x, [-1]), iotaRef([24]));
    await expectRef(x.reshape([2, -1, 2]), iotaRef([2, 6, 2]));
    await expectRef(sg.reshape(iota([1]), []), iotaRef([]));
    await expectRef(sg.reshape(iota([]), [1, 1, 1]), iotaRef([1, 1, 1]));
    await expectRef(sg.reshape(zeros([0, 3]) as Tensor<number[]>, [-1, 3]), { shape: [0, 3], data: [] });
    await expectRef(sg.reshape(zeros([0, 3]) as Tensor<number[]>, [3, 0, 5]), { shape: [3, 0, 5], data: [] });
    expect(sg.reshape(zeros([1024, 1024]), [1048576]).shape).toEqual([1048576]);
    expect(sg.reshape(zeros([3, 224, 224]), [3, -1]).shape).toEqual([3, 50176]);
  });
  it("reshape errors: count mismatch, several -1, not divisible, bad dims", () => {
    const x = iota([3, 4]);
    expect(() => sg.reshape(x, [5, 3])).toThrow(ShapeMismatchError);
    expect(() => sg.reshape(x, [5, 3])).toThrow("reshape: cannot reshape [3, 4] (12 elements) into [5, 3] (15 elements)");
    expect(() => sg.reshape(x, [-1, -1] as number[])).toThrow("reshape: can only specify one unknown dimension (-1), got [-1, -1]");
    expect(() => sg.reshape(x, [5, -1])).toThrow("reshape: cannot reshape [3, 4] (12 elements) into [5, -1] (12 is not divisible by 5)");
    expect(() => sg.reshape(x, [-2, -6] as number[])).toThrow("reshape: invalid dim -2 in [-2, -6]");
    expect(() => sg.reshape(x, [2.5, 4.8] as number[])).toThrow(/reshape/);
    expect(() => sg.reshape(zeros([0, 3]) as Tensor<number[]>, [0, -1])).toThrow(/reshape: cannot reshape \[0, 3\]/);
  });
  it("flatten", async () => {
    float64OnWasm();
    await expectRef(sg.flatten(iota([2, 3, 4])), iotaRef([24]));
    await expectRef(iota([]).flatten(), iotaRef([1]));
  });
  it("expandDims at every insertion point, negative counts from the end", async () => {
    float64OnWasm();
    const x = iota([2, 3]);
    const cases: [number, number[]][] = [[0, [1, 2, 3]], [1, [2, 1, 3]], [2, [2, 3, 1]], [-1, [2, 3, 1]], [-2, [2, 1, 3]], [-3, [1, 2, 3]]];
    for (const [a, s] of cases) await expectRef(sg.expandDims(x, a), iotaRef(s));
    await expectRef(x.expandDims(0), iotaRef([1, 2, 3]));
    expect(() => sg.expandDims(x, 3)).toThrow("expandDims: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])");
    expect(() => sg.expandDims(x, -4)).toThrow(/expandDims: axis -4 is out of range/);
  });
  it("squeeze: all size-1 axes, or the given ones", async () => {
    float64OnWasm();
    const x = iota([1, 3, 1, 2]);
    await expectRef(sg.squeeze(x), iotaRef([3, 2]));
    await expectRef(sg.squeeze(x, 0), iotaRef([3, 1, 2]));
    await expectRef(sg.squeeze(x, -2), iotaRef([1, 3, 2]));
    await expectRef(sg.squeeze(x, [0, 2]), iotaRef([3, 2]));
    await expectRef(x.squeeze([2]), iotaRef([1, 3, 2]));
    await expectRef(sg.squeeze(iota([1, 1])), iotaRef([]));
    await expectRef(sg.squeeze(iota([2, 3])), iotaRef([2, 3]));
    expect(() => sg.squeeze(x, 1)).toThrow("squeeze: axis 1 has size 3, not 1 (shape [1, 3, 1, 2])");
    expect(() => sg.squeeze(x, 4)).toThrow("squeeze: axis 4 is out of range for shape [1, 3, 1, 2] (rank 4)");
    expect(() => sg.squeeze(x, [0, 0])).toThrow(/squeeze: repeated axis/);
  });
});

describe("transpose, moveAxis, broadcastTo", () => {
  it("transpose reverses by default and applies a permutation", async () => {
    float64OnWasm();
    const r = randRef([2, 3, 4], 1);
    const x = tensor(Float64Array.from(r.data), r.shape, "float64") as unknown as Tensor<number[], "float64">;
    await expectRef(sg.transpose(x), transposeRef(r, [2, 1, 0]));
    for (const p of [[0, 1, 2], [1, 0, 2], [2, 0, 1], [0, 2, 1], [1, 2, 0]]) await expectRef(sg.transpose(x, p), transposeRef(r, p));
    await expectRef(x.transpose([-1, 0, 1]), transposeRef(r, [2, 0, 1]));
    await expectRef(sg.transpose(iota([])), iotaRef([]));
    await expectRef(sg.transpose(iota([0, 2])), { shape: [2, 0], data: [] });
    expect(() => sg.transpose(x, [0, 0, 1])).toThrow("transpose: [0, 0, 1] is not a permutation of the axes of [2, 3, 4]");
    expect(() => sg.transpose(x, [0, 1])).toThrow(/not a permutation/);
    expect(() => sg.transpose(x, [0, 1, 3])).toThrow(/not a permutation/);
  });
  it("transpose of random shapes and permutations (property)", async () => {
    float64OnWasm();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 5 }).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }))), async ([s, p]) => {
        await expectRef(sg.transpose(iota(s), p), transposeRef(iotaRef(s), p));
      }),
    );
  });
  it("moveAxis moves one axis and keeps the others in order", async () => {
    float64OnWasm();
    const x = iota([2, 3, 4]);
    const move = (from: number, to: number) => {
      const r = 3;
      const f = (from + r) % r;
      const t = (to + r) % r;
      const perm = [0, 1, 2].filter((i) => i !== f);
      perm.splice(t, 0, f);
      return transposeRef(iotaRef([2, 3, 4]), perm);
    };
    for (const [f, t] of [[0, 2], [2, 0], [1, -1], [-1, 0], [0, 0], [-3, 1]] as const) await expectRef(sg.moveAxis(x, f, t), move(f, t));
    expect(() => sg.moveAxis(x, 3, 0)).toThrow("moveAxis: axis 3 is out of range for shape [2, 3, 4] (rank 3)");
  });
  it("broadcastTo stretches size-1 axes and adds leading ones", async () => {
    float64OnWasm();
    const r: Ref = { shape: [3, 1], data: [1, 2, 3] };
    const x = tensor([[1], [2], [3]], "float64");
    const out = sg.broadcastTo(x, [2, 3, 4]);
    await expectRef(out, { shape: [2, 3, 4], data: Array.from({ length: 24 }, (_, i) => readBroadcast(r, unravel(i, [2, 3, 4]))) });
    await expectRef(tensor(5, "float64").broadcastTo([2, 2]), { shape: [2, 2], data: [5, 5, 5, 5] });
    await expectRef(sg.broadcastTo(x, [3, 0]), { shape: [3, 0], data: [] });
    const f = (t: Tensor<number[]>, s: number[]) => sg.broadcastTo(t, s);
    expect(() => f(zeros([2, 3]), [4, 3])).toThrow(/broadcastTo: cannot broadcast \[2, 3\] to \[4, 3\]/);
    expect(() => f(zeros([2, 3]), [3])).toThrow(/broadcastTo: cannot broadcast \[2, 3\] to \[3\]/);
    expect(() => f(zeros([2]), [-1])).toThrow(/broadcastTo: a shape is an array of non-negative integers/);
  });
});

describe("index and slice", () => {
  it("index drops the axis; negative i counts from the end; any axis", async () => {
    float64OnWasm();
    const s = [3, 4, 2];
    const x = iota(s);
    for (let ax = 0; ax < 3; ax++) {
      for (let i = -s[ax]!; i < s[ax]!; i++) {
        const k = i < 0 ? i + s[ax]! : i;
        const outShape = s.filter((_, a) => a !== ax);
        await expectRef(sg.index(x, i, ax), gather(iotaRef(s), outShape, (idx) => [...idx.slice(0, ax), k, ...idx.slice(ax)]));
      }
    }
    await expectRef(x.index(-1), gather(iotaRef(s), [4, 2], (idx) => [2, ...idx]));
    await expectRef(sg.index(iota([3]), 1), { shape: [], data: [1] });
    await expectRef(sg.index(x, 0, -1), gather(iotaRef(s), [3, 4], (idx) => [...idx, 0]));
  });
  it("index errors: out of bounds, bad axis, rank 0", () => {
    const x = iota([3, 4]);
    expect(() => sg.index(x, 3)).toThrow(ShapeMismatchError);
    expect(() => sg.index(x, 3)).toThrow("index: 3 is out of bounds for axis 0 of size 3 (shape [3, 4])");
    expect(() => sg.index(x, -4)).toThrow(/index: -4 is out of bounds for axis 0 of size 3/);
    expect(() => sg.index(x, 4, 1)).toThrow(/index: 4 is out of bounds for axis 1 of size 4/);
    expect(() => sg.index(x, 0, 2)).toThrow("index: axis 2 is out of range for shape [3, 4] (rank 2)");
    expect(() => sg.index(iota([]), 0)).toThrow("index: cannot index a rank-0 tensor (shape [])");
    expect(() => sg.index(iota([0]), 0)).toThrow(/out of bounds for axis 0 of size 0/);
    expect(() => sg.index(x, 1.5)).toThrow(/index/);
  });

  /** Python's range(start, stop, step) for a slice of an axis of size n (step >= 1). */
  const pyRange = (n: number, start: number | null | undefined, stop: number | null | undefined, step: number) => {
    const norm = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const s = start == null ? 0 : norm(start);
    const e = stop == null ? n : norm(stop);
    const out: number[] = [];
    for (let i = s; i < e; i += step) out.push(i);
    return out;
  };

  it("slice with negative bounds, steps, clamping, empty results, fewer entries than axes", async () => {
    float64OnWasm();
    const s = [5, 6];
    const x = iota(s);
    type E = [number | null | undefined, (number | null)?, number?] | null;
    const specs: E[][] = [
      [[1, 3]],
      [[-2, null]],
      [[null, -1], [1, null, 2]],
      [[-100, 100]],
      [[4, 1]],
      [[3, 3]],
      [null, [5, 0]],
      [[0, 5, 3], [-5, -1, 4]],
      [[undefined, undefined, 2]],
      [[2]],
      [],
      [null, null],
      [[10, 20]],
    ];
    for (const spec of specs) {
      const ranges = s.map((n, a) => {
        const e = spec[a];
        return e == null ? pyRange(n, 0, n, 1) : pyRange(n, e[0], e[1], e[2] ?? 1);
      });
      const outShape = ranges.map((r) => r.length);
      const out = sg.slice(x, spec);
      await expectRef(out, gather(iotaRef(s), outShape, (idx) => idx.map((i, a) => ranges[a]![i]!)));
    }
    await expectRef(x.slice([[1, 2]]), gather(iotaRef(s), [1, 6], (idx) => [1, idx[1]!]));
  });
  it("slice of random specs (property)", async () => {
    float64OnWasm();
    const bound = fc.option(fc.integer({ min: -8, max: 8 }), { nil: null });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), bound, bound, fc.integer({ min: 1, max: 4 }), async (n, a, b, st) => {
        const r = pyRange(n, a, b, st);
        await expectRef(sg.slice(iota([n]), [[a, b, st]]), { shape: [r.length], data: r });
      }),
    );
  });
  it("slice errors: step < 1, too many entries, non-integer bounds", () => {
    const x = iota([3, 4]);
    expect(() => sg.slice(x, [[0, 3, 0]])).toThrow("slice: step must be a positive integer, got 0 (axis 0)");
    expect(() => sg.slice(x, [null, [0, 3, -1]])).toThrow("slice: step must be a positive integer, got -1 (axis 1)");
    expect(() => sg.slice(x, [null, null, null])).toThrow("slice: too many indices (3) for shape [3, 4]");
    expect(() => sg.slice(x, [[1.5]])).toThrow(/slice: bounds must be integers, got 1.5 on axis 0/);
  });
});

describe("concatenate and stack", () => {
  it("concatenate along any axis (negative too) matches a loop", async () => {
    float64OnWasm();
    const shapes = [[2, 3, 4], [2, 1, 4], [2, 0, 4], [2, 2, 4]];
    const parts = shapes.map((s, k) => randRef(s, k));
    const tensors = parts.map((r) => tensor(Float64Array.from(r.data), r.shape, "float64") as unknown as Tensor<number[], "float64">);
    for (const axis of [1, -2]) {
      const out = sg.concatenate(tensors, axis);
      const total = shapes.reduce((p, s) => p + s[1]!, 0);
      const outShape = [2, total, 4];
      const expected = Array.from({ length: sizeOf(outShape) }, (_, i) => {
        const [a, b, c] = unravel(i, outShape) as [number, number, number];
        let k = 0;
        let off = b;
        while (off >= shapes[k]![1]!) off -= shapes[k++]![1]!;
        return parts[k]!.data[ravel([a, off, c], shapes[k]!)]!;
      });
      await expectRef(out, { shape: outShape, data: expected });
    }
    await expectRef(sg.concatenate([iota([2, 2]), iota([1, 2])]), { shape: [3, 2], data: [0, 1, 2, 3, 0, 1] });
    await expectRef(sg.concatenate([iota([3])]), iotaRef([3]));
  });
  it("concatenate promotes dtypes", async () => {
    float64OnWasm();
    const c = sg.concatenate([tensor([1], "int32"), tensor([0.5], "float64")] as const);
    expect(c.dtype).toBe("float64");
    expect(await data(c)).toEqual([1, 0.5]);
  });
  it("concatenate errors", () => {
    const f = (xs: Tensor<number[]>[], axis?: number) => sg.concatenate(xs, axis);
    expect(() => f([zeros([2, 3]), zeros([2, 4])])).toThrow("concatenate: shapes [2, 3] and [2, 4] differ at axis 1 (3 vs 4); only axis 0 may differ");
    expect(() => f([zeros([2, 3]), zeros([3])])).toThrow("concatenate: shapes [2, 3] and [3] differ in rank (2 vs 1)");
    expect(() => f([])).toThrow(/concatenate: needs a non-empty array of tensors/);
    expect(() => f([zeros([2, 3])], 2)).toThrow("concatenate: axis 2 is out of range for shape [2, 3] (rank 2)");
    expect(() => f([zeros([]), zeros([])])).toThrow(/concatenate: cannot concatenate rank-0 tensors/);
    expect(() => f([zeros([2]), 3 as never])).toThrow(/concatenate: expected a tensor/);
  });
  it("stack along a new axis at every position", async () => {
    float64OnWasm();
    const parts = [randRef([2, 3], 1), randRef([2, 3], 2), randRef([2, 3], 3)];
    const ts = parts.map((r) => tensor(Float64Array.from(r.data), r.shape, "float64") as unknown as Tensor<number[], "float64">);
    for (const axis of [0, 1, 2, -1, -3]) {
      const ax = axis < 0 ? axis + 3 : axis;
      const outShape = [2, 3];
      outShape.splice(ax, 0, 3);
      const expected = Array.from({ length: 18 }, (_, i) => {
        const idx = unravel(i, outShape);
        const k = idx[ax]!;
        const rest = idx.filter((_, a) => a !== ax);
        return parts[k]!.data[ravel(rest, [2, 3])]!;
      });
      await expectRef(sg.stack(ts, axis), { shape: outShape, data: expected });
    }
    await expectRef(sg.stack([tensor(1, "float64"), tensor(2, "float64")]), { shape: [2], data: [1, 2] });
    const f = (xs: Tensor<number[]>[], axis?: number) => sg.stack(xs, axis);
    expect(() => f([zeros([2]), zeros([3])])).toThrow("stack: all shapes must be equal, got [2] and [3]");
    expect(() => f([zeros([2]), zeros([2])], 2)).toThrow("stack: axis 2 is out of range for shape [2] (must be in [-2, 1])");
    expect(() => f([])).toThrow(/stack: needs a non-empty array/);
  });
});

describe("diagonal and trace", () => {
  /** NumPy diagonal by its definition: out[..rest.., i] = x[.., i at axis1, i + offset at axis2, ..]. */
  const diagRef = (s: number[], offset: number, axis1: number, axis2: number): Ref => {
    const r = s.length;
    const a1 = (axis1 + r) % r;
    const a2 = (axis2 + r) % r;
    const rest = s.map((_, i) => i).filter((i) => i !== a1 && i !== a2);
    const len = Math.max(0, Math.min(s[a1]! - Math.max(0, -offset), s[a2]! - Math.max(0, offset)));
    const outShape = [...rest.map((i) => s[i]!), len];
    return gather(iotaRef(s), outShape, (idx) => {
      const full = new Array<number>(r);
      rest.forEach((a, j) => (full[a] = idx[j]!));
      const i = idx[idx.length - 1]!;
      full[a1] = offset >= 0 ? i : i - offset;
      full[a2] = offset >= 0 ? i + offset : i;
      return full;
    });
  };

  it("square and non-square, offsets of both signs", async () => {
    float64OnWasm();
    for (const s of [[3, 3], [3, 5], [5, 3], [1, 4], [0, 3]]) {
      for (let o = -6; o <= 6; o++) await expectRef(sg.diagonal(iota(s), o), diagRef(s, o, 0, 1));
    }
    await expectRef(iota([3, 3]).diagonal(), { shape: [3], data: [0, 4, 8] });
  });
  it("axis arguments (negative, swapped) and batched", async () => {
    float64OnWasm();
    const s = [2, 3, 4];
    for (const [a1, a2] of [[0, 1], [1, 2], [0, 2], [2, 0], [-1, -2], [1, 0]]) {
      for (const o of [-2, -1, 0, 1, 3]) await expectRef(sg.diagonal(iota(s), o, a1, a2), diagRef(s, o, a1!, a2!));
    }
    const b = [4, 3, 3];
    await expectRef(sg.diagonal(iota(b), 0, 1, 2), diagRef(b, 0, 1, 2));
    await expectRef(sg.diagonal(iota([2, 3, 4, 5]), 1, 1, 3), diagRef([2, 3, 4, 5], 1, 1, 3));
  });
  it("diagonal errors", () => {
    expect(() => sg.diagonal(iota([3]))).toThrow(/diagonal: needs rank >= 2, got shape \[3\]/);
    expect(() => sg.diagonal(iota([3, 3]), 0, 0, 0)).toThrow(/diagonal: axis1 and axis2 must differ/);
    expect(() => sg.diagonal(iota([3, 3]), 0, 0, 2)).toThrow("diagonal: axis 2 is out of range for shape [3, 3] (rank 2)");
  });
  it("trace sums the diagonal (offsets, axes, batched)", async () => {
    float64OnWasm();
    const sumLast = (r: Ref): Ref => {
      const n = r.shape[r.shape.length - 1]!;
      const shape = r.shape.slice(0, -1);
      return { shape, data: Array.from({ length: sizeOf(shape) }, (_, i) => r.data.slice(i * n, (i + 1) * n).reduce((a, v) => a + v, 0)) };
    };
    for (const o of [-3, -1, 0, 1, 2, 5]) await expectRef(sg.trace(iota([3, 4]), o), sumLast(diagRef([3, 4], o, 0, 1)));
    await expectRef(sg.trace(iota([2, 3, 3]), 0, 1, 2), sumLast(diagRef([2, 3, 3], 0, 1, 2)));
    await expectRef(sg.trace(iota([3, 2, 3]), 1, 0, -1), sumLast(diagRef([3, 2, 3], 1, 0, 2)));
    expect((await settled(sg.trace(tensor([[1, 2], [3, 4]], "float64")))).item()).toBe(5);
    expect(() => sg.trace(iota([3]))).toThrow(/trace: needs rank >= 2/);
  });
});

describe("makeGraph", () => {
  it("prints a readable graph naming the primitives", () => {
    const f = (x: Tensor<[2, 3]>, w: Tensor<[3, 4]>) => sg.sum(sg.tanh(sg.matmul(x, w)).add(1), 1).exp();
    const g = sg.makeGraph(f)(zeros([2, 3]), zeros([3, 4]));
    const s = g.toString();
    for (const name of ["dot_general", "tanh", "add", "reduce_sum", "exp"]) expect(s).toContain(name);
    expect(s).toContain("float32[2, 3]");
    expect(s).toContain("float32[3, 4]");
    expect(s).toContain("float32[2, 4]");
    expect(s).toMatch(/^\{ lambda /);
    expect(s).toMatch(/in \(\w+\) \}$/);
    // one line per equation
    expect(s.split("\n").length).toBeGreaterThanOrEqual(6);
  });
  it("shows shape ops and their parameters", () => {
    const g = sg.makeGraph((x: Tensor<[2, 3], "float64">) => sg.transpose(x).reshape([6]).slice([[1, 5, 2]]))(zeros([2, 3], "float64"));
    const s = String(g);
    expect(s).toContain("transpose");
    expect(s).toContain("reshape");
    expect(s).toContain("slice");
    expect(s).toContain("float64[2]");
  });
});

// silence unused-type warnings in strict setups
export type _D = DType;
