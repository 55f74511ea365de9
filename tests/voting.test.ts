/**
 * Polls and participatory budget rounds through their services: voting by each method, who may
 * vote and when, ballot secrecy, 500 racing ballots, paper ballots and their confirmation, the
 * published ballot lists and exports, and the tally of a closed round into selected projects.
 * Every refusal is checked for its status and key, with nothing written anywhere and no event sent.
 */
import { sql } from "kysely";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { isPostgres } from "../db/portable";
import { DomainError } from "~/domain/errors";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { runTally } from "~/domain/voting/outcome";
import { parsePabulib } from "~/domain/voting/pabulib";
import {
  countPoll,
  releaseDue,
  RELEASE_STEP_BALLOTS,
  RELEASE_STEP_MINUTES,
} from "~/domain/voting/rules";
import { roundSchema } from "~/domain/voting/schemas";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { run } from "~/services/runner/command.server";
import { votePoll, voteRound } from "~/services/voting/ballots.server";
import {
  addBoxBallot,
  decideCount,
  markSpoiled,
  recordPaperVoter,
  removeBoxBallot,
  submitCount,
} from "~/services/voting/box.server";
import { JOBS } from "~/services/jobs.server";
import { createPoll, createRound } from "~/services/voting/commands.server";
import {
  ballotsCsv,
  ballotsJson,
  findReceipt,
  publishedBallots,
  roundPabulib,
} from "~/services/voting/published.server";
import { ensureTallied, pollPage, roundPage } from "~/services/voting/queries.server";
import { pollVotes } from "~/services/voting/records.server";
import {
  actorFor,
  columnNames,
  chinaLocal,
  pollInput,
  inviteSeat,
  makeCommitteeMember,
  makeCommunity,
  makeMeeting,
  makeMembership,
  makeProject,
  makeResident,
  makeUser,
  setVoteWindow,
  wholeDbSnapshot,
} from "./support/factories";
import { refusal } from "./support/refusal";

const HOUR = 3_600_000;
const RECEIPT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

let here: number;
let there: number;
/** A community with a single committee member: its paper ballots are flagged for review. */
let solo: number;
let committee: Actor;
let committee2: Actor;
let committeeThere: Actor;
let soloCommittee: Actor;
let residents: Actor[];
let soloResident: Actor;
let pendingUser: Actor;
let residentThere: Actor;

beforeAll(async () => {
  here = await makeCommunity("here");
  there = await makeCommunity("there");
  solo = await makeCommunity("solo");
  committee = await makeCommitteeMember(here);
  committee2 = await makeCommitteeMember(here);
  committeeThere = await makeCommitteeMember(there);
  soloCommittee = await makeCommitteeMember(solo);
  residents = [];
  for (let i = 0; i < 12; i++) residents.push(await makeResident(here));
  soloResident = await makeResident(solo);
  const p = await makeUser();
  await makeMembership(p, here, "pending");
  pendingUser = await actorFor(p);
  residentThere = await makeResident(there);
});

const r = (i: number) => residents[i]!;

// Events sent by the services: a refusal must send none.
let events: DomainEvent[] = [];
let stopListening: () => void = () => undefined;
beforeEach(() => {
  events = [];
  stopListening = onEvent((e) => events.push(e));
});
afterEach(() => stopListening());

/** Awaits a call that must be refused, and proves that nothing was written and nothing sent. */
async function expectRefusal(fn: () => Promise<unknown>, status: number, key: string) {
  const before = await wholeDbSnapshot();
  const sent = events.length;
  const err = await refusal(fn());
  expect({ status: err.status, key: err.key }).toEqual({ status, key });
  expect(await wholeDbSnapshot()).toEqual(before);
  expect(events.length).toBe(sent);
  return err;
}

// ---------------------------------------------------------------- helpers

/** A poll form as the new-poll page posts it; open from an hour ago for two hours. */

async function optionsOf(pollId: number) {
  const rows = await getDb()
    .selectFrom("pollOptions")
    .select(["id", "code", "label"])
    .where("pollId", "=", pollId)
    .orderBy("position")
    .execute();
  return rows;
}

/** A poll of `here` by the committee; returns its id and its option ids in order. */
async function newPoll(
  change: Record<string, unknown> = {},
  opts: { communityId?: number; meetingId?: number | null; by?: Actor } = {},
) {
  const id = await run(createPoll, opts.by ?? committee, {
    ...pollInput(change),
    communityId: opts.communityId ?? here,
    meetingId: opts.meetingId ?? null,
  });
  return { id, options: (await optionsOf(id)).map((o) => o.id) };
}

/** The poll's results as the page shows them (votes per option, in order), or null if hidden. */
async function resultsOf(pollId: number, actor: Actor = ANONYMOUS) {
  const page = await pollPage(actor, pollId);
  return page!.results?.map((r) => r.votes) ?? null;
}

/** Votes per option as the ballots stand: what the page shows once the count is final. */
async function countedOf(pollId: number) {
  const votes = await pollVotes(getDb(), pollId);
  return (await optionsOf(pollId)).map((o) => votes.get(o.id) ?? 0);
}

const closePoll = (id: number) => setVoteWindow("poll", id, -2 * HOUR, -HOUR);
const closeRound = (id: number) => setVoteWindow("round", id, -2 * HOUR, -HOUR);

function roundInput(projects: number[], change: Record<string, unknown> = {}) {
  return roundSchema.parse({
    title: "2027年微实事预算",
    budget: "10000",
    method: "greedy",
    minProjects: "",
    maxProjects: "",
    project: projects.map(String),
    opensAt: chinaLocal(Date.now() - HOUR),
    closesAt: chinaLocal(Date.now() + HOUR),
    ...change,
  });
}

async function participations(kind: "poll" | "round", id: number) {
  return getDb()
    .selectFrom("participations")
    .selectAll()
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .orderBy("id")
    .execute();
}

async function ballotRows(kind: "poll" | "round", id: number) {
  const rows = await getDb()
    .selectFrom("ballots")
    .selectAll()
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .execute();
  return rows.map((b) => ({ ...b, choices: JSON.parse(b.choices) as number[] }));
}

async function auditOf(action: string, subjectType: string, subjectId: number) {
  const rows = await getDb()
    .selectFrom("auditLog")
    .select(["actorId", "areaId", "details"])
    .where("action", "=", action)
    .where("subjectType", "=", subjectType)
    .where("subjectId", "=", subjectId)
    .orderBy("id")
    .execute();
  return rows.map((a) => ({ ...a, details: JSON.parse(a.details) as Record<string, unknown> }));
}

// ---------------------------------------------------------------- polls

