/** Types of the transformations (first version: plain signatures; see the transformations issue). */
import type { Argnums } from "./grad.js";
import type { InAxes, OutAxes } from "./vmap.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Shape } from "../shape/core.js";
import type { DType } from "../ir/dtype.js";

export type Fn = (...args: never[]) => unknown;
export interface GradOptions<A extends Argnums> {
  readonly argnums?: A;
}
export interface VmapOptions<I extends InAxes, O extends OutAxes> {
  readonly inAxes?: I;
  readonly outAxes?: O;
}
export interface JacOptions<A extends number> {
  readonly argnums?: A;
}
type Params<F extends Fn> = Parameters<F>;
type Pick<P extends readonly unknown[], A> = A extends number ? P[A] : { [K in keyof A]: A[K] extends number ? P[A[K]] : never };

export type CheckGrad<F extends Fn, _Name extends string> = F;
export type CheckHessian<F extends Fn> = F;
export type GradFn<F extends Fn, A extends Argnums> = (...args: Params<F>) => Pick<Params<F>, A>;
export type ValueAndGradFn<F extends Fn, A extends Argnums> = (...args: Params<F>) => [ReturnType<F>, Pick<Params<F>, A>];
export type VmapFn<F extends Fn, _I extends InAxes, _O extends OutAxes> = (...args: Params<F>) => ReturnType<F>;
export type JacobianFn<F extends Fn, _A extends number> = (...args: Params<F>) => Tensor<Shape, DType>;
export type HessianFn<F extends Fn, _A extends number> = (...args: Params<F>) => Tensor<Shape, DType>;
export type VjpResult<F extends Fn, P extends readonly unknown[]> = [ReturnType<F>, (ct: ReturnType<F>) => P];
export type JvpResult<F extends Fn, _P extends readonly unknown[]> = [ReturnType<F>, ReturnType<F>];
