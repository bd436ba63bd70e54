/**
 * einsum: Einstein summation over a subscripts string that src/shape/einsum.ts parses at the type
 * level. Run time parses it again (same checks, same order, same messages), then lowers to the
 * primitives every transformation already knows: a strided slice per repeated letter (diagonal),
 * reduce_sum for letters no one else needs, one dot_general per pair of operands and a final
 * transpose. No new primitive, so jvp, vjp, vmap and jit all come from those.
 */
import type { DType, Promote } from "../ir/dtype.js";
import { promote } from "../ir/dtype.js";
import type { AsShape, Check } from "../shape/core.js";
import type { Einsum } from "../shape/einsum.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import * as lax from "../prims/lax.js";
import { broadcastShapes, shapeError } from "../tensor/checks.js";
import * as msg from "../tensor/messages.js";

type ShapesOf<Ts extends readonly AnyTensor[]> = { [K in keyof Ts]: Ts[K] extends Tensor<infer S, DType> ? S : never };
// (`infer` for the shapes, so that a generic dim does not defer the match)
type PromoteAll<Ts extends readonly AnyTensor[], Acc extends DType = never> = Ts extends readonly [Tensor<infer _S, infer D>, ...infer R extends readonly AnyTensor[]]
  ? PromoteAll<R, [Acc] extends [never] ? D : Promote<Acc, D>>
  : [Acc] extends [never]
    ? Ts[number] extends Tensor<infer _S, infer D>
      ? D
      : never
    : Acc;

/**
 * Einstein summation, as `jnp.einsum`: `einsum("bij,bjk->bik", a, b)` is a batched matmul.
 * Letters (a-z, A-Z) name axes; a letter repeated in one operand takes the diagonal ("ii->i";
 * "ii->" is the trace); a letter absent from the output is summed. A letter shared by operands
 * must have the same size in each: NumPy and JAX would broadcast a size-1 letter, here it is an
 * error. "..." stands for batch dims, broadcast between operands as in NumPy; as in JAX, "..."
 * dims left out of an explicit output are summed. Without "->" the output is "..." (if any input
 * has one) and then the letters that occur exactly once, sorted (A-Z before a-z), as NumPy.
 * Spaces are ignored.
 * Operands are promoted to a common dtype; bool operands give bool, true where some product is
 * (as JAX). The result shape is exact at compile time; a mistake (the operand count, a letter of
 * two sizes, a rank the subscripts do not match, an output letter in no input or twice, a
 * character that is no letter) is a compile-time error at the subscripts, and a run-time error
 * with the same text where dims are typed `number`. Lowered to one dot_general per pair of
 * operands (pairs chosen greedily, smallest result first, for three or more), so a matrix product
 * never materialises a [B, I, J, K] intermediate.
 */
export function einsum<const Sub extends string, const Ops extends readonly AnyTensor[]>(
  subscripts: Check<Einsum<Sub, ShapesOf<Ops>>, Sub>,
  ...operands: Ops
): Tensor<AsShape<Einsum<Sub, ShapesOf<Ops>>>, PromoteAll<Ops>> {
  return einsumImpl(subscripts as string, operands) as Tensor<AsShape<Einsum<Sub, ShapesOf<Ops>>>, PromoteAll<Ops>>;
}

// ---------------------------------------------------------------- parsing (as Einsum, in its order)

interface Term {
  readonly pre: string[];
  /** the letters after "...", or null for a term without one */
  readonly post: string[] | null;
  readonly text: string;
}

function parseTerm(t: string, sub: string): Term {
  const letters = (s: string) => {
    const cs = s.split("");
    const bad = cs.find((c) => !/^[A-Za-z]$/.test(c));
    if (bad !== undefined) shapeError(msg.einsumCharMsg(bad, sub));
    return cs;
  };
  const i = t.indexOf("...");
  return i < 0 ? { pre: letters(t), post: null, text: t } : { pre: letters(t.slice(0, i)), post: letters(t.slice(i + 3)), text: t };
}

const lettersOf = (t: Term) => [...t.pre, ...(t.post ?? [])];

