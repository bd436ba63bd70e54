/** Element types. float32 is the default; float64 exists so tests can check numerics in double. */
export type DType = "float32" | "float64" | "int32" | "bool";
export type FloatDType = "float32" | "float64";

export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : D extends "int32"
      ? Int32Array
      : Uint8Array;

export type AnyTypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

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
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

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
        : "bool";
