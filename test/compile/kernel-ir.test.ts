/**
 * The kernel IR as a contributor meets it: a new unary op fuses everywhere, pad/concatenate/int
 * work compiles, deep chains compile, nested jits stay one call through the transformations.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { add, cbrt, concatenate, grad, index, jit, makeGraph, mul, ones, slice, softplus, sum, tensor, vmap, where, greater, diagonal, type Tensor } from "../../src/index.js";
import { fuse } from "../../src/compile/fusion.js";
import { optimize } from "../../src/compile/passes.js";
import { gpujsCpu, gpujsWebasm, type GpuJsBackend } from "../../src/backend/gpujs/backend.js";
import { wasmBackend } from "../../src/backend/wasm/backend.js";
import { defaultBackend, setBackend } from "../../src/runtime/registry.js";
import type { Backend } from "../../src/ir/backend.js";
import { generate } from "../../src/backend/gpujs/codegen.js";

const kinds = (g: sg.Graph) => fuse(optimize(g)).kernels.map((k) => k.kind);

/** Runs `f` with `b` as the default backend. */
function on<R>(b: Backend, f: () => R): R {
  const saved = defaultBackend();
  setBackend(b);
  try {
    return f();
  } finally {
    setBackend(saved);
  }
}

const softplusCbrt = (x: Tensor<[256]>) => mul(softplus(cbrt(x)), 2);
const xs = () => tensor(Float32Array.from({ length: 256 }, (_, i) => (i - 128) / 7 + 0.05), [256]);
const exact = (v: number) => 2 * Math.log1p(Math.exp(-Math.abs(Math.cbrt(v)))) + 2 * Math.max(Math.cbrt(v), 0);

describe("a new unary op (cbrt) fuses on every backend", () => {
  it("softplus(cbrt(x)) * 2 is one elementwise kernel", () => {
    expect(kinds(makeGraph(softplusCbrt)(xs()))).toEqual(["elementwise"]);
  });
  it("on wasm: the fused kernel agrees with Math.cbrt", () => {
    const out = on(wasmBackend, () => jit(softplusCbrt)(xs()).dataSync());
    const x = xs().dataSync();
    x.forEach((v, i) => expect(Math.abs(out[i]! - exact(v))).toBeLessThanOrEqual(4e-6 * Math.max(1, Math.abs(exact(v)))));
  });
  for (const b of [gpujsCpu, gpujsWebasm] as GpuJsBackend[]) {
    it(`on ${b.name}: one kernel launch, no host step, no fallback`, () => {
      const f = jit(softplusCbrt);
      const x = on(b, () => sg.tensor(xs().dataSync(), [256]));
      const before = { ...b.stats };
      const out = on(b, () => f(x).dataSync());
      expect(b.stats.launches - before.launches).toBe(1);
      expect(b.stats.hostSteps - before.hostSteps).toBe(0);
      expect(b.stats.hostGraphs - before.hostGraphs).toBe(0);
      const xv = xs().dataSync();
      xv.forEach((v, i) => expect(Math.abs(out[i]! - exact(v))).toBeLessThanOrEqual(4e-6 * Math.max(1, Math.abs(exact(v)))));
    });
  }
  it("cbrt's derivative is 1 / (3 cbrt(x)²), also for negative x", () => {
    const x = tensor([-8, -1, 0.125, 1, 27], "float64" as never) as unknown as Tensor<[5], "float64">;
    const d = vmap(grad((v: Tensor<[], "float64">) => cbrt(v)))(x).dataSync();
    [-8, -1, 0.125, 1, 27].forEach((v, i) => expect(d[i]).toBeCloseTo(1 / (3 * Math.cbrt(v) ** 2), 12));
  });
});

