/**
 * Recurrent cells, as flax.linen's LSTMCell and GRUCell: a step function
 * `apply(params, carry, x) -> [carry, y]` that is the body of `lax.scan` over a sequence:
 * `lax.scan((c, x) => cell.apply(params, c, x), cell.initCarry([B]), xs)` with xs `[T, B, inputs]`.
 * The gates' weights are stored fused (one matmul for the input and one for the hidden state),
 * in flax's gate order.
 */
import type { PRNGKey } from "../random/random.js";
import { split } from "../random/random.js";
import type { DType, FloatDType } from "../ir/dtype.js";
import type { Check, Shape, ShapeError, ShowShape } from "../shape/core.js";
import type { TypeFn, TypeFnFail, WithTypeFn } from "../transforms/types.js";
import type { FeatureCheck, Lead } from "../shape/layers.js";
import type { Mul } from "../shape/arith.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import { concatenate, slice } from "../ops/shape.js";
import { zeros } from "../tensor/create.js";
import { shapeError } from "../tensor/checks.js";
import { showShape } from "../tensor/messages.js";
import { lecunNormal, orthogonal, type Initializer } from "./init.js";
import { checkFeatures, checkSize, o, withTypeFn } from "./common.js";

type T = AnyTensor;

export interface CellOptions {
  /** the input kernels' initialiser (default lecunNormal, flax's) */
  readonly kernelInit?: Initializer;
  /** the recurrent kernels' initialiser (default orthogonal(), flax's; applied gate by gate) */
  readonly recurrentKernelInit?: Initializer;
}

/** lstmCell's parameters, gates fused in flax's order i, f, g, o: `wi` (no bias), `wh` and its bias `bh`. */
export interface LSTMParams<I extends number, H extends number> {
  readonly wi: Tensor<[I, Mul4<H>]>;
  readonly wh: Tensor<[H, Mul4<H>]>;
  readonly bh: Tensor<[Mul4<H>]>;
}
type Mul4<H extends number> = Mul<H, 4>;
type Mul3<H extends number> = Mul<H, 3>;

/** lstmCell's carry: [c, h], each `[...batch, hidden]` (flax's order). */
export type LSTMCarry<B extends Shape, H extends number, D extends FloatDType = "float32"> = [Tensor<[...B, H], D>, Tensor<[...B, H], D>];

export interface LSTMCell<I extends number, H extends number> {
  readonly inputs: I;
  readonly hidden: H;
  init(key: PRNGKey): LSTMParams<I, H>;
  /** Zeros [c, h] for the given batch dims (`[]` for one unbatched sequence). */
  initCarry<const B extends Shape, D extends FloatDType = "float32">(batch: B, dtype?: D): LSTMCarry<[...B], H, D>;
  /**
   * One step, flax's equations: i = σ(x Wii + h Whi + bi), f = σ(x Wif + h Whf + bf),
   * g = tanh(x Wig + h Whg + bg), o = σ(x Wio + h Who + bo); c' = f·c + i·g, h' = o·tanh(c').
   * Returns `[[c', h'], h']`.
   */
  readonly apply: LSTMApply<I, H>;
}
/** LSTMApply's call signature alone (what nn.withTypeFn takes). */
export interface LSTMCall<I extends number, H extends number> {
  /**
   * One step, flax's equations: i = σ(x Wii + h Whi + bi), f = σ(x Wif + h Whf + bf),
   * g = tanh(x Wig + h Whg + bg), o = σ(x Wio + h Who + bo); c' = f·c + i·g, h' = o·tanh(c').
   * Returns `[[c', h'], h']`.
   */
  <S extends Shape, D extends FloatDType = "float32">(
    params: LSTMParams<I, H>,
    carry: LSTMCarry<Lead<S>, H, D>,
    x: Check<FeatureCheck<"lstmCell", S, I>, Tensor<S, D>>,
  ): [LSTMCarry<Lead<S>, H, D>, Tensor<[...Lead<S>, H], D>];
}
/** lstmCell's apply, carrying its type-level twin for vmap (transforms/types.ts's TypeFn). */
export interface LSTMApply<I extends number, H extends number> extends LSTMCall<I, H>, WithTypeFn<LSTMApplyFn<I, H>, LSTMCall<I, H>> {}
export interface LSTMApplyFn<I extends number, H extends number> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, readonly [infer C, infer C2], Tensor<infer S, infer D extends FloatDType>, ...unknown[]]
    ? CellOut<"lstmCell", [C, C2], S, I, H, [LSTMCarry<Lead<S>, H, D>, Tensor<[...Lead<S>, H], D>]>
    : unknown;
}

