/**
 * Elementwise kernels and reductions as WGSL compute shaders, for the gpu.js backend's webgpu mode
 * (backend.ts `wgslElementwise`), dispatched like the WGSL contractions (wgsl-matmul.ts) on
 * gpu.js's device and buffers.
 *
 * The expression is the one the gpu.js kernel would compute: codegen.ts's renderer writes it for
 * webgpu (its accuracy and NaN forms included) and js-wgsl.ts translates that as gpu.js does, so
 * the two kernels agree to the bit. What differs is the frame: each invocation of an elementwise
 * kernel computes 16 neighbouring outputs (4 for a long expression) and stores them as vec4s, an
 * operand contiguous along the innermost dim is read as vec4s and one constant along it once. On
 * SwiftShader, where each invocation and each load costs much (a load is a gather, lane by lane),
 * out = a · 0.5 over 262,144 elements took 0.7 ms this way against 1.2 ms with one vec4 per
 * invocation and 3.0 ms with one element (a standalone Dawn script; the gpu.js kernel, with 4
 * outputs per thread, took 1.85 ms in bench/gpu-check.ts task 4). Not measured on a GPU.
 *
 * Taken: float32 kernels (bools inside) of `MIN_WORK` elements or more that read some buffer,
 * through no masked view (pad, concatenate); an elementwise one with an innermost dim that is a
 * multiple of 4, a reduction in one of wgslReduce's forms. Else null, and the gpu.js kernel runs.
 */
import { sizeOf } from "../../ir/aval.js";
import type { Kernel, Program } from "../../ir/kernel.js";
import { F32_MAX_INDEX, refused, webgpuAccumulate, webgpuExpr, webgpuSpec, type LoopSpec } from "./codegen.js";
import { intAffine } from "./contraction.js";
import { jsToWgsl } from "./js-wgsl.js";
import { bindings, float32Only, MAX_BINDINGS, type WgslKernel } from "./wgsl-matmul.js";

/** Invocations per workgroup. */
const WG = 64;
/** Outputs per invocation; `SHORT_BLOCK` where one output's expression has more than `LONG` statements (a shader 16 times that size builds slowly). */
const BLOCK = 16;
const SHORT_BLOCK = 4;
const LONG = 24;
/**
 * Elements a kernel computes (for a reduction, outputs times the reduced length) for a WGSL
 * shader: below that, dispatching is what counts, and the gpu.js kernel did better. The web
 * demo's PINN (64 points, arrays of up to 2,048 elements) trained at 39-41 steps per second in
 * headless Chromium on SwiftShader with WGSL kernels for all, against 43-48 with gpu.js's, and its
 * first step took 1.9-2.6 s against 1.3-1.5 s (each new shader is built and checked once; 2 and 4
 * runs, which vary by up to 20%).
 */
const MIN_WORK = 2 ** 14;

/** A kernel's loop spec where it is one for a WGSL kernel here (float32, reads a buffer, no masked view), else null. */
function specOf(k: Kernel, p: Program): LoopSpec | null {
  if (k.kind !== "elementwise" && k.kind !== "reduce") return null;
  if (![k.out, ...k.inputs.map((o) => o.buffer)].every((b) => p.buffers[b]!.dtype === "float32")) return null;
  if (!float32Only(k.expr)) return null;
  const s = webgpuSpec(k, p);
  // (a kernel that reads nothing, a fill, has no buffer to find the device by; indices stay below
  // 2^24 as in every gpu.js kernel: larger arrays never reach the device)
  if (!s || s.args.length === 0 || s.access.some((a) => a.mask) || sizeOf(s.outShape) * sizeOf(s.redShape) < MIN_WORK) return null;
  return Math.max(sizeOf(s.outShape), ...s.args.map((b) => sizeOf(p.buffers[b]!.shape))) > F32_MAX_INDEX ? null : s;
}

/**
 * The shader's frame for E outputs per invocation: bindings (operand j as vec4s where `vec(j)`,
 * a buffer read both ways bound twice), the grid (past the device's workgroups per dim along x, on
 * along y), the invocation's first output `e0` and its index per dim `i0`.., and operand j's
 * element there, `b<j>`. Null where the grid does not fit.
 */
