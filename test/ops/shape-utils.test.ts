/**
 * The shape utilities (pad, flip, roll, tile, repeat, split, tril/triu, meshgrid, arange with a
 * dtype, *Like): values against plain loops over output indices, gradients against float64
 * central differences, vmap against stacking per-slice results, and jit, on every backend.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { ShapeMismatchError } from "../../src/index.js";
import { ravel, sizeOf, unravel, type Ref } from "./ref.js";
import { float64OnWasm } from "../harness/backend.js";
import { optimize } from "../../src/compile/passes.js";
import { fuse } from "../../src/compile/fusion.js";
import type { Graph } from "../../src/ir/graph.js";
import { expectClose, f64, fdJacobian, flat, rng, scalarize, stackAt, take, type T } from "../transforms/helpers.js";
import { settled, eachSeq, mapSeq } from "../harness/read.js";

// loosely typed handles: the shapes here are built at run time
type Fn = (...a: any[]) => any;
const S = sg as unknown as Record<string, Fn>;
const grad = sg.grad as unknown as (f: Fn) => Fn;
const vmap = sg.vmap as unknown as (f: Fn, opts?: { inAxes?: unknown }) => Fn;
const jit = sg.jit as unknown as (f: Fn) => Fn;

/** float32 tensor holding 0, 1, 2, ... (exact in every backend). */
const iota32 = (shape: number[]): T => sg.tensor(Float32Array.from({ length: sizeOf(shape) }, (_, i) => i), shape) as unknown as T;
const iotaRef = (shape: number[]): Ref => ({ shape, data: Array.from({ length: sizeOf(shape) }, (_, i) => i) });
/** A reference built by a loop over the output: `src` gives the input index to read, or null for `fill`. */
function loop(x: Ref, shape: number[], src: (idx: number[]) => number[] | null, fill = 0): Ref {
  return {
    shape,
    data: Array.from({ length: sizeOf(shape) }, (_, i) => {
      const at = src(unravel(i, shape));
      return at === null ? fill : x.data[ravel(at, x.shape)]!;
    }),
  };
}
const expectRef = async (t: T, r: Ref) => {
  expect([...t.shape]).toEqual(r.shape);
  expect(await flat(t)).toEqual(r.data);
};
const mod = (a: number, n: number) => ((a % n) + n) % n;

// ---------------------------------------------------------------- references

type Mode = "constant" | "edge" | "reflect" | "symmetric" | "wrap";
/** NumPy pad on the cropped input: per axis, the input index an output index reads. */
function padRef(x: Ref, pairs: [number, number][], mode: Mode, c = 0): Ref {
  const lo = pairs.map(([b]) => Math.max(0, -b));
  const n = x.shape.map((d, i) => d - lo[i]! - Math.max(0, -pairs[i]![1]));
  const shape = n.map((d, i) => d + Math.max(0, pairs[i]![0]) + Math.max(0, pairs[i]![1]));
  return loop(
    x,
    shape,
    (idx) => {
      const at: number[] = [];
      for (let a = 0; a < idx.length; a++) {
        const p = idx[a]! - Math.max(0, pairs[a]![0]);
        const m = n[a]!;
        let q: number;
        if (p >= 0 && p < m) q = p;
        else if (mode === "constant") return null;
        else if (mode === "edge" || m === 1) q = p < 0 ? 0 : m - 1;
        else if (mode === "wrap") q = mod(p, m);
        else if (mode === "symmetric") {
          const r = mod(p, 2 * m);
          q = r < m ? r : 2 * m - 1 - r;
        } else {
          const r = mod(p, 2 * (m - 1));
          q = r < m ? r : 2 * (m - 1) - r;
        }
        at.push(q + lo[a]!);
      }
      return at;
    },
    c,
  );
}

// ---------------------------------------------------------------- values

