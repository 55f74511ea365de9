/**
 * The index pages' reads (issue 17). They read the tables the method's computation writes
 * (db/migrations/20261204_0100_index.ts) and nothing else: a month's current snapshot is the one
 * no later snapshot supersedes; its figures are integers (scores in hundredths, NULL for "no
 * data"; measures' raw values in thousandths with the counts behind them). Scores stay integers
 * here and become one decimal only where they are shown, so a table and its chart agree.
 */
import { getDb } from "../../../db/client.server";
import { areaById, withAncestors } from "../communities/places.server";
import type { AreaLevel } from "~/domain/community/rules";
import { DomainError } from "~/domain/errors";
import { isMeasureId } from "~/domain/index/catalogue";
import {
  DIMENSIONS,
  isIndexMonth,
  monthIsOver,
  rankOf,
  readTree,
  treeMeasures,
  trendMonths,
  type DimensionId,
  type PageTree,
} from "~/domain/index/pages";
import { measureRecords, type MeasureRecord } from "./measures.server";

/** The levels the index covers (grids are part of their community). */
export const INDEX_LEVELS = ["district", "street", "community"] as const;
export type IndexLevel = (typeof INDEX_LEVELS)[number];

export interface SnapshotInfo {
  id: number;
  month: string;
  methodVersion: number;
  computedAt: string;
  /** Whether the monthly job computed it (else an admin, on demand). */
  byJob: boolean;
  reason: string | null;
}

/** One area's line in a month: its total and six dimension scores (hundredths, null = no data). */
export interface AreaLine {
  /** null: the city. */
  id: number | null;
  level: IndexLevel | "city";
  nameZh: string;
  nameEn: string;
  parentId: number | null;
  total: number | null;
  dimensions: Record<DimensionId, number | null>;
  residents: number;
  /** Among the areas of its level in the city; null when it has no total. */
  rank: number | null;
}

export interface IndexArea {
  id: number;
  level: IndexLevel;
  nameZh: string;
  nameEn: string;
  parentId: number | null;
}

const DIMENSION_NODES = DIMENSIONS.map((d) => `d:${d}`);

function toInfo(row: {
  id: number;
  month: string;
  methodVersion: number;
  computedAt: string;
  computedBy: number | null;
  reason: string | null;
}): SnapshotInfo {
  return {
    id: row.id,
    month: row.month,
    methodVersion: row.methodVersion,
    computedAt: row.computedAt,
    byJob: row.computedBy === null,
    reason: row.reason,
  };
}

const SNAPSHOT_COLUMNS = [
  "id",
  "month",
  "methodVersion",
  "computedAt",
  "computedBy",
  "reason",
] as const;

/** The months that have a current snapshot, newest first. */
export async function indexMonths(): Promise<string[]> {
  const rows = await getDb()
    .selectFrom("indexSnapshots")
    .select("month")
    .where("supersededBy", "is", null)
    .orderBy("month", "desc")
    .execute();
  return rows.map((r) => r.month);
}

/** A month's current snapshot, or null when the month has none. */
export async function currentSnapshot(month: string): Promise<SnapshotInfo | null> {
  const row = await getDb()
    .selectFrom("indexSnapshots")
    .select(SNAPSHOT_COLUMNS)
    .where("month", "=", month)
    .where("supersededBy", "is", null)
    .executeTakeFirst();
  return row ? toInfo(row) : null;
}

/**
 * Every snapshot of a month, oldest first: the first computation and each correction with its
 * reason; the last one is current.
 */
export async function snapshotHistory(month: string): Promise<SnapshotInfo[]> {
  const rows = await getDb()
    .selectFrom("indexSnapshots")
    .select(SNAPSHOT_COLUMNS)
    .where("month", "=", month)
    .orderBy("id")
    .execute();
  return rows.map(toInfo);
}

/**
 * An area the index covers (district, street or community), or null. From the tree of places held
 * once per process (communities/places.server: areas are reference data, no command writes them).
 */
export async function indexArea(id: number): Promise<IndexArea | null> {
  const row = await areaById(id);
  if (!row || !(INDEX_LEVELS as readonly AreaLevel[]).includes(row.level)) return null;
  const { nameZh, nameEn, parentId } = row;
  return { id, level: row.level as IndexLevel, nameZh, nameEn, parentId };
}

/** The areas above one, from the district down. */
export async function areaAncestors(area: IndexArea): Promise<IndexArea[]> {
  const out: IndexArea[] = [];
  for (const up of (await withAncestors(area.id)).slice(1)) {
    const line = await indexArea(up.id);
    // The index covers nothing above the districts.
    if (!line) break;
    out.unshift(line);
  }
  return out;
}