function frame(s: LoopSpec, E: number, vec: (j: number) => boolean, outVec4: boolean, maxWorkgroups: number) {
  const m = sizeOf(s.outShape) / E;
  const groups = Math.ceil(m / WG);
  const gx = Math.min(groups, maxWorkgroups);
  const gy = Math.ceil(groups / gx);
  if (gy > maxWorkgroups) return null;
  const { args, bind, declare } = bindings("in");
  const names = s.access.map((a, j) => bind(s.args[a.arg]!, vec(j)));
  if (args.length + 1 > MAX_BINDINGS) return null;
  const L: string[] = declare();
  L.push(`@group(0) @binding(${args.length}) var<storage, read_write> out : array<${outVec4 ? "vec4<f32>" : "f32"}>;`);
  L.push(`@compute @workgroup_size(${WG}, 1, 1)`);
  L.push(`fn main(@builtin(global_invocation_id) g : vec3<u32>) {`);
  L.push(`  let t = i32(g.x + g.y * ${gx * WG}u);`, `  if (t >= ${m}) { return; }`, `  let e0 = t * ${E};`);
  const rank = s.outShape.length;
  let rest = "e0";
  for (let d = rank - 1; d >= 1; d--) {
    L.push(`  let i${d} = ${rest} % ${s.outShape[d]};`, `  let r${d} = ${rest} / ${s.outShape[d]};`);
    rest = `r${d}`;
  }
  if (rank > 0) L.push(`  let i0 = ${rest};`);
  s.access.forEach((a, j) => L.push(`  let b${j} = ${intAffine(a.offset, s.outShape.map((_, d) => [`i${d}`, a.out[d]!] as const))};`));
  return { L, args, names, workgroups: [gx, gy, 1] as [number, number, number] };
}

/** The WGSL kernel of an elementwise kernel, or null where it does not apply (see above). */
export function wgslElementwise(k: Kernel, p: Program, maxWorkgroups = 65535): WgslKernel | null {
  const s = k.kind === "elementwise" ? specOf(k, p) : null;
  if (!s || s.body.kind !== "expr") return null;
  const rank = s.outShape.length;
  const X = rank > 0 ? s.outShape[rank - 1]! : 1;
  if (X % 4 !== 0) return null;
  const expr = s.body.expr;
  let E: number;
  try {
    E = X % BLOCK === 0 && webgpuExpr(expr, (j) => `x${j}`, "").length <= LONG ? BLOCK : SHORT_BLOCK;
  } catch (e) {
    if (refused(e)) return null;
    throw e;
  }
  // vec4s along the innermost dim (the block lies in one row: X is a multiple of 4), once where constant along it, else one by one
  const sx = (j: number) => s.access[j]!.out[rank - 1]!;
  const vec = (j: number) => sx(j) === 1 && [s.access[j]!.offset, ...s.access[j]!.out.slice(0, -1)].every((v) => v % 4 === 0);
  const f = frame(s, E, vec, true, maxWorkgroups);
  if (!f) return null;
  const { L, names } = f;
  const load: ((c: number) => string)[] = s.access.map((_, j) => {
    if (vec(j)) {
      for (let q = 0; q < E / 4; q++) L.push(`  let v${j}_${q} = ${names[j]}[b${j} / 4 + ${q}];`);
      return (c) => `v${j}_${c >> 2}.${"xyzw"[c & 3]}`;
    }
    return sx(j) === 0 ? () => `${names[j]}[b${j}]` : (c) => `${names[j]}[b${j} + ${c * sx(j)}]`;
  });
  const values: string[] = [];
  try {
    for (let c = 0; c < E; c++) {
      s.access.forEach((_, j) => {
        // an operand constant along the innermost dim: output 0's value
        if (c === 0 || sx(j) !== 0 || vec(j)) L.push(`  let x${j}_${c} = ${load[j]!(c)};`);
      });
      const name = (j: number) => (c > 0 && sx(j) === 0 && !vec(j) ? `x${j}_0` : `x${j}_${c}`);
      const w = jsToWgsl(webgpuExpr(expr, name, `c${c}_`));
      L.push(...w.body.map((l) => `  ${l}`));
      values.push(w.value!);
    }
  } catch (e) {
    if (refused(e)) return null;
    throw e;
  }
  for (let q = 0; q < E / 4; q++) L.push(`  out[t * ${E / 4} + ${q}] = vec4<f32>(${values.slice(q * 4, q * 4 + 4).join(", ")});`);
  L.push("}");
  return { code: L.join("\n"), args: f.args, workgroups: f.workgroups, size: sizeOf(s.outShape) };
}

/**
 * The WGSL kernel of a float32 reduction (its elementwise producer fused, as in the gpu.js kernel),
 * or null where it does not apply: a masked view, nothing to reduce, or neither form below.
 * Each output accumulates in the gpu.js kernel's order (so the sums are the same), in one of two
 * forms, whichever reads fewer values: 4 neighbouring outputs per invocation, their operands read
 * as vec4s where contiguous along the output's innermost dim (a column sum); or one output per
 * invocation, its innermost reduced loop unrolled by 4 and read as vec4s where contiguous along it
 * (a row sum). On SwiftShader, a sum over 64 of an expression of 5 operands for 4096 outputs took
 * 3.0 ms this way against 3.7-4.0 ms one element at a time (the gpu.js kernel took 5.3 ms).
 */
