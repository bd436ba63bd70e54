// lax.convGeneralDilated / conv / convTranspose against a direct loop written here (over batch,
// out-features, output positions, window positions and in-features), their gradients against
// float64 central differences, vmap against stacking, and jit.
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { lax } from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { expectClose, f64, fdJacobian, flat, grad, jit, rng, scalarize, size, stackAt, take, vmap, type T } from "../transforms/helpers.js";
import { mapSeq, eachSeq } from "../harness/read.js";

type Pads = "SAME" | "SAME_LOWER" | "VALID" | [number, number][];
interface Case {
  name: string;
  l: number[];
  r: number[];
  specs?: [string, string, string];
  strides: number[];
  padding: Pads;
  ld?: number[];
  rd?: number[];
  G?: number;
  B?: number;
}

/** Strides of a row-major shape. */
const stridesOf = (s: readonly number[]) => s.map((_, i) => s.slice(i + 1).reduce((a, b) => a * b, 1));

/** The direct loop: every output element is a sum over the window and the in-features. */
function reference(c: Case, x: number[], w: number[]): { shape: number[]; data: number[] } {
  const n = c.l.length;
  const [ls, rs, os] = c.specs ?? (n === 3 ? ["NCH", "OIH", "NCH"] : n === 4 ? ["NCHW", "OIHW", "NCHW"] : ["NCDHW", "OIDHW", "NCDHW"]);
  const sp = [...rs].filter((ch) => ch !== "O" && ch !== "I");
  const L = (ch: string) => c.l[ls.indexOf(ch)]!;
  const R = (ch: string) => c.r[rs.indexOf(ch)]!;
  const G = c.G ?? 1;
  const B = c.B ?? 1;
  const ld = c.ld ?? sp.map(() => 1);
  const rd = c.rd ?? sp.map(() => 1);
  const pads = sp.map((ch, i): [number, number] => {
    if (c.padding === "VALID") return [0, 0];
    if (c.padding === "SAME" || c.padding === "SAME_LOWER") {
      const h = L(ch);
      const k = (R(ch) - 1) * rd[i]! + 1;
      const out = Math.ceil(h / c.strides[i]!);
      const total = Math.max(0, (out - 1) * c.strides[i]! + k - h);
      const small = Math.floor(total / 2);
      return c.padding === "SAME" ? [small, total - small] : [total - small, small];
    }
    return c.padding[i]!;
  });
  const outSp = sp.map((ch, i) => {
    const hd = (L(ch) - 1) * ld[i]! + 1 + pads[i]![0] + pads[i]![1];
    const kd = (R(ch) - 1) * rd[i]! + 1;
    return hd < kd ? 0 : Math.floor((hd - kd) / c.strides[i]!) + 1;
  });
  const N = L("N") / B;
  const O = R("O");
  const I = R("I");
  const outShape = [...os].map((ch) => (ch === "N" ? N : ch === "C" ? O : outSp[sp.indexOf(ch)]!));
  const xs = stridesOf(c.l);
  const ws = stridesOf(c.r);
  const osd = stridesOf(outShape);
  const data = new Array<number>(size(outShape)).fill(0);
  const at = (spec: string, st: number[], idx: Record<string, number>) => [...spec].reduce((a, ch, k) => a + idx[ch]! * st[k]!, 0);
  const each = (dims: number[], f: (ix: number[]) => void, pre: number[] = []): void => {
    if (pre.length === dims.length) return f(pre);
    for (let i = 0; i < dims[pre.length]!; i++) each(dims, f, [...pre, i]);
  };
  for (let nn = 0; nn < N; nn++)
    for (let o = 0; o < O; o++)
      each(outSp, (op) =>
        each(
          sp.map((ch) => R(ch)),
          (kp) => {
            const xi: Record<string, number> = { N: B > 1 ? Math.floor(o / (O / B)) * N + nn : nn };
            for (let i = 0; i < sp.length; i++) {
              const q = op[i]! * c.strides[i]! + kp[i]! * rd[i]! - pads[i]![0];
              if (q < 0 || q % ld[i]! !== 0 || q / ld[i]! >= L(sp[i]!)) return;
              xi[sp[i]!] = q / ld[i]!;
            }
            const wi: Record<string, number> = { O: o };
            sp.forEach((ch, i) => (wi[ch] = kp[i]!));
            const oi: Record<string, number> = { N: nn, C: o };
            sp.forEach((ch, i) => (oi[ch] = op[i]!));
            const g = Math.floor(o / (O / G));
            for (let ci = 0; ci < I; ci++) {
              xi.C = g * I + ci;
              wi.I = ci;
              data[at(os, osd, oi)]! += x[at(ls, xs, xi)]! * w[at(rs, ws, wi)]!;
            }
          },
        ),
      );
  return { shape: outShape, data };
}

