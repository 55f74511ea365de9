/**
 * The service window, the reads: the window's look-up of residents, the open sitting of a session
 * (every request asks), and the resident's own history of what was done for them.
 */
import { sql } from "kysely";
import { getDb } from "../../../db/client.server";
import { containsText, textsIn } from "../../../db/portable";
import { authorize, type Actor } from "~/domain/permissions/policy";
import type { Db } from "../runner/command.server";
import type { OpenSitting } from "./actor";

/** Residents of the helper's community whose name contains the query (the window's look-up). */
export async function findResidents(helper: Actor, query: string) {
  const signedIn = authorize(helper, "assist.start", {
    communityId: helper.committeeOf ?? undefined,
  });
  // The committee role matched the target, so the helper serves at this community's window.
  const communityId = signedIn.committeeOf!;
  const q = query.trim();
  if (!q) return [];
  const db = getDb();
  const rows = await db
    .selectFrom("memberships")
    .innerJoin("users", "users.id", "memberships.userId")
    .leftJoin("assistedRegistrations", "assistedRegistrations.userId", "users.id")
    .select([
      "users.id",
      "users.displayName",
      "memberships.status",
      "assistedRegistrations.userId as registeredHere",
    ])
    .where("memberships.communityId", "=", communityId)
    .where("memberships.status", "in", ["pending", "verified"])
    .where("users.deletedAt", "is", null)
    .where("users.id", "!=", signedIn.userId)
    // A plain substring test: no LIKE, so "%" and "_" in a query are just characters.
    .where((eb) =>
      eb.or([containsText(db, sql.ref("users.displayName"), q), eb("users.username", "=", q)]),
    )
    .orderBy("users.displayName")
    .limit(20)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    displayName: r.displayName,
    status: r.status as "pending" | "verified",
    assistedRegistration: r.registeredHere !== null,
  }));
}

/**
 * The read of sessions' open sittings (who helps, and for whom), for `whoIsAsking`
 * (services/accounts/queries), which reads them with the sessions themselves. `sessionIds` is a
 * JSON array of session ids; both values may be a prepared read's (db/prepared.ts).
 */
export function openSittingRows(db: Db, sessionIds: string, now: string) {
  return db
    .selectFrom("assistanceSittings")
    .innerJoin("users as resident", "resident.id", "assistanceSittings.residentId")
    .innerJoin("users as helper", "helper.id", "assistanceSittings.helperId")
    .select([
      "assistanceSittings.sessionId",
      "assistanceSittings.id",
      "assistanceSittings.communityId",
      "assistanceSittings.endsAt",
      "helper.id as helperId",
      "helper.displayName as helperName",
      "resident.id as residentId",
      "resident.displayName as residentName",
      "resident.username",
      "resident.phone",
      "resident.deletedAt",
    ])
    .where("assistanceSittings.sessionId", "in", textsIn(db, sessionIds))
    .where("assistanceSittings.endedAt", "is", null)
    .where("assistanceSittings.endsAt", ">", now);
}

type SittingRow = Awaited<ReturnType<ReturnType<typeof openSittingRows>["execute"]>>[number];

/** The open sitting a row says, or null for none (or a resident who has since left). */
export function openSitting(row: SittingRow | undefined): OpenSitting | null {
  if (!row || row.deletedAt) return null;
  return {
    sittingId: row.id,
    communityId: row.communityId,
    endsAt: row.endsAt,
    helper: { id: row.helperId, displayName: row.helperName },
    resident: {
      id: row.residentId,
      displayName: row.residentName,
      username: row.username,
      phone: row.phone,
      // A helper acting for someone never carries platform-admin powers into the sitting.
      isAdmin: false,
    },
  };
}

/** Everything done for this person at the service window, newest sitting first. */
export async function assistanceHistory(actor: Actor) {
  const { userId } = authorize(actor, "assist.viewOwn", { ownerId: actor.userId ?? undefined });
  const db = getDb();
  const [sittings, actions, registration] = await Promise.all([
    db
      .selectFrom("assistanceSittings")
      .leftJoin("users", "users.id", "assistanceSittings.helperId")
      .select([
        "assistanceSittings.id",
        "assistanceSittings.communityId",
        "assistanceSittings.consent",
        "assistanceSittings.startedAt",
        "assistanceSittings.endedAt",
        "assistanceSittings.endsAt",
        "users.displayName as helperName",
      ])
      .where("assistanceSittings.residentId", "=", userId)
      .orderBy("assistanceSittings.id", "desc")
      .limit(100)
      .execute(),
    db
      .selectFrom("assistedActions")
      .innerJoin("assistanceSittings", "assistanceSittings.id", "assistedActions.sittingId")
      .leftJoin("projects", (j) =>
        j
          .onRef("projects.id", "=", "assistedActions.subjectId")
          .on("assistedActions.subjectType", "=", "project"),
      )
      .leftJoin("meetings", (j) =>
        j
          .onRef("meetings.id", "=", "assistedActions.subjectId")
          .on("assistedActions.subjectType", "=", "meeting"),
      )
      .select([
        "assistedActions.sittingId",
        "assistedActions.action",
        "assistedActions.at",
        "assistedActions.subjectType",
        "assistedActions.subjectId",
        "projects.title as projectTitle",
        "meetings.topic as meetingTopic",
      ])
      .where("assistanceSittings.residentId", "=", userId)
      .orderBy("assistedActions.id")
      .execute(),
    db
      .selectFrom("assistedRegistrations")
      .leftJoin("users", "users.id", "assistedRegistrations.helperId")
      .select(["assistedRegistrations.consent", "assistedRegistrations.at", "users.displayName"])
      .where("assistedRegistrations.userId", "=", userId)
      .executeTakeFirst(),
  ]);
  const now = new Date().toISOString();
  return {
    sittings: sittings.map((s) => ({
      sittingId: s.id,
      helperName: s.helperName,
      communityId: s.communityId,
      consent: s.consent,
      startedAt: s.startedAt,
      // A sitting that ran out without "end" ended when its time was up.
      endedAt: s.endedAt ?? (s.endsAt <= now ? s.endsAt : null),
      actions: actions
        .filter((a) => a.sittingId === s.id)
        .map((a) => ({
          action: a.action,
          at: a.at,
          subjectType: a.subjectType,
          subjectId: a.subjectId,
          subjectTitle: a.projectTitle ?? a.meetingTopic ?? null,
        })),
    })),
    registration: registration
      ? { helperName: registration.displayName, consent: registration.consent, at: registration.at }
      : null,
  };
}