export function wgslReduce(k: Kernel, p: Program, maxWorkgroups = 65535): WgslKernel | null {
  const s = k.kind === "reduce" ? specOf(k, p) : null;
  if (!s || s.body.kind !== "reduce") return null;
  const { op, expr } = s.body;
  const R = s.redShape;
  if (R.length === 0 || sizeOf(R) === 0) return null;
  const rank = s.outShape.length;
  const X = rank > 0 ? s.outShape[rank - 1]! : 1;
  const q = R.length - 1;
  const Kq = R[q]!;
  const sx = (j: number) => (rank > 0 ? s.access[j]!.out[rank - 1]! : 0);
  const sk = (j: number) => s.access[j]!.red[q]!;
  const all4 = (vs: readonly number[]) => vs.every((v) => v % 4 === 0);
  // which operands read as vec4s in each form, and the loads per 4 values
  const outVec = (j: number) => sx(j) === 1 && all4([s.access[j]!.offset, ...s.access[j]!.out.slice(0, -1), ...s.access[j]!.red]);
  const kVec = (j: number) => sk(j) === 1 && all4([s.access[j]!.offset, ...s.access[j]!.out, ...s.access[j]!.red.slice(0, -1)]);
  const cost = (vec: (j: number) => boolean, stride: (j: number) => number) => s.access.reduce((c, _, j) => c + (vec(j) || stride(j) === 0 ? 1 : 4), 0);
  const canA = rank > 0 && X % 4 === 0;
  const canB = Kq % 4 === 0;
  if (!canA && !canB) return null;
  const across = canA && (!canB || cost(outVec, sx) < cost(kVec, sk));
  const vec = across ? outVec : kVec;
  const E = across ? 4 : 1;
  const f = frame(s, E, vec, across, maxWorkgroups);
  if (!f) return null;
  const { L, names } = f;
  const ks = R.map((_, d) => (d === q ? "kq" : `k${d}`));
  /**
   * operand j's values at reduced position `off` (an index expression) for each of 4 outputs or
   * unrolled steps c (`lanes` 4), or for the first alone (1), loaded as WGSL lets named by `tag`
   */
  const loads = (ind: string, off: (j: number) => string, tag: string, lanes: number, useVec: boolean): ((j: number, c: number) => string) => {
    const at: ((c: number) => string)[] = s.access.map((_, j) => {
      const stride = across ? sx(j) : sk(j);
      if (vec(j)) {
        // (an operand bound as vec4s read at one aligned position: the first of a max or min)
        L.push(`${ind}let v${tag}${j} = ${names[j]}[(b${j} + ${off(j)}) / 4];`);
        return useVec ? (c) => `v${tag}${j}.${"xyzw"[c]}` : () => `v${tag}${j}.x`;
      }
      if (stride === 0 || lanes === 1) {
        L.push(`${ind}let s${tag}${j} = ${names[j]}[b${j} + ${off(j)}];`);
        return () => `s${tag}${j}`;
      }
      return (c) => `${names[j]}[b${j} + ${off(j)} + ${c * stride}]`;
    });
    return (j, c) => at[j]!(c);
  };
  const value = (ind: string, load: (j: number, c: number) => string, c: number, prefix: string): string => {
    s.access.forEach((_, j) => L.push(`${ind}let x${prefix}${j} = ${load(j, c)};`));
    const w = jsToWgsl(webgpuExpr(expr, (j) => `x${prefix}${j}`, prefix));
    // a name, for the accumulation's JavaScript to read
    L.push(...w.body.map((l) => `${ind}${l}`), `${ind}let y${prefix} = ${w.value!};`);
    return `y${prefix}`;
  };
  try {
    // accumulators: 0, 1, or (max, min) the value at the first reduced position, as emit() starts them
    const first = op === "max" || op === "min" ? loads("  ", () => "0", "f", E, across) : null;
    for (let c = 0; c < E; c++) L.push(`  var acc${c} = ${first ? value("  ", first, c, `f${c}_`) : op === "prod" ? "1.0" : "0.0"};`);
    R.forEach((K, d) => L.push(`${"  ".repeat(d + 1)}for (var ${ks[d]} = 0; ${ks[d]} < ${K}; ${ks[d]}${d === q && !across ? " += 4" : "++"}) {`));
    const ind = "  ".repeat(R.length + 1);
    const off = (j: number) => intAffine(0, ks.map((name, d) => [name, s.access[j]!.red[d]!] as const));
    const step = loads(ind, off, "", 4, true);
    for (let c = 0; c < 4; c++) {
      // across: output c at this step; else: this output at step kq + c
      const acc = across ? `acc${c}` : "acc0";
      const v = value(ind, step, c, `c${c}_`);
      L.push(...jsToWgsl([webgpuAccumulate(op, acc, v)], false).body.map((l) => `${ind}${l}`));
    }
    for (let d = R.length - 1; d >= 0; d--) L.push(`${"  ".repeat(d + 1)}}`);
  } catch (e) {
    if (refused(e)) return null;
    throw e;
  }
  L.push(across ? `  out[t] = vec4<f32>(acc0, acc1, acc2, acc3);` : `  out[t] = acc0;`);
  L.push("}");
  return { code: L.join("\n"), args: f.args, workgroups: f.workgroups, size: sizeOf(s.outShape) };
}
