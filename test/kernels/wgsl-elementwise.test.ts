// Elementwise kernels and reductions as WGSL shaders (src/backend/gpujs/wgsl-elementwise.ts) and
// the translation of the gpu.js renderer's JavaScript into WGSL they use (js-wgsl.ts): the
// translation on its own; the kernels' frame (16 or 4 outputs per invocation, vec4 loads, the two
// forms of a reduction) and the kernels left to gpu.js; on WebGPU (SwiftShader; under CI=true a
// missing adapter fails), each kernel against a float64 loop over its definition and against the
// gpu.js kernel of the same expression, which computes the same WGSL operations: the two must
// agree to the bit, NaN and infinities included.
import { describe, expect, it, vi } from "vitest";
import { GpuJsBackend, gpujsWebgpu } from "../../src/backend/gpujs/backend.js";
import { JsWgslError, jsToWgsl } from "../../src/backend/gpujs/js-wgsl.js";
import { wgslElementwise, wgslReduce } from "../../src/backend/gpujs/wgsl-elementwise.js";
import { HostArray } from "../../src/ir/host-array.js";
import { K, type Expr, type Kernel, type Program, type ReduceOp, type View } from "../../src/ir/kernel.js";
import { plain, rand, size, viewAt } from "./data.js";

describe("the gpu.js renderer's JavaScript as WGSL", () => {
  it("declares, assigns, branches and returns as WGSL does, every number a float", () => {
    const w = jsToWgsl(["const a = x0 > 0.5 ? 1 : x1;", "let q = Math.floor(a * 2048);", "if (q === 0 && a !== a) { q = q - 1; }", "return -q / 3;"]);
    expect(w.body).toEqual(["let a = select(x1, 1.0, x0 > 0.5);", "var q = floor(a * 2048.0);", "if ((q == 0.0) && (a != a)) {", "  q = q - 1.0;", "}"]);
    expect(w.value).toBe("(-q) / 3.0");
  });

  it("keeps JavaScript's precedence and associativity", () => {
    expect(jsToWgsl(["return a - b - c * d / e;"]).value).toBe("a - b - c * d / e");
    expect(jsToWgsl(["return -a * b;"]).value).toBe("(-a) * b");
    expect(jsToWgsl(["return a < b ? c : d < e ? f : g;"]).value).toBe("select(select(g, f, d < e), c, a < b)");
    expect(jsToWgsl(["return (a + b) * 2.5e-8;"]).value).toBe("(a + b) * 2.5e-8");
  });

  it("gives a comparison's value as 1 or 0 where a number is wanted, and a number's as != 0 where a condition is", () => {
    expect(jsToWgsl(["return (a < b) + 1;"]).value).toBe("select(0.0, 1.0, (a < b)) + 1.0");
    expect(jsToWgsl(["return c ? a : b;"]).value).toBe("select(b, a, (c != 0.0))");
  });

  it("translates Math.pow as gpu.js's _pow (a zero exponent gives 1) and the other Math functions by name", () => {
    expect(jsToWgsl(["return Math.pow(2, h);"]).value).toBe("select(pow(2.0, h), 1.0, h == 0.0)");
    expect(jsToWgsl(["return Math.atan2(Math.abs(y), Math.max(x, 1));"]).value).toBe("atan2(abs(y), max(x, 1.0))");
  });

  it("writes a number past float32's range as its largest, as gpu.js does", () => {
    expect(jsToWgsl(["return 1e39 * x;"]).value).toBe("0x1.fffffep+127 * x");
    expect(jsToWgsl(["return 3.4028234663852886e38 * x;"]).value).toBe("3.4028234663852886e38 * x");
  });

  it("refuses what it does not know, rather than guess", () => {
    for (const src of [["return Math.log1p(x);"], ["return x | 0;"], ["return a[0];"], ["const t = this.thread.x;", "return t;"], ["const a = 1;"], ["return a;", "return b;"]]) {
      expect(() => jsToWgsl(src), src.join(" ")).toThrow(JsWgslError);
    }
    expect(() => jsToWgsl(["return a;"], false)).toThrow(JsWgslError);
    expect(jsToWgsl(["acc = acc + y;"], false)).toEqual({ body: ["acc = acc + y;"], value: null });
  });
});

// ---------------------------------------------------------------------------------------------
// kernels

