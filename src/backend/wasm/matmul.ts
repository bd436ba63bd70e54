/**
 * Dense matrix multiply C[m,n] = A[m,k] · B[k,n] (row-major), float32 and float64.
 *
 * float32: a WebAssembly SIMD (f32x4) GEMM emitted at module load. Both operands
 * are packed into panels (A into MR-row panels, B into NR-column panels, zero
 * padded, transposes absorbed by the packing strides), then an MR×NR register-
 * blocked micro-kernel runs over KC-deep slices so a B panel stays in L1 and the
 * A block in L2. Without SIMD a blocked JS loop is used.
 * float64: blocked JS loop (i-p-j order, row of B streamed).
 */
import { ModuleBuilder, OP, SIMD, wasmSimdSupported } from "./module.js";
import type { FuncBuilder } from "./module.js";
import { WasmHeap, align64 } from "./heap.js";

export interface MatmulOptions {
  /** A is stored as [k, m] (use its transpose). */
  readonly transA?: boolean;
  /** B is stored as [n, k] (use its transpose). */
  readonly transB?: boolean;
  /** Number of independent products: a is batch×(m·k), b is batch×(k·n) (or shared if bBroadcast), out batch×(m·n). */
  readonly batch?: number;
  /** B has no batch dim and is shared by every batch entry. */
  readonly bBroadcast?: boolean;
  /** A has no batch dim and is shared by every batch entry. */
  readonly aBroadcast?: boolean;
  /** Accumulate into `out` (out += A·B) instead of overwriting. */
  readonly accumulate?: boolean;
}

interface GemmModule {
  readonly mr: number;
  readonly nr: number;
  readonly kc: number;
  readonly heap: WasmHeap;
  readonly pack: (src: number, dst: number, rows: number, cols: number, sr: number, sc: number, w: number) => void;
  readonly packRows: (src: number, dst: number, k: number, panels: number, ldBytes: number) => void;
  /** packRows for NR-row panels: B stored transposed ([n, k]) */
  readonly packRowsB: (src: number, dst: number, k: number, panels: number, ldBytes: number) => void;
  readonly packContigA: (src: number, dst: number, rows: number, panels: number, srBytes: number) => void;
  readonly packContigB: (src: number, dst: number, rows: number, panels: number, srBytes: number) => void;
  readonly gemm: (ap: number, bp: number, cp: number, mp: number, np: number, k: number, ldcBytes: number, kc: number) => void;
  readonly gemmRows: (ap: number, bp: number, cp: number, mp: number, np: number, k: number, ldcBytes: number, kc: number) => void;
}

/** pack(src, dst, R, C, sr, sc, W): dst[(pc*R + r)*W + c] = X[r][pc*W + c] (0 past C), X[r][c] = f32 at src + 4*(r*sr + c*sc). */
function emitPack(m: ModuleBuilder): void {
  const f = m.func("pack", ["i32", "i32", "i32", "i32", "i32", "i32", "i32"], []);
  const [src, dst, R, C, sr, sc, W] = [0, 1, 2, 3, 4, 5, 6];
  const pc0 = f.local("i32"); // first column of this panel
  const r = f.local("i32");
  const c = f.local("i32");
  const rowPtr = f.local("i32");
  const cw = f.local("i32"); // columns present in this panel
  f.i32(0).set(pc0);
  f.block().loop();
  f.get(pc0).get(C).op(OP.i32GeS).brIf(1);
  // cw = min(W, C - pc0)
  f.get(C).get(pc0).op(OP.i32Sub).tee(cw).get(W).op(OP.i32GtS).if_();
  f.get(W).set(cw);
  f.end();
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).get(R).op(OP.i32GeS).brIf(1);
  // rowPtr = src + 4*(r*sr + pc0*sc)
  f.get(src).get(r).get(sr).op(OP.i32Mul).get(pc0).get(sc).op(OP.i32Mul).op(OP.i32Add).i32(2).op(OP.i32Shl).op(OP.i32Add).set(rowPtr);
  f.i32(0).set(c);
  f.block().loop();
  f.get(c).get(W).op(OP.i32GeS).brIf(1);
  f.get(dst);
  f.get(c).get(cw).op(OP.i32LtS).if_("f32");
  f.get(rowPtr).get(c).get(sc).op(OP.i32Mul).i32(2).op(OP.i32Shl).op(OP.i32Add).mem(OP.f32Load);
  f.else_();
  f.f32(0);
  f.end();
  f.mem(OP.f32Store);
  f.get(dst).i32(4).op(OP.i32Add).set(dst);
  f.get(c).i32(1).op(OP.i32Add).set(c);
  f.br(0);
  f.end().end();
  f.get(r).i32(1).op(OP.i32Add).set(r);
  f.br(0);
  f.end().end();
  f.get(pc0).get(W).op(OP.i32Add).set(pc0);
  f.br(0);
  f.end().end();
}

