/**
 * Mistakes that JAX reports at run time (or not at all), and the compile errors shapegrad gives
 * for them. Type-checked by the type suite (types/tsconfig.json includes examples/); never run.
 * Each `@ts-expect-error` line quotes the first line of the error the call now shows
 * (scripts/check-type-messages.mjs checks the quotes against both compilers).
 */
import { vmap, grad, hessian, jacobian, diagonal, div, index, square, pow, add, sum, mul, type Tensor } from "../src/index.js";

declare const x: Tensor<[2, 2]>; // the seed case's batch: [[1, 2], [3, 4]]
declare const xs3: Tensor<[3, 2]>;

// The seed functions: F1 acts on one number, F2 on one row of two.
const F1 = (a: Tensor<[]>) => div(1, a);
const F2 = (v: Tensor<[2]>) => add(square(index(v, 0)), pow(index(v, 1), 3));
// F1 written elementwise over a vector (what the seed's author had):
const F1v = (a: Tensor<[2]>) => div(1, a);

// 1. grad of a non-scalar function. JAX: "Gradient only defined for scalar-output functions" at run time.
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns Tensor<[2]>; use jacobian(f), or reduce the output with sum/mean
grad(F1v);
// right: the elementwise derivative is vmap of grad of the scalar function
export const dF1 = vmap(vmap(grad(F1)))(x); // Tensor<[2, 2]>

// 2. grad of a function returning shape [1] (e.g. a sum with keepdims). JAX rejects it at run time.
// @ts-expect-error grad: the function must return a scalar Tensor<[]>, but it returns Tensor<[1]>; use jacobian(f), or reduce the output with sum/mean
grad((v: Tensor<[2]>) => sum(F1v(v), 0, true));
// right: reduce to a true scalar
export const g1 = grad((v: Tensor<[2]>) => sum(F1v(v)))(index(x, 0)); // Tensor<[2]>

// 3. hessian of a vector-valued function.
// @ts-expect-error hessian: the function must return a scalar Tensor<[]>, but it returns Tensor<[2]>; use jacobian(f), or reduce the output with sum/mean
hessian(F1v);

// 4. vmap over an axis that does not exist. JAX: "vmap was requested to map its argument along axis 2, which implies that its rank should be at least 3, but is only 2".
// @ts-expect-error vmap: inAxes = 2 is out of range: the function takes argument 0 as [2], so the mapped argument has rank 2
vmap(F2, { inAxes: 2 });
// ... and at the call, for a function that takes any shape:
// @ts-expect-error vmap: inAxes = 2 is out of range for argument 0 of shape [2, 2] (rank 2)
vmap((v: Tensor<number[]>) => sum(v), { inAxes: 2 })(x);

// 5. mapped inputs whose batch sizes differ. JAX: "vmap got inconsistent sizes for array axes to be mapped".
// @ts-expect-error vmap: mapped axes have different sizes: argument 0 has size 2 on axis 0 (shape [2, 2]), but argument 1 has size 3 on axis 0 (shape [3, 2])
vmap((a: Tensor<[2]>, b: Tensor<[2]>) => add(F2(a), F2(b)))(x, xs3);

// 6. mapping the wrong axis, so the function gets the wrong shape (here F2 would get a column of 3).
// @ts-expect-error vmap: argument 0 has shape [3, 2]; removing axis 1 gives [3], but the function expects [2]
vmap(F2, { inAxes: 1 })(xs3);
// mapping twice where once was meant: F2 would get single numbers
// @ts-expect-error vmap: argument 0 has shape [2, 2]; removing axis 0, then axis 0 gives [], but the function expects [2]
vmap(vmap(F2))(x);
// right: one vmap over the rows
export const J = vmap(jacobian(F2))(x); // Tensor<[2, 2]>: [2 x0, 3 x1²] per row

// 7. argnums out of range. JAX: an IndexError / "argnums ... out of bounds" at run time.
// @ts-expect-error grad: argnums 1 is out of range: the function takes 1 argument
grad(F2, { argnums: 1 });
const loss = (w: Tensor<[2]>, t: Tensor<[]>) => mul(F2(w), t);
// @ts-expect-error grad: argnums 2 is out of range: the function takes 2 arguments
grad(loss, { argnums: [0, 2] });

// 8. inAxes with the wrong number of entries. JAX: "vmap in_axes must be ... length equal to the number of positional arguments".
// @ts-expect-error vmap: inAxes has 1 entry, but the function takes 2 arguments
vmap(loss, { inAxes: [0] });
// right: one entry per argument; null leaves the second argument unmapped
declare const t: Tensor<[]>;
export const perRow = vmap(grad(loss), { inAxes: [0, null] })(x, t); // Tensor<[2, 2]>

// 9. calling a gradient with the wrong shape.
// @ts-expect-error grad: argument 0 has shape [2, 2], but the function expects [2]
grad(F2)(x);

// 10. THE MISTAKE THAT TYPE-CHECKS: valid code, different meaning.
// The seed's author wanted the derivative of F1 at every element and wrote the JAX idiom
// `grad(lambda a: F(a)[0])`:
export const wrong = grad((a: Tensor<[2, 2]>) => sum(index(vmap(F1v)(a), 0)))(x);
// It is a valid scalar function of the whole [2, 2] input, so it type-checks (Tensor<[2, 2]>), but
// it is the gradient of (the sum of) OUTPUT ROW 0 with respect to the WHOLE input: row 0 holds
// -1/x² and row 1 is all ZEROS, because row 0 of the output does not depend on row 1 of the input.
// The right form maps the scalar derivative over every element:
export const right = vmap(vmap(grad(F1)))(x); // Tensor<[2, 2]>, -1/x² everywhere
// Likewise `diag(jacobian(...))` of the whole batch is not the row-wise second derivative; the
// right form is the diagonal of each row's Hessian:
export const d2F2 = vmap((v: Tensor<[2]>) => diagonal(hessian(F2)(v)))(x); // Tensor<[2, 2]>: [2, 6 x1] per row
