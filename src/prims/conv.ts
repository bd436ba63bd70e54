/**
 * conv_general_dilated, as in XLA: an N-d convolution with window strides, explicit (possibly
 * negative) padding, lhs (input) and rhs (window) dilation, feature and batch groups, and any
 * layout (dimension numbers). Its rules are JAX's: jvp is linear in each operand; the vjp of each
 * operand is another convolution (JAX's _conv_general_dilated_transpose_lhs / _rhs: the dilations
 * and strides swap, the kernel flips, the dimension numbers transpose), never a scatter; vmap
 * folds the mapped axis into the batch or into the feature groups.
 *
 * Compiled, it is its body (`subgraph`): the input padded and dilated (a pad), read through a
 * window view (`conv_patches`, an affine index map with overlapping strides: im2col), and
 * contracted with the kernel over (window, in-features) by dot_general, which runs as the packed
 * SIMD GEMM on wasm and as a kernel per output element on gpu.js. The GEMM reads whole buffers,
 * so the window view is copied once (im2col); reading the view inside a fused reduction instead
 * (no copy, no GEMM) measured 14 times slower on wasm (the bench's forward: 231 ms against 17). The
 * kernel gradient reads the forward's own patches, so under jit one copy serves both. The `impl`
 * is a direct loop, what the reference backend runs.
 */
import { showShape, stridesOf, sizeOf, type AbstractValue } from "../ir/aval.js";
import { allocate, type DType } from "../ir/dtype.js";
import type { BatchDim, Graph } from "../ir/graph.js";
import { HostArray, affineGather } from "../ir/host-array.js";
import { cacheKey } from "../ir/key.js";
import { traceFlat } from "../ir/trace.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { full, reshape } from "./broadcast.js";
import { dotGeneral } from "./dot.js";
import { addAny } from "./elementwise.js";
import { pad, rev, slice, transpose } from "./structural.js";
import { apply, fail, type Prim } from "./util.js";

type T = AnyTensor;

/**
 * Dimension numbers as axis indices (JAX's ConvDimensionNumbers): lhs = (batch, feature,
 * spatial...), rhs = (out feature, in feature, spatial...), out = (batch, feature, spatial...).
 */
export interface ConvDims {
  readonly lhs: readonly number[];
  readonly rhs: readonly number[];
  readonly out: readonly number[];
}

export interface ConvOptions {
  readonly strides: readonly number[];
  /** [lo, hi] per spatial dim (negative crops) */
  readonly padding: readonly (readonly [number, number])[];
  readonly lhsDilation: readonly number[];
  readonly rhsDilation: readonly number[];
  readonly dims: ConvDims;
  readonly featureGroupCount: number;
  readonly batchGroupCount: number;
}

export interface ConvParams extends ConvOptions {
  /** the operands' avals: the compiled body (`subgraph`) is traced from them */
  readonly lhsShape: readonly number[];
  readonly rhsShape: readonly number[];
  readonly dtype: DType;
}

const dilate = (n: number, d: number) => (n === 0 ? 0 : (n - 1) * d + 1);

