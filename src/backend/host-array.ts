import { sizeOf, type AbstractValue } from "../ir/aval.js";
import { allocate, type AnyTypedArray, type DType } from "../ir/dtype.js";
import type { Backend, DeviceArray } from "./backend.js";
import type { Graph } from "../ir/graph.js";
import { eqnGraph } from "./eager.js";

/** A row-major array in host memory: the reference backend's buffer and the host side of every other. */
export class HostArray implements AbstractValue {
  constructor(
    readonly data: AnyTypedArray,
    readonly shape: readonly number[],
    readonly dtype: DType,
  ) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`internal: buffer of ${data.length} elements for shape [${shape.join(", ")}]`);
    }
  }

  static zeros(aval: AbstractValue): HostArray {
    return new HostArray(allocate(aval.dtype, sizeOf(aval.shape)), aval.shape, aval.dtype);
  }

  get size(): number {
    return this.data.length;
  }
}

/** A host array owned by a backend that keeps its data in host memory (ref, wasm). */
export class HostBackedArray implements DeviceArray {
  constructor(
    readonly host: HostArray,
    readonly backend: Backend,
  ) {}
  get aval(): AbstractValue {
    return this.host;
  }
}

/** The host data of any device array (reads synchronously from other backends). */
export function hostOf(a: DeviceArray): HostArray {
  return a instanceof HostBackedArray ? a.host : a.backend.toHostSync(a);
}

/**
 * A backend whose arrays live in host memory (ref, wasm): the data moves as it is, and the backend
 * only says how to run a graph on host arrays.
 */
export function hostBackend(name: string, run: (graph: Graph, inputs: readonly HostArray[]) => HostArray[]): Backend {
  const backend: Backend = {
    name,
    fromHost: (h) => new HostBackedArray(h, backend),
    toHost: async (a) => hostOf(a),
    toHostSync: hostOf,
    execute: (prim, params, inputs, out) =>
      new HostBackedArray(run(eqnGraph(prim, params, inputs.map((a) => a.aval), out), inputs.map(hostOf))[0]!, backend),
    run: (graph, inputs) => run(graph, inputs.map(hostOf)).map((h) => new HostBackedArray(h, backend)),
  };
  return backend;
}
