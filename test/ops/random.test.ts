// jax.random: keys are uint32 tensors, draws are staged programs (Threefry lowers to kernels), so
// they work eagerly, inside jit (new keys, new numbers), vmap (a batch of keys) and grad. Values
// are checked against a Threefry written here from the paper's description (with the Random123
// known-answer vectors that JAX's own tests use), JAX's documented outputs, and statistics.
import { describe, expect, it } from "vitest";
import { add, astype, bitwiseAnd, bitwiseOr, bitwiseXor, leftShift, rightShift, concatenate, equal, grad, jit, makeGraph, notEqual, reshape, slice, stack, sub, sum, tensor, vmap, where, mul, sin, random, type Tensor } from "../../src/index.js";
import type { PRNGKey } from "../../src/index.js";
import { bitAnd, bitOr, bitXor, shiftLeft, shiftRight } from "../../src/prims/bitwise.js";
import * as lax from "../../src/prims/lax.js";
import { optimize } from "../../src/compile/passes.js";
import { fuse } from "../../src/compile/fusion.js";
import type { AnyTensor } from "../../src/tensor/tensor.js";
import { float64OnWasm, uint32Suite } from "../harness/backend.js";
import { settled, eachSeq, mapSeq } from "../harness/read.js";

// every draw computes with uint32 words, which gpu.js (float32) runs on the wasm backend
uint32Suite();

// ---------------------------------------------------------------- an independent Threefry-2x32

const M32 = 2n ** 32n;
/** Threefry-2x32, 20 rounds, in BigInt (Salmon et al. 2011, Skein's rotations for Nw = 2). */
function tf(key: [number, number], ctr: [number, number]): [number, number] {
  const rot = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) % M32;
  const R = [[13n, 15n, 26n, 6n], [17n, 29n, 16n, 24n]];
  const k = [BigInt(key[0]), BigInt(key[1])];
  const ks = [k[0]!, k[1]!, k[0]! ^ k[1]! ^ 0x1bd11bdan];
  let [a, b] = [(BigInt(ctr[0]) + ks[0]!) % M32, (BigInt(ctr[1]) + ks[1]!) % M32];
  for (let i = 0; i < 5; i++) {
    for (const r of R[i % 2]!) {
      a = (a + b) % M32;
      b = rot(b, r) ^ a;
    }
    // key injection i + 1
    a = (a + ks[(i + 1) % 3]!) % M32;
    b = (b + ks[(i + 2) % 3]! + BigInt(i + 1)) % M32;
  }
  return [Number(a), Number(b)];
}

const words = async (k: PRNGKey): Promise<[number, number]> => {
  const d = await k.data();
  return [d[0]!, d[1]!];
};
const arr = async (t: AnyTensor): Promise<number[]> => Array.from((await t.data()) as ArrayLike<number>);
const bitsEqual = async (a: AnyTensor, b: AnyTensor) => {
  expect(a.shape).toEqual(b.shape);
  expect(a.dtype).toBe(b.dtype);
  const x = (await a.data()) as ArrayLike<number>;
  const y = (await b.data()) as ArrayLike<number>;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) expect.fail(`element ${i}: ${x[i]} vs ${y[i]}`);
};
const moments = (d: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < d.length; i++) m += d[i]!;
  m /= d.length;
  let v = 0;
  for (let i = 0; i < d.length; i++) v += (d[i]! - m) ** 2;
  return { mean: m, variance: v / d.length };
};

