/**
 * Weight initialisers for any rank, as jax.nn.initializers. Each takes an explicit PRNG key and a
 * shape and returns a float32 tensor of that shape. The fixed ones (`glorotUniform`, `heNormal`,
 * ...) are initialisers themselves; the parametrised ones (`varianceScaling`, `truncatedNormal`,
 * `orthogonal`) are factories that return one, as JAX's `variance_scaling(...)`.
 */
import type { PRNGKey } from "../random/random.js";
import { normal, uniform, truncatedNormal as truncatedNormalDraw } from "../random/random.js";
import { tensor, zeros } from "../tensor/create.js";
import type { AnyTensor, Tensor } from "../tensor/tensor.js";
import type { Shape } from "../shape/core.js";
import { mul } from "../ops/elementwise.js";
import { showShape } from "../tensor/messages.js";

/** An initialiser: a key and a shape (any rank) to a float32 tensor of that shape. */
export type Initializer = <const S extends Shape>(key: PRNGKey, shape: S) => Tensor<[...S]>;

export type FanMode = "fanIn" | "fanOut" | "fanAvg";
export type Distribution = "truncatedNormal" | "normal" | "uniform";

export interface FanAxes {
  /** the input-feature axis (or axes) of the kernel; default -2 */
  readonly inAxis?: number | readonly number[];
  /** the output-feature axis (or axes); default -1 */
  readonly outAxis?: number | readonly number[];
  /** batch axes (neither fan nor receptive field); default none */
  readonly batchAxis?: number | readonly number[];
}

const axisList = (a: number | readonly number[]): readonly number[] => (typeof a === "number" ? [a] : a);
const prodAt = (shape: readonly number[], axes: readonly number[]): number => axes.reduce((p, a) => p * shape[a < 0 ? a + shape.length : a]!, 1);

/**
 * JAX's fan-in and fan-out (`_compute_fans`): every axis that is not an in, out or batch axis is
 * the receptive field, so a conv kernel [KH, KW, Cin, Cout] has fanIn = KH·KW·Cin and
 * fanOut = KH·KW·Cout. Needs rank >= 2.
 */
export function computeFans(shape: readonly number[], axes: FanAxes = {}): [fanIn: number, fanOut: number] {
  if (shape.length < 2) throw new RangeError(`varianceScaling: needs a shape of rank >= 2 for its fan-in and fan-out, got ${showShape(shape)}`);
  const size = shape.reduce((p, d) => p * d, 1);
  const inSize = prodAt(shape, axisList(axes.inAxis ?? -2));
  const outSize = prodAt(shape, axisList(axes.outAxis ?? -1));
  const batch = prodAt(shape, axisList(axes.batchAxis ?? []));
  const field = size / inSize / outSize / batch;
  return [inSize * field, outSize * field];
}

const times = <S extends Shape>(x: Tensor<S>, c: number): Tensor<[...S]> => mul(x as AnyTensor, c) as unknown as Tensor<[...S]>;

// the standard deviation of a standard normal truncated to (-2, 2) (JAX's constant)
const TRUNC_STD = 0.87962566103423978;

/**
 * jax.nn.initializers.variance_scaling: samples with variance `scale / n`, n the fan-in, the
 * fan-out or their mean (`mode`), from a normal truncated to ±2 standard deviations (rescaled
 * so the variance is still scale / n), a normal, or a uniform on ±sqrt(3 · scale / n).
 */
export function varianceScaling(scale: number, mode: FanMode, distribution: Distribution, axes: FanAxes = {}): Initializer {
  if (!(scale > 0)) throw new RangeError(`varianceScaling: scale must be positive, got ${scale}`);
  if (mode !== "fanIn" && mode !== "fanOut" && mode !== "fanAvg") throw new TypeError(`varianceScaling: unknown mode ${JSON.stringify(mode)}`);
  if (distribution !== "truncatedNormal" && distribution !== "normal" && distribution !== "uniform") {
    throw new TypeError(`varianceScaling: unknown distribution ${JSON.stringify(distribution)}`);
  }
  return <const S extends Shape>(key: PRNGKey, shape: S): Tensor<[...S]> => {
    const [fanIn, fanOut] = computeFans(shape, axes);
    const n = mode === "fanIn" ? fanIn : mode === "fanOut" ? fanOut : (fanIn + fanOut) / 2;
    const variance = scale / n;
    if (distribution === "uniform") {
      const a = Math.sqrt(3 * variance);
      return uniform(key, shape, { minval: -a, maxval: a });
    }
    if (distribution === "normal") return times(normal(key, shape), Math.sqrt(variance));
    return times(truncatedNormalDraw(key, -2, 2, shape), Math.sqrt(variance) / TRUNC_STD);
  };
}

