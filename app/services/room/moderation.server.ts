/**
 * A meeting's live room, the moderators' commands (room.moderate, audited): hiding and restoring
 * messages, pinning, muting, closing and reopening, slow mode, the current agenda item, and the
 * floor. `moderation` names them as the socket's `room:moderate` and the room page's forms do.
 */
import { DomainError } from "~/domain/errors";
import {
  isOpenForPeople,
  MAX_MUTE_MINUTES,
  MAX_SLOW_MODE_SECONDS,
  TURN_SECONDS,
} from "~/domain/meetings/rules";
import {
  agendaInput,
  checked,
  floorInput,
  hideInput,
  meetingInput,
  messageInput,
  muteInput,
  reasonText,
  slowModeInput,
  unmuteInput,
} from "~/domain/meetings/room";
import type { ModerationCommand } from "~/realtime/protocol";
import { command, type LoadCtx } from "../runner/command.server";
import { lowerHand } from "./commands.server";
import { loadMeeting, loadMessage, roomTarget, type LoadedMessage } from "./load.server";

/** An audit entry about a message, with its meeting. */
const aboutMessage = (
  { loaded: { message, meeting } }: { loaded: LoadedMessage },
  details: Record<string, unknown>,
) => ({
  areaId: meeting.communityId,
  subjectType: "message",
  subjectId: message.id,
  details: { ...details, meetingId: message.meetingId },
});

const messageChanged = ({ message, meeting }: LoadedMessage) =>
  ({
    type: "room.messageChanged",
    communityId: meeting.communityId,
    meetingId: message.meetingId,
    messageId: message.id,
  }) as const;

const loadFor = {
  message: ({ trx, input }: LoadCtx<{ messageId: number; meetingId?: number }>) =>
    loadMessage(trx, input),
  meeting: ({ trx, input }: LoadCtx<{ meetingId: number }>) => loadMeeting(trx, input.meetingId),
};

/** Hides a message with a reason; its flags count as reviewed. */
export const hideMessage = command({
  action: "room.moderate",
  input: hideInput,
  load: loadFor.message,
  target: ({ meeting }) => roomTarget(meeting),
  run: async ({ trx, actor, input, loaded, at, emit }) => {
    const reason = checked(reasonText, input.reason, "reason");
    await trx
      .updateTable("roomMessages")
      .set({ hiddenAt: at, hiddenBy: actor.userId, hiddenReason: reason, pinnedAt: null })
      .where("id", "=", loaded.message.id)
      .execute();
    await trx
      .updateTable("messageFlags")
      .set({ reviewedAt: at })
      .where("messageId", "=", loaded.message.id)
      .execute();
    emit(messageChanged(loaded));
    return reason;
  },
  audit: (ctx, reason) => aboutMessage(ctx, { change: "hidden", reason }),
});

export const unhideMessage = command({
  action: "room.moderate",
  input: messageInput,
  load: loadFor.message,
  target: ({ meeting }) => roomTarget(meeting),
  run: async ({ trx, loaded, at, emit }) => {
    if (!loaded.message.hiddenAt) throw new DomainError(409, "meeting:errors.notHidden");
    await trx
      .updateTable("roomMessages")
      .set({ hiddenAt: null, hiddenBy: null, hiddenReason: null })
      .where("id", "=", loaded.message.id)
      .execute();
    // A restored message has been reviewed: its old flags no longer count towards hiding it.
    await trx
      .updateTable("messageFlags")
      .set({ reviewedAt: at })
      .where("messageId", "=", loaded.message.id)
      .execute();
    emit(messageChanged(loaded));
  },
  audit: (ctx) => aboutMessage(ctx, { change: "restored" }),
});

const pinCommand = (pinned: boolean) =>
  command({
    action: "room.moderate",
    input: messageInput,
    load: loadFor.message,
    target: ({ meeting }) => roomTarget(meeting),
    run: async ({ trx, loaded, at, emit }) => {
      if (pinned && loaded.message.hiddenAt) throw new DomainError(409, "meeting:errors.pinHidden");
      await trx
        .updateTable("roomMessages")
        .set({ pinnedAt: pinned ? at : null })
        .where("id", "=", loaded.message.id)
        .execute();
      emit(messageChanged(loaded));
    },
    audit: (ctx) => aboutMessage(ctx, { change: pinned ? "pinned" : "unpinned" }),
  });
export const pinMessage = pinCommand(true);
export const unpinMessage = pinCommand(false);

