/**
 * Round-table meetings, the writes: scheduling one (agenda and seats), moving its status, inviting
 * people to seats, and signing up (RSVP). Each is a command (see `../runner/command.server.ts`).
 * Councils and minutes have their own modules beside this one; the reads are in `queries.server.ts`.
 */
import { z } from "zod";
import type { SeatKind } from "../../../db/schema";
import { DomainError } from "~/domain/errors";
import { canMoveTo, isOpenForPeople, SEAT_KINDS } from "~/domain/meetings/rules";
import { inviteSchema, meetingSchema, moveSchema } from "~/domain/meetings/schemas";
import { id } from "~/domain/validation";
import { assistedBy } from "../assistance/actor";
import { countOf } from "../rows.server";
import { command, type Trx } from "../runner/command.server";
import type { NoticeDraft } from "~/domain/notices/kinds";
import { attendeesOf } from "./changes.server";
import {
  loadMeeting,
  loadMeetingContext,
  meetingEntry,
  meetingInput,
  targetOf,
  type MeetingContext,
} from "./context.server";
import { userByLogin } from "../accounts/queries.server";
import { loadCouncil } from "./councils.server";

/** Managing a meeting is the committee's of the meeting's community. */
const managed = (ctx: MeetingContext) => ({ communityId: ctx.communityId });

const about = (ctx: MeetingContext) => ({ type: "meeting", id: ctx.id });

export const createMeeting = command({
  action: "meeting.manage",
  input: meetingSchema.and(z.object({ councilId: id })),
  load: ({ trx, input }) => loadCouncil(trx, input.councilId),
  target: (council) => ({ communityId: council.areaId }),
  run: async ({ trx, actor, input, loaded: council, at, emit }) => {
    // The form checks this too; server callers skip the form.
    if (input.endsAt <= input.startsAt) {
      throw new DomainError(400, "meeting:errors.endBeforeStart", {}, "endsAt");
    }
    const { id: meetingId } = await trx
      .insertInto("meetings")
      .values({
        councilId: council.id,
        topic: input.topic,
        description: input.description,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        place: input.place,
        status: "scheduled",
        isPublic: input.isPublic ? 1 : 0,
        createdBy: actor.userId,
        createdAt: at,
        currentAgendaItemId: null,
        floorUserId: null,
        floorUntil: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const [i, item] of input.agenda.entries()) {
      await trx
        .insertInto("agendaItems")
        .values({ meetingId, position: i + 1, title: item.title, minutes: item.minutes })
        .execute();
    }
    for (const kind of SEAT_KINDS) {
      if (kind in input.seats) {
        await trx
          .insertInto("seatKinds")
          .values({ meetingId, kind, capacity: input.seats[kind] ?? null })
          .execute();
      }
    }
    emit({ type: "meeting.changed", communityId: council.areaId, meetingId });
    return meetingId;
  },
  audit: ({ input, loaded: council }, meetingId) =>
    meetingEntry(
      { id: meetingId, communityId: council.areaId },
      { topic: input.topic, change: "scheduled" },
    ),
});

/** One step on: scheduled → live → closed → published. */
export const moveMeeting = command({
  action: "meeting.manage",
  input: moveSchema.and(meetingInput),
  load: loadMeeting,
  target: managed,
  run: async ({ trx, input: { to }, loaded: ctx, emit, notify }) => {
    // A cancelled meeting does not take place: it never goes live, nor opens its room.
    if (ctx.cancelledAt !== null) throw new DomainError(409, "meeting:errors.cancelled");
    if (!canMoveTo(ctx.status, to)) throw new DomainError(409, "meeting:errors.badStatusMove");
    const first = await trx
      .selectFrom("agendaItems")
      .select("id")
      .where("meetingId", "=", ctx.id)
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
      .where("id", "=", ctx.id)
      .where("status", "=", ctx.status)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new DomainError(409, "meeting:errors.badStatusMove");
    if (to === "closed") {
      await trx.deleteFrom("speakerQueue").where("meetingId", "=", ctx.id).execute();
    }
    // Published is the minutes' step: taken once (published is the last status), it is then that
    // they are public, not while they are written and rewritten as drafts.
    if (to === "published") await notifyMinutes(trx, ctx.id, notify);
    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: ctx.id });
    emit({ type: "room.state", communityId: ctx.communityId, meetingId: ctx.id });
  },
  audit: ({ input, loaded: ctx }) =>
    meetingEntry(ctx, { change: "status", from: ctx.status, to: input.to }),
});

