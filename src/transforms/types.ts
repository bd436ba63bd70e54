/**
 * Types of the transformations: recipes and a type-level "apply".
 *
 * Why recipes. TypeScript widens the type parameters of a generic function passed to another
 * generic function, so a vmap typed "returns <B>(x: Tensor<[B, ...S]>) => ..." turns
 * `vmap(vmap(grad(g)))` into `Tensor<[2, number]>`. Instead, a transformed function's type carries
 * its recipe (the base function's type and the stack of transformations above it) in a phantom
 * optional property keyed by a `unique symbol`, and has ONE generic call signature,
 *
 *     <Args extends readonly unknown[]>(...args: CheckArgs<R, Args>) => Out<R, Args>
 *
 * that computes the output from the ACTUAL argument types with `Run<R, Args>`:
 *   - Base<F>:          the args are checked against F's parameters; the output is F's return type
 *                       (for a generic F, TypeScript erases its type parameters to their
 *                       constraints: `<B extends number>(x: Tensor<[B]>) => Tensor<[B]>` returns
 *                       `Tensor<[number]>` here; the call still type-checks), unless F carries a
 *                       type-level twin (TypeFn: nn's layers' `apply`), which computes the output
 *                       from the actual arguments;
 *   - Vmap<In, I, O>:   check the mapped axes (in range, same static size), remove them from every
 *                       leaf of the mapped args, run In, insert the batch dim at O in every leaf;
 *   - Grad<In, A>:      run In (its output must be a float scalar), the result is the type of the
 *                       chosen argument(s), so grads of pytrees keep the pytree's exact type;
 *   - ValueAndGrad:     [output, grad]; Jacobian: Tensor<[...out, ...arg]> (for pytrees, a tree
 *     like the output of trees like the argument); Hessian: Tensor<[...arg, ...arg]> (likewise).
 * Nothing is widened, so every static dim survives any nesting. `Run` returns Ok<T> or an error
 * value; CheckArgs turns an error into a tuple with a ShapeError in the offending position, so the
 * message is the first line of the diagnostic on that argument. The transformations themselves
 * check what they can see at their own call (scalar output, argnums, inAxes) against the
 * function's declared signature (`DeclaredParams`).
 *
 * Every recursion here walks a tuple of arguments or a shape once (tail form), and the recipe nests
 * once per transformation, so depth stays far from TypeScript's limits.
 *
 * Generic dims (a user's `<N extends number>(xs: Tensor<[N, 2]>) => vmap(f)(xs)`): TypeScript
 * also relates these types in a "restrictive" form, with N stripped of its constraint, and a type
 * reference written with a computed argument (`Ok<InsertLeafAxis<...>>`, `Tensor<RemoveAxis<...>>`)
 * is re-evaluated there, where `[N, 2]` is no longer a Shape: the result stays a deferred
 * conditional. So results are computed first (`X<...> extends infer R ? Ok<R> : never`) and only
 * then wrapped, and Leaves tests tensors by a member that has no type parameter in it.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Graph } from "../ir/graph.js";
import type { IsShapeError, Shape, ShapeError, ShowShape } from "../shape/core.js";
import type { AxisInRange, InsertAxis, InsertAxisInRange, NormalizeAxis, RemoveAxis, DimAt } from "../shape/axis.js";
import type { IsNat } from "../shape/arith.js";
import type { DType, FloatDType } from "../ir/dtype.js";

/** Any function a transformation accepts. */
export type Fn = (...args: never[]) => unknown;

/** Argnums accepted by grad / valueAndGrad: one argument or a list. */
export type ArgnumsArg = number | readonly number[];
/** inAxes: one axis (or null) for every argument, or one entry per argument. */
export type InAxesArg = number | null | readonly (number | null)[];
/** outAxes: one axis for every output leaf, or one per output leaf. */
export type OutAxesArg = number | readonly number[];

// ------------------------------------------------------------------------------------ recipes

/** The key of the phantom property that carries a transformed function's recipe. Type only. */
export declare const recipe: unique symbol;

/** A plain function: the bottom of every recipe. */
export interface Base<F> {
  readonly fn: F;
}
/** grad(In, { argnums: A }). */
export interface Grad<In, A> {
  readonly grad: In;
  readonly argnums: A;
}
/** valueAndGrad(In, { argnums: A }). */
export interface ValueAndGrad<In, A> {
  readonly valueAndGrad: In;
  readonly argnums: A;
}
/** grad(In, { argnums: A, hasAux: true }): In returns `[loss, aux]`. */
export interface GradAux<In, A> {
  readonly gradAux: In;
  readonly argnums: A;
}
/** valueAndGrad(In, { argnums: A, hasAux: true }). */
export interface ValueAndGradAux<In, A> {
  readonly valueAndGradAux: In;
  readonly argnums: A;
}
/** jacfwd / jacrev / jacobian(In, { argnums: A }). */
export interface Jacobian<In, A, Name extends string = "jacobian"> {
  readonly jacobian: In;
  readonly argnums: A;
  readonly name: Name;
}
/** hessian(In, { argnums: A }). */
export interface Hessian<In, A> {
  readonly hessian: In;
  readonly argnums: A;
}
/** vmap(In, { inAxes: I, outAxes: O }). */
export interface Vmap<In, I, O> {
  readonly vmap: In;
  readonly inAxes: I;
  readonly outAxes: O;
}

/**
 * A transformed function: its recipe R, and one call signature computing the output from the
 * actual arguments. Hover shows the recipe, e.g. `Transformed<Vmap<Grad<Base<(x: Tensor<[]>) =>
 * ...>, 0>, 0, 0>>`, and a call's result as a plain type such as `Tensor<[2, 2]>`.
 */
export interface Transformed<R> {
  readonly [recipe]?: R;
  <const Args extends readonly unknown[]>(...args: CheckArgs<R, Args>): Out<R, Args>;
  /**
   * Not callable (nothing has this argument type): with a construct signature beside the call
   * signature, TypeScript no longer instantiates the generic call signature against a contextual
   * function type (e.g. `vmap(jit(grad(f)))`, where jit's parameter is contextually `Fn`), which
   * would erase the recipe's exact types.
   */
  new (never: typeof recipe): never;
}

// ------------------------------------------------------------------------------------ type-level twins

/** The key of the phantom member by which a generic function carries its type-level twin. Type only. */
export declare const typeFn: unique symbol;
/**
 * A generic function's type-level twin, for the transformations: TypeScript erases a generic
 * function's type parameters when it is passed as a value (`vmap(m.apply)` would see `apply<S>` with
 * S at its constraint), so a function that wants its exact result seen carries a `this`-typed
 * interface whose `out` is computed from `this["args"]`, the actual argument types (as the
 * transformation sees them: for vmap, the per-example leaves). `out` is the result, or
 * `ShapeError<M>` for arguments the function refuses (blamed on argument 1, the x of a layer's
 * `apply(params, x)`), or `TypeFnFail<I, M>` (blamed on argument I), or `unknown` to fall back on
 * the declared result. The arguments are first checked against the declared (erased) parameters,
 * so the twin sees arguments that fit those.
 */
export interface TypeFn {
  readonly args: unknown;
  readonly out: unknown;
}
/** A twin's refusal of argument I with message M. */
export interface TypeFnFail<I extends number, M extends string> {
  readonly at: I;
  readonly msg: M;
}
/** The key of the phantom member naming a function's plain call signature (withTypeFn's parameter). Type only. */
export declare const typeFnCall: unique symbol;
/**
 * What a generic function's type extends to carry its twin M (nn's layers' `apply`); C is its call
 * signature alone (what nn.withTypeFn takes: a function expression has no construct signature).
 */
