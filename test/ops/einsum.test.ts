// einsum: values against a plain-loop reference (every assignment of every letter, size-1 dims
// broadcast), gradients against float64 central differences, vmap against stacked slices, jit,
// the lowering (one dot_general, no 4-d intermediate for a matrix product) and the run-time
// messages (the same texts as the compile-time errors in types/ops/einsum.test.ts).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as sg from "../../src/index.js";
import { ShapeMismatchError, type Tensor } from "../../src/index.js";
import { close, randRef, sizeOf, type Ref } from "./ref.js";
import { float64OnWasm } from "../harness/backend.js";
import { grad, jacfwd, jit, vmap, makeGraph, fdJacobian, scalarize, randT, rng, flat, type T } from "../transforms/helpers.js";
import { eachSeq, mapSeq } from "../harness/read.js";

// loosely typed: the subscripts and shapes here are data, the compile-time suite checks the types
const einsum = sg.einsum as unknown as (sub: string, ...xs: T[]) => T;

/**
 * Reference einsum by loops, for an explicit subscript without "...": a size-1 dim of a letter
 * broadcasts (so an ellipsis case is written with its batch letters spelled out).
 */
function refEinsum(sub: string, xs: readonly Ref[]): Ref {
  const [ins, out] = sub.split("->") as [string, string];
  const terms = ins.split(",");
  const size = new Map<string, number>();
  terms.forEach((t, k) => [...t].forEach((l, a) => size.set(l, Math.max(size.get(l) ?? 1, xs[k]!.shape[a]!))));
  terms.forEach((t, k) => [...t].forEach((l, a) => xs[k]!.shape[a] === 0 && size.set(l, 0)));
  const letters = [...size.keys()];
  const outShape = [...out].map((l) => size.get(l)!);
  const res = new Float64Array(sizeOf(outShape));
  const idx = new Map(letters.map((l) => [l, 0]));
  const total = letters.reduce((p, l) => p * size.get(l)!, 1);
  const offset = (t: string, shape: readonly number[]) =>
    [...t].reduce((o, l, a) => o * shape[a]! + (shape[a] === 1 ? 0 : idx.get(l)!), 0);
  for (let n = 0; n < total; n++) {
    let rem = n;
    for (let q = letters.length - 1; q >= 0; q--) {
      const d = size.get(letters[q]!)!;
      idx.set(letters[q]!, rem % d);
      rem = Math.floor(rem / d);
    }
    let p = 1;
    terms.forEach((t, k) => (p *= xs[k]!.data[offset(t, xs[k]!.shape)]!));
    res[offset(out, outShape)] += p;
  }
  return { shape: outShape, data: Array.from(res) };
}

const asTensor = (r: Ref, dtype: "float32" | "float64") => sg.tensor(Float64Array.from(r.data), [...r.shape], dtype) as unknown as T;

