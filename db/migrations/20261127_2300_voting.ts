// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/**
 * Polls and participatory budget rounds. A ballot row never references its voter: the
 * participation row records *that* someone voted (unique per poll or round, so a second ballot is
 * impossible even under concurrent requests), the ballot row records *what* was chosen under a
 * random receipt code. Ballots are a WITHOUT ROWID table keyed by that code, so their storage
 * order says nothing about who voted when.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("polls")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("meeting_id", "integer", (c) => c.references("meetings.id"))
    .addColumn("question", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("method", "text", (c) =>
      c.notNull().check(sql`method in ('single', 'approval', 'yesNo')`),
    )
    .addColumn("max_choices", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("electorate", "text", (c) =>
      c.notNull().check(sql`electorate in ('residents', 'seatHolders')`),
    )
    .addColumn("results", "text", (c) => c.notNull().check(sql`results in ('live', 'afterClose')`))
    .addColumn("opens_at", "text", (c) => c.notNull())
    .addColumn("closes_at", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("polls_community")
    .on("polls")
    .columns(["community_id", "closes_at"])
    .execute();
  await db.schema.createIndex("polls_meeting").on("polls").column("meeting_id").execute();

  await db.schema
    .createTable("poll_options")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("poll_id", "integer", (c) => c.notNull().references("polls.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    // yes / no / abstain for yes-no polls (shown in the reader's language); null for written options.
    .addColumn("code", "text")
    .addColumn("label", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("poll_options_poll")
    .on("poll_options")
    .columns(["poll_id", "position"])
    .execute();

  await db.schema
    .createTable("budget_rounds")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("budget", "integer", (c) => c.notNull().check(sql`budget > 0`))
    .addColumn("method", "text", (c) => c.notNull().check(sql`method in ('greedy', 'mes')`))
    .addColumn("min_projects", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("max_projects", "integer")
    .addColumn("opens_at", "text", (c) => c.notNull())
    .addColumn("closes_at", "text", (c) => c.notNull())
    .addColumn("tallied_at", "text")
    .addColumn("spent", "integer")
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("budget_rounds_community")
    .on("budget_rounds")
    .column("community_id")
    .execute();

  await db.schema
    .createTable("round_projects")
    .addColumn("round_id", "integer", (c) =>
      c.notNull().references("budget_rounds.id").onDelete("cascade"),
    )
    .addColumn("project_id", "integer", (c) => c.notNull().references("projects.id"))
    .addColumn("position", "integer", (c) => c.notNull())
    // The cost is fixed when the round opens: the ballot form and the tally use the same figure.
    .addColumn("cost", "integer", (c) => c.notNull().check(sql`cost > 0`))
    .addColumn("approvals", "integer")
    .addColumn("selected", "integer")
    .addPrimaryKeyConstraint("round_projects_pk", ["round_id", "project_id"])
    .execute();

  await db.schema
    .createTable("ballots")
    .addColumn("receipt", "text", (c) => c.primaryKey())
    .addColumn("poll_id", "integer", (c) => c.references("polls.id").onDelete("cascade"))
    .addColumn("round_id", "integer", (c) => c.references("budget_rounds.id").onDelete("cascade"))
    // JSON array of option ids (polls) or project ids (rounds).
    .addColumn("choices", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in ('online', 'paper')`))
    .addCheckConstraint("ballots_one_subject", sql`(poll_id is null) <> (round_id is null)`)
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex("ballots_poll").on("ballots").column("poll_id").execute();
  await db.schema.createIndex("ballots_round").on("ballots").column("round_id").execute();

  await db.schema
    .createTable("participations")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("poll_id", "integer", (c) => c.references("polls.id").onDelete("cascade"))
    .addColumn("round_id", "integer", (c) => c.references("budget_rounds.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("channel", "text", (c) => c.notNull().check(sql`channel in ('online', 'paper')`))
    // Paper ballots: who typed it in at the service window, and who checked it.
    .addColumn("entered_by", "integer", (c) => c.references("users.id"))
    .addColumn("confirmed_by", "integer", (c) => c.references("users.id"))
    .addColumn("confirmed_at", "text")
    .addColumn("needs_review", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("at", "text", (c) => c.notNull())
    .addCheckConstraint("participations_one_subject", sql`(poll_id is null) <> (round_id is null)`)
    .execute();
  await db.schema
    .createIndex("participations_poll_user")
    .unique()
    .on("participations")
    .columns(["poll_id", "user_id"])
    .where(sql.ref("poll_id"), "is not", null)
    .execute();
  await db.schema
    .createIndex("participations_round_user")
    .unique()
    .on("participations")
    .columns(["round_id", "user_id"])
    .where(sql.ref("round_id"), "is not", null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "participations",
    "ballots",
    "round_projects",
    "budget_rounds",
    "poll_options",
    "polls",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
