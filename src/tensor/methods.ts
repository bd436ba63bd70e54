/**
 * Tensor methods: each one is the free function of the same name with the tensor as its first
 * argument, with the same shape typing.
 */
import type { DType, FloatDType, Promote } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { Broadcast } from "../shape/broadcast.js";
import type { Reduce } from "../shape/reduce.js";
import type { Reshape, ExpandDims, Squeeze, Flatten } from "../shape/reshape.js";
import type { Transpose } from "../shape/transpose.js";
import type { BroadcastTo } from "../shape/broadcast.js";
import type { Index, Slice, SliceEntry } from "../shape/indexing.js";
import type { MatMul } from "../shape/matmul.js";
import type { Diagonal } from "../shape/diagonal.js";
import type { Tensor } from "./tensor.js";
import type { ArithDType, DTypeOf, FloatResultDType, Operand, ResultDType, ShapeOf } from "../ops/types.js";
import type { AxisArg, CountDType } from "../ops/reduce.js";
import * as ew from "../ops/elementwise.js";
import * as red from "../ops/reduce.js";
import * as sh from "../ops/shape.js";
import * as la from "../ops/linalg.js";

type AnyT = Tensor<Shape, DType>;
// Result types are written out in each signature (not through an alias) so that hovers show the
// resolved `Tensor<[2, 3], "float32">` rather than the alias applied to its arguments.
type BinArg<X, Y, Op extends string> = Check<Broadcast<ShapeOf<X>, ShapeOf<Y>, Op>, Y>;
type MeanD<X> = DTypeOf<X> extends "float64" ? "float64" : "float32";

/**
 * Every method takes its receiver as a type parameter (`this: X`) instead of using the class's
 * S and D: the methods then have the same type for every shape, so `Tensor<[2, 3]>` stays
 * assignable to `Tensor<Shape, DType>` without comparing conditional types.
 */
