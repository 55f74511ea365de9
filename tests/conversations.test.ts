/**
 * 意见征集 (conversations) through their services: creating one, writing, moderating and answering
 * statements, who may and when, one vote row per statement and person (racing answers included),
 * attaching statements to the agenda, the next statement, the anonymised Polis-layout exports,
 * and the opinion map's recompute (claimed once, too few votes said so). Every refusal is checked
 * for its status and key, with nothing written anywhere and no event sent.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { ANONYMOUS, type Actor } from "~/domain/permissions/policy";
import { conversationSchema, submitSchema } from "~/domain/conversations/schemas";
import { onEvent, type DomainEvent } from "~/services/events.server";
import { run } from "~/services/runner/command.server";
import { reindexMissing, unindex } from "~/services/search.server";
import { exportMyData } from "~/services/accounts/mydata.server";
import {
  attachStatements,
  closeConversation,
  createConversation,
  detachStatement,
  moderateStatement,
  submitStatement,
  voteStatement,
} from "~/services/conversations/commands.server";
import {
  agendaStatements,
  conversationPage,
  councilConversations,
  meetingConversations,
  nextStatement,
  similarStatements,
} from "~/services/conversations/queries.server";
import { exportFile, EXPORT_FILES } from "~/services/conversations/export.server";
import { meetingLists } from "~/services/meetings/queries.server";
import {
  mapChanged,
  mapsSettled,
  recomputeMap,
  recomputeStaleMaps,
  scheduleMaps,
  storedMap,
} from "~/services/conversations/map.server";
import {
  actorFor,
  assistedBy,
  chinaLocal,
  inviteSeat,
  makeCommitteeMember,
  makeCommunity,
  makeArea,
  makeCouncil,
  makeMeeting,
  makeMembership,
  makeResident,
  makeUser,
  wholeDbSnapshot,
} from "./support/factories";
import { refusal } from "./support/refusal";

const HOUR = 3_600_000;

let here: number;
let there: number;
let committee: Actor;
let committeeThere: Actor;
let residents: Actor[];
let residentThere: Actor;
let pendingUser: Actor;
let guest: Actor;
let meeting: { councilId: number; meetingId: number; items: number[] };
let meetingThere: { councilId: number; meetingId: number; items: number[] };

beforeAll(async () => {
  // The tests compute maps themselves, at the moments they choose; the after-commit timers would
  // race them. (That votes schedule one is the "marks the map stale" test's business.)
  scheduleMaps(false);
  here = await makeCommunity("here");
  there = await makeCommunity("there");
  committee = await makeCommitteeMember(here);
  committeeThere = await makeCommitteeMember(there);
  residents = [];
  for (let i = 0; i < 24; i++) {
    residents.push(await makeResident(here, { displayName: `居民甲乙${i}` }));
  }
  residentThere = await makeResident(there);
  const p = await makeUser();
  await makeMembership(p, here, "pending");
  pendingUser = await actorFor(p);
  meeting = await makeMeeting(here, { status: "scheduled" });
  meetingThere = await makeMeeting(there, { status: "scheduled" });
  // A seat holder who is no resident of the community: an invited expert.
  const g = await makeUser({ displayName: "陈教授" });
  await inviteSeat(meeting.meetingId, g);
  guest = await actorFor(g);
});

afterAll(() => mapsSettled());

const r = (i: number) => residents[i]!;

let events: DomainEvent[] = [];
let stopListening: () => void = () => undefined;
beforeEach(() => {
  events = [];
  stopListening = onEvent((e) => events.push(e));
});
afterEach(async () => {
  stopListening();
  // Votes schedule recomputes: none may outlive its test.
  await mapsSettled();
});

async function expectRefusal(fn: () => Promise<unknown>, status: number, key: string) {
  await mapsSettled();
  const before = await wholeDbSnapshot();
  const sent = events.length;
  const err = await refusal(fn());
  expect({ status: err.status, key: err.key }).toEqual({ status, key });
  await mapsSettled();
  expect(await wholeDbSnapshot()).toEqual(before);
  expect(events.length).toBe(sent);
  return err;
}

/** The form of a new conversation as the page posts it: open from an hour ago for two hours. */
function form(over: Record<string, unknown> = {}) {
  return conversationSchema.parse({
    councilId: String(meeting.councilId),
    meetingId: "",
    question: "夜间停车怎么排？",
    description: "晚上车位不够，消防通道被占。",
    opensAt: chinaLocal(Date.now() - HOUR),
    closesAt: chinaLocal(Date.now() + 2 * HOUR),
    eligibility: "residents",
    seeds: "写字楼车位晚上应向居民开放\n消防通道上绝不能停车\n停车费应按小时收",
    ...over,
  });
}

