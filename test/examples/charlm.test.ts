// The character transformer example, shortened: a few seconds of training on the repository's
// READMEs; the loss must fall well below its start and the one jitted training step (whose
// learning-rate schedule reads the count from the optimiser state) must trace once.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadText, runCharlm, unigramEntropy, vocabulary } from "../../examples/charlm.js";

describe("examples/charlm.ts", () => {
  it("builds a character vocabulary and its unigram entropy", () => {
    const { chars, ids } = vocabulary("abca");
    expect(chars).toEqual(["a", "b", "c"]);
    expect([...ids]).toEqual([0, 1, 2, 0]);
    // p = (1/2, 1/4, 1/4): H = (1/2) ln 2 + 2 (1/4) ln 4 = 1.5 ln 2
    expect(unigramEntropy(ids, 3)).toBeCloseTo(1.5 * Math.LN2, 12);
    const text = loadText();
    expect(text.length).toBeGreaterThan(10_000);
    expect(vocabulary(text).chars.join("")).toContain("abcdefghijklmnopqrstuvwxyz");
  });

  it("trains: the loss falls by a margin, the step traces once, the plot is written", () => {
    const dir = mkdtempSync(join(tmpdir(), "charlm-"));
    try {
      const out = join(dir, "c.svg");
      const r = runCharlm({ steps: 40, out, sampleLength: 20, quiet: true });
      const avg = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      expect(r.losses).toHaveLength(40);
      expect(r.losses.every(Number.isFinite)).toBe(true);
      expect(avg(r.losses.slice(-10))).toBeLessThan(avg(r.losses.slice(0, 3)) - 1);
      expect(r.traceCount).toBe(1);
      expect(r.sample.startsWith("shapegrad is a ")).toBe(true);
      expect(r.sample.length).toBe("shapegrad is a ".length + 20);
      expect(readFileSync(out, "utf8")).toMatch(/^<svg[^]*<polyline[^]*<\/svg>\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
