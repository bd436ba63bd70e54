// Compile-time suite for the creation functions: inferred shapes and dtypes, and misuse.
import { expectType, type TypeEqual } from "ts-expect";
import { tensor, zeros, ones, full, arange, linspace, eye, random, astype, type Tensor, type PRNGKey } from "../../src/index.js";

// nested arrays: literal shapes
const t22 = tensor([[1, 2], [3, 4]]);
expectType<TypeEqual<typeof t22, Tensor<[2, 2]>>>(true);
expectType<TypeEqual<typeof t22, Tensor<[2, 2], "float32">>>(true);
expectType<TypeEqual<typeof t22.shape, [2, 2]>>(true);
expectType<TypeEqual<typeof t22.dtype, "float32">>(true);
expectType<TypeEqual<typeof t22.rank, 2>>(true);
const t3 = tensor([[[1], [2], [3]]]);
expectType<TypeEqual<typeof t3, Tensor<[1, 3, 1]>>>(true);
const s0 = tensor(5);
expectType<TypeEqual<typeof s0, Tensor<[]>>>(true);
const e0 = tensor([]);
expectType<TypeEqual<typeof e0, Tensor<[0]>>>(true);
const e20 = tensor([[], []]);
expectType<TypeEqual<typeof e20, Tensor<[2, 0]>>>(true);
const b = tensor([[true, false]]);
expectType<TypeEqual<typeof b, Tensor<[1, 2], "bool">>>(true);
// mixed booleans and numbers are float32 at run time, and so in the type
const mixed = tensor([true, 1]);
expectType<TypeEqual<typeof mixed, Tensor<[2], "float32">>>(true);
const f64 = tensor([1, 2, 3], "float64");
expectType<TypeEqual<typeof f64, Tensor<[3], "float64">>>(true);
const i32 = tensor([[1, 2]], "int32");
expectType<TypeEqual<typeof i32, Tensor<[1, 2], "int32">>>(true);

// typed arrays and a shape: the dtype follows the array
const ta = tensor(new Float64Array(6), [2, 3]);
expectType<TypeEqual<typeof ta, Tensor<[2, 3], "float64">>>(true);
const ti = tensor(new Int32Array(4), [4]);
expectType<TypeEqual<typeof ti, Tensor<[4], "int32">>>(true);
// bytes keep their values: small integer typed arrays are int32 unless "bool" is asked for
const tb = tensor(new Uint8Array(4), [2, 2]);
expectType<TypeEqual<typeof tb, Tensor<[2, 2], "int32">>>(true);
const tbb = tensor(new Uint8Array(4), [2, 2], "bool");
expectType<TypeEqual<typeof tbb, Tensor<[2, 2], "bool">>>(true);
const tc = tensor(new Uint8ClampedArray(4), [4]);
expectType<TypeEqual<typeof tc, Tensor<[4], "int32">>>(true);
const ts8 = tensor(new Int8Array(4), [4]);
expectType<TypeEqual<typeof ts8, Tensor<[4], "int32">>>(true);
const ts16 = tensor(new Int16Array(4), [4]);
expectType<TypeEqual<typeof ts16, Tensor<[4], "int32">>>(true);
const tu16 = tensor(new Uint16Array(4), [4]);
expectType<TypeEqual<typeof tu16, Tensor<[4], "int32">>>(true);
const tf = tensor(new Float32Array(6), [3, 2]);
expectType<TypeEqual<typeof tf, Tensor<[3, 2]>>>(true);
const tl = tensor([1, 2, 3, 4], [2, 2], "int32");
expectType<TypeEqual<typeof tl, Tensor<[2, 2], "int32">>>(true);
declare const dynShape: number[];
const td = tensor(new Float32Array(6), dynShape);
expectType<TypeEqual<typeof td, Tensor<number[]>>>(true);
declare const n: number;
const tn = tensor(new Float32Array(6), [n, 3]);
expectType<TypeEqual<typeof tn, Tensor<[number, 3]>>>(true);

