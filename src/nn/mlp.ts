/**
 * Dense layers and multi-layer perceptrons whose parameters are typed pytrees: `mlp([1, 64, 64, 1])`
 * initialises `[Dense<1, 64>, Dense<64, 64>, Dense<64, 1>]`, and applying it to `Tensor<[B, 1]>`
 * gives `Tensor<[B, 1]>`. Hand-built layer lists whose sizes do not chain are compile-time errors.
 */
import type { PRNGKey } from "../random/random.js";
import { split } from "../random/random.js";
import type { Tensor, AnyTensor } from "../tensor/tensor.js";
import type { Shape, ShapeError, Check, ShowShape } from "../shape/core.js";
import { add, tanh, relu, sigmoid, softplus } from "../ops/elementwise.js";
import { gelu, silu } from "./activations.js";
import { matmul } from "../ops/linalg.js";
import { zeros } from "../tensor/create.js";
import { glorotUniform, type Initializer } from "./init.js";
import { withTypeFn } from "./common.js";
import { shapeError } from "../tensor/checks.js";
import { mlpChainMsg, mlpInputMsg } from "../tensor/messages.js";
import type { DType } from "../ir/dtype.js";
import type { TypeFn, WithTypeFn } from "../transforms/types.js";

/** One fully connected layer: y = x @ w + b. */
export interface Dense<I extends number = number, O extends number = number> {
  readonly w: Tensor<[I, O]>;
  readonly b: Tensor<[O]>;
}

/** A dense layer with initialised weights and zero biases. */
export function dense<const I extends number, const O extends number>(key: PRNGKey, inputs: I, outputs: O, init: Initializer = glorotUniform): Dense<I, O> {
  return { w: init(key, [inputs, outputs]), b: zeros([outputs]) };
}

/** The layer list for a list of sizes: [1, 64, 1] -> [Dense<1, 64>, Dense<64, 1>]. */
export type Layers<Sizes extends readonly number[], Acc extends readonly Dense[] = []> = Sizes extends readonly [
  infer A extends number,
  infer B extends number,
  ...infer R extends number[],
]
  ? Layers<[B, ...R], [...Acc, Dense<A, B>]>
  : Acc;

type InOf<L> = L extends Dense<infer I, number> ? I : never;
type OutOf<L> = L extends Dense<number, infer O> ? O : never;

/** The layers' input size, or a ShapeError naming the first pair of layers that does not chain. */
export type ChainCheck<L extends readonly Dense[], K extends unknown[] = []> = L extends readonly [infer A extends Dense, infer B extends Dense, ...infer R extends readonly Dense[]]
  ? number extends OutOf<A> | InOf<B>
    ? ChainCheck<[B, ...R], [...K, 0]>
    : OutOf<A> extends InOf<B>
      ? ChainCheck<[B, ...R], [...K, 0]>
      : ShapeError<`mlp: layer ${K["length"]} gives ${OutOf<A>} outputs but layer ${[...K, 0]["length"]} takes ${InOf<B>} inputs`>
  : L;

type Last<L extends readonly unknown[]> = L extends readonly [...unknown[], infer X] ? X : never;
type LastSize<L extends readonly number[]> = L extends readonly [...number[], infer X extends number] ? X : number;
type Init<S extends Shape> = S extends readonly [...infer H extends number[], number] ? H : number[];
type LastDim<S extends Shape> = S extends readonly [...number[], infer D extends number] ? D : never;

/**
 * The output of applying layers L to x: x's batch dims, then the last layer's size. (The apply
 * functions spell their result `Tensor<[...]>` out rather than through this alias, so that it
 * shows as `Tensor<[1024, 1]>` in hovers and messages.)
 */
export type ApplyOut<L extends readonly Dense[], S extends Shape> = Tensor<[...Init<S>, OutOf<Last<L>>]>;
/** x's last dim must be the first layer's input size. */
export type InputCheck<L extends readonly Dense[], S extends Shape> = L extends readonly [infer F, ...unknown[]]
  ? number extends LastDim<S> | InOf<F>
    ? true
    : LastDim<S> extends InOf<F>
      ? true
      : ShapeError<`mlp: the input has shape ${ShowShape<S>} but the first layer takes ${InOf<F>} inputs`>
  : true;

/**
 * An activation: a name or a function of a float tensor. "identity" applies nothing; "gelu" is
 * jax.nn.gelu's default (tanh) approximation.
 */
export type Activation = "tanh" | "relu" | "sigmoid" | "softplus" | "gelu" | "silu" | "identity" | ((x: AnyTensor) => AnyTensor);

/**
 * The activations after the hidden layers of an MLP with these sizes: one per layer but the last
 * (`[1, 64, 64, 1]` has two), or a plain list when the sizes' length is not known.
 */
export type HiddenActivations<Sizes extends readonly number[], Acc extends Activation[] = []> = number extends Sizes["length"]
  ? readonly Activation[]
  : Sizes extends readonly [number, number, ...infer R extends readonly number[]]
    ? R extends readonly []
      ? Readonly<Acc>
      : HiddenActivations<[number, ...R], [...Acc, Activation]>
    : Readonly<Acc>;

// the activations are applied to float tensors the layers produced
const untyped = (f: unknown) => f as (x: AnyTensor) => AnyTensor;

