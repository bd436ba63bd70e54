import { beforeEach, describe, expect, it } from "vitest";
import { tensor, zeros, ones, full, arange, linspace, eye, random, astype, add, mul, sum, jit, broadcastTo, fullLike, ShapeMismatchError, type Tensor } from "../../src/index.js";
import { nest, rng } from "./ref.js";
import { float64OnWasm, uint32OnWasm } from "../harness/backend.js";
import { settled, mapSeq } from "../harness/read.js";

describe("tensor() from nested arrays", () => {
  it("infers shape, defaults to float32 and rounds to float32", async () => {
    const x = tensor([[1.1, 2], [3, 4.7], [5, 6]]);
    expect(x.shape).toEqual([3, 2]);
    expect(x.dtype).toBe("float32");
    expect(x.rank).toBe(2);
    expect(x.size).toBe(6);
    expect(Array.from(await x.data())).toEqual([1.1, 2, 3, 4.7, 5, 6].map(Math.fround));
    expect(await x.data()).toBeInstanceOf(Float32Array);
  });

  it("keeps doubles exactly as float64", async () => {
    const v = [0.1, 1 / 3, Math.PI, -1e-300];
    const x = tensor(v, "float64");
    expect(x.dtype).toBe("float64");
    expect(Array.from(await x.data())).toEqual(v);
  });

  it("truncates toward zero for int32 and maps truthiness for bool", async () => {
    expect(Array.from(await tensor([1.7, -1.7, 0, 5], "int32").data())).toEqual([1, -1, 0, 5]);
    expect(await tensor([1.5], "int32").data()).toBeInstanceOf(Int32Array);
    const b = tensor([0, 2, -1], "bool");
    expect(b.dtype).toBe("bool");
    expect((await settled(b)).toArray()).toEqual([false, true, true]);
  });

  it("infers bool from boolean data", async () => {
    const b = tensor([[true, false], [false, true]]);
    expect(b.dtype).toBe("bool");
    expect(await b.data()).toBeInstanceOf(Uint8Array);
    expect(Array.from(await b.data())).toEqual([1, 0, 0, 1]);
    expect((await settled(b)).toArray()).toEqual([[true, false], [false, true]]);
  });

  it("handles rank 0, empty and zero-size nested data", async () => {
    const s = tensor(5);
    expect(s.shape).toEqual([]);
    expect((await settled(s)).item()).toBe(5);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect((await settled(tensor([[], []]))).toArray()).toEqual([[], []]);
    expect(tensor([[[1], [2]]]).shape).toEqual([1, 2, 1]);
  });

  it("keeps special values", async () => {
    const x = tensor([Infinity, -Infinity, NaN, -0], "float64");
    const d = await x.data();
    expect(d[0]).toBe(Infinity);
    expect(d[1]).toBe(-Infinity);
    expect(Number.isNaN(d[2])).toBe(true);
    expect(Object.is(d[3], -0)).toBe(true);
  });
});

