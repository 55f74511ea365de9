/**
 * The audit log as hash chains: the one place that says how an entry's hash is made, the one
 * function that writes audit entries, and the check that recomputes the chains.
 *
 * One chain per area (`area_id`; entries of no area form one chain of their own), in id order.
 * Each entry stores `prev_hash`, the `hash` of the entry before it in its chain (GENESIS for the
 * first), and its own `hash`: the lowercase hex SHA-256 of the UTF-8 JSON text of the array
 *
 *   ["liuhe-audit/1", area_id, at, actor_id, action, subject_type, subject_id, details, prev_hash]
 *
 * with ids as JSON numbers or null, and `details` the stored text itself (not re-serialised). The
 * row's own id is left out: the database assigns it. A JSON array leaves no doubt where one field
 * ends and the next begins, so two different entries never serialise alike.
 *
 * A committee that writes its community's latest hash in its minutes can later prove that no
 * entry up to it was changed, removed or inserted: `npm run audit:verify` recomputes every chain.
 *
 * Appending is safe with several writers at once: on SQLite one writer runs at a time; on
 * PostgreSQL the append takes a transaction-level advisory lock on its chain before reading the
 * chain's last hash, so a second append to that chain waits and reads the first's entry (read
 * committed) or is aborted and run again (serializable). A unique index on (chain, prev_hash) makes
 * a fork impossible whatever the isolation.
 */
import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { isPostgres } from "./portable";
import type { Database } from "./schema";

/** The `prev_hash` of a chain's first entry. */
export const GENESIS = "0".repeat(64);

/** The fields an entry's hash covers (besides the previous hash). */
export interface ChainedFields {
  at: string;
  actorId: number | null;
  action: string;
  areaId: number | null;
  subjectType: string;
  subjectId: number | null;
  /** JSON text, exactly as stored. */
  details: string;
}

const num = (v: number | string | null | undefined): number | null =>
  v === null || v === undefined ? null : Number(v);

/** The canonical serialisation of an entry (see the top of this file). */
export function canonicalEntry(entry: ChainedFields, prevHash: string): string {
  return JSON.stringify([
    "liuhe-audit/1",
    num(entry.areaId),
    entry.at,
    num(entry.actorId),
    entry.action,
    entry.subjectType,
    num(entry.subjectId),
    entry.details,
    prevHash,
  ]);
}

export function entryHash(entry: ChainedFields, prevHash: string): string {
  return createHash("sha256").update(canonicalEntry(entry, prevHash), "utf8").digest("hex");
}

/** Advisory-lock class of the audit chains (PostgreSQL), "au". */
const CHAIN_LOCK = 0x6175;

type AnyDb = Kysely<Database>;

/** The hash of a chain's last entry, GENESIS for an empty chain. */
export async function latestHash(db: AnyDb, areaId: number | null): Promise<string> {
  const row = await db
    .selectFrom("auditLog")
    .select("hash")
    .where("areaId", areaId === null ? "is" : "=", areaId)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.hash ?? GENESIS;
}

export type NewAuditEntry = Omit<ChainedFields, "details"> & { details?: string };

/**
 * Appends entries to their chains, in the given order, inside the caller's transaction. The only
 * writer of `audit_log`: call it with the transaction that does the audited work.
 */
export async function appendAudit(trx: AnyDb, entries: readonly NewAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (isPostgres(trx)) {
    // Chains locked in one order (ascending area, no area first), so two writers never deadlock.
    const areas = [...new Set(entries.map((e) => e.areaId ?? 0))].sort((a, b) => a - b);
    for (const area of areas) {
      await sql`select pg_advisory_xact_lock(${CHAIN_LOCK}::int4, ${area}::int4)`.execute(trx);
    }
  }
  const last = new Map<number | null, string>();
  for (const e of entries) {
    const entry: ChainedFields = { ...e, details: e.details ?? "{}" };
    const prevHash = last.get(e.areaId) ?? (await latestHash(trx, e.areaId));
    const hash = entryHash(entry, prevHash);
    // One row at a time: the chain's order is the order of ids.
    await trx
      .insertInto("auditLog")
      .values({ ...entry, prevHash, hash })
      .execute();
    last.set(e.areaId, hash);
  }
}

export interface ChainReport {
  areaId: number | null;
  entries: number;
  /** The last entry's hash when the chain is whole (GENESIS for none). */
  latest: string | null;
  /** The first entry where the chain breaks. */
  broken: null | {
    id: number;
    field: "prev_hash" | "hash";
    expected: string;
    stored: string;
  };
}

/** Recomputes every chain from its start, reading in pages; one report per chain, by area. */
export async function verifyChains(db: AnyDb, onlyArea?: number | null): Promise<ChainReport[]> {
  const reports = new Map<number | null, ChainReport & { last: string }>();
  const PAGE = 2_000;
  let after = 0;
  for (;;) {
    let q = db
      .selectFrom("auditLog")
      .select([
        "id",
        "at",
        "actorId",
        "action",
        "areaId",
        "subjectType",
        "subjectId",
        "details",
        "prevHash",
        "hash",
      ])
      .where("id", ">", after)
      .orderBy("id")
      .limit(PAGE);
    if (onlyArea !== undefined) q = q.where("areaId", onlyArea === null ? "is" : "=", onlyArea);
    const rows = await q.execute();
    for (const row of rows) {
      const areaId = num(row.areaId);
      let r = reports.get(areaId);
      if (!r) {
        r = { areaId, entries: 0, latest: GENESIS, broken: null, last: GENESIS };
        reports.set(areaId, r);
      }
      r.entries += 1;
      if (r.broken) continue;
      if (row.prevHash !== r.last) {
        r.broken = { id: row.id, field: "prev_hash", expected: r.last, stored: row.prevHash };
        r.latest = null;
        continue;
      }
      const expected = entryHash(row, r.last);
      if (row.hash !== expected) {
        r.broken = { id: row.id, field: "hash", expected, stored: row.hash };
        r.latest = null;
        continue;
      }
      r.last = row.hash;
      r.latest = row.hash;
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  return [...reports.values()]
    .map(({ last: _last, ...r }) => r)
    .sort((a, b) => (a.areaId ?? 0) - (b.areaId ?? 0));
}