async function create(over: Record<string, unknown> = {}, who: Actor = committee) {
  const { conversationId } = await run(createConversation, who, form(over));
  return conversationId;
}

async function statementsOf(conversationId: number) {
  return getDb()
    .selectFrom("statements")
    .select(["id", "body", "status", "isSeed"])
    .where("conversationId", "=", conversationId)
    .orderBy("id")
    .execute();
}

const vote = (
  who: Actor,
  conversationId: number,
  statementId: number,
  v: "agree" | "disagree" | "pass",
) => run(voteStatement, who, { conversationId, statementId, vote: v });

async function votesOf(statementId: number) {
  return getDb()
    .selectFrom("statementVotes")
    .select(["userId", "vote"])
    .where("statementId", "=", statementId)
    .execute();
}

// ---------------------------------------------------------------- creating

describe("creating a conversation", () => {
  it("makes it with its seed statements accepted, an empty map row and an audit entry", async () => {
    const id = await create();
    const statements = await statementsOf(id);
    expect(statements.map((s) => [s.status, s.isSeed])).toEqual([
      ["accepted", 1],
      ["accepted", 1],
      ["accepted", 1],
    ]);
    const map = await getDb()
      .selectFrom("opinionMaps")
      .select(["version", "computedVersion", "result"])
      .where("conversationId", "=", id)
      .executeTakeFirstOrThrow();
    expect(map).toEqual({ version: 0, computedVersion: 0, result: null });
    const audit = await getDb()
      .selectFrom("auditLog")
      .select(["action", "areaId", "subjectType", "subjectId", "actorId"])
      .where("subjectType", "=", "conversation")
      .where("subjectId", "=", id)
      .execute();
    expect(audit).toEqual([
      {
        action: "conversation.create",
        areaId: here,
        subjectType: "conversation",
        subjectId: id,
        actorId: committee.userId,
      },
    ]);
    expect(events).toContainEqual({
      type: "conversation.changed",
      communityId: here,
      conversationId: id,
    });
    expect((await councilConversations(meeting.councilId)).map((c) => c.id)).toContain(id);
  });

  it("is the committee's: residents and other communities' committees are refused", async () => {
    await expectRefusal(() => create({}, r(0)), 403, "errors.forbidden");
    await expectRefusal(() => create({}, committeeThere), 403, "errors.forbidden");
    await expectRefusal(() => create({}, ANONYMOUS), 401, "errors.signInRequired");
  });

  it("refuses a window that closes before it opens, and seats without a meeting", async () => {
    const opens = new Date(Date.now() + HOUR).toISOString();
    const typed = { ...form(), opensAt: opens, closesAt: new Date(Date.now()).toISOString() };
    await expectRefusal(
      () => run(createConversation, committee, typed),
      400,
      "conversations:errors.closesBeforeOpens",
    );
    await expectRefusal(
      () => run(createConversation, committee, { ...form(), eligibility: "seats" }),
      400,
      "conversations:errors.seatsNeedMeeting",
    );
    // The form says so before anything runs.
    expect(conversationSchema.safeParse({ ...rawForm(), eligibility: "seats" }).success).toBe(
      false,
    );
  });

  it("takes only a meeting of the same council", async () => {
    await expectRefusal(
      () => create({ meetingId: String(meetingThere.meetingId) }),
      404,
      "conversations:errors.meetingNotFound",
    );
    const id = await create({ meetingId: String(meeting.meetingId), eligibility: "seats" });
    expect((await meetingConversations(meeting.meetingId)).map((c) => c.id)).toContain(id);
    // The meeting's page reads them with its other lists, in one statement: the same entries.
    expect((await meetingLists(meeting.meetingId, here)).conversations).toEqual(
      await meetingConversations(meeting.meetingId),
    );
  });

  it("refuses a meeting that was cancelled, and writes nothing", async () => {
    const cancelled = await makeMeeting(here, { status: "scheduled" });
    await getDb()
      .updateTable("meetings")
      .set({ cancelledAt: new Date().toISOString(), cancelReason: "场地不可用" })
      .where("id", "=", cancelled.meetingId)
      .execute();
    const before = await getDb().selectFrom("conversations").select("id").execute();
    await expectRefusal(
      () =>
        create({ councilId: String(cancelled.councilId), meetingId: String(cancelled.meetingId) }),
      409,
      "conversations:errors.meetingCancelled",
    );
    expect(await getDb().selectFrom("conversations").select("id").execute()).toEqual(before);
  });
});