/** Mutes someone in this room for a while; their raised hand goes down. */
export const muteUser = command({
  action: "room.moderate",
  input: muteInput,
  load: async ({ trx, input }) => ({
    meeting: await loadMeeting(trx, input.meetingId),
    user: await trx
      .selectFrom("users")
      .select(["id", "displayName"])
      .where("id", "=", input.userId)
      .executeTakeFirst(),
  }),
  target: ({ meeting }) => roomTarget(meeting),
  run: async ({ trx, actor, input, loaded: { meeting, user }, now, emit }) => {
    const reason = checked(reasonText, input.reason, "reason");
    const { minutes } = input;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MUTE_MINUTES) {
      throw new DomainError(400, "meeting:errors.badMute", { max: MAX_MUTE_MINUTES }, "minutes");
    }
    if (input.userId === actor.userId) throw new DomainError(409, "meeting:errors.muteSelf");
    if (!user) throw new DomainError(404, "community:errors.userNotFound");
    const until = new Date(now.getTime() + minutes * 60_000).toISOString();
    await trx
      .insertInto("roomMutes")
      .values({ meetingId: meeting.id, userId: user.id, until, reason, mutedBy: actor.userId })
      .onConflict((oc) =>
        oc.columns(["meetingId", "userId"]).doUpdateSet({ until, reason, mutedBy: actor.userId }),
      )
      .execute();
    await trx
      .deleteFrom("speakerQueue")
      .where("meetingId", "=", meeting.id)
      .where("userId", "=", user.id)
      .execute();
    emit({ type: "room.state", communityId: meeting.communityId, meetingId: meeting.id });
    return { reason, displayName: user.displayName };
  },
  audit: ({ input, loaded: { meeting } }, r) => ({
    areaId: meeting.communityId,
    subjectType: "user",
    subjectId: input.userId,
    details: {
      change: "muted",
      minutes: input.minutes,
      reason: r.reason,
      displayName: r.displayName,
      meetingId: meeting.id,
    },
  }),
});

export const unmuteUser = command({
  action: "room.moderate",
  input: unmuteInput,
  load: loadFor.meeting,
  target: (meeting) => roomTarget(meeting),
  run: async ({ trx, input, loaded: meeting, emit }) => {
    const result = await trx
      .deleteFrom("roomMutes")
      .where("meetingId", "=", meeting.id)
      .where("userId", "=", input.userId)
      .executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new DomainError(404, "meeting:errors.notMuted");
    emit({ type: "room.state", communityId: meeting.communityId, meetingId: meeting.id });
  },
  audit: ({ input, loaded: meeting }) => ({
    areaId: meeting.communityId,
    subjectType: "user",
    subjectId: input.userId,
    details: { change: "unmuted", meetingId: meeting.id },
  }),
});

/** An audit entry about the room itself. */
const aboutRoom = (
  meeting: { id: number; communityId: number },
  details: Record<string, unknown>,
) => ({
  areaId: meeting.communityId,
  subjectType: "meeting",
  subjectId: meeting.id,
  details,
});

const openCommand = (open: boolean) =>
  command({
    action: "room.moderate",
    input: meetingInput,
    load: loadFor.meeting,
    target: (meeting) => roomTarget(meeting),
    run: async ({ trx, loaded: meeting, emit }) => {
      if (open && !isOpenForPeople(meeting.status))
        throw new DomainError(409, "meeting:errors.meetingOver");
      await trx
        .updateTable("meetings")
        .set({ roomOpen: open ? 1 : 0 })
        .where("id", "=", meeting.id)
        .execute();
      emit({ type: "room.state", communityId: meeting.communityId, meetingId: meeting.id });
    },
    audit: ({ loaded }) => aboutRoom(loaded, { change: open ? "reopened" : "closed" }),
  });
export const closeRoom = openCommand(false);
export const reopenRoom = openCommand(true);

export const setSlowMode = command({
  action: "room.moderate",
  input: slowModeInput,
  load: loadFor.meeting,
  target: (meeting) => roomTarget(meeting),
  run: async ({ trx, input: { seconds }, loaded: meeting, emit }) => {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_SLOW_MODE_SECONDS) {
      throw new DomainError(
        400,
        "meeting:errors.badSlowMode",
        { max: MAX_SLOW_MODE_SECONDS },
        "seconds",
      );
    }
    await trx
      .updateTable("meetings")
      .set({ slowModeSeconds: seconds })
      .where("id", "=", meeting.id)
      .execute();
    emit({ type: "room.state", communityId: meeting.communityId, meetingId: meeting.id });
  },
  audit: ({ input, loaded }) => aboutRoom(loaded, { change: "slowMode", seconds: input.seconds }),
});

