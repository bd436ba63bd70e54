/**
 * The web demo (`npm run demo:web`): the physics-informed network of examples/pinn.ts, trained live
 * in the page on the backend picked (wasm, WebGPU or WebGL2), with a plot of u against sin(πx), the
 * loss curve and the step rate. A backend the browser cannot give is shown as unavailable, with
 * the reason; one that ran any of the training on wasm instead says so (never a silent swap).
 *
 * The state is mirrored in `window.__demo` and in data-* attributes of #progress, which the
 * headless-Chromium test (test/browser/demo.test.ts) reads. URL parameters: `?backend=NAME`
 * (preselect) and `?steps=N` (the length of the run and of its cosine learning-rate schedule).
 */
import * as sg from "../../src/index.js";
import { grad, vmap, jit, index, reshape, mean, square, add, mul, sin, sub, linspace, tensor, random, nn, type Tensor } from "../../src/index.js";

// ---------------------------------------------------------------------------------------------
// the model and loss: the same as examples/pinn.ts

const PI = Math.PI;
const model = nn.mlp([1, 32, 32, 1], { activation: "tanh" });
type Params = ReturnType<typeof model.init>;
const u = (p: Params, x: Tensor<[]>): Tensor<[]> => index(model.apply(p, reshape(x, [1])), 0);
const uxx = vmap(grad(grad(u, { argnums: 1 }), { argnums: 1 }), { inAxes: [null, 0] });
const uBatch = vmap(u, { inAxes: [null, 0] });
const N = 64;
const BASE_LR = 5e-3;
const GRID = 101;

function makeTraining() {
  // built on the active backend, so the constants live there
  const xs = linspace(-1, 1, N + 2).slice([[1, N + 1]]);
  const f = mul(sin(mul(xs, PI)), -PI * PI);
  const boundary = tensor([-1, 1]);
  const grid = linspace(-1, 1, GRID);
  const loss = (p: Params): Tensor<[]> =>
    add(mean(square(sub(uxx(p, xs), f))), mul(mean(square(uBatch(p, boundary))), 10));
  const opt = nn.adam({ learningRate: BASE_LR });
  const params = model.init(random.key(0));
  const state = opt.init(params);
  const step = jit((p: Params, s: typeof state, lr: Tensor<[]>) => {
    const [updates, s2] = opt.update(grad(loss)(p), s, p);
    return { params: nn.applyUpdates(p, nn.treeScale(updates, mul(lr, 1 / BASE_LR))), state: s2, loss: loss(p) };
  });
  const predict = jit((p: Params) => uBatch(p, grid));
  return { params, state, step, predict };
}

// ---------------------------------------------------------------------------------------------
// backends: what the browser can give, and why not

export type Name = "wasm" | "gpujs:webgpu" | "gpujs:webgl2";
export interface Availability {
  readonly ok: boolean;
  /** the adapter or renderer when ok, the reason when not */
  readonly detail: string;
}
const LABELS: Record<Name, string> = { wasm: "wasm (CPU)", "gpujs:webgpu": "WebGPU", "gpujs:webgl2": "WebGL2" };
const NAMES = Object.keys(LABELS) as Name[];

/**
 * Whether a backend can run here, as shapegrad's `backendAvailable` says. A software GPU
 * (SwiftShader, llvmpipe) is offered, since the person picks it, with the reason it is slow.
 */
async function probe(name: Name): Promise<Availability> {
  if (!sg.backendNames.includes(name)) return { ok: false, detail: `this build of shapegrad has no "${name}" backend` };
  const strict = await sg.backendAvailable(name);
  if (!strict) return { ok: true, detail: "available" };
  const loose = await sg.backendAvailable(name, { allowSoftwareAdapter: true });
  return loose ? { ok: false, detail: loose } : { ok: true, detail: strict };
}

// ---------------------------------------------------------------------------------------------
// state, mirrored for the test

