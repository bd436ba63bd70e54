/**
 * Indexed reads and writes along one axis: `gather` and its transpose `scatter` (set, add, mul,
 * min, max), in the simplified form of XLA's/JAX's gather with one collapsed axis and leading
 * batching dims:
 *
 *   x:       [...B, ...pre, n, ...post]   (B: the `batch` leading dims, `axis` indexes n)
 *   indices: [...B, ...I]                 (int32, any rank)
 *   gather:  [...B, ...pre, ...I, ...post]  out[b, p, i, q] = x[b, p, indices[b, i], q]
 *   scatter(x, indices, updates) with updates shaped like gather's output: x with each update
 *   combined into x[b, p, indices[b, i], q] in row-major order of the updates (duplicates
 *   accumulate for add/mul/min/max; for set the last one wins).
 *
 * `take` is batch 0; `takeAlongAxis` is batch = rank - 1 on the last axis; vmap adds batch dims.
 * `scatter_add_zeros` is gather's transpose: a scatter-add into zeros it never materialises.
 * Negative indices count from the end (i + n, as JAX normalises them); then `oob: "clip"` clamps
 * to [0, n - 1] (JAX's gather) and `oob: "drop"` reads 0 (gather) or skips the update (scatter,
 * JAX's default for updates). Each pair of rules transposes with the same `oob`.
 *
 * No `lower`: the kernel IR has no indexed load yet, so both run `impl` as opaque host steps
 * between kernels (on every backend). The impls copy whole contiguous rows (`post`) at a time.
 */
import { sizeOf, showShape, type AbstractValue } from "../ir/aval.js";
import { allocate, type AnyTypedArray, type DType } from "../ir/dtype.js";
import type { BatchDim } from "../ir/graph.js";
import { HostArray } from "../ir/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading, full, iota, onesLike, reshape, zerosLike } from "./broadcast.js";
import { add, convert, div, eq, mul, ne, select } from "./elementwise.js";
import { apply, fail, type Prim } from "./util.js";

type T = AnyTensor;

export type OutOfBounds = "clip" | "drop";
export type ScatterMode = "set" | "add" | "mul" | "min" | "max";

export interface GatherParams {
  /** the indexed axis of x (absolute, >= batch) */
  readonly axis: number;
  /** leading dims shared by x and the indices */
  readonly batch: number;
  readonly oob: OutOfBounds;
}
export interface ScatterParams extends GatherParams {
  readonly mode: ScatterMode;
}

/** The gather output shape, after checking the operands (internal errors: the ops check first). */
function gatherShape(name: string, x: AbstractValue, idx: AbstractValue, { axis, batch }: GatherParams): number[] {
  const s = x.shape;
  const ok =
    idx.dtype === "int32" &&
    Number.isInteger(batch) &&
    batch >= 0 &&
    batch <= idx.shape.length &&
    Number.isInteger(axis) &&
    axis >= batch &&
    axis < s.length &&
    idx.shape.slice(0, batch).every((d, i) => d === s[i]);
  if (!ok) fail(`${name} of ${showShape(s)} with ${idx.dtype}${showShape(idx.shape)} indices, axis ${axis}, batch ${batch}`);
  return [...s.slice(0, axis), ...idx.shape.slice(batch), ...s.slice(axis + 1)];
}

/** The loop extents: B batch, P pre, N indexed axis, Q post (row length), M indices per batch. */
function extents(x: readonly number[], idx: readonly number[], { axis, batch }: GatherParams) {
  return {
    B: sizeOf(x.slice(0, batch)),
    P: sizeOf(x.slice(batch, axis)),
    N: x[axis]!,
    Q: sizeOf(x.slice(axis + 1)),
    M: sizeOf(idx.slice(batch)),
  };
}