/** One output dim (windowDim in tensor/checks.ts, the same formula). */
function windowDim(h: number, k: number, s: number, lo: number, hi: number, d: number, ld = 1): number {
  const span = dilate(h, ld) + lo + hi - dilate(k, d);
  return span < 0 ? 0 : Math.floor(span / s) + 1;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function convAval(x: AbstractValue, y: AbstractValue, p: ConvParams): AbstractValue {
  const bad = (why: string) => fail(`conv_general_dilated ${showShape(x.shape)} * ${showShape(y.shape)}: ${why}`);
  const s = p.strides.length;
  if (x.dtype !== y.dtype) bad("dtypes differ");
  if (x.shape.length !== s + 2 || y.shape.length !== s + 2) bad("rank");
  const [lb, lf, ...lsp] = p.dims.lhs;
  const [ro, ri, ...rsp] = p.dims.rhs;
  const [ob, of, ...osp] = p.dims.out;
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  const O = y.shape[ro!]!;
  if (x.shape[lf!]! !== y.shape[ri!]! * G || O % G !== 0 || O % B !== 0 || x.shape[lb!]! % B !== 0 || (G > 1 && B > 1)) bad("features or groups");
  const shape = new Array<number>(s + 2);
  shape[ob!] = x.shape[lb!]! / B;
  shape[of!] = O;
  for (let i = 0; i < s; i++) {
    const [lo, hi] = p.padding[i]!;
    shape[osp[i]!] = windowDim(x.shape[lsp[i]!]!, y.shape[rsp[i]!]!, p.strides[i]!, lo, hi, p.rhsDilation[i]!, p.lhsDilation[i]!);
  }
  return { shape, dtype: x.dtype };
}

/** The reference: for each output element, the window's sum over in-features, in double. */
function convImpl(x: HostArray, w: HostArray, p: ConvParams, out: AbstractValue): HostArray {
  const s = p.strides.length;
  const xs = stridesOf(x.shape);
  const ws = stridesOf(w.shape);
  const os = stridesOf(out.shape);
  const [lb, lf, ...lsp] = p.dims.lhs;
  const [ro, ri, ...rsp] = p.dims.rhs;
  const [ob, of, ...osp] = p.dims.out;
  const N = out.shape[ob!]!;
  const O = out.shape[of!]!;
  const I = w.shape[ri!]!;
  const Og = O / p.featureGroupCount;
  const Ob = O / p.batchGroupCount;
  const H = lsp.map((a) => x.shape[a]!);
  const Kd = rsp.map((a) => w.shape[a]!);
  const kPos = multiIndices(Kd);
  const o = allocate(out.dtype, sizeOf(out.shape));
  const xd = x.data;
  const wd = w.data;
  const op = new Array<number>(s);
  for (let flat = 0; flat < o.length; flat++) {
    let r = flat;
    let n = 0;
    let f = 0;
    for (let a = 0; a < out.shape.length; a++) {
      const idx = Math.floor(r / os[a]!);
      r -= idx * os[a]!;
      if (a === ob) n = idx;
      else if (a === of) f = idx;
      else op[osp.indexOf(a)] = idx;
    }
    const g = Math.floor(f / Og);
    const nIn = p.batchGroupCount > 1 ? Math.floor(f / Ob) * N + n : n;
    let acc = 0;
    for (const k of kPos) {
      let xb = nIn * xs[lb!]! + g * I * xs[lf!]!;
      let wb = f * ws[ro!]!;
      let inside = true;
      for (let i = 0; i < s && inside; i++) {
        const q = op[i]! * p.strides[i]! + k[i]! * p.rhsDilation[i]! - p.padding[i]![0];
        const ld = p.lhsDilation[i]!;
        if (q < 0 || q % ld !== 0 || q / ld >= H[i]!) inside = false;
        xb += (q / ld) * xs[lsp[i]!]!;
        wb += k[i]! * ws[rsp[i]!]!;
      }
      if (!inside) continue;
      for (let c = 0; c < I; c++) acc += xd[xb + c * xs[lf!]!]! * wd[wb + c * ws[ri!]!]!;
    }
    o[flat] = acc;
  }
  return new HostArray(o, out.shape, out.dtype);
}

function multiIndices(shape: readonly number[]): number[][] {
  let acc: number[][] = [[]];
  for (const d of shape) acc = acc.flatMap((pre) => range(d).map((i) => [...pre, i]));
  return acc;
}

// ---------------------------------------------------------------- axis reshapes (JAX's helpers)

/** Splits axis `src` into [size1, rest]. */
function axisOutOf(src: number, size1: number, x: T): T {
  const s = [...x.shape];
  s.splice(src, 1, size1, s[src]! / size1);
  return reshape(x, s);
}

/** Merges axis `src` into axis `dst` (numbered without `src`) as its major part. */
function axisInto(src: number, dst: number, x: T): T {
  const perm = range(x.shape.length).filter((i) => i !== src);
  perm.splice(dst, 0, src);
  const s = x.shape.filter((_, i) => i !== src);
  s[dst]! *= x.shape[src]!;
  return reshape(transpose(x, perm), s);
}

const specT = (s: readonly number[]) => [s[1]!, s[0]!, ...s.slice(2)];
const spatial = (x: T, spec: readonly number[]) => spec.slice(2).map((a) => x.shape[a]!);

// ---------------------------------------------------------------- the rules

function transposeLhs(g: T, x: T, w0: T, p: ConvParams): T {
  const { lhs, rhs, out } = p.dims;
  let w = w0;
  let G = p.featureGroupCount;
  if (G > 1 || p.batchGroupCount > 1) {
    // the group axis moves into the transposed kernel's output features
    w = axisInto(rhs[0]!, rhs[1]!, axisOutOf(rhs[0]!, Math.max(G, p.batchGroupCount), w));
    G = Math.max(G, p.batchGroupCount);
  }
  const H = spatial(x, lhs);
  const K = spatial(w, rhs);
  const O = spatial(g, out);
  const padding = H.map((h, i): [number, number] => {
    const kd = dilate(K[i]!, p.rhsDilation[i]!);
    const before = kd - p.padding[i]![0] - 1;
    return [before, dilate(h, p.lhsDilation[i]!) + kd - 1 - dilate(O[i]!, p.strides[i]!) - before];
  });
  let r = conv(g, rev(w, rhs.slice(2)), {
    strides: p.lhsDilation,
    padding,
    lhsDilation: p.strides,
    rhsDilation: p.rhsDilation,
    dims: { lhs: out, rhs: specT(rhs), out: lhs },
    featureGroupCount: G,
    batchGroupCount: 1,
  });
  if (p.batchGroupCount > 1) r = axisInto(lhs[1]!, lhs[0]!, axisOutOf(lhs[1]!, p.batchGroupCount, r));
  return r;
}

function transposeRhs(g: T, x: T, w: T, p: ConvParams): T {
  const { lhs, rhs, out } = p.dims;
  if (sizeOf(g.shape) === 0) return full(w.shape, 0, w.dtype);
  const H = spatial(x, lhs);
  const K = spatial(w, rhs);
  const O = spatial(g, out);
  const padding = H.map((h, i): [number, number] => {
    const lo = p.padding[i]![0];
    const fromLhs = dilate(O[i]!, p.strides[i]!) - dilate(h, p.lhsDilation[i]!);
    return [lo, fromLhs + dilate(K[i]!, p.rhsDilation[i]!) - lo - 1];
  });
  return conv(x, g, {
    strides: p.rhsDilation,
    padding,
    lhsDilation: p.lhsDilation,
    rhsDilation: p.strides,
    dims: { lhs: specT(lhs), rhs: specT(out), out: specT(rhs) },
    featureGroupCount: p.batchGroupCount,
    batchGroupCount: p.featureGroupCount,
  });
}

function convBatch([x, w]: readonly T[], [dx, dw]: readonly BatchDim[], p: ConvParams): [T, BatchDim] {
  const { lhs, rhs, out } = p.dims;
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  if (dx !== null && dw !== null) {
    const v = x!.shape[0]!;
    const nx = B > 1 ? axisInto(0, lhs[0]!, x!) : axisInto(0, lhs[1]!, x!);
    const q = B > 1 ? { ...p, batchGroupCount: B * v } : { ...p, featureGroupCount: G * v };
    const r = conv(nx, axisInto(0, rhs[0]!, w!), q);
    return [axisOutOf(out[1]!, v, r), out[1]!];
  }
  if (dx !== null) {
    const v = x!.shape[0]!;
    let nx: T;
    if (B === 1) nx = axisInto(0, lhs[0]!, x!);
    else nx = axisInto(lhs[0]!, lhs[0]!, axisInto(0, lhs[0]! + 1, axisOutOf(lhs[0]! + 1, B, x!)));
    return [axisOutOf(out[0]!, v, conv(nx, w!, p)), out[0]!];
  }
  const v = w!.shape[0]!;
  if (G === 1 && B === 1) return [axisOutOf(out[1]!, v, conv(x!, axisInto(0, rhs[0]!, w!), p)), out[1]!];
  // the groups stay outermost in the output features: factor them out, fold the mapped axis in
  const n = Math.max(G, B);
  const nw = axisInto(rhs[0]!, rhs[0]!, axisInto(0, rhs[0]! + 1, axisOutOf(rhs[0]! + 1, n, w!)));
  const r = axisOutOf(out[1]! + 1, v, axisOutOf(out[1]!, n, conv(x!, nw, p)));
  return [axisInto(out[1]!, out[1]! + 1, r), out[1]!];
}

// ---------------------------------------------------------------- the compiled body

/**
 * The convolution as a contraction of a window view: the input in [N, spatial..., C] order,
 * padded and dilated, read as patches [N, out spatial..., window..., C] and contracted with the
 * kernel [O, window..., I] over (window, I); groups are a batch axis of the contraction.
 */
function convBody(lhs: T, rhs: T, p: ConvOptions): T {
  const s = p.strides.length;
  const [lb, lf, ...lsp] = p.dims.lhs;
  const [ro, ri, ...rsp] = p.dims.rhs;
  const K = rsp.map((a) => rhs.shape[a]!);
  const lo = p.padding.map(([l]) => l);
  const hi = p.padding.map(([, h]) => h);
  const out = lsp.map((a, i) => windowDim(lhs.shape[a]!, K[i]!, p.strides[i]!, lo[i]!, hi[i]!, p.rhsDilation[i]!, p.lhsDilation[i]!));
  // A window larger than the output (the kernel gradient: the window is the image) reads the
  // same patches as the forward convolution with the roles of window and output exchanged, so
  // it builds exactly the forward's patch view (the compiler merges the two) and contracts it
  // over the batch and positions instead
  const padded = (x: T) => {
    const z = [0];
    let y = pad(x, [...z, ...lo.map((l) => Math.max(0, l)), ...z], [...z, ...hi.map((h) => Math.max(0, h)), ...z], [...z, ...p.lhsDilation.map((d) => d - 1), ...z]);
    if ([...lo, ...hi].some((v) => v < 0)) {
      // negative padding crops (a crop past the whole extent leaves it empty)
      const start = y.shape.map((d, a) => (a === 0 || a > s ? 0 : Math.min(d, Math.max(0, -lo[a - 1]!))));
      const limit = y.shape.map((d, a) => (a === 0 || a > s ? d : Math.max(start[a]!, d - Math.max(0, -hi[a - 1]!))));
      y = slice(y, start, limit);
    }
    return y;
  };
  const size = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);
  if (p.featureGroupCount === 1 && p.batchGroupCount === 1 && size(K) > size(out) && size(out) > 0) {
    const xs = padded(transpose(lhs, [lf!, ...lsp, lb!])); // [C, spatial..., N]
    const fits = xs.shape.slice(1, s + 1).every((h, i) => windowDim(h, out[i]!, p.rhsDilation[i]!, 0, 0, p.strides[i]!) === K[i]);
    if (fits) {
      // P[c, k, o, n] = x[n, o·stride + k·dilation, c]; the kernel as [I, window..., O]
      const P = apply(convPatchesP, [xs], { window: out, strides: p.rhsDilation, dilation: p.strides });
      const w = transpose(rhs, [ri!, ...rsp, ro!]);
      const r = dotGeneral(P, w, { contract: [range(s + 1), range(s + 1)], batch: [[], []] }); // [out..., N, O]
      return toLayout(transpose(r, [s, ...range(s), s + 1]), p.dims.out);
    }
  }
  const x = padded(transpose(lhs, [lb!, ...lsp, lf!]));
  const O = x.shape.slice(1, s + 1).map((h, i) => windowDim(h, K[i]!, p.strides[i]!, 0, 0, p.rhsDilation[i]!));
  const N = x.shape[0]!;
  const C = x.shape[s + 1]!;
  const w = transpose(rhs, [ro!, ...rsp, ri!]); // [O, window..., I]
  const F = w.shape[0]!;
  let y: T;
  if (O.some((d) => d === 0) || K.some((d) => d === 0)) {
    const ns = p.batchGroupCount > 1 ? N / p.batchGroupCount : N;
    y = full([ns, ...O, F], 0, lhs.dtype);
  } else {
    const patches = apply(convPatchesP, [x], { window: K, strides: p.strides, dilation: p.rhsDilation });
    const win = range(s).map((i) => 1 + s + i);
    const G = p.featureGroupCount;
    const B = p.batchGroupCount;
    if (G === 1 && B === 1) {
      y = dotGeneral(patches, w, { contract: [[...win, 1 + 2 * s], range(s + 1).map((i) => 1 + i)], batch: [[], []] });
    } else if (G > 1) {
      const xp = reshape(patches, [N, ...O, ...K, G, C / G]);
      const wp = reshape(w, [G, F / G, ...K, w.shape[s + 1]!]);
      const r = dotGeneral(xp, wp, { contract: [[...win, 2 + 2 * s], range(s + 1).map((i) => 2 + i)], batch: [[1 + 2 * s], [0]] });
      // [G, N, out..., F/G] -> [N, out..., F]
      y = reshape(transpose(r, [1, ...range(s).map((i) => 2 + i), 0, s + 2]), [N, ...O, F]);
    } else {
      const xp = reshape(patches, [B, N / B, ...O, ...K, C]);
      const wp = reshape(w, [B, F / B, ...K, C]);
      const r = dotGeneral(xp, wp, { contract: [[...win.map((a) => a + 1), 2 + 2 * s], range(s + 1).map((i) => 2 + i)], batch: [[0], [0]] });
      // [B, N/B, out..., F/B] -> [N/B, out..., F]
      y = reshape(transpose(r, [1, ...range(s).map((i) => 2 + i), 0, s + 2]), [N / B, ...O, F]);
    }
  }
  return toLayout(y, p.dims.out);
}