type Status = "probing" | "idle" | "starting" | "running" | "stopped" | "done" | "unavailable" | "error";
/** The page's state, mirrored in window.__demo (test/browser/demo.test.ts reads it). */
export interface DemoState {
  status: Status;
  /** the backend picked, and the one shapegrad reports as active */
  backend: Name;
  active: string;
  availability: Partial<Record<Name, Availability>>;
  step: number;
  totalSteps: number;
  /** (step, loss) after every step */
  losses: [number, number][];
  loss: number;
  stepsPerSecond: number;
  /** seconds of the first step (tracing and compiling included) */
  firstStepSeconds: number;
  maxError: number;
  /** graphs the gpu.js backend ran on wasm during training (0 on a real GPU run) */
  hostGraphs: number;
  /** the lines shapegrad printed with console.warn */
  messages: string[];
  error: string;
}
const query = new URLSearchParams(location.search);
const demo: DemoState = {
  status: "probing",
  backend: "wasm",
  active: "",
  availability: {},
  step: 0,
  totalSteps: Math.max(1, Number(query.get("steps")) || 3000),
  losses: [],
  loss: NaN,
  stepsPerSecond: 0,
  firstStepSeconds: 0,
  maxError: NaN,
  hostGraphs: 0,
  messages: [],
  error: "",
};
(window as unknown as { __demo: DemoState }).__demo = demo;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const select = $<HTMLSelectElement>("backend");
const startButton = $<HTMLButtonElement>("start");
const resetButton = $<HTMLButtonElement>("reset");
const note = $<HTMLSpanElement>("backend-note");
const progress = $<HTMLDivElement>("progress");
const log = $<HTMLDivElement>("log");

// what the library says (fallbacks, reasons) goes on the page too
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  const line = args.map(String).join(" ");
  if (line.startsWith("shapegrad")) {
    demo.messages.push(line);
    log.textContent = demo.messages.join("\n");
  }
  warn(...args);
};

function setStatus(s: Status): void {
  demo.status = s;
  progress.dataset["status"] = s;
  startButton.textContent = s === "running" || s === "starting" ? "Stop" : s === "stopped" ? "Resume" : "Start";
  startButton.disabled = s === "probing" || s === "unavailable" || s === "done" || s === "starting";
  resetButton.disabled = s === "probing" || s === "running" || s === "starting";
  select.disabled = s === "running" || s === "starting" || s === "probing";
}

function showProgress(): void {
  progress.dataset["step"] = String(demo.step);
  progress.dataset["loss"] = String(demo.loss);
  $<HTMLDivElement>("bar").style.width = `${(100 * demo.step) / demo.totalSteps}%`;
  const rate = demo.stepsPerSecond ? ` · ${demo.stepsPerSecond.toFixed(demo.stepsPerSecond < 10 ? 1 : 0)} steps/s` : "";
  const loss = Number.isFinite(demo.loss) ? ` · loss ${demo.loss.toExponential(2)}` : "";
  const err = Number.isFinite(demo.maxError) ? ` · max |u − sin πx| ${demo.maxError.toExponential(1)}` : "";
  $<HTMLSpanElement>("progress-text").textContent = `step ${demo.step} / ${demo.totalSteps}${rate}${loss}${err}`;
  const first = demo.firstStepSeconds ? `first step (tracing and compiling) ${demo.firstStepSeconds.toFixed(2)} s on ${demo.active}` : "";
  const wasm = demo.hostGraphs ? `; ${demo.hostGraphs} graph(s) of the training ran on wasm instead (see the messages below)` : "";
  const detail = $<HTMLDivElement>("detail");
  detail.textContent = first + wasm;
  detail.style.color = demo.hostGraphs ? "#b00020" : "";
}

// ---------------------------------------------------------------------------------------------
// plots

const grid = Array.from({ length: GRID }, (_, i) => -1 + (2 * i) / (GRID - 1));
let prediction: number[] = [];

function frame(ctx: CanvasRenderingContext2D, title: string): { x0: number; y0: number; w: number; h: number } {
  const { width, height } = ctx.canvas;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = "#222";
  ctx.font = "14px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.fillText(title, width / 2, 20);
  return { x0: 50, y0: 34, w: width - 70, h: height - 80 };
}

function line(ctx: CanvasRenderingContext2D, pts: [number, number][], color: string, width: number, dash: number[] = []): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.stroke();
  ctx.setLineDash([]);
}

function legend(ctx: CanvasRenderingContext2D, items: [string, string][], y: number): void {
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "left";
  items.forEach(([label, color], i) => {
    ctx.fillStyle = color;
    ctx.fillText(label, 50 + 200 * i, y);
  });
}