// [subscripts, shapes, the reference's explicit subscripts (when they differ), the result shape]
const CASES: [string, number[][], string | null, number[]][] = [
  ["ij,jk->ik", [[3, 4], [4, 5]], null, [3, 5]],
  ["bij,bjk->bik", [[2, 3, 4], [2, 4, 5]], null, [2, 3, 5]],
  ["bij,bkj->bki", [[2, 3, 4], [2, 5, 4]], null, [2, 5, 3]],
  ["i,j->ij", [[3], [4]], null, [3, 4]],
  ["i,i->", [[5], [5]], null, []],
  ["ii->", [[4, 4]], null, []],
  ["ii->i", [[4, 4]], null, [4]],
  ["iij->ji", [[3, 3, 2]], null, [2, 3]],
  ["iii->i", [[3, 3, 3]], null, [3]],
  ["ijij->ij", [[2, 3, 2, 3]], null, [2, 3]],
  ["ij->ji", [[2, 3]], null, [3, 2]],
  ["ij->", [[2, 3]], null, []],
  ["ij->j", [[2, 3]], null, [3]],
  ["ij,ij->ij", [[2, 3], [2, 3]], null, [2, 3]],
  ["ij,ij->", [[2, 3], [2, 3]], null, []],
  ["ijk,kji->", [[2, 3, 4], [4, 3, 2]], null, []],
  ["ij,jk,kl->il", [[2, 3], [3, 4], [4, 5]], null, [2, 5]],
  ["ij,jk,kl,lm->mi", [[2, 3], [3, 4], [4, 2], [2, 3]], null, [3, 2]],
  ["i,i,i->i", [[4], [4], [4]], null, [4]],
  ["ab,cd,bc->ad", [[2, 3], [4, 2], [3, 4]], null, [2, 2]],
  ["ij,k->ijk", [[2, 3], [2]], null, [2, 3, 2]],
  [",ij->ij", [[], [2, 3]], null, [2, 3]],
  [" ij , jk -> ik ", [[3, 4], [4, 5]], "ij,jk->ik", [3, 5]],
  ["ij->...ji", [[2, 3]], "ij->ji", [3, 2]],
  ["ij,jk", [[3, 4], [4, 5]], "ij,jk->ik", [3, 5]],
  ["ba", [[2, 3]], "ba->ab", [3, 2]],
  ["ii", [[3, 3]], "ii->", []],
  ["Ab,bc", [[2, 3], [3, 4]], "Ab,bc->Ac", [2, 4]],
  ["aB,Bc", [[2, 3], [3, 4]], "aB,Bc->ac", [2, 4]],
  ["...ij,...jk->...ik", [[2, 3, 4], [2, 4, 5]], "zij,zjk->zik", [2, 3, 5]],
  ["...ij,...jk->...ik", [[7, 1, 2, 3], [5, 3, 4]], "yzij,zjk->yzik", [7, 5, 2, 4]],
  ["...ij,...jk", [[1, 2, 3], [4, 3, 2]], "zij,zjk->zik", [4, 2, 2]],
  ["...ij,jk->...ik", [[2, 3], [3, 4]], "ij,jk->ik", [2, 4]],
  ["i...j->j...i", [[2, 3, 4]], "izj->jzi", [4, 3, 2]],
  ["...ij->ij", [[5, 2, 3]], "zij->ij", [2, 3]],
  ["...ii->...i", [[2, 3, 3]], "zii->zi", [2, 3]],
  ["...,...->...", [[3, 1], [4]], "yz,z->yz", [3, 4]],
  ["ij,jk->ik", [[3, 0], [0, 5]], null, [3, 5]],
  ["ij,jk->ik", [[0, 4], [4, 5]], null, [0, 5]],
  ["ii->i", [[0, 0]], null, [0]],
];

