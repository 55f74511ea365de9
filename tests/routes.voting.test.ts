/**
 * The poll and budget-round pages as Remix calls them, with real Requests: voting, forged forms,
 * receipt checks, paper ballots and their confirmation, the new-poll and new-round forms, and the
 * CSV / JSON / Pabulib downloads. Every refusal is checked for its status, its key on the right
 * field, the form kept as typed, and nothing written anywhere.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { parsePabulib } from "~/domain/voting/pabulib";
import { pollSchema, roundSchema } from "~/domain/voting/schemas";
import { action as roundAction, loader as roundLoader } from "~/routes/budgets.$id._index";
import { loader as roundCsvLoader } from "~/routes/budgets.$id.ballots[.csv]";
import { loader as roundJsonLoader } from "~/routes/budgets.$id.ballots[.json]";
import { loader as roundPbLoader } from "~/routes/budgets.$id.round[.pb]";
import { action as newRoundAction, loader as newRoundLoader } from "~/routes/budgets.new";
import { action as pollAction, loader as pollLoader } from "~/routes/polls.$id._index";
import { loader as pollCsvLoader } from "~/routes/polls.$id.ballots[.csv]";
import { loader as pollJsonLoader } from "~/routes/polls.$id.ballots[.json]";
import { loader as pollPrintLoader } from "~/routes/polls.$id.print";
import { action as newPollAction, loader as newPollLoader } from "~/routes/polls.new";
import { run as runCommand } from "~/services/runner/command.server";
import { createPoll, createRound } from "~/services/voting/commands.server";
import type { Refusal } from "~/utils/forms.server";
import {
  actorFor,
  chinaLocal,
  cookieFor,
  makeCommittee,
  makeCommunity,
  makeMeeting,
  makeMembership,
  makeProject,
  makeUser,
  setVoteWindow,
  wholeDbSnapshot,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

const HOUR = 3_600_000;
const RECEIPT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

type Fields = Record<string, string | string[]>;

let here: number;
let there: number;
let committeeId: number;
let committee2Id: number;
let committee: string;
let committee2: string;
let residentIds: number[];
let residents: string[];
let pending: string;
let residentThere: string;

beforeAll(async () => {
  here = await makeCommunity("here");
  there = await makeCommunity("there");
  committeeId = await makeUser();
  await makeCommittee(committeeId, here);
  committee2Id = await makeUser();
  await makeCommittee(committee2Id, here);
  committee = await cookieFor(committeeId);
  committee2 = await cookieFor(committee2Id);
  residentIds = [];
  residents = [];
  for (let i = 0; i < 10; i++) {
    const id = await makeUser();
    await makeMembership(id, here, "verified");
    residentIds.push(id);
    residents.push(await cookieFor(id));
  }
  const p = await makeUser();
  await makeMembership(p, here, "pending");
  pending = await cookieFor(p);
  const t = await makeUser();
  await makeMembership(t, there, "verified");
  residentThere = await cookieFor(t);
});

const rc = (i: number) => residents[i]!;

function get(urlPath: string, cookie: string | null = null): Request {
  return new Request(`http://localhost${urlPath}`, { headers: cookie ? { Cookie: cookie } : {} });
}

function post(urlPath: string, fields: Fields | string, cookie: string | null) {
  return formRequest(urlPath, fields, cookie ? { Cookie: cookie } : {});
}

const pollAct = (id: number, fields: Fields | string, cookie: string | null) =>
  run(pollAction, post(`/polls/${id}?index`, fields, cookie), { id: String(id) });

const roundAct = (id: number, fields: Fields | string, cookie: string | null) =>
  run(roundAction, post(`/budgets/${id}?index`, fields, cookie), { id: String(id) });

/** The refusal's errors as field → key, to say "this key on this field, and nothing else". */
function keys(data: Refusal): Record<string, string> {
  return Object.fromEntries(Object.entries(data.errors).map(([f, e]) => [f, e.key]));
}

/** Runs a request that must be refused: nothing in the database may change. */
async function refused(make: () => Promise<Response>): Promise<Response> {
  const before = await wholeDbSnapshot();
  const res = await make();
  expect(await wholeDbSnapshot()).toEqual(before);
  return res;
}

/** A refused form: its status and field → key, from a request that wrote nothing. */
async function refusedForm(make: () => Promise<Response>) {
  const res = await refused(make);
  const data = await body<Refusal>(res);
  return { status: res.status, errors: keys(data), data };
}

