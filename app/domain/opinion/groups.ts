import { kmeans, silhouette } from "./kmeans";

/**
 * From participants' positions to opinion groups, in Polis's two levels (conversation.clj):
 * k-means into up to BASE_K small base clusters, then the base clusters (each weighted by its
 * members in k-means) into k = 2..MAX_K groups, k chosen by silhouette; then numbered to match the last map.
 */
export const BASE_K = 100;
export const MAX_K = 5;
/** k-means++ starts tried at the group level (cheap: at most 100 weighted points). */
export const GROUP_RESTARTS = 20;
/**
 * With a previous map, its k is kept unless another k's silhouette beats it by this much. Polis
 * instead waits until a new k has been best in 4 consecutive updates; Liuhe keeps no such counter
 * (only the last assignments), so it asks for a clear margin instead — see README-opinion.md.
 */
export const KEEP_K_MARGIN = 0.05;

export interface Grouping {
  /** per point, 0..k−1 */
  labels: Int32Array;
  k: number;
  silhouette: number;
  /** the silhouette of each k tried */
  silhouettes: Map<number, number>;
}

/** Polis's max-k-fn: no more than 2 + one group per 12 base clusters, and never above MAX_K. */
export const maxGroups = (baseClusters: number) =>
  Math.min(MAX_K, 2 + Math.floor(baseClusters / 12));

/**
 * `points` is row-major n × 2. `previous[i]` is point i's group in the last map, or −1.
 * Returns null when the points cannot make two groups (fewer than two distinct positions).
 */
export function findGroups(
  points: Float64Array,
  previous: Int32Array | null,
  seed: number,
): Grouping | null {
  const n = points.length / 2;
  const base = kmeans(points, 2, Math.min(BASE_K, n), { seed, maxIterations: 100 });
  if (base.k < 2) return null;
  const weights = new Float64Array(base.k);
  for (let i = 0; i < n; i++) weights[base.labels[i]!]! += 1;

  const previousK = previous ? countGroups(previous) : 0;
  const top = maxGroups(base.k);
  const candidates = new Map<number, Int32Array>();
  const silhouettes = new Map<number, number>();
  for (let k = 2; k <= Math.min(top, base.k); k++) {
    const start = k === previousK ? previousCentres(points, previous!, k) : null;
    const result = kmeans(base.centers, 2, k, {
      weights,
      seed: seed + k,
      restarts: GROUP_RESTARTS,
      start,
      maxIterations: 100,
    });
    if (result.k !== k) continue;
    candidates.set(k, result.labels);
    // Polis's silhouette: over the base clusters, each counting once (clusters.clj silhouette on
    // the base clusters' distance matrix). Weighting each by its members was tried and matched
    // Polis's groups worse (brexit-consensus: 3 groups instead of 2; README-opinion.md).
    silhouettes.set(k, silhouette(base.centers, 2, result.labels));
  }
  if (candidates.size === 0) return null;
  let bestK = -1;
  for (const [k, s] of silhouettes) if (bestK < 0 || s > silhouettes.get(bestK)!) bestK = k;
  if (previousK && silhouettes.has(previousK)) {
    if (silhouettes.get(bestK)! - silhouettes.get(previousK)! < KEEP_K_MARGIN) bestK = previousK;
  }
  const baseLabels = candidates.get(bestK)!;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = baseLabels[base.labels[i]!]!;
  return {
    labels: renumber(labels, bestK, previous),
    k: bestK,
    silhouette: silhouettes.get(bestK)!,
    silhouettes,
  };
}

function countGroups(previous: Int32Array): number {
  const seen = new Set<number>();
  for (const g of previous) if (g >= 0) seen.add(g);
  return seen.size;
}

/** The centre of each previous group, at its members' new positions; null if one is empty. */
function previousCentres(points: Float64Array, previous: Int32Array, k: number) {
  const sums = new Float64Array(k * 2);
  const counts = new Float64Array(k);
  for (let i = 0; i < previous.length; i++) {
    const g = previous[i]!;
    if (g < 0 || g >= k) continue;
    counts[g]!++;
    sums[g * 2]! += points[i * 2]!;
    sums[g * 2 + 1]! += points[i * 2 + 1]!;
  }
  for (let g = 0; g < k; g++) {
    if (!counts[g]) return null;
    sums[g * 2]! /= counts[g]!;
    sums[g * 2 + 1]! /= counts[g]!;
  }
  return sums;
}

/**
 * Numbers the groups 0..k−1: without a previous map, largest first; with one, the numbering
 * (of all k! tried, k ≤ 5) that keeps the most participants under the number they had, ties going
 * to largest-first.
 */
export function renumber(labels: Int32Array, k: number, previous: Int32Array | null): Int32Array {
  const sizes = new Array<number>(k).fill(0);
  for (const g of labels) sizes[g]!++;
  // bySize[r] = the group that is r-th largest (ties: lower label first).
  const bySize = [...sizes.keys()].sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  let order = bySize;
  if (previous) {
    const overlap = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < labels.length; i++) {
      const p = previous[i]!;
      if (p >= 0 && p < k) overlap[labels[i]!]![p]!++;
    }
    let best = -1;
    // perm[r] = the number given to the r-th largest group; identity first, so ties keep size order.
    for (const perm of permutations(k)) {
      let kept = 0;
      for (let r = 0; r < k; r++) kept += overlap[bySize[r]!]![perm[r]!]!;
      if (kept > best) {
        best = kept;
        order = new Array<number>(k);
        for (let r = 0; r < k; r++) order[perm[r]!] = bySize[r]!;
      }
    }
  }
  const to = new Int32Array(k);
  order.forEach((group, number) => (to[group] = number));
  return labels.map((g) => to[g]!);
}

/** Permutations of 0..k−1 in lexicographic order (identity first). */
export function* permutations(k: number): Generator<number[]> {
  const a = [...Array(k).keys()];
  yield [...a];
  for (;;) {
    let i = k - 2;
    while (i >= 0 && a[i]! >= a[i + 1]!) i--;
    if (i < 0) return;
    let j = k - 1;
    while (a[j]! <= a[i]!) j--;
    [a[i], a[j]] = [a[j]!, a[i]!];
    for (let l = i + 1, r = k - 1; l < r; l++, r--) [a[l], a[r]] = [a[r]!, a[l]!];
    yield [...a];
  }
}
