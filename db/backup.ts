/**
 * `npm run db:backup -- FILE [--force]` and `npm run db:restore -- FILE --yes`: the whole database
 * (every table, photos included: they are rows) to one file and back.
 *
 * SQLite (DATABASE_PATH, default ./data/liuhe.sqlite): the backup is `VACUUM INTO`, one read
 * transaction of the live file, so it is a consistent copy even while the site writes; the copy is
 * a complete database file of its own, without a -wal. Restore checks that FILE is a sound Liuhe
 * database (integrity_check, a migrations table), then writes it beside the live file, fsyncs it and
 * renames it over the live file, after removing the live file's -wal and -shm: the site must be
 * stopped, or its open connection would go on writing into the old file and its WAL.
 *
 * PostgreSQL (DATABASE_URL): `pg_dump -Fc` and `pg_restore --clean --if-exists` with that URL (the
 * schema its `search_path` option names, if it names one). Both must be on PATH.
 *
 * Every refusal says why and exits with 1; a URL is shown without its password.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import sqlite3 from "sqlite3";
import { databaseLabel, databaseTarget } from "./client.server";

const exec = promisify(execFile);
const POSTGRES_URL = /^postgres(ql)?:\/\//;

/** A backup or restore that must not go ahead; nothing has been written. */
export class BackupRefused extends Error {}

function open(file: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}
const all = <T>(db: sqlite3.Database, query: string, params: unknown[] = []) =>
  new Promise<T[]>((resolve, reject) =>
    db.all(query, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))),
  );
const run = (db: sqlite3.Database, query: string, params: unknown[] = []) =>
  new Promise<void>((resolve, reject) =>
    db.run(query, params, (err) => (err ? reject(err) : resolve())),
  );
const close = (db: sqlite3.Database) =>
  new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));

/** The schema a PostgreSQL URL selects with `options=-c search_path=NAME`, if any. */
function urlSchema(url: string): string | undefined {
  const options = new URL(url).searchParams.get("options") ?? "";
  return /search_path=([A-Za-z_][A-Za-z0-9_$]*)/.exec(options)?.[1];
}

async function tool(name: "pg_dump" | "pg_restore"): Promise<string> {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  throw new BackupRefused(
    `${name} is not on PATH: install PostgreSQL's client programs (Debian: apt-get install postgresql-client).`,
  );
}

/**
 * libpq reads the URL, but a `?options=` there is passed to the server, and pg_dump's `-n` wants
 * the schema by name: the URL goes without it, and the schema by -n.
 */
function pgArgs(url: string): { dbname: string; schema?: string } {
  const schema = urlSchema(url);
  const bare = new URL(url);
  bare.searchParams.delete("options");
  return { dbname: bare.toString(), schema };
}

async function pgFailed(e: unknown, what: string, url: string): Promise<never> {
  const stderr = String((e as { stderr?: string }).stderr ?? (e as Error).message);
  // libpq's messages name host and user, never the password; strip the URL anyway.
  const clean = stderr.split(url).join(databaseLabel(url));
  throw new Error(`${what} failed for ${databaseLabel(url)}: ${clean.trim()}`);
}

function refuseExisting(file: string, force: boolean) {
  if (fs.existsSync(file) && !force)
    throw new BackupRefused(`${file} exists: choose another file, or add --force to replace it.`);
}

