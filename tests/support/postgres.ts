/**
 * A PostgreSQL database of one's own on the test server: tests (and the servers they start)
 * connect to it, so parallel test files never see each other's rows — nor each other's tables.
 * (A schema per file in one shared database was not enough: Kysely's migrator lists the tables of
 * every schema before it migrates, and failed while another file's schema was being migrated or
 * dropped, so test files had to run one at a time on PostgreSQL.)
 */
import crypto from "node:crypto";
import pg from "pg";

export interface FreshDatabase {
  name: string;
  /** The base URL with this database in place of the base's. */
  url: string;
  drop: () => Promise<void>;
}
async function withClient<T>(base: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A new database on the server of `base`: empty, or a copy of the database named `template`. */
export async function freshDatabase(base: string, template?: string): Promise<FreshDatabase> {
  const name = `t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await withClient(base, async (c) => {
    // A test process that was killed never dropped its database: drop those of dead processes.
    const { rows } = await c.query<{ datname: string }>(
      "select datname from pg_database where datname ~ '^t_[0-9]+_[0-9a-f]+$'",
    );
    for (const { datname } of rows) {
      if (!alive(Number(datname.split("_")[1])))
        await c.query(`drop database if exists ${datname} with (force)`).catch(() => undefined);
    }
    await c.query(`create database ${name}${template ? ` template ${template}` : ""}`);
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    // FORCE: a pool a test left open must not keep the database alive.
    drop: () =>
      withClient(base, (c) => c.query(`drop database if exists ${name} with (force)`)).then(),
  };
}
