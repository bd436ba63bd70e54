/**
 * A minimal WebAssembly binary emitter (MVP + fixed-width SIMD), enough for the
 * kernels in this folder. No dependency: modules are assembled from bytes at
 * run time and compiled with the host's `WebAssembly`.
 *
 * Why our own and not gpu.js's: gpu.js' webasm backend compiles one *cell*
 * function per output element and calls it per cell, imports exp/tanh/log from
 * JS Math (a wasm->JS call per element), and copies every argument in and the
 * output out on every call. Kernels here control their loops, registers and
 * memory layout directly.
 */

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";

const VALTYPE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

function uleb(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

function str(out: number[], s: string): void {
  const bytes = new TextEncoder().encode(s);
  uleb(out, bytes.length);
  for (const b of bytes) out.push(b);
}

const F32_SCRATCH = new DataView(new ArrayBuffer(8));

/** SIMD sub-opcodes (0xFD prefix). */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f32x4ReplaceLane: 0x20,
  i32x4Eq: 0x37,
  f32x4Eq: 0x41,
  f32x4Ne: 0x42,
  f32x4Lt: 0x43,
  f32x4Gt: 0x44,
  f32x4Le: 0x45,
  f32x4Ge: 0x46,
  not: 0x4d,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  f32x4Ceil: 0x67,
  f32x4Floor: 0x68,
  f32x4Trunc: 0x69,
  f32x4Nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4ShrS: 0xac,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  i32x4Mul: 0xb5,
  f32x4Abs: 0xe0,
  f32x4Neg: 0xe1,
  f32x4Sqrt: 0xe3,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  f32x4Max: 0xe9,
  f32x4Pmin: 0xea,
  f32x4Pmax: 0xeb,
  i32x4TruncSatF32x4S: 0xf8,
  f32x4ConvertI32x4S: 0xfa,
} as const;

/** Plain opcodes used by the kernels. */
export const OP = {
  unreachable: 0x00,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Load: 0x28,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Store: 0x36,
  i32Const: 0x41,
  f32Const: 0x43,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  f32Eq: 0x5b,
  f32Ne: 0x5c,
  f32Lt: 0x5d,
  f32Gt: 0x5e,
  f32Le: 0x5f,
  f32Ge: 0x60,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivS: 0x6d,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  f32Abs: 0x8b,
  f32Neg: 0x8c,
  f32Ceil: 0x8d,
  f32Floor: 0x8e,
  f32Trunc: 0x8f,
  f32Nearest: 0x90,
  f32Sqrt: 0x91,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f32Min: 0x96,
  f32Max: 0x97,
  f32Copysign: 0x98,
  i32TruncSatF32S: 0xfc00, // emitted as 0xFC 0x00
  f32ConvertI32S: 0xb2,
  i32ReinterpretF32: 0xbc,
  f32ReinterpretI32: 0xbe,
} as const;

export class FuncBuilder {
  readonly code: number[] = [];
  readonly localTypes: ValType[] = [];
  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {}

  /** Declares a local; returns its index (params come first). */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  op(opcode: number): this {
    if (opcode > 0xff) this.code.push(opcode >> 8, opcode & 0xff);
    else this.code.push(opcode);
    return this;
  }

  simd(sub: number): this {
    this.code.push(0xfd);
    uleb(this.code, sub);
    return this;
  }

  get(i: number): this {
    this.code.push(OP.localGet);
    uleb(this.code, i);
    return this;
  }

  set(i: number): this {
    this.code.push(OP.localSet);
    uleb(this.code, i);
    return this;
  }

  tee(i: number): this {
    this.code.push(OP.localTee);
    uleb(this.code, i);
    return this;
  }

  i32(v: number): this {
    this.code.push(OP.i32Const);
    sleb(this.code, v);
    return this;
  }

  f32(v: number): this {
    this.code.push(OP.f32Const);
    F32_SCRATCH.setFloat32(0, v, true);
    for (let i = 0; i < 4; i++) this.code.push(F32_SCRATCH.getUint8(i));
    return this;
  }

  /** v128.const with four f32 lanes. */
  f32x4(a: number, b = a, c = a, d = a): this {
    this.simd(SIMD.const);
    for (const v of [a, b, c, d]) {
      F32_SCRATCH.setFloat32(0, v, true);
      for (let i = 0; i < 4; i++) this.code.push(F32_SCRATCH.getUint8(i));
    }
    return this;
  }

  /** v128.const with four i32 lanes. */
  i32x4(a: number, b = a, c = a, d = a): this {
    this.simd(SIMD.const);
    for (const v of [a, b, c, d]) {
      F32_SCRATCH.setInt32(0, v, true);
      for (let i = 0; i < 4; i++) this.code.push(F32_SCRATCH.getUint8(i));
    }
    return this;
  }

  private memarg(align: number, offset: number): void {
    uleb(this.code, align);
    uleb(this.code, offset);
  }

  /** Scalar memory op (f32Load, f32Store, i32Load, ...) with an immediate byte offset. */
  mem(opcode: number, offset = 0, align = 2): this {
    this.code.push(opcode);
    this.memarg(align, offset);
    return this;
  }

  v128Load(offset = 0): this {
    this.simd(SIMD.load);
    this.memarg(4, offset);
    return this;
  }

  v128Store(offset = 0): this {
    this.simd(SIMD.store);
    this.memarg(4, offset);
    return this;
  }

  load32Splat(offset = 0): this {
    this.simd(SIMD.load32Splat);
    this.memarg(2, offset);
    return this;
  }

