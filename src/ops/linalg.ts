/** Matrix products: matmul (NumPy semantics, batched), dot and outer, all lowered to dot_general. */
import type { DType, Promote } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { MatMul, Dot, Outer } from "../shape/matmul.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { promote } from "../ir/dtype.js";
import * as lax from "../prims/lax.js";
import { broadcastShapes, shapeError } from "../tensor/checks.js";
import { matmulBatchMsg, matmulInnerMsg, matmulRankZeroMsg, outerMsg } from "../tensor/messages.js";
import { broadcastTo } from "./operand.js";

function operands(op: string, a: unknown, b: unknown): [AnyTensor, AnyTensor] {
  if (!(a instanceof TensorClass) || !(b instanceof TensorClass)) throw new TypeError(`${op}: expected two tensors`);
  const d = promote(a.dtype, b.dtype);
  return [lax.convert(a as AnyTensor, d), lax.convert(b as AnyTensor, d)];
}

function matmulImpl(op: string, x: AnyTensor, y: AnyTensor): AnyTensor {
  const [a0, b0] = operands(op, x, y);
  if (a0.shape.length === 0 || b0.shape.length === 0) {
    shapeError(matmulRankZeroMsg(op, a0.shape, b0.shape));
  }
  const aVec = a0.shape.length === 1;
  const bVec = b0.shape.length === 1;
  const a = aVec ? lax.reshape(a0, [1, a0.shape[0]!]) : a0;
  const b = bVec ? lax.reshape(b0, [b0.shape[0]!, 1]) : b0;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const k = a.shape[ra - 1]!;
  if (k !== b.shape[rb - 2]) {
    shapeError(matmulInnerMsg(op, a0.shape, b0.shape, k, b.shape[rb - 2]));
  }
  let out: AnyTensor;
  if (rb === 2) {
    // a's batch axes stay free axes: one big matrix product, no broadcast of b
    out = lax.dotGeneral(a, b, { contract: [[ra - 1], [0]], batch: [[], []] });
  } else if (ra === 2) {
    const r = lax.dotGeneral(a, b, { contract: [[1], [rb - 2]], batch: [[], []] }); // [m, ...batch, n]
    out = lax.moveAxis(r, 0, rb - 2);
  } else {
    const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2), () => matmulBatchMsg(op, a.shape.slice(0, -2), b.shape.slice(0, -2), a0.shape, b0.shape));
    const nb = batch.length;
    const ab = broadcastTo(a, [...batch, ...a.shape.slice(-2)]);
    const bb = broadcastTo(b, [...batch, ...b.shape.slice(-2)]);
    const bd = batch.map((_, i) => i);
    out = lax.dotGeneral(ab, bb, { contract: [[nb + 1], [nb]], batch: [bd, bd] });
  }
  const s = out.shape;
  if (aVec && bVec) return lax.reshape(out, s.slice(0, -2));
  if (aVec) return lax.reshape(out, [...s.slice(0, -2), s[s.length - 1]!]);
  if (bVec) return lax.reshape(out, s.slice(0, -1));
  return out;
}

/** Matrix product with NumPy semantics: vectors are promoted, leading batch dims broadcast. */
export function matmul<A extends Shape, B extends Shape, D extends DType, D2 extends DType>(
  a: Tensor<A, D>,
  b: Check<MatMul<A, B>, Tensor<B, D2>>,
): Tensor<AsShape<MatMul<A, B>>, Promote<D, D2>> {
  return matmulImpl("matmul", a, b as AnyTensor) as Tensor<AsShape<MatMul<A, B>>, Promote<D, D2>>;
}

/** Inner product of vectors; matmul otherwise. */
export function dot<A extends Shape, B extends Shape, D extends DType, D2 extends DType>(
  a: Tensor<A, D>,
  b: Check<Dot<A, B>, Tensor<B, D2>>,
): Tensor<AsShape<Dot<A, B>>, Promote<D, D2>> {
  return matmulImpl("dot", a, b as AnyTensor) as Tensor<AsShape<Dot<A, B>>, Promote<D, D2>>;
}

/** Outer product of two vectors. */
export function outer<A extends Shape, B extends Shape, D extends DType, D2 extends DType>(
  a: Tensor<A, D>,
  b: Check<Outer<A, B>, Tensor<B, D2>>,
): Tensor<AsShape<Outer<A, B>>, Promote<D, D2>> {
  const [x, y] = operands("outer", a, b);
  if (x.shape.length !== 1 || y.shape.length !== 1) shapeError(outerMsg(x.shape, y.shape));
  return lax.dotGeneral(x, y, { contract: [[], []], batch: [[], []] }) as Tensor<AsShape<Outer<A, B>>, Promote<D, D2>>;
}
