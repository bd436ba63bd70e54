/** Creating concrete tensors: from nested arrays or typed arrays, and the usual constructors. */
import { DTYPES, allocate, castScalar, isDType, type AnyTypedArray, type DType } from "../ir/dtype.js";
import { showShape, sizeOf } from "../ir/aval.js";
import type { Check, Shape, ShapeError } from "../shape/core.js";
import type { Sub, CeilDiv, Max0 } from "../shape/arith.js";
import { HostArray } from "../ir/host-array.js";
import { fromHost as hostValue } from "../ir/trace.js";
import { Tensor, type AnyTensor } from "./tensor.js";
import { checkShapeArg, checkSize, shapeError } from "./checks.js";
import { raggedArrayMsg, raggedLengthMsg, raggedScalarMsg } from "./messages.js";

export type NestedData = number | boolean | readonly NestedData[];

/** The shape of nested array data; ragged data gives a union, which DataCheck rejects. */
type DataShape<T, Depth extends unknown[] = []> = Depth["length"] extends 10
  ? number[]
  : T extends readonly unknown[]
    ? T extends readonly []
      ? [0]
      : [T["length"], ...DataShape<T[number], [...Depth, 0]>]
    : [];
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;
type DataCheck<T> = true extends IsUnion<DataShape<T>>
  ? ShapeError<RaggedAt<T, FirstShape<T>, ""> extends infer M extends string ? ([M] extends [never] ? "tensor: ragged nested array (rows of different lengths)" : M) : never>
  : DataShape<T>;

/** The shape read off the first element at every level, as the run-time check reads it. */
type FirstShape<T, Depth extends unknown[] = []> = Depth["length"] extends 10
  ? []
  : T extends readonly []
    ? [0]
    : T extends readonly [infer F, ...unknown[]]
      ? [T["length"], ...FirstShape<F, [...Depth, 0]>]
      : [];
/**
 * The first place (depth first, as the run-time walk) where data T departs from shape S, as the
 * message the run-time check gives (ops/messages.ts, raggedLengthMsg and the two after it); never if
 * none (a plain array's length is only known at run time).
 */
type RaggedAt<T, S extends readonly number[], Path extends string> = S extends readonly [infer N extends number, ...infer Rest extends number[]]
  ? T extends readonly unknown[]
    ? number extends T["length"]
      ? never
      : T["length"] extends N
        ? RaggedRows<T, Rest, Path, []>
        : `tensor: ragged nested array: ${Where<Path>} has length ${T["length"]} where length ${N} was expected`
    : `tensor: ragged nested array: ${Where<Path>} has a scalar where length ${N} was expected`
  : T extends readonly unknown[]
    ? `tensor: ragged nested array: ${Where<Path>} is an array where a number was expected`
    : never;
type RaggedRows<T extends readonly unknown[], S extends readonly number[], Path extends string, I extends 0[]> = T extends readonly [infer H, ...infer R]
  ? RaggedAt<H, S, `${Path}[${I["length"]}]`> extends infer M
    ? [M] extends [never]
      ? RaggedRows<R, S, Path, [...I, 0]>
      : M
    : never
  : never;
type Where<Path extends string> = Path extends "" ? "the data" : Path;
/** The element types of nested data (never for empty arrays). */
type Leaves<T, Depth extends unknown[] = []> = Depth["length"] extends 10
  ? number
  : T extends readonly (infer E)[]
    ? Leaves<E, [...Depth, 0]>
    : T;
/** "bool" when every element is a boolean (as at run time); "float32" otherwise, also for empty data. */
type DataDType<T> = [Leaves<T>] extends [never] ? "float32" : [Leaves<T>] extends [boolean] ? "bool" : "float32";

/** Small integer typed arrays (bytes, pixels) become int32 with their values; "bool" only when asked for. */
type SmallIntArray = Uint8Array | Uint8ClampedArray | Int8Array | Int16Array | Uint16Array;
type ArrayDType<A> = A extends Float64Array ? "float64" : A extends Int32Array | SmallIntArray ? "int32" : A extends Uint32Array ? "uint32" : "float32";
type FlatData = Float32Array | Float64Array | Int32Array | Uint32Array | SmallIntArray | readonly number[];

const arrayDType = (src: unknown): DType =>
  src instanceof Float64Array
    ? "float64"
    : src instanceof Int32Array || src instanceof Uint8Array || src instanceof Uint8ClampedArray || src instanceof Int8Array || src instanceof Int16Array || src instanceof Uint16Array
      ? "int32"
      : src instanceof Uint32Array
        ? "uint32"
        : "float32";

