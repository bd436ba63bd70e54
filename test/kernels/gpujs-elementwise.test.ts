// The gpu.js elementwise kernel with 4 outputs per thread on webgpu (src/backend/gpujs/codegen.ts
// `emitBlocked`) on its edges: rank 1, 2 and 3 outputs (thread axes x, y, z), operands broadcast
// along the innermost dim (loaded once per thread) or along an outer one, transposed views,
// masked views (padding, a strided view) whose validity changes inside a block of 4, NaN and
// infinities, int32 and bool results; and the shapes left to one output per thread. Each result
// against a plain loop over the view's definition on WebGPU, where an adapter answers (SwiftShader;
// under CI=true a missing one fails), and on gpu.js's cpu and webasm modes (one output per thread
// there: the same cases through the other form).
import { describe, expect, it } from "vitest";
import { GpuJsBackend, gpujsCpu, gpujsWebasm } from "../../src/backend/gpujs/backend.js";
import { generate } from "../../src/backend/gpujs/codegen.js";
import { HostArray } from "../../src/ir/host-array.js";
import type { DType } from "../../src/ir/dtype.js";
import { K, type Expr, type Operand, type Program, type View } from "../../src/ir/kernel.js";
import { plain, rand, size, viewAt } from "./data.js";

interface Input {
  readonly shape: readonly number[];
  readonly dtype?: DType;
  readonly view: View;
}

interface Case {
  readonly name: string;
  readonly out: readonly number[];
  readonly ins: readonly Input[];
  readonly expr: Expr;
  readonly dtype?: DType;
  /** the expression on plain numbers (float64; float32 rounding is within the tolerance) and whether each view has an element there */
  readonly f: (xs: readonly number[], valid: readonly boolean[]) => number;
  /** components per thread the kernel must have: 4 (blocked) or undefined (one per thread) */
  readonly blocked: boolean;
}

function program(c: Case): Program {
  const buffers = [...c.ins.map((i) => ({ shape: i.shape, dtype: i.dtype ?? "float32" })), { shape: c.out, dtype: c.dtype ?? "float32" }];
  const ins = c.ins.map((_, i) => i);
  const inputs: Operand[] = c.ins.map((i, b) => ({ buffer: b, view: i.view }));
  return { buffers, inputs: ins, kernels: [{ kind: "elementwise", out: ins.length, expr: c.expr, inputs }], outputs: [ins.length] };
}

function want(c: Case, data: readonly Float32Array[]): Float64Array {
  const n = size(c.out);
  const out = new Float64Array(n);
  const idx = new Array<number>(c.out.length).fill(0);
  for (let o = 0; o < n; o++) {
    let f = o;
    for (let d = c.out.length - 1; d >= 0; d--) ((idx[d] = f % c.out[d]!), (f = Math.floor(f / c.out[d]!)));
    const xs = c.ins.map((inp, j) => viewAt(inp.view, data[j]!, idx));
    out[o] = c.f(xs.map((x) => x ?? 0), xs.map((x) => x !== undefined));
  }
  return out;
}

const i32 = (xs: Float32Array) => xs.map((v) => Math.round(v * 50));

