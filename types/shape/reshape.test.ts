import { expectType, type TypeEqual } from "ts-expect";
import type { ExpandDims, Flatten, Reshape, ShapeError, Squeeze } from "../../src/shape/index.js";
import { expandDims, flatten, reshape, squeeze, tensorOf, type Tensor } from "./standins.js";

// --- Reshape -----------------------------------------------------------------------------------
expectType<TypeEqual<Reshape<[3, 4], [4, 3]>, [4, 3]>>(true);
expectType<TypeEqual<Reshape<readonly [3, 4], readonly [2, 6]>, [2, 6]>>(true);
expectType<TypeEqual<Reshape<[3, 4], [12]>, [12]>>(true);
expectType<TypeEqual<Reshape<[3, 4], [-1]>, [12]>>(true);
expectType<TypeEqual<Reshape<[3, 4], [2, -1]>, [2, 6]>>(true);
expectType<TypeEqual<Reshape<[3, 4], [-1, 1, 2]>, [6, 1, 2]>>(true);
expectType<TypeEqual<Reshape<[], [1, 1]>, [1, 1]>>(true);
expectType<TypeEqual<Reshape<[1], []>, []>>(true);
expectType<TypeEqual<Reshape<[0, 3], [3, 0]>, [3, 0]>>(true);
// big products
expectType<TypeEqual<Reshape<[1024, 1024], [1048576]>, [1048576]>>(true);
expectType<TypeEqual<Reshape<[1024, 1024], [-1]>, [1048576]>>(true);
expectType<TypeEqual<Reshape<[3, 224, 224], [3, -1]>, [3, 50176]>>(true);
expectType<TypeEqual<Reshape<[3, 224, 224], [-1, 224]>, [672, 224]>>(true);
expectType<TypeEqual<Reshape<[64, 3, 224, 224], [64, -1]>, [64, 150528]>>(true);
expectType<TypeEqual<Reshape<[2, 3, 4, 5, 6, 7, 8, 9], [-1, 9]>, [40320, 9]>>(true);
expectType<TypeEqual<Reshape<[1048576], [1024, 1024]>, [1024, 1024]>>(true);
// dynamic: no error, -1 becomes number
expectType<TypeEqual<Reshape<[number, 4], [2, -1]>, [2, number]>>(true);
expectType<TypeEqual<Reshape<[3, 4], [number, 5]>, [number, 5]>>(true);
expectType<TypeEqual<Reshape<[3, 4], [number, -1]>, [number, number]>>(true);
expectType<TypeEqual<Reshape<number[], [2, -1]>, [2, number]>>(true);
expectType<TypeEqual<Reshape<[3, 4], number[]>, number[]>>(true);
// errors
expectType<
  TypeEqual<Reshape<[3, 4], [5, 3]>, ShapeError<"reshape: cannot reshape [3, 4] (12 elements) into [5, 3] (15 elements)">>
>(true);
expectType<
  TypeEqual<Reshape<[3, 4], [5, -1]>, ShapeError<"reshape: cannot reshape [3, 4] (12 elements) into [5, -1] (12 is not divisible by 5)">>
>(true);
expectType<
  TypeEqual<Reshape<[3, 224, 224], [1000, -1]>, ShapeError<"reshape: cannot reshape [3, 224, 224] (150528 elements) into [1000, -1] (150528 is not divisible by 1000)">>
>(true);
expectType<
  TypeEqual<Reshape<[1024, 1024], [1000, 1000]>, ShapeError<"reshape: cannot reshape [1024, 1024] (1048576 elements) into [1000, 1000] (1000000 elements)">>
>(true);
expectType<TypeEqual<Reshape<[3, 4], [-1, -1]>, ShapeError<"reshape: can only specify one unknown dimension (-1), got [-1, -1]">>>(true);
expectType<TypeEqual<Reshape<number[], [-1, 2, -1]>, ShapeError<"reshape: can only specify one unknown dimension (-1), got [-1, 2, -1]">>>(
  true,
);
expectType<TypeEqual<Reshape<[3, 4], [-2, 6]>, ShapeError<"reshape: invalid dim -2 in [-2, 6]">>>(true);

// --- Flatten -----------------------------------------------------------------------------------
expectType<TypeEqual<Flatten<[3, 224, 224]>, [150528]>>(true);
expectType<TypeEqual<Flatten<[]>, [1]>>(true);
expectType<TypeEqual<Flatten<[2, number]>, [number]>>(true);
expectType<TypeEqual<Flatten<number[]>, [number]>>(true);