/** gruCell's parameters, gates fused in flax's order r, z, n: `wi` and its bias `bi`, `wh` (no bias) and n's hidden bias `bhn`. */
export interface GRUParams<I extends number, H extends number> {
  readonly wi: Tensor<[I, Mul3<H>]>;
  readonly bi: Tensor<[Mul3<H>]>;
  readonly wh: Tensor<[H, Mul3<H>]>;
  readonly bhn: Tensor<[H]>;
}

export interface GRUCell<I extends number, H extends number> {
  readonly inputs: I;
  readonly hidden: H;
  init(key: PRNGKey): GRUParams<I, H>;
  /** Zeros h for the given batch dims. */
  initCarry<const B extends Shape, D extends FloatDType = "float32">(batch: B, dtype?: D): Tensor<[...B, H], D>;
  /**
   * One step, flax's equations: r = σ(x Wir + bir + h Whr), z = σ(x Wiz + biz + h Whz),
   * n = tanh(x Win + bin + r·(h Whn + bhn)); h' = (1 - z)·n + z·h. Returns `[h', h']`.
   */
  readonly apply: GRUApply<I, H>;
}
/** GRUApply's call signature alone (what nn.withTypeFn takes). */
export interface GRUCall<I extends number, H extends number> {
  /**
   * One step, flax's equations: r = σ(x Wir + bir + h Whr), z = σ(x Wiz + biz + h Whz),
   * n = tanh(x Win + bin + r·(h Whn + bhn)); h' = (1 - z)·n + z·h. Returns `[h', h']`.
   */
  <S extends Shape, D extends FloatDType = "float32">(
    params: GRUParams<I, H>,
    carry: Tensor<[...Lead<S>, H], D>,
    x: Check<FeatureCheck<"gruCell", S, I>, Tensor<S, D>>,
  ): [Tensor<[...Lead<S>, H], D>, Tensor<[...Lead<S>, H], D>];
}
/** gruCell's apply, carrying its type-level twin for vmap (transforms/types.ts's TypeFn). */
export interface GRUApply<I extends number, H extends number> extends GRUCall<I, H>, WithTypeFn<GRUApplyFn<I, H>, GRUCall<I, H>> {}
export interface GRUApplyFn<I extends number, H extends number> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, infer C, Tensor<infer S, infer D extends FloatDType>, ...unknown[]]
    ? CellOut<"gruCell", [C], S, I, H, [Tensor<[...Lead<S>, H], D>, Tensor<[...Lead<S>, H], D>]>
    : unknown;
}

/**
 * A cell's result R for input shape S, or its refusal: x's features (argument 2), then each carry
 * tensor against [...Lead<S>, H] (argument 1, checkCarry's message).
 */
type CellOut<Op extends string, C extends readonly unknown[], S extends Shape, I extends number, H extends number, R> = [FeatureCheck<Op, S, I>] extends [never]
  ? CarryMisfit<C, [...Lead<S>, H]> extends infer CS extends Shape
    ? [CS] extends [never]
      ? R
      : TypeFnFail<1, `${Op}: the carry has shape ${ShowShape<CS>} but an input of shape ${ShowShape<S>} needs ${ShowShape<[...Lead<S>, H]>}`>
    : R
  : FeatureCheck<Op, S, I> extends ShapeError<infer M>
    ? TypeFnFail<2, M>
    : R;
/** The shape of the first carry tensor whose shape is not W (known ranks and dims that differ), or never. */
type CarryMisfit<C extends readonly unknown[], W extends Shape> = C extends readonly [infer T, ...infer R]
  ? T extends Tensor<infer CS, DType>
    ? SameShape<CS, W> extends true
      ? CarryMisfit<R, W>
      : CS
    : CarryMisfit<R, W>
  : never;
type SameShape<A extends Shape, B extends Shape> = number extends A["length"] | B["length"]
  ? true
  : A extends readonly [infer a extends number, ...infer AR extends Shape]
    ? B extends readonly [infer b extends number, ...infer BR extends Shape]
      ? number extends a | b
        ? SameShape<AR, BR>
        : a extends b
          ? SameShape<AR, BR>
          : false
      : false
    : B extends readonly []
      ? true
      : false;

/** Gate k (of width h) of a fused pre-activation z `[..., n·h]`. */
const gate = (z: T, k: number, h: number): T => slice(z, [...z.shape.slice(0, -1).map(() => null), [k * h, (k + 1) * h]] as never) as T;