/** Marks the agenda item under discussion; new messages are tagged with it. */
export const setAgendaItem = command({
  action: "room.moderate",
  input: agendaInput,
  load: async ({ trx, input }) => ({
    meeting: await loadMeeting(trx, input.meetingId),
    item: await trx
      .selectFrom("agendaItems")
      .select(["id", "title"])
      .where("id", "=", input.agendaItemId)
      .where("meetingId", "=", input.meetingId)
      .executeTakeFirst(),
  }),
  target: ({ meeting }) => roomTarget(meeting),
  run: async ({ trx, loaded: { meeting, item }, emit }) => {
    // Refused after the policy, as before: only moderators learn which items exist.
    if (!item) throw new DomainError(404, "meeting:errors.agendaItemNotFound", {}, "agendaItemId");
    await trx
      .updateTable("meetings")
      .set({ currentAgendaItemId: item.id })
      .where("id", "=", meeting.id)
      .execute();
    emit({ type: "room.state", communityId: meeting.communityId, meetingId: meeting.id });
    return item;
  },
  audit: ({ loaded }, item) =>
    aboutRoom(loaded.meeting, { change: "agendaItem", title: item.title }),
});

/** Gives the floor to someone in the queue (or the first in line) for a timed turn. */
export const giveFloor = command({
  action: "room.moderate",
  input: floorInput,
  load: loadFor.meeting,
  target: (meeting) => roomTarget(meeting),
  run: async ({ trx, input, loaded: meeting, now, emit }) => {
    if (!(TURN_SECONDS as readonly number[]).includes(input.seconds)) {
      throw new DomainError(400, "errors.invalidChoice", {}, "seconds");
    }
    let q = trx
      .selectFrom("speakerQueue")
      .innerJoin("users", "users.id", "speakerQueue.userId")
      .select(["speakerQueue.userId", "users.displayName"])
      .where("speakerQueue.meetingId", "=", meeting.id)
      .orderBy("speakerQueue.raisedAt")
      .orderBy("speakerQueue.userId");
    if (input.userId !== undefined) q = q.where("speakerQueue.userId", "=", input.userId);
    const next = await q.executeTakeFirst();
    if (!next) {
      throw new DomainError(
        409,
        input.userId !== undefined ? "meeting:errors.notInQueue" : "meeting:errors.queueEmpty",
      );
    }
    const until = new Date(now.getTime() + input.seconds * 1000).toISOString();
    await trx
      .updateTable("meetings")
      .set({ floorUserId: next.userId, floorUntil: until })
      .where("id", "=", meeting.id)
      .execute();
    await trx
      .deleteFrom("speakerQueue")
      .where("meetingId", "=", meeting.id)
      .where("userId", "=", next.userId)
      .execute();
    emit({ type: "room.state", communityId: meeting.communityId, meetingId: meeting.id });
    return { userId: next.userId, until, displayName: next.displayName };
  },
  audit: ({ input, loaded: meeting }, r) => ({
    areaId: meeting.communityId,
    subjectType: "user",
    subjectId: r.userId,
    details: {
      change: "floor",
      seconds: input.seconds,
      displayName: r.displayName,
      meetingId: meeting.id,
    },
  }),
});

export const endFloor = command({
  action: "room.moderate",
  input: meetingInput,
  load: loadFor.meeting,
  target: (meeting) => roomTarget(meeting),
  run: async ({ trx, loaded: meeting, emit }) => {
    await trx
      .updateTable("meetings")
      .set({ floorUserId: null, floorUntil: null })
      .where("id", "=", meeting.id)
      .execute();
    emit({ type: "room.state", communityId: meeting.communityId, meetingId: meeting.id });
  },
  // Ending a turn has never been written to the audit log.
  audit: () => [],
});

/** The moderators' commands by the name the socket (`action`) and the page's forms (`intent`) use. */
export const moderation = {
  hide: hideMessage,
  unhide: unhideMessage,
  pin: pinMessage,
  unpin: unpinMessage,
  mute: muteUser,
  unmute: unmuteUser,
  close: closeRoom,
  reopen: reopenRoom,
  slowMode: setSlowMode,
  agenda: setAgendaItem,
  floor: giveFloor,
  endFloor,
  lowerHand,
} as const satisfies Record<ModerationCommand["action"], object>;
