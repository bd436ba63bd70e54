// nn.conv (flax.linen.Conv) against an N-d plain-loop float64 reference written here (explicit
// pads, strides, input and kernel dilation, feature groups, batch dims), its gradient against
// float64 central differences, its initialiser's statistics, jit, and the run-time shape checks.
import { describe, expect, it } from "vitest";
import { nn, grad, jit, random, tensor, sum, mul, std, type AnyTensor, type Tensor } from "../../src/index.js";
import { rng } from "../ops/ref.js";
import { float64Suite, uint32Suite } from "../harness/backend.js";
import { settled } from "../harness/read.js";

float64Suite();
uint32Suite();

type T = AnyTensor;
type Arr = number[];
const flat = async (t: T): Promise<Arr> => Array.from((await t.data()) as ArrayLike<number>, Number);
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const r0 = rng(11);
const rand64 = (shape: number[], r = r0): T => tensor(Float64Array.from({ length: size(shape) }, () => r() * 2 - 1), shape, "float64") as T;
function close(got: Arr, want: Arr, tol = 1e-9): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    if (!(Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)))) expect.fail(`element ${i}: got ${g}, want ${want[i]}`);
  });
}
const strides = (s: readonly number[]) => s.map((_, i) => size(s.slice(i + 1)));

interface RefOpts { st: number[]; pads: [number, number][]; ld: number[]; kd: number[]; g: number }
/**
 * out[b, o..., co] = Σ_k Σ_ci xd[b, o·s + k·kd - lo, g·Cg + ci] · w[k..., ci, co], xd the input
 * dilated by ld (zeros between), read as zero outside; g = co's group.
 */
async function refConv(x: T, w: T, b: T | null, o: RefOpts): Promise<{ data: Arr; shape: number[] }> {
  const xs = x.shape, ws = w.shape;
  const n = ws.length - 2;
  const batch = xs.slice(0, xs.length - n - 1);
  const B = size(batch);
  const sp = xs.slice(batch.length, batch.length + n);
  const C = xs[xs.length - 1]!, Cg = ws[n]!, O = ws[n + 1]!, Og = O / o.g;
  const ks = ws.slice(0, n);
  const out = sp.map((h, i) => Math.floor(((h - 1) * o.ld[i]! + 1 + o.pads[i]![0] + o.pads[i]![1] - ((ks[i]! - 1) * o.kd[i]! + 1)) / o.st[i]!) + 1);
  const xd = await flat(x), wd = await flat(w), bd = b ? (await flat(b)) : null;
  const xStr = strides([B, ...sp, C]), wStr = strides(ws);
  const res: Arr = [];
  const iter = (dims: number[]): number[][] => dims.reduce<number[][]>((acc, d) => acc.flatMap((p) => Array.from({ length: d }, (_, i) => [...p, i])), [[]]);
  const kIdx = iter(ks);
  for (let bi = 0; bi < B; bi++)
    for (const oi of iter(out))
      for (let co = 0; co < O; co++) {
        const g = Math.floor(co / Og);
        let acc = bd ? bd[co]! : 0;
        for (const k of kIdx) {
          const pos: number[] = [];
          let ok = true;
          for (let i = 0; i < n; i++) {
            const p = oi[i]! * o.st[i]! + k[i]! * o.kd[i]! - o.pads[i]![0];
            if (p < 0 || p % o.ld[i]! !== 0 || p / o.ld[i]! >= sp[i]!) ok = false;
            pos.push(p / o.ld[i]!);
          }
          if (!ok) continue;
          for (let ci = 0; ci < Cg; ci++) {
            const xi = bi * xStr[0]! + pos.reduce((a, p, i) => a + p * xStr[i + 1]!, 0) + (g * Cg + ci);
            const wi = k.reduce((a, kk, i) => a + kk * wStr[i]!, 0) + ci * wStr[n]! + co;
            acc += xd[xi]! * wd[wi]!;
          }
        }
        res.push(acc);
      }
  return { data: res, shape: [...batch, ...out, O] };
}
/** SAME's pads, written out: total = max((ceil(h/s) - 1)·s + (k-1)·d + 1 - h, 0), lo = floor(total / 2). */
const same = (h: number, k: number, s: number, d = 1): [number, number] => {
  const t = Math.max((Math.ceil(h / s) - 1) * s + (k - 1) * d + 1 - h, 0);
  return [Math.floor(t / 2), t - Math.floor(t / 2)];
};
const ones = (n: number) => new Array<number>(n).fill(1);
const f64Params = (k: number[], o: number, bias = true) => ({ kernel: rand64(k), ...(bias ? { bias: rand64([o]) } : {}) });
const apply = (c: unknown, p: unknown, x: T): T => (c as { apply(p: unknown, x: T): T }).apply(p, x);