interface Input {
  readonly shape: readonly number[];
  readonly view: View;
}
interface Case {
  readonly name: string;
  readonly out: readonly number[];
  readonly ins: readonly Input[];
  readonly expr: Expr;
  /** a reduction of the expression over `shape`'s `axes` (the output is the other axes) */
  readonly reduce?: { readonly op: ReduceOp; readonly shape: readonly number[]; readonly axes: readonly number[] };
  /** the expression on plain numbers (float64) */
  readonly f: (xs: readonly number[]) => number;
  /** the outputs per invocation the WGSL kernel takes, or null where there is none */
  readonly per: 16 | 4 | 1 | null;
}

function program(c: Case): Program {
  const buffers = [...c.ins.map((i) => ({ shape: i.shape, dtype: "float32" as const })), { shape: c.out, dtype: "float32" as const }];
  const inputs = c.ins.map((i, b) => ({ buffer: b, view: i.view }));
  const out = c.ins.length;
  const kernel: Kernel = c.reduce
    ? { kind: "reduce", out, op: c.reduce.op, shape: c.reduce.shape, axes: c.reduce.axes, expr: c.expr, inputs }
    : { kind: "elementwise", out, expr: c.expr, inputs };
  return { buffers, inputs: c.ins.map((_, i) => i), kernels: [kernel], outputs: [out] };
}

/** The reference, and for each output the sum of its terms' magnitudes (what a float32 sum's rounding scales with). */
function want(c: Case, data: readonly Float32Array[]): Float64Array & { abs?: Float64Array } {
  const shape = c.reduce?.shape ?? c.out;
  const out: Float64Array & { abs?: Float64Array } = new Float64Array(size(c.out));
  const abs = (out.abs = new Float64Array(out.length));
  const seen = new Uint8Array(out.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < size(shape); f++) {
    let r = f;
    for (let d = shape.length - 1; d >= 0; d--) ((idx[d] = r % shape[d]!), (r = Math.floor(r / shape[d]!)));
    const v = c.f(c.ins.map((inp, j) => viewAt(inp.view, data[j]!, idx) ?? 0));
    const kept = idx.filter((_, d) => !c.reduce?.axes.includes(d));
    const o = kept.reduce((a, i, d) => a * c.out[d]! + i, 0);
    const op = c.reduce?.op;
    abs[o] = abs[o]! + Math.abs(v);
    if (!seen[o]) out[o] = v;
    else if (op === "sum") out[o] = out[o]! + v;
    else if (op === "prod") out[o] = out[o]! * v;
    else if (op === "max") out[o] = Number.isNaN(out[o]!) || Number.isNaN(v) ? NaN : Math.max(out[o]!, v);
    else if (op === "min") out[o] = Number.isNaN(out[o]!) || Number.isNaN(v) ? NaN : Math.min(out[o]!, v);
    seen[o] = 1;
  }
  return out;
}