/** Wraps host data (already validated) as a tensor on the default backend. */
export function fromHost(data: AnyTypedArray, shape: readonly number[], dtype: DType): AnyTensor {
  return hostValue(new HostArray(data, [...shape], dtype)) as AnyTensor;
}

/**
 * Creation's rule (tensor, full, arange, fullLike): a value outside an integer dtype's range is
 * an error, rather than wrapping around or saturating; within it, a fraction truncates toward
 * zero (as jnp.array(1.5, dtype=int32)), and floats round to the dtype (1e40 is Infinity in
 * float32). Conversion of tensors (`astype`) saturates instead, as JAX / XLA convert (castScalar
 * in ir/dtype.ts).
 */
export function checkRange(op: string, dtype: DType, v: number): void {
  if (dtype === "int32" && !(v >= -(2 ** 31) && v < 2 ** 31)) throw new RangeError(`${op}: ${v} does not fit in int32`);
  if (dtype === "uint32" && !(v >= 0 && v < 2 ** 32)) throw new RangeError(`${op}: ${v} does not fit in uint32`);
}

/** The dtype argument of a public op; the error lists the valid dtypes (DTYPES). */
export function checkDType(op: string, d: unknown): DType {
  if (!isDType(d)) throw new TypeError(`${op}: unknown dtype ${JSON.stringify(d)} (use ${DTYPES.slice(0, -1).join(", ")} or ${DTYPES[DTYPES.length - 1]})`);
  return d;
}

/** Validates a nested array (rectangular, numbers or booleans only) and returns its shape. */
function nestedShape(data: unknown): number[] {
  const shape: number[] = [];
  for (let d: unknown = data; Array.isArray(d); d = d[0]) shape.push(d.length);
  const walk = (d: unknown, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (Array.isArray(d)) shapeError(raggedArrayMsg(path));
      if (typeof d !== "number" && typeof d !== "boolean") {
        throw new TypeError(`tensor: elements must be numbers or booleans, got ${d === null ? "null" : typeof d} at ${path || "the top"}`);
      }
      return;
    }
    if (!Array.isArray(d) || d.length !== shape[axis]) {
      shapeError(Array.isArray(d) ? raggedLengthMsg(path, d.length, shape[axis]!) : raggedScalarMsg(path, shape[axis]!));
    }
    for (let i = 0; i < d.length; i++) {
      // a sparse array (`[1, , 3]`): forEach and flat would skip the hole
      if (!(i in d)) throw new TypeError(`tensor: the nested array has a hole at ${path}[${i}]`);
      walk(d[i], axis + 1, `${path}[${i}]`);
    }
  };
  walk(data, 0, "");
  return shape;
}

/**
 * A tensor from data. Nested arrays infer their shape (`tensor([[1, 2], [3, 4]])` is
 * `Tensor<[2, 2]>`); a flat array or typed array takes an explicit shape. Without a dtype, a
 * Float64Array is float64; an Int32Array, Uint8Array, Uint8ClampedArray, Int8Array, Int16Array or
 * Uint16Array is int32 with its values (bytes are not bools: pass "bool" for that); anything else
 * float32. A value the dtype cannot hold (`tensor([3e9], "int32")`) is an error: creation never
 * wraps or saturates (astype saturates, as JAX).
 */
export function tensor<const T extends NestedData, D extends DType = DataDType<T>>(data: Check<DataCheck<T>, T>, dtype?: D): Tensor<DataShape<T>, D>;
export function tensor<const A extends FlatData, const S extends Shape, D extends DType = ArrayDType<A>>(data: A, shape: S, dtype?: D): Tensor<[...S], D>;
export function tensor(data: unknown, shapeOrDtype?: unknown, maybeDtype?: unknown): AnyTensor {
  if (Array.isArray(shapeOrDtype)) {
    const shape = checkShapeArg("tensor", shapeOrDtype);
    const src = data as FlatData;
    if (!ArrayBuffer.isView(src) && !Array.isArray(src)) throw new TypeError("tensor: with a shape, data must be a typed array or an array of numbers");
    const dtype = checkDType("tensor", maybeDtype ?? arrayDType(src));
    if (src.length !== sizeOf(shape)) {
      shapeError(`tensor: data has ${src.length} elements but shape ${showShape(shape)} needs ${sizeOf(shape)}`);
    }
    const out = allocate(dtype, src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (Array.isArray(src) && !(i in src)) throw new TypeError(`tensor: the array has a hole at element ${i}`);
      if (typeof v !== "number") throw new TypeError(`tensor: element ${i} is not a number`);
      checkRange("tensor", dtype, v);
      out[i] = castScalar(dtype, v);
    }
    return fromHost(out, shape, dtype);
  }
  const shape = nestedShape(data);
  const flat = shape.length === 0 ? [data] : (data as unknown[]).flat(shape.length);
  const isBool = flat.length > 0 && flat.every((v) => typeof v === "boolean");
  const dtype = checkDType("tensor", shapeOrDtype ?? (isBool ? "bool" : "float32"));
  const out = allocate(dtype, flat.length);
  flat.forEach((v, i) => {
    checkRange("tensor", dtype, Number(v));
    out[i] = castScalar(dtype, Number(v));
  });
  return fromHost(out, shape, dtype);
}

