/**
 * The gpu.js backends against the reference interpreter. gpu.js computes in float32 (webasm: every
 * operation rounded to float32; cpu: JS doubles inside a kernel, float32 between kernels), the
 * reference in double rounded to float32 per operation, so results agree to float32 accuracy:
 * |got - want| <= ATOL · max|want| + RTOL · |want| with RTOL = 1e-4 and ATOL = 1e-5 (the scale
 * term covers sums whose terms cancel). WebGPU has no adapter on this machine: its tests here check
 * only what runs without one (the probe, the async-only contract, the fallback).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as sg from "../../src/index.js";
import { defaultBackend, setBackend } from "../../src/runtime/registry.js";
import type { Backend } from "../../src/ir/backend.js";
import { gpujsCpu, gpujsWebasm, gpujsWebgpu, GpuJsBackend, type GpuJsStats } from "../../src/backend/gpujs/backend.js";
import { generate } from "../../src/backend/gpujs/codegen.js";
import { shaderForms } from "../../src/backend/gpujs/shader-forms.js";
import { initBackend } from "../../src/runtime/init.js";
import { probeWebGPU, resetWebGPUProbe } from "../../src/backend/gpujs/webgpu-node.js";
import { K, topo, type Kernel, type Program } from "../../src/ir/kernel.js";

const S: any = sg;
const { add, sub, mul, div, tanh, exp, sqrt, square, matmul, sum, mean, max, min, prod, grad, vmap, jit, random, transpose, reshape, slice, concatenate, stack, dot, maximum } = S;

const RTOL = 1e-4;
const ATOL = 1e-5;

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) {
    const tol = ATOL * Math.max(scale, 1e-3) + RTOL * Math.abs(want[i]!);
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      throw new Error(`${what}: element ${i}: got ${got[i]}, want ${want[i]} (tolerance ${tol.toExponential(2)})`);
    }
  }
}

const keys = (n: number, seed = 0) => random.split(random.key(seed), n);
const normal = (k: unknown, shape: number[]) => random.normal(k, shape);

/** Runs `f` on the reference backend and on `backend`, returns both results flattened. */
async function both(backend: string, f: () => any): Promise<{ got: Float32Array[]; want: Float32Array[] }> {
  setBackend("ref");
  const r = f();
  const want = await Promise.all((Array.isArray(r) ? r : [r]).map((t: any) => t.data()));
  setBackend(backend as any);
  const g = f();
  const got = await Promise.all((Array.isArray(g) ? g : [g]).map((t: any) => t.data()));
  return { got, want };
}

async function check(backend: string, what: string, f: () => any): Promise<void> {
  const { got, want } = await both(backend, f);
  got.forEach((g, i) => expectClose(g, want[i]!, `${backend} ${what} [output ${i}]`));
}

const snapshot = (s: GpuJsStats): GpuJsStats => ({ ...s });
const delta = (b: GpuJsBackend, before: GpuJsStats) => {
  const s = b.stats;
  return { kernels: s.kernels - before.kernels, launches: s.launches - before.launches, hostSteps: s.hostSteps - before.hostSteps, hostGraphs: s.hostGraphs - before.hostGraphs };
};

let saved: Backend;
beforeEach(() => {
  saved = defaultBackend();
});
afterEach(() => {
  setBackend(saved);
  vi.restoreAllMocks();
});