const randData = (r: () => number, n: number) => Array.from({ length: n }, () => r() * 2 - 1);
type Opts = Parameters<typeof lax.convGeneralDilated>[4];
const optsOf = (c: Case): Opts => ({
  ...(c.specs ? { dimensionNumbers: c.specs } : {}),
  ...(c.ld ? { lhsDilation: c.ld } : {}),
  ...(c.rd ? { rhsDilation: c.rd } : {}),
  ...(c.G ? { featureGroupCount: c.G } : {}),
  ...(c.B ? { batchGroupCount: c.B } : {}),
});
const convOf = (c: Case) => (x: T, w: T): T => lax.convGeneralDilated(x as never, w as never, c.strides, c.padding as never, optsOf(c) as never) as unknown as T;

const cases: Case[] = [
  { name: "2-D NCHW, VALID", l: [2, 3, 6, 5], r: [4, 3, 3, 2], strides: [1, 1], padding: "VALID" },
  { name: "2-D NCHW, stride 2, SAME", l: [2, 3, 7, 6], r: [4, 3, 3, 3], strides: [2, 2], padding: "SAME" },
  { name: "2-D NHWC / HWIO, SAME", l: [2, 5, 6, 3], r: [3, 3, 3, 4], specs: ["NHWC", "HWIO", "NHWC"], strides: [1, 1], padding: "SAME" },
  { name: "2-D NHWC / HWIO, SAME_LOWER, even window", l: [1, 5, 6, 2], r: [2, 4, 2, 3], specs: ["NHWC", "HWIO", "NHWC"], strides: [1, 2], padding: "SAME_LOWER" },
  { name: "2-D NHWC / HWIO, stride [2, 1], explicit pads", l: [1, 7, 6, 2], r: [3, 2, 2, 3], specs: ["NHWC", "HWIO", "NHWC"], strides: [2, 1], padding: [[1, 2], [0, 1]] },
  { name: "2-D, negative pads crop", l: [1, 2, 7, 7], r: [2, 2, 2, 2], strides: [1, 2], padding: [[-1, 0], [1, -2]] },
  { name: "2-D, rhs dilation (atrous), SAME", l: [1, 2, 8, 7], r: [3, 2, 3, 2], strides: [1, 1], padding: "SAME", rd: [2, 3] },
  { name: "2-D, lhs dilation", l: [2, 2, 4, 3], r: [2, 2, 3, 2], strides: [1, 2], padding: [[2, 1], [1, 1]], ld: [2, 3] },
  { name: "2-D, lhs and rhs dilation and stride, explicit pads", l: [1, 3, 5, 5], r: [2, 3, 2, 3], strides: [2, 3], padding: [[1, 0], [2, 2]], ld: [2, 1], rd: [1, 2] },
  { name: "2-D, feature groups", l: [2, 6, 5, 5], r: [4, 3, 3, 3], strides: [1, 1], padding: "VALID", G: 2 },
  { name: "2-D, depthwise NHWC", l: [1, 5, 5, 4], r: [3, 3, 1, 8], specs: ["NHWC", "HWIO", "NHWC"], strides: [1, 1], padding: "SAME", G: 4 },
  { name: "2-D, batch groups", l: [4, 3, 5, 4], r: [6, 3, 2, 2], strides: [1, 1], padding: "VALID", B: 2 },
  { name: "2-D, mixed layouts", l: [3, 5, 2, 4], r: [3, 2, 3, 2], specs: ["CHNW", "IOHW", "WNCH"], strides: [1, 1], padding: [[1, 1], [0, 0]] },
  { name: "1-D NCH, stride 2, SAME", l: [2, 3, 9], r: [2, 3, 4], strides: [2], padding: "SAME" },
  { name: "1-D NHC / HIO, dilated, groups", l: [2, 8, 4], r: [3, 2, 6], specs: ["NHC", "HIO", "NHC"], strides: [1], padding: [[2, 1]], rd: [2], G: 2 },
  { name: "3-D NCDHW, VALID", l: [1, 2, 4, 5, 4], r: [3, 2, 2, 3, 2], strides: [1, 2, 1], padding: "VALID" },
  { name: "3-D NDHWC / DHWIO, SAME, stride 2", l: [1, 5, 4, 4, 2], r: [3, 2, 2, 2, 3], specs: ["NDHWC", "DHWIO", "NDHWC"], strides: [2, 2, 1], padding: "SAME" },
  { name: "3-D, batch groups and lhs dilation", l: [2, 2, 3, 3, 2], r: [4, 2, 2, 2, 1], strides: [1, 1, 1], padding: [[0, 0], [1, 0], [0, 1]], ld: [2, 1, 2], B: 2 },
];