const emptyDimensions = (): Record<DimensionId, number | null> =>
  Object.fromEntries(DIMENSIONS.map((d) => [d, null])) as Record<DimensionId, number | null>;

/**
 * Every area's line in one snapshot: the city, then the districts, streets and communities, each
 * level ranked by total within the city. Areas the snapshot has no figures for are left out.
 */
export async function snapshotLines(snapshotId: number): Promise<{
  city: AreaLine | null;
  districts: AreaLine[];
  streets: AreaLine[];
  communities: AreaLine[];
}> {
  const db = getDb();
  const [rows, areas] = await Promise.all([
    db
      .selectFrom("indexScores")
      .select(["areaId", "node", "score", "residents"])
      .where("snapshotId", "=", snapshotId)
      .where("node", "in", ["total", ...DIMENSION_NODES])
      .execute(),
    db
      .selectFrom("areas")
      .select(["id", "level", "nameZh", "nameEn", "parentId", "sort"])
      .where("level", "in", [...INDEX_LEVELS])
      .orderBy("sort")
      .orderBy("id")
      .execute(),
  ]);
  const byArea = new Map<number | null, AreaLine>();
  const lineOf = (areaId: number | null): AreaLine | undefined => {
    let line = byArea.get(areaId);
    if (line) return line;
    const area = areaId === null ? null : areas.find((a) => a.id === areaId);
    if (areaId !== null && !area) return undefined;
    line = {
      id: areaId,
      level: area ? (area.level as IndexLevel) : "city",
      nameZh: area?.nameZh ?? "",
      nameEn: area?.nameEn ?? "",
      parentId: area?.parentId ?? null,
      total: null,
      dimensions: emptyDimensions(),
      residents: 0,
      rank: null,
    };
    byArea.set(areaId, line);
    return line;
  };
  for (const r of rows) {
    const line = lineOf(r.areaId);
    if (!line) continue;
    line.residents = r.residents;
    if (r.node === "total") line.total = r.score;
    else line.dimensions[r.node.slice(2) as DimensionId] = r.score;
  }
  const order = new Map(areas.map((a, i) => [a.id, i]));
  const level = (l: IndexLevel) => {
    const lines = [...byArea.values()]
      .filter((x) => x.level === l)
      .sort((a, b) => order.get(a.id!)! - order.get(b.id!)!);
    const ranks = rankOf(lines, (x) => x.total);
    for (const x of lines) x.rank = ranks.get(x) ?? null;
    return lines;
  };
  return {
    city: byArea.get(null) ?? null,
    districts: level("district"),
    streets: level("street"),
    communities: level("community"),
  };
}

/** A community ranking: ranked first (best first), then those with no data, by name order. */
export function ranking(lines: readonly AreaLine[]): AreaLine[] {
  return [...lines].sort((a, b) => {
    if (a.rank === null || b.rank === null) return a.rank === null ? (b.rank === null ? 0 : 1) : -1;
    return a.rank - b.rank;
  });
}

/** One node's figures in a snapshot. */
export interface NodeFigure {
  score: number | null;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
}

/** Every figure of one area (null: the city) in one snapshot, by node id. */
export async function areaFigures(
  snapshotId: number,
  areaId: number | null,
): Promise<{ figures: Record<string, NodeFigure>; residents: number | null }> {
  let q = getDb()
    .selectFrom("indexScores")
    .select(["node", "score", "value", "numerator", "denominator", "residents"])
    .where("snapshotId", "=", snapshotId);
  q = areaId === null ? q.where("areaId", "is", null) : q.where("areaId", "=", areaId);
  const rows = await q.execute();
  const figures: Record<string, NodeFigure> = {};
  for (const r of rows) {
    figures[r.node] = {
      score: r.score,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
    };
  }
  return { figures, residents: rows[0]?.residents ?? null };
}

export interface TrendPoint {
  month: string;
  /** Hundredths, or null: no snapshot that month, or no data. */
  total: number | null;
  dimensions: Record<DimensionId, number | null>;
}

/** An area's total and dimension scores over the 12 months ending at `month`, oldest first. */
export async function areaTrend(areaId: number | null, month: string): Promise<TrendPoint[]> {
  const months = trendMonths(month);
  let q = getDb()
    .selectFrom("indexScores as s")
    .innerJoin("indexSnapshots as n", "n.id", "s.snapshotId")
    .select(["n.month", "s.node", "s.score"])
    .where("n.supersededBy", "is", null)
    .where("n.month", ">=", months[0]!)
    .where("n.month", "<=", month)
    .where("s.node", "in", ["total", ...DIMENSION_NODES]);
  q = areaId === null ? q.where("s.areaId", "is", null) : q.where("s.areaId", "=", areaId);
  const rows = await q.execute();
  const points = months.map((m): TrendPoint => ({
    month: m,
    total: null,
    dimensions: emptyDimensions(),
  }));
  const byMonth = new Map(points.map((p) => [p.month, p]));
  for (const r of rows) {
    const p = byMonth.get(r.month);
    if (!p) continue;
    if (r.node === "total") p.total = r.score;
    else p.dimensions[r.node.slice(2) as DimensionId] = r.score;
  }
  return points;
}

