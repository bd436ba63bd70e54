/**
 * The gpu.js backends: one per gpu.js mode (`gpujs:webgpu`, `gpujs:headlessgl`, `gpujs:webasm`,
 * `gpujs:cpu`). The backend gets the same kernel program (ir/kernel.ts) as the wasm backend, and
 * each kernel — elementwise (views and masked views included), reduction, contraction — becomes
 * one generated gpu.js kernel (gpujs/codegen.ts), cached by its source (which spells out the
 * shapes, strides and offsets); a contraction takes in the copies before it and the elementwise
 * kernel after it where it can (gpujs/contraction.ts). On webgpu a float32 contraction is instead
 * a WGSL shader of shapegrad's own dispatched on gpu.js's own device, its result under gpu.js's
 * own buffer handle (gpujs/wgsl-matmul.ts, its epilogue in it where it fits), and so are float32
 * elementwise kernels and reductions of 2^14 elements or more (gpujs/wgsl-elementwise.ts). Plans
 * are cached per program; eager ops are one-equation programs, so they reuse kernels too.
 *
 * Residency: an array lives on the device between kernels and is read back only when asked
 * (toHost / toHostSync). Every kernel runs with `pipeline: true, immutable: true`: on webgpu its
 * result is a GPU buffer handle that the next kernel binds directly (no readback), on webasm and
 * cpu a fresh Float32Array (those modes have no device memory to keep things in). Host arrays are
 * uploaded once, on first use, and the upload is kept with the array.
 *
 * Reads: webgpu can only read asynchronously, so every result there is a promise underneath;
 * `await t.data()` works everywhere and `dataSync()`/`toArray()` throw on webgpu (unless the array
 * was already read). The other modes read synchronously.
 *
 * Never a wrong answer: gpu.js computes in float32, so int32 values live on the device as exact
 * floats (below 2^24) and bools as 0/1. A program with a float64 buffer, a kernel gpu.js cannot
 * express exactly (arrays past webasm's 2^24 exact index range, an int32 past 2^24) or a kernel
 * that fails to build runs whole on the wasm backend instead, and the backend says so once per
 * reason (`stats.hostGraphs`). Opaque kernels (primitives without a lowering) run on the host
 * between kernels (`stats.hostSteps`). A mode that is unusable here (no WebGPU adapter, no `gl`
 * package) computes everything on the wasm backend and says why, once.
 */
import gpujs from "gpu.js";
import { sizeOf, type AbstractValue } from "../../ir/aval.js";
import { allocate } from "../../ir/dtype.js";
import type { DeviceArray } from "../../ir/device.js";
import type { KernelBackend } from "../../ir/backend.js";
import { HostArray } from "../../ir/host-array.js";
import { isBitwise, topo, type Kernel, type Program } from "../../ir/kernel.js";
import { wasmBackend } from "../wasm/backend.js";
import { LruCache } from "../cache.js";
import { SHADER, generate, generateContraction, type GpuMode, type KernelSource } from "./codegen.js";
import { BLOCKED_MODES, planContractions, type PlanStep } from "./contraction.js";
import { hasInt32, resultBound } from "./int-bounds.js";
import { hoistSpecials } from "./specials.js";
import { shaderForms } from "./shader-forms.js";
import { splitWide } from "./split.js";
import { probeWebGPU } from "./webgpu-node.js";
import { HARDWARE_TILES, quadCheck, SOFTWARE_TILES, wgslContraction, type Tile, type WgslContraction, type WgslKernel } from "./wgsl-matmul.js";
import { wgslElementwise, wgslReduce } from "./wgsl-elementwise.js";
import { provideGpuJs } from "./loaded.js";

const { GPU } = gpujs as unknown as { GPU: new (settings: { mode: string }) => GpuInstance };

interface GpuInstance {
  createKernel(fn: (...args: never[]) => unknown, settings: object): KernelFn;
}
type KernelFn = ((...args: unknown[]) => unknown) & { kernel?: { constructor: { mode?: string; name: string }; fallbackReason?: string | null } };
/** A device buffer: a Float32Array (webasm, cpu), a GL texture or a WebGPU buffer handle. */
type DevBuf = Float32Array | { toArray(): Float32Array | Promise<Float32Array>; delete(): void };

// ---------------------------------------------------------------------------------------------
// values that may be promises (webgpu) or plain values (every other mode)

type MaybeP<T> = T | Promise<T>;
const isPromise = <T>(x: MaybeP<T>): x is Promise<T> => x instanceof Promise;
function then<T, U>(x: MaybeP<T>, f: (t: T) => MaybeP<U>): MaybeP<U> {
  return isPromise(x) ? x.then(f) : f(x);
}
/** The constants of the graphs a program's host steps run (fusion.ts). */
const opaqueConsts = (p: Program): DeviceArray[] => p.kernels.flatMap((k) => (k.kind === "opaque" ? (k.consts ?? []) : []));

function all<T>(xs: readonly MaybeP<T>[]): MaybeP<T[]> {
  return xs.some(isPromise) ? Promise.all(xs) : (xs as T[]);
}

/** An array on a gpu.js backend: a host copy, a device copy, or both (each possibly pending). */
export class GpuJsArray implements DeviceArray {
  host: MaybeP<HostArray> | null = null;
  dev: MaybeP<DevBuf> | null = null;
  /** webgpu: the array this one will be, once the adapter probe and the kernels have settled */
  fwd: Promise<GpuJsArray> | null = null;
  /** int32 and bool: a bound on |value| (int-bounds.ts); undefined until known */
  bound: number | undefined = undefined;
  /** webgpu: settles when `bound` is known (it waited for an input's), rejects when it cannot be kept */
  boundP: Promise<void> | null = null;
  constructor(
    readonly aval: AbstractValue,
    readonly backend: GpuJsBackend,
  ) {}
}

