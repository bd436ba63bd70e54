// Builds the package and uses it the way a user project would: a separate TypeScript project
// (NodeNext resolution, strict) that imports "shapegrad", type-checks against dist/*.d.ts and
// runs against dist/index.js.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(".");
const node = process.execPath;
execFileSync(node, ["scripts/build.mjs"], { stdio: "inherit" });

const dir = mkdtempSync(join(tmpdir(), "shapegrad-consumer-"));
try {
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(root, join(dir, "node_modules", "shapegrad"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, outDir: "out", types: [], skipLibCheck: false },
      include: ["main.ts"],
    }),
  );
  writeFileSync(
    join(dir, "main.ts"),
    `import { tensor, grad, vmap, sum, type Tensor } from "shapegrad";
const x = tensor([[1, 2], [3, 4]]);
const typed: Tensor<[2, 2]> = x;
const g = vmap(grad((v: Tensor<[2]>) => sum(v.square())));
const r = g(typed);
const check: Tensor<[2, 2]> = r;
const got = JSON.stringify(check.toArray());
if (got !== "[[2,4],[6,8]]") throw new Error("unexpected result " + got);
console.log("consumer ok", got);
`,
  );
  execFileSync(node, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir], { stdio: "inherit" });
  const out = execFileSync(node, [join(dir, "out", "main.js")], { encoding: "utf8" });
  process.stdout.write(out);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