// constructors
const z = zeros([3, 224, 224]);
expectType<TypeEqual<typeof z, Tensor<[3, 224, 224]>>>(true);
const o = ones([2, 3], "float64");
expectType<TypeEqual<typeof o, Tensor<[2, 3], "float64">>>(true);
const fu = full([4], 7, "int32");
expectType<TypeEqual<typeof fu, Tensor<[4], "int32">>>(true);
const zd = zeros([n, 4]);
expectType<TypeEqual<typeof zd, Tensor<[number, 4]>>>(true);
const a5 = arange(5);
expectType<TypeEqual<typeof a5, Tensor<[5]>>>(true);
const a210 = arange(2, 10);
expectType<TypeEqual<typeof a210, Tensor<[8]>>>(true);
const a2103 = arange(2, 10, 3);
expectType<TypeEqual<typeof a2103, Tensor<[3]>>>(true);
const aEmpty = arange(5, 2);
expectType<TypeEqual<typeof aEmpty, Tensor<[0]>>>(true);
// a non-integer or negative stop has a length that is not its own value
const aFrac = arange(3.5);
expectType<TypeEqual<typeof aFrac, Tensor<[number]>>>(true);
const aNeg = arange(5, 1, -1);
expectType<TypeEqual<typeof aNeg, Tensor<[number]>>>(true);
const ls = linspace(0, 1, 7);
expectType<TypeEqual<typeof ls, Tensor<[7]>>>(true);
const ls64 = linspace(0, 1, 7, "float64");
expectType<TypeEqual<typeof ls64, Tensor<[7], "float64">>>(true);
const e3 = eye(3);
expectType<TypeEqual<typeof e3, Tensor<[3, 3]>>>(true);
const e34 = eye(3, 4, "int32");
expectType<TypeEqual<typeof e34, Tensor<[3, 4], "int32">>>(true);

// random
const k = random.key(0);
expectType<TypeEqual<typeof k, PRNGKey>>(true);
const ks = random.split(k);
expectType<TypeEqual<typeof ks, [PRNGKey, PRNGKey]>>(true);
const rn = random.normal(k, [4, 5]);
expectType<TypeEqual<typeof rn, Tensor<[4, 5]>>>(true);
const rn64 = random.normal(k, [4], "float64");
expectType<TypeEqual<typeof rn64, Tensor<[4], "float64">>>(true);
const ru = random.uniform(k, [2, 2], { minval: -1, maxval: 1, dtype: "float64" });
expectType<TypeEqual<typeof ru, Tensor<[2, 2], "float64">>>(true);

// reading values
expectType<TypeEqual<ReturnType<typeof t22.dataSync>, Float32Array>>(true);
expectType<TypeEqual<ReturnType<typeof ta.dataSync>, Float64Array>>(true);
expectType<TypeEqual<ReturnType<typeof f64.data>, Promise<Float64Array>>>(true);
expectType<TypeEqual<ReturnType<typeof t22.toArray>, number[][]>>(true);
expectType<TypeEqual<ReturnType<typeof b.toArray>, boolean[][]>>(true);
expectType<TypeEqual<ReturnType<typeof s0.item>, number>>(true);
expectType<TypeEqual<ReturnType<typeof b.item>, boolean>>(true);

// misuse
// @ts-expect-error tensor: ragged nested array: [1] has length 1 where length 2 was expected
tensor([[1, 2], [3]]);
// @ts-expect-error tensor: ragged nested array: [1] has a scalar where length 2 was expected
tensor([[1, 2], 3]);
// @ts-expect-error tensor: ragged nested array: [1] is an array where a number was expected
tensor([1, [2]]);
// @ts-expect-error tensor: ragged nested array: [1][1] has length 1 where length 2 was expected
tensor([[[1, 2], [3, 4]], [[5, 6], [7]]]);
// @ts-expect-error (not a number: no shape error, a plain type error)
tensor([1, "a"]);
// @ts-expect-error (unknown dtype)
zeros([2], "float16");
// @ts-expect-error (random.normal takes a float dtype)
random.normal(k, [2], "int32");

// astype: only the library's dtypes
declare const xf: Tensor<[2]>;
// @ts-expect-error Argument of type '"float16"' is not assignable to parameter of type 'DType'.
astype(xf, "float16");
