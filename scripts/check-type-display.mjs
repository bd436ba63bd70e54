// Displayed types (what an editor's hover shows), which TypeEqual cannot check: every
// `// @display <text>` line in types/**/*.ts must be followed by a declaration whose variable's
// type prints as exactly <text> under TypeScript 5.9's checker.typeToString (no truncation,
// the way a hover writes it). The TypeScript 7 compiler has no JavaScript API to ask.
import ts from "typescript5";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const walk = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
  });
const files = walk(join(root, "types")).filter((f) => readFileSync(f, "utf8").includes("// @display "));
const config = ts.getParsedCommandLineOfConfigFile(join(root, "types/tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const program = ts.createProgram(files, { ...config.options, noEmit: true });
const checker = program.getTypeChecker();
let bad = 0, n = 0;
for (const f of files) {
  const sf = program.getSourceFile(f);
  const lines = sf.text.split("\n");
  lines.forEach((l, i) => {
    const m = /^\s*\/\/ @display (.*)$/.exec(l);
    if (!m) return;
    n++;
    const pos = sf.getPositionOfLineAndCharacter(i + 1, 0);
    let decl;
    const visit = (node) => {
      if (decl) return;
      if (ts.isVariableDeclaration(node) && node.getStart(sf) >= pos && sf.getLineAndCharacterOfPosition(node.getStart(sf)).line === i + 1) decl = node;
      else ts.forEachChild(node, visit);
    };
    visit(sf);
    const where = `${relative(root, f)}:${i + 2}`;
    if (!decl) {
      bad++;
      return console.error(`${where}: no variable declaration after @display`);
    }
    const text = checker.typeToString(checker.getTypeAtLocation(decl.name), undefined, ts.TypeFormatFlags.NoTruncation);
    if (text !== m[1].trim()) {
      bad++;
      console.error(`${where}: displays\n    ${text}\n  expected\n    ${m[1].trim()}`);
    }
  });
}
console.log(`displayed types: ${n - bad}/${n} as expected`);
process.exit(bad ? 1 : 0);