describe("pad", () => {
  const cases: [number[], [number, number][]][] = [
    [[5], [[2, 3]]],
    [[3, 4], [[1, 2], [3, 0]]],
    [[3, 4], [[0, 0], [7, 9]]],
    [[2, 3, 4], [[1, 1], [0, 2], [2, 1]]],
    [[4, 5], [[-1, 2], [1, -2]]],
    [[1, 3], [[2, 2], [2, 2]]],
  ];
  for (const mode of ["constant", "edge", "reflect", "symmetric", "wrap"] as const) {
    it(`${mode} mode matches a loop over the output, eager and jitted`, async () => {
      for (const [shape, pairs] of cases) {
        const x = iota32(shape);
        const want = padRef(iotaRef(shape), pairs, mode, mode === "constant" ? -7 : 0);
        const opts = { mode, constantValues: -7 };
        await expectRef(S.pad!(x, pairs, opts), want);
        await expectRef(jit((v: T) => S.pad!(v, pairs, opts))(x), want);
      }
    });
  }
  it("agrees with NumPy's np.pad on wide pads (values printed by NumPy 2.4)", async () => {
    const v = sg.tensor([1, 2, 3]);
    expect(await flat(S.pad!(v, [4, 5], { mode: "reflect" }))).toEqual([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2]);
    expect(await flat(S.pad!(v, [4, 5], { mode: "symmetric" }))).toEqual([3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1, 2]);
    expect(await flat(S.pad!(v, [4, 5], { mode: "wrap" }))).toEqual([3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2]);
    expect(await flat(S.pad!(sg.tensor([1, 2, 3, 4]), [7, 2], { mode: "reflect" }))).toEqual([2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2]);
    expect(await flat(S.pad!(sg.tensor([1, 2]), 3, { mode: "edge" }))).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(await flat(S.pad!(sg.tensor([7]), 2, { mode: "reflect" }))).toEqual([7, 7, 7, 7, 7]);
  });
  it("takes a number, a pair, or one pair per axis; negative widths crop; int32 and bool keep their dtype", async () => {
    const x = iota32([3, 4]);
    await expectRef(S.pad!(x, 1), padRef(iotaRef([3, 4]), [[1, 1], [1, 1]], "constant"));
    await expectRef(S.pad!(x, [2, 0], { mode: "edge" }), padRef(iotaRef([3, 4]), [[2, 0], [2, 0]], "edge"));
    await expectRef(S.pad!(x, [[1, 2]], { mode: "reflect" }), padRef(iotaRef([3, 4]), [[1, 2], [1, 2]], "reflect"));
    await expectRef(S.pad!(x, [[-3, 0], [-2, -2]]), { shape: [0, 0], data: [] });
    const i = S.pad!(sg.tensor([1, 2, 3], "int32"), 2, { mode: "reflect" });
    expect(i.dtype).toBe("int32");
    expect(await flat(i)).toEqual([3, 2, 1, 2, 3, 2, 1]);
    const b = S.pad!(sg.tensor([true, false]), [1, 1], { constantValues: 1 });
    expect((await settled(b)).toArray()).toEqual([true, true, false, true]);
  });
  it("errors name the op and the shapes", () => {
    const x = iota32([2, 3]) as never;
    expect(() => S.pad!(x, [[1, 1], [1, 1], [1, 1]])).toThrow(ShapeMismatchError);
    expect(() => S.pad!(x, [[1, 1], [1, 1], [1, 1]])).toThrow("pad: padWidth has 3 pairs for shape [2, 3] (rank 2)");
    expect(() => S.pad!(x, [[-2, -1], [0, 0]])).toThrow("pad: widths [-2, -1] crop more than axis 0 has (size 2, shape [2, 3])");
    expect(() => S.pad!(x, [[0, 0], [-4, 2]])).toThrow("pad: widths [-4, 2] crop more than axis 1 has (size 3, shape [2, 3])");
    expect(() => S.pad!(x, 1.5)).toThrow("pad: a pad width must be an integer, got 1.5");
    expect(() => S.pad!(x, 1, { mode: "mean" })).toThrow(/pad: unknown mode "mean"/);
    expect(() => S.pad!(sg.zeros([0, 2]), 1, { mode: "edge" })).toThrow("pad: cannot edge-pad axis 0 of size 0 (shape [0, 2])");
  });
});

