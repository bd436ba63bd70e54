// The type-level einsum parser stays cheap: a long subscript (all 52 letters) and einsums of 4 and
// 6 operands type-check under TypeScript 7 and 5.9 without "excessively deep" errors, within a
// bounded number of type instantiations and a few seconds. Runs the two compilers on a small file
// that imports only src/shape/einsum.ts (and what it imports), so the numbers are einsum's own
// plus the standard library's. (In test/types/: the wasm project alone runs it, once.)
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const dims52 = Array.from({ length: 52 }, (_, i) => (i % 9) + 2);
const snippet = (module: string) => `import type { Einsum } from ${JSON.stringify(module)};
import type { ShapeError } from ${JSON.stringify(module.replace(/einsum\.(js|ts)$/, "core.$1"))};
type Eq<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;
export const long: Eq<Einsum<"${letters}->${[...letters].reverse().join("")}", [[${dims52}]]>, [${[...dims52].reverse()}]> = true;
export const longSum: Eq<Einsum<"${letters},${letters}->", [[${dims52}], [${dims52}]]>, []> = true;
export const four: Eq<Einsum<"abc,cde,efg,ghi->aig", [[2, 3, 4], [4, 5, 6], [6, 7, 8], [8, 9, 10]]>, [2, 10, 8]> = true;
export const six: Eq<Einsum<"ab,bc,cd,de,ef,fg->ga", [[2, 3], [3, 4], [4, 5], [5, 6], [6, 7], [7, 8]]>, [8, 2]> = true;
export const ell: Eq<Einsum<"...abcdefgh,...hgfedcbaij,...ijk->...k", [[2, 1, 3, 1, 2, 3, 4, 5, 6, 7, 8], [5, 1, 8, 7, 6, 5, 4, 3, 2, 1, 2, 3], [2, 3, 4]]>, [2, 5, 3, 4]> = true;
export const implicit: Eq<Einsum<"zyx,xwv,vut,tsr", [[2, 3, 4], [4, 5, 6], [6, 7, 8], [8, 9, 10]]>, [10, 9, 7, 5, 3, 2]> = true;
export const err: Eq<Einsum<"abc,cde,efg,ghi->aig", [[2, 3, 4], [4, 5, 6], [6, 7, 8], [9, 9, 10]]>, ShapeError<"einsum: index g is 8 in operand 2 and 9 in operand 3">> = true;
`;

const compilers = { "TypeScript 7": "node_modules/typescript/bin/tsc", "TypeScript 5.9": "node_modules/typescript5/bin/tsc" };

describe("the type-level einsum is cheap", () => {
  for (const [name, tsc] of Object.entries(compilers)) {
    it(`${name}: long subscripts and many operands, no deep instantiation`, () => {
      const dir = mkdtempSync(join(tmpdir(), "shapegrad-einsum-"));
      try {
        writeFileSync(join(dir, "cost.ts"), snippet(join(root, "src/shape/einsum.js")));
        let out: string;
        try {
          out = execFileSync(process.execPath, [join(root, tsc), "--noEmit", "--strict", "--module", "nodenext", "--extendedDiagnostics", "--pretty", "false", "cost.ts"], {
            cwd: dir,
            encoding: "utf8",
          });
        } catch (e) {
          out = String((e as { stdout?: string }).stdout);
        }
        expect(out).not.toMatch(/error TS/);
        const instantiations = Number(/Instantiations:\s+(\d+)/.exec(out)?.[1]);
        const checkTime = Number(/Check time:\s+([\d.]+)s/.exec(out)?.[1]);
        // about 83k (TS 7) and 56k (TS 5.9) today, the standard library's ~45k and ~20k included
        expect(instantiations).toBeGreaterThan(0);
        expect(instantiations).toBeLessThan(200_000);
        expect(checkTime).toBeLessThan(20);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
