/**
 * Round-table meetings: scheduling, agenda, seats and RSVPs, and moving a meeting's status.
 */
import type { Transaction } from "kysely";
import { getDb } from "../../db/client.server";
import type { Database, MeetingStatus, SeatKind } from "../../db/schema";
import { DomainError } from "~/domain/errors";
import { authorize, can, type Actor, type Target } from "~/domain/permissions/policy";
import { canMoveTo, isOpenForPeople, SEAT_KINDS } from "~/domain/meetings/rules";
import type { LoginId } from "~/domain/accounts/schemas";
import { writeAudit } from "./audit.server";
import { assistedBy } from "./assistance/actor";
import { noteAssisted } from "./assistance/commands.server";
import { emitEvent, onEvent } from "./events.server";
import { findUserByLogin } from "./accounts/queries.server";
import { councilFor } from "./councils.server";

/** What the policy needs to know about a meeting. */
export interface MeetingContext {
  id: number;
  councilId: number;
  communityId: number;
  status: MeetingStatus;
  isPublic: boolean;
  roomOpen: boolean;
  slowModeSeconds: number;
  currentAgendaItemId: number | null;
  seatHolders: number[];
}

/**
 * Meeting contexts are read on every message; they change rarely, and every change emits an event.
 * A few seconds' cache, dropped by those events in this process. Writes that depend on the
 * current state (posting, moving the status) read it again inside their own transaction.
 */
const CONTEXT_TTL_MS = 5_000;
// On globalThis, like the event bus, so that the dev server's module reloads share one cache.
const g = globalThis as unknown as {
  __liuheMeetingContexts?: Map<number, { ctx: MeetingContext; at: number }>;
};
if (!g.__liuheMeetingContexts) {
  const cache = new Map<number, { ctx: MeetingContext; at: number }>();
  g.__liuheMeetingContexts = cache;
  onEvent((e) => {
    if ("meetingId" in e) cache.delete(e.meetingId);
  });
}
const contextCache = g.__liuheMeetingContexts;

export async function meetingContext(
  meetingId: number,
  db?: Transaction<Database>,
): Promise<MeetingContext> {
  if (!db) {
    const hit = contextCache.get(meetingId);
    if (hit && Date.now() - hit.at < CONTEXT_TTL_MS) return hit.ctx;
    const ctx = await loadContext(meetingId, getDb());
    contextCache.set(meetingId, { ctx, at: Date.now() });
    return ctx;
  }
  return loadContext(meetingId, db);
}

async function loadContext(
  meetingId: number,
  db: Transaction<Database> | ReturnType<typeof getDb>,
): Promise<MeetingContext> {
  const m = await db
    .selectFrom("meetings")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select([
      "meetings.id",
      "meetings.councilId",
      "councils.areaId",
      "meetings.status",
      "meetings.isPublic",
      "meetings.roomOpen",
      "meetings.slowModeSeconds",
      "meetings.currentAgendaItemId",
    ])
    .where("meetings.id", "=", meetingId)
    .executeTakeFirst();
  if (!m) throw new DomainError(404, "meeting:errors.meetingNotFound");
  const invites = await db
    .selectFrom("seatInvites")
    .select("userId")
    .where("meetingId", "=", meetingId)
    .execute();
  return {
    id: m.id,
    councilId: m.councilId,
    communityId: m.areaId,
    status: m.status,
    isPublic: m.isPublic === 1,
    roomOpen: m.roomOpen === 1,
    slowModeSeconds: m.slowModeSeconds,
    currentAgendaItemId: m.currentAgendaItemId,
    seatHolders: invites.map((i) => i.userId),
  };
}

export function targetOf(ctx: MeetingContext): Target {
  return { communityId: ctx.communityId, seatHolders: ctx.seatHolders, isPublic: ctx.isPublic };
}

export interface MeetingInput {
  topic: string;
  description: string;
  startsAt: string;
  endsAt: string;
  place: string;
  isPublic: boolean;
  agenda: Array<{ title: string; minutes: number }>;
  seats: Partial<Record<SeatKind, number | null>>;
}