export interface WithTypeFn<M extends TypeFn, C = unknown> {
  readonly [typeFn]?: M;
  readonly [typeFnCall]?: C;
  /**
   * Not callable (nothing has this argument type), as Transformed's: keeps TypeScript from
   * instantiating the generic call signature against a contextual function type
   * (`vmap(jit(m.apply))`), which would drop the twin.
   */
  new (never: typeof typeFn): never;
}
/**
 * The declared parameters of a function with a twin, with those that are a ShapeError at the erased
 * constraint (embed's ids: `IntIndices<DType>`) left to the twin.
 */
type TwinParams<P extends readonly unknown[]> = { [K in keyof P]: IsShapeError<P[K]> extends true ? unknown : P[K] };
/** Ok<twin's result> for F carrying a twin (or a Fail), else Ok<O> (F's declared result). */
type TwinOut<F, Args extends readonly unknown[], O> = typeof typeFn extends keyof F
  ? Exclude<F[typeof typeFn], undefined> extends infer T extends TypeFn
    ? (T & { readonly args: Args })["out"] extends infer Y
      ? [unknown] extends [Y]
        ? Ok<O>
        : [Y] extends [ShapeError<infer M>]
          ? Fail<1, M>
          : [Y] extends [TypeFnFail<infer I, infer M>]
            ? Fail<I, M>
            : Ok<Y>
      : never
    : Ok<O>
  : Ok<O>;

/** The recipe of a function: the one it carries (transformed, also through jit), else Base<F>. */
export type RecipeOf<F> = typeof recipe extends keyof F ? Exclude<F[typeof recipe], undefined> : Base<F>;

// ------------------------------------------------------------------------------------ results

/** Success of Run. */
interface Ok<T> {
  readonly ok: T;
}
/** A failure with a finished message, blamed on argument I. */
interface Fail<I extends number, M extends string> {
  readonly at: I;
  readonly msg: M;
}
/**
 * Argument I does not fit the base function's parameter. Each vmap on the way up prepends the
 * axis it removed and replaces Outer by its own argument, so the message can name the shape the
 * user passed. Rendered by the outermost layer.
 */
interface Mismatch<I extends number, Outer, Inner, Want, Axes extends readonly number[], Path extends readonly PropertyKey[] = []> {
  readonly at: I;
  readonly path: Path;
  readonly outer: Outer;
  readonly inner: Inner;
  readonly want: Want;
  readonly axes: Axes;
}

/** A failure whose message the outermost layer prefixes with its name. */
interface Unnamed<I extends number, M extends string> {
  readonly at: I;
  readonly unnamed: M;
}

/** The name a recipe's messages start with. */
type NameOf<R, Default extends string = "call"> =
  R extends Grad<unknown, unknown> | GradAux<unknown, unknown>
    ? "grad"
    : R extends ValueAndGrad<unknown, unknown> | ValueAndGradAux<unknown, unknown>
      ? "valueAndGrad"
      : R extends Jacobian<unknown, unknown, infer N>
        ? N
        : R extends Hessian<unknown, unknown>
          ? "hessian"
          : R extends Vmap<unknown, unknown, unknown>
            ? "vmap"
            : Default;

/**
 * The rest-parameter type of a transformed function: Args when Run succeeds, else Args with a
 * ShapeError carrying the message in the offending position. Arrays of unknown length pass
 * unchanged (that is what makes a transformed function assignable to `Fn`).
 */
export type CheckArgs<R, Args extends readonly unknown[], Name extends string = NameOf<R>> = number extends Args["length"]
  ? Args
  : ErrorArgs<Run<R, Args>, Args, NameOf<R, Name>>;

/**
 * An argument with every tuple made mutable, to compare with a parameter: the call signature
 * infers its arguments `const` (so an inline `[w, M]` is a tuple, not `(Tensor<[3]> | Tensor<[3,
 * 3]>)[]`), and a readonly tuple would not fit a parameter typed `[Tensor<[3]>, Tensor<[3, 3]>]`.
 * Objects without tuples inside and tensors are kept as they are (a readonly property fits a
 * mutable one).
 */
type Plain<T> = T extends TensorMark
  ? T
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Plain<T[K]> }
    : T extends object
      ? true extends HasTuple<T[keyof T]>
        ? { [K in keyof T]: Plain<T[K]> }
        : T
      : T;
/** True when a tuple or array is among T's values, at any depth (tensors aside). */
type HasTuple<T> = T extends TensorMark ? false : T extends readonly unknown[] ? true : T extends object ? HasTuple<T[keyof T]> : false;

type ErrorArgs<Res, Args extends readonly unknown[], Name extends string> =
  Res extends Fail<infer I, infer M>
    ? SetAt<Args, I, ShapeError<M>>
    : Res extends Unnamed<infer I, infer M>
      ? SetAt<Args, I, ShapeError<`${Name}: ${M}`>>
    : Res extends Mismatch<infer I, infer Outer, infer Inner, infer Want, infer Axes, infer Path>
      ? SetAt<Args, I, ShapeError<RenderMismatch<Name, `${I}${ShowPath<Path>}`, AtPath<Outer, Path>, AtPath<Inner, Path>, AtPath<Want, Path>, Axes>>>
      : Args;

/** The output of a transformed function for these arguments (`never` when they are wrong). */
export type Out<R, Args extends readonly unknown[]> = number extends Args["length"]
  ? unknown
  : Run<R, Args> extends Ok<infer O>
    ? O
    : never;

/** Args with the element at I replaced by E (appended when I is past the end). */
type SetAt<Args extends readonly unknown[], I extends number, E, Acc extends unknown[] = []> = Acc["length"] extends I
  ? Args extends readonly [unknown, ...infer T]
    ? [...Acc, E, ...T]
    : [...Acc, E]
  : Args extends readonly [infer H, ...infer T]
    ? SetAt<T, I, E, [...Acc, H]>
    : [...Acc, E];

// ------------------------------------------------------------------------------------ text

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;
type ShowDType<D> = [D] extends ["float32"] ? "" : true extends IsUnion<D> ? ", DType" : `, ${D & string}`;
/** `Tensor<[3]>`, `Tensor<[2], int32>`; other values: "a pytree" or "a non-tensor value". */
export type ShowValue<T> = [T] extends [Tensor<infer S, infer D>]
  ? `Tensor<${ShowShape<S>}${ShowDType<D>}>`
  : [T] extends ["missing"]
    ? "nothing (a missing key)"
    : T extends object
    ? "a pytree"
    : "a non-tensor value";
export type ShowShapeOf<T> = [T] extends [Tensor<infer S, infer D>] ? `${ShowShape<S>}${ShowDTypeSuffix<D>}` : ShowValue<T>;
type ShowDTypeSuffix<D> = [D] extends ["float32"] ? "" : true extends IsUnion<D> ? "" : ` (${D & string})`;
type ShowAxes<A extends readonly number[], Acc extends string = ""> = A extends readonly [
  infer H extends number,
  ...infer T extends readonly number[],
]
  ? ShowAxes<T, Acc extends "" ? `axis ${H}` : `${Acc}, then axis ${H}`>
  : Acc;
type Plural<N extends number, W extends string, Ws extends string = `${W}s`> = N extends 1 ? `${N} ${W}` : `${N} ${Ws}`;

/**
 * Where a pytree argument first differs from the parameter: [] when the whole value differs (or
 * for a tensor), else the keys down to the offending leaf.
 */
