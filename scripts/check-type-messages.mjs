// The compile-time suite's error TEXTS, which `// @ts-expect-error` alone cannot check.
// Every `// @ts-expect-error <message>` line in types/**/*.ts and examples/mistakes.ts must be
// followed by a line that fails with <message> in the FIRST line of one of its diagnostics, under
// TypeScript 7 and TypeScript 5.9, starting within that line's first 200 characters (a message
// after a page of types does not read). A directive whose text starts with "(" is a description,
// not a message. A directive under a `// buried: <why>` line must match but may start later: the
// known cases where TypeScript prints the types first, each with its reason. Also counts (and,
// with --verbose, lists the others) the messages that are the first words of the line, as in
// `Property '"<message>"' is missing in type ...` (starting within 16 characters). Runs on a copy
// of the tree with the directives removed.
import { readFileSync, writeFileSync, mkdtempSync, rmSync, cpSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join, relative } from "node:path";
import { tmpdir } from "node:os";

const root = new URL("..", import.meta.url).pathname;
const walk = (dir) =>
  readdirSync(join(root, dir)).flatMap((f) => {
    const p = `${dir}/${f}`;
    return statSync(join(root, p)).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
  });
const files = [...walk("types"), "examples/mistakes.ts"];
const compilers = { "TypeScript 7": "node_modules/typescript/bin/tsc", "TypeScript 5.9": "node_modules/typescript5/bin/tsc" };

const tmp = mkdtempSync(join(tmpdir(), "shapegrad-messages-"));
const within = 200;
const buried = new Set(); // directives under a `// buried: <why TypeScript puts types first>` line: matched, not placed
const firstWords = 16;
const verbose = process.argv.includes("--verbose");
let bad = 0;
try {
  for (const d of ["src", "types", "examples"]) cpSync(join(root, d), join(tmp, d), { recursive: true });
  for (const f of ["tsconfig.json", "package.json"]) cpSync(join(root, f), join(tmp, f));
  symlinkSync(join(root, "node_modules"), join(tmp, "node_modules"), "dir");
  const expected = new Map(); // "file:line" -> message
  for (const f of files) {
    const lines = readFileSync(join(root, f), "utf8").split("\n");
    lines.forEach((l, i) => {
      const m = /^(\s*)\/\/ @ts-expect-error\s*(.*)$/.exec(l);
      if (!m) return;
      if (m[2] && !m[2].startsWith("(")) expected.set(`${f}:${i + 2}`, m[2].trim());
      if (/^\s*\/\/ buried: /.test(lines[i - 1] ?? "")) buried.add(`${f}:${i + 2}`);
      lines[i] = `${m[1]}// (expect-error removed)`;
    });
    writeFileSync(join(tmp, f), lines.join("\n"));
  }
  for (const [name, tsc] of Object.entries(compilers)) {
    let out = "";
    try {
      execFileSync(process.execPath, [join(root, tsc), "-p", "types/tsconfig.json", "--pretty", "false"], { cwd: tmp, encoding: "utf8" });
    } catch (e) {
      out = String(e.stdout);
    }
    const first = new Map(); // "file:line" -> first lines of its diagnostics
    for (const l of out.split("\n")) {
      const m = /^(.+?)\((\d+),\d+\): error TS\d+: (.*)$/.exec(l);
      if (!m) continue;
      const key = `${relative(tmp, join(tmp, m[1]))}:${m[2]}`;
      first.set(key, [...(first.get(key) ?? []), m[3]]);
    }
    let wrong = 0;
    let early = 0;
    for (const [key, msg] of expected) {
      const got = first.get(key) ?? [];
      const at = Math.min(...got.map((g) => g.indexOf(msg)).filter((i) => i >= 0));
      if (at < firstWords) early++;
      else if (verbose && at < within) console.log(`${name}: at ${at}: ${key}: ${got.find((g) => g.includes(msg))}`);
      if (!(at < within) && !(at < Infinity && buried.has(key))) {
        wrong++;
        const why = at === Infinity ? "MISMATCH" : `BURIED (the message starts at character ${at}, past ${within})`;
        console.log(`${name}: ${why} at ${key}\n  expected: ${msg}\n  got:      ${got.join("\n            ") || "(no error)"}`);
      }
    }
    console.log(`${name}: ${expected.size - wrong}/${expected.size} error messages as expected (${early} of them the first words of the line)`);
    bad += wrong;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = bad ? 1 : 0;