function drawSolution(): void {
  const ctx = $<HTMLCanvasElement>("solution").getContext("2d")!;
  const { x0, y0, w, h } = frame(ctx, "u(x): the network against the exact sin(πx)");
  const lo = -1.25, hi = 1.25;
  const px = (x: number) => x0 + ((x + 1) / 2) * w;
  const py = (y: number) => y0 + (1 - (Math.min(hi, Math.max(lo, y)) - lo) / (hi - lo)) * h;
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  ctx.strokeRect(x0, y0, w, h);
  line(ctx, [[px(-1), py(0)], [px(1), py(0)]], "#ccc", 1);
  ctx.fillStyle = "#555";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  for (const v of [-1, 0, 1]) ctx.fillText(String(v), x0 - 6, py(v) + 4);
  ctx.textAlign = "center";
  for (const v of [-1, 0, 1]) ctx.fillText(String(v), px(v), y0 + h + 14);
  if (prediction.length) line(ctx, grid.map((x, i) => [px(x), py(prediction[i]!)]), "#1f77b4", 3);
  line(ctx, grid.map((x) => [px(x), py(Math.sin(PI * x))]), "#222", 1.5, [6, 4]);
  legend(ctx, [["— network u(x)", "#1f77b4"], ["- - exact sin(πx)", "#222"]], y0 + h + 34);
}

function drawLoss(): void {
  const ctx = $<HTMLCanvasElement>("loss").getContext("2d")!;
  const { x0, y0, w, h } = frame(ctx, "training loss (log scale)");
  ctx.strokeStyle = "#bbb";
  ctx.lineWidth = 1;
  ctx.strokeRect(x0, y0, w, h);
  const pts = demo.losses.filter(([, l]) => l > 0 && Number.isFinite(l));
  const logs = pts.map(([, l]) => Math.log10(l));
  const lo = Math.floor(Math.min(-1, ...logs)), hi = Math.ceil(Math.max(1, ...logs));
  const px = (s: number) => x0 + (s / demo.totalSteps) * w;
  const py = (v: number) => y0 + (1 - (v - lo) / (hi - lo)) * h;
  ctx.fillStyle = "#555";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "right";
  for (let e = lo; e <= hi; e++) {
    ctx.fillText(`1e${e}`, x0 - 6, py(e) + 4);
    line(ctx, [[x0, py(e)], [x0 + w, py(e)]], "#eee", 1);
  }
  ctx.textAlign = "center";
  ctx.fillText("0", px(0), y0 + h + 14);
  ctx.textAlign = "right";
  ctx.fillText(`${demo.totalSteps} steps`, px(demo.totalSteps), y0 + h + 14);
  // at most ~w points: a stride through a long run
  const stride = Math.max(1, Math.floor(pts.length / w));
  const shown = pts.filter((_, i) => i % stride === 0 || i === pts.length - 1);
  if (shown.length) line(ctx, shown.map(([s, l]) => [px(s), py(Math.log10(l))]), "#d62728", 2);
  legend(ctx, [[`— loss on ${LABELS[demo.backend]}`, "#d62728"]], y0 + h + 34);
}

// ---------------------------------------------------------------------------------------------
// training: one jitted step at a time, yielding to the page between slices of steps

type Training = ReturnType<typeof makeTraining>;
let training: Training | null = null;
let run = 0; // bumped to stop the loop

const hostGraphs = (): number => (sg.defaultBackend() as { stats?: { hostGraphs?: number } }).stats?.hostGraphs ?? 0;
const nextFrame = () => new Promise<void>((r) => setTimeout(r, 0));

async function updatePlot(t: Training): Promise<void> {
  prediction = Array.from(await t.predict(t.params).data());
  demo.maxError = Math.max(...prediction.map((v, i) => Math.abs(v - Math.sin(PI * grid[i]!))));
  drawSolution();
  drawLoss();
  showProgress();
}

/** Makes `name` the active backend, or says why it cannot be. */
async function activate(name: Name): Promise<boolean> {
  const a = demo.availability[name];
  if (!a?.ok) return false;
  try {
    demo.active = (await sg.useBackend(name)).name; // the person asked for this one
  } catch (e) {
    demo.active = sg.defaultBackend().name;
    demo.availability[name] = { ok: false, detail: String((e as Error)?.message ?? e) };
    refreshPicker();
    return false;
  }
  return true;
}

