/**
 * The one place that opens the database. SQLite through `sqlite3` is the embedded default; the
 * file lives under ./data unless DATABASE_PATH says otherwise (":memory:" works for tests).
 *
 * The handle is kept on globalThis so that the Vite dev server, which may evaluate this module more
 * than once, never opens a second connection to the same file.
 */
import fs from "node:fs";
import path from "node:path";
import { CamelCasePlugin, Kysely, sql } from "kysely";
import { Sqlite3Dialect } from "./sqlite3-dialect";
import type { Database } from "./schema";

export type DB = Kysely<Database>;

export function databasePath(): string {
  return process.env.DATABASE_PATH || path.resolve("data", "liuhe.sqlite");
}

export function openDatabase(filename = databasePath()): DB {
  if (filename !== ":memory:")
    fs.mkdirSync(path.dirname(path.resolve(filename)), { recursive: true });
  return new Kysely<Database>({
    dialect: new Sqlite3Dialect({
      filename,
      onOpen: async (exec) => {
        // WAL lets readers in other processes work while we write; NORMAL sync is durable at each
        // checkpoint and safe against corruption; the busy timeout covers a second process (the
        // migration CLI) holding the write lock for a moment.
        await exec("pragma journal_mode = wal");
        await exec("pragma synchronous = normal");
        await exec("pragma foreign_keys = on");
        await exec("pragma busy_timeout = 5000");
      },
    }),
    plugins: [new CamelCasePlugin()],
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
