/**
 * The package's entry in Node (package.json `exports`, condition "node"): the whole API, with the
 * gpu.js backends loaded up front, so that `setBackend("gpujs:…")` and SHAPEGRAD_BACKEND work
 * synchronously as they always have. Browsers get src/index.ts, which loads gpu.js on demand.
 */
import "./backend/gpujs/backend.js";
export * from "./index.js";