/**
 * packRows(src, dst, K, P, ldBytes): the first P full MR-row panels of a row-major A (rows ldBytes
 * apart), packed as pack() does (dst[(p*K + k)*MR + r] = A[p*MR + r][k]), four k at a time: one
 * v128 load per row, its lanes stored across the panel (the scalar pack does one strided load
 * per element). The last K % 4 columns are copied one by one.
 */
function emitPackRows(m: ModuleBuilder, mr: number, name = "packRows"): void {
  const f = m.func(name, ["i32", "i32", "i32", "i32", "i32"], []);
  const [src, dst, K, P, ld] = [0, 1, 2, 3, 4];
  const rows: number[] = [];
  for (let r = 0; r < mr; r++) rows.push(f.local("i32"));
  const vs: number[] = [];
  for (let r = 0; r < mr; r++) vs.push(f.local("v128"));
  const p = f.local("i32");
  const k = f.local("i32");
  f.i32(0).set(p);
  f.block().loop();
  f.get(p).get(P).op(OP.i32GeS).brIf(1);
  // row pointers of this panel: src + (p*MR + r)*ld
  for (let r = 0; r < mr; r++) f.get(src).get(p).i32(mr).op(OP.i32Mul).i32(r).op(OP.i32Add).get(ld).op(OP.i32Mul).op(OP.i32Add).set(rows[r]!);
  f.i32(0).set(k);
  // four columns at a time
  f.block().loop();
  f.get(k).i32(4).op(OP.i32Add).get(K).op(OP.i32GtS).brIf(1);
  for (let r = 0; r < mr; r++) f.get(rows[r]!).v128Load().set(vs[r]!);
  for (let j = 0; j < 4; j++) for (let r = 0; r < mr; r++) f.get(dst).get(vs[r]!).lane(SIMD.f32x4ExtractLane, j).mem(OP.f32Store, (j * mr + r) * 4);
  for (let r = 0; r < mr; r++) f.get(rows[r]!).i32(16).op(OP.i32Add).set(rows[r]!);
  f.get(dst).i32(16 * mr).op(OP.i32Add).set(dst);
  f.get(k).i32(4).op(OP.i32Add).set(k);
  f.br(0);
  f.end().end();
  // the rest one at a time
  f.block().loop();
  f.get(k).get(K).op(OP.i32GeS).brIf(1);
  for (let r = 0; r < mr; r++) f.get(dst).get(rows[r]!).mem(OP.f32Load).mem(OP.f32Store, r * 4);
  for (let r = 0; r < mr; r++) f.get(rows[r]!).i32(4).op(OP.i32Add).set(rows[r]!);
  f.get(dst).i32(4 * mr).op(OP.i32Add).set(dst);
  f.get(k).i32(1).op(OP.i32Add).set(k);
  f.br(0);
  f.end().end();
  f.get(p).i32(1).op(OP.i32Add).set(p);
  f.br(0);
  f.end().end();
}