/** Seats for officials, experts, organisations and the press are by invitation. */
export const inviteToSeat = command({
  action: "meeting.manage",
  input: inviteSchema.and(meetingInput),
  load: loadMeeting,
  target: managed,
  run: async ({ trx, actor, input, loaded: ctx, at, emit, notify }) => {
    if (ctx.cancelledAt !== null) throw new DomainError(409, "meeting:errors.cancelled");
    // Residents' seats are open to every verified resident; the form cannot ask for one.
    if ((input.kind as SeatKind) === "resident") {
      throw new DomainError(400, "meeting:errors.residentSeatsOpen", {}, "kind");
    }
    const user = await userByLogin(trx, input.login);
    const existing = await trx
      .selectFrom("seatInvites")
      .select("kind")
      .where("meetingId", "=", ctx.id)
      .where("userId", "=", user.id)
      .executeTakeFirst();
    if (existing) throw new DomainError(409, "meeting:errors.alreadyInvited", {}, "login");
    await trx
      .insertInto("seatKinds")
      .values({ meetingId: ctx.id, kind: input.kind, capacity: null })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto("seatInvites")
      .values({
        meetingId: ctx.id,
        userId: user.id,
        kind: input.kind,
        invitedBy: actor.userId,
        invitedAt: at,
      })
      .execute();
    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: ctx.id });
    notify({
      kind: "seat.invited",
      subject: { type: "meeting", id: ctx.id },
      params: { topic: await topicOf(trx, ctx.id), seat: input.kind },
      recipients: { users: [user.id] },
    });
    return user;
  },
  audit: ({ input, loaded: ctx }, user) =>
    meetingEntry(ctx, {
      change: "invited",
      // The person's id beside their name: the audit page hides the name once they delete their
      // account (see `listAudit`).
      userId: user.id,
      displayName: user.displayName,
      kind: input.kind,
    }),
});

/**
 * Sign up for a seat: residents take a resident seat, invited people the seat they were invited
 * to. The count and the insert share one transaction, so capacity holds under concurrent RSVPs.
 */
export const rsvp = command({
  action: "meeting.rsvp",
  input: meetingInput,
  load: loadMeeting,
  target: targetOf,
  run: async ({ trx, actor, loaded: ctx, at, emit }) => {
    if (ctx.cancelledAt !== null) throw new DomainError(409, "meeting:errors.cancelled");
    if (!isOpenForPeople(ctx.status)) throw new DomainError(409, "meeting:errors.meetingOver");
    const { userId } = actor;
    const invite = await trx
      .selectFrom("seatInvites")
      .select("kind")
      .where("meetingId", "=", ctx.id)
      .where("userId", "=", userId)
      .executeTakeFirst();
    const kind: SeatKind = invite?.kind ?? "resident";
    const already = await trx
      .selectFrom("rsvps")
      .select("kind")
      .where("meetingId", "=", ctx.id)
      .where("userId", "=", userId)
      .executeTakeFirst();
    if (already) throw new DomainError(409, "meeting:errors.alreadyRsvped");
    const seat = await trx
      .selectFrom("seatKinds")
      .select("capacity")
      .where("meetingId", "=", ctx.id)
      .where("kind", "=", kind)
      .executeTakeFirst();
    if (!seat) throw new DomainError(409, "meeting:errors.noSuchSeats");
    if (seat.capacity !== null) {
      const taken = await countOf(
        trx.selectFrom("rsvps").where("meetingId", "=", ctx.id).where("kind", "=", kind),
      );
      if (taken >= seat.capacity) throw new DomainError(409, "meeting:errors.full");
    }
    await trx
      .insertInto("rsvps")
      .values({ meetingId: ctx.id, userId, kind, createdAt: at, assistedBy: assistedBy(actor) })
      .execute();
    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: ctx.id });
  },
  subject: ({ loaded }) => about(loaded),
});

/**
 * Taking one's own sign-up back: the policy's "self", whoever one has become since (a resident
 * who moved away may still free the seat). Recorded under `meeting.rsvp` like the sign-up.
 */
export const cancelRsvp = command({
  action: "meeting.rsvp",
  input: meetingInput,
  load: async ({ trx, actor, input }) => {
    const ctx = await loadMeetingContext(trx, input.meetingId);
    // Nobody signed in holds a sign-up: the policy answers them (sign in), not a 404.
    if (actor.userId === null) return { ctx, holder: null };
    const mine = await trx
      .selectFrom("rsvps")
      .select("userId")
      .where("meetingId", "=", ctx.id)
      .where("userId", "=", actor.userId)
      .executeTakeFirst();
    if (!mine) throw new DomainError(404, "meeting:errors.noRsvp");
    return { ctx, holder: mine.userId };
  },
  target: ({ ctx, holder }) => ({ ...targetOf(ctx), ownerId: holder ?? undefined }),
  run: async ({ trx, actor, loaded: { ctx }, emit }) => {
    const result = await trx
      .deleteFrom("rsvps")
      .where("meetingId", "=", ctx.id)
      .where("userId", "=", actor.userId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new DomainError(404, "meeting:errors.noRsvp");
    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: ctx.id });
  },
  subject: ({ loaded }) => about(loaded.ctx),
});

/** A meeting's topic, as it stands in this transaction. */
async function topicOf(trx: Trx, meetingId: number): Promise<string> {
  const m = await trx
    .selectFrom("meetings")
    .select("topic")
    .where("id", "=", meetingId)
    .executeTakeFirstOrThrow();
  return m.topic;
}

/**
 * Tells those signed up for the meeting or invited to it that its minutes are published, when
 * there is something to read (minutes of an item, or a commitment).
 */
async function notifyMinutes(trx: Trx, meetingId: number, notify: (d: NoticeDraft) => void) {
  const written = await Promise.all([
    countOf(trx.selectFrom("minutes").where("meetingId", "=", meetingId)),
    countOf(trx.selectFrom("commitments").where("meetingId", "=", meetingId)),
  ]);
  if (written.every((n) => n === 0)) return;
  notify({
    kind: "minutes.published",
    subject: { type: "meeting", id: meetingId },
    params: { topic: await topicOf(trx, meetingId) },
    recipients: { users: await attendeesOf(trx, meetingId) },
  });
}