function checkCarry(op: string, c: unknown, x: T, h: number): T {
  const t = c as T;
  const want = [...x.shape.slice(0, -1), h];
  if (!(t && Array.isArray(t.shape)) || t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
    shapeError(`${op}: the carry has shape ${showShape(t?.shape ?? [])} but an input of shape ${showShape(x.shape)} needs ${showShape(want)}`);
  }
  return t;
}

/** The input kernel [I, n·H] and the recurrent kernel [H, n·H] (the recurrent one gate by gate, as flax's separate denses). */
function kernels(key: PRNGKey, inputs: number, hidden: number, n: number, opts: CellOptions): [T, T] {
  const ki = opts.kernelInit ?? lecunNormal;
  const kh = opts.recurrentKernelInit ?? orthogonal();
  const keys = split(key, 2 * n);
  const wi = concatenate(Array.from({ length: n }, (_, g) => ki(keys[g]!, [inputs, hidden]) as T), -1) as T;
  const wh = concatenate(Array.from({ length: n }, (_, g) => kh(keys[n + g]!, [hidden, hidden]) as T), -1) as T;
  return [wi, wh];
}

/** An LSTM cell (flax.linen.LSTMCell) from `inputs` features to `hidden` features. */
export function lstmCell<const I extends number, const H extends number>(inputs: I, hidden: H, opts: CellOptions = {}): LSTMCell<I, H> {
  checkSize("lstmCell", "inputs", inputs);
  checkSize("lstmCell", "hidden", hidden);
  return {
    inputs,
    hidden,
    init(key) {
      const [wi, wh] = kernels(key, inputs, hidden, 4, opts);
      return { wi, wh, bh: zeros([4 * hidden]) } as never;
    },
    initCarry: (batch, dtype) => [zeros([...batch, hidden], dtype), zeros([...batch, hidden], dtype)] as never,
    apply: withTypeFn(function (params, carry, x) {
      const xt = checkFeatures("lstmCell", x, inputs);
      const p = params as unknown as { wi: T; wh: T; bh: T };
      if (!Array.isArray(carry) || carry.length !== 2) throw new TypeError("lstmCell: the carry must be [c, h]");
      const c = checkCarry("lstmCell", carry[0], xt, hidden);
      const h = checkCarry("lstmCell", carry[1], xt, hidden);
      const z = o.add(o.add(o.matmul(xt, p.wi), o.matmul(h, p.wh)), p.bh);
      const i = o.sigmoid(gate(z, 0, hidden));
      const f = o.sigmoid(gate(z, 1, hidden));
      const g = o.tanh(gate(z, 2, hidden));
      const og = o.sigmoid(gate(z, 3, hidden));
      const c2 = o.add(o.mul(f, c), o.mul(i, g));
      const h2 = o.mul(og, o.tanh(c2));
      return [[c2, h2], h2] as never;
    }),
  };
}

/** A GRU cell (flax.linen.GRUCell) from `inputs` features to `hidden` features. */
export function gruCell<const I extends number, const H extends number>(inputs: I, hidden: H, opts: CellOptions = {}): GRUCell<I, H> {
  checkSize("gruCell", "inputs", inputs);
  checkSize("gruCell", "hidden", hidden);
  return {
    inputs,
    hidden,
    init(key) {
      const [wi, wh] = kernels(key, inputs, hidden, 3, opts);
      return { wi, bi: zeros([3 * hidden]), wh, bhn: zeros([hidden]) } as never;
    },
    initCarry: (batch, dtype) => zeros([...batch, hidden], dtype) as never,
    apply: withTypeFn(function (params, carry, x) {
      const xt = checkFeatures("gruCell", x, inputs);
      const p = params as unknown as { wi: T; bi: T; wh: T; bhn: T };
      const h = checkCarry("gruCell", carry, xt, hidden);
      const zi = o.add(o.matmul(xt, p.wi), p.bi);
      const zh = o.matmul(h, p.wh);
      const r = o.sigmoid(o.add(gate(zi, 0, hidden), gate(zh, 0, hidden)));
      const z = o.sigmoid(o.add(gate(zi, 1, hidden), gate(zh, 1, hidden)));
      const n = o.tanh(o.add(gate(zi, 2, hidden), o.mul(r, o.add(gate(zh, 2, hidden), p.bhn))));
      const h2 = o.add(o.mul(o.sub(1, z), n), o.mul(z, h));
      return [h2, h2] as never;
    }),
  };
}
