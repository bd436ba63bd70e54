import type { InterpreterBackend } from "../../ir/backend.js";
import { evalGraphHost } from "../../ir/interpret.js";
import { HostBackedArray, hostOf, hostStorage } from "../host.js";

/**
 * The reference backend: a plain interpreter of graphs with every primitive's reference
 * implementation. Exact by construction (each op computes in double and rounds to its dtype),
 * slow, and the source of truth for the others.
 */
export const refBackend: InterpreterBackend = {
  name: "ref",
  kind: "interpreter",
  ...hostStorage(() => refBackend),
  interpret: (graph, inputs) => evalGraphHost(graph, inputs.map(hostOf)).map((h) => new HostBackedArray(h, refBackend)),
};
