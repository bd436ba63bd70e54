// Compile-time suite for einsum: the subscripts are parsed at the type level, the result shape is
// exact, and each misuse is an error at the call whose text the run-time check repeats.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import { einsum, type Tensor } from "../../src/index.js";
import type { Einsum, ShapeError } from "../../src/shape/index.js";

declare const a: Tensor<[2, 3]>;
declare const b: Tensor<[3, 4]>;
declare const c: Tensor<[4, 5]>;
declare const d: Tensor<[5, 6]>;
declare const sq: Tensor<[3, 3]>;
declare const v: Tensor<[3]>;
declare const w: Tensor<[4]>;
declare const bA: Tensor<[2, 3, 4]>;
declare const bB: Tensor<[2, 4, 5]>;
declare const a64: Tensor<[3, 4], "float64">;
declare const i32: Tensor<[4, 5], "int32">;
declare const dyn: Tensor<[number, 3]>;
declare const unknown: Tensor<number[]>;

// --- explicit output ---------------------------------------------------------------------------
const mm = einsum("ij,jk->ik", a, b);
expectType<TypeEqual<typeof mm, Tensor<[2, 4]>>>(true);
const bmm = einsum("bij,bjk->bik", bA, bB);
expectType<TypeEqual<typeof bmm, Tensor<[2, 3, 5]>>>(true);
const outer = einsum("i,j->ij", v, w);
expectType<TypeEqual<typeof outer, Tensor<[3, 4]>>>(true);
const inner = einsum("i,i->", v, v);
expectType<TypeEqual<typeof inner, Tensor<[]>>>(true);
const tr = einsum("ii->", sq);
expectType<TypeEqual<typeof tr, Tensor<[]>>>(true);
const diag = einsum("ii->i", sq);
expectType<TypeEqual<typeof diag, Tensor<[3]>>>(true);
const tp = einsum("ij->ji", a);
expectType<TypeEqual<typeof tp, Tensor<[3, 2]>>>(true);
const total = einsum("ij->", a);
expectType<TypeEqual<typeof total, Tensor<[]>>>(true);
const three = einsum("ij,jk,kl->il", a, b, c);
expectType<TypeEqual<typeof three, Tensor<[2, 5]>>>(true);
const four = einsum("ij,jk,kl,lm->mi", a, b, c, d);
expectType<TypeEqual<typeof four, Tensor<[6, 2]>>>(true);
const upper = einsum("iJ,Jk->ki", a, b);
expectType<TypeEqual<typeof upper, Tensor<[4, 2]>>>(true);
const scalarOp = einsum(",ij->ij", sg.zeros([]), a);
expectType<TypeEqual<typeof scalarOp, Tensor<[2, 3]>>>(true);
const spaced = einsum(" ij , jk -> ik ", a, b);
expectType<TypeEqual<typeof spaced, Tensor<[2, 4]>>>(true);
const ellNone = einsum("ij->...ji", a);
expectType<TypeEqual<typeof ellNone, Tensor<[3, 2]>>>(true);

// --- implicit output: the letters that occur once, sorted (A-Z before a-z) ---------------------
const imm = einsum("ij,jk", a, b);
expectType<TypeEqual<typeof imm, Tensor<[2, 4]>>>(true);
const itp = einsum("ji", a);
expectType<TypeEqual<typeof itp, Tensor<[3, 2]>>>(true);
const itr = einsum("ii", sq);
expectType<TypeEqual<typeof itr, Tensor<[]>>>(true);
const isort = einsum("kj,ji", b.transpose(), a.transpose());
expectType<TypeEqual<typeof isort, Tensor<[2, 4]>>>(true);
const icase = einsum("bA", a);
expectType<TypeEqual<typeof icase, Tensor<[3, 2]>>>(true);

// --- ellipsis: batch dims, broadcast between operands ------------------------------------------
declare const e1: Tensor<[7, 1, 2, 3]>;
declare const e2: Tensor<[5, 3, 4]>;
const ell = einsum("...ij,...jk->...ik", e1, e2);
expectType<TypeEqual<typeof ell, Tensor<[7, 5, 2, 4]>>>(true);
const ellImplicit = einsum("...ij,...jk", e1, e2);
expectType<TypeEqual<typeof ellImplicit, Tensor<[7, 5, 2, 4]>>>(true);
const ellMid = einsum("i...j->j...i", bA);
expectType<TypeEqual<typeof ellMid, Tensor<[4, 3, 2]>>>(true);
const ellEmpty = einsum("...ij,jk->...ik", a, b);
expectType<TypeEqual<typeof ellEmpty, Tensor<[2, 4]>>>(true);
const ellSummed = einsum("...ij->ij", bA);
expectType<TypeEqual<typeof ellSummed, Tensor<[3, 4]>>>(true);
const ellDiag = einsum("...ii->...i", sg.zeros([2, 3, 3]));
expectType<TypeEqual<typeof ellDiag, Tensor<[2, 3]>>>(true);

