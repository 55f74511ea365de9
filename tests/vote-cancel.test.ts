/**
 * Cancelling a poll or a budget round before it closes (issue 16, item 5): its ballots, online and
 * on paper, are discarded with the register of who voted and any released results; the page says
 * it was cancelled, why, and how many ballots went, with no tally; nobody votes in it any more;
 * its projects are free for another round. Every refusal writes nothing and sends no event.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { CANCEL_REASON_MAX } from "~/domain/cancel";
import type { Actor } from "~/domain/permissions/policy";
import { roundSchema } from "~/domain/voting/schemas";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { run } from "~/services/runner/command.server";
import { votePoll, voteRound } from "~/services/voting/ballots.server";
import { recordPaperVoter } from "~/services/voting/box.server";
import {
  cancelPoll,
  cancelRound,
  createPoll,
  createRound,
  tallyRound,
  counterOf,
} from "~/services/voting/commands.server";
import { ballotsJson } from "~/services/voting/published.server";
import { acceptedProjects, pollPage, roundPage, votesOf } from "~/services/voting/queries.server";
import { action as pollAction } from "~/routes/polls.$id._index";
import { action as roundAction } from "~/routes/budgets.$id._index";
import type { Refusal } from "~/utils/forms.server";
import {
  chinaLocal,
  cookieFor,
  firstOptionOf,
  makeCommitteeMember,
  makeCommunity,
  makeProject,
  makeResident,
  pollInput,
  setVoteWindow,
  wholeDbSnapshot,
} from "./support/factories";
import { refusal } from "./support/refusal";
import { body, formRequest, run as runRoute } from "./support/remix";

const HOUR = 3_600_000;

let here: number;
let committee: Actor;
let committeeThere: Actor;
let residents: Actor[];

beforeAll(async () => {
  here = await makeCommunity("here");
  const there = await makeCommunity("there");
  committee = await makeCommitteeMember(here);
  committeeThere = await makeCommitteeMember(there);
  residents = [];
  for (let i = 0; i < 4; i++) residents.push(await makeResident(here));
});

let events: DomainEvent[] = [];
let stop: () => void = () => undefined;
beforeEach(() => {
  events = [];
  stop = onEvent((e) => events.push(e));
});
afterEach(() => stop());

async function expectRefusal(fn: () => Promise<unknown>, status: number, key: string) {
  const before = await wholeDbSnapshot();
  const sent = events.length;
  const err = await refusal(fn());
  expect({ status: err.status, key: err.key }).toEqual({ status, key });
  expect(await wholeDbSnapshot()).toEqual(before);
  expect(events.length).toBe(sent);
}

const newPoll = (change: Record<string, unknown> = {}) =>
  run(createPoll, committee, { ...pollInput(change), communityId: here, meetingId: null });

async function newRound() {
  const projects = [
    await makeProject(here, { cost: 3000 }),
    await makeProject(here, { cost: 4000 }),
  ];
  const id = await run(createRound, committee, {
    ...roundSchema.parse({
      title: "2027年微实事预算",
      budget: "10000",
      method: "greedy",
      minProjects: "",
      maxProjects: "",
      project: projects.map(String),
      opensAt: chinaLocal(Date.now() - HOUR),
      closesAt: chinaLocal(Date.now() + HOUR),
    }),
    communityId: here,
  });
  return { id, projects };
}

async function rowsOf(kind: "poll" | "round", id: number) {
  const col = kind === "poll" ? "pollId" : "roundId";
  const [ballots, participations] = await Promise.all([
    getDb().selectFrom("ballots").selectAll().where(col, "=", id).execute(),
    getDb().selectFrom("participations").selectAll().where(col, "=", id).execute(),
  ]);
  return { ballots: ballots.length, participations: participations.length };
}

async function auditOf(subjectType: string, subjectId: number) {
  const rows = await getDb()
    .selectFrom("auditLog")
    .select(["action", "details"])
    .where("subjectType", "=", subjectType)
    .where("subjectId", "=", subjectId)
    .orderBy("id")
    .execute();
  return rows.map((a) => ({ action: a.action, details: JSON.parse(a.details) as unknown }));
}

describe("cancelling a poll", () => {
  it("discards its ballots and publishes the fact, the reason and how many, no tally", async () => {
    const id = await newPoll({ results: "live" });
    const option = await firstOptionOf(id);
    for (const r of residents.slice(0, 2)) await run(votePoll, r, { id, choice: [option] });
    // A paper voter recorded at the window: their folded paper is in the box.
    await run(recordPaperVoter, committee, { kind: "poll", id, voter: residents[2]!.userId! });
    expect(await rowsOf("poll", id)).toEqual({ ballots: 2, participations: 3 });

    const discarded = await run(cancelPoll, committee, { id, reason: "问题表述有误，重新发起" });
    expect(discarded).toBe(3);
    expect(await rowsOf("poll", id)).toEqual({ ballots: 0, participations: 0 });
    expect(
      await getDb().selectFrom("pollReleases").selectAll().where("pollId", "=", id).execute(),
    ).toEqual([]);
    expect(events).toContainEqual({ type: "vote.changed", communityId: here, kind: "poll", id });

    const page = (await pollPage(residents[0]!, id))!;
    expect(page.phase).toBe("cancelled");
    expect(page.cancelled).toEqual({
      at: expect.any(String),
      reason: "问题表述有误，重新发起",
      ballotsDiscarded: 3,
    });
    expect(page.results).toBeNull();
    expect(page.viewer.canVote).toBe(false);
    expect(page.viewer.canCancel).toBe(false);
    expect((await votesOf(here)).polls.find((p) => p.id === id)!.phase).toBe("cancelled");
    expect((await auditOf("poll", id)).at(-1)).toEqual({
      action: "poll.manage",
      details: { change: "cancelled", reason: "问题表述有误，重新发起", ballotsDiscarded: 3 },
    });
  });

  it("takes no more votes, on paper or online, and publishes no ballots", async () => {
    const id = await newPoll();
    await run(cancelPoll, committee, { id, reason: "重新发起" });
    const option = await firstOptionOf(id);
    await expectRefusal(
      () => run(votePoll, residents[3]!, { id, choice: [option] }),
      409,
      "vote:errors.cancelled",
    );
    await expectRefusal(
      () => run(recordPaperVoter, committee, { kind: "poll", id, voter: residents[3]!.userId! }),
      409,
      "vote:errors.cancelled",
    );
    await setVoteWindow("poll", id, -2 * HOUR, -HOUR);
    await expect(ballotsJson("poll", id)).rejects.toMatchObject({ key: "vote:errors.cancelled" });
  });

  it("an upcoming poll can be cancelled too", async () => {
    const id = await newPoll({
      opensAt: chinaLocal(Date.now() + HOUR),
      closesAt: chinaLocal(Date.now() + 2 * HOUR),
    });
    expect(await run(cancelPoll, committee, { id, reason: "不办了" })).toBe(0);
  });
});

describe("cancelling a budget round", () => {
  it("discards its ballots, is never counted, and frees its projects", async () => {
    const { id, projects } = await newRound();
    await run(voteRound, residents[0]!, { id, choice: [projects[0]!] });
    expect(await run(cancelRound, committee, { id, reason: "预算未获批" })).toBe(1);
    expect(await rowsOf("round", id)).toEqual({ ballots: 0, participations: 0 });
    const page = (await roundPage(residents[0]!, id))!;
    expect(page.phase).toBe("cancelled");
    expect(page.cancelled).toEqual(expect.objectContaining({ ballotsDiscarded: 1 }));
    // Past its closing time it is still not counted, and its projects stand free.
    await setVoteWindow("round", id, -2 * HOUR, -HOUR);
    expect(await run(tallyRound, counterOf(here), { id })).toBeNull();
    const free = (await acceptedProjects(committee, here)).map((p) => p.id);
    expect(free).toEqual(expect.arrayContaining(projects));
    expect((await auditOf("budgetRound", id)).at(-1)).toEqual({
      action: "budget.manage",
      details: { change: "cancelled", reason: "预算未获批", ballotsDiscarded: 1 },
    });
  });
});

describe("refusals write nothing", () => {
  it("a closed poll or round, or one already cancelled", async () => {
    const poll = await newPoll();
    await setVoteWindow("poll", poll, -2 * HOUR, -HOUR);
    await expectRefusal(
      () => run(cancelPoll, committee, { id: poll, reason: "晚了" }),
      409,
      "vote:errors.closedNotCancellable",
    );
    const { id: round } = await newRound();
    await setVoteWindow("round", round, -2 * HOUR, -HOUR);
    await expectRefusal(
      () => run(cancelRound, committee, { id: round, reason: "晚了" }),
      409,
      "vote:errors.closedNotCancellable",
    );
    const again = await newPoll();
    await run(cancelPoll, committee, { id: again, reason: "第一次" });
    await expectRefusal(
      () => run(cancelPoll, committee, { id: again, reason: "第二次" }),
      409,
      "vote:errors.alreadyCancelled",
    );
    const { id: round2 } = await newRound();
    await run(cancelRound, committee, { id: round2, reason: "第一次" });
    await expectRefusal(
      () => run(cancelRound, committee, { id: round2, reason: "第二次" }),
      409,
      "vote:errors.alreadyCancelled",
    );
  });

  it("a resident, or another community's committee", async () => {
    const poll = await newPoll();
    const { id: round } = await newRound();
    for (const actor of [residents[0]!, committeeThere]) {
      await expectRefusal(
        () => run(cancelPoll, actor, { id: poll, reason: "不行" }),
        403,
        "errors.forbidden",
      );
      await expectRefusal(
        () => run(cancelRound, actor, { id: round, reason: "不行" }),
        403,
        "errors.forbidden",
      );
    }
  });
});

describe("the pages' cancel forms", () => {
  const post = (
    action: typeof pollAction,
    path: string,
    id: number,
    fields: Record<string, string>,
    cookie: string,
  ) => runRoute(action, formRequest(path, fields, { Cookie: cookie }), { id: String(id) });

  it("cancel a poll and a round, plain form posts (no JavaScript), in 长辈版 too", async () => {
    const cookie = `${await cookieFor(committee.userId!)}; mode=lite`;
    const poll = await newPoll();
    const res = await post(
      pollAction,
      `/polls/${poll}?mode=lite`,
      poll,
      { intent: "cancel", reason: "重新发起" },
      cookie,
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/polls/${poll}`);
    const { id: round } = await newRound();
    const res2 = await post(
      roundAction,
      `/budgets/${round}`,
      round,
      { intent: "cancel", reason: "预算未获批" },
      cookie,
    );
    expect(res2.headers.get("Location")).toBe(`/budgets/${round}`);
    expect((await roundPage(committee, round))!.phase).toBe("cancelled");
  });

  it("refuse an empty or over-long reason, keeping what was typed; a resident gets 403", async () => {
    const cookie = await cookieFor(committee.userId!);
    const resident = await cookieFor(residents[0]!.userId!);
    const poll = await newPoll();
    const before = await wholeDbSnapshot();
    for (const [reason, key] of [
      ["  ", "errors.required"],
      ["长".repeat(CANCEL_REASON_MAX + 1), "errors.tooLong"],
    ] as const) {
      const res = await post(
        pollAction,
        `/polls/${poll}`,
        poll,
        { intent: "cancel", reason },
        cookie,
      );
      expect(res.status).toBe(400);
      const data = await body<Refusal>(res);
      expect(data.errors.reason?.key).toBe(key);
      expect(data.values.reason).toBe(reason);
    }
    const res = await post(
      pollAction,
      `/polls/${poll}`,
      poll,
      { intent: "cancel", reason: "不行" },
      resident,
    );
    expect(res.status).toBe(403);
    expect(await wholeDbSnapshot()).toEqual(before);
  });
});
