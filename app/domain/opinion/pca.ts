import { seededRandom } from "../random";

/**
 * The first principal components of a dense matrix by power iteration on the centred matrix, as
 * Polis does (math/src/polismath/math/pca.clj): each step multiplies by XᵀX without forming it
 * (X v, then Xᵀ of that: two passes over the matrix), and the second component is found the same
 * way with the first factored out (Gram–Schmidt after every step, which is Polis's deflation
 * without copying the matrix). A dense 2,000 × 900 matrix would cost 3.6 million multiply-adds a
 * step (forming the 900 × 900 covariance alone, 1.6 billion); the centred matrix is sparse, so
 * a step costs twice its votes.
 */
export interface Pca {
  /** column means (the centre the components were found around) */
  center: Float64Array;
  components: Float64Array[];
  /** vᵀXᵀXv of each component (the sum of squares it explains) */
  eigenvalues: number[];
  /** the centred matrix's whole sum of squares */
  totalVariance: number;
  /** power-iteration steps each component took */
  iterations: number[];
}

export interface PcaOptions {
  components?: number;
  seed?: number;
  /** most steps per component (Polis: 100; here a tolerance usually stops it much sooner) */
  maxIterations?: number;
  /** stop when 1 − |cos(previous, next)| falls below this */
  tolerance?: number;
}

export function pca(
  values: Float64Array,
  rows: number,
  cols: number,
  options: PcaOptions = {},
): Pca {
  const k = Math.min(options.components ?? 2, rows, cols);
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-10;
  const random = seededRandom(options.seed ?? 1);

  const center = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) center[j]! += values[o + j]!;
  }
  for (let j = 0; j < cols; j++) center[j]! /= rows || 1;
  // The centred matrix, kept sparse: an imputed cell is the column mean, so once centred it is 0
  // (up to rounding, hence the tolerance), and only the votes given remain. With the few votes
  // each a real conversation's participants give (3 % of the cells in football-concussions),
  // a step costs a few percent of the dense one.
  const rowStart = new Int32Array(rows + 1);
  let nonZero = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) if (Math.abs(values[o + j]! - center[j]!) > 1e-12) nonZero++;
  }
  const column = new Int32Array(nonZero);
  const entry = new Float64Array(nonZero);
  let totalVariance = 0;
  let at = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const d = values[o + j]! - center[j]!;
      if (Math.abs(d) <= 1e-12) continue;
      column[at] = j;
      entry[at] = d;
      totalVariance += d * d;
      at++;
    }
    rowStart[i + 1] = at;
  }
  const x: Sparse = { rows, cols, rowStart, column, entry };

  const components: Float64Array[] = [];
  const eigenvalues: number[] = [];
  const iterations: number[] = [];
  const u = new Float64Array(rows);
  for (let c = 0; c < k; c++) {
    // Polis starts from random vectors; a seeded generator keeps the result reproducible.
    let v: Float64Array = new Float64Array(cols);
    for (let j = 0; j < cols; j++) v[j] = random() + 0.1;
    orthogonalise(v, components);
    if (!normalise(v)) break;
    let eigenvalue = 0;
    let steps = 0;
    for (; steps < maxIterations; steps++) {
      const w = multiplyXtX(x, v, u);
      orthogonalise(w, components);
      eigenvalue = dot(v, w);
      if (!normalise(w)) {
        // Nothing left in the directions not yet found (a rank-deficient matrix).
        eigenvalue = 0;
        v = w;
        break;
      }
      const change = 1 - Math.abs(dot(v, w));
      v = w;
      if (change < tolerance) {
        steps++;
        break;
      }
    }
    if (eigenvalue <= 0) {
      components.push(new Float64Array(cols));
      eigenvalues.push(0);
      iterations.push(steps);
      continue;
    }
    fixSign(v);
    components.push(v);
    eigenvalues.push(eigenvalue);
    iterations.push(steps);
  }
  while (components.length < (options.components ?? 2)) {
    components.push(new Float64Array(cols));
    eigenvalues.push(0);
    iterations.push(0);
  }
  return { center, components, eigenvalues, totalVariance, iterations };
}

interface Sparse {
  rows: number;
  cols: number;
  /** row i's entries are rowStart[i] .. rowStart[i + 1] − 1 */
  rowStart: Int32Array;
  column: Int32Array;
  entry: Float64Array;
}

/** w = Xᵀ(Xv), in two passes over the sparse centred matrix. */
function multiplyXtX(x: Sparse, v: Float64Array, u: Float64Array): Float64Array {
  const { rows, cols, rowStart, column, entry } = x;
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) s += entry[e]! * v[column[e]!]!;
    u[i] = s;
  }
  const w = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const ui = u[i]!;
    if (ui === 0) continue;
    for (let e = rowStart[i]!; e < rowStart[i + 1]!; e++) w[column[e]!]! += ui * entry[e]!;
  }
  return w;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
}

function normalise(v: Float64Array): boolean {
  const norm = Math.sqrt(dot(v, v));
  if (!(norm > 1e-300)) return false;
  for (let j = 0; j < v.length; j++) v[j]! /= norm;
  return true;
}

function orthogonalise(v: Float64Array, basis: readonly Float64Array[]) {
  for (const b of basis) {
    const d = dot(v, b);
    for (let j = 0; j < v.length; j++) v[j]! -= d * b[j]!;
  }
}

/**
 * A component's sign is arbitrary; fixing it (largest entry positive) keeps the picture from
 * flipping between two computations of the same votes.
 */
function fixSign(v: Float64Array) {
  let best = 0;
  for (let j = 0; j < v.length; j++) if (Math.abs(v[j]!) > Math.abs(v[best]!)) best = j;
  if (v[best]! < 0) for (let j = 0; j < v.length; j++) v[j] = -v[j]!;
}

/**
 * Polis's sparsity-aware projection (pca.clj, sparsity-aware-project-ptpt): a participant's
 * centred votes projected on the components, scaled by √(statements / their votes). Imputed cells
 * sit exactly on the centre, so only the votes given count, and the scaling pushes someone who
 * voted on few statements out from the middle as far as their votes would have put them had they
 * voted on all.
 */
export function projectRow(
  values: Float64Array,
  row: number,
  cols: number,
  result: Pca,
  votes: number,
): [number, number] {
  const o = row * cols;
  const [c1, c2] = result.components as [Float64Array, Float64Array];
  let p1 = 0;
  let p2 = 0;
  for (let j = 0; j < cols; j++) {
    const d = values[o + j]! - result.center[j]!;
    p1 += d * c1[j]!;
    p2 += d * c2[j]!;
  }
  const scale = Math.sqrt(cols / Math.max(votes, 1));
  return [p1 * scale, p2 * scale];
}
