/**
 * What a poll's and a budget round's page show alike to every viewer is kept a few seconds per
 * process (services/voting/queries.server.ts, `pollShown`, `roundShown`): a change made through a
 * command shows on the next page, a write outside commands waits for PAGE_CACHE_MS, a ballot drops
 * nothing yet counts at once, and what is the viewer's own (whether they voted, whether they may)
 * is theirs on every view. A seat-holder poll's voters come from its meeting's kept context, which
 * an invitation drops. A round closed with nobody to count it is counted by its first view.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { keepShownReads } from "./support/shown";
import { parseLoginId } from "~/domain/accounts/schemas";
import type { Actor } from "~/domain/permissions/policy";
import { roundSchema } from "~/domain/voting/schemas";
import { inviteToSeat } from "~/services/meetings/commands.server";
import { proposeProject } from "~/services/projects/commands.server";
import { run } from "~/services/runner/command.server";
import { votePoll, voteRound } from "~/services/voting/ballots.server";
import { recordPaperVoter } from "~/services/voting/box.server";
import { cancelPoll, createPoll, createRound } from "~/services/voting/commands.server";
import { pollPage, roundPage } from "~/services/voting/queries.server";
import { getDb } from "../db/client.server";
import {
  actorFor,
  chinaLocal,
  firstOptionOf,
  makeCommitteeMember,
  makeCommunity,
  makeMeeting,
  makeProject,
  makeResident,
  makeUser,
  pollInput,
  projectInput,
  setVoteWindow,
} from "./support/factories";

keepShownReads();

const HOUR = 3_600_000;
const requestion = (id: number, question: string) =>
  getDb().updateTable("polls").set({ question }).where("id", "=", id).execute();
const retitle = (id: number, title: string) =>
  getDb().updateTable("projects").set({ title }).where("id", "=", id).execute();

let community: number;
let committee: Actor;
let residents: Actor[];

beforeAll(async () => {
  community = await makeCommunity();
  committee = await makeCommitteeMember(community);
  residents = [];
  for (let i = 0; i < 3; i++) residents.push(await makeResident(community));
});

const newPoll = (meetingId: number | null = null, change: Record<string, unknown> = {}) =>
  run(createPoll, committee, {
    ...pollInput({ results: "afterClose", ...change }),
    communityId: community,
    meetingId,
  });

describe("a poll's page, kept for every viewer", () => {
  it("keeps a write outside commands until a command changes the poll; another poll's change drops nothing", async () => {
    const id = await newPoll();
    const other = await newPoll();
    const question = (await pollPage(residents[0]!, id))!.poll.question;
    await requestion(id, "直接改写的问题");
    expect((await pollPage(residents[0]!, id))!.poll.question).toBe(question);
    await run(cancelPoll, committee, { id: other, reason: "另行安排" });
    expect((await pollPage(residents[0]!, other))!.phase).toBe("cancelled");
    expect((await pollPage(residents[0]!, id))!.poll.question).toBe(question);
    await run(cancelPoll, committee, { id, reason: "问题需要改写" });
    const page = (await pollPage(residents[0]!, id))!;
    expect(page.poll.question).toBe("直接改写的问题");
    expect(page.phase).toBe("cancelled");
    expect(page.cancelled).toMatchObject({ reason: "问题需要改写" });
  });

  it("drops nothing for a ballot, and the viewer's own part is theirs", async () => {
    const id = await newPoll();
    const before = (await pollPage(residents[0]!, id))!;
    expect(before.viewer).toMatchObject({ voted: false, canVote: true });
    await requestion(id, "投票后仍未显示的问题");
    await run(votePoll, residents[0]!, { id, choice: [await firstOptionOf(id)] });
    const own = (await pollPage(residents[0]!, id))!;
    expect(own.viewer).toMatchObject({ voted: true, canVote: false });
    // A ballot changes nothing the page keeps: the write outside commands is still not read.
    expect(own.poll.question).toBe(before.poll.question);
    const other = (await pollPage(residents[1]!, id))!;
    expect(other.viewer).toMatchObject({ voted: false, canVote: true });
  });

  it("shows a step of the paper box on the next page, to the committee and to residents", async () => {
    const id = await newPoll();
    expect((await pollPage(residents[0]!, id))!.box.expected).toBe(0);
    expect((await pollPage(committee, id))!.paper).toEqual([]);
    await run(recordPaperVoter, committee, { kind: "poll", id, voter: residents[2]!.userId! });
    expect((await pollPage(residents[0]!, id))!.box.expected).toBe(1);
    const desk = (await pollPage(committee, id))!;
    expect(desk.box.expected).toBe(1);
    expect(desk.paper).toHaveLength(1);
    expect(desk.voters?.map((v) => v.id)).not.toContain(residents[2]!.userId);
  });

  it("takes a seat-holder poll's voters from the meeting, and an invitation shows on the next page", async () => {
    const { meetingId } = await makeMeeting(community);
    const id = await newPoll(meetingId, { electorate: "seatHolders" });
    const login = `guest${id}x${Date.now() % 100_000}`;
    const guest = await actorFor(await makeUser({ username: login, displayName: login }));
    const before = (await pollPage(guest, id))!;
    expect(before.meeting).toEqual({ id: meetingId, topic: "停车" });
    expect(before.viewer).toMatchObject({ eligible: false, canVote: false });
    await run(inviteToSeat, committee, { meetingId, login: parseLoginId(login)!, kind: "expert" });
    expect((await pollPage(guest, id))!.viewer).toMatchObject({ eligible: true, canVote: true });
  });

  it("answers null for a poll that does not exist, every time", async () => {
    expect(await pollPage(residents[0]!, 987_654)).toBeNull();
    expect(await pollPage(residents[0]!, 987_654)).toBeNull();
  });
});

describe("a budget round's page, kept for every viewer", () => {
  async function newRound(closesInMs = HOUR) {
    const projects = [
      await makeProject(community, { cost: 3000 }),
      await makeProject(community, { cost: 4000 }),
    ];
    const id = await run(createRound, committee, {
      ...roundSchema.parse({
        title: "2027年微实事预算",
        budget: "5000",
        method: "greedy",
        minProjects: "",
        maxProjects: "",
        project: projects.map(String),
        opensAt: chinaLocal(Date.now() - HOUR),
        closesAt: chinaLocal(Date.now() + closesInMs),
      }),
      communityId: community,
    });
    return { id, projects };
  }

  it("shows a change to a project of its community on the next page, not a write outside commands", async () => {
    const { id, projects } = await newRound();
    const title = (await roundPage(residents[0]!, id))!.projects[0]!.title;
    await retitle(projects[0]!, "直接改写的项目名");
    expect((await roundPage(residents[0]!, id))!.projects[0]!.title).toBe(title);
    // Another community's project: nothing here is dropped.
    const elsewhere = await makeCommunity("elsewhere");
    const proposerThere = await makeResident(elsewhere);
    await run(proposeProject, proposerThere, { ...projectInput(elsewhere), photo: null });
    expect((await roundPage(residents[0]!, id))!.projects[0]!.title).toBe(title);
    // A project proposed in the round's community drops the community's kept rounds.
    await run(proposeProject, residents[1]!, { ...projectInput(community), photo: null });
    expect((await roundPage(residents[0]!, id))!.projects[0]!.title).toBe("直接改写的项目名");
  });

  it("counts a ballot at once, and is counted by its first view after closing", async () => {
    const { id, projects } = await newRound();
    await run(voteRound, residents[0]!, { id, choice: [projects[1]!] });
    const open = (await roundPage(residents[0]!, id))!;
    expect(open.ballots).toBe(1);
    expect(open.viewer.voted).toBe(true);
    expect(open.round.talliedAt).toBeNull();
    // Closed by the clock, as a kept page knows it only when its time is up: a write outside
    // commands, so the round is read again after the community's next change.
    await setVoteWindow("round", id, -2 * HOUR, -HOUR);
    await run(proposeProject, residents[1]!, { ...projectInput(community), photo: null });
    const counted = (await roundPage(residents[1]!, id))!;
    expect(counted.phase).toBe("closed");
    expect(counted.round.talliedAt).not.toBeNull();
    expect(counted.projects.find((p) => p.id === projects[1])).toMatchObject({
      approvals: 1,
      selected: 1,
    });
    expect(counted.viewer.voted).toBe(false);
  });

  it("answers null for a round that does not exist", async () => {
    expect(await roundPage(residents[0]!, 987_654)).toBeNull();
  });
});