/** What a gpu.js backend has done, for tests and benchmarks. */
export interface GpuJsStats {
  /** kernels generated and handed to gpu.js (each builds on its first call), and WGSL pipelines built (webgpu) */
  kernels: number;
  /** kernel calls */
  launches: number;
  /** opaque steps (primitives without a lowering) run on the host between kernels */
  hostSteps: number;
  /** programs run whole on the wasm backend (float64, unsupported kernels, unusable mode) */
  hostGraphs: number;
  uploads: number;
  readbacks: number;
  /** webgpu: launches that were contractions run as WGSL shaders (wgsl-matmul.ts), among `launches` */
  wgsl: number;
  /** webgpu, a software adapter: those that ran with the larger tile (`wgslTiles`), among `wgsl` */
  wgslLarge: number;
  /** webgpu, a software adapter: those of kernels whose quads of invocations share their loads (`wgslQuads`), among `wgsl` */
  wgslQuads: number;
  /** webgpu: launches that were elementwise kernels or reductions run as WGSL shaders (wgsl-elementwise.ts), among `wgsl` */
  wgslElementwise: number;
}

type CStep =
  /** `fn` is created on first launch (a webgpu kernel only after the adapter probe) */
  | {
      readonly kind: "kernel";
      readonly out: number;
      readonly src: KernelSource;
      fn: KernelFn | null;
      /** the kernel, when it computes int32 values (their bound is checked before each launch) */
      readonly int32: Kernel | null;
    }
  | { readonly kind: "host"; readonly out: number; readonly ins: readonly number[]; readonly run: (hs: readonly HostArray[]) => HostArray; readonly consts: readonly DeviceArray[] }
  /** webgpu: a contraction (`form`) or an elementwise kernel (null) as a WGSL shader on gpu.js's device */
  | { readonly kind: "wgsl"; readonly out: number; readonly src: WgslKernel; readonly form: WgslForm | null };

/**
 * A WGSL contraction's form: `soft`, a software adapter's (`wgslTiles`, `wgslQuads`), not a GPU's;
 * `larger` where its tile is larger than a GPU's.
 */
interface WgslForm {
  readonly soft: boolean;
  readonly larger: boolean;
  readonly tile: Tile;
  /** the workgroup's shape (x, y) */
  readonly group: readonly [number, number];
  readonly quads: boolean;
}

/** The buffers a step reads. */
const argsOf = (s: CStep): readonly number[] => (s.kind === "host" ? s.ins : s.src.args);

interface Compiled {
  /** the program as it runs here: its non-finite constants read from buffers (specials.ts) */
  readonly program: Program;
  /** those buffers, uploaded on first use */
  readonly consts: readonly { readonly buffer: number; readonly value: HostArray; array?: GpuJsArray }[];
  /** why the program runs on the wasm backend instead, or null */
  host: string | null;
  readonly steps: readonly CStep[];
  /** per step: the buffers whose last use it is (webgpu frees them after it) */
  readonly dies: readonly (readonly number[])[];
}

const finalizer =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<MaybeP<DevBuf>>((d) => {
        // a buffer that never came (its kernel failed, the call ran again) has nothing to delete
        void Promise.resolve(d).then(
          (b) => {
            if (!(b instanceof Float32Array)) b.delete();
          },
          () => {},
        );
      })
    : null;

export class GpuJsBackend implements KernelBackend {
  readonly kind = "kernels";
  readonly name: string;
  /** Reads are asynchronous (webgpu): dataSync()/toArray() throw, `await t.data()` works. */
  readonly asyncOnly: boolean;
  readonly stats: GpuJsStats = { kernels: 0, launches: 0, hostSteps: 0, hostGraphs: 0, uploads: 0, readbacks: 0, wgsl: 0, wgslLarge: 0, wgslQuads: 0, wgslElementwise: 0 };
  private gpu: GpuInstance | null = null;
  private readonly kernels = new LruCache<string, KernelFn>(1024);
  private readonly plans = new WeakMap<Program, Compiled>();
  private readonly said = new Set<string>();
  private readiness: Promise<string | null> | null = null;
  /** why this mode cannot run here (checked synchronously for the sync modes) */
  private unusable: string | null | undefined = undefined;
  /**
   * webgpu: the most distinct buffers one kernel may read: the device's storage buffers per stage
   * less the result's; WebGPU's default 8 until the adapter says more (split.ts)
   */
  private maxInputs = 7;
  /** one copy kernel per array length (webgpu): bounded like the other kernel caches */
  private uploadKernels = new LruCache<number, KernelFn>(256);
  /**
   * webgpu: run float32 contractions as WGSL shaders (wgsl-matmul.ts) where they apply, else as
   * gpu.js kernels; read when a program is first compiled (for tests and benchmarks)
   */
  wgslContractions = true;
  /**
   * webgpu: run float32 elementwise kernels as WGSL shaders (wgsl-elementwise.ts) where they apply,
   * else as gpu.js kernels; read when a program is first compiled (for tests and benchmarks)
   */
  wgslElementwise = true;
  /**
   * webgpu: compute pipelines of the WGSL kernels, by source, with the device they were built on;
   * `failed` once one did not build, validate or fit (its contraction is a gpu.js kernel from
   * then on, or takes a GPU's form where a software adapter's failed)
   */
  private pipelines = new LruCache<string, Pipeline>(1024);
  /** webgpu: the device's workgroups per dim (maxComputeWorkgroupsPerDimension), read on each WGSL dispatch; WebGPU's default before the first */
  private deviceWorkgroups = 65535;
  /** webgpu: a lower cap on a WGSL kernel's workgroups per dim than the device's (for tests) */
  wgslWorkgroupCap = Infinity;
  /**
   * webgpu: the WGSL kernels' tile shapes (wgsl-matmul.ts), a software adapter's once the probe
   * says it is one; read when a program is first compiled (tests set it)
   */
  wgslTiles: readonly Tile[] = HARDWARE_TILES;
  /**
   * webgpu: whether WGSL contractions share loads among quads of invocations (wgsl-matmul.ts): on a
   * software adapter with subgroups, once the probe says so; read when a program is first compiled.
   * Each device is checked first, per workgroup shape, for quads of consecutive invocations (`quadsOn`).
   */
  wgslQuads = false;
  /** webgpu: per device and workgroup shape, why its quads cannot be used, or null (the check's answer) */
  private quadChecks = new WeakMap<object, Map<string, Promise<string | null>>>();

