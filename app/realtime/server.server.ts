/**
 * Socket.IO on the app's HTTP server. The handshake reads the same session cookie as the pages;
 * without a valid session a connection may only read public channels. Every event is authorised by
 * the policy module; a write is the same command the HTTP actions run (see `handle`).
 */
import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { Server, type Socket } from "socket.io";
import { z } from "zod";
import { DomainError, isDomainError } from "~/domain/errors";
import { authorize, type Actor } from "~/domain/permissions/policy";
import { fieldErrors, formChoice, id } from "~/domain/validation";
import { fixedT } from "~/i18n/i18next.server";
import { fallbackLng, isLng, type Lng } from "~/i18n/config";
import { clusterRedis, onDrop } from "~/services/cluster.server";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { requestMembership } from "~/services/communities/commands.server";
import { flagMessage, lowerHand, postMessage, raiseHand } from "~/services/room/commands.server";
import { moderation } from "~/services/room/moderation.server";
import { sendPost } from "~/services/room/posts.server";
import { getMessage, history, joinRoom, stateForBroadcast } from "~/services/room/queries.server";
import { run, type Command } from "~/services/runner/command.server";
import { isCrossSite } from "~/utils/http-guard.server";
import { parseCookies } from "~/utils/preferences.server";
import { currentFromCookie, type Current } from "~/utils/session.server";
import { latestNotices, unreadCount } from "~/services/notices/queries.server";
import {
  NOTICES_NAMESPACE,
  PUBLIC_CHANNEL,
  roomChannel,
  USER_CHANNEL,
  userChannel,
  type Ack,
  type ClientToServerEvents,
  type ModerationCommand,
  type ServerToClientEvents,
} from "./protocol";

interface SocketData {
  lng: Lng;
  cookie: string | undefined;
  /**
   * Whose drops concern this socket (see `recheck`): the person of the handshake's session and,
   * in a service-window sitting, the helper whose session it is.
   */
  people: number[];
  /** The last lookup of the session and the person's rights, with when it was made. */
  current?: { value: Current; at: number };
}
/** Between Liuhe processes, through the adapter: each answers for its own sockets. */
interface ServerSideEvents {
  presence: (channel: string, answer: (count: number) => void) => void;
}
type LiuheSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type LiuheIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  ServerSideEvents,
  SocketData
>;

/**
 * The biggest event payload answered with anything but a refusal: the room's longest message
 * (2,000 characters) is at most 12 KB of JSON even when every character is escaped. Past it an
 * event is refused with `errors.tooLarge` (413, as a form past its limit) and the connection
 * stays open, so the person learns why and keeps what they typed.
 */
export const EVENT_MAX_BYTES = 16 * 1024;

/**
 * The biggest packet Socket.IO reads at all (its `maxHttpBufferSize`); past it engine.io closes the
 * connection (a WebSocket with 1009, "message too big", which the page tells its reader about).
 * 64 KB, the same as a form's body (`MAX_FORM_BYTES`): a pasted page of 20,000 Chinese characters
 * (60 KB) still gets its refusal, while every connection holds at most this much of an unread
 * packet in memory (2,000 sockets sending at once: 128 MB, against 32 MB at 16 KB).
 */
export const PACKET_MAX_BYTES = 64 * 1024;

/**
 * An event payload's size, measured before anything else looks at it: Socket.IO has already
 * decoded the packet, and writing it out again costs one pass over at most PACKET_MAX_BYTES.
 */
const payloadBytes = (payload: unknown) => Buffer.byteLength(JSON.stringify(payload) ?? "");

/**
 * How long a socket trusts what it last learnt of its person (session, memberships, committee
 * seat). Changes drop it at once on every process (see `recheck`); the bound covers a drop lost
 * while Redis was away.
 */
const CURRENT_TTL_MS = 10_000;

/**
 * Who is on the other end. Looked up from the session cookie, then kept for a few seconds: a busy
 * room would otherwise spend three queries per message on the same answer.
 */
async function current(socket: LiuheSocket): Promise<Current> {
  const cached = socket.data.current;
  if (cached && Date.now() - cached.at < CURRENT_TTL_MS) return cached.value;
  const value = await currentFromCookie(socket.data.cookie);
  socket.data.current = { value, at: Date.now() };
  return value;
}

