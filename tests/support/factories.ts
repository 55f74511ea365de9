/** Test data written straight to the test database (services are what the tests exercise). */
import { getDb } from "../../db/client.server";
import { drop } from "~/services/cluster.server";
import { isPostgres } from "../../db/portable";
import type { MeetingStatus, MembershipStatus, SeatKind } from "../../db/schema";
import { loadActor, type SessionUser } from "~/services/accounts/queries.server";
import { hashPassword } from "~/services/accounts/password.server";
import { openSession } from "~/services/accounts/sessions.server";
import { projectSchema } from "~/domain/projects/schemas";
import { pollSchema } from "~/domain/voting/schemas";
import { run as runCommand } from "~/services/runner/command.server";
import { createPoll } from "~/services/voting/commands.server";
import { forgetPlaces } from "~/services/communities/places.server";
import type { Actor } from "~/domain/permissions/policy";
import { deliveriesSettled } from "~/services/notices/delivery.server";

let counter = 0;
let hash: Promise<string> | undefined;
export const TEST_PASSWORD = "correct horse";

export async function makeArea(
  level: "district" | "street" | "community" | "grid",
  parentId: number | null,
  name = `${level}-${++counter}`,
) {
  const { id } = await getDb()
    .insertInto("areas")
    .values({ parentId, level, code: `${name}-${++counter}`, nameZh: `${name}区`, nameEn: name })
    .returning("id")
    .executeTakeFirstOrThrow();
  forgetPlaces();
  return id;
}

/** A district → street → community chain; returns the community's id. */
export async function makeCommunity(name = "c") {
  const district = await makeArea("district", null);
  const street = await makeArea("street", district);
  const community = await makeArea("community", street, name);
  await makeArea("grid", community);
  return community;
}

