/**
 * Tensor methods: each one is the free function of the same name with the tensor as its first
 * argument, with the same shape typing. Declared here and merged into the Tensor class;
 * implemented by ops/methods.ts (which installs the free functions on its prototype), so the
 * tensor layer does not import the ops.
 */
import type { DType, FloatDType, Promote } from "../ir/dtype.js";
import type { AsShape, Check, Shape } from "../shape/core.js";
import type { Broadcast } from "../shape/broadcast.js";
import type { Reduce } from "../shape/reduce.js";
import type { ReshapeProbed, ProbeAll, ProbeLead, ProbeBatch, ProbeStatic, ExpandDims, Squeeze, Flatten } from "../shape/reshape.js";
import type { Transpose } from "../shape/transpose.js";
import type { BroadcastTo } from "../shape/broadcast.js";
import type { Slice, SliceEntry } from "../shape/indexing.js";
import type { MatMul } from "../shape/matmul.js";
import type { Diagonal } from "../shape/diagonal.js";
import type { Repeat } from "../shape/shape-utils.js";
import type { Tensor } from "./tensor.js";
import type { ArithDType, AxisArg, CountDType, DTypeOf, FloatResultDType, Operand, ResultDType, ShapeOf } from "./types.js";
import type { AxisShape, Cumulative } from "../shape/reduce-extra.js";
// indexing, gather and scatter
import type { AtIndex, AtRegion, IndexAtProbed, IndexProbe, IntIndices, Take } from "../shape/gather.js";
import type { AtIndexer } from "./at.js";

type AnyT = Tensor<Shape, DType>;
// Result types are written out in each signature (not through an alias) so that hovers show the
// resolved `Tensor<[2, 3], "float32">` rather than the alias applied to its arguments.
type BinArg<X, Y, Op extends string> = Check<Broadcast<ShapeOf<X>, ShapeOf<Y>, Op>, Y>;
type MeanD<X> = DTypeOf<X> extends "float64" ? "float64" : "float32";
// math: the float dtype of an op that promotes integers
type FloatD<X> = DTypeOf<X> extends "float64" ? "float64" : "float32";

/**
 * Every method takes its receiver as a type parameter (`this: X`) instead of using the class's
 * S and D: the methods then have the same type for every shape, so `Tensor<[2, 3]>` stays
 * assignable to `Tensor<Shape, DType>` without comparing conditional types.
 */
export interface TensorMethods {
  add<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "add">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "add">>, ArithDType<X, Y>>;
  sub<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "sub">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "sub">>, ArithDType<X, Y>>;
  mul<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "mul">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "mul">>, ArithDType<X, Y>>;
  div<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "div">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "div">>, FloatResultDType<X, Y>>;
  pow<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "pow">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "pow">>, FloatResultDType<X, Y>>;
  maximum<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "maximum">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "maximum">>, ResultDType<X, Y>>;
  minimum<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "minimum">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "minimum">>, ResultDType<X, Y>>;
  less<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "less">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "less">>, "bool">;
  lessEqual<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "lessEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "lessEqual">>, "bool">;
  greater<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "greater">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greater">>, "bool">;
  greaterEqual<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "greaterEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "greaterEqual">>, "bool">;
  equal<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "equal">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "equal">>, "bool">;
  notEqual<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "notEqual">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "notEqual">>, "bool">;

  neg<X extends AnyT>(this: X): X;
  abs<X extends AnyT>(this: X): X;
  sign<X extends AnyT>(this: X): X;
  square<X extends AnyT>(this: X): X;
  relu<X extends AnyT>(this: X): X;
  exp<X extends Tensor<Shape, FloatDType>>(this: X): X;
  log<X extends Tensor<Shape, FloatDType>>(this: X): X;
  log1p<X extends Tensor<Shape, FloatDType>>(this: X): X;
  sin<X extends Tensor<Shape, FloatDType>>(this: X): X;
  cos<X extends Tensor<Shape, FloatDType>>(this: X): X;
  tan<X extends Tensor<Shape, FloatDType>>(this: X): X;
  cbrt<X extends Tensor<Shape, FloatDType>>(this: X): X;
  tanh<X extends Tensor<Shape, FloatDType>>(this: X): X;
  sqrt<X extends Tensor<Shape, FloatDType>>(this: X): X;
  reciprocal<X extends Tensor<Shape, FloatDType>>(this: X): X;
  sigmoid<X extends Tensor<Shape, FloatDType>>(this: X): X;
  softplus<X extends Tensor<Shape, FloatDType>>(this: X): X;
  astype<X extends AnyT, D2 extends DType>(this: X, dtype: D2): Tensor<ShapeOf<X>, D2>;

