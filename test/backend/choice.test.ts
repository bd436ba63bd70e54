/**
 * Choosing the backend (runtime/registry.ts, runtime/init.ts): the last choice made wins even when
 * an earlier asynchronous one finishes after it; `prefer` falls through to the automatic order;
 * each distinct fallback line is told once; backendAvailable answers without choosing; an array
 * on an asynchronous backend moves only once read, the same way every time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { add, backendAvailable, backendNames, defaultBackend, initBackend, setBackend, tensor, useBackend } from "../../src/index.js";
import type { Backend } from "../../src/ir/backend.js";

let saved: Backend;
let env: string | undefined;
beforeEach(() => {
  saved = defaultBackend();
  env = process.env["SHAPEGRAD_BACKEND"];
  delete process.env["SHAPEGRAD_BACKEND"];
});
afterEach(() => {
  setBackend(saved);
  if (env === undefined) delete process.env["SHAPEGRAD_BACKEND"];
  else process.env["SHAPEGRAD_BACKEND"] = env;
  vi.restoreAllMocks();
});

describe("the last choice wins", () => {
  it("a setBackend made while useBackend waits stays", async () => {
    const p = useBackend("gpujs:cpu");
    setBackend("ref");
    expect((await p).name).toBe("gpujs:cpu");
    expect(defaultBackend().name).toBe("ref");
    // and without a later choice, useBackend's stands
    await useBackend("gpujs:cpu");
    expect(defaultBackend().name).toBe("gpujs:cpu");
  });

  it("a setBackend made while initBackend probes stays", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const p = initBackend({ prefer: "gpujs:cpu", timeoutMs: 500 });
    setBackend("ref");
    await p;
    expect(defaultBackend().name).toBe("ref");
    expect((await initBackend({ prefer: "gpujs:cpu", timeoutMs: 500 })).name).toBe("gpujs:cpu");
  });
});

describe("initBackend({ prefer })", () => {
  it("falls through to the automatic order, saying why, each distinct line once", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const b = await initBackend({ prefer: "gpujs:webgl2", timeoutMs: 500 });
    // Node's automatic order is WebGPU (here none, or a software adapter: skipped), then wasm
    expect(b.name).toBe("wasm");
    await initBackend({ prefer: "gpujs:webgl2", timeoutMs: 500 });
    await initBackend({ prefer: "gpujs:webgl", timeoutMs: 500 });
    const lines = warn.mock.calls.map((c) => String(c[0]));
    expect(lines).toHaveLength(2);
    for (const [i, name] of (["gpujs:webgl2", "gpujs:webgl"] as const).entries()) {
      expect(lines[i]).toMatch(
        new RegExp(`^shapegrad: ${name} \\(preferred\\): ${name} runs in a browser; in Node, WebGL is gpujs:headlessgl \\(the optional \`gl\` package\\); gpujs:webgpu: .*; using wasm$`),
      );
    }
  });

  it("takes the preferred backend when it runs", async () => {
    expect((await initBackend({ prefer: "ref" })).name).toBe("ref");
    expect((await initBackend({ prefer: "gpujs:cpu" })).name).toBe("gpujs:cpu");
  });
});

describe("backendAvailable", () => {
  it("says null or why not, without changing the default", async () => {
    setBackend("ref");
    expect(await backendAvailable("wasm")).toBeNull();
    expect(await backendAvailable("gpujs:cpu")).toBeNull();
    expect(await backendAvailable("gpujs:webgl2")).toBe("gpujs:webgl2 runs in a browser; in Node, WebGL is gpujs:headlessgl (the optional `gl` package)");
    expect(await backendAvailable("gpujs:metal" as never)).toMatch(/^unknown backend "gpujs:metal" \(available: ref, wasm, gpujs:webgpu/);
    expect(defaultBackend().name).toBe("ref");
    expect(backendNames).toEqual(["ref", "wasm", "gpujs:webgpu", "gpujs:webgl2", "gpujs:webgl", "gpujs:headlessgl", "gpujs:webasm", "gpujs:cpu"]);
  });
});

describe("moving an array off an asynchronous backend", () => {
  it("fails the same way until the array is read, however long one waits", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    setBackend("gpujs:webgpu");
    const t = add(tensor([1, 2, 3]), 1);
    setBackend("wasm");
    expect(() => add(t, 1)).toThrow(/was used on wasm: `await t\.data\(\)` on it first/);
    await new Promise((r) => setTimeout(r, 100));
    expect(() => add(t, 1)).toThrow(/was used on wasm: `await t\.data\(\)` on it first/);
    expect(Array.from(await t.data())).toEqual([2, 3, 4]);
    expect(Array.from(await add(t, 1).data())).toEqual([3, 4, 5]);
  });
});