/** Glorot (Xavier) uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)). Suits tanh and sigmoid. */
export const glorotUniform: Initializer = varianceScaling(1, "fanAvg", "uniform");
/** Glorot normal: variance 2 / (fanIn + fanOut), truncated at ±2σ as JAX's glorot_normal. */
export const glorotNormal: Initializer = varianceScaling(1, "fanAvg", "truncatedNormal");
/** He (Kaiming) normal: variance 2 / fanIn, truncated at ±2σ as JAX's he_normal. Suits relu. */
export const heNormal: Initializer = varianceScaling(2, "fanIn", "truncatedNormal");
/** He uniform: U(-a, a), a = sqrt(6 / fanIn). */
export const heUniform: Initializer = varianceScaling(2, "fanIn", "uniform");
/** LeCun normal: variance 1 / fanIn, truncated at ±2σ (JAX's lecun_normal; flax's default kernel init). */
export const lecunNormal: Initializer = varianceScaling(1, "fanIn", "truncatedNormal");
/** LeCun uniform: U(-a, a), a = sqrt(3 / fanIn). */
export const lecunUniform: Initializer = varianceScaling(1, "fanIn", "uniform");

/**
 * jax.nn.initializers.truncated_normal: `stddev` (default 0.01) times a standard normal truncated
 * to (lower, upper) (default ±2). As in JAX the result's standard deviation is below `stddev`
 * (about 0.88 · stddev for ±2): the truncation is not corrected for.
 */
export function truncatedNormal(stddev = 1e-2, lower = -2, upper = 2): Initializer {
  return <const S extends Shape>(key: PRNGKey, shape: S): Tensor<[...S]> => times(truncatedNormalDraw(key, lower, upper, shape), stddev);
}

/**
 * jax.nn.initializers.orthogonal: a (scaled) matrix with orthonormal columns (or rows, whichever
 * are fewer) from the QR decomposition of a standard normal matrix, with R's diagonal signs folded
 * into Q so that Q is uniformly (Haar) distributed. For rank > 2 the axes other than `columnAxis`
 * (default -1) are flattened into the rows. The QR runs on the host in float64 (initialisers run
 * eagerly; the result is not traced).
 */
export function orthogonal(scale = 1, columnAxis = -1): Initializer {
  return <const S extends Shape>(key: PRNGKey, shape: S): Tensor<[...S]> => {
    if (shape.length < 2) throw new RangeError(`orthogonal: needs a shape of rank >= 2, got ${showShape(shape)}`);
    const ca = columnAxis < 0 ? columnAxis + shape.length : columnAxis;
    if (ca < 0 || ca >= shape.length) throw new RangeError(`orthogonal: column axis ${columnAxis} is out of range for shape ${showShape(shape)}`);
    const cols = shape[ca]!;
    const rows = shape.reduce((p, d) => p * d, 1) / cols;
    // the tall matrix (m >= n) whose columns are made orthonormal
    const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
    const a = Array.from(normal(key, [m, n]).dataSync(), Number);
    const q = householderQ(a, m, n);
    // q is [m, n]; the result wants [rows, cols] with the column axis moved back into place
    const mat = (r: number, c: number) => (rows < cols ? q[c * n + r]! : q[r * n + c]!);
    const rest = shape.filter((_, i) => i !== ca);
    const out = new Float32Array(rows * cols);
    // element (r, c) of the [rows, cols] matrix sits at index (rest(r) with c inserted at ca)
    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
    const restStrides = strides.filter((_, i) => i !== ca);
    for (let r = 0; r < rows; r++) {
      let off = 0;
      let rem = r;
      for (let i = rest.length - 1; i >= 0; i--) {
        off += (rem % rest[i]!) * restStrides[i]!;
        rem = Math.floor(rem / rest[i]!);
      }
      for (let c = 0; c < cols; c++) out[off + c * strides[ca]!] = scale * mat(r, c);
    }
    return tensor(out, [...shape]) as unknown as Tensor<[...S]>;
  };
}

/** The thin Q ([m, n], m >= n) of A = QR by Householder reflections, with sign(diag R) folded in. */
function householderQ(a: number[], m: number, n: number): number[] {
  const r = a.slice();
  const vs: number[][] = [];
  for (let k = 0; k < n; k++) {
    const v = new Array<number>(m).fill(0);
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = r[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = r[i * n + k]!;
    v[k] = x0 - alpha;
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv > 0) {
      for (let j = k; j < n; j++) {
        let d = 0;
        for (let i = k; i < m; i++) d += v[i]! * r[i * n + j]!;
        const f = (2 * d) / vv;
        for (let i = k; i < m; i++) r[i * n + j]! -= f * v[i]!;
      }
    }
    vs.push(v);
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity
  const q = new Array<number>(m * n).fill(0);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv === 0) continue;
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let i = k; i < m; i++) d += v[i]! * q[i * n + j]!;
      const f = (2 * d) / vv;
      for (let i = k; i < m; i++) q[i * n + j]! -= f * v[i]!;
    }
  }
  // JAX multiplies Q's columns by sign(diag R) (a zero diagonal keeps its sign as 0, as jnp.sign)
  for (let j = 0; j < n; j++) {
    const s = Math.sign(r[j * n + j]!);
    for (let i = 0; i < m; i++) q[i * n + j]! *= s;
  }
  return q;
}

/** Zero biases. */
export const zerosBias = <O extends number>(n: O): Tensor<[O]> => zeros([n]);
