/**
 * Help at the service window (人工服务窗口), the writes: a committee member registers a resident
 * who has no phone or email, reissues their login slip, and acts for a resident, with consent, for
 * one sitting.
 *
 * A sitting is bound to the helper's own browser session. While it is open, that session *is* the
 * resident for the policy (limited to the sitting's community, and only to actions the policy
 * marks `assistable`); the runner records every assistable action as an `assisted_actions` row
 * naming the sitting (so both people), and public records say "with assistance" (`assistedBy`).
 * Starting and ending a sitting, and assisted registrations, go to the community's audit log.
 */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { PRIVACY_NOTICE_VERSION } from "~/domain/accounts/schemas";
import { registerSchema, reissueSchema, startSchema } from "~/domain/assistance/schemas";
import { DomainError } from "~/domain/errors";
import { type Actor, type Target } from "~/domain/permissions/policy";
import { hashPassword } from "../accounts/password.server";
import { notFound } from "../rows.server";
import { command, runIn, type Trx } from "../runner/command.server";

/** A sitting ends on its own after this long, so a forgotten one cannot linger at the window. */
export const SITTING_MINUTES = 120;

// Letters and digits that cannot be mistaken for one another on paper or when read aloud.
const SLIP_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz";

const randomFrom = (alphabet: string, n: number) =>
  Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join("");

export interface Slip {
  userId: number;
  displayName: string;
  username: string;
  password: string;
  communityId: number;
}

/** A slip's password and its hash: hashing is slow, so it happens before the transaction. */
async function newPassword(): Promise<{ password: string; passwordHash: string }> {
  const password = randomFrom(SLIP_ALPHABET, 8);
  return { password, passwordHash: await hashPassword(password) };
}

/**
 * What a window command loads starts from the community whose window the actor serves at: a
 * committee member's own. Anyone else has none, nothing is looked up for them, and the empty
 * target makes the policy refuse them (forbidden, or not to be done for someone in a sitting).
 */
const windowTarget = (w: { communityId: number } | null): Target =>
  w === null ? {} : { communityId: w.communityId };

/** What was loaded for a window command once the policy passed (said again for the type). */
function served<T>(loaded: T | null): T {
  if (loaded === null) throw new DomainError(403, "errors.forbidden");
  return loaded;
}

/** The helper's session: the route hands it over as a URL-like parameter, never from the form. */
const sessionId = z.string().min(1);

/**
 * Registers a resident at the window: a generated login and password (shown once, on the slip),
 * verified in the helper's community at once — the committee member has the person in front of them.
 */
export const registerResident = command({
  action: "assist.register",
  input: registerSchema,
  prepare: newPassword,
  load: async ({ actor }) =>
    actor.committeeOf === null ? null : { communityId: actor.committeeOf },
  target: windowTarget,
  run: async ({ trx, actor, input, loaded, at, prepared }): Promise<Slip> => {
    const { communityId } = served(loaded);
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
    const { id: userId } = await trx
      .insertInto("users")
      .values({
        displayName: input.displayName,
        username,
        phone: null,
        passwordHash: prepared.passwordHash,
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
        decidedBy: actor.userId,
        decisionReason: null,
      })
      .execute();
    await trx
      .insertInto("assistedRegistrations")
      .values({ userId, helperId: actor.userId, communityId, consent: input.consent, at })
      .execute();
    return {
      userId,
      displayName: input.displayName,
      username,
      password: prepared.password,
      communityId,
    };
  },
  audit: ({ input }, slip) => ({
    areaId: slip.communityId,
    subjectType: "user",
    subjectId: slip.userId,
    details: { displayName: input.displayName, consent: input.consent },
  }),
});

/**
 * A new slip for someone the window registered (they lost theirs): a new password, and every
 * session of theirs signed out. Only people registered at this community's window are found.
 */
export const reissueSlip = command({
  action: "assist.reissue",
  input: reissueSchema,
  prepare: newPassword,
  load: async ({ trx, actor, input }) => {
    const communityId = actor.committeeOf;
    if (communityId === null) return null;
    const row = await trx
      .selectFrom("assistedRegistrations")
      .innerJoin("users", "users.id", "assistedRegistrations.userId")
      .select(["users.displayName", "users.username", "users.deletedAt"])
      .where("assistedRegistrations.userId", "=", input.residentId)
      .where("assistedRegistrations.communityId", "=", communityId)
      .executeTakeFirst();
    if (!row || row.deletedAt || !row.username)
      throw new DomainError(404, "assist:errors.noSuchResident");
    return {
      communityId,
      userId: input.residentId,
      displayName: row.displayName,
      username: row.username,
    };
  },
  target: windowTarget,
  run: async ({ trx, loaded, at, prepared, emit }): Promise<Slip> => {
    const r = served(loaded);
    await trx
      .updateTable("users")
      .set({ passwordHash: prepared.passwordHash })
      .where("id", "=", r.userId)
      .execute();
    await trx
      .updateTable("sessions")
      .set({ revokedAt: at })
      .where("userId", "=", r.userId)
      .where("revokedAt", "is", null)
      .execute();
    emit({ type: "session.revoked", userId: r.userId });
    return { ...r, password: prepared.password };
  },
  audit: (_ctx, slip) => ({
    areaId: slip.communityId,
    subjectType: "user",
    subjectId: slip.userId,
    details: { displayName: slip.displayName },
  }),
});

