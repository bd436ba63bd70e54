// Compile-time contract of the checkpoints (src/io/safetensors.ts): a load has the template's type.
import { expectType, type TypeEqual } from "ts-expect";
import { loadSafetensors, saveSafetensors, nn, random, type Tensor } from "../../src/index.js";
import { loadSafetensorsFile, saveSafetensorsFile } from "../../src/io/node.js";

const model = nn.mlp([2, 8, 1]);
const params = model.init(random.key(0));
const bytes = saveSafetensors(params, { metadata: { step: "100" } });
expectType<TypeEqual<typeof bytes, Uint8Array>>(true);

const back = loadSafetensors(bytes, params);
expectType<TypeEqual<typeof back, typeof params>>(true);
expectType<TypeEqual<(typeof back)[0]["w"], Tensor<[2, 8]>>>(true);

declare const state: { step: Tensor<[], "int32">; layers: { w: Tensor<[4, 4], "float64"> }[]; name: string };
const s = loadSafetensors(bytes.buffer as ArrayBuffer, state);
expectType<TypeEqual<typeof s, typeof state>>(true);

saveSafetensorsFile("/tmp/x.safetensors", params);
const f = loadSafetensorsFile("/tmp/x.safetensors", params);
expectType<TypeEqual<typeof f, typeof params>>(true);

// @ts-expect-error (the bytes come first)
loadSafetensors(params, bytes);
// @ts-expect-error (metadata values are strings)
saveSafetensors(params, { metadata: { step: 100 } });