/**
 * `name`(src, dst, R, P, srBytes): the first P full W-column panels of X (rows srBytes apart,
 * columns contiguous: B as stored, or A stored transposed), packed as pack() does: each panel row
 * is W contiguous floats, copied by v128 loads and stores (and single floats past a multiple of 4).
 */
function emitPackContig(m: ModuleBuilder, name: string, w: number): void {
  const f = m.func(name, ["i32", "i32", "i32", "i32", "i32"], []);
  const [src, dst, R, P, sr] = [0, 1, 2, 3, 4];
  const p = f.local("i32");
  const r = f.local("i32");
  const row = f.local("i32");
  f.i32(0).set(p);
  f.block().loop();
  f.get(p).get(P).op(OP.i32GeS).brIf(1);
  f.get(src).get(p).i32(w * 4).op(OP.i32Mul).op(OP.i32Add).set(row);
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).get(R).op(OP.i32GeS).brIf(1);
  for (let c = 0; c + 4 <= w; c += 4) f.get(dst).get(row).v128Load(c * 4).v128Store(c * 4);
  for (let c = w - (w % 4); c < w; c++) f.get(dst).get(row).mem(OP.f32Load, c * 4).mem(OP.f32Store, c * 4);
  f.get(row).get(sr).op(OP.i32Add).set(row);
  f.get(dst).i32(w * 4).op(OP.i32Add).set(dst);
  f.get(r).i32(1).op(OP.i32Add).set(r);
  f.br(0);
  f.end().end();
  f.get(p).i32(1).op(OP.i32Add).set(p);
  f.br(0);
  f.end().end();
}

/** micro(a, b, c, kl, ldcBytes): C[MR][NR] += Apanel[kl][MR] · Bpanel[kl][NR]. */
function emitMicro(m: ModuleBuilder, mr: number, nr: number): FuncBuilder {
  const nv = nr / 4;
  const f = m.func("micro", ["i32", "i32", "i32", "i32", "i32"], [], false);
  const [a, b, c, kl, ldc] = [0, 1, 2, 3, 4];
  const acc: number[][] = [];
  for (let i = 0; i < mr; i++) {
    const row: number[] = [];
    for (let v = 0; v < nv; v++) row.push(f.local("v128"));
    acc.push(row);
  }
  const bv: number[] = [];
  for (let v = 0; v < nv; v++) bv.push(f.local("v128"));
  const as = f.local("v128");
  const crow = f.local("i32");
  const end = f.local("i32");
  // load C
  f.get(c).set(crow);
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) f.get(crow).v128Load(v * 16).set(acc[i]![v]!);
    if (i + 1 < mr) f.get(crow).get(ldc).op(OP.i32Add).set(crow);
  }
  // end = b + kl * NR * 4
  f.get(b).get(kl).i32(nr * 4).op(OP.i32Mul).op(OP.i32Add).set(end);
  f.get(kl).i32(0).op(OP.i32GtS).if_();
  f.loop();
  for (let v = 0; v < nv; v++) f.get(b).v128Load(v * 16).set(bv[v]!);
  for (let i = 0; i < mr; i++) {
    f.get(a).load32Splat(i * 4).set(as);
    for (let v = 0; v < nv; v++) {
      f.get(acc[i]![v]!).get(as).get(bv[v]!).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(acc[i]![v]!);
    }
  }
  f.get(a).i32(mr * 4).op(OP.i32Add).set(a);
  f.get(b).i32(nr * 4).op(OP.i32Add).tee(b);
  f.get(end).op(OP.i32LtU).brIf(0);
  f.end();
  f.end();
  // store C
  f.get(c).set(crow);
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) f.get(crow).get(acc[i]![v]!).v128Store(v * 16);
    if (i + 1 < mr) f.get(crow).get(ldc).op(OP.i32Add).set(crow);
  }
  return f;
}

/**
 * gemm(ap, bp, cp, mp, np, k, ldcBytes) over KC slices: for kb, for jp, for ip: micro (a B panel
 * stays in L1 while A streams past). gemmRows loops for kb, for ip, for jp: for a tall A and a
 * narrow B (a convolution's im2col times its kernel) the few B panels of a slice fit in L1 and
 * each A panel is read once per slice instead of once per B panel.
 */
