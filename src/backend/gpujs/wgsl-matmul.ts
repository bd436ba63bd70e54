/**
 * Contractions as hand-written WGSL compute shaders, for the gpu.js backend's webgpu mode only
 * (backend.ts dispatches them on gpu.js's own GPUDevice, reading and writing the same GPUBuffers
 * its kernels do, so results stay on the device and feed gpu.js kernels directly).
 *
 * gpu.js gives a thread at most 4 outputs and declares every value f32; here each invocation
 * computes an RM x RN tile of the output (8 rows x 4 columns on a GPU): per contracted step it
 * loads RM values of one operand and RN of the other for RM·RN multiply-adds, all index math in
 * i32 with the shapes, strides and offsets as literals. On SwiftShader (a CPU Vulkan) this ran
 * matmul 256/512 in 2-3x less wall and CPU time than the blocked gpu.js kernel (contraction.ts);
 * workgroup-memory tiling (64x64 or 32x32 tiles, 4x4 or 8x8 per invocation, barriers) took 4-12x
 * longer than that kernel there (a CPU runs a workgroup's invocations in turn, so a barrier is
 * likely a switch among them), so there is none.
 *
 * A software adapter takes 32 x 8 or 16 x 8 tiles for large contractions on wide grids
 * (`SOFTWARE_TILES`): on SwiftShader every storage load is a gather, one lane at a time whatever
 * the addresses (Chromium builds it with Subzero, whose gather tests, loads and inserts each of the
 * 4 lanes in turn; about 20 ns of CPU time per 4-lane load, from matmul 512 with and without its
 * loads: 80% of its time), so loads per multiply-add are what count. There matmul 512 took
 * 1.4-1.8x less time with 16 x 8 tiles than with 8 x 4, the shader 2-3x longer to build
 * (150-450 ms); with quads (below), matmul 256 took 0.81-0.86 of the 16 x 8 time with 32 x 8
 * tiles (16 x 16: 0.92-0.93), their shader 470-690 ms to build instead of 230-280 (a standalone
 * Dawn script pinned to one CPU, medians of 60 interleaved runs, twice). On a GPU, 128
 * accumulators per invocation would crowd the registers and thin the grid.
 *
 * A software adapter with subgroups also shares loads within quads (`quads`): 4 invocations side
 * by side along x need the same values of the operand that is constant along x (the lhs of a
 * matmul), so each loads a quarter and quad swaps hand them round, a register move where a load
 * is a gather. On SwiftShader (4 lanes, so a quad is one SIMD group) matmul 512 took 66-71 ms
 * instead of 107-124 with 8 x 4 tiles, and matmul 256 6.6-8.4 instead of 10.3-11.1 ms with 16 x 8
 * (a standalone Dawn script, medians of 9), with quadBroadcast; quadSwapX/Y/Diagonal, one
 * shuffle each there where a quadBroadcast is 5 per value, took 0.92 of that time at 16 x 8 and
 * 0.95-0.97 at 8 x 4 (pinned, as above). WebGPU does not say which invocations form a quad, so the
 * backend checks each device and workgroup shape first (`quadCheck`).
 *
 * The output, after merging contiguous dims, is [Z, Y, X] (rank 3 at most; more is left to
 * contraction.ts); an operand may vary along any of them (a batch dim varies in both). Tiles
 * past the edge of Y or X read the last row or column (clamped, never out of bounds) and store
 * nothing. The contracted dims, merged, are loops; the innermost is unrolled by 4. A dot product
 * just propagates NaN and Infinity, as the gpu.js kernels do. An operand contiguous along X (the
 * rhs of a row-major matmul), along the innermost contracted dim (the lhs) or along Y (a
 * transposed lhs, as in the weight gradient xᵀ·g) is read as vec4s, and the result written as
 * vec4s, where the alignment allows (one index and bounds clamp per 4 values, not per value).
 */
import { mergeDims, topo, type Expr, type Kernel, type Program } from "../../ir/kernel.js";
import { refused, webgpuExpr } from "./codegen.js";
import { contractionSpace, intAffine, type ContractionParts, type Epilogue, type SpaceOperand } from "./contraction.js";
import { jsToWgsl } from "./js-wgsl.js";

type Contraction = Extract<Kernel, { kind: "contraction" }>;