/** A poll of `here`, open from an hour ago, made through the service. */
async function newPoll(change: Record<string, unknown> = {}) {
  const input = pollSchema.parse({
    question: "小区东门是否夜间关闭",
    method: "single",
    option: ["关闭", "不关闭", "只关车行道"],
    electorate: "residents",
    results: "live",
    opensAt: chinaLocal(Date.now() - HOUR),
    closesAt: chinaLocal(Date.now() + HOUR),
    ...change,
  });
  const id = await runCommand(createPoll, await actorFor(committeeId), {
    ...input,
    communityId: here,
    meetingId: null,
  });
  const options = await getDb()
    .selectFrom("pollOptions")
    .select("id")
    .where("pollId", "=", id)
    .orderBy("position")
    .execute();
  return { id, options: options.map((o) => String(o.id)) };
}

async function newRound(projects: number[], change: Record<string, unknown> = {}) {
  const input = roundSchema.parse({
    title: "2027年微实事预算",
    budget: "10000",
    method: "greedy",
    project: projects.map(String),
    opensAt: chinaLocal(Date.now() - HOUR),
    closesAt: chinaLocal(Date.now() + HOUR),
    ...change,
  });
  return runCommand(createRound, await actorFor(committeeId), { ...input, communityId: here });
}

// ---------------------------------------------------------------- the poll page

