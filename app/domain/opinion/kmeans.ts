import { seededRandom, type Random } from "../random";

/**
 * Weighted k-means on points of any dimension (row-major), seeded with k-means++ from a seeded
 * generator so the same input always gives the same clusters. Weights matter for the second level
 * of the map, where each point is a base cluster standing for its members.
 */
export interface KMeansResult {
  /** the cluster of each point, 0..k−1 */
  labels: Int32Array;
  /** row-major, k × dim */
  centers: Float64Array;
  /** the clusters found (fewer than asked when there are fewer distinct points) */
  k: number;
  /** weighted sum of squared distances to the centres */
  inertia: number;
}

export interface KMeansOptions {
  weights?: Float64Array | null;
  seed?: number;
  maxIterations?: number;
  /** k-means++ starts tried; the lowest inertia wins */
  restarts?: number;
  /** extra starting centres (k × dim) tried alongside k-means++, e.g. the last map's groups */
  start?: Float64Array | null;
}

export function kmeans(
  points: Float64Array,
  dim: number,
  k: number,
  options: KMeansOptions = {},
): KMeansResult {
  const n = points.length / dim;
  const weights = options.weights ?? new Float64Array(n).fill(1);
  const random = seededRandom(options.seed ?? 1);
  const restarts = Math.max(1, options.restarts ?? 1);
  let best: KMeansResult | null = null;
  const consider = (r: KMeansResult) => {
    if (!best || r.k > best.k || (r.k === best.k && r.inertia < best.inertia - 1e-12)) best = r;
  };
  if (options.start && options.start.length === k * dim) {
    consider(lloyd(points, dim, weights, Float64Array.from(options.start), options.maxIterations));
  }
  for (let r = 0; r < restarts; r++) {
    const centers = plusPlus(points, dim, k, weights, random);
    consider(lloyd(points, dim, weights, centers, options.maxIterations));
  }
  return best!;
}

function distance2(a: Float64Array, i: number, b: Float64Array, j: number, dim: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const x = a[i * dim + d]! - b[j * dim + d]!;
    s += x * x;
  }
  return s;
}

/** k-means++ (Arthur & Vassilvitskii), weighted: each next centre drawn ∝ weight × distance². */
function plusPlus(
  points: Float64Array,
  dim: number,
  k: number,
  weights: Float64Array,
  random: Random,
): Float64Array {
  const n = points.length / dim;
  const chosen: number[] = [];
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let total = 0;
  for (let i = 0; i < n; i++) total += weights[i]!;
  let pick = draw(weights, total, random);
  while (pick >= 0 && chosen.length < k) {
    chosen.push(pick);
    let sum = 0;
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = distance2(points, i, points, pick, dim);
      if (d < nearest[i]!) nearest[i] = d;
      scores[i] = weights[i]! * nearest[i]!;
      sum += scores[i]!;
    }
    // Every point already sits on a centre: there are no more distinct points to start from.
    if (!(sum > 0)) break;
    pick = draw(scores, sum, random);
  }
  const centers = new Float64Array(chosen.length * dim);
  chosen.forEach((p, c) => {
    for (let d = 0; d < dim; d++) centers[c * dim + d] = points[p * dim + d]!;
  });
  return centers;
}

function draw(scores: Float64Array, total: number, random: Random): number {
  if (!(total > 0)) return -1;
  let target = random() * total;
  for (let i = 0; i < scores.length; i++) {
    target -= scores[i]!;
    if (target < 0 && scores[i]! > 0) return i;
  }
  for (let i = scores.length - 1; i >= 0; i--) if (scores[i]! > 0) return i;
  return -1;
}

function lloyd(
  points: Float64Array,
  dim: number,
  weights: Float64Array,
  initial: Float64Array,
  maxIterations = 100,
): KMeansResult {
  const n = points.length / dim;
  let k = initial.length / dim;
  let centers = initial;
  const labels = new Int32Array(n).fill(-1);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let bestC = 0;
      let bestD = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const d = distance2(points, i, centers, c, dim);
        if (d < bestD) {
          bestD = d;
          bestC = c;
        }
      }
      if (labels[i] !== bestC) {
        labels[i] = bestC;
        changed = true;
      }
    }
    const sums = new Float64Array(k * dim);
    const mass = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      mass[c]! += weights[i]!;
      for (let d = 0; d < dim; d++) sums[c * dim + d]! += weights[i]! * points[i * dim + d]!;
    }
    // A centre that lost all its points is dropped (as Polis's cluster-step does), and the
    // labels renumbered so they stay 0..k−1.
    const keep: number[] = [];
    for (let c = 0; c < k; c++) if (mass[c]! > 0) keep.push(c);
    const next = new Float64Array(keep.length * dim);
    keep.forEach((c, to) => {
      for (let d = 0; d < dim; d++) next[to * dim + d] = sums[c * dim + d]! / mass[c]!;
    });
    if (keep.length < k) {
      const renumber = new Int32Array(k).fill(-1);
      keep.forEach((c, to) => (renumber[c] = to));
      for (let i = 0; i < n; i++) labels[i] = renumber[labels[i]!]!;
      k = keep.length;
      changed = true;
    }
    centers = next;
    if (!changed) break;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++)
    inertia += weights[i]! * distance2(points, i, centers, labels[i]!, dim);
  return { labels, centers, k, inertia };
}

/**
 * The silhouette of a clustering, each point counting `weight` times: a point standing for w
 * members is w members at one place, so its own cluster's mean distance counts its w − 1 twins at
 * distance 0 (the participants' silhouette, with each participant at their base cluster's
 * centre). A point alone in its cluster scores 0, as usual. Plain silhouette when weights are 1.
 */
export function silhouette(
  points: Float64Array,
  dim: number,
  labels: Int32Array,
  weights?: Float64Array | null,
): number {
  const n = labels.length;
  let k = 0;
  for (let i = 0; i < n; i++) k = Math.max(k, labels[i]! + 1);
  if (k < 2) return 0;
  const w = weights ?? new Float64Array(n).fill(1);
  const mass = new Float64Array(k);
  for (let i = 0; i < n; i++) mass[labels[i]!]! += w[i]!;
  let total = 0;
  let weightSum = 0;
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      sums[labels[j]!]! += w[j]! * Math.sqrt(distance2(points, i, points, j, dim));
    }
    const own = labels[i]!;
    let s = 0;
    if (mass[own]! > 1) {
      const a = sums[own]! / (mass[own]! - 1);
      let b = Number.POSITIVE_INFINITY;
      for (let c = 0; c < k; c++)
        if (c !== own && mass[c]! > 0) b = Math.min(b, sums[c]! / mass[c]!);
      const m = Math.max(a, b);
      s = m > 0 && Number.isFinite(b) ? (b - a) / m : 0;
    }
    total += w[i]! * s;
    weightSum += w[i]!;
  }
  return weightSum > 0 ? total / weightSum : 0;
}
