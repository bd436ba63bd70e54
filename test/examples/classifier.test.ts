// The classifier example, shortened: a few seconds of training on the generated digits; the loss
// must fall, the test accuracy rise well above chance (10%), and the checkpoint written with
// saveSafetensors and read back with loadSafetensors must give the same predictions.
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeDigits, runClassifier } from "../../examples/classifier.js";

describe("examples/classifier.ts", () => {
  it("generates the same labelled images from the same seed, all ten classes", () => {
    const a = makeDigits(200, 4), b = makeDigits(200, 4);
    expect(a.images).toEqual(b.images);
    expect(a.labels).toEqual(b.labels);
    expect(new Set(a.labels).size).toBe(10);
    expect(makeDigits(200, 5).images).not.toEqual(a.images);
  });

  it("trains: the loss falls, the accuracy is far above chance, the reloaded checkpoint predicts the same", () => {
    const dir = mkdtempSync(join(tmpdir(), "classifier-"));
    try {
      const r = runClassifier({ steps: 150, trainSize: 2000, testSize: 500, out: join(dir, "c.svg"), checkpoint: join(dir, "c.safetensors") });
      const avg = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      expect(r.losses).toHaveLength(150);
      expect(avg(r.losses.slice(-20))).toBeLessThan(0.5 * avg(r.losses.slice(0, 10)));
      expect(r.accuracies[0]![1]).toBeLessThan(0.3);
      expect(r.testAccuracy).toBeGreaterThan(0.6);
      expect(r.samePredictions).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