describe("voting on the poll page", () => {
  it("answers 200 with a receipt, and the page then says the resident has voted", async () => {
    const { id, options } = await newPoll();
    const res = await pollAct(id, { intent: "vote", choice: options[1]! }, rc(0));
    expect(res.status).toBe(200);
    const data = await body<{ receipt: string }>(res);
    // The answer carries the count with this ballot in it, so the receipt never shows beside an
    // older figure.
    expect(data).toEqual({ receipt: expect.stringMatching(RECEIPT) as unknown, ballots: 1 });
    const ballots = await getDb()
      .selectFrom("ballots")
      .selectAll()
      .where("pollId", "=", id)
      .execute();
    expect(ballots).toEqual([
      {
        receipt: data.receipt,
        pollId: id,
        roundId: null,
        choices: `[${options[1]}]`,
        channel: "online",
      },
    ]);
    const page = await run(pollLoader, get(`/polls/${id}`, rc(0)), { id: String(id) });
    expect(page.status).toBe(200);
    expect(await body(page)).toMatchObject({
      phase: "open",
      ballots: 1,
      viewer: { voted: true, canVote: false },
      // Live results move in steps of several ballots: one ballot is never shown arriving.
      results: null,
    });
    // A second vote is refused on the form, with the choice kept.
    const again = await refusedForm(() =>
      pollAct(id, { intent: "vote", choice: options[0]! }, rc(0)),
    );
    expect(again.status).toBe(409);
    expect(again.errors).toEqual({ _form: "vote:errors.alreadyVoted" });
    expect(again.data.values).toMatchObject({ intent: "vote", choice: options[0] });
  });

  it("takes several choices in an approval poll, and keeps them as typed when refused", async () => {
    const { id, options } = await newPoll({ method: "approval", maxChoices: "2" });
    const over = await refusedForm(() => pollAct(id, { intent: "vote", choice: options }, rc(1)));
    expect(over.status).toBe(400);
    expect(over.errors).toEqual({ choice: "vote:errors.tooManyChoices" });
    expect(over.data.errors.choice!.params).toEqual({ max: 2 });
    expect(over.data.lists).toMatchObject({ choice: options });
    const ok = await pollAct(id, { intent: "vote", choice: [options[2]!, options[0]!] }, rc(1));
    expect(ok.status).toBe(200);
  });

  it("refuses forged forms with 400, on the right field, writing nothing", async () => {
    const { id, options } = await newPoll();
    const other = await newPoll();
    const cases: Array<[Fields | string, Record<string, string>]> = [
      [{ intent: "vote", choice: "abc" }, { choice: "errors.invalidType" }],
      [{ intent: "vote", choice: "0" }, { choice: "errors.invalidType" }],
      [{ intent: "vote", choice: "999999" }, { choice: "vote:errors.noSuchOption" }],
      [{ intent: "vote", choice: other.options[0]! }, { choice: "vote:errors.noSuchOption" }],
      [
        { intent: "vote", choice: [options[0]!, options[0]!] },
        { choice: "vote:errors.duplicateChoice" },
      ],
      [
        { intent: "vote", choice: [options[0]!, options[1]!] },
        { choice: "vote:errors.tooManyChoices" },
      ],
      [{ intent: "vote" }, { choice: "vote:errors.chooseOne" }],
      [{ choice: options[0]! }, { _form: "errors.badForm" }],
      [{ intent: "stuff", choice: options[0]! }, { _form: "errors.badForm" }],
      [{ intent: ["vote", "vote"], choice: options[0]! }, { _form: "errors.badForm" }],
      ["intent=vote&choice=%ZZ", { choice: "errors.invalidType" }],
    ];
    for (const [fields, expected] of cases) {
      const r = await refusedForm(() => pollAct(id, fields, rc(2)));
      expect({ fields, status: r.status, errors: r.errors }).toEqual({
        fields,
        status: 400,
        errors: expected,
      });
    }
    // None of that counted: the resident can still vote.
    expect((await pollAct(id, { intent: "vote", choice: options[0]! }, rc(2))).status).toBe(200);
  });

  it("refuses residents of elsewhere and unverified users with 403", async () => {
    const { id, options } = await newPoll();
    for (const cookie of [pending, residentThere, committee]) {
      const r = await refusedForm(() =>
        pollAct(id, { intent: "vote", choice: options[0]! }, cookie),
      );
      expect({ status: r.status, errors: r.errors }).toEqual({
        status: 403,
        errors: { _form: "errors.forbidden" },
      });
    }
  });

  it("sends a signed-out voter to the login page, and back here afterwards", async () => {
    const { id, options } = await newPoll();
    const res = await refused(() => pollAct(id, { intent: "vote", choice: options[0]! }, null));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(
      `/login?next=${encodeURIComponent(`/polls/${id}?index`)}`,
    );
    // A cookie for a session that does not exist is signed out too.
    const stale = await refused(() =>
      pollAct(id, { intent: "vote", choice: options[0]! }, "liuhe_session=nope"),
    );
    expect(stale.status).toBe(302);
  });

  it("refuses before opening and after closing with 409", async () => {
    const { id, options } = await newPoll();
    await setVoteWindow("poll", id, HOUR, 2 * HOUR);
    const early = await refusedForm(() =>
      pollAct(id, { intent: "vote", choice: options[0]! }, rc(3)),
    );
    expect([early.status, early.errors]).toEqual([409, { _form: "vote:errors.notOpenYet" }]);
    await setVoteWindow("poll", id, -2 * HOUR, -HOUR);
    const late = await refusedForm(() =>
      pollAct(id, { intent: "vote", choice: options[0]! }, rc(3)),
    );
    expect([late.status, late.errors]).toEqual([409, { _form: "vote:errors.closed" }]);
  });

  it("answers 404 for a poll that does not exist or a malformed id", async () => {
    expect((await run(pollLoader, get("/polls/999999"), { id: "999999" })).status).toBe(404);
    expect((await run(pollLoader, get("/polls/abc"), { id: "abc" })).status).toBe(404);
    const res = await refused(() => pollAct(999_999, { intent: "vote", choice: "1" }, rc(3)));
    expect(res.status).toBe(404);
    expect(keys(await body<Refusal>(res))).toEqual({ _form: "vote:errors.pollNotFound" });
    expect((await run(pollPrintLoader, get("/polls/999999/print"), { id: "999999" })).status).toBe(
      404,
    );
  });
});

