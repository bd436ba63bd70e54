/**
 * Stand-ins for the runtime's op signatures, written the way the ops use the shape types:
 * the offending argument's parameter type is `Check<Result, OwnType>`, so a bad call fails at the
 * call with the ShapeError message in the first line; the result is `Tensor<AsShape<Result>>`.
 * Declarations only (nothing here runs).
 */
import type {
  AsShape,
  Broadcast,
  BroadcastAll,
  BroadcastTo,
  Check,
  Concat,
  Diagonal,
  Dot,
  ExpandDims,
  Flatten,
  Index,
  MatMul,
  MoveAxis,
  Outer,
  Reduce,
  Reshape,
  Shape,
  Slice,
  SliceEntry,
  Squeeze,
  Stack,
  Trace,
  Transpose,
} from "../../src/shape/index.js";

export declare class Tensor<S extends Shape> {
  readonly shape: S;
  private readonly brand: S;
}

export declare function tensorOf<const S extends Shape>(shape: S): Tensor<S>;

export declare function add<const A extends Shape, const B extends Shape>(
  a: Tensor<A>,
  b: Check<Broadcast<A, B, "add">, Tensor<B>>,
): Tensor<AsShape<Broadcast<A, B, "add">>>;

export declare function where<const C extends Shape, const A extends Shape, const B extends Shape>(
  c: Tensor<C>,
  a: Tensor<A>,
  b: Check<BroadcastAll<[C, A, B], "where">, Tensor<B>>,
): Tensor<AsShape<BroadcastAll<[C, A, B], "where">>>;

export declare function broadcastTo<const S extends Shape, const T extends Shape>(
  x: Tensor<S>,
  shape: Check<BroadcastTo<S, T>, T>,
): Tensor<AsShape<BroadcastTo<S, T>>>;

export declare function matmul<const A extends Shape, const B extends Shape>(
  a: Tensor<A>,
  b: Check<MatMul<A, B>, Tensor<B>>,
): Tensor<AsShape<MatMul<A, B>>>;

export declare function dot<const A extends Shape, const B extends Shape>(
  a: Tensor<A>,
  b: Check<Dot<A, B>, Tensor<B>>,
): Tensor<AsShape<Dot<A, B>>>;

export declare function outer<const A extends Shape, const B extends Shape>(
  a: Tensor<A>,
  b: Check<Outer<A, B>, Tensor<B>>,
): Tensor<AsShape<Outer<A, B>>>;

export declare function sum<const S extends Shape, const Ax extends number | readonly number[] | undefined = undefined>(
  x: Tensor<S>,
  axis?: Check<Reduce<S, Ax, false, "sum">, Ax>,
): Tensor<AsShape<Reduce<S, Ax, false, "sum">>>;

export declare function mean<const S extends Shape, const Ax extends number | readonly number[] | undefined, const K extends boolean>(
  x: Tensor<S>,
  axis: Check<Reduce<S, Ax, K, "mean">, Ax>,
  keepdims: K,
): Tensor<AsShape<Reduce<S, Ax, K, "mean">>>;

export declare function reshape<const S extends Shape, const N extends Shape>(
  x: Tensor<S>,
  shape: Check<Reshape<S, N>, N>,
): Tensor<AsShape<Reshape<S, N>>>;

export declare function flatten<const S extends Shape>(x: Tensor<S>): Tensor<Flatten<S>>;

export declare function transpose<const S extends Shape, const P extends readonly number[] | undefined = undefined>(
  x: Tensor<S>,
  perm?: Check<Transpose<S, P>, P>,
): Tensor<AsShape<Transpose<S, P>>>;

export declare function expandDims<const S extends Shape, const Ax extends number>(
  x: Tensor<S>,
  axis: Check<ExpandDims<S, Ax>, Ax>,
): Tensor<AsShape<ExpandDims<S, Ax>>>;

export declare function squeeze<const S extends Shape, const Ax extends number | readonly number[] | undefined = undefined>(
  x: Tensor<S>,
  axis?: Check<Squeeze<S, Ax>, Ax>,
): Tensor<AsShape<Squeeze<S, Ax>>>;

export declare function moveaxis<const S extends Shape, const F extends number, const T extends number>(
  x: Tensor<S>,
  from: F,
  to: T,
): Tensor<MoveAxis<S, F, T>>;

export declare function index<const S extends Shape, const I extends number, const Ax extends number = 0>(
  x: Tensor<S>,
  i: Check<Index<S, I, Ax>, I>,
  axis?: Ax,
): Tensor<AsShape<Index<S, I, Ax>>>;

export declare function slice<const S extends Shape, const Sp extends readonly SliceEntry[]>(
  x: Tensor<S>,
  spec: Check<Slice<S, Sp>, Sp>,
): Tensor<AsShape<Slice<S, Sp>>>;

export declare function concat<const Ts extends readonly Tensor<Shape>[], const Ax extends number = 0>(
  xs: Check<Concat<ShapesOf<Ts>, Ax>, Ts>,
  axis?: Ax,
): Tensor<AsShape<Concat<ShapesOf<Ts>, Ax>>>;

export declare function stack<const Ts extends readonly Tensor<Shape>[], const Ax extends number = 0>(
  xs: Check<Stack<ShapesOf<Ts>, Ax>, Ts>,
  axis?: Ax,
): Tensor<AsShape<Stack<ShapesOf<Ts>, Ax>>>;

export declare function diagonal<
  const S extends Shape,
  const O extends number = 0,
  const A1 extends number = 0,
  const A2 extends number = 1,
>(x: Check<Diagonal<S, O, A1, A2>, Tensor<S>>, offset?: O, axis1?: A1, axis2?: A2): Tensor<AsShape<Diagonal<S, O, A1, A2>>>;

export declare function trace<const S extends Shape>(x: Check<Trace<S>, Tensor<S>>): Tensor<AsShape<Trace<S>>>;

/** The shapes of a tuple (or array) of tensors. */
export type ShapesOf<Ts extends readonly Tensor<Shape>[]> = { [K in keyof Ts]: Ts[K] extends Tensor<infer S> ? S : never };
