// Batch-polymorphic code: generic dims (`<B extends number>`) are carried through exactly where
// they only need to be copied or compared with themselves.
import { expectType, type TypeEqual } from "ts-expect";
import type { Broadcast, MatMul, Reduce, Transpose, ExpandDims, Concat, Stack, Index, AsShape } from "../../src/shape/index.js";
import { add, matmul, sum, tensorOf, transpose, type Tensor } from "./standins.js";

export function layer<B extends number>(x: Tensor<[B, 3]>): Tensor<[B, 4]> {
  return matmul(x, tensorOf([3, 4]));
}

export function batched<B extends number, N extends number>(x: Tensor<[B, N, 3]>, w: Tensor<[3, 4]>): Tensor<[B, N, 4]> {
  return matmul(x, w);
}

export function chain<B extends number, K extends number>(x: Tensor<[B, K]>, w: Tensor<[K, 8]>): Tensor<[B, 8]> {
  return matmul(x, w);
}

export function bias<B extends number>(x: Tensor<[B, 4]>): Tensor<[B, 4]> {
  return add(x, tensorOf([4]));
}

export function same<B extends number>(x: Tensor<[B, 4]>, y: Tensor<[B, 4]>): Tensor<[B, 4]> {
  return add(x, y);
}

export function rowSums<B extends number>(x: Tensor<[B, 4]>): Tensor<[B]> {
  return sum(x, 1);
}

export function flip<B extends number>(x: Tensor<[B, 4]>): Tensor<[4, B]> {
  return transpose(x);
}

export function checkTypes<B extends number>() {
  expectType<TypeEqual<Broadcast<[B, 1], [3]>, [B, 3]>>(true);
  expectType<TypeEqual<MatMul<[B, 3], [3, 4]>, [B, 4]>>(true);
  expectType<TypeEqual<AsShape<MatMul<[B, 3], [3, 4]>>, [B, 4]>>(true);
  expectType<TypeEqual<Reduce<[B, 3, 4], -1, true>, [B, 3, 1]>>(true);
  expectType<TypeEqual<Transpose<[B, 3, 4], [2, 0, 1]>, [4, B, 3]>>(true);
  expectType<TypeEqual<ExpandDims<[B, 3], 0>, [1, B, 3]>>(true);
  expectType<TypeEqual<Concat<[[B, 3], [B, 5]], 1>, [B, 8]>>(true);
  expectType<TypeEqual<Stack<[[B, 3], [B, 3]]>, [2, B, 3]>>(true);
  expectType<TypeEqual<Index<[B, 3], 1, 1>, [B]>>(true);
}
