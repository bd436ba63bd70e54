// Misuse: each line must fail AT THE CALL, with the message after `@ts-expect-error`. The message
// types are also pinned with TypeEqual on the check types, and scripts/check-type-messages.mjs compares the
// compilers' first diagnostic line with the comment text.
import { expectType, type TypeEqual } from "ts-expect";
import { vmap, grad, valueAndGrad, hessian, jacobian, vjp, jvp, makeGraph, sum, mul, add, div, index, type Tensor } from "../../src/index.js";
import type { ShapeError } from "../../src/index.js";
import type { CheckScalar, CheckArgs, CheckArgnums, CheckInAxes, CheckOutAxes, RecipeOf } from "../../src/transforms/types.js";

declare const s: Tensor<[]>;
declare const v2: Tensor<[2]>;
declare const v3: Tensor<[3]>;
declare const m23: Tensor<[2, 3]>;
declare const m43: Tensor<[4, 3]>;
declare const m33: Tensor<[3, 3]>;
declare const i3: Tensor<[3], "int32">;

const F1v = (x: Tensor<[3]>) => div(1, x); // elementwise: returns Tensor<[3]>
const one = (x: Tensor<[3]>) => sum(x, 0, true); // returns Tensor<[1]>
const f = (x: Tensor<[3]>) => sum(x);
const f2 = (x: Tensor<[3]>, y: Tensor<[]>) => sum(mul(x, y));
const row = (x: Tensor<[3]>) => mul(x, 2);

// ---- grad / valueAndGrad / hessian of a non-scalar function
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns Tensor<[3]>; use jacobian(f), or reduce the output with sum/mean
grad(F1v);
expectType<TypeEqual<CheckScalar<typeof F1v, "grad">, ShapeError<"grad: the function must return a scalar Tensor<[]>, but it returns Tensor<[3]>; use jacobian(f), or reduce the output with sum/mean">>>(true);
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns Tensor<[1]>; use jacobian(f), or reduce the output with sum/mean
grad(one);
// @ts-expect-error valueAndGrad: the function must return a scalar Tensor<[]>, but it returns Tensor<[3]>; use jacobian(f), or reduce the output with sum/mean
valueAndGrad(F1v);
// @ts-expect-error hessian: the function must return a scalar Tensor<[]>, but it returns Tensor<[3]>; use jacobian(f), or reduce the output with sum/mean
hessian(F1v);
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns Tensor<[], int32>; use jacobian(f), or reduce the output with sum/mean
grad((x: Tensor<[3], "int32">) => sum(x));
// a vmapped function returns a batch: grad of it is an error (reduce it first)
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns Tensor<[number]>; use jacobian(f), or reduce the output with sum/mean
grad(vmap(f));
// grad of grad of a vector function's gradient: the inner grad returns Tensor<[3]>
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns Tensor<[3]>; use jacobian(f), or reduce the output with sum/mean
grad(grad(f));
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns a pytree; use jacobian(f), or reduce the output with sum/mean
grad((x: Tensor<[3]>) => [sum(x), sum(x)]);

// ---- argnums out of range
// @ts-expect-error grad: argnums 1 is out of range: the function takes 1 argument
grad(f, { argnums: 1 });
expectType<TypeEqual<CheckArgnums<typeof f, 1, "grad">, ShapeError<"grad: argnums 1 is out of range: the function takes 1 argument">>>(true);
// @ts-expect-error grad: argnums 2 is out of range: the function takes 2 arguments
grad(f2, { argnums: [0, 2] });
expectType<TypeEqual<CheckArgnums<typeof f2, readonly [0, 2], "grad">, readonly [0, ShapeError<"grad: argnums 2 is out of range: the function takes 2 arguments">]>>(true);
// @ts-expect-error grad: argnums -1 is out of range: the function takes 2 arguments
grad(f2, { argnums: -1 });
// @ts-expect-error jacobian: argnums 1 is out of range: the function takes 1 argument
jacobian(row, { argnums: 1 });
// @ts-expect-error hessian: argnums 3 is out of range: the function takes 2 arguments
hessian(f2, { argnums: 3 });

// ---- calling a transformed function with the wrong shapes
// @ts-expect-error grad: argument 0 has shape [2], but the function expects [3]
grad(f)(v2);
expectType<TypeEqual<CheckArgs<RecipeOf<ReturnType<typeof grad<typeof f>>>, [Tensor<[2]>]>, [ShapeError<"grad: argument 0 has shape [2], but the function expects [3]">]>>(true);
// @ts-expect-error grad: argument 0 has shape [3] (int32), but the function expects [3]
grad(f)(i3);
// @ts-expect-error grad: the function takes 1 argument, but 2 were given
grad(f)(v3, v3);
// @ts-expect-error jacobian: argument 0 has shape [3, 3], but the function expects [3]
jacobian(row)(m33);

