// Mapping a layer over examples (issue 14), the JAX idiom `vmap(model.apply, in_axes=(None, 0))`.
// An nn layer's `apply` is generic in its input's shape, and TypeScript erases a generic
// function's type parameters when it is passed as a value (vmap would see `apply<S>` with S at
// its constraint: `Tensor<number[]>`). So each layer's apply also carries its type-level twin (a
// phantom `TypeFn`, src/transforms/types.ts), from which vmap computes the per-example output on
// the unbatched leaves: exact shapes, under jit and nested vmaps, and a wrong feature size is the
// layer's own message at the call (the run-time text of the mapped apply, per example).
import { expectType, type TypeEqual } from "ts-expect";
import { nn, vmap, jit, add, matmul, sum, jacobian, vjp, type Tensor, type PRNGKey, type Shape, type DType, type TypeFn, type WithTypeFn } from "../../src/index.js";

declare const key: PRNGKey;
declare const xs: Tensor<[16, 2]>;
declare const xss: Tensor<[4, 16, 2]>;
declare const x1: Tensor<[1024, 2]>;
const m = nn.mlp([2, 8, 1]);
const mp = m.init(key);

// the idiom: a closure over the parameters, exact as before
const ys = vmap((x: Tensor<[2]>) => m.apply(mp, x))(xs);
expectType<TypeEqual<typeof ys, Tensor<[16, 1]>>>(true);
const ys2 = vmap((p: typeof mp, x: Tensor<[2]>) => m.apply(p, x), { inAxes: [null, 0] })(mp, xs);
expectType<TypeEqual<typeof ys2, Tensor<[16, 1]>>>(true);

// the generic apply itself: exact too
const ys3 = vmap(m.apply, { inAxes: [null, 0] })(mp, xs);
expectType<TypeEqual<typeof ys3, Tensor<[16, 1]>>>(true);
const yj = jit(vmap(m.apply, { inAxes: [null, 0] }))(mp, xs);
expectType<TypeEqual<typeof yj, Tensor<[16, 1]>>>(true);
// jit inside vmap, held in a variable or inline (the twin's construct signature keeps TypeScript
// from instantiating apply's generic signature against jit's contextual type)
const japply = jit(m.apply);
const yvj = vmap(japply, { inAxes: [null, 0] })(mp, xs);
expectType<TypeEqual<typeof yvj, Tensor<[16, 1]>>>(true);
const yvji = vmap(jit(m.apply), { inAxes: [null, 0] })(mp, xs);
expectType<TypeEqual<typeof yvji, Tensor<[16, 1]>>>(true);
// called directly, jitted or not, apply is its generic signature as before
const yd = jit(m.apply)(mp, x1);
expectType<TypeEqual<typeof yd, Tensor<[1024, 1]>>>(true);
const yvv = vmap(vmap(m.apply, { inAxes: [null, 0] }), { inAxes: [null, 0] })(mp, xss);
expectType<TypeEqual<typeof yvv, Tensor<[4, 16, 1]>>>(true);
// per-example inputs with their own batch dims, and the batch moved by outAxes
declare const seqs: Tensor<[16, 5, 2]>;
const ysq = vmap(m.apply, { inAxes: [null, 0], outAxes: 1 })(mp, seqs);
expectType<TypeEqual<typeof ysq, Tensor<[5, 16, 1]>>>(true);
// the batch of a generic B stays B
function batched<B extends number>(x: Tensor<[B, 2]>) {
  return vmap(m.apply, { inAxes: [null, 0] })(mp, x);
}
expectType<TypeEqual<ReturnType<typeof batched<8>>, Tensor<[8, 1]>>>(true);
declare const b8: Tensor<[8, 2]>;
const yb = batched(b8);
expectType<TypeEqual<typeof yb, Tensor<[8, 1]>>>(true);
// a dynamic batch
declare const xn: Tensor<[number, 2]>;
const yn = vmap(m.apply, { inAxes: [null, 0] })(mp, xn);
expectType<TypeEqual<typeof yn, Tensor<[number, 1]>>>(true);

// the other transformations read the twin too: per-example Jacobians of the network's output
declare const x2: Tensor<[2]>;
const jx = jacobian(m.apply, { argnums: 1 })(mp, x2);
expectType<TypeEqual<typeof jx, Tensor<[1, 2]>>>(true);
const jxs = vmap(jacobian(m.apply, { argnums: 1 }), { inAxes: [null, 0] })(mp, xs);
expectType<TypeEqual<typeof jxs, Tensor<[16, 1, 2]>>>(true);
const [yv, back] = vjp(m.apply, mp, x2);
expectType<TypeEqual<typeof yv, Tensor<[1]>>>(true);
expectType<TypeEqual<Parameters<typeof back>[0], Tensor<[1]>>>(true);

