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

export async function freshSchema(base: string): Promise<FreshSchema> {
  const name = `t_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  await withClient(base, (c) => c.query(`create schema ${name}`));
  const url = new URL(base);
  url.searchParams.set("options", `-c search_path=${name}`);
  return {
    name,
    url: url.toString(),
    drop: () => withClient(base, (c) => c.query(`drop schema if exists ${name} cascade`)).then(),
  };
}