export abstract class TensorMethods {
  add<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "add">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "add">>, ArithDType<X, Y>> {
    return ew.add(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "add">>, ArithDType<X, Y>>;
  }
  sub<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "sub">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "sub">>, ArithDType<X, Y>> {
    return ew.sub(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "sub">>, ArithDType<X, Y>>;
  }
  mul<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "mul">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "mul">>, ArithDType<X, Y>> {
    return ew.mul(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "mul">>, ArithDType<X, Y>>;
  }
  div<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "div">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "div">>, FloatResultDType<X, Y>> {
    return ew.div(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "div">>, FloatResultDType<X, Y>>;
  }
  pow<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "pow">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "pow">>, FloatResultDType<X, Y>> {
    return ew.pow(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "pow">>, FloatResultDType<X, Y>>;
  }
  maximum<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "maximum">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "maximum">>, ResultDType<X, Y>> {
    return ew.maximum(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "maximum">>, ResultDType<X, Y>>;
  }
  minimum<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "minimum">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "minimum">>, ResultDType<X, Y>> {
    return ew.minimum(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "minimum">>, ResultDType<X, Y>>;
  }
  less<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "less">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "less">>, "bool"> {
    return ew.less(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "less">>, "bool">;
  }
  lessEqual<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "lessEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "lessEqual">>, "bool"> {
    return ew.lessEqual(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "lessEqual">>, "bool">;
  }
  greater<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "greater">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greater">>, "bool"> {
    return ew.greater(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greater">>, "bool">;
  }
  greaterEqual<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "greaterEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greaterEqual">>, "bool"> {
    return ew.greaterEqual(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greaterEqual">>, "bool">;
  }
  equal<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "equal">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "equal">>, "bool"> {
    return ew.equal(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "equal">>, "bool">;
  }
  notEqual<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "notEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "notEqual">>, "bool"> {
    return ew.notEqual(this, y as never) as Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "notEqual">>, "bool">;
  }

  neg<X extends AnyT>(this: X): X {
    return ew.neg(this) as X;
  }
  abs<X extends AnyT>(this: X): X {
    return ew.abs(this) as X;
  }
  sign<X extends AnyT>(this: X): X {
    return ew.sign(this) as X;
  }
  square<X extends AnyT>(this: X): X {
    return ew.square(this) as X;
  }
  relu<X extends AnyT>(this: X): X {
    return ew.relu(this) as X;
  }
  exp<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.exp(this) as X;
  }
  log<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.log(this) as X;
  }
  log1p<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.log1p(this) as X;
  }
  sin<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.sin(this) as X;
  }
  cos<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.cos(this) as X;
  }
  tan<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.tan(this) as X;
  }
  tanh<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.tanh(this) as X;
  }
  sqrt<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.sqrt(this) as X;
  }
  reciprocal<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.reciprocal(this) as X;
  }
  sigmoid<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.sigmoid(this) as X;
  }
  softplus<X extends Tensor<Shape, FloatDType>>(this: X): X {
    return ew.softplus(this) as X;
  }
  astype<X extends AnyT, D2 extends DType>(this: X, dtype: D2): Tensor<ShapeOf<X>, D2> {
    return ew.astype(this, dtype) as Tensor<ShapeOf<X>, D2>;
  }

  sum<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "sum">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "sum">>, CountDType<DTypeOf<X>>> {
    return red.sum(this, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "sum">>, CountDType<DTypeOf<X>>>;
  }
  prod<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "prod">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "prod">>, CountDType<DTypeOf<X>>> {
    return red.prod(this, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "prod">>, CountDType<DTypeOf<X>>>;
  }
  max<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "max">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "max">>, DTypeOf<X>> {
    return red.max(this, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "max">>, DTypeOf<X>>;
  }
  min<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "min">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "min">>, DTypeOf<X>> {
    return red.min(this, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "min">>, DTypeOf<X>>;
  }
  mean<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(
    this: X,
    axis?: Check<Reduce<ShapeOf<X>, Ax, K, "mean">, Ax>,
    keepdims?: K,
  ): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "mean">>, MeanD<X>> {
    return red.mean(this, axis as AxisArg, keepdims) as Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "mean">>, MeanD<X>>;
  }

  reshape<X extends AnyT, const NS extends Shape>(this: X, shape: Check<Reshape<ShapeOf<X>, NS>, NS>): Tensor<AsShape<Reshape<ShapeOf<X>, NS>>, DTypeOf<X>> {
    return sh.reshape(this, shape as never) as Tensor<AsShape<Reshape<ShapeOf<X>, NS>>, DTypeOf<X>>;
  }
  flatten<X extends AnyT>(this: X): Tensor<Flatten<ShapeOf<X>>, DTypeOf<X>> {
    return sh.flatten(this) as Tensor<Flatten<ShapeOf<X>>, DTypeOf<X>>;
  }
  expandDims<X extends AnyT, const A extends number>(this: X, axis: Check<ExpandDims<ShapeOf<X>, A>, A>): Tensor<AsShape<ExpandDims<ShapeOf<X>, A>>, DTypeOf<X>> {
    return sh.expandDims(this, axis as number) as Tensor<AsShape<ExpandDims<ShapeOf<X>, A>>, DTypeOf<X>>;
  }
  squeeze<X extends AnyT, const Ax extends number | readonly number[] | undefined = undefined>(
    this: X,
    axis?: Check<Squeeze<ShapeOf<X>, Ax>, Ax>,
  ): Tensor<AsShape<Squeeze<ShapeOf<X>, Ax>>, DTypeOf<X>> {
    return sh.squeeze(this, axis as number | undefined) as Tensor<AsShape<Squeeze<ShapeOf<X>, Ax>>, DTypeOf<X>>;
  }
  transpose<X extends AnyT, const P extends readonly number[] | undefined = undefined>(
    this: X,
    perm?: Check<Transpose<ShapeOf<X>, P>, P>,
  ): Tensor<AsShape<Transpose<ShapeOf<X>, P>>, DTypeOf<X>> {
    return sh.transpose(this, perm as readonly number[] | undefined) as Tensor<AsShape<Transpose<ShapeOf<X>, P>>, DTypeOf<X>>;
  }
  broadcastTo<X extends AnyT, const NS extends Shape>(this: X, shape: Check<BroadcastTo<ShapeOf<X>, NS>, NS>): Tensor<AsShape<BroadcastTo<ShapeOf<X>, NS>>, DTypeOf<X>> {
    return sh.broadcastTo(this, shape as never) as Tensor<AsShape<BroadcastTo<ShapeOf<X>, NS>>, DTypeOf<X>>;
  }
  index<X extends AnyT, const I extends number, const A extends number = 0>(
    this: X,
    i: Check<Index<ShapeOf<X>, I, A>, I>,
    axis?: A,
  ): Tensor<AsShape<Index<ShapeOf<X>, I, A>>, DTypeOf<X>> {
    return sh.index(this, i as number, axis as number | undefined) as Tensor<AsShape<Index<ShapeOf<X>, I, A>>, DTypeOf<X>>;
  }
  slice<X extends AnyT, const Spec extends readonly SliceEntry[]>(this: X, spec: Check<Slice<ShapeOf<X>, Spec>, Spec>): Tensor<AsShape<Slice<ShapeOf<X>, Spec>>, DTypeOf<X>> {
    return sh.slice(this, spec as readonly SliceEntry[]) as Tensor<AsShape<Slice<ShapeOf<X>, Spec>>, DTypeOf<X>>;
  }
  diagonal<X extends AnyT, const O extends number = 0, const A1 extends number = 0, const A2 extends number = 1>(
    this: Check<Diagonal<ShapeOf<X>, O, A1, A2>, X>,
    offset?: O,
    axis1?: A1,
    axis2?: A2,
  ): Tensor<AsShape<Diagonal<ShapeOf<X>, O, A1, A2>>, DTypeOf<X>> {
    return sh.diagonal(this as AnyT, offset as number | undefined, axis1, axis2) as Tensor<AsShape<Diagonal<ShapeOf<X>, O, A1, A2>>, DTypeOf<X>>;
  }
  matmul<X extends AnyT, B extends Shape, D2 extends DType>(
    this: X,
    b: Check<MatMul<ShapeOf<X>, B>, Tensor<B, D2>>,
  ): Tensor<AsShape<MatMul<ShapeOf<X>, B>>, Promote<DTypeOf<X>, D2>> {
    return la.matmul(this, b as AnyT) as Tensor<AsShape<MatMul<ShapeOf<X>, B>>, Promote<DTypeOf<X>, D2>>;
  }
}