function rawForm() {
  return {
    councilId: String(meeting.councilId),
    meetingId: "",
    question: "夜间停车怎么排？",
    opensAt: chinaLocal(Date.now() - HOUR),
    closesAt: chinaLocal(Date.now() + 2 * HOUR),
    eligibility: "residents",
  };
}

// ---------------------------------------------------------------- statements

describe("writing statements", () => {
  it("adds an accepted statement, or a pending one under premoderation", async () => {
    const open = await create();
    const a = await run(submitStatement, r(0), {
      conversationId: open,
      body: "错峰停车可以试三个月",
    });
    expect(a.status).toBe("accepted");
    const held = await create({ premoderation: "yes" });
    const b = await run(submitStatement, r(0), { conversationId: held, body: "车位费应公开" });
    expect(b.status).toBe("pending");
    // Not shown to others until accepted; the committee sees it waiting.
    const page = await conversationPage(r(1), held);
    expect(page!.statements.map((s) => s.id)).not.toContain(b.statementId);
    expect(page!.pending).toEqual([]);
    const theirs = await conversationPage(committee, held);
    expect(theirs!.pending.map((s) => s.id)).toEqual([b.statementId]);
    // A pending statement takes no vote.
    await expectRefusal(
      () => vote(r(1), held, b.statementId, "agree"),
      409,
      "conversations:errors.statementNotAccepted",
    );
  });

  it("refuses writing before it opens and after it closed", async () => {
    const later = await create({
      opensAt: chinaLocal(Date.now() + HOUR),
      closesAt: chinaLocal(Date.now() + 3 * HOUR),
    });
    await expectRefusal(
      () => run(submitStatement, r(0), { conversationId: later, body: "早了" }),
      409,
      "conversations:errors.notOpenYet",
    );
    const id = await create();
    await run(closeConversation, committee, { conversationId: id });
    await expectRefusal(
      () => run(submitStatement, r(0), { conversationId: id, body: "晚了" }),
      409,
      "conversations:errors.closed",
    );
    // Closed early, once: and it is audited.
    await expectRefusal(
      () => run(closeConversation, committee, { conversationId: id }),
      409,
      "conversations:errors.closed",
    );
    const closes = await getDb()
      .selectFrom("auditLog")
      .select("action")
      .where("subjectType", "=", "conversation")
      .where("subjectId", "=", id)
      .where("action", "=", "conversation.close")
      .execute();
    expect(closes).toHaveLength(1);
  });

  it("refuses those who may not take part", async () => {
    const id = await create();
    const body = { conversationId: id, body: "我也想说" };
    await expectRefusal(() => run(submitStatement, residentThere, body), 403, "errors.forbidden");
    await expectRefusal(() => run(submitStatement, pendingUser, body), 403, "errors.forbidden");
    await expectRefusal(() => run(submitStatement, guest, body), 403, "errors.forbidden");
    await expectRefusal(() => run(submitStatement, ANONYMOUS, body), 401, "errors.signInRequired");
  });

  it("refuses an empty statement and one of 141 characters (the form's schema)", () => {
    const e1 = submitSchema.safeParse({ conversationId: "1", body: " \n " });
    const e2 = submitSchema.safeParse({ conversationId: "1", body: "字".repeat(141) });
    expect(e1.success || e2.success).toBe(false);
    expect(e1.error!.issues[0]!.message).toBe("errors.required");
    expect(e2.error!.issues[0]!.message).toBe("errors.tooLong");
  });

  it("points out near-duplicates among the accepted statements", async () => {
    const id = await create();
    const found = await similarStatements(id, "消防通道");
    expect(found.map((s) => s.body)).toEqual(["消防通道上绝不能停车"]);
    expect(await similarStatements(id, "")).toEqual([]);
    // A sentence that says the same with other words around it: enough words in common.
    expect(
      (await similarStatements(id, "我觉得消防通道上不能停车，应该管起来")).map((s) => s.body),
    ).toEqual(["消防通道上绝不能停车"]);
    // One word in common is not "similar".
    expect(await similarStatements(id, "通道两边多种点花草，老人也能坐坐")).toEqual([]);
    // An index that lost its rows (a restore without it) gets the accepted statements back.
    const accepted = (await statementsOf(id)).find((x) => x.body === "消防通道上绝不能停车")!;
    await unindex(getDb(), "statement", accepted.id);
    expect(await similarStatements(id, "消防通道")).toEqual([]);
    expect(await reindexMissing(getDb())).toBe(1);
    expect((await similarStatements(id, "消防通道")).map((x) => x.id)).toEqual([accepted.id]);
  });
});