/** Opens a sitting in the helper's session for a resident of the helper's community. */
export const startSitting = command({
  action: "assist.start",
  input: startSchema.extend({ sessionId }),
  load: async ({ trx, actor, input }) => {
    const communityId = actor.committeeOf;
    if (communityId === null) return null;
    if (input.residentId === actor.userId) throw new DomainError(409, "assist:errors.notYourself");
    const resident = await trx
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.userId")
      .select("users.displayName")
      .where("memberships.userId", "=", input.residentId)
      .where("memberships.communityId", "=", communityId)
      // Verified here: a resident only asking to join (verified elsewhere, perhaps) is not this
      // window's to act for.
      .where("memberships.status", "=", "verified")
      .where("users.deletedAt", "is", null)
      .executeTakeFirstOrThrow(notFound("assist:errors.noSuchResident"));
    return { communityId, displayName: resident.displayName };
  },
  target: windowTarget,
  run: async ({ trx, actor, input, loaded, now, at, emit }) => {
    const { communityId } = served(loaded);
    // One sitting at a time in a session: the session is one person at a time.
    const open = await trx
      .selectFrom("assistanceSittings")
      .select("id")
      .where("sessionId", "=", input.sessionId)
      .where("endedAt", "is", null)
      .where("endsAt", ">", at)
      .executeTakeFirst();
    if (open) throw new DomainError(409, "assist:errors.alreadyActing");
    const { id: sittingId } = await trx
      .insertInto("assistanceSittings")
      .values({
        helperId: actor.userId,
        residentId: input.residentId,
        communityId,
        consent: input.consent,
        sessionId: input.sessionId,
        startedAt: at,
        endsAt: new Date(now.getTime() + SITTING_MINUTES * 60_000).toISOString(),
        endedAt: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // The helper's session now acts for the resident: what was looked up for it is stale.
    emit({ type: "session.changed", userId: actor.userId });
    return { sittingId, communityId };
  },
  audit: ({ input, loaded }, r) => ({
    areaId: r.communityId,
    subjectType: "user",
    subjectId: input.residentId,
    details: {
      displayName: served(loaded).displayName,
      consent: input.consent,
      sitting: r.sittingId,
    },
  }),
});

/**
 * Ends whatever sitting the session has open (ending twice is harmless). The log names the helper
 * of each sitting, whoever ends it: the helper at the window, or the session signed out.
 */
export const endSitting = command({
  action: "assist.end",
  input: z.object({ sessionId }),
  load: ({ trx, input }) =>
    trx
      .selectFrom("assistanceSittings")
      .innerJoin("users", "users.id", "assistanceSittings.residentId")
      .select([
        "assistanceSittings.id",
        "assistanceSittings.helperId",
        "assistanceSittings.residentId",
        "assistanceSittings.communityId",
        "users.displayName",
      ])
      .where("assistanceSittings.sessionId", "=", input.sessionId)
      .where("assistanceSittings.endedAt", "is", null)
      .execute(),
  run: async ({ trx, input, loaded, at, emit }) => {
    if (loaded.length === 0) return;
    await trx
      .updateTable("assistanceSittings")
      .set({ endedAt: at })
      .where("sessionId", "=", input.sessionId)
      .where("endedAt", "is", null)
      .execute();
    for (const s of loaded)
      if (s.helperId !== null) emit({ type: "session.changed", userId: s.helperId });
  },
  audit: ({ loaded }) =>
    loaded.map((s) => ({
      actorId: s.helperId,
      areaId: s.communityId,
      subjectType: "user",
      subjectId: s.residentId,
      details: { displayName: s.displayName, sitting: s.id },
    })),
  // Not recorded as an assisted action: ending the sitting is the helper's, not the resident's.
});

/**
 * For the commands that end a session (signing out, revoking one): ends its sittings inside their
 * transaction, audited as `assist.end` like the window's own "end". Hand what it returns to
 * `ctx.afterCommit`.
 */
export async function endSittingsIn(
  trx: Trx,
  actor: Actor,
  sessionId: string,
  now: Date,
): Promise<() => Promise<void>> {
  const { commit } = await runIn(trx, endSitting, actor, { sessionId }, now);
  return commit;
}
