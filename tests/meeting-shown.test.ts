/**
 * What a meeting's page shows alike to every viewer is kept a few seconds per process
 * (services/meetings/queries.server.ts, `meetingShown`): every change made through a command shows
 * on the next page, a write outside commands waits for PAGE_CACHE_MS, another meeting's change
 * drops nothing here, and what is the viewer's own (their sign-up, what they may do) is theirs on
 * every view. Read through the route's own loader, as Remix calls it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { keepShownReads } from "./support/shown";
import type { Actor } from "~/domain/permissions/policy";
import { loader } from "~/routes/meetings.$id._index";
import { cancelRsvp, rsvp } from "~/services/meetings/commands.server";
import { run } from "~/services/runner/command.server";
import { getDb } from "../db/client.server";
import { cookieFor, makeCommunity, makeMeeting, makeResident } from "./support/factories";
import { body, run as runRoute } from "./support/remix";

interface Page {
  meeting: { topic: string };
  seats: Array<{ kind: string; taken: number }>;
  myRsvp: { kind: string } | null;
  can: { rsvp: boolean };
}

async function page(meetingId: number, cookie: string | null = null): Promise<Page> {
  const res = await runRoute(
    loader,
    new Request(`http://localhost/meetings/${meetingId}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
    { id: String(meetingId) },
  );
  expect(res.status).toBe(200);
  return body<Page>(res);
}

const residentsTaken = (p: Page) => p.seats.find((s) => s.kind === "resident")?.taken;
const retopic = (id: number, topic: string) =>
  getDb().updateTable("meetings").set({ topic }).where("id", "=", id).execute();

keepShownReads();

describe("a meeting's page, kept for every viewer", () => {
  let community: number;
  let meetingId: number;
  let resident: Actor;
  let residentCookie: string;
  let neighbourCookie: string;

  beforeAll(async () => {
    community = await makeCommunity();
    ({ meetingId } = await makeMeeting(community, { residentSeats: 10 }));
    resident = await makeResident(community);
    residentCookie = await cookieFor(resident.userId!);
    neighbourCookie = await cookieFor((await makeResident(community)).userId!);
  });

  it("shows a sign-up made through a command on the next page, with the viewer's own part theirs", async () => {
    const before = await page(meetingId);
    expect(residentsTaken(before)).toBe(0);
    await run(rsvp, resident, { meetingId });
    expect(residentsTaken(await page(meetingId))).toBe(1);
    const own = await page(meetingId, residentCookie);
    expect(own.myRsvp).toMatchObject({ kind: "resident" });
    // The same kept page, another viewer: not signed up, and free to sign up.
    const other = await page(meetingId, neighbourCookie);
    expect(residentsTaken(other)).toBe(1);
    expect(other.myRsvp).toBeNull();
    expect(other.can.rsvp).toBe(true);
    expect((await page(meetingId)).myRsvp).toBeNull();
    await run(cancelRsvp, resident, { meetingId });
    expect(residentsTaken(await page(meetingId, neighbourCookie))).toBe(0);
    expect((await page(meetingId, residentCookie)).myRsvp).toBeNull();
  });

  it("keeps a write outside commands until a command changes the meeting, and another meeting's change drops nothing here", async () => {
    const topic = (await page(meetingId)).meeting.topic;
    await retopic(meetingId, "直接改写的议题");
    expect((await page(meetingId)).meeting.topic).toBe(topic);
    const { meetingId: other } = await makeMeeting(community, { residentSeats: 10 });
    await run(rsvp, resident, { meetingId: other });
    expect(residentsTaken(await page(other))).toBe(1);
    expect((await page(meetingId)).meeting.topic).toBe(topic);
    await run(rsvp, resident, { meetingId });
    expect((await page(meetingId)).meeting.topic).toBe("直接改写的议题");
  });
});