for (const [name, backend] of [
  ["gpujs:cpu", gpujsCpu],
  ["gpujs:webasm", gpujsWebasm],
] as const) {
  describe(name, () => {
    // inputs are built once, on the reference backend, and moved by each op; then the project's
    // backend is back (this runs while collecting, before any beforeEach has saved it)
    const project = defaultBackend();
    setBackend("ref");
    const [k1, k2, k3, k4, k5, k6] = keys(6, 1);
    const a = normal(k1, [6, 5]);
    const b = normal(k2, [5]);
    const c = normal(k3, [5, 6]);
    const x3 = normal(k4, [3, 4, 5]);
    const y3 = normal(k5, [3, 5, 2]);
    const long = normal(k6, [3, 5000]);
    setBackend(project);

    it("elementwise chains with broadcasting, transposes, slices and reshapes", async () => {
      const before = snapshot(backend.stats);
      await check(name, "task-1 chain", () => add(mul(sqrt(add(square(a), square(b))), tanh(a)), 1));
      await check(name, "broadcast + transpose view", () => div(exp(mul(transpose(c), 0.5)), add(b, 3)));
      await check(name, "rank-3 transposed view", () => sub(tanh(transpose(x3, [2, 0, 1])), reshape(x3, [5, 3, 4])));
      await check(name, "strided slice view", () => mul(slice(a, [[1, 6, 2], [0, 5, 2]]), 2));
      await check(name, "maximum / minimum / where", () => maximum(a, mul(b, 0.5)));
      await check(name, "integer powers and logistic-free chain", () => sub(mul(square(a), a), div(1, add(square(a), 1))));
      const d = delta(backend, before);
      expect(d.hostSteps).toBe(0);
      expect(d.hostGraphs).toBe(0);
      expect(d.launches).toBeGreaterThan(0);
    });

    it("infinite and NaN constants (a -Infinity mask, nanToNum's infinities) stay on the device", async () => {
      const before = snapshot(backend.stats);
      const mask = S.greater(a, mul(b, 0.3));
      // a masked softmax: every row keeps at least its largest entry
      const rowMax = S.equal(a, max(a, 1, true));
      const masked = () => S.nn.softmax(S.where(S.logicalOr(mask, rowMax), a, -Infinity), -1);
      const specials = () => [S.where(mask, a, Infinity), S.where(mask, NaN, a), S.nanToNum(S.where(mask, NaN, a), { nan: -Infinity })];
      const { got, want } = await both(name, () => [masked(), ...specials()]);
      expectClose(got[0]!, want[0]!, `${name} masked softmax`);
      for (let i = 1; i < got.length; i++) {
        const finite = (v: ArrayLike<number>) => Array.from(v).map((x) => (Number.isFinite(x) ? x : 0));
        expect(Array.from(got[i]!).map((x) => (Number.isFinite(x) ? "f" : String(x)))).toEqual(Array.from(want[i]!).map((x) => (Number.isFinite(x) ? "f" : String(x))));
        expectClose(finite(got[i]!), finite(want[i]!), `${name} specials [${i}]`);
      }
      const d = delta(backend, before);
      expect(d.hostGraphs).toBe(0);
      expect(d.launches).toBeGreaterThan(0);
    });

    it("reductions over any axes, fused with their producers, with long loops not cut", async () => {
      const before = snapshot(backend.stats);
      await check(name, "sum axis 0", () => sum(a, 0));
      await check(name, "sum axes [0, 2]", () => sum(x3, [0, 2]));
      await check(name, "mean of squares (fused producer)", () => mean(square(tanh(x3))));
      await check(name, "max / min / prod", () => [max(x3, 1), min(x3, [0, 1]), prod(add(mul(x3, 0.1), 1), 2)]);
      await check(name, "sum over 5000 (loop above gpu.js's default 1000)", () => sum(long, 1));
      await check(name, "max over a transposed view", () => max(transpose(x3, [1, 0, 2]), [1, 2]));
      expect(delta(backend, before).hostSteps).toBe(0);
    });

    it("matmuls: plain, batched, transposed operands, long contraction", async () => {
      const before = snapshot(backend.stats);
      await check(name, "[6,5]@[5,6]", () => matmul(a, c));
      await check(name, "transposed lhs and rhs", () => matmul(transpose(c), transpose(a)));
      await check(name, "batched [3,4,5]@[3,5,2]", () => matmul(x3, y3));
      await check(name, "batched with a transposed operand", () => matmul(transpose(y3, [0, 2, 1]), transpose(x3, [0, 2, 1])));
      await check(name, "vector dot", () => dot(b, b));
      await check(name, "K = 5000", () => matmul(long, transpose(long)));
      expect(delta(backend, before).hostSteps).toBe(0);
    });

    it("an MLP gradient (grad of mean(out²)) and jit", async () => {
      setBackend("ref");
      const ks = keys(6, 2);
      const P = {
        W1: mul(normal(ks[0], [2, 16]), 0.5),
        b1: mul(normal(ks[1], [16]), 0.1),
        W2: mul(normal(ks[2], [16, 16]), 0.3),
        b2: mul(normal(ks[3], [16]), 0.1),
        W3: mul(normal(ks[4], [16, 1]), 0.3),
      };
      const x = normal(ks[5], [64, 2]);
      const loss = (p: typeof P, x: any) => {
        const h = tanh(add(matmul(tanh(add(matmul(x, p.W1), p.b1)), p.W2), p.b2));
        return mean(square(matmul(h, p.W3)));
      };
      const g = (p: typeof P) => Object.values(grad(loss)(p, x));
      const before = snapshot(backend.stats);
      await check(name, "grad MLP", () => g(P));
      const jg = jit((p: typeof P, x: any) => grad(loss)(p, x));
      await check(name, "jit(grad MLP)", () => Object.values(jg(P, x)));
      await check(name, "jit(grad MLP) again (cached plan)", () => Object.values(jg(P, x)));
      expect(delta(backend, before).hostSteps).toBe(0);
    });

    it("vmap(grad(grad(u))) of an MLP 1-16-16-1", async () => {
      setBackend("ref");
      const ks = keys(5, 3);
      const W1 = normal(ks[0], [16]);
      const W2 = mul(normal(ks[1], [16, 16]), 0.3);
      const b2 = normal(ks[2], [16]);
      const W3 = normal(ks[3], [16]);
      const xs = normal(ks[4], [64]);
      const u = (x: any) => dot(tanh(add(matmul(tanh(mul(W1, x)), W2), b2)), W3);
      await check(name, "vmap(grad(grad(u)))", () => vmap(grad(grad(u)))(xs));
      await check(name, "jit(vmap(grad(grad(u))))", () => jit(vmap(grad(grad(u))))(xs));
    });

    it("concatenate, stack and strided copies compile to kernels (no host step between kernels)", async () => {
      const before = snapshot(backend.stats);
      await check(name, "concatenate", () => tanh(concatenate([a, mul(a, 2)], 1)));
      await check(name, "stack", () => sum(stack([b, mul(b, 3)], 0), 0));
      // negative strides (rev): in a plain, a masked and a reduced read
      await check(name, "flip", () => tanh(sg.flip(a)));
      await check(name, "flip + pad", () => sg.pad(sg.flip(mul(a, 2), 1), 1, { mode: "reflect" }));
      await check(name, "flip + sum", () => sum(sg.flip(a, 0), 0));
      const d = delta(backend, before);
      expect(d.hostSteps).toBe(0);
      expect(d.launches).toBeGreaterThan(0);
      expect(d.hostGraphs).toBe(0);
    });

    it("float64 graphs run on the wasm backend, and it says so once", async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      const before = snapshot(backend.stats);
      setBackend("ref");
      const x = random.normal(random.key(9), [8, 8], "float64");
      const want = await tanh(matmul(x, x)).data();
      setBackend(name);
      const got1 = await tanh(matmul(x, x)).data();
      const got2 = await add(x, 1).data();
      expect(got1).toBeInstanceOf(Float64Array);
      expectClose(got1, want, "float64 matmul");
      expect(got2[0]).toBe(x.dataSync()[0] + 1);
      expect(delta(backend, before).hostGraphs).toBeGreaterThan(0);
      const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes("float64"));
      expect(lines.length).toBeLessThanOrEqual(1);
    });

    it("reads synchronously: dataSync, toArray and item work", () => {
      setBackend(name);
      const t = add(sg.tensor([[1, 2], [3, 4]]), 1);
      expect(t.toArray()).toEqual([[2, 3], [4, 5]]);
      expect(sum(t).item()).toBe(14);
    });
  });
}

