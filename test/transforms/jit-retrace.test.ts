/**
 * jit's plan cache and its checks at the call: the cache is bounded (LRU), a function that keeps
 * retracing is warned about once (naming the argument), arguments can be made static on purpose,
 * and a call with the wrong number of arguments fails at the call.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as sg from "../../src/index.js";
import { expectClose, f64, flat, errorOf, type T } from "./helpers.js";
import { float64Suite } from "../harness/backend.js";

// float64 throughout: on gpu.js these graphs run on wasm, by design
float64Suite();

type AnyFn = (...a: any[]) => any;
const S: any = sg;
const jit = sg.jit as unknown as (f: AnyFn, opts?: sg.JitOptions) => AnyFn & sg.Jitted<AnyFn>;

let warn: { mock: { calls: unknown[][] }; mockRestore(): void };
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());
// jit's own warnings (gpu.js also says, once, that float64 graphs run on wasm)
const jitWarnings = (): string[] => warn.mock.calls.map((c: unknown[]) => String(c[0])).filter((m) => m.startsWith("jit("));

describe("jit: the plan cache and retracing", () => {
  it("4,000 calls with a changing JS number: the cache stays bounded and one warning names the argument", async () => {
    // the held-out run: a step whose learning rate is a plain number that changes every call
    const step = jit(function step(w: T, lr: number) {
      return S.sub(w, S.mul(w, lr));
    });
    const w = f64([1, 2], [2]);
    let maxPlans = 0;
    // the heap once the caches below jit (kernels, 2,048 at most on wasm) are full, and at the end
    const gc = (globalThis as { gc?: () => void }).gc;
    const heap = () => (gc?.(), process.memoryUsage().heapUsed);
    let heapFull = 0;
    for (let i = 0; i < 4000; i++) {
      const lr = 0.01 / (1 + i);
      const out = step(w, lr);
      if (i % 997 === 0) await expectClose(out, [1 - lr, 2 - 2 * lr], { rtol: 1e-15 });
      maxPlans = Math.max(maxPlans, step.planCount);
      if (i === 2499) heapFull = heap();
    }
    // unbounded (PLAN_CACHE_SIZE 1e9), these 1,500 plans took about 15 MB; bounded, 0.1 MB
    if (gc) expect(heap() - heapFull).toBeLessThan(8e6);
    expect(step.traceCount).toBe(4000);
    expect(maxPlans).toBe(sg.PLAN_CACHE_SIZE);
    expect(step.planCount).toBe(sg.PLAN_CACHE_SIZE);
    expect(jitWarnings()).toHaveLength(1);
    const msg = jitWarnings()[0]!;
    expect(msg).not.toContain("\n");
    expect(msg).toContain(`jit(step): traced ${sg.RETRACE_WARNING + 1} times: argument 1 is a static value that keeps changing`);
    expect(msg).toContain("pass it as a scalar tensor");
  });

  it("the same loop with the number as a scalar tensor traces once", () => {
    const step = jit((w: T, lr: T) => S.sub(w, S.mul(w, lr)));
    const w = f64([1, 2], [2]);
    for (let i = 0; i < 200; i++) step(w, f64([0.01 / (1 + i)], []));
    expect(step.traceCount).toBe(1);
    expect(jitWarnings()).toHaveLength(0);
  });

  it("least recently used plans go first; a recent signature is not retraced", async () => {
    const f = jit((x: T, k: number) => S.mul(x, k));
    const x = f64([1], [1]);
    f(x, 0);
    for (let k = 1; k < sg.PLAN_CACHE_SIZE + 10; k++) {
      f(x, 0); // keeps k = 0 recent
      f(x, k);
    }
    const n = f.traceCount;
    await expectClose(f(x, 0), [0]);
    expect(f.traceCount).toBe(n);
    await expectClose(f(x, 1), [1]); // long evicted: traced again
    expect(f.traceCount).toBe(n + 1);
  });

  it("the warning names the pytree path of a changing leaf, or the argument whose shape changes", () => {
    const f = jit(function update(p: { w: T; opt: { lr: number } }, x: T) {
      return S.mul(S.add(p.w, x), p.opt.lr);
    });
    const x = f64([1, 2], [2]);
    for (let i = 0; i <= sg.RETRACE_WARNING; i++) f({ w: x, opt: { lr: i } }, x);
    expect(jitWarnings()).toHaveLength(1);
    expect(jitWarnings()[0]).toContain("argument 0 at .opt.lr is a static value that keeps changing (31, then 32)");
    const g = jit(function grow(x: T) {
      return S.sum(x);
    });
    for (let n = 1; n <= sg.RETRACE_WARNING + 5; n++) g(f64(new Float64Array(n), [n]));
    expect(jitWarnings()).toHaveLength(2);
    expect(jitWarnings()[1]).toContain("the shape of argument 0 keeps changing");
  });
});

describe("jit: static arguments on purpose", () => {
  class Config {
    constructor(readonly scale: number) {}
  }

  it("staticArgnums: strings, config objects and class instances are passed as they are", async () => {
    const f = jit((x: T, mode: string, cfg: { scale: number; act: string }, c: Config) => {
      const y = mode === "double" ? S.mul(x, 2) : x;
      return S.mul(cfg.act === "neg" ? S.neg(y) : y, cfg.scale * c.scale);
    }, { staticArgnums: [1, 2, 3] });
    const x = f64([1, 2], [2]);
    const c = new Config(10);
    await expectClose(f(x, "double", { scale: 3, act: "id" }, c), [60, 120]);
    // a config with the same contents (a new object) reuses the plan; the class instance is keyed by identity
    await expectClose(f(x, "double", { scale: 3, act: "id" }, c), [60, 120]);
    expect(f.traceCount).toBe(1);
    await expectClose(f(x, "double", { scale: 3, act: "neg" }, c), [-60, -120]);
    await expectClose(f(x, "same", { scale: 3, act: "id" }, c), [30, 60]);
    await expectClose(f(x, "same", { scale: 3, act: "id" }, new Config(1)), [3, 6]);
    expect(f.traceCount).toBe(4);
  });

  it("staticArgnums refuses a tensor, and positions outside f's arity", () => {
    const f = jit((x: T, k: unknown) => S.mul(x, 2), { staticArgnums: 1 });
    const x = f64([1], [1]);
    expect(errorOf(() => f(x, x))).toBe(
      "jit: static argument 1 holds a tensor; static values are compared by value at every call, so pass tensors as ordinary (traced) arguments",
    );
    expect(errorOf(() => jit(function g(x: T) { return x; }, { staticArgnums: 1 }))).toBe("jit(g): staticArgnums 1 is out of range: g takes 1 argument");
  });

  it("staticArgnames: keys of the options object f takes last", async () => {
    let traces = 0;
    const f = jit((x: T, opts: { act: (t: T) => T; scale: T }) => {
      traces++;
      return S.mul(opts.act(x), opts.scale);
    }, { staticArgnames: ["act"] });
    const x = f64([1, 2], [2]);
    // act is a function (static by identity), scale a traced tensor: a new scale does not retrace
    await expectClose(f(x, { act: S.neg, scale: f64([2], []) }), [-2, -4]);
    await expectClose(f(x, { act: S.neg, scale: f64([3], []) }), [-3, -6]);
    expect(traces).toBe(1);
    await expectClose(f(x, { act: S.exp, scale: f64([1], []) }), (await flat(x)).map(Math.exp), { rtol: 1e-12 });
    expect(traces).toBe(2);
    expect(errorOf(() => f(x, x))).toBe("jit(f): staticArgnames names keys of the options object f takes last, but its last argument is a tensor");
  });
});

describe("jit: arity at the call", () => {
  const x = f64([1, 2], [2]);

  it("too few and too many arguments are errors naming the arity", async () => {
    const f = jit(function f(a: T, b: T) {
      return S.add(a, b);
    });
    expect(errorOf(() => (f as AnyFn)(x))).toBe("jit(f): f takes 2 arguments, got 1");
    expect(errorOf(() => (f as AnyFn)(x, x, x))).toBe("jit(f): f takes 2 arguments, got 3");
    await expectClose(f(x, x), [2, 4]);
    // an arrow passed straight to jit has no name: it is "f" in the messages
    const one = jit((a: T) => S.neg(a));
    expect(errorOf(() => (one as AnyFn)())).toBe("jit(f): f takes 1 argument, got 0");
  });

  it("default and rest parameters", async () => {
    const d = jit(function d(a: T, b: T, k = 2) {
      return S.mul(S.add(a, b), k);
    });
    await expectClose(d(x, x), [4, 8]);
    await expectClose(d(x, x, 3), [6, 12]);
    expect(errorOf(() => (d as AnyFn)(x))).toBe("jit(d): d takes 2 to 3 arguments, got 1");
    expect(errorOf(() => (d as AnyFn)(x, x, 3, 4))).toBe("jit(d): d takes 2 to 3 arguments, got 4");
    const r = jit(function r(a: T, ...more: T[]) {
      return more.reduce((s: T, m: T) => S.add(s, m), a);
    });
    await expectClose(r(x, x, x), [3, 6]);
    expect(errorOf(() => (r as AnyFn)())).toBe("jit(r): r takes at least 1 argument, got 0");
    // a bound function's source is not readable: only the least count is checked
    const b = jit(function (this: unknown, a: T, c: T) {
      return S.add(a, c);
    }.bind(null));
    expect(errorOf(() => (b as AnyFn)(x))).toBe("jit(f): f takes at least 2 arguments, got 1");
    // parameters with destructuring, defaults holding commas and parentheses, comments
    const p = jit((a: T, { s }: { s: number } = { s: 1 }, /* c, d */ q = Math.max(1, 2)) => S.mul(a, s * q));
    await expectClose(p(x, { s: 3 }), [6, 12]);
    expect(errorOf(() => (p as AnyFn)(x, { s: 1 }, 1, 1))).toBe("jit(f): f takes 1 to 3 arguments, got 4");
  });
});

