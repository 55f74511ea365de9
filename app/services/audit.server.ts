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
    // Whom an entry is about, when that is a person: once their account is deleted, the name the
    // entry wrote down is no longer shown (the log itself cannot change: it is append-only).
    .leftJoin("users as subject", (j) =>
      j.onRef("subject.id", "=", "auditLog.subjectId").on("auditLog.subjectType", "=", "user"),
    )
    .select([
      "auditLog.id",
      "auditLog.at",
      "auditLog.action",
      "users.displayName as actorName",
      "users.deletedAt as actorDeletedAt",
      "auditLog.subjectType",
      "auditLog.subjectId",
      "auditLog.details",
      "subject.deletedAt as subjectDeletedAt",
    ])
    .where("auditLog.areaId", "=", communityId)
    .orderBy("auditLog.id", "desc")
    .limit(limit);
  if (opts.before) q = q.where("auditLog.id", "<", opts.before);
  const rows = await q.execute();
  return rows.map(({ actorDeletedAt, subjectDeletedAt, ...r }) => {
    const details = JSON.parse(r.details) as Record<string, unknown>;
    if (subjectDeletedAt !== null && "displayName" in details) details.displayName = "";
    return { ...r, actorDeleted: actorDeletedAt !== null, details };
  });
}