export async function makeUser(
  opts: { username?: string; displayName?: string; isAdmin?: boolean; phone?: string } = {},
) {
  hash ??= hashPassword(TEST_PASSWORD);
  const n = ++counter;
  const { id } = await getDb()
    .insertInto("users")
    .values({
      displayName: opts.displayName ?? `User ${n}`,
      username: opts.phone ? null : (opts.username ?? `user${n}`),
      phone: opts.phone ?? null,
      passwordHash: await hash,
      isAdmin: opts.isAdmin ? 1 : 0,
      consentVersion: "test",
      consentedAt: new Date().toISOString(),
      createdAt: new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

export async function makeMembership(
  userId: number,
  communityId: number,
  status: MembershipStatus,
) {
  const { id } = await getDb()
    .insertInto("memberships")
    .values({
      userId,
      communityId,
      status,
      requestedAt: new Date().toISOString(),
      decidedAt: status === "pending" ? null : new Date().toISOString(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  rightsChanged(userId);
  return id;
}

export async function makeCommittee(userId: number, communityId: number) {
  await getDb()
    .insertInto("committeeMembers")
    .values({ userId, communityId, appointedBy: null, appointedAt: new Date().toISOString() })
    .execute();
  rightsChanged(userId);
}

/**
 * Factories write rights straight to the database, where the app's commands would emit an event:
 * they drop what pages keep about the person (utils/session.server) as those events do.
 */
export function rightsChanged(userId: number | null) {
  drop({ person: userId });
}

export async function actorFor(userId: number) {
  const u = await getDb()
    .selectFrom("users")
    .select(["id", "displayName", "username", "phone", "isAdmin"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  const user: SessionUser = { ...u, isAdmin: u.isAdmin === 1 };
  return loadActor(user);
}

/** A signed-in cookie header for the user. */
export async function cookieFor(userId: number) {
  const { token } = await openSession(getDb(), userId, "test", new Date());
  return `liuhe_session=${token}`;
}

/**
 * Row counts of every table, to prove that a refusal wrote nothing. Notices are delivered after
 * their command's commit: the counts (and the snapshots below) wait for deliveries under way.
 */
export async function tableCounts() {
  await deliveriesSettled();
  const db = getDb();
  const tables = [
    "areas",
    "users",
    "sessions",
    "memberships",
    "committeeMembers",
    "auditLog",
    "councils",
    "meetings",
    "agendaItems",
    "seatKinds",
    "seatInvites",
    "rsvps",
    "roomMessages",
    "messageFlags",
    "roomMutes",
    "speakerQueue",
    "minutes",
    "commitments",
    "commitmentUpdates",
    "organisations",
    "organisationServices",
    "organisationCommunities",
    "organisationMembers",
    "communitySettings",
    "projects",
    "projectBudgetItems",
    "projectEvents",
    "projectUpdates",
    "projectSupports",
    "projectRatings",
    "projectComments",
    "commentFlags",
    "polls",
    "pollOptions",
    "budgetRounds",
    "roundProjects",
    "ballots",
    "participations",
    "noticeOutbox",
    "notices",
    "noticePreferences",
    "follows",
    "noticeQuiet",
  ] as const;
  const out: Record<string, number> = {};
  for (const t of tables) {
    const row = await db
      .selectFrom(t)
      .select(db.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}

/** A council with one meeting in the given state; returns their ids and the agenda item ids. */
export async function makeMeeting(
  communityId: number,
  opts: {
    status?: "scheduled" | "live" | "closed" | "published";
    isPublic?: boolean;
    residentSeats?: number | null;
    slowModeSeconds?: number;
  } = {},
) {
  const db = getDb();
  const now = new Date().toISOString();
  const { id: councilId } = await db
    .insertInto("councils")
    .values({
      areaId: communityId,
      name: "圆桌会",
      purpose: "议事",
      createdBy: null,
      createdAt: now,
      updatedAt: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const { id: meetingId } = await db
    .insertInto("meetings")
    .values({
      councilId,
      topic: "停车",
      description: "夜间停车",
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      place: "议事厅",
      status: opts.status ?? "live",
      isPublic: opts.isPublic === false ? 0 : 1,
      slowModeSeconds: opts.slowModeSeconds ?? 0,
      createdBy: null,
      createdAt: now,
      currentAgendaItemId: null,
      floorUserId: null,
      floorUntil: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const items: number[] = [];
  for (const [i, title] of ["现状", "方案"].entries()) {
    const { id } = await db
      .insertInto("agendaItems")
      .values({ meetingId, position: i + 1, title, minutes: 20 })
      .returning("id")
      .executeTakeFirstOrThrow();
    items.push(id);
  }
  await db
    .updateTable("meetings")
    .set({ currentAgendaItemId: items[0]! })
    .where("id", "=", meetingId)
    .execute();
  await db
    .insertInto("seatKinds")
    .values({
      meetingId,
      kind: "resident",
      capacity: opts.residentSeats === undefined ? null : opts.residentSeats,
    })
    .execute();
  return { councilId, meetingId, items };
}

/** A verified resident of the community, as an actor. */
export async function makeResident(communityId: number, opts: { displayName?: string } = {}) {
  const userId = await makeUser(opts);
  await makeMembership(userId, communityId, "verified");
  return actorFor(userId);
}

/** Every row of the meeting tables, to prove that a refusal changed nothing (not even a flag). */
export async function dbSnapshot() {
  await deliveriesSettled();
  const db = getDb();
  const out: Record<string, unknown[]> = {};
  for (const t of [
    "meetings",
    "rsvps",
    "seatInvites",
    "roomMessages",
    "messageFlags",
    "roomMutes",
    "speakerQueue",
    "minutes",
    "commitments",
    "commitmentUpdates",
    "auditLog",
  ] as const) {
    out[t] = await db.selectFrom(t).selectAll().execute();
  }
  return out;
}

/**
 * Every row of every table of the database, search indexes included, to prove that a refusal
 * wrote nothing anywhere (dbSnapshot covers the meeting tables only).
 */
export async function wholeDbSnapshot() {
  await deliveriesSettled();
  const { sql } = await import("kysely");
  const db = getDb();
  const out: Record<string, unknown[]> = {};
  for (const name of await tableNames()) {
    out[name] = (await sql`select * from ${sql.table(name)}`.execute(db)).rows;
  }
  return out;
}

/** The tables of the test's own database (or PostgreSQL schema), by name. */
export async function tableNames(): Promise<string[]> {
  const { sql } = await import("kysely");
  const db = getDb();
  const query = isPostgres(db)
    ? sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = current_schema() order by name`
    : sql<{ name: string }>`select name from sqlite_master
        where type = 'table' and name not like 'sqlite_%' order by name`;
  return (await query.execute(db)).rows.map((r) => r.name);
}

/** The columns of one table, by name. */
export async function columnNames(table: string): Promise<string[]> {
  const { sql } = await import("kysely");
  const db = getDb();
  const query = isPostgres(db)
    ? sql<{ name: string }>`select column_name as name from information_schema.columns
        where table_schema = current_schema() and table_name = ${table}`
    : sql<{ name: string }>`select name from pragma_table_info(${table})`;
  return (await query.execute(db)).rows.map((r) => r.name);
}

/** The grid areas of a community (makeCommunity makes one). */
export async function gridsOf(communityId: number) {
  const rows = await getDb()
    .selectFrom("areas")
    .select("id")
    .where("parentId", "=", communityId)
    .where("level", "=", "grid")
    .orderBy("id")
    .execute();
  return rows.map((r) => r.id);
}

/**
 * An organisation written straight to the database (not indexed for search): serving the given
 * communities, with the given users as active members, the first of them its admin.
 */
export async function makeOrganisation(opts: {
  communities: number[];
  members?: number[];
  status?: "pending" | "verified" | "declined";
  name?: string;
  services?: Array<
    | "communityService"
    | "mediation"
    | "publicSafety"
    | "elderlyCare"
    | "disasterRelief"
    | "hardship"
    | "culture"
    | "environment"
  >;
  tier?: "filed" | "registered" | "charity";
}) {
  const db = getDb();
  const now = new Date().toISOString();
  const members = opts.members ?? [];
  const { id } = await db
    .insertInto("organisations")
    .values({
      name: opts.name ?? `组织${++counter}`,
      tier: opts.tier ?? "registered",
      registrationNumber: null,
      description: "为社区居民提供服务的社会组织",
      contact: null,
      status: opts.status ?? "verified",
      decidedBy: null,
      decidedAt: opts.status === "pending" ? null : now,
      decisionReason: null,
      createdBy: members[0] ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("organisationServices")
    .values((opts.services ?? ["elderlyCare"]).map((service) => ({ organisationId: id, service })))
    .execute();
  if (opts.communities.length > 0) {
    await db
      .insertInto("organisationCommunities")
      .values(opts.communities.map((communityId) => ({ organisationId: id, communityId })))
      .execute();
  }
  for (const [i, userId] of members.entries()) {
    await db
      .insertInto("organisationMembers")
      .values({
        organisationId: id,
        userId,
        role: i === 0 ? "admin" : "member",
        status: "active",
        invitedBy: members[0] ?? null,
        invitedAt: now,
        joinedAt: now,
      })
      .execute();
    rightsChanged(userId);
  }
  return id;
}

/** A poll as its form would post it, open from an hour ago to an hour from now, parsed. */
export function pollInput(change: Record<string, unknown> = {}) {
  const hour = 3_600_000;
  return pollSchema.parse({
    question: "三幢门前空地改作什么",
    method: "single",
    option: ["停车位", "小花园", "健身角"],
    maxChoices: "",
    electorate: "residents",
    results: "live",
    opensAt: chinaLocal(Date.now() - hour),
    closesAt: chinaLocal(Date.now() + hour),
    ...change,
  });
}

/** A moment as the poll and round forms post it: a `datetime-local` value in China time. */
export function chinaLocal(at: Date | number): string {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
}

/** A committee member of the community, as an actor. */
export async function makeCommitteeMember(communityId: number) {
  const userId = await makeUser();
  await makeCommittee(userId, communityId);
  return actorFor(userId);
}

/**
 * A poll of the community, open now (`pollInput` with `change`), made through its command by a new
 * committee member: its id, its first option and the committee member.
 */
export async function makeOpenPoll(communityId: number, change: Record<string, unknown> = {}) {
  const committee = await makeCommitteeMember(communityId);
  const id = (await runCommand(createPoll, committee, {
    ...pollInput(change),
    communityId,
    meetingId: null,
  })) as number;
  return { id, option: await firstOptionOf(id), committee };
}

/**
 * A micro-project written straight to the database, "accepted" unless told otherwise (what a
 * budget round is made of); its budget total is the given cost, without budget items.
 */
export async function makeProject(
  communityId: number,
  opts: { cost?: number; title?: string; status?: "accepted" | "submitted" | "rejected" } = {},
) {
  const now = new Date().toISOString();
  const { id } = await getDb()
    .insertInto("projects")
    .values({
      communityId,
      gridId: null,
      organisationId: null,
      proposerId: null,
      title: opts.title ?? `项目${++counter}`,
      summary: "为社区居民办一件实事",
      description: "居民提出、居委会审核通过的微实事项目。",
      category: "communityService",
      beneficiaries: "社区居民",
      startsOn: "2030-01-01",
      endsOn: "2030-06-30",
      budgetTotal: opts.cost ?? 1000,
      status: opts.status ?? "accepted",
      statusReason: null,
      photo: null,
      createdAt: now,
      updatedAt: now,
      submittedAt: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * Moves the voting window of a poll or budget round, in milliseconds from now: (-2h, -1h) has it
 * closed, (-1h, +1h) open, (+1h, +2h) not open yet.
 */
export async function setVoteWindow(
  kind: "poll" | "round",
  id: number,
  opensInMs: number,
  closesInMs: number,
) {
  const set = {
    opensAt: new Date(Date.now() + opensInMs).toISOString(),
    closesAt: new Date(Date.now() + closesInMs).toISOString(),
  };
  if (kind === "poll") await getDb().updateTable("polls").set(set).where("id", "=", id).execute();
  else await getDb().updateTable("budgetRounds").set(set).where("id", "=", id).execute();
}

/** An invited seat at a meeting (seat holders may vote in the meeting's seat-holder polls). */
export async function inviteSeat(meetingId: number, userId: number) {
  await getDb()
    .insertInto("seatInvites")
    .values({
      meetingId,
      userId,
      kind: "resident",
      invitedBy: null,
      invitedAt: new Date().toISOString(),
    })
    .execute();
}

/** A project form as the proposal page posts it (handrails for block 3), parsed by its schema. */
export function projectInput(communityId: number, over: Record<string, unknown> = {}) {
  return projectSchema.parse({
    title: "三幢楼道扶手",
    summary: "为三幢楼道加装扶手，方便老人上下楼",
    description: "三幢住着二十多位八十岁以上的老人，楼道没有扶手，上下楼很危险。",
    communityId: String(communityId),
    gridId: "",
    place: "三幢",
    organisationId: "",
    category: "elderlyCare",
    beneficiaries: "三幢老人",
    startsOn: "2026-03-01",
    endsOn: "2026-06-30",
    itemLabel: ["不锈钢扶手", "安装人工", ""],
    itemAmount: ["1200", "800", ""],
    ...over,
  });
}

/** A council of the area, with nothing in it. */
export async function makeCouncil(areaId: number, name: string) {
  const now = new Date().toISOString();
  const { id } = await getDb()
    .insertInto("councils")
    .values({ areaId, name, purpose: "议事", createdBy: null, createdAt: now, updatedAt: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

/**
 * A meeting of the council from `startsInH` to `endsInH` hours from now, with the seat kinds given
 * (kind → capacity, null for no limit); none unless asked.
 */
export async function makeMeetingAt(
  councilId: number,
  topic: string,
  status: MeetingStatus,
  startsInH: number,
  endsInH: number,
  opts: { isPublic?: boolean; seats?: Partial<Record<SeatKind, number | null>> } = {},
) {
  const db = getDb();
  const hour = 3_600_000;
  const { id } = await db
    .insertInto("meetings")
    .values({
      councilId,
      topic,
      description: `${topic}的说明`,
      startsAt: new Date(Date.now() + startsInH * hour).toISOString(),
      endsAt: new Date(Date.now() + endsInH * hour).toISOString(),
      place: "议事厅",
      status,
      isPublic: opts.isPublic === false ? 0 : 1,
      createdBy: null,
      createdAt: new Date().toISOString(),
      currentAgendaItemId: null,
      floorUserId: null,
      floorUntil: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [kind, capacity] of Object.entries(opts.seats ?? {})) {
    await db
      .insertInto("seatKinds")
      .values({ meetingId: id, kind: kind as SeatKind, capacity: capacity ?? null })
      .execute();
  }
  return id;
}

/** The first option of a poll (by position): what a test votes for when the choice does not matter. */
export async function firstOptionOf(pollId: number) {
  const o = await getDb()
    .selectFrom("pollOptions")
    .select("id")
    .where("pollId", "=", pollId)
    .orderBy("position")
    .executeTakeFirstOrThrow();
  return o.id;
}

/**
 * Many users at once (one insert), for tests of notices that reach more people than one delivery
 * chunk: named `${prefix}${i}`, with no password anyone could use. Returns their ids in order.
 */
export async function makeUsers(n: number, prefix: string): Promise<number[]> {
  const at = new Date().toISOString();
  const rows = await getDb()
    .insertInto("users")
    .values(
      Array.from({ length: n }, (_, i) => ({
        displayName: `${prefix}${i}`,
        username: `${prefix}${i}`,
        passwordHash: "x",
        consentVersion: "test",
        consentedAt: at,
        createdAt: at,
      })),
    )
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/**
 * A helper acting for a resident at the service window, as a sitting row (the record's foreign
 * key) and the acting actor, without the helper's session (tests/assistance.test.ts starts real
 * sittings).
 */
export async function assistedBy(
  resident: Actor,
  helperId: number,
  communityId: number,
  sessionId = "s-test",
): Promise<Actor> {
  const { id: sittingId } = await getDb()
    .insertInto("assistanceSittings")
    .values({
      helperId,
      residentId: resident.userId!,
      communityId,
      consent: "signed",
      sessionId,
      startedAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endedAt: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ...resident, assistedBy: { helperId, sittingId, communityId } };
}
