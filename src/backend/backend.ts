import type { AbstractValue } from "../ir/aval.js";
import type { Graph } from "../ir/graph.js";
import type { Primitive } from "../ir/primitive.js";
import type { HostArray } from "./host-array.js";

/** A concrete array owned by a backend (host memory, a GPU buffer, ...). */
export interface DeviceArray {
  readonly aval: AbstractValue;
  readonly backend: Backend;
}

/**
 * What a backend provides. Every value reaches a backend through a graph: eager ops arrive as a
 * single equation (`execute`), jitted programs as a whole graph (`run`).
 */
export interface Backend {
  readonly name: string;
  fromHost(h: HostArray): DeviceArray;
  toHost(a: DeviceArray): Promise<HostArray>;
  /** Synchronous read; throws when the backend can only read asynchronously. */
  toHostSync(a: DeviceArray): HostArray;
  execute(prim: Primitive, params: object, inputs: readonly DeviceArray[], out: AbstractValue): DeviceArray;
  /** Runs a graph; `inputs` are the graph's inputs followed by its captures. */
  run(graph: Graph, inputs: readonly DeviceArray[]): DeviceArray[];
}
