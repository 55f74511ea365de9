/**
 * Socket.IO with real clients: the handshake reads the session cookie; without a valid session a
 * connection may only read public channels.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { attachRealtime, CHANGED_INTERVAL_MS } from "~/realtime/server.server";
import { emitEvent } from "~/services/events.server";
import type { Ack, ClientToServerEvents, ServerToClientEvents } from "~/realtime/protocol";
import { decideMembership } from "~/services/communities/commands.server";
import { logout } from "~/services/accounts/commands.server";
import { sessionFromToken } from "~/services/accounts/queries.server";
import { startSitting } from "~/services/assistance/commands.server";
import { currentFromCookie } from "~/utils/session.server";
import { run } from "~/services/runner/command.server";
import {
  actorFor,
  cookieFor,
  makeCommittee,
  makeCommitteeMember,
  makeCommunity,
  makeResident,
  makeUser,
  tableCounts,
} from "./support/factories";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let server: Server;
let realtime: ReturnType<typeof attachRealtime>;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  server = createServer();
  realtime = attachRealtime(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

afterAll(async () => {
  await realtime.close();
});

function client(headers: Record<string, string> = {}): Client {
  const c: Client = connect(url, {
    transports: ["websocket"],
    forceNew: true,
    extraHeaders: headers,
  });
  clients.push(c);
  return c;
}

/** Resolves once the client is connected, also when it connected before it was asked. */
function connected(c: Client): Promise<void> {
  if (c.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    c.on("connect", () => resolve());
    c.on("connect_error", reject);
  });
}

// Typed emit-with-ack, so each call below reads as one request and its answer.
function ask<T>(c: Client, event: string, ...args: unknown[]): Promise<Ack<T>> {
  return (c.timeout(5000).emitWithAck as (e: string, ...a: unknown[]) => Promise<Ack<T>>)(
    event,
    ...args,
  );
}

