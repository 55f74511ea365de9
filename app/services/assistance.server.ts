/**
 * Help at the service window (人工服务窗口): a committee member registers a resident who has no
 * phone or email, and acts for a resident, with consent, for one sitting.
 *
 * A sitting is bound to the helper's own browser session. While it is open, that session *is* the
 * resident for the policy (limited to the sitting's community, and only to actions the policy
 * marks `assistable`), every action taken is an `assisted_actions` row naming the sitting (so both
 * people), and public records say "with assistance". Starting and ending a sitting, and assisted
 * registrations, go to the community's audit log.
 */
import { randomInt } from "node:crypto";
import { sql, type Transaction } from "kysely";
import type { Consent, Database } from "../../db/schema";
import { getDb } from "../../db/client.server";
import { authorize, type Action, type Actor } from "~/domain/permissions/policy";
import { DomainError } from "~/domain/errors";
import { PRIVACY_NOTICE_VERSION } from "~/domain/accounts/schemas";
import { writeAudit } from "./audit.server";
import { hashPassword } from "./accounts/password.server";
import { emitEvent } from "./events.server";
import type { SessionUser } from "./accounts/queries.server";

/** A sitting ends on its own after this long, so a forgotten one cannot linger at the window. */
export const SITTING_MINUTES = 120;

// Letters and digits that cannot be mistaken for one another on paper or when read aloud.
const SLIP_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

