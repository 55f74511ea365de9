/**
 * The few places where SQL engines differ, behind small helpers, so that nothing under app/ names
 * one engine's functions or error text (a test keeps it so). SQLite is implemented now; each helper
 * already says what PostgreSQL needs, and chooses by the database's adapter.
 *
 * Why helpers and not Kysely alone: Kysely builds portable queries, but list aggregation, JSON
 * array expansion, substring tests and constraint errors are outside what it abstracts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  AliasNode,
  ColumnNode,
  IdentifierNode,
  PostgresAdapter,
  ReferenceNode,
  sql,
  type Kysely,
  type RawBuilder,
  type SelectQueryBuilder,
  type SelectQueryNode,
  type Transaction,
} from "kysely";

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function isPostgres(db: AnyDb): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Tries of one transaction that PostgreSQL aborted to keep transactions serializable. Many
 * transactions reading and writing the same rows at once (a hot room, the last minute of a vote)
 * abort each other often; the random pause grows with each try, up to 100 ms, so they spread out.
 */
const SERIALIZATION_TRIES = 40;

/** Transactions PostgreSQL aborted and this process ran again, since it started (see `transaction`). */
let retried = 0;
export const transactionRetries = (): number => retried;

export interface TransactionOptions {
  /**
   * `read committed`, on PostgreSQL, for work that first locks the rows its decisions depend on
   * (FOR UPDATE, in one order, e.g. ascending ids): each statement then reads what committed
   * before it, so work that waited for a lock sees what the holder wrote. Under SERIALIZABLE such
   * work would read from a snapshot taken before the wait and be aborted and run again, every
   * time two of them meet: many writers in one hot row would mostly run twice. SQLite ignores it.
   */
  isolation?: "serializable" | "read committed";
  /**
   * How many times to run it before giving up on PostgreSQL's aborts (40 by default): work that
   * has a cheaper way round (a batch of ballots, whose calls can run alone) tries fewer times.
   */
  tries?: number;
}

/** Whether PostgreSQL aborted a transaction to keep it serializable, or to break a deadlock. */
export function isSerializationFailure(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === "40001" || code === "40P01";
}

/**
 * Runs `work` in a transaction that behaves as if no other ran at the same time, on both engines,
 * so that every read-then-write (seats left, one ballot per voter, a count taken before an insert)
 * stays right under concurrent requests in several processes without a lock per feature.
 *
 * SQLite has one writer: `begin immediate` (db/sqlite3-dialect.ts) already runs transactions one
 * at a time. PostgreSQL runs them at once under SERIALIZABLE isolation and aborts one of two that
 * could not have run one after the other (SQLSTATE 40001, or 40P01 for a deadlock); that one is run
 * again from the start, after a short random pause, so `work` must do nothing outside the
 * transaction that it cannot repeat (commands do their outside work in `prepare`, before this).
 */
export async function transaction<DB, T>(
  db: Kysely<DB>,
  work: (trx: Transaction<DB>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (!isPostgres(db)) return db.transaction().execute(work);
  const isolation = options.isolation ?? "serializable";
  const tries = options.tries ?? SERIALIZATION_TRIES;
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().setIsolationLevel(isolation).execute(work);
    } catch (e) {
      if (!isSerializationFailure(e) || attempt >= tries) throw e;
      retried++;
      await sleep(Math.random() * Math.min(100, 2 ** attempt));
    }
  }
}

/**
 * How many of `most` write transactions to run at once. PostgreSQL runs them side by side, each on
 * a connection of the pool. SQLite has one writer: a second transaction would only wait for the
 * first, and every commit is a sync to disk, so one larger transaction is cheaper than two.
 */
export function concurrentWriters(db: AnyDb, most: number): number {
  return isPostgres(db) ? most : 1;
}

/**
 * Makes a select lock the rows it reads from `table` until its transaction ends (FOR UPDATE), on
 * PostgreSQL; another transaction locking them waits for this one to commit. SQLite has no row
 * locks and needs none: its one writer runs transactions one at a time.
 */
export function lockingRowsOf<DB, TB extends keyof DB, O>(
  db: AnyDb,
  table: TB & string,
): (qb: SelectQueryBuilder<DB, TB, O>) => SelectQueryBuilder<DB, TB, O> {
  return (qb) => (isPostgres(db) ? qb.forUpdate(table as never) : qb);
}

/**
 * Makes a select take the rows it reads for this transaction, passing over rows another
 * transaction holds (FOR UPDATE SKIP LOCKED), on PostgreSQL: claimers in several processes each
 * get a different row at once. SQLite's one writer lets one claimer in at a time.
 */
export function claimingRowsOf<DB, TB extends keyof DB, O>(
  db: AnyDb,
): (qb: SelectQueryBuilder<DB, TB, O>) => SelectQueryBuilder<DB, TB, O> {
  return (qb) => (isPostgres(db) ? qb.forUpdate().skipLocked() : qb);
}