function parse(sub: string, n: number): { terms: Term[]; out: Term } {
  const s = sub.replaceAll(" ", "");
  const arrow = s.indexOf("->");
  const terms = (arrow < 0 ? s : s.slice(0, arrow)).split(",").map((t) => parseTerm(t, sub));
  const used = terms.flatMap(lettersOf);
  let out: Term;
  if (arrow >= 0) out = parseTerm(s.slice(arrow + 2), sub);
  else {
    // NumPy's implicit output: the letters that occur once, sorted by char code (A-Z, then a-z)
    const once = [...new Set(used)].filter((l) => used.indexOf(l) === used.lastIndexOf(l)).sort();
    out = terms.some((t) => t.post) ? { pre: [], post: once, text: "" } : { pre: once, post: null, text: "" };
  }
  const seen = new Set<string>();
  for (const l of lettersOf(out)) {
    if (seen.has(l)) shapeError(msg.einsumOutRepeatMsg(l, out.text));
    if (!used.includes(l)) shapeError(msg.einsumOutUnknownMsg(l));
    seen.add(l);
  }
  if (terms.length !== n) shapeError(msg.einsumCountMsg(sub, terms.length, n));
  return { terms, out };
}

// ---------------------------------------------------------------- lowering

/** An operand on the way: a tensor and the label of each of its axes (letters by char code, "..." dims from ELL). */
interface Op {
  readonly t: AnyTensor;
  readonly labels: readonly number[];
}
const ELL = 1000;
const code = (l: string) => l.charCodeAt(0);

function einsumImpl(sub: string, operands: readonly AnyTensor[]): AnyTensor {
  if (typeof sub !== "string") throw new TypeError(`einsum: the subscripts must be a string, got ${typeof sub}`);
  operands.forEach((x, k) => {
    if (!(x instanceof TensorClass)) throw new TypeError(`einsum: operand ${k} is not a tensor`);
  });
  const { terms, out } = parse(sub, operands.length);

  // bind letters to dims, operand by operand (rank first), as BindAll
  const bound = new Map<string, { d: number; k: number }>();
  const ells: { e: number[]; k: number }[] = [];
  terms.forEach((term, k) => {
    const s = operands[k]!.shape;
    const named = term.pre.length + (term.post?.length ?? 0);
    if (term.post ? s.length < named : s.length !== named) shapeError(msg.einsumRankMsg(k, s.length, term.text, named, term.post !== null));
    const post = term.post ?? [];
    const dims: [string, number][] = [...term.pre.map((l, i): [string, number] => [l, s[i]!]), ...post.map((l, i): [string, number] => [l, s[s.length - post.length + i]!])];
    for (const [l, d] of dims) {
      const b = bound.get(l);
      if (!b) bound.set(l, { d, k });
      else if (b.d !== d) shapeError(msg.einsumDimMsg(l, b.d, b.k, d, k));
    }
    if (term.post) ells.push({ e: s.slice(term.pre.length, s.length - post.length), k });
  });
  const ell = ells.reduce<number[]>((acc, { e, k }) => broadcastShapes("einsum", acc, e, () => msg.einsumEllipsisMsg(e, k, acc)), []);

  const common = operands.map((x) => x.dtype).reduce(promote);
  // bool (as JAX: "or" of "and"s) is counted in int32 and compared with 0 at the end
  const dtype = common === "bool" ? "int32" : common;
  const ops: Op[] = terms.map((term, k) => {
    let t = lax.convert(operands[k]!, dtype);
    const post = term.post ?? [];
    const nEll = t.shape.length - term.pre.length - post.length;
    // the operand's "..." dims, aligned right; a 1 that broadcasts is dropped (the letter-free axis is constant)
    const eAxes = Array.from({ length: nEll }, (_, p) => ({ label: ELL + ell.length - nEll + p, axis: term.pre.length + p }));
    const drop = eAxes.filter(({ label, axis }) => t.shape[axis] === 1 && ell[label - ELL] !== 1).map(({ axis }) => axis);
    const kept = eAxes.filter(({ axis }) => !drop.includes(axis)).map(({ label }) => label);
    if (drop.length) t = lax.reshape(t, t.shape.filter((_, i) => !drop.includes(i)));
    return diagonals({ t, labels: [...term.pre.map(code), ...kept, ...post.map(code)] });
  });
  const outLabels = [...out.pre.map(code), ...(out.post ? [...ell.map((_, j) => ELL + j), ...out.post.map(code)] : [])];
  const dimOf = (l: number) => (l >= ELL ? ell[l - ELL]! : bound.get(String.fromCharCode(l))!.d);

  const live = [...ops];
  while (live.length > 1) {
    const [i, j] = live.length === 2 ? [0, 1] : greedyPair(live, outLabels, dimOf);
    const rest = live.filter((_, q) => q !== i && q !== j);
    const needed = (l: number) => outLabels.includes(l) || rest.some((o) => o.labels.includes(l));
    const x = sumUnneeded(live[i]!, (l) => needed(l) || live[j]!.labels.includes(l));
    const y = sumUnneeded(live[j]!, (l) => needed(l) || x.labels.includes(l));
    live.splice(j, 1);
    live.splice(i, 1, contract(x, y, needed));
  }
  const last = sumUnneeded(live[0]!, (l) => outLabels.includes(l));
  const r = lax.transpose(last.t, outLabels.map((l) => last.labels.indexOf(l)));
  return common === "bool" ? lax.ne(r, lax.full(r.shape, 0, dtype)) : r;
}