  constructor(readonly mode: GpuMode) {
    this.name = `gpujs:${mode}`;
    this.asyncOnly = mode === "webgpu";
  }

  /**
   * Resolves once the mode is known to work here, or with the reason it does not (then every
   * graph runs on the wasm backend). For webgpu this installs `navigator.gpu` from the `webgpu`
   * package in Node when needed and asks for an adapter, time-boxed; the other modes answer at once.
   */
  ready(timeoutMs = 4000): Promise<string | null> {
    if (this.readiness) return this.readiness;
    if (this.mode !== "webgpu") return (this.readiness = Promise.resolve(this.syncUnusable()));
    this.readiness = probeWebGPU(timeoutMs).then(async (r) => {
      this.unusable = r.ok ? null : r.reason;
      if (r.ok) this.maxInputs = r.maxStorageBuffers - 1;
      if (r.ok && r.software) this.wgslTiles = SOFTWARE_TILES;
      if (r.ok && r.software && r.subgroups) this.wgslQuads = true;
      return this.unusable;
    });
    return this.readiness;
  }

  private syncUnusable(): string | null {
    if (this.unusable !== undefined) return this.unusable;
    const G = GPU as unknown as Record<string, boolean>;
    switch (this.mode) {
      case "cpu":
        this.unusable = null;
        break;
      case "webasm":
        this.unusable = G["isWebAssemblySupported"] ? null : "WebAssembly is not available";
        break;
      case "headlessgl":
        this.unusable = G["isHeadlessGLSupported"]
          ? null
          : inNode()
            ? "headless GL is not available (the optional `gl` package is not installed or does not load)"
            : "headless GL is for Node; in a browser, WebGL is gpujs:webgl2 or gpujs:webgl";
        break;
      case "webgl2":
      case "webgl":
        this.unusable = G[this.mode === "webgl2" ? "isWebGL2Supported" : "isWebGLSupported"]
          ? null
          : inNode()
            ? `${this.name} runs in a browser; in Node, WebGL is gpujs:headlessgl (the optional \`gl\` package)`
            : `this browser has no ${this.mode === "webgl2" ? "WebGL2" : "WebGL"}`;
        break;
      case "webgpu":
        this.unusable = "call `await ready()` first";
        break;
    }
    return this.unusable!;
  }

  private say(reason: string): void {
    if (this.said.has(reason)) return;
    this.said.add(reason);
    console.warn(`shapegrad: ${this.name}: ${reason}`);
  }

  private instance(): GpuInstance {
    return (this.gpu ??= new GPU({ mode: this.mode }));
  }

  // -------------------------------------------------------------------------------------------
  // moving data

  fromHost(h: HostArray): DeviceArray {
    const a = new GpuJsArray(h, this);
    a.host = h;
    return a;
  }

  async toHost(a: DeviceArray): Promise<HostArray> {
    return this.hostOf(this.own(a));
  }

  toHostSync(a: DeviceArray): HostArray {
    const h = this.hostOf(this.own(a));
    if (isPromise(h)) {
      throw new Error(
        `shapegrad: ${this.name} reads results asynchronously, so dataSync(), toArray() and item() cannot return them: use \`await t.data()\` instead`,
      );
    }
    return h;
  }

  /**
   * The host copy of one of this backend's arrays if it is already here (read, or never computed
   * on the device), else null. Starts no readback: the answer does not depend on timing.
   */
  hostIfReady(a: DeviceArray): HostArray | null {
    if (!(a instanceof GpuJsArray)) return null;
    const h = a.host;
    return h && !isPromise(h) ? h : null;
  }

  private own(a: DeviceArray): GpuJsArray {
    if (a instanceof GpuJsArray && a.backend === this) return a;
    const g = new GpuJsArray(a.aval, this);
    g.host = a.backend.toHostSync(a);
    return g;
  }

  private hostOf(a: GpuJsArray): MaybeP<HostArray> {
    if (a.host) return a.host;
    if (a.fwd) {
      const h = a.fwd.then((b) => this.hostOf(b));
      a.host = h;
      h.then((v) => (a.host = v), () => (a.host = null));
      return h;
    }
    const dev = a.dev;
    if (!dev) throw new Error("internal: gpu.js array with neither host nor device data");
    this.stats.readbacks++;
    const h = then(dev, (d) => then(d instanceof Float32Array ? d : d.toArray(), (data) => toHostArray(data, a.aval)));
    a.host = h;
    // once read, later synchronous reads of the same array succeed
    if (isPromise(h)) h.then((v) => (a.host = v), () => (a.host = null));
    return h;
  }

  private devOf(a: GpuJsArray): MaybeP<DevBuf> {
    if (a.dev) return a.dev;
    if (a.fwd) return a.fwd.then((b) => this.devOf(b));
    if (a.aval.dtype === "float64") throw new Error(`internal: a float64 array sent to a gpu.js kernel`);
    const d = then(a.host!, (h) => this.upload(h));
    a.dev = d;
    if (this.asyncOnly && finalizer) finalizer.register(a, d);
    if (isPromise(d)) d.then((v) => (a.dev = v), () => (a.dev = null));
    return d;
  }

