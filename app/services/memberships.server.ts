/**
 * Residents asking to join a community, and the committee verifying or declining them.
 * One write path: the HTTP actions and the socket handler both call these functions.
 */
import { getDb } from "../../db/client.server";
import type { MembershipStatus } from "../../db/schema";
import { DomainError } from "~/domain/errors";
import { maskPhone } from "~/domain/accounts/schemas";
import { authorize, type Actor } from "~/domain/permissions/policy";
import { writeAudit } from "./audit.server";
import { emitEvent } from "./events.server";

export { DECISION_REASON_MAX } from "~/domain/community/rules";

async function requireCommunity(communityId: number) {
  const area = await getDb()
    .selectFrom("areas")
    .select(["id", "level"])
    .where("id", "=", communityId)
    .executeTakeFirst();
  if (!area || area.level !== "community") throw new DomainError(404, "community:errors.notFound");
  return area;
}

export async function requestMembership(actor: Actor, communityId: number): Promise<number> {
  authorize(actor, "membership.request", { communityId });
  const userId = actor.userId!;
  await requireCommunity(communityId);
  const membershipId = await getDb()
    .transaction()
    .execute(async (trx) => {
      const existing = await trx
        .selectFrom("memberships")
        .select(["id", "status"])
        .where("userId", "=", userId)
        .where("communityId", "=", communityId)
        .executeTakeFirst();
      if (existing?.status === "verified") {
        throw new DomainError(409, "community:errors.alreadyMember");
      }
      if (existing?.status === "pending") {
        throw new DomainError(409, "community:errors.alreadyPending");
      }
      const now = new Date().toISOString();
      if (existing) {
        // Declined before: asking again starts a fresh request.
        await trx
          .updateTable("memberships")
          .set({
            status: "pending",
            requestedAt: now,
            decidedAt: null,
            decidedBy: null,
            decisionReason: null,
          })
          .where("id", "=", existing.id)
          .execute();
        return existing.id;
      }
      const row = await trx
        .insertInto("memberships")
        .values({ userId, communityId, status: "pending", requestedAt: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    });
  emitEvent({ type: "membership.requested", communityId, membershipId, userId });
  return membershipId;
}

export async function withdrawMembership(actor: Actor, membershipId: number): Promise<void> {
  const db = getDb();
  const row = await db
    .selectFrom("memberships")
    .select(["id", "userId", "communityId"])
    .where("id", "=", membershipId)
    .executeTakeFirst();
  if (actor.userId === null) authorize(actor, "membership.withdraw");
  // Someone else's id is "not found" to you: the answer must not confirm that it exists.
  if (!row || row.userId !== actor.userId) {
    throw new DomainError(404, "community:errors.membershipNotFound");
  }
  authorize(actor, "membership.withdraw", { ownerId: row.userId, communityId: row.communityId });
  await db.deleteFrom("memberships").where("id", "=", membershipId).execute();
  emitEvent({
    type: "membership.withdrawn",
    communityId: row.communityId,
    membershipId,
    userId: row.userId,
  });
}

export type Decision = "verify" | "decline";

export async function decideMembership(
  actor: Actor,
  membershipId: number,
  decision: Decision,
  reason: string,
): Promise<void> {
  const db = getDb();
  const row = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.userId")
    .select([
      "memberships.id",
      "memberships.userId",
      "memberships.communityId",
      "memberships.status",
      "users.displayName",
    ])
    .where("memberships.id", "=", membershipId)
    .executeTakeFirst();
  if (!row) throw new DomainError(404, "community:errors.membershipNotFound");
  authorize(actor, "membership.decide", { communityId: row.communityId });
  if (decision === "decline" && reason.trim() === "") {
    throw new DomainError(400, "community:errors.reasonRequired", {}, "reason");
  }
  const status: MembershipStatus = decision === "verify" ? "verified" : "declined";
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    // The status condition makes two committee members deciding at once safe: one wins.
    const result = await trx
      .updateTable("memberships")
      .set({ status, decidedAt: now, decidedBy: actor.userId, decisionReason: reason || null })
      .where("id", "=", membershipId)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new DomainError(409, "community:errors.alreadyDecided");
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "membership.decide",
      areaId: row.communityId,
      subjectType: "membership",
      subjectId: membershipId,
      details: { status, reason: reason || null, displayName: row.displayName },
    });
  });
  emitEvent({
    type: "membership.decided",
    communityId: row.communityId,
    membershipId,
    userId: row.userId,
    status,
  });
}

export interface PendingRequest {
  id: number;
  userId: number;
  displayName: string;
  login: string;
  requestedAt: string;
}

export async function listPending(actor: Actor, communityId: number): Promise<PendingRequest[]> {
  authorize(actor, "membership.viewPending", { communityId });
  const rows = await getDb()
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.userId")
    .select([
      "memberships.id",
      "users.id as userId",
      "users.displayName",
      "users.username",
      "users.phone",
      "memberships.requestedAt",
    ])
    .where("memberships.communityId", "=", communityId)
    .where("memberships.status", "=", "pending")
    .orderBy("memberships.requestedAt")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.userId,
    displayName: r.displayName,
    login: r.username ?? (r.phone ? maskPhone(r.phone) : ""),
    requestedAt: r.requestedAt,
  }));
}

export interface MyMembership {
  id: number;
  communityId: number;
  nameZh: string;
  nameEn: string;
  status: MembershipStatus;
  requestedAt: string;
  decidedAt: string | null;
  decisionReason: string | null;
}

export async function myMemberships(userId: number): Promise<MyMembership[]> {
  return getDb()
    .selectFrom("memberships")
    .innerJoin("areas", "areas.id", "memberships.communityId")
    .select([
      "memberships.id",
      "memberships.communityId",
      "areas.nameZh",
      "areas.nameEn",
      "memberships.status",
      "memberships.requestedAt",
      "memberships.decidedAt",
      "memberships.decisionReason",
    ])
    .where("memberships.userId", "=", userId)
    .orderBy("memberships.requestedAt", "desc")
    .execute();
}

export async function membershipFor(userId: number, communityId: number) {
  return getDb()
    .selectFrom("memberships")
    .select(["id", "status", "decisionReason", "requestedAt", "decidedAt"])
    .where("userId", "=", userId)
    .where("communityId", "=", communityId)
    .executeTakeFirst();
}
