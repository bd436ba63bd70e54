// examples/ode.ts as a test: its gradient through 1,000 RK4 steps must match the closed form of the
// damped oscillator (runOde returns 1 otherwise), and its plot must hold the whole trajectory.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runOde } from "../../examples/ode.js";

describe("examples/ode.ts", () => {
  it("integrates, differentiates against the closed form and plots 1,000 points", () => {
    const out = join(mkdtempSync(join(tmpdir(), "ode-")), "ode.svg");
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      expect(runOde(out)).toBe(0);
      const lines = log.mock.calls.map((c) => String(c[0]));
      expect(lines.some((l) => l.includes("1000/1000 steps"))).toBe(true);
    } finally {
      log.mockRestore();
    }
    const points = readFileSync(out, "utf8").match(/points="([^"]*)"/)![1]!.trim().split(" ");
    expect(points).toHaveLength(1000);
  });
});
