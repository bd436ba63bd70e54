// What hovers show for nn's layers: the result of apply and the parameter types as plain
// `Tensor<[...]>` and object literals, not aliases such as ApplyOut<...> or Flat<...>.
// Each `// @display <text>` is checked by scripts/check-type-display.mjs (npm run test:messages):
// the declared variable on the next line must print as exactly <text> (TypeScript 5.9's
// typeToString, as an editor's hover shows it).
import { expectType, type TypeEqual } from "ts-expect";
import { nn, random, type Tensor } from "../../src/index.js";

const key = random.key(0);
declare const batch: Tensor<[1024, 2]>;
const model = nn.mlp([2, 64, 64, 1]);
const params = model.init(key);

// @display Tensor<[1024, 1], "float32">
export const y = model.apply(params, batch);
expectType<TypeEqual<typeof y, Tensor<[1024, 1]>>>(true);

const ln = nn.layerNorm(16);
// @display { readonly scale: Tensor<[16], "float32">; readonly bias: Tensor<[16], "float32">; }
export const lnParams = ln.init();
// @display [Dense<2, 64>, Dense<64, 64>, Dense<64, 1>]
export const mlpParams = params;
// @display Tensor<[8, 16], "float32">
export const lnY = ln.apply(lnParams, null! as Tensor<[8, 16]>);
// @display { readonly scale: Tensor<[16], "float32">; }
export const rmsParams = nn.rmsNorm(16).init();
// @display { readonly scale: Tensor<[16], "float32">; readonly bias: Tensor<[16], "float32">; }
export const bnParams = nn.batchNorm(16).init();
const bnl = nn.batchNorm(16);
// @display [Tensor<[8, 16], "float32">, BatchStats<16>]
export const bnOut = bnl.apply(bnl.init(), bnl.initState(), null! as Tensor<[8, 16]>, { useRunningAverage: false });
const cv = nn.conv(3, 8, [3, 3]);
// @display { readonly kernel: Tensor<[3, 3, 3, 8], "float32">; readonly bias: Tensor<[8], "float32">; }
export const cvParams = cv.init(key);
// @display Tensor<[2, 28, 28, 8], "float32">
export const cvY = cv.apply(cvParams, null! as Tensor<[2, 28, 28, 3]>);
// @display { readonly kernel: Tensor<[3, 3, 3, 8], "float32">; }
export const cvNoBias = nn.conv(3, 8, [3, 3], { useBias: false }).init(key);
const ct = nn.convTranspose(3, 8, [3, 3], { strides: [2, 2] });
// @display { readonly kernel: Tensor<[3, 3, 3, 8], "float32">; readonly bias: Tensor<[8], "float32">; }
export const ctParams = ct.init(key);
// @display Tensor<[2, 28, 28, 8], "float32">
export const ctY = ct.apply(ctParams, null! as Tensor<[2, 14, 14, 3]>);
const att = nn.multiHeadAttention({ numHeads: 4, qkvFeatures: 64 });
// @display AttentionParams<64, 4, 16, 64>
export const attParams = att.init(key);
// @display Tensor<[2, 10, 64], "float32">
export const attY = att.apply(attParams, null! as Tensor<[2, 10, 64]>, { causal: true });
const em = nn.embed(100, 16);
// @display EmbedParams<100, 16>
export const emParams = em.init(key);
// @display Tensor<[4, 7, 16], "float32">
export const emY = em.apply(emParams, null! as Tensor<[4, 7], "int32">);
const seq = nn.sequential([nn.mlp([784, 64]), nn.relu, nn.layerNorm(64), nn.mlp([64, 10])]);
// @display [[Dense<784, 64>], [], { readonly scale: Tensor<[64], "float32">; readonly bias: Tensor<[64], "float32">; }, [Dense<64, 10>]]
export const seqParams = seq.init(key);
// @display Tensor<[32, 10], "float32">
export const seqY = seq.apply(seqParams, null! as Tensor<[32, 784]>);
const lstm = nn.lstmCell(8, 16);
// @display LSTMParams<8, 16>
export const lstmParams = lstm.init(key);
// @display [LSTMCarry<[4], 16, "float32">, Tensor<[4, 16], "float32">]
export const lstmOut = lstm.apply(lstmParams, lstm.initCarry([4]), null! as Tensor<[4, 8]>);
const drop = nn.dropout(0.1);
// @display Tensor<[4, 8], "float32">
export const dropY = drop.apply(null! as Tensor<[4, 8]>, { key });

// the same types, structurally
expectType<TypeEqual<typeof lnParams, { readonly scale: Tensor<[16]>; readonly bias: Tensor<[16]> }>>(true);
expectType<TypeEqual<typeof rmsParams, { readonly scale: Tensor<[16]> }>>(true);
expectType<TypeEqual<typeof cvParams, { readonly kernel: Tensor<[3, 3, 3, 8]>; readonly bias: Tensor<[8]> }>>(true);
expectType<TypeEqual<typeof cvNoBias, { readonly kernel: Tensor<[3, 3, 3, 8]> }>>(true);
expectType<TypeEqual<typeof cvY, Tensor<[2, 28, 28, 8]>>>(true);
expectType<TypeEqual<typeof attY, Tensor<[2, 10, 64]>>>(true);
expectType<TypeEqual<typeof seqY, Tensor<[32, 10]>>>(true);
expectType<TypeEqual<typeof emY, Tensor<[4, 7, 16]>>>(true);
