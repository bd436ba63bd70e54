/** Element types. float32 is the default; float64 exists so tests can check numerics in double. */
export type DType = "float32" | "float64" | "int32" | "bool" | "uint32";
export type FloatDType = "float32" | "float64";

export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "int32"
      ? Int32Array
      : D extends "uint32"
        ? Uint32Array
        : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint32Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool", "uint32"];

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function isFloat(d: DType): d is FloatDType {
  return d === "float32" || d === "float64";
}

export function allocate(dtype: DType, size: number): AnyTypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
    case "uint32":
      return new Uint32Array(size);
  }
}

/**
 * Rounds a JS number to what an element of `dtype` holds: the conversion rule of astype and of
 * every kernel's cast. To int32 it is XLA's convert (what JAX does): truncation toward zero,
 * saturating past the range (3e9 gives 2147483647, -Infinity -2147483648) and NaN giving 0. (The
 * creation functions refuse such values instead; integer arithmetic wraps, see prims/elementwise.)
 */
export function castScalar(dtype: DType, v: number): number {
  switch (dtype) {
    case "float32":
      return Math.fround(v);
    case "float64":
      return v;
    case "int32":
      return Math.max(Math.min(v, 2147483647), -2147483648) | 0;
    case "bool":
      return v ? 1 : 0;
    case "uint32":
      return castUint32(v);
  }
}

const RANK: Record<DType, number> = { bool: 0, uint32: 0.5, int32: 1, float32: 2, float64: 3 };

/** Type promotion between two tensors (JAX-like lattice restricted to our dtypes). */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Type-level twin of `promote`. */
export type Promote<A extends DType, B extends DType> = A extends B
  ? A
  : "float64" extends A | B
    ? "float64"
    : "float32" extends A | B
      ? "float32"
      : "int32" extends A | B
        ? "int32"
        : "uint32" extends A | B
          ? "uint32"
          : "bool";

// ---------------------------------------------------------------- uint32 (random keys and bits)

/**
 * A number as a uint32, as XLA converts a float: truncated toward zero and saturated to
 * [0, 2^32 - 1], NaN to 0. (Integers converted from int32 wrap instead: convert_element_type.)
 */
export function castUint32(v: number): number {
  if (!(v > 0)) return 0;
  return v >= 4294967295 ? 4294967295 : Math.trunc(v);
}
