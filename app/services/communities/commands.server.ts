/**
 * Communities, the writes: residents asking to join (and withdrawing or leaving), the committee
 * deciding those requests, and platform admins appointing and standing down committee members.
 * Each is a command (see `../runner/command.server.ts`); the HTTP actions and the socket handler
 * both run them.
 */
import { z } from "zod";
import type { MembershipStatus } from "../../../db/schema";
import { DomainError } from "~/domain/errors";
import { appointSchema, decideSchema } from "~/domain/community/schemas";
import { formId, id } from "~/domain/validation";
import { userByLogin } from "../accounts/queries.server";
import { notFound } from "../rows.server";
import { command, type Trx } from "../runner/command.server";

function requireCommunity(trx: Trx, communityId: number) {
  return trx
    .selectFrom("areas")
    .select(["id", "nameZh", "nameEn"])
    .where("id", "=", communityId)
    .where("level", "=", "community")
    .executeTakeFirstOrThrow(notFound("community:errors.notFound"));
}

const community = z.object({ communityId: id });

export const requestMembership = command({
  action: "membership.request",
  input: community,
  load: ({ trx, input }) => requireCommunity(trx, input.communityId),
  target: (c) => ({ communityId: c.id }),
  run: async ({ trx, actor, loaded: c, at, emit, notify }) => {
    const userId = actor.userId;
    const existing = await trx
      .selectFrom("memberships")
      .select(["id", "status"])
      .where("userId", "=", userId)
      .where("communityId", "=", c.id)
      .executeTakeFirst();
    if (existing?.status === "verified") {
      throw new DomainError(409, "community:errors.alreadyMember");
    }
    if (existing?.status === "pending") {
      throw new DomainError(409, "community:errors.alreadyPending");
    }
    let membershipId: number;
    if (existing) {
      // Declined before: asking again starts a fresh request.
      await trx
        .updateTable("memberships")
        .set({
          status: "pending",
          requestedAt: at,
          decidedAt: null,
          decidedBy: null,
          decisionReason: null,
        })
        .where("id", "=", existing.id)
        .execute();
      membershipId = existing.id;
    } else {
      const row = await trx
        .insertInto("memberships")
        .values({ userId, communityId: c.id, status: "pending", requestedAt: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      membershipId = row.id;
    }
    emit({ type: "membership.requested", communityId: c.id, membershipId, userId });
    notify({
      kind: "membership.asked",
      subject: { type: "community", id: c.id },
      params: { community: { zh: c.nameZh, en: c.nameEn } },
      recipients: { community: c.id, who: "committee" },
    });
    return membershipId;
  },
});

/** Withdrawing one's request, or leaving a community one was verified in. */
export const withdrawMembership = command({
  action: "membership.withdraw",
  input: z.object({ membershipId: formId }),
  load: async ({ trx, actor, input }) => {
    const row = await trx
      .selectFrom("memberships")
      .select(["id", "userId", "communityId"])
      .where("id", "=", input.membershipId)
      .executeTakeFirst();
    // Someone else's id is "not found" to you: the answer must not confirm that it exists. Nobody
    // is anyone while signed out, so they are asked to sign in, whatever the id.
    if (actor.userId !== null && (!row || row.userId !== actor.userId)) {
      throw new DomainError(404, "community:errors.membershipNotFound");
    }
    return row;
  },
  target: (row) => ({ ownerId: row?.userId, communityId: row?.communityId }),
  run: async ({ trx, loaded: row, emit }) => {
    // Always there once authorised (see `load`); said again for the type.
    if (!row) throw new DomainError(404, "community:errors.membershipNotFound");
    await trx.deleteFrom("memberships").where("id", "=", row.id).execute();
    emit({
      type: "membership.withdrawn",
      communityId: row.communityId,
      membershipId: row.id,
      userId: row.userId,
    });
  },
});

export const decideMembership = command({
  action: "membership.decide",
  input: decideSchema,
  load: ({ trx, input }) =>
    trx
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.userId")
      .innerJoin("areas", "areas.id", "memberships.communityId")
      .select([
        "memberships.id",
        "memberships.userId",
        "memberships.communityId",
        "users.displayName",
        "areas.nameZh",
        "areas.nameEn",
      ])
      .where("memberships.id", "=", input.membershipId)
      .executeTakeFirstOrThrow(notFound("community:errors.membershipNotFound")),
  target: (row) => ({ communityId: row.communityId }),
  run: async ({ trx, actor, input: { decision, reason }, loaded: row, at, emit, notify }) => {
    if (decision === "decline" && reason.trim() === "") {
      throw new DomainError(400, "community:errors.reasonRequired", {}, "reason");
    }
    const status: MembershipStatus = decision === "verify" ? "verified" : "declined";
    // The status condition makes two committee members deciding at once safe: one wins.
    const result = await trx
      .updateTable("memberships")
      .set({ status, decidedAt: at, decidedBy: actor.userId, decisionReason: reason || null })
      .where("id", "=", row.id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new DomainError(409, "community:errors.alreadyDecided");
    emit({
      type: "membership.decided",
      communityId: row.communityId,
      membershipId: row.id,
      userId: row.userId,
      status,
    });
    notify({
      kind: "membership.decided",
      subject: { type: "community", id: row.communityId },
      params: {
        community: { zh: row.nameZh, en: row.nameEn },
        status,
        reason: reason.trim() || null,
      },
      recipients: { users: [row.userId] },
    });
    return status;
  },
  audit: ({ loaded: row, input }, status) => ({
    areaId: row.communityId,
    subjectType: "membership",
    subjectId: row.id,
    // The person's id beside their name: their membership goes with their account, and the
    // audit page hides the name once the account is deleted (see `listAudit`).
    details: {
      status,
      reason: input.reason || null,
      userId: row.userId,
      displayName: row.displayName,
    },
  }),
});

export const appointCommitteeMember = command({
  action: "committee.appoint",
  input: appointSchema.and(community),
  load: ({ trx, input }) => requireCommunity(trx, input.communityId),
  target: (c) => ({ communityId: c.id }),
  run: async ({ trx, actor, input, loaded: c, at, emit }) => {
    // Looked up once authorised: whether a login exists is no business of anyone else's.
    const user = await userByLogin(trx, input.login);
    const serving = await trx
      .selectFrom("committeeMembers")
      .select("communityId")
      .where("userId", "=", user.id)
      .where("endedAt", "is", null)
      .executeTakeFirst();
    if (serving) {
      throw new DomainError(
        409,
        serving.communityId === c.id
          ? "community:errors.alreadyCommittee"
          : "community:errors.committeeElsewhere",
        {},
        "login",
      );
    }
    await trx
      .insertInto("committeeMembers")
      .values({ userId: user.id, communityId: c.id, appointedBy: actor.userId, appointedAt: at })
      .execute();
    emit({ type: "committee.changed", communityId: c.id });
    return user;
  },
  audit: ({ loaded: c }, user) => ({
    areaId: c.id,
    subjectType: "user",
    subjectId: user.id,
    details: { displayName: user.displayName },
  }),
});

export const endCommitteeMember = command({
  action: "committee.end",
  input: z.object({ committeeMemberId: formId }),
  load: ({ trx, input }) =>
    trx
      .selectFrom("committeeMembers")
      .innerJoin("users", "users.id", "committeeMembers.userId")
      .select([
        "committeeMembers.id",
        "committeeMembers.communityId",
        "committeeMembers.userId",
        "users.displayName",
      ])
      .where("committeeMembers.id", "=", input.committeeMemberId)
      // A seat that has ended is no longer there to end.
      .where("committeeMembers.endedAt", "is", null)
      .executeTakeFirstOrThrow(notFound("community:errors.committeeNotFound")),
  target: (row) => ({ communityId: row.communityId }),
  run: async ({ trx, actor, loaded: row, at, emit }) => {
    await trx
      .updateTable("committeeMembers")
      .set({ endedAt: at, endedBy: actor.userId })
      .where("id", "=", row.id)
      .where("endedAt", "is", null)
      .execute();
    emit({ type: "committee.changed", communityId: row.communityId });
  },
  audit: ({ loaded: row }) => ({
    areaId: row.communityId,
    subjectType: "user",
    subjectId: row.userId,
    details: { displayName: row.displayName },
  }),
});
