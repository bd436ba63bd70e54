import type { Backend, DeviceArray } from "./backend.js";
import { refBackend } from "./ref.js";

let active: Backend = refBackend;

/** The backend that eager ops and jitted graphs run on. */
export function defaultBackend(): Backend {
  return active;
}

export function setBackend(b: Backend): void {
  active = b;
}

/** Moves an array to `backend` (through host memory) when it lives elsewhere. */
export function toBackend(a: DeviceArray, backend: Backend): DeviceArray {
  if (a.backend === backend) return a;
  return backend.fromHost(a.backend.toHostSync(a));
}
