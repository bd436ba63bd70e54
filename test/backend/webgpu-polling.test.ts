/**
 * The `webgpu` package (dawn.node) waits for its promises by polling with setImmediate; shapegrad
 * makes a long wait poll on a timer instead of in a busy loop that takes a core from a software
 * adapter (webgpu-node.ts, calmPolling). Runs where an adapter answers (SwiftShader in CI).
 */
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { gpujsWebgpu } from "../../src/backend/gpujs/backend.js";
import { matmul, tensor } from "../../src/index.js";
import { defaultBackend, setBackend } from "../../src/runtime/registry.js";
import { rand } from "../kernels/data.js";

const webgpu = (await gpujsWebgpu.ready(4000)) === null;

it.runIf(/^(1|true)$/i.test(process.env["CI"] ?? ""))("has a WebGPU adapter under CI=true (these cases must not quietly vanish)", () => {
  expect(webgpu).toBe(true);
});

/** The package's polls: unnamed native functions with a prototype of their own (N-API's) */
const isPoll = (f: unknown) => typeof f === "function" && f.name === "" && Object.hasOwn(f, "prototype") && Function.prototype.toString.call(f) === "function () { [native code] }";

describe.runIf(webgpu)("the webgpu package's waits", () => {
  const saved = defaultBackend();
  afterEach(() => {
    setBackend(saved);
    vi.restoreAllMocks();
  });

  it("poll about once a millisecond through a long wait, not in a busy loop", async () => {
    setBackend("gpujs:webgpu");
    const a = tensor(rand(512 * 512, 1), [512, 512]);
    const b = tensor(rand(512 * 512, 2), [512, 512]);
    const f = () => matmul(matmul(matmul(a, b), b), b);
    await f().data(); // the shader built
    // every poll the package schedules while three matmuls 512 are computed and read
    let polls = 0;
    const calm = globalThis.setImmediate;
    vi.spyOn(globalThis, "setImmediate").mockImplementation(((g: (...x: unknown[]) => void, ...x: unknown[]) => {
      if (isPoll(g)) polls++;
      return calm(g, ...x);
    }) as typeof setImmediate);
    const t0 = performance.now();
    await f().data();
    const ms = performance.now() - t0;
    expect(polls).toBeGreaterThan(0);
    // (a busy loop polled 70-160 times a millisecond on SwiftShader; each wait's first 0.25 ms
    // polls at once, up to a few hundred times on a fast machine)
    expect(polls, `${polls} polls in ${ms.toFixed(1)} ms`).toBeLessThan(2 * ms + 1000);
  });

  it("leave other callbacks of setImmediate as they were: bound ones, resolve functions, util.promisify's form", async () => {
    // (the replacement is in place: webgpu-node.ts's `calm`)
    expect(globalThis.setImmediate.name).toBe("calm");
    // a loop of bound callbacks that schedule the next (native, but not the package's): 400 turns at once, not one a millisecond
    const t0 = performance.now();
    const handles: unknown[] = [];
    await new Promise<void>((done) => {
      let n = 0;
      function tick(this: null) {
        if (++n === 400) return done();
        handles.push(setImmediate(tick.bind(null)));
      }
      handles.push(setImmediate(tick.bind(null)));
    });
    expect(performance.now() - t0).toBeLessThan(200);
    expect(handles.every((h) => (h as object).constructor.name === "Immediate")).toBe(true);
    // a resolve function scheduled from within a bound callback
    await new Promise<void>((resolve) => setImmediate((() => setImmediate(resolve)).bind(null)));
    // clearImmediate still clears
    let ran = false;
    clearImmediate(setImmediate(() => (ran = true)));
    await promisify(setImmediate)();
    await promisify(setImmediate)();
    expect(ran).toBe(false);
    expect(await promisify(setImmediate)("value")).toBe("value");
  });
});