describe("moderating", () => {
  it("rejects with a reason, audited, and the statement leaves the vote and the search", async () => {
    const id = await create();
    const [first] = await statementsOf(id);
    await run(moderateStatement, committee, {
      statementId: first!.id,
      decision: "reject",
      reason: "与议题无关",
    });
    const row = await getDb()
      .selectFrom("statements")
      .select(["status", "rejectReason", "moderatedBy"])
      .where("id", "=", first!.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: "rejected",
      rejectReason: "与议题无关",
      moderatedBy: committee.userId,
    });
    const audit = await getDb()
      .selectFrom("auditLog")
      .select(["action", "details"])
      .where("action", "=", "statement.moderate")
      .where("subjectId", "=", id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({
      change: "statementRejected",
      statementId: first!.id,
      reason: "与议题无关",
    });
    await expectRefusal(
      () => vote(r(0), id, first!.id, "agree"),
      409,
      "conversations:errors.statementNotAccepted",
    );
    expect(await similarStatements(id, "写字楼车位")).toEqual([]);
    await expectRefusal(
      () =>
        run(moderateStatement, committee, {
          statementId: first!.id,
          decision: "reject",
          reason: "again",
        }),
      409,
      "conversations:errors.alreadyModerated",
    );
  });

  it("is the committee's", async () => {
    const id = await create();
    const [first] = await statementsOf(id);
    const input = { statementId: first!.id, decision: "reject" as const, reason: "不要" };
    await expectRefusal(() => run(moderateStatement, r(0), input), 403, "errors.forbidden");
    await expectRefusal(
      () => run(moderateStatement, committeeThere, input),
      403,
      "errors.forbidden",
    );
  });
});

// ---------------------------------------------------------------- votes