/** A WGSL kernel as backend.ts dispatches it (contractions here, elementwise kernels in wgsl-elementwise.ts). */
export interface WgslKernel {
  /** the shader source (also its cache key: shapes, strides and offsets are literals in it) */
  readonly code: string;
  /** buffers bound at @binding(0..n-1), read only; the result is @binding(n) */
  readonly args: readonly number[];
  readonly workgroups: readonly [number, number, number];
  /** elements of the result */
  readonly size: number;
}

export interface WgslContraction extends WgslKernel {
  /** rows and columns of one invocation's tile (less than the tile asked for where the output is smaller) */
  readonly tile: Tile;
  /** invocations per workgroup along x and y */
  readonly group: readonly [number, number];
  /** whether the quads of invocations share their loads (`quads` of wgslContraction): needs the device's subgroups, checked for this workgroup shape (`quadCheck`) */
  readonly quads: boolean;
  /** whether the epilogue (`parts.epilogue`) is in it, its result the kernel's; else the caller runs it after */
  readonly fused: boolean;
}

/**
 * A shader's read-only bindings, one per buffer and element type (a buffer read both as vec4s and
 * as floats is bound twice): `bind` names a buffer's binding `<prefix><i>`, `args` are the
 * buffers in binding order, `declare` writes their declarations. The result is @binding(args.length).
 */
export function bindings(prefix: string) {
  const args: number[] = [];
  const slots: string[] = [];
  const bind = (buffer: number, vec4: boolean): string => {
    const slot = `${buffer}${vec4 ? "v" : ""}`;
    let i = slots.indexOf(slot);
    if (i < 0) i = (slots.push(slot), args.push(buffer) - 1);
    return `${prefix}${i}`;
  };
  const declare = () => slots.map((slot, i) => `@group(0) @binding(${i}) var<storage, read> ${prefix}${i} : array<${slot.endsWith("v") ? "vec4<f32>" : "f32"}>;`);
  return { args, bind, declare };
}

/** WebGPU's storage buffers per shader stage by default (an adapter may give more): the WGSL kernels bind at most this, the result included. */
export const MAX_BINDINGS = 8;

/** Whether an expression computes on float32 values (bools inside) only: int32 ones have bounds the backend checks around gpu.js kernels. */
export const float32Only = (e: Expr): boolean => topo(e).every((n) => n.dtype === "float32" || n.dtype === "bool");

/** Rows and columns of the output tile of one invocation. */
export type Tile = readonly [rows: number, columns: number];
/** A GPU's tile. */
export const HARDWARE_TILES: readonly Tile[] = [[8, 4]];
/** A software adapter's (a CPU): the first that fits (`MIN_WORKGROUPS`, `MIN_WORK`, K of 4 or more), else the last. */
export const SOFTWARE_TILES: readonly Tile[] = [
  [32, 8],
  [16, 8],
  [8, 4],
];
/** Workgroups a larger tile must leave, so that a CPU's threads all have some (8: up to 8 cores). */
const MIN_WORKGROUPS = 8;
/**
 * Multiply-adds a contraction needs for a larger tile: its shader takes 150-450 ms longer to build
 * on SwiftShader (32 x 8: another 280-390 ms, from the first calls of matmul 256 and 512 in
 * bench/gpu-check.ts), and below 2^24 the time it saves per call (under 1 ms for 1024x64 @ 64x64
 * in the MLP gradient there, whose first call it made 2x longer) would take hundreds of calls to
 * repay that. At 2^24, 32 x 8 tiles and quad swaps together took matmul 256 there from 12.2 to
 * 8.3 ms per call (medians of 9 alternating runs).
 */
const MIN_WORK = 2 ** 24;
/** Unroll factor of the innermost contracted loop. */
const UNROLL = 4;
/** The quad operations that give invocation p the value of invocation p^1, p^2 and p^3 of its quad. */
const QUAD_SWAPS = ["quadSwapX", "quadSwapY", "quadSwapDiagonal"] as const;
/** Invocations per workgroup: 64, or 32 where a larger tile would leave too few workgroups (`MIN_WORKGROUPS`). */
const WG_SIZES = [64, 32] as const;

