import { describe, expect, it } from "vitest";
import { grad, jit, matmul, mean, random, square, tanh, add, sub, mul, type Tensor } from "../../src/index.js";
import { uint32OnWasm } from "../harness/backend.js";
import { settled } from "../harness/read.js";

/**
 * Heap plus array buffers after a full collection, in MiB. Between collections the event loop
 * turns, so that finalizers (which give device buffers back, and run as tasks) and settled device
 * reads have run: otherwise what is measured is garbage waiting for them.
 */
async function liveMiB(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc (vitest.config.ts sets it)");
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 0));
  }
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
}

describe("memory", () => {
  it("10,000 jitted training steps keep memory flat", async () => {
    uint32OnWasm(); // the random initial parameters
    const [k1, k2, k3] = random.split(random.key(7), 3);
    type P = { w1: Tensor<[2, 32]>; b1: Tensor<[32]>; w2: Tensor<[32, 1]> };
    let p: P = { w1: random.normal(k1, [2, 32]).mul(0.5), b1: random.normal(k2, [32]).mul(0.1), w2: random.normal(k3, [32, 1]).mul(0.3) };
    const x = random.uniform(random.key(1), [64, 2], { minval: -1, maxval: 1 });
    const y = square(x).sum(1, true);
    const loss = (p: P, x: Tensor<[64, 2]>, y: Tensor<[64, 1]>) => mean(square(sub(matmul(tanh(add(matmul(x, p.w1), p.b1)), p.w2), y)));
    const step = jit((p: P, x: Tensor<[64, 2]>, y: Tensor<[64, 1]>) => {
      const g = grad(loss)(p, x, y);
      return { w1: sub(p.w1, mul(g.w1, 0.1)), b1: sub(p.b1, mul(g.b1, 0.1)), w2: sub(p.w2, mul(g.w2, 0.1)) };
    });
    const first = (await settled(loss(p, x, y))).item();
    let before = 0;
    for (let i = 0; i < 10_000; i++) {
      p = step(p, x, y);
      // a training loop reads now and then; on WebGPU that is also when queued work runs
      if (i % 100 === 99) await p.w1.data();
      if (i === 999) before = await liveMiB();
    }
    const after = await liveMiB();
    expect((await settled(loss(p, x, y))).item()).toBeLessThan(first);
    // 9,000 more steps may not grow the live heap by more than a few MiB
    expect(after - before).toBeLessThan(8);
    expect(step.traceCount).toBe(1);
  });
});
