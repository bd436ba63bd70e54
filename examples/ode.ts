/**
 * RK4 integration of a damped oscillator x'' + 2ζωx' + ω²x = 0 with `lax.scan` over 1,000 steps,
 * its gradient with respect to (ω, ζ) by reverse mode through the scan, checked against the
 * closed form; writes the trajectory as an SVG plot. Run: `npm run example:ode` (or
 * `npx tsx examples/ode.ts [out.svg]`).
 *
 * The trajectory runs as ten jitted scans of 100 steps (one compiled program, called ten times,
 * the state passed from one to the next) so that a progress line can follow it; the gradient is
 * one scan of all 1,000 steps.
 */
import { writeFileSync } from "node:fs";
import { add, mul, neg, stack, index, tensor, jit, grad, lax, type Tensor } from "../src/index.js";
import { progress } from "./progress.js";

const DT = 0.01;
type V2 = Tensor<[2], "float64">;
const STEPS = 1000;
const CHUNK = 100;

/** The vector field of the state [x, v] for the parameters [ω, ζ]. */
function field(p: V2, s: V2): V2 {
  const w = index(p, 0), z = index(p, 1);
  const x = index(s, 0), v = index(s, 1);
  return stack([v, neg(add(mul(mul(mul(z, w), 2), v), mul(mul(w, w), x)))]);
}

/** The final state and the trajectory of x over `steps` steps: one scan, whatever the step count. */
function integrate(p: V2, s0: V2, steps: number) {
  return lax.scan(
    (s) => {
      const k1 = field(p, s);
      const k2 = field(p, add(s, mul(k1, DT / 2)));
      const k3 = field(p, add(s, mul(k2, DT / 2)));
      const k4 = field(p, add(s, mul(k3, DT)));
      return [add(s, mul(add(add(k1, mul(add(k2, k3), 2)), k4), DT / 6)), index(s, 0)];
    },
    s0,
    null,
    { length: steps },
  );
}

/** x(t) in closed form (underdamped), from x(0) = x0, x'(0) = v0. */
function exact(w: number, z: number, x0: number, v0: number, t: number): number {
  const wd = w * Math.sqrt(1 - z * z);
  return Math.exp(-z * w * t) * (x0 * Math.cos(wd * t) + ((v0 + z * w * x0) / wd) * Math.sin(wd * t));
}

export function runOde(out: string | null): number {
  const p = tensor([2, 0.1], [2], "float64");
  const s0 = tensor([1, 0], [2], "float64");
  const finalX = (p: V2) => index(integrate(p, s0, STEPS)[0], 0);
  const started = performance.now();
  const chunk = jit((p: V2, s: V2) => integrate(p, s, CHUNK));
  let sT = s0;
  const xs: number[] = [];
  for (let done = 0; done < STEPS; ) {
    const [s, x] = chunk(p, sT);
    sT = s;
    xs.push(...x.dataSync());
    progress("ode", (done += CHUNK), STEPS, { step: CHUNK });
  }
  const g = jit(grad(finalX))(p).dataSync();
  const ms = performance.now() - started;
  const T = STEPS * DT;
  const h = 1e-6;
  const want = [(exact(2 + h, 0.1, 1, 0, T) - exact(2 - h, 0.1, 1, 0, T)) / (2 * h), (exact(2, 0.1 + h, 1, 0, T) - exact(2, 0.1 - h, 1, 0, T)) / (2 * h)];
  const xT = sT.dataSync()[0]!;
  console.log(`ode: ${STEPS} RK4 steps, x(${T}) = ${xT.toFixed(8)} (closed form ${exact(2, 0.1, 1, 0, T).toFixed(8)}), in ${ms.toFixed(0)} ms with the gradient`);
  console.log(`ode: d x(T) / d(ω, ζ) = (${g[0]!.toFixed(6)}, ${g[1]!.toFixed(6)}), closed form (${want[0]!.toFixed(6)}, ${want[1]!.toFixed(6)})`);
  const bad = g.some((v, i) => Math.abs(v - want[i]!) > 1e-5 * (1 + Math.abs(want[i]!)));
  if (out) {
    const pts = xs.map((y, i) => `${((i / STEPS) * 600).toFixed(1)},${(100 - y * 90).toFixed(1)}`).join(" ");
    const label = `x(t) of the damped oscillator (ω = 2, ζ = 0.1), ${STEPS} RK4 steps, t from 0 to ${T}`;
    writeFileSync(
      out,
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 200"><rect width="600" height="200" fill="#fff"/><line x1="0" y1="100" x2="600" y2="100" stroke="#ccc"/><text x="6" y="16" font-size="11" font-family="sans-serif">${label}</text><polyline fill="none" stroke="#36c" points="${pts}"/></svg>\n`,
    );
    console.log(`ode: trajectory written to ${out}`);
  }
  return bad ? 1 : 0;
}

if (process.argv[1]?.endsWith("ode.ts")) process.exitCode = runOde(process.argv[2] ?? "ode.svg");