function activationFn(a: Activation): (x: AnyTensor) => AnyTensor {
  if (typeof a === "function") return a;
  switch (a) {
    case "tanh":
      return untyped(tanh);
    case "relu":
      return untyped(relu);
    case "sigmoid":
      return untyped(sigmoid);
    case "softplus":
      return untyped(softplus);
    case "gelu":
      return untyped(gelu);
    case "silu":
      return untyped(silu);
    case "identity":
      return (x) => x;
  }
  throw new Error(`mlp: unknown activation ${JSON.stringify(a)}`);
}

/** The activation after each of n layers: hidden ones from `activation` (one or a list), then `output`. */
function activationsFor(n: number, activation: Activation | readonly Activation[], output: Activation): ((x: AnyTensor) => AnyTensor)[] {
  if (Array.isArray(activation) && activation.length !== n - 1) {
    throw new Error(`mlp: ${activation.length} activations for ${n - 1} hidden layers`);
  }
  const hidden = Array.isArray(activation) ? (activation as readonly Activation[]) : new Array<Activation>(n - 1).fill(activation as Activation);
  return [...hidden, output].map(activationFn);
}

/**
 * Applies a stack of dense layers to x (any batch dims, features last), with `activation` after
 * every layer but the last (one activation, or a list of one per hidden layer), and
 * `outputActivation` (default "identity") after the last.
 */
export function applyLayers<const L extends readonly Dense[], S extends Shape>(
  layers: Check<ChainCheck<L>, L>,
  x: Check<InputCheck<L, S>, Tensor<S>>,
  activation: Activation | readonly Activation[] = "tanh",
  outputActivation: Activation = "identity",
): Tensor<[...Init<S>, OutOf<Last<L>>]> {
  const ls = layers as readonly Dense[];
  if (!Array.isArray(ls) || ls.length === 0) shapeError("mlp: needs at least one layer");
  const acts = activationsFor(ls.length, activation, outputActivation);
  let h = x as AnyTensor;
  ls.forEach((layer, i) => {
    const [fanIn] = layer.w.shape;
    if (h.shape[h.shape.length - 1] !== fanIn) {
      shapeError(i === 0 ? mlpInputMsg(h.shape, fanIn) : mlpChainMsg(i - 1, h.shape[h.shape.length - 1], fanIn));
    }
    h = acts[i]!(add(matmul(h, layer.w as AnyTensor), layer.b as AnyTensor) as AnyTensor);
  });
  return h as Tensor<[...Init<S>, OutOf<Last<L>>]>;
}

export interface MLPOptions<Sizes extends readonly number[]> {
  /** after each hidden layer: one activation for all (default "tanh"), or a list of one per hidden layer */
  readonly activation?: Activation | HiddenActivations<Sizes>;
  /** after the last layer (default "identity") */
  readonly outputActivation?: Activation;
  /** the weights' initialiser (default glorotUniform); biases start at zero */
  readonly init?: Initializer;
}

/** MLPApply's call signature alone (what nn.withTypeFn takes). */
export interface MLPCall<Sizes extends readonly number[]> {
  /** The network on x: `Tensor<[...batch, in]>` -> `Tensor<[...batch, out]>`. */
  <S extends Shape>(params: Layers<Sizes>, x: Check<InputCheck<Layers<Sizes>, S>, Tensor<S>>): Tensor<[...Init<S>, LastSize<Sizes>]>;
}
/** mlp's apply, carrying its type-level twin so that `vmap(m.apply, { inAxes: [null, 0] })` keeps the shapes. */
export interface MLPApply<Sizes extends readonly number[]> extends MLPCall<Sizes>, WithTypeFn<MLPApplyFn<Sizes>, MLPCall<Sizes>> {}
/** The twin: apply's result for the actual x (transforms/types.ts's TypeFn). */
export interface MLPApplyFn<Sizes extends readonly number[]> extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, Tensor<infer S, DType>, ...unknown[]] ? Check<InputCheck<Layers<Sizes>, S>, Tensor<[...Init<S>, LastSize<Sizes>]>> : unknown;
}

export interface MLP<Sizes extends readonly number[]> {
  readonly sizes: Sizes;
  /** Fresh parameters: weights from the initialiser, zero biases. */
  init(key: PRNGKey): Layers<Sizes>;
  /** The network on x: `Tensor<[...batch, in]>` -> `Tensor<[...batch, out]>`. */
  readonly apply: MLPApply<Sizes>;
}

/**
 * A multi-layer perceptron with the given layer sizes (input first, output last):
 * `mlp([1, 64, 64, 1], { activation: ["relu", "tanh"], outputActivation: "sigmoid" })`.
 */
export function mlp<const Sizes extends readonly number[]>(sizes: Sizes, opts: MLPOptions<Sizes> = {}): MLP<Sizes> {
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`mlp: sizes must list at least an input and an output size (positive integers), got ${JSON.stringify(sizes)}`);
  }
  const activation = (opts.activation ?? "tanh") as Activation | readonly Activation[];
  const output = opts.outputActivation ?? "identity";
  activationsFor(sizes.length - 1, activation, output);
  const init = opts.init ?? glorotUniform;
  return {
    sizes,
    init(key) {
      const keys = split(key, sizes.length - 1);
      return sizes.slice(1).map((o, i) => dense(keys[i]!, sizes[i]!, o, init)) as unknown as Layers<Sizes>;
    },
    apply: withTypeFn(function (params, x) {
      return applyLayers(params as never, x as never, activation, output) as never;
    }),
  };
}