describe("checking a receipt", () => {
  it("refuses a malformed receipt with 400 and a receipt of an open poll with 409", async () => {
    const { id, options } = await newPoll();
    for (const receipt of ["", "12345", "ABCD-EFGH-JKMU", "ABCD-EFGH-JKMN-PQRS"]) {
      const r = await refusedForm(() => pollAct(id, { intent: "check", receipt }, null));
      expect([receipt, r.status, r.errors]).toEqual([
        receipt,
        400,
        { receipt: "vote:errors.badReceipt" },
      ]);
      expect(r.data.values).toMatchObject({ intent: "check", receipt });
    }
    const missing = await refusedForm(() => pollAct(id, { intent: "check" }, null));
    expect([missing.status, missing.errors]).toEqual([400, { receipt: "vote:errors.badReceipt" }]);

    const { receipt } = await body<{ receipt: string }>(
      await pollAct(id, { intent: "vote", choice: options[2]! }, rc(4)),
    );
    const early = await refusedForm(() => pollAct(id, { intent: "check", receipt }, null));
    expect([early.status, early.errors]).toEqual([409, { _form: "vote:errors.notClosedYet" }]);
  });

  it("finds a ballot after closing, signed in or not, however the receipt is typed", async () => {
    const { id, options } = await newPoll();
    const { receipt } = await body<{ receipt: string }>(
      await pollAct(id, { intent: "vote", choice: options[1]! }, rc(5)),
    );
    await setVoteWindow("poll", id, -2 * HOUR, -HOUR);
    const typed = ` ${receipt.replace(/-/g, " ").toLowerCase()} `;
    const res = await pollAct(id, { intent: "check", receipt: typed }, null);
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({
      found: { receipt, choices: [Number(options[1])], channel: "online" },
    });
    const none = await pollAct(id, { intent: "check", receipt: "0000-0000-0000" }, rc(0));
    expect(await body(none)).toEqual({ found: null });
  });
});

describe("paper ballots on the poll page", () => {
  it("refuses to record a paper voter without a voter with 400 pickVoter", async () => {
    const { id } = await newPoll();
    for (const voter of [undefined, "", "abc", "0"]) {
      const fields: Fields = { intent: "paper" };
      if (voter !== undefined) fields.voter = voter;
      const r = await refusedForm(() => pollAct(id, fields, committee));
      expect([voter, r.status, r.errors]).toEqual([voter, 400, { voter: "vote:errors.pickVoter" }]);
    }
  });

  it("records a paper voter at the window, then counts the box after closing", async () => {
    const { id, options } = await newPoll();
    const voter = String(residentIds[6]);
    const resident = await refusedForm(() => pollAct(id, { intent: "paper", voter }, rc(7)));
    expect([resident.status, resident.errors]).toEqual([403, { _form: "errors.forbidden" }]);

    const res = await pollAct(id, { intent: "paper", voter }, committee);
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ paper: "recorded" });
    const twice = await refusedForm(() => pollAct(id, { intent: "paper", voter }, committee2));
    expect([twice.status, twice.errors]).toEqual([409, { voter: "vote:errors.residentVoted" }]);
    const online = await refusedForm(() =>
      pollAct(id, { intent: "vote", choice: options[1]! }, rc(6)),
    );
    expect([online.status, online.errors]).toEqual([409, { _form: "vote:errors.alreadyVoted" }]);
    // The box stays shut while voting runs.
    const early = await refusedForm(() =>
      pollAct(id, { intent: "box", choice: options[0]! }, committee),
    );
    expect([early.status, early.errors]).toEqual([409, { _form: "vote:errors.countAfterClose" }]);

    await setVoteWindow("poll", id, -2 * HOUR, -HOUR);
    const forged = await refusedForm(() =>
      pollAct(id, { intent: "box", choice: "abc" }, committee),
    );
    expect([forged.status, forged.errors]).toEqual([400, { choice: "errors.invalidType" }]);
    const entered = await pollAct(id, { intent: "box", choice: options[0]! }, committee);
    expect(await body(entered)).toEqual({ box: "added" });
    const badDecision = await refusedForm(() =>
      pollAct(id, { intent: "decideCount", decision: "maybe" }, committee2),
    );
    expect([badDecision.status, badDecision.errors]).toEqual([400, { _form: "errors.badForm" }]);
    expect(await body(await pollAct(id, { intent: "submitCount" }, committee))).toEqual({
      box: "submitted",
    });
    const own = await refusedForm(() =>
      pollAct(id, { intent: "decideCount", decision: "confirm" }, committee),
    );
    expect([own.status, own.errors]).toEqual([409, { _form: "vote:errors.confirmOwnCount" }]);
    const ok = await pollAct(id, { intent: "decideCount", decision: "confirm" }, committee2);
    expect(await body(ok)).toEqual({ box: "confirmed" });
    const page = await body<{ results: Array<{ votes: number }>; final: boolean }>(
      await run(pollLoader, get(`/polls/${id}`), { id: String(id) }),
    );
    expect(page.final).toBe(true);
    expect(page.results.map((r) => r.votes)).toEqual([1, 0, 0]);
  });

  it("refuses to record someone who may not vote here", async () => {
    const { id } = await newPoll();
    const r = await refusedForm(() =>
      pollAct(id, { intent: "paper", voter: String(committee2Id) }, committee),
    );
    expect([r.status, r.errors]).toEqual([403, { voter: "vote:errors.voterNotEligible" }]);
  });
});

