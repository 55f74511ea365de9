/**
 * The header's live count with real Socket.IO clients: the NOTICES_NAMESPACE namespace puts a
 * signed-in socket in its own channel, says when its notices changed, and answers the count for
 * that socket's person only; a visitor's socket is let go.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { attachRealtime } from "~/realtime/server.server";
import {
  NOTICES_NAMESPACE,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from "~/realtime/protocol";
import { decideMembership, requestMembership } from "~/services/communities/commands.server";
import { markNoticeRead } from "~/services/notices/commands.server";
import { deliveriesSettled } from "~/services/notices/delivery.server";
import { run } from "~/services/runner/command.server";
import { actorFor, cookieFor, makeCommittee, makeCommunity, makeUser } from "./support/factories";
import { getDb } from "../db/client.server";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

let server: Server;
let realtime: ReturnType<typeof attachRealtime>;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  server = createServer();
  realtime = attachRealtime(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${NOTICES_NAMESPACE}`;
});

afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

afterAll(async () => {
  await realtime.close();
});

function client(cookie: string | null): Client {
  const c: Client = connect(url, {
    transports: ["websocket"],
    forceNew: true,
    extraHeaders: cookie ? { Cookie: cookie } : {},
  });
  clients.push(c);
  return c;
}

/**
 * Resolves once the client is connected, also when it connected before this was asked (a test
 * that awaits something between making a client and asking lost the "connect" event, and waited
 * for it until the test's time ran out: seen once on PostgreSQL in CI).
 */
const connected = (c: Client) =>
  c.connected
    ? Promise.resolve()
    : new Promise<void>((resolve, reject) => {
        c.on("connect", () => resolve());
        c.on("connect_error", reject);
      });

const unread = async (c: Client) =>
  (await c.timeout(5000).emitWithAck("notices:unread", {})) as Ack<{ unread: number }>;

/** How many "notices:changed" the client has heard so far. */
function heard(c: Client) {
  const got = { n: 0, next: null as null | (() => void) };
  c.on("notices:changed", () => {
    got.n++;
    got.next?.();
  });
  return {
    get n() {
      return got.n;
    },
    once: () => new Promise<void>((resolve) => (got.next = resolve)),
  };
}

describe("the live unread count", () => {
  it("tells the person whose notice arrived, and nobody else; the count follows marks", async () => {
    const community = await makeCommunity();
    const committeeId = await makeUser();
    await makeCommittee(committeeId, community);
    const residentId = await makeUser();
    const bystanderId = await makeUser();
    const resident = client(await cookieFor(residentId));
    const bystander = client(await cookieFor(bystanderId));
    await Promise.all([connected(resident), connected(bystander)]);
    const residentHeard = heard(resident);
    const bystanderHeard = heard(bystander);
    expect(await unread(resident)).toEqual({ ok: true, data: { unread: 0 } });

    const membershipId = await run(requestMembership, await actorFor(residentId), {
      communityId: community,
    });
    await deliveriesSettled();
    const told = residentHeard.once();
    await run(decideMembership, await actorFor(committeeId), {
      membershipId,
      decision: "verify",
      reason: "",
    });
    await told;
    expect(await unread(resident)).toEqual({ ok: true, data: { unread: 1 } });

    const notice = await getDb()
      .selectFrom("notices")
      .select("id")
      .where("userId", "=", residentId)
      .executeTakeFirstOrThrow();
    const toldAgain = residentHeard.once();
    await run(markNoticeRead, await actorFor(residentId), { noticeId: notice.id });
    await toldAgain;
    expect(await unread(resident)).toEqual({ ok: true, data: { unread: 0 } });
    expect(residentHeard.n).toBe(2);
    expect(bystanderHeard.n).toBe(0);
    expect(await unread(bystander)).toEqual({ ok: true, data: { unread: 0 } });
  });

  it("refuses a malformed or oversized ask with a message in the person's language", async () => {
    const c = client(`${await cookieFor(await makeUser())}; lng=en`);
    await connected(c);
    const ask = (payload: unknown) =>
      (c.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack<{ unread: number }>>)(
        "notices:unread",
        payload,
      );
    for (const payload of ["x", 42, null, { userId: 1 }, [1]]) {
      const res = await ask(payload);
      expect(res, JSON.stringify(payload)).toMatchObject({
        ok: false,
        error: { status: 400, key: "errors.badEvent" },
      });
      if (!res.ok) expect(res.error.message).not.toBe("errors.badEvent");
    }
    const big = await ask({ pad: "x".repeat(20_000) });
    expect(big).toMatchObject({ ok: false, error: { status: 413, key: "errors.tooLarge" } });
    expect(c.connected).toBe(true);
    expect(await ask({})).toEqual({ ok: true, data: { unread: 0 } });
  });

  it("gives the small list: the person's newest notices, said in their language, and the count", async () => {
    const community = await makeCommunity("翠苑");
    const committeeId = await makeUser();
    await makeCommittee(committeeId, community);
    const residentId = await makeUser();
    const membershipId = await run(requestMembership, await actorFor(residentId), {
      communityId: community,
    });
    await run(decideMembership, await actorFor(committeeId), {
      membershipId,
      decision: "decline",
      reason: "地址不符",
    });
    await deliveriesSettled();
    const latest = (c: Client) =>
      c.timeout(5000).emitWithAck("notices:latest", {}) as Promise<
        Ack<{ unread: number; notices: Array<Record<string, unknown>> }>
      >;
    const en = client(`${await cookieFor(residentId)}; lng=en`);
    const zh = client(await cookieFor(residentId));
    const committee = client(`${await cookieFor(committeeId)}; lng=en`);
    await Promise.all([connected(en), connected(zh), connected(committee)]);
    expect(await latest(en)).toEqual({
      ok: true,
      data: {
        unread: 1,
        notices: [
          {
            id: expect.any(Number),
            text: "Your request to join 翠苑 was declined.",
            href: `/communities/${community}`,
            createdAt: expect.any(String),
            unread: true,
          },
        ],
      },
    });
    const said = await latest(zh);
    expect(said.ok && said.data.notices[0]!.text).toBe("你加入翠苑区的申请没有通过。");
    const theirs = await latest(committee);
    expect(theirs.ok && theirs.data.notices.map((n) => n.text)).toEqual([
      "A resident asked to join 翠苑. Please review it.",
    ]);
    const forged = await (
      en.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack<unknown>>
    )("notices:latest", { userId: committeeId });
    expect(forged).toMatchObject({ ok: false, error: { status: 400, key: "errors.badEvent" } });
  });

  it("lets a visitor's socket go", async () => {
    const visitor = client(null);
    const gone = new Promise((resolve) => visitor.on("disconnect", resolve));
    await connected(visitor).catch(() => undefined);
    expect(await gone).toBe("io server disconnect");
  });
});
