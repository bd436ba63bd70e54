// optax's optimisers, gradient transformations and schedules against plain float64 loops that
// implement optax's formulas, and a jitted step with a schedule that traces once.
import { describe, expect, it } from "vitest";
import { nn, grad, jit, sum, square, add, mul, tensor, type Tensor } from "../../src/index.js";
import { settled } from "../harness/read.js";
import { float64Suite, uint32Suite } from "../harness/backend.js";
import { testBackendName } from "../harness/env.js";

// on gpu.js, the float64 references and the random draws (uint32) run on wasm, by design
float64Suite();
uint32Suite();

type P = { w: Tensor<[3], "float64">; b: Tensor<[2], "float64"> };
const T3 = (v: number[]) => tensor(v, [3], "float64");
const T2 = (v: number[]) => tensor(v, [2], "float64");
const tree = (v: number[]): P => ({ w: T3(v.slice(0, 3)), b: T2(v.slice(3)) });
/** The tree's values in flatten order (b before w), as the hand loops index them. */
const values = async (p: P): Promise<number[]> => [...await p.b.data(), ...await p.w.data()];
const fromValues = (v: number[]): P => tree([...v.slice(2), ...v.slice(0, 2)]);

const p0 = [1, 2, -3, 0.5, -0.25]; // b = [1, 2], w = [-3, 0.5, -0.25] in flatten order
const grads = [
  [0.5, -1.5, 2, 0.25, -0.75],
  [-0.25, 1, 0.75, -2, 0.5],
  [1.25, 0.5, -1, 0.125, 1.5],
  [-0.5, -0.5, 0.25, 1, -1],
];

function expectClose(got: number[], want: number[], digits: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((x, i) => expect(x, `element ${i}`).toBeCloseTo(want[i]!, digits));
}

/** Runs an optimiser over `grads` (eagerly) and returns the parameters after each step. */
async function run(opt: nn.GradientTransformation, gs = grads): Promise<number[][]> {
  let p = fromValues(p0);
  let s = opt.init(p);
  const out: number[][] = [];
  for (const g of gs) {
    const [u, s2] = opt.update(fromValues(g), s, p);
    p = nn.applyUpdates(p, u);
    s = s2;
    out.push(await values(p));
  }
  return out;
}
/** The same with a hand-written step `h(p, g, t)` (t = 1, 2, ...) on plain arrays, element by element. */
function hand(h: (p: number, g: number, t: number, i: number) => number, gs = grads): number[][] {
  const p = [...p0];
  return gs.map((g, k) => {
    p.forEach((pi, i) => (p[i] = h(pi, g[i]!, k + 1, i)));
    return [...p];
  });
}
const perElement = <S>(init: () => S) => {
  const states = p0.map(init);
  return (i: number) => states[i]!;
};