const x = K.input(0);
const y = K.input(1);
const z = K.input(2);
const cases: Case[] = [
  { name: "rank 1 [16384]: a · b + 1 (16 per invocation, vec4 loads)", out: [16384], ins: [{ shape: [16384], view: plain([16384]) }, { shape: [16384], view: plain([16384]) }], expr: K.add(K.mul(x, y), K.c(1)), f: ([a, b]) => a! * b! + 1, per: 16 },
  {
    name: "rank 2 [1024,16]: a + row bias (stride 0 along the innermost dim) · column bias",
    out: [1024, 16],
    ins: [
      { shape: [1024, 16], view: plain([1024, 16]) },
      { shape: [1024], view: { shape: [1024, 16], strides: [1, 0], offset: 0 } },
      { shape: [16], view: { shape: [1024, 16], strides: [0, 1], offset: 0 } },
    ],
    expr: K.add(x, K.mul(y, z)),
    f: ([a, b, c]) => a! + b! * c!,
    per: 16,
  },
  {
    name: "rank 3 [48,33,12] (12: 4 per invocation), a transposed operand (read one element at a time) and an unaligned offset",
    out: [48, 33, 12],
    ins: [
      { shape: [12, 33, 48], view: { shape: [48, 33, 12], strides: [1, 48, 1584], offset: 0 } },
      { shape: [19009], view: { shape: [48, 33, 12], strides: [396, 12, 1], offset: 1 } },
    ],
    expr: K.sub(K.exp(x), y),
    f: ([a, b]) => Math.exp(a!) - b!,
    per: 4,
  },
  {
    name: "the transcendental forms (long: 4 per invocation): tanh, sin, cos, log, sqrt, pow, atan2",
    out: [256, 64],
    ins: [{ shape: [256, 64], view: plain([256, 64]) }, { shape: [256, 64], view: plain([256, 64]) }],
    expr: K.add(K.add(K.tanh(K.mul(x, K.c(3))), K.mul(K.sin(K.mul(x, K.c(40))), K.cos(y))), K.add(K.add(K.log(K.abs(y)), K.sqrt(K.abs(x))), K.add(K.pow(K.abs(x), y), K.atan2(x, y)))),
    f: ([a, b]) => Math.tanh(3 * a!) + Math.sin(40 * a!) * Math.cos(b!) + (Math.log(Math.abs(b!)) + Math.sqrt(Math.abs(a!))) + (Math.pow(Math.abs(a!), b!) + Math.atan2(a!, b!)),
    per: 4,
  },
  {
    name: "NaN and infinities: max(a, b) + a / b, where(a < b, a, -b)",
    out: [16384],
    ins: [{ shape: [16384], view: plain([16384]) }, { shape: [16384], view: plain([16384]) }],
    expr: K.add(K.add(K.max(x, y), K.div(x, y)), K.where(K.lt(x, y), x, K.neg(y))),
    f: ([a, b]) => (Number.isNaN(a!) || Number.isNaN(b!) ? NaN : Math.max(a!, b!)) + a! / b! + (a! < b! ? a! : -b!),
    per: 16,
  },
  // reductions
  {
    name: "row sums [256,64] -> [256] of a · b - c (one output per invocation, vec4 loads along the sum)",
    out: [256],
    ins: [{ shape: [256, 64], view: plain([256, 64]) }, { shape: [64], view: { shape: [256, 64], strides: [0, 1], offset: 0 } }, { shape: [256, 64], view: plain([256, 64]) }],
    expr: K.sub(K.mul(x, y), z),
    reduce: { op: "sum", shape: [256, 64], axes: [1] },
    f: ([a, b, c]) => a! * b! - c!,
    per: 1,
  },
  {
    name: "column sums [1401,12] -> [12] (4 outputs per invocation, vec4 loads along them)",
    out: [12],
    ins: [{ shape: [1401, 12], view: plain([1401, 12]) }],
    expr: K.mul(x, K.c(2)),
    reduce: { op: "sum", shape: [1401, 12], axes: [0] },
    f: ([a]) => 2 * a!,
    per: 4,
  },
  {
    name: "a sum over two dims that do not merge [96,3,64] -> [3] (an outer reduced loop)",
    out: [3],
    ins: [{ shape: [3, 96, 64], view: { shape: [96, 3, 64], strides: [64, 6144, 1], offset: 0 } }],
    expr: K.tanh(x),
    reduce: { op: "sum", shape: [96, 3, 64], axes: [0, 2] },
    f: ([a]) => Math.tanh(a!),
    per: 1,
  },
  {
    name: "max over rows, NaN wins [2048,8] -> [8]",
    out: [8],
    ins: [{ shape: [2048, 8], view: plain([2048, 8]) }],
    expr: x,
    reduce: { op: "max", shape: [2048, 8], axes: [0] },
    f: ([a]) => a!,
    per: 4,
  },
  {
    name: "min of a row, to a scalar [16384] -> []",
    out: [],
    ins: [{ shape: [16384], view: plain([16384]) }],
    expr: K.neg(x),
    reduce: { op: "min", shape: [16384], axes: [0] },
    f: ([a]) => -a!,
    per: 1,
  },
  {
    name: "prod [4096,4] -> [4096]",
    out: [4096],
    ins: [{ shape: [4096, 4], view: plain([4096, 4]) }],
    expr: K.add(x, K.c(1)),
    reduce: { op: "prod", shape: [4096, 4], axes: [1] },
    f: ([a]) => a! + 1,
    per: 1,
  },
  // left to gpu.js
  {
    name: "an innermost dim of 6 (a broadcast keeps the dims apart)",
    out: [2731, 6],
    ins: [{ shape: [2731, 6], view: plain([2731, 6]) }, { shape: [6], view: { shape: [2731, 6], strides: [0, 1], offset: 0 } }],
    expr: K.sub(x, y),
    f: ([a, b]) => a! - b!,
    per: null,
  },
  {
    name: "a padded view",
    out: [16384],
    ins: [{ shape: [16382], view: { shape: [16384], strides: [1], offset: 0, mask: [{ lo: 1, hi: 16383, step: 1 }] } }],
    expr: K.add(x, K.c(1)),
    f: ([a]) => a! + 1,
    per: null,
  },
  { name: "sums of 6 into 2731 outputs", out: [2731], ins: [{ shape: [2731, 6], view: plain([2731, 6]) }], expr: x, reduce: { op: "sum", shape: [2731, 6], axes: [1] }, f: ([a]) => a!, per: null },
  { name: "fewer than 2^14 elements: [4096]", out: [4096], ins: [{ shape: [4096], view: plain([4096]) }], expr: K.mul(x, x), f: ([a]) => a! * a!, per: null },
  { name: "a reduction of fewer than 2^14 elements: [64,64] -> [64]", out: [64], ins: [{ shape: [64, 64], view: plain([64, 64]) }], expr: x, reduce: { op: "sum", shape: [64, 64], axes: [1] }, f: ([a]) => a!, per: null },
];