function randomFrom(alphabet: string, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

export interface Slip {
  userId: number;
  displayName: string;
  username: string;
  password: string;
  communityId: number;
}

function committeeCommunity(helper: Actor, action: Action): number {
  authorize(helper, action, { communityId: helper.committeeOf ?? undefined });
  return helper.committeeOf!;
}

/**
 * Registers a resident at the window: a generated login and password (shown once, on the slip),
 * verified in the helper's community at once — the committee member has the person in front of them.
 */
export async function registerResident(
  helper: Actor,
  input: { displayName: string; consent: Consent },
): Promise<Slip> {
  const communityId = committeeCommunity(helper, "assist.register");
  const password = randomFrom(SLIP_ALPHABET, 8);
  const passwordHash = await hashPassword(password);
  const db = getDb();
  return db.transaction().execute(async (trx) => {
    let username = "";
    for (;;) {
      username = `lh${randomInt(100000, 1000000)}`;
      const taken = await trx
        .selectFrom("users")
        .select("id")
        .where("username", "=", username)
        .executeTakeFirst();
      if (!taken) break;
    }
    const at = new Date().toISOString();
    const { id: userId } = await trx
      .insertInto("users")
      .values({
        displayName: input.displayName,
        username,
        phone: null,
        passwordHash,
        consentVersion: PRIVACY_NOTICE_VERSION,
        consentedAt: at,
        createdAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("memberships")
      .values({
        userId,
        communityId,
        status: "verified",
        requestedAt: at,
        decidedAt: at,
        decidedBy: helper.userId,
        decisionReason: null,
      })
      .execute();
    await trx
      .insertInto("assistedRegistrations")
      .values({ userId, helperId: helper.userId, communityId, consent: input.consent, at })
      .execute();
    await writeAudit(trx, {
      actorId: helper.userId,
      action: "assist.register",
      areaId: communityId,
      subjectType: "user",
      subjectId: userId,
      details: { displayName: input.displayName, consent: input.consent },
    });
    return { userId, displayName: input.displayName, username, password, communityId };
  });
}

/**
 * A new slip for someone the window registered (they lost theirs): a new password, and every
 * session of theirs signed out.
 */
export async function reissueSlip(helper: Actor, userId: number): Promise<Slip> {
  const communityId = committeeCommunity(helper, "assist.reissue");
  const db = getDb();
  const row = await db
    .selectFrom("assistedRegistrations")
    .innerJoin("users", "users.id", "assistedRegistrations.userId")
    .select(["users.displayName", "users.username", "users.deletedAt"])
    .where("assistedRegistrations.userId", "=", userId)
    .where("assistedRegistrations.communityId", "=", communityId)
    .executeTakeFirst();
  if (!row || row.deletedAt || !row.username)
    throw new DomainError(404, "assist:errors.noSuchResident");
  const password = randomFrom(SLIP_ALPHABET, 8);
  const passwordHash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    const at = new Date().toISOString();
    await trx.updateTable("users").set({ passwordHash }).where("id", "=", userId).execute();
    await trx
      .updateTable("sessions")
      .set({ revokedAt: at })
      .where("userId", "=", userId)
      .where("revokedAt", "is", null)
      .execute();
    await writeAudit(trx, {
      actorId: helper.userId,
      action: "assist.reissue",
      areaId: communityId,
      subjectType: "user",
      subjectId: userId,
      details: { displayName: row.displayName },
    });
  });
  emitEvent({ type: "session.revoked", userId });
  return { userId, displayName: row.displayName, username: row.username, password, communityId };
}

export interface ResidentMatch {
  id: number;
  displayName: string;
  status: "pending" | "verified";
  assistedRegistration: boolean;
}

/** Residents of the helper's community whose name contains the query (the window's look-up). */
export async function findResidents(helper: Actor, query: string): Promise<ResidentMatch[]> {
  const communityId = committeeCommunity(helper, "assist.start");
  const q = query.trim();
  if (!q) return [];
  const rows = await getDb()
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
    .where("users.id", "!=", helper.userId!)
    // A plain substring test: no LIKE, so "%" and "_" in a query are just characters.
    .where((eb) =>
      eb(sql<number>`instr(${sql.ref("users.displayName")}, ${q})`, ">", 0).or(
        "users.username",
        "=",
        q,
      ),
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

/** Opens a sitting in the helper's session for a resident of the helper's community. */
export async function startSitting(
  helper: Actor,
  sessionId: string,
  input: { residentId: number; consent: Consent },
): Promise<number> {
  const communityId = committeeCommunity(helper, "assist.start");
  if (input.residentId === helper.userId) throw new DomainError(409, "assist:errors.notYourself");
  const db = getDb();
  return db.transaction().execute(async (trx) => {
    const resident = await trx
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.userId")
      .select(["users.displayName", "users.isAdmin"])
      .where("memberships.userId", "=", input.residentId)
      .where("memberships.communityId", "=", communityId)
      .where("memberships.status", "in", ["pending", "verified"])
      .where("users.deletedAt", "is", null)
      .executeTakeFirst();
    if (!resident) throw new DomainError(404, "assist:errors.noSuchResident");
    const open = await trx
      .selectFrom("assistanceSittings")
      .select("id")
      .where("sessionId", "=", sessionId)
      .where("endedAt", "is", null)
      .where("endsAt", ">", new Date().toISOString())
      .executeTakeFirst();
    if (open) throw new DomainError(409, "assist:errors.alreadyActing");
    const now = new Date();
    const { id } = await trx
      .insertInto("assistanceSittings")
      .values({
        helperId: helper.userId,
        residentId: input.residentId,
        communityId,
        consent: input.consent,
        sessionId,
        startedAt: now.toISOString(),
        endsAt: new Date(now.getTime() + SITTING_MINUTES * 60_000).toISOString(),
        endedAt: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorId: helper.userId,
      action: "assist.start",
      areaId: communityId,
      subjectType: "user",
      subjectId: input.residentId,
      details: { displayName: resident.displayName, consent: input.consent, sitting: id },
    });
    return id;
  });
}

/** Ends whatever sitting the session has open (ending twice is harmless). */
export async function endSitting(actor: Actor, sessionId: string): Promise<void> {
  authorize(actor, "assist.end");
  await endSittingsOfSession(sessionId);
}

/** Closes a session's sittings: "end", signing out, or the session revoked elsewhere. */
export async function endSittingsOfSession(sessionId: string): Promise<void> {
  await getDb()
    .transaction()
    .execute((trx) => endSittingsIn(trx, sessionId));
}

/** The same, inside a transaction the caller holds (the sign-out and revoke commands). */
export async function endSittingsIn(trx: Transaction<Database>, sessionId: string): Promise<void> {
  const open = await trx
    .selectFrom("assistanceSittings")
    .innerJoin("users", "users.id", "assistanceSittings.residentId")
    .select([
      "assistanceSittings.id",
      "assistanceSittings.helperId",
      "assistanceSittings.residentId",
      "assistanceSittings.communityId",
      "users.displayName",
    ])
    .where("assistanceSittings.sessionId", "=", sessionId)
    .where("assistanceSittings.endedAt", "is", null)
    .execute();
  for (const s of open) {
    await trx
      .updateTable("assistanceSittings")
      .set({ endedAt: new Date().toISOString() })
      .where("id", "=", s.id)
      .execute();
    await writeAudit(trx, {
      actorId: s.helperId,
      action: "assist.end",
      areaId: s.communityId,
      subjectType: "user",
      subjectId: s.residentId,
      details: { displayName: s.displayName, sitting: s.id },
    });
  }
}

export interface OpenSitting {
  sittingId: number;
  communityId: number;
  endsAt: string;
  helper: { id: number; displayName: string };
  resident: SessionUser;
}

/** The session's open sitting, if any: who helps, and for whom. */
export async function sittingOfSession(sessionId: string): Promise<OpenSitting | null> {
  const row = await getDb()
    .selectFrom("assistanceSittings")
    .innerJoin("users as resident", "resident.id", "assistanceSittings.residentId")
    .innerJoin("users as helper", "helper.id", "assistanceSittings.helperId")
    .select([
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
    .where("assistanceSittings.sessionId", "=", sessionId)
    .where("assistanceSittings.endedAt", "is", null)
    .where("assistanceSittings.endsAt", ">", new Date().toISOString())
    .executeTakeFirst();
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

/**
 * The actor for a sitting: the resident, but only as a resident of the sitting's community — no
 * committee seat, no organisation roles, nothing verified elsewhere — and marked as assisted.
 */
export function assistedActor(resident: Actor, sitting: OpenSitting): Actor {
  return {
    userId: resident.userId,
    isAdmin: false,
    committeeOf: null,
    verifiedIn: resident.verifiedIn.filter((c) => c === sitting.communityId),
    orgMemberOf: [],
    orgAdminOf: [],
    assistedBy: { helperId: sitting.helper.id, sittingId: sitting.sittingId },
  };
}

/** The helper's id for a public record ("with assistance"), or null when the resident acts alone. */
export function assistedBy(actor: Actor): number | null {
  return actor.assistedBy?.helperId ?? null;
}

/**
 * Records an action taken in a sitting; call inside the transaction that does the work, so that
 * the record and the deed commit together. Does nothing when the resident acts alone.
 */
export async function noteAssisted(
  trx: Transaction<Database>,
  actor: Pick<Actor, "assistedBy">,
  action: Action,
  subject: { type: "project" | "meeting" | "community"; id: number },
): Promise<void> {
  if (!actor.assistedBy) return;
  await trx
    .insertInto("assistedActions")
    .values({
      sittingId: actor.assistedBy.sittingId,
      action,
      subjectType: subject.type,
      subjectId: subject.id,
      at: new Date().toISOString(),
    })
    .execute();
}

export interface HistoryEntry {
  sittingId: number;
  helperName: string | null;
  communityId: number;
  consent: Consent;
  startedAt: string;
  endedAt: string | null;
  actions: Array<{
    action: string;
    at: string;
    subjectType: string;
    subjectId: number | null;
    subjectTitle: string | null;
  }>;
}

/** Everything done for this person at the service window, newest sitting first. */
export async function assistanceHistory(actor: Actor): Promise<{
  sittings: HistoryEntry[];
  registration: { helperName: string | null; consent: Consent; at: string } | null;
}> {
  authorize(actor, "assist.viewOwn", { ownerId: actor.userId ?? undefined });
  const db = getDb();
  const userId = actor.userId!;
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