/** Takes the diagonal of every letter that an operand repeats ("ii" -> "i"). */
function diagonals(o: Op): Op {
  let { t, labels } = o;
  for (let a1 = dup(labels); a1 >= 0; a1 = dup(labels)) {
    const a0 = labels.indexOf(labels[a1]!);
    const rest = labels.map((_, i) => i).filter((i) => i !== a0 && i !== a1);
    const n = t.shape[a0]!;
    const lead = rest.map((i) => t.shape[i]!);
    if (n === 0) t = lax.full([...lead, 0], 0, t.dtype);
    else {
      // element (i, i) of an n x n block sits at flat position i * (n + 1)
      const flat = lax.reshape(lax.transpose(t, [...rest, a0, a1]), [...lead, n * n]);
      t = lax.slice(flat, [...lead.map(() => 0), 0], [...lead, n * n], [...lead.map(() => 1), n + 1]);
    }
    labels = [...rest.map((i) => labels[i]!), labels[a0]!];
  }
  return { t, labels };
}
const dup = (labels: readonly number[]) => labels.findIndex((l, i) => labels.indexOf(l) !== i);

/** Sums the axes whose label nothing later needs. */
function sumUnneeded(o: Op, needed: (l: number) => boolean): Op {
  const axes = o.labels.map((_, i) => i).filter((i) => !needed(o.labels[i]!));
  return axes.length ? { t: lax.reduceSum(o.t, axes), labels: o.labels.filter((l) => needed(l)) } : o;
}

/** One dot_general: shared labels still needed are batch dims, the other shared ones are contracted. */
function contract(x: Op, y: Op, needed: (l: number) => boolean): Op {
  const shared = x.labels.filter((l) => y.labels.includes(l));
  const batch = shared.filter(needed);
  const summed = shared.filter((l) => !needed(l));
  const axes = (o: Op, ls: number[]) => ls.map((l) => o.labels.indexOf(l));
  const t = lax.dotGeneral(x.t, y.t, { contract: [axes(x, summed), axes(y, summed)], batch: [axes(x, batch), axes(y, batch)] });
  const free = (o: Op) => o.labels.filter((l) => !shared.includes(l));
  return { t, labels: [...batch, ...free(x), ...free(y)] };
}

/** The pair whose product is smallest (ties: the leftmost), a cheap greedy contraction order. */
function greedyPair(live: readonly Op[], outLabels: readonly number[], dimOf: (l: number) => number): [number, number] {
  let best: [number, number] = [0, 1];
  let bestSize = Infinity;
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const rest = live.filter((_, q) => q !== i && q !== j);
      const kept = new Set([...live[i]!.labels, ...live[j]!.labels].filter((l) => outLabels.includes(l) || rest.some((o) => o.labels.includes(l))));
      const size = [...kept].reduce((p, l) => p * dimOf(l), 1);
      if (size < bestSize) [best, bestSize] = [[i, j], size];
    }
  }
  return best;
}
