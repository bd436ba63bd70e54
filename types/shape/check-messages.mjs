// Checks the TEXT of the call-site shape errors, which `// @ts-expect-error` cannot do.
// For every `// @ts-expect-error <message>` line in types/shape/*.ts, the next line must fail with
// a first diagnostic line containing `"<message>"` (the ShapeError text), under both compilers.
// Usage: node types/shape/check-messages.mjs   (exit code 1 on a mismatch)
import fs from "node:fs";
import path from "node:path";
import { execSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const tmp = path.join(root, "node_modules", ".cache", "shape-messages");
fs.rmSync(tmp, { recursive: true, force: true });
fs.mkdirSync(tmp, { recursive: true });
const expected = [];
for (const f of fs.readdirSync(here).filter((f) => f.endsWith(".ts"))) {
  const lines = fs.readFileSync(path.join(here, f), "utf8").split("\n");
  lines.forEach((l, i) => {
    const m = l.match(/^\s*\/\/ @ts-expect-error (.*)$/);
    if (m) {
      expected.push({ file: f, line: i + 2, text: m[1] });
      lines[i] = "// expected: " + m[1];
    }
  });
  const text = lines.join("\n").replaceAll('"../../src/shape/', `"${path.join(root, "src/shape")}/`);
  fs.writeFileSync(path.join(tmp, f), text);
}
const config = {
  extends: path.join(root, "tsconfig.json"),
  compilerOptions: { noEmit: true, rootDir: root, noUnusedLocals: false, typeRoots: [path.join(root, "node_modules/@types")] },
  include: [path.join(tmp, "*.ts"), path.join(root, "src/shape/*.ts")],
};
fs.writeFileSync(path.join(tmp, "tsconfig.json"), JSON.stringify(config));
let failed = false;
for (const tsc of [path.join(root, "node_modules/typescript/bin/tsc"), path.join(root, "node_modules/typescript5/bin/tsc")]) {
  let out = "";
  try {
    execSync(`node ${tsc} -p ${path.join(tmp, "tsconfig.json")}`, { encoding: "utf8" });
  } catch (e) {
    out = e.stdout;
  }
  const first = {};
  for (const l of out.split("\n")) {
    const m = l.match(/shape-messages\/([^(]+)\((\d+),\d+\): (.*)$/);
    if (m) first[`${m[1]}:${m[2]}`] ??= m[3];
  }
  let bad = 0;
  for (const e of expected) {
    const got = first[`${e.file}:${e.line}`];
    if (!got || !got.includes(`"${e.text}"`)) {
      bad++;
      console.log(`MISMATCH ${e.file}:${e.line}\n  want: ${e.text}\n  got:  ${got ?? "(no error)"}`);
    }
  }
  const unexpected = Object.keys(first).filter((k) => !expected.some((e) => `${e.file}:${e.line}` === k));
  for (const k of unexpected) console.log(`UNEXPECTED ${k}: ${first[k]}`);
  console.log(`${path.relative(root, tsc)}: ${expected.length} messages checked, ${bad} mismatches, ${unexpected.length} unexpected errors`);
  if (bad || unexpected.length) failed = true;
}
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