export interface MethodVersion {
  version: number;
  note: string;
  publishedAt: string;
  tree: PageTree;
}

/** A published method version (the newest when none is named), or null when there is none. */
export async function methodVersion(version?: number): Promise<MethodVersion | null> {
  let q = getDb().selectFrom("indexMethods").select(["version", "tree", "note", "publishedAt"]);
  q =
    version === undefined
      ? q.orderBy("version", "desc").limit(1)
      : q.where("version", "=", version);
  const row = await q.executeTakeFirst();
  if (!row) return null;
  return {
    version: row.version,
    note: row.note,
    publishedAt: row.publishedAt,
    tree: readTree(row.tree),
  };
}

/** Every published version, newest first, without their trees. */
export async function methodVersions(): Promise<
  Array<{ version: number; note: string; publishedAt: string }>
> {
  return getDb()
    .selectFrom("indexMethods")
    .select(["version", "note", "publishedAt"])
    .orderBy("version", "desc")
    .execute();
}

/**
 * The month a page shows: the one asked for (?month=YYYY-MM), or the newest with a snapshot.
 * Ill-formed is 400; a month not yet over (its index cannot exist yet) or one without a snapshot
 * is 404, each with its reason. null: no month has an index yet (the page says so).
 */
export async function resolveMonth(
  asked: string | null,
  now: Date,
  /** The months with an index, if the caller has them (the pages keep them: pages.server.ts). */
  known?: Promise<string[]>,
): Promise<{ month: string | null; months: string[] }> {
  const months = await (known ?? indexMonths());
  if (asked === null || asked === "") return { month: months[0] ?? null, months };
  if (!isIndexMonth(asked)) throw new DomainError(400, "index:errors.pageMonthInvalid");
  if (!monthIsOver(asked, now)) throw new DomainError(404, "index:errors.pageMonthNotOver");
  if (!months.includes(asked)) throw new DomainError(404, "index:errors.pageMonthNone");
  return { month: asked, months };
}

/** The method version a page asks for (?version=N), or the newest; unknown is 404. */
export async function resolveVersion(asked: string | null): Promise<MethodVersion | null> {
  if (asked === null || asked === "") return methodVersion();
  const n = /^[1-9]\d{0,8}$/.test(asked) ? Number(asked) : null;
  const found = n === null ? null : await methodVersion(n);
  if (!found) throw new DomainError(404, "index:errors.pageVersionUnknown");
  return found;
}

/**
 * The records behind one measure of one community in one month ("the records that count"),
 * as the measures' own module lists them. The measure must be in the month's method.
 */
export async function measureRecordsOf(
  tree: PageTree,
  measure: string,
  communityId: number,
  month: string,
  limit = RECORDS_SHOWN,
): Promise<{ total: number; records: MeasureRecord[] }> {
  if (!isMeasureId(measure) || !treeMeasures(tree).includes(measure)) {
    throw new DomainError(404, "index:errors.pageMeasureUnknown");
  }
  return measureRecords(getDb(), measure, communityId, month, limit);
}

/** How many records a measure's list shows (the total is said above it). */
export const RECORDS_SHOWN = 50;

const LEVEL_LIST = { district: "districts", street: "streets", community: "communities" } as const;

/**
 * Everything an area's page shows for one month: its figures by node, its rank, the city's line
 * to compare with, the areas within it, its 12-month trend and the method the snapshot used.
 */
export async function areaMonth(area: IndexArea, snapshot: SnapshotInfo) {
  const [lines, own, trend, method, history] = await Promise.all([
    snapshotLines(snapshot.id),
    areaFigures(snapshot.id, area.id),
    areaTrend(area.id, snapshot.month),
    methodVersion(snapshot.methodVersion),
    snapshotHistory(snapshot.month),
  ]);
  const level = lines[LEVEL_LIST[area.level]];
  const line = level.find((l) => l.id === area.id) ?? null;
  const children =
    area.level === "district"
      ? lines.streets.filter((s) => s.parentId === area.id)
      : area.level === "street"
        ? lines.communities.filter((c) => c.parentId === area.id)
        : [];
  return {
    figures: own.figures,
    residents: own.residents,
    rank: line?.rank ?? null,
    rankedOf: level.filter((l) => l.rank !== null).length,
    city: lines.city,
    children,
    trend,
    tree: method?.tree ?? null,
    history,
  };
}