describe("convGeneralDilated against the direct loop", () => {
  for (const c of cases) {
    it(c.name, async () => {
      float64OnWasm();
      const r = rng(c.name.length * 7 + c.l.length);
      const x = randData(r, size(c.l));
      const w = randData(r, size(c.r));
      const ref = reference(c, x, w);
      const out = convOf(c)(f64(x, c.l), f64(w, c.r));
      await expectClose(out, f64(ref.data, ref.shape), { rtol: 1e-12, atol: 1e-12 });
    });
  }

  it("float32, on the backend's own kernels (NHWC / HWIO, SAME)", async () => {
    const c = cases[2]!;
    const r = rng(5);
    const x = randData(r, size(c.l));
    const w = randData(r, size(c.r));
    const ref = reference(c, x, w);
    const out = lax.convGeneralDilated(sg.tensor(Float32Array.from(x), c.l), sg.tensor(Float32Array.from(w), c.r), [1, 1], "SAME", {
      dimensionNumbers: ["NHWC", "HWIO", "NHWC"],
    });
    expect(out.dtype).toBe("float32");
    await expectClose(out as unknown as T, ref.data, { rtol: 1e-5, atol: 1e-5 });
  });

  it("float32 with 16 channels and its gradients (row copies of the padded input and of the windows)", async () => {
    const c: Case = { name: "f32-16", l: [2, 5, 6, 16], r: [3, 3, 16, 4], specs: ["NHWC", "HWIO", "NHWC"], strides: [1, 1], padding: "SAME" };
    const r = rng(6);
    const x = randData(r, size(c.l));
    const w = randData(r, size(c.r));
    const ref = reference(c, x, w);
    const f = (a: T, b: T) => lax.convGeneralDilated(a as never, b as never, [1, 1], "SAME", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] }) as unknown as T;
    const X = sg.tensor(Float32Array.from(x), c.l) as unknown as T;
    const W = sg.tensor(Float32Array.from(w), c.r) as unknown as T;
    await expectClose(jit(f)(X, W) as T, ref.data, { rtol: 1e-5, atol: 1e-5 });
    // the gradients of sum(conv): conv is linear, so a unit bump of one input changes the sum by exactly its gradient
    const [gx, gw] = jit(grad((a: T, b: T) => sg.sum(f(a, b) as never) as unknown as T, { argnums: [0, 1] }))(X, W) as T[];
    const dx = new Array<number>(size(c.l)).fill(0);
    const dw = new Array<number>(size(c.r)).fill(0);
    for (const i of [0, 17, 95, size(c.l) - 1]) {
      const xp = [...x];
      xp[i]! += 1;
      dx[i] = reference(c, xp, w).data.reduce((a, v, j) => a + v - ref.data[j]!, 0);
      expect(Math.abs((await flat(gx!))[i]! - dx[i]!)).toBeLessThan(1e-3);
    }
    for (const i of [0, 33, size(c.r) - 1]) {
      const wp = [...w];
      wp[i]! += 1;
      dw[i] = reference(c, x, wp).data.reduce((a, v, j) => a + v - ref.data[j]!, 0);
      expect(Math.abs((await flat(gw!))[i]! - dw[i]!)).toBeLessThan(1e-3);
    }
  });

  it("lax.conv is the default-layout convolution", async () => {
    float64OnWasm();
    const c: Case = { name: "conv", l: [2, 2, 5, 4], r: [3, 2, 2, 2], strides: [2, 1], padding: "SAME" };
    const r = rng(9);
    const x = randData(r, size(c.l));
    const w = randData(r, size(c.r));
    const ref = reference(c, x, w);
    const out = lax.conv(f64(x, c.l) as never, f64(w, c.r) as never, [2, 1], "SAME") as unknown as T;
    await expectClose(out, f64(ref.data, ref.shape), { rtol: 1e-12, atol: 1e-12 });
  });
});

