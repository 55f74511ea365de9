/**
 * `npm run db:copy -- --to postgres://… [--from FILE]`: moving up from SQLite to PostgreSQL.
 *
 * Copies every table of a SQLite database (DATABASE_PATH or ./data/liuhe.sqlite unless `--from`
 * says) into an empty PostgreSQL database, or the schema its URL selects (`?options=-c
 * search_path=NAME`): the target is migrated with the same migrations, then every row goes over in
 * one transaction, so a failed copy leaves the target with its empty tables and nothing else.
 *
 * The tables come from the source's catalogue, not from a list here, so a table added later is
 * copied without anyone remembering this file; the target must have the same tables and columns,
 * or the copy stops before copying a row. Tables go parents first (by their foreign keys), each in the
 * order of its primary key, so a row that refers to another of its table (an area's parent, a
 * reply's comment) comes after it. Identity columns take the copied ids, and their sequences are
 * then moved past them, and every table is analysed, so the planner starts from real statistics.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Kysely, sql, type RawBuilder } from "kysely";
import { documentVector } from "../app/domain/search/segment";
import { databaseLabel, openDatabase } from "./client.server";
import { migrations } from "./migrations/index";
import { migrateToLatest } from "./migrator";
import { Sqlite3Dialect } from "./sqlite3-dialect";

type Row = Record<string, unknown>;
type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy that must not start; nothing has been written. */
export class CopyRefused extends Error {}

/** Rows read from SQLite at a time. */
const READ_ROWS = 2_000;
/** Values per INSERT: PostgreSQL takes at most 65,535 parameters in one statement. */
const INSERT_VALUES = 30_000;

/** Columns that only the PostgreSQL table has, made from the row (SQLite's FTS5 keeps its own). */
const DERIVED: Record<string, Record<string, (row: Row) => RawBuilder<unknown>>> = {
  projects_fts: { doc: searchDocument },
  organisations_fts: { doc: searchDocument },
  needs_fts: { doc: searchDocument },
  statements_fts: { doc: searchDocument },
};

function searchDocument(row: Row): RawBuilder<unknown> {
  const text = (column: string) => String(row[column] ?? "");
  const vector = documentVector({
    titleWords: text("title_words"),
    titleChars: text("title_chars"),
    words: text("words"),
    chars: text("chars"),
  });
  return sql`${vector}::tsvector`;
}

