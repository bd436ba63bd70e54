/**
 * The internal op layer: one function per primitive, on untyped tensors, with no broadcasting or
 * dtype promotion (operands already agree). Each family file defines its own; this module gathers
 * them for the layers above (the public ops, the transformations), which import them as `lax`.
 */
export { scalar, full, zerosLike, onesLike, broadcastInDim, reshape, reduceSum, unreduce, expandDims, broadcastLeading } from "./broadcast.js";
export {
  neg, exp, log, log1p, sin, cos, tan, tanh, sqrt, cbrt, abs, sign, logistic, integerPow, stopGradient, convert,
  add, sub, mul, div, pow, max, min, lt, le, gt, ge, eq, ne, select, mulScalar, addAny,
} from "./elementwise.js";
export { transpose, slice, pad, concatenate, moveAxis, inversePerm } from "./structural.js";
export { reduceMax, reduceMin, reduceProd } from "./reduce.js";
export { dotGeneral, type DotGeneralParams } from "./dot.js";
