/**
 * What the layers share: their run-time input checks (the twins of shape/layers.ts) and the public
 * ops untyped, for layer bodies that compute on tensors whose shapes are checked at their entry.
 */
import { Tensor as TensorClass, type AnyTensor } from "../tensor/tensor.js";
import * as el from "../ops/elementwise.js";
import * as red from "../ops/reduce.js";
import * as sh from "../ops/shape.js";
import { matmul } from "../ops/linalg.js";
import { einsum } from "../ops/einsum.js";
import { softmax } from "./softmax.js";
import { shapeError } from "../tensor/checks.js";
import { featuresMsg, sequenceRankMsg } from "../tensor/messages.js";
import type { TypeFn, WithTypeFn, typeFnCall } from "../transforms/types.js";

type T = AnyTensor;
type Untyped = (...args: never[]) => unknown;
const u = (f: Untyped) => f as unknown as (...args: unknown[]) => T;

/** The public ops on untyped tensors (broadcasting and dtype promotion included). */
export const o = {
  add: u(el.add),
  sub: u(el.sub),
  mul: u(el.mul),
  div: u(el.div),
  where: u(el.where),
  sqrt: u(el.sqrt),
  rsqrt: u(el.rsqrt),
  square: u(el.square),
  tanh: u(el.tanh),
  sigmoid: u(el.sigmoid),
  logicalAnd: u(el.logicalAnd),
  greaterEqual: u(el.greaterEqual),
  astype: u(el.astype),
  mean: u(red.mean),
  reshape: u(sh.reshape),
  broadcastTo: u(sh.broadcastTo),
  matmul: u(matmul),
  softmax: u(softmax),
  einsum: u(einsum),
};

/** x as a float tensor, or a TypeError naming the layer. */
export function floatInput(op: string, x: unknown): T {
  if (!(x instanceof TensorClass)) throw new TypeError(`${op}: expected a tensor, got ${x === null ? "null" : typeof x}`);
  const t = x as T;
  if (t.dtype !== "float32" && t.dtype !== "float64") throw new TypeError(`${op}: expects a float tensor, got ${t.dtype}`);
  return t;
}

/** x's last dim must be the layer's features (FeatureCheck). */
export function checkFeatures(op: string, x: unknown, features: number): T {
  const t = floatInput(op, x);
  if (t.shape.length === 0 || t.shape[t.shape.length - 1] !== features) shapeError(featuresMsg(op, t.shape, features));
  return t;
}

/** x must be [..., length, features] (SequenceCheck), with the layer's features last. */
export function checkSequence(op: string, x: unknown, features: number): T {
  const t = floatInput(op, x);
  if (t.shape.length < 2) shapeError(sequenceRankMsg(op, t.shape));
  return checkFeatures(op, t, features);
}

/** A positive integer size, or a RangeError naming the layer and the option. */
export function checkSize(op: string, name: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new RangeError(`${op}: ${name} must be a positive integer, got ${String(n)}`);
  return n;
}

/**
 * A function typed as T, a layer's apply interface (`nn.MLPApply<[2, 1]>`: its call signature and
 * the type-level twin by which vmap keeps its shapes, transforms/types.ts's WithTypeFn): the same
 * function, its parameters and result checked against T's call signature. T comes from where it is
 * written: `const mine: nn.MLP<[2, 1]> = { sizes, init, apply: nn.withTypeFn(function (params, x) { ... }) }`.
 */
export const withTypeFn = <T extends WithTypeFn<TypeFn, unknown>>(f: NonNullable<T[typeof typeFnCall]>): T => f as unknown as T;