export type LeafPath<Got, Want, Path extends readonly PropertyKey[] = []> = [Got] extends [Tensor<infer _S, infer _D>]
  ? Path
  : [Want] extends [Tensor<infer _S, infer _D>]
    ? Path
    : Want extends readonly unknown[]
      ? Got extends readonly unknown[]
        ? TuplePath<Got, Want, Path>
        : Path
      : Want extends object
        ? Got extends object
          ? OneOf<{ [K in keyof Want]: K extends keyof Got ? ([Got[K]] extends [Want[K]] ? never : LeafPath<Got[K], Want[K], [...Path, K]>) : [...Path, K] }[keyof Want]> extends infer R extends readonly PropertyKey[]
            ? [R] extends [never]
              ? Path
              : R
            : Path
          : Path
        : Path;
type TuplePath<Got extends readonly unknown[], Want extends readonly unknown[], Path extends readonly PropertyKey[], Acc extends unknown[] = []> = Want extends readonly [
  infer W,
  ...infer WT,
]
  ? [Got[Acc["length"]]] extends [W]
    ? TuplePath<Got, WT, Path, [...Acc, W]>
    : LeafPath<Got[Acc["length"]], W, [...Path, Acc["length"]]>
  : Path;
/** One member of a union (the last one TypeScript lists). */
type OneOf<U> = (U extends unknown ? (x: () => U) => void : never) extends (x: infer I) => void ? (I extends () => infer L ? L : never) : never;
export type AtPath<T, Path extends readonly PropertyKey[]> = Path extends readonly [infer K, ...infer R extends readonly PropertyKey[]]
  ? T extends readonly unknown[]
    ? K extends keyof T ? AtPath<T[K], R> : "missing"
    : K extends keyof T ? AtPath<T[K], R> : "missing"
  : T;
export type ShowPath<Path extends readonly PropertyKey[], Acc extends string = ""> = Path extends readonly [infer K, ...infer R extends readonly PropertyKey[]]
  ? ShowPath<R, K extends number ? `${Acc}[${K}]` : `${Acc}.${K & string}`>
  : Acc;

type RenderMismatch<Name extends string, I extends string, Outer, Inner, Want, Axes extends readonly number[]> = Axes extends readonly []
  ? `${Name}: argument ${I} has shape ${ShowShapeOf<Inner>}, but the function expects ${ShowShapeOf<Want>}`
  : `vmap: argument ${I} has shape ${ShowShapeOf<Outer>}; removing ${ShowAxes<Axes>} gives ${ShowShapeOf<Inner>}, but the function expects ${ShowShapeOf<Want>}`;

/** The scalar-output message of grad, valueAndGrad and hessian. */
export type ScalarMessage<Name extends string, O> =
  `${Name}: the function must return a scalar Tensor<[]>, but it returns ${ShowValue<O>}; use jacobian(f), or reduce the output with sum/mean`;

// ------------------------------------------------------------------------------------ Run

/** Ok<output> or an error value, for recipe R applied to argument types Args (a tuple). */
export type Run<R, Args extends readonly unknown[]> =
  R extends Base<infer F>
    ? RunBase<F, Args>
    : R extends Vmap<infer In, infer I, infer O>
      ? RunVmap<In, Args, I, O>
      : R extends Grad<infer In, infer A>
        ? RunGrad<Run<In, Args>, Args, A, "grad">
        : R extends ValueAndGrad<infer In, infer A>
          ? RunGrad<Run<In, Args>, Args, A, "valueAndGrad">
          : R extends Jacobian<infer In, infer A, infer N>
            ? RunJac<Run<In, Args>, Args, A, N>
            : R extends Hessian<infer In, infer A>
              ? RunHess<Run<In, Args>, Args, A>
              : R extends GradAux<infer In, infer A>
                ? RunGradAux<Run<In, Args>, Args, A, "grad">
                : R extends ValueAndGradAux<infer In, infer A>
                  ? RunGradAux<Run<In, Args>, Args, A, "valueAndGrad">
                  : Fail<0, "shapegrad: unknown recipe">;

// ---- the base function

type RunBase<F, Args extends readonly unknown[]> = F extends (...args: infer P) => infer O
  ? BaseCheck<typeof typeFn extends keyof F ? TwinParams<P> : P, Args> extends infer E
    ? [E] extends [never]
      ? TwinOut<F, Args, O>
      : E
    : never
  : Fail<0, "shapegrad: not a function">;

/** never when Args fit P, else the first Mismatch or an arity error. */
type BaseCheck<P extends readonly unknown[], Args extends readonly unknown[], N extends number = Args["length"], Acc extends unknown[] = []> = Args extends readonly [
  infer H,
  ...infer T,
]
  ? Acc["length"] extends MaxArity<P>
    ? Unnamed<Acc["length"], `the function takes ${Plural<MaxArity<P>, "argument">}, but ${N} were given`>
    : Fits<Plain<H>, P[Acc["length"]]> extends true
      ? BaseCheck<P, T, N, [...Acc, H]>
      : Mismatch<Acc["length"], H, H, Exclude<P[Acc["length"]], undefined>, [], LeafPath<Plain<H>, Exclude<P[Acc["length"]], undefined>>>
  : Acc["length"] extends MinArity<P> | MaxArity<P>
    ? never
    : number extends MaxArity<P>
      ? never
      : Unnamed<Acc["length"], `the function takes ${Plural<MinArity<P>, "argument">}, but ${Plural<N, "was", "were">} given`>;

/**
 * H fits the parameter type P. Written `[H] extends [infer X extends P]` rather than `[H] extends
 * [P]` so that it also resolves for a generic H (a user's `Tensor<[N, 2]>` inside generic code):
 * TypeScript decides a conditional on a generic type only when both sides instantiate alike, and
 * here X is inferred from H (when H is assignable to P, judged with N's constraint).
 */
type Fits<H, P> = [H] extends [infer X extends P] ? ([H] extends [X] ? true : false) : false;

type MaxArity<P extends readonly unknown[]> = number extends P["length"] ? -1 : Required<P>["length"];
type MinArity<P extends readonly unknown[], Acc extends unknown[] = []> = P extends readonly [infer H, ...infer T]
  ? MinArity<T, [...Acc, H]>
  : Acc["length"];

// ---- grad, valueAndGrad, jacobian, hessian

/** A float scalar output (or one whose rank / dtype is only known at run time). */
type IsScalarOut<O> = [O] extends [Tensor<infer S, infer D>]
  ? number extends S["length"]
    ? DTypeOk<D>
    : S["length"] extends 0
      ? DTypeOk<D>
      : false
  : false;
type DTypeOk<D> = [D] extends [FloatDType] ? true : [DType] extends [D] ? true : false;

/** The chosen argument(s): Args[A], or a tuple for a list of argnums. */
export type PickArgs<Args extends readonly unknown[], A> = A extends number
  ? Args[A]
  : { -readonly [K in keyof A]: A[K] extends number ? Args[A[K]] : never };

/** never when every argnum indexes Args, else a Fail. */
type ArgnumsCheck<Args extends readonly unknown[], A, Name extends string> = A extends number
  ? ArgnumOk<A, Args["length"]> extends true
    ? never
    : Fail<LastIndex<Args>, `${Name}: argnums ${A} is out of range for a call with ${Plural<Args["length"], "argument">}`>
  : A extends readonly [infer H extends number, ...infer T]
    ? ArgnumOk<H, Args["length"]> extends true
      ? ArgnumsCheck<Args, T, Name>
      : Fail<LastIndex<Args>, `${Name}: argnums ${H} is out of range for a call with ${Plural<Args["length"], "argument">}`>
    : never;