describe("tensor() from flat data and a shape", () => {
  it("takes the dtype from the typed array", async () => {
    const f64 = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(f64.dtype).toBe("float64");
    expect((await settled(f64)).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const i32 = tensor(new Int32Array([1, -2]), [2, 1]);
    expect(i32.dtype).toBe("int32");
    expect((await settled(i32)).toArray()).toEqual([[1], [-2]]);
    const u8 = tensor(new Uint8Array([1, 0, 200]), [3]);
    expect(u8.dtype).toBe("int32");
    expect((await settled(u8)).toArray()).toEqual([1, 0, 200]);
    const f32 = tensor(new Float32Array([0.5, 0.25]), [1, 2]);
    expect(f32.dtype).toBe("float32");
    expect(tensor([1, 2, 3, 4], [2, 2]).dtype).toBe("float32");
  });

  it("converts to an explicit dtype", async () => {
    const x = tensor(new Float64Array([0.1, 2.9]), [2], "float32");
    expect(Array.from(await x.data())).toEqual([Math.fround(0.1), Math.fround(2.9)]);
    expect(Array.from(await tensor([2.9, -2.9], [2], "int32").data())).toEqual([2, -2]);
  });

  it("copies the input: later writes to the source do not change the tensor", async () => {
    const src = new Float64Array([1, 2]);
    const x = tensor(src, [2]);
    src[0] = 99;
    expect(Array.from(await x.data())).toEqual([1, 2]);
  });

  it("accepts rank 0 and zero-size shapes", async () => {
    expect((await settled(tensor([7], []))).item()).toBe(7);
    expect(tensor(new Float32Array(0), [3, 0, 2]).shape).toEqual([3, 0, 2]);
  });
});

describe("bad input to tensor() is a clear error", () => {
  it("rejects ragged nested arrays", () => {
    expect(() => tensor([[1, 2], [3]] as never)).toThrow(ShapeMismatchError);
    expect(() => tensor([[1, 2], [3]] as never)).toThrow(/tensor: ragged nested array/);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/ragged/);
    expect(() => tensor([1, [2]] as never)).toThrow(/ragged/);
    expect(() => tensor([[[1, 2], [3, 4]], [[5, 6], [7]]] as never)).toThrow(/ragged.*\[1\]\[1\]/);
  });

  it("rejects data whose length does not match the shape", () => {
    expect(() => tensor(new Float32Array(5), [2, 3])).toThrow(/tensor: data has 5 elements but shape \[2, 3\] needs 6/);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeMismatchError);
    expect(() => tensor([1], [0])).toThrow(/1 elements but shape \[0\] needs 0/);
  });

  it("rejects non-numbers", () => {
    expect(() => tensor([1, "a"] as never)).toThrow(/tensor: elements must be numbers or booleans, got string at \[1\]/);
    expect(() => tensor([[1, null]] as never)).toThrow(/got null at \[0\]\[1\]/);
    expect(() => tensor([1, undefined] as never)).toThrow(/got undefined/);
    expect(() => tensor([{}] as never)).toThrow(/got object/);
    expect(() => tensor("abc" as never)).toThrow(TypeError);
    expect(() => tensor([1, "x"] as never, [2])).toThrow(/tensor: element 1 is not a number/);
  });

  it("rejects invalid shapes and dtypes", () => {
    expect(() => tensor([1, 2], [-2] as never)).toThrow("tensor: a shape is an array of non-negative integers, got [-2]");
    expect(() => tensor([1, 2], [2.5] as never)).toThrow("tensor: a shape is an array of non-negative integers, got [2.5]");
    expect(() => tensor([1, 2], "float16" as never)).toThrow(/unknown dtype "float16"/);
    expect(() => zeros([2, -1] as never)).toThrow("zeros: a shape is an array of non-negative integers, got [2,-1]");
    expect(() => full([2], "a" as never)).toThrow(/value must be a number/);
  });
});

describe("constructors", () => {
  it("zeros / ones / full with every dtype", async () => {
    for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
      const z = zeros([2, 3], dtype);
      expect(z.dtype).toBe(dtype);
      expect(z.shape).toEqual([2, 3]);
      expect(Array.from(await z.data())).toEqual([0, 0, 0, 0, 0, 0]);
      expect(Array.from(await ones([4], dtype).data())).toEqual([1, 1, 1, 1]);
    }
    expect(Array.from(await full([2, 2], 0.1).data())).toEqual(Array(4).fill(Math.fround(0.1)));
    expect(Array.from(await full([3], 0.1, "float64").data())).toEqual([0.1, 0.1, 0.1]);
    expect(Array.from(await full([2], -2.7, "int32").data())).toEqual([-2, -2]);
    expect((await settled(full([2], 3, "bool"))).toArray()).toEqual([true, true]);
    expect((await settled(zeros([]))).item()).toBe(0);
    expect(zeros([0, 5]).size).toBe(0);
    expect(zeros([3, 224, 224]).size).toBe(3 * 224 * 224);
  });

  it("arange matches the closed form start + i * step", async () => {
    const cases: [number, number, number][] = [
      [0, 5, 1],
      [2, 9, 3],
      [1, 2, 0.25],
      [5, 1, -1],
      [0, -1, 0.3],
      [3, 3, 1],
      [4, 1, 1],
    ];
    for (const [a, b, s] of cases) {
      const n = Math.max(0, Math.ceil((b - a) / s));
      const expected = Array.from({ length: n }, (_, i) => Math.fround(a + i * s));
      const x = arange(a, b, s);
      expect(x.shape).toEqual([n]);
      expect(Array.from(await x.data())).toEqual(expected);
    }
    expect(Array.from(await arange(4).data())).toEqual([0, 1, 2, 3]);
    expect(arange(0).shape).toEqual([0]);
    expect(arange(1, 4).dtype).toBe("float32");
    expect(() => arange(0, 1, 0)).toThrow(/arange: .*step non-zero/);
    expect(() => arange(0, Infinity)).toThrow(/arange/);
  });

  it("linspace includes both ends and matches the closed form", async () => {
    const x = linspace(-1, 2, 7, "float64");
    expect(x.dtype).toBe("float64");
    const expected = Array.from({ length: 7 }, (_, i) => -1 + (3 * i) / 6);
    Array.from(await x.data()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 14));
    expect((await x.data())[0]).toBe(-1);
    expect((await x.data())[6]).toBe(2);
    expect(Array.from(await linspace(0, 1, 5).data())).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(await linspace(3, 9, 1).data())).toEqual([3]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(() => linspace(0, 1, 2.5)).toThrow(/linspace: num must be a non-negative integer/);
    expect(() => linspace(0, 1, -1)).toThrow(/linspace/);
  });

  it("eye: square, rectangular, dtypes", async () => {
    const ref = (n: number, m: number) => Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)));
    expect((await settled(eye(3))).toArray()).toEqual(ref(3, 3));
    expect((await settled(eye(2, 4))).toArray()).toEqual(ref(2, 4));
    expect((await settled(eye(4, 2))).toArray()).toEqual(ref(4, 2));
    expect(eye(0).shape).toEqual([0, 0]);
    expect(eye(2, 2, "int32").dtype).toBe("int32");
    expect((await settled(eye(2, 2, "bool"))).toArray()).toEqual([[true, false], [false, true]]);
    expect(() => eye(-1)).toThrow(/eye/);
  });
});

