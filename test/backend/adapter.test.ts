/**
 * Software adapters are not a GPU: initBackend() skips a WebGPU adapter that is a CPU
 * implementation (isFallbackAdapter, or SwiftShader/llvmpipe by name: 30-200x slower than wasm)
 * unless asked (allowSoftwareAdapter, or SHAPEGRAD_BACKEND=gpujs:webgpu). The adapters here are
 * stand-ins for navigator.gpu; the last test uses the real one when this machine has it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { initBackend } from "../../src/runtime/init.js";
import { defaultBackend, setBackend } from "../../src/runtime/registry.js";
import { probeWebGPU, resetWebGPUProbe } from "../../src/backend/gpujs/webgpu-node.js";
import type { Backend } from "../../src/ir/backend.js";

const fake = (info: object, isFallbackAdapter?: boolean) => ({
  requestAdapter: async () => ({ info, isFallbackAdapter, limits: { maxStorageBuffersPerShaderStage: 10 }, requestDevice: async () => ({}) }),
});

let saved: Backend;
let env: string | undefined;
let nav: PropertyDescriptor | undefined;
beforeEach(() => {
  saved = defaultBackend();
  env = process.env["SHAPEGRAD_BACKEND"];
  nav = Object.getOwnPropertyDescriptor(globalThis, "navigator");
  resetWebGPUProbe();
});
afterEach(() => {
  setBackend(saved);
  if (env === undefined) delete process.env["SHAPEGRAD_BACKEND"];
  else process.env["SHAPEGRAD_BACKEND"] = env;
  if (nav) Object.defineProperty(globalThis, "navigator", nav);
  else delete (globalThis as { navigator?: unknown }).navigator;
  resetWebGPUProbe();
  vi.restoreAllMocks();
});

const withGpu = (gpu: object) => Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });

describe("the adapter probe tells a software adapter from a GPU", () => {
  it("by isFallbackAdapter (adapter.info's, as Dawn 0.6.2 sets it, or the adapter's)", async () => {
    withGpu(fake({ vendor: "google", architecture: "swiftshader", description: "SwiftShader driver", isFallbackAdapter: true }));
    expect(await probeWebGPU(2000)).toEqual({ ok: true, adapter: "google swiftshader SwiftShader driver", software: true, maxStorageBuffers: 10, subgroups: false });
    resetWebGPUProbe();
    withGpu(fake({ vendor: "acme", architecture: "x", description: "a" }, true));
    expect(await probeWebGPU(2000)).toMatchObject({ ok: true, software: true });
  });

  it("says whether the adapter has subgroups, and the devices made from it then ask for them", async () => {
    const asked: { requiredFeatures?: readonly string[]; requiredLimits?: Record<string, number> }[] = [];
    const adapter = (features: string[]) => ({
      info: { vendor: "google", architecture: "swiftshader", description: "", isFallbackAdapter: true },
      features: new Set(features),
      limits: { maxStorageBuffersPerShaderStage: 10 },
      requestDevice: async (d: (typeof asked)[number]) => void asked.push(d),
    });
    for (const features of [["subgroups", "timestamp-query"], ["timestamp-query"]]) {
      resetWebGPUProbe();
      const gpu = { requestAdapter: async () => adapter(features) };
      withGpu(gpu);
      expect(await probeWebGPU(2000)).toMatchObject({ ok: true, subgroups: features.includes("subgroups") });
      // as gpu.js asks for its device: a limit of its own, no features
      const a = (await gpu.requestAdapter()) as unknown as { requestDevice(d: object): Promise<unknown> };
      await a.requestDevice({ requiredLimits: { maxBufferSize: 4 } });
      expect(asked.pop()).toEqual({ requiredLimits: { maxBufferSize: 4, maxStorageBuffersPerShaderStage: 10 }, requiredFeatures: features.includes("subgroups") ? ["subgroups"] : [] });
    }
  });

  it("by name where the flag is missing (llvmpipe), and a hardware adapter is not one", async () => {
    withGpu(fake({ vendor: "mesa", architecture: "", description: "llvmpipe (LLVM 15.0.6, 256 bits)" }));
    expect(await probeWebGPU(2000)).toMatchObject({ ok: true, software: true });
    resetWebGPUProbe();
    withGpu(fake({ vendor: "nvidia", architecture: "hopper", description: "NVIDIA H200", isFallbackAdapter: false }));
    expect(await probeWebGPU(2000)).toMatchObject({ ok: true, software: false, adapter: "nvidia hopper NVIDIA H200" });
  });
});

describe("initBackend and a software adapter", () => {
  it("skips it for wasm by default and says so in one line; allowSoftwareAdapter takes it", async (ctx) => {
    delete process.env["SHAPEGRAD_BACKEND"];
    const probe = await probeWebGPU(60_000);
    // the real adapter of this machine (SwiftShader in CI); without one the stand-in tests above cover the probe
    if (!probe.ok || !probe.software) return ctx.skip();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect((await initBackend({ timeoutMs: 60_000 })).name).toBe("wasm");
    const lines = warn.mock.calls.map((c) => String(c[0]));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^shapegrad: gpujs:webgpu: the WebGPU adapter \(.*\) is a software one, slower than wasm \(initBackend\(\{ allowSoftwareAdapter: true \}\) or SHAPEGRAD_BACKEND=gpujs:webgpu takes it\); using wasm$/);
    expect((await initBackend({ timeoutMs: 60_000, allowSoftwareAdapter: true })).name).toBe("gpujs:webgpu");
    setBackend("wasm");
    process.env["SHAPEGRAD_BACKEND"] = "gpujs:webgpu";
    expect((await initBackend({ timeoutMs: 60_000 })).name).toBe("gpujs:webgpu");
  });
});
