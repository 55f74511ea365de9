/**
 * A meeting's live discussion room: messages, pacing, moderation, flags, and the speaker queue.
 * One write path: the room page's forms (no JavaScript) and the socket events call these.
 * Every write commits before its event is emitted, so a broadcast never shows an unsaved message.
 */
import { sql } from "kysely";
import { getDb } from "../../db/client.server";
import type { RoomMessagesTable } from "../../db/schema";
import type { Selectable } from "kysely";
import { DomainError } from "~/domain/errors";
import { authorize, can, type Actor } from "~/domain/permissions/policy";
import { charCount } from "~/domain/validation";
import {
  FLAGS_TO_HIDE,
  HISTORY_PAGE,
  isOpenForPeople,
  MAX_MUTE_MINUTES,
  MAX_SLOW_MODE_SECONDS,
  MESSAGE_MAX,
  RATE_MAX,
  REASON_MAX,
  TURN_SECONDS,
  waitBeforePosting,
} from "~/domain/meetings/rules";
import { writeAudit } from "./audit.server";
import { noteAssisted } from "./assistance/commands.server";
import { emitEvent } from "./events.server";
import { meetingContext, targetOf, type MeetingContext } from "./meetings/context.server";

export interface MessageView {
  id: number;
  meetingId: number;
  userId: number;
  author: string;
  /** Null when hidden from this reader. */
  body: string | null;
  hidden: null | { reason: string | null; byFlags: boolean };
  pinned: boolean;
  agendaItemId: number | null;
  createdAt: string;
  /** Entered by a committee member for the author at the service window. */
  assisted: boolean;
}

type MessageRow = Selectable<RoomMessagesTable> & { author: string };

function view(row: MessageRow, viewer: Actor, moderator: boolean): MessageView {
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

async function readableRoom(actor: Actor, meetingId: number): Promise<MeetingContext> {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "room.read", targetOf(ctx));
  return ctx;
}

const isModerator = (actor: Actor, ctx: MeetingContext) =>
  can(actor, "room.moderate", targetOf(ctx));

interface PendingPost {
  meetingId: number;
  userId: number;
  body: string;
  moderator: boolean;
  assistedBy: Actor["assistedBy"];
  resolve: (m: MessageView) => void;
  reject: (e: unknown) => void;
}

// Posts waiting for the next write; on globalThis so the dev server's reloads share one queue.
const postQueue = ((
  globalThis as unknown as { __liuhePosts?: { queue: PendingPost[]; busy: boolean } }
).__liuhePosts ??= { queue: [], busy: false });
const BATCH_MAX = 100;

export async function postMessage(
  actor: Actor,
  meetingId: number,
  rawBody: string,
): Promise<MessageView> {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "room.post", targetOf(ctx));
  const body = rawBody.normalize("NFC").trim();
  if (body === "") throw new DomainError(400, "meeting:errors.messageEmpty", {}, "body");
  if (charCount(body) > MESSAGE_MAX)
    throw new DomainError(400, "errors.tooLong", { max: MESSAGE_MAX }, "body");
  const message = await new Promise<MessageView>((resolve, reject) => {
    postQueue.queue.push({
      meetingId,
      userId: actor.userId!,
      body,
      moderator: isModerator(actor, ctx),
      assistedBy: actor.assistedBy,
      resolve,
      reject,
    });
    if (!postQueue.busy) setImmediate(() => void flushPosts());
  });
  emitEvent({ type: "room.message", communityId: ctx.communityId, meetingId, message });
  return message;
}

/**
 * Writes queued posts, many per transaction: posts that arrive while a write is in progress go
 * together into the next one. A busy room then pays one BEGIN/COMMIT and one INSERT per batch
 * rather than per message (see the benchmark), and each sender is still answered only after the
 * commit that stored their message. A refused post in a batch writes nothing and does not hold
 * up the others.
 */
async function flushPosts(): Promise<void> {
  if (postQueue.busy) return;
  postQueue.busy = true;
  try {
    while (postQueue.queue.length > 0) await writeBatch(postQueue.queue.splice(0, BATCH_MAX));
  } finally {
    postQueue.busy = false;
  }
}

