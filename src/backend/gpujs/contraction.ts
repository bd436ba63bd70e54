/**
 * The register-blocked contraction kernel of the gpu.js renderer (codegen.ts hands contraction
 * kernels here first). The plain form, one dot product per thread with index math in float32,
 * spends most of its time on index arithmetic and loads: gpu.js declares every variable f32, so
 * each load converts a float index to an integer. This form differs in three ways:
 *
 * - the kernel's output has up to three dims (`this.thread.x/y/z`, no division) and every index
 *   is written inline from the thread ids, the loop counters and integer literals, which gpu.js
 *   keeps as integers (i32 in WGSL): no float index, no conversion;
 * - each thread computes B = 4 (or 2) neighbouring outputs along the innermost output dim and
 *   returns them as `Array(B)`: gpu.js stores thread t's components at t·B + c, so the result
 *   is the row-major output itself (the backend reads it as a flat array); an operand that does
 *   not vary along that dim (the lhs of a matmul) is loaded once for all B outputs;
 * - the innermost contracted loop is unrolled by 8, the remainder written out after it (on
 *   SwiftShader 8 ran matmul 256 and the MLP gradient about 1.2-1.5x faster than 4; 16 did not).
 *
 * The gpu.js backend also folds into it (`planContractions`) the copies that made its operands (a
 * transpose or a unit-dim reshape is read through its view instead) and an epilogue (bias,
 * activation: the elementwise kernel that alone reads the result), evaluated on each output
 * before it is stored: a kernel and a pass over memory fewer each.
 *
 * Shapes it does not take (more than three output dims after merging, thread grids past WebGPU's
 * 65535 workgroups per dim) keep the plain form. Modes: cpu, webasm and webgpu (`BLOCKED_MODES`;
 * the GL modes' Array(n) results are textures, read differently); on webgpu the float32
 * contractions that wgsl-matmul.ts takes run as WGSL shaders instead.
 */
import { contractionAsReduce, freeAxes, mergeDims, type Expr, type Kernel, type Operand, type Program, type View } from "../../ir/kernel.js";

type Contraction = Extract<Kernel, { kind: "contraction" }>;

/** The gpu.js modes whose Array(n) results the backend reads back flat (backend.ts `flatResult`). */
export const BLOCKED_MODES: ReadonlySet<string> = new Set(["cpu", "webasm", "webgpu"]);

/**
 * An elementwise expression applied to the contraction's result before it is stored: input
 * `self` of `expr` is the contraction's value at the point, every other input j is read through
 * `inputs[j]`, a view over the output's shape.
 */
export interface Epilogue {
  readonly expr: Expr;
  readonly self: number;
  readonly inputs: readonly Operand[];
}

/**
 * What a blocked kernel is built from besides the contraction: operands read through views of
 * other buffers instead of the contraction's own lhs / rhs buffers (a copy folded into the
 * kernel), and an epilogue.
 */
export interface ContractionParts {
  readonly lhs?: Operand;
  readonly rhs?: Operand;
  readonly epilogue?: Epilogue;
}

/**
 * An operand's offset and strides over the contraction's index space [batch, lhs free, rhs free,
 * contracted], as contractionAsReduce lays it out, read through `view` (whose shape is the operand's).
 */
function spaceView(k: Contraction, p: Program, side: 0 | 1, view: View): { offset: number; strides: number[] } {
  const [lc, rc] = k.dims.contract;
  const [lb, rb] = k.dims.batch;
  const lf = freeAxes(p.buffers[k.lhs]!.shape.length, lc, lb);
  const rf = freeAxes(p.buffers[k.rhs]!.shape.length, rc, rb);
  const pick = (axes: readonly number[]) => axes.map((i) => view.strides[i]!);
  const zeros = (axes: readonly number[]) => axes.map(() => 0);
  const strides = side === 0 ? [...pick(lb), ...pick(lf), ...zeros(rf), ...pick(lc)] : [...pick(rb), ...zeros(lf), ...pick(rf), ...pick(rc)];
  return { offset: view.offset, strides };
}