describe("voting", () => {
  it("keeps one row per statement and person: a changed vote updates it", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    expect(await vote(r(0), id, s!.id, "agree")).toEqual({ changed: false });
    expect(await vote(r(0), id, s!.id, "disagree")).toEqual({ changed: true });
    expect(await votesOf(s!.id)).toEqual([{ userId: r(0).userId, vote: -1 }]);
    const page = await conversationPage(r(0), id);
    expect(page!.myVotes).toEqual([{ statementId: s!.id, body: s!.body, vote: "disagree" }]);
    expect(page!.statements.find((x) => x.id === s!.id)).toMatchObject({
      agree: 0,
      disagree: 1,
      pass: 0,
    });
    expect(page!.counts).toEqual({ participants: 1, statements: 3, votes: 1 });
  });

  it("is the person's own data: in their download, as they answered", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    const me = await makeResident(here);
    await vote(me, id, s!.id, "pass");
    const { statementId } = await run(submitStatement, me, {
      conversationId: id,
      body: "我的观点",
    });
    const mine = await exportMyData(me);
    expect(mine.statementVotes).toMatchObject([
      { conversationId: id, statementId: s!.id, vote: 0 },
    ]);
    expect(mine.statementsWritten).toMatchObject([{ id: statementId, body: "我的观点" }]);
  });

  it("leaves one row when the same person answers twice at once", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    const answers = await Promise.all([
      vote(r(1), id, s!.id, "agree"),
      vote(r(1), id, s!.id, "disagree"),
      vote(r(1), id, s!.id, "pass"),
    ]);
    const rows = await votesOf(s!.id);
    expect(rows).toHaveLength(1);
    expect(answers.filter((a) => !a.changed)).toHaveLength(1);
  });

  it("refuses outside the window", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    await run(closeConversation, committee, { conversationId: id });
    await expectRefusal(() => vote(r(0), id, s!.id, "agree"), 409, "conversations:errors.closed");
    const later = await create({
      opensAt: chinaLocal(Date.now() + HOUR),
      closesAt: chinaLocal(Date.now() + 3 * HOUR),
    });
    const [t] = await statementsOf(later);
    await expectRefusal(
      () => vote(r(0), later, t!.id, "agree"),
      409,
      "conversations:errors.notOpenYet",
    );
  });

  it("refuses a statement of another conversation", async () => {
    const a = await create();
    const b = await create();
    const [s] = await statementsOf(b);
    await expectRefusal(
      () => vote(r(0), a, s!.id, "agree"),
      404,
      "conversations:errors.statementNotFound",
    );
  });

  it("refuses those who may not take part, and lets only seat holders vote on a seats conversation", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    await expectRefusal(() => vote(residentThere, id, s!.id, "agree"), 403, "errors.forbidden");
    await expectRefusal(() => vote(pendingUser, id, s!.id, "agree"), 403, "errors.forbidden");
    await expectRefusal(() => vote(ANONYMOUS, id, s!.id, "agree"), 401, "errors.signInRequired");
    const seats = await create({ meetingId: String(meeting.meetingId), eligibility: "seats" });
    const [t] = await statementsOf(seats);
    expect(await vote(guest, seats, t!.id, "agree")).toEqual({ changed: false });
    await expectRefusal(() => vote(r(0), seats, t!.id, "agree"), 403, "errors.forbidden");
  });

  it("marks the map stale after the commit, not before", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    await vote(r(2), id, s!.id, "agree");
    const row = await getDb()
      .selectFrom("opinionMaps")
      .select(["version", "computedVersion"])
      .where("conversationId", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.version).toBe(1);
    expect(row.computedVersion).toBe(0);
  });
});

