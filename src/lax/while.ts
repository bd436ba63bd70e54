/**
 * lax.whileLoop and foriLoop with traced bounds: the public side of the while primitive
 * (prims/while.ts). cond and body are each traced once into a closed graph.
 */
import { callGraph, currentBuilder, traceFlat } from "../ir/trace.js";
import { optimize } from "../compile/passes.js";
import { whileApply } from "../prims/while.js";
import { add, convert, lt } from "../prims/elementwise.js";
import { scalar } from "../prims/broadcast.js";
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import { flatten, unflatten, showTree } from "../transforms/tree.js";
import { traceTree } from "../transforms/trace-tree.js";
import { showTensorType } from "./messages.js";
import { checkCarry } from "./carry.js";
import type { ScanCarry, ScanCarryError } from "./types.js";

type T = AnyTensor;

/** The untyped whileLoop (the typed one is in lax/index.ts). */
export function whileLoopImpl(condFun: (c: unknown) => unknown, bodyFun: (c: unknown) => unknown, init: unknown, op = "whileLoop"): unknown {
  const [carry, carryDef] = flatten(init);
  if (carry.length === 0) throw new Error(`${op}: the carry must hold at least one tensor, got ${showTree(init)}`);
  const avals = carry.map((c) => c.aval);
  const ct = traceTree(
    (c: unknown) => {
      const r = condFun(c);
      if (!(r instanceof Tensor) || r.shape.length !== 0 || r.dtype !== "bool") {
        const got = r instanceof Tensor ? showTensorType(r.shape, r.dtype) : showTree(r);
        throw new Error(`${op}: condFun must return a bool scalar (Tensor<[], bool>), got ${got}`);
      }
      return r;
    },
    [init],
    avals,
  );
  const bt = traceTree(
    (c: unknown) => {
      const r = bodyFun(c);
      const [cl, cd] = flatten(r);
      checkCarry(op, init, carry, carryDef, r, cl, cd);
      return cl;
    },
    [init],
    avals,
  );
  const n = carry.length;
  const nc = ct.captured.length;
  const operands = [...carry, ...ct.captured, ...bt.captured];
  const idx = (k: number, at: number) => [...carry.map((_, i) => i), ...Array.from({ length: k }, (_, j) => at + j)];
  const name = (bodyFun as { name?: string }).name || "while";
  const p = { cond: optimize(ct.graph), body: optimize(bt.graph), n, condArgs: idx(nc, n), bodyArgs: idx(bt.captured.length, n + nc), name };
  // run outside a trace as one program, so that the carries share one loop
  const res = currentBuilder()
    ? whileApply(operands, p)
    : (callGraph(traceFlat((ins) => whileApply(ins as T[], p), operands.map((o) => o.aval)).graph, operands) as T[]);
  return unflatten(carryDef, res);
}

/** foriLoop with a traced bound: a while loop over [i, upper, carry] (the bounds as int32 scalars). */
export function foriLoopWhile(lower: number | T, upper: number | T, body: (i: unknown, carry: unknown) => unknown, init: unknown): unknown {
  const bound = (b: number | T, which: string) => {
    if (typeof b === "number") {
      if (!Number.isInteger(b)) throw new Error(`foriLoop: the bounds must be integers, got ${b}`);
      return scalar(b, "int32");
    }
    if (b.shape.length !== 0 || (b.dtype !== "int32" && b.dtype !== "uint32")) throw new Error(`foriLoop: the ${which} bound must be an integer scalar, got ${showTensorType(b.shape, b.dtype)}`);
    return convert(b, "int32");
  };
  const [leaves, def] = flatten(init);
  const [, , out] = whileLoopImpl(
    (c) => lt((c as T[])[0]!, (c as T[])[1]!),
    (c) => {
      const [i, u, x] = c as [T, T, unknown];
      const r = body(i, x);
      const [rl, rd] = flatten(r);
      checkCarry("foriLoop", init, leaves, def, r, rl, rd);
      return [add(i, scalar(1, "int32")), u, r];
    },
    [bound(lower, "lower"), bound(upper, "upper"), init],
    "foriLoop",
  ) as [T, T, unknown];
  return out;
}

/** The body's own return type, or the carry error when its carry differs from `init` (as lax.scan's). */
type CheckCarry<C, O> = [ScanCarryError<"whileLoop", C, O>] extends [never] ? O : ScanCarryError<"whileLoop", C, O>;

/**
 * Runs `carry = bodyFun(carry)` while `condFun(carry)` is true and returns the final carry
 * (jax.lax.while_loop). The carry is a pytree of tensors; condFun returns a bool scalar. A body
 * whose carry comes out with another structure, shape or dtype than `init` is an error at the call
 * (and at run time), e.g. `whileLoop: the carry goes in as Tensor<[3]> and comes out as Tensor<[]>`.
 *
 * cond and body are traced once into closed graphs; the loop runs them as compiled programs until
 * cond is false. jvp and vmap transform it (under vmap with a batched predicate it runs while any
 * lane's cond holds and leaves the finished lanes unchanged, as JAX); reverse mode (grad, vjp) is an
 * error, as in JAX: use lax.scan, or lax.foriLoop with static bounds.
 */
export function whileLoop<const C, O>(condFun: (carry: C) => Tensor<[], "bool">, bodyFun: (carry: C) => CheckCarry<C, O>, init: C): ScanCarry<C> {
  return whileLoopImpl(condFun as (c: unknown) => unknown, bodyFun as (c: unknown) => unknown, init) as ScanCarry<C>;
}
