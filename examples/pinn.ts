/**
 * A physics-informed network for u''(x) = -π² sin(πx) on [-1, 1] with u(±1) = 0, whose exact
 * solution is sin(πx). The loss holds the equation's residual at collocation points, computed with
 * u'' = vmap(grad(grad(u))), and the boundary values; the whole training step is one jitted graph.
 *
 * Run: npx tsx examples/pinn.ts [--steps N] [--out FILE]
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { grad, vmap, jit, index, reshape, mean, square, add, mul, sin, sub, linspace, tensor, random, nn, type Tensor } from "../src/index.js";

const model = nn.mlp([1, 32, 32, 1], { activation: "tanh" });
type Params = ReturnType<typeof model.init>;
const PI = Math.PI;

/** The network as a scalar function of a scalar. */
const u = (p: Params, x: Tensor<[]>): Tensor<[]> => index(model.apply(p, reshape(x, [1])), 0);
const uxx = vmap(grad(grad(u, { argnums: 1 }), { argnums: 1 }), { inAxes: [null, 0] });
const uBatch = vmap(u, { inAxes: [null, 0] });

const N = 64;
const xs = linspace(-1, 1, N + 2).slice([[1, N + 1]]); // interior collocation points
const f = mul(sin(mul(xs, PI)), -PI * PI); // right-hand side
const boundary = tensor([-1, 1]);

function loss(p: Params): Tensor<[]> {
  const residual = sub(uxx(p, xs), f);
  const edge = uBatch(p, boundary);
  return add(mean(square(residual)), mul(mean(square(edge)), 10));
}

export interface PinnResult {
  readonly steps: number;
  readonly seconds: number;
  readonly finalLoss: number;
  readonly maxError: number;
  readonly params: Params;
}