async function writeBatch(batch: PendingPost[]): Promise<void> {
  const outcomes: Array<{ ok: true; message: MessageView } | { ok: false; error: unknown }> = [];
  try {
    await getDb()
      .transaction()
      .execute(async (trx) => {
        const now = new Date();
        // The latest few within the longest slow mode cover both the rate window and slow mode.
        const lookback = new Date(now.getTime() - MAX_SLOW_MODE_SECONDS * 1000).toISOString();
        const earlier = new Map<string, Date[]>(); // accepted in this batch, per meeting and person
        const accepted: Array<{ index: number; author: string; agendaItemId: number | null }> = [];
        for (const [index, post] of batch.entries()) {
          const { meetingId, userId } = post;
          // Read inside the transaction: the room may have closed or the person been muted a
          // moment ago. One query: the room's state, the author's name, any running mute, and
          // the times of their latest messages.
          const m = await trx
            .selectFrom("meetings")
            .select(["status", "roomOpen", "slowModeSeconds", "currentAgendaItemId"])
            .select((eb) => [
              eb
                .selectFrom("users")
                .select("displayName")
                .where("users.id", "=", userId)
                .as("author"),
              eb
                .selectFrom("roomMutes")
                .select("until")
                .where("roomMutes.meetingId", "=", meetingId)
                .where("roomMutes.userId", "=", userId)
                .where("roomMutes.until", ">", now.toISOString())
                .as("mutedUntil"),
              sql<string | null>`(select group_concat(created_at, '|') from (
                  select r.created_at from room_messages r
                  where r.meeting_id = ${meetingId} and r.user_id = ${userId}
                    and r.created_at > ${lookback}
                  order by r.id desc limit ${RATE_MAX}))`.as("recent"),
            ])
            .where("id", "=", meetingId)
            .executeTakeFirstOrThrow();
          const key = `${meetingId}:${userId}`;
          try {
            if (m.roomOpen !== 1 || !isOpenForPeople(m.status)) {
              throw new DomainError(409, "meeting:errors.roomClosed");
            }
            if (m.mutedUntil) {
              const minutes = Math.ceil(
                (new Date(m.mutedUntil).getTime() - now.getTime()) / 60_000,
              );
              throw new DomainError(403, "meeting:errors.muted", { minutes });
            }
            const recent = [
              ...(earlier.get(key) ?? []),
              ...(m.recent ?? "")
                .split("|")
                .filter(Boolean)
                .map((t) => new Date(t)),
            ];
            const wait = waitBeforePosting(recent, now, post.moderator ? 0 : m.slowModeSeconds);
            if (wait.reason === "rate")
              throw new DomainError(429, "meeting:errors.rateLimited", { seconds: wait.seconds });
            if (wait.reason === "slow")
              throw new DomainError(429, "meeting:errors.slowMode", { seconds: wait.seconds });
          } catch (error) {
            outcomes[index] = { ok: false, error };
            continue;
          }
          earlier.set(key, [now, ...(earlier.get(key) ?? [])]);
          accepted.push({ index, author: m.author ?? "", agendaItemId: m.currentAgendaItemId });
        }
        if (accepted.length === 0) return;
        const createdAt = now.toISOString();
        const rows = await trx
          .insertInto("roomMessages")
          .values(
            accepted.map((a) => ({
              meetingId: batch[a.index]!.meetingId,
              userId: batch[a.index]!.userId,
              body: batch[a.index]!.body,
              agendaItemId: a.agendaItemId,
              createdAt,
              hiddenAt: null,
              hiddenBy: null,
              hiddenReason: null,
              pinnedAt: null,
              assistedBy: batch[a.index]!.assistedBy?.helperId ?? null,
            })),
          )
          .returning("id")
          .execute();
        for (const a of accepted) {
          const post = batch[a.index]!;
          await noteAssisted(trx, post, "room.post", { type: "meeting", id: post.meetingId });
        }
        // One statement inserts its rows in order, so ascending ids follow the values' order.
        const ids = rows.map((r) => r.id).sort((x, y) => x - y);
        for (const [k, a] of accepted.entries()) {
          const post = batch[a.index]!;
          outcomes[a.index] = {
            ok: true,
            message: {
              id: ids[k]!,
              meetingId: post.meetingId,
              userId: post.userId,
              author: a.author,
              body: post.body,
              hidden: null,
              pinned: false,
              agendaItemId: a.agendaItemId,
              createdAt,
              assisted: post.assistedBy !== undefined,
            },
          };
        }
      });
  } catch (error) {
    for (const post of batch) post.reject(error);
    return;
  }
  for (const [index, post] of batch.entries()) {
    const outcome = outcomes[index]!;
    if (outcome.ok) post.resolve(outcome.message);
    else post.reject(outcome.error);
  }
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
  const ctx = await readableRoom(actor, meetingId);
  const limit = Math.min(Math.max(opts.limit ?? HISTORY_PAGE, 1), 200);
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
  const moderator = isModerator(actor, ctx);
  return { messages: page.map((r) => view(r, actor, moderator)), more };
}