type ArgnumOk<A extends number, N extends number> = number extends A
  ? true
  : IsNat<A> extends true
    ? number extends N
      ? true
      : [NormalizeAxis<A, N>] extends [never]
        ? false
        : true
    : false;
type LastIndex<Args extends readonly unknown[]> = Args extends readonly [unknown, ...infer T] ? T["length"] : 0;

/** The message for differentiating with respect to a non-float leaf (src/tensor/messages.ts's diffDTypeMsg). */
export type DiffDTypeMessage<Name extends string, At extends string, D extends string> =
  `${Name}: argument ${At} has dtype ${D}; ${Name} requires float inputs (convert it with astype, or leave it out of argnums)`;
/** The message for differentiating with respect to an argument that holds no tensor (diffNoTensorMsg). */
export type DiffNoTensorMessage<Name extends string, At extends number> =
  `${Name}: argument ${At} holds no tensor to differentiate with respect to; pass a float tensor (e.g. tensor(3) for a number)`;
/** [path, dtype] of the first leaf of T whose dtype is not float, or never. */
type NonFloatLeaf<T, Path extends readonly PropertyKey[] = []> = T extends TensorMark
  ? T extends { readonly dtype: infer D }
    ? { d: D } extends { d: infer _ extends FloatDType } // compared inside objects: also resolves for a generic D extends FloatDType
      ? never
      : [DType] extends [D]
        ? never
        : [Path, D]
    : never
  : T extends readonly unknown[]
    ? NonFloatInTuple<T, Path>
    : T extends object
      ? OneOf<{ [K in keyof T]: NonFloatLeaf<T[K], [...Path, K]> }[keyof T]>
      : never;
type NonFloatInTuple<T extends readonly unknown[], Path extends readonly PropertyKey[], Acc extends unknown[] = []> = number extends T["length"]
  ? NonFloatLeaf<T[number], [...Path, number]>
  : T extends readonly [infer H, ...infer R]
    ? [NonFloatLeaf<H, [...Path, Acc["length"]]>] extends [never]
      ? NonFloatInTuple<R, Path, [...Acc, H]>
      : NonFloatLeaf<H, [...Path, Acc["length"]]>
    : never;
/** never when argument I of Args holds tensors, all float; else a Fail naming it (and the leaf). */
type DiffArgCheck<Args extends readonly unknown[], I extends number, Name extends string> = [Leaves<Args[I]>] extends [never]
  ? Fail<I, DiffNoTensorMessage<Name, I>>
  : NonFloatLeaf<Args[I]> extends infer L
    ? [L] extends [never]
      ? never
      : L extends [infer P extends readonly PropertyKey[], infer D extends string]
        ? Fail<I, DiffDTypeMessage<Name, `${I}${ShowPath<P>}`, D>>
        : never
    : never;
/** DiffArgCheck for every argnum (A a number or a list). */
type DiffCheck<Args extends readonly unknown[], A, Name extends string> = A extends number
  ? DiffArgCheck<Args, NormArgnum<A, Args["length"]>, Name>
  : A extends readonly [infer H extends number, ...infer T]
    ? [DiffArgCheck<Args, NormArgnum<H, Args["length"]>, Name>] extends [never]
      ? DiffCheck<Args, T, Name>
      : DiffArgCheck<Args, NormArgnum<H, Args["length"]>, Name>
    : never;
type NormArgnum<A extends number, N extends number> = number extends A | N ? A : NormalizeAxis<A, N> extends infer X extends number ? ([X] extends [never] ? A : X) : A;

type RunGrad<Res, Args extends readonly unknown[], A, Name extends string> =
  Res extends Ok<infer O>
    ? IsScalarOut<O> extends true
      ? InputsCheck<Args, A, Name> extends infer E
        ? [E] extends [never]
          ? PickArgs<Args, A> extends infer G
            ? Ok<Name extends "valueAndGrad" ? [O, G] : G>
            : never
          : E
        : never
      : Fail<0, ScalarMessage<Name, O>>
    : Res;
/** The argnums' range error, else the error of an argument that cannot be differentiated, else never. */
type InputsCheck<Args extends readonly unknown[], A, Name extends string> = ArgnumsCheck<Args, A, Name> extends infer E
  ? [E] extends [never]
    ? DiffCheck<Args, A, Name>
    : E
  : never;

/** grad / valueAndGrad with hasAux: O must be `[loss, aux]` with a float scalar loss. */
type RunGradAux<Res, Args extends readonly unknown[], A, Name extends string> =
  Res extends Ok<infer O>
    ? [O] extends [readonly [infer L, infer X]]
      ? IsScalarOut<L> extends true
        ? InputsCheck<Args, A, Name> extends infer E
          ? [E] extends [never]
            ? PickArgs<Args, A> extends infer G
              ? Ok<Name extends "valueAndGrad" ? [[L, X], G] : [G, X]>
              : never
            : E
          : never
        : Fail<0, AuxScalarMessage<Name, L>>
      : Fail<0, AuxPairMessage<Name, "loss", O>>
    : Res;

/** The message when a function with hasAux does not return a pair. */
export type AuxPairMessage<Name extends string, What extends string, O> =
  `${Name}: with hasAux the function must return a pair [${What}, aux], but it returns ${[O] extends [readonly unknown[]] ? (number extends O["length"] ? "an array of unknown length (return [loss, aux] as const)" : `an array of ${O["length"]}`) : ShowValue<O>}`;
/** The message when the loss of a function with hasAux is not a float scalar. */
export type AuxScalarMessage<Name extends string, L> =
  `${Name}: with hasAux the loss (the first element of [loss, aux]) must be a scalar Tensor<[]>, but it is ${ShowValue<L>}; reduce it with sum/mean`;

/** [...a, ...b], or `number[]` when either rank is unknown. */
type Concat2<A extends Shape, B extends Shape> = number extends A["length"] ? number[] : number extends B["length"] ? number[] : [...A, ...B];

type RunJac<Res, Args extends readonly unknown[], A, Name extends string> =
  Res extends Ok<infer O>
    ? InputsCheck<Args, A, Name> extends infer E
      ? [E] extends [never]
        ? [Leaves<O>] extends [never]
          ? Fail<0, `${Name}: the function's output holds no tensor, it returns ${ShowValue<O>}`>
          : Ok<JacTree<O, Args[A & number]>>
        : E
      : never
    : Res;

type RunHess<Res, Args extends readonly unknown[], A> =
  Res extends Ok<infer O>
    ? IsScalarOut<O> extends true
      ? InputsCheck<Args, A, "hessian"> extends infer E
        ? [E] extends [never]
          ? Ok<JacTree<Args[A & number], Args[A & number]>>
          : E
        : never
      : Fail<0, ScalarMessage<"hessian", O>>
    : Res;

/**
 * The Jacobian of an output O with respect to an input X, as JAX builds it: a tree like O whose
 * tensor leaves (shape OS) are trees like X whose tensor leaves (shape IS) are Tensor<[...OS, ...IS]>
 * with the output leaf's dtype (a plain tensor when both are tensors). Other leaves stay as they are.
 */
type JacTree<O, X> = [O] extends [Tensor<infer OS, infer D>] ? JacIn<OS, D, X> : O extends object ? { [K in keyof O]: JacTree<O[K], X> } : O;
type JacIn<OS extends Shape, D extends DType, X> = [X] extends [Tensor<infer IS, DType>]
  ? Tensor<Concat2<OS, IS>, D>
  : X extends object
    ? { [K in keyof X]: JacIn<OS, D, X[K]> }
    : X;

// ---- vmap

