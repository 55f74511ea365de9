// Frozen: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from "kysely";

/**
 * 民情 (needs): the boards list a street's or a community's needs newest first, twenty at a time
 * (app/services/needs/queries.server.ts, listNeeds). With only (street_id, status) to go by, a
 * board read every need of its street and sorted them all for the first twenty: at 100,000 needs
 * in one street about 80 ms a page on SQLite (bench/needs). In (place, created_at, id) order the
 * first twenty are the first rows of the index. The command room's desk (a street's needs waiting
 * for dispatch, most residents behind them first) sorts a few thousand: (street_id, status,
 * intensity, created_at, id) holds all it sorts by, so it sorts the index alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("needs_street_created")
    .on("needs")
    .columns(["street_id", "created_at", "id"])
    .execute();
  await db.schema
    .createIndex("needs_street_status_intensity")
    .on("needs")
    .columns(["street_id", "status", "intensity", "created_at", "id"])
    .execute();
  await db.schema
    .createIndex("needs_community_created")
    .on("needs")
    .columns(["community_id", "created_at", "id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("needs_community_created").execute();
  await db.schema.dropIndex("needs_street_status_intensity").execute();
  await db.schema.dropIndex("needs_street_created").execute();
}
