import { Migrator, type MigrationResultSet } from "kysely";
import type { DB } from "./client.server";
import { migrations } from "./migrations/index";

export function migrator(db: DB): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
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
  return check(await migrator(db).migrateToLatest());
}

export async function migrateDown(db: DB): Promise<MigrationResultSet> {
  return check(await migrator(db).migrateDown());
}
