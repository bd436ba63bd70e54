// Compile-time suite for jax.random: keys are Tensor<[2], "uint32">, split gives tuples, every draw
// has its shape and dtype at the type level, and a value that is not a key is an error at the call.
import { expectType, type TypeEqual } from "ts-expect";
import * as sg from "../../src/index.js";
import { random, tensor, vmap, jit, grad, sum, type Tensor, type PRNGKey } from "../../src/index.js";

const k = random.key(0);
expectType<TypeEqual<typeof k, PRNGKey>>(true);
expectType<TypeEqual<PRNGKey, Tensor<[2], "uint32">>>(true);

// --- split and foldIn ------------------------------------------------------------------------
const two = random.split(k);
expectType<TypeEqual<typeof two, [PRNGKey, PRNGKey]>>(true);
const three = random.split(k, 3);
expectType<TypeEqual<typeof three, [PRNGKey, PRNGKey, PRNGKey]>>(true);
const [a, b, c] = random.split(k, 3);
expectType<TypeEqual<typeof c, PRNGKey>>(true);
declare const n: number;
const many = random.split(k, n);
expectType<TypeEqual<typeof many, PRNGKey[]>>(true);
const f1 = random.foldIn(a, 7);
expectType<TypeEqual<typeof f1, PRNGKey>>(true);
const f2 = random.foldIn(b, tensor(3, "int32"));
expectType<TypeEqual<typeof f2, PRNGKey>>(true);
// a key from data: a uint32 tensor of shape [2]
const raw = tensor(new Uint32Array([1, 2]), [2]);
expectType<TypeEqual<typeof raw, Tensor<[2], "uint32">>>(true);
random.normal(raw, [3]);

// --- draws --------------------------------------------------------------------------------------
const bits = random.bits(k, [4, 2]);
expectType<TypeEqual<typeof bits, Tensor<[4, 2], "uint32">>>(true);
const bits0 = random.bits(k);
expectType<TypeEqual<typeof bits0, Tensor<[], "uint32">>>(true);
const u = random.uniform(k, [3, 4], { minval: -1, maxval: 1 });
expectType<TypeEqual<typeof u, Tensor<[3, 4]>>>(true);
const u64 = random.uniform(k, [5], { dtype: "float64" });
expectType<TypeEqual<typeof u64, Tensor<[5], "float64">>>(true);
const z = random.normal(k, [2, 3]);
expectType<TypeEqual<typeof z, Tensor<[2, 3]>>>(true);
const g = random.gumbel(k, [7], "float64");
expectType<TypeEqual<typeof g, Tensor<[7], "float64">>>(true);
const be = random.bernoulli(k, 0.9, [8, 8]);
expectType<TypeEqual<typeof be, Tensor<[8, 8], "bool">>>(true);
const beP = random.bernoulli(k, tensor([0.1, 0.2]));
expectType<TypeEqual<typeof beP, Tensor<[2], "bool">>>(true);
const be0 = random.bernoulli(k);
expectType<TypeEqual<typeof be0, Tensor<[], "bool">>>(true);
declare const logits: Tensor<[16, 10]>;
const cat = random.categorical(k, logits);
expectType<TypeEqual<typeof cat, Tensor<[16], "int32">>>(true);
const cat0 = random.categorical(k, logits, { axis: 0 });
expectType<TypeEqual<typeof cat0, Tensor<[10], "int32">>>(true);
const catS = random.categorical(k, logits, { shape: [5, 16] });
expectType<TypeEqual<typeof catS, Tensor<[5, 16], "int32">>>(true);
const ri = random.randint(k, [3], 0, 10);
expectType<TypeEqual<typeof ri, Tensor<[3], "int32">>>(true);
const riU = random.randint(k, [3], 0, 10, "uint32");
expectType<TypeEqual<typeof riU, Tensor<[3], "uint32">>>(true);
const pn = random.permutation(k, 10);
expectType<TypeEqual<typeof pn, Tensor<[10], "int32">>>(true);
const pnDyn = random.permutation(k, n);
expectType<TypeEqual<typeof pnDyn, Tensor<[number], "int32">>>(true);
const px = random.permutation(k, logits, 1);
expectType<TypeEqual<typeof px, Tensor<[16, 10]>>>(true);
const tn = random.truncatedNormal(k, -2, 2, [4, 4]);
expectType<TypeEqual<typeof tn, Tensor<[4, 4]>>>(true);
const ch = random.choice(k, 5, { shape: [2, 3] });
expectType<TypeEqual<typeof ch, Tensor<[2, 3], "int32">>>(true);
const chRows = random.choice(k, logits, { shape: [4], replace: false });
expectType<TypeEqual<typeof chRows, Tensor<[4, 10]>>>(true);
const ch0 = random.choice(k, tensor([1, 2, 3], "int32"));
expectType<TypeEqual<typeof ch0, Tensor<[], "int32">>>(true);

// --- in transformations --------------------------------------------------------------------------
declare const keys: Tensor<[8, 2], "uint32">;
const batch = vmap((key: PRNGKey) => random.normal(key, [3]))(keys);
expectType<TypeEqual<typeof batch, Tensor<[8, 3]>>>(true);
const jitted = jit((key: PRNGKey, x: Tensor<[4]>) => random.bernoulli(key, 0.5, [4]));
const jb = jitted(k, tensor([1, 2, 3, 4]));
expectType<TypeEqual<typeof jb, Tensor<[4], "bool">>>(true);
const dx = grad((x: Tensor<[4]>, key: PRNGKey) => sum(random.uniform(key, [4]).mul(x)))(tensor([1, 2, 3, 4]), k);
expectType<TypeEqual<typeof dx, Tensor<[4]>>>(true);

// --- bitwise ops on the words -----------------------------------------------------------------
const bx = sg.bitwiseXor(bits, 1);
expectType<TypeEqual<typeof bx, Tensor<[4, 2], "uint32">>>(true);
const bs = sg.rightShift(tensor([[1], [2]], "int32"), tensor([1, 2, 3], "int32"));
expectType<TypeEqual<typeof bs, Tensor<[2, 3], "int32">>>(true);
// @ts-expect-error bitwiseAnd: shapes [4, 2] and [3] do not broadcast (2 vs 3 at axis -1)
sg.bitwiseAnd(bits, random.bits(k, [3]));
// @ts-expect-error (bitwise ops take integer tensors)
sg.bitwiseOr(tensor([1.5]), 1);

// --- misuse -----------------------------------------------------------------------------------
// @ts-expect-error random.normal: expected a key (a uint32 tensor of shape [2], from random.key), got float32 [2]
random.normal(tensor([1, 2]), [3]);
// @ts-expect-error random.uniform: expected a key (a uint32 tensor of shape [2], from random.key), got uint32 [3]
random.uniform(tensor(new Uint32Array(3), [3]), [3]);
// @ts-expect-error random.split: expected a key (a uint32 tensor of shape [2], from random.key), got uint32 [8, 2]
random.split(keys);
// @ts-expect-error random.bits: expected a key (a uint32 tensor of shape [2], from random.key), got a non-tensor value
random.bits(42, [3]);
// @ts-expect-error random.categorical: expected a key (a uint32 tensor of shape [2], from random.key), got int32 [2]
random.categorical(tensor([0, 0], "int32"), logits);
// @ts-expect-error (random.normal takes a float dtype)
random.normal(k, [2], "int32");
// @ts-expect-error (randint's dtype is an integer dtype)
random.randint(k, [2], 0, 3, "float32");
