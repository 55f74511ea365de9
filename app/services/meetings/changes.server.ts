/**
 * Changing and cancelling a scheduled meeting (issue 16, item 5): the committee edits its topic,
 * time, place, agenda and seats, or cancels it with a reason. Each is a command (see
 * `../runner/command.server.ts`) under `meeting.manage`, audited, and emits `meeting.changed` so
 * pages, the cached context and calendars follow. Each change counts one more in the meeting's
 * `sequence`, which its .ics carries (SEQUENCE) so calendar apps replace what they imported.
 *
 * Sign-ups are never touched: someone signed up keeps their seat when the time or place changes,
 * and a cancelled meeting keeps its list of who was coming (they are the ones to tell).
 */
import { sql } from "kysely";
import { DomainError } from "~/domain/errors";
import { cancelSchema } from "~/domain/cancel-schema";
import { changeRefusal, SEAT_KINDS, type SeatKind } from "~/domain/meetings/rules";
import { meetingSchema } from "~/domain/meetings/schemas";
import { countOf } from "../rows.server";
import { withdrawVote } from "../voting/commands.server";
import { command, type Trx } from "../runner/command.server";
import { loadMeeting, meetingEntry, meetingInput, type MeetingContext } from "./context.server";

/** Managing a meeting is the committee's of the meeting's community. */
const managed = (ctx: MeetingContext) => ({ communityId: ctx.communityId });

/** Refuses a change to a meeting that has ended, is under way, or was cancelled (409). */
function refuseIfUnchangeable(ctx: MeetingContext, now: Date) {
  const refusal = changeRefusal(ctx, now);
  if (refusal) throw new DomainError(409, refusal);
}

/** What the edit form may change, as the meeting holds it now. */
/**
 * Who a change to a meeting concerns: everyone signed up for it and everyone invited to a seat
 * (sign-ups stay when it moves, and are kept when it is cancelled, so both are still here).
 */
export async function attendeesOf(trx: Trx, meetingId: number): Promise<number[]> {
  const rows = await trx
    .selectFrom("rsvps")
    .select("userId")
    .where("meetingId", "=", meetingId)
    .union(trx.selectFrom("seatInvites").select("userId").where("meetingId", "=", meetingId))
    .execute();
  return rows.map((r) => r.userId);
}

async function currentOf(trx: Trx, meetingId: number) {
  const [meeting, agenda, seats, taken, invited] = await Promise.all([
    trx
      .selectFrom("meetings")
      .select(["topic", "description", "startsAt", "endsAt", "place", "isPublic"])
      .where("id", "=", meetingId)
      .executeTakeFirstOrThrow(),
    trx
      .selectFrom("agendaItems")
      .select(["id", "position", "title", "minutes"])
      .where("meetingId", "=", meetingId)
      .orderBy("position")
      .execute(),
    trx
      .selectFrom("seatKinds")
      .select(["kind", "capacity"])
      .where("meetingId", "=", meetingId)
      .execute(),
    trx
      .selectFrom("rsvps")
      .select((eb) => ["kind", eb.fn.countAll<number>().as("n")])
      .where("meetingId", "=", meetingId)
      .groupBy("kind")
      .execute(),
    trx
      .selectFrom("seatInvites")
      .select("kind")
      .distinct()
      .where("meetingId", "=", meetingId)
      .execute(),
  ]);
  return {
    meeting,
    agenda,
    seats: new Map(seats.map((s) => [s.kind, s.capacity])),
    taken: new Map(taken.map((t) => [t.kind, Number(t.n)])),
    invitedKinds: new Set(invited.map((i) => i.kind)),
  };
}

/**
 * The committee edits a scheduled meeting: the same form as scheduling it, filled with what it
 * holds. A new time must lie ahead (an unchanged one may have begun: fixing the place of a meeting
 * about to start is allowed); seats with sign-ups or invitations stay, at no fewer places than are
 * taken. Answers what changed (nothing written when nothing did).
 */