/** `value` everywhere (a value the dtype cannot hold is an error, as for tensor). */
export function full<const S extends Shape, D extends DType = "float32">(shape: S, value: number, dtype?: D): Tensor<[...S], D> {
  return fullImpl("full", shape, value, dtype) as Tensor<[...S], D>;
}
export function zeros<const S extends Shape, D extends DType = "float32">(shape: S, dtype?: D): Tensor<[...S], D> {
  return fullImpl("zeros", shape, 0, dtype) as Tensor<[...S], D>;
}
export function ones<const S extends Shape, D extends DType = "float32">(shape: S, dtype?: D): Tensor<[...S], D> {
  return fullImpl("ones", shape, 1, dtype) as Tensor<[...S], D>;
}
function fullImpl(op: string, shape: unknown, value: unknown, dtype: unknown): AnyTensor {
  const s = checkShape(op, shape);
  const d = checkDType(op, dtype ?? "float32");
  if (typeof value !== "number") throw new TypeError(`${op}: value must be a number`);
  checkRange(op, d, value);
  const out = allocate(d, sizeOf(s));
  out.fill(castScalar(d, value));
  return fromHost(out, s, d);
}

function checkShape(op: string, shape: unknown): number[] {
  return [...checkShapeArg(op, shape)];
}

type ArangeLen<Start extends number, Stop extends number, Step extends number> = Step extends 1 ? Max0<Sub<Stop, Start>> : CeilDiv<Max0<Sub<Stop, Start>>, Step>;

/**
 * [0, 1, ..., n-1], or [start, start+step, ...) below stop; float32 unless `dtype` is given
 * (`arange(10, "int32")` is `Tensor<[10], "int32">`; an int32 range must hold every value).
 */
export function arange<const N extends number, D extends DType = "float32">(n: N, dtype?: D): Tensor<[ArangeLen<0, N, 1>], D>;
export function arange<const A extends number, const B extends number, const St extends number = 1, D extends DType = "float32">(
  start: A,
  stop: B,
  step?: St,
  dtype?: D,
): Tensor<[ArangeLen<A, B, St>], D>;
export function arange(a: number, b?: number | DType, c?: number, d?: DType): AnyTensor {
  const [start, stop, step, dt] = typeof b === "number" ? [a, b, c ?? 1, d] : [0, a, 1, b];
  if (![start, stop, step].every(Number.isFinite) || step === 0) throw new RangeError("arange: start, stop and step must be finite and step non-zero");
  const dtype = checkDType("arange", dt ?? "float32");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  checkSize("arange", [n]);
  if (n > 0) [start, start + (n - 1) * step].forEach((v) => checkRange("arange", dtype, v));
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = castScalar(dtype, start + i * step);
  return fromHost(out, [n], dtype);
}

/** `num` evenly spaced points from start to stop, inclusive. */
export function linspace<const N extends number, D extends "float32" | "float64" = "float32">(start: number, stop: number, num: N, dtype?: D): Tensor<[N], D> {
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  checkSize("linspace", [num]);
  const d = checkDType("linspace", dtype ?? "float32");
  const out = allocate(d, num);
  for (let i = 0; i < num; i++) out[i] = num === 1 ? start : start + ((stop - start) * i) / (num - 1);
  return fromHost(out, [num], d) as Tensor<[N], D>;
}

/** Identity matrix (n x m, default square). */
export function eye<const N extends number, const M extends number = N, D extends DType = "float32">(n: N, m?: M, dtype?: D): Tensor<[N, M], D> {
  const cols = m ?? n;
  checkShape("eye", [n, cols]);
  const d = checkDType("eye", dtype ?? "float32");
  const out = allocate(d, n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) out[i * cols + i] = 1;
  return fromHost(out, [n, cols], d) as Tensor<[N, M], D>;
}
