/**
 * The demo's year of history (issue 17, item 6): on first start every one of the last twelve
 * months has a 六和指数 snapshot in which every community has a figure, the communities differ
 * within a month and each community's figure moves from month to month; the history is made of
 * real council meetings (held, minuted, published) and comes after the rest of the demo, so the
 * demo's people and its own meetings keep their ids. The same on PostgreSQL
 * (`npm run test:pg -- tests/demo-history.test.ts`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { seedDemoData } from "../db/seed";
import { lastMonths, monthBounds, previousMonth } from "~/domain/month";

/**
 * The twelve months before the current one, oldest first: the months the seed has the monthly
 * job compute (it runs the job on the 2nd of each month, by the calendar of UTC).
 */
const lastTwelveMonths = (now: Date) =>
  lastMonths(previousMonth(now.toISOString().slice(0, 7)), 12);

let months: string[];
let communities: number[];
/** month → community → total score (hundredths), null for no data. */
const totals = new Map<string, Map<number, number | null>>();

beforeAll(async () => {
  const db = getDb();
  await seedDemoData(db);
  months = lastTwelveMonths(new Date());
  communities = (
    await db.selectFrom("areas").select("id").where("level", "=", "community").execute()
  ).map((a) => a.id);
  const rows = await db
    .selectFrom("indexScores")
    .innerJoin("indexSnapshots", "indexSnapshots.id", "indexScores.snapshotId")
    .select(["indexSnapshots.month", "indexScores.areaId", "indexScores.score"])
    .where("indexSnapshots.supersededBy", "is", null)
    .where("indexScores.node", "=", "total")
    .execute();
  for (const r of rows) {
    if (r.areaId === null) continue;
    const m = totals.get(r.month) ?? new Map<number, number | null>();
    m.set(r.areaId, r.score === null ? null : Number(r.score));
    totals.set(r.month, m);
  }
}, 600_000);

describe("the demo's year of history", () => {
  it("every one of the last twelve months has a snapshot with a figure for every community", () => {
    expect(communities.length).toBeGreaterThan(1);
    for (const month of months) {
      const m = totals.get(month);
      expect(m, month).toBeDefined();
      for (const id of communities) expect(m!.get(id), `${month}, community ${id}`).not.toBeNull();
    }
  });

  it("the communities differ within each month, and each community's figure moves over the year", () => {
    for (const month of months) {
      const values = new Set(communities.map((id) => totals.get(month)!.get(id)));
      expect(values.size, month).toBeGreaterThan(1);
    }
    for (const id of communities) {
      const values = new Set(months.map((month) => totals.get(month)!.get(id)));
      expect(values.size, `community ${id}`).toBeGreaterThan(2);
    }
  });

  it("is made of meetings each council held, minuted and published in every month", async () => {
    const db = getDb();
    for (const month of months) {
      const { from, to } = monthBounds(month);
      const held = await db
        .selectFrom("meetings")
        .innerJoin("councils", "councils.id", "meetings.councilId")
        .select("councils.areaId")
        .distinct()
        .where("meetings.startsAt", ">=", from)
        .where("meetings.startsAt", "<", to)
        .where("meetings.status", "=", "published")
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom("minutes")
              .select("minutes.meetingId")
              .whereRef("minutes.meetingId", "=", "meetings.id"),
          ),
        )
        .execute();
      expect(held.map((h) => h.areaId).sort(), month).toEqual([...communities].sort());
    }
  });

  it("comes after the rest of the demo: its people and the demo's own meetings keep their ids", async () => {
    const db = getDb();
    const ids = Object.fromEntries(
      (
        await db
          .selectFrom("users")
          .select(["id", "username"])
          .where("username", "in", ["admin", "committee", "gov-official", "resident"])
          .execute()
      ).map((u) => [u.username, u.id]),
    );
    // Sign-up order: the admin, the nine committee members, the four guests, the residents.
    expect(ids).toEqual({ admin: 1, committee: 2, "gov-official": 11, resident: 15 });
    const ownLast = await db
      .selectFrom("meetings")
      .select((eb) => eb.fn.max("id").as("id"))
      .where("startsAt", ">=", monthBounds(months.at(-1)!).to)
      .executeTakeFirstOrThrow();
    const historyFirst = await db
      .selectFrom("meetings")
      .select((eb) => eb.fn.min("id").as("id"))
      .where("startsAt", "<", monthBounds(months[0]!).to)
      .executeTakeFirstOrThrow();
    expect(Number(historyFirst.id)).toBeGreaterThan(Number(ownLast.id));
  });
});
