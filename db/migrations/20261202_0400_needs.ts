// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../portable";

const STATUSES = sql.raw(
  "('reported', 'accepted', 'escalated', 'dispatched', 'returnedToRoom', 'resolved', 'checked', 'closed', 'merged', 'notForPlatform')",
);
const CATEGORIES = sql.raw(
  "('environmentSanitation', 'repairsFacilities', 'safetyHazard', 'neighbourDispute', 'elderlyDisabilityCare', 'propertyManagement', 'trafficParking', 'other')",
);

/**
 * 民情 (needs, issue 15): the grid's closed loop.
 *   - need_units: a street's handling units, the four platforms and its departments;
 *   - need_staff: who serves in the loop, by role — a grid's 网格员, a street's command room, a
 *     unit's members — appointed and ended, never deleted (the timeline names them);
 *   - needs: one row per need, its status, where it stands (unit, deadline) and its counts;
 *   - need_residents: the reporter and the "me too" residents, with their answers;
 *   - need_steps: the timeline, every step with who (by role), when and a note;
 *   - need_links: a need put on a meeting's agenda or answered by a micro-project;
 *   - street_need_limits: a street's own time limits, when it changes the defaults;
 *   - intake_keys: the Open311 API keys of the other channels (12345, 96315, 110 …), hashed;
 *   - needs_fts: full-text search for "me too", as projects_fts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("need_units")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("street_id", "integer", (c) => c.notNull().references("areas.id"))
    // One of the four platforms (its label is translated), or a department named by an admin.
    .addColumn("platform", "text", (c) =>
      c.check(sql`platform in ('governance', 'market', 'enforcement', 'service')`),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("need_units_street").on("need_units").column("street_id").execute();

  await db.schema
    .createTable("need_staff")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) =>
      c.notNull().check(sql`role in ('gridWorker', 'commandRoom', 'unit')`),
    )
    // A grid for a grid worker, a street for the command room; null for a unit's member.
    .addColumn("area_id", "integer", (c) => c.references("areas.id"))
    .addColumn("unit_id", "integer", (c) => c.references("need_units.id"))
    .addColumn("appointed_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("appointed_at", "text", (c) => c.notNull())
    .addColumn("ended_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("ended_at", "text")
    .addCheckConstraint(
      "need_staff_place",
      sql`(role = 'unit' and unit_id is not null and area_id is null) or (role <> 'unit' and area_id is not null and unit_id is null)`,
    )
    .execute();
  await db.schema
    .createIndex("need_staff_active_area")
    .on("need_staff")
    .columns(["user_id", "role", "area_id"])
    .unique()
    .where(sql.ref("ended_at"), "is", null)
    .where(sql.ref("area_id"), "is not", null)
    .execute();
  await db.schema
    .createIndex("need_staff_active_unit")
    .on("need_staff")
    .columns(["user_id", "unit_id"])
    .unique()
    .where(sql.ref("ended_at"), "is", null)
    .where(sql.ref("unit_id"), "is not", null)
    .execute();
  await db.schema.createIndex("need_staff_area").on("need_staff").column("area_id").execute();
  await db.schema.createIndex("need_staff_unit").on("need_staff").column("unit_id").execute();

  await db.schema
    .createTable("needs")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("street_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("grid_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("category", "text", (c) => c.notNull().check(sql`category in ${CATEGORIES}`))
    .addColumn("place", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("photo", "text", (c) => c.references("photos.name"))
    .addColumn("is_public", "integer", (c) => c.notNull())
    .addColumn("urgent", "integer", (c) => c.notNull().defaultTo(0))
    // Null for a need that came in from another channel, or whose reporter deleted the account.
    .addColumn("reporter_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    // 'web', 'window' (reported for a resident at the service window), or an intake channel.
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("channel_ref", "text")
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ${STATUSES}`))
    .addColumn("unit_id", "integer", (c) => c.references("need_units.id"))
    // When the running step's time runs out (null: no step is timed now).
    .addColumn("deadline_at", "text")
    // 0: on time or not timed; 1: overdue and raised to the command room; 2: raised to admins.
    .addColumn("raised", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("dispatched", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("extensions_asked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rehandled", "integer", (c) => c.notNull().defaultTo(0))
    // Residents behind it: the reporter (or the channel's caller) and the "me too" residents.
    .addColumn("intensity", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("checked_at", "text")
    .addColumn("closed_at", "text")
    .addColumn("answer", "text", (c) =>
      c.check(sql`answer in ('satisfied', 'partly', 'notSatisfied', 'none')`),
    )
    .addColumn("merged_into", "integer", (c) => c.references("needs.id"))
    .addColumn("status_note", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("needs_community_status")
    .on("needs")
    .columns(["community_id", "status"])
    .execute();
  await db.schema
    .createIndex("needs_street_status")
    .on("needs")
    .columns(["street_id", "status"])
    .execute();
  await db.schema.createIndex("needs_unit").on("needs").columns(["unit_id", "status"]).execute();
  await db.schema.createIndex("needs_grid").on("needs").columns(["grid_id", "status"]).execute();
  await db.schema.createIndex("needs_deadline").on("needs").column("deadline_at").execute();
  await db.schema
    .createIndex("needs_channel_ref")
    .on("needs")
    .columns(["channel", "channel_ref"])
    .unique()
    .where(sql.ref("channel_ref"), "is not", null)
    .execute();

  await db.schema
    .createTable("need_residents")
    .addColumn("need_id", "integer", (c) => c.notNull().references("needs.id").onDelete("cascade"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('reporter', 'meToo')`))
    .addColumn("joined_at", "text", (c) => c.notNull())
    .addColumn("answer", "text", (c) =>
      c.check(sql`answer in ('satisfied', 'partly', 'notSatisfied')`),
    )
    .addColumn("answered_at", "text")
    .addPrimaryKeyConstraint("need_residents_pk", ["need_id", "user_id"])
    .execute();
  await db.schema
    .createIndex("need_residents_user")
    .on("need_residents")
    .column("user_id")
    .execute();

  await db.schema
    .createTable("need_steps")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("need_id", "integer", (c) => c.notNull().references("needs.id").onDelete("cascade"))
    .addColumn("step", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("actor_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("assisted_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("from_status", "text", (c) => c.check(sql`from_status in ${STATUSES}`))
    .addColumn("to_status", "text", (c) => c.notNull().check(sql`to_status in ${STATUSES}`))
    .addColumn("unit_id", "integer", (c) => c.references("need_units.id"))
    .addColumn("deadline_at", "text")
    .addColumn("note", "text")
    .addColumn("photo", "text", (c) => c.references("photos.name"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("need_steps_need").on("need_steps").column("need_id").execute();

  await db.schema
    .createTable("need_links")
    .addColumn("need_id", "integer", (c) => c.notNull().references("needs.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('meeting', 'project')`))
    .addColumn("target_id", "integer", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("need_links_pk", ["need_id", "kind", "target_id"])
    .execute();
  await db.schema
    .createIndex("need_links_target")
    .on("need_links")
    .columns(["kind", "target_id"])
    .execute();

  await db.schema
    .createTable("street_need_limits")
    .addColumn("street_id", "integer", (c) => c.primaryKey().references("areas.id"))
    // JSON: a partial DeadlineLimits (app/domain/needs/clock.ts), checked by streetLimitsSchema.
    .addColumn("limits", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("intake_keys")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    // Hex SHA-256 of the key: the key itself is shown once, when it is issued.
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .execute();

  if (isPostgres(db)) {
    await db.schema
      .createTable("needs_fts")
      .addColumn("rowid", "integer", (c) => c.primaryKey())
      .addColumn("title_words", "text", (c) => c.notNull())
      .addColumn("title_chars", "text", (c) => c.notNull())
      .addColumn("words", "text", (c) => c.notNull())
      .addColumn("chars", "text", (c) => c.notNull())
      .addColumn("doc", sql`tsvector`, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("needs_fts_doc")
      .on("needs_fts")
      .using("gin")
      .column("doc")
      .execute();
  } else {
    await sql`create virtual table needs_fts using fts5(title_words, title_chars, words, chars, tokenize = 'unicode61 remove_diacritics 2')`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "needs_fts",
    "intake_keys",
    "street_need_limits",
    "need_links",
    "need_steps",
    "need_residents",
    "needs",
    "need_staff",
    "need_units",
  ]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
