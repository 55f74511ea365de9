// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/**
 * Help at the service window. A committee member can register a resident who has no phone or
 * email (`assisted_registrations`: who helped, and how the resident consented), and can act for a
 * resident for one sitting (`assistance_sittings`, bound to the helper's own session). Every
 * action taken in a sitting is an `assisted_actions` row, so the resident sees what was done for
 * them and by whom. Public records a helper can create (supports, RSVPs, comments, room messages,
 * a project's history)
 * carry `assisted_by` so that the page can say "with assistance".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("assisted_registrations")
    .addColumn("user_id", "integer", (c) =>
      c.primaryKey().references("users.id").onDelete("cascade"),
    )
    .addColumn("helper_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("consent", "text", (c) => c.notNull().check(sql`consent in ('signed', 'spoken')`))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("assistance_sittings")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("helper_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("resident_id", "integer", (c) =>
      c.notNull().references("users.id").onDelete("cascade"),
    )
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("consent", "text", (c) => c.notNull().check(sql`consent in ('signed', 'spoken')`))
    // The helper's session (hashed id): the sitting exists only inside that one browser session.
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("ends_at", "text", (c) => c.notNull())
    .addColumn("ended_at", "text")
    .execute();
  await db.schema
    .createIndex("assistance_sittings_session")
    .on("assistance_sittings")
    .column("session_id")
    .where(sql.ref("ended_at"), "is", null)
    .execute();
  await db.schema
    .createIndex("assistance_sittings_resident")
    .on("assistance_sittings")
    .columns(["resident_id", "started_at"])
    .execute();

  await db.schema
    .createTable("assisted_actions")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("sitting_id", "integer", (c) =>
      c.notNull().references("assistance_sittings.id").onDelete("cascade"),
    )
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "integer")
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("assisted_actions_sitting")
    .on("assisted_actions")
    .column("sitting_id")
    .execute();

  for (const table of [
    "project_supports",
    "rsvps",
    "project_comments",
    "room_messages",
    "project_events",
  ]) {
    await db.schema
      .alterTable(table)
      .addColumn("assisted_by", "integer", (c) => c.references("users.id").onDelete("set null"))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "project_supports",
    "rsvps",
    "project_comments",
    "room_messages",
    "project_events",
  ]) {
    await db.schema.alterTable(table).dropColumn("assisted_by").execute();
  }
  await db.schema.dropTable("assisted_actions").execute();
  await db.schema.dropTable("assistance_sittings").execute();
  await db.schema.dropTable("assisted_registrations").execute();
}