/** What the renderer needs from codegen.ts to emit an epilogue expression (kept there: one ALU table). */
export type EmitExpr = (root: Expr, load: (j: number) => string, prefix: string) => string[];

export interface BlockedSource {
  readonly params: readonly string[];
  readonly body: string;
  /** gpu.js output dims, innermost first (x, y, z) */
  readonly output: readonly number[];
  /** outputs per thread (the kernel returns Array(components) when above 1) */
  readonly components: number;
  readonly args: readonly number[];
  readonly loopMax: number;
}

/** Unroll factor of the innermost contracted loop. */
const UNROLL = 8;

/**
 * Whether gpu.js can dispatch a kernel of these output dims (innermost first) on WebGPU: a 2-D or
 * 3-D output goes out as workgroups of 8 x 8 x 1, at most 65535 per dim; a 1-D one folds across
 * y by itself.
 */
export function fitsWebGpuGrid(output: readonly number[]): boolean {
  return output.length <= 1 || (output[0]! <= 65535 * 8 && output[1]! <= 65535 * 8 && (output[2] ?? 1) <= 65535);
}

/** `offset + Σ name·stride` over integer names and literals (kept integral for gpu.js). */
export function intAffine(offset: number, terms: readonly (readonly [string, number])[]): string {
  const parts: string[] = [];
  for (const [name, s] of terms) {
    if (s === 1) parts.push(name);
    else if (s !== 0) parts.push(`${name} * ${s}`);
  }
  if (offset !== 0 || parts.length === 0) parts.push(String(offset));
  return parts.join(" + ");
}

/** Where the innermost contracted index is: `name · mul + add` inside the unrolled loop, or a literal. */
type Pos = { readonly name: string; readonly mul: number; readonly add: number } | number;

/**
 * The blocked kernel for a contraction (with an optional epilogue), or null where it does not
 * apply: more than three output dims left after merging, or an epilogue input with a mask.
 */
/** An operand of a contraction read over its index space: the buffer, its offset and its strides. */
export interface SpaceOperand {
  readonly buffer: number;
  readonly offset: number;
  readonly strides: readonly number[];
}

/**
 * The contraction's index space [batch, lhs free, rhs free, contracted] (`nOut` output dims first)
 * and its two operands over it, read through the folded copies' views where `parts` has them;
 * null when such a view is masked.
 */
export function contractionSpace(k: Contraction, p: Program, parts: Pick<ContractionParts, "lhs" | "rhs"> = {}): { shape: readonly number[]; nOut: number; lhs: SpaceOperand; rhs: SpaceOperand } | null {
  if (parts.lhs?.view.mask || parts.rhs?.view.mask) return null;
  const r = contractionAsReduce(k, p.buffers[k.lhs]!, p.buffers[k.rhs]!);
  const [lhs, rhs] = ([0, 1] as const).map((side) => {
    const o = side === 0 ? parts.lhs : parts.rhs;
    const v = o ? spaceView(k, p, side, o.view) : r.inputs[side]!.view;
    return { buffer: o ? o.buffer : side === 0 ? k.lhs : k.rhs, offset: v.offset, strides: v.strides };
  }) as [SpaceOperand, SpaceOperand];
  return { shape: r.shape, nOut: r.shape.length - r.axes.length, lhs, rhs };
}