describe("random configurations against the direct loop", () => {
  // every combination drawn at random: rank, strides, padding kind, both dilations, groups of
  // either kind, and a random layout for each operand (checked with their gradients for some)
  const r = rng(2024);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const shuffle = <X>(xs: X[]): X[] => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  const random: Case[] = Array.from({ length: 40 }, (_, t) => {
    const s = int(1, 3);
    const sp = "HWD".slice(0, s).split("");
    const mode = int(0, 2); // 0 none, 1 feature groups, 2 batch groups
    const G = mode === 1 ? int(2, 3) : 1;
    const B = mode === 2 ? 2 : 1;
    const N = B * int(1, 2);
    const Cg = int(1, 2);
    const O = (mode === 1 ? G : B) * int(1, 2);
    const H = sp.map(() => int(1, s === 3 ? 4 : 6));
    const Kd = sp.map(() => int(1, 3));
    const ld = sp.map(() => int(1, 2));
    // string padding only without input dilation (JAX refuses it)
    const kind = ld.some((d) => d > 1) ? 2 : int(0, 2);
    const padding: Pads = kind === 0 ? (r() < 0.5 ? "SAME" : "SAME_LOWER") : kind === 1 ? "VALID" : sp.map(() => [int(-1, 2), int(-1, 2)] as [number, number]);
    const specs: [string, string, string] = [shuffle(["N", "C", ...sp]).join(""), shuffle(["O", "I", ...sp]).join(""), shuffle(["N", "C", ...sp]).join("")];
    const dims: Record<string, number> = { N, C: G * Cg, O, I: Cg };
    sp.forEach((ch, i) => (dims[ch] = H[i]!));
    const l = [...specs[0]].map((ch) => dims[ch]!);
    const rr = [...specs[1]].map((ch) => (ch === "O" || ch === "I" ? dims[ch]! : Kd[sp.indexOf(ch)]!));
    return {
      name: `#${t}: ${specs.join(" ")} l=[${l}] r=[${rr}] G=${G} B=${B}`,
      l,
      r: rr,
      specs,
      strides: sp.map(() => int(1, 2)),
      padding,
      ld,
      rd: sp.map(() => int(1, 2)),
      G,
      B,
    };
  });
  for (const [i, c] of random.entries()) {
    it(c.name, async () => {
      float64OnWasm();
      const rr = rng(i + 1);
      const x = randData(rr, size(c.l));
      const w = randData(rr, size(c.r));
      const ref = reference(c, x, w);
      const X = f64(x, c.l);
      const W = f64(w, c.r);
      await expectClose(convOf(c)(X, W), f64(ref.data, ref.shape), { rtol: 1e-12, atol: 1e-12 });
      if (i % 4 === 0 && size(ref.shape) > 0) {
        const ct = f64(randData(rr, size(ref.shape)), ref.shape);
        const f = scalarize(convOf(c), ct);
        const [gx, gw] = grad(f, { argnums: [0, 1] })(X, W) as T[];
        await expectClose(gx!, await flat(await fdJacobian(f, [X, W], 0)), { rtol: 1e-6, atol: 1e-8 });
        await expectClose(gw!, await flat(await fdJacobian(f, [X, W], 1)), { rtol: 1e-6, atol: 1e-8 });
      }
    });
  }
});