export async function getMessage(actor: Actor, messageId: number): Promise<MessageView> {
  const row = await messages().where("roomMessages.id", "=", messageId).executeTakeFirst();
  if (!row) throw new DomainError(404, "meeting:errors.messageNotFound");
  const ctx = await readableRoom(actor, row.meetingId);
  return view(row, actor, isModerator(actor, ctx));
}

export async function pinnedMessages(actor: Actor, meetingId: number): Promise<MessageView[]> {
  const ctx = await readableRoom(actor, meetingId);
  const rows = await messages()
    .where("roomMessages.meetingId", "=", meetingId)
    .where("roomMessages.pinnedAt", "is not", null)
    .where("roomMessages.hiddenAt", "is", null)
    .orderBy("roomMessages.pinnedAt", "desc")
    .limit(5)
    .execute();
  return rows.map((r) => view(r, actor, isModerator(actor, ctx)));
}

async function moderated(actor: Actor, messageId: number) {
  const row = await getDb()
    .selectFrom("roomMessages")
    .select(["id", "meetingId", "userId", "hiddenAt", "pinnedAt"])
    .where("id", "=", messageId)
    .executeTakeFirst();
  if (!row) throw new DomainError(404, "meeting:errors.messageNotFound");
  const ctx = await meetingContext(row.meetingId);
  authorize(actor, "room.moderate", targetOf(ctx));
  return { row, ctx };
}

function checkReason(reason: string, required: boolean): string {
  const r = reason.normalize("NFC").trim();
  if (required && r === "")
    throw new DomainError(400, "meeting:errors.reasonRequired", {}, "reason");
  if (charCount(r) > REASON_MAX)
    throw new DomainError(400, "errors.tooLong", { max: REASON_MAX }, "reason");
  return r;
}

export async function hideMessage(
  actor: Actor,
  messageId: number,
  rawReason: string,
): Promise<void> {
  const { row, ctx } = await moderated(actor, messageId);
  const reason = checkReason(rawReason, true);
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const now = new Date().toISOString();
      await trx
        .updateTable("roomMessages")
        .set({ hiddenAt: now, hiddenBy: actor.userId, hiddenReason: reason, pinnedAt: null })
        .where("id", "=", messageId)
        .execute();
      await trx
        .updateTable("messageFlags")
        .set({ reviewedAt: now })
        .where("messageId", "=", messageId)
        .execute();
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "room.moderate",
        areaId: ctx.communityId,
        subjectType: "message",
        subjectId: messageId,
        details: { change: "hidden", reason, meetingId: row.meetingId },
      });
    });
  emitEvent({
    type: "room.messageChanged",
    communityId: ctx.communityId,
    meetingId: row.meetingId,
    messageId,
  });
}

