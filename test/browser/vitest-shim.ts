/**
 * The part of vitest's API the op and transformation suites use, for running them in a browser
 * page (test/browser/run.mjs bundles the suites with `vitest` aliased to this file): describe /
 * it / test with their hooks, `expect` (vitest's own, from @vitest/expect on chai) and a `vi`
 * with spies. Tests are collected when their file is imported and run by `run()` in order.
 */
import { chai, ChaiStyleAssertions, customMatchers, getState, JestAsymmetricMatchers, JestChaiExpect, JestExtend, setState } from "@vitest/expect";
import { fn, restoreAllMocks, spyOn } from "@vitest/spy";

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(ChaiStyleAssertions);
chai.use(JestAsymmetricMatchers);

type Expect = ((value: unknown, message?: string) => Chai.Assertion) & Record<string, unknown>;
const expectFn = ((value: unknown, message?: string) => {
  const { assertionCalls } = getState(expectFn as never) as { assertionCalls: number };
  setState({ assertionCalls: assertionCalls + 1 }, expectFn as never);
  return chai.expect(value, message);
}) as Expect;
Object.assign(expectFn, chai.expect);
setState({ assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null, currentTestName: "" }, expectFn as never);
expectFn["assert"] = chai.assert;
expectFn["extend"] = (matchers: object) => (chai.expect as unknown as { extend(e: unknown, m: object): void }).extend(expectFn, matchers);
(expectFn["extend"] as (m: object) => void)(customMatchers);
// vitest's `expect` is typed from the real package: the suites are type-checked against it
export const expect = expectFn as unknown as typeof import("vitest").expect;

export const vi = { fn, spyOn, restoreAllMocks };

type Hook = () => unknown;
interface Suite {
  readonly name: string;
  readonly parent: Suite | null;
  readonly beforeAll: Hook[];
  readonly afterAll: Hook[];
  readonly beforeEach: Hook[];
  readonly afterEach: Hook[];
  readonly items: (Suite | Test)[];
}
interface Test {
  readonly name: string;
  readonly fn: Hook;
  readonly suite: Suite;
  readonly timeout: number;
}
const newSuite = (name: string, parent: Suite | null): Suite => ({ name, parent, beforeAll: [], afterAll: [], beforeEach: [], afterEach: [], items: [] });

/** Every collected file hangs off this suite; hooks registered outside any file (the harness) apply to all. */
export const root = newSuite("", null);
let current = root;

/**
 * Collects one file's tests (its module body runs in `load`) under a suite of its own and runs
 * them, with the hooks registered outside any file (the harness's setup) around them, as vitest
 * does per file.
 */
export async function runFile(name: string, load: () => Promise<unknown>, report: (r: Result) => void): Promise<void> {
  const s = newSuite(name, root);
  current = s;
  try {
    await load();
  } catch (e) {
    report({ name: `${name} (loading)`, ok: false, error: message(e), ms: 0 });
    return;
  } finally {
    current = root;
  }
  await runSuite(s, report, true);
}

export function describe(name: string, body: () => void): void {
  const s = newSuite(name, current);
  current.items.push(s);
  const outer = current;
  current = s;
  try {
    body();
  } finally {
    current = outer;
  }
}

export function it(name: string, body: Hook, timeout?: number | { timeout?: number }): void {
  const t = typeof timeout === "number" ? timeout : (timeout?.timeout ?? 120_000);
  current.items.push({ name, fn: body, suite: current, timeout: t });
}
export const test = it;
export const beforeAll = (h: Hook): void => void current.beforeAll.push(h);
export const afterAll = (h: Hook): void => void current.afterAll.push(h);
export const beforeEach = (h: Hook): void => void current.beforeEach.push(h);
export const afterEach = (h: Hook): void => void current.afterEach.push(h);

export interface Result {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
  /** the test stopped at a synchronous read (dataSync/toArray/item) of an asynchronous backend's result */
  readonly syncRead?: boolean;
  /** an afterEach hook of the test failed (reported after the test's own result, under the test's name + " (afterEach)") */
  readonly hook?: boolean;
  readonly ms: number;
}

const chain = (s: Suite | null): Suite[] => (s ? [...chain(s.parent), s] : []);
const fullName = (t: Test) => [...chain(t.suite).map((s) => s.name).filter(Boolean), t.name].join(" > ");
const SYNC_READ = /reads results asynchronously, so dataSync\(\), toArray\(\) and item\(\) cannot return them/;
const syncRead = (e: unknown): boolean => SYNC_READ.test(`${(e as Error)?.message ?? e} ${(e as { cause?: Error })?.cause?.message ?? ""}`);
const message = (e: unknown) => String((e as Error)?.stack ?? (e as Error)?.message ?? e).split("\n").slice(0, 6).join("\n");

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function hooks(s: Suite, which: "beforeAll" | "afterAll", report: (r: Result) => void, label = s): Promise<boolean> {
  try {
    for (const h of s[which]) await h();
    return true;
  } catch (e) {
    report({ name: `${chain(label).map((x) => x.name).filter(Boolean).join(" > ")} (${which})`, ok: false, error: message(e), syncRead: syncRead(e), hook: true, ms: 0 });
    return false;
  }
}

async function runSuite(s: Suite, report: (r: Result) => void, file = false): Promise<void> {
  if (file && !(await hooks(root, "beforeAll", report, s))) return;
  if (await hooks(s, "beforeAll", report)) {
    for (const item of s.items) {
      if ("fn" in item) await runTest(item, report);
      else await runSuite(item, report);
    }
    await hooks(s, "afterAll", report);
  }
  if (file) await hooks(root, "afterAll", report, s);
}

async function runTest(t: Test, report: (r: Result) => void): Promise<void> {
  const suites = chain(t.suite);
  const start = performance.now();
  let error: unknown = null;
  setState({ assertionCalls: 0, currentTestName: fullName(t) }, expectFn as never);
  try {
    for (const s of suites) for (const h of s.beforeEach) await h();
    await withTimeout(Promise.resolve().then(t.fn), t.timeout);
  } catch (e) {
    error = e;
  }
  // an afterEach hook's failure (the harness's check that no gpu.js graph fell back to wasm) is
  // reported on its own, never hidden behind the test's own error
  const hookErrors: unknown[] = [];
  for (const s of suites.reverse()) {
    for (const h of s.afterEach) {
      try {
        await (h as (ctx: unknown) => unknown)({ task: { name: t.name, result: { state: error ? "fail" : "pass" } } });
      } catch (e) {
        hookErrors.push(e);
      }
    }
  }
  const ms = performance.now() - start;
  report(error ? { name: fullName(t), ok: false, error: message(error), syncRead: syncRead(error), ms } : { name: fullName(t), ok: true, ms });
  hookErrors.forEach((e, i) =>
    report({ name: `${fullName(t)} (afterEach${hookErrors.length > 1 ? ` ${i + 1}` : ""})`, ok: false, error: message(e), syncRead: syncRead(e), hook: true, ms: 0 }),
  );
}
