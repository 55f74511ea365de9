/**
 * Commands of a meeting's live room, as the socket events and the room page's forms both send
 * them: the payload schemas and one dispatcher, so both paths reach the same service calls.
 */
import { z } from "zod";
import {
  MAX_MUTE_MINUTES,
  MAX_SLOW_MODE_SECONDS,
  MESSAGE_MAX,
  REASON_MAX,
} from "~/domain/meetings/rules";
import {
  endFloor,
  flagMessage,
  getMessage,
  giveFloor,
  hideMessage,
  history,
  lowerHand,
  muteUser,
  pinMessage,
  postMessage,
  raiseHand,
  roomState,
  setCurrentAgendaItem,
  setRoomOpen,
  setSlowMode,
  unhideMessage,
  unmuteUser,
} from "./room.server";
import type { Actor } from "~/domain/permissions/policy";
import type { ModerationCommand, RoomJoined } from "~/realtime/protocol";

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
// Generous bounds here; the services apply the exact limits with translated messages.
const text = (max: number) => z.string().max(max * 4);

export const schemas = {
  join: z.object({ meetingId: id, after: z.number().int().min(0).optional() }).strict(),
  meeting: z.object({ meetingId: id }).strict(),
  post: z.object({ meetingId: id, body: text(MESSAGE_MAX) }).strict(),
  history: z.object({ meetingId: id, before: id }).strict(),
  message: z.object({ messageId: id }).strict(),
  moderate: z.discriminatedUnion("action", [
    z
      .object({ meetingId: id, action: z.literal("hide"), messageId: id, reason: text(REASON_MAX) })
      .strict(),
    z.object({ meetingId: id, action: z.literal("unhide"), messageId: id }).strict(),
    z.object({ meetingId: id, action: z.literal("pin"), messageId: id }).strict(),
    z.object({ meetingId: id, action: z.literal("unpin"), messageId: id }).strict(),
    z
      .object({
        meetingId: id,
        action: z.literal("mute"),
        userId: id,
        minutes: z.number().int().min(1).max(MAX_MUTE_MINUTES),
        reason: text(REASON_MAX),
      })
      .strict(),
    z.object({ meetingId: id, action: z.literal("unmute"), userId: id }).strict(),
    z.object({ meetingId: id, action: z.literal("close") }).strict(),
    z.object({ meetingId: id, action: z.literal("reopen") }).strict(),
    z
      .object({
        meetingId: id,
        action: z.literal("slowMode"),
        seconds: z.number().int().min(0).max(MAX_SLOW_MODE_SECONDS),
      })
      .strict(),
    z.object({ meetingId: id, action: z.literal("agenda"), agendaItemId: id }).strict(),
    z
      .object({
        meetingId: id,
        action: z.literal("floor"),
        userId: id.optional(),
        seconds: z.number().int(),
      })
      .strict(),
    z.object({ meetingId: id, action: z.literal("endFloor") }).strict(),
    z.object({ meetingId: id, action: z.literal("lowerHand"), userId: id }).strict(),
  ]),
};

/** One moderation command, as the room page's forms and the socket both send it. */
export async function moderate(
  actor: Actor,
  meetingId: number,
  cmd: ModerationCommand,
): Promise<void> {
  switch (cmd.action) {
    case "hide":
      return hideMessage(actor, cmd.messageId, cmd.reason);
    case "unhide":
      return unhideMessage(actor, cmd.messageId);
    case "pin":
    case "unpin":
      return pinMessage(actor, cmd.messageId, cmd.action === "pin");
    case "mute":
      return muteUser(actor, meetingId, cmd.userId, cmd.minutes, cmd.reason);
    case "unmute":
      return unmuteUser(actor, meetingId, cmd.userId);
    case "close":
    case "reopen":
      return setRoomOpen(actor, meetingId, cmd.action === "reopen");
    case "slowMode":
      return setSlowMode(actor, meetingId, cmd.seconds);
    case "agenda":
      return setCurrentAgendaItem(actor, meetingId, cmd.agendaItemId);
    case "floor":
      await giveFloor(actor, meetingId, { userId: cmd.userId, seconds: cmd.seconds });
      return;
    case "endFloor":
      return endFloor(actor, meetingId);
    case "lowerHand":
      return lowerHand(actor, meetingId, cmd.userId);
  }
}

export async function joinRoom(
  actor: Actor,
  meetingId: number,
  after: number | undefined,
): Promise<Omit<RoomJoined, "presence">> {
  const state = await roomState(actor, meetingId);
  const page =
    after !== undefined
      ? await history(actor, meetingId, { after, limit: 200 })
      : await history(actor, meetingId);
  return { state, messages: page.messages, more: page.more };
}

export { flagMessage, getMessage, history, lowerHand, postMessage, raiseHand };
