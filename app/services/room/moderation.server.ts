/**
 * A meeting's live room, the moderators' commands (room.moderate, audited): hiding and restoring
 * messages, pinning, muting, closing and reopening, slow mode, the current agenda item, and the
 * floor. `moderation` names them as the socket's `room:moderate` and the room page's forms do.
 */
import type { Updateable } from "kysely";
import type { z } from "zod";
import type { MeetingsTable } from "../../../db/schema";
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
import type { DomainEvent } from "../events.server";
import {
  agendaItem,
  loadMeetingContext,
  meetingEntry,
  type MeetingContext,
} from "../meetings/context.server";
import {
  command,
  type AuditEntry,
  type LoadCtx,
  type RunCtx,
  type Trx,
} from "../runner/command.server";
import { lowerHand } from "./commands.server";
import {
  about,
  aboutMessage,
  hiding,
  removeFrom,
  loadMessage,
  messageChanged,
  roomTarget,
  speakerQueue,
  stateChanged,
  updateMessage,
  type LoadedMessage,
} from "./load.server";

/** What a moderator's command acts on: what it loads, the room that is, and what the room hears. */
interface Scope<I, L> {
  load: (ctx: LoadCtx<I>) => Promise<L>;
  meeting: (loaded: L) => MeetingContext;
  changed: (loaded: L) => DomainEvent;
}

/** One message of the room (the meeting, when named, must be its own). */
const onMessage: Scope<{ messageId: number; meetingId?: number | undefined }, LoadedMessage> = {
  load: ({ trx, input }) => loadMessage(trx, input),
  meeting: ({ meeting }) => meeting,
  changed: messageChanged,
};

/** The room itself, or someone in it. */
const onRoom: Scope<{ meetingId: number }, MeetingContext> = {
  load: ({ trx, input }) => loadMeetingContext(trx, input.meetingId),
  meeting: (meeting) => meeting,
  changed: stateChanged,
};

type ModerationCtx<I, L> = RunCtx<I, L, "room.moderate">;

/**
 * Declares a moderator's command: `change` makes its checks, then its writes; the room hears of
 * it once it has committed, and the audit log says what `audit` says.
 */
function moderate<I, L, S extends z.ZodType<I, z.ZodTypeDef, unknown>, R>(
  scope: Scope<I, L>,
  spec: {
    input: S;
    change: (ctx: ModerationCtx<z.output<S>, L>) => Promise<R>;
    audit: (ctx: ModerationCtx<z.output<S>, L>, result: R) => AuditEntry | readonly AuditEntry[];
  },
) {
  return command({
    action: "room.moderate",
    input: spec.input,
    load: scope.load,
    target: (loaded) => roomTarget(scope.meeting(loaded)),
    run: async (ctx) => {
      const result = await spec.change(ctx);
      ctx.emit(scope.changed(ctx.loaded));
      return result;
    },
    audit: spec.audit,
  });
}

/** A moderator has looked at the message: its open flags no longer count towards hiding it. */
const reviewFlags = (trx: Trx, messageId: number, at: string) =>
  trx
    .updateTable("messageFlags")
    .set({ reviewedAt: at })
    .where("messageId", "=", messageId)
    .execute();

const updateMeeting = (trx: Trx, meeting: MeetingContext, set: Updateable<MeetingsTable>) =>
  trx.updateTable("meetings").set(set).where("id", "=", meeting.id).execute();

/** Server callers skip the form: the same bounds hold for them. */
function refuseOutside(n: number, min: number, max: number, key: string, field: string) {
  if (!Number.isInteger(n) || n < min || n > max) throw new DomainError(400, key, { max }, field);
}

/** Hides a message with a reason; its flags count as reviewed. */
export const hideMessage = moderate(onMessage, {
  input: hideInput,
  change: async ({ trx, actor, input, loaded: { message }, at }) => {
    const reason = checked(reasonText, input.reason, "reason");
    await updateMessage(trx, message.id, hiding(at, actor.userId, reason));
    await reviewFlags(trx, message.id, at);
    return reason;
  },
  audit: ({ loaded }, reason) => aboutMessage(loaded, { change: "hidden", reason }),
});

export const unhideMessage = moderate(onMessage, {
  input: messageInput,
  change: async ({ trx, loaded: { message }, at }) => {
    if (!message.hiddenAt) throw new DomainError(409, "meeting:errors.notHidden");
    await updateMessage(trx, message.id, { hiddenAt: null, hiddenBy: null, hiddenReason: null });
    // A restored message has been reviewed: its old flags no longer count towards hiding it.
    await reviewFlags(trx, message.id, at);
  },
  audit: ({ loaded }) => aboutMessage(loaded, { change: "restored" }),
});

const pinCommand = (pinned: boolean) =>
  moderate(onMessage, {
    input: messageInput,
    change: async ({ trx, loaded: { message }, at }) => {
      if (pinned && message.hiddenAt) throw new DomainError(409, "meeting:errors.pinHidden");
      await updateMessage(trx, message.id, { pinnedAt: pinned ? at : null });
    },
    audit: ({ loaded }) => aboutMessage(loaded, { change: pinned ? "pinned" : "unpinned" }),
  });
