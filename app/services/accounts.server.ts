/**
 * Accounts and sessions. A session is a random token in an httpOnly cookie; the database keeps only
 * its SHA-256, with an expiry and a revocation time, so that sessions can be listed and revoked.
 */
import { createHash, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { getDb } from "../../db/client.server";
import { DomainError } from "~/domain/errors";
import {
  PRIVACY_NOTICE_VERSION,
  type LoginId,
  type LoginInput,
  type Registration,
} from "~/domain/accounts/schemas";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password.server";
import { emitEvent } from "./events.server";
import { endSittingsOfSession } from "./assistance/commands.server";
import {
  ACCOUNT_RULE,
  ADDRESS_RULE,
  clearFailures,
  recordFailure,
  throttleState,
  type ThrottleRule,
} from "./throttle.server";

/** A session ends this long after its last use (see sessionFromToken). */
export const SESSION_DAYS = 30;
/**
 * The cookie outlives any session (400 days is the most browsers keep one): the database's
 * sliding expiry is what counts, and a cookie fixed at 30 days would end an active session.
 */
export const COOKIE_DAYS = 400;
const SESSION_MS = SESSION_DAYS * 24 * 60 * 60 * 1000;
/** last_seen_at is written at most this often, so reading a page does not always write. */
const TOUCH_MS = 60 * 60 * 1000;

export interface SessionUser {
  id: number;
  displayName: string;
  username: string | null;
  phone: string | null;
  isAdmin: boolean;
}

export interface CurrentSession {
  sessionId: string;
  user: SessionUser;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

function loginColumn(id: LoginId) {
  return id.kind === "phone" ? ("phone" as const) : ("username" as const);
}

export async function createSession(
  userId: number,
  userAgent: string | null,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_MS);
  await getDb()
    .insertInto("sessions")
    .values({
      id: hashToken(token),
      userId,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      lastSeenAt: now.toISOString(),
      userAgent: userAgent?.slice(0, 200) ?? null,
    })
    .execute();
  return { token, expiresAt };
}

export async function register(
  input: Registration,
  userAgent: string | null,
): Promise<{ userId: number; token: string; expiresAt: Date }> {
  const column = loginColumn(input.login);
  const passwordHash = await hashPassword(input.password);
  const db = getDb();
  const userId = await db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom("users")
      .select("id")
      .where(column, "=", input.login.value)
      .executeTakeFirst();
    if (taken) throw new DomainError(400, "account:errors.loginTaken", {}, "login");
    const now = new Date().toISOString();
    const row = await trx
      .insertInto("users")
      .values({
        displayName: input.displayName,
        username: column === "username" ? input.login.value : null,
        phone: column === "phone" ? input.login.value : null,
        passwordHash,
        consentVersion: PRIVACY_NOTICE_VERSION,
        consentedAt: now,
        createdAt: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  });
  const session = await createSession(userId, userAgent);
  return { userId, ...session };
}

export async function login(
  input: LoginInput,
  context: { clientIp: string; userAgent: string | null },
): Promise<{ userId: number; token: string; expiresAt: Date }> {
  const keys: Array<[string, ThrottleRule]> = [
    [`account:${input.login.kind}:${input.login.value}`, ACCOUNT_RULE],
    [`address:${context.clientIp}`, ADDRESS_RULE],
  ];
  const state = await throttleState(keys);
  if (state.lockedUntil) {
    throw new DomainError(429, "account:errors.locked", {
      minutes: Math.max(1, Math.ceil((state.lockedUntil.getTime() - Date.now()) / 60000)),
    });
  }
  if (state.delayMs > 0) await sleep(state.delayMs);

  const user = await getDb()
    .selectFrom("users")
    .select(["id", "passwordHash"])
    .where(loginColumn(input.login), "=", input.login.value)
    .executeTakeFirst();
  const ok = user ? await verifyPassword(input.password, user.passwordHash) : false;
  if (!user) await burnPasswordCheck(input.password);
  if (!user || !ok) {
    await recordFailure(keys);
    throw new DomainError(401, "account:errors.badCredentials", {}, "password");
  }
  await clearFailures(keys[0]![0]);
  const session = await createSession(user.id, context.userAgent);
  return { userId: user.id, ...session };
}

/** The signed-in user for a cookie token, or null when missing, unknown, expired or revoked. */
export async function sessionFromToken(
  token: string | null | undefined,
): Promise<CurrentSession | null> {
  if (!token || token.length > 100) return null;
  const id = hashToken(token);
  const now = new Date();
  const row = await getDb()
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.userId")
    .select([
      "sessions.id as sessionId",
      "sessions.expiresAt",
      "sessions.revokedAt",
      "sessions.lastSeenAt",
      "users.id",
      "users.displayName",
      "users.username",
      "users.phone",
      "users.isAdmin",
    ])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  if (!row || row.revokedAt || new Date(row.expiresAt) <= now) return null;
  if (now.getTime() - new Date(row.lastSeenAt).getTime() > TOUCH_MS) {
    // Sessions slide: 30 days from the last use, not from sign-in, so that someone who uses
    // Liuhe is never signed out mid-form (issue 6, "no timeouts that throw away input").
    await getDb()
      .updateTable("sessions")
      .set({
        lastSeenAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + SESSION_MS).toISOString(),
      })
      .where("id", "=", id)
      .execute();
  }
  return {
    sessionId: row.sessionId,
    user: {
      id: row.id,
      displayName: row.displayName,
      username: row.username,
      phone: row.phone,
      isAdmin: row.isAdmin === 1,
    },
  };
}