  private upload(h: HostArray): MaybeP<DevBuf> {
    const data = deviceData(h);
    // gpu.js's webasm mode cannot take a zero-length argument: an empty array is never read anyway
    if (this.mode !== "webgpu") return data.length ? data : new Float32Array(1);
    this.stats.uploads++;
    // a copy kernel puts the array in a device buffer that every later kernel binds directly
    const n = Math.max(1, data.length);
    let k = this.uploadKernels.get(n);
    if (!k) {
      k = this.instance().createKernel(new Function("a", "return a[this.thread.x];") as (a: unknown) => number, { output: [n], pipeline: true, immutable: true });
      this.uploadKernels.set(n, k);
    }
    return k(data.length ? data : new Float32Array(1)) as Promise<DevBuf>;
  }

  // -------------------------------------------------------------------------------------------
  // compiling

  private compile(original: Program): Compiled {
    let c = this.plans.get(original);
    if (c) return c;
    // shaders: log and pow with their special cases explicit (shader-forms.ts), before the constants those need are hoisted
    const hoisted = hoistSpecials(SHADER.has(this.mode) ? shaderForms(original) : original, this.mode === "webgpu");
    const consts = hoisted.consts;
    const program = this.mode === "webgpu" ? splitWide(hoisted.program, this.maxInputs) : hoisted.program;
    const steps: CStep[] = [];
    let host: string | null = program.buffers.some((b) => b.dtype === "float64") ? "gpu.js computes in float32; float64 graphs run on the wasm backend" : null;
    host ??= hasUint32(program) ? UINT32_REASON : null;
    const plan: PlanStep[] = host ? [] : BLOCKED_MODES.has(this.mode) ? planContractions(program) : program.kernels.map((kernel) => ({ kind: "kernel", kernel }));
    for (const u of plan) {
      const r = this.compilePlanStep(u, program);
      if (typeof r === "string") {
        host = r;
        break;
      }
      steps.push(...r);
    }
    if (host) steps.length = 0;
    // last uses, for freeing intermediates between kernels
    const last = new Map<number, number>();
    steps.forEach((s, i) => argsOf(s).forEach((b) => last.set(b, i)));
    const keep = new Set<number>([...program.inputs, ...program.outputs, ...consts.map((k) => k.buffer)]);
    const dies: number[][] = steps.map(() => []);
    for (const [b, i] of last) if (!keep.has(b)) dies[i]!.push(b);
    // a result nothing reads is given back after the step that makes it
    steps.forEach((s, i) => !keep.has(s.out) && !last.has(s.out) && dies[i]!.push(s.out));
    c = { program, consts: consts.map((k) => ({ ...k })), host, steps, dies };
    this.plans.set(original, c);
    return c;
  }

  /**
   * A contraction with its operands' copies and its epilogue folded in (contraction.ts) is one
   * kernel; where that kernel has no blocked form, the kernels it replaces run one by one.
   */
  private compilePlanStep(u: PlanStep, program: Program): CStep[] | string {
    const w = this.wgslStep(u, program);
    if (w) return w;
    if (u.kind === "contraction") {
      const g = generateContraction(u.kernel, u.parts, u.out, program, this.mode);
      if (g.ok) return [{ kind: "kernel", out: u.out, src: g.kernel, fn: null, int32: null }];
    }
    const steps: CStep[] = [];
    for (const k of u.kind === "kernel" ? [u.kernel] : u.kernels) {
      const r = this.compileKernel(k, program);
      if (typeof r === "string") return r;
      steps.push(r);
    }
    return steps;
  }

  /**
   * webgpu: a float32 contraction (with its operands' copies read through their views) as a WGSL
   * kernel, its epilogue in it or after it as a kernel of its own; null where that does not apply.
   */
  private wgslStep(u: PlanStep, program: Program): CStep[] | string | null {
    if (this.mode !== "webgpu" || !this.wgslContractions) return null;
    const c = u.kernel;
    if (c.kind !== "contraction" || [c.lhs, c.rhs, c.out].some((b) => program.buffers[b]!.dtype !== "float32")) return null;
    const parts = u.kind === "contraction" ? u.parts : {};
    const cap = Math.min(this.deviceWorkgroups, this.wgslWorkgroupCap);
    const ok = (w: WgslContraction | null) => (w && !this.pipelines.get(w.code)?.failed ? w : null);
    // a software adapter's form that failed gives way to a GPU's, and a kernel with the epilogue in it to one without
    let soft: WgslContraction | null = null;
    let hard: WgslContraction | null = null;
    let w: WgslContraction | null = null;
    for (const ps of parts.epilogue ? [parts, { ...parts, epilogue: undefined }] : [parts]) {
      hard = wgslContraction(c, program, ps, cap, HARDWARE_TILES);
      const softForm = this.wgslTiles === HARDWARE_TILES && !this.wgslQuads ? null : wgslContraction(c, program, ps, cap, this.wgslTiles, this.wgslQuads);
      soft = softForm && softForm.code !== hard?.code ? ok(softForm) : null;
      w = soft ?? ok(hard);
      if (w) break;
    }
    if (!w) return null;
    const area = (k: WgslContraction | null) => (k ? k.tile[0] * k.tile[1] : 0);
    const form = { soft: w === soft, larger: w === soft && area(soft) > area(hard), tile: w.tile, group: w.group, quads: w.quads };
    // an epilogue in the shader writes the step's result; one it does not take in runs after it, as its own kernel
    if (w.fused && u.kind === "contraction") return [{ kind: "wgsl", out: u.out, src: w, form }];
    const steps: CStep[] = [{ kind: "wgsl", out: c.out, src: w, form }];
    if (u.kind === "contraction" && u.parts.epilogue) {
      const e = this.compileKernel(u.kernels[u.kernels.length - 1]!, program);
      if (typeof e === "string") return e;
      steps.push(e);
    }
    return steps;
  }