describe("no host steps for ordinary work on gpu.js", () => {
  const f = (x: Tensor<[6, 6]>) =>
    sum(mul(concatenate([slice(x, [[0, 3]]), index(x, 1).reshape([1, 6]), where(greater(x, 0), x, mul(x, 0.5))], 0), 1.5)) as Tensor<[]>;
  const g = (x: Tensor<[6, 6]>) => add(f(x), sum(diagonal(x)));
  const x0 = () => tensor(Float32Array.from({ length: 36 }, (_, i) => Math.sin(i + 1)), [6, 6]);
  for (const b of [gpujsCpu, gpujsWebasm] as GpuJsBackend[]) {
    it(`${b.name}: a jitted gradient through index, slice, diagonal, concatenate and where has zero host steps`, () => {
      const dg = jit(grad(g));
      const x = on(b, () => sg.tensor(x0().dataSync(), [6, 6]));
      const before = { ...b.stats };
      const got = on(b, () => dg(x).dataSync());
      expect(b.stats.hostSteps - before.hostSteps).toBe(0);
      expect(b.stats.hostGraphs - before.hostGraphs).toBe(0);
      expect(b.stats.launches - before.launches).toBeGreaterThan(0);
      const want = on(wasmBackend, () => grad(g)(x0()).dataSync());
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    });
  }
  it("int32 and bool arithmetic, comparisons and int reductions compile to kernels (no opaque step)", () => {
    const h = (a: Tensor<[5], "int32">, b: Tensor<[5], "int32">) => sum(where(greater(a, b), sg.div(a, b).astype("int32"), mul(a, b)));
    const a = tensor(Int32Array.from([7, -7, 3, 9, 0]), [5]);
    const b = tensor(Int32Array.from([2, 2, 5, -4, 1]), [5]);
    expect(kinds(makeGraph(h)(a, b))).not.toContain("opaque");
    const want = [7, -7, 3, 9, 0].reduce((s, v, i) => {
      const w = [2, 2, 5, -4, 1][i]!;
      return s + (v > w ? Math.trunc(v / w) : v * w);
    }, 0);
    for (const be of [wasmBackend, gpujsCpu, gpujsWebasm]) expect(on(be, () => jit(h)(a, b).item())).toBe(want);
  });
});

describe("deep fused chains compile (no nesting with the chain's length)", () => {
  const chain = (n: number) => (x: Tensor<[2]>) => {
    let y: Tensor<[2]> = x;
    for (let i = 0; i < n; i++) y = mul(add(y, 1), 0.5);
    return y;
  };
  // y -> (y + 1) / 2 converges to 1; from 1 it stays 1 exactly
  // gpu.js parses each kernel's source itself, slowly (a 10,000-op kernel takes it ~100 s), so it
  // gets the 1,000-op chain; the wasm backend's two renderers (JS on [2], SIMD on [4096]) get both
  for (const [n, backends] of [[1000, [wasmBackend, gpujsCpu]], [10_000, [wasmBackend]]] as const) {
    for (const b of backends as readonly Backend[]) {
      it(`${n} ops on [2] and [4096] on ${b.name}`, () => {
        expect(on(b, () => jit(chain(n))(ones([2])).dataSync())).toEqual(new Float32Array([1, 1]));
        const big = on(b, () => jit((x: Tensor<[4096]>) => chain(n)(x as never) as never)(ones([4096])) as Tensor<[4096]>);
        expect(on(b, () => big.dataSync()).every((v) => v === 1)).toBe(true);
      });
    }
  }
});

