/**
 * A 2-layer decoder-only character transformer trained on this project's own README.md and
 * bench/README.md (character-level vocabulary, no download). Run: `npm run example:charlm` (or
 * `npx tsx examples/charlm.ts [out.svg]`).
 *
 * Each block is pre-norm: x + dropout(attention(layerNorm(x))) with nn.multiHeadAttention
 * (causal), then x + dropout(mlp(layerNorm(x))) with nn.dense + nn.gelu; the tokens come from
 * nn.embed plus a learnt position table, and a final layerNorm and dense give the logits. It trains
 * with chain(clipByGlobalNorm(1), adamw) under a warmup-cosine learning rate, all in ONE jitted
 * step (params, optimiser state, batch and dropout key are its arguments; the schedule's count is
 * a tensor in the state, so the step traces once). It prints the loss curve, the unigram entropy
 * of the text (nats, the loss's unit: what a model without context reaches) and a sampled
 * continuation of a prompt, and plots the loss as an SVG.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { nn, jit, valueAndGrad, random, tensor, add, matmul, mean, type Tensor, type PRNGKey } from "../src/index.js";
import { progress } from "./progress.js";
import { prng } from "./prng.js";

const CTX = 64; // context length
const D = 64; // model width
const HEADS = 4;
const BATCH = 24;
const DROPOUT = 0.1;

// ---------------------------------------------------------------------------- the text

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The training text: README.md and bench/README.md. */
export function loadText(): string {
  return ["README.md", "bench/README.md"].map((f) => readFileSync(join(root, f), "utf8")).join("\n");
}

/** The text's characters (sorted), and the text as int32 ids into them. */
export function vocabulary(text: string): { chars: string[]; ids: Int32Array } {
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return { chars, ids: Int32Array.from([...text], (c) => index.get(c)!) };
}

/** The entropy of the character frequencies, in nats: the loss of the best model that ignores context. */
export function unigramEntropy(ids: Int32Array, vocab: number): number {
  const counts = new Float64Array(vocab);
  for (const i of ids) counts[i]!++;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / ids.length) * Math.log(c / ids.length);
  return h;
}


// ---------------------------------------------------------------------------- the model

const attn = nn.multiHeadAttention({ numHeads: HEADS, qkvFeatures: D });
const ln = nn.layerNorm(D);
const drop = nn.dropout(DROPOUT);

type Norm = ReturnType<typeof ln.init>;
interface Block {
  readonly ln1: Norm;
  readonly attn: ReturnType<typeof attn.init>;
  readonly ln2: Norm;
  readonly fc: nn.Dense<64, 256>;
  readonly proj: nn.Dense<256, 64>;
}
interface Params {
  readonly tok: nn.EmbedParams<number, 64>;
  readonly pos: Tensor<[64, 64]>;
  readonly blocks: readonly [Block, Block];
  readonly lnF: Norm;
  readonly head: nn.Dense<64, number>;
}

function initParams(key: PRNGKey, vocab: number): Params {
  const [kt, kp, kb1, kb2, kh] = random.split(key, 5);
  const block = (k: PRNGKey): Block => {
    const [ka, kf, kj] = random.split(k, 3);
    return { ln1: ln.init(), attn: attn.init(ka), ln2: ln.init(), fc: nn.dense(kf, D, 256, nn.lecunNormal), proj: nn.dense(kj, 256, D, nn.lecunNormal) };
  };
  return {
    tok: nn.embed(vocab, D).init(kt),
    pos: nn.truncatedNormal(0.02)(kp, [CTX, D]),
    blocks: [block(kb1), block(kb2)],
    lnF: ln.init(),
    head: nn.dense(kh, D, vocab, nn.truncatedNormal(0.02)), // small: the first loss is about ln(vocab)
  };
}

type X = Tensor<[number, 64, 64]>;

/** Logits `[B, 64, vocab]` for ids `[B, 64]`; with a key, dropout on (training), else off. */
function forward(p: Params, ids: Tensor<[number, 64], "int32">, key: PRNGKey | null): Tensor<[number, 64, number]> {
  const keys = key === null ? [] : random.split(key, 4);
  const dr = (x: X, i: number): X => (key === null ? x : drop.apply(x, { key: keys[i]! }));
  // embed's apply is a row lookup; the layer object is rebuilt here as the vocabulary is the text's
  let x: X = add(nn.embed(p.tok.embedding.shape[0], D).apply(p.tok, ids), p.pos);
  p.blocks.forEach((b, i) => {
    x = add(x, dr(attn.apply(b.attn, ln.apply(b.ln1, x), { causal: true }), 2 * i));
    const h = nn.gelu(add(matmul(ln.apply(b.ln2, x), b.fc.w), b.fc.b));
    x = add(x, dr(add(matmul(h, b.proj.w), b.proj.b), 2 * i + 1));
  });
  return add(matmul(ln.apply(p.lnF, x), p.head.w), p.head.b);
}

