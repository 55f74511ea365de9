import { sql } from "kysely";
import { describe, expect, it, vi } from "vitest";
import { makeCommunity, makeMembership, makeUser } from "../tests/support/factories";
import { getDb, openDatabase } from "./client.server";
import { idsIn, isPostgres, readTogether } from "./portable";
import { prepared, preparedTogether } from "./prepared";
import type { DB } from "./client.server";

const membershipsOf = (db: DB, userId: number, status: "verified" | "pending") =>
  db
    .selectFrom("memberships")
    .select(["communityId", "status"])
    .where("userId", "=", userId)
    .where("status", "=", status)
    .orderBy("communityId");

describe(`prepared reads (${isPostgres(getDb()) ? "PostgreSQL" : "SQLite"})`, () => {
  it("give what the built query gives, for each call's values, building it once per database", async () => {
    const db = getDb();
    const [a, b] = [await makeCommunity("a"), await makeCommunity("b")];
    const [u1, u2] = [await makeUser(), await makeUser()];
    await makeMembership(u1, a, "verified");
    await makeMembership(u1, b, "pending");
    await makeMembership(u2, b, "verified");
    const build = vi.fn((d: DB, v: { userId: number; status: "verified" | "pending" }) =>
      membershipsOf(d, v.userId, v.status),
    );
    const read = prepared(build);
    for (const [userId, status] of [
      [u1, "verified"],
      [u1, "pending"],
      [u2, "verified"],
      [u2, "pending"],
    ] as const) {
      expect(await read.rows(db, { userId, status })).toEqual(
        await membershipsOf(db, userId, status).execute(),
      );
    }
    expect(await read.first(db, { userId: u2, status: "verified" })).toEqual({
      communityId: b,
      status: "verified",
    });
    expect(await read.first(db, { userId: u2, status: "pending" })).toBeUndefined();
    expect(build).toHaveBeenCalledTimes(1);
  });

  it("keep a constant of the query where it was, beside the values", async () => {
    const db = getDb();
    const c = await makeCommunity();
    const u = await makeUser();
    await makeMembership(u, c, "verified");
    const read = prepared((d: DB, v: { userId: number }) =>
      d
        .selectFrom("memberships")
        .select("communityId")
        .where("status", "=", "verified")
        .where("userId", "=", v.userId)
        .limit(5),
    );
    expect(await read.rows(db, { userId: u })).toEqual([{ communityId: c }]);
    expect(await read.rows(db, { userId: u + 1000 })).toEqual([]);
  });

  it("run inside a transaction, seeing what it wrote, on the transaction's connection", async () => {
    const db = getDb();
    const c = await makeCommunity();
    const u = await makeUser();
    const build = vi.fn((d: DB, v: { userId: number; status: "verified" | "pending" }) =>
      membershipsOf(d, v.userId, v.status),
    );
    const read = prepared(build);
    await read.rows(db, { userId: u, status: "verified" });
    const seen = await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("memberships")
        .values({ userId: u, communityId: c, status: "verified", requestedAt: "2026-01-01" })
        .execute();
      return read.rows(trx, { userId: u, status: "verified" });
    });
    expect(seen).toEqual([{ communityId: c, status: "verified" }]);
    // A transaction shares its database's compiled query (a ballot's box is read in one).
    await db.transaction().execute((trx) => read.rows(trx, { userId: u, status: "pending" }));
    expect(build).toHaveBeenCalledTimes(1);
  });

  it("compile for each database its own SQL", async () => {
    // Another engine's SQL would fail here: SQLite's `?` against PostgreSQL's `$1`, or the other way.
    const other = openDatabase(":memory:");
    try {
      await sql`create table memberships (community_id integer, status text, user_id integer)`.execute(
        other,
      );
      await sql`insert into memberships values (7, 'verified', 1)`.execute(other);
      const read = prepared((d: DB, v: { userId: number; status: "verified" | "pending" }) =>
        membershipsOf(d, v.userId, v.status),
      );
      expect(await read.rows(other, { userId: 1, status: "verified" })).toEqual([
        { communityId: 7, status: "verified" },
      ]);
      expect(await read.rows(getDb(), { userId: 1, status: "verified" })).toEqual(
        await membershipsOf(getDb(), 1, "verified").execute(),
      );
      expect(await read.rows(other, { userId: 2, status: "verified" })).toEqual([]);
    } finally {
      await other.destroy();
    }
  });

  it("refuse a value written into the SQL text, and a call without one of its values", async () => {
    const db = getDb();
    const inText = prepared((d: DB, v: { name: string }) =>
      d.selectFrom("users").select("id").where(sql.ref(v.name), "=", 1),
    );
    await expect(inText.rows(db, { name: "id" })).rejects.toThrow(/written into the SQL text/);
    const read = prepared((d: DB, v: { userId: number; status: "verified" | "pending" }) =>
      membershipsOf(d, v.userId, v.status),
    );
    await expect(read.rows(db, { userId: 1 } as never)).rejects.toThrow(/no value for "status"/);
  });

  it("read together as readTogether does, in one statement built once", async () => {
    const db = getDb();
    const [a, b] = [await makeCommunity("a"), await makeCommunity("b")];
    const u = await makeUser({ displayName: "老王" });
    await makeMembership(u, a, "verified");
    await makeMembership(u, b, "pending");
    const reads = (d: DB, v: { userId: number }) => ({
      user: d.selectFrom("users").select(["id", "displayName"]).where("id", "=", v.userId),
      verified: membershipsOf(d, v.userId, "verified"),
      pending: membershipsOf(d, v.userId, "pending"),
    });
    const build = vi.fn(reads);
    const read = preparedTogether(build);
    for (const userId of [u, u + 1000, u]) {
      expect(await read(db, { userId })).toEqual(await readTogether(db, reads(db, { userId })));
    }
    expect((await read(db, { userId: u })).user).toEqual([{ id: u, displayName: "老王" }]);
    expect(build).toHaveBeenCalledTimes(1);
  });
});

