// Frozen: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from "kysely";

/**
 * Notices sent once (issue 16: reminders and timed notices, "sent once, even with several
 * processes and after a restart"). A timed notice (a meeting's reminder, a vote that opened) names
 * what it is once for in `once_key` (the kind, the thing, and what would make it new again, such
 * as a meeting's `sequence`); the unique index lets only the first writer's row in, whichever
 * process or job run it is. Notices of commands leave it NULL, which both engines let repeat.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("notice_outbox").addColumn("once_key", "text").execute();
  await db.schema
    .createIndex("notice_outbox_once")
    .on("notice_outbox")
    .column("once_key")
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("notice_outbox_once").execute();
  await db.schema.alterTable("notice_outbox").dropColumn("once_key").execute();
}