describe("who takes part", () => {
  it("on a street's council: the verified residents of every community of the street; run by admins", async () => {
    const district = await makeArea("district", null);
    const street = await makeArea("street", district);
    const east = await makeArea("community", street, "east");
    const west = await makeArea("community", street, "west");
    const councilId = await makeCouncil(street, "街道圆桌会");
    const admin = { ...(await actorFor(await makeUser())), isAdmin: true };
    const eastCommittee = await makeCommitteeMember(east);
    // Any community's committee of the street may run it, as may the platform's admins.
    const { conversationId } = await run(createConversation, admin, {
      ...form(),
      councilId,
    });
    await run(createConversation, eastCommittee, { ...form(), councilId });
    await expectRefusal(
      () => run(createConversation, committee, { ...form(), councilId }),
      403,
      "errors.forbidden",
    );
    const [s] = await statementsOf(conversationId);
    expect(await vote(await makeResident(east), conversationId, s!.id, "agree")).toEqual({
      changed: false,
    });
    expect(await vote(await makeResident(west), conversationId, s!.id, "agree")).toEqual({
      changed: false,
    });
    await expectRefusal(() => vote(r(0), conversationId, s!.id, "agree"), 403, "errors.forbidden");
    const audit = await getDb()
      .selectFrom("auditLog")
      .select("areaId")
      .where("subjectType", "=", "conversation")
      .where("subjectId", "=", conversationId)
      .executeTakeFirstOrThrow();
    expect(audit.areaId).toBe(street);
  });

  it("is no one's to do for someone else at the service window: votes and statements are one's own", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    const helped = await assistedBy(r(5), committee.userId!, here);
    await expectRefusal(() => vote(helped, id, s!.id, "agree"), 403, "errors.notAssistable");
    await expectRefusal(
      () => run(submitStatement, helped, { conversationId: id, body: "代写的观点" }),
      403,
      "errors.notAssistable",
    );
  });

  it("limits how many answers one person gives in an hour, changed answers included", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    const voter = await makeResident(here);
    for (let i = 0; i < 600; i++) await vote(voter, id, s!.id, i % 2 === 0 ? "agree" : "disagree");
    await expectRefusal(() => vote(voter, id, s!.id, "pass"), 429, "errors.rateLimited");
    // Refused, it wrote nothing: the last answer given stands.
    expect((await votesOf(s!.id)).filter((v) => v.userId === voter.userId)).toMatchObject([
      { vote: -1 },
    ]);
  });

  it("limits how many statements one person writes in an hour", async () => {
    const id = await create();
    const writer = await makeResident(here);
    for (let i = 0; i < 20; i++) {
      await run(submitStatement, writer, { conversationId: id, body: `第${i}条` });
    }
    await expectRefusal(
      () => run(submitStatement, writer, { conversationId: id, body: "第二十一条" }),
      429,
      "errors.rateLimited",
    );
  });
});

// ---------------------------------------------------------------- the next statement

describe("the next statement", () => {
  it("never shows one the person answered, and says when none is left", async () => {
    const id = await create();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const next = await nextStatement(r(3), id);
      expect(next.remaining).toBe(3 - i);
      expect(next.myVotes).toBe(i);
      expect(seen).not.toContain(next.statement!.id);
      seen.push(next.statement!.id);
      await vote(r(3), id, next.statement!.id, "pass");
    }
    expect(await nextStatement(r(3), id)).toEqual({ statement: null, remaining: 0, myVotes: 3 });
  });
});

// ---------------------------------------------------------------- the agenda

describe("attaching statements to the agenda", () => {
  it("lets the committee attach, change the kind and detach; the meeting shows them", async () => {
    const id = await create({ meetingId: String(meeting.meetingId) });
    const [a, b] = await statementsOf(id);
    const item = meeting.items[0]!;
    await run(attachStatements, committee, {
      agendaItemId: item,
      statementIds: [a!.id, b!.id],
      kind: "consensus",
    });
    await run(attachStatements, committee, {
      agendaItemId: item,
      statementIds: [b!.id],
      kind: "divisive",
    });
    const shown = await agendaStatements(meeting.meetingId);
    expect((await meetingLists(meeting.meetingId, here)).attached).toEqual(shown);
    const mine = shown.find((x) => x.agendaItemId === item)!;
    expect(
      mine.statements.filter((s) => s.conversationId === id).map((s) => [s.id, s.kind]),
    ).toEqual([
      [a!.id, "consensus"],
      [b!.id, "divisive"],
    ]);
    await run(detachStatement, committee, { agendaItemId: item, statementId: a!.id });
    await expectRefusal(
      () => run(detachStatement, committee, { agendaItemId: item, statementId: a!.id }),
      404,
      "conversations:errors.notAttached",
    );
    const audit = await getDb()
      .selectFrom("auditLog")
      .select("action")
      .where("subjectType", "=", "meeting")
      .where("subjectId", "=", meeting.meetingId)
      .where("action", "=", "agenda.attachStatements")
      .execute();
    expect(audit).toHaveLength(3);
  });

  it("is the committee's, and takes only statements of this council's conversations", async () => {
    const id = await create({ meetingId: String(meeting.meetingId) });
    const [a] = await statementsOf(id);
    const input = {
      agendaItemId: meeting.items[1]!,
      statementIds: [a!.id],
      kind: "consensus" as const,
    };
    await expectRefusal(() => run(attachStatements, r(0), input), 403, "errors.forbidden");
    await expectRefusal(
      () => run(attachStatements, committeeThere, input),
      403,
      "errors.forbidden",
    );
    const elsewhere = await run(createConversation, committeeThere, {
      ...form(),
      councilId: meetingThere.councilId,
    });
    const [foreign] = await statementsOf(elsewhere.conversationId);
    await expectRefusal(
      () => run(attachStatements, committee, { ...input, statementIds: [a!.id, foreign!.id] }),
      400,
      "conversations:errors.statementNotHere",
    );
  });
});

