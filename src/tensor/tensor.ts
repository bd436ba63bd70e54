import type { AbstractValue } from "../ir/aval.js";
import type { AnyTypedArray, DType, TypedArrayFor } from "../ir/dtype.js";
import type { Var } from "../ir/graph.js";
import { installValues, type Builder } from "../ir/trace.js";
import type { DeviceArray } from "../ir/device.js";
import type { HostArray } from "../ir/host-array.js";
import type { TraceRef, Value } from "../ir/value.js";
import type { Shape } from "../shape/core.js";

/** Nested JS arrays of the given shape: what `toArray()` returns. */
export type NestedArray<S extends Shape, E> = S extends readonly []
  ? E
  : S extends readonly [number, ...infer R extends Shape]
    ? NestedArray<R, E>[]
    : unknown[];

type Element<D extends DType> = D extends "bool" ? boolean : number;

/**
 * A tensor whose shape is part of its type: `Tensor<[4096, 2]>`. A literal dim is checked at
 * compile time, `number` at run time. A tensor is either concrete (it owns an array on a
 * backend) or symbolic (a value inside a trace of grad, vmap, jit or makeGraph).
 */
export class Tensor<S extends Shape = Shape, D extends DType = "float32"> implements Value {
  /** @internal */ readonly _trace: TraceRef | null;
  /** @internal */ private readonly _value: DeviceArray | null;
  readonly shape: S;
  readonly dtype: D;

  private constructor(aval: AbstractValue, value: DeviceArray | null, trace: TraceRef | null) {
    this.shape = Object.freeze([...aval.shape]) as unknown as S;
    this.dtype = aval.dtype as D;
    this._value = value;
    this._trace = trace;
  }

  /** @internal */
  static _fromDevice(a: DeviceArray): AnyTensor {
    return new Tensor(a.aval, a, null);
  }

  /** @internal */
  static _fromTrace(builder: Builder, v: Var): AnyTensor {
    return new Tensor(v.aval, null, { builder, v });
  }

  get aval(): AbstractValue {
    return this;
  }

  get rank(): S["length"] {
    return this.shape.length;
  }

  get size(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }

  /** True for a symbolic tensor inside a transformation. */
  get isTraced(): boolean {
    return this._trace !== null;
  }

  /** @internal The concrete array; throws for a symbolic tensor. */
  _device(): DeviceArray {
    if (this._value === null) throw notConcrete("read the value");
    return this._value;
  }

  /** The elements, row-major, read from the device. */
  async data(): Promise<TypedArrayFor<D>> {
    const d = this._device();
    const h = await d.backend.toHost(d);
    return h.data.slice() as TypedArrayFor<D>;
  }

  /** The elements, read synchronously; throws where the backend can only read asynchronously. */
  dataSync(): TypedArrayFor<D> {
    return this._host().data.slice() as TypedArrayFor<D>;
  }

  /** The elements as nested JS arrays. */
  toArray(): NestedArray<S, Element<D>> {
    const h = this._host();
    return nest(h.data, h.shape, this.dtype === "bool") as NestedArray<S, Element<D>>;
  }

  /** The single element of a tensor of size 1. */
  item(): Element<D> {
    const h = this._host();
    if (h.data.length !== 1) {
      throw new Error(`item: tensor of shape [${this.shape.join(", ")}] has ${h.data.length} elements, not 1`);
    }
    const v = h.data[0]!;
    return (this.dtype === "bool" ? v !== 0 : v) as Element<D>;
  }

  private _host(): HostArray {
    const d = this._device();
    return d.backend.toHostSync(d);
  }

  toString(): string {
    const head = `Tensor<[${this.shape.join(", ")}], ${this.dtype}>`;
    if (this._value === null) return `${head} (traced)`;
    try {
      return `${head} ${JSON.stringify(this.toArray())}`;
    } catch {
      return head;
    }
  }
}

/** A tensor of any shape and dtype: the currency of the internals. */
export type AnyTensor = Tensor<Shape, DType>;

// the IR makes its values through this (it cannot import the Tensor class)
installValues({ traced: (b, v) => Tensor._fromTrace(b, v), concrete: (a) => Tensor._fromDevice(a) });

function notConcrete(what: string): Error {
  return new Error(
    `shapegrad: cannot ${what} of a traced tensor: inside grad, vmap, jit or makeGraph values are symbolic. ` +
      "Return it from the transformed function and read it outside.",
  );
}

function nest(data: AnyTypedArray, shape: readonly number[], bool: boolean): unknown {
  const conv = (x: number) => (bool ? x !== 0 : x);
  if (shape.length === 0) return conv(data[0]!);
  const go = (offset: number, axis: number): unknown[] => {
    const n = shape[axis]!;
    let stride = 1;
    for (let i = axis + 1; i < shape.length; i++) stride *= shape[i]!;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = axis === shape.length - 1 ? conv(data[offset + i]!) : go(offset + i * stride, axis + 1);
    }
    return out;
  };
  return go(0, 0);
}