export function blockedContraction(k: Contraction, p: Program, emitExpr: EmitExpr, parts: ContractionParts = {}): BlockedSource | null {
  const { epilogue } = parts;
  const epi = epilogue ? epilogue.inputs.map((op, j) => ({ op, j })).filter(({ j }) => j !== epilogue.self) : [];
  const space = contractionSpace(k, p, parts);
  if (!space || epi.some(({ op }) => op.view.mask)) return null;
  const { shape, nOut, lhs: lv, rhs: rv } = space;
  const ops = [
    { buffer: lv.buffer, offset: lv.offset, out: lv.strides.slice(0, nOut) },
    { buffer: rv.buffer, offset: rv.offset, out: rv.strides.slice(0, nOut) },
    ...epi.map(({ op }) => ({ buffer: op.buffer, offset: op.view.offset, out: op.view.strides })),
  ];
  // output dims contiguous for every operand (the epilogue's too) merge, and so do contracted dims
  const o = mergeDims(shape.slice(0, nOut), ops.map((op) => op.out));
  const red = mergeDims(shape.slice(nOut), [lv.strides.slice(nOut), rv.strides.slice(nOut)]);
  if (o.shape.length > 3) return null;
  const rank = o.shape.length;
  const inner = rank ? o.shape[rank - 1]! : 1;
  const B = inner % 4 === 0 ? 4 : inner % 2 === 0 ? 2 : 1;
  const output = rank ? [inner / B, ...o.shape.slice(0, -1).reverse()] : [1];
  if (!fitsWebGpuGrid(output)) return null;

  const args: number[] = [];
  const names = ops.map((op) => {
    let i = args.indexOf(op.buffer);
    if (i < 0) i = args.push(op.buffer) - 1;
    return `a${i}`;
  });
  // output dim d (innermost last) is thread axis x, y, z counted from the innermost; x counts blocks
  const outTerms = (j: number): [string, number][] =>
    o.shape.map((_, d) => {
      const s = o.strides[j]![d]!;
      return d === rank - 1 ? ["this.thread.x", s * B] : [`this.thread.${"xyz"[rank - 1 - d]}`, s];
    });
  const lastStride = (j: number) => (rank ? o.strides[j]![rank - 1]! : 0);

  const lines: string[] = [];
  for (let c = 0; c < B; c++) lines.push(`let acc${c} = 0;`);
  const R = red.shape;
  const q = R.length - 1;
  const ks = R.map((_, d) => `k${d}`);
  R.slice(0, Math.max(q, 0)).forEach((K, d) => lines.push(`${"  ".repeat(d)}for (let ${ks[d]} = 0; ${ks[d]} < ${K}; ${ks[d]}++) {`));
  /** one contracted position per entry of `at`, for every component: loads, then one sum per accumulator */
  const step = (ind: string, at: readonly Pos[], prefix: string) => {
    const loads = new Map<string, string>();
    const load = (j: number, c: number, u: number): string => {
      // an operand constant along the blocked dim is loaded once for all components
      const cc = lastStride(j) === 0 ? 0 : c;
      const key = `${j}_${cc}_${u}`;
      let name = loads.get(key);
      if (!name) {
        name = `${prefix}${key}`;
        const s = q >= 0 ? red.strides[j]![q]! : 0;
        const pos = at[u]!;
        const terms = [...outTerms(j), ...R.slice(0, q).map((_, d): [string, number] => [ks[d]!, red.strides[j]![d]!])];
        let off = ops[j]!.offset + cc * lastStride(j);
        if (typeof pos === "number") off += pos * s;
        else {
          terms.push([pos.name, pos.mul * s]);
          off += pos.add * s;
        }
        lines.push(`${ind}const ${name} = ${names[j]}[${intAffine(off, terms)}];`);
        loads.set(key, name);
      }
      return name;
    };
    for (let c = 0; c < B; c++) at.forEach((_, u) => (load(0, c, u), load(1, c, u)));
    for (let c = 0; c < B; c++) lines.push(`${ind}acc${c} += ${at.map((_, u) => `${load(0, c, u)} * ${load(1, c, u)}`).join(" + ")};`);
  };
  let loopMax = 1000;
  // no contracted dim left (a contraction over size-1 dims): one product
  if (q < 0) step("", [0], "x");
  else {
    const Kq = R[q]!;
    const ind = "  ".repeat(q);
    const full = Math.floor(Kq / UNROLL);
    if (full > 0) {
      const kq = ks[q]!;
      lines.push(`${ind}for (let ${kq} = 0; ${kq} < ${full}; ${kq}++) {`);
      step(`${ind}  `, Array.from({ length: UNROLL }, (_, u) => ({ name: kq, mul: UNROLL, add: u })), "x");
      lines.push(`${ind}}`);
    }
    const tail = Array.from({ length: Kq - full * UNROLL }, (_, u) => full * UNROLL + u);
    if (tail.length) step(ind, tail, "t");
    loopMax = Math.max(loopMax, full + 1, ...R.slice(0, q).map((K) => K + 1));
  }
  for (let d = q - 1; d >= 0; d--) lines.push(`${"  ".repeat(d)}}`);

  // the epilogue on each component, its other inputs read at that component's output point
  const values = Array.from({ length: B }, (_, c) => `acc${c}`);
  if (epilogue) {
    const at = new Map(epi.map(({ j }, i) => [j, i + 2]));
    values.forEach((acc, c) => {
      const load = (j: number) => {
        if (j === epilogue.self) return acc;
        const i = at.get(j)!;
        return `${names[i]}[${intAffine(ops[i]!.offset + c * lastStride(i), outTerms(i))}]`;
      };
      const code = emitExpr(epilogue.expr, load, `e${c}_`);
      lines.push(...code.slice(0, -1));
      values[c] = code[code.length - 1]!.replace(/^return (.*);$/, "$1");
    });
  }
  lines.push(B === 1 ? `return ${values[0]};` : `return [${values.join(", ")}];`);
  return { params: args.map((_, i) => `a${i}`), body: lines.join("\n"), output, components: B, args, loopMax };
}

