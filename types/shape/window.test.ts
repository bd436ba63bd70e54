// Compile-time suite for the window arithmetic of convolution and pooling (shape/window.ts):
// WindowDim, SameDim, SamePads and Dilated, including the sizes of real images (224, 512, 1024),
// which must not hit TS2589.
import { expectType, type TypeEqual } from "ts-expect";
import type { Dilated, SameDim, SamePads, WindowDim } from "../../src/shape/window.js";

// --- Dilated -----------------------------------------------------------------------------------
expectType<TypeEqual<Dilated<3, 1>, 3>>(true);
expectType<TypeEqual<Dilated<3, 2>, 5>>(true);
expectType<TypeEqual<Dilated<0, 4>, 0>>(true);
expectType<TypeEqual<Dilated<1024, 2>, 2047>>(true);

// --- WindowDim: floor((H' + lo + hi - K') / S) + 1 ---------------------------------------------
expectType<TypeEqual<WindowDim<28, 2, 2>, 14>>(true);
expectType<TypeEqual<WindowDim<28, 3, 2>, 13>>(true);
expectType<TypeEqual<WindowDim<28, 3, 1, 1, 1>, 28>>(true);
expectType<TypeEqual<WindowDim<7, 3, 1, 0, 0, 2>, 3>>(true);
expectType<TypeEqual<WindowDim<5, 2, 1, 1, 1, 1, 2>, 10>>(true);
expectType<TypeEqual<WindowDim<2, 3>, 0>>(true);
expectType<TypeEqual<WindowDim<224, 3, 2, 0, 1>, 112>>(true);
expectType<TypeEqual<WindowDim<224, 7, 2, 3, 3>, 112>>(true);
expectType<TypeEqual<WindowDim<512, 2, 2>, 256>>(true);
expectType<TypeEqual<WindowDim<1024, 3, 1, 2, 2, 2>, 1024>>(true);
expectType<TypeEqual<WindowDim<1024, 5, 3, 0, 0, 1, 2>, 681>>(true);
// dynamic
expectType<TypeEqual<WindowDim<number, 3, 2>, number>>(true);
expectType<TypeEqual<WindowDim<28, number>, number>>(true);

// --- SameDim and SamePads (jax.lax.padtype_to_pads) --------------------------------------------
expectType<TypeEqual<SameDim<28, 2>, 14>>(true);
expectType<TypeEqual<SameDim<7, 2>, 4>>(true);
expectType<TypeEqual<SameDim<224, 3>, 75>>(true);
expectType<TypeEqual<SamePads<28, 3, 1>, [1, 1]>>(true);
expectType<TypeEqual<SamePads<28, 2, 2>, [0, 0]>>(true);
expectType<TypeEqual<SamePads<7, 3, 2>, [1, 1]>>(true);
expectType<TypeEqual<SamePads<224, 3, 2>, [0, 1]>>(true);
expectType<TypeEqual<SamePads<512, 4, 1>, [1, 2]>>(true);
expectType<TypeEqual<SamePads<1024, 3, 1, 2>, [2, 2]>>(true);
expectType<TypeEqual<SamePads<number, 3, 1>, [number, number]>>(true);
