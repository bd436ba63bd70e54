import { flatten, unflatten, checkSameTree, leafCount, leafPaths, type TreeDef } from "./tree.js";
import { diffDTypeMsg, diffNoTensorMsg } from "../tensor/messages.js";
import { traceTree, type TreeFn, type TracedTree } from "./trace-tree.js";
import { vjpGraph, jvpGraph } from "../prims/interpreters.js";
import { isFloat } from "../ir/dtype.js";
import { showShape } from "../ir/aval.js";
import * as lax from "../prims/lax.js";

export type Argnums = number | readonly number[];

function normArgnums(name: string, argnums: Argnums, arity: number): number[] {
  const list = typeof argnums === "number" ? [argnums] : [...argnums];
  if (list.length === 0) throw new Error(`${name}: argnums is empty`);
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= arity) {
      throw new Error(`${name}: argnums ${a} is out of range for a call with ${arity} argument${arity === 1 ? "" : "s"}`);
    }
  }
  return list;
}

/** Marks the leaves that belong to the chosen arguments. */
function wantedLeaves(args: readonly unknown[], nums: readonly number[]): { wanted: boolean[]; spans: [number, number][] } {
  const wanted: boolean[] = [];
  const spans: [number, number][] = [];
  args.forEach((a, i) => {
    const n = flatten(a)[0].length;
    spans.push([wanted.length, wanted.length + n]);
    for (let k = 0; k < n; k++) wanted.push(nums.includes(i));
  });
  return { wanted, spans };
}


/**
 * With hasAux, f returns `[output, aux]`: checks that shape of the traced output and returns the
 * definitions of the two parts (aux's leaves follow the output's in the graph's outputs).
 */
function splitAux(name: string, t: TracedTree, what: string): [TreeDef, TreeDef] {
  const outDef = t.outDef;
  if (outDef.kind !== "array" || outDef.children.length !== 2) {
    const got = outDef.kind === "array" ? `an array of ${outDef.children.length}` : outDef.kind === "leaf" ? showValue(t.graph.outputs[0]!.aval) : "a pytree";
    throw new Error(`${name}: with hasAux the function must return a pair [${what}, aux], but it returns ${got}`);
  }
  return [outDef.children[0]!, outDef.children[1]!];
}

/** Reverse mode on a pytree function: outputs and the cotangents of the chosen arguments (and aux). */
export function valueAndGradImpl(name: string, f: TreeFn, args: readonly unknown[], argnums: Argnums, hasAux = false): [unknown, unknown, unknown?] {
  const nums = normArgnums(name, argnums, args.length);
  const t = traceTree(f, args);
  const [lossDef, auxDef] = hasAux ? splitAux(name, t, "loss") : [t.outDef, undefined];
  if (lossDef.kind !== "leaf") {
    if (hasAux) throw new Error(`${name}: with hasAux the loss (the first element of [loss, aux]) must be a scalar Tensor<[]>, but it is a pytree; reduce it with sum/mean`);
    throw new Error(`${name}: the function must return a scalar tensor, got a pytree; use jacobian or vjp for other outputs`);
  }
  const outAval = t.graph.outputs[0]!.aval;
  if (hasAux && (outAval.shape.length !== 0 || !isFloat(outAval.dtype))) {
    throw new Error(
      `${name}: with hasAux the loss (the first element of [loss, aux]) must be a scalar Tensor<[]>, but it is ${showValue(outAval)}; reduce it with sum/mean`,
    );
  }
  if (outAval.shape.length === 0 && !isFloat(outAval.dtype)) {
    throw new Error(`${name}: the function must return a float scalar, got a scalar of dtype ${outAval.dtype}; convert it (astype) before returning`);
  }
  if (outAval.shape.length !== 0 || !isFloat(outAval.dtype)) {
    throw new Error(
      `${name}: the function must return a scalar (shape []), got shape ${showShape(outAval.shape)} (${outAval.dtype}); ` +
        "use jacobian(f), or reduce the output (sum, mean) first",
    );
  }
  const leaves = flatten(args)[0];
  const { wanted, spans } = wantedLeaves(args, nums);
  // argnum by argnum, as the compile-time check (transforms/types.ts's DiffCheck)
  for (const n of nums) {
    const [s, e] = spans[n]!;
    // a number (or a tree without tensors) is static: its "gradient" would silently be itself
    if (s === e) throw new Error(diffNoTensorMsg(name, n));
    // non-tensor leaves (numbers, strings) are static structure, like the keys of an object: the
    // gradient keeps them in place, unchanged, so it has the argument's structure (see README)
    const k = leaves.slice(s, e).findIndex((l) => !isFloat(l.dtype));
    if (k >= 0) throw new Error(diffDTypeMsg(name, `${n}${leafPaths(args[n])[k]}`, leaves[s + k]!.dtype));
  }
  const lin = vjpGraph(t.graph, [...leaves, ...t.captured], [...wanted, ...t.captured.map(() => false)]);
  const out = lin.outputs[0]!;
  // aux is not differentiated: its outputs get no cotangent
  const cts = lin.backward([lax.onesLike(out)]);
  const grads = nums.map((n) => {
    const [s, e] = spans[n]!;
    const g = leaves.slice(s, e).map((l, k) => cts[s + k] ?? lax.zerosLike(l));
    return unflatten(flatten(args[n])[1], g);
  });
  const g = typeof argnums === "number" ? grads[0] : grads;
  return auxDef ? [out, g, unflatten(auxDef, lin.outputs.slice(1))] : [out, g];
}

