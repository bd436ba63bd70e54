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
  // shape utilities (issue 9)
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
