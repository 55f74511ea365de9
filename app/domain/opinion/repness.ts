import type { Repness, StatementGroupStat, StatementScore } from "./types";

/**
 * What each group thinks of each statement, and the three readings drawn from it: representative
 * statements per group, consensus across groups, division between them. The formulas follow
 * Polis (math/src/polismath/math/repness.clj and stats.clj); the thresholds are documented in
 * README-opinion.md.
 */

/** Polis's 90 % one-sided threshold (stats.clj z-sig-90?). */
export const Z_90 = 1.2816;
/** Representative statements kept per group, best first (Polis keeps 5). */
export const REPRESENTATIVE_PER_GROUP = 5;
/** Consensus and divisive statements kept. */
export const LIST_LENGTH = 10;
/** A divisive statement's groups differ by at least this much in smoothed net agreement / 2. */
export const DIVISIVE_MIN = 0.25;

/** The smoothed share (count + 1) / (seen + 2): a Beta(1,1) prior, so 0 of 0 reads as ½. */
export const smoothed = (count: number, seen: number) => (count + 1) / (seen + 2);

/** Polis's one-proportion test of "more than half" (stats.clj prop-test), with +1 pseudo-counts. */
export function propTest(success: number, n: number): number {
  const s = success + 1;
  const t = n + 1;
  return 2 * Math.sqrt(t) * (s / t - 0.5);
}

/**
 * Polis's two-proportion z-test of "the group more than the rest" (stats.clj two-prop-test):
 * every count gets +1 so that empty groups do not divide by zero.
 */
export function twoPropTest(
  successIn: number,
  successOut: number,
  nIn: number,
  nOut: number,
): number {
  const s1 = successIn + 1;
  const s2 = successOut + 1;
  const n1 = nIn + 1;
  const n2 = nOut + 1;
  const p1 = s1 / n1;
  const p2 = s2 / n2;
  const pooled = (s1 + s2) / (n1 + n2);
  if (pooled >= 1 || pooled <= 0) return 0;
  return (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
}

/** Counts per statement (rows) and group (columns). */
export interface GroupCounts {
  statements: number[];
  k: number;
  /** [statement index][group] */
  perGroup: StatementGroupStat[][];
}

/**
 * Counts the votes of the participants placed in groups. `raw` is the row-major matrix with NaN
 * for no vote; `groups[i]` is row i's group, or −1 for a participant outside the map.
 */
export function groupCounts(
  raw: Float64Array,
  statements: number[],
  groups: Int32Array,
  k: number,
): GroupCounts {
  const m = statements.length;
  const perGroup: StatementGroupStat[][] = statements.map(() =>
    Array.from({ length: k }, (_, group) => ({ group, agree: 0, disagree: 0, pass: 0, seen: 0 })),
  );
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (g < 0) continue;
    for (let j = 0; j < m; j++) {
      const v = raw[i * m + j]!;
      if (Number.isNaN(v)) continue;
      const s = perGroup[j]![g]!;
      s.seen++;
      if (v > 0) s.agree++;
      else if (v < 0) s.disagree++;
      else s.pass++;
    }
  }
  return { statements, k, perGroup };
}

function repnessOf(
  statement: number,
  direction: "agree" | "disagree",
  own: StatementGroupStat,
  rest: { count: number; seen: number },
): Repness & { metric: number; passes: boolean } {
  const count = direction === "agree" ? own.agree : own.disagree;
  const probability = smoothed(count, own.seen);
  const restProbability = smoothed(rest.count, rest.seen);
  const ratio = probability / restProbability;
  const z = twoPropTest(count, rest.count, own.seen, rest.seen);
  const pz = propTest(count, own.seen);
  return {
    statement,
    direction,
    probability,
    restProbability,
    ratio,
    z,
    count,
    seen: own.seen,
    // Polis's ordering (repness-metric): how much more than the rest, how sure, how many, how sure.
    metric: ratio * z * probability * pz,
    passes: z > Z_90 && pz > Z_90,
  };
}

/**
 * Each group's representative statements: those the group agrees (or disagrees) with
 * significantly more than the rest of the map AND significantly more than half the time (Polis's
 * passes-by-test?), best few by Polis's metric. Unlike Polis, a group with no significant
 * statement gets none rather than its least bad one: the map should not claim what the votes do
 * not show.
 */
export function representative(counts: GroupCounts): Repness[][] {
  const { statements, k, perGroup } = counts;
  const result: Repness[][] = Array.from({ length: k }, () => []);
  const scored: (Repness & { metric: number })[][] = Array.from({ length: k }, () => []);
  statements.forEach((statement, j) => {
    const row = perGroup[j]!;
    const total = row.reduce(
      (t, s) => ({
        agree: t.agree + s.agree,
        disagree: t.disagree + s.disagree,
        seen: t.seen + s.seen,
      }),
      { agree: 0, disagree: 0, seen: 0 },
    );
    for (let g = 0; g < k; g++) {
      const own = row[g]!;
      if (own.seen === 0) continue;
      const restSeen = total.seen - own.seen;
      const agree = repnessOf(statement, "agree", own, {
        count: total.agree - own.agree,
        seen: restSeen,
      });
      const disagree = repnessOf(statement, "disagree", own, {
        count: total.disagree - own.disagree,
        seen: restSeen,
      });
      const candidates = [agree, disagree].filter((c) => c.passes);
      if (candidates.length === 0) continue;
      const best = candidates.length === 2 && disagree.z > agree.z ? disagree : candidates[0]!;
      scored[g]!.push(best);
    }
  });
  for (let g = 0; g < k; g++) {
    result[g] = scored[g]!.sort((a, b) => b.metric - a.metric || a.statement - b.statement)
      .slice(0, REPRESENTATIVE_PER_GROUP)
      .map(({ metric: _metric, ...rest }) => rest);
  }
  return result;
}

/**
 * Group-aware consensus (Polis conversation.clj, group-aware-consensus): the product over groups
 * of each group's smoothed agree probability, so a statement scores high only when every group,
 * however small, agrees. Listed when every group agrees more often than not (smoothed > ½).
 */
export function consensus(counts: GroupCounts): StatementScore[] {
  const out: StatementScore[] = [];
  counts.statements.forEach((statement, j) => {
    const row = counts.perGroup[j]!;
    let score = 1;
    let everyGroup = row.length > 0;
    for (const s of row) {
      const p = smoothed(s.agree, s.seen);
      score *= p;
      if (!(p > 0.5)) everyGroup = false;
    }
    if (everyGroup) out.push({ statement, score, perGroup: row });
  });
  return out.sort((a, b) => b.score - a.score || a.statement - b.statement).slice(0, LIST_LENGTH);
}

/**
 * Divisive statements: half the spread, across groups, of the smoothed net agreement
 * (agree − disagree) / (seen + 2) — that is, of pa − pd with Polis's smoothing. 1 would be one
 * group all for and another all against; a statement one group agrees with and another merely
 * passes on scores half as much as one they split on. Listed from DIVISIVE_MIN up.
 */
export function divisive(counts: GroupCounts): StatementScore[] {
  const out: StatementScore[] = [];
  counts.statements.forEach((statement, j) => {
    const row = counts.perGroup[j]!;
    if (row.length < 2) return;
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const s of row) {
      const net = (s.agree - s.disagree) / (s.seen + 2);
      low = Math.min(low, net);
      high = Math.max(high, net);
    }
    const score = (high - low) / 2;
    if (score >= DIVISIVE_MIN) out.push({ statement, score, perGroup: row });
  });
  return out.sort((a, b) => b.score - a.score || a.statement - b.statement).slice(0, LIST_LENGTH);
}