/**
 * A person's session or rights changed, on this process or another. Everyone (null): sockets
 * look again on their next event. One person: their sockets look again now, and one whose session
 * has ended (signed out, revoked, account deleted) is disconnected; their other sessions stay.
 */
async function recheck(io: LiuheIo, userId: number | null) {
  const sockets = allSockets(io);
  if (userId === null) {
    for (const socket of sockets) socket.data.current = undefined;
    return;
  }
  const theirs = sockets.filter((socket) => socket.data.people.includes(userId));
  await Promise.all(
    theirs.map(async (socket) => {
      socket.data.current = undefined;
      const value = await currentFromCookie(socket.data.cookie);
      if (value.session) socket.data.current = { value, at: Date.now() };
      else socket.disconnect(true);
    }),
  );
}

async function refusal(socket: LiuheSocket, e: unknown): Promise<Ack<never>> {
  if (!isDomainError(e)) {
    console.error(e);
    e = new DomainError(400, "errors.unexpected");
  }
  const err = e as DomainError;
  const t = fixedT(socket.data.lng, ["common", "community", "account", "meeting"]);
  return {
    ok: false,
    error: { status: err.status, key: err.key, message: t(err.key, err.params) },
  };
}

/** Refusals that only say the payload was not what the page would send: one answer for them all. */
const MALFORMED = new Set(["errors.invalidType", "errors.badForm", "errors.required"]);

/**
 * Parses a payload with a command's (or a read's) own schema. What a person typed wrong keeps its
 * own message (an empty post, an overlong reason); a payload of the wrong shape is `badEvent`.
 */
