/**
 * A concrete array and the storage that owns it (host memory, a GPU buffer, ...). What a backend
 * runs is in ir/backend.ts; this file is what values and graph constants hold.
 */
import type { AbstractValue } from "./aval.js";
import type { HostArray } from "./host-array.js";

/** A concrete array owned by a backend. */
export interface DeviceArray {
  readonly aval: AbstractValue;
  readonly backend: Storage;
}

/** How a backend holds arrays: the part of a backend every array can reach. */
export interface Storage {
  readonly name: string;
  fromHost(h: HostArray): DeviceArray;
  toHost(a: DeviceArray): Promise<HostArray>;
  /** Synchronous read; throws when the backend can only read asynchronously. */
  toHostSync(a: DeviceArray): HostArray;
}
