/**
 * 民情 (needs) figures: the intensity heat table (communities × categories) and, per community and
 * per handling unit, the closure rate, the on-time rate, the median days to close, satisfaction
 * and the re-handling rate, for the whole city, a district or a street, over one China month's
 * needs or over what is open now. The definitions are in app/domain/needs/figures.ts.
 *
 * Why this shape: a city may hold 100,000 needs, so counts and sums are GROUP BY queries; only
 * what portable SQL cannot do is done here — the median (the closed needs' two timestamps) and the
 * handling rounds (read in bounded batches of timeline rows, never the whole table at once).
 */
import { getDb } from "../../../db/client.server";
import { NEED_CATEGORIES, type NeedCategory } from "~/domain/needs/categories";
import {
  daysBetween,
  handlingRounds,
  heatBucket,
  median,
  monthRange,
  onTimeRate,
  rate,
  satisfaction,
  type HandlingRound,
  type TimedStep,
  ROUND_STEPS,
} from "~/domain/needs/figures";
import type { NeedStatus } from "~/domain/needs/machine";

/** Statuses no longer worked on; merged needs' residents moved to another need, so never count. */
const DONE: NeedStatus[] = ["closed", "merged", "notForPlatform"];
/** Timeline rows read per batch for the rounds. */
const STEP_BATCH = 5000;

export type FiguresPeriod = { kind: "open" } | { kind: "month"; month: string };

export type FiguresScope =
  { kind: "city" } | { kind: "district" | "street"; id: number; nameZh: string; nameEn: string };

/** Districts, each with its streets: the scopes the page offers. */
export async function figureScopes() {
  const rows = await getDb()
    .selectFrom("areas as district")
    .leftJoin("areas as street", (j) =>
      j.onRef("street.parentId", "=", "district.id").on("street.level", "=", "street"),
    )
    .select([
      "district.id",
      "district.nameZh",
      "district.nameEn",
      "street.id as streetId",
      "street.nameZh as streetZh",
      "street.nameEn as streetEn",
    ])
    .where("district.level", "=", "district")
    .orderBy("district.sort")
    .orderBy("district.id")
    .orderBy("street.sort")
    .orderBy("street.id")
    .execute();
  const districts = new Map<
    number,
    {
      id: number;
      nameZh: string;
      nameEn: string;
      streets: { id: number; nameZh: string; nameEn: string }[];
    }
  >();
  for (const r of rows) {
    const d = districts.get(r.id) ?? { id: r.id, nameZh: r.nameZh, nameEn: r.nameEn, streets: [] };
    if (r.streetId !== null && r.streetZh !== null && r.streetEn !== null) {
      d.streets.push({ id: r.streetId, nameZh: r.streetZh, nameEn: r.streetEn });
    }
    districts.set(r.id, d);
  }
  return [...districts.values()];
}

/** A district or a street by id; anything else (or nothing) is the whole city. */
export async function figuresScope(areaId: number | undefined): Promise<FiguresScope> {
  if (!areaId) return { kind: "city" };
  const area = await getDb()
    .selectFrom("areas")
    .select(["id", "level", "nameZh", "nameEn"])
    .where("id", "=", areaId)
    .where("level", "in", ["district", "street"])
    .executeTakeFirst();
  if (!area) return { kind: "city" };
  return {
    kind: area.level as "district" | "street",
    id: area.id,
    nameZh: area.nameZh,
    nameEn: area.nameEn,
  };
}

export interface Figures {
  /** Residents behind the needs (see the domain's definitions), or null for none. */
  reported: number;
  closed: number;
  closureRate: number | null;
  onTimeRate: number | null;
  medianDaysToClose: number | null;
  satisfaction: number | null;
  answers: number;
  rehandlingRate: number | null;
}

export interface HeatRow {
  id: number;
  nameZh: string;
  nameEn: string;
  streetZh: string;
  streetEn: string;
  cells: { category: NeedCategory; value: number; bucket: number }[];
  total: number;
}

export interface NeedFigures {
  heat: HeatRow[];
  max: number;
  communities: Array<{ id: number; nameZh: string; nameEn: string } & Figures>;
  units: Array<
    {
      id: number;
      name: string;
      platform: string | null;
      streetZh: string;
      streetEn: string;
    } & Figures
  >;
}

