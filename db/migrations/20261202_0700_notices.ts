// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/**
 * Notices (通知, issue 16): what a command announces, written in its own transaction as one row of
 * `notice_outbox` (who it is for: explicit ids or a rule, such as a community's committee), then
 * delivered after the commit into one `notices` row per person. `notices.outbox_id` with the
 * person is unique, so delivering an outbox row again (after a crash, by the job) adds nobody twice.
 *   - notices: a person's inbox; "unread, newest first" is the header's count and the page's top;
 *   - notice_outbox: undelivered rows are found by the partial index and claimed until a time;
 *   - notice_preferences: a kind a person switched off (protected kinds arrive regardless).
 * `params` and `recipients` are JSON text: only what a sentence needs (a title, a reason).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("notice_outbox")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "integer")
    .addColumn("params", "text", (c) => c.notNull())
    .addColumn("recipients", "text", (c) => c.notNull())
    // Whoever did it is told nothing about their own act.
    .addColumn("actor_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("delivered_at", "text")
    .addColumn("claimed_by", "text")
    .addColumn("claimed_until", "text")
    .execute();
  await db.schema
    .createIndex("notice_outbox_undelivered")
    .on("notice_outbox")
    .column("id")
    .where(sql.ref("delivered_at"), "is", null)
    .execute();

  await db.schema
    .createTable("notices")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // No foreign key: delivered outbox rows may be purged; the notice stays.
    .addColumn("outbox_id", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "integer")
    .addColumn("params", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("read_at", "text")
    .execute();
  await db.schema
    .createIndex("notices_outbox_user")
    .on("notices")
    .columns(["outbox_id", "user_id"])
    .unique()
    .execute();
  await db.schema
    .createIndex("notices_user_created")
    .on("notices")
    .columns(["user_id", "created_at", "id"])
    .execute();
  await db.schema
    .createIndex("notices_user_unread")
    .on("notices")
    .columns(["user_id", "created_at", "id"])
    .where(sql.ref("read_at"), "is", null)
    .execute();

  await db.schema
    .createTable("notice_preferences")
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("notice_preferences_pk", ["user_id", "kind"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("notice_preferences").execute();
  await db.schema.dropTable("notices").execute();
  await db.schema.dropTable("notice_outbox").execute();
}