describe("einsum values against plain loops", () => {
  CASES.forEach(([sub, shapes, refSub, outShape], n) => {
    it(`${sub} on ${JSON.stringify(shapes)}`, async () => {
      const refs = shapes.map((s, k) => randRef(s, 100 * n + k));
      const want = refEinsum(refSub ?? sub, refs);
      expect(want.shape).toEqual(outShape);
      // float32 on every backend: the reference rounds its inputs, then compares within float32 precision
      const r32 = refs.map((r) => ({ shape: r.shape, data: r.data.map(Math.fround) }));
      const got = einsum(sub, ...refs.map((r) => asTensor(r, "float32")));
      expect([...got.shape]).toEqual(outShape);
      expect(got.dtype).toBe("float32");
      const err = close((await got.data()) as Float32Array, refEinsum(refSub ?? sub, r32).data, 2e-6);
      expect(err, err ?? "").toBeNull();
    });
  });

  it("random subscripts: 1 to 4 operands, repeated letters, any output (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const r = rng(seed);
        const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
        const pool = "abcdeA";
        const sizes = new Map([...pool].map((l) => [l, int(1, 3)]));
        const terms = Array.from({ length: int(1, 4) }, () => Array.from({ length: int(0, 3) }, () => pool[int(0, pool.length - 1)]!).join(""));
        const used = [...new Set(terms.join(""))];
        const explicit = r() < 0.7;
        const out = explicit
          ? used.filter(() => r() < 0.5).sort(() => r() - 0.5).join("")
          : used.filter((l) => terms.join("").split(l).length === 2).sort().join("");
        const sub = `${terms.join(",")}${explicit ? `->${out}` : ""}`;
        const refs = terms.map((t, k) => randRef([...t].map((l) => sizes.get(l)!), seed + k));
        const r32 = refs.map((x) => ({ shape: x.shape, data: x.data.map(Math.fround) }));
        const got = einsum(sub, ...refs.map((x) => asTensor(x, "float32")));
        const want = refEinsum(`${terms.join(",")}->${out}`, r32);
        expect([...got.shape], sub).toEqual(want.shape);
        const err = close((await got.data()) as Float32Array, want.data, 1e-5);
        expect(err, `${sub} ${err}`).toBeNull();
      }),
      { numRuns: 60 },
    );
  });

  it("float64: accumulates exactly enough", async () => {
    float64OnWasm();
    const a = randRef([2, 3, 4], 1);
    const b = randRef([2, 4, 5], 2);
    const got = einsum("bij,bjk->bik", asTensor(a, "float64"), asTensor(b, "float64"));
    expect(got.dtype).toBe("float64");
    const err = close((await got.data()) as Float64Array, refEinsum("bij,bjk->bik", [a, b]).data, 1e-13);
    expect(err, err ?? "").toBeNull();
  });

  it("int32 stays int32 and exact; mixed dtypes promote", async () => {
    const a = randRef([3, 4], 3, -9, 9, true);
    const b = randRef([4, 2], 4, -9, 9, true);
    const ta = sg.tensor(Int32Array.from(a.data), [3, 4], "int32");
    const tb = sg.tensor(Int32Array.from(b.data), [4, 2], "int32");
    const got = sg.einsum("ij,jk->ik", ta, tb);
    expect(got.dtype).toBe("int32");
    expect(Array.from(await got.data())).toEqual(refEinsum("ij,jk->ik", [a, b]).data);
    const mixed = sg.einsum("ij,jk->ik", ta, sg.ones([4, 2]));
    expect(mixed.dtype).toBe("float32");
  });

  it("bool: true where some product of the operands is true (JAX's or-of-ands)", async () => {
    const a = sg.tensor([[true, true, false], [false, false, false]]);
    const b = sg.tensor([[true, false], [true, false], [true, true]]);
    const r = sg.einsum("ij,jk->ik", a, b);
    expect(r.dtype).toBe("bool");
    expect(Array.from(await r.data())).toEqual([1, 0, 0, 0]);
    expect(Array.from(await sg.einsum("ij->j", a).data())).toEqual([1, 1, 0]);
  });

  it("typed at the call: the result is Tensor<[2, 3, 5]>", async () => {
    const r: Tensor<[2, 3, 5]> = sg.einsum("bij,bjk->bik", sg.ones([2, 3, 4]), sg.ones([2, 4, 5]));
    expect(Array.from(await r.data())).toEqual(new Array(30).fill(4));
  });
});