export const editMeeting = command({
  action: "meeting.manage",
  input: meetingSchema.and(meetingInput),
  load: loadMeeting,
  target: managed,
  run: async ({ trx, input, loaded: ctx, now, at, emit, notify }) => {
    refuseIfUnchangeable(ctx, now);
    // The form checks this too; server callers skip the form.
    if (input.endsAt <= input.startsAt) {
      throw new DomainError(400, "meeting:errors.endBeforeStart", {}, "endsAt");
    }
    const current = await currentOf(trx, ctx.id);
    const before = current.meeting;
    const timeChanged = input.startsAt !== before.startsAt || input.endsAt !== before.endsAt;
    if (timeChanged && input.startsAt <= at) {
      throw new DomainError(400, "meeting:errors.startInPast", {}, "startsAt");
    }
    for (const kind of SEAT_KINDS) {
      const field = `seats_${kind}`;
      const taken = current.taken.get(kind) ?? 0;
      const capacity = input.seats[kind];
      if (capacity === undefined) {
        // A seat someone holds, or was invited to, cannot be taken away by an edit.
        if (taken > 0 || current.invitedKinds.has(kind)) {
          throw new DomainError(409, "meeting:errors.seatsInUse", {}, field);
        }
      } else if (capacity !== null && capacity < taken) {
        throw new DomainError(409, "meeting:errors.belowTaken", { taken }, field);
      }
    }

    const changed: string[] = [];
    if (input.topic !== before.topic) changed.push("topic");
    if (input.description !== before.description) changed.push("description");
    if (timeChanged) changed.push("time");
    if (input.place !== before.place) changed.push("place");
    if ((input.isPublic ? 1 : 0) !== before.isPublic) changed.push("isPublic");
    const agendaChanged =
      input.agenda.length !== current.agenda.length ||
      input.agenda.some(
        (a, i) => a.title !== current.agenda[i]!.title || a.minutes !== current.agenda[i]!.minutes,
      );
    if (agendaChanged) changed.push("agenda");
    const seatsChanged =
      SEAT_KINDS.some((k) => (input.seats[k] ?? undefined) !== current.seats.get(k)) ||
      [...current.seats.keys()].some((k) => !(k in input.seats));
    if (seatsChanged) changed.push("seats");
    if (changed.length === 0) return { changed, before };

    const updated = await trx
      .updateTable("meetings")
      .set({
        topic: input.topic,
        description: input.description,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        place: input.place,
        isPublic: input.isPublic ? 1 : 0,
        sequence: sql<number>`${sql.ref("sequence")} + 1`,
        updatedAt: at,
      })
      .where("id", "=", ctx.id)
      // The state the refusal above read: a racing cancel or move commits first or not at all.
      .where("status", "=", "scheduled")
      .where("cancelledAt", "is", null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new DomainError(409, "meeting:errors.tooLateToChange");

    if (agendaChanged) await replaceAgenda(trx, ctx.id, current.agenda, input.agenda);
    if (seatsChanged) await replaceSeats(trx, ctx.id, current.seats, input.seats);

    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: ctx.id });
    notify({
      kind: "meeting.changed",
      subject: { type: "meeting", id: ctx.id },
      params: {
        topic: input.topic,
        what: changed,
        startsAt: input.startsAt,
        place: input.place,
        reason: null,
      },
      recipients: { users: await attendeesOf(trx, ctx.id) },
    });
    return { changed, before };
  },
  audit: ({ input, loaded: ctx }, { changed, before }) =>
    changed.length === 0
      ? []
      : meetingEntry(ctx, {
          change: "edited",
          fields: changed,
          ...(changed.includes("time")
            ? {
                from: { startsAt: before.startsAt, endsAt: before.endsAt },
                to: { startsAt: input.startsAt, endsAt: input.endsAt },
              }
            : {}),
          ...(changed.includes("place") ? { place: { from: before.place, to: input.place } } : {}),
        }),
});

/**
 * The agenda as the form lists it: items keep their ids by position (so minutes and room messages
 * written against them stay where they were); items beyond the new list go, and what pointed at
 * them points at no item.
 */
async function replaceAgenda(
  trx: Trx,
  meetingId: number,
  current: ReadonlyArray<{ id: number; position: number }>,
  agenda: ReadonlyArray<{ title: string; minutes: number }>,
) {
  for (const [i, item] of agenda.entries()) {
    const existing = current[i];
    if (existing) {
      await trx
        .updateTable("agendaItems")
        .set({ title: item.title, minutes: item.minutes })
        .where("id", "=", existing.id)
        .execute();
    } else {
      await trx
        .insertInto("agendaItems")
        .values({ meetingId, position: i + 1, title: item.title, minutes: item.minutes })
        .execute();
    }
  }
  const gone = current.slice(agenda.length).map((a) => a.id);
  if (gone.length === 0) return;
  await trx
    .updateTable("roomMessages")
    .set({ agendaItemId: null })
    .where("agendaItemId", "in", gone)
    .execute();
  await trx
    .updateTable("commitments")
    .set({ agendaItemId: null })
    .where("agendaItemId", "in", gone)
    .execute();
  await trx
    .updateTable("meetings")
    .set({ currentAgendaItemId: null })
    .where("id", "=", meetingId)
    .where("currentAgendaItemId", "in", gone)
    .execute();
  await trx.deleteFrom("minutes").where("agendaItemId", "in", gone).execute();
  await trx.deleteFrom("agendaItems").where("id", "in", gone).execute();
}

