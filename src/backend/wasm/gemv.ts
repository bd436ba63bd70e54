/**
 * Matrix-vector products in WebAssembly SIMD, float32: the skinny products that a GEMM would pad
 * to a full register tile (a layer of width 1, the cotangent of a bias, column sums).
 *   gemvT: y[c] = Σ_r A[r, c] · v[r]      (A row-major [R, C]; v = 1 gives column sums)
 *   gemv:  y[r] = Σ_c A[r, c] · v[c]
 * Without SIMD, plain loops.
 */
import { ModuleBuilder, OP, SIMD, wasmSimdSupported } from "./module.js";
import { WasmHeap, align64 } from "./heap.js";

interface GemvModule {
  readonly heap: WasmHeap;
  readonly gemvT: (a: number, v: number, y: number, rows: number, cols: number) => void;
  readonly gemv: (a: number, v: number, y: number, rows: number, cols: number) => void;
}

/**
 * gemvT: passes of four rows (each y vector is loaded and stored once per four rows), then single
 * rows for what is left; within a pass, SIMD over columns and a scalar loop for the column tail.
 */
function emitGemvT(m: ModuleBuilder): void {
  const f = m.func("gemvT", ["i32", "i32", "i32", "i32", "i32"], []);
  const [A, V, Y, R, C] = [0, 1, 2, 3, 4];
  const r = f.local("i32");
  const c = f.local("i32");
  const row = f.local("i32"); // byte address of A[r, 0]
  const rowBytes = f.local("i32");
  const c4 = f.local("i32");
  const yp = f.local("i32");
  const ap = f.local("i32");
  const vs = [f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128")];
  f.get(C).i32(2).op(OP.i32Shl).set(rowBytes);
  f.get(C).i32(-4).op(OP.i32And).set(c4);
  f.i32(0).set(r);
  // byte address of element c of a vector starting at local `base`
  const at = (base: number) => f.get(base).get(c).i32(2).op(OP.i32Shl).op(OP.i32Add);
  // the address of row r + k's element c, given ap = row's element c
  const rowK = (k: number) => (k === 0 ? f.get(ap) : f.get(ap).get(rowBytes).i32(k).op(OP.i32Mul).op(OP.i32Add));
  const pass = (k: number): void => {
    f.block().loop();
    f.get(r).i32(k).op(OP.i32Add).get(R).op(OP.i32GtS).brIf(1);
    f.get(A).get(r).get(rowBytes).op(OP.i32Mul).op(OP.i32Add).set(row);
    for (let j = 0; j < k; j++) f.get(V).get(r).i32(2).op(OP.i32Shl).op(OP.i32Add).load32Splat(4 * j).set(vs[j]!);
    f.i32(0).set(c);
    // y[c..c+4] += Σ_j A[r+j, c..c+4] · v[r+j]
    f.block().loop();
    f.get(c).get(c4).op(OP.i32GeS).brIf(1);
    at(Y).set(yp);
    at(row).set(ap);
    f.get(yp).get(yp).v128Load();
    for (let j = 0; j < k; j++) rowK(j).v128Load().get(vs[j]!).simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add);
    f.v128Store();
    f.get(c).i32(4).op(OP.i32Add).set(c);
    f.br(0);
    f.end().end();
    // the column tail, one element at a time
    f.block().loop();
    f.get(c).get(C).op(OP.i32GeS).brIf(1);
    at(Y).set(yp);
    at(row).set(ap);
    f.get(yp).get(yp).mem(OP.f32Load);
    for (let j = 0; j < k; j++) {
      rowK(j).mem(OP.f32Load);
      f.get(V).get(r).i32(j).op(OP.i32Add).i32(2).op(OP.i32Shl).op(OP.i32Add).mem(OP.f32Load);
      f.op(OP.f32Mul).op(OP.f32Add);
    }
    f.mem(OP.f32Store);
    f.get(c).i32(1).op(OP.i32Add).set(c);
    f.br(0);
    f.end().end();
    f.get(r).i32(k).op(OP.i32Add).set(r);
    f.br(0);
    f.end().end();
  };
  pass(4);
  pass(1);
}