describe("einsum lowering", () => {
  const ops = (g: sg.Graph) => g.eqns.map((e) => e.prim.name);
  it("a batched matrix product is one dot_general, with no 4-d intermediate", () => {
    const g = makeGraph((a: T, b: T) => einsum("bij,bjk->bik", a, b))(sg.zeros([2, 3, 4]), sg.zeros([2, 4, 5]));
    expect(ops(g)).toEqual(["dot_general"]);
    expect(g.eqns.every((e) => e.out.aval.shape.length <= 3)).toBe(true);
  });
  it("its gradient is dot_generals too: no 4-d intermediate", () => {
    const loss = (a: T, b: T) => sg.sum(einsum("bij,bjk->bik", a, b) as never) as unknown as T;
    const g = makeGraph(grad(loss, { argnums: [0, 1] }))(sg.zeros([2, 3, 4]), sg.zeros([2, 4, 5]));
    expect(ops(g).filter((o) => o === "dot_general")).toHaveLength(3);
    expect(g.eqns.every((e) => e.out.aval.shape.length <= 3)).toBe(true);
  });
  it("a matrix product whose output is transposed: dot_general then transpose", () => {
    const g = makeGraph((a: T, b: T) => einsum("ij,jk->ki", a, b))(sg.zeros([3, 4]), sg.zeros([4, 5]));
    expect(ops(g)).toEqual(["dot_general", "transpose"]);
  });
  it("a letter only one operand has is summed before the product; broadcast ellipsis dims are dropped, not broadcast", () => {
    const g = makeGraph((a: T, b: T) => einsum("...ij,...jk->...ik", a, b))(sg.zeros([7, 1, 2, 3]), sg.zeros([5, 3, 4]));
    expect(ops(g)).not.toContain("broadcast_in_dim");
    expect(ops(g).filter((o) => o === "dot_general")).toHaveLength(1);
    const h = makeGraph((a: T, b: T) => einsum("ijx,jk->ik", a, b))(sg.zeros([3, 4, 6]), sg.zeros([4, 5]));
    expect(ops(h)).toEqual(["reduce_sum", "dot_general"]);
    expect(h.eqns.every((e) => e.out.aval.shape.length <= 3)).toBe(true);
  });
  it("three operands: two dot_generals in a greedy order (the small pair first)", () => {
    const g = makeGraph((a: T, b: T, c: T) => einsum("ij,jk,kl->il", a, b, c))(sg.zeros([50, 40]), sg.zeros([40, 2]), sg.zeros([2, 30]));
    const dots = g.eqns.filter((e) => e.prim.name === "dot_general");
    expect(dots).toHaveLength(2);
    expect([...dots[0]!.out.aval.shape]).toEqual([50, 2]);
    const h = makeGraph((a: T, b: T, c: T) => einsum("ij,jk,kl->il", a, b, c))(sg.zeros([2, 40]), sg.zeros([40, 50]), sg.zeros([50, 30]));
    expect([...h.eqns.filter((e) => e.prim.name === "dot_general")[0]!.out.aval.shape]).toEqual([2, 50]);
  });
});

describe("einsum derivatives, vmap and jit", () => {
  const GRAD: [string, number[][]][] = [
    ["ij,jk->ik", [[2, 3], [3, 4]]],
    ["bij,bkj->bik", [[2, 2, 3], [2, 4, 3]]],
    ["ii->i", [[3, 3]]],
    ["iij,jk->ki", [[2, 2, 3], [3, 2]]],
    ["ij,jk,kl->li", [[2, 3], [3, 2], [2, 3]]],
    ["...ij,...jk->...ik", [[3, 1, 2, 2], [2, 2, 3]]],
    ["ijk->", [[2, 3, 2]]],
  ];
  GRAD.forEach(([sub, shapes], n) => {
    it(`grad of ${sub} against central differences (float64)`, async () => {
      float64OnWasm();
      const r = rng(7 + n);
      const args = shapes.map((s) => randT(r, s));
      const f = (...xs: T[]) => einsum(sub, ...xs);
      const g = scalarize(f, randT(r, f(...args).shape));
      const all = args.map((_, i) => i);
      const grads = grad(g, { argnums: all })(...args) as T[];
      await eachSeq(args, async (_, i) => {
        const want = await fdJacobian(g, args, i);
        expect(close(await flat(grads[i]!), await flat(want), 1e-6)).toBeNull();
      });
      // forward mode too: the Jacobian of the first operand
      expect(close(await flat(jacfwd(f, { argnums: 0 })(...args) as T), await flat(await fdJacobian(f, args, 0)), 1e-6)).toBeNull();
    });
  });

  it("vmap over either or both operands equals stacking the slices", async () => {
    float64OnWasm();
    const r = rng(11);
    const f = (a: T, b: T) => einsum("ij,jk->ki", a, b);
    const as = [0, 1, 2].map(() => randT(r, [2, 3]));
    const bs = [0, 1, 2].map(() => randT(r, [3, 4]));
    const stack = (xs: T[]) => sg.stack(xs as never) as unknown as T;
    const both = vmap(f)(stack(as), stack(bs)) as T;
    expect(close(await flat(both), await flat(stack(as.map((a, i) => f(a, bs[i]!)))), 1e-12)).toBeNull();
    const left = vmap(f, { inAxes: [0, null] })(stack(as), bs[0]!) as T;
    expect(close(await flat(left), await flat(stack(as.map((a) => f(a, bs[0]!)))), 1e-12)).toBeNull();
    const trace = vmap((x: T) => einsum("ii->", x))(stack(as.map((a) => einsum("ij,kj->ik", a, a)))) as T;
    expect(close(await flat(trace), (await mapSeq(as, async (a) => (await flat(einsum("ij,ij->", a, a)))[0]!)), 1e-12)).toBeNull();
  });

  it("jit: the same values as eager, traced once per signature", async () => {
    const f = jit((a: T, b: T, c: T) => einsum("...ij,jk,kl->...li", a, b, c));
    const [x, y, z] = [[2, 3, 4], [4, 5], [5, 2]].map((s, k) => asTensor(randRef(s, 12 + k), "float32")) as [T, T, T];
    const eager = einsum("...ij,jk,kl->...li", x, y, z);
    expect(close(await flat(f(x, y, z)), await flat(eager), 1e-6)).toBeNull();
    f(x, y, z);
    expect(f.traceCount).toBe(1);
  });
});