export const pinMessage = pinCommand(true);
export const unpinMessage = pinCommand(false);

/** Mutes someone in this room for a while; their raised hand goes down. */
export const muteUser = moderate(onRoom, {
  input: muteInput,
  change: async ({ trx, actor, input, loaded: meeting, now }) => {
    const reason = checked(reasonText, input.reason, "reason");
    const { minutes } = input;
    refuseOutside(minutes, 1, MAX_MUTE_MINUTES, "meeting:errors.badMute", "minutes");
    if (input.userId === actor.userId) throw new DomainError(409, "meeting:errors.muteSelf");
    const user = await trx
      .selectFrom("users")
      .select(["id", "displayName"])
      .where("id", "=", input.userId)
      .executeTakeFirst();
    if (!user) throw new DomainError(404, "community:errors.userNotFound");
    const until = new Date(now.getTime() + minutes * 60_000).toISOString();
    await trx
      .insertInto("roomMutes")
      .values({ meetingId: meeting.id, userId: user.id, until, reason, mutedBy: actor.userId })
      .onConflict((oc) =>
        oc.columns(["meetingId", "userId"]).doUpdateSet({ until, reason, mutedBy: actor.userId }),
      )
      .execute();
    await removeFrom(trx, "speakerQueue", meeting.id, user.id);
    return { reason, displayName: user.displayName };
  },
  audit: ({ input, loaded }, { reason, displayName }) =>
    about(loaded, "user", input.userId, {
      change: "muted",
      minutes: input.minutes,
      reason,
      displayName,
    }),
});

export const unmuteUser = moderate(onRoom, {
  input: unmuteInput,
  change: async ({ trx, input, loaded: meeting }) => {
    if (!(await removeFrom(trx, "roomMutes", meeting.id, input.userId))) {
      throw new DomainError(404, "meeting:errors.notMuted");
    }
  },
  audit: ({ input, loaded }) => about(loaded, "user", input.userId, { change: "unmuted" }),
});

const openCommand = (open: boolean) =>
  moderate(onRoom, {
    input: meetingInput,
    change: async ({ trx, loaded: meeting }) => {
      if (open && meeting.cancelledAt !== null)
        throw new DomainError(409, "meeting:errors.cancelled");
      if (open && !isOpenForPeople(meeting.status))
        throw new DomainError(409, "meeting:errors.meetingOver");
      await updateMeeting(trx, meeting, { roomOpen: open ? 1 : 0 });
    },
    audit: ({ loaded }) => meetingEntry(loaded, { change: open ? "reopened" : "closed" }),
  });
export const closeRoom = openCommand(false);
export const reopenRoom = openCommand(true);

export const setSlowMode = moderate(onRoom, {
  input: slowModeInput,
  change: async ({ trx, input: { seconds }, loaded: meeting }) => {
    refuseOutside(seconds, 0, MAX_SLOW_MODE_SECONDS, "meeting:errors.badSlowMode", "seconds");
    await updateMeeting(trx, meeting, { slowModeSeconds: seconds });
  },
  audit: ({ input, loaded }) =>
    meetingEntry(loaded, { change: "slowMode", seconds: input.seconds }),
});

/** Marks the agenda item under discussion; new messages are tagged with it. */
export const setAgendaItem = moderate(onRoom, {
  input: agendaInput,
  change: async ({ trx, input, loaded: meeting }) => {
    // Refused after the policy, as before: only moderators learn which items exist.
    const item = await agendaItem(trx, input.meetingId, input.agendaItemId);
    await updateMeeting(trx, meeting, { currentAgendaItemId: item.id });
    return item;
  },
  audit: ({ loaded }, item) => meetingEntry(loaded, { change: "agendaItem", title: item.title }),
});

/** Gives the floor to someone in the queue (or the first in line) for a timed turn. */
export const giveFloor = moderate(onRoom, {
  input: floorInput,
  change: async ({ trx, input, loaded: meeting, now }) => {
    if (!(TURN_SECONDS as readonly number[]).includes(input.seconds)) {
      throw new DomainError(400, "errors.invalidChoice", {}, "seconds");
    }
    let q = speakerQueue(trx, meeting.id);
    if (input.userId !== undefined) q = q.where("speakerQueue.userId", "=", input.userId);
    const next = await q.executeTakeFirst();
    if (!next) {
      throw new DomainError(
        409,
        input.userId !== undefined ? "meeting:errors.notInQueue" : "meeting:errors.queueEmpty",
      );
    }
    const until = new Date(now.getTime() + input.seconds * 1000).toISOString();
    await updateMeeting(trx, meeting, { floorUserId: next.userId, floorUntil: until });
    await removeFrom(trx, "speakerQueue", meeting.id, next.userId);
    return { userId: next.userId, until, displayName: next.displayName };
  },
  audit: ({ input, loaded }, { userId, displayName }) =>
    about(loaded, "user", userId, { change: "floor", seconds: input.seconds, displayName }),
});

export const endFloor = moderate(onRoom, {
  input: meetingInput,
  change: async ({ trx, loaded: meeting }) => {
    await updateMeeting(trx, meeting, { floorUserId: null, floorUntil: null });
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