const cases: Case[] = [
  { name: "rank 1 [12]: a * b + 1", out: [12], ins: [{ shape: [12], view: plain([12]) }, { shape: [12], view: plain([12]) }], expr: K.add(K.mul(K.input(0), K.input(1)), K.c(1)), f: ([a, b]) => a! * b! + 1, blocked: true },
  {
    name: "rank 2 [5,8]: a + row bias (stride 0 along rows) - column bias (stride 0 along the innermost dim)",
    out: [5, 8],
    ins: [
      { shape: [5, 8], view: plain([5, 8]) },
      { shape: [8], view: { shape: [5, 8], strides: [0, 1], offset: 0 } },
      { shape: [5], view: { shape: [5, 8], strides: [1, 0], offset: 0 } },
    ],
    expr: K.sub(K.add(K.input(0), K.input(1)), K.tanh(K.input(2))),
    f: ([a, b, c]) => a! + b! - Math.tanh(c!),
    blocked: true,
  },
  {
    name: "rank 3 [3,2,4] (a transposed view, dims that do not merge)",
    out: [3, 2, 4],
    ins: [
      { shape: [4, 2, 3], view: { shape: [3, 2, 4], strides: [1, 3, 6], offset: 0 } },
      { shape: [3, 2, 4], view: plain([3, 2, 4]) },
    ],
    expr: K.mul(K.exp(K.input(0)), K.input(1)),
    f: ([a, b]) => Math.exp(a!) * b!,
    blocked: true,
  },
  {
    name: "padding inside a block: [3,8] from [3,5] padded by 2 before and 1 after along the innermost dim",
    out: [3, 8],
    ins: [{ shape: [3, 5], view: { shape: [3, 8], strides: [5, 1], offset: 0, mask: [{ lo: 0, hi: 3, step: 1 }, { lo: 2, hi: 7, step: 1 }] } }],
    expr: K.add(K.input(0), K.where(K.valid(0), K.c(10), K.c(-1))),
    f: ([a], [ok]) => (ok ? a! + 10 : -1),
    blocked: true,
  },
  {
    name: "a strided mask (every other element) and an offset: [2,8] from [2,4]",
    out: [2, 8],
    ins: [{ shape: [2, 5], view: { shape: [2, 8], strides: [5, 1], offset: 1, mask: [{ lo: 0, hi: 2, step: 1 }, { lo: 1, hi: 8, step: 2 }] } }],
    expr: K.mul(K.input(0), K.c(3)),
    f: ([a]) => 3 * a!,
    blocked: true,
  },
  {
    name: "NaN and infinities pass through: max(a, b) and a / b",
    out: [2, 4],
    ins: [
      { shape: [2, 4], view: plain([2, 4]) },
      { shape: [2, 4], view: plain([2, 4]) },
    ],
    expr: K.add(K.max(K.input(0), K.input(1)), K.div(K.input(0), K.input(1))),
    f: ([a, b]) => (Number.isNaN(a!) || Number.isNaN(b!) ? NaN : Math.max(a!, b!)) + a! / b!,
    blocked: true,
  },
  {
    name: "int32: (a · 3) mod 7 with C's sign",
    out: [4, 4],
    ins: [{ shape: [4, 4], dtype: "int32", view: plain([4, 4]) }],
    dtype: "int32",
    expr: K.rem(K.mul(K.input(0, "int32"), K.c(3, "int32")), K.c(7, "int32")),
    f: ([a]) => (a! * 3) % 7,
    blocked: true,
  },
  {
    name: "bool: a < b",
    out: [8],
    ins: [
      { shape: [8], view: plain([8]) },
      { shape: [8], view: plain([8]) },
    ],
    dtype: "bool",
    expr: K.lt(K.input(0), K.input(1)),
    f: ([a, b]) => (a! < b! ? 1 : 0),
    blocked: true,
  },
  // one output per thread
  {
    name: "an innermost dim of 6 (not a multiple of 4; a broadcast keeps the dims apart)",
    out: [2, 6],
    ins: [
      { shape: [2, 6], view: plain([2, 6]) },
      { shape: [6], view: { shape: [2, 6], strides: [0, 1], offset: 0 } },
    ],
    expr: K.sqrt(K.abs(K.mul(K.input(0), K.input(1)))),
    f: ([a, b]) => Math.sqrt(Math.abs(a! * b!)),
    blocked: false,
  },
  {
    name: "four dims that do not merge",
    out: [2, 2, 2, 4],
    ins: [{ shape: [4, 2, 2, 2], view: { shape: [2, 2, 2, 4], strides: [1, 2, 4, 8], offset: 0 } }],
    expr: K.neg(K.input(0)),
    f: ([a]) => -a!,
    blocked: false,
  },
  { name: "a scalar", out: [], ins: [{ shape: [], view: plain([]) }], expr: K.mul(K.input(0), K.c(2)), f: ([a]) => 2 * a!, blocked: false },
];

async function run(b: GpuJsBackend, p: Program, inputs: readonly Float32Array[]): Promise<{ out: ArrayLike<number>; launches: number; hostGraphs: number }> {
  const before = { ...b.stats };
  const ins = inputs.map((d, i) => {
    const aval = p.buffers[p.inputs[i]!]!;
    const data = aval.dtype === "int32" ? Int32Array.from(d) : d;
    return b.fromHost(new HostArray(data, aval.shape, aval.dtype));
  });
  const [o] = b.run(p, ins);
  const out = (await b.toHost(o!)).data as ArrayLike<number>;
  return { out, launches: b.stats.launches - before.launches, hostGraphs: b.stats.hostGraphs - before.hostGraphs };
}

// gpu.js's kernels on webgpu, not the WGSL shaders the backend takes for most elementwise kernels there (wgsl-elementwise.test.ts)
const gpujsWebgpu = new GpuJsBackend("webgpu");
gpujsWebgpu.wgslElementwise = false;
const webgpu = (await gpujsWebgpu.ready(4000)) === null;
const modes: [string, GpuJsBackend][] = [["gpujs:cpu", gpujsCpu], ["gpujs:webasm", gpujsWebasm], ...(webgpu ? [["gpujs:webgpu", gpujsWebgpu] as [string, GpuJsBackend]] : [])];