/** [N, out..., F] -> the output layout. */
function toLayout(y: T, dims: readonly number[]): T {
  const s = dims.length - 2;
  const [ob, of, ...osp] = dims;
  const from = new Array<number>(s + 2);
  from[ob!] = 0;
  from[of!] = s + 1;
  osp.forEach((a, i) => (from[a] = 1 + i));
  return transpose(y, from);
}

const bodies = new Map<string, Graph>();

function bodyOf(p: ConvParams): Graph {
  const key = cacheKey(p);
  const dtype = p.dtype;
  let g = bodies.get(key);
  if (!g) {
    g = traceFlat(([x, y]) => [convBody(x as T, y as T, p)], [
      { shape: p.lhsShape, dtype },
      { shape: p.rhsShape, dtype },
    ]).graph;
    if (bodies.size > 256) bodies.clear();
    bodies.set(key, g);
  }
  return g;
}

export const convGeneralDilatedP: Prim<ConvParams> = {
  name: "conv_general_dilated",
  jet: "bilinear",
  abstractEval: ([x, y], p) => convAval(x!, y!, p),
  impl: ([x, y], p, out) => convImpl(x!, y!, p, out),
  jvp: ([x, w], [tx, tw], p) => addAny(tx && conv(tx, w!, p), tw && conv(x!, tw, p)),
  vjp: (ct, [x, w], p, _out, wanted) => [wanted[0] ? transposeLhs(ct, x!, w!, p) : null, wanted[1] ? transposeRhs(ct, x!, w!, p) : null],
  batch: (ins, dims, p) => convBatch(ins, dims, p),
  subgraph: (p) => ({ graph: bodyOf(p), output: 0 }),
  customRules: true,
  showParams: (p) =>
    `strides=[${p.strides}] padding=${JSON.stringify(p.padding)} lhs_dilation=[${p.lhsDilation}] rhs_dilation=[${p.rhsDilation}] dims=${JSON.stringify([p.dims.lhs, p.dims.rhs, p.dims.out])} groups=${p.featureGroupCount},${p.batchGroupCount}`,
};

