/** Platform admins appoint and stand down community committee members. */
import { getDb } from "../../db/client.server";
import { DomainError } from "~/domain/errors";
import type { LoginId } from "~/domain/accounts/schemas";
import { authorize, type Actor } from "~/domain/permissions/policy";
import { writeAudit } from "./audit.server";
import { emitEvent } from "./events.server";
import { findUserByLogin } from "./accounts/queries.server";

export async function appointCommitteeMember(
  actor: Actor,
  communityId: number,
  login: LoginId,
): Promise<void> {
  authorize(actor, "committee.appoint", { communityId });
  const db = getDb();
  const community = await db
    .selectFrom("areas")
    .select(["id", "level"])
    .where("id", "=", communityId)
    .executeTakeFirst();
  if (!community || community.level !== "community") {
    throw new DomainError(404, "community:errors.notFound");
  }
  const user = await findUserByLogin(login);
  if (!user) throw new DomainError(404, "community:errors.userNotFound", {}, "login");
  await db.transaction().execute(async (trx) => {
    const serving = await trx
      .selectFrom("committeeMembers")
      .select("communityId")
      .where("userId", "=", user.id)
      .where("endedAt", "is", null)
      .executeTakeFirst();
    if (serving) {
      throw new DomainError(
        409,
        serving.communityId === communityId
          ? "community:errors.alreadyCommittee"
          : "community:errors.committeeElsewhere",
        {},
        "login",
      );
    }
    const now = new Date().toISOString();
    await trx
      .insertInto("committeeMembers")
      .values({ userId: user.id, communityId, appointedBy: actor.userId, appointedAt: now })
      .execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "committee.appoint",
      areaId: communityId,
      subjectType: "user",
      subjectId: user.id,
      details: { displayName: user.displayName },
    });
  });
  emitEvent({ type: "committee.changed", communityId });
}

export async function endCommitteeMember(actor: Actor, committeeMemberId: number): Promise<void> {
  const db = getDb();
  const row = await db
    .selectFrom("committeeMembers")
    .innerJoin("users", "users.id", "committeeMembers.userId")
    .select([
      "committeeMembers.id",
      "committeeMembers.communityId",
      "committeeMembers.userId",
      "committeeMembers.endedAt",
      "users.displayName",
    ])
    .where("committeeMembers.id", "=", committeeMemberId)
    .executeTakeFirst();
  authorize(actor, "committee.end", { communityId: row?.communityId });
  if (!row || row.endedAt) throw new DomainError(404, "community:errors.committeeNotFound");
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("committeeMembers")
      .set({ endedAt: new Date().toISOString(), endedBy: actor.userId })
      .where("id", "=", committeeMemberId)
      .where("endedAt", "is", null)
      .execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "committee.end",
      areaId: row.communityId,
      subjectType: "user",
      subjectId: row.userId,
      details: { displayName: row.displayName },
    });
  });
  emitEvent({ type: "committee.changed", communityId: row.communityId });
}
