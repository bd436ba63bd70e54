import { flatten, unflatten, treeKey, isPlainObject, type TreeDef } from "./tree.js";
import { traceTree, type TreeFn } from "./trace-tree.js";
import { callGraph, currentBuilder, escapedTracer } from "../ir/trace.js";
import { call } from "../prims/call.js";
import { showAval } from "../ir/aval.js";
import type { Graph } from "../ir/graph.js";
import { Tensor, type AnyTensor } from "../tensor/tensor.js";
import { optimize } from "../compile/passes.js";
import { LruCache } from "../backend/cache.js";

/** Plans one jitted function keeps (least recently used out first): a plan is a traced, optimised graph. */
export const PLAN_CACHE_SIZE = 64;
/** jit warns (once per function) when one function has been traced more than this many times. */
export const RETRACE_WARNING = 32;

interface Plan {
  readonly graph: Graph;
  readonly outDef: TreeDef;
}

/** What makes arguments static on purpose (see `jit` in api.ts). */
export interface StaticArgs {
  readonly nums: readonly number[];
  readonly names: readonly string[];
}

/** One static-looking part of a call's signature: a non-tensor leaf's value or a tensor's shape. */
interface SigPart {
  readonly where: string;
  readonly kind: "value" | "shape" | "static";
  readonly key: string;
  readonly show: string;
}

/** What jit keeps for one function: its plans by input signature, and what retracing it saw. */
export interface JitCache {
  readonly plans: LruCache<string, Plan>;
  /** graphs traced inside another transformation (they do not count as the function's traces) */
  readonly nested: LruCache<string, Plan>;
  readonly name: string;
  readonly arity: Arity;
  readonly statics: StaticArgs;
  traces: number;
  /** the signature of the last trace, and how often each part of it changed between traces */
  last: SigPart[] | null;
  readonly changes: Map<string, { n: number; part: SigPart; was: string }>;
  warned: boolean;
}

const NO_STATICS: StaticArgs = { nums: [], names: [] };

/**
 * A cache for `f` (jit's): its arity and static arguments are checked at each call, and retracing
 * is watched. Without `f` (the library's own staged functions), none of that.
 */
export function newJitCache(f?: TreeFn, statics: StaticArgs = NO_STATICS): JitCache {
  // an anonymous function (or an anonymous one bound) is "f" in the messages
  const name = ((f as { name?: string } | undefined)?.name ?? "").replace(/^bound /, "") || "f";
  const arity = f ? arityOf(f) : { min: 0, max: Infinity };
  for (const n of statics.nums) {
    if (!Number.isInteger(n) || n < 0) throw new Error(`jit(${name}): staticArgnums ${n} is not an argument position (an integer >= 0)`);
    if (n >= arity.max) throw new Error(`jit(${name}): staticArgnums ${n} is out of range: ${name} takes ${showArity(arity)}`);
  }
  return {
    plans: new LruCache(PLAN_CACHE_SIZE),
    nested: new LruCache(PLAN_CACHE_SIZE),
    name,
    arity,
    statics,
    traces: 0,
    last: null,
    changes: new Map(),
    warned: f === undefined,
  };
}

/**
 * Runs `f` staged: traced once per signature (pytree structure, shapes, dtypes, static values),
 * optimised, and run as one graph. Inside another transformation, the same kind of graph becomes
 * a call equation (prims/call.ts) of the enclosing trace: the transformations transform it as one
 * graph (their transformed graphs are cached per graph, so a reused graph serves them too), and
 * the compiler inlines it into the enclosing program.
 */
