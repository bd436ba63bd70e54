// The gather rewrites of compile/push-gathers.ts: a gather of a computed array computes the
// gathered entries only, and a sum over a scatter-add's axis sums the updates. Each graph is
// checked for its structure and, against the reference interpreter on the unoptimised graph, for
// its values (gradients included).
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { optimize } from "../../src/compile/passes.js";
import { evalGraphHost } from "../../src/ir/interpret.js";
import type { Graph } from "../../src/ir/graph.js";
import { HostArray } from "../../src/ir/host-array.js";
import { rng } from "../ops/ref.js";

const R = 6, C = 5;
const r = rng(3);
const logits = sg.tensor(Float64Array.from({ length: R * C }, () => 8 * r() - 4), [R, C]);
const labels = sg.tensor(Int32Array.from({ length: R }, (_, i) => [0, 4, 2, -1, 9, 4][i]!), [R], "int32");

/** -mean(logSoftmax(x)[row, label]): the takeAlongAxis cross-entropy */
const xent = (x: sg.Tensor<[6, 5], "float64">, y: sg.Tensor<[6], "int32">) =>
  sg.neg(sg.mean(sg.takeAlongAxis(sg.nn.logSoftmax(x, -1), sg.expandDims(y, 1), 1)));

/** The graph run by the reference interpreter (its inputs, then its constants). */
const run = (g: Graph, ...args: sg.AnyTensor[]) =>
  evalGraphHost(g, [
    ...args.map((a) => new HostArray(a.dataSync(), [...a.shape], a.dtype)),
    ...g.consts.map((c) => c.value.backend.toHostSync(c.value)),
  ]).map((h) => Array.from(h.data));

function sameValues(g: Graph, args: sg.AnyTensor[]) {
  const before = run(g, ...args);
  const after = run(optimize(g), ...args);
  expect(after.length).toBe(before.length);
  after.forEach((v, i) => v.forEach((x, j) => expect(Math.abs(x - before[i]![j]!)).toBeLessThan(1e-12)));
}

describe("gathers move to the leaves", () => {
  it("takeAlongAxis of logSoftmax gathers the logits, not a computed [R, C] array", () => {
    const g = sg.makeGraph(xent)(logits, labels);
    const gathers = optimize(g).eqns.filter((e) => e.prim.name === "gather");
    expect(gathers.length).toBe(1);
    // its operand is the graph's input itself
    expect(gathers[0]!.inputs[0]).toBe(optimize(g).inputs[0]);
    // and the largest array computed is the exp of the shifted logits, nothing gathered from it
    sameValues(g, [logits, labels]);
  });

  it("the gradient sums the updates, not the [R, C] scatter, and is the same gradient", () => {
    const g = sg.makeGraph(sg.valueAndGrad(xent))(logits, labels);
    const o = optimize(g);
    const scatter = o.eqns.filter((e) => e.prim.name === "scatter_add_zeros").map((e) => e.out);
    expect(scatter.length).toBe(1);
    const readers = o.eqns.filter((e) => e.inputs.some((v) => scatter.includes(v))).map((e) => e.prim.name);
    expect(readers).not.toContain("reduce_sum");
    sameValues(g, [logits, labels]);
    // and the closed form: (softmax - onehot(clamped label)) / R
    const dl = Array.from(sg.jit(sg.grad(xent))(logits, labels).dataSync());
    const x = Array.from(logits.dataSync());
    const y = Array.from(labels.dataSync()).map((l) => Math.min(Math.max(l < 0 ? l + C : l, 0), C - 1));
    for (let i = 0; i < R; i++) {
      const row = x.slice(i * C, (i + 1) * C);
      const m = Math.max(...row);
      const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
      row.forEach((v, j) => expect(Math.abs(dl[i * C + j]! - (Math.exp(v - m) / z - +(j === y[i])) / R)).toBeLessThan(1e-12));
    }
  });

  it("under vmap and with take (batch 0, rank-2 indices) the values are the same", () => {
    const idx = sg.tensor([[1, 0], [3, 3]], "int32");
    const f = (x: sg.Tensor<[6, 5], "float64">) => sg.sum(sg.mul(sg.take(sg.exp(sg.sub(x, sg.max(x, 0))), idx, 0), 2));
    // forward: the gather reads x itself; exp and sub run on the [2, 2, 5] gathered rows only
    const o = optimize(sg.makeGraph(f)(logits));
    const gather = o.eqns.find((e) => e.prim.name === "gather")!;
    expect(gather.inputs[0]).toBe(o.inputs[0]);
    expect(o.eqns.filter((e) => e.prim.name === "exp").map((e) => e.out.aval.shape)).toEqual([[2, 2, 5]]);
    sameValues(sg.makeGraph(f)(logits), [logits]);
    sameValues(sg.makeGraph(sg.valueAndGrad(f))(logits), [logits]);
    const v = sg.vmap(sg.grad(f));
    const xs = sg.stack([logits, sg.mul(logits, 0.5)]);
    const batched = Array.from(sg.jit(v)(xs).dataSync());
    const each = [logits, sg.mul(logits, 0.5)].flatMap((x) => Array.from(sg.grad(f)(x).dataSync()));
    batched.forEach((b, i) => expect(Math.abs(b - each[i]!)).toBeLessThan(1e-12));
  });

  it("a gather that does not shrink its operand stays where it is", () => {
    const idx = sg.tensor([0, 1, 2, 3, 4, 5, 0, 1], "int32");
    const f = (x: sg.Tensor<[6, 5], "float64">) => sg.take(sg.exp(x), idx, 0);
    const o = optimize(sg.makeGraph(f)(logits));
    expect(o.eqns.map((e) => e.prim.name)).toEqual(["exp", "gather"]);
  });
});
