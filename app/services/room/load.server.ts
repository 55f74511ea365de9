/**
 * What the room's commands load inside their transaction: the meeting (for the policy target and
 * the room's state), a message with its meeting, and, for posting, everything in one query. Also
 * what several of them write alike: a message's columns, the speaker queue, and their events.
 */
import { sql, type Insertable, type Updateable } from "kysely";
import { listAgg, lockingRowsOf, reserveIds } from "../../../db/portable";
import type { MeetingStatus, RoomMessagesTable } from "../../../db/schema";
import { DomainError } from "~/domain/errors";
import type { Actor, Target } from "~/domain/permissions/policy";
import { MAX_SLOW_MODE_SECONDS, RATE_MAX, RATE_WINDOW_MS } from "~/domain/meetings/rules";
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

/** A new message's row, as posting writes it (its id comes from where it is stored). */
export type NewMessage = Omit<Insertable<RoomMessagesTable>, "id"> & {
  meetingId: number;
  userId: number;
  body: string;
  createdAt: string;
};

/**
 * Where posting stores its row, and what it learns back: the message's id and the room's message
 * before it (`prev`, in the broadcast: a reader who missed one can tell). The room's row is locked
 * when this is called, so the last message now is the one before this one.
 */
export type StoreMessage = (row: NewMessage) => Promise<{ id: number; prev: number | null }>;

/** A post on its own: the room's last id, then the insert (two statements). */
const storeNow =
  (trx: Trx): StoreMessage =>
  async (row) => {
    const { prev } = await trx
      .selectFrom("roomMessages")
      .select((eb) => eb.fn.max("id").as("prev"))
      .where("meetingId", "=", row.meetingId)
      .executeTakeFirstOrThrow();
    const { id } = await trx
      .insertInto("roomMessages")
      .values(row)
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id, prev: prev ?? null };
  };

/** What posting decides on; the same from `loadForPosting` (one post) and `loadPostingBatch`. */
export interface Posting {
  id: number;
  communityId: number;
  status: MeetingStatus;
  isPublic: boolean;
  roomOpen: boolean;
  slowModeSeconds: number;
  currentAgendaItemId: number | null;
  /** Only whether this author holds a seat matters to the policy here. */
  seatHolders: number[];
  author: string;
  mutedUntil: string | null;
  /** The times of the author's latest messages in the room, newest first (pacing reads them). */
  recent: Date[];
  store: StoreMessage;
}

/** What a post needs to know of its room (one room's, or a batch's rooms). */
const ROOM_COLUMNS = [
  "meetings.id",
  "councils.areaId as communityId",
  "meetings.status",
  "meetings.isPublic",
  "meetings.roomOpen",
  "meetings.slowModeSeconds",
  "meetings.currentAgendaItemId",
] as const;

/**
 * What posting decides on, in one query (a post on its own; a busy room's posts are loaded
 * together by `loadPostingBatch`): the room's state, whether the author holds a seat, their name,
 * any running mute, and the times of their latest messages within the longest slow mode (enough
 * for both the rate window and slow mode).
 */
export async function loadForPosting(
  trx: Trx,
  actor: Actor,
  meetingId: number,
  now: Date,
): Promise<Posting> {
  // The meeting's row stays locked until the post commits, and the message's id is drawn after:
  // within a room, ids are then in commit order, so a reader catching up from the last id it saw
  // (room:join's `after`) can never miss a message that commits later with a smaller id.
  const userId = actor.userId ?? -1;
  const lookback = new Date(now.getTime() - MAX_SLOW_MODE_SECONDS * 1000).toISOString();
  const m = await trx
    .selectFrom("meetings")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select(ROOM_COLUMNS)
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
  const { isPublic, roomOpen, seatHolder, author, recent, mutedUntil, ...rest } = m;
  return {
    ...rest,
    isPublic: isPublic === 1,
    roomOpen: roomOpen === 1,
    seatHolders: seatHolder === null ? [] : [seatHolder],
    author: author ?? "",
    mutedUntil: mutedUntil ?? null,
    recent: newestFirst((recent ?? "").split("|").filter(Boolean)),
    store: storeNow(trx),
  };
}

const newestFirst = (times: string[]) =>
  times.map((t) => new Date(t)).sort((a, b) => b.getTime() - a.getTime());

/** What a batch of posts loaded: each post's `Posting` (or its 404), and the one write for all. */
export interface PostingBatch {
  loaded: Array<Posting | DomainError>;
  /** Inserts every stored row in one statement; call it once, after the last post ran. */
  flush: () => Promise<void>;
  /** How many posts have stored their row so far. */
  stored: () => number;
}

/**
 * What a batch of posts decides on, for every post at once, in a fixed number of statements
 * whatever the batch's size (one post on its own takes three: `loadForPosting`, then the last id
 * and the insert). The batch writer (`./posts.server.ts`) runs each post's command with its
 * `Posting`, in order, then calls `flush`.
 *
 * 1. The batch's rooms are locked, in ascending id order (batches of several processes never
 *    wait for each other in a circle). Under READ COMMITTED every later statement reads what
 *    committed before it, so a batch that waited reads the other batch's posts.
 * 2. The rooms' state, and each room's last message id.
 * 3. The authors' names, seats and running mutes in these rooms.
 * 4. Their latest messages in these rooms, within each room's pacing window.
 * 5. Ids for every post, drawn now, under the rooms' locks: within a room they are in commit
 *    order, and a reader catching up after an id can miss nothing that commits later.
 *
 * `store` then gives each accepted post the next id and notes its time among its author's recent
 * posts (the next post of theirs in this batch counts it), without a statement; `flush` writes
 * them all in one insert.
 */
