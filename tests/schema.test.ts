/**
 * db/schema.ts against the migrated database (tests/setup/fresh-db.ts gives this test a migrated
 * file of its own). The interface is types only, so db/schema-columns.ts describes it at run time
 * and fails to compile when it disagrees with the interface; this test reads the real tables with
 * SQLite's pragmas and compares, both ways: a table or column on one side only, a different SQL
 * type or nullability, an insert the interface allows but the database refuses (or the reverse
 * default), and each enum column's CHECK values against the domain's array.
 */
import { CamelCasePlugin, sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { isPostgres } from "../db/portable";
import { SCHEMA_COLUMNS, type ColumnSpec } from "../db/schema-columns";

/** The CamelCasePlugin's own conversion, as db/client.server.ts configures it. */
class Names extends CamelCasePlugin {
  sql(name: string): string {
    return this.snakeCase(name);
  }
}
const names = new Names();

/**
 * Text primary keys declared without NOT NULL: SQLite lets null into them (a legacy quirk its
 * documentation describes; PostgreSQL would not), while the interface says "never null" and the
 * app never writes null. Fixing it needs a migration that rebuilds the tables; until then they
 * are listed here, and the test fails if one is fixed but still listed.
 */
const NULLABLE_PRIMARY_KEYS = ["sessions.id", "login_throttle.key"];

interface DbColumn {
  type: string;
  nullable: boolean;
  hasDefault: boolean;
  /** An INTEGER PRIMARY KEY of a rowid table: the rowid itself, never null, filled on insert. */
  rowidAlias: boolean;
}

interface DbTable {
  virtual: boolean;
  withoutRowid: boolean;
  columns: Map<string, DbColumn>;
  /** Column → the values of a `check (column in (...))` constraint. */
  enumChecks: Map<string, string[]>;
}

type Spec = Record<string, Record<string, ColumnSpec>>;

const CHECK_IN = /\bcheck\s*\(\s*"?(\w+)"?\s+in\s*\(([^()]*)\)\s*\)/gi;

function enumChecks(createSql: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of createSql.matchAll(CHECK_IN)) {
    const values = [...m[2]!.matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1]!.replace(/''/g, "'"));
    out.set(m[1]!, values);
  }
  return out;
}

