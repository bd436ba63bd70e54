// Peer: shapegrad (this repository's library, ../../src), run under tsx.
// One module serves every registry row: options.mode is "jit" or "eager",
// options.backend names the gpu.js mode the library compiles to.
//
// Each task below is a stub that throws "not implemented yet": the runner reports
// such a cell as "n/a (not implemented yet)" and carries on. To fill one in, replace
// the stub with a prepare function of the shape documented in registry.mjs:
//   "1": (inputs, options) => { ...upload...; return { run: () => Float32Array } }

import * as sg from "../../src/index.js";

type Options = { mode?: "jit" | "eager"; backend?: string };
type Result = Float32Array | Record<string, Float32Array>;
type Prepared = { run: () => Result | Promise<Result>; dispose?: () => void };
type Prepare = (inputs: any, options: Options) => Prepared | Promise<Prepared>;

export const meta = { library: "shapegrad", version: "" };

export async function setup(options: Options): Promise<void> {
  // The library's module loaded (the static import above); record what it exports.
  meta.version = `src (${Object.keys(sg).length} exports) ${options.mode ?? "jit"} ${options.backend ?? ""}`.trim();
}

const stub =
  (task: string): Prepare =>
  () => {
    throw new Error(`not implemented yet (shapegrad task ${task})`);
  };

export const tasks: Record<string, Prepare> = {
  "1": stub("1"),
  "2a": stub("2a"),
  "2b": stub("2b"),
  "3": stub("3"),
  "4": stub("4"),
};