/**
 * The WGSL kernel of a float32 contraction whose operands are read through `parts`' views (copies
 * folded in), or null where it does not apply: a masked view, more than three output dims after
 * merging, a grid past `maxWorkgroups` per dim, an empty output (the caller makes its zeros).
 * `tiles`: the tile shapes to choose from, largest first (`HARDWARE_TILES` or `SOFTWARE_TILES`).
 * An epilogue is evaluated on each output before it is stored (`fused`), as the gpu.js renderer
 * writes it (codegen.ts, translated by js-wgsl.ts), where its inputs have no mask, its dims merge
 * as the operands' do, the bindings fit in 8 and the tile times its statements in `EPILOGUE_BUDGET`
 * (of the larger tiles that fit, the largest that takes it in); else the kernel leaves it to the
 * caller.
 */
export function wgslContraction(
  k: Contraction,
  p: Program,
  parts: ContractionParts = {},
  maxWorkgroups = 65535,
  tiles: readonly Tile[] = HARDWARE_TILES,
  quads = false,
): WgslContraction | null {
  if (parts.epilogue) {
    const fused = build(k, p, parts, maxWorkgroups, tiles, quads, parts.epilogue);
    if (fused) return fused;
  }
  return build(k, p, parts, maxWorkgroups, tiles, quads, null);
}

/**
 * Outputs per invocation times an epilogue's statements that a kernel takes in: 8 x 4 tiles take
 * a tanh (about 20 statements), 16 x 8 a bias and a relu, 32 x 8 a bias (a shader with 128 or 256
 * copies of a long epilogue would take long to build).
 */
const EPILOGUE_BUDGET = 1024;