describe("the gpu.js renderer does not nest with the chain's length either", () => {
  it("a 10,000-op chain is one kernel of flat statements (running it is left to the 1,000-op test: gpu.js parses its own input slowly)", () => {
    const f = (x: Tensor<[4096]>) => {
      let y: Tensor<[4096]> = x;
      for (let i = 0; i < 10_000; i++) y = mul(add(y, 1), 0.5);
      return y;
    };
    const program = fuse(optimize(makeGraph(f)(ones([4096]))));
    expect(program.kernels.map((k) => k.kind)).toEqual(["elementwise"]);
    const g = generate(program.kernels[0]!, program, "webgpu");
    expect(g.ok).toBe(true);
    if (!g.ok) return;
    let depth = 0;
    let deepest = 0;
    for (const ch of g.kernel.body) {
      if (ch === "(") deepest = Math.max(deepest, ++depth);
      if (ch === ")") depth--;
    }
    expect(deepest).toBeLessThanOrEqual(4);
    expect(g.kernel.body.split("\n").length).toBeGreaterThan(20_000);
    expect(() => new Function(...g.kernel.params, g.kernel.body)).not.toThrow();
  });
});

describe("a nested jit is a call primitive", () => {
  const inner = jit((x: Tensor<[3]>) => mul(x, x));
  it("appears as one call equation in the enclosing trace", () => {
    const g = makeGraph((x: Tensor<[3]>) => add(inner(x), 1))(tensor([1, 2, 3]));
    // the product is inside the call; the enclosing graph adds 1 to its result
    const names = g.eqns.map((e) => e.prim.name);
    expect(names.filter((n) => n === "call")).toHaveLength(1);
    expect(names).toContain("add");
    expect(names).not.toContain("mul");
  });
  it("is traced once per signature inside transformations too, without counting as the function's trace", () => {
    const called = (g: sg.Graph) => (g.eqns.find((e) => e.prim.name === "call")!.params as { graph: sg.Graph }).graph;
    const f = (x: Tensor<[3]>) => add(inner(x), 1);
    const a = called(makeGraph(f)(tensor([1, 2, 3])));
    const b = called(makeGraph(f)(tensor([4, 5, 6])));
    expect(b).toBe(a);
    expect(called(makeGraph((x: Tensor<[2]>) => inner(x as never))(tensor([1, 2])))).not.toBe(a);
    expect(inner.traceCount).toBe(0);
  });
  it("grad, vmap and jvp transform the called graph, with the same values as the inlined function", () => {
    const x = tensor([1, 2, 3]);
    const f = (v: Tensor<[3]>) => sum(inner(v)) as Tensor<[]>;
    expect(grad(f)(x).dataSync()).toEqual(new Float32Array([2, 4, 6]));
    expect(jit(grad(f))(x).dataSync()).toEqual(new Float32Array([2, 4, 6]));
    const rows = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(vmap(grad(f))(rows).dataSync()).toEqual(new Float32Array([2, 4, 6, 8, 10, 12]));
    const gg = makeGraph(grad(f))(x);
    expect(gg.eqns.some((e) => e.prim.name === "call")).toBe(true);
    // forward mode: d/dt sum((x + t v)²) = 2 x·v
    const [, tangent] = sg.jvp(f, [x], [tensor([1, 0, 2])]);
    expect(tangent.item()).toBe(2 * 1 + 2 * 3 * 2);
    const hess = sg.hessian(f)(x).dataSync();
    expect(Array.from(hess)).toEqual([2, 0, 0, 0, 2, 0, 0, 0, 2]);
  });
});

describe("an eager call equation computes only its output", () => {
  it("grad of one output of a four-output jit runs one kernel per program on wasm", () => {
    const sizes: number[] = [];
    const run = wasmBackend.run;
    (wasmBackend as { run: typeof run }).run = (p, ins) => (sizes.push(p.kernels.length), run(p, ins));
    try {
      const f = sg.jit((y: Tensor<[3]>) => [sg.exp(y), sg.sin(y), sg.cos(y), sg.tanh(y)]);
      const g = sg.grad((x: Tensor<[3]>) => sg.sum(f(x)[0]))(sg.tensor([1, 2, 3]));
      expect(Array.from(g.dataSync())).toEqual([1, 2, 3].map((v) => Math.fround(Math.exp(v))));
    } finally {
      (wasmBackend as { run: typeof run }).run = run;
    }
    expect(Math.max(...sizes)).toBe(1);
  });
});
