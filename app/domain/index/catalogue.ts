/**
 * 六和指数: the catalogue of measures — the raw figures Liuhe can compute per community and month
 * (app/services/index/measures.server.ts), each with its direction and how it becomes a score from
 * 0 to 100. The ids are fixed (the method tree and the stored scores name them); what each counts
 * is written in INDEX-MEASURES.md and, in the reader's language, under index:measures.<id>.
 *
 * Normalisation (`normaliseScore`):
 *   - target: a straight line from `worst` (0) to `best` (100), clamped to 0–100. For a measure
 *     where lower is better `best` is simply below `worst`; the same line works.
 *   - peers: where the value sits between the lowest and the highest of the peers that have data
 *     (the other communities of the same month, the value's own included), 0 at the lowest and
 *     100 at the highest (reversed when lower is better). When every peer has the same value —
 *     one community alone, or all equal — there is no spread to rank on: a figure that is
 *     something (above zero where more is better, zero where less is) scores 100, nobody being
 *     behind anyone; a zero where more is better scores 0 — nobody did it, and the same nothing
 *     everywhere is no achievement (a month before any organisation served must not read 100).
 *     Our choice, stated here and in the README.
 *   - no data (value null) is no score (null), never 0.
 */

export const MEASURES = [
  "participation",
  "membershipsDecided3Days",
  "meetingsPer1000",
  "mixedSeats",
  "commitmentsOnTime",
  "recountableVotes",
  "projectsCompleted",
  "projectSatisfaction",
  "orgProposedProjects",
  "activeOrganisations",
  "needsAccepted",
  "needsClosedOnTime",
  "needsMedianDays",
  "needSatisfaction",
  "needsRehandled",
  "inclusiveParticipation",
] as const;
export type MeasureId = (typeof MEASURES)[number];

export type MeasureUnit = "share" | "perThousand" | "days" | "rating" | "count";
export type Normalise = { kind: "target"; best: number; worst: number } | { kind: "peers" };

export interface MeasureSpec {
  id: MeasureId;
  direction: "higher" | "lower";
  unit: MeasureUnit;
  normalise: Normalise;
  /** Computed from the needs (民情) loop: without any needs these have no data. */
  needs?: true;
}

const share = (id: MeasureId, best = 1, worst = 0): MeasureSpec => ({
  id,
  direction: best > worst ? "higher" : "lower",
  unit: "share",
  normalise: { kind: "target", best, worst },
});
const peers = (id: MeasureId, unit: MeasureUnit): MeasureSpec => ({
  id,
  direction: "higher",
  unit,
  normalise: { kind: "peers" },
});
const needs = (spec: MeasureSpec): MeasureSpec => ({ ...spec, needs: true });

/**
 * The specs, in MEASURES order. The targets, and why (INDEX-MEASURES.md says the same):
 *   participation 0 → 50 %: a resident taking part in something every other month is already a
 *     very active community; beyond half of all residents each month there is nothing to gain.
 *   orgProposedProjects 0 → 50 %: social organisations proposing half the projects is full
 *     marks; residents' own proposals matter as much, so more is not rewarded further.
 *   inclusiveParticipation 0 → 25 %: roughly the share of older residents in Hangzhou's
 *     communities; reaching them in that proportion through the window is full marks.
 *   projectSatisfaction 1 → 5: the rating scale itself.
 *   needsMedianDays 30 → 7 days (lower is better): seven calendar days is about the default loop
 *     (accept 1 + dispatch 1 + resolve 5 working days); a month is a need left standing.
 *   needsRehandled 50 % → 0 (lower is better): half the needs sent back is as bad as it gets.
 *   every other share 0 → 100 %.
 * Counts that depend on a community's size or on what is there to do (meetings and completed
 * projects per 1,000 residents, organisations serving it) have no natural target: against peers.
 */
export const CATALOGUE: Record<MeasureId, MeasureSpec> = {
  participation: share("participation", 0.5),
  membershipsDecided3Days: share("membershipsDecided3Days"),
  meetingsPer1000: peers("meetingsPer1000", "perThousand"),
  mixedSeats: share("mixedSeats"),
  commitmentsOnTime: share("commitmentsOnTime"),
  recountableVotes: share("recountableVotes"),
  projectsCompleted: peers("projectsCompleted", "perThousand"),
  projectSatisfaction: {
    id: "projectSatisfaction",
    direction: "higher",
    unit: "rating",
    normalise: { kind: "target", best: 5, worst: 1 },
  },
  orgProposedProjects: share("orgProposedProjects", 0.5),
  activeOrganisations: peers("activeOrganisations", "count"),
  needsAccepted: needs(share("needsAccepted")),
  needsClosedOnTime: needs(share("needsClosedOnTime")),
  needsMedianDays: needs({
    id: "needsMedianDays",
    direction: "lower",
    unit: "days",
    normalise: { kind: "target", best: 7, worst: 30 },
  }),
  needSatisfaction: needs(share("needSatisfaction")),
  needsRehandled: needs(share("needsRehandled", 0, 0.5)),
  inclusiveParticipation: share("inclusiveParticipation", 0.25),
};

export const isMeasureId = (value: unknown): value is MeasureId =>
  typeof value === "string" && (MEASURES as readonly string[]).includes(value);

export function measureSpec(id: MeasureId): MeasureSpec {
  return CATALOGUE[id];
}

const clamp = (x: number) => Math.min(100, Math.max(0, x));

/**
 * A raw figure as a score from 0 to 100 (see the file's comment), or null for no data. `peers`
 * are the values of the same measure in the other communities of the month (nulls are ignored;
 * the value is counted among them whether or not the caller included it).
 */
export function normaliseScore(
  spec: MeasureSpec,
  value: number | null,
  peers: readonly (number | null)[],
): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const n = spec.normalise;
  if (n.kind === "target") {
    // best === worst would be a spec without a range: at or past it is full marks.
    if (n.best === n.worst) {
      return (spec.direction === "higher" ? value >= n.best : value <= n.best) ? 100 : 0;
    }
    return clamp(((value - n.worst) / (n.best - n.worst)) * 100);
  }
  let low = value;
  let high = value;
  for (const p of peers) {
    if (p === null || !Number.isFinite(p)) continue;
    if (p < low) low = p;
    if (p > high) high = p;
  }
  if (high === low) {
    const something = spec.direction === "higher" ? value > 0 : value <= 0;
    return something ? 100 : 0;
  }
  const position = ((value - low) / (high - low)) * 100;
  return clamp(spec.direction === "higher" ? position : 100 - position);
}
