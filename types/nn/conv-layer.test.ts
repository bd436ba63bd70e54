// Compile-time contract of nn.conv: typed HWIO parameters, the output shape from the input's
// (lax.convGeneralDilated's window arithmetic), and a feature or rank mismatch with its message.
import { expectType, type TypeEqual } from "ts-expect";
import { nn, type Tensor, type PRNGKey } from "../../src/index.js";

declare const key: PRNGKey;
declare const img: Tensor<[8, 28, 28, 1]>;
declare const img64: Tensor<[8, 28, 28, 1], "float64">;

// 2-D, SAME by default: the spatial dims kept
const c1 = nn.conv(1, 16, [3, 3]);
const p1 = c1.init(key);
expectType<TypeEqual<typeof p1, { readonly kernel: Tensor<[3, 3, 1, 16]>; readonly bias: Tensor<[16]> }>>(true);
const y1 = c1.apply(p1, img);
expectType<TypeEqual<typeof y1, Tensor<[8, 28, 28, 16]>>>(true);
const y64 = c1.apply(p1, img64);
expectType<TypeEqual<typeof y64, Tensor<[8, 28, 28, 16], "float64">>>(true);

// strides and VALID padding; several batch dims; no batch dim
const c2 = nn.conv(16, 32, [5, 5], { strides: [2, 2], padding: "VALID" });
declare const h: Tensor<[4, 2, 28, 28, 16]>;
const y2 = c2.apply(c2.init(key), h);
expectType<TypeEqual<typeof y2, Tensor<[4, 2, 12, 12, 32]>>>(true);
declare const one: Tensor<[28, 28, 16]>;
const y3 = c2.apply(c2.init(key), one);
expectType<TypeEqual<typeof y3, Tensor<[12, 12, 32]>>>(true);

// 1-D with kernel dilation, no bias; 3-D; groups divide the kernel's in-features
const c4 = nn.conv(4, 6, [3], { kernelDilation: [2], padding: "VALID", useBias: false });
const p4 = c4.init(key);
expectType<TypeEqual<typeof p4, { readonly kernel: Tensor<[3, 4, 6]> }>>(true);
declare const seq: Tensor<[2, 10, 4]>;
const y4 = c4.apply(p4, seq);
expectType<TypeEqual<typeof y4, Tensor<[2, 6, 6]>>>(true);
const c5 = nn.conv(3, 8, [3, 3, 3], { strides: [1, 2, 2] });
declare const vol: Tensor<[2, 9, 9, 9, 3]>;
const y5 = c5.apply(c5.init(key), vol);
expectType<TypeEqual<typeof y5, Tensor<[2, 9, 5, 5, 8]>>>(true);
const c6 = nn.conv(8, 8, [3, 3], { featureGroupCount: 4 });
const p6 = c6.init(key);
expectType<TypeEqual<typeof p6["kernel"], Tensor<[3, 3, 2, 8]>>>(true);
// featureGroupCount must divide both feature counts (the run-time message, at compile time)
// @ts-expect-error conv: featureGroupCount 4 must divide inFeatures 4 and outFeatures 6
nn.conv(4, 6, [3, 3], { featureGroupCount: 4 });
// @ts-expect-error conv: featureGroupCount 3 must divide inFeatures 6 and outFeatures 8
nn.conv(6, 8, [3], { featureGroupCount: 3, useBias: false });
// depthwise (as many groups as inputs) compiles, and a count typed number is checked at run time
const dw = nn.conv(8, 16, [3, 3], { featureGroupCount: 8 });
expectType<TypeEqual<ReturnType<typeof dw.init>["kernel"], Tensor<[3, 3, 1, 16]>>>(true);
void nn.conv(8, 16, [3, 3], { featureGroupCount: 3 as number });

// dims typed number compile (checked at run time)
declare const dyn: Tensor<[number, number, number, 1]>;
const yd = c1.apply(p1, dyn);
expectType<TypeEqual<typeof yd, Tensor<[number, number, number, 16]>>>(true);

// a generic batch dim resolves (no deferred conditional types in the result)
export function generic<N extends number>(x: Tensor<[N, 28, 28, 1]>) {
  const y = c1.apply(p1, x);
  expectType<TypeEqual<typeof y, Tensor<[N, 28, 28, 16]>>>(true);
  return y;
}

// misuse
declare const rgb: Tensor<[8, 28, 28, 3]>;
// @ts-expect-error conv: the input has shape [8, 28, 28, 3] but the layer takes 1 features
c1.apply(p1, rgb);
declare const flat: Tensor<[28, 1]>;
// @ts-expect-error conv: the input must be [...batch, ...spatial, features] with 2 spatial dims, got shape [28, 1]
c1.apply(p1, flat);
const c7 = nn.conv(1, 4, [3, 3], { strides: [2] });
// @ts-expect-error convGeneralDilated: 2 spatial dims but windowStrides has length 1
c7.apply(c7.init(key), img);

// ---- nn.convTranspose: H · stride with SAME (the default), H · stride + max(k - stride, 0) with VALID
declare const small: Tensor<[4, 7, 7, 16]>;
const t1 = nn.convTranspose(16, 8, [3, 3], { strides: [2, 2] });
const tp1 = t1.init(key);
expectType<TypeEqual<typeof tp1, { readonly kernel: Tensor<[3, 3, 16, 8]>; readonly bias: Tensor<[8]> }>>(true);
const ty1 = t1.apply(tp1, small);
expectType<TypeEqual<typeof ty1, Tensor<[4, 14, 14, 8]>>>(true);
const t2 = nn.convTranspose(16, 8, [3, 3], { strides: [2, 2], padding: "VALID", transposeKernel: true, useBias: false });
const tp2 = t2.init(key);
expectType<TypeEqual<typeof tp2, { readonly kernel: Tensor<[3, 3, 8, 16]> }>>(true);
const ty2 = t2.apply(tp2, small);
expectType<TypeEqual<typeof ty2, Tensor<[4, 15, 15, 8]>>>(true);
const t3 = nn.convTranspose(2, 3, [4], { strides: [3] });
declare const sig: Tensor<[5, 2]>;
const ty3 = t3.apply(t3.init(key), sig);
expectType<TypeEqual<typeof ty3, Tensor<[15, 3]>>>(true);
declare const small3: Tensor<[4, 7, 7, 3]>;
// @ts-expect-error convTranspose: the input has shape [4, 7, 7, 3] but the layer takes 16 features
t1.apply(tp1, small3);
