/**
 * Accounts and sessions, the writes: registering, signing in (and counting failed attempts),
 * signing out, revoking one of one's own sessions, deleting one's account. Each is a command (see
 * `../runner/command.server.ts`); password work is slow, so it happens in `prepare`, before the
 * transaction opens.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { DomainError } from "~/domain/errors";
import { loginSchema, PRIVACY_NOTICE_VERSION, registrationSchema } from "~/domain/accounts/schemas";
import { ANONYMOUS, type Action } from "~/domain/permissions/policy";
import { formString } from "~/domain/validation";
import { endSittingsIn } from "../assistance/commands.server";
import { command, run, type RunCtx } from "../runner/command.server";
import { checkPassword, passwordMatches } from "./credentials.server";
import { hashPassword } from "./password.server";
import { loginColumn } from "./queries.server";
import { openSession } from "./sessions.server";
import {
  accountKey,
  clearFailures,
  countRegistration,
  forgiveAttempt,
  reserveAttempt,
  throttleKeys,
} from "./throttle.server";

/** The browser a session is opened in, as the request names it: set by the route, never typed. */
const userAgent = z.string().nullable();

export const register = command({
  action: "account.register",
  // The address is the route's (from the connection); null when no one typed it in (the demo's
  // seed), and then not counted.
  input: registrationSchema.and(z.object({ userAgent, clientIp: z.string().nullable() })),
  prepare: (input) => hashPassword(input.password),
  run: async ({ trx, input, now, at, prepared: passwordHash }) => {
    if (input.clientIp !== null) await countRegistration(trx, input.clientIp, now);
    const column = loginColumn(input.login);
    const taken = await trx
      .selectFrom("users")
      .select("id")
      .where(column, "=", input.login.value)
      .executeTakeFirst();
    if (taken) throw new DomainError(400, "account:errors.loginTaken", {}, "login");
    const { id: userId } = await trx
      .insertInto("users")
      .values({
        displayName: input.displayName,
        username: column === "username" ? input.login.value : null,
        phone: column === "phone" ? input.login.value : null,
        passwordHash,
        consentVersion: PRIVACY_NOTICE_VERSION,
        consentedAt: at,
        createdAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const session = await openSession(trx, userId, input.userAgent, now);
    return { userId, ...session };
  },
});

/**
 * A sign-in attempt, counted against the account and the address before its password is checked
 * (see `./throttle.server.ts`); refused while either is locked. A command of its own: the sign-in
 * it belongs to may be refused, and the count must stay. Answers the delay earlier failures earned.
 */
export const noteLoginAttempt = command({
  action: "account.login",
  input: z.object({
    login: z.object({ kind: z.enum(["phone", "username"]), value: z.string() }),
    clientIp: z.string(),
  }),
  run: async ({ trx, input, now }) => {
    const state = await reserveAttempt(trx, throttleKeys(input), now);
    if (state.lockedUntil) {
      throw new DomainError(429, "account:errors.locked", {
        minutes: Math.max(1, Math.ceil((state.lockedUntil.getTime() - now.getTime()) / 60000)),
      });
    }
    return state.delayMs;
  },
});

export const login = command({
  action: "account.login",
  // The address is the route's (from the connection), never the form's.
  input: loginSchema.and(z.object({ clientIp: z.string(), userAgent })),
  prepare: async (input) => {
    // Whoever asks: the count is about the login and the address, not about a person.
    const delayMs = await run(noteLoginAttempt, ANONYMOUS, {
      login: input.login,
      clientIp: input.clientIp,
    });
    if (delayMs > 0) await sleep(delayMs);
    const userId = await checkPassword(input);
    if (userId === null)
      throw new DomainError(401, "account:errors.badCredentials", {}, "password");
    return userId;
  },
  run: async ({ trx, input, now, prepared: userId }) => {
    // The account's count starts again; the address's attempt was no failure (others sign in
    // from it too, and keep their own).
    await clearFailures(trx, accountKey(input.login));
    await forgiveAttempt(trx, throttleKeys(input)[1]![0]);
    const session = await openSession(trx, userId, input.userAgent, now);
    return { userId, ...session };
  },
});

/** Revokes a session and closes any service-window sitting open in it. */
async function closeSession(
  ctx: Pick<RunCtx<unknown, unknown, Action>, "trx" | "actor" | "now" | "at" | "afterCommit">,
  id: string,
) {
  const row = await ctx.trx
    .updateTable("sessions")
    .set({ revokedAt: ctx.at })
    .where("id", "=", id)
    .where("revokedAt", "is", null)
    .returning("userId")
    .executeTakeFirst();
  ctx.afterCommit(await endSittingsIn(ctx.trx, ctx.actor, id, ctx.now));
  return row?.userId ?? null;
}

/**
 * Signing out: the session is the caller's own, from its cookie (a route parameter, never a form
 * field). In a sitting the actor is the resident while the session is the helper's, so the
 * session's owner is not checked against the actor. Signing out twice is harmless. No assisted
 * action is recorded: the sitting ends with the session.
 */
export const logout = command({
  action: "account.logout",
  input: z.object({ sessionId: z.string() }),
  run: async (ctx) => {
    const { input, emit } = ctx;
    const userId = await closeSession(ctx, input.sessionId);
    if (userId !== null) emit({ type: "session.revoked", userId });
  },
});

/** A session id as /settings shows it; anything else was not put there by the page. */
const sessionIdField = z
  .string({ required_error: "errors.badForm", invalid_type_error: "errors.badForm" })
  .regex(/^[0-9a-f]{64}$/, "errors.badForm");

/**
 * Revoking one of one's own sessions (another device). Session ids are hashes the person sees on
 * /settings; one that is not theirs is "not found", so the answer tells nothing about others'.
 */
export const revokeSession = command({
  action: "session.revoke",
  input: z.object({ sessionId: sessionIdField }),
  load: async ({ trx, actor, input }) => {
    const row = await trx
      .selectFrom("sessions")
      .select(["id", "userId"])
      .where("id", "=", input.sessionId)
      .where("revokedAt", "is", null)
      .executeTakeFirst();
    if (!row || row.userId !== actor.userId) {
      throw new DomainError(404, "account:errors.sessionNotFound");
    }
    return row;
  },
  target: (row) => ({ ownerId: row.userId }),
  run: async (ctx) => {
    const { loaded: row, emit } = ctx;
    if ((await closeSession(ctx, row.id)) === null) {
      throw new DomainError(404, "account:errors.sessionNotFound");
    }
    emit({ type: "session.revoked", userId: row.userId });
  },
});

/**
 * Deleting one's account keeps the user row (audit entries point at it) but empties it: no name,
 * no login, no password; memberships, organisation memberships, sessions, notices and a committee
 * seat go.
 * The password is asked again, and checked before the transaction (`prepare`).
 */
export const deleteAccount = command({
  action: "account.delete",
  input: z.object({
    password: formString.min(1, "errors.required"),
  }),
  prepare: async (input, actor) =>
    actor.userId !== null && (await passwordMatches(actor.userId, input.password)),
  target: (_l, _i, actor) => ({ ownerId: actor.userId ?? undefined }),
  run: async ({ trx, actor, prepared: matches, at, emit }) => {
    if (!matches) throw new DomainError(400, "account:errors.passwordWrong", {}, "password");
    const userId = actor.userId;
    const seat = await trx
      .selectFrom("committeeMembers")
      .select(["id", "communityId"])
      .where("userId", "=", userId)
      .where("endedAt", "is", null)
      .executeTakeFirst();
    if (seat) {
      await trx
        .updateTable("committeeMembers")
        .set({ endedAt: at, endedBy: userId })
        .where("id", "=", seat.id)
        .execute();
    }
    await trx.deleteFrom("memberships").where("userId", "=", userId).execute();
    // Supports, ratings and comments stay (counts and discussions are part of the public record)
    // but no longer carry a name; belonging to an organisation ends.
    await trx.deleteFrom("organisationMembers").where("userId", "=", userId).execute();
    await trx.deleteFrom("sessions").where("userId", "=", userId).execute();
    // Notices speak about the person (their request declined, and why): they go with the account.
    await trx.deleteFrom("notices").where("userId", "=", userId).execute();
    await trx.deleteFrom("noticePreferences").where("userId", "=", userId).execute();
    // What they followed and their quiet digest say what they took an interest in: they go too.
    await trx.deleteFrom("follows").where("userId", "=", userId).execute();
    await trx.deleteFrom("noticeQuiet").where("userId", "=", userId).execute();
    await trx
      .updateTable("users")
      .set({
        displayName: "",
        username: null,
        phone: null,
        passwordHash: "!",
        isAdmin: 0,
        deletedAt: at,
      })
      .where("id", "=", userId)
      .execute();
    emit({ type: "session.revoked", userId });
    return seat ?? null;
  },
  // Leaving the committee is a committee matter: it stays on that community's record.
  audit: ({ actor }, seat) =>
    seat
      ? {
          action: "committee.end",
          areaId: seat.communityId,
          subjectType: "user",
          subjectId: actor.userId,
          details: { reason: "account deleted" },
        }
      : [],
});
