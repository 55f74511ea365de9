// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../portable";

/**
 * 意见征集 (conversations, issue 18): a Polis-style opinion map before a round table.
 *   - conversations: one per question, on a council (and optionally one of its meetings), with its
 *     window (closed_at when the committee closed it early) and who may take part;
 *   - statements: the participants' and the committee's (is_seed) short statements, moderated;
 *   - statement_votes: one row per statement and person, the last answer (-1, 0, 1) and its time:
 *     a changed vote updates the row, so the unique key holds "never two rows";
 *   - opinion_maps: the last computed map of a conversation. `result` is what the page shows (no
 *     participant in it); `assignments` (who was in which group) is kept only so that groups stay
 *     the same from one computation to the next, and is never shown. `version` counts the changes
 *     (votes, moderation) and `computed_version` the one the map was computed from: the map is
 *     stale when they differ. `claimed_by` / `claimed_until` hold the one computation at a time
 *     across processes (a conditional update claims it);
 *   - agenda_statements: statements the committee attached to a meeting's agenda item;
 *   - statements_fts: full-text search for near-duplicates, as needs_fts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("conversations")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("council_id", "integer", (c) => c.notNull().references("councils.id"))
    .addColumn("meeting_id", "integer", (c) => c.references("meetings.id"))
    .addColumn("question", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("opens_at", "text", (c) => c.notNull())
    .addColumn("closes_at", "text", (c) => c.notNull())
    // Set when the committee closed it before its time.
    .addColumn("closed_at", "text")
    .addColumn("closed_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("eligibility", "text", (c) =>
      c.notNull().check(sql`eligibility in ('residents', 'seats')`),
    )
    .addColumn("premoderation", "integer", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addCheckConstraint(
      "conversations_seats_meeting",
      sql`eligibility <> 'seats' or meeting_id is not null`,
    )
    .execute();
  await db.schema
    .createIndex("conversations_council")
    .on("conversations")
    .columns(["council_id", "opens_at"])
    .execute();
  await db.schema
    .createIndex("conversations_meeting")
    .on("conversations")
    .column("meeting_id")
    .execute();

  await db.schema
    .createTable("statements")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("conversation_id", "integer", (c) =>
      c.notNull().references("conversations.id").onDelete("cascade"),
    )
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("author_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("is_seed", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'accepted', 'rejected')`),
    )
    .addColumn("reject_reason", "text")
    .addColumn("moderated_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("moderated_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("statements_conversation")
    .on("statements")
    .columns(["conversation_id", "status", "id"])
    .execute();

  await db.schema
    .createTable("statement_votes")
    .addColumn("conversation_id", "integer", (c) =>
      c.notNull().references("conversations.id").onDelete("cascade"),
    )
    .addColumn("statement_id", "integer", (c) =>
      c.notNull().references("statements.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("vote", "integer", (c) => c.notNull().check(sql`vote between -1 and 1`))
    .addColumn("voted_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("statement_votes_pk", ["statement_id", "user_id"])
    .execute();
  // A person's votes in a conversation (the next statement, "my votes"); the map reads them all.
  await db.schema
    .createIndex("statement_votes_user")
    .on("statement_votes")
    .columns(["conversation_id", "user_id"])
    .execute();

  await db.schema
    .createTable("opinion_maps")
    .addColumn("conversation_id", "integer", (c) =>
      c.primaryKey().references("conversations.id").onDelete("cascade"),
    )
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("computed_version", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("computed_at", "text")
    .addColumn("votes_seen", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("result", "text")
    .addColumn("assignments", "text")
    .addColumn("claimed_by", "text")
    .addColumn("claimed_until", "text")
    .execute();

  await db.schema
    .createTable("agenda_statements")
    .addColumn("agenda_item_id", "integer", (c) =>
      c.notNull().references("agenda_items.id").onDelete("cascade"),
    )
    .addColumn("statement_id", "integer", (c) =>
      c.notNull().references("statements.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('consensus', 'divisive')`))
    .addColumn("attached_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("attached_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("agenda_statements_pk", ["agenda_item_id", "statement_id"])
    .execute();
  await db.schema
    .createIndex("agenda_statements_statement")
    .on("agenda_statements")
    .column("statement_id")
    .execute();

  if (isPostgres(db)) {
    await db.schema
      .createTable("statements_fts")
      .addColumn("rowid", "integer", (c) => c.primaryKey())
      .addColumn("title_words", "text", (c) => c.notNull())
      .addColumn("title_chars", "text", (c) => c.notNull())
      .addColumn("words", "text", (c) => c.notNull())
      .addColumn("chars", "text", (c) => c.notNull())
      .addColumn("doc", sql`tsvector`, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("statements_fts_doc")
      .on("statements_fts")
      .using("gin")
      .column("doc")
      .execute();
  } else {
    await sql`create virtual table statements_fts using fts5(title_words, title_chars, words, chars, tokenize = 'unicode61 remove_diacritics 2')`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "statements_fts",
    "agenda_statements",
    "opinion_maps",
    "statement_votes",
    "statements",
    "conversations",
  ]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
