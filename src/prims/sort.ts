/**
 * Sorting: `argsort` (the permutation that sorts an axis) and `permute` (x reordered along an
 * axis by such a permutation). sort and top_k are built from the two, so their derivatives flow
 * through the permutation: permute's jvp permutes the tangent, its transpose applies the inverse
 * permutation (argsort of the permutation). Neither has a kernel form (the kernel IR has no
 * data-dependent load), so both run as host steps between kernels, on every backend.
 */
import { sameShape, showShape, stridesOf, type AbstractValue } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading } from "./broadcast.js";
import { apply, fail, type Prim } from "./util.js";

type T = AnyTensor;

export interface AxisParams {
  readonly axis: number;
}
export interface ArgsortParams extends AxisParams {
  readonly descending: boolean;
  /**
   * Order of equal elements: "first" keeps index order (jnp.argsort, also descending; top_k),
   * "last" reverses it, which makes a descending sort the ascending one reversed (jnp.sort).
   */
  readonly ties: "first" | "last";
}

const checkAxis = (name: string, x: AbstractValue, axis: number) => {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) fail(`${name} axis ${axis} for rank ${x.shape.length}`);
};

/** Calls f(offset, stride) for every line of `shape` along `axis` (row-major buffers). */
function forLines(shape: readonly number[], axis: number, f: (base: number, stride: number, n: number) => void): void {
  const n = shape[axis]!;
  const stride = stridesOf(shape)[axis]!;
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  for (let o = 0; o < outer; o++) for (let i = 0; i < stride; i++) f(o * n * stride + i, stride, n);
}

/**
 * The sort order of JAX's lax.sort on floats: -0 equals 0, NaN is larger than every number (all
 * NaNs equal). Ties keep their index order (a stable sort).
 */
function compareKeys(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export const argsortP: Prim<ArgsortParams> = {
  name: "argsort",
  jet: "linear",
  abstractEval([x], { axis }) {
    checkAxis("argsort", x!, axis);
    return { shape: x!.shape, dtype: "int32" };
  },
  impl([x], { axis, descending, ties }, out) {
    const o = allocate("int32", x!.size);
    const d = x!.data;
    const sign = descending ? -1 : 1;
    const tie = ties === "first" ? 1 : -1;
    forLines(x!.shape, axis, (base, stride, n) => {
      const idx = Array.from({ length: n }, (_, i) => i);
      idx.sort((i, j) => sign * compareKeys(d[base + i * stride]!, d[base + j * stride]!) || tie * (i - j));
      for (let i = 0; i < n; i++) o[base + i * stride] = idx[i]!;
    });
    return new HostArray(o, out.shape, "int32");
  },
  jvp: () => null,
  vjp: () => [null],
  batch: ([x], _d, p) => [apply(argsortP, [x!], { ...p, axis: p.axis + 1 }), 0],
  showParams: (p) => `axis=${p.axis} descending=${p.descending} ties=${p.ties}`,
};

/** out[..., i, ...] = x[..., perm[..., i, ...], ...] along `axis`; perm holds a permutation of each line. */
export const permuteP: Prim<AxisParams> = {
  name: "permute",
  jet: "linear",
  abstractEval([x, perm], { axis }) {
    checkAxis("permute", x!, axis);
    if (perm!.dtype !== "int32" || !sameShape(x!.shape, perm!.shape)) fail(`permute of ${showShape(x!.shape)} by ${perm!.dtype}${showShape(perm!.shape)}`);
    return x!;
  },
  impl([x, perm], { axis }, out) {
    const o = allocate(out.dtype, x!.size);
    const d = x!.data;
    const p = perm!.data;
    forLines(x!.shape, axis, (base, stride, n) => {
      for (let i = 0; i < n; i++) {
        const j = p[base + i * stride]!;
        if (!(j >= 0 && j < n)) fail(`permute index ${j} out of range for an axis of ${n}`);
        o[base + i * stride] = d[base + j * stride]!;
      }
    });
    return new HostArray(o, out.shape, out.dtype);
  },
  jvp: ([, perm], [t], { axis }) => (t === null ? null : permute(t, perm!, axis)),
  // the transpose of a permutation is its inverse, which is the argsort of the permutation
  vjp: (ct, [, perm], { axis }, _out, wanted) => [wanted[0] ? permute(ct, argsort(perm!, axis, false, "first"), axis) : null, null],
  batch([x, perm], dims, { axis }) {
    const b = (dims[0] !== null ? x! : perm!).shape[0]!;
    const xb = dims[0] === null ? broadcastLeading(x!, b) : x!;
    const pb = dims[1] === null ? broadcastLeading(perm!, b) : perm!;
    return [apply(permuteP, [xb, pb], { axis: axis + 1 }), 0];
  },
  showParams: (p) => `axis=${p.axis}`,
};

// ---------------------------------------------------------------- internal ops

/** The sorting permutation of each line along `axis` (NaN last; first when descending), equal elements ordered by `ties`. */
export const argsort = (x: T, axis: number, descending: boolean, ties: ArgsortParams["ties"]): T => apply(argsortP, [x], { axis, descending, ties });
export const permute = (x: T, perm: T, axis: number): T => apply(permuteP, [x, perm], { axis });