/** gemv: one row at a time, a vector accumulator, then a horizontal sum and the tail. */
function emitGemv(m: ModuleBuilder): void {
  const f = m.func("gemv", ["i32", "i32", "i32", "i32", "i32"], []);
  const [A, V, Y, R, C] = [0, 1, 2, 3, 4];
  const r = f.local("i32");
  const c = f.local("i32");
  const row = f.local("i32");
  const c4 = f.local("i32");
  const acc = f.local("v128");
  const s = f.local("f32");
  f.get(C).i32(-4).op(OP.i32And).set(c4);
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).get(R).op(OP.i32GeS).brIf(1);
  f.get(A).get(r).get(C).op(OP.i32Mul).i32(2).op(OP.i32Shl).op(OP.i32Add).set(row);
  f.f32x4(0).set(acc);
  f.i32(0).set(c);
  f.block().loop();
  f.get(c).get(c4).op(OP.i32GeS).brIf(1);
  f.get(acc);
  f.get(row).get(c).i32(2).op(OP.i32Shl).op(OP.i32Add).v128Load();
  f.get(V).get(c).i32(2).op(OP.i32Shl).op(OP.i32Add).v128Load();
  f.simd(SIMD.f32x4Mul).simd(SIMD.f32x4Add).set(acc);
  f.get(c).i32(4).op(OP.i32Add).set(c);
  f.br(0);
  f.end().end();
  f.get(acc).lane(SIMD.f32x4ExtractLane, 0).get(acc).lane(SIMD.f32x4ExtractLane, 1).op(OP.f32Add);
  f.get(acc).lane(SIMD.f32x4ExtractLane, 2).get(acc).lane(SIMD.f32x4ExtractLane, 3).op(OP.f32Add).op(OP.f32Add).set(s);
  f.block().loop();
  f.get(c).get(C).op(OP.i32GeS).brIf(1);
  f.get(s);
  f.get(row).get(c).i32(2).op(OP.i32Shl).op(OP.i32Add).mem(OP.f32Load);
  f.get(V).get(c).i32(2).op(OP.i32Shl).op(OP.i32Add).mem(OP.f32Load);
  f.op(OP.f32Mul).op(OP.f32Add).set(s);
  f.get(c).i32(1).op(OP.i32Add).set(c);
  f.br(0);
  f.end().end();
  f.get(Y).get(r).i32(2).op(OP.i32Shl).op(OP.i32Add).get(s).mem(OP.f32Store);
  f.get(r).i32(1).op(OP.i32Add).set(r);
  f.br(0);
  f.end().end();
}

let module: GemvModule | null | undefined;
function getModule(): GemvModule | null {
  if (module === undefined) {
    if (!wasmSimdSupported()) module = null;
    else {
      const heap = new WasmHeap(16);
      const m = new ModuleBuilder();
      m.importMemory({ module: "env", name: "memory", initial: 1, maximum: heap.maximumPages });
      emitGemvT(m);
      emitGemv(m);
      const inst = new WebAssembly.Instance(new WebAssembly.Module(m.toBytes() as BufferSource), { env: { memory: heap.memory } });
      const ex = inst.exports as unknown as Pick<GemvModule, "gemv" | "gemvT">;
      module = { heap, gemv: ex.gemv, gemvT: ex.gemvT };
    }
  }
  return module;
}

function run(kind: "gemv" | "gemvT", a: Float32Array, v: Float32Array, y: Float32Array, rows: number, cols: number): void {
  const outLen = kind === "gemv" ? rows : cols;
  if (a.length < rows * cols || v.length < (kind === "gemv" ? cols : rows) || y.length < outLen) {
    throw new Error(`${kind}: buffers too small for [${rows}, ${cols}]`);
  }
  const mod = getModule();
  if (!mod) {
    if (kind === "gemv") for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += a[r * cols + c]! * v[c]!;
      y[r] = s;
    }
    else {
      const acc = new Float64Array(cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) acc[c]! += a[r * cols + c]! * v[r]!;
      y.set(acc);
    }
    return;
  }
  const aOff = 0;
  const vOff = align64(rows * cols * 4);
  const yOff = align64(vOff + (kind === "gemv" ? cols : rows) * 4);
  mod.heap.ensure(yOff + outLen * 4 + 64);
  const f32 = mod.heap.f32;
  f32.set(a.subarray(0, rows * cols), aOff >> 2);
  f32.set(v.subarray(0, kind === "gemv" ? cols : rows), vOff >> 2);
  if (kind === "gemvT") f32.fill(0, yOff >> 2, (yOff >> 2) + outLen);
  mod[kind](aOff, vOff, yOff, rows, cols);
  y.set(f32.subarray(yOff >> 2, (yOff >> 2) + outLen));
}

/** y[c] = Σ_r A[r, c] · v[r] for row-major A [rows, cols]. */
export function gemvTF32(a: Float32Array, v: Float32Array, y: Float32Array, rows: number, cols: number): void {
  run("gemvT", a, v, y, rows, cols);
}

/** y[r] = Σ_c A[r, c] · v[c] for row-major A [rows, cols]. */
export function gemvF32(a: Float32Array, v: Float32Array, y: Float32Array, rows: number, cols: number): void {
  run("gemv", a, v, y, rows, cols);
}
