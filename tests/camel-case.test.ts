/**
 * db/camel-case.ts names identifiers as the compiler writes them instead of copying each query:
 * the SQL must be exactly what Kysely's CamelCasePlugin produced, rows still come back camelCase,
 * and a query built without plugins keeps its names.
 */
import {
  CamelCasePlugin,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type Dialect,
  type Generated,
} from "kysely";
import { expect, it } from "vitest";
import { CamelCaseNames, snakeCasing, withCompiler } from "../db/camel-case";
import { Sqlite3Dialect } from "../db/sqlite3-dialect";

interface Db {
  meetingRooms: { id: Generated<number>; councilId: number; startsAt: string; isPublic: number };
  councils: { id: Generated<number>; areaId: number; displayName: string };
}

const engines = {
  sqlite: () => ({
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  }),
  postgres: () => ({
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  }),
};
const compilers = { sqlite: SqliteQueryCompiler, postgres: PostgresQueryCompiler };

/** Queries of every kind that name tables, columns and aliases, as the services write them. */
const queries = (db: Kysely<Db>) => [
  db
    .selectFrom("meetingRooms")
    .innerJoin("councils", "councils.id", "meetingRooms.councilId")
    .select(["meetingRooms.id", "meetingRooms.startsAt", "councils.displayName as councilName"])
    .where("councils.areaId", "=", 3)
    .where((eb) =>
      eb.or([eb("meetingRooms.isPublic", "=", 1), eb("councils.areaId", "in", [1, 2])]),
    )
    .orderBy("meetingRooms.startsAt", "desc")
    .limit(5),
  db
    .with("recent", (w) => w.selectFrom("meetingRooms").select(["councilId", "startsAt"]))
    .selectFrom("recent")
    .select((eb) => [eb.fn.max("startsAt").as("lastStart"), "councilId"])
    .groupBy("councilId"),
  db
    .insertInto("meetingRooms")
    .values({ councilId: 1, startsAt: "2026", isPublic: 1 })
    .returning("id"),
  db.updateTable("councils").set({ displayName: "x" }).where("areaId", "=", 2),
  db
    .deleteFrom("meetingRooms")
    .where("councilId", "in", (eb) => eb.selectFrom("councils").select("id")),
  db
    .selectFrom("councils")
    .select(sql<number>`count(${sql.ref("councils.areaId")})`.as("areaCount")),
];

for (const engine of ["sqlite", "postgres"] as const) {
  it(`compiles the same SQL as Kysely's CamelCasePlugin (${engine})`, () => {
    const before = new Kysely<Db>({ dialect: engines[engine](), plugins: [new CamelCasePlugin()] });
    const names = new CamelCaseNames();
    const after = new Kysely<Db>({
      dialect: withCompiler(engines[engine]() as Dialect, snakeCasing(compilers[engine], names)),
      plugins: [names],
    });
    const was = queries(before).map((q) => q.compile());
    const now = queries(after).map((q) => q.compile());
    expect(now.map((q) => q.sql)).toEqual(was.map((q) => q.sql));
    expect(now.map((q) => q.parameters)).toEqual(was.map((q) => q.parameters));
    expect(now[0]!.sql).toContain('"council_name"');
    // Without plugins, names stay as written: nothing is snake_cased behind the caller's back.
    expect(queries(after.withoutPlugins())[0]!.compile().sql).toContain(
      '"meetingRooms"."startsAt"',
    );
  });
}

it("maps rows back to camelCase on a real database", async () => {
  const names = new CamelCaseNames();
  const db = new Kysely<Db>({
    dialect: withCompiler(
      new Sqlite3Dialect({ filename: ":memory:" }),
      snakeCasing(SqliteQueryCompiler, names),
    ),
    plugins: [names],
  });
  try {
    await sql`create table councils (id integer primary key, area_id integer, display_name text)`.execute(
      db,
    );
    await db.insertInto("councils").values({ areaId: 7, displayName: "圆桌" }).execute();
    expect(
      await db.selectFrom("councils").select(["areaId", "displayName as shownAs"]).execute(),
    ).toEqual([{ areaId: 7, shownAs: "圆桌" }]);
    expect((await sql`select * from councils`.execute(db.withoutPlugins())).rows).toEqual([
      { id: 1, area_id: 7, display_name: "圆桌" },
    ]);
  } finally {
    await db.destroy();
  }
});
