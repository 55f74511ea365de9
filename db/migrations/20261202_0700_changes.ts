// Frozen: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from "kysely";

/**
 * Changing and cancelling (issue 16, item 5). A meeting keeps its status when cancelled (the
 * status column's CHECK names the four steps of a meeting that takes place); `cancelled_at` and
 * `cancel_reason` say it will not, and `sequence` counts its changes, so a calendar app that
 * imported it (.ics SEQUENCE) takes the newer version. A poll or budget round cancelled before it
 * closes keeps the fact, the reason and how many ballots were discarded with it, never a tally.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("meetings").addColumn("cancelled_at", "text").execute();
  await db.schema.alterTable("meetings").addColumn("cancel_reason", "text").execute();
  await db.schema
    .alterTable("meetings")
    .addColumn("sequence", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("meetings").addColumn("updated_at", "text").execute();
  for (const table of ["polls", "budget_rounds"]) {
    await db.schema.alterTable(table).addColumn("cancelled_at", "text").execute();
    await db.schema.alterTable(table).addColumn("cancel_reason", "text").execute();
    await db.schema.alterTable(table).addColumn("ballots_discarded", "integer").execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["budget_rounds", "polls"]) {
    await db.schema.alterTable(table).dropColumn("ballots_discarded").execute();
    await db.schema.alterTable(table).dropColumn("cancel_reason").execute();
    await db.schema.alterTable(table).dropColumn("cancelled_at").execute();
  }
  await db.schema.alterTable("meetings").dropColumn("updated_at").execute();
  await db.schema.alterTable("meetings").dropColumn("sequence").execute();
  await db.schema.alterTable("meetings").dropColumn("cancel_reason").execute();
  await db.schema.alterTable("meetings").dropColumn("cancelled_at").execute();
}
