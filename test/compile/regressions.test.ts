// Bugs found in review, each pinned by the program that showed it.
import { describe, expect, it } from "vitest";
import { jit, mul, div, where, less, full, ones, relu, tensor, tanh, reshape, sum, type Tensor, type AnyTensor } from "../../src/index.js";

describe("jit cache keys", () => {
  it("keeps NaN, Infinity and -0 apart", () => {
    const x = tensor([1, 2]);
    const f = jit((a: Tensor<[2]>, s: number) => mul(a, s));
    expect(f(x, Infinity).toArray()).toEqual([Infinity, Infinity]);
    expect(f(x, NaN).toArray().every(Number.isNaN)).toBe(true);
    const g = jit((a: Tensor<[1]>, d: number) => div(a, d));
    expect(g(tensor([1]), 0).item()).toBe(Infinity);
    expect(g(tensor([1]), -0).item()).toBe(-Infinity);
    expect(f.traceCount).toBe(2);
  });

  it("keys closures by identity, not by their source text", () => {
    const mk = (k: number) => (a: AnyTensor) => mul(a, k);
    const h = jit((a: Tensor<[1]>, fn: (a: AnyTensor) => AnyTensor) => fn(a));
    expect(h(tensor([1]), mk(2)).item()).toBe(2);
    expect(h(tensor([1]), mk(3)).item()).toBe(3);
  });
});

describe("fusion", () => {
  it("compares float64 values in float64 even when the selected values are float32", () => {
    const f = (a: Tensor<[100], "float64">, b: Tensor<[100], "float64">, x: Tensor<[100]>, y: Tensor<[100]>) => where(less(b, a), x, y);
    const a = full([100], 1 + 1e-12, "float64");
    const b = ones([100], "float64");
    const x = ones([100]);
    const y = full([100], 0);
    expect(f(a, b, x, y).toArray().every((v) => v === 1)).toBe(true);
    expect(jit(f)(a, b, x, y).toArray().every((v) => v === 1)).toBe(true);
  });
});

describe("relu", () => {
  it("keeps NaN", () => {
    expect(relu(tensor([NaN, -1, 2])).toArray().map((v) => (Number.isNaN(v) ? "NaN" : v))).toEqual(["NaN", 0, 2]);
  });
});

describe("plan-owned buffers", () => {
  it("a result is never overwritten by the next run, even when it is a reshape of an intermediate", () => {
    const f = jit((x: Tensor<[2, 3]>) => {
      const t = tanh(mul(x, 2));
      return { flat: reshape(t, [6]), sum: sum(t), again: mul(t, 3) };
    });
    const a = f(tensor([[1, 2, 3], [4, 5, 6]]));
    const first = [a.flat.toArray(), a.sum.item(), a.again.toArray()];
    f(tensor([[-1, -2, -3], [-4, -5, -6]]));
    f(tensor([[0, 0, 0], [0, 0, 0]]));
    expect([a.flat.toArray(), a.sum.item(), a.again.toArray()]).toEqual(first);
    expect(a.flat.toArray()[0]).toBeCloseTo(Math.tanh(2), 6);
  });
});
