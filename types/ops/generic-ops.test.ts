// Batch-polymorphic code (issue 14): a generic dim that an op only copies flows through it exactly.
import { expectType, type TypeEqual } from "ts-expect";
import { index, slice, concatenate, stack, type Tensor } from "../../src/index.js";

export function ops<B extends number>(x: Tensor<[B, 3, 4]>, y: Tensor<[B, 3, 4], "float32">) {
  const b = index(x, 0, 1);
  expectType<TypeEqual<typeof b, Tensor<[B, 4]>>>(true);
  const c = slice(x, [null, [0, 1]]);
  expectType<TypeEqual<typeof c, Tensor<[B, 1, 4]>>>(true);
  const c2 = slice(x, [null, null, [1, 4, 2]]);
  expectType<TypeEqual<typeof c2, Tensor<[B, 3, 2]>>>(true);
  const g = concatenate([x, y], 1);
  expectType<TypeEqual<typeof g, Tensor<[B, 6, 4]>>>(true);
  const s = stack([x, y], 1);
  expectType<TypeEqual<typeof s, Tensor<[B, 2, 3, 4]>>>(true);
  // the mistakes are still caught on the dims that are known
  // @ts-expect-error slice: step must be a positive integer, got 0 (axis 1)
  slice(x, [null, [0, 3, 0]]);
  // a message naming a generic dim shows it as ShowDim<B>: TypeScript cannot print a type parameter as text
  // @ts-expect-error index: 3 is out of bounds for axis 1 of size 3 (shape [${ShowDim<B>}, 3, 4])
  index(x, 3, 1);
  return [b, c, c2, g, s] as const;
}
