/**
 * Who is asking, as pages see it: kept a few seconds per session token, and never a moment past
 * the change that makes it wrong (sign-out, revoked session, decided membership, committee seat,
 * a service-window sitting's start or end).
 */
import { describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { logout, revokeSession } from "~/services/accounts/commands.server";
import { endSitting, startSitting } from "~/services/assistance/commands.server";
import { decideMembership } from "~/services/communities/commands.server";
import { run } from "~/services/runner/command.server";
import { getCurrent } from "~/utils/session.server";
import {
  actorFor,
  cookieFor,
  makeCommitteeMember,
  makeCommunity,
  makeResident,
  makeUser,
} from "./support/factories";

/** A page's request with this cookie: a new Request each time, as each page view is. */
const asked = (cookie: string) =>
  getCurrent(new Request("http://liuhe.test/", { headers: { Cookie: cookie } }));

const sessionId = async (cookie: string) => (await asked(cookie)).session!.sessionId;

describe("who is asking, between requests", () => {
  it("is the same person on the next request, from the cache, until the session is signed out", async () => {
    const cookie = await cookieFor(await makeUser());
    const first = await asked(cookie);
    expect(first.session).not.toBeNull();
    // Changed behind the app's back (no event): the next request still has the kept answer.
    await getDb().updateTable("users").set({ displayName: "改名" }).execute();
    expect((await asked(cookie)).session!.user.displayName).toBe(first.session!.user.displayName);
    await run(logout, first.actor, { sessionId: first.session!.sessionId });
    expect((await asked(cookie)).session).toBeNull();
  });

  it("forgets a session revoked from another device at once", async () => {
    const userId = await makeUser();
    const [phone, laptop] = [await cookieFor(userId), await cookieFor(userId)];
    const onLaptop = await asked(laptop);
    await asked(phone);
    await run(revokeSession, onLaptop.actor, { sessionId: await sessionId(phone) });
    expect((await asked(phone)).session).toBeNull();
    expect((await asked(laptop)).session).not.toBeNull();
  });

  it("sees a membership decided since the last request", async () => {
    const community = await makeCommunity();
    const committee = await makeCommitteeMember(community);
    const userId = await makeUser();
    const cookie = await cookieFor(userId);
    const { id: membershipId } = await getDb()
      .insertInto("memberships")
      .values({ userId, communityId: community, status: "pending", requestedAt: "2026-12-01" })
      .returning("id")
      .executeTakeFirstOrThrow();
    expect((await asked(cookie)).actor.verifiedIn).not.toContain(community);
    await run(decideMembership, committee, { membershipId, decision: "verify", reason: "" });
    expect((await asked(cookie)).actor.verifiedIn).toContain(community);
  });

  it("acts for the resident from the request after a sitting starts, and stops after it ends", async () => {
    const community = await makeCommunity();
    const helper = await makeCommitteeMember(community);
    const resident = await makeResident(community);
    const cookie = await cookieFor(helper.userId!);
    const sid = await sessionId(cookie);
    expect((await asked(cookie)).session!.user.id).toBe(helper.userId);
    await run(startSitting, helper, {
      residentId: resident.userId!,
      consent: "signed",
      sessionId: sid,
    });
    const acting = await asked(cookie);
    expect(acting.session!.user.id).toBe(resident.userId);
    expect(acting.assistance).not.toBeNull();
    await run(endSitting, await actorFor(helper.userId!), { sessionId: sid });
    expect((await asked(cookie)).session!.user.id).toBe(helper.userId);
  });
});
