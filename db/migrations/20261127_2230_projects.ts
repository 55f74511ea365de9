// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";
import { isPostgres } from "../portable";

const SERVICES = sql.raw(
  "('communityService', 'mediation', 'publicSafety', 'elderlyCare', 'disasterRelief', 'hardship', 'culture', 'environment')",
);

/**
 * Social organisations (社会组织) and micro-projects (微实事): listings, members, proposals with
 * itemised budgets, their lifecycle history, supports, comments, progress reports, ratings, and
 * the full-text indexes that search them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("organisations")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("tier", "text", (c) =>
      c.notNull().check(sql`tier in ('filed', 'registered', 'charity')`),
    )
    .addColumn("registration_number", "text")
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("contact", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('pending', 'verified', 'declined')`),
    )
    .addColumn("decided_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("decided_at", "text")
    .addColumn("decision_reason", "text")
    .addColumn("created_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("organisations_status")
    .on("organisations")
    .column("status")
    .execute();

  await db.schema
    .createTable("organisation_services")
    .addColumn("organisation_id", "integer", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("service", "text", (c) => c.notNull().check(sql`service in ${SERVICES}`))
    .addPrimaryKeyConstraint("organisation_services_pk", ["organisation_id", "service"])
    .execute();

  await db.schema
    .createTable("organisation_communities")
    .addColumn("organisation_id", "integer", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addPrimaryKeyConstraint("organisation_communities_pk", ["organisation_id", "community_id"])
    .execute();
  await db.schema
    .createIndex("organisation_communities_community")
    .on("organisation_communities")
    .column("community_id")
    .execute();

  await db.schema
    .createTable("organisation_members")
    .addColumn("organisation_id", "integer", (c) =>
      c.notNull().references("organisations.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'member')`))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('invited', 'active')`))
    .addColumn("invited_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("invited_at", "text", (c) => c.notNull())
    .addColumn("joined_at", "text")
    .addPrimaryKeyConstraint("organisation_members_pk", ["organisation_id", "user_id"])
    .execute();
  await db.schema
    .createIndex("organisation_members_user")
    .on("organisation_members")
    .column("user_id")
    .execute();

  await db.schema
    .createTable("community_settings")
    .addColumn("community_id", "integer", (c) => c.primaryKey().references("areas.id"))
    .addColumn("support_threshold", "integer", (c) =>
      c.check(sql`support_threshold is null or support_threshold between 1 and 10000`),
    )
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("projects")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("community_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("grid_id", "integer", (c) => c.references("areas.id"))
    .addColumn("place", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("organisation_id", "integer", (c) => c.references("organisations.id"))
    .addColumn("proposer_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("category", "text", (c) => c.notNull().check(sql`category in ${SERVICES}`))
    .addColumn("beneficiaries", "text", (c) => c.notNull())
    .addColumn("starts_on", "text", (c) => c.notNull())
    .addColumn("ends_on", "text", (c) => c.notNull())
    .addColumn("budget_total", "integer", (c) => c.notNull().check(sql`budget_total > 0`))
    .addColumn("spent_total", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("status", "text", (c) =>
      c
        .notNull()
        .check(
          sql`status in ('draft', 'submitted', 'underReview', 'accepted', 'rejected', 'returned', 'selected', 'inProgress', 'completed', 'abandoned')`,
        ),
    )
    .addColumn("status_reason", "text")
    .addColumn("photo", "text")
    .addColumn("support_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rating_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("rating_sum", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("submitted_at", "text")
    .execute();
  await db.schema
    .createIndex("projects_community")
    .on("projects")
    .columns(["community_id", "status"])
    .execute();
  await db.schema
    .createIndex("projects_organisation")
    .on("projects")
    .column("organisation_id")
    .execute();
  await db.schema.createIndex("projects_proposer").on("projects").column("proposer_id").execute();

  await db.schema
    .createTable("project_budget_items")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("project_id", "integer", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("amount", "integer", (c) => c.notNull().check(sql`amount > 0`))
    .execute();
  await db.schema
    .createIndex("project_budget_items_project")
    .on("project_budget_items")
    .columns(["project_id", "position"])
    .execute();

  // The lifecycle history: every step, who took it (null: automatically) and when.
  await db.schema
    .createTable("project_events")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("project_id", "integer", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("step", "text", (c) => c.notNull())
    .addColumn("from_status", "text")
    .addColumn("to_status", "text", (c) => c.notNull())
    .addColumn("actor_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("reason", "text")
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("project_events_project")
    .on("project_events")
    .columns(["project_id", "id"])
    .execute();

  await db.schema
    .createTable("project_updates")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("project_id", "integer", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('progress', 'final')`))
    .addColumn("author_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("spent", "integer", (c) => c.notNull().check(sql`spent >= 0`))
    .addColumn("on_date", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("project_updates_project")
    .on("project_updates")
    .columns(["project_id", "id"])
    .execute();

  await db.schema
    .createTable("project_supports")
    .addColumn("project_id", "integer", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("project_supports_pk", ["project_id", "user_id"])
    .execute();

  await db.schema
    .createTable("project_ratings")
    .addColumn("project_id", "integer", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("score", "integer", (c) => c.notNull().check(sql`score between 1 and 5`))
    .addColumn("at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("project_ratings_pk", ["project_id", "user_id"])
    .execute();

  await db.schema
    .createTable("project_comments")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("project_id", "integer", (c) =>
      c.notNull().references("projects.id").onDelete("cascade"),
    )
    .addColumn("parent_id", "integer", (c) =>
      c.references("project_comments.id").onDelete("cascade"),
    )
    .addColumn("author_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("hidden_at", "text")
    .addColumn("hidden_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("hidden_reason", "text")
    .addColumn("flag_count", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("reviewed_at", "text")
    .execute();
  await db.schema
    .createIndex("project_comments_project")
    .on("project_comments")
    .columns(["project_id", "id"])
    .execute();

  await db.schema
    .createTable("comment_flags")
    .addColumn("comment_id", "integer", (c) =>
      c.notNull().references("project_comments.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("comment_flags_pk", ["comment_id", "user_id"])
    .execute();

  // Full-text search (rowid = the project's or organisation's id). `words` holds the words that
  // Intl.Segmenter finds; `chars` holds every CJK character on its own, so that a query phrase of
  // characters matches whatever way the segmenter cut the text.
  if (isPostgres(db)) {
    // PostgreSQL: the same two columns, and `doc`, their tsvector with positions, which the app
    // builds from them (app/domain/search/segment.ts), indexed with GIN.
    for (const table of ["projects_fts", "organisations_fts"]) {
      await db.schema
        .createTable(table)
        .addColumn("rowid", "integer", (c) => c.primaryKey())
        .addColumn("words", "text", (c) => c.notNull())
        .addColumn("chars", "text", (c) => c.notNull())
        .addColumn("doc", sql`tsvector`, (c) => c.notNull())
        .execute();
      await db.schema.createIndex(`${table}_doc`).on(table).using("gin").column("doc").execute();
    }
    return;
  }
  await sql`create virtual table projects_fts using fts5(words, chars, tokenize = 'unicode61 remove_diacritics 2')`.execute(
    db,
  );
  await sql`create virtual table organisations_fts using fts5(words, chars, tokenize = 'unicode61 remove_diacritics 2')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table organisations_fts`.execute(db);
  await sql`drop table projects_fts`.execute(db);
  for (const table of [
    "comment_flags",
    "project_comments",
    "project_ratings",
    "project_supports",
    "project_updates",
    "project_events",
    "project_budget_items",
    "projects",
    "community_settings",
    "organisation_members",
    "organisation_communities",
    "organisation_services",
    "organisations",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
