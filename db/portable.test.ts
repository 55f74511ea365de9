import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { planOf } from "../tests/support/plans";
import { getDb } from "./client.server";
import {
  containsText,
  idsIn,
  idsTable,
  isPostgres,
  isUniqueViolation,
  jsonArrayElements,
  listAgg,
  perRow,
  reserveIds,
  textsIn,
} from "./portable";

describe(`portable SQL helpers (${isPostgres(getDb()) ? "PostgreSQL" : "SQLite"})`, () => {
  it("tell a unique violation, of one table or any, from other errors", async () => {
    const db = getDb();
    await sql`create table t_unique (k text primary key, n integer check (n > 0))`.execute(db);
    await sql`insert into t_unique values ('a', 1)`.execute(db);
    const dup = await sql`insert into t_unique values ('a', 2)`.execute(db).catch((e) => e);
    expect(isUniqueViolation(dup)).toBe(true);
    expect(isUniqueViolation(dup, "t_unique")).toBe(true);
    expect(isUniqueViolation(dup, "other")).toBe(false);
    const check = await sql`insert into t_unique values ('b', -1)`.execute(db).catch((e) => e);
    expect(isUniqueViolation(check)).toBe(false);
    expect(isUniqueViolation(new Error("UNIQUE constraint failed: t_unique.k"))).toBe(false);
  });

  it("aggregate a list, expand a JSON array, and test for a substring without wildcards", async () => {
    const db = getDb();
    const rows = await sql<{ joined: string | null; n: number; hit: number; wild: number }>`
      select (select ${listAgg(db, sql`v`, "|")} from (select 'x' as v union all select 'y') t) as joined,
             (select count(*) from ${jsonArrayElements(db, sql`'[3,4,5]'`, "j")}) as n,
             ${containsText(db, sql`'a%b'`, "%")} as hit,
             ${containsText(db, sql`'abc'`, "%")} as wild`.execute(db);
    const row = rows.rows[0]!;
    // SQLite answers a test with 1 or 0, PostgreSQL with true or false.
    expect([Number(row.n), Number(row.hit), Number(row.wild)]).toEqual([3, 1, 0]);
    expect(rows.rows[0]!.joined?.split("|").sort()).toEqual(["x", "y"]);
  });

  it("draw ids a table never had, ascending, which the next draw passes once rows use them", async () => {
    const db = getDb();
    await db.schema
      .createTable("t_ids")
      .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("v", "text")
      .execute();
    await sql`insert into t_ids (v) values ('a'), ('b')`.execute(db);
    const drawn = await db.transaction().execute(async (trx) => {
      const ids = await reserveIds(trx, "t_ids", 3);
      await sql`insert into t_ids (id, v) values (${ids[0]}, 'c'), (${ids[2]}, 'd')`.execute(trx);
      return ids;
    });
    expect(drawn).toHaveLength(3);
    expect(drawn[0]).toBeGreaterThan(2);
    expect(drawn).toEqual([...drawn].sort((a, b) => a - b));
    expect(new Set(drawn).size).toBe(3);
    // The next draw and the table's own ids both come after every id in use.
    const [next] = await reserveIds(db, "t_ids", 1);
    expect(next).toBeGreaterThan(drawn[2]!);
    const { rows } = await sql<{
      id: number;
    }>`insert into t_ids (v) values ('e') returning id`.execute(db);
    expect(Number(rows[0]!.id)).toBeGreaterThan(drawn[2]!);
  });

  it("expand a JSON array column of the table beside it, as the poll count does", async () => {
    const db = getDb();
    await sql`create table t_json (k integer, arr text)`.execute(db);
    await sql`insert into t_json values (1, '[1,2]'), (1, '[2]'), (2, '[1]')`.execute(db);
    const rows = await sql<{ v: number; n: number }>`
      select cast(j.value as integer) as v, count(*) as n
      from t_json t, ${jsonArrayElements(db, sql.ref("t.arr"), "j")}
      where t.k = 1
      group by j.value
      order by v`.execute(db);
    expect(rows.rows.map((r) => [Number(r.v), Number(r.n)])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it("look up a list's ids and texts in a long table by its index, not by reading the table", async () => {
    const db = getDb();
    const pg = isPostgres(db);
    await sql`create table t_many (id integer primary key, code text not null unique)`.execute(db);
    // 20,000 rows, as many sessions as the ballot benchmark has (a sequential scan cost 17 ms).
    await sql`insert into t_many (id, code)
      with recursive g(n) as (select 1 union all select n + 1 from g where n < 20000)
      select n, 'c' || n from g`.execute(db);
    await sql`analyze t_many`.execute(db);
    const { rows: some } = await sql<{
      id: number;
      code: string;
    }>`select id, code from t_many where id in (7, 19999)`.execute(db);
    const byId = db.selectFrom("t_many" as never).select(sql<number>`id`.as("id"));
    const ids = byId.where(sql.ref("id"), "in", idsIn(db, "[7,19999]"));
    const codes = byId.where(
      sql.ref("code"),
      "in",
      textsIn(db, JSON.stringify(some.map((r) => r.code))),
    );
    for (const q of [ids, codes]) {
      const found = (await q.execute()) as { id: number }[];
      expect(found.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([7, 19999]);
      const explained = await planOf(db, q.compile());
      expect(explained).not.toMatch(pg ? /Seq Scan on t_many/ : /\bSCAN t_many\b/);
      expect(explained).toMatch(pg ? /Index (Only )?Scan/ : /SEARCH t_many/);
    }
  });

  it("look up a list's ids one at a time by a unique key, whatever the statistics say", async () => {
    const db = getDb();
    const pg = isPostgres(db);
    await sql`create table t_voted (k integer not null, u integer not null)`.execute(db);
    await sql`create unique index t_voted_k_u on t_voted (k, u)`.execute(db);
    // Analysed before key 8 had a row, as a poll's participations before its first ballot...
    await sql`insert into t_voted (k, u) select 1, id from (select 1 as id union all select 2) t`.execute(
      db,
    );
    await sql`analyze t_voted`.execute(db);
    // ...then 10,000 rows of it, as the ballots of a busy hour, and no analysis since.
    await sql`insert into t_voted (k, u)
      with recursive g(n) as (select 1 union all select n + 1 from g where n < 10000)
      select 8, n from g`.execute(db);
    const read = db
      .selectFrom(idsTable(db, "[5,70,20001]").as("ids"))
      .select("ids.id as id")
      .where((eb) =>
        eb.exists(
          perRow(
            db,
            eb
              .selectFrom("t_voted" as never)
              .select(sql<number>`1`.as("one"))
              .where(sql.ref("k"), "=", 8)
              .where(sql.ref("u"), "=", sql.ref("ids.id")),
          ),
        ),
      );
    const found = await read.execute();
    expect(found.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual([5, 70]);
    const explained = await planOf(db, read.compile());
    // Each id looked up on both columns of the index, never key 8's rows read through.
    expect(explained).toMatch(
      pg
        ? /Index Cond: \(\(k = 8\) AND \(u = ids\.id\)\)/
        : /SEARCH t_voted (EXISTS )?USING COVERING INDEX t_voted_k_u \(k=\? AND u=\?\)/,
    );
    if (pg) expect(explained).toMatch(/SubPlan/);
  });
});