it.runIf(/^(1|true)$/i.test(process.env["CI"] ?? ""))("has a WebGPU adapter under CI=true (the WebGPU cases must not quietly vanish)", () => {
  expect(webgpu).toBe(true);
});

describe("the blocked elementwise form", () => {
  for (const c of cases) {
    it(`${c.blocked ? "4 outputs per thread" : "1 output per thread"}: ${c.name}`, () => {
      const p = program(c);
      const g = generate(p.kernels[0]!, p, "webgpu");
      expect(g.ok).toBe(true);
      if (!g.ok) return;
      expect(g.kernel.components, c.name).toBe(c.blocked ? 4 : undefined);
      if (c.blocked) {
        // the output dims (merged where contiguous for every operand) are the thread axes, x
        // counting blocks of 4: no index needs a division
        expect(size(g.kernel.output!) * 4).toBe(size(c.out));
        expect(g.kernel.output!.length).toBeLessThanOrEqual(c.out.length);
        expect(g.kernel.body).not.toMatch(/\| 0/);
        expect(g.kernel.body).not.toMatch(/this\.thread\.x;/);
      }
      // the other modes keep one output per thread: on webasm and cpu an Array(4) result comes
      // back as an array per thread, on the GL modes as a texture
      for (const mode of ["webasm", "cpu", "webgl2"] as const) {
        const o = generate(p.kernels[0]!, p, mode);
        expect(o.ok && o.kernel.components, mode).toBe(undefined);
      }
    });
  }

  it("keeps one output per thread where the thread grid would pass WebGPU's 65535 workgroups of 8 per dim", () => {
    // [4, 2^21] (a broadcast keeps the dims apart): 2^19 blocks along x, past 65535 · 8
    const out = [4, 2 ** 21];
    const c: Case = { name: "", out, ins: [{ shape: out, view: plain(out) }, { shape: [4], view: { shape: out, strides: [1, 0], offset: 0 } }], expr: K.add(K.input(0), K.input(1)), f: () => 0, blocked: false };
    const p = program(c);
    const g = generate(p.kernels[0]!, p, "webgpu");
    expect(g.ok && g.kernel.components).toBe(undefined);
    // [4, 2^21 - 32]: 524280 blocks, the most that fit
    const fits = [4, 2 ** 21 - 32];
    const q = program({ ...c, out: fits, ins: [{ shape: fits, view: plain(fits) }, { shape: [4], view: { shape: fits, strides: [1, 0], offset: 0 } }] });
    const h = generate(q.kernels[0]!, q, "webgpu");
    expect(h.ok && h.kernel.output).toEqual([524280, 4]);
  });

  it("loads an operand constant along the innermost dim once per thread", () => {
    const p = program(cases[1]!);
    const g = generate(p.kernels[0]!, p, "webgpu");
    expect(g.ok).toBe(true);
    if (!g.ok) return;
    // input 2 (stride 0 along the innermost dim): components 1-3 take component 0's value
    for (const c of [1, 2, 3]) expect(g.kernel.body).toContain(`const c${c}_x2 = c0_x2;`);
    expect(g.kernel.body.match(/a\d\[/g)?.length).toBe(4 + 4 + 1);
  });
});

for (const [name, b] of modes) {
  describe(`${name}: elementwise kernels against a plain loop`, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const data = c.ins.map((inp, j) => {
          const d = rand(size(inp.shape), 11 + 7 * j + size(inp.shape));
          return inp.dtype === "int32" ? i32(d) : d;
        });
        if (c.name.startsWith("NaN")) {
          data[0]!.set([NaN, Infinity, -Infinity, 1], 0);
          data[1]!.set([2, 3, 0.5, NaN], 0);
        }
        const r = await run(b, program(c), data);
        expect(r.hostGraphs).toBe(0);
        expect(r.launches).toBe(1);
        const w = want(c, data);
        expect(r.out.length).toBe(w.length);
        for (let i = 0; i < w.length; i++) {
          const got = r.out[i]!;
          const x = w[i]!;
          if (!Number.isFinite(x)) expect(got, `${c.name}: element ${i}`).toBe(x);
          else if (Math.abs(got - x) > 1e-5 * Math.max(1, Math.abs(x))) throw new Error(`${name} ${c.name}: element ${i}: got ${got}, want ${x}`);
        }
      });
    }
  });
}