/** The seat kinds as the form sets them (the checks above kept every kind in use). */
async function replaceSeats(
  trx: Trx,
  meetingId: number,
  current: ReadonlyMap<SeatKind, number | null>,
  seats: Partial<Record<SeatKind, number | null>>,
) {
  for (const kind of current.keys()) {
    if (!(kind in seats)) {
      await trx
        .deleteFrom("seatKinds")
        .where("meetingId", "=", meetingId)
        .where("kind", "=", kind)
        .execute();
    }
  }
  for (const kind of SEAT_KINDS) {
    const capacity = seats[kind];
    if (capacity === undefined) continue;
    if (current.has(kind)) {
      if (current.get(kind) === capacity) continue;
      await trx
        .updateTable("seatKinds")
        .set({ capacity })
        .where("meetingId", "=", meetingId)
        .where("kind", "=", kind)
        .execute();
    } else {
      await trx.insertInto("seatKinds").values({ meetingId, kind, capacity }).execute();
    }
  }
}

/**
 * The committee cancels a scheduled meeting with a reason. It stays on the council's and the
 * community's lists and in calendars, marked cancelled with the reason (STATUS:CANCELLED); its room
 * closes and cannot reopen; nobody can sign up; it never goes live.
 */
export const cancelMeeting = command({
  action: "meeting.manage",
  input: cancelSchema.and(meetingInput),
  load: loadMeeting,
  target: managed,
  run: async ({ trx, input, loaded: ctx, now, at, emit, notify }) => {
    refuseIfUnchangeable(ctx, now);
    const updated = await trx
      .updateTable("meetings")
      .set({
        cancelledAt: at,
        cancelReason: input.reason,
        roomOpen: 0,
        floorUserId: null,
        floorUntil: null,
        sequence: sql<number>`${sql.ref("sequence")} + 1`,
        updatedAt: at,
      })
      .where("id", "=", ctx.id)
      .where("status", "=", "scheduled")
      .where("cancelledAt", "is", null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n)
      throw new DomainError(409, "meeting:errors.alreadyCancelled");
    await trx.deleteFrom("speakerQueue").where("meetingId", "=", ctx.id).execute();
    // Its seat holders' polls go with it (they are for the people at its table), for the same
    // reason, ballots discarded, those who could vote told; a poll that has closed stays as it was.
    const polls = await trx
      .selectFrom("polls")
      .select(["id", "communityId", "opensAt", "closesAt", "cancelledAt"])
      .where("meetingId", "=", ctx.id)
      .where("electorate", "=", "seatHolders")
      .where("cancelledAt", "is", null)
      .where("closesAt", ">", at)
      .orderBy("id")
      .execute();
    for (const poll of polls) {
      await withdrawVote(trx, "poll", poll, input.reason, { at, emit, notify });
    }
    const signedUp = await countOf(trx.selectFrom("rsvps").where("meetingId", "=", ctx.id));
    emit({ type: "meeting.changed", communityId: ctx.communityId, meetingId: ctx.id });
    emit({ type: "room.state", communityId: ctx.communityId, meetingId: ctx.id });
    const { topic } = await trx
      .selectFrom("meetings")
      .select("topic")
      .where("id", "=", ctx.id)
      .executeTakeFirstOrThrow();
    notify({
      kind: "meeting.cancelled",
      subject: { type: "meeting", id: ctx.id },
      params: { topic, reason: input.reason },
      recipients: { users: await attendeesOf(trx, ctx.id) },
    });
    return { signedUp, pollsCancelled: polls.map((p) => p.id) };
  },
  audit: ({ input, loaded: ctx }, { signedUp, pollsCancelled }) =>
    meetingEntry(ctx, { change: "cancelled", reason: input.reason, signedUp, pollsCancelled }),
});
