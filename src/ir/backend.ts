/**
 * The contract between the IR and the backends. A backend stores arrays (ir/device.ts) and runs
 * what the compiler gives it: a kernel program (ir/kernel.ts), or, for the reference interpreter,
 * the graph itself. The IR never imports a backend: the runtime (runtime/) picks one and injects
 * eager evaluation into ir/trace.ts.
 */
import type { DeviceArray, Storage } from "./device.js";
import type { Graph } from "./graph.js";
import type { Program } from "./kernel.js";

/** A backend that runs compiled kernel programs; `inputs` fill `program.inputs` in order. */
export interface KernelBackend extends Storage {
  readonly kind: "kernels";
  run(program: Program, inputs: readonly DeviceArray[]): DeviceArray[];
}

/** A backend that interprets graphs equation by equation (the reference). */
export interface InterpreterBackend extends Storage {
  readonly kind: "interpreter";
  /** `inputs` are the graph's inputs, then its captures, then its constants. */
  interpret(graph: Graph, inputs: readonly DeviceArray[]): DeviceArray[];
}

export type Backend = KernelBackend | InterpreterBackend;