describe("convTranspose", () => {
  // the transpose of a strided convolution: <convT(y, k), x> = <y, conv(x, k)> for the same kernel
  for (const padding of ["SAME", "VALID"] as const) {
    it(`is the adjoint of a strided convolution (${padding}, transposeKernel)`, async () => {
      float64OnWasm();
      const r = rng(padding.length);
      const specs: [string, string, string] = ["NHWC", "HWIO", "NHWC"];
      const xShape = [1, 6, 6, 2];
      const k = f64(randData(r, 3 * 3 * 2 * 3), [3, 3, 2, 3]);
      const x = f64(randData(r, size(xShape)), xShape);
      const y = lax.convGeneralDilated(x as never, k as never, [2, 2], padding, { dimensionNumbers: specs }) as unknown as T;
      const ct = f64(randData(r, size(y.shape)), y.shape);
      const back = lax.convTranspose(ct as never, k as never, [2, 2], padding, { transposeKernel: true }) as unknown as T;
      // SAME gives H·s; VALID gives H·s + max(k - s, 0): in both cases the input grid or more
      const expectedH = padding === "SAME" ? y.shape[1]! * 2 : y.shape[1]! * 2 + 1;
      expect(back.shape).toEqual([1, expectedH, expectedH, 2]);
      const g = grad((xx: T) => sg.sum(sg.mul(lax.convGeneralDilated(xx as never, k as never, [2, 2], padding, { dimensionNumbers: specs }) as never, ct as never) as never))(x) as T;
      // the gradient is the transposed convolution on the input grid (VALID: the rows no window reaches get 0)
      const gv = await flat(g);
      const bv = await flat(back);
      for (let h = 0; h < 6; h++)
        for (let ww = 0; ww < 6; ww++)
          for (let ch = 0; ch < 2; ch++) {
            const want = h < expectedH && ww < expectedH ? bv[(h * expectedH + ww) * 2 + ch]! : 0;
            expect(Math.abs(want - gv[(h * 6 + ww) * 2 + ch]!)).toBeLessThan(1e-12);
          }
    });
  }

  it("matches the direct loop as a dilated convolution (default NHWC / HWIO)", async () => {
    float64OnWasm();
    const r = rng(3);
    const x = randData(r, 1 * 3 * 4 * 2);
    const w = randData(r, 2 * 3 * 2 * 3);
    // JAX: conv_transpose = conv_general_dilated(lhs, rhs, 1s, pads, lhs_dilation=strides)
    // with SAME pads for k = 2, s = 2: pad_len = 2, pad_a = 1 (s > k - 1), and for k = 3, s = 1: [1, 1]
    const c: Case = { name: "t", l: [1, 3, 4, 2], r: [2, 3, 2, 3], specs: ["NHWC", "HWIO", "NHWC"], strides: [1, 1], padding: [[1, 1], [1, 1]], ld: [2, 1] };
    const ref = reference(c, x, w);
    const out = lax.convTranspose(f64(x, c.l) as never, f64(w, c.r) as never, [2, 1], "SAME") as unknown as T;
    expect(out.shape).toEqual([1, 6, 4, 3]);
    await expectClose(out, f64(ref.data, ref.shape), { rtol: 1e-12, atol: 1e-12 });
  });
});

