/**
 * The live room with real socket.io-client connections against the real server module.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb } from "../db/client.server";
import { droppedForSize } from "~/components/live";
import { attachRealtime, EVENT_MAX_BYTES, PACKET_MAX_BYTES } from "~/realtime/server.server";
import type {
  Ack,
  ClientToServerEvents,
  MessageView,
  RoomJoined,
  ServerToClientEvents,
} from "~/realtime/protocol";
import { postMessage } from "~/services/room/commands.server";
import { muteUser } from "~/services/room/moderation.server";
import { run } from "~/services/runner/command.server";
import {
  actorFor,
  cookieFor,
  dbSnapshot,
  makeCommittee,
  makeCommunity,
  makeMeeting,
  makeMembership,
  makeUser,
} from "./support/factories";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let server: Server;
let realtime: ReturnType<typeof attachRealtime>;
let url: string;
const clients: Client[] = [];

async function start(port = 0) {
  server = createServer();
  realtime = attachRealtime(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(() => start());
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await realtime.close();
});

function client(cookie?: string): Client {
  const c: Client = connect(url, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: cookie ? { Cookie: cookie } : {},
  });
  clients.push(c);
  return c;
}

async function connected(c: Client) {
  if (c.connected) return c;
  await new Promise<void>((resolve, reject) => {
    c.once("connect", () => resolve());
    c.once("connect_error", reject);
  });
  return c;
}

function ask<T>(c: Client, event: string, payload: unknown): Promise<Ack<T>> {
  return (c.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack<T>>)(
    event,
    payload,
  );
}

function nextEvent<T>(
  c: Client,
  event: keyof ServerToClientEvents,
  match: (p: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event}`)), 5000);
    const handler = (p: T) => {
      if (!match(p)) return;
      clearTimeout(timer);
      (c.off as (e: string, h: unknown) => void)(event, handler);
      resolve(p);
    };
    (c.on as (e: string, h: unknown) => void)(event, handler);
  });
}

let community: number;
let meetingId: number;
let aliceId: number;
let bobId: number;
let modId: number;

beforeEach(async () => {
  community = await makeCommunity();
  ({ meetingId } = await makeMeeting(community));
  aliceId = await makeUser({ displayName: "Alice" });
  bobId = await makeUser({ displayName: "Bob" });
  await makeMembership(aliceId, community, "verified");
  await makeMembership(bobId, community, "verified");
  modId = await makeUser({ displayName: "Mod" });
  await makeCommittee(modId, community);
});

async function joined(cookie?: string, after?: number) {
  const c = await connected(client(cookie));
  const res = await ask<RoomJoined>(
    c,
    "room:join",
    after === undefined ? { meetingId } : { meetingId, after },
  );
  if (!res.ok) throw new Error(res.error.key);
  return { c, joined: res.data };
}

describe("live room over Socket.IO", () => {
  it("shows two people each other's messages, acknowledged after the commit", async () => {
    const { c: alice } = await joined(await cookieFor(aliceId));
    const { c: bob, joined: first } = await joined(await cookieFor(bobId));
    expect(first.presence).toBe(2);
    const heard = nextEvent<MessageView>(bob, "room:message");
    const res = await ask<{ message: MessageView }>(alice, "room:post", {
      meetingId,
      body: "大家好",
    });
    expect(res.ok).toBe(true);
    const stored = (await dbSnapshot()).roomMessages as Array<{ id: number; body: string }>;
    if (!res.ok) return;
    expect(stored.some((m) => m.id === res.data.message.id && m.body === "大家好")).toBe(true);
    expect(await heard).toMatchObject({ id: res.data.message.id, body: "大家好", author: "Alice" });
    const reply = nextEvent<MessageView>(alice, "room:message");
    await ask(bob, "room:post", { meetingId, body: "你好" });
    expect((await reply).body).toBe("你好");
  });

  it("lets anyone read a public room but refuses their posts, and refuses muted people", async () => {
    const { c: anon } = await joined();
    const before = await dbSnapshot();
    expect(await ask(anon, "room:post", { meetingId, body: "hi" })).toMatchObject({
      ok: false,
      error: { status: 401, key: "errors.signInRequired" },
    });
    const stranger = await connected(client(await cookieFor(await makeUser())));
    expect(await ask(stranger, "room:post", { meetingId, body: "hi" })).toMatchObject({
      ok: false,
      error: { status: 403 },
    });
    await run(muteUser, await actorFor(modId), {
      meetingId,
      userId: aliceId,
      minutes: 10,
      reason: "刷屏",
    });
    const afterMute = await dbSnapshot();
    const alice = await connected(client(`${await cookieFor(aliceId)}; lng=en`));
    expect(await ask(alice, "room:post", { meetingId, body: "let me speak" })).toMatchObject({
      ok: false,
      error: {
        status: 403,
        key: "meeting:errors.muted",
        message: expect.stringContaining("muted you"),
      },
    });
    expect((await dbSnapshot()).roomMessages).toEqual(before.roomMessages);
    expect(await dbSnapshot()).toEqual(afterMute);
  });

  it("refuses a forged moderator event from a resident, and malformed payloads", async () => {
    const m = await run(postMessage, await actorFor(bobId), { meetingId, body: "正常发言" });
    const { c: alice } = await joined(await cookieFor(aliceId));
    const before = await dbSnapshot();
    expect(
      await ask(alice, "room:moderate", {
        meetingId,
        action: "hide",
        messageId: m.id,
        reason: "x",
      }),
    ).toMatchObject({
      ok: false,
      error: { status: 403, key: "errors.forbidden" },
    });
    expect(await ask(alice, "room:moderate", { meetingId, action: "explode" })).toMatchObject({
      ok: false,
      error: { status: 400, key: "errors.badEvent" },
    });
    expect(await ask(alice, "room:post", { meetingId, body: 42 })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await ask(alice, "room:post", { meetingId: "1 or 1=1", body: "x" })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await dbSnapshot()).toEqual(before);
  });

  it("parses a payload with the command's own schema, as the room page's form is parsed", async () => {
    const { c: alice } = await joined(`${await cookieFor(aliceId)}; lng=en`);
    const { c: mod } = await joined(await cookieFor(modId));
    const before = await dbSnapshot();
    // What a person typed wrong keeps its own message; a payload of the wrong shape is badEvent.
    expect(await ask(alice, "room:post", { meetingId, body: "   " })).toMatchObject({
      ok: false,
      error: {
        status: 400,
        key: "meeting:errors.messageEmpty",
        message: "Please write something first.",
      },
    });
    expect(
      await ask(mod, "room:moderate", { meetingId, action: "slowMode", seconds: 601 }),
    ).toMatchObject({ ok: false, error: { status: 400, key: "errors.badEvent" } });
    expect(await dbSnapshot()).toEqual(before);
    expect(await ask(mod, "room:moderate", { meetingId, action: "slowMode", seconds: 30 })).toEqual(
      { ok: true, data: null },
    );
  });

  it("refuses an event past its limit in the person's language, writes nothing, stays connected", async () => {
    const { c: alice } = await joined(`${await cookieFor(aliceId)}; lng=en`);
    const { c: bob } = await joined(await cookieFor(bobId));
    const before = await dbSnapshot();
    const tooLarge = {
      status: 413,
      key: "errors.tooLarge",
      message: "What you sent is too large, and nothing was saved. Please send less and try again.",
    };
    // 20 KB of message, and a pasted page of 20,000 characters (60 KB).
    for (const body of ["a".repeat(20 * 1024), "长".repeat(20_000)]) {
      expect(await ask(alice, "room:post", { meetingId, body })).toEqual({
        ok: false,
        error: tooLarge,
      });
    }
    // A forged event, padded to 50 KB.
    const padded = { meetingId, action: "close", reason: "x".repeat(50 * 1024) };
    expect(await ask(alice, "room:moderate", padded)).toEqual({ ok: false, error: tooLarge });
    expect(await ask(bob, "room:post", { meetingId, body: "长".repeat(7_000) })).toMatchObject({
      ok: false,
      error: { status: 413, key: "errors.tooLarge", message: expect.stringContaining("太大") },
    });
    expect(await dbSnapshot()).toEqual(before);
    // The same connections go on.
    expect(alice.connected && bob.connected).toBe(true);
    expect((await ask(alice, "room:post", { meetingId, body: "shorter now" })).ok).toBe(true);
  });

  it("answers a packet up to the ceiling; past it closes that connection only, writing nothing", async () => {
    expect(EVENT_MAX_BYTES).toBeLessThan(PACKET_MAX_BYTES);
    const { c: alice } = await joined(await cookieFor(aliceId));
    const { c: bob } = await joined(await cookieFor(bobId));
    const before = await dbSnapshot();
    const under = { meetingId, body: "a".repeat(PACKET_MAX_BYTES - 100) };
    expect(await ask(alice, "room:post", under)).toMatchObject({
      ok: false,
      error: { status: 413, key: "errors.tooLarge" },
    });
    expect(alice.connected).toBe(true);
    const closed = new Promise<{ reason: string; details: unknown }>((resolve) =>
      alice.once("disconnect", (reason, details) => resolve({ reason, details })),
    );
    const answer = ask(alice, "room:post", { meetingId, body: "a".repeat(PACKET_MAX_BYTES) });
    await expect(answer).rejects.toThrow();
    const { reason, details } = await closed;
    expect(reason).toBe("transport close");
    // What the room page reads to tell its reader why (a WebSocket closed with 1009).
    expect(droppedForSize(details)).toBe(true);
    expect(await dbSnapshot()).toEqual(before);
    // The server and the other connections go on.
    expect(bob.connected).toBe(true);
    expect((await ask(bob, "room:post", { meetingId, body: "还在" })).ok).toBe(true);
    const { c: again } = await joined(await cookieFor(aliceId));
    expect((await ask(again, "room:post", { meetingId, body: "回来了" })).ok).toBe(true);
  });

  it("makes a hidden message disappear for others, not for its author", async () => {
    const { c: alice } = await joined(await cookieFor(aliceId));
    const { c: bob } = await joined(await cookieFor(bobId));
    const { c: mod } = await joined(await cookieFor(modId));
    const posted = await ask<{ message: MessageView }>(alice, "room:post", {
      meetingId,
      body: "过分的话",
    });
    if (!posted.ok) throw new Error("not posted");
    const id = posted.data.message.id;
    const changed = nextEvent<{ messageId: number }>(
      bob,
      "room:messageChanged",
      (p) => p.messageId === id,
    );
    expect(
      await ask(mod, "room:moderate", {
        meetingId,
        action: "hide",
        messageId: id,
        reason: "人身攻击",
      }),
    ).toEqual({ ok: true, data: null });
    await changed;
    expect(await ask(bob, "room:message", { messageId: id })).toMatchObject({
      ok: true,
      data: { message: { body: null, hidden: { reason: "人身攻击" } } },
    });
    expect(await ask(alice, "room:message", { messageId: id })).toMatchObject({
      ok: true,
      data: { message: { body: "过分的话", hidden: { reason: "人身攻击" } } },
    });
  });

  it("catches up exactly the messages missed while offline", async () => {
    const alice = await actorFor(aliceId);
    const { c: bob, joined: first } = await joined(await cookieFor(bobId));
    const heard = nextEvent<MessageView>(bob, "room:message");
    const seen = await run(postMessage, alice, { meetingId, body: "before" });
    expect((await heard).id).toBe(seen.id);
    bob.disconnect();
    const missed: number[] = [];
    for (const body of ["one", "two", "three"])
      missed.push((await run(postMessage, alice, { meetingId, body })).id);
    // Bob reconnects, saying the last message he has.
    const { joined: again } = await joined(await cookieFor(bobId), seen.id);
    expect(again.messages.map((m) => m.id)).toEqual(missed);
    expect(again.more).toBe(false);
    expect(first.messages.every((m) => m.id < seen.id)).toBe(true);
  });

  it("holds slow mode and the rate limit over the socket", async () => {
    const { c: alice } = await joined(await cookieFor(aliceId));
    for (let i = 0; i < 5; i++)
      expect((await ask(alice, "room:post", { meetingId, body: `m${i}` })).ok).toBe(true);
    expect(await ask(alice, "room:post", { meetingId, body: "m5" })).toMatchObject({
      ok: false,
      error: { status: 429, key: "meeting:errors.rateLimited" },
    });
    const { c: mod } = await joined(await cookieFor(modId));
    await ask(mod, "room:moderate", { meetingId, action: "slowMode", seconds: 60 });
    const { c: bob } = await joined(await cookieFor(bobId));
    expect((await ask(bob, "room:post", { meetingId, body: "first" })).ok).toBe(true);
    expect(await ask(bob, "room:post", { meetingId, body: "second" })).toMatchObject({
      ok: false,
      error: { status: 429, key: "meeting:errors.slowMode" },
    });
  });

  it("counts who is here", async () => {
    const { c: alice } = await joined(await cookieFor(aliceId));
    const arrival = nextEvent<{ count: number }>(alice, "room:presence");
    const { c: bob } = await joined();
    expect((await arrival).count).toBe(2);
    const departure = nextEvent<{ count: number }>(alice, "room:presence");
    bob.disconnect();
    expect((await departure).count).toBe(1);
  });

  it("tells the room of a burst of arrivals in one announcement or two, ending with the count", async () => {
    const { c: alice } = await joined(await cookieFor(aliceId));
    const heard: number[] = [];
    alice.on("room:presence", (p) => heard.push(p.count));
    const everyone = nextEvent<{ count: number }>(alice, "room:presence", (p) => p.count === 7);
    await Promise.all(Array.from({ length: 6 }, () => joined()));
    await everyone;
    // Each arrival told the room's everyone at once: six announcements, one per arrival.
    expect(heard.length).toBeLessThan(6);
    expect(heard.at(-1)).toBe(7);
  });

  it("keeps the speaker queue in order across a server restart", async () => {
    const { c: alice } = await joined(await cookieFor(aliceId));
    const { c: bob } = await joined(await cookieFor(bobId));
    expect((await ask(bob, "queue:raise", { meetingId })).ok).toBe(true);
    expect((await ask(alice, "queue:raise", { meetingId })).ok).toBe(true);
    // Stop everything, database included, then start again on the same file.
    const port = (server.address() as AddressInfo).port;
    for (const c of clients.splice(0)) c.disconnect();
    await realtime.close();
    await closeDb();
    await start(port);
    const { joined: after } = await joined(await cookieFor(modId));
    expect(after.state.queue.map((q) => q.displayName)).toEqual(["Bob", "Alice"]);
    const mod = clients[clients.length - 1]!;
    const stateChange = nextEvent<{ floor: { displayName: string } | null }>(mod, "room:state");
    expect((await ask(mod, "room:moderate", { meetingId, action: "floor", seconds: 120 })).ok).toBe(
      true,
    );
    expect((await stateChange).floor?.displayName).toBe("Bob");
  });
});
