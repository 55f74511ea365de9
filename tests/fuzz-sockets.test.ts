/**
 * Every socket event, fuzzed (issue 13, "Fuzz every edge"): generated payloads (the events' own
 * keys and unknown ones; numbers that are negative, huge, fractional or strings; text with control
 * characters, bidi overrides and 800 characters; arrays, null, nesting) sent to the real
 * server module by real socket.io-client connections, as a committee member, a resident and an
 * anonymous visitor. Whatever comes: an answer (ok, or a refusal whose message the locale files
 * hold), the connection stays up, and a refusal writes nothing.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachRealtime, PACKET_MAX_BYTES } from "~/realtime/server.server";
import type { Ack } from "~/realtime/protocol";
import {
  cookieFor,
  dbSnapshot,
  makeCommitteeMember,
  makeCommunity,
  makeMeeting,
  makeResident,
} from "./support/factories";
import { translated } from "./support/sweep";

/** Every event a client may send that answers (`whoami` takes no payload). */
const EVENTS = [
  "subscribe",
  "unsubscribe",
  "room:join",
  "room:leave",
  "room:history",
  "room:message",
  "room:post",
  "room:flag",
  "room:moderate",
  "queue:raise",
  "queue:lower",
  "membership:request",
] as const;

const KEYS = [
  "meetingId",
  "messageId",
  "communityId",
  "userId",
  "body",
  "channel",
  "after",
  "before",
  "action",
  "reason",
  "minutes",
  "seconds",
  "itemId",
];

let server: Server;
let realtime: ReturnType<typeof attachRealtime>;
let url: string;
let meetingId: number;
let communityId: number;
const sockets: Record<string, Socket> = {};

beforeAll(async () => {
  communityId = await makeCommunity();
  ({ meetingId } = await makeMeeting(communityId));
  const committee = await makeCommitteeMember(communityId);
  const resident = await makeResident(communityId);
  server = createServer();
  realtime = attachRealtime(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cookies = {
    committee: await cookieFor(committee.userId!),
    resident: await cookieFor(resident.userId!),
    anonymous: null,
  };
  for (const [who, cookie] of Object.entries(cookies)) {
    const s = connect(url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: cookie ? { Cookie: cookie } : {},
    });
    await new Promise<void>((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("connect_error", reject);
    });
    sockets[who] = s;
  }
});

afterAll(async () => {
  for (const s of Object.values(sockets)) s.disconnect();
  await realtime.close();
});

/** A real id some of the time, so that the fuzzing reaches past "not found". */
const number = () =>
  fc.oneof(
    fc.constantFrom(meetingId, communityId, 1, 0, -1, 2 ** 53, 1.5, Number.MAX_VALUE),
    fc.integer(),
    fc.constantFrom("1", "0x10", "", "NaN"),
  );
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom("a", "中", " ", "\n", "\u0000", "\u001b", "\u202e", "\ufffd"),
    maxLength: 20,
  }),
  // Long (five such fields, 12 KB, stay inside the event limit, past which every event is refused
  // as too large: tests/room-socket.test.ts).
  fc.constant("长".repeat(800)),
  fc.constantFrom(`meeting:${1}`, "community:1", "user:1", "room:1"),
);
const leaf = () => fc.oneof(number(), text, fc.boolean(), fc.constant(null));
const payload = () =>
  fc.oneof(
    { weight: 5, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), leaf(), { maxKeys: 5 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
        maxKeys: 4,
      }),
    },
    { weight: 1, arbitrary: fc.oneof(leaf(), fc.array(leaf(), { maxLength: 3 })) },
  );

function ask(s: Socket, event: string, data: unknown): Promise<Ack<unknown>> {
  return (s.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Ack<unknown>>)(
    event,
    data,
  );
}

describe("every socket event, fuzzed", () => {
  it.each(EVENTS)(
    "%s: always an answer, a refusal with a message, nothing written",
    async (event) => {
      await fc.assert(
        fc.asyncProperty(
          payload(),
          fc.constantFrom("committee", "resident", "anonymous"),
          async (data, who) => {
            const s = sockets[who]!;
            // Meeting ids are the meeting's for room events, so that the checks behind "not found" run.
            const sent =
              data && typeof data === "object" && !Array.isArray(data) && "meetingId" in data
                ? { ...data, meetingId: Math.random() < 0.7 ? meetingId : data.meetingId }
                : data;
            const before = await dbSnapshot();
            const res = await ask(s, event, sent);
            expect(s.connected, `${event} as ${who} disconnected`).toBe(true);
            expect(typeof res.ok).toBe("boolean");
            if (res.ok) return;
            expect(translated(res.error.key), `${event}: ${res.error.key}`).toBe(true);
            expect(await dbSnapshot()).toEqual(before);
          },
        ),
        { numRuns: 15 },
      );
    },
  );

  it("closes only the connection that sends a packet past the ceiling; the others go on", async () => {
    const big = connect(url, { transports: ["websocket"], forceNew: true, reconnection: false });
    await new Promise<void>((r) => big.once("connect", () => r()));
    const closed = new Promise<string>((r) => big.once("disconnect", (reason) => r(reason)));
    big.emit("room:post", { meetingId, body: "长".repeat(PACKET_MAX_BYTES) }, () => undefined);
    expect(await closed).toBe("transport close");
    expect((await ask(sockets.resident!, "room:join", { meetingId })).ok).toBe(true);
  });

  it("answers an event that brings no acknowledgement by ignoring it, and stays up", async () => {
    const s = sockets.committee!;
    for (const event of EVENTS) s.emit(event, { meetingId });
    s.emit("room:post", "no callback", 42);
    expect((await ask(s, "room:join", { meetingId })).ok).toBe(true);
  });
});
