// Plain JS references for the linalg tests (matrix products, random SPD and triangular
// matrices) and the derivative check they share: jacfwd, jacrev and grad against central differences.
import { expect } from "vitest";
import * as sg from "../../src/index.js";
import { rng } from "../ops/ref.js";
import { expectClose, f64, fdJacobian, jacfwd, jacrev, scalarize, type T } from "../transforms/helpers.js";
import { eachSeq } from "../harness/read.js";

export const f32 = (d: ArrayLike<number>, shape: readonly number[]) => sg.tensor(Float32Array.from(d), [...shape]) as unknown as T;

/** Matrix i (row-major n x m) of a flat batch. */
export const mat = (d: ArrayLike<number>, i: number, r: number, c: number) => Array.from(d).slice(i * r * c, (i + 1) * r * c);
export function mm(a: readonly number[], b: readonly number[], n: number, k: number, m: number): number[] {
  const o = new Array<number>(n * m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let t = 0; t < k; t++) o[i * m + j]! += a[i * k + t]! * b[t * m + j]!;
  return o;
}
export const tr = (a: readonly number[], r: number, c: number) => Array.from({ length: r * c }, (_, i) => a[(i % r) * c + Math.floor(i / r)]!);
export function close(got: readonly number[], want: readonly number[], tol: number, msg = ""): void {
  expect(got.length, msg).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `${msg} element ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
}
export function randData(seed: number, n: number, lo = -1, hi = 1): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}
/** A batch of SPD matrices M Mᵀ + n I. */
export function spd(seed: number, batch: number, n: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    const m = randData(seed + b, n * n);
    const a = mm(m, tr(m, n, n), n, n, n);
    for (let i = 0; i < n; i++) a[i * n + i]! += n;
    for (const v of a) out.push(v);
  }
  return out;
}
/** A well-conditioned triangular matrix (diagonal away from 0) with junk in the other triangle, which the solve must ignore. */
export function triangular(seed: number, n: number, lower: boolean): number[] {
  const d = randData(seed, n * n);
  for (let i = 0; i < n; i++) {
    d[i * n + i] = (d[i * n + i]! < 0 ? -1 : 1) * (1.5 + Math.abs(d[i * n + i]!));
    for (let j = 0; j < n; j++) if (lower ? j > i : j < i) d[i * n + j] = 100 + j;
  }
  return d;
}

/** jacfwd, jacrev and the gradient of a weighted sum against central differences, for every argument. */
export async function checkDerivatives(name: string, f: (...xs: T[]) => T, args: T[], tol = { rtol: 1e-6, atol: 1e-7 }): Promise<void> {
  const y = f(...args);
  const w = f64(randData(99, y.shape.reduce((p, d) => p * d, 1)), y.shape);
  await eachSeq(args, async (_, i) => {
    const want = await fdJacobian(f, args, i);
    await expectClose(jacfwd(f, { argnums: i })(...args), want, { ...tol, msg: `${name} jacfwd arg ${i}` });
    await expectClose(jacrev(f, { argnums: i })(...args), want, { ...tol, msg: `${name} jacrev arg ${i}` });
    const g = scalarize(f, w);
    await expectClose(sg.grad(g as never, { argnums: i } as never)(...(args as never[])) as unknown as T, await fdJacobian(g, args, i), { ...tol, msg: `${name} grad arg ${i}` });
  });
}