describe("jit: review fixes", () => {
  it("a changing string gets advice that can work, and the warning names the function (no raw template)", () => {
    const f = jit(function tag(x: T, id: string) {
      return S.mul(x, id.length);
    });
    const x = f64([1, 2], [2]);
    for (let i = 0; i < 40; i++) f(x, `id${i}`);
    const w = jitWarnings();
    expect(w.length).toBe(1);
    expect(w[0]).toContain("keep it the same from call to call");
    expect(w[0]).not.toContain("tensor(x)");
    expect(w[0]).not.toContain("${");
  });
  it("staticArgnames with the options object left out (a default parameter) runs", async () => {
    const f = jit((x: T, o: { mode: string } = { mode: "double" }) => S.mul(x, o.mode === "double" ? 2 : 3), { staticArgnames: ["mode"] } as never);
    const x = f64([1, 2], [2]);
    expect(await flat(f(x))).toEqual([2, 4]);
    expect(await flat(f(x, { mode: "triple" }))).toEqual([3, 6]);
  });
  it("a function that reads `arguments` is not held to its declared parameters", async () => {
    const f = jit(function () {
      // eslint-disable-next-line prefer-rest-params
      return S.add(arguments[0], arguments[1]);
    });
    expect(await flat(f(f64([1], [1]), f64([2], [1])))).toEqual([3]);
  });
});
