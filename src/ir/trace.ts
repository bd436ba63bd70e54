import { Var, Graph, type Eqn, type GraphConst, type Primitive } from "./graph.js";
import type { AbstractValue } from "./aval.js";
import type { DeviceArray } from "./device.js";
import type { HostArray } from "./host-array.js";
import type { TraceScope, Value } from "./value.js";

/**
 * What the layers above provide: how values are made (the Tensor class) and how concrete work
 * runs (the runtime, which picks a backend and compiles graphs). Injected at start-up so that
 * the IR imports nothing above it.
 */
export interface ValueFactory {
  traced(builder: Builder, v: Var): Value;
  concrete(a: DeviceArray): Value;
}
export interface Runtime {
  /** Runs one equation now, on concrete inputs. */
  eager(prim: Primitive, params: object, inputs: readonly DeviceArray[], out: AbstractValue): DeviceArray;
  /** Runs a graph now; `inputs` are its inputs followed by its captures. */
  run(graph: Graph, inputs: readonly DeviceArray[]): DeviceArray[];
  /** A host array as a concrete array of the default backend. */
  fromHost(h: HostArray): DeviceArray;
  /** Runs a graph for a host step, which reads the results synchronously (default: `run`). */
  runHost?(graph: Graph, inputs: readonly DeviceArray[]): DeviceArray[];
}

let values: ValueFactory | null = null;
let runtime: Runtime | null = null;

export function installValues(f: ValueFactory): void {
  values = f;
}
export function installRuntime(r: Runtime): void {
  runtime = r;
}
function factory(): ValueFactory {
  if (!values) throw new Error("internal: no value factory installed (import shapegrad's index)");
  return values;
}
function rt(): Runtime {
  if (!runtime) throw new Error("internal: no runtime installed (import shapegrad's index)");
  return runtime;
}

/** A concrete value from a device array. */
export const concrete = (a: DeviceArray): Value => factory().concrete(a);
/** Host data as an array of the default backend. */
export const deviceFromHost = (h: HostArray): DeviceArray => rt().fromHost(h);
/** A concrete value from host data, on the default backend. */
export const fromHost = (h: HostArray): Value => factory().concrete(rt().fromHost(h));

/**
 * Collects the equations of one trace. Traces nest (grad inside vmap inside jit): a tensor that
 * belongs to an enclosing trace is captured as an input of this one, so every graph is closed
 * and the enclosing transformation still sees the dependency when the graph is inlined.
 */
export class Builder implements TraceScope {
  readonly inputs: Var[] = [];
  readonly captures: Var[] = [];
  readonly captured: Value[] = [];
  readonly consts: GraphConst[] = [];
  readonly eqns: Eqn[] = [];
  closed = false;
  private readonly constVars = new Map<DeviceArray, Var>();
  private readonly captureVars = new Map<Var, Var>();

  constructor(readonly parent: Builder | null) {}

  newInput(aval: AbstractValue): Value {
    const v = new Var({ shape: [...aval.shape], dtype: aval.dtype });
    this.inputs.push(v);
    return factory().traced(this, v);
  }

  /** The variable of this trace that stands for `t`. */
  lift(t: Value): Var {
    const tr = t._trace;
    if (tr === null) {
      const value = t._device();
      let v = this.constVars.get(value);
      if (!v) {
        v = new Var(value.aval);
        this.constVars.set(value, v);
        this.consts.push({ v, value });
      }
      return v;
    }
    if (tr.builder === this) return tr.v;
    if (tr.builder.closed || !this.isDescendantOf(tr.builder)) throw escapedTracer();
    let v = this.captureVars.get(tr.v);
    if (!v) {
      v = new Var(tr.v.aval);
      this.captureVars.set(tr.v, v);
      this.captures.push(v);
      this.captured.push(t);
    }
    return v;
  }

  private isDescendantOf(b: TraceScope): boolean {
    for (let p = this.parent; p; p = p.parent) if (p === b) return true;
    return false;
  }