describe("reading values", () => {
  it("data() resolves to a copy of the elements", async () => {
    const x = tensor([[1, 2], [3, 4]], "float64");
    const d = await x.data();
    expect(d).toBeInstanceOf(Float64Array);
    expect(Array.from(d)).toEqual([1, 2, 3, 4]);
    d[0] = 100;
    expect((await x.data())[0]).toBe(1);
    expect((await x.data())[0]).toBe(1);
  });

  it("dataSync() returns a copy", async () => {
    const x = tensor([1, 2, 3]);
    const d = await x.data();
    d[1] = -5;
    expect(Array.from(await x.data())).toEqual([1, 2, 3]);
  });

  it("toArray() nests by shape", async () => {
    const data = Array.from({ length: 24 }, (_, i) => i);
    const x = tensor(data, [2, 3, 4]);
    expect((await settled(x)).toArray()).toEqual(nest({ shape: [2, 3, 4], data }));
    expect((await settled(tensor(3))).toArray()).toBe(3);
    expect((await settled(tensor(true))).toArray()).toBe(true);
    expect((await settled(zeros([2, 0, 3]))).toArray()).toEqual([[], []]);
  });

  it("item() reads size-1 tensors of any rank and rejects others", async () => {
    expect((await settled(tensor(2.5, "float64"))).item()).toBe(2.5);
    expect((await settled(tensor([[[7]]]))).item()).toBe(7);
    expect((await settled(tensor([true]))).item()).toBe(true);
    expect((await settled(tensor([0], "bool"))).item()).toBe(false);
    expect((await settled(tensor([3], "int32"))).item()).toBe(3);
    expect(() => tensor([1, 2]).item()).toThrow(/item: tensor of shape \[2\] has 2 elements, not 1/);
    expect(() => zeros([0]).item()).toThrow(/item: .*\[0\] has 0 elements/);
    expect(() => zeros([2, 3]).item()).toThrow(/\[2, 3\]/);
  });
});