  lane(sub: number, laneIndex: number): this {
    this.simd(sub);
    this.code.push(laneIndex);
    return this;
  }

  block(): this {
    this.code.push(OP.block, 0x40);
    return this;
  }

  loop(): this {
    this.code.push(OP.loop, 0x40);
    return this;
  }

  if_(result?: ValType): this {
    this.code.push(OP.if, result ? VALTYPE[result] : 0x40);
    return this;
  }

  else_(): this {
    this.code.push(OP.else);
    return this;
  }

  end(): this {
    this.code.push(OP.end);
    return this;
  }

  br(depth: number): this {
    this.code.push(OP.br);
    uleb(this.code, depth);
    return this;
  }

  brIf(depth: number): this {
    this.code.push(OP.brIf);
    uleb(this.code, depth);
    return this;
  }

  call(funcIndex: number): this {
    this.code.push(OP.call);
    uleb(this.code, funcIndex);
    return this;
  }

  /** Body bytes: locals (run-length encoded) + code + end. */
  body(): number[] {
    const out: number[] = [];
    const groups: Array<[number, ValType]> = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(out, groups.length);
    for (const [count, t] of groups) {
      uleb(out, count);
      out.push(VALTYPE[t]);
    }
    for (const b of this.code) out.push(b);
    out.push(OP.end);
    return out;
  }
}

interface FuncImport {
  readonly module: string;
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  readonly initial: number;
  readonly maximum?: number;
  readonly shared?: boolean;
}

export class ModuleBuilder {
  private readonly funcImports: FuncImport[] = [];
  private readonly funcs: FuncBuilder[] = [];
  private readonly exports: Array<{ name: string; index: number }> = [];
  private memory: MemoryImport | null = null;

  importMemory(mem: MemoryImport): this {
    this.memory = mem;
    return this;
  }

  /** Imports must be declared before any function is added (indices are fixed). */
  importFunc(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): number {
    if (this.funcs.length > 0) throw new Error("ModuleBuilder: declare imports before functions");
    this.funcImports.push({ module, name, params, results });
    return this.funcImports.length - 1;
  }

  func(name: string, params: readonly ValType[], results: readonly ValType[], exported = true): FuncBuilder {
    const f = new FuncBuilder(name, params, results);
    this.funcs.push(f);
    if (exported) this.exports.push({ name, index: this.funcImports.length + this.funcs.length - 1 });
    return f;
  }

  indexOf(f: FuncBuilder): number {
    return this.funcImports.length + this.funcs.indexOf(f);
  }

  toBytes(): Uint8Array {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, payload: number[]): void => {
      out.push(id);
      uleb(out, payload.length);
      for (const b of payload) out.push(b);
    };
    // types: one per function signature (dedup by key)
    const typeKeys: string[] = [];
    const typeBytes: number[][] = [];
    const typeIndex = (params: readonly ValType[], results: readonly ValType[]): number => {
      const key = params.join(",") + "->" + results.join(",");
      let i = typeKeys.indexOf(key);
      if (i < 0) {
        const t: number[] = [0x60];
        uleb(t, params.length);
        for (const p of params) t.push(VALTYPE[p]);
        uleb(t, results.length);
        for (const r of results) t.push(VALTYPE[r]);
        typeKeys.push(key);
        typeBytes.push(t);
        i = typeKeys.length - 1;
      }
      return i;
    };
    const importTypes = this.funcImports.map((f) => typeIndex(f.params, f.results));
    const funcTypes = this.funcs.map((f) => typeIndex(f.params, f.results));

    const types: number[] = [];
    uleb(types, typeBytes.length);
    for (const t of typeBytes) types.push(...t);
    section(1, types);

    const imports: number[] = [];
    uleb(imports, this.funcImports.length + (this.memory ? 1 : 0));
    if (this.memory) {
      str(imports, this.memory.module);
      str(imports, this.memory.name);
      imports.push(0x02);
      const shared = this.memory.shared === true;
      const hasMax = this.memory.maximum !== undefined;
      imports.push((hasMax ? 1 : 0) | (shared ? 2 : 0));
      uleb(imports, this.memory.initial);
      if (hasMax) uleb(imports, this.memory.maximum as number);
    }
    this.funcImports.forEach((f, i) => {
      str(imports, f.module);
      str(imports, f.name);
      imports.push(0x00);
      uleb(imports, importTypes[i] as number);
    });
    section(2, imports);

    const fsec: number[] = [];
    uleb(fsec, this.funcs.length);
    for (const t of funcTypes) uleb(fsec, t);
    section(3, fsec);

    const exp: number[] = [];
    uleb(exp, this.exports.length);
    for (const e of this.exports) {
      str(exp, e.name);
      exp.push(0x00);
      uleb(exp, e.index);
    }
    section(7, exp);

    const code: number[] = [];
    uleb(code, this.funcs.length);
    for (const f of this.funcs) {
      const body = f.body();
      uleb(code, body.length);
      for (const b of body) code.push(b);
    }
    section(10, code);
    return new Uint8Array(out);
  }
}

let simdOk: boolean | null = null;
/** Whether this host validates a module that uses v128. */
export function wasmSimdSupported(): boolean {
  if (simdOk !== null) return simdOk;
  try {
    if (typeof WebAssembly !== "object") return (simdOk = false);
    const m = new ModuleBuilder();
    const f = m.func("t", [], ["v128"]);
    f.i32x4(0);
    simdOk = WebAssembly.validate(m.toBytes() as BufferSource);
  } catch {
    simdOk = false;
  }
  return simdOk;
}