/**
 * The leaves (tensors) of a pytree, as a union. The tensor test is a member every Tensor has
 * whatever its shape and dtype (`_trace`), not `Tensor<infer S, infer D>` or `Tensor<Shape, DType>`:
 * TypeScript also evaluates these types with a user's type parameters stripped of their
 * constraints (its "restrictive" instantiation, in generic code), where `Tensor<[N, 2]>` no longer
 * matches `infer S extends Shape` and the check defers (vmap's recipe stops resolving,
 * types/transforms/generic.test.ts) or the walk descends into the Tensor class's own members
 * until TS2589. It only decides which leaves to inspect and never reaches a result type.
 */
type Leaves<T> = T extends TensorMark ? T : T extends readonly unknown[] ? Leaves<T[number]> : T extends object ? Leaves<T[keyof T]> : never;
/** What every Tensor has whatever its shape and dtype (no type parameter in it, so nothing defers). */
type TensorMark = Pick<Tensor, "_trace">;

/** Every leaf with axis A removed. */
export type RemoveLeafAxis<T, A extends number> =
  T extends Tensor<infer S, infer D>
    ? RemoveAxis<S, A> extends infer R extends Shape
      ? Tensor<R, D>
      : never
    : T extends object
      ? { [K in keyof T]: RemoveLeafAxis<T[K], A> }
      : T;
/** Every leaf with dim B inserted at A. */
export type InsertLeafAxis<T, A extends number, B extends number> =
  T extends Tensor<infer S, infer D>
    ? InsertAxis<S, A, B> extends infer R extends Shape
      ? Tensor<R, D>
      : never
    : T extends object
      ? { [K in keyof T]: InsertLeafAxis<T[K], A, B> }
      : T;

/** The dim(s) on axis A of the leaves of T (a union when a pytree's leaves differ). */
type LeafDims<L, A extends number> = L extends Tensor<infer S, DType> ? DimAt<S, A> : never;
/** The leaves of T on which axis A is out of range. */
type BadLeaves<L, A extends number> = L extends Tensor<infer S, DType> ? (AxisInRange<S, A> extends true ? never : L) : never;

/** One entry of inAxes per argument. */
type AxesPerArg<I, Args extends readonly unknown[]> = I extends readonly unknown[] ? I : { [K in keyof Args]: I };

/** The inAxes entry, as the message shows it. */
type AxisName<I, K extends number> = I extends readonly unknown[] ? `inAxes[${K}]` : "inAxes";

type Unset = { readonly unset: true };
interface SizeFrom<N extends number, Arg extends number, Ax extends number> {
  readonly n: N;
  readonly arg: Arg;
  readonly ax: Ax;
}

/**
 * Walks the arguments once: checks every mapped axis, finds the batch size (the first static
 * size; `number` when all are dynamic) and builds the inner arguments.
 */
type VmapScan<
  Args extends readonly unknown[],
  Axes extends readonly unknown[],
  I,
  Size,
  Inner extends unknown[] = [],
> = Args extends readonly [infer H, ...infer Rest]
  ? ScanArg<H, Axes[Inner["length"]], Inner["length"], I, Size> extends infer Step
    ? Step extends { readonly size: infer S2; readonly arg: infer X }
      ? VmapScan<Rest, Axes, I, S2, [...Inner, X]>
      : Step
    : never
  : Size extends SizeFrom<infer N, number, number>
    ? { readonly size: N; readonly inner: Inner }
    : Fail<0, "vmap: no argument is mapped (every inAxes entry is null)">;

type MkStep<S, A> = S extends Fail<number, string> | SizesDiffer<number, string> ? S : { readonly size: S; readonly arg: A };
type ScanArg<T, Ax, K extends number, I, Size> = Ax extends number
  ? [BadLeaves<Leaves<T>, Ax>] extends [never]
    ? [Leaves<T>] extends [never]
      ? Fail<K, `vmap: ${AxisName<I, K>} = ${Ax} maps argument ${K}, which holds no tensor`>
      : MkStep<MergeSize<Size, LeafDims<Leaves<T>, Ax>, K, Ax, T>, RemoveLeafAxis<T, Ax>>
    : Fail<K, OutOfRange<AxisName<I, K>, Ax, K, T, BadLeaves<Leaves<T>, Ax>>>
  : { readonly size: Size; readonly arg: T };

type OutOfRange<Name extends string, Ax extends number, K extends number, T, Bad> = [T] extends [Tensor<infer S, DType>]
  ? `vmap: ${Name} = ${Ax} is out of range for argument ${K} of shape ${ShowShape<S>} (rank ${S["length"]})`
  : `vmap: ${Name} = ${Ax} is out of range for a leaf of argument ${K} of shape ${Bad extends Tensor<infer S, DType> ? ShowShape<S> : "?"}`;

/**
 * The batch size so far merged with argument K's size N on axis Ax. Written so that it also
 * resolves inside a user's generic code, where N may be a type parameter (`Tensor<[N, 4]>`): no
 * conditional tests N itself (that would defer); the tests compare object types holding N, which
 * TypeScript resolves through N's constraint. Static sizes must agree; a dynamic (`number`) or
 * generic size agrees with anything, and the first static size wins.
 */
type MergeSize<Size, N, K extends number, Ax extends number, T> = [T] extends [Tensor<infer _S, infer _D>]
  ? MergeDim<Size, N & number, K, NormAx<T, Ax>>
  : true extends IsUnion<N>
    ? SizesDiffer<K, `vmap: the leaves of argument ${K} differ in size on axis ${Ax}; if argument ${K} is not batched, give it inAxes null (e.g. inAxes: [null, 0])`>
    : MergeDim<Size, N & number, K, NormAx<T, Ax>>;
type MergeDim<Size, N extends number, K extends number, Ax extends number> = Size extends Unset
  ? SizeFrom<N, K, Ax>
  : Size extends SizeFrom<infer M, infer J, infer JAx>
    ? SameDim<N, M> extends true
      ? Size
      : { n: number } extends { n: N }
        ? Size
        : { n: number } extends { n: M }
          ? SizeFrom<N, K, Ax>
          : { n: N & M } extends { n: never } // two different literals (a generic dim never reduces to never)
            ? SizesDiffer<K, `vmap: mapped axes differ in size: argument ${J} has ${M} on axis ${JAx}, argument ${K} has ${N} on axis ${Ax}`>
            : Size
    : never;
/** N and M are the same dim, also the same generic dim (compared inside objects: a 1-tuple `[N]` of a generic N would defer). */
type SameDim<N, M> = { n: N } extends { n: infer X extends M } ? ({ n: M } extends { n: infer Y extends N } ? ({ n: N; m: M } extends { n: X; m: Y } ? true : false) : false) : false;
type NormAx<T, Ax extends number> = [Leaves<T>] extends [Tensor<infer S, DType>]
  ? NormalizeAxis<Ax, S["length"]> extends infer A extends number
    ? [A] extends [never]
      ? Ax
      : A
    : Ax
  : Ax;

/**
 * False when inAxes is only known at run time: a list of unknown length or an entry typed
 * `number` / `number | null` (`const ax = [null, 0]` is `(number | null)[]`).
 */
type StaticAxes<I> = number extends (I extends readonly unknown[] ? (number extends I["length"] ? number : I[number]) : I) ? false : true;
/** Every leaf's shape made `number[]` (its dtype kept): what vmap gives when inAxes is only known at run time. */
type WidenLeaves<T> = T extends Tensor<infer _S, infer D> ? Tensor<number[], D> : T extends object ? { [K in keyof T]: WidenLeaves<T[K]> } : T;