/** `Tensor<[3]>`, `Tensor<[], int32>`: a value as the type-level messages show it. */
const showValue = (a: { shape: readonly number[]; dtype: string }) => `Tensor<${showShape(a.shape)}${a.dtype === "float32" ? "" : `, ${a.dtype}`}>`;

/**
 * vjp on pytrees: the outputs, and a function from output cotangents to argument cotangents; with
 * hasAux, f returns `[output, aux]` and aux comes third, not differentiated.
 */
export function vjpImpl(f: TreeFn, primals: readonly unknown[], hasAux = false): [unknown, (ct: unknown) => unknown[], unknown?] {
  const t = traceTree(f, primals);
  const [outDef, auxDef] = hasAux ? splitAux("vjp", t, "output") : [t.outDef, undefined];
  const leaves = flatten(primals)[0];
  const wanted = leaves.map((l) => isFloat(l.dtype));
  const lin = vjpGraph(t.graph, [...leaves, ...t.captured], [...wanted, ...t.captured.map(() => false)]);
  const nOut = leafCount(outDef);
  if (hasAux && nOut === 0) throw new Error("vjp: with hasAux the output (the first element of [output, aux]) must hold a tensor");
  const out = unflatten(outDef, lin.outputs.slice(0, nOut));
  const back = (ct: unknown): unknown[] => {
    const ctLeaves = checkSameTree("vjp: the cotangent", ct, out);
    ctLeaves.forEach((c, i) => {
      const o = lin.outputs[i]!;
      if (c.dtype !== o.dtype) throw new Error(`vjp: the cotangent of output ${i} has dtype ${c.dtype}, the output is ${o.dtype}${showShape(o.shape)}`);
    });
    const cts = lin.backward(ctLeaves);
    const res = leaves.map((l, i) => cts[i] ?? lax.zerosLike(l));
    return unflatten(flatten(primals)[1], res) as unknown[];
  };
  return auxDef ? [out, back, unflatten(auxDef, lin.outputs.slice(nOut))] : [out, back];
}

/** jvp on pytrees: outputs and output tangents. */
export function jvpImpl(f: TreeFn, primals: readonly unknown[], tangents: readonly unknown[]): [unknown, unknown] {
  if (!Array.isArray(primals) || !Array.isArray(tangents)) throw new Error("jvp: primals and tangents must be arrays (one entry per argument)");
  if (primals.length !== tangents.length) {
    throw new Error(`jvp: ${primals.length} primals but ${tangents.length} tangents`);
  }
  const leaves = flatten(primals)[0];
  primals.forEach((p, i) => {
    const tl = checkSameTree(`jvp: tangent ${i}`, tangents[i], p);
    const pl = flatten(p)[0];
    tl.forEach((tt, k) => {
      if (tt.dtype !== pl[k]!.dtype) throw new Error(`jvp: tangent ${i} has dtype ${tt.dtype}, its primal ${pl[k]!.dtype}`);
    });
  });
  const tLeaves = flatten(tangents)[0];
  const t = traceTree(f, primals);
  const [outs, touts] = jvpGraph(t.graph, [...leaves, ...t.captured], [...tLeaves, ...t.captured.map(() => null)]);
  return [unflatten(t.outDef, outs), unflatten(t.outDef, touts.map((tt, i) => tt ?? lax.zerosLike(outs[i]!)))];
}
