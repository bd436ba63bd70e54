/**
 * The Tensor methods' implementations: each is the free function of the same name with the
 * tensor as its first argument, installed on the Tensor prototype. The table is checked against
 * the declared methods (tensor/methods.ts), so a method without an implementation is a compile
 * error.
 */
import type { TensorMethods } from "../tensor/methods.js";
import { Tensor } from "../tensor/tensor.js";
import * as ew from "./elementwise.js";
import * as red from "./reduce.js";
import * as sh from "./shape.js";
import * as la from "./linalg.js";
import * as rx from "./reduce-extra.js";
import * as ix from "./indexing.js";
import * as su from "./shape-utils.js";

type Impl = (x: never, ...args: never[]) => unknown;

const METHODS: { readonly [K in keyof TensorMethods]-?: Impl } = {
  add: ew.add, sub: ew.sub, mul: ew.mul, div: ew.div, pow: ew.pow, maximum: ew.maximum, minimum: ew.minimum,
  less: ew.less, lessEqual: ew.lessEqual, greater: ew.greater, greaterEqual: ew.greaterEqual, equal: ew.equal, notEqual: ew.notEqual,
  neg: ew.neg, abs: ew.abs, sign: ew.sign, square: ew.square, relu: ew.relu, exp: ew.exp, log: ew.log, log1p: ew.log1p,
  sin: ew.sin, cos: ew.cos, tan: ew.tan, tanh: ew.tanh, sqrt: ew.sqrt, cbrt: ew.cbrt, reciprocal: ew.reciprocal, sigmoid: ew.sigmoid,
  softplus: ew.softplus, astype: ew.astype,
  sum: red.sum, prod: red.prod, max: red.max, min: red.min, mean: red.mean,
  reshape: sh.reshape, flatten: sh.flatten, expandDims: sh.expandDims, squeeze: sh.squeeze, transpose: sh.transpose,
  broadcastTo: sh.broadcastTo, index: sh.index, slice: sh.slice, diagonal: sh.diagonal,
  matmul: la.matmul,
  // reductions, scans, sorting
  argmax: rx.argmax, argmin: rx.argmin, any: rx.any, all: rx.all, var: rx.variance, std: rx.std,
  cumsum: rx.cumsum, cumprod: rx.cumprod, sort: rx.sort, argsort: rx.argsort,
  // math
  erf: ew.erf, erfc: ew.erfc, expm1: ew.expm1, log2: ew.log2, log10: ew.log10, rsqrt: ew.rsqrt, asin: ew.asin, acos: ew.acos, atan: ew.atan,
  sinh: ew.sinh, cosh: ew.cosh, asinh: ew.asinh, acosh: ew.acosh, atanh: ew.atanh, floor: ew.floor, ceil: ew.ceil, trunc: ew.trunc, round: ew.round,
  isnan: ew.isnan, isinf: ew.isinf, isfinite: ew.isfinite, nanToNum: ew.nanToNum, mod: ew.mod, remainder: ew.remainder, floorDivide: ew.floorDivide,
  // indexing, gather and scatter
  take: ix.take, at: ix.at,
  // shape utilities
  repeat: su.repeat,
};

for (const [name, fn] of Object.entries(METHODS)) {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: unknown, ...args: unknown[]) {
      return (fn as (...a: unknown[]) => unknown)(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