/** The row an index selects: normalised and clamped, or -1 for a dropped one. */
const normIndex = (k: number, n: number, oob: OutOfBounds): number => {
  if (k < 0) k += n;
  if (k >= 0 && k < n) return k;
  if (oob === "drop" || n === 0) return -1;
  return k < 0 ? 0 : n - 1;
};

// ---------------------------------------------------------------- gather

export const gatherP: Prim<GatherParams> = {
  name: "gather",
  jet: "linear",
  abstractEval: ([x, idx], p) => ({ shape: gatherShape("gather", x!, idx!, p), dtype: x!.dtype }),
  impl([x, idx], p, out) {
    const o = allocate(out.dtype, sizeOf(out.shape));
    loopsFor(out.dtype).gather(o, x!.data, idx!.data as Int32Array, extents(x!.shape, idx!.shape, p), p.oob);
    return new HostArray(o, out.shape, out.dtype);
  },
  jvp: ([, idx], [t], p) => (t === null ? null : gather(t, idx!, p)),
  vjp: (ct, [x, idx], p) => [scatterAddZeros(idx!, ct, x!.shape, p), null],
  batch([x, idx], [dx, di], p) {
    if (p.batch === 0 && di === null) return [gather(x!, idx!, { ...p, axis: p.axis + 1 }), 0];
    // batched indices into a shared x: the batch axis of the indices lands where they do
    if (p.batch === 0 && dx === null) return [gather(x!, idx!, p), p.axis];
    const [xb, ib] = leading([x!, idx!], [dx!, di!]);
    return [gather(xb!, ib!, { ...p, axis: p.axis + 1, batch: p.batch + 1 }), 0];
  },
  showParams: (p) => `axis=${p.axis} batch=${p.batch} oob=${p.oob}`,
};

/** Gives every operand the leading batch axis (broadcasting the unbatched ones). */
function leading(xs: readonly T[], dims: readonly BatchDim[]): T[] {
  const b = xs[dims.findIndex((d) => d !== null)]!.shape[0]!;
  return xs.map((x, i) => (dims[i] === null ? broadcastLeading(x, b) : x));
}

// ---------------------------------------------------------------- scatter

type Combine = (a: number, b: number) => number;
function combiner(mode: ScatterMode, dtype: DType): Combine | null {
  const bool = dtype === "bool";
  switch (mode) {
    case "set":
      return null;
    case "add":
      return bool ? (a, b) => (a || b ? 1 : 0) : (a, b) => a + b;
    case "mul":
      return dtype === "int32" ? Math.imul : (a, b) => a * b;
    case "min":
      return Math.min;
    case "max":
      return Math.max;
  }
}

/** Combines the updates into `o` (x's data, already copied) in place. */
function scatterInto(o: AnyTypedArray, out: AbstractValue, idx: HostArray, upd: HostArray, p: ScatterParams): HostArray {
  loopsFor(out.dtype).scatter(o, upd.data, idx.data as Int32Array, extents(out.shape, idx.shape, p), p.oob, p.mode, combiner(p.mode, out.dtype));
  return new HostArray(o, out.shape, out.dtype);
}

type Extents = ReturnType<typeof extents>;

/**
 * The row loops, made once per dtype: each closure keeps its own type feedback, so V8 compiles
 * its loads and stores for one array type (one loop shared by the four types runs ~3x slower).
 */
