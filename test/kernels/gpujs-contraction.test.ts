// The gpu.js blocked contraction kernel (src/backend/gpujs/contraction.ts) on its edges: inner
// output dims that are not a multiple of the block (4, 2, 1 outputs per thread), contractions
// shorter than the unroll or with a remainder, none at all, batch dims, transposed operands, one
// buffer on both sides, a shape left to the plain kernel, copies folded into operands and
// epilogues fused; each against a float64 loop over dot_general's definition, on gpu.js's cpu
// and webasm modes, and on WebGPU where an adapter answers (SwiftShader: see bench/gpu-check.ts),
// there both as WGSL shaders (wgsl-matmul.ts, the default) and as gpu.js kernels.
import * as gpujs from "gpu.js";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import { GpuJsBackend, gpujsCpu, gpujsWebasm, gpujsWebgpu } from "../../src/backend/gpujs/backend.js";
import { generate } from "../../src/backend/gpujs/codegen.js";
import { planContractions } from "../../src/backend/gpujs/contraction.js";
import { HARDWARE_TILES, SOFTWARE_TILES, wgslContraction } from "../../src/backend/gpujs/wgsl-matmul.js";
import { probeWebGPU } from "../../src/backend/gpujs/webgpu-node.js";
import { HostArray } from "../../src/ir/host-array.js";
import { stridesOf } from "../../src/ir/aval.js";
import { K, freeAxes, type ContractionDims, type Expr, type Kernel, type Operand, type Program } from "../../src/ir/kernel.js";
import { rand } from "./data.js";



const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** dot_general by its definition: output [batch, lhs free, rhs free], summed over the contracted pairs. */
function dotGeneral(x: Float32Array, xs: readonly number[], y: Float32Array, ys: readonly number[], d: ContractionDims): { data: Float64Array; shape: number[] } {
  const [lc, rc] = d.contract;
  const [lb, rb] = d.batch;
  const lf = freeAxes(xs.length, lc, lb);
  const rf = freeAxes(ys.length, rc, rb);
  const shape = [...lb.map((i) => xs[i]!), ...lf.map((i) => xs[i]!), ...rf.map((i) => ys[i]!)];
  const cshape = lc.map((i) => xs[i]!);
  const xst = stridesOf(xs);
  const yst = stridesOf(ys);
  const out = new Float64Array(size(shape));
  const unflat = (f: number, s: readonly number[]) => {
    const idx = new Array<number>(s.length);
    for (let a = s.length - 1; a >= 0; a--) {
      idx[a] = f % s[a]!;
      f = Math.floor(f / s[a]!);
    }
    return idx;
  };
  for (let o = 0; o < out.length; o++) {
    const oi = unflat(o, shape);
    let acc = 0;
    for (let c = 0; c < size(cshape); c++) {
      const ci = unflat(c, cshape);
      const xi = new Array<number>(xs.length).fill(0);
      const yi = new Array<number>(ys.length).fill(0);
      lb.forEach((a, t) => ((xi[a] = oi[t]!), (yi[rb[t]!] = oi[t]!)));
      lf.forEach((a, t) => (xi[a] = oi[lb.length + t]!));
      rf.forEach((a, t) => (yi[a] = oi[lb.length + lf.length + t]!));
      lc.forEach((a, t) => ((xi[a] = ci[t]!), (yi[rc[t]!] = ci[t]!)));
      acc += x[xi.reduce((s, v, a) => s + v * xst[a]!, 0)]! * y[yi.reduce((s, v, a) => s + v * yst[a]!, 0)]!;
    }
    out[o] = acc;
  }
  return { data: out, shape };
}

const MM: ContractionDims = { contract: [[1], [0]], batch: [[], []] };

/** dot_general's output shape: [batch, lhs free, rhs free]. */
const outShape = (c: { xs: readonly number[]; ys: readonly number[]; dims: ContractionDims }) => [
  ...c.dims.batch[0].map((i) => c.xs[i]!),
  ...freeAxes(c.xs.length, c.dims.contract[0], c.dims.batch[0]).map((i) => c.xs[i]!),
  ...freeAxes(c.ys.length, c.dims.contract[1], c.dims.batch[1]).map((i) => c.ys[i]!),
];

interface Case {
  readonly name: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly dims: ContractionDims;
}

const cases: Case[] = [
  // inner output dim n = 8, 6, 5 (4, 2 and 1 outputs per thread); contracted length 7, 9, 3 (below, past and below the unroll of 8)
  { name: "[5,7]@[7,8]", xs: [5, 7], ys: [7, 8], dims: MM },
  { name: "[3,9]@[9,6]", xs: [3, 9], ys: [9, 6], dims: MM },
  { name: "[4,3]@[3,5]", xs: [4, 3], ys: [3, 5], dims: MM },
  { name: "[2,16]@[16,12] (no remainder)", xs: [2, 16], ys: [16, 12], dims: MM },
  { name: "[1,1]@[1,1]", xs: [1, 1], ys: [1, 1], dims: MM },
  { name: "outer product [7,1]@[1,4] (nothing left to contract)", xs: [7, 1], ys: [1, 4], dims: MM },
  { name: "empty contraction [3,0]@[0,4]", xs: [3, 0], ys: [0, 4], dims: MM },
  { name: "matrix-vector [6,5]@[5]", xs: [6, 5], ys: [5], dims: MM },
  { name: "vector dot [11]·[11] (rank-0 output)", xs: [11], ys: [11], dims: { contract: [[0], [0]], batch: [[], []] } },
  { name: "batched [2,3,5]@[2,5,4]", xs: [2, 3, 5], ys: [2, 5, 4], dims: { contract: [[2], [1]], batch: [[0], [0]] } },
  { name: "transposed lhs [5,3]ᵀ@[5,6]", xs: [5, 3], ys: [5, 6], dims: { contract: [[0], [0]], batch: [[], []] } },
  { name: "transposed rhs [3,5]@[10,5]ᵀ", xs: [3, 5], ys: [10, 5], dims: { contract: [[1], [1]], batch: [[], []] } },
  { name: "two contracted dims [3,4,5]·[4,5,6]", xs: [3, 4, 5], ys: [4, 5, 6], dims: { contract: [[1, 2], [0, 1]], batch: [[], []] } },
  { name: "contracted dims that do not merge [4,3,5]·[5,3,2]", xs: [4, 3, 5], ys: [5, 3, 2], dims: { contract: [[1, 2], [1, 0]], batch: [[], []] } },
  { name: "batch in the middle [3,2,5]·[2,5,4]", xs: [3, 2, 5], ys: [2, 5, 4], dims: { contract: [[2], [1]], batch: [[1], [0]] } },
  // four output dims that do not merge: left to the plain kernel
  { name: "four output dims [2,3,5,4]·[2,5,6]", xs: [2, 3, 5, 4], ys: [2, 5, 6], dims: { contract: [[2], [1]], batch: [[0], [0]] } },
];

/** One contraction, as a program over buffers 0 (lhs), 1 (rhs), 2 (out). */
function contractionProgram(c: Case, outShape: readonly number[]): Program {
  return {
    buffers: [
      { shape: c.xs, dtype: "float32" },
      { shape: c.ys, dtype: "float32" },
      { shape: outShape, dtype: "float32" },
    ],
    inputs: [0, 1],
    kernels: [{ kind: "contraction", out: 2, lhs: 0, rhs: 1, dims: c.dims }],
    outputs: [2],
  };
}

async function run(
  b: GpuJsBackend,
  p: Program,
  inputs: readonly Float32Array[],
): Promise<{ outs: Float32Array[]; launches: number; hostGraphs: number; wgsl: number; wgslLarge: number; wgslQuads: number; kernels: number }> {
  const before = { ...b.stats };
  const ins = inputs.map((d, i) => b.fromHost(new HostArray(d, p.buffers[p.inputs[i]!]!.shape, "float32")));
  const outs = await Promise.all(b.run(p, ins).map(async (o) => (await b.toHost(o)).data as Float32Array));
  const d = (k: "launches" | "hostGraphs" | "wgsl" | "wgslLarge" | "wgslQuads" | "kernels") => b.stats[k] - before[k];
  return { outs, launches: d("launches"), hostGraphs: d("hostGraphs"), wgsl: d("wgsl"), wgslLarge: d("wgslLarge"), wgslQuads: d("wgslQuads"), kernels: d("kernels") };
}

