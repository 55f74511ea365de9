/**
 * Statements built and compiled once, then run with new values: the hot ones (who is asking, a
 * ballot's box and its two inserts, a signed-in page's own rows).
 *
 * Why: Kysely builds a query's tree and compiles it to SQL on every call. Measured 2026-12-03 in
 * one process: a session's read costs 12 µs to build and compile, four reads gathered into one
 * `readTogether` 18 µs, against 21 µs for running a prepared `select 1` through node-sqlite3; on a
 * signed-in home Kysely was 0.4 ms of a 4.7 ms page, and gathering reads into one statement cost
 * more than it saved (README, "Decisions"). Here the query is built once per database with a
 * marker in place of each value, compiled, and the markers' places in the parameter list are
 * kept; a call only puts its values in those places. Rows still pass through the database's
 * plugins (snake_case to camelCase).
 *
 * The rule that makes it safe: `build` must give the same SQL whatever the values, so it may put a
 * value where a value goes (`where`, `limit`, a `sql` template's `${}`), but must not branch on
 * one, spread one into an `in (…)` list, or write one into the SQL text (`sql.lit`, `sql.ref`);
 * the last is caught when the query is compiled.
 *
 * On PostgreSQL each of these texts also runs as a named statement (`statementName`, used by the
 * pool in db/client.server.ts): parsed and planned once per connection, where an unnamed one is
 * parsed and planned on every run. Planning was most of the database's work on a signed-in page
 * (0.9 ms of planning for 0.2 ms of running the page's own rows, measured 2026-12-03 with
 * pg_stat_statements' track_planning). After five runs PostgreSQL keeps a generic plan when it
 * costs no more than the custom ones; the lists of values (`idsIn`, `textsIn`) are one parameter
 * estimated the same way either way, so it does. A plan kept is kept while the tables grow, until
 * they are analysed again: a read whose good plan depends on that is built with `planEachRun` and
 * runs unnamed. Any other read or write is named too once it has run often (`statementName`
 * below).
 */
import type { Compilable, CompiledQuery, Kysely, RootOperationNode } from "kysely";
import { togetherQuery, type AnySelect, type ReadsOf } from "./portable";

type AnyDb = Kysely<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Starts with NUL, which no SQL text of ours has: a marker that reached the text is found by it. */
const MARK = "\u0000liuhe-value-";

interface Compiled {
  sql: string;
  query: RootOperationNode;
  queryId: CompiledQuery["queryId"];
  /** Per parameter: the name of the value that goes there, or undefined for a constant. */
  names: (string | undefined)[];
  constants: unknown[];
  /** The plugins it was compiled with: a handle with others (`withoutPlugins`) compiles its own. */
  plugins: readonly unknown[];
}

/** Markers for the values: `values.userId` is the text MARK + "userId", typed as the value. */
function markers<P>(): P {
  return new Proxy({} as Record<string, string>, {
    get: (_, name) => (typeof name === "string" ? MARK + name : undefined),
  }) as P;
}

/**
 * Each statement text that runs as a named statement, with its name (`statementName`): the texts
 * compiled here, and texts that ran often (below).
 */
const statementNames = new Map<string, string>();

/** Texts compiled with `{ planEachRun: true }`: never named, so PostgreSQL plans each run. */
const plannedEachRun = new Set<string>();

/**
 * Any other statement is named once the same text has run `NAME_AFTER` times in this process,
 * as pgjdbc does (its prepareThreshold, 5): a page's other reads and the commands' writes were
 * still parsed and planned on every run (a poll page's ten reads, ~1 ms of planning, measured
 * 2026-12-04). Bounded, because node-postgres keeps a connection's named statements until the
 * connection closes and PostgreSQL keeps their plans: at most `AUTO_NAMES` such names per process
 * (the app's statements are a few hundred shapes; a text with values written into it, a list
 * spread into `in (…)`, would be counted but is unlikely to run three times), and the counts start
 * again when `COUNTED` texts are being counted, so one-off texts cannot crowd out a hot one for
 * long. Only reads and writes are named, never `begin`, DDL or a `set`; nor a statement that
 * returns `*` (`selectAll`, `returningAll`): its columns are fixed when it is prepared, and after a
 * migration adds one, PostgreSQL refuses to run it ("cached plan must not change result type")
 * until the connection closes, which a process that outlives a migration would hit.
 */
export const NAME_AFTER = 3;
export const AUTO_NAMES = 600;
export const COUNTED = 5_000;
const NAMEABLE = /^\s*(select|insert|update|delete|with)\b/i;
/** `*` as a column list (`select *`, `select "t".*`, `"s"."t".*`, `returning *`), not `count(*)`. */
const STAR = /(^|[\s,])("\w+"\.)*\*(?=[\s,]|$)/;
const runs = new Map<string, number>();
let autoNamed = 0;

/**
 * The name to run `text` under as a named (server-side prepared) statement, or undefined to run
 * it unnamed (parsed and planned again). One name per text for the life of the process.
 */
