/**
 * Choosing backends by name: gpu.js loaded on demand (useBackend, the async twin of setBackend),
 * the browser-only WebGL names failing in one line in Node, and arrays moving between backends
 * without a dataSync() error the caller never wrote. (Runs in the wasm project; the browser side
 * of initBackend's order is checked in Chromium by test/browser/.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { add, matmul, tanh, tensor, transpose } from "../../src/index.js";
import { defaultBackend, isGpuBackendName, loadGpuJs, setBackend, useBackend } from "../../src/runtime/registry.js";
import { gpujsWebgpu } from "../../src/backend/gpujs/backend.js";
import type { Backend } from "../../src/ir/backend.js";

let saved: Backend;
beforeEach(() => {
  saved = defaultBackend();
});
afterEach(() => {
  setBackend(saved);
  vi.restoreAllMocks();
});

describe("backend names", () => {
  it("every gpu.js name is a loaded backend of that name", async () => {
    const table = await loadGpuJs();
    for (const [name, b] of Object.entries(table)) {
      expect(isGpuBackendName(name)).toBe(true);
      expect(b.name).toBe(name);
    }
    expect(Object.keys(table).sort()).toEqual(["gpujs:cpu", "gpujs:headlessgl", "gpujs:webasm", "gpujs:webgl", "gpujs:webgl2", "gpujs:webgpu"]);
  });

  it("useBackend loads gpu.js, makes the backend the default and resolves to it", async () => {
    const b = await useBackend("gpujs:cpu");
    expect(b.name).toBe("gpujs:cpu");
    expect(defaultBackend()).toBe(b);
    expect(Array.from(await add(tensor([1, 2]), 1).data())).toEqual([2, 3]);
    expect((await useBackend("ref")).name).toBe("ref");
  });

  it("in Node, gpujs:webgl2 and gpujs:webgl reject in one line and leave the default as it was", async () => {
    setBackend("wasm");
    for (const name of ["gpujs:webgl2", "gpujs:webgl"] as const) {
      const e = await useBackend(name).then(
        () => null,
        (err: Error) => err,
      );
      expect(e?.message).toBe(`useBackend: ${name} cannot run here: ${name} runs in a browser; in Node, WebGL is gpujs:headlessgl (the optional \`gl\` package)`);
      expect(defaultBackend().name).toBe("wasm");
    }
  });

  it("an unknown name lists the backends", () => {
    expect(() => setBackend("gpujs:metal" as never)).toThrow(
      'setBackend: unknown backend "gpujs:metal" (available: ref, wasm, gpujs:webgpu, gpujs:webgl2, gpujs:webgl, gpujs:headlessgl, gpujs:webasm, gpujs:cpu)',
    );
  });
});

describe("moving arrays off an asynchronous backend", () => {
  it("says what happened (not dataSync), and moves once the array has been read", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    // without an adapter gpujs:webgpu computes on wasm, still answering asynchronously: the same
    // situation for the move as with one
    setBackend("gpujs:webgpu");
    const x = tensor([[1, 2], [3, 4]]);
    const t = tanh(matmul(x, transpose(x)));
    setBackend("wasm");
    expect(() => add(t, 1)).toThrow(
      /^shapegrad: an array computed on gpujs:webgpu, which reads results asynchronously, was used on wasm: `await t\.data\(\)` on it first \(then it moves\), or compute it on wasm$/,
    );
    const want = Array.from(await t.data(), (v) => v + 1);
    const got = Array.from(await add(t, 1).data());
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    expect(gpujsWebgpu.asyncOnly).toBe(true);
  });
});
