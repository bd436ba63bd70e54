/**
 * dot_general, as in XLA: contracts `contract` axis pairs and maps over `batch` axis pairs.
 * Output layout: [batch..., lhs free..., rhs free...], free axes in increasing order. matmul, dot,
 * outer, tensordot and the batched products that vmap creates are all this one primitive.
 */
import { showShape, stridesOf, stridedOffsets, type AbstractValue } from "../ir/aval.js";
import { allocate } from "../ir/dtype.js";
import { HostArray } from "../ir/host-array.js";
import { freeAxes, type ContractionDims } from "../ir/kernel.js";
import type { BatchDim } from "../ir/graph.js";
import type { AnyTensor } from "../tensor/tensor.js";
import { addAny } from "./elementwise.js";
import { inversePerm, transpose } from "./structural.js";
import { apply, type Prim } from "./util.js";

/** contract: [lhs axes, rhs axes] contracted pairwise; batch: [lhs axes, rhs axes] mapped pairwise. */
export type DotGeneralParams = ContractionDims;

function dotAval(x: AbstractValue, y: AbstractValue, { contract, batch }: DotGeneralParams): AbstractValue {
  const bad = () => {
    throw new Error(`internal: dot_general ${showShape(x.shape)} x ${showShape(y.shape)} contract=${JSON.stringify(contract)} batch=${JSON.stringify(batch)}`);
  };
  if (x.dtype !== y.dtype || contract[0].length !== contract[1].length || batch[0].length !== batch[1].length) bad();
  contract[0].forEach((a, i) => x.shape[a] !== y.shape[contract[1][i]!] && bad());
  batch[0].forEach((a, i) => x.shape[a] !== y.shape[batch[1][i]!] && bad());
  const lf = freeAxes(x.shape.length, contract[0], batch[0]);
  const rf = freeAxes(y.shape.length, contract[1], batch[1]);
  return {
    shape: [...batch[0].map((a) => x.shape[a]!), ...lf.map((a) => x.shape[a]!), ...rf.map((a) => y.shape[a]!)],
    dtype: x.dtype,
  };
}

/** Reference: loop over output elements and the contracted index space, accumulating in double. */
function dotImpl(x: HostArray, y: HostArray, p: DotGeneralParams, out: AbstractValue): HostArray {
  const xs = stridesOf(x.shape);
  const ys = stridesOf(y.shape);
  const lf = freeAxes(x.shape.length, p.contract[0], p.batch[0]);
  const rf = freeAxes(y.shape.length, p.contract[1], p.batch[1]);
  // per output axis: stride into x and into y
  const oxs = [...p.batch[0].map((a) => xs[a]!), ...lf.map((a) => xs[a]!), ...rf.map(() => 0)];
  const oys = [...p.batch[1].map((a) => ys[a]!), ...lf.map(() => 0), ...rf.map((a) => ys[a]!)];
  const cShape = p.contract[0].map((a) => x.shape[a]!);
  const cxs = p.contract[0].map((a) => xs[a]!);
  const cys = p.contract[1].map((a) => ys[a]!);
  const cOffX = stridedOffsets(cShape, cxs);
  const cOffY = stridedOffsets(cShape, cys);
  const bX = stridedOffsets(out.shape, oxs);
  const bY = stridedOffsets(out.shape, oys);
  const o = allocate(out.dtype, bX.length);
  const xd = x.data;
  const yd = y.data;
  for (let i = 0; i < o.length; i++) {
    let acc = 0;
    const bx = bX[i]!;
    const by = bY[i]!;
    if (out.dtype === "int32") for (let c = 0; c < cOffX.length; c++) acc = (acc + Math.imul(xd[bx + cOffX[c]!]!, yd[by + cOffY[c]!]!)) | 0;
    else for (let c = 0; c < cOffX.length; c++) acc += xd[bx + cOffX[c]!]! * yd[by + cOffY[c]!]!;
    o[i] = acc;
  }
  return new HostArray(o, out.shape, out.dtype);
}

type T = AnyTensor;

