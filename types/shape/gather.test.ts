import { expectType, type TypeEqual } from "ts-expect";
import type { AtRegion, DynamicSlice, DynamicUpdateSlice, IndexAt, ShapeError, Take, TakeAlongAxis } from "../../src/shape/index.js";

type I32<S extends readonly number[]> = { readonly shape: S; readonly dtype: "int32" };

// --- Take --------------------------------------------------------------------------------------
expectType<TypeEqual<Take<[50000, 128], [64, 256], 0>, [64, 256, 128]>>(true);
expectType<TypeEqual<Take<[2, 3, 4], [5], 1>, [2, 5, 4]>>(true);
expectType<TypeEqual<Take<[2, 3, 4], [], -1>, [2, 3]>>(true);
expectType<TypeEqual<Take<[2, 3, 4], [5, 6], undefined>, [5, 6]>>(true);
expectType<TypeEqual<Take<[number, 3], [7], 0>, [7, 3]>>(true);
expectType<TypeEqual<Take<number[], [7], 0>, number[]>>(true);
expectType<TypeEqual<Take<[2, 3], [7], number>, number[]>>(true);
expectType<TypeEqual<Take<[2, 3], [7], 2>, ShapeError<"take: axis 2 is out of range for shape [2, 3] (rank 2)">>>(true);
expectType<TypeEqual<Take<[], [7], 0>, ShapeError<"take: axis 0 is out of range for shape [] (rank 0)">>>(true);

// --- TakeAlongAxis -----------------------------------------------------------------------------
expectType<TypeEqual<TakeAlongAxis<[4096, 512], [4096, 1], 1>, [4096, 1]>>(true);
expectType<TypeEqual<TakeAlongAxis<[2, 3, 4], [1, 3, 7], 2>, [2, 3, 7]>>(true);
expectType<TypeEqual<TakeAlongAxis<[1, 3], [5, 2], -1>, [5, 2]>>(true);
expectType<TypeEqual<TakeAlongAxis<[number, 3], [4, 1], 1>, [4, 1]>>(true);
expectType<TypeEqual<TakeAlongAxis<[2, 3], [2, 1], number>, [number, number]>>(true);
expectType<TypeEqual<TakeAlongAxis<[2, 3], [3], 0>, ShapeError<"takeAlongAxis: x [2, 3] and indices [3] differ in rank (2 vs 1)">>>(true);
expectType<TypeEqual<TakeAlongAxis<[2, 3], [4, 1], 1>, ShapeError<"takeAlongAxis: x [2, 3] and indices [4, 1] do not broadcast at axis 0 (2 vs 4)">>>(true);

// --- DynamicSlice / DynamicUpdateSlice ---------------------------------------------------------
expectType<TypeEqual<DynamicSlice<[3, 4], [3, 0]>, [3, 0]>>(true);
expectType<TypeEqual<DynamicSlice<[number, 4], [9, 4]>, [9, 4]>>(true);
expectType<TypeEqual<DynamicSlice<[3, 4], [2, 5]>, ShapeError<"dynamicSlice: sizes [2, 5] do not fit in shape [3, 4] (5 > 4 at axis 1)">>>(true);
expectType<TypeEqual<DynamicSlice<[3, 4], [2, 2, 2]>, ShapeError<"dynamicSlice: 3 sizes for shape [3, 4] (rank 2)">>>(true);
expectType<TypeEqual<DynamicUpdateSlice<[3, 4], [3, 1]>, [3, 4]>>(true);
expectType<TypeEqual<DynamicUpdateSlice<[3, 4], [4, 1]>, ShapeError<"dynamicUpdateSlice: update [4, 1] does not fit in [3, 4] (4 > 3 at axis 0)">>>(true);

// --- AtRegion / IndexAt ------------------------------------------------------------------------
expectType<TypeEqual<AtRegion<[5, 3], I32<[2, 4]>>, [2, 4, 3]>>(true);
expectType<TypeEqual<AtRegion<[5, 3], I32<[]>>, [3]>>(true);
expectType<TypeEqual<AtRegion<[5, 3], -5>, [3]>>(true);
expectType<TypeEqual<AtRegion<[5, 3], readonly [1, null, 2]>, [2, 3]>>(true);
expectType<TypeEqual<AtRegion<[5, 3], null>, [5, 3]>>(true);
expectType<TypeEqual<AtRegion<[5, 3], 5>, ShapeError<"at: 5 is out of bounds for axis 0 of size 5 (shape [5, 3])">>>(true);
expectType<TypeEqual<AtRegion<[5, 3], { readonly shape: [2]; readonly dtype: "bool" }>, ShapeError<"at: indices must be int32, got bool">>>(true);
expectType<TypeEqual<IndexAt<[5, 3], I32<[]>, 1>, [5]>>(true);
expectType<TypeEqual<IndexAt<[5, 3], 4, 0>, [3]>>(true);
