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
import type { Transaction } from "kysely";
import type { Consent, Database } from "../../db/schema";
import { getDb } from "../../db/client.server";
import { authorize, type Action, type Actor } from "~/domain/permissions/policy";
import { DomainError } from "~/domain/errors";
import { PRIVACY_NOTICE_VERSION } from "~/domain/accounts/schemas";
import { writeAudit } from "./audit.server";
import { hashPassword } from "./password.server";
import { emitEvent } from "./events.server";

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
    .execute(async (trx) => {
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
    });
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