function build(
  k: Contraction,
  p: Program,
  parts: ContractionParts,
  maxWorkgroups: number,
  tiles: readonly Tile[],
  quads: boolean,
  epilogue: Epilogue | null,
): WgslContraction | null {
  const space = contractionSpace(k, p, parts);
  if (!space) return null;
  const { shape, nOut } = space;
  const ops: readonly SpaceOperand[] = [space.lhs, space.rhs];
  // the epilogue's inputs but its own value (the contraction's), read at the output points
  const epi = epilogue ? epilogue.inputs.filter((_, j) => j !== epilogue.self) : [];
  if (epi.some((op) => op.view.mask || p.buffers[op.buffer]!.dtype !== "float32")) return null;
  if (epilogue && !float32Only(epilogue.expr)) return null;
  // the epilogue as the webgpu renderer writes it (p<j>: input j's value)
  let epiJs: readonly string[] = [];
  try {
    if (epilogue) epiJs = webgpuExpr(epilogue.expr, (j) => `p${j}`, "e_");
  } catch (e) {
    if (refused(e)) return null;
    throw e;
  }
  const o = mergeDims(shape.slice(0, nOut), [...ops.map((op) => op.strides.slice(0, nOut)), ...epi.map((op) => op.view.strides)]);
  if (o.shape.length > 3) return null;
  const red = mergeDims(shape.slice(nOut), ops.map((op) => op.strides.slice(nOut)));
  const pad = 3 - o.shape.length;
  const [Z, Y, X] = [...Array<number>(pad).fill(1), ...o.shape] as [number, number, number];
  // strides of operand j along z, y, x (0 for a padded dim), and of epilogue input e (after the operands)
  const st = [...ops, ...epi].map((_, j) => [...Array<number>(pad).fill(0), ...o.strides[j]!] as [number, number, number]);
  const size = Z * Y * X;
  if (size === 0) return null;
  const grid = (tile: Tile, wg: number) => {
    const rm = Math.min(tile[0], Y);
    const rn = Math.min(tile[1], X);
    const tx = Math.ceil(X / rn);
    const ty = Math.ceil(Y / rm);
    const wx = ty === 1 ? wg : tx === 1 ? 1 : 8;
    const wy = wg / wx;
    const workgroups: [number, number, number] = [Math.ceil(tx / wx), Math.ceil(ty / wy), Z];
    return { rm, rn, tx, ty, wx, wy, workgroups };
  };
  // (an outer product, K = 1, ran 3-6x slower with the larger tile on SwiftShader: at least one unrolled step)
  const steps = red.shape.reduce((a, r) => a * r, 1);
  const fits = (g: ReturnType<typeof grid>) => steps >= UNROLL && size * steps >= MIN_WORK && g.workgroups[0] * g.workgroups[1] * g.workgroups[2] >= MIN_WORKGROUPS;
  // a larger tile in workgroups of 64, else of 32 where that leaves enough of them, else the last
  // tile; with an epilogue, of those the first that takes it in (a tanh: none of the larger tiles,
  // whose kernel then runs without it)
  const larger = tiles.slice(0, -1).flatMap((t) => WG_SIZES.map((wg) => grid(t, wg))).filter(fits);
  const choice = (larger.length ? larger : [grid(tiles[tiles.length - 1]!, WG_SIZES[0])]).find((g) => epiJs.length * g.rm * g.rn <= EPILOGUE_BUDGET);
  if (!choice) return null;
  const { rm, rn, tx, ty, wx, wy, workgroups } = choice;
  if (workgroups.some((g) => g > maxWorkgroups)) return null;

  // vec4 loads of the operands contiguous along x, 4-aligned everywhere, and vec4 stores, where a
  // tile's columns (4 or 8) never pass the edge (on SwiftShader 1.2-1.5x less CPU time at matmul 256/512)
  const vec = rn % 4 === 0 && X % rn === 0;
  const R = red.shape;
  const q = R.length - 1;
  // nothing to contract (K = 0): the operands are never read and may be bound to a 4-byte
  // placeholder, shorter than one vec4 (a minimum binding size a device may check)
  const reads = R.every((r) => r > 0);
  const aligned = (j: number, strides: readonly number[]) => [ops[j]!.offset, ...strides].every((v) => v % 4 === 0);
  const quad = ops.map((_, j) => reads && vec && st[j]![2] === 1 && aligned(j, [st[j]![0], st[j]![1], ...red.strides[j]!]));
  // an operand contiguous along the innermost contracted dim (the lhs of a row-major matmul) is
  // read as vec4s along it, one per unrolled group of 4
  const alongK = ops.map((_, j) => reads && !quad[j] && q >= 0 && UNROLL === 4 && R[q]! % 4 === 0 && red.strides[j]![q] === 1 && aligned(j, [...st[j]!, ...red.strides[j]!.slice(0, q)]));
  // quads (a software adapter's, where the device has subgroups and was checked to form quads of 4
  // consecutive invocations): a quad is 4 tiles side by side along x, so an operand constant along
  // x has the same values for all 4. Each invocation p (0-3) loads a quarter of them per unrolled
  // group of 4 steps, and takes the other quarters from invocations p^1, p^2, p^3 by quadSwapX,
  // quadSwapY and quadSwapDiagonal (one shuffle each on SwiftShader; a quadBroadcast is 5 per
  // value). Along k (kquad, below) the quarters are rows: invocation p's tile row m·rm/4 + t is row
  // (p^m)·rm/4 + t of the quad's rows (`rowsSwapped`). Else they are steps: invocation p loads step
  // p of the group, and its m-th product is that of step p^m (`stepsSwapped`). A quad past the edge
  // returns at once; in a quad that is partly past it, every invocation runs to the end (one past
  // the edge computes a clamped tile and stores nothing), as quad operations need the whole quad.
  const full = q >= 0 ? Math.floor(R[q]! / UNROLL) : 0;
  // (a group of 4 unrolled steps: one per invocation of the quad)
  const shared = ops.map((_, j) => quads && UNROLL === 4 && reads && wx % 4 === 0 && full > 0 && st[j]![2] === 0 && (!alongK[j] || (st[j]![1] !== 0 && rm % 4 === 0)));
  const sharing = shared.some(Boolean);
  // where the steps are swapped, every operand's step differs among the quad: one value at a time,
  // not a vec4 of 4 steps (an operand shared along k too: both operands are constant along x where
  // the rhs is a broadcast copy), so rows and steps are never both swapped
  const stepsSwapped = shared.some((sh, j) => sh && !alongK[j]);
  const kquad = alongK.map((a) => a && !stepsSwapped);
  const rowsSwapped = shared.some((sh, j) => sh && kquad[j]);
  const per = rm / 4;
  // an operand contiguous along y (a transposed lhs) is read as vec4s of 4 rows, where no tile
  // passes the edge of Y (the rows are never clamped) and the rows are in order (not swapped)
  const yquad = ops.map((_, j) => reads && !quad[j] && !kquad[j] && !(rowsSwapped && !shared[j]) && rm % 4 === 0 && Y % rm === 0 && st[j]![1] === 1 && aligned(j, [st[j]![0], st[j]![2], ...red.strides[j]!]));
  const wide = (j: number) => quad[j] || kquad[j] || yquad[j];
  /** invocation p's value of lane p^m (m = 0: its own) */
  const swapped = (v: string, m: number) => (m === 0 ? v : `${QUAD_SWAPS[m - 1]}(${v})`);
  const div = (j: number) => (wide(j) ? 4 : 1);
  const { args, bind, declare } = bindings("a");
  const names = ops.map((op, j) => bind(op.buffer, wide(j)));
  const epiNames = epi.map((op) => bind(op.buffer, false));
  if (epilogue && args.length + 1 > MAX_BINDINGS) return null;
  // the epilogue as a WGSL function of its inputs
  let epiFn: string[] = [];
  if (epilogue) {
    try {
      const w = jsToWgsl(epiJs);
      const params = epilogue.inputs.map((_, j) => `p${j} : f32`).join(", ");
      epiFn = [`fn epilogue(${params}) -> f32 {`, ...w.body.map((l) => `  ${l}`), `  return ${w.value!};`, "}"];
    } catch (e) {
      if (refused(e)) return null;
      throw e;
    }
  }
  // (the analysis of uniformity knows nothing of quads: a quad returns whole or not at all)
  const L: string[] = sharing ? ["enable subgroups;", "diagnostic(off, subgroup_uniformity);"] : [];
  L.push(...declare());
  L.push(`@group(0) @binding(${args.length}) var<storage, read_write> out : array<${vec ? "vec4<f32>" : "f32"}>;`);
  L.push(...epiFn);
  L.push(`@compute @workgroup_size(${wx}, ${wy}, 1)`);
  if (sharing) {
    L.push(`fn main(@builtin(global_invocation_id) g : vec3<u32>, @builtin(subgroup_invocation_id) sl : u32) {`);
    L.push(`  if ((g.x & ~3u) >= ${tx}u || g.y >= ${ty}u) { return; }`);
    L.push(`  let gx = min(i32(g.x), ${tx - 1});`, `  let gy = i32(g.y);`, `  let p = i32(sl & 3u);`);
  } else {
    L.push(`fn main(@builtin(global_invocation_id) g : vec3<u32>) {`);
    L.push(`  if (g.x >= ${tx}u || g.y >= ${ty}u) { return; }`);
    L.push(`  let gx = i32(g.x);`, `  let gy = i32(g.y);`);
  }
  L.push(`  let ox = gx * ${rn};`, `  let oy = gy * ${rm};`, `  let z = i32(g.z);`);
  // the rows and columns of the tile, clamped where the tiles overrun the edge
  const clampY = Y % rm !== 0;
  const clampX = X % rn !== 0;
  // tile row i is row r<i> (rows swapped: its quad's row (p^m)·rm/4 + t), read clamped as y<i>
  const row = (i: number) => (rowsSwapped ? `(p ^ ${Math.floor(i / per)}) * ${per} + ${i % per}` : `${i}`);
  for (let i = 0; i < rm; i++) L.push(`  let r${i} = oy + ${row(i)};`);
  for (let i = 0; i < rm; i++) L.push(`  let y${i} = ${clampY ? `min(r${i}, ${Y - 1})` : `r${i}`};`);
  for (let c = 0; c < rn; c++) L.push(`  let x${c} = ${clampX ? `min(ox + ${c}, ${X - 1})` : `ox + ${c}`};`);
  // operand j's value for output (i, c) depends on i only where it varies along y, on c along x
  // (a vec4 along y or x holds 4 rows or columns: the first names it)
  const at = (j: number, i: number, c: number): [number, number] => [st[j]![1] === 0 ? 0 : yquad[j] ? i - (i % 4) : i, st[j]![2] === 0 ? 0 : quad[j] ? c - (c % 4) : c];
  const bases = new Set<string>();
  for (let j = 0; j < 2; j++) {
    // (a shared operand along k is read from its quad's rows instead: sb<j>_<t> below)
    if (shared[j] && kquad[j]) continue;
    for (let i = 0; i < rm; i++) {
      for (let c = 0; c < rn; c++) {
        const [ii, cc] = at(j, i, c);
        const name = `b${j}_${ii}_${cc}`;
        if (bases.has(name)) continue;
        bases.add(name);
        // a vec4 operand's base counts vec4s: its vec4 of columns cc.. is gx·rn/4 + cc/4, of rows ii.. gy·rm/4 + ii/4
        const x: [string, number] = quad[j] ? ["gx", rn / 4] : [`x${cc}`, st[j]![2] / div(j)];
        const y: [string, number] = yquad[j] ? ["gy", rm / 4] : [`y${ii}`, st[j]![1] / div(j)];
        const first = (yquad[j] ? ii : 0) + (quad[j] ? cc : 0);
        L.push(`  let ${name} = ${intAffine((ops[j]!.offset + first) / div(j), [["z", st[j]![0] / div(j)], y, x])};`);
      }
    }
  }
  // a shared operand along k: the rows this invocation loads for its quad
  shared.forEach((sh, j) => {
    if (!sh || !kquad[j]) return;
    for (let t = 0; t < per; t++) {
      const row = clampY ? `min(oy + p * ${per} + ${t}, ${Y - 1})` : `(oy + p * ${per} + ${t})`;
      L.push(`  let sb${j}_${t} = ${intAffine(ops[j]!.offset / div(j), [["z", st[j]![0] / div(j)], [row, st[j]![1] / div(j)]])};`);
    }
  });
  for (let i = 0; i < rm; i++) for (let c = 0; c < rn; c++) L.push(`  var acc${i}_${c} = 0.0;`);

  // the outer contracted dims are loops whose offsets every load adds
  R.slice(0, Math.max(q, 0)).forEach((K, d) => L.push(`${"  ".repeat(d + 1)}for (var k${d} = 0; k${d} < ${K}; k${d}++) {`));
  const outer = (j: number): [string, number][] => R.slice(0, Math.max(q, 0)).map((_, d) => [`k${d}`, red.strides[j]![d]! / div(j)]);
  /**
   * one contracted position (`kq` the innermost index expression, or none; `u` its place in the
   * unrolled group, where the vec4s along k are loaded at 0): loads, then the products
   */
  const step = (ind: string, kq: string | null, tag: string, u = -1) => {
    const loaded = new Set<string>();
    const load = (j: number, i: number, c: number): string => {
      const [ii, cc] = at(j, i, c);
      if (kquad[j]) {
        const name = `w${j}_${ii}_${cc}`;
        if (u === 0 && !loaded.has(name)) {
          loaded.add(name);
          if (!shared[j]) L.push(`${ind}let ${name} = ${names[j]}[${intAffine(0, [[`b${j}_${ii}_${cc}`, 1], ...outer(j), ["kv", 1]])}];`);
          else {
            if (!loaded.has(`s${j}`)) {
              loaded.add(`s${j}`);
              for (let t = 0; t < per; t++) L.push(`${ind}let s${j}_${t} = ${names[j]}[${intAffine(0, [[`sb${j}_${t}`, 1], ...outer(j), ["kv", 1]])}];`);
            }
            // tile row ii is lane p^m's load t
            L.push(`${ind}let ${name} = ${swapped(`s${j}_${ii % per}`, Math.floor(ii / per))};`);
          }
        }
        return `${name}.${"xyzw"[u]}`;
      }
      const name = `v${tag}_${j}_${ii}_${cc}`;
      if (!loaded.has(name)) {
        loaded.add(name);
        const sq = q >= 0 ? red.strides[j]![q]! / div(j) : 0;
        if (shared[j] && u >= 0) {
          // the u-th product's value is lane p^u's load, at step kq + (p^u) (made at the group's first step)
          const lane = `s${j}_${ii}_${cc}`;
          if (u === 0) L.push(`${ind}let ${lane} = ${names[j]}[${intAffine(0, [[`b${j}_${ii}_${cc}`, 1], ...outer(j), ["kq", sq], ["p", sq]])}];`);
          L.push(`${ind}let ${name} = ${swapped(lane, u)};`);
        } else L.push(`${ind}let ${name} = ${names[j]}[${intAffine(0, [[`b${j}_${ii}_${cc}`, 1], ...outer(j), ...(kq ? ([[kq, sq]] as [string, number][]) : [])])}];`);
      }
      return quad[j] ? `${name}.${"xyzw"[c % 4]}` : yquad[j] ? `${name}.${"xyzw"[i % 4]}` : name;
    };
    for (let i = 0; i < rm; i++) for (let c = 0; c < rn; c++) (load(0, i, c), load(1, i, c));
    for (let i = 0; i < rm; i++) for (let c = 0; c < rn; c++) L.push(`${ind}acc${i}_${c} += ${load(0, i, c)} * ${load(1, i, c)};`);
  };
  if (q < 0) step("  ", null, "s");
  else {
    const Kq = R[q]!;
    const ind = "  ".repeat(q + 1);
    if (full > 0) {
      L.push(`${ind}for (var kq = 0; kq < ${full * UNROLL}; kq += ${UNROLL}) {`);
      if (kquad.some(Boolean)) L.push(`${ind}  let kv = kq / 4;`);
      for (let u = 0; u < UNROLL; u++) {
        L.push(`${ind}  let ku${u} = kq + ${stepsSwapped ? `(p ^ ${u})` : u};`);
        step(`${ind}  `, `ku${u}`, `u${u}`, u);
      }
      L.push(`${ind}}`);
    }
    for (let t = full * UNROLL; t < Kq; t++) step(ind, String(t), `t${t}`);
  }
  for (let d = q - 1; d >= 0; d--) L.push(`${"  ".repeat(d + 1)}}`);

  // stores: row-major [Z, Y, X], only inside the edges; each output through the epilogue, its
  // inputs read at the (clamped) output point, each value once (a bias along x: once per column)
  if (sharing && tx % 4 !== 0) L.push(`  if (g.x >= ${tx}u) { return; }`);
  const epiLoads = new Set<string>();
  const value = (i: number, c: number) => {
    if (!epilogue) return `acc${i}_${c}`;
    let e = -1;
    const xs = epilogue.inputs.map((op, j) => {
      if (j === epilogue.self) return `acc${i}_${c}`;
      const [sz, sy, sx] = st[2 + ++e]!;
      const [ii, cc] = [sy === 0 ? 0 : i, sx === 0 ? 0 : c];
      const name = `e${e}_${ii}_${cc}`;
      if (!epiLoads.has(name)) {
        epiLoads.add(name);
        L.push(`  let ${name} = ${epiNames[e]}[${intAffine(op.view.offset, [["z", sz], [`y${ii}`, sy], [`x${cc}`, sx]])}];`);
      }
      return name;
    });
    return `epilogue(${xs.join(", ")})`;
  };
  for (let i = 0; vec && i < rm; i++) {
    for (let c4 = 0; c4 < rn; c4 += 4) {
      const store = `out[${intAffine(c4 / 4, [["z", (Y * X) / 4], [`r${i}`, X / 4], ["gx", rn / 4]])}] = vec4<f32>(${[0, 1, 2, 3].map((c) => value(i, c4 + c)).join(", ")});`;
      L.push(clampY ? `  if (r${i} < ${Y}) { ${store} }` : `  ${store}`);
    }
  }
  for (let i = 0; !vec && i < rm; i++) {
    for (let c = 0; c < rn; c++) {
      const conds = [...(clampY ? [`r${i} < ${Y}`] : []), ...(clampX ? [`ox + ${c} < ${X}`] : [])];
      const store = `out[${intAffine(0, [["z", Y * X], [`r${i}`, X], [`(ox + ${c})`, 1]])}] = ${value(i, c)};`;
      L.push(conds.length ? `  if (${conds.join(" && ")}) { ${store} }` : `  ${store}`);
    }
  }
  L.push("}");
  return { code: L.join("\n"), args, workgroups, size, tile: [rm, rn], group: [wx, wy], quads: sharing, fused: epilogue !== null };
}

