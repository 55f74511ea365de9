/**
 * What the room's commands load inside their transaction: the meeting (for the policy target and
 * the room's state), a message with its meeting, and, for posting, everything in one query. Also
 * what several of them write alike: a message's columns, the speaker queue, and their events.
 */
import { sql, type Updateable } from "kysely";
import { listAgg, lockingRowsOf } from "../../../db/portable";
import type { RoomMessagesTable } from "../../../db/schema";
import { DomainError } from "~/domain/errors";
import type { Actor, Target } from "~/domain/permissions/policy";
import { MAX_SLOW_MODE_SECONDS, RATE_MAX } from "~/domain/meetings/rules";
import { loadMeetingContext, targetOf, type MeetingContext } from "../meetings/context.server";
import type { Db, Trx } from "../runner/command.server";

/**
 * The policy target of a room: its community, its seat holders, whether it is public. `targetOf`
 * reads only these, which posting's one-query load has too (it has no council id).
 */
export const roomTarget = (
  ctx: Pick<MeetingContext, "communityId" | "seatHolders" | "isPublic">,
): Target => targetOf(ctx as MeetingContext);

/**
 * A message and its meeting. When the caller names the meeting (the page's address, the socket
 * payload), the message must be one of its own: an id from another room is not found here.
 */
export async function loadMessage(
  trx: Trx,
  input: { messageId: number; meetingId?: number | undefined },
) {
  const message = await trx
    .selectFrom("roomMessages")
    .select(["id", "meetingId", "userId", "hiddenAt", "pinnedAt"])
    .where("id", "=", input.messageId)
    .executeTakeFirst();
  if (!message || (input.meetingId !== undefined && message.meetingId !== input.meetingId)) {
    throw new DomainError(404, "meeting:errors.messageNotFound");
  }
  return { message, meeting: await loadMeetingContext(trx, message.meetingId) };
}

export type LoadedMessage = Awaited<ReturnType<typeof loadMessage>>;

/** An audit entry about something in the room (a message, someone), with its meeting. */
export const about = (
  meeting: MeetingContext,
  subjectType: "message" | "user",
  subjectId: number,
  details: Record<string, unknown>,
) => ({
  areaId: meeting.communityId,
  subjectType,
  subjectId,
  details: { ...details, meetingId: meeting.id },
});

export const aboutMessage = (
  { message, meeting }: LoadedMessage,
  details: Record<string, unknown>,
) => about(meeting, "message", message.id, details);

/** Until when someone is muted in the room, while a mute runs. */
export const runningMute = (db: Db, meetingId: number, userId: number, now: Date) =>
  db
    .selectFrom("roomMutes")
    .select("until")
    .where("roomMutes.meetingId", "=", meetingId)
    .where("roomMutes.userId", "=", userId)
    .where("roomMutes.until", ">", now.toISOString());

/**
 * What posting decides on, in one query (a busy room posts many times a second): the room's state,
 * whether the author holds a seat, their name, any running mute, and the times of their latest
 * messages within the longest slow mode (enough for both the rate window and slow mode).
 */
export async function loadForPosting(trx: Trx, actor: Actor, meetingId: number, now: Date) {
  // The meeting's row stays locked until the post commits, and the message's id is drawn after:
  // within a room, ids are then in commit order, so a reader catching up from the last id it saw
  // (room:join's `after`) can never miss a message that commits later with a smaller id.
  const userId = actor.userId ?? -1;
  const lookback = new Date(now.getTime() - MAX_SLOW_MODE_SECONDS * 1000).toISOString();
  const m = await trx
    .selectFrom("meetings")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select([
      "meetings.id",
      "councils.areaId as communityId",
      "meetings.status",
      "meetings.isPublic",
      "meetings.roomOpen",
      "meetings.slowModeSeconds",
      "meetings.currentAgendaItemId",
    ])
    .select((eb) => [
      eb
        .selectFrom("seatInvites")
        .select("seatInvites.userId")
        .where("seatInvites.meetingId", "=", meetingId)
        .where("seatInvites.userId", "=", userId)
        .as("seatHolder"),
      eb.selectFrom("users").select("displayName").where("users.id", "=", userId).as("author"),
      runningMute(trx, meetingId, userId, now).as("mutedUntil"),
      sql<string | null>`(select ${listAgg(trx, sql.ref("t.created_at"), "|")} from (
          select r.created_at from room_messages r
          where r.meeting_id = ${meetingId} and r.user_id = ${userId}
            and r.created_at > ${lookback}
          order by r.id desc limit ${RATE_MAX}) t)`.as("recent"),
    ])
    .where("meetings.id", "=", meetingId)
    .$call(lockingRowsOf(trx, "meetings"))
    .executeTakeFirst();
  if (!m) throw new DomainError(404, "meeting:errors.meetingNotFound");
  const { isPublic, roomOpen, seatHolder, author, recent, ...rest } = m;
  return {
    ...rest,
    isPublic: isPublic === 1,
    roomOpen: roomOpen === 1,
    // Only whether this author holds a seat matters to the policy here.
    seatHolders: seatHolder === null ? [] : [seatHolder],
    author: author ?? "",
    // Newest first, as the pacing rules read them.
    recent: (recent ?? "")
      .split("|")
      .filter(Boolean)
      .map((t) => new Date(t))
      .sort((a, b) => b.getTime() - a.getTime()),
  };
}

/** The speaker queue in its order: first raised, first in line. */
export const speakerQueue = (db: Db, meetingId: number) =>
  db
    .selectFrom("speakerQueue")
    .innerJoin("users", "users.id", "speakerQueue.userId")
    .select(["speakerQueue.userId", "users.displayName", "speakerQueue.raisedAt"])
    .where("speakerQueue.meetingId", "=", meetingId)
    .orderBy("speakerQueue.raisedAt")
    .orderBy("speakerQueue.userId");

/** Someone leaves the speaker queue, or their mute is lifted; false if there was none. */
export async function removeFrom(
  trx: Trx,
  table: "speakerQueue" | "roomMutes",
  meetingId: number,
  userId: number,
): Promise<boolean> {
  const result = await trx
    .deleteFrom(table)
    .where("meetingId", "=", meetingId)
    .where("userId", "=", userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export const updateMessage = (trx: Trx, id: number, set: Updateable<RoomMessagesTable>) =>
  trx.updateTable("roomMessages").set(set).where("id", "=", id).execute();

/** A hidden message is no longer pinned; `by` and `reason` are null when flags hid it. */
export const hiding = (at: string, by: number | null, reason: string | null) => ({
  hiddenAt: at,
  hiddenBy: by,
  hiddenReason: reason,
  pinnedAt: null,
});

/** The room's open, pace, agenda item, queue or floor changed: readers ask for its state again. */
export const stateChanged = (meeting: { id: number; communityId: number }) =>
  ({ type: "room.state", communityId: meeting.communityId, meetingId: meeting.id }) as const;

/** A message changed (hidden, restored, pinned): readers ask for it again. */
export const messageChanged = ({ message, meeting }: LoadedMessage) =>
  ({
    type: "room.messageChanged",
    communityId: meeting.communityId,
    meetingId: message.meetingId,
    messageId: message.id,
  }) as const;
