/**
 * What a community's page shows to everyone is kept a few seconds per process
 * (services/communities/shown.server.ts): every change made through a command shows on the very
 * next page, and only a write outside commands waits for PAGE_CACHE_MS. The page is the route's
 * own loader, as Remix calls it.
 */
import { describe, expect, it } from "vitest";
import { keepShownReads } from "./support/shown";
import { loader as homeLoader } from "~/routes/_index";
import { loader, action } from "~/routes/communities.$id._index";
import { drop, onDrop } from "~/services/cluster.server";
// Every kept read that a vote could drop is registered (each module registers its own).
import "~/services/index/pages.server";
import "~/services/open-data/datasets.server";
import "~/services/voting/queries.server";
import { pageCacheMs } from "~/services/shown.server";
import { proposeProject, takeStep } from "~/services/projects/commands.server";
import { run as runCommand } from "~/services/runner/command.server";
import { votePoll } from "~/services/voting/ballots.server";
import { createPoll } from "~/services/voting/commands.server";
import { getDb } from "../db/client.server";
import {
  makeOpenPoll,
  cookieFor,
  pollInput,
  makeCommittee,
  makeCommunity,
  makeCouncil,
  makeResident,
  makeUser,
  projectInput,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

interface Shown {
  councils: Array<{ name: string }>;
  projects: { items: Array<{ title: string }>; total: number };
  threshold: number | null;
  page: { committee: Array<{ displayName: string }>; verifiedCount: number; pendingCount: number };
}

async function page(community: number, cookie: string | null = null): Promise<Shown> {
  const res = await run(
    loader,
    new Request(`http://localhost/communities/${community}`, {
      headers: cookie ? { Cookie: cookie } : {},
    }),
    { id: String(community) },
  );
  expect(res.status).toBe(200);
  return body<Shown>(res);
}

async function post(community: number, cookie: string, fields: Record<string, string>) {
  const res = await run(
    action,
    formRequest(`/communities/${community}`, fields, { Cookie: cookie }),
    { id: String(community) },
  );
  expect(res.status).toBe(302);
}

keepShownReads();

describe("what a community page shows to everyone", () => {
  it("is kept between requests: a row written outside commands does not show yet", async () => {
    const community = await makeCommunity();
    expect((await page(community)).councils).toEqual([]);
    await makeCouncil(community, "直接写入的议事会");
    expect((await page(community)).councils).toEqual([]);
    // Signed-in viewers share it too.
    expect((await page(community, await cookieFor(await makeUser()))).councils).toEqual([]);
    // Until something drops it (here by hand; commands do it through their events).
    drop({ shown: "community", key: String(community) });
    expect((await page(community)).councils.map((c) => c.name)).toEqual(["直接写入的议事会"]);
  });

  it("shows every change made through a command on the next page", async () => {
    const community = await makeCommunity();
    const chairId = await makeUser({ displayName: "钱主任" });
    await makeCommittee(chairId, community);
    const chair = await cookieFor(chairId);
    const before = await page(community);
    expect(before.page.pendingCount).toBe(0);

    // A council (community.changed).
    await post(community, chair, {
      intent: "createCouncil",
      name: "楼道议事会",
      purpose: "楼道的事",
    });
    expect((await page(community)).councils.map((c) => c.name)).toEqual(["楼道议事会"]);

    // The support threshold (community.changed).
    await post(community, chair, { intent: "threshold", threshold: "12" });
    expect((await page(community)).threshold).toBe(12);

    // A membership request (membership.requested): the pending count.
    const newcomer = await cookieFor(await makeUser({ displayName: "孙阿姨" }));
    await post(community, newcomer, { intent: "request" });
    expect((await page(community)).page.pendingCount).toBe(1);

    // An appointment to the committee, by an admin (committee.changed).
    await makeUser({ displayName: "李委员", username: "li-weiyuan" });
    const admin = await cookieFor(await makeUser({ isAdmin: true }));
    await post(community, admin, { intent: "appoint", login: "li-weiyuan" });
    expect((await page(community)).page.committee.map((m) => m.displayName)).toContain("李委员");

    // A micro-project submitted (project.changed).
    const resident = await makeResident(community);
    const draft = await runCommand(proposeProject, resident, {
      ...projectInput(community, { title: "单元门禁维修" }),
      photo: null,
    });
    expect((await page(community)).projects.items.map((p) => p.title)).not.toContain(
      "单元门禁维修",
    );
    await runCommand(takeStep, resident, { id: draft, step: "submit", reason: "" });
    expect((await page(community)).projects.items.map((p) => p.title)).toContain("单元门禁维修");
  });

  it("on a visitor's home too: a project submitted anywhere shows on the next visit", async () => {
    const visit = async () => {
      const res = await run(homeLoader, new Request("http://localhost/"));
      return (await body<{ visitor: { projects: Array<{ title: string }> } }>(res)).visitor;
    };
    const community = await makeCommunity();
    const resident = await makeResident(community);
    const titles = async () => (await visit()).projects.map((p) => p.title);
    const draft = await runCommand(proposeProject, resident, {
      ...projectInput(community, { title: "首页可见的项目" }),
      photo: null,
    });
    expect(await titles()).not.toContain("首页可见的项目");
    await runCommand(takeStep, resident, { id: draft, step: "submit", reason: "" });
    expect(await titles()).toContain("首页可见的项目");
  });

  it("its meetings and votes are kept too: a new poll shows at once, a ballot drops nothing, and each viewer's own votes are read afresh", async () => {
    const community = await makeCommunity();
    const polls = async (cookie: string | null = null) => {
      const res = await run(
        loader,
        new Request(`http://localhost/communities/${community}`, {
          headers: cookie ? { Cookie: cookie } : {},
        }),
        { id: String(community) },
      );
      const data = await body<{
        votes: { polls: Array<{ id: number; question: string; voted: boolean | null }> };
      }>(res);
      return data.votes.polls.map((p) => [p.question, p.voted]);
    };
    expect(await polls()).toEqual([]);
    const { id, option } = await makeOpenPoll(community, { question: "社区页上的投票" });
    expect(await polls()).toEqual([["社区页上的投票", null]]);
    await getDb()
      .updateTable("polls")
      .set({ question: "改过的问题" })
      .where("id", "=", id)
      .execute();
    const voter = await makeResident(community);
    await runCommand(votePoll, voter, { id, choice: [option] });
    // The rows are kept through the ballot, for visitors and residents alike...
    expect(await polls()).toEqual([["社区页上的投票", null]]);
    // ...but what each resident did is their own, read on every page.
    expect(await polls(await cookieFor(voter.userId!))).toEqual([["社区页上的投票", true]]);
    const other = await makeResident(community);
    expect(await polls(await cookieFor(other.userId!))).toEqual([["社区页上的投票", false]]);
  });

  it("a ballot drops no kept read on any process: ballots are the busiest write", async () => {
    const community = await makeCommunity();
    const { id, option } = await makeOpenPoll(community);
    const voter = await makeResident(community);
    const dropped: unknown[] = [];
    const stop = onDrop((what) => void dropped.push(what));
    try {
      await runCommand(votePoll, voter, { id, choice: [option] });
    } finally {
      stop();
    }
    expect(dropped).toEqual([]);
    // A change to the poll itself does drop what shows it (the test would pass on no listener).
    const again = onDrop((what) => void dropped.push(what));
    try {
      await makeOpenPoll(community);
    } finally {
      again();
    }
    expect(dropped.length).toBeGreaterThan(0);
  });

  it("on a visitor's home, a new poll shows at once; a ballot reads nothing again", async () => {
    const votes = async () => {
      const res = await run(homeLoader, new Request("http://localhost/"));
      const { visitor } = await body<{ visitor: { votes: Array<{ id: number; title: string }> } }>(
        res,
      );
      return visitor.votes;
    };
    const community = await makeCommunity();
    const { id, option, committee } = await makeOpenPoll(community, { question: "首页上的投票" });
    expect((await votes()).find((v) => v.id === id)?.title).toBe("首页上的投票");
    // Written outside commands: not shown while the home is kept.
    await getDb()
      .updateTable("polls")
      .set({ question: "改过的问题" })
      .where("id", "=", id)
      .execute();
    const resident = await makeResident(community);
    await runCommand(votePoll, resident, { id, choice: [option] });
    // The ballot's event did not drop the home: it shows no count, and ballots come often.
    expect((await votes()).find((v) => v.id === id)?.title).toBe("首页上的投票");
    // A change to a vote does.
    await runCommand(createPoll, committee, {
      ...pollInput(),
      communityId: community,
      meetingId: null,
    });
    expect((await votes()).find((v) => v.id === id)?.title).toBe("改过的问题");
  });

  it("is kept for PAGE_CACHE_MS: 5 s unless set, 0 turns it off", () => {
    expect(pageCacheMs({})).toBe(5000);
    expect(pageCacheMs({ PAGE_CACHE_MS: "" })).toBe(5000);
    expect(pageCacheMs({ PAGE_CACHE_MS: "0" })).toBe(0);
    expect(pageCacheMs({ PAGE_CACHE_MS: "250" })).toBe(250);
    // Anything else never gets this far: readConfig refuses it before the server starts.
  });

  it("with PAGE_CACHE_MS=0, every page reads afresh", async () => {
    process.env.PAGE_CACHE_MS = "0";
    try {
      const community = await makeCommunity();
      expect((await page(community)).councils).toEqual([]);
      await makeCouncil(community, "不缓存");
      expect((await page(community)).councils.map((c) => c.name)).toEqual(["不缓存"]);
    } finally {
      process.env.PAGE_CACHE_MS = "600000";
    }
  });
});