export async function unhideMessage(actor: Actor, messageId: number): Promise<void> {
  const { row, ctx } = await moderated(actor, messageId);
  if (!row.hiddenAt) throw new DomainError(409, "meeting:errors.notHidden");
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const now = new Date().toISOString();
      await trx
        .updateTable("roomMessages")
        .set({ hiddenAt: null, hiddenBy: null, hiddenReason: null })
        .where("id", "=", messageId)
        .execute();
      // A restored message has been reviewed: its old flags no longer count towards hiding it.
      await trx
        .updateTable("messageFlags")
        .set({ reviewedAt: now })
        .where("messageId", "=", messageId)
        .execute();
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "room.moderate",
        areaId: ctx.communityId,
        subjectType: "message",
        subjectId: messageId,
        details: { change: "restored", meetingId: row.meetingId },
      });
    });
  emitEvent({
    type: "room.messageChanged",
    communityId: ctx.communityId,
    meetingId: row.meetingId,
    messageId,
  });
}

export async function pinMessage(actor: Actor, messageId: number, pinned: boolean): Promise<void> {
  const { row, ctx } = await moderated(actor, messageId);
  if (pinned && row.hiddenAt) throw new DomainError(409, "meeting:errors.pinHidden");
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx
        .updateTable("roomMessages")
        .set({ pinnedAt: pinned ? new Date().toISOString() : null })
        .where("id", "=", messageId)
        .execute();
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "room.moderate",
        areaId: ctx.communityId,
        subjectType: "message",
        subjectId: messageId,
        details: { change: pinned ? "pinned" : "unpinned", meetingId: row.meetingId },
      });
    });
  emitEvent({
    type: "room.messageChanged",
    communityId: ctx.communityId,
    meetingId: row.meetingId,
    messageId,
  });
}

export async function flagMessage(actor: Actor, messageId: number): Promise<{ hidden: boolean }> {
  const row = await getDb()
    .selectFrom("roomMessages")
    .select(["id", "meetingId", "userId", "hiddenAt"])
    .where("id", "=", messageId)
    .executeTakeFirst();
  if (!row) throw new DomainError(404, "meeting:errors.messageNotFound");
  const ctx = await meetingContext(row.meetingId);
  authorize(actor, "room.flag", targetOf(ctx));
  if (row.userId === actor.userId) throw new DomainError(409, "meeting:errors.flagOwn");
  const hidden = await getDb()
    .transaction()
    .execute(async (trx) => {
      const now = new Date().toISOString();
      const existing = await trx
        .selectFrom("messageFlags")
        .select("userId")
        .where("messageId", "=", messageId)
        .where("userId", "=", actor.userId!)
        .executeTakeFirst();
      if (existing) throw new DomainError(409, "meeting:errors.alreadyFlagged");
      await trx
        .insertInto("messageFlags")
        .values({ messageId, userId: actor.userId!, createdAt: now, reviewedAt: null })
        .execute();
      await noteAssisted(trx, actor, "room.flag", { type: "meeting", id: row.meetingId });
      const open = await trx
        .selectFrom("messageFlags")
        .select(trx.fn.countAll<number>().as("n"))
        .where("messageId", "=", messageId)
        .where("reviewedAt", "is", null)
        .executeTakeFirstOrThrow();
      if (row.hiddenAt || Number(open.n) < FLAGS_TO_HIDE) return false;
      await trx
        .updateTable("roomMessages")
        .set({ hiddenAt: now, hiddenBy: null, hiddenReason: null, pinnedAt: null })
        .where("id", "=", messageId)
        .execute();
      await writeAudit(trx, {
        actorId: null,
        action: "room.moderate",
        areaId: ctx.communityId,
        subjectType: "message",
        subjectId: messageId,
        details: { change: "hiddenByFlags", flags: Number(open.n), meetingId: row.meetingId },
      });
      return true;
    });
  emitEvent({
    type: "room.messageChanged",
    communityId: ctx.communityId,
    meetingId: row.meetingId,
    messageId,
  });
  return { hidden };
}

async function moderatedRoom(actor: Actor, meetingId: number) {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "room.moderate", targetOf(ctx));
  return ctx;
}

