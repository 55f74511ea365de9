// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/**
 * Paper ballots the way polling stations count them (issue 13, "ballot secrecy").
 *
 * - `participations.boxed`: 1 when the service window recorded only *that* a resident voted on
 *   paper, their paper going into the box unopened. Rows written before (boxed 0) had their
 *   choices typed in at the window and their ballot is already in `ballots`.
 * - `paper_counts`: the count of a poll's or round's box after closing — who submitted it, how many
 *   papers were spoiled, why fewer papers than voters were found, and who confirmed it.
 * - `paper_count_ballots`: the box's ballots while they are being entered, with nothing that names
 *   a voter. On confirmation they move into `ballots` under fresh receipt codes and leave here.
 * - `poll_releases`: the latest released snapshot of a live poll's results. Live results move in
 *   steps (`releaseDue` in app/domain/voting/rules.ts), so no single ballot is seen arriving.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("participations")
    .addColumn("boxed", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable("paper_counts")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("poll_id", "integer", (c) => c.references("polls.id").onDelete("cascade"))
    .addColumn("round_id", "integer", (c) => c.references("budget_rounds.id").onDelete("cascade"))
    .addColumn("spoiled", "integer", (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`spoiled >= 0`),
    )
    // Why fewer papers were in the box than residents recorded at the window, when they were.
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("submitted_by", "integer", (c) => c.references("users.id"))
    .addColumn("submitted_at", "text")
    .addColumn("confirmed_by", "integer", (c) => c.references("users.id"))
    .addColumn("confirmed_at", "text")
    // Confirmed by the member who submitted it, the community having no second one.
    .addColumn("needs_review", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addCheckConstraint("paper_counts_one_subject", sql`(poll_id is null) <> (round_id is null)`)
    .execute();
  await db.schema
    .createIndex("paper_counts_poll")
    .unique()
    .on("paper_counts")
    .column("poll_id")
    .where(sql.ref("poll_id"), "is not", null)
    .execute();
  await db.schema
    .createIndex("paper_counts_round")
    .unique()
    .on("paper_counts")
    .column("round_id")
    .where(sql.ref("round_id"), "is not", null)
    .execute();

  await db.schema
    .createTable("paper_count_ballots")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("count_id", "integer", (c) =>
      c.notNull().references("paper_counts.id").onDelete("cascade"),
    )
    // JSON array of option ids (polls) or project ids (rounds), as in `ballots`.
    .addColumn("choices", "text", (c) => c.notNull())
    .addColumn("entered_by", "integer", (c) => c.references("users.id"))
    .execute();
  await db.schema
    .createIndex("paper_count_ballots_count")
    .on("paper_count_ballots")
    .column("count_id")
    .execute();

  await db.schema
    .createTable("poll_releases")
    .addColumn("poll_id", "integer", (c) =>
      c.primaryKey().references("polls.id").onDelete("cascade"),
    )
    // How many ballots the snapshot counts, and the votes per option (JSON object).
    .addColumn("ballots", "integer", (c) => c.notNull())
    .addColumn("results", "text", (c) => c.notNull())
    .addColumn("released_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("poll_releases").execute();
  await db.schema.dropTable("paper_count_ballots").execute();
  await db.schema.dropTable("paper_counts").execute();
  await db.schema.alterTable("participations").dropColumn("boxed").execute();
}
