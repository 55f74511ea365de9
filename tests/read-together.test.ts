/**
 * db/portable.ts `readTogether`: several reads in one statement must give each read's rows exactly
 * as running it alone does, on both engines: the same keys, values, nulls, order and limits, an
 * empty read as [], counts and `exists` flags as numbers the callers already read.
 */
import { sql } from "kysely";
import { expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { readTogether } from "../db/portable";
import { makeCommunity, makeMeeting, makeProject, makeUser } from "./support/factories";

/** What a row holds once a caller has read it: counts and flags as numbers. */
const plain = (rows: Array<Record<string, unknown>>) =>
  rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === "boolean"
          ? Number(v)
          : typeof v === "bigint" || /^(n|voted)$/.test(k)
            ? Number(v)
            : v,
      ]),
    ),
  );

it("gives every read the rows it gives alone, in one statement", async () => {
  const db = getDb();
  const c = await makeCommunity();
  const other = await makeCommunity("other");
  for (let i = 0; i < 4; i++) await makeProject(c, { title: `项目 "${i}" ∑'` });
  await makeProject(other);
  await makeMeeting(c);
  const user = await makeUser();
  const reads = () => ({
    projects: db
      .selectFrom("projects")
      .select(["id", "title", "statusReason", "budgetTotal", "submittedAt as at"])
      .where("communityId", "=", c)
      .orderBy("id", "desc")
      .limit(3),
    joined: db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .select(["meetings.id", "meetings.topic", "councils.areaId", "meetings.isPublic"])
      .where("councils.areaId", "=", c),
    counts: db
      .selectFrom("projects")
      .select((eb) => ["communityId", eb.fn.countAll<number>().as("n")])
      .groupBy("communityId")
      .orderBy("communityId"),
    flags: db
      .selectFrom("projects")
      .select((eb) => [
        "projects.id",
        eb
          .exists(
            eb
              .selectFrom("projectSupports")
              .select("projectSupports.userId")
              .whereRef("projectSupports.projectId", "=", "projects.id")
              .where("projectSupports.userId", "=", user),
          )
          .as("voted"),
      ])
      .where("projects.communityId", "=", other),
    none: db.selectFrom("projects").select(["id", "title"]).where("id", "<", 0),
    raw: db
      .selectFrom("projects")
      .select(sql<string>`'x'`.as("literal"))
      .limit(1),
  });
  const alone = Object.fromEntries(
    await Promise.all(
      Object.entries(reads()).map(async ([k, q]) => [k, await q.execute()] as const),
    ),
  );
  const together = await readTogether(db, reads());
  expect(alone.projects).toHaveLength(3);
  expect(alone.none).toEqual([]);
  for (const k of Object.keys(alone)) {
    expect(plain(together[k as keyof typeof together] as never), k).toEqual(
      plain(alone[k] as never),
    );
  }
  // The keys are the reads' own names, camelCase, as Kysely gives them.
  expect(Object.keys(together.projects[0]!)).toEqual([
    "id",
    "title",
    "statusReason",
    "budgetTotal",
    "at",
  ]);
  expect(await readTogether(db, {})).toEqual({});
});

it("refuses a read whose columns it cannot name", async () => {
  const db = getDb();
  await expect(readTogether(db, { all: db.selectFrom("projects").selectAll() })).rejects.toThrow(
    /name every selected column/,
  );
});