describe("voting in a poll", () => {
  it("single choice: one option per voter, counted, with a receipt each", async () => {
    const { id, options } = await newPoll();
    const [a, b] = options as [number, number];
    const receipts = [
      await run(votePoll, r(0), { id, choice: [a] }),
      await run(votePoll, r(1), { id, choice: [a] }),
      await run(votePoll, r(2), { id, choice: [b] }),
    ];
    for (const x of receipts) expect(x).toMatch(RECEIPT);
    expect(new Set(receipts).size).toBe(3);
    expect(await countedOf(id)).toEqual([2, 1, 0]);
    const page = (await pollPage(r(0), id))!;
    expect(page.phase).toBe("open");
    expect(page.ballots).toBe(3);
    expect(page.paperBallots).toBe(0);
    expect(page.viewer).toMatchObject({ voted: true, canVote: false, eligible: true });
    expect((await pollPage(r(3), id))!.viewer).toMatchObject({ voted: false, canVote: true });
    const rows = await participations("poll", id);
    expect(rows.map((p) => [p.userId, p.channel, p.enteredBy])).toEqual([
      [r(0).userId, "online", null],
      [r(1).userId, "online", null],
      [r(2).userId, "online", null],
    ]);
    expect((await ballotRows("poll", id)).map((x) => x.choices).sort()).toEqual([[a], [a], [b]]);
    // Each ballot is announced after its commit, naming the poll and nothing about the voter.
    expect(events.filter((e) => e.type === "vote.changed")).toHaveLength(4);
    // (The notice that the poll opened is delivered meanwhile: its event is of another type.)
    expect(events.filter((e) => e.type === "vote.changed").at(-1)).toEqual({
      type: "vote.changed",
      communityId: here,
      kind: "poll",
      id,
      ballot: true,
    });
  });

  it("approval: up to k options per voter, stored sorted", async () => {
    const { id, options } = await newPoll({
      method: "approval",
      option: ["路灯", "座椅", "充电桩", "花坛"],
      maxChoices: "2",
    });
    const [a, b, c, d] = options as [number, number, number, number];
    await run(votePoll, r(0), { id, choice: [b, a] });
    await run(votePoll, r(1), { id, choice: [b] });
    await run(votePoll, r(2), { id, choice: [d, b] });
    await expectRefusal(
      () => run(votePoll, r(3), { id, choice: [a, b, c] }),
      400,
      "vote:errors.tooManyChoices",
    );
    expect(await countedOf(id)).toEqual([1, 3, 0, 1]);
    expect((await ballotRows("poll", id)).map((x) => x.choices).sort()).toEqual([
      [a, b],
      [b],
      [b, d],
    ]);
  });

  it("yes-no: the three coded options, one of them per voter", async () => {
    const { id, options } = await newPoll({ method: "yesNo", option: ["ignored"] });
    expect((await optionsOf(id)).map((o) => o.code)).toEqual(["yes", "no", "abstain"]);
    const [yes, no, abstain] = options as [number, number, number];
    await run(votePoll, r(0), { id, choice: [yes] });
    await run(votePoll, r(1), { id, choice: [no] });
    await run(votePoll, r(2), { id, choice: [yes] });
    await run(votePoll, r(3), { id, choice: [abstain] });
    await expectRefusal(
      () => run(votePoll, r(4), { id, choice: [yes, no] }),
      400,
      "vote:errors.tooManyChoices",
    );
    expect(await countedOf(id)).toEqual([2, 1, 1]);
  });

  it("after-close results stay hidden from everyone, the committee included, until it closes", async () => {
    const { id, options } = await newPoll({ results: "afterClose" });
    await run(votePoll, r(0), { id, choice: [options[1]!] });
    await run(votePoll, r(1), { id, choice: [options[1]!] });
    await run(votePoll, r(2), { id, choice: [options[0]!] });
    for (const who of [ANONYMOUS, r(0), committee]) expect(await resultsOf(id, who)).toBeNull();
    // The number of ballots is public, what they say is not.
    expect((await pollPage(ANONYMOUS, id))!.ballots).toBe(3);
    await closePoll(id);
    expect(await resultsOf(id)).toEqual([1, 2, 0]);
    expect((await pollPage(ANONYMOUS, id))!.phase).toBe("closed");
  });

  it("answers null for a poll that does not exist, and refuses to vote in it", async () => {
    expect(await pollPage(ANONYMOUS, 999_999)).toBeNull();
    await expectRefusal(
      () => run(votePoll, r(0), { id: 999_999, choice: [1] }),
      404,
      "vote:errors.pollNotFound",
    );
  });
});

describe("refused poll ballots write nothing", () => {
  it("refuses before opening and after closing", async () => {
    const { id, options } = await newPoll();
    await setVoteWindow("poll", id, HOUR, 2 * HOUR);
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [options[0]!] }),
      409,
      "vote:errors.notOpenYet",
    );
    await closePoll(id);
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [options[0]!] }),
      409,
      "vote:errors.closed",
    );
  });

  it("refuses a second ballot, even a different one", async () => {
    const { id, options } = await newPoll();
    await run(votePoll, r(0), { id, choice: [options[0]!] });
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [options[0]!] }),
      409,
      "vote:errors.alreadyVoted",
    );
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [options[2]!] }),
      409,
      "vote:errors.alreadyVoted",
    );
    expect(await countedOf(id)).toEqual([1, 0, 0]);
  });

  it("refuses those who are not verified residents of the poll's community", async () => {
    const { id, options } = await newPoll();
    const vote = (a: Actor) => () => run(votePoll, a, { id, choice: [options[0]!] });
    await expectRefusal(vote(pendingUser), 403, "errors.forbidden");
    await expectRefusal(vote(residentThere), 403, "errors.forbidden");
    // The committee runs the poll; unless they live there, they do not vote in it.
    await expectRefusal(vote(committee), 403, "errors.forbidden");
    await expectRefusal(vote(ANONYMOUS), 401, "errors.signInRequired");
  });

  it("refuses options that are not the poll's: unknown, another poll's, repeated, none", async () => {
    const { id, options } = await newPoll();
    const other = await newPoll();
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [999_999] }),
      400,
      "vote:errors.noSuchOption",
    );
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [other.options[0]!] }),
      400,
      "vote:errors.noSuchOption",
    );
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [options[0]!, other.options[1]!] }),
      400,
      "vote:errors.noSuchOption",
    );
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [options[0]!, options[0]!] }),
      400,
      "vote:errors.duplicateChoice",
    );
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [] }),
      400,
      "vote:errors.chooseOne",
    );
    // Refused, r(0) may still vote.
    await run(votePoll, r(0), { id, choice: [options[0]!] });
  });

  it("lets only the committee create polls, and seat-holder polls only at its own meetings", async () => {
    await expectRefusal(() => newPoll({}, { by: r(0) }), 403, "errors.forbidden");
    await expectRefusal(() => newPoll({}, { by: committeeThere }), 403, "errors.forbidden");
    await expectRefusal(
      () => newPoll({ electorate: "seatHolders" }),
      400,
      "vote:errors.seatHoldersNeedMeeting",
    );
    const { meetingId } = await makeMeeting(there);
    await expectRefusal(() => newPoll({}, { meetingId }), 404, "meeting:errors.meetingNotFound");
  });
});

