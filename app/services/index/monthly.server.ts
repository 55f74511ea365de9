/**
 * 六和指数, the timed work: run by the `index.monthly` job (../jobs.server.ts), so by one process
 * at a time. From the 1st of a month (China time) on, the month before is over: when it has no
 * snapshot yet, it is computed under the latest method version, by nobody in person
 * (computed_by NULL). A month that has one is left alone, so a later run, another process or a
 * restart never recomputes it: corrections are an admin's, with a reason (`computeIndex`).
 */
import type { DB } from "../../../db/client.server";
import { transaction } from "../../../db/portable";
import { lastMonthOver } from "~/domain/month";
import { emitEvent } from "../events.server";
import { computeSnapshot, ensureDefaultMethod, loadMethod } from "./snapshots.server";

/** Computes the last month that is over at `now` if it has no snapshot; returns what it did. */
export async function indexMonthly(
  db: DB,
  now: Date,
): Promise<{ month: string; snapshotId: number | null }> {
  const month = lastMonthOver(now);
  const at = now.toISOString();
  // One transaction: two runs at once (a lease ran out mid-run) give one snapshot, since the
  // later one finds the earlier's (SQLite's one writer; PostgreSQL runs it again after the abort).
  const snapshotId = await transaction(db, async (trx) => {
    const any = await trx
      .selectFrom("indexSnapshots")
      .select("id")
      .where("month", "=", month)
      .limit(1)
      .executeTakeFirst();
    if (any) return null;
    const version = await ensureDefaultMethod(trx, at);
    const method = await loadMethod(trx, version);
    if (!method) throw new Error(`method version ${version} vanished`);
    const done = await computeSnapshot(trx, {
      month,
      methodVersion: version,
      tree: method.tree,
      computedAt: at,
      computedBy: null,
      reason: null,
    });
    return done.snapshotId;
  });
  // Outside the runner (timed work), so announced here, after the commit: the pages keep their
  // figures a few seconds (pages.server.ts) and drop them on this.
  if (snapshotId !== null) emitEvent({ type: "index.changed" });
  return { month, snapshotId };
}
