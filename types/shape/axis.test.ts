import { expectType, type TypeEqual } from "ts-expect";
import type {
  AxisInRange,
  DimAt,
  InsertAxis,
  InsertAxisInRange,
  MoveAxis,
  NormalizeAxis,
  NormalizeInsertAxis,
  RemoveAxis,
} from "../../src/shape/index.js";
import { moveaxis, tensorOf, type Tensor } from "./standins.js";

// NormalizeAxis
expectType<TypeEqual<NormalizeAxis<0, 3>, 0>>(true);
expectType<TypeEqual<NormalizeAxis<2, 3>, 2>>(true);
expectType<TypeEqual<NormalizeAxis<-1, 3>, 2>>(true);
expectType<TypeEqual<NormalizeAxis<-3, 3>, 0>>(true);
expectType<TypeEqual<NormalizeAxis<3, 3>, never>>(true);
expectType<TypeEqual<NormalizeAxis<-4, 3>, never>>(true);
expectType<TypeEqual<NormalizeAxis<0, 0>, never>>(true);
expectType<TypeEqual<NormalizeAxis<1.5, 3>, never>>(true);
expectType<TypeEqual<NormalizeAxis<number, 3>, number>>(true);
expectType<TypeEqual<NormalizeAxis<2, number>, 2>>(true);
expectType<TypeEqual<NormalizeAxis<-1, number>, number>>(true);
expectType<TypeEqual<NormalizeInsertAxis<-1, 2>, 2>>(true);
expectType<TypeEqual<NormalizeInsertAxis<2, 2>, 2>>(true);
expectType<TypeEqual<NormalizeInsertAxis<3, 2>, never>>(true);

// AxisInRange / InsertAxisInRange
expectType<TypeEqual<AxisInRange<[2, 3], 1>, true>>(true);
expectType<TypeEqual<AxisInRange<[2, 3], -2>, true>>(true);
expectType<TypeEqual<AxisInRange<[2, 3], 2>, false>>(true);
expectType<TypeEqual<AxisInRange<[2, 3], -3>, false>>(true);
expectType<TypeEqual<AxisInRange<[], 0>, false>>(true);
expectType<TypeEqual<AxisInRange<[2, 3], number>, true>>(true);
expectType<TypeEqual<AxisInRange<number[], 5>, true>>(true);
expectType<TypeEqual<InsertAxisInRange<[2, 3], 2>, true>>(true);
expectType<TypeEqual<InsertAxisInRange<[2, 3], -3>, true>>(true);
expectType<TypeEqual<InsertAxisInRange<[2, 3], 3>, false>>(true);
expectType<TypeEqual<InsertAxisInRange<[2, 3], -4>, false>>(true);

// DimAt
expectType<TypeEqual<DimAt<[2, 3, 4], 1>, 3>>(true);
expectType<TypeEqual<DimAt<readonly [2, 3, 4], -1>, 4>>(true);
expectType<TypeEqual<DimAt<[2, 3, 4], 3>, number>>(true);
expectType<TypeEqual<DimAt<[2, 3, 4], number>, number>>(true);

// RemoveAxis
expectType<TypeEqual<RemoveAxis<[2, 3, 4], 0>, [3, 4]>>(true);
expectType<TypeEqual<RemoveAxis<readonly [2, 3, 4], 1>, [2, 4]>>(true);
expectType<TypeEqual<RemoveAxis<[2, 3, 4], -1>, [2, 3]>>(true);
expectType<TypeEqual<RemoveAxis<[2], 0>, []>>(true);
expectType<TypeEqual<RemoveAxis<[1, 2, 3, 4, 5, 6, 7, 8], -8>, [2, 3, 4, 5, 6, 7, 8]>>(true);
expectType<TypeEqual<RemoveAxis<[2, 3, 4], 3>, number[]>>(true);
expectType<TypeEqual<RemoveAxis<[2, 3, 4], number>, [number, number]>>(true);
expectType<TypeEqual<RemoveAxis<number[], 0>, number[]>>(true);

// InsertAxis
expectType<TypeEqual<InsertAxis<[3, 4], 0, 2>, [2, 3, 4]>>(true);
expectType<TypeEqual<InsertAxis<readonly [3, 4], 1, 2>, [3, 2, 4]>>(true);
expectType<TypeEqual<InsertAxis<[3, 4], 2, 2>, [3, 4, 2]>>(true);
expectType<TypeEqual<InsertAxis<[3, 4], -1, 2>, [3, 4, 2]>>(true);
expectType<TypeEqual<InsertAxis<[3, 4], -3, 2>, [2, 3, 4]>>(true);
expectType<TypeEqual<InsertAxis<[], 0, 5>, [5]>>(true);
expectType<TypeEqual<InsertAxis<[3, 4], 0, number>, [number, 3, 4]>>(true);
expectType<TypeEqual<InsertAxis<[3, 4], 4, 2>, number[]>>(true);
expectType<TypeEqual<InsertAxis<[3, 4], number, 2>, [number, number, number]>>(true);
expectType<TypeEqual<InsertAxis<number[], 0, 2>, number[]>>(true);
// RemoveAxis then InsertAxis at the same place is the identity (what vmap does)
expectType<TypeEqual<InsertAxis<RemoveAxis<[2, 3, 4], 1>, 1, 3>, [2, 3, 4]>>(true);

// MoveAxis
expectType<TypeEqual<MoveAxis<[2, 3, 4], 0, -1>, [3, 4, 2]>>(true);
expectType<TypeEqual<MoveAxis<[2, 3, 4], -1, 0>, [4, 2, 3]>>(true);
expectType<TypeEqual<MoveAxis<[2, 3, 4], 1, 1>, [2, 3, 4]>>(true);
expectType<TypeEqual<MoveAxis<[2, 3, 4], 0, 1>, [3, 2, 4]>>(true);
expectType<TypeEqual<MoveAxis<[1, 2, 3, 4, 5, 6, 7, 8], 7, 0>, [8, 1, 2, 3, 4, 5, 6, 7]>>(true);
expectType<TypeEqual<MoveAxis<[2, 3, 4], 3, 0>, number[]>>(true);
expectType<TypeEqual<MoveAxis<[2, 3, 4], number, 0>, [number, number, number]>>(true);

const m = moveaxis(tensorOf([2, 3, 4]), 0, -1);
expectType<TypeEqual<typeof m, Tensor<[3, 4, 2]>>>(true);
