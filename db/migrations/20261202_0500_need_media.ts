import type { Kysely } from "kysely";

/**
 * 民情 (needs): the Open311 intake (issue 15, item 8) takes an optional `media_url`, a picture the
 * other channel keeps on its own server. It is stored as the link it is (never fetched: fetching
 * addresses a caller names would let a key reach inside our network), and shown with the need's
 * details, so only on a public need.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("needs").addColumn("media_url", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("needs").dropColumn("media_url").execute();
}