describe("einsum run-time errors: the compile-time texts", () => {
  const $ = (s: number[]) => sg.zeros(s) as unknown as T;
  const cases: [string, () => unknown, string][] = [
    ["count", () => einsum("ij,jk->ik", $([2, 3]), $([3, 4]), $([4, 5])), "einsum: 'ij,jk->ik' names 2 operands, got 3"],
    ["count, one", () => einsum("ii", $([3, 3]), $([3, 3])), "einsum: 'ii' names 1 operand, got 2"],
    ["dims", () => einsum("ij,jk->ik", $([2, 3]), $([4, 5])), "einsum: index j is 3 in operand 0 and 4 in operand 1"],
    ["diagonal dims", () => einsum("ii->i", $([2, 3])), "einsum: index i is 2 and 3 in operand 0"],
    ["third operand", () => einsum("ij,jk,kl->il", $([2, 3]), $([3, 4]), $([5, 6])), "einsum: index k is 4 in operand 1 and 5 in operand 2"],
    ["unknown output", () => einsum("ij,jk->iz", $([2, 3]), $([3, 4])), "einsum: output index z appears in no input"],
    ["rank", () => einsum("ij,ijk->", $([2, 3]), $([3, 4])), "einsum: operand 1 has rank 2 but subscripts 'ijk' name 3 axes"],
    ["rank, ellipsis", () => einsum("...ij->...", $([3])), "einsum: operand 0 has rank 1 but subscripts '...ij' name at least 2 axes"],
    ["rank, one axis", () => einsum("i->i", $([2, 3])), "einsum: operand 0 has rank 2 but subscripts 'i' name 1 axis"],
    ["repeated output", () => einsum("ij->ii", $([2, 3])), "einsum: output index i appears more than once in 'ii'"],
    ["ellipsis broadcast", () => einsum("...i,...i->...", $([7, 2, 4]), $([5, 3, 4])), "einsum: ellipsis dims [5, 3] of operand 1 do not broadcast with [7, 2]"],
    ["character", () => einsum("i1,jk", $([2, 3]), $([3, 4])), "einsum: invalid character '1' in subscripts 'i1,jk'"],
    ["dots", () => einsum("i..j->", $([2, 3])), "einsum: invalid character '.' in subscripts 'i..j->'"],
    ["two arrows", () => einsum("ij->j->i", $([2, 3])), "einsum: invalid character '-' in subscripts 'ij->j->i'"],
  ];
  cases.forEach(([what, call, text]) =>
    it(what, () => {
      expect(call).toThrow(ShapeMismatchError);
      expect(call).toThrow(text);
      try {
        call();
      } catch (e) {
        expect((e as Error).message).toBe(text);
      }
    }),
  );
  it("dims typed number are checked at run time", () => {
    const a = sg.zeros([2, 3]) as Tensor<[number, number]>;
    expect(() => sg.einsum("ij,jk->ik", a, a)).toThrow("einsum: index j is 3 in operand 0 and 2 in operand 1");
    expect(() => sg.einsum("ij,jk->ik", 1 as never, a)).toThrow(TypeError);
  });
});
