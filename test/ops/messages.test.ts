// One message per shape rule: for a sample of mistakes, the run-time check throws exactly the text
// the compiler shows for the same call. Each sample is one call written once and used three ways:
//   1. type-checked (TypeScript 5.9's compiler API, in memory) with static shapes: the call must fail
//      with a ShapeError, whose text is the expected message;
//   2. type-checked with every dim typed `number`: the call must compile, so only the run-time check
//      stands between the mistake and the backend;
//   3. run, with tensors of those shapes: it must throw a ShapeMismatchError with the same text.
// Helpers in the snippets: $(shape) is a tensor of that shape; n(k) a number and dims(s) a list of
// numbers (literals statically, `number` dynamically); list(...ts) an array of tensors; data(d)
// nested array data.
import { beforeAll, describe, expect, it } from "vitest";
import ts from "typescript5";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sg from "../../src/index.js";
import { setBackend, ShapeMismatchError } from "../../src/index.js";
import { uint32OnWasm } from "../harness/backend.js";


const samples: [rule: string, call: string][] = [
  ["broadcast", "sg.add($([2, 3]), $([4]))"],
  ["broadcast at axis -2", "sg.minimum($([5, 2, 3]), $([3, 3]))"],
  ["broadcast, scalar first", "$([4]).greaterEqual($([2, 3]))"],
  ["broadcast of where's three operands", "sg.where(sg.less($([2, 3]), 0), $([4]), $([2, 3]))"],
  ["broadcast of clip's three operands", "sg.clip($([2, 3]), 0, $([4]))"],
  ["matmul inner dims", "sg.matmul($([2, 3]), $([4, 5]))"],
  ["matmul inner dims, vector", "sg.matmul($([5, 2, 3]), $([4]))"],
  ["matmul batch dims", "sg.matmul($([2, 3, 4]), $([5, 4, 6]))"],
  ["matmul rank 0", "sg.matmul($([]), $([3]))"],
  ["dot", "sg.dot($([3]), $([4]))"],
  ["outer", "sg.outer($([2, 3]), $([4]))"],
  ["reduction axis out of range", "sg.sum($([2, 3, 4]), 3)"],
  ["reduction axis out of range, negative", "sg.mean($([2, 3]), -3)"],
  ["reduction axis out of range, in a list", "sg.max($([2, 3]), [0, 2])"],
  ["reduction repeated axis", "$([2, 3]).min([1, -1])"],
  ["reduction of a scalar over an axis", "sg.sum($([]), 0)"],
  ["reshape element count", "sg.reshape($([2, 3]), [5, 3])"],
  ["reshape -1 not divisible", "sg.reshape($([2, 3]), [4, -1])"],
  ["reshape two -1s", "sg.reshape($([2, 3]), dims([-1, -1]))"],
  ["reshape invalid dim", "sg.reshape($([2, 3]), dims([-2, 3]))"],
  ["transpose repeated axis", "sg.transpose($([2, 3]), [0, 0])"],
  ["transpose wrong length", "$([2, 3]).transpose([1, 0, 2])"],
  ["moveAxis source", "sg.moveAxis($([2, 3]), 2, 0)"],
  ["moveAxis destination", "sg.moveAxis($([2, 3]), 0, -3)"],
  ["expandDims", "sg.expandDims($([2, 3]), 3)"],
  ["squeeze a dim that is not 1", "sg.squeeze($([2, 3]), -1)"],
  ["squeeze axis out of range", "$([2, 3]).squeeze(2)"],
  ["broadcastTo dim", "sg.broadcastTo($([2, 3]), [4, 3])"],
  ["broadcastTo rank", "$([2, 3]).broadcastTo([3])"],
  ["index out of bounds", "sg.index($([2, 3]), -3)"],
  ["index out of bounds on axis 1", "$([2, 3]).index(3, 1)"],
  ["index axis out of range", "sg.index($([2, 3]), 0, 2)"],
  ["index a scalar", "sg.index($([]), 0)"],
  ["slice too many entries", "sg.slice($([2, 3]), [null, null, null])"],
  ["slice step", "sg.slice($([2, 3]), [null, [0, 2, 0]])"],
  ["concatenate dims", "sg.concatenate(list($([2, 3]), $([2, 4])))"],
  ["concatenate dims, third tensor", "sg.concatenate(list($([2, 3]), $([2, 1]), $([3, 1])), -1)"],
  ["concatenate ranks", "sg.concatenate(list($([2, 3]), $([3])))"],
  ["concatenate axis", "sg.concatenate(list($([2, 3]), $([2, 3])), 2)"],
  ["concatenate scalars", "sg.concatenate(list($([]), $([])))"],
  ["concatenate nothing", "sg.concatenate(list())"],
  ["stack unequal shapes", "sg.stack(list($([2, 3]), $([2, 3]), $([3, 2])))"],
  ["stack axis", "sg.stack(list($([2, 3]), $([2, 3])), -4)"],
  ["diagonal rank", "sg.diagonal($([4]))"],
  ["diagonal axis out of range", "sg.diagonal($([2, 3]), 0, 0, 2)"],
  ["trace axes equal", "sg.trace($([2, 3]), 0, 0, -2)"],
  ["ragged data, short row", "sg.tensor(data([[1, 2], [3]]))"],
  ["ragged data, a number for a row", "sg.tensor(data([[1, 2], 3]))"],
  ["ragged data, deep", "sg.tensor(data([[[1, 2], [3, 4]], [[5, 6], [7]]]))"],
  ["mlp input width", "sg.nn.applyLayers([sg.nn.dense(sg.random.key(0), n(1), n(8))], $([8, 3]))"],
  ["mlp layer chain", "sg.nn.applyLayers([sg.nn.dense(sg.random.key(0), n(3), n(16)), sg.nn.dense(sg.random.key(1), n(32), n(1))], $([4, 3]))"],
  // reductions, scans, sorting
  ["argmax axis out of range", "sg.argmax($([3, 4]), 2)"],
  ["var axis out of range", "$([3, 4]).var(-3)"],
  ["cumsum axis out of range", "sg.cumsum($([3, 4]), -3)"],
  ["sort axis out of range", "$([3, 4]).sort(2)"],
  ["topK k too large", "sg.topK($([3, 4]), n(5))"],
  ["topK of a scalar", "sg.topK($([]), n(1))"],
  ["topK negative k", "sg.topK($([3, 4]), n(-1))"],
  ["softmax axis out of range", "sg.nn.softmax($([3, 4]), 2)"],
  // einsum
  ["einsum dims differ", "sg.einsum('ij,jk->ik', $([2, 3]), $([4, 5]))"],
  ["einsum dims differ, third operand", "sg.einsum('ij,jk,kl->il', $([2, 3]), $([3, 4]), $([5, 6]))"],
  ["einsum diagonal dims differ", "sg.einsum('ii->i', $([2, 3]))"],
  ["einsum rank", "sg.einsum('ij,ijk->', $([2, 3]), $([3, 4]))"],
  ["einsum rank with ellipsis", "sg.einsum('...ij->...', $([3]))"],
  ["einsum ellipsis broadcast", "sg.einsum('...i,...i->...', $([7, 2, 4]), $([5, 3, 4]))"],
  // random (keys)
  ["random key shape", 'sg.random.normal(sg.astype($([3]), "uint32"), [2])'],
  ["random key shape, a batch of keys", 'sg.random.split(sg.astype($([4, 2]), "uint32"))'],
  // math and activations
  ["broadcast in atan2", "sg.atan2($([2, 3]), $([4]))"],
  ["broadcast in floorDivide, a method", "$([2, 3]).floorDivide($([3, 2]))"],
  ["oneHot numClasses", "sg.nn.oneHot(sg.astype($([2]), \"int32\"), n(-1))"],
  ["oneHot axis", "sg.nn.oneHot(sg.astype($([2, 3]), \"int32\"), n(4), { axis: n(3) })"],
  // indexing, gather and scatter
  ["take axis out of range", 'sg.take($([3, 4]), $([2]).astype("int32"), 2)'],
  ["takeAlongAxis rank", 'sg.takeAlongAxis($([3, 4]), $([4]).astype("int32"), 1)'],
  ["takeAlongAxis axis", 'sg.takeAlongAxis($([3, 4]), $([3, 1]).astype("int32"), -3)'],
  ["takeAlongAxis broadcast", 'sg.takeAlongAxis($([3, 4]), $([5, 1]).astype("int32"), 1)'],
  ["dynamicSlice sizes too large", "sg.dynamicSlice($([3, 4]), [0, 0], dims([3, 5]))"],
  ["dynamicSlice sizes count", "sg.dynamicSlice($([3, 4]), [0, 0], dims([2]))"],
  ["dynamicSlice starts count", "sg.dynamicSlice($([3, 4]), [0], dims([2, 2]))"],
  ["dynamicUpdateSlice too large", "sg.dynamicUpdateSlice($([3, 4]), $([5, 2]), [0, 0])"],
  ["dynamicUpdateSlice rank", "sg.dynamicUpdateSlice($([3, 4]), $([2]), [0, 0])"],
  ["at static index out of range", "$([3, 4]).at(5)"],
  ["at update not broadcastable", "$([3, 4]).at(1).set($([3]))"],
  ["at update rank", 'sg.at($([3, 4]), $([2]).astype("int32")).add($([2, 2, 4]))'],
  // shape utilities
  ["pad pairs per axis", "sg.pad($([2, 3]), [[1, 1], [1, 1], [1, 1]])"],
  ["pad crops too much", "sg.pad($([2, 3]), [[0, 0], [-2, -2]])"],
  ["flip axis out of range", "sg.flip($([2, 3]), 2)"],
  ["roll axis out of range", "sg.roll($([2, 3]), 1, -3)"],
  ["roll shifts and axes", "sg.roll($([2, 3]), dims([1, 2]), dims([0]))"],
  ["tile negative reps", "sg.tile($([2, 3]), dims([2, -1]))"],
  ["repeat negative count", "sg.repeat($([2, 3]), n(-1), 0)"],
  ["repeat list length", "sg.repeat($([2, 3]), dims([1, 2, 3]), 0)"],
  ["repeat axis out of range", "sg.repeat($([2, 3]), 2, 2)"],
  ["split sections", "sg.split($([6, 2]), n(4))"],
  ["split index out of range", "sg.split($([2, 3]), dims([1, 5]), 1)"],
  ["split indices decreasing", "sg.split($([6, 2]), dims([3, 1]))"],
  ["split axis out of range", "sg.split($([6, 2]), 2, 2)"],
  ["tril rank", "sg.tril($([3]))"],
  ["triu rank", "sg.triu($([]), 1)"],
  ["meshgrid rank", "sg.meshgrid($([3]), $([2, 3]))"],
  // linalg part B: decompositions and what is built on them
  ["qr rank", "sg.linalg.qr($([3]))"],
  ["eigh square", "sg.linalg.eigh($([3, 4]))"],
  ["eigh rank", "sg.linalg.eigh($([]))"],
  ["svd rank", "sg.linalg.svd($([5]))"],
  ["pinv rank", "sg.linalg.pinv($([5]))"],
  ["matrixPower square", "sg.linalg.matrixPower($([2, 3, 4]), 2)"],
  ["lstsq a rank", "sg.linalg.lstsq($([2, 3, 4]), $([3]))"],
  ["lstsq b rank", "sg.linalg.lstsq($([3, 2]), $([3, 1, 1]))"],
  ["lstsq rows", "sg.linalg.lstsq($([3, 2]), $([4]))"],
  // issue 11: pooling (lax.reduceWindow, nn.maxPool, nn.avgPool)
  ["maxPool rank", "sg.nn.maxPool($([5, 6]), [2, 2])"],
  ["avgPool strides length", "sg.nn.avgPool($([1, 4, 4, 1]), [2, 2], { strides: [2] })"],
  ["maxPool padding pairs", "sg.nn.maxPool($([1, 4, 4, 1]), [2, 2], { padding: [[1, 1]] })"],
  ["reduceWindow window length", "sg.lax.reduceWindow($([4, 4, 3]), 0, 'add', [2, 2], [1, 1, 1], 'VALID')"],
  ["reduceWindow strides length", "sg.lax.reduceWindow($([5, 6]), 0, 'max', [2, 2], [2, 2, 2], 'SAME')"],
  ["reduceWindow padding pairs", "sg.lax.reduceWindow($([5, 6]), 0, 'add', [2, 2], [1, 1], [[1, 1]])"],
  ["reduceWindow dilation length", "sg.lax.reduceWindow($([5, 6]), 0, 'min', [2, 2], [1, 1], 'VALID', { baseDilation: [2] })"],
  // losses
  ["softmaxCrossEntropy shapes", "sg.nn.softmaxCrossEntropy($([2, 3]), $([2, 4]))"],
  ["softmaxCrossEntropy axis", "sg.nn.softmaxCrossEntropy($([2, 3]), $([2, 3]), 2)"],
  ["integer labels shape", 'sg.nn.softmaxCrossEntropyWithIntegerLabels($([2, 5]), $([3]).astype("int32"))'],
  ["integer labels shape, class axis 1", 'sg.nn.softmaxCrossEntropyWithIntegerLabels($([2, 5, 4]), $([2, 5]).astype("int32"), 1)'],
  ["integer labels axis", 'sg.nn.softmaxCrossEntropyWithIntegerLabels($([2, 5]), $([2]).astype("int32"), -3)'],
  ["squaredError shapes", "sg.nn.squaredError($([4]), $([4, 1]))"],
  ["cosineSimilarity shapes", "sg.nn.cosineSimilarity($([2, 3]), $([3, 2]))"],
  ["klDivergence shapes", "sg.nn.klDivergence($([2, 3]), $([3]))"],
  // issue 11, linalg part A
  ["cholesky square", "sg.linalg.cholesky($([3, 4]))"],
  ["det rank", "sg.linalg.det($([3]))"],
  ["solve right-hand side", "sg.linalg.solve($([3, 3]), $([4]))"],
  ["solve right-hand side rows", "sg.linalg.solve($([3, 3]), $([4, 3]))"],
  ["solve batch dims", "sg.linalg.solve($([2, 5, 4, 4]), $([7, 4, 1]))"],
  ["triangularSolve right side", "sg.linalg.triangularSolve($([3, 3]), $([3, 2]))"],
  ["triangularSolve batch dims", "sg.linalg.triangularSolve($([2, 4, 4]), $([3, 4, 2]), { leftSide: true })"],
  ["choSolve right-hand side", "sg.linalg.choSolve([$([2, 3, 3]), true], $([2, 4]))"],
  // nn layers (issue 12)
  ["layer features", "sg.nn.layerNorm(n(4)).apply(sg.nn.layerNorm(n(4)).init(), $([8, 3]))"],
  ["layer features, a scalar", "sg.nn.rmsNorm(n(4)).apply(sg.nn.rmsNorm(n(4)).init(), $([]))"],
  ["batchNorm features", "sg.nn.batchNorm(n(4)).apply(sg.nn.batchNorm(n(4)).init(), sg.nn.batchNorm(n(4)).initState(), $([8, 3]), { useRunningAverage: true })"],
  ["attention heads divide features", "sg.nn.multiHeadAttention({ numHeads: n(3), qkvFeatures: n(8) })"],
  ["attention input rank", "sg.nn.multiHeadAttention({ numHeads: n(2), qkvFeatures: n(8) }).apply(sg.nn.multiHeadAttention({ numHeads: n(2), qkvFeatures: n(8) }).init(sg.random.key(0)), $([8]))"],
  ["attention mask", "sg.nn.multiHeadAttention({ numHeads: n(2), qkvFeatures: n(4) }).apply(sg.nn.multiHeadAttention({ numHeads: n(2), qkvFeatures: n(4) }).init(sg.random.key(0)), $([2, 3, 4]), { mask: $([5]) })"],
  ["lstmCell input features", "sg.nn.lstmCell(n(3), n(4)).apply(sg.nn.lstmCell(n(3), n(4)).init(sg.random.key(0)), sg.nn.lstmCell(n(3), n(4)).initCarry(dims([2])), $([2, 5]))"],
  // nn.conv's feature groups (issue 12)
  ["conv layer feature groups", "sg.nn.conv(n(4), n(6), dims([3, 3]), { featureGroupCount: n(4) })"],
  // convolution (lax/conv.ts)
  ["conv features", "sg.lax.convGeneralDilated($([8, 3, 28, 28]), $([16, 4, 3, 3]), [1, 1], \"VALID\")"],
  ["conv features, groups", "sg.lax.convGeneralDilated($([8, 6, 28, 28]), $([16, 3, 3, 3]), [1, 1], \"VALID\", { featureGroupCount: 3 })"],
  ["conv feature groups", "sg.lax.convGeneralDilated($([8, 6, 28, 28]), $([15, 3, 3, 3]), [1, 1], \"SAME\", { featureGroupCount: 2 })"],
  ["conv batch groups, batch", "sg.lax.convGeneralDilated($([8, 3, 5, 5]), $([6, 3, 3, 3]), [1, 1], \"VALID\", { batchGroupCount: 3 })"],
  ["conv batch groups, features", "sg.lax.convGeneralDilated($([8, 3, 5, 5]), $([6, 3, 3, 3]), [1, 1], \"VALID\", { batchGroupCount: 4 })"],
  ["conv rank", "sg.lax.conv($([8, 3, 28]), $([16, 3, 3, 3]), [1, 1], \"VALID\")"],
  ["conv NHWC features", "sg.lax.convGeneralDilated($([32, 32, 32, 8]), $([3, 3, 16, 32]), [1, 1], \"SAME\", { dimensionNumbers: [\"NHWC\", \"HWIO\", \"NHWC\"] })"],
  ["convTranspose features", "sg.lax.convTranspose($([2, 14, 14, 16]), $([3, 3, 8, 16]), [2, 2], \"SAME\")"],
  ["conv strides length", "sg.lax.convGeneralDilated($([8, 3, 28, 28]), $([16, 3, 3, 3]), [1], \"VALID\")"],
  ["conv padding length", "sg.lax.conv($([8, 3, 28, 28]), $([16, 3, 3, 3]), [1, 1], [[0, 0], [1, 1], [1, 1]])"],
  ["conv string padding with lhs dilation", "sg.lax.convGeneralDilated($([8, 3, 28, 28]), $([16, 3, 3, 3]), [1, 1], \"VALID\", { lhsDilation: [2, 1] })"],  // issue 12: the conv layer (nn.conv)
  ["conv layer features", "sg.nn.conv(n(1), n(4), [3, 3]).apply(sg.nn.conv(n(1), n(4), [3, 3]).init(sg.random.key(0)), $([8, 5, 5, 3]))"],
  ["conv layer rank", "sg.nn.conv(n(1), n(4), [3, 3]).apply(sg.nn.conv(n(1), n(4), [3, 3]).init(sg.random.key(0)), $([5, 1]))"],
  ["convTranspose layer features", "sg.nn.convTranspose(n(2), n(4), [3, 3]).apply(sg.nn.convTranspose(n(2), n(4), [3, 3]).init(sg.random.key(0)), $([1, 5, 5, 3]))"],
  ["conv string padding with lhs dilation", "sg.lax.convGeneralDilated($([8, 3, 28, 28]), $([16, 3, 3, 3]), [1, 1], \"VALID\", { lhsDilation: [2, 1] })"],
  // nn.sequential (issue 12)
  ["sequential chain", "sg.nn.sequential([sg.nn.mlp(dims([8, 32])), sg.nn.layerNorm(n(64))])"],
  ["sequential chain through a function", "sg.nn.sequential([sg.nn.mlp(dims([8, 32])), sg.nn.gelu, sg.nn.layerNorm(n(64))]).apply(sg.nn.sequential([sg.nn.mlp(dims([8, 32])), sg.nn.gelu, sg.nn.layerNorm(n(64))]).init(sg.random.key(0)), $([2, 8]))"],
  ["sequential input", "sg.nn.sequential([sg.nn.mlp(dims([8, 32]))]).apply(sg.nn.sequential([sg.nn.mlp(dims([8, 32]))]).init(sg.random.key(0)), $([2, 5]))"],
  // nn.sequential's refusal of batchNorm (a dim-free rule: see dimFree)
  ["sequential batchNorm refusal", "sg.nn.sequential([sg.nn.mlp(dims([8, 32])), sg.nn.batchNorm(n(32))])"],
  // optimiser updates against the state's params (issue 14)
  ["optimiser update grads", "sg.nn.adam({ learningRate: 0.1 }).update({ w: $([2, 4]), b: $([3]) }, sg.nn.adam({ learningRate: 0.1 }).init({ w: $([2, 3]), b: $([3]) }))"],
  ["optimiser update params", "sg.nn.sgd({ learningRate: 0.1, momentum: 0.9 }).update({ w: $([2, 3]) }, sg.nn.sgd({ learningRate: 0.1, momentum: 0.9 }).init({ w: $([2, 3]) }), { w: $([3, 2]) })"],
  // vmap's mapped sizes (issue 14): leaves named by their pytree paths, in flatten's order (sorted keys)
  ["vmap sizes of two arguments", "sg.vmap((a: sg.Tensor<number[]>, b: sg.Tensor<number[]>) => a)($([4, 3]), $([2, 3]))"],
  ["vmap sizes of two arguments, axis 1", "sg.vmap((a: sg.Tensor<number[]>, b: sg.Tensor<number[]>) => a, { inAxes: [0, 1] })($([2, 3]), $([2, 3]))"],
  ["vmap sizes of one argument's leaves", "sg.vmap((p: { w: sg.Tensor<number[]>; b: sg.Tensor<number[]> }, x: sg.Tensor<number[]>) => x)({ w: $([3, 2]), b: $([2]) }, $([5, 3]))"],
  ["vmap sizes of nested leaves, axis -1", "sg.vmap((p: [{ zeta: sg.Tensor<number[]>; Alpha: sg.Tensor<number[]>; ab: sg.Tensor<number[]> }]) => p[0].ab, { inAxes: -1 })([{ zeta: $([2, 7]), Alpha: $([7]), ab: $([3, 6]) }])"],
  ["vmap sizes of keys past ASCII", "sg.vmap((p: { \"ü\": sg.Tensor<number[]>; \"é\": sg.Tensor<number[]>; a: sg.Tensor<number[]> }) => p.a)({ \"ü\": $([4, 2]), \"é\": $([3, 2]), a: $([3]) })"],
  ["vmap sizes of a numeric key", "sg.vmap((p: { a: sg.Tensor<number[]>; 1: sg.Tensor<number[]>; b: sg.Tensor<number[]> }) => p.a)({ a: $([3]), 1: $([3, 2]), b: $([4]) })"],
  ["vmap sizes of a pytree and a tensor", "sg.vmap((p: { w: sg.Tensor<number[]>; b: sg.Tensor<number[]> }, x: sg.Tensor<number[]>) => x)({ w: $([5, 2]), b: $([5]) }, $([4, 2]))"],
];
/** Rules that do not depend on dims: typed `number`, the call still fails with the same text; at run time any Error. */
const dimFree = new Set(["sequential batchNorm refusal"]);