  sum<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "sum">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "sum">>, CountDType<DTypeOf<X>>>;
  prod<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "prod">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "prod">>, CountDType<DTypeOf<X>>>;
  max<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "max">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "max">>, DTypeOf<X>>;
  min<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "min">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "min">>, DTypeOf<X>>;
  mean<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(
    this: X,
    axis?: Check<Reduce<ShapeOf<X>, Ax, K, "mean">, Ax>,
    keepdims?: K,
  ): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "mean">>, MeanD<X>>;

  reshape<
    X extends AnyT,
    const NS extends Shape,
    // probes for type-parameter dims (see ProbeAll): inferred from x, never passed
    All extends ProbeAll<ShapeOf<X>, NS> = ProbeAll<ShapeOf<X>, NS>,
    Lead extends ProbeLead<ShapeOf<X>, NS> = ProbeLead<ShapeOf<X>, NS>,
    Batch extends ProbeBatch<ShapeOf<X>, NS> = ProbeBatch<ShapeOf<X>, NS>,
    Static extends ProbeStatic<NS> = ProbeStatic<NS>,
  >(
    this: X | Tensor<All, DType> | Tensor<Lead, DType> | Tensor<Batch, DType> | Tensor<Static, DType>,
    shape: Check<ReshapeProbed<ShapeOf<X>, NS, All, Lead, Batch, Static>, NS>,
  ): Tensor<AsShape<ReshapeProbed<ShapeOf<X>, NS, All, Lead, Batch, Static>>, DTypeOf<X>>;
  flatten<X extends AnyT>(this: X): Tensor<Flatten<ShapeOf<X>>, DTypeOf<X>>;
  expandDims<X extends AnyT, const A extends number>(this: X, axis: Check<ExpandDims<ShapeOf<X>, A>, A>): Tensor<AsShape<ExpandDims<ShapeOf<X>, A>>, DTypeOf<X>>;
  squeeze<X extends AnyT, const Ax extends number | readonly number[] | undefined = undefined>(
    this: X,
    axis?: Check<Squeeze<ShapeOf<X>, Ax>, Ax>,
  ): Tensor<AsShape<Squeeze<ShapeOf<X>, Ax>>, DTypeOf<X>>;
  transpose<X extends AnyT, const P extends readonly number[] | undefined = undefined>(
    this: X,
    perm?: Check<Transpose<ShapeOf<X>, P>, P>,
  ): Tensor<AsShape<Transpose<ShapeOf<X>, P>>, DTypeOf<X>>;
  broadcastTo<X extends AnyT, const NS extends Shape>(this: X, shape: Check<BroadcastTo<ShapeOf<X>, NS>, NS>): Tensor<AsShape<BroadcastTo<ShapeOf<X>, NS>>, DTypeOf<X>>;
  index<X extends AnyT, const I extends number | Tensor<[], DType>, const A extends number = 0, G extends IndexProbe<ShapeOf<X>, A> = IndexProbe<ShapeOf<X>, A>>(
    this: X | Tensor<G, DTypeOf<X>>,
    i: Check<IndexAtProbed<ShapeOf<X>, I, A, G>, I>,
    axis?: A,
  ): Tensor<AsShape<IndexAtProbed<ShapeOf<X>, I, A, G>>, DTypeOf<X>>;
  slice<X extends AnyT, const Spec extends readonly SliceEntry[]>(this: X, spec: Check<Slice<ShapeOf<X>, Spec>, Spec>): Tensor<AsShape<Slice<ShapeOf<X>, Spec>>, DTypeOf<X>>;
  diagonal<X extends AnyT, const O extends number = 0, const A1 extends number = 0, const A2 extends number = 1>(
    this: Check<Diagonal<ShapeOf<X>, O, A1, A2>, X>,
    offset?: O,
    axis1?: A1,
    axis2?: A2,
  ): Tensor<AsShape<Diagonal<ShapeOf<X>, O, A1, A2>>, DTypeOf<X>>;
  matmul<X extends AnyT, B extends Shape, D2 extends DType>(
    this: X,
    b: Check<MatMul<ShapeOf<X>, B>, Tensor<B, D2>>,
  ): Tensor<AsShape<MatMul<ShapeOf<X>, B>>, Promote<DTypeOf<X>, D2>>;

