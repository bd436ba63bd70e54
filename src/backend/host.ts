/** Arrays in host memory, for the backends that keep their data there (ref, wasm). */
import type { AbstractValue } from "../ir/aval.js";
import type { DeviceArray, Storage } from "../ir/device.js";
import type { HostArray } from "../ir/host-array.js";

/** A host array owned by a backend that keeps its data in host memory. */
export class HostBackedArray implements DeviceArray {
  constructor(
    readonly host: HostArray,
    readonly backend: Storage,
  ) {}
  get aval(): AbstractValue {
    return this.host;
  }
}

/** The host data of any device array (reads synchronously from other backends). */
export function hostOf(a: DeviceArray): HostArray {
  return a instanceof HostBackedArray ? a.host : a.backend.toHostSync(a);
}

/** The storage half of a host-memory backend: data moves as it is. */
export function hostStorage(self: () => Storage) {
  return {
    fromHost: (h: HostArray): DeviceArray => new HostBackedArray(h, self()),
    toHost: async (a: DeviceArray) => hostOf(a),
    toHostSync: hostOf,
  };
}