describe("seat-holder polls", () => {
  it("let invited seat holders vote, wherever they live, and nobody else", async () => {
    const { meetingId } = await makeMeeting(here);
    const outsider = await makeUser({ displayName: "区人大代表" });
    await inviteSeat(meetingId, outsider);
    await inviteSeat(meetingId, r(5).userId!);
    const { id, options } = await newPoll({ electorate: "seatHolders" }, { meetingId });
    await run(votePoll, await actorFor(outsider), { id, choice: [options[0]!] });
    await run(votePoll, r(5), { id, choice: [options[1]!] });
    // A verified resident without a seat at this meeting.
    await expectRefusal(
      () => run(votePoll, r(6), { id, choice: [options[0]!] }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(votePoll, ANONYMOUS, { id, choice: [options[0]!] }),
      401,
      "errors.signInRequired",
    );
    expect(await countedOf(id)).toEqual([1, 1, 0]);
    expect((await pollPage(r(6), id))!.viewer).toMatchObject({ eligible: false, canVote: false });
  });

  it("take paper ballots from seat holders only", async () => {
    const { meetingId } = await makeMeeting(here);
    const guest = await makeUser();
    await inviteSeat(meetingId, guest);
    const { id, options } = await newPoll({ electorate: "seatHolders" }, { meetingId });
    await expectRefusal(
      () => run(recordPaperVoter, committee, { kind: "poll", id, voter: r(7).userId! }),
      403,
      "vote:errors.voterNotEligible",
    );
    await run(recordPaperVoter, committee, { kind: "poll", id, voter: guest });
    await closePoll(id);
    await countBox(id, [[options[0]!]]);
    expect(await resultsOf(id)).toEqual([1, 0, 0]);
  });

  // BUG (app/services/voting/queries.server.ts, pollPage → eligibleNonVoters): the paper-ballot picker of a
  // seat-holder poll lists the community's verified residents, who are refused as not eligible
  // (see the test above), and leaves out invited seat holders who do not live there, for whom
  // the committee then cannot enter a paper ballot from the page. Fix: for a poll whose electorate
  // is "seatHolders", list the meeting's seatInvites (joined to users, not deleted) that have no
  // participation in the poll, instead of the community's memberships.
  it("offer the committee the invited seat holders in the paper-ballot picker", async () => {
    const { meetingId } = await makeMeeting(here);
    const guest = await makeUser({ displayName: "街道代表" });
    await inviteSeat(meetingId, guest);
    await inviteSeat(meetingId, r(8).userId!);
    const { id } = await newPoll({ electorate: "seatHolders" }, { meetingId });
    const picker = (await pollPage(committee, id))!.voters!.map((v) => v.id);
    expect(new Set(picker)).toEqual(new Set([guest, r(8).userId]));
  });

  it("a resident poll at a meeting is still for the community's residents", async () => {
    const { meetingId } = await makeMeeting(here);
    const guest = await makeUser();
    await inviteSeat(meetingId, guest);
    const { id, options } = await newPoll({}, { meetingId });
    await run(votePoll, r(6), { id, choice: [options[0]!] });
    await expectRefusal(
      async () => run(votePoll, await actorFor(guest), { id, choice: [options[0]!] }),
      403,
      "errors.forbidden",
    );
  });
});

// ---------------------------------------------------------------- secrecy

describe("ballot secrecy", () => {
  it("stores no voter with a ballot: the ballots table has exactly five columns", async () => {
    expect((await columnNames("ballots")).sort()).toEqual(
      ["channel", "choices", "poll_id", "receipt", "round_id"].sort(),
    );
    // Nor does a participation say what was chosen or under which receipt.
    const names = await columnNames("participations");
    expect(names).not.toContain("receipt");
    expect(names).not.toContain("choices");
    // On SQLite, ballots have no rowid, whose order would tell the order of voting. (PostgreSQL
    // keeps rows where they were written: see README, "Ballot secrecy on PostgreSQL".)
    if (!isPostgres(getDb()))
      await expect(sql`select rowid from ballots`.execute(getDb())).rejects.toThrow(/rowid/);
  });

  it("publishes ballots sorted by receipt, not in the order they were cast", async () => {
    const { id, options } = await newPoll({ method: "approval", maxChoices: "" });
    const cast: Array<{ receipt: string; choices: number[] }> = [];
    const voters = [...residents];
    for (let i = 0; i < 10; i++) voters.push(await makeResident(here));
    for (const [i, v] of voters.entries()) {
      const choices = options.filter((_, k) => (i >> k) & 1 || k === i % 3);
      cast.push({ receipt: await run(votePoll, v, { id, choice: choices }), choices });
    }
    await closePoll(id);
    const published = await publishedBallots("poll", id);
    const receipts = published.map((b) => b.receipt);
    expect(receipts).toEqual([...receipts].sort());
    expect(new Set(receipts)).toEqual(new Set(cast.map((c) => c.receipt)));
    // With 22 random receipts the chance that casting order is already sorted is 1 in 22!.
    expect(receipts).not.toEqual(cast.map((c) => c.receipt));
    for (const c of cast) {
      expect(published.find((b) => b.receipt === c.receipt)).toEqual({
        receipt: c.receipt,
        choices: c.choices,
        channel: "online",
      });
    }
  });
});

// ---------------------------------------------------------------- concurrency

describe("racing ballots", () => {
  it("500 concurrent ballots from 120 voters: one each, every other refused as already voted", async () => {
    const { id, options } = await newPoll();
    const voters: Actor[] = [];
    for (let i = 0; i < 120; i++) voters.push(await makeResident(here));
    // 10 voters try once, the other 110 three to six times each: 500 attempts in all.
    const reps = voters.map((_, i) => (i < 10 ? 1 : 3 + (i % 4)));
    let excess = reps.reduce((s, n) => s + n, 0) - 500;
    for (let i = reps.length - 1; excess > 0; i--) {
      if (reps[i]! > 3) {
        reps[i]!--;
        excess--;
      }
    }
    const attempts: number[] = reps.flatMap((n, i) => Array<number>(n).fill(i));
    expect(attempts).toHaveLength(500);
    expect(reps.filter((n) => n >= 3).length).toBeGreaterThanOrEqual(100);
    // Spread each voter's attempts over the whole burst (a fixed permutation: 7 is prime to 500).
    const order = attempts.map((_, k) => attempts[(k * 7) % 500]!);
    const choiceOf = (i: number) => options[i % 3]!;

    const settled = await Promise.allSettled(
      order.map((i) => run(votePoll, voters[i]!, { id, choice: [choiceOf(i)] })),
    );

    const fulfilled = settled.filter((s) => s.status === "fulfilled");
    const rejected = settled.filter((s) => s.status === "rejected");
    expect(fulfilled).toHaveLength(120);
    expect(rejected).toHaveLength(380);
    for (const s of rejected) {
      const e = s.reason as unknown;
      expect(e).toBeInstanceOf(DomainError);
      expect({ status: (e as DomainError).status, key: (e as DomainError).key }).toEqual({
        status: 409,
        key: "vote:errors.alreadyVoted",
      });
    }
    const parts = await participations("poll", id);
    expect(parts).toHaveLength(120);
    expect(new Set(parts.map((p) => p.userId))).toEqual(new Set(voters.map((v) => v.userId)));
    const ballots = await ballotRows("poll", id);
    expect(ballots).toHaveLength(120);
    expect(new Set(ballots.map((b) => b.receipt))).toEqual(
      new Set(fulfilled.map((s) => (s as PromiseFulfilledResult<string>).value)),
    );
    const counts = countPoll(
      options,
      ballots.map((b) => b.choices),
    );
    expect([...counts.values()].reduce((s, n) => s + n, 0)).toBe(120);
    expect([...counts.values()]).toEqual([40, 40, 40]);
    expect(await countedOf(id)).toEqual([40, 40, 40]);
  });
});

// ---------------------------------------------------------------- budget rounds

describe("creating a budget round", () => {
  it("takes accepted projects of the community, their costs fixed in the round", async () => {
    const a = await makeProject(here, { cost: 3000 });
    const b = await makeProject(here, { cost: 5000 });
    const id = await run(createRound, committee, { ...roundInput([b, a]), communityId: here });
    const rows = await getDb()
      .selectFrom("roundProjects")
      .selectAll()
      .where("roundId", "=", id)
      .orderBy("position")
      .execute();
    expect(rows.map((p) => [p.projectId, p.position, p.cost, p.approvals, p.selected])).toEqual([
      [b, 0, 5000, null, null],
      [a, 1, 3000, null, null],
    ]);
    expect(await auditOf("budget.manage", "budgetRound", id)).toEqual([
      {
        actorId: committee.userId,
        areaId: here,
        details: { title: "2027年微实事预算", budget: 10000, method: "greedy", change: "created" },
      },
    ]);
  });

  it("refuses projects that are not accepted, not the community's, or do not exist", async () => {
    const a = await makeProject(here);
    const submitted = await makeProject(here, { status: "submitted" });
    const rejected = await makeProject(here, { status: "rejected" });
    const elsewhere = await makeProject(there);
    for (const other of [submitted, rejected, elsewhere, 999_999]) {
      await expectRefusal(
        () => run(createRound, committee, { ...roundInput([a, other]), communityId: here }),
        400,
        "vote:errors.projectsNotAccepted",
      );
    }
  });

  it("is for the community's committee only", async () => {
    const a = await makeProject(here);
    const b = await makeProject(here);
    await expectRefusal(
      () => run(createRound, r(0), { ...roundInput([a, b]), communityId: here }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(createRound, committeeThere, { ...roundInput([a, b]), communityId: here }),
      403,
      "errors.forbidden",
    );
  });
});

describe("voting in a budget round", () => {
  let round: number;
  let p: number[];
  let outside: number;
  beforeAll(async () => {
    p = [];
    for (const cost of [3000, 5000, 2000, 9000]) p.push(await makeProject(here, { cost }));
    outside = await makeProject(here, { cost: 100 });
    round = await run(createRound, committee, { ...roundInput(p), communityId: here });
  });

  /** The same costs as `p`, in new projects: a project stands in one uncounted round at a time. */
  async function sameCosts(): Promise<number[]> {
    const out: number[] = [];
    for (const cost of [3000, 5000, 2000, 9000]) out.push(await makeProject(here, { cost }));
    return out;
  }

  it("refuses a project already in another uncounted round, and a minimum above the projects", async () => {
    await expectRefusal(
      () => run(createRound, committee, { ...roundInput(p), communityId: here }),
      409,
      "vote:errors.projectInAnotherRound",
    );
    const q = await sameCosts();
    await expectRefusal(
      () =>
        run(createRound, committee, { ...roundInput(q, { minProjects: "5" }), communityId: here }),
      400,
      "vote:errors.minAboveProjects",
    );
  });

  it("refuses a ballot in a round that does not exist", async () => {
    await expectRefusal(
      () => run(voteRound, r(0), { id: 999_999, choice: [p[0]!] }),
      404,
      "vote:errors.roundNotFound",
    );
  });

  it("accepts a ballot that uses the budget exactly, and refuses one over it", async () => {
    await expectRefusal(
      () => run(voteRound, r(0), { id: round, choice: [p[0]!, p[1]!, p[2]!, p[3]!] }),
      400,
      "vote:errors.overBudget",
    );
    await expectRefusal(
      () => run(voteRound, r(0), { id: round, choice: [p[3]!, p[2]!] }),
      400,
      "vote:errors.overBudget",
    );
    expect(await run(voteRound, r(0), { id: round, choice: [p[0]!, p[1]!, p[2]!] })).toMatch(
      RECEIPT,
    );
    expect((await ballotRows("round", round)).map((b) => b.choices)).toEqual([
      [p[0], p[1], p[2]].sort((x, y) => x! - y!),
    ]);
    await expectRefusal(
      () => run(voteRound, r(0), { id: round, choice: [p[3]!] }),
      409,
      "vote:errors.alreadyVoted",
    );
  });

  it("refuses projects outside the round, repeats and empty ballots", async () => {
    await expectRefusal(
      () => run(voteRound, r(1), { id: round, choice: [outside] }),
      400,
      "vote:errors.noSuchProject",
    );
    await expectRefusal(
      () => run(voteRound, r(1), { id: round, choice: [999_999] }),
      400,
      "vote:errors.noSuchProject",
    );
    await expectRefusal(
      () => run(voteRound, r(1), { id: round, choice: [p[0]!, p[0]!] }),
      400,
      "vote:errors.duplicateChoice",
    );
    await expectRefusal(
      () => run(voteRound, r(1), { id: round, choice: [] }),
      400,
      "vote:errors.tooFewProjects",
    );
  });

  it("keeps to the round's minimum and maximum", async () => {
    const q = await sameCosts();
    const id = await run(createRound, committee, {
      ...roundInput(q, { budget: "100000", minProjects: "2", maxProjects: "3" }),
      communityId: here,
    });
    await expectRefusal(
      () => run(voteRound, r(2), { id, choice: [q[0]!] }),
      400,
      "vote:errors.tooFewProjects",
    );
    await expectRefusal(
      () => run(voteRound, r(2), { id, choice: q }),
      400,
      "vote:errors.tooManyProjects",
    );
    await run(voteRound, r(2), { id, choice: [q[0]!, q[3]!] });
    await run(voteRound, r(3), { id, choice: [q[0]!, q[1]!, q[2]!] });
  });

  it("is for the community's verified residents, while it is open", async () => {
    const vote = (a: Actor) => () => run(voteRound, a, { id: round, choice: [p[0]!] });
    await expectRefusal(vote(pendingUser), 403, "errors.forbidden");
    await expectRefusal(vote(residentThere), 403, "errors.forbidden");
    await expectRefusal(vote(committee), 403, "errors.forbidden");
    await expectRefusal(vote(ANONYMOUS), 401, "errors.signInRequired");
    const q = await sameCosts();
    const later = await run(createRound, committee, { ...roundInput(q), communityId: here });
    await setVoteWindow("round", later, HOUR, 2 * HOUR);
    await expectRefusal(
      () => run(voteRound, r(4), { id: later, choice: [q[0]!] }),
      409,
      "vote:errors.notOpenYet",
    );
    await closeRound(later);
    await expectRefusal(
      () => run(voteRound, r(4), { id: later, choice: [q[0]!] }),
      409,
      "vote:errors.closed",
    );
  });
});

/**
 * A hand-made round where the two methods disagree: three projects of 4000 yuan, a budget of 8000,
 * six residents approve A and B, four approve C. Greedy funds the two most approved (A, B) and
 * leaves the four with nothing; equal shares gives the six their A and the four their C.
 */
async function disputedRound(method: "greedy" | "mes") {
  const [a, b, c] = [
    await makeProject(here, { cost: 4000, title: "A 楼道扶手" }),
    await makeProject(here, { cost: 4000, title: "B 休息座椅" }),
    await makeProject(here, { cost: 4000, title: "C 儿童滑梯" }),
  ] as [number, number, number];
  const id = await run(createRound, committee, {
    ...roundInput([a, b, c], { budget: "8000", method }),
    communityId: here,
  });
  const receipts: string[] = [];
  for (let i = 0; i < 10; i++)
    receipts.push(await run(voteRound, r(i), { id, choice: i < 6 ? [a, b] : [c] }));
  return { id, a, b, c, receipts };
}

async function roundState(id: number) {
  const db = getDb();
  const round = await db
    .selectFrom("budgetRounds")
    .select(["talliedAt", "spent"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const projects = await db
    .selectFrom("roundProjects")
    .innerJoin("projects", "projects.id", "roundProjects.projectId")
    .select(["projects.id", "roundProjects.approvals", "roundProjects.selected", "projects.status"])
    .where("roundId", "=", id)
    .orderBy("position")
    .execute();
  return { ...round, projects };
}

async function history(projectId: number) {
  return getDb()
    .selectFrom("projectEvents")
    .select(["step", "fromStatus", "toStatus", "actorId", "reason"])
    .where("projectId", "=", projectId)
    .orderBy("id")
    .execute();
}

describe("tallying a closed round", () => {
  it("greedy: funds the most approved that fit, once, when the page is first seen after closing", async () => {
    const { id, a, b, c } = await disputedRound("greedy");
    // While open nothing is tallied, however often the page is seen.
    await roundPage(ANONYMOUS, id);
    await ensureTallied(id);
    expect(await roundState(id)).toMatchObject({ talliedAt: null, spent: null });
    expect((await roundState(id)).projects.map((x) => x.approvals)).toEqual([null, null, null]);

    await closeRound(id);
    const page = (await roundPage(ANONYMOUS, id))!;
    expect(page.phase).toBe("closed");
    expect(page.round.talliedAt).not.toBeNull();
    expect(page.round.spent).toBe(8000);
    expect(page.projects.map((x) => [x.id, x.approvals, x.selected, x.status])).toEqual([
      [a, 6, 1, "selected"],
      [b, 6, 1, "selected"],
      [c, 4, 0, "accepted"],
    ]);
    for (const w of [a, b]) {
      expect(await history(w)).toEqual([
        {
          step: "select",
          fromStatus: "accepted",
          toStatus: "selected",
          actorId: null,
          reason: `budget:${id}`,
        },
      ]);
    }
    expect(await history(c)).toEqual([]);
    expect(await auditOf("budget.manage", "budgetRound", id)).toContainEqual({
      actorId: null,
      areaId: here,
      details: { change: "tallied", method: "greedy", selected: [a, b], spent: 8000 },
    });
    expect(events).toContainEqual({ type: "project.changed", communityId: here, projectId: a });

    // A second look changes nothing at all.
    const before = await wholeDbSnapshot();
    await ensureTallied(id);
    await roundPage(r(0), id);
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("equal shares: gives each group of voters its share (A and C)", async () => {
    const { id, a, b, c } = await disputedRound("mes");
    await closeRound(id);
    await ensureTallied(id);
    const state = await roundState(id);
    expect(state.spent).toBe(8000);
    expect(state.projects.map((x) => [x.id, x.approvals, x.selected, x.status])).toEqual([
      [a, 6, 1, "selected"],
      [b, 6, 0, "accepted"],
      [c, 4, 1, "selected"],
    ]);
    expect((await history(c)).map((h) => h.reason)).toEqual([`budget:${id}`]);
    expect(await history(b)).toEqual([]);
  });

  it("tallies once when many requests race to tally it", async () => {
    const { id, a, b } = await disputedRound("greedy");
    await closeRound(id);
    await Promise.all([
      ...Array.from({ length: 8 }, () => ensureTallied(id)),
      roundPage(ANONYMOUS, id),
      roundPage(r(0), id),
    ]);
    const tallies = (await auditOf("budget.manage", "budgetRound", id)).filter(
      (x) => x.details.change === "tallied",
    );
    expect(tallies).toHaveLength(1);
    expect(await history(a)).toHaveLength(1);
    expect(await history(b)).toHaveLength(1);
    expect((await roundState(id)).spent).toBe(8000);
  });

  it("funds nothing when nobody voted", async () => {
    const [x, y] = [await makeProject(here), await makeProject(here)];
    for (const method of ["greedy", "mes"]) {
      const id = await run(createRound, committee, {
        ...roundInput([x, y], { method }),
        communityId: here,
      });
      await closeRound(id);
      await ensureTallied(id);
      const state = await roundState(id);
      expect(state.talliedAt).not.toBeNull();
      expect(state.spent).toBe(0);
      expect(state.projects.map((p) => [p.approvals, p.selected, p.status])).toEqual([
        [0, 0, "accepted"],
        [0, 0, "accepted"],
      ]);
    }
  });

  it("exports a Pabulib file whose recount gives the site's winners, for both methods", async () => {
    for (const method of ["greedy", "mes"] as const) {
      const { id, receipts } = await disputedRound(method);
      await expect(roundPabulib(id)).rejects.toMatchObject({
        status: 409,
        key: "vote:errors.notClosedYet",
      });
      await closeRound(id);
      const pb = parsePabulib(await roundPabulib(id));
      const state = await roundState(id);
      const siteWinners = state.projects.filter((p) => p.selected === 1).map((p) => p.id);
      expect(pb.projects.map((p) => Number(p.id))).toEqual(state.projects.map((p) => p.id));
      expect(pb.projects.filter((p) => p.selected).map((p) => Number(p.id))).toEqual(siteWinners);
      expect(pb.votes).toHaveLength(receipts.length);
      expect(pb.meta).toMatchObject({
        vote_type: "approval",
        budget: "8000",
        num_votes: "10",
        rule: method === "greedy" ? "greedy" : "equalshares/add1",
      });
      // Voter ids are 1..n, nothing that leads back to a person.
      expect(pb.votes.map((v) => v.voterId)).toEqual(receipts.map((_, i) => String(i + 1)));
      const recount = runTally(
        pb.meta.rule === "greedy" ? "greedy" : "mes",
        pb.projects.map((p) => ({ id: Number(p.id), cost: Number(p.cost.num / p.cost.den) })),
        Number(pb.budget.num / pb.budget.den),
        pb.votes.map((v) =>
          v.ballot.type === "approval" ? [...v.ballot.approved].map(Number) : [],
        ),
      );
      expect([...recount.selected].sort((x, y) => x - y)).toEqual(
        [...siteWinners].sort((x, y) => x - y),
      );
      expect(recount.spent).toBe(state.spent);
    }
  });

  // BUG (app/services/voting/published.server.ts, roundPabulib: date_begin/date_end): the dates are
  // the UTC date of opensAt/closesAt (`.slice(0, 10)` of an ISO string), while the site reads and
  // shows every time in China time. A round from 07:00 on 1 June to 07:30 on 2 June (China time)
  // is exported as 2025-05-31 … 2025-06-01. Fix: format the dates in Asia/Shanghai, e.g.
  // `new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10)`.
  it("dates the Pabulib file in China time, as the site shows them", async () => {
    const [x, y] = [await makeProject(here), await makeProject(here)];
    const id = await run(createRound, committee, {
      ...roundInput([x, y], { opensAt: "2025-06-01T07:00", closesAt: "2025-06-02T07:30" }),
      communityId: here,
    });
    const pb = parsePabulib(await roundPabulib(id));
    expect({ begin: pb.meta.date_begin, end: pb.meta.date_end }).toEqual({
      begin: "2025-06-01",
      end: "2025-06-02",
    });
  });
});

// ---------------------------------------------------------------- paper ballots

/** The window records that `voter` put a paper into the box of a poll (or round). */
const recordPaper = (by: Actor, id: number, voter: number, kind: "poll" | "round" = "poll") =>
  run(recordPaperVoter, by, { kind, id, voter });

/** After closing: the box's papers entered by `by`, the count submitted, confirmed by `checker`. */
async function countBox(
  id: number,
  papers: number[][],
  opts: { kind?: "poll" | "round"; spoiled?: number; by?: Actor; checker?: Actor } = {},
) {
  const kind = opts.kind ?? "poll";
  const by = opts.by ?? committee;
  for (const choice of papers) await run(addBoxBallot, by, { kind, id, choice });
  for (let i = 0; i < (opts.spoiled ?? 0); i++) {
    await run(markSpoiled, by, { kind, id, change: "add" });
  }
  await run(submitCount, by, { kind, id, note: "" });
  await run(decideCount, opts.checker ?? committee2, { kind, id, decision: "confirm" });
}

async function countRow(kind: "poll" | "round", id: number) {
  return getDb()
    .selectFrom("paperCounts")
    .selectAll()
    .where(kind === "poll" ? "pollId" : "roundId", "=", id)
    .executeTakeFirst();
}

describe("paper ballots at the window", () => {
  it("record only that the resident voted: no ballot, no choice; online is then refused", async () => {
    const { id, options } = await newPoll();
    await recordPaper(committee, id, r(0).userId!);
    const [part] = await participations("poll", id);
    expect(part).toMatchObject({
      userId: r(0).userId,
      channel: "paper",
      boxed: 1,
      enteredBy: committee.userId,
    });
    // Nothing of what the resident chose exists anywhere: their paper is in the box.
    expect(await ballotRows("poll", id)).toEqual([]);
    await expectRefusal(
      () => run(votePoll, r(0), { id, choice: [options[0]!] }),
      409,
      "vote:errors.alreadyVoted",
    );
    const page = (await pollPage(r(0), id))!;
    expect(page.viewer.voted).toBe(true);
    expect(page.box).toMatchObject({ expected: 1, entered: 0, settled: false });
    // The register is the committee's; a resident sees only how many voted on paper.
    expect(page.paper).toBeNull();
    expect((await pollPage(committee, id))!.paper).toMatchObject([
      { id: part!.id, recordedByName: expect.any(String) },
    ]);
  });

  it("refuse a resident who voted online, or on paper already", async () => {
    const { id, options } = await newPoll();
    await run(votePoll, r(1), { id, choice: [options[0]!] });
    await expectRefusal(
      () => recordPaper(committee, id, r(1).userId!),
      409,
      "vote:errors.residentVoted",
    );
    await recordPaper(committee, id, r(2).userId!);
    await expectRefusal(
      () => recordPaper(committee2, id, r(2).userId!),
      409,
      "vote:errors.residentVoted",
    );
  });

  it("are only for voters who may vote, while voting is open, by this community's committee", async () => {
    const { id } = await newPoll();
    const ghost = 999_999;
    for (const voter of [pendingUser.userId!, residentThere.userId!, committee2.userId!, ghost]) {
      await expectRefusal(
        () => recordPaper(committee, id, voter),
        403,
        "vote:errors.voterNotEligible",
      );
    }
    await expectRefusal(() => recordPaper(r(5), id, r(4).userId!), 403, "errors.forbidden");
    await expectRefusal(
      () => recordPaper(committeeThere, id, r(4).userId!),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => recordPaper(ANONYMOUS, id, r(4).userId!),
      401,
      "errors.signInRequired",
    );
    await closePoll(id);
    await expectRefusal(() => recordPaper(committee, id, r(3).userId!), 409, "vote:errors.closed");
  });

  it("log who recorded whom, and nothing else", async () => {
    const { id } = await newPoll();
    const participationId = await recordPaper(committee, id, r(6).userId!);
    expect(await auditOf("ballot.enterPaper", "poll", id)).toEqual([
      {
        actorId: committee.userId,
        areaId: here,
        details: { voterId: r(6).userId, participationId },
      },
    ]);
  });
});

describe("the paper box, counted after closing", () => {
  it("is counted anonymously, confirmed by a second member, and only then joins the results", async () => {
    const { id, options } = await newPoll({ results: "afterClose" });
    const [a, b] = options as [number, number];
    await run(votePoll, r(0), { id, choice: [a] });
    for (const i of [1, 2, 3]) await recordPaper(committee, id, r(i).userId!);
    // The box is not opened while voting runs.
    await expectRefusal(
      () => run(addBoxBallot, committee, { kind: "poll", id, choice: [b] }),
      409,
      "vote:errors.countAfterClose",
    );
    await closePoll(id);
    // Closed, the box not counted: no results, no published ballots.
    expect(await resultsOf(id)).toBeNull();
    await expectRefusal(() => publishedBallots("poll", id), 409, "vote:errors.countingPaper");

    await run(addBoxBallot, committee, { kind: "poll", id, choice: [b] });
    await run(addBoxBallot, committee2, { kind: "poll", id, choice: [a] });
    await run(markSpoiled, committee, { kind: "poll", id, change: "add" });
    // Three voters, three papers: a fourth is refused, of either kind.
    await expectRefusal(
      () => run(addBoxBallot, committee, { kind: "poll", id, choice: [b] }),
      409,
      "vote:errors.boxFull",
    );
    await expectRefusal(
      () => run(markSpoiled, committee, { kind: "poll", id, change: "add" }),
      409,
      "vote:errors.boxFull",
    );
    // A ballot from the box is checked as a vote is.
    await run(markSpoiled, committee, { kind: "poll", id, change: "remove" });
    await expectRefusal(
      () => run(addBoxBallot, committee, { kind: "poll", id, choice: [a, b] }),
      400,
      "vote:errors.tooManyChoices",
    );
    await run(markSpoiled, committee, { kind: "poll", id, change: "add" });
    // The entries name nobody: no voter, no time.
    const entries = await getDb().selectFrom("paperCountBallots").selectAll().execute();
    for (const e of entries)
      expect(Object.keys(e).sort()).toEqual(["choices", "countId", "enteredBy", "id"]);

    await run(submitCount, committee, { kind: "poll", id, note: "" });
    expect(await resultsOf(id)).toBeNull();
    await expectRefusal(
      () => run(decideCount, committee, { kind: "poll", id, decision: "confirm" }),
      409,
      "vote:errors.confirmOwnCount",
    );
    await expectRefusal(
      () => run(decideCount, r(4), { kind: "poll", id, decision: "confirm" }),
      403,
      "errors.forbidden",
    );
    await expectRefusal(
      () => run(decideCount, committeeThere, { kind: "poll", id, decision: "confirm" }),
      403,
      "errors.forbidden",
    );
    // Submitted: no more entries until it is sent back.
    await expectRefusal(
      () => run(markSpoiled, committee2, { kind: "poll", id, change: "remove" }),
      409,
      "vote:errors.countSubmitted",
    );
    await run(decideCount, committee2, { kind: "poll", id, decision: "confirm" });

    expect(await resultsOf(id)).toEqual([2, 1, 0]);
    const ballots = await ballotRows("poll", id);
    expect(
      ballots
        .filter((x) => x.channel === "paper")
        .map((x) => x.choices)
        .sort(),
    ).toEqual([[a], [b]]);
    for (const x of ballots) expect(x.receipt).toMatch(RECEIPT);
    expect(await getDb().selectFrom("paperCountBallots").selectAll().execute()).toEqual([]);
    expect(await publishedBallots("poll", id)).toHaveLength(3);
    const page = (await pollPage(ANONYMOUS, id))!;
    expect(page.final).toBe(true);
    expect(page.box).toMatchObject({ expected: 3, entered: 0, spoiled: 1, settled: true });
    expect(page.paperBallots).toBe(2);
    await expectRefusal(
      () => run(decideCount, committee2, { kind: "poll", id, decision: "confirm" }),
      409,
      "vote:errors.countConfirmed",
    );
    await expectRefusal(
      () => run(addBoxBallot, committee, { kind: "poll", id, choice: [a] }),
      409,
      "vote:errors.countConfirmed",
    );
    // The log says who counted what, never a ballot's choices.
    const log = await auditOf("ballot.countPaper", "poll", id);
    expect(log.map((e) => e.details.change)).toEqual([
      "ballotEntered",
      "ballotEntered",
      "spoiledAdded",
      "spoiledRemoved",
      "spoiledAdded",
      "countSubmitted",
    ]);
    expect(JSON.stringify(log)).not.toContain("choice");
    expect(await auditOf("ballot.confirmPaper", "poll", id)).toEqual([
      {
        actorId: committee2.userId,
        areaId: here,
        details: { change: "countConfirmed", ballots: 2, spoiled: 1, needsReview: false },
      },
    ]);
  });

  it("needs a reason when papers are missing; can be sent back and corrected", async () => {
    const { id, options } = await newPoll();
    for (const i of [1, 2]) await recordPaper(committee, id, r(i).userId!);
    await closePoll(id);
    const entry = await run(addBoxBallot, committee, { kind: "poll", id, choice: [options[0]!] });
    await expectRefusal(
      () => run(submitCount, committee, { kind: "poll", id, note: "  " }),
      400,
      "vote:errors.countShort",
    );
    await run(submitCount, committee, { kind: "poll", id, note: "一位居民把选票带走了" });
    await run(decideCount, committee2, { kind: "poll", id, decision: "return" });
    expect(await countRow("poll", id)).toMatchObject({ submittedAt: null, confirmedAt: null });
    // Corrected: the entry was wrong.
    await run(removeBoxBallot, committee, { kind: "poll", id, entry });
    await expectRefusal(
      () => run(removeBoxBallot, committee, { kind: "poll", id, entry }),
      404,
      "vote:errors.boxEntryNotFound",
    );
    await run(addBoxBallot, committee, { kind: "poll", id, choice: [options[1]!] });
    await run(submitCount, committee, { kind: "poll", id, note: "一位居民把选票带走了" });
    await run(decideCount, committee2, { kind: "poll", id, decision: "confirm" });
    expect(await resultsOf(id)).toEqual([0, 1, 0]);
    expect((await pollPage(ANONYMOUS, id))!.box.note).toBe("一位居民把选票带走了");
  });

  it("refuses to unmark a spoiled paper none marked, and to decide a count not submitted", async () => {
    const { id, options } = await newPoll({ results: "afterClose" });
    for (const i of [0, 1]) await recordPaper(committee, id, r(i).userId!);
    await closePoll(id);
    await expectRefusal(
      () => run(decideCount, committee2, { kind: "poll", id, decision: "confirm" }),
      409,
      "vote:errors.countNotSubmitted",
    );
    await run(addBoxBallot, committee, { kind: "poll", id, choice: [options[0]!] });
    await expectRefusal(
      () => run(markSpoiled, committee, { kind: "poll", id, change: "remove" }),
      409,
      "vote:errors.noSpoiled",
    );
    await expectRefusal(
      () => run(decideCount, committee2, { kind: "poll", id, decision: "return" }),
      409,
      "vote:errors.countNotSubmitted",
    );
    expect((await pollPage(ANONYMOUS, id))!.box).toMatchObject({ entered: 1, spoiled: 0 });
  });

  it("two members marking spoiled papers at once lose neither mark", async () => {
    const { id } = await newPoll({ results: "afterClose" });
    for (const i of [0, 1, 2]) await recordPaper(committee, id, r(i).userId!);
    await closePoll(id);
    // Start the count, so that both marks go to the same row.
    await run(markSpoiled, committee, { kind: "poll", id, change: "add" });
    const marks = await Promise.allSettled(
      [committee, committee2].map((by) =>
        run(markSpoiled, by, { kind: "poll", id, change: "add" }),
      ),
    );
    // Either both counted (one after the other), or the second was refused as changed under it:
    // never two acknowledged marks and one stored.
    const done = marks.filter((m) => m.status === "fulfilled").length;
    for (const m of marks) {
      if (m.status === "rejected")
        expect((m.reason as { key?: string }).key).toBe("vote:errors.countChanged");
    }
    expect((await pollPage(ANONYMOUS, id))!.box.spoiled).toBe(1 + done);
  });

  it("an entry of another poll's count is not found from this one", async () => {
    const one = await newPoll();
    const two = await newPoll();
    await recordPaper(committee, one.id, r(1).userId!);
    await recordPaper(committee, two.id, r(1).userId!);
    await closePoll(one.id);
    await closePoll(two.id);
    const entry = await run(addBoxBallot, committee, {
      kind: "poll",
      id: one.id,
      choice: [one.options[0]!],
    });
    await expectRefusal(
      () => run(removeBoxBallot, committee, { kind: "poll", id: two.id, entry }),
      404,
      "vote:errors.boxEntryNotFound",
    );
  });

  it("with no paper voter there is no box to count, and results are final at closing", async () => {
    const { id, options } = await newPoll();
    await run(votePoll, r(0), { id, choice: [options[0]!] });
    await closePoll(id);
    expect(await resultsOf(id)).toEqual([1, 0, 0]);
    await expectRefusal(
      () => run(addBoxBallot, committee, { kind: "poll", id, choice: [options[0]!] }),
      409,
      "vote:errors.noPaperVoters",
    );
  });

  it("where the committee has one member, they confirm their own count, flagged for review", async () => {
    const { id, options } = await newPoll({}, { communityId: solo, by: soloCommittee });
    await recordPaper(soloCommittee, id, soloResident.userId!);
    await closePoll(id);
    await countBox(id, [[options[0]!]], { by: soloCommittee, checker: soloCommittee });
    expect(await countRow("poll", id)).toMatchObject({ needsReview: 1 });
    expect((await pollPage(ANONYMOUS, id))!.box.needsReview).toBe(true);
    expect(await resultsOf(id)).toEqual([1, 0, 0]);
  });

  it("holds a budget round's count until the box is confirmed", async () => {
    const [x, y] = [
      await makeProject(here, { cost: 6000 }),
      await makeProject(here, { cost: 5000 }),
    ];
    const id = await run(createRound, committee, { ...roundInput([x, y]), communityId: here });
    await run(voteRound, r(8), { id, choice: [x] });
    await recordPaper(committee, id, r(9).userId!, "round");
    await expectRefusal(
      () => run(voteRound, r(9), { id, choice: [x] }),
      409,
      "vote:errors.alreadyVoted",
    );
    await closeRound(id);
    await ensureTallied(id);
    expect((await roundPage(ANONYMOUS, id))!.round.talliedAt).toBeNull();
    await expectRefusal(
      () => run(addBoxBallot, committee, { kind: "round", id, choice: [x, y] }),
      400,
      "vote:errors.overBudget",
    );
    await countBox(id, [[y]], { kind: "round" });
    const page = (await roundPage(ANONYMOUS, id))!;
    expect(page.round.talliedAt).not.toBeNull();
    expect(page.projects.map((p) => [p.id, p.approvals])).toEqual([
      [x, 1],
      [y, 1],
    ]);
  });
});

describe("live results", () => {
  it("move in steps, so a committee watching the paper desk cannot see one ballot arrive", async () => {
    const { id, options } = await newPoll({ results: "live" });
    const [a, b] = options as [number, number];
    const desk = async () => {
      const page = (await pollPage(committee, id))!;
      return { waiting: page.voters!.map((v) => v.id), results: page.results };
    };
    // Before the first step: no results at all, though ballots have come in.
    await run(votePoll, r(0), { id, choice: [a] });
    const before = await desk();
    expect(before.results).toBeNull();
    // The desk sees r(1) leave the list; the results do not move.
    await run(votePoll, r(1), { id, choice: [b] });
    const after = await desk();
    expect(before.waiting).toContain(r(1).userId);
    expect(after.waiting).not.toContain(r(1).userId);
    expect(after.results).toBeNull();
    // The tenth ballot releases the first step: ten ballots at once.
    for (let i = 2; i < RELEASE_STEP_BALLOTS; i++) {
      await run(votePoll, r(i), { id, choice: [a] });
    }
    expect(await resultsOf(id, committee)).toEqual([RELEASE_STEP_BALLOTS - 1, 1, 0]);
    // The next ballots arrive at once, but the step waits for its minutes and its ballots.
    await run(votePoll, r(10), { id, choice: [b] });
    await run(votePoll, r(11), { id, choice: [b] });
    expect(await resultsOf(id, committee)).toEqual([RELEASE_STEP_BALLOTS - 1, 1, 0]);
    // Timed work releases nothing that is not due, however often it runs.
    const later = new Date(Date.now() + RELEASE_STEP_MINUTES * 60_000);
    await JOBS["results.release"]!.run(getDb(), later);
    expect(await resultsOf(id, committee)).toEqual([RELEASE_STEP_BALLOTS - 1, 1, 0]);
    // Once closed, the whole count.
    await closePoll(id);
    expect(await resultsOf(id)).toEqual([RELEASE_STEP_BALLOTS - 1, 3, 0]);
  });

  it("release a step that filled up too soon once its minutes have passed", () => {
    const t0 = new Date("2026-12-01T10:00:00Z");
    const at = (min: number) => new Date(t0.getTime() + min * 60_000);
    const last = { ballots: 10, releasedAt: t0.toISOString() };
    expect(releaseDue(null, RELEASE_STEP_BALLOTS - 1, t0)).toBe(false);
    expect(releaseDue(null, RELEASE_STEP_BALLOTS, t0)).toBe(true);
    expect(releaseDue(last, 10 + RELEASE_STEP_BALLOTS, at(RELEASE_STEP_MINUTES - 1))).toBe(false);
    expect(releaseDue(last, 10 + RELEASE_STEP_BALLOTS - 1, at(60))).toBe(false);
    expect(releaseDue(last, 10 + RELEASE_STEP_BALLOTS, at(RELEASE_STEP_MINUTES))).toBe(true);
  });
});

// ---------------------------------------------------------------- publishing

describe("published ballots", () => {
  it("are refused until voting closes, then list every ballot with its channel", async () => {
    const { id, options } = await newPoll({ method: "approval", maxChoices: "2" });
    const [a, b, c] = options as [number, number, number];
    const mine = await run(votePoll, r(0), { id, choice: [a, c] });
    const second = await run(votePoll, r(1), { id, choice: [b] });
    await run(recordPaperVoter, committee, { kind: "poll", id, voter: r(2).userId! });

    for (const read of [
      () => publishedBallots("poll", id),
      () => findReceipt("poll", id, mine),
      () => ballotsCsv("poll", id),
      () => ballotsJson("poll", id),
    ]) {
      await expectRefusal(read, 409, "vote:errors.notClosedYet");
    }

    await closePoll(id);
    await countBox(id, [[c]]);
    const published = await publishedBallots("poll", id);
    const paper = published.find((x) => x.channel === "paper")!.receipt;
    expect(published).toEqual(
      [
        { receipt: mine, choices: [a, c], channel: "online" },
        { receipt: second, choices: [b], channel: "online" },
        { receipt: paper, choices: [c], channel: "paper" },
      ].sort((x, y) => (x.receipt < y.receipt ? -1 : 1)),
    );
    expect(published).toHaveLength((await participations("poll", id)).length);

    expect(await findReceipt("poll", id, mine)).toEqual({
      receipt: mine,
      choices: [a, c],
      channel: "online",
    });
    expect(await findReceipt("poll", id, "0000-0000-0000")).toBeNull();
    // A receipt of another poll is not found in this one.
    const other = await newPoll();
    const elsewhere = await run(votePoll, r(0), { id: other.id, choice: [other.options[0]!] });
    expect(await findReceipt("poll", id, elsewhere)).toBeNull();

    const csv = await ballotsCsv("poll", id);
    const lines = csv.split("\r\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1)).toEqual([
      "receipt,channel,choices",
      ...published.map((x) => `${x.receipt},${x.channel},${x.choices.join(" ")}`),
    ]);
    expect(await ballotsJson("poll", id)).toEqual({ pollId: id, ballots: published });
  });

  it("answers 404 for a poll or round that does not exist", async () => {
    await expectRefusal(() => publishedBallots("poll", 999_999), 404, "vote:errors.pollNotFound");
    await expectRefusal(() => publishedBallots("round", 999_999), 404, "vote:errors.roundNotFound");
  });
});
