/** The backend named by the vitest project (SHAPEGRAD_BACKEND); no library import, so test/ops/ref.ts stays independent. */
import type { BackendName } from "../../src/runtime/registry.js";

/** The backend this vitest project runs every suite on (SHAPEGRAD_BACKEND), or null if unset. */
export function testBackendName(): BackendName | null {
  const b = typeof process !== "undefined" ? process.env["SHAPEGRAD_BACKEND"] : undefined;
  return b ? (b as BackendName) : null;
}
