import { describe, expect, it } from "vitest";
import { add, grad, makeGraph, matmul, mean, mul, random, reshape, sqrt, square, tanh, tensor, vmap, dot, sum, type Tensor } from "../../src/index.js";
import { optimize } from "../../src/compile/passes.js";
import { fuse } from "../../src/compile/fusion.js";
import type { Graph } from "../../src/ir/graph.js";
import { sizeOf } from "../../src/ir/aval.js";

const kinds = (g: Graph) => fuse(optimize(g)).kernels.map((k) => (k.kind === "opaque" ? `opaque:${k.name}` : k.kind));
const largest = (g: Graph) => Math.max(...g.eqns.map((e) => sizeOf(e.out.aval.shape)));

describe("compiler", () => {
  it("fuses an elementwise chain with broadcasting into one kernel", () => {
    const f = (a: Tensor<[1000]>, b: Tensor<[1000]>) => add(mul(sqrt(add(square(a), square(b))), tanh(a)), 1);
    const x = random.normal(random.key(0), [1000]);
    expect(kinds(makeGraph(f)(x, x))).toEqual(["elementwise"]);
  });

  it("reads broadcasts and transposes in place instead of copying them", () => {
    const f = (a: Tensor<[8, 16]>, b: Tensor<[16]>) => tanh(add(a, b)).transpose().mul(2);
    const a = random.normal(random.key(1), [8, 16]);
    const b = random.normal(random.key(2), [16]);
    // tanh(a + b) is one kernel reading b broadcast; the transpose becomes the input strides of
    // the second kernel: no copy step anywhere
    expect(kinds(makeGraph(f)(a, b))).toEqual(["elementwise", "elementwise"]);
  });

  it("removes the multiplications by one and additions of zero that grad leaves", () => {
    const f = (x: Tensor<[3]>) => sum(mul(x, x));
    const raw = makeGraph(grad(f))(tensor([1, 2, 3]));
    expect(raw.eqns.some((e) => e.prim.name === "broadcast_in_dim")).toBe(true);
    // d/dx sum(x*x) = x + x once the seed's ones are gone
    const g = optimize(raw);
    expect(g.eqns.map((e) => e.prim.name)).toEqual(["add"]);
    expect(g.eqns[0]!.inputs).toEqual([g.inputs[0], g.inputs[0]]);
  });

  it("turns vmap of a vector-matrix product into a matrix product, not a [B, n, n] broadcast", () => {
    const [k1, k2, k3] = random.split(random.key(3), 3);
    const W1 = random.normal(k1, [64]);
    const W2 = random.normal(k2, [64, 64]);
    const W3 = random.normal(k3, [64]);
    const u = (x: Tensor<[]>) => dot(tanh(matmul(tanh(mul(W1, x)), W2)), W3);
    const xs = random.normal(random.key(4), [4096]);
    const g = optimize(makeGraph(vmap(grad(grad(u))))(xs));
    // the largest intermediate is a [4096, 64] activation, never 4096 * 64 * 64
    expect(largest(g)).toBeLessThanOrEqual(4096 * 64);
    const dots = fuse(g).kernels.filter((k) => k.kind === "contraction");
    expect(dots.length).toBeGreaterThan(0);
  });

  it("evaluates an elementwise producer inside the reduction that consumes it", () => {
    const f = (a: Tensor<[5, 7]>, b: Tensor<[7]>) => sum(mul(tanh(a), b), 1);
    const a = random.normal(random.key(8), [5, 7]);
    const b = random.normal(random.key(9), [7]);
    expect(kinds(makeGraph(f)(a, b))).toEqual(["reduce"]);
    const A = a.toArray();
    const B = b.toArray();
    const got = f(a, b).toArray();
    A.forEach((row, i) => expect(got[i]).toBeCloseTo(row.reduce((s, v, j) => s + Math.tanh(v) * B[j]!, 0), 5));
  });

  it("keeps a reshape of a contiguous array free (a view, not a kernel)", () => {
    const f = (a: Tensor<[4, 6]>) => tanh(reshape(a, [2, 12]));
    expect(kinds(makeGraph(f)(random.normal(random.key(5), [4, 6])))).toEqual(["elementwise"]);
  });

  it("trace plus compile of the MLP gradient stays under 50 ms", () => {
    const ks = random.split(random.key(6), 4);
    const P = { W1: random.normal(ks[0]!, [2, 64]), b1: random.normal(ks[1]!, [64]), W2: random.normal(ks[2]!, [64, 64]), b2: random.normal(ks[3]!, [64]), W3: random.normal(ks[0]!, [64, 1]), b3: random.normal(ks[1]!, [1]) };
    type Params = typeof P;
    const loss = (p: Params, x: Tensor<[1024, 2]>) => {
      const h = tanh(add(matmul(tanh(add(matmul(x, p.W1), p.b1)), p.W2), p.b2));
      return mean(square(add(matmul(h, p.W3), p.b3)));
    };
    const x = random.normal(ks[2]!, [1024, 2]);
    // warm the JS engine once on a different batch size, then time a fresh signature
    makeGraph(grad(loss))(P, random.normal(ks[3]!, [1024, 2]));
    const t0 = performance.now();
    fuse(optimize(makeGraph(grad(loss))(P, x)));
    expect(performance.now() - t0).toBeLessThan(50);
  });
});
