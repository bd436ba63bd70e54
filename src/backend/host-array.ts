import { sizeOf, type AbstractValue } from "../ir/aval.js";
import { allocate, type AnyTypedArray, type DType } from "../ir/dtype.js";

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
