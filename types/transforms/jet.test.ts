// jet: the primal output typed as f's, the output series as a list of it (JAX's series_out).
import { expectType, type TypeEqual } from "ts-expect";
import { jet, sum, tanh, mul, type Tensor } from "../../src/index.js";

declare const x: Tensor<[3]>;
declare const v: Tensor<[3]>;
declare const y2: Tensor<[2]>;
declare const x64: Tensor<[4], "float64">;

const f = (a: Tensor<[3]>) => sum(tanh(a));
const [o, s] = jet(f, [x], [[v, v, v]]);
expectType<TypeEqual<typeof o, Tensor<[]>>>(true);
expectType<TypeEqual<typeof s, Tensor<[]>[]>>(true);

const g = (a: Tensor<[4], "float64">) => mul(a, a);
const [o2, s2] = jet(g, [x64], [[x64]]);
expectType<TypeEqual<typeof o2, Tensor<[4], "float64">>>(true);
expectType<TypeEqual<typeof s2, Tensor<[4], "float64">[]>>(true);

// a pytree output: each tensor leaf becomes its list of terms
const h = (a: Tensor<[3]>) => ({ t: tanh(a), n: sum(a) });
const [, s3] = jet(h, [x], [[v]]);
expectType<TypeEqual<typeof s3, { t: Tensor<[3]>[]; n: Tensor<[]>[] }>>(true);

// @ts-expect-error jet: argument 0 has shape [2], but the function expects [3]
jet(f, [y2], [[y2]]);
