// An optimiser's update checks the grads (and the params, when given) against the params the
// state was built for, and throws the same text as the compile-time error (types/nn/optim.test.ts):
// the argument that differs, the leaf's path and both shapes.
import { describe, expect, it } from "vitest";
import { nn, tensor, zeros, type Tensor } from "../../src/index.js";
import { ShapeMismatchError } from "../../src/tensor/checks.js";

type P = { w: Tensor<[2, 3]>; b: Tensor<[3]> };
const params: P = { w: zeros([2, 3]), b: zeros([3]) };
const grads: P = { w: tensor([1, 2, 3, 4, 5, 6], [2, 3]), b: tensor([-1, 0.5, 2], [3]) };
const wide = { w: zeros([2, 4]), b: zeros([3]) };
/** The update without its static types, as code whose dims are only known at run time calls it. */
type Loose = { init(p: unknown): unknown; update(g: unknown, s: unknown, p?: unknown): unknown };
const loose = (o: unknown): Loose => o as Loose;
const thrown = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("no error");
};

describe("optimiser update: the leaf that differs from the state's params", () => {
  const optimisers: [string, Loose][] = [
    ["sgd", loose(nn.sgd({ learningRate: 0.1, momentum: 0.9 }))],
    ["adam", loose(nn.adam({ learningRate: 0.1 }))],
    ["adamw", loose(nn.adamw({ learningRate: 0.1 }))],
    ["rmsprop", loose(nn.rmsprop({ learningRate: 0.1 }))],
    ["adagrad", loose(nn.adagrad({ learningRate: 0.1 }))],
    ["lion", loose(nn.lion({ learningRate: 0.1 }))],
  ];
  for (const [name, opt] of optimisers) {
    it(`${name}: grads and params of another shape`, () => {
      const s = opt.init(params);
      const e = thrown(() => opt.update(wide, s, params));
      expect(e).toBeInstanceOf(ShapeMismatchError);
      expect(e.message).toBe(`${name}.update: grads.w has shape [2, 4], but the state was built for params.w of shape [2, 3]`);
      expect(thrown(() => opt.update(grads, s, wide)).message).toBe(`${name}.update: params.w has shape [2, 4], but the state was built for params.w of shape [2, 3]`);
    });
  }

  it("a state built for other params blames the grads, with the state's shapes", () => {
    const adam = loose(nn.adam({ learningRate: 0.1 }));
    expect(thrown(() => adam.update(grads, adam.init(wide))).message).toBe("adam.update: grads.w has shape [2, 3], but the state was built for params.w of shape [2, 4]");
  });

  it("a deep leaf, a tuple leaf's dtype, and another structure", () => {
    const adam = loose(nn.adam({ learningRate: 0.1 }));
    const deep = { enc: { w: zeros([4, 3]), b: zeros([3]) }, head: [zeros([3, 2]), zeros([2])] };
    const s = adam.init(deep);
    expect(thrown(() => adam.update({ ...deep, enc: { ...deep.enc, w: zeros([3, 4]) } }, s)).message).toBe(
      "adam.update: grads.enc.w has shape [3, 4], but the state was built for params.enc.w of shape [4, 3]",
    );
    expect(thrown(() => adam.update({ ...deep, head: [zeros([3, 2]), zeros([2], "float64")] }, s)).message).toBe(
      "adam.update: grads.head[1] has shape [2] (float64), but the state was built for params.head[1] of shape [2]",
    );
    expect(thrown(() => adam.update({ w: zeros([2, 3]) }, adam.init(params))).message).toMatch(/^adam\.update: grads \{.*\} do not have the structure of the state's params/);
  });

  it("matching grads still update (sgd: -lr · g; adam's first step: -lr · sign(g))", async () => {
    const sgd = nn.sgd({ learningRate: 0.5 });
    const [u] = sgd.update(grads, sgd.init(params), params);
    expect(Array.from(await u.w.data())).toEqual([1, 2, 3, 4, 5, 6].map((g) => -0.5 * g));
    const adam = nn.adam({ learningRate: 0.1 });
    const [a] = adam.update(grads, adam.init(params));
    const got = Array.from(await a.b.data());
    [-1, 0.5, 2].forEach((g, i) => expect(got[i]).toBeCloseTo(-0.1 * Math.sign(g), 5));
  });
});
