/**
 * 六和指数: the raw figures of the catalogue's measures, per community and month (the issue 17
 * contract's signatures).
 *
 * On this branch (index-method) a short version, so that snapshots can be computed and tested:
 * verified residents, membership requests decided within 3 days and meetings per 1,000 residents
 * are counted for real; every other measure has no data (null). The measures branch
 * (index-measures) holds the whole catalogue and replaces this file when the two are merged.
 */
import { MEASURE_IDS, type MeasureId } from "~/domain/index/catalogue";
import { monthBounds } from "~/domain/index/month";
import type { Db } from "../runner/command.server";

export type RawFigure = {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
};

export interface MeasureRecord {
  kind:
    | "meeting"
    | "commitment"
    | "project"
    | "need"
    | "poll"
    | "round"
    | "membership"
    | "organisation"
    | "participation";
  id: number | null;
  title: string;
  at: string | null;
  counts: boolean;
  note?: string;
}

const DAY_MS = 86_400_000;
const NONE: RawFigure = { value: null, numerator: null, denominator: null };

async function communitiesOf(db: Db, communityIds?: number[]): Promise<number[]> {
  if (communityIds) return [...communityIds].sort((a, b) => a - b);
  const rows = await db
    .selectFrom("areas")
    .select("id")
    .where("level", "=", "community")
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

/** Verified residents at the month's end: verified memberships decided before it ended. */
export async function verifiedResidents(
  db: Db,
  month: string,
  communityIds?: number[],
): Promise<Map<number, number>> {
  const { to } = monthBounds(month);
  const ids = await communitiesOf(db, communityIds);
  const out = new Map(ids.map((id) => [id, 0]));
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom("memberships")
    .select(["communityId", (eb) => eb.fn.countAll<number | string>().as("n")])
    .where("status", "=", "verified")
    .where("decidedAt", "<", to)
    .where("communityId", "in", ids)
    .groupBy("communityId")
    .execute();
  for (const r of rows) out.set(r.communityId, Number(r.n));
  return out;
}

export async function rawFigures(
  db: Db,
  month: string,
  communityIds?: number[],
): Promise<Map<number, Record<MeasureId, RawFigure>>> {
  const { from, to } = monthBounds(month);
  const ids = await communitiesOf(db, communityIds);
  const residents = await verifiedResidents(db, month, ids);
  const out = new Map<number, Record<MeasureId, RawFigure>>();
  for (const id of ids) {
    out.set(
      id,
      Object.fromEntries(MEASURE_IDS.map((m) => [m, NONE])) as Record<MeasureId, RawFigure>,
    );
  }
  if (ids.length === 0) return out;

  // Requests made in the month, decided (either way) within 3 days of being made.
  const requests = await db
    .selectFrom("memberships")
    .select(["communityId", "requestedAt", "decidedAt"])
    .where("requestedAt", ">=", from)
    .where("requestedAt", "<", to)
    .where("communityId", "in", ids)
    .execute();
  const decided = new Map<number, { n: number; of: number }>();
  for (const r of requests) {
    const c = decided.get(r.communityId) ?? { n: 0, of: 0 };
    c.of++;
    if (r.decidedAt && Date.parse(r.decidedAt) - Date.parse(r.requestedAt) <= 3 * DAY_MS) c.n++;
    decided.set(r.communityId, c);
  }

  // Meetings of the community's councils that started in the month and were not cancelled.
  const meetings = await db
    .selectFrom("meetings")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select(["councils.areaId as communityId", (eb) => eb.fn.countAll<number | string>().as("n")])
    .where("meetings.startsAt", ">=", from)
    .where("meetings.startsAt", "<", to)
    .where("meetings.cancelledAt", "is", null)
    .where("councils.areaId", "in", ids)
    .groupBy("councils.areaId")
    .execute();
  const held = new Map(meetings.map((m) => [m.communityId, Number(m.n)]));

  for (const id of ids) {
    const figures = out.get(id)!;
    const d = decided.get(id);
    if (d)
      figures.membershipsDecided3Days = { value: d.n / d.of, numerator: d.n, denominator: d.of };
    const r = residents.get(id) ?? 0;
    if (r > 0) {
      const n = held.get(id) ?? 0;
      figures.meetingsPer1000 = { value: (1000 * n) / r, numerator: n, denominator: r };
    }
  }
  return out;
}

/**
 * The records behind one community's figure for a measure (nothing personal). Here for the two
 * measures this short version counts; none for the others.
 */
export async function measureRecords(
  db: Db,
  measure: MeasureId,
  communityId: number,
  month: string,
  limit = 50,
): Promise<{ total: number; records: MeasureRecord[] }> {
  const { from, to } = monthBounds(month);
  if (measure === "meetingsPer1000") {
    const rows = await db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .select(["meetings.id", "meetings.topic", "meetings.startsAt"])
      .where("meetings.startsAt", ">=", from)
      .where("meetings.startsAt", "<", to)
      .where("meetings.cancelledAt", "is", null)
      .where("councils.areaId", "=", communityId)
      .orderBy("meetings.startsAt")
      .orderBy("meetings.id")
      .execute();
    return {
      total: rows.length,
      records: rows.slice(0, limit).map((r) => ({
        kind: "meeting",
        id: r.id,
        title: r.topic,
        at: r.startsAt,
        counts: true,
      })),
    };
  }
  if (measure === "membershipsDecided3Days") {
    const rows = await db
      .selectFrom("memberships")
      .select(["id", "requestedAt", "decidedAt"])
      .where("requestedAt", ">=", from)
      .where("requestedAt", "<", to)
      .where("communityId", "=", communityId)
      .orderBy("requestedAt")
      .orderBy("id")
      .execute();
    return {
      total: rows.length,
      records: rows.slice(0, limit).map((r) => ({
        kind: "membership",
        id: null,
        title: r.requestedAt.slice(0, 10),
        at: r.decidedAt,
        counts:
          r.decidedAt !== null && Date.parse(r.decidedAt) - Date.parse(r.requestedAt) <= 3 * DAY_MS,
      })),
    };
  }
  return { total: 0, records: [] };
}
