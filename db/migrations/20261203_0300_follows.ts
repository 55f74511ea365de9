// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/**
 * Following (关注) and the quiet digest (issue 16, items 3 and 4).
 *   - follows: a person follows a council, a meeting, a project or a need; the notices about it
 *     reach them too. One row per person and subject; delivery reads a subject's followers by
 *     (type, id), a chunk at a time in user order.
 *   - notice_quiet: a person who asked for their notices gathered once a day (a row: quiet on).
 *   - notices.via: why a person has a notice when it was not addressed to them ("follow": they
 *     follow its subject; the sentence then says "you follow", never "your");
 *   - notices.held_at: a notice held for the day's digest (not counted, not listed, not pushed);
 *     notices.digest_id: the digest it was gathered into (the digest run's outbox row).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("follows")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("follows_pk", ["user_id", "subject_type", "subject_id"])
    .execute();
  await db.schema
    .createIndex("follows_subject")
    .on("follows")
    .columns(["subject_type", "subject_id", "user_id"])
    .execute();

  await db.schema
    .createTable("notice_quiet")
    .addColumn("user_id", "integer", (c) =>
      c.primaryKey().references("users.id").onDelete("cascade"),
    )
    .addColumn("since", "text", (c) => c.notNull())
    .execute();

  // One column per statement: SQLite adds one at a time.
  await db.schema.alterTable("notices").addColumn("via", "text").execute();
  await db.schema.alterTable("notices").addColumn("held_at", "text").execute();
  await db.schema.alterTable("notices").addColumn("digest_id", "integer").execute();
  // The digest job's question: whose held notices are not yet gathered, held before the cut.
  await db.schema
    .createIndex("notices_held")
    .on("notices")
    .columns(["held_at", "user_id"])
    .where(sql.ref("held_at"), "is not", null)
    .where(sql.ref("digest_id"), "is", null)
    .execute();
  // A digest's page: what it gathered for its person.
  await db.schema
    .createIndex("notices_user_digest")
    .on("notices")
    .columns(["user_id", "digest_id"])
    .where(sql.ref("digest_id"), "is not", null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("notices_user_digest").execute();
  await db.schema.dropIndex("notices_held").execute();
  await db.schema.alterTable("notices").dropColumn("digest_id").execute();
  await db.schema.alterTable("notices").dropColumn("held_at").execute();
  await db.schema.alterTable("notices").dropColumn("via").execute();
  await db.schema.dropTable("notice_quiet").execute();
  await db.schema.dropTable("follows").execute();
}