async function roomChange(
  actor: Actor,
  ctx: MeetingContext,
  set: Partial<{ roomOpen: number; slowModeSeconds: number; currentAgendaItemId: number | null }>,
  details: Record<string, unknown>,
) {
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable("meetings").set(set).where("id", "=", ctx.id).execute();
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "room.moderate",
        areaId: ctx.communityId,
        subjectType: "meeting",
        subjectId: ctx.id,
        details,
      });
    });
  emitEvent({ type: "room.state", communityId: ctx.communityId, meetingId: ctx.id });
}

export async function setRoomOpen(actor: Actor, meetingId: number, open: boolean): Promise<void> {
  const ctx = await moderatedRoom(actor, meetingId);
  if (open && !isOpenForPeople(ctx.status))
    throw new DomainError(409, "meeting:errors.meetingOver");
  await roomChange(
    actor,
    ctx,
    { roomOpen: open ? 1 : 0 },
    { change: open ? "reopened" : "closed" },
  );
}

export async function setSlowMode(actor: Actor, meetingId: number, seconds: number): Promise<void> {
  const ctx = await moderatedRoom(actor, meetingId);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_SLOW_MODE_SECONDS) {
    throw new DomainError(
      400,
      "meeting:errors.badSlowMode",
      { max: MAX_SLOW_MODE_SECONDS },
      "seconds",
    );
  }
  await roomChange(actor, ctx, { slowModeSeconds: seconds }, { change: "slowMode", seconds });
}

export async function setCurrentAgendaItem(
  actor: Actor,
  meetingId: number,
  agendaItemId: number,
): Promise<void> {
  const ctx = await moderatedRoom(actor, meetingId);
  const item = await getDb()
    .selectFrom("agendaItems")
    .select(["id", "title"])
    .where("id", "=", agendaItemId)
    .where("meetingId", "=", meetingId)
    .executeTakeFirst();
  if (!item) throw new DomainError(404, "meeting:errors.agendaItemNotFound", {}, "agendaItemId");
  await roomChange(
    actor,
    ctx,
    { currentAgendaItemId: item.id },
    { change: "agendaItem", title: item.title },
  );
}

export async function muteUser(
  actor: Actor,
  meetingId: number,
  userId: number,
  minutes: number,
  rawReason: string,
): Promise<void> {
  const ctx = await moderatedRoom(actor, meetingId);
  const reason = checkReason(rawReason, true);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MUTE_MINUTES) {
    throw new DomainError(400, "meeting:errors.badMute", { max: MAX_MUTE_MINUTES }, "minutes");
  }
  if (userId === actor.userId) throw new DomainError(409, "meeting:errors.muteSelf");
  const user = await getDb()
    .selectFrom("users")
    .select(["id", "displayName"])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user) throw new DomainError(404, "community:errors.userNotFound");
  const until = new Date(Date.now() + minutes * 60_000).toISOString();
  await getDb()
    .transaction()
    .execute(async (trx) => {
      await trx
        .insertInto("roomMutes")
        .values({ meetingId, userId, until, reason, mutedBy: actor.userId })
        .onConflict((oc) =>
          oc.columns(["meetingId", "userId"]).doUpdateSet({ until, reason, mutedBy: actor.userId }),
        )
        .execute();
      await trx
        .deleteFrom("speakerQueue")
        .where("meetingId", "=", meetingId)
        .where("userId", "=", userId)
        .execute();
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "room.moderate",
        areaId: ctx.communityId,
        subjectType: "user",
        subjectId: userId,
        details: { change: "muted", minutes, reason, displayName: user.displayName, meetingId },
      });
    });
  emitEvent({ type: "room.state", communityId: ctx.communityId, meetingId });
}

export async function unmuteUser(actor: Actor, meetingId: number, userId: number): Promise<void> {
  const ctx = await moderatedRoom(actor, meetingId);
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const result = await trx
        .deleteFrom("roomMutes")
        .where("meetingId", "=", meetingId)
        .where("userId", "=", userId)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new DomainError(404, "meeting:errors.notMuted");
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "room.moderate",
        areaId: ctx.communityId,
        subjectType: "user",
        subjectId: userId,
        details: { change: "unmuted", meetingId },
      });
    });
  emitEvent({ type: "room.state", communityId: ctx.communityId, meetingId });
}