/**
 * Whether an error is a unique-constraint violation, optionally of one table. SQLite says
 * `SQLITE_CONSTRAINT` with "UNIQUE constraint failed: table.column"; PostgreSQL says SQLSTATE 23505
 * with the table in `table`.
 */
export function isUniqueViolation(e: unknown, table?: string): boolean {
  if (!(e instanceof Error)) return false;
  const err = e as Error & { code?: string; table?: string };
  if (err.code === "23505") return table === undefined || err.table === table;
  if (err.code === "SQLITE_CONSTRAINT") {
    const m = /UNIQUE constraint failed: ([a-z_0-9]+)\./.exec(err.message);
    return m !== null && (table === undefined || m[1] === table);
  }
  return false;
}

/** The values of a text expression over a group, joined by `separator` (null for no rows). */
export function listAgg(db: AnyDb, expr: RawBuilder<unknown>, separator: string) {
  return isPostgres(db)
    ? sql<string | null>`string_agg(${expr}, ${separator})`
    : sql<string | null>`group_concat(${expr}, ${separator})`;
}

/**
 * A table of the elements of a JSON array column, one row per element in `<alias>.value` (as
 * text), with its alias, for a FROM clause: `from ballots b, ${jsonArrayElements(db, sql.ref("b.choices"), "j")}`.
 * Both are table-valued functions, so the array may be a column of a table before it in the FROM
 * clause (a subquery there could not see that table). Read only `value`: SQLite's `json_each` has
 * more columns; PostgreSQL's function has one, named here by the alias.
 */
export function jsonArrayElements(
  db: AnyDb,
  column: RawBuilder<unknown> | ReturnType<typeof sql.ref>,
  alias: string,
) {
  const as = sql.id(alias);
  return isPostgres(db)
    ? sql`jsonb_array_elements_text(${column}::jsonb) as ${as}(value)`
    : sql`json_each(${column}) as ${as}`;
}

/**
 * The ids of a JSON array, as the right side of `in`: `.where("meetingId", "in", idsIn(db, json))`
 * with `json` such as `"[3,5]"` (`"[]"` matches nothing). One SQL text for lists of any length, so
 * that a prepared read (db/prepared.ts) can take a list as one value, where `in (?, ?, …)` would be
 * another statement for each length.
 *
 * On PostgreSQL the elements go through `unnest(array(…))` rather than straight from
 * `jsonb_array_elements_text`: the planner takes any set-returning function for 100 rows, and
 * against 100 probes it reads a 20,000-row table whole (a hash semi join over a sequential scan:
 * 17 ms for who-is-asking's one session, ballots at 0.08 of the bare action), where `unnest` of an
 * array it cannot see is taken for 10 rows, and 10 index lookups win (0.05 ms).
 */
export function idsIn(db: AnyDb, json: string) {
  return isPostgres(db)
    ? sql<number>`(select unnest(array(select cast(jsonb_array_elements_text(cast(${json} as jsonb)) as bigint))))`
    : sql<number>`(select value from json_each(${json}))`;
}

/**
 * The ids of a JSON array as a table of one column, `id`: `selectFrom(idsTable(db, json).as("ids"))`,
 * for a read that goes through the list, an id at a time (with `perRow`), where `idsIn` leaves
 * the order of the join to the planner.
 */
export function idsTable(db: AnyDb, json: string) {
  return isPostgres(db)
    ? sql<{
        id: number;
      }>`(select unnest(array(select cast(jsonb_array_elements_text(cast(${json} as jsonb)) as bigint))) as id)`
    : sql<{ id: number }>`(select value as id from json_each(${json}))`;
}

/**
 * A correlated subquery (of `exists`, say) run as written: once for each row around it. SQLite
 * runs it so anyway; PostgreSQL would turn it into a join and choose the order from its
 * statistics, which `offset 0` forbids. For a lookup by a unique key under each id of a short list
 * (`idsTable`): from statistics gathered before a poll had any ballots, PostgreSQL took the poll's
 * participations for one row, put them first, and read every one of them for each batch of
 * ballots (2026-12-05: the benchmark's slow PostgreSQL runs; a test in db/portable.test.ts).
 */
export function perRow<Q extends AnySelect>(db: AnyDb, query: Q): Q {
  return isPostgres(db) ? (query.offset(sql<number>`0`) as Q) : query;
}

/** `idsIn` for a JSON array of texts (`'["a","b"]'`). */
export function textsIn(db: AnyDb, json: string) {
  return isPostgres(db)
    ? sql<string>`(select unnest(array(select jsonb_array_elements_text(cast(${json} as jsonb)))))`
    : sql<string>`(select value from json_each(${json}))`;
}

/** Whether `haystack` contains `needle` as plain text (no LIKE wildcards). */
export function containsText(
  db: AnyDb,
  haystack: RawBuilder<unknown> | ReturnType<typeof sql.ref>,
  needle: string,
) {
  return isPostgres(db)
    ? sql<boolean>`strpos(${haystack}, ${needle}) > 0`
    : sql<boolean>`instr(${haystack}, ${needle}) > 0`;
}