export function jitCall(cache: JitCache, f: TreeFn, args: readonly unknown[]): unknown {
  checkArity(cache, args.length);
  const { dynamic, staticKey, fill } = splitStatics(cache, args);
  const [leaves, def] = flatten(dynamic);
  const key = `${staticKey}|${treeKey(def)}|${leaves.map((l: AnyTensor) => showAval(l.aval)).join(";")}`;
  // the traced function gets the static values back in their places
  const g = fill ? (...dyn: unknown[]) => (f as (...a: unknown[]) => unknown)(...fill(dyn)) : f;
  if (currentBuilder()) {
    let plan = cache.plans.get(key) ?? cache.nested.get(key);
    let captured: readonly AnyTensor[] = [];
    if (!plan) {
      const t = traceTree(g, dynamic);
      captured = t.captured;
      plan = { graph: optimize(t.graph), outDef: t.outDef };
      // a graph that closed over tracers of the enclosing trace is good for this call only
      if (captured.length === 0) cache.nested.set(key, plan);
    }
    return unflatten(plan.outDef, call(plan.graph, [...leaves, ...captured], fnName(f)));
  }
  if (leaves.some((l) => l.isTraced)) throw escapedTracer();
  let plan = cache.plans.get(key);
  if (!plan) {
    const t = traceTree(g, dynamic);
    cache.traces++;
    noteRetrace(cache, signature(cache, args, dynamic, def, leaves));
    plan = { graph: optimize(t.graph), outDef: t.outDef };
    cache.plans.set(key, plan);
  }
  return unflatten(plan.outDef, callGraph(plan.graph, leaves));
}

const fnName = (f: TreeFn): string => (f as { name?: string }).name || "jit";

// ---------------------------------------------------------------- arity

interface Arity {
  readonly min: number;
  /** Infinity for a rest parameter, or when the source does not say */
  readonly max: number;
}

/**
 * The arity of `f`: `f.length` counts the parameters before the first default or rest parameter,
 * so it is the minimum; the maximum comes from the parameter list in f's source (defaults allow
 * more, a rest parameter any number). Where the source is not JavaScript we can read (a native
 * or bound function) or disagrees with f.length, only the minimum is checked.
 */
function arityOf(f: TreeFn): Arity {
  const src = Function.prototype.toString.call(f);
  // a body that reads `arguments` or defaults parameters itself (ES5 output: `if (b === void 0)`)
  // takes any number of arguments as far as its source shows
  if (/\barguments\b|===\s*void 0|void 0\s*===/.test(src)) return { min: 0, max: Infinity };
  const min = f.length;
  const list = paramList(src);
  if (!list) return { min, max: Infinity };
  if (list.rest) return { min, max: Infinity };
  if (list.defaults ? list.count < min : list.count !== min) return { min, max: Infinity };
  return { min, max: list.count };
}

/** Counts the top-level parameters of a function's source text; null when it cannot tell. */
function paramList(src: string): { count: number; rest: boolean; defaults: boolean } | null {
  if (/\{\s*\[native code\]\s*\}\s*$/.test(src) || /^class\b/.test(src)) return null;
  const bare = /^(?:async\s+)?[A-Za-z_$][\w$]*\s*=>/.exec(src);
  if (bare) return { count: 1, rest: false, defaults: false };
  let depth = 0;
  let count = 0;
  let seg = false; // the current parameter has text
  let rest = false;
  let defaults = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "/" && src[i + 1] === "/") i = end(src.indexOf("\n", i));
    else if (c === "/" && src[i + 1] === "*") i = end(src.indexOf("*/", i + 2)) + 1;
    else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      i = j;
      if (depth === 1) seg = true;
    } else if (c === "(" || c === "[" || c === "{") {
      if (depth === 0 && c !== "(") return null; // a computed method name or destructuring before the list
      depth++;
      if (depth > 1) seg = true;
    } else if (c === ")" || c === "]" || c === "}") {
      depth--;
      if (depth === 0) return { count: count + (seg ? 1 : 0), rest, defaults };
    } else if (depth === 1) {
      if (c === ",") {
        count++;
        seg = false;
      } else if (c === "." && src.startsWith("...", i)) {
        rest = true;
        i += 2;
      } else if (c === "=" && src[i + 1] !== ">" && !"=!<>".includes(src[i - 1]!)) {
        defaults = true;
        seg = true;
      } else if (!/\s/.test(c)) seg = true;
    }
  }
  return null;
}
const end = (i: number) => (i < 0 ? Infinity : i);

