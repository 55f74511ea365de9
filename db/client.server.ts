/**
 * The one place that opens the database. SQLite through `sqlite3` is the embedded default; the
 * file lives under ./data unless DATABASE_PATH says otherwise (":memory:" works for tests).
 * DATABASE_URL=postgres://… selects PostgreSQL instead, through Kysely's own dialect and a `pg`
 * pool: the same migrations, queries and commands run on both (db/portable.ts holds the few
 * places where the engines differ).
 *
 * The handle is kept on globalThis so that the Vite dev server, which may evaluate this module more
 * than once, never opens a second connection to the same file.
 */
import fs from "node:fs";
import path from "node:path";
import {
  Kysely,
  PostgresDialect,
  PostgresQueryCompiler,
  SqliteQueryCompiler,
  sql,
  type PostgresPool,
  type PostgresPoolClient,
} from "kysely";
import { CamelCaseNames, snakeCasing, withCompiler } from "./camel-case";
import pg from "pg";
import { PostgresDdlPlugin } from "./postgres-ddl";
import { statementName } from "./prepared";
import { Sqlite3Dialect } from "./sqlite3-dialect";
import type { Database } from "./schema";

export type DB = Kysely<Database>;

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * Where the data lives: DATABASE_URL when it is set (PostgreSQL), else the SQLite file. A
 * DATABASE_URL that is not a PostgreSQL URL is refused here, before anything starts.
 */
export function databaseTarget(env: Record<string, string | undefined> = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    // Only the scheme is echoed: the URL may carry a password.
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
    if (!POSTGRES_URL.test(url))
      throw new Error(
        `DATABASE_URL must be postgres://… or postgresql://… (got ${scheme ? `"${scheme}…"` : "something else"})`,
      );
    return url;
  }
  return env.DATABASE_PATH || path.resolve("data", "liuhe.sqlite");
}

/** The target for logs: a URL loses its password. */
export function databaseLabel(target = databaseTarget()): string {
  if (!POSTGRES_URL.test(target)) return target;
  const url = new URL(target);
  if (url.password) url.password = "***";
  return url.toString();
}

/**
 * PostgreSQL's 64-bit integers (count(*), sum()) and numerics (avg()) arrive as strings from `pg`,
 * SQLite's as numbers. Counts and sums here are far below 2^53, so both become numbers.
 */
function typeParser(oid: number, format?: string) {
  if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
  return pg.types.getTypeParser(oid, format as "text");
}

/**
 * The pool as Kysely sees it: its clients run each text `statementName` names as a named
 * statement, parsed and planned once per connection: the texts db/prepared.ts compiled, and any
 * read or write that has run three times (why and the bounds: db/prepared.ts). Every other
 * statement, and a cursor, goes to the client as it came. One wrapper per client, kept: Kysely
 * keeps its own connection object per client it is given.
 */
function namingPool(pool: pg.Pool): PostgresPool {
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const any = client as unknown as { query: (...args: unknown[]) => unknown };
    const query = (text: unknown, values?: unknown[]) => {
      const name = typeof text === "string" ? statementName(text) : undefined;
      return name ? any.query({ name, text, values }) : any.query(text, values);
    };
    return {
      query: query as PostgresPoolClient["query"],
      release: (destroy) => client.release(destroy),
    };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let wrapped = wrappers.get(client);
      if (!wrapped) wrappers.set(client, (wrapped = wrap(client)));
      return wrapped;
    },
    end: () => pool.end(),
  };
}

function openPostgres(connectionString: string): DB {
  const pool = new pg.Pool({
    connectionString,
    max: Number(process.env.DATABASE_POOL_SIZE) || 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  });
  // An idle client that loses its server (a restart) emits here; without a listener it would
  // crash the process. The pool replaces it on next use.
  pool.on("error", (e) => console.error("database pool:", e.message));
  const names = new CamelCaseNames();
  return new Kysely<Database>({
    dialect: withCompiler(
      new PostgresDialect({ pool: namingPool(pool) }),
      snakeCasing(PostgresQueryCompiler, names),
    ),
    // CamelCaseNames last: see db/camel-case.ts.
    plugins: [new PostgresDdlPlugin(), names],
  });
}

export function openDatabase(target = databaseTarget()): DB {
  if (POSTGRES_URL.test(target)) return openPostgres(target);
  const filename = target;
  if (filename !== ":memory:")
    fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  const names = new CamelCaseNames();
  return new Kysely<Database>({
    dialect: withCompiler(
      new Sqlite3Dialect({
        filename,
        onOpen: async (exec) => {
          // WAL lets readers in other processes work while we write. FULL sync: each commit is on
          // disk before it is acknowledged, so a ballot, a support or a room message a resident was
          // told is stored survives a power loss, not only a crash of the process (NORMAL, before,
          // could lose the last commits). The room writes its posts in batches, one commit (one
          // sync) for many. The busy timeout covers a second process (the migration CLI) holding the
          // write lock for a moment.
          await exec("pragma journal_mode = wal");
          await exec("pragma synchronous = full");
          await exec("pragma foreign_keys = on");
          await exec("pragma busy_timeout = 5000");
        },
      }),
      snakeCasing(SqliteQueryCompiler, names),
    ),
    plugins: [names],
  });
}

const globalForDb = globalThis as unknown as { __liuheDb?: DB };

/** The process-wide database handle. */
export function getDb(): DB {
  globalForDb.__liuheDb ??= openDatabase();
  return globalForDb.__liuheDb;
}

export async function closeDb(): Promise<void> {
  const db = globalForDb.__liuheDb;
  globalForDb.__liuheDb = undefined;
  await db?.destroy();
}

/** Round trip to the database, for /healthz. */
export async function pingDatabase(db: DB = getDb()): Promise<boolean> {
  const result = await sql<{ ok: number }>`select 1 as ok`.execute(db);
  return result.rows[0]?.ok === 1;
}
