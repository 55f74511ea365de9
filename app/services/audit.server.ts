import { GENESIS, latestHash } from "../../db/audit-chain";
import { getDb } from "../../db/client.server";
import { authorize, type Actor } from "~/domain/permissions/policy";

export async function listAudit(
  actor: Actor,
  communityId: number,
  opts: { before?: number; limit?: number } = {},
) {
  authorize(actor, "audit.view", { communityId });
  const limit = Math.min(opts.limit ?? 50, 200);
  let q = getDb()
    .selectFrom("auditLog")
    .leftJoin("users", "users.id", "auditLog.actorId")
    .select([
      "auditLog.id",
      "auditLog.at",
      "auditLog.action",
      "users.displayName as actorName",
      "users.deletedAt as actorDeletedAt",
      "auditLog.subjectType",
      "auditLog.subjectId",
      "auditLog.details",
    ])
    .where("auditLog.areaId", "=", communityId)
    .orderBy("auditLog.id", "desc")
    .limit(limit);
  if (opts.before) q = q.where("auditLog.id", "<", opts.before);
  const rows = await q.execute();
  return rows.map(({ actorDeletedAt, ...r }) => ({
    ...r,
    actorDeleted: actorDeletedAt !== null,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}

/**
 * The hash of the community's latest audit entry (db/audit-chain.ts), null while it has none: a
 * committee writes it in its minutes, and `npm run audit:verify` later proves nothing before it
 * was rewritten.
 */
export async function auditHead(actor: Actor, communityId: number): Promise<string | null> {
  authorize(actor, "audit.view", { communityId });
  const hash = await latestHash(getDb(), communityId);
  return hash === GENESIS ? null : hash;
}
