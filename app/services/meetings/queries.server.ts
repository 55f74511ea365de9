/**
 * Councils, meetings, minutes and commitments, the reads: a council's page and calendar, the
 * councils and open commitments of a community, a meeting's page. Writes are commands
 * (`./commands.server.ts`, `./councils.server.ts`, `./minutes.server.ts`).
 */
import { getDb } from "../../../db/client.server";
import { idsIn, readTogether, type ReadsOf } from "../../../db/portable";
import { preparedTogether } from "../../../db/prepared";
import type { Db } from "../runner/command.server";
import type { Area } from "../../../db/schema";
import { can, type Actor } from "~/domain/permissions/policy";
import { changeRefusal, isOpenForPeople, isOverdue, SEAT_KINDS } from "~/domain/meetings/rules";
import {
  agendaStatementRows,
  agendaStatementsOf,
  meetingConversationRows,
  meetingConversationsOf,
} from "../conversations/queries.server";
import { linkedNeedRows } from "../needs/queries.server";
import { shownReads } from "../shown.server";
import { pollListRows, withPhase } from "../voting/queries.server";
import { meetingContext, targetOf } from "./context.server";

/** Commitments of a council's meetings (or of every council of a community), newest due last. */
export async function commitmentsOf(
  where: { councilId?: number; areaId?: number },
  openOnly: boolean,
) {
  let q = getDb()
    .selectFrom("commitments")
    .innerJoin("meetings", "meetings.id", "commitments.meetingId")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select([
      "commitments.id",
      "commitments.meetingId",
      "meetings.topic as meetingTopic",
      "commitments.what",
      "commitments.ownerKind",
      "commitments.ownerName",
      "commitments.dueDate",
      "commitments.status",
    ])
    .orderBy("commitments.dueDate")
    // Ties in the order they were made, on either engine (each picks its own order otherwise).
    .orderBy("commitments.id");
  if (where.councilId !== undefined) q = q.where("councils.id", "=", where.councilId);
  if (where.areaId !== undefined) q = q.where("councils.areaId", "=", where.areaId);
  if (openOnly) q = q.where("commitments.status", "in", ["open", "in_progress"]);
  const rows = await q.execute();
  return rows.map((r) => ({ ...r, overdue: isOverdue(r) }));
}

/** The place a council belongs to (always there: councils point at their area). */
const areaOf = (id: number): Promise<Area> =>
  getDb().selectFrom("areas").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

export async function councilPage(councilId: number) {
  const db = getDb();
  const council = await db
    .selectFrom("councils")
    .selectAll()
    .where("id", "=", councilId)
    .executeTakeFirst();
  if (!council) return null;
  const area = await areaOf(council.areaId);
  const meetings = await db
    .selectFrom("meetings")
    .select(["id", "topic", "startsAt", "endsAt", "place", "status", "cancelledAt", "cancelReason"])
    .where("councilId", "=", councilId)
    .orderBy("startsAt", "desc")
    .execute();
  const now = new Date().toISOString();
  // A live meeting is not "upcoming": it has its own list, above the scheduled ones.
  const live = meetings.filter((m) => m.status === "live").reverse();
  const upcoming = meetings.filter((m) => m.status === "scheduled" && m.endsAt >= now).reverse();
  const past = meetings.filter((m) => !live.includes(m) && !upcoming.includes(m));
  const members = await db
    .selectFrom("councilMembers")
    .innerJoin("users", "users.id", "councilMembers.userId")
    .select(["users.id", "users.displayName"])
    .where("councilMembers.councilId", "=", councilId)
    .orderBy("councilMembers.addedAt")
    .execute();
  return {
    council,
    area,
    live,
    upcoming,
    past,
    members,
    commitments: await commitmentsOf({ councilId }, true),
  };
}

export async function councilsOf(areaId: number) {
  return getDb()
    .selectFrom("councils")
    .select(["id", "name", "purpose"])
    .where("areaId", "=", areaId)
    .orderBy("id")
    .execute();
}

/** The most upcoming meetings any caller lists (the signed-in home); kept rows hold one more. */
export const AHEAD_MAX = 10;

/**
 * The meetings of a community's councils live now, and the next scheduled ones soonest first (at
 * most AHEAD_MAX and one more, to say whether there are others): rows the same for every viewer,
 * which `communities/shown.server.ts` keeps a few seconds (`aheadRows`).
 */
export async function meetingRowsAhead(communityId: number) {
  const db = getDb();
  const now = new Date().toISOString();
  const ofCommunity = () =>
    db
      .selectFrom("meetings")
      .innerJoin("councils", "councils.id", "meetings.councilId")
      .select([
        "meetings.id",
        "meetings.topic",
        "meetings.startsAt",
        "meetings.endsAt",
        "meetings.place",
        "meetings.status",
        "meetings.cancelledAt",
        "meetings.cancelReason",
        "meetings.isPublic",
        "councils.id as councilId",
        "councils.name as councilName",
      ])
      .where("councils.areaId", "=", communityId)
      .orderBy("meetings.startsAt")
      .orderBy("meetings.id");
  return readTogether(db, {
    live: ofCommunity().where("meetings.status", "=", "live"),
    // A scheduled meeting whose end has passed never took place: it is not ahead any more.
    upcoming: ofCommunity()
      .where("meetings.status", "=", "scheduled")
      .where("meetings.endsAt", ">=", now)
      .limit(AHEAD_MAX + 1),
  });
}
export type MeetingRowsAhead = Awaited<ReturnType<typeof meetingRowsAhead>>;