// --- dtypes, dynamic dims, unknown rank, a non-literal subscript -------------------------------
const pr = einsum("ij,jk->ik", a, a64);
expectType<TypeEqual<typeof pr, Tensor<[2, 4], "float64">>>(true);
const ii = einsum("ij,jk->ik", i32.transpose(), i32);
expectType<TypeEqual<typeof ii, Tensor<[5, 5], "int32">>>(true);
const dy = einsum("ij,jk->ik", dyn, b);
expectType<TypeEqual<typeof dy, Tensor<[number, 4]>>>(true);
const dy2 = einsum("ij,jk->ki", a, sg.zeros([3, 4]) as Tensor<[number, number]>);
expectType<TypeEqual<typeof dy2, Tensor<[number, 2]>>>(true);
const un = einsum("ij,jk->ik", unknown, b);
expectType<TypeEqual<typeof un, Tensor<[number, 4]>>>(true);
const unEll = einsum("...j,jk->...k", unknown, b);
expectType<TypeEqual<typeof unEll, Tensor<number[]>>>(true);
declare const s: string;
const str = einsum(s, a, b);
expectType<TypeEqual<typeof str, Tensor<number[]>>>(true);

// --- generic dims (batch-polymorphic code), AnyTensor, bool, a spread list --------------------
export function project<B extends number>(x: Tensor<[B, 3]>, w: Tensor<[3, 4]>): Tensor<[B, 4]> {
  const y = einsum("bi,ij->bj", x, w);
  expectType<TypeEqual<typeof y, Tensor<[B, 4]>>>(true);
  return y;
}
export function scores<B extends number, T extends number>(q: Tensor<[B, T, 8]>, k: Tensor<[B, T, 8]>) {
  const y = einsum("bti,bsi->bts", q, k);
  expectType<TypeEqual<typeof y, Tensor<[B, T, T]>>>(true);
  return y;
}
declare const anyT: sg.AnyTensor;
const ra = einsum("ij,jk->ik", anyT, anyT);
expectType<TypeEqual<typeof ra, Tensor<[number, number], sg.DType>>>(true);
declare const bo: Tensor<[2, 3], "bool">;
const rb = einsum("ij->ji", bo);
expectType<TypeEqual<typeof rb, Tensor<[3, 2], "bool">>>(true);
declare const list: Tensor<[2, 2]>[];
const rl = einsum("ij,jk->ik", ...list);
expectType<TypeEqual<typeof rl, Tensor<number[]>>>(true);

// --- the shape function alone ------------------------------------------------------------------
expectType<TypeEqual<Einsum<"abcdefgh,hgfedcba->", [[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]]>, []>>(true);
expectType<TypeEqual<Einsum<"abcdefghijkl->lkjihgfedcba", [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]>, [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]>>(true);
expectType<TypeEqual<Einsum<"ij,jk->ik", [[2, 3], [4, 5]]>, ShapeError<"einsum: index j is 3 in operand 0 and 4 in operand 1">>>(true);

// --- misuse: an error at the subscripts, naming the problem ------------------------------------
// @ts-expect-error einsum: 'ij,jk->ik' names 2 operands, got 3
einsum("ij,jk->ik", a, b, c);
// @ts-expect-error einsum: 'ii' names 1 operand, got 2
einsum("ii", sq, sq);
// @ts-expect-error einsum: index j is 3 in operand 0 and 4 in operand 1
einsum("ij,jk->ik", a, c);
// @ts-expect-error einsum: index i is 2 and 3 in operand 0
einsum("ii->i", a);
// @ts-expect-error einsum: index k is 4 in operand 1 and 5 in operand 2
einsum("ij,jk,kl->il", a, b, d);
// @ts-expect-error einsum: output index z appears in no input
einsum("ij,jk->iz", a, b);
// @ts-expect-error einsum: operand 1 has rank 2 but subscripts 'ijk' name 3 axes
einsum("ij,ijk->", a, b);
// @ts-expect-error einsum: operand 0 has rank 1 but subscripts '...ij' name at least 2 axes
einsum("...ij->...", v);
// @ts-expect-error einsum: operand 0 has rank 2 but subscripts 'i' name 1 axis
einsum("i->i", a);
// @ts-expect-error einsum: output index i appears more than once in 'ii'
einsum("ij->ii", a);
// @ts-expect-error einsum: ellipsis dims [5, 3] of operand 1 do not broadcast with [7, 2]
einsum("...i,...i->...", sg.zeros([7, 2, 4]), sg.zeros([5, 3, 4]));
// @ts-expect-error einsum: invalid character '1' in subscripts 'i1,jk'
einsum("i1,jk", a, b);
// @ts-expect-error einsum: invalid character '.' in subscripts 'i..j->'
einsum("i..j->", a);
// @ts-expect-error einsum: invalid character '-' in subscripts 'ij->j->i'
einsum("ij->j->i", a);
// a dim typed `number` passes here (the run-time check decides)
const dyOk = einsum("ij,jk->ik", dyn.transpose(), dyn);
expectType<TypeEqual<typeof dyOk, Tensor<[3, 3]>>>(true);
