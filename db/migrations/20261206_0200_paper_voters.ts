// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/**
 * The residents who voted on paper at the window, found without reading everyone who voted. Every
 * page of a poll or round shows its paper box (`paperBox`: how many papers are expected), and with
 * only the (poll or round, voter) index that count read every participation: 50,000 of them on
 * each view of a city-wide round. Paper voters are few: partial indexes hold only them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("participations_poll_boxed")
    .on("participations")
    .column("poll_id")
    .where(sql.ref("boxed"), "=", 1)
    .execute();
  await db.schema
    .createIndex("participations_round_boxed")
    .on("participations")
    .column("round_id")
    .where(sql.ref("boxed"), "=", 1)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("participations_poll_boxed").execute();
  await db.schema.dropIndex("participations_round_boxed").execute();
}