/**
 * The ids of the meetings `meetingsAhead` shows from a community's rows, as a JSON array: the
 * value of `aheadMineReads`.
 */
export function aheadShownIds(rows: MeetingRowsAhead, upcomingLimit: number): string {
  return JSON.stringify([...rows.live, ...rows.upcoming.slice(0, upcomingLimit)].map((m) => m.id));
}

/**
 * The viewer's own seat invitations and sign-ups among the meetings ahead (`ids`, from
 * `aheadShownIds`): a private room is open to invited seat holders too, and the meetings ahead say
 * what the viewer has to do with them. Reads for `readTogether` or a prepared read, which a page
 * gathers with its other reads of the viewer's own.
 */
export function aheadMineReads(db: Db, userId: number, ids: string) {
  return {
    seats: db
      .selectFrom("seatInvites")
      .select(["meetingId", "kind"])
      .where("userId", "=", userId)
      .where("meetingId", "in", idsIn(db, ids)),
    signUps: db
      .selectFrom("rsvps")
      .select("meetingId")
      .where("userId", "=", userId)
      .where("meetingId", "in", idsIn(db, ids)),
  };
}
export type AheadMine = ReadsOf<ReturnType<typeof aheadMineReads>>;

/**
 * What is on in a community's councils: the meetings live now, each saying whether this viewer may
 * enter its room, and the next scheduled ones, soonest first (at most `upcomingLimit`, up to
 * AHEAD_MAX; `more` says whether there are others), each with the viewer's seat invitation and
 * sign-up. For the community page and the signed-in home. `rows`: the community's rows kept for
 * everyone (`aheadRows`); `mine`: the viewer's own part (`aheadMineReads`; none for a visitor).
 */
export function meetingsAhead(
  actor: Actor,
  communityId: number,
  upcomingLimit: number,
  { live, upcoming }: MeetingRowsAhead,
  mine: AheadMine | null,
) {
  const userId = actor.userId;
  const invitedAs = new Map((mine?.seats ?? []).map((s) => [s.meetingId, s.kind]));
  const signedUp = new Set((mine?.signUps ?? []).map((r) => r.meetingId));
  const row = ({ isPublic: _, ...m }: (typeof live)[number]) => m;
  return {
    live: live.map((m) => ({
      ...row(m),
      canEnterRoom: can(actor, "room.read", {
        communityId,
        isPublic: m.isPublic === 1,
        seatHolders: invitedAs.has(m.id) && userId !== null ? [userId] : [],
      }),
    })),
    upcoming: upcoming.slice(0, upcomingLimit).map((m) => ({
      ...row(m),
      /** Null for a visitor. */
      signedUp: userId === null ? null : signedUp.has(m.id),
      invitedAs: userId === null ? null : (invitedAs.get(m.id) ?? null),
    })),
    more: upcoming.length > upcomingLimit,
  };
}

/** Meetings of every council, for calendars: the council's own, or all of a community's. */
export async function meetingsForCalendar(councilId: number) {
  return getDb()
    .selectFrom("meetings")
    .select([
      "id",
      "topic",
      "description",
      "startsAt",
      "endsAt",
      "place",
      "status",
      "createdAt",
      "cancelledAt",
      "cancelReason",
      "sequence",
      "updatedAt",
    ])
    .where("councilId", "=", councilId)
    .orderBy("startsAt")
    .execute();
}