export function statementName(text: string): string | undefined {
  const named = statementNames.get(text);
  if (named !== undefined || autoNamed >= AUTO_NAMES || plannedEachRun.has(text)) return named;
  const count = (runs.get(text) ?? 0) + 1;
  if (count < NAME_AFTER) {
    if (count === 1) {
      if (!NAMEABLE.test(text) || STAR.test(text)) return undefined;
      if (runs.size >= COUNTED) runs.clear();
    }
    runs.set(text, count);
    return undefined;
  }
  runs.delete(text);
  const name = `liuhe_auto_${++autoNamed}`;
  statementNames.set(text, name);
  return name;
}

function compile<P>(
  db: AnyDb,
  build: (db: AnyDb, values: P) => Compilable<unknown>,
  options: PreparedOptions,
): Compiled {
  const c = build(db, markers<P>()).compile();
  if (c.sql.includes("\u0000"))
    throw new Error(
      `prepared: a value was written into the SQL text of ${c.sql.replaceAll("\u0000", "")}`,
    );
  if (options.planEachRun) plannedEachRun.add(c.sql);
  else if (!statementNames.has(c.sql))
    statementNames.set(c.sql, `liuhe_prepared_${statementNames.size + 1}`);
  const names = c.parameters.map((v) =>
    typeof v === "string" && v.startsWith(MARK) ? v.slice(MARK.length) : undefined,
  );
  return {
    sql: c.sql,
    query: c.query,
    queryId: c.queryId,
    names,
    constants: [...c.parameters],
    plugins: db.getExecutor().plugins,
  };
}

/** The same plugins in the same order: a transaction's executor has its database's, in a new array. */
function samePlugins(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a === b || (a.length === b.length && a.every((p, i) => p === b[i]));
}

/**
 * The compiled query for `db`, kept per database: a handle and its transactions share the
 * adapter, and different databases (SQLite, PostgreSQL, each test's own) have different ones.
 */
function compiledFor<P>(
  kept: WeakMap<object, Compiled>,
  db: AnyDb,
  build: (db: AnyDb, values: P) => Compilable<unknown>,
  options: PreparedOptions = {},
): Compiled {
  const executor = db.getExecutor();
  const hit = kept.get(executor.adapter);
  if (hit && samePlugins(hit.plugins, executor.plugins)) return hit;
  const made = compile(db, build, options);
  // A handle with other plugins compiles its own each time rather than evict the usual one.
  if (!hit) kept.set(executor.adapter, made);
  return made;
}

async function runCompiled<R>(db: AnyDb, c: Compiled, values: Record<string, unknown>) {
  const parameters = c.names.map((name, i) => {
    if (name === undefined) return c.constants[i];
    const value = values[name];
    if (value === undefined) throw new Error(`prepared: no value for "${name}"`);
    return value;
  });
  const { rows } = await db.executeQuery<R>({
    sql: c.sql,
    query: c.query,
    queryId: c.queryId,
    parameters,
  });
  return rows;
}

export interface Prepared<P, O> {
  /** Every row, as the query built by Kysely would return them. */
  rows(db: AnyDb, values: P): Promise<O[]>;
  /** The first row, or undefined. */
  first(db: AnyDb, values: P): Promise<O | undefined>;
}

export interface PreparedOptions {
  /**
   * PostgreSQL plans it on every run, for the values and the tables as they are then: it runs
   * unnamed. For a read whose good plan depends on how far a table has grown since it was
   * analysed: a named statement keeps the plan made at its first runs, and a poll's participations
   * that were one page then were still read whole (a sequential scan for each voter of each batch)
   * when they held 10,000 rows, until autovacuum's analysis came round (2026-12-05, the ballots
   * benchmark's slow PostgreSQL runs).
   */
  planEachRun?: boolean;
}

/** A read, or a write, built and compiled once per database; see the rule above. */
export function prepared<P extends Record<string, unknown>, O>(
  build: (db: AnyDb, values: P) => Compilable<O>,
  options: PreparedOptions = {},
): Prepared<P, O> {
  const kept = new WeakMap<object, Compiled>();
  const rows = async (db: AnyDb, values: P) =>
    runCompiled<O>(db, compiledFor(kept, db, build, options), values);
  return { rows, first: async (db, values) => (await rows(db, values))[0] };
}

/** `readTogether` (db/portable.ts) of reads built and compiled once per database. */
export function preparedTogether<
  P extends Record<string, unknown>,
  Q extends Record<string, AnySelect>,
>(build: (db: AnyDb, values: P) => Q): (db: AnyDb, values: P) => Promise<ReadsOf<Q>> {
  const kept = new WeakMap<object, Compiled>();
  const unpackers = new WeakMap<Compiled, (row: unknown) => ReadsOf<Q>>();
  return async (db, values) => {
    let unpack: ((row: unknown) => ReadsOf<Q>) | undefined;
    const c = compiledFor<P>(kept, db, (d, v) => {
      const together = togetherQuery(d, build(d, v));
      if (!together) throw new Error("preparedTogether: no reads");
      unpack = together.unpack;
      return together.query;
    });
    if (unpack) unpackers.set(c, unpack);
    const [row] = await runCompiled(db, c, values);
    return unpackers.get(c)!(row);
  };
}