// --- ExpandDims --------------------------------------------------------------------------------
expectType<TypeEqual<ExpandDims<[2, 3], 0>, [1, 2, 3]>>(true);
expectType<TypeEqual<ExpandDims<[2, 3], 1>, [2, 1, 3]>>(true);
expectType<TypeEqual<ExpandDims<[2, 3], 2>, [2, 3, 1]>>(true);
expectType<TypeEqual<ExpandDims<[2, 3], -1>, [2, 3, 1]>>(true);
expectType<TypeEqual<ExpandDims<[2, 3], -3>, [1, 2, 3]>>(true);
expectType<TypeEqual<ExpandDims<[], 0>, [1]>>(true);
expectType<TypeEqual<ExpandDims<[2, 3], number>, [number, number, number]>>(true);
expectType<TypeEqual<ExpandDims<number[], 0>, number[]>>(true);
expectType<TypeEqual<ExpandDims<[2, 3], 3>, ShapeError<"expandDims: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])">>>(true);
expectType<TypeEqual<ExpandDims<[2, 3], -4>, ShapeError<"expandDims: axis -4 is out of range for shape [2, 3] (must be in [-3, 2])">>>(
  true,
);

// --- Squeeze -----------------------------------------------------------------------------------
expectType<TypeEqual<Squeeze<[1, 2, 1, 3]>, [2, 3]>>(true);
expectType<TypeEqual<Squeeze<readonly [1, 1]>, []>>(true);
expectType<TypeEqual<Squeeze<[2, number]>, number[]>>(true);
expectType<TypeEqual<Squeeze<[1, 2, 1, 3], 0>, [2, 1, 3]>>(true);
expectType<TypeEqual<Squeeze<[1, 2, 1, 3], -2>, [1, 2, 3]>>(true);
expectType<TypeEqual<Squeeze<[1, 2, 1, 3], [0, 2]>, [2, 3]>>(true);
expectType<TypeEqual<Squeeze<[number, 2], 0>, [2]>>(true);
expectType<TypeEqual<Squeeze<[1, 2, 3], number>, [number, number]>>(true);
expectType<TypeEqual<Squeeze<number[], 0>, number[]>>(true);
expectType<TypeEqual<Squeeze<[2, 3], 1>, ShapeError<"squeeze: axis 1 has size 3, not 1 (shape [2, 3])">>>(true);
expectType<TypeEqual<Squeeze<[2, 3], -2>, ShapeError<"squeeze: axis -2 has size 2, not 1 (shape [2, 3])">>>(true);
expectType<TypeEqual<Squeeze<[1, 3], 2>, ShapeError<"squeeze: axis 2 is out of range for shape [1, 3] (rank 2)">>>(true);
expectType<TypeEqual<Squeeze<[1, 3], [0, -2]>, ShapeError<"squeeze: repeated axis -2 in [0, -2] for shape [1, 3]">>>(true);

// --- at the call site --------------------------------------------------------------------------
const img = tensorOf([3, 224, 224]);
const r1 = reshape(img, [3, -1]);
expectType<TypeEqual<typeof r1, Tensor<[3, 50176]>>>(true);
const r2 = reshape(tensorOf([1024, 1024]), [1048576]);
expectType<TypeEqual<typeof r2, Tensor<[1048576]>>>(true);
declare const dyn: Tensor<[number, 4]>;
const r3 = reshape(dyn, [-1, 2]);
expectType<TypeEqual<typeof r3, Tensor<[number, 2]>>>(true);
// @ts-expect-error reshape: cannot reshape [3, 4] (12 elements) into [5, 3] (15 elements)
reshape(tensorOf([3, 4]), [5, 3]);
// @ts-expect-error reshape: cannot reshape [3, 4] (12 elements) into [5, -1] (12 is not divisible by 5)
reshape(tensorOf([3, 4]), [5, -1]);
// @ts-expect-error reshape: can only specify one unknown dimension (-1), got [-1, -1]
reshape(tensorOf([3, 4]), [-1, -1]);

const fl = flatten(img);
expectType<TypeEqual<typeof fl, Tensor<[150528]>>>(true);

const e1 = expandDims(tensorOf([2, 3]), -1);
expectType<TypeEqual<typeof e1, Tensor<[2, 3, 1]>>>(true);
// @ts-expect-error expandDims: axis 3 is out of range for shape [2, 3] (must be in [-3, 2])
expandDims(tensorOf([2, 3]), 3);

const q1 = squeeze(tensorOf([1, 2, 1]));
expectType<TypeEqual<typeof q1, Tensor<[2]>>>(true);
const q2 = squeeze(tensorOf([1, 2, 1]), -1);
expectType<TypeEqual<typeof q2, Tensor<[1, 2]>>>(true);
// @ts-expect-error squeeze: axis 1 has size 3, not 1 (shape [2, 3])
squeeze(tensorOf([2, 3]), 1);