function emitGemm(m: ModuleBuilder, micro: FuncBuilder, mr: number, nr: number, rowsOuter = false): void {
  const f = m.func(rowsOuter ? "gemmRows" : "gemm", ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], []);
  const [ap, bp, cp, mp, np, k, ldc, kcP] = [0, 1, 2, 3, 4, 5, 6, 7];
  const kb = f.local("i32");
  const kl = f.local("i32");
  const jp = f.local("i32");
  const ip = f.local("i32");
  const microIdx = m.indexOf(micro);
  f.i32(0).set(kb);
  f.block().loop();
  f.get(kb).get(k).op(OP.i32GeS).brIf(1);
  // kl = min(kc, k - kb), kc the slice depth given (at most the module's kc)
  f.get(k).get(kb).op(OP.i32Sub).tee(kl).get(kcP).op(OP.i32GtS).if_();
  f.get(kcP).set(kl);
  f.end();
  const [outer, outerN, inner, innerN] = rowsOuter ? [ip, mp, jp, np] : [jp, np, ip, mp];
  f.i32(0).set(outer);
  f.block().loop();
  f.get(outer).get(outerN).op(OP.i32GeS).brIf(1);
  f.i32(0).set(inner);
  f.block().loop();
  f.get(inner).get(innerN).op(OP.i32GeS).brIf(1);
  // a = ap + (ip*k + kb)*mr*4
  f.get(ap).get(ip).get(k).op(OP.i32Mul).get(kb).op(OP.i32Add).i32(mr * 4).op(OP.i32Mul).op(OP.i32Add);
  // b = bp + (jp*k + kb)*nr*4
  f.get(bp).get(jp).get(k).op(OP.i32Mul).get(kb).op(OP.i32Add).i32(nr * 4).op(OP.i32Mul).op(OP.i32Add);
  // c = cp + ip*mr*ldc + jp*nr*4
  f.get(cp).get(ip).i32(mr).op(OP.i32Mul).get(ldc).op(OP.i32Mul).op(OP.i32Add).get(jp).i32(nr * 4).op(OP.i32Mul).op(OP.i32Add);
  f.get(kl).get(ldc).call(microIdx);
  f.get(inner).i32(1).op(OP.i32Add).set(inner);
  f.br(0);
  f.end().end();
  f.get(outer).i32(1).op(OP.i32Add).set(outer);
  f.br(0);
  f.end().end();
  f.get(kb).get(kl).op(OP.i32Add).set(kb);
  f.br(0);
  f.end().end();
}

/** Builds a GEMM module with the given register block; exported for benchmarking variants. */
export function buildGemmModule(mr = 5, nr = 8, kc = 512): GemmModule {
  if (nr % 4 !== 0) throw new Error("nr must be a multiple of 4");
  const heap = new WasmHeap(64);
  const m = new ModuleBuilder();
  m.importMemory({ module: "env", name: "memory", initial: 64, maximum: heap.maximumPages });
  emitPack(m);
  emitPackRows(m, mr);
  emitPackRows(m, nr, "packRowsB");
  emitPackContig(m, "packContigA", mr);
  emitPackContig(m, "packContigB", nr);
  const micro = emitMicro(m, mr, nr);
  emitGemm(m, micro, mr, nr);
  emitGemm(m, micro, mr, nr, true);
  const mod = new WebAssembly.Module(m.toBytes() as BufferSource);
  const inst = new WebAssembly.Instance(mod, { env: { memory: heap.memory } });
  const ex = inst.exports as unknown as Pick<GemmModule, "pack" | "packRows" | "packRowsB" | "packContigA" | "packContigB" | "gemm" | "gemmRows">;
  return { mr, nr, kc, heap, pack: ex.pack, packRows: ex.packRows, packRowsB: ex.packRowsB, packContigA: ex.packContigA, packContigB: ex.packContigB, gemm: ex.gemm, gemmRows: ex.gemmRows };
}

