/**
 * gpu.js kernel source cannot hold Infinity or NaN literals (its GLSL and WGSL translations have
 * no such constants, and WGSL rejects 1.0 / 0.0 as a constant expression). A mask written
 * `where(m, x, -Infinity)` would otherwise send the whole graph to the wasm backend, so the
 * non-finite constants of a program become loads of one-element buffers holding them, uploaded
 * once per compiled program: values read from a buffer are ordinary run-time floats. With `negZero`
 * (webgpu) -0 constants too: WGSL's compilers fold the literal `-(0.0)` to +0 (SwiftShader's
 * maximum(x, -0) at x = -1 was +0).
 */
import type { AbstractValue } from "../../ir/aval.js";
import { HostArray } from "../../ir/host-array.js";
import { K, mapExpr, type Expr, type Kernel, type Operand, type Program } from "../../ir/kernel.js";

export interface Specials {
  readonly program: Program;
  /** the added buffers and what they hold */
  readonly consts: readonly { readonly buffer: number; readonly value: HostArray }[];
}

/** The program with its non-finite constants (and with `negZero`, its -0 constants) read from buffers (the same program when it has none). */
export function hoistSpecials(p: Program, negZero = false): Specials {
  const special = (e: Expr) => e.op === "const" && (e.dtype === "float32" || e.dtype === "float64") && (!Number.isFinite(e.value) || (negZero && Object.is(e.value, -0)));
  const buffers: AbstractValue[] = [...p.buffers];
  const consts: { buffer: number; value: HostArray }[] = [];
  const bufferOf = new Map<string, number>();
  const bufferFor = (e: Expr): number => {
    const key = `${e.dtype}:${Object.is(e.value, -0) ? "-0" : e.value}`;
    let b = bufferOf.get(key);
    if (b === undefined) {
      b = buffers.length;
      const aval: AbstractValue = { shape: [], dtype: e.dtype };
      buffers.push(aval);
      consts.push({ buffer: b, value: new HostArray(e.dtype === "float32" ? new Float32Array([e.value]) : new Float64Array([e.value]), [], e.dtype) });
      bufferOf.set(key, b);
    }
    return b;
  };
  let changed = false;
  const kernels = p.kernels.map((k): Kernel => {
    if (k.kind !== "elementwise" && k.kind !== "reduce") return k;
    const shape = k.kind === "reduce" ? k.shape : p.buffers[k.out]!.shape;
    const extra: Operand[] = [];
    const index = new Map<number, number>();
    const expr = mapExpr(k.expr, (e, args) => {
      if (special(e)) {
        const b = bufferFor(e);
        let i = index.get(b);
        if (i === undefined) {
          i = k.inputs.length + extra.length;
          index.set(b, i);
          // a scalar read at every point of the kernel's index space
          extra.push({ buffer: b, view: { shape, strides: shape.map(() => 0), offset: 0 } });
        }
        return K.input(i, e.dtype);
      }
      return args.every((a, j) => a === e.args[j]) ? e : { ...e, args };
    });
    if (extra.length === 0) return k;
    changed = true;
    return { ...k, expr, inputs: [...k.inputs, ...extra] };
  });
  if (!changed) return { program: p, consts: [] };
  return { program: { ...p, buffers, kernels }, consts };
}