describe("optimisers equal optax's formulas in float64", () => {
  it("Adam and NAdam (nesterov), with epsRoot", async () => {
    for (const nesterov of [false, true]) {
      const lr = 0.05, b1 = 0.8, b2 = 0.95, eps = 1e-6, epsRoot = 1e-4;
      const st = perElement(() => ({ m: 0, v: 0 }));
      const want = hand((p, g, t, i) => {
        const s = st(i);
        s.m = b1 * s.m + (1 - b1) * g;
        s.v = b2 * s.v + (1 - b2) * g * g;
        const mh = nesterov ? (b1 * s.m) / (1 - b1 ** (t + 1)) + ((1 - b1) * g) / (1 - b1 ** t) : s.m / (1 - b1 ** t);
        const vh = s.v / (1 - b2 ** t);
        return p - (lr * mh) / (Math.sqrt(vh + epsRoot) + eps);
      });
      (await run(nn.adam({ learningRate: lr, b1, b2, eps, epsRoot, nesterov }))).forEach((got, k) => expectClose(got, want[k]!, 12));
    }
  });

  it("AdamW: decoupled weight decay, scaled by the learning rate", async () => {
    const lr = 0.1, wd = 0.3;
    const st = perElement(() => ({ m: 0, v: 0 }));
    const want = hand((p, g, t, i) => {
      const s = st(i);
      s.m = 0.9 * s.m + 0.1 * g;
      s.v = 0.999 * s.v + 0.001 * g * g;
      const u = s.m / (1 - 0.9 ** t) / (Math.sqrt(s.v / (1 - 0.999 ** t)) + 1e-8);
      return p - lr * (u + wd * p);
    });
    (await run(nn.adamw({ learningRate: lr, weightDecay: wd }))).forEach((got, k) => expectClose(got, want[k]!, 12));
  });

  it("AdamW's mask: a tree of booleans, a prefix of one, or a function of the params", async () => {
    const lr = 0.1, wd = 0.5;
    // decay only w (elements 2..4 in flatten order)
    const st = perElement(() => ({ m: 0, v: 0 }));
    const want = hand((p, g, t, i) => {
      const s = st(i);
      s.m = 0.9 * s.m + 0.1 * g;
      s.v = 0.999 * s.v + 0.001 * g * g;
      const u = s.m / (1 - 0.9 ** t) / (Math.sqrt(s.v / (1 - 0.999 ** t)) + 1e-8);
      return p - lr * (u + (i >= 2 ? wd * p : 0));
    });
    const masks: nn.Mask[] = [{ w: true, b: false }, (p) => ({ w: true, b: !("w" in (p as object)) })];
    for (const mask of masks) (await run(nn.adamw({ learningRate: lr, weightDecay: wd, mask }))).forEach((got, k) => expectClose(got, want[k]!, 12));
    // a prefix: one boolean for the whole tree; false is plain Adam
    const plain = await run(nn.adam({ learningRate: lr }));
    (await run(nn.adamw({ learningRate: lr, weightDecay: wd, mask: false }))).forEach((got, k) => expectClose(got, plain[k]!, 14));
    const all = await run(nn.adamw({ learningRate: lr, weightDecay: wd }));
    (await run(nn.adamw({ learningRate: lr, weightDecay: wd, mask: true }))).forEach((got, k) => expectClose(got, all[k]!, 14));
    // a mask that does not fit names both trees; decay needs the params
    const opt = nn.adamw({ learningRate: lr, weightDecay: wd, mask: { w: true } });
    const p = fromValues(p0);
    expect(() => opt.update(p, opt.init(p), p)).toThrow("adamw: the mask { w: true } does not fit the parameters { b: Tensor[2], w: Tensor[3] }");
    const nomask = nn.adamw({ learningRate: lr });
    expect(() => nomask.update(p, nomask.init(p))).toThrow("adamw: update needs the params (for the weight decay)");
  });

  it("RMSProp: plain, centered, with momentum and Nesterov momentum", async () => {
    const lr = 0.01, decay = 0.8, eps = 1e-4, initialScale = 0.5;
    for (const centered of [false, true]) {
      for (const [momentum, nesterov] of [[0, false], [0.7, false], [0.7, true]] as const) {
        const st = perElement(() => ({ nu: initialScale, mu: 0, tr: 0 }));
        const want = hand((p, g, _t, i) => {
          const s = st(i);
          s.nu = decay * s.nu + (1 - decay) * g * g;
          s.mu = decay * s.mu + (1 - decay) * g;
          let u = -lr * (g / Math.sqrt((centered ? s.nu - s.mu * s.mu : s.nu) + eps));
          if (momentum > 0) {
            s.tr = u + momentum * s.tr;
            u = nesterov ? u + momentum * s.tr : s.tr;
          }
          return p + u;
        });
        const opt = nn.rmsprop({ learningRate: lr, decay, eps, initialScale, centered, momentum, nesterov });
        (await run(opt)).forEach((got, k) => expectClose(got, want[k]!, 12));
      }
    }
  });

  it("Adagrad", async () => {
    const lr = 0.3, acc0 = 0.1, eps = 1e-7;
    const st = perElement(() => ({ s: acc0 }));
    const want = hand((p, g, _t, i) => {
      const s = st(i);
      s.s += g * g;
      return p - (lr * g) / Math.sqrt(s.s + eps);
    });
    (await run(nn.adagrad({ learningRate: lr }))).forEach((got, k) => expectClose(got, want[k]!, 12));
    // optax: no update where the sum of squares is 0 (a zero initial value and a zero gradient)
    const z = await run(nn.adagrad({ learningRate: lr, initialAccumulatorValue: 0 }), [[0, 0, 0, 0, 0]]);
    expectClose(z[0]!, p0, 14);
  });

  it("Lion, with and without weight decay", async () => {
    for (const wd of [0, 0.2]) {
      const lr = 0.01, b1 = 0.9, b2 = 0.99;
      const st = perElement(() => ({ m: 0 }));
      const want = hand((p, g, _t, i) => {
        const s = st(i);
        const u = Math.sign((1 - b1) * g + b1 * s.m);
        s.m = b2 * s.m + (1 - b2) * g;
        return p - lr * (u + wd * p);
      });
      (await run(nn.lion({ learningRate: lr, b1, b2, weightDecay: wd }))).forEach((got, k) => expectClose(got, want[k]!, 12));
    }
  });

  it("SGD with a schedule as the learning rate: step t uses schedule(t - 1)", async () => {
    const sched = nn.exponentialDecay({ initValue: 0.5, transitionSteps: 1, decayRate: 0.5 });
    const want = hand((p, g, t) => p - Math.fround(0.5 * 0.5 ** (t - 1)) * g);
    (await run(nn.sgd({ learningRate: sched }))).forEach((got, k) => expectClose(got, want[k]!, 12));
    // a hand-written schedule may return a number; adam takes schedules too
    const adamConst = await run(nn.adam({ learningRate: 0.02 }));
    (await run(nn.adam({ learningRate: () => 0.02 }))).forEach((got, k) => expectClose(got, adamConst[k]!, 14));
  });

  it("a learning rate of 0 leaves the parameters as they are (as optax)", async () => {
    const p = tree(p0);
    const opt = nn.adamw({ learningRate: 0 });
    const [u] = opt.update(tree(grads[0]!), opt.init(p), p);
    expect(await values(nn.applyUpdates(p, u))).toEqual(await values(p));
  });

  it("rejects bad settings", () => {
    expect(() => nn.adamw({ learningRate: -1 })).toThrow("adamw: learningRate must be a finite number >= 0 or a schedule, got -1");
    expect(() => nn.adamw({ learningRate: NaN })).toThrow("adamw: learningRate must be a finite number >= 0 or a schedule, got NaN");
    expect(() => nn.lion({ learningRate: 1, b1: 1 })).toThrow("lion: b1 must be in [0, 1), got 1");
    expect(() => nn.rmsprop({ learningRate: 1, momentum: 1 })).toThrow("rmsprop: momentum must be in [0, 1), got 1");
    expect(() => nn.clipByGlobalNorm(0)).toThrow("clipByGlobalNorm: maxNorm must be positive, got 0");
    expect(() => nn.adagrad({ learningRate: 0.1 }).init({})).toThrow("adagrad.init: params must be a tensor or a pytree of tensors");
  });
});

