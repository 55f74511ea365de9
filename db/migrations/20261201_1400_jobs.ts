// Frozen: never edit a migration that has shipped; add a new one instead.
import { type Kysely } from "kysely";

/**
 * Timed work (app/services/jobs.server.ts): one row per recurring job, claimed by one process at a
 * time until `locked_until`, then moved to its next `due_at`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("jobs")
    .addColumn("name", "text", (c) => c.primaryKey().notNull())
    .addColumn("due_at", "text", (c) => c.notNull())
    .addColumn("locked_by", "text")
    .addColumn("locked_until", "text")
    .addColumn("last_run_at", "text")
    .addColumn("last_error", "text")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("jobs").execute();
}
