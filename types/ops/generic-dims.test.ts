// Batch-polymorphic code: a generic dim goes through elementwise ops with its dtype resolved.
import { expectType, type TypeEqual } from "ts-expect";
import { mul, add, sub, type Tensor } from "../../src/index.js";

export function scaled<B extends number>(x: Tensor<[B, 2]>, w: Tensor<[2]>): Tensor<[B, 2]> {
  const y = mul(x, x);
  expectType<TypeEqual<typeof y, Tensor<[B, 2], "float32">>>(true);
  return sub(add(y, w), x.mul(2));
}
