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

const native = (f: unknown) => typeof f === "function" && Function.prototype.toString.call(f).endsWith("{ [native code] }");

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
    await matmul(a, b).data(); // the shader built
    // every poll the package schedules (a native callback) while one matmul 512 is computed and read
    let polls = 0;
    const calm = globalThis.setImmediate;
    vi.spyOn(globalThis, "setImmediate").mockImplementation(((f: (...x: unknown[]) => void, ...x: unknown[]) => {
      if (native(f)) polls++;
      return calm(f, ...x);
    }) as typeof setImmediate);
    const t0 = performance.now();
    await matmul(a, b).data();
    const ms = performance.now() - t0;
    expect(polls).toBeGreaterThan(0);
    // (a busy loop polls every 10-20 µs: 50-100 times a millisecond)
    expect(polls, `${polls} polls in ${ms.toFixed(1)} ms`).toBeLessThan(2 * ms + 100);
  });

  it("leave other callbacks of setImmediate as they were, util.promisify's form too", async () => {
    let ran = false;
    const handle = setImmediate(() => (ran = true));
    expect(handle.constructor.name).toBe("Immediate");
    await promisify(setImmediate)();
    expect(ran).toBe(true);
    expect(await promisify(setImmediate)("value")).toBe("value");
  });
});