describe("nn.conv against a plain-loop reference", () => {
  it("2-D, SAME (the default) with strides 2: NHWC in, HWIO kernel, bias", async () => {
    const c = nn.conv(3, 4, [3, 3], { strides: [2, 2] });
    const x = rand64([2, 7, 6, 3]);
    const p = f64Params([3, 3, 3, 4], 4);
    const y = apply(c, p, x);
    const want = await refConv(x, p.kernel, p.bias!, { st: [2, 2], pads: [same(7, 3, 2), same(6, 3, 2)], ld: [1, 1], kd: [1, 1], g: 1 });
    expect(y.shape).toEqual(want.shape);
    expect(y.shape).toEqual([2, 4, 3, 4]);
    close(await flat(y), want.data);
  });

  it("1-D, VALID, kernel dilation, no bias", async () => {
    const c = nn.conv(2, 3, [3], { padding: "VALID", kernelDilation: [2], useBias: false });
    expect(Object.keys(c.init(random.key(0)))).toEqual(["kernel"]);
    const x = rand64([3, 11, 2]);
    const p = f64Params([3, 2, 3], 3, false);
    const y = apply(c, p, x);
    const want = await refConv(x, p.kernel, null, { st: [1], pads: [[0, 0]], ld: [1], kd: [2], g: 1 });
    expect(y.shape).toEqual([3, 7, 3]);
    close(await flat(y), want.data);
  });

  it("3-D with strides and explicit pads", async () => {
    const pads: [number, number][] = [[1, 0], [0, 2], [1, 1]];
    const c = nn.conv(2, 3, [2, 3, 2], { strides: [1, 2, 2], padding: pads });
    const x = rand64([1, 4, 5, 4, 2]);
    const p = f64Params([2, 3, 2, 2, 3], 3);
    const y = apply(c, p, x);
    const want = await refConv(x, p.kernel, p.bias!, { st: [1, 2, 2], pads, ld: ones(3), kd: ones(3), g: 1 });
    expect(y.shape).toEqual(want.shape);
    close(await flat(y), want.data);
  });

  it("feature groups, input dilation and two batch dims; and an unbatched image", async () => {
    const pads: [number, number][] = [[1, 1], [2, 0]];
    const c = nn.conv(4, 6, [2, 3], { featureGroupCount: 2, inputDilation: [2, 1], padding: pads });
    expect(c.init(random.key(1)).kernel.shape).toEqual([2, 3, 2, 6]);
    const x = rand64([2, 3, 4, 5, 4]);
    const p = f64Params([2, 3, 2, 6], 6);
    const y = apply(c, p, x);
    const want = await refConv(x, p.kernel, p.bias!, { st: [1, 1], pads, ld: [2, 1], kd: [1, 1], g: 2 });
    expect(y.shape).toEqual(want.shape);
    close(await flat(y), want.data);
    const x1 = rand64([5, 5, 4]);
    const y1 = apply(c, p, x1);
    const want1 = await refConv(tensor((await x1.data()) as Float64Array, [1, 5, 5, 4], "float64") as T, p.kernel, p.bias!, { st: [1, 1], pads, ld: [2, 1], kd: [1, 1], g: 2 });
    expect(y1.shape).toEqual(want1.shape.slice(1));
    close(await flat(y1), want1.data);
  });
});