const plural = (n: number) => `${n} argument${n === 1 ? "" : "s"}`;
function showArity(a: Arity): string {
  if (a.max === a.min) return plural(a.min);
  if (a.max === Infinity) return `at least ${plural(a.min)}`;
  return `${a.min} to ${plural(a.max)}`;
}

function checkArity(cache: JitCache, n: number): void {
  const a = cache.arity;
  if (n < a.min || n > a.max) throw new Error(`jit(${cache.name}): ${cache.name} takes ${showArity(a)}, got ${n}`);
}

// ---------------------------------------------------------------- static arguments

/**
 * Takes the static arguments (staticArgnums) and static options (staticArgnames: keys of the
 * options object that is f's last argument) out of the traced arguments. They are keyed by value:
 * primitives by value, arrays and plain objects by their contents, anything else (class
 * instances, functions, maps) by identity; `fill` puts them back for the traced call.
 */
function splitStatics(cache: JitCache, args: readonly unknown[]): { dynamic: unknown[]; staticKey: string; fill?: (dyn: unknown[]) => unknown[] } {
  const { nums, names } = cache.statics;
  if (nums.length === 0 && names.length === 0) return { dynamic: [...args], staticKey: "" };
  const dynamic = [...args];
  const keys: string[] = [];
  const put: [number, unknown][] = [];
  for (const i of nums) {
    if (i >= args.length) continue; // an absent optional argument: undefined, keyed below as such
    keys.push(`${i}=${staticValueKey(args[i], `static argument ${i}`)}`);
    put.push([i, args[i]]);
    dynamic[i] = null;
  }
  let opts: Record<string, unknown> | null = null;
  const last = args.length - 1;
  if (names.length > 0 && last >= 0 && !nums.includes(last)) {
    const o = args[last];
    // an options object left out (fewer arguments than f's parameters): no static options this call
    const omitted = o === undefined || (!isPlainObject(o) && cache.arity.max !== Infinity && args.length < cache.arity.max);
    if (omitted) return { dynamic, staticKey: keys.join(","), ...(put.length ? { fill: (dyn: unknown[]) => put.reduce((f, [i, v]) => ((f[i] = v), f), [...dyn]) } : {}) };
    if (!isPlainObject(o)) {
      throw new Error(`jit(${cache.name}): staticArgnames names keys of the options object ${cache.name} takes last, but its last argument is ${o === null ? "null" : o instanceof Tensor ? "a tensor" : typeof o}`);
    }
    const rest: Record<string, unknown> = {};
    opts = {};
    for (const [k, v] of Object.entries(o)) {
      if (names.includes(k)) {
        opts[k] = v;
        keys.push(`${JSON.stringify(k)}=${staticValueKey(v, `static option ${k}`)}`);
      } else rest[k] = v;
    }
    dynamic[last] = rest;
  }
  const fill = (dyn: unknown[]): unknown[] => {
    const full = [...dyn];
    for (const [i, v] of put) full[i] = v;
    if (opts) full[last] = { ...(full[last] as object), ...opts };
    return full;
  };
  return { dynamic, staticKey: keys.join(","), fill };
}

