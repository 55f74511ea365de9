/**
 * 六和指数: every figure of one month's snapshot, from the communities' raw figures (pure; the
 * service app/services/index/snapshots.server.ts reads the inputs and writes the rows).
 *
 *   1. each measure scored 0–100 (`normaliseScore`), the peers being every community that has a
 *      figure for it that month;
 *   2. every node of the method scored per community (`scoreTree`);
 *   3. streets, districts and the city (area id null) combined from their child areas, node by
 *      node, weighted by verified residents (`combineAreas`), from the child areas' figures as
 *      stored (whole hundredths): a street's figure is the weighted mean of its communities'
 *      published figures, which anyone can check from the published table.
 *
 * A combined area's measure rows (m:) carry the sum of its children's numerators and
 * denominators, and the value those sums give, where that is the same figure for the larger area:
 * for ratios of counts — shares (participation, decided within 3 days, mixed seats, on time, …:
 * value = numerator / denominator), rates per 1,000 residents (meetings, projects completed:
 * value = 1,000 × numerator / denominator) and a mean rating (project satisfaction: sum of the
 * ratings / ratings) — and only when every child with a figure says value = scale × numerator /
 * denominator. Otherwise — the median days to close a need (a median of medians is no median),
 * the count of organisations (summing would count an organisation serving several communities
 * once for each) — value, numerator and denominator are null: the area has its combined score.
 *
 * Stored as integers (db migration 20261204_0100): scores in hundredths, values in thousandths.
 * No clock and no unordered iteration: the same inputs give the same rows, in the same order.
 */
import { CATALOGUE, normaliseScore, type MeasureId, type MeasureSpec } from "./catalogue";
import {
  combineAreas,
  methodMeasures,
  methodNodes,
  scoreTree,
  type AreaScores,
  type MethodTree,
  type NodeScores,
} from "./method";

/** A community's raw figure for a measure (the contract's RawFigure): value null = no data. */
export interface MeasureFigure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

export interface SnapshotArea {
  id: number;
  parentId: number | null;
  level: "district" | "street" | "community" | "grid";
}

export interface ScoreRow {
  /** null: the city. */
  areaId: number | null;
  node: string;
  score: number | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  residents: number;
}

/** What scale × numerator / denominator a unit's value is, when it is a ratio of counts. */
const RATIO_SCALE: Partial<Record<MeasureSpec["unit"], number>> = {
  share: 1,
  perThousand: 1000,
  rating: 1,
};
const NONE: MeasureFigure = { value: null, numerator: null, denominator: null };

const hundredths = (score: number | null) => (score === null ? null : Math.round(score * 100));
const thousandths = (value: number | null) => (value === null ? null : Math.round(value * 1000));
const whole = (n: number | null) => (n === null ? null : Math.round(n));
const known = (v: number | null): v is number => v !== null && Number.isFinite(v);

interface Figures {
  residents: number;
  /** As stored: hundredths. */
  scores: NodeScores;
  measures: Map<MeasureId, MeasureFigure>;
}

/** A combined area's figure for a measure: the sums, where they mean the same (see above). */
export function combinedFigure(
  spec: MeasureSpec,
  children: ReadonlyArray<MeasureFigure | undefined>,
): MeasureFigure {
  const scale = RATIO_SCALE[spec.unit];
  if (scale === undefined) return NONE;
  let numerator = 0;
  let denominator = 0;
  for (const f of children) {
    if (!f || !known(f.value)) continue;
    if (!known(f.numerator) || !known(f.denominator) || !(f.denominator > 0)) return NONE;
    const ratio = (scale * f.numerator) / f.denominator;
    if (Math.abs(ratio - f.value) > 1e-9 * Math.max(1, Math.abs(f.value))) return NONE;
    numerator += f.numerator;
    denominator += f.denominator;
  }
  if (denominator === 0) return NONE;
  return { value: (scale * numerator) / denominator, numerator, denominator };
}

/**
 * Every row of a month's snapshot: for the city (first), then every area but grids in id order,
 * each with every node of the method in `methodNodes` order. `raw` and `residents` are the
 * communities' (a community missing from them has no data and no verified residents).
 */
export function snapshotFigures(input: {
  tree: MethodTree;
  areas: readonly SnapshotArea[];
  raw: ReadonlyMap<number, Partial<Record<MeasureId, MeasureFigure>>>;
  residents: ReadonlyMap<number, number>;
  measures?: readonly MeasureSpec[];
}): ScoreRow[] {
  const { tree, raw, residents } = input;
  const specs = new Map((input.measures ?? Object.values(CATALOGUE)).map((m) => [m.id, m]));
  const nodes = methodNodes(tree);
  const used = methodMeasures(tree);
  const areas = input.areas.filter((a) => a.level !== "grid").sort((a, b) => a.id - b.id);
  const communities = areas.filter((a) => a.level === "community").map((a) => a.id);
  const figureOf = (c: number, m: MeasureId): MeasureFigure => raw.get(c)?.[m] ?? NONE;

  const peers = new Map<MeasureId, number[]>(
    used.map((m) => [m, communities.map((c) => figureOf(c, m).value).filter(known)]),
  );

  const figures = new Map<number | null, Figures>();
  for (const c of communities) {
    const measureScores: Partial<Record<MeasureId, number | null>> = {};
    const measures = new Map<MeasureId, MeasureFigure>();
    for (const m of used) {
      const f = figureOf(c, m);
      const value = known(f.value) ? f.value : null;
      measureScores[m] = normaliseScore(specs.get(m)!, value, peers.get(m)!);
      measures.set(m, { value, numerator: f.numerator, denominator: f.denominator });
    }
    const scores = scoreTree(tree, measureScores);
    figures.set(c, {
      residents: residents.get(c) ?? 0,
      scores: Object.fromEntries(nodes.map((n) => [n, hundredths(scores[n] ?? null)])),
      measures,
    });
  }

  const children = new Map<number | null, number[]>();
  const ids = new Set(areas.map((a) => a.id));
  for (const a of areas) {
    // A parent that is not among the areas (none, or a grid's): the area hangs from the city.
    const parent = a.parentId !== null && ids.has(a.parentId) ? a.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), a.id]);
  }
  const combine = (area: number | null): Figures => {
    const done = figures.get(area);
    if (done) return done;
    const parts = (children.get(area) ?? []).map(combine);
    const areaScores: AreaScores[] = parts.map((p) => ({
      residents: p.residents,
      scores: p.scores,
    }));
    const combined = combineAreas(nodes, areaScores);
    const out: Figures = {
      residents: parts.reduce((a, p) => a + p.residents, 0),
      scores: Object.fromEntries(nodes.map((n) => [n, whole(combined[n] ?? null)])),
      measures: new Map(
        used.map((m) => [
          m,
          combinedFigure(
            specs.get(m)!,
            parts.map((p) => p.measures.get(m)),
          ),
        ]),
      ),
    };
    figures.set(area, out);
    return out;
  };

  const rows: ScoreRow[] = [];
  for (const areaId of [null, ...areas.map((a) => a.id)]) {
    const f = combine(areaId);
    for (const node of nodes) {
      const m = node.startsWith("m:") ? f.measures.get(node.slice(2) as MeasureId) : undefined;
      rows.push({
        areaId,
        node,
        score: f.scores[node] ?? null,
        value: m ? thousandths(m.value) : null,
        numerator: m ? whole(m.numerator) : null,
        denominator: m ? whole(m.denominator) : null,
        residents: f.residents,
      });
    }
  }
  return rows;
}
