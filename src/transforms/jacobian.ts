import { flatten, unflatten, leafPaths, type TreeDef } from "./tree.js";
import { vjpImpl, jvpImpl } from "./grad.js";
import { vmapImpl } from "./vmap.js";
import { sizeOf } from "../ir/aval.js";
import { isFloat } from "../ir/dtype.js";
import type { AnyTensor } from "../tensor/tensor.js";
import type { TreeFn } from "./trace-tree.js";
import * as lax from "../prims/lax.js";
import { HostArray } from "../ir/host-array.js";
import { fromHost as hostValue } from "../ir/trace.js";
import { allocate } from "../ir/dtype.js";
import { diffDTypeMsg, diffNoTensorMsg } from "../tensor/messages.js";

/** The standard basis of a space of shape `shape`, stacked: [n, ...shape]. */
function basis(shape: readonly number[], dtype: AnyTensor["dtype"]): AnyTensor {
  const n = sizeOf(shape);
  const data = allocate(dtype, n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return hostValue(new HostArray(data, [n, ...shape], dtype)) as AnyTensor;
}

/** The argument differentiated: a tensor or a pytree of float tensors (its leaves and structure). */
function treeArg(name: string, args: readonly unknown[], argnum: number): [unknown, AnyTensor[], TreeDef] {
  if (!Number.isInteger(argnum) || argnum < 0 || argnum >= args.length) {
    throw new Error(`${name}: argnums ${argnum} is out of range for a call with ${args.length} arguments`);
  }
  const x = args[argnum];
  const [leaves, def] = flatten(x);
  if (leaves.length === 0) throw new Error(diffNoTensorMsg(name, argnum));
  const k = leaves.findIndex((l) => !isFloat(l.dtype));
  if (k >= 0) throw new Error(diffDTypeMsg(name, `${argnum}${leafPaths(x)[k]}`, leaves[k]!.dtype));
  return [x, leaves, def];
}

const withArg = (args: readonly unknown[], i: number, v: unknown) => args.map((a, k) => (k === i ? v : a));

/** Leaf i of a structure holding `leaves`, `v` there and zeros elsewhere (a one-leaf seed). */
const seedAt = (def: TreeDef, leaves: readonly AnyTensor[], i: number, v: unknown) =>
  unflatten(def, leaves.map((l, k) => (k === i ? v : lax.zerosLike(l))));

/**
 * The blocks J[j][i] (output leaf j, input leaf i) assembled as JAX does: a tree like the output
 * whose leaves are trees like the input (a plain tensor when both are tensors).
 */
const assemble = (outDef: TreeDef, inDef: TreeDef, blocks: AnyTensor[][]) => unflatten(outDef, blocks.map((row) => unflatten(inDef, row)));

/**
 * Jacobian by forward mode: one jvp per input element, batched with vmap, input leaf by input
 * leaf. Each block has shape [...out, ...in]. The input and the output may be pytrees.
 */
export function jacfwdImpl(f: TreeFn, args: readonly unknown[], argnum: number, name = "jacfwd"): unknown {
  const [x, xs, xdef] = treeArg(name, args, argnum);
  const call = f as (...a: unknown[]) => unknown;
  let outDef: TreeDef | undefined;
  const cols = xs.map((xi, i) => {
    const pushforward = (t: unknown) => {
      const [tl, d] = flatten(jvpImpl((x2: never) => call(...withArg(args, argnum, x2)), [x], [seedAt(xdef, xs, i, t)])[1]);
      outDef = d;
      return tl;
    };
    const c = vmapImpl(pushforward as TreeFn, [basis(xi.shape, xi.dtype)], 0, 0) as AnyTensor[]; // leaf j: [n_i, ...out_j]
    return c.map((cj) => lax.reshape(lax.moveAxis(cj, 0, cj.shape.length - 1), [...cj.shape.slice(1), ...xi.shape]));
  });
  if (cols[0]!.length === 0) throw new Error(`${name}: the function's output holds no tensor`);
  return assemble(outDef!, xdef, cols[0]!.map((_, j) => cols.map((c) => c[j]!)));
}

/**
 * Jacobian by reverse mode: one vjp per output element, batched with vmap, output leaf by output
 * leaf. Each block has shape [...out, ...in]. The input and the output may be pytrees.
 */
export function jacrevImpl(f: TreeFn, args: readonly unknown[], argnum: number, name = "jacrev"): unknown {
  const [x, xs, xdef] = treeArg(name, args, argnum);
  const call = f as (...a: unknown[]) => unknown;
  const [out, back] = vjpImpl((x2: never) => call(...withArg(args, argnum, x2)), [x]);
  const [ys, ydef] = flatten(out);
  if (ys.length === 0) throw new Error(`${name}: the function's output holds no tensor`);
  const bad = ys.findIndex((y) => !isFloat(y.dtype));
  if (bad >= 0) throw new Error(`${name}: the function's output must be float, got ${ys[bad]!.dtype}`);
  const rows = ys.map((y, j) => {
    const pullback = (c: AnyTensor) => flatten(back(seedAt(ydef, ys, j, c))[0])[0];
    const r = vmapImpl(pullback as TreeFn, [basis(y.shape, y.dtype)], 0, 0) as AnyTensor[]; // leaf i: [m_j, ...in_i]
    return r.map((ri, i) => lax.reshape(ri, [...y.shape, ...xs[i]!.shape]));
  });
  return assemble(ydef, xdef, rows);
}