  /**
   * webgpu: dispatches a WGSL kernel on the device of the gpu.js buffers it reads, into a new
   * buffer under gpu.js's own handle (so gpu.js kernels bind it and read it back like theirs).
   * The first dispatch of each pipeline is checked for validation errors (which WebGPU reports
   * asynchronously, leaving zeros). A shader that does not build, validate or fit the device is
   * marked failed and rejects with a WgslError: run() recompiles the program without it.
   */
  private dispatchWgsl(src: WgslKernel, form: WgslForm | null, ins: readonly WebGpuHandle[]): MaybeP<DevBuf> {
    const h = ins[0]!;
    const ctx = h.context as { device: GpuDevice; isLost?: boolean };
    if (ctx.isLost) throw new Error("the WebGPU device was lost");
    const device = ctx.device;
    this.deviceWorkgroups = device.limits.maxComputeWorkgroupsPerDimension;
    if (form?.larger) this.stats.wgslLarge++;
    if (form?.quads) this.stats.wgslQuads++;
    if (!form) this.stats.wgslElementwise++;
    const fail = (err: unknown, e: Pipeline): never => {
      e.failed = true;
      const why = String((err as Error)?.message ?? err).split("\n")[0]!;
      // a shader with quads that fails says the device takes none: no later program is compiled with them
      if (form?.quads) this.wgslQuads = false;
      this.say(
        form?.soft
          ? `a WGSL contraction's software-adapter form (${form.tile.join("x")} tile${form.quads ? ", quads" : ""}) failed (${why}); the contraction is compiled again without it`
          : `a WGSL ${form ? "contraction" : "kernel"} failed (${why}); it runs as a gpu.js kernel instead`,
      );
      throw new WgslError(why);
    };
    const go = () => {
      const e = this.pipelineOf(src, device);
      return e.pipeline.then((pipeline) => this.launch(src, e, pipeline, ins, h)).catch((err: unknown) => fail(err, e));
    };
    if (!form?.quads) return go();
    // quads wait for the device's check; where it fails, no program is compiled with them again
    return this.quadsOn(h, form.group).then((no) => {
      if (!no) return go();
      this.wgslQuads = false;
      this.say(`WGSL contractions share no loads among quads of invocations here (${no}); they run without`);
      throw new WgslError(no);
    });
  }

  /** webgpu: one dispatch of a built pipeline into a new buffer (its first also checked for validation errors). */
  private launch(src: WgslKernel, e: Pipeline, pipeline: GpuPipeline, ins: readonly WebGpuHandle[], h: WebGpuHandle): MaybeP<WebGpuHandle> {
    const device = e.device;
    if (src.workgroups.some((g) => g > this.deviceWorkgroups)) throw new Error(`its grid ${src.workgroups.join("x")} passes this device's ${this.deviceWorkgroups} workgroups per dim`);
    const bytes = Math.max(4, src.size * 4);
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (bytes > limit || ins.some((d) => d.buffer.size > limit)) throw new Error(`a WGSL kernel needs ${bytes} bytes per storage buffer, over this device's ${limit}`);
    const check = !e.checked;
    if (check) device.pushErrorScope("validation");
    const buffer = device.createBuffer({ size: bytes, usage: STORAGE | COPY_SRC });
    const bindGroup = device.createBindGroup({
      layout: e.layout,
      entries: [...ins.map((d) => d.buffer), buffer].map((b, binding) => ({ binding, resource: { buffer: b } })),
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...src.workgroups);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const Handle = h.constructor as new (settings: object) => WebGpuHandle;
    const out = new Handle({ buffer, output: [src.size], componentCount: 1, context: h.context, kernel: h.kernel });
    if (!check) return out;
    return device.popErrorScope().then((err) => {
      if (err) {
        out.delete();
        throw new Error(`a WGSL kernel did not validate: ${err.message}`);
      }
      e.checked = true;
      return out;
    });
  }

  /**
   * webgpu: why the quads of `h`'s device cannot share loads in workgroups of `group`, or null: it
   * needs subgroups, and quads of 4 consecutive invocations in order (quadCheck, run once per
   * device and shape), which WebGPU does not promise (SwiftShader, with 4 lanes, has them).
   */
  private quadsOn(h: WebGpuHandle, group: readonly [number, number]): Promise<string | null> {
    const device = (h.context as { device: GpuDevice }).device;
    let checks = this.quadChecks.get(device);
    if (!checks) this.quadChecks.set(device, (checks = new Map()));
    let c = checks.get(group.join("x"));
    if (!c) {
      c = (async () => {
        if (device.features?.has("subgroups") !== true) return "this WebGPU device has no subgroups";
        const k = quadCheck(group);
        const e = this.pipelineOf(k, device);
        const out = await this.launch(k, e, await e.pipeline, [], h);
        const got = await out.toArray();
        out.delete();
        return got.every((v) => v === 1) ? null : `this WebGPU device's quads in workgroups of ${group.join(" x ")} are not 4 consecutive invocations in order`;
      })().catch((err: unknown) => `the check of this device's quads failed: ${String((err as Error)?.message ?? err).split("\n")[0]}`);
      checks.set(group.join("x"), c);
    }
    return c;
  }

  /** webgpu: the compute pipeline of a WGSL kernel on `device`, built on first use. */
  private pipelineOf(src: WgslKernel, device: GpuDevice): Pipeline {
    const known = this.pipelines.get(src.code);
    if (known && known.device === device) return known;
    const module = device.createShaderModule({ code: src.code });
    // an explicit layout: "auto" would drop the bindings a shader never reads (an empty contraction)
    const buffer = (type: string) => ({ visibility: COMPUTE, buffer: { type } });
    const entries = [...src.args.map(() => buffer("read-only-storage")), buffer("storage")].map((e, binding) => ({ binding, ...e }));
    const layout = device.createBindGroupLayout({ entries });
    const pipeline = device.createComputePipelineAsync({ layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module, entryPoint: "main" } });
    const entry: Pipeline = { device, layout, pipeline, checked: false, failed: false };
    this.pipelines.set(src.code, entry);
    this.stats.kernels++;
    return entry;
  }

