import { flatten } from "./tree.js";
import { vjpImpl, jvpImpl } from "./grad.js";
import { vmapImpl } from "./vmap.js";
import { sizeOf } from "../ir/aval.js";
import { isFloat } from "../ir/dtype.js";
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import type { TreeFn } from "./trace-tree.js";
import * as lax from "../prims/lax.js";
import { HostArray } from "../ir/host-array.js";
import { fromHost as hostValue } from "../ir/trace.js";
import { allocate } from "../ir/dtype.js";
import { diffDTypeMsg } from "../tensor/messages.js";

/** The standard basis of a space of shape `shape`, stacked: [n, ...shape]. */
function basis(shape: readonly number[], dtype: AnyTensor["dtype"]): AnyTensor {
  const n = sizeOf(shape);
  const data = allocate(dtype, n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return hostValue(new HostArray(data, [n, ...shape], dtype)) as AnyTensor;
}

function singleTensorArg(name: string, args: readonly unknown[], argnum: number): AnyTensor {
  if (!Number.isInteger(argnum) || argnum < 0 || argnum >= args.length) {
    throw new Error(`${name}: argnums ${argnum} is out of range for a call with ${args.length} arguments`);
  }
  const x = args[argnum];
  if (!(x instanceof Tensor)) throw new Error(`${name}: argument ${argnum} must be a tensor`);
  if (!isFloat(x.dtype)) throw new Error(diffDTypeMsg(name, `${argnum}`, x.dtype));
  return x as AnyTensor;
}

function singleTensorOut(name: string, out: unknown): AnyTensor {
  const [leaves, def] = flatten(out);
  if (def.kind !== "leaf") throw new Error(`${name}: the function must return a single tensor`);
  return leaves[0]!;
}

const withArg = (args: readonly unknown[], i: number, v: unknown) => args.map((a, k) => (k === i ? v : a));

/** Jacobian by forward mode: one jvp per input element, batched with vmap. Shape [...out, ...in]. */
export function jacfwdImpl(f: TreeFn, args: readonly unknown[], argnum: number, name = "jacfwd"): AnyTensor {
  const x = singleTensorArg(name, args, argnum);
  const call = f as (...a: unknown[]) => unknown;
  const pushforward = (t: unknown) =>
    singleTensorOut("jacfwd", jvpImpl((xi: never) => call(...withArg(args, argnum, xi)), [x], [t])[1]);
  const cols = vmapImpl(pushforward as TreeFn, [basis(x.shape, x.dtype)], 0, 0) as AnyTensor; // [n, ...out]
  const last = lax.moveAxis(cols, 0, cols.shape.length - 1);
  return lax.reshape(last, [...cols.shape.slice(1), ...x.shape]);
}

/** Jacobian by reverse mode: one vjp per output element, batched with vmap. Shape [...out, ...in]. */
export function jacrevImpl(f: TreeFn, args: readonly unknown[], argnum: number, name = "jacrev"): AnyTensor {
  const x = singleTensorArg(name, args, argnum);
  const call = f as (...a: unknown[]) => unknown;
  const [out, back] = vjpImpl((xi: never) => call(...withArg(args, argnum, xi)), [x]);
  const y = singleTensorOut(name, out);
  if (!isFloat(y.dtype)) throw new Error(`${name}: the function's output must be float, got ${y.dtype}`);
  const rows = vmapImpl(((c: AnyTensor) => back(c)[0]) as TreeFn, [basis(y.shape, y.dtype)], 0, 0) as AnyTensor; // [m, ...in]
  return lax.reshape(rows, [...y.shape, ...x.shape]);
}