// misuses: the mapped layer's own message, on the batched argument
declare const bad: Tensor<[16, 3]>;
// @ts-expect-error mlp: the input has shape [3] but the first layer takes 2 inputs
vmap(m.apply, { inAxes: [null, 0] })(mp, bad);
// @ts-expect-error mlp: the input has shape [3] but the first layer takes 2 inputs
jit(vmap(m.apply, { inAxes: [null, 0] }))(mp, bad);
// parameters of another model: the declared parameter type, as for any function
declare const other: nn.Layers<[3, 8, 1]>;
// @ts-expect-error vmap: argument 0[0].w has shape [3, 8], but the function expects [2, 8]
vmap(m.apply, { inAxes: [null, 0] })(other, xs);

// the other layers with apply(params, x)
const ln = nn.layerNorm(2);
const lnp = ln.init();
const yln = vmap(ln.apply, { inAxes: [null, 0] })(lnp, xs);
expectType<TypeEqual<typeof yln, Tensor<[16, 2]>>>(true);
// @ts-expect-error layerNorm: the input has shape [3] but the layer takes 2 features
vmap(ln.apply, { inAxes: [null, 0] })(lnp, bad);
const rms = nn.rmsNorm(2);
const yrms = vmap(rms.apply, { inAxes: [null, 0] })(rms.init(), xs);
expectType<TypeEqual<typeof yrms, Tensor<[16, 2]>>>(true);

declare const imgs: Tensor<[8, 28, 28, 1]>;
const cv = nn.conv(1, 4, [3, 3], { padding: "VALID" });
const ycv = vmap(cv.apply, { inAxes: [null, 0] })(cv.init(key), imgs);
expectType<TypeEqual<typeof ycv, Tensor<[8, 26, 26, 4]>>>(true);
const ct = nn.convTranspose(1, 4, [2, 2], { strides: [2, 2] });
const yct = vmap(ct.apply, { inAxes: [null, 0] })(ct.init(key), imgs);
expectType<TypeEqual<typeof yct, Tensor<[8, 56, 56, 4]>>>(true);

declare const ids: Tensor<[16, 5], "int32">;
const em = nn.embed(100, 8);
const yem = vmap(em.apply, { inAxes: [null, 0] })(em.init(key), ids);
expectType<TypeEqual<typeof yem, Tensor<[16, 5, 8]>>>(true);
declare const fids: Tensor<[16, 5]>;
// @ts-expect-error embed: indices must be int32, got float32
vmap(em.apply, { inAxes: [null, 0] })(em.init(key), fids);

declare const toks: Tensor<[16, 5, 8]>;
const att = nn.multiHeadAttention({ numHeads: 2, qkvFeatures: 8 });
const yatt = vmap(att.apply, { inAxes: [null, 0] })(att.init(key), toks);
expectType<TypeEqual<typeof yatt, Tensor<[16, 5, 8]>>>(true);
// the options are checked as the direct call checks them: the mask against the weights [heads, qLength, kvLength]
declare const mask55: Tensor<[5, 5], "bool">;
const yattm = vmap(att.apply, { inAxes: [null, 0, null] })(att.init(key), toks, { mask: mask55 });
expectType<TypeEqual<typeof yattm, Tensor<[16, 5, 8]>>>(true);
declare const kv6: Tensor<[6, 8]>;
declare const mask56: Tensor<[5, 6], "bool">;
const yattkv = vmap(att.apply, { inAxes: [null, 0, null] })(att.init(key), toks, { inputsKV: kv6, mask: mask56 });
expectType<TypeEqual<typeof yattkv, Tensor<[16, 5, 8]>>>(true);
declare const mask79: Tensor<[7, 9], "bool">;
// @ts-expect-error multiHeadAttention: the mask has shape [7, 9] but the attention weights have shape [2, 5, 5]
vmap(att.apply, { inAxes: [null, 0, null] })(att.init(key), toks, { mask: mask79 });
// @ts-expect-error multiHeadAttention: the mask has shape [5, 5] but the attention weights have shape [2, 5, 6]
vmap(att.apply, { inAxes: [null, 0, null] })(att.init(key), toks, { inputsKV: kv6, mask: mask55 });

