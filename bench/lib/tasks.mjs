// The benchmark tasks: titles, tolerances and repetition counts.
// Tolerance: for every output array, max |peer - reference| / max |reference|
// must be <= tol (reference = float64 loops, lib/reference.mjs). Task 3 checks
// each of the six gradients separately, task 6 the loss and the gradient, task 7
// the lookup and the table gradient, task 8 yT and the six gradients.

export const TASKS = [
  {
    id: "1",
    title: "1. `sqrt(x1² + x2²) · tanh(x1) + 1`, N = 1,000,000 (float32)",
    tol: 1e-5, // elementwise, no accumulation: float32 rounding plus library tanh/sqrt error
    full: { warmup: 3, reps: 20, minReps: 5, budgetMs: 3000 },
  },
  {
    id: "2a",
    title: "2a. matmul 512×512 · 512×512 (float32)",
    tol: 1e-4, // float32 sums of 512 products, in each library's own order
    full: { warmup: 3, reps: 15, minReps: 5, budgetMs: 3000 },
  },
  {
    id: "2b",
    title: "2b. matmul 1024×1024 · 1024×1024 (float32)",
    tol: 1e-4, // float32 sums of 1024 products, in each library's own order
    full: { warmup: 1, reps: 7, minReps: 3, budgetMs: 6000 },
  },
  {
    id: "3",
    title: "3. gradient of mean(out²), MLP 2-64-64-1 (tanh, linear output), batch 1024, w.r.t. W1,b1,W2,b2,W3,b3",
    tol: 1e-4, // float32 sums over the batch of 1024, in each library's own order
    full: { warmup: 5, reps: 30, minReps: 5, budgetMs: 3000 },
  },
  {
    id: "4",
    title: "4. d²u/dx² of an MLP 1-64-64-1 (tanh), 4,096 scalar inputs",
    tol: 1e-4, // float32 forward-mode / nested reverse-mode sums of 64 terms
    full: { warmup: 2, reps: 10, minReps: 3, budgetMs: 4000 },
  },
  {
    id: "6",
    title: "6. softmax cross-entropy mean(-log_softmax(logits)[r, label_r]) and its gradient, logits [4096, 512], int32 labels",
    tol: 1e-5, // float32 exp/log per element, one sum of 512 per row and one mean of 4096
    full: { warmup: 3, reps: 20, minReps: 5, budgetMs: 3000 },
  },
  {
    id: "7",
    title: "7. embedding lookup take(table [50000, 128], ids [64, 256], axis 0) and the gradient of sum(out · w) w.r.t. the table",
    tol: 1e-5, // the lookup is a copy (exact); the scatter-add sums up to 71 duplicate rows in float32
    full: { warmup: 3, reps: 20, minReps: 5, budgetMs: 3000 },
  },
  {
    id: "8a",
    title: "8a. neural ODE: RK4 of dy/dt = MLP 2-64-64-2 (tanh), 32 states, dt 0.01, 100 steps: yT and the gradient of mean(yT²) w.r.t. W1,b1,W2,b2,W3,b3",
    tol: 1e-4, // float32 rounding compounded over 100 steps (plain JS float32 loops: 8e-6)
    full: { warmup: 2, reps: 5, minReps: 3, budgetMs: 2000 },
  },
  {
    id: "8b",
    title: "8b. neural ODE: the same over 1,000 steps (t = 10)",
    tol: 2e-4, // float32 rounding compounded over 1,000 steps (plain JS float32 loops: 2e-5)
    full: { warmup: 1, reps: 5, minReps: 2, budgetMs: 3000 }, // the slowest peers take 10-20 s a run
  },
  {
    id: "9",
    title: "9. 2-D convolution forward + backward: NHWC [32, 32, 32, 16] * HWIO [3, 3, 16, 32], SAME, stride 1; out and the gradients of sum(out · W) w.r.t. input and kernel",
    tol: 1e-4, // float32 sums of 144 products (out, dx) and of 32,768 (dkernel), in each library's own order
    // one warm-up call: TF.js cpu takes about 40 s a call, and a cell has 240 s
    full: { warmup: 1, reps: 10, minReps: 3, budgetMs: 4000 },
  },
  {
    id: "10",
    title: "10. CNN training step: loss and gradients of conv 3×3 (1→8) · relu · max-pool 2×2, conv 3×3 (8→16) · relu · max-pool, dense 784→10, softmax cross-entropy; NHWC [64, 28, 28, 1], int32 labels",
    // float32 sums of 72 (conv) and 784 (dense) products and over the batch (a max-pool window
    // whose two largest entries differed only by float32 rounding would route its gradient to
    // another entry and show here: none did in the peers' runs)
    tol: 1e-4,
    full: { warmup: 2, reps: 10, minReps: 3, budgetMs: 4000 },
  },
  // issue 11: linear algebra
  {
    id: "11",
    title: "11. linalg: solve(A [256, 256], b [256]) and cholesky(S [256, 256]), S symmetric positive definite (float32)",
    tol: 1e-4, // float32 LU / Cholesky of well-conditioned 256 x 256 matrices (condition numbers of a few)
    full: { warmup: 3, reps: 20, minReps: 5, budgetMs: 3000 },
  },
  // issue 12: a transformer block
  {
    id: "12",
    title: "12. transformer block forward + backward: pre-norm x + MHA(layerNorm(x)) (4 causal heads of 64, q/k/v/out projections with bias), + MLP 256-1024-256 (gelu, tanh form) of layerNorm; x [8, 128, 256]; loss mean(out²) and its gradients w.r.t. the 16 parameters and x",
    tol: 1e-4, // float32 sums of 256 and 1024 products, over 1,024 rows for the weight gradients, through two layerNorms
    // the plain JS loops take about 3 s a run
    full: { warmup: 2, reps: 10, minReps: 3, budgetMs: 4000 },
  },
  // issue 15: Taylor mode (forward Laplacian, jet)
  ...[
    ["13a", 2],
    ["13b", 8],
    ["13c", 32],
  ].map(([id, d]) => ({
    id,
    title: `${id}. Laplacian Σ_i ∂²u/∂x_i² of an MLP ${d}-128-128-1 (tanh) at 1,024 points`,
    tol: 1e-3, // float32 second derivatives: sums of d·128 products of first derivatives (a few 1e-7 relative here)
    // one warm-up call: jax-js's hessian takes about 25 s a call at d = 32, and a cell has 240 s
    full: { warmup: 1, reps: 10, minReps: 3, budgetMs: 4000 },
  })),
  {
    id: "13d",
    title: "13d. 4th derivative ∂⁴u(x)[v, v, v, v] along a direction v of an MLP 32-128-128-1 (tanh) at 1,024 points",
    tol: 1e-3, // float32 Taylor coefficients to order 4
    full: { warmup: 2, reps: 10, minReps: 3, budgetMs: 4000 },
  },
];