interface Table {
  name: string;
  /** The columns copied (an FTS5 table's rowid among them: on PostgreSQL it is a column). */
  columns: string[];
  /** The primary key, or the rowid: the order rows are read and copied in. */
  key: string[];
  /** Tables its foreign keys refer to, itself left out. */
  parents: string[];
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;
const ours = (name: string) => !name.startsWith("kysely_migration");

async function rows<T>(db: AnyDb, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

/** The source's tables and columns, from SQLite's catalogue (FTS5's shadow tables left out). */
async function sourceTables(src: AnyDb): Promise<Table[]> {
  const list = await rows(
    src,
    sql<{ name: string; type: string }>`select name, type from pragma_table_list
      where schema = 'main' and type in ('table', 'virtual') and name not like 'sqlite_%'
      order by name`,
  );
  const tables: Table[] = [];
  for (const { name, type } of list.filter((t) => ours(t.name))) {
    const info = await rows(
      src,
      sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${name})`,
    );
    const key = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const parents = await rows(
      src,
      sql<{
        parent: string;
      }>`select distinct "table" as parent from pragma_foreign_key_list(${name})`,
    );
    tables.push({
      name,
      columns: [...(type === "virtual" ? ["rowid"] : []), ...info.map((c) => c.name)],
      key: key.length > 0 ? key : ["rowid"],
      parents: parents.map((p) => p.parent).filter((p) => p !== name),
    });
  }
  return tables;
}

/** Parents before children; a circle of foreign keys between tables cannot be copied this way. */
function inForeignKeyOrder(tables: Table[]): Table[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: Table[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (t: Table) => {
    if (state.get(t.name) === "done") return;
    if (state.get(t.name) === "visiting")
      throw new Error(`foreign keys go round in a circle through ${t.name}`);
    state.set(t.name, "visiting");
    for (const p of t.parents) {
      const parent = byName.get(p);
      if (!parent) throw new Error(`${t.name} refers to ${p}, which the source does not have`);
      visit(parent);
    }
    state.set(t.name, "done");
    out.push(t);
  };
  tables.forEach(visit);
  return out;
}

/** The target's tables, each with its columns (in the schema the URL selects). */
async function targetColumns(db: AnyDb): Promise<Map<string, Set<string>>> {
  const found = await rows(
    db,
    sql<{ table_name: string; column_name: string }>`select c.table_name, c.column_name
      from information_schema.columns c join information_schema.tables t
        on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`,
  );
  const out = new Map<string, Set<string>>();
  for (const r of found) {
    if (ours(r.table_name))
      out.set(r.table_name, (out.get(r.table_name) ?? new Set()).add(r.column_name));
  }
  return out;
}

/** Tables of the target (Liuhe's or anyone's) that hold at least one row. */
async function tablesWithRows(db: AnyDb): Promise<string[]> {
  const out: string[] = [];
  for (const table of [...(await targetColumns(db)).keys()].sort()) {
    const [row] = await rows(
      db,
      sql<{ found: boolean }>`select exists (select 1 from ${sql.table(table)}) as found`,
    );
    if (row?.found) out.push(table);
  }
  return out;
}

/** What the target lacks or has besides, table by table and column by column. */
function differences(tables: Table[], target: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  for (const t of tables) {
    const columns = target.get(t.name);
    if (!columns) {
      problems.push(`the target has no table ${t.name}`);
      continue;
    }
    const wanted = new Set([...t.columns, ...Object.keys(DERIVED[t.name] ?? {})]);
    for (const c of wanted) if (!columns.has(c)) problems.push(`the target has no ${t.name}.${c}`);
    for (const c of columns) if (!wanted.has(c)) problems.push(`the source has no ${t.name}.${c}`);
  }
  const names = new Set(tables.map((t) => t.name));
  for (const table of target.keys())
    if (!names.has(table)) problems.push(`the source has no table ${table}`);
  return problems;
}

/** A table's rows in primary-key order, READ_ROWS at a time (keyset, so each read is indexed). */
async function* readRows(src: AnyDb, t: Table): AsyncGenerator<Row[]> {
  const key = sql.join(t.key.map((c) => sql.id(c)));
  const columns = sql.join([...new Set([...t.key, ...t.columns])].map((c) => sql.id(c)));
  let after: unknown[] | null = null;
  for (;;) {
    const from: RawBuilder<unknown> = after ? sql`where (${key}) > (${sql.join(after)})` : sql``;
    const batch: Row[] = await rows(
      src,
      sql<Row>`select ${columns} from ${sql.table(t.name)} ${from} order by ${key} limit ${READ_ROWS}`,
    );
    if (batch.length === 0) return;
    yield batch;
    const last: Row = batch[batch.length - 1]!;
    after = t.key.map((c) => last[c]);
  }
}

async function insertRows(trx: AnyDb, t: Table, batch: Row[]): Promise<void> {
  const derived = Object.entries(DERIVED[t.name] ?? {});
  const names = [...t.columns, ...derived.map(([c]) => c)];
  const perInsert = Math.max(1, Math.floor(INSERT_VALUES / names.length));
  for (let i = 0; i < batch.length; i += perInsert) {
    const values = batch
      .slice(i, i + perInsert)
      .map(
        (r) => sql`(${sql.join([...t.columns.map((c) => r[c]), ...derived.map(([, f]) => f(r))])})`,
      );
    await sql`insert into ${sql.table(t.name)} (${sql.join(names.map((c) => sql.id(c)))})
      values ${sql.join(values)}`.execute(trx);
  }
}

/** Moves every identity column's sequence past the largest id copied into it. */
async function moveSequences(trx: AnyDb): Promise<void> {
  const identities = await rows(
    trx,
    sql<{ table_name: string; column_name: string }>`select table_name, column_name
      from information_schema.columns where table_schema = current_schema() and is_identity = 'YES'`,
  );
  for (const { table_name: table, column_name: column } of identities) {
    // No rows: max() is null, and setval (strict) leaves the sequence where it starts.
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}), max(${sql.id(column)}))
      from ${sql.table(table)}`.execute(trx);
  }
}

export interface CopyResult {
  /** Rows copied per table, in the order they were copied. */
  tables: Array<{ table: string; rows: number }>;
}

/**
 * Copies the SQLite database `from` into the empty PostgreSQL database `to`. Refuses (CopyRefused,
 * nothing written) a source that is missing or not at this code's latest migration, and a target
 * with any row in any table.
 */
export async function copyDatabase(from: string, to: string): Promise<CopyResult> {
  if (!POSTGRES_URL.test(to)) throw new CopyRefused(`The target must be a postgres:// URL.`);
  if (!fs.existsSync(from)) throw new CopyRefused(`There is no SQLite database at ${from}.`);
  // Opened bare: no pragmas that would change the file, no name conversions.
  const src: AnyDb = new Kysely({ dialect: new Sqlite3Dialect({ filename: from }) });
  const target = openDatabase(to);
  try {
    const ran = await rows(
      src,
      sql<{ name: string }>`select name from kysely_migration order by name`,
    ).catch(() => []);
    const latest = Object.keys(migrations);
    if (ran.map((r) => r.name).join() !== latest.join()) {
      throw new CopyRefused(
        `${from} is at migration ${ran.at(-1)?.name ?? "(none)"}, this code at ${latest.at(-1)}: ` +
          `migrate it first (DATABASE_PATH=${from} npm run db:migrate).`,
      );
    }
    const tgt: AnyDb = target.withoutPlugins();
    const refuseFull = async (db: AnyDb) => {
      const full = await tablesWithRows(db);
      const some = full.length > 3 ? [...full.slice(0, 3), `${full.length - 3} more`] : full;
      if (full.length > 0)
        throw new CopyRefused(
          `The target is not empty (rows in ${some.join(", ")}): copy into an empty database or schema.`,
        );
    };
    await refuseFull(tgt);
    await migrateToLatest(target);

    const tables = inForeignKeyOrder(await sourceTables(src));
    const problems = differences(tables, await targetColumns(tgt));
    if (problems.length > 0) throw new Error(`The schemas differ: ${problems.join("; ")}.`);

    // One read transaction: the rows copied are one moment of the source, even if it is in use.
    await sql`begin`.execute(src);
    try {
      const copied = await tgt.transaction().execute(async (trx) => {
        await refuseFull(trx); // again: nobody wrote while it was migrated
        const counts: CopyResult["tables"] = [];
        for (const t of tables) {
          let n = 0;
          for await (const batch of readRows(src, t)) {
            await insertRows(trx, t, batch);
            n += batch.length;
          }
          counts.push({ table: t.name, rows: n });
        }
        await moveSequences(trx);
        return { tables: counts };
      });
      // A bulk load leaves the planner no statistics until autovacuum comes round; without them
      // it guesses (58 rows for 20,000 memberships) and plans the first hour's pages on guesses.
      for (const t of tables) await sql`analyze ${sql.table(t.name)}`.execute(tgt);
      return copied;
    } finally {
      await sql`commit`.execute(src);
    }
  } finally {
    await src.destroy();
    await target.destroy();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { to: { type: "string" }, from: { type: "string" } },
    strict: true,
  });
  const from = path.resolve(
    values.from ?? (process.env.DATABASE_PATH || path.join("data", "liuhe.sqlite")),
  );
  if (!values.to) {
    console.error("usage: npm run db:copy -- --to postgres://… [--from FILE.sqlite]");
    return 2;
  }
  try {
    const { tables } = await copyDatabase(from, values.to);
    const width = Math.max(...tables.map((t) => t.table.length));
    console.log(`copied ${from} into ${databaseLabel(values.to)}:`);
    for (const t of tables) console.log(`  ${t.table.padEnd(width)} ${String(t.rows).padStart(9)}`);
    const total = tables.reduce((s, t) => s + t.rows, 0);
    console.log(
      `  ${"rows".padEnd(width)} ${String(total).padStart(9)} in ${tables.length} tables`,
    );
    return 0;
  } catch (e) {
    console.error(e instanceof CopyRefused ? `refused: ${e.message}` : e);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