// ---- vmap: inAxes with the wrong count, an axis that does not exist
// @ts-expect-error vmap: inAxes has 2 entries, but the function takes 1 argument
vmap(row, { inAxes: [0, 0] });
expectType<TypeEqual<CheckInAxes<typeof row, readonly [0, 0]>, ShapeError<"vmap: inAxes has 2 entries, but the function takes 1 argument">>>(true);
// @ts-expect-error vmap: inAxes has 1 entry, but the function takes 2 arguments
vmap(f2, { inAxes: [0] });
// @ts-expect-error vmap: inAxes = 2 is out of range: the function takes argument 0 as [3], so the mapped argument has rank 2
vmap(row, { inAxes: 2 });
// @ts-expect-error vmap: inAxes[1] = 1 is out of range: the function takes argument 1 as [], so the mapped argument has rank 1
vmap(f2, { inAxes: [0, 1] });
expectType<TypeEqual<CheckInAxes<typeof f2, readonly [0, 1]>, readonly [0, ShapeError<"vmap: inAxes[1] = 1 is out of range: the function takes argument 1 as [], so the mapped argument has rank 1">]>>(true);
// @ts-expect-error vmap: outAxes 2 is out of range: the function returns [3], so the result has rank 2
vmap(row, { outAxes: 2 });
expectType<TypeEqual<CheckOutAxes<typeof row, 0, 2>, ShapeError<"vmap: outAxes 2 is out of range: the function returns [3], so the result has rank 2">>>(true);
// @ts-expect-error vmap: outAxes -3 is out of range: the function returns [3], so the result has rank 2
vmap(row, { outAxes: -3 });
// at the call, against the actual argument: axis 2 of a [2, 3] tensor
// @ts-expect-error vmap: inAxes = 2 is out of range for argument 0 of shape [2, 3] (rank 2)
vmap((x: Tensor<number[]>) => sum(x), { inAxes: 2 })(m23);
// @ts-expect-error vmap: inAxes = 0 is out of range for argument 0 of shape [] (rank 0)
vmap(vmap(vmap(f)))(m23);

// ---- vmap: mapped sizes differ
// @ts-expect-error vmap: mapped axes have different sizes: argument 0 has size 4 on axis 0 (shape [4, 3]), but argument 1 has size 2 on axis 0 (shape [2, 3])
vmap((a: Tensor<[3]>, b: Tensor<[3]>) => add(a, b))(m43, m23);
expectType<
  TypeEqual<
    CheckArgs<RecipeOf<ReturnType<typeof vmap<(a: Tensor<[3]>, b: Tensor<[3]>) => Tensor<[3]>>>>, [Tensor<[4, 3]>, Tensor<[2, 3]>]>,
    [Tensor<[4, 3]>, ShapeError<"vmap: mapped axes have different sizes: argument 0 has size 4 on axis 0 (shape [4, 3]), but argument 1 has size 2 on axis 0 (shape [2, 3])">]
  >
>(true);
// @ts-expect-error vmap: mapped axes have different sizes: argument 0 has size 2 on axis 0 (shape [2, 3]), but argument 1 has size 3 on axis 1 (shape [2, 3])
vmap((a: Tensor<[3]>, b: Tensor<[2]>) => add(sum(a), sum(b)), { inAxes: [0, 1] })(m23, m23);

// ---- vmap: mapping the wrong axis, so the function gets the wrong shape
// @ts-expect-error vmap: argument 0 has shape [2, 3]; removing axis 1 gives [2], but the function expects [3]
vmap(row, { inAxes: 1 })(m23);
expectType<
  TypeEqual<
    CheckArgs<RecipeOf<ReturnType<typeof vmap<typeof row, 1>>>, [Tensor<[2, 3]>]>,
    [ShapeError<"vmap: argument 0 has shape [2, 3]; removing axis 1 gives [2], but the function expects [3]">]
  >
>(true);
// @ts-expect-error vmap: argument 0 has shape [3, 2]; removing axis 0 gives [2], but the function expects [3]
vmap(grad(f))(m23.transpose());
// nested: both removals are shown, against the shape the user passed
// @ts-expect-error vmap: argument 0 has shape [2, 3]; removing axis 0, then axis 0 gives [], but the function expects [3]
vmap(vmap(grad(f)))(m23);
// @ts-expect-error vmap: argument 1 has shape [2, 3]; removing axis 0 gives [3], but the function expects []
vmap(f2)(m23, m23);

// ---- vjp / jvp / makeGraph check their arguments like a call
// @ts-expect-error vjp: argument 0 has shape [2], but the function expects [3]
vjp(f, v2);
// @ts-expect-error jvp: argument 0 has shape [2], but the function expects [3]
jvp(f, [v2], [v2]);
// @ts-expect-error makeGraph: argument 0 has shape [2], but the function expects [3]
makeGraph(f)(v2);
// @ts-expect-error vmap: argument 0 has shape [2, 2]; removing axis 0 gives [2], but the function expects [3]
vjp(vmap(f), mul(m23.transpose(), m23).reshape([3, 3]).slice([[0, 2], [0, 2]]));

void index;
void s;