const root = fileURLToPath(new URL("../..", import.meta.url));
const header = `import * as sg from "../../src/index.js";\nexport {};\n`;
const helpers = {
  static: `declare function $<const S extends readonly number[]>(shape: S): sg.Tensor<[...S]>;
declare function n<const N extends number>(k: N): N;
declare function dims<const S extends readonly number[]>(s: S): S;
declare function list<const T extends readonly sg.Tensor<sg.Shape, sg.DType>[]>(...xs: T): T;
declare function data<const T>(d: T): T;\n`,
  dynamic: `declare function $(shape: readonly number[]): sg.Tensor<number[]>;
declare function n(k: number): number;
declare function dims(s: readonly number[]): number[];
declare function list(...xs: sg.Tensor<number[]>[]): sg.Tensor<number[]>[];
declare function data(d: unknown): number[][];\n`,
};

type Kind = keyof typeof helpers;
/**
 * For each set of helpers, the texts of the diagnostics on each sample's line (the ShapeError's
 * message where there is one) and those outside any sample (the helpers themselves).
 */
function compileTimeMessages(): Record<Kind, { perSample: string[][]; stray: string[] }> {
  const files = new Map<string, string>();
  const first: Record<string, number> = {};
  for (const kind of Object.keys(helpers) as Kind[]) {
    const head = header + helpers[kind];
    first[kind] = head.split("\n").length - 1;
    files.set(join(root, `test/ops/__messages_${kind}__.ts`), head + samples.map(([, call]) => `void ${call};`).join("\n") + "\n");
  }
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error("cannot read tsconfig.json");
  const options = { ...config.options, noEmit: true, rootDir: root, noErrorTruncation: true };
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (f, lang, ...rest) =>
    files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang, true) : getSourceFile.call(host, f, lang, ...rest);
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  const program = ts.createProgram([...files.keys()], options, host);
  const out = {} as Record<Kind, { perSample: string[][]; stray: string[] }>;
  for (const kind of Object.keys(helpers) as Kind[]) {
    const sf = program.getSourceFile(join(root, `test/ops/__messages_${kind}__.ts`))!;
    const perSample: string[][] = samples.map(() => []);
    const stray: string[] = [];
    for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
      const line = sf.getLineAndCharacterOfPosition(d.start ?? 0).line - first[kind]!;
      const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      const shapeErrors = [...text.matchAll(/ShapeError<"((?:[^"\\]|\\.)*)">/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
      // a diagnostic that is not a shape error (a typo in a sample, say) is kept as such, to fail
      const texts = shapeErrors.length ? shapeErrors : [`not a shape error: ${text}`];
      if (perSample[line]) perSample[line].push(...texts);
      else stray.push(text);
    }
    out[kind] = { perSample, stray };
  }
  return out;
}

