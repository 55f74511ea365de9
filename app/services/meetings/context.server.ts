/**
 * What the policy needs to know about a meeting (its community, seat holders, whether it is public)
 * and the room's switches. Read by every command of a meeting and of its room, and by the pages.
 */
import { getDb } from "../../../db/client.server";
import { z } from "zod";
import type { Target } from "~/domain/permissions/policy";
import { id } from "~/domain/validation";
import { drop, onDrop } from "../cluster.server";
import { onEvent } from "../events.server";
import { notFound } from "../rows.server";
import type { AuditEntry, Db, Trx } from "../runner/command.server";

export type MeetingContext = Awaited<ReturnType<typeof loadMeetingContext>>;

/**
 * Meeting contexts are read on every message; they change rarely, and every change emits an event
 * (meeting.changed or room.state). A few seconds' cache, dropped by those events on every process.
 * Writes that depend on the current state (posting, moving the status) read it again inside their
 * own transaction.
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
    if (e.type === "meeting.changed" || e.type === "room.state") drop({ meeting: e.meetingId });
  });
  onDrop((what) => "meeting" in what && cache.delete(what.meeting));
}
const contextCache = g.__liuheMeetingContexts;

/**
 * The meeting's context from the short cache. Commands read it fresh inside their transaction with
 * `loadMeetingContext` (what a command decides on must be what it commits against).
 */
export async function meetingContext(meetingId: number): Promise<MeetingContext> {
  const hit = contextCache.get(meetingId);
  if (hit && Date.now() - hit.at < CONTEXT_TTL_MS) return hit.ctx;
  const ctx = await loadMeetingContext(getDb(), meetingId);
  contextCache.set(meetingId, { ctx, at: Date.now() });
  return ctx;
}

/** Reads the context, uncached; 404 when there is no such meeting. */
export async function loadMeetingContext(db: Db, meetingId: number) {
  const m = await db
    .selectFrom("meetings")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select([
      "meetings.id",
      "meetings.councilId",
      "meetings.topic",
      "councils.areaId",
      "meetings.status",
      "meetings.isPublic",
      "meetings.roomOpen",
      "meetings.slowModeSeconds",
      "meetings.currentAgendaItemId",
      "meetings.endsAt",
      "meetings.cancelledAt",
    ])
    .where("meetings.id", "=", meetingId)
    .executeTakeFirstOrThrow(notFound("meeting:errors.meetingNotFound"));
  const invites = await db
    .selectFrom("seatInvites")
    .select("userId")
    .where("meetingId", "=", meetingId)
    .execute();
  return {
    id: m.id,
    councilId: m.councilId,
    /** Shown where the meeting is named from elsewhere (a poll of the meeting). */
    topic: m.topic,
    communityId: m.areaId,
    status: m.status,
    isPublic: m.isPublic === 1,
    roomOpen: m.roomOpen === 1,
    slowModeSeconds: m.slowModeSeconds,
    currentAgendaItemId: m.currentAgendaItemId,
    endsAt: m.endsAt,
    /** Set when the committee cancelled it: no sign-ups, no room, no moving on. */
    cancelledAt: m.cancelledAt,
    seatHolders: invites.map((i) => i.userId),
  };
}

/** The input of a command about one meeting, and its `load`. */
export const meetingInput = z.object({ meetingId: id });

export const loadMeeting = ({ trx, input }: { trx: Trx; input: { meetingId: number } }) =>
  loadMeetingContext(trx, input.meetingId);

/** One of the meeting's agenda items; 404 (on the form's field) when it has none of that id. */
export function agendaItem(trx: Trx, meetingId: number, agendaItemId: number) {
  return trx
    .selectFrom("agendaItems")
    .select(["id", "title"])
    .where("id", "=", agendaItemId)
    .where("meetingId", "=", meetingId)
    .executeTakeFirstOrThrow(notFound("meeting:errors.agendaItemNotFound", "agendaItemId"));
}

/** The audit entry of a change to a meeting, in its community's log. */
export const meetingEntry = (
  m: { id: number; communityId: number },
  details: Record<string, unknown>,
): AuditEntry => ({ areaId: m.communityId, subjectType: "meeting", subjectId: m.id, details });

export function targetOf(ctx: MeetingContext): Target {
  return { communityId: ctx.communityId, seatHolders: ctx.seatHolders, isPublic: ctx.isPublic };
}
