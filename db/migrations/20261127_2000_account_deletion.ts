// Frozen: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from "kysely";

/** Deleting an account keeps the row (audit entries point at it) but empties it and marks when. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").addColumn("deleted_at", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("deleted_at").execute();
}