const lossOf = (p: Params, x: Tensor<[number, 64], "int32">, y: Tensor<[number, 64], "int32">, key: PRNGKey) =>
  mean(nn.softmaxCrossEntropyWithIntegerLabels(forward(p, x, key), y));

// ---------------------------------------------------------------------------- training

/** The training loss (10-step mean) against the step, with the unigram entropy dashed. */
function plot(losses: number[], entropy: number): string {
  const smooth = losses.map((_, i) => {
    const a = losses.slice(Math.max(0, i - 9), i + 1);
    return a.reduce((s, v) => s + v, 0) / a.length;
  });
  const top = Math.max(...smooth, entropy);
  const x = (i: number) => (40 + (i / losses.length) * 540).toFixed(1);
  const y = (v: number) => (170 - (v / top) * 140).toFixed(1);
  const every = Math.max(1, Math.ceil(smooth.length / 200));
  const pts = smooth.map((v, i) => [i, v] as const).filter(([i]) => i % every === 0 || i === smooth.length - 1).map(([i, v]) => `${x(i + 1)},${y(v)}`);
  const label = (xx: number, yy: number, t: string, anchor = "start") => `<text x="${xx}" y="${yy}" font-size="11" font-family="sans-serif" text-anchor="${anchor}">${t}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 620 200">`,
    `<rect width="620" height="200" fill="#fff"/>`,
    `<path d="M40 30V170H580" fill="none" stroke="#999"/>`,
    `<path d="M40 ${y(entropy)}H580" stroke="#c63" stroke-dasharray="3 3"/>`,
    label(40, 20, `training loss (nats, 10-step mean), ${smooth[0]!.toFixed(2)} to ${smooth[smooth.length - 1]!.toFixed(2)}; dashed: unigram entropy ${entropy.toFixed(2)}`),
    label(580, 185, `${losses.length} steps`, "end"),
    `<polyline fill="none" stroke="#36c" stroke-width="1.5" points="${pts.join(" ")}"/>`,
    `</svg>`,
    "",
  ].join("\n");
}

export interface CharlmOptions {
  /** training steps of 24 windows of 64 characters (default 600) */
  readonly steps?: number;
  /** the peak learning rate of the warmup-cosine schedule (default 1e-2) */
  readonly learningRate?: number;
  /** where the SVG plot goes (default charlm.svg; null: none) */
  readonly out?: string | null;
  /** the prompt to continue, and how many characters to sample (default 160) */
  readonly prompt?: string;
  readonly sampleLength?: number;
  readonly seed?: number;
  /** no console output (default false) */
  readonly quiet?: boolean;
}

export interface CharlmResult {
  readonly losses: number[];
  /** the mean training loss of the last 10% of the steps (at least 10) */
  readonly finalLoss: number;
  readonly unigramEntropy: number;
  readonly vocab: number;
  readonly sample: string;
  /** how often the training step was traced (1: the schedule's count did not retrace it) */
  readonly traceCount: number;
  readonly seconds: number;
}