describe("derivatives", () => {
  const gcases = cases.filter((c) => size(c.l) <= 200 && size(c.r) <= 60);
  for (const c of gcases) {
    it(`grad of both operands vs finite differences: ${c.name}`, async () => {
      float64OnWasm();
      const r = rng(c.name.length);
      const x = f64(randData(r, size(c.l)), c.l);
      const w = f64(randData(r, size(c.r)), c.r);
      const y = convOf(c)(x, w);
      const ct = f64(randData(r, size(y.shape)), y.shape);
      const f = scalarize(convOf(c), ct);
      const [gx, gw] = grad(f, { argnums: [0, 1] })(x, w) as T[];
      await expectClose(gx!, await flat(await fdJacobian(f, [x, w], 0)), { rtol: 1e-6, atol: 1e-8 });
      await expectClose(gw!, await flat(await fdJacobian(f, [x, w], 1)), { rtol: 1e-6, atol: 1e-8 });
    });
  }

  it("jvp is linear in each operand (forward mode vs finite differences)", async () => {
    float64OnWasm();
    const c = cases[3]!;
    const r = rng(21);
    const x = f64(randData(r, size(c.l)), c.l);
    const w = f64(randData(r, size(c.r)), c.r);
    const tx = f64(randData(r, size(c.l)), c.l);
    const tw = f64(randData(r, size(c.r)), c.r);
    const [, t] = sg.jvp(convOf(c) as never, [x, w] as never, [tx, tw] as never) as unknown as [T, T];
    const h = 1e-6;
    const bump = async (a: T, d: T, s: number) => f64((await mapSeq((await flat(a)), async (v, i) => v + s * h * (await flat(d))[i]!)), a.shape);
    const fd = (await mapSeq((await flat(convOf(c)(await bump(x, tx, 1), await bump(w, tw, 1)))), async (v, i) => (v - (await flat(convOf(c)(await bump(x, tx, -1), await bump(w, tw, -1))))[i]!) / (2 * h)));
    await expectClose(t, fd, { rtol: 1e-6, atol: 1e-8 });
  });

  it("second order: grad of grad (the transposed convolutions are differentiable)", async () => {
    float64OnWasm();
    const c = cases[1]!;
    const r = rng(4);
    const x = f64(randData(r, size(c.l)), c.l);
    const w = f64(randData(r, size(c.r)), c.r);
    // d/dw of sum(grad_x(sum(conv(x, w)^2)))
    const inner = (xx: T, ww: T) => sg.sum(sg.square(convOf(c)(xx, ww) as never) as never) as unknown as T;
    const outer = (xx: T, ww: T) => sg.sum(grad(inner)(xx, ww) as never) as unknown as T;
    const g = grad(outer, { argnums: 1 })(x, w) as T;
    await expectClose(g, await flat(await fdJacobian(outer, [x, w], 1)), { rtol: 1e-5, atol: 1e-7 });
  });
});

describe("vmap", () => {
  const vcases = [cases[1]!, cases[3]!, cases[8]!, cases[10]!, cases[13]!];
  for (const c of vcases) {
    for (const which of ["lhs", "rhs", "both"] as const) {
      it(`over ${which}: ${c.name}`, async () => {
        float64OnWasm();
        const r = rng(c.name.length + which.length);
        const V = 3;
        const xs = f64(randData(r, V * size(c.l)), [V, ...c.l]);
        const ws = f64(randData(r, V * size(c.r)), [V, ...c.r]);
        const x1 = take(xs, 0, 0);
        const w1 = take(ws, 0, 0);
        const f = convOf(c);
        const inAxes = which === "lhs" ? [0, null] : which === "rhs" ? [null, 0] : [0, 0];
        const got = vmap(f, { inAxes })(which === "rhs" ? x1 : xs, which === "lhs" ? w1 : ws) as T;
        const want = stackAt(
          Array.from({ length: V }, (_, i) => f(which === "rhs" ? x1 : take(xs, i, 0), which === "lhs" ? w1 : take(ws, i, 0))),
          0,
        );
        await expectClose(got, want, { rtol: 1e-12, atol: 1e-12 });
      });
    }
  }

  it("grad inside vmap (per-example kernel gradients)", async () => {
    float64OnWasm();
    const c = cases[2]!;
    const r = rng(8);
    const xs = f64(randData(r, 2 * size(c.l)), [2, ...c.l]);
    const w = f64(randData(r, size(c.r)), c.r);
    const loss = (x: T, ww: T) => sg.sum(sg.square(convOf(c)(x, ww) as never) as never) as unknown as T;
    const got = vmap((x: T) => grad(loss, { argnums: 1 })(x, w), { inAxes: [0] })(xs) as T;
    const want = stackAt([0, 1].map((i) => grad(loss, { argnums: 1 })(take(xs, i, 0), w) as T), 0);
    await expectClose(got, want, { rtol: 1e-10, atol: 1e-10 });
  });
});