type RunVmap<In, Args extends readonly unknown[], I, O> = StaticAxes<I> extends false
  ? Ok<WidenLeaves<DeclaredOut<In>>>
  : I extends readonly unknown[]
    ? number extends I["length"]
      ? RunVmap2<In, Args, I, O>
      : I["length"] extends Args["length"]
        ? RunVmap2<In, Args, I, O>
        : Fail<
            LastIndex<Args>,
            `vmap: inAxes has ${Plural<I["length"], "entry", "entries">} but the function is called with ${Plural<Args["length"], "argument">}`
          >
    : RunVmap2<In, Args, I, O>;

type RunVmap2<In, Args extends readonly unknown[], I, O> =
  VmapScan<Args, AxesPerArg<I, Args>, I, Unset> extends infer Scan
    ? Scan extends { readonly size: infer B extends number; readonly inner: infer Inner extends unknown[] }
      ? Lift<Run<In, Inner>, Args, AxesPerArg<I, Args>, B, O>
      : Scan extends SizesDiffer<infer K, infer Short>
        ? Fail<K, SizesText<Args, AxesPerArg<I, Args>> extends infer M extends string ? ([M] extends [never] ? Short : M) : Short>
        : Scan
    : never;

/**
 * Mapped sizes differ, found by the scan at argument K. The message is written afterwards by
 * SizesText, as vmap.ts words it; Short is the fallback where the leaves' order is not known
 * (an array of unknown length).
 */
interface SizesDiffer<K extends number, Short extends string> {
  readonly at: K;
  readonly short: Short;
}

/**
 * The run-time message for mapped sizes that differ (messages.ts's vmapSizesMsg): walks the
 * mapped leaves in vmap.ts's order (arguments, then each one's leaves as flatten orders them:
 * tuples by index, objects by sorted key), takes the first static size and names the first leaf
 * whose static size differs. never when it finds none, or meets a dynamic size before it, or a dynamic dim in a shape it would print (the run time words those from the actual sizes): the caller falls back on the short text.
 * Only evaluated on that failure, so a successful call never sorts keys.
 */
type SizesText<Args extends readonly unknown[], Axes extends readonly unknown[], First = Unset, K extends unknown[] = []> = Args extends readonly [infer H, ...infer R]
  ? Axes[K["length"]] extends infer Ax extends number
    ? SizesInLeaves<LeafList<H>, Ax, K["length"], First> extends infer St
      ? St extends string
        ? St
        : SizesText<R, Axes, St, [...K, H]>
      : never
    : SizesText<R, Axes, First, [...K, H]>
  : never;
interface FirstSize<N extends number, Arg extends number, Text extends string> {
  readonly n: N;
  readonly arg: Arg;
  readonly text: Text;
}
/** The message (a string) when a leaf of L differs from First, else the First after L's leaves. */
type SizesInLeaves<L, Ax extends number, K extends number, First> = L extends readonly [readonly [infer P extends readonly PropertyKey[], infer S extends Shape], ...infer R]
  ? NormalizeAxis<Ax, S["length"]> extends infer A extends number
    ? DimAt<S, A> extends infer N extends number
      ? { n: number } extends { n: N }
        ? never // a dynamic size: the run time may take it first or stop at it, so no leaf text is sure
        : First extends FirstSize<infer M, infer J, infer T>
          ? { n: N & M } extends { n: never } // two different literals (a generic dim never reduces to never)
            ? StaticShape<S> extends true
              ? `vmap: mapped axes have different sizes: ${T}, but ${LeafSizeText<K, P, N, A, S>}${J extends K ? `; if argument ${K} is not batched, give it inAxes null (e.g. inAxes: [null, 0])` : ""}`
              : never
            : SizesInLeaves<R, Ax, K, First>
          : StaticShape<S> extends true
            ? SizesInLeaves<R, Ax, K, FirstSize<N, K, LeafSizeText<K, P, N, A, S>>>
            : never
      : never
    : never
  : L extends readonly [] ? First : never;
/** No dynamic (`number`) dim in S, whose text would differ from the run time's (a generic dim prints as itself). */
type StaticShape<S extends Shape> = { d: number } extends { d: S[number] } ? false : true;
/** messages.ts's vmapLeafSize: `argument 0.b has size 2 on axis 0 (shape [2])`. */
type LeafSizeText<K extends number, P extends readonly PropertyKey[], N extends number, A extends number, S extends Shape> =
  `argument ${K}${ShowPath<P>} has size ${N} on axis ${A} (shape ${ShowShape<S>})`;

/** [path, shape] of every tensor leaf of T in flatten's order (objects by sorted key); never for an array of unknown length. */
type LeafList<T, P extends readonly PropertyKey[] = []> = T extends TensorMark
  ? T extends Tensor<infer S, DType>
    ? [[P, S]]
    : []
  : T extends readonly unknown[]
    ? number extends T["length"]
      ? never
      : TupleLeafList<T, P>
    : T extends object
      ? KeyLeafList<T, SortKeys<`${keyof T & (string | number)}`>, P>
      : [];
type TupleLeafList<T extends readonly unknown[], P extends readonly PropertyKey[], Acc extends unknown[] = [], I extends unknown[] = []> = T extends readonly [infer H, ...infer R]
  ? TupleLeafList<R, P, [...Acc, ...LeafList<H, [...P, I["length"]]>], [...I, H]>
  : Acc;
type KeyLeafList<T, Ks extends readonly string[], P extends readonly PropertyKey[], Acc extends unknown[] = []> = Ks extends readonly [infer K extends string, ...infer R extends readonly string[]]
  ? KeyLeafList<T, R, P, [...Acc, ...LeafList<K extends keyof T ? T[K] : T[KeyOf<T, K>], [...P, K]>]>
  : Acc;

/** The numeric key of T that Object.keys names K ("1" for `{ 1: ... }`). */
type KeyOf<T, K extends string> = { [J in keyof T & number]: `${J}` extends K ? J : never }[keyof T & number];
/**
 * The keys in the order of JS's default sort (UTF-16 code units, as tree.ts's Object.keys().sort()),
 * or never where two keys differ first at two characters both above U+00FF (their order is not
 * worked out here; the caller falls back on the short message).
 */
type SortKeys<U extends string, Acc extends string[] = []> = [U] extends [never]
  ? Acc
  : [MinKey<U>] extends [never]
    ? never
    : SortKeys<Exclude<U, MinKey<U>>, [...Acc, MinKey<U>]>;
/** The key before every other key of U; never when that is not known. */
type MinKey<U extends string> = { [K in U]: false extends (Exclude<U, K> extends infer J extends string ? (J extends unknown ? KeyBefore<K, J> : never) : never) ? never : K }[U];
/** U+0000 to U+00FF in code-unit order: a character past it sorts after every one in it. */
type Latin1 = `${Control}${Ascii}\x7f${Latin1Upper}`;
type Control = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f";
type Ascii = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
type Latin1Upper = "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff";
/** A before B (or equal); false both ways where their first differing characters are both past U+00FF. */
type KeyBefore<A extends string, B extends string> = A extends `${infer a}${infer AR}`
  ? B extends `${infer b}${infer BR}`
    ? a extends b
      ? KeyBefore<AR, BR>
      : Latin1 extends `${string}${a}${string}`
        ? Latin1 extends `${string}${b}${string}`
          ? Latin1 extends `${string}${a}${string}${b}${string}`
            ? true
            : false
          : true
        : false
    : false
  : true;

/** The inner result seen from outside: output with the batch dim inserted, errors re-expressed. */
type Lift<Res, Args extends readonly unknown[], Axes extends readonly unknown[], B extends number, O> =
  Res extends Ok<infer Out>
    ? InsertOut<Out, O, B>
    : Res extends Mismatch<infer K, unknown, infer Inner, infer Want, infer Ax, infer Path>
      ? Axes[K] extends number
        ? Mismatch<K, Args[K], Inner, Want, [NormAx<Args[K], Axes[K]>, ...Ax], Path>
        : Res
      : Res;