function makeLoops() {
  return {
    gather(o: AnyTypedArray, xd: AnyTypedArray, id: Int32Array, { B, P, N, Q, M }: Extents, oob: OutOfBounds): void {
      let dst = 0;
      for (let b = 0; b < B; b++) {
        for (let pp = 0; pp < P; pp++) {
          const base = (b * P + pp) * N;
          for (let m = 0; m < M; m++, dst += Q) {
            const k = normIndex(id[b * M + m]!, N, oob);
            if (k < 0) continue; // dropped: reads 0
            const src = (base + k) * Q;
            if (Q > 16) o.set(xd.subarray(src, src + Q), dst);
            else for (let q = 0; q < Q; q++) o[dst + q] = xd[src + q]!;
          }
        }
      }
    },
    scatter(o: AnyTypedArray, u: AnyTypedArray, id: Int32Array, { B, P, N, Q, M }: Extents, oob: OutOfBounds, mode: ScatterMode, f: Combine | null): void {
      const plainAdd = mode === "add" && !(o instanceof Uint8Array);
      let src = 0;
      for (let b = 0; b < B; b++) {
        for (let pp = 0; pp < P; pp++) {
          const base = (b * P + pp) * N;
          for (let m = 0; m < M; m++, src += Q) {
            const k = normIndex(id[b * M + m]!, N, oob);
            if (k < 0) continue; // dropped
            const dst = (base + k) * Q;
            if (f === null) {
              if (Q > 16) o.set(u.subarray(src, src + Q), dst);
              else for (let q = 0; q < Q; q++) o[dst + q] = u[src + q]!;
            } else if (plainAdd) {
              for (let q = 0; q < Q; q++) o[dst + q]! += u[src + q]!;
            } else {
              for (let q = 0; q < Q; q++) o[dst + q] = f(o[dst + q]!, u[src + q]!);
            }
          }
        }
      }
    },
  };
}
const LOOPS = new Map<DType, ReturnType<typeof makeLoops>>();
function loopsFor(d: DType): ReturnType<typeof makeLoops> {
  let l = LOOPS.get(d);
  if (!l) LOOPS.set(d, (l = makeLoops()));
  return l;
}

export const scatterP: Prim<ScatterParams> = {
  name: "scatter",
  abstractEval([x, idx, upd], p) {
    const shape = gatherShape("scatter", x!, idx!, p);
    if (upd!.dtype !== x!.dtype || upd!.shape.length !== shape.length || upd!.shape.some((d, i) => d !== shape[i])) {
      fail(`scatter of ${upd!.dtype}${showShape(upd!.shape)} updates into ${x!.dtype}${showShape(x!.shape)} (expects ${showShape(shape)})`);
    }
    return x!;
  },
  impl([x, idx, upd], p, out) {
    const o = allocate(out.dtype, x!.size);
    o.set(x!.data);
    return scatterInto(o, out, idx!, upd!, p);
  },
  jvp(ins, [tx, , tu], p, out) {
    return scatterRules[p.mode].jvp(ins, tx ?? null, tu ?? null, p, out);
  },
  vjp(ct, ins, p, out, wanted) {
    const [cx, cu] = scatterRules[p.mode].vjp(ct, ins, p, out, wanted[0]!, wanted[2]!);
    return [wanted[0] ? cx : null, null, wanted[2] ? cu : null];
  },
  batch([x, idx, upd], [dx, di, du], p) {
    const b = [x, idx, upd][[dx, di, du].findIndex((d) => d !== null)]!.shape[0]!;
    const xb = dx === null ? broadcastLeading(x!, b) : x!;
    const ub = du === null ? broadcastLeading(upd!, b) : upd!;
    // shared indices: the batch axis is one more leading axis of x, before `pre`
    if (p.batch === 0 && di === null) return [scatter(xb, idx!, ub, { ...p, axis: p.axis + 1 }), 0];
    const ib = di === null ? broadcastLeading(idx!, b) : idx!;
    return [scatter(xb, ib, ub, { ...p, axis: p.axis + 1, batch: p.batch + 1 }), 0];
  },
  showParams: (p) => `mode=${p.mode} axis=${p.axis} batch=${p.batch} oob=${p.oob}`,
};

// ---------------------------------------------------------------- scatter_add_zeros

export interface ScatterAddZerosParams extends GatherParams {
  /** the shape of the zeros the updates are added into */
  readonly shape: readonly number[];
}

/**
 * gather's transpose: the updates added into zeros of `shape` (scatter with mode "add" on a zero
 * x, without a zero array to fill and copy: an embedding gradient is one pass over its rows).
 */
