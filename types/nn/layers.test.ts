// Compile-time contract of src/nn's layers: parameters carry every shape, apply's result shape is
// computed from the input's, and each misuse is an error whose message names the layer and the shapes.
import { expectType, type TypeEqual } from "ts-expect";
import { nn, lax, random, type Tensor, type PRNGKey } from "../../src/index.js";

declare const key: PRNGKey;

// ---- initialisers: any rank, the shape as given
const k4 = nn.heNormal(key, [3, 3, 16, 32]);
expectType<TypeEqual<typeof k4, Tensor<[3, 3, 16, 32]>>>(true);
expectType<TypeEqual<ReturnType<typeof nn.orthogonal>, nn.Initializer>>(true);
const o2 = nn.orthogonal(2)(key, [8, 4]);
expectType<TypeEqual<typeof o2, Tensor<[8, 4]>>>(true);
expectType<TypeEqual<ReturnType<typeof nn.varianceScaling>, nn.Initializer>>(true);
void nn.dense(key, 3, 4, nn.lecunNormal);

// ---- mlp: per-layer activations, one per hidden layer
const m = nn.mlp([2, 8, 8, 1], { activation: ["relu", "gelu"], outputActivation: "sigmoid" });
const mp = m.init(key);
declare const batch: Tensor<[1024, 2]>;
const mo = m.apply(mp, batch);
expectType<TypeEqual<typeof mo, Tensor<[1024, 1]>>>(true);
// @ts-expect-error (two hidden layers take two activations)
nn.mlp([2, 8, 8, 1], { activation: ["relu"] });

// ---- layerNorm, rmsNorm: x's shape and dtype; parameters per the options
declare const x: Tensor<[8, 16, 32]>;
declare const x64: Tensor<[8, 16, 32], "float64">;
const ln = nn.layerNorm(32);
const lp = ln.init();
expectType<TypeEqual<typeof lp, { readonly scale: Tensor<[32]>; readonly bias: Tensor<[32]> }>>(true);
const ly = ln.apply(lp, x);
expectType<TypeEqual<typeof ly, Tensor<[8, 16, 32]>>>(true);
const ly64 = ln.apply(lp, x64);
expectType<TypeEqual<typeof ly64, Tensor<[8, 16, 32], "float64">>>(true);
const lnNoBias = nn.layerNorm(32, { useBias: false });
expectType<TypeEqual<ReturnType<typeof lnNoBias.init>, { readonly scale: Tensor<[32]> }>>(true);
const rn = nn.rmsNorm(32);
expectType<TypeEqual<ReturnType<typeof rn.init>, { readonly scale: Tensor<[32]> }>>(true);
declare const wrong: Tensor<[8, 16, 30]>;
// @ts-expect-error layerNorm: the input has shape [8, 16, 30] but the layer takes 32 features
ln.apply(lp, wrong);
// @ts-expect-error rmsNorm: the input has shape [8, 16, 30] but the layer takes 32 features
rn.apply(rn.init(), wrong);
declare const scalar: Tensor<[]>;
// @ts-expect-error layerNorm: the input has shape [] but the layer takes 32 features
ln.apply(lp, scalar);
// dims typed number compile (checked at run time)
declare const dyn: Tensor<[number, number]>;
expectType<TypeEqual<ReturnType<typeof ln.apply<[number, number]>>, Tensor<[number, number]>>>(true);
void ln.apply(lp, dyn);

// ---- batchNorm: state in, [y, state] out
const bn = nn.batchNorm(32, { momentum: 0.9 });
const bs = bn.initState();
expectType<TypeEqual<typeof bs, nn.BatchStats<32>>>(true);
const [by, bs2] = bn.apply(bn.init(), bs, x, { useRunningAverage: false });
expectType<TypeEqual<typeof by, Tensor<[8, 16, 32]>>>(true);
expectType<TypeEqual<typeof bs2, nn.BatchStats<32>>>(true);
// @ts-expect-error batchNorm: the input has shape [8, 16, 30] but the layer takes 32 features
bn.apply(bn.init(), bs, wrong, { useRunningAverage: true });
declare const otherStats: nn.BatchStats<16>;
// @ts-expect-error (the running statistics of another width)
bn.apply(bn.init(), otherStats, x, { useRunningAverage: true });

// ---- embed: ids of any shape, features appended
const emb = nn.embed(100, 64);
const ep = emb.init(key);
expectType<TypeEqual<typeof ep, nn.EmbedParams<100, 64>>>(true);
declare const ids: Tensor<[8, 128], "int32">;
const ev = emb.apply(ep, ids);
expectType<TypeEqual<typeof ev, Tensor<[8, 128, 64]>>>(true);
declare const h: Tensor<[8, 128, 64]>;
const logits = emb.attend(ep, h);
expectType<TypeEqual<typeof logits, Tensor<[8, 128, 100]>>>(true);
declare const fids: Tensor<[8, 128]>;
// @ts-expect-error embed: indices must be int32, got float32
emb.apply(ep, fids);
// @ts-expect-error embed.attend: the input has shape [8, 16, 32] but the layer takes 64 features
emb.attend(ep, x);

