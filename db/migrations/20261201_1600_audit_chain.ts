// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";
import { entryHash, GENESIS } from "../audit-chain";
import { isPostgres } from "../portable";

/**
 * The audit log becomes tamper-evident: each entry carries `prev_hash` (the hash of the entry
 * before it in its area's chain) and `hash` (db/audit-chain.ts says how it is made). Entries
 * already written are chained here, in id order per area.
 *
 * SQLite cannot add a NOT NULL column without a default, so there the table is rebuilt with the
 * new columns, keeping every id and the id sequence; PostgreSQL adds the columns, fills them with
 * its append-only trigger disabled for this transaction's updates, then makes them NOT NULL. A
 * unique index on (area, prev_hash) makes a fork in a chain impossible.
 */

interface OldRow {
  id: number;
  at: string;
  actor: number | null;
  action: string;
  area: number | null;
  kind: string;
  subject: number | null;
  details: string;
}

const PAGE = 1_000;

/** Every existing entry with its chain's hashes, in id order, page by page. */
async function* chained(db: Kysely<unknown>) {
  const last = new Map<number | null, string>();
  let after = 0;
  for (;;) {
    // One-word aliases: the app's connection renames snake_case result columns.
    const { rows } = await sql<OldRow>`select id, at, actor_id as actor, action, area_id as area,
      subject_type as kind, subject_id as subject, details
      from audit_log where id > ${after} order by id limit ${PAGE}`.execute(db);
    for (const r of rows) {
      const areaId = r.area === null ? null : Number(r.area);
      const prevHash = last.get(areaId) ?? GENESIS;
      const hash = entryHash(
        {
          at: r.at,
          actorId: r.actor,
          action: r.action,
          areaId,
          subjectType: r.kind,
          subjectId: r.subject,
          details: r.details,
        },
        prevHash,
      );
      last.set(areaId, hash);
      yield { row: r, prevHash, hash };
    }
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1]!.id);
  }
}

async function chainIndex(db: Kysely<unknown>) {
  await sql`create unique index audit_log_chain on audit_log (coalesce(area_id, 0), prev_hash)`.execute(
    db,
  );
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table audit_log add column prev_hash text, add column hash text`.execute(db);
    await sql`alter table audit_log disable trigger audit_log_no_change`.execute(db);
    for await (const { row, prevHash, hash } of chained(db)) {
      await sql`update audit_log set prev_hash = ${prevHash}, hash = ${hash}
        where id = ${row.id}`.execute(db);
    }
    await sql`alter table audit_log enable trigger audit_log_no_change`.execute(db);
    await sql`alter table audit_log alter column prev_hash set not null,
      alter column hash set not null`.execute(db);
    await chainIndex(db);
    return;
  }
  const { rows: seq } = await sql<{
    seq: number;
  }>`select seq from sqlite_sequence where name = 'audit_log'`.execute(db);
  await sql`drop trigger audit_log_no_update`.execute(db);
  await sql`drop trigger audit_log_no_delete`.execute(db);
  await db.schema
    .createTable("audit_log_chained")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_id", "integer", (c) => c.references("users.id"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("area_id", "integer", (c) => c.references("areas.id"))
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "integer")
    .addColumn("details", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  for await (const { row: r, prevHash, hash } of chained(db)) {
    await sql`insert into audit_log_chained
      (id, at, actor_id, action, area_id, subject_type, subject_id, details, prev_hash, hash)
      values (${r.id}, ${r.at}, ${r.actor}, ${r.action}, ${r.area}, ${r.kind}, ${r.subject},
        ${r.details}, ${prevHash}, ${hash})`.execute(db);
  }
  await db.schema.dropTable("audit_log").execute();
  await sql`alter table audit_log_chained rename to audit_log`.execute(db);
  // Ids are never given twice, even those of entries rolled back before this migration.
  if (seq[0])
    await sql`update sqlite_sequence set seq = max(seq, ${seq[0].seq})
      where name = 'audit_log'`.execute(db);
  await db.schema
    .createIndex("audit_log_area")
    .on("audit_log")
    .columns(["area_id", "id"])
    .execute();
  await chainIndex(db);
  await sql`create trigger audit_log_no_update before update on audit_log
    begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
  await sql`create trigger audit_log_no_delete before delete on audit_log
    begin select raise(abort, 'audit_log is append-only'); end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index audit_log_chain`.execute(db);
  await sql`alter table audit_log drop column hash`.execute(db);
  await sql`alter table audit_log drop column prev_hash`.execute(db);
}
