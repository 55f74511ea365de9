/**
 * What is new in a community (the signed-in home's news) is cut, for each viewer, from rows kept
 * per community for everyone (services/home/queries.server.ts, `keptNews`): a project, meeting or
 * vote made through a command shows on the next home; a write outside commands waits for
 * PAGE_CACHE_MS; a vote opens and closes by each request's own clock; and a last visit older than
 * the kept rows reads its own. The residents verified since a visit are counted from the same kept
 * rows, and a community's resident counts and committee changes (`peopleNews` in
 * services/communities/queries.server.ts) are kept for all its members alike: a membership decided
 * or a committee member appointed through a command shows on the next home.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { parseLoginId } from "~/domain/accounts/schemas";
import { keepShownReads } from "./support/shown";
import type { Actor } from "~/domain/permissions/policy";
import { homeFor } from "~/services/home/queries.server";
import { drop } from "~/services/cluster.server";
import {
  appointCommitteeMember,
  decideMembership,
  requestMembership,
} from "~/services/communities/commands.server";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import { run } from "~/services/runner/command.server";
import { getDb } from "../db/client.server";
import {
  makeCommitteeMember,
  makeCommunity,
  makeMembership,
  makeUser,
  actorFor,
  makeCouncil,
  makeMeetingAt,
  makeOpenPoll,
  makeProject,
  makeResident,
  projectInput,
  setVoteWindow,
} from "./support/factories";

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

keepShownReads();

let community: number;
let resident: Actor & { userId: number };
/** The news but the residents who joined (the test's own, made just now, are news too). */
const news = async (since: string) =>
  (await homeFor(resident, since)).communities
    .find((c) => c.communityId === community)!
    .news.filter((n) => n.kind !== "residents");

beforeEach(async () => {
  community = await makeCommunity();
  resident = (await makeResident(community)) as Actor & { userId: number };
});

describe("a community's news, kept for everyone and cut for each visit", () => {
  it("shows a project submitted through a command at once, and a write outside commands later", async () => {
    const since = ago(60_000);
    expect(await news(since)).toEqual([]);
    const direct = await makeProject(community, { title: "直接写入的项目", status: "submitted" });
    await getDb()
      .updateTable("projects")
      .set({ submittedAt: new Date().toISOString() })
      .where("id", "=", direct)
      .execute();
    expect(await news(since)).toEqual([]);
    const other = await makeResident(community);
    const draft = await run(proposeProject, other, {
      ...projectInput(community, { title: "单元门禁维修" }),
      photo: null,
    });
    await run(takeStep, other, { id: draft, step: "submit", reason: "" });
    expect((await news(since)).map((n) => n.title).sort()).toEqual(
      ["单元门禁维修", "直接写入的项目"].sort(),
    );
    // A later visit sees neither: they came before it.
    expect(await news(new Date(Date.now() + 1000).toISOString())).toEqual([]);
  });

  it("opens a vote by the request's own clock, with no event in between", async () => {
    const since = ago(60_000);
    const { id } = await makeOpenPoll(community, { question: "小区停车收费要不要调整？" });
    await setVoteWindow("poll", id, 400, 3_600_000);
    // The poll's new window was written outside commands: forget the kept rows by hand.
    drop({ shown: "homeNews", key: String(community) });
    expect((await news(since)).filter((n) => n.kind === "voteOpened")).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect((await news(since)).filter((n) => n.kind === "voteOpened")).toMatchObject([
      { href: `/polls/${id}`, title: "小区停车收费要不要调整？" },
    ]);
  });

  it("reads its own rows for a last visit older than the kept ones", async () => {
    const councilId = await makeCouncil(community, "楼道议事会");
    const old = await makeMeetingAt(councilId, "四十天前的圆桌会", "closed", -960, -958);
    await getDb()
      .updateTable("meetings")
      .set({ createdAt: ago(40 * DAY) })
      .where("id", "=", old)
      .execute();
    drop({ shown: "homeNews", key: String(community) });
    expect((await news(ago(7 * DAY))).map((n) => n.title)).toEqual([]);
    expect((await news(ago(45 * DAY))).map((n) => n.title)).toEqual(["四十天前的圆桌会"]);
  });

  it("counts the residents verified since the visit: through a command at once, otherwise later", async () => {
    const since = ago(60_000);
    const joined = async (visit: string) =>
      (await homeFor(resident, visit)).communities
        .find((c) => c.communityId === community)!
        .news.find((n) => n.kind === "residents")?.count ?? 0;
    // The test's resident, verified just now.
    expect(await joined(since)).toBe(1);
    // Verified outside commands: no event, the kept rows do not know yet.
    await makeMembership(await makeUser(), community, "verified");
    expect(await joined(since)).toBe(1);
    const committee = await makeCommitteeMember(community);
    const newcomer = await actorFor(await makeUser());
    await run(requestMembership, newcomer, { communityId: community });
    const { id: membershipId } = await getDb()
      .selectFrom("memberships")
      .select("id")
      .where("userId", "=", newcomer.userId!)
      .executeTakeFirstOrThrow();
    await run(decideMembership, committee, { membershipId, decision: "verify", reason: "" });
    // The decision dropped the kept rows: all three now.
    expect(await joined(since)).toBe(3);
    // A visit after they joined counts none; one older than the kept rows counts them all.
    expect(await joined(new Date(Date.now() + 1000).toISOString())).toBe(0);
    await getDb()
      .updateTable("memberships")
      .set({ decidedAt: ago(40 * DAY) })
      .where("userId", "=", resident.userId)
      .execute();
    drop({ shown: "homeNews", key: String(community) });
    expect(await joined(ago(7 * DAY))).toBe(2);
    expect(await joined(ago(45 * DAY))).toBe(3);
  });

  it("keeps a community's resident counts and committee changes for all, until they change", async () => {
    const block = async (who: Actor & { userId: number }) =>
      (await homeFor(who, ago(60_000))).communities.find((c) => c.communityId === community)!;
    const committee = (await makeCommitteeMember(community)) as Actor & { userId: number };
    expect(await block(resident)).toMatchObject({ verifiedCount: 1, pendingRequests: null });
    expect(await block(committee)).toMatchObject({ verifiedCount: 1, pendingRequests: 0 });
    // Outside commands: not seen while kept.
    await makeMembership(await makeUser(), community, "verified");
    expect((await block(resident)).verifiedCount).toBe(1);
    // A request through its command: the committee sees it waiting, everyone the new count.
    const newcomer = await actorFor(await makeUser());
    await run(requestMembership, newcomer, { communityId: community });
    expect(await block(committee)).toMatchObject({ verifiedCount: 2, pendingRequests: 1 });
    expect((await block(resident)).verifiedCount).toBe(2);
    // A committee member appointed through the command is news at once.
    const admin = await actorFor(await makeUser({ isAdmin: true }));
    await makeUser({ username: "newchair" });
    await run(appointCommitteeMember, admin, {
      communityId: community,
      login: parseLoginId("newchair")!,
    });
    expect((await block(resident)).news.filter((n) => n.kind === "committee")).toHaveLength(1);
  });
});