/** Task 5 is not run on its own: it reads the first call and the steady median of the task 3 cells. */
export const TASK5 = { id: "5", title: "5. first call (trace + compile + run) against steady state, task 3" };

/** Task 8's table: the first call (trace + compile + run) at 100 steps (8a) against 1,000 steps (8b). */
export const TASK8 = { id: "8", title: "8. neural ODE first call (trace + compile + run) at 100 and 1,000 steps" };

export const QUICK = { warmup: 1, reps: 3, minReps: 3, budgetMs: 0 };

export const taskById = (id) => TASKS.find((t) => t.id === id);

/**
 * Expand a --tasks filter ("1,3", "2", "5", "8") into the runnable task ids, plus whether
 * the task 5 and task 8 tables are shown. "2" means 2a and 2b, "8" 8a and 8b; "5" runs the task 3 cells.
 */
export function selectTasks(filter) {
  const all = TASKS.map((t) => t.id);
  if (!filter) return { ids: all, task5: true, task8: true };
  const ids = new Set();
  for (const raw of filter.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (raw === "5") {
      ids.add("3");
    } else if (raw === "2") {
      ids.add("2a");
      ids.add("2b");
    } else if (raw === "8") {
      ids.add("8a");
      ids.add("8b");
    } else if (raw === "13") {
      for (const id of ["13a", "13b", "13c", "13d"]) ids.add(id);
    } else if (all.includes(raw)) {
      ids.add(raw);
    } else {
      throw new Error(`unknown task "${raw}" (tasks: ${[...all, "2", "5", "8", "13"].join(", ")})`);
    }
  }
  // The task 5 table comes free with the task 3 cells, the task 8 table with the 8a and 8b cells.
  return { ids: all.filter((id) => ids.has(id)), task5: ids.has("3"), task8: ids.has("8a") && ids.has("8b") };
}