describe(`a list of ids as one value (${isPostgres(getDb()) ? "PostgreSQL" : "SQLite"})`, () => {
  it("matches the ids of the list, none for an empty one, in one SQL text for every length", async () => {
    const db = getDb();
    const users = [await makeUser(), await makeUser(), await makeUser()];
    const build = vi.fn((d: DB, v: { ids: string }) =>
      d.selectFrom("users").select("id").where("id", "in", idsIn(d, v.ids)).orderBy("id"),
    );
    const read = prepared(build);
    expect(await read.rows(db, { ids: JSON.stringify([users[2], users[0]]) })).toEqual([
      { id: users[0] },
      { id: users[2] },
    ]);
    expect(await read.rows(db, { ids: JSON.stringify(users) })).toHaveLength(3);
    expect(await read.rows(db, { ids: "[]" })).toEqual([]);
    expect(build).toHaveBeenCalledTimes(1);
  });
});

describe.skipIf(!isPostgres(getDb()))("a prepared read on PostgreSQL", () => {
  it("runs as a named statement, planned once and then kept; another statement is named after three runs", async () => {
    const db = getDb();
    const users = [await makeUser(), await makeUser()];
    const read = prepared((d: DB, v: { ids: string }) =>
      d.selectFrom("users").select("id").where("id", "in", idsIn(d, v.ids)).orderBy("id"),
    );
    // One connection throughout: named statements belong to the connection that prepared them.
    const kept = await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 8; i++)
        expect(await read.rows(trx, { ids: JSON.stringify(users) })).toEqual(
          users.map((id) => ({ id })),
        );
      // A statement of its own text (the alias), so that no other test has run it before.
      const other = () =>
        trx.selectFrom("users").select("id as onceThenNamed").where("id", "=", users[0]!).execute();
      const prepared = () =>
        sql<{ name: string; statement: string; generic: number }>`
          select name, statement, generic_plans as generic from pg_prepared_statements`.execute(
          trx,
        );
      await other();
      const once = (await prepared()).rows;
      await other();
      await other();
      return { once, thrice: (await prepared()).rows };
    });
    const ours = kept.once.filter((r) => /from "users" where "id" in/.test(r.statement));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.name).toMatch(/^liuhe_prepared_\d+$/);
    // PostgreSQL plans the first five runs for their values, then keeps one plan for any list.
    expect(Number(ours[0]!.generic)).toBeGreaterThan(0);
    // Any other statement runs unnamed until its text has run three times, then named.
    const other = (rows: typeof kept.once) =>
      rows.filter((r) => /once_then_named/.test(r.statement));
    expect(other(kept.once)).toEqual([]);
    expect(other(kept.thrice).map((r) => r.name)).toEqual([
      expect.stringMatching(/^liuhe_auto_\d+$/),
    ]);
    // Nor is the catalogue's own read, run twice, or `begin`.
    expect(kept.thrice.filter((r) => /pg_prepared_statements|begin/i.test(r.statement))).toEqual(
      [],
    );
  });

  it("runs a read planned on each run unnamed, however often it runs", async () => {
    const db = getDb();
    const user = await makeUser();
    const read = prepared(
      (d: DB, v: { id: number }) =>
        d.selectFrom("users").select("id as plannedEachRun").where("id", "=", v.id),
      { planEachRun: true },
    );
    const named = await db.transaction().execute(async (trx) => {
      for (let i = 0; i < 8; i++)
        expect(await read.rows(trx, { id: user })).toEqual([{ plannedEachRun: user }]);
      return (
        await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)
      ).rows;
    });
    expect(named.filter((r) => /planned_each_run/.test(r.statement))).toEqual([]);
  });
});