let defaultModule: GemmModule | null | undefined;
function getModule(): GemmModule | null {
  if (defaultModule === undefined) {
    defaultModule = wasmSimdSupported() ? buildGemmModule() : null;
  }
  return defaultModule;
}

/** The most bytes of B slice (its depth × all its panels) gemmRows keeps in L1. */
const NARROW_B = 48 * 1024;
/** The slice depth of the B-panel-outer order (a B panel slice of KC × NR floats in L1). */
const KC = 256;

/** Below this many multiply-adds the packing overhead is not worth it. */
const SMALL = 16 * 16 * 16;

/**
 * out[m,n] (=|+=) A·B for float32. `a`, `b`, `out` are row-major; see MatmulOptions
 * for transposes and batching.
 */
export function matmulF32(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  k: number,
  n: number,
  opts: MatmulOptions = {},
): void {
  const batch = opts.batch ?? 1;
  checkSizes(a.length, b.length, out.length, m, k, n, batch, opts);
  const mod = m * k * n >= SMALL ? getModule() : null;
  for (let t = 0; t < batch; t++) {
    const aOff = opts.aBroadcast ? 0 : t * m * k;
    const bOff = opts.bBroadcast ? 0 : t * k * n;
    const oOff = t * m * n;
    if (mod) gemmWasm(mod, a, aOff, b, bOff, out, oOff, m, k, n, opts);
    else gemmJs(a, aOff, b, bOff, out, oOff, m, k, n, opts);
  }
}

/** Same contract as matmulF32 for float64 (blocked JS). */
export function matmulF64(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  m: number,
  k: number,
  n: number,
  opts: MatmulOptions = {},
): void {
  const batch = opts.batch ?? 1;
  checkSizes(a.length, b.length, out.length, m, k, n, batch, opts);
  for (let t = 0; t < batch; t++) {
    gemmJs(a, opts.aBroadcast ? 0 : t * m * k, b, opts.bBroadcast ? 0 : t * k * n, out, t * m * n, m, k, n, opts);
  }
}

function checkSizes(al: number, bl: number, ol: number, m: number, k: number, n: number, batch: number, o: MatmulOptions): void {
  const needA = (o.aBroadcast ? 1 : batch) * m * k;
  const needB = (o.bBroadcast ? 1 : batch) * k * n;
  if (al < needA || bl < needB || ol < batch * m * n) {
    throw new Error(`matmul: buffers too small for batch=${batch} [${m},${k}]@[${k},${n}] (a ${al}, b ${bl}, out ${ol})`);
  }
}

