/**
 * Bitwise primitives on integer words (int32, uint32): xor, and, or, shift_left and
 * shift_right (logical for uint32, arithmetic for int32), as XLA defines them (a shift by 32 or
 * more gives 0, or -1 for a negative int32 shifted right). Integer results have no derivative.
 * Operands agree in shape and dtype; each lowers to one ALU op (ir/kernel.ts), so they fuse.
 */
import { allocate } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import { K, type BitwiseOp, type Expr } from "../ir/kernel.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading } from "./broadcast.js";
import { apply, sameAvals, type Prim } from "./util.js";

type T = AnyTensor;

/** The host twin of each ALU op, on int32 words (the output array wraps them to its dtype). */
const HOST: Record<BitwiseOp, (a: number, b: number, unsigned: boolean) => number> = {
  xor: (a, b) => a ^ b,
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  shl: (a, b) => (b >= 32 ? 0 : a << b),
  shr: (a, b, u) => (b >= 32 ? (u || a >= 0 ? 0 : -1) : u ? a >>> b : a >> b),
};

function bitwise(op: BitwiseOp, name: string): Prim {
  const prim: Prim = {
    name,
    jet: "linear",
    abstractEval(ins) {
      const a = sameAvals(name, ins);
      if (a.dtype !== "int32" && a.dtype !== "uint32") throw new Error(`internal: ${name} of ${a.dtype} (integer words only)`);
      return a;
    },
    impl([x, y], _p, out) {
      const o = allocate(out.dtype, x!.size);
      const a = x!.data;
      const b = y!.data;
      const u = out.dtype === "uint32";
      const f = HOST[op];
      // a shift count is read as unsigned (a negative int32 count is a huge one, as in XLA)
      const isShift = op === "shl" || op === "shr";
      for (let i = 0; i < o.length; i++) o[i] = f(a[i]!, isShift ? b[i]! >>> 0 : b[i]!, u);
      return new HostArray(o, x!.shape, out.dtype);
    },
    jvp: () => null,
    vjp: () => [null, null],
    batch(ins, dims) {
      const b = ins[dims.findIndex((d) => d !== null)]!.shape[0]!;
      return [apply(prim, ins.map((x, i) => (dims[i] === null ? broadcastLeading(x, b) : x)), {}), 0];
    },
    lower: { kind: "elementwise", expr: ([a, b]) => (K[op] as (a: Expr, b: Expr) => Expr)(a!, b!) },
  };
  return prim;
}

export const xorP = bitwise("xor", "xor");
export const andP = bitwise("and", "and");
export const orP = bitwise("or", "or");
export const shiftLeftP = bitwise("shl", "shift_left");
export const shiftRightP = bitwise("shr", "shift_right");

export const bitXor = (x: T, y: T) => apply(xorP, [x, y], {});
export const bitAnd = (x: T, y: T) => apply(andP, [x, y], {});
export const bitOr = (x: T, y: T) => apply(orP, [x, y], {});
export const shiftLeft = (x: T, y: T) => apply(shiftLeftP, [x, y], {});
export const shiftRight = (x: T, y: T) => apply(shiftRightP, [x, y], {});