describe("gpu.js code generation", () => {
  it("never gives an array past 2^24 elements to a float32-indexed mode", () => {
    const aval = { shape: [2 ** 24 + 8], dtype: "float32" } as const;
    const program: Program = { buffers: [aval, aval], inputs: [0], kernels: [], outputs: [1] };
    const copy: Kernel = { kind: "elementwise", out: 1, expr: K.input(0), inputs: [{ buffer: 0, view: { shape: aval.shape, strides: [1], offset: 0 } }] };
    expect(generate(copy, program, "webasm").ok).toBe(false);
    expect(generate(copy, program, "webgpu").ok).toBe(false);
    expect(generate(copy, program, "cpu").ok).toBe(true);
  });

  it("the GL modes get the webgpu forms of the IEEE special cases (their builtins lose them the same way)", () => {
    // 3 elements: one output per thread on webgpu too (4 would be a blocked kernel there)
    const aval = { shape: [3], dtype: "float32" } as const;
    const program: Program = { buffers: [aval, aval], inputs: [0], kernels: [], outputs: [1] };
    const x = K.input(0);
    // sign(-0), max/min of two zeros, atan2 at y = 0, log1p near 0, NaN through exp and max
    const expr = [K.sign(x), K.max(x, K.c(0)), K.min(K.c(0), x), K.atan2(x, K.c(-1)), K.log1p(x), K.exp(x)].reduce((a, b) => K.add(a, b));
    const kernel: Kernel = { kind: "elementwise", out: 1, expr, inputs: [{ buffer: 0, view: { shape: [3], strides: [1], offset: 0 } }] };
    const body = (mode: "webgpu" | "webgl2" | "webgl" | "headlessgl" | "webasm") => {
      const g = generate(kernel, program, mode);
      if (!g.ok) throw new Error(g.reason);
      return g.kernel.body;
    };
    for (const mode of ["webgl2", "webgl", "headlessgl"] as const) expect(body(mode), mode).toBe(body("webgpu"));
    expect(body("webasm")).not.toBe(body("webgpu"));
    // the forms in the kernel IR (shader-forms.ts): log(0) is -Infinity, read from a buffer
    const log = shaderForms({ ...program, kernels: [{ ...kernel, expr: K.log(x) }] }).kernels[0]!;
    const consts = log.kind === "elementwise" ? topo(log.expr).filter((e) => e.op === "const").map((e) => e.value) : [];
    expect(consts).toContain(-Infinity);
    expect(consts.some(Number.isNaN)).toBe(true);
  });

  it("emits loops with literal bounds and raises loopMaxIterations above them", () => {
    const program: Program = { buffers: [{ shape: [3, 5000], dtype: "float32" }, { shape: [3], dtype: "float32" }], inputs: [0], kernels: [], outputs: [1] };
    const g = generate(
      { kind: "reduce", out: 1, op: "sum", expr: K.input(0), inputs: [{ buffer: 0, view: { shape: [3, 5000], strides: [5000, 1], offset: 0 } }], shape: [3, 5000], axes: [1] },
      program,
      "webgpu",
    );
    expect(g.ok).toBe(true);
    if (!g.ok) return;
    expect(g.kernel.body).toMatch(/k0 < 5000/);
    expect(g.kernel.loopMax).toBeGreaterThan(5000);
  });
});

