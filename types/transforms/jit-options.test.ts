// jit's options: staticArgnums must be argument positions, staticArgnames keys of the options
// object the function takes last; the jitted function keeps f's type.
import { expectType, type TypeEqual } from "ts-expect";
import { jit, grad, vmap, mul, sum, type Tensor } from "../../src/index.js";

declare const x3: Tensor<[3]>;
declare const xs: Tensor<[4, 3]>;
const f = (x: Tensor<[3]>, mode: "a" | "b", opts: { act: string; scale?: number }) => mul(x, opts.scale ?? (mode === "a" ? 1 : 2));

const j = jit(f, { staticArgnums: [1], staticArgnames: ["act", "scale"] });
const r = j(x3, "a", { act: "relu" });
expectType<TypeEqual<typeof r, Tensor<[3]>>>(true);
expectType<TypeEqual<typeof j.traceCount, number>>(true);
expectType<TypeEqual<typeof j.planCount, number>>(true);
jit(f, { staticArgnums: 2, staticArgnames: "act" });
// without options, and around other transformations, as before
const g = vmap(jit(grad((x: Tensor<[3]>) => sum(x)), { staticArgnums: [] }))(xs);
expectType<TypeEqual<typeof g, Tensor<[4, 3]>>>(true);

// @ts-expect-error jit: staticArgnums 3 is out of range: the function takes 3 arguments
jit(f, { staticArgnums: 3 });
// @ts-expect-error jit: staticArgnums 5 is out of range: the function takes 3 arguments
jit(f, { staticArgnums: [1, 5] });
// @ts-expect-error jit: staticArgnames 'mode' is not a key of the options object the function takes last
jit(f, { staticArgnames: ["act", "mode"] });
// @ts-expect-error jit: staticArgnames 'act' names a key of the options object the function takes last, but its last parameter is Tensor<[3]>
jit((x: Tensor<[3]>) => x, { staticArgnames: "act" });
// a call with the wrong arity is an error at the call, as for f itself
// @ts-expect-error Expected 3 arguments, but got 2.
j(x3, "a");
