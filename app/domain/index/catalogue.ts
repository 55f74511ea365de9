// Stand-in on the index-pages branch: the catalogue as the contract names it (ids, MeasureSpec,
// MEASURES), replaced at merge by the measures/method branch's own app/domain/index/catalogue.ts.
/**
 * 六和指数: the catalogue of measures (issue 17). The ids are fixed by the contract; each
 * says which way is better, its unit, and how its raw figure becomes a 0–100 score.
 *
 * Normalisation, `normaliseScore`:
 *   - against a target: linear from `worst` (0) to `best` (100), clamped; `best` below `worst`
 *     reads "lower is better" the same way.
 *   - against peers: where the value sits between the lowest and the highest value of the
 *     communities that have data that month (100 at the better end); 100 when all of them are
 *     equal, since no community did worse than another.
 * No data (value null) is no score, never 0.
 */
export const MEASURE_IDS = [
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

export type MeasureId = (typeof MEASURE_IDS)[number];

export interface MeasureSpec {
  id: MeasureId;
  direction: "higher" | "lower";
  unit: "share" | "perThousand" | "days" | "rating" | "count";
  normalise: { kind: "target"; best: number; worst: number } | { kind: "peers" };
  /** A measure of the needs loop (民情). */
  needs?: true;
}

const share = (id: MeasureId, direction: "higher" | "lower" = "higher"): MeasureSpec => ({
  id,
  direction,
  unit: "share",
  normalise:
    direction === "higher"
      ? { kind: "target", best: 1, worst: 0 }
      : { kind: "target", best: 0, worst: 1 },
});

export const MEASURES: readonly MeasureSpec[] = [
  share("participation"),
  share("membershipsDecided3Days"),
  { id: "meetingsPer1000", direction: "higher", unit: "perThousand", normalise: { kind: "peers" } },
  share("mixedSeats"),
  share("commitmentsOnTime"),
  share("recountableVotes"),
  {
    id: "projectsCompleted",
    direction: "higher",
    unit: "perThousand",
    normalise: { kind: "peers" },
  },
  {
    id: "projectSatisfaction",
    direction: "higher",
    unit: "rating",
    normalise: { kind: "target", best: 5, worst: 1 },
  },
  share("orgProposedProjects"),
  { id: "activeOrganisations", direction: "higher", unit: "count", normalise: { kind: "peers" } },
  { ...share("needsAccepted"), needs: true },
  { ...share("needsClosedOnTime"), needs: true },
  {
    id: "needsMedianDays",
    direction: "lower",
    unit: "days",
    normalise: { kind: "target", best: 1, worst: 30 },
    needs: true,
  },
  { ...share("needSatisfaction"), needs: true },
  { ...share("needsRehandled", "lower"), needs: true },
  share("inclusiveParticipation"),
];

export const isMeasureId = (v: unknown): v is MeasureId =>
  typeof v === "string" && (MEASURE_IDS as readonly string[]).includes(v);

export function normaliseScore(
  spec: MeasureSpec,
  value: number | null,
  peers: number[],
): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (spec.normalise.kind === "target") {
    const { best, worst } = spec.normalise;
    if (best === worst) return value === best ? 100 : 0;
    const t = (value - worst) / (best - worst);
    return Math.min(100, Math.max(0, t * 100));
  }
  const known = peers.filter((p) => Number.isFinite(p));
  if (known.length === 0) return 100;
  const lo = Math.min(...known, value);
  const hi = Math.max(...known, value);
  if (hi === lo) return 100;
  const t = (value - lo) / (hi - lo);
  return (spec.direction === "higher" ? t : 1 - t) * 100;
}
