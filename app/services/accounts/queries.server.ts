/**
 * Accounts and sessions, the reads: who a session cookie belongs to, a person's sessions, what the
 * policy needs to know about a person, finding someone by their login. Writes are commands
 * (`./commands.server.ts`).
 */
import type { SelectQueryBuilder } from "kysely";
import type { NeedStaffRole } from "~/domain/needs/rules";
import { getDb } from "../../../db/client.server";
import type { Database } from "../../../db/schema";
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

/** A session, by the hash of its token, with its user. */
export function sessionRow(db: Db, id: string) {
  return db
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
    .where("sessions.id", "=", id);
}
type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionRow>["executeTakeFirstOrThrow"]>>;

/** The session hash a cookie token stands for; null for no token or one no session can have. */
export function sessionIdOf(token: string | null | undefined): string | null {
  return !token || token.length > 100 ? null : hashToken(token);
}

/**
 * The signed-in user a stored session is, or null when there is none or it is expired or
 * revoked.
 *
 * Not a command although it may write: it runs before anyone is known (it is how the actor is
 * found), and what it writes, the time of last use, is bookkeeping that decides nothing.
 */
export async function liveSession(
  row: SessionRow | undefined,
  now: Date = new Date(),
): Promise<CurrentSession | null> {
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
      .where("id", "=", row.sessionId)
      .execute();
  }
  return {
    sessionId: row.sessionId,
    user: {
      id: row.id,
      displayName: row.displayName,
      username: row.username,
      phone: row.phone,
      isAdmin: Number(row.isAdmin) === 1,
    },
  };
}

/** The signed-in user for a cookie token, or null when missing, unknown, expired or revoked. */
export async function sessionFromToken(
  token: string | null | undefined,
): Promise<CurrentSession | null> {
  const id = sessionIdOf(token);
  return id === null ? null : liveSession(await sessionRow(getDb(), id).executeTakeFirst());
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
 * What the policy needs to know about a person, as reads for `readTogether`: `userId` is the
 * person's id, or a query that selects it (the user of a session, read in the same statement).
 */
export function actorReads(
  db: Db,
  userId: number | SelectQueryBuilder<Database, never, { userId: number }>,
) {
  return {
    committee: db
      .selectFrom("committeeMembers")
      .select("communityId")
      .where("userId", "=", userId)
      .where("endedAt", "is", null)
      .limit(1),
    verified: db
      .selectFrom("memberships")
      .select("communityId")
      .where("userId", "=", userId)
      .where("status", "=", "verified"),
    orgs: db
      .selectFrom("organisationMembers")
      .select(["organisationId", "role"])
      .where("userId", "=", userId)
      .where("status", "=", "active"),
    staff: db
      .selectFrom("needStaff")
      .select(["role", "areaId", "unitId"])
      .where("userId", "=", userId)
      .where("endedAt", "is", null),
  };
}
type ActorRows = {
  [K in keyof ReturnType<typeof actorReads>]: Awaited<
    ReturnType<ReturnType<typeof actorReads>[K]["execute"]>
  >;
};

/** The actor `user` is, from what `actorReads` read about them. */
export function actorOf(user: SessionUser, rows: ActorRows): Actor {
  const { committee: [committee] = [], verified, orgs, staff } = rows;
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
 * Everything the policy needs to know about a person. Seeds pass the database they are filling,
 * which need not be the process-wide one (benchmarks seed a file of their own).
 */
export async function loadActor(user: SessionUser | null, db: Db = getDb()): Promise<Actor> {
  if (!user) return ANONYMOUS;
  // One statement, not four: every signed-in request and every socket's re-check asks this (on
  // PostgreSQL four statements took four of the pool's connections at once).
  return actorOf(user, await readTogether(db, actorReads(db, user.id)));
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