describe("flip, roll", () => {
  it("flip reverses the given axes (all by default), as a view that fuses with what reads it", async () => {
    const shape = [2, 3, 4];
    const r = iotaRef(shape);
    const x = iota32(shape);
    for (const axes of [undefined, 0, 1, -1, [0, 2], [0, 1, 2]] as const) {
      const ax = axes === undefined ? [0, 1, 2] : typeof axes === "number" ? [mod(axes, 3)] : [...axes];
      const want = loop(r, shape, (idx) => idx.map((v, a) => (ax.includes(a) ? shape[a]! - 1 - v : v)));
      await expectRef(S.flip!(x, axes), want);
      await expectRef(jit((v: T) => S.flip!(v, axes))(x), want);
    }
    // through other views and kernels: a transpose, a broadcast, a reduction, a pad (masked view), int32 and bool
    const m = iota32([3, 4]);
    const mt = loop(iotaRef([3, 4]), [4, 3], ([i, j]) => [2 - j!, i!]);
    await expectRef(jit((v: T) => S.flip!(S.transpose!(v), 1))(m), mt);
    await expectRef(jit((v: T) => S.sum!(S.flip!(S.mul!(v, 2), 1), 0))(m), { shape: [4], data: [3, 2, 1, 0].map((j) => 2 * (j + (j + 4) + (j + 8))) });
    await expectRef(jit((v: T) => S.pad!(S.flip!(v, 0), [[1, 0], [0, 1]]))(m), padRef(loop(iotaRef([3, 4]), [3, 4], ([i, j]) => [2 - i!, j!]), [[1, 0], [0, 1]], "constant"));
    await expectRef(jit((v: T) => S.flip!(S.broadcastTo!(v, [2, 3, 4]), [0, 2]))(m), loop(iotaRef([3, 4]), [2, 3, 4], ([, i, j]) => [i!, 3 - j!]));
    // reshapes of reversed views: merged backwards (all axes reversed) or copied first (one axis)
    await expectRef(jit((v: T) => S.reshape!(S.flip!(v), [12]))(m), { shape: [12], data: iotaRef([12]).data.reverse() });
    await expectRef(jit((v: T) => S.reshape!(S.flip!(v, 0), [2, 6]))(m), { shape: [2, 6], data: [8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3] });
    expect(await flat(S.flip!(sg.tensor([1, -2, 3], "int32")))).toEqual([3, -2, 1]);
    expect((await settled(S.flip!(sg.tensor([true, false, false])))).toArray()).toEqual([false, false, true]);
  });
  it("flip of kernel-sized float32 arrays (the SIMD renderer's rows, backwards outer strides)", async () => {
    const shape = [8, 32];
    const r = iotaRef(shape);
    const x = iota32(shape);
    for (const axes of [0, 1, [0, 1]] as const) {
      const ax: number[] = typeof axes === "number" ? [axes] : [...axes];
      const src = loop(r, shape, (idx) => idx.map((v, a) => (ax.includes(a) ? shape[a]! - 1 - v : v)));
      await expectRef(jit((v: T) => S.add!(S.flip!(v, axes), v))(x), { shape, data: src.data.map((v, i) => v + i) });
    }
  });
  it("roll moves element i to (i + shift) mod n, per axis or flattened", async () => {
    const shape = [3, 4];
    const r = iotaRef(shape);
    const x = iota32(shape);
    for (const [shift, axes] of [[1, 0], [-1, 1], [5, 1], [2, [0, 1]], [[1, -3], [0, 1]], [0, 0]] as const) {
      const ax: number[] = typeof axes === "number" ? [axes] : [...axes];
      const sh = typeof shift === "number" ? ax.map(() => shift) : [...shift];
      const want = loop(r, shape, (idx) => idx.map((v, a) => (ax.includes(a) ? mod(v - sh[ax.indexOf(a)]!, shape[a]!) : v)));
      await expectRef(S.roll!(x, shift, axes), want);
      await expectRef(jit((v: T) => S.roll!(v, shift, axes))(x), want);
    }
    const flatWant = loop(r, shape, (idx) => unravel(mod(ravel(idx, shape) - 5, 12), shape));
    await expectRef(S.roll!(x, 5), flatWant);
    expect(() => S.roll!(x, [1, 2], [0])).toThrow("roll: 2 shifts for 1 axes");
    expect(() => S.roll!(x, [1, 2])).toThrow("roll: a list of shifts needs a list of axes");
    expect(() => S.roll!(x, 1, 2)).toThrow("roll: axis 2 is out of range for shape [3, 4] (rank 2)");
  });
});

