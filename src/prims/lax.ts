/**
 * The internal op layer: one function per primitive, on untyped tensors, with no broadcasting or
 * dtype promotion (operands already agree). Each family file defines its own next to its
 * primitives; this module gathers them (and the primitives) for the layers above, which import
 * it as `lax`. A new op needs no line here.
 */
export * from "./broadcast.js";
export * from "./elementwise.js";
export * from "./structural.js";
export * from "./reduce.js";
export * from "./dot.js";
