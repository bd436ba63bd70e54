import { expectType, type TypeEqual } from "ts-expect";
import type {
  AsShape,
  Check,
  Dynamic,
  IsKnownRank,
  IsShapeError,
  IsStatic,
  Mutable,
  Rank,
  ShapeError,
  ShowShape,
} from "../../src/shape/index.js";

// ShowShape
expectType<TypeEqual<ShowShape<[2, 3]>, "[2, 3]">>(true);
expectType<TypeEqual<ShowShape<readonly [2, 3]>, "[2, 3]">>(true);
expectType<TypeEqual<ShowShape<[]>, "[]">>(true);
expectType<TypeEqual<ShowShape<[number, 5]>, "[number, 5]">>(true);
expectType<TypeEqual<ShowShape<[1, 2, 3, 4, 5, 6, 7, 8]>, "[1, 2, 3, 4, 5, 6, 7, 8]">>(true);
expectType<TypeEqual<ShowShape<number[]>, "number[]">>(true);
expectType<TypeEqual<ShowShape<[1048576]>, "[1048576]">>(true);

// IsShapeError
expectType<TypeEqual<IsShapeError<ShapeError<"x">>, true>>(true);
expectType<TypeEqual<IsShapeError<[2, 3]>, false>>(true);
expectType<TypeEqual<IsShapeError<never>, false>>(true);

// Check: the error when R is one, else the argument's own type
expectType<TypeEqual<Check<ShapeError<"bad">, 3>, ShapeError<"bad">>>(true);
expectType<TypeEqual<Check<[2, 3], 3>, 3>>(true);
expectType<TypeEqual<Check<never, 3>, 3>>(true);

// AsShape
expectType<TypeEqual<AsShape<[2, 3]>, [2, 3]>>(true);
expectType<TypeEqual<AsShape<ShapeError<"bad">>, number[]>>(true);
expectType<TypeEqual<AsShape<never>, number[]>>(true);

// Mutable, IsStatic, Rank, IsKnownRank, Dynamic
expectType<TypeEqual<Mutable<readonly [2, 3]>, [2, 3]>>(true);
expectType<TypeEqual<IsStatic<3>, true>>(true);
expectType<TypeEqual<IsStatic<number>, false>>(true);
expectType<TypeEqual<Rank<readonly [2, 3]>, 2>>(true);
expectType<TypeEqual<Rank<number[]>, number>>(true);
expectType<TypeEqual<IsKnownRank<[2, 3]>, true>>(true);
expectType<TypeEqual<IsKnownRank<number[]>, false>>(true);
expectType<TypeEqual<IsKnownRank<[2, ...number[]]>, false>>(true);
expectType<TypeEqual<Dynamic<3>, [number, number, number]>>(true);
expectType<TypeEqual<Dynamic<0>, []>>(true);
expectType<TypeEqual<Dynamic<number>, number[]>>(true);
