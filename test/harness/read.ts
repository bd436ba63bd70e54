/**
 * Reading results in tests. WebGPU reads only asynchronously, so the suites read with
 * `await t.data()`; `settled(t)` waits for `t`'s value to reach the host, after which the
 * synchronous reads (`toArray()`, `item()`) of that tensor work on every backend.
 * Each helper here registers its promise (harness/awaited.ts): a test that does not await one fails.
 */
import { awaited } from "./awaited.js";
export function settled<T extends { data(): Promise<unknown> }>(t: T): Promise<T> {
  return awaited("settled", t.data().then(() => t));
}

/** `xs.map(f)` for an async `f`, one call after another (as the synchronous map ran them). */
export function mapSeq<T, U>(xs: Iterable<T> | ArrayLike<T>, f: (x: T, i: number) => Promise<U> | U): Promise<U[]> {
  return awaited("mapSeq", (async () => {
    const out: U[] = [];
    let i = 0;
    for (const x of Array.from(xs)) out.push(await f(x, i++));
    return out;
  })());
}

/** `xs.forEach(f)` for an async `f`, one call after another. */
export function eachSeq<T>(xs: Iterable<T> | ArrayLike<T>, f: (x: T, i: number) => Promise<unknown> | unknown): Promise<void> {
  return awaited("eachSeq", mapSeq(xs, f).then(() => undefined));
}

/** `xs.reduce(f, init)` for an async `f`. */
export function reduceSeq<T, A>(xs: Iterable<T> | ArrayLike<T>, f: (acc: A, x: T, i: number) => Promise<A> | A, init: A): Promise<A> {
  return awaited("reduceSeq", (async () => {
    let acc = init;
    let i = 0;
    for (const x of Array.from(xs)) acc = await f(acc, x, i++);
    return acc;
  })());
}