type InsertOut<Out, O, B extends number> = O extends number
  ? [BadOutLeaves<Leaves<Out>, O>] extends [never]
    ? InsertLeafAxis<Out, O, B> extends infer X
      ? Ok<X>
      : never
    : Fail<0, `vmap: outAxes ${O} is out of range: the function returns ${BadOutShape<BadOutLeaves<Leaves<Out>, O>>}`>
  : O extends readonly unknown[]
    ? Out extends Tensor<infer _S, infer _D>
      ? O extends readonly [infer O0 extends number]
        ? InsertOut<Out, O0, B>
        : Fail<0, `vmap: outAxes has ${Plural<O["length"], "entry", "entries">} but the function returns 1 tensor`>
      : Out extends readonly unknown[]
        ? O["length"] extends Out["length"]
          ? InsertOutZip<Out, O, B>
          : Fail<0, `vmap: outAxes has ${Plural<O["length"], "entry", "entries">} but the function returns ${Plural<Out["length"], "output">}`>
        : InsertLeafAxis<Out, number, B> extends infer X
          ? Ok<X>
          : never
    : never;
type InsertOutZip<Out extends readonly unknown[], O extends readonly unknown[], B extends number, Acc extends unknown[] = []> = Acc["length"] extends Out["length"]
  ? Ok<Acc>
  : O[Acc["length"]] extends infer A extends number
    ? InsertOut<Out[Acc["length"]], A, B> extends infer R
      ? R extends Ok<infer X>
        ? InsertOutZip<Out, O, B, [...Acc, X]>
        : R
      : never
    : never;
type BadOutLeaves<L, A extends number> = L extends Tensor<infer S, DType> ? (InsertAxisInRange<S, A> extends true ? never : L) : never;
type BadOutShape<L> = [L] extends [Tensor<infer S, DType>] ? `${ShowShape<S>}, so the result has rank ${[...S, 0]["length"]}` : "?";

// ------------------------------------------------------------------------------------ declared signature

/**
 * The parameter types a recipe declares: the base function's parameters, with a dynamic batch dim
 * (`number`) inserted at the mapped axis of every leaf for each vmap. Used to check a transform's
 * own call (grad's scalar output, argnums, inAxes) before any argument is seen.
 */
export type DeclaredParams<R> =
  R extends Base<infer F>
    ? F extends (...args: infer P) => unknown
      ? P
      : never
    : R extends Vmap<infer In, infer I, unknown>
      ? DeclaredVmap<DeclaredParams<In>, I>
      : R extends Grad<infer In, unknown>
        ? DeclaredParams<In>
        : R extends ValueAndGrad<infer In, unknown>
          ? DeclaredParams<In>
          : R extends Jacobian<infer In, unknown, string>
            ? DeclaredParams<In>
            : R extends Hessian<infer In, unknown>
              ? DeclaredParams<In>
              : R extends GradAux<infer In, unknown>
                ? DeclaredParams<In>
                : R extends ValueAndGradAux<infer In, unknown>
                  ? DeclaredParams<In>
                  : never;
type DeclaredVmap<P extends readonly unknown[], I> = {
  [K in keyof P]: (I extends readonly unknown[] ? (K extends keyof I ? I[K] : null) : I) extends infer A extends number
    ? InsertLeafAxis<P[K], A, number>
    : P[K];
};

/** The declared output of a recipe (its output for the declared parameters), or `unknown`. */
export type DeclaredOut<R> = DeclaredParams<R> extends infer P extends readonly unknown[]
  ? number extends P["length"]
    ? R extends Base<infer F>
      ? F extends (...args: never[]) => infer O
        ? O
        : unknown
      : unknown
    : Run<R, P> extends Ok<infer O>
      ? O
      : unknown
  : unknown;

// ------------------------------------------------------------------------------------ checks at the transform's call

/** F when its declared output is a float scalar, else a ShapeError with the message. */
export type CheckScalar<F, Name extends string> = Fn extends F
  ? unknown // F not inferred yet (a contextual type): stay opaque so a generic signature is not instantiated
  : DeclaredOut<RecipeOf<F>> extends infer O ? ([unknown] extends [O] ? F : IsScalarOut<O> extends true ? F : ShapeError<ScalarMessage<Name, O>>) : F;

/**
 * With hasAux: F when its declared output is `[output, aux]` (for grad and valueAndGrad, with a
 * float scalar output), else a ShapeError with the message.
 */
export type CheckAux<F, Name extends string, What extends string = "loss"> = Fn extends F
  ? unknown
  : DeclaredOut<RecipeOf<F>> extends infer O
    ? [unknown] extends [O]
      ? F
      : [O] extends [readonly [infer L, unknown]]
        ? What extends "loss"
          ? IsScalarOut<L> extends true
            ? F
            : ShapeError<AuxScalarMessage<Name, L>>
          : F
        : ShapeError<AuxPairMessage<Name, What, O>>
    : F;
/** grad's and valueAndGrad's check of f: CheckAux with `hasAux: true`, else CheckScalar. */
export type CheckGradFn<F, Name extends string, H> = [H] extends [true] ? CheckAux<F, Name> : CheckScalar<F, Name>;

/** A (when every argnum is below the declared arity), else a ShapeError (per entry for a list). */
export type CheckArgnums<F, A, Name extends string> = DeclaredParams<RecipeOf<F>> extends infer P extends readonly unknown[]
  ? A extends number
    ? ArgnumOk<A, MaxArityOrNumber<P>> extends true
      ? A
      : ShapeError<ArgnumsMessage<Name, A, P>>
    : A extends readonly unknown[]
      ? { [K in keyof A]: A[K] extends number ? (ArgnumOk<A[K], MaxArityOrNumber<P>> extends true ? A[K] : ShapeError<ArgnumsMessage<Name, A[K], P>>) : A[K] }
      : A
  : A;
type MaxArityOrNumber<P extends readonly unknown[]> = number extends P["length"] ? number : Required<P>["length"];
type ArgnumsMessage<Name extends string, A extends number, P extends readonly unknown[]> =
  `${Name}: argnums ${A} is out of range: the function takes ${Plural<MaxArityOrNumber<P>, "argument">}`;

/** jit's staticArgnums: N when every position is below the declared arity, else a ShapeError (per entry for a list). */
export type CheckStaticArgnums<F, N> = DeclaredParams<RecipeOf<F>> extends infer P extends readonly unknown[]
  ? N extends number
    ? StaticArgnum<N, P>
    : N extends readonly unknown[]
      ? { [K in keyof N]: N[K] extends number ? StaticArgnum<N[K], P> : N[K] }
      : N
  : N;
type StaticArgnum<N extends number, P extends readonly unknown[]> =
  ArgnumOk<N, MaxArityOrNumber<P>> extends true ? N : ShapeError<`jit: staticArgnums ${N} is out of range: the function takes ${Plural<MaxArityOrNumber<P>, "argument">}`>;
/** jit's staticArgnames: keys of the options object the function takes last, else a ShapeError. */
export type CheckStaticArgnames<F, K> = DeclaredParams<RecipeOf<F>> extends infer P extends readonly unknown[]
  ? number extends P["length"]
    ? K
    : K extends string
      ? StaticArgname<K, P>
      : K extends readonly unknown[]
        ? { [I in keyof K]: K[I] extends string ? StaticArgname<K[I], P> : K[I] }
        : K
  : K;
