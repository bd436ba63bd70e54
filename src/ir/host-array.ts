import { sizeOf, stridedOffsets, type AbstractValue } from "./aval.js";
import { allocate, type AnyTypedArray, type DType } from "./dtype.js";

/** A row-major array in host memory: what reference implementations compute on, and the host side of every backend. */
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

/**
 * out[i0..ik] = x[base + Σ i_k · strides[k]]: broadcasts, transposes and slices on the host are
 * all this one affine gather.
 */
export function affineGather(x: AnyTypedArray, dtype: DType, outShape: readonly number[], base: number, strides: readonly number[]): AnyTypedArray {
  const offs = stridedOffsets(outShape, strides, base);
  const o = allocate(dtype, offs.length);
  for (let i = 0; i < offs.length; i++) o[i] = x[offs[i]!]!;
  return o;
}