  // reductions, scans, sorting (ops/reduce-extra.ts; `var` is the free function `var`)
  argmax<X extends AnyT, const Ax extends number | undefined = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "argmax">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "argmax">>, "int32">;
  argmin<X extends AnyT, const Ax extends number | undefined = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "argmin">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "argmin">>, "int32">;
  any<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "any">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "any">>, "bool">;
  all<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "all">, Ax>, keepdims?: K): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "all">>, "bool">;
  var<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "var">, Ax>, opts?: { readonly ddof?: number; readonly keepdims?: K }): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "var">>, MeanD<X>>;
  std<X extends AnyT, const Ax extends AxisArg = undefined, K extends boolean = false>(this: X, axis?: Check<Reduce<ShapeOf<X>, Ax, K, "std">, Ax>, opts?: { readonly ddof?: number; readonly keepdims?: K }): Tensor<AsShape<Reduce<ShapeOf<X>, Ax, K, "std">>, MeanD<X>>;
  cumsum<X extends AnyT, const Ax extends number | undefined = undefined>(this: X, axis?: Check<Cumulative<ShapeOf<X>, Ax, "cumsum">, Ax>, opts?: { readonly reverse?: boolean }): Tensor<AsShape<Cumulative<ShapeOf<X>, Ax, "cumsum">>, CountDType<DTypeOf<X>>>;
  cumprod<X extends AnyT, const Ax extends number | undefined = undefined>(this: X, axis?: Check<Cumulative<ShapeOf<X>, Ax, "cumprod">, Ax>, opts?: { readonly reverse?: boolean }): Tensor<AsShape<Cumulative<ShapeOf<X>, Ax, "cumprod">>, CountDType<DTypeOf<X>>>;
  sort<X extends AnyT, const A extends number = -1>(this: X, axis?: Check<AxisShape<ShapeOf<X>, A, "sort">, A>, opts?: { readonly descending?: boolean }): Tensor<ShapeOf<X>, DTypeOf<X>>;
  argsort<X extends AnyT, const A extends number = -1>(this: X, axis?: Check<AxisShape<ShapeOf<X>, A, "argsort">, A>, opts?: { readonly descending?: boolean }): Tensor<ShapeOf<X>, "int32">;
  // math: integers and bools compute in float32 (FloatD); rounding keeps integers
  erf<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  erfc<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  expm1<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  log2<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  log10<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  rsqrt<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  asin<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  acos<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  atan<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  sinh<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  cosh<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  asinh<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  acosh<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  atanh<X extends AnyT>(this: X): Tensor<ShapeOf<X>, FloatD<X>>;
  floor<X extends AnyT>(this: X): X;
  ceil<X extends AnyT>(this: X): X;
  trunc<X extends AnyT>(this: X): X;
  round<X extends AnyT>(this: X, decimals?: number): X;
  isnan<X extends AnyT>(this: X): Tensor<ShapeOf<X>, "bool">;
  isinf<X extends AnyT>(this: X): Tensor<ShapeOf<X>, "bool">;
  isfinite<X extends AnyT>(this: X): Tensor<ShapeOf<X>, "bool">;
  nanToNum<X extends AnyT>(this: X, options?: { nan?: number; posinf?: number; neginf?: number }): X;
  mod<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "mod">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "mod">>, ArithDType<X, Y>>;
  remainder<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "remainder">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "remainder">>, ArithDType<X, Y>>;
  floorDivide<X extends AnyT, Y extends Operand>(this: X, y: BinArg<X, Y, "floorDivide">): Tensor<AsShape<Broadcast<ShapeOf<X>, ShapeOf<Y>, "floorDivide">>, ArithDType<X, Y>>;
  // ---- indexing, gather and scatter (ops/indexing.ts)
  take<X extends AnyT, IS extends Shape, DI extends DType, const A extends number | undefined = undefined>(
    this: X,
    indices: Check<IntIndices<DI, "take">, Tensor<IS, DI>>,
    axis?: Check<Take<ShapeOf<X>, IS, A>, A>,
  ): Tensor<AsShape<Take<ShapeOf<X>, IS, A>>, DTypeOf<X>>;
  /** JAX's `x.at[i]`: functional updates (set, add, mul, min, max) and get of a region on axis 0. */
  at<X extends AnyT, const I extends AtIndex>(this: X, indices: Check<AtRegion<ShapeOf<X>, I>, I>): AtIndexer<ShapeOf<X>, DTypeOf<X>, AsShape<AtRegion<ShapeOf<X>, I>>>;
  // shape utilities: the methods jax.Array has
  repeat<X extends AnyT, const R extends number | readonly number[], const A extends number | undefined = undefined>(
    this: X,
    repeats: Check<Repeat<ShapeOf<X>, R, A>, R>,
    axis?: A,
  ): Tensor<AsShape<Repeat<ShapeOf<X>, R, A>>, DTypeOf<X>>;
}

declare module "./tensor.js" {
  // every Tensor has these methods (merged into the class; ops/methods.ts installs them)
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Tensor<S extends Shape = Shape, D extends DType = "float32"> extends TensorMethods {}
}
