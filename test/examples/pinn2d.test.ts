// examples/pinn2d.ts as a test: a few Adam steps of the Poisson PINN (forward Laplacian in the
// loss) lower the loss, and the heat map holds one cell per grid point.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runPinn2d } from "../../examples/pinn2d.js";

describe("examples/pinn2d.ts", () => {
  it("trains a few steps and plots the error on a 41×41 grid", () => {
    const out = join(mkdtempSync(join(tmpdir(), "pinn2d-")), "pinn2d.svg");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    let r: ReturnType<typeof runPinn2d>;
    try {
      r = runPinn2d(out, 100);
    } finally {
      log.mockRestore();
    }
    expect(r.last).toBeLessThan(r.first / 5);
    expect(Number.isFinite(r.maxError)).toBe(true);
    expect(readFileSync(out, "utf8").match(/<rect x=/g)).toHaveLength(41 * 41);
  });
});
