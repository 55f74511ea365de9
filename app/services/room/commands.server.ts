/**
 * A meeting's live room, the participants' writes: posting, flagging, and raising or lowering a
 * hand in the speaker queue (发言排队). Each is a command (see `../runner/command.server.ts`); the
 * room page's forms and the socket events run the same ones. The moderators' commands are in
 * `./moderation.server.ts`; busy rooms write posts in batches through `./posts.server.ts`.
 */
import type { MeetingStatus } from "../../../db/schema";
import { DomainError } from "~/domain/errors";
import { can } from "~/domain/permissions/policy";
import { FLAGS_TO_HIDE, isOpenForPeople, waitBeforePosting } from "~/domain/meetings/rules";
import {
  checked,
  lowerInput,
  meetingInput,
  messageBody,
  messageInput,
  postInput,
} from "~/domain/meetings/room";
import { assistedBy } from "../assistance/actor";
import { loadMeetingContext } from "../meetings/context.server";
import { countOf } from "../rows.server";
import { command } from "../runner/command.server";
import { messageView } from "./queries.server";
import {
  aboutMessage,
  hiding,
  removeFrom,
  loadForPosting,
  loadMessage,
  messageChanged,
  roomTarget,
  runningMute,
  stateChanged,
  updateMessage,
} from "./load.server";

const inMeeting = (meetingId: number) => ({ type: "meeting", id: meetingId });

/** The room may have closed or the person been muted a moment ago. */
function refuseIfClosedOrMuted(
  room: { roomOpen: boolean; status: MeetingStatus },
  mutedUntil: string | null | undefined,
  now: Date,
) {
  if (!room.roomOpen || !isOpenForPeople(room.status)) {
    throw new DomainError(409, "meeting:errors.roomClosed");
  }
  if (mutedUntil) {
    const minutes = Math.ceil((new Date(mutedUntil).getTime() - now.getTime()) / 60_000);
    throw new DomainError(403, "meeting:errors.muted", { minutes });
  }
}

/**
 * Posts a message. Every refusal comes before the one write: the batch writer runs many posts in
 * one transaction and relies on a refused post having written nothing.
 */
export const postMessage = command({
  action: "room.post",
  input: postInput,
  load: ({ trx, actor, input, now }) => loadForPosting(trx, actor, input.meetingId, now),
  target: (room) => roomTarget(room),
  run: async ({ actor, input, loaded: room, now, at, emit }) => {
    // Server callers skip the form: the same limits hold for them.
    const body = checked(messageBody, input.body, "body");
    refuseIfClosedOrMuted(room, room.mutedUntil, now);
    const moderator = can(actor, "room.moderate", roomTarget(room));
    const wait = waitBeforePosting(room.recent, now, moderator ? 0 : room.slowModeSeconds);
    if (wait.reason === "rate")
      throw new DomainError(429, "meeting:errors.rateLimited", { seconds: wait.seconds });
    if (wait.reason === "slow")
      throw new DomainError(429, "meeting:errors.slowMode", { seconds: wait.seconds });
    const row = {
      meetingId: room.id,
      userId: actor.userId,
      body,
      agendaItemId: room.currentAgendaItemId,
      createdAt: at,
      hiddenAt: null,
      hiddenBy: null,
      hiddenReason: null,
      pinnedAt: null,
      assistedBy: assistedBy(actor),
    };
    // The room's row is locked (loadForPosting, loadPostingBatch): the last message now is the
    // one before this. A post on its own is inserted now; a batch's go in with the batch's others.
    const { id, prev } = await room.store(row);
    const message = messageView({ ...row, id, author: room.author }, actor, false);
    // Forwarded as it is: every reader sees a new message alike.
    emit({
      type: "room.message",
      communityId: room.communityId,
      meetingId: room.id,
      message: { ...message, prev },
    });
    return message;
  },
  subject: ({ loaded }) => inMeeting(loaded.id),
});