function gemmWasm(
  mod: GemmModule,
  a: Float32Array, aOff: number,
  b: Float32Array, bOff: number,
  out: Float32Array, oOff: number,
  m: number, k: number, n: number,
  opts: MatmulOptions,
): void {
  const { mr, nr, heap } = mod;
  const mp = Math.ceil(m / mr);
  const np = Math.ceil(n / nr);
  const ldc = np * nr;
  // layout: [A raw | B raw | Ap | Bp | Cp]
  const aRaw = 0;
  const bRaw = align64(aRaw + m * k * 4);
  const apOff = align64(bRaw + k * n * 4);
  const bpOff = align64(apOff + mp * mr * k * 4);
  const cpOff = align64(bpOff + np * nr * k * 4);
  const total = cpOff + mp * mr * ldc * 4;
  heap.ensure(total);
  const f32 = heap.f32;
  f32.set(a.subarray(aOff, aOff + m * k), aRaw >> 2);
  f32.set(b.subarray(bOff, bOff + k * n), bRaw >> 2);
  // A as X[p][i]: A[i][p] at i*k + p (or transA: A stored [k,m] at p*m + i)
  if (opts.transA) packContig(mod.packContigA, mod.pack, aRaw, apOff, k, m, mr);
  else {
    // full panels with SIMD loads along the rows, the last partial panel by the scalar pack
    const full = Math.floor(m / mr);
    mod.packRows(aRaw, apOff, k, full, k * 4);
    if (full * mr < m) mod.pack(aRaw + full * mr * k * 4, apOff + full * mr * k * 4, k, m - full * mr, 1, k, mr);
  }
  // B as X[p][j]: B[p][j] at p*n + j (or transB: stored [n,k] at j*k + p)
  if (opts.transB) {
    // as A's rows: full NR-row panels of the stored [n, k] by SIMD loads, the rest by the scalar pack
    const full = Math.floor(n / nr);
    mod.packRowsB(bRaw, bpOff, k, full, k * 4);
    if (full * nr < n) mod.pack(bRaw + full * nr * k * 4, bpOff + full * nr * k * 4, k, n - full * nr, 1, k, nr);
  } else packContig(mod.packContigB, mod.pack, bRaw, bpOff, k, n, nr);
  const cpIdx = cpOff >> 2;
  f32.fill(0, cpIdx, cpIdx + mp * mr * ldc);
  // a narrow B under a tall A (im2col times a kernel): A panels outermost, and slices as deep as
  // the module allows while the B slice stays in L1 (every slice streams all of A once more)
  const deep = Math.min(k, mod.kc);
  const rows = mp > np && np * nr * deep * 4 <= NARROW_B;
  const kc = rows ? deep : Math.min(k, KC);
  (rows ? mod.gemmRows : mod.gemm)(apOff, bpOff, cpOff, mp, np, k, ldc * 4, kc);
  if (opts.accumulate) {
    for (let i = 0; i < m; i++) {
      const src = cpIdx + i * ldc;
      const dst = oOff + i * n;
      for (let j = 0; j < n; j++) out[dst + j]! += f32[src + j]!;
    }
  } else if (ldc === n) {
    out.set(f32.subarray(cpIdx, cpIdx + m * n), oOff);
  } else {
    for (let i = 0; i < m; i++) out.set(f32.subarray(cpIdx + i * ldc, cpIdx + i * ldc + n), oOff + i * n);
  }
}

/** Packs a row-major [rows, cols] X into W-column panels: full panels by `contig`, the last partial one by the scalar pack. */
function packContig(contig: GemmModule["packContigA"], pack: GemmModule["pack"], src: number, dst: number, rows: number, cols: number, w: number): void {
  const full = Math.floor(cols / w);
  contig(src, dst, rows, full, cols * 4);
  if (full * w < cols) pack(src + full * w * 4, dst + full * w * rows * 4, rows, cols - full * w, cols, 1, w);
}

type FloatArray = Float32Array | Float64Array;

/** Blocked JS GEMM (i-p-j with a 64-wide k block), the fallback and the f64 path. */
function gemmJs(
  a: FloatArray, aOff: number,
  b: FloatArray, bOff: number,
  out: FloatArray, oOff: number,
  m: number, k: number, n: number,
  opts: MatmulOptions,
): void {
  const acc = new Float64Array(n);
  const sai = opts.transA ? 1 : k;
  const sap = opts.transA ? m : 1;
  // B row access: if transB, materialise B^T once so the inner loop is unit stride
  let bb: FloatArray = b;
  let bo = bOff;
  if (opts.transB) {
    const t = new Float64Array(k * n);
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) t[p * n + j] = b[bOff + j * k + p]!;
    bb = t;
    bo = 0;
  }
  for (let i = 0; i < m; i++) {
    acc.fill(0);
    const ai = aOff + i * sai;
    for (let p = 0; p < k; p++) {
      const av = a[ai + p * sap]!;
      const br = bo + p * n;
      for (let j = 0; j < n; j++) acc[j]! += av * bb[br + j]!;
    }
    const oi = oOff + i * n;
    if (opts.accumulate) for (let j = 0; j < n; j++) out[oi + j]! += acc[j]!;
    else for (let j = 0; j < n; j++) out[oi + j] = acc[j]!;
  }
}