export const scatterAddZerosP: Prim<ScatterAddZerosParams> = {
  name: "scatter_add_zeros",
  jet: "linear",
  abstractEval([idx, upd], p) {
    const x = { shape: p.shape, dtype: upd!.dtype };
    return scatterP.abstractEval([x, idx!, upd!], { ...p, mode: "add" });
  },
  impl: ([idx, upd], p, out) => scatterInto(allocate(out.dtype, sizeOf(out.shape)), out, idx!, upd!, { ...p, mode: "add" }),
  jvp: ([idx], [, t], p) => (t === null ? null : scatterAddZeros(idx!, t, p.shape, p)),
  vjp: (ct, [idx], p) => [null, gather(ct, idx!, p)],
  batch([idx, upd], [di, du], p) {
    const b = (di === null ? upd! : idx!).shape[0]!;
    const ub = du === null ? broadcastLeading(upd!, b) : upd!;
    const shape = [b, ...p.shape];
    if (p.batch === 0 && di === null) return [scatterAddZeros(idx!, ub, shape, { ...p, axis: p.axis + 1 }), 0];
    const ib = di === null ? broadcastLeading(idx!, b) : idx!;
    return [scatterAddZeros(ib, ub, shape, { ...p, axis: p.axis + 1, batch: p.batch + 1 }), 0];
  },
  showParams: (p) => `shape=${showShape(p.shape)} axis=${p.axis} batch=${p.batch} oob=${p.oob}`,
};

// ---------------------------------------------------------------- scatter derivatives

interface ScatterRule {
  jvp(ins: readonly T[], tx: T | null, tu: T | null, p: ScatterParams, out: T): T | null;
  vjp(ct: T, ins: readonly T[], p: ScatterParams, out: T, wantX: boolean, wantU: boolean): [T | null, T | null];
}
const g = (a: T, idx: T, p: ScatterParams) => gather(a, idx, { axis: p.axis, batch: p.batch, oob: p.oob });
const sc = (x: T, idx: T, u: T, p: ScatterParams, mode: ScatterMode) => scatter(x, idx, u, { ...p, mode });
const falses = (shape: readonly number[]) => full(shape, 0, "bool");
/** Where an update's index is in range (every update under "clip"). */
function inRange(x: T, idx: T, p: ScatterParams): T {
  const hit = g(full(x.shape, 1, "int32"), idx, p);
  return ne(hit, zerosLike(hit));
}

const scatterRules: Record<ScatterMode, ScatterRule> = {
  // linear in x and the updates: its transpose is the gather with the same indices
  add: {
    jvp: ([x, idx, upd], tx, tu, p) => (tu === null ? tx : sc(tx ?? zerosLike(x!), idx!, tu, p, "add")),
    vjp: (ct, [, idx], p, _out, wantX, wantU) => [wantX ? ct : null, wantU ? g(ct, idx!, p) : null],
  },
  // the winning update of each slot (the last, as impl writes them) is found by scattering ids
  set: {
    jvp: ([x, idx, upd], tx, tu, p) => (tx === null && tu === null ? null : sc(tx ?? zerosLike(x!), idx!, tu ?? zerosLike(upd!), p, "set")),
    vjp(ct, [x, idx, upd], p, _out, wantX, wantU) {
      const { written, won } = winners(x!, idx!, upd!, p);
      return [wantX ? select(written, zerosLike(ct), ct) : null, wantU ? select(won, g(ct, idx!, p), zerosLike(upd!)) : null];
    },
  },
  // out = x · P with P the product of a slot's updates; d out / d u_k = x · (product of the others),
  // found without dividing by a zero update (counting the zeros of each slot)
  mul: {
    jvp([x, idx, upd], tx, tu, p) {
      const parts: T[] = [];
      if (tx !== null) parts.push(mul(tx, sc(onesLike(x!), idx!, upd!, p, "mul")));
      if (tu !== null) parts.push(mul(x!, scatterAddZeros(idx!, mul(tu, othersProduct(x!, idx!, upd!, p)), x!.shape, p)));
      return parts.length === 0 ? null : parts.length === 1 ? parts[0]! : add(parts[0]!, parts[1]!);
    },
    vjp(ct, [x, idx, upd], p, _out, wantX, wantU) {
      const cx = wantX ? mul(ct, sc(onesLike(x!), idx!, upd!, p, "mul")) : null;
      const cu = wantU ? mul(g(mul(ct, x!), idx!, p), othersProduct(x!, idx!, upd!, p)) : null;
      return [cx, cu];
    },
  },
  min: chooserRule(),
  max: chooserRule(),
};

