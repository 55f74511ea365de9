import { Migrator, sql, type MigrationResultSet } from "kysely";
import { isPostgres } from "./portable";
import type { DB } from "./client.server";
import { migrations } from "./migrations/index";

export async function migrator(db: DB): Promise<Migrator> {
  // On PostgreSQL, Kysely looks for its own tables in every schema unless told which: a database
  // holding several Liuhe schemas (tests, a copy) would find another schema's and never make its own.
  const schema = isPostgres(db)
    ? (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0]?.name
    : undefined;
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    throw new Error(`Migration ${failed?.migrationName ?? "?"} failed: ${String(result.error)}`, {
      cause: result.error,
    });
  }
  return result;
}

export async function migrateToLatest(db: DB): Promise<MigrationResultSet> {
  return check(await (await migrator(db)).migrateToLatest());
}

export async function migrateDown(db: DB): Promise<MigrationResultSet> {
  return check(await (await migrator(db)).migrateDown());
}
