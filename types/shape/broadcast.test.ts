import { expectType, type TypeEqual } from "ts-expect";
import type { Broadcast, BroadcastAll, BroadcastDim, BroadcastTo, ShapeError } from "../../src/shape/index.js";
import { add, broadcastTo, tensorOf, where, type Tensor } from "./standins.js";

// --- Broadcast: direct -------------------------------------------------------------------------
expectType<TypeEqual<Broadcast<[2, 1], [3]>, [2, 3]>>(true);
expectType<TypeEqual<Broadcast<readonly [2, 3], readonly [2, 3]>, [2, 3]>>(true);
expectType<TypeEqual<Broadcast<[], []>, []>>(true);
expectType<TypeEqual<Broadcast<[], [3, 4]>, [3, 4]>>(true);
expectType<TypeEqual<Broadcast<[3, 4], []>, [3, 4]>>(true);
expectType<TypeEqual<Broadcast<[1], [1]>, [1]>>(true);
expectType<TypeEqual<Broadcast<[1, 4], [3, 1]>, [3, 4]>>(true);
expectType<TypeEqual<Broadcast<[5, 1, 4], [3, 1]>, [5, 3, 4]>>(true);
expectType<TypeEqual<Broadcast<[4], [2, 3, 4]>, [2, 3, 4]>>(true);
expectType<TypeEqual<Broadcast<[8, 1, 6, 1], [7, 1, 5]>, [8, 7, 6, 5]>>(true);
expectType<TypeEqual<Broadcast<[0], [1]>, [0]>>(true);
// rank 8
expectType<
  TypeEqual<Broadcast<[2, 1, 3, 1, 4, 1, 5, 1], [1, 6, 1, 7, 1, 8, 1, 9]>, [2, 6, 3, 7, 4, 8, 5, 9]>
>(true);
// dynamic dims: never a false error
expectType<TypeEqual<Broadcast<[number], [5]>, [5]>>(true);
expectType<TypeEqual<Broadcast<[5], [number]>, [5]>>(true);
expectType<TypeEqual<Broadcast<[number], [number]>, [number]>>(true);
expectType<TypeEqual<Broadcast<[number], [1]>, [number]>>(true);
expectType<TypeEqual<Broadcast<[1], [number]>, [number]>>(true);
expectType<TypeEqual<Broadcast<[number, 3], [4, 1]>, [4, 3]>>(true);
// unknown rank
expectType<TypeEqual<Broadcast<number[], [2, 3]>, number[]>>(true);
expectType<TypeEqual<Broadcast<[2, 3], number[]>, number[]>>(true);
expectType<TypeEqual<Broadcast<[2, ...number[]], [3]>, number[]>>(true);
// errors
expectType<TypeEqual<Broadcast<[2, 3], [4]>, ShapeError<"broadcast: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)">>>(
  true,
);
expectType<
  TypeEqual<Broadcast<[2, 3], [4, 3], "add">, ShapeError<"add: shapes [2, 3] and [4, 3] do not broadcast (2 vs 4 at axis -2)">>
>(true);
expectType<
  TypeEqual<Broadcast<[2, number, 3], [5, 1, 1]>, ShapeError<"broadcast: shapes [2, number, 3] and [5, 1, 1] do not broadcast (2 vs 5 at axis -3)">>
>(true);
expectType<TypeEqual<Broadcast<[0], [2]>, ShapeError<"broadcast: shapes [0] and [2] do not broadcast (0 vs 2 at axis -1)">>>(true);

// BroadcastDim
expectType<TypeEqual<BroadcastDim<1, 7>, 7>>(true);
expectType<TypeEqual<BroadcastDim<number, 7>, 7>>(true);

// --- BroadcastAll ------------------------------------------------------------------------------
expectType<TypeEqual<BroadcastAll<[[2, 1], [1, 3], []]>, [2, 3]>>(true);
expectType<TypeEqual<BroadcastAll<[]>, []>>(true);
expectType<TypeEqual<BroadcastAll<[[4]]>, [4]>>(true);
expectType<TypeEqual<BroadcastAll<[2, 3][]>, number[]>>(true);
expectType<
  TypeEqual<BroadcastAll<[[2, 1], [1, 3], [4]], "where">, ShapeError<"where: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)">>
>(true);

// --- BroadcastTo -------------------------------------------------------------------------------
expectType<TypeEqual<BroadcastTo<[3], [2, 3]>, [2, 3]>>(true);
expectType<TypeEqual<BroadcastTo<readonly [1, 3], readonly [4, 2, 3]>, [4, 2, 3]>>(true);
expectType<TypeEqual<BroadcastTo<[], [2, 3]>, [2, 3]>>(true);
expectType<TypeEqual<BroadcastTo<[number, 3], [2, 3]>, [2, 3]>>(true);
expectType<TypeEqual<BroadcastTo<[2, 3], [number, 3]>, [number, 3]>>(true);
expectType<TypeEqual<BroadcastTo<number[], [2, 3]>, [2, 3]>>(true);
expectType<TypeEqual<BroadcastTo<[2, 3], number[]>, number[]>>(true);
expectType<TypeEqual<BroadcastTo<[2, 3], [4, 3]>, ShapeError<"broadcastTo: cannot broadcast [2, 3] to [4, 3] (2 vs 4 at axis -2)">>>(
  true,
);
expectType<TypeEqual<BroadcastTo<[2, 3], [3]>, ShapeError<"broadcastTo: cannot broadcast [2, 3] to [3] (rank 2 > rank 1)">>>(true);
// one-directional: [3] -> [1] is not allowed although Broadcast<[3], [1]> is fine
expectType<TypeEqual<BroadcastTo<[3], [1]>, ShapeError<"broadcastTo: cannot broadcast [3] to [1] (3 vs 1 at axis -1)">>>(true);

// --- at the call site --------------------------------------------------------------------------
const x23 = tensorOf([2, 3]);
const s1 = add(x23, tensorOf([3]));
expectType<TypeEqual<typeof s1, Tensor<[2, 3]>>>(true);
const s2 = add(tensorOf([4096, 1]), tensorOf([2]));
expectType<TypeEqual<typeof s2, Tensor<[4096, 2]>>>(true);
const s3 = add(tensorOf([]), x23);
expectType<TypeEqual<typeof s3, Tensor<[2, 3]>>>(true);
declare const dyn: Tensor<[number, 3]>;
const s4 = add(dyn, tensorOf([5, 1]));
expectType<TypeEqual<typeof s4, Tensor<[5, 3]>>>(true);
declare const unk: Tensor<number[]>;
const s5 = add(unk, x23);
expectType<TypeEqual<typeof s5, Tensor<number[]>>>(true);
// @ts-expect-error add: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
add(x23, tensorOf([4]));

const w1 = where(tensorOf([2, 1]), tensorOf([1, 3]), tensorOf([3]));
expectType<TypeEqual<typeof w1, Tensor<[2, 3]>>>(true);
// @ts-expect-error where: shapes [2, 3] and [4] do not broadcast (3 vs 4 at axis -1)
where(tensorOf([2, 1]), tensorOf([1, 3]), tensorOf([4]));

const b1 = broadcastTo(tensorOf([3]), [2, 3]);
expectType<TypeEqual<typeof b1, Tensor<[2, 3]>>>(true);
// @ts-expect-error broadcastTo: cannot broadcast [2, 3] to [4, 3] (2 vs 4 at axis -2)
broadcastTo(x23, [4, 3]);
