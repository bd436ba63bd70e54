// The README's TypeScript examples must stay true: each ```ts block is type-checked against the
// library (imports of "shapegrad" point at src/) and then run.
import { readFileSync, writeFileSync, mkdtempSync, rmSync, cpSync, symlinkSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { tmpdir } from "node:os";

const root = new URL("..", import.meta.url).pathname;
const blocks = [...readFileSync(join(root, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const tmp = mkdtempSync(join(tmpdir(), "shapegrad-readme-"));
try {
  cpSync(join(root, "src"), join(tmp, "src"), { recursive: true });
  for (const f of ["tsconfig.json", "package.json"]) cpSync(join(root, f), join(tmp, f));
  symlinkSync(join(root, "node_modules"), join(tmp, "node_modules"), "dir");
  const files = blocks.map((b, i) => {
    const f = `readme-${i}.ts`;
    writeFileSync(join(tmp, f), `export {};\n${b.replaceAll('from "shapegrad"', 'from "./src/index.js"')}`);
    return f;
  });
  writeFileSync(
    join(tmp, "tsconfig.readme.json"),
    JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true, rootDir: ".", noUnusedLocals: false }, include: files }),
  );
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.readme.json"], { cwd: tmp, stdio: "inherit" });
  for (const f of files) execFileSync(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), f], { cwd: tmp, stdio: ["ignore", "ignore", "inherit"] });
  console.log(`README: ${files.length} TypeScript examples type-check and run`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