  /** A compiled step, or the reason the program cannot run on this backend. */
  private compileKernel(k: Kernel, program: Program): CStep | string {
    if (k.kind === "opaque") return { kind: "host", out: k.out, ins: k.inputs, run: k.run, consts: k.consts ?? [] };
    if (this.mode === "webgpu" && this.wgslElementwise) {
      // a WGSL shader that failed gives way to the gpu.js kernel
      const cap = Math.min(this.deviceWorkgroups, this.wgslWorkgroupCap);
      const w = wgslElementwise(k, program, cap) ?? wgslReduce(k, program, cap);
      if (w && !this.pipelines.get(w.code)?.failed) return { kind: "wgsl", out: k.out, src: w, form: null };
    }
    const g = generate(k, program, this.mode);
    if (!g.ok) return `${g.reason}; such graphs run on the wasm backend`;
    return { kind: "kernel", out: k.out, src: g.kernel, fn: null, int32: hasInt32(k, program) ? k : null };
  }

  private kernel(src: KernelSource): KernelFn {
    let k = this.kernels.get(src.key);
    if (!k) {
      const fn = new Function(...src.params, src.body) as (...a: unknown[]) => number;
      k = this.instance().createKernel(fn, {
        output: src.output ?? [src.size],
        pipeline: true,
        immutable: true,
        loopMaxIterations: src.loopMax,
        precision: "single",
        tactic: "precision",
      });
      this.kernels.set(src.key, k);
      this.stats.kernels++;
    }
    return k;
  }

  // -------------------------------------------------------------------------------------------
  // running

  run(program: Program, inputs: readonly DeviceArray[]): DeviceArray[] {
    const ins = inputs.map((a) => this.own(a));
    const c = this.compile(program);
    if (!this.asyncOnly) {
      const why = this.syncUnusable() ?? c.host;
      if (why === null) {
        try {
          return this.runPlan(c, ins);
        } catch (e) {
          const why = `a gpu.js kernel failed (${(e as Error).message.split("\n")[0]}); this graph runs on the wasm backend`;
          // an input out of range is this call's problem, not the program's: later calls try the device again
          if (e instanceof Int32RangeError) return this.hostRun(program, ins, why) as GpuJsArray[];
          c.host = why;
        }
      }
      return this.hostRun(program, ins, this.unusable ? `${this.unusable}; computing on the wasm backend` : c.host!) as GpuJsArray[];
    }
    // webgpu: a graph that runs on wasm anyway (float64, uint32) with inputs already on the host
    // runs now, so its results read synchronously as they do on wasm: a random draw in an
    // initialiser, a float64 reference, a host step's inputs
    if (this.unusable === null && c.host && ins.every((a) => a.host && !isPromise(a.host)) && this.pendingConsts(opaqueConsts(program)).length === 0) {
      return this.hostRun(program, ins, c.host) as GpuJsArray[];
    }
    // webgpu: everything after the adapter probe, as promises
    const outs = program.outputs.map((b) => new GpuJsArray(program.buffers[b]!, this));
    let plan = c;
    let fallback: Promise<GpuJsArray[]> | null = null;
    const onHost = (why: string) => (fallback ??= Promise.resolve(this.hostRun(program, ins, why)));
    const res: Promise<GpuJsArray[]> = this.ready().then(async (unusable) => {
      if (unusable) return onHost(`${unusable}; computing on the wasm backend`);
      if (c.host) return onHost(c.host);
      // inputs made by earlier calls are their results' own arrays once those are queued: they
      // carry the int32 bounds their kernels give (a forwarding array knows none)
      const args = await Promise.all(ins.map((a) => settle(a)));
      for (;;) {
        const r = this.runPlan(plan, args);
        try {
          await Promise.all(r.map((o) => o.dev ?? o.host));
          return r;
        } catch (e) {
          // a WGSL shader that failed is marked so: recompiled without it, this call runs again
          // (its contraction a gpu.js kernel), as does every later one
          if (!(e instanceof WgslError)) throw e;
          this.plans.delete(program);
          plan = this.compile(program);
          if (plan.host) return onHost(plan.host);
        }
      }
    });
    outs.forEach((o, i) => {
      const failed = (e: unknown) => {
        const why = `a gpu.js kernel failed (${String((e as Error)?.message ?? e).split("\n")[0]}); this graph runs on the wasm backend`;
        if (e instanceof Int32RangeError) return onHost(why);
        plan.host ??= why;
        return onHost(plan.host);
      };
      // forward to the result once its kernel is queued (a kernel that fails to build rejects here)
      o.fwd = res
        .then(async (r) => {
          const inner = r[i]!;
          await (inner.dev ?? inner.host);
          return inner;
        })
        .catch((e) => failed(e).then((r) => r[i]!));
    });
    return outs;
  }

  /** A bound on an int32 or bool array's magnitude: its data's, or what the kernel that made it allows. */
  private boundOf(a: GpuJsArray): number {
    if (a.aval.dtype === "bool") return 1;
    if (a.bound !== undefined) return a.bound;
    const h = a.host;
    if (!h || isPromise(h)) return Infinity;
    let m = 0;
    for (const v of h.data) m = Math.max(m, Math.abs(v));
    return (a.bound = m);
  }

  /**
   * webgpu: host copies, on their way, of this backend's arrays among `consts` (the constants of
   * the graphs a host step runs on wasm, which reads them synchronously); none when all are read.
   */
  private pendingConsts(consts: readonly DeviceArray[]): MaybeP<HostArray>[] {
    if (!this.asyncOnly) return [];
    return consts.filter((a): a is GpuJsArray => a instanceof GpuJsArray && a.backend === this && !this.hostIfReady(a)).map((a) => this.hostOf(a));
  }