// Speaker queue (发言排队) — kept in the database, so it survives restarts and is shared by processes.

export interface RoomState {
  meetingId: number;
  status: MeetingContext["status"];
  roomOpen: boolean;
  slowModeSeconds: number;
  currentAgendaItemId: number | null;
  queue: Array<{ userId: number; displayName: string; raisedAt: string }>;
  floor: null | { userId: number; displayName: string; until: string };
  /** Muted people; only filled for moderators. */
  mutes: Array<{ userId: number; displayName: string; until: string; reason: string }>;
}

export async function roomState(actor: Actor, meetingId: number): Promise<RoomState> {
  const ctx = await readableRoom(actor, meetingId);
  return buildState(ctx, isModerator(actor, ctx));
}

/** The state everyone in the room may see (no mutes), for broadcasting to the room. */
export async function stateForBroadcast(meetingId: number): Promise<RoomState> {
  return buildState(await meetingContext(meetingId), false);
}

async function buildState(ctx: MeetingContext, withMutes: boolean): Promise<RoomState> {
  const meetingId = ctx.id;
  const db = getDb();
  const [m, queue, mutes] = await Promise.all([
    db
      .selectFrom("meetings")
      .leftJoin("users", "users.id", "meetings.floorUserId")
      .select(["meetings.floorUserId", "meetings.floorUntil", "users.displayName"])
      .where("meetings.id", "=", meetingId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("speakerQueue")
      .innerJoin("users", "users.id", "speakerQueue.userId")
      .select(["speakerQueue.userId", "users.displayName", "speakerQueue.raisedAt"])
      .where("speakerQueue.meetingId", "=", meetingId)
      .orderBy("speakerQueue.raisedAt")
      .orderBy("speakerQueue.userId")
      .execute(),
    withMutes
      ? db
          .selectFrom("roomMutes")
          .innerJoin("users", "users.id", "roomMutes.userId")
          .select(["roomMutes.userId", "users.displayName", "roomMutes.until", "roomMutes.reason"])
          .where("roomMutes.meetingId", "=", meetingId)
          .where("roomMutes.until", ">", new Date().toISOString())
          .execute()
      : Promise.resolve([]),
  ]);
  const floorActive =
    m.floorUserId !== null && m.floorUntil !== null && m.floorUntil > new Date().toISOString();
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

export async function raiseHand(actor: Actor, meetingId: number): Promise<void> {
  const ctx = await meetingContext(meetingId);
  authorize(actor, "queue.raise", targetOf(ctx));
  if (!ctx.roomOpen || !isOpenForPeople(ctx.status))
    throw new DomainError(409, "meeting:errors.roomClosed");
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const muted = await trx
        .selectFrom("roomMutes")
        .select("until")
        .where("meetingId", "=", meetingId)
        .where("userId", "=", actor.userId!)
        .where("until", ">", new Date().toISOString())
        .executeTakeFirst();
      if (muted)
        throw new DomainError(403, "meeting:errors.muted", {
          minutes: Math.ceil((new Date(muted.until).getTime() - Date.now()) / 60_000),
        });
      const inserted = await trx
        .insertInto("speakerQueue")
        .values({ meetingId, userId: actor.userId!, raisedAt: new Date().toISOString() })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (inserted.numInsertedOrUpdatedRows === 0n)
        throw new DomainError(409, "meeting:errors.handAlreadyUp");
      await noteAssisted(trx, actor, "queue.raise", { type: "meeting", id: meetingId });
    });
  emitEvent({ type: "room.state", communityId: ctx.communityId, meetingId });
}

