/**
 * The case that started shapegrad: first and second derivatives of
 *   F1(x) = 1/x            (elementwise, over a [2, 2] batch)
 *   F2(x) = x0² + x1³      (a row-wise map R² -> R, over the rows of a [2, 2] batch)
 * written in the forms that are right, with the exact answers beside the computed ones.
 *
 * Run: npm start   (or: npx tsx examples/seed.ts)
 */
import { tensor, vmap, grad, jacobian, hessian, diagonal, div, index, square, pow, add, type Tensor } from "../src/index.js";

const x = tensor([
  [1, 2],
  [3, 4],
]);

// F1 acts on one number; vmap twice lifts it over the [2, 2] batch.
const F1 = (a: Tensor<[]>) => div(1, a);
const dF1 = vmap(vmap(grad(F1))); // -1/x²
const d2F1 = vmap(vmap(grad(grad(F1)))); // 2/x³

// F2 acts on one row; vmap maps it over the rows.
const F2 = (v: Tensor<[2]>) => add(square(index(v, 0)), pow(index(v, 1), 3));
const J = vmap(jacobian(F2)); // [2 x0, 3 x1²] per row
const H = vmap((v: Tensor<[2]>) => diagonal(hessian(F2)(v))); // [2, 6 x1] per row

/** Prints the table; returns the exit status (0 when every value matches to float32 rounding). */
export function runSeed(): number {
  type Row = { what: string; at: string; computed: number; exact: number };
  const rows: Row[] = [];
  const xs = x.toArray();
  const put = (what: string, t: Tensor<[2, 2]>, exact: (a: number, b: number, i: number, j: number) => number) => {
    const v = t.toArray();
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const [a, b] = xs[i]!;
        rows.push({ what, at: `[${i}][${j}]`, computed: v[i]![j]!, exact: exact(a!, b!, i, j) });
      }
    }
  };
  put("F1'  = -1/x²", dF1(x), (_a, _b, i, j) => -1 / xs[i]![j]! ** 2);
  put("F1'' = 2/x³", d2F1(x), (_a, _b, i, j) => 2 / xs[i]![j]! ** 3);
  put("∇F2  = [2x0, 3x1²]", J(x), (a, b, _i, j) => (j === 0 ? 2 * a : 3 * b * b));
  put("diag ∇²F2 = [2, 6x1]", H(x), (_a, b, _i, j) => (j === 0 ? 2 : 6 * b));

  const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - [...s].length));
  const num = (v: number) => v.toPrecision(8).padStart(13);
  console.log("shapegrad — derivatives of the seed case on x = [[1, 2], [3, 4]] (float32)\n");
  console.log(`${pad("derivative", 22)}${pad("at", 8)}${"computed".padStart(13)}${"exact".padStart(13)}${"|diff|".padStart(11)}`);
  let worst = 0;
  for (const r of rows) {
    const d = Math.abs(r.computed - r.exact);
    const rel = d / Math.max(1, Math.abs(r.exact));
    worst = Math.max(worst, rel);
    console.log(`${pad(r.what, 22)}${pad(r.at, 8)}${num(r.computed)}${num(r.exact)}${d.toExponential(1).padStart(11)}`);
  }
  const eps = 2 ** -23;
  console.log(`\nlargest relative difference: ${worst.toExponential(2)} (float32 epsilon is ${eps.toExponential(2)})`);
  if (worst > 4 * eps) {
    console.error("error: a derivative differs from its exact value by more than float32 rounding");
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = runSeed();