  /** The whole program on the wasm backend (float64, unsupported kernels, unusable mode). */
  private hostRun(program: Program, ins: readonly GpuJsArray[], why: string): MaybeP<GpuJsArray[]> {
    this.say(why);
    this.stats.hostGraphs++;
    const consts = this.pendingConsts(opaqueConsts(program));
    return then(all([...ins.map((a) => this.hostOf(a)), ...consts]), (got) => {
      const hs = got.slice(0, ins.length);
      const outs = wasmBackend.run(program, hs.map((h) => wasmBackend.fromHost(h)));
      return outs.map((d) => {
        const a = new GpuJsArray(d.aval, this);
        a.host = wasmBackend.toHostSync(d);
        return a;
      });
    });
  }

  private runPlan(c: Compiled, inputs: readonly GpuJsArray[]): GpuJsArray[] {
    const p = c.program;
    const env: GpuJsArray[] = new Array<GpuJsArray>(p.buffers.length);
    p.inputs.forEach((b, i) => (env[b] = inputs[i]!));
    for (const k of c.consts) env[k.buffer] = k.array ??= this.fromHost(k.value) as GpuJsArray;
    const outputs = new Set(p.outputs);
    const readers: MaybeP<unknown>[][] = [];
    c.steps.forEach((s, i) => {
      const aval = p.buffers[s.out]!;
      const out = new GpuJsArray(aval, this);
      let done: MaybeP<unknown>;
      if (s.kind === "kernel") {
        // webgpu: bounds of inputs still on their way (a host step's result) are awaited, not guessed
        let bounded: Promise<unknown> | null = null;
        if (s.int32) {
          const k = s.int32;
          const bound = () => resultBound(k, p, (buf) => this.boundOf(env[buf]!));
          const b = bound();
          const waiting = this.asyncOnly ? s.src.args.map((i) => env[i]!).filter((a) => a.boundP || isPromise(a.host)) : [];
          if (b !== null) out.bound = b;
          else if (waiting.length === 0) throw new Int32RangeError(INT32_RANGE);
          else {
            bounded = out.boundP = Promise.all(waiting.map((a) => a.boundP ?? a.host)).then(() => {
              const later = bound();
              if (later === null) throw new Int32RangeError(INT32_RANGE);
              out.bound = later;
            });
          }
        }
        const fn = (s.fn ??= this.kernel(s.src));
        const n = sizeOf(aval.shape);
        if (n === 0) out.host = HostArray.zeros(aval);
        else {
          this.stats.launches++;
          // the arrays are held until the kernel is called: an upload or intermediate collected
          // before then would have its buffer deleted under the kernel that reads it
          const held = s.src.args.map((b) => env[b]!);
          const launch = () => then(all(held.map((a) => this.devOf(a))), (ds) => keep(fn(...ds) as MaybeP<DevBuf>, held));
          out.dev = bounded ? bounded.then(launch) : launch();
          if (s.src.output) out.dev = then(out.dev, (d) => flatResult(d as unknown as BlockedResult, n));
          if (!this.asyncOnly) out.dev = fixLength(out.dev as DevBuf, n);
          // intermediates are deleted after their last reader (below); only results that escape
          // the program are left to the finalizer
          else if (finalizer && outputs.has(s.out)) finalizer.register(out, out.dev);
        }
        done = out.dev ?? out.host;
      } else if (s.kind === "wgsl") {
        if (s.src.size === 0) out.host = HostArray.zeros(aval);
        else {
          this.stats.launches++;
          this.stats.wgsl++;
          const held = s.src.args.map((b) => env[b]!);
          out.dev = then(all(held.map((a) => this.devOf(a))), (ds) => keep(this.dispatchWgsl(s.src, s.form, ds as WebGpuHandle[]), held));
          if (finalizer && outputs.has(s.out)) finalizer.register(out, out.dev);
        }
        done = out.dev ?? out.host;
      } else {
        this.stats.hostSteps++;
        // webgpu: the graphs it runs (on wasm) read their constants synchronously: those made here are read first
        const consts = this.pendingConsts(s.consts);
        out.host = then(all([...s.ins.map((b) => this.hostOf(env[b]!)), ...consts]), (hs) => s.run(hs.slice(0, s.ins.length)));
        // once there, the host result is read synchronously (its int32 bound among others)
        if (isPromise(out.host)) out.host.then((v) => (out.host = v), () => {});
        done = out.host;
      }
      env[s.out] = out;
      // webgpu: an intermediate gives its buffer back once every step reading it has run. Steps
      // run as their inputs arrive, not in program order (a kernel's first call waits for its
      // build), so the last reader in program order is not the last in time: wait for them all.
      if (this.asyncOnly) {
        for (const b of argsOf(s)) (readers[b] ??= []).push(done);
        for (const b of c.dies[i]!) {
          const a = env[b]!;
          if (a.dev) Promise.all([a.dev, ...(readers[b] ?? [done])]).then(([d]) => !(d instanceof Float32Array) && d.delete(), () => {});
        }
      }
    });
    return p.outputs.map((b) => env[b]!);
  }
}

/** The array a forwarding (webgpu) array stands for, once known. */
function settle(a: GpuJsArray): MaybeP<GpuJsArray> {
  return a.fwd ? a.fwd.then(settle) : a;
}

/** `x`, once `held` has been used (a reference the engine cannot drop before). */
function keep<T>(x: T, held: readonly unknown[]): T {
  if (held.length < 0) throw new Error("unreachable");
  return x;
}

/** uint32 values and bitwise ops (random keys and bits) need 32-bit words, which a float32 does not hold. */
const UINT32_REASON = "gpu.js computes in float32, which cannot hold 32-bit words (uint32 values, bitwise ops: random keys and bits); such graphs run on the wasm backend";
const hasUint32 = (p: Program): boolean =>
  p.buffers.some((b) => b.dtype === "uint32") ||
  p.kernels.some((k) => (k.kind === "elementwise" || k.kind === "reduce") && topo(k.expr).some((e) => e.dtype === "uint32" || isBitwise(e.op)));

