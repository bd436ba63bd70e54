import type { AbstractValue } from "./aval.js";
import type { DType } from "./dtype.js";
import type { DeviceArray } from "./device.js";
import type { Var } from "./graph.js";

/** A trace as its values see it (ir/trace.ts's Builder): closed once finished, nested in a parent. */
export interface TraceScope {
  readonly closed: boolean;
  readonly parent: TraceScope | null;
}

/** Where a symbolic value lives: the trace that records it and its variable there. */
export interface TraceRef {
  readonly builder: TraceScope;
  readonly v: Var;
}

/**
 * What the IR knows of a value: its abstract value and either a concrete array or a trace
 * variable. The Tensor class (tensor/) is the one implementation; the IR creates values through
 * the factory that tensor/tensor.ts installs, so it never imports the layer above.
 */
export interface Value {
  readonly aval: AbstractValue;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly _trace: TraceRef | null;
  _device(): DeviceArray;
}