const net = nn.sequential([nn.mlp([2, 8]), nn.relu, nn.layerNorm(8), nn.mlp([8, 1])]);
const netp = net.init(key);
const ynet = vmap(net.apply, { inAxes: [null, 0] })(netp, xs);
expectType<TypeEqual<typeof ynet, Tensor<[16, 1]>>>(true);
const ynet2 = vmap(vmap(net.apply, { inAxes: [null, 0] }), { inAxes: [null, 0] })(netp, xss);
expectType<TypeEqual<typeof ynet2, Tensor<[4, 16, 1]>>>(true);
// @ts-expect-error sequential: layer 0 takes [..., 2] but the input gives [..., 3]
vmap(net.apply, { inAxes: [null, 0] })(netp, bad);

// recurrent cells, apply(params, carry, x): one step for each example
const lstm = nn.lstmCell(2, 8);
const lp = lstm.init(key);
const carry = lstm.initCarry([16]);
const [c1, h1] = vmap(lstm.apply, { inAxes: [null, 0, 0] })(lp, carry, xs);
expectType<TypeEqual<typeof c1, [Tensor<[16, 8]>, Tensor<[16, 8]>]>>(true);
expectType<TypeEqual<typeof h1, Tensor<[16, 8]>>>(true);
// the batched carry left unmapped: checkCarry's message, on the carry
// @ts-expect-error lstmCell: the carry has shape [16, 8] but an input of shape [2] needs [8]
vmap(lstm.apply, { inAxes: [null, null, 0] })(lp, carry, xs);
// @ts-expect-error lstmCell: the input has shape [3] but the layer takes 2 features
vmap(lstm.apply, { inAxes: [null, 0, 0] })(lp, carry, bad);
const gru = nn.gruCell(2, 8);
const [g1] = vmap(gru.apply, { inAxes: [null, 0, 0] })(gru.init(key), gru.initCarry([16]), xs);
expectType<TypeEqual<typeof g1, Tensor<[16, 8]>>>(true);

// a user's own generic function with a twin (the public TypeFn / WithTypeFn)
interface ScaleFn extends TypeFn {
  readonly out: this["args"] extends readonly [unknown, Tensor<infer S, infer D>] ? Tensor<S, D> : unknown;
}
interface Scale extends WithTypeFn<ScaleFn> {
  <S extends Shape, D extends DType>(k: Tensor<[]>, x: Tensor<S, D>): Tensor<S, D>;
}
declare const scale: Scale;
declare const k0: Tensor<[]>;
const ysc = vmap(scale, { inAxes: [null, 0] })(k0, xs);
expectType<TypeEqual<typeof ysc, Tensor<[16, 2]>>>(true);
declare const plainScale: <S extends Shape, D extends DType>(k: Tensor<[]>, x: Tensor<S, D>) => Tensor<S, D>;
const ypl = vmap(plainScale, { inAxes: [null, 0] })(k0, xs);
expectType<TypeEqual<typeof ypl, Tensor<number[], DType>>>(true);

// hovers: the layer's apply is named, its call still reads as a plain tensor
// @display MLPApply<readonly [2, 8, 1]>
const hoverApply = m.apply;
// @display Tensor<[1024, 1], "float32">
const hoverCall = m.apply(mp, x1);
void hoverApply, hoverCall;

// a layer interface implemented outside the library: nn.withTypeFn types the function as the
// interface's apply (a plain function lacks the twin's construct signature), its parameters from
// the call signature (nn.MLPCall): x is the checked input, params the layers
const mine: nn.MLP<[2, 1]> = {
  sizes: [2, 1],
  init: () => m.init(key).slice(0, 1) as unknown as [nn.Dense<2, 1>],
  apply: nn.withTypeFn(function (params, x) {
    expectType<TypeEqual<typeof params, [nn.Dense<2, 1>]>>(true);
    return add(matmul(x as never, params[0].w), params[0].b) as never;
  }),
};
const ymine = vmap(mine.apply, { inAxes: [null, 0] })(mine.init(key), xs);
expectType<TypeEqual<typeof ymine, Tensor<[16, 1]>>>(true);
const mine2: nn.MLP<[2, 1]> = {
  sizes: [2, 1],
  init: mine.init,
  // @ts-expect-error Property 'v' does not exist on type 'Dense<2, 1>'.
  apply: nn.withTypeFn(function (params, x) { return sum(params[0].v) as never; }),
};
void mine2;