// ---------------------------------------------------------------------------------------------
// planning: which copies and which epilogue each contraction takes in

/**
 * A step of a gpu.js plan: a kernel of the program as it is, or a contraction that takes in the
 * copies that made its operands and the elementwise kernel after it (`parts`), computing buffer
 * `out`; `kernels` are the program's kernels it replaces, in an order that computes the same
 * (run where the blocked form does not apply).
 */
export type PlanStep = { readonly kind: "kernel"; readonly kernel: Kernel } | { readonly kind: "contraction"; readonly kernel: Contraction; readonly parts: ContractionParts; readonly out: number; readonly kernels: readonly Kernel[] };

/** Buffers a fused kernel may read: WebGPU's default of 8 storage buffers per stage, less the output. */
const MAX_READS = 7;

const reads = (k: Kernel): readonly number[] =>
  k.kind === "contraction" ? [k.lhs, k.rhs] : k.kind === "opaque" ? k.inputs : k.inputs.map((o) => o.buffer);

/**
 * Folds into each float32 contraction (1) an operand's copy: an elementwise kernel that only
 * copies a view (a transpose, a reshape adding unit dims) and whose result nothing else reads,
 * read through that view instead; (2) its epilogue: the first kernel reading its result, when it
 * is elementwise, the only reader, reads the result at the same point (a contiguous view), and
 * its other inputs are ready when the contraction runs (bias add, activation).
 */
