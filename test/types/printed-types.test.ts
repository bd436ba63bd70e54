// The layers' results print as plain `Tensor<[1024, 1], "float32">` in hovers and messages, not as
// an alias such as `ApplyOut<[Dense<1, 64>, ...], [1024, 1]>`. Each result is assigned to a string,
// so that both compilers (TypeScript 7 has no JS API) print its type in the error, which is read
// back. (In test/types/: the wasm project alone runs it, once.)
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const cases: [expr: string, printed: string][] = [
  ["nn.mlp([1, 64, 64, 1]).apply(nn.mlp([1, 64, 64, 1]).init(key), x1024)", 'Tensor<[1024, 1], "float32">'],
  ["nn.applyLayers([nn.dense(key, 1, 8), nn.dense(key, 8, 3)] as const, x1024)", 'Tensor<[1024, 3], "float32">'],
  ["nn.layerNorm(256).apply(nn.layerNorm(256).init(), seq)", 'Tensor<[8, 128, 256], "float32">'],
  ["nn.batchNorm(256).apply(nn.batchNorm(256).init(), nn.batchNorm(256).initState(), seq, { useRunningAverage: true })[0]", 'Tensor<[8, 128, 256], "float32">'],
  ["nn.embed(100, 64).apply(nn.embed(100, 64).init(key), ids)", 'Tensor<[8, 128, 64], "float32">'],
  ["nn.multiHeadAttention({ numHeads: 4, qkvFeatures: 256 }).apply(attn, seq, { causal: true })", 'Tensor<[8, 128, 256], "float32">'],
  ["lax.scan((c, x) => cell.apply(cellP, c, x), cell.initCarry([8]), xs)[1]", 'Tensor<[20, 8, 16], "float32">'],
];
const snippet = (src: string) => `import { nn, lax, type Tensor, type PRNGKey } from ${JSON.stringify(src)};
declare const key: PRNGKey;
declare const x1024: Tensor<[1024, 1]>;
declare const seq: Tensor<[8, 128, 256]>;
declare const ids: Tensor<[8, 128], "int32">;
declare const xs: Tensor<[20, 8, 3]>;
const attn = nn.multiHeadAttention({ numHeads: 4, qkvFeatures: 256 }).init(key);
const cell = nn.lstmCell(3, 16);
const cellP = cell.init(key);
${cases.map(([e], i) => `export const s${i}: string = ${e};`).join("\n")}
`;
const compilers = { "TypeScript 7": "node_modules/typescript/bin/tsc", "TypeScript 5.9": "node_modules/typescript5/bin/tsc" };

describe("layer results print as Tensor<[...]>", () => {
  for (const [name, tsc] of Object.entries(compilers)) {
    it(name, () => {
      const dir = mkdtempSync(join(tmpdir(), "shapegrad-printed-"));
      try {
        writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
        writeFileSync(join(dir, "printed.ts"), snippet(join(root, "src/index.js")));
        const config = { extends: join(root, "tsconfig.json"), compilerOptions: { noEmit: true, rootDir: "/", typeRoots: [join(root, "node_modules/@types")] }, include: ["printed.ts"] };
        writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
        let out = "";
        try {
          execFileSync(process.execPath, [join(root, tsc), "-p", "tsconfig.json", "--pretty", "false"], { cwd: dir, encoding: "utf8" });
        } catch (e) {
          out = String((e as { stdout?: string }).stdout);
        }
        const printed = new Map<number, string>();
        for (const l of out.split("\n")) {
          const m = /^printed\.ts\((\d+),\d+\): error TS2322: Type '(.*)' is not assignable to type 'string'\.$/.exec(l);
          if (m) printed.set(Number(m[1]), m[2]!);
        }
        const first = snippet("").split("\n").findIndex((l) => l.startsWith("export const s0")) + 1;
        cases.forEach(([expr, want], i) => expect(printed.get(first + i), `${expr}\n${out}`).toBe(want));
        // nothing else fails
        expect(out.split("\n").filter((l) => / error TS/.test(l) && !/TS2322/.test(l))).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