/** What a meeting's page shows alike to every viewer (`meetingShown`). */
async function meetingShared(meetingId: number) {
  const db = getDb();
  const meeting = await db
    .selectFrom("meetings")
    .selectAll()
    .where("id", "=", meetingId)
    .executeTakeFirstOrThrow();
  const council = await db
    .selectFrom("councils")
    .select(["id", "name", "areaId"])
    .where("id", "=", meeting.councilId)
    .executeTakeFirstOrThrow();
  const [area, agenda, seatKinds, rsvpCounts, invites, minutes, commitments] = await Promise.all([
    areaOf(council.areaId),
    db
      .selectFrom("agendaItems")
      .selectAll()
      .where("meetingId", "=", meetingId)
      .orderBy("position")
      .execute(),
    db.selectFrom("seatKinds").selectAll().where("meetingId", "=", meetingId).execute(),
    db
      .selectFrom("rsvps")
      .select((eb) => [
        "kind",
        eb.fn.countAll<number>().as("n"),
        eb.fn.count<number>("assistedBy").as("assisted"),
      ])
      .where("meetingId", "=", meetingId)
      .groupBy("kind")
      .execute(),
    db
      .selectFrom("seatInvites")
      .innerJoin("users", "users.id", "seatInvites.userId")
      .select(["users.id", "users.displayName", "seatInvites.kind"])
      .where("seatInvites.meetingId", "=", meetingId)
      .execute(),
    db.selectFrom("minutes").selectAll().where("meetingId", "=", meetingId).execute(),
    db
      .selectFrom("commitments")
      .selectAll()
      .where("meetingId", "=", meetingId)
      .orderBy("id")
      .execute(),
  ]);
  const seats = SEAT_KINDS.filter((k) => seatKinds.some((s) => s.kind === k)).map((kind) => ({
    kind,
    capacity: seatKinds.find((s) => s.kind === kind)!.capacity,
    taken: Number(rsvpCounts.find((r) => r.kind === kind)?.n ?? 0),
    // Sign-ups a committee member entered at the service window for the resident.
    assisted: Number(rsvpCounts.find((r) => r.kind === kind)?.assisted ?? 0),
    invited: invites
      .filter((i) => i.kind === kind)
      .map((i) => ({ id: i.id, displayName: i.displayName })),
  }));
  return {
    meeting: { ...meeting, isPublic: meeting.isPublic === 1, roomOpen: meeting.roomOpen === 1 },
    council,
    area,
    agenda,
    seats,
    minutes,
    commitments,
    updates: await commitmentUpdates(commitments.map((c) => c.id)),
  };
}

/**
 * A meeting's page as every viewer sees it (the meeting, its council and community, agenda, seats
 * with their counts and invited holders, minutes, commitments and their updates), kept a few
 * seconds per process (../shown.server.ts): about ten reads a view before. Every command that
 * changes any of it emits meeting.changed (or room.state) for the meeting, which drops it on every
 * process; a council renamed (community.changed) drops them all. What is the viewer's own (their
 * sign-up, what they may do) is read or decided per request in `meetingPage`.
 */
const meetingShown = shownReads("meetingPage", meetingShared, (e) =>
  e.type === "meeting.changed" || e.type === "room.state"
    ? e.meetingId
    : e.type === "community.changed"
      ? "all"
      : null,
);

export async function meetingPage(meetingId: number, actor: Actor) {
  const ctx = await meetingContext(meetingId);
  const [shared, mine] = await Promise.all([
    meetingShown(meetingId),
    actor.userId === null
      ? Promise.resolve(undefined)
      : getDb()
          .selectFrom("rsvps")
          .select(["kind", "createdAt", "assistedBy"])
          .where("meetingId", "=", meetingId)
          .where("userId", "=", actor.userId)
          .executeTakeFirst(),
  ]);
  const { meeting } = shared;
  const target = targetOf(ctx);
  return {
    ...shared,
    myRsvp: mine
      ? { kind: mine.kind, createdAt: mine.createdAt, assisted: mine.assistedBy !== null }
      : null,
    can: {
      rsvp:
        can(actor, "meeting.rsvp", target) &&
        isOpenForPeople(meeting.status) &&
        meeting.cancelledAt === null,
      manage: can(actor, "meeting.manage", target),
      /** Edit or cancel: the committee, while it is scheduled, ahead and not cancelled. */
      change: can(actor, "meeting.manage", target) && changeRefusal(meeting, new Date()) === null,
      readRoom: can(actor, "room.read", target),
      writeMinutes: can(actor, "minutes.write", target),
    },
  };
}

/**
 * What a meeting's page lists beside the meeting itself (its polls, the needs it carries, its
 * conversations, the statements attached to its agenda), read in one statement built and compiled
 * once (`preparedTogether`). Not kept with the meeting: ballots, a conversation's votes and needs
 * elsewhere change them without a meeting event. Four reads a view were four trips to SQLite's
 * thread pool, or four round trips on PostgreSQL, each parsed in the server; gathered but built
 * and compiled on every view, they cost SQLite more than the four had (0.3–0.4 ms a page).
 */
const meetingListRows = preparedTogether(
  (db: Db, v: { meetingId: number; communityId: number }) => ({
    polls: pollListRows(db, v.communityId, v.meetingId),
    needs: linkedNeedRows(db, "meeting", v.meetingId),
    conversations: meetingConversationRows(db, v.meetingId),
    attached: agendaStatementRows(db, v.meetingId),
  }),
);

export async function meetingLists(meetingId: number, communityId: number) {
  const rows = await meetingListRows(getDb(), { meetingId, communityId });
  return {
    polls: withPhase(rows.polls),
    needs: rows.needs,
    conversations: meetingConversationsOf(rows.conversations),
    attached: await agendaStatementsOf(rows.attached),
  };
}

export async function commitmentUpdates(commitmentIds: number[]) {
  if (commitmentIds.length === 0) return [];
  return getDb()
    .selectFrom("commitmentUpdates")
    .select(["id", "commitmentId", "status", "note", "createdAt"])
    .where("commitmentId", "in", commitmentIds)
    .orderBy("id")
    .execute();
}