/**
 * `n` new ids for `table`'s `id` column (an `autoincrement` one), ascending, for a writer that
 * inserts many rows at once with ids it must know first (the room's batch writer). PostgreSQL
 * draws them from the column's sequence; SQLite, whose one writer runs one transaction at a time,
 * continues from the largest id the table ever had (`sqlite_sequence`, which inserting them
 * advances). An id drawn and not used is never seen: PostgreSQL's sequences leave such gaps
 * anyway, and SQLite's next writer draws it again.
 */
export async function reserveIds(trx: AnyDb, table: string, n: number): Promise<number[]> {
  if (n <= 0) return [];
  if (isPostgres(trx)) {
    const { rows } = await sql<{ id: number | string }>`
      select nextval(pg_get_serial_sequence(${table}, 'id')) as id
      from generate_series(1, cast(${n} as integer))`.execute(trx);
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }
  const { rows } = await sql<{ last: number | null }>`
    select max(coalesce((select seq from sqlite_sequence where name = ${table}), 0),
               coalesce((select max(id) from ${sql.table(table)}), 0)) as last`.execute(trx);
  const last = Number(rows[0]?.last ?? 0);
  return Array.from({ length: n }, (_, i) => last + 1 + i);
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnySelect = SelectQueryBuilder<any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */
export type RowsOf<Q> = Q extends SelectQueryBuilder<infer _D, infer _T, infer O> ? O[] : never;
/** What `readTogether` gives for `reads`: each read's rows. */
export type ReadsOf<Q extends Record<string, AnySelect>> = { [K in keyof Q]: RowsOf<Q[K]> };

/** The names a select's rows have: its columns and aliases (`selectAll` has none to name). */
function selectedNames(node: SelectQueryNode): string[] {
  return (node.selections ?? []).map(({ selection: s }) => {
    if (ReferenceNode.is(s) && ColumnNode.is(s.column)) return s.column.column.name;
    if (ColumnNode.is(s)) return s.column.name;
    if (AliasNode.is(s) && IdentifierNode.is(s.alias)) return s.alias.name;
    throw new Error("readTogether: name every selected column (no selectAll)");
  });
}

/**
 * Several independent reads in one statement, each read's rows as it would have returned them.
 *
 * Why: on SQLite every statement is a trip to libuv's thread pool and back, about 0.1–0.3 ms of
 * the server's CPU whatever the query (measured 2026-12-02: a signed-in home's 22 small reads were
 * a quarter of its time); on PostgreSQL a round trip each. Here each read becomes a subquery whose
 * rows are gathered into a JSON array (`json_group_array(json_object(…))`, `json_agg(json_build_object(…))`),
 * and one `select` returns every array. The keys are the reads' own column names, so rows come back
 * as from Kysely; values are what JSON carries: numbers, text, null (SQLite has no booleans; a
 * PostgreSQL `bigint` count arrives as a number, where `pg` would give text: callers that wrap
 * counts in `Number()` read both). Each read keeps its order (the aggregate reads its subquery's
 * rows in order on both engines). Every read must name its columns.
 */
export async function readTogether<Q extends Record<string, AnySelect>>(
  db: AnyDb,
  reads: Q,
): Promise<ReadsOf<Q>> {
  const together = togetherQuery(db, reads);
  if (!together) return {} as ReadsOf<Q>;
  return together.unpack(await together.query.executeTakeFirstOrThrow());
}

/**
 * The one statement of `readTogether`, and how to read its row; null for no reads. Apart so that
 * a prepared read (db/prepared.ts) builds and compiles it once.
 */
export function togetherQuery<Q extends Record<string, AnySelect>>(db: AnyDb, reads: Q) {
  const names = Object.keys(reads);
  if (names.length === 0) return null;
  const pg = isPostgres(db);
  const columns = names.map((name, i) => {
    const read = reads[name]!;
    const pairs = selectedNames(read.toOperationNode()).flatMap((c) => [
      sql.lit(c),
      sql.ref(`agg.${c}`),
    ]);
    const rows = pg
      ? sql`coalesce(json_agg(json_build_object(${sql.join(pairs)})), '[]')`
      : sql`coalesce(json_group_array(json_object(${sql.join(pairs)})), '[]')`;
    return sql`(select ${rows} from (${read}) as agg)`.as(`r${i}`);
  });
  return {
    query: db.selectNoFrom(columns),
    unpack(row: unknown): ReadsOf<Q> {
      const out = {} as Record<string, unknown[]>;
      names.forEach((name, i) => {
        const value = (row as Record<string, unknown>)[`r${i}`];
        out[name] =
          typeof value === "string" ? (JSON.parse(value) as unknown[]) : (value as unknown[]);
      });
      return out as ReadsOf<Q>;
    },
  };
}