// ---------------------------------------------------------------- downloads

describe("ballot downloads", () => {
  it("are refused with 409 before closing and served after, for polls", async () => {
    const { id, options } = await newPoll();
    const receipts: string[] = [];
    for (const i of [0, 1, 2]) {
      const res = await pollAct(id, { intent: "vote", choice: options[i % 2]! }, rc(i));
      receipts.push((await body<{ receipt: string }>(res)).receipt);
    }
    for (const loader of [pollCsvLoader, pollJsonLoader]) {
      const res = await refused(() => run(loader, get(`/polls/${id}/ballots`), { id: String(id) }));
      expect(res.status).toBe(409);
      expect(await body(res)).toEqual({ error: { key: "vote:errors.notClosedYet", params: {} } });
    }
    await setVoteWindow("poll", id, -2 * HOUR, -HOUR);

    const csv = await run(pollCsvLoader, get(`/polls/${id}/ballots.csv`), { id: String(id) });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("Content-Disposition")).toContain(`liuhe-poll-${id}-ballots.csv`);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("receipt,channel,choices");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([...receipts].sort());

    const js = await run(pollJsonLoader, get(`/polls/${id}/ballots.json`), { id: String(id) });
    expect(js.status).toBe(200);
    const data = await body<{ pollId: number; ballots: Array<{ receipt: string }> }>(js);
    expect(data.pollId).toBe(id);
    expect(data.ballots.map((b) => b.receipt)).toEqual([...receipts].sort());
  });

  it("are refused with 409 before closing and served after, for rounds, with a Pabulib file", async () => {
    const [a, b, c] = [
      await makeProject(here, { cost: 4000 }),
      await makeProject(here, { cost: 5000 }),
      await makeProject(here, { cost: 3000 }),
    ];
    const id = await newRound([a, b, c]);
    for (const [i, choice] of [[a, c], [b], [a, b]].entries()) {
      const res = await roundAct(id, { intent: "vote", choice: choice.map(String) }, rc(i));
      expect(res.status).toBe(200);
    }
    const loaders = [roundCsvLoader, roundJsonLoader, roundPbLoader];
    for (const loader of loaders) {
      const res = await refused(() => run(loader, get(`/budgets/${id}/x`), { id: String(id) }));
      expect(res.status).toBe(409);
    }
    await setVoteWindow("round", id, -2 * HOUR, -HOUR);
    for (const loader of loaders) {
      expect((await run(loader, get(`/budgets/${id}/x`), { id: String(id) })).status).toBe(200);
    }
    const pb = parsePabulib(
      await (await run(roundPbLoader, get(`/budgets/${id}/round.pb`), { id: String(id) })).text(),
    );
    expect(pb.votes).toHaveLength(3);
    // a: 2 approvals, b: 2, c: 1; greedy buys a (4000) and b (5000), c no longer fits.
    expect(pb.projects.map((p) => [Number(p.id), p.extra.votes, p.selected])).toEqual([
      [a, "2", true],
      [b, "2", true],
      [c, "1", false],
    ]);
    for (const loader of loaders) {
      expect((await run(loader, get("/budgets/999999/x"), { id: "999999" })).status).toBe(404);
    }
  });
});

// ---------------------------------------------------------------- the round page

describe("voting on the budget-round page", () => {
  it("takes a ballot within the budget and refuses one over it, on the choice field", async () => {
    const [a, b] = [
      await makeProject(here, { cost: 6000 }),
      await makeProject(here, { cost: 5000 }),
    ];
    const id = await newRound([a, b]);
    const over = await refusedForm(() =>
      roundAct(id, { intent: "vote", choice: [String(a), String(b)] }, rc(8)),
    );
    expect([over.status, over.errors]).toEqual([400, { choice: "vote:errors.overBudget" }]);
    expect(over.data.errors.choice!.params).toEqual({ total: 11000, budget: 10000 });
    const forged = await refusedForm(() => roundAct(id, { intent: "vote", choice: "abc" }, rc(8)));
    expect([forged.status, forged.errors]).toEqual([400, { choice: "errors.invalidType" }]);
    const ok = await roundAct(id, { intent: "vote", choice: String(b) }, rc(8));
    expect(ok.status).toBe(200);
    expect(await body(ok)).toEqual({
      receipt: expect.stringMatching(RECEIPT) as unknown,
      ballots: 1,
    });
    const page = await body<{ viewer: { voted: boolean }; ballots: number }>(
      await run(roundLoader, get(`/budgets/${id}`, rc(8)), { id: String(id) }),
    );
    expect(page).toMatchObject({ ballots: 1, viewer: { voted: true } });
    const paper = await refusedForm(() => roundAct(id, { intent: "paper" }, committee));
    expect([paper.status, paper.errors]).toEqual([400, { voter: "vote:errors.pickVoter" }]);
  });
});

