// Peer: plain JavaScript loops, float32 storage (Float32Array), hand-derived
// gradients (tasks 3, 6, 7, 8: the discrete adjoint of RK4) and hand-derived forward-mode second derivatives (task 4).
// The same loops, run in float64, are the reference (lib/reference.mjs).

import { makeAlgorithms } from "../lib/algorithms.mjs";
import { makeCnn } from "../lib/cnn.mjs";
import { makeTransformer } from "../lib/transformer.mjs";

const A = makeAlgorithms(Float32Array);
const CNN = makeCnn(Float32Array);
const BLOCK = makeTransformer(Float32Array);

export const meta = { library: "plain JS", version: `node ${process.version}` };

export const tasks = {
  "1": ({ x1, x2 }) => ({ run: () => A.elementwise(x1, x2) }),
  "2a": ({ a, b, m }) => ({ run: () => A.matmul(a, b, m) }),
  "2b": ({ a, b, m }) => ({ run: () => A.matmul(a, b, m) }),
  "3": ({ params, x, batch, inDim, hidden }) => ({ run: () => A.mlpGrad(params, x, batch, inDim, hidden) }),
  "4": ({ params, x, hidden }) => ({ run: () => A.mlpSecondDerivative(params, x, hidden) }),
  "6": ({ logits, labels, rows, classes }) => ({ run: () => A.softmaxCrossEntropy(logits, labels, rows, classes) }),
  "7": ({ table, ids, w, vocab, dim }) => ({ run: () => A.embedding(table, ids, w, vocab, dim) }),
  "8a": odeTask,
  "8b": odeTask,
  "10": ({ params, x, labels, batch }) => ({ run: () => CNN.cnnStep(params, x, labels, batch) }),
  "11": ({ a, b, spd, n }) => ({ run: () => A.linalg(a, b, spd, n) }),
  "9": ({ x, kernel, ct, n, h, w, c, o, k }) => ({ run: () => A.conv2d(x, kernel, ct, n, h, w, c, o, k) }),
  "12": ({ params, x, batch, seq, dim, heads, ff }) => ({ run: () => BLOCK.blockStep(params, x, batch, seq, dim, heads, ff) }),
  // task 13: the hand-derived forward Laplacian and order-4 Taylor coefficients (lib/algorithms.mjs)
  "13a": laplacianTask,
  "13b": laplacianTask,
  "13c": laplacianTask,
  "13d": ({ params, x, v, n, d, hidden }) => ({ run: () => A.mlpFourthDerivative(params, x, v, n, d, hidden) }),
};

function laplacianTask({ params, x, n, d, hidden }) {
  return { run: () => A.mlpLaplacian(params, x, n, d, hidden) };
}

/** Task 8: RK4 forward storing each step's state, then the hand-derived discrete adjoint. */
function odeTask({ params, y0, batch, hidden, dt, steps }) {
  return { run: () => A.odeGrad(params, y0, batch, hidden, dt, steps) };
}