type StaticArgname<K extends string, P extends readonly unknown[]> = string extends K
  ? K
  : Required<P> extends readonly [...unknown[], infer L]
    ? K extends keyof Exclude<L, undefined>
      ? K
      : ShowValue<Exclude<L, undefined>> extends "a pytree"
        ? ShapeError<`jit: staticArgnames '${K}' is not a key of the options object the function takes last`>
        : ShapeError<`jit: staticArgnames '${K}' names a key of the options object the function takes last, but its last parameter is ${ShowValue<Exclude<L, undefined>>}`>
    : ShapeError<`jit: staticArgnames '${K}' names a key of the options object the function takes last, but it takes no arguments`>;

/** I when every inAxes entry fits the declared parameters, else a ShapeError (per entry for a list). */
export type CheckInAxes<F, I> = DeclaredParams<RecipeOf<F>> extends infer P extends readonly unknown[]
  ? I extends readonly unknown[]
    ? number extends P["length"]
      ? I
      : number extends I["length"]
        ? I
        : I["length"] extends Required<P>["length"] | MinArity<P>
          ? { [K in keyof I]: K extends keyof P ? CheckInAxis<I[K], P[K], `inAxes[${K & string}]`, K & string> : I[K] }
          : ShapeError<`vmap: inAxes has ${Plural<I["length"], "entry", "entries">}, but the function takes ${Plural<Required<P>["length"], "argument">}`>
    : I extends number
      ? number extends P["length"]
        ? I
        : FirstBadAxis<P, I> extends infer M extends string
          ? [M] extends [never]
            ? I
            : ShapeError<M>
          : I
      : I
  : I;
type CheckInAxis<A, T, Name extends string, K extends string> = A extends number
  ? [T] extends [Tensor<infer S, DType>]
    ? number extends S["length"]
      ? A
      : InsertAxisInRange<S, A> extends true
        ? A
        : ShapeError<InAxisMessage<Name, A, K, S>>
    : A
  : A;
type InAxisMessage<Name extends string, A extends number, K extends string, S extends Shape> =
  `vmap: ${Name} = ${A} is out of range: the function takes argument ${K} as ${ShowShape<S>}, so the mapped argument has rank ${[...S, 0]["length"]}`;
type FirstBadAxis<P extends readonly unknown[], A extends number, Acc extends unknown[] = []> = P extends readonly [infer H, ...infer T]
  ? CheckInAxis<A, H, "inAxes", `${Acc["length"]}`> extends ShapeError<infer M>
    ? M
    : FirstBadAxis<T, A, [...Acc, H]>
  : never;

/** O when outAxes fits the function's declared output, else a ShapeError. */
export type CheckOutAxes<F, I, O> = [O] extends [number] // not distributive: keeps a const O literal
  ? DeclaredOut<RecipeOf<F>> extends infer Out
    ? [unknown] extends [Out]
      ? O
      : [BadOutLeaves<Leaves<Out>, O>] extends [never]
        ? O
        : ShapeError<`vmap: outAxes ${O} is out of range: the function returns ${BadOutShape<BadOutLeaves<Leaves<Out>, O>>}`>
    : O
  : O extends readonly unknown[]
    ? number extends O["length"]
      ? O
      : DeclaredOut<RecipeOf<F>> extends infer Out
        ? OutAxesLength<Out, O>
        : O
    : O;
/** A list of outAxes (one per output) when its length fits the declared output, else the error the call would give. */
type OutAxesLength<Out, O extends readonly unknown[]> = [unknown] extends [Out]
  ? O
  : [Out] extends [TensorMark]
    ? O["length"] extends 1
      ? O
      : ShapeError<`vmap: outAxes has ${Plural<O["length"], "entry", "entries">} but the function returns 1 tensor`>
    : Out extends readonly unknown[]
      ? number extends Out["length"]
        ? O
        : O["length"] extends Out["length"]
          ? O
          : ShapeError<`vmap: outAxes has ${Plural<O["length"], "entry", "entries">} but the function returns ${Plural<Out["length"], "output">}`>
      : O;

// ------------------------------------------------------------------------------------ options and results

export interface GradOptions<A, H extends boolean = false> {
  /** The argument(s) to differentiate with respect to (default 0). */
  readonly argnums?: A;
  /** f returns `[loss, aux]`; aux (any pytree) is returned beside the gradient, not differentiated (a literal). */
  readonly hasAux?: H;
}
export interface JacOptions<A> {
  /** The argument to differentiate with respect to (default 0). */
  readonly argnums?: A;
}
export interface VmapOptions<I, O> {
  /** The mapped axis of every argument (null: not mapped), or one entry per argument (default 0). */
  readonly inAxes?: I;
  /** Where the batch dim goes in every output leaf, or one entry per output leaf (default 0). */
  readonly outAxes?: O;
}

export type GradFn<F, A> = Transformed<Grad<RecipeOf<F>, A>>;
export type ValueAndGradFn<F, A> = Transformed<ValueAndGrad<RecipeOf<F>, A>>;
export type GradAuxFn<F, A> = Transformed<GradAux<RecipeOf<F>, A>>;
export type ValueAndGradAuxFn<F, A> = Transformed<ValueAndGradAux<RecipeOf<F>, A>>;
/** grad's result type: with `hasAux: true` it returns `[grads, aux]`. */
export type GradFnOf<F, A, H> = [H] extends [true] ? GradAuxFn<F, A> : GradFn<F, A>;
/** valueAndGrad's result type: with `hasAux: true` it returns `[[value, aux], grads]`. */
export type ValueAndGradFnOf<F, A, H> = [H] extends [true] ? ValueAndGradAuxFn<F, A> : ValueAndGradFn<F, A>;
export type VmapFn<F, I, O> = Transformed<Vmap<RecipeOf<F>, I, O>>;
export type JacobianFn<F, A, Name extends string = "jacobian"> = Transformed<Jacobian<RecipeOf<F>, A, Name>>;
export type HessianFn<F, A> = Transformed<Hessian<RecipeOf<F>, A>>;

/** vjp's result: the output, and a function from an output cotangent to one cotangent per argument. */
export type VjpResult<F, P extends readonly unknown[]> = [Out<RecipeOf<F>, P>, (ct: Out<RecipeOf<F>, P>) => { -readonly [K in keyof P]: P[K] }];
/** vjpWithAux's result: `[output, vjpFn, aux]` for f returning `[output, aux]`. */
export type VjpAuxResult<F, P extends readonly unknown[]> =
  Out<RecipeOf<F>, P> extends infer O
    ? [O] extends [readonly [infer Y, infer X]]
      ? [Y, (ct: Y) => { -readonly [K in keyof P]: P[K] }, X]
      : never
    : never;
/** jvp's result: the output and its tangent (same type). */
export type JvpResult<F, P extends readonly unknown[]> = [Out<RecipeOf<F>, P>, Out<RecipeOf<F>, P>];
/** makeGraph's result: traces on the given arguments, checked like a call of f. */
export interface GraphFn<F> {
  <Args extends readonly unknown[]>(...args: CheckCall<F, Args, "makeGraph">): Graph;
}

/**
 * The arguments of a call of F (vjp's primals, jvp's primals): checked like a call of the function,
 * except while F is still unresolved (`Fn`): TypeScript checks a first inference pass with F at its
 * constraint when F's argument is itself a generic call (`vjp(vmap(f), x)`), and a failure there
 * would discard the call before F is inferred.
 */
export type CheckCall<F, Args extends readonly unknown[], Name extends string> = Fn extends F ? Args : CheckArgs<RecipeOf<F>, Args, Name>;
