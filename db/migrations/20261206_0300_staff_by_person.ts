// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/**
 * A person's current places in the needs loop, found by the person. Who is asking (`loadActor`)
 * reads them on every look-up of a session: the two unique indexes that start with the person are
 * partial on the place's kind as well, so that read went through every row of `need_staff` — a
 * few dozen in the demo, a grid worker per grid in a city (ten thousand and more).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("need_staff_person")
    .on("need_staff")
    .column("user_id")
    .where(sql.ref("ended_at"), "is", null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("need_staff_person").execute();
}