export async function createMeeting(
  actor: Actor,
  councilId: number,
  input: MeetingInput,
): Promise<number> {
  const db = getDb();
  const council = await councilFor(actor, councilId, "meeting.manage");
  if (input.endsAt <= input.startsAt)
    throw new DomainError(400, "meeting:errors.endBeforeStart", {}, "endsAt");
  const meetingId = await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const { id } = await trx
      .insertInto("meetings")
      .values({
        councilId,
        topic: input.topic,
        description: input.description,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        place: input.place,
        status: "scheduled",
        isPublic: input.isPublic ? 1 : 0,
        createdBy: actor.userId,
        createdAt: now,
        currentAgendaItemId: null,
        floorUserId: null,
        floorUntil: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [i, item] of input.agenda.entries()) {
      await trx
        .insertInto("agendaItems")
        .values({ meetingId: id, position: i + 1, title: item.title, minutes: item.minutes })
        .execute();
    }
    for (const kind of SEAT_KINDS) {
      if (kind in input.seats) {
        await trx
          .insertInto("seatKinds")
          .values({ meetingId: id, kind, capacity: input.seats[kind] ?? null })
          .execute();
      }
    }
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "meeting.manage",
      areaId: council.areaId,
      subjectType: "meeting",
      subjectId: id,
      details: { topic: input.topic, change: "scheduled" },
    });
    return id;
  });
  emitEvent({ type: "meeting.changed", communityId: council.areaId, meetingId });
  return meetingId;
}

export async function moveMeeting(
  actor: Actor,
  meetingId: number,
  to: MeetingStatus,
): Promise<void> {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "meeting.manage", { communityId: ctx.communityId });
  if (!canMoveTo(ctx.status, to)) throw new DomainError(409, "meeting:errors.badStatusMove");
  const db = getDb();
  await db.transaction().execute(async (trx) => {
    const first = await trx
      .selectFrom("agendaItems")
      .select("id")
      .where("meetingId", "=", meetingId)
      .orderBy("position")
      .executeTakeFirst();
    const result = await trx
      .updateTable("meetings")
      .set({
        status: to,
        // Going live starts at the first agenda item; ending the meeting closes its room and floor.
        ...(to === "live" ? { currentAgendaItemId: first?.id ?? null } : {}),
        ...(to === "closed" ? { roomOpen: 0, floorUserId: null, floorUntil: null } : {}),
      })
      .where("id", "=", meetingId)
      .where("status", "=", ctx.status)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new DomainError(409, "meeting:errors.badStatusMove");
    if (to === "closed")
      await trx.deleteFrom("speakerQueue").where("meetingId", "=", meetingId).execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "meeting.manage",
      areaId: ctx.communityId,
      subjectType: "meeting",
      subjectId: meetingId,
      details: { change: "status", from: ctx.status, to },
    });
  });
  emitEvent({ type: "meeting.changed", communityId: ctx.communityId, meetingId });
  emitEvent({ type: "room.state", communityId: ctx.communityId, meetingId });
}

export async function inviteToSeat(
  actor: Actor,
  meetingId: number,
  login: LoginId,
  kind: SeatKind,
): Promise<void> {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "meeting.manage", { communityId: ctx.communityId });
  if (kind === "resident")
    throw new DomainError(400, "meeting:errors.residentSeatsOpen", {}, "kind");
  const user = await findUserByLogin(login);
  if (!user) throw new DomainError(404, "community:errors.userNotFound", {}, "login");
  const db = getDb();
  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("seatInvites")
      .select("kind")
      .where("meetingId", "=", meetingId)
      .where("userId", "=", user.id)
      .executeTakeFirst();
    if (existing) throw new DomainError(409, "meeting:errors.alreadyInvited", {}, "login");
    await trx
      .insertInto("seatKinds")
      .values({ meetingId, kind, capacity: null })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto("seatInvites")
      .values({
        meetingId,
        userId: user.id,
        kind,
        invitedBy: actor.userId,
        invitedAt: new Date().toISOString(),
      })
      .execute();
    await writeAudit(trx, {
      actorId: actor.userId,
      action: "meeting.manage",
      areaId: ctx.communityId,
      subjectType: "meeting",
      subjectId: meetingId,
      details: { change: "invited", displayName: user.displayName, kind },
    });
  });
  emitEvent({ type: "meeting.changed", communityId: ctx.communityId, meetingId });
}

