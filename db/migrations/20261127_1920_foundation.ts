// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../portable";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("areas")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("parent_id", "integer", (c) => c.references("areas.id").onDelete("restrict"))
    .addColumn("level", "text", (c) =>
      c.notNull().check(sql`level in ('district', 'street', 'community', 'grid')`),
    )
    .addColumn("code", "text", (c) => c.notNull().unique())
    .addColumn("name_zh", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("sort", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("areas_parent").on("areas").column("parent_id").execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("username", "text", (c) => c.unique())
    .addColumn("phone", "text", (c) => c.unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("is_admin", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("consent_version", "text", (c) => c.notNull())
    .addColumn("consented_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();

  await db.schema
    .createTable("login_throttle")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("last_failure_at", "text", (c) => c.notNull())
    .addColumn("locked_until", "text")
    .execute();

  await db.schema
    .createTable("memberships")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'verified', 'declined')`),
    )
    .addColumn("requested_at", "text", (c) => c.notNull())
    .addColumn("decided_at", "text")
    .addColumn("decided_by", "integer", (c) => c.references("users.id"))
    .addColumn("decision_reason", "text")
    .addUniqueConstraint("memberships_user_community", ["user_id", "community_id"])
    .execute();
  await db.schema
    .createIndex("memberships_community_status")
    .on("memberships")
    .columns(["community_id", "status"])
    .execute();

  await db.schema
    .createTable("committee_members")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("appointed_by", "integer", (c) => c.references("users.id"))
    .addColumn("appointed_at", "text", (c) => c.notNull())
    .addColumn("ended_at", "text")
    .addColumn("ended_by", "integer", (c) => c.references("users.id"))
    .execute();
  // A committee member serves one community at a time.
  await sql`create unique index committee_members_one_active on committee_members (user_id) where ended_at is null`.execute(
    db,
  );
  await db.schema
    .createIndex("committee_members_community")
    .on("committee_members")
    .column("community_id")
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("area_id", "integer", (c) => c.references("areas.id"))
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "integer")
    .addColumn("details", "text", (c) => c.notNull().defaultTo("{}"))
    .execute();
  await db.schema
    .createIndex("audit_log_area")
    .on("audit_log")
    .columns(["area_id", "id"])
    .execute();
  // Append-only, enforced by the database itself rather than by convention.
  if (isPostgres(db)) {
    await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`.execute(db);
    await sql`create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function audit_log_append_only()`.execute(db);
    return;
  }
  await sql`create trigger audit_log_no_update before update on audit_log
    begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  await sql`create trigger audit_log_no_delete before delete on audit_log
    begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await db.schema.dropTable("audit_log").execute();
    await sql`drop function audit_log_append_only`.execute(db);
  } else {
    await sql`drop trigger if exists audit_log_no_delete`.execute(db);
    await sql`drop trigger if exists audit_log_no_update`.execute(db);
    await db.schema.dropTable("audit_log").execute();
  }
  await db.schema.dropTable("committee_members").execute();
  await db.schema.dropTable("memberships").execute();
  await db.schema.dropTable("login_throttle").execute();
  await db.schema.dropTable("sessions").execute();
  await db.schema.dropTable("users").execute();
  await db.schema.dropTable("areas").execute();
}