describe("gradient transformations", () => {
  it("clipByGlobalNorm scales by maxNorm / ‖g‖ above maxNorm and keeps g below it", async () => {
    const g = { a: T2([3, 4]), b: T3([12, 0, 0]) }; // global norm 13
    expect((await settled(nn.globalNorm(g))).item()).toBeCloseTo(13, 6);
    for (const maxNorm of [6.5, 1, 13.5, 100]) {
      const t = nn.clipByGlobalNorm(maxNorm);
      const [u] = t.update(g, t.init(g));
      const f = 13 < maxNorm ? 1 : maxNorm / 13;
      expectClose([...await u.a.data(), ...await u.b.data()], [3, 4, 12, 0, 0].map((x) => x * f), 12);
    }
  });

  it("clip limits each element", async () => {
    const t = nn.clip(1);
    const g = { a: T3([0.5, -3, 2]) };
    expectClose([...await t.update(g, t.init(g))[0].a.data()], [0.5, -1, 1], 14);
  });

  it("chain applies its transformations in order and keeps a tuple of states", async () => {
    const g = { a: T2([0.75, -3]) };
    const clipThenScale = nn.chain(nn.clip(1), nn.scale(2));
    const scaleThenClip = nn.chain(nn.scale(2), nn.clip(1));
    expectClose([...await clipThenScale.update(g, clipThenScale.init(g))[0].a.data()], [1.5, -2], 14);
    expectClose([...await scaleThenClip.update(g, scaleThenClip.init(g))[0].a.data()], [1, -1], 14);
    // optax.adam is chain(scaleByAdam, scaleByLearningRate)
    const chained = nn.chain(nn.scaleByAdam({ b1: 0.8 }), nn.scaleByLearningRate(0.05));
    const s = chained.init(fromValues(p0));
    expect(s.length).toBe(2);
    expect((await settled(s[0].count)).item()).toBe(0);
    const direct = await run(nn.adam({ learningRate: 0.05, b1: 0.8 }));
    (await run(chained)).forEach((got, k) => expectClose(got, direct[k]!, 14));
    // with a schedule, scaleByLearningRate keeps its own count
    const sched = nn.chain(nn.scaleByAdam({ b1: 0.8 }), nn.scaleByLearningRate(nn.constantSchedule(0.05)));
    (await run(sched)).forEach((got, k) => expectClose(got, direct[k]!, 8));
    // clipping before AdamW (a transformer's usual stack)
    const clipped = nn.chain(nn.clipByGlobalNorm(0.5), nn.scaleByAdam(), nn.addDecayedWeights(0.1), nn.scaleByLearningRate(0.1));
    const st = perElement(() => ({ m: 0, v: 0 }));
    const norms = grads.map((g) => Math.sqrt(g.reduce((a, x) => a + x * x, 0)));
    const want = hand((p, g0, t, i) => {
      const g = g0 * Math.min(1, 0.5 / norms[t - 1]!);
      const s = st(i);
      s.m = 0.9 * s.m + 0.1 * g;
      s.v = 0.999 * s.v + 0.001 * g * g;
      return p - 0.1 * (s.m / (1 - 0.9 ** t) / (Math.sqrt(s.v / (1 - 0.999 ** t)) + 1e-8) + 0.1 * p);
    });
    (await run(clipped)).forEach((got, k) => expectClose(got, want[k]!, 12));
  });

  it("trace and scaleByRms, scaleByRss, scaleByLion compose as optax's aliases", async () => {
    const pairs: [nn.GradientTransformation, nn.GradientTransformation][] = [
      [nn.chain(nn.trace(0.9, true), nn.scaleByLearningRate(0.1)), nn.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })],
      [nn.chain(nn.scaleByRms({ decay: 0.7 }), nn.scaleByLearningRate(0.1), nn.trace(0.5)), nn.rmsprop({ learningRate: 0.1, decay: 0.7, momentum: 0.5 })],
      [nn.chain(nn.scaleByStddev(), nn.scaleByLearningRate(0.1)), nn.rmsprop({ learningRate: 0.1, centered: true })],
      [nn.chain(nn.scaleByRss(), nn.scaleByLearningRate(0.1)), nn.adagrad({ learningRate: 0.1 })],
      [nn.chain(nn.scaleByLion(), nn.addDecayedWeights(1e-3), nn.scaleByLearningRate(0.1)), nn.lion({ learningRate: 0.1 })],
    ];
    for (const [a, b] of pairs) {
      const rb = await run(b);
      (await run(a)).forEach((got, k) => expectClose(got, rb[k]!, 14));
    }
  });
});