async function readDatabase(): Promise<Map<string, DbTable>> {
  const db = getDb();
  const rows = async <T>(query: string) => (await sql.raw<T>(query).execute(db)).rows;
  const tables = await rows<{ schema: string; name: string; type: string; wr: number }>(
    "pragma table_list",
  );
  const out = new Map<string, DbTable>();
  for (const t of tables) {
    // SQLite's own tables, Kysely's migration bookkeeping, and FTS5's shadow tables are not ours.
    if (t.schema !== "main" || (t.type !== "table" && t.type !== "virtual")) continue;
    if (t.name.startsWith("sqlite_") || t.name.startsWith("kysely_migration")) continue;
    const info = await rows<{
      name: string;
      type: string;
      notnull: number;
      dfltValue: string | null;
      pk: number;
    }>(`pragma table_info("${t.name}")`);
    const [master] = await rows<{ sql: string }>(
      `select sql from sqlite_master where name = '${t.name}'`,
    );
    const keys = info.filter((c) => c.pk > 0);
    const columns = new Map<string, DbColumn>();
    for (const c of info) {
      const rowidAlias =
        t.wr === 0 && keys.length === 1 && c.pk > 0 && c.type.toUpperCase() === "INTEGER";
      columns.set(c.name, {
        type: c.type.toLowerCase(),
        nullable: c.notnull === 0 && !rowidAlias && !(c.pk > 0 && t.wr === 1),
        hasDefault: c.dfltValue !== null,
        rowidAlias,
      });
    }
    out.set(t.name, {
      virtual: t.type === "virtual",
      withoutRowid: t.wr === 1,
      columns,
      enumChecks: enumChecks(master?.sql ?? ""),
    });
  }
  return out;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/** Every disagreement between the description of db/schema.ts and the database, as sentences. */
function compare(spec: Spec, database: Map<string, DbTable>): string[] {
  const problems: string[] = [];
  const expected = new Map(Object.keys(spec).map((t) => [names.sql(t), t]));
  for (const table of database.keys()) {
    if (!expected.has(table)) problems.push(`${table}: in the database, not in db/schema.ts`);
  }
  for (const [table, tsTable] of expected) {
    const real = database.get(table);
    if (!real) {
      problems.push(`${table}: in db/schema.ts, not in the database`);
      continue;
    }
    const columns = Object.entries(spec[tsTable]!);
    const expectedColumns = new Set(
      columns.filter(([, c]) => !c.rowid).map(([name]) => names.sql(name)),
    );
    for (const column of real.columns.keys()) {
      if (!expectedColumns.has(column)) {
        problems.push(`${table}.${column}: in the database, not in db/schema.ts`);
      }
    }
    for (const [tsName, want] of columns) {
      const column = names.sql(tsName);
      const where = `${table}.${column}`;
      if (want.rowid) {
        if (real.withoutRowid) problems.push(`${where}: the table has no rowid`);
        continue;
      }
      const got = real.columns.get(column);
      if (!got) {
        problems.push(`${where}: in db/schema.ts, not in the database`);
        continue;
      }
      // FTS5 columns carry no type and no constraints: only their names can be compared.
      if (real.virtual) continue;
      if (got.type !== want.type) {
        problems.push(`${where}: ${got.type} in the database, ${want.type} in db/schema.ts`);
      }
      const nullable = got.nullable && !NULLABLE_PRIMARY_KEYS.includes(where);
      if (nullable !== want.nullable) {
        problems.push(
          `${where}: ${got.nullable ? "nullable" : "not null"} in the database, ` +
            `${want.nullable ? "nullable" : "not null"} in db/schema.ts`,
        );
      }
      if (want.generated && !got.hasDefault && !got.rowidAlias && !got.nullable) {
        problems.push(`${where}: Generated in db/schema.ts, but the database has no default`);
      }
      if (!want.generated && got.hasDefault) {
        problems.push(`${where}: the database has a default, db/schema.ts lacks Generated<…>`);
      }
      const check = real.enumChecks.get(column);
      if (want.values && !want.unchecked) {
        if (!check) problems.push(`${where}: an enum in db/schema.ts, unchecked in the database`);
        else if (!sameSet(check, want.values)) {
          problems.push(
            `${where}: the database allows (${check.join(", ")}), ` +
              `the domain (${want.values.join(", ")})`,
          );
        }
      } else if (want.unchecked && check) {
        problems.push(`${where}: the database checks it now; drop unchecked() in schema-columns`);
      } else if (!want.values && check) {
        problems.push(`${where}: the database allows only (${check.join(", ")}); type it so`);
      }
    }
  }
  return problems;
}

// The same migrations make the PostgreSQL tables (db/postgres-ddl.ts changes only how ids are
// generated); this comparison reads SQLite's own catalogue, so it runs on SQLite.
const postgres = isPostgres(getDb());

let database: Map<string, DbTable>;
beforeAll(async () => {
  if (postgres) return;
  database = await readDatabase();
});

describe.skipIf(postgres)("db/schema.ts and the migrated database (SQLite's catalogue)", () => {
  it("reads the migrated tables", () => {
    expect(database.size).toBeGreaterThan(40);
    expect(database.get("projects")?.enumChecks.get("status")).toContain("underReview");
  });

  it("agree on every table, column, type, nullability, default and enum", () => {
    expect(compare(SCHEMA_COLUMNS, database)).toEqual([]);
  });

  it("list only nullable primary keys that are still nullable", () => {
    for (const where of NULLABLE_PRIMARY_KEYS) {
      const [table, column] = where.split(".") as [string, string];
      expect(database.get(table)?.columns.get(column)?.nullable, where).toBe(true);
    }
  });

  it("would catch each kind of disagreement", () => {
    // A test that cannot fail is a defect: each change to the description is reported. (Copies go
    // through JSON: the description shares one object between columns of the same kind.)
    const spec: Spec = SCHEMA_COLUMNS;
    const withChange = (change: (s: Spec) => void) => {
      const copy = JSON.parse(JSON.stringify(spec)) as Spec;
      change(copy);
      return compare(copy, database);
    };
    expect(compare(spec, database)).toEqual([]);
    expect(withChange((s) => delete s.loginThrottle)).toEqual([
      "login_throttle: in the database, not in db/schema.ts",
    ]);
    expect(
      withChange((s) => (s.pets = { id: { type: "integer", nullable: false, generated: true } })),
    ).toEqual(["pets: in db/schema.ts, not in the database"]);
    expect(withChange((s) => delete s.areas!.nameEn)).toEqual([
      "areas.name_en: in the database, not in db/schema.ts",
    ]);
    expect(
      withChange((s) => (s.areas!.nickName = { type: "text", nullable: true, generated: false })),
    ).toEqual(["areas.nick_name: in db/schema.ts, not in the database"]);
    expect(withChange((s) => (s.areas!.parentId!.nullable = false))).toEqual([
      "areas.parent_id: nullable in the database, not null in db/schema.ts",
    ]);
    expect(withChange((s) => (s.areas!.code!.type = "integer"))).toEqual([
      "areas.code: text in the database, integer in db/schema.ts",
    ]);
    expect(withChange((s) => (s.areas!.code!.generated = true))).toEqual([
      "areas.code: Generated in db/schema.ts, but the database has no default",
    ]);
    expect(withChange((s) => (s.areas!.sort!.generated = false))).toEqual([
      "areas.sort: the database has a default, db/schema.ts lacks Generated<…>",
    ]);
    expect(withChange((s) => (s.areas!.level!.values = ["district", "street"]))).toEqual([
      "areas.level: the database allows (district, street, community, grid), the domain (district, street)",
    ]);
    expect(withChange((s) => delete s.areas!.level!.values)).toEqual([
      "areas.level: the database allows only (district, street, community, grid); type it so",
    ]);
    expect(withChange((s) => (s.areas!.level!.unchecked = true))).toEqual([
      "areas.level: the database checks it now; drop unchecked() in schema-columns",
    ]);
    expect(withChange((s) => delete s.rsvps!.kind!.unchecked)).toEqual([
      "rsvps.kind: an enum in db/schema.ts, unchecked in the database",
    ]);
  });
});