/** A tensor of the given shape, typed with dynamic dims. */
const $ = (shape: readonly number[]) => sg.tensor(new Float32Array(shape.reduce((p, d) => p * d, 1)), shape as number[]);
// the call as JavaScript (a sample may annotate a function's parameters: vmap's)
const js = (call: string): string => ts.transpile(call, { target: ts.ScriptTarget.ES2022 }).trim().replace(/;$/, "");
const run = (call: string): unknown => new Function("sg", "$", "n", "dims", "list", "data", `return ${js(call)};`)(sg, $, (k: number) => k, (s: number[]) => s, (...xs: unknown[]) => xs, (d: unknown) => d);

describe("one message per shape rule: the run-time check says what the compiler says", () => {
  let compiled: ReturnType<typeof compileTimeMessages>;
  beforeAll(() => {
    compiled = compileTimeMessages();
  }, 120_000);

  it("the snippets' helpers type-check", () => {
    expect(samples.length).toBeGreaterThanOrEqual(12);
    expect(compiled.static.stray).toEqual([]);
    expect(compiled.dynamic.stray).toEqual([]);
  });

  samples.forEach(([rule, call], i) => {
    it(`${rule}: ${call}`, () => {
      // random draws (an initialiser's) compute with uint32 words, which gpu.js runs on wasm
      if (call.includes("sg.random.")) uint32OnWasm();
      const expected = compiled.static.perSample[i]!;
      // statically the call is a compile-time error with one ShapeError message ...
      expect(expected.length, `no compile-time error for ${call}`).toBeGreaterThan(0);
      expect(new Set(expected).size).toBe(1);
      expect(expected[0]).not.toMatch(/^not a shape error/);
      // ... with dims typed `number` it compiles (a dim-free rule: fails alike) ...
      expect(compiled.dynamic.perSample[i]).toEqual(dimFree.has(rule) ? expected : []);
      // ... and at run time it throws the same text
      let thrown: unknown;
      try {
        run(call);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(dimFree.has(rule) ? Error : ShapeMismatchError);
      expect((thrown as Error).message).toBe(expected[0]);
    });
  });
});
