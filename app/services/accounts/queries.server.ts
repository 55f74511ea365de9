/**
 * Accounts and sessions, the reads: who a session cookie belongs to, a person's sessions, what the
 * policy needs to know about a person, finding someone by their login. Writes are commands
 * (`./commands.server.ts`).
 */
import type { NeedStaffRole } from "~/domain/needs/rules";
import { getDb } from "../../../db/client.server";
import type { SelectQueryBuilder } from "kysely";
import { readTogether, textsIn, type ReadsOf } from "../../../db/portable";
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

/** The read of sessions and their users; the caller says which sessions. */
function sessionRows(db: Db) {
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
    ]);
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
  const row = await sessionRows(getDb()).where("sessions.id", "=", hashToken(t)).executeTakeFirst();
  return liveSession(row, new Date());
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
 * The reads of what the policy needs to know about people: `users` are their ids, or a subquery
 * that gives them (who is asking reads them with the sessions, before knowing whose they are).
 * Each row names its person; a person has one committee seat at most (a unique index).
 */
function actorReads(
  db: Db,
  users: readonly number[] | SelectQueryBuilder<Database, "sessions", { userId: number }>,
) {
  return {
    committee: db
      .selectFrom("committeeMembers")
      .select(["userId", "communityId"])
      .where("userId", "in", users)
      .where("endedAt", "is", null),
    verified: db
      .selectFrom("memberships")
      .select(["userId", "communityId"])
      .where("userId", "in", users)
      .where("status", "=", "verified"),
    orgs: db
      .selectFrom("organisationMembers")
      .select(["userId", "organisationId", "role"])
      .where("userId", "in", users)
      .where("status", "=", "active"),
    staff: db
      .selectFrom("needStaff")
      .select(["userId", "role", "areaId", "unitId"])
      .where("userId", "in", users)
      .where("endedAt", "is", null),
  };
}

type ActorFacts = ReadsOf<ReturnType<typeof actorReads>>;

/** The actor of `user`, from facts read for them (and perhaps for others: theirs are picked). */
function actorOf(user: SessionUser, facts: ActorFacts): Actor {
  const mine = <R extends { userId: number }>(rows: R[]) =>
    rows.filter((r) => r.userId === user.id);
  const [committee] = mine(facts.committee);
  const verified = mine(facts.verified);
  const orgs = mine(facts.orgs);
  const staff = mine(facts.staff);
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
  return actorOf(user, await readTogether(db, actorReads(db, [user.id])));
}

/**
 * Who is asking, in one statement built once (db/prepared.ts): the sessions and their users, the
 * sessions' open service-window sittings, and what the policy needs to know about the sessions'
 * users. Every request of someone the process has not seen for a few seconds asks it (each ballot
 * of a busy vote, say), and so does every socket's handshake; the look-ups that arrive together
 * (fifty voters answered by one batch of ballots, a room's sockets reconnecting after a restart)
 * share one statement (`whoIsAsking`), where each took three.
 */
const askingRows = preparedTogether((db: Db, v: { sessionIds: string; now: string }) => ({
  session: sessionRows(db).where("sessions.id", "in", textsIn(db, v.sessionIds)),
  sitting: openSittingRows(db, v.sessionIds, v.now),
  ...actorReads(
    db,
    db.selectFrom("sessions").select("userId").where("id", "in", textsIn(db, v.sessionIds)),
  ),
}));

export interface Asking {
  session: CurrentSession;
  /** The policy's facts about the session's own user (a helper's, while a sitting is open). */
  actor: Actor;
  /** The session's open sitting, if any. */
  sitting: OpenSitting | null;
}

interface Asked {
  sessionId: string;
  resolve: (asking: Asking | null) => void;
  reject: (error: unknown) => void;
}

/** Look-ups asked for on this turn of the event loop; read together on the next. */
let asked: Asked[] = [];
/** The most sessions one statement reads. */
const ASKED_MAX = 100;

/** Who a cookie's session token belongs to, or null when no live session has it. */
export function whoIsAsking(token: string | null | undefined): Promise<Asking | null> {
  const t = tokenOf(token);
  if (!t) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    if (asked.length === 0) setImmediate(readAsked);
    asked.push({ sessionId: hashToken(t), resolve, reject });
  });
}

function readAsked() {
  const all = asked;
  asked = [];
  for (let i = 0; i < all.length; i += ASKED_MAX) {
    const some = all.slice(i, i + ASKED_MAX);
    answerAsked(some).catch((e: unknown) => some.forEach((a) => a.reject(e)));
  }
}

async function answerAsked(some: Asked[]) {
  const now = new Date();
  const { session, sitting, ...facts } = await askingRows(getDb(), {
    sessionIds: JSON.stringify([...new Set(some.map((a) => a.sessionId))]),
    now: now.toISOString(),
  });
  for (const a of some) {
    try {
      const live = await liveSession(
        session.find((r) => r.sessionId === a.sessionId),
        now,
      );
      a.resolve(
        live && {
          session: live,
          actor: actorOf(live.user, facts),
          sitting: openSitting(sitting.find((r) => r.sessionId === a.sessionId)),
        },
      );
    } catch (e) {
      a.reject(e);
    }
  }
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
