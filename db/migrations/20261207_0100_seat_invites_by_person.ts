// Frozen: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from "kysely";

/**
 * A person's seat invitations, found by the person. The signed-in home reads them on every view
 * (the invitations waiting for an answer); the primary key starts with the meeting, so that read
 * went through every invitation of every meeting in the city (found by the query-plan test of a
 * page's own reads).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("seat_invites_person").on("seat_invites").column("user_id").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("seat_invites_person").execute();
}
