/** Weight initialisers. Each takes an explicit PRNG key, as in JAX. */
import type { PRNGKey } from "../random/random.js";
import { normal, uniform } from "../random/random.js";
import { zeros } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { mul } from "../ops/elementwise.js";

/** An initialiser for a [fanIn, fanOut] weight matrix. */
export type Initializer = <I extends number, O extends number>(key: PRNGKey, shape: readonly [I, O]) => Tensor<[I, O]>;

/** Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fanIn + fanOut)). Suits tanh and sigmoid. */
export const glorotUniform: Initializer = (key, shape) => {
  const a = Math.sqrt(6 / (shape[0] + shape[1]));
  return uniform(key, shape, { minval: -a, maxval: a });
};

/** Glorot normal: N(0, 2 / (fanIn + fanOut)). */
export const glorotNormal: Initializer = (key, shape) => mul(normal(key, shape), Math.sqrt(2 / (shape[0] + shape[1])));

/** He (Kaiming) normal: N(0, 2 / fanIn). Suits relu. */
export const heNormal: Initializer = (key, shape) => mul(normal(key, shape), Math.sqrt(2 / shape[0]));

/** He uniform: U(-a, a) with a = sqrt(6 / fanIn). */
export const heUniform: Initializer = (key, shape) => {
  const a = Math.sqrt(6 / shape[0]);
  return uniform(key, shape, { minval: -a, maxval: a });
};

/** Zero biases. */
export const zerosBias = <O extends number>(n: O): Tensor<[O]> => zeros([n]);