/** An int32 value past 2^24 (an input, or a result that could be): this call runs on the wasm backend (the program is not marked). */
class Int32RangeError extends Error {}
/** A WGSL kernel's compute pipeline on one device (GpuJsBackend.pipelineOf). */
interface Pipeline {
  readonly device: GpuDevice;
  readonly layout: unknown;
  readonly pipeline: Promise<GpuPipeline>;
  checked: boolean;
  failed: boolean;
}

/** A WGSL contraction that did not build, validate or fit the device (dispatchWgsl). */
class WgslError extends Error {}
const INT32_RANGE = "an int32 value could pass 2^24, where gpu.js's float32 is not exact";

/**
 * A host array as the Float32Array a kernel reads: bools as 0/1, int32 as exact floats (gpu.js
 * has no integer buffers; int-bounds.ts keeps int32 values past 2^24 off the device).
 */
function deviceData(h: HostArray): Float32Array {
  return h.dtype === "float32" ? (h.data as Float32Array) : Float32Array.from(h.data);
}

// ---------------------------------------------------------------------------------------------
// results of blocked kernels (codegen.ts `output`/`components`): read back as one flat array

/** What gpu.js returns for a kernel with a multi-dim output or Array(n) components. */
type BlockedResult = Float32Array | BlockedResult[] | WebGpuHandle;
interface WebGpuHandle {
  buffer: GpuBuffer;
  output: number[];
  componentCount: number;
  context: unknown;
  kernel: unknown;
  delete(): void;
  toArray(): Promise<Float32Array>;
}

// the little of WebGPU's API that dispatching a WGSL kernel uses (no DOM types in this build)
const STORAGE = 0x80;
const COPY_SRC = 0x04;
const COMPUTE = 0x4;
interface GpuBuffer {
  readonly size: number;
}
type GpuPipeline = object;
interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(i: number, g: unknown): void;
  dispatchWorkgroups(x: number, y: number, z: number): void;
  end(): void;
}
interface GpuDevice {
  readonly features?: { has(f: string): boolean };
  readonly limits: { readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number; readonly maxComputeWorkgroupsPerDimension: number };
  readonly queue: { submit(buffers: unknown[]): void };
  createShaderModule(d: { code: string }): unknown;
  createBindGroupLayout(d: { entries: { binding: number; visibility: number; buffer: { type: string } }[] }): unknown;
  createPipelineLayout(d: { bindGroupLayouts: unknown[] }): unknown;
  createComputePipelineAsync(d: { layout: unknown; compute: { module: unknown; entryPoint: string } }): Promise<GpuPipeline>;
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createBindGroup(d: { layout: unknown; entries: { binding: number; resource: { buffer: GpuBuffer } }[] }): unknown;
  createCommandEncoder(): { beginComputePass(): GpuPass; finish(): unknown };
  pushErrorScope(filter: "validation"): void;
  popErrorScope(): Promise<{ message: string } | null>;
}

/**
 * The row-major result as the flat array every other kernel reads: on webgpu the same device
 * buffer under a one-component, one-dim handle (thread t's components lie at t·n + c, so the
 * buffer already is the flat result); on webasm and cpu, the nested arrays copied into one.
 */
function flatResult(d: BlockedResult, n: number): DevBuf {
  if (d instanceof Float32Array) return d;
  if (!Array.isArray(d)) {
    const Handle = d.constructor as new (settings: object) => WebGpuHandle;
    const flat = new Handle({ buffer: d.buffer, output: [n], componentCount: 1, context: d.context, kernel: d.kernel });
    d.delete();
    return flat;
  }
  const out = new Float32Array(n);
  let at = 0;
  const walk = (x: BlockedResult): void => {
    if (x instanceof Float32Array) {
      out.set(x, at);
      at += x.length;
    } else if (Array.isArray(x)) for (const y of x) walk(y);
  };
  walk(d);
  if (at !== n) throw new Error(`internal: a blocked gpu.js kernel returned ${at} elements, expected ${n}`);
  return out;
}

function fixLength(d: DevBuf, n: number): DevBuf {
  if (d instanceof Float32Array) {
    if (d.length !== n) throw new Error(`internal: gpu.js kernel returned ${d.length} elements, expected ${n}`);
    return d;
  }
  return d;
}

function toHostArray(data: Float32Array | ArrayLike<number>, aval: AbstractValue): HostArray {
  const n = sizeOf(aval.shape);
  let f = data instanceof Float32Array ? data : Float32Array.from(data);
  if (f.length !== n) {
    if (f.length < n) throw new Error(`internal: read ${f.length} elements for ${n}`);
    f = f.slice(0, n);
  }
  if (aval.dtype === "float32") return new HostArray(f, aval.shape, "float32");
  // int32 and bool results come back as exact floats; a saturated cast's 2147483647 is 2^31 in
  // float32, which an Int32Array would wrap to -2^31
  const d = allocate(aval.dtype, n);
  if (aval.dtype === "int32") for (let i = 0; i < n; i++) d[i] = Math.min(f[i]!, 2147483647);
  else for (let i = 0; i < n; i++) d[i] = f[i]!;
  return new HostArray(d, aval.shape, aval.dtype);
}

export const gpujsCpu = new GpuJsBackend("cpu");
export const gpujsWebasm = new GpuJsBackend("webasm");
export const gpujsWebgpu = new GpuJsBackend("webgpu");
export const gpujsHeadlessgl = new GpuJsBackend("headlessgl");
export const gpujsWebgl2 = new GpuJsBackend("webgl2");
export const gpujsWebgl = new GpuJsBackend("webgl");

const inNode = (): boolean => typeof process !== "undefined" && !!process.versions?.node;

// the registry finds these here once this module has loaded (it loads it on demand: loaded.ts)
provideGpuJs({
  "gpujs:webgpu": gpujsWebgpu,
  "gpujs:webgl2": gpujsWebgl2,
  "gpujs:webgl": gpujsWebgl,
  "gpujs:headlessgl": gpujsHeadlessgl,
  "gpujs:webasm": gpujsWebasm,
  "gpujs:cpu": gpujsCpu,
});