describe("schedules equal optax's closed forms", () => {
  const at = async (s: nn.Schedule, t: number) => (await settled(s(tensor(t, "int32")))).item();
  const check = async (s: nn.Schedule, f: (t: number) => number, steps: number[]) => {
    for (const t of steps) {
      expect(await at(s, t), `step ${t}`).toBeCloseTo(f(t), 6);
      expect((await settled(s(t))).item(), `step ${t} as a number`).toBeCloseTo(f(t), 6);
    }
  };

  it("constantSchedule and linearSchedule (with transitionBegin, and transitionSteps <= 0)", async () => {
    await check(nn.constantSchedule(0.25), () => 0.25, [0, 7, 1000]);
    const lin = (t: number) => (t <= 5 ? 1 : t >= 15 ? 0.1 : 1 + ((0.1 - 1) * (t - 5)) / 10);
    await check(nn.linearSchedule({ initValue: 1, endValue: 0.1, transitionSteps: 10, transitionBegin: 5 }), lin, [0, 4, 5, 6, 10, 14, 15, 16, 100]);
    await check(nn.linearSchedule({ initValue: 3, endValue: 1, transitionSteps: 0 }), () => 3, [0, 1, 50]);
    // a negative transitionBegin counts as 0
    await check(nn.linearSchedule({ initValue: 1, endValue: 0, transitionSteps: 4, transitionBegin: -3 }), (t) => Math.max(0, 1 - t / 4), [0, 2, 4, 8]);
    const poly = (t: number) => (2 - 0.5) * (1 - Math.min(t, 8) / 8) ** 2 + 0.5;
    await check(nn.polynomialSchedule({ initValue: 2, endValue: 0.5, power: 2, transitionSteps: 8 }), poly, [0, 1, 4, 8, 9]);
  });

  it("cosineDecaySchedule (alpha, exponent) stays at alpha · initValue after decaySteps", async () => {
    for (const exponent of [1, 2]) {
      const f = (t: number) => 2 * ((1 - 0.1) * (0.5 * (1 + Math.cos((Math.PI * Math.min(t, 10)) / 10))) ** exponent + 0.1);
      await check(nn.cosineDecaySchedule({ initValue: 2, decaySteps: 10, alpha: 0.1, exponent }), f, [0, 1, 5, 9, 10, 11, 40]);
    }
    expect(() => nn.cosineDecaySchedule({ initValue: 1, decaySteps: 0 })).toThrow("cosineDecaySchedule: decaySteps must be positive, got 0");
  });

  it("warmupCosineDecaySchedule: linear warmup, then a cosine to endValue at decaySteps (warmup included)", async () => {
    const f = (t: number) => {
      if (t < 5) return 0.01 + ((1 - 0.01) * t) / 5;
      const k = Math.min(t - 5, 20);
      return 1 * ((1 - 0.1) * 0.5 * (1 + Math.cos((Math.PI * k) / 20)) + 0.1);
    };
    await check(nn.warmupCosineDecaySchedule({ initValue: 0.01, peakValue: 1, warmupSteps: 5, decaySteps: 25, endValue: 0.1 }), f, [0, 1, 4, 5, 6, 15, 24, 25, 26, 1000]);
    // no warmup: the cosine from step 0
    const g = (t: number) => 0.5 * 0.5 * (1 + Math.cos((Math.PI * Math.min(t, 10)) / 10));
    await check(nn.warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.5, warmupSteps: 0, decaySteps: 10 }), g, [0, 3, 10, 12]);
    expect(() => nn.warmupCosineDecaySchedule({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 10 })).toThrow(
      "warmupCosineDecaySchedule: decaySteps (10) must be larger than warmupSteps (10)",
    );
  });

  it("exponentialDecay: transitionBegin, staircase, endValue as a floor or a ceiling", async () => {
    const steps = [0, 1, 2, 3, 5, 6, 9, 10, 40];
    for (const staircase of [false, true]) {
      const e = (t: number) => (t - 2 <= 0 ? 1 : 0.5 ** (staircase ? Math.floor((t - 2) / 4) : (t - 2) / 4));
      await check(nn.exponentialDecay({ initValue: 1, transitionSteps: 4, decayRate: 0.5, transitionBegin: 2, staircase }), e, steps);
      await check(nn.exponentialDecay({ initValue: 1, transitionSteps: 4, decayRate: 0.5, transitionBegin: 2, staircase, endValue: 0.3 }), (t) => Math.max(e(t), 0.3), steps);
    }
    await check(nn.exponentialDecay({ initValue: 0.1, transitionSteps: 2, decayRate: 2, endValue: 0.5 }), (t) => Math.min(0.1 * 2 ** (t / 2), 0.5), [0, 1, 2, 4, 5, 20]);
    // as optax: transitionSteps <= 0 or decayRate 0 give the constant initValue
    await check(nn.exponentialDecay({ initValue: 0.7, transitionSteps: 0, decayRate: 0.5 }), () => 0.7, [0, 10]);
    await check(nn.exponentialDecay({ initValue: 0.7, transitionSteps: 3, decayRate: 0 }), () => 0.7, [0, 10]);
  });

  it("joinSchedules restarts each schedule's count at its boundary", async () => {
    const j = nn.joinSchedules([nn.constantSchedule(1), nn.linearSchedule({ initValue: 2, endValue: 0, transitionSteps: 4 }), nn.constantSchedule(5)], [3, 10]);
    await check(j, (t) => (t < 3 ? 1 : t < 10 ? Math.max(0, 2 - (t - 3) / 2) : 5), [0, 2, 3, 4, 7, 9, 10, 11]);
  });
});

