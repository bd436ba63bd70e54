import { tensor, grad, vmap, jit, matmul, mean, random, setBackend, sqrt, tanh, add, mul, square, type Tensor } from "./src/index.js";
import { wasmBackend } from "./src/backend/wasm.js";
import { refBackend } from "./src/backend/ref.js";
const N = 1_000_000;
const k = random.split(random.key(0), 4);
const x1 = random.normal(k[0]!, [N]); const x2 = random.normal(k[1]!, [N]);
const f1 = (a: any, b: any) => add(mul(sqrt(add(square(a), square(b))), tanh(a)), 1);
function mlp(p: any, x: any) { let h = tanh(add(matmul(x, p.W1), p.b1)); h = tanh(add(matmul(h, p.W2), p.b2)); return add(matmul(h, p.W3), p.b3); }
const P = { W1: random.normal(k[2]!, [2, 64]).mul(0.5), b1: tensor(new Float32Array(64), [64]), W2: random.normal(k[3]!, [64, 64]).mul(0.15), b2: tensor(new Float32Array(64), [64]), W3: random.normal(k[0]!, [64, 1]).mul(0.15), b3: tensor(new Float32Array(1), [1]) };
const X = random.normal(k[1]!, [1024, 2]);
const loss = (p: any, x: any) => mean(square(mlp(p, x)));
for (const be of [refBackend, wasmBackend]) {
  setBackend(be);
  const j1 = jit(f1);
  const jg = jit(grad(loss));
  let t = performance.now(); const r1 = j1(x1, x2); const first1 = performance.now() - t;
  const times: number[] = [];
  for (let i = 0; i < 5; i++) { t = performance.now(); j1(x1, x2).dataSync(); times.push(performance.now() - t); }
  t = performance.now(); const g = jg(P, X) as any; const firstG = performance.now() - t;
  const tg: number[] = [];
  for (let i = 0; i < 10; i++) { t = performance.now(); const gg = jg(P, X) as any; gg.W1.dataSync(); tg.push(performance.now() - t); }
  const med = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1]!.toFixed(2);
  console.log(be.name, "task1 first", first1.toFixed(1), "med", med(times), "sum", r1.sum().item(), "| task3 first", firstG.toFixed(1), "med", med(tg), "gW1", g.W1.sum().item(), "gb3", g.b3.item());
}