// ---------------------------------------------------------------- new polls and rounds

function pollFields(change: Fields = {}): Fields {
  return {
    question: "是否在二幢增设快递柜",
    description: "",
    method: "single",
    option: ["增设", "不增设", "", "", "", ""],
    maxChoices: "",
    electorate: "residents",
    results: "afterClose",
    opensAt: chinaLocal(Date.now() - HOUR),
    closesAt: chinaLocal(Date.now() + 24 * HOUR),
    ...change,
  };
}

const newPollAt = (query: string, fields: Fields, cookie: string | null) =>
  run(newPollAction, post(`/polls/new?${query}`, fields, cookie));

describe("the new-poll page", () => {
  it("lets the committee create a poll, then redirects to it", async () => {
    const res = await newPollAt(`community=${here}`, pollFields(), committee);
    expect(res.status).toBe(302);
    const m = /^\/polls\/(\d+)$/.exec(res.headers.get("Location") ?? "");
    expect(m).not.toBeNull();
    const id = Number(m![1]);
    const row = await getDb()
      .selectFrom("polls")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      communityId: here,
      meetingId: null,
      question: "是否在二幢增设快递柜",
      method: "single",
      results: "afterClose",
      createdBy: committeeId,
    });
    const options = await getDb()
      .selectFrom("pollOptions")
      .select(["label", "position"])
      .where("pollId", "=", id)
      .orderBy("position")
      .execute();
    expect(options).toEqual([
      { label: "增设", position: 0 },
      { label: "不增设", position: 1 },
    ]);
  });

  it("creates a seat-holder poll at one of the community's meetings", async () => {
    const { meetingId } = await makeMeeting(here);
    const res = await newPollAt(
      `community=${here}&meeting=${meetingId}`,
      pollFields({ electorate: "seatHolders" }),
      committee,
    );
    expect(res.status).toBe(302);
    const id = Number(/\d+$/.exec(res.headers.get("Location")!)![0]);
    expect(
      await getDb()
        .selectFrom("polls")
        .select(["meetingId", "electorate"])
        .where("id", "=", id)
        .executeTakeFirst(),
    ).toEqual({ meetingId, electorate: "seatHolders" });
  });

  it("refuses residents and other committees with 403, page and form", async () => {
    for (const cookie of [rc(0), pending]) {
      const page = await run(newPollLoader, get(`/polls/new?community=${here}`, cookie));
      expect(page.status).toBe(403);
      const r = await refusedForm(() => newPollAt(`community=${here}`, pollFields(), cookie));
      expect([r.status, r.errors]).toEqual([403, { _form: "errors.forbidden" }]);
    }
    const elsewhere = await refusedForm(() =>
      newPollAt(`community=${there}`, pollFields(), committee),
    );
    expect(elsewhere.status).toBe(403);
    const loginFirst = await refused(() => newPollAt(`community=${here}`, pollFields(), null));
    expect(loginFirst.status).toBe(302);
    expect(loginFirst.headers.get("Location")).toMatch(/^\/login\?next=/);
  });

  it("refuses a bad form with 400, keeping what was typed", async () => {
    const r = await refusedForm(() =>
      newPollAt(`community=${here}`, pollFields({ option: ["增设", "", ""] }), committee),
    );
    expect([r.status, r.errors]).toEqual([400, { options: "vote:errors.optionCount" }]);
    expect(r.data.values.question).toBe("是否在二幢增设快递柜");
    expect(r.data.lists?.option).toEqual(["增设", "", ""]);
    const seat = await refusedForm(() =>
      newPollAt(`community=${here}`, pollFields({ electorate: "seatHolders" }), committee),
    );
    expect([seat.status, seat.errors]).toEqual([
      400,
      { electorate: "vote:errors.seatHoldersNeedMeeting" },
    ]);
    const window = await refusedForm(() =>
      newPollAt(
        `community=${here}`,
        pollFields({ opensAt: "2030-01-02T09:00", closesAt: "2030-01-01T09:00" }),
        committee,
      ),
    );
    expect([window.status, window.errors]).toEqual([
      400,
      { closesAt: "vote:errors.closesBeforeOpens" },
    ]);
  });

  it("answers 404 without a community", async () => {
    expect((await run(newPollLoader, get("/polls/new", committee))).status).toBe(404);
    expect((await refused(() => newPollAt("community=abc", pollFields(), committee))).status).toBe(
      404,
    );
  });
});