/**
 * Flags a message. Flags from FLAGS_TO_HIDE distinct residents hide it until a moderator looks;
 * that hiding is the platform's, not the flagger's, and goes to the audit log as moderation.
 */
export const flagMessage = command({
  action: "room.flag",
  input: messageInput,
  load: async ({ trx, input }) => {
    const found = await loadMessage(trx, input);
    const openFlags = await countOf(
      trx
        .selectFrom("messageFlags")
        .where("messageId", "=", found.message.id)
        .where("reviewedAt", "is", null),
    );
    return { ...found, openFlags };
  },
  target: ({ meeting }) => roomTarget(meeting),
  run: async ({ trx, actor, loaded: { message, meeting, openFlags }, at, emit }) => {
    if (message.userId === actor.userId) throw new DomainError(409, "meeting:errors.flagOwn");
    const existing = await trx
      .selectFrom("messageFlags")
      .select("userId")
      .where("messageId", "=", message.id)
      .where("userId", "=", actor.userId)
      .executeTakeFirst();
    if (existing) throw new DomainError(409, "meeting:errors.alreadyFlagged");
    await trx
      .insertInto("messageFlags")
      .values({ messageId: message.id, userId: actor.userId, createdAt: at, reviewedAt: null })
      .execute();
    const hidden = !message.hiddenAt && openFlags + 1 >= FLAGS_TO_HIDE;
    if (hidden) await updateMessage(trx, message.id, hiding(at, null, null));
    emit(messageChanged({ message, meeting }));
    return { hidden };
  },
  // Enough residents object: the message is hidden, and the log says so (by nobody in person).
  audit: ({ loaded }, r) =>
    r.hidden
      ? {
          action: "room.moderate",
          actorId: null,
          ...aboutMessage(loaded, { change: "hiddenByFlags", flags: loaded.openFlags + 1 }),
        }
      : [],
  subject: ({ loaded }) => inMeeting(loaded.message.meetingId),
});

// Speaker queue (发言排队): kept in the database, so it survives restarts and is shared by processes.

export const raiseHand = command({
  action: "queue.raise",
  input: meetingInput,
  load: async ({ trx, actor, input, now }) => ({
    meeting: await loadMeetingContext(trx, input.meetingId),
    muted: await runningMute(trx, input.meetingId, actor.userId ?? -1, now).executeTakeFirst(),
  }),
  target: ({ meeting }) => roomTarget(meeting),
  run: async ({ trx, actor, loaded: { meeting, muted }, now, at, emit }) => {
    refuseIfClosedOrMuted(meeting, muted?.until, now);
    const inserted = await trx
      .insertInto("speakerQueue")
      .values({ meetingId: meeting.id, userId: actor.userId, raisedAt: at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (inserted.numInsertedOrUpdatedRows === 0n)
      throw new DomainError(409, "meeting:errors.handAlreadyUp");
    emit(stateChanged(meeting));
  },
  subject: ({ loaded }) => inMeeting(loaded.meeting.id),
});

/** Lowers one's own hand, or (moderators) anyone's. */
export const lowerHand = command({
  action: ["queue.raise", "room.moderate"],
  input: lowerInput,
  load: async ({ trx, actor, input }) => ({
    meeting: await loadMeetingContext(trx, input.meetingId),
    own: input.userId === undefined || input.userId === actor.userId,
  }),
  actionFor: (_input, loaded) => (loaded.own ? "queue.raise" : "room.moderate"),
  target: ({ meeting }) => roomTarget(meeting),
  run: async ({ trx, actor, input, loaded: { meeting }, emit }) => {
    if (!(await removeFrom(trx, "speakerQueue", meeting.id, input.userId ?? actor.userId))) {
      throw new DomainError(404, "meeting:errors.notInQueue");
    }
    emit(stateChanged(meeting));
  },
  // A moderator lowering someone's hand has never been written to the audit log.
  audit: () => [],
  subject: ({ loaded }) => inMeeting(loaded.meeting.id),
});