/**
 * The kernel that checks a device's quads in workgroups of `wx` x `wy` (backend.ts `quadsOn`, once
 * per device and shape a contraction with quads uses): each invocation writes 1 where its quad
 * index (subgroup_invocation_id % 4) is that of its place in the workgroup (local_invocation_index
 * % 4) and quadSwapX, quadSwapY and quadSwapDiagonal give it the value of invocations li^1, li^2
 * and li^3, else 0. WebGPU does not promise that layout; the quads above need it (4 tiles side by
 * side, in one row of the grid, in order).
 */
export function quadCheck([wx, wy]: readonly [number, number]): WgslKernel {
  return {
    code: [
      "enable subgroups;",
      "@group(0) @binding(0) var<storage, read_write> out : array<f32>;",
      `@compute @workgroup_size(${wx}, ${wy}, 1)`,
      "fn main(@builtin(local_invocation_index) li : u32, @builtin(subgroup_invocation_id) sl : u32) {",
      // (each quad operation in uniform control flow: before any && or select)
      ...QUAD_SWAPS.map((f, m) => `  let s${m + 1} = ${f}(li) == (li ^ ${m + 1}u);`),
      "  out[li] = select(0.0, 1.0, (sl & 3u) == (li & 3u) && s1 && s2 && s3);",
      "}",
    ].join("\n"),
    args: [],
    workgroups: [1, 1, 1],
    size: wx * wy,
  };
}