/**
 * Case c on backend b: its inputs seeded by `sx`, `sy` (plus their sizes), its program, the run,
 * the float64 result and the contracted length (the tolerance's scale).
 */
async function runCase(b: GpuJsBackend, c: Case, sx: number, sy: number) {
  const x = rand(size(c.xs), sx + size(c.xs));
  const y = rand(size(c.ys), sy + size(c.ys));
  const want = dotGeneral(x, c.xs, y, c.ys, c.dims);
  const p = contractionProgram(c, want.shape);
  const r = await run(b, p, [x, y]);
  return { p, r, want, k: c.dims.contract[0].reduce((s, a) => s * c.xs[a]!, 1) };
}

/** The WGSL kernel of a program's one contraction, in a given form. */
const wgslOf = (p: Program, tiles: readonly (readonly [number, number])[] = HARDWARE_TILES, quads = false) =>
  wgslContraction(p.kernels[0] as Extract<Kernel, { kind: "contraction" }>, p, {}, 65535, tiles, quads);

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, k: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  const tol = 2e-6 * Math.sqrt(Math.max(k, 1));
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) throw new Error(`${what}: element ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

const webgpu = (await gpujsWebgpu.ready(4000)) === null;
/** [name, backend, contractions as WGSL shaders (webgpu only)] */
const modes: [string, GpuJsBackend, boolean][] = [
  ["gpujs:cpu", gpujsCpu, false],
  ["gpujs:webasm", gpujsWebasm, false],
  ...(webgpu
    ? [
        ["gpujs:webgpu", gpujsWebgpu, true] as [string, GpuJsBackend, boolean],
        ["gpujs:webgpu (gpu.js kernels)", gpujsWebgpu, false] as [string, GpuJsBackend, boolean],
      ]
    : []),
];

it.runIf(/^(1|true)$/i.test(process.env["CI"] ?? ""))("has a WebGPU adapter under CI=true (the WebGPU cases must not quietly vanish)", () => {
  expect(webgpu).toBe(true);
});

describe("the blocked form", () => {
  it("takes 4, 2 or 1 outputs per thread by the inner output dim, with integer index math", () => {
    for (const [c, blocks] of [
      [cases[0]!, 4],
      [cases[1]!, 2],
      [cases[2]!, 1],
    ] as const) {
      const { shape } = dotGeneral(new Float32Array(size(c.xs)), c.xs, new Float32Array(size(c.ys)), c.ys, c.dims);
      const p = contractionProgram(c, shape);
      const g = generate(p.kernels[0]!, p, "webgpu");
      expect(g.ok).toBe(true);
      if (!g.ok) continue;
      expect(g.kernel.components, c.name).toBe(blocks);
      // no float index: every index is built from thread ids, loop counters and integer literals
      expect(g.kernel.body).not.toMatch(/\//);
      expect(g.kernel.body).toMatch(/this\.thread\.y/);
    }
  });

  it("leaves a contraction whose thread grid passes WebGPU's 65535 workgroups of 8 per dim along x to the plain kernel", () => {
    // [4,1]@[1,2^21]: 2^19 blocks of 4 along x, past 65535 · 8; 2^21 - 32 columns are the most that fit
    const at = (n: number) => {
      const p = contractionProgram({ name: "", xs: [4, 1], ys: [1, n], dims: MM }, [4, n]);
      const g = generate(p.kernels[0]!, p, "webgpu");
      return g.ok ? g.kernel.output : "failed";
    };
    expect(at(2 ** 21)).toBe(undefined);
    expect(at(2 ** 21 - 32)).toEqual([524280, 4]);
  });

  it("leaves a contraction with four unmergeable output dims to the plain kernel", () => {
    const c = cases.find((x) => x.name.startsWith("four output dims"))!;
    const { shape } = dotGeneral(new Float32Array(size(c.xs)), c.xs, new Float32Array(size(c.ys)), c.ys, c.dims);
    const p = contractionProgram(c, shape);
    const g = generate(p.kernels[0]!, p, "webgpu");
    expect(g.ok && g.kernel.output).toBe(undefined);
  });
});

describe("planning", () => {
  // a matmul [4,3]@[3,4] followed by an elementwise kernel over its result and `extra` other inputs
  const plan = (extra: number) => {
    const buffers: Program["buffers"][number][] = [
      { shape: [4, 3], dtype: "float32" },
      { shape: [3, 4], dtype: "float32" },
      { shape: [4, 4], dtype: "float32" },
    ];
    const ins = Array.from({ length: extra }, () => buffers.push({ shape: [4], dtype: "float32" }) - 1);
    const out = buffers.push({ shape: [4, 4], dtype: "float32" }) - 1;
    let expr: Expr = K.input(0);
    ins.forEach((_, i) => (expr = K.add(expr, K.input(i + 1))));
    const p: Program = {
      buffers,
      inputs: [0, 1, ...ins],
      kernels: [
        { kind: "contraction", out: 2, lhs: 0, rhs: 1, dims: MM },
        { kind: "elementwise", out, expr, inputs: [{ buffer: 2, view: { shape: [4, 4], strides: [4, 1], offset: 0 } }, ...ins.map((b) => ({ buffer: b, view: { shape: [4, 4], strides: [0, 1], offset: 0 } }))] },
      ],
      outputs: [out],
    };
    return planContractions(p).map((s) => s.kind);
  };

  it("fuses an epilogue while the kernel reads at most 7 buffers (WebGPU's 8 per stage, one written)", () => {
    expect(plan(5)).toEqual(["contraction"]);
    expect(plan(6)).toEqual(["kernel", "kernel"]);
  });
});

for (const [name, b, wgsl] of modes) {
  describe(`${name}: blocked contractions against a float64 loop`, () => {
    // plans are cached per program and every test builds its own, so the switch applies to each
    beforeAll(() => void (b.wgslContractions = wgsl));
    afterAll(() => void (b.wgslContractions = true));
    for (const c of cases) {
      it(c.name, async () => {
        const { r, want, k } = await runCase(b, c, 3, 7);
        expect(r.hostGraphs).toBe(0);
        if (want.data.length) expect(r.launches).toBe(1);
        // every case but the four unmergeable output dims is a WGSL kernel where those are on
        if (want.data.length) expect(r.wgsl).toBe(wgsl && !c.name.startsWith("four output dims") ? 1 : 0);
        expectClose(r.outs[0]!, want.data, k, `${name} ${c.name}`);
      });
    }

    it("one buffer on both sides: x @ xᵀ", async () => {
      const x = rand(6 * 9, 5);
      const p: Program = {
        buffers: [
          { shape: [6, 9], dtype: "float32" },
          { shape: [6, 6], dtype: "float32" },
        ],
        inputs: [0],
        kernels: [{ kind: "contraction", out: 1, lhs: 0, rhs: 0, dims: { contract: [[1], [1]], batch: [[], []] } }],
        outputs: [1],
      };
      const want = dotGeneral(x, [6, 9], x, [6, 9], { contract: [[1], [1]], batch: [[], []] });
      expectClose((await run(b, p, [x])).outs[0]!, want.data, 9, `${name} x @ xᵀ`);
    });

    // bias + tanh after a matmul whose operands are a transposed copy and a unit-dim reshape copy
    const m = 6;
    const kk = 5;
    const n = 8;
    const viewT: Operand = { buffer: 0, view: { shape: [m, kk], strides: [1, m], offset: 0 } };
    const bias: Operand = { buffer: 2, view: { shape: [m, n], strides: [0, 1], offset: 0 } };
    const self = (buffer: number): Operand => ({ buffer, view: { shape: [m, n], strides: [n, 1], offset: 0 } });
    const epi: Expr = K.tanh(K.add(K.input(0), K.input(1)));
    const program = (outputs: number[]): Program => ({
      buffers: [
        { shape: [kk, m], dtype: "float32" }, // 0: lhs, transposed
        { shape: [kk, n], dtype: "float32" }, // 1: rhs
        { shape: [n], dtype: "float32" }, // 2: bias
        { shape: [m, kk], dtype: "float32" }, // 3: lhs copy
        { shape: [1, kk, n], dtype: "float32" }, // 4: rhs copy with a unit dim
        { shape: [m, 1, n], dtype: "float32" }, // 5: product (the rhs copy's unit dim stays)
        { shape: [m, n], dtype: "float32" }, // 6: tanh(product + bias)
      ],
      inputs: [0, 1, 2],
      kernels: [
        { kind: "elementwise", out: 3, expr: K.input(0), inputs: [viewT] },
        { kind: "elementwise", out: 4, expr: K.input(0), inputs: [{ buffer: 1, view: { shape: [1, kk, n], strides: [0, n, 1], offset: 0 } }] },
        { kind: "contraction", out: 5, lhs: 3, rhs: 4, dims: { contract: [[1], [1]], batch: [[], []] } },
        { kind: "elementwise", out: 6, expr: epi, inputs: [self(5), bias] },
      ] as Kernel[],
      outputs,
    });
    const xT = rand(kk * m, 11);
    const w = rand(kk * n, 12);
    const bv = rand(n, 13);
    const want = () => {
      const x = new Float32Array(m * kk);
      for (let i = 0; i < m; i++) for (let p = 0; p < kk; p++) x[i * kk + p] = xT[p * m + i]!;
      const prod = dotGeneral(x, [m, kk], w, [kk, n], MM).data;
      return { prod, act: prod.map((v, i) => Math.tanh(v + bv[i % n]!)) };
    };

    it(wgsl ? "folds operand copies and a bias + tanh epilogue into one WGSL kernel" : "folds operand copies and a bias + tanh epilogue into one kernel", async () => {
      const p = program([6]);
      expect(planContractions(p).length).toBe(1);
      const r = await run(b, p, [xT, w, bv]);
      expect(r.launches).toBe(1);
      expect(r.wgsl).toBe(wgsl ? 1 : 0);
      expectClose(r.outs[0]!, want().act, kk, `${name} fused`);
    });

    it("keeps the product when it is also an output (no epilogue), still folding the copies", async () => {
      const p = program([5, 6]);
      expect(planContractions(p).map((s) => s.kind)).toEqual(["contraction", "kernel"]);
      const r = await run(b, p, [xT, w, bv]);
      expect(r.launches).toBe(2);
      expectClose(r.outs[0]!, want().prod, kk, `${name} product`);
      expectClose(r.outs[1]!, want().act, kk, `${name} activation`);
    });
  });
}

// the WGSL kernel's own edges: tiles of 8 rows x 4 columns per invocation, 64 invocations per
// workgroup, the innermost contracted loop unrolled by 4
const tiled: Case[] = [
  { name: "odd sizes [13,7]@[7,11] (tiles past both edges)", xs: [13, 7], ys: [7, 11], dims: MM },
  { name: "[70,37]@[37,45] (several workgroups, remainder of the unroll)", xs: [70, 37], ys: [37, 45], dims: MM },
  { name: "k = 1: [10,1]@[1,9]", xs: [10, 1], ys: [1, 9], dims: MM },
  { name: "large k: [3,2000]@[2000,5]", xs: [3, 2000], ys: [2000, 5], dims: MM },
  { name: "one row [1,20]@[20,30]", xs: [1, 20], ys: [20, 30], dims: MM },
  { name: "one column [30,20]@[20,1]", xs: [30, 20], ys: [20, 1], dims: MM },
  { name: "batched [3,9,6]@[3,6,7]", xs: [3, 9, 6], ys: [3, 6, 7], dims: { contract: [[2], [1]], batch: [[0], [0]] } },
  { name: "transposed lhs [7,10]ᵀ@[7,13]", xs: [7, 10], ys: [7, 13], dims: { contract: [[0], [0]], batch: [[], []] } },
  { name: "transposed rhs [10,7]@[13,7]ᵀ", xs: [10, 7], ys: [13, 7], dims: { contract: [[1], [1]], batch: [[], []] } },
  { name: "batched, both transposed [2,5,9]ᵀ·[2,11,5]ᵀ", xs: [2, 5, 9], ys: [2, 11, 5], dims: { contract: [[1], [2]], batch: [[0], [0]] } },
  { name: "both transposed, k a multiple of 4 [8,16]ᵀ@[12,8]ᵀ", xs: [8, 16], ys: [12, 8], dims: { contract: [[0], [1]], batch: [[], []] } },
  { name: "batched dot products [33,6]·[33,6] (batch along x)", xs: [33, 6], ys: [33, 6], dims: { contract: [[1], [1]], batch: [[0], [0]] } },
  // vec4 loads (operands contiguous along x) and stores (x a multiple of 4)
  { name: "vec4 rhs and stores [21,13]@[13,16]", xs: [21, 13], ys: [13, 16], dims: MM },
  { name: "vec4 stores, scalar loads: [10,7]@[12,7]ᵀ", xs: [10, 7], ys: [12, 7], dims: { contract: [[1], [1]], batch: [[], []] } },
  { name: "both operands as vec4s: batch along x [5,8]·[5,8]", xs: [5, 8], ys: [5, 8], dims: { contract: [[0], [0]], batch: [[1], [1]] } },
  { name: "vec4, batched [3,9,6]@[3,6,8]", xs: [3, 9, 6], ys: [3, 6, 8], dims: { contract: [[2], [1]], batch: [[0], [0]] } },
  // vec4 loads along k (an operand contiguous along the innermost contracted dim, k a multiple of 4)
  { name: "vec4 along k [9,12]@[12,8]", xs: [9, 12], ys: [12, 8], dims: MM },
  { name: "vec4 along k under an outer contracted loop [4,3,8]·[8,3,2]", xs: [4, 3, 8], ys: [8, 3, 2], dims: { contract: [[1, 2], [1, 0]], batch: [[], []] } },
  // vec4 loads along y (an operand contiguous along the output's rows: a transposed lhs, rows a multiple of the tile's)
  { name: "vec4 along y: a transposed lhs [9,16]ᵀ@[9,12]", xs: [9, 16], ys: [9, 12], dims: { contract: [[0], [0]], batch: [[], []] } },
  { name: "vec4 along y, batched [2,6,32]ᵀ·[2,6,8]", xs: [2, 6, 32], ys: [2, 6, 8], dims: { contract: [[1], [1]], batch: [[0], [0]] } },
  // a tile 8 columns wide (a software adapter's): two vec4s per row where X is a multiple of 8
  { name: "two vec4s per tile row [20,10]@[10,24]", xs: [20, 10], ys: [10, 24], dims: MM },
  { name: "rows past the edge, 12 columns [37,9]@[9,12]", xs: [37, 9], ys: [9, 12], dims: MM },
  // nothing to contract: zeros, the operands never read (bound to a 4-byte placeholder) as scalars
  { name: "k = 0 [8,0]@[0,8] (would be vec4 along k and x)", xs: [8, 0], ys: [0, 8], dims: MM },
];

describe.runIf(webgpu)("gpujs:webgpu: WGSL kernels with a software adapter's 16 x 8 tiles, their quads sharing loads", () => {
  // the tile is taken whatever the grid (the only one offered)
  let own: typeof HARDWARE_TILES = HARDWARE_TILES;
  let ownQuads = false;
  beforeAll(async () => {
    // the backend's own choice follows the adapter (SwiftShader's is a software one, with subgroups)
    const p = await probeWebGPU();
    own = gpujsWebgpu.wgslTiles;
    ownQuads = gpujsWebgpu.wgslQuads;
    expect(own).toBe(p.ok && p.software ? SOFTWARE_TILES : HARDWARE_TILES);
    expect(ownQuads).toBe(p.ok && p.software && p.subgroups);
    gpujsWebgpu.wgslTiles = [[16, 8]];
    gpujsWebgpu.wgslQuads = true;
  });
  afterAll(() => {
    gpujsWebgpu.wgslTiles = own;
    gpujsWebgpu.wgslQuads = ownQuads;
  });
  /** whether 16 x 8 tiles give another kernel than the GPU's 8 x 4 (not where the output is at most 8 x 4) */
  const differs = (p: Program) => {
    const k = p.kernels[0] as Extract<Kernel, { kind: "contraction" }>;
    return wgslContraction(k, p, {}, 65535, [[16, 8]])!.code !== wgslContraction(k, p)!.code;
  };
  for (const c of [...tiled, { name: "several tiles each way [70,64]@[64,40]", xs: [70, 64], ys: [64, 40], dims: MM }]) {
    it(c.name, async () => {
      const { p, r, want, k } = await runCase(gpujsWebgpu, c, 15, 19);
      expect(r).toMatchObject({ hostGraphs: 0, launches: 1, wgsl: 1, wgslLarge: differs(p) ? 1 : 0, wgslQuads: wgslOf(p, [[16, 8]], true)!.quads ? 1 : 0 });
      expectClose(r.outs[0]!, want.data, k, c.name);
    });
  }

  // A[m,k] @ a column of W broadcast along n (a copy folded into the rhs, constant along x and y):
  // both operands shared in a quad, their steps swapped (the lhs not read as vec4s along k then)
  const broadcastRhs = (m: number, k: number, n: number, offset: number, stride: number): Program => ({
    buffers: [
      { shape: [m, k], dtype: "float32" },
      { shape: [(k - 1) * stride + offset + 1], dtype: "float32" },
      { shape: [k, n], dtype: "float32" },
      { shape: [m, n], dtype: "float32" },
    ],
    inputs: [0, 1],
    kernels: [
      { kind: "elementwise", out: 2, expr: K.input(0), inputs: [{ buffer: 1, view: { shape: [k, n], strides: [stride, 0], offset } }] },
      { kind: "contraction", out: 3, lhs: 0, rhs: 2, dims: MM },
    ],
    outputs: [3],
  });
  for (const [m, k, n, offset, stride] of [
    [16, 8, 16, 1, 1],
    [16, 8, 16, 0, 3],
    [40, 12, 24, 2, 1],
  ] as const) {
    it(`a broadcast rhs: [${m},${k}] @ column (offset ${offset}, stride ${stride}) broadcast to ${n} columns`, async () => {
      const p = broadcastRhs(m, k, n, offset, stride);
      const plan = planContractions(p);
      expect(plan.map((u) => u.kind)).toEqual(["contraction"]);
      const u = plan[0]!;
      const w = wgslContraction(u.kernel as Extract<Kernel, { kind: "contraction" }>, p, u.kind === "contraction" ? u.parts : {}, 65535, [[16, 8]], true)!;
      expect(w.quads).toBe(true);
      expect(w.code).not.toMatch(/let kv = /);
      expect(w.code).toMatch(/let ku1 = kq \+ \(p \^ 1\);/);
      const x = rand(m * k, 81 + m);
      const col = rand((k - 1) * stride + offset + 1, 83 + k);
      const want = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let t = 0; t < k; t++) acc += x[i * k + t]! * col[t * stride + offset]!;
        for (let j = 0; j < n; j++) want[i * n + j] = acc;
      }
      const r = await run(gpujsWebgpu, p, [x, col]);
      expect(r).toMatchObject({ hostGraphs: 0, launches: 1, wgsl: 1, wgslQuads: 1 });
      expectClose(r.outs[0]!, want, k, "broadcast rhs");
    });
  }

  it("runs a contraction whose software-adapter shaders fail in a GPU's form: that call and later ones, without quads from then on", async () => {
    const [m, k, n] = [40, 24, 32];
    const x = rand(m * k, 61);
    const y = rand(k * n, 62);
    const want = dotGeneral(x, [m, k], y, [k, n], MM).data;
    const p = contractionProgram({ name: "", xs: [m, k], ys: [k, n], dims: MM }, [m, n]);
    expect(differs(p)).toBe(true);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // the device takes the 16 x 8 shaders of this matmul, with quads and without (the only ones with
    // 3 rows of 16-row tiles, the last clamped to row 39), without their entry point, so their pipelines are rejected
    const proto = (globalThis as unknown as { GPUDevice: { prototype: { createShaderModule(d: { code: string }): unknown } } }).GPUDevice.prototype;
    const make = proto.createShaderModule;
    const mark = (code: string) => code.includes("let oy = gy * 16;") && code.includes("min(r15, 39)");
    const shader = vi.spyOn(proto, "createShaderModule").mockImplementation(function (this: unknown, d) {
      return make.call(this, mark(d.code) ? { ...d, code: d.code.replace("fn main(", "fn broken(") } : d);
    });
    try {
      // the first call: the 16 x 8 shader with quads, rejected (and quads with it), then the one
      // without, rejected too, then the 8 x 4 one
      const first = await run(gpujsWebgpu, p, [x, y]);
      expect(first).toMatchObject({ hostGraphs: 0, wgsl: 3, wgslLarge: 2, wgslQuads: 1, launches: 3 });
      expectClose(first.outs[0]!, want, k, "the failing call");
      expect(gpujsWebgpu.wgslQuads).toBe(false);
      const said = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("software-adapter form"));
      expect(said.length).toBe(2);
      expect(said[0]).toMatch(/\(16x8 tile, quads\) failed \(.*\); the contraction is compiled again without it$/);
      expect(said[1]).toMatch(/\(16x8 tile\) failed \(.*\); the contraction is compiled again without it$/);
      // the next call: the 8 x 4 shader, built before
      const next = await run(gpujsWebgpu, p, [x, y]);
      expect(next).toMatchObject({ hostGraphs: 0, wgsl: 1, wgslLarge: 0, wgslQuads: 0, launches: 1, kernels: 0 });
      expectClose(next.outs[0]!, want, k, "the next call");
      expect(shader.mock.calls.filter(([d]) => mark(d.code)).length).toBe(2);
    } finally {
      shader.mockRestore();
      warn.mockRestore();
    }
  });
});

describe.runIf(webgpu)("gpujs:webgpu: WGSL kernels with a software adapter's 32 x 8 tiles and quads", () => {
  let own: typeof HARDWARE_TILES = HARDWARE_TILES;
  let ownQuads = false;
  beforeAll(() => {
    [own, ownQuads] = [gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads];
    [gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads] = [[[32, 8]], true];
  });
  afterAll(() => void ([gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads] = [own, ownQuads]));
  it("matmul 256 with a software adapter's tiles: 32 x 8 in workgroups of 8 x 4 (their quads checked first)", async () => {
    gpujsWebgpu.wgslTiles = SOFTWARE_TILES;
    onTestFinished(() => void (gpujsWebgpu.wgslTiles = [[32, 8]]));
    const c: Case = { name: "", xs: [256, 256], ys: [256, 256], dims: MM };
    const p = contractionProgram(c, [256, 256]);
    const w = wgslOf(p, SOFTWARE_TILES, true)!;
    expect([w.tile, w.group, w.quads]).toEqual([[32, 8], [8, 4], true]);
    const x = rand(256 * 256, 97);
    const y = rand(256 * 256, 98);
    const r = await run(gpujsWebgpu, p, [x, y]);
    expect(r).toMatchObject({ hostGraphs: 0, launches: 1, wgsl: 1, wgslQuads: 1 });
    expect(gpujsWebgpu.wgslQuads).toBe(true);
    expectClose(r.outs[0]!, dotGeneral(x, c.xs, y, c.ys, MM).data, 256, "matmul 256");
  });
  // (each of these shaders takes about half a second to build on SwiftShader: a few cases)
  for (const c of [
    { name: "rows and columns past the edge [70,64]@[64,40]", xs: [70, 64], ys: [64, 40], dims: MM },
    { name: "a transposed lhs, its steps swapped [12,40]ᵀ@[12,16]", xs: [12, 40], ys: [12, 16], dims: { contract: [[0], [0]], batch: [[], []] } },
    { name: "batched [2,33,8]@[2,8,24]", xs: [2, 33, 8], ys: [2, 8, 24], dims: { contract: [[2], [1]], batch: [[0], [0]] } },
  ] as Case[]) {
    it(c.name, async () => {
      const { p, r, want, k } = await runCase(gpujsWebgpu, c, 23, 29);
      const w = wgslOf(p, [[32, 8]], true)!;
      expect([w.tile[0], w.quads]).toEqual([Math.min(32, want.shape[want.shape.length - 2]!), true]);
      expect(r).toMatchObject({ hostGraphs: 0, launches: 1, wgsl: 1, wgslQuads: 1 });
      expectClose(r.outs[0]!, want.data, k, c.name);
    });
  }
});

// a GPU's form of the WGSL kernel (8 x 4 tiles, no quads), also on a software adapter
describe.runIf(webgpu)("gpujs:webgpu: contractions as WGSL kernels in a GPU's form", () => {
  let own: typeof HARDWARE_TILES = HARDWARE_TILES;
  let ownQuads = false;
  beforeAll(() => {
    [own, ownQuads] = [gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads];
    [gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads] = [HARDWARE_TILES, false];
  });
  afterAll(() => void ([gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads] = [own, ownQuads]));
  for (const c of tiled) {
    it(c.name, async () => {
      const { r, want, k } = await runCase(gpujsWebgpu, c, 7, 11);
      expect(r).toMatchObject({ hostGraphs: 0, launches: 1, wgsl: 1, wgslLarge: 0, wgslQuads: 0 });
      expectClose(r.outs[0]!, want.data, k, c.name);
    });
  }
});

describe.runIf(webgpu)("gpujs:webgpu: contractions as WGSL kernels", () => {
  // the backend's own form: on a software adapter (SwiftShader), its tiles, and quads that share loads
  for (const c of tiled) {
    it(c.name, async () => {
      const { p, r, want, k } = await runCase(gpujsWebgpu, c, 5, 9);
      expect(r).toMatchObject({ hostGraphs: 0, launches: 1, wgsl: 1, wgslQuads: wgslOf(p, gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads)!.quads ? 1 : 0 });
      expectClose(r.outs[0]!, want.data, k, c.name);
    });
  }

  it("shares loads among quads in most of those cases (on a software adapter with subgroups)", async () => {
    const p = await probeWebGPU();
    const quads = tiled.filter((c) => wgslOf(contractionProgram(c, outShape(c)), gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads)!.quads).map((c) => c.name);
    if (p.ok && p.software && p.subgroups) expect(quads.length).toBeGreaterThanOrEqual(15);
    else expect(quads).toEqual([]);
  });

  it("propagates NaN and Infinity as a dot product does (Infinity · 0 is NaN)", async () => {
    const c: Case = { name: "[9,6]@[6,5]", xs: [9, 6], ys: [6, 5], dims: MM };
    const x = rand(54, 1);
    const y = rand(30, 2);
    x[0] = NaN; // row 0
    x[6 * 3 + 2] = Infinity; // row 3, k = 2
    y[2 * 5 + 1] = 0; // k = 2, column 1: Infinity · 0 in (3, 1)
    x[6 * 7 + 4] = -Infinity; // row 7, k = 4
    const want = dotGeneral(x, c.xs, y, c.ys, c.dims);
    const r = await run(gpujsWebgpu, contractionProgram(c, want.shape), [x, y]);
    expect(r.wgsl).toBe(1);
    const got = r.outs[0]!;
    for (let i = 0; i < want.data.length; i++) {
      const w = want.data[i]!;
      if (Number.isFinite(w)) expect(Math.abs(got[i]! - w), `element ${i}`).toBeLessThan(1e-5);
      else expect(got[i], `element ${i}`).toBe(w);
    }
    // the reference has each kind: NaN from the NaN and from Infinity · 0, an infinity in row 7
    expect([want.data[0], want.data[3 * 5 + 1], Math.abs(want.data[7 * 5]!)]).toEqual([NaN, NaN, Infinity]);
  });

  it("feeds its result to gpu.js kernels and reads a gpu.js kernel's result: relu(x @ y) @ z", async () => {
    // (gpu.js's kernel for the relu, not a WGSL one)
    gpujsWebgpu.wgslElementwise = false;
    onTestFinished(() => void (gpujsWebgpu.wgslElementwise = true));
    const [m, k, n, q] = [12, 9, 10, 7];
    const p: Program = {
      buffers: [
        { shape: [m, k], dtype: "float32" },
        { shape: [k, n], dtype: "float32" },
        { shape: [n, q], dtype: "float32" },
        { shape: [m, n], dtype: "float32" },
        { shape: [m, n], dtype: "float32" },
        { shape: [m, q], dtype: "float32" },
      ],
      inputs: [0, 1, 2],
      kernels: [
        { kind: "contraction", out: 3, lhs: 0, rhs: 1, dims: MM },
        { kind: "elementwise", out: 4, expr: K.max(K.input(0), K.c(0)), inputs: [{ buffer: 3, view: { shape: [m, n], strides: [n, 1], offset: 0 } }] },
        { kind: "contraction", out: 5, lhs: 4, rhs: 2, dims: MM },
      ] as Kernel[],
      // (x @ y an output too: not an epilogue's, so the relu is a kernel of its own)
      outputs: [5, 3],
    };
    const [x, y, z] = [rand(m * k, 21), rand(k * n, 22), rand(n * q, 23)];
    const h = dotGeneral(x, [m, k], y, [k, n], MM).data.map((v) => Math.max(v, 0));
    const want = dotGeneral(Float32Array.from(h), [m, n], z, [n, q], MM).data;
    const r = await run(gpujsWebgpu, p, [x, y, z]);
    // the relu is the first contraction's epilogue: its own gpu.js kernel between the two
    expect(r).toMatchObject({ hostGraphs: 0, launches: 3, wgsl: 2 });
    expectClose(r.outs[0]!, want, k * n, "relu(x @ y) @ z");
  });

  it("reads operands contiguous along the output's last dim or along k as vec4s, others as scalars", () => {
    const at = (c: Case, out: number[]) => {
      const p = contractionProgram(c, out);
      return wgslContraction(p.kernels[0] as Extract<Kernel, { kind: "contraction" }>, p)!.code;
    };
    const v = at(tiled.find((c) => c.name.startsWith("vec4 rhs"))!, [21, 16]);
    expect(v).toMatch(/a0 : array<f32>/);
    expect(v).toMatch(/a1 : array<vec4<f32>>/);
    expect(v).toMatch(/out : array<vec4<f32>>/);
    const s = at(tiled.find((c) => c.name.startsWith("vec4 stores"))!, [10, 12]);
    expect(s).not.toMatch(/a\d : array<vec4/);
    expect(s).toMatch(/out : array<vec4<f32>>/);
    expect(at(tiled[0]!, [13, 11])).not.toMatch(/vec4/);
    const k = at(tiled.find((c) => c.name.startsWith("vec4 along k ["))!, [9, 8]);
    expect(k).toMatch(/a0 : array<vec4<f32>>/);
    expect(k).toMatch(/a1 : array<vec4<f32>>/);
    expect(at(tiled.find((c) => c.name.startsWith("vec4 along k under"))!, [4, 2])).toMatch(/a0 : array<vec4<f32>>[^]*for \(var k0 = 0; k0 < 3/);
  });

  it("reads an operand contiguous along the output's rows as vec4s of 4 rows where no tile passes the edge", () => {
    const T = { contract: [[0], [0]], batch: [[], []] } as ContractionDims;
    const code = (m: number) => wgslContraction(contractionProgram({ name: "", xs: [9, m], ys: [9, 12], dims: T }, [m, 12]).kernels[0] as Extract<Kernel, { kind: "contraction" }>, contractionProgram({ name: "", xs: [9, m], ys: [9, 12], dims: T }, [m, 12]))!.code;
    expect(code(16)).toMatch(/a0 : array<vec4<f32>>/);
    expect(code(16)).toMatch(/let b0_4_0 = gy \* 2 \+ 1;/);
    // 13 rows: the last tile's rows are clamped, so they are read one by one
    expect(code(13)).toMatch(/a0 : array<f32>/);
  });

  it("takes 32 x 8 or 16 x 8 tiles on a software adapter for 2^24 multiply-adds or more where they leave 8 workgroups (of 64, else 32), else 8 x 4; a GPU takes 8 x 4", () => {
    const at = (m: number, n: number, k: number, tiles: typeof HARDWARE_TILES) => {
      const p = contractionProgram({ name: "", xs: [m, k], ys: [k, n], dims: MM }, [m, n]);
      return wgslContraction(p.kernels[0] as Extract<Kernel, { kind: "contraction" }>, p, {}, 65535, tiles)!;
    };
    const tile = (rows: number, cols: number) => new RegExp(`let ox = gx \\* ${cols};\n  let oy = gy \\* ${rows};`);
    const group = (wx: number, wy: number) => `@workgroup_size(${wx}, ${wy}, 1)`;
    // 512 x 512 x 64: 2^24 multiply-adds, 16 x 64 tiles of 32 x 8 in workgroups of 8 x 8
    const soft = at(512, 512, 64, SOFTWARE_TILES);
    expect(soft.code).toMatch(tile(32, 8));
    expect(soft.code).toContain(group(8, 8));
    expect(soft.workgroups).toEqual([8, 2, 1]);
    expect(at(512, 512, 64, HARDWARE_TILES).code).toMatch(tile(8, 4));
    // half the work keeps the GPU tile
    expect(at(512, 512, 32, SOFTWARE_TILES).code).toMatch(tile(8, 4));
    // 256 x 256 x 256: workgroups of 64 would be 4; of 32 (8 x 4), 8
    const m256 = at(256, 256, 256, SOFTWARE_TILES);
    expect(m256.code).toMatch(tile(32, 8));
    expect(m256.code).toContain(group(8, 4));
    expect(m256.workgroups).toEqual([4, 2, 1]);
    // 512 x 64 x 512: 32 x 8 tiles leave 4 workgroups of 32, 16 x 8 ones 8
    const mid = at(512, 64, 512, SOFTWARE_TILES);
    expect(mid.code).toMatch(tile(16, 8));
    expect(mid.code).toContain(group(8, 4));
    expect(mid.workgroups).toEqual([1, 8, 1]);
    // 64 x 64 x 4096: 2^24 multiply-adds, but the larger tiles would leave 1 workgroup, 8 x 4 tiles leave 2
    const narrow = at(64, 64, 4096, SOFTWARE_TILES);
    expect(narrow.code).toMatch(tile(8, 4));
    expect(narrow.workgroups).toEqual([2, 1, 1]);
    // an outer product (K = 1) keeps 8 x 4 whatever its size, and K = 4 (one unrolled step) takes 32 x 8
    expect(at(4096, 4096, 1, SOFTWARE_TILES).code).toMatch(tile(8, 4));
    expect(at(2048, 2048, 4, SOFTWARE_TILES).code).toMatch(tile(32, 8));
  });

  it("shares an operand constant along x among a quad's 4 tiles: a quarter of its loads each, the rest by quad swaps", () => {
    const mm = (m: number, k: number, n: number, quads = true, tiles: readonly (readonly [number, number])[] = HARDWARE_TILES) =>
      wgslOf(contractionProgram({ name: "", xs: [m, k], ys: [k, n], dims: MM }, [m, n]), tiles, quads)!;
    // 64 x 64 @ 64 x 64, 8 x 4 tiles: the lhs, read as vec4s along k, 2 of its 8 rows per invocation
    const q = mm(64, 64, 64);
    expect(q.quads).toBe(true);
    expect(q.code).toMatch(/^enable subgroups;\n/);
    expect(q.code).toMatch(/@builtin\(subgroup_invocation_id\) sl : u32/);
    expect(q.code).toMatch(/let sb0_1 = \(oy \+ p \* 2 \+ 1\) \* 16;/);
    expect(q.code.match(/= a0\[/g)?.length).toBe(2);
    // tile row 7 is invocation p^3's second row: row (p^3)·2 + 1 of the quad's 8
    expect(q.code).toMatch(/let w0_0_0 = s0_0;/);
    expect(q.code).toMatch(/let w0_3_0 = quadSwapX\(s0_1\);/);
    expect(q.code).toMatch(/let w0_4_0 = quadSwapY\(s0_0\);/);
    expect(q.code).toMatch(/let w0_7_0 = quadSwapDiagonal\(s0_1\);/);
    expect(q.code).toMatch(/let r7 = oy \+ \(p \^ 3\) \* 2 \+ 1;/);
    expect(q.code).not.toMatch(/quadBroadcast/);
    // a quad wholly past the edge returns before any quad operation; stores past it are skipped
    expect(q.code).toMatch(/if \(\(g\.x & ~3u\) >= 16u \|\| g\.y >= 8u\) \{ return; \}/);
    expect(q.code).not.toMatch(/if \(g\.x >= 16u \|\| g\.y >= 8u\)/);
    // without quads the same kernel reads all 8 rows itself
    const plain = mm(64, 64, 64, false);
    expect(plain.quads).toBe(false);
    expect(plain.code).not.toMatch(/subgroup|quad/);
    expect(plain.code.match(/= a0\[/g)?.length).toBe(8);
    // a transposed lhs read one row at a time (13 rows: clamped): invocation p loads step p of each
    // group of 4, and its u-th product is that of step p^u (the rhs read at that step)
    const T = { contract: [[0], [0]], batch: [[], []] } as ContractionDims;
    const t = wgslOf(contractionProgram({ name: "", xs: [9, 13], ys: [9, 12], dims: T }, [13, 12]), HARDWARE_TILES, true)!;
    expect(t.quads).toBe(true);
    expect(t.code).toMatch(/let s0_0_0 = a0\[b0_0_0 \+ kq \* 13 \+ p \* 13\];/);
    expect(t.code).toMatch(/let vu3_0_0_0 = quadSwapDiagonal\(s0_0_0\);/);
    expect(t.code).toMatch(/let ku3 = kq \+ \(p \^ 3\);/);
    expect(t.code).toMatch(/let r7 = oy \+ 7;/);
    // a rhs contiguous along k, read as vec4s of 4 steps without quads, one step at a time with them (its step differs in a quad)
    const TT = { contract: [[0], [1]], batch: [[], []] } as ContractionDims;
    const both = (quads: boolean) => wgslOf(contractionProgram({ name: "", xs: [8, 16], ys: [12, 8], dims: TT }, [16, 12]), HARDWARE_TILES, quads)!;
    expect(both(false).code).toMatch(/a1 : array<vec4<f32>>/);
    expect(both(true).quads).toBe(true);
    expect(both(true).code).toMatch(/a1 : array<f32>/);
    expect(both(true).code).toMatch(/let ku1 = kq \+ \(p \^ 1\);/);
    // 3 columns of tiles: the invocation of the fourth returns after the loops, before storing
    expect(t.code).toMatch(/if \(g\.x >= 3u\) \{ return; \}\n {2}if \(r0 < 13\) \{ out\[/);
    // no quads: fewer than 4 steps, a one-column grid (workgroups of 1 x 64), or no operand constant along x
    expect(mm(64, 3, 64).quads).toBe(false);
    expect(mm(64, 64, 4).quads).toBe(false);
    const B = { contract: [[1], [1]], batch: [[0], [0]] } as ContractionDims;
    expect(wgslOf(contractionProgram({ name: "", xs: [33, 6], ys: [33, 6], dims: B }, [33]), HARDWARE_TILES, true)!.quads).toBe(false);
    // 32 x 8 tiles: 8 of 32 rows each
    const big = mm(512, 64, 512, true, SOFTWARE_TILES);
    expect(big.tile).toEqual([32, 8]);
    expect(big.code.match(/= a0\[/g)?.length).toBe(8);
  });

  it("leaves a grid past the device's workgroups per dim to the gpu.js kernel", () => {
    const c = tiled[1]!;
    const p = contractionProgram(c, [70, 45]);
    const k = p.kernels[0] as Extract<Kernel, { kind: "contraction" }>;
    expect(wgslContraction(k, p)?.workgroups).toEqual([2, 2, 1]);
    expect(wgslContraction(k, p, {}, 1)).toBe(null);
  });

  it("leaves an empty output to the caller (no NaN in the shader or its grid)", () => {
    for (const [xs, ys, out] of [
      [[0, 4], [4, 4], [0, 4]],
      [[3, 4], [4, 0], [3, 0]],
      [[0, 0], [0, 8], [0, 8]],
    ]) {
      const p = contractionProgram({ name: "", xs: xs!, ys: ys!, dims: MM }, out!);
      expect(wgslContraction(p.kernels[0] as Extract<Kernel, { kind: "contraction" }>, p), JSON.stringify(xs)).toBe(null);
    }
  });

  it("binds the operands of a contraction with nothing to contract as scalars (they may be 4 bytes)", () => {
    for (const [xs, ys, out] of [
      [[8, 0], [0, 8], [8, 8]],
      [[3, 0], [0, 4], [3, 4]],
    ]) {
      const p = contractionProgram({ name: "", xs: xs!, ys: ys!, dims: MM }, out!);
      const code = wgslContraction(p.kernels[0] as Extract<Kernel, { kind: "contraction" }>, p)!.code;
      expect(code).toMatch(/a0 : array<f32>/);
      expect(code).not.toMatch(/a\d : array<vec4/);
      expect(code).not.toMatch(/NaN/);
    }
  });

  // the same matmul, alone and with a relu epilogue (two programs, one WGSL kernel)
  const failCase = (m: number, k: number, n: number, relu: boolean): Program => {
    const p = contractionProgram({ name: "", xs: [m, k], ys: [k, n], dims: MM }, [m, n]);
    if (!relu) return p;
    return {
      ...p,
      buffers: [...p.buffers, { shape: [m, n], dtype: "float32" }],
      kernels: [...p.kernels, { kind: "elementwise", out: 3, expr: K.max(K.input(0), K.c(0)), inputs: [{ buffer: 2, view: { shape: [m, n], strides: [n, 1], offset: 0 } }] }],
      outputs: [3],
    };
  };

  it("runs a contraction whose WGSL kernel fails as a gpu.js kernel: that call, later ones, other programs", async () => {
    const [m, k, n] = [9, 3, 19];
    const x = rand(m * k, 31);
    const y = rand(k * n, 32);
    const want = dotGeneral(x, [m, k], y, [k, n], MM).data;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // the device takes this matmul's WGSL kernel (the only shader clamping rows to 8 and columns to
    // 18) without its entry point, so its pipeline is rejected
    const proto = (globalThis as unknown as { GPUDevice: { prototype: { createShaderModule(d: { code: string }): unknown } } }).GPUDevice.prototype;
    const make = proto.createShaderModule;
    const shader = vi.spyOn(proto, "createShaderModule").mockImplementation(function (this: unknown, d) {
      const broken = d.code.includes("min(r1, 8)") && d.code.includes("min(ox + 1, 18)");
      return make.call(this, broken ? { ...d, code: d.code.replace("fn main(", "fn broken(") } : d);
    });
    try {
      const p = failCase(m, k, n, false);
      // the first call launches the WGSL kernel, whose pipeline is rejected, and runs again with
      // the gpu.js kernel (two builds: the pipeline and the kernel), not on wasm
      const first = await run(gpujsWebgpu, p, [x, y]);
      expect(first).toMatchObject({ hostGraphs: 0, wgsl: 1, launches: 2, kernels: 2 });
      expectClose(first.outs[0]!, want, k, "the failing call");
      const said = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("WGSL contraction failed"));
      expect(said.length).toBe(1);
      expect(said[0]).toMatch(/runs as a gpu\.js kernel/);
      // the next call: the gpu.js kernel, built before
      const next = await run(gpujsWebgpu, p, [x, y]);
      expect(next).toMatchObject({ hostGraphs: 0, wgsl: 0, launches: 1, kernels: 0 });
      expectClose(next.outs[0]!, want, k, "the next call");
      // another program with the same contraction and a relu: another WGSL kernel (the relu in
      // it), rejected as well, then the gpu.js kernel with the relu fused
      const other = await run(gpujsWebgpu, failCase(m, k, n, true), [x, y]);
      expect(other).toMatchObject({ hostGraphs: 0, wgsl: 1, launches: 2 });
      expectClose(other.outs[0]!, want.map((v) => Math.max(v, 0)), k, "another program");
      expect(warn.mock.calls.filter((c) => String(c[0]).includes("WGSL contraction failed")).length).toBe(1);
      expect(shader.mock.calls.filter(([d]) => d.code.includes("min(r1, 8)")).length).toBe(2);
      // and its next call: the gpu.js kernel
      expect(await run(gpujsWebgpu, failCase(m, k, n, true), [x, y])).toMatchObject({ hostGraphs: 0, wgsl: 0, launches: 1 });
    } finally {
      shader.mockRestore();
      warn.mockRestore();
    }
  });

  // epilogues in the WGSL kernel: a bias along the rows and a tanh, or a residual read whole
  const epilogueProgram = (c: Case, kind: "bias-tanh" | "residual"): { p: Program; f: (v: number, o: number) => number; extra: () => Float32Array } => {
    const out = outShape(c);
    const n = size(out);
    const cols = out.length ? out[out.length - 1]! : 1;
    const base = contractionProgram(c, out);
    const extraShape = kind === "bias-tanh" ? [cols] : out;
    const view = kind === "bias-tanh" ? { shape: out, strides: out.map((_, d) => (d === out.length - 1 ? 1 : 0)), offset: 0 } : { shape: out, strides: stridesOf(out), offset: 0 };
    const expr = kind === "bias-tanh" ? K.tanh(K.add(K.input(0), K.input(1))) : K.sub(K.mul(K.input(1), K.c(0.5)), K.input(0));
    const p: Program = {
      buffers: [...base.buffers, { shape: extraShape, dtype: "float32" }, { shape: out, dtype: "float32" }],
      inputs: [0, 1, 3],
      kernels: [...base.kernels, { kind: "elementwise", out: 4, expr, inputs: [{ buffer: 2, view: { shape: out, strides: stridesOf(out), offset: 0 } }, { buffer: 3, view }] }] as Kernel[],
      outputs: [4],
    };
    const extra = rand(kind === "bias-tanh" ? cols : n, 91 + n);
    const f = kind === "bias-tanh" ? (v: number, o: number) => Math.tanh(v + extra[o % cols]!) : (v: number, o: number) => extra[o]! * 0.5 - v;
    return { p, f, extra: () => extra };
  };
  for (const kind of ["bias-tanh", "residual"] as const) {
    for (const c of tiled.filter((t) => size(outShape(t)) > 0)) {
      it(`fuses a ${kind} epilogue: ${c.name}`, async () => {
        const { p, f, extra } = epilogueProgram(c, kind);
        const plan = planContractions(p);
        expect(plan.length).toBe(1);
        const parts = plan[0]!.kind === "contraction" ? plan[0]!.parts : {};
        const w = wgslContraction(p.kernels[0] as Extract<Kernel, { kind: "contraction" }>, p, parts, 65535, gpujsWebgpu.wgslTiles, gpujsWebgpu.wgslQuads)!;
        expect(w.fused, "the epilogue in the kernel").toBe(true);
        const x = rand(size(c.xs), 25 + size(c.xs));
        const y = rand(size(c.ys), 29 + size(c.ys));
        const prod = dotGeneral(x, c.xs, y, c.ys, c.dims).data;
        const r = await run(gpujsWebgpu, p, [x, y, extra()]);
        expect(r).toMatchObject({ hostGraphs: 0, launches: 1, wgsl: 1 });
        const k = c.dims.contract[0].reduce((a, i) => a * c.xs[i]!, 1);
        expectClose(r.outs[0]!, prod.map((v, o) => f(v, o)), k, `${c.name} ${kind}`);
      });
    }
  }

  it("runs a contraction whose shader with the epilogue fails as a shader without it, the epilogue after it", async () => {
    const c: Case = { name: "", xs: [20, 12], ys: [12, 16], dims: MM };
    const { p, f, extra } = epilogueProgram(c, "bias-tanh");
    const x = rand(240, 95);
    const y = rand(192, 96);
    const want = dotGeneral(x, c.xs, y, c.ys, c.dims).data.map((v, o) => f(v, o));
    // a GPU's form (a backend of its own: no quads to lose with the failure)
    const b = new GpuJsBackend("webgpu");
    expect(await b.ready()).toBe(null);
    [b.wgslTiles, b.wgslQuads] = [HARDWARE_TILES, false];
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const proto = (globalThis as unknown as { GPUDevice: { prototype: { createShaderModule(d: { code: string }): unknown } } }).GPUDevice.prototype;
    const make = proto.createShaderModule;
    const shader = vi.spyOn(proto, "createShaderModule").mockImplementation(function (this: unknown, d) {
      return make.call(this, d.code.includes("fn epilogue(") ? { ...d, code: d.code.replace("fn main(", "fn broken(") } : d);
    });
    try {
      // the shader with the epilogue, rejected; then the shader without it and the epilogue's own kernel
      const first = await run(b, p, [x, y, extra()]);
      expect(first).toMatchObject({ hostGraphs: 0, wgsl: 2, launches: 3 });
      expectClose(first.outs[0]!, want, 12, "the failing call");
      expect(warn.mock.calls.filter((w) => String(w[0]).includes("WGSL contraction failed")).length).toBe(1);
      const next = await run(b, p, [x, y, extra()]);
      expect(next).toMatchObject({ hostGraphs: 0, wgsl: 1, launches: 2 });
      expectClose(next.outs[0]!, want, 12, "the next call");
    } finally {
      shader.mockRestore();
      warn.mockRestore();
    }
  });

  it("takes a long epilogue into 8 x 4 tiles but not into larger ones (its shader would build slowly), a short one into 16 x 8 but not 32 x 8", () => {
    const c: Case = { name: "", xs: [512, 64], ys: [64, 512], dims: MM };
    // (the largest tile where the epilogue is left out, the largest that takes it in where it is not)
    for (const [kind, fused, tile] of [["bias-tanh", false, [32, 8]], ["residual", true, [16, 8]]] as const) {
      const { p } = epilogueProgram(c, kind);
      const plan = planContractions(p)[0]!;
      const parts = plan.kind === "contraction" ? plan.parts : {};
      const k = p.kernels[0] as Extract<Kernel, { kind: "contraction" }>;
      const hard = wgslContraction(k, p, parts, 65535, HARDWARE_TILES)!;
      expect(hard.fused).toBe(true);
      // each input read once per invocation and point it varies along: a bias once per column of the 8 x 4 tile
      expect(hard.code.match(/let e0_\d+_\d+ = a2\[/g)?.length, kind).toBe(kind === "bias-tanh" ? 4 : 32);
      const soft = wgslContraction(k, p, parts, 65535, SOFTWARE_TILES)!;
      expect(soft.tile).toEqual(tile);
      expect(soft.fused, kind).toBe(fused);
    }
  });

  it("passes NaN and Infinity from one invocation of a quad to the others", async () => {
    const c: Case = { name: "[12,8]@[8,16]", xs: [12, 8], ys: [8, 16], dims: MM };
    const p = contractionProgram(c, [12, 16]);
    const b = new GpuJsBackend("webgpu");
    expect(await b.ready()).toBe(null);
    b.wgslQuads = true;
    expect(wgslOf(p, b.wgslTiles, true)!.quads).toBe(true);
    const x = rand(96, 3);
    const y = rand(128, 4);
    x[8 * 5 + 3] = NaN; // row 5: loaded by another invocation than row 0's
    x[8 * 10 + 6] = -Infinity; // row 10
    const want = dotGeneral(x, c.xs, y, c.ys, c.dims);
    const r = await run(b, p, [x, y]);
    expect(r).toMatchObject({ hostGraphs: 0, wgsl: 1, wgslQuads: 1 });
    for (let i = 0; i < want.data.length; i++) {
      const w = want.data[i]!;
      if (Number.isFinite(w)) expect(Math.abs(r.outs[0]![i]! - w), `element ${i}`).toBeLessThan(1e-5);
      else expect(r.outs[0]![i], `element ${i}`).toBe(w);
    }
    expect([want.data[5 * 16], Math.abs(want.data[10 * 16 + 3]!)]).toEqual([NaN, Infinity]);
  });

  // a device that cannot take the quads: a fresh backend (its check is per backend and device)
  const withoutQuads = async (why: RegExp, spy: () => { mockRestore(): void }) => {
    const b = new GpuJsBackend("webgpu");
    expect(await b.ready()).toBe(null);
    b.wgslQuads = true;
    const c: Case = { name: "", xs: [40, 24], ys: [24, 32], dims: MM };
    const p = contractionProgram(c, [40, 32]);
    expect(wgslOf(p, b.wgslTiles, true)!.quads).toBe(true);
    const x = rand(40 * 24, 71);
    const y = rand(24 * 32, 72);
    const want = dotGeneral(x, c.xs, y, c.ys, c.dims).data;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const mock = spy();
    try {
      // the first call finds out and runs again in a GPU's form; later programs are compiled without quads
      const first = await run(b, p, [x, y]);
      expect(first).toMatchObject({ hostGraphs: 0, wgsl: 2, wgslQuads: 1 });
      expectClose(first.outs[0]!, want, 24, "the first call");
      const said = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("WGSL"));
      expect(said.length).toBe(1);
      expect(said[0]).toMatch(why);
      expect(said[0]).toMatch(/share no loads among quads of invocations here \(.*\); they run without$/);
      expect(b.wgslQuads).toBe(false);
      const next = await run(b, p, [x, y]);
      expect(next).toMatchObject({ hostGraphs: 0, wgsl: 1, wgslQuads: 0 });
      expectClose(next.outs[0]!, want, 24, "the next call");
    } finally {
      mock.mockRestore();
      warn.mockRestore();
    }
  };

  it("runs without quads on a device without subgroups", async () => {
    // gpu.js's one device, whose features then lack subgroups
    const { WebGPUContext } = gpujs as unknown as { WebGPUContext: { acquire(): Promise<{ device: { features: { has(f: string): boolean } } }> } };
    const { device } = await WebGPUContext.acquire();
    const features = device.features;
    await withoutQuads(/\(this WebGPU device has no subgroups\)/, () => {
      device.features = { has: (f: string) => f !== "subgroups" && features.has(f) };
      return { mockRestore: () => void (device.features = features) };
    });
  });

  it("runs without quads on a device whose quads are not 4 consecutive invocations in order", async () => {
    const proto = (globalThis as unknown as { GPUDevice: { prototype: { createShaderModule(d: { code: string }): unknown } } }).GPUDevice.prototype;
    const make = proto.createShaderModule;
    // the check of the contraction's workgroups (8 x 8) as if quadSwapY gave another invocation's value than li^2
    await withoutQuads(/\(this WebGPU device's quads in workgroups of 8 x 8 are not 4 consecutive invocations in order\)/, () =>
      vi.spyOn(proto, "createShaderModule").mockImplementation(function (this: unknown, d) {
        const check = d.code.includes("@workgroup_size(8, 8, 1)") && d.code.includes("quadSwapY(li) == (li ^ 2u)");
        return make.call(this, check ? { ...d, code: d.code.replace("quadSwapY(li) == (li ^ 2u)", "quadSwapX(li) == (li ^ 2u)") } : d);
      }),
    );
  });

  it("runs a contraction whose grid passes the device's workgroups per dim as a gpu.js kernel", async () => {
    const c = tiled[1]!;
    const x = rand(70 * 37, 41);
    const y = rand(37 * 45, 42);
    const want = dotGeneral(x, c.xs, y, c.ys, c.dims);
    // its grid is [2, 2, 1]: a device taking 1 workgroup per dim
    gpujsWebgpu.wgslWorkgroupCap = 1;
    try {
      const r = await run(gpujsWebgpu, contractionProgram(c, want.shape), [x, y]);
      expect(r).toMatchObject({ hostGraphs: 0, wgsl: 0, launches: 1 });
      expectClose(r.outs[0]!, want.data, 37, "grid past the limit");
    } finally {
      gpujsWebgpu.wgslWorkgroupCap = Infinity;
    }
  });
});
