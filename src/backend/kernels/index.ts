/** CPU kernels for the backend: WebAssembly SIMD where it pays, generated JS elsewhere. */
export { matmulF32, matmulF64, buildGemmModule } from "./matmul.js";
export type { MatmulOptions } from "./matmul.js";
export { E, compileElementwise, compileElementwiseJs, compileElementwiseWasm, compileElementwiseF64 } from "./elementwise.js";
export type { Expr, UnaryOp, BinaryOp, InputLayout, ElementwiseSpec, ElementwiseKernel, ElementwiseBackend, CompileOptions } from "./elementwise.js";
export { wasmSimdSupported } from "./wasm.js";