describe("random", () => {
  const moments = (d: ArrayLike<number>) => {
    let m = 0;
    for (let i = 0; i < d.length; i++) m += d[i]!;
    m /= d.length;
    let v = 0;
    for (let i = 0; i < d.length; i++) v += (d[i]! - m) ** 2;
    return { mean: m, variance: v / d.length };
  };
  const corr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    const ma = moments(a);
    const mb = moments(b);
    let c = 0;
    for (let i = 0; i < a.length; i++) c += (a[i]! - ma.mean) * (b[i]! - mb.mean);
    return c / a.length / Math.sqrt(ma.variance * mb.variance);
  };

  // random draws compute with uint32 words (keys, Threefry), which gpu.js runs on wasm (and some draw float64)
  beforeEach(() => {
    uint32OnWasm();
    float64OnWasm();
  });

  it("the same key gives the same numbers; different seeds differ", async () => {
    const a = await random.normal(random.key(42), [100]).data();
    const b = await random.normal(random.key(42), [100]).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = await random.normal(random.key(43), [100]).data();
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const u1 = await random.uniform(random.key(7), [10, 10]).data();
    const u2 = await random.uniform(random.key(7), [10, 10]).data();
    expect(Array.from(u1)).toEqual(Array.from(u2));
  });

  it("split is deterministic and gives distinct, independent keys", async () => {
    const k = random.key(0);
    const [k1, k2] = random.split(k);
    const [k1b, k2b] = random.split(random.key(0));
    expect(String(k1)).toBe(String(k1b));
    expect(String(k2)).toBe(String(k2b));
    expect(String(k1)).not.toBe(String(k2));
    expect(String(k1)).not.toBe(String(k));
    const three = random.split(k, 3);
    expect(three).toHaveLength(3);
    expect(new Set(three.map(String)).size).toBe(3);
    const n = 20000;
    const a = await random.normal(k1, [n], "float64").data();
    const b = await random.normal(k2, [n], "float64").data();
    // independent streams: sample correlation ~ N(0, 1/n), so |r| < 0.04 is > 5 sigma
    expect(Math.abs(corr(a, b))).toBeLessThan(0.04);
    // and not simply shifted copies of each other
    expect(Math.abs(corr(a.slice(1), b.slice(0, n - 1)))).toBeLessThan(0.04);
    expect(() => random.split(k, 0)).toThrow(/random.split: n must be a positive integer/);
  });

  it("normal has mean 0, variance 1, and no lag-1 correlation", async () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = random.normal(random.key(1), [200, 100], dtype);
      expect(x.shape).toEqual([200, 100]);
      expect(x.dtype).toBe(dtype);
      const d = await x.data();
      const { mean, variance } = moments(d);
      expect(Math.abs(mean)).toBeLessThan(0.03);
      expect(Math.abs(variance - 1)).toBeLessThan(0.04);
      expect(Math.abs(corr(d.slice(1), d.slice(0, d.length - 1)))).toBeLessThan(0.03);
      // fraction within one sigma ~ 0.6827
      const within = Array.from(d).filter((v) => Math.abs(v) < 1).length / d.length;
      expect(Math.abs(within - 0.6827)).toBeLessThan(0.015);
    }
    // odd sizes and empty draws work
    expect(random.normal(random.key(3), [7]).size).toBe(7);
    expect(random.normal(random.key(3), [0]).size).toBe(0);
  });

  it("uniform lies in [minval, maxval) with mean (a+b)/2 and variance (b-a)^2/12", async () => {
    for (const dtype of ["float32", "float64"] as const) {
      const d = await random.uniform(random.key(5), [20000], { dtype }).data();
      expect(Math.min(...d)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...d)).toBeLessThan(1);
      const { mean, variance } = moments(d);
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
      expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.005);
    }
    const d = await random.uniform(random.key(9), [20000], { minval: -3, maxval: 5 }).data();
    expect(Math.min(...d)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...d)).toBeLessThan(5);
    const { mean, variance } = moments(d);
    expect(Math.abs(mean - 1)).toBeLessThan(0.08);
    expect(Math.abs(variance - 64 / 12)).toBeLessThan(0.2);
    expect(() => random.uniform(random.key(1), [3], { minval: 2, maxval: 1 })).toThrow(/maxval \(1\) must exceed minval \(2\)/);
  });

  it("rejects bad keys, seeds and shapes", () => {
    expect(() => random.normal({} as never, [3])).toThrow(/random.normal: expected a key/);
    expect(() => random.key(1.5)).toThrow(/random.key: seed must be a safe integer/);
    expect(() => random.uniform(random.key(0), [-1] as never)).toThrow("random.uniform: a shape is an array of non-negative integers, got [-1]");
  });

  it("keys from large seeds differ from small ones", async () => {
    const r = rng(1);
    const seeds = [0, 1, 2 ** 32, 2 ** 32 + 1, Math.floor(r() * 2 ** 50)];
    const outs = (await mapSeq(seeds, async (s) => Array.from(await random.uniform(random.key(s), [4]).data()).join()));
    expect(new Set(outs).size).toBe(seeds.length);
  });
});

