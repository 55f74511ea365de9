import { findGroups } from "./groups";
import { buildMatrix, votesToEnter } from "./matrix";
import { pca, projectRow } from "./pca";
import { consensus, divisive, groupCounts, representative } from "./repness";
import type { MapOptions, OpinionMap, VoteCell } from "./types";

/** Votes a participant needs to be placed in the map (Polis: 7, or every statement if fewer). */
export const MIN_VOTES = 7;
/** Fewer participants in the map than this, and no map is drawn. */
export const MIN_PARTICIPANTS = 4;
/** Fewer accepted statements with votes than this, and no map is drawn (two axes need two). */
export const MIN_STATEMENTS = 2;
const DEFAULT_SEED = 18;

/**
 * The opinion map of a conversation from its votes (the last vote per participant and statement)
 * and the ids of its accepted statements; votes on any other statement are ignored. Pure and
 * deterministic: the same votes, options and seed always give the same map.
 */
export function computeOpinionMap(
  votes: readonly VoteCell[],
  statements: readonly number[],
  options: MapOptions = {},
): OpinionMap {
  const seed = options.seed ?? DEFAULT_SEED;
  const matrix = buildMatrix(votes, statements);
  const n = matrix.participants.length;
  const m = matrix.statements.length;
  const need = votesToEnter(options.minVotes ?? MIN_VOTES, m);
  const inMap: number[] = [];
  // Once placed, a participant stays placed (as Polis's in-conv): the last map's participants enter
  // whatever their vote count now (a statement rejected later may have taken some votes away).
  const kept = new Set<number>((options.previous ?? []).map((a) => a.participant));
  for (let i = 0; i < n; i++) {
    if (matrix.votesPerParticipant[i]! >= need || kept.has(matrix.participants[i]!)) inMap.push(i);
  }

  const totals = matrix.statements.map((statement, j) => {
    let agree = 0;
    let disagree = 0;
    let pass = 0;
    for (let i = 0; i < n; i++) {
      const v = matrix.raw[i * m + j]!;
      if (v > 0) agree++;
      else if (v < 0) disagree++;
      else if (v === 0) pass++;
    }
    return { statement, agree, disagree, pass };
  });
  const base = {
    participantsVoting: n,
    participantsInMap: inMap.length,
    statements: m,
    votes: matrix.votes,
  };
  const tooFew = (reason: "participants" | "statements" | "votes"): OpinionMap => ({
    status: "tooFew",
    reason,
    ...base,
    k: 0,
    silhouette: null,
    explained: null,
    points: [],
    groups: [],
    consensus: [],
    divisive: [],
    stats: totals.map((t) => ({ ...t, perGroup: [] })),
  });
  if (matrix.votes === 0) return tooFew("votes");
  if (m < MIN_STATEMENTS) return tooFew("statements");
  if (inMap.length < MIN_PARTICIPANTS) return tooFew("participants");

  // As Polis: the components come from everyone who voted (each missing vote sits at the
  // statement's mean, so a light voter pulls only on what they voted on); only those with
  // enough votes are placed and grouped.
  const components = pca(matrix.values, n, m, { components: 2, seed });
  const points = new Float64Array(inMap.length * 2);
  inMap.forEach((row, p) => {
    const [x, y] = projectRow(matrix.values, row, m, components, matrix.votesPerParticipant[row]!);
    points[p * 2] = x;
    points[p * 2 + 1] = y;
  });

  let previous: Int32Array | null = null;
  if (options.previous && options.previous.length > 0) {
    const before = new Map(options.previous.map((a) => [a.participant, a.group]));
    previous = Int32Array.from(inMap, (row) => before.get(matrix.participants[row]!) ?? -1);
  }
  const grouping = findGroups(points, previous, seed);
  // Everyone in the map sits on one spot: the votes separate no one.
  if (!grouping) return tooFew("votes");

  const rowGroup = new Int32Array(n).fill(-1);
  inMap.forEach((row, p) => (rowGroup[row] = grouping.labels[p]!));
  const counts = groupCounts(matrix.raw, matrix.statements, rowGroup, grouping.k);
  const reps = representative(counts);
  const sizes = new Array<number>(grouping.k).fill(0);
  for (const g of grouping.labels) sizes[g]!++;
  const total = components.totalVariance;
  return {
    status: "ok",
    ...base,
    k: grouping.k,
    silhouette: grouping.silhouette,
    explained:
      total > 0 ? [components.eigenvalues[0]! / total, components.eigenvalues[1]! / total] : [0, 0],
    points: inMap.map((row, p) => ({
      participant: matrix.participants[row]!,
      x: points[p * 2]!,
      y: points[p * 2 + 1]!,
      group: grouping.labels[p]!,
    })),
    groups: sizes.map((size, id) => ({ id, size, representative: reps[id]! })),
    consensus: consensus(counts),
    divisive: divisive(counts),
    stats: totals.map((t, j) => ({ ...t, perGroup: counts.perGroup[j]! })),
  };
}