describe("tile, repeat", () => {
  it("tile aligns reps and shape on the right and repeats the whole tensor", async () => {
    for (const [shape, reps] of [[[2, 3], [2, 2]], [[2, 3], 3], [[3], [2, 1, 2]], [[2, 1, 2], [2]], [[2, 3], [0, 1]]] as [number[], number | number[]][]) {
      const rs = typeof reps === "number" ? [reps] : reps;
      const r = Math.max(rs.length, shape.length);
      const s = [...new Array<number>(r - shape.length).fill(1), ...shape];
      const rp = [...new Array<number>(r - rs.length).fill(1), ...rs];
      const want = loop({ shape: s, data: iotaRef(shape).data }, s.map((d, i) => d * rp[i]!), (idx) => idx.map((v, a) => v % s[a]!));
      await expectRef(S.tile!(iota32(shape), reps), want);
      await expectRef(jit((v: T) => S.tile!(v, reps))(iota32(shape)), want);
    }
    expect(() => S.tile!(iota32([2]), [2, -1])).toThrow("tile: reps must be non-negative integers, got [2, -1]");
  });
  it("repeat repeats each element, by a count or per element, along an axis or flattened", async () => {
    const shape = [2, 3];
    const r = iotaRef(shape);
    const x = iota32(shape);
    /** the input index along an axis for an output index, from the repeat counts */
    const owner = (counts: number[]) => counts.flatMap((k, i) => new Array<number>(k).fill(i));
    await expectRef(S.repeat!(x, 2, 1), loop(r, [2, 6], ([i, j]) => [i!, Math.floor(j! / 2)]));
    await expectRef(S.repeat!(x, 3, -2), loop(r, [6, 3], ([i, j]) => [Math.floor(i! / 3), j!]));
    await expectRef(S.repeat!(x, 2), { shape: [12], data: r.data.flatMap((v) => [v, v]) });
    const per = [2, 0, 3];
    await expectRef(S.repeat!(x, per, 1), loop(r, [2, 5], ([i, j]) => [i!, owner(per)[j!]!]));
    await expectRef(jit((v: T) => S.repeat!(v, [1, 2], 0))(x), loop(r, [3, 3], ([i, j]) => [owner([1, 2])[i!]!, j!]));
    await expectRef(S.repeat!(x, [0, 0, 0], 1), { shape: [2, 0], data: [] });
    await expectRef((x as unknown as { repeat: Fn }).repeat(2, 0), loop(r, [4, 3], ([i, j]) => [Math.floor(i! / 2), j!]));
    expect(() => S.repeat!(x, -1, 0)).toThrow("repeat: repeats must be non-negative integers, got -1");
    expect(() => S.repeat!(x, [1, 2, 3], 0)).toThrow("repeat: 3 repeats for axis 0 of size 2");
    expect(() => S.repeat!(x, [1, 2])).toThrow("repeat: 2 repeats for the flattened tensor");
    expect(() => S.repeat!(x, 2, 2)).toThrow("repeat: axis 2 is out of range for shape [2, 3] (rank 2)");
  });
});

