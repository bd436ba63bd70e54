/**
 * The async test helpers (expectClose, fdJacobian, ... : they read with `await t.data()` so that
 * the suites run on WebGPU) return promises that must be awaited: an assertion in one that is not
 * is never checked inside its test (its failure becomes an unhandled rejection, or nothing).
 * `awaited(name, promise)` wraps a helper's promise in a thenable that records when it is awaited
 * (`await`, `.then`, Promise.all all call `then`); test/harness/setup.ts fails a test that created
 * one and never awaited it, naming the helper and where it was called.
 */

interface Entry {
  readonly name: string;
  readonly at: Error;
  readonly settled: Promise<unknown>;
  error?: unknown;
}

/** The promises of the running test (or, outside a test, of the file) not awaited yet. */
let pending = new Set<Entry>();
let outside = pending;

const HELPER_FILE = /[\\/]test[\\/](harness[\\/]|transforms[\\/]helpers\.|ops[\\/]ref\.)/;

/** The first stack frame outside the helpers and the harness: where the helper was called. */
function callSite(at: Error): string {
  const frames = (at.stack ?? "").split("\n").slice(1);
  const loc = (f: string) => /\(?((?:file:\/\/)?[^\s()]+:\d+:\d+)\)?\s*$/.exec(f)?.[1] ?? f.trim();
  const frame = frames.find((f) => /:\d+:\d+\)?\s*$/.test(f) && !HELPER_FILE.test(f) && !/node_modules|node:internal/.test(f));
  if (!frame) return "an unknown place";
  const where = loc(frame).replace(/^file:\/\//, "");
  const cwd = typeof process !== "undefined" && typeof process.cwd === "function" ? process.cwd() : "";
  return cwd && where.startsWith(cwd + "/") ? where.slice(cwd.length + 1) : where;
}

/** Registers `p`, the result of the async helper `name`, with the running test. */
export function awaited<X>(name: string, p: Promise<X>): Promise<X> {
  const set = pending;
  const entry: Entry = { name, at: new Error(name), settled: p.then(() => undefined, (e) => void (entry.error = e)) };
  set.add(entry);
  const seen = () => void set.delete(entry);
  // the promise itself is handled (by `settled`), so an unawaited failure is reported by the
  // check below, in its test, rather than as an unhandled rejection after it
  const thenable: Promise<X> = {
    then<A = X, B = never>(ok?: ((v: X) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
      seen();
      return p.then(ok, fail);
    },
    catch<B = never>(fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<X | B> {
      seen();
      return p.catch(fail);
    },
    finally(f?: (() => void) | null): Promise<X> {
      seen();
      return p.finally(f);
    },
    [Symbol.toStringTag]: "Promise",
  };
  return thenable;
}

/** Wraps an async helper so that each promise it returns is registered (see `awaited`). */
export function tracked<A extends unknown[], X>(name: string, f: (...a: A) => Promise<X>): (...a: A) => Promise<X> {
  return (...a) => awaited(name, f(...a));
}

/** A test begins: its promises are its own. */
export function beginTest(): void {
  pending = new Set();
}

function message(es: readonly Entry[], what: string): string {
  const seen = new Map<string, { n: number; errors: string[] }>();
  for (const e of es) {
    const key = `${e.name} at ${callSite(e.at)}`;
    const s = seen.get(key) ?? { n: 0, errors: [] };
    s.n++;
    if (e.error !== undefined) s.errors.push(e.error instanceof Error ? e.error.message : String(e.error));
    seen.set(key, s);
  }
  const lines = [...seen].map(([key, s]) => {
    const times = s.n > 1 ? `, ${s.n} times` : "";
    const failed = s.errors.length ? `; it failed: ${s.errors[0]}` : "";
    return `  an async assertion helper was not awaited (${key}${times})${failed}`;
  });
  return `${what}:\n${lines.join("\n")}`;
}

/**
 * The set's helpers not awaited, once they settle (up to `waitMs`, so that their own failures are
 * reported with them): the message that fails the test, or null.
 */
async function check(set: Set<Entry>, what: string, waitMs = 5_000): Promise<string | null> {
  if (set.size === 0) return null;
  const es = [...set];
  set.clear();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all(es.map((e) => e.settled)), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
  return message(es, what);
}

/** A test ended: the message that fails it when it left a helper's promise unawaited (skipped when it failed anyway). */
export async function endTest(name: string, failed: boolean): Promise<string | null> {
  const set = pending;
  pending = outside;
  if (failed) {
    set.clear();
    return null;
  }
  return check(set, name);
}

/** The file ended: its promises created outside a test (module level, describe bodies, hooks) must have been awaited by now. */
export function endFile(): Promise<string | null> {
  return check(outside, "outside its tests");
}