const wgslOf = (c: Case) => {
  const p = program(c);
  return wgslElementwise(p.kernels[0]!, p) ?? wgslReduce(p.kernels[0]!, p);
};

describe("the WGSL form", () => {
  for (const c of cases) {
    it(`${c.per === null ? "none" : `${c.per} per invocation`}: ${c.name}`, () => {
      const w = wgslOf(c);
      if (c.per === null) return expect(w).toBe(null);
      expect(w).not.toBe(null);
      expect(Math.ceil(size(c.out) / c.per / 64)).toBe(w!.workgroups[0]);
      // each output stored once: 16 or 4 per invocation as vec4s, 1 as a float
      expect(w!.code.match(/out\[/g)?.length).toBe(c.per === 16 ? 4 : 1);
      expect(w!.code).toMatch(c.per === 1 ? /out : array<f32>/ : /out : array<vec4<f32>>/);
    });
  }

  it("reads vec4s along the innermost dim where an operand is contiguous and aligned, a value once where it is constant", () => {
    const [c0, c1, c2] = [cases[0]!, cases[1]!, cases[2]!];
    expect(wgslOf(c0)!.code.match(/= in\d\[/g)?.length).toBe(8);
    // [6,16]: the full operand as 4 vec4s, the row bias once, the column bias as 4 vec4s
    const b = wgslOf(c1)!.code;
    expect(b).toMatch(/let b1 = i0;/);
    expect(b).toMatch(/let x1_0 = in1\[b1\];/);
    expect(b).not.toMatch(/let x1_1 =/);
    expect(b.match(/= in\d\[/g)?.length).toBe(4 + 1 + 4);
    // the transposed and the unaligned operands, element by element (bound as floats)
    expect(wgslOf(c2)!.code).not.toMatch(/vec4<f32>>;\n.*in/);
  });

  it("leaves int32 values and kernels that read nothing to gpu.js", () => {
    const p: Program = {
      buffers: [{ shape: [8], dtype: "int32" }, { shape: [8], dtype: "int32" }],
      inputs: [0],
      kernels: [{ kind: "elementwise", out: 1, expr: K.add(K.input(0, "int32"), K.c(1, "int32")), inputs: [{ buffer: 0, view: plain([8]) }] }],
      outputs: [1],
    };
    expect(wgslElementwise(p.kernels[0]!, p)).toBe(null);
    const fill: Program = { buffers: [{ shape: [8], dtype: "float32" }], inputs: [], kernels: [{ kind: "elementwise", out: 0, expr: K.c(2), inputs: [] }], outputs: [0] };
    expect(wgslElementwise(fill.kernels[0]!, fill)).toBe(null);
  });

  it("leaves a kernel that would bind more than WebGPU's 8 storage buffers to gpu.js (which splits it)", () => {
    const kernel = (n: number): Program => {
      const ins = Array.from({ length: n }, (_, j) => j);
      return {
        buffers: [...ins.map(() => ({ shape: [16384], dtype: "float32" as const })), { shape: [16384], dtype: "float32" as const }],
        inputs: ins,
        kernels: [{ kind: "elementwise", out: n, expr: ins.slice(1).reduce((e: Expr, j) => K.add(e, K.input(j)), K.input(0)), inputs: ins.map((b) => ({ buffer: b, view: plain([16384]) })) }],
        outputs: [n],
      };
    };
    expect(wgslElementwise(kernel(7).kernels[0]!, kernel(7))).not.toBe(null);
    expect(wgslElementwise(kernel(8).kernels[0]!, kernel(8))).toBe(null);
  });

  it("spreads a grid past the device's workgroups per dim over y", () => {
    const c: Case = { name: "", out: [4096, 64], ins: [{ shape: [4096, 64], view: plain([4096, 64]) }], expr: K.neg(x), f: ([a]) => -a!, per: 16 };
    const p = program(c);
    expect(wgslElementwise(p.kernels[0]!, p)!.workgroups).toEqual([256, 1, 1]);
    const w = wgslElementwise(p.kernels[0]!, p, 100)!;
    expect(w.workgroups).toEqual([100, 3, 1]);
    expect(w.code).toMatch(/let t = i32\(g\.x \+ g\.y \* 6400u\);/);
    expect(wgslElementwise(p.kernels[0]!, p, 10)).toBe(null);
  });
});

const webgpu = (await gpujsWebgpu.ready(4000)) === null;

it.runIf(/^(1|true)$/i.test(process.env["CI"] ?? ""))("has a WebGPU adapter under CI=true (the WebGPU cases must not quietly vanish)", () => {
  expect(webgpu).toBe(true);
});

async function run(b: GpuJsBackend, p: Program, inputs: readonly Float32Array[]): Promise<{ out: Float32Array; launches: number; wgslElementwise: number; hostGraphs: number }> {
  const before = { ...b.stats };
  const ins = inputs.map((d, i) => b.fromHost(new HostArray(d, p.buffers[p.inputs[i]!]!.shape, "float32")));
  const [o] = b.run(p, ins);
  const out = (await b.toHost(o!)).data as Float32Array;
  return { out, launches: b.stats.launches - before.launches, wgslElementwise: b.stats.wgslElementwise - before.wgslElementwise, hostGraphs: b.stats.hostGraphs - before.hostGraphs };
}

describe.runIf(webgpu)("gpujs:webgpu: WGSL elementwise kernels and reductions against a float64 loop and the gpu.js kernel", () => {
  const gpujsKernels = new GpuJsBackend("webgpu");
  gpujsKernels.wgslElementwise = false;
  for (const c of cases) {
    it(c.name, async () => {
      const data = c.ins.map((inp, j) => rand(size(inp.shape), 5 + 3 * j + size(inp.shape)));
      if (c.name.startsWith("NaN")) {
        data[0]!.set([NaN, Infinity, -Infinity, 1, 0, -0], 0);
        data[1]!.set([2, 3, 0.5, NaN, 0, 0], 0);
      }
      if (c.name.startsWith("max")) data[0]![8 * 500 + 3] = NaN;
      const p = program(c);
      const r = await run(gpujsWebgpu, p, data);
      expect(r).toMatchObject({ hostGraphs: 0, launches: 1, wgslElementwise: c.per === null ? 0 : 1 });
      const w = want(c, data);
      expect(r.out.length).toBe(w.length);
      for (let i = 0; i < w.length; i++) {
        const got = r.out[i]!;
        const v = w[i]!;
        const tol = 2e-5 * Math.max(1, Math.abs(v)) + (c.reduce?.op === "sum" ? 1e-6 * w.abs![i]! : 0);
        if (!Number.isFinite(v)) expect(got, `element ${i}`).toBe(v);
        else if (Math.abs(got - v) > tol) throw new Error(`${c.name}: element ${i}: got ${got}, want ${v}`);
      }
      // the gpu.js kernel of the same expression: the same WGSL operations, so the same bits
      const g = await run(gpujsKernels, p, data);
      expect(g).toMatchObject({ hostGraphs: 0, launches: 1, wgslElementwise: 0 });
      expect(Array.from(r.out), c.name).toEqual(Array.from(g.out));
    });
  }

  it("runs an elementwise kernel whose WGSL shader fails as the gpu.js kernel: that call and later ones", async () => {
    const c = cases[0]!;
    const p = program(c);
    const b = new GpuJsBackend("webgpu");
    expect(await b.ready()).toBe(null);
    const data = [rand(16384, 81), rand(16384, 82)];
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const proto = (globalThis as unknown as { GPUDevice: { prototype: { createShaderModule(d: { code: string }): unknown } } }).GPUDevice.prototype;
    const make = proto.createShaderModule;
    const code = wgslOf(c)!.code;
    const shader = vi.spyOn(proto, "createShaderModule").mockImplementation(function (this: unknown, d) {
      return make.call(this, d.code === code ? { ...d, code: d.code.replace("fn main(", "fn broken(") } : d);
    });
    try {
      const first = await run(b, p, data);
      expect(first).toMatchObject({ hostGraphs: 0, launches: 2, wgslElementwise: 1 });
      const said = warn.mock.calls.map((w) => String(w[0])).filter((l) => l.includes("a WGSL kernel failed"));
      expect(said.length).toBe(1);
      expect(said[0]).toMatch(/it runs as a gpu\.js kernel instead$/);
      const next = await run(b, p, data);
      expect(next).toMatchObject({ hostGraphs: 0, launches: 1, wgslElementwise: 0 });
      const w = want(c, data);
      for (const r of [first, next]) w.forEach((v, i) => expect(Math.abs(r.out[i]! - v)).toBeLessThan(1e-5));
    } finally {
      shader.mockRestore();
      warn.mockRestore();
    }
  });
});