export async function revokeSession(sessionId: string): Promise<void> {
  await endSittingsOfSession(sessionId);
  const row = await getDb()
    .updateTable("sessions")
    .set({ revokedAt: new Date().toISOString() })
    .where("id", "=", sessionId)
    .where("revokedAt", "is", null)
    .returning("userId")
    .executeTakeFirst();
  if (row) emitEvent({ type: "session.revoked", userId: row.userId });
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  current: boolean;
}

export async function listSessions(userId: number, currentId: string): Promise<SessionInfo[]> {
  const rows = await getDb()
    .selectFrom("sessions")
    .select(["id", "createdAt", "lastSeenAt", "userAgent"])
    .where("userId", "=", userId)
    .where("revokedAt", "is", null)
    .where("expiresAt", ">", new Date().toISOString())
    .orderBy("lastSeenAt", "desc")
    .execute();
  return rows.map((r) => ({ ...r, current: r.id === currentId }));
}

/**
 * Revoke one of the user's own sessions. Session ids are hashes the user sees on /settings; a
 * session that is not theirs is "not found", so the answer tells nothing about other people's.
 */
export async function revokeOwnSession(userId: number, sessionId: string): Promise<void> {
  const result = await getDb()
    .updateTable("sessions")
    .set({ revokedAt: new Date().toISOString() })
    .where("id", "=", sessionId)
    .where("userId", "=", userId)
    .where("revokedAt", "is", null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw new DomainError(404, "account:errors.sessionNotFound");
  await endSittingsOfSession(sessionId);
  emitEvent({ type: "session.revoked", userId });
}

/** Everything the policy needs to know about a person. */
export async function loadActor(user: SessionUser | null): Promise<Actor> {
  if (!user) return ANONYMOUS;
  const db = getDb();
  const [committee, verified, orgs] = await Promise.all([
    db
      .selectFrom("committeeMembers")
      .select("communityId")
      .where("userId", "=", user.id)
      .where("endedAt", "is", null)
      .executeTakeFirst(),
    db
      .selectFrom("memberships")
      .select("communityId")
      .where("userId", "=", user.id)
      .where("status", "=", "verified")
      .execute(),
    db
      .selectFrom("organisationMembers")
      .select(["organisationId", "role"])
      .where("userId", "=", user.id)
      .where("status", "=", "active")
      .execute(),
  ]);
  return {
    userId: user.id,
    isAdmin: user.isAdmin,
    committeeOf: committee?.communityId ?? null,
    verifiedIn: verified.map((r) => r.communityId),
    orgMemberOf: orgs.map((r) => r.organisationId),
    orgAdminOf: orgs.filter((r) => r.role === "admin").map((r) => r.organisationId),
  };
}

export async function findUserByLogin(id: LoginId) {
  return getDb()
    .selectFrom("users")
    .select(["id", "displayName"])
    .where(loginColumn(id), "=", id.value)
    .executeTakeFirst();
}
