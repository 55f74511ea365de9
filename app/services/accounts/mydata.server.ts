/**
 * A person's own data: everything Liuhe keeps about them, as one download. (Deleting the account is
 * a command, `deleteAccount` in `./commands.server.ts`.)
 */
import { getDb } from "../../../db/client.server";
import { authorize, type Actor } from "~/domain/permissions/policy";
import { assistanceHistory } from "../assistance/queries.server";
import { allOf } from "../rows.server";

export async function exportMyData(actor: Actor) {
  const { userId } = authorize(actor, "account.downloadData", {
    ownerId: actor.userId ?? undefined,
  });
  const db = getDb();
  const data = await allOf({
    account: db
      .selectFrom("users")
      .select(["displayName", "username", "phone", "createdAt", "consentVersion", "consentedAt"])
      .where("id", "=", userId)
      .executeTakeFirstOrThrow(),
    memberships: db
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
    committee: db
      .selectFrom("committeeMembers")
      .innerJoin("areas", "areas.id", "committeeMembers.communityId")
      .select([
        "areas.nameZh as community",
        "committeeMembers.appointedAt",
        "committeeMembers.endedAt",
      ])
      .where("committeeMembers.userId", "=", userId)
      .execute(),
    sessions: db
      .selectFrom("sessions")
      .select(["createdAt", "lastSeenAt", "expiresAt", "revokedAt", "userAgent"])
      .where("userId", "=", userId)
      .execute(),
    actionsTaken: db
      .selectFrom("auditLog")
      .select(["at", "action", "subjectType", "subjectId", "details"])
      .where("actorId", "=", userId)
      .orderBy("id")
      .execute()
      .then((rows) => rows.map((a) => ({ ...a, details: JSON.parse(a.details) as unknown }))),
    organisations: db
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
    projectsProposed: db
      .selectFrom("projects")
      .select(["id", "title", "status", "createdAt"])
      .where("proposerId", "=", userId)
      .orderBy("id")
      .execute(),
    projectSupports: db
      .selectFrom("projectSupports")
      .select(["projectId", "at"])
      .where("userId", "=", userId)
      .execute(),
    projectRatings: db
      .selectFrom("projectRatings")
      .select(["projectId", "score", "at"])
      .where("userId", "=", userId)
      .execute(),
    projectComments: db
      .selectFrom("projectComments")
      .select(["projectId", "body", "createdAt", "hiddenAt"])
      .where("authorId", "=", userId)
      .orderBy("id")
      .execute(),
    // That the person voted, never how: ballots are not linked to voters (receipts are theirs).
    votedIn: db
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
    // 意见征集: the statements they wrote and their answers (the map shows neither as theirs).
    statementsWritten: db
      .selectFrom("statements")
      .select(["conversationId", "id", "body", "status", "rejectReason", "createdAt"])
      .where("authorId", "=", userId)
      .orderBy("id")
      .execute(),
    statementVotes: db
      .selectFrom("statementVotes")
      .select(["conversationId", "statementId", "vote", "votedAt"])
      .where("userId", "=", userId)
      .orderBy("votedAt")
      .execute(),
    // The person's inbox, and the kinds they switched off or on.
    notices: db
      .selectFrom("notices")
      .select(["kind", "subjectType", "subjectId", "params", "createdAt", "readAt"])
      .where("userId", "=", userId)
      .orderBy("id")
      .execute(),
    noticePreferences: db
      .selectFrom("noticePreferences")
      .select(["kind", "enabled", "updatedAt"])
      .where("userId", "=", userId)
      .execute(),
    // What they follow (关注), and since when they asked for a daily digest.
    follows: db
      .selectFrom("follows")
      .select(["subjectType", "subjectId", "createdAt"])
      .where("userId", "=", userId)
      .orderBy("createdAt")
      .execute(),
    noticeQuiet: db
      .selectFrom("noticeQuiet")
      .select("since")
      .where("userId", "=", userId)
      .execute(),
  });
  return {
    exportedAt: new Date().toISOString(),
    ...data,
    // What committee members did for this person at the service window, and who.
    assistance: await assistanceHistory(actor),
  };
}

export type MyData = Awaited<ReturnType<typeof exportMyData>>;