describe("uint32 and the bitwise ops", () => {
  it("uint32 tensors: creation, data(), views, eq/ne, conversions", async () => {
    const x = tensor(new Uint32Array([0, 1, 4294967295, 2147483648]), [4]);
    expect(x.dtype).toBe("uint32");
    expect(await x.data()).toEqual(new Uint32Array([0, 1, 4294967295, 2147483648]));
    expect((await settled(tensor([3, 4294967295], "uint32"))).toArray()).toEqual([3, 4294967295]);
    expect(() => tensor([-1], "uint32")).toThrow("tensor: -1 does not fit in uint32");
    const m = reshape(x, [2, 2]);
    expect((await settled(m)).toArray()).toEqual([[0, 1], [4294967295, 2147483648]]);
    expect(await arr(slice(x, [[1, 3]]))).toEqual([1, 4294967295]);
    expect(await arr(concatenate([x, x]))).toEqual([0, 1, 4294967295, 2147483648, 0, 1, 4294967295, 2147483648]);
    expect((await settled(x.broadcastTo([2, 4]))).toArray()).toEqual([[0, 1, 4294967295, 2147483648], [0, 1, 4294967295, 2147483648]]);
    expect((await settled(equal(x, tensor(new Uint32Array([0, 2, 4294967295, 0]), [4])))).toArray()).toEqual([true, false, true, false]);
    expect((await settled(notEqual(x, 1))).toArray()).toEqual([true, false, true, true]);
    // to float32 rounds, to int32 wraps, from int32 wraps, from float truncates and saturates
    expect(await arr(astype(x, "float32"))).toEqual([0, 1, 4294967296, 2147483648]);
    expect(await arr(astype(x, "int32"))).toEqual([0, 1, -1, -2147483648]);
    expect(await arr(astype(tensor([-1, 7], "int32"), "uint32"))).toEqual([4294967295, 7]);
    expect(await arr(astype(tensor([-3.5, 2.9, 5e9, NaN]), "uint32"))).toEqual([0, 2, 4294967295, 0]);
    expect(await arr(jit((t: Tensor<[4], "float32">) => astype(t, "uint32"))(tensor([-3.5, 2.9, 5e9, NaN])))).toEqual([0, 2, 4294967295, 0]);
  });

  it("xor, and, or, shifts and wrapping uint32 arithmetic, eagerly and fused", async () => {
    const a = [0, 1, 0xdeadbeef, 0xffffffff, 0x80000000, 12345];
    const b = [0xffffffff, 3, 0x12345678, 1, 31, 0x0f0f0f0f];
    const sh = [0, 1, 31, 32, 33, 4];
    const u = (v: number[]) => tensor(new Uint32Array(v), [v.length]) as AnyTensor;
    const ref = {
      xor: a.map((x, i) => (x ^ b[i]!) >>> 0),
      and: a.map((x, i) => (x & b[i]!) >>> 0),
      or: a.map((x, i) => (x | b[i]!) >>> 0),
      shl: a.map((x, i) => (sh[i]! >= 32 ? 0 : (x << sh[i]!) >>> 0)),
      shr: a.map((x, i) => (sh[i]! >= 32 ? 0 : x >>> sh[i]!)),
      add: a.map((x, i) => Number((BigInt(x) + BigInt(b[i]!)) % M32)),
      mul: a.map((x, i) => Number((BigInt(x) * BigInt(b[i]!)) % M32)),
      sub: a.map((x, i) => Number((BigInt(x) - BigInt(b[i]!) + M32) % M32)),
    };
    const ops = (x: AnyTensor, y: AnyTensor, s: AnyTensor) => [bitXor(x, y), bitAnd(x, y), bitOr(x, y), shiftLeft(x, s), shiftRight(x, s), lax.add(x, y), lax.mul(x, y), lax.sub(x, y)];
    const want = Object.values(ref);
    await eachSeq(ops(u(a), u(b), u(sh)), async (t, i) => expect(await arr(t), Object.keys(ref)[i]).toEqual(want[i]));
    // one fused kernel
    const f = jit((x: Tensor<[6], "uint32">, y: Tensor<[6], "uint32">, s: Tensor<[6], "uint32">) => ops(x as AnyTensor, y as AnyTensor, s as AnyTensor) as Tensor<[6], "uint32">[]);
    await eachSeq(f(u(a) as Tensor<[6], "uint32">, u(b) as Tensor<[6], "uint32">, u(sh) as Tensor<[6], "uint32">), async (t, i) => expect(await arr(t), Object.keys(ref)[i]).toEqual(want[i]));
    // int32: an arithmetic shift right
    const i32 = tensor([-8, 8, -1, 5, -2147483648], "int32") as AnyTensor;
    const cnt = tensor([1, 2, 40, 33, 31], "int32") as AnyTensor;
    expect(await arr(shiftRight(i32, cnt))).toEqual([-4, 2, -1, 0, -1]);
    expect(await arr(shiftLeft(i32, cnt))).toEqual([-16, 32, 0, 0, 0]);
    expect(await arr(bitXor(i32, cnt))).toEqual([-8 ^ 1, 8 ^ 2, -1 ^ 40, 5 ^ 33, -2147483648 ^ 31]);
  });

  it("the public bitwise ops broadcast, take weak numbers, and reject floats", async () => {
    const x = tensor(new Uint32Array([0xf0f0f0f0, 1, 0xffffffff]), [3]);
    expect(await arr(bitwiseXor(x, 0xffffffff))).toEqual([0x0f0f0f0f, 0xfffffffe, 0]);
    expect(await arr(bitwiseAnd(x, tensor(new Uint32Array([0xff]), [1])))).toEqual([0xf0, 1, 0xff]);
    expect(await arr(bitwiseOr(tensor([1, 2], "int32"), 4))).toEqual([5, 6]);
    expect((await settled(leftShift(x, 4))).toArray()).toEqual([0x0f0f0f00, 16, 0xfffffff0]);
    expect((await settled(rightShift(x, tensor(new Uint32Array([4, 0, 32]), [3])))).toArray()).toEqual([0x0f0f0f0f, 1, 0]);
    expect((await settled(rightShift(tensor([[-16], [16]], "int32"), tensor([2, 40], "int32")))).toArray()).toEqual([[-4, -1], [4, 0]]);
    const j = jit((a: Tensor<[3], "uint32">) => rightShift(bitwiseXor(a, leftShift(a, 13)), 7));
    expect(await arr(j(x))).toEqual((await arr(x)).map((v) => ((v ^ ((v << 13) >>> 0)) >>> 0) >>> 7));
    expect(() => bitwiseXor(tensor([1.5]) as never, 1)).toThrow("bitwiseXor: expects int32 or uint32 tensors, got float32");
  });
});

