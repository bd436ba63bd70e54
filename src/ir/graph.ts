import { showAval, type AbstractValue } from "./aval.js";
import type { Primitive } from "./primitive.js";
import type { DeviceArray } from "./device.js";

let nextVarId = 0;

/** A value in a graph: produced by one equation, or an input, capture or constant of the graph. */
export class Var {
  readonly id = nextVarId++;
  constructor(readonly aval: AbstractValue) {}
}

/** One primitive application: `out = prim[params](...inputs)`. */
export interface Eqn {
  readonly prim: Primitive;
  readonly inputs: readonly Var[];
  readonly params: object;
  readonly out: Var;
}

/** A constant baked into a graph (a concrete tensor that the traced function used). */
export interface GraphConst {
  readonly v: Var;
  readonly value: DeviceArray;
}

/**
 * A traced program in A-normal form, like a jaxpr. `captures` are values of an enclosing trace
 * that the function closed over; the caller binds them when it runs or inlines the graph.
 */
let nextGraphId = 0;

export class Graph {
  /** Identifies the graph in cache keys (a call equation's params hold one). */
  readonly id = nextGraphId++;
  constructor(
    readonly inputs: readonly Var[],
    readonly captures: readonly Var[],
    readonly consts: readonly GraphConst[],
    readonly eqns: readonly Eqn[],
    readonly outputs: readonly Var[],
  ) {}

  toString(): string {
    const names = new Map<Var, string>();
    const name = (v: Var): string => {
      let n = names.get(v);
      if (n === undefined) {
        n = varName(names.size);
        names.set(v, n);
      }
      return n;
    };
    const decl = (v: Var) => `${name(v)}:${showAval(v.aval)}`;
    const head = [
      ...this.consts.map((c) => decl(c.v) + scalarText(c.value)),
      ...this.captures.map(decl),
    ].join(" ");
    const ins = this.inputs.map(decl).join(" ");
    const lines = [`{ lambda ${head ? head + " ; " : ""}${ins} . let`];
    for (const e of this.eqns) {
      const p = e.prim.showParams ? e.prim.showParams(e.params as never) : "";
      lines.push(`    ${decl(e.out)} = ${e.prim.name}${p ? `[${p}]` : ""} ${e.inputs.map(name).join(" ")}`);
    }
    lines.push(`  in (${this.outputs.map(name).join(", ")}) }`);
    return lines.join("\n");
  }
}

/** A scalar constant's value, for the printer ("" when it is not a readable scalar). */
function scalarText(a: DeviceArray): string {
  if (a.aval.shape.length !== 0) return "";
  try {
    return `=${a.backend.toHostSync(a).data[0]}`;
  } catch {
    return "";
  }
}

function varName(i: number): string {
  let s = "";
  do {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26) - 1;
  } while (i >= 0);
  return s;
}
