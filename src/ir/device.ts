/**
 * The contract between the IR and the backends. A backend owns arrays (`DeviceArray`) and runs
 * what the compiler gives it: a kernel program (ir/kernel.ts), or, for the reference interpreter,
 * the graph itself. The IR never imports a backend: the runtime (runtime/) picks one and injects
 * eager evaluation into ir/trace.ts.
 */
import type { AbstractValue } from "./aval.js";
import type { Graph } from "./graph.js";
import type { HostArray } from "./host-array.js";
import type { Program } from "./kernel.js";

/** A concrete array owned by a backend (host memory, a GPU buffer, ...). */
export interface DeviceArray {
  readonly aval: AbstractValue;
  readonly backend: Backend;
}

interface Storage {
  readonly name: string;
  fromHost(h: HostArray): DeviceArray;
  toHost(a: DeviceArray): Promise<HostArray>;
  /** Synchronous read; throws when the backend can only read asynchronously. */
  toHostSync(a: DeviceArray): HostArray;
}

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
