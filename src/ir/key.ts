import { Graph } from "./graph.js";

/**
 * A cache key for plain data (params, expressions, layouts). JSON.stringify alone writes NaN,
 * Infinity and -Infinity all as `null` and -0 as `0`, which would let two different kernels share
 * one cache entry.
 */
export function cacheKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0))) return `#${Object.is(v, -0) ? "-0" : String(v)}`;
    // a graph in params (a call) is keyed by identity, not by its contents
    if (v instanceof Graph) return `#graph${v.id}`;
    return v;
  });
}
