// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/**
 * 六和指数 (issue 17): the method, published in versions, and the monthly snapshots.
 *   - index_methods: one row per published version; `tree` is the method as JSON (six dimensions →
 *     indicators → items → measures, with weights). A published version is never changed: a new
 *     method is a new version. Version 1 (the default method) is written by the code on first use.
 *   - index_snapshots: one computation of one month under one method version. A correction is a
 *     new snapshot with a reason; the one it replaces keeps its figures and names its successor
 *     (`superseded_by`), so the current snapshot of a month is the one with none.
 *   - index_scores: every figure of a snapshot, per area (community, street, district; area_id
 *     NULL is the city) and node ("total", "d:<dimension>", "i:<indicator>", "t:<item>",
 *     "m:<measure>"). Integers on purpose (the same on SQLite and PostgreSQL, no float drift):
 *     `score` in hundredths of a point (0–10000), NULL for "no data"; for measures `value` is the
 *     raw figure in thousandths (a share of 0.523 is 523, 3.5 days is 3500) with the counts behind
 *     it; `residents` is the verified residents the area had, its weight when areas are combined.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("index_methods")
    .addColumn("version", "integer", (c) => c.primaryKey())
    .addColumn("tree", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("published_at", "text", (c) => c.notNull())
    .addColumn("published_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    .execute();

  await db.schema
    .createTable("index_snapshots")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("method_version", "integer", (c) => c.notNull().references("index_methods.version"))
    .addColumn("computed_at", "text", (c) => c.notNull())
    // NULL: the monthly job computed it.
    .addColumn("computed_by", "integer", (c) => c.references("users.id").onDelete("set null"))
    // NULL for a month's first snapshot; a correction says why.
    .addColumn("reason", "text")
    .addColumn("superseded_by", "integer")
    .execute();
  // A month's current snapshot: at most one.
  await db.schema
    .createIndex("index_snapshots_current")
    .on("index_snapshots")
    .column("month")
    .unique()
    .where(sql.ref("superseded_by"), "is", null)
    .execute();
  await db.schema
    .createIndex("index_snapshots_month")
    .on("index_snapshots")
    .columns(["month", "id"])
    .execute();

  await db.schema
    .createTable("index_scores")
    .addColumn("snapshot_id", "integer", (c) =>
      c.notNull().references("index_snapshots.id").onDelete("cascade"),
    )
    // NULL: the whole city.
    .addColumn("area_id", "integer", (c) => c.references("areas.id"))
    .addColumn("node", "text", (c) => c.notNull())
    .addColumn("score", "integer")
    .addColumn("value", "integer")
    .addColumn("numerator", "integer")
    .addColumn("denominator", "integer")
    .addColumn("residents", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("index_scores_area")
    .on("index_scores")
    .columns(["snapshot_id", "area_id", "node"])
    .unique()
    .execute();
  // An area's trend: its figures across snapshots.
  await db.schema
    .createIndex("index_scores_trend")
    .on("index_scores")
    .columns(["area_id", "node", "snapshot_id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("index_scores").execute();
  await db.schema.dropTable("index_snapshots").execute();
  await db.schema.dropTable("index_methods").execute();
}