export function planContractions(p: Program): PlanStep[] {
  const ks = p.kernels;
  const readers = new Map<number, Set<number>>();
  const producer = new Map<number, number>();
  ks.forEach((k, i) => {
    producer.set(k.out, i);
    for (const b of reads(k)) {
      let s = readers.get(b);
      if (!s) readers.set(b, (s = new Set()));
      s.add(i);
    }
  });
  const outputs = new Set(p.outputs);
  const f32 = (b: number) => p.buffers[b]!.dtype === "float32";
  const onlyReader = (b: number, i: number) => !outputs.has(b) && [...(readers.get(b) ?? [])].every((r) => r === i);
  const taken = new Set<number>();
  const fused = new Map<number, PlanStep>();
  ks.forEach((c, i) => {
    if (c.kind !== "contraction" || !f32(c.out) || !f32(c.lhs) || !f32(c.rhs)) return;
    const copies: number[] = [];
    const copyOf = (b: number): Operand | undefined => {
      const j = producer.get(b);
      if (j === undefined || taken.has(j) || copies.includes(j)) return undefined;
      const e = ks[j]!;
      if (e.kind !== "elementwise" || e.expr.op !== "load" || e.expr.value !== 0 || e.inputs.length !== 1) return undefined;
      const src = e.inputs[0]!;
      if (src.view.mask || !f32(src.buffer) || !onlyReader(b, i)) return undefined;
      copies.push(j);
      return src;
    };
    const lhs = copyOf(c.lhs);
    const rhs = c.rhs === c.lhs ? lhs : copyOf(c.rhs);
    let epilogue: Epilogue | undefined;
    let out = c.out;
    const j = ks.findIndex((k, at) => at > i && reads(k).includes(c.out));
    const e = ks[j];
    if (e && e.kind === "elementwise" && !taken.has(j) && onlyReader(c.out, j) && f32(e.out)) {
      const onto = ontoShape(p.buffers[e.out]!.shape, p.buffers[c.out]!.shape);
      const selfs = e.inputs.flatMap((o, at) => (o.buffer === c.out ? [at] : []));
      const self = selfs[0]!;
      const sv = e.inputs[self]?.view;
      const ok =
        onto !== null &&
        selfs.length === 1 &&
        !sv!.mask &&
        sv!.offset === 0 &&
        sv!.strides.every((s, a) => sv!.shape[a] === 1 || s === contiguousStride(sv!.shape, a)) &&
        // every other input exists before the contraction runs
        e.inputs.every((o, at) => at === self || (!o.view.mask && (producer.get(o.buffer) ?? -1) < i));
      // WebGPU guarantees 8 storage buffers per shader stage: 7 read, 1 written
      const bound = new Set([lhs?.buffer ?? c.lhs, rhs?.buffer ?? c.rhs, ...e.inputs.filter((_, at) => at !== self).map((o) => o.buffer)]);
      if (ok && bound.size <= MAX_READS) {
        // the epilogue's views, over the contraction's output dims
        const inputs = e.inputs.map((o) => ({ buffer: o.buffer, view: { shape: p.buffers[c.out]!.shape, strides: onto!(o.view.strides), offset: o.view.offset } }));
        epilogue = { expr: e.expr, self, inputs };
        out = e.out;
        taken.add(j);
      }
    }
    if (!lhs && !rhs && !epilogue) return;
    copies.forEach((at) => taken.add(at));
    const parts: ContractionParts = { ...(lhs ? { lhs } : {}), ...(rhs ? { rhs } : {}), ...(epilogue ? { epilogue } : {}) };
    fused.set(i, { kind: "contraction", kernel: c, parts, out, kernels: [...copies.map((at) => ks[at]!), c, ...(epilogue ? [e!] : [])] });
  });
  const plan: PlanStep[] = [];
  ks.forEach((k, i) => {
    const f = fused.get(i);
    if (f) plan.push(f);
    else if (!taken.has(i)) plan.push({ kind: "kernel", kernel: k });
  });
  return plan;
}

/**
 * Where two shapes differ only by unit dims (an elementwise kernel over [4096, 64] reading a
 * contraction's [4096, 1, 64]), the map from strides over `from` to strides over `to`; else null.
 */
function ontoShape(from: readonly number[], to: readonly number[]): ((strides: readonly number[]) => number[]) | null {
  const f = from.flatMap((d, a) => (d === 1 ? [] : [a]));
  const t = to.flatMap((d, a) => (d === 1 ? [] : [a]));
  if (f.length !== t.length || f.some((a, i) => from[a] !== to[t[i]!])) return null;
  return (strides) => {
    const out = to.map(() => 0);
    t.forEach((a, i) => (out[a] = strides[f[i]!]!));
    return out;
  };
}

function contiguousStride(shape: readonly number[], a: number): number {
  let s = 1;
  for (let d = a + 1; d < shape.length; d++) s *= shape[d]!;
  return s;
}
