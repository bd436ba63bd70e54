/**
 * Reading results in tests. WebGPU reads only asynchronously, so the suites read with
 * `await t.data()`; `settled(t)` waits for `t`'s value to reach the host, after which the
 * synchronous reads (`toArray()`, `item()`) of that tensor work on every backend.
 */
export async function settled<T extends { data(): Promise<unknown> }>(t: T): Promise<T> {
  await t.data();
  return t;
}

/** `xs.map(f)` for an async `f`, one call after another (as the synchronous map ran them). */
export async function mapSeq<T, U>(xs: Iterable<T> | ArrayLike<T>, f: (x: T, i: number) => Promise<U> | U): Promise<U[]> {
  const out: U[] = [];
  let i = 0;
  for (const x of Array.from(xs)) out.push(await f(x, i++));
  return out;
}

/** `xs.forEach(f)` for an async `f`, one call after another. */
export async function eachSeq<T>(xs: Iterable<T> | ArrayLike<T>, f: (x: T, i: number) => Promise<unknown> | unknown): Promise<void> {
  await mapSeq(xs, f);
}

/** `xs.reduce(f, init)` for an async `f`. */
export async function reduceSeq<T, A>(xs: Iterable<T> | ArrayLike<T>, f: (acc: A, x: T, i: number) => Promise<A> | A, init: A): Promise<A> {
  let acc = init;
  let i = 0;
  for (const x of Array.from(xs)) acc = await f(acc, x, i++);
  return acc;
}