// ---------------------------------------------------------------- the map

/**
 * Two camps of residents and statements that split them: the first half of the people agree with
 * the first half of the statements and disagree with the rest, the others the other way round.
 */
async function twoCamps(people = 20, statements = 10) {
  const id = await create({ seeds: "" });
  for (let j = 0; j < statements; j++) {
    await run(submitStatement, r(j % 4), {
      conversationId: id,
      body: `第${j + 1}条观点：${j < statements / 2 ? "应该" : "不应该"}收费`,
    });
  }
  const ids = (await statementsOf(id)).map((s) => s.id);
  for (let i = 0; i < people; i++) {
    for (const [j, sid] of ids.entries()) {
      const camp = i < people / 2;
      const first = j < statements / 2;
      await vote(r(i), id, sid, camp === first ? "agree" : "disagree");
    }
  }
  await mapsSettled();
  return id;
}

describe("the opinion map", () => {
  it("says there are too few votes instead of drawing one", async () => {
    const id = await create();
    const [s] = await statementsOf(id);
    await vote(r(0), id, s!.id, "agree");
    await mapsSettled();
    expect(await recomputeMap(id, { now: new Date(Date.now() + 60_000) })).toBe("computed");
    const stored = await storedMap(id);
    expect(stored!.map.status).toBe("tooFew");
    expect(stored!.map.reason).toBeDefined();
    expect(stored!.map.points).toEqual([]);
    // Nothing new: nothing to compute.
    expect(await recomputeMap(id, { now: new Date(Date.now() + 120_000) })).toBe("fresh");
  });

  it("is computed once when two computations race, and holds no participant", async () => {
    const id = await twoCamps();
    const now = new Date(Date.now() + 60_000);
    // Five at once (on PostgreSQL, on five connections): one computes, the others find it
    // claimed, or, if they came after it, computed.
    const outcomes = await Promise.all(
      ["a", "b", "c", "d", "e"].map((owner) => recomputeMap(id, { now, owner })),
    );
    expect(outcomes.filter((o) => o === "computed")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "computed" && o !== "busy" && o !== "fresh")).toEqual([]);
    const stored = await storedMap(id);
    expect(stored!.map.status).toBe("ok");
    expect(stored!.map.k).toBeGreaterThanOrEqual(2);
    expect(stored!.map.points).toHaveLength(20);
    for (const p of stored!.map.points) expect(Object.keys(p).sort()).toEqual(["group", "x", "y"]);
    // No user id anywhere in what is shown.
    const result = await getDb()
      .selectFrom("opinionMaps")
      .select("result")
      .where("conversationId", "=", id)
      .executeTakeFirstOrThrow();
    expect(result.result).not.toMatch(/"participant"/);
    // Too soon for another, even once something changed.
    await mapChanged(id);
    expect(await recomputeMap(id, { now: new Date(now.getTime() + 1000) })).toBe("tooSoon");
    // The jobs' tick catches it up later.
    await mapsSettled();
    expect(await recomputeStaleMaps(getDb(), new Date(now.getTime() + 60_000))).toBeGreaterThan(0);
    expect((await storedMap(id))!.stale).toBe(false);
  });

  it("leaves a map claimed by another process alone until its lease runs out", async () => {
    const id = await twoCamps(6, 8);
    const now = Date.now() + 60_000;
    await getDb()
      .updateTable("opinionMaps")
      .set({ claimedBy: "elsewhere", claimedUntil: new Date(now + 1000).toISOString() })
      .where("conversationId", "=", id)
      .execute();
    expect(await recomputeMap(id, { now: new Date(now) })).toBe("busy");
    expect(await storedMap(id)).toBeNull();
    // The other process died: after its lease, the map is computed here.
    expect(await recomputeMap(id, { now: new Date(now + 1000) })).toBe("computed");
    expect((await storedMap(id))!.map.status).toBe("ok");
  });

  it("exports anonymised files in the Polis layout", async () => {
    const id = await twoCamps(12, 8);
    await recomputeMap(id, { now: new Date(Date.now() + 60_000) });
    const files = Object.fromEntries(
      await Promise.all(EXPORT_FILES.map(async (f) => [f, (await exportFile(id, f))!] as const)),
    );
    expect(files["comments.csv"]!.split("\n")[0]).toBe(
      "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body",
    );
    expect(files["votes.csv"]!.split("\n")[0]).toBe("timestamp,datetime,comment-id,voter-id,vote");
    const pv = files["participants-votes.csv"]!.split("\n");
    expect(pv[0]).toMatch(/^participant,group-id,n-comments,n-votes,n-agree,n-disagree,\d+/);
    expect(files["summary.csv"]!.split("\n").map((l) => l.split(",")[0])).toEqual([
      "topic",
      "url",
      "views",
      "voters",
      "voters-in-conv",
      "commenters",
      "comments",
      "groups",
      "conversation-description",
      "",
    ]);
    // Participants are 0..n-1; every voter is in a group.
    const rows = pv.slice(1).filter((l) => l !== "");
    const numbers = rows.map((l) => Number(l.split(",")[0]));
    expect(numbers).toEqual(numbers.map((_, i) => i));
    const voters = rows.filter((l) => Number(l.split(",")[3]) > 0);
    expect(voters).toHaveLength(12);
    for (const l of voters) expect(l.split(",")[1]).toMatch(/^\d$/);
    // Nobody's id or name in any file.
    const everyone = [...residents, committee];
    for (const [file, text] of Object.entries(files)) {
      for (const a of everyone) {
        expect(text, file).not.toMatch(/居民甲乙/);
        const user = await getDb()
          .selectFrom("users")
          .select(["displayName", "username"])
          .where("id", "=", a.userId!)
          .executeTakeFirstOrThrow();
        expect(text.includes(user.displayName), file).toBe(false);
        if (user.username) expect(text.includes(user.username), file).toBe(false);
      }
    }
    const votes = files["votes.csv"]!.split("\n")
      .slice(1)
      .filter((l) => l !== "");
    const voterIds = new Set(votes.map((l) => Number(l.split(",")[3])));
    expect([...voterIds].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(await exportFile(999_999, "votes.csv")).toBeNull();
  });

  it("writes moderated as 1, -1 and 0 from the statement's status", async () => {
    const id = await create({ premoderation: "yes" });
    const [first] = await statementsOf(id);
    await run(moderateStatement, committee, {
      statementId: first!.id,
      decision: "reject",
      reason: "重复",
    });
    await run(submitStatement, r(0), { conversationId: id, body: "等审核的观点" });
    const lines = (await exportFile(id, "comments.csv"))!.split("\n").slice(1, -1);
    expect(lines.map((l) => l.split(",")[6])).toEqual(["-1", "1", "1", "0"]);
    // Published text is accepted text: the rejected and the waiting statements' bodies stay out.
    expect(lines.map((l) => l.split(",")[7])).toEqual([
      "",
      "消防通道上绝不能停车",
      "停车费应按小时收",
      "",
    ]);
    // The author of the resident's statement is a participant number, not their id.
    expect(lines[3]!.split(",")[3]).toMatch(/^\d+$/);
  });
});