describe("socket handshake and authorisation", () => {
  it("lets a connection without a session read a public channel, and nothing else", async () => {
    const community = await makeCommunity();
    const anon = client({ Cookie: "lng=en" });
    await connected(anon);
    expect(await ask(anon, "whoami")).toEqual({
      ok: true,
      data: { userId: null, displayName: null },
    });
    expect(await ask(anon, "subscribe", { channel: `community:${community}` })).toEqual({
      ok: true,
      data: { channel: `community:${community}` },
    });
    const before = await tableCounts();
    const refused = await ask(anon, "membership:request", { communityId: community });
    expect(refused).toEqual({
      ok: false,
      error: { status: 401, key: "errors.signInRequired", message: "Please sign in first." },
    });
    const own = await ask(anon, "subscribe", { channel: "user:1" });
    expect(own.ok).toBe(false);
    expect(await tableCounts()).toEqual(before);
  });

  it("treats a forged or revoked session cookie as no session", async () => {
    const community = await makeCommunity();
    const forged = client({ Cookie: "liuhe_session=forged-token-value" });
    await connected(forged);
    expect((await ask(forged, "membership:request", { communityId: community })).ok).toBe(false);

    const userId = await makeUser();
    const cookie = await cookieFor(userId);
    const c = client({ Cookie: cookie });
    const other = client({ Cookie: await cookieFor(userId) });
    await Promise.all([connected(c), connected(other)]);
    expect(await ask(c, "whoami")).toMatchObject({ ok: true, data: { userId } });
    const session = await sessionFromToken(cookie.split("=")[1]);
    const gone = new Promise((resolve) => c.on("disconnect", resolve));
    await run(logout, await actorFor(userId), { sessionId: session!.sessionId });
    // Signing out lets go of that session's sockets at once; the person's other session stays.
    expect(await gone).toBe("io server disconnect");
    expect(other.connected).toBe(true);
    expect(await ask(other, "whoami")).toMatchObject({ ok: true, data: { userId } });
  });

  it("lets go of a service-window sitting's sockets when the helper signs out", async () => {
    const community = await makeCommunity();
    const helper = await makeCommitteeMember(community);
    const resident = await makeResident(community);
    const cookie = await cookieFor(helper.userId!);
    const sessionId = (await currentFromCookie(cookie)).session!.sessionId;
    await run(startSitting, helper, { residentId: resident.userId!, consent: "signed", sessionId });
    const c = client({ Cookie: cookie });
    await connected(c);
    // The socket speaks for the resident; the session it stands on is the helper's.
    expect(await ask(c, "whoami")).toMatchObject({ ok: true, data: { userId: resident.userId } });
    const gone = new Promise((resolve) => c.on("disconnect", resolve));
    await run(logout, (await currentFromCookie(cookie)).actor, { sessionId });
    expect(await gone).toBe("io server disconnect");
  });

  it("lets a signed-in resident ask to join over the socket, through the same service", async () => {
    const community = await makeCommunity();
    const userId = await makeUser();
    const c = client({ Cookie: `${await cookieFor(userId)}; lng=zh-CN` });
    await connected(c);
    const res = await ask<{ membershipId: number }>(c, "membership:request", {
      communityId: community,
    });
    expect(res.ok).toBe(true);
    const again = await ask(c, "membership:request", { communityId: community });
    expect(again).toEqual({
      ok: false,
      error: {
        status: 409,
        key: "community:errors.alreadyPending",
        message: "您已经申请过，正在等待居委会审核。",
      },
    });
  });

  it("refuses malformed and forged payloads with a clear error, writing nothing", async () => {
    const community = await makeCommunity();
    const c = client({ Cookie: await cookieFor(await makeUser()) });
    await connected(c);
    const before = await tableCounts();
    for (const payload of [
      null,
      "x",
      { communityId: "1" },
      { communityId: -1 },
      { communityId: community, extra: true },
    ]) {
      const res = await ask(c, "membership:request", payload);
      expect(res).toMatchObject({ ok: false, error: { status: 400, key: "errors.badEvent" } });
    }
    expect((await ask(c, "subscribe", { channel: "admin:secrets" })).ok).toBe(false);
    // Another person's own channel is theirs alone.
    expect(await ask(c, "subscribe", { channel: "user:1" })).toMatchObject({
      ok: false,
      error: { status: 403, key: "errors.forbidden" },
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses a handshake from another site's page", async () => {
    const c = client({ Origin: "https://evil.example" });
    await expect(connected(c)).rejects.toThrow();
  });

  it("tells a resident's own channel when the committee decides, and the public channel too", async () => {
    const community = await makeCommunity();
    const userId = await makeUser();
    const committeeId = await makeUser();
    await makeCommittee(committeeId, community);
    const me = client({ Cookie: await cookieFor(userId) });
    const watcher = client();
    await Promise.all([connected(me), connected(watcher)]);
    expect((await ask(me, "subscribe", { channel: `user:${userId}` })).ok).toBe(true);
    expect((await ask(watcher, "subscribe", { channel: `community:${community}` })).ok).toBe(true);
    const res = await ask<{ membershipId: number }>(me, "membership:request", {
      communityId: community,
    });
    const mine = new Promise((resolve) =>
      me.on("changed", (p) => p.type === "membership.decided" && resolve(p)),
    );
    const pub = new Promise((resolve) =>
      watcher.on("changed", (p) => p.type === "membership.decided" && resolve(p)),
    );
    if (!res.ok) throw new Error("request refused");
    await run(decideMembership, await actorFor(committeeId), {
      membershipId: res.data.membershipId,
      decision: "verify",
      reason: "",
    });
    expect(await mine).toEqual({ channel: `user:${userId}`, type: "membership.decided" });
    expect(await pub).toEqual({ channel: `community:${community}`, type: "membership.decided" });
  });
});

describe("change notices", () => {
  it("coalesce a burst on one channel into one notice now and one trailing notice", async () => {
    const community = await makeCommunity();
    const watcher = client({ Cookie: "lng=en" });
    await connected(watcher);
    await ask(watcher, "subscribe", { channel: `community:${community}` });
    const seen: number[] = [];
    watcher.on("changed", (p) => {
      if (p.channel === `community:${community}`) seen.push(Date.now());
    });
    const start = Date.now();
    // Twenty ballots in a moment: watchers must not reload twenty times.
    for (let i = 0; i < 20; i++) {
      emitEvent({ type: "vote.changed", communityId: community, kind: "poll", id: 1 });
    }
    await new Promise((r) => setTimeout(r, CHANGED_INTERVAL_MS + 400));
    expect(seen.length).toBe(2);
    expect(seen[1]! - start).toBeGreaterThanOrEqual(CHANGED_INTERVAL_MS - 50);
  });
});
