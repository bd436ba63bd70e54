import { showShape } from "../ir/aval.js";
import type { DType } from "../ir/dtype.js";

/** How a tensor type reads in messages: `Tensor<[64]>`, `Tensor<[64], int32>` for other dtypes (as the types show them). */
export const showTensorType = (shape: readonly number[], dtype: DType): string => `Tensor<${showShape(shape)}${dtype === "float32" ? "" : `, ${dtype}`}>`;

/** `scan: the carry goes in as Tensor<[64]> and comes out as Tensor<[1, 64]>` (the leaf's path after "carry" in a pytree); the twin of ScanCarryError (lax/types.ts). */
export const scanCarryMessage = (op: string, path: string, inShape: readonly number[], inDtype: DType, outShape: readonly number[], outDtype: DType): string =>
  `${op}: the carry${path} goes in as ${showTensorType(inShape, inDtype)} and comes out as ${showTensorType(outShape, outDtype)}`;