/** Trains with Adam; `onProgress` is called every few steps with (step, loss). */
export function trainPinn(steps: number, onProgress: (step: number, loss: number) => void = () => {}): PinnResult {
  const opt = nn.adam({ learningRate: 5e-3 });
  let params = model.init(random.key(0));
  let state = opt.init(params);
  const step = jit((p: Params, s: typeof state, lr: Tensor<[]>) => {
    const [l, g] = [loss(p), grad(loss)(p)];
    const [updates, s2] = opt.update(g, s, p);
    // scale the updates by lr / base rate: a step-size schedule without retracing
    return { params: nn.applyUpdates(p, nn.treeScale(updates, mul(lr, 1 / 5e-3))), state: s2, loss: l };
  });
  const t0 = performance.now();
  let last = NaN;
  for (let i = 0; i < steps; i++) {
    const lr = 5e-3 * Math.max(0.02, 0.5 * (1 + Math.cos((PI * i) / steps)));
    const r = step(params, state, tensor(lr));
    params = r.params;
    state = r.state;
    if (i % 25 === 0 || i === steps - 1) {
      last = r.loss.item();
      onProgress(i + 1, last);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { steps, seconds, finalLoss: last, maxError: maxError(params), params };
}

/** max |u(x) - sin(πx)| on a fine grid. */
export function maxError(p: Params): number {
  const grid = linspace(-1, 1, 401);
  const err = sub(uBatch(p, grid), sin(mul(grid, PI)));
  return Math.max(...Array.from(err.dataSync(), Math.abs));
}

/** u and u'' against the exact curves, as an SVG document. */
export function plotSvg(p: Params): string {
  const grid = linspace(-1, 1, 201);
  const x = Array.from(grid.dataSync());
  const uv = Array.from(uBatch(p, grid).dataSync());
  const u2 = Array.from(uxx(p, grid).dataSync());
  const panel = (title: string, ox: number, series: { ys: number[]; color: string; dash?: string; label: string }[]) => {
    const W = 420, H = 300, m = 40;
    const all = series.flatMap((s) => s.ys);
    const lo = Math.min(...all), hi = Math.max(...all);
    const px = (v: number) => ox + m + ((v + 1) / 2) * (W - 2 * m);
    const py = (v: number) => 30 + (H - 2 * m) * (1 - (v - lo) / (hi - lo || 1)) + 10;
    const path = (ys: number[]) => ys.map((y, i) => `${i ? "L" : "M"}${px(x[i]!).toFixed(1)},${py(y).toFixed(1)}`).join("");
    // the network's curve first, the exact one dashed on top, so both stay visible where they agree
    const lines = [...series].reverse().map((s) => `<path d="${path(s.ys)}" fill="none" stroke="${s.color}" stroke-width="${s.dash ? 1.5 : 3}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`);
    const legend = series.map((s, i) => `<text x="${ox + m + 150 * i}" y="${H + 28}" font-size="12" fill="${s.color}">${s.dash ? "- - " : "— "}${s.label}</text>`);
    const axes = `<line x1="${px(-1)}" y1="${py(0)}" x2="${px(1)}" y2="${py(0)}" stroke="#999"/><text x="${ox + W / 2}" y="24" font-size="14" text-anchor="middle">${title}</text>` +
      `<text x="${px(-1)}" y="${H + 10}" font-size="11" text-anchor="middle">-1</text><text x="${px(1)}" y="${H + 10}" font-size="11" text-anchor="middle">1</text>` +
      `<text x="${ox + m - 4}" y="${py(hi) + 4}" font-size="11" text-anchor="end">${hi.toFixed(1)}</text><text x="${ox + m - 4}" y="${py(lo) + 4}" font-size="11" text-anchor="end">${lo.toFixed(1)}</text>`;
    return axes + lines.join("") + legend.join("");
  };
  const exact = x.map((v) => Math.sin(PI * v));
  const exact2 = x.map((v) => -PI * PI * Math.sin(PI * v));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="340" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
${panel("u(x)", 0, [
  { ys: exact, color: "#222", dash: "6 4", label: "exact sin(πx)" },
  { ys: uv, color: "#1f77b4", label: "network u(x)" },
])}
${panel("u''(x)", 430, [
  { ys: exact2, color: "#222", dash: "6 4", label: "exact −π² sin(πx)" },
  { ys: u2, color: "#d62728", label: "network u''(x)" },
])}
</svg>
`;
}

function progressBar(step: number, total: number, lossValue: number): string {
  const width = 30;
  const done = Math.round((step / total) * width);
  return `[${"#".repeat(done)}${".".repeat(width - done)}] ${String(step).padStart(String(total).length)}/${total}  loss ${lossValue.toExponential(2)}`;
}

export function runPinnDemo(args: { steps?: number; out?: string } = {}): number {
  const steps = args.steps ?? 3000;
  const out = resolve(args.out ?? "pinn.svg");
  console.log(`Physics-informed network for u'' = -π² sin(πx) on [-1, 1], u(±1) = 0 (MLP 1-32-32-1, tanh, Adam, ${steps} steps)`);
  const tty = process.stdout.isTTY;
  let lastPrinted = 0;
  const r = trainPinn(steps, (s, l) => {
    if (tty) process.stdout.write(`\r${progressBar(s, steps, l)}`);
    else if (s - lastPrinted >= steps / 10 || s === steps) {
      console.log(progressBar(s, steps, l));
      lastPrinted = s;
    }
  });
  if (tty) process.stdout.write("\n");
  console.log(`trained in ${r.seconds.toFixed(1)} s; final loss ${r.finalLoss.toExponential(2)}`);
  console.log(`max |u(x) - sin(πx)| on 401 points: ${r.maxError.toExponential(2)} (target < 1e-2)`);
  try {
    writeFileSync(out, plotSvg(r.params));
  } catch (e) {
    console.error(`error: could not write the plot to ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 1;
  }
  console.log(`plot of u and u'' against the exact curves: ${out}`);
  return r.maxError < 1e-2 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const s = arg("--steps");
  try {
    process.exitCode = runPinnDemo({ ...(s ? { steps: Number(s) } : {}), ...(arg("--out") ? { out: arg("--out")! } : {}) });
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
