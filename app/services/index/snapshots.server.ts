/**
 * 六和指数: method versions and monthly snapshots (issue 17). What the admins' commands
 * (./commands.server.ts) and the monthly job (`index.monthly`, ./monthly.server.ts) call, inside
 * their transaction. The arithmetic (normalising, scoring the tree, combining areas, which
 * measure rows of a street or district carry summed counts) is pure: app/domain/index/snapshot.ts.
 *
 * Measure rows of streets, districts and the city: the summed numerator and denominator of their
 * communities and the value they give for the ratios of counts — every measure of the catalogue
 * but `needsMedianDays` (a median) and `activeOrganisations` (a count that would count an
 * organisation serving several communities once for each), whose value, numerator and
 * denominator are NULL there (the combined score only). snapshot.ts says why, and checks that
 * each community's value is that ratio before summing.
 *
 * Kept, never recomputed silently: computing a month that has a snapshot makes a new one (a
 * correction, with its reason) that supersedes the old; the old keeps its figures. The same data
 * gives the same figures.
 */
import {
  DEFAULT_METHOD,
  DEFAULT_METHOD_NOTE,
  readMethodTree,
  TOTAL_NODE,
  type MethodTree,
} from "~/domain/index/method";
import { snapshotFigures, type ScoreRow } from "~/domain/index/snapshot";
import type { Db } from "../runner/command.server";
import { rawFigures, verifiedResidents } from "./measures.server";

export type { ScoreRow };

/** Rows per insert: well within SQLite's and PostgreSQL's limits on bound parameters. */
const INSERT_ROWS = 500;

// ------------------------------------------------------------------------------- methods

export interface MethodVersion {
  version: number;
  tree: MethodTree;
  note: string;
  publishedAt: string;
  publishedBy: number | null;
}

export async function latestMethodVersion(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom("indexMethods")
    .select((eb) => eb.fn.max("version").as("v"))
    .executeTakeFirst();
  return row?.v == null ? null : Number(row.v);
}

export async function loadMethod(db: Db, version: number): Promise<MethodVersion | null> {
  const row = await db
    .selectFrom("indexMethods")
    .selectAll()
    .where("version", "=", version)
    .executeTakeFirst();
  return row ? { ...row, tree: readMethodTree(row.tree) } : null;
}

/**
 * Writes version 1, the default method, when no method is published yet; returns the latest
 * version. Two processes doing it at once write it once (the version is the key).
 */
export async function ensureDefaultMethod(db: Db, at: string): Promise<number> {
  const latest = await latestMethodVersion(db);
  if (latest !== null) return latest;
  await db
    .insertInto("indexMethods")
    .values({
      version: 1,
      tree: JSON.stringify(DEFAULT_METHOD),
      note: DEFAULT_METHOD_NOTE,
      publishedAt: at,
      publishedBy: null,
    })
    .onConflict((oc) => oc.column("version").doNothing())
    .execute();
  return 1;
}

// ------------------------------------------------------------------------------- snapshots

/** A month's current snapshot (the one nothing superseded), or undefined. */
export async function currentSnapshot(db: Db, month: string) {
  return db
    .selectFrom("indexSnapshots")
    .selectAll()
    .where("month", "=", month)
    .where("supersededBy", "is", null)
    .executeTakeFirst();
}

/**
 * Every figure of a month under a method, as index_scores keeps them (without the snapshot's id):
 * what `computeSnapshot` writes (app/domain/index/snapshot.ts does the arithmetic). Reads only.
 */
export async function snapshotRows(db: Db, month: string, tree: MethodTree): Promise<ScoreRow[]> {
  const areas = await db
    .selectFrom("areas")
    .select(["id", "parentId", "level"])
    .where("level", "!=", "grid")
    .orderBy("id")
    .execute();
  const communityIds = areas.filter((a) => a.level === "community").map((a) => a.id);
  const raw = await rawFigures(db, month, communityIds);
  const residents = await verifiedResidents(db, month, communityIds);
  return snapshotFigures({ tree, areas, raw, residents });
}

export interface ComputeOptions {
  month: string;
  methodVersion: number;
  tree: MethodTree;
  computedAt: string;
  /** NULL: the monthly job. */
  computedBy: number | null;
  /** Required of a correction (the month has a snapshot); the caller checks. */
  reason: string | null;
}

/**
 * Computes the month and keeps it as a new snapshot, superseding the month's current one (if
 * any). Run inside the caller's transaction: the superseding and the new figures commit together.
 */
export async function computeSnapshot(
  trx: Db,
  opts: ComputeOptions,
): Promise<{ snapshotId: number; supersedes: number | null; rows: number }> {
  const rows = await snapshotRows(trx, opts.month, opts.tree);
  const previous = await currentSnapshot(trx, opts.month);
  // At most one current snapshot per month (a unique index): the old one steps aside first,
  // marked 0 (no snapshot) until the new one has its id, within this transaction.
  if (previous) {
    await trx
      .updateTable("indexSnapshots")
      .set({ supersededBy: 0 })
      .where("id", "=", previous.id)
      .execute();
  }
  const { id: snapshotId } = await trx
    .insertInto("indexSnapshots")
    .values({
      month: opts.month,
      methodVersion: opts.methodVersion,
      computedAt: opts.computedAt,
      computedBy: opts.computedBy,
      reason: opts.reason,
      supersededBy: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (previous) {
    await trx
      .updateTable("indexSnapshots")
      .set({ supersededBy: snapshotId })
      .where("id", "=", previous.id)
      .execute();
  }
  for (let i = 0; i < rows.length; i += INSERT_ROWS) {
    await trx
      .insertInto("indexScores")
      .values(rows.slice(i, i + INSERT_ROWS).map((r) => ({ ...r, snapshotId })))
      .execute();
  }
  return { snapshotId, supersedes: previous?.id ?? null, rows: rows.length };
}

/** The city's total in a snapshot (hundredths), for the audit entry. */
export async function cityTotal(db: Db, snapshotId: number): Promise<number | null> {
  const row = await db
    .selectFrom("indexScores")
    .select("score")
    .where("snapshotId", "=", snapshotId)
    .where("areaId", "is", null)
    .where("node", "=", TOTAL_NODE)
    .executeTakeFirst();
  return row?.score ?? null;
}
