/** Plain-JS matrix helpers for the decomposition tests (independent of the code under test). */
import { expect } from "vitest";
import * as sg from "../../src/index.js";
import type { AnyTensor } from "../../src/index.js";
import { rng } from "../ops/ref.js";

export type T = AnyTensor;
/** A row-major matrix. */
export type M = number[][];

export const flat = async (t: T): Promise<number[]> => Array.from((await t.data()) as ArrayLike<number>);
/** The matrices of a [..., r, c] tensor. */
export async function mats(t: T): Promise<M[]> {
  const [r, c] = t.shape.slice(-2) as [number, number];
  const d = await flat(t);
  const out: M[] = [];
  for (let b = 0; b < d.length / (r * c); b++) {
    out.push(Array.from({ length: r }, (_, i) => d.slice(b * r * c + i * c, b * r * c + (i + 1) * c)));
  }
  return out;
}
/** The vectors of a [..., k] tensor. */
export async function vecs(t: T): Promise<number[][]> {
  const k = t.shape.at(-1)!;
  const d = await flat(t);
  return Array.from({ length: d.length / k }, (_, b) => d.slice(b * k, (b + 1) * k));
}
export const matmul = (a: M, b: M): M => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
export const transpose = (a: M): M => (a.length === 0 ? [] : a[0]!.map((_, j) => a.map((row) => row[j]!)));
export const eye = (n: number): M => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
export const diag = (v: number[], r = v.length, c = v.length): M => Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => (i === j ? v[i]! : 0)));

/** max |a - b| over two matrices of the same shape (fails on a shape mismatch). */
export function expectMatClose(a: M, b: M, tol: number, what = ""): void {
  expect(a.length, `${what} rows`).toBe(b.length);
  let err = 0;
  a.forEach((row, i) => {
    expect(row.length, `${what} cols`).toBe(b[i]!.length);
    row.forEach((v, j) => (err = Math.max(err, Math.abs(v - b[i]![j]!))));
  });
  expect(err, `${what}: max error ${err}`).toBeLessThanOrEqual(tol);
}

/** A random tensor of the given shape and dtype with entries in [-1, 1). */
export function randn(shape: readonly number[], seed: number, dtype: "float32" | "float64" = "float64"): T {
  const r = rng(seed);
  const n = shape.reduce((p, d) => p * d, 1);
  return sg.tensor(Float64Array.from({ length: n }, () => 2 * r() - 1), [...shape], dtype) as unknown as T;
}
/** Random symmetric matrices [..., n, n] (float64 unless asked). */
export async function randSym(batch: readonly number[], n: number, seed: number, dtype: "float32" | "float64" = "float64"): Promise<T> {
  const a = await mats(randn([...batch, n, n], seed));
  const data = a.flatMap((m) => m.flatMap((row, i) => row.map((_, j) => (m[i]![j]! + m[j]![i]!) / 2)));
  return sg.tensor(Float64Array.from(data), [...batch, n, n], dtype) as unknown as T;
}
/** Tolerance of a dtype for identities on small matrices. */
export const tolOf = (dtype: string) => (dtype === "float32" ? 2e-5 : 1e-12);
/** A [r, c] tensor from rows. */
export const mat = (rows: M, dtype: "float32" | "float64" | "int32" = "float64"): T =>
  sg.tensor(rows.flat(), [rows.length, rows[0]?.length ?? 0], dtype) as unknown as T;
