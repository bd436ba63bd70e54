/**
 * A physics-informed network for the 2-D Poisson equation -Δu = 2π² sin(πx) sin(πy) on the unit
 * square with u = 0 on the boundary (exact solution u = sin(πx) sin(πy)), trained with the forward
 * Laplacian (nn.laplacian: one pass carries u, its gradient and its Laplacian through the network).
 * The boundary condition is built in (Lagaris et al. 1998): u(x, y) = x(1-x) y(1-y) · N(x, y) with
 * N an MLP 2-32-32-1 (tanh), so the loss is the mean squared residual Δu + f at collocation points.
 * Prints the error against the exact solution and writes a heat map of |u - exact| as an SVG.
 * Run: `npm run example:pinn2d` (or `npx tsx examples/pinn2d.ts [out.svg] [steps]`).
 */
import { writeFileSync } from "node:fs";
import { add, mul, sub, sin, mean, square, index, tensor, jit, valueAndGrad, vmap, nn, random, type Tensor } from "../src/index.js";
import { progress } from "./progress.js";

const model = nn.mlp([2, 32, 32, 1]);
type Params = ReturnType<typeof model.init>;
type Point = Tensor<[2]>;

/** The trial solution: zero on the boundary whatever the network does. */
const u = (p: Params, z: Point): Tensor<[]> => {
  const x = index(z, 0);
  const y = index(z, 1);
  const bump = mul(mul(x, sub(1, x)), mul(y, sub(1, y)));
  return mul(bump, index(model.apply(p, z), 0));
};
const source = (z: Point) => mul(mul(sin(mul(index(z, 0), Math.PI)), sin(mul(index(z, 1), Math.PI))), 2 * Math.PI * Math.PI);
/** Δu + f at one point: zero for the exact solution. */
const residual = (p: Params, z: Point) => add(nn.laplacian((w: Point) => u(p, w))(z), source(z));
const loss = (p: Params, zs: Tensor<[number, 2]>) => mean(square(vmap(residual, { inAxes: [null, 0] })(p, zs)));

/** An n×n grid on [0, 1]² (cell centres when `inner`, else including the edges), as [n², 2]. */
function grid(n: number, inner: boolean): Tensor<[number, 2]> {
  const pts: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pts.push(inner ? (i + 0.5) / n : i / (n - 1), inner ? (j + 0.5) / n : j / (n - 1));
  return tensor(pts, [n * n, 2]);
}

/** A colour from white (0) through orange to dark red (1). */
function heat(v: number): string {
  const t = Math.min(1, Math.max(0, v));
  const c = (a: number, b: number) => Math.round(a + (b - a) * t);
  return t < 0.5 ? `rgb(255,${c(255, 150)},${c(255, 60)})` : `rgb(${c(255, 140)},${c(150, 0)},${c(60, 0)})`;
}

export function runPinn2d(out: string | null, steps = 2000): { maxError: number; relL2: number; first: number; last: number } {
  let params = model.init(random.key(0));
  const opt = nn.adam({ learningRate: 3e-3 });
  let state = opt.init(params);
  const step = jit((p: Params, s: typeof state, zs: Tensor<[number, 2]>) => {
    const [l, g] = valueAndGrad(loss)(p, zs);
    const [upd, s2] = opt.update(g, s, p);
    return [l, nn.applyUpdates(p, upd), s2] as const;
  });
  // collocation points: a 16×16 grid of cell centres, jittered each step (a fresh draw of the square)
  const base = grid(16, true);
  let key = random.key(1);
  let first = NaN;
  let last = NaN;
  const started = performance.now();
  for (let k = 1; k <= steps; k++) {
    const [k1, k2] = random.split(key);
    key = k1!;
    const zs = add(base, mul(sub(random.uniform(k2!, [256, 2]), 0.5), 1 / 16));
    const [l, p2, s2] = step(params, state, zs);
    params = p2;
    state = s2;
    if (k === 1 || k % 50 === 0 || k === steps) {
      last = l.item();
      if (k === 1) first = last;
      progress("pinn2d", k, steps, { step: 50, note: `loss ${last.toExponential(2)}` });
    }
  }
  const ms = performance.now() - started;
  // the error on a 41×41 grid including the boundary
  const n = 41;
  const zs = grid(n, false);
  const got = vmap((z: Point) => u(params, z))(zs).dataSync();
  const pts = zs.dataSync();
  const err = Array.from(got, (v, i) => Math.abs(v - Math.sin(Math.PI * pts[2 * i]!) * Math.sin(Math.PI * pts[2 * i + 1]!)));
  const maxError = Math.max(...err);
  let se = 0;
  let sr = 0;
  got.forEach((_, i) => {
    const e = Math.sin(Math.PI * pts[2 * i]!) * Math.sin(Math.PI * pts[2 * i + 1]!);
    se += err[i]! ** 2;
    sr += e * e;
  });
  const relL2 = Math.sqrt(se / sr);
  console.log(`pinn2d: ${steps} Adam steps on 256 collocation points in ${(ms / 1000).toFixed(1)} s, loss ${first.toExponential(2)} -> ${last.toExponential(2)}`);
  console.log(`pinn2d: |u - exact| on a ${n}×${n} grid: max ${maxError.toExponential(2)}, relative L2 ${relL2.toExponential(2)}`);
  if (out) {
    const cell = 10;
    const size = n * cell;
    const rects = err
      .map((e, i) => {
        const row = Math.floor(i / n);
        const col = i % n;
        // x to the right, y up
        return `<rect x="${row * cell}" y="${size - (col + 1) * cell}" width="${cell}" height="${cell}" fill="${heat(e / maxError)}"/>`;
      })
      .join("");
    const label = `|u - exact| of the PINN for -Δu = 2π² sin(πx) sin(πy) on [0,1]² (white 0, dark red ${maxError.toExponential(1)})`;
    writeFileSync(
      out,
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size + 24}"><rect width="${size}" height="${size + 24}" fill="#fff"/><g transform="translate(0,24)">${rects}</g><text x="4" y="15" font-size="9" font-family="sans-serif">${label}</text></svg>\n`,
    );
    console.log(`pinn2d: error heat map written to ${out}`);
  }
  return { maxError, relL2, first, last };
}

if (process.argv[1]?.endsWith("pinn2d.ts")) {
  const r = runPinn2d(process.argv[2] ?? "pinn2d.svg", process.argv[3] ? Number(process.argv[3]) : undefined);
  process.exitCode = r.relL2 < 5e-3 ? 0 : 1;
}