  add(prim: Primitive, inputs: readonly Value[], params: object, out: AbstractValue): Value {
    const ins = inputs.map((t) => this.lift(t));
    const v = new Var(out);
    this.eqns.push({ prim, inputs: ins, params, out: v });
    return factory().traced(this, v);
  }

  finish(outputs: readonly Value[]): Graph {
    const outs = outputs.map((t) => this.lift(t));
    this.closed = true;
    return new Graph(this.inputs, this.captures, this.consts, this.eqns, outs);
  }
}

export function escapedTracer(): Error {
  return new Error(
    "shapegrad: a traced value was used outside the transformation that created it " +
      "(was a tensor from inside grad/vmap/jit stored in an outer variable?)",
  );
}

let current: Builder | null = null;

export function currentBuilder(): Builder | null {
  return current;
}

/** Applies a primitive: recorded into the innermost trace, or run now on the default backend. */
export function bind(prim: Primitive, inputs: readonly Value[], params: object): Value {
  const out = prim.abstractEval(
    inputs.map((t) => t.aval),
    params,
  );
  if (current) return current.add(prim, inputs, params, out);
  // a symbolic tensor reaching eager execution was kept from a finished trace
  if (inputs.some((t) => t._trace !== null)) throw escapedTracer();
  return concrete(rt().eager(prim, params, inputs.map((t) => t._device()), out));
}

export interface Traced {
  readonly graph: Graph;
  /** Enclosing-trace tensors the function closed over, in the order of `graph.captures`. */
  readonly captured: readonly Value[];
}

/** Traces `f` on symbolic inputs with the given abstract values. */
export function traceFlat(f: (inputs: Value[]) => readonly Value[], avals: readonly AbstractValue[]): Traced {
  const b = new Builder(current);
  const saved = current;
  current = b;
  let graph: Graph;
  try {
    const ins = avals.map((a) => b.newInput(a));
    const outs = f(ins);
    graph = b.finish(outs);
  } finally {
    current = saved;
    b.closed = true;
  }
  return { graph, captured: b.captured };
}

/**
 * Runs a graph in the current context: on a backend when there is no enclosing trace and every
 * argument is concrete, else by replaying its equations into the enclosing trace.
 * `args` are the graph's inputs followed by its captures.
 */
export function callGraph(graph: Graph, args: readonly Value[]): Value[] {
  if (!current && args.every((t) => t._trace === null)) {
    return rt().run(graph, args.map((t) => t._device())).map(concrete);
  }
  return replayGraph(graph, args, (e, ins) => bind(e.prim, ins, e.params));
}

/**
 * Walks a graph's equations with an environment from variables to values: the common skeleton of
 * every interpreter (inlining, jvp, vmap, reverse mode's forward pass).
 */
export function replayGraph<T>(
  graph: Graph,
  args: readonly T[],
  step: (e: Eqn, inputs: T[]) => T,
  constant: (c: GraphConst) => T = (c) => concrete(c.value) as T,
): T[] {
  const env = new Map<Var, T>();
  const formals = [...graph.inputs, ...graph.captures];
  if (formals.length !== args.length) throw new Error(`internal: graph takes ${formals.length} inputs, got ${args.length}`);
  formals.forEach((v, i) => env.set(v, args[i]!));
  for (const c of graph.consts) env.set(c.v, constant(c));
  const read = (v: Var): T => {
    if (!env.has(v)) throw new Error("internal: unbound variable in graph");
    return env.get(v)!;
  };
  for (const e of graph.eqns) env.set(e.out, step(e, e.inputs.map(read)));
  return graph.outputs.map(read);
}

/** Runs a graph now, whatever trace is active (a host step running a loop body): on the default backend, or where the runtime runs host steps' graphs. */
export const runNow = (graph: Graph, inputs: readonly DeviceArray[]): DeviceArray[] => {
  const r = rt();
  return r.runHost ? r.runHost(graph, inputs) : r.run(graph, inputs);
};