/** Writes a consistent copy of the database `target` (a SQLite path or a postgres:// URL) to `file`. */
export async function backupDatabase(
  target: string,
  file: string,
  opts: { force?: boolean } = {},
): Promise<void> {
  file = path.resolve(file);
  refuseExisting(file, opts.force === true);
  if (!fs.existsSync(path.dirname(file)))
    throw new BackupRefused(`There is no folder ${path.dirname(file)} to write ${file} in.`);
  if (POSTGRES_URL.test(target)) {
    const pgDump = await tool("pg_dump");
    const { dbname, schema } = pgArgs(target);
    const tmp = `${file}.part-${process.pid}`;
    try {
      await exec(
        pgDump,
        ["-Fc", "--no-owner", "-f", tmp, ...(schema ? ["-n", schema] : []), "-d", dbname],
        {
          maxBuffer: 16 * 1024 * 1024,
        },
      ).catch((e: unknown) => pgFailed(e, "pg_dump", dbname));
      fs.renameSync(tmp, file);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
    return;
  }
  if (!fs.existsSync(target)) throw new BackupRefused(`There is no SQLite database at ${target}.`);
  // VACUUM INTO will not write over a file; --force replaces it only once the copy is made.
  const tmp = `${file}.part-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  const db = await open(target, sqlite3.OPEN_READWRITE);
  try {
    await run(db, "pragma busy_timeout = 5000");
    await run(db, "vacuum into ?", [tmp]);
  } finally {
    await close(db);
  }
  try {
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** Checks that `file` is a sound SQLite database with Liuhe's migrations table. */
async function checkSqliteBackup(file: string): Promise<void> {
  const db = await open(file, sqlite3.OPEN_READONLY).catch(() => {
    throw new BackupRefused(`${file} is not a SQLite database.`);
  });
  try {
    const check = await all<{ integrity_check: string }>(db, "pragma integrity_check").catch(() => {
      throw new BackupRefused(`${file} is not a SQLite database.`);
    });
    const result = check.map((r) => r.integrity_check);
    if (result.join() !== "ok")
      throw new BackupRefused(
        `${file} fails SQLite's integrity check: ${result.slice(0, 3).join("; ")}.`,
      );
    const tables = await all<{ name: string }>(
      db,
      "select name from sqlite_master where type = 'table' and name = 'kysely_migration'",
    );
    if (tables.length === 0)
      throw new BackupRefused(
        `${file} is a SQLite database, but not Liuhe's (no migrations table).`,
      );
  } finally {
    await close(db);
  }
}

/**
 * Puts the backup `file` back as the database `target`. The site must be stopped (`yes` says it
 * is): a running server keeps the old file open.
 */
export async function restoreDatabase(
  target: string,
  file: string,
  opts: { yes?: boolean } = {},
): Promise<void> {
  file = path.resolve(file);
  if (!fs.existsSync(file)) throw new BackupRefused(`There is no backup at ${file}.`);
  const where = databaseLabel(target);
  if (!opts.yes)
    throw new BackupRefused(
      `Restoring replaces everything in ${where} with ${file}. Stop the site first, then add --yes.`,
    );
  if (POSTGRES_URL.test(target)) {
    const pgRestore = await tool("pg_restore");
    const { dbname } = pgArgs(target);
    // --list reads the archive only: a file that is not one is refused before the database is touched.
    await exec(pgRestore, ["--list", file]).catch(() => {
      throw new BackupRefused(`${file} is not a pg_dump archive (pg_dump -Fc).`);
    });
    await exec(
      pgRestore,
      [
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "-d",
        dbname,
        file,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    ).catch((e: unknown) => pgFailed(e, "pg_restore", dbname));
    return;
  }
  await checkSqliteBackup(file);
  const dir = path.dirname(path.resolve(target));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.restore-${process.pid}`);
  try {
    fs.copyFileSync(file, tmp);
    const fd = fs.openSync(tmp, "r+");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // The old file's WAL belongs to the old file: left beside the new one, SQLite would replay it.
    for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(target + suffix, { force: true });
    fs.renameSync(tmp, target);
    const dirFd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

const USAGE = {
  backup: "usage: npm run db:backup -- FILE [--force]",
  restore: "usage: npm run db:restore -- FILE --yes   (with the site stopped)",
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { force: { type: "boolean" }, yes: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  const [verb, file, ...rest] = positionals;
  if ((verb !== "backup" && verb !== "restore") || !file || rest.length > 0) {
    console.error(verb === "restore" ? USAGE.restore : USAGE.backup);
    return 2;
  }
  try {
    const target = databaseTarget();
    if (verb === "backup") {
      await backupDatabase(target, file, { force: values.force });
      console.log(`backed up ${databaseLabel(target)} to ${path.resolve(file)}`);
    } else {
      await restoreDatabase(target, file, { yes: values.yes });
      console.log(`restored ${path.resolve(file)} into ${databaseLabel(target)}`);
    }
    return 0;
  } catch (e) {
    console.error(
      e instanceof BackupRefused ? `refused: ${e.message}` : `failed: ${(e as Error).message}`,
    );
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