/**
 * Sign up for a seat: residents take a resident seat, invited people the seat they were invited
 * to. The count and the insert share one transaction, so capacity holds under concurrent RSVPs.
 */
export async function rsvp(actor: Actor, meetingId: number): Promise<void> {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "meeting.rsvp", targetOf(ctx));
  if (!isOpenForPeople(ctx.status)) throw new DomainError(409, "meeting:errors.meetingOver");
  const userId = actor.userId!;
  const db = getDb();
  await db.transaction().execute(async (trx) => {
    const invite = await trx
      .selectFrom("seatInvites")
      .select("kind")
      .where("meetingId", "=", meetingId)
      .where("userId", "=", userId)
      .executeTakeFirst();
    const kind: SeatKind = invite?.kind ?? "resident";
    const already = await trx
      .selectFrom("rsvps")
      .select("kind")
      .where("meetingId", "=", meetingId)
      .where("userId", "=", userId)
      .executeTakeFirst();
    if (already) throw new DomainError(409, "meeting:errors.alreadyRsvped");
    const seat = await trx
      .selectFrom("seatKinds")
      .select("capacity")
      .where("meetingId", "=", meetingId)
      .where("kind", "=", kind)
      .executeTakeFirst();
    if (!seat) throw new DomainError(409, "meeting:errors.noSuchSeats");
    if (seat.capacity !== null) {
      const taken = await trx
        .selectFrom("rsvps")
        .select(trx.fn.countAll<number>().as("n"))
        .where("meetingId", "=", meetingId)
        .where("kind", "=", kind)
        .executeTakeFirstOrThrow();
      if (Number(taken.n) >= seat.capacity) throw new DomainError(409, "meeting:errors.full");
    }
    await trx
      .insertInto("rsvps")
      .values({
        meetingId,
        userId,
        kind,
        createdAt: new Date().toISOString(),
        assistedBy: assistedBy(actor),
      })
      .execute();
    await noteAssisted(trx, actor, "meeting.rsvp", { type: "meeting", id: meetingId });
  });
  emitEvent({ type: "meeting.changed", communityId: ctx.communityId, meetingId });
}

export async function cancelRsvp(actor: Actor, meetingId: number): Promise<void> {
  const ctx = await meetingContext(meetingId);
  if (actor.userId === null) authorize(actor, "meeting.rsvp", targetOf(ctx));
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const result = await trx
        .deleteFrom("rsvps")
        .where("meetingId", "=", meetingId)
        .where("userId", "=", actor.userId!)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new DomainError(404, "meeting:errors.noRsvp");
      await noteAssisted(trx, actor, "meeting.rsvp", { type: "meeting", id: meetingId });
    });
  emitEvent({ type: "meeting.changed", communityId: ctx.communityId, meetingId });
}

export async function meetingPage(meetingId: number, actor: Actor) {
  const db = getDb();
  const ctx = await meetingContext(meetingId);
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
  const area = await db
    .selectFrom("areas")
    .selectAll()
    .where("id", "=", council.areaId)
    .executeTakeFirstOrThrow();
  const [agenda, seatKinds, rsvpCounts, invites, mine, minutes, commitments] = await Promise.all([
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
    actor.userId === null
      ? Promise.resolve(undefined)
      : db
          .selectFrom("rsvps")
          .select(["kind", "createdAt", "assistedBy"])
          .where("meetingId", "=", meetingId)
          .where("userId", "=", actor.userId)
          .executeTakeFirst(),
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
  const target = targetOf(ctx);
  return {
    meeting: { ...meeting, isPublic: meeting.isPublic === 1, roomOpen: meeting.roomOpen === 1 },
    council,
    area,
    agenda,
    seats,
    myRsvp: mine
      ? { kind: mine.kind, createdAt: mine.createdAt, assisted: mine.assistedBy !== null }
      : null,
    minutes,
    commitments,
    can: {
      rsvp: can(actor, "meeting.rsvp", target) && isOpenForPeople(meeting.status),
      manage: can(actor, "meeting.manage", target),
      readRoom: can(actor, "room.read", target),
      writeMinutes: can(actor, "minutes.write", target),
    },
  };
}
