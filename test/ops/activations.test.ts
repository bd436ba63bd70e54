/**
 * nn activations and oneHot against closed forms written here as plain JS, with JAX's defaults and
 * derivatives at the kinks; oneHot's shapes, dtypes, out-of-range labels, jit and vmap.
 */
import { describe, expect, it } from "vitest";
import * as sg from "../../src/index.js";
import { nn, tensor, ShapeMismatchError, type Tensor } from "../../src/index.js";
import { float64OnWasm } from "../harness/backend.js";
import { mapSeq } from "../harness/read.js";

type V = Tensor<number[], "float64">;
const data = async (t: { data(): Promise<ArrayLike<number>> }) => Array.from(await t.data());
const vec = (xs: readonly number[]) => tensor(Float64Array.from(xs), [xs.length], "float64") as unknown as V;
const vec32 = (xs: readonly number[]) => tensor(Float32Array.from(xs), [xs.length]) as unknown as Tensor<number[]>;

/** erf by its Taylor series with positive terms (2/√π e^{-x²} Σ 2^n x^(2n+1) / (1·3···(2n+1))), enough for |x| < 6. */
function erf(x: number): number {
  if (Math.abs(x) > 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 400; n++) {
    term *= (2 * x * x) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const REF: Record<string, (x: number) => number> = {
  geluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  geluErf: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  silu: (x) => x * sigmoid(x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  elu2: (x) => (x > 0 ? x : 2 * Math.expm1(x)),
  leakyRelu: (x) => (x >= 0 ? x : 0.01 * x),
  leakyRelu3: (x) => (x >= 0 ? x : 0.3 * x),
  logSigmoid: (x) => (x < -30 ? x : -Math.log1p(Math.exp(-x))),
  softsign: (x) => x / (Math.abs(x) + 1),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  hardTanh: (x) => Math.min(Math.max(x, -1), 1),
};
const XS = [-40, -6, -3, -1.5, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 1.5, 3, 5.9, 6, 6.1, 40];

describe("nn activations: values", () => {
  const ops: [string, (x: V) => V][] = [
    ["geluTanh", (x) => nn.gelu(x)],
    ["geluErf", (x) => nn.gelu(x, { approximate: false })],
    ["silu", nn.silu],
    ["elu", (x) => nn.elu(x)],
    ["elu2", (x) => nn.elu(x, 2)],
    ["leakyRelu", (x) => nn.leakyRelu(x)],
    ["leakyRelu3", (x) => nn.leakyRelu(x, 0.3)],
    ["logSigmoid", nn.logSigmoid],
    ["softsign", nn.softsign],
    ["relu6", nn.relu6],
    ["hardTanh", nn.hardTanh],
  ];
  for (const [name, op] of ops) {
    it(`${name}: float64 eager and jitted, float32 jitted`, async () => {
      float64OnWasm();
      const want = XS.map(REF[name]!);
      for (const got of [await data(op(vec(XS))), await data(sg.jit(op)(vec(XS)))]) {
        got.forEach((g, i) => expect(Math.abs(g - want[i]!), `${name}(${XS[i]})`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want[i]!))));
      }
      const g32 = await data(sg.jit(op as never as (x: Tensor<number[]>) => Tensor<number[]>)(vec32(XS)));
      g32.forEach((g, i) => expect(Math.abs(g - want[i]!), `float32 ${name}(${XS[i]})`).toBeLessThanOrEqual(3e-6 * Math.max(1, Math.abs(want[i]!))));
    });
  }
  it("swish is silu; relu, sigmoid and softplus are re-exported", async () => {
    float64OnWasm();
    expect(await data(nn.swish(vec(XS)))).toEqual(await data(nn.silu(vec(XS))));
    expect(await data(nn.relu(vec(XS)))).toEqual(await data(sg.relu(vec(XS))));
    expect(await data(nn.sigmoid(vec(XS)))).toEqual(await data(sg.sigmoid(vec(XS))));
    expect(await data(nn.softplus(vec(XS)))).toEqual(await data(sg.softplus(vec(XS))));
  });
  it("logSigmoid is finite for large |x| (logSigmoid(-1000) = -1000)", async () => {
    float64OnWasm();
    expect(await data(nn.logSigmoid(vec([-1000, 1000])))).toEqual([-1000, -0]);
    expect(await data(nn.logSigmoid(vec32([-1000, 1000])))).toEqual([-1000, -0]);
  });
  it("integer tensors are refused with the op's name", () => {
    expect(() => nn.gelu(tensor([1], "int32") as never)).toThrow(/gelu: expects a float tensor, got int32/);
  });
});

describe("nn activations: derivatives", () => {
  const fd = (f: (x: number) => number, x: number) => (f(x + 1e-6) - f(x - 1e-6)) / 2e-6;
  const grads = async (op: (x: V) => V, xs: number[]) => await data(sg.grad((x: V) => sg.sum(op(x)))(vec(xs)));
  it("against finite differences away from the kinks", async () => {
    float64OnWasm();
    const xs = [-3, -0.7, 0.4, 2.5];
    const ops: [string, (x: V) => V][] = [
      ["geluTanh", (x) => nn.gelu(x)],
      ["geluErf", (x) => nn.gelu(x, { approximate: false })],
      ["silu", nn.silu],
      ["elu", (x) => nn.elu(x)],
      ["leakyRelu3", (x) => nn.leakyRelu(x, 0.3)],
      ["logSigmoid", nn.logSigmoid],
      ["softsign", nn.softsign],
    ];
    for (const [name, op] of ops) {
      (await grads(op, xs)).forEach((g, i) => expect(Math.abs(g - fd(REF[name]!, xs[i]!)), `${name}' at ${xs[i]}`).toBeLessThan(1e-8));
    }
  });
  it("at the kinks, as JAX: relu6'(0) = relu6'(6) = 0, hardTanh'(±1) = 1, leakyRelu'(0) = 1, elu'(0) = 1", async () => {
    float64OnWasm();
    expect(await grads(nn.relu6, [-1, 0, 3, 6, 7])).toEqual([0, 0, 1, 0, 0]);
    expect(await grads(nn.hardTanh, [-2, -1, 0, 1, 2])).toEqual([0, 1, 1, 1, 0]);
    expect(await grads((x) => nn.leakyRelu(x), [-1, 0, 1])).toEqual([0.01, 1, 1]);
    expect(await grads((x) => nn.elu(x), [0, -1])).toEqual([1, Math.exp(-1)]);
  });
  it("smooth at 0 although their stable forms have |x| in them: logSigmoid'(0) = softplus'(0) = 1/2", async () => {
    float64OnWasm();
    expect(await grads(nn.logSigmoid, [0])).toEqual([0.5]);
    expect(await grads(sg.softplus as (x: V) => V, [0])).toEqual([0.5]);
    expect(await grads(nn.silu, [0])).toEqual([0.5]);
  });
  it("no NaN from the unused branch: elu at x = 1000, logSigmoid at ±1000", async () => {
    float64OnWasm();
    expect(await grads((x) => nn.elu(x), [1000, -1000])).toEqual([1, 0]);
    expect(await grads(nn.logSigmoid, [1000, -1000])).toEqual([0, 1]);
  });
});

describe("nn.oneHot", () => {
  const labels = [[0, 2, 1], [3, -1, 7]];
  const ref = (n: number) => labels.flat().flatMap((l) => Array.from({ length: n }, (_, c) => +(l === c)));
  it("a row per label, zeros for labels outside [0, numClasses)", async () => {
    const l = tensor(labels, "int32");
    const h = nn.oneHot(l, 4);
    expect(h.shape).toEqual([2, 3, 4]);
    expect(h.dtype).toBe("float32");
    expect(await data(h)).toEqual(ref(4));
    expect(await data(sg.jit((t: typeof l) => nn.oneHot(t, 4))(l))).toEqual(ref(4));
  });
  it("axis and dtype", async () => {
    const l = tensor(labels, "int32");
    const h = nn.oneHot(l, 3, { axis: 0, dtype: "int32" });
    expect(h.shape).toEqual([3, 2, 3]);
    expect(h.dtype).toBe("int32");
    // out[c, i, j] = (labels[i][j] == c)
    expect(await data(h)).toEqual([0, 1, 2].flatMap((c) => labels.flat().map((v) => +(v === c))));
    const m = nn.oneHot(l, 2, { axis: -2, dtype: "bool" });
    expect(m.shape).toEqual([2, 2, 3]);
    expect(await data(m)).toEqual(labels.flatMap((row) => [0, 1].flatMap((c) => row.map((v) => +(v === c)))));
  });
  it("vmap over a batch of label vectors is the stack of the rows", async () => {
    const l = tensor(labels, "int32") as unknown as Tensor<[2, 3], "int32">;
    const v = sg.vmap((t: Tensor<[3], "int32">) => nn.oneHot(t, 5))(l);
    expect(v.shape).toEqual([2, 3, 5]);
    expect(await data(v)).toEqual((await mapSeq(labels, async (row) => await data(nn.oneHot(tensor(row, "int32") as Tensor<[3], "int32">, 5)))).flat());
  });
  it("a cross-entropy through oneHot has the softmax-minus-onehot gradient", async () => {
    float64OnWasm();
    const logits = tensor([[1, 2, 0.5], [0.1, -1, 3]], "float64");
    const y = tensor([1, 2], "int32");
    const loss = (z: typeof logits) => {
      const lse = sg.log(sg.sum(sg.exp(z), -1, true));
      return sg.neg(sg.sum(sg.mul(nn.oneHot(y, 3, { dtype: "float64" }), sg.sub(z, lse))));
    };
    const g = await data(sg.grad(loss)(logits));
    const want = [[1, 2, 0.5], [0.1, -1, 3]].flatMap((row, i) => {
      const s = row.reduce((a, v) => a + Math.exp(v), 0);
      return row.map((v, c) => Math.exp(v) / s - +([1, 2][i] === c));
    });
    g.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
  });
  it("run-time checks with the compile-time messages", () => {
    const l = tensor([0, 1], "int32");
    const n = -1 as number;
    expect(() => nn.oneHot(l, n)).toThrow(ShapeMismatchError);
    expect(() => nn.oneHot(l, n)).toThrow("oneHot: numClasses must be a non-negative integer, got -1");
    expect(() => nn.oneHot(l, 3, { axis: 2 as number })).toThrow("oneHot: axis 2 is out of range for shape [2] (must be in [-2, 1])");
    expect(() => nn.oneHot(tensor([0.5]) as never, 3)).toThrow(/oneHot: labels must be an int32 tensor, got float32/);
  });
});
