/**
 * The header's unread count is kept per person a few seconds (services/notices/queries.server.ts,
 * `keptUnread`): every signed-in page asks it. A notice delivered or read through a command shows
 * in the next count at once (the `notice.created` and `notice.read` events drop it, on every
 * process); a write outside commands waits for PAGE_CACHE_MS, which this file sets long enough that
 * only the events can explain a fresh count. One person's read drops their count only.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import type { Actor } from "~/domain/permissions/policy";
import { requestMembership } from "~/services/communities/commands.server";
import { markAllNoticesRead, markNoticeRead } from "~/services/notices/commands.server";
import { deliveriesSettled, setImmediateDelivery } from "~/services/notices/delivery.server";
import { unreadCount } from "~/services/notices/queries.server";
import { run } from "~/services/runner/command.server";
import { actorFor, makeCommittee, makeCommunity, makeUser } from "./support/factories";
import { keepShownReads } from "./support/shown";

keepShownReads();

let community: number;
let committee: Actor & { userId: number };
let colleague: Actor & { userId: number };

/** A resident asks to join: the community's committee is told (one delivery, two people). */
async function askToJoin(communityId = community) {
  const resident = await actorFor(await makeUser());
  await run(requestMembership, resident, { communityId });
  await deliveriesSettled();
}

/** A notice written straight into the table, as no command writes one (an outbox id of its own). */
let outboxId = 900_000;
async function writeDirectly(userId: number) {
  await getDb()
    .insertInto("notices")
    .values({
      userId,
      outboxId: ++outboxId,
      kind: "membership.asked",
      subjectType: "community",
      subjectId: community,
      params: "{}",
      createdAt: new Date().toISOString(),
    })
    .execute();
}

const unreadOf = async (userId: number) =>
  getDb()
    .selectFrom("notices")
    .select("id")
    .where("userId", "=", userId)
    .where("readAt", "is", null)
    .orderBy("id")
    .execute();

beforeEach(async () => {
  setImmediateDelivery(true);
  community = await makeCommunity();
  for (const who of ["committee", "colleague"] as const) {
    const id = await makeUser();
    await makeCommittee(id, community);
    const actor = (await actorFor(id)) as Actor & { userId: number };
    if (who === "committee") committee = actor;
    else colleague = actor;
  }
});

describe("the unread count, kept per person", () => {
  it("is kept: a notice written outside commands is not counted yet", async () => {
    expect(await unreadCount(committee)).toBe(0);
    await writeDirectly(committee.userId);
    expect(await unreadCount(committee)).toBe(0);
    expect(await unreadOf(committee.userId)).toHaveLength(1);
  });

  it("counts a notice delivered through a command at once, for everyone told", async () => {
    expect([await unreadCount(committee), await unreadCount(colleague)]).toEqual([0, 0]);
    await askToJoin();
    expect([await unreadCount(committee), await unreadCount(colleague)]).toEqual([1, 1]);
    await askToJoin();
    expect([await unreadCount(committee), await unreadCount(colleague)]).toEqual([2, 2]);
  });

  it("drops the reader's count when they read, and only theirs", async () => {
    await askToJoin();
    await askToJoin();
    expect([await unreadCount(committee), await unreadCount(colleague)]).toEqual([2, 2]);
    // The colleague's count is kept; a notice written outside commands shows whether it was read
    // again.
    await writeDirectly(colleague.userId);
    const [first] = await unreadOf(committee.userId);
    expect(await run(markNoticeRead, committee, { noticeId: first!.id })).toBe(true);
    expect(await unreadCount(committee)).toBe(1);
    expect(await unreadCount(colleague)).toBe(2);
    expect(await run(markAllNoticesRead, committee, {})).toBe(1);
    expect(await unreadCount(committee)).toBe(0);
    // The colleague reads: their count is read again, with the notice written directly.
    await run(markAllNoticesRead, colleague, {});
    expect(await unreadCount(colleague)).toBe(0);
    await writeDirectly(colleague.userId);
    const [direct] = await unreadOf(colleague.userId);
    await run(markNoticeRead, colleague, { noticeId: direct!.id });
    expect(await unreadCount(colleague)).toBe(0);
    expect(await unreadOf(colleague.userId)).toEqual([]);
  });

  it("drops only the one person told, when one is", async () => {
    const alone = await makeCommunity();
    const id = await makeUser();
    await makeCommittee(id, alone);
    const lone = await actorFor(id);
    expect([await unreadCount(lone), await unreadCount(committee)]).toEqual([0, 0]);
    await writeDirectly(committee.userId);
    await askToJoin(alone);
    expect(await unreadCount(lone)).toBe(1);
    // Not told, so still kept without the notice written outside commands.
    expect(await unreadCount(committee)).toBe(0);
  });
});