async function start(): Promise<void> {
  const mine = ++run;
  setStatus("starting");
  try {
    if (!training) {
      if (!(await activate(demo.backend))) {
        setStatus("unavailable");
        return;
      }
      training = makeTraining();
      await updatePlot(training);
    }
    if (run !== mine) return; // stopped while starting
    const t = training;
    const graphsBefore = hostGraphs() - demo.hostGraphs; // what ran on wasm before this run (the PRNG's uint32 init)
    setStatus("running");
    let sliceStart = performance.now();
    let rateFrom: [number, number] | null = null; // (time, step) after the first step
    let lastDraw = 0;
    while (run === mine && demo.step < demo.totalSteps) {
      const t0 = performance.now();
      const i = demo.step;
      const lr = BASE_LR * Math.max(0.02, 0.5 * (1 + Math.cos((PI * i) / demo.totalSteps)));
      const r = t.step(t.params, t.state, tensor(lr));
      t.params = r.params;
      t.state = r.state;
      demo.loss = (await r.loss.data())[0]!; // also what keeps a GPU queue from running ahead
      demo.step = i + 1;
      demo.losses.push([demo.step, demo.loss]);
      demo.hostGraphs = hostGraphs() - graphsBefore;
      const now = performance.now();
      if (i === 0) demo.firstStepSeconds = (now - t0) / 1000;
      if (!rateFrom) rateFrom = [now, demo.step];
      else demo.stepsPerSecond = ((demo.step - rateFrom[1]) * 1000) / (now - rateFrom[0]);
      if (now - lastDraw > 250 || demo.step === demo.totalSteps) {
        await updatePlot(t);
        lastDraw = performance.now();
      } else showProgress();
      if (now - sliceStart > 30) {
        await nextFrame(); // the page stays responsive
        sliceStart = performance.now();
      }
    }
    if (run === mine) setStatus(demo.step >= demo.totalSteps ? "done" : "stopped");
  } catch (e) {
    demo.error = e instanceof Error ? e.message : String(e);
    log.textContent = [...demo.messages, `error: ${demo.error}`].join("\n");
    setStatus("error");
  }
}

function stop(): void {
  run++;
  setStatus("stopped");
}

function reset(): void {
  run++;
  training = null;
  Object.assign(demo, { step: 0, losses: [], loss: NaN, stepsPerSecond: 0, firstStepSeconds: 0, maxError: NaN, hostGraphs: 0, error: "" });
  prediction = [];
  drawSolution();
  drawLoss();
  showProgress();
  pick();
}

// ---------------------------------------------------------------------------------------------
// the picker

function refreshPicker(): void {
  select.replaceChildren(
    ...NAMES.map((n) => {
      const a = demo.availability[n];
      const o = document.createElement("option");
      o.value = n;
      o.textContent = a && !a.ok ? `${LABELS[n]} (unavailable)` : LABELS[n];
      o.selected = n === demo.backend;
      return o;
    }),
  );
  const a = demo.availability[demo.backend];
  note.textContent = a ? (a.ok ? a.detail : `unavailable: ${a.detail}`) : "";
  note.className = a && !a.ok ? "bad" : "";
  $<HTMLDivElement>("backends").textContent = NAMES.map((n) => {
    const x = demo.availability[n];
    return `${LABELS[n]}: ${x ? (x.ok ? x.detail : `unavailable (${x.detail})`) : "?"}`;
  }).join(" · ");
}

function pick(): void {
  demo.backend = select.value as Name;
  training = null; // a new backend starts a new run
  Object.assign(demo, { step: 0, losses: [], loss: NaN, stepsPerSecond: 0, firstStepSeconds: 0, maxError: NaN, hostGraphs: 0 });
  refreshPicker();
  setStatus(demo.availability[demo.backend]?.ok ? "idle" : "unavailable");
  drawSolution();
  drawLoss();
  showProgress();
}

select.addEventListener("change", pick);
startButton.addEventListener("click", () => (demo.status === "running" || demo.status === "starting" ? stop() : void start()));
resetButton.addEventListener("click", reset);

async function main(): Promise<void> {
  drawSolution();
  drawLoss();
  for (const n of NAMES) demo.availability[n] = await probe(n);
  const wanted = query.get("backend") as Name | null;
  demo.backend = wanted && NAMES.includes(wanted) ? wanted : "wasm";
  refreshPicker();
  pick();
}
void main();
