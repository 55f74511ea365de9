/**
 * A person's own data: everything Liuhe keeps about them, as one download, and deleting the account.
 * Deleting keeps the user row (audit entries point at it) but empties it: no name, no login, no
 * password; memberships, organisation memberships, sessions and committee seats go.
 */
import { getDb } from "../../db/client.server";
import { DomainError } from "~/domain/errors";
import { authorize, type Actor } from "~/domain/permissions/policy";
import { verifyPassword } from "./password.server";
import { writeAudit } from "./audit.server";
import { assistanceHistory } from "./assistance/queries.server";
import { emitEvent } from "./events.server";

export async function exportMyData(actor: Actor) {
  authorize(actor, "account.downloadData", { ownerId: actor.userId ?? undefined });
  const userId = actor.userId!;
  const db = getDb();
  const [
    account,
    memberships,
    committee,
    sessions,
    actions,
    organisations,
    projects,
    supports,
    ratings,
    comments,
    votes,
  ] = await Promise.all([
    db
      .selectFrom("users")
      .select(["displayName", "username", "phone", "createdAt", "consentVersion", "consentedAt"])
      .where("id", "=", userId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("memberships")
      .innerJoin("areas", "areas.id", "memberships.communityId")
      .select([
        "areas.nameZh as community",
        "memberships.status",
        "memberships.requestedAt",
        "memberships.decidedAt",
        "memberships.decisionReason",
      ])
      .where("memberships.userId", "=", userId)
      .execute(),
    db
      .selectFrom("committeeMembers")
      .innerJoin("areas", "areas.id", "committeeMembers.communityId")
      .select([
        "areas.nameZh as community",
        "committeeMembers.appointedAt",
        "committeeMembers.endedAt",
      ])
      .where("committeeMembers.userId", "=", userId)
      .execute(),
    db
      .selectFrom("sessions")
      .select(["createdAt", "lastSeenAt", "expiresAt", "revokedAt", "userAgent"])
      .where("userId", "=", userId)
      .execute(),
    db
      .selectFrom("auditLog")
      .select(["at", "action", "subjectType", "subjectId", "details"])
      .where("actorId", "=", userId)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("organisationMembers")
      .innerJoin("organisations", "organisations.id", "organisationMembers.organisationId")
      .select([
        "organisations.name as organisation",
        "organisationMembers.role",
        "organisationMembers.status",
        "organisationMembers.invitedAt",
        "organisationMembers.joinedAt",
      ])
      .where("organisationMembers.userId", "=", userId)
      .execute(),
    db
      .selectFrom("projects")
      .select(["id", "title", "status", "createdAt"])
      .where("proposerId", "=", userId)
      .orderBy("id")
      .execute(),
    db
      .selectFrom("projectSupports")
      .select(["projectId", "at"])
      .where("userId", "=", userId)
      .execute(),
    db
      .selectFrom("projectRatings")
      .select(["projectId", "score", "at"])
      .where("userId", "=", userId)
      .execute(),
    db
      .selectFrom("projectComments")
      .select(["projectId", "body", "createdAt", "hiddenAt"])
      .where("authorId", "=", userId)
      .orderBy("id")
      .execute(),
    // That the person voted, never how: ballots are not linked to voters (receipts are theirs).
    db
      .selectFrom("participations")
      .leftJoin("polls", "polls.id", "participations.pollId")
      .leftJoin("budgetRounds", "budgetRounds.id", "participations.roundId")
      .select([
        "polls.question as poll",
        "budgetRounds.title as budgetRound",
        "participations.channel",
        "participations.at",
      ])
      .where("participations.userId", "=", userId)
      .orderBy("participations.id")
      .execute(),
  ]);
  return {
    exportedAt: new Date().toISOString(),
    account,
    memberships,
    committee,
    sessions,
    actionsTaken: actions.map((a) => ({ ...a, details: JSON.parse(a.details) as unknown })),
    organisations,
    projectsProposed: projects,
    projectSupports: supports,
    projectRatings: ratings,
    projectComments: comments,
    votedIn: votes,
    // What committee members did for this person at the service window, and who.
    assistance: await assistanceHistory(actor),
  };
}

export type MyData = Awaited<ReturnType<typeof exportMyData>>;

export async function deleteAccount(actor: Actor, password: string): Promise<void> {
  authorize(actor, "account.delete", { ownerId: actor.userId ?? undefined });
  const userId = actor.userId!;
  const db = getDb();
  const user = await db
    .selectFrom("users")
    .select(["passwordHash"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  if (!(await verifyPassword(password, user.passwordHash))) {
    throw new DomainError(400, "account:errors.passwordWrong", {}, "password");
  }
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const seat = await trx
      .selectFrom("committeeMembers")
      .select(["id", "communityId"])
      .where("userId", "=", userId)
      .where("endedAt", "is", null)
      .executeTakeFirst();
    if (seat) {
      await trx
        .updateTable("committeeMembers")
        .set({ endedAt: now, endedBy: userId })
        .where("id", "=", seat.id)
        .execute();
      // Leaving the committee is a committee matter: it stays on that community's record.
      await writeAudit(trx, {
        actorId: userId,
        action: "committee.end",
        areaId: seat.communityId,
        subjectType: "user",
        subjectId: userId,
        details: { reason: "account deleted" },
      });
    }
    await trx.deleteFrom("memberships").where("userId", "=", userId).execute();
    // Supports, ratings and comments stay (counts and discussions are part of the public record)
    // but no longer carry a name; belonging to an organisation ends.
    await trx.deleteFrom("organisationMembers").where("userId", "=", userId).execute();
    await trx.deleteFrom("sessions").where("userId", "=", userId).execute();
    await trx
      .updateTable("users")
      .set({
        displayName: "",
        username: null,
        phone: null,
        passwordHash: "!",
        isAdmin: 0,
        deletedAt: now,
      })
      .where("id", "=", userId)
      .execute();
  });
  emitEvent({ type: "session.revoked", userId });
}
