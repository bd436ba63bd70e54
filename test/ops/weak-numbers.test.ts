import { describe, expect, it } from "vitest";
import { add, mul, neg, less, sum, arange, full, tensor, index } from "../../src/index.js";
import { settled } from "../harness/read.js";

describe("numbers with integer tensors", () => {
  it("an integer number keeps the int32 dtype", async () => {
    const r = add(tensor([1, 2], "int32"), 3);
    expect(r.dtype).toBe("int32");
    expect((await settled(r)).toArray()).toEqual([4, 5]);
  });
  it("a fractional number is an error, not a silent truncation", () => {
    expect(() => add(tensor([1], "int32"), 1.5)).toThrow(/add: the number 1.5 does not fit the int32 operand/);
  });
  it("bools count in int32: arithmetic and sums do not wrap around", async () => {
    const m = less(arange(0, 300), 1000);
    const s = sum(m);
    expect(s.dtype).toBe("int32");
    expect((await settled(s)).item()).toBe(300);
    const two = add(tensor([true, false]), tensor([true, true]));
    expect(two.dtype).toBe("int32");
    expect((await settled(two)).toArray()).toEqual([2, 1]);
    expect((await settled(mul(tensor([true, false]), 2))).toArray()).toEqual([2, 0]);
    expect((await settled(neg(tensor([true, false])))).toArray()).toEqual([true, false]);
  });
  it("values outside int32 are an error when creating a tensor", () => {
    expect(() => tensor([3e9], "int32")).toThrow(/3000000000 does not fit in int32/);
    expect(() => tensor(new Float64Array([-3e9]), [1], "int32")).toThrow(/does not fit in int32/);
    expect(() => full([2], 3e9, "int32")).toThrow(/full: 3000000000 does not fit in int32/);
  });
  it("a fractional index says so", () => {
    expect(() => index(tensor([1, 2, 3]), 1.5 as number)).toThrow(/index must be an integer, got 1.5/);
  });
});