describe("nn.conv: parameters, gradient, jit, checks", () => {
  it("init: an HWIO lecunNormal kernel (std sqrt(1 / fanIn), fanIn = KH·KW·Cin) and zero bias", async () => {
    const c = nn.conv(32, 64, [3, 3]);
    const p = c.init(random.key(3));
    expect(p.kernel.shape).toEqual([3, 3, 32, 64]);
    expect(p.kernel.dtype).toBe("float32");
    expect(await flat(p.bias)).toEqual(new Array(64).fill(0));
    const s = (await settled(std(p.kernel))).item();
    expect(Math.abs(s - Math.sqrt(1 / (9 * 32)))).toBeLessThan(0.05 * Math.sqrt(1 / (9 * 32)));
  });

  it("its gradient in the kernel, the bias and the input matches float64 central differences", async () => {
    const c = nn.conv(2, 3, [3, 2], { strides: [2, 1], kernelDilation: [1, 2] });
    const x = rand64([2, 5, 6, 2]);
    const p = f64Params([3, 2, 2, 3], 3);
    const wy = rand64([2, 3, 6, 3]);
    const loss = (pp: typeof p, xx: T) => sum(mul(apply(c, pp, xx), wy)) as Tensor<[], "float64">;
    expect(apply(c, p, x).shape).toEqual([2, 3, 6, 3]);
    const [gp, gx] = (grad as unknown as (f: unknown, o: unknown) => (...a: unknown[]) => [typeof p, T])(loss, { argnums: [0, 1] })(p, x);
    const r = rng(5);
    const check = async (leaf: T, g: T, set: (t: T) => Promise<number>) => {
      const d = await flat(leaf), gd = await flat(g);
      for (let q = 0; q < 4; q++) {
        const k = Math.floor(r() * d.length);
        const h = 1e-5;
        const at = async (dv: number) => set(tensor(Float64Array.from(d, (v, i) => (i === k ? v + dv : v)), [...leaf.shape], "float64") as T);
        const fd = ((await at(h)) - (await at(-h))) / (2 * h);
        expect(Math.abs(gd[k]! - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
      }
    };
    await check(p.kernel, gp.kernel, async (t) => (await settled(loss({ ...p, kernel: t }, x))).item());
    await check(p.bias!, gp.bias!, async (t) => (await settled(loss({ ...p, bias: t }, x))).item());
    await check(x, gx, async (t) => (await settled(loss(p, t))).item());
  });

  it("under jit: the same values as eager, float32", async () => {
    const c = nn.conv(3, 8, [3, 3], { strides: [2, 2] });
    const p = c.init(random.key(4));
    const x = random.normal(random.key(5), [4, 9, 9, 3]) as Tensor<[4, 9, 9, 3]>;
    const f = jit((pp: typeof p, xx: Tensor<[4, 9, 9, 3]>) => c.apply(pp, xx));
    const y = f(p, x);
    expect(y.shape).toEqual([4, 5, 5, 8]);
    close(await flat(y), await flat(c.apply(p, x)), 1e-5);
  });

  it("checks its input and options at run time, with the type-level messages", () => {
    const c = nn.conv(1 as number, 4, [3, 3]);
    const p = c.init(random.key(0));
    expect(() => apply(c, p, rand64([8, 5, 5, 3]))).toThrow("conv: the input has shape [8, 5, 5, 3] but the layer takes 1 features");
    expect(() => apply(c, p, rand64([5, 1]))).toThrow("conv: the input must be [...batch, ...spatial, features] with 2 spatial dims, got shape [5, 1]");
    expect(() => nn.conv(4, 6, [3, 3], { featureGroupCount: 4 } as never)).toThrow("conv: featureGroupCount 4 must divide inFeatures 4 and outFeatures 6");
    expect(() => nn.conv(1, 1, [1, 1, 1, 1])).toThrow("conv: kernelSize must have 1, 2 or 3 dims");
    expect(() => apply(nn.conv(1, 1, [3, 3], { strides: [2] as number[] }), p, rand64([1, 5, 5, 1]))).toThrow("convGeneralDilated: 2 spatial dims but windowStrides has length 1");
  });
});

// JAX's _conv_transpose_padding, written out: pads of the dilated input for a dilated window k
const tPads = (k: number, s: number, padding: "SAME" | "VALID"): [number, number] => {
  if (padding === "SAME") {
    const pad = k + s - 2;
    const lo = s > k - 1 ? k - 1 : Math.ceil(pad / 2);
    return [lo, pad - lo];
  }
  return [k - 1, k - 1 + s - 1 + Math.max(k - s, 0) - (k - 1)];
};
/** a kernel flipped in its spatial axes and with its last two axes swapped */
async function flipSwap(w: T): Promise<T> {
  const ws = w.shape, n = ws.length - 2;
  const A = ws[n]!, B = ws[n + 1]!;
  const ks = ws.slice(0, n);
  const d = await flat(w), st = strides(ws);
  const out = new Float64Array(d.length);
  const outStr = strides([...ks, B, A]);
  const iter = (dims: number[]): number[][] => dims.reduce<number[][]>((acc, dd) => acc.flatMap((p) => Array.from({ length: dd }, (_, i) => [...p, i])), [[]]);
  for (const k of iter(ks))
    for (let a = 0; a < A; a++)
      for (let b = 0; b < B; b++) {
        const src = k.reduce((s, kk, i) => s + kk * st[i]!, 0) + a * st[n]! + b;
        const dst = k.reduce((s, kk, i) => s + (ks[i]! - 1 - kk) * outStr[i]!, 0) + b * outStr[n]! + a;
        out[dst] = d[src]!;
      }
  return tensor(out, [...ks, B, A], "float64") as T;
}

describe("nn.convTranspose against a plain-loop reference", () => {
  it("2-D SAME with strides 2: H · stride, a cross-correlation of the input dilated by the strides", async () => {
    const c = nn.convTranspose(3, 2, [3, 3], { strides: [2, 2] });
    const x = rand64([2, 4, 5, 3]);
    const p = f64Params([3, 3, 3, 2], 2);
    const y = apply(c, p, x);
    expect(y.shape).toEqual([2, 8, 10, 2]);
    const want = await refConv(x, p.kernel, p.bias!, { st: [1, 1], pads: [tPads(3, 2, "SAME"), tPads(3, 2, "SAME")], ld: [2, 2], kd: [1, 1], g: 1 });
    expect(want.shape).toEqual(y.shape);
    close(await flat(y), want.data);
  });

  it("1-D VALID with kernel dilation; transposeKernel reads [k, out, in] flipped; an unbatched input", async () => {
    const c = nn.convTranspose(2, 3, [3], { strides: [2], padding: "VALID", kernelDilation: [2], useBias: false });
    const x = rand64([3, 5, 2]);
    const p = f64Params([3, 2, 3], 3, false);
    const y = apply(c, p, x);
    // dilated window 5: 5 · 2 + max(5 - 2, 0) = 13
    expect(y.shape).toEqual([3, 13, 3]);
    close(await flat(y), (await refConv(x, p.kernel, null, { st: [1], pads: [tPads(5, 2, "VALID")], ld: [2], kd: [2], g: 1 })).data);
    const ct = nn.convTranspose(2, 3, [3], { strides: [2], transposeKernel: true });
    expect(ct.init(random.key(2)).kernel.shape).toEqual([3, 3, 2]);
    const pt = f64Params([3, 3, 2], 3);
    const x1 = rand64([5, 2]);
    const yt = apply(ct, pt, x1);
    const want = await refConv(tensor((await x1.data()) as Float64Array, [1, 5, 2], "float64") as T, await flipSwap(pt.kernel), pt.bias!, { st: [1], pads: [tPads(3, 2, "SAME")], ld: [2], kd: [1], g: 1 });
    expect(yt.shape).toEqual([10, 3]);
    close(await flat(yt), want.data);
  });

  it("its gradient matches float64 central differences, and it checks its input", async () => {
    const c = nn.convTranspose(2, 2, [2, 3], { strides: [2, 1] });
    const x = rand64([1, 3, 4, 2]);
    const p = f64Params([2, 3, 2, 2], 2);
    const wy = rand64([1, 6, 4, 2]);
    const loss = (pp: typeof p, xx: T) => sum(mul(apply(c, pp, xx), wy)) as Tensor<[], "float64">;
    const [gp, gx] = (grad as unknown as (f: unknown, o: unknown) => (...a: unknown[]) => [typeof p, T])(loss, { argnums: [0, 1] })(p, x);
    const r = rng(9);
    const check = async (leaf: T, g: T, set: (t: T) => Promise<number>) => {
      const d = await flat(leaf), gd = await flat(g);
      for (let q = 0; q < 4; q++) {
        const k = Math.floor(r() * d.length);
        const at = async (dv: number) => set(tensor(Float64Array.from(d, (v, i) => (i === k ? v + dv : v)), [...leaf.shape], "float64") as T);
        const fd = ((await at(1e-5)) - (await at(-1e-5))) / 2e-5;
        expect(Math.abs(gd[k]! - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
      }
    };
    await check(p.kernel, gp.kernel, async (t) => (await settled(loss({ ...p, kernel: t }, x))).item());
    await check(x, gx, async (t) => (await settled(loss(p, t))).item());
    expect(() => apply(c, p, rand64([1, 3, 4, 3]))).toThrow("convTranspose: the input has shape [1, 3, 4, 3] but the layer takes 2 features");
    expect(() => apply(c, p, rand64([4, 2]))).toThrow("convTranspose: the input must be [...batch, ...spatial, features] with 2 spatial dims, got shape [4, 2]");
  });
});