function staticValueKey(v: unknown, where: string): string {
  if (v instanceof Tensor) {
    throw new Error(`jit: ${where} holds a tensor; static values are compared by value at every call, so pass tensors as ordinary (traced) arguments`);
  }
  if (Array.isArray(v)) return `[${v.map((x) => staticValueKey(x, where)).join(",")}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${staticValueKey(v[k], where)}`).join(",")}}`;
  }
  return treeKey({ kind: "static", value: v });
}

// ---------------------------------------------------------------- the retracing warning

/** The parts of a call's signature a retrace can change, each with where it sits in the arguments. */
function signature(cache: JitCache, args: readonly unknown[], dynamic: readonly unknown[], def: TreeDef, leaves: readonly AnyTensor[]): SigPart[] {
  const parts: SigPart[] = [];
  let k = 0;
  const go = (d: TreeDef, arg: number, path: string, v: unknown): void => {
    const where = path ? `argument ${arg} at ${path}` : `argument ${arg}`;
    switch (d.kind) {
      case "leaf": {
        const l = leaves[k++]!;
        parts.push({ where, kind: "shape", key: showAval(l.aval), show: showAval(l.aval) });
        return;
      }
      case "static":
        parts.push({ where, kind: "value", key: treeKey(d), show: showStatic(v) });
        return;
      case "array":
        return d.children.forEach((c, i) => go(c, arg, `${path}[${i}]`, (v as unknown[])[i]));
      case "object":
        return d.keys.forEach((key, i) => go(d.children[i]!, arg, `${path}.${key}`, (v as Record<string, unknown>)[key]));
    }
  };
  if (def.kind === "array") {
    def.children.forEach((c, i) => {
      if (cache.statics.nums.includes(i)) {
        parts.push({ where: `argument ${i}`, kind: "static", key: staticValueKey(args[i], ""), show: showStatic(args[i]) });
      } else go(c, i, "", dynamic[i]);
    });
  }
  const last = args.length - 1;
  const o = args[last];
  for (const k of cache.statics.names) {
    if (isPlainObject(o) && k in o) parts.push({ where: `argument ${last} at .${k}`, kind: "static", key: staticValueKey(o[k], ""), show: showStatic(o[k]) });
  }
  return parts;
}

function showStatic(v: unknown): string {
  const s = typeof v === "string" ? JSON.stringify(v) : typeof v === "function" ? "a function" : typeof v === "object" && v !== null ? "an object" : String(v);
  return s.length > 24 ? `${s.slice(0, 21)}...` : s;
}

/** Records what changed since the last trace; past RETRACE_WARNING traces, warns once naming it. */
function noteRetrace(cache: JitCache, sig: SigPart[]): void {
  const prev = cache.last;
  cache.last = sig;
  if (prev) {
    const same = prev.length === sig.length && prev.every((p, i) => p.where === sig[i]!.where && p.kind === sig[i]!.kind);
    if (!same) bump(cache, { where: "the arguments", kind: "value", key: "", show: "" }, "");
    else sig.forEach((p, i) => p.key !== prev[i]!.key && bump(cache, p, prev[i]!.show));
  }
  if (cache.warned || cache.traces <= RETRACE_WARNING) return;
  cache.warned = true;
  let top: { n: number; part: SigPart; was: string } | undefined;
  for (const c of cache.changes.values()) if (!top || c.n > top.n) top = c;
  const head = `jit(${cache.name}): traced ${cache.traces} times`;
  const why = !top
    ? "each call has a new signature"
    : top.part.where === "the arguments"
      ? `the pytree structure of the arguments keeps changing; each new structure traces and compiles ${cache.name} again`
      : top.part.kind === "shape"
        ? `the shape of ${top.part.where} keeps changing (${top.was}, then ${top.part.show}); each new shape or dtype traces and compiles ${cache.name} again (pad to a few sizes)`
        : top.part.kind === "static"
          ? `${top.part.where}, static on purpose (staticArgnums/staticArgnames), keeps changing (${top.was}, then ${top.part.show}); each new value traces and compiles ${cache.name} again`
          : /^-?[\d.]|^NaN|Infinity/.test(top.part.show)
            ? `${top.part.where} is a static value that keeps changing (${top.was}, then ${top.part.show}); a JavaScript number is static, so each new value traces and compiles ${cache.name} again: pass it as a scalar tensor (tensor(x)) to trace once`
            : `${top.part.where} is a static value that keeps changing (${top.was}, then ${top.part.show}); each new value traces and compiles ${cache.name} again: keep it the same from call to call (hoist it out of the loop)`;
  console.warn(`${head}: ${why} (plans kept: ${PLAN_CACHE_SIZE}, least recently used first out)`);
}

function bump(cache: JitCache, part: SigPart, was: string): void {
  const id = `${part.kind}:${part.where}`;
  const c = cache.changes.get(id);
  if (c) {
    c.n++;
    c.part = part;
    c.was = was;
  } else if (cache.changes.size < 64) cache.changes.set(id, { n: 1, part, was });
}
