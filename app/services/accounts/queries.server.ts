/**
 * Accounts and sessions, the reads: who a session cookie belongs to, a person's sessions, what the
 * policy needs to know about a person, finding someone by their login. Writes are commands
 * (`./commands.server.ts`).
 */
import type { NeedStaffRole } from "~/domain/needs/rules";
import { getDb } from "../../../db/client.server";
import type { SelectQueryBuilder } from "kysely";
import { readTogether, type ReadsOf } from "../../../db/portable";
import { preparedTogether } from "../../../db/prepared";
import type { Database } from "../../../db/schema";
import type { OpenSitting } from "../assistance/actor";
import { openSitting, openSittingRows } from "../assistance/queries.server";
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

/** The read of a session and its user, by the session's id (a prepared read's value may stand in). */
function sessionRows(db: Db, sessionId: string) {
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
    .where("sessions.id", "=", sessionId);
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof sessionRows>["execute"]>>[number];

/**
 * The session a row says, or null when there is none or it has expired or been revoked. A session
 * in use slides: its time of last use is written at most every TOUCH_MS.
 */
async function liveSession(row: SessionRow | undefined, now: Date): Promise<CurrentSession | null> {
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
      isAdmin: row.isAdmin === 1,
    },
  };
}

/** A cookie's token, if it could be one: a token longer than this is refused unread. */
const tokenOf = (token: string | null | undefined) => (token && token.length <= 100 ? token : null);

/**
 * The signed-in user for a cookie token, or null when missing, unknown, expired or revoked.
 *
 * Not a command although it may write: it runs before anyone is known (it is how the actor is
 * found), and what it writes, the time of last use, is bookkeeping that decides nothing.
 */
export async function sessionFromToken(
  token: string | null | undefined,
): Promise<CurrentSession | null> {
  const t = tokenOf(token);
  if (!t) return null;
  return liveSession(await sessionRows(getDb(), hashToken(t)).executeTakeFirst(), new Date());
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
 * The reads of what the policy needs to know about a person: `userId` is their id, or a subquery
 * that gives it (who is asking reads them with the session, before knowing whose it is).
 */
function actorReads(
  db: Db,
  userId: number | SelectQueryBuilder<Database, "sessions", { userId: number }>,
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

type ActorFacts = ReadsOf<ReturnType<typeof actorReads>>;

function actorOf(
  user: SessionUser,
  { committee: [committee], verified, orgs, staff }: ActorFacts,
): Actor {
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
 * Who is asking, in one statement built once (db/prepared.ts): the session and its user, the
 * session's open service-window sitting, and what the policy needs to know about the session's
 * user. Every request of someone the process has not seen for a few seconds asks it (each ballot
 * of a busy vote, say), where it took three statements.
 */
const askingRows = preparedTogether((db: Db, v: { sessionId: string; now: string }) => ({
  session: sessionRows(db, v.sessionId),
  sitting: openSittingRows(db, v.sessionId, v.now),
  ...actorReads(db, db.selectFrom("sessions").select("userId").where("id", "=", v.sessionId)),
}));

export interface Asking {
  session: CurrentSession;
  /** The policy's facts about the session's own user (a helper's, while a sitting is open). */
  actor: Actor;
  /** The session's open sitting, if any. */
  sitting: OpenSitting | null;
}

/** Who a cookie's session token belongs to, or null when no live session has it. */
export async function whoIsAsking(token: string | null | undefined): Promise<Asking | null> {
  const t = tokenOf(token);
  if (!t) return null;
  const now = new Date();
  const {
    session: rows,
    sitting,
    ...facts
  } = await askingRows(getDb(), {
    sessionId: hashToken(t),
    now: now.toISOString(),
  });
  const session = await liveSession(rows[0], now);
  if (!session) return null;
  return { session, actor: actorOf(session.user, facts), sitting: openSitting(sitting[0]) };
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
