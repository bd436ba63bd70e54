/** shapegrad: shape-typed tensors, JAX-style composable transformations, staged compilation. */
// start-up: the Tensor methods and the runtime (backend choice, compilation) install themselves
import "./ops/methods.js";
import "./runtime/execute.js";
export { Tensor, type AnyTensor, type NestedArray } from "./tensor/tensor.js";
export type { TensorMethods } from "./tensor/methods.js";
export { tensor, zeros, ones, full, arange, linspace, eye, type NestedData } from "./tensor/create.js";
export * as random from "./random/random.js";
export type { PRNGKey } from "./random/random.js";
export type { DType, FloatDType } from "./ir/dtype.js";
export type * from "./shape/index.js";

export * from "./ops/elementwise.js";
export { sum, mean, max, min, prod, type AxisArg } from "./ops/reduce.js";
export { reshape, flatten, expandDims, squeeze, transpose, moveAxis, broadcastTo, index, slice, concatenate, stack, diagonal, trace } from "./ops/shape.js";
export { matmul, dot, outer } from "./ops/linalg.js";
export { ShapeMismatchError } from "./tensor/checks.js";
export type { Operand } from "./tensor/types.js";
// indexing, gather and scatter
export { take, takeAlongAxis, dynamicSlice, dynamicUpdateSlice, at, type StartIndex } from "./ops/indexing.js";
export type { AtIndexer } from "./tensor/at.js";

export { grad, valueAndGrad, vjp, jvp, vmap, jacfwd, jacrev, jacobian, hessian, jit, makeGraph, type Jitted } from "./transforms/api.js";
export { Graph } from "./ir/graph.js";
export { setBackend, defaultBackend, type BackendName } from "./runtime/registry.js";
export type { Backend } from "./ir/backend.js";
export type { DeviceArray } from "./ir/device.js";
export * as nn from "./nn/index.js";
export { treeMap } from "./transforms/tree.js";
export { initBackend, type InitOptions } from "./runtime/init.js";
export type { Transformed, GradFn, ValueAndGradFn, VmapFn, JacobianFn, HessianFn, VjpResult, JvpResult } from "./transforms/types.js";
// reductions, scans, sorting (`var` is jnp.var; the function is named variance inside)
export { argmax, argmin, any, all, variance as var, std, norm, logsumexp, cumsum, cumprod, cummax, cummin, sort, argsort, topK } from "./ops/reduce-extra.js";
export type { VarOptions, NormOrd, CumulativeOptions, SortOptions } from "./ops/reduce-extra.js";

// einsum
export { einsum } from "./ops/einsum.js";
// random numbers: bitwise ops on the integer words that keys and bits are made of
export { bitwiseXor, bitwiseAnd, bitwiseOr, leftShift, rightShift } from "./ops/bitwise.js";
// shape utilities
export { pad, flip, roll, tile, repeat, split, tril, triu, meshgrid, zerosLike, onesLike, fullLike, type PadMode, type PadOptions, type MeshgridOptions } from "./ops/shape-utils.js";
// custom derivatives, rematerialisation, linearize
export { customJvp, customVjp, checkpoint, linearize, type CheckBwd, type LinearizeResult } from "./transforms/custom.js";
// transformations: hasAux (vjpWithAux is vjp with has_aux) and jit's options
export { vjpWithAux, type JitOptions } from "./transforms/api.js";
export { PLAN_CACHE_SIZE, RETRACE_WARNING } from "./transforms/jit.js";
export type { GradAuxFn, ValueAndGradAuxFn, VjpAuxResult } from "./transforms/types.js";

// issue 10: control flow (lax.scan, lax.foriLoop)
export * as lax from "./lax/index.js";

// issue 11: linear algebra (jnp.linalg)
export * as linalg from "./linalg/index.js";
// issue 12: checkpoints (safetensors); Node file helpers are in src/io/node.ts, outside this entry
export { saveSafetensors, loadSafetensors, type SaveSafetensorsOptions } from "./io/safetensors.js";
// issue 12: tree utilities (jax.tree_util's names; `tree` is jax.tree)
export { treeLeaves, treeFlatten, treeUnflatten, treeStructure, treeReduce, PyTreeDef, type TreeLeaf } from "./transforms/tree.js";
export * as tree from "./tree/index.js";
// loading gpu.js on demand (browsers): the async twin of setBackend, and the backend names by kind
export { useBackend, type CpuBackendName, type GpuBackendName } from "./runtime/registry.js";
// issue 15: Taylor mode (jax.experimental.jet)
export { jet, type JetResult, type SeriesOut } from "./transforms/jet.js";
// backend choice (issue 13): whether a backend can run here, and every backend name
export { backendAvailable } from "./runtime/init.js";
export { backendNames } from "./runtime/registry.js";
// issue 14: a generic function's type-level twin, which the transformations read (nn's layers' apply carry one)
export type { TypeFn, TypeFnFail, WithTypeFn } from "./transforms/types.js";