/** For "set": which slots of x were written, and which updates won their slot. */
function winners(x: T, idx: T, upd: T, p: ScatterParams) {
  const n = upd.size;
  const ids = reshape(add(iota([n], 0), full([n], 1, "int32")), upd.shape);
  const slots = sc(full(x.shape, 0, "int32"), idx, ids, p, "set");
  return { written: ne(slots, full(x.shape, 0, "int32")), won: eq(g(slots, idx, p), ids) };
}

/** For "mul": the product of the other updates of each update's slot (exact at zeros). */
function othersProduct(x: T, idx: T, upd: T, p: ScatterParams): T {
  const zero = zerosLike(upd);
  const one = onesLike(upd);
  const isZero = eq(upd, zero);
  const nz = select(isZero, one, upd);
  const prodNz = g(sc(onesLike(x), idx, nz, p, "mul"), idx, p);
  const zeros = g(scatterAddZeros(idx, convert(isZero, x.dtype), x.shape, p), idx, p);
  const noOther = eq(zeros, select(isZero, one, zero)); // no zero among the others
  return select(noOther, select(isZero, prodNz, div(prodNz, nz)), zero);
}

/** min/max: as the reductions, the derivative flows to the values equal to the result, shared among ties. */
function chooserRule(): ScatterRule {
  const parts = (x: T, idx: T, upd: T, p: ScatterParams, out: T) => {
    const hitX = eq(x, out);
    const hitU = select(inRange(x, idx, p), eq(upd, g(out, idx, p)), falses(upd.shape));
    const count = add(convert(hitX, x.dtype), scatterAddZeros(idx, convert(hitU, x.dtype), x.shape, p));
    return { hitX, hitU, count };
  };
  return {
    jvp([x, idx, upd], tx, tu, p, out) {
      const { hitX, hitU, count } = parts(x!, idx!, upd!, p, out);
      const fromX = tx === null ? zerosLike(x!) : select(hitX, tx, zerosLike(x!));
      const sum = tu === null ? fromX : sc(fromX, idx!, select(hitU, tu, zerosLike(upd!)), p, "add");
      return div(sum, count);
    },
    vjp(ct, [x, idx, upd], p, out, wantX, wantU) {
      const { hitX, hitU, count } = parts(x!, idx!, upd!, p, out);
      const share = div(ct, count);
      return [wantX ? select(hitX, share, zerosLike(x!)) : null, wantU ? select(hitU, g(share, idx!, p), zerosLike(upd!)) : null];
    },
  };
}

// ---------------------------------------------------------------- internal ops

export function gather(x: T, indices: T, p: GatherParams): T {
  return apply(gatherP, [x, indices], { axis: p.axis, batch: p.batch, oob: p.oob });
}
export function scatterAddZeros(indices: T, updates: T, shape: readonly number[], p: GatherParams): T {
  return apply(scatterAddZerosP, [indices, updates], { shape: [...shape], axis: p.axis, batch: p.batch, oob: p.oob });
}
export function scatter(x: T, indices: T, updates: T, p: ScatterParams): T {
  return apply(scatterP, [x, indices, updates], { axis: p.axis, batch: p.batch, oob: p.oob, mode: p.mode });
}