describe("jit", () => {
  it("a jitted conv-relu-conv forward and backward matches eager", async () => {
    float64OnWasm();
    const r = rng(12);
    const specs: [string, string, string] = ["NHWC", "HWIO", "NHWC"];
    const x = f64(randData(r, 2 * 6 * 6 * 3), [2, 6, 6, 3]);
    const k1 = f64(randData(r, 3 * 3 * 3 * 4), [3, 3, 3, 4]);
    const k2 = f64(randData(r, 2 * 2 * 4 * 2), [2, 2, 4, 2]);
    const f = (a: T, b: T, c: T) => {
      const h = sg.relu(lax.convGeneralDilated(a as never, b as never, [1, 1], "SAME", { dimensionNumbers: specs }) as never);
      return sg.sum(sg.square(lax.convGeneralDilated(h as never, c as never, [2, 2], "VALID", { dimensionNumbers: specs }) as never) as never) as unknown as T;
    };
    const g = grad(f, { argnums: [0, 1, 2] });
    const eager = g(x, k1, k2) as T[];
    const jg = jit(g);
    const jitted = jg(x, k1, k2) as T[];
    await eachSeq(eager, async (e, i) => await expectClose(jitted[i]!, e, { rtol: 1e-12, atol: 1e-12 }));
    await expectClose(jit(f)(x, k1, k2) as T, f(x, k1, k2), { rtol: 1e-12, atol: 1e-12 });
  });
});

describe("run-time checks (dims typed number)", () => {
  const $ = (s: number[]) => sg.zeros(s as number[]);
  const err = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      return (e as Error).message;
    }
    return "no error";
  };
  it("names both shapes", () => {
    expect(err(() => lax.convGeneralDilated($([8, 3, 28, 28]), $([16, 4, 3, 3]), [1, 1], "VALID"))).toBe(
      "convGeneralDilated: lhs [8, 3, 28, 28] has 3 input features, rhs [16, 4, 3, 3] expects 4 × 1 feature groups",
    );
    expect(err(() => lax.convGeneralDilated($([8, 6, 28, 28]), $([15, 3, 3, 3]), [1, 1], "VALID", { featureGroupCount: 2 }))).toBe(
      "convGeneralDilated: featureGroupCount 2 does not divide the 15 output features of rhs [15, 3, 3, 3] (lhs [8, 6, 28, 28])",
    );
    expect(err(() => lax.conv($([8, 3, 28]), $([16, 3, 3, 3]), [1, 1], "VALID"))).toBe("conv: lhs [8, 3, 28] and rhs [16, 3, 3, 3] differ in rank (3 vs 4)");
    // as JAX: string padding is refused with input dilation
    expect(err(() => lax.convGeneralDilated($([1, 2, 5, 5]), $([2, 2, 3, 3]), [1, 1], "SAME", { lhsDilation: [2, 2] }))).toBe(
      "convGeneralDilated: string padding SAME needs lhsDilation 1, got [2, 2] (give explicit pads, or use convTranspose)",
    );
  });
});