describe("the new-round page", () => {
  it("offers the committee the community's accepted projects, and creates a round", async () => {
    const a = await makeProject(here, { cost: 3000, title: "楼道扶手" });
    const b = await makeProject(here, { cost: 4000, title: "休息座椅" });
    await makeProject(here, { status: "submitted" });
    await makeProject(there);
    const page = await run(newRoundLoader, get(`/budgets/new?community=${here}`, committee));
    expect(page.status).toBe(200);
    const { projects } = await body<{ projects: Array<{ id: number; budgetTotal: number }> }>(page);
    // Accepted projects already standing in a round that is not counted yet are not offered.
    const standing = await getDb()
      .selectFrom("roundProjects")
      .innerJoin("budgetRounds", "budgetRounds.id", "roundProjects.roundId")
      .select("roundProjects.projectId")
      .where("budgetRounds.talliedAt", "is", null)
      .execute();
    const accepted = await getDb()
      .selectFrom("projects")
      .select(["id", "budgetTotal"])
      .where("communityId", "=", here)
      .where("status", "=", "accepted")
      .orderBy("id")
      .execute();
    const free = accepted.filter((p) => !standing.some((s) => s.projectId === p.id));
    expect(standing.length).toBeGreaterThan(0);
    expect(projects.map((p) => p.id)).toEqual(free.map((p) => p.id));
    expect(projects.map((p) => p.id)).toEqual(expect.arrayContaining([a, b]));

    const res = await run(
      newRoundAction,
      post(
        `/budgets/new?community=${here}`,
        {
          title: "2027年春季微实事",
          description: "",
          budget: "7000",
          method: "mes",
          minProjects: "1",
          maxProjects: "",
          project: [String(a), String(b)],
          opensAt: chinaLocal(Date.now() - HOUR),
          closesAt: chinaLocal(Date.now() + 24 * HOUR),
        },
        committee,
      ),
    );
    expect(res.status).toBe(302);
    const m = /^\/budgets\/(\d+)$/.exec(res.headers.get("Location") ?? "");
    expect(m).not.toBeNull();
    const roundId = Number(m![1]);
    expect(
      await getDb()
        .selectFrom("roundProjects")
        .select(["projectId", "cost"])
        .where("roundId", "=", roundId)
        .orderBy("position")
        .execute(),
    ).toEqual([
      { projectId: a, cost: 3000 },
      { projectId: b, cost: 4000 },
    ]);
  });

  it("refuses projects that are not the community's accepted ones, and residents", async () => {
    const a = await makeProject(here);
    const elsewhere = await makeProject(there);
    const fields: Fields = {
      title: "2027年秋季微实事",
      budget: "7000",
      method: "greedy",
      project: [String(a), String(elsewhere)],
      opensAt: chinaLocal(Date.now() - HOUR),
      closesAt: chinaLocal(Date.now() + HOUR),
    };
    const r = await refusedForm(() =>
      run(newRoundAction, post(`/budgets/new?community=${here}`, fields, committee)),
    );
    expect([r.status, r.errors]).toEqual([400, { project: "vote:errors.projectsNotAccepted" }]);
    const resident = await refusedForm(() =>
      run(newRoundAction, post(`/budgets/new?community=${here}`, fields, rc(0))),
    );
    expect([resident.status, resident.errors]).toEqual([403, { _form: "errors.forbidden" }]);
    expect((await run(newRoundLoader, get(`/budgets/new?community=${here}`, rc(0)))).status).toBe(
      403,
    );
  });
});