describe("split", () => {
  it("into equal sections or at indices: the parts are the slices between the bounds", async () => {
    const shape = [6, 4];
    const r = iotaRef(shape);
    const x = iota32(shape);
    const check = async (parts: T[], axis: number, edges: number[]) => {
      expect(parts.length).toBe(edges.length - 1);
      await eachSeq(parts, async (p, k) => {
        const len = edges[k + 1]! - edges[k]!;
        const s = shape.map((d, a) => (a === axis ? len : d));
        await expectRef(p, loop(r, s, (idx) => idx.map((v, a) => (a === axis ? v + edges[k]! : v))));
      });
    };
    await check(S.split!(x, 3), 0, [0, 2, 4, 6]);
    await check(S.split!(x, 2, 1), 1, [0, 2, 4]);
    await check(S.split!(x, [1, 3], -1), 1, [0, 1, 3, 4]);
    await check(S.split!(x, [0, 6]), 0, [0, 0, 6, 6]);
    await check(jit((v: T) => S.split!(v, [2, 5]))(x), 0, [0, 2, 5, 6]);
  });
  it("errors: sections that do not divide, indices out of range or decreasing", () => {
    const x = iota32([6, 2]);
    expect(() => S.split!(x, 4)).toThrow("split: 4 sections do not divide axis 0 of size 6 equally");
    expect(() => S.split!(x, 0)).toThrow("split: the number of sections must be a positive integer, got 0");
    expect(() => S.split!(x, [1, 5], 1)).toThrow("split: index 5 is out of range for axis 1 of size 2");
    expect(() => S.split!(x, [3, 1])).toThrow("split: indices must be increasing, got [3, 1]");
    expect(() => S.split!(x, 2, 2)).toThrow("split: axis 2 is out of range for shape [6, 2] (rank 2)");
  });
});

