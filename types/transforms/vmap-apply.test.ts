// Mapping a layer over examples (issue 14). `vmap(model.apply, { inAxes: [null, 0] })` gives
// `Tensor<number[]>`: an nn layer's `apply` is generic in its input's shape, and TypeScript erases
// a generic function's type parameters when it is passed as a value, so vmap sees only their
// constraints. The idiom that keeps every shape is a closure over the parameters, as in JAX
// (`vmap(lambda x: model.apply(params, x))`): its input type is written once.
import { expectType, type TypeEqual } from "ts-expect";
import { nn, vmap, type Tensor, type PRNGKey } from "../../src/index.js";

declare const key: PRNGKey;
declare const xs: Tensor<[16, 2]>;
const m = nn.mlp([2, 8, 1]);
const mp = m.init(key);

// the idiom: exact
const ys = vmap((x: Tensor<[2]>) => m.apply(mp, x))(xs);
expectType<TypeEqual<typeof ys, Tensor<[16, 1]>>>(true);
// unmapped parameters passed through inAxes null, with a typed closure: exact as well
const ys2 = vmap((p: typeof mp, x: Tensor<[2]>) => m.apply(p, x), { inAxes: [null, 0] })(mp, xs);
expectType<TypeEqual<typeof ys2, Tensor<[16, 1]>>>(true);
// the generic apply itself: the shape is lost (the limitation above)
const ys3 = vmap(m.apply, { inAxes: [null, 0] })(mp, xs);
expectType<TypeEqual<typeof ys3, Tensor<number[]>>>(true);