describe("a jitted training step with a schedule", () => {
  it("traces once over many steps and follows the schedule", async () => {
    const sched = nn.warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.2, warmupSteps: 4, decaySteps: 20, endValue: 0.02 });
    const opt = nn.sgd({ learningRate: sched });
    const loss = (p: P) => mul(add(sum(square(p.w)), sum(square(p.b))), 0.5);
    const step = jit((p: P, s: nn.SgdState<P>) => {
      const [u, s2] = opt.update(grad((q: P) => loss(q))(p), s, p);
      return [nn.applyUpdates(p, u), s2] as const;
    });
    let p = fromValues(p0);
    let s = opt.init(p);
    const want = [...p0];
    for (let t = 0; t < 25; t++) {
      [p, s] = step(p, s) as [P, nn.SgdState<P>];
      // the gradient of Σ p²/2 is p: p ← p (1 - lr(t)), lr in float32 as the schedule computes it
      const lr = t < 4 ? (0.2 * t) / 4 : 0.2 * (0.9 * 0.5 * (1 + Math.cos((Math.PI * Math.min(t - 4, 16)) / 16)) + 0.1);
      want.forEach((x, i) => (want[i] = x * (1 - lr)));
    }
    expect(step.traceCount).toBe(1);
    expect((await settled(s.count)).item()).toBe(25);
    expectClose(await values(p), want, 5);
  });

  it("AdamW with a warmup-cosine schedule and clipping under jit traces once", async () => {
    const opt = nn.chain(
      nn.clipByGlobalNorm(1),
      nn.adamw({ learningRate: nn.warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.05, warmupSteps: 3, decaySteps: 30 }), weightDecay: 0.01, mask: { w: true, b: false } }),
    );
    const loss = (p: P) => add(sum(square(p.w)), sum(square(p.b)));
    type S = nn.OptState<typeof opt, P>;
    const step = jit((p: P, s: S) => {
      const [u, s2] = opt.update(grad(loss)(p), s, p);
      return [nn.applyUpdates(p, u), s2] as const;
    });
    let p = fromValues(p0);
    let s = opt.init(p);
    const eager: P[] = [];
    let pe = p, se = s;
    for (let t = 0; t < 30; t++) {
      [p, s] = step(p, s) as [P, S];
      const [u, s2] = opt.update(grad(loss)(pe), se, pe);
      [pe, se] = [nn.applyUpdates(pe, u), s2];
      eager.push(pe);
    }
    expect(step.traceCount).toBe(1);
    expect((await settled(s[1].count)).item()).toBe(30);
    // the schedule computes in float32 (optax's): eagerly that graph runs on the device, under jit inside the
    // float64 step on wasm, so on gpujs:webgpu the two see its cosine within the README's 2^-21, not equal
    expectClose(await values(p), await values(eager[29]!), testBackendName() === "gpujs:webgpu" ? 8 : 10);
    expect((await settled(loss(p))).item()).toBeLessThan((await settled(loss(fromValues(p0)))).item() / 2);
  });
});