function parsePayload<S extends z.ZodTypeAny>(schema: S, payload: unknown): z.output<S> {
  const parsed = schema.safeParse(payload);
  if (parsed.success) return parsed.data as z.output<S>;
  const [field, first] = Object.entries(fieldErrors(parsed.error))[0] ?? [];
  if (!first || MALFORMED.has(first.key)) throw new DomainError(400, "errors.badEvent");
  throw new DomainError(400, first.key, first.params ?? {}, field);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CommandOf<S extends z.ZodTypeAny, R> = Command<S, any, R, any, any>;

/** A socket event that reads, or runs its command its own way: its payload and its answer. */
interface Read<S extends z.ZodTypeAny, R> {
  input: S;
  read: (input: z.output<S>, actor: Actor) => Promise<R>;
}

interface HandleOptions<S extends z.ZodTypeAny, R, D> {
  /**
   * The event's wire shape, checked before the command's own schema: a socket sends typed JSON,
   * so an id a form sends as text must arrive here as a number, and nothing else may come along.
   */
  shape?: z.ZodTypeAny;
  /** What the acknowledgement carries, from the command's result. */
  reply?: (result: R, input: z.output<S>) => D;
}

/**
 * The socket adapter, one wrapper for every event: refuse a payload past EVENT_MAX_BYTES before
 * reading it, parse the payload with the command's own schema, run the command for the socket's
 * person (the same command the page's form runs), and acknowledge with the data, after the
 * commit, or with the refusal in the person's language. A command may also be chosen by the
 * payload (`room:moderate` names it in `action`).
 */
function handle<S extends z.ZodTypeAny, R, D = R>(
  socket: LiuheSocket,
  work: CommandOf<S, R> | Read<S, R> | ((payload: unknown) => CommandOf<S, R>),
  opts: HandleOptions<S, R, D> = {},
) {
  return async (payload: unknown, ack: unknown) => {
    if (typeof ack !== "function") return; // every event must be acknowledged; ignore the rest
    const reply = ack as (res: Ack<D>) => void;
    try {
      if (payloadBytes(payload) > EVENT_MAX_BYTES) throw new DomainError(413, "errors.tooLarge");
      if (opts.shape) parsePayload(opts.shape, payload);
      const chosen = typeof work === "function" ? work(payload) : work;
      const input = parsePayload(chosen.input, payload);
      const { actor } = await current(socket);
      const result =
        "read" in chosen ? await chosen.read(input, actor) : await run(chosen, actor, input);
      reply({ ok: true, data: opts.reply ? opts.reply(result, input) : (result as unknown as D) });
    } catch (e) {
      reply(await refusal(socket, e));
    }
  };
}

const channelPayload = z.object({ channel: z.string().max(40) }).strict();
const meetingPayload = z.object({ meetingId: id }).strict();
const joinPayload = z.object({ meetingId: id, after: z.number().int().min(0).optional() }).strict();
const historyPayload = z.object({ meetingId: id, before: id }).strict();
const messagePayload = z.object({ messageId: id }).strict();

const moderationAction = z
  .object({ action: formChoice(Object.keys(moderation) as [ModerationCommand["action"]]) })
  .passthrough();

/** The moderator's command `room:moderate` names; its payload is then parsed by that command. */
function moderationCommand(payload: unknown) {
  return moderation[parsePayload(moderationAction, payload).action] as unknown as CommandOf<
    z.ZodTypeAny,
    unknown
  >;
}

/** Events that read, join and leave channels, or post: answered by `handle` like commands. */
type ReadEvent = Exclude<keyof ClientToServerEvents, "whoami">;

function registerHandlers(socket: LiuheSocket, announcePresence: (meetingId: number) => void) {
  const answer = <S extends z.ZodTypeAny, R>(
    event: ReadEvent,
    input: S,
    read: Read<S, R>["read"],
  ) => socket.on(event, handle(socket, { input, read }));

  socket.on("whoami", async (ack) => {
    if (typeof ack !== "function") return;
    const { session } = await current(socket);
    ack({
      ok: true,
      data: { userId: session?.user.id ?? null, displayName: session?.user.displayName ?? null },
    });
  });

  answer("subscribe", channelPayload, async ({ channel }, actor) => {
    const pub = PUBLIC_CHANNEL.exec(channel);
    const own = USER_CHANNEL.exec(channel);
    if (pub) {
      authorize(actor, "realtime.readPublic");
    } else if (own) {
      authorize(actor, "realtime.readOwn", { ownerId: Number(own[1]) });
    } else {
      throw new DomainError(404, "errors.unknownChannel");
    }
    await socket.join(channel);
    return { channel };
  });
  answer("unsubscribe", channelPayload, async ({ channel }) => {
    await socket.leave(channel);
    return { channel };
  });

  // Meeting rooms: reads.
  answer("room:join", joinPayload, async ({ meetingId, after }, actor) => {
    const channel = roomChannel(meetingId);
    const joined = await joinRoom(actor, meetingId, after, () => socket.join(channel));
    const count = await presenceOf(socket.nsp, channel);
    announcePresence(meetingId);
    return { ...joined, presence: count };
  });
  answer("room:leave", meetingPayload, async ({ meetingId }) => {
    const channel = roomChannel(meetingId);
    // Only a room this socket was in has one fewer now.
    if (!socket.rooms.has(channel)) return null;
    await socket.leave(channel);
    announcePresence(meetingId);
    return null;
  });
  answer("room:history", historyPayload, ({ meetingId, before }, actor) =>
    history(actor, meetingId, { before }),
  );
  answer("room:message", messagePayload, async ({ messageId }, actor) => ({
    message: await getMessage(actor, messageId),
  }));

  // Meeting rooms: commands, the same the room page's forms run; posts go in batches.
  answer("room:post", postMessage.input, async (input, actor) => ({
    message: await sendPost(actor, input),
  }));
  socket.on("room:flag", handle(socket, flagMessage));
  socket.on("room:moderate", handle(socket, moderationCommand, { reply: () => null }));
  socket.on("queue:raise", handle(socket, raiseHand, { reply: () => null }));
  socket.on("queue:lower", handle(socket, lowerHand, { reply: () => null }));
  // The rooms it was in, announced once it has left them (it is still in them while disconnecting).
  let leaving: number[] = [];
  socket.on("disconnecting", () => {
    leaving = [...socket.rooms].flatMap((channel) => {
      const m = /^room:(\d+)$/.exec(channel);
      return m ? [Number(m[1])] : [];
    });
  });
  socket.on("disconnect", () => leaving.forEach(announcePresence));

  socket.on(
    "membership:request",
    handle(socket, requestMembership, {
      shape: z.object({ communityId: z.number().int().positive() }).strict(),
      reply: (membershipId) => ({ membershipId }),
    }),
  );
}

/**
 * How often at most a room hears how many are in it, per process. Each arrival and departure
 * used to tell the room's everyone at once: 2,000 people joining 40 rooms of 50 sent 100,000
 * updates, and with several processes each asked every process for its count. The first change
 * goes out at once; later ones within the interval make one trailing announcement, counted when
 * it goes out, so the count always ends up right.
 */
export const PRESENCE_INTERVAL_MS = 1000;

/** Announces a room's presence count to everyone in it, at most once per PRESENCE_INTERVAL_MS. */
function presenceAnnouncer(io: LiuheIo) {
  const last = new Map<number, { at: number; timer: NodeJS.Timeout | null }>();
  let closed = false;
  const send = (meetingId: number) => {
    last.set(meetingId, { at: Date.now(), timer: null });
    if (closed) return;
    const channel = roomChannel(meetingId);
    presenceOf(io.of("/"), channel).then(
      (count) => io.to(channel).emit("room:presence", { meetingId, count }),
      (e: unknown) => console.error("presence failed", e),
    );
  };
  return {
    announce: (meetingId: number) => {
      const now = Date.now();
      const state = last.get(meetingId);
      if (!state || now - state.at >= PRESENCE_INTERVAL_MS) return send(meetingId);
      if (state.timer) return;
      state.timer = setTimeout(() => send(meetingId), PRESENCE_INTERVAL_MS - (now - state.at));
      state.timer.unref();
    },
    close: () => {
      closed = true;
      for (const state of last.values()) if (state.timer) clearTimeout(state.timer);
    },
  };
}

const localPresence = (nsp: LiuheSocket["nsp"], channel: string) =>
  nsp.adapter.rooms.get(channel)?.size ?? 0;

/**
 * Sockets in a channel on every process: this one's count now, and each other process's answer.
 * A process that died is no longer counted once Redis sees its connection close; one that does not
 * answer within the adapter's timeout (5 s) is left out of this count.
 */
function presenceOf(nsp: LiuheSocket["nsp"], channel: string): Promise<number> {
  const here = localPresence(nsp, channel);
  if (!clusterRedis()) return Promise.resolve(here);
  return new Promise((resolve) => {
    nsp.serverSideEmit("presence", channel, (_timeout: Error | null, counts: number[]) =>
      resolve(counts.reduce((sum, n) => sum + n, here)),
    );
  });
}

type RoomEvent = Extract<DomainEvent, { type: `room.${string}` }>;
const isRoomEvent = (event: DomainEvent): event is RoomEvent => event.type.startsWith("room.");

/** A room's events, as the sockets in that room hear them. */
async function forwardRoom(io: LiuheIo, event: RoomEvent) {
  const room = io.to(roomChannel(event.meetingId));
  switch (event.type) {
    case "room.message":
      room.emit("room:message", event.message);
      break;
    case "room.messageChanged":
      room.emit("room:messageChanged", { meetingId: event.meetingId, messageId: event.messageId });
      break;
    case "room.state":
      room.emit("room:state", await stateForBroadcast(event.meetingId));
  }
}

/**
 * "Something changed" makes every open page on the channel reload its data. Busy moments (a
 * ballot a second in a community, many supports) would make every watcher reload for each one:
 * at most one notice per channel per interval goes out, the last one trailing, so pages still
 * end up current.
 */
export const CHANGED_INTERVAL_MS = 1000;
const lastChanged = new Map<string, { at: number; timer: NodeJS.Timeout | null }>();

const changed = (io: LiuheIo, channel: string, type: string) =>
  io.to(channel).emit("changed", { channel, type });

function notifyChanged(io: LiuheIo, channel: string, type: string) {
  const now = Date.now();
  const state = lastChanged.get(channel);
  const send = (at: number) => {
    lastChanged.set(channel, { at, timer: null });
    changed(io, channel, type);
  };
  if (!state || now - state.at >= CHANGED_INTERVAL_MS) {
    if (state?.timer) clearTimeout(state.timer);
    return send(now);
  }
  if (state.timer) return;
  state.timer = setTimeout(() => send(Date.now()), CHANGED_INTERVAL_MS - (now - state.at));
  state.timer.unref();
}

/**
 * Runs on the process whose command emitted the event: broadcasts reach the other processes
 * through the adapter, and drops through the cluster module, so each goes out once.
 */
function forward(io: LiuheIo, event: DomainEvent) {
  // What a person's change drops (their sockets' rights included) is sent by utils/session.server.
  if (event.type === "session.revoked" || event.type === "session.changed") return;
  // The index pages are read, not followed live: the event only drops what the pages keep.
  if (event.type === "index.changed") return;
  if (event.type === "notice.created") {
    // One broadcast per delivered chunk (up to 500 people), not one per person.
    io.of(NOTICES_NAMESPACE).to(event.userIds.map(userChannel)).emit("notices:changed");
    return;
  }
  if (event.type === "notice.read") {
    io.of(NOTICES_NAMESPACE).to(userChannel(event.userId)).emit("notices:changed");
    return;
  }
  if (event.type === "organisation.membersChanged") {
    return changed(io, `user:${event.userId}`, event.type);
  }
  if (isRoomEvent(event)) {
    forwardRoom(io, event).catch((e: unknown) => console.error("room broadcast failed", e));
    return;
  }
  notifyChanged(io, `community:${event.communityId}`, event.type);
  if (event.type === "need.changed") notifyChanged(io, `street:${event.streetId}`, event.type);
  if ("userId" in event) changed(io, `user:${event.userId}`, event.type);
}

/** Reads the session cookie and the language once per connection, in either namespace. */
function handshake(socket: LiuheSocket, next: (err?: Error) => void) {
  const cookie = socket.handshake.headers.cookie;
  const lng = parseCookies(cookie).lng;
  socket.data.cookie = cookie;
  socket.data.lng = isLng(lng) ? lng : fallbackLng;
  currentFromCookie(cookie).then(
    (value) => {
      const people = [value.session?.user.id, value.assistance?.helper.id];
      socket.data.people = people.filter((p): p is number => p !== undefined);
      socket.data.current = { value, at: Date.now() };
      next();
    },
    (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
  );
}

/**
 * The header's unread count, live (app/components/notice-count.ts): a namespace of its own, so
 * that the browser multiplexes it over the page's one connection instead of opening another. A
 * signed-in socket is in its person's `user:<id>` room from the start; told that its notices
 * changed, it asks for the count (and, while its small list is open, the newest few notices),
 * which are read for the socket's person only.
 */
function attachNoticeCounts(io: LiuheIo) {
  const nsp = io.of(NOTICES_NAMESPACE);
  nsp.use(handshake);
  nsp.on("connection", (socket) => {
    const userId = socket.data.current?.value.session?.user.id;
    if (userId === undefined) {
      socket.disconnect(true);
      return;
    }
    void socket.join(userChannel(userId));
    socket.on(
      "notices:unread",
      handle(socket, {
        input: z.object({}).strict(),
        read: async (_input, actor) => ({ unread: await unreadCount(actor) }),
      }),
    );
    // The small list under the count: the newest few, said in the socket's language.
    socket.on(
      "notices:latest",
      handle(socket, {
        input: z.object({}).strict(),
        read: (_input, actor) => latestNotices(actor, socket.data.lng),
      }),
    );
  });
}

/** Every connected socket, in either namespace. */
function allSockets(io: LiuheIo): LiuheSocket[] {
  return [...io.of("/").sockets.values(), ...io.of(NOTICES_NAMESPACE).sockets.values()];
}

export interface Realtime {
  io: LiuheIo;
  close: () => Promise<void>;
}

export function attachRealtime(httpServer: HttpServer): Realtime {
  const cluster = clusterRedis();
  // With Redis, rooms span processes: a broadcast here reaches sockets on every process.
  const adapter =
    cluster &&
    createAdapter(cluster.redis, {
      streamName: `${cluster.prefix}socket.io`,
      channelPrefix: `${cluster.prefix}socket.io`,
      // Liuhe sends JSON only: no need to look for binary data in each packet.
      onlyPlaintext: true,
    });
  const io: LiuheIo = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: PACKET_MAX_BYTES,
    // A page on another site must not open a socket with our residents' cookies.
    allowRequest: (req, callback) => callback(null, !isCrossSite(req.headers)),
    ...(adapter && { adapter }),
  });

  io.use(handshake);

  const presence = presenceAnnouncer(io);
  io.on("connection", (socket) => registerHandlers(socket, presence.announce));
  attachNoticeCounts(io);
  io.on("presence", (channel, answer) => answer(localPresence(io.of("/"), channel)));
  const stopEvents = onEvent((event) => forward(io, event));
  const stopDrops = onDrop((what) => {
    if ("person" in what) {
      recheck(io, what.person).catch((e: unknown) => console.error("recheck failed", e));
    }
  });

  return {
    io,
    close: async () => {
      stopEvents();
      stopDrops();
      presence.close();
      await io.close();
    },
  };
}
