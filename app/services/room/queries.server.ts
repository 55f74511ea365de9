/**
 * A meeting's live room, the reads: pages of messages (and the catch-up after a reconnect), one
 * message as a reader may see it, the pinned ones, the room's state, the moderators' review queue,
 * and the room page's data. Writes are commands (`./commands.server.ts`, `./moderation.server.ts`).
 */
import type { ExpressionBuilder, Selectable } from "kysely";
import { getDb } from "../../../db/client.server";
import type { Database, RoomMessagesTable } from "../../../db/schema";
import { DomainError } from "~/domain/errors";
import { authorize, can, type Actor } from "~/domain/permissions/policy";
import { HISTORY_MAX, HISTORY_PAGE } from "~/domain/meetings/rules";
import type { MessageView, RoomJoined, RoomState } from "~/realtime/protocol";
import { meetingContext, targetOf, type MeetingContext } from "../meetings/context.server";
import { speakerQueue } from "./load.server";

/** Pinned messages shown above the room. */
const PINNED_SHOWN = 5;

type MessageRow = Selectable<RoomMessagesTable> & { author: string };

/** One message as this reader may see it (posting answers with it too). */
export function messageView(row: MessageRow, viewer: Actor, moderator: boolean): MessageView {
  const hidden = row.hiddenAt ? { reason: row.hiddenReason, byFlags: row.hiddenBy === null } : null;
  // Others see "hidden by a moderator: reason"; the author and moderators still see the text.
  const visible = !hidden || moderator || viewer.userId === row.userId;
  return {
    id: row.id,
    meetingId: row.meetingId,
    userId: row.userId,
    author: row.author,
    body: visible ? row.body : null,
    hidden,
    pinned: row.pinnedAt !== null,
    agendaItemId: row.agendaItemId,
    createdAt: row.createdAt,
    assisted: row.assistedBy !== null,
  };
}

function messages() {
  return getDb()
    .selectFrom("roomMessages")
    .innerJoin("users", "users.id", "roomMessages.userId")
    .selectAll("roomMessages")
    .select("users.displayName as author");
}

/** The room, if this reader may read it, and whether they moderate it. */
async function readableRoom(actor: Actor, meetingId: number) {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "room.read", targetOf(ctx));
  return { ctx, moderator: can(actor, "room.moderate", targetOf(ctx)) };
}

/**
 * A page of messages in id order: the latest (no cursor), older than `before`, or newer than
 * `after` (catch-up after a reconnect; `more` says whether to ask again).
 */
export async function history(
  actor: Actor,
  meetingId: number,
  opts: { before?: number; after?: number; limit?: number } = {},
): Promise<{ messages: MessageView[]; more: boolean }> {
  const { moderator } = await readableRoom(actor, meetingId);
  const limit = Math.min(Math.max(opts.limit ?? HISTORY_PAGE, 1), HISTORY_MAX);
  let q = messages()
    .where("roomMessages.meetingId", "=", meetingId)
    .limit(limit + 1);
  if (opts.after !== undefined) {
    q = q.where("roomMessages.id", ">", opts.after).orderBy("roomMessages.id", "asc");
  } else {
    if (opts.before !== undefined) q = q.where("roomMessages.id", "<", opts.before);
    q = q.orderBy("roomMessages.id", "desc");
  }
  const rows = await q.execute();
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (opts.after === undefined) page.reverse();
  return { messages: page.map((r) => messageView(r, actor, moderator)), more };
}

export async function getMessage(actor: Actor, messageId: number): Promise<MessageView> {
  const row = await messages().where("roomMessages.id", "=", messageId).executeTakeFirst();
  if (!row) throw new DomainError(404, "meeting:errors.messageNotFound");
  const { moderator } = await readableRoom(actor, row.meetingId);
  return messageView(row, actor, moderator);
}

function pinnedMessages(actor: Actor, meetingId: number, moderator: boolean) {
  return messages()
    .where("roomMessages.meetingId", "=", meetingId)
    .where("roomMessages.pinnedAt", "is not", null)
    .where("roomMessages.hiddenAt", "is", null)
    .orderBy("roomMessages.pinnedAt", "desc")
    .limit(PINNED_SHOWN)
    .execute()
    .then((rows) => rows.map((r) => messageView(r, actor, moderator)));
}

export async function roomState(actor: Actor, meetingId: number): Promise<RoomState> {
  const { ctx, moderator } = await readableRoom(actor, meetingId);
  return buildState(ctx, moderator);
}