export async function loadPostingBatch(
  trx: Trx,
  posts: ReadonlyArray<{ actor: Actor; input: { meetingId: number } }>,
  now: Date,
): Promise<PostingBatch> {
  const rooms = [...new Set(posts.map((p) => p.input.meetingId))].sort((a, b) => a - b);
  const people = [...new Set(posts.map((p) => p.actor.userId ?? -1))];
  await trx
    .selectFrom("meetings")
    .select("id")
    .where("id", "in", rooms)
    .orderBy("id")
    .$call(lockingRowsOf(trx, "meetings"))
    .execute();
  const roomRows = await trx
    .selectFrom("meetings")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .select(ROOM_COLUMNS)
    .select((eb) =>
      eb
        .selectFrom("roomMessages")
        .select((e) => e.fn.max("roomMessages.id").as("m"))
        .whereRef("roomMessages.meetingId", "=", "meetings.id")
        .as("prev"),
    )
    .where("meetings.id", "in", rooms)
    .execute();
  const room = new Map(roomRows.map((r) => [r.id, r]));
  const [authors, seats, mutes, recentRows, ids] = [
    await trx.selectFrom("users").select(["id", "displayName"]).where("id", "in", people).execute(),
    await trx
      .selectFrom("seatInvites")
      .select(["meetingId", "userId"])
      .where("meetingId", "in", rooms)
      .where("userId", "in", people)
      .execute(),
    await trx
      .selectFrom("roomMutes")
      .select(["meetingId", "userId", "until"])
      .where("meetingId", "in", rooms)
      .where("userId", "in", people)
      .where("until", ">", now.toISOString())
      .execute(),
    await recentPosts(trx, [...room.values()], people, now),
    await reserveIds(trx, "room_messages", posts.length),
  ];
  const pair = (meetingId: number, userId: number) => `${meetingId}:${userId}`;
  const author = new Map(authors.map((a) => [a.id, a.displayName]));
  const seated = new Set(seats.map((s) => pair(s.meetingId, s.userId)));
  const muted = new Map<string, string>();
  for (const m of mutes) {
    const key = pair(m.meetingId, m.userId);
    if ((muted.get(key) ?? "") < m.until) muted.set(key, m.until);
  }
  // One list per author and room, shared by their posts in this batch: each stored post adds to it.
  const recent = new Map<string, Date[]>();
  const times = new Map<string, string[]>();
  for (const r of recentRows) {
    const key = pair(r.meetingId, r.userId);
    times.set(key, [...(times.get(key) ?? []), r.createdAt]);
  }
  for (const [key, list] of times) recent.set(key, newestFirst(list));

  const last = new Map(roomRows.map((r) => [r.id, r.prev ?? null]));
  const rows: Array<NewMessage & { id: number }> = [];
  const store =
    (key: string): StoreMessage =>
    (row) => {
      const id = ids[rows.length];
      if (id === undefined) throw new Error("more posts stored than the batch drew ids for");
      const prev = last.get(row.meetingId) ?? null;
      last.set(row.meetingId, id);
      rows.push({ ...row, id });
      recent.get(key)!.unshift(new Date(row.createdAt));
      return Promise.resolve({ id, prev });
    };

  const loaded = posts.map((p): Posting | DomainError => {
    const r = room.get(p.input.meetingId);
    if (!r) return new DomainError(404, "meeting:errors.meetingNotFound");
    const userId = p.actor.userId ?? -1;
    const key = pair(r.id, userId);
    if (!recent.has(key)) recent.set(key, []);
    const { isPublic, roomOpen, prev: _prev, ...rest } = r;
    return {
      ...rest,
      isPublic: isPublic === 1,
      roomOpen: roomOpen === 1,
      seatHolders: seated.has(key) ? [userId] : [],
      author: author.get(userId) ?? "",
      mutedUntil: muted.get(key) ?? null,
      recent: recent.get(key)!,
      store: store(key),
    };
  });
  return {
    loaded,
    stored: () => rows.length,
    flush: async () => {
      if (rows.length > 0) await trx.insertInto("roomMessages").values(rows).execute();
    },
  };
}

/**
 * The times of the posts these people made in these rooms within each room's pacing window: the
 * rate window, or the room's slow mode when longer. Rooms with the same window share one condition.
 */
function recentPosts(
  trx: Trx,
  rooms: ReadonlyArray<{ id: number; slowModeSeconds: number }>,
  people: number[],
  now: Date,
) {
  const byWindow = new Map<number, number[]>();
  for (const r of rooms) {
    const ms = Math.max(RATE_WINDOW_MS, Math.min(r.slowModeSeconds, MAX_SLOW_MODE_SECONDS) * 1000);
    byWindow.set(ms, [...(byWindow.get(ms) ?? []), r.id]);
  }
  return trx
    .selectFrom("roomMessages")
    .select(["meetingId", "userId", "createdAt"])
    .where("userId", "in", people)
    .where((eb) =>
      eb.or(
        [...byWindow].map(([ms, ids]) =>
          eb.and([
            eb("meetingId", "in", ids),
            eb("createdAt", ">", new Date(now.getTime() - ms).toISOString()),
          ]),
        ),
      ),
    )
    .execute();
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