/** Cotangent of the lhs: contract ct's rhs-free axes with rhs's free axes, then restore lhs's axis order. */
function transposeLhs(ct: T, x: T, y: T, p: DotGeneralParams): T {
  const [lc, rc] = p.contract;
  const [lb, rb] = p.batch;
  const nb = lb.length;
  const lf = freeAxes(x.shape.length, lc, lb);
  const rf = freeAxes(y.shape.length, rc, rb);
  const ctRf = rf.map((_, i) => nb + lf.length + i);
  const ctB = lb.map((_, i) => i);
  const g = dotGeneral(ct, y, { contract: [ctRf, rf], batch: [ctB, [...rb]] });
  // g's axes: [batch (lb order), lf, remaining rhs axes = rc sorted ascending]
  const rcSorted = [...rc].sort((a, b) => a - b);
  const src = [...lb, ...lf, ...rcSorted.map((r) => lc[rc.indexOf(r)]!)];
  return transpose(g, inversePerm(src));
}

/**
 * Cotangent of the rhs: contract the lhs's free axes with ct's lhs-free axes. The result comes out
 * as [batch, rhs contracting, rhs free], which for x @ W is W's own layout (no transpose).
 */
function transposeRhs(ct: T, x: T, y: T, p: DotGeneralParams): T {
  const [lc, rc] = p.contract;
  const [lb, rb] = p.batch;
  const nb = lb.length;
  const lf = freeAxes(x.shape.length, lc, lb);
  const rf = freeAxes(y.shape.length, rc, rb);
  const ctLf = lf.map((_, i) => nb + i);
  const ctB = lb.map((_, i) => i);
  const g = dotGeneral(x, ct, { contract: [lf, ctLf], batch: [[...lb], ctB] });
  // g's axes: [batch (rb order), x's remaining axes = lc ascending -> paired rc, rf]
  const lcSorted = [...lc].sort((a, b) => a - b);
  const src = [...rb, ...lcSorted.map((l) => rc[lc.indexOf(l)]!), ...rf];
  return transpose(g, inversePerm(src));
}

export const dotGeneralP: Prim<DotGeneralParams> = {
  name: "dot_general",
  jet: "bilinear",
  abstractEval: ([x, y], p) => dotAval(x!, y!, p),
  impl: ([x, y], p, out) => dotImpl(x!, y!, p, out),
  jvp: ([x, y], [tx, ty], p) => addAny(tx && dotGeneral(tx, y!, p), ty && dotGeneral(x!, ty, p)),
  vjp(ct, [x, y], p, _out, wanted) {
    return [wanted[0] ? transposeLhs(ct, x!, y!, p) : null, wanted[1] ? transposeRhs(ct, x!, y!, p) : null];
  },
  batch([x, y], dims, p) {
    const shift = (axes: readonly number[]) => axes.map((a) => a + 1);
    const [dx, dy]: BatchDim[] = [dims[0]!, dims[1]!];
    if (dx !== null && dy !== null) {
      const q: DotGeneralParams = { contract: [shift(p.contract[0]), shift(p.contract[1])], batch: [[0, ...shift(p.batch[0])], [0, ...shift(p.batch[1])]] };
      return [apply(dotGeneralP, [x!, y!], q), 0];
    }
    if (dx !== null) {
      // the mapped axis is lhs's first free axis: it lands right after the batch axes
      const q: DotGeneralParams = { contract: [shift(p.contract[0]), p.contract[1]], batch: [shift(p.batch[0]), p.batch[1]] };
      return [apply(dotGeneralP, [x!, y!], q), p.batch[0].length];
    }
    const q: DotGeneralParams = { contract: [p.contract[0], shift(p.contract[1])], batch: [p.batch[0], shift(p.batch[1])] };
    const lf = freeAxes(x!.shape.length, p.contract[0], p.batch[0]).length;
    return [apply(dotGeneralP, [x!, y!], q), p.batch[0].length + lf];
  },
  lower: { kind: "contraction", dims: (p) => p },
  showParams: (p) => `contract=${JSON.stringify(p.contract)} batch=${JSON.stringify(p.batch)}`,
};

export function dotGeneral(x: T, y: T, params: DotGeneralParams): T {
  return apply(dotGeneralP, [x, y], params);
}
