/**
 * Running graphs: the one path from a graph to a backend. Eager ops arrive as one-equation graphs
 * (runtime/eager.ts), jitted programs as whole graphs. A kernel backend gets the graph's kernel
 * program (inlined and fused once per graph, cached); the reference backend interprets the graph.
 * Installed into the IR at start-up (ir/trace.ts), which is how the IR runs things without
 * importing anything above it.
 */
import type { Graph } from "../ir/graph.js";
import type { Backend } from "../ir/backend.js";
import type { DeviceArray } from "../ir/device.js";
import type { Program } from "../ir/kernel.js";
import { installRuntime } from "../ir/trace.js";
import { fuse } from "../compile/fusion.js";
import { inlineCalls } from "../compile/inline.js";
import { dce, optimize } from "../compile/passes.js";
import { eqnGraph } from "./eager.js";
import { defaultBackend, toBackend } from "./registry.js";
import { wasmBackend } from "../backend/wasm/backend.js";

interface Compiled {
  /** the graph with its calls inlined (their constants are its constants) */
  readonly flat: Graph;
  readonly program: Program;
}
const programs = new WeakMap<Graph, Compiled>();

/** The kernel program of a graph (compiled once per graph). */
function compiled(graph: Graph): Compiled {
  let c = programs.get(graph);
  if (!c) {
    // an eager call equation stands for one output of its graph: the rest is dead code here;
    // custom-rule primitives (kept whole by jit's optimize) are inlined now and optimised with
    // their surroundings, so what their bodies share with the rest is computed once
    const custom = graph.eqns.some((e) => e.prim.customRules);
    const flat = custom ? optimize(graph, true) : graph.eqns.some((e) => e.prim.subgraph) ? dce(inlineCalls(graph, true)) : graph;
    programs.set(graph, (c = { flat, program: fuse(flat) }));
  }
  return c;
}
export const programOf = (graph: Graph): Program => compiled(graph).program;

/** A graph constant on a backend: moved there once, not on every run. */
const moved = new WeakMap<DeviceArray, WeakMap<Backend, DeviceArray>>();
function constOn(a: DeviceArray, backend: Backend): DeviceArray {
  if (a.backend === backend) return a;
  let m = moved.get(a);
  if (!m) moved.set(a, (m = new WeakMap()));
  let d = m.get(backend);
  if (!d) m.set(backend, (d = toBackend(a, backend)));
  return d;
}

/** Runs a graph on a backend; `args` are its inputs, then its captures. */
export function runGraph(backend: Backend, graph: Graph, args: readonly DeviceArray[]): DeviceArray[] {
  const ins = args.map((a) => toBackend(a, backend));
  const consts = (g: Graph) => g.consts.map((c) => constOn(c.value, backend));
  if (backend.kind === "interpreter") return backend.interpret(graph, [...ins, ...consts(graph)]);
  const { flat, program } = compiled(graph);
  return backend.run(program, [...ins, ...consts(flat)]);
}

/**
 * Where a host step (a primitive's impl: control flow, host-side algorithms) runs the graphs it
 * nests: it reads their results synchronously, so on a backend that reads only asynchronously
 * (WebGPU) they run on wasm, as the host step itself does.
 */
function hostSide(): Backend {
  const b = defaultBackend();
  return (b as { asyncOnly?: boolean }).asyncOnly ? wasmBackend : b;
}

installRuntime({
  eager: (prim, params, inputs, out) => runGraph(defaultBackend(), eqnGraph(prim, params, inputs.map((a) => a.aval), out), inputs)[0]!,
  run: (graph, inputs) => runGraph(defaultBackend(), graph, inputs),
  fromHost: (h) => defaultBackend().fromHost(h),
  runHost: (graph, inputs) => runGraph(hostSide(), graph, inputs),
});
