/**
 * A PostgreSQL schema of one's own inside a shared test database: tests (and the servers they
 * start) connect with `search_path` set to it, so parallel test files never see each other's rows.
 */
import crypto from "node:crypto";
import pg from "pg";

export interface FreshSchema {
  name: string;
  /** The base URL with this schema as the search path. */
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

export async function freshSchema(base: string): Promise<FreshSchema> {
  const name = `t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await withClient(base, async (c) => {
    // A test process that was killed never dropped its schema: drop those of dead processes.
    const { rows } = await c.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname ~ '^t_[0-9]+_[0-9a-f]+$'",
    );
    for (const { nspname } of rows) {
      if (!alive(Number(nspname.split("_")[1])))
        await c.query(`drop schema if exists ${nspname} cascade`).catch(() => undefined);
    }
    await c.query(`create schema ${name}`);
  });
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    drop: () => withClient(base, (c) => c.query(`drop schema if exists ${name} cascade`)).then(),
  };
}