/** Running tallies for one community or unit, turned into Figures at the end. */
class Tally {
  reported = 0;
  closed = 0;
  rehandledClosed = 0;
  days: number[] = [];
  /** Handling rounds counted, not kept: a city's timeline must not pile up here. */
  onTime = 0;
  late = 0;
  answers = { satisfied: 0, partly: 0, notSatisfied: 0 };
  figures(): Figures {
    const a = this.answers;
    return {
      reported: this.reported,
      closed: this.closed,
      closureRate: rate(this.closed, this.reported),
      onTimeRate: onTimeRate(this),
      medianDaysToClose: median(this.days),
      satisfaction: satisfaction(a),
      answers: a.satisfied + a.partly + a.notSatisfied,
      rehandlingRate: rate(this.rehandledClosed, this.closed),
    };
  }
}
const tallyOf = (map: Map<number, Tally>, id: number) => {
  let t = map.get(id);
  if (!t) map.set(id, (t = new Tally()));
  return t;
};

export async function needFigures(
  scope: FiguresScope,
  period: FiguresPeriod,
  now = new Date(),
  /** Timeline rows per batch (tests make it small to cross batches). */
  batch = STEP_BATCH,
): Promise<NeedFigures> {
  const db = getDb();
  const range = period.kind === "month" ? monthRange(period.month) : null;

  // The scope's streets, as a subquery every query below filters by.
  const streetIds = db
    .selectFrom("areas")
    .select("id")
    .where("level", "=", "street")
    .$if(scope.kind === "district", (q) =>
      q.where("parentId", "=", scope.kind === "district" ? scope.id : -1),
    )
    .$if(scope.kind === "street", (q) =>
      q.where("id", "=", scope.kind === "street" ? scope.id : -1),
    );
  // The period's needs in the scope, merged ones never (their residents are counted where they went).
  const periodNeeds = () =>
    db
      .selectFrom("needs")
      .where("needs.streetId", "in", streetIds)
      .where("needs.status", "!=", "merged")
      .$if(range !== null, (q) =>
        q.where("needs.createdAt", ">=", range!.from).where("needs.createdAt", "<", range!.to),
      );

  const [communities, units, heatCells, counts, answers, durations] = await Promise.all([
    db
      .selectFrom("areas as community")
      .innerJoin("areas as street", "street.id", "community.parentId")
      .select([
        "community.id",
        "community.nameZh",
        "community.nameEn",
        "street.nameZh as streetZh",
        "street.nameEn as streetEn",
      ])
      .where("community.level", "=", "community")
      .where("community.parentId", "in", streetIds)
      .orderBy("street.sort")
      .orderBy("street.id")
      .orderBy("community.sort")
      .orderBy("community.id")
      .execute(),
    db
      .selectFrom("needUnits")
      .innerJoin("areas as street", "street.id", "needUnits.streetId")
      .select([
        "needUnits.id",
        "needUnits.name",
        "needUnits.platform",
        "street.nameZh as streetZh",
        "street.nameEn as streetEn",
      ])
      .where("needUnits.streetId", "in", streetIds)
      .orderBy("street.sort")
      .orderBy("street.id")
      // The four platforms first, then the departments (the engines sort nulls differently).
      .orderBy((eb) => eb.case().when("needUnits.platform", "is", null).then(1).else(0).end())
      .orderBy("needUnits.platform")
      .orderBy("needUnits.id")
      .execute(),
    // Heat: open now, or the month's needs whatever became of them.
    (period.kind === "open"
      ? db
          .selectFrom("needs")
          .where("needs.streetId", "in", streetIds)
          .where("needs.status", "not in", DONE)
      : periodNeeds()
    )
      .select((eb) => [
        "needs.communityId",
        "needs.category",
        eb.fn.sum<number | string>("needs.intensity").as("intensity"),
      ])
      .groupBy(["needs.communityId", "needs.category"])
      .execute(),
    periodNeeds()
      .select((eb) => [
        "needs.communityId",
        "needs.unitId",
        eb.fn.countAll<number | string>().as("reported"),
        eb.fn
          .sum<number | string>(eb.case().when("needs.status", "=", "closed").then(1).else(0).end())
          .as("closed"),
        eb.fn
          .sum<number | string>(
            eb
              .case()
              .when(eb.and([eb("needs.status", "=", "closed"), eb("needs.rehandled", ">", 0)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as("rehandledClosed"),
      ])
      .groupBy(["needs.communityId", "needs.unitId"])
      .execute(),
    periodNeeds()
      .innerJoin("needResidents", "needResidents.needId", "needs.id")
      .where("needResidents.answer", "is not", null)
      .select((eb) => [
        "needs.communityId",
        "needs.unitId",
        "needResidents.answer",
        eb.fn.countAll<number | string>().as("n"),
      ])
      .groupBy(["needs.communityId", "needs.unitId", "needResidents.answer"])
      .execute(),
    periodNeeds()
      .where("needs.status", "=", "closed")
      .where("needs.closedAt", "is not", null)
      .select(["needs.communityId", "needs.unitId", "needs.createdAt", "needs.closedAt"])
      .execute(),
  ]);

  const byCommunity = new Map<number, Tally>();
  const byUnit = new Map<number, Tally>();
  const both = (communityId: number, unitId: number | null, f: (t: Tally) => void) => {
    f(tallyOf(byCommunity, communityId));
    if (unitId !== null) f(tallyOf(byUnit, unitId));
  };
  for (const c of counts) {
    both(c.communityId, c.unitId, (t) => {
      t.reported += Number(c.reported);
      t.closed += Number(c.closed);
      t.rehandledClosed += Number(c.rehandledClosed);
    });
  }
  for (const a of answers) {
    if (a.answer === null) continue;
    const answer = a.answer;
    both(a.communityId, a.unitId, (t) => {
      t.answers[answer] += Number(a.n);
    });
  }
  for (const d of durations) {
    const days = daysBetween(d.createdAt, d.closedAt!);
    both(d.communityId, d.unitId, (t) => t.days.push(days));
  }
  await eachNeedsRounds(
    (after) =>
      periodNeeds()
        .innerJoin("needSteps", "needSteps.needId", "needs.id")
        .where("needSteps.step", "in", [...ROUND_STEPS])
        .$if(after !== null, (q) =>
          q.where((eb) =>
            eb.or([
              eb("needSteps.needId", ">", after!.needId),
              eb.and([
                eb("needSteps.needId", "=", after!.needId),
                eb("needSteps.id", ">", after!.id),
              ]),
            ]),
          ),
        )
        .select([
          "needSteps.id",
          "needSteps.needId",
          "needs.communityId",
          "needSteps.step",
          "needSteps.at",
          "needSteps.deadlineAt",
          "needSteps.unitId",
          "needSteps.toStatus",
        ])
        .orderBy("needSteps.needId")
        .orderBy("needSteps.id")
        .limit(batch)
        .execute(),
    now,
    batch,
    (communityId, rounds) => {
      for (const r of rounds) {
        if (r.outcome !== "onTime" && r.outcome !== "late") continue;
        const counted = [tallyOf(byCommunity, communityId)];
        if (r.unitId !== null) counted.push(tallyOf(byUnit, r.unitId));
        for (const t of counted) t[r.outcome] += 1;
      }
    },
  );

  const cells = new Map<string, number>();
  for (const h of heatCells) cells.set(`${h.communityId}|${h.category}`, Number(h.intensity));
  const max = Math.max(0, ...cells.values());
  const heat: HeatRow[] = communities.map((c) => {
    const row = NEED_CATEGORIES.map((category) => {
      const value = cells.get(`${c.id}|${category}`) ?? 0;
      return { category, value, bucket: heatBucket(value, max) };
    });
    return { ...c, cells: row, total: row.reduce((s, x) => s + x.value, 0) };
  });
  const empty = new Tally();
  return {
    heat,
    max,
    communities: communities.map((c) => ({
      id: c.id,
      nameZh: c.nameZh,
      nameEn: c.nameEn,
      ...(byCommunity.get(c.id) ?? empty).figures(),
    })),
    units: units.map((u) => ({ ...u, ...(byUnit.get(u.id) ?? empty).figures() })),
  };
}

interface RoundRow extends TimedStep {
  id: number;
  needId: number;
  communityId: number;
}

/**
 * Reads the timeline rows the rounds need in batches ordered by need and step (keyset: `read`
 * gets the last row of the batch before), and hands each need's rounds over once all its rows
 * are read, so memory stays at one batch whatever the scope.
 */
async function eachNeedsRounds(
  read: (after: { needId: number; id: number } | null) => Promise<RoundRow[]>,
  now: Date,
  batch: number,
  onNeed: (communityId: number, rounds: HandlingRound[]) => void,
): Promise<void> {
  let after: { needId: number; id: number } | null = null;
  let current: { needId: number; communityId: number; steps: TimedStep[] } | null = null;
  for (;;) {
    const rows = await read(after);
    for (const r of rows) {
      if (current === null || current.needId !== r.needId) {
        if (current) onNeed(current.communityId, handlingRounds(current.steps, now));
        current = { needId: r.needId, communityId: r.communityId, steps: [] };
      }
      current.steps.push(r);
    }
    if (rows.length < batch) break;
    const last = rows[rows.length - 1]!;
    after = { needId: last.needId, id: last.id };
  }
  if (current) onNeed(current.communityId, handlingRounds(current.steps, now));
}