describe("dtypes and creation: honest typed-array dtypes, one conversion rule, clear errors", () => {
  it("small integer typed arrays become int32 with their values; bool only when asked for", async () => {
    const cases: [ArrayLike<number>, number[]][] = [
      [new Uint8Array([0, 1, 200, 255]), [0, 1, 200, 255]],
      [new Uint8ClampedArray([0, 128, 255, 3]), [0, 128, 255, 3]],
      [new Int8Array([-128, -1, 0, 127]), [-128, -1, 0, 127]],
      [new Int16Array([-32768, -2, 7, 32767]), [-32768, -2, 7, 32767]],
      [new Uint16Array([0, 1, 40000, 65535]), [0, 1, 40000, 65535]],
    ];
    for (const [data, want] of cases) {
      const t = tensor(data as Uint8Array, [2, 2]);
      expect(t.dtype).toBe("int32");
      expect(Array.from(await t.data())).toEqual(want);
      // and they compute as integers: a pixel sum does not saturate at 1
      expect((await settled(sum(t))).item()).toBe(want.reduce((a, b) => a + b, 0));
    }
    const b = tensor(new Uint8Array([0, 2, 255]), [3], "bool");
    expect(b.dtype).toBe("bool");
    expect((await settled(b)).toArray()).toEqual([false, true, true]);
    // Uint32Array is uint32 (the dtype of PRNG keys and random bits), values kept
    const u = tensor(new Uint32Array([1, 4e9]), [2]);
    expect(u.dtype).toBe("uint32");
    expect(Array.from(await u.data())).toEqual([1, 4e9]);
  });

  it("astype to int32 saturates and maps NaN to 0 (XLA's convert), eagerly and in a kernel, on every backend", async () => {
    const xs = [3e9, NaN, -3e9, Infinity, -Infinity, 2.7, -2.7, 2147483520, -2147483648, 1e30, -0.5] as const;
    const want = [2147483647, 0, -2147483648, 2147483647, -2147483648, 2, -2, 2147483520, -2147483648, 2147483647, 0];
    const x = tensor(xs);
    expect(Array.from(await astype(x, "int32").data())).toEqual(want);
    expect(Array.from(await jit((v: Tensor<[11]>) => astype(mul(v, 1), "int32"))(x).data())).toEqual(want);
    expect(Array.from(await astype(tensor([3e9, NaN]), "int32").data())).toEqual([2147483647, 0]);
  });

  it("creation keeps refusing values the dtype cannot hold", () => {
    expect(() => tensor([3e9], "int32")).toThrow("tensor: 3000000000 does not fit in int32");
    expect(() => tensor([NaN], "int32")).toThrow("tensor: NaN does not fit in int32");
    expect(() => full([1], -3e9, "int32")).toThrow("full: -3000000000 does not fit in int32");
    expect(() => fullLike(tensor([1, 2], "int32"), 3e9)).toThrow("fullLike: 3000000000 does not fit in int32");
  });

  it("sizes past 2^31 - 1 elements are errors naming the op and the shape", () => {
    const too = (op: string, shape: string, n: string) => `${op}: shape ${shape} has ${n} elements, more than a tensor can hold (2^31 - 1)`;
    expect(() => zeros([1e6, 1e6])).toThrow(ShapeMismatchError);
    expect(() => zeros([1e6, 1e6])).toThrow(too("zeros", "[1000000, 1000000]", "1000000000000"));
    expect(() => zeros([2 ** 31])).toThrow(too("zeros", "[2147483648]", "2147483648"));
    expect(() => ones([65536, 32768])).toThrow(too("ones", "[65536, 32768]", "2147483648"));
    expect(() => full([3, 1e9], 1)).toThrow(too("full", "[3, 1000000000]", "3000000000"));
    expect(() => arange(0, 1e12)).toThrow(too("arange", "[1000000000000]", "1000000000000"));
    expect(() => linspace(0, 1, 3e9)).toThrow(too("linspace", "[3000000000]", "3000000000"));
    expect(() => eye(1e5)).toThrow(too("eye", "[100000, 100000]", "10000000000"));
    expect(() => tensor([1], [1e5, 1e5])).toThrow(too("tensor", "[100000, 100000]", "10000000000"));
    expect(() => broadcastTo(zeros([1]), [1e5, 1e5])).toThrow(too("broadcastTo", "[100000, 100000]", "10000000000"));
    expect(() => add(zeros([1e5, 1]), zeros([1e5]))).toThrow(too("add", "[100000, 100000]", "10000000000"));
  });

  it("holes in nested arrays and unknown dtypes name the op and the place", () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([1, , 3] as never)).toThrow("tensor: the nested array has a hole at [1]");
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([[1, 2], [3, ,]] as never)).toThrow("tensor: the nested array has a hole at [1][1]");
    // eslint-disable-next-line no-sparse-arrays
    expect(() => tensor([1, , 3] as never, [3])).toThrow("tensor: the array has a hole at element 1");
    expect(() => astype(tensor([1]), "float16" as never)).toThrow(TypeError);
    expect(() => astype(tensor([1]), "float16" as never)).toThrow('astype: unknown dtype "float16" (use float32, float64, int32, bool or uint32)');
  });
});

// Type-only sanity: the creation functions give the tensor types the spec asks for.
const _t: Tensor<[2, 2]> = tensor([[1, 2], [3, 4]]);
void _t;