describe("tril, triu, meshgrid, arange, *Like", () => {
  it("tril / triu keep j <= i + k / j >= i + k of the last two axes", async () => {
    for (const shape of [[4, 4], [3, 5], [2, 3, 4]]) {
      const r = iotaRef(shape);
      const x = iota32(shape);
      for (const k of [0, 1, -1, 3, -4]) {
        const at = (lower: boolean) => (idx: number[]) => {
          const [i, j] = idx.slice(-2) as [number, number];
          return (lower ? j <= i + k : j >= i + k) ? idx : null;
        };
        await expectRef(S.tril!(x, k), loop(r, shape, at(true)));
        await expectRef(S.triu!(x, k), loop(r, shape, at(false)));
        await expectRef(jit((v: T) => S.triu!(S.add!(v, 1), k))(x), { shape, data: loop(r, shape, at(false), -1).data.map((v) => v + 1) });
      }
    }
    expect(await flat(S.tril!(sg.ones([2, 2], "int32")))).toEqual([1, 0, 1, 1]);
    expect(() => S.tril!(iota32([3]))).toThrow("tril: needs rank >= 2, got shape [3]");
  });
  it("meshgrid: xy swaps the first two axes, ij does not; each grid keeps its input's dtype", async () => {
    const a = sg.tensor([1, 2, 3]);
    const b = sg.tensor([10, 20], "int32");
    const c = sg.tensor([5, 6, 7, 8]);
    const [gx, gy] = S.meshgrid!(a, b) as T[];
    expect((await settled(gx!)).toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect((await settled(gy!)).toArray()).toEqual([[10, 10, 10], [20, 20, 20]]);
    expect(gy!.dtype).toBe("int32");
    const ij = S.meshgrid!(a, b, c, { indexing: "ij" }) as T[];
    const xy = S.meshgrid!(a, b, c) as T[];
    const src = [[1, 2, 3], [10, 20], [5, 6, 7, 8]];
    for (let g = 0; g < 3; g++) {
      await expectRef(ij[g]!, { shape: [3, 2, 4], data: Array.from({ length: 24 }, (_, i) => src[g]![unravel(i, [3, 2, 4])[g]!]!) });
      const pos = [1, 0, 2][g]!;
      await expectRef(xy[g]!, { shape: [2, 3, 4], data: Array.from({ length: 24 }, (_, i) => src[g]![unravel(i, [2, 3, 4])[pos]!]!) });
    }
    expect((await mapSeq(S.meshgrid!(a), async (t: T) => (await settled(t)).toArray()))).toEqual([[1, 2, 3]]);
    expect(() => S.meshgrid!(a, sg.zeros([2, 3]))).toThrow("meshgrid: inputs must be 1-D, got shape [2, 3] for input 1");
  });
  it("arange with a dtype; zerosLike, onesLike, fullLike (also inside jit)", async () => {
    const r = sg.arange(5, "int32");
    expect(r.dtype).toBe("int32");
    expect(await flat(r as unknown as T)).toEqual([0, 1, 2, 3, 4]);
    expect(await flat(sg.arange(1, 10, 3, "int32") as unknown as T)).toEqual([1, 4, 7]);
    expect(sg.arange(2, 4, 1, "float64").dtype).toBe("float64");
    expect(await flat(sg.arange(4) as unknown as T)).toEqual([0, 1, 2, 3]);
    expect(() => sg.arange(2e9, 3e9, 5e8, "int32")).toThrow("arange: 2500000000 does not fit in int32");
    const x = iota32([2, 3]);
    await expectRef(S.zerosLike!(x), { shape: [2, 3], data: [0, 0, 0, 0, 0, 0] });
    expect((await settled(S.onesLike!(x, "bool"))).toArray()).toEqual([[true, true, true], [true, true, true]]);
    const f = S.fullLike!(x, 2.5, "int32");
    expect(f.dtype).toBe("int32");
    expect(await flat(f)).toEqual([2, 2, 2, 2, 2, 2]);
    await expectRef(jit((v: T) => S.add!(v, S.fullLike!(v, 3)))(x), { shape: [2, 3], data: [3, 4, 5, 6, 7, 8] });
  });
});

// ---------------------------------------------------------------- transformations

/** The ops whose derivative is a gather's transpose: each as a function of one float64 tensor. */
const differentiable: [string, number[], Fn][] = [
  ["pad constant", [3, 4], (x: T) => S.pad!(x, [[1, 2], [-1, 1]], { constantValues: 0.5 })],
  ["pad edge", [3, 4], (x: T) => S.pad!(x, [[2, 1], [1, 3]], { mode: "edge" })],
  ["pad reflect", [3, 4], (x: T) => S.pad!(x, [[4, 1], [2, 5]], { mode: "reflect" })],
  ["pad symmetric / wrap", [3, 4], (x: T) => S.add!(S.pad!(x, [[4, 1], [2, 5]], { mode: "symmetric" }), S.pad!(x, [[4, 1], [2, 5]], { mode: "wrap" }))],
  ["flip", [3, 4], (x: T) => S.flip!(x, 1)],
  ["roll", [3, 4], (x: T) => S.roll!(x, [1, -1], [0, 1])],
  ["tile", [2, 3], (x: T) => S.tile!(x, [2, 1, 2])],
  ["repeat", [2, 3], (x: T) => S.repeat!(x, [2, 0, 1], 1)],
  ["repeat flat", [2, 3], (x: T) => S.repeat!(x, 2)],
  ["tril", [3, 4], (x: T) => S.tril!(x, -1)],
  ["triu", [2, 3, 3], (x: T) => S.triu!(x, 1)],
  ["split", [4, 3], (x: T) => S.mul!(S.split!(x, [1, 3])[1], S.split!(x, [1, 3])[2].reshape([3]))],
];

describe("gradients against float64 central differences", () => {
  for (const [name, shape, f] of differentiable) {
    it(name, async () => {
      float64OnWasm();
      const r = rng(7);
      const x = f64(Array.from({ length: sizeOf(shape) }, () => 2 * r() - 1), shape);
      const y = f(x) as T;
      const w = f64(Array.from({ length: sizeOf([...y.shape]) }, () => 2 * r() - 1), [...y.shape]);
      const loss = scalarize(f, w);
      const fd = await fdJacobian(loss, [x], 0);
      await expectClose(grad(loss)(x), await flat(fd), { rtol: 1e-6, atol: 1e-8 });
      await expectClose(jit(grad(loss))(x), await flat(fd), { rtol: 1e-6, atol: 1e-8 });
    });
  }
});

describe("vmap against stacking the per-slice results", () => {
  for (const [name, shape, f] of differentiable) {
    it(name, async () => {
      const b = 3;
      const xs = iota32([b, ...shape]);
      const want = stackAt(Array.from({ length: b }, (_, i) => f(take(xs, i, 0)) as T), 0);
      await expectClose(vmap(f)(xs), want, { rtol: 0, atol: 0 });
      // the batch axis elsewhere
      const moved = S.moveAxis!(xs, 0, 1);
      await expectClose(vmap(f, { inAxes: 1 })(moved), want, { rtol: 0, atol: 0 });
    });
  }
  it("split and meshgrid give one batched result per part", async () => {
    const xs = iota32([2, 6]);
    const parts = vmap((v: T) => S.split!(v, 3))(xs) as T[];
    await eachSeq(parts, async (p, k) => await expectRef(p, loop(iotaRef([2, 6]), [2, 2], ([i, j]) => [i!, 2 * k + j!])));
    const [gx, gy] = vmap((a: T, c: T) => S.meshgrid!(a, c))(iota32([2, 3]), iota32([2, 2])) as T[];
    await expectRef(gx!, loop(iotaRef([2, 3]), [2, 2, 3], ([n, , j]) => [n!, j!]));
    await expectRef(gy!, loop(iotaRef([2, 2]), [2, 2, 3], ([n, i]) => [n!, i!]));
  });
});

describe("size limits of the shape utilities", () => {
  it("a result past 2^31 - 1 elements is an error naming the op and the shape", () => {
    const x = sg.zeros([1000, 1000]);
    expect(() => S.tile!(x, [3000, 1])).toThrow("tile: shape [3000000, 1000] has 3000000000 elements, more than a tensor can hold (2^31 - 1)");
    expect(() => S.repeat!(x, 3000, 0)).toThrow("repeat: shape [3000000, 1000] has 3000000000 elements, more than a tensor can hold (2^31 - 1)");
    expect(() => S.pad!(x, [[0, 3000000], [0, 0]])).toThrow("pad: shape [3001000, 1000] has 3001000000 elements, more than a tensor can hold (2^31 - 1)");
  });
});

describe("fusion", () => {
  const kernels = (f: Fn) => fuse(optimize((sg.makeGraph as unknown as (f: Fn) => Fn)(f)(sg.ones([3, 4])) as Graph)).kernels.map((k) => k.kind);
  it("the views and gathers read their input in place: one kernel with the op that follows", () => {
    const one: Fn[] = [
      (v: T) => S.exp!(S.flip!(v)),
      (v: T) => S.exp!(S.pad!(v, 1, { constantValues: 2 })),
      (v: T) => S.exp!(S.pad!(v, [[0, 0], [2, 3]], { mode: "reflect" })),
      (v: T) => S.exp!(S.pad!(v, [[1, 2], [0, 0]], { mode: "edge" })),
      (v: T) => S.exp!(S.roll!(v, 1, 1)),
      (v: T) => S.exp!(S.tril!(v)),
      (v: T) => S.exp!(S.split!(v, 2, 1)[1]),
      (v: T) => S.exp!(S.repeat!(v, [1, 0, 2], 0)),
      (v: T) => S.exp!(S.meshgrid!(S.reshape!(v, [12]), S.reshape!(v, [12]))[0]),
    ];
    for (const f of one) expect(kernels(f)).toEqual(["elementwise"]);
    // edge and reflect padding of several axes: one kernel per axis
    expect(kernels((v: T) => S.exp!(S.pad!(v, 2, { mode: "reflect" })))).toEqual(["elementwise", "elementwise"]);
  });
});