/** Lower one's own hand, or (moderators) anyone's. */
export async function lowerHand(
  actor: Actor,
  meetingId: number,
  userId: number = actor.userId ?? -1,
): Promise<void> {
  const ctx = await meetingContext(meetingId);
  if (userId === actor.userId) authorize(actor, "queue.raise", targetOf(ctx));
  else authorize(actor, "room.moderate", targetOf(ctx));
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const result = await trx
        .deleteFrom("speakerQueue")
        .where("meetingId", "=", meetingId)
        .where("userId", "=", userId)
        .executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new DomainError(404, "meeting:errors.notInQueue");
      await noteAssisted(trx, actor, "queue.raise", { type: "meeting", id: meetingId });
    });
  emitEvent({ type: "room.state", communityId: ctx.communityId, meetingId });
}

/** Give the floor to someone in the queue (or the first in line), for a timed turn. */
export async function giveFloor(
  actor: Actor,
  meetingId: number,
  opts: { userId?: number; seconds: number },
): Promise<{ userId: number; until: string }> {
  const ctx = await moderatedRoom(actor, meetingId);
  if (!(TURN_SECONDS as readonly number[]).includes(opts.seconds)) {
    throw new DomainError(400, "errors.invalidChoice", {}, "seconds");
  }
  const result = await getDb()
    .transaction()
    .execute(async (trx) => {
      let q = trx
        .selectFrom("speakerQueue")
        .innerJoin("users", "users.id", "speakerQueue.userId")
        .select(["speakerQueue.userId", "users.displayName"])
        .where("speakerQueue.meetingId", "=", meetingId)
        .orderBy("speakerQueue.raisedAt")
        .orderBy("speakerQueue.userId");
      if (opts.userId !== undefined) q = q.where("speakerQueue.userId", "=", opts.userId);
      const next = await q.executeTakeFirst();
      if (!next)
        throw new DomainError(
          409,
          opts.userId !== undefined ? "meeting:errors.notInQueue" : "meeting:errors.queueEmpty",
        );
      const until = new Date(Date.now() + opts.seconds * 1000).toISOString();
      await trx
        .updateTable("meetings")
        .set({ floorUserId: next.userId, floorUntil: until })
        .where("id", "=", meetingId)
        .execute();
      await trx
        .deleteFrom("speakerQueue")
        .where("meetingId", "=", meetingId)
        .where("userId", "=", next.userId)
        .execute();
      await writeAudit(trx, {
        actorId: actor.userId,
        action: "room.moderate",
        areaId: ctx.communityId,
        subjectType: "user",
        subjectId: next.userId,
        details: {
          change: "floor",
          seconds: opts.seconds,
          displayName: next.displayName,
          meetingId,
        },
      });
      return { userId: next.userId, until };
    });
  emitEvent({ type: "room.state", communityId: ctx.communityId, meetingId });
  return result;
}

export async function endFloor(actor: Actor, meetingId: number): Promise<void> {
  const ctx = await moderatedRoom(actor, meetingId);
  await getDb()
    .updateTable("meetings")
    .set({ floorUserId: null, floorUntil: null })
    .where("id", "=", meetingId)
    .execute();
  emitEvent({ type: "room.state", communityId: ctx.communityId, meetingId });
}

/** What moderators review: messages hidden by flags, and flagged ones still showing. */
export async function moderationQueue(actor: Actor, meetingId: number) {
  await moderatedRoom(actor, meetingId);
  const rows = await messages()
    .select((eb) =>
      eb
        .selectFrom("messageFlags")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("messageFlags.messageId", "=", "roomMessages.id")
        .where("messageFlags.reviewedAt", "is", null)
        .as("openFlags"),
    )
    .where("roomMessages.meetingId", "=", meetingId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("messageFlags")
          .select("messageFlags.userId")
          .whereRef("messageFlags.messageId", "=", "roomMessages.id")
          .where("messageFlags.reviewedAt", "is", null),
      ),
    )
    .orderBy("roomMessages.id")
    .execute();
  return rows.map((r) => ({ ...view(r, actor, true), openFlags: Number(r.openFlags) }));
}

export async function isModeratorOf(actor: Actor, meetingId: number): Promise<boolean> {
  return isModerator(actor, await meetingContext(meetingId));
}