describe("Threefry and keys", () => {
  it("the cipher gives the Random123 known answers (the vectors of JAX's testThreefry2x32)", async () => {
    const hex = (w: [number, number]) => w.map((x) => x.toString(16));
    expect(hex(tf([0, 0], [0, 0]))).toEqual(["6b200159", "99ba4efe"]);
    expect(hex(tf([0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toEqual(["1cb996fc", "bb002be7"]);
    expect(hex(tf([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3]))).toEqual(["c4923a9c", "483df7a0"]);
    // and the library's cipher (bits of a key made of those words) agrees
    const k = tensor(new Uint32Array([0x13198a2e, 0x03707344]), [2]) as unknown as PRNGKey;
    expect(await words(random.foldIn(k, 0x85a308d3))).toEqual(tf([0x13198a2e, 0x03707344], [0, 0x85a308d3]));
  });

  it("key, split, foldIn and bits are JAX's (partitionable Threefry counters)", async () => {
    const k = random.key(0);
    expect(k.dtype).toBe("uint32");
    expect(k.shape).toEqual([2]);
    expect(await words(k)).toEqual([0, 0]);
    expect(await words(random.key(2 ** 32 + 5))).toEqual([1, 5]);
    const k7 = random.key(7);
    // split(k, n)[i] is the cipher of counter (0, i)
    await eachSeq(random.split(k7, 5), async (s, i) => expect(await words(s)).toEqual(tf([0, 7], [0, i])));
    const [a, b] = random.split(k7);
    expect(await words(a)).toEqual(tf([0, 7], [0, 0]));
    expect(await words(b)).toEqual(tf([0, 7], [0, 1]));
    // foldIn(k, d): the cipher of (0, d), for numbers and int32/uint32 scalars (-1 is 2^32 - 1)
    expect(await words(random.foldIn(k7, 12))).toEqual(tf([0, 7], [0, 12]));
    expect(await words(random.foldIn(k7, tensor(-1, "int32")))).toEqual(tf([0, 7], [0, 0xffffffff]));
    expect(await words(random.foldIn(k7, tensor(9, "uint32")))).toEqual(tf([0, 7], [0, 9]));
    // bits: x0 ^ x1 of the cipher of each element's row-major index
    const kb = await words(b);
    const bits = random.bits(b, [3, 5]);
    expect(bits.dtype).toBe("uint32");
    expect(await arr(bits)).toEqual(Array.from({ length: 15 }, (_, i) => {
      const [x0, x1] = tf(kb, [0, i]);
      return (x0 ^ x1) >>> 0;
    }));
    expect(await arr(random.bits(k, []))).toEqual([(tf([0, 0], [0, 0])[0] ^ tf([0, 0], [0, 0])[1]) >>> 0]);
  });

  it("uniform is JAX's: the documented values for key(0), and the mantissa fill of the bits", async () => {
    // docs.jax.dev, jax.random module: uniform(key(0)) is 0.947667, uniform of split's subkey 0.00729382
    const k = random.key(0);
    expect((await settled(random.uniform(k, []))).item()).toBeCloseTo(0.947667, 6);
    const [, sub] = random.split(k);
    expect((await settled(random.uniform(sub, []))).item()).toBeCloseTo(0.00729382, 8);
    const b = await arr(random.bits(sub, [1000]));
    const u = await arr(random.uniform(sub, [1000]));
    expect(u).toEqual(b.map((x) => (x >>> 9) * 2 ** -23));
    const w = await arr(random.uniform(sub, [1000], { minval: -2, maxval: 3 }));
    expect(w).toEqual(u.map((x) => Math.max(-2, Math.fround(Math.fround(x * 5) + -2))));
    // float64: the top 52 of the 64 bits x0 << 32 | x1
    float64OnWasm();
    const kw = await words(sub);
    const d = await arr(random.uniform(sub, [50], { dtype: "float64" }));
    expect(d).toEqual(Array.from({ length: 50 }, (_, i) => {
      const [x0, x1] = tf(kw, [0, i]);
      return (x0 * 2 ** 20 + (x1 >>> 12)) * 2 ** -52;
    }));
  });
});

// ---------------------------------------------------------------- every draw, every transformation

type Draw = [name: string, f: (k: PRNGKey) => AnyTensor];
const logits = tensor([[0.5, -1, 2, 0], [1, 1, 1, 1], [-3, 0, 3, 0.2]]);
const DRAWS: Draw[] = [
  ["bits", (k) => random.bits(k, [7, 3])],
  ["uniform", (k) => random.uniform(k, [5, 4], { minval: -1, maxval: 2 })],
  ["normal", (k) => random.normal(k, [6, 5])],
  ["gumbel", (k) => random.gumbel(k, [9])],
  ["bernoulli", (k) => random.bernoulli(k, 0.3, [4, 6])],
  ["categorical", (k) => random.categorical(k, logits, { shape: [5, 3] })],
  ["randint", (k) => random.randint(k, [20], -5, 17)],
  ["permutation", (k) => random.permutation(k, 12)],
  ["permutation of rows", (k) => random.permutation(k, logits, 1)],
  ["truncatedNormal", (k) => random.truncatedNormal(k, -0.5, 1.5, [30])],
  ["choice", (k) => random.choice(k, 10, { shape: [2, 3], replace: false })],
  ["weighted choice", (k) => random.choice(k, logits, { shape: [4], p: tensor([0.2, 0.3, 0.5]) })],
  ["split", (k) => random.split(k, 3)[2]],
  ["foldIn", (k) => random.foldIn(k, 42)],
];

describe("draws in transformations", () => {
  const k1 = random.key(1);
  const k2 = random.key(2);

  for (const [name, f] of DRAWS) {
    it(`${name}: eager and jitted agree bit for bit; a new key gives new numbers`, async () => {
      const g = jit(f);
      await bitsEqual(g(k1), f(k1));
      await bitsEqual(g(k2), f(k2));
      expect(await arr(g(k1))).not.toEqual(await arr(g(k2)));
      // the same key again: the same numbers
      await bitsEqual(f(k1), f(k1));
    });

    it(`${name}: vmap over a batch of keys stacks the per-key draws`, async () => {
      const keys = random.split(random.key(3), 4);
      const batch = stack(keys) as Tensor<[4, 2], "uint32">;
      expect(batch.shape).toEqual([4, 2]);
      const got = vmap(f)(batch as never) as AnyTensor;
      await bitsEqual(got, stack(keys.map(f) as Tensor<number[]>[]) as AnyTensor);
      // and jitted
      await bitsEqual(jit(vmap(f))(batch as never) as AnyTensor, got);
    });
  }

  it("a draw compiles to one fused kernel (Threefry over iota counters), not a constant", () => {
    const kinds = (f: (k: PRNGKey) => AnyTensor) => fuse(optimize(makeGraph(f)(k1))).kernels.map((k) => (k.kind === "opaque" ? `opaque:${k.name}` : k.kind));
    expect(kinds((k) => random.normal(k, [64, 64]))).toEqual(["elementwise"]);
    expect(kinds((k) => random.bernoulli(k, 0.5, [1000]))).toEqual(["elementwise"]);
    // the graph holds no constant of the draw's size: counters are iotas of each axis's length
    const g = optimize(makeGraph((k: PRNGKey) => random.uniform(k, [300, 200]))(k1));
    expect(Math.max(...g.consts.map((c) => c.v.aval.shape.reduce((p, d) => p * d, 1)))).toBeLessThanOrEqual(300);
  });

  it("keys are ordinary pytree leaves and grad gives them no gradient", async () => {
    float64OnWasm();
    // dropout: a mask from the key, a loss in float64, its gradient against central differences
    const loss = (x: Tensor<[8], "float64">, key: PRNGKey) => {
      const keep = random.bernoulli(key, 0.7, [8]);
      return sum(where(keep, mul(sin(x), 1 / 0.7), 0));
    };
    const x = tensor([0.3, -1.2, 2.0, 0.7, -0.1, 1.5, -2.2, 0.9], "float64");
    const key = random.key(11);
    const g = grad(loss)(x, key);
    const keep = await arr(random.bernoulli(key, 0.7, [8]));
    expect(keep.some((v) => v === 0) && keep.some((v) => v === 1)).toBe(true);
    const xs = await arr(x);
    const h = 1e-6;
    const fd = (await mapSeq(xs, async (_, i) => {
      const at = async (d: number) => (await settled(loss(tensor(xs.map((v, j) => (j === i ? v + d : v)), "float64") as Tensor<[8], "float64">, key))).item();
      return ((await at(h)) - (await at(-h))) / (2 * h);
    }));
    (await arr(g)).forEach((v, i) => expect(v).toBeCloseTo(fd[i]!, 6));
    // the gradient is cos(x) / 0.7 where kept, 0 where dropped (a closed form)
    (await arr(g)).forEach((v, i) => expect(v).toBeCloseTo(keep[i] ? Math.cos(xs[i]!) / 0.7 : 0, 12));
    // jitted: the same key gives the same gradient, another key another mask
    const jg = jit(grad(loss));
    await bitsEqual(jg(x, key), g);
    expect(await arr(jg(x, random.key(12)))).not.toEqual(await arr(g));
    // a key inside the differentiated pytree is an integer leaf: no cotangent to give
    expect(() => grad((p: { x: Tensor<[8], "float64">; k: PRNGKey }) => loss(p.x, p.k))({ x, k: key } as never)).toThrow("grad: argument 0.k has dtype uint32; grad requires float inputs (convert it with astype, or leave it out of argnums)");
  });

  it("a key is jit data: split inside a jitted step gives the eager chain of keys and draws", async () => {
    const step = jit((key: PRNGKey, w: Tensor<[3]>) => {
      const [next, sub] = random.split(key);
      return { key: next, w: add(w, random.normal(sub, [3])) };
    });
    let s = { key: random.key(5), w: tensor([0, 0, 0]) };
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      s = step(s.key, s.w);
      seen.add((await arr(s.key)).join());
    }
    expect(seen.size).toBe(4);
    // eagerly the same chain
    let k = random.key(5);
    let w = tensor([0, 0, 0]) as AnyTensor;
    for (let i = 0; i < 4; i++) {
      const [next, sub] = random.split(k);
      w = lax.add(w, random.normal(sub, [3]) as AnyTensor);
      k = next;
    }
    await bitsEqual(s.w, w);
    await bitsEqual(s.key, k);
  });
});

// ---------------------------------------------------------------- statistics

describe("distributions", () => {
  const N = 100_000;
  it("uniform and normal: mean and variance of 1e5 draws", async () => {
    const u = moments(await random.uniform(random.key(21), [N], { minval: 2, maxval: 6 }).data());
    // standard errors: sqrt(var / N) = 0.0036 for the mean
    expect(Math.abs(u.mean - 4)).toBeLessThan(0.02);
    expect(Math.abs(u.variance - 16 / 12)).toBeLessThan(0.02);
    const z = await random.normal(random.key(22), [N]).data();
    const n = moments(z);
    expect(Math.abs(n.mean)).toBeLessThan(0.015);
    expect(Math.abs(n.variance - 1)).toBeLessThan(0.02);
    // tails of the erf⁻¹ polynomial: P(|z| > 2) = 0.0455, P(|z| > 3) = 0.0027
    const tail = (t: number) => Array.from(z).filter((v) => Math.abs(v) > t).length / N;
    expect(Math.abs(tail(2) - 0.0455)).toBeLessThan(0.003);
    expect(Math.abs(tail(3) - 0.0027)).toBeLessThan(0.0008);
    float64OnWasm();
    const z64 = moments(await random.normal(random.key(23), [N], "float64").data());
    expect(Math.abs(z64.mean)).toBeLessThan(0.015);
    expect(Math.abs(z64.variance - 1)).toBeLessThan(0.02);
  });

  it("bernoulli's rate, and p as a tensor broadcast to the shape", async () => {
    const b = await arr(random.bernoulli(random.key(31), 0.3, [N]));
    expect(Math.abs(b.reduce((s, v) => s + v, 0) / N - 0.3)).toBeLessThan(0.006);
    const p = tensor([0.1, 0.9]);
    const m = (await settled(random.bernoulli(random.key(32), p, [20000, 2]))).toArray() as boolean[][];
    const rate = (j: number) => m.filter((r) => r[j]).length / m.length;
    expect(Math.abs(rate(0) - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(rate(1) - 0.9)).toBeLessThan(0.01);
    expect(random.bernoulli(random.key(0), p).shape).toEqual([2]);
    expect(random.bernoulli(random.key(0)).shape).toEqual([]);
  });

  it("randint: the range, roughly uniform counts, and the edges of int32", async () => {
    const r = await arr(random.randint(random.key(41), [N], -3, 7));
    expect(Math.min(...r)).toBe(-3);
    expect(Math.max(...r)).toBe(6);
    const counts = new Array(10).fill(0);
    for (const v of r) counts[v + 3]++;
    // each count ~ Binomial(N, 0.1): sd 95, so 5 sd is 475
    for (const c of counts) expect(Math.abs(c - N / 10)).toBeLessThan(475);
    expect(new Set((await arr(random.randint(random.key(42), [50], 4, 4))))).toEqual(new Set([4]));
    const wide = await arr(random.randint(random.key(43), [1000], -(2 ** 31), 2 ** 31));
    expect(wide.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)).toBe(true);
    expect(wide.some((v) => v < 0) && wide.some((v) => v > 0)).toBe(true);
    const u = random.randint(random.key(44), [100], 0, 2 ** 32, "uint32");
    expect(u.dtype).toBe("uint32");
    expect((await arr(u)).some((v) => v > 2 ** 31)).toBe(true);
  });

  it("randint is JAX's algorithm on the bits of split(key), in uint32 arithmetic, also for spans past 2^16", async () => {
    for (const [lo, hi] of [[0, 10], [-5, 65536 - 5], [0, 100000], [7, 3_000_007]] as const) {
      const key = random.key(45);
      const [k1, k2] = random.split(key);
      const hiBits = (await arr(random.bits(k1, [64]))).map(BigInt);
      const loBits = (await arr(random.bits(k2, [64]))).map(BigInt);
      const span = BigInt(hi - lo);
      // JAX: multiplier = (2^16 mod span)^2 mod span with the square wrapping in uint32
      const m16 = (1n << 16n) % span;
      const mult = ((m16 * m16) % M32) % span;
      const want = hiBits.map((h, i) => Number(lo + Number((((((h % span) * mult) % M32) + (loBits[i]! % span)) % M32) % span)));
      expect(await arr(random.randint(key, [64], lo, hi)), `[${lo}, ${hi})`).toEqual(want);
    }
  });

  it("permutation is a permutation (of n, of a tensor's rows, past one sorting round)", async () => {
    const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
    const p = await arr(random.permutation(random.key(51), 100));
    expect(sorted(p)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(p).not.toEqual(sorted(p));
    // 2000 elements take two rounds of sorting
    const big = await arr(random.permutation(random.key(52), 2000));
    expect(sorted(big)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    const x = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]]);
    const rows = (await settled(random.permutation(random.key(53), x))).toArray() as number[][];
    expect(rows.map((r) => r.join()).sort()).toEqual(["1,2,3", "10,11,12", "4,5,6", "7,8,9"]);
    const cols = (await settled(random.permutation(random.key(53), x, 1))).toArray() as number[][];
    const perm = cols[0]!.map((v) => v - 1);
    cols.forEach((r, i) => expect(r).toEqual(perm.map((j) => i * 3 + j + 1)));
  });

  it("permutation is differentiable in x (a permutation of the cotangent)", async () => {
    const x = tensor([1, 2, 3, 4, 5]);
    const w = tensor([1, 10, 100, 1000, 10000]);
    const key = random.key(54);
    const g = grad((t: Tensor<[5]>) => sum(mul(random.permutation(key, t), w)))(x);
    const p = await arr(random.permutation(key, tensor([0, 1, 2, 3, 4])));
    const want = new Array(5).fill(0);
    await eachSeq(p, async (src, dst) => (want[src] = (await arr(w))[dst]));
    expect(await arr(g)).toEqual(want);
  });

  it("truncatedNormal stays inside (lower, upper), with the truncated mean", async () => {
    const t = await arr(random.truncatedNormal(random.key(61), -1, 2, [N]));
    expect(Math.min(...t)).toBeGreaterThan(-1);
    expect(Math.max(...t)).toBeLessThan(2);
    // E[Z | -1 < Z < 2] = (φ(-1) - φ(2)) / (Φ(2) - Φ(-1))
    const phi = (v: number) => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
    const want = (phi(-1) - phi(2)) / (0.9772498680518208 - 0.15865525393145707);
    expect(Math.abs(moments(t).mean - want)).toBeLessThan(0.01);
    const narrow = await arr(random.truncatedNormal(random.key(62), 0.5, 0.50001, [100]));
    expect(narrow.every((v) => v > 0.5 && v < 0.50001)).toBe(true);
  });

  it("categorical frequencies follow softmax(logits), along any axis", async () => {
    const l = [1, 0, -1, 2];
    const z = l.reduce((s, v) => s + Math.exp(v), 0);
    const c = await arr(random.categorical(random.key(71), tensor(l), { shape: [N] }));
    for (let j = 0; j < 4; j++) {
      const f = c.filter((v) => v === j).length / N;
      expect(Math.abs(f - Math.exp(l[j]!) / z)).toBeLessThan(0.006);
    }
    // axis 0 of a [4, 2] table: two independent columns
    const t = tensor([[0, 5], [0, -5], [0, -5], [0, -5]]);
    const d = (await settled(random.categorical(random.key(72), t, { axis: 0, shape: [10000, 2] }))).toArray() as number[][];
    expect(Math.abs(d.filter((r) => r[0] === 3).length / 10000 - 0.25)).toBeLessThan(0.02);
    expect(d.filter((r) => r[1] === 0).length).toBeGreaterThan(9900);
    expect(random.categorical(random.key(73), logits).shape).toEqual([3]);
  });

  it("gumbel's mean is Euler's constant; choice with and without replacement", async () => {
    expect(Math.abs(moments(await random.gumbel(random.key(81), [N]).data()).mean - 0.5772156649)).toBeLessThan(0.015);
    const noRep = await arr(random.choice(random.key(82), 50, { shape: [50], replace: false }));
    expect(new Set(noRep).size).toBe(50);
    const p = tensor([0.1, 0.6, 0.3]);
    const w = await arr(random.choice(random.key(83), 3, { shape: [30000], p }));
    [0.1, 0.6, 0.3].forEach((q, j) => expect(Math.abs(w.filter((v) => v === j).length / 30000 - q)).toBeLessThan(0.01));
    const wNoRep = await arr(random.choice(random.key(84), 3, { shape: [3], replace: false, p }));
    expect([...wNoRep].sort()).toEqual([0, 1, 2]);
    const rows = random.choice(random.key(85), tensor([[1, 2], [3, 4], [5, 6]]), { shape: [2, 2] });
    expect(rows.shape).toEqual([2, 2, 2]);
    for (const r of (await settled(rows)).toArray() as number[][][]) for (const e of r) expect(["1,2", "3,4", "5,6"]).toContain(e.join());
    const ints = await arr(random.choice(random.key(86), 7, { shape: [200] }));
    expect(ints.every((v) => Number.isInteger(v) && v >= 0 && v < 7)).toBe(true);
  });
});

describe("misuse", () => {
  it("a non-key, or a key of the wrong shape, names what it got", () => {
    expect(() => random.normal(tensor([1, 2]) as never, [3])).toThrow("random.normal: expected a key (a uint32 tensor of shape [2], from random.key), got float32 [2]");
    expect(() => random.uniform(tensor(new Uint32Array(3), [3]) as never, [3])).toThrow("random.uniform: expected a key (a uint32 tensor of shape [2], from random.key), got uint32 [3]");
    expect(() => random.split(5 as never)).toThrow("random.split: expected a key (a uint32 tensor of shape [2], from random.key), got a non-tensor value");
    expect(() => random.split(random.key(0), 0)).toThrow("random.split: n must be a positive integer, got 0");
    expect(() => random.bernoulli(random.key(0), tensor([0.5, 0.5]), [3])).toThrow("random.bernoulli: shape [3] is not a broadcast of [2]");
    expect(() => random.choice(random.key(0), 3, { shape: [4], replace: false })).toThrow("random.choice: cannot take 4 samples from 3 elements without replacement");
    expect(() => random.categorical(random.key(0), logits, { axis: 2 })).toThrow("random.categorical: axis 2 is out of range for shape [3, 4] (rank 2)");
  });

  it("arithmetic on keys stays uint32 and wraps", async () => {
    const k = random.key(0);
    expect(await arr(sub(k, tensor(new Uint32Array([1, 0]), [2])))).toEqual([4294967295, 0]);
  });
});