describe("gpujs:webgpu without an adapter", () => {
  it("the probe answers (no adapter here) without crashing or hanging", async () => {
    resetWebGPUProbe();
    const t0 = performance.now();
    const r = await probeWebGPU(3000);
    expect(performance.now() - t0).toBeLessThan(10_000);
    if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
  });

  it("a requestAdapter that never answers is cut off by the time box", async () => {
    resetWebGPUProbe();
    const g = globalThis as { navigator?: unknown };
    const had = Object.getOwnPropertyDescriptor(globalThis, "navigator");
    Object.defineProperty(globalThis, "navigator", { value: { gpu: { requestAdapter: () => new Promise(() => {}) } }, configurable: true, writable: true });
    try {
      const r = await probeWebGPU(200);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/within 200 ms/);
    } finally {
      if (had) Object.defineProperty(globalThis, "navigator", had);
      else delete g.navigator;
      resetWebGPUProbe();
    }
  });

  it("initBackend keeps wasm when no adapter answers and says why in one line, once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const env = process.env["SHAPEGRAD_BACKEND"];
    delete process.env["SHAPEGRAD_BACKEND"];
    try {
      const r = await probeWebGPU(3000);
      if (r.ok) return; // a machine with a GPU: nothing to check here
      const b1 = await initBackend({ timeoutMs: 3000 });
      const b2 = await initBackend({ timeoutMs: 3000 });
      expect(b1.name).toBe("wasm");
      expect(b2.name).toBe("wasm");
      const lines = warn.mock.calls.map((c) => String(c[0]));
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/^shapegrad: .*; using wasm/);
    } finally {
      if (env !== undefined) process.env["SHAPEGRAD_BACKEND"] = env;
    }
  });

  it("forced without an adapter, it computes on wasm, reads with await t.data(), and dataSync says so", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    if ((await gpujsWebgpu.ready(3000)) === null) return; // an adapter answered: covered by bench/gpu-check.ts
    setBackend("ref");
    const x = random.normal(random.key(4), [16, 8]);
    const want = await tanh(matmul(x, transpose(x))).data();
    setBackend("gpujs:webgpu");
    const t = tanh(matmul(x, transpose(x)));
    expect(() => t.dataSync()).toThrow(/await t\.data\(\)/);
    expect(() => t.toArray()).toThrow(/await t\.data\(\)/);
    expectClose(await t.data(), want, "webgpu fallback");
    // once read, the value is on the host and synchronous reads work
    expect(t.dataSync().length).toBe(256);
    expect(warn.mock.calls.some((c) => /gpujs:webgpu: .*wasm backend/.test(String(c[0])))).toBe(true);
  });
});