export function runCharlm(opts: CharlmOptions = {}): CharlmResult {
  const steps = opts.steps ?? 600;
  const seed = opts.seed ?? 0;
  const log = opts.quiet ? () => {} : (s: string) => console.log(s);
  const started = performance.now();
  const { chars, ids } = vocabulary(loadText());
  const V = chars.length;
  const entropy = unigramEntropy(ids, V);
  log(`charlm: ${ids.length} characters, vocabulary of ${V}, unigram entropy ${entropy.toFixed(3)} nats`);

  const lr = opts.learningRate ?? 1e-2;
  const opt = nn.chain(
    nn.clipByGlobalNorm(1),
    nn.adamw({
      learningRate: nn.warmupCosineDecaySchedule({ initValue: 0, peakValue: lr, warmupSteps: Math.max(1, Math.round(steps / 10)), decaySteps: steps + 1, endValue: lr / 10 }),
      weightDecay: 0.01,
      // no decay on biases, norms and position/token tables: the matrices only
      mask: (p: Params) => ({
        tok: false, pos: false, lnF: false, head: { w: true, b: false },
        blocks: p.blocks.map(() => ({ ln1: false, ln2: false, attn: { query: { kernel: true, bias: false }, key: { kernel: true, bias: false }, value: { kernel: true, bias: false }, out: { kernel: true, bias: false } }, fc: { w: true, b: false }, proj: { w: true, b: false } })),
      }),
    }),
  );
  type S = nn.OptState<typeof opt, Params>;
  let params = initParams(random.key(seed), V);
  let state: S = opt.init(params);
  const trainStep = jit((p: Params, s: S, x: Tensor<[number, 64], "int32">, y: Tensor<[number, 64], "int32">, key: PRNGKey) => {
    const [l, g] = valueAndGrad(lossOf)(p, x, y, key);
    const [u, s2] = opt.update(g, s, p);
    return [l, nn.applyUpdates(p, u), s2] as const;
  });

  const r = prng(1000 + seed);
  const xb = new Int32Array(BATCH * CTX), yb = new Int32Array(BATCH * CTX);
  const dropKey = random.key(2000 + seed);
  const losses: number[] = [];
  for (let i = 1; i <= steps; i++) {
    for (let b = 0; b < BATCH; b++) {
      const j = Math.floor(r() * (ids.length - CTX - 1));
      xb.set(ids.subarray(j, j + CTX), b * CTX);
      yb.set(ids.subarray(j + 1, j + CTX + 1), b * CTX);
    }
    const [l, p2, s2] = trainStep(params, state, tensor(xb, [BATCH, CTX], "int32"), tensor(yb, [BATCH, CTX], "int32"), random.foldIn(dropKey, i));
    params = p2;
    state = s2;
    losses.push(l.item());
    if (!opts.quiet) progress("charlm", i, steps, { note: `loss ${losses[i - 1]!.toFixed(3)}` });
  }
  const trainSeconds = (performance.now() - started) / 1000;
  const tail = losses.slice(-Math.max(10, Math.round(steps / 10)));
  const finalLoss = tail.reduce((s, v) => s + v, 0) / tail.length;
  const every = Math.max(1, Math.round(steps / 10));
  log(`charlm: loss curve (every ${every} steps): ${losses.filter((_, i) => i % every === 0 || i === steps - 1).map((v) => v.toFixed(2)).join(" ")}`);
  log(`charlm: final loss ${finalLoss.toFixed(3)} nats (mean of the last ${tail.length} steps) against the unigram entropy ${entropy.toFixed(3)}; ${steps} steps in ${trainSeconds.toFixed(1)} s, step traced ${trainStep.traceCount} time(s)`);

  // sampling: the window holds the last 64 characters (the prompt at its start while shorter);
  // causal attention makes the positions after the last character irrelevant to its logits
  const predict = jit((p: Params, x: Tensor<[1, 64], "int32">) => forward(p, x, null));
  const index = new Map(chars.map((c, i) => [c, i]));
  const prompt = opts.prompt ?? "shapegrad is a ";
  const seq = [...prompt].map((c) => index.get(c) ?? 0);
  const sr = prng(3000 + seed);
  const temperature = 0.7;
  for (let n = 0; n < (opts.sampleLength ?? 160); n++) {
    const window = seq.slice(-CTX);
    const w = new Int32Array(CTX);
    w.set(window);
    const logits = predict(params, tensor(w, [1, CTX], "int32")).dataSync().subarray((window.length - 1) * V, window.length * V);
    const m = Math.max(...logits);
    const e = Array.from(logits, (v) => Math.exp((v - m) / temperature));
    let u = sr() * e.reduce((s, v) => s + v, 0), c = 0;
    while (c < V - 1 && (u -= e[c]!) > 0) c++;
    seq.push(c);
  }
  const sample = seq.map((i) => chars[i]).join("");
  log(`charlm: sample (temperature ${temperature}) from ${JSON.stringify(prompt)}:\n${sample}`);

  const out = opts.out === undefined ? "charlm.svg" : opts.out;
  if (out) {
    writeFileSync(out, plot(losses, entropy));
    log(`charlm: loss curve written to ${out}`);
  }
  return { losses, finalLoss, unigramEntropy: entropy, vocab: V, sample, traceCount: trainStep.traceCount, seconds: (performance.now() - started) / 1000 };
}

if (process.argv[1]?.endsWith("charlm.ts")) {
  const res = runCharlm({ out: process.argv[2] ?? "charlm.svg" });
  process.exitCode = res.traceCount === 1 && res.finalLoss < res.unigramEntropy - 0.5 ? 0 : 1;
}
