// nn.laplacian, nn.hessianDiagonal (both methods) and nn.higherDerivative: results typed exactly.
import { expectType, type TypeEqual } from "ts-expect";
import { nn, sum, tanh, mul, type Tensor } from "../../src/index.js";

declare const x: Tensor<[3]>;
declare const x64: Tensor<[5], "float64">;
const u = (v: Tensor<[3]>) => sum(tanh(v));
const u64 = (v: Tensor<[5], "float64">) => sum(mul(v, v));

const l = nn.laplacian(u)(x);
expectType<TypeEqual<typeof l, Tensor<[]>>>(true);
const lh = nn.laplacian(u, { method: "hvp" })(x);
expectType<TypeEqual<typeof lh, Tensor<[]>>>(true);
const l64 = nn.laplacian(u64, { method: "forward" })(x64);
expectType<TypeEqual<typeof l64, Tensor<[], "float64">>>(true);
const d = nn.hessianDiagonal(u)(x);
expectType<TypeEqual<typeof d, Tensor<[3]>>>(true);
const d64 = nn.hessianDiagonal(u64, { method: "hvp" })(x64);
expectType<TypeEqual<typeof d64, Tensor<[5], "float64">>>(true);
const k4 = nn.higherDerivative(u, 4)(x, x);
expectType<TypeEqual<typeof k4, Tensor<[]>>>(true);
const kv = nn.higherDerivative((v: Tensor<[3]>) => tanh(v), 2)(x, x);
expectType<TypeEqual<typeof kv, Tensor<[3]>>>(true);
// a pytree output: the same pytree, each leaf its k-th derivative (as jet)
const kt = nn.higherDerivative((v: Tensor<[3]>) => ({ a: tanh(v), b: [sum(v)] as const }), 3)(x, x);
expectType<TypeEqual<typeof kt, { a: Tensor<[3]>; b: readonly [Tensor<[]>] }>>(true);

// the function must return a scalar (the run-time checks' text)
// @ts-expect-error laplacian: the function must return a scalar, got shape [3]
nn.laplacian((v: Tensor<[3]>) => tanh(v));
// @ts-expect-error hessianDiagonal: the function must return a scalar, got 2 tensors in a pytree
nn.hessianDiagonal((v: Tensor<[3]>) => [sum(v), sum(v)] as const);
// @ts-expect-error laplacian: the function must take one float tensor, got Tensor<[3], int32>
nn.laplacian((v: Tensor<[3], "int32">) => sum(v));
// under vmap and a closure (examples/pinn2d's shape)
const lz = (z: Tensor<[2]>) => nn.laplacian((w: Tensor<[2]>) => sum(mul(w, z)))(z);
expectType<TypeEqual<ReturnType<typeof lz>, Tensor<[]>>>(true);
// v must be shaped like x (the run-time check's text)
declare const x2: Tensor<[2]>;
// @ts-expect-error higherDerivative: v has shape [2], but x has shape [3]
nn.higherDerivative(u, 2)(x, x2);
// @ts-expect-error higherDerivative: v has dtype float64, but x has dtype float32
nn.higherDerivative(u, 2)(x, {} as Tensor<[3], "float64">);
declare const xd: Tensor<number[]>;
const kd = nn.higherDerivative((v: Tensor<number[]>) => sum(v), 2)(xd, x2);
expectType<TypeEqual<typeof kd, Tensor<[]>>>(true);
