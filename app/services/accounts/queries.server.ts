/**
 * Accounts and sessions, the reads: who a session cookie belongs to, a person's sessions, what the
 * policy needs to know about a person, finding someone by their login. Writes are commands
 * (`./commands.server.ts`).
 */
import type { NeedStaffRole } from "~/domain/needs/rules";
import { getDb } from "../../../db/client.server";
import { readTogether } from "../../../db/portable";
import type { LoginId } from "~/domain/accounts/schemas";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import type { Db } from "../runner/command.server";
import { notFound } from "../rows.server";
import { hashToken, SESSION_MS } from "./sessions.server";

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

/** The users column a login is kept in. */
export function loginColumn(id: LoginId) {
  return id.kind === "phone" ? ("phone" as const) : ("username" as const);
}

/**
 * The signed-in user for a cookie token, or null when missing, unknown, expired or revoked.
 *
 * Not a command although it may write: it runs before anyone is known (it is how the actor is
 * found), and what it writes, the time of last use, is bookkeeping that decides nothing.
 */
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

export async function listSessions(userId: number, currentId: string) {
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
 * Everything the policy needs to know about a person. Seeds pass the database they are filling,
 * which need not be the process-wide one (benchmarks seed a file of their own).
 */
export async function loadActor(user: SessionUser | null, db: Db = getDb()): Promise<Actor> {
  if (!user) return ANONYMOUS;
  // One statement, not four: every signed-in request and every socket's re-check asks this (on
  // PostgreSQL four statements took four of the pool's connections at once).
  const {
    committee: [committee],
    verified,
    orgs,
    staff,
  } = await readTogether(db, {
    committee: db
      .selectFrom("committeeMembers")
      .select("communityId")
      .where("userId", "=", user.id)
      .where("endedAt", "is", null)
      .limit(1),
    verified: db
      .selectFrom("memberships")
      .select("communityId")
      .where("userId", "=", user.id)
      .where("status", "=", "verified"),
    orgs: db
      .selectFrom("organisationMembers")
      .select(["organisationId", "role"])
      .where("userId", "=", user.id)
      .where("status", "=", "active"),
    staff: db
      .selectFrom("needStaff")
      .select(["role", "areaId", "unitId"])
      .where("userId", "=", user.id)
      .where("endedAt", "is", null),
  });
  const placesOf = (role: NeedStaffRole) =>
    staff.flatMap((r) => (r.role !== role ? [] : [(role === "unit" ? r.unitId : r.areaId)!]));
  return {
    userId: user.id,
    isAdmin: user.isAdmin,
    committeeOf: committee?.communityId ?? null,
    verifiedIn: verified.map((r) => r.communityId),
    orgMemberOf: orgs.map((r) => r.organisationId),
    orgAdminOf: orgs.filter((r) => r.role === "admin").map((r) => r.organisationId),
    gridWorkerOf: placesOf("gridWorker"),
    commandRoomOf: placesOf("commandRoom"),
    unitOf: placesOf("unit"),
  };
}

/**
 * The person a committee or an organisation's admin names by login; 404 when there is none.
 * Commands look it up only once the actor is authorised, so that nobody else can learn from the
 * answer which logins exist.
 */
export function userByLogin(db: Db, login: LoginId) {
  return db
    .selectFrom("users")
    .select(["id", "displayName"])
    .where(loginColumn(login), "=", login.value)
    .executeTakeFirstOrThrow(notFound("community:errors.userNotFound", "login"));
}
