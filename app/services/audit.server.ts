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
  const rows = (await q.execute()).map(({ actorDeletedAt, subjectDeletedAt, ...r }) => ({
    ...r,
    actorDeleted: actorDeletedAt !== null,
    subjectDeleted: subjectDeletedAt !== null,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
  // Entries about something else (a membership, a meeting, a council) that name a person carry
  // that person's id in `details.userId`.
  const named = [
    ...new Set(
      rows.flatMap((r) => (typeof r.details.userId === "number" ? [r.details.userId] : [])),
    ),
  ];
  const gone = new Set(
    named.length === 0
      ? []
      : (
          await getDb()
            .selectFrom("users")
            .select("id")
            .where("id", "in", named)
            .where("deletedAt", "is not", null)
            .execute()
        ).map((u) => u.id),
  );
  return rows.map(({ subjectDeleted, ...r }) => {
    const deleted = subjectDeleted || gone.has(r.details.userId as number);
    if (deleted && "displayName" in r.details) r.details.displayName = "";
    return r;
  });
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
