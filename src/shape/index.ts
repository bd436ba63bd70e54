/**
 * Type-level shape algebra for shapegrad: pure types, no runtime code.
 *
 * core       Dim, Shape, ShapeError, Check, AsShape, ShowShape, ...
 * arith      digit-string arithmetic on number literals (Add, Mul, DivExact, Product, ...)
 * axis       NormalizeAxis, AxisInRange, RemoveAxis, InsertAxis, MoveAxis, DimAt, ...
 * broadcast  Broadcast, BroadcastAll, BroadcastTo
 * matmul     MatMul, Dot, Outer
 * reduce     Reduce, NormalizeAxes
 * reshape    Reshape, Flatten, ExpandDims, Squeeze
 * transpose  Transpose, Permute
 * indexing   Index, Slice
 * concat     Concat, Stack
 * diagonal   Diagonal, Trace
 * einsum     Einsum
 * onehot     OneHot, OneHotClasses
 * gather     Take, TakeAlongAxis, DynamicSlice, DynamicUpdateSlice, AtRegion, IndexAt
 * shape-utils Pad, Tile, Repeat, Split, Meshgrid, TriCheck, RollCheck
 * linalg-solve Square, MatrixBatch, LuVector, Solve, TriangularSolve (issue 11, linalg part A)
 */
export type * from "./core.js";
export type * from "./arith.js";
export type * from "./axis.js";
export type * from "./broadcast.js";
export type * from "./matmul.js";
export type * from "./reduce.js";
export type * from "./reshape.js";
export type * from "./transpose.js";
export type * from "./indexing.js";
export type * from "./concat.js";
export type * from "./diagonal.js";
export type * from "./reduce-extra.js";
export type * from "./einsum.js";
export type * from "./random.js";
export type * from "./onehot.js";
export type * from "./gather.js";
export type * from "./shape-utils.js";
export type * from "./linalg-decomp.js";
export type * from "./pool.js";
export type * from "./losses.js";
// issue 11, linalg part A
export type * from "./linalg-solve.js";
