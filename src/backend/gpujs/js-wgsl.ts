/**
 * The JavaScript that codegen.ts's renderer writes for an expression (the subset gpu.js translates
 * to WGSL, WebAssembly and JS alike), as WGSL statements: so that a WGSL kernel (wgsl-elementwise.ts)
 * computes exactly what the gpu.js kernel of the same expression computes on webgpu, with the same
 * accuracy and NaN forms, from one renderer.
 *
 * The subset: `const`/`let` declarations, assignments, `if (...) { ... }` blocks and a final
 * `return`, over numbers, names, `Math.*` calls, unary `-`, `+ - * /`, comparisons, `&&`, `||` and
 * `?:`. Every value is an f32, as gpu.js declares them; comparisons and `&&`/`||` give bools, read
 * as conditions or, where a number is wanted, as 1 and 0. It is translated as gpu.js translates it:
 * `===` is `==`, a conditional is `select`, `Math.pow` is WGSL's pow except that a zero exponent
 * gives 1 (gpu.js's `_pow`), and a number is a float literal, past float32's range its largest (as
 * gpu.js's `wgslFloat`). Anything else is refused (JsWgslError), and the kernel stays a gpu.js one.
 */

export class JsWgslError extends Error {}

/** Math.* functions whose WGSL builtin has the name and meaning gpu.js gives them. */
const SAME = new Set(["floor", "ceil", "abs", "sign", "sqrt", "exp", "log", "sin", "cos", "tan", "tanh", "min", "max", "atan2"]);

interface Value {
  readonly code: string;
  readonly bool: boolean;
}

const TOKEN = /\s*(?:(\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|([A-Za-z_$][\w$]*)|(===|!==|<=|>=|&&|\|\||[-+*/<>?:()[\]{},;=.!]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) {
      if (/^\s*$/.test(src.slice(at))) break;
      throw new JsWgslError(`cannot read ${JSON.stringify(src.slice(at, at + 20))}`);
    }
    out.push(m[1] ?? m[2] ?? m[3]!);
  }
  return out;
}

/**
 * WGSL for the statements `lines`: the statements, and the expression of the value their last
 * statement returns (null for statements that return nothing, where `returns` is false).
 */
export function jsToWgsl(lines: readonly string[], returns = true): { readonly body: string[]; readonly value: string | null } {
  const t = tokenize(lines.join("\n"));
  let i = 0;
  const peek = () => t[i];
  const next = () => {
    if (i >= t.length) throw new JsWgslError("unexpected end");
    return t[i++]!;
  };
  const expect = (s: string) => {
    const got = next();
    if (got !== s) throw new JsWgslError(`expected ${s}, read ${got}`);
  };
  const f32 = (v: Value): string => (v.bool ? `select(0.0, 1.0, ${v.code})` : v.code);
  const cond = (v: Value): string => (v.bool ? v.code : `(${v.code} != 0.0)`);

  const primary = (): Value => {
    const tok = next();
    if (/^[\d.]/.test(tok)) return { code: Number(tok) > 3.4028234663852886e38 ? "0x1.fffffep+127" : /[.e]/.test(tok) ? tok : `${tok}.0`, bool: false };
    if (tok === "(") {
      const v = expr();
      expect(")");
      return { code: `(${v.code})`, bool: v.bool };
    }
    if (tok === "-") return { code: `(-${f32(primary())})`, bool: false };
    if (tok === "!") return { code: `(!${cond(primary())})`, bool: true };
    if (tok === "Math") {
      expect(".");
      const fn = next();
      expect("(");
      const args: string[] = [];
      if (peek() !== ")") {
        args.push(f32(expr()));
        while (peek() === ",") (next(), args.push(f32(expr())));
      }
      expect(")");
      if (fn === "pow" && args.length === 2) return { code: `select(pow(${args[0]}, ${args[1]}), 1.0, ${args[1]} == 0.0)`, bool: false };
      if (!SAME.has(fn)) throw new JsWgslError(`Math.${fn} has no WGSL form here`);
      return { code: `${fn}(${args.join(", ")})`, bool: false };
    }
    if (/^[A-Za-z_$]/.test(tok) && !["const", "let", "if", "return", "this"].includes(tok)) return { code: tok, bool: false };
    throw new JsWgslError(`unexpected ${tok}`);
  };
  const binary = (ops: readonly string[], sub: () => Value, result: (a: Value, op: string, b: Value) => Value) => (): Value => {
    let a = sub();
    while (ops.includes(peek() ?? "")) {
      const op = next();
      a = result(a, op, sub());
    }
    return a;
  };
  const arith = (a: Value, op: string, b: Value): Value => ({ code: `${f32(a)} ${op} ${f32(b)}`, bool: false });
  const compare = (a: Value, op: string, b: Value): Value => ({ code: `${f32(a)} ${op === "===" ? "==" : op === "!==" ? "!=" : op} ${f32(b)}`, bool: true });
  const logic = (a: Value, op: string, b: Value): Value => ({ code: `(${cond(a)}) ${op} (${cond(b)})`, bool: true });
  const mul = binary(["*", "/"], primary, arith);
  const add = binary(["+", "-"], mul, arith);
  const rel = binary(["<", "<=", ">", ">="], add, compare);
  const eq = binary(["===", "!=="], rel, compare);
  const and = binary(["&&"], eq, logic);
  const or = binary(["||"], and, logic);
  function expr(): Value {
    const c = or();
    if (peek() !== "?") return c;
    next();
    const a = expr();
    expect(":");
    const b = expr();
    return { code: `select(${f32(b)}, ${f32(a)}, ${cond(c)})`, bool: false };
  }

  const body: string[] = [];
  let value: string | null = null;
  const statements = (ind: string, inBlock: boolean) => {
    while (i < t.length) {
      const tok = peek()!;
      if (tok === "}" && inBlock) return;
      if (value !== null) throw new JsWgslError("statements after the return");
      next();
      if (tok === "const" || tok === "let") {
        const name = next();
        expect("=");
        body.push(`${ind}${tok === "const" ? "let" : "var"} ${name} = ${f32(expr())};`);
        expect(";");
      } else if (tok === "if") {
        expect("(");
        const c = cond(expr());
        expect(")");
        expect("{");
        body.push(`${ind}if (${c}) {`);
        statements(`${ind}  `, true);
        expect("}");
        body.push(`${ind}}`);
      } else if (tok === "return" && !inBlock) {
        value = f32(expr());
        expect(";");
      } else if (/^[A-Za-z_$]/.test(tok) && peek() === "=") {
        next();
        body.push(`${ind}${tok} = ${f32(expr())};`);
        expect(";");
      } else throw new JsWgslError(`unexpected ${tok}`);
    }
  };
  statements("", false);
  if (returns !== (value !== null)) throw new JsWgslError(returns ? "no return" : "a return");
  return { body, value };
}