// ---- dropout: a key, or deterministic
const drop = nn.dropout(0.1);
const dy = drop.apply(x, { key });
expectType<TypeEqual<typeof dy, Tensor<[8, 16, 32]>>>(true);
void drop.apply(x64, { deterministic: true });
// @ts-expect-error (training needs a key)
drop.apply(x, {});

// ---- multiHeadAttention: [..., T, D] -> [..., T, out]; heads divide the features
const mha = nn.multiHeadAttention({ numHeads: 4, qkvFeatures: 256 });
const ap = mha.init(key);
expectType<TypeEqual<typeof ap, nn.AttentionParams<256, 4, 64, 256>>>(true);
expectType<TypeEqual<(typeof ap)["query"]["kernel"], Tensor<[256, 4, 64]>>>(true);
expectType<TypeEqual<(typeof ap)["out"]["kernel"], Tensor<[4, 64, 256]>>>(true);
declare const seq: Tensor<[8, 128, 256]>;
const ay = mha.apply(ap, seq, { causal: true });
expectType<TypeEqual<typeof ay, Tensor<[8, 128, 256]>>>(true);
const proj = nn.multiHeadAttention({ numHeads: 2, qkvFeatures: 16, inFeatures: 32, outFeatures: 8 });
const py = proj.apply(proj.init(key), x);
expectType<TypeEqual<typeof py, Tensor<[8, 16, 8]>>>(true);
// @ts-expect-error multiHeadAttention: numHeads 3 does not divide qkvFeatures 256
nn.multiHeadAttention({ numHeads: 3, qkvFeatures: 256 });
// @ts-expect-error multiHeadAttention: the input has shape [8, 16, 32] but the layer takes 256 features
mha.apply(ap, x);
declare const flatIn: Tensor<[256]>;
// @ts-expect-error multiHeadAttention: the input must be [..., length, features], got shape [256]
mha.apply(ap, flatIn);

// ---- recurrent cells: step functions for lax.scan
const lstm = nn.lstmCell(3, 16);
const lsp = lstm.init(key);
expectType<TypeEqual<typeof lsp, nn.LSTMParams<3, 16>>>(true);
expectType<TypeEqual<(typeof lsp)["wh"], Tensor<[16, 64]>>>(true);
const carry0 = lstm.initCarry([8]);
expectType<TypeEqual<typeof carry0, [Tensor<[8, 16]>, Tensor<[8, 16]>]>>(true);
declare const xs: Tensor<[20, 8, 3]>;
const [cT, ys] = lax.scan((c, xt) => lstm.apply(lsp, c, xt), carry0, xs);
expectType<TypeEqual<typeof ys, Tensor<[20, 8, 16]>>>(true);
expectType<TypeEqual<typeof cT, [Tensor<[8, 16]>, Tensor<[8, 16]>]>>(true);
declare const x5: Tensor<[8, 5]>;
// @ts-expect-error lstmCell: the input has shape [8, 5] but the layer takes 3 features
lstm.apply(lsp, carry0, x5);
const gru = nn.gruCell(3, 16);
const gp = gru.init(key);
expectType<TypeEqual<(typeof gp)["wi"], Tensor<[3, 48]>>>(true);
const [gT, gys] = lax.scan((c, xt) => gru.apply(gp, c, xt), gru.initCarry([8]), xs);
expectType<TypeEqual<typeof gT, Tensor<[8, 16]>>>(true);
expectType<TypeEqual<typeof gys, Tensor<[20, 8, 16]>>>(true);
// @ts-expect-error gruCell: the input has shape [8, 5] but the layer takes 3 features
gru.apply(gp, gru.initCarry([8]), x5);
// @ts-expect-error (a carry of another batch)
gru.apply(gp, gru.initCarry([4]), xs.index(0));
void random;

// ---- attention masks: broadcastable to [..., heads, qLength, kvLength]
declare const causalMask: Tensor<[128, 128], "bool">;
declare const padMask: Tensor<[8, 1, 1, 128], "bool">;
declare const bias: Tensor<[4, 128, 128]>;
void mha.apply(ap, seq, { mask: causalMask });
void mha.apply(ap, seq, { mask: padMask, causal: true });
void mha.apply(ap, seq, { mask: bias });
declare const kv: Tensor<[8, 10, 256]>;
declare const kvMask: Tensor<[8, 1, 128, 10], "bool">;
const cross = mha.apply(ap, seq, { inputsKV: kv, mask: kvMask });
expectType<TypeEqual<typeof cross, Tensor<[8, 128, 256]>>>(true);
declare const badMask: Tensor<[128, 100], "bool">;
// @ts-expect-error multiHeadAttention: the mask has shape [128, 100] but the attention weights have shape [8, 4, 128, 128]
mha.apply(ap, seq, { mask: badMask });
// @ts-expect-error multiHeadAttention: the mask has shape [8, 1, 1, 128] but the attention weights have shape [8, 4, 128, 10]
mha.apply(ap, seq, { inputsKV: kv, mask: padMask });
