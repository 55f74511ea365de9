/** db/sqlite3-dialect.ts keeps statements prepared: what that must not change. */
import { Kysely, sql, type Generated } from "kysely";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Sqlite3Dialect } from "../db/sqlite3-dialect";

interface Db {
  things: { id: Generated<number>; name: string };
}

let db: Kysely<Db>;

beforeEach(async () => {
  db = new Kysely<Db>({ dialect: new Sqlite3Dialect({ filename: ":memory:" }) });
  await sql`create table things (id integer primary key, name text not null unique)`.execute(db);
});

afterEach(async () => {
  await db.destroy();
});

const insert = (name: string) => db.insertInto("things").values({ name }).executeTakeFirst();
const names = () => db.selectFrom("things").select("name").orderBy("id").execute();

it("runs a kept statement again with new values, also after it failed", async () => {
  expect((await insert("一")).insertId).toBe(1n);
  await expect(insert("一")).rejects.toThrow(/UNIQUE constraint failed/);
  expect((await insert("二")).insertId).toBe(2n);
  expect(await names()).toEqual([{ name: "一" }, { name: "二" }]);
  const updated = await db
    .updateTable("things")
    .set({ name: "三" })
    .where("name", "=", "二")
    .executeTakeFirst();
  expect(updated.numUpdatedRows).toBe(1n);
});

it("sees a changed schema through a statement kept from before", async () => {
  await insert("一");
  const all = () => sql<Record<string, unknown>>`select * from things`.execute(db);
  expect((await all()).rows).toEqual([{ id: 1, name: "一" }]);
  await sql`alter table things add column note text default '新'`.execute(db);
  expect((await all()).rows).toEqual([{ id: 1, name: "一", note: "新" }]);
});

it("keeps a bounded number of statements, and closes with them all finalised", async () => {
  // More texts than it keeps: each `in (…)` of another length is another statement.
  for (let n = 1; n <= 300; n++) {
    const ids = Array.from({ length: n }, (_, k) => k + 1);
    await db.selectFrom("things").select("id").where("id", "in", ids).execute();
  }
  await insert("一");
  expect(await names()).toEqual([{ name: "一" }]);
  // afterEach closes the database: SQLite refuses to close while a statement is left open.
});

it("closes after the queries under way, which finish, and refuses those asked for after", async () => {
  // A transaction holds the one connection; queries wait behind it; then the server shuts down
  // (its requests' loaders may still be reading: a server closing under load did this).
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const trx = db.transaction().execute(async (t) => {
    await t.insertInto("things").values({ name: "事务中" }).execute();
    await held;
    await t.selectFrom("things").select("id").where("id", "in", [1, 2, 3]).execute();
  });
  const waiting = names();
  await new Promise((r) => setTimeout(r, 10));
  const closing = db.destroy();
  release();
  await trx;
  expect(await waiting).toEqual([{ name: "事务中" }]);
  await closing;
  await expect(names()).rejects.toThrow(/destroyed|closed/);
  // afterEach destroys again: nothing to do.
});