/** The state everyone in the room may see (no mutes), for broadcasting to the room. */
export async function stateForBroadcast(meetingId: number): Promise<RoomState> {
  return buildState(await meetingContext(meetingId), false);
}

async function buildState(ctx: MeetingContext, withMutes: boolean): Promise<RoomState> {
  const meetingId = ctx.id;
  const db = getDb();
  const now = new Date().toISOString();
  const [m, queue, mutes] = await Promise.all([
    db
      .selectFrom("meetings")
      .leftJoin("users", "users.id", "meetings.floorUserId")
      .select(["meetings.floorUserId", "meetings.floorUntil", "users.displayName"])
      .where("meetings.id", "=", meetingId)
      .executeTakeFirstOrThrow(),
    speakerQueue(db, meetingId).execute(),
    withMutes
      ? db
          .selectFrom("roomMutes")
          .innerJoin("users", "users.id", "roomMutes.userId")
          .select(["roomMutes.userId", "users.displayName", "roomMutes.until", "roomMutes.reason"])
          .where("roomMutes.meetingId", "=", meetingId)
          .where("roomMutes.until", ">", now)
          .execute()
      : Promise.resolve([]),
  ]);
  const floorActive = m.floorUserId !== null && m.floorUntil !== null && m.floorUntil > now;
  return {
    meetingId,
    status: ctx.status,
    roomOpen: ctx.roomOpen && ctx.status !== "closed" && ctx.status !== "published",
    slowModeSeconds: ctx.slowModeSeconds,
    currentAgendaItemId: ctx.currentAgendaItemId,
    queue,
    floor: floorActive
      ? { userId: m.floorUserId!, displayName: m.displayName ?? "", until: m.floorUntil! }
      : null,
    mutes,
  };
}

/** The message's flags no moderator has reviewed yet. */
const openFlags = (
  eb: ExpressionBuilder<Database & { roomMessages: RoomMessagesTable }, "roomMessages">,
) =>
  eb
    .selectFrom("messageFlags")
    .whereRef("messageFlags.messageId", "=", "roomMessages.id")
    .where("messageFlags.reviewedAt", "is", null);

/** What moderators review: messages hidden by flags, and flagged ones still showing. */
export async function moderationQueue(actor: Actor, meetingId: number) {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "room.moderate", targetOf(ctx));
  const rows = await messages()
    .select((eb) => openFlags(eb).select(eb.fn.countAll<number>().as("n")).as("openFlags"))
    .where("roomMessages.meetingId", "=", meetingId)
    .where((eb) => eb.exists(openFlags(eb).select("messageFlags.userId")))
    .orderBy("roomMessages.id")
    .execute();
  return rows.map((r) => ({ ...messageView(r, actor, true), openFlags: Number(r.openFlags) }));
}

/** Joining over the socket: the state, and the latest page or exactly what came after `after`. */
export async function joinRoom(
  actor: Actor,
  meetingId: number,
  after: number | undefined,
  enter: () => void | Promise<void>,
): Promise<Omit<RoomJoined, "presence">> {
  const state = await roomState(actor, meetingId);
  // In the room before reading it, or a message posted between the read and the entry would be
  // missed; one posted meanwhile may come twice, and the client keeps one of each id.
  await enter();
  const page = await history(
    actor,
    meetingId,
    after !== undefined ? { after, limit: HISTORY_MAX } : {},
  );
  return { state, messages: page.messages, more: page.more };
}

/**
 * The room page: its state, a page of messages, the pinned ones, what the reader may do, and
 * for moderators the review queue. Refuses (401/403/404) a reader who may not see the room.
 */
export async function roomPage(actor: Actor, meetingId: number, before: number | undefined) {
  const { ctx, moderator } = await readableRoom(actor, meetingId);
  const target = targetOf(ctx);
  const [state, page, pinned, review] = await Promise.all([
    buildState(ctx, moderator),
    history(actor, meetingId, { before }),
    pinnedMessages(actor, meetingId, moderator),
    moderator ? moderationQueue(actor, meetingId) : Promise.resolve([]),
  ]);
  return {
    state,
    page,
    pinned,
    review,
    moderator,
    canPost: can(actor, "room.post", target),
    canFlag: can(actor, "room.flag", target),
    canQueue: can(actor, "queue.raise", target),
  };
}