/** The internal op: conv_general_dilated on untyped tensors of one dtype. */
export function conv(lhs: T, rhs: T, o: ConvOptions): T {
  const p: ConvParams = {
    strides: [...o.strides],
    padding: o.padding.map(([l, h]) => [l, h] as const),
    lhsDilation: [...o.lhsDilation],
    rhsDilation: [...o.rhsDilation],
    dims: { lhs: [...o.dims.lhs], rhs: [...o.dims.rhs], out: [...o.dims.out] },
    featureGroupCount: o.featureGroupCount,
    batchGroupCount: o.batchGroupCount,
    lhsShape: [...lhs.shape],
    rhsShape: [...rhs.shape],
    dtype: lhs.dtype,
  };
  return apply(convGeneralDilatedP, [lhs, rhs], p);
}

// ---------------------------------------------------------------- the window view

interface PatchesParams {
  readonly window: readonly number[];
  readonly strides: readonly number[];
  readonly dilation: readonly number[];
}

const patchShape = (x: readonly number[], p: PatchesParams) => {
  const s = p.window.length;
  const out = x.slice(1, s + 1).map((h, i) => windowDim(h, p.window[i]!, p.strides[i]!, 0, 0, p.dilation[i]!));
  return [x[0]!, ...out, ...p.window, x[s + 1]!];
};
const patchStrides = (st: readonly number[], p: PatchesParams) => {
  const s = p.window.length;
  const sp = st.slice(1, s + 1);
  return [st[0]!, ...sp.map((v, i) => v * p.strides[i]!), ...sp.map((v, i) => v * p.dilation[i]!), st[s + 1]!];
};

/**
 * im2col as an index map: [N, H..., C] read as [N, out..., window..., C], element
 * (n, o, k, c) = x[n, o·stride + k·dilation, c]. Only convolution's compiled body uses it (the
 * convolution has its own derivative and batching rules), so it has no transpose of its own.
 */
export const convPatchesP: Prim<PatchesParams> = {
  name: "conv_patches",
  jet: "linear",
  abstractEval: ([x], p) => ({ shape: patchShape(x!.shape, p), dtype: x!.dtype }),
  impl([x], p, out) {
    return new HostArray(affineGather(x!.data, out.dtype, out.shape, 0, patchStrides(stridesOf(x!.shape), p)), out.shape, out.dtype);
  },
  jvp: (_x, [t], p) => (t === null ? null : apply(convPatchesP, [t], p)),
  vjp: () => fail("conv_patches is only compiled, never differentiated"),
  batch: () => fail("conv_patches is only compiled, never batched"),
  lower: {
    kind: "view",
    view: (v, p, out) => (v.mask ? null : { shape: out.shape, strides: patchStrides(v.strides, p), offset: v.offset }),
  },
  showParams: (p) => `window=[${p.window}] strides=[${p.strides}] dilation=[${p.dilation}]`,
};
