/**
 * The primitives behind jax.random: the Threefry-2x32 block cipher (20 rounds, JAX's
 * `threefry2x32_p`), elementwise over counters, so a draw is a fused kernel of the program rather
 * than numbers baked in at trace time; and `sort_key_val`, a stable sort of values by keys along
 * one axis (random permutations sort by random bits, as JAX does), a host step.
 */
import { sizeOf, stridesOf } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import { K, type Expr } from "../ir/kernel.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { broadcastLeading } from "./broadcast.js";
import { apply, fail, sameAvals, type Prim } from "./util.js";

type T = AnyTensor;

// ---------------------------------------------------------------- threefry2x32

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];
const PARITY = 0x1bd11bda;

/**
 * Threefry-2x32 with 20 rounds on one counter pair, the hash JAX's random numbers come from
 * (Salmon et al. 2011; jax/_src/prng.py `_threefry2x32_lowering`): on the host for `impl`.
 */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  const ks = [k0 >>> 0, k1 >>> 0, (PARITY ^ k0 ^ k1) >>> 0];
  let x0 = (c0 + ks[0]!) >>> 0;
  let x1 = (c1 + ks[1]!) >>> 0;
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 4; j++) {
      const r = ROTATIONS[(i % 2) * 4 + j]!;
      x0 = (x0 + x1) >>> 0;
      x1 = (((x1 << r) | (x1 >>> (32 - r))) ^ x0) >>> 0;
    }
    x0 = (x0 + ks[(i + 1) % 3]!) >>> 0;
    x1 = (x1 + ks[(i + 2) % 3]! + i + 1) >>> 0;
  }
  return [x0, x1];
}

/** The same rounds as a kernel expression over uint32 operands. */
function threefryExpr(k0: Expr, k1: Expr, c0: Expr, c1: Expr): [Expr, Expr] {
  const u = (v: number) => K.c(v, "uint32");
  const ks = [k0, k1, K.xor(K.xor(k0, k1), u(PARITY))];
  let x0 = K.add(c0, ks[0]!);
  let x1 = K.add(c1, ks[1]!);
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 4; j++) {
      const r = ROTATIONS[(i % 2) * 4 + j]!;
      x0 = K.add(x0, x1);
      x1 = K.xor(K.or(K.shl(x1, u(r)), K.shr(x1, u(32 - r))), x0);
    }
    x0 = K.add(x0, ks[(i + 1) % 3]!);
    x1 = K.add(K.add(x1, ks[(i + 2) % 3]!), u(i + 1));
  }
  return [x0, x1];
}

/** Which word of the cipher's output an equation gives: x0, x1, or x0 ^ x1 (JAX's 32 random bits). */
export type ThreefryWord = 0 | 1 | "xor";
export interface ThreefryParams {
  readonly word: ThreefryWord;
}

const pick = (word: ThreefryWord, x0: number, x1: number) => (word === 0 ? x0 : word === 1 ? x1 : (x0 ^ x1) >>> 0);

/**
 * threefry2x32(k0, k1, c0, c1): the cipher of counter (c0, c1) under key (k0, k1), elementwise
 * over four uint32 operands of one shape. One output per equation (`word`); an integer result,
 * so no derivative. Its batching rule maps over keys and counters alike (a batch of keys).
 */
export const threefry2x32P: Prim<ThreefryParams> = {
  name: "threefry2x32",
  jet: "linear",
  abstractEval(ins) {
    const a = sameAvals("threefry2x32", ins);
    if (a.dtype !== "uint32") fail(`threefry2x32 of ${a.dtype}`);
    return a;
  },
  impl([k0, k1, c0, c1], { word }, out) {
    const o = allocate("uint32", sizeOf(out.shape));
    const [a, b, c, d] = [k0!.data, k1!.data, c0!.data, c1!.data];
    for (let i = 0; i < o.length; i++) {
      const [x0, x1] = threefry2x32(a[i]!, b[i]!, c[i]!, d[i]!);
      o[i] = pick(word, x0, x1);
    }
    return new HostArray(o, out.shape, "uint32");
  },
  jvp: () => null,
  vjp: () => [null, null, null, null],
  batch(ins, dims, p) {
    const b = ins[dims.findIndex((d) => d !== null)]!.shape[0]!;
    return [apply(threefry2x32P, ins.map((x, i) => (dims[i] === null ? broadcastLeading(x, b) : x)), p), 0];
  },
  lower: {
    kind: "elementwise",
    expr([k0, k1, c0, c1], { word }) {
      const [x0, x1] = threefryExpr(k0!, k1!, c0!, c1!);
      return word === 0 ? x0 : word === 1 ? x1 : K.xor(x0, x1);
    },
  },
  showParams: (p) => `word=${p.word}`,
};

export const threefry = (k0: T, k1: T, c0: T, c1: T, word: ThreefryWord): T => apply(threefry2x32P, [k0, k1, c0, c1], { word });

// ---------------------------------------------------------------- sort_key_val

export interface SortKeyValParams {
  /** apply the inverse permutation (the transpose: what the vjp needs) */
  readonly inverse: boolean;
}

/**
 * sort_key_val(keys, vals): `vals` reordered along axis `keys.rank - 1` by a stable ascending
 * sort of `keys` (shape [...B, n]; `vals` is [...B, n, ...R]). Ties keep their order, as XLA's
 * stable sort. A host step (no lowering); linear in `vals`, so its derivative is itself and its
 * transpose the inverse permutation.
 */
export const sortKeyValP: Prim<SortKeyValParams> = {
  name: "sort_key_val",
  jet: "linear",
  abstractEval([k, v]) {
    if (k!.shape.length === 0 || v!.shape.length < k!.shape.length || k!.shape.some((d, i) => d !== v!.shape[i])) {
      fail(`sort_key_val keys [${k!.shape}] for values [${v!.shape}]`);
    }
    return v!;
  },
  impl([k, v], { inverse }, out) {
    const ks = k!.shape;
    const n = ks[ks.length - 1]!;
    const outer = sizeOf(ks) / Math.max(n, 1);
    const inner = sizeOf(v!.shape.slice(ks.length));
    const step = stridesOf(v!.shape)[ks.length - 1]!;
    const o = allocate(out.dtype, sizeOf(out.shape));
    const order = Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < outer; b++) {
      const key = (i: number) => k!.data[b * n + i]!;
      const perm = order.slice().sort((i, j) => (key(i) < key(j) ? -1 : key(i) > key(j) ? 1 : i - j));
      const base = b * n * step;
      perm.forEach((src, dst) => {
        const [from, to] = inverse ? [dst, src] : [src, dst];
        for (let e = 0; e < inner; e++) o[base + to * step + e] = v!.data[base + from * step + e]!;
      });
    }
    return new HostArray(o, out.shape, out.dtype);
  },
  jvp: ([k], [, t], p) => (t === null || t === undefined ? null : apply(sortKeyValP, [k!, t], p)),
  vjp: (ct, [k], { inverse }) => [null, apply(sortKeyValP, [k!, ct], { inverse: !inverse })],
  batch(ins, dims, p) {
    const b = ins[dims.findIndex((d) => d !== null)]!.shape[0]!;
    return [apply(sortKeyValP, ins.map((x, i) => (dims[i] === null ? broadcastLeading(x, b) : x)), p), 0];
  },
  showParams: (p) => `inverse=${p.inverse}`,
};

export const sortKeyVal = (keys: T, vals: T): T => apply(sortKeyValP, [keys, vals], { inverse: false });
